//! The launch-day model: a public portal on the day millions of eligible
//! people try to apply at once.
//!
//! ```text
//!  applicants ──> [waiting room] ──> CDN edge ──hit──> response
//!   (categories,        (optional)       │  (static by ratio; personal pages
//!    arrival parts,                      │   only if a rule makes them
//!    journeys)                           │   cacheable: then by URL, for
//!                                        │   everyone: the exposure bug)
//!                                        miss / bypass
//!                                        v
//!                          origin tiers, called in order and held
//!                          while the next one works:
//!                          app ──> identity ──> session ──> database
//! ```
//!
//! Every applicant and every request is an event. An applicant's visit is a
//! journey of steps; each step is one request of a content class. A request
//! that fails (edge overload, accept queue full, server timeout, portal
//! closed) or that the client stops waiting for is retried after a reload
//! delay or a backoff, with more tabs if the applicant opens them; after
//! too many failures the applicant leaves, may come back later, and may
//! phone or post. Work the origin finishes for clients that have already
//! left is wasted: the model reports throughput and goodput apart.
//!
//! Life cycle, as for the network model: build a [`LaunchDay`] (from a
//! scenario), [`LaunchDay::check`] it, call [`simulate`] once per
//! replication with that replication's streams, and hand the
//! [`LaunchResult`]s to [`estimate`] and the exporters.

mod access;
mod edge;
pub mod funnel;
mod origin;
mod results;
mod room;
mod scale;
mod sim;
pub mod verdicts;

pub use access::AccessSchedule;
pub use results::{
    ApplicantBalance, BinSeries, LaunchInterval, LaunchResult, LaunchSummary, RoomBalance, TierInterval,
};
pub use scale::{MIN_SCALE, check_scale, scale_count};
pub use sim::{LaunchError, simulate, simulate_with_budget, simulate_with_progress};

use crate::dist::TimeDistribution;
use crate::engine::RunLength;
use crate::units::{PerSecond, Seconds};

/// The whole launch-day model.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchDay {
    /// Run length, warm-up and interval width.
    pub run: RunLength,
    /// Who is eligible, when they come and how they behave.
    pub categories: Vec<Category>,
    /// The steps of one visit.
    pub journey: Vec<Step>,
    /// The CDN edge in front of the origin.
    pub edge: Edge,
    /// Origin tiers, referred to by index from steps.
    pub tiers: Vec<Tier>,
    /// Most time the origin spends on one request before answering with an
    /// error (a gateway timeout), checked as the request moves between
    /// tiers. `None`: no limit.
    pub origin_timeout: Option<Seconds>,
    /// Most concurrent sessions the portal serves (its capacity stated in
    /// concurrent users); beyond it a visit's first origin request gets a
    /// "too many users" answer. None: no limit.
    pub max_sessions: Option<u32>,
    /// An optional virtual waiting room in front of the portal.
    pub waiting_room: Option<WaitingRoom>,
    /// Changes at given times, in time order.
    pub interventions: Vec<Intervention>,
    /// Times at which the summary reports applications completed so far.
    pub report_times: Vec<Seconds>,
    /// Counts of applications whose completion the summary dates
    /// (`clock_of_application_<N>_s`), strictly increasing. A share of the
    /// day's total moves with the total, so two scenarios that complete
    /// different numbers would be compared at different targets; a count
    /// is the same target in both.
    pub milestones: Vec<u64>,
    /// The phone line and social channels that receive the people the
    /// portal failed, if the scenario models them.
    pub contact_center: Option<crate::contact::ContactCenter>,
    /// Traffic that is not applicants: floods and bots.
    pub hostile: Vec<HostileSource>,
    /// Rules at the edge that block hostile traffic, and some people too.
    pub filters: Vec<EdgeFilter>,
    /// Scarce items (tickets, appointment slots) that completing an
    /// application takes, if the day sells out.
    pub stock: Option<Stock>,
}

