//! Opening, serving, persisting and resetting a sandbox through the public API.

mod common;

use common::*;
use flowbench_sandbox::{Sandbox, SandboxError, Scenario};
use serde_json::json;

#[test]
fn personas_describe_the_scenario_users() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
    let names: Vec<String> = sandbox.personas().into_iter().map(|p| p.name).collect();
    assert_eq!(names, vec!["admin", "sam", "nora", "audrey", "svc"]);
    let sam = sandbox.personas().into_iter().find(|p| p.name == "sam").unwrap();
    assert_eq!(sam.business_unit, "Sales");
    assert_eq!(sam.teams, vec!["Sales Team"]);
    assert!(sam.description.unwrap().contains("cannot delete contacts"));
}

#[test]
fn tokens_need_a_served_sandbox_and_a_known_persona() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
    assert!(matches!(sandbox.token_for("admin"), Err(SandboxError::NotServed { .. })));
    let err = sandbox.token_with("nobody", Default::default()).unwrap_err();
    assert_eq!(err.to_string(), "there is no persona named 'nobody'; the personas are: admin, sam, nora, audrey, svc");
}

#[test]
fn serve_refuses_addresses_other_than_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
    for address in ["0.0.0.0:0", "10.1.2.3:8080", "[::]:0"] {
        match sandbox.serve(address.parse().unwrap()) {
            Err(SandboxError::NotLoopback(_)) => {}
            Err(other) => panic!("{address}: {other}"),
            Ok(_) => panic!("{address} was accepted"),
        }
    }
}

#[tokio::test]
async fn another_process_can_mint_tokens_for_the_served_url() {
    let t = TestSandbox::start().await;
    // What `flowbench sandbox token` does: open the same data directory and mint.
    let reopened = Sandbox::open(t.sandbox.data_dir(), Scenario::builtin()).unwrap();
    assert_eq!(reopened.base_url(), Some(t.base_url.clone()));
    let token = reopened.token_for("sam").unwrap();
    let answer = send(t.client.get(t.url("WhoAmI")).bearer_auth(token)).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn data_survives_reopening_and_reset_restores_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
        let (address, serving) = sandbox.serve("127.0.0.1:0".parse().unwrap()).unwrap();
        let server = tokio::spawn(serving);
        let client = reqwest::Client::new();
        let answer = send(
            client
                .post(format!("http://{address}/api/data/v9.2/accounts"))
                .bearer_auth(sandbox.token_for("admin").unwrap())
                .json(&json!({"name": "Kept"})),
        )
        .await;
        assert_eq!(answer.status, 204);
        let delete = send(
            client
                .delete(format!("http://{address}/api/data/v9.2/contacts({PAUL})"))
                .bearer_auth(sandbox.token_for("admin").unwrap()),
        )
        .await;
        assert_eq!(delete.status, 204);
        server.abort();
        answer.header("OData-EntityId").unwrap().rsplit('(').next().unwrap().trim_end_matches(')').to_string()
    };

    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
    let (address, serving) = sandbox.serve("127.0.0.1:0".parse().unwrap()).unwrap();
    let server = tokio::spawn(serving);
    let client = reqwest::Client::new();
    let get = |path: String| {
        let request = client
            .get(format!("http://{address}/api/data/v9.2/{path}"))
            .bearer_auth(sandbox.token_for("admin").unwrap());
        send(request)
    };
    assert_eq!(get(format!("accounts({id})")).await.body["name"], "Kept", "the write survived a restart");
    assert_eq!(get(format!("contacts({PAUL})")).await.status, 404);

    sandbox.reset().unwrap();
    assert_eq!(get(format!("accounts({id})")).await.status, 404, "reset removes what was added");
    assert_eq!(get(format!("contacts({PAUL})")).await.status, 200, "and restores what was deleted");
    assert_eq!(get("contacts".into()).await.body["value"].as_array().unwrap().len(), 5);
    server.abort();
}

#[test]
fn a_store_seeded_from_another_scenario_is_refused_until_reset() {
    let dir = tempfile::tempdir().unwrap();
    drop(Sandbox::open(dir.path(), Scenario::builtin()).unwrap());
    let mut changed = builtin_json();
    changed["organization"]["name"] = json!("Another");
    let changed = Scenario::from_json(&changed.to_string()).unwrap();
    let err = Sandbox::open(dir.path(), changed.clone()).err().expect("refused");
    assert!(err.to_string().contains("was seeded from a different scenario"), "{err}");
    let sandbox = Sandbox::open_reset(dir.path(), changed.clone()).unwrap();
    assert_eq!(sandbox.scenario().organization.name, "Another");
    drop(sandbox);
    assert!(Sandbox::open(dir.path(), changed).is_ok(), "now it matches");
}

#[test]
fn an_invalid_scenario_lists_every_problem_with_its_place() {
    let mut scenario = builtin_json();
    scenario["users"][1]["businessUnit"] = json!("Marketing");
    scenario["roles"][1]["privileges"] = json!({"prvReadContacts": "Local"});
    scenario["tables"][1]["columns"][0]["maxLength"] = json!(0);
    scenario["rows"][0]["values"]["numberofemployees"] = json!("many");
    let err = Scenario::from_json(&scenario.to_string()).unwrap_err().to_string();
    assert!(err.contains("users[sam].businessUnit: no business unit named 'Marketing'"), "{err}");
    assert!(err.contains("roles[Salesperson].privileges: unknown privilege 'prvReadContacts'"), "{err}");
    assert!(err.contains("tables[contact].columns[fullname].maxLength: must be at least 1"), "{err}");
    // Rows are checked once the rest is sound, so this one is not reported yet.
    assert!(!err.contains("rows[0]"), "{err}");
    let mut scenario = builtin_json();
    scenario["rows"][0]["values"]["numberofemployees"] = json!("many");
    let err = Scenario::from_json(&scenario.to_string()).unwrap_err().to_string();
    assert!(err.contains("rows[0].values: Cannot convert the value \"many\" for column 'numberofemployees'"), "{err}");
}
