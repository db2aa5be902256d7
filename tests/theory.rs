//! The engine agrees with queueing theory: every textbook model of the
//! verification suite, simulated with a fixed seed, reproduces its exact
//! values within simultaneous 95% confidence intervals.

use clickday::experiment::{CONFIDENCE_LEVEL, estimate, run_replications};
use clickday::network::{ReplicationResult, StationSummary};
use clickday::stats::{ConfidenceInterval, bonferroni_level};
use clickday::verification::{Benchmark, benchmarks, run_suite};

const SEED: u64 = 20200401;
const REPLICATIONS: u32 = 20;

fn benchmark(prefix: &str) -> Benchmark {
    benchmarks()
        .unwrap()
        .into_iter()
        .find(|b| b.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no benchmark {prefix}"))
}

fn values(results: &[ReplicationResult], scope: &str, metric: &str) -> Vec<f64> {
    results
        .iter()
        .filter_map(|r| {
            if scope == "network" {
                r.network.metric(metric)
            } else {
                r.stations.iter().find(|s| s.name == scope).and_then(|s: &StationSummary| s.metric(metric))
            }
        })
        .filter(|v| v.is_finite())
        .collect()
}

/// Simulates the benchmark and asserts each exact value lies in its
/// interval. The level is the one `clickday validate` uses: Bonferroni over
/// every check of the suite, so that all the tests together pass with
/// probability at least 95% for a correct engine, whatever the seed.
fn assert_agrees(prefix: &str) {
    let bench = benchmark(prefix);
    let results = run_replications(&bench.network, SEED, REPLICATIONS, &|| {}).unwrap();
    let checks: usize = benchmarks().unwrap().iter().map(|b| b.expected.len()).sum();
    let level = bonferroni_level(CONFIDENCE_LEVEL, checks);
    for (scope, metric, exact) in &bench.expected {
        let ci = ConfidenceInterval::student_t(&values(&results, scope, metric), level);
        assert!(
            ci.contains(*exact),
            "{}: {scope}.{metric}: exact {exact} outside [{}, {}] (mean {})",
            bench.name,
            ci.lower,
            ci.upper,
            ci.mean
        );
        // The interval must also be informative: a huge interval would
        // "contain" anything.
        assert!(
            ci.half_width <= 0.10 * exact.abs().max(1e-3),
            "{}: {scope}.{metric}: interval too wide ({})",
            bench.name,
            ci.half_width
        );
    }
}

#[test]
fn mm1_at_rho_0_9_matches_exact_values() {
    assert_agrees("M/M/1 ");
}

#[test]
fn mmc_with_10_servers_at_rho_0_9_matches_erlang_c() {
    assert_agrees("M/M/10 ");
}

#[test]
fn mmc_with_100_servers_at_rho_0_95_matches_erlang_c() {
    assert_agrees("M/M/100 ");
}

#[test]
fn mmck_blocking_and_occupancy_match_exact_values() {
    assert_agrees("M/M/5/12");
}

#[test]
fn erlang_a_abandonment_and_waits_match_exact_values() {
    assert_agrees("Erlang A");
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    assert_agrees("M/D/1");
}

#[test]
fn mg1_with_lognormal_service_matches_pollaczek_khinchine() {
    assert_agrees("M/G/1");
}

#[test]
fn tandem_jackson_network_matches_product_form() {
    assert_agrees("Jackson");
}

#[test]
fn a_wrong_exact_value_is_caught() {
    // The same comparison must fail when theory and simulation disagree by
    // a few percent: M/M/1 simulated at rho 0.9, compared with rho 0.88.
    let bench = benchmark("M/M/1 ");
    let results = run_replications(&bench.network, SEED, REPLICATIONS, &|| {}).unwrap();
    let wrong = clickday::analytic::MMc::new(0.88, 1.0, 1).unwrap().mean_wait();
    let ci = ConfidenceInterval::student_t(&values(&results, "server", "wait_mean_s"), 0.95);
    assert!(
        !ci.contains(wrong),
        "a 20% error in the mean wait went unnoticed: {wrong} in [{}, {}]",
        ci.lower,
        ci.upper
    );
}

#[test]
fn the_suite_report_passes_and_lists_every_check() {
    let report = run_suite(SEED, 10).unwrap();
    let expected: usize = benchmarks().unwrap().iter().map(|b| b.expected.len()).sum();
    assert_eq!(report.checks.len(), expected);
    assert!(report.all_passed(), "{}", report.to_table());
    let table = report.to_table();
    assert!(table.contains("PASS") && !table.contains("FAIL"));
}

#[test]
fn estimates_cover_every_station_metric() {
    let bench = benchmark("Jackson");
    let results = run_replications(&bench.network, SEED, 3, &|| {}).unwrap();
    let estimates = estimate(&results);
    assert_eq!(estimates.len(), 3 * StationSummary::METRICS.len() + clickday::network::NetworkSummary::METRICS.len());
    assert!(estimates.iter().all(|e| e.ci.n == 3 || e.ci.n == 0));
}
