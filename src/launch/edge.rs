//! The CDN edge: its capacity and its cache of personal pages.

use super::{Edge, Step, StepSet};
use crate::units::Seconds;

/// Nobody owns a cache slot.
const NO_OWNER: u32 = u32::MAX;

/// A cached personal page: whose page it is and until when it is served.
#[derive(Debug, Clone, Copy)]
struct CachedPage {
    owner: u32,
    expires: Seconds,
}

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
    pub cacheable: StepSet,
    ttl: Seconds,
    /// One slot per (step, address) of personal steps, `offsets[step]` first.
    pages: Vec<CachedPage>,
    offsets: Vec<usize>,
    addresses: Vec<u32>,
}

impl EdgeState {
    pub fn new(edge: &Edge, journey: &[Step]) -> EdgeState {
        let mut offsets = Vec::with_capacity(journey.len());
        let mut total = 0;
        for step in journey {
            offsets.push(total);
            total += step.addresses as usize;
        }
        let mut state = EdgeState {
            capacity: edge.capacity,
            burst: edge.burst,
            tokens: 0.0,
            refilled_at: 0.0,
            cacheable: edge.cacheable_steps,
            ttl: edge.personal_ttl,
            pages: vec![CachedPage { owner: NO_OWNER, expires: 0.0 }; total],
            offsets,
            addresses: journey.iter().map(|s| s.addresses).collect(),
        };
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
        self.offsets[step] + (applicant % self.addresses[step]) as usize
    }

    /// The owner of the cached copy of the page `applicant` asks for at
    /// `step`, if a live copy exists. The address of a personal page depends
    /// only on the step and, when the page has several addresses, on which
    /// of them the applicant's session maps to: never on who is logged in,
    /// which is the whole defect.
    #[inline]
    pub fn cached_owner(&self, step: usize, applicant: u32, now: Seconds) -> Option<u32> {
        let page = self.pages[self.slot(step, applicant)];
        (page.owner != NO_OWNER && page.expires > now).then_some(page.owner)
    }

    /// Stores `owner`'s response to the page at `step` for the TTL.
    #[inline]
    pub fn store(&mut self, step: usize, owner: u32, now: Seconds) {
        let slot = self.slot(step, owner);
        self.pages[slot] = CachedPage { owner, expires: now + self.ttl };
    }

    /// Whether a rule currently makes `step`'s page cacheable.
    #[inline]
    pub fn is_cacheable(&self, step: usize) -> bool {
        self.cacheable & (1 << step) != 0
    }

    /// Applies a cache rule; pages of steps the rule stops caching are
    /// purged (done when the rule is fixed).
    pub fn set_rule(&mut self, steps: StepSet, cacheable: bool) {
        if cacheable {
            self.cacheable |= steps;
            return;
        }
        self.cacheable &= !steps;
        for (step, offset) in self.offsets.iter().enumerate() {
            if steps & (1 << step) != 0 {
                let end = offset + self.addresses[step] as usize;
                for page in &mut self.pages[*offset..end] {
                    page.owner = NO_OWNER;
                }
            }
        }
    }
}
