//! Reading timestamps as the runtime does with .NET: `DateTime.Parse` (lenient: ISO 8601, US
//! `3/15/2018 1:30 PM`, month names, RFC 1123) and `DateTime.ParseExact` for `parseDateTime`
//! with a format. A `Z`/`GMT` suffix gives a UTC value; an offset gives the instant in the
//! server's local time, which is UTC (kind `Local`); no zone gives an unspecified value.

use chrono::{Datelike, NaiveDate};

use super::culture::{Culture, DateOrder, INVARIANT};
use super::dotnet::{
    days_in_month, expand_two_digit_year, DateTime, Kind, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND,
};
use super::format::{resolve, tokenize, InvalidFormat, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Zone {
    Utc,
    /// Minutes east of UTC.
    Offset(i64),
}

/// What a parse found; absent parts are filled as .NET does (today's date, January, the 1st).
#[derive(Default, Debug)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    hour: Option<u32>,
    minute: u32,
    second: u32,
    fraction_ticks: i64,
    /// `Some(true)` for PM.
    pm: Option<bool>,
    day_of_week: Option<u32>,
    zone: Option<Zone>,
}

impl Fields {
    fn build(self, today: NaiveDate) -> Option<DateTime> {
        let (year, month, day) = match (self.year, self.month, self.day) {
            (None, None, None) => (today.year(), today.month(), today.day()),
            (Some(year), None, None) => (year, 1, 1),
            (year, month, day) => (year.unwrap_or(today.year()), month.unwrap_or(1), day.unwrap_or(1)),
        };
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let mut hour = self.hour.unwrap_or(0);
        if let Some(pm) = self.pm {
            if hour > 12 {
                return None;
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
        if hour > 23 || self.minute > 59 || self.second > 59 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        if self.day_of_week.is_some_and(|dow| dow != date.weekday().num_days_from_sunday()) {
            return None;
        }
        let time_ticks = i64::from(hour) * TICKS_PER_HOUR
            + i64::from(self.minute) * TICKS_PER_MINUTE
            + i64::from(self.second) * TICKS_PER_SECOND
            + self.fraction_ticks;
        let wall = DateTime::from_date(date, time_ticks, Kind::Unspecified)?;
        match self.zone {
            None => Some(wall),
            Some(Zone::Utc) => Some(wall.with_kind(Kind::Utc)),
            // .NET's offset range is ±14 hours.
            Some(Zone::Offset(minutes)) if minutes.abs() <= 14 * 60 => {
                wall.add_ticks(-i128::from(minutes) * i128::from(TICKS_PER_MINUTE)).map(|t| t.with_kind(Kind::Local))
            }
            Some(Zone::Offset(_)) => None,
        }
    }
}

/// Ticks for a run of fraction digits, rounded to the nearest tick as .NET does.
fn fraction_ticks(digits: &str) -> i64 {
    let mut ticks: i64 = 0;
    for (i, c) in digits.chars().take(7).enumerate() {
        ticks += i64::from(c.to_digit(10).unwrap_or(0)) * 10_i64.pow(6 - i as u32);
    }
    if digits.chars().nth(7).and_then(|c| c.to_digit(10)).is_some_and(|d| d >= 5) {
        ticks += 1;
    }
    ticks
}

// ---------------------------------------------------------------------------------------------
// DateTime.Parse

#[derive(Clone, Debug, PartialEq)]
enum Lexeme {
    Number(String),
    Word(String),
    Designator { pm: bool },
    Symbol(char),
    Space,
}

fn lex(text: &str, culture: &Culture) -> Option<Vec<Lexeme>> {
    let chars: Vec<char> = text.chars().collect();
    let mut lexemes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            lexemes.push(Lexeme::Number(chars[i..i + run].iter().collect()));
            i += run;
        } else if c.is_whitespace() {
            i += chars[i..].iter().take_while(|c| c.is_whitespace()).count();
            lexemes.push(Lexeme::Space);
        } else if c.is_alphabetic() {
            if let Some((pm, len)) = designator_at(&chars[i..], culture) {
                lexemes.push(Lexeme::Designator { pm });
                i += len;
                continue;
            }
            let run = chars[i..].iter().take_while(|c| c.is_alphabetic()).count();
            let mut word: String = chars[i..i + run].iter().collect::<String>().to_lowercase();
            i += run;
            // Abbreviations keep their dot ("janv.", "ene.") so they can be told from words.
            if chars.get(i) == Some(&'.') {
                word.push('.');
                i += 1;
            }
            lexemes.push(Lexeme::Word(word));
        } else if matches!(c, '-' | '+' | '/' | '.' | ',' | ':') {
            lexemes.push(Lexeme::Symbol(c));
            i += 1;
        } else {
            return None;
        }
    }
    Some(lexemes)
}

