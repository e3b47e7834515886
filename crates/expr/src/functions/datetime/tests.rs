//! The date and time functions through the evaluator: the examples of Microsoft's function
//! reference (with its known typos corrected), then .NET details, time zones and errors.

use std::time::{Duration, UNIX_EPOCH};

use crate::env::{EmptyScope, Env, FixedClock, SequentialGuids};
use crate::error::EvalError;
use crate::eval::evaluate_template;
use crate::value::Val;

/// 2018-04-15T13:00:00Z, the "now" of the reference's utcNow example.
const APRIL_15_2018_13H: u64 = 1_523_797_200;
const MARCH_1_2018: u64 = 1_519_862_400;
const FEBRUARY_1_2018: u64 = 1_517_443_200;

fn eval_at(unix_seconds: u64, expression: &str) -> Result<Val, EvalError> {
    let clock = FixedClock(UNIX_EPOCH + Duration::from_secs(unix_seconds));
    let guids = SequentialGuids::default();
    let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
    evaluate_template(&format!("@{expression}"), &env)
}

fn eval(expression: &str) -> Result<Val, EvalError> {
    eval_at(APRIL_15_2018_13H, expression)
}

fn text(expression: &str) -> String {
    match eval(expression) {
        Ok(Val::String(s)) => s,
        other => panic!("{expression} gave {other:?}"),
    }
}

fn int(expression: &str) -> i64 {
    match eval(expression) {
        Ok(Val::Int(i)) => i,
        other => panic!("{expression} gave {other:?}"),
    }
}

fn error(expression: &str) -> String {
    match eval(expression) {
        Err(e) => e.message,
        Ok(v) => panic!("{expression} should fail but gave {v:?}"),
    }
}

#[test]
fn reference_examples_add() {
    assert_eq!(text("addDays('2018-03-15T00:00:00Z', 10)"), "2018-03-25T00:00:00.0000000Z");
    assert_eq!(text("addDays('2018-03-15T00:00:00Z', -5)"), "2018-03-10T00:00:00.0000000Z");
    assert_eq!(text("addHours('2018-03-15T00:00:00Z', 10)"), "2018-03-15T10:00:00.0000000Z");
    assert_eq!(text("addHours('2018-03-15T15:00:00Z', -5)"), "2018-03-15T10:00:00.0000000Z");
    assert_eq!(text("addMinutes('2018-03-15T00:10:00Z', 10)"), "2018-03-15T00:20:00.0000000Z");
    assert_eq!(text("addMinutes('2018-03-15T00:20:00Z', -5)"), "2018-03-15T00:15:00.0000000Z");
    assert_eq!(text("addSeconds('2018-03-15T00:00:00Z', 10)"), "2018-03-15T00:00:10.0000000Z");
    assert_eq!(text("addSeconds('2018-03-15T00:00:30Z', -5)"), "2018-03-15T00:00:25.0000000Z");
    assert_eq!(text("addToTime('2018-01-01T00:00:00Z', 1, 'Day')"), "2018-01-02T00:00:00.0000000Z");
    assert_eq!(text("addToTime('2018-01-01T00:00:00Z', 1, 'Day', 'D')"), "Tuesday, January 2, 2018");
    assert_eq!(text("subtractFromTime('2018-01-02T00:00:00Z', 1, 'Day')"), "2018-01-01T00:00:00.0000000Z");
    // The reference prints "Monday, January, 1, 2018", a typo (§2.10).
    assert_eq!(text("subtractFromTime('2018-01-02T00:00:00Z', 1, 'Day', 'D')"), "Monday, January 1, 2018");
}

