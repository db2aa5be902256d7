//! What one replication of the contact center observed.

use crate::stats::ratio;
use crate::units::Seconds;

/// One interval of the phone channel. Counts are of events in the
/// interval; `NaN` marks a figure with nothing to measure (written as an
/// empty cell).
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneInterval {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Interval start, in seconds since the run start.
    pub start: Seconds,
    /// Interval end, in seconds.
    pub end: Seconds,
    /// Call attempts: first attempts plus redials.
    pub offered: u64,
    /// First attempts: new callers.
    pub first_attempts: u64,
    /// Attempts by callers who had tried before.
    pub redials: u64,
    /// Attempts that found every trunk line taken.
    pub busy_signals: u64,
    /// Attempts outside opening hours.
    pub closed: u64,
    /// Calls the IVR settled without an agent.
    pub ivr_resolved: u64,
    /// Calls an agent picked up.
    pub answered: u64,
    /// Calls picked up within the answer target.
    pub answered_within_target: u64,
    /// Callers who hung up while waiting.
    pub abandoned: u64,
    /// Callers who stopped trying without ever being answered.
    pub gave_up: u64,
    /// Callers offered a callback.
    pub callbacks_offered: u64,
    /// Callers who accepted it and hung up to wait for the call.
    pub callbacks_accepted: u64,
    /// Callbacks an agent made.
    pub callbacks_made: u64,
    /// Answered within the target over calls that left the queue
    /// (answered or abandoned).
    pub service_level: f64,
    /// Average speed of answer: mean wait of the calls answered, in seconds.
    pub asa: Seconds,
    /// 90th percentile wait of the calls answered, in seconds.
    pub wait_p90: Seconds,
    /// Time-average callers waiting.
    pub queue_mean: f64,
    /// Time-average agents on duty: those scheduled, or more while agents
    /// whose shift has ended finish their calls.
    pub agents_mean: f64,
    /// Time-average agents talking.
    pub busy_mean: f64,
    /// Busy agent time over agent time on duty.
    pub occupancy: f64,
    /// Time-average trunk lines in use.
    pub lines_mean: f64,
}

/// The phone channel over the observation window (after warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneSummary {
    /// New callers (first attempts).
    pub callers: u64,
    /// Call attempts.
    pub offered: u64,
    /// Redials.
    pub redials: u64,
    /// Busy signals.
    pub busy_signals: u64,
    /// Attempts outside opening hours.
    pub closed: u64,
    /// Calls settled by the IVR.
    pub ivr_resolved: u64,
    /// Calls answered by an agent.
    pub answered: u64,
    /// Calls answered within the target.
    pub answered_within_target: u64,
    /// Callers who hung up while waiting.
    pub abandoned: u64,
    /// Callers who stopped trying without ever being answered.
    pub never_answered: u64,
    /// Callbacks offered.
    pub callbacks_offered: u64,
    /// Callbacks accepted.
    pub callbacks_accepted: u64,
    /// Callbacks made.
    pub callbacks_made: u64,
    /// Mean time from accepting a callback to receiving it, in seconds.
    pub callback_wait_mean: Seconds,
    /// Mean wait of the calls answered, in seconds.
    pub asa: Seconds,
    /// Percentiles (p50, p90) of the waits of calls answered, in seconds.
    pub wait_quantiles: [Seconds; 2],
    /// Longest wait of a call answered, in seconds.
    pub wait_max: Seconds,
    /// Time-average callers waiting.
    pub queue_mean: f64,
    /// Most callers waiting at once.
    pub queue_peak: u64,
    /// Time-average agents on duty (see [`PhoneInterval::agents_mean`]).
    pub agents_mean: f64,
    /// Agent-hours on duty.
    pub agent_hours: f64,
    /// Agent-hours spent talking.
    pub talk_hours: f64,
    /// Lowest interval service level among intervals after warm-up with at
    /// least one call leaving the queue.
    pub worst_interval_service_level: f64,
}

impl PhoneSummary {
    /// Metric names, with units, in export order.
    pub const METRICS: [&'static str; 27] = [
        "callers",
        "offered",
        "redials",
        "busy_signals",
        "p_busy",
        "closed",
        "ivr_resolved",
        "answered",
        "abandoned",
        "p_abandon",
        "service_level",
        "worst_interval_service_level",
        "asa_s",
        "wait_p50_s",
        "wait_p90_s",
        "wait_max_s",
        "never_answered",
        "p_never_answered",
        "callbacks_offered",
        "callbacks_accepted",
        "callbacks_made",
        "callback_wait_mean_s",
        "queue_mean",
        "queue_peak",
        "agents_mean",
        "agent_hours",
        "occupancy",
    ];

