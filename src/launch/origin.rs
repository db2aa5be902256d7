//! The running state of an origin tier.

use super::Tier;
use crate::stats::TimeWeighted;
use crate::units::Seconds;
use std::collections::VecDeque;

/// Cumulative counts of one tier since time zero.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TierCounts {
    pub arrivals: u64,
    pub completed: u64,
    pub rejected: u64,
    pub timeouts: u64,
}

/// A tier's areas and counts at one instant.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TierMark {
    pub time: Seconds,
    pub counts: TierCounts,
    pub busy_area: f64,
    pub queue_area: f64,
    pub workers_area: f64,
}

#[derive(Debug)]
pub(super) struct TierState {
    pub workers: u32,
    pub busy: u32,
    /// Requests waiting for a worker, oldest first.
    pub queue: VecDeque<u32>,
    /// Workers ordered by autoscaling and not yet ready.
    pub pending: u32,
    pub counts: TierCounts,
    busy_tw: TimeWeighted,
    queue_tw: TimeWeighted,
    workers_tw: TimeWeighted,
    pub interval_mark: TierMark,
    pub autoscale_mark: TierMark,
    alpha: f64,
    beta: f64,
}

impl TierState {
    pub fn new(tier: &Tier) -> TierState {
        TierState {
            workers: tier.workers,
            busy: 0,
            queue: VecDeque::with_capacity(1024),
            pending: 0,
            counts: TierCounts::default(),
            busy_tw: TimeWeighted::new(0.0, 0.0),
            queue_tw: TimeWeighted::new(0.0, 0.0),
            workers_tw: TimeWeighted::new(0.0, f64::from(tier.workers)),
            interval_mark: TierMark::default(),
            autoscale_mark: TierMark::default(),
            alpha: tier.contention,
            beta: tier.coherency,
        }
    }

    /// The Universal Scalability Law slowdown at concurrency `n`.
    #[inline]
    pub fn slowdown(&self, n: u32) -> f64 {
        let n = f64::from(n);
        1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0)
    }

    #[inline]
    pub fn set_busy(&mut self, now: Seconds, busy: u32) {
        self.busy = busy;
        self.busy_tw.set(now, f64::from(busy));
    }

    #[inline]
    pub fn push(&mut self, now: Seconds, request: u32) {
        self.queue.push_back(request);
        self.queue_tw.set(now, self.queue.len() as f64);
    }

    #[inline]
    pub fn pop(&mut self, now: Seconds) -> Option<u32> {
        let r = self.queue.pop_front()?;
        self.queue_tw.set(now, self.queue.len() as f64);
        Some(r)
    }

    pub fn set_workers(&mut self, now: Seconds, workers: u32) {
        self.workers = workers;
        self.workers_tw.set(now, f64::from(workers));
    }

    pub fn mark(&self, now: Seconds) -> TierMark {
        TierMark {
            time: now,
            counts: self.counts,
            busy_area: self.busy_tw.area(now),
            queue_area: self.queue_tw.area(now),
            workers_area: self.workers_tw.area(now),
        }
    }
}
