//! The future-event list.

use super::buckets::Buckets;
use crate::units::Seconds;

/// An event with the time it is due and its place in insertion order.
#[derive(Debug, Clone, Copy)]
pub struct Scheduled<E> {
    /// Simulated time at which the event fires, in seconds.
    pub time: Seconds,
    /// Insertion sequence number: breaks ties between equal times in
    /// first-scheduled, first-fired order. It is 32 bits and compared with
    /// wrap-around, which keeps an entry at 24 bytes instead of 32 (a third
    /// more entries per cache line) and stays exact as long as two events
    /// due at the same instant were scheduled fewer than 2^31 events apart.
    pub seq: u32,
    /// The model's event.
    pub event: E,
}

/// A priority queue of events keyed by `(time, insertion sequence)`.
///
/// Ties at equal times resolve in insertion order, which makes every run with
/// the same seed replay exactly. Storage is reused for the whole run, so
/// scheduling does not allocate once the queue has reached its working size
/// (the number of events pending at once, not the number handled).
///
/// A launch day keeps hundreds of thousands of events pending (every
/// applicant due back in an hour holds one), and a single heap of that size
/// spends its time on cache misses. So the queue is a hierarchical timing
/// wheel in front of a small heap:
/// - the *near* heap (4-ary) holds the events of the current slot, 1/64 s
///   wide (a few dozen even at thousands of events per second), and any
///   event scheduled while fewer than 16 were pending in all: with few
///   events pending it is the whole queue;
/// - a *fine* ring of 4,096 slots holds the next 64 seconds, unsorted;
/// - a *coarse* ring of 4,096 slots of 64 s each holds the next three days;
/// - an *overflow* heap holds anything further, up to 2^40 s;
/// - a *far* heap holds the times at or beyond that, `+inf` included.
///
/// An event is appended to the ring that covers its time and moves down a
/// level only when the clock gets there, so each event is handled a bounded
/// number of times and only ever sorted among its neighbours. Order is
/// exactly `(time, seq)` at every level: a slot's events enter the near heap
/// with their original sequence numbers before any of them can be due.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    near: Heap<E>,
    /// The fine ring's slots (buckets `0..RING`) and the coarse ring's
    /// (buckets `RING..2 × RING`), sharing one pool of chunks.
    slots: Buckets<Scheduled<E>>,
    /// One bit per fine slot, set while the slot holds events: the next
    /// occupied slot is found a word (64 slots, one second) at a time, so
    /// a sparse day costs nothing per empty slot.
    fine_occupied: [u64; WORDS],
    overflow: Heap<E>,
    /// Events at or after [`HORIZON`]: sorted by the heap alone, because
    /// their slot numbers would not fit the rings' arithmetic.
    far: Heap<E>,
    /// First fine slot not yet moved into `near`: every event before
    /// `cursor / SLOTS_PER_SECOND` seconds is in `near`.
    cursor: u64,
    /// That time, `cursor / SLOTS_PER_SECOND` seconds. An event's slot is
    /// before the cursor exactly when its time is before this (scaling by
    /// a power of two is exact), so the checks made for every event
    /// compare two times instead of converting one to a slot number.
    cursor_time: Seconds,
    /// First coarse slot not yet spread onto the fine ring: fine slots below
    /// `coarse_cursor × RING` are on the fine ring (or already in `near`).
    coarse_cursor: u64,
    in_fine: usize,
    in_coarse: usize,
    /// Events on the rings or in the overflow. While it is zero the near
    /// heap holds every event before the horizon, and popping is a plain
    /// heap pop: the common case of a model with few events pending.
    spilled: usize,
    /// Events due at or after this time are dropped when scheduled (see
    /// [`EventQueue::drop_from`]); none by default.
    cutoff: Option<Seconds>,
    next_seq: u64,
    now: Seconds,
}

