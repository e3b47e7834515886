use serde_json::{Map, Value};

use crate::connection::{TriggerIdentity, TriggerRunAs, DATAVERSE_APIS};

#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub name: String,
    pub(crate) body: Map<String, Value>,
}

/// What starts the flow, as far as identity and validation care.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerKind {
    /// `Request` with kind Button, PowerApp or PowerAppV2: a user starts it (run-only users).
    Instant { kind: String },
    /// `Request` with another kind (Http, Skills, VirtualAgent…).
    Request { kind: Option<String> },
    Recurrence,
    /// "When a row is added, modified or deleted" (`SubscribeWebhookTrigger`).
    DataverseRow(DataverseRowTrigger),
    /// Any other connector trigger.
    Connector { api: Option<String>, operation: Option<String> },
    Other { trigger_type: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataverseRowTrigger {
    /// 1 Create, 2 Delete, 3 Update, 4 Create or Update, 5 Create or Delete, 6 Update or Delete, 7 all.
    pub message: Option<i64>,
    /// The table's logical name.
    pub table: Option<String>,
    /// 1 User, 2 Business unit, 3 Parent: child business unit, 4 Organization.
    pub scope: Option<i64>,
    pub filtering_columns: Option<String>,
    pub filter_expression: Option<String>,
    pub run_as: TriggerRunAs,
}

const INSTANT_KINDS: &[&str] = &["Button", "PowerApp", "PowerAppV2"];

impl Trigger {
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    pub fn body_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.body
    }

    pub fn trigger_type(&self) -> &str {
        self.body.get("type").and_then(Value::as_str).unwrap_or_default()
    }

    fn parameter(&self, key: &str) -> Option<&Value> {
        self.body.get("inputs")?.get("parameters")?.get(key)
    }

    pub fn kind(&self) -> TriggerKind {
        let t = self.trigger_type();
        let request_kind = self.body.get("kind").and_then(Value::as_str);
        let host = self.body.get("inputs").and_then(|i| i.get("host"));
        let operation = host.and_then(|h| h.get("operationId")).and_then(Value::as_str);
        let api = host
            .and_then(|h| h.get("apiId"))
            .and_then(Value::as_str)
            .and_then(|id| id.rsplit('/').next())
            .map(str::to_owned);
        if t.eq_ignore_ascii_case("Request") {
            return match request_kind {
                Some(k) if INSTANT_KINDS.iter().any(|i| i.eq_ignore_ascii_case(k)) => TriggerKind::Instant { kind: k.to_string() },
                other => TriggerKind::Request { kind: other.map(str::to_owned) },
            };
        }
        if t.eq_ignore_ascii_case("Recurrence") {
            return TriggerKind::Recurrence;
        }
        if t.to_ascii_lowercase().starts_with("openapiconnection") || t.to_ascii_lowercase().starts_with("apiconnection") {
            if operation == Some("SubscribeWebhookTrigger") && api.as_deref().is_none_or(|a| DATAVERSE_APIS.contains(&a)) {
                let int = |k: &str| self.parameter(k).and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
                let text = |k: &str| self.parameter(k).and_then(Value::as_str).map(str::to_owned);
                return TriggerKind::DataverseRow(DataverseRowTrigger {
                    message: int("subscriptionRequest/message"),
                    table: text("subscriptionRequest/entityname"),
                    scope: int("subscriptionRequest/scope"),
                    filtering_columns: text("subscriptionRequest/filteringattributes"),
                    filter_expression: text("subscriptionRequest/filterexpression"),
                    run_as: TriggerRunAs::from_parameter(self.parameter("subscriptionRequest/runas")),
                });
            }
            return TriggerKind::Connector { api, operation: operation.map(str::to_owned) };
        }
        TriggerKind::Other { trigger_type: t.to_string() }
    }

    /// Who, if anyone, invokes the flow.
    pub fn identity(&self) -> TriggerIdentity {
        match self.kind() {
            TriggerKind::Instant { .. } => TriggerIdentity::Instant,
            TriggerKind::DataverseRow(row) => TriggerIdentity::DataverseRow(row.run_as),
            _ => TriggerIdentity::Automated,
        }
    }
}
