//! The `flowbench` binary as a user runs it: inspect and export, good input and bad.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flowbench_core::sample::SAMPLE_FLOW_JSON;

fn flowbench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowbench")).args(args).output().expect("flowbench runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sample_file(dir: &Path) -> PathBuf {
    let path = dir.join("NewContactFollowUp-2B1F0C34-5D6E-4F70-8A9B-0C1D2E3F4A5B.json");
    std::fs::write(&path, SAMPLE_FLOW_JSON).unwrap();
    path
}

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/flows");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent", dir.display());
        None
    }
}

#[test]
fn inspect_shows_the_trigger_the_tree_and_who_each_step_runs_as() {
    let dir = tempfile::tempdir().unwrap();
    let out = flowbench(&["inspect", sample_file(dir.path()).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Flow: NewContactFollowUp"), "{text}");
    assert!(text.contains("Trigger: When_a_contact_is_added — Dataverse row Added on contact, scope Organization, run as the modifying user"), "{text}");
    assert!(text.contains("Get_the_parent_account  [OpenApiConnection GetItem accounts] — runs as the owner of connection reference fb_DataverseService"), "{text}");
    assert!(text.contains("Create_a_follow-up_task  [OpenApiConnection CreateRecord tasks] — runs as the modifying user"), "{text}");
    assert!(text.contains("    Yes:\n") && text.contains("    No:\n"), "{text}");
}

#[test]
fn inspect_json_gives_the_outline() {
    let dir = tempfile::tempdir().unwrap();
    let out = flowbench(&["inspect", "--format", "json", sample_file(dir.path()).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["outline"]["stepCount"], 5);
    assert_eq!(json[0]["outline"]["steps"][0]["runsAs"]["kind"], "connectionReference");
}

#[test]
fn malformed_json_says_where_with_a_code_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"properties\": {\n    \"definition\": [,\n").unwrap();
    let out = flowbench(&["inspect", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("error[flow_parse]") && err.contains("bad.json") && err.contains("line 3, column"), "{err}");

    let not_flow = dir.path().join("package.json");
    std::fs::write(&not_flow, r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    let err = stderr(&flowbench(&["inspect", not_flow.to_str().unwrap()]));
    assert!(err.contains("error[flow_parse]") && err.contains("not a flow"), "{err}");

    let err = stderr(&flowbench(&["inspect", dir.path().join("missing.json").to_str().unwrap()]));
    assert!(err.contains("error[io]"), "{err}");
}

#[test]
fn a_flow_exports_to_the_same_json_and_into_a_solution_and_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample_file(dir.path());
    let flow_out = dir.path().join("out.json");
    let out = flowbench(&["export", input.to_str().unwrap(), "--to", "flow", flow_out.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let original: serde_json::Value = serde_json::from_str(SAMPLE_FLOW_JSON).unwrap();
    let exported: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&flow_out).unwrap()).unwrap();
    assert_eq!(serde_json::to_string(&exported).unwrap(), serde_json::to_string(&original).unwrap());

    let zip = dir.path().join("solution.zip");
    let out = flowbench(&["export", input.to_str().unwrap(), "--to", "solution", zip.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&flowbench(&["inspect", zip.to_str().unwrap()]));
    assert!(text.contains("runs as the modifying user"), "{text}");

    let folder = dir.path().join("unpacked");
    let out = flowbench(&["export", zip.to_str().unwrap(), "--to", "folder", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(folder.join("Other/Solution.xml").is_file());
    let text = stdout(&flowbench(&["inspect", folder.to_str().unwrap()]));
    assert!(text.contains("Get_the_parent_account"), "{text}");

    // Existing output is not replaced without --force.
    let out = flowbench(&["export", input.to_str().unwrap(), "--to", "flow", flow_out.to_str().unwrap()]);
    assert!(stderr(&out).contains("error[exists]"));
}

#[test]
fn export_refuses_the_invoker_under_a_recurrence_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = SAMPLE_FLOW_JSON.replace(
        r#""When_a_contact_is_added": {"#,
        r#""Every_day": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 1}}, "Old_trigger": {"#,
    );
    // Keep only the recurrence: drop the Dataverse trigger object by name.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["properties"]["definition"]["triggers"].as_object_mut().unwrap().shift_remove("Old_trigger");
    let input = dir.path().join("recurring.json");
    std::fs::write(&input, doc.to_string()).unwrap();
    let output = dir.path().join("out.json");
    let out = flowbench(&["export", input.to_str().unwrap(), "--to", "flow", output.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("error[export_refused]") && err.contains("Create_a_follow-up_task") && err.contains("Every_day"), "{err}");
    assert!(!output.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn every_shared_flow_and_solution_inspects() {
    let Some(dir) = shared() else { return };
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "zip")) {
            continue;
        }
        let out = flowbench(&["inspect", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
        assert!(stdout(&out).contains("Trigger: "), "{}", path.display());
    }
}

#[test]
fn a_flow_from_the_management_api_exports_into_a_solution_in_the_solution_shape() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("from-api.json");
    let flow = serde_json::json!({
        "name": "5f9a3c1e-0000-4000-8000-000000000001",
        "type": "Microsoft.ProcessSimple/environments/flows",
        "properties": {
            "displayName": "Tidy contacts",
            "connectionReferences": {"shared_commondataserviceforapps": {"connectionName": "shared-commondataser-0001",
                "source": "Invoker", "id": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"}},
            "definition": {"triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}},
                "actions": {"List_contacts": {"type": "OpenApiConnection", "runAfter": {}, "inputs": {"host": {
                    "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                    "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords"},
                    "parameters": {"entityName": "contacts"}}}}}
        }
    });
    std::fs::write(&input, flow.to_string()).unwrap();
    let zip = dir.path().join("out.zip");
    let out = flowbench(&["export", input.to_str().unwrap(), "--to", "solution", zip.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&flowbench(&["inspect", zip.to_str().unwrap()]));
    assert!(text.contains("Flow: Tidy contacts"), "{text}");
    assert!(text.contains("runs as the invoker (run-only user's connection, reference fb_commondataserviceforapps)"), "{text}");
}

#[test]
fn expr_eval_reads_run_data_from_a_context_file_and_points_at_errors() {
    let dir = tempfile::tempdir().unwrap();
    let context = dir.path().join("context.json");
    std::fs::write(
        &context,
        r#"{"actions": {"Get_contact": {"outputs": {"body": {"fullname": "Ada Lovelace"}}}},
            "variables": {"count": 41}, "loops": [{"name": "Each", "item": {"id": 7}}]}"#,
    )
    .unwrap();
    let ctx = context.to_str().unwrap();
    let out = flowbench(&["expr", "eval", "Hi @{outputs('Get_contact')?['body/fullname']}", "--context", ctx]);
    assert_eq!(stdout(&out).trim(), "\"Hi Ada Lovelace\"", "{}", stderr(&out));
    let out = flowbench(&["expr", "eval", "add(variables('count'), items('Each')?['id'])", "--context", ctx]);
    assert_eq!(stdout(&out).trim(), "48", "{}", stderr(&out));

    let out = flowbench(&["expr", "eval", "@concat('a' 'b')"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("error[expression]") && err.contains("expected `,` or `)`"), "{err}");
    assert!(err.contains("\n  @concat('a' 'b')\n              ^"), "{err}");
}

#[test]
fn expr_check_reports_each_case_and_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.json");
    std::fs::write(
        &cases,
        r#"[{"id": "a", "category": "Math", "expr": "@add(1,2)", "expect": 3},
            {"id": "b", "category": "Math", "expr": "@add(1,2)", "expect": 3.0},
            {"id": "c", "category": "Logic", "expr": "@and()", "error": true}]"#,
    )
    .unwrap();
    let out = flowbench(&["expr", "check", cases.to_str().unwrap()]);
    assert!(!out.status.success(), "a failing case fails the command");
    let text = stdout(&out);
    assert!(text.contains("ok    a") && text.contains("FAIL  b: expected 3.0, got 3") && text.contains("ok    c"), "{text}");
    assert!(text.trim_end().ends_with("2 passed, 1 failed"), "{text}");

    let out = flowbench(&["expr", "check", "--format", "json", cases.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["passed"], 2);
    assert_eq!(report["categories"]["Math"]["failed"], 1);
}

fn broken_fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../validate/tests/fixtures/broken").join(name).display().to_string()
}

#[test]
fn validate_exits_0_when_clean_1_on_errors_and_2_on_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    let clean = flowbench(&["validate", sample_file(dir.path()).to_str().unwrap()]);
    assert_eq!(clean.status.code(), Some(0), "{}{}", stdout(&clean), stderr(&clean));
    assert!(stdout(&clean).contains("warning[connection/delegate-privilege]"), "{}", stdout(&clean));

    let broken = broken_fixture("expression-unknown-function.json");
    let out = flowbench(&["validate", &broken]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("error[expression/unknown-function] The template function 'frobnicate' is not defined"), "{text}");
    assert!(text.contains("expression-unknown-function.json:"), "a line and column follow the path: {text}");

    let missing = dir.path().join("missing.json");
    let out = flowbench(&["validate", &broken, missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error[unreadable]"));
}

#[test]
fn validate_writes_sarif_and_junit() {
    let broken = broken_fixture("graph-run-after-target.json");
    let out = flowbench(&["validate", "--format", "sarif", &broken]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "graph/run-after-target");
    assert_eq!(result["level"], "error");
    assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() > 1);
    assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], "B");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], "graph/run-after-target");

    let out = flowbench(&["validate", "--format", "junit", &broken]);
    let xml = stdout(&out);
    assert!(xml.starts_with("<?xml") && xml.contains("<testsuites name=\"flowbench validate\" tests=\"1\" failures=\"1\">"), "{xml}");
    assert!(xml.contains("<failure type=\"graph/run-after-target\""), "{xml}");
}

#[test]
fn validate_checks_every_flow_of_a_solution() {
    let Some(dir) = shared() else { return };
    let out = flowbench(&["validate", dir.join("SecurityRoleManagement.zip").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 file(s): 0 error(s)"), "{}", stdout(&out));
}

#[test]
fn sandbox_serves_prints_its_url_first_and_mints_tokens_the_server_accepts() {
    use std::io::{BufRead, BufReader, Read, Write as _};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let personas = stdout(&flowbench(&["sandbox", "personas", "--data", data]));
    for persona in ["admin", "sam", "nora", "audrey", "svc"] {
        assert!(personas.lines().any(|l| l.starts_with(persona)), "{personas}");
    }
    let mut server = Command::new(env!("CARGO_BIN_EXE_flowbench"))
        .args(["sandbox", "serve", "--data", data])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
    let base = first.trim().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let token = stdout(&flowbench(&["sandbox", "token", "sam", "--data", data])).trim().to_string();
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET /api/data/v9.2/WhoAmI HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    server.kill().unwrap();
    let _ = server.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("UserId"), "{response}");
}

#[test]
fn run_as_a_persona_shows_who_each_step_ran_as_and_the_missing_privilege() {
    let dir = tempfile::tempdir().unwrap();
    let flow = dir.path().join("add-contact.json");
    std::fs::write(
        &flow,
        serde_json::json!({"properties": {
            "connectionReferences": {"shared_commondataserviceforapps": {"runtimeSource": "invoker",
                "connection": {"connectionReferenceLogicalName": "fb_Dataverse"}, "api": {"name": "shared_commondataserviceforapps"}}},
            "definition": {
                "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {"type": "object",
                    "properties": {"text": {"type": "string"}}, "required": ["text"]}}}},
                "actions": {"Add_a_contact": {"type": "OpenApiConnection", "runAfter": {}, "inputs": {
                    "host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                             "connectionName": "shared_commondataserviceforapps", "operationId": "CreateRecord"},
                    "parameters": {"entityName": "contacts", "item/lastname": "@triggerBody()?['text']"}}}}}},
            "schemaVersion": "1.0.0.0"})
        .to_string(),
    )
    .unwrap();
    let data = dir.path().join("sandbox");
    let args = |persona: &str| {
        vec!["run".to_string(), flow.display().to_string(), "--as".into(), persona.into(), "--trigger-body".into(),
             r#"{"text": "Lovelace"}"#.into(), "--data".into(), data.display().to_string()]
    };
    let sam = Command::new(env!("CARGO_BIN_EXE_flowbench")).args(args("sam")).output().unwrap();
    assert_eq!(sam.status.code(), Some(0), "{}{}", stdout(&sam), stderr(&sam));
    assert!(row(&stdout(&sam), "Add_a_contact").is_some_and(|r| r[1] == "Succeeded" && r[2] == "sam"), "{}", stdout(&sam));
    assert!(stderr(&sam).is_empty(), "no progress bar when stderr is not a terminal: {}", stderr(&sam));

    let nora = Command::new(env!("CARGO_BIN_EXE_flowbench")).args(args("nora")).output().unwrap();
    assert_eq!(nora.status.code(), Some(1), "{}", stdout(&nora));
    let text = stdout(&nora);
    let failed = row(&text, "Add_a_contact").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(failed[1..], ["Failed", "nora", failed[3].as_str(), "0x80040220"], "{text}");
    assert!(text.contains("Failed steps:\n  Add_a_contact: 0x80040220: ") && text.contains("prvCreateContact"), "{text}");
}

#[test]
fn preflight_names_the_missing_privilege_for_each_user_and_step() {
    let dir = tempfile::tempdir().unwrap();
    let flow = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser/fixtures/add-contact.json");
    let out = flowbench(&["preflight", flow.to_str().unwrap(), "--users", "sam,nora", "--format", "json", "--env", "sandbox", "--data", dir.path().to_str().unwrap()]);
    assert!(!out.status.success(), "a denied cell makes the command fail, for CI");
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    let text = report.to_string();
    assert!(text.contains("prvCreateContact"), "{text}");
    assert!(text.contains("nora") && text.contains("sam"), "{text}");
}

#[test]
fn preflight_checks_a_role_or_a_team_before_anyone_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let flow = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser/fixtures/add-contact.json");
    let run = |users: &str| {
        flowbench(&["preflight", flow.to_str().unwrap(), "--users", users, "--format", "json", "--env", "sandbox", "--data", dir.path().to_str().unwrap()])
    };
    let allowed = run("role:Salesperson");
    assert_eq!(allowed.status.code(), Some(0), "{}{}", stdout(&allowed), stderr(&allowed));
    let refused = run("team:Sales Team");
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    let report: serde_json::Value = serde_json::from_str(&stdout(&refused)).unwrap();
    assert_eq!(report["users"][0]["user"], "team:Sales Team");
    assert!(report.to_string().contains("prvCreateContact"), "{report}");
    let unknown = run("role:Nobody");
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no role 'role:Nobody'"), "{}", stderr(&unknown));
}

