//! String functions (§2.1) with the runtime's .NET semantics: lengths and indexes count UTF-16
//! code units, searches are ordinal and case-insensitive, case mapping is the invariant
//! culture's, and `formatNumber` is .NET's `ToString(format, culture)` (see `number_format`).

use super::conversion::{
    culture_arg, parse_double, parse_number, text_of, ParsedNumber, EN_US, FLOAT_STYLES, INTEGER_STYLES, INVARIANT,
};
use super::{opt, req, rest, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "concat", group: Group::String, params: &[req("text1", "string"), rest("text", "string")], returns: "string", description: "The texts joined together; other values are converted to text first.", implementation: Eager(concat) },
    Function { name: "substring", group: Group::String, params: &[req("text", "string"), req("startIndex", "integer"), opt("length", "integer")], returns: "string", description: "length characters from startIndex (to the end without length); fails if the range leaves the text.", implementation: Eager(substring) },
    Function { name: "slice", group: Group::String, params: &[req("text", "string"), req("startIndex", "integer"), opt("endIndex", "integer")], returns: "string", description: "The text from startIndex up to (not including) endIndex; negative indexes count from the end; never fails.", implementation: Eager(slice) },
    Function { name: "replace", group: Group::String, params: &[req("text", "string"), req("oldText", "string"), req("newText", "string")], returns: "string", description: "The text with every occurrence of oldText (case-sensitive, not a pattern) replaced by newText.", implementation: Eager(replace) },
    Function { name: "split", group: Group::String, params: &[req("text", "string"), req("delimiter", "string")], returns: "array", description: "The parts of the text between occurrences of the delimiter.", implementation: Eager(split) },
    Function { name: "indexOf", group: Group::String, params: &[req("text", "string"), req("searchText", "string")], returns: "integer", description: "The position of the first occurrence of searchText (case-insensitive), or -1.", implementation: Eager(index_of) },
    Function { name: "lastIndexOf", group: Group::String, params: &[req("text", "string"), req("searchText", "string")], returns: "integer", description: "The position of the last occurrence of searchText (case-insensitive), or -1.", implementation: Eager(last_index_of) },
    Function { name: "nthIndexOf", group: Group::String, params: &[req("text", "string"), req("searchText", "string"), req("occurrence", "integer")], returns: "integer", description: "The position of the nth occurrence of searchText (case-insensitive; negative n counts from the end), or -1.", implementation: Eager(nth_index_of) },
    Function { name: "startsWith", group: Group::String, params: &[req("text", "string"), req("searchText", "string")], returns: "boolean", description: "Whether the text starts with searchText (case-insensitive).", implementation: Eager(starts_with) },
    Function { name: "endsWith", group: Group::String, params: &[req("text", "string"), req("searchText", "string")], returns: "boolean", description: "Whether the text ends with searchText (case-insensitive).", implementation: Eager(ends_with) },
    Function { name: "toLower", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text in lower case (invariant culture).", implementation: Eager(to_lower) },
    Function { name: "toUpper", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text in upper case (invariant culture).", implementation: Eager(to_upper) },
    Function { name: "trim", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text without leading and trailing white space.", implementation: Eager(trim) },
    Function { name: "length", group: Group::String, params: &[req("collection", "string|array")], returns: "integer", description: "The number of characters in a string or items in an array.", implementation: Eager(length) },
    Function { name: "guid", group: Group::String, params: &[opt("format", "string")], returns: "string", description: "A new GUID, formatted N, D (default), B, P or X.", implementation: Eager(guid) },
    Function { name: "chunk", group: Group::String, params: &[req("collection", "string|array"), req("length", "integer")], returns: "array", description: "The string or array cut into pieces of the given length (the last may be shorter).", implementation: Eager(chunk) },
    Function { name: "isInt", group: Group::String, params: &[req("text", "string")], returns: "boolean", description: "Whether the text is an integer (sign, thousands separators and an exponent allowed).", implementation: Eager(is_int) },
    Function { name: "isFloat", group: Group::String, params: &[req("text", "string"), opt("locale", "string")], returns: "boolean", description: "Whether the text is a number in the locale (invariant by default).", implementation: Eager(is_float) },
    Function { name: "formatNumber", group: Group::String, params: &[req("number", "number"), req("format", "string"), opt("locale", "string")], returns: "string", description: "The number as text by a .NET numeric format ('C2', 'N0', 'P1', '0.00', '#,##0'…), in the locale (en-US by default).", implementation: Eager(format_number) },
    Function { name: "trimByteOrderMark", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text without a leading byte order mark.", implementation: Eager(trim_byte_order_mark) },
    Function { name: "encodeXmlValue", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text with XML's special characters escaped as entities.", implementation: Eager(encode_xml_value) },
    Function { name: "decodeXmlValue", group: Group::String, params: &[req("text", "string")], returns: "string", description: "The text with XML entities and character references decoded.", implementation: Eager(decode_xml_value) },
    Function { name: "encodeXmlName", group: Group::String, params: &[req("name", "string")], returns: "string", description: "The name made a valid XML name: other characters become _xHHHH_.", implementation: Eager(encode_xml_name) },
    Function { name: "decodeXmlName", group: Group::String, params: &[req("name", "string")], returns: "string", description: "The name with _xHHHH_ escapes decoded.", implementation: Eager(decode_xml_name) },
    Function { name: "utf8Length", group: Group::String, params: &[req("text", "string")], returns: "integer", description: "The number of bytes of the text in UTF-8.", implementation: Eager(utf8_length) },
    Function { name: "utf16Length", group: Group::String, params: &[req("text", "string")], returns: "integer", description: "The number of UTF-16 code units of the text.", implementation: Eager(utf16_length) },
];

/// The runtime's limit on the length of a string result (LIMITS: 104,857,600 characters).
pub(super) const MAX_STRING_LENGTH: usize = 104_857_600;

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn utf16_units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Fails when a result would exceed the runtime's string length limit.
pub(super) fn check_string_length(a: &Args, units: usize) -> Result<(), EvalError> {
    if units > MAX_STRING_LENGTH {
        return Err(a.error(format!(
            "would produce a string of {units} characters, more than the limit of {MAX_STRING_LENGTH}."
        )));
    }
    Ok(())
}

fn concat(a: &Args) -> Result<Val, EvalError> {
    let mut out = String::new();
    for value in &a.values {
        out.push_str(&text_of(value));
        // UTF-8 bytes are never fewer than UTF-16 units: count units only when needed.
        if out.len() > MAX_STRING_LENGTH {
            check_string_length(a, utf16_len(&out))?;
        }
    }
    Ok(Val::String(out))
}

fn out_of_range(a: &Args) -> EvalError {
    a.error("parameters are out of range: 'start index' and 'length' must be non-negative integers and their sum must be no larger than the length of the string.")
}

fn substring(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let start = a.int(1)?;
    let units = utf16_units(text);
    let len = to_i64(units.len());
    let length = match a.get(2) {
        Some(_) => a.int(2)?,
        None => len.saturating_sub(start),
    };
    let end = start.checked_add(length).filter(|&end| start >= 0 && length >= 0 && end <= len).ok_or_else(|| out_of_range(a))?;
    Ok(Val::String(String::from_utf16_lossy(&units[start as usize..end as usize])))
}

fn slice(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let units = utf16_units(text);
    let len = to_i64(units.len());
    let from_end = |i: i64| if i < 0 { i.saturating_add(len) } else { i };
    let start = from_end(a.int(1)?);
    let end = match a.get(2) {
        Some(_) => from_end(a.int(2)?),
        None => len,
    };
    let (start, end) = (start.max(0), end.clamp(0, len));
    if start >= end {
        return Ok(Val::String(String::new()));
    }
    Ok(Val::String(String::from_utf16_lossy(&units[start as usize..end as usize])))
}

fn replace(a: &Args) -> Result<Val, EvalError> {
    let (text, old, new) = (a.string(0)?, a.string(1)?, a.string(2)?);
    if old.is_empty() {
        return Err(a.error("expects its second parameter to be a non-empty string: String cannot be of zero length. (Parameter 'oldValue')"));
    }
    let count = text.matches(old).count();
    let result_bytes = (text.len() - count * old.len()).saturating_add(count.saturating_mul(new.len()));
    if result_bytes > MAX_STRING_LENGTH {
        let units = (utf16_len(text) - count * utf16_len(old)).saturating_add(count.saturating_mul(utf16_len(new)));
        check_string_length(a, units)?;
    }
    Ok(Val::String(text.replace(old, new)))
}

fn split(a: &Args) -> Result<Val, EvalError> {
    let (text, delimiter) = (a.string(0)?, a.string(1)?);
    let parts = if delimiter.is_empty() {
        vec![Val::String(text.to_string())]
    } else {
        text.split(delimiter).map(|part| Val::String(part.to_string())).collect()
    };
    Ok(Val::Array(parts))
}

// ---------------------------------------------------------------------------------------------
// Case-insensitive search (.NET `OrdinalIgnoreCase`)

/// A character's simple upper-case mapping, as .NET's ordinal case folding uses it: no
/// mapping that would change the length, and the Turkish dotless/dotted i stay themselves.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    if matches!(c, '\u{131}' | '\u{130}') {
        return c;
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if u.len_utf16() == c.len_utf16() => u,
        _ => c,
    }
}

fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// A folded text with the UTF-16 position of byte offsets into it. Folding keeps every
/// character's UTF-16 length, so positions in the fold are positions in the original.
struct Folded {
    text: String,
}

impl Folded {
    fn new(s: &str) -> Self {
        Folded { text: fold(s) }
    }

    fn utf16_position(&self, byte: usize) -> i64 {
        to_i64(utf16_len(&self.text[..byte]))
    }

    /// The byte offset just after the character at `byte`.
    fn next_char(&self, byte: usize) -> usize {
        byte + self.text[byte..].chars().next().map_or(1, char::len_utf8)
    }
}

fn search_args<'v>(a: &'v Args) -> Result<(&'v str, &'v str), EvalError> {
    Ok((a.string(0)?, a.string(1)?))
}

fn index_of(a: &Args) -> Result<Val, EvalError> {
    let (text, search) = search_args(a)?;
    let hay = Folded::new(text);
    Ok(Val::Int(hay.text.find(&fold(search)).map_or(-1, |at| hay.utf16_position(at))))
}

/// An empty search text is found at the last character (0 in an empty text), as the
/// reference documents for the runtime.
fn last_index_of(a: &Args) -> Result<Val, EvalError> {
    let (text, search) = search_args(a)?;
    if search.is_empty() {
        return Ok(Val::Int((to_i64(utf16_len(text)) - 1).max(0)));
    }
    let hay = Folded::new(text);
    Ok(Val::Int(hay.text.rfind(&fold(search)).map_or(-1, |at| hay.utf16_position(at))))
}

/// Occurrences may overlap: after a match the search goes on from the next character.
fn nth_index_of(a: &Args) -> Result<Val, EvalError> {
    let (text, search) = search_args(a)?;
    let n = a.int(2)?;
    if n == 0 {
        return Err(a.error("expects its third parameter (the occurrence) to be a non-zero integer."));
    }
    if search.is_empty() {
        // The empty text occurs at every position, the end included.
        let len = to_i64(utf16_len(text));
        let position = if n > 0 { n - 1 } else { len + 1 + n };
        return Ok(Val::Int(if (0..=len).contains(&position) { position } else { -1 }));
    }
    let hay = Folded::new(text);
    let needle = fold(search);
    let mut found = 0;
    if n > 0 {
        let mut from = 0;
        for _ in 0..n {
            let Some(at) = hay.text.get(from..).and_then(|rest| rest.find(&needle)).map(|i| from + i) else {
                return Ok(Val::Int(-1));
            };
            found = at;
            from = hay.next_char(at);
        }
    } else {
        let mut end = hay.text.len();
        for _ in 0..n.unsigned_abs() {
            let Some(at) = hay.text.get(..end).and_then(|head| head.rfind(&needle)) else {
                return Ok(Val::Int(-1));
            };
            found = at;
            // The next match must start before this one; it may end inside it.
            let Some((previous_char, _)) = hay.text[..at].char_indices().next_back() else {
                end = 0;
                continue;
            };
            end = (previous_char + needle.len()).min(hay.text.len());
            while !hay.text.is_char_boundary(end) {
                end -= 1;
            }
        }
    }
    Ok(Val::Int(hay.utf16_position(found)))
}

fn starts_with(a: &Args) -> Result<Val, EvalError> {
    let (text, search) = search_args(a)?;
    Ok(Val::Bool(fold(text).starts_with(&fold(search))))
}

fn ends_with(a: &Args) -> Result<Val, EvalError> {
    let (text, search) = search_args(a)?;
    Ok(Val::Bool(fold(text).ends_with(&fold(search))))
}

// ---------------------------------------------------------------------------------------------
// Case, white space, length

fn text_arg<'v>(a: &'v Args) -> Result<&'v str, EvalError> {
    a.arg(0).as_str().ok_or_else(|| a.type_error(0, "a string"))
}

