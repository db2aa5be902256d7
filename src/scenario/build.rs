//! From the file as written to a validated [`Scenario`]: every range,
//! every reference between parts, and every unit is checked here, with the
//! key and line of the first problem.

use super::error::{ScenarioError, SourceMap};
use super::raw::{RawDist, RawRatePoint, RawScenario, RawSource, RawStation};
use super::{Model, Scenario};
use crate::arrivals::{ArrivalProcess, ProfileShape, RateProfile};
use crate::dist::TimeDistribution;
use crate::network::{CapacityChange, MAX_PRIORITY_LEVELS, Network, Route, RunLength, SourceSpec, StationSpec};
use crate::units::{ClockTime, Date, Seconds, format_duration, quote};
use toml::Spanned;

/// Most arrivals one replication may be asked to simulate.
pub const MAX_EXPECTED_ARRIVALS: f64 = 1e10;
/// Most interval rows a run may hold in memory (about 200 bytes each).
pub const MAX_INTERVAL_ROWS: f64 = 20e6;
/// Default limit on customers in the network at once.
pub const DEFAULT_MAX_IN_SYSTEM: u32 = 10_000_000;

pub(super) struct Builder<'a> {
    pub map: SourceMap<'a>,
    start_date: Option<Date>,
    duration: Seconds,
    /// Reads a file the scenario refers to (a staffing plan), by the name
    /// the scenario gives it.
    includes: &'a dyn Fn(&str) -> Result<String, String>,
}

/// The include resolver of a scenario parsed from text alone.
pub(super) fn no_includes(name: &str) -> Result<String, String> {
    Err(format!(
        "this scenario refers to the file {}, but it was parsed without access to files \
         (load it with parse_scenario_with_includes)",
        quote(name)
    ))
}

impl<'a> Builder<'a> {
    pub fn new(map: SourceMap<'a>) -> Self {
        Builder { map, start_date: None, duration: 0.0, includes: &no_includes }
    }

    /// The same builder, reading referenced files through `includes`.
    pub(super) fn with_includes(mut self, includes: &'a dyn Fn(&str) -> Result<String, String>) -> Self {
        self.includes = includes;
        self
    }

    /// The text of the file the scenario calls `name`.
    pub(super) fn resolve(&self, name: &str) -> Result<String, String> {
        (self.includes)(name)
    }

    /// An error at a top-level key, or at a whole section: the line that
    /// assigns `key` before the first table, else the first header of the
    /// table `key` (`[edge]`, `[[tier]]`, `[contact.phone]` for
    /// `contact`), else line 1 (a section that is missing altogether).
    pub(super) fn top(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        let mut error = self.map.error_at(0, key, key, message);
        if !self.map.assigns_at_top(key)
            && let Some(line) = self.map.header_line(key)
        {
            error.line = Some(line);
        }
        error
    }