/// The cells of the summary table's row for `step` (its name trimmed).
fn row(summary: &str, step: &str) -> Option<Vec<String>> {
    summary.lines().filter(|l| l.starts_with('|')).map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect::<Vec<_>>()).find(|cells| cells[0] == step)
}

fn write_json(path: &Path, value: serde_json::Value) -> PathBuf {
    std::fs::write(path, value.to_string()).unwrap();
    path.to_path_buf()
}

/// A button flow with `actions` (a `name` in its trigger body is required).
fn button_flow(actions: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"properties": {"definition": {
        "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {"type": "object",
            "properties": {"name": {"type": "string"}}, "required": ["name"]}}}},
        "actions": actions}}, "schemaVersion": "1.0.0.0"})
}

const GREETER_ID: &str = "6E5A9197-E359-EE11-BE6F-000D3A45ED19";

fn parent_flow() -> serde_json::Value {
    button_flow(serde_json::json!({
        "Names": {"type": "Foreach", "runAfter": {}, "foreach": "@createArray('a','b','c')", "actions": {
            "Shout": {"type": "Compose", "runAfter": {}, "inputs": "@toUpper(item())"}}},
        "Run_a_Child_Flow": {"type": "Workflow", "runAfter": {"Names": ["Succeeded"]}, "inputs": {
            "host": {"workflowReferenceName": GREETER_ID}, "body": {"name": "@triggerBody()['name']"}}},
        "Answer": {"type": "Compose", "runAfter": {"Run_a_Child_Flow": ["Succeeded"]}, "inputs": "@body('Run_a_Child_Flow')?['greeting']"}
    }))
}

