//! Scenario text from libFuzzer: parsed, and when valid, replication 0 run
//! under an event budget and its outputs checked for `NaN` and `inf`.
//!
//! The properties are those of the property tests, in the file they share
//! (`tests/scenario_check.rs`); a broken one is a panic, which libFuzzer
//! saves under `fuzz/artifacts/scenario/`. A hang the budget cannot stop is
//! caught by libFuzzer's `-timeout`. See "Fuzzing" in the README.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/scenario_check.rs"]
mod scenario_check;

/// The bundled scenarios, for `extends`: a scenario names its base by file
/// name, as the bundled variants do. Nothing is read from disk.
const BUNDLED: [(&str, &str); 10] = [
    ("inps-2020-04-01.toml", include_str!("../../scenarios/inps-2020-04-01.toml")),
    ("inps-2020-04-01-capped-backoff.toml", include_str!("../../scenarios/inps-2020-04-01-capped-backoff.toml")),
    ("inps-2020-04-01-no-cache-bug.toml", include_str!("../../scenarios/inps-2020-04-01-no-cache-bug.toml")),
    ("inps-2020-04-01-staggered.toml", include_str!("../../scenarios/inps-2020-04-01-staggered.toml")),
    ("inps-2020-04-01-waiting-room.toml", include_str!("../../scenarios/inps-2020-04-01-waiting-room.toml")),
    ("mmc-call-center.toml", include_str!("../../scenarios/mmc-call-center.toml")),
    ("portal-queue.toml", include_str!("../../scenarios/portal-queue.toml")),
    ("rdc-2019-04-sms-wave.toml", include_str!("../../scenarios/rdc-2019-04-sms-wave.toml")),
    ("rdc-2019-04-sms-wave-staffed.toml", include_str!("../../scenarios/rdc-2019-04-sms-wave-staffed.toml")),
    ("template-launch.toml", include_str!("../../scenarios/template-launch.toml")),
];

fn resolve(name: &str) -> Result<String, String> {
    BUNDLED
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| text.to_string())
        .ok_or_else(|| format!("no bundled scenario is called {name:?}"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(broken) = scenario_check::check_scenario_text("fuzz.toml", text, &resolve) {
        panic!("{broken}");
    }
});
