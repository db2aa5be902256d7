//! Tidy CSV for analysts: one row per observation, units in column names,
//! missing values as empty cells.

use super::{csv_bytes, csv_writer, estimate_fields, number, series_keys};
use crate::experiment::{Estimate, NETWORK_SCOPE};
use crate::network::{Network, NetworkSummary, ReplicationResult, Scope, StationSummary};
use crate::scenario::Scenario;

/// Columns of `intervals.csv`.
pub const INTERVAL_COLUMNS: [&str; 25] = [
    "scenario",
    "replication",
    "interval",
    "start_s",
    "end_s",
    "clock",
    "scope",
    "arrivals",
    "blocked",
    "reneged",
    "served",
    "queue_len_mean",
    "in_station_mean",
    "busy_mean",
    "servers_mean",
    "utilisation",
    "wait_mean_s",
    "wait_p50_s",
    "wait_p95_s",
    "wait_p99_s",
    "sojourn_mean_s",
    "sojourn_p50_s",
    "sojourn_p95_s",
    "sojourn_p99_s",
    "in_warmup",
];

/// The time series: one row per replication, interval and scope (each
/// station, then `network`). Interval rows cover the warm-up too, flagged
/// by `in_warmup`, so the start-up can be plotted.
pub fn intervals(scenario: &Scenario, net: &Network, results: &[ReplicationResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record(INTERVAL_COLUMNS);
    let warmup = net.run.warmup;
    for r in results {
        for row in &r.intervals {
            let scope = match row.scope {
                Scope::Station(i) => net.stations[i].name.as_str(),
                Scope::Network => NETWORK_SCOPE,
            };
            let mut record = series_keys(scenario, r.replication, row.index, row.start, row.end);
            record.extend([
                scope.to_owned(),
                row.arrivals.to_string(),
                row.blocked.to_string(),
                row.reneged.to_string(),
                row.served.to_string(),
                number(row.queue_len_mean),
                number(row.in_station_mean),
                number(row.busy_mean),
                number(row.servers_mean),
                number(row.utilisation),
                number(row.wait_mean),
                number(row.wait_p50),
                number(row.wait_p95),
                number(row.wait_p99),
                number(row.sojourn_mean),
                number(row.sojourn_p50),
                number(row.sojourn_p95),
                number(row.sojourn_p99),
                (row.start < warmup).to_string(),
            ]);
            let _ = w.write_record(&record);
        }
    }
    csv_bytes(w)
}

/// Per-replication summary in long form: `scenario, replication, scope,
/// metric, value`. Long form keeps one schema for every metric and scope,
/// which is what pandas `pivot` and R `tidyr` expect.
pub fn replication_summary(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record(["scenario", "replication", "scope", "metric", "value"]);
    for r in results {
        let rep = r.replication.to_string();
        for st in &r.stations {
            for (metric, value) in StationSummary::METRICS.iter().zip(st.values()) {
                let _ = w.write_record([scenario.name.as_str(), &rep, &st.name, metric, &number(value)]);
            }
        }
        for (metric, value) in NetworkSummary::METRICS.iter().zip(r.network.values()) {
            let _ = w.write_record([scenario.name.as_str(), &rep, NETWORK_SCOPE, metric, &number(value)]);
        }
    }
    csv_bytes(w)
}

/// Means across replications with 95% confidence intervals.
pub fn estimates(scenario: &Scenario, estimates: &[Estimate]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record([
        "scenario",
        "scope",
        "metric",
        "mean",
        "ci95_low",
        "ci95_high",
        "ci95_half_width",
        "replications",
    ]);
    for e in estimates {
        let [mean, low, high, half_width, n] = estimate_fields(e);
        let _ = w.write_record([scenario.name.as_str(), &e.scope, &e.metric, &mean, &low, &high, &half_width, &n]);
    }
    csv_bytes(w)
}

/// Paired differences against the baseline scenario: one row per scenario,
/// scope and metric, with the unpaired half-width beside the paired one.
pub fn differences(baseline: &str, differences: &[crate::report::PairedDifference]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record([
        "scenario",
        "baseline",
        "scope",
        "metric",
        "baseline_mean",
        "scenario_mean",
        "difference",
        "ci95_low",
        "ci95_high",
        "ci95_half_width",
        "unpaired_ci95_half_width",
        "replications",
    ]);
    for d in differences {
        let _ = w.write_record([
            d.scenario.as_str(),
            baseline,
            &d.scope,
            &d.metric,
            &number(d.baseline),
            &number(d.variant),
            &number(d.difference.mean),
            &number(d.difference.lower),
            &number(d.difference.upper),
            &number(d.difference.half_width),
            &number(d.unpaired_half_width),
            &d.difference.n.to_string(),
        ]);
    }
    csv_bytes(w)
}
