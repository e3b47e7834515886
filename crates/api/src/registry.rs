//! The list of commands. Adding a command means adding it here, and nowhere else in Rust.

use serde_json::Value;

use crate::commands::{app_info::GetAppInfo, choices::GetEnvironmentChoices, code_view::ParseFlowText, dynamic_content::GetDynamicContent, edits::{CopySteps, EditFlow, GetConnectionOptions, GetStepParameters}, environment::CurrentEnvironment, environments::*, expressions::*, files::*, flow_file::*, preflight::PreflightFlow, runs::{CancelRun, GetRun, GetRunHistory, PollRun, RunFlow, StartRun}, save::SaveFlow, settings::*, step_settings::GetStepSettings, validation::*};
use crate::{ApiError, Command, Context, ErrorCode};

macro_rules! registry {
    ($($command:ty),* $(,)?) => {
        /// Every command name, in registration order.
        pub const COMMAND_NAMES: &[&str] = &[$(<$command as Command>::NAME),*];

        /// Runs the command called `name` with JSON arguments, giving its JSON response.
        pub async fn dispatch(ctx: &Context, name: &str, args: Value) -> Result<Value, ApiError> {
            $(if name == <$command as Command>::NAME { return run::<$command>(ctx, args).await; })*
            Err(ApiError::new(ErrorCode::UnknownCommand, format!("there is no command named `{name}`")))
        }

        /// Visits each command's name and request and response types (for the bindings).
        pub(crate) fn visit_commands(visitor: &mut impl crate::bindings::CommandVisitor) -> Result<(), ts_rs::ExportError> {
            $(visitor.visit::<$command>()?;)*
            Ok(())
        }
    };
}

registry![GetAppInfo, GetSampleFlow, OpenFlowFile, GetSettings, UpdateSettings, GetExpressionCatalogue, AnalyzeExpression, ValidateFlow, CurrentEnvironment, RunFlow, EditFlow, GetConnectionOptions, PreflightFlow, SaveFlow, GetRunHistory, GetRun, ListEnvironments, AddEnvironment, UseEnvironment, RemoveEnvironment, BeginSignIn, FinishSignIn, CancelSignIn, SignOut, GetEnvironmentTables, GetEnvironmentRows, StartRun, PollRun, CancelRun, GetStepParameters, CopySteps, GetDynamicContent, ParseFlowText, GetStepSettings, GetEnvironmentChoices, NewFlow, WriteAutosave, ListAutosaves, RecoverAutosave, DiscardAutosave, ExportFlow];