/// Fine slots per second of simulated time.
const SLOTS_PER_SECOND: f64 = 64.0;
/// Times from here on (2^40 s, about 35,000 years) skip the rings. A slot
/// number is `time × 64` and the coarse ring's reach multiplies it by 4,096
/// again: without a horizon a time beyond about 3e17 s saturates the cast
/// and wraps the arithmetic, and the queue loops forever. No run is that
/// long (scenarios stop at 3660 days), so only a sampled time from a
/// distribution's far tail, or an infinite one, ever lands here, and it
/// still fires in exact `(time, seq)` order: after every earlier time, and
/// `+inf` after every finite one.
const HORIZON: Seconds = (1u64 << 40) as Seconds;
/// Slots per ring; a coarse slot spans one whole fine ring.
const RING: u64 = 1 << 12;
/// Words of the fine ring's occupancy bitmap.
const WORDS: usize = (RING / 64) as usize;
/// Events go straight into the near heap while fewer than this many are
/// pending in all. Counting the whole queue, not the near heap, matters: a
/// model with a few dozen pending events spread over minutes (a phone line
/// with redials) would otherwise keep a heap of far-off events that every
/// push and pop must sift through (the phone-line benchmark ran at 13 M
/// events/s that way, 18 M with the rings).
const NEAR_DIRECT: usize = 16;

