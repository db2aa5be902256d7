//! The short summary table printed at the end of a run.

use crate::experiment::{Estimate, NETWORK_SCOPE, find};
use crate::network::Network;
use crate::scenario::Scenario;
use std::fmt::Write;

/// Metrics shown per station: (metric, label, scale, unit).
const STATION_ROWS: [(&str, &str, f64, &str); 7] = [
    ("utilisation", "utilisation", 100.0, "%"),
    ("wait_mean_s", "mean wait", 1.0, "s"),
    ("wait_p95_s", "p95 wait", 1.0, "s"),
    ("p_wait", "waited", 100.0, "%"),
    ("p_blocked", "blocked", 100.0, "%"),
    ("p_abandon", "abandoned", 100.0, "%"),
    ("queue_len_mean", "mean queue", 1.0, ""),
];

/// A plain-text table: per station, the key metrics as mean ± half-width of
/// the 95% confidence interval.
pub fn summary_table(scenario: &Scenario, net: &Network, estimates: &[Estimate], replications: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} replications, 95% confidence intervals", scenario.name, replications);
    let names: Vec<&str> = net.stations.iter().map(|s| s.name.as_str()).collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0).max(12);
    let _ = write!(out, "{:<14}", "");
    for name in &names {
        let _ = write!(out, "  {name:>width$}");
    }
    out.push('\n');
    for (metric, label, scale, unit) in STATION_ROWS {
        let _ = write!(out, "{label:<14}");
        for name in &names {
            let cell = find(estimates, name, metric).map_or("-".into(), |e| super::estimate_cell(e, scale, unit));
            let _ = write!(out, "  {cell:>width$}");
        }
        out.push('\n');
    }
    for (metric, label, scale, unit) in [
        ("sojourn_mean_s", "network: mean time in system", 1.0, "s"),
        ("throughput_per_s", "network: completions", 1.0, "/s"),
    ] {
        if let Some(e) = find(estimates, NETWORK_SCOPE, metric) {
            let _ = writeln!(out, "{label}: {}", super::estimate_cell(e, scale, unit));
        }
    }
    out
}
