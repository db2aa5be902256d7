//! How the process's allocator gives memory back to the system.
//!
//! glibc serves a large request from a mapping of its own, returned to
//! the system when freed, but it raises that threshold (up to 32 MB) each
//! time such a buffer is freed. After the first replication of a large
//! day, the next one's buffers (the event wheel's pool, the applicants'
//! records, the social inbox) therefore come from the thread's arena,
//! which keeps them when the replication ends, in pieces that the results
//! of finished replications pin. Thirty replications of 1 April on two
//! threads peaked at 273 MB where two peaked at 185 MB. Holding the
//! threshold at glibc's starting value keeps each large buffer in its own
//! mapping, so a worker holds what its current replication needs.

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
