//! One replication of a network: the event loop.

use super::results::{IntervalRow, NetworkSummary, NetworkTotals, ReplicationResult, Scope};
use super::station::{QueueEntry, Station};
use super::{MAX_PRIORITY_LEVELS, Network};
use crate::arrivals::ArrivalGenerator;
use crate::engine::{EventQueue, Mark, ObservationMarks, RngStreams, SimRng, Slab, StreamKey, StreamPurpose};
use crate::stats::ratio;
use crate::stats::{LogHistogram, TimeWeighted};
use crate::units::Seconds;
use rand::RngExt;

/// Why a replication stopped early.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The network does not satisfy [`Network::check`].
    #[error("invalid network: {0}")]
    InvalidNetwork(String),
    /// More customers were in the network than its limit allows: the model
    /// is almost surely unstable (arrivals outpace service), and going on
    /// would exhaust memory.
    #[error(
        "replication {replication}: more than {limit} customers in the network at t = {time:.0} s; \
         the model looks unstable (arrivals outpace service). Add servers, a capacity, or patience, \
         or raise max_in_system"
    )]
    TooManyInSystem {
        /// Replication index.
        replication: u64,
        /// The limit.
        limit: u32,
        /// Simulated time when it was reached.
        time: Seconds,
    },
    /// The replication needed more events than [`simulate_with_budget`]
    /// allowed; what it had observed so far is discarded, since a run cut
    /// short would read as a quiet one.
    #[error("replication {replication}: stopped after {events} events, the most one replication may handle here")]
    EventBudget {
        /// Replication index.
        replication: u64,
        /// Events handled before stopping (the budget).
        events: u64,
    },
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival { source: u16 },
    Departure { customer: u32 },
    Renege { customer: u32, visit: u32 },
    CapacityChange { station: u16, step: u16 },
}

/// A customer's record while it is in the network, in a [`Slab`] whose
/// visit number moves on at every station entry, so stale reneging events
/// and queue entries can be recognised.
#[derive(Debug, Clone, Copy)]
struct Customer {
    entered_network: Seconds,
    entered_station: Seconds,
    station: u16,
    priority: u8,
    waiting: bool,
}

struct StationRng {
    service: SimRng,
    patience: SimRng,
    routing: SimRng,
}

struct Simulation<'a> {
    net: &'a Network,
    replication: u64,
    events: EventQueue<Event>,
    stations: Vec<Station>,
    rngs: Vec<StationRng>,
    /// Cumulative routing probabilities per station.
    route_cdf: Vec<Vec<(f64, usize)>>,
    generators: Vec<ArrivalGenerator>,
    arrival_rngs: Vec<SimRng>,
    customers: Slab<Customer>,
    in_system: TimeWeighted,
    external_arrivals: u64,
    completed: u64,
    lost: u64,
    sojourn: LogHistogram,
    interval_sojourn: LogHistogram,
    warmup_mark: NetworkMark,
    interval_mark: NetworkMark,
    interval_index: usize,
    intervals: Vec<IntervalRow>,
    handled: u64,
    max_events: u64,
    marks: ObservationMarks,
}

#[derive(Debug, Clone, Copy, Default)]
struct NetworkMark {
    time: Seconds,
    arrivals: u64,
    completed: u64,
    lost: u64,
    in_system_area: f64,
}

/// Runs one replication of `net` with the random streams `streams`.
///
/// The result depends only on `net` and `streams`: the same pair gives the
/// same result on any thread, in any order.
pub fn simulate(net: &Network, streams: &RngStreams) -> Result<ReplicationResult, SimError> {
    simulate_with_budget(net, streams, u64::MAX)
}

/// [`simulate`], stopping with [`SimError::EventBudget`] instead of handling
/// more than `max_events` events (or starting with more initial customers
/// or interval ends, work without events):
/// a caller that must answer quickly (a harness, an interactive page) can
/// give up on a run that would take too long without killing the process.
/// Within the budget the result is exactly the one `simulate` returns.
pub fn simulate_with_budget(
    net: &Network,
    streams: &RngStreams,
    max_events: u64,
) -> Result<ReplicationResult, SimError> {
    net.check().map_err(SimError::InvalidNetwork)?;
    let mut sim = Simulation::new(net, streams);
    sim.max_events = max_events;
    sim.start()?;
    sim.run()?;
    Ok(sim.finish())
}

