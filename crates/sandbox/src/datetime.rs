//! Date-time values as the store keeps them: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`.
//!
//! One fixed-width UTC form means text order is time order, so SQLite can compare and sort
//! the stored text directly; the Web API also returns date-times in this form.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses an RFC 3339 date-time (any offset, optional fraction) or a bare `YYYY-MM-DD` (midnight
/// UTC) and returns the stored form.
pub fn normalize(text: &str) -> Result<String, String> {
    if let Some(date) = parse_date_only(text) {
        return Ok(format(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc()));
    }
    let parsed = OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| format!("'{text}' is not a date-time ({e}); write it like 2024-05-01T13:45:00Z or 2024-05-01"))?;
    Ok(format(parsed))
}

pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

fn format(value: OffsetDateTime) -> String {
    let utc = value.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        utc.month() as u8,
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

fn parse_date_only(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = text[0..4].parse().ok()?;
    let month: u8 = text[5..7].parse().ok()?;
    let day: u8 = text[8..10].parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_utc_and_drops_fractions() {
        assert_eq!(normalize("2024-05-01T15:45:30.123+02:00").unwrap(), "2024-05-01T13:45:30Z");
        assert_eq!(normalize("2024-05-01T13:45:30Z").unwrap(), "2024-05-01T13:45:30Z");
    }

    #[test]
    fn accepts_a_bare_date_as_midnight_utc() {
        assert_eq!(normalize("2024-02-29").unwrap(), "2024-02-29T00:00:00Z");
        assert!(normalize("2023-02-29").is_err());
    }

    #[test]
    fn rejects_other_text_with_a_hint() {
        let err = normalize("yesterday").unwrap_err();
        assert!(err.contains("2024-05-01T13:45:00Z"), "{err}");
    }
}
