//! Exporter rule E2 (flow-format.md §8): every connection reference a flow uses is declared in
//! customizations.xml, or Dataverse records a missing dependency at export and the import
//! fails. Missing declarations are spliced into the text; the rest of the file is untouched.

use quick_xml::escape::escape;
use serde_json::Value;

use super::customizations::{check_root, declared_references};
use super::text_edit::{indent_before, line_ending_of, TextEdits};
use super::xml_tree::{XmlDocument, XmlElement};
use super::{SolutionError, SolutionFlow};
use crate::Flow;

const CONNECTOR_PREFIX: &str = "/providers/Microsoft.PowerApps/apis/";

/// A connection reference a flow uses that customizations.xml does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeclaredConnectionReference {
    pub logical_name: String,
    /// `/providers/Microsoft.PowerApps/apis/<api>`, from the flow's reference.
    pub connector_id: String,
    /// The first flow file that uses it.
    pub used_by: String,
}

/// The references `flows` use that `customizations` does not declare, in order of first use.
pub(crate) fn undeclared_references(
    customizations_path: &str,
    customizations: &[u8],
    flows: &[SolutionFlow],
) -> Result<Vec<UndeclaredConnectionReference>, SolutionError> {
    let doc = XmlDocument::parse(customizations_path, customizations)?;
    check_root(&doc)?;
    let declared = declared_references(&doc)?;
    let is_known = |name: &str, found: &[UndeclaredConnectionReference]| {
        declared.iter().any(|d| d.logical_name.eq_ignore_ascii_case(name))
            || found.iter().any(|f| f.logical_name.eq_ignore_ascii_case(name))
    };
    let mut missing = Vec::new();
    for solution_flow in flows {
        let Some(references) = solution_flow.flow.connection_references() else { continue };
        for (key, entry) in references {
            let Some(logical_name) = entry.pointer("/connection/connectionReferenceLogicalName").and_then(Value::as_str) else {
                continue;
            };
            if logical_name.is_empty() || is_known(logical_name, &missing) {
                continue;
            }
            let connector_id = connector_id(&solution_flow.flow, key, entry).ok_or_else(|| SolutionError::ConnectionReference {
                logical_name: logical_name.to_owned(),
                detail: format!(
                    "{} uses it but names no API (`api.name`) to declare it with in customizations.xml",
                    solution_flow.path()
                ),
            })?;
            missing.push(UndeclaredConnectionReference {
                logical_name: logical_name.to_owned(),
                connector_id,
                used_by: solution_flow.path().to_owned(),
            });
        }
    }
    Ok(missing)
}

/// customizations.xml with `missing` declared, or `None` when nothing is missing.
pub(crate) fn declare_references(
    customizations_path: &str,
    customizations: &[u8],
    flows: &[SolutionFlow],
) -> Result<Option<Vec<u8>>, SolutionError> {
    let mut missing = undeclared_references(customizations_path, customizations, flows)?;
    if missing.is_empty() {
        return Ok(None);
    }
    missing.sort_by_key(|m| m.logical_name.to_lowercase());
    let doc = XmlDocument::parse(customizations_path, customizations)?;
    let eol = line_ending_of(doc.text);
    let root = &doc.root;
    let unit = root.children.first().and_then(|c| indent_before(doc.text, c.span.start)).unwrap_or("");
    let mut edits = TextEdits::default();
    match root.child("connectionreferences") {
        Some(list) if list.children.iter().any(|c| c.name == "connectionreference") => {
            insert_among_declared(&doc, list, &missing, unit, eol, &mut edits);
        }
        Some(list) => {
            let indent = indent_before(doc.text, list.span.start).unwrap_or(unit);
            edits.replace(list.span.clone(), render_list(&missing, indent, unit, eol));
        }
        None => {
            // Real exports put <connectionreferences> just before <Languages>.
            let indent = unit;
            match root.child("Languages") {
                Some(languages) => edits.insert(languages.span.start, format!("{}{eol}{indent}", render_list(&missing, indent, unit, eol))),
                None => {
                    let after = root.children.last().map_or(root.start_tag.end, |c| c.span.end);
                    edits.insert(after, format!("{eol}{indent}{}", render_list(&missing, indent, unit, eol)));
                }
            }
        }
    }
    Ok(Some(edits.apply(doc.text).into_bytes()))
}