/// The invariant culture maps characters one to one and leaves the Turkish i's alone.
fn map_invariant(text: &str, map: fn(char) -> Option<char>) -> String {
    text.chars().map(|c| map(c).unwrap_or(c)).collect()
}

fn single<I: Iterator<Item = char>>(mut chars: I) -> Option<char> {
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn to_lower(a: &Args) -> Result<Val, EvalError> {
    let text = text_arg(a)?;
    Ok(Val::String(map_invariant(text, |c| if c == '\u{130}' { None } else { single(c.to_lowercase()) })))
}

fn to_upper(a: &Args) -> Result<Val, EvalError> {
    let text = text_arg(a)?;
    Ok(Val::String(map_invariant(text, |c| if c == '\u{131}' { None } else { single(c.to_uppercase()) })))
}

/// .NET's `Char.IsWhiteSpace` set is Unicode's White_Space, which is Rust's.
fn trim(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(a.string(0)?.trim().to_string()))
}

fn length(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::String(s) => Ok(Val::Int(to_i64(utf16_len(s)))),
        Val::Array(items) => Ok(Val::Int(to_i64(items.len()))),
        _ => Err(a.type_error(0, "an array or a string")),
    }
}

fn utf8_length(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(to_i64(a.string(0)?.len())))
}

fn utf16_length(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(to_i64(utf16_len(a.string(0)?))))
}

fn trim_byte_order_mark(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    Ok(Val::String(text.strip_prefix('\u{feff}').unwrap_or(text).to_string()))
}

// ---------------------------------------------------------------------------------------------
// GUIDs and chunks

