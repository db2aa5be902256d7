//! The contact center: the phone line and the social inbox that receive
//! the people a failing portal leaves behind.
//!
//! ```text
//!  baseline over the day ─┐
//!  notification waves ────┼─> phone: trunk lines ─busy─> redial later / give up
//!  web-model failures ────┘          │
//!   (ContactDemand)                  v
//!                                  [IVR] ─settled─> done
//!                                    │
//!                                    v
//!                      queue by priority ─hang up─> redial later / give up
//!                        │        └─long queue─> callback, made when agents are free
//!                        v
//!                agents on shift ─> answered (within target or not)
//!
//!  same demand kinds ──> social: inbox ─> responders on shift ─> replied
//!                          │  unanswered public posts draw more posts
//!                          └─ fake / repeat profiles: handled, never satisfied
//! ```
//!
//! Life cycle, as for the other models:
//!
//! 1. build a [`ContactCenter`] (from a scenario's `[contact]` section, or
//!    in code) and [`ContactCenter::check`] it;
//! 2. for each replication, call [`simulate`] with that replication's
//!    [`RngStreams`] and, when a web model ran first, the contacts it
//!    generated ([`ContactDemand`]);
//! 3. hand the [`ContactResult`]s to [`estimate`] for confidence intervals
//!    and to `export::contact` for CSV.
//!
//! The two channels are independent systems (different people, different
//! staff), so each replication runs them one after the other, each with its
//! own event loop and random streams keyed `phone…` and `social…`. Staff
//! numbers over time are a [`StaffSchedule`], built from a constant, a
//! count per interval, shifts with breaks, or a staffing plan.

mod demand;
mod intake;
mod phone;
mod results;
mod schedule;
mod social;

pub use demand::{ContactDemand, DemandKind, DemandSource, ExternalIntake, NotificationWave};
pub use results::{
    ContactResult, PhoneInterval, PhoneResult, PhoneSummary, PhoneTotals, ReasonSummary, SocialInterval, SocialResult,
    SocialSummary, SocialTotals,
};
pub use schedule::{Break, Repeat, Shift, StaffChange, StaffSchedule, WorkingCalendar, WorkingClock};

use crate::dist::TimeDistribution;
use crate::engine::{RngStreams, RunLength};
use crate::experiment::Estimate;
use crate::network::MAX_PRIORITY_LEVELS;
use crate::units::{PerSecond, Seconds};

/// Scope name of the phone channel's figures.
pub const PHONE_SCOPE: &str = "phone";
/// Scope name of the social channel's figures.
pub const SOCIAL_SCOPE: &str = "social";

/// A contact center ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactCenter {
    /// How long to run and how to slice the observations.
    pub run: RunLength,
    /// Working days and hours, for response targets in working time and
    /// shifts worked on working days.
    pub calendar: WorkingCalendar,
    /// The phone line, if modelled.
    pub phone: Option<PhoneChannel>,
    /// The social inbox, if modelled.
    pub social: Option<SocialChannel>,
    /// Refuse to go on when more contacts than this are in one channel at
    /// once: a runaway model would otherwise grow until memory runs out.
    pub max_in_system: u32,
}

/// Why people contact: a reason has a priority class and may take longer
/// or shorter to handle than the channel's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// Name used in output.
    pub name: String,
    /// Priority class: 0 is answered first, first come first served within
    /// a class.
    pub priority: u8,
    /// Handle time of this reason's contacts; `None`: the channel's.
    pub handle_time: Option<TimeDistribution>,
}

impl Reason {
    /// The reason of a channel that does not distinguish reasons.
    pub fn general() -> Reason {
        Reason { name: "general".into(), priority: 0, handle_time: None }
    }
}

