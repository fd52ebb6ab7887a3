//! The format registry: every format docproc converts, described once.
//!
//! An entry says what a format is called (the name is stored in the database, events, the cache
//! key and the worker protocol, so it never changes), which extensions claim it, how its content
//! is recognised, which converter reads it, which options change its Markdown (and under which key
//! they enter the cache fingerprint), and whether it is converted by default. `--formats`,
//! `[formats.NAME]` sections, `--set NAME.KEY=VALUE`, `config show`, `list --type`, the README's
//! format table and the shell completions all follow from [`ALL`]. Adding a format is one file
//! under `src/convert/` plus one entry in `entries.rs`.
//!
//! Discovery picks candidates by extension alone. Content then decides ([`identify`]): a file whose
//! content is another format docproc converts (an `.xls` that is really a CSV export, a `.doc`
//! that is RTF, a `.docx` that is a workbook) is converted as what it is, with a `rerouted`
//! warning; content that is no enabled format fails with `type_mismatch` saying what it is.

use std::ffi::OsStr;

use crate::convert::{ConvertOptions, Converter};
use crate::sniff::{Container, Probe};

/// How well content matches a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    No,
    /// The format can read it, but nothing in it says it is this format (HTML in a `.txt`).
    Weak,
    /// A signature of the format (a main part, a mimetype, a stream name, a magic number).
    Strong,
}

/// One format docproc converts.
pub struct FormatSpec {
    /// Stored in `documents.file_type`, events and the worker protocol: never rename.
    pub name: &'static str,
    /// "a DOCX document": in messages (`not a DOCX document: the content is ...`).
    pub label: &'static str,
    /// A short title for tables and help ("Word (OOXML)").
    pub title: &'static str,
    /// Lower case, without the dot; one format each.
    pub extensions: &'static [&'static str],
    /// The container its content comes in.
    pub container: Container,
    /// Whether probed content is this format.
    pub identify: fn(&Probe) -> Match,
    /// Among several formats that match content strongly, the lowest rank wins (a signature
    /// beats a guess from the text's shape).
    pub rank: u8,
    pub converter: &'static dyn Converter,
    /// The options that change this format's Markdown.
    pub options: &'static [&'static OptionSpec],
    pub enabled_by_default: bool,
}

impl std::fmt::Debug for FormatSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for FormatSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for FormatSpec {}

impl FormatSpec {
    /// A stable string that changes whenever an option that affects this format's Markdown
    /// changes: the declared options only, keys sorted.
    pub fn fingerprint(&self, options: &ConvertOptions) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .options
            .iter()
            .map(|o| (o.fingerprint_key.to_string(), (o.get)(options)))
            .collect();
        // serde_json's map is sorted (its `preserve_order` feature is off; a test checks).
        serde_json::Value::Object(map).to_string()
    }

    /// Whether content claimed to be this format may be an OOXML package encrypted into a
    /// compound file: zip formats only. Their converter opens it when Excel's built-in password
    /// does (`convert::offcrypto`); any other format with such content is `encrypted`.
    pub fn may_be_encrypted_package(&self) -> bool {
        self.container == Container::Zip
    }

    pub fn option(&self, key: &str) -> Option<&'static OptionSpec> {
        self.options.iter().copied().find(|o| o.key == key)
    }
}

/// The kind of value an option takes (in the file, with `--set`, and in `config show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    Choice(&'static [&'static str]),
    Count,
}

/// An option that changes a format's Markdown.
pub struct OptionSpec {
    /// The key in `[formats.NAME]`, `--set NAME.KEY=VALUE` and `config show`.
    pub key: &'static str,
    /// The key in the cache fingerprint: a stored contract, never rename.
    pub fingerprint_key: &'static str,
    pub kind: OptionKind,
    pub default: &'static str,
    pub help: &'static str,
    /// The shared command-line flag (clap id) that sets this option for every format that has it.
    pub flag: Option<&'static str>,
    /// Applies a value already checked by [`OptionSpec::parse`].
    pub set: fn(&mut ConvertOptions, &OptionValue),
    /// The value in effect, as it enters the fingerprint and `config show`.
    pub get: fn(&ConvertOptions) -> serde_json::Value,
}

