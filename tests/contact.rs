//! The contact center: the phone channel agrees with Erlang B, C and A in
//! stationary cases, the social inbox with M/M/c, and the bundled contact
//! scenarios parse, run and tell the story they claim.

use crate::util::clickday;
use clickday::analytic::{ErlangA, MMc, erlang_b};
use clickday::arrivals::ArrivalProcess;
use clickday::contact::{
    CallbackOffer, ContactCenter, ContactDemand, ContactResult, DemandKind, DemandSource, ExternalIntake, Ivr,
    PhoneChannel, Reason, Redial, SocialChannel, SocialSummary, StaffSchedule, WorkingCalendar, estimate,
    run_replications, simulate,
};
use clickday::dist::TimeDistribution;
use clickday::engine::{RngStreams, RunLength};
use clickday::experiment::{CONFIDENCE_LEVEL, find};
use clickday::scenario::{Model, Scenario, parse_scenario, parse_scenario_with_includes};
use clickday::stats::{ConfidenceInterval, bonferroni_level};
use predicates::prelude::*;

const SEED: u64 = 20200401;

fn exp(mean: f64) -> TimeDistribution {
    TimeDistribution::exponential(mean).unwrap()
}

/// A phone line with Poisson calls at `per_hour`, `agents` agents and
/// exponential handle times, nothing else.
fn line(per_hour: f64, aht: f64, agents: u32) -> PhoneChannel {
    PhoneChannel {
        lines: None,
        open_hours: None,
        ivr: None,
        agents: StaffSchedule::constant(agents),
        handle_time: exp(aht),
        patience: None,
        answer_target: 20.0,
        redial: None,
        callback: None,
        reasons: vec![Reason::general()],
        demand: vec![DemandSource {
            name: "calls".into(),
            reason: 0,
            kind: DemandKind::Arrivals(ArrivalProcess::Poisson { rate: per_hour / 3600.0 }),
        }],
        external: ExternalIntake::default(),
    }
}

fn center(phone: Option<PhoneChannel>, social: Option<SocialChannel>, hours: f64, warmup_hours: f64) -> ContactCenter {
    ContactCenter {
        run: RunLength { duration: hours * 3600.0, warmup: warmup_hours * 3600.0, interval: 3600.0 },
        calendar: WorkingCalendar::default(),
        phone,
        social,
        max_in_system: 1_000_000,
    }
}

fn phone_values(results: &[ContactResult], metric: &str) -> Vec<f64> {
    results.iter().filter_map(|r| r.phone.as_ref()?.summary.metric(metric)).filter(|v| v.is_finite()).collect()
}

fn social_values(results: &[ContactResult], metric: &str) -> Vec<f64> {
    results.iter().filter_map(|r| r.social.as_ref()?.summary.metric(metric)).filter(|v| v.is_finite()).collect()
}

/// Asserts that each exact value lies in the simulated interval, at a
/// Bonferroni level over the checks, and that the interval is informative
/// (at most `width` wide relative to the exact value).
fn assert_agrees(values: &[(&str, Vec<f64>, f64)], width: f64) {
    let level = bonferroni_level(CONFIDENCE_LEVEL, values.len());
    for (metric, sample, exact) in values {
        let ci = ConfidenceInterval::student_t(sample, level);
        assert!(ci.contains(*exact), "{metric}: exact {exact} outside [{}, {}]", ci.lower, ci.upper);
        assert!(ci.half_width <= width * exact.abs(), "{metric}: interval too wide ({} around {exact})", ci.half_width);
    }
}

#[test]
fn simulated_phone_line_agrees_with_erlang_c() {
    // The textbook example: 1,000 calls an hour, 2 minutes each, 38 agents.
    let c = center(Some(line(1000.0, 120.0, 38)), None, 60.0, 2.0);
    let results = run_replications(&c, |_| None, SEED, 20, &|| {}).unwrap();
    let exact = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 38).unwrap();
    assert_agrees(
        &[
            ("service_level", phone_values(&results, "service_level"), exact.service_level(20.0)),
            ("asa_s", phone_values(&results, "asa_s"), exact.mean_wait()),
            ("occupancy", phone_values(&results, "occupancy"), exact.utilisation()),
            ("queue_mean", phone_values(&results, "queue_mean"), exact.mean_queue_len()),
        ],
        0.10,
    );
}