/// The fine slot of a time in `[0, HORIZON)`, the only times that are
/// given a slot. Converting through `i64` is one instruction on x86-64,
/// where a conversion to `u64` takes a dozen; the two agree on this range,
/// whose slot numbers stay below 2^46.
#[inline]
fn slot_of(time: Seconds) -> u64 {
    debug_assert!((0.0..HORIZON).contains(&time), "no slot for time {time}");
    (time * SLOTS_PER_SECOND) as i64 as u64
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    /// An empty queue with room for `capacity` events in its near heap.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            near: Heap::with_capacity(capacity),
            slots: Buckets::new(2 * RING as usize),
            fine_occupied: [0; WORDS],
            overflow: Heap::with_capacity(0),
            far: Heap::with_capacity(0),
            cursor: 0,
            cursor_time: 0.0,
            coarse_cursor: 0,
            in_fine: 0,
            in_coarse: 0,
            spilled: 0,
            cutoff: None,
            next_seq: 0,
            now: 0.0,
        }
    }

    /// Drops every event scheduled from now on that is due at or after
    /// `time`, for a model that stops before popping any of them (a launch
    /// day stops at its last interval's end).
    ///
    /// Such events would only hold memory until the run is thrown away:
    /// on 1 April, the people due back after the day's end held 17 MB of
    /// the day's 113 MB peak. A dropped event still takes
    /// its sequence number, so the events kept fire in the very order
    /// they would have without the cut-off.
    pub fn drop_from(&mut self, time: Seconds) {
        self.cutoff = Some(time);
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
        let seq = self.next_seq as u32;
        self.next_seq += 1;
        if self.cutoff.is_some_and(|cutoff| time >= cutoff) {
            return;
        }
        self.place(Scheduled { time, seq, event });
    }

    /// Puts an entry on the level that covers its time. While few events
    /// are pending they all go straight into the near heap: a small heap is
    /// the fastest structure there is, and the rings only pay off once it
    /// would grow large.
    #[inline]
    fn place(&mut self, entry: Scheduled<E>) {
        if entry.time >= HORIZON {
            self.far.push(entry);
            return;
        }
        if self.spilled == 0 && self.near.len() + self.far.len() < NEAR_DIRECT {
            self.near.push(entry);
            return;
        }
        if entry.time < self.cursor_time || self.len() < NEAR_DIRECT {
            self.near.push(entry);
            return;
        }
        let slot = slot_of(entry.time);
        self.spilled += 1;
        if slot < self.coarse_cursor * RING {
            let at = (slot % RING) as usize;
            self.slots.push(at, entry);
            self.fine_occupied[at / 64] |= 1 << (at % 64);
            self.in_fine += 1;
        } else if slot / RING < self.coarse_cursor + RING {
            self.slots.push((RING + (slot / RING) % RING) as usize, entry);
            self.in_coarse += 1;
        } else {
            self.overflow.push(entry);
        }
    }

    /// Schedules `event` `delay` seconds from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Seconds, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Moves slots down into the near heap until its first event is the
    /// earliest before [`HORIZON`] (or nothing before it is pending).
    /// Returns false when nothing before the horizon is pending; the far
    /// heap is then next.
    ///
    /// Every event on a ring or in the overflow lies at or after the slot
    /// `cursor`; the near heap may also hold later events (see [`place`]).
    /// So the near heap's first event may be popped once its slot is before
    /// the cursor, or once nothing else is pending.
    ///
    /// [`place`]: Self::place
    #[inline]
    fn ready(&mut self) -> bool {
        self.ready_noting(|_| {})
    }

    /// [`ready`](Self::ready), showing `coming` each event that moves from
    /// the fine ring into the near heap: those fire within the next 1/64 s.
    #[inline]
    fn ready_noting<F: FnMut(&E)>(&mut self, coming: F) -> bool {
        if self.spilled == 0 {
            return !self.near.is_empty();
        }
        self.ready_spilled(coming)
    }

    /// [`ready`](Self::ready) while some events wait on the rings or in
    /// the overflow.
    fn ready_spilled<F: FnMut(&E)>(&mut self, mut coming: F) -> bool {
        loop {
            if self.near.peek().is_some_and(|e| e.time < self.cursor_time) {
                return true;
            }
            let near_slot = self.near.peek().map(|e| slot_of(e.time));
            if self.spilled == 0 {
                return near_slot.is_some();
            }
            let fine_end = self.coarse_cursor * RING;
            if self.cursor < fine_end {
                if self.in_fine == 0 {
                    // Nothing on the fine ring: skip to its end, or just past
                    // the near heap's first event if that comes sooner.
                    self.move_cursor(near_slot.map_or(fine_end, |s| (s + 1).min(fine_end)));
                    continue;
                }
                // Every fine event lies in [cursor, fine_end), less than a
                // ring apart, so the first occupied slot after the cursor's
                // position (going round) is the earliest.
                let next = self.cursor + self.distance_to_occupied();
                if let Some(s) = near_slot.filter(|&s| s < next) {
                    self.move_cursor(s + 1);
                    continue;
                }
                let slot = (next % RING) as usize;
                self.in_fine -= self.slots.len(slot);
                self.spilled -= self.slots.len(slot);
                let near = &mut self.near;
                self.slots.drain(slot, |entry| {
                    coming(&entry.event);
                    near.push(entry);
                });
                self.fine_occupied[slot / 64] &= !(1 << (slot % 64));
                self.move_cursor(next + 1);
                continue;
            }
            // The fine ring is used up: spread the next coarse slot onto it.
            if self.in_coarse == 0 {
                // Jump to the coarse slot of the earliest event left.
                let first = [near_slot, self.overflow.peek().map(|e| slot_of(e.time))].into_iter().flatten().min();
                if let Some(first) = first {
                    self.coarse_cursor = self.coarse_cursor.max(first / RING);
                    self.move_cursor(self.coarse_cursor * RING);
                }
            }
            let slot = (RING + self.coarse_cursor % RING) as usize;
            self.in_coarse -= self.slots.len(slot);
            self.spilled -= self.slots.len(slot);
            self.coarse_cursor += 1;
            while let Some((entries, count)) = self.slots.take_oldest(slot) {
                for &entry in &entries[..count] {
                    self.place(entry);
                }
            }
            // The coarse ring now reaches one slot further.
            let reach = ((self.coarse_cursor + RING) * RING) as f64 / SLOTS_PER_SECOND;
            while self.overflow.peek().is_some_and(|e| e.time < reach) {
                if let Some(entry) = self.overflow.pop() {
                    self.spilled -= 1;
                    self.place(entry);
                }
            }
        }
    }

    /// Moves the cursor to fine slot `slot`, keeping its time in step.
    #[inline]
    fn move_cursor(&mut self, slot: u64) {
        self.cursor = slot;
        // Slots stay below 2^46 (see `slot_of`), so the `i64` route is exact.
        self.cursor_time = slot as i64 as f64 / SLOTS_PER_SECOND;
    }

    /// Slots from the cursor to the first occupied fine slot, going round
    /// the ring. Only called while the fine ring holds an event.
    #[inline]
    fn distance_to_occupied(&self) -> u64 {
        let at = (self.cursor % RING) as usize;
        let (word, bit) = (at / 64, at % 64);
        let here = self.fine_occupied[word] & (!0u64 << bit);
        if here != 0 {
            return u64::from(here.trailing_zeros()) - bit as u64;
        }
        for step in 1..=WORDS {
            let w = (word + step) % WORDS;
            let bits = self.fine_occupied[w];
            if bits != 0 {
                let slot = w * 64 + bits.trailing_zeros() as usize;
                return ((slot + RING as usize - at) % RING as usize) as u64;
            }
        }
        unreachable!("the fine ring holds an event, so a bit is set")
    }

    /// Removes and returns the earliest event, advancing the clock to it.
    #[inline]
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let next = if self.ready() { self.near.pop() } else { self.far.pop() }?;
        self.now = next.time;
        Some(next)
    }

    /// The earliest pending event, if any, without removing it.
    #[inline]
    pub fn peek(&mut self) -> Option<&Scheduled<E>> {
        if self.ready() { self.near.peek() } else { self.far.peek() }
    }

    /// The time of the earliest pending event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Seconds> {
        self.peek().map(|s| s.time)
    }

    /// [`peek_time`](Self::peek_time), showing `coming` each event that
    /// is brought near on the way: a model can start loading the records
    /// those events will read (see [`prefetch`](super::prefetch)), since
    /// they fire within the next 1/64 s of simulated time.
    #[inline]
    pub fn peek_time_noting<F: FnMut(&E)>(&mut self, coming: F) -> Option<Seconds> {
        if self.ready_noting(coming) { self.near.peek() } else { self.far.peek() }.map(|s| s.time)
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.near.len() + self.spilled + self.far.len()
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total events ever scheduled, those dropped by
    /// [`drop_from`](Self::drop_from) included (a cheap event counter for
    /// throughput figures).
    pub fn scheduled_total(&self) -> u64 {
        self.next_seq
    }
}

