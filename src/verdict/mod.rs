//! The verdicts a reader takes away from a run, defined once: what each
//! counts (its label), what kind of quantity it is (which fixes how it is
//! written and its possible range), which direction is better, and the
//! smallest difference that matters in practice. The terminal table, the
//! HTML report and the Markdown summary all read these definitions, so a
//! figure is labelled and written the same way wherever it appears.

pub mod format;

use crate::experiment::Estimate;
use crate::report::PairedDifference;
use crate::units::Date;

/// What kind of quantity a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A number of things (people, requests, minutes): whole, at least 0.
    Count,
    /// A share of something, 0 to 1; written in percent.
    Share,
    /// A span of time in seconds, at least 0.
    Seconds,
    /// A moment of the run: seconds since midnight of the start day.
    Clock,
    /// Events per second, at least 0.
    Rate,
    /// The share of replications in which a yes-or-no verdict holds.
    ReplicationShare,
    /// Any other number.
    Number,
}

impl Measure {
    /// The values the quantity can take, for a run of `duration_s`.
    pub fn range(self, duration_s: f64) -> (f64, f64) {
        match self {
            Measure::Count | Measure::Seconds | Measure::Rate => (0.0, f64::INFINITY),
            Measure::Share | Measure::ReplicationShare => (0.0, 1.0),
            Measure::Clock => (0.0, duration_s),
            Measure::Number => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }
}

/// Which way a verdict is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better (applications, availability).
    Higher,
    /// Less is better (outage minutes, people exposed).
    Lower,
    /// Neither: the figure describes, it does not judge.
    Neither,
}

/// The smallest difference from the baseline that matters to a planner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Practical {
    /// In the verdict's own units (people, minutes as seconds, a share).
    Absolute(f64),
    /// As a share of the baseline's value.
    Relative(f64),
}

/// A headline verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// The scope of the metric (`portal`, `phone`, a station's name, or
    /// `*` for every station).
    pub scope: &'static str,
    /// The metric, or a prefix ending in `*` for a family
    /// (`applications_by_*`).
    pub metric: &'static str,
    /// What it counts, as the reader reads it; a family's label is followed
    /// by the rest of the metric's name ("applications by 08:30").
    pub label: &'static str,
    /// Kind of quantity.
    pub measure: Measure,
    /// Which way is better.
    pub better: Better,
    /// The smallest difference that matters.
    pub practical: Practical,
    /// What to write when no replication has the figure, e.g. "no outage".
    pub none: &'static str,
    /// Whether it belongs to the scorecard, the first table of a report.
    pub scorecard: bool,
}

const fn v(
    scope: &'static str,
    metric: &'static str,
    label: &'static str,
    measure: Measure,
    better: Better,
    practical: Practical,
    none: &'static str,
) -> Verdict {
    Verdict { scope, metric, label, measure, better, practical, none, scorecard: false }
}

const fn card(verdict: Verdict) -> Verdict {
    Verdict { scorecard: true, ..verdict }
}

use Better::{Higher, Lower, Neither};
use Measure::{Clock, Count, Number, Rate, ReplicationShare, Seconds, Share};
use Practical::{Absolute, Relative};