/// The phone line.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneChannel {
    /// Trunk lines: calls in the IVR, waiting or talking each hold one;
    /// an attempt that finds all taken gets a busy signal. `None`:
    /// unlimited.
    pub lines: Option<u32>,
    /// Opening hours, `(from, to)` in seconds after midnight, on the
    /// calendar's working days: an attempt at any other time hears a
    /// "closed, call back later" message and may redial as after a busy
    /// signal. `None`: always open.
    pub open_hours: Option<(Seconds, Seconds)>,
    /// An IVR step before the agents.
    pub ivr: Option<Ivr>,
    /// Agents on shift over time.
    pub agents: StaffSchedule,
    /// Handle time (talk plus wrap-up) of one call.
    pub handle_time: TimeDistribution,
    /// How long a caller waits for an agent before hanging up; `None`:
    /// forever.
    pub patience: Option<TimeDistribution>,
    /// Answer target of the service level, in seconds (the 20 of "80/20").
    pub answer_target: Seconds,
    /// Redialling after a busy signal or a hang-up; `None`: nobody redials.
    pub redial: Option<Redial>,
    /// Callback offers to callers who find a long queue.
    pub callback: Option<CallbackOffer>,
    /// Contact reasons; at least one.
    pub reasons: Vec<Reason>,
    /// Where calls come from.
    pub demand: Vec<DemandSource>,
    /// How calls generated by a web model enter.
    pub external: ExternalIntake,
}

/// An IVR (recorded menu) every call passes through first, holding its
/// line meanwhile.
#[derive(Debug, Clone, PartialEq)]
pub struct Ivr {
    /// Time in the IVR.
    pub time: TimeDistribution,
    /// Share of calls the IVR settles (self-service, recorded answer), in
    /// [0, 1].
    pub resolved_share: f64,
}

/// Callers try again.
#[derive(Debug, Clone, PartialEq)]
pub struct Redial {
    /// Probability of redialling after a busy signal, in [0, 1].
    pub after_busy: f64,
    /// Probability of redialling after hanging up in the queue, in [0, 1].
    pub after_abandon: f64,
    /// Time until the redial.
    pub delay: TimeDistribution,
    /// Most attempts a caller makes, the first included (>= 1).
    pub max_attempts: u32,
}

/// A callback offered to callers who would otherwise wait in a long queue.
/// Callbacks are made when an agent is free and nobody is waiting; the
/// caller's line is freed at once.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackOffer {
    /// Offered when at least this many callers are already waiting.
    pub queue_at_least: u32,
    /// Probability that a caller accepts, in [0, 1].
    pub accept_share: f64,
}

/// The social inbox: posts on a public page and private messages.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialChannel {
    /// Responders on shift over time.
    pub responders: StaffSchedule,
    /// Time to write one reply at the normal pace.
    pub handle_time: TimeDistribution,
    /// Response target, in working seconds (see [`ContactCenter::calendar`]).
    pub response_target: Seconds,
    /// Share of new contacts that are public posts (the rest are private
    /// messages), in [0, 1].
    pub public_share: f64,
    /// Unanswered public posts draw further posts.
    pub attraction: Option<Attraction>,
    /// Share of contacts from fake or repeat profiles, in [0, 1]: answering
    /// them takes the same time and satisfies nobody.
    pub fake_share: f64,
    /// Which waiting contact a free responder takes.
    pub order: InboxOrder,
    /// Hurried replies under strain.
    pub strain: Option<Strain>,
    /// Contact reasons; at least one.
    pub reasons: Vec<Reason>,
    /// Where contacts come from.
    pub demand: Vec<DemandSource>,
    /// How contacts generated by a web model enter.
    pub external: ExternalIntake,
}

/// Each unanswered public post draws posts from other people at `rate`,
/// for at most `window` after it was written (a post sinks out of sight).
#[derive(Debug, Clone, PartialEq)]
pub struct Attraction {
    /// Posts drawn per second per unanswered public post.
    pub rate: PerSecond,
    /// How long after its own arrival a post keeps drawing others; `None`:
    /// until answered.
    pub window: Option<Seconds>,
}

/// The order in which responders take waiting contacts (within a priority
/// class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxOrder {
    /// First come, first answered.
    OldestFirst,
    /// The newest first, as a feed shows them.
    NewestFirst,
}