impl std::fmt::Debug for OptionSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

/// A checked option value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    Choice(&'static str),
    Count(u64),
}

impl OptionSpec {
    /// Checks a value written as text (`--set`, the environment).
    pub fn parse(&self, text: &str) -> Result<OptionValue, String> {
        let text = text.trim();
        match self.kind {
            OptionKind::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(OptionValue::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(OptionValue::Bool(false)),
                _ => Err(format!("{} takes true or false, not {text:?}", self.key)),
            },
            OptionKind::Choice(choices) => choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(text))
                .map(|c| OptionValue::Choice(c))
                .ok_or_else(|| {
                    format!(
                        "{} takes one of {}, not {text:?}",
                        self.key,
                        choices.join(", ")
                    )
                }),
            OptionKind::Count => text
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .map(OptionValue::Count)
                .ok_or_else(|| format!("{} takes a positive number, not {text:?}", self.key)),
        }
    }

    /// Checks a value from the configuration file.
    pub fn parse_toml(&self, value: &toml::Value) -> Result<OptionValue, String> {
        match (self.kind, value) {
            (OptionKind::Bool, toml::Value::Boolean(b)) => Ok(OptionValue::Bool(*b)),
            (OptionKind::Count, toml::Value::Integer(n)) if *n > 0 => {
                Ok(OptionValue::Count(*n as u64))
            }
            (_, toml::Value::String(s)) => self.parse(s),
            (_, other) => Err(format!(
                "{} takes {}, not {other}",
                self.key,
                self.kind_hint()
            )),
        }
    }

    /// What values the option takes, for help and messages.
    pub fn kind_hint(&self) -> String {
        match self.kind {
            OptionKind::Bool => "true or false".into(),
            OptionKind::Choice(c) => c.join(" | "),
            OptionKind::Count => "a positive number".into(),
        }
    }
}

mod entries;
mod identify;
pub mod option;

pub use entries::*;
pub use identify::{Identified, check, describe, identify, odf, ooxml, strong_if};

/// Every format, sorted by name (a test checks).
pub static ALL: &[&FormatSpec] = &[
    &CSV, &DOC, &DOCX, &EML, &EPUB, &HTML, &IMAGE, &IPYNB, &JSON, &MD, &MHTML, &MSG, &ODP, &ODS,
    &ODT, &PDF, &PPTX, &RTF, &TSV, &TXT, &XLS, &XLSB, &XLSX, &XML, &YAML,
];

pub fn by_name(name: &str) -> Option<&'static FormatSpec> {
    ALL.iter().copied().find(|f| f.name == name)
}

/// The format a file name claims by its extension (case-insensitive).
pub fn by_extension(ext: &OsStr) -> Option<&'static FormatSpec> {
    let ext = ext.to_str()?.to_ascii_lowercase();
    ALL.iter()
        .copied()
        .find(|f| f.extensions.contains(&ext.as_str()))
}

/// The names of every format, for `--formats` and `list --type`.
pub fn possible_values() -> Vec<clap::builder::PossibleValue> {
    ALL.iter()
        .map(|f| {
            let mut help = format!("{} (.{})", f.title, f.extensions.join(", ."));
            if !f.enabled_by_default {
                help.push_str("; off by default");
            }
            clap::builder::PossibleValue::new(f.name).help(help)
        })
        .collect()
}