/// A launch day's verdicts, in reading order.
pub const LAUNCH: &[Verdict] = &[
    card(v("portal", "applications", "applications completed", Count, Higher, Relative(0.01), "none")),
    v("portal", "applications_by_*", "applications completed by", Count, Higher, Relative(0.01), "none"),
    card(v(
        "portal",
        "clock_of_application_*",
        "clock time of application no.",
        Clock,
        Lower,
        Absolute(600.0),
        "not reached",
    )),
    v(
        "portal",
        "share_of_applicants_done_by_*",
        "share of arrived intenders (browsers excluded) done by",
        Share,
        Higher,
        Absolute(0.01),
        "no intender arrived",
    ),
    v(
        "portal",
        "peak_applications_per_s",
        "peak applications completed per second",
        Rate,
        Neither,
        Relative(0.05),
        "none",
    ),
    card(v(
        "portal",
        "availability",
        "availability (share of requests answered ok)",
        Share,
        Higher,
        Absolute(0.01),
        "no requests",
    )),
    card(v(
        "portal",
        "minutes_availability_below_50pct",
        "minutes with availability below 50%",
        Count,
        Lower,
        Absolute(10.0),
        "none",
    )),
    v(
        "portal",
        "minutes_availability_below_90pct",
        "minutes with availability below 90%",
        Count,
        Lower,
        Absolute(10.0),
        "none",
    ),
    v(
        "portal",
        "overload_onset_s",
        "overload onset: new demand first above capacity",
        Clock,
        Higher,
        Absolute(600.0),
        "never overloaded",
    ),
    card(v(
        "portal",
        "outage_onset_s",
        "outage onset: availability first below 50% for a sustained window",
        Clock,
        Higher,
        Absolute(600.0),
        "no outage",
    )),
    v("portal", "recovery_after_*", "time to recover after", Seconds, Lower, Absolute(600.0), "not recovered"),
    v("portal", "recovered_at_s", "recovered for good at", Clock, Lower, Absolute(600.0), "never down, or still down"),
    v(
        "portal",
        "recovered_by_end",
        "replications recovered by the end",
        ReplicationShare,
        Higher,
        Absolute(0.1),
        "none",
    ),
    card(v(
        "portal",
        "metastable",
        "replications down after the trigger passed (metastable)",
        ReplicationShare,
        Lower,
        Absolute(0.1),
        "none",
    )),
    v(
        "portal",
        "metastable_from_s",
        "metastable from: down, held there by retries, while new demand was below capacity",
        Clock,
        Higher,
        Absolute(600.0),
        "not metastable",
    ),
    card(v(
        "portal",
        "worst_p95_s",
        "worst p95 latency of answered requests",
        Seconds,
        Lower,
        Relative(0.1),
        "no answers",
    )),
    v(
        "portal",
        "peak_in_portal",
        "most people in the portal at once (active or retrying)",
        Count,
        Neither,
        Relative(0.1),
        "nobody came",
    ),
    v(
        "portal",
        "peak_sessions",
        "most sessions the portal held at once (of its max_sessions)",
        Count,
        Neither,
        Relative(0.1),
        "no sessions",
    ),
    v(
        "portal",
        "wasted_work_share",
        "wasted work (share of origin work for clients who had left)",
        Share,
        Lower,
        Absolute(0.02),
        "no work",
    ),
    card(v(
        "portal",
        "people_exposed",
        "people whose personal page was shown to someone else",
        Count,
        Lower,
        Absolute(1.0),
        "none",
    )),
    v(
        "portal",
        "people_shown_others_data",
        "people shown someone else's personal page",
        Count,
        Lower,
        Absolute(1.0),
        "none",
    ),
    card(v("portal", "applicants_given_up", "applicants who gave up", Count, Lower, Relative(0.01), "none")),
    v(
        "portal",
        "applicants_left_by_choice",
        "applicants who left by choice (browsers, and those who did not go on after a step)",
        Count,
        Neither,
        Relative(0.01),
        "none",
    ),
    v("portal", "browsers", "arrivals who never meant to apply (browsers)", Count, Neither, Relative(0.01), "none"),
    card(v(
        "portal",
        "room_wait_mean_s",
        "mean time in the waiting room (of those admitted)",
        Seconds,
        Lower,
        Relative(0.1),
        "nobody waited",
    )),
    v(
        "portal",
        "room_wait_p50_s",
        "median time in the waiting room (of those admitted)",
        Seconds,
        Lower,
        Relative(0.1),
        "nobody waited",
    ),
    v(
        "portal",
        "room_wait_p95_s",
        "p95 time in the waiting room (of those admitted)",
        Seconds,
        Lower,
        Relative(0.1),
        "nobody waited",
    ),
    v(
        "portal",
        "room_wait_max_s",
        "longest time in the waiting room (of those admitted)",
        Seconds,
        Lower,
        Relative(0.1),
        "nobody waited",
    ),
    v("portal", "room_peak", "most people in the waiting room at once", Count, Neither, Relative(0.1), "nobody waited"),
    v(
        "portal",
        "room_left",
        "people who left the waiting room's line without being let in",
        Count,
        Lower,
        Relative(0.05),
        "none",
    ),
    v("portal", "contacts_phone", "phone calls the portal's failures generated", Count, Lower, Relative(0.05), "none"),
    v(
        "portal",
        "contacts_social",
        "social posts the portal's failures generated",
        Count,
        Lower,
        Relative(0.05),
        "none",
    ),
    card(v(
        "portal",
        "people_blocked",
        "people an edge filter blocked (applicants, not hostile traffic)",
        Count,
        Lower,
        Relative(0.05),
        "none",
    )),
    v("portal", "all_requests", "requests from people and hostile sources", Count, Neither, Relative(0.05), "none"),
    v(
        "portal",
        "hostile_requests",
        "hostile requests (floods and bots) that arrived",
        Count,
        Neither,
        Relative(0.05),
        "none",
    ),
    v("portal", "hostile_blocked", "hostile requests an edge filter blocked", Count, Neither, Relative(0.05), "none"),
    v(
        "portal",
        "hostile_served",
        "hostile requests served (by the edge, or by their tier)",
        Count,
        Lower,
        Relative(0.05),
        "none",
    ),
    v(
        "portal",
        "hostile_dropped",
        "hostile requests refused for want of capacity",
        Count,
        Neither,
        Relative(0.05),
        "none",
    ),
    card(v(
        "portal",
        "items_to_people",
        "items of the stock that went to applicants",
        Count,
        Higher,
        Relative(0.01),
        "none",
    )),
    card(v("portal", "items_to_bots", "items of the stock that went to bots", Count, Lower, Relative(0.01), "none")),
    v("portal", "items_left", "items of the stock left at the end", Count, Neither, Relative(0.01), "none"),
    card(v(
        "portal",
        "sold_out_at_s",
        "clock time the stock sold out",
        Clock,
        Neither,
        Absolute(600.0),
        "never sold out",
    )),
    v(
        "portal",
        "people_sold_out",
        "people turned away because the stock had sold out",
        Count,
        Neither,
        Relative(0.05),
        "none",
    ),
    card(v(
        "phone",
        "service_level",
        "phone: calls answered within target (of calls answered or abandoned)",
        Share,
        Higher,
        Absolute(0.02),
        "no calls",
    )),
    card(v("phone", "never_answered", "phone: callers never answered", Count, Lower, Relative(0.05), "none")),
    v(
        "social",
        "within_target_share",
        "social: posts answered within target (of posts answered, or unanswered past their target)",
        Share,
        Higher,
        Absolute(0.02),
        "none due yet",
    ),
    v("social", "backlog_peak", "social: largest backlog of unanswered posts", Count, Lower, Relative(0.05), "none"),
    v("social", "unanswered_at_end", "social: posts unanswered at the end", Count, Lower, Relative(0.05), "none"),
];

