//! One replication of the full-scale default scenario (1 April 2020: five
//! million eligible people, every applicant and every request an event) on
//! one core.
//!
//! Run with `cargo bench --bench launch`; criterion reports the time per
//! replication and, through `Throughput::Elements`, events per second.
//! Peak memory: `/usr/bin/time -v target/release/clickday run -r 1 -j 1`.

use clickday::engine::RngStreams;
use clickday::launch::simulate;
use clickday::scenario::{Model, parse_scenario};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn launch(c: &mut Criterion) {
    let text = include_str!("../scenarios/inps-2020-04-01.toml");
    let scenario = parse_scenario("scenarios/inps-2020-04-01.toml", text).unwrap();
    let Model::LaunchDay(day) = scenario.model else { panic!("the default scenario is a launch day") };
    let events = simulate(&day, &RngStreams::new(scenario.seed, 0)).unwrap().events;
    let mut group = c.benchmark_group("inps_2020_04_01_full_scale");
    group.sample_size(10).measurement_time(Duration::from_secs(150)).warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(events));
    group.bench_function("one_replication_one_core", |b| {
        b.iter(|| black_box(simulate(black_box(&day), &RngStreams::new(scenario.seed, 0)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, launch);
criterion_main!(benches);