impl<'a> Simulation<'a> {
    fn new(net: &'a Network, streams: &RngStreams) -> Simulation<'a> {
        let levels =
            net.sources.iter().map(|s| usize::from(s.priority) + 1).max().unwrap_or(1).min(MAX_PRIORITY_LEVELS);
        let stations = net.stations.iter().map(|s| Station::new(s, levels)).collect();
        let rngs = net
            .stations
            .iter()
            .map(|s| StationRng {
                service: streams.stream(StreamKey::new(StreamPurpose::Service, &s.name)),
                patience: streams.stream(StreamKey::new(StreamPurpose::Patience, &s.name)),
                routing: streams.stream(StreamKey::new(StreamPurpose::Routing, &s.name)),
            })
            .collect();
        let route_cdf = net
            .stations
            .iter()
            .map(|s| {
                let mut acc = 0.0;
                s.routes
                    .iter()
                    .map(|r| {
                        acc += r.probability;
                        (acc, r.to)
                    })
                    .collect()
            })
            .collect();
        Simulation {
            net,
            replication: streams.replication(),
            events: EventQueue::with_capacity(1024),
            stations,
            rngs,
            route_cdf,
            generators: net.sources.iter().map(|s| s.process.generator()).collect(),
            arrival_rngs: net
                .sources
                .iter()
                .map(|s| streams.stream(StreamKey::new(StreamPurpose::Arrivals, &s.name)))
                .collect(),
            customers: Slab::default(),
            in_system: TimeWeighted::new(0.0, 0.0),
            external_arrivals: 0,
            completed: 0,
            lost: 0,
            sojourn: LogHistogram::new(),
            interval_sojourn: LogHistogram::new(),
            warmup_mark: NetworkMark::default(),
            interval_mark: NetworkMark::default(),
            interval_index: 0,
            intervals: Vec::new(),
            handled: 0,
            max_events: u64::MAX,
            marks: ObservationMarks::new(net.run),
        }
    }

    fn start(&mut self) -> Result<(), SimError> {
        let run = self.net.run;
        // Initial customers and interval ends are work without events: up
        // to 1e8 customers, or a million interval rows, would hold a
        // budgeted run however few its events.
        let initial: u64 = self.net.stations.iter().map(|s| u64::from(s.initial_customers)).sum();
        if initial > self.max_events || self.marks.intervals() > self.max_events {
            return Err(SimError::EventBudget { replication: self.replication, events: self.max_events });
        }
        for (i, source) in self.generators.iter_mut().enumerate() {
            if let Some(t) = source.next_after(0.0, &mut self.arrival_rngs[i])
                && t < run.duration
            {
                self.events.schedule(t, Event::Arrival { source: i as u16 });
            }
        }
        for (i, spec) in self.net.stations.iter().enumerate() {
            if let Some(change) = spec.schedule.first() {
                self.events.schedule(change.at.min(run.duration), Event::CapacityChange { station: i as u16, step: 0 });
            }
            for _ in 0..spec.initial_customers {
                self.enter_network(i, 0)?;
            }
        }
        Ok(())
    }

    /// The event loop. Observation marks (warm-up end, interval ends) are
    /// not events: they are taken before any event at the same instant, so
    /// an interval `[start, end)` holds exactly the events before `end`,
    /// whatever order they were scheduled in.
    fn run(&mut self) -> Result<(), SimError> {
        loop {
            let next_time = self.events.peek_time().unwrap_or(f64::INFINITY);
            if let Some(mark) = self.marks.due(next_time) {
                match mark {
                    Mark::WarmupEnd(at) => self.end_warmup(at),
                    Mark::IntervalEnd { at, last } => {
                        self.close_interval(at);
                        if last {
                            return Ok(());
                        }
                    }
                }
                continue;
            }
            let Some(next) = self.events.pop() else { return Ok(()) };
            if self.handled == self.max_events {
                return Err(SimError::EventBudget { replication: self.replication, events: self.handled });
            }
            self.handled += 1;
            let now = next.time;
            match next.event {
                Event::Arrival { source } => {
                    let s = usize::from(source);
                    let spec = &self.net.sources[s];
                    self.enter_network(spec.to, spec.priority)?;
                    if let Some(t) = self.generators[s].next_after(now, &mut self.arrival_rngs[s])
                        && t < self.net.run.duration
                    {
                        self.events.schedule(t, Event::Arrival { source });
                    }
                }
                Event::Departure { customer } => self.depart(customer),
                Event::Renege { customer, visit } => self.renege(customer, visit),
                Event::CapacityChange { station, step } => {
                    self.change_capacity(usize::from(station), usize::from(step))
                }
            }
        }
    }

    fn enter_network(&mut self, station: usize, priority: u8) -> Result<(), SimError> {
        let now = self.events.now();
        if self.customers.len() >= self.net.max_in_system {
            return Err(SimError::TooManyInSystem {
                replication: self.replication,
                limit: self.net.max_in_system,
                time: now,
            });
        }
        self.external_arrivals += 1;
        let id = self.customers.insert(Customer {
            entered_network: now,
            entered_station: now,
            station: station as u16,
            priority,
            waiting: false,
        });
        self.in_system.set(now, f64::from(self.customers.len()));
        self.arrive(id, station);
        Ok(())
    }

    /// Customer `id` arrives at `station`.
    #[inline]
    fn arrive(&mut self, id: u32, station: usize) {
        let now = self.events.now();
        let visit = self.customers.next_visit(id);
        let c = &mut self.customers[id];
        c.station = station as u16;
        c.entered_station = now;
        let priority = c.priority;
        let st = &mut self.stations[station];
        st.counts.arrivals += 1;
        if st.in_station() >= st.capacity {
            st.counts.blocked += 1;
            self.leave_lost(id);
        } else if st.has_free_server() {
            self.begin_service(id, station, 0.0);
        } else {
            st.counts.queued_on_arrival += 1;
            st.enqueue(now, priority, QueueEntry { customer: id, visit });
            self.customers[id].waiting = true;
            if let Some(patience) = &self.net.stations[station].patience {
                let delay = patience.sample(&mut self.rngs[station].patience);
                self.events.schedule_in(delay, Event::Renege { customer: id, visit });
            }
        }
    }

    #[inline]
    fn begin_service(&mut self, id: u32, station: usize, waited: Seconds) {
        let now = self.events.now();
        self.customers[id].waiting = false;
        self.stations[station].start_service(now, waited);
        let service = self.net.stations[station].service.sample(&mut self.rngs[station].service);
        self.events.schedule_in(service, Event::Departure { customer: id });
    }

    #[inline]
    fn depart(&mut self, id: u32) {
        let now = self.events.now();
        let c = self.customers[id];
        let station = usize::from(c.station);
        self.stations[station].finish_service(now, now - c.entered_station);
        self.serve_next(station);
        let routes = &self.route_cdf[station];
        let next = if routes.is_empty() {
            None
        } else {
            let u: f64 = self.rngs[station].routing.random();
            routes.iter().find(|(cum, _)| u < *cum).map(|(_, to)| *to)
        };
        match next {
            Some(to) => self.arrive(id, to),
            None => {
                let sojourn = now - c.entered_network;
                self.sojourn.record(sojourn);
                self.interval_sojourn.record(sojourn);
                self.completed += 1;
                self.customers.remove(id);
                self.in_system.set(now, f64::from(self.customers.len()));
            }
        }
    }

    /// Fills free servers at `station` from its queue.
    #[inline]
    fn serve_next(&mut self, station: usize) {
        let now = self.events.now();
        while self.stations[station].has_free_server() {
            let customers = &self.customers;
            let Some(entry) = self.stations[station]
                .dequeue(now, |e| customers.is_current(e.customer, e.visit) && customers[e.customer].waiting)
            else {
                break;
            };
            let waited = now - self.customers[entry.customer].entered_station;
            self.begin_service(entry.customer, station, waited);
        }
    }

    fn renege(&mut self, id: u32, visit: u32) {
        if !self.customers.is_current(id, visit) || !self.customers[id].waiting {
            return; // already in service, or gone: a stale event
        }
        let c = self.customers[id];
        let now = self.events.now();
        self.stations[usize::from(c.station)].renege(now, now - c.entered_station);
        self.leave_lost(id);
    }

    fn leave_lost(&mut self, id: u32) {
        self.lost += 1;
        self.customers.remove(id);
        self.in_system.set(self.events.now(), f64::from(self.customers.len()));
    }

    fn change_capacity(&mut self, station: usize, step: usize) {
        let now = self.events.now();
        let schedule = &self.net.stations[station].schedule;
        self.stations[station].set_servers(now, schedule[step].servers);
        self.serve_next(station);
        if let Some(next) = schedule.get(step + 1)
            && next.at < self.net.run.duration
        {
            self.events
                .schedule(next.at.max(now), Event::CapacityChange { station: station as u16, step: (step + 1) as u16 });
        }
    }

    fn mark(&self, now: Seconds) -> NetworkMark {
        NetworkMark {
            time: now,
            arrivals: self.external_arrivals,
            completed: self.completed,
            lost: self.lost,
            in_system_area: self.in_system.area(now),
        }
    }

    fn end_warmup(&mut self, now: Seconds) {
        for st in &mut self.stations {
            st.end_warmup(now);
        }
        self.warmup_mark = self.mark(now);
        self.sojourn.clear();
    }

    fn close_interval(&mut self, now: Seconds) {
        let index = self.interval_index;
        let (mut queue, mut in_station, mut busy, mut servers) = (0.0, 0.0, 0.0, 0.0);
        let (mut blocked, mut reneged) = (0, 0);
        for (i, st) in self.stations.iter_mut().enumerate() {
            let row = st.close_interval(now, index, i);
            queue += row.queue_len_mean;
            in_station += row.in_station_mean;
            busy += row.busy_mean;
            servers += row.servers_mean;
            blocked += row.blocked;
            reneged += row.reneged;
            self.intervals.push(row);
        }
        let mark = self.interval_mark;
        let here = self.mark(now);
        let h = &self.interval_sojourn;
        self.intervals.push(IntervalRow {
            index,
            start: mark.time,
            end: now,
            scope: Scope::Network,
            arrivals: here.arrivals - mark.arrivals,
            blocked,
            reneged,
            served: here.completed - mark.completed,
            queue_len_mean: queue,
            in_station_mean: in_station,
            busy_mean: busy,
            servers_mean: servers,
            utilisation: ratio(busy, servers),
            wait_mean: f64::NAN,
            wait_p50: f64::NAN,
            wait_p95: f64::NAN,
            wait_p99: f64::NAN,
            sojourn_mean: h.mean(),
            sojourn_p50: h.quantile(0.50),
            sojourn_p95: h.quantile(0.95),
            sojourn_p99: h.quantile(0.99),
        });
        self.interval_sojourn.clear();
        self.interval_mark = here;
        self.interval_index += 1;
    }

    fn finish(self) -> ReplicationResult {
        let now = self.net.run.duration;
        let mark = self.warmup_mark;
        let span = now - mark.time;
        let stations =
            self.stations.iter().zip(&self.net.stations).map(|(st, spec)| st.summary(&spec.name, now)).collect();
        let completed = self.completed - mark.completed;
        let network = NetworkSummary {
            arrivals: self.external_arrivals - mark.arrivals,
            completed,
            lost: self.lost - mark.lost,
            sojourn_mean: self.sojourn.mean(),
            sojourn_quantiles: [0.50, 0.90, 0.95, 0.99].map(|q| self.sojourn.quantile(q)),
            in_system_mean: (self.in_system.area(now) - mark.in_system_area) / span,
            throughput: completed as f64 / span,
        };
        ReplicationResult {
            replication: self.replication,
            intervals: self.intervals,
            stations,
            network,
            station_totals: self.stations.iter().map(Station::totals).collect(),
            network_totals: NetworkTotals {
                arrived: self.external_arrivals,
                completed: self.completed,
                lost: self.lost,
                in_system_at_end: u64::from(self.customers.len()),
            },
            events: self.handled,
        }
    }
}
