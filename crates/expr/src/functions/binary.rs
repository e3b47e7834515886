//! Binary values and data URIs (reference §2.4): a binary value is the object
//! `{"$content-type": …, "$content": <base64>}`. The helpers here decode such values the way the
//! .NET runtime does (its base64 rules, its charsets), for this file and for `xml.rs`.

use base64::Engine as _;

use super::{req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "base64", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The base64 encoding of a string's UTF-8 bytes (or of a binary value's content).", implementation: Eager(base64) },
    Function { name: "base64ToBinary", group: Group::Conversion, params: &[req("value", "string")], returns: "binary", description: "The binary value a base64 string encodes.", implementation: Eager(base64_to_binary) },
    Function { name: "base64ToString", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The UTF-8 text a base64 string encodes.", implementation: Eager(base64_to_string) },
    Function { name: "decodeBase64", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "Deprecated: use base64ToString. The UTF-8 text a base64 string encodes.", implementation: Eager(base64_to_string) },
    Function { name: "binary", group: Group::Conversion, params: &[req("value", "any")], returns: "binary", description: "The binary value (application/octet-stream) of a value's text.", implementation: Eager(binary) },
    Function { name: "dataUri", group: Group::Conversion, params: &[req("value", "any")], returns: "string", description: "A base64 data URI for a value: text/plain for a string, application/json for other values, the content type of a binary value.", implementation: Eager(data_uri) },
    Function { name: "dataUriToBinary", group: Group::Conversion, params: &[req("dataUri", "string")], returns: "binary", description: "The binary value a data URI holds, with the URI's media type and parameters as content type.", implementation: Eager(data_uri_to_binary) },
    Function { name: "decodeDataUri", group: Group::Conversion, params: &[req("dataUri", "string")], returns: "binary", description: "The binary value a data URI holds (same as dataUriToBinary).", implementation: Eager(data_uri_to_binary) },
    Function { name: "dataUriToString", group: Group::Conversion, params: &[req("dataUri", "string")], returns: "string", description: "The UTF-8 text a data URI holds.", implementation: Eager(data_uri_to_string) },
];

pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
const TEXT_PLAIN: &str = "text/plain";

fn base64(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::String(s) => Ok(Val::String(encode_base64(s.as_bytes()))),
        v => match content_bytes(v) {
            Some(Ok((_, bytes))) => Ok(Val::String(encode_base64(&bytes))),
            Some(Err(e)) => Err(a.error(e)),
            None => Err(a.type_error(0, "of type string")),
        },
    }
}

/// Keeps the text as given (whitespace included, as the runtime does) once it is known to decode.
fn base64_to_binary(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    decode_base64(text).ok_or_else(|| not_base64(a))?;
    Ok(Val::content_value(OCTET_STREAM, text.to_string()))
}

fn base64_to_string(a: &Args) -> Result<Val, EvalError> {
    let bytes = decode_base64(a.string(0)?).ok_or_else(|| not_base64(a))?;
    Ok(Val::String(String::from_utf8_lossy(&bytes).into_owned()))
}

fn not_base64(a: &Args) -> EvalError {
    a.error("was invoked with a parameter that is not valid. The value cannot be decoded from base64 representation.")
}

fn binary(a: &Args) -> Result<Val, EvalError> {
    if matches!(a.arg(0), Val::Null) {
        return Err(a.error("expects its parameter to be a value that is not null."));
    }
    let text = text_of(a.arg(0)).map_err(|e| a.error(e))?;
    Ok(Val::content_value(OCTET_STREAM, encode_base64(text.as_bytes())))
}

fn data_uri(a: &Args) -> Result<Val, EvalError> {
    let (content_type, bytes) = match a.arg(0) {
        Val::Null => return Err(a.error("expects its parameter to be a value that is not null.")),
        Val::String(s) => ("text/plain;charset=utf-8".to_string(), s.as_bytes().to_vec()),
        v => match content_bytes(v) {
            Some(Ok((content_type, bytes))) => (content_type.to_string(), bytes),
            Some(Err(e)) => return Err(a.error(e)),
            None => ("application/json;charset=utf-8".to_string(), v.to_interpolated().into_bytes()),
        },
    };
    Ok(Val::String(format!("data:{content_type};base64,{}", encode_base64(&bytes))))
}

