//! The scenario file as written: serde types that mirror the TOML, with
//! every unit parsed at the edge. Range and cross-reference checks happen in
//! `build.rs`, where the error can name the key and its line.

use super::launch::{
    RawBehaviour, RawCategory, RawEdge, RawEdgeFilter, RawHostile, RawIntervention, RawLaunch, RawOrigin,
    RawPopulation, RawStep, RawStock, RawTier, RawWaitingRoom,
};
use crate::units::{self, ClockTime, PerSecond, Seconds};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub start_date: Option<String>,
    pub duration: Duration,
    pub warmup: Option<Duration>,
    pub interval: Option<Duration>,
    pub seed: Option<i64>,
    pub replications: Option<i64>,
    pub max_in_system: Option<i64>,
    #[serde(default)]
    pub station: Vec<Spanned<RawStation>>,
    #[serde(default)]
    pub source: Vec<Spanned<RawSource>>,
    pub population: Option<Spanned<RawPopulation>>,
    #[serde(default)]
    pub category: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    pub behaviour: Vec<Spanned<RawBehaviour>>,
    #[serde(default)]
    pub step: Vec<Spanned<RawStep>>,
    pub edge: Option<Spanned<RawEdge>>,
    #[serde(default)]
    pub tier: Vec<Spanned<RawTier>>,
    pub origin: Option<Spanned<RawOrigin>>,
    pub waiting_room: Option<Spanned<RawWaitingRoom>>,
    #[serde(default)]
    pub intervention: Vec<Spanned<RawIntervention>>,
    #[serde(default)]
    pub hostile: Vec<Spanned<RawHostile>>,
    #[serde(default)]
    pub edge_filter: Vec<Spanned<RawEdgeFilter>>,
    pub stock: Option<Spanned<RawStock>>,
    #[serde(default)]
    pub report_times: Vec<Clock>,
    /// Counts of applications to date, checked in `launch.rs` so that a
    /// float such as `1e6` is read as the count it names.
    pub milestones: Option<Vec<toml::Value>>,
    pub contact: Option<Spanned<super::contact::RawContact>>,
    /// Per verdict, the smallest difference from this scenario (as a
    /// baseline) that matters.
    #[serde(default)]
    pub practical: std::collections::BTreeMap<String, Spanned<toml::Value>>,
}

impl RawScenario {
    /// Whether the file describes a launch day rather than a queueing network.
    pub fn is_launch_day(&self) -> bool {
        self.population.is_some() || !self.category.is_empty() || !self.step.is_empty() || !self.tier.is_empty()
    }

    /// The launch-day sections, borrowed.
    pub fn launch_sections(&self) -> RawLaunch<'_> {
        RawLaunch {
            population: self.population.as_ref(),
            categories: &self.category,
            behaviours: &self.behaviour,
            steps: &self.step,
            edge: self.edge.as_ref(),
            tiers: &self.tier,
            origin: self.origin.as_ref(),
            waiting_room: self.waiting_room.as_ref(),
            interventions: &self.intervention,
            hostile: &self.hostile,
            filters: &self.edge_filter,
            stock: self.stock.as_ref(),
            report_times: &self.report_times,
            milestones: self.milestones.as_deref(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStation {
    pub name: String,
    pub servers: i64,
    pub capacity: Option<i64>,
    pub service: Spanned<RawDist>,
    pub patience: Option<Spanned<RawDist>>,
    #[serde(default)]
    pub routes: Vec<Spanned<RawRoute>>,
    #[serde(default)]
    pub schedule: Vec<Spanned<RawCapacityChange>>,
    pub initial_customers: Option<i64>,
    pub service_level_target: Option<Duration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoute {
    pub to: String,
    pub p: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapacityChange {
    pub at: Clock,
    pub servers: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub name: String,
    pub to: String,
    pub kind: String,
    pub priority: Option<i64>,
    pub rate: Option<Rate>,
    #[serde(default)]
    pub profile: Vec<Spanned<RawRatePoint>>,
    pub shape: Option<String>,
    pub size: Option<i64>,
    pub first_arrival: Option<Spanned<RawDist>>,
    pub start: Option<Clock>,
    pub at: Option<Clock>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRatePoint {
    pub at: Clock,
    pub rate: Rate,
}

/// A distribution written as an inline table, e.g.
/// `{ dist = "lognormal", mean = "3m", cv = 0.8 }`, or as a plain duration
/// (`"60s"`: always that long). One flat struct rather than a tagged enum,
/// because serde's tagged enums lose the positions that the error messages
/// need. `remote = "Self"` keeps the derived table reader as an inherent
/// `RawDist::deserialize`, which the hand-written trait impl below calls for
/// a table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub(crate) struct RawDist {
    pub dist: String,
    pub mean: Option<Duration>,
    pub value: Option<Duration>,
    pub min: Option<Duration>,
    pub max: Option<Duration>,
    pub cv: Option<f64>,
    pub shape: Option<f64>,
    pub scale: Option<Duration>,
    pub values: Option<Vec<Duration>>,
    pub cdf: Option<Vec<(Duration, f64)>>,
}

impl RawDist {
    /// A distribution that always takes `value`.
    fn fixed(value: Seconds) -> RawDist {
        RawDist { dist: "deterministic".into(), value: Some(Duration(value)), ..RawDist::default() }
    }
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = RawDist;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration such as \"60s\" (always that long) or a distribution such as \
                     { dist = \"exponential\", mean = \"2m\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDist, E> {
                units::parse_duration(v).map(RawDist::fixed).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
                Err(bare_number("a duration", "\"60s\"", v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
                Err(bare_number("a duration", "\"60s\"", v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
                Err(bare_number("a duration", "\"60s\"", v))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_any(DistVisitor)
    }
}

/// A duration with a unit ("30s"); a bare number is refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Duration(pub Seconds);

/// A rate with a unit ("300/h").
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rate(pub PerSecond);

/// A clock time ("08:30", "2020-04-02 01:00", "+2h").
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clock(pub ClockTime);

/// Deserializes a string through `parse`, and turns a bare number into an
/// error that says which unit form was expected.
fn from_unit_string<'de, D, T>(
    d: D,
    what: &'static str,
    example: &'static str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct UnitVisitor<T> {
        what: &'static str,
        example: &'static str,
        parse: fn(&str) -> Result<T, String>,
    }
    impl<T> Visitor<'_> for UnitVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{} written as a string such as {}", self.what, self.example)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Err(bare_number(self.what, self.example, v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Err(bare_number(self.what, self.example, v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            Err(bare_number(self.what, self.example, v))
        }
    }
    d.deserialize_any(UnitVisitor { what, example, parse })
}

/// The error for a number written without its unit.
pub(super) fn bare_number<E: de::Error>(what: &str, example: &str, v: impl fmt::Display) -> E {
    E::custom(format!("{what} needs a unit, written as a string such as {example}; got the bare number {v}"))
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_unit_string(d, "a duration", "\"30s\", \"5m\" or \"1h30m\"", units::parse_duration).map(Duration)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_unit_string(d, "a rate", "\"300/h\" or \"5/s\"", units::parse_rate).map(Rate)
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_unit_string(d, "a clock time", "\"08:30\", \"2020-04-02 01:00\" or \"+2h\"", ClockTime::parse).map(Clock)
    }
}
