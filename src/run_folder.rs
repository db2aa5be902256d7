//! Output folders, written whole: a run's folder holds all of one run or
//! all of the previous one, never a mix.
//!
//! 1. [`Staging::prepare`], before anything is simulated: the output folder
//!    must be usable (created if missing, writable) and the run's folder,
//!    if it exists, must hold only files a clickday run wrote (listed in
//!    its `manifest.json`), because replacing it removes them. Leftovers of
//!    processes that died mid-write are cleaned up, and a previous run
//!    caught between the two renames of a swap is put back.
//! 2. The run writes every file into `.<name>.staging-<pid>/` beside it.
//! 3. [`Staging::commit`] adds `manifest.json` (every file with its size
//!    and SHA-256), flushes everything to disk and swaps the staging folder
//!    in: on Linux one atomic exchange of the two folders, elsewhere a
//!    rename of the old folder aside and of the new one into place. The old
//!    run is then removed.
//!
//! A staging folder dropped without a commit (an error, a full disk, an
//! interrupt) is removed; one left by a killed process is removed by the
//! next run that writes into the same output folder.

use crate::bad_input::{bad, shown};
use crate::files::io_reason;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The list of a folder's files, written last into every folder clickday
/// writes.
pub const MANIFEST: &str = "manifest.json";

/// Files of a folder other runs may not have written, shown in a refusal.
const SHOWN_UNKNOWN: usize = 5;

/// What a folder's `manifest.json` says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// clickday version that wrote the folder.
    pub clickday_version: String,
    /// The folder's name.
    pub folder: String,
    /// Every file in the folder but the manifest, in the order written.
    pub files: Vec<FileEntry>,
}

/// One file of a folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the folder, with `/` between parts.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the contents, in hex.
    pub sha256: String,
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A folder being written, to replace `<out>/<name>` when committed.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    name: String,
    staging: PathBuf,
    files: Vec<FileEntry>,
    committed: bool,
}

impl Staging {
    /// Checks that `<out>/<name>` can be written and replaced, and creates
    /// the staging folder beside it. Every refusal is the user's to fix.
    pub fn prepare(out: &Path, name: &str) -> Result<Staging> {
        Self::prepare_as(out, name, std::process::id())
    }

    fn prepare_as(out: &Path, name: &str, pid: u32) -> Result<Staging> {
        if out.exists() && !out.is_dir() {
            return Err(bad(format!("--out {} is not a folder", shown(out))));
        }
        fs::create_dir_all(out)
            .map_err(|e| bad(format!("cannot create the output folder {}: {}", shown(out), io_reason(&e))))?;
        recover(out)?;
        check_replaceable(&out.join(name))?;
        let staging = out.join(format!(".{name}.staging-{pid}"));
        if staging.exists() {
            fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", shown(&staging)))?;
        }
        fs::create_dir(&staging)
            .map_err(|e| bad(format!("cannot write into the output folder {}: {}", shown(out), io_reason(&e))))?;
        Ok(Staging { out: out.to_path_buf(), name: name.to_owned(), staging, files: Vec::new(), committed: false })
    }

    /// The folder the run will replace (or create).
    pub fn target(&self) -> PathBuf {
        self.out.join(&self.name)
    }

