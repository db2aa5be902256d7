//! Scenario files: TOML in, a validated [`Scenario`] out.
//!
//! The loader never touches the file system: the caller reads the file and
//! passes its name and text, so the same code serves the CLI, the tests and
//! the scenarios embedded in the binary. Every key is documented, with unit,
//! default and allowed range, in `scenarios/README.md`.
//!
//! Errors name the file, the line, the key and what is allowed
//! ([`ScenarioError`]); unknown keys are errors, because a misspelt key
//! silently falling back to its default is the worst kind of wrong answer.

mod build;
mod contact;
mod error;
mod extends;
mod launch;
mod overrides;
mod raw;

pub use build::{DEFAULT_MAX_IN_SYSTEM, MAX_EXPECTED_ARRIVALS, MAX_INTERVAL_ROWS};
pub use error::{ScenarioError, ScenarioWarning};
pub use overrides::{Override, parse_variant};

use crate::contact::ContactCenter;
use crate::engine::RunLength;
use crate::launch::LaunchDay;
use crate::network::Network;
use crate::units::{Date, quote};
use error::SourceMap;

/// A validated scenario: what to simulate and how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name; names the output folder.
    pub name: String,
    /// The story the scenario tells, for reports.
    pub description: String,
    /// The calendar date of time zero (midnight), if the scenario has one.
    pub start_date: Option<Date>,
    /// Run seed: with the replication index it fixes every random number.
    pub seed: u64,
    /// Replications to run unless the command line says otherwise.
    pub replications: u32,
    /// What to simulate.
    pub model: Model,
    /// The scenario's own practical thresholds (`[practical]`): when it is
    /// the baseline, a difference is called better or worse only if it is
    /// at least this.
    pub practical: Vec<crate::verdict::Override>,
    /// What the scenario says that runs but is probably not meant, such as
    /// contacts on a channel it does not model.
    pub warnings: Vec<ScenarioWarning>,
}

/// The keys of a scenario with `extends` followed and `[change...]`
/// applied, as one TOML table: what a tool that edits a scenario (the
/// classroom page's levers) reads its current values from.
pub fn resolved_table(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<toml::Table, ScenarioError> {
    let text = without_bom(text);
    let resolve = &read_without_bom(resolve);
    Ok(extends::resolve_chain(file, text, resolve)?.0)
}

/// The kinds of model a scenario can describe.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Model {
    /// A queueing network (`[[station]]` and `[[source]]` tables).
    Network(Network),
    /// A launch day (`[population]`, `[[category]]`, `[[step]]`, `[[tier]]`, ...).
    LaunchDay(Box<LaunchDay>),
    /// A contact center on its own (a `[contact]` section and no other model).
    Contact(Box<ContactCenter>),
}

impl Scenario {
    /// The scenario at classroom scale (`factor` of the people and of the
    /// capacities that serve them; see [`LaunchDay::scaled`]): only a
    /// launch day has one. A factor of 1 is the scenario itself.
    ///
    /// [`LaunchDay::scaled`]: crate::launch::LaunchDay::scaled
    pub fn scaled(&self, factor: f64) -> Result<Scenario, String> {
        crate::launch::check_scale(factor)?;
        if factor == 1.0 {
            return Ok(self.clone());
        }
        let Model::LaunchDay(day) = &self.model else {
            return Err(format!("{}: only launch-day scenarios can be scaled", self.name));
        };
        let mut scaled = self.clone();
        // The report tells its reader that this is not the full day.
        let percent = (factor * 1e6).round() / 1e4;
        scaled.description = format!(
            "{}\n\nAt classroom scale {factor}: {percent}% of the people and of the capacities that serve them.",
            self.description.trim_end(),
        );
        scaled.model = Model::LaunchDay(Box::new(day.scaled(factor).map_err(|e| format!("{}: {e}", self.name))?));
        Ok(scaled)
    }

