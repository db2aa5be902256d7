//! Runs of many scenarios: paired comparisons, sweeps, shards and merge.

use crate::util::{clickday, read, tree};
use predicates::prelude::*;

const PAIR: [&str; 2] = ["scenarios/rdc-2019-04-sms-wave.toml", "scenarios/rdc-2019-04-sms-wave-staffed.toml"];

#[test]
fn a_multi_scenario_run_is_byte_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    for jobs in ["1", "2"] {
        clickday()
            .args(["run", "-r", "4", "-q", "-j", jobs, "--out"])
            .arg(dir.path().join(jobs))
            .args(PAIR)
            .assert()
            .success();
    }
    let (one, two) = (tree(&dir.path().join("1")), tree(&dir.path().join("2")));
    let names: Vec<&str> = one.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.len() >= 9, "{names:?}");
    assert!(one == two, "outputs differ between -j 1 and -j 2");
    assert!(one.iter().any(|(p, _)| p.ends_with("comparison.csv")));
}

#[test]
fn shards_merge_into_exactly_the_unsharded_output() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let parts = dir.path().join("parts");
    let scenarios = [PAIR[0], PAIR[1], "scenarios/mmc-call-center.toml"];
    clickday().args(["run", "-r", "5", "-q", "--out"]).arg(&whole).args(scenarios).assert().success();
    for shard in ["1/3", "2/3", "3/3"] {
        clickday()
            .args(["run", "-r", "5", "-q", "--shard", shard, "--out"])
            .arg(&parts)
            .args(scenarios)
            .assert()
            .success();
    }
    clickday()
        .arg("merge")
        .args((1..=3).map(|i| parts.join(format!("rdc-2019-04-sms-wave-comparison-shard-{i}-of-3"))))
        .arg("--out")
        .arg(&parts)
        .assert()
        .success();
    let run = "rdc-2019-04-sms-wave-comparison";
    let merged = tree(&parts.join(run));
    assert!(merged.iter().any(|(p, _)| p == "manifest.json") && merged.len() >= 20, "{} files", merged.len());
    assert!(tree(&whole.join(run)) == merged, "merged output differs from the unsharded run");
}

#[test]
fn merging_shards_of_different_runs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, shard) in [("1", "1/2"), ("2", "2/2")] {
        clickday()
            .args(["run", "-r", "2", "-q", "--seed", seed, "--shard", shard, "--name", "mixed", "--out"])
            .arg(dir.path().join(seed))
            .arg("scenarios/mmc-call-center.toml")
            .assert()
            .success();
    }
    clickday()
        .arg("merge")
        .arg(dir.path().join("1/mixed-shard-1-of-2"))
        .arg(dir.path().join("2/mixed-shard-2-of-2"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("belongs to a different run").and(predicate::str::contains("panicked").not()));
}

#[test]
fn a_shard_spec_outside_the_run_is_a_usage_error() {
    for spec in ["3/2", "0/4", "two/4", "1"] {
        clickday()
            .args(["run", "--shard", spec, "scenarios/mmc-call-center.toml"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("expected a shard as i/n"));
    }
}

#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    // The staffed week shares the baseline's random numbers: its paired
    // differences must be estimated far more precisely than if the runs
    // were independent.
    let dir = tempfile::tempdir().unwrap();
    clickday().args(["run", "-r", "6", "-q", "--out"]).arg(dir.path()).args(PAIR).assert().success();
    let csv = String::from_utf8(read(&dir.path().join("rdc-2019-04-sms-wave-comparison/comparison.csv"))).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (paired, unpaired) = (col("ci95_half_width"), col("unpaired_ci95_half_width"));
    let (mut narrower, mut compared) = (0, 0);
    for row in rows {
        let f: Vec<&str> = row.split(',').collect();
        if let (Ok(p), Ok(u)) = (f[paired].parse::<f64>(), f[unpaired].parse::<f64>())
            && u > 0.0
        {
            compared += 1;
            narrower += usize::from(p < u);
        }
    }
    assert!(compared >= 10, "{compared} metrics compared");
    assert!(narrower as f64 >= 0.8 * compared as f64, "paired narrower for only {narrower} of {compared}");
}

#[test]
fn a_sweep_runs_the_grid_and_names_the_cheapest_variant_meeting_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let run = |jobs: &str| {
        clickday()
            .args([
                "sweep",
                "scenarios/mmc-call-center.toml",
                "--set",
                "station.agents.servers=35,38,42",
                "-r",
                "3",
                "-q",
            ])
            .args(["--target", "agents:service_level>=0.8", "-j", jobs, "--out"])
            .arg(dir.path().join(jobs))
            .assert()
            .success()
            .stdout(predicate::function(|out: &str| {
                // Long lines wrap at 100 columns; read the output as one line.
                out.split_whitespace().collect::<Vec<_>>().join(" ").contains(
                    "cheapest variant meeting agents:service_level>=0.8 (smallest station.agents.servers): [1] \
                     station.agents.servers=38",
                )
            }))
    };
    run("1");
    run("2");
    let one = read(&dir.path().join("1/mmc-call-center-sweep/sweep.csv"));
    assert!(one == read(&dir.path().join("2/mmc-call-center-sweep/sweep.csv")));
    let text = String::from_utf8(one).unwrap();
    assert!(text.starts_with("scenario,variant,station.agents.servers,replication,scope,metric,value\n"));
    let summary = String::from_utf8(read(&dir.path().join("1/mmc-call-center-sweep/sweep_summary.csv"))).unwrap();
    assert_eq!(summary.lines().filter(|l| l.contains(",agents,service_level,")).count(), 3);
}

