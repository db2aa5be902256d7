//! The staffing calculator agrees with the exact formulas and the
//! published figures, its plans hold up in simulation, and `clickday
//! staff` refuses bad input with one line and exit status 2.

use crate::util::clickday;
use clickday::analytic::{ErlangA, MMc};
use clickday::staffing::{
    Method, PLAN_COLUMNS, StaffingProblem, Target, erlang_a_requirement, erlang_c_requirement, plan, verify,
};
use clickday::stats::bonferroni_level;
use predicates::prelude::*;

fn target(share: f64, within: f64) -> Target {
    Target { answered_share: share, within, max_abandon: None, max_occupancy: None }
}

#[test]
fn requirements_are_the_smallest_head_counts_the_exact_formulas_accept() {
    for calls_per_hour in [20.0, 150.0, 1000.0, 3000.0, 12_000.0] {
        for (share, within) in [(0.8, 20.0), (0.9, 30.0), (0.7, 60.0)] {
            let rate = calls_per_hour / 3600.0;
            let t = Target { max_abandon: Some(0.05), max_occupancy: Some(0.9), ..target(share, within) };
            let c = erlang_c_requirement(rate, 300.0, &t).unwrap().unwrap();
            let q = MMc::new(rate, 1.0 / 300.0, c.agents).unwrap();
            assert_eq!(c.service_level, q.service_level(within));
            assert!(c.service_level >= share && q.utilisation() <= 0.9);
            if let Ok(fewer) = MMc::new(rate, 1.0 / 300.0, c.agents - 1) {
                assert!(fewer.service_level(within) < share || fewer.utilisation() > 0.9);
            }
            let a = erlang_a_requirement(rate, 300.0, 900.0, &t).unwrap().unwrap();
            let q = ErlangA::new(rate, 1.0 / 300.0, 1.0 / 900.0, a.agents).unwrap();
            assert_eq!(a.service_level, q.service_level(within));
            assert_eq!(a.abandon, q.prob_abandon());
            assert!(a.service_level >= share && a.abandon <= 0.05 && a.occupancy <= 0.9);
            if a.agents > 1 {
                let fewer = ErlangA::new(rate, 1.0 / 300.0, 1.0 / 900.0, a.agents - 1).unwrap();
                assert!(
                    fewer.service_level(within) < share || fewer.prob_abandon() > 0.05 || fewer.utilisation() > 0.9
                );
            }
        }
    }
}

