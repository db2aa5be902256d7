//! The running state of one station and the accumulators read off it.

use super::results::{IntervalRow, Scope, StationSummary, StationTotals};
use super::{MAX_PRIORITY_LEVELS, StationSpec};
use crate::engine::WaitingLine;
use crate::stats::{LogHistogram, TimeWeighted, ratio};
use crate::units::Seconds;

/// A place in a queue: the customer's slot and the visit it was queued on.
/// The visit number tells a live entry from one whose customer has since
/// reneged (entries are removed lazily, when they reach the head).
#[derive(Debug, Clone, Copy)]
pub(super) struct QueueEntry {
    pub customer: u32,
    pub visit: u32,
}

/// Cumulative counts since time zero. Windows (the summary after warm-up,
/// each interval row) are differences of two snapshots, so nothing is ever
/// reset and nothing is counted twice.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub arrivals: u64,
    pub blocked: u64,
    pub reneged: u64,
    pub served: u64,
    pub queued_on_arrival: u64,
    pub started: u64,
    pub within_target: u64,
    /// Time in queue summed over everyone who left the queue.
    pub queue_time: f64,
    /// Time in station summed over everyone who left the station.
    pub station_time: f64,
}

impl Counts {
    fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            arrivals: self.arrivals - earlier.arrivals,
            blocked: self.blocked - earlier.blocked,
            reneged: self.reneged - earlier.reneged,
            served: self.served - earlier.served,
            queued_on_arrival: self.queued_on_arrival - earlier.queued_on_arrival,
            started: self.started - earlier.started,
            within_target: self.within_target - earlier.within_target,
            queue_time: self.queue_time - earlier.queue_time,
            station_time: self.station_time - earlier.station_time,
        }
    }
}

/// Counts and time-weighted areas at one instant.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Snapshot {
    pub time: Seconds,
    pub counts: Counts,
    pub queue_area: f64,
    pub busy_area: f64,
    pub servers_area: f64,
}

/// A station during a replication.
#[derive(Debug)]
pub(super) struct Station {
    pub servers: u32,
    pub capacity: u32,
    pub target: Seconds,
    pub busy: u32,
    /// The queue, one level per priority.
    line: WaitingLine<QueueEntry>,
    pub counts: Counts,
    queue_len: TimeWeighted,
    busy_tw: TimeWeighted,
    servers_tw: TimeWeighted,
    pub wait: LogHistogram,
    pub sojourn: LogHistogram,
    pub interval_wait: LogHistogram,
    pub interval_sojourn: LogHistogram,
    warmup_mark: Snapshot,
    interval_mark: Snapshot,
}

impl Station {
    pub fn new(spec: &StationSpec, priority_levels: usize) -> Station {
        let levels = priority_levels.clamp(1, MAX_PRIORITY_LEVELS);
        Station {
            servers: spec.servers,
            capacity: spec.capacity.unwrap_or(u32::MAX),
            target: spec.service_level_target.unwrap_or(f64::NAN),
            busy: 0,
            line: WaitingLine::new(levels, 256),
            counts: Counts::default(),
            queue_len: TimeWeighted::new(0.0, 0.0),
            busy_tw: TimeWeighted::new(0.0, 0.0),
            servers_tw: TimeWeighted::new(0.0, f64::from(spec.servers)),
            wait: LogHistogram::new(),
            sojourn: LogHistogram::new(),
            interval_wait: LogHistogram::new(),
            interval_sojourn: LogHistogram::new(),
            warmup_mark: Snapshot::default(),
            interval_mark: Snapshot::default(),
        }
    }

    #[inline]
    pub fn in_station(&self) -> u32 {
        self.busy + self.line.len()
    }

    #[inline]
    pub fn has_free_server(&self) -> bool {
        self.busy < self.servers
    }

    #[inline]
    pub fn enqueue(&mut self, now: Seconds, priority: u8, entry: QueueEntry) {
        let level = usize::from(priority).min(self.line.levels() - 1);
        self.line.push(level, entry);
        self.queue_len.set(now, f64::from(self.line.len()));
    }

    /// Removes and returns the first live entry, highest priority first;
    /// `is_live` says whether an entry's customer is still waiting here.
    #[inline]
    pub fn dequeue(&mut self, now: Seconds, is_live: impl FnMut(QueueEntry) -> bool) -> Option<QueueEntry> {
        let entry = self.line.pop_oldest(is_live)?;
        self.queue_len.set(now, f64::from(self.line.len()));
        Some(entry)
    }

    /// A waiting customer left the queue without service.
    #[inline]
    pub fn renege(&mut self, now: Seconds, waited: Seconds) {
        self.line.withdraw();
        self.queue_len.set(now, f64::from(self.line.len()));
        self.counts.reneged += 1;
        self.counts.queue_time += waited;
        self.counts.station_time += waited;
    }

