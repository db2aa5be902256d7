//! Variants of a scenario made on the command line: `--set path=value`
//! changes one key, addressed by its path, before the scenario is parsed.
//!
//! A path is dotted; an array of tables is entered by the `name` of the
//! element or its 1-based position, so `tier.app.workers`,
//! `tier[app].workers` and `category.citizens.crowd.share` all work. Only
//! keys the scenario already sets can be changed: a misspelt path is then
//! an error that lists the close matches, rather than a new key that the
//! scenario would refuse later with a less helpful message.

use super::error::ScenarioError;
use super::extends::{Extended, resolve_chain};
use super::{Scenario, parse_text};
use crate::units::quote;
use toml::{Table, Value};

/// One key to change: the path as typed and the new value as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Dotted path, e.g. `tier.app.workers`.
    pub path: String,
    /// New value as text: a number, or a string such as `"5000/m"`.
    pub value: String,
}

/// Parses a scenario with `overrides` applied, following `extends`.
///
/// Errors caused by an override name it (`--set path=value: ...`); others
/// point at the file and line that set the key.
pub fn parse_variant(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let text = super::without_bom(text);
    let resolve = &super::read_without_bom(resolve);
    // The scenario as written must be valid on its own: then any error in
    // the variant comes from an override.
    super::parse_scenario_with_includes(file, text, resolve)?;
    let (mut table, files) = resolve_chain(file, text, resolve)?;
    for o in overrides {
        set(&mut table, o).map_err(|message| set_error(file, o, message))?;
    }
    let extended = Extended::from_table(&table, files)?;
    parse_text(file, &extended.text, resolve).map_err(|e| {
        let culprit = overrides
            .iter()
            .find(|o| same_key(&o.path, &e.key))
            .or_else(|| overrides.iter().find(|o| last_segment(&o.path) == last_segment(&e.key)))
            .or(overrides.first());
        match culprit {
            Some(o) => set_error(file, o, e.message),
            None => extended.relocate(e),
        }
    })
}

fn last_segment(path: &str) -> Option<String> {
    segments(path).pop()
}

fn set_error(file: &str, o: &Override, message: String) -> ScenarioError {
    ScenarioError { file: file.to_owned(), line: None, key: format!("--set {}={}", o.path, o.value), message }
}

/// Splits `tier[app].workers` or `tier.app.workers` into segments.
fn segments(path: &str) -> Vec<String> {
    path.replace('[', ".").replace(']', "").split('.').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Whether an error's key path names the override's key.
fn same_key(path: &str, error_key: &str) -> bool {
    let (a, b) = (segments(path), segments(error_key));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x == y)
}

/// Applies one override to the table.
fn set(table: &mut Table, o: &Override) -> Result<(), String> {
    let parts = segments(&o.path);
    if parts.is_empty() {
        return Err("the path is empty".into());
    }
    let all = leaf_paths(table);
    let not_found = || {
        let mut close: Vec<(usize, &String)> = all.iter().map(|p| (edit_distance(p, &parts.join(".")), p)).collect();
        close.sort();
        let list: Vec<&str> = close.iter().take(5).map(|(_, p)| p.as_str()).collect();
        format!("the scenario sets no key at this path; close matches: {}", list.join(", "))
    };
    let mut current: &mut Value = table.get_mut(&parts[0]).ok_or_else(not_found)?;
    for part in &parts[1..] {
        current = match current {
            Value::Table(t) => t.get_mut(part).ok_or_else(not_found)?,
            Value::Array(items) => {
                let index = match part.parse::<usize>() {
                    Ok(n) if n >= 1 && n <= items.len() => n - 1,
                    _ => items
                        .iter()
                        .position(|item| item.get("name").and_then(Value::as_str) == Some(part.as_str()))
                        .ok_or_else(not_found)?,
                };
                &mut items[index]
            }
            _ => return Err(not_found()),
        };
    }
    let new = match current {
        Value::Integer(_) => {
            Value::Integer(o.value.trim().parse().map_err(|_| format!("expected an integer; got {}", quote(&o.value)))?)
        }
        Value::Float(_) => {
            Value::Float(o.value.trim().parse().map_err(|_| format!("expected a number; got {}", quote(&o.value)))?)
        }
        Value::Boolean(_) => Value::Boolean(
            o.value.trim().parse().map_err(|_| format!("expected true or false; got {}", quote(&o.value)))?,
        ),
        Value::String(_) => Value::String(o.value.trim().to_owned()),
        _ => return Err("only a number, a duration, a rate, a time, a word or a boolean can be set".into()),
    };
    *current = new;
    Ok(())
}

