//! .NET date and time format strings: the standard one-letter specifiers and custom patterns,
//! turned into tokens that both formatting and exact parsing (`parseDateTime` with a format) use.

use std::borrow::Cow;

use super::culture::{Culture, INVARIANT};
use super::dotnet::{DateTime, Kind};

/// One element of a custom pattern; the number is how many times its letter was repeated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Year(usize),
    Month(usize),
    Day(usize),
    Hour12(usize),
    Hour24(usize),
    Minute(usize),
    Second(usize),
    /// `f…`: exactly n fraction digits.
    Fraction(usize),
    /// `F…`: up to n fraction digits, trailing zeros dropped.
    FractionTrimmed(usize),
    /// `t` / `tt`: AM/PM designator.
    Designator(usize),
    /// `g`
    Era,
    /// `z`, `zz`, `zzz`: offset from UTC.
    Offset(usize),
    /// `K`: `Z`, an offset or nothing, by the value's kind.
    KindSuffix,
    /// `:`, the culture's time separator.
    TimeSeparator,
    /// `/`, the culture's date separator.
    DateSeparator,
    Literal(String),
}

/// .NET's `FormatException`: the format string cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidFormat;

const ROUND_TRIP: &str = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK";
const RFC1123: &str = "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
const SORTABLE: &str = "yyyy'-'MM'-'dd'T'HH':'mm':'ss";
const UNIVERSAL_SORTABLE: &str = "yyyy'-'MM'-'dd HH':'mm':'ss'Z'";

/// The custom pattern a format string stands for, and the culture to apply it with (the
/// round-trip, RFC 1123 and sortable formats always use the invariant culture).
pub fn resolve<'f>(format: &'f str, culture: &'static Culture) -> Result<(Cow<'f, str>, &'static Culture), InvalidFormat> {
    let mut chars = format.chars();
    let standard = match (chars.next(), chars.next()) {
        // An empty format is `G`, as in `DateTime.ToString("")`.
        (None, _) => 'G',
        (Some(c), None) => c,
        _ => return Ok((Cow::Borrowed(format), culture)),
    };
    let joined = |a: &str, b: &str| Cow::Owned(format!("{a} {b}"));
    Ok(match standard {
        'd' => (Cow::Borrowed(culture.short_date), culture),
        'D' => (Cow::Borrowed(culture.long_date), culture),
        'f' => (joined(culture.long_date, culture.short_time), culture),
        'F' | 'U' => (joined(culture.long_date, culture.long_time), culture),
        'g' => (joined(culture.short_date, culture.short_time), culture),
        'G' => (joined(culture.short_date, culture.long_time), culture),
        'm' | 'M' => (Cow::Borrowed(culture.month_day), culture),
        'o' | 'O' => (Cow::Borrowed(ROUND_TRIP), &INVARIANT),
        'r' | 'R' => (Cow::Borrowed(RFC1123), &INVARIANT),
        's' => (Cow::Borrowed(SORTABLE), &INVARIANT),
        't' => (Cow::Borrowed(culture.short_time), culture),
        'T' => (Cow::Borrowed(culture.long_time), culture),
        'u' => (Cow::Borrowed(UNIVERSAL_SORTABLE), &INVARIANT),
        'y' | 'Y' => (Cow::Borrowed(culture.year_month), culture),
        _ => return Err(InvalidFormat),
    })
}

pub fn tokenize(pattern: &str) -> Result<Vec<Token>, InvalidFormat> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(InvalidFormat),
                        Some(&q) if q == c => break,
                        Some('\\') => {
                            text.push(*chars.get(i + 1).ok_or(InvalidFormat)?);
                            i += 2;
                        }
                        Some(&other) => {
                            text.push(other);
                            i += 1;
                        }
                    }
                }
                i += 1;
                push_literal(&mut tokens, &text);
            }
            '\\' => {
                let escaped = chars.get(i + 1).ok_or(InvalidFormat)?;
                push_literal(&mut tokens, &escaped.to_string());
                i += 2;
            }
            // `%x` is the single custom specifier `x` (so `%d` is the day, not the short date).
            '%' => match chars.get(i + 1) {
                None | Some('%' | '\'' | '"' | '\\') => return Err(InvalidFormat),
                Some(&next) => {
                    push_field(&mut tokens, next, 1)?;
                    i += 2;
                }
            },
            _ => {
                let run = if is_repeatable(c) { chars[i..].iter().take_while(|&&x| x == c).count() } else { 1 };
                push_field(&mut tokens, c, run)?;
                i += run;
            }
        }
    }
    Ok(tokens)
}

