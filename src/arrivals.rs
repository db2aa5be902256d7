//! Arrival processes: when customers first show up.
//!
//! Four shapes cover launch days. A constant Poisson stream is the textbook
//! baseline. A piecewise rate profile is the daily curve (night, morning
//! ramp, lunch dip), sampled exactly by inverting its cumulative rate rather
//! than by thinning, so a rate of millions per hour costs no rejected draws.
//! A finite population is the eligible public: each person's first attempt
//! is drawn from a distribution of times, and the sorted times are produced
//! one at a time from the order statistics of uniforms, so a population of
//! five million needs no array of five million times. A batch is an SMS
//! wave or a queue that is already there when the doors open.

use crate::dist::TimeDistribution;
use crate::units::{PerSecond, Seconds};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

/// How a rate profile varies between its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileShape {
    /// The rate jumps at each point and stays flat until the next.
    Step,
    /// The rate moves in a straight line from one point to the next.
    Linear,
}

/// A rate that changes over the day: points `(time, rate)` in increasing
/// time. Before the first point the rate is zero; after the last it stays at
/// the last point's rate.
#[derive(Debug, Clone, PartialEq)]
pub struct RateProfile {
    /// `(time in s, rate in events/s)`, strictly increasing in time.
    pub points: Vec<(Seconds, PerSecond)>,
    /// Interpolation between points.
    pub shape: ProfileShape,
}

impl RateProfile {
    /// The rate at time `t`.
    pub fn rate_at(&self, t: Seconds) -> PerSecond {
        let i = self.points.partition_point(|(pt, _)| *pt <= t);
        if i == 0 {
            return 0.0;
        }
        let (t0, r0) = self.points[i - 1];
        match (self.shape, self.points.get(i)) {
            (ProfileShape::Linear, Some(&(t1, r1))) => r0 + (r1 - r0) * (t - t0) / (t1 - t0),
            _ => r0,
        }
    }

    /// The expected number of arrivals in `[0, horizon)`.
    pub fn integral(&self, horizon: Seconds) -> f64 {
        let mut total = 0.0;
        for (i, &(t0, r0)) in self.points.iter().enumerate() {
            if t0 >= horizon {
                break;
            }
            let next = self.points.get(i + 1).copied();
            let end = next.map_or(horizon, |(t1, _)| t1.min(horizon));
            let r_end = match (self.shape, next) {
                (ProfileShape::Linear, Some(_)) => self.rate_at(end),
                _ => r0,
            };
            total += 0.5 * (r0 + r_end) * (end - t0);
        }
        total
    }
}

/// A description of when customers arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalProcess {
    /// A Poisson stream at a constant rate (events per second) from time zero.
    Poisson {
        /// Events per second.
        rate: PerSecond,
    },
    /// A non-homogeneous Poisson stream following a rate profile.
    Profile(RateProfile),
    /// A finite population; each member arrives once, at `offset` plus a time
    /// drawn from `first_arrival`.
    Population {
        /// Number of people.
        size: u64,
        /// Distribution of each person's first-arrival time after `offset`.
        first_arrival: TimeDistribution,
        /// When the population starts arriving, in seconds.
        offset: Seconds,
    },
    /// `size` arrivals all at time `at`.
    Batch {
        /// Number of arrivals.
        size: u64,
        /// Instant of the batch, in seconds.
        at: Seconds,
    },
}

