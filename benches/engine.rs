//! Engine throughput: events per second on M/M/c (c = 10, rho = 0.9,
//! 1,000,000 customers), one replication on one core and two replications
//! on two cores. An event is an arrival or a departure.
//!
//! A second group runs the contact center's phone line on the same load
//! with impatient callers who redial (1,000,000 first attempts): events are
//! attempts, answers, call ends, hang-ups and redials.
//!
//! Beside the engine runs a hand-written M/M/10 loop on the same load: a
//! `std` `BinaryHeap` future-event list ordered by (time, insertion), a
//! Xoshiro256++ stream and `Exp1` variates, a FIFO of arrival times, and
//! the mean wait. It is the floor any engine pays for the same events, so
//! the ratio of the two groups' events per second, measured in one run, is
//! the engine's overhead (counters, histograms, interval rows, slabs).
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
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

const CUSTOMERS: f64 = 1_000_000.0;

/// M/M/10 at rho = 0.9: arrival rate 9/s, mean service 1 s, run long enough
/// for a million arrivals on average.
fn mmc() -> Network {
    let rate = 9.0;
    let duration = CUSTOMERS / rate;
    Network {
        stations: vec![StationSpec {
            name: "servers".into(),
            servers: 10,
            capacity: None,
            service: TimeDistribution::exponential(1.0).unwrap(),
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
            process: ArrivalProcess::Poisson { rate },
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

/// What the hand-written loop reports, so none of its work is optimised away.
struct HandWritten {
    events: u64,
    served: u64,
    total_wait: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HandEvent {
    Arrival,
    Departure,
}

/// A (time, insertion) key for `BinaryHeap`, which is a max-heap: the
/// ordering is reversed so the earliest entry is on top.
#[derive(Clone, Copy)]
struct HandEntry {
    time: f64,
    seq: u64,
    event: HandEvent,
}

impl PartialEq for HandEntry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for HandEntry {}
impl PartialOrd for HandEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HandEntry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.time.total_cmp(&self.time).then(other.seq.cmp(&self.seq))
    }
}

/// M/M/c on a `BinaryHeap`: the minimal loop, with no statistics beyond
/// the count served and the total wait.
fn hand_written_mmc(servers: u32, rate: f64, mean_service: f64, duration: f64, seed: u64) -> HandWritten {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut heap = BinaryHeap::with_capacity(64);
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<HandEntry>, time: f64, event: HandEvent| {
        heap.push(HandEntry { time, seq, event });
        seq += 1;
    };
    let mut waiting: VecDeque<f64> = VecDeque::with_capacity(64);
    let mut busy = 0u32;
    let mut out = HandWritten { events: 0, served: 0, total_wait: 0.0 };
    let first: f64 = Exp1.sample(&mut rng);
    push(&mut heap, first / rate, HandEvent::Arrival);
    while let Some(HandEntry { time: now, event, .. }) = heap.pop() {
        out.events += 1;
        match event {
            HandEvent::Arrival => {
                if busy < servers {
                    busy += 1;
                    let s: f64 = Exp1.sample(&mut rng);
                    push(&mut heap, now + s * mean_service, HandEvent::Departure);
                } else {
                    waiting.push_back(now);
                }
                let gap: f64 = Exp1.sample(&mut rng);
                let next = now + gap / rate;
                if next < duration {
                    push(&mut heap, next, HandEvent::Arrival);
                }
            }
            HandEvent::Departure => {
                out.served += 1;
                if let Some(arrived) = waiting.pop_front() {
                    out.total_wait += now - arrived;
                    let s: f64 = Exp1.sample(&mut rng);
                    push(&mut heap, now + s * mean_service, HandEvent::Departure);
                } else {
                    busy -= 1;
                }
            }
        }
    }
    out
}

fn hand_written(c: &mut Criterion) {
    let (rate, duration) = (9.0, CUSTOMERS / 9.0);
    let events = hand_written_mmc(10, rate, 1.0, duration, 1).events;
    let mut group = c.benchmark_group("mmc_c10_rho0.9_1M_customers");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function("hand_written_binary_heap_one_core", |b| {
        b.iter(|| black_box(hand_written_mmc(10, black_box(rate), 1.0, duration, 1)))
    });
    group.finish();
}

/// The phone line at the same load: 9 calls/s, 1 s handle time, 10
/// agents, patience 5 s, and half the callers who hang up redial.
fn phone_line() -> ContactCenter {
    let rate = 9.0;
    let exp = |mean| TimeDistribution::exponential(mean).unwrap();
    ContactCenter {
        run: RunLength { duration: CUSTOMERS / rate, warmup: 0.0, interval: 3600.0 },
        calendar: WorkingCalendar::default(),
        phone: Some(PhoneChannel {
            lines: Some(40),
            open_hours: None,
            ivr: None,
            agents: StaffSchedule::constant(10),
            handle_time: exp(1.0),
            patience: Some(exp(5.0)),
            answer_target: 1.0,
            redial: Some(Redial { after_busy: 0.5, after_abandon: 0.5, delay: exp(30.0), max_attempts: 5 }),
            callback: None,
            reasons: vec![Reason::general()],
            demand: vec![DemandSource {
                name: "calls".into(),
                reason: 0,
                kind: DemandKind::Arrivals(ArrivalProcess::Poisson { rate }),
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
