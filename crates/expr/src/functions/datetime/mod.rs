//! Date and time functions (reference §2.6) with the .NET semantics of the runtime: timestamps
//! are read like `DateTime.Parse`, computed as .NET `DateTime` ticks, and written with .NET
//! format strings (default `o`, culture en-US). Time zones are Windows names.
//!
//! Kinds, as the runtime shows them: `Z` input stays UTC (`…0000000Z`); input without a zone
//! stays unspecified (no suffix); input with an offset becomes that instant on the server's
//! clock, which is UTC, and prints `+00:00` (`formatDateTime('2018-12-15T05:00:00+13:00',
//! 'dd-MMM')` is `14-Dec`).

mod culture;
mod dotnet;
mod format;
mod parse;
mod timespan;
mod timezones;

use std::time::UNIX_EPOCH;

use chrono::NaiveDate;

use super::{opt, req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;
use culture::{Culture, EN_US, INVARIANT};
use dotnet::{
    DateTime, Kind, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND, UNIX_EPOCH_TICKS,
};
use timezones::Zone;

const DT: Group = Group::DateTime;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "utcNow", group: DT, params: &[opt("format", "string")], returns: "string", description: "The current UTC time, by default as 2018-04-15T13:00:00.0000000Z.", implementation: Eager(utc_now) },
    Function { name: "addDays", group: DT, params: &[req("timestamp", "string"), req("days", "integer"), opt("format", "string")], returns: "string", description: "The timestamp plus a positive or negative number of days.", implementation: Eager(add_days) },
    Function { name: "addHours", group: DT, params: &[req("timestamp", "string"), req("hours", "integer"), opt("format", "string")], returns: "string", description: "The timestamp plus a positive or negative number of hours.", implementation: Eager(add_hours) },
    Function { name: "addMinutes", group: DT, params: &[req("timestamp", "string"), req("minutes", "integer"), opt("format", "string")], returns: "string", description: "The timestamp plus a positive or negative number of minutes.", implementation: Eager(add_minutes) },
    Function { name: "addSeconds", group: DT, params: &[req("timestamp", "string"), req("seconds", "integer"), opt("format", "string")], returns: "string", description: "The timestamp plus a positive or negative number of seconds.", implementation: Eager(add_seconds) },
    Function { name: "addToTime", group: DT, params: &[req("timestamp", "string"), req("interval", "integer"), req("timeUnit", "string"), opt("format", "string")], returns: "string", description: "The timestamp plus a number of Second, Minute, Hour, Day, Week, Month or Year units.", implementation: Eager(add_to_time) },
    Function { name: "subtractFromTime", group: DT, params: &[req("timestamp", "string"), req("interval", "integer"), req("timeUnit", "string"), opt("format", "string")], returns: "string", description: "The timestamp minus a number of Second, Minute, Hour, Day, Week, Month or Year units.", implementation: Eager(subtract_from_time) },
    Function { name: "getFutureTime", group: DT, params: &[req("interval", "integer"), req("timeUnit", "string"), opt("format", "string")], returns: "string", description: "The current UTC time plus a number of time units.", implementation: Eager(get_future_time) },
    Function { name: "getPastTime", group: DT, params: &[req("interval", "integer"), req("timeUnit", "string"), opt("format", "string")], returns: "string", description: "The current UTC time minus a number of time units.", implementation: Eager(get_past_time) },
    Function { name: "convertFromUtc", group: DT, params: &[req("timestamp", "string"), req("destinationTimeZone", "string"), opt("format", "string")], returns: "string", description: "A UTC timestamp as the local time of a Windows time zone (e.g. 'Pacific Standard Time'), without an offset.", implementation: Eager(convert_from_utc) },
    Function { name: "convertTimeZone", group: DT, params: &[req("timestamp", "string"), req("sourceTimeZone", "string"), req("destinationTimeZone", "string"), opt("format", "string")], returns: "string", description: "A timestamp converted from one Windows time zone to another.", implementation: Eager(convert_time_zone) },
    Function { name: "convertToUtc", group: DT, params: &[req("timestamp", "string"), req("sourceTimeZone", "string"), opt("format", "string")], returns: "string", description: "A local time of a Windows time zone converted to UTC.", implementation: Eager(convert_to_utc) },
    Function { name: "dateDifference", group: DT, params: &[req("startDate", "string"), req("endDate", "string")], returns: "string", description: "The end date minus the start date as a .NET time span, e.g. 1268.00:00:00.", implementation: Eager(date_difference) },
    Function { name: "dayOfMonth", group: DT, params: &[req("timestamp", "string")], returns: "integer", description: "The day of the month, 1 to 31.", implementation: Eager(day_of_month) },
    Function { name: "dayOfWeek", group: DT, params: &[req("timestamp", "string")], returns: "integer", description: "The day of the week, Sunday = 0 to Saturday = 6.", implementation: Eager(day_of_week) },
    Function { name: "dayOfYear", group: DT, params: &[req("timestamp", "string")], returns: "integer", description: "The day of the year, 1 to 366.", implementation: Eager(day_of_year) },
    Function { name: "formatDateTime", group: DT, params: &[req("timestamp", "string"), opt("format", "string"), opt("locale", "string")], returns: "string", description: "The timestamp in a .NET date format (default 'o') and locale (default en-US).", implementation: Eager(format_date_time) },
    Function { name: "parseDateTime", group: DT, params: &[req("timestamp", "string"), opt("locale", "string"), opt("format", "string")], returns: "string", description: "A date written in a locale (default en-US), optionally in an exact .NET format, as an ISO 8601 timestamp.", implementation: Eager(parse_date_time) },
    Function { name: "startOfDay", group: DT, params: &[req("timestamp", "string"), opt("format", "string")], returns: "string", description: "The timestamp at midnight of its day.", implementation: Eager(start_of_day) },
    Function { name: "startOfHour", group: DT, params: &[req("timestamp", "string"), opt("format", "string")], returns: "string", description: "The timestamp at the start of its hour.", implementation: Eager(start_of_hour) },
    Function { name: "startOfMonth", group: DT, params: &[req("timestamp", "string"), opt("format", "string")], returns: "string", description: "The timestamp at midnight of the first day of its month.", implementation: Eager(start_of_month) },
    Function { name: "ticks", group: DT, params: &[req("timestamp", "string")], returns: "integer", description: "The timestamp as 100-nanosecond ticks since 0001-01-01T00:00:00.", implementation: Eager(ticks) },
    Function { name: "formatTimeSpan", group: DT, params: &[req("timeSpan", "string"), req("format", "string"), opt("locale", "string")], returns: "string", description: "A .NET time span such as 1.02:03:04 in a .NET time span format (c, g, G or a custom pattern).", implementation: Eager(format_time_span) },
];

