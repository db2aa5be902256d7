//! One replication of the phone channel: the event loop.
//!
//! A call attempt takes a trunk line (or gets a busy signal), may pass
//! through the IVR, then waits for an agent in its reason's priority class,
//! first come first served. A waiting caller hangs up when their patience
//! runs out; one who finds a long queue may accept a callback instead. A
//! caller who got a busy signal or hung up may redial after a delay.
//!
//! Each attempt draws its handle time, patience and IVR path when it is
//! made, from streams of their own, so the numbers a caller draws do not
//! depend on how many agents are on duty: two staffing plans run on the
//! same seed see the same callers (common random numbers).

use super::ContactError;
use super::intake::{External, Sources};
use super::results::{PhoneInterval, PhoneResult, PhoneSummary, PhoneTotals, ReasonSummary, at_most_one};
use super::{ContactCenter, ContactDemand, PhoneChannel, demand_counts};
use crate::engine::{
    EventQueue, Mark as ObservationMark, ObservationMarks, RngStreams, SimRng, Slab, StreamKey, StreamPurpose,
    WaitingLine,
};
use crate::stats::ratio;
use crate::stats::{LogHistogram, TimeWeighted};
use crate::units::Seconds;
use rand::RngExt;
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next arrival of demand source `source`.
    Source {
        source: u16,
    },
    /// Bin `bin` of the web model's demand opens.
    ExternalBin {
        bin: u32,
    },
    /// A contact from the web model's demand calls.
    External,
    /// A caller who tried before calls again.
    Redial {
        caller: u32,
    },
    IvrDone {
        caller: u32,
    },
    TalkDone {
        caller: u32,
    },
    Abandon {
        caller: u32,
        visit: u32,
    },
    /// The agents schedule reaches change `step`.
    Staff {
        step: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ivr,
    Waiting,
    Talking,
    /// Between a failed attempt and the redial.
    Away,
    CallbackPending,
    CallbackTalking,
}

/// A caller's record while they are in the system (waiting, talking, away
/// before a redial), in a [`Slab`] whose visit number moves on at every
/// queue entry, callback request and failed attempt, so stale abandonment
/// events and queue entries are recognised.
#[derive(Debug, Clone, Copy)]
struct Caller {
    /// When the caller joined the queue, or asked for a callback.
    since: Seconds,
    /// Handle time of the current attempt, in seconds.
    handle: Seconds,
    /// Patience of the current attempt, in seconds.
    patience: Seconds,
    attempts: u32,
    reason: u16,
    state: State,
    resolved_in_ivr: bool,
}

impl Caller {
    /// A caller about to make their first attempt.
    fn new(reason: u16) -> Caller {
        Caller {
            since: 0.0,
            handle: 0.0,
            patience: f64::INFINITY,
            attempts: 0,
            reason,
            state: State::Away,
            resolved_in_ivr: false,
        }
    }
}

/// Cumulative counts from time zero; windows are differences of snapshots.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    offered: u64,
    first_attempts: u64,
    redials: u64,
    busy_signals: u64,
    closed: u64,
    ivr_resolved: u64,
    answered: u64,
    within_target: u64,
    abandoned: u64,
    gave_up: u64,
    callbacks_offered: u64,
    callbacks_accepted: u64,
    callbacks_made: u64,
    callback_wait: f64,
}

