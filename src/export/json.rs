//! Run metadata as JSON: what was run, with which seed and version, so that
//! any output folder can be reproduced.

use crate::scenario::Scenario;
use serde::Serialize;

/// The contents of `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunMetadata<'a> {
    /// clickday version that produced the output.
    pub clickday_version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Where the scenario came from (a path, or `bundled:<name>`).
    pub scenario_source: &'a str,
    /// Run seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Simulated time per replication, in seconds.
    pub duration_s: f64,
    /// Warm-up excluded from summaries, in seconds.
    pub warmup_s: f64,
    /// Interval width of the time series, in seconds.
    pub interval_s: f64,
    /// Events handled, summed over replications.
    pub events: u64,
    /// Files written next to this one.
    pub files: Vec<&'static str>,
}

/// Serialises the metadata, pretty-printed for people.
pub fn run_metadata(meta: &RunMetadata<'_>) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(meta).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Metadata for a scenario run that wrote `files`.
pub fn metadata_for<'a>(
    scenario: &'a Scenario,
    source: &'a str,
    replications: u32,
    seed: u64,
    events: u64,
    files: Vec<&'static str>,
) -> RunMetadata<'a> {
    let run = scenario.run();
    RunMetadata {
        clickday_version: env!("CARGO_PKG_VERSION"),
        scenario: &scenario.name,
        scenario_source: source,
        seed,
        replications,
        duration_s: run.duration,
        warmup_s: run.warmup,
        interval_s: run.interval,
        events,
        files,
    }
}
