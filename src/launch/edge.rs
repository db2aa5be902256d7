//! The CDN edge: its capacity and its cache of personal pages.

use super::{Edge, Step, StepSet};
use crate::units::Seconds;

/// A cached personal page: its owner plus one (0 for an empty page) and
/// until when it is served. A tuple of numbers, so that a table of empty
/// pages is a zeroed allocation, whose memory the system hands out only as
/// addresses are first written.
type CachedPage = (u32, Seconds);

/// The edge during a replication.
#[derive(Debug)]
pub(super) struct EdgeState {
    /// Requests per second the edge serves.
    capacity: f64,
    /// Most tokens the bucket holds (capacity × burst seconds).
    burst: Seconds,
    tokens: f64,
    refilled_at: Seconds,
    /// Personal steps whose pages are cacheable by URL (the misconfiguration).
    cacheable: StepSet,
    ttl: Seconds,
    /// Per step, one page per address while the step is cacheable, and
    /// nothing otherwise: a page is only ever read or written while its
    /// step is cacheable, and fixing the rule purges it, so a day whose
    /// rule is wrong for half an hour holds the table for half an hour
    /// (a million addresses is 16 MB), not for the whole day.
    pages: Vec<Vec<CachedPage>>,
    addresses: Vec<u32>,
}

impl EdgeState {
    pub fn new(edge: &Edge, journey: &[Step]) -> EdgeState {
        let mut state = EdgeState {
            capacity: edge.capacity,
            burst: edge.burst,
            tokens: 0.0,
            refilled_at: 0.0,
            cacheable: 0,
            ttl: edge.personal_ttl,
            pages: vec![Vec::new(); journey.len()],
            addresses: journey.iter().map(|s| s.addresses).collect(),
        };
        state.set_rule(edge.cacheable_steps, true);
        state.tokens = state.bucket_size();
        state
    }

    fn bucket_size(&self) -> f64 {
        (self.capacity * self.burst).max(1.0)
    }

    /// Requests per second the edge serves now.
    pub fn capacity(&self) -> f64 {
        self.capacity
    }

    /// Sets the capacity (an intervention).
    pub fn set_capacity(&mut self, now: Seconds, capacity: f64) {
        self.refill(now);
        self.capacity = capacity;
        self.tokens = self.tokens.min(self.bucket_size());
    }

    fn refill(&mut self, now: Seconds) {
        let elapsed = now - self.refilled_at;
        if elapsed > 0.0 {
            self.tokens = (self.tokens + elapsed * self.capacity).min(self.bucket_size());
            self.refilled_at = now;
        }
    }

    /// Takes one request's worth of capacity: a token bucket that refills at
    /// `capacity` per second and holds `burst` seconds of it. False means
    /// the edge is saturated and answers with an error.
    #[inline]
    pub fn admit(&mut self, now: Seconds) -> bool {
        if self.capacity.is_infinite() {
            return true;
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    #[inline]
    fn slot(&self, step: usize, applicant: u32) -> usize {
        (applicant % self.addresses[step]) as usize
    }

    /// The owner of the cached copy of the page `applicant` asks for at
    /// `step`, if a live copy exists. The address of a personal page depends
    /// only on the step and, when the page has several addresses, on which
    /// of them the applicant's session maps to: never on who is logged in,
    /// which is the whole defect. Only asked while the step is cacheable.
    #[inline]
    pub fn cached_owner(&self, step: usize, applicant: u32, now: Seconds) -> Option<u32> {
        let (owner_plus_one, expires) = self.pages[step][self.slot(step, applicant)];
        (owner_plus_one != 0 && expires > now).then(|| owner_plus_one - 1)
    }

    /// Stores `owner`'s response to the page at `step` for the TTL. Only
    /// done while the step is cacheable.
    #[inline]
    pub fn store(&mut self, step: usize, owner: u32, now: Seconds) {
        let slot = self.slot(step, owner);
        self.pages[step][slot] = (owner + 1, now + self.ttl);
    }

    /// Whether a rule currently makes `step`'s page cacheable.
    #[inline]
    pub fn is_cacheable(&self, step: usize) -> bool {
        self.cacheable & (1 << step) != 0
    }

    /// Applies a cache rule. A step that becomes cacheable gets an empty
    /// table; one the rule stops caching loses its table, which purges its
    /// pages (done when the rule is fixed).
    pub fn set_rule(&mut self, steps: StepSet, cacheable: bool) {
        for (step, pages) in self.pages.iter_mut().enumerate() {
            if steps & (1 << step) == 0 {
                continue;
            }
            if !cacheable {
                *pages = Vec::new();
            } else if pages.is_empty() {
                *pages = vec![(0, 0.0); self.addresses[step] as usize];
            }
        }
        if cacheable {
            self.cacheable |= steps;
        } else {
            self.cacheable &= !steps;
        }
    }
}