#[test]
fn simulated_phone_line_with_impatient_callers_agrees_with_erlang_a() {
    // Slightly overloaded without abandonment (33.3 erlangs on 33 agents):
    // only hanging up keeps the queue finite.
    let mut phone = line(1000.0, 120.0, 33);
    phone.patience = Some(exp(180.0));
    let c = center(Some(phone), None, 60.0, 2.0);
    let results = run_replications(&c, |_| None, SEED, 20, &|| {}).unwrap();
    let exact = ErlangA::new(1000.0 / 3600.0, 1.0 / 120.0, 1.0 / 180.0, 33).unwrap();
    assert_agrees(
        &[
            ("service_level", phone_values(&results, "service_level"), exact.service_level(20.0)),
            ("p_abandon", phone_values(&results, "p_abandon"), exact.prob_abandon()),
            ("asa_s", phone_values(&results, "asa_s"), exact.mean_answered_wait()),
            ("occupancy", phone_values(&results, "occupancy"), exact.utilisation()),
            ("queue_mean", phone_values(&results, "queue_mean"), exact.mean_queue_len()),
        ],
        0.10,
    );
}

#[test]
fn trunk_lines_turn_away_the_share_erlang_b_gives_whatever_the_handle_time_distribution() {
    // 30 lines and as many agents: nobody waits, so the line is an M/G/30/30
    // loss system, and by insensitivity a lognormal handle time with cv 1.5
    // blocks as an exponential one would.
    let mut phone = line(600.0, 180.0, 30);
    phone.lines = Some(30);
    phone.handle_time = TimeDistribution::lognormal(180.0, 1.5).unwrap();
    let c = center(Some(phone), None, 60.0, 2.0);
    let results = run_replications(&c, |_| None, SEED, 20, &|| {}).unwrap();
    assert_agrees(&[("p_busy", phone_values(&results, "p_busy"), erlang_b(30, 30.0))], 0.10);
    assert!(phone_values(&results, "asa_s").iter().all(|&w| w == 0.0));
}

#[test]
fn a_wrong_exact_value_is_caught() {
    // The comparison must be able to fail: 38 agents simulated, compared
    // with the service level of 37.
    let c = center(Some(line(1000.0, 120.0, 38)), None, 60.0, 2.0);
    let results = run_replications(&c, |_| None, SEED, 20, &|| {}).unwrap();
    let wrong = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 37).unwrap().service_level(20.0);
    let ci = ConfidenceInterval::student_t(&phone_values(&results, "service_level"), 0.95);
    assert!(!ci.contains(wrong), "one agent fewer went unnoticed: {wrong} in [{}, {}]", ci.lower, ci.upper);
}

#[test]
fn redials_raise_offered_calls_but_not_new_callers() {
    let mut phone = line(1200.0, 150.0, 40);
    phone.lines = Some(45);
    phone.patience = Some(exp(120.0));
    let without = center(Some(phone.clone()), None, 10.0, 0.0);
    phone.redial = Some(Redial { after_busy: 0.8, after_abandon: 0.6, delay: exp(300.0), max_attempts: 6 });
    let with = center(Some(phone), None, 10.0, 0.0);
    for r in 0..4 {
        let streams = RngStreams::new(SEED, r);
        let a = simulate(&without, None, &streams).unwrap().phone.unwrap().summary;
        let b = simulate(&with, None, &streams).unwrap().phone.unwrap().summary;
        // The same people call for the first time (common random numbers)...
        assert_eq!(a.callers, b.callers);
        assert_eq!(a.offered, a.callers);
        assert_eq!(a.redials, 0);
        // ...and those who try again add attempts.
        assert!(b.redials > 100, "{}", b.redials);
        assert_eq!(b.offered, b.callers + b.redials);
        assert!(b.offered as f64 > 1.1 * a.offered as f64);
        assert!(b.never_answered < a.never_answered);
    }
}

