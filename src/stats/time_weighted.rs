//! Time averages of piecewise-constant quantities: queue length, busy
//! servers, customers in the system.
//!
//! Such a quantity only changes at events, so its time integral is a sum
//! of rectangles, value × time held. [`TimeWeighted`] keeps that running
//! area, updated in O(1) at each change, and divides by the elapsed time
//! on demand. A window can be restarted at any instant, which is how the
//! engine discards the warm-up period and produces per-interval rows.

/// Running time integral and time average of a piecewise-constant value,
/// over a window that starts at construction or at the last
/// [`restart`](Self::restart). Times are in seconds; the area is in
/// value-seconds (e.g. customer-seconds for a queue length).
///
/// Times passed to `set`, `add`, `area`, `mean` and `restart` must not
/// decrease: simulated time never runs backwards, so a decreasing time is
/// an engine bug, caught by a debug assertion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWeighted {
    /// Value held since `last`.
    value: f64,
    /// Time of the last change (or of the window start).
    last: f64,
    /// Integral of the value from `start` to `last`.
    area: f64,
    /// Start of the current window.
    start: f64,
}

impl TimeWeighted {
    /// Starts tracking at time `t0` (s) with the quantity at `value`.
    pub fn new(t0: f64, value: f64) -> Self {
        Self { value, last: t0, area: 0.0, start: t0 }
    }

    /// The quantity changes to `value` at time `now` (s). One multiply-add,
    /// no branch.
    #[inline]
    pub fn set(&mut self, now: f64, value: f64) {
        debug_assert!(now >= self.last, "time went backwards: {now} s after {} s", self.last);
        self.area += self.value * (now - self.last);
        self.last = now;
        self.value = value;
    }

    /// The quantity changes by `delta` at time `now` (s), e.g. +1 when a
    /// customer joins a queue and -1 when one leaves it.
    #[inline]
    pub fn add(&mut self, now: f64, delta: f64) {
        self.set(now, self.value + delta);
    }

    /// The value currently held.
    pub fn current(&self) -> f64 {
        self.value
    }

    /// Start of the current window (s).
    pub fn window_start(&self) -> f64 {
        self.start
    }

    /// Integral of the value over the window, from its start to `now` (s),
    /// in value-seconds. Differences of `area` at two instants give the
    /// integral between them without restarting the window.
    pub fn area(&self, now: f64) -> f64 {
        debug_assert!(now >= self.last, "time went backwards: {now} s after {} s", self.last);
        self.area + self.value * (now - self.last)
    }

    /// Time average over the window, from its start to `now` (s). NaN for
    /// an empty window (`now` equal to its start), where no average exists.
    pub fn mean(&self, now: f64) -> f64 {
        let span = now - self.start;
        if span > 0.0 { self.area(now) / span } else { f64::NAN }
    }

    /// Starts a new window at `now` (s), keeping the current value: the
    /// area so far is discarded. Used to delete the warm-up period and to
    /// begin each reporting interval.
    pub fn restart(&mut self, now: f64) {
        debug_assert!(now >= self.last, "time went backwards: {now} s after {} s", self.last);
        self.area = 0.0;
        self.last = now;
        self.start = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_and_mean_match_a_hand_computed_queue() {
        // Queue length: 0 on [0, 2), 3 on [2, 5), 1 on [5, 9), 2 from 9 on.
        let mut q = TimeWeighted::new(0.0, 0.0);
        q.set(2.0, 3.0);
        q.add(5.0, -2.0);
        q.add(9.0, 1.0);
        assert_eq!(q.current(), 2.0);
        // 0·2 + 3·3 + 1·4 + 2·1 = 15 over 10 s.
        assert_eq!(q.area(10.0), 15.0);
        assert_eq!(q.mean(10.0), 1.5);
        // Querying does not disturb the state.
        assert_eq!(q.area(9.0), 13.0);
        assert_eq!(q.mean(12.0), 19.0 / 12.0);
    }

    #[test]
    fn several_changes_at_the_same_instant_add_no_area() {
        let mut q = TimeWeighted::new(1.0, 4.0);
        q.set(3.0, 7.0);
        q.set(3.0, 100.0);
        q.set(3.0, 5.0);
        assert_eq!(q.area(4.0), 4.0 * 2.0 + 5.0);
    }

    #[test]
    fn restart_opens_a_new_window_keeping_the_current_value() {
        let mut busy = TimeWeighted::new(0.0, 2.0);
        busy.set(100.0, 4.0); // warm-up: 2 busy servers for 100 s
        busy.restart(100.0);
        assert_eq!(busy.window_start(), 100.0);
        assert!(busy.mean(100.0).is_nan());
        assert_eq!(busy.area(100.0), 0.0);
        busy.set(150.0, 1.0);
        // 4 for 50 s then 1 for 50 s.
        assert_eq!(busy.mean(200.0), 2.5);
        busy.restart(200.0);
        assert_eq!(busy.current(), 1.0);
        assert_eq!(busy.mean(210.0), 1.0);
    }

    #[test]
    fn a_window_starting_later_than_zero_averages_over_its_own_span() {
        let q = TimeWeighted::new(50.0, 3.0);
        assert!(q.mean(50.0).is_nan());
        assert_eq!(q.mean(60.0), 3.0);
        assert_eq!(q.area(60.0), 30.0);
    }
}