    /// Metric values in the order of [`Self::METRICS`].
    pub fn values(&self) -> [f64; 27] {
        let left_queue = (self.answered + self.abandoned) as f64;
        [
            self.callers as f64,
            self.offered as f64,
            self.redials as f64,
            self.busy_signals as f64,
            ratio(self.busy_signals as f64, self.offered as f64),
            self.closed as f64,
            self.ivr_resolved as f64,
            self.answered as f64,
            self.abandoned as f64,
            ratio(self.abandoned as f64, left_queue),
            ratio(self.answered_within_target as f64, left_queue),
            self.worst_interval_service_level,
            self.asa,
            self.wait_quantiles[0],
            self.wait_quantiles[1],
            self.wait_max,
            self.never_answered as f64,
            ratio(self.never_answered as f64, self.callers as f64),
            self.callbacks_offered as f64,
            self.callbacks_accepted as f64,
            self.callbacks_made as f64,
            self.callback_wait_mean,
            self.queue_mean,
            self.queue_peak as f64,
            self.agents_mean,
            self.agent_hours,
            ratio(self.talk_hours, self.agent_hours),
        ]
    }

    /// The value of the metric called `name`, if there is one.
    pub fn metric(&self, name: &str) -> Option<f64> {
        Self::METRICS.iter().position(|m| *m == name).map(|i| self.values()[i])
    }
}

/// Whole-run caller counts, warm-up included: the books that must balance.
/// Every new caller ends answered, settled by the IVR, called back, given
/// up, or still in the system when the run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneTotals {
    /// New callers.
    pub callers: u64,
    /// Call attempts.
    pub attempts: u64,
    /// Callers answered by an agent.
    pub answered: u64,
    /// Callers settled by the IVR.
    pub ivr_resolved: u64,
    /// Callers called back.
    pub called_back: u64,
    /// Callers who stopped trying.
    pub gave_up: u64,
    /// Callers in the IVR, waiting, between attempts or awaiting a callback
    /// at the end.
    pub pending_at_end: u64,
}

/// Figures for one contact reason of a channel, after warm-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonSummary {
    /// Reason name.
    pub name: String,
    /// Contacts received (phone: call attempts).
    pub offered: u64,
    /// Contacts answered.
    pub answered: u64,
    /// Calls abandoned (always 0 for social contacts).
    pub abandoned: u64,
    /// Answered within the target over those whose outcome is known.
    pub service_level: f64,
}

impl ReasonSummary {
    /// Metric names, in export order.
    pub const METRICS: [&'static str; 4] = ["offered", "answered", "abandoned", "service_level"];

    /// Metric values in the order of [`Self::METRICS`].
    pub fn values(&self) -> [f64; 4] {
        [self.offered as f64, self.answered as f64, self.abandoned as f64, self.service_level]
    }
}

/// What one replication of the phone channel observed.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneResult {
    /// Time series, interval by interval.
    pub intervals: Vec<PhoneInterval>,
    /// Figures over the observation window.
    pub summary: PhoneSummary,
    /// Per-reason figures (one entry per reason of the channel).
    pub reasons: Vec<ReasonSummary>,
    /// Whole-run counts.
    pub totals: PhoneTotals,
}

/// One interval of the social channel.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialInterval {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Interval start, in seconds.
    pub start: Seconds,
    /// Interval end, in seconds.
    pub end: Seconds,
    /// Posts and messages received.
    pub received: u64,
    /// Of which public posts.
    pub public: u64,
    /// Of which posts attracted by unanswered public posts.
    pub attracted: u64,
    /// Of which from fake or repeat profiles.
    pub fake: u64,
    /// Replies posted.
    pub answered: u64,
    /// Of which written in a hurry: the backlog per responder was above
    /// the strain threshold when the reply was started.
    pub hurried: u64,
    /// Unanswered contacts at the end of the interval.
    pub backlog_end: u64,
    /// Time-average unanswered contacts.
    pub backlog_mean: f64,
    /// Time-average responders on duty: those scheduled, or more while
    /// some finish a reply after their shift.
    pub responders_mean: f64,
    /// Unanswered contacts per responder on duty: the backlog integrated
    /// over the time someone was on duty, divided by responder time on
    /// duty (so half an hour with one person facing 900 contacts reads
    /// 900). Empty when nobody was on duty.
    pub backlog_per_responder: f64,
    /// Busy responder time over responder time on duty.
    pub occupancy: f64,
    /// Median time from contact to reply of the replies posted, in seconds.
    pub response_p50: Seconds,
    /// 90th percentile of the same, in seconds.
    pub response_p90: Seconds,
    /// Of the genuine contacts received in this interval whose outcome is
    /// known by the end of the run, the share answered within the target
    /// (in working time).
    pub within_target_share: f64,
    /// Contacts received in this interval still unanswered at the end.
    pub unanswered_at_end: u64,
}