/// Keeps the list in the case-insensitive order real exports have.
fn insert_among_declared(
    doc: &XmlDocument,
    list: &XmlElement,
    missing: &[UndeclaredConnectionReference],
    unit: &str,
    eol: &str,
    edits: &mut TextEdits,
) {
    let declared: Vec<&XmlElement> = list.children_named("connectionreference").collect();
    let indent = indent_before(doc.text, declared[0].span.start).unwrap_or(unit);
    for reference in missing {
        let key = reference.logical_name.to_lowercase();
        let name_of = |e: &XmlElement| e.attribute("connectionreferencelogicalname").unwrap_or_default().to_lowercase();
        let element = render_reference(reference, indent, unit, eol);
        match declared.iter().rev().find(|e| name_of(e) < key) {
            Some(previous) => edits.insert(previous.span.end, format!("{eol}{indent}{element}")),
            None => edits.insert(declared[0].span.start, format!("{element}{eol}{indent}")),
        }
    }
}

/// A whole `<connectionreferences>` element, its start tag at the caller's position.
pub(crate) fn render_list(references: &[UndeclaredConnectionReference], indent: &str, unit: &str, eol: &str) -> String {
    let child_indent = format!("{indent}{unit}");
    let mut out = String::from("<connectionreferences>");
    for reference in references {
        out.push_str(&format!("{eol}{child_indent}{}", render_reference(reference, &child_indent, unit, eol)));
    }
    out.push_str(&format!("{eol}{indent}</connectionreferences>"));
    out
}

/// One `<connectionreference>` as Dataverse exports it (customizable, active).
fn render_reference(reference: &UndeclaredConnectionReference, indent: &str, unit: &str, eol: &str) -> String {
    let inner = format!("{eol}{indent}{unit}");
    format!(
        "<connectionreference connectionreferencelogicalname=\"{name}\">\
         {inner}<connectionreferencedisplayname>{name}</connectionreferencedisplayname>\
         {inner}<connectorid>{connector}</connectorid>\
         {inner}<iscustomizable>1</iscustomizable>\
         {inner}<statecode>0</statecode>\
         {inner}<statuscode>1</statuscode>\
         {eol}{indent}</connectionreference>",
        name = escape(reference.logical_name.as_str()),
        connector = escape(reference.connector_id.as_str()),
    )
}

/// The connector of a `connectionReferences` entry: its `api.name`, else the `apiId` of an
/// operation that uses the entry.
fn connector_id(flow: &Flow, key: &str, entry: &Value) -> Option<String> {
    if let Some(api) = entry.pointer("/api/name").and_then(Value::as_str).filter(|a| !a.is_empty()) {
        return Some(format!("{CONNECTOR_PREFIX}{api}"));
    }
    if let Some(id) = entry.pointer("/api/id").and_then(Value::as_str).filter(|id| id.starts_with("/providers/")) {
        return Some(id.to_owned());
    }
    let from_action = flow.all_actions().into_iter().find(|a| a.connection_name() == Some(key)).and_then(|a| a.api_name());
    let from_trigger = || {
        flow.triggers.iter().find_map(|t| {
            let host = t.body().get("inputs")?.get("host")?;
            (host.get("connectionName")?.as_str()? == key).then_some(())?;
            host.get("apiId")?.as_str()?.rsplit('/').next()
        })
    };
    from_action.or_else(from_trigger).filter(|a| !a.is_empty()).map(|api| format!("{CONNECTOR_PREFIX}{api}"))
}