/// An AM/PM designator starting here, not followed by more letters: (is PM, length).
fn designator_at(chars: &[char], culture: &Culture) -> Option<(bool, usize)> {
    let candidates = [(culture.am, false), (culture.pm, true), ("AM", false), ("PM", true), ("a.m.", false), ("p.m.", true)];
    candidates.into_iter().filter(|(text, _)| !text.is_empty()).find_map(|(text, pm)| {
        let len = text.chars().count();
        let matches = chars.len() >= len
            && chars[..len].iter().zip(text.chars()).all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
            && !chars.get(len).is_some_and(|c| c.is_alphabetic());
        matches.then_some((pm, len))
    })
}

/// A month (1-based) or weekday (Sunday = 0) name, full or abbreviated, in the culture or in
/// English.
fn month_named(word: &str, culture: &Culture) -> Option<u32> {
    let cultures = [culture, &INVARIANT];
    let find = |names: &[&str]| names.iter().position(|name| name_matches(word, name)).map(|i| i as u32 + 1);
    cultures.iter().find_map(|c| find(&c.months)).or_else(|| cultures.iter().find_map(|c| find(&c.months_abbreviated)))
}

fn day_named(word: &str, culture: &Culture) -> Option<u32> {
    let cultures = [culture, &INVARIANT];
    let find = |names: &[&str]| names.iter().position(|name| name_matches(word, name)).map(|i| i as u32);
    cultures.iter().find_map(|c| find(&c.days)).or_else(|| cultures.iter().find_map(|c| find(&c.days_abbreviated)))
}

fn name_matches(word: &str, name: &str) -> bool {
    let name = name.to_lowercase();
    !name.is_empty()
        && !name.chars().all(|c| c.is_ascii_digit())
        && (word == name || word.trim_end_matches('.') == name.trim_end_matches('.'))
}

/// A number with how many digits it was written with.
struct Number {
    value: u32,
    digits: usize,
}

impl Number {
    fn read(text: &str) -> Option<Number> {
        (text.len() <= 9).then_some(())?;
        Some(Number { value: text.parse().ok()?, digits: text.len() })
    }

    /// A four-digit (or longer) number, or one that cannot be a day, is a year.
    fn is_year(&self) -> bool {
        self.digits >= 3 || self.value > 31
    }

    fn year(&self) -> i32 {
        if self.digits <= 2 {
            expand_two_digit_year(self.value as i32)
        } else {
            self.value as i32
        }
    }
}

