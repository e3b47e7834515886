//! Turning a FetchXML model into SQL: the same building blocks as the OData list (parameterised
//! fragments, the caller's read filter per table, quoted identifiers from the metadata).
//!
//! Every table is read through `(SELECT * FROM t WHERE <read filter>)`, so rows out of the
//! caller's reach are invisible to the join as well: an inner link to such a row drops the
//! row, an outer link leaves its columns empty.

use rusqlite::types::Value as SqlValue;

use super::model::{ConditionNode, EntityNode, Fetch, FilterItem, FilterNode, Operator};
use crate::api_error::ApiError;
use crate::datetime;
use crate::guid::Guid;
use crate::metadata::{quote_ident, ColumnKind, ColumnMeta, Metadata, TableMeta};
use crate::security::Caller;
use crate::sql::SqlFragment;

/// Dataverse's QueryBuilder codes for FetchXML that names what the table does not have
/// (unverified against the official list; the texts are what environments answer).
pub const QUERY_BUILDER_NO_ATTRIBUTE: &str = "0x80041103";
pub const QUERY_BUILDER_NO_ENTITY: &str = "0x80041102";
/// InvalidArgument: malformed FetchXML and values that do not convert.
pub const INVALID_ARGUMENT: &str = "0x80040203";

/// A column the query returns.
#[derive(Debug, Clone)]
pub struct Output {
    /// `"t1"."name"`.
    pub sql: String,
    /// The property in the result: the column, `alias.column` for a link-entity, or the alias.
    pub key: String,
    pub column: ColumnMeta,
    /// Read for the ETag, not returned as a property.
    pub hidden: bool,
}

#[derive(Debug)]
pub struct Plan {
    pub main: usize,
    pub from: SqlFragment,
    pub condition: SqlFragment,
    pub outputs: Vec<Output>,
    /// Sort keys (SQL expression, descending), the main table's primary id last unless distinct.
    pub order: Vec<(String, bool)>,
    /// For keyset paging: the main table's columns behind each sort key, when every key is one
    /// (no link-entities, not distinct); None means paging by offset.
    pub keyset: Option<Vec<usize>>,
    /// Index in `outputs` of the version number, for `@odata.etag`.
    pub version_output: Option<usize>,
}

struct Builder<'a> {
    metadata: &'a Metadata,
    caller: &'a Caller,
    from_sql: String,
    from_params: Vec<SqlValue>,
    conditions: Vec<SqlFragment>,
    outputs: Vec<Output>,
    order: Vec<(String, bool)>,
    /// (fetch alias, table index, SQL alias) of every entity, the main one first.
    aliases: Vec<(String, usize, String)>,
    link_count: usize,
}

pub fn build(metadata: &Metadata, caller: &Caller, entity_set_table: &TableMeta, fetch: &Fetch) -> Result<Plan, ApiError> {
    let main = table_named(metadata, &fetch.entity.name)?;
    if main.index != entity_set_table.index {
        return Err(ApiError::query(format!(
            "The entity '{}' of the FetchXML does not match the entity set '{}' of the URL, which is table '{}'.",
            fetch.entity.name, entity_set_table.entity_set_name, entity_set_table.logical_name
        )));
    }
    let mut builder = Builder {
        metadata,
        caller,
        from_sql: String::new(),
        from_params: Vec::new(),
        conditions: Vec::new(),
        outputs: Vec::new(),
        order: Vec::new(),
        aliases: vec![(main.logical_name.clone(), main.index, "t0".into())],
        link_count: 0,
    };
    let (source, params) = builder.source(main)?;
    builder.from_sql = format!("{source} AS \"t0\"");
    builder.from_params = params;

    let mut version_output = None;
    if !fetch.distinct {
        // The primary id always comes back, and the version gives the row its ETag.
        if let Some((i, c)) = main.column_by_name("versionnumber") {
            version_output = Some(builder.outputs.len());
            builder.outputs.push(Output { sql: column_sql("t0", c), key: String::new(), column: main.columns[i].clone(), hidden: true });
        }
    }
    builder.entity(&fetch.entity, main, "t0", None)?;
    if !fetch.distinct {
        let primary = &main.columns[0];
        if !builder.outputs.iter().any(|o| o.sql == column_sql("t0", primary) && !o.hidden && o.key == primary.name) {
            builder.outputs.push(Output { sql: column_sql("t0", primary), key: primary.name.clone(), column: primary.clone(), hidden: false });
        }
    }

    // Keyset paging works on the main table's own columns only.
    let keyset = if fetch.distinct || builder.link_count > 0 {
        None
    } else {
        let mut columns = Vec::new();
        for order in &fetch.entity.orders {
            columns.push(column_of(main, &order.attribute)?.0);
        }
        if !columns.contains(&0) {
            columns.push(0);
        }
        Some(columns)
    };
    let mut order = builder.order.clone();
    if !fetch.distinct && !fetch.entity.orders.iter().any(|o| o.attribute == main.primary_id) {
        order.push((column_sql("t0", &main.columns[0]), false));
    }
    Ok(Plan {
        main: main.index,
        from: SqlFragment::new(builder.from_sql, builder.from_params),
        condition: SqlFragment::all(builder.conditions),
        outputs: builder.outputs,
        order,
        keyset,
        version_output,
    })
}

