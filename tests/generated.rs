//! The committed man pages and completions match the CLI (`DOCPROC_UPDATE_GENERATED=1` rewrites).

use std::path::Path;

#[test]
fn man_pages_and_completions_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("DOCPROC_UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (rel, content) in docproc::generate::files().unwrap() {
        let path = root.join(&rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(rel.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from the CLI: {stale:?}; run `DOCPROC_UPDATE_GENERATED=1 cargo test --test tests generated` and commit"
    );
}