async fn run<C: Command>(ctx: &Context, args: Value) -> Result<Value, ApiError> {
    // Tauri sends `{}` or nothing for a command without arguments.
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    let request: C::Request = serde_json::from_value(args).map_err(|e| {
        ApiError::new(ErrorCode::InvalidArguments, format!("`{}`: {e}", C::NAME))
    })?;
    let response = C::run(ctx, request).await?;
    serde_json::to_value(response)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("`{}` response: {e}", C::NAME)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::host::TestHost;


    fn ctx() -> Context {
        Context::new(Arc::new(TestHost::default()))
    }

    #[tokio::test]
    async fn names_are_unique() {
        let mut names = COMMAND_NAMES.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COMMAND_NAMES.len());
    }

    #[tokio::test]
    async fn unknown_commands_and_bad_arguments_have_codes() {
        let err = dispatch(&ctx(), "format_disk", json!({})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownCommand);
        let err = dispatch(&ctx(), "open_flow_file", json!({"file": 3})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArguments);
        assert!(err.message.contains("open_flow_file"), "{}", err.message);
    }

    #[tokio::test]
    async fn the_expression_editor_gets_the_catalogue_and_analyses() {
        let functions = dispatch(&ctx(), "expression_catalogue", json!({})).await.unwrap();
        let add = functions.as_array().unwrap().iter().find(|f| f["name"] == "add").unwrap();
        assert_eq!(add["parameters"].as_array().unwrap().len(), 2);
        assert_eq!(add["group"], "math");
        let analysis = dispatch(&ctx(), "analyze_expression", json!({"text": "@{outputs('Get')} @{nope()}"})).await.unwrap();
        assert_eq!(analysis["actions"][0]["name"], "Get");
        assert_eq!(analysis["problems"][0]["kind"], "unknownFunction");
    }

    #[tokio::test]
    async fn the_embedded_sandbox_is_the_environment_unless_another_is_chosen() {
        let dir = tempfile::tempdir().unwrap();
        let (embedded, serving) = crate::embedded_sandbox::start(dir.path()).unwrap();
        let server = tokio::spawn(serving);
        let ctx = ctx().with_sandbox(embedded);
        let env = dispatch(&ctx, "current_environment", json!({})).await.unwrap();
        assert_eq!(env["name"], "Embedded sandbox");
        assert!(env["url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
        let personas: Vec<_> = env["personas"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect();
        assert!(personas.contains(&"sam".to_string()) && personas.contains(&"nora".to_string()), "{personas:?}");
        // The sample flow fits the sandbox's tables, so its metadata rules stay silent…
        let sample = dispatch(&ctx, "sample_flow", json!({})).await.unwrap();
        let rules: Vec<_> = sample["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_owned()).collect();
        assert_eq!(rules, ["connection/delegate-privilege"]);
        // …and a table the sandbox lacks is named.
        let broken = flowbench_core::sample::SAMPLE_FLOW_JSON.replace("\"entityName\": \"tasks\"", "\"entityName\": \"phonecalls\"");
        let diagnostics = dispatch(&ctx, "validate_flow", json!({"flowJson": broken})).await.unwrap();
        assert!(diagnostics.as_array().unwrap().iter().any(|d| d["rule"] == "metadata/table"), "{diagnostics}");
        // Who can run the sample: every persona, team and role by every Dataverse step, or the chosen ones.
        let matrix = dispatch(&ctx, "preflight_flow", json!({"flowJson": flowbench_core::sample::SAMPLE_FLOW_JSON})).await.unwrap();
        let subjects: Vec<&str> = matrix["users"].as_array().unwrap().iter().map(|u| u["user"].as_str().unwrap()).collect();
        assert_eq!(subjects.len(), 12, "5 personas, 1 team, 6 roles: {subjects:?}");
        assert!(subjects.contains(&"team:Sales Team") && subjects.contains(&"role:Auditor"), "{subjects:?}");
        let chosen = dispatch(&ctx, "preflight_flow", json!({"flowJson": flowbench_core::sample::SAMPLE_FLOW_JSON, "users": ["nora"]})).await.unwrap();
        assert_eq!(chosen["users"].as_array().unwrap().len(), 1);
        dispatch(&ctx, "update_settings", json!({"lastEnvironment": "Contoso Dev"})).await.unwrap();
        let env = dispatch(&ctx, "current_environment", json!({})).await.unwrap();
        assert_eq!(env["name"], "Contoso Dev");
        assert_eq!(env["embedded"], false);
        server.abort();
    }

    #[tokio::test]
    async fn the_connection_picker_offers_references_and_the_invoker_and_edits_apply() {
        let source = flowbench_core::sample::SAMPLE_FLOW_JSON;
        let options = dispatch(&ctx(), "connection_options", json!({"flowJson": source, "action": "Get_the_parent_account"})).await.unwrap();
        let labels: Vec<_> = options.as_array().unwrap().iter().map(|o| o["label"].as_str().unwrap().to_owned()).collect();
        assert_eq!(labels, ["fb_DataverseService (connection reference)", "Invoker's connection"]);
        assert_eq!(options[0]["selected"], true);
        assert!(options[1]["disabledReason"].is_null());

        let edited = dispatch(&ctx(), "edit_flow", json!({"name": "x", "path": null, "flowJson": source,
            "edit": {"kind": "setConnectionChoice", "action": "Get_the_parent_account", "choice": {"kind": "invoker"}}})).await.unwrap();
        assert_eq!(edited["outline"]["steps"][0]["runsAs"]["kind"], "triggerRunAs");
        let renamed = dispatch(&ctx(), "edit_flow", json!({"name": "x", "path": null, "flowJson": edited["source"],
            "edit": {"kind": "rename", "from": "Get_the_parent_account", "to": "Get_account"}})).await.unwrap();
        assert!(renamed["source"].as_str().unwrap().contains("outputs('Get_account')"));
        let err = dispatch(&ctx(), "edit_flow", json!({"name": "x", "path": null, "flowJson": source,
            "edit": {"kind": "delete", "action": "Nope"}})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::EditRefused);

        let recurring = source.replace("\"type\": \"OpenApiConnectionWebhook\"", "\"type\": \"Recurrence\"");
        let options = dispatch(&ctx(), "connection_options", json!({"flowJson": recurring, "action": "Get_the_parent_account"})).await.unwrap();
        assert!(options[1]["disabledReason"].as_str().unwrap().contains("automated"));
    }

    #[tokio::test]
    async fn saving_writes_the_export_form_and_refuses_what_cannot_be_exported() {
        let ctx = ctx();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved.json");
        let source = flowbench_core::sample::SAMPLE_FLOW_JSON;
        dispatch(&ctx, "save_flow", json!({"path": path.to_str().unwrap(), "flowJson": source})).await.unwrap();
        let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let original: Value = serde_json::from_str(source).unwrap();
        assert_eq!(saved.to_string(), original.to_string());
        let settings = dispatch(&ctx, "get_settings", json!({})).await.unwrap();
        assert_eq!(settings["recentFiles"][0], path.to_str().unwrap());

        let recurring = source.replace("\"type\": \"OpenApiConnectionWebhook\"", "\"type\": \"Recurrence\"");
        let refused = dir.path().join("refused.json");
        let err = dispatch(&ctx, "save_flow", json!({"path": refused.to_str().unwrap(), "flowJson": recurring})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::ExportRefused);
        assert!(!refused.exists());
    }

    #[tokio::test]
    async fn a_new_flow_is_autosaved_offered_back_and_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ctx().with_autosave(dir.path().join("autosave"));
        let blank = dispatch(&ctx, "new_flow", json!({})).await.unwrap();
        assert_eq!(blank["name"], "Untitled flow");
        assert_eq!(blank["outline"]["trigger"]["name"], "manual");
        assert_eq!(blank["outline"]["stepCount"], 0);
        assert!(blank["diagnostics"].as_array().unwrap().iter().all(|d| d["severity"] != "error"), "{}", blank["diagnostics"]);
        let edited = dispatch(&ctx, "edit_flow", json!({"name": "Untitled flow", "path": null, "flowJson": blank["source"],
            "edit": {"kind": "insert", "template": "compose", "position": {}}})).await.unwrap();
        dispatch(&ctx, "write_autosave", json!({"key": "untitled-7", "name": "Untitled flow", "path": null, "flowJson": edited["source"]})).await.unwrap();
        let list = dispatch(&ctx, "list_autosaves", json!({})).await.unwrap();
        assert_eq!(list["entries"][0]["key"], "untitled-7");
        let recovered = dispatch(&ctx, "recover_autosave", json!({"key": "untitled-7"})).await.unwrap();
        assert_eq!(recovered["source"], edited["source"]);
        assert_eq!(recovered["outline"]["stepCount"], 1);
        assert_eq!(dispatch(&ctx, "discard_autosave", json!({"key": "untitled-7"})).await.unwrap(), true);
        assert_eq!(dispatch(&ctx, "list_autosaves", json!({})).await.unwrap()["entries"], json!([]));
        let err = dispatch(&ctx, "recover_autosave", json!({"key": "untitled-7"})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
    }

    #[tokio::test]
    async fn a_step_moves_with_its_run_after_rewired_unless_it_would_read_what_has_not_run() {
        let flow = json!({"properties": {"connectionReferences": {}, "definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}},
            "actions": {
                "A": {"type": "Compose", "inputs": "a", "runAfter": {}},
                "B": {"type": "Compose", "inputs": "@outputs('A')", "runAfter": {"A": ["Succeeded"]}},
                "C": {"type": "Compose", "inputs": "c", "runAfter": {"B": ["Succeeded"]}}
            }}}}).to_string();
        let edit = |action: &str, position: Value| json!({"name": "f", "path": null, "flowJson": flow, "edit": {"kind": "move", "action": action, "position": position}});
        // C to the top: A now runs after C, B still after A, names unchanged.
        let moved = dispatch(&ctx(), "edit_flow", edit("C", json!({"before": "A"}))).await.unwrap();
        let order: Vec<&str> = moved["outline"]["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(order, ["C", "A", "B"]);
        let source: Value = serde_json::from_str(moved["source"].as_str().unwrap()).unwrap();
        let actions = &source["properties"]["definition"]["actions"];
        assert_eq!(actions["C"]["runAfter"], json!({}));
        assert_eq!(actions["A"]["runAfter"], json!({"C": ["Succeeded"]}));
        assert_eq!(actions["B"]["runAfter"], json!({"A": ["Succeeded"]}));
        // B before A would read A before it ran.
        let err = dispatch(&ctx(), "edit_flow", edit("B", json!({"before": "A"}))).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::EditRefused);
        assert!(err.message.contains("`B` cannot move there") && err.message.contains("refers to `A`"), "{}", err.message);
        // A after B: B would read A too early.
        let err = dispatch(&ctx(), "edit_flow", edit("A", json!({"after": "B", "before": "C"}))).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::EditRefused);
    }

    #[tokio::test]
    async fn a_flow_exports_as_a_solution_zip_that_opens_again_as_the_same_flow() {
        let ctx = ctx();
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("Follow up.zip");
        let source = flowbench_core::sample::SAMPLE_FLOW_JSON;
        dispatch(&ctx, "export_flow", json!({"flowJson": source, "name": "Follow up", "to": "solution", "path": zip.to_str().unwrap()})).await.unwrap();
        let reopened = dispatch(&ctx, "open_flow_file", json!({"path": zip.to_str().unwrap()})).await.unwrap();
        let original = dispatch(&ctx, "sample_flow", json!({})).await.unwrap();
        assert_eq!(reopened["name"], "Follow up");
        assert_eq!(reopened["outline"]["steps"], original["outline"]["steps"]);
        let actions = |doc: &Value| serde_json::from_str::<Value>(doc["source"].as_str().unwrap()).unwrap()["properties"]["definition"]["actions"].clone();
        assert_eq!(actions(&reopened), actions(&original));
        let json_file = dir.path().join("flow.json");
        dispatch(&ctx, "export_flow", json!({"flowJson": source, "name": "x", "to": "flow", "path": json_file.to_str().unwrap()})).await.unwrap();
        assert!(std::fs::read_to_string(&json_file).unwrap().contains("When_a_contact_is_added"));
    }

    #[tokio::test]
    async fn the_flow_being_edited_is_validated() {
        let broken = flowbench_core::sample::SAMPLE_FLOW_JSON.replace("@{triggerOutputs()?['body/fullname']} joined", "@{nope()} joined");
        let diagnostics = dispatch(&ctx(), "validate_flow", json!({"flowJson": broken})).await.unwrap();
        let rules: Vec<_> = diagnostics.as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_owned()).collect();
        assert!(rules.contains(&"expression/unknown-function".to_string()), "{rules:?}");
        let err = dispatch(&ctx(), "validate_flow", json!({"flowJson": "{"})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::FlowParse);
    }

    #[tokio::test]
    async fn the_sample_flow_comes_back_as_an_outline() {
        let doc = dispatch(&ctx(), "sample_flow", Value::Null).await.unwrap();
        assert_eq!(doc["name"], "New contact follow-up");
        assert_eq!(doc["outline"]["trigger"]["name"], "When_a_contact_is_added");
        assert_eq!(doc["outline"]["stepCount"], 5);
    }

    #[tokio::test]
    async fn opening_a_file_records_it_and_bad_files_say_where() {
        let ctx = ctx();
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("Flow-6E5A9197-E359-EE11-BE6F-000D3A45ED19.json");
        std::fs::write(&good, flowbench_core::sample::SAMPLE_FLOW_JSON).unwrap();
        let doc = dispatch(&ctx, "open_flow_file", json!({"path": good.to_str().unwrap()})).await.unwrap();
        assert_eq!(doc["name"], "Flow");
        let settings = dispatch(&ctx, "get_settings", json!({})).await.unwrap();
        assert_eq!(settings["recentFiles"][0], good.to_str().unwrap());

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"properties\": {\"definition\": ").unwrap();
        let err = dispatch(&ctx, "open_flow_file", json!({"path": bad.to_str().unwrap()})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::FlowParse);
        assert!(err.message.contains("bad.json") && err.message.contains("line 1"), "{}", err.message);

        let zip = dir.path().join("solution.zip");
        let flow = flowbench_core::Flow::parse(flowbench_core::sample::SAMPLE_FLOW_JSON).unwrap();
        let solution =
            flowbench_core::solution::Solution::from_flow(flow, "Follow up", "2b1f0c34-5d6e-4f70-8a9b-0c1d2e3f4a5b", "fb").unwrap();
        std::fs::write(&zip, solution.write_zip().unwrap()).unwrap();
        let doc = dispatch(&ctx, "open_flow_file", json!({"path": zip.to_str().unwrap()})).await.unwrap();
        assert_eq!(doc["outline"]["trigger"]["name"], "When_a_contact_is_added");

        std::fs::write(&zip, b"PK\x03\x04 not really a zip").unwrap();
        let err = dispatch(&ctx, "open_flow_file", json!({"path": zip.to_str().unwrap()})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Solution);

        let missing = dir.path().join("missing.json");
        let err = dispatch(&ctx, "open_flow_file", json!({"path": missing.to_str().unwrap()})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
    }
}
