//! One replication of the social channel: the event loop.
//!
//! Posts and private messages land in an inbox; responders on shift
//! answer them one at a time, oldest first (or newest first, as a feed
//! shows them). Nobody abandons an inbox, so every entry stays until it is
//! answered, which is why a backlog only shrinks as fast as the responders
//! write. Meanwhile each unanswered public post draws further posts from
//! other people at a constant rate (for a while, if the post stops being
//! seen), and a share of all contacts comes from fake or repeat profiles
//! that take as long to answer but are never satisfied. Under strain
//! (backlog per responder above a threshold) replies are written faster
//! and worse: counted as hurried.
//!
//! Response targets run in working time ([`super::WorkingClock`]), and the
//! share answered within the target is reported per arrival cohort: an
//! interval's figure is about the contacts that arrived in it.

use super::ContactError;
use super::intake::{External, Sources};
use super::results::{ReasonSummary, SocialInterval, SocialResult, SocialSummary, SocialTotals, at_most_one};
use super::schedule::WorkingClock;
use super::{ContactCenter, ContactDemand, InboxOrder, SocialChannel, demand_counts};
use crate::engine::{
    EventQueue, Mark as ObservationMark, ObservationMarks, RngStreams, SimRng, Slab, StreamKey, StreamPurpose,
    WaitingLine,
};
use crate::stats::ratio;
use crate::stats::{LogHistogram, TimeWeighted};
use crate::units::Seconds;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

#[derive(Debug, Clone, Copy)]
enum Event {
    Source {
        source: u16,
    },
    ExternalBin {
        bin: u32,
    },
    External,
    /// An unanswered public post draws another post.
    Attract {
        item: u32,
        visit: u32,
    },
    ReplyDone {
        item: u32,
    },
    Staff {
        step: u32,
    },
}

/// A post or message until it is answered, in a [`Slab`]: its visit number
/// moves on only when the slot is freed, so an unanswered post's pending
/// `Attract` event is recognised as stale once the post is answered.
#[derive(Debug, Clone, Copy)]
struct Item {
    arrived: Seconds,
    /// Working-time clock reading at arrival.
    work_arrived: Seconds,
    /// Time to answer at the normal pace, in seconds.
    handle: Seconds,
    /// Interval of arrival.
    cohort: u32,
    reason: u16,
    fake: bool,
    /// The reply being written is a hurried one.
    hurried: bool,
    after_warmup: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    received: u64,
    public: u64,
    attracted: u64,
    fake: u64,
    answered: u64,
    answered_fake: u64,
    hurried: u64,
    /// Handle time at the normal pace of the contacts received.
    work: f64,
}

impl Counts {
    fn since(&self, e: &Counts) -> Counts {
        Counts {
            received: self.received - e.received,
            public: self.public - e.public,
            attracted: self.attracted - e.attracted,
            fake: self.fake - e.fake,
            answered: self.answered - e.answered,
            answered_fake: self.answered_fake - e.answered_fake,
            hurried: self.hurried - e.hurried,
            work: self.work - e.work,
        }
    }
}

/// Outcomes of the genuine contacts of one arrival group.
#[derive(Debug, Clone, Copy, Default)]
struct Cohort {
    within_target: u64,
    late: u64,
    unanswered: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct ReasonCounts {
    offered: u64,
    answered: u64,
    within_target: u64,
    late: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    time: Seconds,
    counts: Counts,
    backlog_area: f64,
    staffed_backlog_area: f64,
    busy_area: f64,
    responders_area: f64,
}

struct Social<'a> {
    center: &'a ContactCenter,
    spec: &'a SocialChannel,
    replication: u64,
    events: EventQueue<Event>,
    sources: Sources,
    external: External<'a>,
    clock: WorkingClock,
    handle_rng: SimRng,
    profile_rng: SimRng,
    attract_rng: SimRng,
    items: Slab<Item>,
    /// Items waiting for a responder, one level per priority. Nobody
    /// leaves an inbox unanswered, so no entry is ever stale.
    inbox: WaitingLine<u32>,
    responders: u32,
    busy: u32,
    backlog_peak: u32,
    counts: Counts,
    cohorts: Vec<Cohort>,
    /// Genuine contacts that arrived after warm-up, by outcome.
    after_warmup: Cohort,
    reasons: Vec<ReasonCounts>,
    backlog_tw: TimeWeighted,
    /// The backlog while someone is on duty, zero otherwise: its area over
    /// the responder area is the backlog each responder faced.
    staffed_backlog_tw: TimeWeighted,
    busy_tw: TimeWeighted,
    responders_tw: TimeWeighted,
    response: LogHistogram,
    interval_response: LogHistogram,
    warmup_mark: Mark,
    interval_mark: Mark,
    intervals: Vec<SocialInterval>,
    handled: u64,
    max_events: u64,
    marks: ObservationMarks,
}

