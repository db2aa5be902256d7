//! What a run may do to the file system: write its own folder, whole or
//! not at all, and nothing outside it; refuse bad input before it
//! simulates, with exit status 2; keep the first replications when it is
//! interrupted; and merge only the complete, unedited shards of one run.

use crate::util::clickday;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MMC: &str = "scenarios/mmc-call-center.toml";

/// Every file and folder below `dir` (hidden ones included), with bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                out.push((format!("{rel}/"), Vec::new()));
                stack.push(path);
            } else {
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// A complete run of the call center under `name`.
fn complete_run(out: &Path, name: &str) {
    clickday().args(["run", "-r", "2", "-q", "--name", name, "--out"]).arg(out).arg(MMC).assert().success();
}

/// `clickday` started in the background, for signals.
fn spawn(args: &[&str], out: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("clickday"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args(["-s", name, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

/// The replications a long-form summary holds, in file order, each once.
fn replications(csv: &str) -> Vec<u64> {
    let mut seen: Vec<u64> = Vec::new();
    for line in csv.lines().skip(1) {
        let r: u64 = line.split(',').nth(1).unwrap().parse().unwrap();
        if !seen.contains(&r) {
            seen.push(r);
        }
    }
    seen
}

/// Every file of a run's folder is the run's: listed in its manifest with
/// the right size and digest.
fn assert_one_run(dir: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<(String, u64)> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["bytes"].as_u64().unwrap()))
        .collect();
    let present: Vec<String> =
        snapshot(dir).into_iter().filter(|(p, _)| !p.ends_with('/') && p != "manifest.json").map(|(p, _)| p).collect();
    let mut expected: Vec<String> = listed.iter().map(|(p, _)| p.clone()).collect();
    expected.sort();
    assert_eq!(present, expected, "files of another run in {}", dir.display());
    for (path, bytes) in listed {
        assert_eq!(std::fs::metadata(dir.join(&path)).unwrap().len(), bytes, "{path}");
    }
}

#[test]
fn a_name_that_would_leave_the_output_folder_is_refused_and_nothing_outside_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(dir.path().join("someone-elses-chart.png"), b"png").unwrap();
    let before = snapshot(dir.path());
    for name in ["..", ".", "../x", ".hidden", "a/b", ""] {
        clickday()
            .args(["run", "-r", "1", "-q", "--name", name, "--out"])
            .arg(&out)
            .arg(MMC)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--name").and(predicate::str::contains("panicked").not()));
    }
    let scenario = dir.path().join("dots.toml");
    let text = std::fs::read_to_string(MMC).unwrap().replacen("name = \"mmc-call-center\"", "name = \"..\"", 1);
    std::fs::write(&scenario, &text).unwrap();
    clickday().args(["run", "-r", "1", "-q", "--out"]).arg(&out).arg(&scenario).assert().code(2);
    std::fs::remove_file(&scenario).unwrap();
    assert!(snapshot(dir.path()) == before, "a refused run changed the file system");
}

#[test]
fn a_name_with_a_newline_is_refused_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output =
        clickday().args(["run", "-q", "--name", "two\nlines", "--out"]).arg(dir.path()).arg(MMC).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("two\\nlines"), "{stderr}");
}

#[test]
fn a_folder_holding_files_no_run_wrote_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    complete_run(dir.path(), "study");
    let notes = dir.path().join("study/notes.txt");
    std::fs::write(&notes, b"my notes").unwrap();
    let before = snapshot(dir.path());
    clickday()
        .args(["run", "-r", "1", "-q", "--name", "study", "--out"])
        .arg(dir.path())
        .arg(MMC)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.txt"));
    assert!(snapshot(dir.path()) == before);
}

#[test]
fn input_the_user_can_fix_exits_2_on_one_line_before_anything_is_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("fifo.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::write(d.join("latin1.toml"), b"name = \"caf\xe9\"\n").unwrap();
    std::fs::write(d.join("huge.toml"), vec![b'#'; 5 * 1024 * 1024]).unwrap();
    std::fs::write(d.join("a-file"), b"not a folder").unwrap();
    let scenario_cases: [(PathBuf, &str); 5] = [
        (d.join("missing.toml"), "cannot read scenario"),
        (d.to_path_buf(), "is a folder"),
        (fifo, "not a regular file"),
        (d.join("latin1.toml"), "not UTF-8"),
        (d.join("huge.toml"), "at most"),
    ];
    for (path, expected) in scenario_cases {
        let output = clickday().args(["run", "-q", "--out"]).arg(d.join("out")).arg(&path).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(stderr.contains(expected) && stderr.lines().count() == 1, "{stderr}");
    }
    // A bad --out is found before the (full-scale) default day is simulated:
    // the summary of a simulated day is never printed.
    for out in [d.join("a-file"), PathBuf::from("/proc/clickday-cannot-write-here")] {
        let output = clickday().args(["run", "-r", "1", "-q", "--out"]).arg(&out).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", out.display());
        assert!(output.stdout.is_empty() && stderr.lines().count() == 1, "{stderr}");
    }
}