#[test]
fn more_agents_never_lower_the_service_level_for_the_same_random_numbers() {
    // First come, first served without hanging up: with each caller's
    // handle time drawn in arrival order, one more agent can only bring
    // every answer forward (the Kiefer–Wolfowitz ordering), so the calls
    // answered within the target can only grow. (With hanging up it need
    // not hold call by call: a caller kept by the extra agent can delay
    // another.)
    for r in 0..4 {
        let streams = RngStreams::new(SEED, r);
        let mut previous: Option<(u64, f64)> = None;
        for agents in 30..=42 {
            let c = center(Some(line(1000.0, 120.0, agents)), None, 8.0, 0.0);
            let s = simulate(&c, None, &streams).unwrap().phone.unwrap().summary;
            let answered_within = s.answered_within_target;
            let over_offered = answered_within as f64 / s.offered as f64;
            if let Some((count, share)) = previous {
                assert!(answered_within >= count, "replication {r}: {agents} agents answer fewer in time");
                assert!(over_offered >= share, "replication {r}: {agents} agents lower the service level");
            }
            previous = Some((answered_within, over_offered));
        }
        let (_, last) = previous.unwrap();
        assert!(last > 0.95, "42 agents should answer nearly everyone in time: {last}");
    }
}

#[test]
fn a_closed_line_takes_no_calls_and_callers_try_again_when_it_opens() {
    let mut phone = line(300.0, 120.0, 20);
    phone.open_hours = Some((8.0 * 3600.0, 20.0 * 3600.0));
    phone.redial = Some(Redial { after_busy: 1.0, after_abandon: 0.0, delay: exp(1800.0), max_attempts: 50 });
    let c = center(Some(phone), None, 24.0, 0.0);
    let rows = simulate(&c, None, &RngStreams::new(SEED, 0)).unwrap().phone.unwrap().intervals;
    for row in &rows {
        let hour = row.start / 3600.0;
        if (8.0..20.0).contains(&hour) {
            assert_eq!(row.closed, 0, "{hour}h");
            assert!(row.answered > 0, "{hour}h");
        } else {
            assert_eq!(row.closed, row.offered, "{hour}h");
            assert_eq!(row.answered, 0, "{hour}h");
        }
    }
    // The night's callers redial into the morning.
    assert!(rows[8].redials > 100, "{}", rows[8].redials);
}

#[test]
fn every_caller_is_accounted_for() {
    let mut phone = line(2000.0, 200.0, 80);
    phone.lines = Some(120);
    phone.patience = Some(exp(240.0));
    phone.ivr = Some(Ivr { time: TimeDistribution::deterministic(30.0).unwrap(), resolved_share: 0.1 });
    phone.redial = Some(Redial { after_busy: 0.7, after_abandon: 0.5, delay: exp(600.0), max_attempts: 4 });
    phone.callback = Some(CallbackOffer { queue_at_least: 20, accept_share: 0.4 });
    phone.agents = StaffSchedule::per_interval(0.0, 1800.0, &[60, 80, 100, 20, 0, 90]);
    let c = center(Some(phone), None, 3.0, 0.0);
    for r in 0..3 {
        let result = simulate(&c, None, &RngStreams::new(SEED, r)).unwrap().phone.unwrap();
        let t = result.totals;
        assert_eq!(t.callers, t.answered + t.ivr_resolved + t.called_back + t.gave_up + t.pending_at_end, "{t:?}");
        assert!(t.ivr_resolved > 0 && t.called_back > 0 && t.gave_up > 0, "{t:?}");
        let rows = &result.intervals;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.iter().map(|i| i.offered).sum::<u64>(), t.attempts);
        assert!(rows.iter().all(|i| i.occupancy.is_nan() || i.occupancy <= 1.0));
        assert_eq!(rows.iter().map(|i| i.first_attempts).sum::<u64>(), t.callers);
    }
}

/// An inbox with Poisson posts at `per_hour`, `responders` responders and
/// exponential handle times, nothing else.
fn inbox(per_hour: f64, handle: f64, responders: u32) -> SocialChannel {
    SocialChannel {
        responders: StaffSchedule::constant(responders),
        handle_time: exp(handle),
        response_target: 600.0,
        public_share: 1.0,
        attraction: None,
        fake_share: 0.0,
        order: clickday::contact::InboxOrder::OldestFirst,
        strain: None,
        reasons: vec![Reason::general()],
        demand: vec![DemandSource {
            name: "posts".into(),
            reason: 0,
            kind: DemandKind::Arrivals(ArrivalProcess::Poisson { rate: per_hour / 3600.0 }),
        }],
        external: ExternalIntake::default(),
    }
}