/// `Guid.ToString(format)`: lower-case hex; the bytes are in text order.
fn guid(a: &Args) -> Result<Val, EvalError> {
    let format = match a.get(0) {
        Some(_) => a.string(0)?,
        None => "D",
    };
    let format = match format {
        "" => 'D',
        f if f.len() == 1 && "NDBPXndbpx".contains(f) => f.chars().next().unwrap_or('D').to_ascii_uppercase(),
        _ => {
            return Err(a.error(format!(
                "expects its first parameter to be one of the formats 'N', 'D', 'B', 'P' or 'X'. The provided value is '{format}'."
            )))
        }
    };
    let bytes = a.env.guids.next_guid();
    let hex = |range: std::ops::Range<usize>| bytes[range].iter().map(|b| format!("{b:02x}")).collect::<String>();
    let dashed = format!("{}-{}-{}-{}-{}", hex(0..4), hex(4..6), hex(6..8), hex(8..10), hex(10..16));
    let text = match format {
        'N' => hex(0..16),
        'B' => format!("{{{dashed}}}"),
        'P' => format!("({dashed})"),
        'X' => {
            let tail: Vec<String> = bytes[8..16].iter().map(|b| format!("0x{b:02x}")).collect();
            format!("{{0x{},0x{},0x{},{{{}}}}}", hex(0..4), hex(4..6), hex(6..8), tail.join(","))
        }
        _ => dashed,
    };
    Ok(Val::String(text))
}

fn chunk(a: &Args) -> Result<Val, EvalError> {
    let size = a.int(1)?;
    if size <= 0 {
        return Err(a.error(format!("expects its second parameter to be a positive integer. The provided value is '{size}'.")));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let pieces = match a.arg(0) {
        Val::String(s) => {
            utf16_units(s).chunks(size).map(|piece| Val::String(String::from_utf16_lossy(piece))).collect()
        }
        Val::Array(items) => items.chunks(size).map(|piece| Val::Array(piece.to_vec())).collect(),
        _ => return Err(a.type_error(0, "an array or a string")),
    };
    Ok(Val::Array(pieces))
}

// ---------------------------------------------------------------------------------------------
// Numbers in text

/// The integer a parsed number is, if it is one and fits 64 bits.
fn integer_value(number: &ParsedNumber) -> Option<i64> {
    let significant = number.digits.trim_start_matches('0');
    let digits = if number.exponent < 0 {
        let fraction = usize::try_from(number.exponent.unsigned_abs()).ok()?;
        if fraction >= significant.len() {
            return significant.is_empty().then_some(0);
        }
        let (integral, fractional) = significant.split_at(significant.len() - fraction);
        if fractional.bytes().any(|d| d != b'0') {
            return None;
        }
        integral.to_string()
    } else {
        if significant.is_empty() {
            return Some(0);
        }
        if significant.len() as i64 + number.exponent > 19 {
            return None;
        }
        format!("{significant}{}", "0".repeat(number.exponent as usize))
    };
    let magnitude: i128 = digits.parse().ok()?;
    i64::try_from(if number.negative { -magnitude } else { magnitude }).ok()
}

fn is_int(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    Ok(Val::Bool(parse_number(text, INTEGER_STYLES, &INVARIANT).as_ref().and_then(integer_value).is_some()))
}

fn is_float(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let culture = culture_arg(a, 1, &INVARIANT)?;
    Ok(Val::Bool(parse_double(text, FLOAT_STYLES, culture).is_some()))
}

fn format_number(a: &Args) -> Result<Val, EvalError> {
    let value = a.arg(0);
    if !value.is_number() {
        return Err(a.type_error(0, "a number"));
    }
    let format = a.string(1)?;
    let culture = culture_arg(a, 2, &EN_US)?;
    let text = number_format::format(value, format, culture).map_err(|e| a.error(e))?;
    check_string_length(a, utf16_len(&text))?;
    Ok(Val::String(text))
}

// ---------------------------------------------------------------------------------------------
// XML text

fn encode_xml_value(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    Ok(Val::String(out))
}

fn decode_xml_value(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 12).and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let code = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => entity.strip_prefix('#').and_then(|dec| dec.parse().ok()),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Ok(Val::String(out))
}

fn is_name_start_char(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c) || c.is_numeric() || matches!(c, '-' | '.' | '\u{b7}') || ('\u{300}'..='\u{36f}').contains(&c)
}

/// `_xHHHH_` (or `_xHHHHHHHH_`) at the start of `s`, with its length in bytes.
fn name_escape_at(s: &str) -> Option<(char, usize)> {
    let body = s.strip_prefix("_x")?;
    for width in [4, 8] {
        let hex = body.get(..width)?;
        if hex.bytes().all(|b| b.is_ascii_hexdigit()) && body[width..].starts_with('_') {
            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
            return Some((c, width + 3));
        }
    }
    None
}

/// `XmlConvert.EncodeName`: characters that cannot be in an XML name become `_xHHHH_`, and
/// an underscore that would read as such an escape is escaped itself.
fn encode_xml_name(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        let valid = if i == 0 { is_name_start_char(c) } else { is_name_char(c) };
        let looks_like_escape = c == '_' && name_escape_at(&name[i..]).is_some();
        if valid && !looks_like_escape {
            out.push(c);
        } else if (c as u32) > 0xFFFF {
            out.push_str(&format!("_x{:08X}_", c as u32));
        } else {
            out.push_str(&format!("_x{:04X}_", c as u32));
        }
    }
    Ok(Val::String(out))
}