#[test]
fn staff_prints_the_published_example_38_agents_and_40_with_an_occupancy_cap() {
    let base = ["staff", "1000", "--interval", "1h", "--aht", "2m", "--patience", "10m", "--target", "80/20"];
    clickday()
        .args(base)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\|\s+38\s+84\.7%\s+8\.6s\s+87\.7%").unwrap());
    clickday()
        .args(base)
        .args(["--max-occupancy", "85", "--shrinkage", "30"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\|\s+40\s+93\.7%").unwrap());
}

#[test]
fn erlang_c_alone_needs_no_patience_and_erlang_a_without_one_is_refused() {
    clickday()
        .args(["staff", "1000", "--interval", "1h", "--aht", "2m", "--target", "80/20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Erlang C only").and(predicate::str::is_match(r"\|\s+38\s+84\.7%").unwrap()));
    for extra in [&["--plan-from", "erlang-a"][..], &["--max-abandon", "5"][..]] {
        clickday()
            .args(["staff", "1000", "--interval", "1h", "--aht", "2m"])
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--patience"));
    }
}

#[test]
fn a_verified_interval_is_met_only_when_its_whole_confidence_interval_meets_the_target() {
    // Two replications of a short day: intervals too wide to call.
    let output = clickday()
        .args(["staff", "1000", "--interval", "30m", "--aht", "2m", "--patience", "10m", "--verify", "-r", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let row = stdout.lines().find(|l| l.trim_start().starts_with("0 00:00:00")).unwrap();
    assert!(row.trim_end().ends_with("unclear"), "{row}");
    assert!(stdout.contains("warm-up"), "{stdout}");
}

#[test]
fn a_verified_plan_meets_its_target_in_simulation_where_the_day_is_stationary() {
    // One long interval: the simulation is then close to the stationary
    // queue the formulas describe, and Erlang A's service level must lie in
    // the simulated interval; the plan one agent short must fall outside.
    let problem = StaffingProblem {
        interval: 40.0 * 3600.0,
        aht: 120.0,
        patience: Some(300.0),
        target: Target { max_abandon: Some(0.05), ..target(0.8, 20.0) },
        shrinkage: 0.3,
    };
    let p = plan(&problem, 0.0, &[40.0 * 1000.0]).unwrap();
    let exact = p.intervals[0].erlang_a.unwrap();
    let checked = verify(&p, Method::ErlangA, 1.0, 7, 20).unwrap();
    let sl = &checked[0].service_level;
    let level = bonferroni_level(0.95, 2);
    assert!(sl.half_width < 0.02, "{sl:?}");
    let t = clickday::special::student_t_quantile(0.5 + level / 2.0, (sl.n - 1) as f64)
        / clickday::special::student_t_quantile(0.975, (sl.n - 1) as f64);
    let half = sl.half_width * t;
    assert!(
        (sl.mean - exact.service_level).abs() <= half,
        "simulated {} ± {half}, exact {}",
        sl.mean,
        exact.service_level
    );
    assert!((checked[0].abandon.mean - exact.abandon).abs() <= checked[0].abandon.half_width * t);
    let fewer = ErlangA::new(1000.0 / 3600.0, 1.0 / 120.0, 1.0 / 300.0, exact.agents - 1).unwrap();
    assert!(
        (sl.mean - fewer.service_level(20.0)).abs() > half,
        "one agent fewer ({}) is indistinguishable from {} ± {half}",
        fewer.service_level(20.0),
        sl.mean
    );
}

#[test]
fn staff_reads_a_runs_phone_intervals_and_writes_a_plan_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let run = "scenario,replication,interval,start_s,end_s,clock,offered,first_attempts\n\
               s,0,0,28800,30600,08:00:00,330,300\ns,0,1,30600,32400,08:30:00,700,600\n\
               s,1,0,28800,30600,08:00:00,350,320\ns,1,1,30600,32400,08:30:00,650,640\n";
    std::fs::write(dir.path().join("phone_intervals.csv"), run).unwrap();
    let plan_path = dir.path().join("plan.csv");
    clickday()
        .args(["staff", "--aht", "5m", "--patience", "15m", "--shrinkage", "30%", "--verify", "-r", "4", "--calls-csv"])
        .arg(dir.path().join("phone_intervals.csv"))
        .arg("--out")
        .arg(&plan_path)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("08:30:00")
                .and(predicate::str::contains("620.0"))
                .and(predicate::str::contains("simulated SL")),
        );
    let plan = std::fs::read_to_string(&plan_path).unwrap();
    assert_eq!(plan.lines().next().unwrap(), PLAN_COLUMNS.join(","));
    assert_eq!(plan.lines().count(), 3);
    assert!(plan.lines().nth(1).unwrap().starts_with("0,28800,30600,08:00:00,310,"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

/// Runs `clickday staff` with `args` and asserts a one-line error naming
/// `needle`, exit status 2, and no panic.
fn assert_refused(args: &[&str], needle: &str) {
    let output = clickday().arg("staff").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "not one line: {stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn staff_refuses_bad_input_with_one_line_and_status_2() {
    let ok = ["--aht", "2m", "--patience", "10m"];
    let with =
        |extra: &[&'static str]| -> Vec<&'static str> { ok.iter().copied().chain(extra.iter().copied()).collect() };
    assert_refused(&with(&["100", "-5"]), "calls must be >= 0");
    assert_refused(&with(&["100", "lots"]), "\"lots\", not a number");
    assert_refused(&with(&[]), "no calls");
    assert_refused(&with(&["100", "--target", "120/20"]), "below 100%");
    assert_refused(&with(&["100", "--target", "80"]), "percent/answer time");
    assert_refused(&with(&["100", "--shrinkage", "100"]), "--shrinkage");
    assert_refused(&with(&["100", "--max-abandon", "-1"]), "--max-abandon");
    assert_refused(&with(&["100", "--interval", "30"]), "--interval");
    assert_refused(&["100", "--aht", "2m", "--patience", "0s"], "patience must be > 0");
    assert_refused(&["100", "--aht", "0s", "--patience", "5m"], "handle time must be > 0");
    assert_refused(&with(&["1e12"]), "needs more than 10000000 agents");
}

#[test]
fn staff_help_shows_an_example() {
    clickday()
        .args(["staff", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:").and(predicate::str::contains("--max-occupancy")));
}

#[test]
fn staff_refuses_an_empty_or_malformed_demand_file_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let ok = ["--aht", "2m", "--patience", "10m", "--calls-csv"];
    let args = |path: &str| -> Vec<String> { ok.iter().map(|s| s.to_string()).chain([path.to_string()]).collect() };
    let run = |path: &str, needle: &str| {
        let a = args(path);
        assert_refused(&a.iter().map(String::as_str).collect::<Vec<_>>(), needle);
    };
    run(&file("empty.csv", ""), "is empty");
    run(&file("header.csv", "calls\n"), "no rows");
    run(&file("bad.csv", "calls\n100\n120\nlots\n"), "line 4: column calls must be a number >= 0; got \"lots\"");
    run(&file("neg.csv", "calls\n100\n-3\n"), "line 3");
    run(&file("ragged.csv", "calls,x\n100,1\n120\n"), "line 3");
    run(&file("other.csv", "volume\n100\n"), "no `calls` column");
    run(&dir.path().join("missing.csv").display().to_string(), "cannot read");
}
