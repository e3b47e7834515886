//! Turning a parsed `$filter` into a parameterised SQL condition, checking every property
//! against the table and every literal against its column's type. Values only ever become
//! parameters; the SQL text holds quoted column names from the metadata.

use rusqlite::types::Value as SqlValue;

use super::filter::{CompareOp, Expr, FilterError, Literal, Operand, StringFunction};
use crate::metadata::{quote_ident, ColumnKind, ColumnMeta, TableMeta};
use crate::sql::SqlFragment;

/// A `$filter` that parsed but does not fit the table: an unknown property or mismatched types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeaningError {
    pub position: usize,
    pub message: String,
}

impl MeaningError {
    pub fn describe(&self, filter: &str) -> String {
        format!("{} (at position {} in $filter '{}')", self.message, self.position, filter)
    }
}

impl From<FilterError> for MeaningError {
    fn from(e: FilterError) -> MeaningError {
        MeaningError { position: e.position, message: e.message }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueClass {
    Text,
    Number,
    Boolean,
    DateTime,
    Guid,
}

fn class_of(column: &ColumnMeta) -> ValueClass {
    match column.kind {
        ColumnKind::String { .. } | ColumnKind::Memo { .. } => ValueClass::Text,
        ColumnKind::Integer
        | ColumnKind::BigInt
        | ColumnKind::Decimal
        | ColumnKind::Money
        | ColumnKind::Choice { .. } => ValueClass::Number,
        ColumnKind::Boolean => ValueClass::Boolean,
        ColumnKind::DateTime => ValueClass::DateTime,
        ColumnKind::PrimaryKey | ColumnKind::Guid | ColumnKind::Lookup { .. } | ColumnKind::Owner => ValueClass::Guid,
    }
}

fn literal_edm_type(literal: &Literal) -> &'static str {
    match literal {
        Literal::Null => "null",
        Literal::Boolean(_) => "Edm.Boolean",
        Literal::Integer(n) if i32::try_from(*n).is_ok() => "Edm.Int32",
        Literal::Integer(_) => "Edm.Int64",
        Literal::Decimal(_) => "Edm.Decimal",
        Literal::Text(_) => "Edm.String",
        Literal::Guid(_) => "Edm.Guid",
        Literal::DateTime(_) => "Edm.DateTimeOffset",
    }
}

fn operator_kind(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "Equal",
        CompareOp::Ne => "NotEqual",
        CompareOp::Gt => "GreaterThan",
        CompareOp::Ge => "GreaterThanOrEqual",
        CompareOp::Lt => "LessThan",
        CompareOp::Le => "LessThanOrEqual",
    }
}

fn sql_operator(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "<>",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
    }
}

pub fn translate(expr: &Expr, table: &TableMeta) -> Result<SqlFragment, MeaningError> {
    match expr {
        Expr::And(left, right) => Ok(SqlFragment::all(vec![translate(left, table)?, translate(right, table)?])),
        Expr::Or(left, right) => Ok(SqlFragment::any(vec![translate(left, table)?, translate(right, table)?])),
        Expr::Not(inner) => {
            let inner = translate(inner, table)?;
            Ok(SqlFragment::new(format!("NOT ({})", inner.sql), inner.params))
        }
        Expr::Compare { op, left, right } => compare(*op, left, right, table),
        Expr::Call { function, args, .. } => call(*function, args, table),
    }
}

/// The column a property names. Lookups are filtered through `_<name>_value`, as in Dataverse.
pub fn resolve_property<'t>(table: &'t TableMeta, name: &str, position: usize) -> Result<&'t ColumnMeta, MeaningError> {
    if let Some((_, column)) = table.column_by_property(name) {
        return Ok(column);
    }
    let hint = match table.column_by_name(name) {
        Some((_, c)) if c.is_reference() => format!("; a lookup is filtered through '{}'", c.property_name()),
        _ => String::new(),
    };
    Err(MeaningError {
        position,
        message: format!("Could not find a property named '{name}' on type '{}'{hint}", table.odata_type()),
    })
}

fn compare(op: CompareOp, left: &Operand, right: &Operand, table: &TableMeta) -> Result<SqlFragment, MeaningError> {
    match (left, right) {
        (Operand::Property { name, position }, Operand::Literal { value, position: value_at }) => {
            compare_to_literal(op, resolve_property(table, name, *position)?, value, *value_at)
        }
        (Operand::Literal { value, position: value_at }, Operand::Property { name, position }) => {
            compare_to_literal(op.mirrored(), resolve_property(table, name, *position)?, value, *value_at)
        }
        (Operand::Property { name: a, position: a_at }, Operand::Property { name: b, position: b_at }) => {
            let left = resolve_property(table, a, *a_at)?;
            let right = resolve_property(table, b, *b_at)?;
            if class_of(left) != class_of(right) {
                return Err(incompatible(op, left.edm_type(), right.edm_type(), *a_at));
            }
            check_orderable(op, left, *a_at)?;
            Ok(SqlFragment::new(
                format!("{} {} {}", quote_ident(&left.name), sql_operator(op), quote_ident(&right.name)),
                Vec::new(),
            ))
        }
        (Operand::Literal { position, .. }, Operand::Literal { .. }) => Err(MeaningError {
            position: *position,
            message: "a comparison needs a property on at least one side".into(),
        }),
    }
}

