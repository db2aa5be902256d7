//! Many replications of one model, run in parallel and summarised with
//! confidence intervals.
//!
//! Replication `r` of a run with seed `s` draws from streams derived from
//! `(s, r)` only, and results are collected in replication order, so the
//! output is byte-identical whatever the number of threads. The thread pool
//! is the caller's: run inside `rayon::ThreadPool::install` to bound it.

use crate::engine::RngStreams;
use crate::network::{Network, NetworkSummary, ReplicationResult, SimError, StationSummary, simulate};
use crate::stats::ConfidenceInterval;
use rayon::prelude::*;

/// Confidence level of every interval clickday reports.
pub const CONFIDENCE_LEVEL: f64 = 0.95;

/// Runs replications `0..replications` of `net` in parallel.
///
/// `on_done` is called once per finished replication (from worker threads),
/// for progress reporting; it must be cheap.
pub fn run_replications(
    net: &Network,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicationResult>, SimError> {
    replicate(seed, replications, on_done, |streams| simulate(net, streams))
}

/// Runs `run` for replications `0..replications` in parallel on the
/// current rayon pool, replication `r` with `RngStreams::new(seed, r)`.
/// Results come back in replication order, so they do not depend on the
/// number of threads; `on_done` is called once per finished replication.
pub fn replicate<T: Send, E: Send>(
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
    run: impl Fn(&RngStreams) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    (0..u64::from(replications))
        .into_par_iter()
        .map(|r| {
            let result = run(&RngStreams::new(seed, r));
            on_done();
            result
        })
        .collect()
}

/// A metric's mean across replications with its confidence interval.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// The station name, or `network`.
    pub scope: String,
    /// Metric name (with unit suffix).
    pub metric: String,
    /// Mean and Student-t interval over the replications where the metric
    /// was defined (a replication with no waits has no wait percentile).
    pub ci: ConfidenceInterval,
    /// Whether every replication gave a whole number (a count), so the
    /// mean is shown as one.
    pub whole: bool,
}

impl Estimate {
    /// The estimate of a metric from its value in each replication
    /// (NaN where it was not defined).
    pub fn from_values(scope: impl Into<String>, metric: impl Into<String>, values: impl Iterator<Item = f64>) -> Self {
        let defined: Vec<f64> = values.filter(|v| v.is_finite()).collect();
        let whole = !defined.is_empty() && defined.iter().all(|v| v.fract() == 0.0);
        Estimate {
            scope: scope.into(),
            metric: metric.into(),
            ci: ConfidenceInterval::student_t(&defined, CONFIDENCE_LEVEL),
            whole,
        }
    }
}

/// The scope name used for network-wide figures.
pub const NETWORK_SCOPE: &str = "network";

/// Estimates every summary metric of every station and of the network.
pub fn estimate(results: &[ReplicationResult]) -> Vec<Estimate> {
    let Some(first) = results.first() else { return Vec::new() };
    let mut out = Vec::new();
    for (i, station) in first.stations.iter().enumerate() {
        let rows: Vec<[f64; 24]> = results.iter().map(|r| r.stations[i].values()).collect();
        for (m, metric) in StationSummary::METRICS.iter().enumerate() {
            out.push(Estimate::from_values(station.name.clone(), *metric, rows.iter().map(|v| v[m])));
        }
    }
    let rows: Vec<[f64; 10]> = results.iter().map(|r| r.network.values()).collect();
    for (m, metric) in NetworkSummary::METRICS.iter().enumerate() {
        out.push(Estimate::from_values(NETWORK_SCOPE, *metric, rows.iter().map(|v| v[m])));
    }
    out
}

/// The estimate for `scope` and `metric`, if present.
pub fn find<'e>(estimates: &'e [Estimate], scope: &str, metric: &str) -> Option<&'e Estimate> {
    estimates.iter().find(|e| e.scope == scope && e.metric == metric)
}