/// The social channel over the observation window (after warm-up).
#[derive(Debug, Clone, PartialEq)]
pub struct SocialSummary {
    /// Contacts received.
    pub received: u64,
    /// Public posts received.
    pub public: u64,
    /// Posts attracted by unanswered public posts.
    pub attracted: u64,
    /// Contacts from fake or repeat profiles.
    pub fake: u64,
    /// Replies posted.
    pub answered: u64,
    /// Replies to fake or repeat profiles.
    pub answered_fake: u64,
    /// Replies written in a hurry.
    pub hurried: u64,
    /// Genuine contacts answered within the target.
    pub within_target: u64,
    /// Genuine contacts answered late or past the target unanswered.
    pub late: u64,
    /// Mean response time of the replies, in seconds.
    pub response_mean: Seconds,
    /// Response time percentiles (p50, p90), in seconds.
    pub response_quantiles: [Seconds; 2],
    /// Longest response time, in seconds.
    pub response_max: Seconds,
    /// Contacts still unanswered at the end of the run.
    pub unanswered_at_end: u64,
    /// Most contacts unanswered at once.
    pub backlog_peak: u64,
    /// Time-average unanswered contacts.
    pub backlog_mean: f64,
    /// Highest interval backlog per responder after warm-up.
    pub backlog_per_responder_peak: f64,
    /// Responder-hours on duty.
    pub responder_hours: f64,
    /// Responder-hours spent writing replies.
    pub busy_hours: f64,
    /// Responder-hours the contacts received would take to answer at the
    /// normal pace (the work that arrived).
    pub hours_needed: f64,
}

impl SocialSummary {
    /// Metric names, with units, in export order.
    pub const METRICS: [&'static str; 22] = [
        "received",
        "public_posts",
        "attracted_posts",
        "fake",
        "answered",
        "answered_fake",
        "hurried",
        "p_hurried",
        "within_target_share",
        "response_mean_s",
        "response_p50_s",
        "response_p90_s",
        "response_max_s",
        "unanswered_at_end",
        "p_unanswered_at_end",
        "backlog_peak",
        "backlog_mean",
        "backlog_per_responder_peak",
        "responder_hours",
        "responder_hours_needed",
        "occupancy",
        "busy_hours",
    ];

    /// Metric values in the order of [`Self::METRICS`].
    pub fn values(&self) -> [f64; 22] {
        [
            self.received as f64,
            self.public as f64,
            self.attracted as f64,
            self.fake as f64,
            self.answered as f64,
            self.answered_fake as f64,
            self.hurried as f64,
            ratio(self.hurried as f64, self.answered as f64),
            ratio(self.within_target as f64, (self.within_target + self.late) as f64),
            self.response_mean,
            self.response_quantiles[0],
            self.response_quantiles[1],
            self.response_max,
            self.unanswered_at_end as f64,
            ratio(self.unanswered_at_end as f64, self.received as f64),
            self.backlog_peak as f64,
            self.backlog_mean,
            self.backlog_per_responder_peak,
            self.responder_hours,
            self.hours_needed,
            ratio(self.busy_hours, self.responder_hours),
            self.busy_hours,
        ]
    }

    /// The value of the metric called `name`, if there is one.
    pub fn metric(&self, name: &str) -> Option<f64> {
        Self::METRICS.iter().position(|m| *m == name).map(|i| self.values()[i])
    }
}

/// Whole-run counts of the social channel: received = answered + unanswered
/// at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocialTotals {
    /// Contacts received.
    pub received: u64,
    /// Replies posted.
    pub answered: u64,
    /// Contacts unanswered at the end (waiting or being answered).
    pub unanswered_at_end: u64,
}

/// What one replication of the social channel observed.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialResult {
    /// Time series, interval by interval.
    pub intervals: Vec<SocialInterval>,
    /// Figures over the observation window.
    pub summary: SocialSummary,
    /// Per-reason figures.
    pub reasons: Vec<ReasonSummary>,
    /// Whole-run counts.
    pub totals: SocialTotals,
}

/// Everything one replication of a contact center observed.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactResult {
    /// Replication index.
    pub replication: u64,
    /// The phone channel, if the center has one.
    pub phone: Option<PhoneResult>,
    /// The social channel, if the center has one.
    pub social: Option<SocialResult>,
    /// Events handled in both channels.
    pub events: u64,
}

/// A share that cannot exceed 1 by construction, with the rounding of a
/// ratio of areas removed; NaN (nothing to measure) stays NaN, where
/// `f64::min` would turn it into 1.
pub(crate) fn at_most_one(x: f64) -> f64 {
    if x > 1.0 { 1.0 } else { x }
}