const ORDINALS: [&str; 4] = ["first", "second", "third", "fourth"];

fn ordinal(i: usize) -> &'static str {
    ORDINALS.get(i).copied().unwrap_or("next")
}

// --- Arguments ----------------------------------------------------------------------------------

/// The run's current time, from the injected clock.
fn now(a: &Args) -> Result<DateTime, EvalError> {
    let ticks = match a.env.clock.now().duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(UNIX_EPOCH_TICKS) + (after.as_nanos() / 100) as i128,
        Err(before) => i128::from(UNIX_EPOCH_TICKS) - (before.duration().as_nanos() / 100) as i128,
    };
    DateTime::from_ticks(ticks, Kind::Utc).ok_or_else(|| a.error("cannot read the clock: its time is outside the years 0001 to 9999."))
}

/// The date a time-only timestamp (`'13:30'`) falls on: today on the server, which runs on UTC.
fn today(a: &Args) -> Result<NaiveDate, EvalError> {
    now(a).map(DateTime::date)
}

fn optional_string<'a>(a: &'a Args, i: usize) -> Result<Option<&'a str>, EvalError> {
    match a.get(i) {
        None => Ok(None),
        Some(_) => a.string(i).map(Some),
    }
}

/// The runtime's message for a timestamp .NET cannot read.
fn invalid_timestamp(a: &Args, text: &str) -> EvalError {
    EvalError::new(format!(
        "In function '{}', the value provided for date time string '{text}' was not valid. The datetime string must match ISO 8601 format.",
        a.function
    ))
}

