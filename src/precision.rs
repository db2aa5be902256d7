//! Runs sized by precision: replications are added until the 95%
//! confidence interval of every headline verdict is narrow enough relative
//! to its mean (a sequential procedure with relative precision, as in Law
//! and Kelton, *Simulation Modeling and Analysis*, §9.4.1), between a
//! minimum and a maximum.
//!
//! The rule is checked only at fixed replication counts ([`Precision::checkpoints`]:
//! the minimum, then every [`BATCH`] more, then the maximum) and only on
//! replications `0..n`, whose random numbers depend on the seed and the
//! replication alone. So the count a run stops at depends on the seed, never
//! on the number of threads or on which replication finished first, and a
//! run that stops at `n` holds exactly the replications of a plain run of
//! `n`.
//!
//! Which verdicts constrain the stop: the scorecard verdicts of the model
//! (the first table of a report; [`crate::verdict::Verdict::scorecard`]).
//! A verdict is held to the target when
//! `half_width <= target × |mean|`, except:
//! - a verdict that is the same in every replication (half-width 0) is
//!   within any target, whatever its mean (no one exposed in any
//!   replication: 0 ± 0);
//! - a verdict empty in some replications (no outage, nobody waited) is
//!   excluded: its mean is over a number of replications that itself
//!   varies, and an interval over the ones that have it says nothing of
//!   how often that is;
//! - a clock time (the outage's onset, the 500,000th application) is
//!   excluded: it counts from midnight, an arbitrary zero, so a share of
//!   it is no precision;
//! - a verdict whose mean is 0 but whose values vary is excluded: a
//!   relative half-width of a zero mean is undefined.
//!
//! Every exclusion is reported with its reason, beside the verdicts that
//! constrained the stop.

use crate::experiment::{CONFIDENCE_LEVEL, Estimate};
use crate::scenario::{Model, Scenario};
use crate::verdict::{self, Measure};

/// Replications added between two checks of the rule.
pub const BATCH: u32 = 5;
/// The fewest replications a run sized by precision starts from: below
/// three, the spread of the values is too poorly known to stop on.
pub const LEAST_START: u32 = 3;
/// The most replications a run sized by precision makes unless told
/// otherwise.
pub const DEFAULT_MAX: u32 = 200;
/// The most replications `--max-replications` may ask for (as `-r`).
pub const MOST: u32 = 100_000;

/// What a run sized by precision aims at and between which bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// The largest half-width of the 95% interval allowed, as a share of
    /// the mean (0.02 for "2%").
    pub target: f64,
    /// Replications run before the rule is first checked.
    pub min: u32,
    /// Replications after which the run stops whatever the intervals.
    pub max: u32,
}

impl Precision {
    /// A precision target with its bounds, or what is wrong with them.
    pub fn new(target: f64, min: u32, max: u32) -> Result<Precision, String> {
        if min < LEAST_START {
            return Err(format!(
                "a run sized by precision starts from at least {LEAST_START} replications (the minimum is -r, or the \
                 scenario's replications); got {min}"
            ));
        }
        if max > MOST {
            return Err(format!("--max-replications must be at most {MOST}; got {max}"));
        }
        if max < min {
            return Err(format!("--max-replications {max} is below the minimum of {min} replications"));
        }
        Ok(Precision { target, min, max })
    }

    /// The replication counts at which the rule is checked, in order: the
    /// minimum, every [`BATCH`] more, and the maximum.
    pub fn checkpoints(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(self.min), move |&n| self.next_after(n))
    }

    /// The next checkpoint after `n`, if `n` is below the maximum.
    pub fn next_after(&self, n: u32) -> Option<u32> {
        (n < self.max).then(|| n.saturating_add(BATCH).min(self.max))
    }

    /// "±2%".
    pub fn target_text(&self) -> String {
        format!("±{}", percent(self.target))
    }
}

/// Reads a precision target: a percentage ("2%", "0.5%") or a share below
/// 1 ("0.02"), above 0 and below 100%.
pub fn parse_target(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let bad = |why: &str| {
        format!(
            "--precision: expected the largest half-width of the 95% interval as a share of the mean, above 0% and \
             below 100%, e.g. 2% or 0.02; got \"{text}\"{why}"
        )
    };
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map_err(|_| bad(""))? / 100.0,
        None => {
            let x = t.parse::<f64>().map_err(|_| bad(""))?;
            if x >= 1.0 {
                return Err(bad(&format!(" (a bare number is a share: write {x}% for a percentage)")));
            }
            x
        }
    };
    if !(value > 0.0 && value < 1.0) {
        return Err(bad(""));
    }
    Ok(value)
}

