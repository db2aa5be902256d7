//! Input the user can fix: a scenario file that cannot be read, an option
//! out of range, an output folder that cannot be used, shards that do not
//! make one run. Printed as one line, exit status 2, the same status clap
//! gives a usage error; exit status 1 is kept for failures of the machine
//! (a full disk, a write refused midway).

use std::fmt;
use std::path::Path;

/// A problem with what the user gave, and what to do about it.
#[derive(Debug)]
pub struct BadInput(String);

impl BadInput {
    /// A message, shown after `error: ` on one line: control characters
    /// in it (a newline in a name or a path) are escaped.
    pub fn new(message: impl AsRef<str>) -> BadInput {
        BadInput(one_line(message.as_ref()))
    }
}

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// A `BadInput` as an `anyhow` error, for `?` in the commands.
pub fn bad(message: impl AsRef<str>) -> anyhow::Error {
    BadInput::new(message).into()
}

/// `text` with control characters escaped (`\n`, `\u{1b}`), so that a
/// message echoing a name or a path stays on one line and cannot move the
/// terminal's cursor.
pub fn one_line(text: &str) -> String {
    clickday::units::one_line(text).into_owned()
}

/// A path as a message shows it: on one line.
pub fn shown(path: &Path) -> String {
    one_line(&path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(one_line("a\nb\tc\u{1b}[2J é"), "a\\nb\\tc\\u{1b}[2J é");
        assert_eq!(BadInput::new("name \"x\ny\"").to_string(), "name \"x\\ny\"");
    }
}