impl ArrivalProcess {
    /// Expected arrivals in `[0, horizon)`: used to refuse runs that would
    /// take days or exhaust memory before they start.
    pub fn expected_count(&self, horizon: Seconds) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => rate * horizon,
            ArrivalProcess::Profile(profile) => profile.integral(horizon),
            ArrivalProcess::Population { size, .. } | ArrivalProcess::Batch { size, .. } => *size as f64,
        }
    }

    /// A fresh generator for one replication.
    pub fn generator(&self) -> ArrivalGenerator {
        let state = match self {
            ArrivalProcess::Poisson { rate } => State::Poisson { rate: *rate },
            ArrivalProcess::Profile(profile) => State::Profile { profile: profile.clone(), segment: 0 },
            ArrivalProcess::Population { size, first_arrival, offset } => State::Population {
                remaining: *size,
                log_survival: 0.0,
                first_arrival: first_arrival.clone(),
                offset: *offset,
            },
            ArrivalProcess::Batch { size, at } => State::Batch { remaining: *size, at: *at },
        };
        ArrivalGenerator { state }
    }
}

/// The running state of one arrival process in one replication.
#[derive(Debug, Clone)]
pub struct ArrivalGenerator {
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    Poisson { rate: PerSecond },
    Profile { profile: RateProfile, segment: usize },
    Population { remaining: u64, log_survival: f64, first_arrival: TimeDistribution, offset: Seconds },
    Batch { remaining: u64, at: Seconds },
}

impl ArrivalGenerator {
    /// The time of the next arrival after the one at `now` (or the first,
    /// with `now` = 0), or `None` when the process has no more arrivals.
    #[inline]
    pub fn next_after<R: Rng + ?Sized>(&mut self, now: Seconds, rng: &mut R) -> Option<Seconds> {
        match &mut self.state {
            State::Poisson { rate } => {
                if *rate <= 0.0 {
                    return None;
                }
                let e: f64 = Exp1.sample(rng);
                Some(now + e / *rate)
            }
            State::Profile { profile, segment } => {
                let e: f64 = Exp1.sample(rng);
                invert_profile(profile, segment, now, e)
            }
            State::Population { remaining, log_survival, first_arrival, offset } => {
                if *remaining == 0 {
                    return None;
                }
                // Ascending order statistics of n uniforms: the survival
                // 1 - U(i+1) equals (1 - U(i)) * V^(1/(n-i)), V uniform on
                // (0, 1]. Kept in logs so millions of steps lose no precision.
                let v = 1.0 - rng.random::<f64>();
                *log_survival += v.ln() / *remaining as f64;
                *remaining -= 1;
                let p = -log_survival.exp_m1();
                Some((*offset + first_arrival.quantile(p.clamp(0.0, 1.0))).max(now))
            }
            State::Batch { remaining, at } => {
                if *remaining == 0 {
                    return None;
                }
                *remaining -= 1;
                Some(at.max(now))
            }
        }
    }
}

