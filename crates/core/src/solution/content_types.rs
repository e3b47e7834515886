//! `[Content_Types].xml`, the one-line OPC manifest at the zip's root (flow-format.md §1.1).
//! The rule below is read off real exports [inferred]: `xml` and `json` by extension; any other
//! extension gets its own default; parts without an extension, and XML files below the root
//! (environment-variable definitions), get an override.

use quick_xml::escape::escape;

pub(crate) const CONTENT_TYPES_PATH: &str = "[Content_Types].xml";
const OCTET_STREAM: &str = "application/octet-stream";

/// The manifest for these entry paths, in their order.
pub(crate) fn content_types_xml<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut defaults: Vec<(String, &str)> = vec![("xml".into(), "text/xml"), ("json".into(), OCTET_STREAM)];
    let mut overrides: Vec<&str> = Vec::new();
    for path in paths {
        if path.ends_with('/') || path == CONTENT_TYPES_PATH {
            continue;
        }
        let file = path.rsplit('/').next().unwrap_or(path);
        match file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()) {
            None => overrides.push(path),
            Some(ext) if ext == "xml" && path.contains('/') => overrides.push(path),
            Some(ext) => {
                if !defaults.iter().any(|(known, _)| *known == ext) {
                    defaults.push((ext, OCTET_STREAM));
                }
            }
        }
    }
    let mut xml = String::from(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    );
    for (extension, content_type) in &defaults {
        xml.push_str(&format!("<Default Extension=\"{}\" ContentType=\"{content_type}\" />", escape(extension.as_str())));
    }
    for path in overrides {
        xml.push_str(&format!("<Override PartName=\"/{}\" ContentType=\"{OCTET_STREAM}\" />", escape(path)));
    }
    xml.push_str("</Types>");
    xml.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_real_export() {
        let paths = [
            "customizations.xml",
            "solution.xml",
            "Workflows/Createfolderwithlinkbacktolist-BD0B9CDF-BDA3-F011-BBD3-0022480B4618.json",
            "environmentvariabledefinitions/pnp_ev_list/environmentvariabledefinition.xml",
            "environmentvariabledefinitions/pnp_ev_site/environmentvariabledefinition.xml",
            "[Content_Types].xml",
        ];
        let expected = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"text/xml\" /><Default Extension=\"json\" ContentType=\"application/octet-stream\" /><Override PartName=\"/environmentvariabledefinitions/pnp_ev_list/environmentvariabledefinition.xml\" ContentType=\"application/octet-stream\" /><Override PartName=\"/environmentvariabledefinitions/pnp_ev_site/environmentvariabledefinition.xml\" ContentType=\"application/octet-stream\" /></Types>";
        assert_eq!(String::from_utf8(content_types_xml(paths)).unwrap(), expected);
    }

    #[test]
    fn other_extensions_get_a_default_and_bare_names_an_override() {
        let xml = String::from_utf8(content_types_xml(["CanvasApps/a_BackgroundImageUri", "CanvasApps/a_DocumentUri.msapp"])).unwrap();
        assert!(xml.contains("<Default Extension=\"msapp\" ContentType=\"application/octet-stream\" />"), "{xml}");
        assert!(xml.contains("<Override PartName=\"/CanvasApps/a_BackgroundImageUri\""), "{xml}");
    }
}
