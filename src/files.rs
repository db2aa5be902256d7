//! The file system, kept out of the library: reading scenarios and writing
//! output atomically.

use anyhow::{Context, Result, bail};
use clickday::pipeline::OutputFile;
use std::fs;
use std::io::Write;
use std::path::Path;

/// Largest scenario file accepted; a scenario is a page of TOML, so anything
/// bigger is a wrong path, not a scenario.
const MAX_SCENARIO_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a scenario file, refusing directories and oversized files with a
/// message that names the path.
pub fn read_scenario(path: &Path) -> Result<String> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read scenario {}", path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a file", path.display());
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        bail!("{} is {} bytes; a scenario file is at most {} bytes", path.display(), meta.len(), MAX_SCENARIO_BYTES);
    }
    let bytes = fs::read(path).with_context(|| format!("cannot read scenario {}", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same
/// folder, flushed to disk, then renamed over the target. A reader (or a
/// crash) sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
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
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Creates `dir` and writes each file into it atomically.
pub fn write_all(dir: &Path, outputs: &[OutputFile]) -> Result<()> {
    write_named(dir, outputs.iter().map(|f| (f.name, f.bytes.as_slice())))
}

/// Creates `dir` and writes each `(file name, bytes)` into it atomically.
pub fn write_named<'a>(dir: &Path, files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    for (name, bytes) in files {
        write_atomic(&dir.join(name), bytes)?;
    }
    Ok(())
}

/// Removes the files of `dir` with one of `extensions` whose names are not
/// in `keep`: charts an earlier run drew that this run did not (no
/// exposures this time, say) must not stay behind looking current.
pub fn remove_stale(dir: &Path, extensions: &[&str], keep: &[String]) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e));
        let name = entry.file_name().to_string_lossy().into_owned();
        if ours && path.is_file() && !keep.contains(&name) {
            fs::remove_file(&path).with_context(|| format!("cannot remove the stale chart {}", path.display()))?;
        }
    }
    Ok(())
}