impl Counts {
    fn since(&self, e: &Counts) -> Counts {
        Counts {
            offered: self.offered - e.offered,
            first_attempts: self.first_attempts - e.first_attempts,
            redials: self.redials - e.redials,
            busy_signals: self.busy_signals - e.busy_signals,
            closed: self.closed - e.closed,
            ivr_resolved: self.ivr_resolved - e.ivr_resolved,
            answered: self.answered - e.answered,
            within_target: self.within_target - e.within_target,
            abandoned: self.abandoned - e.abandoned,
            gave_up: self.gave_up - e.gave_up,
            callbacks_offered: self.callbacks_offered - e.callbacks_offered,
            callbacks_accepted: self.callbacks_accepted - e.callbacks_accepted,
            callbacks_made: self.callbacks_made - e.callbacks_made,
            callback_wait: self.callback_wait - e.callback_wait,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct ReasonCounts {
    offered: u64,
    answered: u64,
    within_target: u64,
    abandoned: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    time: Seconds,
    counts: Counts,
    queue_area: f64,
    busy_area: f64,
    agents_area: f64,
    lines_area: f64,
}

struct Rngs {
    service: SimRng,
    patience: SimRng,
    ivr: SimRng,
    redial: SimRng,
    callback: SimRng,
}

struct Phone<'a> {
    center: &'a ContactCenter,
    spec: &'a PhoneChannel,
    replication: u64,
    events: EventQueue<Event>,
    sources: Sources,
    external: External<'a>,
    rngs: Rngs,
    callers: Slab<Caller>,
    /// Callers waiting for an agent, as (slot, visit), one level per
    /// priority.
    line: WaitingLine<(u32, u32)>,
    callbacks: VecDeque<u32>,
    lines: u32,
    lines_in_use: u32,
    agents: u32,
    busy: u32,
    queue_peak: u32,
    counts: Counts,
    reasons: Vec<ReasonCounts>,
    warmup_reasons: Vec<ReasonCounts>,
    queue_tw: TimeWeighted,
    busy_tw: TimeWeighted,
    agents_tw: TimeWeighted,
    lines_tw: TimeWeighted,
    wait: LogHistogram,
    interval_wait: LogHistogram,
    warmup_mark: Mark,
    interval_mark: Mark,
    intervals: Vec<PhoneInterval>,
    handled: u64,
    max_events: u64,
    marks: ObservationMarks,
}

/// Runs one replication of the phone channel of `center`.
pub(super) fn simulate(
    center: &ContactCenter,
    spec: &PhoneChannel,
    external: Option<&ContactDemand>,
    streams: &RngStreams,
    max_events: u64,
) -> Result<(PhoneResult, u64), ContactError> {
    let mut sim = Phone::new(center, spec, external, streams);
    sim.max_events = max_events;
    // Interval ends are work without events.
    if sim.marks.intervals() > max_events {
        return Err(ContactError::EventBudget { replication: sim.replication, events: max_events });
    }
    sim.start();
    sim.run()?;
    Ok(sim.finish())
}

impl<'a> Phone<'a> {
    fn new(
        center: &'a ContactCenter,
        spec: &'a PhoneChannel,
        external: Option<&'a ContactDemand>,
        streams: &RngStreams,
    ) -> Phone<'a> {
        let key = |purpose, name: &str| streams.stream(StreamKey::new(purpose, name));
        let levels = spec.reasons.iter().map(|r| usize::from(r.priority) + 1).max().unwrap_or(1);
        let run = center.run;
        let marks = ObservationMarks::new(run);
        Phone {
            center,
            spec,
            replication: streams.replication(),
            events: EventQueue::with_capacity(1024),
            sources: Sources::new("phone", &spec.demand, streams),
            external: External::new("phone", demand_counts(external, |d| &d.phone), external, &spec.external, streams),
            rngs: Rngs {
                service: key(StreamPurpose::Service, "phone"),
                patience: key(StreamPurpose::Patience, "phone"),
                ivr: key(StreamPurpose::Service, "phone/ivr"),
                redial: key(StreamPurpose::Behaviour, "phone/redial"),
                callback: key(StreamPurpose::Behaviour, "phone/callback"),
            },
            callers: Slab::default(),
            line: WaitingLine::new(levels, 256),
            callbacks: VecDeque::new(),
            lines: spec.lines.unwrap_or(u32::MAX),
            lines_in_use: 0,
            agents: spec.agents.initial,
            busy: 0,
            queue_peak: 0,
            counts: Counts::default(),
            reasons: vec![ReasonCounts::default(); spec.reasons.len()],
            warmup_reasons: vec![ReasonCounts::default(); spec.reasons.len()],
            queue_tw: TimeWeighted::new(0.0, 0.0),
            busy_tw: TimeWeighted::new(0.0, 0.0),
            agents_tw: TimeWeighted::new(0.0, f64::from(spec.agents.initial)),
            lines_tw: TimeWeighted::new(0.0, 0.0),
            wait: LogHistogram::new(),
            interval_wait: LogHistogram::new(),
            warmup_mark: Mark::default(),
            interval_mark: Mark::default(),
            intervals: Vec::with_capacity(marks.intervals() as usize),
            handled: 0,
            max_events: u64::MAX,
            marks,
        }
    }

    fn start(&mut self) {
        let horizon = self.center.run.duration;
        for i in 0..self.sources.len() {
            if let Some(t) = self.sources.next(i, 0.0, horizon) {
                self.events.schedule(t, Event::Source { source: i as u16 });
            }
        }
        if let Some(t) = self.external.bin_start(0, horizon) {
            self.events.schedule(t, Event::ExternalBin { bin: 0 });
        }
        if let Some(change) = self.spec.agents.changes.first()
            && change.at < horizon
        {
            self.events.schedule(change.at, Event::Staff { step: 0 });
        }
    }

    /// The event loop; observation marks are taken before any event at the
    /// same instant, as in the network model.
    fn run(&mut self) -> Result<(), ContactError> {
        let run = self.center.run;
        loop {
            let next_time = self.events.peek_time().unwrap_or(f64::INFINITY);
            if let Some(mark) = self.marks.due(next_time) {
                match mark {
                    ObservationMark::WarmupEnd(at) => self.end_warmup(at),
                    ObservationMark::IntervalEnd { at, last } => {
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
                return Err(ContactError::EventBudget { replication: self.replication, events: self.handled });
            }
            self.handled += 1;
            let now = next.time;
            match next.event {
                Event::Source { source } => {
                    let s = usize::from(source);
                    let id = self.new_caller(self.sources.reasons[s])?;
                    self.attempt(id);
                    if let Some(t) = self.sources.next(s, now, run.duration) {
                        self.events.schedule(t, Event::Source { source });
                    }
                }
                Event::ExternalBin { bin } => {
                    let b = bin as usize;
                    let events = &mut self.events;
                    self.external.release(b, run.duration, |t| events.schedule(t, Event::External));
                    if let Some(t) = self.external.bin_start(b + 1, run.duration) {
                        self.events.schedule(t, Event::ExternalBin { bin: bin + 1 });
                    }
                }
                Event::External => {
                    let id = self.new_caller(self.external.reason)?;
                    self.attempt(id);
                }
                Event::Redial { caller } => self.attempt(caller),
                Event::IvrDone { caller } => self.ivr_done(caller),
                Event::TalkDone { caller } => self.talk_done(caller),
                Event::Abandon { caller, visit } => self.abandon(caller, visit),
                Event::Staff { step } => self.change_staff(step as usize),
            }
        }
    }

    fn new_caller(&mut self, reason: u16) -> Result<u32, ContactError> {
        if self.callers.len() >= self.center.max_in_system {
            return Err(ContactError::TooManyInSystem {
                replication: self.replication,
                channel: "phone",
                limit: self.center.max_in_system,
                time: self.events.now(),
            });
        }
        Ok(self.callers.insert(Caller::new(reason)))
    }

    /// One call attempt by `id`: draws its handle time, patience and IVR
    /// path, then takes a line or gets a busy signal.
    fn attempt(&mut self, id: u32) {
        let now = self.events.now();
        let spec = self.spec;
        let c = &mut self.callers[id];
        c.attempts += 1;
        let reason = usize::from(c.reason);
        let handle = spec.reasons[reason].handle_time.as_ref().unwrap_or(&spec.handle_time);
        c.handle = handle.sample(&mut self.rngs.service);
        c.patience = spec.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(&mut self.rngs.patience));
        let ivr_time = spec.ivr.as_ref().map(|ivr| {
            let time = ivr.time.sample(&mut self.rngs.ivr);
            let u: f64 = self.rngs.ivr.random();
            (time, u < ivr.resolved_share)
        });
        self.counts.offered += 1;
        self.reasons[reason].offered += 1;
        if c.attempts == 1 {
            self.counts.first_attempts += 1;
        } else {
            self.counts.redials += 1;
        }
        if !self.is_open(now) {
            self.counts.closed += 1;
            let p = self.spec.redial.as_ref().map_or(0.0, |r| r.after_busy);
            self.failed(id, p);
            return;
        }
        if self.lines_in_use >= self.lines {
            self.counts.busy_signals += 1;
            let p = self.spec.redial.as_ref().map_or(0.0, |r| r.after_busy);
            self.failed(id, p);
            return;
        }
        self.lines_in_use += 1;
        self.lines_tw.set(now, f64::from(self.lines_in_use));
        match ivr_time {
            Some((time, resolved)) => {
                let c = &mut self.callers[id];
                c.state = State::Ivr;
                c.resolved_in_ivr = resolved;
                self.events.schedule_in(time, Event::IvrDone { caller: id });
            }
            None => self.reach_agents(id),
        }
    }

    /// Whether the line takes calls at `now`.
    #[inline]
    fn is_open(&self, now: Seconds) -> bool {
        let Some((from, to)) = self.spec.open_hours else { return true };
        let day = (now / 86_400.0).floor();
        let time_of_day = now - day * 86_400.0;
        (from..to).contains(&time_of_day) && self.center.calendar.is_working_day(day as i64)
    }

    fn ivr_done(&mut self, id: u32) {
        if self.callers[id].resolved_in_ivr {
            self.counts.ivr_resolved += 1;
            self.release_line();
            self.callers.remove(id);
        } else {
            self.reach_agents(id);
        }
    }

    /// The caller reaches the agents: answered at once, offered a
    /// callback, or queued.
    fn reach_agents(&mut self, id: u32) {
        let now = self.events.now();
        if self.busy < self.agents {
            self.answer(id, 0.0);
            return;
        }
        if let Some(offer) = &self.spec.callback
            && self.line.len() >= offer.queue_at_least
        {
            self.counts.callbacks_offered += 1;
            let u: f64 = self.rngs.callback.random();
            if u < offer.accept_share {
                self.counts.callbacks_accepted += 1;
                self.release_line();
                self.callers.next_visit(id);
                let c = &mut self.callers[id];
                c.state = State::CallbackPending;
                c.since = now;
                self.callbacks.push_back(id);
                return;
            }
        }
        let visit = self.callers.next_visit(id);
        let c = &mut self.callers[id];
        c.state = State::Waiting;
        c.since = now;
        let patience = c.patience;
        let level = usize::from(self.spec.reasons[usize::from(c.reason)].priority);
        self.line.push(level, (id, visit));
        self.queue_peak = self.queue_peak.max(self.line.len());
        self.queue_tw.set(now, f64::from(self.line.len()));
        if patience.is_finite() {
            self.events.schedule_in(patience, Event::Abandon { caller: id, visit });
        }
    }

    #[inline]
    fn answer(&mut self, id: u32, waited: Seconds) {
        let now = self.events.now();
        self.busy += 1;
        self.busy_changed(now);
        let within = waited <= self.spec.answer_target;
        self.counts.answered += 1;
        self.counts.within_target += u64::from(within);
        self.wait.record(waited);
        self.interval_wait.record(waited);
        let c = &mut self.callers[id];
        c.state = State::Talking;
        let r = &mut self.reasons[usize::from(c.reason)];
        r.answered += 1;
        r.within_target += u64::from(within);
        self.events.schedule_in(c.handle, Event::TalkDone { caller: id });
    }

    fn talk_done(&mut self, id: u32) {
        let now = self.events.now();
        self.busy -= 1;
        self.busy_changed(now);
        if self.callers[id].state == State::Talking {
            self.release_line();
        }
        self.callers.remove(id);
        self.serve_next();
    }

    /// Fills free agents: waiting callers first, highest priority first,
    /// then callbacks.
    fn serve_next(&mut self) {
        let now = self.events.now();
        while self.busy < self.agents {
            if let Some(id) = self.dequeue() {
                let waited = now - self.callers[id].since;
                self.answer(id, waited);
                continue;
            }
            let Some(id) = self.callbacks.pop_front() else { break };
            self.busy += 1;
            self.busy_changed(now);
            let c = &mut self.callers[id];
            c.state = State::CallbackTalking;
            self.counts.callbacks_made += 1;
            self.counts.callback_wait += now - c.since;
            self.events.schedule_in(c.handle, Event::TalkDone { caller: id });
        }
    }

    /// The first live waiting caller, skipping entries of callers who have
    /// since hung up.
    #[inline]
    fn dequeue(&mut self) -> Option<u32> {
        let callers = &self.callers;
        let (id, _) =
            self.line.pop_oldest(|(id, visit)| callers.is_current(id, visit) && callers[id].state == State::Waiting)?;
        self.queue_tw.set(self.events.now(), f64::from(self.line.len()));
        Some(id)
    }

    fn abandon(&mut self, id: u32, visit: u32) {
        if !self.callers.is_current(id, visit) || self.callers[id].state != State::Waiting {
            return; // answered, or gone: a stale event
        }
        let c = self.callers[id];
        let now = self.events.now();
        self.line.withdraw();
        self.queue_tw.set(now, f64::from(self.line.len()));
        self.counts.abandoned += 1;
        self.reasons[usize::from(c.reason)].abandoned += 1;
        self.release_line();
        let p = self.spec.redial.as_ref().map_or(0.0, |r| r.after_abandon);
        self.failed(id, p);
    }

    /// After a busy signal or a hang-up: redial with probability `p` (and
    /// attempts to spare), else give up.
    fn failed(&mut self, id: u32, p: f64) {
        self.callers.next_visit(id);
        let c = &mut self.callers[id];
        if let Some(redial) = &self.spec.redial
            && c.attempts < redial.max_attempts
        {
            let u: f64 = self.rngs.redial.random();
            if u < p {
                c.state = State::Away;
                let delay = redial.delay.sample(&mut self.rngs.redial);
                self.events.schedule_in(delay, Event::Redial { caller: id });
                return;
            }
        }
        self.counts.gave_up += 1;
        self.callers.remove(id);
    }

    /// Records the busy agents, and the agents on duty: those scheduled,
    /// or more while agents whose shift has ended finish their calls.
    #[inline]
    fn busy_changed(&mut self, now: Seconds) {
        self.busy_tw.set(now, f64::from(self.busy));
        self.agents_tw.set(now, f64::from(self.agents.max(self.busy)));
    }

    #[inline]
    fn release_line(&mut self) {
        self.lines_in_use -= 1;
        self.lines_tw.set(self.events.now(), f64::from(self.lines_in_use));
    }

    fn change_staff(&mut self, step: usize) {
        let now = self.events.now();
        let changes = &self.spec.agents.changes;
        self.agents = changes[step].count;
        self.busy_changed(now);
        self.serve_next();
        if let Some(next) = changes.get(step + 1)
            && next.at < self.center.run.duration
        {
            self.events.schedule(next.at.max(now), Event::Staff { step: (step + 1) as u32 });
        }
    }

    fn mark(&self, now: Seconds) -> Mark {
        Mark {
            time: now,
            counts: self.counts,
            queue_area: self.queue_tw.area(now),
            busy_area: self.busy_tw.area(now),
            agents_area: self.agents_tw.area(now),
            lines_area: self.lines_tw.area(now),
        }
    }

    fn end_warmup(&mut self, now: Seconds) {
        self.warmup_mark = self.mark(now);
        self.warmup_reasons.clone_from(&self.reasons);
        self.wait.clear();
        self.queue_peak = self.line.len();
    }

    fn close_interval(&mut self, now: Seconds) {
        let mark = self.interval_mark;
        let here = self.mark(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let per = |area: f64| if span > 0.0 { area / span } else { f64::NAN };
        let busy = here.busy_area - mark.busy_area;
        let agents = here.agents_area - mark.agents_area;
        let h = &self.interval_wait;
        self.intervals.push(PhoneInterval {
            index: self.intervals.len(),
            start: mark.time,
            end: now,
            offered: c.offered,
            first_attempts: c.first_attempts,
            redials: c.redials,
            busy_signals: c.busy_signals,
            closed: c.closed,
            ivr_resolved: c.ivr_resolved,
            answered: c.answered,
            answered_within_target: c.within_target,
            abandoned: c.abandoned,
            gave_up: c.gave_up,
            callbacks_offered: c.callbacks_offered,
            callbacks_accepted: c.callbacks_accepted,
            callbacks_made: c.callbacks_made,
            service_level: ratio(c.within_target as f64, (c.answered + c.abandoned) as f64),
            asa: h.mean(),
            wait_p90: h.quantile(0.90),
            queue_mean: per(here.queue_area - mark.queue_area),
            agents_mean: per(agents),
            busy_mean: per(busy),
            occupancy: at_most_one(ratio(busy, agents)),
            lines_mean: per(here.lines_area - mark.lines_area),
        });
        self.interval_wait.clear();
        self.interval_mark = here;
    }

    fn finish(self) -> (PhoneResult, u64) {
        let run = self.center.run;
        let now = run.duration;
        let mark = self.warmup_mark;
        let here = self.mark(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let worst = self
            .intervals
            .iter()
            .filter(|row| row.start >= run.warmup && !row.service_level.is_nan())
            .map(|row| row.service_level)
            .fold(f64::NAN, f64::min);
        let summary = PhoneSummary {
            callers: c.first_attempts,
            offered: c.offered,
            redials: c.redials,
            busy_signals: c.busy_signals,
            closed: c.closed,
            ivr_resolved: c.ivr_resolved,
            answered: c.answered,
            answered_within_target: c.within_target,
            abandoned: c.abandoned,
            never_answered: c.gave_up,
            callbacks_offered: c.callbacks_offered,
            callbacks_accepted: c.callbacks_accepted,
            callbacks_made: c.callbacks_made,
            callback_wait_mean: ratio(c.callback_wait, c.callbacks_made as f64),
            asa: self.wait.mean(),
            wait_quantiles: [self.wait.quantile(0.50), self.wait.quantile(0.90)],
            wait_max: self.wait.max(),
            queue_mean: (here.queue_area - mark.queue_area) / span,
            queue_peak: u64::from(self.queue_peak),
            agents_mean: (here.agents_area - mark.agents_area) / span,
            agent_hours: (here.agents_area - mark.agents_area) / 3600.0,
            talk_hours: (here.busy_area - mark.busy_area) / 3600.0,
            worst_interval_service_level: worst,
        };
        let reasons = self
            .spec
            .reasons
            .iter()
            .zip(self.reasons.iter().zip(&self.warmup_reasons))
            .map(|(reason, (now, then))| {
                let answered = now.answered - then.answered;
                let abandoned = now.abandoned - then.abandoned;
                ReasonSummary {
                    name: reason.name.clone(),
                    offered: now.offered - then.offered,
                    answered,
                    abandoned,
                    service_level: ratio(
                        (now.within_target - then.within_target) as f64,
                        (answered + abandoned) as f64,
                    ),
                }
            })
            .collect();
        let totals = PhoneTotals {
            callers: self.counts.first_attempts,
            attempts: self.counts.offered,
            answered: self.counts.answered,
            ivr_resolved: self.counts.ivr_resolved,
            called_back: self.counts.callbacks_made,
            gave_up: self.counts.gave_up,
            pending_at_end: self
                .callers
                .iter()
                .filter(|c| !matches!(c.state, State::Talking | State::CallbackTalking))
                .count() as u64,
        };
        (PhoneResult { intervals: self.intervals, summary, reasons, totals }, self.handled)
    }
}
