//! Runs sized by precision (`--precision`): the stopping rule, its
//! independence from the thread count, its equality with a plain run of
//! the count it stops at, its bounds, shards, sweeps and bad values.

use crate::util::{clickday, read, small_portal, tree};
use clickday::pipeline::{self, OutputFile, Tables};
use clickday::precision::Precision;
use clickday::scenario::parse_scenario;
use clickday::stats::ConfidenceInterval;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// Two agents, 100 calls an hour of a minute each, over ten hours: a
/// replication takes milliseconds, and its waits vary enough that a 20%
/// target needs more than the 4 replications it starts from (it stops at
/// 14 with seed 1).
const QUEUE: &str = r#"
name = "small-queue"
duration = "10h"
warmup = "30m"
interval = "1h"
replications = 4

[[source]]
name = "calls"
kind = "poisson"
rate = "100/h"
to = "desk"

[[station]]
name = "desk"
servers = 2
service = { dist = "exponential", mean = "1m" }
"#;

/// The headline (scorecard) verdicts of a queueing network with one
/// station called `desk`.
const HEADLINE: [(&str, &str); 5] = [
    ("desk", "utilisation"),
    ("desk", "wait_mean_s"),
    ("desk", "p_blocked"),
    ("network", "sojourn_mean_s"),
    ("network", "throughput_per_s"),
];

fn write_queue(dir: &Path) -> PathBuf {
    let path = dir.join("small-queue.toml");
    std::fs::write(&path, QUEUE).unwrap();
    path
}

fn text(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap()
}

/// The `replications` field of a `run.json`.
fn replications_of(run_json: &Path) -> u32 {
    let json: serde_json::Value = serde_json::from_slice(&read(run_json)).unwrap();
    json["replications"].as_u64().unwrap() as u32
}

fn run_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(path)).unwrap()
}

/// A replications.csv holding `throughput_per_s` of the network for the
/// replications `rs`, from `values`.
fn summary_rows(rs: &[u64], values: &[f64]) -> Vec<u8> {
    let mut csv = String::from("scenario,replication,scope,metric,value\n");
    for &r in rs {
        csv.push_str(&format!("q,{r},network,throughput_per_s,{}\n", values[r as usize]));
    }
    csv.into_bytes()
}

#[test]
fn the_stop_is_the_first_checkpoint_where_every_headline_half_width_is_within_the_target() {
    // By hand: replications 0..3 are 10, 12, 14 (mean 12, s 2, t(2) =
    // 4.303: half-width 4.97, 41% of the mean); replications 0..8 add
    // 11, 13, 12, 12, 12 (mean 12, s² = 10/7, t(7) = 2.3646: half-width
    // 2.3646 × 1.1952 / √8 = 0.9992, 8.3% of the mean). A 10% target
    // stops at the second checkpoint, 8; a 5% one runs to the maximum.
    let values = [10.0, 12.0, 14.0, 11.0, 13.0, 12.0, 12.0, 12.0, 30.0, 1.0];
    let scenario = parse_scenario("q.toml", QUEUE).unwrap();
    let runs = [pipeline::ScenarioRun { scenario: &scenario, source: "q.toml", seed: 1, replications: 10 }];
    let mut rounds: Vec<Vec<u64>> = Vec::new();
    let mut produce = |pairs: &[(usize, u64)]| {
        let rs: Vec<u64> = pairs.iter().map(|(_, r)| *r).collect();
        rounds.push(rs.clone());
        let files = vec![OutputFile { name: "replications.csv", bytes: summary_rows(&rs, &values) }];
        Ok((vec![Tables { files, events: rs.len() as u64, replications: rs.len() as u32 }], false))
    };
    let sized =
        pipeline::size_by_precision(&runs, Precision::new(0.10, 3, 10).unwrap(), true, &|_| {}, &mut produce).unwrap();
    assert_eq!(rounds, [vec![0, 1, 2], vec![3, 4, 5, 6, 7]]);
    let a = sized.assessments[0].as_ref().unwrap();
    assert_eq!((sized.tables[0].replications, a.replications, a.met()), (8, 8, true));
    let v = &a.verdicts[0];
    assert_eq!((v.scope.as_str(), v.metric.as_str()), ("network", "throughput_per_s"));
    assert!((v.half_width - 0.999_23).abs() < 1e-4 && (v.relative() - 0.083_27).abs() < 1e-4, "{v:?}");
    assert_eq!(sized.tables[0].events, 8);
    assert_eq!(a.summary(), "8 replications: every headline verdict within ±10% of its mean (95%; 1 judged)");

    let mut produce = |pairs: &[(usize, u64)]| {
        let rs: Vec<u64> = pairs.iter().map(|(_, r)| *r).collect();
        let files = vec![OutputFile { name: "replications.csv", bytes: summary_rows(&rs, &values) }];
        Ok((vec![Tables { files, events: 0, replications: rs.len() as u32 }], false))
    };
    let capped =
        pipeline::size_by_precision(&runs, Precision::new(0.05, 3, 8).unwrap(), true, &|_| {}, &mut produce).unwrap();
    let a = capped.assessments[0].as_ref().unwrap();
    assert_eq!((a.replications, a.met()), (8, false));
    assert_eq!(
        a.summary(),
        "stopped at the maximum of 8 replications: network: completions per second still ±8.3% (target ±5% of \
         the mean, 95%)"
    );
}

