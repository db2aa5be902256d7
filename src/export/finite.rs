//! A check that rendered outputs hold only numbers a reader can use.
//!
//! An undefined statistic (a percentile of no observations) is written as
//! an empty CSV cell and as `-` in the terminal table; `NaN` or `inf` in a
//! table would be read by pandas, R or a spreadsheet as a number, and by a
//! person as a bug. The fuzz target and the property tests run this check
//! on whatever a mutated scenario produces, so a model or an exporter that
//! lets a non-finite value through fails there, not in a reader's chart.

/// Columns of the CSV tables that hold text (names, labels, flags): every
/// other column holds numbers or nothing.
const TEXT_COLUMNS: [&str; 6] = ["scenario", "scope", "metric", "tier", "clock", "in_warmup"];

/// Checks a scenario's output files (`.csv` and `.json` by name; others are
/// not looked at) and its terminal table. `free_text` is every string the
/// scenario itself holds (names, labels, the description): a station
/// called `inf` is the author's word, not a number, wherever it is printed.
/// The error names the file, the line and the offending text.
pub fn check<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    summary: &str,
    free_text: &[&str],
) -> Result<(), String> {
    for (name, bytes) in files {
        if name.ends_with(".csv") {
            check_csv(bytes).map_err(|m| format!("{name}: {m}"))?;
        } else if name.ends_with(".json") {
            check_json(bytes).map_err(|m| format!("{name}: {m}"))?;
        }
    }
    let exempt: Vec<&str> = free_text.iter().flat_map(|t| t.split_whitespace()).map(trim).collect();
    for (n, line) in summary.lines().enumerate() {
        if let Some(word) = line.split_whitespace().map(trim).find(|w| non_finite_word(w) && !exempt.contains(w)) {
            return Err(format!("terminal table line {}: \"{word}\" in {line:?}", n + 1));
        }
    }
    Ok(())
}

/// Every cell of a numeric column is empty or a finite number, every clock
/// label is free of `NaN` and `inf`, flags are `true` or `false`, and every
/// row has as many cells as the header.
fn check_csv(bytes: &[u8]) -> Result<(), String> {
    let mut reader = ::csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(str::to_owned).collect();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        for (column, cell) in header.iter().zip(record.iter()) {
            let ok = match column.as_str() {
                "clock" => !cell.contains("NaN") && !cell.contains("inf"),
                "in_warmup" => cell == "true" || cell == "false",
                c if TEXT_COLUMNS.contains(&c) => true,
                _ => cell.is_empty() || cell.parse::<f64>().is_ok_and(f64::is_finite),
            };
            if !ok {
                return Err(format!("line {line}: column {column} holds \"{cell}\""));
            }
        }
    }
    Ok(())
}

/// Valid JSON without `null`, which is what serde_json writes for a
/// non-finite number.
fn check_json(bytes: &[u8]) -> Result<(), String> {
    fn walk(value: &serde_json::Value, path: &str) -> Result<(), String> {
        match value {
            serde_json::Value::Null => Err(format!("{path} is null")),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().try_for_each(|(i, v)| walk(v, &format!("{path}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| walk(v, &format!("{path}.{k}"))),
            _ => Ok(()),
        }
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    walk(&value, "$")
}

/// A word of the terminal table without the punctuation around it.
fn trim(word: &str) -> &str {
    word.trim_end_matches([',', ';', ':', ')']).trim_start_matches('(')
}

/// `NaN`, `inf`, `-inf` or `infinity` as Rust prints them, with or without
/// a unit (`inf%`, `NaNs`, `-inf/s`).
fn non_finite_word(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['-', '+']).unwrap_or(&lower);
    let unit = unsigned
        .strip_prefix("nan")
        .or_else(|| unsigned.strip_prefix("infinity"))
        .or_else(|| unsigned.strip_prefix("inf"));
    matches!(unit, Some("" | "s" | "m" | "h" | "%" | "/s" | "/h"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_cells_pass_and_words_for_non_finite_numbers_fail() {
        let good = b"scenario,scope,clock,value,in_warmup\nNaN,inf,00:10:00,,false\nx,y,00:20:00,1.5e3,true\n";
        check([("t.csv", &good[..])], "", &[]).unwrap();
        for bad in ["x,y,00:10:00,inf,false", "x,y,00:10:00,NaN,false", "x,y,00:10:00,-inf,false", "x,y,NaN,1,false"] {
            let text = format!("scenario,scope,clock,value,in_warmup\n{bad}\n");
            let err = check([("t.csv", text.as_bytes())], "", &[]).unwrap_err();
            assert!(err.starts_with("t.csv: line 2: column "), "{err}");
        }
        let short = b"a,b\n1\n";
        assert!(check([("t.csv", &short[..])], "", &[]).is_err());
    }

    #[test]
    fn null_in_json_fails() {
        check([("run.json", &b"{\"a\": [1, \"inf\"]}"[..])], "", &[]).unwrap();
        let err = check([("run.json", &b"{\"a\": [1, null]}"[..])], "", &[]).unwrap_err();
        assert_eq!(err, "run.json: $.a[1] is null");
    }

    #[test]
    fn the_terminal_table_fails_on_non_finite_numbers_but_not_on_names() {
        check([], "mean wait  1.5 ± 0.2s\ninformation  -\n", &[]).unwrap();
        for bad in ["mean wait  inf ± 2s", "waited  NaN%", "wait  1 ± infs", "network: completions: -inf/s"] {
            assert!(check([], bad, &[]).is_err(), "{bad}");
        }
        check([], "inf — 1 replications\n  station NaN  2.0s\ninterventions: 01:00 NaN;", &["inf", "station NaN"])
            .unwrap();
    }
}
