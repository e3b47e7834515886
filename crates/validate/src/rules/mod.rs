//! The rules, one file per family. Every diagnostic names a rule listed in [`RULES`].

mod connections;
mod dataverse;
mod expressions;
mod graph;
mod limits;
mod metadata;
mod settings;
mod structure;
mod variables;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::index::FlowIndex;
use crate::ValidationContext;

pub type Check = fn(&FlowIndex, &ValidationContext, &mut Vec<Diagnostic>);

/// A check of one action on its own, run while the index reads that action: on large flows,
/// going back to every action's JSON once per rule costs more than the checks themselves.
pub type ActionCheck = fn(&FlowIndex, usize, &mut Vec<Diagnostic>);

pub const ACTION_CHECKS: &[ActionCheck] = &[structure::check_action, dataverse::check_action];

pub const CHECKS: &[Check] = &[
    structure::check,
    graph::check,
    expressions::check,
    variables::check,
    dataverse::check,
    connections::check,
    limits::check,
    settings::check,
    metadata::check,
];

/// A rule's id, default severity and one-line summary (for SARIF and the problems panel).
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str) -> RuleInfo {
    RuleInfo { id, severity, summary }
}

use Severity::{Error, Warning};

pub const RULES: &[RuleInfo] = &[
    rule("structure/trigger-count", Error, "A flow has exactly one trigger."),
    rule("structure/required-field", Error, "An action or trigger lacks a field its type requires."),
    rule("structure/unknown-type", Warning, "An action type Flowbench does not know; it is kept as it is."),
    rule("graph/run-after-target", Error, "runAfter names an action that is not in the same scope."),
    rule("graph/run-after-status", Error, "runAfter uses a status other than Succeeded, Failed, Skipped or TimedOut."),
    rule("graph/cycle", Error, "Actions wait for each other in a cycle, so none of them can run."),
    rule("graph/duplicate-name", Error, "Action names must be unique across the whole flow."),
    rule("graph/never-runs", Warning, "An action that can never run."),
    rule("expression/syntax", Error, "An expression does not parse."),
    rule("expression/unknown-function", Error, "An expression calls a function that does not exist."),
    rule("expression/arity", Error, "A function is called with the wrong number of arguments."),
    rule("expression/unknown-action", Error, "An expression refers to an action that does not exist."),
    rule("expression/action-not-before", Error, "An expression refers to an action that has not always finished when this one runs."),
    rule("expression/item-outside-loop", Error, "item() is used outside a loop or array operation."),
    rule("expression/items-not-enclosing", Error, "items() or iterationIndexes() names a loop that does not enclose this action."),
    rule("expression/in-trigger", Error, "A trigger refers to an action."),
    rule("variable/undeclared", Error, "A variable is used but never initialized."),
    rule("variable/not-initialized-before", Error, "A variable is used by an action that can run before it is initialized."),
    rule("variable/initialized-nested", Error, "Variables must be initialized at the top level of the flow."),
    rule("variable/type-mismatch", Error, "A variable operation does not fit the variable's type."),
    rule("variable/duplicate", Error, "The same variable is initialized twice."),
    rule("dataverse/required-parameter", Error, "A Dataverse operation lacks a parameter it requires."),
    rule("dataverse/entity-set-name", Warning, "Dataverse actions name tables by their entity set name (plural)."),
    rule("dataverse/odata-syntax", Error, "A $select, $filter or $orderby value is not valid OData."),
    rule("dataverse/fetchxml-syntax", Error, "A FetchXML query is not well-formed or has no <fetch> root."),
    rule("dataverse/trigger-parameter", Error, "The Dataverse row trigger has a missing or out-of-range parameter."),
    rule("settings/concurrency", Error, "A loop's concurrency is not a whole number from 1 to 50."),
    rule("settings/retry-policy", Error, "A retry policy the runtime cannot read: its type, a count outside 1 to 90, or an interval that is not an ISO 8601 duration."),
    rule("settings/timeout", Error, "An action's timeout is not an ISO 8601 duration."),
    rule("connection/undeclared", Error, "An action's connection is not declared in connectionReferences."),
    rule("connection/logical-name-undeclared", Error, "A connection reference's logical name is not declared by the solution."),
    rule("connection/invoker-without-invoker", Error, "The invoker's connection under a trigger that nobody invokes."),
    rule("connection/invoker-run-as-owner", Warning, "The invoker's connection with the trigger running as the flow owner."),
    rule("connection/invoker-child-flow", Error, "A flow with invoker connections is called as a child flow."),
    rule("connection/with-organization-invoker", Error, "Actions on a selected environment take neither the invoker's connection nor Run as."),
    rule("connection/delegate-privilege", Warning, "The flow owner needs prvActOnBehalfOfAnotherUser (the Delegate role)."),
    rule("limits/action-count", Error, "More than 500 actions in one flow."),
    rule("limits/nesting-depth", Error, "Containers nested deeper than 8 levels."),
    rule("limits/switch-cases", Error, "More than 25 cases in one Switch."),
    rule("limits/variable-count", Error, "More than 250 variables."),
    rule("limits/name", Error, "An action name longer than 80 characters, or with characters names cannot hold."),
    rule("metadata/table", Error, "The environment has no such table (actions take entity set names, the trigger a logical name)."),
    rule("metadata/column", Error, "The table has no such column."),
    rule("metadata/value-type", Error, "A literal value does not fit its column's type."),
    rule("metadata/lookup-target", Error, "A lookup binds a row of a table it cannot point at."),
];

pub fn info(id: &str) -> &'static RuleInfo {
    RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("rule {id} is not listed in RULES"))
}

/// A diagnostic of `rule` at its default severity.
pub fn report(out: &mut Vec<Diagnostic>, rule: &'static str, location: Location, message: impl Into<String>, hint: Option<&str>) {
    let severity = info(rule).severity;
    out.push(Diagnostic { rule: info(rule).id, severity, location, message: message.into(), hint: hint.map(str::to_owned) });
}
