//! `cargo xtask classroom [--out FILE]`: builds the classroom page, one
//! self-contained HTML file.
//!
//! 1. Compiles the page's engine (`web/`, the clickday library behind plain
//!    exports) for `wasm32-unknown-unknown` with cargo, `--locked`.
//! 2. Inlines it (base64), the page's script and its style sheet into
//!    `web/page/page.html`.
//! 3. Checks what the page promises: under 5 MB, and no address of
//!    anything on a network in it (it must work from a USB stick).
//!
//! The default output is `target/classroom/clickday-classroom.html`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Largest page the classroom may be given (the target).
const MAX_BYTES: usize = 5 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("classroom") => match classroom(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask classroom [--out FILE]");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository").to_path_buf()
}

fn classroom(args: &[String]) -> Result<(), String> {
    let root = root();
    let out = match args {
        [] => root.join("target/classroom/clickday-classroom.html"),
        [flag, path] if flag == "--out" => PathBuf::from(path),
        _ => return Err("usage: cargo xtask classroom [--out FILE]".into()),
    };
    let web = root.join("web");
    let target = root.join("target");
    // Run from web/ so that its .cargo/config.toml (the target's flags)
    // applies. The page is always built with web/'s own release profile:
    // a caller's CARGO_PROFILE_RELEASE_* settings (CI builds the tests
    // without link-time optimisation) would change its size and speed.
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("CARGO_PROFILE_RELEASE_")) {
            cargo.env_remove(&key);
        }
    }
    let status = cargo
        .current_dir(&web)
        .args(["build", "--release", "--locked", "--target", "wasm32-unknown-unknown", "--target-dir"])
        .arg(&target)
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err(
            "building the page's engine failed (is the target installed? rustup target add wasm32-unknown-unknown)"
                .into(),
        );
    }
    let wasm_path = target.join("wasm32-unknown-unknown/release/clickday_web.wasm");
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let read = |name: &str| {
        let path = web.join("page").join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let page = assemble(&read("page.html")?, &read("page.css")?, &read("page.js")?, &wasm)?;
    if page.len() > MAX_BYTES {
        return Err(format!("the page is {} bytes, more than the {MAX_BYTES} a classroom may be given", page.len()));
    }
    if let Some(at) = network_address(&page) {
        return Err(format!("the page names a network address ({}…): it must work offline", &page[at..at + 30]));
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, &page).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "wrote {} ({:.2} MB; engine {:.2} MB); open it in a browser, e.g. file://{}",
        out.display(),
        page.len() as f64 / 1e6,
        wasm.len() as f64 / 1e6,
        std::fs::canonicalize(&out).unwrap_or(out.clone()).display()
    );
    Ok(())
}

/// The page with its style, script and engine inlined.
fn assemble(html: &str, css: &str, js: &str, wasm: &[u8]) -> Result<String, String> {
    const STYLE: &str = "/*STYLE*/";
    const SCRIPT: &str = "/*SCRIPT*/";
    const WASM: &str = "__CLICKDAY_WASM_BASE64__";
    for (text, mark) in [(html, STYLE), (html, SCRIPT), (js, WASM)] {
        if text.matches(mark).count() != 1 {
            return Err(format!("the page's template must hold {mark} exactly once"));
        }
    }
    if js.contains("</script") || css.contains("</style") {
        return Err("the script or the style sheet would close its own tag".into());
    }
    let js = js.replace(WASM, &base64(wasm));
    Ok(html.replace(STYLE, css.trim_end()).replace(SCRIPT, js.trim_end()))
}

/// Where the page names an address on a network (`http://`, `https://`,
/// `//host`-style imports are not used), if anywhere.
fn network_address(page: &str) -> Option<usize> {
    let lower = page.to_ascii_lowercase();
    ["http://", "https://", "ws://", "wss://"].iter().filter_map(|p| lower.find(p)).min()
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        // RFC 4648, section 10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn network_addresses_are_found() {
        assert_eq!(network_address("a HTTPS://x"), Some(2));
        assert_eq!(network_address("no address here"), None);
    }
}