/// A 4-ary min-heap on `(time, seq)`: half the levels of a binary heap, and
/// a node's four children sit side by side in memory.
#[derive(Debug, Clone)]
struct Heap<E> {
    entries: Vec<Scheduled<E>>,
}

impl<E: Copy> Heap<E> {
    fn with_capacity(capacity: usize) -> Self {
        Heap { entries: Vec::with_capacity(capacity) }
    }

    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[inline]
    fn peek(&self) -> Option<&Scheduled<E>> {
        self.entries.first()
    }

    #[inline]
    fn push(&mut self, entry: Scheduled<E>) {
        // Sift up with a hole: parents move down until the entry's place is found.
        let mut i = self.entries.len();
        self.entries.push(entry);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if !earlier(&entry, &self.entries[parent]) {
                break;
            }
            self.entries[i] = self.entries[parent];
            i = parent;
        }
        self.entries[i] = entry;
    }

    #[inline]
    fn pop(&mut self) -> Option<Scheduled<E>> {
        let last = self.entries.pop()?;
        if self.entries.is_empty() {
            return Some(last);
        }
        let top = self.entries[0];
        // Sift the last entry down from the root, moving the earliest child up.
        let len = self.entries.len();
        let mut i = 0;
        loop {
            let first = ARITY * i + 1;
            if first >= len {
                break;
            }
            let mut best = first;
            for child in first + 1..(first + ARITY).min(len) {
                if earlier(&self.entries[child], &self.entries[best]) {
                    best = child;
                }
            }
            if !earlier(&self.entries[best], &last) {
                break;
            }
            self.entries[i] = self.entries[best];
            i = best;
        }
        self.entries[i] = last;
        Some(top)
    }
}

/// Children per heap node.
const ARITY: usize = 4;

