//! Turning a flow from the flow-management API or a bare definition into the solution file shape,
//! the only one a solution may carry (`flow-format.md` E3).

use serde_json::{json, Map, Value};

use super::{DocumentShape, Flow};
use crate::choice::entry_invoker_encoding;

impl Flow {
    /// The same flow in the solution shape. Management-API references (`source: Invoker|Embedded`)
    /// become solution entries; having no logical name, they get `<prefix>_<connector>`.
    pub fn into_solution_shape(self, publisher_prefix: &str) -> Flow {
        if self.shape() == DocumentShape::Solution {
            return self;
        }
        let mut definition = self.definition().clone();
        let Flow { triggers, actions, .. } = self.clone();
        let mut references = Map::new();
        if let Some(old) = self.connection_references() {
            for (key, entry) in old {
                let api = entry
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.rsplit('/').next())
                    .unwrap_or(key.as_str())
                    .to_owned();
                let logical = format!("{publisher_prefix}_{}", api.trim_start_matches("shared_"));
                let source = if entry_invoker_encoding(entry).is_some() { "invoker" } else { "embedded" };
                references.insert(
                    key.clone(),
                    json!({ "runtimeSource": source, "connection": { "connectionReferenceLogicalName": logical }, "api": { "name": api } }),
                );
            }
        }
        // Triggers and actions go back in through the model so their nested maps are rebuilt.
        definition.insert("triggers".into(), Value::Null);
        definition.insert("actions".into(), Value::Null);
        let doc = json!({
            "properties": { "connectionReferences": references, "definition": definition, "templateName": "" },
            "schemaVersion": "1.0.0.0"
        });
        let mut flow = Flow::from_value(doc).expect("a solution-shaped document built here is valid");
        flow.triggers = triggers;
        flow.actions = actions;
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::ConnectionChoice;

    const MANAGEMENT_FLOW: &str = r#"{
      "name": "5f9a3c1e-0000-4000-8000-000000000001",
      "id": "/providers/Microsoft.ProcessSimple/environments/Default-1/flows/5f9a3c1e-0000-4000-8000-000000000001",
      "type": "Microsoft.ProcessSimple/environments/flows",
      "properties": {
        "displayName": "Tidy contacts",
        "connectionReferences": {
          "shared_commondataserviceforapps": {
            "connectionName": "shared-commondataser-0001", "source": "Invoker",
            "id": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", "tier": "Premium"
          }
        },
        "definition": {
          "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
          "contentVersion": "1.0.0.0",
          "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
          "actions": {
            "List_contacts": { "type": "OpenApiConnection", "runAfter": {}, "inputs": {
              "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                        "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords" },
              "parameters": { "entityName": "contacts" } } },
            "Each": { "type": "Foreach", "foreach": "@outputs('List_contacts')?['body/value']",
                      "runAfter": { "List_contacts": ["Succeeded"] },
                      "actions": { "Inner": { "type": "Compose", "inputs": "@items('Each')", "runAfter": {} } } }
          }
        }
      }
    }"#;

    #[test]
    fn a_management_api_flow_becomes_a_solution_file_keeping_the_invoker() {
        let flow = Flow::parse(MANAGEMENT_FLOW).unwrap();
        assert_eq!(flow.shape(), DocumentShape::ManagementApi);
        assert_eq!(flow.display_name(), Some("Tidy contacts"));
        assert_eq!(flow.connection_choice(flow.find_action("List_contacts").unwrap()), Some(ConnectionChoice::Invoker));

        let solution = flow.into_solution_shape("fb");
        assert_eq!(solution.shape(), DocumentShape::Solution);
        let json = solution.to_json();
        assert_eq!(
            json["properties"]["connectionReferences"]["shared_commondataserviceforapps"],
            json!({ "runtimeSource": "invoker", "connection": { "connectionReferenceLogicalName": "fb_commondataserviceforapps" },
                    "api": { "name": "shared_commondataserviceforapps" } })
        );
        assert_eq!(json["properties"]["definition"]["actions"]["Each"]["actions"]["Inner"]["inputs"], json!("@items('Each')"));
        assert_eq!(json["schemaVersion"], "1.0.0.0");
        assert!(json.get("id").is_none() && json["properties"].get("displayName").is_none());
    }
}
