//! Units of time and rate as scenario files write them.
//!
//! Everything inside the engine is plain `f64` seconds and events per second;
//! units exist only at the edges, where people type them. Requiring an
//! explicit unit on every duration ("30s", not "30") removes the single most
//! common scenario mistake: a number that meant minutes read as seconds.

use std::fmt;

/// A span of simulated time, in seconds.
pub type Seconds = f64;

/// A rate, in events per second.
pub type PerSecond = f64;

const UNITS: &[(&str, f64)] = &[("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86_400.0)];

/// Longest duration a scenario may write: 36,600 days, ten times the
/// longest run (3660 days), about a hundred years. Nothing a person waits
/// for, takes or is told comes near it, so a larger value is a typo; and
/// every time the engine computes from one (now + a delay, a sampled tail,
/// a rate times a duration) then stays far inside the range where `f64`
/// seconds are exact to the microsecond and the event queue's slots fit.
pub const MAX_DURATION: Seconds = 36_600.0 * 86_400.0;

/// Highest rate a scenario may write: a billion per second. That is above
/// the traffic of the largest web services taken together, and ten seconds
/// of it already reach the 1e10 arrivals a replication may simulate; a
/// rate times any allowed duration stays finite.
pub const MAX_RATE: PerSecond = 1e9;

/// Longest text an error message echoes before cutting it short.
const MAX_ECHO_CHARS: usize = 80;

/// Text a person typed, as an error message shows it: in double quotes,
/// with control characters, line separators, quotes and backslashes
/// escaped, and cut short after 80 characters. Error messages are one line
/// that an editor or a terminal turns into a location; a value that brought
/// its own newline or escape sequence along would break that line.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_ECHO_CHARS) + 2);
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        if i == MAX_ECHO_CHARS {
            out.push_str("...");
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => push_escaped(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// Text with every character that would end or garble a line escaped
/// (`\n`, `\r`, `\t`, `\u{1b}`, ...), and nothing else changed.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(breaks_line) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Control characters and the Unicode line and paragraph separators.
fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

fn push_escaped(out: &mut String, c: char) {
    if breaks_line(c) {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// Parses a duration such as `"250ms"`, `"30s"`, `"5m"`, `"2h"`, `"1d"` or a
/// compound such as `"1h30m"`.
///
/// Returns a message that states the accepted forms when the text is not one
/// of them, so the scenario loader can show it next to the key.
pub fn parse_duration(text: &str) -> Result<Seconds, String> {
    let expected = "expected a duration with a unit (ms, s, m, h, d), e.g. \"30s\", \"5m\" or \"1h30m\"";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("{expected}; got an empty string"));
    }
    if trimmed.starts_with('-') {
        return Err(format!("a duration must be >= 0; got {}", quote(text)));
    }
    let mut rest = trimmed;
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number_len == 0 {
            return Err(format!("{expected}; got {}", quote(text)));
        }
        let value: f64 = rest[..number_len].parse().map_err(|_| format!("{expected}; got {}", quote(text)))?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let Some(&(_, factor)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(if unit.is_empty() {
                format!("{expected}; {} has no unit", quote(text))
            } else {
                format!("{expected}; {} in {} is not a unit", quote(unit), quote(text))
            });
        };
        total += value * factor;
        rest = rest[unit_len..].trim_start();
    }
    if total > MAX_DURATION {
        return Err(format!(
            "a duration must be at most {} (ten times the longest run, about 100 years); got {}",
            format_duration(MAX_DURATION),
            quote(text)
        ));
    }
    Ok(total)
}

/// Parses a rate such as `"300/h"`, `"5/s"`, `"2.5/m"` or `"1000/d"` into
/// events per second, at most [`MAX_RATE`].
pub fn parse_rate(text: &str) -> Result<PerSecond, String> {
    let expected = "expected a rate as count/unit with unit s, m, h or d, e.g. \"300/h\" or \"5/s\"";
    let Some((count, unit)) = text.trim().split_once('/') else {
        return Err(format!("{expected}; got {}", quote(text)));
    };
    let count: f64 = count.trim().parse().map_err(|_| format!("{expected}; got {}", quote(text)))?;
    if count.is_nan() || count < 0.0 {
        return Err(format!("a rate must be a number >= 0; got {}", quote(text)));
    }
    let per = match unit.trim() {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        other => return Err(format!("{expected}; {} is not a unit", quote(other))),
    };
    let rate = count / per;
    if rate > MAX_RATE {
        return Err(format!("a rate must be at most 1e9/s (a billion per second); got {}", quote(text)));
    }
    Ok(rate)
}

/// A calendar date, used only to label simulated time with real clock times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2020.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`: exactly four, two and two digits and nothing
    /// around them, so that a date reads one way only (`2020-3-25` is
    /// refused rather than guessed).
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("expected a date as YYYY-MM-DD, e.g. \"2020-04-01\"; got {}", quote(text));
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: exact and branch-light.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after `self`.
    pub fn plus_days(self, days: i64) -> Date {
        let z = self.days_since_epoch() + days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether `text` is exactly `n` ASCII digits (no sign, no spaces).
fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A point in simulated time as a scenario writes it.
///
/// Scenarios speak in clock times ("the portal closes at 12:00") because that
/// is how the public record is written; the engine needs seconds since the
/// start. The two are tied by the scenario's start date (midnight).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockTime {
    /// `HH:MM` or `HH:MM:SS` on the start day.
    OnStartDay(Seconds),
    /// `YYYY-MM-DD HH:MM[:SS]`: a date and time, resolved against the start date.
    DateTime(Date, Seconds),
    /// `+1h30m`: an offset from the start.
    Offset(Seconds),
}

impl ClockTime {
    /// Parses `"08:30"`, `"08:30:15"`, `"2020-04-02 01:00"` or `"+90m"`.
    pub fn parse(text: &str) -> Result<ClockTime, String> {
        let t = text.trim();
        if let Some(offset) = t.strip_prefix('+') {
            return parse_duration(offset).map(ClockTime::Offset);
        }
        if let Some((date, time)) = t.split_once([' ', 'T']) {
            let date = Date::parse(date)?;
            return parse_time_of_day(time.trim(), text).map(|s| ClockTime::DateTime(date, s));
        }
        parse_time_of_day(t, text).map(ClockTime::OnStartDay)
    }

    /// Seconds since the scenario start (midnight of `start_date`).
    pub fn resolve(self, start_date: Option<Date>) -> Result<Seconds, String> {
        match self {
            ClockTime::OnStartDay(s) | ClockTime::Offset(s) => Ok(s),
            ClockTime::DateTime(date, s) => {
                let Some(start) = start_date else {
                    return Err("a time with a date needs `start_date` at the top of the scenario".into());
                };
                let days = date.days_since_epoch() - start.days_since_epoch();
                if days < 0 {
                    return Err(format!("{date} is before the scenario's start_date {start}"));
                }
                Ok(days as f64 * 86_400.0 + s)
            }
        }
    }
}

fn parse_time_of_day(t: &str, original: &str) -> Result<Seconds, String> {
    let bad = || {
        format!(
            "expected a clock time \"HH:MM\", \"HH:MM:SS\", \"YYYY-MM-DD HH:MM\" or an offset \"+2h\"; got {}",
            quote(original)
        )
    };
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| !digits(p, 2)) {
        return Err(bad());
    }
    let field = |p: &str, max: u32| p.parse::<u32>().ok().filter(|v| *v <= max).ok_or_else(bad);
    let h = field(parts[0], 24)?;
    let m = field(parts[1], 59)?;
    let s = if parts.len() == 3 { field(parts[2], 59)? } else { 0 };
    if h == 24 && (m, s) != (0, 0) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60 + s))
}

