//! The running state of an origin tier: its instances (one for a tier that
//! declares none), their workers and accept queues, and the load balancer
//! in front of them.

use super::{Balancer, Tier};
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
    pub instances_area: f64,
}

/// Where an instance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// In the balancer's rotation.
    Running,
    /// Out of rotation, finishing the requests it holds and has queued.
    Draining,
    /// Stopped (or crashed): holds nothing; its slot may be used again.
    Down,
}

/// One instance of a tier.
#[derive(Debug)]
pub(super) struct Instance {
    pub busy: u32,
    /// Requests waiting for a worker, oldest first.
    pub queue: VecDeque<u32>,
    pub phase: Phase,
}

/// The least-connections balancer: a tournament tree over the instance
/// slots whose keys are (load << 32 | index), or `u64::MAX` for an
/// instance out of rotation, so its root is the least-loaded instance in
/// rotation with ties to the lowest index, and a change costs O(log n).
#[derive(Debug)]
struct LoadTree {
    leaves: usize,
    keys: Vec<u64>,
}

impl LoadTree {
    fn new() -> LoadTree {
        LoadTree { leaves: 1, keys: vec![u64::MAX; 2] }
    }

    /// Makes room for slot `index`, rebuilding the tree when it doubles.
    fn reserve(&mut self, index: usize) {
        if index < self.leaves {
            return;
        }
        let mut leaves = self.leaves;
        while leaves <= index {
            leaves *= 2;
        }
        let mut keys = vec![u64::MAX; 2 * leaves];
        keys[leaves..leaves + self.leaves].copy_from_slice(&self.keys[self.leaves..]);
        for i in (1..leaves).rev() {
            keys[i] = keys[2 * i].min(keys[2 * i + 1]);
        }
        *self = LoadTree { leaves, keys };
    }

    fn set(&mut self, index: usize, key: u64) {
        let mut i = self.leaves + index;
        self.keys[i] = key;
        while i > 1 {
            i /= 2;
            self.keys[i] = self.keys[2 * i].min(self.keys[2 * i + 1]);
        }
    }

    /// The least-loaded instance in rotation, if any.
    fn least(&self) -> Option<u32> {
        let key = self.keys[1];
        (key != u64::MAX).then_some((key & 0xffff_ffff) as u32)
    }
}

#[derive(Debug)]
pub(super) struct TierState {
    /// Workers of each instance (of the tier, for a tier without instances).
    pub workers: u32,
    /// Instance slots; a stopped instance's slot is used again by the next
    /// one started.
    pub instances: Vec<Instance>,
    /// Instances in rotation.
    pub running: u32,
    /// Instances out of rotation still finishing their work.
    pub draining: u32,
    /// Workers (instances, for a tier with instances) ordered by autoscaling
    /// and not yet ready.
    pub pending: u32,
    /// Busy workers over all instances.
    pub busy: u32,
    /// Requests waiting over all instances.
    pub queued: u32,
    pub counts: TierCounts,
    balancer: Balancer,
    /// Several instances possible: the balancer's state is kept.
    balanced: bool,
    tree: LoadTree,
    /// The next instance round robin tries.
    next: usize,
    busy_tw: TimeWeighted,
    queue_tw: TimeWeighted,
    workers_tw: TimeWeighted,
    instances_tw: TimeWeighted,
    pub interval_mark: TierMark,
    pub autoscale_mark: TierMark,
    alpha: f64,
    beta: f64,
}

impl TierState {
    pub fn new(tier: &Tier) -> TierState {
        let n = tier.initial_instances();
        let mut state = TierState {
            workers: tier.workers,
            instances: Vec::with_capacity(n as usize),
            running: 0,
            draining: 0,
            pending: 0,
            busy: 0,
            queued: 0,
            counts: TierCounts::default(),
            balancer: tier.balancer,
            balanced: tier.instances.is_some(),
            tree: LoadTree::new(),
            next: 0,
            busy_tw: TimeWeighted::new(0.0, 0.0),
            queue_tw: TimeWeighted::new(0.0, 0.0),
            workers_tw: TimeWeighted::new(0.0, f64::from(tier.workers)),
            instances_tw: TimeWeighted::new(0.0, 1.0),
            interval_mark: TierMark::default(),
            autoscale_mark: TierMark::default(),
            alpha: tier.contention,
            beta: tier.coherency,
        };
        state.start_instances(0.0, n, false);
        state
    }

