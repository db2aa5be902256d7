//! The `[contact]` section: a phone line and a social inbox, as written in
//! a scenario, and the builder that turns them into a validated
//! [`ContactCenter`].
//!
//! The section stands alone (a contact-only scenario has no other model)
//! or sits beside a launch day, whose builder calls [`build_contact`] on
//! the same table. A staffing plan written by `clickday staff` (or any CSV
//! with a start time and a head count per row) is loaded through the
//! scenario's include resolver, so the library itself never opens a file.

use super::build::profile_shape;
use super::build::{Builder, MAX_EXPECTED_ARRIVALS, int_range, new_name, share};
use super::error::ScenarioError;
use super::raw::{Clock, Duration, Rate, RawDist, RawRatePoint};
use crate::arrivals::{ArrivalProcess, RateProfile};
use crate::contact::{
    Attraction, Break, CallbackOffer, ContactCenter, DemandKind, DemandSource, ExternalIntake, InboxOrder, Ivr,
    NotificationWave, PhoneChannel, Reason, Redial, Repeat, Shift, SocialChannel, StaffSchedule, Strain,
    WorkingCalendar,
};
use crate::dist::TimeDistribution;
use crate::engine::RunLength;
use crate::network::MAX_PRIORITY_LEVELS;
use crate::units::{self, ClockTime, Date, Seconds, format_duration, quote};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;
use toml::Spanned;