#[test]
fn a_run_writes_its_charts_and_a_report_naming_every_scenario_and_replaces_stale_charts() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("study");
    // An earlier run under the same name drew charts of a queueing
    // network, which this run does not draw.
    clickday()
        .args(["run", "-r", "2", "-q", "--name", "study", "--out"])
        .arg(dir.path())
        .arg("scenarios/mmc-call-center.toml")
        .assert()
        .success();
    let stale = run_dir.join("plots/station-queue.png");
    assert!(stale.exists());
    clickday()
        .args(["run", "-r", "3", "-q", "--name", "study", "--out"])
        .arg(dir.path())
        .args(PAIR)
        .assert()
        .success()
        .stdout(predicate::str::contains("report: ").and(predicate::str::contains("report.html")));
    assert!(!stale.exists(), "a chart this run did not draw was left behind");
    assert!(!run_dir.join("intervals.csv").exists(), "a table of the earlier run was left behind");
    let html = String::from_utf8(read(&run_dir.join("report.html"))).unwrap();
    for name in ["rdc-2019-04-sms-wave", "rdc-2019-04-sms-wave-staffed"] {
        assert!(html.contains(&format!("id=\"scenario-{name}\"")), "no section for {name}");
        assert!(run_dir.join(name).join("summary.csv").exists(), "no tables for {name}");
    }
    assert!(html.contains("Differences from the baseline"));
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains("href=\"http"), "fetches");
    // The RdC scenarios have a social inbox and no phone line.
    let png = image::open(run_dir.join("plots/social-backlog.png")).unwrap();
    assert_eq!((png.width(), png.height()), (1200, 600));
    let svg = String::from_utf8(read(&run_dir.join("plots/social-backlog.svg"))).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Social backlog — rdc-2019-04-sms-wave"), "no title");
    assert!(html.contains("id=\"figure-social-backlog\""), "the chart is not in the report");
    assert!(!run_dir.join("plots/phone-service-level.png").exists(), "a phone chart without a phone line");
    let markdown = String::from_utf8(read(&run_dir.join("report.md"))).unwrap();
    assert!(markdown.contains("| rdc-2019-04-sms-wave-staffed |"), "{markdown}");
}

#[test]
fn no_report_writes_only_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["run", "-r", "2", "-q", "--no-report", "--out"])
        .arg(dir.path())
        .arg("scenarios/mmc-call-center.toml")
        .assert()
        .success()
        .stdout(predicate::str::contains("report:").not());
    let names: Vec<String> = tree(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert!(names.iter().any(|n| n.ends_with("summary.csv")), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".csv") || n.ends_with(".json")), "{names:?}");
}

#[test]
fn a_sweep_charts_its_metrics_against_the_first_key() {
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["sweep", "scenarios/mmc-call-center.toml", "--set", "station.agents.servers=36,40,44"])
        .args(["--set", "source.calls.rate=900/h,1000/h", "-r", "2", "-q", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("sweep charts in"));
    let plots = dir.path().join("mmc-call-center-sweep/plots");
    let svg = String::from_utf8(read(&plots.join("sweep-sojourn_mean_s.svg"))).unwrap();
    assert!(svg.contains("sojourn_mean_s against station.agents.servers"), "no title");
    // One legend entry per value of the second key.
    assert!(svg.contains("source.calls.rate=900/h") && svg.contains("source.calls.rate=1000/h"));
    let png = image::open(plots.join("sweep-sojourn_mean_s.png")).unwrap();
    assert_eq!((png.width(), png.height()), (1200, 600));
}

#[test]
fn sweep_mistakes_are_usage_errors_that_say_what_to_do() {
    let cases: [(&[&str], &str); 5] = [
        (&["--set", "station.agnets.servers=30,40"], "close matches: station.agents.servers"),
        (
            &["--set", "station.agents.servers=30,40", "--target", "availability>=0.9", "--maximize", "agents"],
            "agents is not swept; the swept keys are station.agents.servers",
        ),
        (
            &["--set", "station.agents.servers=30,40", "--minimize", "station.agents.servers"],
            "choose among the variants that meet a --target",
        ),
        (&["--set", "station.agents.servers="], "empty sweep"),
        (
            &["--set", "station.agents.service.mean=2,3"],
            "--set station.agents.service.mean=2: expected a duration with a unit",
        ),
    ];
    for (args, expected) in cases {
        clickday()
            .args(["sweep", "scenarios/mmc-call-center.toml", "-r", "1", "-q"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected).and(predicate::str::contains("panicked").not()));
    }
}
