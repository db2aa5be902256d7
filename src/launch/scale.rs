//! Classroom scale: the same launch day with fewer people and
//! proportionally less of everything that serves them.
//!
//! A class cannot wait a minute for five million applicants in a browser,
//! but it can watch a day of 2% of them meet 2% of the workers. What stays
//! the same is everything per person (journeys, think times, timeouts,
//! retries, tabs, patience, shares) and per request (service times, TTLs,
//! latencies); what shrinks by the factor is every count of people and
//! every capacity:
//!
//! - people: category sizes, crowds, curves, notification waves, the
//!   application milestones and the stock;
//! - rates: hostile traffic, edge capacity, a waiting room's admission
//!   rate, the contact center's everyday demand;
//! - capacities: workers (or instances, for a tier that declares them),
//!   accept queues, shedding thresholds, autoscaling bounds and steps,
//!   session limits, the waiting room's sessions, phone lines, agents and
//!   social responders, and the interventions that set any of these.
//!
//! Counts are rounded to the nearest whole number, and a count that was at
//! least 1 stays at least 1 (a tier keeps a worker, a shift an agent).
//! Rates are multiplied exactly. A tier's Universal Scalability Law
//! coefficients are divided by its worker ratio (α) and its square (β), so
//! that the slowdown at a given share of the pool busy is the one the full
//! tier has: a connection pool that thrashes when a seventh of it is busy
//! still does. The scaled day is close to the full one, not equal to it:
//! small counts are lumpier and rounding moves capacities by up to half a
//! unit, so a classroom verdict is the verdict of the scaled day, which the
//! command line reproduces with `clickday run --scale`.

use super::{Action, Admission, ArrivalPart, LaunchDay};
use crate::arrivals::{ArrivalProcess, RateProfile};
use crate::contact::{ContactCenter, DemandKind, DemandSource, StaffSchedule};

/// Smallest scale factor accepted: below it most counts round to 1.
pub const MIN_SCALE: f64 = 0.0001;

/// Checks a scale factor: above 0 (at least [`MIN_SCALE`]) and at most 1.
pub fn check_scale(factor: f64) -> Result<(), String> {
    if (MIN_SCALE..=1.0).contains(&factor) {
        Ok(())
    } else {
        Err(format!("the scale must be a number from {MIN_SCALE} to 1 (1 is the full day), not {factor}"))
    }
}

/// A count times the factor, rounded to the nearest; at least 1 if it was.
pub fn scale_count(count: u64, factor: f64) -> u64 {
    if count == 0 {
        return 0;
    }
    ((count as f64 * factor).round() as u64).max(1)
}

fn scale_u32(count: u32, factor: f64) -> u32 {
    scale_count(u64::from(count), factor).min(u64::from(u32::MAX)) as u32
}

fn scale_profile(profile: &mut RateProfile, factor: f64) {
    for (_, rate) in &mut profile.points {
        *rate *= factor;
    }
}

impl LaunchDay {
    /// The day at classroom scale (see the module documentation); a factor
    /// of 1 returns the day unchanged. The factor must pass
    /// [`check_scale`].
    pub fn scaled(&self, factor: f64) -> Result<LaunchDay, String> {
        check_scale(factor)?;
        let mut day = self.clone();
        if factor == 1.0 {
            return Ok(day);
        }
        let n = |c: u32| scale_u32(c, factor);
        for category in &mut day.categories {
            category.size = scale_count(category.size, factor);
            for part in &mut category.arrivals {
                match part {
                    ArrivalPart::Crowd { people, .. } | ArrivalPart::Curve { people, .. } => {
                        *people = scale_count(*people, factor)
                    }
                    ArrivalPart::Wave { recipients, .. } => *recipients = scale_count(*recipients, factor),
                }
            }
            // Rounding each part apart may bring one more than the size.
            let arriving: u64 = category.arrivals.iter().map(ArrivalPart::people).sum();
            category.size = category.size.max(arriving);
        }
        day.edge.capacity *= factor;
        let worker_ratios: Vec<f64> = day
            .tiers
            .iter()
            .map(|t| if t.instances.is_some() { 1.0 } else { f64::from(n(t.workers)) / f64::from(t.workers.max(1)) })
            .collect();
        for (tier, ratio) in day.tiers.iter_mut().zip(&worker_ratios) {
            match &mut tier.instances {
                Some(instances) => *instances = n(*instances),
                None => {
                    tier.workers = n(tier.workers);
                    if *ratio > 0.0 {
                        tier.contention /= ratio;
                        tier.coherency /= ratio * ratio;
                    }
                }
            }
            tier.queue_capacity = n(tier.queue_capacity);
            tier.shed_above = tier.shed_above.map(n);
            if let Some(a) = &mut tier.autoscale {
                a.min = n(a.min);
                a.max = n(a.max).max(a.min);
                a.step = n(a.step);
            }
        }
        day.max_sessions = day.max_sessions.map(n);
        if let Some(room) = &mut day.waiting_room {
            room.admission = match room.admission {
                Admission::Rate(rate) => Admission::Rate(rate * factor),
                Admission::Sessions(sessions) => Admission::Sessions(n(sessions)),
            };
        }
        for iv in &mut day.interventions {
            iv.action = match iv.action {
                Action::SetWorkers { tier, workers } => Action::SetWorkers { tier, workers: n(workers) },
                Action::SetInstances { tier, instances } => Action::SetInstances { tier, instances: n(instances) },
                Action::FailInstances { tier, instances } => Action::FailInstances { tier, instances: n(instances) },
                Action::AdmissionRate(rate) => Action::AdmissionRate(rate * factor),
                Action::MaxSessions(sessions) => Action::MaxSessions(n(sessions)),
                Action::EdgeCapacity(rate) => Action::EdgeCapacity(rate * factor),
                other => other,
            };
        }
        let mut milestones: Vec<u64> = day.milestones.iter().map(|m| scale_count(*m, factor)).collect();
        milestones.dedup();
        day.milestones = milestones;
        for source in &mut day.hostile {
            scale_profile(&mut source.rate, factor);
        }
        if let Some(stock) = &mut day.stock {
            stock.items = scale_count(stock.items, factor);
        }
        if let Some(center) = &mut day.contact_center {
            scale_center(center, factor);
        }
        day.check()?;
        Ok(day)
    }
}

