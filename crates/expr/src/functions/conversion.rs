//! Conversion functions (§2.4), and the .NET number parsing they share with `isInt`/`isFloat`:
//! `NumberStyles`, culture separators and symbols, `Double`/`Decimal` parsing rules, and the
//! `json()` parser (duplicate keys: the last value wins, at the position of its last occurrence).

use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::{opt, req, rest, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "array", group: Group::Conversion, params: &[req("value", "any")], returns: "array", description: "An array holding the one value given.", implementation: Eager(array) },
    Function { name: "createArray", group: Group::Conversion, params: &[req("item1", "any"), rest("item", "any")], returns: "array", description: "An array of the values given, in order.", implementation: Eager(create_array) },
    Function { name: "bool", group: Group::Conversion, params: &[req("value", "any")], returns: "boolean", description: "The value as a boolean: 0 is false, other numbers true; 'true'/'false' in any case.", implementation: Eager(bool) },
    Function { name: "int", group: Group::Conversion, params: &[req("value", "any"), opt("locale", "string")], returns: "integer", description: "The value as an integer; text may have thousands separators, an exponent, no fractional part.", implementation: Eager(int) },
    Function { name: "float", group: Group::Conversion, params: &[req("value", "any"), opt("locale", "string")], returns: "number", description: "The value as a floating-point number, parsed leniently with the locale's separators (default en-US).", implementation: Eager(float) },
    Function { name: "decimal", group: Group::Conversion, params: &[req("value", "any")], returns: "number", description: "The value as a decimal number, which keeps its written scale ('5.0' stays 5.0).", implementation: Eager(decimal) },
    Function { name: "string", group: Group::Conversion, params: &[req("value", "any")], returns: "string", description: "The value as text: null is '', booleans 'True'/'False', arrays and objects JSON, binary content decoded as UTF-8.", implementation: Eager(string) },
    Function { name: "json", group: Group::Conversion, params: &[req("value", "string|xml")], returns: "any", description: "The JSON value a string (or binary content) holds, or the JSON form of an XML value.", implementation: Eager(json) },
];

// ---------------------------------------------------------------------------------------------
// Cultures

/// The number formatting data of a .NET culture (ICU data, as .NET 5+ has it).
#[derive(Debug)]
pub(super) struct Culture {
    pub decimal_separator: &'static str,
    pub group_separator: &'static str,
    pub negative_sign: &'static str,
    pub positive_sign: &'static str,
    pub currency_symbol: &'static str,
    pub currency_decimals: usize,
    /// Index into .NET's `CurrencyPositivePattern` table (`$n`, `n$`, `$ n`, `n $`).
    pub currency_positive_pattern: usize,
    pub currency_negative_pattern: usize,
    pub percent_positive_pattern: usize,
    pub percent_negative_pattern: usize,
    pub nan_symbol: &'static str,
    pub positive_infinity: &'static str,
    pub negative_infinity: &'static str,
}

pub(super) const INVARIANT: Culture = Culture {
    decimal_separator: ".",
    group_separator: ",",
    negative_sign: "-",
    positive_sign: "+",
    currency_symbol: "\u{a4}",
    currency_decimals: 2,
    currency_positive_pattern: 0,
    currency_negative_pattern: 0,
    percent_positive_pattern: 0,
    percent_negative_pattern: 0,
    nan_symbol: "NaN",
    positive_infinity: "Infinity",
    negative_infinity: "-Infinity",
};