/// When the backlog per responder on shift exceeds `backlog_per_responder`,
/// replies take `handle_factor` times their normal time and are counted as
/// hurried: what turns a slow channel into a curt one.
#[derive(Debug, Clone, PartialEq)]
pub struct Strain {
    /// Unanswered contacts per responder above which replies are hurried.
    pub backlog_per_responder: f64,
    /// Handle-time multiplier of a hurried reply, in (0, 1].
    pub handle_factor: f64,
}

/// Why a contact center could not be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ContactError {
    /// The center does not satisfy [`ContactCenter::check`].
    #[error("invalid contact center: {0}")]
    InvalidCenter(String),
    /// The external demand cannot be laid on the time axis.
    #[error("{0}")]
    InvalidDemand(String),
    /// More contacts were in one channel than the limit allows: the model
    /// is almost surely a runaway (contacts pile up faster than they are
    /// answered without end), and going on would exhaust memory.
    #[error(
        "replication {replication}: more than {limit} contacts in the {channel} channel at t = {time:.0} s; \
         the model looks like a runaway. Add staff, or raise max_in_system"
    )]
    TooManyInSystem {
        /// Replication index.
        replication: u64,
        /// `phone` or `social`.
        channel: &'static str,
        /// The limit.
        limit: u32,
        /// Simulated time when it was reached.
        time: Seconds,
    },
    /// The replication needed more events than [`simulate_with_budget`]
    /// allowed; what it had observed so far is discarded, since a day cut
    /// short would read as a quiet one.
    #[error("replication {replication}: stopped after {events} events, the most one replication may handle here")]
    EventBudget {
        /// Replication index.
        replication: u64,
        /// Events handled before stopping (the budget).
        events: u64,
    },
}

fn probability(what: &str, p: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&p) { Ok(()) } else { Err(format!("{what} must be a probability in [0, 1] (got {p})")) }
}

fn check_reasons(
    channel: &str,
    reasons: &[Reason],
    demand: &[DemandSource],
    external: &ExternalIntake,
) -> Result<(), String> {
    if reasons.is_empty() || reasons.len() > usize::from(u16::MAX) {
        return Err(format!("{channel}: needs between 1 and 65535 reasons"));
    }
    if let Some(r) = reasons.iter().find(|r| usize::from(r.priority) >= MAX_PRIORITY_LEVELS) {
        return Err(format!(
            "{channel}: reason {} has priority {}; allowed 0 to {}",
            r.name,
            r.priority,
            MAX_PRIORITY_LEVELS - 1
        ));
    }
    if demand.len() > usize::from(u16::MAX) {
        return Err(format!("{channel}: at most 65535 demand sources"));
    }
    for source in demand {
        if source.reason >= reasons.len() {
            return Err(format!("{channel}: demand {} refers to unknown reason index {}", source.name, source.reason));
        }
        if let DemandKind::Wave(wave) = &source.kind {
            probability(&format!("{channel}: demand {} react share", source.name), wave.react_share)?;
        }
    }
    if external.reason >= reasons.len() {
        return Err(format!("{channel}: external contacts refer to unknown reason index {}", external.reason));
    }
    Ok(())
}

fn check_schedule(what: &str, schedule: &StaffSchedule) -> Result<(), String> {
    let ordered = schedule.changes.windows(2).all(|w| w[1].at > w[0].at);
    if !ordered || schedule.changes.iter().any(|c| c.at.is_nan() || c.at < 0.0) {
        return Err(format!("{what} schedule must be in increasing time order from 0"));
    }
    Ok(())
}