/// Prefix of the metric of the people who reached a step of the funnel,
/// followed by the step's name made safe (`funnel_reached_login`).
pub const FUNNEL_REACHED: &str = "funnel_reached_";
/// Prefix of the metric of the people the portal failed at a step.
pub const FUNNEL_FAILED: &str = "funnel_failed_";
/// Prefix of the metric of the people who left by choice after a step.
pub const FUNNEL_LEFT_BY_CHOICE: &str = "funnel_left_by_choice_";

/// A launch day's funnel, per step (the rest of the name is the step's,
/// made safe: `funnel_reached_login`). Every figure counts people, each
/// once per step. Registered apart from [`LAUNCH`]: the report shows them
/// as one funnel table per scenario rather than as verdicts, and they
/// exist only on days that model leaving by choice.
pub const FUNNEL: &[Verdict] = &[
    v(
        "portal",
        "funnel_reached_*",
        "people who reached (sent a request of) step",
        Count,
        Neither,
        Relative(0.01),
        "none",
    ),
    v(
        "portal",
        "funnel_failed_*",
        "people the portal failed (a visit ended) at step",
        Count,
        Lower,
        Relative(0.01),
        "none",
    ),
    v(
        "portal",
        "funnel_left_by_choice_*",
        "people who left by choice after step",
        Count,
        Neither,
        Relative(0.01),
        "none",
    ),
];

