//! Runtime values of the expression language: JSON plus what JSON cannot hold (64-bit integers
//! kept apart from floats, non-finite floats, .NET decimals).

use std::cmp::Ordering;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// `decimal()`: .NET decimal, which keeps its written scale (`5.0000`).
    Decimal(Decimal),
    String(String),
    Array(Vec<Val>),
    /// Key order is kept: it is observable (`setProperty` moves an existing key to the end).
    Object(IndexMap<String, Val>),
}

impl Val {
    pub fn from_json(value: &Value) -> Val {
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Val::String(s.clone()),
            Value::Array(items) => Val::Array(items.iter().map(Val::from_json).collect()),
            Value::Object(map) => Val::Object(map.iter().map(|(k, v)| (k.clone(), Val::from_json(v))).collect()),
        }
    }

    /// As JSON. Non-finite floats become their .NET spelling as a string; decimals become numbers.
    pub fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| Value::String(format_float(*f)), Value::Number),
            Val::Decimal(d) => {
                let text = d.to_string();
                text.parse::<i64>()
                    .map(Value::from)
                    .ok()
                    .or_else(|| text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number))
                    .unwrap_or(Value::String(text))
            }
            Val::String(s) => Value::String(s.clone()),
            Val::Array(items) => Value::Array(items.iter().map(Val::to_json).collect()),
            Val::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// The runtime's type name, as its error messages say it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "Null",
            Val::Bool(_) => "Boolean",
            Val::Int(_) => "Integer",
            Val::Float(_) => "Float",
            Val::Decimal(_) => "Decimal",
            Val::String(_) => "String",
            Val::Array(_) => "Array",
            Val::Object(_) => "Object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Val::Int(_) | Val::Float(_) | Val::Decimal(_))
    }

    /// A binary or XML value: `{"$content-type": …, "$content": <base64>}`.
    pub fn content(&self) -> Option<(&str, &str)> {
        let Val::Object(map) = self else { return None };
        if map.len() != 2 {
            return None;
        }
        Some((map.get("$content-type")?.as_str()?, map.get("$content")?.as_str()?))
    }

    /// The bytes of a binary or XML value. Whitespace inside the base64 is ignored, as .NET does.
    pub fn content_bytes(&self) -> Option<Result<Vec<u8>, String>> {
        let (_, content) = self.content()?;
        let compact: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        Some(
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, compact)
                .map_err(|e| format!("The content '{content}' is not valid base64: {e}")),
        )
    }

    pub fn content_value(content_type: &str, base64: String) -> Val {
        let mut map = IndexMap::new();
        map.insert("$content-type".to_string(), Val::String(content_type.to_string()));
        map.insert("$content".to_string(), Val::String(base64));
        Val::Object(map)
    }

    /// The text `@{…}` gives for this value (.NET spelling: `True`, `1E+20`, `""` for null).
    pub fn to_interpolated(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(true) => "True".into(),
            Val::Bool(false) => "False".into(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => format_float(*f),
            Val::Decimal(d) => d.to_string(),
            Val::String(s) => s.clone(),
            Val::Array(_) | Val::Object(_) => self.to_compact_json(),
        }
    }

    /// Compact JSON text, numbers as the runtime's serialiser writes them (`5.0`, `1E+20`).
    pub fn to_compact_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Val::Float(f) if f.is_finite() => {
                let text = format_float(*f);
                out.push_str(&text);
                if !text.contains(['.', 'E', 'e']) {
                    out.push_str(".0");
                }
            }
            Val::Float(f) => out.push_str(&serde_json::to_string(&format_float(*f)).unwrap_or_default()),
            Val::Decimal(d) => {
                let text = d.to_string();
                out.push_str(&text);
                if !text.contains('.') {
                    out.push_str(".0");
                }
            }
            Val::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Val::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Val::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
            Val::Null => out.push_str("null"),
            other => out.push_str(&other.to_interpolated().to_lowercase()),
        }
    }

    /// Property lookup: case-insensitive; the exact-case key wins, else the first match.
    pub fn get_property(&self, key: &str) -> Option<&Val> {
        let Val::Object(map) = self else { return None };
        map.get(key).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
    }
}

/// A double as .NET Core writes it: shortest round-trip digits, `E+XX` notation from 1E+15 and
/// below 1E-05, `Infinity`, `-Infinity`, `NaN`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde±x`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("a decimal exponent");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    // .NET's `G`/`R` switch to exponent notation below 1E-05 and from 10^max(digits, 15).
    if exp < -4 || exp >= (digits.len() as i32).max(15) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}E{exp_sign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    let text = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(point as usize - digits.len()))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{text}")
}

/// `equals`: numbers across int, float and decimal; strings ordinal; a boolean equals its
/// .NET text (`equals('True', true)`); arrays and objects deeply.
pub fn values_equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Bool(_), Val::String(s)) | (Val::String(s), Val::Bool(_)) => {
            let text = if matches!(a, Val::Bool(_)) { a.to_interpolated() } else { b.to_interpolated() };
            *s == text
        }
        (Val::String(x), Val::String(y)) => x == y,
        (x, y) if x.is_number() && y.is_number() => compare_numbers(x, y) == Some(Ordering::Equal),
        (Val::Array(x), Val::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b)),
        (Val::Object(x), Val::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => false,
    }
}

pub fn compare_numbers(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Decimal(x), Val::Decimal(y)) => Some(x.cmp(y)),
        (Val::Decimal(d), Val::Int(i)) => Some(d.cmp(&Decimal::from(*i))),
        (Val::Int(i), Val::Decimal(d)) => Some(Decimal::from(*i).cmp(d)),
        _ => as_f64(a)?.partial_cmp(&as_f64(b)?),
    }
}

pub fn as_f64(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Float(f) => Some(*f),
        Val::Decimal(d) => rust_decimal::prelude::ToPrimitive::to_f64(d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_dotnet_does() {
        for (f, text) in [
            (0.5, "0.5"),
            (30.0, "30"),
            (-9223372036854775809.5, "-9.223372036854776E+18"),
            (5e-324, "5E-324"),
            (1.7e308, "1.7E+308"),
            (1e15, "1E+15"),
            (123456789012345.0, "123456789012345"),
            (0.0001, "0.0001"),
            (0.00001, "1E-05"),
            (1.8446744065119617e19, "1.8446744065119617E+19"),
            (9007199254740992.0, "9007199254740992"),
            (1e16, "1E+16"),
            (-60.0, "-60"),
            (f64::INFINITY, "Infinity"),
        ] {
            assert_eq!(format_float(f), text, "{f}");
        }
    }

    #[test]
    fn interpolation_and_json_text() {
        assert_eq!(Val::Bool(true).to_interpolated(), "True");
        assert_eq!(Val::Null.to_interpolated(), "");
        assert_eq!(Val::Array(vec![Val::Float(5.0), Val::Bool(false), Val::Null]).to_interpolated(), "[5.0,false,null]");
    }

    #[test]
    fn lookup_prefers_the_exact_case() {
        let v = Val::from_json(&serde_json::json!({"a": 1, "A": 2}));
        assert_eq!(v.get_property("A"), Some(&Val::Int(2)));
        let v = Val::from_json(&serde_json::json!({"aAa": 1, "AaA": 2}));
        assert_eq!(v.get_property("aaa"), Some(&Val::Int(1)));
    }
}