    /// Writes `bytes` as `path` (relative, `/`-separated) into the staging
    /// folder, flushed to disk.
    pub fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let full = self.staging.join(path);
        let context = || format!("cannot write {path} for {}/ (left as it was)", shown(&self.target()));
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).with_context(context)?;
        }
        let mut file = fs::File::create(&full).with_context(context)?;
        file.write_all(bytes).and_then(|()| file.sync_all()).with_context(context)?;
        self.files.push(FileEntry { path: path.to_owned(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) });
        Ok(())
    }

    /// Writes the manifest and swaps the staging folder in place of the
    /// run's folder; the previous run's folder is removed.
    pub fn commit(mut self) -> Result<PathBuf> {
        let manifest = Manifest {
            clickday_version: env!("CARGO_PKG_VERSION").to_owned(),
            folder: self.name.clone(),
            files: self.files.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&manifest).context("cannot list the folder's files")?;
        json.push(b'\n');
        let path = self.staging.join(MANIFEST);
        let mut file = fs::File::create(&path).with_context(|| format!("cannot write {}", shown(&path)))?;
        file.write_all(&json)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", shown(&path)))?;
        sync_tree(&self.staging)?;
        let target = self.target();
        // A file may have been put into the old folder while the run was
        // simulating: look again just before replacing it.
        check_replaceable(&target)?;
        if target.exists() {
            let old = self.out.join(format!(".{}.old-{}", self.name, std::process::id()));
            swap_in(&self.staging, &target, &old)?;
            sync_dir(&self.out)?;
            self.committed = true;
            let leftover = if self.staging.exists() { &self.staging } else { &old };
            fs::remove_dir_all(leftover)
                .with_context(|| format!("cannot remove the previous run {}", shown(leftover)))?;
        } else {
            fs::rename(&self.staging, &target).with_context(|| format!("cannot create {}", shown(&target)))?;
            sync_dir(&self.out)?;
            self.committed = true;
        }
        Ok(target)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Puts `staging` in place of the existing folder `target`, leaving the
/// old contents at `staging` (exchange) or at `old` (two renames).
fn swap_in(staging: &Path, target: &Path, old: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // File systems without the exchange fall through to renames.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => {
                return Err(anyhow::Error::from(std::io::Error::from(e)))
                    .with_context(|| format!("cannot replace {}", shown(target)));
            }
        }
    }
    fs::rename(target, old).with_context(|| format!("cannot move the previous run {} aside", shown(target)))?;
    fs::rename(staging, target).with_context(|| format!("cannot put the new run in place at {}", shown(target)))
}

/// Flushes every file and folder below `dir` (and `dir`) to disk, so that
/// after the swap a crash cannot leave a folder of empty files.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", shown(dir)))? {
        let path = entry?.path();
        if path.is_dir() {
            sync_tree(&path)?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    // Folders cannot be opened for syncing on every platform; where they
    // can, a failure to sync is a failure to write.
    if let Ok(handle) = fs::File::open(dir) {
        #[cfg(unix)]
        handle.sync_all().with_context(|| format!("cannot flush {}", shown(dir)))?;
        #[cfg(not(unix))]
        drop(handle);
    }
    Ok(())
}

/// Refuses to replace `target` unless it is missing, empty, or holds only
/// files its manifest lists: anything else would be deleted with it.
fn check_replaceable(target: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(bad(format!("cannot use {}: {}", shown(target), io_reason(&e)))),
    };
    if meta.file_type().is_symlink() {
        return Err(bad(format!(
            "{} is a symbolic link; a run replaces its folder whole, so give a real folder with --out",
            shown(target)
        )));
    }
    if !meta.is_dir() {
        return Err(bad(format!(
            "{} exists and is not a folder; move it or choose another --out or --name",
            shown(target)
        )));
    }
    let mut present = Vec::new();
    list_files(target, "", &mut present)?;
    if present.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = match fs::read(target.join(MANIFEST)) {
        Ok(bytes) => match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) => m.files.into_iter().map(|f| f.path).collect(),
            Err(_) => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let unknown: Vec<&String> = present.iter().filter(|p| *p != MANIFEST && !listed.contains(p)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = unknown.iter().take(SHOWN_UNKNOWN).map(|s| s.to_string()).collect();
    if unknown.len() > SHOWN_UNKNOWN {
        names.push(format!("and {} more", unknown.len() - SHOWN_UNKNOWN));
    }
    Err(bad(format!(
        "{} holds files no clickday run wrote there ({}); a run replaces its folder whole: move them, or choose another --out or --name",
        shown(target),
        names.join(", ")
    )))
}

/// Every file below `dir`, as `/`-separated paths relative to it.
fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| bad(format!("cannot list {}: {}", shown(dir), io_reason(&e))))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Cleans `out` of what killed processes left: staging folders are
/// removed; a previous run moved aside by a swap that did not finish is put
/// back if nothing took its place, else removed.
fn recover(out: &Path) -> Result<()> {
    remove_dead_leftovers(out, |name| name.strip_prefix('.').and_then(|n| n.rsplit_once(".staging-")).map(|(_, p)| p))?;
    for entry in fs::read_dir(out).with_context(|| format!("cannot list {}", shown(out)))?.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some((folder, pid)) = file_name.strip_prefix('.').and_then(|n| n.rsplit_once(".old-")) else { continue };
        if !pid.parse::<u32>().is_ok_and(|p| !process_alive(p)) {
            continue;
        }
        let original = out.join(folder);
        if original.exists() {
            fs::remove_dir_all(entry.path()).with_context(|| format!("cannot remove {}", shown(&entry.path())))?;
        } else {
            fs::rename(entry.path(), &original).with_context(|| format!("cannot restore {}", shown(&original)))?;
        }
    }
    Ok(())
}