/// A contact center's verdicts.
pub const CONTACT: &[Verdict] = &[
    v("phone", "callers", "phone: people who called", Count, Neither, Relative(0.05), "none"),
    card(v(
        "phone",
        "offered",
        "phone: call attempts (first calls and redials)",
        Count,
        Neither,
        Relative(0.05),
        "none",
    )),
    v("phone", "busy_signals", "phone: attempts that got a busy signal", Count, Lower, Relative(0.05), "none"),
    v("phone", "closed", "phone: attempts while the line was closed", Count, Neither, Relative(0.05), "none"),
    v("phone", "answered", "phone: calls answered", Count, Neither, Relative(0.02), "none"),
    card(v(
        "phone",
        "service_level",
        "phone: calls answered within target (of calls answered or abandoned)",
        Share,
        Higher,
        Absolute(0.02),
        "no calls",
    )),
    v(
        "phone",
        "worst_interval_service_level",
        "phone: worst interval's service level",
        Share,
        Higher,
        Absolute(0.02),
        "no calls",
    ),
    card(v(
        "phone",
        "p_abandon",
        "phone: hung up waiting (share of calls that reached the queue: answered or abandoned)",
        Share,
        Lower,
        Absolute(0.01),
        "no calls",
    )),
    v("phone", "asa_s", "phone: average speed of answer", Seconds, Lower, Relative(0.1), "no calls answered"),
    card(v("phone", "never_answered", "phone: callers never answered", Count, Lower, Relative(0.05), "none")),
    v(
        "phone",
        "occupancy",
        "phone: agent occupancy (share of time on duty spent on calls)",
        Share,
        Neither,
        Absolute(0.02),
        "nobody on duty",
    ),
    v("phone", "agent_hours", "phone: agent-hours on duty", Number, Neither, Relative(0.05), "none"),
    v("phone", "callbacks_made", "phone: callbacks made", Count, Neither, Relative(0.05), "none"),
    card(v("social", "received", "social: posts received", Count, Neither, Relative(0.05), "none")),
    v(
        "social",
        "attracted_posts",
        "social: posts drawn by other unanswered posts",
        Count,
        Lower,
        Relative(0.05),
        "none",
    ),
    v("social", "answered", "social: posts answered", Count, Neither, Relative(0.02), "none"),
    card(v(
        "social",
        "within_target_share",
        "social: posts answered within target (of posts answered, or unanswered past their target)",
        Share,
        Higher,
        Absolute(0.02),
        "none due yet",
    )),
    v(
        "social",
        "response_p50_s",
        "social: median response time (of posts answered)",
        Seconds,
        Lower,
        Relative(0.1),
        "none answered",
    ),
    v(
        "social",
        "response_p90_s",
        "social: p90 response time (of posts answered)",
        Seconds,
        Lower,
        Relative(0.1),
        "none answered",
    ),
    card(v(
        "social",
        "backlog_peak",
        "social: largest backlog of unanswered posts",
        Count,
        Lower,
        Relative(0.05),
        "none",
    )),
    v(
        "social",
        "backlog_per_responder_peak",
        "social: largest backlog per responder on duty",
        Count,
        Lower,
        Relative(0.05),
        "nobody on duty",
    ),
    v("social", "unanswered_at_end", "social: posts unanswered at the end", Count, Lower, Relative(0.05), "none"),
    v("social", "p_hurried", "social: hurried replies (share of replies)", Share, Lower, Absolute(0.02), "no replies"),
    v(
        "social",
        "responder_hours_needed",
        "social: responder-hours the posts needed",
        Number,
        Neither,
        Relative(0.05),
        "none",
    ),
    v("social", "responder_hours", "social: responder-hours on shift", Number, Neither, Relative(0.05), "none"),
];

/// A queueing network's verdicts: per station (`*`), then the network's.
pub const NETWORK: &[Verdict] = &[
    card(v("*", "utilisation", "utilisation", Share, Neither, Absolute(0.02), "no service")),
    card(v("*", "wait_mean_s", "mean wait (of customers served)", Seconds, Lower, Relative(0.1), "nobody served")),
    v("*", "wait_p95_s", "p95 wait (of customers served)", Seconds, Lower, Relative(0.1), "nobody served"),
    card(v("*", "p_blocked", "blocked (share of arrivals)", Share, Lower, Absolute(0.01), "no arrivals")),
    v("*", "p_abandon", "abandoned (share of admitted arrivals)", Share, Lower, Absolute(0.01), "no arrivals"),
    card(v("network", "sojourn_mean_s", "network: mean time in system", Seconds, Lower, Relative(0.1), "nobody left")),
    card(v("network", "throughput_per_s", "network: completions per second", Rate, Higher, Relative(0.02), "none")),
];

/// Whether `name` matches a pattern (exact, or a prefix ending in `*`).
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// A verdict matched to one metric of a run.
#[derive(Debug, Clone)]
pub struct Shown<'e> {
    /// The definition.
    pub verdict: &'static Verdict,
    /// The label for this metric ("applications completed by 08:30",
    /// "agents: mean wait").
    pub label: String,
    /// The estimate.
    pub estimate: &'e Estimate,
}