/// Runs one replication of the social channel of `center`.
pub(super) fn simulate(
    center: &ContactCenter,
    spec: &SocialChannel,
    external: Option<&ContactDemand>,
    streams: &RngStreams,
    max_events: u64,
) -> Result<(SocialResult, u64), ContactError> {
    let mut sim = Social::new(center, spec, external, streams);
    sim.max_events = max_events;
    // Interval ends are work without events.
    if sim.marks.intervals() > max_events {
        return Err(ContactError::EventBudget { replication: sim.replication, events: max_events });
    }
    sim.start();
    sim.run()?;
    Ok(sim.finish())
}

impl<'a> Social<'a> {
    fn new(
        center: &'a ContactCenter,
        spec: &'a SocialChannel,
        external: Option<&'a ContactDemand>,
        streams: &RngStreams,
    ) -> Social<'a> {
        let key = |purpose, name: &str| streams.stream(StreamKey::new(purpose, name));
        let levels = spec.reasons.iter().map(|r| usize::from(r.priority) + 1).max().unwrap_or(1);
        let run = center.run;
        let marks = ObservationMarks::new(run);
        Social {
            center,
            spec,
            replication: streams.replication(),
            events: EventQueue::with_capacity(1024),
            sources: Sources::new("social", &spec.demand, streams),
            external: External::new(
                "social",
                demand_counts(external, |d| &d.social),
                external,
                &spec.external,
                streams,
            ),
            clock: center.calendar.clock(run.duration),
            handle_rng: key(StreamPurpose::Service, "social"),
            profile_rng: key(StreamPurpose::Behaviour, "social"),
            attract_rng: key(StreamPurpose::Behaviour, "social/attract"),
            items: Slab::default(),
            inbox: WaitingLine::new(levels, 1024),
            responders: spec.responders.initial,
            busy: 0,
            backlog_peak: 0,
            counts: Counts::default(),
            // One cohort per interval, the open one last: a cohort is added
            // as each interval closes, so posts always have one to join
            // however the interval ends fall.
            cohorts: vec![Cohort::default()],
            after_warmup: Cohort::default(),
            reasons: vec![ReasonCounts::default(); spec.reasons.len()],
            backlog_tw: TimeWeighted::new(0.0, 0.0),
            staffed_backlog_tw: TimeWeighted::new(0.0, 0.0),
            busy_tw: TimeWeighted::new(0.0, 0.0),
            responders_tw: TimeWeighted::new(0.0, f64::from(spec.responders.initial)),
            response: LogHistogram::new(),
            interval_response: LogHistogram::new(),
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
        if let Some(change) = self.spec.responders.changes.first()
            && change.at < horizon
        {
            self.events.schedule(change.at, Event::Staff { step: 0 });
        }
    }

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
                    self.receive(self.sources.reasons[s], false)?;
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
                Event::External => self.receive(self.external.reason, false)?,
                Event::Attract { item, visit } => self.attract(item, visit)?,
                Event::ReplyDone { item } => self.reply_done(item),
                Event::Staff { step } => self.change_staff(step as usize),
            }
        }
    }

    /// A new post or message arrives.
    fn receive(&mut self, reason: u16, attracted: bool) -> Result<(), ContactError> {
        let now = self.events.now();
        if self.items.len() >= self.center.max_in_system {
            return Err(ContactError::TooManyInSystem {
                replication: self.replication,
                channel: "social",
                limit: self.center.max_in_system,
                time: now,
            });
        }
        let spec = self.spec;
        let u_public: f64 = self.profile_rng.random();
        let u_fake: f64 = self.profile_rng.random();
        // A post drawn by another post is public by nature.
        let public = attracted || u_public < spec.public_share;
        let fake = u_fake < spec.fake_share;
        let handle_time = spec.reasons[usize::from(reason)].handle_time.as_ref().unwrap_or(&spec.handle_time);
        let handle = handle_time.sample(&mut self.handle_rng);
        let after_warmup = now >= self.center.run.warmup;
        let id = self.items.insert(Item {
            arrived: now,
            work_arrived: self.clock.at(now),
            handle,
            cohort: self.intervals.len() as u32,
            reason,
            fake,
            hurried: false,
            after_warmup,
        });
        let c = &mut self.counts;
        c.received += 1;
        c.public += u64::from(public);
        c.attracted += u64::from(attracted);
        c.fake += u64::from(fake);
        c.work += handle;
        if after_warmup {
            self.reasons[usize::from(reason)].offered += 1;
        }
        self.backlog_tw.add(now, 1.0);
        self.backlog_changed(now);
        if public {
            self.schedule_attraction(id);
        }
        if self.busy < self.responders {
            self.start_reply(id);
        } else {
            let level = usize::from(self.spec.reasons[usize::from(reason)].priority);
            self.inbox.push(level, id);
        }
        self.backlog_peak = self.backlog_peak.max(self.unanswered());
        Ok(())
    }

    fn unanswered(&self) -> u32 {
        self.inbox.len() + self.busy
    }

    /// Schedules the next post that item `id` draws, if it draws any more.
    fn schedule_attraction(&mut self, id: u32) {
        let Some(attraction) = &self.spec.attraction else { return };
        let now = self.events.now();
        let e: f64 = Exp1.sample(&mut self.attract_rng);
        let at = now + e / attraction.rate;
        let arrived = self.items[id].arrived;
        if attraction.window.is_none_or(|w| at <= arrived + w) && at < self.center.run.duration {
            self.events.schedule(at, Event::Attract { item: id, visit: self.items.visit(id) });
        }
    }

    fn attract(&mut self, id: u32, visit: u32) -> Result<(), ContactError> {
        if !self.items.is_current(id, visit) {
            return Ok(()); // answered since: a stale event
        }
        self.receive(self.items[id].reason, true)?;
        self.schedule_attraction(id);
        Ok(())
    }

    fn start_reply(&mut self, id: u32) {
        let now = self.events.now();
        self.busy += 1;
        self.busy_changed(now);
        let hurried = self.spec.strain.as_ref().is_some_and(|strain| {
            f64::from(self.unanswered()) > strain.backlog_per_responder * f64::from(self.responders)
        });
        let item = &mut self.items[id];
        let mut handle = item.handle;
        if let Some(strain) = self.spec.strain.as_ref().filter(|_| hurried) {
            handle *= strain.handle_factor;
        }
        item.hurried = hurried;
        self.events.schedule_in(handle, Event::ReplyDone { item: id });
    }

    fn reply_done(&mut self, id: u32) {
        let now = self.events.now();
        self.busy -= 1;
        self.busy_changed(now);
        self.backlog_tw.add(now, -1.0);
        self.backlog_changed(now);
        let c = self.items[id];
        let response = now - c.arrived;
        self.response.record(response);
        self.interval_response.record(response);
        self.counts.answered += 1;
        self.counts.answered_fake += u64::from(c.fake);
        self.counts.hurried += u64::from(c.hurried);
        let reason = &mut self.reasons[usize::from(c.reason)];
        if c.after_warmup {
            reason.answered += 1;
        }
        if !c.fake {
            let in_time = self.clock.at(now) - c.work_arrived <= self.spec.response_target;
            let cohort = &mut self.cohorts[c.cohort as usize];
            if in_time {
                cohort.within_target += 1;
            } else {
                cohort.late += 1;
            }
            if c.after_warmup {
                if in_time {
                    self.after_warmup.within_target += 1;
                    reason.within_target += 1;
                } else {
                    self.after_warmup.late += 1;
                    reason.late += 1;
                }
            }
        }
        self.items.remove(id);
        self.serve_next();
    }

    fn serve_next(&mut self) {
        while self.busy < self.responders {
            let next = match self.spec.order {
                InboxOrder::OldestFirst => self.inbox.pop_oldest(|_| true),
                InboxOrder::NewestFirst => self.inbox.pop_newest(|_| true),
            };
            let Some(id) = next else { break };
            self.start_reply(id);
        }
    }

    /// Records the busy responders, and the responders on duty: those
    /// scheduled, or more while some finish a reply after their shift.
    #[inline]
    fn busy_changed(&mut self, now: Seconds) {
        self.busy_tw.set(now, f64::from(self.busy));
        self.responders_tw.set(now, f64::from(self.responders.max(self.busy)));
        self.backlog_changed(now);
    }

    #[inline]
    fn backlog_changed(&mut self, now: Seconds) {
        let staffed = self.responders.max(self.busy) > 0;
        self.staffed_backlog_tw.set(now, if staffed { self.backlog_tw.current() } else { 0.0 });
    }

    fn change_staff(&mut self, step: usize) {
        let now = self.events.now();
        let changes = &self.spec.responders.changes;
        self.responders = changes[step].count;
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
            backlog_area: self.backlog_tw.area(now),
            staffed_backlog_area: self.staffed_backlog_tw.area(now),
            busy_area: self.busy_tw.area(now),
            responders_area: self.responders_tw.area(now),
        }
    }

    fn end_warmup(&mut self, now: Seconds) {
        self.warmup_mark = self.mark(now);
        self.response.clear();
        self.backlog_peak = self.unanswered();
    }

    fn close_interval(&mut self, now: Seconds) {
        let mark = self.interval_mark;
        let here = self.mark(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let per = |area: f64| if span > 0.0 { area / span } else { f64::NAN };
        let backlog = here.backlog_area - mark.backlog_area;
        let busy = here.busy_area - mark.busy_area;
        let responders = here.responders_area - mark.responders_area;
        let h = &self.interval_response;
        self.intervals.push(SocialInterval {
            index: self.intervals.len(),
            start: mark.time,
            end: now,
            received: c.received,
            public: c.public,
            attracted: c.attracted,
            fake: c.fake,
            answered: c.answered,
            hurried: c.hurried,
            backlog_end: u64::from(self.unanswered()),
            backlog_mean: per(backlog),
            responders_mean: per(responders),
            backlog_per_responder: ratio(here.staffed_backlog_area - mark.staffed_backlog_area, responders),
            occupancy: at_most_one(ratio(busy, responders)),
            response_p50: h.quantile(0.50),
            response_p90: h.quantile(0.90),
            // Known once the run is over; see `finish`.
            within_target_share: f64::NAN,
            unanswered_at_end: 0,
        });
        self.cohorts.push(Cohort::default());
        self.interval_response.clear();
        self.interval_mark = here;
    }

    fn finish(mut self) -> (SocialResult, u64) {
        let run = self.center.run;
        let now = run.duration;
        // Contacts still unanswered: late if their target has passed,
        // otherwise their outcome is not known yet.
        let end_work = self.clock.at(now);
        let mut unanswered_after_warmup = 0;
        for item in self.items.iter() {
            let cohort = &mut self.cohorts[item.cohort as usize];
            cohort.unanswered += 1;
            unanswered_after_warmup += u64::from(item.after_warmup);
            if !item.fake && end_work - item.work_arrived > self.spec.response_target {
                cohort.late += 1;
                if item.after_warmup {
                    self.after_warmup.late += 1;
                    self.reasons[usize::from(item.reason)].late += 1;
                }
            }
        }
        for (row, cohort) in self.intervals.iter_mut().zip(&self.cohorts) {
            row.within_target_share = ratio(cohort.within_target as f64, (cohort.within_target + cohort.late) as f64);
            row.unanswered_at_end = cohort.unanswered;
        }
        let mark = self.warmup_mark;
        let here = self.mark(now);
        let c = here.counts.since(&mark.counts);
        let span = now - mark.time;
        let per_responder_peak = self
            .intervals
            .iter()
            .filter(|row| row.start >= run.warmup && !row.backlog_per_responder.is_nan())
            .map(|row| row.backlog_per_responder)
            .fold(f64::NAN, f64::max);
        let summary = SocialSummary {
            received: c.received,
            public: c.public,
            attracted: c.attracted,
            fake: c.fake,
            answered: c.answered,
            answered_fake: c.answered_fake,
            hurried: c.hurried,
            within_target: self.after_warmup.within_target,
            late: self.after_warmup.late,
            response_mean: self.response.mean(),
            response_quantiles: [self.response.quantile(0.50), self.response.quantile(0.90)],
            response_max: self.response.max(),
            unanswered_at_end: unanswered_after_warmup,
            backlog_peak: u64::from(self.backlog_peak),
            backlog_mean: (here.backlog_area - mark.backlog_area) / span,
            backlog_per_responder_peak: per_responder_peak,
            responder_hours: (here.responders_area - mark.responders_area) / 3600.0,
            busy_hours: (here.busy_area - mark.busy_area) / 3600.0,
            hours_needed: c.work / 3600.0,
        };
        let reasons = self
            .spec
            .reasons
            .iter()
            .zip(&self.reasons)
            .map(|(reason, r)| ReasonSummary {
                name: reason.name.clone(),
                offered: r.offered,
                answered: r.answered,
                abandoned: 0,
                service_level: ratio(r.within_target as f64, (r.within_target + r.late) as f64),
            })
            .collect();
        let totals = SocialTotals {
            received: self.counts.received,
            answered: self.counts.answered,
            unanswered_at_end: u64::from(self.items.len()),
        };
        (SocialResult { intervals: self.intervals, summary, reasons, totals }, self.handled)
    }
}
