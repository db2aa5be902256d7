//! What one replication of a network observed.

use crate::units::Seconds;

/// Which part of the network a row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A station, by index.
    Station(usize),
    /// The network as a whole.
    Network,
}

/// One row of the time series: what a station (or the network) did during
/// one interval. Durations are in seconds; `NaN` marks a statistic with no
/// observation in the interval (written as an empty cell).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Interval start, in seconds since the run start.
    pub start: Seconds,
    /// Interval end, in seconds.
    pub end: Seconds,
    /// The station or the network.
    pub scope: Scope,
    /// Arrivals (for the network: external arrivals).
    pub arrivals: u64,
    /// Arrivals refused because the station was full.
    pub blocked: u64,
    /// Customers who gave up waiting.
    pub reneged: u64,
    /// Service completions (for the network: customers who left it served).
    pub served: u64,
    /// Time-average number waiting.
    pub queue_len_mean: f64,
    /// Time-average number in the station (waiting plus in service).
    pub in_station_mean: f64,
    /// Time-average busy servers.
    pub busy_mean: f64,
    /// Time-average servers on duty.
    pub servers_mean: f64,
    /// Busy servers over servers on duty (busy area / server area).
    pub utilisation: f64,
    /// Waits of the customers who started service in the interval.
    pub wait_mean: Seconds,
    /// Median wait.
    pub wait_p50: Seconds,
    /// 95th percentile wait.
    pub wait_p95: Seconds,
    /// 99th percentile wait.
    pub wait_p99: Seconds,
    /// Sojourn (time in station, or in the network) of those who left served.
    pub sojourn_mean: Seconds,
    /// Median sojourn.
    pub sojourn_p50: Seconds,
    /// 95th percentile sojourn.
    pub sojourn_p95: Seconds,
    /// 99th percentile sojourn.
    pub sojourn_p99: Seconds,
}

/// A station's figures over the observation window (after warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct StationSummary {
    /// Station name.
    pub name: String,
    /// Arrivals at the station.
    pub arrivals: u64,
    /// Arrivals refused because the station was full.
    pub blocked: u64,
    /// Customers who gave up waiting.
    pub reneged: u64,
    /// Service completions.
    pub served: u64,
    /// Share of arrivals blocked.
    pub p_blocked: f64,
    /// Share of admitted arrivals who found every server busy.
    pub p_wait: f64,
    /// Share of admitted arrivals who reneged.
    pub p_abandon: f64,
    /// Mean wait of served customers, in seconds.
    pub wait_mean: Seconds,
    /// Mean time in queue of everyone who left the queue (served and
    /// reneged): the Lq/λ of Little's law.
    pub queue_time_mean: Seconds,
    /// Wait percentiles of served customers (p50, p90, p95, p99).
    pub wait_quantiles: [Seconds; 4],
    /// Mean sojourn of served customers (wait plus service), in seconds.
    pub sojourn_mean: Seconds,
    /// Mean time in the station of everyone who left it (served or reneged).
    pub time_in_station_mean: Seconds,
    /// Share of customers leaving the queue who entered service within the
    /// target (NaN without a target).
    pub service_level: f64,
    /// Time-average number waiting.
    pub queue_len_mean: f64,
    /// Time-average number in the station.
    pub in_station_mean: f64,
    /// Time-average busy servers.
    pub busy_mean: f64,
    /// Time-average servers on duty.
    pub servers_mean: f64,
    /// Busy servers over servers on duty.
    pub utilisation: f64,
    /// Arrivals admitted per second.
    pub admitted_rate: f64,
    /// Service completions per second.
    pub throughput: f64,
}

impl StationSummary {
    /// Metric names, with units, in export order.
    pub const METRICS: [&'static str; 24] = [
        "arrivals",
        "blocked",
        "reneged",
        "served",
        "p_blocked",
        "p_wait",
        "p_abandon",
        "wait_mean_s",
        "queue_time_mean_s",
        "wait_p50_s",
        "wait_p90_s",
        "wait_p95_s",
        "wait_p99_s",
        "sojourn_mean_s",
        "time_in_station_mean_s",
        "service_level",
        "queue_len_mean",
        "in_station_mean",
        "busy_mean",
        "servers_mean",
        "utilisation",
        "admitted_per_s",
        "throughput_per_s",
        "little_law_gap",
    ];

