//! The future-event list.

use crate::units::Seconds;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An event with the time it is due and its place in insertion order.
#[derive(Debug, Clone, Copy)]
pub struct Scheduled<E> {
    /// Simulated time at which the event fires, in seconds.
    pub time: Seconds,
    /// Insertion sequence number: breaks ties between equal times in
    /// first-scheduled, first-fired order.
    pub seq: u64,
    /// The model's event.
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, because `BinaryHeap` is a max-heap and the earliest event
    /// must come out first. `total_cmp` gives a total order on `f64`; times
    /// are never NaN (the queue refuses them), so it is the ordinary order.
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time).then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A priority queue of events keyed by `(time, insertion sequence)`.
///
/// Ties at equal times resolve in insertion order, which makes every run with
/// the same seed replay exactly. The heap's storage is reused for the whole
/// run, so scheduling does not allocate once the queue has reached its
/// working size (the number of events pending at once, not the number of
/// events handled).
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
    now: Seconds,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue { heap: BinaryHeap::with_capacity(capacity), next_seq: 0, now: 0.0 }
    }

    /// The time of the event most recently popped (the simulation clock).
    #[inline]
    pub fn now(&self) -> Seconds {
        self.now
    }

    /// Schedules `event` at absolute time `time`.
    ///
    /// Scheduling in the past is a model bug: the event would fire out of
    /// order. It is caught in debug builds; in release builds the event fires
    /// at once (the clock never runs backwards).
    #[inline]
    pub fn schedule(&mut self, time: Seconds, event: E) {
        debug_assert!(!time.is_nan(), "event scheduled at NaN");
        debug_assert!(time >= self.now, "event scheduled in the past: {time} < {}", self.now);
        let time = if time >= self.now { time } else { self.now };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
    }

    /// Schedules `event` `delay` seconds from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Seconds, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Removes and returns the earliest event, advancing the clock to it.
    #[inline]
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let next = self.heap.pop()?;
        self.now = next.time;
        Some(next)
    }

    /// The time of the earliest pending event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<Seconds> {
        self.heap.peek().map(|s| s.time)
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Total events ever scheduled (a cheap event counter for throughput
    /// figures).
    pub fn scheduled_total(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_in_time_order() {
        let mut q = EventQueue::new();
        for (t, e) in [(3.0, 'c'), (1.0, 'a'), (2.0, 'b')] {
            q.schedule(t, e);
        }
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, ['a', 'b', 'c']);
        assert_eq!(q.now(), 3.0);
    }

    #[test]
    fn simultaneous_events_fire_in_insertion_order() {
        let mut q = EventQueue::new();
        for i in 0..100 {
            q.schedule(5.0, i);
        }
        q.schedule(1.0, 1000);
        assert_eq!(q.pop().unwrap().event, 1000);
        let order: Vec<i32> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn schedule_in_is_relative_to_the_clock() {
        let mut q = EventQueue::new();
        q.schedule(10.0, 0);
        q.pop();
        q.schedule_in(2.5, 1);
        assert_eq!(q.peek_time(), Some(12.5));
        assert_eq!(q.len(), 1);
        assert_eq!(q.scheduled_total(), 2);
    }
}