    /// Run length, warm-up and interval of the scenario's model.
    pub fn run(&self) -> RunLength {
        match &self.model {
            Model::Network(net) => net.run,
            Model::LaunchDay(day) => day.run,
            Model::Contact(center) => center.run,
        }
    }

    /// Interval rows one replication keeps in memory until the run's
    /// tables are written: one per interval and scope (each tier and the
    /// portal of a launch day, each channel of a contact center, each
    /// station and the network). The run holds this times its
    /// replications, at most [`MAX_INTERVAL_ROWS`]; the loader checks it
    /// with the file's `replications`, and a caller that runs another
    /// number checks it again.
    pub fn interval_rows_per_replication(&self) -> f64 {
        let run = self.run();
        let intervals = (run.duration / run.interval).ceil();
        let scopes = match &self.model {
            Model::Network(net) => net.stations.len() as f64 + 1.0,
            Model::LaunchDay(day) => day.tiers.len() as f64 + 1.0,
            Model::Contact(center) => f64::from(u8::from(center.phone.is_some()) + u8::from(center.social.is_some())),
        };
        intervals * scopes
    }
}

/// Parses and validates the scenario `text`, read from `file` (the name is
/// used only in error messages).
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    parse_scenario_with_includes(file, text, &build::no_includes)
}

/// [`parse_scenario`] for a scenario that may refer to other files (a
/// staffing plan loaded as a shift schedule, `agents_schedule_file =
/// "plan.csv"`). `resolve` maps a name as the scenario writes it to the
/// file's text, or to a one-line reason it cannot; the caller decides where
/// names point (the command line reads them relative to the scenario file).
pub fn parse_scenario_with_includes(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Scenario, ScenarioError> {
    let text = without_bom(text);
    let resolve = &read_without_bom(resolve);
    if let Some(extended) = extends::resolve_extends(file, text, resolve)? {
        return parse_text(file, &extended.text, resolve).map_err(|e| extended.relocate(e));
    }
    parse_text(file, text, resolve)
}

/// The text of a file as the loader reads it: without the byte-order mark
/// that some editors put at the start of a UTF-8 file. TOML would accept
/// it, but every line and key lookup of the error messages would have to
/// step around it.
pub(super) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `resolve` with [`without_bom`] applied to every file it reads (bases
/// named by `extends`, staffing plans). The public entry points
/// (`parse_scenario_with_includes`, `parse_variant`) apply both to what
/// they are given, so every text enters the loader the same way.
pub(super) fn read_without_bom(
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> impl Fn(&str) -> Result<String, String> + '_ {
    move |name| {
        resolve(name).map(|text| match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        })
    }
}

/// Checks a name that becomes a folder (a scenario's `name`, a run's
/// `--name`): 1 to 100 characters, ASCII letters, digits, `-`, `_` and
/// `.`, starting with a letter or a digit. The name is joined to the
/// output folder as is, so `..` or `/` would write outside it, a leading
/// dot would hide it, and anything beyond this portable set is refused by
/// some file system or shell. The message echoes the name (escaped) and
/// says what is allowed.
pub fn check_folder_name(name: &str) -> Result<(), String> {
    let allowed = name.len() <= MAX_NAME_CHARS
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if allowed {
        return Ok(());
    }
    Err(format!(
        "must be 1 to {MAX_NAME_CHARS} characters: ASCII letters, digits, '-', '_' and '.', starting with a \
         letter or a digit (it names the output folder); got {}",
        quote(name)
    ))
}

/// Longest folder name [`check_folder_name`] accepts.
const MAX_NAME_CHARS: usize = 100;

pub(crate) fn parse_text(
    file: &str,
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Scenario, ScenarioError> {
    let map = SourceMap { file, text };
    let raw: raw::RawScenario = toml::from_str(text).map_err(|e| map.toml_error(&e))?;
    build::Builder::new(map).with_includes(resolve).build(raw)
}
