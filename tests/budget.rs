//! The event budget: a replication within it is exactly the replication
//! without one; one event short of it is an error, never a partial result.

use crate::util::clickday;
use clickday::pipeline::run_budgeted;
use clickday::scenario::parse_scenario;

/// Small scenarios of each kind of model, also the fuzz target's seeds.
const SEEDS: [(&str, &str); 3] = [
    ("fuzz/seeds/small-network.toml", include_str!("../fuzz/seeds/small-network.toml")),
    ("fuzz/seeds/small-launch.toml", include_str!("../fuzz/seeds/small-launch.toml")),
    ("fuzz/seeds/small-contact.toml", include_str!("../fuzz/seeds/small-contact.toml")),
];

/// Events in replication 0, from `run.json`.
fn events(files: &[clickday::pipeline::OutputFile]) -> u64 {
    let json = &files.iter().find(|f| f.name == "run.json").unwrap().bytes;
    serde_json::from_slice::<serde_json::Value>(json).unwrap()["events"].as_u64().unwrap()
}

#[test]
fn a_budgeted_replication_writes_the_files_of_a_run_of_one_replication() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in SEEDS {
        let scenario = parse_scenario(path, text).unwrap();
        let output = run_budgeted(&scenario, path, 11, u64::MAX).unwrap();
        clickday()
            .args(["run", path, "-r", "1", "--seed", "11", "-q", "--no-report", "--out"])
            .arg(dir.path())
            .assert()
            .success();
        let folder = dir.path().join(&scenario.name);
        let mut written: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "manifest.json")
            .collect();
        written.sort();
        let mut names: Vec<String> = output.files.iter().map(|f| f.name.to_owned()).collect();
        names.sort();
        assert_eq!(names, written, "{path}");
        for file in &output.files {
            assert!(std::fs::read(folder.join(file.name)).unwrap() == file.bytes, "{path}: {} differs", file.name);
        }
    }
}

#[test]
fn exactly_the_events_a_replication_needs_are_enough_and_one_fewer_is_an_error() {
    for (path, text) in SEEDS {
        let scenario = parse_scenario(path, text).unwrap();
        let whole = run_budgeted(&scenario, path, 5, u64::MAX).unwrap();
        let needed = events(&whole.files);
        assert!(needed > 1000, "{path}: {needed} events");
        let enough = run_budgeted(&scenario, path, 5, needed).unwrap();
        assert_eq!(enough.files, whole.files, "{path}");
        assert_eq!(enough.summary, whole.summary, "{path}");
        for budget in [needed - 1, needed / 2, 0] {
            let err = run_budgeted(&scenario, path, 5, budget).unwrap_err();
            assert!(err.is_event_budget(), "{path}: {err}");
            // The whole replication's budget is reported, also when the
            // stop comes in the second channel or in a launch day's
            // contact center.
            assert_eq!(
                err.to_string(),
                format!("replication 0: stopped after {budget} events, the most one replication may handle here"),
                "{path}"
            );
        }
    }
}

#[test]
fn work_without_events_counts_against_the_budget() {
    // A hundred million initial customers, or a million interval rows of
    // a quiet run, would take seconds and gigabytes with a handful of
    // events.
    let network = include_str!("../fuzz/seeds/small-network.toml");
    let long = |text: &str, interval: &str| {
        text.replacen("duration = \"", "duration = \"3660d\"\n#", 1)
            .replace(&format!("interval = \"{interval}\""), "interval = \"317s\"")
            .replace("replications = 2", "replications = 1")
            // A quiet run: a few thousand events over the ten years.
            .replace("120/h", "1/d")
            .replace("600/h", "1/d")
            .replace("60/h", "1/d")
            .replace("40/h", "1/d")
            .replace("20/h", "1/d")
    };
    let cases = [
        network.replace("initial_customers = 5", "initial_customers = 100000000"),
        long(network, "15m"),
        long(include_str!("../fuzz/seeds/small-contact.toml"), "1h"),
        long(include_str!("../fuzz/seeds/small-launch.toml"), "10m"),
    ];
    for text in cases {
        let scenario = parse_scenario("big.toml", &text).unwrap();
        let started = std::time::Instant::now();
        let err = run_budgeted(&scenario, "big.toml", 1, 30_000).unwrap_err();
        assert!(err.is_event_budget(), "{err}");
        assert!(started.elapsed().as_secs_f64() < 1.0, "took {:?}", started.elapsed());
    }
}