/// Every settable key path of a table, as `--set` addresses it.
fn leaf_paths(table: &Table) -> Vec<String> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Table(t) => {
                for (k, v) in t {
                    walk(&join(prefix, k), v, out);
                }
            }
            Value::Array(items) if items.iter().all(Value::is_table) => {
                for (i, item) in items.iter().enumerate() {
                    let label =
                        item.get("name").and_then(Value::as_str).map_or_else(|| (i + 1).to_string(), str::to_owned);
                    walk(&join(prefix, &label), item, out);
                }
            }
            _ => out.push(prefix.to_owned()),
        }
    }
    fn join(prefix: &str, key: &str) -> String {
        if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        walk(k, v, &mut out);
    }
    out
}

/// Levenshtein distance, for suggesting close paths.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name = \"s\"\nduration = \"1h\"\n[waiting_room]\nadmission_rate = \"10/s\"\n[[tier]]\nname = \"app\"\nworkers = 4\n[[tier]]\nname = \"db\"\nworkers = 2\n";

    fn table() -> Table {
        toml::from_str(BASE).unwrap()
    }

    fn apply(path: &str, value: &str) -> Result<Table, String> {
        let mut t = table();
        set(&mut t, &Override { path: path.into(), value: value.into() })?;
        Ok(t)
    }

    #[test]
    fn keys_are_reached_by_name_position_or_brackets() {
        assert_eq!(apply("tier.app.workers", "8").unwrap()["tier"][0]["workers"].as_integer(), Some(8));
        assert_eq!(apply("tier[db].workers", "9").unwrap()["tier"][1]["workers"].as_integer(), Some(9));
        assert_eq!(apply("tier.2.workers", "7").unwrap()["tier"][1]["workers"].as_integer(), Some(7));
        assert_eq!(
            apply("waiting_room.admission_rate", "5000/m").unwrap()["waiting_room"]["admission_rate"].as_str(),
            Some("5000/m")
        );
    }

    #[test]
    fn a_missing_path_lists_the_close_matches() {
        let e = apply("tier.app.wokers", "8").unwrap_err();
        assert!(e.contains("close matches: tier.app.workers"), "{e}");
        let e = apply("waitingroom.admission_rate", "1/s").unwrap_err();
        assert!(e.contains("waiting_room.admission_rate"), "{e}");
    }

    #[test]
    fn values_keep_the_type_of_the_key_they_replace() {
        assert!(apply("tier.app.workers", "many").unwrap_err().contains("expected an integer"));
    }

    const MM1: &str = "name = \"mm1\"\nduration = \"1h\"\n[[source]]\nname = \"in\"\nkind = \"poisson\"\nrate = \"1/s\"\nto = \"q\"\n[[station]]\nname = \"q\"\nservers = 2\nservice = { dist = \"exponential\", mean = \"1s\" }\n";

    #[test]
    fn a_variant_changes_only_its_key() {
        let none = |_: &str| Err("no files".into());
        let o = [Override { path: "station.q.servers".into(), value: "3".into() }];
        let s = parse_variant("mm1.toml", MM1, &none, &o).unwrap();
        let crate::scenario::Model::Network(net) = s.model else { panic!("not a network") };
        assert_eq!(net.stations[0].servers, 3);
        assert_eq!(net.run.duration, 3600.0);
    }

    #[test]
    fn errors_from_a_value_name_the_override() {
        let none = |_: &str| Err("no files".into());
        let o = [Override { path: "duration".into(), value: "90".into() }];
        let e = parse_variant("mm1.toml", MM1, &none, &o).unwrap_err();
        assert!(e.to_string().starts_with("mm1.toml: --set duration=90: "), "{e}");
        let o = [Override { path: "station.q.servers".into(), value: "0".into() }];
        let e = parse_variant("mm1.toml", MM1, &none, &o).unwrap_err();
        assert!(e.to_string().contains("--set station.q.servers=0: must be an integer from 1"), "{e}");
    }
}