/// The README's format table (kept in step by `tests/generated.rs`).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| format | extensions | recognised by | options (`[formats.NAME]`, `--set NAME.KEY=VALUE`) |\n|---|---|---|---|\n",
    );
    for f in ALL {
        let extensions: Vec<String> = f.extensions.iter().map(|e| format!("`.{e}`")).collect();
        let options: Vec<String> = f
            .options
            .iter()
            .map(|o| {
                let values = match o.kind {
                    OptionKind::Bool => "`true`/`false`".to_string(),
                    OptionKind::Choice(c) => c
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join("/"),
                    OptionKind::Count => "a number".to_string(),
                };
                format!(
                    "`{}` = {values}, default `{}`: {}",
                    o.key,
                    o.default,
                    o.help.replace('|', "\\|")
                )
            })
            .collect();
        let name = if f.enabled_by_default {
            format!("`{}` {}", f.name, f.title)
        } else {
            format!("`{}` {} (off by default)", f.name, f.title)
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            extensions.join(" "),
            f.container.name(),
            if options.is_empty() {
                "-".to_string()
            } else {
                options.join("<br>")
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_lower_case() {
        let names: Vec<&str> = ALL.iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        for name in &names {
            assert_eq!(*name, name.to_ascii_lowercase());
        }
        // The stored contract: names only ever get added.
        for known in [
            "csv", "docx", "eml", "epub", "html", "mhtml", "odp", "ods", "pdf", "pptx", "tsv",
            "txt", "xls", "xlsb", "xlsx",
        ] {
            assert!(by_name(known).is_some(), "format {known} was renamed");
        }
    }

    #[test]
    fn every_extension_belongs_to_one_format() {
        let mut seen = std::collections::HashMap::new();
        for f in ALL {
            for ext in f.extensions {
                assert_eq!(*ext, ext.to_ascii_lowercase());
                assert!(!ext.starts_with('.'));
                if let Some(other) = seen.insert(*ext, f.name) {
                    panic!(".{ext} is claimed by {other} and {}", f.name);
                }
            }
        }
        assert_eq!(by_extension(OsStr::new("PDF")).unwrap().name, "pdf");
        assert_eq!(by_extension(OsStr::new("Docx")).unwrap().name, "docx");
        assert_eq!(by_extension(OsStr::new("text")).unwrap().name, "txt");
        assert!(by_extension(OsStr::new("exe")).is_none());
    }

    #[test]
    fn fingerprints_of_the_first_formats_never_change() {
        let o = ConvertOptions::default();
        assert_eq!(PDF.fingerprint(&o), r#"{"page_markers":true}"#);
        assert_eq!(
            DOCX.fingerprint(&o),
            r#"{"extract_images":true,"front_matter":false}"#
        );
        assert_eq!(TXT.fingerprint(&o), "{}");
    }

    #[test]
    fn an_option_changes_only_the_fingerprints_of_formats_that_have_it() {
        let base = ConvertOptions::default();
        let all_options: Vec<&OptionSpec> =
            ALL.iter().flat_map(|f| f.options.iter().copied()).collect();
        for option in all_options {
            // A value other than the default.
            let other = match option.kind {
                OptionKind::Bool => OptionValue::Bool(option.default != "true"),
                OptionKind::Choice(c) => {
                    OptionValue::Choice(c.iter().find(|v| **v != option.default).unwrap())
                }
                OptionKind::Count => OptionValue::Count(7),
            };
            let mut changed = base.clone();
            (option.set)(&mut changed, &other);
            for f in ALL {
                let has = f.options.iter().any(|o| o.key == option.key);
                assert_eq!(
                    f.fingerprint(&base) != f.fingerprint(&changed),
                    has,
                    "{} and option {}",
                    f.name,
                    option.key
                );
            }
        }
    }

    #[test]
    fn defaults_are_what_convert_options_start_with() {
        for f in ALL {
            for o in f.options {
                let mut applied = ConvertOptions::default();
                (o.set)(&mut applied, &o.parse(o.default).unwrap());
                assert_eq!(
                    (o.get)(&applied),
                    (o.get)(&ConvertOptions::default()),
                    "{}.{}",
                    f.name,
                    o.key
                );
            }
        }
    }
    #[test]
    fn the_fingerprint_map_is_sorted() {
        let map: serde_json::Map<String, serde_json::Value> = [("b", 1), ("a", 2)]
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect();
        assert_eq!(
            serde_json::Value::Object(map).to_string(),
            r#"{"a":2,"b":1}"#
        );
    }
}