/// Traffic that is not applicants: a flood (DDoS) or bots, arriving as a
/// Poisson stream along a rate profile.
///
/// A flood at the edge is counted per second, not request by request:
/// billions of requests a day would otherwise be billions of events, and
/// the edge only needs how many arrive each second to share its capacity
/// among them and the applicants. Traffic aimed at a tier passes the edge
/// one request at a time and takes a worker there like any request.
#[derive(Debug, Clone, PartialEq)]
pub struct HostileSource {
    /// Name used in output and to key random streams.
    pub name: String,
    /// Requests per second over the day.
    pub rate: crate::arrivals::RateProfile,
    /// The layer it hits.
    pub target: HostileTarget,
    /// Work one request costs at its tier (for a tier target).
    pub work: Option<TimeDistribution>,
    /// Mean scarce items one request served at its tier takes from the
    /// stock (bots buying tickets); 0 for a flood.
    pub takes_items: f64,
}

/// The layer hostile traffic hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostileTarget {
    /// The CDN edge: it uses edge capacity and goes no further.
    Edge,
    /// An origin tier (index into [`LaunchDay::tiers`]), reached through the
    /// edge and past its cache.
    Tier(usize),
}

/// A filtering rule at the edge (a WAF rule, a geoblock, a bot check): it
/// blocks a share of hostile requests, and a share of the people, who are
/// blocked on every request while it is on (their address or country is
/// what the rule matches, so a retry does not help).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeFilter {
    /// Name used by interventions and in output.
    pub name: String,
    /// Share of hostile requests it blocks.
    pub blocks_hostile: f64,
    /// Share of people it blocks.
    pub blocks_people: f64,
    /// Whether it is on at time zero.
    pub active: bool,
}

/// A stock of scarce items that completing an application takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stock {
    /// Items at time zero.
    pub items: u64,
    /// Items one application takes (tickets per order).
    pub per_application: u32,
}

/// Milestones of a scenario that names none.
pub const DEFAULT_MILESTONES: [u64; 3] = [100_000, 500_000, 1_000_000];
/// Most milestones a scenario may name: each is a column of the summary.
pub const MAX_MILESTONES: usize = 10;
/// Largest milestone, well above any population the model accepts.
pub const MAX_MILESTONE: u64 = 1_000_000_000;

/// A group of eligible people who share an access window and a behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Name used in output and to key random streams.
    pub name: String,
    /// Applicants: eligible people in the category divided by the
    /// applications each applicant files.
    pub size: u64,
    /// Applications each person files (1 for a citizen; many for an
    /// intermediary filing on behalf of clients in one session).
    pub applications_each: u32,
    /// When the first attempts happen.
    pub arrivals: Vec<ArrivalPart>,
    /// Messages to the category's people who left and mean to come back.
    pub reminders: Vec<Reminder>,
    /// Periods when the portal serves this category; outside them the
    /// category gets the "not yet open to you" page. Empty: always open.
    pub windows: Vec<(Seconds, Seconds)>,
    /// How its people react to failure.
    pub behaviour: Behaviour,
    /// Share of the category's arriving people who never meant to apply
    /// (browsers: they look around, and leave by choice at the latest
    /// where they would submit); 0 to 1. The rest are intenders.
    pub browsers: f64,
}

/// One component of a category's first-attempt profile. The parts add up:
/// each brings its own people.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalPart {
    /// A crowd at an announced instant: `people` arrive `at` plus a delay
    /// drawn from `spread`.
    Crowd {
        /// People in the crowd.
        people: u64,
        /// The announced instant, in seconds.
        at: Seconds,
        /// Delay after `at`.
        spread: TimeDistribution,
    },
    /// People spread over the run along a daily curve: `people` first
    /// attempts distributed in time as `curve` (a distribution of times
    /// since `start`).
    Curve {
        /// People following the curve.
        people: u64,
        /// Start of the curve, in seconds.
        start: Seconds,
        /// First-attempt times after `start` (an empirical distribution
        /// built from the rate profile).
        curve: TimeDistribution,
    },
    /// A notification wave: `recipients` messages sent `at`; each recipient
    /// reacts with probability `react`, after a delay drawn from `delay`.
    Wave {
        /// Messages sent.
        recipients: u64,
        /// Probability a recipient tries the portal.
        react: f64,
        /// When the messages go out, in seconds.
        at: Seconds,
        /// Reaction delay.
        delay: TimeDistribution,
    },
}