/// How one headline verdict stands against the target.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    /// Its half-width is within the target.
    Within,
    /// Its half-width is wider than the target: it holds the run going.
    Wide,
    /// Not held to the target, for this reason.
    Excluded(String),
}

/// One headline verdict's interval against the target.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictPrecision {
    /// The metric's scope.
    pub scope: String,
    /// The metric.
    pub metric: String,
    /// What it counts, as the report labels it.
    pub label: String,
    /// Mean over the replications that have it.
    pub mean: f64,
    /// Half-width of its 95% interval.
    pub half_width: f64,
    /// Where it stands.
    pub standing: Standing,
}

impl VerdictPrecision {
    /// The half-width as a share of the mean (0 for a verdict the same in
    /// every replication; NaN when undefined).
    pub fn relative(&self) -> f64 {
        if self.half_width == 0.0 { 0.0 } else { self.half_width / self.mean.abs() }
    }
}

/// The rule applied to the first `replications` replications of a
/// scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The target and bounds.
    pub precision: Precision,
    /// Replications the estimates are over.
    pub replications: u32,
    /// Every headline verdict the scenario's estimates hold.
    pub verdicts: Vec<VerdictPrecision>,
}

impl Assessment {
    /// Whether no verdict is wider than the target.
    pub fn met(&self) -> bool {
        self.verdicts.iter().all(|v| v.standing != Standing::Wide)
    }

    /// Whether the run stops here: the target is met or the maximum reached.
    pub fn stops(&self) -> bool {
        self.met() || self.replications >= self.precision.max
    }

    /// The verdicts that are still too wide.
    pub fn wide(&self) -> impl Iterator<Item = &VerdictPrecision> {
        self.verdicts.iter().filter(|v| v.standing == Standing::Wide)
    }

    /// The verdicts not held to the target, with their reasons.
    pub fn excluded(&self) -> impl Iterator<Item = (&VerdictPrecision, &str)> {
        self.verdicts.iter().filter_map(|v| match &v.standing {
            Standing::Excluded(why) => Some((v, why.as_str())),
            _ => None,
        })
    }

    /// One sentence: how many replications, and why the run stopped there.
    /// "30 replications: every headline verdict within ±2% of its mean
    /// (95%)", or "stopped at the maximum of 200 replications: applicants
    /// who gave up still ±3.1% of its mean (target ±2%, 95%)".
    pub fn summary(&self) -> String {
        let p = &self.precision;
        let judged = self.verdicts.iter().filter(|v| !matches!(v.standing, Standing::Excluded(_))).count();
        let confidence = percent(CONFIDENCE_LEVEL);
        if judged == 0 {
            return format!(
                "{} replications (the minimum): no headline verdict can be held to {} of its mean",
                self.replications,
                p.target_text()
            );
        }
        if self.met() {
            let bound = if self.replications == p.min { ", the minimum" } else { "" };
            return format!(
                "{} replications{bound}: every headline verdict within {} of its mean ({confidence}; {judged} judged)",
                self.replications,
                p.target_text()
            );
        }
        let wide: Vec<String> = self.wide().map(|v| format!("{} still ±{}", v.label, percent(v.relative()))).collect();
        format!(
            "stopped at the maximum of {} replications: {} (target {} of the mean, {confidence})",
            self.replications,
            wide.join("; "),
            p.target_text()
        )
    }

    /// The verdicts left out of the rule, and why: "excluded: outage
    /// onset (a clock time: ...)", or `None`.
    pub fn exclusions(&self) -> Option<String> {
        let parts: Vec<String> = self.excluded().map(|(v, why)| format!("{} ({why})", v.label)).collect();
        (!parts.is_empty()).then(|| format!("not held to the target: {}", parts.join("; ")))
    }
}

/// A share as a percentage with up to two significant decimals: "2%",
/// "0.5%", "3.1%".
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        return "undefined".to_owned();
    }
    let text = if p >= 10.0 { format!("{p:.0}") } else { format!("{p:.1}") };
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    format!("{text}%")
}