#[test]
fn reference_examples_time_zones() {
    assert_eq!(text("convertFromUtc('2018-01-01T08:00:00.0000000Z', 'Pacific Standard Time')"), "2018-01-01T00:00:00.0000000");
    assert_eq!(text("convertFromUtc('2018-01-01T08:00:00.0000000Z', 'Pacific Standard Time', 'D')"), "Monday, January 1, 2018");
    assert_eq!(
        text("convertTimeZone('2018-01-01T08:00:00.0000000Z', 'UTC', 'Pacific Standard Time')"),
        "2018-01-01T00:00:00.0000000"
    );
    // The reference writes T80:00:00 here, a typo (§2.10).
    assert_eq!(
        text("convertTimeZone('2018-01-01T08:00:00.0000000Z', 'UTC', 'Pacific Standard Time', 'D')"),
        "Monday, January 1, 2018"
    );
    assert_eq!(text("convertToUtc('01/01/2018 00:00:00', 'Pacific Standard Time')"), "2018-01-01T08:00:00.0000000Z");
    assert_eq!(text("convertToUtc('01/01/2018 00:00:00', 'Pacific Standard Time', 'D')"), "Monday, January 1, 2018");
}

#[test]
fn reference_examples_parts() {
    assert_eq!(text("dateDifference('2015-02-08', '2018-07-30')"), "1268.00:00:00");
    assert_eq!(int("dayOfMonth('2018-03-15T13:27:36Z')"), 15);
    assert_eq!(int("dayOfWeek('2018-03-15T13:27:36Z')"), 4);
    assert_eq!(int("dayOfYear('2018-03-15T13:27:36Z')"), 74);
    assert_eq!(int("ticks('2018-03-15T13:27:36Z')"), 636_567_172_560_000_000);
    assert_eq!(int("ticks('1970-01-01T00:00:00Z')"), 621_355_968_000_000_000);
    assert_eq!(text("startOfDay('2018-03-15T13:30:30Z')"), "2018-03-15T00:00:00.0000000Z");
    assert_eq!(text("startOfHour('2018-03-15T13:30:30Z')"), "2018-03-15T13:00:00.0000000Z");
    assert_eq!(text("startOfMonth('2018-03-15T13:30:30Z')"), "2018-03-01T00:00:00.0000000Z");
    assert_eq!(text("startOfMonth('2018-03-15T13:30:30Z', 'yyyy-MM-dd')"), "2018-03-01");
}

#[test]
fn reference_examples_format_and_parse() {
    assert_eq!(text("formatDateTime('03/15/2018')"), "2018-03-15T00:00:00.0000000");
    assert_eq!(text("formatDateTime('03/15/2018 12:00:00', 'yyyy-MM-ddTHH:mm:ss')"), "2018-03-15T12:00:00");
    assert_eq!(text("formatDateTime('01/31/2016', 'dddd MMMM d')"), "Sunday January 31");
    assert_eq!(text("formatDateTime('01/31/2016', 'dddd MMMM d', 'fr-fr')"), "dimanche janvier 31");
    assert_eq!(text("formatDateTime('01/31/2016', 'dddd MMMM d', 'fr-FR')"), "dimanche janvier 31");
    assert_eq!(text("formatDateTime('01/31/2016', 'dddd MMMM d', 'es-es')"), "domingo enero 31");
    assert_eq!(text("formatDateTime('2021-01-31', 'dddd MMMM d', 'fr-FR')"), "dimanche janvier 31");
    assert_eq!(text("parseDateTime('20/10/2014', 'fr-fr')"), "2014-10-20T00:00:00.0000000");
    assert_eq!(text("parseDateTime('20 octobre 2010', 'fr-FR')"), "2010-10-20T00:00:00.0000000");
    assert_eq!(text("parseDateTime('martes 20 octubre 2020', 'es-es')"), "2020-10-20T00:00:00.0000000");
    assert_eq!(text("parseDateTime('21052019', 'fr-fr', 'ddMMyyyy')"), "2019-05-21T00:00:00.0000000");
    assert_eq!(text("parseDateTime('20190521', 'fr-fr', 'yyyyMMdd')"), "2019-05-21T00:00:00.0000000");
    assert_eq!(text("parseDateTime('10/20/2014 15h', 'en-US', 'MM/dd/yyyy HH\\h')"), "2014-10-20T15:00:00.0000000");
}