/// A notification to the category's people gone for now: sent `at`, it
/// brings each back with probability `react` after a delay drawn from
/// `delay`, if that is sooner than they meant to come anyway.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// When the messages go out, in seconds.
    pub at: Seconds,
    /// Probability that someone gone for now comes back for it.
    pub react: f64,
    /// Reaction delay.
    pub delay: TimeDistribution,
}

impl ArrivalPart {
    /// The most applicants this part brings: a wave's recipients, of whom
    /// only those who react come.
    pub fn people(&self) -> u64 {
        match self {
            ArrivalPart::Crowd { people, .. } | ArrivalPart::Curve { people, .. } => *people,
            ArrivalPart::Wave { recipients, .. } => *recipients,
        }
    }
}

/// How applicants react to a portal that fails them.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// How long a client waits for one response before giving up on it.
    pub timeout: TimeDistribution,
    /// Retries of a failed step within one visit.
    pub retries: u32,
    /// Delay before a retry.
    pub retry_delay: RetryDelay,
    /// Requests sent in parallel on a retry (tabs open); 1 is one.
    pub tabs: u32,
    /// Probability of coming back after a failed visit.
    pub return_probability: f64,
    /// Delay before coming back.
    pub return_delay: TimeDistribution,
    /// Probability that someone whose visit ended on the holding page (the
    /// portal closed, or their window not open yet) comes back when it
    /// opens for them, instead of after `return_delay`.
    pub return_at_opening: f64,
    /// Delay after the opening before such a person comes back.
    pub opening_delay: TimeDistribution,
    /// Most visits (first included); after the last failure the applicant
    /// gives up for good.
    pub max_visits: u32,
    /// Probability of phoning after a failed visit.
    pub phone_after_failure: f64,
    /// Probability of posting on a social channel after a failed visit.
    pub social_after_failure: f64,
    /// Probability of phoning when giving up for good.
    pub phone_on_give_up: f64,
    /// Probability of posting when giving up for good.
    pub social_on_give_up: f64,
}

/// When a retry happens.
#[derive(Debug, Clone, PartialEq)]
pub enum RetryDelay {
    /// Reload after a delay drawn from a distribution.
    Reload(TimeDistribution),
    /// Capped exponential backoff: `base · 2^(retry-1)`, at most `cap`, with
    /// full jitter (uniform between 0 and that) when `jitter` is set.
    Backoff {
        /// First delay, in seconds.
        base: Seconds,
        /// Largest delay, in seconds.
        cap: Seconds,
        /// Whether to draw the delay uniformly below the backoff.
        jitter: bool,
    },
}

/// What kind of content a step asks for, which decides what the edge does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentClass {
    /// Pages and assets that are the same for everyone: cacheable.
    Static,
    /// Pages that show the applicant's own data: must bypass the cache.
    Personal,
    /// Submissions: always reach the origin.
    Write,
}

impl ContentClass {
    /// All classes, in output order.
    pub const ALL: [ContentClass; 3] = [ContentClass::Static, ContentClass::Personal, ContentClass::Write];