fn timestamp(a: &Args, i: usize) -> Result<DateTime, EvalError> {
    let text = a.string(i)?;
    parse::parse(text, &INVARIANT, today(a)?).ok_or_else(|| invalid_timestamp(a, text))
}

fn out_of_range(a: &Args) -> EvalError {
    a.error("produced a date outside the range .NET can represent (0001-01-01T00:00:00 to 9999-12-31T23:59:59.9999999).")
}

fn invalid_format(a: &Args, i: usize, format: &str) -> EvalError {
    a.error(format!(
        "expects its {} parameter to be a valid .NET date and time format: a single standard format specifier or a custom format pattern. The provided value '{format}' is not valid.",
        ordinal(i)
    ))
}

fn locale(a: &Args, i: usize) -> Result<&'static Culture, EvalError> {
    match optional_string(a, i)? {
        None => Ok(&EN_US),
        Some(name) => culture::lookup(name).ok_or_else(|| {
            a.error(format!(
                "expects its {} parameter to be a supported locale such as 'en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES', 'nl-NL' or 'ja-JP'. The provided value '{name}' is not a supported locale.",
                ordinal(i)
            ))
        }),
    }
}

fn time_zone(a: &Args, i: usize) -> Result<Zone, EvalError> {
    let name = a.string(i)?;
    timezones::find(name).ok_or_else(|| {
        a.error(format!(
            "expects its {} parameter to be a Windows time zone name such as 'Pacific Standard Time', 'W. Europe Standard Time' or 'UTC'. The time zone '{name}' was not found.",
            ordinal(i)
        ))
    })
}

#[derive(Clone, Copy)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

fn time_unit(a: &Args, i: usize) -> Result<Unit, EvalError> {
    let name = a.string(i)?;
    Ok(match name.to_ascii_lowercase().as_str() {
        "second" => Unit::Second,
        "minute" => Unit::Minute,
        "hour" => Unit::Hour,
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        _ => {
            return Err(a.error(format!(
                "expects its {} parameter to be a time unit: 'Second', 'Minute', 'Hour', 'Day', 'Week', 'Month' or 'Year'. The provided value '{name}' is not valid.",
                ordinal(i)
            )))
        }
    })
}

/// `value` written with the optional format argument at `format_index` (default `o`).
fn output(a: &Args, value: DateTime, format_index: usize) -> Result<Val, EvalError> {
    output_in(a, value, format_index, &EN_US)
}

fn output_in(a: &Args, value: DateTime, format_index: usize, culture: &'static Culture) -> Result<Val, EvalError> {
    let format = optional_string(a, format_index)?.unwrap_or("o");
    format::format(value, format, culture).map(Val::String).map_err(|_| invalid_format(a, format_index, format))
}

// --- Arithmetic ---------------------------------------------------------------------------------

/// .NET `AddSeconds`…`AddYears`; `None` when the result leaves the representable range.
fn add(value: DateTime, amount: i64, unit: Unit) -> Option<DateTime> {
    let ticks_per = |per: i64| value.add_ticks(i128::from(amount) * i128::from(per));
    match unit {
        Unit::Second => ticks_per(TICKS_PER_SECOND),
        Unit::Minute => ticks_per(TICKS_PER_MINUTE),
        Unit::Hour => ticks_per(TICKS_PER_HOUR),
        Unit::Day => ticks_per(TICKS_PER_DAY),
        Unit::Week => ticks_per(7 * TICKS_PER_DAY),
        Unit::Month => value.add_months(amount),
        Unit::Year => value.add_months(amount.checked_mul(12)?),
    }
}