/// `DateTime.Parse(text, culture, DateTimeStyles.RoundtripKind)`; `today` fills a missing date.
pub fn parse(text: &str, culture: &Culture, today: NaiveDate) -> Option<DateTime> {
    let lexemes = lex(text.trim(), culture)?;
    let mut fields = Fields::default();
    let mut numbers: Vec<Number> = Vec::new();
    let mut has_time = false;
    // An offset's sign can only follow the time or `Z`/`GMT`; elsewhere `-` separates dates.
    let mut offset_allowed = false;
    let mut i = 0;
    let peek = |i: usize| lexemes.get(i);
    while i < lexemes.len() {
        let follows_time_or_zone = std::mem::replace(&mut offset_allowed, false);
        match &lexemes[i] {
            Lexeme::Number(digits) => {
                if peek(i + 1) == Some(&Lexeme::Symbol(':')) {
                    if has_time {
                        return None;
                    }
                    i = read_time(&lexemes, i, &mut fields)?;
                    has_time = true;
                    offset_allowed = true;
                    continue;
                }
                let hour_then_designator = matches!(peek(i + 1), Some(Lexeme::Designator { .. }))
                    || (peek(i + 1) == Some(&Lexeme::Space) && matches!(peek(i + 2), Some(Lexeme::Designator { .. })));
                if hour_then_designator && !has_time {
                    fields.hour = Some(Number::read(digits)?.value);
                    has_time = true;
                } else if numbers.len() < 3 {
                    numbers.push(Number::read(digits)?);
                } else {
                    return None;
                }
            }
            Lexeme::Symbol(sign @ ('+' | '-')) if follows_time_or_zone => {
                let negative = *sign == '-';
                let (minutes, next) = read_offset(&lexemes, i + 1)?;
                if matches!(fields.zone, Some(Zone::Offset(_))) {
                    return None;
                }
                fields.zone = Some(Zone::Offset(if negative { -minutes } else { minutes }));
                i = next;
                continue;
            }
            Lexeme::Space => offset_allowed = follows_time_or_zone,
            Lexeme::Symbol('-' | '/' | '.' | ',') => {}
            Lexeme::Symbol(_) => return None,
            Lexeme::Designator { pm } => {
                if fields.pm.is_some() || !has_time {
                    return None;
                }
                fields.pm = Some(*pm);
                offset_allowed = true;
            }
            Lexeme::Word(word) => {
                let word = word.as_str();
                if word == "t" && !has_time {
                    // The ISO 8601 date/time separator.
                } else if word == "z" || word == "gmt" || word == "utc" {
                    if fields.zone.is_some() {
                        return None;
                    }
                    fields.zone = Some(Zone::Utc);
                    offset_allowed = true;
                } else if culture.filler_words.iter().any(|filler| filler.to_lowercase() == word.trim_end_matches('.')) {
                    // Checked before names: Japanese 月 and 日 are also weekday abbreviations.
                } else if let Some(month) = month_named(word, culture) {
                    if fields.month.replace(month).is_some() {
                        return None;
                    }
                } else if let Some(day) = day_named(word, culture) {
                    fields.day_of_week = Some(day);
                } else {
                    return None;
                }
            }
        }
        i += 1;
    }
    resolve_date(&numbers, &mut fields, culture)?;
    if fields.year.is_none() && fields.month.is_none() && !has_time {
        return None;
    }
    fields.build(today)
}

/// `h:m[:s[.fraction]]` from `lexemes[start]`; returns the index after it.
fn read_time(lexemes: &[Lexeme], start: usize, fields: &mut Fields) -> Option<usize> {
    let number = |i: usize| match lexemes.get(i) {
        Some(Lexeme::Number(digits)) if digits.len() <= 2 => digits.parse::<u32>().ok(),
        _ => None,
    };
    fields.hour = Some(number(start)?);
    fields.minute = number(start + 2)?;
    let mut i = start + 3;
    if lexemes.get(i) == Some(&Lexeme::Symbol(':')) {
        fields.second = number(i + 1)?;
        i += 2;
        if let (Some(Lexeme::Symbol('.')), Some(Lexeme::Number(digits))) = (lexemes.get(i), lexemes.get(i + 1)) {
            fields.fraction_ticks = fraction_ticks(digits);
            i += 2;
        }
    }
    Some(i)
}

/// `hh`, `hhmm` or `hh:mm` after an offset's sign: (minutes, index after it).
fn read_offset(lexemes: &[Lexeme], start: usize) -> Option<(i64, usize)> {
    let Some(Lexeme::Number(digits)) = lexemes.get(start) else { return None };
    let value: i64 = digits.parse().ok()?;
    match digits.len() {
        1 | 2 => {
            if let (Some(Lexeme::Symbol(':')), Some(Lexeme::Number(minutes))) = (lexemes.get(start + 1), lexemes.get(start + 2)) {
                let minutes: i64 = (minutes.len() == 2).then(|| minutes.parse().ok()).flatten()?;
                (minutes < 60).then_some((value * 60 + minutes, start + 3))
            } else {
                Some((value * 60, start + 1))
            }
        }
        4 => (value % 100 < 60).then_some((value / 100 * 60 + value % 100, start + 1)),
        _ => None,
    }
}