impl Builder<'_> {
    /// The table as the caller may see it.
    fn source(&self, table: &TableMeta) -> Result<(String, Vec<SqlValue>), ApiError> {
        let name = quote_ident(&table.logical_name);
        Ok(match self.caller.read_filter(table) {
            None => (name, Vec::new()),
            Some(filter) => (format!("(SELECT * FROM {name} WHERE {})", filter.sql), filter.params),
        })
    }

    /// Adds the attributes, orders, filters and links of an entity read as `sql_alias`;
    /// `link_alias` is the prefix of a link-entity's properties.
    fn entity(
        &mut self,
        node: &EntityNode,
        table: &TableMeta,
        sql_alias: &str,
        link_alias: Option<&str>,
    ) -> Result<(), ApiError> {
        let key = |column: &ColumnMeta, alias: Option<&str>| -> String {
            match (alias, link_alias) {
                (Some(alias), _) => alias.to_string(),
                (None, Some(prefix)) => format!("{prefix}.{}", column.name),
                (None, None) => column.property_name(),
            }
        };
        if node.all_attributes {
            for column in &table.columns {
                self.outputs.push(Output { sql: column_sql(sql_alias, column), key: key(column, None), column: column.clone(), hidden: false });
            }
        }
        for attribute in &node.attributes {
            let (_, column) = column_of(table, &attribute.name)?;
            let output = Output { sql: column_sql(sql_alias, column), key: key(column, attribute.alias.as_deref()), column: column.clone(), hidden: false };
            if !self.outputs.iter().any(|o| o.key == output.key && !o.hidden) {
                self.outputs.push(output);
            }
        }
        for order in &node.orders {
            let (_, column) = column_of(table, &order.attribute)?;
            self.order.push((column_sql(sql_alias, column), order.descending));
        }
        for link in &node.links {
            let linked = table_named(self.metadata, &link.entity.name)?;
            self.link_count += 1;
            let alias = link.alias.clone().unwrap_or_else(|| format!("{}{}", linked.logical_name, self.link_count));
            if self.aliases.iter().any(|(a, _, _)| *a == alias) {
                return Err(ApiError::new(400, INVALID_ARGUMENT, format!("The alias '{alias}' is used by more than one entity in the FetchXML.")));
            }
            let link_sql = format!("t{}", self.aliases.len());
            self.aliases.push((alias.clone(), linked.index, link_sql.clone()));
            let (_, from) = column_of(linked, &link.from)?;
            let (_, to) = column_of(table, &link.to)?;
            // The link's own filters restrict which rows join (for an outer link, which rows
            // fill the columns), so they belong in ON.
            let mut on = vec![SqlFragment::new(format!("{} = {}", column_sql(&link_sql, from), column_sql(sql_alias, to)), Vec::new())];
            let saved = std::mem::take(&mut self.conditions);
            for filter in &link.entity.filters {
                let condition = self.filter(filter, linked, &link_sql)?;
                self.conditions.push(condition);
            }
            on.append(&mut self.conditions);
            self.conditions = saved;
            let (source, params) = self.source(linked)?;
            let on = SqlFragment::all(on);
            self.from_sql.push_str(&format!(
                " {} JOIN {source} AS {} ON {}",
                if link.outer { "LEFT" } else { "INNER" },
                quote_ident(&link_sql),
                on.sql
            ));
            self.from_params.extend(params);
            self.from_params.extend(on.params);
            let inner = EntityNode { filters: Vec::new(), ..link.entity.clone() };
            self.entity(&inner, linked, &link_sql, Some(&alias))?;
        }
        // After the links, so that a condition may name a link's alias (`entityname`).
        for filter in &node.filters {
            let condition = self.filter(filter, table, sql_alias)?;
            self.conditions.push(condition);
        }
        Ok(())
    }

    fn filter(&self, node: &FilterNode, table: &TableMeta, sql_alias: &str) -> Result<SqlFragment, ApiError> {
        let mut parts = Vec::new();
        for item in &node.items {
            parts.push(match item {
                FilterItem::Condition(condition) => self.condition(condition, table, sql_alias)?,
                FilterItem::Filter(inner) => self.filter(inner, table, sql_alias)?,
            });
        }
        Ok(if node.or { SqlFragment::any(parts) } else { SqlFragment::all(parts) })
    }

    fn condition(&self, node: &ConditionNode, table: &TableMeta, sql_alias: &str) -> Result<SqlFragment, ApiError> {
        let (table, sql_alias) = match &node.entity_name {
            None => (table, sql_alias.to_string()),
            Some(name) => {
                let (_, index, alias) = self.aliases.iter().find(|(a, _, _)| a == name).ok_or_else(|| {
                    ApiError::new(400, INVALID_ARGUMENT, format!("The entityname '{name}' of the condition on '{}' names no link-entity alias of the FetchXML.", node.attribute))
                })?;
                (self.metadata.table(*index), alias.clone())
            }
        };
        let (_, column) = column_of(table, &node.attribute)?;
        let name = column_sql(&sql_alias, column);
        let value = |text: &str| convert(table, column, text);
        let like_escaped = |text: &str| text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let single = || node.value.as_deref().unwrap_or_default();
        let caller_id = |id: Guid| -> Result<SqlFragment, ApiError> {
            if !column.is_reference() && !matches!(column.kind, ColumnKind::Guid | ColumnKind::PrimaryKey) {
                return Err(ApiError::new(400, INVALID_ARGUMENT, format!("The '{}' condition needs a lookup or id attribute; '{}' is {}.", operator_name(node.operator), column.name, column.edm_type())));
            }
            Ok(SqlFragment::new(format!("{name} = ?"), vec![SqlValue::Text(id.to_string())]))
        };
        Ok(match node.operator {
            Operator::Eq | Operator::Ne | Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le => {
                let sql_op = match node.operator {
                    Operator::Eq => "=",
                    Operator::Ne => "<>",
                    Operator::Gt => ">",
                    Operator::Ge => ">=",
                    Operator::Lt => "<",
                    _ => "<=",
                };
                SqlFragment::new(format!("{name} {sql_op} ?"), vec![value(single())?])
            }
            Operator::Like | Operator::NotLike => {
                text_only(column, node.operator)?;
                let not = if node.operator == Operator::NotLike { "NOT " } else { "" };
                // FetchXML's like takes the SQL wildcards % and _ as written.
                SqlFragment::new(format!("{name} {not}LIKE ?"), vec![SqlValue::Text(single().to_string())])
            }
            Operator::BeginsWith | Operator::EndsWith => {
                text_only(column, node.operator)?;
                let pattern = match node.operator {
                    Operator::BeginsWith => format!("{}%", like_escaped(single())),
                    _ => format!("%{}", like_escaped(single())),
                };
                SqlFragment::new(format!("{name} LIKE ? ESCAPE '\\'"), vec![SqlValue::Text(pattern)])
            }
            Operator::Null => SqlFragment::new(format!("{name} IS NULL"), Vec::new()),
            Operator::NotNull => SqlFragment::new(format!("{name} IS NOT NULL"), Vec::new()),
            Operator::In | Operator::NotIn => {
                let texts: Vec<&str> = match &node.value {
                    Some(v) if node.values.is_empty() => vec![v.as_str()],
                    _ => node.values.iter().map(String::as_str).collect(),
                };
                let params = texts.into_iter().map(value).collect::<Result<Vec<_>, _>>()?;
                let marks = vec!["?"; params.len()].join(", ");
                let not = if node.operator == Operator::NotIn { "NOT " } else { "" };
                SqlFragment::new(format!("{name} {not}IN ({marks})"), params)
            }
            Operator::EqUserId => caller_id(self.caller.user.id)?,
            Operator::NeUserId => {
                let f = caller_id(self.caller.user.id)?;
                SqlFragment::new(format!("{name} <> ?"), f.params)
            }
            Operator::EqBusinessId => caller_id(self.caller.user.business_unit)?,
        })
    }
}

