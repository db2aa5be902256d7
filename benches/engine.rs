//! Engine throughput: events per second on M/M/c (c = 10, rho = 0.9,
//! 1,000,000 customers), one replication on one core and two replications
//! on two cores. An event is an arrival or a departure.
//!
//! A second group runs the contact center's phone line on the same load
//! with impatient callers who redial (1,000,000 first attempts): events are
//! attempts, answers, call ends, hang-ups and redials.
//!
//! Beside the engine runs the floor (`floor/mod.rs`), a hand-written M/M/10
//! loop on the same load: the least any engine pays for the same events,
//! so the ratio of the two groups' events per second, measured in one run,
//! is the engine's overhead (counters, histograms, interval rows, slabs).
//!
//! Run with `cargo bench --bench engine`; criterion reports the time per
//! iteration and, through `Throughput::Elements`, events per second.

use clickday::arrivals::ArrivalProcess;
use clickday::contact::{
    ContactCenter, DemandKind, DemandSource, ExternalIntake, PhoneChannel, Reason, Redial, StaffSchedule,
    WorkingCalendar,
};
use clickday::dist::TimeDistribution;
use clickday::engine::RngStreams;
use clickday::experiment::run_replications;
use clickday::network::{Network, RunLength, SourceSpec, StationSpec, simulate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floor::{CUSTOMERS, MEAN_SERVICE, RATE, SERVERS};
use std::hint::black_box;

mod floor;

/// M/M/10 at rho = 0.9, the floor's load (`floor::RATE` and the rest).
fn mmc() -> Network {
    let duration = CUSTOMERS / RATE;
    Network {
        stations: vec![StationSpec {
            name: "servers".into(),
            servers: SERVERS,
            capacity: None,
            service: TimeDistribution::exponential(MEAN_SERVICE).unwrap(),
            patience: None,
            routes: Vec::new(),
            schedule: Vec::new(),
            initial_customers: 0,
            service_level_target: None,
        }],
        sources: vec![SourceSpec {
            name: "arrivals".into(),
            to: 0,
            priority: 0,
            process: ArrivalProcess::Poisson { rate: RATE },
        }],
        run: RunLength { duration, warmup: 0.0, interval: 3600.0 },
        max_in_system: 10_000_000,
    }
}

fn engine(c: &mut Criterion) {
    let net = mmc();
    // Count the events of one replication once, so throughput is exact.
    let result = simulate(&net, &RngStreams::new(1, 0)).unwrap();
    let events = result.station_totals[0].arrived + result.station_totals[0].served;
    let mut group = c.benchmark_group("mmc_c10_rho0.9_1M_customers");
    group.sample_size(10);

    group.throughput(Throughput::Elements(events));
    group.bench_function("one_replication_one_core", |b| {
        b.iter(|| black_box(simulate(black_box(&net), &RngStreams::new(1, 0)).unwrap()))
    });

    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    group.throughput(Throughput::Elements(2 * events));
    group.bench_function("two_replications_two_cores", |b| {
        b.iter(|| pool.install(|| black_box(run_replications(black_box(&net), 1, 2, &|| {}).unwrap())))
    });
    group.finish();
}

fn hand_written(c: &mut Criterion) {
    floor::bench_floor(c, "mmc_c10_rho0.9_1M_customers", "hand_written_binary_heap_one_core");
}

/// The phone line at the floor's load (9 calls/s, 1 s handle time, 10
/// agents), with patience 5 s, and half the callers who hang up redial.
fn phone_line() -> ContactCenter {
    let exp = |mean| TimeDistribution::exponential(mean).unwrap();
    ContactCenter {
        run: RunLength { duration: CUSTOMERS / RATE, warmup: 0.0, interval: 3600.0 },
        calendar: WorkingCalendar::default(),
        phone: Some(PhoneChannel {
            lines: Some(40),
            open_hours: None,
            ivr: None,
            agents: StaffSchedule::constant(SERVERS),
            handle_time: exp(MEAN_SERVICE),
            patience: Some(exp(5.0)),
            answer_target: 1.0,
            redial: Some(Redial { after_busy: 0.5, after_abandon: 0.5, delay: exp(30.0), max_attempts: 5 }),
            callback: None,
            reasons: vec![Reason::general()],
            demand: vec![DemandSource {
                name: "calls".into(),
                reason: 0,
                kind: DemandKind::Arrivals(ArrivalProcess::Poisson { rate: RATE }),
            }],
            external: ExternalIntake::default(),
        }),
        social: None,
        max_in_system: 10_000_000,
    }
}

fn contact(c: &mut Criterion) {
    let center = phone_line();
    let events = clickday::contact::simulate(&center, None, &RngStreams::new(1, 0)).unwrap().events;
    let mut group = c.benchmark_group("phone_line_c10_rho0.9_1M_callers");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function("one_replication_one_core", |b| {
        b.iter(|| black_box(clickday::contact::simulate(black_box(&center), None, &RngStreams::new(1, 0)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, hand_written, engine, contact);
criterion_main!(benches);