/// The runtime's default culture.
pub(super) const EN_US: Culture = Culture {
    currency_symbol: "$",
    currency_negative_pattern: 1,
    percent_positive_pattern: 1,
    percent_negative_pattern: 1,
    positive_infinity: "\u{221e}",
    negative_infinity: "-\u{221e}",
    ..INVARIANT
};
const EN_GB: Culture = Culture { currency_symbol: "\u{a3}", ..EN_US };
const DE_DE: Culture = Culture {
    decimal_separator: ",",
    group_separator: ".",
    currency_symbol: "\u{20ac}",
    currency_positive_pattern: 3,
    currency_negative_pattern: 8,
    percent_positive_pattern: 0,
    percent_negative_pattern: 0,
    ..EN_US
};
/// French groups with a narrow no-break space (U+202F) since ICU 63.
const FR_FR: Culture = Culture { group_separator: "\u{202f}", ..DE_DE };
const ES_ES: Culture = Culture { ..DE_DE };
const IT_IT: Culture = Culture { percent_positive_pattern: 1, percent_negative_pattern: 1, ..DE_DE };
const NL_NL: Culture = Culture { currency_positive_pattern: 2, currency_negative_pattern: 12, ..IT_IT };
const PT_BR: Culture = Culture { currency_symbol: "R$", currency_positive_pattern: 2, currency_negative_pattern: 9, ..IT_IT };
const IS_IS: Culture = Culture { currency_symbol: "kr.", currency_decimals: 0, ..IT_IT };
const EN_IE: Culture = Culture { currency_symbol: "\u{20ac}", ..EN_US };
const JA_JP: Culture = Culture { currency_symbol: "\u{ffe5}", currency_decimals: 0, ..EN_US };

/// The culture a locale name means (case-insensitive; `''` is the invariant culture). Only the
/// cultures whose data is built in are known.
pub(super) fn culture(name: &str) -> Option<&'static Culture> {
    let culture = match name.to_ascii_lowercase().as_str() {
        "" => &INVARIANT,
        "en" | "en-us" | "en-ca" | "en-au" => &EN_US,
        "en-gb" => &EN_GB,
        "en-ie" => &EN_IE,
        "is" | "is-is" => &IS_IS,
        "de" | "de-de" => &DE_DE,
        "fr" | "fr-fr" => &FR_FR,
        "es" | "es-es" => &ES_ES,
        "it" | "it-it" => &IT_IT,
        "nl" | "nl-nl" => &NL_NL,
        "pt-br" => &PT_BR,
        "ja" | "ja-jp" => &JA_JP,
        _ => return None,
    };
    Some(culture)
}

