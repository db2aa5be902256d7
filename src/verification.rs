//! The built-in verification suite: textbook queues simulated by the engine
//! and compared with their exact answers from [`crate::analytic`].
//!
//! Each check passes when the exact value lies inside the simulated
//! confidence interval. With dozens of checks, plain 95% intervals would
//! flag a correct engine about once per run by chance alone, so the verdict
//! uses simultaneous intervals (Bonferroni): the whole suite passes with
//! probability at least 95% when the engine is right, whatever the seed.
//! The table shows both the ordinary 95% interval and the simultaneous one.

use crate::analytic::{ErlangA, JacksonNetwork, JacksonStation, MG1, MMc, MMcK};
use crate::arrivals::ArrivalProcess;
use crate::dist::TimeDistribution;
use crate::experiment::{CONFIDENCE_LEVEL, Estimate, NETWORK_SCOPE, estimate, find, run_replications};
use crate::network::{Network, Route, RunLength, SimError, SourceSpec, StationSpec};
use crate::stats::{ConfidenceInterval, bonferroni_level};
use std::fmt::Write;

/// One model of the suite and the exact values it must reproduce.
#[derive(Debug, Clone)]
pub struct Benchmark {
    /// Short name, e.g. `M/M/1 rho=0.9`.
    pub name: String,
    /// The model as the engine runs it.
    pub network: Network,
    /// `(scope, metric, exact value)` to compare.
    pub expected: Vec<(String, &'static str, f64)>,
}

/// The outcome of one comparison.
#[derive(Debug, Clone)]
pub struct Check {
    /// Model name.
    pub model: String,
    /// Scope (station or `network`).
    pub scope: String,
    /// Metric name.
    pub metric: &'static str,
    /// Exact value from queueing theory.
    pub exact: f64,
    /// Simulated mean with its ordinary 95% interval.
    pub ci: ConfidenceInterval,
    /// Simultaneous (family-wise 95%) interval used for the verdict.
    pub simultaneous: ConfidenceInterval,
    /// Whether the exact value lies in the simultaneous interval.
    pub passed: bool,
}

/// The whole suite's outcome.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every comparison, model by model.
    pub checks: Vec<Check>,
    /// Replications per model.
    pub replications: u32,
    /// Events handled over the whole suite.
    pub events: u64,
}

impl Report {
    /// True when every check passed.
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// A table for the terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "clickday validate: {} checks, {} replications per model, {} events simulated",
            self.checks.len(),
            self.replications,
            self.events
        );
        let _ = writeln!(
            out,
            "{:<24} {:<10} {:<18} {:>12} {:>12} {:>25} {:>25} {:>8}  result",
            "model", "scope", "metric", "exact", "simulated", "95% CI", "simultaneous 95% CI", "error"
        );
        for c in &self.checks {
            let rel =
                if c.exact != 0.0 { format!("{:+.2}%", 100.0 * (c.ci.mean - c.exact) / c.exact) } else { "-".into() };
            let _ = writeln!(
                out,
                "{:<24} {:<10} {:<18} {:>12.6} {:>12.6} {:>25} {:>25} {:>8}  {}",
                c.model,
                c.scope,
                c.metric,
                c.exact,
                c.ci.mean,
                format!("[{:.5}, {:.5}]", c.ci.lower, c.ci.upper),
                format!("[{:.5}, {:.5}]", c.simultaneous.lower, c.simultaneous.upper),
                rel,
                if c.passed { "PASS" } else { "FAIL" }
            );
        }
        let failed = self.checks.iter().filter(|c| !c.passed).count();
        let _ = writeln!(
            out,
            "\n{} of {} checks passed. A check passes when the exact value lies in its simultaneous interval \
             (Bonferroni over {} checks: each at level {:.4}).",
            self.checks.len() - failed,
            self.checks.len(),
            self.checks.len(),
            bonferroni_level(CONFIDENCE_LEVEL, self.checks.len())
        );
        out
    }
}

fn station(name: &str, servers: u32, service: TimeDistribution) -> StationSpec {
    StationSpec {
        name: name.into(),
        servers,
        capacity: None,
        service,
        patience: None,
        routes: Vec::new(),
        schedule: Vec::new(),
        initial_customers: 0,
        service_level_target: None,
    }
}

fn poisson(rate: f64) -> SourceSpec {
    SourceSpec { name: "arrivals".into(), to: 0, priority: 0, process: ArrivalProcess::Poisson { rate } }
}

fn network(stations: Vec<StationSpec>, rate: f64, duration: f64, warmup: f64) -> Network {
    Network {
        stations,
        sources: vec![poisson(rate)],
        run: RunLength { duration, warmup, interval: duration },
        max_in_system: 10_000_000,
    }
}

