//! Classroom scale (`LaunchDay::scaled`, `clickday run --scale`) and the
//! library path the classroom page runs (`pipeline::run_budgeted_with_progress`):
//! the page's verdicts must be the command line's.

use crate::util::clickday;
use clickday::contact::StaffChange;
use clickday::launch::{Admission, LaunchDay};
use clickday::scenario::{Model, Scenario, parse_scenario_with_includes};
use std::cell::Cell;

fn resolve(name: &str) -> Result<String, String> {
    std::fs::read_to_string(format!("scenarios/{name}")).map_err(|e| e.to_string())
}

fn load(file: &str) -> Scenario {
    let text = std::fs::read_to_string(format!("scenarios/{file}")).unwrap();
    parse_scenario_with_includes(file, &text, &resolve).unwrap()
}

fn day(scenario: &Scenario) -> &LaunchDay {
    let Model::LaunchDay(day) = &scenario.model else { panic!("not a launch day") };
    day
}

#[test]
fn classroom_scale_shrinks_people_and_capacities_together() {
    let full = load("inps-2020-04-01.toml");
    let scaled = full.scaled(0.02).unwrap();
    let (f, s) = (day(&full), day(&scaled));
    // People: 4,000,000 citizens, and the 40,000 intermediaries' offices
    // filing 25 applications each (1,000,000 people), become 2%.
    assert_eq!(f.categories[0].size, 4_000_000);
    assert_eq!(s.categories[0].size, 80_000);
    assert_eq!(f.categories[1].size, 40_000);
    assert_eq!(s.categories[1].size, 800);
    assert_eq!(s.max_applicants(), (f.max_applicants() as f64 * 0.02).round() as u64);
    // Workers 2000, 300, 200, 128 and their queues, rounded to the nearest.
    let workers: Vec<u32> = s.tiers.iter().map(|t| t.workers).collect();
    assert_eq!(workers, [40, 6, 4, 3]);
    let queues: Vec<u32> = s.tiers.iter().map(|t| t.queue_capacity).collect();
    assert_eq!(queues, [400, 100, 100, 100]);
    // The database keeps its slowdown at the same share of its pool busy:
    // α over the worker ratio, β over its square (3 of 128 workers).
    let ratio = 3.0 / 128.0;
    assert!((s.tiers[3].contention - 0.01 / ratio).abs() < 1e-12);
    assert!((s.tiers[3].coherency - 0.003 / (ratio * ratio)).abs() < 1e-9);
    assert_eq!(s.edge.capacity, 1_000.0);
    // Per person nothing changes.
    assert_eq!(s.journey, f.journey);
    assert_eq!(s.categories[0].behaviour, f.categories[0].behaviour);
    assert_eq!(s.interventions, f.interventions);
    // Milestones count applications: 2,000, 10,000 and 20,000.
    assert_eq!(s.milestones, [2_000, 10_000, 20_000]);
    // The phone: 2000 lines and shifts of 200 agents become 40 and 4.
    let phone = s.contact_center.as_ref().unwrap().phone.as_ref().unwrap();
    assert_eq!(phone.lines, Some(40));
    let full_phone = f.contact_center.as_ref().unwrap().phone.as_ref().unwrap();
    assert_eq!(phone.agents.initial, (f64::from(full_phone.agents.initial) * 0.02).round() as u32);
    let at_ten = |changes: &[StaffChange]| changes.iter().take_while(|c| c.at <= 10.0 * 3600.0).last().unwrap().count;
    assert_eq!(at_ten(&phone.agents.changes), 8); // 400 on duty at 10:00
    assert_eq!(at_ten(&full_phone.agents.changes), 400);
    // The report says it is not the full day.
    assert!(
        scaled
            .description
            .ends_with("At classroom scale 0.02: 2% of the people and of the capacities that serve them.")
    );
}

#[test]
fn waiting_rooms_scale_with_the_day() {
    let full = load("inps-2020-04-01-waiting-room.toml");
    let s = full.scaled(0.1).unwrap();
    assert_eq!(day(&s).waiting_room.as_ref().unwrap().admission, Admission::Rate(4.5));
}

#[test]
fn a_scale_of_one_is_the_day_and_bad_scales_are_refused() {
    let full = load("inps-2020-04-01.toml");
    assert_eq!(full.scaled(1.0).unwrap(), full);
    for bad in [0.0, -1.0, 2.0, f64::NAN] {
        let err = full.scaled(bad).unwrap_err();
        assert!(err.contains("from 0.0001 to 1"), "{err}");
    }
    let network = load("mmc-call-center.toml");
    assert!(network.scaled(0.5).unwrap_err().contains("only launch-day scenarios can be scaled"));
}

/// What the classroom page runs (the library, one replication, with a
/// progress callback) prints the table `clickday run --scale --seed -r 1`
/// prints, and reports progress up to the end of the day.
#[test]
fn the_page_path_prints_the_command_lines_table() {
    let scaled = load("inps-2020-04-01.toml").scaled(0.02).unwrap();
    let last = Cell::new(0.0);
    let calls = Cell::new(0u32);
    let output = clickday::pipeline::run_budgeted_with_progress(&scaled, "page", 7, u64::MAX, &|at| {
        assert!(at > last.get());
        last.set(at);
        calls.set(calls.get() + 1);
    })
    .unwrap();
    // 25 hours in 5-minute intervals.
    assert_eq!(calls.get(), 300);
    assert_eq!(last.get(), 25.0 * 3600.0);
    let out = tempfile::tempdir().unwrap();
    let cli = clickday()
        .args([
            "run",
            "scenarios/inps-2020-04-01.toml",
            "--scale",
            "0.02",
            "--seed",
            "7",
            "-r",
            "1",
            "-q",
            "--no-report",
        ])
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let printed = String::from_utf8(cli.stdout).unwrap();
    assert!(printed.starts_with(&output.summary), "page:\n{}\ncli:\n{printed}", output.summary);
    // And the same without the callback.
    let plain = clickday::pipeline::run_budgeted(&scaled, "page", 7, u64::MAX).unwrap();
    assert_eq!(plain.summary, output.summary);
    assert_eq!(plain.files, output.files);
}

#[test]
fn scale_is_refused_with_a_shard_and_out_of_range() {
    let out = tempfile::tempdir().unwrap();
    for args in [vec!["--scale", "0.02", "--shard", "1/2"], vec!["--scale", "0"], vec!["--scale", "3"]] {
        let result = clickday()
            .args(["run", "scenarios/inps-2020-04-01.toml", "-r", "1", "-q", "--no-report"])
            .args(&args)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&result.stderr).contains("--scale"), "{args:?}");
    }
}
