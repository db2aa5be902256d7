//! The one way clickday writes a number for people: the terminal table,
//! the HTML report, the Markdown summary, the charts' notes and axis
//! labels, `clickday staff` and the sweep lines all call here, so
//! "92.1% ± 0.4 pp" reads the same everywhere.
//!
//! A figure is written as what it is: counts as whole numbers with
//! thousands grouped, shares in percent (their differences in percentage
//! points), durations in seconds, minutes or hours, clock times as clock
//! times ("09:12", "2 Apr 01:00"), never decimal hours. An interval never
//! leaves the quantity's possible range: where Student's t would cross a
//! bound (a negative count, a share above 100%), the interval is cut at
//! the bound and written as a range, so the cut shows.

use super::Measure;
use crate::stats::ConfidenceInterval;
use crate::units::{Date, Seconds};

/// Decimals that show a half-width `h` to two significant digits, and the
/// mean to the same precision but to no more than four significant digits
/// (a very narrow interval does not make the last digits worth reading);
/// three significant digits of the mean when `h` is unknown.
pub fn decimals(mean: f64, h: f64) -> usize {
    let magnitude = |v: f64| v.abs().log10().floor();
    let digits = match (h.is_finite() && h > 0.0, mean.is_finite() && mean != 0.0) {
        (true, true) => (1.0 - magnitude(h)).min(3.0 - magnitude(mean)),
        (true, false) => 1.0 - magnitude(h),
        (false, true) => 2.0 - magnitude(mean),
        (false, false) => 0.0,
    };
    digits.clamp(0.0, 6.0) as usize
}