/// Default answer target of the phone service level: the industry's 80/20.
const DEFAULT_ANSWER_TARGET: Seconds = 20.0;
/// Coefficient of variation of a handle time given only by its mean.
const DEFAULT_HANDLE_CV: f64 = 1.0;
/// Most rows a schedule file may have.
const MAX_SCHEDULE_ROWS: usize = 1_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContact {
    pub working_days: Option<Vec<String>>,
    pub working_hours: Option<RawHours>,
    pub holidays: Option<Vec<String>>,
    pub phone: Option<Spanned<RawPhone>>,
    pub social: Option<Spanned<RawSocial>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHours {
    pub from: Clock,
    pub to: Clock,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPhone {
    pub lines: Option<i64>,
    pub open_hours: Option<RawHours>,
    pub agents: Option<i64>,
    pub agents_per_interval: Option<Vec<i64>>,
    pub agents_interval: Option<Duration>,
    pub agents_from: Option<Clock>,
    pub agents_schedule_file: Option<String>,
    pub agents_schedule_column: Option<String>,
    #[serde(default)]
    pub shift: Vec<Spanned<RawShift>>,
    pub handle_time: Option<Spanned<RawTime>>,
    pub patience: Option<Spanned<RawTime>>,
    pub answer_target: Option<Duration>,
    pub ivr: Option<Spanned<RawIvr>>,
    pub redial: Option<Spanned<RawRedial>>,
    pub callback: Option<Spanned<RawCallback>>,
    #[serde(default)]
    pub reason: Vec<Spanned<RawReason>>,
    #[serde(default)]
    pub demand: Vec<Spanned<RawDemand>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSocial {
    pub responders: Option<i64>,
    pub responders_per_interval: Option<Vec<i64>>,
    pub responders_interval: Option<Duration>,
    pub responders_from: Option<Clock>,
    pub responders_schedule_file: Option<String>,
    pub responders_schedule_column: Option<String>,
    #[serde(default)]
    pub shift: Vec<Spanned<RawShift>>,
    pub handle_time: Option<Spanned<RawTime>>,
    pub response_target: Option<Duration>,
    pub public_share: Option<f64>,
    pub fake_share: Option<f64>,
    pub attraction: Option<RawAttraction>,
    pub order: Option<String>,
    pub strain: Option<RawStrain>,
    #[serde(default)]
    pub reason: Vec<Spanned<RawReason>>,
    #[serde(default)]
    pub demand: Vec<Spanned<RawDemand>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShift {
    pub start: Clock,
    pub length: Duration,
    pub count: i64,
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
    pub repeat: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBreak {
    pub after: Duration,
    pub length: Duration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIvr {
    pub time: Spanned<RawTime>,
    pub resolved: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRedial {
    pub after_busy: Option<f64>,
    pub after_abandon: Option<f64>,
    pub delay: Spanned<RawTime>,
    pub max_attempts: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCallback {
    pub queue_at_least: i64,
    pub accept: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAttraction {
    pub rate: Rate,
    pub window: Option<Duration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStrain {
    pub backlog_per_responder: f64,
    pub handle_factor: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReason {
    pub name: String,
    pub priority: Option<i64>,
    pub handle_time: Option<Spanned<RawTime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDemand {
    pub name: String,
    pub kind: String,
    pub reason: Option<String>,
    pub rate: Option<Rate>,
    #[serde(default)]
    pub profile: Vec<Spanned<RawRatePoint>>,
    pub shape: Option<String>,
    pub size: Option<i64>,
    pub first_arrival: Option<Spanned<RawDist>>,
    pub start: Option<Clock>,
    pub at: Option<Clock>,
    pub recipients: Option<i64>,
    pub react_share: Option<f64>,
    pub delay: Option<Spanned<RawTime>>,
}

/// A time distribution written either as a bare duration (its mean, with
/// the quantity's usual shape) or as a full distribution table.
#[derive(Debug)]
pub(crate) enum RawTime {
    Mean(Seconds),
    Dist(RawDist),
}

impl<'de> Deserialize<'de> for RawTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl<'de> Visitor<'de> for TimeVisitor {
            type Value = RawTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"5m\" or a distribution such as { dist = \"lognormal\", mean = \"5m\", cv = 1.0 }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawTime, E> {
                units::parse_duration(v).map(RawTime::Mean).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawTime, E> {
                Err(super::raw::bare_number("a duration", "\"5m\"", v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawTime, E> {
                Err(super::raw::bare_number("a duration", "\"5m\"", v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawTime, E> {
                Err(super::raw::bare_number("a duration", "\"5m\"", v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawTime, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawTime::Dist)
            }
        }
        d.deserialize_any(TimeVisitor)
    }
}

/// The shape a bare duration stands for.
#[derive(Debug, Clone, Copy)]
enum MeanShape {
    /// Lognormal with the default coefficient of variation (handle times).
    Lognormal,
    /// Exponential (patience, delays between events people decide).
    Exponential,
    /// Always the same (a recorded menu).
    Deterministic,
}

/// A staff schedule as written: one of four forms, under a prefix
/// (`agents` or `responders`).
struct RawStaff<'r> {
    prefix: &'static str,
    count: Option<i64>,
    per_interval: Option<&'r Vec<i64>>,
    interval: Option<Duration>,
    from: Option<Clock>,
    file: Option<&'r String>,
    column: Option<&'r String>,
    shifts: &'r [Spanned<RawShift>],
}

/// Builds the contact center of the `[contact]` table `raw`, for a run of
/// `run` with at most `max_in_system` contacts per channel at once.
///
/// Callable from any scenario builder that holds a `[contact]` section (a
/// contact-only scenario, or a launch day that feeds its failures to the
/// contact center); errors name the key and line in the scenario file, and
/// for a schedule file also its line and column.
pub(super) fn build_contact(
    b: &Builder<'_>,
    raw: &Spanned<RawContact>,
    run: RunLength,
    max_in_system: u32,
) -> Result<ContactCenter, ScenarioError> {
    let at = raw.span().start;
    let c = raw.get_ref();
    let calendar = calendar(b, c, at)?;
    let phone = c.phone.as_ref().map(|p| phone(b, p, run, &calendar)).transpose()?;
    let social = c.social.as_ref().map(|s| social(b, s, run, &calendar)).transpose()?;
    if phone.is_none() && social.is_none() {
        return Err(b.map.error_at(at, "contact", "contact", "needs a [contact.phone] or a [contact.social] table"));
    }
    let center = ContactCenter { run, calendar, phone, social, max_in_system };
    center.check().map_err(|m| b.map.error_at(at, "contact", "contact", m))?;
    check_volume(b, c, &center)?;
    Ok(center)
}

/// Refuses a center whose own demand would bring more than
/// [`MAX_EXPECTED_ARRIVALS`] contacts per replication, at the key of the
/// largest demand (its `rate`, `profile`, `size` or `recipients`).
fn check_volume(b: &Builder<'_>, raw: &RawContact, center: &ContactCenter) -> Result<(), ScenarioError> {
    let expected = center.expected_contacts();
    if expected <= MAX_EXPECTED_ARRIVALS {
        return Ok(());
    }
    let horizon = center.run.duration;
    let channels = [
        ("phone", center.phone.as_ref().map(|p| &p.demand), raw.phone.as_ref().map(|p| &p.get_ref().demand)),
        ("social", center.social.as_ref().map(|s| &s.demand), raw.social.as_ref().map(|s| &s.get_ref().demand)),
    ];
    let largest = channels
        .iter()
        .filter_map(|(channel, built, written)| Some((*channel, (*built)?, (*written)?)))
        .flat_map(|(channel, built, written)| built.iter().map(move |d| (channel, d, written)))
        .max_by(|a, b| a.1.expected_count(horizon).total_cmp(&b.1.expected_count(horizon)));
    let message = |alone: f64| {
        format!(
            "the demand would bring about {expected:.3e} contacts per replication (this demand alone about \
             {alone:.3e}); at most {MAX_EXPECTED_ARRIVALS:.0e} are allowed"
        )
    };
    let Some((channel, demand, written)) = largest else {
        return Err(b.top("contact", message(expected)));
    };
    let key = match &demand.kind {
        DemandKind::Arrivals(ArrivalProcess::Poisson { .. }) => "rate",
        DemandKind::Arrivals(ArrivalProcess::Profile(_)) => "profile",
        DemandKind::Arrivals(_) => "size",
        DemandKind::Wave(_) => "recipients",
    };
    let at = written.iter().find(|d| d.get_ref().name == demand.name).map_or(0, |d| d.span().start);
    let path = format!("contact.{channel}.demand[{}].{key}", demand.name);
    Err(b.map.error_at(at, &path, key, message(demand.expected_count(horizon))))
}

fn calendar(b: &Builder<'_>, c: &RawContact, at: usize) -> Result<WorkingCalendar, ScenarioError> {
    let err = |key: &str, m: String| b.map.error_at(at, &format!("contact.{key}"), key, m);
    let mut calendar = WorkingCalendar::default();
    let start = b.start_date();
    if let Some(start) = start {
        calendar.first_weekday = Some(WorkingCalendar::weekday_of(start.days_since_epoch()));
    }
    if let Some(days) = &c.working_days {
        if start.is_none() {
            return Err(err(
                "working_days",
                "needs `start_date` at the top of the scenario, to know the weekdays".into(),
            ));
        }
        calendar.working_days = [false; 7];
        for day in days {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let Some(i) = names.iter().position(|n| day.eq_ignore_ascii_case(n)) else {
                return Err(err(
                    "working_days",
                    format!("{} is not a weekday; allowed: {}", quote(day), names.join(", ")),
                ));
            };
            calendar.working_days[i] = true;
        }
    }
    if let Some(h) = &c.working_hours {
        (calendar.day_start, calendar.day_end) = hours(b, h, at, "contact.working_hours")?;
    }
    for day in c.holidays.iter().flatten() {
        let Some(start) = start else {
            return Err(err("holidays", "need `start_date` at the top of the scenario".into()));
        };
        let date = Date::parse(day).map_err(|m| err("holidays", m))?;
        calendar.holidays.push(date.days_since_epoch() - start.days_since_epoch());
    }
    Ok(calendar)
}

/// Daily hours `{ from, to }` as seconds after midnight.
fn hours(b: &Builder<'_>, h: &RawHours, at: usize, path: &str) -> Result<(Seconds, Seconds), ScenarioError> {
    let key = path.rsplit('.').next().unwrap_or(path);
    let err = |m: String| b.map.error_at(at, path, key, m);
    let time_of_day = |clock: ClockTime, which: &str| match clock {
        ClockTime::OnStartDay(s) => Ok(s),
        _ => Err(err(format!("`{which}` must be a time of day, \"HH:MM\" (\"24:00\" for midnight at the end)"))),
    };
    let (from, to) = (time_of_day(h.from.0, "from")?, time_of_day(h.to.0, "to")?);
    if from >= to {
        return Err(err("`from` must be before `to`".into()));
    }
    Ok((from, to))
}

fn phone(
    b: &Builder<'_>,
    raw: &Spanned<RawPhone>,
    run: RunLength,
    calendar: &WorkingCalendar,
) -> Result<PhoneChannel, ScenarioError> {
    let at = raw.span().start;
    let p = raw.get_ref();
    let path = |key: &str| format!("contact.phone.{key}");
    let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
    let lines =
        p.lines.map(|n| int_range(n, 1, 10_000_000).map(|n| n as u32).map_err(|m| err("lines", m))).transpose()?;
    let open_hours = p.open_hours.as_ref().map(|h| hours(b, h, at, "contact.phone.open_hours")).transpose()?;
    let staff = RawStaff {
        prefix: "agents",
        count: p.agents,
        per_interval: p.agents_per_interval.as_ref(),
        interval: p.agents_interval,
        from: p.agents_from,
        file: p.agents_schedule_file.as_ref(),
        column: p.agents_schedule_column.as_ref(),
        shifts: &p.shift,
    };
    let agents = schedule(b, &staff, at, "contact.phone", run, calendar)?;
    let handle = p.handle_time.as_ref().ok_or_else(|| {
        err("handle_time", "the phone channel needs `handle_time`, e.g. \"5m30s\" (lognormal) or a distribution".into())
    })?;
    let handle_time = time(b, handle, &path("handle_time"), MeanShape::Lognormal)?;
    let patience = match &p.patience {
        None => None,
        Some(raw) => {
            let zero = || {
                b.map.error_at(
                    raw.span().start,
                    &path("patience"),
                    "patience",
                    "must have a mean > 0s: a caller with no patience never reaches an agent (leave `patience` out for callers who wait forever)",
                )
            };
            if matches!(raw.get_ref(), RawTime::Mean(m) if *m <= 0.0) {
                return Err(zero());
            }
            let d = time(b, raw, &path("patience"), MeanShape::Exponential)?;
            if d.mean().is_nan() || d.mean() <= 0.0 {
                return Err(zero());
            }
            Some(d)
        }
    };
    let answer_target = p.answer_target.map_or(DEFAULT_ANSWER_TARGET, |d| d.0);
    let ivr = match &p.ivr {
        None => None,
        Some(raw) => {
            let i = raw.get_ref();
            let time = time(b, &i.time, &path("ivr.time"), MeanShape::Deterministic)?;
            let resolved_share = share(i.resolved.unwrap_or(0.0))
                .map_err(|m| b.map.error_at(raw.span().start, &path("ivr.resolved"), "resolved", m))?;
            Some(Ivr { time, resolved_share })
        }
    };
    let redial = match &p.redial {
        None => None,
        Some(raw) => {
            let r = raw.get_ref();
            let e = |key: &str, m: String| b.map.error_at(raw.span().start, &path(&format!("redial.{key}")), key, m);
            Some(Redial {
                after_busy: share(r.after_busy.unwrap_or(0.0)).map_err(|m| e("after_busy", m))?,
                after_abandon: share(r.after_abandon.unwrap_or(0.0)).map_err(|m| e("after_abandon", m))?,
                delay: time(b, &r.delay, &path("redial.delay"), MeanShape::Exponential)?,
                max_attempts: int_range(r.max_attempts.unwrap_or(i64::from(u32::MAX)), 1, i64::from(u32::MAX))
                    .map_err(|m| e("max_attempts", m))? as u32,
            })
        }
    };
    let callback = match &p.callback {
        None => None,
        Some(raw) => {
            let cb = raw.get_ref();
            let e = |key: &str, m: String| b.map.error_at(raw.span().start, &path(&format!("callback.{key}")), key, m);
            Some(CallbackOffer {
                queue_at_least: int_range(cb.queue_at_least, 0, i64::from(u32::MAX))
                    .map_err(|m| e("queue_at_least", m))? as u32,
                accept_share: share(cb.accept).map_err(|m| e("accept", m))?,
            })
        }
    };
    let reasons = reasons(b, &p.reason, "contact.phone")?;
    let (demand, external) = demand(b, &p.demand, "contact.phone", &reasons)?;
    Ok(PhoneChannel {
        lines,
        open_hours,
        ivr,
        agents,
        handle_time,
        patience,
        answer_target,
        redial,
        callback,
        reasons,
        demand,
        external,
    })
}

fn social(
    b: &Builder<'_>,
    raw: &Spanned<RawSocial>,
    run: RunLength,
    calendar: &WorkingCalendar,
) -> Result<SocialChannel, ScenarioError> {
    let at = raw.span().start;
    let s = raw.get_ref();
    let path = |key: &str| format!("contact.social.{key}");
    let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
    let staff = RawStaff {
        prefix: "responders",
        count: s.responders,
        per_interval: s.responders_per_interval.as_ref(),
        interval: s.responders_interval,
        from: s.responders_from,
        file: s.responders_schedule_file.as_ref(),
        column: s.responders_schedule_column.as_ref(),
        shifts: &s.shift,
    };
    let responders = schedule(b, &staff, at, "contact.social", run, calendar)?;
    let handle = s.handle_time.as_ref().ok_or_else(|| {
        err("handle_time", "the social channel needs `handle_time`, e.g. \"3m\" (lognormal) or a distribution".into())
    })?;
    let handle_time = time(b, handle, &path("handle_time"), MeanShape::Lognormal)?;
    let response_target = s
        .response_target
        .ok_or_else(|| {
            err("response_target", "the social channel needs `response_target`, e.g. \"48h\" of working time".into())
        })?
        .0;
    let public_share = share(s.public_share.unwrap_or(1.0)).map_err(|m| err("public_share", m))?;
    let fake_share = share(s.fake_share.unwrap_or(0.0)).map_err(|m| err("fake_share", m))?;
    let attraction = match &s.attraction {
        None => None,
        Some(a) => {
            if a.rate.0 <= 0.0 {
                return Err(err(
                    "attraction.rate",
                    format!("must be > 0 (got {}/h); leave `attraction` out for none", a.rate.0 * 3600.0),
                ));
            }
            if a.window.is_some_and(|w| w.0 <= 0.0) {
                return Err(err("attraction.window", "must be > 0s".into()));
            }
            Some(Attraction { rate: a.rate.0, window: a.window.map(|w| w.0) })
        }
    };
    let order = match s.order.as_deref() {
        None | Some("oldest_first") => InboxOrder::OldestFirst,
        Some("newest_first") => InboxOrder::NewestFirst,
        Some(other) => {
            return Err(err("order", format!("{} is not an order; allowed: oldest_first, newest_first", quote(other))));
        }
    };
    let strain = match &s.strain {
        None => None,
        Some(st) => {
            if !(0.0..=1e9).contains(&st.backlog_per_responder) {
                return Err(err(
                    "strain.backlog_per_responder",
                    format!("must be a number from 0 to 1e9; got {}", st.backlog_per_responder),
                ));
            }
            if !(st.handle_factor > 0.0 && st.handle_factor <= 1.0) {
                return Err(err(
                    "strain.handle_factor",
                    format!("must be in (0, 1] (a hurried reply is quicker); got {}", st.handle_factor),
                ));
            }
            Some(Strain { backlog_per_responder: st.backlog_per_responder, handle_factor: st.handle_factor })
        }
    };
    let reasons = reasons(b, &s.reason, "contact.social")?;
    let (demand, external) = demand(b, &s.demand, "contact.social", &reasons)?;
    Ok(SocialChannel {
        responders,
        handle_time,
        response_target,
        public_share,
        attraction,
        fake_share,
        order,
        strain,
        reasons,
        demand,
        external,
    })
}

fn time(
    b: &Builder<'_>,
    raw: &Spanned<RawTime>,
    path: &str,
    shape: MeanShape,
) -> Result<TimeDistribution, ScenarioError> {
    let at = raw.span().start;
    match raw.get_ref() {
        RawTime::Dist(d) => b.dist_at(d, at, path),
        RawTime::Mean(mean) => {
            let result = match shape {
                MeanShape::Lognormal => TimeDistribution::lognormal(*mean, DEFAULT_HANDLE_CV),
                MeanShape::Exponential => TimeDistribution::exponential(*mean),
                MeanShape::Deterministic => TimeDistribution::deterministic(*mean),
            };
            let key = path.rsplit('.').next().unwrap_or(path);
            result.map_err(|e| b.map.error_on_line(at, path, format!("{e} ({key} written as its mean)")))
        }
    }
}

fn reasons(b: &Builder<'_>, raw: &[Spanned<RawReason>], table: &str) -> Result<Vec<Reason>, ScenarioError> {
    if raw.is_empty() {
        return Ok(vec![Reason::general()]);
    }
    let mut out: Vec<Reason> = Vec::with_capacity(raw.len());
    for (i, spanned) in raw.iter().enumerate() {
        let at = spanned.span().start;
        let r = spanned.get_ref();
        let label = if r.name.is_empty() { (i + 1).to_string() } else { r.name.clone() };
        let path = |key: &str| format!("{table}.reason[{label}].{key}");
        let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
        new_name(&r.name, out.iter().map(|o: &Reason| o.name.as_str()), "reason").map_err(|m| err("name", m))?;
        let priority = int_range(r.priority.unwrap_or(0), 0, MAX_PRIORITY_LEVELS as i64 - 1)
            .map_err(|m| err("priority", m))? as u8;
        let handle_time =
            r.handle_time.as_ref().map(|h| time(b, h, &path("handle_time"), MeanShape::Lognormal)).transpose()?;
        out.push(Reason { name: r.name.clone(), priority, handle_time });
    }
    Ok(out)
}

fn demand(
    b: &Builder<'_>,
    raw: &[Spanned<RawDemand>],
    table: &str,
    reasons: &[Reason],
) -> Result<(Vec<DemandSource>, ExternalIntake), ScenarioError> {
    let mut sources: Vec<DemandSource> = Vec::with_capacity(raw.len());
    let mut external: Option<ExternalIntake> = None;
    for (i, spanned) in raw.iter().enumerate() {
        let at = spanned.span().start;
        let d = spanned.get_ref();
        let label = if d.name.is_empty() { (i + 1).to_string() } else { d.name.clone() };
        let path = |key: &str| format!("{table}.demand[{label}].{key}");
        let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
        new_name(&d.name, sources.iter().map(|s: &DemandSource| s.name.as_str()), "demand")
            .map_err(|m| err("name", m))?;
        let reason = match &d.reason {
            None => 0,
            Some(name) => reasons.iter().position(|r| &r.name == name).ok_or_else(|| {
                let names: Vec<&str> = reasons.iter().map(|r| r.name.as_str()).collect();
                err("reason", format!("no reason is called {}; reasons: {}", quote(name), names.join(", ")))
            })?,
        };
        let given: Vec<&str> = [
            ("rate", d.rate.is_some()),
            ("profile", !d.profile.is_empty()),
            ("shape", d.shape.is_some()),
            ("size", d.size.is_some()),
            ("first_arrival", d.first_arrival.is_some()),
            ("start", d.start.is_some()),
            ("at", d.at.is_some()),
            ("recipients", d.recipients.is_some()),
            ("react_share", d.react_share.is_some()),
            ("delay", d.delay.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        let allowed: &[&str] = match d.kind.as_str() {
            "poisson" => &["rate"],
            "profile" => &["profile", "shape"],
            "population" => &["size", "first_arrival", "start"],
            "batch" => &["size", "at"],
            "wave" => &["at", "recipients", "react_share", "delay"],
            "external" => &["delay"],
            other => {
                return Err(err(
                    "kind",
                    format!(
                        "{} is not a kind of demand; allowed: poisson, profile, population, batch, wave, external",
                        quote(other)
                    ),
                ));
            }
        };
        if let Some(extra) = given.iter().find(|k| !allowed.contains(k)) {
            return Err(err(extra, format!("does not apply to {} demand (it takes: {})", d.kind, allowed.join(", "))));
        }
        let need = |key: &str, what: &str| err(key, format!("{} demand needs `{key}` ({what})", d.kind));
        let size = || -> Result<u64, ScenarioError> {
            let n = d.size.ok_or_else(|| need("size", "an integer >= 1"))?;
            int_range(n, 1, 10_000_000_000).map(|n| n as u64).map_err(|m| err("size", m))
        };
        let kind = match d.kind.as_str() {
            "poisson" => DemandKind::Arrivals(ArrivalProcess::Poisson {
                rate: d.rate.ok_or_else(|| need("rate", "e.g. \"120/h\""))?.0,
            }),
            "profile" => {
                if d.profile.is_empty() {
                    return Err(need("profile", "[{ at = \"08:00\", rate = \"100/h\" }, ...]"));
                }
                let shape = profile_shape(d.shape.as_deref()).map_err(|m| err("shape", m))?;
                let points = b.profile_points(&d.profile, &path("profile"))?;
                DemandKind::Arrivals(ArrivalProcess::Profile(RateProfile { points, shape }))
            }
            "population" => {
                let dist = d
                    .first_arrival
                    .as_ref()
                    .ok_or_else(|| need("first_arrival", "a distribution of times after `start`"))?;
                let offset = d.start.map(|c| b.clock(c.0, at, &path("start"), "start")).transpose()?.unwrap_or(0.0);
                DemandKind::Arrivals(ArrivalProcess::Population {
                    size: size()?,
                    first_arrival: b.dist(dist, &path("first_arrival"))?,
                    offset,
                })
            }
            "batch" => {
                let when = d.at.ok_or_else(|| need("at", "a clock time such as \"09:00\""))?;
                DemandKind::Arrivals(ArrivalProcess::Batch {
                    size: size()?,
                    at: b.clock(when.0, at, &path("at"), "at")?,
                })
            }
            "wave" => {
                let when = d.at.ok_or_else(|| need("at", "when the notification is sent"))?;
                let recipients = d.recipients.ok_or_else(|| need("recipients", "how many receive it"))?;
                let recipients = int_range(recipients, 0, 10_000_000_000).map_err(|m| err("recipients", m))? as u64;
                let react_share = share(d.react_share.ok_or_else(|| need("react_share", "the share who contact"))?)
                    .map_err(|m| err("react_share", m))?;
                let delay = d.delay.as_ref().ok_or_else(|| need("delay", "time from notification to contact"))?;
                DemandKind::Wave(NotificationWave {
                    at: b.clock(when.0, at, &path("at"), "at")?,
                    recipients,
                    react_share,
                    delay: time(b, delay, &path("delay"), MeanShape::Exponential)?,
                })
            }
            _ => {
                if external.is_some() {
                    return Err(err("kind", "only one external demand per channel".into()));
                }
                let delay = d.delay.as_ref().map(|t| time(b, t, &path("delay"), MeanShape::Exponential)).transpose()?;
                external = Some(ExternalIntake { reason, delay });
                continue;
            }
        };
        sources.push(DemandSource { name: d.name.clone(), reason, kind });
    }
    Ok((sources, external.unwrap_or_default()))
}

/// The staff schedule in whichever of its four forms the table uses.
fn schedule(
    b: &Builder<'_>,
    s: &RawStaff<'_>,
    at: usize,
    table: &str,
    run: RunLength,
    calendar: &WorkingCalendar,
) -> Result<StaffSchedule, ScenarioError> {
    let p = s.prefix;
    let key_count = p.to_string();
    let key_list = format!("{p}_per_interval");
    let key_file = format!("{p}_schedule_file");
    let path = |key: &str| format!("{table}.{key}");
    let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
    let forms: Vec<&str> = [
        (key_count.as_str(), s.count.is_some()),
        (key_list.as_str(), s.per_interval.is_some()),
        (key_file.as_str(), s.file.is_some()),
        ("shift", !s.shifts.is_empty()),
    ]
    .into_iter()
    .filter_map(|(k, present)| present.then_some(k))
    .collect();
    let one_of = format!(
        "`{p}` (a number), `{p}_per_interval` (a list), `{p}_schedule_file` (a CSV plan) or [[{table}.shift]] tables"
    );
    match forms.as_slice() {
        [] => return Err(err(&key_count, format!("says nobody is on duty; give one of {one_of}"))),
        [_] => {}
        [first, second, ..] => {
            return Err(err(second, format!("conflicts with `{first}`; give exactly one of {one_of}")));
        }
    }
    let sub_keys = [(format!("{p}_interval"), s.interval.is_some()), (format!("{p}_from"), s.from.is_some())];
    if s.per_interval.is_none()
        && let Some((key, _)) = sub_keys.iter().find(|(_, present)| *present)
    {
        return Err(err(key, format!("only applies with `{p}_per_interval`")));
    }
    if s.file.is_none() && s.column.is_some() {
        return Err(err(&format!("{p}_schedule_column"), format!("only applies with `{p}_schedule_file`")));
    }
    if let Some(n) = s.count {
        let n = int_range(n, 0, 1_000_000).map_err(|m| err(&key_count, m))?;
        return Ok(StaffSchedule::constant(n as u32));
    }
    if let Some(list) = s.per_interval {
        let width = s.interval.map_or(1800.0, |d| d.0);
        if width <= 0.0 {
            return Err(err(&format!("{p}_interval"), "must be > 0s".into()));
        }
        let from = s.from.map(|c| b.clock(c.0, at, &path(&format!("{p}_from")), &format!("{p}_from"))).transpose()?;
        let from = from.unwrap_or(0.0);
        let mut counts = Vec::with_capacity(list.len());
        for (i, &n) in list.iter().enumerate() {
            let n = int_range(n, 0, 1_000_000).map_err(|m| {
                err(&key_list, format!("entry {} (from {}): {m}", i + 1, format_duration(from + width * i as f64)))
            })?;
            counts.push(n as u32);
        }
        let end = from + width * list.len() as f64;
        if end > run.duration + 1e-9 {
            return Err(err(
                &key_list,
                format!(
                    "{} intervals of {} from {} end at {}, after the end of the run ({}); shorten the list or lengthen the run",
                    list.len(),
                    format_duration(width),
                    format_duration(from),
                    format_duration(end),
                    format_duration(run.duration)
                ),
            ));
        }
        return Ok(StaffSchedule::per_interval(from, width, &counts));
    }
    if let Some(file) = s.file {
        let column = s.column.map_or(p, |c| c.as_str());
        return schedule_file(b, file, column, run).map_err(|m| err(&key_file, m));
    }
    let mut shifts = Vec::with_capacity(s.shifts.len());
    for (i, spanned) in s.shifts.iter().enumerate() {
        let at = spanned.span().start;
        let sh = spanned.get_ref();
        let path = |key: &str| format!("{table}.shift[{}].{key}", i + 1);
        let err = |key: &str, m: String| b.map.error_at(at, &path(key), key, m);
        let start = sh.start.0.resolve(b.start_date()).map_err(|m| err("start", m))?;
        let length = sh.length.0;
        if length <= 0.0 {
            return Err(err("length", "must be > 0s".into()));
        }
        let repeat = match sh.repeat.as_deref() {
            None | Some("once") => Repeat::Once,
            Some("daily") => Repeat::Daily,
            Some("working_days") => Repeat::WorkingDays,
            Some(other) => {
                return Err(err(
                    "repeat",
                    format!("{} is not a repeat; allowed: once, daily, working_days", quote(other)),
                ));
            }
        };
        if repeat != Repeat::Once && length > 86_400.0 {
            return Err(err("length", "a repeating shift lasts at most 24h".into()));
        }
        if start + length > run.duration + 1e-9 {
            return Err(err(
                "start",
                format!(
                    "the shift from {} to {} is outside the run, which ends at {}; move or shorten it, or lengthen the run",
                    format_duration(start),
                    format_duration(start + length),
                    format_duration(run.duration)
                ),
            ));
        }
        let count = int_range(sh.count, 0, 1_000_000).map_err(|m| err("count", m))? as u32;
        let mut breaks = Vec::with_capacity(sh.breaks.len());
        for (n, br) in sh.breaks.iter().enumerate() {
            if br.length.0 <= 0.0 || br.after.0 + br.length.0 > length {
                return Err(err(
                    &format!("breaks[{}]", n + 1),
                    format!(
                        "a break of {} after {} does not fit in a shift of {}",
                        format_duration(br.length.0),
                        format_duration(br.after.0),
                        format_duration(length)
                    ),
                ));
            }
            breaks.push(Break { after: br.after.0, length: br.length.0 });
        }
        shifts.push(Shift { start, length, count, breaks, repeat });
    }
    Ok(StaffSchedule::from_shifts(&shifts, calendar, run.duration))
}

/// Reads a staffing plan: a CSV with a header, a start per row (`start_s`
/// in seconds, or `start` as a clock time) and a head count in `column`;
/// each row holds until the next, the last until its `end_s` (if the file
/// has that column) or the end of the run. Returns a one-line message
/// naming the file, and the line and column for a bad row.
fn schedule_file(b: &Builder<'_>, file: &str, column: &str, run: RunLength) -> Result<StaffSchedule, String> {
    let text = b.resolve(file).map_err(|m| format!("cannot load {}: {m}", quote(file)))?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{file}: not a CSV file ({e})"))?.clone();
    if headers.is_empty() || headers.iter().all(str::is_empty) {
        return Err(format!("{file} is empty; it needs a header row with `start_s` (or `start`) and `{column}`"));
    }
    let find = |name: &str| headers.iter().position(|h| h == name);
    let start_s = find("start_s");
    let start_clock = find("start");
    let end_s = find("end_s");
    let Some(count_col) = find(column) else {
        return Err(format!(
            "{file} has no `{column}` column (columns: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
    };
    if start_s.is_none() && start_clock.is_none() {
        return Err(format!("{file} has no `start_s` or `start` column to say when each row begins"));
    }
    let mut points: Vec<(Seconds, u32)> = Vec::new();
    let mut last_end = None;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(String::new(), |p| format!(" line {}", p.line()));
            format!("{file}{line}: malformed CSV ({e})")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize, name: &str| {
            record.get(i).filter(|v| !v.is_empty()).ok_or_else(|| format!("{file} line {line}: column {name} is empty"))
        };
        let start = match start_s {
            Some(i) => {
                let v = cell(i, "start_s")?;
                v.parse::<f64>().ok().filter(|s| *s >= 0.0 && s.is_finite()).ok_or_else(|| {
                    format!("{file} line {line}: column start_s must be seconds >= 0; got {}", quote(v))
                })?
            }
            None => {
                let i = start_clock.unwrap_or(0);
                let v = cell(i, "start")?;
                ClockTime::parse(v)
                    .and_then(|c| c.resolve(b.start_date()))
                    .map_err(|m| format!("{file} line {line}: column start: {m}"))?
            }
        };
        let v = cell(count_col, column)?;
        let count = v.parse::<f64>().ok().filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= 1e6).ok_or_else(|| {
            format!("{file} line {line}: column {column} must be an integer from 0 to 1000000; got {}", quote(v))
        })?;
        if start >= run.duration {
            return Err(format!(
                "{file} line {line}: the row starts at {}, outside the run, which ends at {}",
                format_duration(start),
                format_duration(run.duration)
            ));
        }
        if points.last().is_some_and(|(prev, _)| start <= *prev) {
            return Err(format!("{file} line {line}: rows must be in increasing order of start time"));
        }
        if let Some(i) = end_s {
            let v = cell(i, "end_s")?;
            let end = v.parse::<f64>().ok().filter(|e| *e > start).ok_or_else(|| {
                format!("{file} line {line}: column end_s must be seconds after start_s; got {}", quote(v))
            })?;
            last_end = Some(end);
        }
        points.push((start, count as u32));
        if points.len() > MAX_SCHEDULE_ROWS {
            return Err(format!("{file} has more than {MAX_SCHEDULE_ROWS} rows"));
        }
    }
    if points.is_empty() {
        return Err(format!("{file} has a header but no rows"));
    }
    if let Some(end) = last_end
        && end < run.duration
    {
        points.push((end, 0));
    }
    Ok(StaffSchedule::from_points(&points))
}
