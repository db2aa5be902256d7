//! Scenario errors that point at the file, line and key.

use crate::units::one_line;
use std::collections::HashMap;
use std::fmt;

/// A problem with a scenario file, located as precisely as the file allows.
///
/// Displayed on one line, `file:line: key: message`, which editors and
/// terminals turn into a clickable location. The message states the allowed
/// values, so the reader can fix the file without opening the docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file name as given on the command line.
    pub file: String,
    /// 1-based line of the offending key, when it can be found.
    pub line: Option<usize>,
    /// Dotted path of the key, e.g. `station[agents].servers`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line whatever the parts hold: a key path names elements by
        // the names the file gives them, which may hold any character.
        match self.line {
            Some(line) => write!(f, "{}:{}: ", one_line(&self.file), line)?,
            None => write!(f, "{}: ", one_line(&self.file))?,
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", one_line(&self.key))?;
        }
        f.write_str(&one_line(&self.message))
    }
}

impl std::error::Error for ScenarioError {}

/// Something a scenario says that runs, but probably not as its author
/// meant: the run goes on and the reader is told where, located and shown
/// as an error is (`file:line: key: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioWarning(pub ScenarioError);

impl fmt::Display for ScenarioWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The scenario text with helpers that turn byte offsets into lines and find
/// where a key is written.
pub(crate) struct SourceMap<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl<'a> SourceMap<'a> {
    /// 1-based line containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
    }

    /// Byte offset where the line holding byte `offset` starts. Works on
    /// bytes, so any offset is safe, even one inside a character.
    fn line_start(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
    }

    /// The line that starts at byte `start` (a line start), without its
    /// line break.
    fn line_at(&self, start: usize) -> &'a str {
        let rest = self.text.get(start..).unwrap_or("");
        rest.split('\n').next().unwrap_or("")
    }

    /// The line where `key` is assigned inside the region starting at byte
    /// `from` (a table header or an inline value) and ending at the next
    /// table header. Falls back to the line of `from`.
    pub fn key_line(&self, from: usize, key: &str) -> usize {
        let start = self.line_start(from);
        let mut offset = start;
        for (n, line) in self.text.get(start..).unwrap_or("").split_inclusive('\n').enumerate() {
            let trimmed = line.trim_start();
            if n > 0 && trimmed.starts_with('[') {
                break;
            }
            if assigns(trimmed, key) || (n == 0 && assigns_inline(line, key)) {
                return self.line_of(offset);
            }
            offset += line.len();
        }
        self.line_of(from)
    }

    /// Whether `key` is assigned before the first table header.
    pub fn assigns_at_top(&self, key: &str) -> bool {
        self.text.lines().take_while(|l| header_names(l).is_none()).any(|l| assigns(l.trim_start(), key))
    }

    /// The line of the first table header `[name]`, `[[name]]` or of a
    /// table below it (`[name.sub]`), if the file has one.
    pub fn header_line(&self, name: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| header_names(l).is_some_and(|(names, _)| names.first() == Some(&name)))
            .map(|i| i + 1)
    }

    /// An error at `key` of the region starting at `from`.
    pub fn error_at(&self, from: usize, key_path: &str, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            file: self.file.to_owned(),
            line: Some(self.key_line(from, key)),
            key: key_path.to_owned(),
            message: message.into(),
        }
    }

    /// An error on the line containing byte `offset`.
    pub fn error_on_line(&self, offset: usize, key_path: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            file: self.file.to_owned(),
            line: Some(self.line_of(offset)),
            key: key_path.to_owned(),
            message: message.into(),
        }
    }

    /// Converts a TOML parse or type error into a located, one-line error,
    /// naming the key from the text around the error's position.
    pub fn toml_error(&self, err: &toml::de::Error) -> ScenarioError {
        let message = err.message().lines().next().unwrap_or("malformed TOML").trim().to_owned();
        let Some(span) = err.span() else {
            return ScenarioError {
                file: self.file.to_owned(),
                line: None,
                key: String::new(),
                message: tidy_serde_message(&message),
            };
        };
        ScenarioError {
            file: self.file.to_owned(),
            line: Some(self.line_of(span.start)),
            key: self.key_path_at(span.start, span.end),
            message: tidy_serde_message(&message),
        }
    }

    /// The dotted key path at a position: the enclosing `[table]` or
    /// `[[array]]` (with its 1-based position among its kind), any inline
    /// tables opened on the way, and the key itself.
    ///
    /// The span comes from the TOML parser and is trusted no further than
    /// that: every slice is taken with `get` on character boundaries, so a
    /// span inside a multi-byte character (a byte-order mark, an accented
    /// name) or past the end gives a shorter path, never a panic.
    fn key_path_at(&self, start: usize, end: usize) -> String {
        let text = self.text;
        let start = floor_char_boundary(text, start);
        let end = floor_char_boundary(text, end.max(start));
        let line_start = self.line_start(start);
        let line = self.line_at(line_start);
        let col = floor_char_boundary(line, start - line_start);
        let spanned = text.get(start..end).unwrap_or("");
        // If the span itself is a key (unknown field), it is followed by '='.
        let after = line.get(col + spanned.len()..).unwrap_or("").trim_start();
        let mut parts: Vec<String> = Vec::new();
        let mut key = if after.starts_with('=') && is_bare_key(spanned) { Some(spanned.to_owned()) } else { None };
        // Walk left on the line: collect `key =` before the value, and the
        // keys of inline tables that enclose it.
        let before = line.get(..col).unwrap_or("");
        let mut depth = 0i32;
        // The value's own key is the first `=` to its left, unless an
        // enclosing inline table or array comes first: then the value is
        // an element and every `=` further left belongs to enclosing keys.
        let mut key_settled = key.is_some();
        for (i, ch) in before.char_indices().rev() {
            match ch {
                '}' | ']' => depth += 1,
                '{' | '[' if depth > 0 => depth -= 1,
                '{' | '[' => {
                    if let Some(k) = key_before_equals(&before[..i]) {
                        parts.push(k);
                    }
                    key_settled = true;
                }
                '=' if depth == 0 && !key_settled => {
                    key = key_before_equals(&before[..=i]);
                    key_settled = true;
                }
                _ => {}
            }
        }
        parts.reverse();
        if let Some(header) = self.header_before(line_start) {
            parts.insert(0, header);
        }
        if let Some(k) = key {
            parts.push(k);
        }
        parts.join(".")
    }

    /// The table header governing a line, as a key path such as
    /// `contact.phone`, `station[2]` or `station[2].service`: the line
    /// itself when it is a header (serde places a table's missing keys
    /// there), else the nearest header above it.
    ///
    /// A table header below an array of tables belongs to the array's
    /// latest element, so `[[station]] ... [station.service]` is
    /// `station[n].service`; this is how a scenario merged from `extends`
    /// is written back, and the element's position is what finds the line
    /// in the file that set it.
    fn header_before(&self, line_start: usize) -> Option<String> {
        let line_end = line_start + self.line_at(line_start).len();
        let before = self.text.get(..line_end).unwrap_or(self.text);
        let mut current = None;
        // The path of the latest element of each array of tables, and how
        // many elements each (parent path, array name) has had.
        let mut latest: HashMap<Vec<&str>, String> = HashMap::new();
        let mut counts: HashMap<String, usize> = HashMap::new();
        for line in before.lines() {
            let Some((names, is_array)) = header_names(line) else { continue };
            let parent = (1..names.len()).rev().find_map(|k| latest.get(&names[..k]).map(|p| (k, p.clone())));
            let (k, prefix) = parent.map_or((0, String::new()), |(k, p)| (k, p + "."));
            let path = format!("{prefix}{}", names[k..].join("."));
            if is_array {
                let n = counts.entry(path.clone()).or_insert(0);
                *n += 1;
                let element = format!("{path}[{n}]");
                latest.insert(names.clone(), element.clone());
                current = Some(element);
            } else {
                current = Some(path);
            }
        }
        current
    }
}

