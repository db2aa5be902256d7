//! The file system, kept out of the library: reading the files a user
//! names, and writing a single file atomically. Output folders are written
//! whole, by `run_folder`.

use crate::bad_input::{bad, shown};
use anyhow::{Context, Result};
use std::fs;
use std::io::{Read, Write};
use std::path::Path;

/// Largest scenario file accepted; a scenario is a page of TOML, so anything
/// bigger is a wrong path, not a scenario.
const MAX_SCENARIO_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a scenario file. Every way the path can be wrong (missing,
/// unreadable, a folder, a pipe, too big, not UTF-8) is the user's to fix:
/// one line naming the path, exit status 2.
pub fn read_scenario(path: &Path) -> Result<String> {
    read_text(path, MAX_SCENARIO_BYTES, "scenario")
}

/// Reads a text file of at most `limit` bytes that the user named (a
/// scenario, a plan, a demand table), refusing anything that is not a
/// regular UTF-8 file with a [`BadInput`](crate::bad_input::BadInput).
/// A pipe or a device is refused before it is opened: reading one could
/// block forever or never end.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String> {
    let bytes = read_bytes(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            shown(path),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// [`read_text`] without the UTF-8 check.
pub fn read_bytes(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| bad(format!("cannot read {what} {}: {}", shown(path), io_reason(&e)));
    let meta = fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(bad(format!("{what} {} is a folder, not a file", shown(path))));
    }
    if !meta.is_file() {
        return Err(bad(format!("{what} {} is not a regular file (a pipe, a socket or a device)", shown(path))));
    }
    let too_big = |len: u64| bad(format!("{what} {} is {len} bytes; at most {limit} are read", shown(path)));
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let file = fs::File::open(path).map_err(cannot)?;
    // The file may have changed since `metadata`: read at most one byte
    // past the limit, so a file that grew is refused, not swallowed.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The reason of an I/O error without the "(os error 2)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same
/// folder, flushed to disk, then renamed over the target. A reader (or a
/// crash) sees the old file or the new one, never half of one; temporary
/// files that killed processes left beside the target are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    crate::run_folder::remove_dead_leftovers(dir, |entry| entry.strip_prefix(&prefix))?;
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    };
    write()
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
        .with_context(|| format!("cannot write {}", shown(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_missing_files_oversized_files_and_bad_text_are_the_users_to_fix() {
        let dir = tempfile::tempdir().unwrap();
        let is_bad_input = |r: Result<String>| r.unwrap_err().downcast_ref::<crate::bad_input::BadInput>().is_some();
        assert!(is_bad_input(read_scenario(dir.path())));
        assert!(is_bad_input(read_scenario(&dir.path().join("missing.toml"))));
        let big = dir.path().join("big.toml");
        fs::write(&big, vec![b'#'; 101]).unwrap();
        assert!(is_bad_input(read_text(&big, 100, "scenario")));
        assert_eq!(read_text(&big, 101, "scenario").unwrap().len(), 101);
        let latin1 = dir.path().join("latin1.toml");
        fs::write(&latin1, b"name = \"caf\xe9\"\n").unwrap();
        let err = read_scenario(&latin1).unwrap_err().to_string();
        assert!(err.contains("not UTF-8") && err.contains("offset 11"), "{err}");
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        // A temporary file a killed process left behind (no live process
        // has this id: ids are below 2^22 on Linux).
        fs::write(dir.path().join(".plan.csv.tmp-4194303"), b"half").unwrap();
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["plan.csv"]);
    }
}