    pub fn build(mut self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        super::check_folder_name(&raw.name).map_err(|m| self.top("name", m))?;
        if let Some(date) = &raw.start_date {
            self.start_date = Some(Date::parse(date).map_err(|m| self.top("start_date", m))?);
        }
        let duration = raw.duration.0;
        if !(duration > 0.0 && duration <= 3660.0 * 86_400.0) {
            return Err(
                self.top("duration", format!("must be > 0s and at most 3660d; got {}", format_duration(duration)))
            );
        }
        self.duration = duration;
        let warmup = raw.warmup.map_or(0.0, |d| d.0);
        if warmup >= duration {
            return Err(self.top(
                "warmup",
                format!(
                    "must be shorter than the duration ({}); got {}",
                    format_duration(duration),
                    format_duration(warmup)
                ),
            ));
        }
        let interval = raw.interval.map_or(duration.min(3600.0), |d| d.0);
        if !(interval > 0.0 && interval <= duration) {
            return Err(self.top(
                "interval",
                format!(
                    "must be > 0s and at most the duration ({}); got {}",
                    format_duration(duration),
                    format_duration(interval)
                ),
            ));
        }
        if duration / interval > 1e6 {
            return Err(self.top(
                "interval",
                format!(
                    "gives {:.0} rows per replication; at most 1,000,000 allowed: use a longer interval",
                    duration / interval
                ),
            ));
        }
        let seed = match raw.seed {
            None => 1,
            Some(s) if s >= 0 => s as u64,
            Some(s) => return Err(self.top("seed", format!("must be an integer >= 0; got {s}"))),
        };
        let replications = int_in(raw.replications, 10, 1, 100_000).map_err(|m| self.top("replications", m))? as u32;
        let run = RunLength { duration, warmup, interval };
        let max_in_system = int_in(raw.max_in_system, i64::from(DEFAULT_MAX_IN_SYSTEM), 1, 1_000_000_000)
            .map_err(|m| self.top("max_in_system", m))? as u32;
        let mut warnings = Vec::new();
        let model = if raw.is_launch_day() {
            if !raw.station.is_empty() || !raw.source.is_empty() {
                return Err(self.top(
                    "station",
                    "a scenario is either a queueing network ([[station]], [[source]]) or a launch day \
                     ([population], [[category]], [[step]], [[tier]]), not both",
                ));
            }
            if warmup > 0.0 {
                return Err(self.top("warmup", "a launch day is reported from its first minute: warmup must be \"0s\""));
            }
            let mut launch = self.launch(&raw.launch_sections(), run)?;
            if let Some(contact) = &raw.contact {
                launch.contact_center = Some(super::contact::build_contact(&self, contact, run, max_in_system)?);
            }
            warnings.extend(self.unmodelled_channels(&raw.launch_sections(), &launch));
            Model::LaunchDay(Box::new(launch))
        } else if let Some(contact) = raw.contact.as_ref().filter(|_| raw.station.is_empty() && raw.source.is_empty()) {
            Model::Contact(Box::new(super::contact::build_contact(&self, contact, run, max_in_system)?))
        } else {
            if raw.contact.is_some() {
                return Err(self.top(
                    "contact",
                    "a queueing network ([[station]], [[source]]) cannot have a [contact] section; \
                     put the contact center in a scenario of its own",
                ));
            }
            Model::Network(self.network(&raw, run, max_in_system)?)
        };
        let practical = self.practical(&raw)?;
        let scenario = Scenario {
            practical,
            name: raw.name,
            description: raw.description,
            start_date: self.start_date,
            seed,
            replications,
            model,
            warnings,
        };
        self.check_rows(scenario.interval_rows_per_replication() * f64::from(replications))?;
        Ok(scenario)
    }

    /// The scenario's `[practical]` thresholds, each key a verdict of the
    /// registry and each value of the verdict's kind.
    fn practical(&self, raw: &RawScenario) -> Result<Vec<crate::verdict::Override>, ScenarioError> {
        use crate::verdict::{Override, ThresholdText, by_key, parse_threshold};
        let mut overrides = Vec::with_capacity(raw.practical.len());
        for (key, value) in &raw.practical {
            let path = format!("practical.{key}");
            let at = |message: String| self.map.error_on_line(value.span().start, &path, message);
            let verdict = by_key(key).ok_or_else(|| {
                at("is not a verdict; keys name a summary metric (\"people_exposed\"), with its scope where it \
                     is not the portal's (\"phone:service_level\"), a family with its * (\"clock_of_application_*\")"
                    .into())
            })?;
            let text = match value.get_ref() {
                toml::Value::Integer(i) => ThresholdText::Number(*i as f64),
                toml::Value::Float(x) => ThresholdText::Number(*x),
                toml::Value::String(s) => ThresholdText::Text(s),
                other => return Err(at(format!("expected a number or a string; got a {}", other.type_str()))),
            };
            let practical = parse_threshold(verdict, text).map_err(at)?;
            overrides.push(Override { scope: verdict.scope, metric: verdict.metric, practical });
        }
        Ok(overrides)
    }

    /// Refuses runs whose interval rows would not fit in memory. The error
    /// points at what the file can change: its `interval`, else its
    /// `replications`, else its `duration`.
    fn check_rows(&self, rows: f64) -> Result<(), ScenarioError> {
        if rows > MAX_INTERVAL_ROWS {
            let key =
                ["interval", "replications"].into_iter().find(|k| self.map.assigns_at_top(k)).unwrap_or("duration");
            return Err(self.top(key, format!(
                "the run would hold {rows:.3e} interval rows (about {:.1} GB); at most {MAX_INTERVAL_ROWS:.0e}: use a longer interval or fewer replications",
                rows * 200.0 / 1e9
            )));
        }
        Ok(())
    }

