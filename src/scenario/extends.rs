//! Scenarios that extend another: `extends = "base.toml"` at the top of a
//! file takes every key of the base and overrides what the file sets.
//!
//! A counterfactual is the same day with one thing changed; writing it as a
//! copy would let the copies drift apart. Tables merge key by key (the
//! extending file wins); arrays, including arrays of tables such as
//! `[[intervention]]`, are replaced whole, because merging lists element by
//! element has no meaning a reader could predict. Errors in the merged
//! scenario are reported at the line of the file that set the key.

use super::error::{ScenarioError, SourceMap, assigns, assigns_inline, header_names};
use crate::units::quote;
use toml::{Table, Value};

/// Deepest chain of files extending files.
const MAX_DEPTH: usize = 8;

/// The table of changes to named elements of the base's arrays.
const CHANGE: &str = "change";

/// A scenario file after following `extends`: the merged text to parse,
/// and the files it came from (extending file first) to locate errors.
#[derive(Debug)]
pub(crate) struct Extended {
    /// The merged scenario, as TOML text.
    pub text: String,
    /// `(file name, text)` of every file in the chain, extending file first.
    pub files: Vec<(String, String)>,
}

/// Follows `extends` from `file`; `None` when the file extends nothing.
pub(crate) fn resolve_extends(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Option<Extended>, ScenarioError> {
    let (merged, files) = resolve_chain(file, text, resolve)?;
    if files.len() == 1 {
        return Ok(None);
    }
    Extended::from_table(&merged, files).map(Some)
}

/// The scenario as one TOML table, `extends` followed and merged, with the
/// files of the chain (extending file first).
pub(crate) fn resolve_chain(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(Table, Vec<(String, String)>), ScenarioError> {
    let mut chain: Vec<(String, String)> = vec![(file.to_owned(), text.to_owned())];
    let mut tables = vec![parse_table(file, text)?];
    loop {
        let (current_file, current_text) = chain.last().cloned().unwrap_or_default();
        let table = tables.last().cloned().unwrap_or_default();
        let Some(base) = table.get("extends") else { break };
        let map = SourceMap { file: &current_file, text: &current_text };
        let Value::String(base) = base else {
            return Err(map.error_at(
                0,
                "extends",
                "extends",
                "must be the path of the scenario this one extends, as a string",
            ));
        };
        if chain.iter().any(|(name, _)| name == base) || chain.len() > MAX_DEPTH {
            return Err(map.error_at(
                0,
                "extends",
                "extends",
                format!("{} makes a loop or a chain deeper than {MAX_DEPTH} files", quote(base)),
            ));
        }
        let base_text = resolve(base).map_err(|m| map.error_at(0, "extends", "extends", m))?;
        tables.push(parse_table(base, &base_text)?);
        chain.push((base.clone(), base_text));
    }
    let mut merged = tables.pop().unwrap_or_default();
    if merged.contains_key(CHANGE) {
        let (file, text) = &chain[tables.len()];
        let map = SourceMap { file, text };
        let mut error = map.error_at(
            0,
            CHANGE,
            CHANGE,
            "changes elements of the scenario a file extends, and this file extends nothing: add `extends`",
        );
        error.line = map.header_line(CHANGE).or(error.line);
        return Err(error);
    }
    while let Some(mut over) = tables.pop() {
        let changes = over.remove(CHANGE);
        merge(&mut merged, over);
        if let Some(changes) = changes {
            let (file, text) = &chain[tables.len()];
            apply_changes(&mut merged, changes, SourceMap { file, text })?;
        }
    }
    merged.remove("extends");
    Ok((merged, chain))
}

/// Merges each `[change.<array>.<name>]` table into the element of
/// `<array>` whose `name` it is.
fn apply_changes(merged: &mut Table, changes: Value, map: SourceMap<'_>) -> Result<(), ScenarioError> {
    let at_header = |path: &str, message: String| {
        let mut error = map.error_at(0, path, CHANGE, message);
        let wanted: Vec<&str> = path.split('.').map(|n| n.trim_matches('"')).collect();
        // The header of the change itself, else the first `[change...]`.
        let line = map.text.lines().position(|l| header_names(l).is_some_and(|(names, _)| names == wanted));
        if let Some(i) = line.or_else(|| map.header_line(CHANGE).map(|l| l - 1)) {
            error.line = Some(i + 1);
        }
        error
    };
    let shape = "is written [change.<array>.<name>], e.g. [change.tier.db] with the keys to change";
    let Value::Table(changes) = changes else { return Err(at_header(CHANGE, shape.into())) };
    for (array, elements) in changes {
        let path = format!("{CHANGE}.{array}");
        let Value::Table(elements) = elements else { return Err(at_header(&path, shape.into())) };
        let Some(Value::Array(items)) = merged.get_mut(&array) else {
            return Err(at_header(&path, format!("the extended scenario has no [[{array}]] to change")));
        };
        for (name, keys) in elements {
            let path = format!("{path}.{}", quote_key(&name));
            let Value::Table(keys) = keys else { return Err(at_header(&path, shape.into())) };
            let names: Vec<String> =
                items.iter().filter_map(|item| item.get("name").and_then(Value::as_str).map(quote)).collect();
            let Some(Value::Table(item)) =
                items.iter_mut().find(|item| item.get("name").and_then(Value::as_str) == Some(name.as_str()))
            else {
                let known = if names.is_empty() { "none has a name".to_owned() } else { names.join(", ") };
                return Err(at_header(
                    &path,
                    format!("no [[{array}]] named {} in the extended scenario (there: {known})", quote(&name)),
                ));
            };
            merge(item, keys);
        }
    }
    Ok(())
}

/// A key as a TOML header writes it: bare when it can be, else quoted.
fn quote_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        key.to_owned()
    } else {
        quote(key)
    }
}

