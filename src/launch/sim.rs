//! One replication of a launch day: the event loop.

use super::access::AccessSchedule;
use super::edge::EdgeState;
use super::funnel::Funnel;
use super::origin::{Phase, TierMark, TierState};
use super::results::{
    ApplicantBalance, BinSeries, LaunchInterval, LaunchResult, LaunchSummary, RoomBalance, TierInterval,
};
use super::room::{RoomEntry, RoomState};
use super::verdicts::{self, CapacityModel};
use super::{Action, Admission, ArrivalPart, ContentClass, HostileTarget, LaunchDay, RetryDelay};
use crate::arrivals::{ArrivalGenerator, ArrivalProcess};
use crate::engine::splitmix64;
use crate::engine::{
    BinCursor, EventQueue, Mark, ObservationMarks, RngStreams, SimRng, StreamKey, StreamPurpose, prefetch,
};
use crate::stats::{LogHistogram, TimeWeighted, ratio};
use crate::units::Seconds;
use rand::RngExt;
use rand_distr::{Binomial, Distribution, Poisson};

/// Why a replication could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The model does not satisfy [`LaunchDay::check`].
    #[error("invalid launch-day model: {0}")]
    Invalid(String),
    /// The replication needed more events than [`simulate_with_budget`]
    /// allowed; what it had observed so far is discarded, since a day cut
    /// short would read as a quiet day.
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
    /// A first attempt from arrival part `part`.
    FirstArrival { part: u16 },
    /// An applicant comes back for another visit: the first `Return` of an
    /// absence (the epoch it began with) wins, a reminder's or their own.
    Return { applicant: u32, epoch: u32 },
    /// Reminder `index` (of [`Sim::reminders`]) goes out.
    Remind { index: u16 },
    /// An applicant starts (or retries) the current step.
    StepStart { applicant: u32, epoch: u32 },
    /// The client stops waiting for the current attempt.
    ClientTimeout { applicant: u32, epoch: u32 },
    /// A request finishes its work at its current tier.
    StageDone { request: u32 },
    /// The waiting room admits by rate.
    AdmitTick,
    /// The waiting room's pre-queue opens.
    RoomOpens,
    /// Someone in the waiting room stops waiting.
    RoomAbandon { applicant: u32, epoch: u32 },
    /// Autoscaling looks at a tier.
    Autoscale { tier: u16 },
    /// Workers (instances, for a tier that declares them) ordered by
    /// autoscaling are ready.
    WorkersReady { tier: u16, workers: u32 },
    /// A scheduled intervention.
    Intervention { index: u16 },
    /// A request of hostile source `source` aimed at a tier.
    Hostile { source: u8 },
    /// The edge counts the second's flood and shares its capacity.
    EdgeSecond,
}

/// Where an applicant is. Every applicant is in exactly one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    /// In the portal: thinking, or waiting for a response.
    Active = 0,
    /// In the portal, waiting to retry a failed step.
    Retrying = 1,
    /// In the waiting room.
    InRoom = 2,
    /// Left after a failed visit, due back later.
    Away = 3,
    /// Finished every application.
    Done = 4,
    /// Left for good.
    GaveUp = 5,
    /// Turned away because the stock sold out.
    SoldOut = 6,
    /// Left by choice: a browser who looked around, or someone who did not
    /// go on after a step (its continue share); the portal did not fail
    /// them.
    LeftByChoice = 7,
}

impl State {
    /// The state stored as `bits` (its discriminant).
    #[inline]
    fn from_bits(bits: u8) -> State {
        match bits {
            0 => State::Active,
            1 => State::Retrying,
            2 => State::InRoom,
            3 => State::Away,
            4 => State::Done,
            5 => State::GaveUp,
            6 => State::SoldOut,
            _ => State::LeftByChoice,
        }
    }

    /// Holding a session in the portal (what a sessions room limits).
    fn in_portal(self) -> bool {
        matches!(self, State::Active | State::Retrying)
    }
}

const STATES: usize = 8;
const EXPOSED: u8 = 1;
const VIEWER: u8 = 2;
/// The current attempt's client timeout is scheduled.
const TIMEOUT_ARMED: u8 = 4;
/// Sent back to the line by the session limit: the steps done again after
/// that are the room's doing, not new demand.
const RESUMED: u8 = 8;
/// The last attempt ended on the holding page: the portal was closed, or
/// not open to this person's category yet.
const TURNED_AWAY: u8 = 16;
/// Holds one of the portal's sessions (`max_sessions`): from the first
/// request of a visit the origin let in until the person leaves the portal.
const IN_SESSION: u8 = 32;
/// Never meant to apply: drawn once, at arrival, from the category's
/// `browsers` share.
const BROWSER: u8 = 64;
/// An edge filter has blocked this person at least once.
const BLOCKED: u8 = 128;

/// One applicant: 16 bytes, so millions fit, four to a cache line, and
/// none straddles two lines (the loop prefetches each record the next
/// events will read, and a straddling one costs two loads); the alignment
/// makes sure of the last.
#[derive(Debug, Clone, Copy)]
#[repr(align(16))]
struct Applicant {
    /// Session deadline in the portal (waiting room session limit).
    session_deadline: f32,
    /// Bumped whenever an attempt resolves, so late responses and stale
    /// timeouts are recognised.
    epoch: u32,
    /// At most [`MAX_APPLICATIONS_EACH`](super::MAX_APPLICATIONS_EACH).
    applications_done: u16,
    category: u8,
    step: u8,
    retries: u8,
    visits: u8,
    /// The [`State`] in the low 3 bits and the current attempt's requests
    /// still unanswered (at most [`MAX_TABS`](super::MAX_TABS)) in the high 5.
    state_and_outstanding: u8,
    flags: u8,
}

const _: () = assert!(std::mem::size_of::<Applicant>() == 16);
const _: () = assert!(STATES <= 8 && (super::MAX_TABS as usize) < 32);

impl Applicant {
    #[inline]
    fn state(&self) -> State {
        State::from_bits(self.state_and_outstanding & 7)
    }

    #[inline]
    fn put_state(&mut self, state: State) {
        self.state_and_outstanding = (self.state_and_outstanding & !7) | state as u8;
    }

    /// Requests of the current attempt still unanswered.
    #[inline]
    fn outstanding(&self) -> u8 {
        self.state_and_outstanding >> 3
    }

    #[inline]
    fn put_outstanding(&mut self, requests: u8) {
        debug_assert!(u32::from(requests) <= super::MAX_TABS);
        self.state_and_outstanding = (self.state_and_outstanding & 7) | (requests << 3);
    }
}

/// A request slot's phase (`Sim::slot_phase`).
const SLOT_FREE: u8 = 0;
const SLOT_QUEUED: u8 = 1;
const SLOT_SERVING: u8 = 2;
/// Ended by a crash during a stage: its `StageDone` frees the slot.
const SLOT_DEAD: u8 = 3;

/// A request in the origin.
#[derive(Debug, Clone, Copy)]
struct Request {
    applicant: u32,
    epoch: u32,
    issued: Seconds,
    /// When the client stops waiting.
    deadline: Seconds,
    queued_at: Seconds,
    /// Service seconds spent on it so far.
    work: f64,
    step: u8,
    /// Position in the step's route of the tier it is at.
    hop: u8,
    /// Store the response in the personal-page cache.
    cache_on_success: bool,
    /// 0 for a person's request; k + 1 for hostile source k's.
    hostile: u8,
}

/// How a request ended, from the client's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    /// Served from the cache with someone else's data: a 200 for the
    /// servers, a failure for the person.
    WrongPerson,
    Rejected,
    ServerTimeout,
    EdgeError,
    Closed,
    /// An edge filter blocked the person.
    Blocked,
    /// The stock is gone: a page saying so, and the person leaves.
    SoldOut,
}

/// Cumulative counters, indexed by [`C`].
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    n: [u64; C::N],
    work: f64,
    wasted_work: f64,
}

struct C;
impl C {
    const VISITS: usize = 0;
    const FIRST: usize = 1;
    const REQUESTS: usize = 2;
    const OK: usize = 3;
    const TIMEOUT: usize = 4;
    const REJECTED: usize = 5;
    const SERVER_TIMEOUT: usize = 6;
    const EDGE: usize = 7;
    const CLOSED: usize = 8;
    const EDGE_HITS: usize = 9;
    const EDGE_LOOKUPS: usize = 10;
    const EXPOSURES: usize = 11;
    const APPLICATIONS: usize = 12;
    const WASTED: usize = 13;
    const PHONE: usize = 14;
    const SOCIAL: usize = 15;
    /// Requests reaching the origin.
    const ORIGIN: usize = 16;
    /// Of those, first attempts of a step in a first visit.
    const NEW_DEMAND: usize = 17;
    /// Entries into the waiting room's line (a person sent back by the
    /// session limit, or back after leaving, enters again).
    const ROOM_ENTERED: usize = 18;
    /// Of those, let into the portal.
    const ROOM_ADMITTED: usize = 19;
    /// Of those, left the line without being let in.
    const ROOM_LEFT: usize = 20;
    /// People whose personal page was shown to someone else, counted once,
    /// when it first happened.
    const PEOPLE_EXPOSED: usize = 21;
    /// People shown someone else's personal page, counted once, when they
    /// first saw one.
    const VIEWERS: usize = 22;
    /// People's requests an edge filter blocked.
    const BLOCKED: usize = 23;
    /// People an edge filter blocked, counted once, when it first happened.
    const PEOPLE_BLOCKED: usize = 24;
    /// Hostile requests that arrived at their layer.
    const HOSTILE: usize = 25;
    /// Of those, blocked by an edge filter.
    const HOSTILE_BLOCKED: usize = 26;
    /// Of those, served (by the edge, or by their tier).
    const HOSTILE_SERVED: usize = 27;
    /// Of those, refused for want of capacity (edge, tier queue, timeouts).
    const HOSTILE_DROPPED: usize = 28;
    /// Items applications took from the stock.
    const ITEMS_PEOPLE: usize = 29;
    /// Items hostile requests took from the stock.
    const ITEMS_BOTS: usize = 30;
    /// People turned away because the stock sold out.
    const SOLD_OUT: usize = 31;
    const N: usize = 32;
}