fn exp(mean: f64) -> TimeDistribution {
    TimeDistribution::exponential(mean).expect("positive mean")
}

/// The textbook models of the suite.
///
/// Run lengths give each replication a few hundred thousand customers:
/// enough that initialisation bias (removed further by the warm-up) is small
/// next to the confidence interval, even at 95% utilisation.
pub fn benchmarks() -> Result<Vec<Benchmark>, crate::analytic::AnalyticError> {
    let mut out = Vec::new();
    let s = |x: &str| x.to_owned();

    let mm1 = MMc::new(0.9, 1.0, 1)?;
    let mut st = station("server", 1, exp(1.0));
    st.service_level_target = Some(2.0);
    out.push(Benchmark {
        name: "M/M/1 rho=0.9".into(),
        network: network(vec![st], 0.9, 400_000.0, 20_000.0),
        expected: vec![
            (s("server"), "wait_mean_s", mm1.mean_wait()),
            (s("server"), "sojourn_mean_s", mm1.mean_sojourn()),
            (s("server"), "queue_len_mean", mm1.mean_queue_len()),
            (s("server"), "in_station_mean", mm1.mean_in_system()),
            (s("server"), "utilisation", mm1.utilisation()),
            (s("server"), "p_wait", mm1.prob_wait()),
            (s("server"), "service_level", mm1.service_level(2.0)),
        ],
    });

    let mmc = MMc::new(9.0, 1.0, 10)?;
    let mut st = station("servers", 10, exp(1.0));
    st.service_level_target = Some(0.5);
    out.push(Benchmark {
        name: "M/M/10 rho=0.9".into(),
        network: network(vec![st], 9.0, 50_000.0, 2_000.0),
        expected: vec![
            (s("servers"), "p_wait", mmc.prob_wait()),
            (s("servers"), "wait_mean_s", mmc.mean_wait()),
            (s("servers"), "wait_p90_s", mmc.wait_quantile(0.90)),
            (s("servers"), "queue_len_mean", mmc.mean_queue_len()),
            (s("servers"), "utilisation", mmc.utilisation()),
            (s("servers"), "service_level", mmc.service_level(0.5)),
        ],
    });

    let big = MMc::new(95.0, 1.0, 100)?;
    out.push(Benchmark {
        name: "M/M/100 rho=0.95".into(),
        network: network(vec![station("servers", 100, exp(1.0))], 95.0, 5_000.0, 200.0),
        expected: vec![
            (s("servers"), "p_wait", big.prob_wait()),
            (s("servers"), "wait_mean_s", big.mean_wait()),
            (s("servers"), "queue_len_mean", big.mean_queue_len()),
            (s("servers"), "utilisation", big.utilisation()),
        ],
    });

    let mmck = MMcK::new(6.0, 1.0, 5, 12)?;
    let mut st = station("servers", 5, exp(1.0));
    st.capacity = Some(12);
    out.push(Benchmark {
        name: "M/M/5/12 overloaded".into(),
        network: network(vec![st], 6.0, 60_000.0, 1_000.0),
        expected: vec![
            (s("servers"), "p_blocked", mmck.blocking_probability()),
            (s("servers"), "p_wait", mmck.prob_wait()),
            (s("servers"), "in_station_mean", mmck.mean_in_system()),
            (s("servers"), "sojourn_mean_s", mmck.mean_sojourn()),
            (s("servers"), "utilisation", mmck.utilisation()),
        ],
    });

    let erlang_a = ErlangA::new(22.0, 1.0, 0.5, 20)?;
    let mut st = station("agents", 20, exp(1.0));
    st.patience = Some(exp(2.0));
    out.push(Benchmark {
        name: "Erlang A M/M/20+M".into(),
        network: network(vec![st], 22.0, 20_000.0, 500.0),
        expected: vec![
            (s("agents"), "p_abandon", erlang_a.prob_abandon()),
            (s("agents"), "p_wait", erlang_a.prob_wait()),
            (s("agents"), "queue_time_mean_s", erlang_a.mean_wait()),
            (s("agents"), "queue_len_mean", erlang_a.mean_queue_len()),
            (s("agents"), "utilisation", erlang_a.utilisation()),
        ],
    });

    let md1 = MG1::md1(0.8, 1.0)?;
    let deterministic = TimeDistribution::deterministic(1.0).expect("non-negative value");
    out.push(Benchmark {
        name: "M/D/1 rho=0.8".into(),
        network: network(vec![station("server", 1, deterministic)], 0.8, 200_000.0, 5_000.0),
        expected: vec![
            (s("server"), "wait_mean_s", md1.mean_wait()),
            (s("server"), "queue_len_mean", md1.mean_queue_len()),
            (s("server"), "utilisation", md1.utilisation()),
        ],
    });

    let lognormal = TimeDistribution::lognormal(1.0, 1.2).expect("valid lognormal");
    let mg1 = MG1::new(0.7, lognormal.mean(), lognormal.scv())?;
    out.push(Benchmark {
        name: "M/G/1 lognormal cv=1.2".into(),
        network: network(vec![station("server", 1, lognormal)], 0.7, 200_000.0, 5_000.0),
        expected: vec![
            (s("server"), "wait_mean_s", mg1.mean_wait()),
            (s("server"), "in_station_mean", mg1.mean_in_system()),
        ],
    });

    // Three stations in tandem, the middle one with two slower servers.
    let jackson = JacksonNetwork {
        stations: vec![
            JacksonStation { external_arrival_rate: 0.8, service_rate: 1.0, servers: 1 },
            JacksonStation { external_arrival_rate: 0.0, service_rate: 0.5, servers: 2 },
            JacksonStation { external_arrival_rate: 0.0, service_rate: 1.25, servers: 1 },
        ],
        routing: vec![vec![0.0, 1.0, 0.0], vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 0.0]],
    }
    .solve()?;
    let mut a = station("a", 1, exp(1.0));
    a.routes = vec![Route { to: 1, probability: 1.0 }];
    let mut b = station("b", 2, exp(2.0));
    b.routes = vec![Route { to: 2, probability: 1.0 }];
    let c = station("c", 1, exp(0.8));
    let mut expected = Vec::new();
    for (name, sol) in ["a", "b", "c"].iter().zip(&jackson.stations) {
        expected.push((s(name), "in_station_mean", sol.mean_in_system));
    }
    expected.push((s(NETWORK_SCOPE), "sojourn_mean_s", jackson.mean_sojourn));
    expected.push((s(NETWORK_SCOPE), "in_system_mean", jackson.mean_in_system));
    out.push(Benchmark {
        name: "Jackson tandem (3)".into(),
        network: network(vec![a, b, c], 0.8, 200_000.0, 10_000.0),
        expected,
    });

    Ok(out)
}

