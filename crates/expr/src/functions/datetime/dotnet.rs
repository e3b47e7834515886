//! The .NET `DateTime` the runtime computes with: a wall clock in 100-ns ticks since
//! 0001-01-01T00:00:00, and a kind saying which clock that is. Range 0001-01-01 to
//! 9999-12-31T23:59:59.9999999; anything outside is an error, as in .NET.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
pub const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
pub const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;
/// `DateTime.MaxValue.Ticks`.
pub const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// Ticks of 1970-01-01T00:00:00.
pub const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No zone in the input: `o` and `K` print no suffix.
    Unspecified,
    /// `Z`/`GMT` input, `utcNow()`, `convertToUtc()`: `o` and `K` print `Z`.
    Utc,
    /// Input with an offset. .NET converts it to the server's local time, and the runtime's
    /// servers run on UTC, so the wall clock is UTC and `o`/`K` print `+00:00`.
    Local,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    ticks: i64,
    kind: Kind,
}

impl DateTime {
    /// `None` outside the .NET range.
    pub fn from_ticks(ticks: i128, kind: Kind) -> Option<DateTime> {
        (0..=i128::from(MAX_TICKS)).contains(&ticks).then(|| DateTime { ticks: ticks as i64, kind })
    }

    pub fn from_naive(naive: NaiveDateTime, kind: Kind) -> Option<DateTime> {
        let days = i128::from(naive.date().num_days_from_ce()) - 1;
        let time = naive.time();
        let time_ticks =
            i128::from(time.num_seconds_from_midnight()) * i128::from(TICKS_PER_SECOND) + i128::from(time.nanosecond() / 100);
        Self::from_ticks(days * i128::from(TICKS_PER_DAY) + time_ticks, kind)
    }

    pub fn from_date(date: NaiveDate, time_ticks: i64, kind: Kind) -> Option<DateTime> {
        let days = i128::from(date.num_days_from_ce()) - 1;
        Self::from_ticks(days * i128::from(TICKS_PER_DAY) + i128::from(time_ticks), kind)
    }

    pub fn ticks(self) -> i64 {
        self.ticks
    }

    pub fn kind(self) -> Kind {
        self.kind
    }

    pub fn with_kind(self, kind: Kind) -> DateTime {
        DateTime { kind, ..self }
    }

    pub fn date(self) -> NaiveDate {
        // The constructors keep ticks within 0001..9999, which chrono always represents.
        NaiveDate::from_num_days_from_ce_opt((self.ticks / TICKS_PER_DAY) as i32 + 1).expect("a date within 0001..9999")
    }

