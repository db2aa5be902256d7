//! The command line as a newcomer meets it.

use crate::util::clickday;
use predicates::prelude::*;

#[test]
fn run_without_arguments_replays_1_april_2020_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["run", "-r", "1", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("inps-2020-04-01").and(predicate::str::contains("applications completed")));
    let out = dir.path().join("inps-2020-04-01");
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let header = intervals.lines().next().unwrap();
    assert!(
        header.starts_with("scenario,replication,interval,start_s,end_s,clock,visits_started,first_arrivals,requests")
    );
    // 25 hours of 5-minute rows, plus the header.
    assert_eq!(intervals.lines().count(), 1 + 25 * 12);
    assert!(intervals.contains("2020-04-01 10:00:00") && intervals.contains("2020-04-02 00:55:00"));
    // Four tiers by 300 intervals; contacts by minute; the contact
    // center's channels by interval; each with its header.
    for (file, rows) in
        [("tiers.csv", 4 * 300), ("contacts.csv", 1501), ("phone_intervals.csv", 300), ("social_intervals.csv", 300)]
    {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert_eq!(text.lines().count(), 1 + rows, "{file}");
    }
    let replications = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert!(replications.lines().count() > 100 && replications.contains(",portal,applications,"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("scenario,scope,metric,mean,ci95_low,ci95_high,ci95_half_width,replications\n"));
    assert!(summary.contains("portal,applications_by_d2_01:00,"));
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(meta["replications"], 1);
    assert_eq!(meta["scenario_source"], "bundled:scenarios/inps-2020-04-01.toml");
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in ["run", "validate"] {
        clickday().args([sub, "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
    }
    clickday().arg("--help").assert().success().stdout(predicate::str::contains("validate"));
}

#[test]
fn validate_passes_and_prints_each_check() {
    clickday().args(["validate", "-r", "8", "--seed", "3"]).assert().success().stdout(
        predicate::str::contains("M/M/100 rho=0.95")
            .and(predicate::str::contains("PASS"))
            .and(predicate::str::contains("FAIL").not()),
    );
}

#[test]
fn a_missing_scenario_file_is_an_error_naming_the_path() {
    clickday()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.toml").and(predicate::str::contains("panicked").not()));
}
