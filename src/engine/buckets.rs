//! Unordered buckets of small records, stored in fixed-size chunks from one
//! shared pool: the storage behind the event queue's timing-wheel slots.

/// Records per chunk. A chunk of 24-byte events is 768 bytes: twelve cache
/// lines, small enough that a bucket's unused room is negligible even when
/// thousands of buckets each hold a few records.
pub(crate) const CHUNK: usize = 32;

/// No chunk: the end of a bucket's list or of the free list.
const NONE: u32 = u32::MAX;

/// A fixed number of buckets, each an append-only list drained whole.
///
/// A timing wheel with one growable `Vec` per slot keeps each slot's
/// largest buffer (or frees and regrows it), so a day with two million
/// people due back later held 1.7 times the memory its events needed, and
/// every slot's buffer was cold by the time the wheel came round to fill
/// it again. Here every bucket is a linked list of chunks taken from one
/// pool, and a drained bucket gives its chunks back to the top of a
/// last-in, first-out free list. Unused room is at most one partly filled
/// chunk per bucket, and the next bucket to grow takes the chunk that was
/// just read, while it is still in cache.
#[derive(Debug, Clone)]
pub(crate) struct Buckets<T> {
    chunks: Vec<Chunk<T>>,
    /// First free chunk; free chunks are linked through `next`.
    free: u32,
    buckets: Box<[Bucket]>,
}

#[derive(Debug, Clone)]
struct Chunk<T> {
    items: [T; CHUNK],
    /// The bucket's next chunk (or the next free chunk).
    next: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    first: u32,
    last: u32,
    /// Records in the bucket; the last chunk holds `len % CHUNK` of them,
    /// or a full chunk when that is 0.
    len: u32,
}

const EMPTY: Bucket = Bucket { first: NONE, last: NONE, len: 0 };

impl<T: Copy> Buckets<T> {
    /// `count` empty buckets. No chunk is allocated until a record arrives.
    pub fn new(count: usize) -> Self {
        Buckets { chunks: Vec::new(), free: NONE, buckets: vec![EMPTY; count].into_boxed_slice() }
    }

    /// Records in bucket `at`.
    #[inline]
    pub fn len(&self, at: usize) -> usize {
        self.buckets[at].len as usize
    }

    /// Appends `item` to bucket `at`.
    ///
    /// Inlined whole into the queue's placing of an event, where it runs
    /// for most events of a crowded day; starting a chunk, once in
    /// [`CHUNK`] pushes, stays out of line.
    #[inline(always)]
    pub fn push(&mut self, at: usize, item: T) {
        let Bucket { last, len, .. } = self.buckets[at];
        let within = len as usize % CHUNK;
        if within == 0 {
            return self.push_to_new_chunk(at, item);
        }
        self.chunks[last as usize].items[within] = item;
        let bucket = &mut self.buckets[at];
        bucket.len = len.checked_add(1).expect("a bucket holds fewer than 2^32 records");
    }

    /// [`push`](Self::push) when bucket `at`'s last chunk is full, or it
    /// has none.
    #[inline(never)]
    fn push_to_new_chunk(&mut self, at: usize, item: T) {
        let Bucket { first, last, len } = self.buckets[at];
        let chunk = self.take_chunk(item);
        if first == NONE {
            self.buckets[at].first = chunk;
        } else {
            self.chunks[last as usize].next = chunk;
        }
        let bucket = &mut self.buckets[at];
        bucket.last = chunk;
        bucket.len = len.checked_add(1).expect("a bucket holds fewer than 2^32 records");
    }

    /// A chunk whose first record is `item`: the most recently freed one,
    /// or a new one.
    #[inline]
    fn take_chunk(&mut self, item: T) -> u32 {
        if self.free != NONE {
            let chunk = self.free;
            let c = &mut self.chunks[chunk as usize];
            self.free = c.next;
            c.items[0] = item;
            c.next = NONE;
            return chunk;
        }
        let chunk = u32::try_from(self.chunks.len()).ok().filter(|&c| c != NONE).expect("fewer than 2^32 - 1 chunks");
        // A new chunk is filled with copies of its first record: the copies
        // are never read (the bucket's length says how many are real), and
        // this keeps the pool free of uninitialised memory.
        self.chunks.push(Chunk { items: [item; CHUNK], next: NONE });
        chunk
    }

