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
    /// How a run sized by precision (`--precision`) chose its number of
    /// replications; absent from a run of a fixed number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionMetadata>,
}

/// Why a run sized by precision made the replications it made.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionMetadata {
    /// The largest half-width of a 95% interval allowed, as a share of the
    /// mean.
    pub target_relative_half_width: f64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Replications made before the rule was first checked.
    pub min_replications: u32,
    /// Replications after which the run stops whatever the intervals.
    pub max_replications: u32,
    /// Replications added between two checks.
    pub batch: u32,
    /// Whether every headline verdict held to the target is within it.
    pub met: bool,
    /// The sentence the terminal and the report print.
    pub summary: String,
    /// Every headline verdict at the last check.
    pub verdicts: Vec<PrecisionVerdict>,
}

/// One headline verdict at the last check of a run sized by precision.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionVerdict {
    /// Scope of the metric.
    pub scope: String,
    /// The metric.
    pub metric: String,
    /// Mean (null when no replication has it).
    pub mean: Option<f64>,
    /// Half-width of the 95% interval (null when undefined).
    pub half_width: Option<f64>,
    /// Half-width as a share of the mean (null when undefined).
    pub relative_half_width: Option<f64>,
    /// `within`, `wide` (held the run going) or `excluded`.
    pub standing: &'static str,
    /// Why an excluded verdict is not held to the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PrecisionMetadata {
    /// The metadata of the rule's last check.
    pub fn of(a: &crate::precision::Assessment) -> PrecisionMetadata {
        use crate::precision::Standing;
        let finite = |x: f64| x.is_finite().then_some(x);
        PrecisionMetadata {
            target_relative_half_width: a.precision.target,
            confidence: crate::experiment::CONFIDENCE_LEVEL,
            min_replications: a.precision.min,
            max_replications: a.precision.max,
            batch: crate::precision::BATCH,
            met: a.met(),
            summary: a.summary(),
            verdicts: a
                .verdicts
                .iter()
                .map(|v| {
                    let (standing, reason) = match &v.standing {
                        Standing::Within => ("within", None),
                        Standing::Wide => ("wide", None),
                        Standing::Excluded(why) => ("excluded", Some(why.clone())),
                    };
                    PrecisionVerdict {
                        scope: v.scope.clone(),
                        metric: v.metric.clone(),
                        mean: finite(v.mean),
                        half_width: finite(v.half_width),
                        relative_half_width: if reason.is_some() { None } else { finite(v.relative()) },
                        standing,
                        reason,
                    }
                })
                .collect(),
        }
    }
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
        precision: None,
    }
}
