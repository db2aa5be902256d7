//! The same seed gives byte-identical output whatever the thread count.

use crate::util::clickday;
use clickday::experiment::run_replications;
use clickday::verification::benchmarks;

#[test]
fn replications_do_not_depend_on_thread_count() {
    let net = benchmarks().unwrap().into_iter().find(|b| b.name.starts_with("Jackson")).unwrap().network;
    let mut net = net;
    net.run.duration = 5_000.0;
    net.run.warmup = 500.0;
    net.run.interval = 500.0;
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run_replications(&net, 99, 6, &|| {}).unwrap())
    };
    // Compared through Debug, which prints NaN (an empty statistic) the
    // same way each time, where `==` would call two NaNs different.
    assert_eq!(format!("{:?}", run(1)), format!("{:?}", run(2)));
}

#[test]
fn csv_output_is_byte_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    for jobs in ["1", "2"] {
        clickday()
            .args(["run", "scenarios/portal-queue.toml", "-r", "4", "--seed", "5", "-j", jobs, "--out"])
            .arg(dir.path().join(jobs))
            .assert()
            .success();
    }
    for file in ["intervals.csv", "replications.csv", "summary.csv", "run.json"] {
        let one = std::fs::read(dir.path().join("1/portal-queue").join(file)).unwrap();
        let two = std::fs::read(dir.path().join("2/portal-queue").join(file)).unwrap();
        assert!(!one.is_empty());
        assert!(one == two, "{file} differs between -j 1 and -j 2");
    }
}

#[test]
fn a_different_seed_gives_different_numbers() {
    let dir = tempfile::tempdir().unwrap();
    for seed in ["5", "6"] {
        clickday()
            .args(["run", "scenarios/mmc-call-center.toml", "-r", "2", "--seed", seed, "--out"])
            .arg(dir.path().join(seed))
            .assert()
            .success();
    }
    let a = std::fs::read(dir.path().join("5/mmc-call-center/summary.csv")).unwrap();
    let b = std::fs::read(dir.path().join("6/mmc-call-center/summary.csv")).unwrap();
    assert_ne!(a, b);
}