    /// Empties bucket `at`, giving `each` its records in the order they were
    /// pushed, and returns its chunks to the pool.
    #[inline]
    pub fn drain<F: FnMut(T)>(&mut self, at: usize, mut each: F) {
        let Bucket { first, len, .. } = std::mem::replace(&mut self.buckets[at], EMPTY);
        let mut left = len as usize;
        let mut chunk = first;
        while left > 0 {
            let c = &mut self.chunks[chunk as usize];
            let here = left.min(CHUNK);
            for &item in &c.items[..here] {
                each(item);
            }
            left -= here;
            let next = c.next;
            c.next = self.free;
            self.free = chunk;
            chunk = next;
        }
    }

    /// Removes the oldest chunk's worth of records (up to [`CHUNK`]) from
    /// bucket `at` and returns them with their count, or `None` when the
    /// bucket is empty. The records are copied out first, so the caller
    /// may push them anywhere, into this very pool, at once.
    #[inline]
    pub fn take_oldest(&mut self, at: usize) -> Option<([T; CHUNK], usize)> {
        let Bucket { first, last, len } = self.buckets[at];
        if len == 0 {
            return None;
        }
        let c = &mut self.chunks[first as usize];
        let items = c.items;
        let next = c.next;
        let here = if first == last { len as usize } else { CHUNK };
        c.next = self.free;
        self.free = first;
        let rest = len - here as u32;
        self.buckets[at] = if rest == 0 { EMPTY } else { Bucket { first: next, last, len: rest } };
        Some((items, here))
    }

    /// Chunks in the pool, in use or free: what the most records pending
    /// at once cost.
    #[cfg(test)]
    fn pool_chunks(&self) -> usize {
        self.chunks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::splitmix64;

    /// Random pushes and drains against one `Vec` per bucket: the same
    /// records come out of each bucket, in the order they went in.
    #[test]
    fn buckets_match_a_vec_per_bucket() {
        const COUNT: usize = 37;
        let mut buckets = Buckets::new(COUNT);
        let mut reference: Vec<Vec<u64>> = vec![Vec::new(); COUNT];
        let mut state = 11u64;
        let mut most_pending = 0usize;
        for step in 0..200_000u64 {
            state = splitmix64(state);
            let at = (state % COUNT as u64) as usize;
            // Mostly pushes, sometimes a drain, so buckets grow past many
            // chunks and come back empty.
            if state >> 60 == 0 {
                let mut out = Vec::new();
                buckets.drain(at, |item| out.push(item));
                assert_eq!(out, std::mem::take(&mut reference[at]), "bucket {at} at step {step}");
                assert_eq!(buckets.len(at), 0);
            } else if state >> 59 == 2 {
                // Take the oldest chunk's worth and push it to another
                // bucket, as the coarse ring spreads onto the fine one.
                let to = (at + 1) % COUNT;
                if let Some((items, count)) = buckets.take_oldest(at) {
                    let expected: Vec<u64> = reference[at].drain(..count).collect();
                    assert_eq!(&items[..count], &expected[..], "bucket {at} at step {step}");
                    assert!(count == CHUNK || reference[at].is_empty(), "a short chunk is the last");
                    for &item in &items[..count] {
                        buckets.push(to, item);
                        reference[to].push(item);
                    }
                } else {
                    assert!(reference[at].is_empty());
                }
            } else {
                buckets.push(at, step);
                reference[at].push(step);
            }
            assert_eq!(buckets.len(at), reference[at].len());
            most_pending = most_pending.max(reference.iter().map(Vec::len).sum());
        }
        for (at, expected) in reference.iter_mut().enumerate() {
            let mut out = Vec::new();
            buckets.drain(at, |item| out.push(item));
            assert_eq!(&out, expected);
        }
        // Drained chunks are reused: the pool never holds more than the
        // most records pending at once need, plus one partly filled chunk
        // per bucket.
        assert!(
            buckets.pool_chunks() <= most_pending / CHUNK + COUNT,
            "{} chunks for at most {most_pending} records",
            buckets.pool_chunks()
        );
    }

    #[test]
    fn a_drained_bucket_fills_again_from_its_own_chunks() {
        let mut buckets = Buckets::new(2);
        for round in 0..10u32 {
            for i in 0..100 {
                buckets.push(round as usize % 2, round * 1000 + i);
            }
            let mut out = Vec::new();
            buckets.drain(round as usize % 2, |item| out.push(item));
            assert_eq!(out, (0..100).map(|i| round * 1000 + i).collect::<Vec<_>>());
        }
        assert_eq!(buckets.pool_chunks(), 100usize.div_ceil(CHUNK));
    }
}
