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

#[test]
fn the_readme_format_table_is_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- formats:start -->\n", "<!-- formats:end -->");
    let from = readme
        .find(start)
        .expect("README has a formats:start marker")
        + start.len();
    let to = readme.find(end).expect("README has a formats:end marker");
    let table = docproc::formats::markdown_table();
    if std::env::var_os("DOCPROC_UPDATE_GENERATED").is_some() {
        let updated = format!("{}{table}{}", &readme[..from], &readme[to..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[from..to],
        table,
        "the README's format table differs from the registry; run `DOCPROC_UPDATE_GENERATED=1 cargo test --test tests generated`"
    );
}