#[test]
fn reference_examples_with_the_clock() {
    assert_eq!(text("utcNow()"), "2018-04-15T13:00:00.0000000Z");
    assert_eq!(text("utcNow('D')"), "Sunday, April 15, 2018");
    let at = |now, expression| match eval_at(now, expression) {
        Ok(Val::String(s)) => s,
        other => panic!("{expression} gave {other:?}"),
    };
    assert_eq!(at(MARCH_1_2018, "getFutureTime(5, 'Day')"), "2018-03-06T00:00:00.0000000Z");
    assert_eq!(at(MARCH_1_2018, "getFutureTime(5, 'Day', 'D')"), "Tuesday, March 6, 2018");
    assert_eq!(at(FEBRUARY_1_2018, "getPastTime(5, 'Day')"), "2018-01-27T00:00:00.0000000Z");
    assert_eq!(at(FEBRUARY_1_2018, "getPastTime(5, 'Day', 'D')"), "Saturday, January 27, 2018");
    assert_eq!(at(FEBRUARY_1_2018, "getFutureTime(1, 'month', 'yyyy-MM-dd')"), "2018-03-01");
    assert_eq!(at(FEBRUARY_1_2018, "getPastTime(2, 'Week', 'yyyy-MM-dd')"), "2018-01-18");
}

#[test]
fn the_clock_keeps_seven_fraction_digits() {
    let clock = FixedClock(UNIX_EPOCH + Duration::from_nanos(1_523_797_200_123_456_789));
    let guids = SequentialGuids::default();
    let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
    assert_eq!(evaluate_template("@utcNow()", &env), Ok(Val::String("2018-04-15T13:00:00.1234567Z".into())));
    assert_eq!(evaluate_template("@{utcNow('yyyy')}-x", &env), Ok(Val::String("2018-x".into())));
    // A time alone falls on today's date.
    assert_eq!(evaluate_template("@formatDateTime('1:30 PM')", &env), Ok(Val::String("2018-04-15T13:30:00.0000000".into())));
}

#[test]
fn units_are_case_insensitive_and_months_clamp() {
    assert_eq!(text("addToTime('2018-01-31T10:00:00Z', 1, 'Month')"), "2018-02-28T10:00:00.0000000Z");
    assert_eq!(text("addToTime('2020-02-29', 1, 'YEAR')"), "2021-02-28T00:00:00.0000000");
    assert_eq!(text("addToTime('2018-01-01', 2, 'week')"), "2018-01-15T00:00:00.0000000");
    assert_eq!(text("addToTime('2018-01-01', 90, 'second')"), "2018-01-01T00:01:30.0000000");
    assert_eq!(text("addToTime('2018-01-01', -1, 'minute')"), "2017-12-31T23:59:00.0000000");
    assert_eq!(text("subtractFromTime('2018-03-31', 1, 'Month')"), "2018-02-28T00:00:00.0000000");
    assert_eq!(text("subtractFromTime('2018-03-31', -1, 'Hour')"), "2018-03-31T01:00:00.0000000");
    let e = error("addToTime('2018-01-01', 1, 'Fortnight')");
    assert!(e.contains("'addToTime'") && e.contains("third parameter") && e.contains("'Fortnight'"), "{e}");
    assert!(error("addToTime('2018-01-01', 1, 'Days')").contains("'Days'"));
}

#[test]
fn kinds_and_offsets() {
    // No zone: no suffix. Z: kept. Offset: the UTC instant, shown as the server's +00:00.
    assert_eq!(text("addDays('2018-03-15', 1)"), "2018-03-16T00:00:00.0000000");
    assert_eq!(text("addDays('2018-03-15T10:00:00+02:00', 1)"), "2018-03-16T08:00:00.0000000+00:00");
    assert_eq!(text("formatDateTime('2018-12-15T05:00:00+13:00', 'dd-MMM')"), "14-Dec");
    assert_eq!(text("formatDateTime('2018-03-15T10:00:00-05:00', 'yyyy-MM-dd HH:mm K')"), "2018-03-15 15:00 +00:00");
    assert_eq!(text("formatDateTime('2018-03-15T10:00:00Z', 'HH:mm K zzz')"), "10:00 Z +00:00");
    assert_eq!(text("formatDateTime('2018-03-15T10:00:00', 'HH:mm[K] zzz')"), "10:00[] +00:00");
    assert_eq!(int("ticks('2018-03-15T15:27:36+02:00')"), 636_567_172_560_000_000);
    assert_eq!(text("dateDifference('2018-03-15T00:00:00Z', '2018-03-15T02:00:00+01:00')"), "01:00:00");
    assert_eq!(text("startOfDay('2018-03-15T13:30:30')"), "2018-03-15T00:00:00.0000000");
    assert_eq!(text("formatDateTime('2018-03-15T13:27:36.1234567Z')"), "2018-03-15T13:27:36.1234567Z");
    assert_eq!(text("formatDateTime('Thu, 15 Mar 2018 13:27:36 GMT', 'o')"), "2018-03-15T13:27:36.0000000Z");
}