/// A scenario's own practical threshold for a verdict, which replaces the
/// verdict's default when that scenario is the baseline of a comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Override {
    /// The verdict's scope pattern, as in the registry.
    pub scope: &'static str,
    /// The verdict's metric pattern, as in the registry.
    pub metric: &'static str,
    /// The threshold.
    pub practical: Practical,
}

/// A threshold as a scenario writes it: a number in the verdict's units, or
/// text such as "2%" (relative to the baseline), "5pp" (a share) or "15m"
/// (a duration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThresholdText<'t> {
    /// A bare number.
    Number(f64),
    /// A string.
    Text(&'t str),
}

/// The verdict a scenario's `[practical]` key names: `metric` for a
/// launch day's portal (or any scope that has it), `scope:metric`
/// otherwise (`"phone:service_level"`); a family with its `*`
/// (`clock_of_application_*`).
pub fn by_key(key: &str) -> Option<&'static Verdict> {
    let (scope, metric) = match key.split_once(':') {
        Some((s, m)) => (Some(s), m),
        None => (None, key),
    };
    [LAUNCH, FUNNEL, CONTACT, NETWORK]
        .iter()
        .flat_map(|list| list.iter())
        .find(|v| v.metric == metric && scope.is_none_or(|s| v.scope == s || v.scope == "*"))
}

/// Reads a threshold for `verdict`, with a message that says what is
/// allowed for its kind when it does not fit.
pub fn parse_threshold(verdict: &Verdict, value: ThresholdText<'_>) -> Result<Practical, String> {
    let kind = match verdict.measure {
        Measure::Share | Measure::ReplicationShare => {
            "a share: a number from 0 to 1, or \"5pp\", or \"10%\" of the baseline"
        }
        Measure::Seconds | Measure::Clock => "a time: a duration such as \"15m\", or \"10%\" of the baseline",
        _ => "a number in the verdict's units, or \"10%\" of the baseline",
    };
    let bad = || format!("expected {kind}");
    let checked = |x: f64| if x.is_finite() && x >= 0.0 { Ok(x) } else { Err(format!("{}; got {x}", bad())) };
    match value {
        ThresholdText::Number(x) => {
            let x = checked(x)?;
            match verdict.measure {
                Measure::Seconds | Measure::Clock => Err(format!("{}; a bare number has no unit", bad())),
                Measure::Share | Measure::ReplicationShare if x > 1.0 => Err(format!("{}; got {x}", bad())),
                _ => Ok(Practical::Absolute(x)),
            }
        }
        ThresholdText::Text(t) => {
            let t = t.trim();
            if let Some(p) = t.strip_suffix('%') {
                let x = p.trim().parse::<f64>().map_err(|_| bad()).and_then(checked)?;
                return Ok(Practical::Relative(x / 100.0));
            }
            if let Some(pp) = t.strip_suffix("pp") {
                if !matches!(verdict.measure, Measure::Share | Measure::ReplicationShare) {
                    return Err(format!("{}; percentage points are for shares", bad()));
                }
                let x = pp.trim().parse::<f64>().map_err(|_| bad()).and_then(checked)?;
                return if x <= 100.0 { Ok(Practical::Absolute(x / 100.0)) } else { Err(bad()) };
            }
            if matches!(verdict.measure, Measure::Seconds | Measure::Clock) {
                return crate::units::parse_duration(t).map(Practical::Absolute).map_err(|m| format!("{}: {m}", bad()));
            }
            Err(format!("{}; got {}", bad(), crate::units::quote(t)))
        }
    }
}

impl Verdict {
    /// The practical threshold in force: the baseline scenario's own, or
    /// the verdict's default.
    pub fn practical_under(&self, overrides: &[Override]) -> Practical {
        overrides
            .iter()
            .find(|o| o.scope == self.scope && o.metric == self.metric)
            .map_or(self.practical, |o| o.practical)
    }

    /// The label of `estimate` under this definition.
    fn label_for(&self, scope: &str, metric: &str, start_date: Option<Date>) -> String {
        let mut text = match self.metric.strip_suffix('*') {
            Some(prefix) => format!("{} {}", self.label, family_suffix(&metric[prefix.len()..], start_date)),
            None => self.label.to_owned(),
        };
        if self.scope == "*" {
            text = format!("{scope}: {text}");
        }
        text
    }