fn scale_schedule(schedule: &mut StaffSchedule, factor: f64) {
    schedule.initial = scale_u32(schedule.initial, factor);
    let mut last = schedule.initial;
    schedule.changes.retain_mut(|change| {
        change.count = scale_u32(change.count, factor);
        // Two counts that round alike are no longer a change.
        let keep = change.count != last;
        last = change.count;
        keep
    });
}

fn scale_demand(demand: &mut [DemandSource], factor: f64) {
    for source in demand {
        match &mut source.kind {
            DemandKind::Arrivals(ArrivalProcess::Poisson { rate }) => *rate *= factor,
            DemandKind::Arrivals(ArrivalProcess::Profile(profile)) => scale_profile(profile, factor),
            DemandKind::Arrivals(ArrivalProcess::Population { size, .. } | ArrivalProcess::Batch { size, .. }) => {
                *size = scale_count(*size, factor)
            }
            DemandKind::Wave(wave) => wave.recipients = scale_count(wave.recipients, factor),
        }
    }
}

/// The contact center fed by a scaled day: lines, agents, responders and
/// everyday demand shrink with it; per-contact figures stay.
fn scale_center(center: &mut ContactCenter, factor: f64) {
    if let Some(phone) = &mut center.phone {
        phone.lines = phone.lines.map(|l| scale_u32(l, factor));
        scale_schedule(&mut phone.agents, factor);
        scale_demand(&mut phone.demand, factor);
        if let Some(callback) = &mut phone.callback {
            callback.queue_at_least = scale_u32(callback.queue_at_least, factor);
        }
    }
    if let Some(social) = &mut center.social {
        scale_schedule(&mut social.responders, factor);
        scale_demand(&mut social.demand, factor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_to_nearest_and_keep_one() {
        assert_eq!(scale_count(0, 0.02), 0);
        assert_eq!(scale_count(1, 0.02), 1);
        assert_eq!(scale_count(128, 0.02), 3); // 2.56
        assert_eq!(scale_count(2000, 0.02), 40);
        assert_eq!(scale_count(5_000_000, 0.02), 100_000);
        assert_eq!(scale_count(125, 0.02), 3); // 2.5 rounds away from zero
    }

    #[test]
    fn scale_outside_its_range_is_refused() {
        for bad in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY, 0.00001] {
            assert!(check_scale(bad).is_err(), "{bad}");
        }
        assert!(check_scale(1.0).is_ok());
        assert!(check_scale(0.02).is_ok());
    }

    #[test]
    fn schedules_drop_changes_that_round_alike() {
        let mut s = StaffSchedule {
            initial: 10,
            changes: vec![
                crate::contact::StaffChange { at: 10.0, count: 20 },
                crate::contact::StaffChange { at: 20.0, count: 21 },
                crate::contact::StaffChange { at: 30.0, count: 0 },
            ],
        };
        scale_schedule(&mut s, 0.1);
        assert_eq!(s.initial, 1);
        assert_eq!(
            s.changes,
            vec![
                crate::contact::StaffChange { at: 10.0, count: 2 },
                crate::contact::StaffChange { at: 30.0, count: 0 }
            ]
        );
    }
}