/// Formats seconds since the start as a clock label.
///
/// With a start date the label is an ISO-like timestamp that spreadsheets and
/// pandas parse directly (`2020-04-01 08:30:00`); without one it is elapsed
/// `HH:MM:SS` whose hours may exceed 24.
pub fn clock_label(t: Seconds, start_date: Option<Date>) -> String {
    let total = t.max(0.0).round() as i64;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    match start_date {
        Some(date) => format!("{} {:02}:{:02}:{:02}", date.plus_days(h / 24), h % 24, m, s),
        None => format!("{h:02}:{m:02}:{s:02}"),
    }
}

/// Formats a duration compactly for people: `"90s"`, `"15m"`, `"1h30m"`.
pub fn format_duration(seconds: Seconds) -> String {
    if seconds < 1.0 && seconds > 0.0 {
        return format!("{}ms", (seconds * 1000.0).round());
    }
    let total = seconds.round() as i64;
    let (d, h, m, s) = (total / 86_400, (total / 3600) % 24, (total / 60) % 60, total % 60);
    let mut out = String::new();
    for (value, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            out.push_str(&format!("{value}{unit}"));
        }
    }
    if out.is_empty() { "0s".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_every_unit_and_compounds() {
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert_eq!(parse_duration("30s"), Ok(30.0));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert_eq!(parse_duration("2h"), Ok(7200.0));
        assert_eq!(parse_duration("1d"), Ok(86_400.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert_eq!(parse_duration("0s"), Ok(0.0));
    }

    #[test]
    fn durations_without_a_unit_or_with_a_wrong_one_are_refused() {
        assert!(parse_duration("30").unwrap_err().contains("has no unit"));
        assert!(parse_duration("30 minutes").unwrap_err().contains("\"minutes\""));
        assert!(parse_duration("5x").unwrap_err().contains("not a unit"));
        assert!(parse_duration("-5s").unwrap_err().contains(">= 0"));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn durations_and_rates_have_an_upper_bound() {
        assert_eq!(parse_duration("36600d"), Ok(MAX_DURATION));
        let e = parse_duration("36600d1ms").unwrap_err();
        assert_eq!(
            e,
            "a duration must be at most 36600d (ten times the longest run, about 100 years); got \"36600d1ms\""
        );
        assert!(parse_duration("1000000000000000000s").unwrap_err().contains("at most 36600d"));
        assert!(parse_duration("99999999999999999999m").unwrap_err().contains("at most 36600d"));
        assert!(parse_duration(&"9".repeat(400)).is_err());
        assert!(parse_duration(&format!("{}s", "9".repeat(400))).unwrap_err().contains("at most 36600d"));
        assert_eq!(parse_rate("1000000000/s"), Ok(MAX_RATE));
        assert_eq!(parse_rate("60000000000/m"), Ok(MAX_RATE));
        assert!(parse_rate("1000000001/s").unwrap_err().contains("at most 1e9/s"));
        assert!(parse_rate("1e300/s").unwrap_err().contains("at most 1e9/s"));
        assert!(parse_rate("inf/s").is_err());
        assert!(parse_rate("NaN/s").is_err());
    }

    #[test]
    fn quoted_text_stays_on_one_line() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("a\nb\r\t\u{1b}[0m\u{2028}"), r#""a\nb\r\t\u{1b}[0m\u{2028}""#);
        assert_eq!(quote("say \"hi\" \\o/"), r#""say \"hi\" \\o/""#);
        assert_eq!(quote(&"x".repeat(200)), format!("\"{}...\"", "x".repeat(80)));
        assert_eq!(quote("caf\u{e9}"), "\"caf\u{e9}\"");
        assert_eq!(one_line("ok"), "ok");
        assert_eq!(one_line("a\nb"), "a\\nb");
    }

    #[test]
    fn rates_convert_to_per_second() {
        assert_eq!(parse_rate("3600/h"), Ok(1.0));
        assert_eq!(parse_rate("60/m"), Ok(1.0));
        assert_eq!(parse_rate("2.5/s"), Ok(2.5));
        assert_eq!(parse_rate("86400/d"), Ok(1.0));
        assert!(parse_rate("-1/s").unwrap_err().contains(">= 0"));
        assert!(parse_rate("100").is_err());
        assert!(parse_rate("5/week").is_err());
    }

    #[test]
    fn clock_times_resolve_against_the_start_date() {
        let start = Date::parse("2020-04-01").unwrap();
        assert_eq!(ClockTime::parse("08:30").unwrap().resolve(Some(start)), Ok(30_600.0));
        assert_eq!(ClockTime::parse("+90m").unwrap().resolve(None), Ok(5400.0));
        let next_day = ClockTime::parse("2020-04-02 01:00").unwrap();
        assert_eq!(next_day.resolve(Some(start)), Ok(90_000.0));
        assert!(next_day.resolve(None).is_err());
        assert!(ClockTime::parse("2020-03-31 23:00").unwrap().resolve(Some(start)).is_err());
        assert!(ClockTime::parse("25:00").is_err());
        assert!(ClockTime::parse("8:30").is_err());
        assert_eq!(ClockTime::parse("24:00").unwrap().resolve(None), Ok(86_400.0));
    }

    #[test]
    fn dates_round_trip_through_day_numbers() {
        let d = Date::parse("2020-02-28").unwrap();
        assert_eq!(d.plus_days(1).to_string(), "2020-02-29");
        assert_eq!(d.plus_days(2).to_string(), "2020-03-01");
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert!(Date::parse("2021-02-29").is_err());
        assert!(Date::parse("2020-13-01").is_err());
        for loose in [
            "2020-3-25",
            "2020-03-5",
            "99-03-25",
            "+202-03-25",
            "2020-03-025",
            "2020-0x-01",
            " 2019-04-01",
            "2019-04-01 ",
        ] {
            let e = Date::parse(loose).unwrap_err();
            assert!(e.starts_with("expected a date as YYYY-MM-DD"), "{loose}: {e}");
        }
        assert!(ClockTime::parse("2020-4-02 01:00").is_err());
        assert!(ClockTime::parse("08:+5").is_err());
        assert!(ClockTime::parse("2020-04-02 01:00").is_ok());
    }

    #[test]
    fn clock_labels_read_as_timestamps() {
        let start = Date::parse("2020-04-01").unwrap();
        assert_eq!(clock_label(90_000.0, Some(start)), "2020-04-02 01:00:00");
        assert_eq!(clock_label(90_000.0, None), "25:00:00");
        assert_eq!(format_duration(5400.0), "1h30m");
        assert_eq!(format_duration(0.25), "250ms");
    }
}
