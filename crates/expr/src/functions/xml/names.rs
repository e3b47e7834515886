//! XML names: the character classes of XML 1.0 and .NET's `XmlConvert.EncodeName`/`DecodeName`,
//! which turn any JSON key into a valid element name (`ro ot` ↔ `ro_x0020_ot`).

/// `NameStartChar` of XML 1.0 (fifth edition), colon included.
pub(super) fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// `NameChar` of XML 1.0 (fifth edition).
pub(super) fn is_name_char(c: char) -> bool {
    is_name_start_char(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// `Char` of XML 1.0: what may appear in a document at all.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub(super) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// `XmlConvert.EncodeName`: every character that cannot appear in a name becomes `_xHHHH_`
/// (`_xHHHHHHHH_` beyond the BMP, which .NET sees as surrogates), and so does an underscore
/// that would otherwise read as the start of such an escape. Colons are kept.
pub(super) fn encode_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in chars.iter().enumerate() {
        let in_bmp = (c as u32) < 0x10000;
        let allowed = in_bmp && if i == 0 { is_name_start_char(c) } else { is_name_char(c) };
        if allowed && !(c == '_' && looks_like_escape(&chars[i + 1..])) {
            out.push(c);
        } else if in_bmp {
            out.push_str(&format!("_x{:04X}_", c as u32));
        } else {
            out.push_str(&format!("_x{:08X}_", c as u32));
        }
    }
    out
}

/// `x` + four hex digits + `_`, or `x` + eight hex digits + `_` (after an underscore).
fn looks_like_escape(rest: &[char]) -> bool {
    let hex = |range: std::ops::Range<usize>| rest.get(range).is_some_and(|s| s.iter().all(char::is_ascii_hexdigit));
    matches!(rest.first(), Some('x' | 'X')) && hex(1..5) && (rest.get(5) == Some(&'_') || (hex(5..9) && rest.get(9) == Some(&'_')))
}

/// `XmlConvert.DecodeName`: `_xHHHH_` and `_xHHHHHHHH_` back to their characters.
pub(super) fn decode_name(name: &str) -> String {
    if !name.contains('_') {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '_' {
            if let Some((decoded, consumed)) = decode_escape(&chars[i + 1..]) {
                out.push(decoded);
                i += 1 + consumed;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The character of `xHHHH_` / `xHHHHHHHH_` at the start of `rest`, and how many chars it took.
fn decode_escape(rest: &[char]) -> Option<(char, usize)> {
    if !matches!(rest.first(), Some('x' | 'X')) {
        return None;
    }
    for digits in [4, 8] {
        let hex = rest.get(1..1 + digits)?;
        if !hex.iter().all(char::is_ascii_hexdigit) {
            return None;
        }
        if rest.get(1 + digits) == Some(&'_') {
            let code = u32::from_str_radix(&hex.iter().collect::<String>(), 16).ok()?;
            return char::from_u32(code).map(|c| (c, digits + 2));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_as_dotnet_does() {
        for (name, encoded) in [
            ("root", "root"),
            ("ro ot", "ro_x0020_ot"),
            ("ro>ot", "ro_x003E_ot"),
            ("#comment", "_x0023_comment"),
            ("1abc", "_x0031_abc"),
            ("a1.b-c", "a1.b-c"),
            ("ro:ot", "ro:ot"),
            ("a_x0020_b", "a_x005F_x0020_b"),
            ("a_b", "a_b"),
            ("😀", "_x0001F600_"),
        ] {
            assert_eq!(encode_name(name), encoded, "{name}");
            assert_eq!(decode_name(encoded), name, "{encoded}");
        }
        assert_eq!(decode_name("_x00zz_"), "_x00zz_");
    }
}