#[test]
fn date_differences() {
    assert_eq!(text("dateDifference('2018-01-01T00:00:05', '2018-01-01T00:00:00')"), "-00:00:05");
    assert_eq!(text("dateDifference('2018-01-01', '2018-01-02T03:04:05.5')"), "1.03:04:05.5000000");
    assert_eq!(text("dateDifference('2018-07-30', '2015-02-08')"), "-1268.00:00:00");
    assert_eq!(text("dateDifference('2018-01-01', '2018-01-01')"), "00:00:00");
}

#[test]
fn daylight_saving_and_many_zones() {
    let from_utc = |ts: &str, zone: &str| text(&format!("convertFromUtc('{ts}', '{zone}')"));
    assert_eq!(from_utc("2018-07-01T08:00:00Z", "Pacific Standard Time"), "2018-07-01T01:00:00.0000000");
    assert_eq!(from_utc("2018-01-15T12:00:00Z", "W. Europe Standard Time"), "2018-01-15T13:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "W. Europe Standard Time"), "2018-07-15T14:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "GMT Standard Time"), "2018-07-15T13:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "India Standard Time"), "2018-07-15T17:30:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "Tokyo Standard Time"), "2018-07-15T21:00:00.0000000");
    assert_eq!(from_utc("2018-01-15T12:00:00Z", "AUS Eastern Standard Time"), "2018-01-15T23:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "AUS Eastern Standard Time"), "2018-07-15T22:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "Central Standard Time"), "2018-07-15T07:00:00.0000000");
    assert_eq!(from_utc("2018-01-15T12:00:00Z", "Eastern Standard Time"), "2018-01-15T07:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "Romance Standard Time"), "2018-07-15T14:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "Nepal Standard Time"), "2018-07-15T17:45:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "UTC-11"), "2018-07-15T01:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "pacific standard time"), "2018-07-15T05:00:00.0000000");
    // An unspecified timestamp is taken as UTC; converting into UTC gives a UTC value.
    assert_eq!(from_utc("2018-07-15 12:00", "Tokyo Standard Time"), "2018-07-15T21:00:00.0000000");
    assert_eq!(from_utc("2018-07-15T12:00:00Z", "UTC"), "2018-07-15T12:00:00.0000000Z");
    assert_eq!(
        text("convertTimeZone('2018-06-01T12:00:00', 'W. Europe Standard Time', 'GMT Standard Time')"),
        "2018-06-01T11:00:00.0000000"
    );
    assert_eq!(text("convertTimeZone('2018-06-01T12:00:00', 'India Standard Time', 'UTC')"), "2018-06-01T06:30:00.0000000Z");
    assert_eq!(text("convertToUtc('2018-07-01 09:00', 'Eastern Standard Time', 'HH:mm')"), "13:00");
    assert_eq!(text("convertToUtc('2018-07-01T09:00:00Z', 'UTC')"), "2018-07-01T09:00:00.0000000Z");
    // 01:30 happens twice on 2018-11-04 in Los Angeles: read as standard time, as .NET does.
    assert_eq!(text("convertToUtc('2018-11-04T01:30:00', 'Pacific Standard Time')"), "2018-11-04T09:30:00.0000000Z");
    assert_eq!(
        text("convertFromUtc('2018-01-01T08:00:00Z', 'Pacific Standard Time', 'yyyy-MM-ddTHH:mm:ssK zzz')"),
        "2018-01-01T00:00:00 +00:00"
    );
}

