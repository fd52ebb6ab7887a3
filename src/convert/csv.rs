//! CSV and TSV: one table per file, through the csv crate, with what the crate leaves to its
//! caller done first.
//!
//! The text is decoded as TXT decodes it (byte order mark, UTF-8, else chardetng's guess, so a
//! Windows-1252 export from European Excel reads right). Excel's `sep=;` first line names the
//! delimiter; otherwise it is the one among `,` `;` tab `|` that splits the first records into
//! the most consistent number of fields (parsed with quotes, so delimiters inside quoted fields do
//! not mislead). `.tsv` and `.tab` files are tab-separated. Quoted fields may hold delimiters,
//! quotes and line breaks; rows shorter than the longest are widened, never cut; the first row is
//! the header when it reads like one (text only). Cells are written as they are in the file: a
//! `1,5` in a semicolon file stays `1,5`.

use super::sheet::{self, Sheet};
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::formats::Match;
use crate::markdown;
use crate::sniff::Probe;

pub struct CsvConverter {
    name: &'static str,
    /// TSV: always tab-separated.
    tabs: bool,
}

pub static CSV: CsvConverter = CsvConverter {
    name: "csv",
    tabs: false,
};

pub static TSV: CsvConverter = CsvConverter {
    name: "tsv",
    tabs: true,
};

/// The delimiters tried, in order of preference when they score alike.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Records looked at to choose the delimiter.
const SAMPLE_RECORDS: usize = 50;

impl Converter for CsvConverter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn linear(&self) -> bool {
        true
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let (text, encoding, had_errors) = super::txt::decode(bytes);
        let mut text = text.as_str();
        let mut metadata = Metadata::new();
        metadata.insert("encoding".into(), encoding.name().to_ascii_lowercase());
        if had_errors {
            metadata.insert("encoding_errors".into(), "true".into());
        }
        let mut declared = None;
        if let Some((first, rest)) = text.split_once('\n')
            && let Some(sep) = first.trim_end_matches('\r').strip_prefix("sep=")
            && sep.len() == 1
        {
            declared = Some(sep.as_bytes()[0]);
            text = rest;
        }
        let delimiter = match (self.tabs, declared) {
            (true, _) => b'\t',
            (false, Some(d)) => d,
            (false, None) => choose_delimiter(text).map_or(b',', |(d, _)| d),
        };
        metadata.insert("delimiter".into(), delimiter_name(delimiter).into());
        let (sheet, rows, columns) = read_cells(text, delimiter, options.max_rows);
        metadata.insert("row_count".into(), rows.to_string());
        metadata.insert("column_count".into(), columns.to_string());
        let layout = sheet::Layout {
            include_hidden: true,
            max_rows: options.max_rows,
        };
        let mut blocks = sheet::sheet_blocks(sheet, layout);
        if rows == 0 {
            blocks.clear();
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Reads every record into a sheet (the first `max_rows` of them, then only counts). Returns
/// the sheet, the number of records and the widest record's field count.
fn read_cells(text: &str, delimiter: u8, max_rows: u64) -> (Sheet, u64, usize) {
    let mut sheet = Sheet::new("");
    let mut rows = 0u64;
    let mut columns = 0usize;
    let mut record = csv::StringRecord::new();
    let mut rdr = reader(text, delimiter);
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // Invalid UTF-8 cannot happen on decoded text; any other error ends the file.
            Err(_) => break,
        }
        let blank = record.iter().all(|f| f.trim().is_empty());
        if blank && record.len() <= 1 {
            continue; // an empty line
        }
        columns = columns.max(record.len());
        if rows < max_rows {
            let row = rows as u32;
            for (col, field) in record.iter().enumerate() {
                let text = field.trim_matches(['\r']).to_string();
                let kind = sheet::kind_of_text(&text);
                if !sheet.push(row, col as u32, text, kind) {
                    break;
                }
            }
        }
        rows += 1;
    }
    sheet.unread_rows = rows.saturating_sub(max_rows);
    (sheet, rows, columns)
}