#[test]
fn a_plain_inbox_answers_like_an_mmc_queue() {
    // Nobody abandons an inbox: oldest first, it is M/M/c, and the
    // response time is the sojourn time.
    let c = center(None, Some(inbox(100.0, 120.0, 4)), 200.0, 5.0);
    let results = run_replications(&c, |_| None, SEED, 16, &|| {}).unwrap();
    let exact = MMc::new(100.0 / 3600.0, 1.0 / 120.0, 4).unwrap();
    assert_agrees(
        &[
            ("response_mean_s", social_values(&results, "response_mean_s"), exact.mean_sojourn()),
            ("backlog_mean", social_values(&results, "backlog_mean"), exact.mean_in_system()),
            ("occupancy", social_values(&results, "occupancy"), exact.utilisation()),
        ],
        0.10,
    );
}

#[test]
fn unanswered_public_posts_draw_more_posts_and_answering_them_stops_it() {
    let mut slow = inbox(200.0, 60.0, 1);
    slow.attraction = Some(clickday::contact::Attraction { rate: 0.2 / 3600.0, window: Some(6.0 * 3600.0) });
    let mut fast = slow.clone();
    fast.responders = StaffSchedule::constant(8);
    let mut private = slow.clone();
    private.public_share = 0.0;
    let run = |s: &SocialChannel| {
        let c = center(None, Some(s.clone()), 24.0, 0.0);
        simulate(&c, None, &RngStreams::new(SEED, 0)).unwrap().social.unwrap()
    };
    let (slow, fast, private) = (run(&slow), run(&fast), run(&private));
    assert!(slow.summary.attracted > 1_000, "{}", slow.summary.attracted);
    assert!(
        fast.summary.attracted * 20 < slow.summary.attracted,
        "{} vs {}",
        fast.summary.attracted,
        slow.summary.attracted
    );
    assert_eq!(private.summary.attracted, 0);
    for r in [&slow, &fast, &private] {
        assert_eq!(r.totals.received, r.totals.answered + r.totals.unanswered_at_end);
    }
}

#[test]
fn the_response_target_runs_on_working_time() {
    // Fifty posts arrive on Friday at noon and nobody answers until
    // Tuesday 09:00: 93 hours of clock time, but 6 working hours on Friday
    // and 9 on Monday make the replies late for a 10-working-hour target.
    let within_share = SocialSummary::METRICS.iter().position(|m| *m == "within_target_share").unwrap();
    let mut s = inbox(60.0, 30.0, 0);
    s.responders = StaffSchedule::from_points(&[(4.0 * 86_400.0 + 9.0 * 3600.0, 5)]);
    s.response_target = 10.0 * 3600.0;
    s.demand = vec![DemandSource {
        name: "friday".into(),
        reason: 0,
        kind: DemandKind::Arrivals(ArrivalProcess::Batch { size: 50, at: 12.0 * 3600.0 }),
    }];
    let mut c = center(None, Some(s), 5.0 * 24.0, 0.0);
    c.calendar = WorkingCalendar {
        first_weekday: Some(4), // a Friday
        working_days: [true, true, true, true, true, false, false],
        day_start: 9.0 * 3600.0,
        day_end: 18.0 * 3600.0,
        holidays: vec![],
    };
    let r = simulate(&c, None, &RngStreams::new(SEED, 0)).unwrap().social.unwrap();
    assert_eq!(r.summary.answered, 50);
    assert_eq!((r.summary.within_target, r.summary.late), (0, 50));
    assert!(r.summary.response_quantiles[0] > 90.0 * 3600.0);
    // With Monday a holiday only Friday's 6 hours count: within target.
    c.calendar.holidays = vec![3];
    let r = simulate(&c, None, &RngStreams::new(SEED, 0)).unwrap().social.unwrap();
    assert_eq!((r.summary.within_target, r.summary.late), (50, 0));
    assert_eq!(r.summary.values()[within_share], 1.0);
}