    /// Whether a paired difference is both statistically significant (its
    /// 95% interval excludes zero) and at least the practical threshold,
    /// measured against the baseline's value for a relative one.
    pub fn matters(&self, d: &PairedDifference, overrides: &[Override]) -> bool {
        let statistically = d.difference.lower > 0.0 || d.difference.upper < 0.0;
        let threshold = match self.practical_under(overrides) {
            Practical::Absolute(x) => x,
            Practical::Relative(r) => r * d.baseline.abs(),
        };
        statistically && d.difference.mean.abs() >= threshold
    }

    /// "better", "worse" or "" for a difference that matters.
    pub fn direction(&self, d: &PairedDifference) -> &'static str {
        match (self.better, d.difference.mean > 0.0) {
            (Better::Neither, _) => "",
            (Better::Higher, true) | (Better::Lower, false) => "better",
            _ => "worse",
        }
    }
}

/// The readable rest of a family's metric name: `08_30` → "08:30",
/// `d2_01_00` → "2nd day 01:00", a number → grouped, `reopening` →
/// "reopening".
fn family_suffix(rest: &str, start_date: Option<Date>) -> String {
    let rest = rest.strip_suffix("_s").unwrap_or(rest);
    if let Ok(n) = rest.parse::<u64>() {
        return format::grouped(n as f64, 0);
    }
    let (day, time) = match rest.strip_prefix('d').and_then(|r| r.split_once('_')) {
        Some((d, t)) if d.parse::<u32>().is_ok() => (d.parse::<u32>().unwrap_or(1), t),
        _ => (1, rest),
    };
    let clock_text = time.replace('_', ":");
    let is_clock = clock_text.len() == 5 && clock_text.as_bytes()[2] == b':';
    if is_clock {
        let (h, m): (f64, f64) = (clock_text[..2].parse().unwrap_or(0.0), clock_text[3..].parse().unwrap_or(0.0));
        return format::clock(f64::from(day - 1) * 86_400.0 + h * 3600.0 + m * 60.0, start_date);
    }
    rest.replace('_', " ")
}

/// The verdicts of `list` that `estimates` hold, in the list's order.
pub fn pick<'e>(estimates: &'e [Estimate], list: &'static [Verdict], start_date: Option<Date>) -> Vec<Shown<'e>> {
    let mut out = Vec::new();
    for verdict in list {
        for e in estimates.iter().filter(|e| matches(verdict.scope, &e.scope) && matches(verdict.metric, &e.metric)) {
            out.push(Shown { verdict, label: verdict.label_for(&e.scope, &e.metric, start_date), estimate: e });
        }
    }
    out
}

/// The verdicts of `list` that any of `sets` hold, in the list's order,
/// each metric once with the estimate of the first set that has it. A
/// comparison reads its rows from here rather than from the baseline
/// alone, so a figure only another scenario has (the time people spent in
/// its waiting room, a milestone only it sets) is not dropped with the
/// baseline's silence.
pub fn pick_any<'e>(sets: &[&'e [Estimate]], list: &'static [Verdict], start_date: Option<Date>) -> Vec<Shown<'e>> {
    let mut out: Vec<Shown<'e>> = Vec::new();
    for verdict in list {
        for estimates in sets {
            for e in estimates.iter().filter(|e| matches(verdict.scope, &e.scope) && matches(verdict.metric, &e.metric))
            {
                if out.iter().all(|s| (s.estimate.scope.as_str(), s.estimate.metric.as_str()) != (&e.scope, &e.metric))
                {
                    out.push(Shown { verdict, label: verdict.label_for(&e.scope, &e.metric, start_date), estimate: e });
                }
            }
        }
    }
    out
}

/// The definition and label of any metric that has one.
pub fn find(scope: &str, metric: &str, start_date: Option<Date>) -> Option<(&'static Verdict, String)> {
    [LAUNCH, FUNNEL, CONTACT, NETWORK]
        .iter()
        .flat_map(|list| list.iter())
        .find(|v| matches(v.scope, scope) && matches(v.metric, metric))
        .map(|v| (v, v.label_for(scope, metric, start_date)))
}

