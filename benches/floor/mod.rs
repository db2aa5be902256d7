//! The floor: a minimal hand-written M/M/c loop, the least any engine pays
//! for the same events on this machine at this moment.
//!
//! A `std` `BinaryHeap` future-event list ordered by (time, insertion), a
//! Xoshiro256++ stream and `Exp1` variates, a FIFO of arrival times, and
//! the mean wait. The machines this project is measured on change speed
//! from one hour to the next, so a throughput means little alone: the
//! benches time this loop in the same run as the engine.

use criterion::Criterion;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

/// The load every M/M/10 bench runs, so their figures compare: customers
/// per run (a million arrivals on average), arrivals per second, servers
/// and mean service time (s), which make rho = 0.9.
pub const CUSTOMERS: f64 = 1_000_000.0;
pub const RATE: f64 = 9.0;
pub const SERVERS: u32 = 10;
pub const MEAN_SERVICE: f64 = 1.0;

/// What the hand-written loop reports, so none of its work is optimised away.
pub struct HandWritten {
    pub events: u64,
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
pub fn hand_written_mmc(servers: u32, rate: f64, mean_service: f64, duration: f64, seed: u64) -> HandWritten {
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

/// Times the floor on the M/M/10 load above as `name` in group `group`,
/// with events per second as throughput.
pub fn bench_floor(c: &mut Criterion, group: &str, name: &str) {
    let duration = CUSTOMERS / RATE;
    let events = hand_written_mmc(SERVERS, RATE, MEAN_SERVICE, duration, 1).events;
    let mut group = c.benchmark_group(group);
    // Ten samples of about 0.1 s each, with room for a slow hour.
    group.sample_size(10).measurement_time(std::time::Duration::from_secs(8));
    group.throughput(criterion::Throughput::Elements(events));
    group.bench_function(name, |b| {
        b.iter(|| black_box(hand_written_mmc(SERVERS, black_box(RATE), MEAN_SERVICE, duration, 1)))
    });
    group.finish();
}
