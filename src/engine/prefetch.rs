//! A hint to the memory system: "this record is needed soon".
//!
//! A launch day keeps a record per applicant (millions, a hundred
//! megabytes), and most events touch the record of someone who last acted
//! seconds or minutes ago: it is no longer in any cache, and the event
//! loop would stall on main memory for every such event. Asking for the
//! record of the *next* event while the current one is handled overlaps
//! the two, and changes nothing but timing.

/// Asks the memory system to start loading `items[index]` into the cache.
/// Out-of-range indices are ignored; nothing is read, so the call can never
/// change a result.
#[inline(always)]
pub fn prefetch<T>(items: &[T], index: usize) {
    if index >= items.len() {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    {
        let record = &items[index..=index];
        let first = record.as_ptr().cast::<i8>();
        // A record whose size does not divide 64 bytes (a 48-byte request)
        // may straddle two cache lines: its last byte's line is loaded too
        // (when it is the same line, that costs nothing).
        let last = first.wrapping_add(std::mem::size_of::<T>().max(1) - 1);
        // SAFETY: prefetching only hints the cache: it reads nothing into
        // the program and cannot fault; both addresses lie in `record`.
        // (The intrinsic is marked unsafe only because it is declared for
        // the `sse` target feature, which every x86_64 processor has.)
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(first);
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::prefetch;

    #[test]
    fn any_index_is_accepted_and_nothing_changes() {
        let items = vec![1u32, 2, 3];
        for index in [0, 2, 3, usize::MAX] {
            prefetch(&items, index);
        }
        assert_eq!(items, [1, 2, 3]);
    }
}