/// The culture named by argument `i`, or `default` when the argument is absent.
pub(super) fn culture_arg(a: &Args, i: usize, default: &'static Culture) -> Result<&'static Culture, EvalError> {
    if a.get(i).is_none() {
        return Ok(default);
    }
    let name = a.string(i)?;
    culture(name).ok_or_else(|| {
        a.error(format!(
            "expects its {} parameter to be a supported locale; '{name}' is not one (supported: '', en-US, en-GB, en-CA, en-AU, en-IE, de-DE, fr-FR, es-ES, it-IT, nl-NL, pt-BR, is-IS, ja-JP).",
            if i == 1 { "second" } else { "third" }
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// .NET number parsing (`Number.TryParseNumber`)

/// The parts of .NET's `NumberStyles` the functions use.
#[derive(Clone, Copy, Debug)]
pub(super) struct NumberStyles {
    leading_white: bool,
    trailing_white: bool,
    leading_sign: bool,
    trailing_sign: bool,
    decimal_point: bool,
    thousands: bool,
    exponent: bool,
}

/// `NumberStyles.Float | NumberStyles.Number`: `float()` and `isFloat()`.
pub(super) const FLOAT_STYLES: NumberStyles = NumberStyles {
    leading_white: true,
    trailing_white: true,
    leading_sign: true,
    trailing_sign: true,
    decimal_point: true,
    thousands: true,
    exponent: true,
};
/// `NumberStyles.Number`: `decimal()` (no exponent).
pub(super) const NUMBER_STYLES: NumberStyles = NumberStyles { exponent: false, ..FLOAT_STYLES };
/// `NumberStyles.Integer | AllowExponent | AllowThousands`: `isInt()`.
pub(super) const INTEGER_STYLES: NumberStyles = NumberStyles { trailing_sign: false, decimal_point: false, ..FLOAT_STYLES };
/// `NumberStyles.Float | AllowThousands`: `int()` parses its text as a double first.
pub(super) const INT_STYLES: NumberStyles = NumberStyles { trailing_sign: false, ..FLOAT_STYLES };

/// A parsed number: `digits × 10^exponent`, with the digits as written (so decimals keep their
/// scale: `5.00` is `500 × 10^-2`).
#[derive(Debug, PartialEq)]
pub(super) struct ParsedNumber {
    pub negative: bool,
    pub digits: String,
    pub exponent: i64,
}

/// .NET's `IsWhite`: space and `\t` to `\r`.
fn is_white(c: char) -> bool {
    c == ' ' || ('\t'..='\r').contains(&c)
}

/// .NET's `MatchChars`: `token` at byte `at`, where a plain space also matches a no-break space
/// in the token (French group separators). The byte after the match, if it matches.
fn match_token(text: &str, at: usize, token: &str) -> Option<usize> {
    if token.is_empty() {
        return None;
    }
    let mut input = text.get(at..)?.char_indices();
    for expected in token.chars() {
        let (_, got) = input.next()?;
        if got != expected && !(got == ' ' && matches!(expected, '\u{a0}' | '\u{202f}')) {
            return None;
        }
    }
    Some(input.next().map_or(text.len(), |(i, _)| at + i))
}

/// The number `text` holds under `styles` and the culture's separators, or `None`.
/// The culture's positive or negative sign at byte `at`: the byte after it, and whether it is negative.
fn sign_at(text: &str, at: usize, culture: &Culture) -> Option<(usize, bool)> {
    match_token(text, at, culture.positive_sign)
        .map(|next| (next, false))
        .or_else(|| match_token(text, at, culture.negative_sign).map(|next| (next, true)))
}

pub(super) fn parse_number(text: &str, styles: NumberStyles, culture: &Culture) -> Option<ParsedNumber> {
    let at = |p: usize| text.get(p..).and_then(|rest| rest.chars().next());
    let mut p = 0;
    let mut negative = false;
    let mut signed = false;

    // Leading white space and sign; no white space after the sign.
    while let Some(c) = at(p) {
        if is_white(c) && styles.leading_white && !signed {
            p += c.len_utf8();
        } else if styles.leading_sign && !signed {
            match sign_at(text, p, culture) {
                Some((next, is_negative)) => {
                    signed = true;
                    negative = is_negative;
                    p = next;
                }
                None => break,
            }
        } else {
            break;
        }
    }

    // Digits, one decimal separator, group separators anywhere after the first digit.
    let mut digits = String::new();
    let mut fraction_digits: i64 = 0;
    let mut in_fraction = false;
    while let Some(c) = at(p) {
        if c.is_ascii_digit() {
            digits.push(c);
            fraction_digits += i64::from(in_fraction);
            p += 1;
        } else if let Some(next) = (styles.decimal_point && !in_fraction)
            .then(|| match_token(text, p, culture.decimal_separator))
            .flatten()
        {
            in_fraction = true;
            p = next;
        } else if let Some(next) = (styles.thousands && !digits.is_empty() && !in_fraction)
            .then(|| match_token(text, p, culture.group_separator))
            .flatten()
        {
            p = next;
        } else {
            break;
        }
    }
    if digits.is_empty() {
        return None;
    }

    // An exponent needs digits; without them the `e` is not part of the number.
    let mut exponent: i64 = 0;
    if styles.exponent && matches!(at(p), Some('e' | 'E')) {
        let mut q = p + 1;
        let mut negative_exponent = false;
        if let Some(next) = match_token(text, q, culture.positive_sign) {
            q = next;
        } else if let Some(next) = match_token(text, q, culture.negative_sign) {
            q = next;
            negative_exponent = true;
        }
        if at(q).is_some_and(|c| c.is_ascii_digit()) {
            while let Some(d) = at(q).and_then(|c| c.to_digit(10)) {
                // .NET stops counting past 1000: the value is out of any range by then.
                exponent = (exponent * 10 + i64::from(d)).min(9999);
                q += 1;
            }
            if negative_exponent {
                exponent = -exponent;
            }
            p = q;
        }
    }

    // Trailing white space and sign (a sign only if there was none before).
    while let Some(c) = at(p) {
        if is_white(c) && styles.trailing_white {
            p += c.len_utf8();
        } else if styles.trailing_sign && !signed {
            match sign_at(text, p, culture) {
                Some((next, is_negative)) => {
                    signed = true;
                    negative = is_negative;
                    p = next;
                }
                None => break,
            }
        } else {
            break;
        }
    }
    while at(p) == Some('\0') {
        p += 1;
    }
    (p == text.len()).then_some(ParsedNumber { negative, digits, exponent: exponent - fraction_digits })
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.chars().flat_map(char::to_uppercase).eq(b.chars().flat_map(char::to_uppercase))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let end = text.char_indices().nth(prefix.chars().count()).map_or(text.len(), |(i, _)| i);
    eq_ignore_case(&text[..end], prefix).then(|| &text[end..])
}

/// `Double.TryParse(text, styles, culture)`: the number, else the culture's infinity and NaN
/// symbols in any case.
pub(super) fn parse_double(text: &str, styles: NumberStyles, culture: &Culture) -> Option<f64> {
    if let Some(number) = parse_number(text, styles, culture) {
        let sign = if number.negative { "-" } else { "" };
        return format!("{sign}{}e{}", number.digits, number.exponent).parse().ok();
    }
    let trimmed = text.trim();
    if eq_ignore_case(trimmed, culture.positive_infinity) {
        Some(f64::INFINITY)
    } else if eq_ignore_case(trimmed, culture.negative_infinity) {
        Some(f64::NEG_INFINITY)
    } else if eq_ignore_case(trimmed, culture.nan_symbol) {
        Some(f64::NAN)
    } else if let Some(rest) = strip_prefix_ignore_case(trimmed, culture.positive_sign) {
        if eq_ignore_case(rest, culture.positive_infinity) {
            Some(f64::INFINITY)
        } else {
            eq_ignore_case(rest, culture.nan_symbol).then_some(f64::NAN)
        }
    } else {
        let rest = strip_prefix_ignore_case(trimmed, culture.negative_sign)?;
        eq_ignore_case(rest, culture.nan_symbol).then_some(f64::NAN)
    }
}

/// The largest decimal mantissa: 2^96 - 1.
const DECIMAL_MAX_MANTISSA: u128 = (1 << 96) - 1;
const DECIMAL_MAX_SCALE: i64 = 28;

/// `digits × 10^exponent` as a .NET decimal: the scale is kept (`5.00`), digits beyond what a
/// decimal holds are rounded half to even while they are fractional; `None` on overflow.
pub(super) fn decimal_from_parts(negative: bool, digits: &str, exponent: i64) -> Option<Decimal> {
    let significant = digits.trim_start_matches('0');
    if exponent >= 0 {
        // An integer: every digit must fit.
        if significant.len() as i64 + exponent > 29 {
            return None;
        }
        let zeros = "0".repeat(exponent as usize);
        let mantissa: u128 = format!("0{significant}{zeros}").parse().ok()?;
        return finish_decimal(negative, mantissa, 0);
    }
    let scale = -exponent;
    // Leading zeros only matter as scale: keep as many digits as the scale says are fractional.
    let kept_digits = significant.len().max(1);
    let digits: Vec<u8> = if significant.is_empty() { vec![b'0'] } else { significant.bytes().collect() };
    let mut drop: i64 = (scale - DECIMAL_MAX_SCALE).max(0);
    loop {
        if drop > scale {
            return None;
        }
        let keep = (kept_digits as i64 - drop).max(0) as usize;
        if keep > 30 {
            drop += keep as i64 - 30;
            continue;
        }
        let mut mantissa: u128 = if keep == 0 { 0 } else { std::str::from_utf8(&digits[..keep]).ok()?.parse().ok()? };
        if rounds_up_half_even(&digits[keep.min(digits.len())..], mantissa % 2 == 1) {
            mantissa += 1;
        }
        if mantissa <= DECIMAL_MAX_MANTISSA {
            return finish_decimal(negative, mantissa, (scale - drop) as u32);
        }
        drop += 1;
    }
}

/// Whether dropping `dropped` digits rounds the kept part up, ties to even.
fn rounds_up_half_even(dropped: &[u8], kept_is_odd: bool) -> bool {
    match dropped.first() {
        Some(b'6'..=b'9') => true,
        Some(b'5') => dropped[1..].iter().any(|&d| d != b'0') || kept_is_odd,
        _ => false,
    }
}

fn finish_decimal(negative: bool, mantissa: u128, scale: u32) -> Option<Decimal> {
    if mantissa > DECIMAL_MAX_MANTISSA {
        return None;
    }
    let signed = i128::try_from(mantissa).ok()?;
    let mut value = Decimal::try_from_i128_with_scale(signed, scale).ok()?;
    // .NET never prints a negative zero decimal.
    value.set_sign_negative(negative && !value.is_zero());
    Some(value)
}

/// `(decimal)double`: .NET keeps 15 significant digits and no trailing zeros.
pub(super) fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(Decimal::ZERO);
    }
    let scientific = format!("{:.14e}", f.abs());
    let (mantissa, exp) = scientific.split_once('e')?;
    let exp: i64 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_end_matches('0');
    let dropped_zeros = (digits.len() - trimmed.len()) as i64;
    // digits = d.ddddddddddddd × 10^exp
    let value = decimal_from_parts(f < 0.0, trimmed, exp - 14 + dropped_zeros)?;
    Some(value.normalize())
}

// ---------------------------------------------------------------------------------------------
// Text of values

/// The text of binary content (`{"$content-type", "$content"}`), decoded as UTF-8.
pub(super) fn content_text(v: &Val) -> Option<String> {
    let bytes = v.content_bytes()?.ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A value as text, the way `string()` and `concat()` see it.
pub(super) fn text_of(v: &Val) -> String {
    content_text(v).unwrap_or_else(|| v.to_interpolated())
}

/// Whether a content type is XML (`application/xml`, `text/xml`, `…+xml`).
fn is_xml_content_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    media.ends_with("/xml") || media.ends_with("+xml")
}

// ---------------------------------------------------------------------------------------------
// The functions

fn array(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Array(vec![a.arg(0).clone()]))
}

fn create_array(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Array(a.values.clone()))
}

fn bool(a: &Args) -> Result<Val, EvalError> {
    let value = match a.arg(0) {
        Val::Bool(b) => *b,
        Val::Int(i) => *i != 0,
        Val::Float(f) => *f != 0.0,
        Val::Decimal(d) => !d.is_zero(),
        // `Boolean.Parse`: white space around, any case.
        Val::String(s) => match s.trim_matches(|c: char| c.is_whitespace() || c == '\0').to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(a.error(format!("was invoked with a parameter that is not valid. The value '{s}' cannot be converted to a boolean."))),
        },
        _ => return Err(a.type_error(0, "a number, a string or a boolean")),
    };
    Ok(Val::Bool(value))
}

fn not_convertible(a: &Args, target: &str) -> EvalError {
    let shown = match a.arg(0) {
        Val::String(s) => s.clone(),
        other => other.to_compact_json(),
    };
    a.error(format!(
        "was invoked with a parameter that is not valid. Could not parse {} as {target}; the value cannot be converted to the target type.",
        truncate_for_message(&shown)
    ))
}

fn truncate_for_message(text: &str) -> String {
    const LIMIT: usize = 200;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `int()` parses as a double and then requires an integral value in range, as the runtime
/// does: `int('1.0')` is 1, `int('9223372036854775807')` overflows (the double is 2^63), and
/// NaN converts to the smallest integer.
fn int(a: &Args) -> Result<Val, EvalError> {
    let culture = culture_arg(a, 1, &EN_US)?;
    let value = match a.arg(0) {
        Val::Int(i) => return Ok(Val::Int(*i)),
        Val::Float(f) => *f,
        Val::Decimal(d) => d.to_string().parse().unwrap_or(f64::NAN),
        Val::String(s) => parse_double(s, INT_STYLES, culture).ok_or_else(|| not_convertible(a, "int"))?,
        _ => return Err(not_convertible(a, "int")),
    };
    integer_of_f64(value).map(Val::Int).ok_or_else(|| not_convertible(a, "int"))
}

fn integer_of_f64(f: f64) -> Option<i64> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return Some(i64::MIN);
    }
    (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

fn float(a: &Args) -> Result<Val, EvalError> {
    let culture = culture_arg(a, 1, &EN_US)?;
    let value = match a.arg(0) {
        Val::Float(f) => *f,
        Val::Int(i) => *i as f64,
        Val::Decimal(d) => d.to_string().parse().unwrap_or(f64::NAN),
        Val::String(s) => parse_double(s, FLOAT_STYLES, culture).ok_or_else(|| not_convertible(a, "float"))?,
        _ => return Err(not_convertible(a, "float")),
    };
    Ok(Val::Float(value))
}

fn decimal(a: &Args) -> Result<Val, EvalError> {
    let overflow = || a.error("was invoked with a value that is too large or too small for a decimal.");
    let value = match a.arg(0) {
        Val::Decimal(d) => *d,
        Val::Int(i) => Decimal::from(*i),
        Val::Float(f) => decimal_from_f64(*f).ok_or_else(overflow)?,
        Val::String(s) => {
            let number = parse_number(s, NUMBER_STYLES, &INVARIANT).ok_or_else(|| not_convertible(a, "decimal"))?;
            decimal_from_parts(number.negative, &number.digits, number.exponent).ok_or_else(overflow)?
        }
        _ => return Err(a.type_error(0, "a number or a string")),
    };
    Ok(Val::Decimal(value))
}

fn string(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(text_of(a.arg(0))))
}

fn json(a: &Args) -> Result<Val, EvalError> {
    let value = a.arg(0);
    let text = match value {
        Val::String(s) => s.clone(),
        _ => match value.content() {
            Some((content_type, _)) if is_xml_content_type(content_type) => return super::xml::json_from_xml(value),
            Some(_) => content_text(value).ok_or_else(|| a.error("parameter is not valid: its content is not valid base64."))?,
            None => return Err(a.type_error(0, "a string or an XML value")),
        },
    };
    parse_json(&text).map_err(|detail| {
        a.error(format!("parameter is not valid. The provided value '{}' cannot be parsed: {detail}", truncate_for_message(&text)))
    })
}

// ---------------------------------------------------------------------------------------------
// JSON text

/// Deeper documents are refused rather than risk the stack.
const MAX_JSON_DEPTH: usize = 256;

/// Parses strict JSON text. Integers that fit 64 bits stay integers, other numbers are floats;
/// a key given twice keeps its last value, at the position of its last occurrence.
pub(super) fn parse_json(text: &str) -> Result<Val, String> {
    let mut parser = JsonParser { text, pos: 0, depth: 0 };
    let value = parser.value()?;
    parser.skip_white();
    if parser.pos < text.len() {
        return Err(parser.unexpected("after the JSON value"));
    }
    Ok(value)
}

struct JsonParser<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_white(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, context: &str) -> String {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            Some(c) => format!("unexpected character '{c}' at position {} {context}.", self.pos),
            None => format!("unexpected end of text {context}."),
        }
    }

    fn expect(&mut self, byte: u8, context: &str) -> Result<(), String> {
        self.skip_white();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(context))
        }
    }

    fn value(&mut self) -> Result<Val, String> {
        self.skip_white();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Val::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Val::Bool(true)),
            Some(b'f') => self.literal("false", Val::Bool(false)),
            Some(b'n') => self.literal("null", Val::Null),
            _ => Err(self.unexpected("where a value should start")),
        }
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Result<Val, String>) -> Result<Val, String> {
        self.depth += 1;
        if self.depth > MAX_JSON_DEPTH {
            return Err(format!("the document nests deeper than {MAX_JSON_DEPTH} levels."));
        }
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Val) -> Result<Val, String> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("in a literal"))
        }
    }

    fn object(&mut self) -> Result<Val, String> {
        self.pos += 1; // `{`
        // Entries in order; a repeated key empties its earlier slot, so the last occurrence
        // decides both the value and the position.
        let mut entries: Vec<Option<(String, Val)>> = Vec::new();
        let mut slot_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        self.skip_white();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Val::Object(IndexMap::new()));
        }
        loop {
            self.skip_white();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("where a property name should start"));
            }
            let key = self.string()?;
            self.expect(b':', "after a property name")?;
            let value = self.value()?;
            if let Some(earlier) = slot_of.insert(key.clone(), entries.len()) {
                entries[earlier] = None;
            }
            entries.push(Some((key, value)));
            self.skip_white();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Val::Object(entries.into_iter().flatten().collect()));
                }
                _ => return Err(self.unexpected("in an object: expecting a comma or a closing brace")),
            }
        }
    }

    fn array(&mut self) -> Result<Val, String> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_white();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Val::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_white();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Val::Array(items));
                }
                _ => return Err(self.unexpected("in an array: expecting a comma or a closing bracket")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Val, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("in a number")),
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integral = false;
            if self.digits() == 0 {
                return Err(self.unexpected("in a number's fraction"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            integral = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("in a number's exponent"));
            }
        }
        let literal = &self.text[start..self.pos];
        if integral {
            if let Ok(i) = literal.parse::<i64>() {
                return Ok(Val::Int(i));
            }
        }
        literal.parse::<f64>().map(Val::Float).map_err(|_| format!("'{literal}' is not a number."))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self.text.get(self.pos..self.pos + 4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).ok_or_else(|| self.unexpected("in a \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1; // `"`
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let plain = rest.find(|c: char| c == '"' || c == '\\' || c < ' ').unwrap_or(rest.len());
            out.push_str(&rest[..plain]);
            self.pos += plain;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or_else(|| self.unexpected("in an escape sequence"))?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&unit) && self.text[self.pos..].starts_with("\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    self.pos = save;
                                    unit
                                }
                            } else {
                                unit
                            };
                            // A lone surrogate has no Rust `char`: it becomes U+FFFD.
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected("in an escape sequence"));
                        }
                    }
                }
                Some(_) => return Err(self.unexpected("in a string: control characters must be escaped")),
                None => return Err(self.unexpected("in a string: missing closing quote")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::format_float;

    fn parse(text: &str, culture: &Culture) -> Option<f64> {
        parse_double(text, FLOAT_STYLES, culture)
    }

    #[test]
    fn doubles_parse_leniently_like_dotnet() {
        assert_eq!(parse("  200- ", &EN_US), Some(-200.0));
        assert_eq!(parse("12,3,4,5678", &EN_US), Some(12_345_678.0));
        assert_eq!(parse("400.000", &DE_DE), Some(400_000.0));
        assert_eq!(parse("400,5", &DE_DE), Some(400.5));
        assert_eq!(parse("1 234,5", &FR_FR), Some(1234.5), "a space stands for the narrow no-break space");
        assert_eq!(parse("+.5", &EN_US), Some(0.5));
        assert_eq!(parse("1e", &EN_US), None, "an exponent needs digits");
        assert_eq!(parse("- 5", &EN_US), None, "no space after a leading sign");
        assert_eq!(parse("(200)", &EN_US), None);
        assert_eq!(parse(",5", &EN_US), None, "a group separator needs a digit before it");
        assert_eq!(parse("111.222.333", &INVARIANT), None);
        assert_eq!(parse("1e400", &EN_US), Some(f64::INFINITY));
        assert_eq!(parse("infINITY", &INVARIANT), Some(f64::INFINITY));
        assert_eq!(parse("Infinity", &EN_US), None, "en-US spells infinity ∞");
        assert_eq!(parse("-∞", &EN_US), Some(f64::NEG_INFINITY));
        assert!(parse("-nan", &EN_US).is_some_and(f64::is_nan));
    }

    #[test]
    fn decimals_keep_scale_and_round_excess_digits() {
        let dec = |s: &str| {
            let n = parse_number(s, NUMBER_STYLES, &INVARIANT)?;
            decimal_from_parts(n.negative, &n.digits, n.exponent).map(|d| d.to_string())
        };
        assert_eq!(dec("5.0000").as_deref(), Some("5.0000"));
        assert_eq!(dec("  200- ").as_deref(), Some("-200"));
        assert_eq!(dec("-0.00").as_deref(), Some("0.00"));
        assert_eq!(dec("70000000000000000000000000000").as_deref(), Some("70000000000000000000000000000"));
        assert_eq!(dec("80000000000000000000000000000"), None);
        assert_eq!(dec("0.12345678901234567890123456785").as_deref(), Some("0.1234567890123456789012345678"));
        assert_eq!(dec("1.23456789012345678901234567891234").as_deref(), Some("1.2345678901234567890123456789"));
        assert_eq!(dec("3e5"), None);
        assert_eq!(decimal_from_f64(0.1).map(|d| d.to_string()).as_deref(), Some("0.1"));
        assert_eq!(decimal_from_f64(5.0).map(|d| d.to_string()).as_deref(), Some("5"));
        assert_eq!(decimal_from_f64(1e30), None);
    }

    #[test]
    fn json_keeps_the_last_duplicate_at_its_last_position() {
        let v = parse_json(r#"{"a": 1, "b": -1, "a": 2}"#).unwrap();
        assert_eq!(v.to_compact_json(), r#"{"b":-1,"a":2}"#);
        assert_eq!(parse_json("[1, 1.0, 1e2, 99999999999999999999]").unwrap().to_compact_json(), "[1,1.0,100.0,1E+20]");
        assert_eq!(parse_json(r#""\ud83d\ude00\u00e9""#).unwrap(), Val::String("😀é".into()));
        for bad in ["", "{", "[1,]", "{'a':1}", "01", "1.", "tru", "[1] x", "\"a\u{1}\""] {
            assert!(parse_json(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse_json(&deep).is_err());
    }

    #[test]
    fn integers_go_through_doubles() {
        assert_eq!(integer_of_f64(1.0), Some(1));
        assert_eq!(integer_of_f64(1.5), None);
        assert_eq!(integer_of_f64(9_223_372_036_854_775_807.0), None);
        assert_eq!(integer_of_f64(-9_223_372_036_854_775_808.0), Some(i64::MIN));
        assert_eq!(integer_of_f64(f64::INFINITY), None);
    }

    fn eval(expr: &str) -> Result<Val, EvalError> {
        let (clock, guids) = (crate::env::FixedClock(std::time::UNIX_EPOCH), crate::env::SequentialGuids::default());
        let env = crate::env::Env { scope: &crate::env::EmptyScope, clock: &clock, guids: &guids };
        crate::eval::evaluate_template(expr, &env)
    }

    #[test]
    fn conversion_functions() {
        assert_eq!(eval("@bool(' TRUE ')").unwrap(), Val::Bool(true));
        assert!(eval("@bool('1')").is_err());
        assert_eq!(eval("@int('1e3')").unwrap(), Val::Int(1000));
        assert_eq!(eval("@int('NaN')").unwrap(), Val::Int(i64::MIN), "the runtime converts NaN so");
        assert_eq!(eval("@float('1.234,5', 'de-DE')").unwrap(), Val::Float(1234.5));
        assert!(eval("@float('1', 'xx-YY')").is_err());
        assert_eq!(eval("@string(decimal('1,000.50'))").unwrap(), Val::String("1000.50".into()));
        assert_eq!(eval("@string(decimal(0.1))").unwrap(), Val::String("0.1".into()));
        assert_eq!(eval("@string(binary('héllo'))").unwrap(), Val::String("héllo".into()), "binary content decodes");
        assert_eq!(eval("@string(json('[1,null]'))").unwrap(), Val::String("[1,null]".into()));
        assert_eq!(eval("@array('a')").unwrap().to_compact_json(), r#"["a"]"#);
        assert!(eval("@json(1)").is_err());
        assert!(eval("@json('{')").unwrap_err().message.contains("cannot be parsed"));
    }

    #[test]
    fn float_formatting_is_unchanged_by_parsing() {
        assert_eq!(format_float(parse("5e-324", &EN_US).unwrap()), "5E-324");
    }
}