#[test]
fn time_zone_errors() {
    let e = error("convertFromUtc('2018-01-01T08:00:00Z', 'Europe/Paris')");
    assert!(e.contains("'convertFromUtc'") && e.contains("second parameter") && e.contains("'Europe/Paris'"), "{e}");
    let e = error("convertTimeZone('2018-01-01T08:00:00', 'UTC', 'Mars Standard Time')");
    assert!(e.contains("third parameter") && e.contains("'Mars Standard Time'"), "{e}");
    // 02:30 does not exist on 2018-03-11 in Los Angeles.
    let e = error("convertToUtc('2018-03-11T02:30:00', 'Pacific Standard Time')");
    assert!(e.contains("'convertToUtc'") && e.contains("skipped"), "{e}");
    // A timestamp that already carries a zone cannot be read in another one.
    let e = error("convertToUtc('2018-01-01T00:00:00Z', 'Pacific Standard Time')");
    assert!(e.contains("'convertToUtc'") && e.contains("'Pacific Standard Time'"), "{e}");
    assert!(error("convertTimeZone('2018-01-01T00:00:00+01:00', 'Romance Standard Time', 'UTC')").contains("'convertTimeZone'"));
    // The runtime refuses an offset, even +00:00, as the UTC input of convertFromUtc.
    let e = error("convertFromUtc('2018-11-09T23:48:07.0000000+00:00', 'Pacific Standard Time')");
    assert!(e.contains("contains a UTC date time") && e.contains("2018-11-09T23:48:07.0000000+00:00"), "{e}");
}

#[test]
fn standard_formats_and_locales() {
    let ts = "'2018-03-05T13:07:06.12Z'";
    let f = |format: &str| text(&format!("formatDateTime({ts}, '{format}')"));
    assert_eq!(f("d"), "3/5/2018");
    assert_eq!(f("D"), "Monday, March 5, 2018");
    assert_eq!(f("f"), "Monday, March 5, 2018 1:07 PM");
    assert_eq!(f("F"), "Monday, March 5, 2018 1:07:06 PM");
    assert_eq!(f("g"), "3/5/2018 1:07 PM");
    assert_eq!(f("G"), "3/5/2018 1:07:06 PM");
    assert_eq!(f("M"), "March 5");
    assert_eq!(f("o"), "2018-03-05T13:07:06.1200000Z");
    assert_eq!(f("r"), "Mon, 05 Mar 2018 13:07:06 GMT");
    assert_eq!(f("s"), "2018-03-05T13:07:06");
    assert_eq!(f("t"), "1:07 PM");
    assert_eq!(f("T"), "1:07:06 PM");
    assert_eq!(f("u"), "2018-03-05 13:07:06Z");
    assert_eq!(f("U"), "Monday, March 5, 2018 1:07:06 PM");
    assert_eq!(f("y"), "March 2018");
    assert_eq!(f("%d"), "5");
    assert_eq!(f("hh:mm tt"), "01:07 PM");
    assert_eq!(f("yyyy-MM-dd\\THH:mm:ss.fffK"), "2018-03-05T13:07:06.120Z");
    assert_eq!(f("dd/MM/yy"), "05/03/18");
    // '' is a quote inside an expression string, so the .NET pattern is 'Q'M' of 'yyyy.
    assert_eq!(f("''Q''M'' of ''yyyy"), "Q3 of 2018");
    assert_eq!(f("\"Q\"M"), "Q3");
    let l = |format: &str, locale: &str| text(&format!("formatDateTime({ts}, '{format}', '{locale}')"));
    assert_eq!(l("d", "en-GB"), "05/03/2018");
    assert_eq!(l("D", "en-GB"), "05 March 2018");
    assert_eq!(l("d", "fr-FR"), "05/03/2018");
    assert_eq!(l("D", "fr-FR"), "lundi 5 mars 2018");
    assert_eq!(l("d", "de-DE"), "05.03.2018");
    assert_eq!(l("D", "de-DE"), "Montag, 5. März 2018");
    assert_eq!(l("d", "es-ES"), "05/03/2018");
    assert_eq!(l("D", "es-ES"), "lunes, 5 de marzo de 2018");
    assert_eq!(l("d", "nl-NL"), "5-3-2018");
    assert_eq!(l("dddd d MMMM yyyy", "nl-NL"), "maandag 5 maart 2018");
    assert_eq!(l("d", "ja-JP"), "2018/03/05");
    assert_eq!(l("D", "ja-JP"), "2018年3月5日");
    assert_eq!(l("ddd MMM", "de-DE"), "Mo Mrz");
    assert_eq!(l("d", "it-IT"), "05/03/2018");
    assert_eq!(l("dddd", "pt-BR"), "segunda-feira");
    assert_eq!(l("d", "de"), "05.03.2018");
    assert_eq!(l("d", ""), "03/05/2018");
}

