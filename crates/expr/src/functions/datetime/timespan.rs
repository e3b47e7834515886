//! .NET `TimeSpan` text: what `dateDifference` returns (`1268.00:00:00`) and what the
//! designer's `formatTimeSpan` reads and formats.

use super::culture::Culture;
use super::dotnet::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND};
use super::format::InvalidFormat;

struct Parts {
    negative: bool,
    days: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
    fraction: u64,
}

fn parts(ticks: i64) -> Parts {
    let magnitude = ticks.unsigned_abs();
    let (day, hour, minute, second) =
        (TICKS_PER_DAY as u64, TICKS_PER_HOUR as u64, TICKS_PER_MINUTE as u64, TICKS_PER_SECOND as u64);
    Parts {
        negative: ticks < 0,
        days: magnitude / day,
        hours: magnitude % day / hour,
        minutes: magnitude % hour / minute,
        seconds: magnitude % minute / second,
        fraction: magnitude % second,
    }
}

/// The constant (`c`) format, `TimeSpan.ToString()`: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn to_constant_string(ticks: i64) -> String {
    let p = parts(ticks);
    let mut out = String::new();
    if p.negative {
        out.push('-');
    }
    if p.days > 0 {
        out.push_str(&format!("{}.", p.days));
    }
    out.push_str(&format!("{:02}:{:02}:{:02}", p.hours, p.minutes, p.seconds));
    if p.fraction > 0 {
        out.push_str(&format!(".{:07}", p.fraction));
    }
    out
}

/// `TimeSpan.Parse` with the invariant culture: `[-]d`, `[-][d.]h:m[:s[.f]]` or `[-]d:h:m:s[.f]`.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (body, fraction) = match body.split_once(':') {
        // A fraction only follows the seconds of a time: the last '.' after the first ':'.
        Some(_) => match body.rfind('.') {
            Some(dot) if dot > body.find(':').unwrap_or(0) => (&body[..dot], Some(&body[dot + 1..])),
            _ => (body, None),
        },
        None => (body, None),
    };
    let number = |s: &str| (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u64>().ok()).flatten();
    let (days, time) = match body.split_once('.') {
        Some((days, time)) => (number(days)?, Some(time)),
        None if body.contains(':') => (0, Some(body)),
        None => (number(body)?, None),
    };
    let (mut days, mut hours, mut minutes, mut seconds) = (days, 0, 0, 0);
    if let Some(time) = time {
        let fields: Vec<u64> = time.split(':').map(number).collect::<Option<_>>()?;
        match fields[..] {
            [h, m] => (hours, minutes) = (h, m),
            [h, m, s] => (hours, minutes, seconds) = (h, m, s),
            [d, h, m, s] if days == 0 && !body.contains('.') => (days, hours, minutes, seconds) = (d, h, m, s),
            _ => return None,
        }
    }
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let fraction_ticks = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 7 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u64>().ok()? * 10_u64.pow(7 - f.len() as u32)
        }
        Some(_) => return None,
        None => 0,
    };
    let total = i128::from(days) * i128::from(TICKS_PER_DAY)
        + i128::from(hours) * i128::from(TICKS_PER_HOUR)
        + i128::from(minutes) * i128::from(TICKS_PER_MINUTE)
        + i128::from(seconds) * i128::from(TICKS_PER_SECOND)
        + i128::from(fraction_ticks);
    i64::try_from(if negative { -total } else { total }).ok()
}

/// The culture's decimal separator, for the `g` and `G` formats.
fn decimal_separator(culture: &Culture) -> &'static str {
    let comma = ["fr-FR", "de-DE", "de-AT", "es-ES", "it-IT", "pt-BR", "nl-NL", "nl-BE", "sv-SE", "da-DK", "nb-NO"];
    if comma.contains(&culture.name) {
        ","
    } else {
        "."
    }
}