#[test]
fn a_run_sized_by_precision_stops_where_its_headline_intervals_first_meet_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    clickday()
        .args(["run", "--precision", "20%", "-q", "--no-report", "--out"])
        .arg(dir.path())
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("small-queue: 14 replications: every headline verdict within ±20%"));
    let out = dir.path().join("small-queue");
    assert_eq!(replications_of(&out.join("run.json")), 14);
    // Recomputed from the table: the rule fails at the checkpoints 4 and
    // 9 and holds at 14.
    let rows = clickday::export::long::rows(&read(&out.join("replications.csv"))).unwrap();
    let within = |n: u64| {
        HEADLINE.iter().all(|(scope, metric)| {
            let values: Vec<f64> =
                rows.iter().filter(|r| r.0 < n && r.1 == *scope && r.2 == *metric).map(|r| r.3).collect();
            assert_eq!(values.len() as u64, n, "{scope} {metric}");
            let ci = ConfidenceInterval::student_t(&values, 0.95);
            ci.half_width == 0.0 || ci.half_width <= 0.2 * ci.mean.abs()
        })
    };
    assert_eq!([4, 9, 14].map(within), [false, false, true]);
    let meta = run_json(&out.join("run.json"));
    let p = &meta["precision"];
    assert_eq!((p["min_replications"].as_u64(), p["max_replications"].as_u64()), (Some(4), Some(200)));
    assert_eq!((p["met"].as_bool(), p["batch"].as_u64()), (Some(true), Some(5)));
    assert_eq!(p["verdicts"].as_array().unwrap().len(), HEADLINE.len());
    // Blocking never happens: the same (0) in every replication, within
    // any target.
    let blocked = p["verdicts"].as_array().unwrap().iter().find(|v| v["metric"] == "p_blocked").unwrap();
    assert_eq!((blocked["standing"].as_str(), blocked["half_width"].as_f64()), (Some("within"), Some(0.0)));
}

#[test]
fn a_run_sized_by_precision_is_byte_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    for jobs in ["1", "2"] {
        clickday()
            .args(["run", "--precision", "20%", "-q", "-j", jobs, "--out"])
            .arg(dir.path().join(jobs))
            .arg(&scenario)
            .assert()
            .success();
    }
    let (one, two) = (tree(&dir.path().join("1")), tree(&dir.path().join("2")));
    assert!(one.iter().any(|(p, _)| p.ends_with("report.html")) && one.len() >= 6, "{} files", one.len());
    assert!(one == two, "outputs differ between -j 1 and -j 2");
}