/// Whether `a` fires before `b`: earlier time, or same time and scheduled
/// first.
#[inline(always)]
fn earlier<E>(a: &Scheduled<E>, b: &Scheduled<E>) -> bool {
    a.time < b.time || (a.time == b.time && (a.seq.wrapping_sub(b.seq) as i32) < 0)
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
    fn a_large_random_workload_pops_in_order() {
        // Mirrors the engine's use: pops interleaved with pushes at later times.
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 1000) as f64
        };
        for i in 0..10_000u32 {
            q.schedule(next(), i);
        }
        let mut last = (0.0, 0u32);
        for i in 0..200_000u32 {
            let s = q.pop().unwrap();
            assert!((s.time, s.seq) > last || i == 0, "out of order at {i}");
            last = (s.time, s.seq);
            q.schedule(s.time + next(), i);
        }
    }

    #[test]
    fn matches_a_sorted_reference_across_every_level() {
        // Delays from microseconds to weeks, with ties, against a plain sort.
        let mut q = EventQueue::new();
        let mut x: u64 = 987654321;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut now = 0.0;
        let mut popped = Vec::new();
        for round in 0..200_000u64 {
            let r = rand();
            let delay = match r % 6 {
                0 => 0.0,
                1 => (r % 1000) as f64 * 1e-4,
                2 => (r % 1000) as f64 * 0.1,
                3 => (r % 1000) as f64 * 30.0,
                4 => (r % 1000) as f64 * 2000.0,
                _ => 3.0 + (r % 3) as f64,
            };
            if r % 3 != 0 || q.is_empty() {
                let seq = q.scheduled_total() as u32;
                q.schedule(now + delay, round);
                reference.push((now + delay, seq));
            } else {
                let s = q.pop().unwrap();
                now = s.time;
                popped.push((s.time, s.seq));
            }
        }
        while let Some(s) = q.pop() {
            popped.push((s.time, s.seq));
        }
        // Every event came out once, and in (time, seq) order.
        assert!(popped.windows(2).all(|w| w[0] < w[1]), "out of order");
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut sorted = popped.clone();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        assert_eq!(sorted, reference);
    }

    #[test]
    fn events_noted_on_the_way_near_are_noted_once_and_before_they_fire() {
        // Events carry their own id; `noted[id]` counts how often the
        // queue showed it coming, `fired[id]` whether it has popped.
        let mut q = EventQueue::new();
        let n = 20_000usize;
        let (mut noted, mut fired) = (vec![0u32; n], vec![false; n]);
        let mut x: u64 = 99;
        for id in 0..n {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // Spread over three hours: near heap, fine ring, coarse ring.
            q.schedule((x >> 11) as f64 / (1u64 << 53) as f64 * 10_800.0, id);
        }
        let mut last = f64::NEG_INFINITY;
        while let Some(t) = q.peek_time_noting(|&id| {
            assert!(!fired[id], "event {id} noted after it fired");
            noted[id] += 1;
        }) {
            let s = q.pop().unwrap();
            assert_eq!(s.time, t, "peek and pop disagree");
            assert!(s.time >= last);
            last = s.time;
            fired[s.event] = true;
        }
        assert!(fired.iter().all(|&f| f));
        assert!(noted.iter().all(|&k| k <= 1), "an event was noted twice");
        // Only the first 16 go straight into the near heap, and the last
        // 16 once fewer are pending; the rest pass through the fine ring
        // and are noted on the way.
        let count = noted.iter().filter(|&&k| k == 1).count();
        assert!(count >= n - 2 * NEAR_DIRECT, "{count} of {n} noted");
    }

    #[test]
    fn a_cut_off_queue_pops_what_the_whole_queue_pops_before_the_cut_off() {
        // Two queues fed the same schedule, one dropping events due at or
        // after three hours: up to then they pop the same events, sequence
        // numbers included, and the cut one holds nothing due later.
        let cutoff = 10_800.0;
        let (mut whole, mut cut) = (EventQueue::new(), EventQueue::new());
        cut.drop_from(cutoff);
        let mut x: u64 = 2024;
        let mut next_delay = move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // Seconds to a day: past the cut-off from early on.
            ((x >> 11) as f64 / (1u64 << 53) as f64).powi(3) * 86_400.0
        };
        for i in 0..5_000u32 {
            let t = next_delay();
            whole.schedule(t, i);
            cut.schedule(t, i);
        }
        let (mut kept, mut dropped) = (0, 0);
        while let Some(w) = whole.pop() {
            if w.time >= cutoff {
                dropped += 1;
                continue;
            }
            let c = cut.pop().expect("the cut queue ran out early");
            assert_eq!((c.time, c.seq, c.event), (w.time, w.seq, w.event));
            kept += 1;
            // Both reschedule alike, some of it past the cut-off.
            if kept % 2 == 0 {
                let t = w.time + next_delay();
                whole.schedule(t, w.event);
                cut.schedule(t, w.event);
            }
        }
        assert!(cut.is_empty(), "the cut queue kept an event due after the cut-off");
        assert!(kept > 1_000 && dropped > 1_000, "kept {kept}, dropped {dropped}");
        assert_eq!(cut.scheduled_total(), whole.scheduled_total());
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

    #[test]
    fn far_events_wait_on_the_rings_and_in_overflow_and_keep_their_order() {
        let mut q = EventQueue::new();
        // Hours apart (overflow), minutes apart (ring), and ties.
        let times = [50_000.0, 3.5, 3.5, 20_000.0, 0.25, 120.0, 50_000.0, 86_400.0 * 30.0, 3.5, 0.0, 63.99, 64.0];
        for (i, t) in times.iter().enumerate() {
            q.schedule(*t, i);
        }
        assert_eq!(q.len(), times.len());
        let mut expected: Vec<(f64, usize)> = times.iter().copied().zip(0..).collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let got: Vec<(f64, usize)> = std::iter::from_fn(|| q.pop().map(|s| (s.time, s.event))).collect();
        assert_eq!(got, expected);
        assert!(q.is_empty());
    }

    #[test]
    fn huge_and_infinite_times_fire_last_in_order_and_never_hang() {
        // Beyond about 3e17 s the slot number `time × 64` no longer fits in
        // 64 bits; such times (a draw from a distribution's far tail) must
        // neither loop nor jump ahead of a finite time.
        let huge = [1e300, f64::MAX, f64::INFINITY, HORIZON, HORIZON * 0.999, 3e17, 1e18, 1e300, f64::INFINITY];
        let mut q = EventQueue::new();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut push = |q: &mut EventQueue<u32>, t: f64| {
            let seq = q.scheduled_total() as u32;
            q.schedule(t, seq);
            reference.push((t, seq));
        };
        // Enough events that the rings and the overflow heap are in use.
        for i in 0..200 {
            push(&mut q, f64::from(i) * 37.5);
            push(&mut q, huge[i as usize % huge.len()]);
            push(&mut q, 86_400.0 * 400.0 + f64::from(i));
        }
        let mut popped: Vec<(f64, u32)> = Vec::new();
        for round in 0..300 {
            let s = q.pop().unwrap();
            popped.push((s.time, s.seq));
            // Keep scheduling while the clock moves: near, far and at infinity.
            if round % 3 == 0 {
                push(&mut q, s.time + 1.0);
                push(&mut q, s.time + 1e290);
            }
        }
        q.schedule_in(5.0, u32::MAX);
        reference.push((q.now() + 5.0, q.scheduled_total() as u32 - 1));
        while let Some(s) = q.pop() {
            popped.push((s.time, s.seq));
        }
        assert!(q.is_empty());
        assert_eq!(q.now(), f64::INFINITY);
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        assert_eq!(popped, reference);
        // Once the clock is at infinity, later events still come out.
        q.schedule_in(1.0, 7);
        assert_eq!(q.peek_time(), Some(f64::INFINITY));
        assert_eq!(q.pop().map(|s| s.event), Some(7));
    }
}