fn parse_table(file: &str, text: &str) -> Result<Table, ScenarioError> {
    let map = SourceMap { file, text };
    toml::from_str::<Table>(text).map_err(|e| map.toml_error(&e))
}

/// Merges `over` into `base`: tables key by key, everything else replaced.
fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

impl Extended {
    /// The merged table written back as TOML text, ready to parse.
    pub fn from_table(table: &Table, files: Vec<(String, String)>) -> Result<Extended, ScenarioError> {
        let text = toml::to_string(table).map_err(|e| ScenarioError {
            file: files.first().map(|f| f.0.clone()).unwrap_or_default(),
            line: None,
            key: String::new(),
            message: format!("the merged scenario cannot be written back as TOML: {e}"),
        })?;
        Ok(Extended { text, files })
    }

    /// Moves an error found in the merged text to the file and line that set
    /// the key: the first file of the chain (extending first) that writes it.
    pub fn relocate(&self, mut error: ScenarioError) -> ScenarioError {
        for (file, text) in &self.files {
            if let Some(line) = locate(text, &error.key) {
                error.file = file.clone();
                error.line = Some(line);
                return error;
            }
        }
        error.file = self.files[0].0.clone();
        error.line = None;
        error
    }
}

/// The line where `key_path` (as scenario errors name keys:
/// `duration`, `edge.capacity`, `tier[database].workers`,
/// `category[2].crowd.share`, `contact.phone.lines`) is written in `text`,
/// if it is. The key's table is the longest prefix of the path that is a
/// header of the file and writes the key (`[contact.phone]`, or the
/// element of `[[tier]]` that a selector names), as an assignment, a
/// dotted key (`phone.lines = 5` under `[contact]`) or inside an inline
/// table; a path that is itself a header is found at it. Keys before the
/// first header are matched the same way, dotted keys included
/// (`contact.phone.handle_time = { ... }`).
fn locate(text: &str, key_path: &str) -> Option<usize> {
    let segments: Vec<(&str, Option<&str>)> = key_path
        .split('.')
        .map(|seg| match seg.split_once('[') {
            Some((name, sel)) => (name, Some(sel.trim_end_matches(']'))),
            None => (seg, None),
        })
        .collect();
    let names: Vec<&str> = segments.iter().map(|(n, _)| *n).collect();
    let lines: Vec<&str> = text.lines().collect();
    let regions = regions(&lines);
    // A key of a named element that this file changes: `tier[db].workers`
    // under `[change.tier.db]`.
    if let Some(i) = segments.iter().position(|(_, sel)| sel.is_some_and(|s| s.parse::<usize>().is_err())) {
        let (array, name) = (segments[i].0, segments[i].1.unwrap_or_default());
        let changed = regions.iter().find(|r| !r.is_array && r.names == [CHANGE, array, name]);
        if let Some(line) = changed.and_then(|r| find_key(&lines, r.from, r.to, &names[i + 1..])) {
            return Some(line);
        }
    }
    for k in (1..=segments.len()).rev() {
        let prefix = &names[..k];
        let region = match segments[k - 1].1 {
            Some(sel) => {
                let tables: Vec<&Region<'_>> = regions.iter().filter(|r| r.is_array && r.names == prefix).collect();
                match sel.parse::<usize>() {
                    Ok(n) => n.checked_sub(1).and_then(|i| tables.get(i).copied()),
                    Err(_) => tables.into_iter().find(|r| {
                        lines[r.from..r.to]
                            .iter()
                            .any(|l| assigns(l.trim_start(), "name") && l.contains(&format!("\"{sel}\"")))
                    }),
                }
            }
            // A path that names a whole array of tables (`step`) is at its
            // first element.
            None => regions.iter().find(|r| r.names == prefix && (!r.is_array || k == segments.len())),
        };
        let Some(region) = region else { continue };
        if k == segments.len() {
            return Some(region.from);
        }
        if let Some(line) = find_key(&lines, region.from, region.to, &names[k..]) {
            return Some(line);
        }
    }
    // A key before the first header: the path up to its first selector.
    let end = regions.first().map_or(lines.len(), |r| r.from.saturating_sub(1));
    let plain = segments.iter().position(|(_, sel)| sel.is_some()).map_or(names.len(), |i| i + 1);
    find_key(&lines, 0, end, &names[..plain])
}

