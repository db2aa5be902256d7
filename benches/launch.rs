//! One replication of the full-scale default scenario (1 April 2020: five
//! million eligible people, every applicant and every request an event) on
//! one core.
//!
//! The floor (`floor/mod.rs`, a hand-written M/M/10 loop) runs just before
//! and just after the day, to show how fast the machine was during the
//! run and whether it moved (two floors far apart). It is not a yardstick
//! for the day itself: the day reads records spread over 100 MB and the
//! floor fits in the first-level cache, so a neighbour's load slows them
//! by different amounts. To compare two builds of the day, run them
//! alternately in one sitting (README, Speed).
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

mod floor;

/// The group the floor reports in, before and after the day.
const FLOOR: &str = "floor_mmc_c10_rho0.9_1M_customers";

fn floor_before(c: &mut Criterion) {
    floor::bench_floor(c, FLOOR, "before_the_day");
}

fn floor_after(c: &mut Criterion) {
    floor::bench_floor(c, FLOOR, "after_the_day");
}

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

criterion_group!(benches, floor_before, launch, floor_after);
criterion_main!(benches);
