//! The classroom page's engine: the clickday library behind a few plain
//! WebAssembly exports, so the page needs no generated bindings.
//!
//! Strings cross as UTF-8 bytes in the module's memory: the page asks
//! [`alloc`] for room, writes its request there, calls [`catalog`] or
//! [`run`], and reads the JSON answer at the returned pointer, of
//! [`result_len`] bytes. Everything is computed by the library: the page
//! only draws what it gets.
//!
//! - `catalog()`: the bundled launch-day scenarios, each with its name, its
//!   story (`description`) and its keys as the file sets them (with
//!   `extends` followed), from which the page reads the levers' values.
//! - `run(ptr, len)`: a request `{ "toml", "scale", "seed" }`. `toml` is a
//!   scenario text, usually a try: `extends` a bundled file and sets the
//!   levers' keys. The answer holds the verdicts as the command line
//!   prints them for one replication (`clickday run --scale S --seed N -r
//!   1`), the rows of those verdicts, and the tables the charts are drawn
//!   from; or `{ "error" }` with the scenario's located error.
//!
//! While a day runs, the imported `progress(clock_s, duration_s)` is called
//! at each interval end.

use clickday::pipeline::{self, ScenarioRun, Tables};
use clickday::scenario::{Model, Scenario, parse_scenario_with_includes, resolved_table};
use clickday::verdict;
use serde_json::{Value, json};
use std::cell::RefCell;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Most events one day may take on the page (a full-scale 1 April takes
/// about 150 million): beyond it the run stops with a message instead of
/// holding the tab for minutes.
const MAX_EVENTS: u64 = 2_000_000_000;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
unsafe extern "C" {
    #[link_name = "progress"]
    fn js_progress(clock_s: f64, duration_s: f64);
}

#[cfg(not(target_arch = "wasm32"))]
unsafe fn js_progress(_clock_s: f64, _duration_s: f64) {}

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn answer(value: &Value) -> *const u8 {
    RESULT.with(|r| {
        let mut r = r.borrow_mut();
        *r = serde_json::to_vec(value).unwrap_or_else(|_| b"{\"error\":\"the answer could not be written\"}".to_vec());
        r.as_ptr()
    })
}

/// Room for `len` bytes of a request.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Gives back what [`alloc`] lent.
///
/// # Safety
/// `ptr` and `len` must be those of one earlier [`alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len.max(1)) });
}

/// Length of the last answer.
#[unsafe(no_mangle)]
pub extern "C" fn result_len() -> usize {
    RESULT.with(|r| r.borrow().len())
}

/// Finds a bundled file by name: `extends` in a try and in the bundled
/// variants is resolved here.
fn resolve(name: &str) -> Result<String, String> {
    let name = name.strip_prefix("./").unwrap_or(name);
    BUNDLED
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| (*text).to_owned())
        .ok_or_else(|| format!("no bundled scenario is called {name}"))
}

/// The bundled launch-day scenarios (see the crate documentation).
#[unsafe(no_mangle)]
pub extern "C" fn catalog() -> *const u8 {
    answer(&catalog_json())
}

/// The catalog as JSON.
pub fn catalog_json() -> Value {
    let mut list = Vec::new();
    for (file, text) in BUNDLED {
        let Ok(scenario) = parse_scenario_with_includes(file, text, &resolve) else { continue };
        if !matches!(scenario.model, Model::LaunchDay(_)) {
            continue;
        }
        let Ok(table) = resolved_table(file, text, &resolve) else { continue };
        list.push(json!({
            "file": file,
            "name": scenario.name,
            "description": scenario.description.trim(),
            "seed": scenario.seed,
            "keys": serde_json::to_value(&table).unwrap_or(Value::Null),
        }));
    }
    json!({ "scenarios": list, "default": clickday_default() })
}

fn clickday_default() -> &'static str {
    "inps-2020-04-01.toml"
}

/// Runs one day (see the crate documentation).
///
/// # Safety
/// `ptr` and `len` must describe `len` initialised bytes from [`alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn run(ptr: *const u8, len: usize) -> *const u8 {
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    answer(&run_json(bytes))
}

/// A request's answer as JSON.
pub fn run_json(request: &[u8]) -> Value {
    match run_request(request) {
        Ok(value) => value,
        Err(error) => json!({ "error": error }),
    }
}

fn run_request(request: &[u8]) -> Result<Value, String> {
    let request: Value = serde_json::from_slice(request).map_err(|e| format!("bad request: {e}"))?;
    let toml = request["toml"].as_str().ok_or("the request has no scenario text")?;
    let scale = request["scale"].as_f64().unwrap_or(1.0);
    let full = parse_scenario_with_includes("try.toml", toml, &resolve).map_err(|e| e.to_string())?;
    let seed = request["seed"].as_u64().unwrap_or(full.seed);
    let scenario: Scenario = full.scaled(scale)?;
    let duration = scenario.run().duration;
    let output = pipeline::run_budgeted_with_progress(&scenario, "try.toml", seed, MAX_EVENTS, &|at| unsafe {
        js_progress(at, duration)
    })
    .map_err(|e| e.to_string())?;
    let run = ScenarioRun { scenario: &scenario, source: "try.toml", seed, replications: 1 };
    let tables = Tables { files: output.files.clone(), events: 0, replications: 1 };
    let view = pipeline::view(&run, &tables, &output.estimates);
    let rows: Vec<Value> = verdict::pick(&output.estimates, verdict::LAUNCH, scenario.start_date)
        .iter()
        .map(|shown| json!({ "metric": shown.verdict.metric, "scorecard": shown.verdict.scorecard, "label": shown.label, "value": clickday::report::terminal::cell(shown, &view) }))
        .collect();
    let table = |name: &str| {
        output.files.iter().find(|f| f.name == name).map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    };
    let start = scenario.start_date.map(|d| d.to_string());
    let Model::LaunchDay(day) = &scenario.model else { return Err("only launch days run on this page".into()) };
    Ok(json!({
        "name": scenario.name,
        "seed": seed,
        "scale": scale,
        "duration": duration,
        "interval": day.run.interval,
        "start_date": start,
        "summary": output.summary,
        "verdicts": rows,
        "interventions": day.interventions.iter().map(|iv| json!([iv.at, iv.label])).collect::<Vec<_>>(),
        "intervals": table("intervals.csv"),
        "phone": table("phone_intervals.csv"),
        "tiers": table("tiers.csv"),
        "warnings": scenario.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    }))
}