/// Finds the time at which the cumulative rate from `now` reaches `e`
/// (exact inversion of a piecewise-constant or piecewise-linear rate).
fn invert_profile(profile: &RateProfile, segment: &mut usize, now: Seconds, mut e: f64) -> Option<Seconds> {
    let points = &profile.points;
    let mut t = now;
    if points.is_empty() {
        return None;
    }
    if t < points[0].0 {
        t = points[0].0;
    }
    while *segment + 1 < points.len() && points[*segment + 1].0 <= t {
        *segment += 1;
    }
    loop {
        let (t0, r0) = points[*segment];
        let Some(&(t1, r1)) = points.get(*segment + 1) else {
            return (r0 > 0.0).then(|| t + e / r0);
        };
        let (rate_now, slope) = match profile.shape {
            ProfileShape::Step => (r0, 0.0),
            ProfileShape::Linear => {
                let slope = (r1 - r0) / (t1 - t0);
                (r0 + slope * (t - t0), slope)
            }
        };
        let span = t1 - t;
        let mass = rate_now * span + 0.5 * slope * span * span;
        if e <= mass && mass > 0.0 {
            // Solve rate_now*d + slope/2*d^2 = e in the form that stays
            // accurate as the slope goes to zero.
            let disc = (rate_now * rate_now + 2.0 * slope * e).max(0.0);
            let d = 2.0 * e / (rate_now + disc.sqrt());
            return Some(t + d.min(span));
        }
        e -= mass.max(0.0);
        t = t1;
        *segment += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RngStreams, StreamKey, StreamPurpose};

    fn rng() -> crate::engine::SimRng {
        RngStreams::new(7, 0).stream(StreamKey::new(StreamPurpose::Arrivals, "test"))
    }

    fn count_until(process: &ArrivalProcess, horizon: Seconds, reps: u32) -> (f64, Vec<f64>) {
        let mut rng = rng();
        let mut total = 0u64;
        let mut times = Vec::new();
        for _ in 0..reps {
            let mut generator = process.generator();
            let mut now = 0.0;
            while let Some(t) = generator.next_after(now, &mut rng) {
                if t >= horizon {
                    break;
                }
                assert!(t >= now, "arrivals must be in order");
                now = t;
                total += 1;
                if times.len() < 200_000 {
                    times.push(t);
                }
            }
        }
        (total as f64 / f64::from(reps), times)
    }

    #[test]
    fn poisson_count_matches_rate_times_horizon() {
        let (mean, _) = count_until(&ArrivalProcess::Poisson { rate: 2.0 }, 1000.0, 50);
        // Mean of 50 Poisson(2000) counts: sd of the mean is about 6.3.
        assert!((mean - 2000.0).abs() < 4.0 * 6.33, "mean {mean}");
    }

    #[test]
    fn step_profile_puts_arrivals_where_the_rate_is() {
        let profile = RateProfile { points: vec![(100.0, 1.0), (200.0, 0.0), (300.0, 4.0)], shape: ProfileShape::Step };
        assert_eq!(profile.integral(400.0), 100.0 + 400.0);
        let process = ArrivalProcess::Profile(profile);
        let (mean, times) = count_until(&process, 400.0, 200);
        assert!((mean - 500.0).abs() < 4.0 * (500.0f64 / 200.0).sqrt(), "mean {mean}");
        assert!(times.iter().all(|t| (100.0..200.0).contains(t) || (300.0..400.0).contains(t)));
        let early = times.iter().filter(|t| **t < 200.0).count() as f64 / times.len() as f64;
        assert!((early - 0.2).abs() < 0.01, "share before 200 s: {early}");
    }

    #[test]
    fn linear_profile_matches_its_integral_in_each_half() {
        // Rate rises from 0 to 10/s over 100 s: 125 expected in the first
        // half, 375 in the second.
        let profile = RateProfile { points: vec![(0.0, 0.0), (100.0, 10.0)], shape: ProfileShape::Linear };
        assert!((profile.integral(100.0) - 500.0).abs() < 1e-9);
        assert!((profile.rate_at(50.0) - 5.0).abs() < 1e-12);
        let (_, times) = count_until(&ArrivalProcess::Profile(profile), 100.0, 200);
        let first_half = times.iter().filter(|t| **t < 50.0).count() as f64 / times.len() as f64;
        assert!((first_half - 0.25).abs() < 0.01, "share in first half: {first_half}");
    }

    #[test]
    fn population_arrives_exactly_once_each_in_sorted_order() {
        let process = ArrivalProcess::Population {
            size: 100_000,
            first_arrival: TimeDistribution::exponential(600.0).unwrap(),
            offset: 60.0,
        };
        let (mean, times) = count_until(&process, f64::INFINITY, 1);
        assert_eq!(mean, 100_000.0);
        assert!(times[0] >= 60.0);
        // The empirical median of the first-arrival delays is near 600 ln 2.
        let median = times[50_000] - 60.0;
        assert!((median / (600.0 * 2f64.ln()) - 1.0).abs() < 0.02, "median {median}");
    }

    #[test]
    fn batch_delivers_its_size_at_its_instant() {
        let (mean, times) = count_until(&ArrivalProcess::Batch { size: 25, at: 30.0 }, 100.0, 1);
        assert_eq!(mean, 25.0);
        assert!(times.iter().all(|t| *t == 30.0));
    }
}