fn compare_to_literal(
    op: CompareOp,
    column: &ColumnMeta,
    literal: &Literal,
    at: usize,
) -> Result<SqlFragment, MeaningError> {
    let name = quote_ident(&column.name);
    if *literal == Literal::Null {
        return match op {
            CompareOp::Eq => Ok(SqlFragment::new(format!("{name} IS NULL"), Vec::new())),
            CompareOp::Ne => Ok(SqlFragment::new(format!("{name} IS NOT NULL"), Vec::new())),
            _ => Err(MeaningError {
                position: at,
                message: format!("null can only be compared with eq or ne, not {}", op.keyword()),
            }),
        };
    }
    let value = literal_for(column, literal).ok_or_else(|| {
        let mut error = incompatible(op, column.edm_type(), literal_edm_type(literal), at);
        if let (ValueClass::Guid | ValueClass::DateTime, Literal::Text(_)) = (class_of(column), literal) {
            error.message.push_str(&format!(
                "; write {} values without quotes",
                if class_of(column) == ValueClass::Guid { "GUID" } else { "date-time" }
            ));
        }
        error
    })?;
    check_orderable(op, column, at)?;
    Ok(SqlFragment::new(format!("{name} {} ?", sql_operator(op)), vec![value]))
}

fn literal_for(column: &ColumnMeta, literal: &Literal) -> Option<SqlValue> {
    match (class_of(column), literal) {
        (ValueClass::Text, Literal::Text(t)) => Some(SqlValue::Text(t.clone())),
        (ValueClass::Number, Literal::Integer(n)) => Some(SqlValue::Integer(*n)),
        (ValueClass::Number, Literal::Decimal(n)) => Some(SqlValue::Real(*n)),
        (ValueClass::Boolean, Literal::Boolean(b)) => Some(SqlValue::Integer((*b).into())),
        (ValueClass::DateTime, Literal::DateTime(d)) => Some(SqlValue::Text(d.clone())),
        (ValueClass::Guid, Literal::Guid(g)) => Some(SqlValue::Text(g.to_string())),
        _ => None,
    }
}

/// Booleans and ids have no order worth asking for; Dataverse refuses such filters too.
fn check_orderable(op: CompareOp, column: &ColumnMeta, at: usize) -> Result<(), MeaningError> {
    let ordered = matches!(op, CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le);
    if ordered && matches!(class_of(column), ValueClass::Boolean | ValueClass::Guid) {
        return Err(MeaningError {
            position: at,
            message: format!(
                "'{}' ({}) can only be compared with eq or ne, not {}",
                column.property_name(),
                column.edm_type(),
                op.keyword()
            ),
        });
    }
    Ok(())
}

fn incompatible(op: CompareOp, left: &str, right: &str, at: usize) -> MeaningError {
    // The OData library's wording, which Dataverse passes through.
    MeaningError {
        position: at,
        message: format!(
            "A binary operator with incompatible types was detected. Found operand types '{left}' and '{right}' for operator kind '{}'",
            operator_kind(op)
        ),
    }
}