fn greeter_flow() -> serde_json::Value {
    button_flow(serde_json::json!({
        "Greet": {"type": "Compose", "runAfter": {}, "inputs": "Hello @{triggerBody()['name']}"},
        "Respond_to_a_PowerApp_or_flow": {"type": "Response", "kind": "PowerApp", "runAfter": {"Greet": ["Succeeded"]},
            "inputs": {"statusCode": 200, "body": {"greeting": "@{outputs('Greet')}"}}}
    }))
}

#[test]
fn run_summarises_loops_and_child_flows_and_json_prints_the_record_alone() {
    let dir = tempfile::tempdir().unwrap();
    let parent = write_json(&dir.path().join("parent.json"), parent_flow());
    let child = write_json(&dir.path().join(format!("Greeter-{GREETER_ID}.json")), greeter_flow());
    let data = dir.path().join("sandbox");
    let base = ["run", parent.to_str().unwrap(), "--trigger-body", r#"{"name": "Ada"}"#, "--data", data.to_str().unwrap()];

    let out = flowbench(&[&base[..], &["--child", child.to_str().unwrap()]].concat());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.starts_with("Run Succeeded (invoker: admin) in "), "{text}");
    assert_eq!(row(&text, "Names").unwrap()[1], "Succeeded", "{text}");
    assert_eq!(row(&text, "3 passes").unwrap()[1], "Succeeded ×3", "{text}");
    assert_eq!(row(&text, "Shout").unwrap()[1], "Succeeded ×3", "{text}");
    assert!(text.contains("|   3 passes ") && text.contains("|     Shout "), "passes indented under their loop: {text}");
    assert_eq!(row(&text, "child flow run").unwrap()[1], "Succeeded", "{text}");
    assert!(text.contains("|     Greet ") && text.contains("|     Respond_to_a_PowerApp_or_flow "), "{text}");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    let json = flowbench(&[&base[..], &["--child", child.to_str().unwrap(), "--format", "json"]].concat());
    assert_eq!(json.status.code(), Some(0));
    let record: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_else(|e| panic!("only the record on stdout: {e}: {}", stdout(&json)));
    assert_eq!(record["status"], "Succeeded");
    assert_eq!(record["steps"][2]["outputs"], "Hello Ada");
    assert_eq!(record["steps"][1]["childRun"]["steps"][0]["name"], "Greet");

    // Without the child, the step names what is missing and the run fails.
    let alone = flowbench(&base);
    assert_eq!(alone.status.code(), Some(1), "{}", stdout(&alone));
    let text = stdout(&alone);
    assert_eq!(row(&text, "Run_a_Child_Flow").unwrap()[4], "WorkflowNotFound", "{text}");
    assert!(text.contains(GREETER_ID) && text.contains("--child"), "{text}");
    assert_eq!(row(&text, "Answer").unwrap()[1], "Skipped", "{text}");
}