/// What kind of quantity a metric without a verdict is, from its name:
/// durations end in `_s`, shares are named as shares, the rest are counts
/// when every replication gave a whole number.
pub fn infer(scope: &str, metric: &str, estimate: &Estimate) -> Measure {
    if let Some((v, _)) = find(scope, metric, None) {
        return v.measure;
    }
    let share_words = ["share", "availability", "utilisation", "service_level", "ratio", "occupancy"];
    if metric.starts_with("p_") || share_words.iter().any(|w| metric.contains(w)) {
        Measure::Share
    } else if metric.ends_with("_per_s") {
        Measure::Rate
    } else if metric.ends_with("_s") {
        Measure::Seconds
    } else if estimate.whole {
        Measure::Count
    } else {
        Measure::Number
    }
}

/// Any estimate as people read it, its kind taken from its verdict or its
/// name; the verdict's "none" text, or "–", when no replication had it.
pub fn estimate_text(e: &Estimate, start_date: Option<Date>, duration_s: f64) -> String {
    let measure = infer(&e.scope, &e.metric, e);
    format::estimate(measure, &e.ci, start_date, duration_s)
        .unwrap_or_else(|| find(&e.scope, &e.metric, start_date).map_or("–", |(v, _)| v.none).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_says_what_it_counts_once() {
        for list in [LAUNCH, FUNNEL, CONTACT, NETWORK] {
            for (i, a) in list.iter().enumerate() {
                assert!(!a.label.is_empty() && !a.none.is_empty(), "{}", a.metric);
                assert!(list[..i].iter().all(|b| (b.scope, b.metric) != (a.scope, a.metric)), "{} twice", a.metric);
            }
        }
    }

    #[test]
    fn a_scenario_can_set_what_matters_per_verdict_in_its_units() {
        let exposed = by_key("people_exposed").unwrap();
        assert_eq!(parse_threshold(exposed, ThresholdText::Number(10.0)), Ok(Practical::Absolute(10.0)));
        assert_eq!(parse_threshold(exposed, ThresholdText::Text("5%")), Ok(Practical::Relative(0.05)));
        let sl = by_key("phone:service_level").unwrap();
        assert_eq!(sl.scope, "phone");
        assert_eq!(parse_threshold(sl, ThresholdText::Text("5pp")), Ok(Practical::Absolute(0.05)));
        assert!(parse_threshold(sl, ThresholdText::Number(5.0)).unwrap_err().contains("from 0 to 1"));
        let onset = by_key("outage_onset_s").unwrap();
        assert_eq!(parse_threshold(onset, ThresholdText::Text("15m")), Ok(Practical::Absolute(900.0)));
        assert!(parse_threshold(onset, ThresholdText::Number(15.0)).unwrap_err().contains("no unit"));
        assert!(by_key("clock_of_application_*").is_some() && by_key("no_such_metric").is_none());
        let d = PairedDifference {
            scenario: "b".into(),
            scope: "portal".into(),
            metric: "people_exposed".into(),
            baseline: 200.0,
            variant: 195.0,
            difference: crate::stats::ConfidenceInterval::student_t(&[-5.0, -4.0, -6.0], 0.95),
            unpaired_half_width: 10.0,
        };
        assert!(exposed.matters(&d, &[]));
        let lenient = Override { scope: "portal", metric: "people_exposed", practical: Practical::Absolute(10.0) };
        assert!(!exposed.matters(&d, &[lenient]));
    }

    #[test]
    fn the_funnel_families_are_its_prefixes() {
        let patterns: Vec<String> = FUNNEL.iter().map(|v| v.metric.replace('*', "")).collect();
        assert_eq!(patterns, [FUNNEL_REACHED, FUNNEL_FAILED, FUNNEL_LEFT_BY_CHOICE]);
        let (v, label) = find("portal", "funnel_left_by_choice_log_in", None).unwrap();
        assert_eq!((v.measure, label.as_str()), (Measure::Count, "people who left by choice after step log in"));
        // A step named like a share is still a count of people.
        assert_eq!(by_key("funnel_reached_*").map(|v| v.measure), Some(Measure::Count));
    }

    #[test]
    fn families_read_as_clock_times_and_numbers() {
        let date = Date::parse("2020-04-01").ok();
        assert_eq!(family_suffix("08:30", date), "08:30");
        assert_eq!(family_suffix("d2_01:00", date), "2 Apr 01:00");
        assert_eq!(family_suffix("500000_s", date), "500,000");
        assert_eq!(family_suffix("reopening_s", date), "reopening");
    }
}