impl ContactCenter {
    /// Checks the invariants the simulation relies on, so that a center
    /// built in code gets an error rather than a panic. Scenario files get
    /// a richer check, with file and line, in [`crate::scenario`].
    pub fn check(&self) -> Result<(), String> {
        self.run.check()?;
        if self.phone.is_none() && self.social.is_none() {
            return Err("a contact center needs a phone or a social channel".into());
        }
        if self.max_in_system == 0 {
            return Err("max_in_system must be >= 1".into());
        }
        let cal = &self.calendar;
        if !(0.0 <= cal.day_start && cal.day_start < cal.day_end && cal.day_end <= 86_400.0) {
            return Err("working hours must start before they end, within the day".into());
        }
        if let Some(phone) = &self.phone {
            check_reasons("phone", &phone.reasons, &phone.demand, &phone.external)?;
            check_schedule("phone: agents", &phone.agents)?;
            if phone.lines == Some(0) {
                return Err("phone: lines must be >= 1".into());
            }
            if let Some((from, to)) = phone.open_hours
                && !(0.0 <= from && from < to && to <= 86_400.0)
            {
                return Err("phone: opening hours must start before they end, within the day".into());
            }
            if !(phone.answer_target >= 0.0 && phone.answer_target.is_finite()) {
                return Err(format!("phone: answer target must be >= 0 s (got {})", phone.answer_target));
            }
            if let Some(ivr) = &phone.ivr {
                probability("phone: IVR resolved share", ivr.resolved_share)?;
            }
            if let Some(redial) = &phone.redial {
                probability("phone: redial after busy", redial.after_busy)?;
                probability("phone: redial after abandon", redial.after_abandon)?;
                if redial.max_attempts == 0 {
                    return Err("phone: max attempts must be >= 1".into());
                }
            }
            if let Some(callback) = &phone.callback {
                probability("phone: callback accept share", callback.accept_share)?;
            }
        }
        if let Some(social) = &self.social {
            check_reasons("social", &social.reasons, &social.demand, &social.external)?;
            check_schedule("social: responders", &social.responders)?;
            probability("social: public share", social.public_share)?;
            probability("social: fake share", social.fake_share)?;
            if !(social.response_target >= 0.0 && social.response_target.is_finite()) {
                return Err(format!("social: response target must be >= 0 s (got {})", social.response_target));
            }
            if let Some(a) = &social.attraction
                && !(a.rate > 0.0 && a.rate.is_finite() && a.window.is_none_or(|w| w > 0.0))
            {
                return Err("social: attraction needs a rate > 0 and a window > 0".into());
            }
            if let Some(s) = &social.strain
                && !(s.backlog_per_responder >= 0.0 && s.handle_factor > 0.0 && s.handle_factor <= 1.0)
            {
                return Err("social: strain needs a threshold >= 0 and a handle factor in (0, 1]".into());
            }
        }
        Ok(())
    }

    /// Expected contacts per replication from the center's own demand (the
    /// web model's contacts and the posts that posts draw come on top).
    pub fn expected_contacts(&self) -> f64 {
        let horizon = self.run.duration;
        let phone = self.phone.iter().flat_map(|p| &p.demand);
        let social = self.social.iter().flat_map(|s| &s.demand);
        phone.chain(social).map(|s| s.expected_count(horizon)).sum()
    }
}

/// The counts of one channel in an optional external demand.
fn demand_counts(external: Option<&ContactDemand>, pick: fn(&ContactDemand) -> &Vec<u32>) -> &[u32] {
    external.map_or(&[], |d| pick(d).as_slice())
}

/// Runs one replication of `center`, with the contacts a web model
/// generated in this replication if there was one.
///
/// The result depends only on `center`, `external` and `streams`: the same
/// triple gives the same result on any thread, in any order.
pub fn simulate(
    center: &ContactCenter,
    external: Option<&ContactDemand>,
    streams: &RngStreams,
) -> Result<ContactResult, ContactError> {
    simulate_with_budget(center, external, streams, u64::MAX)
}