/// Year, month and day from the numbers (and a month name), in the culture's order.
fn resolve_date(numbers: &[Number], fields: &mut Fields, culture: &Culture) -> Option<()> {
    let order = culture.date_order();
    match (fields.month, numbers) {
        (_, []) => {}
        (Some(_), [only]) => {
            if only.is_year() {
                fields.year = Some(only.year());
            } else {
                fields.day = Some(only.value);
            }
        }
        (Some(_), [a, b]) => {
            let (day, year) = if a.is_year() && !b.is_year() { (b, a) } else { (a, b) };
            fields.day = Some(day.value);
            fields.year = Some(year.year());
        }
        (None, [a, b]) => {
            if a.is_year() {
                (fields.year, fields.month) = (Some(a.year()), Some(b.value));
            } else if b.digits >= 3 {
                (fields.month, fields.year) = (Some(a.value), Some(b.year()));
            } else if order == DateOrder::DayMonthYear {
                (fields.day, fields.month) = (Some(a.value), Some(b.value));
            } else {
                (fields.month, fields.day) = (Some(a.value), Some(b.value));
            }
        }
        (None, [a, b, c]) => {
            let (year, month, day) = if a.is_year() || order == DateOrder::YearMonthDay {
                (a, b, c)
            } else if order == DateOrder::DayMonthYear {
                (c, b, a)
            } else {
                (c, a, b)
            };
            fields.year = Some(year.year());
            fields.month = Some(month.value);
            fields.day = Some(day.value);
        }
        // A lone number, or three numbers beside a month name.
        _ => return None,
    }
    Some(())
}

// ---------------------------------------------------------------------------------------------
// DateTime.ParseExact

/// `DateTime.ParseExact(text, format, culture, DateTimeStyles.RoundtripKind)`: `Ok(None)` when
/// the text does not match, `Err` when the format itself is invalid.
pub fn parse_exact(text: &str, format: &str, culture: &'static Culture, today: NaiveDate) -> Result<Option<DateTime>, InvalidFormat> {
    let (pattern, culture) = resolve(format, culture)?;
    let tokens = tokenize(&pattern)?;
    let chars: Vec<char> = text.chars().collect();
    let mut reader = Reader { chars: &chars, at: 0 };
    let mut fields = Fields::default();
    let matched = tokens.iter().all(|token| reader.token(token, &mut fields, culture).is_some());
    if !matched || reader.at != chars.len() {
        return Ok(None);
    }
    Ok(fields.build(today))
}

struct Reader<'a> {
    chars: &'a [char],
    at: usize,
}

