//! The launch-day sections of a scenario: `[population]`, `[[category]]`,
//! `[[behaviour]]`, `[[step]]`, `[edge]`, `[[tier]]`, `[origin]`,
//! `[waiting_room]` and `[[intervention]]`.

use super::build::{Builder, int_in, int_range, new_name, probability, profile_shape};
use super::error::{ScenarioError, ScenarioWarning};
use super::raw::{Clock, Duration, Rate, RawDist, RawRatePoint};
use crate::arrivals::RateProfile;
use crate::dist::TimeDistribution;
use crate::engine::RunLength;
use crate::launch::{
    Action, Admission, ArrivalPart, Autoscale, Balancer, Behaviour, Category, ContentClass, DEFAULT_MILESTONES, Edge,
    EdgeFilter, HostileSource, HostileTarget, Intervention, LaunchDay, MAX_APPLICATIONS_EACH, MAX_INSTANCES,
    MAX_ITEMS_PER_REQUEST, MAX_MILESTONE, MAX_MILESTONES, MAX_STEPS, MAX_TABS, MAX_TIER_WORKERS, Reminder, RetryDelay,
    Step, StepSet, Stock, Tier, WaitingRoom,
};
use crate::units::{Seconds, format_duration, quote};
use serde::Deserialize;
use toml::Spanned;

