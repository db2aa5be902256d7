//! Records of the things in a model (customers, callers, inbox items) in
//! a slab: slots are reused, so memory follows the number present at once,
//! not the number ever seen.
//!
//! Events and waiting-line entries name a record by its slot and a *visit*
//! number. The slab moves a slot's visit on whenever the slot is freed and
//! keeps it when the slot is taken again, and a model moves it on whenever
//! the occupant starts something that older events must no longer touch
//! (joining a queue, leaving it). So a `(slot, visit)` pair names one
//! occupant's one visit, never a later one: an event or an entry that
//! outlived it is recognised as stale and ignored.

/// One slot: the record, its visit number and whether it is taken.
#[derive(Debug, Clone, Copy)]
struct Slot<T> {
    value: T,
    visit: u32,
    occupied: bool,
}

/// A free-list slab of `Copy` records addressed by `u32` slot numbers.
///
/// `insert` takes the most recently freed slot (or a new one), `remove`
/// frees one; neither allocates once the slab has reached its working size.
#[derive(Debug, Clone)]
pub struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    live: u32,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: Vec::new(), live: 0 }
    }
}

impl<T: Copy> Slab<T> {
    /// An empty slab with room for `capacity` records before it grows.
    pub fn with_capacity(capacity: usize) -> Slab<T> {
        Slab { slots: Vec::with_capacity(capacity), free: Vec::new(), live: 0 }
    }

    /// Records present.
    #[inline]
    pub fn len(&self) -> u32 {
        self.live
    }

    /// Whether no record is present.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Stores `value` and returns its slot: the most recently freed one,
    /// or a new one. A reused slot keeps its visit number (moved on when
    /// it was freed), so nothing addressed to its former occupant matches.
    #[inline]
    pub fn insert(&mut self, value: T) -> u32 {
        self.live += 1;
        if let Some(id) = self.free.pop() {
            let slot = &mut self.slots[id as usize];
            slot.value = value;
            slot.occupied = true;
            id
        } else {
            let id = u32::try_from(self.slots.len()).expect("a slab holds at most 2^32 records");
            self.slots.push(Slot { value, visit: 0, occupied: true });
            id
        }
    }

    /// Frees slot `id` and returns its record; its visit moves on.
    ///
    /// # Panics
    /// If the slot is not taken.
    #[inline]
    pub fn remove(&mut self, id: u32) -> T {
        let slot = &mut self.slots[id as usize];
        assert!(slot.occupied, "slot {id} freed twice");
        slot.occupied = false;
        slot.visit = slot.visit.wrapping_add(1);
        self.free.push(id);
        self.live -= 1;
        slot.value
    }

    /// The record in slot `id`, if the slot is taken.
    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        self.slots.get(id as usize).filter(|s| s.occupied).map(|s| &s.value)
    }

    /// The record in slot `id`, if the slot is taken, to change it.
    #[inline]
    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.slots.get_mut(id as usize).filter(|s| s.occupied).map(|s| &mut s.value)
    }

    /// The current visit number of slot `id`.
    #[inline]
    pub fn visit(&self, id: u32) -> u32 {
        self.slots[id as usize].visit
    }

    /// Starts a new visit of the occupant of slot `id` and returns its
    /// number: events and entries of its earlier visits become stale.
    #[inline]
    pub fn next_visit(&mut self, id: u32) -> u32 {
        let slot = &mut self.slots[id as usize];
        debug_assert!(slot.occupied, "new visit of free slot {id}");
        slot.visit = slot.visit.wrapping_add(1);
        slot.visit
    }

    /// Whether slot `id` is taken and on visit `visit`: whether an event
    /// or entry made on that visit still concerns its occupant.
    #[inline]
    pub fn is_current(&self, id: u32, visit: u32) -> bool {
        let slot = &self.slots[id as usize];
        slot.occupied && slot.visit == visit
    }

    /// The records present, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().filter(|s| s.occupied).map(|s| &s.value)
    }
}

impl<T: Copy> std::ops::Index<u32> for Slab<T> {
    type Output = T;

    /// The record in slot `id`; a free slot is a bug of the caller
    /// (checked in debug builds).
    #[inline]
    fn index(&self, id: u32) -> &T {
        let slot = &self.slots[id as usize];
        debug_assert!(slot.occupied, "read of free slot {id}");
        &slot.value
    }
}