#[test]
fn format_and_locale_errors() {
    let e = error("formatDateTime('2018-01-01', 'q')");
    assert!(e.contains("'formatDateTime'") && e.contains("second parameter") && e.contains("'q'"), "{e}");
    assert!(error("addDays('2018-01-01', 1, 'fffffffff')").contains("third parameter"));
    assert!(error("utcNow('%')").contains("first parameter"));
    assert!(error("startOfDay('2018-01-01', '''open')").contains("'startOfDay'"));
    let e = error("formatDateTime('2018-01-01', 'd', 'xx-YY')");
    assert!(e.contains("third parameter") && e.contains("'xx-YY'"), "{e}");
    assert!(error("parseDateTime('2018-01-01', 'klingon')").contains("second parameter"));
    assert!(error("parseDateTime('2018-01-01', 'en-US', 'ffffffffff')").contains("third parameter"));
    let e = error("parseDateTime('31/12/2018', 'en-US')");
    assert!(e.contains("'parseDateTime'") && e.contains("'31/12/2018'") && e.contains("en-US"), "{e}");
    let e = error("parseDateTime('2018-12-31', 'en-US', 'dd/MM/yyyy')");
    assert!(e.contains("'dd/MM/yyyy'"), "{e}");
}

#[test]
fn invalid_timestamps_have_the_runtime_message() {
    assert_eq!(
        error("formatDateTime('15/03/2018')"),
        "In function 'formatDateTime', the value provided for date time string '15/03/2018' was not valid. The datetime string must match ISO 8601 format."
    );
    for expression in [
        "addDays('tomorrow', 1)",
        "dayOfWeek('')",
        "ticks('2018-02-30')",
        "startOfMonth('2018-13-01')",
        "dateDifference('2018-01-01', 'later')",
        "convertToUtc('soon', 'UTC')",
    ] {
        let e = error(expression);
        assert!(e.starts_with("In function '") && e.contains("was not valid"), "{expression}: {e}");
    }
}

#[test]
fn type_and_arity_errors() {
    assert_eq!(
        error("addDays(1, 2)"),
        "The template language function 'addDays' expects its first parameter to be of type string. The provided value is of type 'Integer'."
    );
    assert_eq!(
        error("addDays('2018-01-01', '1')"),
        "The template language function 'addDays' expects its second parameter to be an integer. The provided value is of type 'String'."
    );
    assert!(error("addDays('2018-01-01', 1.5)").contains("second parameter to be an integer"));
    assert!(error("formatDateTime(null)").contains("of type 'Null'"));
    assert!(error("formatDateTime('2018-01-01', 5)").contains("second parameter to be of type string"));
    assert!(error("getFutureTime('5', 'Day')").contains("first parameter to be an integer"));
    assert!(error("utcNow('o', 'x')").contains("utcNow"));
    assert!(error("addDays('2018-01-01')").contains("addDays"));
    assert!(error("dateDifference('2018-01-01')").contains("dateDifference"));
}