/// Most memory a launch-day run may plan to use, in bytes.
pub const MAX_MEMORY_BYTES: f64 = 16e9;
/// Planned bytes per applicant: the record itself, plus room in the event
/// list and request slab for the share of applicants in flight at once.
const PLANNED_BYTES_PER_APPLICANT: f64 = 64.0;
/// Shortest autoscaling period: cloud autoscalers look every 15 to 60
/// seconds, and each look is an event of the run.
const MIN_AUTOSCALE_PERIOD: Seconds = 1.0;
/// Largest relative weight of a curve point. Weights only matter relative
/// to each other; the bound keeps weight × time (the curve's mass) finite
/// for any run, so the curve never becomes a division of infinities.
const MAX_CURVE_WEIGHT: f64 = 1e12;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPopulation {
    pub eligible: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    pub name: String,
    pub share: f64,
    pub behaviour: String,
    pub applications_each: Option<i64>,
    pub crowd: Option<Spanned<RawCrowd>>,
    pub curve: Option<Spanned<RawCurve>>,
    #[serde(default)]
    pub waves: Vec<Spanned<RawWave>>,
    #[serde(default)]
    pub windows: Vec<Spanned<RawWindow>>,
    pub daily_windows: Option<bool>,
    pub browsers: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCrowd {
    pub share: f64,
    pub at: Clock,
    pub spread: Spanned<RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCurve {
    pub share: f64,
    pub shape: Option<String>,
    pub profile: Vec<Spanned<RawWeightPoint>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWeightPoint {
    pub at: Clock,
    pub weight: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWave {
    pub to: Option<String>,
    pub recipients: Option<i64>,
    pub react: f64,
    pub at: Clock,
    pub delay: Spanned<RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWindow {
    pub from: Clock,
    pub to: Clock,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBehaviour {
    pub name: String,
    pub timeout: Spanned<RawDist>,
    pub retries: i64,
    pub retry_delay: Option<Spanned<RawDist>>,
    pub backoff: Option<Spanned<RawBackoff>>,
    pub tabs: Option<i64>,
    pub return_probability: f64,
    pub return_delay: Option<Spanned<RawDist>>,
    pub return_at_opening: Option<f64>,
    pub opening_delay: Option<Spanned<RawDist>>,
    pub max_visits: Option<i64>,
    pub phone_after_failure: Option<f64>,
    pub social_after_failure: Option<f64>,
    pub phone_on_give_up: Option<f64>,
    pub social_on_give_up: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBackoff {
    pub base: Duration,
    pub cap: Duration,
    pub jitter: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub name: String,
    pub class: String,
    #[serde(default)]
    pub route: Vec<String>,
    pub think: Spanned<RawDist>,
    pub addresses: Option<i64>,
    pub share: Option<f64>,
    pub per_application: Option<bool>,
    pub completes_application: Option<bool>,
    #[serde(rename = "continue")]
    pub continue_share: Option<f64>,
    pub browsers_continue: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdge {
    pub capacity: Option<Rate>,
    pub burst: Option<Duration>,
    pub static_hit_ratio: Option<f64>,
    pub latency: Option<Duration>,
    pub cacheable_personal_steps: Option<Vec<String>>,
    pub personal_ttl: Option<Duration>,
    pub viewer_actions: Option<RawViewerActions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawViewerActions {
    pub view: Option<f64>,
    pub modify: Option<f64>,
    pub delete: Option<f64>,
    pub submit: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTier {
    pub name: String,
    pub workers: i64,
    pub service: Spanned<RawDist>,
    pub queue: i64,
    pub contention: Option<f64>,
    pub coherency: Option<f64>,
    pub queue_timeout: Option<Duration>,
    pub shed_above: Option<i64>,
    pub autoscale: Option<Spanned<RawAutoscale>>,
    pub instances: Option<i64>,
    pub balancer: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAutoscale {
    pub target: f64,
    pub period: Duration,
    pub delay: Duration,
    pub step: i64,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrigin {
    pub timeout: Option<Duration>,
    pub max_sessions: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaitingRoom {
    pub admission_rate: Option<Rate>,
    pub max_sessions: Option<i64>,
    pub opens_at: Option<Clock>,
    pub session_limit: Option<Duration>,
    pub patience: Option<Spanned<RawDist>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIntervention {
    pub at: Clock,
    pub action: String,
    pub label: Option<String>,
    pub tier: Option<String>,
    pub workers: Option<i64>,
    pub instances: Option<i64>,
    pub rate: Option<Rate>,
    pub sessions: Option<i64>,
    pub category: Option<String>,
    pub steps: Option<Vec<String>>,
    pub filter: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHostile {
    pub name: String,
    pub hits: String,
    pub rate: Option<Rate>,
    #[serde(default)]
    pub profile: Vec<Spanned<RawRatePoint>>,
    pub shape: Option<String>,
    pub work: Option<Spanned<RawDist>>,
    pub takes_items: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdgeFilter {
    pub name: String,
    pub blocks_hostile: f64,
    pub blocks_people: Option<f64>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStock {
    pub items: i64,
    pub per_application: Option<i64>,
}

/// The launch-day sections as written.
#[derive(Debug, Default)]
pub(crate) struct RawLaunch<'r> {
    pub population: Option<&'r Spanned<RawPopulation>>,
    pub categories: &'r [Spanned<RawCategory>],
    pub behaviours: &'r [Spanned<RawBehaviour>],
    pub steps: &'r [Spanned<RawStep>],
    pub edge: Option<&'r Spanned<RawEdge>>,
    pub tiers: &'r [Spanned<RawTier>],
    pub origin: Option<&'r Spanned<RawOrigin>>,
    pub waiting_room: Option<&'r Spanned<RawWaitingRoom>>,
    pub interventions: &'r [Spanned<RawIntervention>],
    pub hostile: &'r [Spanned<RawHostile>],
    pub filters: &'r [Spanned<RawEdgeFilter>],
    pub stock: Option<&'r Spanned<RawStock>>,
    pub report_times: &'r [Clock],
    pub milestones: Option<&'r [toml::Value]>,
}

/// The names an intervention may refer to.
struct Names<'n> {
    tiers: &'n [Tier],
    categories: &'n [&'n str],
    filters: &'n [&'n str],
}

/// The personal steps named in `names` as a step set; all personal steps
/// when no names are given.
fn step_set(names: Option<&[String]>, steps: &[Step]) -> Result<StepSet, String> {
    let personal: Vec<&str> =
        steps.iter().filter(|s| s.class == ContentClass::Personal).map(|s| s.name.as_str()).collect();
    let Some(names) = names else {
        return Ok(steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.class == ContentClass::Personal)
            .map(|(i, _)| 1 << i)
            .sum());
    };
    let mut set = 0;
    for name in names {
        let Some(i) = steps.iter().position(|s| s.name == *name && s.class == ContentClass::Personal) else {
            return Err(format!("{} is not a personal step; personal steps: {}", quote(name), personal.join(", ")));
        };
        set |= 1 << i;
    }
    Ok(set)
}

impl Builder<'_> {
    /// Builds the launch-day model from its sections.
    pub(super) fn launch(&self, raw: &RawLaunch<'_>, run: RunLength) -> Result<LaunchDay, ScenarioError> {
        let Some(population) = raw.population else {
            return Err(self.top("population", "a launch-day scenario needs [population] with `eligible`"));
        };
        let p_at = population.span().start;
        let eligible = int_range(population.get_ref().eligible, 1, 4_000_000_000)
            .map_err(|m| self.map.error_at(p_at, "population.eligible", "eligible", m))? as u64;

        let tier_names: Vec<&str> = raw.tiers.iter().map(|t| t.get_ref().name.as_str()).collect();
        let mut tiers = Vec::with_capacity(raw.tiers.len());
        for (i, t) in raw.tiers.iter().enumerate() {
            new_name(tier_names[i], tier_names[..i].iter().copied(), "tier")
                .map_err(|m| self.map.error_at(t.span().start, &format!("tier[{}].name", tier_names[i]), "name", m))?;
            tiers.push(self.tier(t)?);
        }
        if tiers.is_empty() {
            return Err(self.top("tier", "a launch-day scenario needs at least one [[tier]] (e.g. app servers)"));
        }
        let steps = self.steps(raw.steps, &tier_names)?;
        let behaviours: Vec<(&str, usize)> =
            raw.behaviours.iter().enumerate().map(|(i, b)| (b.get_ref().name.as_str(), i)).collect();
        for (i, (name, _)) in behaviours.iter().enumerate() {
            new_name(name, behaviours[..i].iter().map(|(n, _)| *n), "behaviour").map_err(|m| {
                self.map.error_at(raw.behaviours[i].span().start, &format!("behaviour[{name}].name"), "name", m)
            })?;
        }
        let mut categories = Vec::with_capacity(raw.categories.len());
        let mut share_sum = 0.0;
        for c in raw.categories {
            new_name(&c.get_ref().name, categories.iter().map(|k: &Category| k.name.as_str()), "category").map_err(
                |m| self.map.error_at(c.span().start, &format!("category[{}].name", c.get_ref().name), "name", m),
            )?;
            let category = self.category(c, eligible, raw.behaviours, &behaviours, &steps)?;
            share_sum += c.get_ref().share;
            categories.push(category);
        }
        if categories.is_empty() {
            return Err(self.top("category", "a launch-day scenario needs at least one [[category]] of applicants"));
        }
        if (share_sum - 1.0).abs() > 1e-6 {
            let first = raw.categories[0].span().start;
            let listed: Vec<String> =
                raw.categories.iter().map(|c| format!("{} {}", c.get_ref().name, c.get_ref().share)).collect();
            return Err(self.map.error_at(
                first,
                "category.share",
                "share",
                format!("category shares must sum to 1; they sum to {share_sum} ({})", listed.join(", ")),
            ));
        }
        let edge = self.edge(raw.edge, &steps)?;
        let origin_timeout = raw.origin.and_then(|o| o.get_ref().timeout).map(|d| d.0);
        let max_sessions = match raw.origin.and_then(|o| o.get_ref().max_sessions.map(|n| (o.span().start, n))) {
            Some((at, n)) => Some(
                int_range(n, 1, 1_000_000_000)
                    .map_err(|m| self.map.error_at(at, "origin.max_sessions", "max_sessions", m))?
                    as u32,
            ),
            None => None,
        };
        let waiting_room = raw.waiting_room.map(|r| self.waiting_room(r)).transpose()?;
        let category_names: Vec<&str> = categories.iter().map(|c: &Category| c.name.as_str()).collect();
        let mut hostile = Vec::with_capacity(raw.hostile.len());
        for h in raw.hostile {
            new_name(&h.get_ref().name, hostile.iter().map(|k: &HostileSource| k.name.as_str()), "hostile source")
                .map_err(|m| {
                    self.map.error_at(h.span().start, &format!("hostile[{}].name", h.get_ref().name), "name", m)
                })?;
            hostile.push(self.hostile(h, &tier_names, raw.stock.is_some())?);
        }
        if hostile.len() > 255 {
            return Err(self.top("hostile", format!("at most 255 [[hostile]] sources; got {}", hostile.len())));
        }
        let mut filters = Vec::with_capacity(raw.filters.len());
        for f in raw.filters {
            let r = f.get_ref();
            let path = |key: &str| format!("edge_filter[{}].{key}", r.name);
            let err = |key: &str, m: String| self.map.error_at(f.span().start, &path(key), key, m);
            new_name(&r.name, filters.iter().map(|k: &EdgeFilter| k.name.as_str()), "edge filter")
                .map_err(|m| err("name", m))?;
            filters.push(EdgeFilter {
                name: r.name.clone(),
                blocks_hostile: probability(r.blocks_hostile).map_err(|m| err("blocks_hostile", m))?,
                blocks_people: probability(r.blocks_people.unwrap_or(0.0)).map_err(|m| err("blocks_people", m))?,
                active: r.active.unwrap_or(true),
            });
        }
        if filters.len() > 64 {
            return Err(self.top("edge_filter", format!("at most 64 [[edge_filter]] rules; got {}", filters.len())));
        }
        let stock = match raw.stock {
            None => None,
            Some(st) => {
                let r = st.get_ref();
                let err = |key: &str, m: String| self.map.error_at(st.span().start, &format!("stock.{key}"), key, m);
                let items = int_range(r.items, 0, 1_000_000_000_000).map_err(|m| err("items", m))? as u64;
                let per_application =
                    int_in(r.per_application, 1, 1, 1_000_000).map_err(|m| err("per_application", m))? as u32;
                Some(Stock { items, per_application })
            }
        };
        let filter_names: Vec<&str> = filters.iter().map(|f| f.name.as_str()).collect();
        let mut interventions = Vec::with_capacity(raw.interventions.len());
        for (i, iv) in raw.interventions.iter().enumerate() {
            let names = Names { tiers: &tiers, categories: &category_names, filters: &filter_names };
            let built = self.intervention(iv, i, &names, &steps, waiting_room.is_some())?;
            if interventions.last().is_some_and(|prev: &Intervention| built.at < prev.at) {
                return Err(self.map.error_at(
                    iv.span().start,
                    &format!("intervention[{}].at", i + 1),
                    "at",
                    "interventions must be listed in time order",
                ));
            }
            interventions.push(built);
        }
        let mut report_times = Vec::with_capacity(raw.report_times.len());
        for (i, t) in raw.report_times.iter().enumerate() {
            report_times.push(self.clock(t.0, 0, &format!("report_times[{}]", i + 1), "report_times")?);
        }
        let day = LaunchDay {
            run,
            categories,
            journey: steps,
            edge,
            tiers,
            origin_timeout,
            max_sessions,
            waiting_room,
            interventions,
            report_times,
            milestones: self.milestones(raw.milestones)?,
            contact_center: None,
            hostile,
            filters,
            stock,
        };
        let applicants = day.max_applicants() as f64;
        let planned = applicants * PLANNED_BYTES_PER_APPLICANT;
        if planned > MAX_MEMORY_BYTES {
            let message = format!(
                "{applicants:.3e} applicants would need about {:.1} GB per replication; at most {:.0} GB is allowed",
                planned / 1e9,
                MAX_MEMORY_BYTES / 1e9
            );
            return Err(self.map.error_at(p_at, "population.eligible", "eligible", message));
        }
        day.check().map_err(|m| self.top("step", m))?;
        Ok(day)
    }

    /// The application counts to date (`milestones`), or the defaults.
    fn milestones(&self, written: Option<&[toml::Value]>) -> Result<Vec<u64>, ScenarioError> {
        let Some(values) = written else { return Ok(DEFAULT_MILESTONES.to_vec()) };
        if values.len() > MAX_MILESTONES {
            return Err(self
                .top("milestones", format!("at most {MAX_MILESTONES} milestones are allowed; got {}", values.len())));
        }
        let mut out: Vec<u64> = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let err = |m: String| self.map.error_at(0, &format!("milestones[{}]", i + 1), "milestones", m);
            let wanted = format!("expected a whole number of applications from 1 to {MAX_MILESTONE}");
            let n = match value {
                toml::Value::Integer(n) => *n as f64,
                toml::Value::Float(x) => *x,
                toml::Value::String(s) => return Err(err(format!("{wanted}; got the text {}", quote(s)))),
                other => return Err(err(format!("{wanted}; got a {}", other.type_str()))),
            };
            if !(n >= 1.0 && n <= MAX_MILESTONE as f64 && n.fract() == 0.0) {
                return Err(err(format!("{wanted}; got {n}")));
            }
            let n = n as u64;
            if let Some(&before) = out.last()
                && n <= before
            {
                return Err(err(format!("milestones must increase; {n} follows {before}")));
            }
            out.push(n);
        }
        Ok(out)
    }

    /// Warnings for behaviours that send failed applicants to a phone line
    /// or a social inbox the scenario does not model: those contacts are
    /// counted, and nobody answers them.
    pub(super) fn unmodelled_channels(&self, raw: &RawLaunch<'_>, day: &LaunchDay) -> Vec<ScenarioWarning> {
        let center = day.contact_center.as_ref();
        let channels = [
            ("phone", "[contact.phone]", "calls", center.is_some_and(|c| c.phone.is_some())),
            ("social", "[contact.social]", "posts", center.is_some_and(|c| c.social.is_some())),
        ];
        let mut warnings = Vec::new();
        for spanned in raw.behaviours {
            let b = spanned.get_ref();
            if !raw.categories.iter().any(|c| c.get_ref().behaviour == b.name) {
                continue;
            }
            for (channel, section, contacts, modelled) in channels {
                let shares = match channel {
                    "phone" => [("after_failure", b.phone_after_failure), ("on_give_up", b.phone_on_give_up)],
                    _ => [("after_failure", b.social_after_failure), ("on_give_up", b.social_on_give_up)],
                };
                for (when, share) in shares {
                    let Some(share) = share.filter(|s| *s > 0.0 && !modelled) else { continue };
                    let key = format!("{channel}_{when}");
                    let who = if when == "after_failure" { "failed visits" } else { "people giving up" };
                    warnings.push(ScenarioWarning(self.map.error_at(
                        spanned.span().start,
                        &format!("behaviour[{}].{key}", b.name),
                        &key,
                        format!(
                            "{} of {who} contact the {channel} channel, but the scenario has no {section}: the \
                             {contacts} are counted (contacts_{channel}) and nobody answers them; add {section} \
                             to model it, or set {key} = 0",
                            crate::verdict::format::value(crate::verdict::Measure::Share, share, None)
                        ),
                    )));
                }
            }
        }
        warnings
    }

    /// A hostile source: its layer, its rate over the day, and what each
    /// request costs and takes.
    fn hostile(
        &self,
        spanned: &Spanned<RawHostile>,
        tiers: &[&str],
        has_stock: bool,
    ) -> Result<HostileSource, ScenarioError> {
        let at = spanned.span().start;
        let h = spanned.get_ref();
        let path = |key: &str| format!("hostile[{}].{key}", h.name);
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        let target = if h.hits == "edge" {
            HostileTarget::Edge
        } else if let Some(t) = tiers.iter().position(|t| *t == h.hits) {
            HostileTarget::Tier(t)
        } else {
            return Err(err(
                "hits",
                format!("{} is neither \"edge\" nor a tier; tiers: {}", quote(&h.hits), tiers.join(", ")),
            ));
        };
        let shape = profile_shape(h.shape.as_deref()).map_err(|m| err("shape", m))?;
        let points = match (h.rate, h.profile.is_empty()) {
            (Some(rate), true) => vec![(0.0, rate.0)],
            (None, false) => self.profile_points(&h.profile, &path("profile"))?,
            _ => {
                return Err(err(
                    "rate",
                    "give either `rate` (constant, e.g. \"20000/s\") or `profile = [{ at, rate }, ...]`, not both"
                        .into(),
                ));
            }
        };
        let rate = RateProfile { points, shape };
        // Hostile requests aimed at a tier are events, one each: bound them
        // as first arrivals are bounded (an edge flood is counted per second).
        let expected = rate.integral(self.duration());
        if matches!(target, HostileTarget::Tier(_)) && expected > 1e10 {
            return Err(err(
                "rate",
                format!(
                    "would send {expected:.3e} requests to a tier in the run; at most 1e10 (aim a flood at the edge)"
                ),
            ));
        }
        let work = match (&h.work, target) {
            (Some(w), HostileTarget::Tier(_)) => Some(self.dist(w, &path("work"))?),
            (None, HostileTarget::Tier(_)) => {
                return Err(err(
                    "work",
                    format!(
                        "a source that hits tier {} needs `work`, the service time one request costs there",
                        quote(&h.hits)
                    ),
                ));
            }
            (Some(_), HostileTarget::Edge) => {
                return Err(err("work", "a flood at the edge costs edge capacity only; `work` is for a tier".into()));
            }
            (None, HostileTarget::Edge) => None,
        };
        let takes_items = h.takes_items.unwrap_or(0.0);
        if !(0.0..=MAX_ITEMS_PER_REQUEST).contains(&takes_items) {
            return Err(err(
                "takes_items",
                format!("must be a mean number of items from 0 to {MAX_ITEMS_PER_REQUEST}; got {takes_items}"),
            ));
        }
        if takes_items > 0.0 && (!has_stock || target == HostileTarget::Edge) {
            let why = if has_stock { "only requests served by a tier can buy" } else { "the scenario has no [stock]" };
            return Err(err("takes_items", format!("{why}: nothing to take")));
        }
        Ok(HostileSource { name: h.name.clone(), rate, target, work, takes_items })
    }

    fn tier(&self, spanned: &Spanned<RawTier>) -> Result<Tier, ScenarioError> {
        let at = spanned.span().start;
        let t = spanned.get_ref();
        let path = |key: &str| format!("tier[{}].{key}", t.name);
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        let workers = int_range(t.workers, 1, MAX_TIER_WORKERS as i64).map_err(|m| err("workers", m))? as u32;
        // Instances × workers stays within the bound on a tier's workers.
        let most_instances =
            |workers: u32| (MAX_TIER_WORKERS / u64::from(workers)).min(u64::from(MAX_INSTANCES)) as i64;
        let instances = t
            .instances
            .map(|n| {
                int_range(n, 1, most_instances(workers)).map(|n| n as u32).map_err(|m| {
                    format!("{m} (instances × workers may be at most {MAX_TIER_WORKERS}, and instances at most {MAX_INSTANCES})")
                })
            })
            .transpose()
            .map_err(|m| err("instances", m))?;
        let balancer = match t.balancer.as_deref() {
            None | Some("least_connections") => Balancer::LeastConnections,
            Some("round_robin") => Balancer::RoundRobin,
            Some(other) => {
                return Err(err(
                    "balancer",
                    format!("{} is not a balancer; allowed: least_connections, round_robin", quote(other)),
                ));
            }
        };
        if t.balancer.is_some() && instances.is_none() {
            return Err(err(
                "balancer",
                "a balancer needs `instances` (a tier of one server has nothing to balance)".into(),
            ));
        }
        let queue_capacity = int_range(t.queue, 0, 1_000_000_000).map_err(|m| err("queue", m))? as u32;
        let contention = t.contention.unwrap_or(0.0);
        let coherency = t.coherency.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&contention) {
            return Err(err(
                "contention",
                format!("must be from 0 to 1 (Universal Scalability Law α); got {contention}"),
            ));
        }
        if !(0.0..=1.0).contains(&coherency) {
            return Err(err(
                "coherency",
                format!("must be from 0 to 1 (Universal Scalability Law β); got {coherency}"),
            ));
        }
        let shed_above = t
            .shed_above
            .map(|s| int_range(s, 0, 1_000_000_000).map(|s| s as u32))
            .transpose()
            .map_err(|m| err("shed_above", m))?;
        let autoscale = match &t.autoscale {
            None => None,
            Some(a) => {
                let r = a.get_ref();
                let a_at = a.span().start;
                let a_err = |key: &str, m: String| self.map.error_at(a_at, &path(&format!("autoscale.{key}")), key, m);
                if !(r.target > 0.0 && r.target <= 1.0) {
                    return Err(a_err(
                        "target",
                        format!("must be a utilisation above 0 and at most 1; got {}", r.target),
                    ));
                }
                // Each period is an event: a period of a microsecond would
                // spend a day's run on autoscaling checks alone.
                if r.period.0 < MIN_AUTOSCALE_PERIOD {
                    return Err(a_err("period", format!("must be at least 1s; got {}", format_duration(r.period.0))));
                }
                // With instances, step, min and max count instances.
                let most = if instances.is_some() { most_instances(workers) } else { MAX_TIER_WORKERS as i64 };
                let step = int_range(r.step, 1, most).map_err(|m| a_err("step", m))? as u32;
                let min = int_range(r.min, 1, most).map_err(|m| a_err("min", m))? as u32;
                let max = int_range(r.max, i64::from(min), most).map_err(|m| a_err("max", m))? as u32;
                Some(Autoscale { target: r.target, period: r.period.0, delay: r.delay.0, step, min, max })
            }
        };
        Ok(Tier {
            name: t.name.clone(),
            workers,
            instances,
            balancer,
            service: self.dist(&t.service, &path("service"))?,
            queue_capacity,
            contention,
            coherency,
            queue_timeout: t.queue_timeout.map(|d| d.0),
            shed_above,
            autoscale,
        })
    }

    fn steps(&self, raw: &[Spanned<RawStep>], tiers: &[&str]) -> Result<Vec<Step>, ScenarioError> {
        if raw.is_empty() || raw.len() > MAX_STEPS {
            return Err(self.top("step", format!("a journey needs 1 to {MAX_STEPS} [[step]] tables, in order")));
        }
        let mut steps = Vec::with_capacity(raw.len());
        for spanned in raw {
            let at = spanned.span().start;
            let s = spanned.get_ref();
            let path = |key: &str| format!("step[{}].{key}", s.name);
            let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
            new_name(&s.name, steps.iter().map(|k: &Step| k.name.as_str()), "step").map_err(|m| err("name", m))?;
            let Some(class) = ContentClass::ALL.into_iter().find(|c| c.name() == s.class) else {
                let allowed: Vec<&str> = ContentClass::ALL.iter().map(|c| c.name()).collect();
                let message = format!("{} is not a content class; allowed: {}", quote(&s.class), allowed.join(", "));
                return Err(err("class", message));
            };
            let mut route = Vec::with_capacity(s.route.len());
            for name in &s.route {
                let Some(t) = tiers.iter().position(|t| t == name) else {
                    return Err(err(
                        "route",
                        format!("no tier is called {}; tiers: {}", quote(name), tiers.join(", ")),
                    ));
                };
                if route.contains(&t) {
                    return Err(err(
                        "route",
                        format!("tier {} appears twice; a route visits each tier once", quote(name)),
                    ));
                }
                route.push(t);
            }
            if route.is_empty() && class != ContentClass::Static {
                return Err(err("route", "a personal or write step must name the origin tiers it calls".into()));
            }
            let addresses = int_in(s.addresses, 1, 1, 100_000_000).map_err(|m| err("addresses", m))? as u32;
            let share = s.share.unwrap_or(1.0);
            if !(share > 0.0 && share <= 1.0) {
                return Err(err("share", format!("must be a share of visits above 0 and at most 1; got {share}")));
            }
            let goes_on = |key: &str, value: Option<f64>, who: &str| {
                let x = value.unwrap_or(1.0);
                if (0.0..=1.0).contains(&x) {
                    Ok(x)
                } else {
                    Err(err(key, format!("must be the share of {who} who go on after this step, from 0 to 1; got {x}")))
                }
            };
            let continue_share = goes_on("continue", s.continue_share, "intenders")?;
            let browsers_continue = goes_on("browsers_continue", s.browsers_continue, "browsers")?;
            steps.push(Step {
                name: s.name.clone(),
                class,
                route,
                think: self.dist(&s.think, &path("think"))?,
                addresses,
                share,
                per_application: s.per_application.unwrap_or(false),
                completes_application: s.completes_application.unwrap_or(false),
                continue_share,
                browsers_continue,
            });
        }
        let completing: Vec<usize> =
            steps.iter().enumerate().filter(|(_, s)| s.completes_application).map(|(i, _)| i).collect();
        if let [first, second, ..] = completing[..] {
            return Err(self.map.error_at(
                raw[second].span().start,
                &format!("step[{}].completes_application", steps[second].name),
                "completes_application",
                format!(
                    "step {} already completes the application; one step completes it (the submission), so an \
                     application is counted once per journey",
                    quote(&steps[first].name)
                ),
            ));
        }
        if completing.is_empty() {
            return Err(self.map.error_at(
                raw[raw.len() - 1].span().start,
                "step.completes_application",
                "completes_application",
                "no step completes an application: mark the submission step `completes_application = true`",
            ));
        }
        let flagged: Vec<usize> = steps.iter().enumerate().filter(|(_, s)| s.per_application).map(|(i, _)| i).collect();
        if let (Some(first), Some(last)) = (flagged.first(), flagged.last())
            && last - first + 1 != flagged.len()
        {
            return Err(self.map.error_at(
                raw[*first].span().start,
                "step.per_application",
                "per_application",
                "the per-application steps must be consecutive (one block repeated for each application)",
            ));
        }
        Ok(steps)
    }

    fn category(
        &self,
        spanned: &Spanned<RawCategory>,
        eligible: u64,
        raw_behaviours: &[Spanned<RawBehaviour>],
        behaviours: &[(&str, usize)],
        steps: &[Step],
    ) -> Result<Category, ScenarioError> {
        let at = spanned.span().start;
        let c = spanned.get_ref();
        let path = |key: &str| format!("category[{}].{key}", c.name);
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        if !(0.0..=1.0).contains(&c.share) {
            return Err(err("share", format!("must be a share of the population from 0 to 1; got {}", c.share)));
        }
        let browsers = c.browsers.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&browsers) {
            return Err(err(
                "browsers",
                format!(
                    "must be the share of the category's arrivals who never mean to apply, from 0 to 1; got {browsers}"
                ),
            ));
        }
        let applications_each = int_in(c.applications_each, 1, 1, i64::from(MAX_APPLICATIONS_EACH))
            .map_err(|m| err("applications_each", m))? as u32;
        // People in the category, and the applicants who arrive for them: an
        // intermediary files `applications_each` people's applications.
        let size = (eligible as f64 * c.share / f64::from(applications_each)).round() as u64;
        if applications_each > 1 && !steps.iter().any(|s| s.per_application) {
            return Err(err(
                "applications_each",
                "more than one application each needs steps marked `per_application = true`".into(),
            ));
        }
        let Some(&(_, b)) = behaviours.iter().find(|(name, _)| *name == c.behaviour) else {
            let names: Vec<&str> = behaviours.iter().map(|(n, _)| *n).collect();
            return Err(err(
                "behaviour",
                format!("no [[behaviour]] is called {}; behaviours: {}", quote(&c.behaviour), names.join(", ")),
            ));
        };
        let behaviour = self.behaviour(&raw_behaviours[b])?;
        let mut arrivals = Vec::new();
        let mut part_shares = 0.0;
        if let Some(crowd) = &c.crowd {
            let r = crowd.get_ref();
            let c_at = crowd.span().start;
            let share = probability(r.share).map_err(|m| self.map.error_on_line(c_at, &path("crowd.share"), m))?;
            part_shares += share;
            arrivals.push(ArrivalPart::Crowd {
                people: (size as f64 * share).round() as u64,
                at: self.clock(r.at.0, c_at, &path("crowd.at"), "at")?,
                spread: self.dist(&r.spread, &path("crowd.spread"))?,
            });
        }
        if let Some(curve) = &c.curve {
            let (share, start, dist) = self.curve(curve, &path("curve"))?;
            part_shares += share;
            // Rounded shares of an odd category may overshoot by one.
            let crowd: u64 = arrivals.iter().map(ArrivalPart::people).sum();
            let people = ((size as f64 * share).round() as u64).min(size.saturating_sub(crowd));
            arrivals.push(ArrivalPart::Curve { people, start, curve: dist });
        }
        if part_shares > 1.0 + 1e-9 {
            return Err(err(
                "crowd",
                format!(
                    "the crowd and curve shares sum to {part_shares}; they are shares of the category and must sum to at most 1"
                ),
            ));
        }
        // A wave brings people who would not have come without it: its
        // recipients are the category's applicants in neither its crowd nor
        // its curve, and its waves together reach each of them at most once.
        let arriving: u64 = arrivals.iter().map(ArrivalPart::people).sum();
        let mut unreached = size.saturating_sub(arriving);
        let mut reminders = Vec::new();
        for (i, wave) in c.waves.iter().enumerate() {
            let r = wave.get_ref();
            let w_at = wave.span().start;
            let wpath = |key: &str| path(&format!("waves[{}].{key}", i + 1));
            let react = probability(r.react).map_err(|m| self.map.error_on_line(w_at, &wpath("react"), m))?;
            match r.to.as_deref() {
                None | Some("new") => {}
                Some("gone_for_now") => {
                    if r.recipients.is_some() {
                        return Err(self.map.error_on_line(
                            w_at,
                            &wpath("recipients"),
                            "a wave to those gone for now reaches every one of them the moment it is sent; \
                             leave out `recipients`",
                        ));
                    }
                    reminders.push(Reminder {
                        at: self.clock(r.at.0, w_at, &wpath("at"), "at")?,
                        react,
                        delay: self.dist(&r.delay, &wpath("delay"))?,
                    });
                    continue;
                }
                Some(other) => {
                    return Err(self.map.error_on_line(
                        w_at,
                        &wpath("to"),
                        format!(
                            "is {}; a wave goes to \"new\" people (who would not have come without it; the \
                             default) or to those \"gone_for_now\" (who left and mean to come back)",
                            quote(other)
                        ),
                    ));
                }
            }
            let recipients = r.recipients.ok_or_else(|| {
                self.map.error_on_line(w_at, &wpath("recipients"), "a wave to new people needs `recipients`")
            })?;
            let recipients = int_range(recipients, 0, 4_000_000_000)
                .map_err(|m| self.map.error_on_line(w_at, &wpath("recipients"), m))?
                as u64;
            if recipients > unreached {
                let earlier = if i == 0 { String::new() } else { " and not reached by an earlier wave".to_owned() };
                return Err(self.map.error_on_line(
                    w_at,
                    &wpath("recipients"),
                    format!(
                        "{recipients} recipients, but the category has {size} applicants and only {unreached} of \
                         them are in neither its crowd nor its curve{earlier}: a wave reaches people who would not \
                         have come otherwise; at most {unreached}"
                    ),
                ));
            }
            unreached -= recipients;
            arrivals.push(ArrivalPart::Wave {
                recipients,
                react,
                at: self.clock(r.at.0, w_at, &wpath("at"), "at")?,
                delay: self.dist(&r.delay, &wpath("delay"))?,
            });
        }
        let mut windows = Vec::new();
        for (i, w) in c.windows.iter().enumerate() {
            let w_at = w.span().start;
            let wpath = |key: &str| path(&format!("windows[{}].{key}", i + 1));
            let from = w
                .get_ref()
                .from
                .0
                .resolve(self.start_date())
                .map_err(|m| self.map.error_on_line(w_at, &wpath("from"), m))?;
            let to = w
                .get_ref()
                .to
                .0
                .resolve(self.start_date())
                .map_err(|m| self.map.error_on_line(w_at, &wpath("to"), m))?;
            if c.daily_windows.unwrap_or(false) {
                let day = 86_400.0;
                let (from, to) = (from % day, if to % day == 0.0 && to > 0.0 { day } else { to % day });
                let mut offset = 0.0;
                while offset < self.duration() {
                    if to > from {
                        windows.push((offset + from, offset + to));
                    } else {
                        // Overnight: e.g. 20:00 to 08:00.
                        windows.push((offset, offset + to));
                        windows.push((offset + from, offset + day));
                    }
                    offset += day;
                }
            } else {
                if to <= from {
                    return Err(self.map.error_on_line(w_at, &wpath("to"), "must be after `from`"));
                }
                windows.push((from, to));
            }
        }
        Ok(Category {
            name: c.name.clone(),
            size,
            applications_each,
            arrivals,
            reminders,
            windows,
            behaviour,
            browsers,
        })
    }

    /// A daily curve: relative weights at clock times, turned into the
    /// distribution of first-attempt times (a piecewise-linear CDF).
    fn curve(
        &self,
        spanned: &Spanned<RawCurve>,
        path: &str,
    ) -> Result<(f64, Seconds, TimeDistribution), ScenarioError> {
        let at = spanned.span().start;
        let c = spanned.get_ref();
        let err = |key: &str, m: String| self.map.error_at(at, &format!("{path}.{key}"), key, m);
        let share = probability(c.share).map_err(|m| err("share", m))?;
        let linear = match c.shape.as_deref() {
            None | Some("step") => false,
            Some("linear") => true,
            Some(other) => {
                return Err(err("shape", format!("{} is not a curve shape; allowed: step, linear", quote(other))));
            }
        };
        if c.profile.len() < 2 {
            return Err(err("profile", "needs at least 2 points: the weight holds from each point to the next, and the last point ends the curve".into()));
        }
        let mut points: Vec<(Seconds, f64)> = Vec::with_capacity(c.profile.len());
        for (i, p) in c.profile.iter().enumerate() {
            let key = format!("{path}.profile[{}]", i + 1);
            let t = self.clock(p.get_ref().at.0, p.span().start, &format!("{key}.at"), "at")?;
            let w = p.get_ref().weight;
            if !(0.0..=MAX_CURVE_WEIGHT).contains(&w) {
                return Err(self.map.error_on_line(
                    p.span().start,
                    &format!("{key}.weight"),
                    format!("must be a number from 0 to 1e12; got {w}"),
                ));
            }
            if points.last().is_some_and(|(prev, _)| t <= *prev) {
                return Err(self.map.error_on_line(
                    p.span().start,
                    &format!("{key}.at"),
                    "points must be in strictly increasing time order",
                ));
            }
            points.push((t, w));
        }
        let start = points[0].0;
        // Cumulative mass at each point; a linear segment is split in eight so
        // the piecewise-linear CDF follows its quadratic closely.
        let mut cdf = vec![(0.0, 0.0)];
        let mut mass = 0.0;
        for pair in points.windows(2) {
            let ((t0, w0), (t1, w1)) = (pair[0], pair[1]);
            let pieces = if linear { 8 } else { 1 };
            for k in 1..=pieces {
                let f = f64::from(k) / f64::from(pieces);
                let t = t0 + f * (t1 - t0);
                mass += if linear {
                    let wa = w0 + (w1 - w0) * (f - 1.0 / f64::from(pieces));
                    let wb = w0 + (w1 - w0) * f;
                    0.5 * (wa + wb) * (t1 - t0) / f64::from(pieces)
                } else {
                    w0 * (t1 - t0) / f64::from(pieces)
                };
                cdf.push((t - start, mass));
            }
        }
        if mass <= 0.0 {
            return Err(err("profile", "all weights are zero: nobody would arrive".into()));
        }
        let cdf: Vec<(f64, f64)> = cdf.into_iter().map(|(t, m)| (t, m / mass)).collect();
        let dist = TimeDistribution::empirical_cdf(cdf).map_err(|e| err("profile", e.to_string()))?;
        Ok((share, start, dist))
    }

    fn behaviour(&self, spanned: &Spanned<RawBehaviour>) -> Result<Behaviour, ScenarioError> {
        let at = spanned.span().start;
        let b = spanned.get_ref();
        let path = |key: &str| format!("behaviour[{}].{key}", b.name);
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        let prob = |key: &str, v: Option<f64>| probability(v.unwrap_or(0.0)).map_err(|m| err(key, m));
        let retry_delay = match (&b.retry_delay, &b.backoff) {
            (Some(d), None) => RetryDelay::Reload(self.dist(d, &path("retry_delay"))?),
            (None, Some(bo)) => {
                let r = bo.get_ref();
                if r.base.0 <= 0.0 || r.cap.0 < r.base.0 {
                    return Err(err(
                        "backoff",
                        format!(
                            "needs 0 < base <= cap; got base {} and cap {}",
                            format_duration(r.base.0),
                            format_duration(r.cap.0)
                        ),
                    ));
                }
                RetryDelay::Backoff { base: r.base.0, cap: r.cap.0, jitter: r.jitter.unwrap_or(true) }
            }
            (Some(_), Some(_)) => {
                return Err(err("backoff", "give either `retry_delay` (reload) or `backoff`, not both".into()));
            }
            (None, None) => {
                return Err(err(
                    "retry_delay",
                    "needs `retry_delay` (a distribution) or `backoff = { base, cap, jitter }`".into(),
                ));
            }
        };
        let return_probability = probability(b.return_probability).map_err(|m| err("return_probability", m))?;
        let return_delay = match &b.return_delay {
            Some(d) => self.dist(d, &path("return_delay"))?,
            None if return_probability > 0.0 => {
                return Err(err("return_delay", "people who come back need a `return_delay` distribution".into()));
            }
            None => TimeDistribution::deterministic(0.0).map_err(|e| err("return_delay", e.to_string()))?,
        };
        let return_at_opening = prob("return_at_opening", b.return_at_opening)?;
        let opening_delay = match &b.opening_delay {
            Some(d) => self.dist(d, &path("opening_delay"))?,
            None => TimeDistribution::deterministic(0.0).map_err(|e| err("opening_delay", e.to_string()))?,
        };
        Ok(Behaviour {
            return_at_opening,
            opening_delay,
            timeout: self.dist(&b.timeout, &path("timeout"))?,
            retries: int_range(b.retries, 0, 255).map_err(|m| err("retries", m))? as u32,
            retry_delay,
            tabs: int_in(b.tabs, 1, 1, i64::from(MAX_TABS)).map_err(|m| err("tabs", m))? as u32,
            return_probability,
            return_delay,
            max_visits: int_in(b.max_visits, 1, 1, 255).map_err(|m| err("max_visits", m))? as u32,
            phone_after_failure: prob("phone_after_failure", b.phone_after_failure)?,
            social_after_failure: prob("social_after_failure", b.social_after_failure)?,
            phone_on_give_up: prob("phone_on_give_up", b.phone_on_give_up)?,
            social_on_give_up: prob("social_on_give_up", b.social_on_give_up)?,
        })
    }

    fn edge(&self, raw: Option<&Spanned<RawEdge>>, steps: &[Step]) -> Result<Edge, ScenarioError> {
        let at = raw.map_or(0, |e| e.span().start);
        let err = |key: &str, m: String| self.map.error_at(at, &format!("edge.{key}"), key, m);
        let e = raw.map(Spanned::get_ref);
        let capacity = e.and_then(|e| e.capacity).map_or(f64::INFINITY, |r| r.0);
        if capacity <= 0.0 {
            return Err(err("capacity", "must be > 0 requests per second (omit it for an unlimited edge)".into()));
        }
        let static_hit_ratio =
            probability(e.and_then(|e| e.static_hit_ratio).unwrap_or(0.0)).map_err(|m| err("static_hit_ratio", m))?;
        let actions = e.and_then(|e| e.viewer_actions.as_ref());
        let viewer_actions = [
            actions.and_then(|a| a.view).unwrap_or(1.0),
            actions.and_then(|a| a.modify).unwrap_or(0.0),
            actions.and_then(|a| a.delete).unwrap_or(0.0),
            actions.and_then(|a| a.submit).unwrap_or(0.0),
        ];
        if viewer_actions.iter().any(|v| !(0.0..=1.0).contains(v)) || viewer_actions.iter().sum::<f64>() > 1.0 + 1e-9 {
            return Err(err(
                "viewer_actions",
                format!(
                    "view, modify, delete and submit are shares from 0 to 1 summing to at most 1; got {viewer_actions:?}"
                ),
            ));
        }
        Ok(Edge {
            capacity,
            burst: e.and_then(|e| e.burst).map_or(1.0, |d| d.0),
            static_hit_ratio,
            latency: e.and_then(|e| e.latency).map_or(0.03, |d| d.0),
            cacheable_steps: match e.and_then(|e| e.cacheable_personal_steps.as_deref()) {
                None => 0,
                Some(names) => step_set(Some(names), steps).map_err(|m| err("cacheable_personal_steps", m))?,
            },
            personal_ttl: e.and_then(|e| e.personal_ttl).map_or(600.0, |d| d.0),
            viewer_actions,
        })
    }

    fn waiting_room(&self, spanned: &Spanned<RawWaitingRoom>) -> Result<WaitingRoom, ScenarioError> {
        let at = spanned.span().start;
        let r = spanned.get_ref();
        let err = |key: &str, m: String| self.map.error_at(at, &format!("waiting_room.{key}"), key, m);
        let admission = match (r.admission_rate, r.max_sessions) {
            (Some(rate), None) if rate.0 > 0.0 => Admission::Rate(rate.0),
            (Some(_), None) => return Err(err("admission_rate", "must be > 0 per second".into())),
            (None, Some(n)) => {
                Admission::Sessions(int_range(n, 1, 100_000_000).map_err(|m| err("max_sessions", m))? as u32)
            }
            _ => {
                return Err(err(
                    "admission_rate",
                    "give exactly one of `admission_rate` (e.g. \"100/s\") or `max_sessions`".into(),
                ));
            }
        };
        Ok(WaitingRoom {
            admission,
            opens_at: match r.opens_at {
                Some(c) => self.clock(c.0, at, "waiting_room.opens_at", "opens_at")?,
                None => 0.0,
            },
            session_limit: r.session_limit.map(|d| d.0),
            patience: r.patience.as_ref().map(|p| self.dist(p, "waiting_room.patience")).transpose()?,
        })
    }

    fn intervention(
        &self,
        spanned: &Spanned<RawIntervention>,
        index: usize,
        names: &Names<'_>,
        steps: &[Step],
        has_room: bool,
    ) -> Result<Intervention, ScenarioError> {
        let (tiers, categories) = (names.tiers, names.categories);
        let at = spanned.span().start;
        let r = spanned.get_ref();
        let path = |key: &str| format!("intervention[{}].{key}", index + 1);
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        let time = self.clock(r.at.0, at, &path("at"), "at")?;
        let tier = || -> Result<usize, ScenarioError> {
            let name = r.tier.as_deref().ok_or_else(|| err("tier", format!("{} needs `tier`", quote(&r.action))))?;
            tiers.iter().position(|t| t.name == name).ok_or_else(|| {
                let names: Vec<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
                err("tier", format!("no tier is called {}; tiers: {}", quote(name), names.join(", ")))
            })
        };
        // The instance interventions: a tier that declares `instances`, and
        // a count within its bounds.
        let instances = |least: i64| -> Result<(usize, u32), ScenarioError> {
            let t = tier()?;
            let spec = &tiers[t];
            if spec.instances.is_none() {
                return Err(err(
                    "tier",
                    format!("{} needs a tier with `instances`; tier {} has none", quote(&r.action), quote(&spec.name)),
                ));
            }
            let n = r.instances.ok_or_else(|| err("instances", format!("{} needs `instances`", quote(&r.action))))?;
            let most = (MAX_TIER_WORKERS / u64::from(spec.workers)).min(u64::from(MAX_INSTANCES)) as i64;
            let n = int_range(n, least, most).map_err(|m| err("instances", m))? as u32;
            Ok((t, n))
        };
        let category = || -> Result<usize, ScenarioError> {
            let name = r
                .category
                .as_deref()
                .ok_or_else(|| err("category", format!("{} needs `category`", quote(&r.action))))?;
            categories.iter().position(|c| *c == name).ok_or_else(|| {
                err("category", format!("no category is called {}; categories: {}", quote(name), categories.join(", ")))
            })
        };
        let rate = || {
            r.rate
                .map(|x| x.0)
                .filter(|x| *x > 0.0)
                .ok_or_else(|| err("rate", format!("{} needs `rate` > 0, e.g. \"100/s\"", quote(&r.action))))
        };
        let needs_room = |action: &str| {
            if has_room { Ok(()) } else { Err(err("action", format!("{} needs a [waiting_room]", quote(action)))) }
        };
        let action = match r.action.as_str() {
            "close_portal" => Action::ClosePortal,
            "open_portal" => Action::OpenPortal,
            "cache_personal_pages" | "bypass_personal_pages" => Action::CacheRule {
                steps: step_set(r.steps.as_deref(), steps).map_err(|m| err("steps", m))?,
                cacheable: r.action == "cache_personal_pages",
            },
            "set_workers" => {
                let workers = r.workers.ok_or_else(|| err("workers", "\"set_workers\" needs `workers`".into()))?;
                let workers = int_range(workers, 0, 10_000_000).map_err(|m| err("workers", m))? as u32;
                let tier = tier()?;
                if tiers[tier].instances.is_some() {
                    return Err(err(
                        "tier",
                        format!(
                            "tier {} is scaled by instances: use \"set_instances\" (workers stay per instance)",
                            quote(&tiers[tier].name)
                        ),
                    ));
                }
                Action::SetWorkers { tier, workers }
            }
            "set_instances" => {
                let (tier, instances) = instances(0)?;
                Action::SetInstances { tier, instances }
            }
            "fail_instances" => {
                let (tier, instances) = instances(1)?;
                Action::FailInstances { tier, instances }
            }
            "admission_rate" => {
                needs_room("admission_rate")?;
                // "0/s" pauses the line: nobody is let in until a later
                // intervention sets a rate again.
                let rate = r.rate.map(|x| x.0).ok_or_else(|| {
                    err("rate", "\"admission_rate\" needs `rate`, e.g. \"100/s\" (\"0/s\" pauses the line)".into())
                })?;
                Action::AdmissionRate(rate)
            }
            "max_sessions" => {
                needs_room("max_sessions")?;
                let n = r.sessions.ok_or_else(|| err("sessions", "\"max_sessions\" needs `sessions`".into()))?;
                Action::MaxSessions(int_range(n, 1, 100_000_000).map_err(|m| err("sessions", m))? as u32)
            }
            "edge_capacity" => Action::EdgeCapacity(rate()?),
            "open_category" => Action::OpenCategory(category()?),
            "close_category" => Action::CloseCategory(category()?),
            "filter_on" | "filter_off" => {
                let name =
                    r.filter.as_deref().ok_or_else(|| err("filter", format!("{} needs `filter`", quote(&r.action))))?;
                let Some(filter) = names.filters.iter().position(|f| *f == name) else {
                    let known = if names.filters.is_empty() { "none".to_owned() } else { names.filters.join(", ") };
                    return Err(err(
                        "filter",
                        format!("no [[edge_filter]] is called {}; filters: {known}", quote(name)),
                    ));
                };
                Action::Filter { filter, active: r.action == "filter_on" }
            }
            other => {
                return Err(err(
                    "action",
                    format!(
                        "{} is not an intervention; allowed: close_portal, open_portal, cache_personal_pages, \
                         bypass_personal_pages, set_workers, set_instances, fail_instances, admission_rate, max_sessions, \
                         edge_capacity, open_category, close_category, filter_on, filter_off",
                        quote(other)
                    ),
                ));
            }
        };
        Ok(Intervention { at: time, action, label: r.label.clone().unwrap_or_else(|| r.action.replace('_', " ")) })
    }
}