fn operator_name(op: Operator) -> &'static str {
    match op {
        Operator::EqUserId => "eq-userid",
        Operator::NeUserId => "ne-userid",
        Operator::EqBusinessId => "eq-businessid",
        Operator::Like => "like",
        Operator::NotLike => "not-like",
        Operator::BeginsWith => "begins-with",
        Operator::EndsWith => "ends-with",
        _ => "comparison",
    }
}

fn text_only(column: &ColumnMeta, op: Operator) -> Result<(), ApiError> {
    if matches!(column.kind, ColumnKind::String { .. } | ColumnKind::Memo { .. }) {
        return Ok(());
    }
    Err(ApiError::new(
        400,
        INVALID_ARGUMENT,
        format!("The '{}' operator works on text attributes; '{}' is {}.", operator_name(op), column.name, column.edm_type()),
    ))
}

pub fn column_sql(sql_alias: &str, column: &ColumnMeta) -> String {
    format!("{}.{}", quote_ident(sql_alias), quote_ident(&column.name))
}

pub fn table_named<'m>(metadata: &'m Metadata, name: &str) -> Result<&'m TableMeta, ApiError> {
    metadata.by_logical_name(name).ok_or_else(|| {
        ApiError::new(400, QUERY_BUILDER_NO_ENTITY, format!("The entity with a name = '{name}' with namemapping = 'Logical' was not found in the MetadataCache."))
    })
}