/// Errors that stop the suite from running at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerificationError {
    /// A benchmark's exact solution could not be computed.
    #[error("exact solution: {0}")]
    Analytic(#[from] crate::analytic::AnalyticError),
    /// A benchmark could not be simulated.
    #[error("simulation: {0}")]
    Simulation(#[from] SimError),
}

/// Runs every benchmark with `replications` replications from `seed`.
pub fn run_suite(seed: u64, replications: u32) -> Result<Report, VerificationError> {
    let benchmarks = benchmarks()?;
    let total: usize = benchmarks.iter().map(|b| b.expected.len()).sum();
    let family_level = bonferroni_level(CONFIDENCE_LEVEL, total);
    let mut checks = Vec::with_capacity(total);
    let mut events = 0;
    for bench in &benchmarks {
        let results = run_replications(&bench.network, seed, replications, &|| {})?;
        events += results.iter().map(|r| r.events).sum::<u64>();
        let estimates = estimate(&results);
        for (scope, metric, exact) in &bench.expected {
            checks.push(compare(
                &bench.name,
                &results_for(&estimates, scope, metric, &results),
                scope,
                metric,
                *exact,
                family_level,
            ));
        }
    }
    Ok(Report { checks, replications, events })
}

/// The per-replication values of one metric, and its estimate.
fn results_for(
    estimates: &[Estimate],
    scope: &str,
    metric: &str,
    results: &[crate::network::ReplicationResult],
) -> (Option<Estimate>, Vec<f64>) {
    let values = results
        .iter()
        .filter_map(|r| {
            if scope == NETWORK_SCOPE {
                r.network.metric(metric)
            } else {
                r.stations.iter().find(|s| s.name == scope).and_then(|s| s.metric(metric))
            }
        })
        .filter(|v| v.is_finite())
        .collect();
    (find(estimates, scope, metric).cloned(), values)
}

fn compare(
    model: &str,
    (estimate, values): &(Option<Estimate>, Vec<f64>),
    scope: &str,
    metric: &'static str,
    exact: f64,
    family_level: f64,
) -> Check {
    let ci = estimate.as_ref().map_or_else(|| ConfidenceInterval::student_t(&[], CONFIDENCE_LEVEL), |e| e.ci);
    let simultaneous = ConfidenceInterval::student_t(values, family_level);
    Check {
        model: model.into(),
        scope: scope.into(),
        metric,
        exact,
        ci,
        simultaneous,
        passed: simultaneous.contains(exact),
    }
}