/// [`simulate`], stopping with [`ContactError::EventBudget`] instead of
/// handling more than `max_events` events in the two channels together: a
/// caller that must answer quickly (a harness, an interactive page) can give
/// up on a day that would take too long without killing the process. A
/// channel with more interval ends than its budget (work without events)
/// is refused before it starts. Within the budget the result is exactly
/// the one `simulate` returns.
pub fn simulate_with_budget(
    center: &ContactCenter,
    external: Option<&ContactDemand>,
    streams: &RngStreams,
    max_events: u64,
) -> Result<ContactResult, ContactError> {
    center.check().map_err(ContactError::InvalidCenter)?;
    if let Some(demand) = external {
        demand.check().map_err(ContactError::InvalidDemand)?;
    }
    let mut events = 0;
    let phone = match &center.phone {
        Some(spec) => {
            let (result, handled) = phone::simulate(center, spec, external, streams, max_events)?;
            events += handled;
            Some(result)
        }
        None => None,
    };
    let social = match &center.social {
        Some(spec) => {
            // The social loop gets what the phone loop left, and a stop
            // reports the budget of the whole replication.
            let (result, handled) =
                social::simulate(center, spec, external, streams, max_events - events).map_err(|e| match e {
                    ContactError::EventBudget { replication, .. } => {
                        ContactError::EventBudget { replication, events: max_events }
                    }
                    e => e,
                })?;
            events += handled;
            Some(result)
        }
        None => None,
    };
    Ok(ContactResult { replication: streams.replication(), phone, social, events })
}

/// Runs replications `0..replications` of `center` in parallel, in the
/// current rayon pool. Replication `r` draws from `RngStreams::new(seed, r)`
/// and receives `external(r)` (the web model's contacts of that
/// replication, or `None`); results come back in replication order, so the
/// output does not depend on the number of threads.
///
/// `on_done` is called once per finished replication, for progress.
pub fn run_replications(
    center: &ContactCenter,
    external: impl Fn(u64) -> Option<ContactDemand> + Sync,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<ContactResult>, ContactError> {
    crate::experiment::replicate(seed, replications, on_done, |streams| {
        simulate(center, external(streams.replication()).as_ref(), streams)
    })
}

/// Means and confidence intervals of every summary metric: scope `phone`
/// and `social`, and `phone:<reason>` / `social:<reason>` when a channel
/// distinguishes more than one reason.
pub fn estimate(results: &[ContactResult]) -> Vec<Estimate> {
    let Some(first) = results.first() else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(phone) = &first.phone {
        let rows: Vec<[f64; 27]> =
            results.iter().filter_map(|r| r.phone.as_ref()).map(|p| p.summary.values()).collect();
        for (m, metric) in PhoneSummary::METRICS.iter().enumerate() {
            out.push(Estimate::from_values(PHONE_SCOPE, *metric, rows.iter().map(|v| v[m])));
        }
        reason_estimates(&mut out, PHONE_SCOPE, &phone.reasons, results, |r| r.phone.as_ref().map(|p| &p.reasons));
    }
    if let Some(social) = &first.social {
        let rows: Vec<[f64; 22]> =
            results.iter().filter_map(|r| r.social.as_ref()).map(|s| s.summary.values()).collect();
        for (m, metric) in SocialSummary::METRICS.iter().enumerate() {
            out.push(Estimate::from_values(SOCIAL_SCOPE, *metric, rows.iter().map(|v| v[m])));
        }
        reason_estimates(&mut out, SOCIAL_SCOPE, &social.reasons, results, |r| r.social.as_ref().map(|s| &s.reasons));
    }
    out
}

fn reason_estimates(
    out: &mut Vec<Estimate>,
    channel: &str,
    reasons: &[ReasonSummary],
    results: &[ContactResult],
    pick: fn(&ContactResult) -> Option<&Vec<ReasonSummary>>,
) {
    if reasons.len() < 2 {
        return;
    }
    for (i, reason) in reasons.iter().enumerate() {
        let rows: Vec<[f64; 4]> = results.iter().filter_map(|r| pick(r).map(|v| v[i].values())).collect();
        for (m, metric) in ReasonSummary::METRICS.iter().enumerate() {
            out.push(Estimate::from_values(format!("{channel}:{}", reason.name), *metric, rows.iter().map(|v| v[m])));
        }
    }
}
