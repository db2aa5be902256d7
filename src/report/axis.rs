//! Tick positions and labels: round numbers on value axes, decades on log
//! axes, and clock times on time axes.
//!
//! Time axes are labelled with the clock a reader of the day's news knows
//! (00:00, 06:00, 12:00) rather than seconds since the start, and ticks
//! fall on round clock times because time zero is midnight.

use crate::units::Date;
use crate::verdict::format;

/// A tick on a time axis: its time, its clock label and, at midnight (or
/// on multi-day axes), a second line naming the day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClockTick {
    /// Seconds since time zero.
    pub t: f64,
    /// The clock label, e.g. `06:00`, or the date on multi-day axes.
    pub label: String,
    /// A second line under the label: the date at midnight (`2 Apr`,
    /// `day 2`), or the weekday on multi-day axes.
    pub day: Option<String>,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Steps a time axis may use, in seconds; every one divides a day or is a
/// whole number of days, so ticks counted from midnight stay on round
/// clock times.
const CLOCK_STEPS: [f64; 14] = [
    60.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    604_800.0,
    2_419_200.0,
];

/// The date `days` after `start`, as `2 Apr`.
fn day_label(start: Option<Date>, days: i64) -> String {
    match start {
        Some(date) => format::day_month(date.plus_days(days)),
        None => format!("day {}", days + 1),
    }
}

/// The weekday `days` after `start` (1970-01-01 was a Thursday).
fn weekday(start: Date, days: i64) -> &'static str {
    WEEKDAYS[(start.days_since_epoch() + days + 3).rem_euclid(7) as usize]
}

/// Ticks for a time axis from `start` to `end` seconds that leave at least
/// `min_gap` pixels between labels on an axis `width` pixels wide.
pub(crate) fn clock_ticks(start: f64, end: f64, width: f64, min_gap: f64, date: Option<Date>) -> Vec<ClockTick> {
    let span = (end - start).max(1.0);
    let max_ticks = (width / min_gap).floor().max(2.0);
    let step = CLOCK_STEPS.iter().copied().find(|s| span / s < max_ticks).unwrap_or_else(|| {
        let weeks = (span / max_ticks / 604_800.0).ceil();
        weeks * 604_800.0
    });
    let mut ticks = Vec::new();
    let mut k = (start / step).ceil();
    while k * step <= end + 1e-6 {
        let t = k * step;
        let total = t.round() as i64;
        let days = total.div_euclid(86_400);
        let in_day = total.rem_euclid(86_400);
        let tick = if step >= 86_400.0 {
            ClockTick { t, label: day_label(date, days), day: date.map(|d| weekday(d, days).to_owned()) }
        } else {
            ClockTick {
                t,
                label: format!("{:02}:{:02}", in_day / 3600, (in_day / 60) % 60),
                day: (in_day == 0).then(|| day_label(date, days)),
            }
        };
        ticks.push(tick);
        k += 1.0;
    }
    ticks
}

/// Round-number ticks covering `[min, max]`: about `target` of them, at
/// steps of 1, 2 or 5 times a power of ten. Returns the ticks and the step.
pub(crate) fn nice_ticks(min: f64, max: f64, target: usize) -> (Vec<f64>, f64) {
    let span = if max > min { max - min } else { max.abs().max(1.0) };
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let first = (min / step).ceil();
    let mut ticks = Vec::new();
    let mut k = first;
    while k * step <= max + step * 1e-9 {
        // Snap values such as 0.30000000000000004 to the printed decimal;
        // adding zero turns -0 into 0.
        ticks.push((k * step * 1e9).round() / 1e9 + 0.0);
        k += 1.0;
    }
    (ticks, step)
}

/// A round upper bound for an axis whose data reach `max`: the next tick
/// of [`nice_ticks`] at or above it, so the top gridline is labelled.
pub(crate) fn nice_ceiling(max: f64, target: usize) -> f64 {
    let (_, step) = nice_ticks(0.0, max, target);
    (max / step).ceil() * step
}

