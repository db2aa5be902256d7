//! A waiting line with priority levels: the queue of a network station, of
//! the phone agents, of the social inbox.
//!
//! People leave a line from the middle (a caller hangs up, a customer
//! reneges) far more cheaply than by searching for them: the model only
//! says that one entry went stale ([`WaitingLine::withdraw`]), and the
//! entry itself is dropped when it reaches an end of the line, recognised
//! by the model's `is_live` test (typically: the record's visit number,
//! see [`super::Slab`], still matches the entry's). So the line's length
//! is always exact, while stale entries cost one test each, once.

use std::collections::VecDeque;

/// Entries of type `E` in `levels` priority levels, level 0 first; first
/// in, first out within a level (or last in, first out, if the model
/// takes from the back).
#[derive(Debug, Clone)]
pub struct WaitingLine<E> {
    levels: Vec<VecDeque<E>>,
    /// Live entries: pushed, not yet taken and not withdrawn.
    len: u32,
}

impl<E: Copy> WaitingLine<E> {
    /// An empty line of `levels` priority levels (at least one), each with
    /// room for `capacity` entries before it grows.
    pub fn new(levels: usize, capacity: usize) -> WaitingLine<E> {
        WaitingLine { levels: (0..levels.max(1)).map(|_| VecDeque::with_capacity(capacity)).collect(), len: 0 }
    }

    /// Number of priority levels.
    #[inline]
    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// Live entries in the line.
    #[inline]
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether no live entry is in the line.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Puts `entry` at the back of priority level `level`.
    ///
    /// # Panics
    /// If `level` is not below [`Self::levels`].
    #[inline]
    pub fn push(&mut self, level: usize, entry: E) {
        self.levels[level].push_back(entry);
        self.len += 1;
    }

    /// One live entry went stale where it stands (its owner left): the
    /// length drops now, the entry is dropped when it reaches an end and
    /// `is_live` says no.
    #[inline]
    pub fn withdraw(&mut self) {
        debug_assert!(self.len > 0, "withdrawal from an empty line");
        self.len -= 1;
    }

    /// Takes the oldest live entry of the first level that has one,
    /// dropping the stale entries in front of it.
    #[inline]
    pub fn pop_oldest(&mut self, is_live: impl FnMut(E) -> bool) -> Option<E> {
        self.pop(is_live, VecDeque::pop_front)
    }

    /// Takes the newest live entry of the first level that has one,
    /// dropping the stale entries behind it.
    #[inline]
    pub fn pop_newest(&mut self, is_live: impl FnMut(E) -> bool) -> Option<E> {
        self.pop(is_live, VecDeque::pop_back)
    }

    #[inline]
    fn pop(
        &mut self,
        mut is_live: impl FnMut(E) -> bool,
        mut take: impl FnMut(&mut VecDeque<E>) -> Option<E>,
    ) -> Option<E> {
        if self.len == 0 {
            return None;
        }
        for level in &mut self.levels {
            while let Some(entry) = take(level) {
                if is_live(entry) {
                    self.len -= 1;
                    return Some(entry);
                }
            }
        }
        debug_assert!(false, "{} live entries counted but none found", self.len);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn higher_levels_first_then_first_come_first_served() {
        let mut line = WaitingLine::new(3, 4);
        for (level, entry) in [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')] {
            line.push(level, entry);
        }
        assert_eq!(line.len(), 5);
        let order: String = std::iter::from_fn(|| line.pop_oldest(|_| true)).collect();
        assert_eq!(order, "dbeac");
        assert!(line.is_empty());
    }

    #[test]
    fn newest_first_takes_from_the_back_of_the_first_level() {
        let mut line = WaitingLine::new(2, 4);
        for (level, entry) in [(1, 'a'), (0, 'b'), (0, 'c'), (1, 'd')] {
            line.push(level, entry);
        }
        let order: String = std::iter::from_fn(|| line.pop_newest(|_| true)).collect();
        assert_eq!(order, "cbda");
    }

    #[test]
    fn withdrawn_entries_are_skipped_and_the_length_stays_exact() {
        let mut line = WaitingLine::new(1, 4);
        for id in 0..5u32 {
            line.push(0, id);
        }
        let gone = [1u32, 2, 4];
        for _ in gone {
            line.withdraw();
        }
        assert_eq!(line.len(), 2);
        let live = |id: u32| !gone.contains(&id);
        assert_eq!(line.pop_oldest(live), Some(0));
        assert_eq!(line.pop_oldest(live), Some(3));
        assert_eq!(line.len(), 0);
        // Nothing live is left: no scan, entry 4 stays until it is reached.
        assert_eq!(line.pop_oldest(|_| panic!("an empty line tests nothing")), None);
    }

    /// Random pushes, withdrawals and pops from either end against a
    /// reference that removes entries at once: a list of (level, order,
    /// entry) searched in full.
    #[test]
    fn matches_a_reference_model_under_random_use() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let levels = 3;
        let mut line: WaitingLine<u32> = WaitingLine::new(levels, 2);
        // Reference: live entries as (level, push order, id).
        let mut reference: Vec<(usize, u64, u32)> = Vec::new();
        // live[id] says whether entry id is still waiting.
        let mut live: Vec<bool> = Vec::new();
        for step in 0..50_000u64 {
            let op: u32 = rng.random_range(0..10);
            if op < 4 {
                let level = rng.random_range(0..levels);
                let id = live.len() as u32;
                live.push(true);
                line.push(level, id);
                reference.push((level, step, id));
            } else if op < 6 && !reference.is_empty() {
                let k = rng.random_range(0..reference.len());
                let (_, _, id) = reference.swap_remove(k);
                live[id as usize] = false;
                line.withdraw();
            } else {
                let oldest = op < 9;
                let is_live = |id: u32| live[id as usize];
                let got = if oldest { line.pop_oldest(is_live) } else { line.pop_newest(is_live) };
                let want = reference
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &(level, order, _))| (level, if oldest { order } else { u64::MAX - order }))
                    .map(|(k, _)| k);
                match want {
                    Some(k) => {
                        let (_, _, id) = reference.swap_remove(k);
                        assert_eq!(got, Some(id), "step {step}");
                        live[id as usize] = false;
                    }
                    None => assert_eq!(got, None, "step {step}"),
                }
            }
            assert_eq!(line.len() as usize, reference.len(), "step {step}");
        }
    }
}