#[test]
fn run_takes_child_flows_from_the_solution_and_runs_the_flow_no_other_calls() {
    use flowbench_core::solution::Solution;
    let dir = tempfile::tempdir().unwrap();
    let parent = flowbench_core::Flow::from_value(parent_flow()).unwrap();
    let folder = dir.path().join("solution");
    Solution::from_flow(parent, "Parent", "2B1F0C34-5D6E-4F70-8A9B-0C1D2E3F4A5B", "fb").unwrap().write_folder(&folder).unwrap();
    write_json(&folder.join(format!("Workflows/Greeter-{GREETER_ID}.json")), greeter_flow());
    let data = dir.path().join("sandbox");
    let run = |extra: &[&str]| {
        flowbench(&[&["run", folder.to_str().unwrap(), "--trigger-body", r#"{"name": "Grace"}"#, "--data", data.to_str().unwrap(), "--format", "json"][..], extra].concat())
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["steps"][2]["outputs"], "Hello Grace", "the parent ran, with the child from the solution");

    let child = run(&["--flow", GREETER_ID]);
    assert_eq!(child.status.code(), Some(0), "{}", stderr(&child));
    let record: serde_json::Value = serde_json::from_str(&stdout(&child)).unwrap();
    assert_eq!(record["response"]["body"]["greeting"], "Hello Grace", "--flow picks the child by its id");

    let unknown = run(&["--flow", "Nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("error[flow_not_found]") && stderr(&unknown).contains("'Nope'"), "{}", stderr(&unknown));
}

#[test]
fn run_exits_2_when_the_run_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let flow = write_json(&dir.path().join("greeter.json"), greeter_flow());
    let flow = flow.to_str().unwrap();
    let data = dir.path().join("sandbox");
    let data = data.to_str().unwrap();
    let not_json = dir.path().join("body.txt");
    std::fs::write(&not_json, "name=Ada").unwrap();
    let not_json = not_json.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["run", flow, "--data", data, "--trigger", not_json], "is not JSON"),
        (&["run", "/nonexistent/flow.json"], "error[io]: /nonexistent/flow.json"),
        (&["run", flow, "--data", data, "--trigger-body", "{not json"], "error[trigger_body]: the trigger body is not JSON"),
        (&["run", flow, "--data", data, "--trigger-body", "@/nonexistent/body.json"], "error[io]: /nonexistent/body.json"),
        (&["run", flow, "--data", data, "--env", "nowhere"], "error[environment]: there is no environment 'nowhere'"),
        (&["run", flow, "--data", data, "--as", "nobody"], "nobody"),
    ];
    for (args, expected) in cases {
        let out = flowbench(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}{}", stdout(&out), stderr(&out));
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
    }
    // --trigger FILE gives the body from a file.
    let body = write_json(&dir.path().join("body.json"), serde_json::json!({"name": "Ada"}));
    let from_file = flowbench(&["run", flow, "--data", data, "--trigger", body.to_str().unwrap(), "--format", "json"]);
    assert_eq!(from_file.status.code(), Some(0), "{}", stderr(&from_file));
    let record: serde_json::Value = serde_json::from_str(&stdout(&from_file)).unwrap();
    assert_eq!(record["response"]["body"]["greeting"], "Hello Ada");
    // A body the trigger's schema refuses: the run never starts.
    let refused = flowbench(&["run", flow, "--data", data, "--trigger-body", r#"{"nom": "Ada"}"#]);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(stdout(&refused).starts_with("Run did not start (invoker: admin): TriggerInputSchemaMismatch: "), "{}", stdout(&refused));
    assert!(stdout(&refused).contains("`name`"), "{}", stdout(&refused));
}

#[test]
fn run_shows_a_progress_bar_on_a_terminal() {
    // util-linux `script` gives the command a pseudo-terminal.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no `script` to make a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let parent = write_json(&dir.path().join("parent.json"), parent_flow());
    let child = write_json(&dir.path().join(format!("Greeter-{GREETER_ID}.json")), greeter_flow());
    let command = format!(
        "{} run {} --child {} --trigger-body '{{\"name\": \"Ada\"}}' --data {}",
        env!("CARGO_BIN_EXE_flowbench"),
        parent.display(),
        child.display(),
        dir.path().join("sandbox").display()
    );
    let out = Command::new("script").args(["-qec", &command, "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    let screen = stdout(&out);
    assert!(screen.contains("/3 steps"), "the bar counts the flow's 3 top-level steps: {screen}");
    assert!(screen.contains("Names  [0 ended]"), "the bar names the step running and counts the steps ended: {screen}");
    assert!(screen.contains("Run Succeeded"), "{screen}");
}