/// FetchXML names columns by logical name (`parentcustomerid`, not `_parentcustomerid_value`).
pub fn column_of<'t>(table: &'t TableMeta, name: &str) -> Result<(usize, &'t ColumnMeta), ApiError> {
    table.column_by_name(name).ok_or_else(|| {
        ApiError::new(
            400,
            QUERY_BUILDER_NO_ATTRIBUTE,
            format!("'{}' entity doesn't contain attribute with Name = '{name}' and NameMapping = 'Logical'.", table.logical_name),
        )
    })
}

/// A condition value (always text in FetchXML) as the column stores it.
pub fn convert(table: &TableMeta, column: &ColumnMeta, text: &str) -> Result<SqlValue, ApiError> {
    let trimmed = text.trim();
    let converted = match &column.kind {
        ColumnKind::String { .. } | ColumnKind::Memo { .. } => Some(SqlValue::Text(text.to_string())),
        ColumnKind::Integer | ColumnKind::Choice { .. } | ColumnKind::BigInt => trimmed.parse::<i64>().ok().map(SqlValue::Integer),
        ColumnKind::Decimal | ColumnKind::Money => trimmed.parse::<f64>().ok().filter(|f| f.is_finite()).map(SqlValue::Real),
        ColumnKind::Boolean => match trimmed {
            "1" | "true" | "True" => Some(SqlValue::Integer(1)),
            "0" | "false" | "False" => Some(SqlValue::Integer(0)),
            _ => None,
        },
        ColumnKind::DateTime => datetime::normalize(trimmed).ok().map(SqlValue::Text),
        ColumnKind::PrimaryKey | ColumnKind::Guid | ColumnKind::Lookup { .. } | ColumnKind::Owner => {
            Guid::parse(trimmed.trim_start_matches('{').trim_end_matches('}')).ok().map(|g| SqlValue::Text(g.to_string()))
        }
    };
    converted.ok_or_else(|| {
        let expected = match &column.kind {
            ColumnKind::Integer | ColumnKind::Choice { .. } => "System.Int32",
            ColumnKind::BigInt => "System.Int64",
            ColumnKind::Decimal | ColumnKind::Money => "System.Decimal",
            ColumnKind::Boolean => "System.Boolean",
            ColumnKind::DateTime => "System.DateTime",
            _ => "System.Guid",
        };
        // Dataverse's wording for a condition value of the wrong type.
        ApiError::new(
            400,
            INVALID_ARGUMENT,
            format!(
                "An exception \"System.FormatException\" was thrown while trying to convert input value '{text}' to attribute '{}.{}'. Expected type of attribute value: {expected}.",
                table.logical_name, column.name
            ),
        )
    })
}

/// Every table the query reads: the caller needs the read privilege on each.
pub fn tables_of(metadata: &Metadata, fetch: &Fetch) -> Result<Vec<usize>, ApiError> {
    fn walk(metadata: &Metadata, node: &EntityNode, out: &mut Vec<usize>) -> Result<(), ApiError> {
        out.push(table_named(metadata, &node.name)?.index);
        for link in &node.links {
            walk(metadata, &link.entity, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(metadata, &fetch.entity, &mut out)?;
    Ok(out)
}