impl Reader<'_> {
    fn token(&mut self, token: &Token, fields: &mut Fields, culture: &Culture) -> Option<()> {
        match *token {
            Token::Year(n) => {
                let (value, digits) = self.digits(if n == 1 { 1 } else { n }, if n <= 2 { 2 } else { n })?;
                fields.year = Some(if digits <= 2 { expand_two_digit_year(value as i32) } else { value as i32 });
            }
            Token::Month(n @ (1 | 2)) => fields.month = Some(self.number(n)?),
            Token::Month(3) => fields.month = Some(self.name(&culture.months_abbreviated)? as u32 + 1),
            Token::Month(_) => fields.month = Some(self.name(&culture.months)? as u32 + 1),
            Token::Day(n @ (1 | 2)) => fields.day = Some(self.number(n)?),
            Token::Day(3) => fields.day_of_week = Some(self.name(&culture.days_abbreviated)? as u32),
            Token::Day(_) => fields.day_of_week = Some(self.name(&culture.days)? as u32),
            Token::Hour12(n) | Token::Hour24(n) => fields.hour = Some(self.number(n)?),
            Token::Minute(n) => fields.minute = self.number(n)?,
            Token::Second(n) => fields.second = self.number(n)?,
            Token::Fraction(n) => {
                let start = self.at;
                self.digits(n, n)?;
                fields.fraction_ticks = fraction_ticks(&self.chars[start..self.at].iter().collect::<String>());
            }
            Token::FractionTrimmed(n) => {
                let start = self.at;
                let count = self.chars[start..].iter().take(n).take_while(|c| c.is_ascii_digit()).count();
                self.at += count;
                fields.fraction_ticks = fraction_ticks(&self.chars[start..self.at].iter().collect::<String>());
            }
            Token::Designator(n) => {
                let (am, pm) = if n == 1 {
                    (culture.am.chars().take(1).collect::<String>(), culture.pm.chars().take(1).collect::<String>())
                } else {
                    (culture.am.to_string(), culture.pm.to_string())
                };
                if !am.is_empty() && self.literal(&am) {
                    fields.pm = Some(false);
                } else if !pm.is_empty() && self.literal(&pm) {
                    fields.pm = Some(true);
                } else if !(am.is_empty() && pm.is_empty()) {
                    return None;
                }
            }
            Token::Era => {
                self.literal(culture.era);
            }
            Token::Offset(_) => fields.zone = Some(self.offset()?),
            Token::KindSuffix => {
                if self.literal("Z") {
                    fields.zone = Some(Zone::Utc);
                } else if matches!(self.chars.get(self.at), Some('+' | '-')) {
                    fields.zone = Some(self.offset()?);
                }
            }
            Token::TimeSeparator => self.literal(culture.time_separator).then_some(())?,
            Token::DateSeparator => self.literal(culture.date_separator).then_some(())?,
            Token::Literal(ref text) => self.literal(text).then_some(())?,
        }
        Some(())
    }

    /// Between `min` and `max` digits, as many as there are: (value, digit count).
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let count = self.chars[self.at..].iter().take(max.min(9)).take_while(|c| c.is_ascii_digit()).count();
        if count < min {
            return None;
        }
        let value = self.chars[self.at..self.at + count].iter().collect::<String>().parse().ok()?;
        self.at += count;
        Some((value, count))
    }

    /// One specifier letter reads one or two digits; two letters read exactly two.
    fn number(&mut self, letters: usize) -> Option<u32> {
        let (min, max) = if letters == 1 { (1, 2) } else { (2, 2) };
        self.digits(min, max).map(|(value, _)| value)
    }

    /// The longest of the names that the text continues with, case-insensitively.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (index, name) in names.iter().enumerate() {
            for candidate in [*name, name.trim_end_matches('.')] {
                let len = candidate.chars().count();
                if len > 0 && self.continues_with(candidate) && best.is_none_or(|(_, best_len)| len > best_len) {
                    best = Some((index, len));
                }
            }
        }
        let (index, len) = best?;
        self.at += len;
        Some(index)
    }

    /// Whether the unread text starts with `text`, compared character by character ignoring case.
    fn continues_with(&self, text: &str) -> bool {
        let len = text.chars().count();
        self.chars.len() - self.at >= len
            && self.chars[self.at..self.at + len].iter().zip(text.chars()).all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
    }

    fn literal(&mut self, text: &str) -> bool {
        let matches = self.continues_with(text);
        if matches {
            self.at += text.chars().count();
        }
        matches
    }

    /// `+h`, `+hh`, `+hh:mm` or `+hhmm`.
    fn offset(&mut self) -> Option<Zone> {
        let negative = match self.chars.get(self.at) {
            Some('+') => false,
            Some('-') => true,
            _ => return None,
        };
        self.at += 1;
        let (hours, _) = self.digits(1, 2)?;
        let minutes = if self.literal(":") {
            self.digits(2, 2)?.0
        } else {
            self.digits(2, 2).map_or(0, |(m, _)| m)
        };
        if minutes > 59 {
            return None;
        }
        let total = i64::from(hours) * 60 + i64::from(minutes);
        Some(Zone::Offset(if negative { -total } else { total }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::datetime::culture::{lookup, EN_US};
    use crate::functions::datetime::format::format;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 6, 1).unwrap()
    }

    /// The parse, printed with `o` so kind and fraction show.
    fn p(text: &str) -> Option<String> {
        parse(text, &INVARIANT, today()).map(|t| format(t, "o", &EN_US).unwrap())
    }

    fn p_in(text: &str, locale: &str) -> Option<String> {
        parse(text, lookup(locale).unwrap(), today()).map(|t| format(t, "o", &EN_US).unwrap())
    }

    #[test]
    fn iso_8601() {
        assert_eq!(p("2018-03-15T13:27:36Z").as_deref(), Some("2018-03-15T13:27:36.0000000Z"));
        assert_eq!(p("2018-03-15T13:27:36.1234567Z").as_deref(), Some("2018-03-15T13:27:36.1234567Z"));
        assert_eq!(p("2018-03-15T13:27:36.123456789").as_deref(), Some("2018-03-15T13:27:36.1234568"));
        assert_eq!(p("2018-03-15").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("2018-3-5 7:05").as_deref(), Some("2018-03-05T07:05:00.0000000"));
        assert_eq!(p(" 2018-03-15T13:27 ").as_deref(), Some("2018-03-15T13:27:00.0000000"));
        assert_eq!(p("2018-03").as_deref(), Some("2018-03-01T00:00:00.0000000"));
        assert_eq!(p("2018/03/15").as_deref(), Some("2018-03-15T00:00:00.0000000"));
    }

    #[test]
    fn offsets_become_utc_in_local_kind() {
        assert_eq!(p("2018-03-15T13:27:36+02:00").as_deref(), Some("2018-03-15T11:27:36.0000000+00:00"));
        assert_eq!(p("2018-12-15T05:00:00+13:00").as_deref(), Some("2018-12-14T16:00:00.0000000+00:00"));
        assert_eq!(p("2018-03-15T13:27:36-0800").as_deref(), Some("2018-03-15T21:27:36.0000000+00:00"));
        assert_eq!(p("2018-03-15T13:27:36-08").as_deref(), Some("2018-03-15T21:27:36.0000000+00:00"));
        assert_eq!(p("2018-03-15T13:27:36.0000000+00:00").as_deref(), Some("2018-03-15T13:27:36.0000000+00:00"));
        assert_eq!(p("2018-03-15T13:27:36+15:00"), None);
        assert_eq!(p("0001-01-01T00:00:00+01:00"), None);
    }

    #[test]
    fn us_and_named_forms() {
        assert_eq!(p("03/15/2018").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("3/15/2018 1:30 PM").as_deref(), Some("2018-03-15T13:30:00.0000000"));
        assert_eq!(p("3/15/2018 12:05:09 AM").as_deref(), Some("2018-03-15T00:05:09.0000000"));
        assert_eq!(p("3/15/18").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("3/15/75").as_deref(), Some("1975-03-15T00:00:00.0000000"));
        assert_eq!(p("01/01/2018 00:00:00").as_deref(), Some("2018-01-01T00:00:00.0000000"));
        assert_eq!(p("March 15, 2018").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("15 March 2018 3 PM").as_deref(), Some("2018-03-15T15:00:00.0000000"));
        assert_eq!(p("15-Mar-2018").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("Thursday, March 15, 2018").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p("Thu, 15 Mar 2018 13:27:36 GMT").as_deref(), Some("2018-03-15T13:27:36.0000000Z"));
        assert_eq!(p("1970-01-01Z00:00:00").as_deref(), Some("1970-01-01T00:00:00.0000000Z"));
        assert_eq!(p("13:00 2018-03-15").as_deref(), Some("2018-03-15T13:00:00.0000000"));
        assert_eq!(p("2018-03-15 1:30 PM -05:00").as_deref(), Some("2018-03-15T18:30:00.0000000+00:00"));
    }

    #[test]
    fn a_time_alone_is_today() {
        assert_eq!(p("13:27").as_deref(), Some("2020-06-01T13:27:00.0000000"));
        assert_eq!(p("1:30 pm").as_deref(), Some("2020-06-01T13:30:00.0000000"));
        assert_eq!(p("March 15").as_deref(), Some("2020-03-15T00:00:00.0000000"));
    }

    #[test]
    fn invalid_texts() {
        for bad in [
            "",
            "not a date",
            "15/03/2018",
            "2018-02-30",
            "2018-03-15T24:00:00",
            "2018-03-15T13:60",
            "13 PM",
            "2018",
            "20180315",
            "Friday, March 15, 2018",
            "2018-03-15T13:27:36Zjunk",
            "10000-01-01",
            "3/15/2018 1:30 PM PM",
            "99999999999999999999",
            "2018-03-15 @ 13:00",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn culture_order_and_names() {
        assert_eq!(p_in("20/10/2014", "fr-fr").as_deref(), Some("2014-10-20T00:00:00.0000000"));
        assert_eq!(p_in("20 octobre 2010", "fr-FR").as_deref(), Some("2010-10-20T00:00:00.0000000"));
        assert_eq!(p_in("martes 20 octubre 2020", "es-es").as_deref(), Some("2020-10-20T00:00:00.0000000"));
        assert_eq!(p_in("martes, 20 de octubre de 2020", "es-ES").as_deref(), Some("2020-10-20T00:00:00.0000000"));
        assert_eq!(p_in("15.03.2018 14:00", "de-DE").as_deref(), Some("2018-03-15T14:00:00.0000000"));
        assert_eq!(p_in("15. März 2018", "de-DE").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p_in("2018/03/15", "ja-JP").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p_in("2018年3月15日", "ja-JP").as_deref(), Some("2018-03-15T00:00:00.0000000"));
        assert_eq!(p_in("15/03/2018 1:30 PM", "en-GB").as_deref(), Some("2018-03-15T13:30:00.0000000"));
        assert_eq!(p_in("janv. 5 2018", "fr-FR").as_deref(), Some("2018-01-05T00:00:00.0000000"));
    }

    /// Pseudo-random strings of date-like characters through every entry point: errors are
    /// fine, panics are not.
    #[test]
    fn arbitrary_input_never_panics() {
        let alphabet: Vec<char> = "0123456789-+/.:, TZtzAPMmdyHhsfFKgz'\"\\%İßé年月日午後abcxyzGMTOct".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for _ in 0..5_000 {
            let len = next(24);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for locale in ["en-US", "fr-FR", "ja-JP", "es-ES"] {
                let culture = lookup(locale).unwrap();
                let _ = parse(&text, culture, today());
                let _ = parse_exact(&text, &text, culture, today());
                let _ = parse_exact("2018-03-15T10:00:00Z", &text, culture, today());
                if let Some(value) = parse("2018-03-15T10:00:00.5Z", culture, today()) {
                    let _ = format(value, &text, culture);
                }
            }
            let _ = crate::functions::datetime::timespan::parse(&text);
            let _ = crate::functions::datetime::timespan::format(123_456_789, &text, &EN_US);
        }
    }

    fn exact(text: &str, locale: &str, fmt: &str) -> Option<String> {
        parse_exact(text, fmt, lookup(locale).unwrap(), today()).unwrap().map(|t| format(t, "o", &EN_US).unwrap())
    }

    #[test]
    fn exact_formats() {
        assert_eq!(exact("21052019", "fr-fr", "ddMMyyyy").as_deref(), Some("2019-05-21T00:00:00.0000000"));
        assert_eq!(exact("20190521", "fr-fr", "yyyyMMdd").as_deref(), Some("2019-05-21T00:00:00.0000000"));
        assert_eq!(exact("10/20/2014 15h", "en-US", "MM/dd/yyyy HH\\h").as_deref(), Some("2014-10-20T15:00:00.0000000"));
        assert_eq!(exact("3/5/2018 1:07 PM", "en-US", "g").as_deref(), Some("2018-03-05T13:07:00.0000000"));
        assert_eq!(exact("lundi 5 mars 2018", "fr-FR", "D").as_deref(), Some("2018-03-05T00:00:00.0000000"));
        assert_eq!(exact("2018-03-05T13:07:06.1200000Z", "en-US", "o").as_deref(), Some("2018-03-05T13:07:06.1200000Z"));
        assert_eq!(exact("2018-03-05T13:07:06.1200000", "en-US", "o").as_deref(), Some("2018-03-05T13:07:06.1200000"));
        assert_eq!(
            exact("2018-03-05T13:07:06.1200000+01:00", "en-US", "o").as_deref(),
            Some("2018-03-05T12:07:06.1200000+00:00")
        );
        assert_eq!(exact("05 mar 18", "en-US", "dd MMM yy").as_deref(), Some("2018-03-05T00:00:00.0000000"));
        assert_eq!(exact("12:30", "en-US", "HH:mm").as_deref(), Some("2020-06-01T12:30:00.0000000"));
        assert_eq!(exact("2018", "en-US", "yyyy").as_deref(), Some("2018-01-01T00:00:00.0000000"));
        assert_eq!(exact("1.5", "en-US", "s.FFF").as_deref(), Some("2020-06-01T00:00:01.5000000"));
        // Text left over, too few digits, a wrong weekday, a wrong separator: no match.
        assert_eq!(exact("21052019x", "fr-fr", "ddMMyyyy"), None);
        assert_eq!(exact("2152019", "fr-fr", "ddMMyyyy"), None);
        assert_eq!(exact("Tuesday 5 March 2018", "en-US", "dddd d MMMM yyyy"), None);
        assert_eq!(exact("05-03-2018", "de-DE", "dd/MM/yyyy"), None);
        assert_eq!(parse_exact("x", "'open", &EN_US, today()), Err(InvalidFormat));
    }
}