    /// The simulated span of the run, in seconds.
    pub(super) fn duration(&self) -> Seconds {
        self.duration
    }

    /// The calendar date of time zero, if any.
    pub(super) fn start_date(&self) -> Option<Date> {
        self.start_date
    }

    fn network(&self, raw: &RawScenario, run: RunLength, max_in_system: u32) -> Result<Network, ScenarioError> {
        if raw.station.is_empty() {
            return Err(self.top("station", "a scenario needs at least one [[station]]"));
        }
        let names: Vec<&str> = raw.station.iter().map(|s| s.get_ref().name.as_str()).collect();
        let mut stations = Vec::with_capacity(raw.station.len());
        for (i, st) in raw.station.iter().enumerate() {
            stations.push(self.station(st, i, &names)?);
        }
        let mut sources = Vec::with_capacity(raw.source.len());
        for (i, src) in raw.source.iter().enumerate() {
            sources.push(self.source(src, i, &names)?);
        }
        if sources.is_empty() && stations.iter().all(|s: &StationSpec| s.initial_customers == 0) {
            return Err(self.top("source", "nothing ever arrives: add a [[source]] or initial_customers to a station"));
        }
        let network = Network { stations, sources, run, max_in_system };
        let expected = network.expected_arrivals();
        if expected > MAX_EXPECTED_ARRIVALS {
            return Err(self.too_many_arrivals(raw, &network, expected));
        }
        network.check().map_err(|m| self.top("station", m))?;
        Ok(network)
    }

    /// The error for a network that would bring more than
    /// [`MAX_EXPECTED_ARRIVALS`], at the key of its largest contributor: a
    /// source's `rate`, `profile` or `size`, or a station's
    /// `initial_customers`.
    fn too_many_arrivals(&self, raw: &RawScenario, network: &Network, expected: f64) -> ScenarioError {
        let horizon = network.run.duration;
        let by_source = network.sources.iter().map(|s| s.process.expected_count(horizon));
        let by_station = network.stations.iter().map(|s| f64::from(s.initial_customers));
        let largest = by_source.clone().chain(by_station.clone()).fold(0.0, f64::max);
        let message = |what: &str| {
            format!(
                "the sources would bring about {expected:.3e} arrivals per replication ({what} about {largest:.3e}); \
                 at most {MAX_EXPECTED_ARRIVALS:.0e} are allowed"
            )
        };
        if let Some(i) = by_source.clone().position(|n| n == largest) {
            let (spanned, spec) = (&raw.source[i], &network.sources[i]);
            let key = match spec.process {
                ArrivalProcess::Poisson { .. } => "rate",
                ArrivalProcess::Profile(_) => "profile",
                ArrivalProcess::Population { .. } | ArrivalProcess::Batch { .. } => "size",
            };
            let path = format!("source[{}].{key}", spec.name);
            return self.map.error_at(spanned.span().start, &path, key, message("this source alone brings"));
        }
        let i = by_station.clone().position(|n| n == largest).unwrap_or(0);
        let path = format!("station[{}].initial_customers", network.stations[i].name);
        let at = raw.station[i].span().start;
        self.map.error_at(at, &path, "initial_customers", message("this station starts with"))
    }

    /// The points of a rate profile (`[{ at, rate }, ...]`), each at its
    /// clock time, in strictly increasing time; `path` names the list.
    pub(super) fn profile_points(
        &self,
        written: &[Spanned<RawRatePoint>],
        path: &str,
    ) -> Result<Vec<(Seconds, f64)>, ScenarioError> {
        let mut points: Vec<(Seconds, f64)> = Vec::with_capacity(written.len());
        for (n, point) in written.iter().enumerate() {
            let key = format!("{path}[{}].at", n + 1);
            let t = self.clock(point.get_ref().at.0, point.span().start, &key, "at")?;
            if points.last().is_some_and(|(prev, _)| t <= *prev) {
                return Err(self.map.error_on_line(
                    point.span().start,
                    &key,
                    "profile points must be in strictly increasing time order",
                ));
            }
            points.push((t, point.get_ref().rate.0));
        }
        Ok(points)
    }