fn is_repeatable(c: char) -> bool {
    matches!(c, 'y' | 'M' | 'd' | 'h' | 'H' | 'm' | 's' | 'f' | 'F' | 't' | 'g' | 'z')
}

fn push_field(tokens: &mut Vec<Token>, c: char, count: usize) -> Result<(), InvalidFormat> {
    let token = match c {
        'y' => Token::Year(count),
        'M' => Token::Month(count),
        'd' => Token::Day(count),
        'h' => Token::Hour12(count),
        'H' => Token::Hour24(count),
        'm' => Token::Minute(count),
        's' => Token::Second(count),
        'f' if count <= 7 => Token::Fraction(count),
        'F' if count <= 7 => Token::FractionTrimmed(count),
        'f' | 'F' => return Err(InvalidFormat),
        't' => Token::Designator(count),
        'g' => Token::Era,
        'z' => Token::Offset(count),
        'K' => Token::KindSuffix,
        ':' => Token::TimeSeparator,
        '/' => Token::DateSeparator,
        other => {
            push_literal(tokens, &other.to_string());
            return Ok(());
        }
    };
    tokens.push(token);
    Ok(())
}

fn push_literal(tokens: &mut Vec<Token>, text: &str) {
    if let Some(Token::Literal(last)) = tokens.last_mut() {
        last.push_str(text);
    } else if !text.is_empty() {
        tokens.push(Token::Literal(text.to_string()));
    }
}

/// `DateTime.ToString(format, culture)`.
pub fn format(value: DateTime, format: &str, culture: &'static Culture) -> Result<String, InvalidFormat> {
    let (pattern, culture) = resolve(format, culture)?;
    let tokens = tokenize(&pattern)?;
    let mut out = String::new();
    for token in &tokens {
        write_token(&mut out, token, value, culture);
    }
    Ok(out)
}

fn write_token(out: &mut String, token: &Token, value: DateTime, culture: &Culture) {
    match *token {
        Token::Year(n) => {
            let year = value.year();
            match n {
                1 => out.push_str(&(year % 100).to_string()),
                2 => out.push_str(&format!("{:02}", year % 100)),
                _ => out.push_str(&format!("{year:0n$}")),
            }
        }
        Token::Month(n) => {
            let month = value.month() as usize;
            match n {
                1 | 2 => push_number(out, month as u32, n),
                3 => out.push_str(culture.months_abbreviated[month - 1]),
                _ => out.push_str(culture.months[month - 1]),
            }
        }
        Token::Day(n) => match n {
            1 | 2 => push_number(out, value.day(), n),
            3 => out.push_str(culture.days_abbreviated[value.day_of_week() as usize]),
            _ => out.push_str(culture.days[value.day_of_week() as usize]),
        },
        Token::Hour12(n) => {
            let hour = match value.hour() % 12 {
                0 => 12,
                h => h,
            };
            push_number(out, hour, n);
        }
        Token::Hour24(n) => push_number(out, value.hour(), n),
        Token::Minute(n) => push_number(out, value.minute(), n),
        Token::Second(n) => push_number(out, value.second(), n),
        Token::Fraction(n) => out.push_str(&fraction_digits(value, n)),
        Token::FractionTrimmed(n) => {
            let digits = fraction_digits(value, n);
            let trimmed = digits.trim_end_matches('0');
            if trimmed.is_empty() {
                // .NET drops the decimal point that would otherwise dangle: `ss.FFF` → `36`.
                if out.ends_with('.') {
                    out.pop();
                }
            } else {
                out.push_str(trimmed);
            }
        }
        Token::Designator(n) => {
            let designator = if value.hour() < 12 { culture.am } else { culture.pm };
            if n == 1 {
                out.extend(designator.chars().next());
            } else {
                out.push_str(designator);
            }
        }
        Token::Era => out.push_str(culture.era),
        // The offset of the server's local time zone, which is UTC for the runtime, whatever the
        // kind (a UTC value also prints +00:00 in .NET).
        Token::Offset(n) => out.push_str(match n {
            1 => "+0",
            2 => "+00",
            _ => "+00:00",
        }),
        Token::KindSuffix => out.push_str(match value.kind() {
            Kind::Unspecified => "",
            Kind::Utc => "Z",
            Kind::Local => "+00:00",
        }),
        Token::TimeSeparator => out.push_str(culture.time_separator),
        Token::DateSeparator => out.push_str(culture.date_separator),
        Token::Literal(ref text) => out.push_str(text),
    }
}

