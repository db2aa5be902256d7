//! A network of queueing stations: the textbook model that clickday's
//! engine is proven on, and the form a planner uses for any service that is
//! "people queueing for servers".
//!
//! A [`Network`] is a validated description: stations (servers, an optional
//! capacity, service and patience distributions, a capacity schedule,
//! routing), arrival sources, and the run length. [`simulate`] runs one
//! replication of it on the engine and returns what was observed. Its life
//! cycle:
//!
//! 1. build a `Network` (from a scenario file, or in code) and [`Network::check`] it;
//! 2. for each replication, call [`simulate`] with that replication's
//!    [`RngStreams`](crate::engine::RngStreams);
//! 3. hand the [`ReplicationResult`]s to the experiment layer for confidence
//!    intervals, and to the exporters.
//!
//! The flow of one customer: a source fires an `Arrival`; the customer is
//! blocked (station full), starts service (a server is free), or waits (and,
//! with a patience distribution, may renege). At the end of service a
//! `Departure` routes it to another station or out of the network. Every
//! step updates counters and time-weighted areas that are read off at each
//! interval boundary (one row per interval) and at the end (the summary,
//! after warm-up deletion).

mod results;
mod sim;
mod station;

pub use results::{
    IntervalRow, NetworkSummary, NetworkTotals, ReplicationResult, Scope, StationSummary, StationTotals,
};
pub use sim::{SimError, simulate, simulate_with_budget};

pub use crate::engine::RunLength;

use crate::arrivals::ArrivalProcess;
use crate::dist::TimeDistribution;
use crate::units::Seconds;

/// Most priority levels a station distinguishes.
pub const MAX_PRIORITY_LEVELS: usize = 8;

/// A queueing network ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The stations, referred to by index in routes and sources.
    pub stations: Vec<StationSpec>,
    /// External arrival sources.
    pub sources: Vec<SourceSpec>,
    /// How long to run and how to slice the observations.
    pub run: RunLength,
    /// Refuse to go on when more customers than this are in the network at
    /// once: an unstable model otherwise grows until memory runs out.
    pub max_in_system: u32,
}

/// One station: `servers` parallel servers in front of a FIFO queue.
#[derive(Debug, Clone, PartialEq)]
pub struct StationSpec {
    /// Name used in output and to key its random streams.
    pub name: String,
    /// Servers at time zero.
    pub servers: u32,
    /// Most customers in the station (waiting plus in service), K in
    /// M/M/c/K; arrivals beyond it are blocked. `None` is unlimited.
    pub capacity: Option<u32>,
    /// Service time.
    pub service: TimeDistribution,
    /// How long a waiting customer waits before giving up. `None`: forever.
    pub patience: Option<TimeDistribution>,
    /// Where customers go after service; the remaining probability leaves.
    pub routes: Vec<Route>,
    /// Changes to the number of servers over time, in time order.
    pub schedule: Vec<CapacityChange>,
    /// Customers already waiting at time zero.
    pub initial_customers: u32,
    /// Wait target for the service-level figure (share served within it).
    pub service_level_target: Option<Seconds>,
}

/// A routing choice after service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Index of the destination station.
    pub to: usize,
    /// Probability of taking this route.
    pub probability: f64,
}

/// From `at` on, the station has `servers` servers. A decrease never
/// interrupts a service in progress: the server leaves when it is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityChange {
    /// When the change takes effect, in seconds.
    pub at: Seconds,
    /// Servers from then on.
    pub servers: u32,
}

/// An external source of customers.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    /// Name used to key its random stream.
    pub name: String,
    /// Index of the station its customers join.
    pub to: usize,
    /// Priority class: 0 is served first.
    pub priority: u8,
    /// When its customers arrive.
    pub process: ArrivalProcess,
}

impl Network {
    /// Checks the invariants the engine relies on, so that a network built in
    /// code gets an error rather than a panic. Scenario files get a richer
    /// check, with file and line, in [`crate::scenario`].
    pub fn check(&self) -> Result<(), String> {
        self.run.check()?;
        if self.stations.is_empty() || self.stations.len() > usize::from(u16::MAX) {
            return Err("a network needs between 1 and 65535 stations".into());
        }
        for s in &self.stations {
            let name = &s.name;
            if s.servers == 0 {
                return Err(format!("station {name}: servers must be >= 1"));
            }
            if let Some(k) = s.capacity {
                let most = s.schedule.iter().map(|c| c.servers).chain([s.servers]).max().unwrap_or(0);
                if k < most {
                    return Err(format!("station {name}: capacity {k} is below its {most} servers"));
                }
            }
            let mut total = 0.0;
            for r in &s.routes {
                if r.to >= self.stations.len() {
                    return Err(format!("station {name}: route to unknown station index {}", r.to));
                }
                if !(0.0..=1.0).contains(&r.probability) {
                    return Err(format!("station {name}: route probability must be in [0, 1]"));
                }
                total += r.probability;
            }
            if total > 1.0 + 1e-9 {
                return Err(format!("station {name}: route probabilities sum to {total} > 1"));
            }
            if s.schedule.windows(2).any(|w| w[1].at < w[0].at) {
                return Err(format!("station {name}: capacity schedule must be in time order"));
            }
        }
        for src in &self.sources {
            if src.to >= self.stations.len() {
                return Err(format!("source {}: unknown station index {}", src.name, src.to));
            }
            if usize::from(src.priority) >= MAX_PRIORITY_LEVELS {
                return Err(format!("source {}: priority must be 0 to {}", src.name, MAX_PRIORITY_LEVELS - 1));
            }
        }
        if self.max_in_system == 0 {
            return Err("max_in_system must be >= 1".into());
        }
        Ok(())
    }

    /// Expected external arrivals in one replication.
    pub fn expected_arrivals(&self) -> f64 {
        let initial: f64 = self.stations.iter().map(|s| f64::from(s.initial_customers)).sum();
        initial + self.sources.iter().map(|s| s.process.expected_count(self.run.duration)).sum::<f64>()
    }
}