#[test]
fn contacts_from_the_web_model_arrive_in_their_bins() {
    let mut phone = line(0.0, 120.0, 50);
    phone.demand.clear();
    let mut social = inbox(0.0, 60.0, 5);
    social.demand.clear();
    let c = center(Some(phone), Some(social), 4.0, 0.0);
    let demand = ContactDemand { bin: 600.0, phone: vec![0, 30, 0, 120, 5], social: vec![7; 30] };
    let r = simulate(&c, Some(&demand), &RngStreams::new(SEED, 0)).unwrap();
    let phone = r.phone.unwrap();
    assert_eq!(phone.summary.callers, 155);
    // The first hour holds bins 0-5: 30 + 120 + 5 calls.
    assert_eq!(phone.intervals[0].first_attempts, 155);
    let social = r.social.unwrap();
    assert_eq!(social.summary.received, 24 * 7); // bins beyond the 4-hour run are dropped
    assert!(social.intervals.iter().all(|i| i.received == 42));
    // A bad bin width is refused, not simulated.
    let bad = ContactDemand { bin: 0.0, ..demand };
    assert!(simulate(&c, Some(&bad), &RngStreams::new(SEED, 0)).is_err());
}

#[test]
fn replications_do_not_depend_on_thread_count() {
    let s = parse_scenario_text("scenarios/rdc-2019-04-sms-wave.toml");
    let Model::Contact(c) = &s.model else { panic!("not a contact scenario") };
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run_replications(c, |_| None, 5, 4, &|| {}).unwrap())
    };
    assert_eq!(format!("{:?}", run(1)), format!("{:?}", run(2)));
}

