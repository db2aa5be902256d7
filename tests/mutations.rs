//! Property tests on damaged scenarios: the bundled scenarios (and the fuzz
//! seeds) with structured mutations of their TOML tree and raw damage to
//! their text. Whatever the text, parsing returns a scenario or a one-line
//! error that starts with a file name; a scenario runs one replication
//! under an event budget in milliseconds, to outputs without `NaN` or
//! `inf`, or stops at the budget.
//!
//! The properties, and the switches for known failures still being fixed,
//! are in `scenario_check.rs`, which the fuzz target
//! (`fuzz/fuzz_targets/scenario.rs`) shares: the fuzzer checks them on
//! bytes from libFuzzer for as long as one lets it run; these tests run a
//! fixed, deterministic sample of cases inside `cargo test`.

use crate::scenario_check::{Verdict, check_scenario_text};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};
use toml::{Table, Value};

/// Wall time past which a case is a failure: with the budget, a case takes
/// milliseconds, so this is work the budget does not bound, or a hang.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(2);

/// A scenario to start from: its file name, text, and TOML tree.
struct Base {
    file: String,
    text: String,
    table: Table,
}

/// The bundled scenarios and the fuzz seeds, read once; the resolver for
/// `extends` finds the bundled ones by file name, as the command line finds
/// them next to the variant.
struct Corpus {
    bases: Vec<Base>,
    includes: BTreeMap<String, String>,
    /// Every key any base uses, to add in the wrong place.
    keys: Vec<String>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut bases = Vec::new();
        let mut includes = BTreeMap::new();
        for dir in ["scenarios", "fuzz/seeds"] {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let table: Table = toml::from_str(&text).unwrap();
                if dir == "scenarios" {
                    includes.insert(path.file_name().unwrap().to_string_lossy().into_owned(), text.clone());
                }
                bases.push(Base { file: path.to_string_lossy().into_owned(), text, table });
            }
        }
        let mut keys = Vec::new();
        for base in &bases {
            collect_keys(&Value::Table(base.table.clone()), &mut keys);
        }
        keys.sort();
        keys.dedup();
        keys.push("not_a_key".into());
        Corpus { bases, includes, keys }
    })
}