fn shift(a: &Args, unit: Unit) -> Result<Val, EvalError> {
    let value = timestamp(a, 0)?;
    let amount = a.int(1)?;
    output(a, add(value, amount, unit).ok_or_else(|| out_of_range(a))?, 2)
}

fn utc_now(a: &Args) -> Result<Val, EvalError> {
    output(a, now(a)?, 0)
}

fn add_days(a: &Args) -> Result<Val, EvalError> {
    shift(a, Unit::Day)
}

fn add_hours(a: &Args) -> Result<Val, EvalError> {
    shift(a, Unit::Hour)
}

fn add_minutes(a: &Args) -> Result<Val, EvalError> {
    shift(a, Unit::Minute)
}

fn add_seconds(a: &Args) -> Result<Val, EvalError> {
    shift(a, Unit::Second)
}

/// `base` plus or minus the interval at `interval_index` of the unit after it; the format follows.
fn add_interval(a: &Args, base: DateTime, interval_index: usize, subtract: bool) -> Result<Val, EvalError> {
    let interval = a.int(interval_index)?;
    let unit = time_unit(a, interval_index + 1)?;
    let amount = if subtract { interval.checked_neg().ok_or_else(|| out_of_range(a))? } else { interval };
    output(a, add(base, amount, unit).ok_or_else(|| out_of_range(a))?, interval_index + 2)
}

fn add_to_time(a: &Args) -> Result<Val, EvalError> {
    add_interval(a, timestamp(a, 0)?, 1, false)
}

fn subtract_from_time(a: &Args) -> Result<Val, EvalError> {
    add_interval(a, timestamp(a, 0)?, 1, true)
}

fn get_future_time(a: &Args) -> Result<Val, EvalError> {
    add_interval(a, now(a)?, 0, false)
}

fn get_past_time(a: &Args) -> Result<Val, EvalError> {
    add_interval(a, now(a)?, 0, true)
}

// --- Time zones ---------------------------------------------------------------------------------

/// The kind .NET gives a converted time: UTC when converted into the UTC zone, else unspecified.
fn kind_in(zone: &Zone) -> Kind {
    if zone.is_utc() {
        Kind::Utc
    } else {
        Kind::Unspecified
    }
}

/// `TimeZoneInfo.ConvertTime` refuses a UTC or offset timestamp whose source zone is not UTC.
fn local_to_utc(a: &Args, value: DateTime, source: &Zone) -> Result<DateTime, EvalError> {
    let text = a.string(0)?;
    if value.kind() != Kind::Unspecified && !source.is_utc() {
        return Err(a.error(format!(
            "expects its first parameter to be a timestamp without a time zone, to be read in the source time zone '{}'. The value '{text}' is already UTC or has an offset; give 'UTC' as the source time zone or remove the zone from the timestamp.",
            source.windows_name
        )));
    }
    let utc = source.local_to_utc(value.to_naive()).map_err(|_| {
        a.error(format!(
            "expects its first parameter to be a valid time in the time zone '{}'. The value '{text}' falls in the hour skipped when clocks go forward.",
            source.windows_name
        ))
    })?;
    DateTime::from_naive(utc, Kind::Utc).ok_or_else(|| out_of_range(a))
}

fn utc_to_local(a: &Args, utc: DateTime, destination: &Zone) -> Result<DateTime, EvalError> {
    DateTime::from_naive(destination.utc_to_local(utc.to_naive()), kind_in(destination)).ok_or_else(|| out_of_range(a))
}