#[test]
fn the_memory_guard_counts_the_replications_actually_run() {
    // The default day allows its own 10 replications; -r 100000 would hold
    // 1.5e8 interval rows.
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["run", "-q", "-r", "100000", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-r 100000").and(predicate::str::contains("interval rows")));
    clickday()
        .args(["sweep", "scenarios/inps-2020-04-01.toml", "--set", "tier.app.workers=100,200,300,400", "-r", "20000"])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("4 variants"));
    assert!(names(dir.path()).is_empty());
}

#[test]
fn ctrl_c_keeps_the_first_replications_writes_the_report_and_replaces_the_earlier_run_whole() {
    let dir = tempfile::tempdir().unwrap();
    complete_run(dir.path(), "study");
    let child = spawn(&["run", "-r", "300", "-j", "2", "--name", "study", MMC], dir.path());
    std::thread::sleep(Duration::from_millis(2500));
    signal(&child, "INT");
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    let run = dir.path().join("study");
    let summary = std::fs::read_to_string(run.join("replications.csv")).unwrap();
    let kept = replications(&summary);
    let k = kept.len() as u64;
    assert!(k > 2 && k < 300, "{k} replications kept");
    assert_eq!(kept, (0..k).collect::<Vec<u64>>(), "not the first replications");
    assert!(stdout.contains(&format!("writing replications 0 to {}, as -r {k} would", k - 1)), "{stdout}");
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(meta["replications"], k);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains(&format!("with {k} replications")), "the report is not of this run");
    assert_one_run(&run);
    assert_eq!(names(dir.path()), ["study"]);
}

#[test]
fn an_interrupted_shard_writes_nothing_and_leaves_the_earlier_run_alone() {
    let dir = tempfile::tempdir().unwrap();
    complete_run(dir.path(), "study");
    let before = snapshot(dir.path());
    let child = spawn(&["run", "-r", "300", "--shard", "1/2", "--name", "study", MMC], dir.path());
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, "INT");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8(output.stdout).unwrap().contains("nothing written"));
    assert!(snapshot(dir.path()) == before, "an interrupted shard changed the output folder");
}

#[test]
fn a_run_killed_midway_leaves_the_earlier_run_whole_and_its_leftovers_are_cleaned_later() {
    let dir = tempfile::tempdir().unwrap();
    complete_run(dir.path(), "study");
    let before = snapshot(&dir.path().join("study"));
    let mut child = spawn(&["run", "-r", "300", "--name", "study", MMC], dir.path());
    std::thread::sleep(Duration::from_millis(1000));
    signal(&child, "KILL");
    child.wait().unwrap();
    assert!(snapshot(&dir.path().join("study")) == before);
    assert!(names(dir.path()).iter().any(|n| n.starts_with(".study.staging-")), "no staging folder to clean");
    complete_run(dir.path(), "other");
    assert_eq!(names(dir.path()), ["other", "study"], "leftovers of the killed run stayed");
}

