//! The journey as a funnel: per step, the people who reached it, the people
//! the portal failed there and the people who left by choice after it.
//!
//! Every figure counts people, each once, which is what a planner reads
//! ("of those who reached the form, how many did the portal fail?"):
//! - reached: sent the step's first request in some visit (answered or
//!   not, even by the holding page);
//! - failed: had a visit end there because the portal failed them (every
//!   retry spent); a person failed at the same step on two visits counts
//!   once there, a person failed at two steps counts at each;
//! - left by choice: went no further after the step succeeded (a continue
//!   share, or a browser at the submission). Leaving by choice ends a
//!   person's day, so this one is counted once by nature.
//!
//! A day kept without choices keeps no funnel: the two bits per step and
//! person cost 16 bytes an applicant, and such a day's outputs stay as
//! they were.

use super::Step;
use crate::verdict::{FUNNEL_FAILED as FAILED, FUNNEL_LEFT_BY_CHOICE as LEFT, FUNNEL_REACHED as REACHED};

/// The funnel's counts and who has been counted where.
pub(super) struct Funnel {
    /// Whether the day keeps a funnel at all.
    on: bool,
    /// Per applicant, the steps they reached (bit `s` for step `s`; a
    /// journey has at most 64 steps).
    reached_by: Vec<u64>,
    /// Per applicant, the steps at which the portal failed them.
    failed_by: Vec<u64>,
    /// Per step: people who reached it.
    reached: Vec<u64>,
    /// Per step: people the portal failed there.
    failed: Vec<u64>,
    /// Per step: people who left by choice after it succeeded.
    left: Vec<u64>,
}

impl Funnel {
    /// A funnel of `steps` steps, kept only when `on`, with room for
    /// `applicants` people.
    pub(super) fn new(on: bool, steps: usize, applicants: usize) -> Funnel {
        let (per_person, per_step) = if on { (applicants, steps) } else { (0, 0) };
        Funnel {
            on,
            reached_by: Vec::with_capacity(per_person),
            failed_by: Vec::with_capacity(per_person),
            reached: vec![0; per_step],
            failed: vec![0; per_step],
            left: vec![0; per_step],
        }
    }

    /// A new applicant arrived (ids are given in arrival order).
    #[inline]
    pub(super) fn arrive(&mut self) {
        if self.on {
            self.reached_by.push(0);
            self.failed_by.push(0);
        }
    }

    /// Applicant `id` sent a request of step `step`.
    #[inline]
    pub(super) fn reach(&mut self, id: u32, step: usize) {
        if self.on {
            count_once(&mut self.reached_by[id as usize], &mut self.reached[step], step);
        }
    }

    /// The portal failed applicant `id`'s visit at step `step`.
    #[inline]
    pub(super) fn fail(&mut self, id: u32, step: usize) {
        if self.on {
            count_once(&mut self.failed_by[id as usize], &mut self.failed[step], step);
        }
    }

    /// Someone left by choice after step `step` succeeded.
    #[inline]
    pub(super) fn left_after(&mut self, step: usize) {
        if self.on {
            self.left[step] += 1;
        }
    }

    /// The summary metrics, step by step in journey order: reached,
    /// failed, left by choice; none when the funnel is not kept.
    pub(super) fn metrics(&self, journey: &[Step]) -> Vec<(String, f64)> {
        if !self.on {
            return Vec::new();
        }
        let names = step_slugs(journey);
        let mut out = Vec::with_capacity(3 * names.len());
        for (s, name) in names.iter().enumerate() {
            out.push((format!("{REACHED}{name}"), self.reached[s] as f64));
            out.push((format!("{FAILED}{name}"), self.failed[s] as f64));
            out.push((format!("{LEFT}{name}"), self.left[s] as f64));
        }
        out
    }
}

/// Sets bit `step` of `seen` and counts it in `count`, unless it was set.
#[inline]
fn count_once(seen: &mut u64, count: &mut u64, step: usize) {
    let bit = 1u64 << step;
    if *seen & bit == 0 {
        *seen |= bit;
        *count += 1;
    }
}

/// The steps' names as metric-name fragments, in journey order: lower-case
/// letters and digits, other runs of characters as one `_`; a name left
/// empty, or equal to an earlier step's, gets the step's number
/// (`step_3`, `log_in_3`) so every step keeps its own metrics.
pub fn step_slugs(journey: &[Step]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(journey.len());
    for (i, step) in journey.iter().enumerate() {
        let mut slug = String::new();
        for c in step.name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('_') {
                slug.push('_');
            }
        }
        let slug = slug.trim_end_matches('_').to_owned();
        let slug = match slug.as_str() {
            "" => format!("step_{}", i + 1),
            taken if out.iter().any(|s| s == taken) => format!("{taken}_{}", i + 1),
            _ => slug,
        };
        out.push(slug);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::TimeDistribution;
    use crate::launch::ContentClass;

    fn step(name: &str) -> Step {
        Step {
            name: name.into(),
            class: ContentClass::Static,
            route: Vec::new(),
            think: TimeDistribution::deterministic(1.0).unwrap(),
            share: 1.0,
            addresses: 1,
            per_application: false,
            completes_application: false,
            continue_share: 1.0,
            browsers_continue: 1.0,
        }
    }

    #[test]
    fn step_names_become_distinct_metric_names() {
        let journey = [step("Log in"), step("log-in"), step("!!"), step("Form 2")];
        assert_eq!(step_slugs(&journey), ["log_in", "log_in_2", "step_3", "form_2"]);
    }

    #[test]
    fn each_person_counts_once_per_step_and_nothing_is_kept_when_off() {
        let journey = [step("a"), step("b")];
        let mut f = Funnel::new(true, 2, 2);
        f.arrive();
        f.arrive();
        for _ in 0..3 {
            f.reach(0, 0);
            f.fail(0, 0);
        }
        f.reach(1, 0);
        f.reach(1, 1);
        f.left_after(1);
        let m = f.metrics(&journey);
        let get = |name: &str| m.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!((get("funnel_reached_a"), get("funnel_failed_a"), get("funnel_left_by_choice_a")), (2.0, 1.0, 0.0));
        assert_eq!((get("funnel_reached_b"), get("funnel_failed_b"), get("funnel_left_by_choice_b")), (1.0, 0.0, 1.0));
        let mut off = Funnel::new(false, 2, 2);
        off.arrive();
        off.reach(0, 1);
        off.fail(0, 1);
        off.left_after(1);
        assert!(off.metrics(&journey).is_empty() && off.reached_by.is_empty());
    }
}