    /// Metric values in the order of [`Self::METRICS`].
    ///
    /// `little_law_gap` is L − λW relative to L: how far the measured
    /// time-average occupancy is from arrival rate times time in station. It
    /// is near zero in any run long enough to be trusted.
    pub fn values(&self) -> [f64; 24] {
        let little = self.admitted_rate * self.time_in_station_mean;
        let gap = if self.in_station_mean > 0.0 { (self.in_station_mean - little) / self.in_station_mean } else { 0.0 };
        let [p50, p90, p95, p99] = self.wait_quantiles;
        [
            self.arrivals as f64,
            self.blocked as f64,
            self.reneged as f64,
            self.served as f64,
            self.p_blocked,
            self.p_wait,
            self.p_abandon,
            self.wait_mean,
            self.queue_time_mean,
            p50,
            p90,
            p95,
            p99,
            self.sojourn_mean,
            self.time_in_station_mean,
            self.service_level,
            self.queue_len_mean,
            self.in_station_mean,
            self.busy_mean,
            self.servers_mean,
            self.utilisation,
            self.admitted_rate,
            self.throughput,
            gap,
        ]
    }

    /// The value of the metric called `name`, if there is one.
    pub fn metric(&self, name: &str) -> Option<f64> {
        Self::METRICS.iter().position(|m| *m == name).map(|i| self.values()[i])
    }
}

/// The network's figures over the observation window.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSummary {
    /// External arrivals.
    pub arrivals: u64,
    /// Customers who left the network after service.
    pub completed: u64,
    /// Customers lost on the way (blocked or reneged anywhere).
    pub lost: u64,
    /// Mean time from arrival to leaving served, in seconds.
    pub sojourn_mean: Seconds,
    /// Sojourn percentiles (p50, p90, p95, p99).
    pub sojourn_quantiles: [Seconds; 4],
    /// Time-average number of customers in the network.
    pub in_system_mean: f64,
    /// Completions per second.
    pub throughput: f64,
}

impl NetworkSummary {
    /// Metric names, with units, in export order.
    pub const METRICS: [&'static str; 10] = [
        "arrivals",
        "completed",
        "lost",
        "sojourn_mean_s",
        "sojourn_p50_s",
        "sojourn_p90_s",
        "sojourn_p95_s",
        "sojourn_p99_s",
        "in_system_mean",
        "throughput_per_s",
    ];

    /// Metric values in the order of [`Self::METRICS`].
    pub fn values(&self) -> [f64; 10] {
        let [p50, p90, p95, p99] = self.sojourn_quantiles;
        [
            self.arrivals as f64,
            self.completed as f64,
            self.lost as f64,
            self.sojourn_mean,
            p50,
            p90,
            p95,
            p99,
            self.in_system_mean,
            self.throughput,
        ]
    }

    /// The value of the metric called `name`, if there is one.
    pub fn metric(&self, name: &str) -> Option<f64> {
        Self::METRICS.iter().position(|m| *m == name).map(|i| self.values()[i])
    }
}

/// Whole-run counts for one station, warm-up included: the books that must
/// balance (arrived = blocked + reneged + served + still there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationTotals {
    /// Arrivals.
    pub arrived: u64,
    /// Refused because full.
    pub blocked: u64,
    /// Gave up waiting.
    pub reneged: u64,
    /// Completed service.
    pub served: u64,
    /// Waiting or in service when the run ended.
    pub in_station_at_end: u64,
}

/// Whole-run counts for the network, warm-up included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkTotals {
    /// External arrivals.
    pub arrived: u64,
    /// Left served.
    pub completed: u64,
    /// Lost on the way.
    pub lost: u64,
    /// In the network when the run ended.
    pub in_system_at_end: u64,
}

/// Everything one replication observed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Replication index.
    pub replication: u64,
    /// Time series, interval by interval; within an interval, stations in
    /// order and then the network.
    pub intervals: Vec<IntervalRow>,
    /// Per-station summary after warm-up.
    pub stations: Vec<StationSummary>,
    /// Network summary after warm-up.
    pub network: NetworkSummary,
    /// Whole-run counts per station.
    pub station_totals: Vec<StationTotals>,
    /// Whole-run counts for the network.
    pub network_totals: NetworkTotals,
    /// Events handled (arrivals, departures, reneging, schedule changes).
    pub events: u64,
}