/// Removes the entries of `dir` whose name `pid_of` recognises as left by
/// a process (it returns the process id as written) that is no longer
/// running. Entries of live processes, and everything else, stay.
pub fn remove_dead_leftovers(dir: &Path, pid_of: impl Fn(&str) -> Option<&str>) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = pid_of(&name).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if process_alive(pid) {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
        removed.with_context(|| format!("cannot remove {}, left by a process that ended", shown(&path)))?;
    }
    Ok(())
}

/// Whether a process with this id is running (or cannot be checked, in
/// which case its files are left alone).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else { return false };
        !matches!(rustix::process::test_kill_process(pid), Err(rustix::io::Errno::SRCH))
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No live process has this id: ids stay below 2^22 on Linux.
    const DEAD: u32 = 4_194_303;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    fn write_run(out: &Path, name: &str, content: &[u8]) -> PathBuf {
        let mut s = Staging::prepare(out, name).unwrap();
        s.write("a.csv", content).unwrap();
        s.write("plots/x.png", content).unwrap();
        s.commit().unwrap()
    }

    #[test]
    fn a_commit_replaces_the_whole_folder_and_lists_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = write_run(dir.path(), "run", b"one");
        let mut s = Staging::prepare(dir.path(), "run").unwrap();
        s.write("b.csv", b"two").unwrap();
        s.commit().unwrap();
        assert_eq!(names(&target), ["b.csv", MANIFEST]);
        assert_eq!(names(dir.path()), ["run"]);
        let m: Manifest = serde_json::from_slice(&fs::read(target.join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(m.files, [FileEntry { path: "b.csv".into(), bytes: 3, sha256: sha256_hex(b"two") }]);
    }

    #[test]
    fn an_uncommitted_run_leaves_the_previous_one_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = write_run(dir.path(), "run", b"one");
        let mut s = Staging::prepare(dir.path(), "run").unwrap();
        s.write("a.csv", b"half of the new run").unwrap();
        drop(s);
        assert_eq!(fs::read(target.join("a.csv")).unwrap(), b"one");
        assert_eq!(names(dir.path()), ["run"]);
    }

    #[test]
    fn a_folder_with_files_no_run_wrote_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = write_run(dir.path(), "run", b"one");
        fs::write(target.join("notes.txt"), b"mine").unwrap();
        let err = Staging::prepare(dir.path(), "run").unwrap_err();
        assert!(err.downcast_ref::<crate::bad_input::BadInput>().is_some());
        assert!(err.to_string().contains("notes.txt"), "{err}");
        // A folder that was never a run's (no manifest) is refused too.
        let other = dir.path().join("photos");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("cat.png"), b"png").unwrap();
        assert!(Staging::prepare(dir.path(), "photos").unwrap_err().to_string().contains("cat.png"));
        // Files added while the run simulated are noticed at the commit.
        fs::remove_file(target.join("notes.txt")).unwrap();
        let s = Staging::prepare(dir.path(), "run").unwrap();
        fs::write(target.join("late.txt"), b"mine").unwrap();
        assert!(s.commit().unwrap_err().to_string().contains("late.txt"));
        assert_eq!(fs::read(target.join("late.txt")).unwrap(), b"mine");
    }

    #[test]
    fn leftovers_of_killed_processes_are_cleaned_and_a_run_moved_aside_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // Killed while writing: a staging folder of a dead process.
        let staged = Staging::prepare_as(out, "run", DEAD).unwrap();
        std::mem::forget(staged);
        // Killed between the two renames of a swap: the previous run aside,
        // nothing in its place.
        let previous = write_run(out, "other", b"previous");
        fs::rename(&previous, out.join(format!(".other.old-{DEAD}"))).unwrap();
        // A live process's staging folder is not touched.
        let live = Staging::prepare(out, "third").unwrap();
        Staging::prepare(out, "run").unwrap();
        let mut after = names(out);
        after.retain(|n| !n.contains(&std::process::id().to_string()));
        assert_eq!(after, ["other"]);
        assert_eq!(fs::read(out.join("other/a.csv")).unwrap(), b"previous");
        assert!(live.staging.exists());
    }

    #[test]
    fn an_output_folder_that_is_a_file_is_the_users_to_fix() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        let err = Staging::prepare(&file, "run").unwrap_err();
        assert!(err.downcast_ref::<crate::bad_input::BadInput>().is_some(), "{err}");
    }
}