impl<T: Copy> std::ops::IndexMut<u32> for Slab<T> {
    #[inline]
    fn index_mut(&mut self, id: u32) -> &mut T {
        let slot = &mut self.slots[id as usize];
        debug_assert!(slot.occupied, "write to free slot {id}");
        &mut slot.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn freed_slots_are_reused_last_freed_first() {
        let mut slab = Slab::default();
        let a = slab.insert('a');
        let b = slab.insert('b');
        let c = slab.insert('c');
        assert_eq!((a, b, c), (0, 1, 2));
        assert_eq!(slab.remove(a), 'a');
        assert_eq!(slab.remove(c), 'c');
        assert_eq!(slab.len(), 1);
        assert_eq!(slab.insert('d'), c);
        assert_eq!(slab.insert('e'), a);
        assert_eq!(slab.insert('f'), 3);
        assert_eq!(slab.iter().copied().collect::<String>(), "ebdf");
    }

    #[test]
    fn a_reused_slot_does_not_answer_to_its_former_occupant() {
        let mut slab = Slab::default();
        let id = slab.insert(1);
        let first = slab.next_visit(id);
        assert!(slab.is_current(id, first));
        slab.remove(id);
        assert!(!slab.is_current(id, first), "a free slot answers to nobody");
        assert_eq!(slab.get(id), None);
        assert_eq!(slab.insert(2), id);
        assert!(!slab.is_current(id, first), "nor does its next occupant to the old visit");
        let second = slab.next_visit(id);
        assert_ne!(first, second);
        assert!(slab.is_current(id, second));
        assert_eq!(slab.get(id), Some(&2));
    }

    #[test]
    fn memory_stays_at_the_peak_number_present() {
        let mut slab = Slab::with_capacity(4);
        for round in 0..1000 {
            let ids: Vec<u32> = (0..4).map(|i| slab.insert(round * 4 + i)).collect();
            for id in ids {
                slab.remove(id);
            }
        }
        assert_eq!(slab.slots.len(), 4);
        assert!(slab.is_empty());
    }

    /// Random inserts, removals, new visits and stale checks, against a
    /// reference that never reuses anything: a map from (slot, visit) to
    /// the record, kept by hand.
    #[test]
    fn matches_a_reference_model_under_random_use() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(12);
        let mut slab: Slab<u64> = Slab::default();
        // Present records: (slot, current visit, value).
        let mut present: Vec<(u32, u32, u64)> = Vec::new();
        // Visits that were current once and are not any more.
        let mut stale: Vec<(u32, u32)> = Vec::new();
        let mut peak = 0;
        for step in 0..20_000u64 {
            let op: u32 = rng.random_range(0..10);
            if op < 4 || present.is_empty() {
                let id = slab.insert(step);
                assert!(present.iter().all(|p| p.0 != id), "slot {id} handed out twice");
                present.push((id, slab.visit(id), step));
            } else if op < 7 {
                let k = rng.random_range(0..present.len());
                let (id, visit, value) = present.swap_remove(k);
                assert_eq!(slab.remove(id), value);
                stale.push((id, visit));
            } else if op < 9 {
                let k = rng.random_range(0..present.len());
                let (id, visit, _) = present[k];
                let next = slab.next_visit(id);
                stale.push((id, visit));
                present[k].1 = next;
                slab[id] += 1;
                present[k].2 += 1;
            } else if !stale.is_empty() {
                let (id, visit) = stale[rng.random_range(0..stale.len())];
                assert!(!slab.is_current(id, visit), "stale visit {visit} of slot {id} matched");
            }
            peak = peak.max(present.len());
            assert_eq!(slab.len() as usize, present.len());
            for &(id, visit, value) in &present {
                assert!(slab.is_current(id, visit));
                assert_eq!(slab[id], value);
            }
        }
        assert_eq!(slab.slots.len(), peak, "a new slot only when none is free");
        let mut values: Vec<u64> = slab.iter().copied().collect();
        let mut expected: Vec<u64> = present.iter().map(|p| p.2).collect();
        values.sort_unstable();
        expected.sort_unstable();
        assert_eq!(values, expected);
    }
}