/// The 1-based line among `lines[from..to]` that writes the key path
/// `rest`: a line whose (dotted) key and `rest` start the same way, or
/// else one that assigns `rest[0]` anywhere on it (inside an inline table).
fn find_key(lines: &[&str], from: usize, to: usize, rest: &[&str]) -> Option<usize> {
    let first = *rest.first()?;
    let by_key =
        (from..to).find(|i| dotted_key(lines[*i]).is_some_and(|keys| keys.iter().zip(rest).all(|(a, b)| a == b)));
    by_key.or_else(|| (from..to).find(|i| assigns_inline(lines[*i], first))).map(|i| i + 1)
}

/// The key a line assigns, split at its dots: `phone.lines = 5` gives
/// `["phone", "lines"]`; `None` for a line that assigns nothing.
fn dotted_key(line: &str) -> Option<Vec<&str>> {
    let (key, _) = line.split_once('=')?;
    let keys: Vec<&str> = key.split('.').map(|k| k.trim().trim_matches('"')).collect();
    keys.iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .then_some(keys)
}

/// A table header and the lines (after it, up to the next header) it
/// governs.
struct Region<'t> {
    names: Vec<&'t str>,
    is_array: bool,
    /// Index of the first line after the header, which is also the
    /// header's own 1-based line number.
    from: usize,
    to: usize,
}