fn data_uri_to_binary(a: &Args) -> Result<Val, EvalError> {
    let uri = a.string(0)?;
    let invalid = |why: &str| a.error(format!("was invoked with a parameter that is not valid. The value '{uri}' is not a valid data URI: {why}."));
    let parsed = parse_data_uri(uri, DataUriUse::Binary).map_err(|why| invalid(&why))?;
    if let Some(segment) = parsed.content_type.split(';').skip(1).find(|s| s.matches('=').count() > 1) {
        return Err(invalid(&format!("the parameter '{segment}' has more than one '='")));
    }
    if let Some(Err(name)) = declared_charset(&parsed.content_type) {
        return Err(invalid(&format!("'{name}' is not a supported encoding name")));
    }
    Ok(Val::content_value(&parsed.content_type, parsed.base64))
}

fn data_uri_to_string(a: &Args) -> Result<Val, EvalError> {
    let uri = a.string(0)?;
    let invalid = |why: &str| a.error(format!("was invoked with a parameter that is not valid. The value '{uri}' is not a valid data URI: {why}."));
    let parsed = parse_data_uri(uri, DataUriUse::Text).map_err(|why| invalid(&why))?;
    // The runtime only looks for a charset right after the media type, and only accepts UTF-8.
    let mut parts = parsed.content_type.splitn(3, ';');
    if let Some(name) = parts.nth(1).and_then(|p| strip_prefix_ignore_case(p, "charset=")) {
        match Charset::from_dotnet_name(name) {
            None => return Err(invalid(&format!("'{name}' is not a supported encoding name"))),
            Some(Charset::Utf8) => {}
            Some(_) => return Err(invalid("only UTF-8 text is supported")),
        }
    }
    let bytes = decode_base64(&parsed.base64).ok_or_else(|| invalid("the content is not valid base64"))?;
    Ok(Val::String(String::from_utf8_lossy(&bytes).into_owned()))
}

#[derive(Clone, Copy, PartialEq)]
enum DataUriUse {
    Binary,
    Text,
}

struct DataUri {
    /// Media type and parameters as written, `;base64` removed; `text/plain` when absent.
    content_type: String,
    /// The payload in base64 (as written when the URI says base64, else encoded here).
    base64: String,
}

/// `data:[<media type>][;param=value]*[;base64],<data>`. Without `;base64` the data is
/// URL-decoded (`+` is a space). A binary result needs a `type/subtype` media type; a text
/// result only a non-empty one.
fn parse_data_uri(uri: &str, usage: DataUriUse) -> Result<DataUri, String> {
    let rest = strip_prefix_ignore_case(uri, "data:").ok_or("it does not start with 'data:'")?;
    let (meta, data) = rest.split_once(',').ok_or("there is no ',' before the data")?;
    let mut parts: Vec<&str> = meta.split(';').collect();
    let base64 = if parts.last().is_some_and(|p| p.eq_ignore_ascii_case("base64")) {
        parts.pop();
        data.to_string()
    } else {
        encode_base64(&url_decode(data))
    };
    let content_type = match parts.as_slice() {
        [] | [""] => TEXT_PLAIN.to_string(),
        [mime, ..] => {
            match usage {
                DataUriUse::Text if mime.is_empty() => return Err("the media type is empty".into()),
                DataUriUse::Binary if mime.matches('/').count() != 1 => {
                    return Err(format!("the media type '{mime}' is not of the form type/subtype"))
                }
                _ => {}
            }
            parts.join(";")
        }
    };
    Ok(DataUri { content_type, base64 })
}

/// .NET `WebUtility.UrlDecode`: `+` is a space, `%XX` a byte; anything else stays.
fn url_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && hex_pair(bytes[i + 1], bytes[i + 2]).is_some() => {
                out.extend(hex_pair(bytes[i + 1], bytes[i + 2]));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    // Invalid UTF-8 from %XX bytes becomes U+FFFD, as .NET's decoder does.
    String::from_utf8_lossy(&out).into_owned().into_bytes()
}