fn convert_from_utc(a: &Args) -> Result<Val, EvalError> {
    let value = timestamp(a, 0)?;
    if value.kind() == Kind::Local {
        // The runtime's check: a timestamp with an offset is not taken as UTC, even +00:00.
        return Err(a.error(format!(
            "expects its first parameter to be a string that contains a UTC date time. The value was '{}'.",
            a.string(0)?
        )));
    }
    let destination = time_zone(a, 1)?;
    output(a, utc_to_local(a, value, &destination)?, 2)
}

fn convert_to_utc(a: &Args) -> Result<Val, EvalError> {
    let value = timestamp(a, 0)?;
    let source = time_zone(a, 1)?;
    output(a, local_to_utc(a, value, &source)?, 2)
}

fn convert_time_zone(a: &Args) -> Result<Val, EvalError> {
    let value = timestamp(a, 0)?;
    let source = time_zone(a, 1)?;
    let destination = time_zone(a, 2)?;
    let utc = local_to_utc(a, value, &source)?;
    output(a, utc_to_local(a, utc, &destination)?, 3)
}

// --- Parts and differences ----------------------------------------------------------------------

fn date_difference(a: &Args) -> Result<Val, EvalError> {
    let start = timestamp(a, 0)?;
    let end = timestamp(a, 1)?;
    // .NET subtracts the wall clocks and ignores the kinds.
    Ok(Val::String(timespan::to_constant_string(end.ticks() - start.ticks())))
}

fn day_of_month(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(i64::from(timestamp(a, 0)?.day())))
}

fn day_of_week(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(i64::from(timestamp(a, 0)?.day_of_week())))
}

fn day_of_year(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(i64::from(timestamp(a, 0)?.day_of_year())))
}

fn ticks(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(timestamp(a, 0)?.ticks()))
}

fn start_of_day(a: &Args) -> Result<Val, EvalError> {
    output(a, timestamp(a, 0)?.start_of_day(), 1)
}

fn start_of_hour(a: &Args) -> Result<Val, EvalError> {
    output(a, timestamp(a, 0)?.start_of_hour(), 1)
}

fn start_of_month(a: &Args) -> Result<Val, EvalError> {
    output(a, timestamp(a, 0)?.start_of_month(), 1)
}

// --- Formatting and parsing ---------------------------------------------------------------------

fn format_date_time(a: &Args) -> Result<Val, EvalError> {
    let value = timestamp(a, 0)?;
    let culture = locale(a, 2)?;
    output_in(a, value, 1, culture)
}

fn parse_date_time(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let culture = locale(a, 1)?;
    let format = optional_string(a, 2)?;
    let today = today(a)?;
    let parsed = match format {
        None => parse::parse(text, culture, today),
        Some(format) => parse::parse_exact(text, format, culture, today).map_err(|_| invalid_format(a, 2, format))?,
    };
    let value = parsed.ok_or_else(|| {
        let with_format = format.map(|f| format!(" and the format '{f}'")).unwrap_or_default();
        a.error(format!(
            "could not parse '{text}' as a date and time with the locale '{}'{with_format}.",
            if culture.name.is_empty() { "invariant" } else { culture.name }
        ))
    })?;
    Ok(Val::String(format::format(value, "o", &INVARIANT).map_err(|_| invalid_format(a, 2, "o"))?))
}

fn format_time_span(a: &Args) -> Result<Val, EvalError> {
    let text = a.string(0)?;
    let span = timespan::parse(text).ok_or_else(|| {
        a.error(format!(
            "expects its first parameter to be a time span such as '1.02:03:04' or '00:30:00'. The provided value '{text}' is not valid."
        ))
    })?;
    let format = a.string(1)?;
    let culture = locale(a, 2)?;
    timespan::format(span, format, culture).map(Val::String).map_err(|_| {
        a.error(format!(
            "expects its second parameter to be a valid .NET time span format such as 'c', 'g' or 'hh\\:mm'. The provided value '{format}' is not valid."
        ))
    })
}

#[cfg(test)]
mod tests;
