//! Rendering every chart of a run, and the HTML report around them.
//!
//! The run has the shape of the 1 April 2020 comparison: the five bundled
//! scenarios (the replay and its four counterfactuals), 30 replications
//! each, 300 five-minute intervals, four tiers, a phone line and a social
//! inbox. The population is cut to 1% so that the setup takes seconds;
//! the charts have as many points and lines as at full scale, and drawing
//! them is what is measured. The target is under 2 s for all charts.
//!
//! Run with `cargo bench --bench report`.

use clickday::pipeline::{self, ScenarioOutput, ScenarioRun, Tables};
use clickday::report::{self, PairedDifference, ScenarioView};
use clickday::scenario::{Scenario, parse_scenario_with_includes};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

const REPLICATIONS: u32 = 30;

const BASE: &str = include_str!("../scenarios/inps-2020-04-01.toml");
const VARIANTS: [(&str, &str); 5] = [
    ("inps-2020-04-01.toml", BASE),
    ("inps-2020-04-01-waiting-room.toml", include_str!("../scenarios/inps-2020-04-01-waiting-room.toml")),
    ("inps-2020-04-01-staggered.toml", include_str!("../scenarios/inps-2020-04-01-staggered.toml")),
    ("inps-2020-04-01-no-cache-bug.toml", include_str!("../scenarios/inps-2020-04-01-no-cache-bug.toml")),
    ("inps-2020-04-01-capped-backoff.toml", include_str!("../scenarios/inps-2020-04-01-capped-backoff.toml")),
];

/// The five scenarios with the population cut to 1%.
fn scenarios() -> Vec<Scenario> {
    let small_base = BASE.replacen("eligible = 5000000", "eligible = 50000", 1);
    assert_ne!(small_base, BASE, "the base scenario no longer sets eligible = 5000000");
    let resolve = |name: &str| {
        if name == VARIANTS[0].0 { Ok(small_base.clone()) } else { Err(format!("no file {name}")) }
    };
    VARIANTS
        .iter()
        .map(|(file, text)| {
            let text = if *file == VARIANTS[0].0 { small_base.as_str() } else { text };
            parse_scenario_with_includes(file, text, &resolve).unwrap()
        })
        .collect()
}

fn report(c: &mut Criterion) {
    let scenarios = scenarios();
    let runs: Vec<ScenarioRun<'_>> = scenarios
        .iter()
        .map(|s| ScenarioRun { scenario: s, source: "bench", seed: s.seed, replications: REPLICATIONS })
        .collect();
    let pairs = pipeline::plan(&runs, None);
    let tables: Vec<Tables> = pipeline::run_tables(&runs, &pairs, &|| {}, &AtomicBool::new(false)).unwrap();
    let outputs: Vec<ScenarioOutput> =
        runs.iter().zip(&tables).map(|(r, t)| pipeline::finish_scenario(r, t).unwrap()).collect();
    let differences: Vec<PairedDifference> = pipeline::compare(&runs, &tables).unwrap();
    let views: Vec<ScenarioView<'_>> =
        runs.iter().zip(&tables).zip(&outputs).map(|((r, t), o)| pipeline::view(r, t, &o.estimates)).collect();

    let mut group = c.benchmark_group("report_inps_5_scenarios_30_replications");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(2));
    group.bench_function("all_charts_png_and_svg", |b| b.iter(|| black_box(report::figures(black_box(&views)))));
    let charts = report::figures(&views).unwrap();
    group.bench_function("report_html", |b| {
        b.iter(|| black_box(report::report_html(black_box(&views), &differences, &charts)))
    });
    group.bench_function("whole_report", |b| {
        b.iter(|| black_box(pipeline::report(&runs, &tables, &outputs, black_box(&differences))))
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