fn parse_scenario_text(path: &str) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    parse_scenario(path, &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_rdc_scenario_replays_a_backlog_of_thousands_and_the_surge_team_clears_it() {
    let base = parse_scenario_text("scenarios/rdc-2019-04-sms-wave.toml");
    let staffed = parse_scenario_text("scenarios/rdc-2019-04-sms-wave-staffed.toml");
    let run = |s: &Scenario| {
        let Model::Contact(c) = &s.model else { panic!("not a contact scenario") };
        estimate(&run_replications(c, |_| None, s.seed, 4, &|| {}).unwrap())
    };
    let (b, s) = (run(&base), run(&staffed));
    let get = |e: &[clickday::experiment::Estimate], m: &str| find(e, "social", m).unwrap().ci.mean;
    // Thousands of comments within hours, 7,000 to 11,000 over the episode.
    assert!((7_000.0..11_000.0).contains(&get(&b, "received")), "{}", get(&b, "received"));
    assert!(get(&b, "backlog_peak") > 3_000.0);
    assert!(get(&b, "p_hurried") > 0.5);
    // The surge team: a fraction of the backlog, few curt replies, fewer
    // comments drawn by unanswered ones.
    assert!(get(&s, "backlog_peak") < 0.3 * get(&b, "backlog_peak"));
    assert!(get(&s, "p_hurried") < 0.2);
    assert!(get(&s, "attracted_posts") < 0.5 * get(&b, "attracted_posts"));
    assert!(get(&s, "within_target_share") > get(&b, "within_target_share"));
    // Two reasons: each gets its own scope.
    assert!(find(&b, "social:rdc-outcome", "offered").is_some());
}

#[test]
fn the_inps_day_carries_its_contact_center() {
    let text = std::fs::read_to_string("scenarios/inps-2020-04-01.toml").unwrap();
    let s = parse_scenario("scenarios/inps-2020-04-01.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    let Model::LaunchDay(day) = &s.model else { panic!("not a launch day") };
    let c = day.contact_center.as_ref().expect("the day models its contact center");
    let phone = c.phone.as_ref().unwrap();
    assert_eq!(phone.agents.max(), 400);
    assert_eq!(phone.agents.staff_seconds(86_400.0), 800.0 * 5.5 * 3600.0);
    assert_eq!(phone.reasons.len(), 2);
    assert_eq!(c.social.as_ref().unwrap().reasons.len(), 3);
    // The web model's failures enter the line as aid calls.
    let demand = ContactDemand { bin: 300.0, phone: vec![500; 12], social: vec![50; 12] };
    let r = simulate(c, Some(&demand), &RngStreams::new(1, 0)).unwrap();
    assert!(r.phone.unwrap().reasons[0].offered > 6_000);
}

#[test]
fn the_rdc_scenario_runs_from_the_command_line_and_writes_tidy_csv() {
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["run", "scenarios/rdc-2019-04-sms-wave.toml", "-r", "2", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("largest backlog").and(predicate::str::contains("within target")));
    let out = dir.path().join("rdc-2019-04-sms-wave");
    let csv = std::fs::read_to_string(out.join("social_intervals.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("scenario,replication,interval,start_s,end_s,clock,received,"));
    assert!(header.contains("backlog_per_responder") && header.contains("response_p90_s"));
    assert_eq!(csv.lines().count(), 1 + 2 * 7 * 24);
    assert!(csv.contains("2019-04-17 09:00:00"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains("social,within_target_share,"));
    assert!(!out.join("phone_intervals.csv").exists());
}

/// A contact scenario whose agents come from `schedule` lines.
fn staffed_scenario(schedule: &str) -> String {
    format!(
        "name = \"t\"\nduration = \"4h\"\ninterval = \"30m\"\n\n[contact.phone]\n{schedule}\nhandle_time = \"3m\"\npatience = \"5m\"\n\n[[contact.phone.demand]]\nname = \"calls\"\nkind = \"poisson\"\nrate = \"300/h\"\n"
    )
}

fn scenario_error(text: &str, files: &[(&str, &str)]) -> String {
    let resolve = |name: &str| {
        files.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()).ok_or_else(|| "No such file".to_string())
    };
    let e = parse_scenario_with_includes("c.toml", text, &resolve).expect_err("should be refused").to_string();
    assert!(!e.contains('\n'), "not one line: {e}");
    e
}

#[test]
fn negative_agents_are_refused_with_the_allowed_range() {
    let e = scenario_error(&staffed_scenario("agents = -3"), &[]);
    assert!(e.starts_with("c.toml:6: contact.phone.agents: must be an integer from 0 to 1000000; got -3"), "{e}");
    let e = scenario_error(&staffed_scenario("agents_per_interval = [4, -1]"), &[]);
    assert!(e.contains("contact.phone.agents_per_interval: entry 2") && e.contains("got -1"), "{e}");
}

#[test]
fn a_shift_outside_the_run_is_refused() {
    let shift = "\n[[contact.phone.shift]]\nstart = \"02:00\"\nlength = \"3h\"\ncount = 5\n";
    let text =
        staffed_scenario("").replace("\n[[contact.phone.demand]]", &format!("{shift}\n[[contact.phone.demand]]"));
    let e = scenario_error(&text, &[]);
    assert!(e.contains("contact.phone.shift[1].start: the shift from 2h to 5h is outside the run"), "{e}");
    let e = scenario_error(&staffed_scenario("agents_per_interval = [1, 1, 1, 1, 1, 1, 1, 1, 1]"), &[]);
    assert!(e.contains("after the end of the run"), "{e}");
}

#[test]
fn a_patience_of_zero_is_refused() {
    let e = scenario_error(&staffed_scenario("agents = 3").replace("patience = \"5m\"", "patience = \"0s\""), &[]);
    assert!(e.contains("contact.phone.patience") && e.contains("mean > 0"), "{e}");
}

#[test]
fn two_forms_of_schedule_are_refused_and_none_is_named() {
    let e = scenario_error(&staffed_scenario("agents = 3\nagents_per_interval = [3]"), &[]);
    assert!(e.contains("conflicts with `agents`"), "{e}");
    let e = scenario_error(&staffed_scenario(""), &[]);
    assert!(e.contains("contact.phone.agents: says nobody is on duty"), "{e}");
}

#[test]
fn a_plan_file_becomes_the_agents_schedule() {
    let plan = "interval,start_s,end_s,agents,scheduled_agents\n0,0,3600,10,14\n1,3600,7200,25,35\n";
    let text = staffed_scenario("agents_schedule_file = \"plan.csv\"");
    let resolve = |name: &str| if name == "plan.csv" { Ok(plan.to_string()) } else { Err("missing".to_string()) };
    let s = parse_scenario_with_includes("c.toml", &text, &resolve).unwrap();
    let Model::Contact(c) = &s.model else { panic!() };
    let agents = &c.phone.as_ref().unwrap().agents;
    assert_eq!((agents.count_at(0.0), agents.count_at(4000.0), agents.count_at(7200.0)), (10, 25, 0));
    // Another column can be chosen.
    let text = staffed_scenario("agents_schedule_file = \"plan.csv\"\nagents_schedule_column = \"scheduled_agents\"");
    let s = parse_scenario_with_includes("c.toml", &text, &resolve).unwrap();
    let Model::Contact(c) = &s.model else { panic!() };
    assert_eq!(c.phone.as_ref().unwrap().agents.count_at(4000.0), 35);
}

#[test]
fn a_missing_or_malformed_plan_file_is_refused_with_its_line() {
    let text = staffed_scenario("agents_schedule_file = \"plan.csv\"");
    let e = scenario_error(&text, &[]);
    assert!(
        e.starts_with("c.toml:6: contact.phone.agents_schedule_file: cannot load \"plan.csv\": No such file"),
        "{e}"
    );
    let e = scenario_error(&text, &[("plan.csv", "start_s,agents\n0,10\n1800,-2\n")]);
    assert!(e.contains("plan.csv line 3: column agents must be an integer"), "{e}");
    let e = scenario_error(&text, &[("plan.csv", "start_s,agents\n0,10\n1800,5,7\n")]);
    assert!(e.contains("plan.csv line 3: malformed CSV"), "{e}");
    let e = scenario_error(&text, &[("plan.csv", "")]);
    assert!(e.contains("plan.csv is empty"), "{e}");
    let e = scenario_error(&text, &[("plan.csv", "start_s,agents\n")]);
    assert!(e.contains("no rows"), "{e}");
    let e = scenario_error(&text, &[("plan.csv", "start_s,agents\n0,3\n20000,4\n")]);
    assert!(e.contains("line 3") && e.contains("outside the run"), "{e}");
    // Without access to files, the scenario says so.
    let e = parse_scenario("c.toml", &text).unwrap_err().to_string();
    assert!(e.contains("parsed without access to files"), "{e}");
}

#[test]
fn a_scenario_plan_written_by_staff_is_loaded_from_the_scenario_folder() {
    let dir = tempfile::tempdir().unwrap();
    clickday()
        .args(["staff", "200", "400", "600", "300", "--aht", "3m", "--patience", "5m", "--interval", "1h", "--out"])
        .arg(dir.path().join("plan.csv"))
        .assert()
        .success();
    std::fs::write(dir.path().join("line.toml"), staffed_scenario("agents_schedule_file = \"plan.csv\"")).unwrap();
    clickday()
        .arg("run")
        .arg(dir.path().join("line.toml"))
        .args(["-r", "2", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("service level"));
    let csv = std::fs::read_to_string(dir.path().join("out/t/phone_intervals.csv")).unwrap();
    // 30-minute rows: the plan's hourly head counts show as agents on duty.
    let column = csv.lines().next().unwrap().split(',').position(|c| c == "agents_on_shift_mean").unwrap();
    let agents: Vec<f64> =
        csv.lines().skip(1).take(8).map(|l| l.split(',').nth(column).unwrap().parse().unwrap()).collect();
    let plan = std::fs::read_to_string(dir.path().join("plan.csv")).unwrap();
    let planned = plan.lines().next().unwrap().split(',').position(|c| c == "agents").unwrap();
    let hourly: Vec<f64> = plan.lines().skip(1).map(|l| l.split(',').nth(planned).unwrap().parse().unwrap()).collect();
    assert_eq!(hourly.len(), 4);
    for (k, want) in hourly.iter().enumerate() {
        // Time averages come from differences of areas: equal to rounding.
        let near = |a: f64| (a - want).abs() < 1e-9 * want;
        assert!(near(agents[2 * k]) && near(agents[2 * k + 1]), "hour {k}: {agents:?} against the plan {hourly:?}");
    }
    // A missing plan is a scenario error: one line, exit status 2.
    std::fs::write(dir.path().join("bad.toml"), staffed_scenario("agents_schedule_file = \"nope.csv\"")).unwrap();
    clickday().arg("run").arg(dir.path().join("bad.toml")).assert().code(2).stderr(
        predicate::str::contains("agents_schedule_file: cannot load \"nope.csv\"")
            .and(predicate::str::contains("panicked").not()),
    );
}