#[test]
fn the_tables_of_a_run_sized_by_precision_are_those_of_a_plain_run_of_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    let (sized, plain) = (dir.path().join("sized"), dir.path().join("plain"));
    clickday().args(["run", "--precision", "20%", "-q", "--out"]).arg(&sized).arg(&scenario).assert().success();
    let n = replications_of(&sized.join("small-queue/run.json"));
    assert_eq!(n, 14);
    clickday().args(["run", "-r", &n.to_string(), "-q", "--out"]).arg(&plain).arg(&scenario).assert().success();
    for file in ["intervals.csv", "replications.csv", "summary.csv"] {
        let (a, b) = (read(&sized.join("small-queue").join(file)), read(&plain.join("small-queue").join(file)));
        assert!(a == b, "{file} differs from the plain -r {n} run");
    }
    // Only the precision record tells the two run.json apart.
    let (mut a, b) = (run_json(&sized.join("small-queue/run.json")), run_json(&plain.join("small-queue/run.json")));
    assert!(b.get("precision").is_none());
    a.as_object_mut().unwrap().remove("precision");
    assert_eq!(a, b);
    // The report and the summary say how many replications it took.
    let md = text(&sized.join("small-queue/report.md"));
    assert!(
        md.contains("small-queue, sized by precision: 14 replications: every headline verdict within ±20%"),
        "{md}"
    );
    let html = text(&sized.join("small-queue/report.html"));
    assert!(html.contains("Sized by precision: 14 replications"));
}

#[test]
fn the_minimum_and_the_maximum_bound_the_replications() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    // A target nothing meets runs to the maximum, through the checkpoints
    // 4 and 9, and says which verdicts are still too wide.
    clickday()
        .args(["run", "--precision", "0.5%", "--max-replications", "12", "-q", "--no-report", "--out"])
        .arg(dir.path().join("max"))
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("stopped at the maximum of 12 replications: desk: utilisation still ±"));
    let meta = run_json(&dir.path().join("max/small-queue/run.json"));
    assert_eq!((meta["replications"].as_u64(), meta["precision"]["met"].as_bool()), (Some(12), Some(false)));
    // A target every verdict meets at once stops at the minimum, -r.
    clickday()
        .args(["run", "--precision", "90%", "-r", "7", "-q", "--no-report", "--out"])
        .arg(dir.path().join("min"))
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("small-queue: 7 replications, the minimum: every headline verdict"));
    assert_eq!(replications_of(&dir.path().join("min/small-queue/run.json")), 7);
}

#[test]
fn shards_of_a_run_sized_by_precision_merge_into_the_run_of_one_machine() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    let (whole, parts) = (dir.path().join("whole"), dir.path().join("parts"));
    let args = ["--precision", "20%", "--max-replications", "30", "-q", "--name", "q"];
    clickday().arg("run").args(args).arg("--out").arg(&whole).arg(&scenario).assert().success();
    for shard in ["1/3", "2/3", "3/3"] {
        clickday()
            .arg("run")
            .args(args)
            .args(["--shard", shard, "--out"])
            .arg(&parts)
            .arg(&scenario)
            .assert()
            .success()
            .stdout(predicate::str::contains("sized by precision"));
    }
    clickday()
        .arg("merge")
        .args((1..=3).map(|i| parts.join(format!("q-shard-{i}-of-3"))))
        .arg("--out")
        .arg(&parts)
        .assert()
        .success()
        .stdout(predicate::str::contains("small-queue: 14 replications"));
    let merged = tree(&parts.join("q"));
    assert!(merged.iter().any(|(p, _)| p == "manifest.json") && merged.len() >= 8, "{} files", merged.len());
    assert_eq!(replications_of(&parts.join("q/run.json")), 14);
    assert!(tree(&whole.join("q")) == merged, "merged output differs from the run on one machine");
}

