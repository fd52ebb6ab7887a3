//! The options several formats share (each format lists the ones it honours).

use super::{OptionKind, OptionSpec, OptionValue};
use serde_json::Value;

pub static IMAGES: OptionSpec = OptionSpec {
    key: "images",
    fingerprint_key: "extract_images",
    kind: OptionKind::Choice(&["extract", "none"]),
    default: "extract",
    help: "pictures written beside the Markdown (NAME_files/) and linked, or only their alt text",
    flag: Some("images"),
    set: |o, v| o.extract_images = *v == OptionValue::Choice("extract"),
    get: |o| Value::Bool(o.extract_images),
};

pub static PAGE_MARKERS: OptionSpec = OptionSpec {
    key: "page-markers",
    fingerprint_key: "page_markers",
    kind: OptionKind::Choice(&["comment", "none"]),
    default: "comment",
    help: "a `<!-- page N -->` comment (`<!-- slide N -->` for slides) before each page or slide",
    flag: Some("page_markers"),
    set: |o, v| o.page_markers = *v == OptionValue::Choice("comment"),
    get: |o| Value::Bool(o.page_markers),
};

pub static FRONT_MATTER: OptionSpec = OptionSpec {
    key: "front-matter",
    fingerprint_key: "front_matter",
    kind: OptionKind::Bool,
    default: "false",
    help: "YAML front matter from the document properties",
    flag: Some("front_matter"),
    set: |o, v| o.front_matter = *v == OptionValue::Bool(true),
    get: |o| Value::Bool(o.front_matter),
};

pub static NOTES: OptionSpec = OptionSpec {
    key: "notes",
    fingerprint_key: "speaker_notes",
    kind: OptionKind::Bool,
    default: "true",
    help: "speaker notes after each slide's content (when they hold text)",
    flag: None,
    set: |o, v| o.speaker_notes = *v == OptionValue::Bool(true),
    get: |o| Value::Bool(o.speaker_notes),
};

pub static HIDDEN_SLIDES: OptionSpec = OptionSpec {
    key: "hidden-slides",
    fingerprint_key: "hidden_slides",
    kind: OptionKind::Bool,
    default: "true",
    help: "include slides hidden in the slide show (marked in their slide comment)",
    flag: None,
    set: |o, v| o.hidden_slides = *v == OptionValue::Bool(true),
    get: |o| Value::Bool(o.hidden_slides),
};

pub static HIDDEN_CELLS: OptionSpec = OptionSpec {
    key: "hidden",
    fingerprint_key: "hidden_cells",
    kind: OptionKind::Bool,
    default: "false",
    help: "include hidden sheets, rows and columns",
    flag: None,
    set: |o, v| o.hidden_cells = *v == OptionValue::Bool(true),
    get: |o| Value::Bool(o.hidden_cells),
};

pub static MAIN_ONLY: OptionSpec = OptionSpec {
    key: "main-only",
    fingerprint_key: "main_only",
    kind: OptionKind::Bool,
    default: "false",
    help: "only the page's main content (<main>, role=main, else its first <article>)",
    flag: None,
    set: |o, v| o.main_only = *v == OptionValue::Bool(true),
    get: |o| Value::Bool(o.main_only),
};

pub static ATTACHMENTS: OptionSpec = OptionSpec {
    key: "attachments",
    fingerprint_key: "extract_attachments",
    kind: OptionKind::Choice(&["extract", "none"]),
    default: "none",
    help: "attachments written beside the Markdown and linked (they are always listed with name, type and size)",
    flag: Some("attachments"),
    set: |o, v| o.extract_attachments = *v == OptionValue::Choice("extract"),
    get: |o| Value::Bool(o.extract_attachments),
};

pub static MAX_ROWS: OptionSpec = OptionSpec {
    key: "max-rows",
    fingerprint_key: "max_rows",
    kind: OptionKind::Count,
    default: "1048576",
    help: "rows written per table; the rest is cut with a note saying how many",
    flag: None,
    set: |o, v| {
        if let OptionValue::Count(n) = v {
            o.max_rows = *n;
        }
    },
    get: |o| Value::from(o.max_rows),
};