    /// Instances up: in rotation or draining.
    #[inline]
    pub fn up(&self) -> u32 {
        self.running + self.draining
    }

    /// The Universal Scalability Law slowdown at concurrency `n`.
    #[inline]
    pub fn slowdown(&self, n: u32) -> f64 {
        let n = f64::from(n);
        1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0)
    }

    /// The instance a new request goes to; `None` when none is in rotation.
    #[inline]
    pub fn choose(&mut self) -> Option<u32> {
        if !self.balanced {
            return (self.running > 0).then_some(0);
        }
        match self.balancer {
            Balancer::LeastConnections => self.tree.least(),
            Balancer::RoundRobin => {
                if self.running == 0 {
                    return None;
                }
                loop {
                    let i = self.next;
                    self.next = if i + 1 >= self.instances.len() { 0 } else { i + 1 };
                    if self.instances[i].phase == Phase::Running {
                        return Some(i as u32);
                    }
                }
            }
        }
    }

    /// Keeps the balancer's view of instance `i` current.
    #[inline]
    fn rekey(&mut self, i: usize) {
        if self.balanced && self.balancer == Balancer::LeastConnections {
            let inst = &self.instances[i];
            let key = if inst.phase == Phase::Running {
                (u64::from(inst.busy) + inst.queue.len() as u64) << 32 | i as u64
            } else {
                u64::MAX
            };
            self.tree.set(i, key);
        }
    }

    /// One more (`up`) or one fewer busy worker at instance `i`.
    #[inline]
    pub fn change_busy(&mut self, now: Seconds, i: usize, up: bool) {
        let inst = &mut self.instances[i];
        if up {
            inst.busy += 1;
            self.busy += 1;
        } else {
            inst.busy -= 1;
            self.busy -= 1;
        }
        self.busy_tw.set(now, f64::from(self.busy));
        self.rekey(i);
    }

    #[inline]
    pub fn push(&mut self, now: Seconds, i: usize, request: u32) {
        self.instances[i].queue.push_back(request);
        self.queued += 1;
        self.queue_tw.set(now, f64::from(self.queued));
        self.rekey(i);
    }

    #[inline]
    pub fn pop(&mut self, now: Seconds, i: usize) -> Option<u32> {
        let r = self.instances[i].queue.pop_front()?;
        self.queued -= 1;
        self.queue_tw.set(now, f64::from(self.queued));
        self.rekey(i);
        Some(r)
    }

    /// Takes request `r` out of instance `i`'s queue (a crash elsewhere on
    /// its route ended it).
    pub fn remove_queued(&mut self, now: Seconds, i: usize, r: u32) {
        let queue = &mut self.instances[i].queue;
        if let Some(at) = queue.iter().position(|q| *q == r) {
            queue.remove(at);
            self.queued -= 1;
            self.queue_tw.set(now, f64::from(self.queued));
            self.rekey(i);
        }
    }

    /// Sets the workers of each instance.
    pub fn set_workers(&mut self, now: Seconds, workers: u32) {
        self.workers = workers;
        self.count_up(now);
    }

    /// The time averages of instances and workers up follow a change.
    fn count_up(&mut self, now: Seconds) {
        let up = self.up();
        self.workers_tw.set(now, f64::from(up * self.workers));
        self.instances_tw.set(now, f64::from(up));
    }

    /// Starts `n` ready instances: draining ones back into rotation first
    /// (when `revive`), then stopped slots from the lowest index, then new
    /// slots.
    pub fn start_instances(&mut self, now: Seconds, mut n: u32, revive: bool) {
        let mut i = 0;
        while n > 0 && i < self.instances.len() {
            let phase = self.instances[i].phase;
            if phase == Phase::Down || (revive && phase == Phase::Draining) {
                if phase == Phase::Draining {
                    self.draining -= 1;
                }
                self.instances[i].phase = Phase::Running;
                self.running += 1;
                self.rekey(i);
                n -= 1;
            }
            i += 1;
        }
        for _ in 0..n {
            let i = self.instances.len();
            self.instances.push(Instance { busy: 0, queue: VecDeque::new(), phase: Phase::Running });
            self.running += 1;
            if self.balanced {
                self.tree.reserve(i);
            }
            self.rekey(i);
        }
        self.count_up(now);
    }

    /// Takes `n` instances out of rotation, the highest index first; each
    /// stops once it holds nothing.
    pub fn drain_instances(&mut self, now: Seconds, mut n: u32) {
        for i in (0..self.instances.len()).rev() {
            if n == 0 {
                break;
            }
            if self.instances[i].phase == Phase::Running {
                self.instances[i].phase = Phase::Draining;
                self.running -= 1;
                self.draining += 1;
                self.rekey(i);
                n -= 1;
                self.settle(now, i);
            }
        }
        self.count_up(now);
    }

    /// Stops draining instance `i` if it holds nothing any more.
    pub fn settle(&mut self, now: Seconds, i: usize) {
        let inst = &mut self.instances[i];
        if inst.phase == Phase::Draining && inst.busy == 0 && inst.queue.is_empty() {
            inst.phase = Phase::Down;
            self.draining -= 1;
            self.count_up(now);
        }
    }

    /// Marks up to `n` instances up (in rotation or draining), the highest
    /// index first, as crashed: out of rotation at once. Returns a flag per
    /// slot; [`TierState::stop_failed`] then empties them.
    pub fn fail_instances(&mut self, n: u32) -> Vec<bool> {
        let mut failed = vec![false; self.instances.len()];
        let mut left = n;
        for i in (0..self.instances.len()).rev() {
            if left == 0 {
                break;
            }
            match self.instances[i].phase {
                Phase::Down => continue,
                Phase::Running => self.running -= 1,
                Phase::Draining => self.draining -= 1,
            }
            self.instances[i].phase = Phase::Down;
            self.rekey(i);
            failed[i] = true;
            left -= 1;
        }
        failed
    }

    /// Empties the crashed instances: their workers and queues are gone.
    pub fn stop_failed(&mut self, now: Seconds, failed: &[bool]) {
        for (i, gone) in failed.iter().enumerate() {
            if *gone {
                let inst = &mut self.instances[i];
                self.busy -= inst.busy;
                self.queued -= inst.queue.len() as u32;
                inst.busy = 0;
                inst.queue.clear();
            }
        }
        self.busy_tw.set(now, f64::from(self.busy));
        self.queue_tw.set(now, f64::from(self.queued));
        self.count_up(now);
    }

    pub fn mark(&self, now: Seconds) -> TierMark {
        TierMark {
            time: now,
            counts: self.counts,
            busy_area: self.busy_tw.area(now),
            queue_area: self.queue_tw.area(now),
            workers_area: self.workers_tw.area(now),
            instances_area: self.instances_tw.area(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_tree_finds_the_least_loaded_in_rotation_with_ties_to_the_lowest_index() {
        let mut tree = LoadTree::new();
        assert_eq!(tree.least(), None);
        for i in 0..5 {
            tree.reserve(i);
            tree.set(i, 3 << 32 | i as u64);
        }
        assert_eq!(tree.least(), Some(0));
        tree.set(3, 1 << 32 | 3);
        tree.set(4, 1 << 32 | 4);
        assert_eq!(tree.least(), Some(3));
        tree.set(3, u64::MAX);
        assert_eq!(tree.least(), Some(4));
        tree.reserve(40);
        assert_eq!(tree.least(), Some(4));
        tree.set(40, 40);
        assert_eq!(tree.least(), Some(40));
    }
}
