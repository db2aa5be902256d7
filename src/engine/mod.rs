//! The discrete-event core that every clickday model runs on.
//!
//! The engine knows nothing of portals, stations or people. It offers the
//! two things every model needs and must get exactly right:
//!
//! 1. [`EventQueue`]: the future-event list, ordered by time and then by
//!    insertion, so that simultaneous events resolve the same way on every
//!    run and every machine.
//! 2. [`RngStreams`]: independent random-number streams, one per replication
//!    and per purpose, derived from the run seed alone, so that a
//!    replication's numbers never depend on thread count or run order, and
//!    two scenarios that share a stream name share its numbers (common random
//!    numbers for paired comparisons).
//!
//! It also holds the two stores every queueing model keeps: a [`Slab`] of records
//! (customers, callers, inbox items) whose slots carry visit numbers, so
//! events about a visit that is over are recognised, and a [`WaitingLine`]
//! of priority levels whose stale entries are dropped lazily.
//!
//! A model owns an `EventQueue<E>` of its own typed event enum and loops:
//! pop the earliest event, advance the clock to it, handle it (which may
//! schedule more). Typed events keep the loop free of boxed closures and of
//! allocation per event.

mod bins;
mod buckets;
mod line;
mod marks;
mod prefetch;
mod queue;
mod rng;
mod slab;

pub use bins::BinCursor;
pub use line::WaitingLine;
pub use marks::{Mark, ObservationMarks};
pub use prefetch::prefetch;
pub use queue::{EventQueue, Scheduled};
pub(crate) use rng::splitmix64;
pub use rng::{RngStreams, SimRng, StreamKey, StreamPurpose};
pub use slab::Slab;

use crate::units::Seconds;

/// How long a replication runs and how its observations are sliced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunLength {
    /// Simulated time of one replication, in seconds.
    pub duration: Seconds,
    /// Initial period excluded from the summary statistics, in seconds.
    /// Interval rows still cover it, so the start-up can be seen.
    pub warmup: Seconds,
    /// Width of one row of the time series, in seconds.
    pub interval: Seconds,
}

impl RunLength {
    /// Checks what every model's loop relies on: a finite run, a warm-up
    /// inside it, and intervals that make a bounded number of rows.
    pub fn check(&self) -> Result<(), String> {
        if !(self.duration > 0.0 && self.duration.is_finite()) {
            return Err(format!("duration must be > 0 s and finite (got {})", self.duration));
        }
        if !(0.0..self.duration).contains(&self.warmup) {
            return Err(format!("warmup must be >= 0 s and less than the duration (got {})", self.warmup));
        }
        if self.interval.is_nan() || self.interval <= 0.0 || self.duration / self.interval > 1e6 {
            return Err(format!("interval must be > 0 s and give at most 1,000,000 rows (got {})", self.interval));
        }
        Ok(())
    }
}