/// The delimiter that splits the first records most consistently, with its score: the share of
/// sampled records that have the most common field count (which must be at least 2).
pub fn choose_delimiter(text: &str) -> Option<(u8, f64)> {
    let mut best: Option<(u8, f64, usize)> = None;
    for d in DELIMITERS {
        let mut counts = std::collections::HashMap::<usize, usize>::new();
        let mut records = 0usize;
        let mut rdr = reader(text, d);
        let mut record = csv::StringRecord::new();
        while records < SAMPLE_RECORDS {
            match rdr.read_record(&mut record) {
                Ok(true) => {}
                _ => break,
            }
            if record.len() == 1 && record[0].trim().is_empty() {
                continue;
            }
            records += 1;
            *counts.entry(record.len()).or_default() += 1;
        }
        let Some((&fields, &n)) = counts.iter().max_by_key(|(f, n)| (**n, **f)) else {
            continue;
        };
        if fields < 2 || records == 0 {
            continue;
        }
        let score = n as f64 / records as f64;
        let better = match best {
            None => true,
            Some((_, s, f)) => score > s + 1e-9 || ((score - s).abs() < 1e-9 && fields > f),
        };
        if better {
            best = Some((d, score, fields));
        }
    }
    best.map(|(d, s, _)| (d, s))
}

/// Whether the head of probed text is delimited by one of `delimiters`: at least two records,
/// nine in ten with the same number (two or more) of fields.
fn delimited(probe: &Probe, tabs: bool) -> Match {
    if !probe.container.is_textual() {
        return Match::No;
    }
    let head = String::from_utf8_lossy(&probe.head);
    // Only whole lines: the head may end inside a record.
    let head = match head.rfind('\n') {
        Some(end) => &head[..end],
        None => return Match::Weak,
    };
    if head.lines().filter(|l| !l.trim().is_empty()).count() < 2 {
        return Match::Weak;
    }
    match choose_delimiter(head) {
        Some((d, score)) if score >= 0.9 && (d == b'\t') == tabs => Match::Strong,
        _ => Match::Weak,
    }
}

/// The registry's test for CSV content.
pub fn identify_csv(probe: &Probe) -> Match {
    delimited(probe, false)
}

/// The registry's test for TSV content.
pub fn identify_tsv(probe: &Probe) -> Match {
    delimited(probe, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(bytes: &[u8]) -> String {
        CSV.convert(bytes, &ConvertOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn semicolons_and_decimal_commas() {
        assert_eq!(
            convert(b"Name;Price;Note\nTea;1,5;x\nCake;2,25;\"a;b\"\n"),
            "| Name | Price | Note |\n| ---- | ----- | ---- |\n| Tea  | 1,5   | x    |\n| Cake | 2,25  | a;b  |\n"
        );
    }

    #[test]
    fn excel_sep_line_and_ragged_rows() {
        assert_eq!(
            convert(b"sep=|\r\na|b\r\n1|2|3\r\n"),
            "| a   | b   |     |\n| --- | --- | --- |\n| 1   | 2   | 3   |\n"
        );
    }

    #[test]
    fn quoted_line_breaks_and_pipes() {
        assert_eq!(
            convert(b"k,v\n\"two\nlines\",\"a|b\"\n"),
            "| k            | v    |\n| ------------ | ---- |\n| two<br>lines | a\\|b |\n"
        );
    }

    #[test]
    fn the_delimiter_is_chosen_by_consistency() {
        assert_eq!(choose_delimiter("a,b;c\n1,2;3\n4,5;6\n").unwrap().0, b',');
        assert_eq!(choose_delimiter("\"x,y\";b\n\"1,2\";3\n").unwrap().0, b';');
        assert_eq!(choose_delimiter("one\ntwo\n"), None);
    }
}