fn call(function: StringFunction, args: &[Operand; 2], table: &TableMeta) -> Result<SqlFragment, MeaningError> {
    let Operand::Property { name, position: property_at } = &args[0] else {
        return Err(MeaningError {
            position: args[0].position(),
            message: format!("the first argument of {} must be a property", function.name()),
        });
    };
    let column = resolve_property(table, name, *property_at)?;
    if class_of(column) != ValueClass::Text {
        return Err(MeaningError {
            position: *property_at,
            message: format!("{} works on text columns; '{name}' is {}", function.name(), column.edm_type()),
        });
    }
    let Operand::Literal { value: Literal::Text(text), .. } = &args[1] else {
        return Err(MeaningError {
            position: args[1].position(),
            message: format!("the second argument of {} must be a 'quoted string'", function.name()),
        });
    };
    // The text is matched literally: %, _ and \ in it are escaped for LIKE.
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = match function {
        StringFunction::Contains => format!("%{escaped}%"),
        StringFunction::StartsWith => format!("{escaped}%"),
        StringFunction::EndsWith => format!("%{escaped}"),
    };
    Ok(SqlFragment::new(format!("{} LIKE ? ESCAPE '\\'", quote_ident(&column.name)), vec![SqlValue::Text(pattern)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Metadata;
    use crate::odata::filter::parse;
    use crate::scenario::Scenario;

    fn sql_of(filter: &str) -> Result<SqlFragment, MeaningError> {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let contact = metadata.by_logical_name("contact").unwrap();
        translate(&parse(filter).map_err(MeaningError::from)?, contact)
    }

    #[test]
    fn comparisons_become_parameters() {
        let f = sql_of("firstname eq 'Maria' and numberofchildren ge 2").unwrap();
        assert_eq!(f.sql, "(\"firstname\" = ?) AND (\"numberofchildren\" >= ?)");
        assert_eq!(f.params, vec![SqlValue::Text("Maria".into()), SqlValue::Integer(2)]);
    }

    #[test]
    fn values_never_reach_the_sql_text() {
        let f = sql_of("firstname eq 'x'' OR 1=1; DROP TABLE contact; --'").unwrap();
        assert_eq!(f.sql, "\"firstname\" = ?");
        assert_eq!(f.params, vec![SqlValue::Text("x' OR 1=1; DROP TABLE contact; --".into())]);
    }

    #[test]
    fn literal_on_the_left_mirrors_the_operator() {
        assert_eq!(sql_of("2 lt numberofchildren").unwrap().sql, "\"numberofchildren\" > ?");
    }

    #[test]
    fn null_checks_use_is_null() {
        assert_eq!(sql_of("emailaddress1 eq null").unwrap().sql, "\"emailaddress1\" IS NULL");
        assert_eq!(sql_of("null ne _parentcustomerid_value").unwrap().sql, "\"parentcustomerid\" IS NOT NULL");
    }

    #[test]
    fn lookups_are_filtered_by_their_value_property() {
        let f = sql_of("_parentcustomerid_value eq A0000000-0000-4000-8000-000000000001").unwrap();
        assert_eq!(f.sql, "\"parentcustomerid\" = ?");
        assert_eq!(f.params, vec![SqlValue::Text("a0000000-0000-4000-8000-000000000001".into())]);
        let err = sql_of("parentcustomerid eq a0000000-0000-4000-8000-000000000001").unwrap_err();
        assert!(err.message.contains("'_parentcustomerid_value'"), "{err:?}");
    }

    #[test]
    fn string_functions_escape_like_wildcards() {
        let f = sql_of("contains(fullname,'50%_off\\')").unwrap();
        assert_eq!(f.sql, "\"fullname\" LIKE ? ESCAPE '\\'");
        assert_eq!(f.params, vec![SqlValue::Text("%50\\%\\_off\\\\%".into())]);
        assert_eq!(sql_of("startswith(fullname,'Ma')").unwrap().params, vec![SqlValue::Text("Ma%".into())]);
        assert_eq!(sql_of("endswith(fullname,'ll')").unwrap().params, vec![SqlValue::Text("%ll".into())]);
    }

    #[test]
    fn not_and_parentheses_keep_their_meaning() {
        let f = sql_of("not (donotemail eq true or birthdate lt 1980-01-01)").unwrap();
        assert_eq!(f.sql, "NOT ((\"donotemail\" = ?) OR (\"birthdate\" < ?))");
        assert_eq!(f.params, vec![SqlValue::Integer(1), SqlValue::Text("1980-01-01T00:00:00Z".into())]);
    }

    #[test]
    fn type_mismatches_name_both_types_and_the_position() {
        let err = sql_of("numberofchildren eq 'two'").unwrap_err();
        assert_eq!(err.position, 21);
        assert!(err.message.contains("'Edm.Int32' and 'Edm.String' for operator kind 'Equal'"), "{err:?}");
        let err = sql_of("contactid eq 'c0000000-0000-4000-8000-000000000001'").unwrap_err();
        assert!(err.message.contains("without quotes"), "{err:?}");
        assert!(sql_of("donotemail gt false").unwrap_err().message.contains("only be compared with eq or ne"));
        assert!(sql_of("firstname gt null").is_err());
        assert!(sql_of("contains(numberofchildren,'1')").is_err());
        assert!(sql_of("1 eq 1").unwrap_err().message.contains("property on at least one side"));
    }

    #[test]
    fn unknown_properties_are_named_with_the_type() {
        let err = sql_of("nickname eq 'x'").unwrap_err();
        assert_eq!(err.describe("nickname eq 'x'"), "Could not find a property named 'nickname' on type 'Microsoft.Dynamics.CRM.contact' (at position 1 in $filter 'nickname eq 'x'')");
    }

    #[test]
    fn columns_compare_with_columns_of_the_same_kind() {
        assert_eq!(sql_of("firstname eq lastname").unwrap().sql, "\"firstname\" = \"lastname\"");
        assert!(sql_of("firstname eq numberofchildren").is_err());
    }
}