fn push_number(out: &mut String, value: u32, count: usize) {
    if count == 1 {
        out.push_str(&value.to_string());
    } else {
        out.push_str(&format!("{value:02}"));
    }
}

/// The first `count` of the seven fraction digits, truncated as .NET does.
fn fraction_digits(value: DateTime, count: usize) -> String {
    let digits = format!("{:07}", value.fraction());
    digits[..count.min(7)].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::datetime::culture::{lookup, EN_US};
    use chrono::NaiveDate;

    fn value(kind: Kind) -> DateTime {
        let naive = NaiveDate::from_ymd_opt(2018, 3, 5).unwrap().and_hms_nano_opt(13, 7, 6, 120_000_000).unwrap();
        DateTime::from_naive(naive, kind).unwrap()
    }

    fn f(fmt: &str) -> String {
        format(value(Kind::Utc), fmt, &EN_US).unwrap()
    }

    #[test]
    fn standard_specifiers_in_en_us() {
        assert_eq!(f("o"), "2018-03-05T13:07:06.1200000Z");
        assert_eq!(format(value(Kind::Unspecified), "o", &EN_US).unwrap(), "2018-03-05T13:07:06.1200000");
        assert_eq!(format(value(Kind::Local), "O", &EN_US).unwrap(), "2018-03-05T13:07:06.1200000+00:00");
        assert_eq!(f("d"), "3/5/2018");
        assert_eq!(f("D"), "Monday, March 5, 2018");
        assert_eq!(f("f"), "Monday, March 5, 2018 1:07 PM");
        assert_eq!(f("F"), "Monday, March 5, 2018 1:07:06 PM");
        assert_eq!(f("g"), "3/5/2018 1:07 PM");
        assert_eq!(f("G"), "3/5/2018 1:07:06 PM");
        assert_eq!(f(""), "3/5/2018 1:07:06 PM");
        assert_eq!(f("M"), "March 5");
        assert_eq!(f("m"), "March 5");
        assert_eq!(f("r"), "Mon, 05 Mar 2018 13:07:06 GMT");
        assert_eq!(f("R"), "Mon, 05 Mar 2018 13:07:06 GMT");
        assert_eq!(f("s"), "2018-03-05T13:07:06");
        assert_eq!(f("t"), "1:07 PM");
        assert_eq!(f("T"), "1:07:06 PM");
        assert_eq!(f("u"), "2018-03-05 13:07:06Z");
        assert_eq!(f("U"), "Monday, March 5, 2018 1:07:06 PM");
        assert_eq!(f("y"), "March 2018");
        assert_eq!(f("Y"), "March 2018");
        assert_eq!(format(value(Kind::Utc), "q", &EN_US), Err(InvalidFormat));
        assert_eq!(format(value(Kind::Utc), "h", &EN_US), Err(InvalidFormat));
    }

    #[test]
    fn custom_patterns() {
        assert_eq!(f("yyyy-MM-dd HH:mm:ss"), "2018-03-05 13:07:06");
        assert_eq!(f("yy y yyy yyyyy"), "18 18 2018 02018");
        assert_eq!(f("M MM MMM MMMM"), "3 03 Mar March");
        assert_eq!(f("d dd ddd dddd"), "5 05 Mon Monday");
        assert_eq!(f("h hh H HH hhh"), "1 01 13 13 01");
        assert_eq!(f("m mm s ss"), "7 07 6 06");
        assert_eq!(f("f ff fff ffff fffffff"), "1 12 120 1200 1200000");
        assert_eq!(f("F FF FFF FFFFFFF"), "1 12 12 12");
        assert_eq!(f("ss.FFF"), "06.12");
        assert_eq!(f("t tt"), "P PM");
        assert_eq!(f("z zz zzz K"), "+0 +00 +00:00 Z");
        assert_eq!(f("g"), "3/5/2018 1:07 PM");
        assert_eq!(f("gg yyyy"), "A.D. 2018");
        assert_eq!(f("%d"), "5");
        assert_eq!(f("%M"), "3");
        assert_eq!(f("'Year' yyyy \"day\" d"), "Year 2018 day 5");
        assert_eq!(f("\\h\\H hh"), "hH 01");
        assert_eq!(f("yyyy-MM-ddTHH:mm:ssZ"), "2018-03-05T13:07:06Z");
        assert_eq!(f("dd/MM/yyyy"), "05/03/2018");
    }

    #[test]
    fn a_fraction_of_zero_drops_the_point() {
        let whole = DateTime::from_naive(NaiveDate::from_ymd_opt(2018, 3, 5).unwrap().and_hms_opt(1, 2, 3).unwrap(), Kind::Utc).unwrap();
        assert_eq!(format(whole, "HH:mm:ss.FFF", &EN_US).unwrap(), "01:02:03");
        assert_eq!(format(whole, "HH:mm:ss.fff", &EN_US).unwrap(), "01:02:03.000");
    }

    #[test]
    fn broken_patterns_are_errors() {
        for bad in ["'unterminated", "ends with \\", "%", "%%", "ffffffff", "FFFFFFFF", "x%"] {
            assert_eq!(format(value(Kind::Utc), bad, &EN_US), Err(InvalidFormat), "{bad}");
        }
    }

    #[test]
    fn other_cultures() {
        let fr = lookup("fr-FR").unwrap();
        assert_eq!(format(value(Kind::Utc), "D", fr).unwrap(), "lundi 5 mars 2018");
        assert_eq!(format(value(Kind::Utc), "d", fr).unwrap(), "05/03/2018");
        assert_eq!(format(value(Kind::Utc), "ddd MMM", fr).unwrap(), "lun. mars");
        let de = lookup("de-DE").unwrap();
        assert_eq!(format(value(Kind::Utc), "D", de).unwrap(), "Montag, 5. März 2018");
        assert_eq!(format(value(Kind::Utc), "d", de).unwrap(), "05.03.2018");
        assert_eq!(format(value(Kind::Utc), "MM/dd/yyyy", de).unwrap(), "03.05.2018");
        let es = lookup("es-ES").unwrap();
        assert_eq!(format(value(Kind::Utc), "D", es).unwrap(), "lunes, 5 de marzo de 2018");
        let nl = lookup("nl-NL").unwrap();
        assert_eq!(format(value(Kind::Utc), "d", nl).unwrap(), "5-3-2018");
        assert_eq!(format(value(Kind::Utc), "dddd d MMMM", nl).unwrap(), "maandag 5 maart");
        let gb = lookup("en-GB").unwrap();
        assert_eq!(format(value(Kind::Utc), "d", gb).unwrap(), "05/03/2018");
        assert_eq!(format(value(Kind::Utc), "D", gb).unwrap(), "05 March 2018");
        let ja = lookup("ja-JP").unwrap();
        assert_eq!(format(value(Kind::Utc), "d", ja).unwrap(), "2018/03/05");
        assert_eq!(format(value(Kind::Utc), "D", ja).unwrap(), "2018年3月5日");
        assert_eq!(format(value(Kind::Utc), "dddd tt h:mm", ja).unwrap(), "月曜日 午後 1:07");
        // The invariant formats ignore the culture.
        assert_eq!(format(value(Kind::Utc), "r", fr).unwrap(), "Mon, 05 Mar 2018 13:07:06 GMT");
    }
}