    /// Name used in output.
    pub fn name(self) -> &'static str {
        match self {
            ContentClass::Static => "static",
            ContentClass::Personal => "personal",
            ContentClass::Write => "write",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One step of the journey: a request and the think time after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Name used in output.
    pub name: String,
    /// What the edge does with it.
    pub class: ContentClass,
    /// Origin tiers it calls, in order (indices into [`LaunchDay::tiers`]).
    pub route: Vec<usize>,
    /// Time the applicant spends before the next step.
    pub think: TimeDistribution,
    /// Share of visits that include this step (1 for a step everyone takes;
    /// less for an optional page such as a list of drafts).
    pub share: f64,
    /// For personal pages: how many distinct addresses the page has. A page
    /// served at one address to everyone (1) is what a cache rule keyed by
    /// URL alone turns into a leak.
    pub addresses: u32,
    /// Whether the step belongs to the per-application block that an
    /// intermediary repeats for each application.
    pub per_application: bool,
    /// Whether success of this step completes an application.
    pub completes_application: bool,
    /// Share of intenders who go on with the journey after this step
    /// succeeds; the rest leave by choice (0 to 1; 1: everyone goes on).
    /// Nothing is drawn after the journey's last step.
    pub continue_share: f64,
    /// The same for browsers. A browser who would take the step that
    /// completes an application leaves by choice instead, whatever this
    /// share says.
    pub browsers_continue: f64,
}

/// The CDN edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Requests per second the edge can serve; beyond it, edge errors.
    pub capacity: PerSecond,
    /// Seconds of capacity the edge can absorb in a burst.
    pub burst: Seconds,
    /// Share of static requests served from the edge cache.
    pub static_hit_ratio: f64,
    /// Time to answer from the edge, in seconds.
    pub latency: Seconds,
    /// Personal steps that a rule makes cacheable by URL at time zero, as a
    /// bit set over step indices (bit i is step i).
    pub cacheable_steps: StepSet,
    /// How long a cached personal page is kept, in seconds.
    pub personal_ttl: Seconds,
    /// Of the people shown someone else's page: shares who view only,
    /// modify, delete, and submit the other person's draft (the rest leave
    /// it alone). Sums to at most 1.
    pub viewer_actions: [f64; 4],
}

/// An origin tier: workers behind a bounded accept queue, or (with
/// `instances`) replicas of such a server behind a load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Name used in routes and output.
    pub name: String,
    /// Workers at time zero; with `instances`, the workers of each instance.
    pub workers: u32,
    /// Instances (replicas) at time zero, each with its own workers, accept
    /// queue and Universal Scalability Law slowdown; autoscaling and the
    /// instance interventions then count instances. `None`: the tier is one
    /// server whose workers autoscaling and `set_workers` change.
    pub instances: Option<u32>,
    /// How a request picks an instance among those in rotation.
    pub balancer: Balancer,
    /// Service time of one request at low load.
    pub service: TimeDistribution,
    /// Requests that may wait for a worker (at each instance); beyond it,
    /// rejected.
    pub queue_capacity: u32,
    /// Universal Scalability Law contention (α) and coherency (β): the
    /// service time at concurrency n is multiplied by 1 + α(n−1) + βn(n−1),
    /// so past a knee throughput falls as concurrency grows.
    pub contention: f64,
    /// USL coherency coefficient β.
    pub coherency: f64,
    /// Most time a request may wait in the queue; older requests are
    /// answered with a timeout error when they reach the head.
    pub queue_timeout: Option<Seconds>,
    /// Load shedding: reject at once when this many are already waiting.
    pub shed_above: Option<u32>,
    /// Autoscaling policy.
    pub autoscale: Option<Autoscale>,
}

impl Tier {
    /// Instances at time zero (one for a tier that does not declare them).
    pub fn initial_instances(&self) -> u32 {
        self.instances.unwrap_or(1)
    }
}

/// Most instances a tier may have.
pub const MAX_INSTANCES: u32 = 100_000;

/// Most workers a tier may have, over all its instances.
pub const MAX_TIER_WORKERS: u64 = 10_000_000;

/// How a tier's load balancer picks an instance for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Balancer {
    /// The instance with the fewest requests in service or waiting; ties go
    /// to the lowest index.
    #[default]
    LeastConnections,
    /// The next instance in rotation after the last one picked.
    RoundRobin,
}