/// A number with `digits` decimals, thousands grouped by commas, and a
/// true minus sign; "–" for an undefined value.
pub fn grouped(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "–".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let text = format!("{:.digits$}", v.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = text.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero { format!("−{out}") } else { out }
}

/// A plain number, three significant digits or the integer part.
pub fn number(v: f64) -> String {
    grouped(v, decimals(v, f64::NAN))
}

/// A share in percent with `digits` decimals: "25%", "12.5%"; "–" for an
/// undefined share (a share of nothing).
pub fn percent(share: f64, digits: usize) -> String {
    if share.is_nan() {
        return grouped(share, 0);
    }
    format!("{}%", grouped(share * 100.0, digits))
}

/// A date as a reader writes it in a label: "2 Apr".
pub fn day_month(date: Date) -> String {
    format!("{} {}", date.day, MONTHS[(date.month as usize).clamp(1, 12) - 1])
}

/// A clock time of simulated time `t` (seconds since midnight of the start
/// day): "09:12" on the first day, "2 Apr 01:00" later with a start date,
/// "day 2 01:00" without one.
pub fn clock(t: Seconds, start_date: Option<Date>) -> String {
    let total = (t.max(0.0) / 60.0).round() as i64;
    let (day, h, m) = (total / 1440, (total / 60) % 24, total % 60);
    if day == 0 {
        return format!("{h:02}:{m:02}");
    }
    match start_date {
        Some(date) => format!("{} {h:02}:{m:02}", day_month(date.plus_days(day))),
        None => format!("day {} {h:02}:{m:02}", day + 1),
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A duration for people: "0.42 s", "57 s", "12 min", "1 h 42 min",
/// "2 d 3 h".
pub fn duration(seconds: Seconds) -> String {
    let s = seconds.abs();
    let sign = if seconds < 0.0 { "−" } else { "" };
    if !s.is_finite() {
        return grouped(seconds, 0);
    }
    let text = if s < 90.0 {
        format!("{} s", grouped(s, decimals(s, f64::NAN).min(2)))
    } else if s < 3600.0 - 30.0 {
        format!("{} min", (s / 60.0).round())
    } else if s < 86_400.0 - 1800.0 {
        let minutes = (s / 60.0).round() as i64;
        match minutes % 60 {
            0 => format!("{} h", minutes / 60),
            m => format!("{} h {m:02} min", minutes / 60),
        }
    } else {
        let hours = (s / 3600.0).round() as i64;
        match hours % 24 {
            0 => format!("{} d", hours / 24),
            h => format!("{} d {h} h", hours / 24),
        }
    };
    format!("{sign}{text}")
}

/// A duration someone chose (an answer target, a handle time) rather
/// than measured: whole seconds below 90 s ("20 s"), otherwise as
/// [`duration`] ("5 min", "1 h 30 min").
pub fn chosen_duration(seconds: Seconds) -> String {
    if seconds.abs() < 90.0 { format!("{} s", grouped(seconds, 0)) } else { duration(seconds) }
}

/// A duration and its half-width in one unit, chosen by the larger:
/// "8.6 ± 0.6 s", "2.14 ± 0.02 min", "1.7 ± 0.1 h".
pub fn duration_pair(mean: Seconds, half_width: Seconds) -> String {
    let size = mean.abs().max(half_width.abs());
    let (scale, unit) = if size < 90.0 {
        (1.0, "s")
    } else if size < 5400.0 {
        (60.0, "min")
    } else if size < 2.0 * 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    };
    let (m, h) = (mean / scale, half_width / scale);
    let d = decimals(m, h).min(2);
    format!("{} ± {} {unit}", grouped(m, d), grouped(h, d))
}

/// One value of a measure, as people read it.
pub fn value(measure: Measure, v: f64, start_date: Option<Date>) -> String {
    if !v.is_finite() {
        return grouped(v, 0);
    }
    match measure {
        Measure::Count => grouped(v.round(), 0),
        Measure::Share | Measure::ReplicationShare => percent(v, decimals(v * 100.0, f64::NAN).min(1)),
        Measure::Seconds => duration(v),
        Measure::Clock => clock(v, start_date),
        Measure::Rate => format!("{}/s", number(v)),
        Measure::Number => number(v),
    }
}

/// An estimate across replications: "339,005 ± 452", "92.1% ± 0.4 pp",
/// "57 s ± 1.0 s", "09:12 ± 8 min", "3 of 10 replications"; `None` when
/// no replication defined it (the caller says why, e.g. "none due yet").
/// Where the interval would leave the possible range it is cut there and
/// written as a range: "9 (0 to 20)".
pub fn estimate(
    measure: Measure,
    ci: &ConfidenceInterval,
    start_date: Option<Date>,
    duration_s: f64,
) -> Option<String> {
    if ci.n == 0 || !ci.mean.is_finite() {
        return None;
    }
    if measure == Measure::ReplicationShare {
        let k = (ci.mean * ci.n as f64).round() as u64;
        return Some(format!("{k} of {} replications", ci.n));
    }
    let (low_bound, high_bound) = measure.range(duration_s);
    let h = ci.half_width;
    if !h.is_finite() {
        return Some(value(measure, ci.mean, start_date));
    }
    let (low, high) = (ci.mean - h, ci.mean + h);
    if low < low_bound || high > high_bound {
        let (low, high) = (low.max(low_bound), high.min(high_bound));
        return Some(format!(
            "{} ({} to {})",
            value(measure, ci.mean, start_date),
            value(measure, low, start_date),
            value(measure, high, start_date)
        ));
    }
    Some(match measure {
        Measure::Count => {
            format!("{} ± {}", grouped(ci.mean.round(), 0), grouped(h.round().max(if h > 0.0 { 1.0 } else { 0.0 }), 0))
        }
        Measure::Share => {
            let (m, hw) = (ci.mean * 100.0, h * 100.0);
            let d = decimals(m, hw).min(1);
            format!("{}% ± {} pp", grouped(m, d), grouped(hw, d))
        }
        Measure::Seconds => duration_pair(ci.mean, h),
        Measure::Clock => format!("{} ± {}", clock(ci.mean, start_date), duration(h)),
        Measure::Rate => {
            let d = decimals(ci.mean, h);
            format!("{} ± {}/s", grouped(ci.mean, d), grouped(h, d))
        }
        Measure::Number | Measure::ReplicationShare => {
            let d = decimals(ci.mean, h);
            format!("{} ± {}", grouped(ci.mean, d), grouped(h, d))
        }
    })
}

/// A paired difference (scenario minus baseline) with its half-width:
/// "+1,234 ± 56", "+3.2 pp ± 0.5 pp", "−12 min ± 3 min" (a difference of
/// clock times is a duration: later is positive).
pub fn difference(measure: Measure, mean: f64, half_width: f64) -> String {
    if !mean.is_finite() {
        return "–".into();
    }
    let sign = |v: f64, text: String| if v > 0.0 && !text.starts_with('0') { format!("+{text}") } else { text };
    let h_known = half_width.is_finite();
    match measure {
        Measure::Count => {
            let m = grouped(mean.round(), 0);
            let text = sign(mean.round(), m);
            if h_known { format!("{text} ± {}", grouped(half_width.round(), 0)) } else { text }
        }
        Measure::Share | Measure::ReplicationShare => {
            let (m, hw) = (mean * 100.0, half_width * 100.0);
            let d = decimals(m, hw).min(1);
            let text = sign(m, format!("{} pp", grouped(m, d)));
            if h_known { format!("{text} ± {} pp", grouped(hw, d)) } else { text }
        }
        Measure::Seconds | Measure::Clock => {
            if h_known {
                sign(mean, duration_pair(mean, half_width))
            } else {
                sign(mean, duration(mean))
            }
        }
        Measure::Rate | Measure::Number => {
            let d = decimals(mean, half_width);
            let unit = if measure == Measure::Rate { "/s" } else { "" };
            let text = sign(mean, format!("{}{unit}", grouped(mean, d)));
            if h_known { format!("{text} ± {}{unit}", grouped(half_width, d)) } else { text }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(mean: f64, half_width: f64, n: usize) -> ConfidenceInterval {
        ConfidenceInterval { mean, lower: mean - half_width, upper: mean + half_width, half_width, n, level: 0.95 }
    }

    #[test]
    fn counts_are_whole_numbers_and_intervals_stay_at_or_above_zero() {
        assert_eq!(estimate(Measure::Count, &ci(339_005.2, 452.4, 10), None, 1.0).unwrap(), "339,005 ± 452");
        assert_eq!(estimate(Measure::Count, &ci(9.33, 11.2, 3), None, 1.0).unwrap(), "9 (0 to 21)");
        assert_eq!(estimate(Measure::Count, &ci(0.0, 0.0, 3), None, 1.0).unwrap(), "0 ± 0");
    }

    #[test]
    fn shares_read_in_percent_with_percentage_points_and_stay_within_0_and_100() {
        assert_eq!(estimate(Measure::Share, &ci(0.921, 0.004, 10), None, 1.0).unwrap(), "92.1% ± 0.4 pp");
        assert_eq!(estimate(Measure::Share, &ci(0.995, 0.02, 10), None, 1.0).unwrap(), "99.5% (97.5% to 100%)");
        assert_eq!(difference(Measure::Share, 0.032, 0.005), "+3.2 pp ± 0.5 pp");
        assert_eq!(difference(Measure::Share, -0.1, 0.02), "−10.0 pp ± 2.0 pp");
    }

    #[test]
    fn a_share_with_nothing_to_count_is_no_figure() {
        assert_eq!(estimate(Measure::Share, &ci(f64::NAN, f64::NAN, 0), None, 1.0), None);
    }

    #[test]
    fn clock_times_are_clock_times_never_decimal_hours() {
        let date = Date::parse("2020-04-01").ok();
        assert_eq!(clock(9.0 * 3600.0 + 12.0 * 60.0, date), "09:12");
        assert_eq!(clock(25.0 * 3600.0, date), "2 Apr 01:00");
        assert_eq!(clock(25.0 * 3600.0, None), "day 2 01:00");
        assert_eq!(estimate(Measure::Clock, &ci(33_120.0, 480.0, 10), date, 90_000.0).unwrap(), "09:12 ± 8 min");
        assert_eq!(difference(Measure::Clock, 3900.0, 480.0), "+65.0 ± 8.0 min");
        assert_eq!(estimate(Measure::Seconds, &ci(128.6, 0.97, 3), None, 1.0).unwrap(), "2.14 ± 0.02 min");
        assert_eq!(estimate(Measure::Seconds, &ci(8.63, 0.64, 3), None, 1.0).unwrap(), "8.63 ± 0.64 s");
    }

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(duration(0.42), "0.42 s");
        assert_eq!(duration(57.1), "57.1 s");
        assert_eq!(duration(720.0), "12 min");
        assert_eq!(duration(6120.0), "1 h 42 min");
        assert_eq!(duration(3.0 * 86_400.0 + 7200.0), "3 d 2 h");
    }

    #[test]
    fn zero_never_carries_a_sign_and_negatives_a_true_minus() {
        assert_eq!(grouped(0.0, 0), "0");
        assert_eq!(grouped(-0.0, 2), "0.00");
        assert_eq!(grouped(-0.004, 2), "0.00", "a negative that rounds to zero is zero");
        assert_eq!(grouped(-1234.5, 1), "−1,234.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-12.345), "−12.3");
        assert_eq!(difference(Measure::Count, -0.4, f64::NAN), "0");
        assert_eq!(difference(Measure::Count, 0.0, 0.0), "0 ± 0");
        assert_eq!(percent(-0.05, 1), "−5.0%");
    }

    #[test]
    fn rounding_up_to_a_new_thousand_gains_its_comma() {
        assert_eq!(grouped(999.5, 0), "1,000");
        assert_eq!(grouped(999.4, 0), "999");
        assert_eq!(number(999.5), "1,000");
        assert_eq!(grouped(999_999.96, 1), "1,000,000.0");
        assert_eq!(value(Measure::Count, 999.5, None), "1,000");
    }

    #[test]
    fn large_numbers_are_grouped_in_full() {
        assert_eq!(number(1e9), "1,000,000,000");
        assert_eq!(value(Measure::Count, 1e9, None), "1,000,000,000");
        assert_eq!(estimate(Measure::Count, &ci(1e9, 12_345.6, 10), None, 1.0).unwrap(), "1,000,000,000 ± 12,346");
        assert_eq!(value(Measure::Rate, 1e9, None), "1,000,000,000/s");
    }

    #[test]
    fn undefined_and_infinite_values_read_as_such() {
        assert_eq!(grouped(f64::NAN, 2), "–");
        assert_eq!(number(f64::INFINITY), "∞");
        assert_eq!(number(f64::NEG_INFINITY), "−∞");
        assert_eq!(percent(f64::NAN, 1), "–", "a share of nothing is no percentage");
        assert_eq!(value(Measure::Share, f64::NAN, None), "–");
        assert_eq!(value(Measure::Seconds, f64::INFINITY, None), "∞");
        assert_eq!(duration(f64::NAN), "–");
        assert_eq!(duration(f64::NEG_INFINITY), "−∞");
        assert_eq!(difference(Measure::Number, f64::NAN, 1.0), "–");
    }

    #[test]
    fn shares_read_as_percentages_with_the_decimals_asked() {
        assert_eq!(percent(0.0, 0), "0%");
        assert_eq!(percent(1.0, 0), "100%");
        assert_eq!(percent(0.125, 1), "12.5%");
        assert_eq!(percent(0.8, 0), "80%");
        assert_eq!(value(Measure::Share, 0.0123, None), "1.2%");
    }

    #[test]
    fn chosen_durations_are_whole_seconds_then_minutes_and_hours() {
        assert_eq!(chosen_duration(0.0), "0 s");
        assert_eq!(chosen_duration(20.0), "20 s");
        assert_eq!(chosen_duration(300.0), "5 min");
        assert_eq!(chosen_duration(5400.0), "1 h 30 min");
        assert_eq!(duration(0.0), "0 s");
        assert_eq!(duration(-30.0), "−30.0 s");
    }

    #[test]
    fn dates_in_labels_are_day_and_month() {
        let date = Date::parse("2020-04-01").unwrap();
        assert_eq!(day_month(date), "1 Apr");
        assert_eq!(day_month(date.plus_days(30)), "1 May");
    }

    #[test]
    fn per_replication_verdicts_count_replications() {
        assert_eq!(estimate(Measure::ReplicationShare, &ci(0.3, 0.35, 10), None, 1.0).unwrap(), "3 of 10 replications");
    }
}