fn collect_keys(value: &Value, keys: &mut Vec<String>) {
    match value {
        Value::Table(t) => {
            for (k, v) in t {
                keys.push(k.clone());
                collect_keys(v, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

/// Strings that break assumptions: durations, rates and clock times out
/// of range or not numbers, names that are not names, odd characters.
fn adversarial_string() -> BoxedStrategy<String> {
    let strings: Vec<String> = [
        "0s",
        "-1s",
        "1ms",
        "0.0001ms",
        "1000000000000000000s",
        "99999999999999999999m",
        "1e308s",
        "3660d",
        "3661d",
        "+1000000d",
        "1e300/s",
        "1e-300/s",
        "0/s",
        "-5/h",
        "1/0s",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "NaNs",
        "infs",
        "inf/h",
        "",
        " ",
        ".",
        "..",
        "/",
        "a/b",
        "\u{0}",
        "\u{7}",
        "\t",
        "\u{1b}[31m",
        "é",
        "日本",
        "🎉",
        "\u{202e}",
        "\u{feff}",
        "00:00",
        "23:59:59",
        "24:00",
        "25:00",
        "23:59:60",
        "2020-02-30",
        "2020-3-25",
        "2020-04-01 01:00",
        "9999-12-31 23:59",
        "d2 01:00",
        "exponential",
        "deterministic",
        "empirical",
        "poisson",
        "external",
        "crowd",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["x".repeat(10_000), "1".repeat(400)])
    .chain(["\n".to_owned(), "a\r\nb".to_owned(), "\r".to_owned()])
    .collect();
    prop_oneof![3 => proptest::sample::select(strings), 1 => "\\PC{0,12}"].boxed()
}

fn adversarial_integer() -> impl Strategy<Value = i64> {
    proptest::sample::select(vec![
        0i64,
        -1,
        1,
        2,
        7,
        8,
        255,
        256,
        65_535,
        65_536,
        1 << 31,
        1 << 32,
        10_000_000_000,
        i64::MAX,
        i64::MIN,
    ])
}

fn adversarial_float() -> impl Strategy<Value = f64> {
    proptest::sample::select(vec![
        0.0f64,
        -0.0,
        -1.0,
        0.5,
        1.0,
        1.0000001,
        1e-300,
        5e-324,
        1e308,
        -1e308,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ])
}

/// Values that break assumptions, of any type.
fn adversarial() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => adversarial_string().prop_map(Value::String),
        2 => adversarial_integer().prop_map(Value::Integer),
        1 => adversarial_float().prop_map(Value::Float),
        1 => any::<bool>().prop_map(Value::Boolean),
        1 => Just(Value::Array(Vec::new())),
        1 => Just(Value::Table(Table::new())),
        1 => Just(Value::Array(vec![Value::Integer(1), Value::String("1s".into()), Value::Boolean(true)])),
    ]
    .boxed()
}

/// Names that are not names: empty, path-like, numbers, odd characters.
const NAMES: [&str; 12] = [".", "..", "", " ", "a/b", "..\\x", "NaN", "inf", "-", "é", "\u{7}", "portal"];

/// Numbers written over the digits of an existing value (`"30s"`,
/// `"08:30"`, `"2020-04-01"`), so the result keeps its shape and reaches
/// the checks behind the parser.
const NUMBERS: [&str; 22] = [
    "0",
    "00",
    "1",
    "4",
    "13",
    "24",
    "32",
    "60",
    "99",
    "-1",
    "0.000001",
    "0.5",
    "1e9",
    "1e18",
    "99999999999999999999",
    "1e300",
    "1e308",
    "1e400",
    "NaN",
    "inf",
    "4294967296",
    "18446744073709551616",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Replace the value with an adversarial one.
    Replace(Value),
    /// Replace the value with an adversarial one of the same type, so the
    /// case gets past the type check more often.
    SameType(String, i64, f64),
    /// Set the `name` of a table.
    Name(&'static str),
    /// Remove the key or the array element.
    Remove,
    /// Insert copies of an array element, or make a value an array of two.
    Duplicate(usize),
    /// Write a number over the `run`-th run of digits of a value.
    Nudge { run: Index, number: &'static str },
    /// Add a key (any key some scenario uses) to a table.
    AddKey { key: Index, value: Value },
}

#[derive(Debug, Clone)]
struct Mutation {
    pick: Pick,
    at: Index,
    edit: Edit,
}

/// How the node to mutate is chosen. Picked uniformly, a node of a large
/// scenario is almost always an element of a long list; the top-level keys
/// (run length, dates, the name) and the rarer keys deserve a share of the
/// cases.
#[derive(Debug, Clone)]
enum Pick {
    /// Any node.
    Any,
    /// A node at most this deep.
    Depth(usize),
    /// A node whose key is the chosen one among the distinct keys in use.
    Key(Index),
}

#[derive(Debug, Clone)]
enum RawEdit {
    Bom,
    CrLf,
    CrOnly,
    Truncate(Index),
    Insert(Index, String),
    DeleteLine(Index),
    DuplicateLine(Index),
}

#[derive(Debug, Clone)]
struct Case {
    base: Index,
    mutations: Vec<Mutation>,
    raw: Vec<RawEdit>,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => adversarial().prop_map(Edit::Replace),
        3 => (adversarial_string(), adversarial_integer(), adversarial_float())
            .prop_map(|(s, i, f)| Edit::SameType(s, i, f)),
        1 => proptest::sample::select(NAMES.to_vec()).prop_map(Edit::Name),
        2 => Just(Edit::Remove),
        1 => proptest::sample::select(vec![1usize, 2, 63, 1000]).prop_map(Edit::Duplicate),
        4 => (any::<Index>(), proptest::sample::select(NUMBERS.to_vec()))
            .prop_map(|(run, number)| Edit::Nudge { run, number }),
        1 => (any::<Index>(), adversarial()).prop_map(|(key, value)| Edit::AddKey { key, value }),
    ]
}

fn raw_edit() -> impl Strategy<Value = RawEdit> {
    let inserted = prop_oneof![
        proptest::sample::select(vec![
            "\u{0}",
            "\n",
            "\r",
            "\"",
            "'",
            "[",
            "]",
            "[[",
            "=",
            "#",
            "\\",
            "\u{feff}",
            "\u{7f}",
            "é",
            "{",
            "}",
            ",",
            "\"\"\"",
            "'''",
            "\n[x]\n",
            "\nname = \"dup\"\n",
        ])
        .prop_map(str::to_owned),
        "\\PC{1,4}",
    ];
    prop_oneof![
        1 => Just(RawEdit::Bom),
        1 => Just(RawEdit::CrLf),
        1 => Just(RawEdit::CrOnly),
        2 => any::<Index>().prop_map(RawEdit::Truncate),
        3 => (any::<Index>(), inserted).prop_map(|(at, s)| RawEdit::Insert(at, s)),
        2 => any::<Index>().prop_map(RawEdit::DeleteLine),
        2 => any::<Index>().prop_map(RawEdit::DuplicateLine),
    ]
}

fn structured_case() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        prop::collection::vec(
            (
                prop_oneof![
                    2 => Just(Pick::Any),
                    1 => (1usize..=3).prop_map(Pick::Depth),
                    2 => any::<Index>().prop_map(Pick::Key),
                ],
                any::<Index>(),
                edit(),
            )
                .prop_map(|(pick, at, edit)| Mutation { pick, at, edit }),
            1..4,
        ),
        prop::collection::vec(raw_edit(), 0..2),
    )
        .prop_map(|(base, mutations, raw)| Case { base, mutations, raw })
}

fn raw_case() -> impl Strategy<Value = Case> {
    (any::<Index>(), prop::collection::vec(raw_edit(), 1..4)).prop_map(|(base, raw)| Case {
        base,
        mutations: Vec::new(),
        raw,
    })
}

/// A step on the way from the root of a TOML tree to a node.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

/// Every node below the root, and whether it is a table.
fn nodes(value: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, bool)>) {
    if !path.is_empty() {
        out.push((path.clone(), value.is_table()));
    }
    match value {
        Value::Table(t) => {
            for (k, v) in t {
                path.push(Step::Key(k.clone()));
                nodes(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Item(i));
                nodes(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = root;
    for step in path {
        node = match (node, step) {
            (Value::Table(t), Step::Key(k)) => t.get_mut(k)?,
            (Value::Array(a), Step::Item(i)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Applies one mutation; a mutation that does not apply (a number written
/// over a value without digits) changes nothing.
fn apply(root: &mut Value, m: &Mutation, keys: &[String]) {
    let mut all = Vec::new();
    nodes(root, &mut Vec::new(), &mut all);
    match &m.pick {
        Pick::Any => {}
        Pick::Depth(depth) => all.retain(|(path, _)| path.len() <= *depth),
        Pick::Key(key) => {
            let key_of = |path: &[Step]| match path.last() {
                Some(Step::Key(k)) => Some(k.clone()),
                _ => None,
            };
            let mut keys: Vec<String> = all.iter().filter_map(|(p, _)| key_of(p)).collect();
            keys.sort();
            keys.dedup();
            if let Some(chosen) = keys.get(key.index(keys.len().max(1))).cloned() {
                all.retain(|(p, _)| key_of(p).as_ref() == Some(&chosen));
            }
        }
    }
    if all.is_empty() {
        return;
    }
    let (path, is_table) = all[m.at.index(all.len())].clone();
    let (parent_path, last) = path.split_at(path.len() - 1);
    match &m.edit {
        Edit::Replace(v) => {
            if let Some(node) = node_mut(root, &path) {
                *node = v.clone();
            }
        }
        Edit::SameType(text, integer, float) => {
            let Some(node) = node_mut(root, &path) else { return };
            let v = match node {
                Value::String(_) => Value::String(text.clone()),
                Value::Integer(_) => Value::Integer(*integer),
                Value::Float(_) => Value::Float(*float),
                _ => return,
            };
            *node = v;
        }
        Edit::Name(name) => {
            let target = if is_table { path.as_slice() } else { parent_path };
            if let Some(Value::Table(t)) = node_mut(root, target) {
                t.insert("name".into(), Value::String(name.to_string()));
            }
        }
        Edit::Remove => match (node_mut(root, parent_path), &last[0]) {
            (Some(Value::Table(t)), Step::Key(k)) => {
                t.remove(k);
            }
            (Some(Value::Array(a)), Step::Item(i)) => {
                a.remove(*i);
            }
            _ => {}
        },
        Edit::Duplicate(n) => {
            let Some(node) = node_mut(root, &path).cloned() else { return };
            match (node_mut(root, parent_path), &last[0]) {
                (Some(Value::Array(a)), Step::Item(i)) => {
                    for _ in 0..*n {
                        a.insert(*i, node.clone());
                    }
                }
                (Some(Value::Table(t)), Step::Key(k)) => {
                    t.insert(k.clone(), Value::Array(vec![node.clone(), node]));
                }
                _ => {}
            }
        }
        Edit::Nudge { run, number } => {
            let Some(node) = node_mut(root, &path) else { return };
            let nudged = match node {
                Value::Integer(_) | Value::Float(_) => match number.parse::<i64>() {
                    Ok(i) => Value::Integer(i),
                    Err(_) => Value::Float(number.parse::<f64>().unwrap_or(f64::NAN)),
                },
                Value::String(s) => {
                    let runs: Vec<(usize, usize)> = digit_runs(s);
                    if runs.is_empty() {
                        return;
                    }
                    let (from, to) = runs[run.index(runs.len())];
                    Value::String(format!("{}{number}{}", &s[..from], &s[to..]))
                }
                _ => return,
            };
            *node = nudged;
        }
        Edit::AddKey { key, value } => {
            let target = if is_table { path.as_slice() } else { parent_path };
            if let Some(Value::Table(t)) = node_mut(root, target) {
                t.insert(keys[key.index(keys.len())].clone(), value.clone());
            }
        }
    }
}

/// Byte ranges of the runs of ASCII digits in `s`.
fn digit_runs(s: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                runs.push((from, i));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The largest char boundary at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len())).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0)
}

fn apply_raw(text: &mut String, edit: &RawEdit) {
    match edit {
        RawEdit::Bom => text.insert(0, '\u{feff}'),
        RawEdit::CrLf => *text = text.replace('\n', "\r\n"),
        RawEdit::CrOnly => *text = text.replace('\n', "\r"),
        RawEdit::Truncate(at) => {
            let at = floor_boundary(text, at.index(text.len() + 1));
            text.truncate(at);
        }
        RawEdit::Insert(at, s) => {
            let at = floor_boundary(text, at.index(text.len() + 1));
            text.insert_str(at, s);
        }
        RawEdit::DeleteLine(i) | RawEdit::DuplicateLine(i) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return;
            }
            let i = i.index(lines.len());
            if matches!(edit, RawEdit::DeleteLine(_)) {
                lines.remove(i);
            } else {
                lines.insert(i, lines[i]);
            }
            *text = lines.concat();
        }
    }
}

/// A case as text: the base with its mutations, written back as TOML (or
/// the base's own text when only raw damage is done), then the raw damage;
/// with the base's file name.
fn render(case: &Case) -> (String, String) {
    let corpus = corpus();
    let base = &corpus.bases[case.base.index(corpus.bases.len())];
    let mut text = if case.mutations.is_empty() {
        base.text.clone()
    } else {
        let mut root = Value::Table(base.table.clone());
        for m in &case.mutations {
            apply(&mut root, m, &corpus.keys);
        }
        match toml::to_string(&root) {
            Ok(text) => text,
            Err(_) => base.text.clone(),
        }
    };
    for edit in &case.raw {
        apply_raw(&mut text, edit);
    }
    (base.file.clone(), text)
}

/// Runs [`check_scenario_text`] on a thread of its own, so that a panic is
/// a failure with the case shown rather than the end of the test, and a
/// hang is one after [`CASE_TIME_LIMIT`].
fn check_with_watchdog(file: String, text: String) -> Result<Verdict, String> {
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    let worker = std::thread::Builder::new()
        .name("case".into())
        .spawn(move || {
            let includes = &corpus().includes;
            let resolve = |name: &str| {
                includes.get(name).cloned().ok_or_else(|| format!("no bundled scenario is called {name:?}"))
            };
            let _ = tx.send(check_scenario_text(&file, &text, &resolve));
        })
        .unwrap();
    match rx.recv_timeout(CASE_TIME_LIMIT) {
        Ok(result) => {
            let _ = worker.join();
            let elapsed = started.elapsed();
            if elapsed > CASE_TIME_LIMIT {
                return Err(format!("took {elapsed:?}, more than {CASE_TIME_LIMIT:?}"));
            }
            result
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let panic = worker.join().err().map(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or(p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
            Err(format!("panicked: {}", panic.unwrap_or_default()))
        }
        // The thread is left running: nothing can stop it from outside.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("still running after {CASE_TIME_LIMIT:?}")),
    }
}

/// Runs `cases` cases from `strategy` with a fixed seed, and reports how
/// they came out.
fn run_cases(name: &str, seed: u64, cases: u32, strategy: impl Strategy<Value = Case>) {
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 256,
        max_shrink_time: 30_000,
        ..Config::default()
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let tally = Arc::new(Mutex::new(BTreeMap::<String, u32>::new()));
    let started = Instant::now();
    // With CLICKDAY_SURVEY set to a folder, every failing case is written
    // there and counted instead of stopping the run at the first.
    let survey = std::env::var_os("CLICKDAY_SURVEY").map(std::path::PathBuf::from);
    let result = runner.run(&strategy, |case| {
        let (file, text) = render(&case);
        match check_with_watchdog(file.clone(), text.clone()) {
            Ok(verdict) => {
                *tally.lock().unwrap().entry(format!("{verdict:?}")).or_default() += 1;
                Ok(())
            }
            Err(message) => match &survey {
                Some(dir) => {
                    let mut tally = tally.lock().unwrap();
                    let n = tally.values().sum::<u32>();
                    *tally.entry("failed".into()).or_default() += 1;
                    let _ = std::fs::create_dir_all(dir);
                    let _ = std::fs::write(dir.join(format!("{name}-{n}.toml")), &text);
                    let _ = std::fs::write(dir.join(format!("{name}-{n}.txt")), format!("{file}: {message}\n"));
                    Ok(())
                }
                None => Err(TestCaseError::fail(format!("{file}: {message}\n--- text ---\n{text}\n---"))),
            },
        }
    });
    eprintln!("{name}: {cases} cases in {:.1?}: {:?}", started.elapsed(), tally.lock().unwrap());
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn mutated_scenarios_are_refused_in_one_line_or_run_to_finite_outputs() {
    run_cases("structured", 0x5eed_0001, 2_000, structured_case());
}

#[test]
fn damaged_scenario_text_is_refused_in_one_line_or_runs_to_finite_outputs() {
    run_cases("raw", 0x5eed_0002, 1_000, raw_case());
}

#[test]
fn the_unmutated_bases_run_and_the_seeds_finish_within_the_budget() {
    for base in &corpus().bases {
        let verdict =
            check_with_watchdog(base.file.clone(), base.text.clone()).unwrap_or_else(|e| panic!("{}: {e}", base.file));
        if base.file.starts_with("fuzz/seeds/") {
            assert_eq!(verdict, Verdict::Ran, "{}", base.file);
        } else {
            assert_ne!(verdict, Verdict::Refused, "{}", base.file);
        }
    }
}