/// `TimeSpan.ToString(format, culture)`: `c`/`t`/`T`, `g`, `G`, or a custom pattern (`d`, `h`,
/// `m`, `s`, `f`, `F`, quoted or escaped literals; any other character is invalid, as in .NET).
pub fn format(ticks: i64, format: &str, culture: &Culture) -> Result<String, InvalidFormat> {
    let p = parts(ticks);
    let sign = if p.negative { "-" } else { "" };
    match format {
        "" | "c" | "t" | "T" => return Ok(to_constant_string(ticks)),
        "g" => {
            let days = if p.days > 0 { format!("{}:", p.days) } else { String::new() };
            let fraction = if p.fraction > 0 {
                format!("{}{}", decimal_separator(culture), format!("{:07}", p.fraction).trim_end_matches('0'))
            } else {
                String::new()
            };
            return Ok(format!("{sign}{days}{}:{:02}:{:02}{fraction}", p.hours, p.minutes, p.seconds));
        }
        "G" => {
            return Ok(format!(
                "{sign}{}:{:02}:{:02}:{:02}{}{:07}",
                p.days,
                p.hours,
                p.minutes,
                p.seconds,
                decimal_separator(culture),
                p.fraction
            ))
        }
        _ if format.chars().count() == 1 && format != "%" => return Err(InvalidFormat),
        _ => {}
    }
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&q| q == c).ok_or(InvalidFormat)?;
                out.extend(&chars[i + 1..i + 1 + end]);
                i += end + 2;
            }
            '\\' => {
                out.push(*chars.get(i + 1).ok_or(InvalidFormat)?);
                i += 2;
            }
            '%' if i + 1 < chars.len() && chars[i + 1] != '%' => i += 1,
            'd' | 'h' | 'm' | 's' | 'f' | 'F' => {
                let run = chars[i..].iter().take_while(|&&x| x == c).count();
                i += run;
                match (c, run) {
                    ('d', 1..=8) => out.push_str(&format!("{:0run$}", p.days)),
                    ('h', 1..=2) => out.push_str(&format!("{:0run$}", p.hours)),
                    ('m', 1..=2) => out.push_str(&format!("{:0run$}", p.minutes)),
                    ('s', 1..=2) => out.push_str(&format!("{:0run$}", p.seconds)),
                    ('f', 1..=7) => out.push_str(&format!("{:07}", p.fraction)[..run]),
                    ('F', 1..=7) => out.push_str(format!("{:07}", p.fraction)[..run].trim_end_matches('0')),
                    _ => return Err(InvalidFormat),
                }
            }
            _ => return Err(InvalidFormat),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::datetime::culture::{lookup, EN_US};

    #[test]
    fn constant_format() {
        assert_eq!(to_constant_string(1268 * TICKS_PER_DAY), "1268.00:00:00");
        assert_eq!(to_constant_string(-5 * TICKS_PER_SECOND), "-00:00:05");
        assert_eq!(to_constant_string(TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 5), "1.02:00:00.0000005");
        assert_eq!(to_constant_string(0), "00:00:00");
        assert_eq!(to_constant_string(i64::MIN), "-10675199.02:48:05.4775808");
    }

    #[test]
    fn parsing() {
        assert_eq!(parse("1268.00:00:00"), Some(1268 * TICKS_PER_DAY));
        assert_eq!(parse("-00:00:05"), Some(-5 * TICKS_PER_SECOND));
        assert_eq!(parse("10:30"), Some(10 * TICKS_PER_HOUR + 30 * TICKS_PER_MINUTE));
        assert_eq!(parse("3"), Some(3 * TICKS_PER_DAY));
        assert_eq!(parse("1:02:03:04.5"), Some(TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 3 * TICKS_PER_MINUTE + 45 * TICKS_PER_SECOND / 10));
        assert_eq!(parse("1.02:03:04.1234567"), Some(TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 3 * TICKS_PER_MINUTE + 4 * TICKS_PER_SECOND + 1_234_567));
        for bad in ["", "x", "24:00", "00:60", "1.2.3", "00:00:00.12345678", "99999999999.00:00:00"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats() {
        let span = TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 3 * TICKS_PER_MINUTE + 4 * TICKS_PER_SECOND + 5_000_000;
        assert_eq!(format(span, "c", &EN_US).unwrap(), "1.02:03:04.5000000");
        assert_eq!(format(span, "g", &EN_US).unwrap(), "1:2:03:04.5");
        assert_eq!(format(span, "G", &EN_US).unwrap(), "1:02:03:04.5000000");
        assert_eq!(format(span, "g", lookup("fr-FR").unwrap()).unwrap(), "1:2:03:04,5");
        assert_eq!(format(span, "dd\\.hh\\:mm\\:ss", &EN_US).unwrap(), "01.02:03:04");
        assert_eq!(format(span, "%d", &EN_US).unwrap(), "1");
        assert_eq!(format(span, "h'h 'm'm'", &EN_US).unwrap(), "2h 3m");
        assert_eq!(format(span, "ss\\.fff FF", &EN_US).unwrap_err(), InvalidFormat);
        assert_eq!(format(span, "ss\\.fff\\ FF", &EN_US).unwrap(), "04.500 5");
        assert_eq!(format(span, "hh:mm", &EN_US), Err(InvalidFormat));
        assert_eq!(format(span, "x", &EN_US), Err(InvalidFormat));
    }
}