/// Target-tracking autoscaling for a tier (of workers, or of instances for
/// a tier that declares them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Autoscale {
    /// Utilisation the policy aims at.
    pub target: f64,
    /// How often it looks, in seconds.
    pub period: Seconds,
    /// Time for new workers (instances) to become ready, in seconds.
    pub delay: Seconds,
    /// Workers (instances) added or removed per decision.
    pub step: u32,
    /// Fewest workers (instances).
    pub min: u32,
    /// Most workers (instances).
    pub max: u32,
}

/// A virtual waiting room in front of the portal.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingRoom {
    /// How people are let in.
    pub admission: Admission,
    /// Arrivals before this time wait in a pre-queue whose order is drawn
    /// at random when it opens (no advantage in arriving at 23:59).
    pub opens_at: Seconds,
    /// Most time a session may last once admitted; after it the applicant
    /// goes back to the queue.
    pub session_limit: Option<Seconds>,
    /// How long people wait in the room before leaving (for now).
    pub patience: Option<TimeDistribution>,
}

/// Admission policy of the waiting room.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    /// Admit at a fixed rate, first come first served.
    Rate(PerSecond),
    /// Admit while fewer than this many sessions are active.
    Sessions(u32),
}

/// A change at a given time.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    /// When, in seconds.
    pub at: Seconds,
    /// What changes.
    pub action: Action,
    /// Label for reports and plots.
    pub label: String,
}

/// What an intervention changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Close the portal: the edge serves a holding page.
    ClosePortal,
    /// Reopen the portal.
    OpenPortal,
    /// Make the personal pages of these steps cacheable by URL (true), or
    /// make them bypass the cache again (false).
    CacheRule {
        /// The steps the rule matches.
        steps: StepSet,
        /// Cacheable or bypassed.
        cacheable: bool,
    },
    /// Set a tier's workers.
    SetWorkers {
        /// Tier index.
        tier: usize,
        /// Workers from then on.
        workers: u32,
    },
    /// Set the instances in rotation of a tier that declares them: ready
    /// ones are added at once, the surplus drains.
    SetInstances {
        /// Tier index.
        tier: usize,
        /// Instances in rotation from then on.
        instances: u32,
    },
    /// Instances of a tier crash: their requests get an error at once.
    FailInstances {
        /// Tier index.
        tier: usize,
        /// Instances that go down.
        instances: u32,
    },
    /// Set the waiting room's admission rate (per second).
    AdmissionRate(PerSecond),
    /// Set the waiting room's active-session limit.
    MaxSessions(u32),
    /// Set the edge capacity (requests per second).
    EdgeCapacity(PerSecond),
    /// Open a category's access regardless of its windows.
    OpenCategory(usize),
    /// Close a category's access regardless of its windows.
    CloseCategory(usize),
    /// Switch an edge filter (index into [`LaunchDay::filters`]) on or off.
    Filter {
        /// Filter index.
        filter: usize,
        /// On (true) or off.
        active: bool,
    },
}

/// A set of journey steps, as bits over step indices: a cache rule matches
/// some pages and not others. Journeys have at most [`MAX_STEPS`] steps.
pub type StepSet = u64;

/// Most steps in a journey.
pub const MAX_STEPS: usize = 64;

/// Most applications one applicant files: an applicant's count of them is
/// 16 bits, part of what keeps the record of each of millions of people
/// at 16 bytes (one never straddles two cache lines).
pub const MAX_APPLICATIONS_EACH: u32 = 65_535;

/// Most tabs (requests at once on a retry): the count of an attempt's
/// unanswered requests shares a byte with the applicant's state.
pub const MAX_TABS: u32 = 31;

/// Most items one hostile request may take from a stock on average.
pub const MAX_ITEMS_PER_REQUEST: f64 = 1000.0;

impl LaunchDay {
    /// People who may arrive during a replication (every arrival part).
    pub fn max_applicants(&self) -> u64 {
        self.categories.iter().flat_map(|c| &c.arrivals).map(ArrivalPart::people).sum()
    }

