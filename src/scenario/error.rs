//! Scenario errors that point at the file, line and key.

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
        match self.line {
            Some(line) => write!(f, "{}:{}: ", self.file, line)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

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

    /// The line where `key` is assigned inside the region starting at byte
    /// `from` (a table header or an inline value) and ending at the next
    /// table header. Falls back to the line of `from`.
    pub fn key_line(&self, from: usize, key: &str) -> usize {
        let start = self.text[..from.min(self.text.len())].rfind('\n').map_or(0, |i| i + 1);
        let mut offset = start;
        for (n, line) in self.text[start..].split_inclusive('\n').enumerate() {
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
            return ScenarioError { file: self.file.to_owned(), line: None, key: String::new(), message };
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
    fn key_path_at(&self, start: usize, end: usize) -> String {
        let text = self.text;
        let line_start = text[..start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let col = start - line_start;
        let spanned = &text[start.min(text.len())..end.min(text.len())];
        // If the span itself is a key (unknown field), it is followed by '='.
        let after = line.get(col + spanned.len()..).unwrap_or("").trim_start();
        let mut parts: Vec<String> = Vec::new();
        let mut key = if after.starts_with('=') && is_bare_key(spanned) { Some(spanned.to_owned()) } else { None };
        // Walk left on the line: collect `key =` before the value, and the
        // keys of inline tables that enclose it.
        let before = &line[..col.min(line.len())];
        let mut depth = 0i32;
        let mut chars: Vec<(usize, char)> = before.char_indices().collect();
        while let Some((i, ch)) = chars.pop() {
            match ch {
                '}' | ']' => depth += 1,
                '{' | '[' if depth > 0 => depth -= 1,
                '{' | '[' => {
                    if let Some(k) = key_before_equals(&before[..i]) {
                        parts.push(k);
                    }
                }
                '=' if depth == 0 && key.is_none() => key = key_before_equals(&before[..=i]),
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

    /// The table header governing a line, as `name` or `name[n]`: the
    /// line itself when it is a header (serde places a table's missing
    /// keys there), else the nearest header above it.
    fn header_before(&self, line_start: usize) -> Option<String> {
        let line_end = self.text[line_start..].find('\n').map_or(self.text.len(), |i| line_start + i);
        let before = &self.text[..line_end];
        let header_line = before.lines().rev().map(str::trim).find(|l| l.starts_with('['))?;
        if let Some(name) = header_line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let name = name.trim();
            let count = before
                .lines()
                .filter(|l| l.trim().strip_prefix("[[").and_then(|l| l.split("]]").next()).map(str::trim) == Some(name))
                .count();
            Some(format!("{name}[{count}]"))
        } else {
            header_line.strip_prefix('[').and_then(|l| l.split(']').next()).map(|n| n.trim().to_owned())
        }
    }
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
    let start = t.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).map_or(0, |i| i + 1);
    let k = &t[start..];
    is_bare_key(k).then(|| k.to_owned())
}

/// Rewrites serde's type-mismatch wording into the scenario's vocabulary.
fn tidy_serde_message(message: &str) -> String {
    let m = message.replace("unknown field", "unknown key").replace("missing field", "missing key");
    m.replace("expected i64", "expected an integer").replace("expected f64", "expected a number")
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
    fn errors_print_on_one_line() {
        let e = ScenarioError {
            file: "a.toml".into(),
            line: Some(3),
            key: "station[x].servers".into(),
            message: "must be >= 1".into(),
        };
        assert_eq!(e.to_string(), "a.toml:3: station[x].servers: must be >= 1");
    }
}
