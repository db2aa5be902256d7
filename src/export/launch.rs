//! CSV and the terminal summary for launch-day runs.

use super::{SERIES_KEYS, csv_bytes, csv_writer, number, series_keys};
use crate::launch::{LaunchDay, LaunchInterval, LaunchResult, PORTAL_SCOPE, TierInterval};
use crate::scenario::Scenario;
use crate::units::clock_label;

/// One time-series row: its replication, interval, span, the labels of
/// any extra key columns, and its values.
struct SeriesRow<'r> {
    replication: u64,
    index: usize,
    start: f64,
    end: f64,
    keys: Vec<String>,
    values: &'r [f64],
}

/// A time series in CSV: the common key columns (scenario, replication,
/// interval, start, end, clock), then `keys`, then `columns`.
fn series<'r>(
    scenario: &Scenario,
    keys: &[&str],
    columns: &[&str],
    rows: impl Iterator<Item = SeriesRow<'r>>,
) -> Vec<u8> {
    let mut w = csv_writer();
    let header: Vec<&str> =
        SERIES_KEYS.into_iter().chain(keys.iter().copied()).chain(columns.iter().copied()).collect();
    let _ = w.write_record(&header);
    for row in rows {
        let mut record = series_keys(scenario, row.replication, row.index, row.start, row.end);
        record.extend(row.keys);
        record.extend(row.values.iter().map(|v| number(*v)));
        let _ = w.write_record(&record);
    }
    csv_bytes(w)
}

/// The portal's time series: one row per replication and interval.
pub fn intervals(scenario: &Scenario, results: &[LaunchResult]) -> Vec<u8> {
    let rows = results.iter().flat_map(|r| {
        r.intervals.iter().map(move |row| SeriesRow {
            replication: r.replication,
            index: row.index,
            start: row.start,
            end: row.end,
            keys: Vec::new(),
            values: &row.values,
        })
    });
    series(scenario, &[], &LaunchInterval::COLUMNS, rows)
}

/// The tiers' time series: one row per replication, interval and tier.
pub fn tiers(scenario: &Scenario, day: &LaunchDay, results: &[LaunchResult]) -> Vec<u8> {
    let rows = results.iter().flat_map(|r| {
        r.tiers.iter().map(move |row| SeriesRow {
            replication: r.replication,
            index: row.index,
            start: row.start,
            end: row.end,
            keys: vec![day.tiers[row.tier].name.clone()],
            values: &row.values,
        })
    });
    series(scenario, &["tier"], &TierInterval::COLUMNS, rows)
}

/// Per-replication verdicts in long form.
pub fn replication_summary(scenario: &Scenario, results: &[LaunchResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record(["scenario", "replication", "scope", "metric", "value"]);
    for r in results {
        let rep = r.replication.to_string();
        for (metric, value) in &r.summary.metrics {
            let _ = w.write_record([scenario.name.as_str(), &rep, PORTAL_SCOPE, metric, &number(*value)]);
        }
    }
    csv_bytes(w)
}

/// Contacts generated per minute by channel: the contact center's input.
pub fn contacts(scenario: &Scenario, results: &[LaunchResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record(["scenario", "replication", "minute", "clock", "phone", "social"]);
    for r in results {
        let rep = r.replication.to_string();
        let [phone, social] = &r.contacts_per_minute;
        for (minute, (p, s)) in phone.iter().zip(social).enumerate() {
            let _ = w.write_record([
                scenario.name.as_str(),
                &rep,
                &minute.to_string(),
                &clock_label(minute as f64 * 60.0, scenario.start_date),
                &p.to_string(),
                &s.to_string(),
            ]);
        }
    }
    csv_bytes(w)
}