pub(super) fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// .NET `Convert.FromBase64String`: spaces, tabs and line breaks are ignored anywhere; the rest
/// must be whole groups of four with at most two `=` at the very end. Unused bits may be set.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')).collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let padding = symbols.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let data = &symbols[..symbols.len() - padding];
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in data {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The content type and bytes of a binary value; `None` for other values, an error when the
/// content is not base64.
pub(crate) fn content_bytes(v: &Val) -> Option<Result<(&str, Vec<u8>), String>> {
    let (content_type, base64) = v.content()?;
    Some(decode_base64(base64).map(|bytes| (content_type, bytes)).ok_or_else(|| "the binary value's content is not valid base64.".to_string()))
}

/// The text of a binary value, decoded with the charset its content type names (UTF-8 when
/// none), as `string()` and `@{…}` show it; `None` for other values. Fails like the runtime on
/// a content type parameter without `=` or an unknown charset.
pub(crate) fn content_text(v: &Val) -> Option<Result<String, String>> {
    let (content_type, bytes) = match content_bytes(v)? {
        Ok(found) => found,
        Err(e) => return Some(Err(e)),
    };
    if let Some(segment) = content_type.split(';').skip(1).find(|s| !s.contains('=')) {
        return Some(Err(format!("the content type '{content_type}' has a parameter without a value: '{segment}'.")));
    }
    Some(match declared_charset(content_type) {
        None => Ok(Charset::Utf8.decode(&bytes)),
        Some(Ok(charset)) => Ok(charset.decode(&bytes)),
        Some(Err(name)) => Err(format!("'{name}' is not a supported encoding name.")),
    })
}

/// A value as text where the runtime turns any value into text (`binary()`, `dataUri()`):
/// a binary value's decoded content, else the `@{…}` form.
pub(crate) fn text_of(v: &Val) -> Result<String, String> {
    content_text(v).unwrap_or_else(|| Ok(v.to_interpolated()))
}

/// The first `charset=` parameter of a content type: the charset, or the unknown name.
fn declared_charset(content_type: &str) -> Option<Result<Charset, &str>> {
    let name = content_type.split(';').skip(1).map(str::trim).find_map(|p| strip_prefix_ignore_case(p, "charset="))?;
    Some(Charset::from_dotnet_name(name).ok_or(name))
}

/// The encodings .NET (Core) knows by name without extra code pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charset {
    Utf8,
    Ascii,
    Latin1,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Charset {
    /// `Encoding.GetEncoding(name)`: the names and aliases of its built-in table.
    pub(crate) fn from_dotnet_name(name: &str) -> Option<Charset> {
        let name = name.to_ascii_lowercase();
        Some(match name.as_str() {
            "utf-8" | "unicode-1-1-utf-8" | "unicode-2-0-utf-8" | "x-unicode-1-1-utf-8" | "x-unicode-2-0-utf-8" => Charset::Utf8,
            "ascii" | "us-ascii" | "us" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "cp367" | "csascii" | "ibm367" | "iso-ir-6"
            | "iso646-us" | "iso_646.irv:1991" => Charset::Ascii,
            "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "latin1" | "l1" | "cp819"
            | "ibm819" | "csisolatin1" => Charset::Latin1,
            "utf-16" | "utf-16le" | "unicode" | "ucs-2" | "iso-10646-ucs-2" | "csunicode" => Charset::Utf16Le,
            "utf-16be" | "unicodefffe" => Charset::Utf16Be,
            "utf-32" | "utf-32le" => Charset::Utf32Le,
            "utf-32be" => Charset::Utf32Be,
            _ => return None,
        })
    }

    /// Decodes as .NET does: invalid sequences become U+FFFD, non-ASCII bytes in ASCII `?`.
    pub(crate) fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Ascii => bytes.iter().map(|&b| if b < 0x80 { b as char } else { '?' }).collect(),
            Charset::Latin1 => bytes.iter().map(|&b| b as char).collect(),
            Charset::Utf16Le | Charset::Utf16Be => decode_utf16_lossy(bytes, self == Charset::Utf16Le),
            Charset::Utf32Le | Charset::Utf32Be => bytes
                .chunks(4)
                .map(|quad| match quad {
                    [a, b, c, d] => {
                        let code = if self == Charset::Utf32Le { u32::from_le_bytes([*a, *b, *c, *d]) } else { u32::from_be_bytes([*a, *b, *c, *d]) };
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    }
                    _ => '\u{FFFD}',
                })
                .collect(),
        }
    }

    /// UTF-16 and UTF-32 cannot hold text that was written as UTF-8 bytes.
    pub(crate) fn is_multi_byte_unit(self) -> bool {
        matches!(self, Charset::Utf16Le | Charset::Utf16Be | Charset::Utf32Le | Charset::Utf32Be)
    }
}

fn decode_utf16_lossy(bytes: &[u8], little_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| if little_endian { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) })
        .collect();
    let mut out: String = char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect();
    if bytes.len() % 2 == 1 {
        out.push('\u{FFFD}');
    }
    out
}