/// The fewest decimals (up to 6) that print multiples of `step` exactly:
/// 0 for 20, 1 for 2.5, 2 for 0.25.
fn decimals(step: f64) -> usize {
    (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// Labels a value-axis tick. `step` sets the decimals and `top`, the
/// largest tick, sets a common suffix (k, M) for the whole axis, so its
/// labels read alike.
pub(crate) fn tick_label(v: f64, step: f64, top: f64) -> String {
    let (scale, suffix) = if top.abs() >= 1e6 {
        (1e6, "M")
    } else if top.abs() >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    if v == 0.0 {
        return "0".into();
    }
    let digits = decimals(step / scale);
    let text = format!("{:.digits$}", v / scale);
    // "-0" from rounding a tiny negative reads badly.
    let text = if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        format!("{:.digits$}", 0.0)
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// Labels a decade on a log axis: `0.01`, `1`, `100`, `10k`, `1M`.
pub(crate) fn decade_label(exponent: i32) -> String {
    match exponent {
        e if e >= 6 => format!("{}M", 10u64.pow((e - 6) as u32)),
        e if e >= 3 => format!("{}k", 10u64.pow((e - 3) as u32)),
        e if e >= 0 => format!("{}", 10u64.pow(e as u32)),
        e => format!("{:.*}", (-e) as usize, 10f64.powi(e)),
    }
}

/// Steps a duration axis may use, in seconds: round seconds, minutes,
/// hours and days.
const DURATION_STEPS: [f64; 19] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10_800.0, 21_600.0,
    43_200.0, 86_400.0, 172_800.0,
];

/// The step of a duration axis from zero to `max` seconds with at most
/// `target` steps.
fn duration_step(max: f64, target: usize) -> f64 {
    let target = target.max(1) as f64;
    DURATION_STEPS.iter().copied().find(|s| max / s <= target).unwrap_or_else(|| {
        let days = (max / target / 86_400.0).ceil();
        days * 86_400.0
    })
}

/// A round upper bound for a duration axis whose data reach `max` seconds.
pub(crate) fn duration_ceiling(max: f64, target: usize) -> f64 {
    let step = duration_step(max, target);
    (max / step).ceil().max(1.0) * step
}

/// Ticks on round durations from zero to `max` seconds, labelled as a
/// clock reads them: `30 s`, `5 min`, `1 h`, `1 h 30`, `2 d`.
pub(crate) fn duration_ticks(max: f64, target: usize) -> Vec<(f64, String)> {
    let step = duration_step(max, target);
    let n = (max / step + 1e-9).floor() as i64;
    (0..=n).map(|k| (k as f64 * step, duration_label(k as f64 * step))).collect()
}

/// A round duration as a tick label.
pub(crate) fn duration_label(seconds: f64) -> String {
    let s = seconds.round() as i64;
    match s {
        0 => "0".into(),
        s if s < 60 => format!("{s} s"),
        s if s < 3600 && s % 60 == 0 => format!("{} min", s / 60),
        s if s < 3600 => format!("{} min {:02}", s / 60, s % 60),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s => format!("{} h {:02}", s / 3600, (s % 3600) / 60),
    }
}

/// A share as a percentage label: `25%`.
pub(crate) fn percent_label(v: f64, step: f64) -> String {
    format::percent(v, decimals(step * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_and_an_hour_is_labelled_every_three_hours_with_the_date_at_midnight() {
        let date = Date::parse("2020-04-01").ok();
        let ticks = clock_ticks(0.0, 90_000.0, 1100.0, 110.0, date);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00"]);
        assert_eq!(ticks[0].day.as_deref(), Some("1 Apr"));
        assert_eq!(ticks[1].day, None);
        assert_eq!(ticks[8].day.as_deref(), Some("2 Apr"));
        assert_eq!(ticks[8].t, 86_400.0);
    }

    #[test]
    fn narrow_axes_take_longer_steps_and_undated_days_are_numbered() {
        let ticks = clock_ticks(0.0, 90_000.0, 500.0, 80.0, None);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["00:00", "06:00", "12:00", "18:00", "00:00"]);
        assert_eq!(ticks[4].day.as_deref(), Some("day 2"));
    }

    #[test]
    fn a_week_is_labelled_by_day_with_weekdays() {
        let date = Date::parse("2019-04-17").ok();
        let ticks = clock_ticks(0.0, 7.0 * 86_400.0, 1100.0, 110.0, date);
        assert_eq!(ticks.len(), 8);
        assert_eq!(ticks[0].label, "17 Apr");
        assert_eq!(ticks[0].day.as_deref(), Some("Wed"));
        assert_eq!(ticks[4].label, "21 Apr");
        assert_eq!(ticks[4].day.as_deref(), Some("Sun"));
    }

    #[test]
    fn nice_ticks_fall_on_round_numbers() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), (vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0], 2.0));
        assert_eq!(nice_ticks(0.0, 1.0, 4).0, [0.0, 0.25, 0.5, 0.75, 1.0]);
        let (ticks, step) = nice_ticks(0.0, 523_000.0, 6);
        assert_eq!(step, 100_000.0);
        assert_eq!(ticks.last(), Some(&500_000.0));
        assert_eq!(nice_ticks(0.0, 0.3, 3).0, [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_ceiling(523_000.0, 6), 600_000.0);
        assert_eq!(nice_ticks(0.0, 523_000.0, 5).1, 200_000.0);
        assert_eq!(nice_ceiling(4.0, 4), 4.0);
    }

    #[test]
    fn tick_labels_share_a_suffix_and_enough_decimals() {
        assert_eq!(tick_label(500_000.0, 100_000.0, 600_000.0), "500k");
        assert_eq!(tick_label(2_500_000.0, 500_000.0, 3_000_000.0), "2.5M");
        assert_eq!(tick_label(7.5, 2.5, 10.0), "7.5");
        assert_eq!(tick_label(20.0, 20.0, 100.0), "20");
        assert_eq!(tick_label(0.25, 0.25, 1.0), "0.25");
        assert_eq!(tick_label(2000.0, 1000.0, 5000.0), "2000");
        assert_eq!(tick_label(-0.0000001, 0.1, 1.0), "0.0");
        assert_eq!(tick_label(0.0, 500_000.0, 4_000_000.0), "0");
        assert_eq!(percent_label(0.5, 0.25), "50%");
        assert_eq!(percent_label(0.125, 0.025), "12.5%");
    }

    #[test]
    fn durations_are_labelled_as_a_clock_reads_them() {
        let labels: Vec<String> = duration_ticks(5400.0, 4).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["0", "30 min", "1 h", "1 h 30"]);
        assert_eq!(duration_ceiling(5000.0, 4), 5400.0);
        assert_eq!(duration_ceiling(40.0, 4), 40.0);
        let short: Vec<String> = duration_ticks(45.0, 4).into_iter().map(|t| t.1).collect();
        assert_eq!(short, ["0", "15 s", "30 s", "45 s"]);
        assert_eq!(duration_label(90.0), "1 min 30");
        assert_eq!(duration_label(2.0 * 86_400.0), "2 d");
    }

    #[test]
    fn a_window_of_an_hour_is_labelled_every_ten_minutes() {
        let ticks = clock_ticks(39_000.0, 42_600.0, 1000.0, 86.0, None);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["10:50", "11:00", "11:10", "11:20", "11:30", "11:40", "11:50"]);
        assert!(ticks.iter().all(|t| t.day.is_none()));
    }

    #[test]
    fn decades_read_as_plain_numbers() {
        let labels: Vec<String> = (-3..=7).map(decade_label).collect();
        assert_eq!(labels, ["0.001", "0.01", "0.1", "1", "10", "100", "1k", "10k", "100k", "1M", "10M"]);
    }
}
