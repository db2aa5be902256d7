//! How the process uses memory: large buffers in huge pages, handed back
//! to the system when freed. Both matter for a day of millions of people,
//! and neither changes a result.
//!
//! - **Given back.** glibc serves a large request from a mapping of its
//!   own, returned to the system when freed, but it raises that threshold
//!   (up to 32 MB) each time such a buffer is freed. After the first
//!   replication of a large day, the next one's buffers below 32 MB (the
//!   event wheel's pool, the social inbox, vectors as they grow) came from
//!   the thread's arena, which kept them when the replication ended, in
//!   pieces that the results of finished replications pinned: thirty
//!   replications of 1 April on two threads peaked at 273 MB where two
//!   peaked at 185 MB. Holding the threshold at glibc's starting value
//!   keeps each large buffer in its own mapping.
//! - **Huge pages.** A launch day reads its applicants' records (54 MB on
//!   1 April) and the event wheel's slots at random, and with 4 KiB pages
//!   nearly every such read also misses the address-translation cache.
//!   Where the kernel gives transparent huge pages only on request (its
//!   setting is `madvise`), buffers of 2 MiB or more are asked to be
//!   backed by them.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, asking for transparent huge pages for every
/// buffer of at least [`HUGE`] bytes.
pub struct HugePages;

/// The smallest buffer worth huge pages: one huge page on x86-64.
const HUGE: usize = 2 << 20;

// SAFETY: every call is passed on to `System` unchanged; `advise` only
// gives the kernel a hint about memory `System` just handed out.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let ptr = unsafe { System.alloc(layout) };
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.realloc(ptr, layout, new_size) };
        advise(ptr, new_size);
        ptr
    }
}

/// Asks for huge pages for the `size` bytes at `ptr`, if they are that
/// many, over the whole pages they cover: memory this process owns (glibc
/// gives such a buffer a mapping of its own).
#[inline]
fn advise(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= HUGE && !ptr.is_null() {
        // SAFETY: `sysconf` reads a constant of the system.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let start = ptr as usize / page * page;
        let end = (ptr as usize + size).next_multiple_of(page);
        // SAFETY: `madvise` with `MADV_HUGEPAGE` changes no memory; it
        // marks pages of this process's own mappings. A failure (a kernel
        // without transparent huge pages) leaves them as they were.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, size);
}

/// glibc's starting mmap threshold.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Keeps glibc's mmap threshold where it starts, unless the user set it
/// (`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…`). Call before any other
/// thread starts. Other allocators need nothing.
pub fn return_large_buffers_when_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if !std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("mmap_threshold")) {
        // SAFETY: `mallopt` only sets a parameter of the allocator, and is
        // called before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The `VmFlags` of the mapping of this process that holds `address`.
    fn vm_flags(address: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("/proc/self/smaps");
        let mut inside = false;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if let Some((from, to)) = first.split_once('-')
                && let (Ok(from), Ok(to)) = (usize::from_str_radix(from, 16), usize::from_str_radix(to, 16))
            {
                inside = (from..to).contains(&address);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.split_whitespace().map(str::to_owned).collect();
            }
        }
        panic!("no mapping holds {address:#x}");
    }

    #[test]
    fn a_large_buffer_is_marked_for_huge_pages_and_still_works() {
        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
            eprintln!("this kernel has no transparent huge pages: nothing to check");
            return;
        }
        let layout = Layout::from_size_align(3 * HUGE, 16).unwrap();
        // SAFETY: a non-zero size; the buffer is freed with its layout.
        unsafe {
            let ptr = HugePages.alloc_zeroed(layout);
            assert!(!ptr.is_null());
            assert!(vm_flags(ptr as usize).iter().any(|f| f == "hg"), "not marked for huge pages");
            // Grown, it is marked where it now lies, and keeps its bytes.
            ptr.add(5).write(42);
            let grown = HugePages.realloc(ptr, layout, 5 * HUGE);
            assert!(!grown.is_null());
            assert_eq!(grown.add(5).read(), 42);
            assert!(vm_flags(grown as usize + 4 * HUGE).iter().any(|f| f == "hg"));
            HugePages.dealloc(grown, Layout::from_size_align(5 * HUGE, 16).unwrap());
        }
    }
}
