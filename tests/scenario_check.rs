//! The properties every scenario text must have, checked by the property
//! tests (`tests/mutations.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/scenario.rs`, which includes this file), so the two
//! cannot drift apart.
//!
//! Parsing returns a scenario or a one-line error that starts with a file
//! name. An accepted scenario runs replication 0 under an event budget to
//! outputs without `NaN` or `inf`, stops at the budget, or stops as a
//! runaway (more customers or contacts than `max_in_system`).

use clickday::contact::ContactError;
use clickday::export::finite;
use clickday::network::SimError;
use clickday::pipeline::{RunError, run_budgeted};
use clickday::scenario::{Scenario, parse_scenario_with_includes};
use std::sync::Mutex;
use toml::{Table, Value};

/// Events one replication may handle: a few milliseconds of any model, and
/// enough for the small fuzz seeds to run to the end and reach the
/// exporters.
pub const BUDGET: u64 = 30_000;

/// What a scenario text came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Refused with a one-line error.
    Refused,
    /// Ran to the end; the outputs are finite.
    Ran,
    /// Stopped at the event budget.
    OverBudget,
    /// Stopped as a runaway, which a scenario cannot rule out.
    Runaway,
}

/// Parses `text` as the file `file`, with `resolve` for the files it names
/// (`extends`), and runs it under [`BUDGET`] when valid. `Err` is a broken
/// property, with what broke it.
pub fn check_scenario_text(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Verdict, String> {
    let asked = Mutex::new(Vec::new());
    let resolve = |name: &str| {
        let found = resolve(name);
        if let Ok(text) = &found {
            asked.lock().unwrap().push((name.to_owned(), text.clone()));
        }
        found
    };
    let scenario = match parse_scenario_with_includes(file, text, &resolve) {
        Ok(s) => s,
        Err(e) => {
            let shown = e.to_string();
            if shown.contains(['\n', '\r']) {
                return Err(format!("the error spans lines: {shown:?}"));
            }
            let asked = asked.lock().unwrap();
            let mut files = std::iter::once(file).chain(asked.iter().map(|(n, _)| n.as_str()));
            if !files.any(|n| shown.starts_with(&format!("{n}:"))) {
                return Err(format!("the error does not start with a file name: {shown:?}"));
            }
            return Ok(Verdict::Refused);
        }
    };
    check_accepted(&scenario, text)?;
    match run_budgeted(&scenario, file, scenario.seed, BUDGET) {
        Ok(output) => {
            let mut free_text = Vec::new();
            for t in std::iter::once(text).chain(asked.lock().unwrap().iter().map(|(_, t)| t.as_str())) {
                if let Ok(table) = toml::from_str::<Table>(t) {
                    collect_strings(&Value::Table(table), &mut free_text);
                }
            }
            let free_text: Vec<&str> = free_text.iter().map(String::as_str).collect();
            finite::check(output.files.iter().map(|f| (f.name, f.bytes.as_slice())), &output.summary, &free_text)?;
            Ok(Verdict::Ran)
        }
        Err(e) if e.is_event_budget() => Ok(Verdict::OverBudget),
        // A runaway is the one stop a scenario cannot rule out; a model
        // refusing what the scenario accepted is a validation gap.
        Err(
            RunError::Network(SimError::TooManyInSystem { .. })
            | RunError::Contact(ContactError::TooManyInSystem { .. }),
        ) => Ok(Verdict::Runaway),
        Err(e) => Err(format!("a valid scenario failed to run: {e}")),
    }
}

/// What an accepted scenario must look like, beyond running.
fn check_accepted(scenario: &Scenario, text: &str) -> Result<(), String> {
    let name = &scenario.name;
    if name == "." || name == ".." {
        return Err(format!("the name {name:?} was accepted; it does not name a folder of its own"));
    }
    if let Ok(table) = toml::from_str::<Table>(text)
        && let Some(Value::String(date)) = table.get("start_date")
    {
        let b = date.as_bytes();
        let form = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
        if !form {
            return Err(format!("start_date = {date:?} was accepted; the form is YYYY-MM-DD"));
        }
    }
    Ok(())
}

/// Every string value in a TOML tree: names, labels and descriptions,
/// which the terminal table may print whatever they say.
fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Table(t) => t.values().for_each(|v| collect_strings(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