/// Applies the rule to a scenario's estimates over `replications`
/// replications: every scorecard verdict of its model, in the registry's
/// order.
pub fn assess(scenario: &Scenario, estimates: &[Estimate], replications: u32, precision: Precision) -> Assessment {
    let list = match &scenario.model {
        Model::LaunchDay(_) => verdict::LAUNCH,
        Model::Contact(_) => verdict::CONTACT,
        Model::Network(_) => verdict::NETWORK,
    };
    let verdicts = verdict::pick(estimates, list, scenario.start_date)
        .into_iter()
        .filter(|shown| shown.verdict.scorecard)
        .map(|shown| {
            let ci = &shown.estimate.ci;
            let standing = standing(shown.verdict.measure, ci, replications, precision.target);
            VerdictPrecision {
                scope: shown.estimate.scope.clone(),
                metric: shown.estimate.metric.clone(),
                label: shown.label,
                mean: ci.mean,
                half_width: ci.half_width,
                standing,
            }
        })
        .collect();
    Assessment { precision, replications, verdicts }
}

/// Where an interval over `ci.n` of `replications` replications stands
/// against a relative `target` (see the module's rules).
pub fn standing(measure: Measure, ci: &crate::stats::ConfidenceInterval, replications: u32, target: f64) -> Standing {
    let n = ci.n as u64;
    if n == 0 {
        return Standing::Excluded("empty in every replication".to_owned());
    }
    if n < u64::from(replications) {
        return Standing::Excluded(format!(
            "empty in {} of {replications} replications: its mean is over those that have it",
            u64::from(replications) - n
        ));
    }
    if measure == Measure::Clock {
        return Standing::Excluded("a clock time counts from midnight, so a share of it is no precision".to_owned());
    }
    if ci.half_width == 0.0 {
        return Standing::Within;
    }
    if ci.mean == 0.0 || !ci.half_width.is_finite() {
        return Standing::Excluded("mean 0: a half-width relative to it is undefined".to_owned());
    }
    if ci.half_width <= target * ci.mean.abs() { Standing::Within } else { Standing::Wide }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::ConfidenceInterval;

    #[test]
    fn targets_read_as_percentages_or_shares_and_refuse_the_rest() {
        assert_eq!(parse_target("2%"), Ok(0.02));
        assert_eq!(parse_target(" 0.5% "), Ok(0.005));
        assert_eq!(parse_target("0.02"), Ok(0.02));
        for bad in ["0%", "150%", "100%", "abc", "-2%", "2", "", "%", "nan%"] {
            assert!(parse_target(bad).unwrap_err().starts_with("--precision: expected"), "{bad}");
        }
        assert!(parse_target("2").unwrap_err().contains("write 2%"));
    }

    #[test]
    fn checkpoints_are_the_minimum_every_batch_and_the_maximum() {
        let p = Precision::new(0.02, 10, 27).unwrap();
        assert_eq!(p.checkpoints().collect::<Vec<_>>(), [10, 15, 20, 25, 27]);
        let one = Precision::new(0.02, 5, 5).unwrap();
        assert_eq!(one.checkpoints().collect::<Vec<_>>(), [5]);
        assert!(Precision::new(0.02, 2, 10).unwrap_err().contains("at least 3"));
        assert!(Precision::new(0.02, 10, 9).unwrap_err().contains("below the minimum"));
    }

    #[test]
    fn the_rule_is_a_relative_half_width_with_stated_exceptions() {
        // 10, 12, 14: mean 12, s 2, t(0.975, 2) = 4.303, half-width
        // 4.303 * 2 / sqrt 3 = 4.969, 41.4% of the mean.
        let ci = ConfidenceInterval::student_t(&[10.0, 12.0, 14.0], 0.95);
        assert!((ci.half_width - 4.968_6).abs() < 1e-3);
        assert_eq!(standing(Measure::Count, &ci, 3, 0.42), Standing::Within);
        assert_eq!(standing(Measure::Count, &ci, 3, 0.41), Standing::Wide);
        assert!(matches!(standing(Measure::Clock, &ci, 3, 0.5), Standing::Excluded(w) if w.contains("clock")));
        assert!(
            matches!(standing(Measure::Count, &ci, 4, 0.5), Standing::Excluded(w) if w.contains("empty in 1 of 4"))
        );
        let zeros = ConfidenceInterval::student_t(&[0.0, 0.0, 0.0], 0.95);
        assert_eq!(standing(Measure::Count, &zeros, 3, 0.01), Standing::Within);
        let around_zero = ConfidenceInterval::student_t(&[-1.0, 0.0, 1.0], 0.95);
        assert!(
            matches!(standing(Measure::Number, &around_zero, 3, 0.5), Standing::Excluded(w) if w.contains("mean 0"))
        );
    }

    #[test]
    fn percentages_are_short() {
        assert_eq!(percent(0.02), "2%");
        assert_eq!(percent(0.031_4), "3.1%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(percent(0.95), "95%");
        assert_eq!(percent(0.123), "12%");
    }
}