#[test]
fn a_full_disk_leaves_the_earlier_run_whole() {
    let dir = tempfile::tempdir().unwrap();
    complete_run(dir.path(), "study");
    let before = snapshot(dir.path());
    // Files are limited to 90 KB, as on a disk that fills up midway: the
    // tables of another seed fit, the charts do not.
    let output = Command::new("bash")
        .args(["-c", "trap '' XFSZ; ulimit -f 90; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("clickday"))
        .args(["run", "-r", "2", "--seed", "9", "-q", "--name", "study", "--out"])
        .arg(dir.path())
        .arg(MMC)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write") && stderr.lines().count() == 1, "{stderr}");
    assert!(snapshot(dir.path()) == before, "a failed write changed the output folder");
}

/// Three shards of a run of two scenarios, written to `dir`.
fn shards(dir: &Path, name: &str, seed: &str) {
    for shard in ["1/3", "2/3", "3/3"] {
        clickday()
            .args(["run", "-r", "4", "-q", "--seed", seed, "--name", name, "--shard", shard, "--out"])
            .arg(dir)
            .args([MMC, "scenarios/rdc-2019-04-sms-wave.toml"])
            .assert()
            .success();
    }
}

fn shard_dirs(dir: &Path, name: &str) -> Vec<PathBuf> {
    (1..=3).map(|i| dir.join(format!("{name}-shard-{i}-of-3"))).collect()
}

fn merge(dirs: &[PathBuf], out: &Path) -> std::process::Output {
    clickday().arg("merge").args(dirs).arg("--out").arg(out).output().unwrap()
}

#[test]
fn merge_refuses_edited_copied_or_mismatched_shards() {
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine");
    shards(&pristine, "study", "1");
    shards(&pristine, "renamed", "1");
    shards(&pristine, "reseeded", "2");
    let intact = shard_dirs(&pristine, "study");
    let merged = dir.path().join("merged");
    assert!(merge(&intact, &merged).status.success());

    type Tamper = Box<dyn Fn(&[PathBuf])>;
    let edit = |path: PathBuf, from: &'static str, to: &'static str| -> Tamper {
        Box::new(move |dirs: &[PathBuf]| {
            let p = dirs[1].join(&path);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from), "{from} not in {}", p.display());
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        })
    };
    let shard_json = |field: &'static str, to: &'static str| -> Tamper {
        Box::new(move |dirs: &[PathBuf]| {
            let p = dirs[1].join("shard.json");
            let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let target = if field.starts_with("scenarios.") { &mut json["scenarios"][0] } else { &mut json };
            let key = field.trim_start_matches("scenarios.");
            target[key] = serde_json::from_str(to).unwrap();
            std::fs::write(&p, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
        })
    };
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "an edited value",
            edit("mmc-call-center/replications.csv".into(), ",agents,blocked,0", ",agents,blocked,249.75"),
            "SHA-256",
        ),
        (
            "a deleted row",
            Box::new(|dirs: &[PathBuf]| {
                let p = dirs[1].join("mmc-call-center/intervals.csv");
                let text = std::fs::read_to_string(&p).unwrap();
                let mut lines: Vec<&str> = text.lines().collect();
                lines.remove(5);
                std::fs::write(&p, lines.join("\n") + "\n").unwrap();
            }),
            "SHA-256",
        ),
        (
            "a table copied from another shard, its digest too",
            Box::new(|dirs: &[PathBuf]| {
                let table = "mmc-call-center/intervals.csv";
                std::fs::copy(dirs[0].join(table), dirs[1].join(table)).unwrap();
                let read = |d: &PathBuf| -> serde_json::Value {
                    serde_json::from_slice(&std::fs::read(d.join("shard.json")).unwrap()).unwrap()
                };
                let (first, mut second) = (read(&dirs[0]), read(&dirs[1]));
                second["scenarios"][0]["tables"][0] = first["scenarios"][0]["tables"][0].clone();
                std::fs::write(dirs[1].join("shard.json"), serde_json::to_vec_pretty(&second).unwrap()).unwrap();
            }),
            "holds replications 0, 3 but shard 2 of 3 ran 2",
        ),
        ("another version", shard_json("clickday_version", "\"0.0.1\""), "written by clickday 0.0.1"),
        ("replications done", shard_json("scenarios.replications_done", "4"), "the description was edited"),
        ("a zeroed text digest", shard_json("scenarios.text_sha256", "\"0000\""), "has been edited"),
        ("another seed", shard_json("scenarios.seed", "7"), "has been edited"),
    ];
    for (what, tamper, expected) in cases {
        let copy = dir.path().join("copy");
        let _ = std::fs::remove_dir_all(&copy);
        let dirs: Vec<PathBuf> = intact
            .iter()
            .map(|d| {
                let to = copy.join(d.file_name().unwrap());
                copy_tree(d, &to);
                to
            })
            .collect();
        tamper(&dirs);
        let output = merge(&dirs, &dir.path().join("tampered"));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains(expected) && stderr.lines().count() == 1, "{what}: {stderr}");
        assert!(!dir.path().join("tampered").join("study").exists(), "{what}: merged anyway");
    }
    // Shards of runs with another name or seed are of another run.
    for other in ["renamed", "reseeded"] {
        let mut dirs = intact.clone();
        dirs[2] = shard_dirs(&pristine, other).remove(2);
        let output = merge(&dirs, &dir.path().join("mixed"));
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8(output.stderr).unwrap().contains("belongs to a different run"));
    }
    // A shard given twice, or one missing.
    for dirs in [vec![intact[0].clone(), intact[1].clone(), intact[1].clone()], intact[..2].to_vec()] {
        let output = merge(&dirs, &dir.path().join("incomplete"));
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8(output.stderr).unwrap().contains("exactly once"));
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
