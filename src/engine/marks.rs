//! Observation marks: the warm-up end and the interval boundaries.

use super::RunLength;
use crate::units::Seconds;

/// A moment at which a model reads off its statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// The warm-up ends: statistics before this instant are discarded.
    WarmupEnd(Seconds),
    /// An interval ends; `last` is set at the end of the run.
    IntervalEnd {
        /// The boundary, in seconds.
        at: Seconds,
        /// Whether this boundary is the end of the run.
        last: bool,
    },
}

/// The warm-up end and interval boundaries of a run, in order.
///
/// Marks are not events: a model asks for the next due mark before popping
/// each event, so a mark is taken before every event at the same instant
/// and an interval `[start, end)` holds exactly the events before `end`,
/// whatever order they were scheduled in. Keeping them out of the event
/// queue also keeps the loop's logic for them in one place for every model.
///
/// Boundary k is `k × interval`, not a running sum, and a boundary within
/// a billionth of an interval of the end is the end: a day cut into
/// 100 ms intervals has exactly ten of them, not ten and a sliver made of
/// rounding error.
#[derive(Debug, Clone)]
pub struct ObservationMarks {
    run: RunLength,
    warmed_up: bool,
    /// Intervals in the run.
    intervals: u64,
    /// Intervals closed so far.
    closed: u64,
    next_interval_end: Seconds,
    /// No mark is due before an event earlier than this: the sooner of
    /// the next interval end and, until it is taken, the warm-up end. The
    /// loop asks before every event, and almost always the answer is no.
    next_mark: Seconds,
}

impl ObservationMarks {
    /// The marks of `run`.
    pub fn new(run: RunLength) -> ObservationMarks {
        let intervals = (run.duration / run.interval - 1e-9).ceil().max(1.0) as u64;
        let mut marks = ObservationMarks {
            run,
            warmed_up: run.warmup <= 0.0,
            intervals,
            closed: 0,
            next_interval_end: 0.0,
            next_mark: 0.0,
        };
        marks.next_interval_end = marks.end_of(1);
        marks.aim();
        marks
    }

    /// Sets [`next_mark`](Self::next_mark) after a mark was taken.
    fn aim(&mut self) {
        self.next_mark =
            if self.warmed_up { self.next_interval_end } else { self.run.warmup.min(self.next_interval_end) };
    }

    /// The end of interval `k` (1-based).
    fn end_of(&self, k: u64) -> Seconds {
        if k >= self.intervals { self.run.duration } else { k as f64 * self.run.interval }
    }

    /// Intervals in the run: the rows each replication's series has.
    pub fn intervals(&self) -> u64 {
        self.intervals
    }

    /// The next mark due before an event at `next_event` (use infinity when
    /// no event is pending), or `None` when the event comes first. Each
    /// mark is returned once; call again until `None`.
    #[inline]
    pub fn due(&mut self, next_event: Seconds) -> Option<Mark> {
        if next_event < self.next_mark {
            return None;
        }
        let mark = self.take(next_event);
        self.aim();
        mark
    }

    /// [`due`](Self::due) once a mark may be due.
    #[inline(never)]
    fn take(&mut self, next_event: Seconds) -> Option<Mark> {
        let run = self.run;
        if !self.warmed_up && next_event >= run.warmup && run.warmup <= self.next_interval_end {
            self.warmed_up = true;
            return Some(Mark::WarmupEnd(run.warmup));
        }
        if next_event >= self.next_interval_end {
            let at = self.next_interval_end;
            let last = at >= run.duration;
            if !last {
                self.closed += 1;
                self.next_interval_end = self.end_of(self.closed + 1);
            }
            return Some(Mark::IntervalEnd { at, last });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_ends_are_multiples_of_the_interval_with_no_sliver_at_the_end() {
        for (duration, interval, expected) in [(1.0, 0.1, 10), (0.9, 0.3, 3), (10.0, 4.0, 3), (86_400.0, 300.0, 288)] {
            let mut marks = ObservationMarks::new(RunLength { duration, warmup: 0.0, interval });
            let mut ends = Vec::new();
            while let Some(Mark::IntervalEnd { at, last }) = marks.due(f64::INFINITY) {
                ends.push(at);
                if last {
                    break;
                }
            }
            assert_eq!(ends.len(), expected, "{duration}/{interval}: {ends:?}");
            assert_eq!(marks.intervals(), expected as u64);
            assert_eq!(*ends.last().unwrap(), duration);
            assert!(ends.windows(2).all(|w| w[1] - w[0] > 1e-6 * interval), "a sliver: {ends:?}");
        }
    }

    #[test]
    fn marks_come_in_order_and_before_events_at_the_same_instant() {
        let mut marks = ObservationMarks::new(RunLength { duration: 10.0, warmup: 4.0, interval: 4.0 });
        assert_eq!(marks.due(1.0), None);
        // An event exactly at the boundary waits for the marks.
        assert_eq!(marks.due(4.0), Some(Mark::WarmupEnd(4.0)));
        assert_eq!(marks.due(4.0), Some(Mark::IntervalEnd { at: 4.0, last: false }));
        assert_eq!(marks.due(4.0), None);
        assert_eq!(marks.due(f64::INFINITY), Some(Mark::IntervalEnd { at: 8.0, last: false }));
        assert_eq!(marks.due(f64::INFINITY), Some(Mark::IntervalEnd { at: 10.0, last: true }));
    }

    #[test]
    fn a_warm_up_end_between_interval_ends_is_taken_before_the_first_event_after_it() {
        // Inside the first interval.
        let mut marks = ObservationMarks::new(RunLength { duration: 10.0, warmup: 2.5, interval: 4.0 });
        assert_eq!(marks.due(1.0), None);
        assert_eq!(marks.due(3.0), Some(Mark::WarmupEnd(2.5)));
        assert_eq!(marks.due(3.0), None);
        assert_eq!(marks.due(4.0), Some(Mark::IntervalEnd { at: 4.0, last: false }));
        // After the first interval's end.
        let mut marks = ObservationMarks::new(RunLength { duration: 10.0, warmup: 6.0, interval: 4.0 });
        assert_eq!(marks.due(5.0), Some(Mark::IntervalEnd { at: 4.0, last: false }));
        assert_eq!(marks.due(5.0), None);
        assert_eq!(marks.due(6.0), Some(Mark::WarmupEnd(6.0)));
        assert_eq!(marks.due(7.0), None);
        assert_eq!(marks.due(8.0), Some(Mark::IntervalEnd { at: 8.0, last: false }));
    }

    #[test]
    fn without_warm_up_only_intervals_are_marked() {
        let mut marks = ObservationMarks::new(RunLength { duration: 3.0, warmup: 0.0, interval: 5.0 });
        assert_eq!(marks.due(f64::INFINITY), Some(Mark::IntervalEnd { at: 3.0, last: true }));
    }
}
