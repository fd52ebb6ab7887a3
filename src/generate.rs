//! The man pages and shell completions, generated from the clap definition in `cli.rs`.
//!
//! The generated files are committed under `man/` and `completions/` so that packagers and users
//! need no build step; `tests/generated.rs` fails when they drift from the CLI, and
//! `DOCPROC_UPDATE_GENERATED=1 cargo test` rewrites them. `docproc generate DIR` (hidden) writes
//! the same files anywhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: (path relative to the repository root, content).
pub fn files() -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    let cmd = Cli::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    out.push((PathBuf::from("man/docproc.1"), page));
    man_pages(&cmd, "docproc", &mut out)?;
    for (shell, file) in [
        (Shell::Bash, "docproc.bash"),
        (Shell::Zsh, "docproc.zsh"),
        (Shell::Fish, "docproc.fish"),
    ] {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "docproc", &mut script);
        out.push((PathBuf::from("completions").join(file), script));
    }
    Ok(out)
}

/// A page per visible subcommand, nested ones included (`docproc-db-backup.1`).
fn man_pages(cmd: &clap::Command, prefix: &str, out: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{prefix}-{}", sub.get_name());
        let page_cmd = sub.clone().name(name.clone()).display_name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(page_cmd).render(&mut page)?;
        out.push((PathBuf::from(format!("man/{name}.1")), page));
        man_pages(sub, &name, out)?;
    }
    Ok(())
}

/// Writes every generated file under `dir`.
pub fn write_all(dir: &Path) -> Result<()> {
    for (rel, content) in files()? {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, content)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