#[test]
fn each_variant_of_a_sweep_sized_by_precision_stops_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    clickday()
        .args(["sweep", "--set", "station.desk.servers=2,4", "--precision", "20%", "-q", "--no-report", "--out"])
        .arg(dir.path())
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("each sized by precision").and(predicate::str::contains("(14 replications)")));
    let csv = text(&dir.path().join("small-queue-sweep/sweep_precision.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,variant,station.desk.servers,replications,target_relative_half_width,met,still_wide")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    // The first variant is the scenario itself: where `run` stops.
    assert_eq!(rows[0][3], "14");
    for row in &rows {
        let n: u32 = row[3].parse().unwrap();
        assert!(n == 4 || (n - 4).is_multiple_of(5) || n == 200, "{row:?}: not a checkpoint");
        assert_eq!(row[5], "true");
    }
    // Each variant's estimates are over its own count.
    let summary = text(&dir.path().join("small-queue-sweep/sweep_summary.csv"));
    for (k, row) in rows.iter().enumerate() {
        let line = format!("small-queue,{k},{},network,throughput_per_s,", row[2]);
        let found = summary.lines().find(|l| l.starts_with(&line)).unwrap();
        assert!(found.ends_with(&format!(",{}", row[3])), "{found}");
    }
}

#[test]
fn a_launch_day_holds_its_scorecard_to_the_target_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.toml");
    std::fs::write(&path, small_portal("name = \"portal\"", 3, 10, "")).unwrap();
    clickday()
        .args(["run", "--precision", "50%", "-r", "3", "--max-replications", "3", "-q", "--no-report", "--out"])
        .arg(dir.path())
        .arg(&path)
        .assert()
        .success();
    let meta = run_json(&dir.path().join("portal/run.json"));
    let verdicts = meta["precision"]["verdicts"].as_array().unwrap();
    let standing = |metric: &str| {
        let v = verdicts.iter().find(|v| v["metric"] == metric).unwrap_or_else(|| panic!("no {metric}"));
        (v["standing"].as_str().unwrap().to_owned(), v["reason"].as_str().unwrap_or("").to_owned())
    };
    assert_ne!(standing("applications").0, "excluded");
    assert_ne!(standing("availability").0, "excluded");
    // Milestones this small day never reaches, and an outage it never
    // has, are empty: excluded, with the reason.
    let milestones: Vec<&serde_json::Value> =
        verdicts.iter().filter(|v| v["metric"].as_str().unwrap().starts_with("clock_of_application_")).collect();
    assert!(!milestones.is_empty());
    for v in milestones {
        assert_eq!(
            (v["standing"].as_str(), v["reason"].as_str()),
            (Some("excluded"), Some("empty in every replication"))
        );
    }
    assert_eq!(standing("outage_onset_s"), ("excluded".to_owned(), "empty in every replication".to_owned()));
    // Only headline (scorecard) verdicts are listed.
    assert!(verdicts.iter().all(|v| v["metric"] != "browsers" && v["metric"] != "peak_in_portal"));
}

#[test]
fn bad_precision_values_are_one_line_errors_that_name_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_queue(dir.path());
    let cases: [(&[&str], &str); 6] = [
        (&["--precision", "0%"], "--precision: expected"),
        (&["--precision", "150%"], "--precision: expected"),
        (&["--precision", "abc"], "--precision: expected"),
        (&["--precision", "2"], "write 2% for a percentage"),
        (
            &["--precision", "2%", "-r", "10", "--max-replications", "9"],
            "--max-replications 9 is below the minimum of 10",
        ),
        (&["--precision", "2%", "-r", "2"], "starts from at least 3 replications"),
    ];
    for (args, message) in cases {
        let out = clickday()
            .arg("run")
            .args(args)
            .args(["-q", "--out"])
            .arg(dir.path().join("out"))
            .arg(&scenario)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    // The sweep refuses them the same way.
    clickday()
        .args(["sweep", "--set", "station.desk.servers=2,3", "--precision", "150%", "--out"])
        .arg(dir.path().join("out"))
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--precision: expected"));
    // --max-replications means nothing without --precision.
    clickday().args(["run", "--max-replications", "10"]).arg(&scenario).assert().code(2);
    assert!(!dir.path().join("out").exists());
}
