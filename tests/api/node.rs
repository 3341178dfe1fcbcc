//! Node 20 packages of the suite, each a folder of `tests/` with a
//! committed lock file, installed with `npm ci` on first use, and the
//! commands run in them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder `tests/<folder>`, its packages installed from the lock
/// file when `node_modules` lacks `package`.
pub async fn packages(folder: &str, package: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    if !dir.join("node_modules").join(package).exists() {
        run(&dir, "npm", &["ci", "--no-audit", "--no-fund"]).await;
    }
    dir
}

/// Runs `program` with `args` in `dir`, off the async runtime; its
/// standard output, or a panic showing all it wrote.
pub async fn run(dir: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command's thread")
        .unwrap_or_else(|err| panic!("{program} (Node 20) does not start: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed in {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    output.stdout
}
