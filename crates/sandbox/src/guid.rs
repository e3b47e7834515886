//! Dataverse row ids: GUIDs, written lowercase with hyphens as the Web API writes them.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid([u8; 16]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a GUID (expected 8-4-4-4-12 hexadecimal digits, like 00000000-0000-0000-0000-000000000000)")]
pub struct GuidParseError(pub String);

impl Guid {
    /// A random (version 4) GUID.
    pub fn new_random() -> Guid {
        let mut bytes = [0u8; 16];
        // The OS random source failing is not something a caller can handle.
        getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Guid(bytes)
    }

    /// Parses the hyphenated form only; case-insensitive. Dataverse also writes ids this way.
    pub fn parse(text: &str) -> Result<Guid, GuidParseError> {
        let err = || GuidParseError(text.to_string());
        let raw = text.as_bytes();
        if raw.len() != 36 {
            return Err(err());
        }
        let mut bytes = [0u8; 16];
        let mut nibbles = 0usize;
        for (i, &c) in raw.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return Err(err());
                }
                continue;
            }
            let value = (c as char).to_digit(16).ok_or_else(err)? as u8;
            bytes[nibbles / 2] |= if nibbles.is_multiple_of(2) { value << 4 } else { value };
            nibbles += 1;
        }
        Ok(Guid(bytes))
    }

    /// True when `text` has the shape of a GUID; lets the $filter lexer tell a GUID literal
    /// (which may start with a letter) from a property name.
    pub fn looks_like(text: &str) -> bool {
        Guid::parse(text).is_ok()
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Guid {
    type Err = GuidParseError;
    fn from_str(s: &str) -> Result<Guid, GuidParseError> {
        Guid::parse(s)
    }
}

impl serde::Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Guid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Guid, D::Error> {
        let text = String::deserialize(deserializer)?;
        Guid::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_lowercase() {
        let g = Guid::parse("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9").unwrap();
        assert_eq!(g.to_string(), "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
    }

    #[test]
    fn rejects_wrong_shapes() {
        for bad in [
            "",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fZ",
            "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}",
        ] {
            assert!(Guid::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_ids_are_version_4_and_differ() {
        let a = Guid::new_random();
        let b = Guid::new_random();
        assert_ne!(a, b);
        assert_eq!(&a.to_string()[14..15], "4");
    }
}