    pub fn to_naive(self) -> NaiveDateTime {
        let time_ticks = self.time_of_day();
        let seconds = (time_ticks / TICKS_PER_SECOND) as u32;
        let nanos = (time_ticks % TICKS_PER_SECOND) as u32 * 100;
        self.date().and_time(NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos).expect("a time of day"))
    }

    /// Ticks since midnight.
    pub fn time_of_day(self) -> i64 {
        self.ticks % TICKS_PER_DAY
    }

    pub fn year(self) -> i32 {
        self.date().year()
    }

    pub fn month(self) -> u32 {
        self.date().month()
    }

    pub fn day(self) -> u32 {
        self.date().day()
    }

    pub fn hour(self) -> u32 {
        (self.time_of_day() / TICKS_PER_HOUR) as u32
    }

    pub fn minute(self) -> u32 {
        (self.time_of_day() % TICKS_PER_HOUR / TICKS_PER_MINUTE) as u32
    }

    pub fn second(self) -> u32 {
        (self.time_of_day() % TICKS_PER_MINUTE / TICKS_PER_SECOND) as u32
    }

    /// The sub-second part in ticks, 0..=9_999_999.
    pub fn fraction(self) -> i64 {
        self.ticks % TICKS_PER_SECOND
    }

    /// Sunday = 0, as .NET's `DayOfWeek`. 0001-01-01 was a Monday.
    pub fn day_of_week(self) -> u32 {
        ((self.ticks / TICKS_PER_DAY + 1) % 7) as u32
    }

    pub fn day_of_year(self) -> u32 {
        self.date().ordinal()
    }

    pub fn add_ticks(self, delta: i128) -> Option<DateTime> {
        Self::from_ticks(i128::from(self.ticks) + delta, self.kind)
    }

    /// .NET `AddMonths`: calendar months, the day clamped to the length of the target month.
    pub fn add_months(self, months: i64) -> Option<DateTime> {
        // .NET rejects more than 120,000 months outright; the range check below covers it anyway.
        let date = self.date();
        let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + months.clamp(-240_000, 240_000);
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = index.rem_euclid(12) as u32 + 1;
        if !(1..=9999).contains(&year) {
            return None;
        }
        let day = date.day().min(days_in_month(year, month));
        Self::from_date(NaiveDate::from_ymd_opt(year, month, day)?, self.time_of_day(), self.kind)
    }

    pub fn start_of_day(self) -> DateTime {
        DateTime { ticks: self.ticks - self.time_of_day(), kind: self.kind }
    }

    pub fn start_of_hour(self) -> DateTime {
        DateTime { ticks: self.ticks - self.ticks % TICKS_PER_HOUR, kind: self.kind }
    }

    pub fn start_of_month(self) -> DateTime {
        let back = i64::from(self.day() - 1) * TICKS_PER_DAY + self.time_of_day();
        DateTime { ticks: self.ticks - back, kind: self.kind }
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    match (NaiveDate::from_ymd_opt(year, month, 1), NaiveDate::from_ymd_opt(next_year, next_month, 1)) {
        (Some(first), Some(next)) => (next - first).num_days() as u32,
        // December 9999: the month after is beyond chrono's range only in theory; December has 31.
        _ => 31,
    }
}

/// .NET's two-digit year window (`TwoDigitYearMax` = 2049): 00–49 → 2000s, 50–99 → 1900s.
pub fn expand_two_digit_year(year: i32) -> i32 {
    if year <= 49 {
        2000 + year
    } else {
        1900 + year
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
        let naive = NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, s).unwrap();
        DateTime::from_naive(naive, Kind::Utc).unwrap()
    }

    #[test]
    fn ticks_match_dotnet() {
        assert_eq!(at(1970, 1, 1, 0, 0, 0).ticks(), UNIX_EPOCH_TICKS);
        assert_eq!(at(2018, 3, 15, 13, 27, 36).ticks(), 636_567_172_560_000_000);
        assert_eq!(at(9999, 12, 31, 23, 59, 59).add_ticks(9_999_999).unwrap().ticks(), MAX_TICKS);
        assert_eq!(at(1, 1, 1, 0, 0, 0).ticks(), 0);
    }

    #[test]
    fn fields_and_weekday() {
        let t = at(2018, 3, 15, 13, 27, 36);
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (2018, 3, 15, 13, 27, 36));
        assert_eq!(t.day_of_week(), 4);
        assert_eq!(t.day_of_year(), 74);
        assert_eq!(at(1, 1, 1, 0, 0, 0).day_of_week(), 1);
    }

    #[test]
    fn months_clamp_the_day_and_stay_in_range() {
        assert_eq!(at(2018, 1, 31, 5, 0, 0).add_months(1), Some(at(2018, 2, 28, 5, 0, 0)));
        assert_eq!(at(2020, 2, 29, 0, 0, 0).add_months(12), Some(at(2021, 2, 28, 0, 0, 0)));
        assert_eq!(at(2018, 3, 31, 0, 0, 0).add_months(-1), Some(at(2018, 2, 28, 0, 0, 0)));
        assert_eq!(at(9999, 12, 1, 0, 0, 0).add_months(1), None);
        assert_eq!(at(1, 1, 1, 0, 0, 0).add_months(-1), None);
        assert_eq!(at(2018, 1, 1, 0, 0, 0).add_months(i64::MAX), None);
        assert_eq!(at(2018, 1, 1, 0, 0, 0).add_months(i64::MIN), None);
    }

    #[test]
    fn out_of_range_ticks_are_rejected() {
        assert_eq!(at(9999, 12, 31, 0, 0, 0).add_ticks(i128::from(TICKS_PER_DAY)), None);
        assert_eq!(at(1, 1, 1, 0, 0, 0).add_ticks(-1), None);
    }
}