#[test]
fn out_of_range_results_are_errors_not_panics() {
    for expression in [
        "addDays('9999-12-31', 1)",
        "addSeconds('0001-01-01', -1)",
        "addSeconds('2018-01-01', 9223372036854775807)",
        "addDays('2018-01-01', -9223372036854775807)",
        "addToTime('2018-01-01', 9223372036854775807, 'Year')",
        "addToTime('2018-01-01', 9223372036854775807, 'Week')",
        "addToTime('2018-01-01', 8000, 'Year')",
        "addToTime('2018-01-01', -120000, 'Month')",
        "subtractFromTime('2018-01-01', sub(-9223372036854775807, 1), 'Second')",
        "getFutureTime(9223372036854775807, 'Month')",
        "getPastTime(3000, 'Year')",
        "convertFromUtc('9999-12-31T23:00:00Z', 'Tokyo Standard Time')",
        "convertToUtc('0001-01-01T00:00:00', 'Tokyo Standard Time')",
    ] {
        let e = error(expression);
        assert!(e.contains("outside the range"), "{expression}: {e}");
    }
    assert_eq!(text("addSeconds('9999-12-31T23:59:58', 1)"), "9999-12-31T23:59:59.0000000");
}

#[test]
fn parse_date_time_variants() {
    assert_eq!(text("parseDateTime('3/15/2018 1:30 PM')"), "2018-03-15T13:30:00.0000000");
    assert_eq!(text("parseDateTime('15/03/2018', 'en-GB')"), "2018-03-15T00:00:00.0000000");
    assert_eq!(text("parseDateTime('15.03.2018 14:05', 'de-DE')"), "2018-03-15T14:05:00.0000000");
    assert_eq!(text("parseDateTime('2018-03-15T10:00:00Z')"), "2018-03-15T10:00:00.0000000Z");
    assert_eq!(text("parseDateTime('2018-03-15T10:00:00+02:00')"), "2018-03-15T08:00:00.0000000+00:00");
    assert_eq!(text("parseDateTime('lundi 5 mars 2018', 'fr-FR', 'D')"), "2018-03-05T00:00:00.0000000");
    assert_eq!(text("parseDateTime('05 Mar 2018 14:00', 'en-US', 'dd MMM yyyy HH:mm')"), "2018-03-05T14:00:00.0000000");
}

#[test]
fn time_spans() {
    assert_eq!(text("formatTimeSpan('1.02:03:04.5', 'c')"), "1.02:03:04.5000000");
    assert_eq!(text("formatTimeSpan(dateDifference('2015-02-08', '2018-07-30'), 'g')"), "1268:0:00:00");
    assert_eq!(text("formatTimeSpan('1.02:03:04', 'G', 'fr-FR')"), "1:02:03:04,0000000");
    assert_eq!(text("formatTimeSpan('10:30', 'hh\\:mm')"), "10:30");
    assert_eq!(text("formatTimeSpan('1.02:03:04', 'd\\d\\ h\\h')"), "1d 2h");
    assert!(error("formatTimeSpan('25:00', 'c')").contains("first parameter"));
    assert!(error("formatTimeSpan('10:30', 'hh:mm')").contains("second parameter"));
}

#[test]
fn catalogue_entries() {
    let names: Vec<&str> = super::FUNCTIONS.iter().map(|f| f.name).collect();
    for expected in [
        "utcNow",
        "addDays",
        "addHours",
        "addMinutes",
        "addSeconds",
        "addToTime",
        "subtractFromTime",
        "getFutureTime",
        "getPastTime",
        "convertFromUtc",
        "convertTimeZone",
        "convertToUtc",
        "dateDifference",
        "dayOfMonth",
        "dayOfWeek",
        "dayOfYear",
        "formatDateTime",
        "parseDateTime",
        "startOfDay",
        "startOfHour",
        "startOfMonth",
        "ticks",
        "formatTimeSpan",
    ] {
        assert!(names.contains(&expected), "{expected} is missing");
    }
    assert!(super::FUNCTIONS.iter().all(|f| f.group == super::Group::DateTime && !f.description.is_empty()));
    // Names resolve case-insensitively, like every function.
    assert_eq!(text("FORMATDATETIME('2018-03-15', 'yyyy')"), "2018");
}
