use std::borrow::Cow;

use flowbench_core::model::{member, TriggerKind};
use flowbench_expr::{split_template, Segment};
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{escape, FlowIndex};
use crate::ValidationContext;

/// Parameters each Dataverse operation requires (`flow-format.md` §4.1).
fn required_parameters(operation: &str) -> &'static [&'static str] {
    let base = operation.strip_suffix("WithOrganization").unwrap_or(operation);
    match base {
        "CreateRecord" | "ListRecords" => &["entityName"],
        "GetItem" | "UpdateRecord" | "UpdateOnlyRecord" | "DeleteRecord" => &["entityName", "recordId"],
        "AssociateEntities" => &["entityName", "recordId", "associationEntityRelationship", "item/@odata.id"],
        "DisassociateEntities" => &["entityName", "recordId", "associationEntityRelationship", "$id"],
        "PerformBoundAction" => &["entityName", "recordId", "actionName"],
        "PerformUnboundAction" => &["actionName"],
        "UpdateEntityFileImageFieldContent" => &["entityName", "recordId", "fileImageFieldName", "item"],
        "GetEntityFileImageFieldContent" => &["entityName", "recordId", "fileImageFieldName"],
        _ => &[],
    }
}

/// The literal parts of a value, with each expression replaced by `placeholder`.
fn literal_form<'t>(text: &'t str, placeholder: &str) -> Option<Cow<'t, str>> {
    if !text.contains('@') {
        return Some(Cow::Borrowed(text));
    }
    let segments = split_template(text).ok()?;
    Some(Cow::Owned(
        segments
            .into_iter()
            .map(|s| match s {
                Segment::Literal { text, .. } => text,
                Segment::Expression { .. } => placeholder.to_string(),
            })
            .collect(),
    ))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '.')
}

fn check_select(value: &str) -> Result<(), String> {
    for column in value.split(',') {
        if !is_identifier(column.trim()) {
            return Err(format!("`{}` is not a column name", column.trim()));
        }
    }
    Ok(())
}

fn check_orderby(value: &str) -> Result<(), String> {
    for clause in value.split(',') {
        let mut words = clause.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(column), direction, None) if is_identifier(column) => {
                if let Some(d) = direction {
                    if !d.eq_ignore_ascii_case("asc") && !d.eq_ignore_ascii_case("desc") {
                        return Err(format!("`{d}` is neither asc nor desc"));
                    }
                }
            }
            _ => return Err(format!("`{}` is not `column [asc|desc]`", clause.trim())),
        }
    }
    Ok(())
}

/// A light syntax check of an OData `$filter`: quotes closed, parentheses balanced, and no two
/// operands or two operators in a row.
fn check_filter(value: &str) -> Result<(), String> {
    const OPERATORS: [&str; 9] = ["eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not"];
    let mut depth = 0i32;
    let mut chars = value.char_indices().peekable();
    let mut previous_operand = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\'' {
                        if chars.peek().map(|&(_, n)| n) == Some('\'') {
                            chars.next();
                        } else {
                            closed = true;
                            break;
                        }
                    }
                }
                if !closed {
                    return Err(format!("the string starting at {i} is not closed"));
                }
                previous_operand = true;
            }
            '(' => {
                depth += 1;
                previous_operand = false;
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("`)` at {i} closes nothing"));
                }
                previous_operand = true;
            }
            ',' => previous_operand = false,
            c if c.is_whitespace() => {}
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = chars.peek() {
                    if n.is_whitespace() || "(),'".contains(n) {
                        break;
                    }
                    end = j + n.len_utf8();
                    chars.next();
                }
                let word = &value[i..end];
                let is_operator = OPERATORS.iter().any(|o| o.eq_ignore_ascii_case(word));
                let is_call = chars.peek().map(|&(_, n)| n) == Some('(');
                if is_operator {
                    previous_operand = false;
                } else {
                    if previous_operand && !is_call {
                        return Err(format!("`{word}` follows an operand without an operator"));
                    }
                    previous_operand = !is_call;
                }
            }
        }
    }
    if depth != 0 {
        return Err("the parentheses are not balanced".into());
    }
    Ok(())
}

fn check_fetch_xml(value: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(value);
    let mut root: Option<String> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                if depth == 0 && root.is_none() {
                    root = Some(String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned());
                }
                depth += 1;
            }
            Ok(quick_xml::events::Event::Empty(e)) if depth == 0 && root.is_none() => {
                root = Some(String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned());
            }
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed XML at byte {}: {e}", reader.buffer_position())),
        }
    }
    if depth != 0 {
        return Err("an element is never closed".into());
    }
    match root.as_deref() {
        Some("fetch") => Ok(()),
        Some(other) => Err(format!("the root element is <{other}>, not <fetch>")),
        None => Err("there is no <fetch> element".into()),
    }
}