/// The dotted names of a table header line and whether it opens an array
/// of tables: `[[contact.phone.demand]]` is `(["contact", "phone",
/// "demand"], true)`. `None` for any other line.
/// A line of a multi-line array (`  ["1s", 0.5],`) also starts with `[`;
/// it is told apart by what follows the brackets and what is between them.
pub(super) fn header_names(line: &str) -> Option<(Vec<&str>, bool)> {
    let l = line.trim();
    let (inner, rest, is_array) = match l.strip_prefix("[[") {
        Some(rest) => rest.split_once("]]").map(|(inner, rest)| (inner, rest, true))?,
        None => l.strip_prefix('[')?.split_once(']').map(|(inner, rest)| (inner, rest, false))?,
    };
    let rest = rest.trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let names: Vec<&str> = inner.split('.').map(|n| n.trim().trim_matches('"')).collect();
    names.iter().all(|n| is_bare_key(n)).then_some((names, is_array))
}

/// The largest character boundary of `text` at or before `i`.
fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_bare_key(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether a trimmed line assigns `key` (`key = ...`).
pub(super) fn assigns(trimmed: &str, key: &str) -> bool {
    trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// Whether `key = ` appears anywhere on the line as a whole key (inside an
/// inline table such as `service = { mean = "3m" }`).
pub(super) fn assigns_inline(line: &str, key: &str) -> bool {
    line.match_indices(key).any(|(i, _)| {
        let before_ok =
            line[..i].chars().next_back().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        before_ok && line[i + key.len()..].trim_start().starts_with('=')
    })
}

/// The bare key just before a trailing `=` in `text` (ignoring spaces).
fn key_before_equals(text: &str) -> Option<String> {
    let t = text.trim_end().strip_suffix('=')?.trim_end();
    let start = t
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let k = t.get(start..)?;
    is_bare_key(k).then(|| k.to_owned())
}

/// Rewrites serde's type-mismatch wording into the scenario's vocabulary:
/// the reader wrote TOML and never saw the loader's Rust types, so
/// "expected struct RawDist" becomes what to write instead.
fn tidy_serde_message(message: &str) -> String {
    let mut m = message
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected an array [...]")
        .replace("expected a tuple of size 2", "expected a pair [duration, probability]")
        .replace("expected a map", "expected a table");
    while let Some(at) = m.find("struct Raw") {
        let name_len = m[at + 7..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(m.len() - at - 7);
        let name = m[at + 7..at + 7 + name_len].to_owned();
        m.replace_range(at..at + 7 + name_len, raw_type_in_words(&name));
    }
    m
}

/// What a scenario writes for each of the loader's table types.
fn raw_type_in_words(name: &str) -> &'static str {
    match name {
        "RawDist" => "a distribution table such as { dist = \"exponential\", mean = \"2m\" }",
        "RawRoute" => "a route such as { to = \"db\", p = 0.5 }",
        "RawCapacityChange" => "a capacity change such as { at = \"08:00\", servers = 10 }",
        "RawRatePoint" => "a profile point such as { at = \"08:00\", rate = \"100/h\" }",
        "RawWeightPoint" => "a curve point such as { at = \"08:00\", weight = 1.0 }",
        "RawWindow" | "RawHours" => "a table such as { from = \"08:00\", to = \"18:00\" }",
        "RawBackoff" => "a table such as { base = \"1s\", cap = \"1m\", jitter = true }",
        "RawBreak" => "a break such as { after = \"4h\", length = \"30m\" }",
        _ => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_name_the_table_and_the_key() {
        let text = "name = \"x\"\n[[station]]\nname = \"a\"\n[[station]]\nservice = { dist = \"exponential\", mean = \"3\" }\n";
        let map = SourceMap { file: "f.toml", text };
        let at = text.find("\"3\"").unwrap();
        assert_eq!(map.key_path_at(at, at + 3), "station[2].service.mean");
        assert_eq!(map.line_of(at), 5);
        let top = text.find("\"x\"").unwrap();
        assert_eq!(map.key_path_at(top, top + 3), "name");
    }

    #[test]
    fn key_line_finds_the_assignment_below_a_header() {
        let text = "[[station]]\nname = \"a\"\nservers = 0\n[[station]]\nservers = 3\n";
        let map = SourceMap { file: "f.toml", text };
        assert_eq!(map.key_line(0, "servers"), 3);
        assert_eq!(map.key_line(text.rfind("[[station]]").unwrap(), "servers"), 5);
        assert_eq!(map.key_line(0, "missing"), 1);
    }

    #[test]
    fn key_paths_never_slice_inside_a_character() {
        // A byte-order mark, accented names, and spans that start or end
        // inside a character or past the end of the text.
        let text = "\u{feff}name = 1\n[[station]]\nnom\u{e9} = \"caf\u{e9}\"\nservice = { mean = \"\u{1f600}\" }\n";
        let map = SourceMap { file: "f.toml", text };
        for start in 0..=text.len() + 3 {
            for end in [start, start + 1, start + 2, start + 5, text.len() + 10] {
                let _ = map.key_path_at(start, end);
                let _ = map.key_line(start, "mean");
            }
            let _ = map.header_before(map.line_start(start));
        }
        assert_eq!(map.key_path_at(3, 7), "name");
        let at = text.find("\"\u{1f600}").unwrap();
        assert_eq!(map.key_path_at(at + 2, at + 3), "station[1].service.mean");
    }

    #[test]
    fn a_table_under_an_array_of_tables_belongs_to_its_latest_element() {
        // How a merged `extends` scenario is written back.
        let text = "[[station]]\nname = \"a\"\n[[station]]\nname = \"b\"\n[station.service]\nmean = \"-3s\"\n[[station.routes]]\nto = \"a\"\n[[station.routes]]\np = \"x\"\n[contact.phone]\nlines = 1\n";
        let map = SourceMap { file: "f.toml", text };
        let path = |needle: &str| {
            let at = text.find(needle).unwrap();
            map.key_path_at(at, at + needle.len())
        };
        assert_eq!(path("\"-3s\""), "station[2].service.mean");
        assert_eq!(path("\"x\""), "station[2].routes[2].p");
        assert_eq!(path("1\n"), "contact.phone.lines");
        // A value inside an array names the array's key once.
        let text = "[[station]]\nservice = { dist = \"empirical\", cdf = [[\"1s\"]] }\nroutes = [ \"a\" ]\n";
        let map = SourceMap { file: "f.toml", text };
        let at = text.find("[\"1s").unwrap();
        assert_eq!(map.key_path_at(at, at + 6), "station[1].service.cdf");
        let at = text.find("\"a\"").unwrap();
        assert_eq!(map.key_path_at(at, at + 3), "station[1].routes");
        // A line of a multi-line array is not a header.
        let text = "[[station]]\ncdf = [\n  [\"1s\", 0.5],\n]\nmean = 2\n";
        let map = SourceMap { file: "f.toml", text };
        let at = text.find('2').unwrap();
        assert_eq!(map.key_path_at(at, at + 1), "station[1].mean");
    }

    #[test]
    fn type_errors_use_the_scenarios_words() {
        assert_eq!(
            tidy_serde_message("invalid type: string \"3m\", expected struct RawDist"),
            "invalid type: string \"3m\", expected a distribution table such as { dist = \"exponential\", mean = \"2m\" }"
        );
        assert_eq!(
            tidy_serde_message("invalid type: integer `1`, expected struct RawTier"),
            "invalid type: integer `1`, expected a table"
        );
        assert_eq!(
            tidy_serde_message("invalid type: string \"a\", expected a sequence"),
            "invalid type: string \"a\", expected an array [...]"
        );
    }

    #[test]
    fn errors_print_on_one_line() {
        let e = ScenarioError {
            file: "a.toml".into(),
            line: Some(3),
            key: "station[x].servers".into(),
            message: "must be >= 1".into(),
        };
        assert_eq!(e.to_string(), "a.toml:3: station[x].servers: must be >= 1");
        let e = ScenarioError {
            file: "a\nb.toml".into(),
            line: None,
            key: "tier[x\ry]".into(),
            message: "bad\u{1b}[2J\u{2028}end".into(),
        };
        assert_eq!(e.to_string(), r"a\nb.toml: tier[x\ry]: bad\u{1b}[2J\u{2028}end");
    }
}