fn regions<'t>(lines: &[&'t str]) -> Vec<Region<'t>> {
    let headers: Vec<(usize, Vec<&str>, bool)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| header_names(l).map(|(names, is_array)| (i, names, is_array)))
        .collect();
    headers
        .iter()
        .enumerate()
        .map(|(n, (i, names, is_array))| Region {
            names: names.clone(),
            is_array: *is_array,
            from: i + 1,
            to: headers.get(n + 1).map_or(lines.len(), |(next, _, _)| *next),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name = \"base\"\nduration = \"1h\"\n\n[edge]\ncapacity = \"10/s\"\nlatency = \"40ms\"\n\n[[tier]]\nname = \"app\"\nworkers = 4\n\n[[tier]]\nname = \"db\"\nworkers = 2\n";

    fn resolver(name: &str) -> Result<String, String> {
        match name {
            "base.toml" => Ok(BASE.to_owned()),
            "loop.toml" => Ok("extends = \"loop.toml\"\n".to_owned()),
            other => Err(format!("no file {other}")),
        }
    }

    #[test]
    fn tables_merge_and_arrays_are_replaced() {
        let child = "extends = \"base.toml\"\nname = \"child\"\n[edge]\ncapacity = \"20/s\"\n[[tier]]\nname = \"app\"\nworkers = 8\n";
        let merged = resolve_extends("child.toml", child, &resolver).unwrap().unwrap();
        let table: Table = toml::from_str(&merged.text).unwrap();
        assert_eq!(table["name"].as_str(), Some("child"));
        assert_eq!(table["duration"].as_str(), Some("1h"));
        assert_eq!(table["edge"]["capacity"].as_str(), Some("20/s"));
        assert_eq!(table["edge"]["latency"].as_str(), Some("40ms"));
        assert_eq!(table["tier"].as_array().map(Vec::len), Some(1));
        assert!(table.get("extends").is_none());
    }

    #[test]
    fn a_change_merges_into_the_named_element_only() {
        let child = "extends = \"base.toml\"\n[change.tier.db]\nworkers = 9\n";
        let merged = resolve_extends("child.toml", child, &resolver).unwrap().unwrap();
        let table: Table = toml::from_str(&merged.text).unwrap();
        let tiers = table["tier"].as_array().unwrap();
        assert_eq!(tiers.len(), 2);
        assert_eq!((tiers[0]["name"].as_str(), tiers[0]["workers"].as_integer()), (Some("app"), Some(4)));
        assert_eq!((tiers[1]["name"].as_str(), tiers[1]["workers"].as_integer()), (Some("db"), Some(9)));
        assert!(table.get("change").is_none());
        // An error in a changed key is found at the change.
        let bad = "extends = \"base.toml\"\n\n[change.tier.db]\nworkers = -1\n";
        let ext = resolve_extends("child.toml", bad, &resolver).unwrap().unwrap();
        let error = ScenarioError { file: "m".into(), line: None, key: "tier[db].workers".into(), message: "m".into() };
        assert_eq!(ext.relocate(error).to_string(), "child.toml:4: tier[db].workers: m");
    }

    #[test]
    fn a_change_names_an_element_that_exists() {
        let e = resolve_extends("c.toml", "extends = \"base.toml\"\n[change.tier.cache]\nworkers = 1\n", &resolver)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:2: change.tier.cache: no [[tier]] named \"cache\" in the extended scenario (there: \"app\", \"db\")"
        );
        let e = resolve_extends("c.toml", "extends = \"base.toml\"\n[change.step.x]\nthink = \"1s\"\n", &resolver)
            .unwrap_err();
        assert!(e.to_string().starts_with("c.toml:2: change.step: the extended scenario has no [[step]]"), "{e}");
        let e = resolve_extends("c.toml", "extends = \"base.toml\"\nchange = 3\n", &resolver).unwrap_err();
        assert!(e.to_string().contains("is written [change.<array>.<name>]"), "{e}");
        let e = resolve_extends("base2.toml", "name = \"x\"\n[change.tier.db]\nworkers = 1\n", &|_| Err("none".into()));
        assert_eq!(
            e.unwrap_err().to_string(),
            "base2.toml:2: change: changes elements of the scenario a file extends, and this file extends nothing: \
             add `extends`"
        );
    }

    #[test]
    fn a_file_without_extends_is_left_alone() {
        assert!(resolve_extends("base.toml", BASE, &resolver).unwrap().is_none());
    }

    #[test]
    fn loops_and_missing_bases_are_errors_naming_the_key() {
        let e = resolve_extends("a.toml", "extends = \"loop.toml\"\n", &resolver).unwrap_err();
        // Caught at the first repeat (the second file), long before the
        // depth limit would stop the chain.
        assert_eq!(e.to_string(), "loop.toml:1: extends: \"loop.toml\" makes a loop or a chain deeper than 8 files");
        let e = resolve_extends("a.toml", "name = \"x\"\nextends = \"none.toml\"\n", &resolver).unwrap_err();
        assert_eq!(e.to_string(), "a.toml:2: extends: no file none.toml");
    }

    #[test]
    fn errors_are_located_in_the_file_that_set_the_key() {
        let child = "extends = \"base.toml\"\n\n[[tier]]\nname = \"app\"\nworkers = -1\n";
        let ext = resolve_extends("child.toml", child, &resolver).unwrap().unwrap();
        let error = ScenarioError {
            file: "merged".into(),
            line: Some(99),
            key: "tier[app].workers".into(),
            message: "m".into(),
        };
        assert_eq!(ext.relocate(error).to_string(), "child.toml:5: tier[app].workers: m");
        let error =
            ScenarioError { file: "merged".into(), line: Some(99), key: "edge.latency".into(), message: "m".into() };
        assert_eq!(ext.relocate(error).to_string(), "base.toml:6: edge.latency: m");
        assert_eq!(locate(BASE, "tier[2].workers"), Some(14));
        assert_eq!(locate(BASE, "duration"), Some(2));
        // Nested tables: the longest header that is a prefix of the path.
        let nested = "name = \"n\"\n[contact]\ntimezone = 1\n\n[contact.phone]\nlines = 5\nagents = 3\n";
        assert_eq!(locate(nested, "contact.phone.agents"), Some(7));
        assert_eq!(locate(nested, "contact.timezone"), Some(3));
        assert_eq!(locate(nested, "name"), Some(1));
        assert_eq!(locate(nested, "contact.phone"), Some(5));
        assert_eq!(locate(nested, "contact.phone.patience"), None);
        // Dotted keys, at the top and under a table.
        let dotted = "name = \"n\"\ncontact.phone.handle_time = { mean = \"1s\" }\n[contact]\nphone.lines = 5\n";
        assert_eq!(locate(dotted, "contact.phone.handle_time.mean"), Some(2));
        assert_eq!(locate(dotted, "contact.phone.lines"), Some(4));
        // A sub-table of an element of an array of tables, as a header.
        let sub = "[[station]]\nname = \"a\"\n[station.service]\nmean = \"1s\"\n";
        assert_eq!(locate(sub, "station.service.mean"), Some(4));
        assert_eq!(locate(sub, "station[1].service.mean"), Some(4));
    }
}