struct Sim<'a> {
    day: &'a LaunchDay,
    replication: u64,
    events: EventQueue<Event>,
    applicants: Vec<Applicant>,
    requests: Vec<Request>,
    free_requests: Vec<u32>,
    /// The longest route: each request slot has this many entries in
    /// `hop_instance`.
    max_route: usize,
    /// The instance a request holds (or waits at) at each hop of its route,
    /// `max_route` entries per request slot.
    hop_instance: Vec<u32>,
    /// What each request slot is: free, queued, in service, or ended by a
    /// crash while its stage was running (its `StageDone` is stale).
    slot_phase: Vec<u8>,
    tiers: Vec<TierState>,
    edge: EdgeState,
    room: Option<RoomState>,
    portal_open: bool,
    category_override: Vec<Option<bool>>,
    /// Start of the per-application block of the journey.
    block: Option<(usize, usize)>,
    generators: Vec<ArrivalGenerator>,
    part_category: Vec<u8>,
    arrival_rngs: Vec<SimRng>,
    behaviour_rngs: Vec<SimRng>,
    /// Every category's reminders as (category, reminder), with a stream
    /// each for who reacts and when.
    reminders: Vec<(usize, usize)>,
    reminder_rngs: Vec<SimRng>,
    service_rngs: Vec<SimRng>,
    edge_rng: SimRng,
    room_rng: SimRng,
    /// Per category: who is a browser, and who goes on after a step.
    browser_rngs: Vec<SimRng>,
    continue_rngs: Vec<SimRng>,
    /// Arrivals drawn browser.
    browsers: u64,
    funnel: Funnel,
    counts: Counts,
    states: [u64; STATES],
    viewer_actions: [u64; 4],
    latency: [LogHistogram; 3],
    /// The day in bins, for the verdicts.
    bins: BinSeries,
    /// The bin of `bins` the clock is in.
    bin_cursor: BinCursor,
    /// The minute of `minute_contacts` the clock is in.
    minute_cursor: BinCursor,
    /// Contacts generated per minute by channel, for the contact center.
    minute_contacts: [Vec<u32>; 2],
    capacity_model: CapacityModel,
    /// When each category is served, for people told to come back then.
    access: AccessSchedule,
    /// The origin's capacity (requests per second) since the last
    /// interval end.
    capacity: TimeWeighted,
    /// Bins hold the capacity up to this time.
    capacity_binned: Seconds,
    interval_mark: (Seconds, Counts),
    marks: ObservationMarks,
    interval_index: usize,
    intervals: Vec<LaunchInterval>,
    tier_rows: Vec<TierInterval>,
    worst_p95: f64,
    max_in_room: u64,
    /// People in the portal (active or retrying) over time, for the
    /// interval's mean; and the most at once in the interval and the day.
    in_portal: TimeWeighted,
    in_portal_peak: u64,
    peak_in_portal: u64,
    /// Sessions held, and the most at once, when the portal has a limit.
    sessions: u64,
    peak_sessions: u64,
    /// Time in line of those let in since the last interval end, and over
    /// the day.
    room_wait: LogHistogram,
    room_wait_day: LogHistogram,
    /// Clock time each milestone was reached, NaN until then.
    milestone_at: Vec<Seconds>,
    /// The next milestone to reach.
    next_milestone: usize,
    handled: u64,
    max_events: u64,
    /// Called with the clock at each interval end, if a caller watches the
    /// day's progress (the classroom page's progress bar).
    on_interval: Option<&'a dyn Fn(Seconds)>,
    /// Hostile traffic: a request generator (tier targets), a stream for
    /// arrivals and blocking, and one for the work a request costs.
    hostile_generators: Vec<ArrivalGenerator>,
    hostile_rngs: Vec<SimRng>,
    hostile_work_rngs: Vec<SimRng>,
    /// Edge filters on now, and the salt that decides whom each blocks.
    filter_on: Vec<bool>,
    filter_salt: Vec<u64>,
    /// Share of the requests arriving at the edge this second that it can
    /// take while a flood competes for it (1 without one).
    edge_share: f64,
    /// Requests that reached the edge's capacity in this second and the last.
    edge_arrivals: u64,
    edge_arrivals_before: u64,
    contention_rng: SimRng,
    /// Items left, when the day has a stock; and when it ran out.
    items_left: u64,
    sold_out_at: Seconds,
}

/// Starts loading the record `event` will read (an applicant's, or a
/// request's): after a think time or an absence that record has long left
/// the caches, and the event loop would wait for main memory.
#[inline]
fn prefetch_for(event: &Event, applicants: &[Applicant], requests: &[Request]) {
    match *event {
        Event::Return { applicant, .. }
        | Event::StepStart { applicant, .. }
        | Event::ClientTimeout { applicant, .. }
        | Event::RoomAbandon { applicant, .. } => prefetch(applicants, applicant as usize),
        Event::StageDone { request } => {
            // The request slab is small and warm; the applicant it answers
            // (when this is its last stage) is not.
            if let Some(req) = requests.get(request as usize) {
                prefetch(applicants, req.applicant as usize);
            }
        }
        _ => {}
    }
}

/// Runs one replication of `day` with the random streams `streams`.
pub fn simulate(day: &LaunchDay, streams: &RngStreams) -> Result<LaunchResult, LaunchError> {
    simulate_with_budget(day, streams, u64::MAX)
}

/// [`simulate`], stopping with [`LaunchError::EventBudget`] instead of
/// handling more than `max_events` events: a caller that must answer
/// quickly (a harness, an interactive page) can give up on a day that
/// would take too long without killing the process. Interval ends are work
/// without events, so a day with more of them than `max_events` is refused
/// before it starts. Within the budget the result is exactly the one
/// `simulate` returns.
pub fn simulate_with_budget(
    day: &LaunchDay,
    streams: &RngStreams,
    max_events: u64,
) -> Result<LaunchResult, LaunchError> {
    day.check().map_err(LaunchError::Invalid)?;
    let mut sim = Sim::new(day, streams);
    sim.max_events = max_events;
    if sim.marks.intervals() > max_events {
        return Err(LaunchError::EventBudget { replication: sim.replication, events: max_events });
    }
    sim.start();
    sim.run()?;
    Ok(sim.finish())
}

/// [`simulate_with_budget`], calling `on_interval` with the clock at each
/// interval end (a few hundred calls a day, not one per event), so a
/// caller can show how far the day has got. The result is exactly the one
/// `simulate_with_budget` returns.
pub fn simulate_with_progress(
    day: &LaunchDay,
    streams: &RngStreams,
    max_events: u64,
    on_interval: &dyn Fn(Seconds),
) -> Result<LaunchResult, LaunchError> {
    day.check().map_err(LaunchError::Invalid)?;
    let mut sim = Sim::new(day, streams);
    sim.max_events = max_events;
    sim.on_interval = Some(on_interval);
    if sim.marks.intervals() > max_events {
        return Err(LaunchError::EventBudget { replication: sim.replication, events: max_events });
    }
    sim.start();
    sim.run()?;
    Ok(sim.finish())
}