    /// Whether anyone may leave by choice: a category has browsers, or a
    /// step lets only a share of people go on. Only such a day keeps and
    /// reports the funnel (`funnel_reached_<step>`, ...), the browsers and
    /// those who left by choice, so a day without them stays as it was.
    pub fn models_choice(&self) -> bool {
        self.categories.iter().any(|c| c.browsers > 0.0)
            || self.journey.iter().any(|s| s.continue_share < 1.0 || s.browsers_continue < 1.0)
    }

    /// Checks the invariants the simulation relies on.
    pub fn check(&self) -> Result<(), String> {
        self.run.check()?;
        if self.categories.is_empty() || self.categories.len() > 255 {
            return Err("a launch day needs between 1 and 255 categories".into());
        }
        if self.journey.is_empty() || self.journey.len() > MAX_STEPS {
            return Err(format!("a journey needs between 1 and {MAX_STEPS} steps"));
        }
        if self.journey.iter().any(|s| !(s.share > 0.0 && s.share <= 1.0)) {
            return Err("every step's share of visits must be above 0 and at most 1".into());
        }
        if self.journey.iter().any(|s| s.share < 1.0 && (s.completes_application || s.per_application)) {
            return Err(
                "steps that complete an application or repeat per application must be in every visit (share 1)".into(),
            );
        }
        let share = |x: f64| (0.0..=1.0).contains(&x);
        if let Some(s) = self.journey.iter().find(|s| !share(s.continue_share) || !share(s.browsers_continue)) {
            return Err(format!("step {}: continue and browsers_continue must be shares from 0 to 1", s.name));
        }
        if let Some(c) = self.categories.iter().find(|c| !share(c.browsers)) {
            return Err(format!("category {}: browsers must be a share from 0 to 1", c.name));
        }
        if self.tiers.is_empty() || self.tiers.len() > 64 {
            return Err("the origin needs between 1 and 64 tiers".into());
        }
        for step in &self.journey {
            if step.route.iter().any(|t| *t >= self.tiers.len()) {
                return Err(format!("step {}: route names an unknown tier", step.name));
            }
            if step.route.is_empty() && step.class != ContentClass::Static {
                return Err(format!("step {}: only static steps may skip the origin", step.name));
            }
            if (1..step.route.len()).any(|i| step.route[..i].contains(&step.route[i])) {
                return Err(format!("step {}: a route may visit each tier once", step.name));
            }
            if step.addresses == 0 {
                return Err(format!("step {}: addresses must be >= 1", step.name));
            }
        }
        if self.journey.iter().filter(|s| s.completes_application).count() != 1 {
            return Err("exactly one step completes an application".into());
        }
        for tier in &self.tiers {
            if let Some(a) = tier.autoscale
                && (a.min > a.max || a.step == 0 || a.period <= 0.0)
            {
                return Err(format!("tier {}: autoscale needs min <= max, step >= 1 and period > 0", tier.name));
            }
            if let Some(n) = tier.instances {
                let most = tier.autoscale.map_or(n, |a| a.max.max(n));
                if n == 0 || most > MAX_INSTANCES || u64::from(most) * u64::from(tier.workers) > MAX_TIER_WORKERS {
                    return Err(format!(
                        "tier {}: instances must be from 1 to {MAX_INSTANCES}, with at most {MAX_TIER_WORKERS} workers in all",
                        tier.name
                    ));
                }
            }
        }
        for iv in &self.interventions {
            match iv.action {
                Action::SetInstances { tier, instances } | Action::FailInstances { tier, instances } => {
                    let Some(t) = self.tiers.get(tier) else {
                        return Err("an intervention names an unknown tier".into());
                    };
                    if t.instances.is_none()
                        || instances > MAX_INSTANCES
                        || u64::from(instances) * u64::from(t.workers) > MAX_TIER_WORKERS
                    {
                        return Err(format!(
                            "tier {}: instance interventions need a tier with instances, and at most {MAX_INSTANCES} instances",
                            t.name
                        ));
                    }
                }
                Action::SetWorkers { tier, .. } if self.tiers.get(tier).is_none_or(|t| t.instances.is_some()) => {
                    return Err("set_workers needs a tier without instances".into());
                }
                _ => {}
            }
        }
        for c in &self.categories {
            if c.applications_each == 0 || c.applications_each > MAX_APPLICATIONS_EACH {
                return Err(format!(
                    "category {}: applications_each must be from 1 to {MAX_APPLICATIONS_EACH}",
                    c.name
                ));
            }
            if c.applications_each > 1 && !self.journey.iter().any(|s| s.per_application) {
                return Err(format!(
                    "category {}: files {} applications per person but no step is marked per_application",
                    c.name, c.applications_each
                ));
            }
            let arriving: u64 = c.arrivals.iter().map(ArrivalPart::people).sum();
            if arriving > c.size {
                return Err(format!(
                    "category {}: its crowd, curve and waves bring {arriving} applicants of its {}",
                    c.name, c.size
                ));
            }
            if c.behaviour.tabs == 0 || c.behaviour.tabs > MAX_TABS || c.behaviour.max_visits == 0 {
                return Err(format!("category {}: tabs must be from 1 to {MAX_TABS} and max_visits >= 1", c.name));
            }
        }
        if self.max_applicants() > u64::from(u32::MAX - 1) {
            return Err(format!("{} applicants exceed the limit of {}", self.max_applicants(), u32::MAX - 1));
        }
        for source in &self.hostile {
            if let HostileTarget::Tier(t) = source.target
                && (t >= self.tiers.len() || source.work.is_none())
            {
                return Err(format!("hostile source {}: a tier target needs a known tier and `work`", source.name));
            }
            if !(source.takes_items >= 0.0 && source.takes_items <= MAX_ITEMS_PER_REQUEST) {
                return Err(format!(
                    "hostile source {}: takes_items must be from 0 to {MAX_ITEMS_PER_REQUEST}",
                    source.name
                ));
            }
        }
        if self.hostile.len() > 255 || self.filters.len() > 64 {
            return Err("at most 255 hostile sources and 64 edge filters".into());
        }
        for f in &self.filters {
            if !(0.0..=1.0).contains(&f.blocks_hostile) || !(0.0..=1.0).contains(&f.blocks_people) {
                return Err(format!("edge filter {}: blocked shares must be from 0 to 1", f.name));
            }
        }
        if self.stock.is_some_and(|s| s.per_application == 0) {
            return Err("a stock needs at least 1 item per application".into());
        }
        for iv in &self.interventions {
            if let Action::Filter { filter, .. } = iv.action
                && filter >= self.filters.len()
            {
                return Err(format!("intervention {}: no such edge filter", iv.label));
            }
        }
        if self.interventions.windows(2).any(|w| w[1].at < w[0].at) {
            return Err("interventions must be in time order".into());
        }
        if self.milestones.len() > MAX_MILESTONES
            || self.milestones.iter().any(|m| !(1..=MAX_MILESTONE).contains(m))
            || self.milestones.windows(2).any(|w| w[1] <= w[0])
        {
            return Err(format!(
                "milestones must be at most {MAX_MILESTONES} counts from 1 to {MAX_MILESTONE}, strictly increasing"
            ));
        }
        Ok(())
    }
}

/// Scope name of the portal-wide figures in estimates and summaries.
pub const PORTAL_SCOPE: &str = "portal";

/// Runs replications `0..replications` of `day` in parallel, in
/// replication order whatever the thread count.
pub fn run_replications(
    day: &LaunchDay,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<LaunchResult>, LaunchError> {
    crate::experiment::replicate(seed, replications, on_done, |streams| simulate(day, streams))
}

/// Means and 95% confidence intervals of every summary metric.
pub fn estimate(results: &[LaunchResult]) -> Vec<crate::experiment::Estimate> {
    let Some(first) = results.first() else { return Vec::new() };
    first
        .summary
        .metrics
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            crate::experiment::Estimate::from_values(
                PORTAL_SCOPE,
                name.clone(),
                results.iter().map(|r| r.summary.metrics[i].1),
            )
        })
        .collect()
}