    pub(super) fn clock(&self, clock: ClockTime, from: usize, path: &str, key: &str) -> Result<Seconds, ScenarioError> {
        let t = clock.resolve(self.start_date).map_err(|m| self.map.error_at(from, path, key, m))?;
        if t > self.duration {
            return Err(self.map.error_at(
                from,
                path,
                key,
                format!(
                    "{} is after the end of the run ({} from the start)",
                    format_duration(t),
                    format_duration(self.duration)
                ),
            ));
        }
        Ok(t)
    }

    fn station(
        &self,
        spanned: &Spanned<RawStation>,
        index: usize,
        names: &[&str],
    ) -> Result<StationSpec, ScenarioError> {
        let at = spanned.span().start;
        let st = spanned.get_ref();
        let path = |key: &str| {
            format!("station[{}].{key}", if st.name.is_empty() { (index + 1).to_string() } else { st.name.clone() })
        };
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        new_name(&st.name, names[..index].iter().copied(), "station").map_err(|m| err("name", m))?;
        let servers = int_range(st.servers, 1, 1_000_000).map_err(|m| err("servers", m))? as u32;
        let mut schedule = Vec::with_capacity(st.schedule.len());
        for (n, change) in st.schedule.iter().enumerate() {
            let c_at = change.span().start;
            let key = format!("schedule[{}]", n + 1);
            let time = self.clock(change.get_ref().at.0, c_at, &path(&format!("{key}.at")), "at")?;
            let servers = int_range(change.get_ref().servers, 0, 1_000_000)
                .map_err(|m| self.map.error_on_line(c_at, &path(&format!("{key}.servers")), m))?
                as u32;
            if schedule.last().is_some_and(|prev: &CapacityChange| time < prev.at) {
                return Err(self.map.error_on_line(
                    c_at,
                    &path(&format!("{key}.at")),
                    "capacity changes must be listed in time order",
                ));
            }
            schedule.push(CapacityChange { at: time, servers });
        }
        let most_servers = schedule.iter().map(|c| c.servers).chain([servers]).max().unwrap_or(servers);
        let capacity = match st.capacity {
            None => None,
            Some(k) => Some(int_range(k, i64::from(most_servers), 1_000_000_000).map_err(|m| {
                err(
                    "capacity",
                    format!(
                        "{m} (it counts waiting plus in service, so it cannot be below the {most_servers} servers)"
                    ),
                )
            })? as u32),
        };
        let service = self.dist(&st.service, &path("service"))?;
        let patience = st.patience.as_ref().map(|p| self.dist(p, &path("patience"))).transpose()?;
        let mut routes = Vec::with_capacity(st.routes.len());
        let mut total = 0.0;
        for (n, route) in st.routes.iter().enumerate() {
            let r_at = route.span().start;
            let r = route.get_ref();
            let key = format!("routes[{}]", n + 1);
            let Some(to) = names.iter().position(|name| *name == r.to) else {
                return Err(self.map.error_on_line(
                    r_at,
                    &path(&format!("{key}.to")),
                    format!("no station is called {}; stations: {}", quote(&r.to), names.join(", ")),
                ));
            };
            probability(r.p).map_err(|m| self.map.error_on_line(r_at, &path(&format!("{key}.p")), m))?;
            total += r.p;
            routes.push(Route { to, probability: r.p });
        }
        if total > 1.0 + 1e-9 {
            return Err(err(
                "routes",
                format!("probabilities sum to {total}; they must sum to at most 1 (the rest leaves the network)"),
            ));
        }
        let initial_customers =
            int_in(st.initial_customers, 0, 0, 100_000_000).map_err(|m| err("initial_customers", m))? as u32;
        Ok(StationSpec {
            name: st.name.clone(),
            servers,
            capacity,
            service,
            patience,
            routes,
            schedule,
            initial_customers,
            service_level_target: st.service_level_target.map(|d| d.0),
        })
    }