impl<'a> Sim<'a> {
    fn new(day: &'a LaunchDay, streams: &RngStreams) -> Sim<'a> {
        let mut generators = Vec::new();
        let mut part_category = Vec::new();
        let mut arrival_rngs = Vec::new();
        for (c, category) in day.categories.iter().enumerate() {
            for (p, part) in category.arrivals.iter().enumerate() {
                let mut rng =
                    streams.stream(StreamKey::new(StreamPurpose::Arrivals, &format!("{}/{p}", category.name)));
                let process = match part {
                    ArrivalPart::Crowd { people, at, spread } => {
                        ArrivalProcess::Population { size: *people, first_arrival: spread.clone(), offset: *at }
                    }
                    ArrivalPart::Curve { people, start, curve } => {
                        ArrivalProcess::Population { size: *people, first_arrival: curve.clone(), offset: *start }
                    }
                    ArrivalPart::Wave { recipients, react, at, delay } => {
                        let reacting =
                            Binomial::new(*recipients, react.clamp(0.0, 1.0)).map_or(0, |b| b.sample(&mut rng));
                        ArrivalProcess::Population { size: reacting, first_arrival: delay.clone(), offset: *at }
                    }
                };
                generators.push(process.generator());
                part_category.push(c as u8);
                arrival_rngs.push(rng);
            }
        }
        let first = day.journey.iter().position(|s| s.per_application);
        let last = day.journey.iter().rposition(|s| s.per_application);
        let minutes = (day.run.duration / 60.0).ceil() as usize + 1;
        let width = verdicts::bin_width(day.run.duration);
        let bin_count = verdicts::bin_count(day.run.duration, width);
        let capacity_model = CapacityModel::new(day);
        let capacity = capacity_model.capacity(|t| (day.tiers[t].initial_instances(), day.tiers[t].workers));
        let hostile_stream = |purpose, source: &super::HostileSource| {
            streams.stream(StreamKey::new(purpose, &format!("hostile/{}", source.name)))
        };
        let mut filter_rng = streams.stream(StreamKey::new(StreamPurpose::Routing, "edge-filters"));
        Sim {
            day,
            replication: streams.replication(),
            events: {
                // The day stops at its last interval's end, before any
                // event due then or later fires.
                let mut events = EventQueue::with_capacity(1 << 16);
                events.drop_from(day.run.duration);
                events
            },
            applicants: Vec::with_capacity((day.max_applicants() as usize).min(1 << 24)),
            requests: Vec::with_capacity(1 << 12),
            free_requests: Vec::with_capacity(1 << 12),
            // Hostile requests aimed at a tier hold one hop.
            max_route: day.journey.iter().map(|s| s.route.len()).max().unwrap_or(1).max(1),
            hop_instance: Vec::with_capacity(1 << 12),
            slot_phase: Vec::with_capacity(1 << 12),
            tiers: day.tiers.iter().map(TierState::new).collect(),
            edge: EdgeState::new(&day.edge, &day.journey),
            room: day.waiting_room.as_ref().map(RoomState::new),
            portal_open: true,
            category_override: vec![None; day.categories.len()],
            block: first.zip(last),
            generators,
            part_category,
            arrival_rngs,
            behaviour_rngs: day
                .categories
                .iter()
                .map(|c| streams.stream(StreamKey::new(StreamPurpose::Behaviour, &c.name)))
                .collect(),
            reminders: day
                .categories
                .iter()
                .enumerate()
                .flat_map(|(c, category)| (0..category.reminders.len()).map(move |i| (c, i)))
                .collect(),
            reminder_rngs: day
                .categories
                .iter()
                .flat_map(|c| {
                    (0..c.reminders.len()).map(|i| {
                        streams.stream(StreamKey::new(StreamPurpose::Behaviour, &format!("{}/reminder/{i}", c.name)))
                    })
                })
                .collect(),
            service_rngs: day
                .tiers
                .iter()
                .map(|t| streams.stream(StreamKey::new(StreamPurpose::Service, &t.name)))
                .collect(),
            edge_rng: streams.stream(StreamKey::new(StreamPurpose::Routing, "edge")),
            room_rng: streams.stream(StreamKey::new(StreamPurpose::Behaviour, "waiting-room")),
            browser_rngs: day
                .categories
                .iter()
                .map(|c| streams.stream(StreamKey::new(StreamPurpose::Behaviour, &format!("{}/browsers", c.name))))
                .collect(),
            continue_rngs: day
                .categories
                .iter()
                .map(|c| streams.stream(StreamKey::new(StreamPurpose::Behaviour, &format!("{}/continue", c.name))))
                .collect(),
            browsers: 0,
            funnel: Funnel::new(day.models_choice(), day.journey.len(), (day.max_applicants() as usize).min(1 << 24)),
            counts: Counts::default(),
            states: [0; STATES],
            viewer_actions: [0; 4],
            latency: [LogHistogram::new(), LogHistogram::new(), LogHistogram::new()],
            bins: BinSeries::new(width, day.run.duration, bin_count),
            bin_cursor: BinCursor::new(width, bin_count),
            minute_contacts: [vec![0; minutes], vec![0; minutes]],
            minute_cursor: BinCursor::new(60.0, minutes),
            capacity_model,
            access: AccessSchedule::new(day),
            capacity: TimeWeighted::new(0.0, capacity),
            capacity_binned: 0.0,
            interval_mark: (0.0, Counts::default()),
            marks: ObservationMarks::new(day.run),
            interval_index: 0,
            intervals: Vec::new(),
            tier_rows: Vec::new(),
            worst_p95: f64::NAN,
            max_in_room: 0,
            in_portal: TimeWeighted::new(0.0, 0.0),
            in_portal_peak: 0,
            peak_in_portal: 0,
            sessions: 0,
            peak_sessions: 0,
            room_wait: LogHistogram::new(),
            room_wait_day: LogHistogram::new(),
            milestone_at: vec![f64::NAN; day.milestones.len()],
            next_milestone: 0,
            handled: 0,
            max_events: u64::MAX,
            on_interval: None,
            hostile_generators: day
                .hostile
                .iter()
                .map(|h| ArrivalProcess::Profile(h.rate.clone()).generator())
                .collect(),
            hostile_rngs: day.hostile.iter().map(|h| hostile_stream(StreamPurpose::Arrivals, h)).collect(),
            hostile_work_rngs: day.hostile.iter().map(|h| hostile_stream(StreamPurpose::Service, h)).collect(),
            filter_on: day.filters.iter().map(|f| f.active).collect(),
            filter_salt: day.filters.iter().map(|_| filter_rng.random()).collect(),
            edge_share: 1.0,
            edge_arrivals: 0,
            edge_arrivals_before: 0,
            contention_rng: streams.stream(StreamKey::new(StreamPurpose::Routing, "edge-contention")),
            items_left: day.stock.map_or(u64::MAX, |s| s.items),
            sold_out_at: f64::NAN,
        }
    }

    fn start(&mut self) {
        let end = self.day.run.duration;
        for part in 0..self.generators.len() {
            if let Some(t) = self.generators[part].next_after(0.0, &mut self.arrival_rngs[part])
                && t < end
            {
                self.events.schedule(t, Event::FirstArrival { part: part as u16 });
            }
        }
        for (i, tier) in self.day.tiers.iter().enumerate() {
            if let Some(a) = tier.autoscale {
                self.events.schedule(a.period, Event::Autoscale { tier: i as u16 });
            }
        }
        for (i, iv) in self.day.interventions.iter().enumerate() {
            if iv.at < end {
                self.events.schedule(iv.at, Event::Intervention { index: i as u16 });
            }
        }
        for (index, &(c, i)) in self.reminders.iter().enumerate() {
            let at = self.day.categories[c].reminders[i].at;
            if at < end {
                self.events.schedule(at, Event::Remind { index: index as u16 });
            }
        }
        for (source, h) in self.day.hostile.iter().enumerate() {
            if matches!(h.target, HostileTarget::Tier(_))
                && let Some(t) = self.hostile_generators[source].next_after(0.0, &mut self.hostile_rngs[source])
                && t < end
            {
                self.events.schedule(t, Event::Hostile { source: source as u8 });
            }
        }
        if self.day.hostile.iter().any(|h| h.target == HostileTarget::Edge) {
            self.events.schedule(0.0, Event::EdgeSecond);
        }
        if let Some(room) = &self.room {
            if !room.opened {
                self.events.schedule(room.opens_at, Event::RoomOpens);
            }
            if matches!(room.admission, Admission::Rate(_)) {
                self.events.schedule(room.opens_at.max(0.0) + 1.0, Event::AdmitTick);
            }
        }
    }

    fn run(&mut self) -> Result<(), LaunchError> {
        loop {
            let (applicants, requests) = (&self.applicants, &self.requests);
            let next = self
                .events
                .peek_time_noting(|event| prefetch_for(event, applicants, requests))
                .unwrap_or(f64::INFINITY);
            if let Some(mark) = self.marks.due(next) {
                // A launch day has no warm-up (the scenario refuses one).
                if let Mark::IntervalEnd { at, last } = mark {
                    self.close_interval(at);
                    if let Some(on_interval) = self.on_interval {
                        on_interval(at);
                    }
                    if last {
                        return Ok(());
                    }
                }
                continue;
            }
            let Some(event) = self.events.pop() else { return Ok(()) };
            if self.handled == self.max_events {
                return Err(LaunchError::EventBudget { replication: self.replication, events: self.handled });
            }
            self.handled += 1;
            match event.event {
                Event::FirstArrival { part } => self.first_arrival(usize::from(part)),
                Event::Return { applicant, epoch } => {
                    let a = self.applicants[applicant as usize];
                    if a.state() == State::Away && a.epoch == epoch {
                        self.set_state(applicant, State::Active);
                        self.start_visit(applicant);
                    }
                }
                Event::Remind { index } => self.remind(usize::from(index)),
                Event::StepStart { applicant, epoch } => self.step_start(applicant, epoch),
                Event::ClientTimeout { applicant, epoch } => self.client_timeout(applicant, epoch),
                Event::StageDone { request } => self.stage_done(request),
                Event::AdmitTick => self.admit_tick(),
                Event::RoomOpens => self.room_opens(),
                Event::RoomAbandon { applicant, epoch } => self.room_abandon(applicant, epoch),
                Event::Autoscale { tier } => self.autoscale(usize::from(tier)),
                Event::WorkersReady { tier, workers } => self.workers_ready(usize::from(tier), workers),
                Event::Intervention { index } => self.intervene(usize::from(index)),
                Event::Hostile { source } => self.hostile_arrival(usize::from(source)),
                Event::EdgeSecond => self.edge_second(),
            }
        }
    }

    #[inline]
    fn now(&self) -> Seconds {
        self.events.now()
    }

    #[inline]
    fn minute(&mut self) -> usize {
        self.minute_cursor.at(self.events.now())
    }

    #[inline]
    fn bin(&mut self) -> usize {
        self.bin_cursor.at(self.events.now())
    }

    /// Moves an applicant to `state`. Whoever leaves the portal (done,
    /// failed, gone back to the room) frees a session, so a sessions room
    /// lets the next person in here, after the count has changed, whatever
    /// the reason for leaving.
    fn set_state(&mut self, id: u32, state: State) {
        let a = &mut self.applicants[id as usize];
        let was_inside = a.state().in_portal();
        self.states[a.state() as usize] -= 1;
        self.states[state as usize] += 1;
        a.put_state(state);
        if was_inside != state.in_portal() {
            if a.flags & IN_SESSION != 0 {
                a.flags &= !IN_SESSION;
                self.sessions -= 1;
            }
            self.portal_count_changed();
        }
        if was_inside && !state.in_portal() {
            self.admit_by_sessions();
        }
    }

    /// The number of people in the portal changed: its time average and
    /// peaks follow.
    fn portal_count_changed(&mut self) {
        let inside = self.states[State::Active as usize] + self.states[State::Retrying as usize];
        self.in_portal.set(self.events.now(), inside as f64);
        self.in_portal_peak = self.in_portal_peak.max(inside);
        self.peak_in_portal = self.peak_in_portal.max(inside);
    }

    // ----- applicants -------------------------------------------------

    fn first_arrival(&mut self, part: usize) {
        let now = self.now();
        if let Some(t) = self.generators[part].next_after(now, &mut self.arrival_rngs[part])
            && t < self.day.run.duration
        {
            self.events.schedule(t, Event::FirstArrival { part: part as u16 });
        }
        let id = self.applicants.len() as u32;
        let category = self.part_category[part];
        let browsers = self.day.categories[usize::from(category)].browsers;
        let browser = browsers > 0.0 && self.browser_rngs[usize::from(category)].random::<f64>() < browsers;
        self.browsers += u64::from(browser);
        self.applicants.push(Applicant {
            session_deadline: f32::INFINITY,
            epoch: 0,
            applications_done: 0,
            category,
            step: 0,
            retries: 0,
            visits: 0,
            state_and_outstanding: State::Active as u8,
            flags: if browser { BROWSER } else { 0 },
        });
        self.funnel.arrive();
        self.states[State::Active as usize] += 1;
        self.counts.n[C::FIRST] += 1;
        self.start_visit(id);
        // Counted once the newcomer is where the visit put them (in the
        // portal, or already in the waiting room's line).
        self.portal_count_changed();
    }

    fn start_visit(&mut self, id: u32) {
        self.counts.n[C::VISITS] += 1;
        let a = &mut self.applicants[id as usize];
        a.visits = a.visits.saturating_add(1);
        if self.room.is_some() {
            self.enter_room(id);
        } else {
            self.begin_journey(id);
        }
    }

    fn begin_journey(&mut self, id: u32) {
        let now = self.now();
        let limit = self.room.as_ref().and_then(|r| r.session_limit);
        let block_start = self.block.map(|(s, _)| s);
        let a = self.applicants[id as usize];
        // A returning intermediary resumes at its next application.
        let first = match block_start {
            Some(s) if a.applications_done > 0 => s,
            _ => self.included_from(0, usize::from(a.category)),
        };
        if a.flags & BROWSER != 0 && self.day.journey[first].completes_application {
            // A browser whose visit would open on the submission.
            return self.leave_by_choice(id, None);
        }
        let a = &mut self.applicants[id as usize];
        a.step = first as u8;
        a.retries = 0;
        a.session_deadline = limit.map_or(f32::INFINITY, |l| (now + l) as f32);
        self.issue_attempt(id);
    }

    /// The first step from `from` on that this visit includes: optional
    /// steps (share below 1) are taken by a share of visits only.
    fn included_from(&mut self, mut from: usize, category: usize) -> usize {
        while let Some(step) = self.day.journey.get(from) {
            if step.share >= 1.0 || self.behaviour_rngs[category].random::<f64>() < step.share {
                break;
            }
            from += 1;
        }
        from
    }

    fn step_start(&mut self, id: u32, epoch: u32) {
        let a = self.applicants[id as usize];
        if a.epoch != epoch {
            return;
        }
        if a.state() == State::Retrying {
            self.set_state(id, State::Active);
        }
        if f64::from(a.session_deadline) < self.now() {
            // Session expired inside the waiting room's limit: back in line.
            self.applicants[id as usize].flags |= RESUMED;
            self.enter_room(id);
            return;
        }
        self.issue_attempt(id);
    }

    fn issue_attempt(&mut self, id: u32) {
        let a = self.applicants[id as usize];
        let category = usize::from(a.category);
        let tabs = if a.retries > 0 { self.day.categories[category].behaviour.tabs } else { 1 };
        let tabs = tabs.min(super::MAX_TABS) as u8;
        self.funnel.reach(id, usize::from(a.step));
        let timeout = self.day.categories[category].behaviour.timeout.sample(&mut self.behaviour_rngs[category]);
        let deadline = self.now() + timeout;
        let applicant = &mut self.applicants[id as usize];
        applicant.put_outstanding(tabs);
        applicant.flags &= !TIMEOUT_ARMED;
        for _ in 0..tabs {
            self.issue_request(id, deadline);
            if self.applicants[id as usize].epoch != a.epoch {
                return; // resolved: no need to send the other tabs
            }
        }
    }

    /// Schedules the client's timeout for request `r`'s attempt, once.
    ///
    /// Most attempts are answered long before the client would give up, and
    /// an answer can only come after the deadline if the request waited in a
    /// queue or a stage of its work ends after it. So the timeout event is
    /// scheduled at the first of those moments instead of for every attempt:
    /// the same behaviour, with far fewer dead events in the queue.
    fn arm_timeout(&mut self, r: u32) {
        let req = self.requests[r as usize];
        if req.hostile != 0 {
            return; // hostile clients never give up on a request
        }
        let a = &mut self.applicants[req.applicant as usize];
        if a.epoch == req.epoch && a.state() == State::Active && a.flags & TIMEOUT_ARMED == 0 {
            a.flags |= TIMEOUT_ARMED;
            let at = req.deadline.max(self.events.now());
            self.events.schedule(at, Event::ClientTimeout { applicant: req.applicant, epoch: req.epoch });
        }
    }

    fn category_open(&self, category: usize) -> bool {
        if let Some(open) = self.category_override[category] {
            return open;
        }
        let windows = &self.day.categories[category].windows;
        let now = self.now();
        windows.is_empty() || windows.iter().any(|(from, to)| (*from..*to).contains(&now))
    }

    fn issue_request(&mut self, id: u32, deadline: Seconds) {
        let now = self.now();
        let a = self.applicants[id as usize];
        let step = usize::from(a.step);
        let spec = &self.day.journey[step];
        self.counts.n[C::REQUESTS] += 1;
        if !self.portal_open {
            return self.respond(id, a.epoch, Outcome::Closed, step, self.day.edge.latency);
        }
        if self.blocks_person(id) {
            return self.respond(id, a.epoch, Outcome::Blocked, step, self.day.edge.latency);
        }
        // Fixed pages, from the edge's own copy: sold out says so to
        // everyone, even to those whose window has not opened.
        if self.sold_out() {
            return self.respond(id, a.epoch, Outcome::SoldOut, step, self.day.edge.latency);
        }
        if !self.category_open(usize::from(a.category)) {
            return self.respond(id, a.epoch, Outcome::Closed, step, self.day.edge.latency);
        }
        if !self.edge_takes(now) {
            return self.respond(id, a.epoch, Outcome::EdgeError, step, self.day.edge.latency);
        }
        let mut cache_on_success = false;
        match spec.class {
            ContentClass::Static => {
                self.counts.n[C::EDGE_LOOKUPS] += 1;
                if spec.route.is_empty() || self.edge_rng.random::<f64>() < self.day.edge.static_hit_ratio {
                    self.counts.n[C::EDGE_HITS] += 1;
                    return self.respond(id, a.epoch, Outcome::Ok, step, self.day.edge.latency);
                }
            }
            ContentClass::Personal if self.edge.is_cacheable(step) => {
                self.counts.n[C::EDGE_LOOKUPS] += 1;
                if let Some(owner) = self.edge.cached_owner(step, id, now) {
                    self.counts.n[C::EDGE_HITS] += 1;
                    let outcome = if owner == id {
                        Outcome::Ok
                    } else {
                        self.expose(owner, id);
                        Outcome::WrongPerson
                    };
                    return self.respond(id, a.epoch, outcome, step, self.day.edge.latency);
                }
                cache_on_success = true;
            }
            ContentClass::Personal | ContentClass::Write => {}
        }
        // A portal sized in concurrent sessions answers "too many users"
        // to anyone without one while it is full.
        if let Some(cap) = self.day.max_sessions
            && a.flags & IN_SESSION == 0
        {
            if self.sessions >= u64::from(cap) {
                return self.respond(id, a.epoch, Outcome::Rejected, step, self.day.edge.latency);
            }
            self.applicants[id as usize].flags |= IN_SESSION;
            self.sessions += 1;
            self.peak_sessions = self.peak_sessions.max(self.sessions);
        }
        let request = Request {
            applicant: id,
            epoch: a.epoch,
            issued: now,
            deadline,
            queued_at: now,
            work: 0.0,
            step: a.step,
            hop: 0,
            cache_on_success,
            hostile: 0,
        };
        let b = self.bin();
        self.counts.n[C::ORIGIN] += 1;
        self.bins.origin_requests[b] += 1;
        if a.retries == 0 && a.visits == 1 && a.flags & RESUMED == 0 {
            self.counts.n[C::NEW_DEMAND] += 1;
            self.bins.new_demand[b] += 1;
        }
        let r = self.take_request_slot(request);
        self.enter_tier(r);
    }

    fn take_request_slot(&mut self, request: Request) -> u32 {
        match self.free_requests.pop() {
            Some(r) => {
                self.requests[r as usize] = request;
                r
            }
            None => {
                self.requests.push(request);
                (self.requests.len() - 1) as u32
            }
        }
    }

    /// Whether an edge filter on now blocks person `id`. A rule matches
    /// what it sees of a person (an address, a country), so the same people
    /// are blocked on every request while it is on.
    fn blocks_person(&mut self, id: u32) -> bool {
        let mut blocked = false;
        for (f, filter) in self.day.filters.iter().enumerate() {
            if self.filter_on[f] && filter.blocks_people > 0.0 {
                let u = (splitmix64(self.filter_salt[f] ^ u64::from(id)) >> 11) as f64 / (1u64 << 53) as f64;
                blocked |= u < filter.blocks_people;
            }
        }
        if blocked && self.applicants[id as usize].flags & BLOCKED == 0 {
            self.applicants[id as usize].flags |= BLOCKED;
            self.counts.n[C::PEOPLE_BLOCKED] += 1;
        }
        blocked
    }

    /// Share of hostile requests the filters on now let through: each
    /// filter blocks its share independently.
    fn hostile_pass_share(&self) -> f64 {
        self.day
            .filters
            .iter()
            .zip(&self.filter_on)
            .filter(|(_, on)| **on)
            .map(|(f, _)| 1.0 - f.blocks_hostile)
            .product()
    }

    /// Whether the edge takes a request arriving now: while a flood
    /// competes for it, each request gets the second's fair share of its
    /// capacity; then the token bucket decides.
    fn edge_takes(&mut self, now: Seconds) -> bool {
        self.edge_arrivals += 1;
        if self.edge_share < 1.0 && self.contention_rng.random::<f64>() >= self.edge_share {
            return false;
        }
        self.edge.admit(now)
    }

    /// Whether the stock cannot fill another application.
    #[inline]
    fn sold_out(&self) -> bool {
        self.day.stock.is_some_and(|s| self.items_left < u64::from(s.per_application))
    }

    /// Takes up to `items` from the stock; returns how many it got.
    fn take_items(&mut self, items: u64) -> u64 {
        let taken = items.min(self.items_left);
        self.items_left -= taken;
        if self.sold_out() && self.sold_out_at.is_nan() {
            self.sold_out_at = self.now();
        }
        taken
    }

    // ----- hostile traffic --------------------------------------------

    /// A hostile request aimed at a tier reaches the edge: filtered, then
    /// let through by the edge's capacity, then past the cache to its tier.
    fn hostile_arrival(&mut self, source: usize) {
        let now = self.now();
        if let Some(t) = self.hostile_generators[source].next_after(now, &mut self.hostile_rngs[source])
            && t < self.day.run.duration
        {
            self.events.schedule(t, Event::Hostile { source: source as u8 });
        }
        self.counts.n[C::HOSTILE] += 1;
        let pass = self.hostile_pass_share();
        if pass < 1.0 && self.hostile_rngs[source].random::<f64>() >= pass {
            self.counts.n[C::HOSTILE_BLOCKED] += 1;
            return;
        }
        if !self.edge_takes(now) {
            self.counts.n[C::HOSTILE_DROPPED] += 1;
            return;
        }
        let request = Request {
            applicant: u32::MAX,
            epoch: 0,
            issued: now,
            deadline: f64::INFINITY,
            queued_at: now,
            work: 0.0,
            step: 0,
            hop: 0,
            cache_on_success: false,
            hostile: source as u8 + 1,
        };
        let r = self.take_request_slot(request);
        self.enter_tier(r);
    }

    /// The second from now at the edge: the flood's requests this second
    /// (Poisson along each source's profile), those the filters block, and
    /// the share of the edge's capacity left to each request that arrives,
    /// estimated from the requests of the second before.
    fn edge_second(&mut self) {
        let now = self.now();
        let pass = self.hostile_pass_share();
        let mut through = 0u64;
        for (source, h) in self.day.hostile.iter().enumerate() {
            if h.target != HostileTarget::Edge {
                continue;
            }
            let mean = h.rate.integral(now + 1.0) - h.rate.integral(now);
            let rng = &mut self.hostile_rngs[source];
            let offered = if mean > 0.0 { Poisson::new(mean).map_or(0.0, |p| p.sample(rng)) as u64 } else { 0 };
            let passed =
                if pass < 1.0 { Binomial::new(offered, pass).map_or(offered, |b| b.sample(rng)) } else { offered };
            self.counts.n[C::HOSTILE] += offered;
            self.counts.n[C::HOSTILE_BLOCKED] += offered - passed;
            through += passed;
        }
        self.edge_arrivals_before = std::mem::replace(&mut self.edge_arrivals, 0);
        let capacity = self.edge.capacity();
        let offered = through as f64 + self.edge_arrivals_before as f64;
        self.edge_share =
            if through == 0 || capacity.is_infinite() || offered <= capacity { 1.0 } else { capacity / offered };
        let served = if self.edge_share < 1.0 {
            Binomial::new(through, self.edge_share).map_or(through, |b| b.sample(&mut self.contention_rng))
        } else {
            through
        };
        self.counts.n[C::HOSTILE_SERVED] += served;
        self.counts.n[C::HOSTILE_DROPPED] += through - served;
        if now + 1.0 < self.day.run.duration {
            self.events.schedule(now + 1.0, Event::EdgeSecond);
        }
    }

    /// A hostile request's work is over at its tier: served, or refused.
    fn hostile_done(&mut self, req: Request, served: bool) {
        if !served {
            self.counts.n[C::HOSTILE_DROPPED] += 1;
            return;
        }
        self.counts.n[C::HOSTILE_SERVED] += 1;
        let source = usize::from(req.hostile - 1);
        let mean = self.day.hostile[source].takes_items;
        if mean > 0.0 && self.day.stock.is_some() {
            let whole = mean.floor();
            let extra = u64::from(self.hostile_work_rngs[source].random::<f64>() < mean - whole);
            let taken = self.take_items(whole as u64 + extra);
            self.counts.n[C::ITEMS_BOTS] += taken;
        }
    }

    /// `viewer` was shown `owner`'s personal page.
    fn expose(&mut self, owner: u32, viewer: u32) {
        self.counts.n[C::EXPOSURES] += 1;
        if self.applicants[owner as usize].flags & EXPOSED == 0 {
            self.applicants[owner as usize].flags |= EXPOSED;
            self.counts.n[C::PEOPLE_EXPOSED] += 1;
        }
        if self.applicants[viewer as usize].flags & VIEWER == 0 {
            self.applicants[viewer as usize].flags |= VIEWER;
            self.counts.n[C::VIEWERS] += 1;
            let u: f64 = self.edge_rng.random();
            let mut acc = 0.0;
            for (i, share) in self.day.edge.viewer_actions.iter().enumerate() {
                acc += share;
                if u < acc {
                    self.viewer_actions[i] += 1;
                    break;
                }
            }
        }
    }

    /// A response reaches applicant `id` for an attempt made under `epoch`.
    fn respond(&mut self, id: u32, epoch: u32, outcome: Outcome, step: usize, latency: Seconds) {
        let a = self.applicants[id as usize];
        if a.epoch != epoch || a.state() != State::Active {
            return; // the client stopped waiting: nobody reads this answer
        }
        let b = self.bin();
        self.bins.answered[b] += 1;
        let flags = &mut self.applicants[id as usize].flags;
        *flags = if outcome == Outcome::Closed { *flags | TURNED_AWAY } else { *flags & !TURNED_AWAY };
        match outcome {
            Outcome::Ok | Outcome::WrongPerson => {
                self.counts.n[C::OK] += 1;
                self.bins.ok[b] += 1;
                self.latency[self.day.journey[step].class.index()].record(latency);
            }
            Outcome::Rejected => self.counts.n[C::REJECTED] += 1,
            Outcome::ServerTimeout => self.counts.n[C::SERVER_TIMEOUT] += 1,
            Outcome::EdgeError => self.counts.n[C::EDGE] += 1,
            Outcome::Closed => self.counts.n[C::CLOSED] += 1,
            Outcome::Blocked => self.counts.n[C::BLOCKED] += 1,
            Outcome::SoldOut => {
                // The page said so, and that is an answer: the portal worked.
                self.counts.n[C::OK] += 1;
                self.bins.ok[b] += 1;
                self.applicants[id as usize].epoch += 1;
                self.counts.n[C::SOLD_OUT] += 1;
                self.set_state(id, State::SoldOut);
                return;
            }
        }
        if outcome == Outcome::Ok {
            self.applicants[id as usize].epoch += 1;
            self.step_succeeded(id);
            return;
        }
        let a = &mut self.applicants[id as usize];
        a.put_outstanding(a.outstanding().saturating_sub(1));
        if a.outstanding() == 0 {
            a.epoch += 1;
            self.attempt_failed(id);
        }
    }

    fn client_timeout(&mut self, id: u32, epoch: u32) {
        let a = self.applicants[id as usize];
        if a.epoch != epoch || a.state() != State::Active {
            return;
        }
        self.applicants[id as usize].flags &= !TURNED_AWAY;
        self.counts.n[C::TIMEOUT] += u64::from(a.outstanding());
        let b = self.bin();
        self.bins.answered[b] += u32::from(a.outstanding());
        let a = &mut self.applicants[id as usize];
        a.epoch += 1;
        a.put_outstanding(0);
        self.attempt_failed(id);
    }

    fn step_succeeded(&mut self, id: u32) {
        let a = self.applicants[id as usize];
        let step = usize::from(a.step);
        let category = usize::from(a.category);
        let spec = &self.day.journey[step];
        let mut done = a.applications_done;
        if spec.completes_application
            && let Some(stock) = self.day.stock
        {
            let wanted = u64::from(stock.per_application);
            if self.items_left < wanted {
                // Sold out while the order was on its way.
                self.counts.n[C::SOLD_OUT] += 1;
                self.set_state(id, State::SoldOut);
                return;
            }
            self.take_items(wanted);
            self.counts.n[C::ITEMS_PEOPLE] += wanted;
        }
        if spec.completes_application {
            done = done.saturating_add(1);
            self.counts.n[C::APPLICATIONS] += 1;
            let b = self.bin();
            self.bins.applications[b] += 1;
            if self.day.milestones.get(self.next_milestone) == Some(&self.counts.n[C::APPLICATIONS]) {
                self.milestone_at[self.next_milestone] = self.now();
                self.next_milestone += 1;
            }
        }
        let wanted = self.day.categories[category].applications_each;
        let next = match self.block {
            Some((start, end)) if step == end && u32::from(done) < wanted => start,
            _ => self.included_from(step + 1, category),
        };
        if next < self.day.journey.len() && self.goes_no_further(id, step, next) {
            self.applicants[id as usize].applications_done = done;
            return self.leave_by_choice(id, Some(step));
        }
        let think = spec.think.sample(&mut self.behaviour_rngs[category]);
        let a = &mut self.applicants[id as usize];
        a.applications_done = done;
        a.retries = 0;
        if next >= self.day.journey.len() {
            self.set_state(id, State::Done);
            let b = self.bin();
            self.bins.done[b] += 1;
            return;
        }
        a.step = next as u8;
        let epoch = a.epoch;
        self.events.schedule_in(think, Event::StepStart { applicant: id, epoch });
    }

    /// Whether applicant `id`, whose step `step` just succeeded, stops
    /// before step `next`: a browser never takes the step that completes
    /// an application, and otherwise the step's continue share (the
    /// browsers' or the intenders') decides, drawn from the category's own
    /// stream only when it is below 1.
    fn goes_no_further(&mut self, id: u32, step: usize, next: usize) -> bool {
        let a = self.applicants[id as usize];
        let browser = a.flags & BROWSER != 0;
        if browser && self.day.journey[next].completes_application {
            return true;
        }
        let spec = &self.day.journey[step];
        let share = if browser { spec.browsers_continue } else { spec.continue_share };
        share < 1.0 && self.continue_rngs[usize::from(a.category)].random::<f64>() >= share
    }

    /// Applicant `id` leaves by choice, after step `after` succeeded (none:
    /// before any step of the visit).
    fn leave_by_choice(&mut self, id: u32, after: Option<usize>) {
        if let Some(step) = after {
            self.funnel.left_after(step);
        }
        self.set_state(id, State::LeftByChoice);
    }

    fn attempt_failed(&mut self, id: u32) {
        let a = self.applicants[id as usize];
        let category = usize::from(a.category);
        let behaviour = &self.day.categories[category].behaviour;
        if u32::from(a.retries) < behaviour.retries {
            let retry = u32::from(a.retries) + 1;
            let delay = match &behaviour.retry_delay {
                RetryDelay::Reload(d) => d.sample(&mut self.behaviour_rngs[category]),
                RetryDelay::Backoff { base, cap, jitter } => {
                    let full = (base * 2f64.powi(retry.min(60) as i32 - 1)).min(*cap);
                    if *jitter { full * self.behaviour_rngs[category].random::<f64>() } else { full }
                }
            };
            let a = &mut self.applicants[id as usize];
            a.retries = retry.min(255) as u8;
            let epoch = a.epoch;
            self.set_state(id, State::Retrying);
            self.events.schedule_in(delay, Event::StepStart { applicant: id, epoch });
        } else {
            self.funnel.fail(id, usize::from(a.step));
            self.visit_failed(id);
        }
    }

    /// The applicant leaves after a failed visit (or a wait in the room).
    fn visit_failed(&mut self, id: u32) {
        let a = self.applicants[id as usize];
        let category = usize::from(a.category);
        let m = self.minute();
        let b = &self.day.categories[category].behaviour;
        let rng = &mut self.behaviour_rngs[category];
        let may_return = u32::from(a.visits) < b.max_visits;
        // Turned away by the holding page: told when it opens, and some
        // come back then rather than on their own clock.
        let at_opening = if may_return
            && a.flags & TURNED_AWAY != 0
            && b.return_at_opening > 0.0
            && rng.random::<f64>() < b.return_at_opening
        {
            self.access.next_opening(category, self.events.now())
        } else {
            None
        };
        let comes_back = may_return && (at_opening.is_some() || rng.random::<f64>() < b.return_probability);
        let (phone, social) = if comes_back {
            (b.phone_after_failure, b.social_after_failure)
        } else {
            (b.phone_on_give_up, b.social_on_give_up)
        };
        if rng.random::<f64>() < phone {
            self.counts.n[C::PHONE] += 1;
            self.minute_contacts[0][m] += 1;
        }
        if rng.random::<f64>() < social {
            self.counts.n[C::SOCIAL] += 1;
            self.minute_contacts[1][m] += 1;
        }
        // A new epoch for the absence: a reminder's return and their own
        // carry it, and the first to come wins.
        let epoch = a.epoch + 1;
        if let Some(open) = at_opening {
            let at = open + b.opening_delay.sample(rng);
            self.applicants[id as usize].epoch = epoch;
            self.set_state(id, State::Away);
            self.events.schedule(at, Event::Return { applicant: id, epoch });
        } else if comes_back {
            let delay = b.return_delay.sample(rng);
            self.applicants[id as usize].epoch = epoch;
            self.set_state(id, State::Away);
            self.events.schedule_in(delay, Event::Return { applicant: id, epoch });
        } else {
            self.set_state(id, State::GaveUp);
        }
    }

    /// Reminder `index` reaches everyone of its category gone for now; those
    /// who react come back after their delay, unless their own return
    /// comes first.
    fn remind(&mut self, index: usize) {
        let (category, i) = self.reminders[index];
        let reminder = &self.day.categories[category].reminders[i];
        let rng = &mut self.reminder_rngs[index];
        let now = self.events.now();
        for (id, a) in self.applicants.iter().enumerate() {
            if a.state() == State::Away && usize::from(a.category) == category && rng.random::<f64>() < reminder.react {
                let at = now + reminder.delay.sample(rng);
                self.events.schedule(at, Event::Return { applicant: id as u32, epoch: a.epoch });
            }
        }
    }

    // ----- waiting room -----------------------------------------------

    fn enter_room(&mut self, id: u32) {
        let now = self.now();
        self.set_state(id, State::InRoom);
        let epoch = self.applicants[id as usize].epoch;
        let Some(room) = &mut self.room else { return };
        room.join(now, RoomEntry { applicant: id, epoch, joined: now });
        self.counts.n[C::ROOM_ENTERED] += 1;
        self.max_in_room = self.max_in_room.max(self.states[State::InRoom as usize]);
        if let Some(patience) = &self.day.waiting_room.as_ref().and_then(|r| r.patience.as_ref()) {
            let wait = patience.sample(&mut self.room_rng);
            self.events.schedule_in(wait, Event::RoomAbandon { applicant: id, epoch });
        }
        self.admit_by_sessions();
    }

    fn room_opens(&mut self) {
        let Some(room) = &mut self.room else { return };
        room.opened = true;
        // Fisher-Yates: the order of those who came early is a lottery.
        let pre = &mut room.prequeue;
        for i in (1..pre.len()).rev() {
            let j = self.room_rng.random_range(0..=i);
            pre.swap(i, j);
        }
        let drained: Vec<RoomEntry> = std::mem::take(&mut room.prequeue);
        room.queue.extend(drained);
        self.admit_by_sessions();
    }

    /// Next live entry at the head of the room's queue, taken out of the
    /// line: its time in line is recorded.
    fn pop_room(&mut self) -> Option<u32> {
        let now = self.now();
        let room = self.room.as_mut()?;
        while let Some(entry) = room.queue.pop_front() {
            let a = &self.applicants[entry.applicant as usize];
            if a.state() == State::InRoom && a.epoch == entry.epoch {
                let waited = now - entry.joined;
                self.room_wait.record(waited);
                self.room_wait_day.record(waited);
                self.counts.n[C::ROOM_ADMITTED] += 1;
                return Some(entry.applicant);
            }
        }
        None
    }

    fn admit(&mut self, id: u32) {
        self.applicants[id as usize].epoch += 1; // invalidates the room abandonment
        self.set_state(id, State::Active);
        self.begin_journey(id);
    }

    fn admit_tick(&mut self) {
        let Some(room) = &mut self.room else { return };
        let Admission::Rate(rate) = room.admission else { return };
        room.tokens = (room.tokens + rate).min(rate.max(1.0));
        while self.room.as_ref().is_some_and(|r| r.tokens >= 1.0) {
            let Some(id) = self.pop_room() else { break };
            if let Some(room) = &mut self.room {
                room.tokens -= 1.0;
            }
            self.admit(id);
        }
        self.events.schedule_in(1.0, Event::AdmitTick);
    }

    fn admit_by_sessions(&mut self) {
        let Some(room) = &self.room else { return };
        let Admission::Sessions(limit) = room.admission else { return };
        if !room.opened {
            return;
        }
        while self.states[State::Active as usize] + self.states[State::Retrying as usize] < u64::from(limit) {
            let Some(id) = self.pop_room() else { break };
            self.admit(id);
        }
    }

    fn room_abandon(&mut self, id: u32, epoch: u32) {
        let a = self.applicants[id as usize];
        if a.state() != State::InRoom || a.epoch != epoch {
            return;
        }
        self.applicants[id as usize].epoch += 1;
        self.counts.n[C::ROOM_LEFT] += 1;
        self.visit_failed(id);
    }

    // ----- origin -----------------------------------------------------

    fn enter_tier(&mut self, r: u32) {
        let now = self.now();
        let req = self.requests[r as usize];
        let hop = usize::from(req.hop);
        let t = route_of(self.day, &req)[hop];
        if self.slot_phase.len() <= r as usize {
            self.slot_phase.resize(r as usize + 1, SLOT_FREE);
            self.hop_instance.resize(self.slot_phase.len() * self.max_route, 0);
        }
        let spec = &self.day.tiers[t];
        let tier = &mut self.tiers[t];
        tier.counts.arrivals += 1;
        let Some(i) = tier.choose() else {
            // No instance in rotation: the balancer answers with an error.
            tier.counts.rejected += 1;
            self.abort(r, hop, Outcome::Rejected);
            return;
        };
        let i = i as usize;
        self.hop_instance[r as usize * self.max_route + hop] = i as u32;
        if tier.instances[i].busy < tier.workers {
            self.start_stage(r, t);
            return;
        }
        let waiting = tier.instances[i].queue.len() as u32;
        if waiting >= spec.queue_capacity || spec.shed_above.is_some_and(|s| waiting >= s) {
            tier.counts.rejected += 1;
            self.abort(r, hop, Outcome::Rejected);
            return;
        }
        self.requests[r as usize].queued_at = now;
        self.slot_phase[r as usize] = SLOT_QUEUED;
        tier.push(now, i, r);
        self.arm_timeout(r);
    }

    /// The instance request `r` holds (or waits at) at hop `hop`.
    #[inline]
    fn instance_at(&self, r: u32, hop: usize) -> usize {
        self.hop_instance[r as usize * self.max_route + hop] as usize
    }

    fn start_stage(&mut self, r: u32, t: usize) {
        let now = self.now();
        let i = self.instance_at(r, usize::from(self.requests[r as usize].hop));
        self.slot_phase[r as usize] = SLOT_SERVING;
        let tier = &mut self.tiers[t];
        tier.change_busy(now, i, true);
        let busy = tier.instances[i].busy;
        let hostile = self.requests[r as usize].hostile;
        let service = if hostile == 0 {
            let service = self.day.tiers[t].service.sample(&mut self.service_rngs[t]) * tier.slowdown(busy);
            self.counts.work += service;
            service
        } else {
            let source = usize::from(hostile - 1);
            let work =
                self.day.hostile[source].work.as_ref().map_or(0.0, |w| w.sample(&mut self.hostile_work_rngs[source]));
            work * tier.slowdown(busy)
        };
        self.requests[r as usize].work += service;
        self.events.schedule_in(service, Event::StageDone { request: r });
        if now + service > self.requests[r as usize].deadline {
            self.arm_timeout(r);
        }
    }

    fn stage_done(&mut self, r: u32) {
        if self.slot_phase[r as usize] == SLOT_DEAD {
            // Its instance or one it held crashed: already answered.
            self.free_request(r);
            return;
        }
        let now = self.now();
        let req = self.requests[r as usize];
        let route = route_of(self.day, &req);
        let hop = usize::from(req.hop);
        self.tiers[route[hop]].counts.completed += 1;
        if self.day.origin_timeout.is_some_and(|limit| now - req.issued > limit) {
            self.tiers[route[hop]].counts.timeouts += 1;
            self.abort(r, hop + 1, Outcome::ServerTimeout);
            return;
        }
        if hop + 1 < route.len() {
            self.requests[r as usize].hop += 1;
            self.enter_tier(r);
            return;
        }
        if req.hostile != 0 {
            self.hostile_done(req, true);
            self.release_route(r, &req, route.len());
            self.free_request(r);
            return;
        }
        // Done: answer, then free the workers held along the route.
        let stale = {
            let a = &self.applicants[req.applicant as usize];
            a.epoch != req.epoch || a.state() != State::Active
        };
        if stale {
            self.counts.n[C::WASTED] += 1;
            self.counts.wasted_work += req.work;
        } else if req.cache_on_success && self.edge.is_cacheable(usize::from(req.step)) {
            self.edge.store(usize::from(req.step), req.applicant, now);
        }
        self.respond(req.applicant, req.epoch, Outcome::Ok, usize::from(req.step), now - req.issued);
        self.release_route(r, &req, route.len());
        self.free_request(r);
    }

    /// Request slot `r` may be used again. Freed after its route is
    /// released, so that the instances it held are still known then.
    #[inline]
    fn free_request(&mut self, r: u32) {
        self.slot_phase[r as usize] = SLOT_FREE;
        self.free_requests.push(r);
    }

    /// Ends request `r` with an error; it holds the first `held` tiers of its
    /// route.
    fn abort(&mut self, r: u32, held: usize, outcome: Outcome) {
        let now = self.now();
        let req = self.requests[r as usize];
        if req.hostile != 0 {
            self.hostile_done(req, false);
        } else {
            self.respond(req.applicant, req.epoch, outcome, usize::from(req.step), now - req.issued);
        }
        self.release_route(r, &req, held);
        self.free_request(r);
    }

    /// Frees the workers request `r` holds at the first `held` hops of its
    /// route, each at the instance it holds there.
    fn release_route(&mut self, r: u32, req: &Request, held: usize) {
        let route = route_of(self.day, req);
        for hop in (0..held).rev() {
            let t = route[hop];
            let i = self.instance_at(r, hop);
            let now = self.now();
            self.tiers[t].change_busy(now, i, false);
            self.fill(t, i);
        }
    }

    /// Gives free workers at instance `i` of tier `t` to waiting requests,
    /// answering those that waited past the queue timeout with an error
    /// instead; a draining instance left with nothing stops.
    fn fill(&mut self, t: usize, i: usize) {
        let now = self.now();
        let timeout = self.day.tiers[t].queue_timeout;
        while self.tiers[t].instances[i].busy < self.tiers[t].workers {
            let Some(r) = self.tiers[t].pop(now, i) else { break };
            self.prefetch_next_in_line(t, i);
            let req = self.requests[r as usize];
            if timeout.is_some_and(|limit| now - req.queued_at > limit) {
                self.tiers[t].counts.timeouts += 1;
                self.abort(r, usize::from(req.hop), Outcome::ServerTimeout);
            } else {
                self.start_stage(r, t);
            }
        }
        self.tiers[t].settle(now, i);
    }

    /// Starts loading what the next requests in instance `i`'s line will
    /// read when a worker takes them: they have waited since they queued,
    /// long enough on a crowded day to leave the caches. The second in line
    /// gets its request record; the first, whose record came on the
    /// previous call, its applicant's (a late stage arms the timeout).
    #[inline]
    fn prefetch_next_in_line(&self, t: usize, i: usize) {
        let queue = &self.tiers[t].instances[i].queue;
        if let Some(&second) = queue.get(1) {
            prefetch(&self.requests, second as usize);
        }
        if let Some(&first) = queue.front()
            && let Some(req) = self.requests.get(first as usize)
        {
            prefetch(&self.applicants, req.applicant as usize);
        }
    }

    fn autoscale(&mut self, t: usize) {
        let Some(policy) = self.day.tiers[t].autoscale else { return };
        let by_instances = self.day.tiers[t].instances.is_some();
        let now = self.now();
        let tier = &mut self.tiers[t];
        let here = tier.mark(now);
        let before: TierMark = tier.autoscale_mark;
        tier.autoscale_mark = here;
        let capacity = here.workers_area - before.workers_area;
        let utilisation = if capacity > 0.0 { (here.busy_area - before.busy_area) / capacity } else { 1.0 };
        // A tier of instances counts instances in rotation; the others
        // count workers.
        let size = if by_instances { tier.running } else { tier.workers };
        let planned = size + tier.pending;
        if utilisation > policy.target && planned < policy.max {
            let add = policy.step.min(policy.max - planned);
            tier.pending += add;
            self.events.schedule_in(policy.delay, Event::WorkersReady { tier: t as u16, workers: add });
        } else if utilisation < policy.target * 0.5 && tier.pending == 0 && size >= policy.min + policy.step {
            if by_instances {
                tier.drain_instances(now, policy.step);
            } else {
                let workers = tier.workers - policy.step;
                tier.set_workers(now, workers);
            }
            self.workers_changed();
        }
        self.events.schedule_in(policy.period, Event::Autoscale { tier: t as u16 });
    }

    fn workers_ready(&mut self, t: usize, workers: u32) {
        let now = self.now();
        let tier = &mut self.tiers[t];
        tier.pending -= workers;
        if self.day.tiers[t].instances.is_some() {
            // New instances, empty: nothing waits for them yet.
            tier.start_instances(now, workers, false);
            self.workers_changed();
            return;
        }
        let total = tier.workers + workers;
        tier.set_workers(now, total);
        self.workers_changed();
        self.fill(t, 0);
    }

    /// `n` instances of tier `t` crash. The requests that held a worker or
    /// waited there are answered with an error at once (as a rejection);
    /// the workers they held at other tiers are freed; a stage still
    /// running for one of them ends unseen (its slot is marked dead).
    fn fail_instances(&mut self, t: usize, n: u32) {
        let now = self.now();
        let failed = self.tiers[t].fail_instances(n);
        let crashed = |tier: usize, i: usize| tier == t && failed[i];
        let mut answers = Vec::new();
        for r in 0..self.slot_phase.len() as u32 {
            let phase = self.slot_phase[r as usize];
            if phase != SLOT_QUEUED && phase != SLOT_SERVING {
                continue;
            }
            let req = self.requests[r as usize];
            let route = route_of(self.day, &req);
            let hop = usize::from(req.hop);
            let Some(at) = route[..=hop].iter().position(|x| *x == t) else { continue };
            if !failed[self.instance_at(r, at)] {
                continue;
            }
            let serving = phase == SLOT_SERVING;
            let held = if serving { hop + 1 } else { hop };
            for (h, &th) in route[..held].iter().enumerate() {
                let i = self.instance_at(r, h);
                if !crashed(th, i) {
                    self.tiers[th].change_busy(now, i, false);
                }
            }
            if serving {
                self.slot_phase[r as usize] = SLOT_DEAD;
            } else {
                let i = self.instance_at(r, hop);
                if !crashed(route[hop], i) {
                    self.tiers[route[hop]].remove_queued(now, i, r);
                }
                self.free_request(r);
            }
            self.tiers[t].counts.rejected += 1;
            answers.push(req);
        }
        self.tiers[t].stop_failed(now, &failed);
        self.workers_changed();
        for req in answers {
            if req.hostile != 0 {
                self.hostile_done(req, false);
                continue;
            }
            self.respond(req.applicant, req.epoch, Outcome::Rejected, usize::from(req.step), now - req.issued);
        }
        // Workers freed elsewhere take the requests waiting for them.
        for tier in 0..self.tiers.len() {
            for i in 0..self.tiers[tier].instances.len() {
                if self.tiers[tier].instances[i].phase != Phase::Down {
                    self.fill(tier, i);
                }
            }
        }
    }

    fn intervene(&mut self, index: usize) {
        let now = self.now();
        match self.day.interventions[index].action {
            Action::ClosePortal => self.portal_open = false,
            Action::OpenPortal => self.portal_open = true,
            Action::CacheRule { steps, cacheable } => self.edge.set_rule(steps, cacheable),
            Action::SetWorkers { tier, workers } => {
                self.tiers[tier].set_workers(now, workers);
                self.workers_changed();
                self.fill(tier, 0);
            }
            Action::SetInstances { tier, instances } => {
                let running = self.tiers[tier].running;
                if instances > running {
                    self.tiers[tier].start_instances(now, instances - running, true);
                } else {
                    self.tiers[tier].drain_instances(now, running - instances);
                }
                self.workers_changed();
            }
            Action::FailInstances { tier, instances } => self.fail_instances(tier, instances),
            Action::AdmissionRate(rate) => {
                if let Some(room) = &mut self.room {
                    room.admission = Admission::Rate(rate);
                }
            }
            Action::MaxSessions(limit) => {
                if let Some(room) = &mut self.room {
                    room.admission = Admission::Sessions(limit);
                }
                self.admit_by_sessions();
            }
            Action::EdgeCapacity(capacity) => self.edge.set_capacity(now, capacity),
            Action::OpenCategory(c) => self.category_override[c] = Some(true),
            Action::CloseCategory(c) => self.category_override[c] = Some(false),
            Action::Filter { filter, active } => self.filter_on[filter] = active,
        }
    }

    /// A tier's workers or instances in rotation changed, and with them
    /// perhaps the origin's capacity.
    fn workers_changed(&mut self) {
        let now = self.now();
        let tiers = &self.tiers;
        let capacity = self.capacity_model.capacity(|t| (tiers[t].running, tiers[t].workers));
        if capacity != self.capacity.current() {
            self.bin_capacity(now);
            self.capacity.set(now, capacity);
        }
    }

    /// Credits the bins with the capacity held from the last change to `to`
    /// (as request-seconds; `finish` turns them into means).
    fn bin_capacity(&mut self, to: Seconds) {
        let (from, value, width) = (self.capacity_binned, self.capacity.current(), self.bins.width);
        let last = self.bins.len() - 1;
        for i in ((from / width) as usize).min(last)..=((to / width) as usize).min(last) {
            let (lo, hi) = ((i as f64 * width).max(from), ((i + 1) as f64 * width).min(to));
            if hi > lo {
                self.bins.capacity[i] += value * (hi - lo);
            }
        }
        self.capacity_binned = to;
    }

    // ----- observation ------------------------------------------------

    fn close_interval(&mut self, at: Seconds) {
        let (start, mark) = self.interval_mark;
        let d = |i: usize| (self.counts.n[i] - mark.n[i]) as f64;
        let answered = d(C::OK)
            + d(C::TIMEOUT)
            + d(C::REJECTED)
            + d(C::SERVER_TIMEOUT)
            + d(C::EDGE)
            + d(C::CLOSED)
            + d(C::BLOCKED);
        let mut latency = [f64::NAN; 9];
        let mut worst = f64::NAN;
        for (c, h) in self.latency.iter_mut().enumerate() {
            latency[3 * c] = h.quantile(0.50);
            latency[3 * c + 1] = h.quantile(0.95);
            latency[3 * c + 2] = h.quantile(0.99);
            worst = worst.max(latency[3 * c + 1]);
            h.clear();
        }
        if worst.is_finite() {
            self.worst_p95 = self.worst_p95.max(worst);
        }
        let work = self.counts.work - mark.work;
        let room_wait =
            [self.room_wait.mean(), self.room_wait.quantile(0.50), self.room_wait.quantile(0.95), self.room_wait.max()];
        self.room_wait.clear();
        // No step reaching the origin leaves it unbounded: no figure.
        let capacity = Some(self.capacity.mean(at)).filter(|c| c.is_finite()).unwrap_or(f64::NAN);
        self.capacity.restart(at);
        let in_portal_mean = self.in_portal.mean(at);
        self.in_portal.restart(at);
        let s = &self.states;
        let values = [
            d(C::VISITS),
            d(C::FIRST),
            d(C::REQUESTS),
            d(C::NEW_DEMAND),
            d(C::ORIGIN),
            capacity,
            d(C::OK),
            d(C::TIMEOUT),
            d(C::REJECTED),
            d(C::SERVER_TIMEOUT),
            d(C::EDGE),
            d(C::CLOSED),
            answered,
            ratio(d(C::OK), answered),
            ratio(d(C::EDGE_HITS), d(C::EDGE_LOOKUPS)),
            latency[0],
            latency[1],
            latency[2],
            latency[3],
            latency[4],
            latency[5],
            latency[6],
            latency[7],
            latency[8],
            d(C::EXPOSURES),
            d(C::PEOPLE_EXPOSED),
            d(C::VIEWERS),
            d(C::APPLICATIONS),
            self.counts.n[C::APPLICATIONS] as f64,
            d(C::WASTED),
            ratio(self.counts.wasted_work - mark.wasted_work, work),
            s[State::Retrying as usize] as f64,
            (s[State::Active as usize] + s[State::Retrying as usize]) as f64,
            in_portal_mean,
            self.in_portal_peak as f64,
            s[State::InRoom as usize] as f64,
            room_wait[0],
            room_wait[1],
            room_wait[2],
            room_wait[3],
            d(C::ROOM_LEFT),
            s[State::Away as usize] as f64,
            s[State::GaveUp as usize] as f64,
            d(C::PHONE),
            d(C::SOCIAL),
            d(C::BLOCKED),
            d(C::PEOPLE_BLOCKED),
            d(C::HOSTILE),
            d(C::HOSTILE_BLOCKED),
            d(C::HOSTILE_SERVED),
            d(C::HOSTILE_DROPPED),
            if self.day.stock.is_some() { self.items_left as f64 } else { f64::NAN },
            d(C::ITEMS_PEOPLE),
            d(C::ITEMS_BOTS),
            d(C::SOLD_OUT),
        ];
        self.intervals.push(LaunchInterval { index: self.interval_index, start, end: at, values });
        for (t, tier) in self.tiers.iter_mut().enumerate() {
            let before = tier.interval_mark;
            let here = tier.mark(at);
            let span = at - before.time;
            let per = |x: f64| if span > 0.0 { x / span } else { f64::NAN };
            let busy = here.busy_area - before.busy_area;
            let workers = here.workers_area - before.workers_area;
            let completed = (here.counts.completed - before.counts.completed) as f64;
            self.tier_rows.push(TierInterval {
                index: self.interval_index,
                start,
                end: at,
                tier: t,
                values: [
                    per(workers),
                    per(busy),
                    ratio(busy, workers),
                    per(here.queue_area - before.queue_area),
                    (here.counts.arrivals - before.counts.arrivals) as f64,
                    completed,
                    (here.counts.rejected - before.counts.rejected) as f64,
                    (here.counts.timeouts - before.counts.timeouts) as f64,
                    per(completed),
                    per(here.instances_area - before.instances_area),
                ],
            });
            tier.interval_mark = here;
        }
        self.interval_mark = (at, self.counts);
        self.interval_index += 1;
        self.in_portal_peak = self.states[State::Active as usize] + self.states[State::Retrying as usize];
    }

    fn finish(mut self) -> LaunchResult {
        let day = self.day;
        self.bin_capacity(day.run.duration);
        for i in 0..self.bins.len() {
            self.bins.capacity[i] /= self.bins.span(i);
        }
        self.mark_closures();
        let n = &self.counts.n;
        let mut metrics: Vec<(String, f64)> = Vec::new();
        metrics.push(("applications".into(), n[C::APPLICATIONS] as f64));
        metrics.extend(verdicts::applications(day, &self.bins));
        for (count, at) in day.milestones.iter().zip(&self.milestone_at) {
            metrics.push((format!("clock_of_application_{count}_s"), *at));
        }
        let answered = n[C::OK]
            + n[C::TIMEOUT]
            + n[C::REJECTED]
            + n[C::SERVER_TIMEOUT]
            + n[C::EDGE]
            + n[C::CLOSED]
            + n[C::BLOCKED];
        metrics.push(("availability".into(), ratio(n[C::OK] as f64, answered as f64)));
        metrics.extend(verdicts::outage(day, &self.bins));
        metrics.extend(verdicts::applicants_done(day, &self.bins, n[C::FIRST] - self.browsers));
        metrics.push(("worst_p95_s".into(), self.worst_p95));
        metrics.push(("peak_in_portal".into(), self.peak_in_portal as f64));
        if self.day.max_sessions.is_some() {
            metrics.push(("peak_sessions".into(), self.peak_sessions as f64));
        }
        metrics.push(("requests".into(), n[C::REQUESTS] as f64));
        metrics.push(("err_timeout".into(), n[C::TIMEOUT] as f64));
        metrics.push(("err_rejected".into(), n[C::REJECTED] as f64));
        metrics.push(("err_server_timeout".into(), n[C::SERVER_TIMEOUT] as f64));
        metrics.push(("err_edge".into(), n[C::EDGE] as f64));
        metrics.push(("err_closed".into(), n[C::CLOSED] as f64));
        metrics.push(("exposures".into(), n[C::EXPOSURES] as f64));
        metrics.push(("people_exposed".into(), n[C::PEOPLE_EXPOSED] as f64));
        metrics.push(("people_shown_others_data".into(), n[C::VIEWERS] as f64));
        for (name, count) in ["viewed", "modified", "deleted", "submitted"].iter().zip(self.viewer_actions) {
            metrics.push((format!("viewers_who_{name}"), count as f64));
        }
        metrics.push(("wasted_work_share".into(), ratio(self.counts.wasted_work, self.counts.work)));
        metrics.push(("wasted_responses".into(), n[C::WASTED] as f64));
        let s = self.states;
        metrics.push(("applicants".into(), n[C::FIRST] as f64));
        metrics.push(("visits".into(), n[C::VISITS] as f64));
        metrics.push(("applicants_done".into(), s[State::Done as usize] as f64));
        metrics.push(("applicants_given_up".into(), s[State::GaveUp as usize] as f64));
        metrics.push(("applicants_gone_for_now".into(), s[State::Away as usize] as f64));
        if day.models_choice() {
            metrics.push(("browsers".into(), self.browsers as f64));
            metrics.push(("applicants_left_by_choice".into(), s[State::LeftByChoice as usize] as f64));
            metrics.extend(self.funnel.metrics(&day.journey));
        }
        let room = self.room.as_ref().map(|_| RoomBalance {
            entered: n[C::ROOM_ENTERED],
            admitted: n[C::ROOM_ADMITTED],
            left: n[C::ROOM_LEFT],
            in_line: s[State::InRoom as usize],
        });
        if self.room.is_some() {
            let h = &self.room_wait_day;
            metrics.push(("room_wait_mean_s".into(), h.mean()));
            metrics.push(("room_wait_p50_s".into(), h.quantile(0.50)));
            metrics.push(("room_wait_p95_s".into(), h.quantile(0.95)));
            metrics.push(("room_wait_max_s".into(), h.max()));
            metrics.push(("room_peak".into(), self.max_in_room as f64));
            metrics.push(("room_left".into(), n[C::ROOM_LEFT] as f64));
        }
        if !day.filters.is_empty() {
            metrics.push(("err_blocked".into(), n[C::BLOCKED] as f64));
            metrics.push(("people_blocked".into(), n[C::PEOPLE_BLOCKED] as f64));
        }
        if !day.hostile.is_empty() {
            metrics.push(("hostile_requests".into(), n[C::HOSTILE] as f64));
            metrics.push(("hostile_blocked".into(), n[C::HOSTILE_BLOCKED] as f64));
            metrics.push(("hostile_served".into(), n[C::HOSTILE_SERVED] as f64));
            metrics.push(("hostile_dropped".into(), n[C::HOSTILE_DROPPED] as f64));
            metrics.push(("all_requests".into(), (n[C::REQUESTS] + n[C::HOSTILE]) as f64));
        }
        if let Some(stock) = day.stock {
            metrics.push(("items_to_people".into(), n[C::ITEMS_PEOPLE] as f64));
            metrics.push(("items_to_bots".into(), n[C::ITEMS_BOTS] as f64));
            metrics.push(("items_left".into(), self.items_left as f64));
            metrics.push(("sold_out_at_s".into(), self.sold_out_at));
            metrics.push(("people_sold_out".into(), n[C::SOLD_OUT] as f64));
            debug_assert_eq!(n[C::ITEMS_PEOPLE] + n[C::ITEMS_BOTS] + self.items_left, stock.items);
        }
        metrics.push(("contacts_phone".into(), n[C::PHONE] as f64));
        metrics.push(("contacts_social".into(), n[C::SOCIAL] as f64));
        let balance = ApplicantBalance {
            arrived: n[C::FIRST],
            completed: s[State::Done as usize],
            left_by_choice: s[State::LeftByChoice as usize],
            retrying: s[State::Retrying as usize],
            gone_for_now: s[State::Away as usize],
            given_up: s[State::GaveUp as usize],
            sold_out: s[State::SoldOut as usize],
            in_flight: s[State::Active as usize] + s[State::InRoom as usize],
        };
        LaunchResult {
            replication: self.replication,
            intervals: self.intervals,
            tiers: self.tier_rows,
            summary: LaunchSummary { metrics },
            bins: self.bins,
            balance,
            room,
            contacts_per_minute: self.minute_contacts,
            events: self.handled,
        }
    }

    /// Marks the bins the portal spent at least partly behind its holding
    /// page.
    fn mark_closures(&mut self) {
        let width = self.bins.width;
        let mut closed_since = None;
        let close = |bins: &mut BinSeries, from: Seconds, to: Seconds| {
            let first = (from / width) as usize;
            let end = ((to / width).ceil() as usize).min(bins.len());
            for open in bins.open.iter_mut().take(end).skip(first) {
                *open = false;
            }
        };
        for iv in self.day.interventions.iter().filter(|iv| iv.at < self.day.run.duration) {
            match (iv.action, closed_since) {
                (Action::ClosePortal, None) => closed_since = Some(iv.at),
                (Action::OpenPortal, Some(from)) => {
                    close(&mut self.bins, from, iv.at);
                    closed_since = None;
                }
                _ => {}
            }
        }
        if let Some(from) = closed_since {
            close(&mut self.bins, from, self.day.run.duration);
        }
    }
}

/// The tiers request `req` calls, in order: its step's route, or a hostile
/// source's one tier.
#[inline]
fn route_of<'d>(day: &'d LaunchDay, req: &Request) -> &'d [usize] {
    if req.hostile == 0 {
        return &day.journey[usize::from(req.step)].route;
    }
    match &day.hostile[usize::from(req.hostile - 1)].target {
        HostileTarget::Tier(t) => std::slice::from_ref(t),
        HostileTarget::Edge => &[],
    }
}