fn decode_xml_name(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        if let Some((c, len)) = name_escape_at(&name[i..]) {
            out.push(c);
            i += len;
        } else {
            let c = name[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    Ok(Val::String(out))
}

// ---------------------------------------------------------------------------------------------

/// .NET's numeric formatting (`Number.Formatting`), standard and custom format strings.
///
/// Numbers become digit strings first, as .NET's `NumberBuffer`: integers and decimals
/// exactly; doubles exactly too for the standard formats (correctly rounded, ties to even, as
/// .NET Core 3.0+ does), but to 15 significant digits for custom formats, which then round
/// half away from zero, like integers and decimals everywhere.
mod number_format {
    use rust_decimal::Decimal;

    use super::super::conversion::Culture;
    use crate::value::Val;

    /// The largest precision accepted (`F999`), so a format cannot ask for gigabytes.
    const MAX_PRECISION: usize = 999;

    const CURRENCY_POSITIVE: [&str; 4] = ["$n", "n$", "$ n", "n $"];
    const CURRENCY_NEGATIVE: [&str; 17] = [
        "($n)", "-$n", "$-n", "$n-", "(n$)", "-n$", "n-$", "n$-", "-n $", "-$ n", "n $-", "$ n-", "$ -n", "n- $", "($ n)", "(n $)",
        "$- n",
    ];
    const PERCENT_POSITIVE: [&str; 4] = ["n %", "n%", "%n", "% n"];
    const PERCENT_NEGATIVE: [&str; 12] = ["-n %", "-n%", "-%n", "%-n", "%n-", "n-%", "n%-", "-% n", "n %-", "% n-", "% -n", "n- %"];

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Kind {
        Integer,
        Decimal,
        Float,
    }

    #[derive(Clone, Copy)]
    enum Rounding {
        /// Exact digits of a double: ties go to the even digit.
        HalfEven,
        HalfAwayFromZero,
    }

    /// `0.d₁d₂d₃… × 10^scale`; digits without trailing zeros; zero has no digits.
    #[derive(Clone, Debug)]
    struct Digits {
        negative: bool,
        digits: Vec<u8>,
        scale: i64,
        kind: Kind,
    }

    impl Digits {
        /// From ASCII digits whose first one has `scale` digits before the point.
        fn new(negative: bool, text: &str, scale: i64, kind: Kind) -> Digits {
            let trimmed = text.trim_start_matches('0');
            let scale = scale - (text.len() - trimmed.len()) as i64;
            let digits: Vec<u8> = trimmed.trim_end_matches('0').bytes().map(|b| b - b'0').collect();
            let mut number = Digits { negative, digits, scale, kind };
            if number.is_zero() {
                number.make_zero();
            }
            number
        }

        fn of_i64(i: i64) -> Digits {
            let text = i.unsigned_abs().to_string();
            Digits::new(i < 0, &text, text.len() as i64, Kind::Integer)
        }

        fn of_decimal(d: &Decimal) -> Digits {
            let text = d.mantissa().unsigned_abs().to_string();
            Digits::new(d.is_sign_negative(), &text, text.len() as i64 - i64::from(d.scale()), Kind::Decimal)
        }

        /// Every digit of a finite double's exact value.
        fn of_f64_exact(f: f64) -> Digits {
            let (text, exponent) = exact_decimal(f.abs());
            Digits::new(f.is_sign_negative(), &text, text.len() as i64 + exponent, Kind::Float)
        }

        /// The shortest digits that read back as the same double.
        fn of_f64_shortest(f: f64) -> Digits {
            let scientific = format!("{:e}", f.abs());
            let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
            let exponent: i64 = exponent.parse().unwrap_or(0);
            let text: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            Digits::new(f.is_sign_negative(), &text, exponent + 1, Kind::Float)
        }

        fn is_zero(&self) -> bool {
            self.digits.is_empty()
        }

        /// Zero keeps its sign only as a double (`-0`), as in .NET Core.
        fn make_zero(&mut self) {
            self.digits.clear();
            self.scale = 0;
            if self.kind != Kind::Float {
                self.negative = false;
            }
        }

        /// Keeps `keep` digits from the first, rounding off the rest.
        fn round(&mut self, keep: i64, rounding: Rounding) {
            if keep < 0 {
                self.make_zero();
                return;
            }
            let keep = usize::try_from(keep).unwrap_or(usize::MAX);
            if keep >= self.digits.len() {
                return;
            }
            let first_dropped = self.digits[keep];
            let round_up = match rounding {
                Rounding::HalfAwayFromZero => first_dropped >= 5,
                Rounding::HalfEven => {
                    first_dropped > 5
                        || (first_dropped == 5
                            && (self.digits[keep + 1..].iter().any(|&d| d != 0)
                                || keep.checked_sub(1).is_some_and(|i| self.digits[i] % 2 == 1)))
                }
            };
            self.digits.truncate(keep);
            if round_up {
                let mut i = keep;
                loop {
                    if i == 0 {
                        self.digits.insert(0, 1);
                        self.scale += 1;
                        break;
                    }
                    i -= 1;
                    if self.digits[i] == 9 {
                        self.digits[i] = 0;
                    } else {
                        self.digits[i] += 1;
                        break;
                    }
                }
            }
            while self.digits.last() == Some(&0) {
                self.digits.pop();
            }
            if self.is_zero() {
                self.make_zero();
            }
        }

        fn digit(&self, i: i64) -> char {
            usize::try_from(i).ok().and_then(|i| self.digits.get(i)).map_or('0', |d| char::from(b'0' + d))
        }
    }

    /// The exact decimal digits of a non-negative finite double and the power of ten they are
    /// scaled by: `value = digits × 10^exponent`.
    fn exact_decimal(f: f64) -> (String, i64) {
        let bits = f.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, exponent2) = if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
        if mantissa == 0 {
            return (String::new(), 0);
        }
        // m × 2^e = m × 2^e (e ≥ 0), or m × 5^-e × 10^e (e < 0).
        let mut big = BigDecimalDigits::new(mantissa);
        if exponent2 >= 0 {
            big.multiply_by_power(2, exponent2 as u32);
            (big.to_text(), 0)
        } else {
            big.multiply_by_power(5, exponent2.unsigned_abs() as u32);
            (big.to_text(), exponent2)
        }
    }

    /// An unsigned integer in base 10⁹ limbs, least significant first: just enough arithmetic
    /// for exact double expansion.
    struct BigDecimalDigits(Vec<u32>);

    impl BigDecimalDigits {
        const BASE: u64 = 1_000_000_000;

        fn new(mut n: u64) -> Self {
            let mut limbs = Vec::new();
            while n > 0 {
                limbs.push((n % Self::BASE) as u32);
                n /= Self::BASE;
            }
            BigDecimalDigits(limbs)
        }

        fn multiply(&mut self, factor: u32) {
            let mut carry: u64 = 0;
            for limb in &mut self.0 {
                let product = u64::from(*limb) * u64::from(factor) + carry;
                *limb = (product % Self::BASE) as u32;
                carry = product / Self::BASE;
            }
            while carry > 0 {
                self.0.push((carry % Self::BASE) as u32);
                carry /= Self::BASE;
            }
        }

        /// Multiplies by `base^power` (base 2 or 5), in steps that keep products within u64.
        fn multiply_by_power(&mut self, base: u32, mut power: u32) {
            let (step, step_power) = if base == 2 { (1u32 << 29, 29) } else { (1_220_703_125u32, 13) };
            while power >= step_power {
                self.multiply(step);
                power -= step_power;
            }
            if power > 0 {
                self.multiply(base.pow(power));
            }
        }

        fn to_text(&self) -> String {
            let mut limbs = self.0.iter().rev();
            let mut text = limbs.next().map(u32::to_string).unwrap_or_default();
            for limb in limbs {
                text.push_str(&format!("{limb:09}"));
            }
            text
        }
    }

    fn digits_of(value: &Val) -> Option<Digits> {
        match value {
            Val::Int(i) => Some(Digits::of_i64(*i)),
            Val::Decimal(d) => Some(Digits::of_decimal(d)),
            Val::Float(f) => Some(Digits::of_f64_exact(*f)),
            _ => None,
        }
    }

    fn rounding_for(kind: Kind) -> Rounding {
        if kind == Kind::Float {
            Rounding::HalfEven
        } else {
            Rounding::HalfAwayFromZero
        }
    }

    /// The number with `decimals` fractional digits, after multiplying by `10^shift`.
    fn with_decimals(value: &Val, decimals: usize, shift: i64) -> Option<Digits> {
        let mut d = digits_of(value)?;
        if !d.is_zero() {
            d.scale += shift;
        }
        let keep = d.scale + decimals as i64;
        d.round(keep, rounding_for(d.kind));
        Some(d)
    }

    fn with_significant(value: &Val, significant: usize) -> Option<Digits> {
        let mut d = digits_of(value)?;
        d.round(significant as i64, rounding_for(d.kind));
        Some(d)
    }

    fn non_finite(f: f64, culture: &Culture) -> String {
        if f.is_nan() {
            culture.nan_symbol.to_string()
        } else if f > 0.0 {
            culture.positive_infinity.to_string()
        } else {
            culture.negative_infinity.to_string()
        }
    }

    /// A standard format: a letter and an optional precision of up to 9 digits.
    fn standard(format: &str) -> Option<(char, Option<usize>)> {
        let mut chars = format.chars();
        let letter = chars.next().filter(char::is_ascii_alphabetic)?;
        let rest = chars.as_str();
        if rest.is_empty() {
            return Some((letter, None));
        }
        (rest.len() <= 9 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| (letter, rest.parse().ok()))
    }

    /// `value.ToString(format, culture)`.
    pub(super) fn format(value: &Val, format: &str, culture: &Culture) -> Result<String, String> {
        if let Val::Float(f) = value {
            if !f.is_finite() {
                return Ok(non_finite(*f, culture));
            }
        }
        let Some((letter, precision)) = (if format.is_empty() { Some(('G', None)) } else { standard(format) }) else {
            return custom(value, format, culture).ok_or_else(|| "expects a number.".to_string());
        };
        if precision.is_some_and(|p| p > MAX_PRECISION) {
            return Err(format!("supports precisions up to {MAX_PRECISION}; the format '{format}' asks for more."));
        }
        let invalid = || {
            format!(
                "expects a valid numeric format: '{format}' is not a format for a value of type '{}' (Format specifier was invalid).",
                value.type_name()
            )
        };
        let integer = match value {
            Val::Int(i) => Some(*i),
            _ => None,
        };
        let upper = letter.to_ascii_uppercase();
        let text = match (upper, integer) {
            ('C', _) => {
                let decimals = precision.unwrap_or(culture.currency_decimals);
                let d = with_decimals(value, decimals, 0).ok_or_else(invalid)?;
                let body = fixed(&d, decimals, true, culture);
                let pattern = if d.negative {
                    CURRENCY_NEGATIVE.get(culture.currency_negative_pattern)
                } else {
                    CURRENCY_POSITIVE.get(culture.currency_positive_pattern)
                };
                apply_pattern(pattern.copied().unwrap_or("-$n"), &body, culture)
            }
            ('F' | 'N', _) => {
                let decimals = precision.unwrap_or(2);
                let d = with_decimals(value, decimals, 0).ok_or_else(invalid)?;
                signed(&d, fixed(&d, decimals, upper == 'N', culture), culture)
            }
            ('P', _) => {
                let decimals = precision.unwrap_or(2);
                let d = with_decimals(value, decimals, 2).ok_or_else(invalid)?;
                let body = fixed(&d, decimals, true, culture);
                let pattern = if d.negative {
                    PERCENT_NEGATIVE.get(culture.percent_negative_pattern)
                } else {
                    PERCENT_POSITIVE.get(culture.percent_positive_pattern)
                };
                apply_pattern(pattern.copied().unwrap_or("-n%"), &body, culture)
            }
            ('E', _) => {
                let decimals = precision.unwrap_or(6);
                let d = with_significant(value, decimals + 1).ok_or_else(invalid)?;
                signed(&d, scientific(&d, Some(decimals), letter, 3, culture), culture)
            }
            ('G', _) => general(value, precision.filter(|&p| p > 0), letter, culture).ok_or_else(invalid)?,
            ('R', _) if matches!(value, Val::Float(_)) => general(value, None, 'E', culture).ok_or_else(invalid)?,
            ('D', Some(i)) => {
                let digits = format!("{:0>width$}", i.unsigned_abs(), width = precision.unwrap_or(0));
                if i < 0 {
                    format!("{}{digits}", culture.negative_sign)
                } else {
                    digits
                }
            }
            // Hexadecimal and binary show the two's complement of negative numbers.
            ('X', Some(i)) => {
                let hex = if letter == 'x' { format!("{:x}", i as u64) } else { format!("{:X}", i as u64) };
                format!("{hex:0>width$}", width = precision.unwrap_or(0))
            }
            ('B', Some(i)) => format!("{:0>width$b}", i as u64, width = precision.unwrap_or(0)),
            _ => return Err(invalid()),
        };
        Ok(text)
    }

    /// `G`: the shortest of fixed or scientific notation; without a precision, doubles give
    /// their shortest round-trip digits and decimals keep their scale.
    fn general(value: &Val, precision: Option<usize>, letter: char, culture: &Culture) -> Option<String> {
        let (d, max_digits) = match (value, precision) {
            (Val::Decimal(dec), None) => {
                let text = dec.to_string();
                let text = text.replacen('-', culture.negative_sign, 1).replacen('.', culture.decimal_separator, 1);
                return Some(text);
            }
            (Val::Float(f), None) => {
                let d = Digits::of_f64_shortest(*f);
                let max = d.digits.len().max(15) as i64;
                (d, max)
            }
            (Val::Int(i), None) => (Digits::of_i64(*i), 19),
            (_, Some(p)) => (with_significant(value, p)?, p as i64),
            _ => return None,
        };
        let exponent_char = if letter.is_ascii_lowercase() { 'e' } else { 'E' };
        let body = if !d.is_zero() && (d.scale > max_digits || d.scale < -3) {
            scientific(&d, None, exponent_char, 2, culture)
        } else {
            let mut text = if d.scale > 0 { (0..d.scale).map(|i| d.digit(i)).collect() } else { "0".to_string() };
            if (d.digits.len() as i64) > d.scale {
                text.push_str(culture.decimal_separator);
                if d.scale < 0 {
                    text.push_str(&"0".repeat(d.scale.unsigned_abs() as usize));
                }
                text.extend((d.scale.max(0)..d.digits.len() as i64).map(|i| d.digit(i)));
            }
            text
        };
        Some(signed(&d, body, culture))
    }

    fn signed(d: &Digits, body: String, culture: &Culture) -> String {
        if d.negative {
            format!("{}{body}", culture.negative_sign)
        } else {
            body
        }
    }

    fn group(integer: &str, separator: &str) -> String {
        let len = integer.len();
        let mut out = String::with_capacity(len + len / 3 * separator.len());
        for (i, c) in integer.chars().enumerate() {
            if i > 0 && (len - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }

    /// Fixed-point digits with exactly `decimals` fractional digits.
    fn fixed(d: &Digits, decimals: usize, grouped: bool, culture: &Culture) -> String {
        let integer: String = if d.scale > 0 { (0..d.scale).map(|i| d.digit(i)).collect() } else { "0".to_string() };
        let mut text = if grouped { group(&integer, culture.group_separator) } else { integer };
        if decimals > 0 {
            text.push_str(culture.decimal_separator);
            text.extend((0..decimals as i64).map(|k| if d.scale + k < 0 { '0' } else { d.digit(d.scale + k) }));
        }
        text
    }

    /// `d.ddd E+xxx`: `decimals` fractional digits (all the digits when `None`) and an exponent
    /// of at least `exponent_digits` digits with its sign.
    fn scientific(d: &Digits, decimals: Option<usize>, exponent_char: char, exponent_digits: usize, culture: &Culture) -> String {
        let mut text = d.digit(0).to_string();
        let decimals = decimals.unwrap_or(d.digits.len().saturating_sub(1));
        if decimals > 0 {
            text.push_str(culture.decimal_separator);
            text.extend((1..=decimals as i64).map(|i| d.digit(i)));
        }
        let exponent = if d.is_zero() { 0 } else { d.scale - 1 };
        text.push(exponent_char);
        text.push_str(if exponent < 0 { culture.negative_sign } else { culture.positive_sign });
        text.push_str(&format!("{:0>width$}", exponent.unsigned_abs(), width = exponent_digits));
        text
    }

    /// A currency or percent pattern: `n` the number, `$` the currency symbol, `%` the
    /// percent sign, `-` the negative sign.
    fn apply_pattern(pattern: &str, number: &str, culture: &Culture) -> String {
        let mut out = String::new();
        for c in pattern.chars() {
            match c {
                'n' => out.push_str(number),
                '$' => out.push_str(culture.currency_symbol),
                '-' => out.push_str(culture.negative_sign),
                other => out.push(other),
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Custom formats (`0`, `#`, `.`, `,`, `%`, `‰`, `E+0`, quotes, `\`, `;` sections)

    /// What one section of a custom format asks for (.NET's first pass over the section).
    struct Section {
        digit_count: i64,
        decimal_pos: i64,
        first_digit: i64,
        last_digit: i64,
        thousand_seps: bool,
        scale_adjust: i64,
        scientific: bool,
    }

    /// The start of section `n` (0, 1 or 2); the first section when it is missing or empty.
    fn find_section(format: &[char], n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let mut remaining = n;
        let mut i = 0;
        while i < format.len() {
            let c = format[i];
            i += 1;
            match c {
                '\'' | '"' => {
                    while i < format.len() && format[i] != c {
                        i += 1;
                    }
                    i += 1;
                }
                '\\' => i += 1,
                ';' => {
                    remaining -= 1;
                    if remaining == 0 {
                        return if i < format.len() && format[i] != ';' { i } else { 0 };
                    }
                }
                _ => {}
            }
        }
        0
    }

    fn scan_section(format: &[char], start: usize) -> Section {
        let (mut digit_count, mut decimal_pos, mut first_digit, mut last_digit) = (0i64, -1i64, i64::MAX, 0i64);
        let (mut thousand_pos, mut thousand_count, mut thousand_seps) = (-1i64, 0i64, false);
        let (mut scale_adjust, mut scientific) = (0i64, false);
        let mut i = start;
        while i < format.len() {
            let c = format[i];
            i += 1;
            match c {
                ';' => break,
                '#' => digit_count += 1,
                '0' => {
                    if first_digit == i64::MAX {
                        first_digit = digit_count;
                    }
                    digit_count += 1;
                    last_digit = digit_count;
                }
                '.' if decimal_pos < 0 => decimal_pos = digit_count,
                // Commas between digit placeholders group; commas right before the point scale.
                ',' if digit_count > 0 && decimal_pos < 0 => {
                    if thousand_pos >= 0 {
                        if thousand_pos == digit_count {
                            thousand_count += 1;
                            continue;
                        }
                        thousand_seps = true;
                    }
                    thousand_pos = digit_count;
                    thousand_count = 1;
                }
                '%' => scale_adjust += 2,
                '\u{2030}' => scale_adjust += 3,
                '\'' | '"' => {
                    while i < format.len() && format[i] != c {
                        i += 1;
                    }
                    i += 1;
                }
                '\\' => i += 1,
                'E' | 'e' => {
                    let zero_next = format.get(i) == Some(&'0');
                    let signed_zero = matches!(format.get(i), Some('+' | '-')) && format.get(i + 1) == Some(&'0');
                    if zero_next || signed_zero {
                        i += 1;
                        while format.get(i) == Some(&'0') {
                            i += 1;
                        }
                        scientific = true;
                    }
                }
                _ => {}
            }
        }
        if decimal_pos < 0 {
            decimal_pos = digit_count;
        }
        if thousand_pos >= 0 {
            if thousand_pos == decimal_pos {
                // Commas right before the point scale the number down by thousands.
                scale_adjust -= thousand_count * 3;
            } else {
                thousand_seps = true;
            }
        }
        Section { digit_count, decimal_pos, first_digit, last_digit, thousand_seps, scale_adjust, scientific }
    }

    /// .NET's `NumberToStringFormat`.
    fn custom(value: &Val, format: &str, culture: &Culture) -> Option<String> {
        let mut number = match value {
            Val::Float(f) => {
                let mut d = Digits::of_f64_exact(*f);
                d.round(15, Rounding::HalfEven);
                d
            }
            other => digits_of(other)?,
        };
        let format: Vec<char> = format.chars().collect();
        let mut section = find_section(&format, if number.is_zero() { 2 } else if number.negative { 1 } else { 0 });
        let info = loop {
            let info = scan_section(&format, section);
            if number.is_zero() {
                number.make_zero();
            } else {
                number.scale = number.scale.saturating_add(info.scale_adjust);
                let keep = if info.scientific {
                    info.digit_count
                } else {
                    number.scale.saturating_add(info.digit_count).saturating_sub(info.decimal_pos)
                };
                number.round(keep, Rounding::HalfAwayFromZero);
                if number.is_zero() {
                    // Rounded to zero: the zero section applies, if there is one.
                    let zero_section = find_section(&format, 2);
                    if zero_section != section {
                        section = zero_section;
                        continue;
                    }
                }
            }
            break info;
        };
        Some(write_section(&number, &format, section, &info, culture))
    }

    fn write_section(number: &Digits, format: &[char], section: usize, info: &Section, culture: &Culture) -> String {
        let Section { digit_count, decimal_pos, first_digit, last_digit, mut thousand_seps, scientific, .. } = *info;
        let mut scientific = scientific;
        let first_digit = if first_digit < decimal_pos { decimal_pos - first_digit } else { 0 };
        let last_digit = if last_digit > decimal_pos { decimal_pos - last_digit } else { 0 };
        let (mut dig_pos, mut adjust) = if scientific {
            (decimal_pos, 0)
        } else {
            (number.scale.max(decimal_pos), number.scale - decimal_pos)
        };

        // Where group separators go, counted in digits left of the point (a stack: the
        // highest position is used first).
        let mut separators: Vec<i64> = Vec::new();
        if thousand_seps && culture.group_separator.is_empty() {
            thousand_seps = false;
        }
        if thousand_seps {
            let total_digits = dig_pos + adjust.min(0);
            let num_digits = first_digit.max(total_digits);
            let mut position = 3;
            while num_digits > position {
                separators.push(position);
                position += 3;
            }
        }

        let mut out = String::new();
        // A negative number takes a sign only in the first section (the others are written
        // for negatives); a double that rounded to zero keeps it (.NET Core's `-0`).
        if number.negative && section == 0 {
            out.push_str(culture.negative_sign);
        }
        let mut next_digit = 0i64;
        let mut decimal_written = false;
        let push_digit = |out: &mut String, c: char, dig_pos: i64, separators: &mut Vec<i64>| {
            out.push(c);
            if thousand_seps && dig_pos > 1 && separators.last() == Some(&(dig_pos - 1)) {
                out.push_str(culture.group_separator);
                separators.pop();
            }
        };
        let has_digit = |i: i64| (i as usize) < number.digits.len();

        let mut i = section;
        while i < format.len() {
            let c = format[i];
            i += 1;
            if c == ';' {
                break;
            }
            if adjust > 0 && matches!(c, '#' | '0' | '.') {
                // Integer digits beyond the format's placeholders all go before the first one.
                while adjust > 0 {
                    let digit = number.digit(next_digit);
                    if has_digit(next_digit) {
                        next_digit += 1;
                    }
                    push_digit(&mut out, digit, dig_pos, &mut separators);
                    dig_pos -= 1;
                    adjust -= 1;
                }
            }
            match c {
                '#' | '0' => {
                    let digit = if adjust < 0 {
                        adjust += 1;
                        (dig_pos <= first_digit).then_some('0')
                    } else if has_digit(next_digit) {
                        next_digit += 1;
                        Some(number.digit(next_digit - 1))
                    } else {
                        (dig_pos > last_digit).then_some('0')
                    };
                    if let Some(digit) = digit {
                        push_digit(&mut out, digit, dig_pos, &mut separators);
                    }
                    dig_pos -= 1;
                }
                '.' => {
                    if dig_pos == 0 && !decimal_written && (last_digit < 0 || (decimal_pos < digit_count && has_digit(next_digit))) {
                        out.push_str(culture.decimal_separator);
                        decimal_written = true;
                    }
                }
                '\u{2030}' => out.push('\u{2030}'),
                '%' => out.push('%'),
                ',' => {}
                '\'' | '"' => {
                    while i < format.len() && format[i] != c {
                        out.push(format[i]);
                        i += 1;
                    }
                    i += 1;
                }
                '\\' => {
                    if let Some(&escaped) = format.get(i) {
                        out.push(escaped);
                        i += 1;
                    }
                }
                'E' | 'e' => {
                    let next = format.get(i).copied();
                    let after = format.get(i + 1).copied();
                    if scientific && (next == Some('0') || (matches!(next, Some('+' | '-')) && after == Some('0'))) {
                        let always_sign = next == Some('+');
                        if matches!(next, Some('+' | '-')) {
                            i += 1;
                        }
                        let mut exponent_digits = 0usize;
                        while format.get(i) == Some(&'0') {
                            i += 1;
                            exponent_digits += 1;
                        }
                        let exponent = if number.is_zero() { 0 } else { number.scale - decimal_pos };
                        out.push(c);
                        if exponent < 0 {
                            out.push_str(culture.negative_sign);
                        } else if always_sign {
                            out.push_str(culture.positive_sign);
                        }
                        out.push_str(&format!("{:0>width$}", exponent.unsigned_abs(), width = exponent_digits.min(10)));
                        scientific = false;
                    } else {
                        out.push(c);
                        if matches!(next, Some('+' | '-')) {
                            out.push(format[i]);
                            i += 1;
                        }
                        while format.get(i) == Some(&'0') {
                            out.push('0');
                            i += 1;
                        }
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::super::super::conversion::{culture, EN_US, INVARIANT};
        use super::*;

        fn f(value: Val, format: &str) -> String {
            super::format(&value, format, &EN_US).unwrap()
        }

        #[test]
        fn exact_digits_of_doubles() {
            let text = |d: Digits| d.digits.iter().map(|d| char::from(b'0' + d)).collect::<String>();
            let half = Digits::of_f64_exact(0.5);
            assert_eq!((text(half.clone()), half.scale), ("5".to_string(), 0));
            let two = Digits::of_f64_exact(2.0);
            assert_eq!((text(two.clone()), two.scale), ("2".to_string(), 1));
            let tenth = Digits::of_f64_exact(0.1);
            assert_eq!(text(tenth.clone()), "1000000000000000055511151231257827021181583404541015625");
            assert_eq!(tenth.scale, 0);
            assert_eq!(Digits::of_f64_exact(5e-324).digits.len(), 751);
            assert_eq!(Digits::of_f64_exact(f64::MAX).scale, 309);
        }

        #[test]
        fn standard_formats() {
            assert_eq!(f(Val::Float(17.35), "C2"), "$17.35");
            assert_eq!(f(Val::Float(-17.35), "C"), "-$17.35");
            assert_eq!(f(Val::Int(1234567), "N"), "1,234,567.00");
            assert_eq!(f(Val::Int(1234567), "N0"), "1,234,567");
            assert_eq!(f(Val::Float(0.1234), "P1"), "12.3%");
            assert_eq!(f(Val::Float(12345.6789), "E2"), "1.23E+004");
            assert_eq!(f(Val::Float(12345.6789), "e"), "1.234568e+004");
            assert_eq!(f(Val::Int(42), "D5"), "00042");
            assert_eq!(f(Val::Int(-42), "D"), "-42");
            assert_eq!(f(Val::Int(255), "X4"), "00FF");
            assert_eq!(f(Val::Int(-1), "x"), "ffffffffffffffff");
            assert_eq!(f(Val::Float(1.5), "F0"), "2");
            assert_eq!(f(Val::Float(2.5), "F0"), "2", "an exact tie goes to even");
            assert_eq!(f(Val::Float(1.005), "F2"), "1.00", "1.005 is really 1.00499…");
            assert_eq!(f(Val::Float(-0.001), "F2"), "-0.00", ".NET Core keeps the sign of a double");
            assert_eq!(f(Val::Decimal(Decimal::new(25, 1)), "F0"), "3", "decimals round half away from zero");
            assert_eq!(f(Val::Float(1234.5), "G4"), "1234");
            assert_eq!(f(Val::Float(0.1 + 0.2), ""), "0.30000000000000004");
            assert_eq!(f(Val::Float(1e16), "G"), "1E+16");
            assert_eq!(f(Val::Float(0.00001), "G"), "1E-05");
            assert_eq!(f(Val::Float(123456.0), "G3"), "1.23E+05");
            assert_eq!(f(Val::Decimal(Decimal::new(50000, 4)), "G"), "5.0000");
            assert_eq!(f(Val::Float(f64::NAN), "N2"), "NaN");
            assert_eq!(f(Val::Float(f64::INFINITY), "C"), "\u{221e}");
            assert!(super::format(&Val::Float(1.5), "D", &EN_US).is_err());
            assert!(super::format(&Val::Int(1), "Q", &EN_US).is_err());
            assert!(super::format(&Val::Int(1), "F1000", &EN_US).is_err());
        }

        #[test]
        fn cultures() {
            let de = culture("de-DE").unwrap();
            let fr = culture("fr-fr").unwrap();
            assert_eq!(super::format(&Val::Float(1234.5), "N2", de).unwrap(), "1.234,50");
            assert_eq!(super::format(&Val::Float(1234.5), "C", de).unwrap(), "1.234,50 \u{20ac}");
            assert_eq!(super::format(&Val::Float(-1234.5), "C", fr).unwrap(), "-1\u{202f}234,50 \u{20ac}");
            assert_eq!(super::format(&Val::Float(0.5), "P0", fr).unwrap(), "50 %");
            assert_eq!(super::format(&Val::Int(1234567890), "#,##0.00", culture("is-IS").unwrap()).unwrap(), "1.234.567.890,00");
            assert_eq!(super::format(&Val::Float(-0.5), "C", &INVARIANT).unwrap(), "(\u{a4}0.50)");
        }

        #[test]
        fn custom_formats() {
            assert_eq!(f(Val::Int(1234567890), "0,0.00"), "1,234,567,890.00");
            assert_eq!(f(Val::Int(1234567890), "#,##0"), "1,234,567,890");
            assert_eq!(f(Val::Float(0.125), "0.00"), "0.13", "custom formats round half away from zero");
            assert_eq!(f(Val::Float(1.23456), "0.00"), "1.23");
            assert_eq!(f(Val::Float(3.1), "0.00##"), "3.10");
            assert_eq!(f(Val::Float(0.5), "#.##"), ".5");
            assert_eq!(f(Val::Int(0), "#.##"), "");
            assert_eq!(f(Val::Int(5), "000"), "005");
            assert_eq!(f(Val::Float(0.256), "0%"), "26%");
            assert_eq!(f(Val::Int(1234567), "#,##0,K"), "1,235K");
            assert_eq!(f(Val::Int(1234567), "0,,"), "1");
            assert_eq!(f(Val::Float(12345.0), "0.00E+00"), "1.23E+04");
            assert_eq!(f(Val::Float(0.00012), "0.0e0"), "1.2e-4");
            assert_eq!(f(Val::Int(-5), "0;(0)"), "(5)");
            assert_eq!(f(Val::Int(0), "0;(0);'zero'"), "zero");
            assert_eq!(f(Val::Int(-5), "0"), "-5");
            assert_eq!(f(Val::Float(-0.001), "+0.00;-0.00"), "-+0.00", ".NET Core's own quirk");
            assert_eq!(f(Val::Int(42), "'#'0 \\#"), "#42 #");
            assert_eq!(f(Val::Int(7), "[0]"), "[7]");
        }

        #[test]
        fn hostile_formats_do_not_panic() {
            for format in ["%%%%%%%%%%%%%%%%%%%%", ",,,,.", "E+0", "0E", "'", "\\", ";;;", "0.0e+", "#,#,#,#", "\u{2030}0"] {
                for value in [Val::Int(i64::MIN), Val::Float(f64::MAX), Val::Float(5e-324), Val::Decimal(Decimal::MAX), Val::Int(0)] {
                    let _ = super::format(&value, format, &EN_US);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, EmptyScope, FixedClock, SequentialGuids};

    fn eval(expr: &str) -> Result<Val, EvalError> {
        let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
        let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
        crate::eval::evaluate_template(expr, &env)
    }

    fn text(expr: &str) -> String {
        match eval(expr) {
            Ok(Val::String(s)) => s,
            other => panic!("{expr}: {other:?}"),
        }
    }

    fn int(expr: &str) -> i64 {
        match eval(expr) {
            Ok(Val::Int(i)) => i,
            other => panic!("{expr}: {other:?}"),
        }
    }

    #[test]
    fn searches_ignore_case() {
        assert_eq!(int("@indexOf('Hello World', 'WORLD')"), 6);
        assert_eq!(int("@indexOf('hello', '')"), 0);
        assert_eq!(int("@indexOf('hello', 'z')"), -1);
        assert_eq!(int("@indexOf('😀abc', 'B')"), 3, "positions count UTF-16 units");
        assert_eq!(int("@lastIndexOf('hello world hello', 'HELLO')"), 12);
        assert_eq!(int("@lastIndexOf('hello', '')"), 4);
        assert_eq!(int("@lastIndexOf('', '')"), 0);
        assert_eq!(int("@lastIndexOf('', 'a')"), -1);
        assert_eq!(int("@nthIndexOf('123456789123465789', '1', 1)"), 0);
        assert_eq!(int("@nthIndexOf('123456789123465789', '1', 2)"), 9);
        assert_eq!(int("@nthIndexOf('123456789123465789', '1', 3)"), -1);
        assert_eq!(int("@nthIndexOf('aaaa', 'AA', 2)"), 1, "occurrences may overlap");
        assert_eq!(int("@nthIndexOf('aaaa', 'aa', -1)"), 2);
        assert_eq!(int("@nthIndexOf('aaaa', 'aa', -2)"), 1);
        assert_eq!(int("@nthIndexOf('abc', '', 9223372036854775807)"), -1);
        assert_eq!(int("@nthIndexOf('abc', '', -1)"), 3);
        assert_eq!(int("@nthIndexOf('abc', '', -4)"), 0);
        assert_eq!(int("@nthIndexOf('abc', '', -9223372036854775808)"), -1);
        assert!(eval("@nthIndexOf('abc', 'a', 0)").is_err());
        assert_eq!(eval("@startsWith('Hello', 'hE')").unwrap(), Val::Bool(true));
        assert_eq!(eval("@endsWith('Hello', 'LLO')").unwrap(), Val::Bool(true));
    }

    #[test]
    fn slices_and_substrings() {
        assert_eq!(text("@slice('Hello World', -2)"), "ld");
        assert_eq!(text("@slice('Hello World', 3, -1)"), "lo Worl");
        assert_eq!(text("@slice('abc', -9223372036854775808, 9223372036854775807)"), "abc");
        assert_eq!(text("@slice('abcdef', -10, -8)"), "");
        assert_eq!(text("@slice('abcdef', 2, 2)"), "");
        assert_eq!(text("@substring('hello world', 6, 5)"), "world");
        assert!(eval("@substring('abc', 9223372036854775807, 9223372036854775807)").is_err());
        assert_eq!(text("@substring('😀x', 2)"), "x");
    }

    #[test]
    fn guids_in_every_format() {
        assert_eq!(text("@guid()"), "00000000-0000-4000-8000-000000000001");
        assert_eq!(text("@guid('N')"), "00000000000040008000000000000001");
        assert_eq!(text("@guid('b')"), "{00000000-0000-4000-8000-000000000001}");
        assert_eq!(text("@guid('P')"), "(00000000-0000-4000-8000-000000000001)");
        assert_eq!(text("@guid('X')"), "{0x00000000,0x0000,0x4000,{0x80,0x00,0x00,0x00,0x00,0x00,0x00,0x01}}");
        assert!(eval("@guid('Z')").is_err());
    }

    #[test]
    fn number_texts() {
        assert_eq!(eval("@isInt('  +1,000 ')").unwrap(), Val::Bool(true));
        assert_eq!(eval("@isInt('10e-1')").unwrap(), Val::Bool(true));
        assert_eq!(eval("@isInt('1.0')").unwrap(), Val::Bool(false));
        assert_eq!(eval("@isInt('9223372036854775808')").unwrap(), Val::Bool(false));
        assert_eq!(eval("@isInt('-9223372036854775808')").unwrap(), Val::Bool(true));
        assert_eq!(eval("@isFloat('1,5', 'de-DE')").unwrap(), Val::Bool(true));
        assert!(eval("@isFloat(3.14)").is_err());
        assert_eq!(text("@formatNumber(17.35, 'C2')"), "$17.35");
        assert_eq!(text("@formatNumber(1234567890, '0,0.00', 'en-us')"), "1,234,567,890.00");
        assert!(eval("@formatNumber('1', 'C')").is_err());
        assert!(eval("@formatNumber(1, 'C', 'xx-XX')").is_err());
    }

    #[test]
    fn chunks_case_and_xml_text() {
        assert_eq!(eval("@chunk('abcde', 2)").unwrap(), Val::from_json(&serde_json::json!(["ab", "cd", "e"])));
        assert_eq!(eval("@chunk(createArray(1,2,3), 9223372036854775807)").unwrap(), Val::from_json(&serde_json::json!([[1, 2, 3]])));
        assert!(eval("@chunk('abc', 0)").is_err());
        assert_eq!(text("@toUpper('straße')"), "STRAßE", "no length-changing mappings");
        assert_eq!(text("@encodeXmlValue('<a href=\"x\">&''</a>')"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(text("@decodeXmlValue('&lt;a&gt; &amp;amp; &#65;&#x42; &bogus;')"), "<a> &amp; AB &bogus;");
        assert_eq!(text("@encodeXmlName('Order Id')"), "Order_x0020_Id");
        assert_eq!(text("@encodeXmlName('1st')"), "_x0031_st");
        assert_eq!(text("@decodeXmlName('Order_x0020_Id')"), "Order Id");
        assert_eq!(int("@utf8Length('é😀')"), 6);
        assert_eq!(int("@utf16Length('é😀')"), 3);
        assert_eq!(int("@length('é😀')"), 3);
    }

    #[test]
    fn huge_results_are_refused() {
        let expr = format!("@replace(replace('{}', 'a', '{}'), 'b', '{}')", "a".repeat(100), "b".repeat(1000), "c".repeat(2000));
        assert!(eval(&expr).unwrap_err().message.contains("more than the limit"));
        let expr = format!("@join(split('{}', ','), '{}')", ",".repeat(1000), "d".repeat(200_000));
        assert!(eval(&expr).is_err());
    }
}