    #[inline]
    pub fn start_service(&mut self, now: Seconds, waited: Seconds) {
        self.busy += 1;
        self.busy_tw.set(now, f64::from(self.busy));
        self.counts.started += 1;
        self.counts.queue_time += waited;
        // NaN target compares false: no target, nothing counted.
        self.counts.within_target += u64::from(waited <= self.target);
        self.wait.record(waited);
        self.interval_wait.record(waited);
    }

    #[inline]
    pub fn finish_service(&mut self, now: Seconds, sojourn: Seconds) {
        self.busy -= 1;
        self.busy_tw.set(now, f64::from(self.busy));
        self.counts.served += 1;
        self.counts.station_time += sojourn;
        self.sojourn.record(sojourn);
        self.interval_sojourn.record(sojourn);
    }

    pub fn set_servers(&mut self, now: Seconds, servers: u32) {
        self.servers = servers;
        self.servers_tw.set(now, f64::from(servers));
    }

    fn snapshot(&self, now: Seconds) -> Snapshot {
        Snapshot {
            time: now,
            counts: self.counts,
            queue_area: self.queue_len.area(now),
            busy_area: self.busy_tw.area(now),
            servers_area: self.servers_tw.area(now),
        }
    }

    /// Starts the observation window: statistics before `now` are warm-up.
    pub fn end_warmup(&mut self, now: Seconds) {
        self.warmup_mark = self.snapshot(now);
        self.wait.clear();
        self.sojourn.clear();
    }

    /// Closes the current interval: returns its row and starts the next.
    pub fn close_interval(&mut self, now: Seconds, index: usize, station: usize) -> IntervalRow {
        let mark = self.interval_mark;
        let here = self.snapshot(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let per = |area: f64| if span > 0.0 { area / span } else { f64::NAN };
        let (queue, busy, servers) =
            (here.queue_area - mark.queue_area, here.busy_area - mark.busy_area, here.servers_area - mark.servers_area);
        let row = IntervalRow {
            index,
            start: mark.time,
            end: now,
            scope: Scope::Station(station),
            arrivals: c.arrivals,
            blocked: c.blocked,
            reneged: c.reneged,
            served: c.served,
            queue_len_mean: per(queue),
            in_station_mean: per(queue + busy),
            busy_mean: per(busy),
            servers_mean: per(servers),
            utilisation: ratio(busy, servers),
            wait_mean: self.interval_wait.mean(),
            wait_p50: self.interval_wait.quantile(0.50),
            wait_p95: self.interval_wait.quantile(0.95),
            wait_p99: self.interval_wait.quantile(0.99),
            sojourn_mean: self.interval_sojourn.mean(),
            sojourn_p50: self.interval_sojourn.quantile(0.50),
            sojourn_p95: self.interval_sojourn.quantile(0.95),
            sojourn_p99: self.interval_sojourn.quantile(0.99),
        };
        self.interval_mark = here;
        self.interval_wait.clear();
        self.interval_sojourn.clear();
        row
    }

    /// The summary over the observation window ending at `now`.
    pub fn summary(&self, name: &str, now: Seconds) -> StationSummary {
        let mark = self.warmup_mark;
        let here = self.snapshot(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let (queue, busy, servers) =
            (here.queue_area - mark.queue_area, here.busy_area - mark.busy_area, here.servers_area - mark.servers_area);
        let admitted = c.arrivals - c.blocked;
        let left_queue = c.started + c.reneged;
        let left_station = c.served + c.reneged;
        StationSummary {
            name: name.to_owned(),
            arrivals: c.arrivals,
            blocked: c.blocked,
            reneged: c.reneged,
            served: c.served,
            p_blocked: ratio(c.blocked as f64, c.arrivals as f64),
            p_wait: ratio(c.queued_on_arrival as f64, admitted as f64),
            p_abandon: ratio(c.reneged as f64, admitted as f64),
            wait_mean: self.wait.mean(),
            queue_time_mean: ratio(c.queue_time, left_queue as f64),
            wait_quantiles: [0.50, 0.90, 0.95, 0.99].map(|q| self.wait.quantile(q)),
            sojourn_mean: self.sojourn.mean(),
            time_in_station_mean: ratio(c.station_time, left_station as f64),
            service_level: if self.target.is_nan() {
                f64::NAN
            } else {
                ratio(c.within_target as f64, left_queue as f64)
            },
            queue_len_mean: queue / span,
            in_station_mean: (queue + busy) / span,
            busy_mean: busy / span,
            servers_mean: servers / span,
            utilisation: ratio(busy, servers),
            admitted_rate: admitted as f64 / span,
            throughput: c.served as f64 / span,
        }
    }

    pub fn totals(&self) -> StationTotals {
        StationTotals {
            arrived: self.counts.arrivals,
            blocked: self.counts.blocked,
            reneged: self.counts.reneged,
            served: self.counts.served,
            in_station_at_end: u64::from(self.in_station()),
        }
    }
}
