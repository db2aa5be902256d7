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

use clickday::experiment::Estimate;
use clickday::export;
use clickday::report::{ModelKind, ScenarioView, figures, report_html};
use clickday::scenario::{Model, Scenario, parse_scenario_with_includes};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
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

struct Run {
    scenario: Scenario,
    interventions: Vec<(f64, String)>,
    tables: Vec<(&'static str, Vec<u8>)>,
    estimates: Vec<Estimate>,
}

fn run(file: &str, text: &str) -> Run {
    let small_base = BASE.replacen("eligible = 5000000", "eligible = 50000", 1);
    let resolve = |name: &str| {
        if name == "inps-2020-04-01.toml" { Ok(small_base.clone()) } else { Err(format!("no file {name}")) }
    };
    let text = if file == VARIANTS[0].0 { small_base.as_str() } else { text };
    let scenario = parse_scenario_with_includes(file, text, &resolve).unwrap();
    let Model::LaunchDay(day) = &scenario.model else { panic!("{file} is not a launch day") };
    let results = clickday::launch::run_replications(day, scenario.seed, REPLICATIONS, &|| {}).unwrap();
    let mut estimates = clickday::launch::estimate(&results);
    let mut tables = vec![
        ("intervals.csv", export::launch::intervals(&scenario, &results)),
        ("tiers.csv", export::launch::tiers(&scenario, day, &results)),
    ];
    if let Some(center) = &day.contact_center {
        let demand = |r: u64| Some(results[r as usize].contact_demand());
        let contacts =
            clickday::contact::run_replications(center, demand, scenario.seed, REPLICATIONS, &|| {}).unwrap();
        tables.push(("phone_intervals.csv", export::contact::phone_intervals(&scenario, center, &contacts)));
        tables.push(("social_intervals.csv", export::contact::social_intervals(&scenario, center, &contacts)));
        estimates.extend(clickday::contact::estimate(&contacts));
    }
    let interventions = day.interventions.iter().map(|i| (i.at, i.label.clone())).collect();
    Run { scenario, interventions, tables, estimates }
}

fn view(run: &Run) -> ScenarioView<'_> {
    ScenarioView {
        name: &run.scenario.name,
        description: &run.scenario.description,
        start_date: run.scenario.start_date,
        kind: ModelKind::LaunchDay,
        duration: run.scenario.run().duration,
        interventions: run.interventions.clone(),
        tables: run.tables.iter().map(|(n, b)| (*n, b.as_slice())).collect(),
        estimates: &run.estimates,
        replications: REPLICATIONS,
        seed: run.scenario.seed,
    }
}

fn report(c: &mut Criterion) {
    let runs: Vec<Run> = VARIANTS.iter().map(|(file, text)| run(file, text)).collect();
    let views: Vec<ScenarioView<'_>> = runs.iter().map(view).collect();
    let mut group = c.benchmark_group("report_inps_5_scenarios_30_replications");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(2));
    group.bench_function("all_charts_png_and_svg", |b| b.iter(|| black_box(figures(black_box(&views)).unwrap())));
    let charts = figures(&views).unwrap();
    group.bench_function("report_html", |b| b.iter(|| black_box(report_html(black_box(&views), &[], &charts))));
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