pub fn check_action(index: &FlowIndex, id: usize, out: &mut Vec<Diagnostic>) {
    let node = &index.nodes[id];
    if !node.is_dataverse {
        return;
    }
    let parameters = node.parameters;
    let operation = node.operation_id.unwrap_or_default();
    for required in required_parameters(operation) {
        if parameters.and_then(|p| member(p, required)).is_none_or(|v| v.is_null() || v.as_str() == Some("")) {
            report(
                out,
                "dataverse/required-parameter",
                index.location(id, "/inputs/parameters"),
                format!("`{}` ({operation}) needs the parameter `{required}`", node.name),
                None,
            );
        }
    }
    let Some(parameters) = parameters else { return };
    let text = |key: &str| member(parameters, key).and_then(Value::as_str);
    if let Some(entity) = text("entityName") {
        if !entity.contains('@') && !entity.is_empty() && !entity.ends_with('s') {
            report(
                out,
                "dataverse/entity-set-name",
                index.location(id, "/inputs/parameters/entityName"),
                format!("`{entity}` looks like a table's logical name; Dataverse actions take the entity set name (for example `contacts`)"),
                Some("use the table's plural entity set name"),
            );
        }
    }
    let checks: [(&str, &str, fn(&str) -> Result<(), String>); 3] =
        [("$select", "x", check_select), ("$orderby", "x", check_orderby), ("$filter", "0", check_filter)];
    for (key, placeholder, checker) in checks {
        if let Some(value) = text(key).and_then(|v| literal_form(v, placeholder)) {
            if let Err(why) = checker(&value) {
                report(out, "dataverse/odata-syntax", index.location(id, &format!("/inputs/parameters/{}", escape(key))), format!("{key}: {why}"), None);
            }
        }
    }
    if let Some(value) = text("fetchXml").and_then(|v| literal_form(v, "x")) {
        if let Err(why) = check_fetch_xml(&value) {
            report(out, "dataverse/fetchxml-syntax", index.location(id, "/inputs/parameters/fetchXml"), format!("FetchXML: {why}"), None);
        }
    }
}

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    for trigger in &index.flow.triggers {
        let TriggerKind::DataverseRow(row) = trigger.kind() else { continue };
        let at = index.flow_location(format!("{}/triggers/{}/inputs/parameters", index.definition_pointer, escape(&trigger.name)));
        let mut problem = |message: String| report(out, "dataverse/trigger-parameter", at.clone(), message, None);
        match row.message {
            Some(1..=7) => {}
            Some(m) => problem(format!("`subscriptionRequest/message` is {m}; it must be 1 to 7 (1 added, 2 deleted, 3 modified, …)")),
            None => problem("the trigger needs `subscriptionRequest/message` (1 added, 2 deleted, 3 modified, …)".into()),
        }
        match row.scope {
            Some(1..=4) => {}
            Some(s) => problem(format!("`subscriptionRequest/scope` is {s}; it must be 1 to 4 (user to organization)")),
            None => problem("the trigger needs `subscriptionRequest/scope` (1 user … 4 organization)".into()),
        }
        if row.table.as_deref().is_none_or(str::is_empty) {
            problem("the trigger needs `subscriptionRequest/entityname` (the table's logical name)".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_checks_accept_real_queries_and_refuse_broken_ones() {
        assert!(check_select("name, accountid,_primarycontactid_value").is_ok());
        assert!(check_select("name,,x").is_err());
        assert!(check_orderby("createdon desc, name").is_ok());
        assert!(check_orderby("createdon downwards").is_err());
        assert!(check_filter("statecode eq 0 and (contains(name,'a''b') or _ownerid_value eq 'x')").is_ok());
        assert!(check_filter("statecode eq 0 and (name eq 'x'").is_err());
        assert!(check_filter("name eq 'x").is_err());
        assert!(check_filter("statecode 0").is_err());
        assert!(check_fetch_xml("<fetch top='5'><entity name='contact'><attribute name='fullname'/></entity></fetch>").is_ok());
        assert!(check_fetch_xml("<fetch><entity name='contact'></fetch>").is_err());
        assert!(check_fetch_xml("<query/>").is_err());
    }
}