    fn source(&self, spanned: &Spanned<RawSource>, index: usize, names: &[&str]) -> Result<SourceSpec, ScenarioError> {
        let at = spanned.span().start;
        let src = spanned.get_ref();
        let label = if src.name.is_empty() { (index + 1).to_string() } else { src.name.clone() };
        let path = |key: &str| format!("source[{label}].{key}");
        let err = |key: &str, m: String| self.map.error_at(at, &path(key), key, m);
        if src.name.is_empty() {
            return Err(err("name", "must not be empty".into()));
        }
        let Some(to) = names.iter().position(|n| *n == src.to) else {
            return Err(err("to", format!("no station is called {}; stations: {}", quote(&src.to), names.join(", "))));
        };
        let priority =
            int_in(src.priority, 0, 0, MAX_PRIORITY_LEVELS as i64 - 1).map_err(|m| err("priority", m))? as u8;
        let given: Vec<&str> = [
            ("rate", src.rate.is_some()),
            ("profile", !src.profile.is_empty()),
            ("shape", src.shape.is_some()),
            ("size", src.size.is_some()),
            ("first_arrival", src.first_arrival.is_some()),
            ("start", src.start.is_some()),
            ("at", src.at.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        let allowed: &[&str] = match src.kind.as_str() {
            "poisson" => &["rate"],
            "profile" => &["profile", "shape"],
            "population" => &["size", "first_arrival", "start"],
            "batch" => &["size", "at"],
            other => {
                return Err(err(
                    "kind",
                    format!("{} is not a kind of source; allowed: poisson, profile, population, batch", quote(other)),
                ));
            }
        };
        if let Some(extra) = given.iter().find(|k| !allowed.contains(k)) {
            return Err(err(
                extra,
                format!("does not apply to a {} source (it takes: {})", src.kind, allowed.join(", ")),
            ));
        }
        let size = || -> Result<u64, ScenarioError> {
            match src.size {
                None => Err(err("size", format!("a {} source needs `size` (an integer >= 1)", src.kind))),
                Some(n) => int_range(n, 1, 10_000_000_000).map(|n| n as u64).map_err(|m| err("size", m)),
            }
        };
        let process = match src.kind.as_str() {
            "poisson" => {
                let rate =
                    src.rate.ok_or_else(|| err("rate", "a poisson source needs `rate`, e.g. \"300/h\"".into()))?;
                ArrivalProcess::Poisson { rate: rate.0 }
            }
            "profile" => {
                if src.profile.is_empty() {
                    return Err(err(
                        "profile",
                        "a profile source needs `profile = [{ at = \"08:00\", rate = \"100/h\" }, ...]`".into(),
                    ));
                }
                let shape = profile_shape(src.shape.as_deref()).map_err(|m| err("shape", m))?;
                let points = self.profile_points(&src.profile, &path("profile"))?;
                ArrivalProcess::Profile(RateProfile { points, shape })
            }
            "population" => {
                let dist = src.first_arrival.as_ref().ok_or_else(|| {
                    err(
                        "first_arrival",
                        "a population source needs `first_arrival`, a distribution of times after `start`".into(),
                    )
                })?;
                let offset = match src.start {
                    Some(c) => self.clock(c.0, at, &path("start"), "start")?,
                    None => 0.0,
                };
                ArrivalProcess::Population {
                    size: size()?,
                    first_arrival: self.dist(dist, &path("first_arrival"))?,
                    offset,
                }
            }
            _ => {
                let when = src.at.ok_or_else(|| err("at", "a batch source needs `at`, e.g. \"09:00\"".into()))?;
                ArrivalProcess::Batch { size: size()?, at: self.clock(when.0, at, &path("at"), "at")? }
            }
        };
        Ok(SourceSpec { name: src.name.clone(), to, priority, process })
    }

    pub(super) fn dist(&self, spanned: &Spanned<RawDist>, path: &str) -> Result<TimeDistribution, ScenarioError> {
        self.dist_at(spanned.get_ref(), spanned.span().start, path)
    }

    /// [`Self::dist`] for a distribution table that starts at byte `at`.
    pub(super) fn dist_at(&self, d: &RawDist, at: usize, path: &str) -> Result<TimeDistribution, ScenarioError> {
        let err = |key: &str, m: String| self.map.error_at(at, &format!("{path}.{key}"), key, m);
        let given: Vec<&str> = [
            ("mean", d.mean.is_some()),
            ("value", d.value.is_some()),
            ("min", d.min.is_some()),
            ("max", d.max.is_some()),
            ("cv", d.cv.is_some()),
            ("shape", d.shape.is_some()),
            ("scale", d.scale.is_some()),
            ("values", d.values.is_some()),
            ("cdf", d.cdf.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        let (kind, params): (&str, &[&str]) = match d.dist.as_str() {
            "exponential" | "exp" => ("exponential", &["mean"]),
            "deterministic" | "constant" => ("deterministic", &["value"]),
            "uniform" => ("uniform", &["min", "max"]),
            "lognormal" => ("lognormal", &["mean", "cv"]),
            "gamma" => ("gamma", &["mean", "cv"]),
            "weibull" => ("weibull", &["shape", "scale"]),
            "empirical" => ("empirical", &["values", "cdf"]),
            other => {
                return Err(err(
                    "dist",
                    format!(
                        "{} is not a distribution; allowed: exponential, deterministic, uniform, lognormal, gamma, weibull, empirical",
                        quote(other)
                    ),
                ));
            }
        };
        if let Some(extra) = given.iter().find(|k| !params.contains(k)) {
            return Err(err(extra, format!("does not apply to {kind} (it takes: {})", params.join(", "))));
        }
        let need = |key: &str, v: Option<f64>| {
            v.ok_or_else(|| err(key, format!("{kind} needs `{key}` ({} required)", params.join(" and "))))
        };
        let sec = |v: Option<super::raw::Duration>| v.map(|d| d.0);
        let result = match kind {
            "exponential" => TimeDistribution::exponential(need("mean", sec(d.mean))?),
            "deterministic" => TimeDistribution::deterministic(need("value", sec(d.value))?),
            "uniform" => TimeDistribution::uniform(need("min", sec(d.min))?, need("max", sec(d.max))?),
            "lognormal" => TimeDistribution::lognormal(need("mean", sec(d.mean))?, need("cv", d.cv)?),
            "gamma" => TimeDistribution::gamma(need("mean", sec(d.mean))?, need("cv", d.cv)?),
            "weibull" => TimeDistribution::weibull(need("shape", d.shape)?, need("scale", sec(d.scale))?),
            _ => match (&d.values, &d.cdf) {
                (Some(values), None) => TimeDistribution::empirical_values(values.iter().map(|v| v.0).collect()),
                (None, Some(cdf)) => TimeDistribution::empirical_cdf(cdf.iter().map(|(x, p)| (x.0, *p)).collect()),
                _ => return Err(err("values", "empirical needs exactly one of `values` (a list of durations) or `cdf` (a list of [duration, probability] points)".into())),
            },
        };
        result.map_err(|e| {
            let message = e.to_string();
            let key = params.iter().find(|p| message.contains(*p)).copied().unwrap_or(params[0]);
            err(key, message)
        })
    }
}

/// An optional integer with a default, checked against `[min, max]`.
pub(super) fn int_in(value: Option<i64>, default: i64, min: i64, max: i64) -> Result<i64, String> {
    int_range(value.unwrap_or(default), min, max)
}

/// Checks an integer against `[min, max]`.
pub(super) fn int_range(v: i64, min: i64, max: i64) -> Result<i64, String> {
    if v < min || v > max {
        return Err(format!("must be an integer from {min} to {max}; got {v}"));
    }
    Ok(v)
}

/// Checks the name of an element of an array of tables: not empty, and
/// not used by an earlier element (lookups by name would take the first).
pub(super) fn new_name<'a>(name: &str, mut earlier: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if earlier.any(|e| e == name) {
        return Err(format!("{} is used by an earlier {what}; names must be unique", quote(name)));
    }
    Ok(())
}

/// Checks a probability (of an event, a route, a reaction).
pub(super) fn probability(v: f64) -> Result<f64, String> {
    fraction(v, "probability")
}

/// Checks a share (of a population, of contacts).
pub(super) fn share(v: f64) -> Result<f64, String> {
    fraction(v, "share")
}

fn fraction(v: f64, noun: &str) -> Result<f64, String> {
    if (0.0..=1.0).contains(&v) { Ok(v) } else { Err(format!("must be a {noun} from 0 to 1; got {v}")) }
}

/// A profile's interpolation as written: `step` (the default) or `linear`.
pub(super) fn profile_shape(written: Option<&str>) -> Result<ProfileShape, String> {
    match written {
        None | Some("step") => Ok(ProfileShape::Step),
        Some("linear") => Ok(ProfileShape::Linear),
        Some(other) => Err(format!("{} is not a profile shape; allowed: step, linear", quote(other))),
    }
}
