//! Workflow ids: `{bd0b9cdf-bda3-…}` in XML, `BD0B9CDF-BDA3-…` in file names, one value.

/// The GUID in canonical form (lower case, no braces), or `None` when `text` is not a GUID.
pub(crate) fn normalize_guid(text: &str) -> Option<String> {
    let text = text.trim();
    let bare = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(text);
    let groups: Vec<&str> = bare.split('-').collect();
    let lengths_match = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    let all_hex = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    (lengths_match && all_hex).then(|| bare.to_ascii_lowercase())
}

/// A new random (version 4) GUID, upper case as solution file names write it: a new workflow id.
pub fn new_guid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The GUID that ends a flow file's name: `Workflows/<Name>-<GUID>.json`.
pub(crate) fn guid_from_file_name(path: &str) -> Option<String> {
    let file = path.rsplit('/').next()?;
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let start = stem.len().checked_sub(36)?;
    stem.get(start..).and_then(normalize_guid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_guids_are_version_4_in_upper_case_and_differ() {
        let (a, b) = (new_guid(), new_guid());
        assert_ne!(a, b);
        assert_eq!(normalize_guid(&a), Some(a.to_ascii_lowercase()));
        assert_eq!(a, a.to_ascii_uppercase());
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "A" | "B"), "{a}");
    }

    #[test]
    fn guids_normalise_from_xml_and_file_names() {
        let id = "bd0b9cdf-bda3-f011-bbd3-0022480b4618";
        assert_eq!(normalize_guid("{bd0b9cdf-bda3-f011-bbd3-0022480b4618}").as_deref(), Some(id));
        assert_eq!(normalize_guid("BD0B9CDF-BDA3-F011-BBD3-0022480B4618").as_deref(), Some(id));
        assert_eq!(
            guid_from_file_name("Workflows/Createfolderwithlinkbacktolist-BD0B9CDF-BDA3-F011-BBD3-0022480B4618.json").as_deref(),
            Some(id)
        );
        assert_eq!(normalize_guid("not-a-guid"), None);
        assert_eq!(guid_from_file_name("Workflows/short.json"), None);
        assert_eq!(guid_from_file_name("Workflows/é-BD0B9CDF-BDA3-F011-BBD3-0022480B461é.json"), None);
    }
}
