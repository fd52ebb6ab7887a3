//! Word 97-2003 documents (.doc, .dot): the compound file (cfb crate) and the Word binary format
//! (`binary.rs`), read into the paragraph stream that RTF also makes (`paragraphs.rs`), so both
//! get DOCX's conventions.
//!
//! The text comes from the piece table (8-bit pieces in code page 1252, UTF-16 pieces) for the
//! main document, its footnotes and endnotes. Paragraph properties (style, table cell and row
//! marks, nesting level, list and level, outline level, indents, cell merges) come from the PAPX
//! pages, character properties (bold, italic, strike, super/subscript, hidden, font) from the
//! CHPX pages; headings from the built-in Heading 1-9 and Title styles (by their identifiers,
//! whatever the language of their names) and the styles based on them; lists from the list
//! tables (numbered or bulleted by the level's format). Fields are their results, `HYPERLINK`
//! fields links. Pictures and drawn objects are not read. Encrypted documents are `encrypted`;
//! Word 6.0/95 files `unsupported`.

mod binary;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use cfb::CompoundFile;

use super::paragraphs::{Builder, Event, Para, ParaProps, StyleKind, Styles};
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block, Inline, Marks, Run};
use binary::{CharProps, Fib, Runs, Style};

pub struct DocConverter;

impl Converter for DocConverter {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn version(&self) -> &'static str {
        // 2: HYPERLINK switches read as DOCX reads them (one field reader).
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let mut file = CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| ConvertError::Corrupt(format!("damaged Word document: {e}")))?;
        let limit = options.limits.max_unzipped_size;
        let mut stream = |name: &str| -> Result<Option<Vec<u8>>, ConvertError> {
            if !file.is_stream(name) {
                return Ok(None);
            }
            let mut out = Vec::new();
            file.open_stream(name)
                .and_then(|s| s.take(limit).read_to_end(&mut out))
                .map_err(|e| {
                    ConvertError::Corrupt(format!(
                        "damaged Word document: stream {name} cannot be read: {e}"
                    ))
                })?;
            Ok(Some(out))
        };
        let word = stream("WordDocument")?
            .ok_or_else(|| ConvertError::Corrupt("the file has no WordDocument stream".into()))?;
        let fib = Fib::read(&word)?;
        let table_name = if fib.which_table { "1Table" } else { "0Table" };
        let table = stream(table_name)?.ok_or_else(|| {
            ConvertError::Corrupt(format!("damaged Word document: no {table_name} stream"))
        })?;
        let summary = stream("\u{5}SummaryInformation")?.unwrap_or_default();

        let clx = fib
            .part(&table, binary::CLX)
            .ok_or_else(|| ConvertError::Corrupt("damaged Word document: no piece table".into()))?;
        let notes_start = fib.ccp_text + fib.ccp_ftn + fib.ccp_hdd + fib.ccp_atn;
        let end = notes_start + fib.ccp_edn;
        let text = binary::text(&word, clx, end.min(64 << 20))?;
        let doc = Doc {
            paras: fib
                .part(&table, binary::PLCF_BTE_PAPX)
                .map(|plc| binary::paragraph_runs(&word, plc)),
            chars: fib
                .part(&table, binary::PLCF_BTE_CHPX)
                .map(|plc| binary::char_runs(&word, plc)),
            styles: fib
                .part(&table, binary::STSHF)
                .map(binary::styles)
                .unwrap_or_default(),
            lists: binary::lists(
                fib.part_on(&table, binary::PLF_LST),
                fib.part(&table, binary::PLF_LFO),
            ),
            mono: fib
                .part(&table, binary::STTBF_FFN)
                .map(binary::monospace_fonts)
                .unwrap_or_default(),
        };

        // Footnotes and endnotes: where they are referenced, and their text.
        let mut notes: Vec<(u32, u32, u32)> = Vec::new(); // (ref CP, text start, text end)
        for (refs, texts, base) in [
            (binary::PLCFFND_REF, binary::PLCFFND_TXT, fib.ccp_text),
            (binary::PLCFEND_REF, binary::PLCFEND_TXT, notes_start),
        ] {
            let (Some(r), Some(t)) = (fib.part(&table, refs), fib.part(&table, texts)) else {
                continue;
            };
            let refs = binary::plc_cps(r, 2);
            let texts = binary::plc_cps(t, 0);
            for (k, cp) in refs.iter().take(refs.len().saturating_sub(1)).enumerate() {
                if let (Some(a), Some(b)) = (texts.get(k), texts.get(k + 1)) {
                    notes.push((*cp, base + a, base + b));
                }
            }
        }
        notes.sort_by_key(|n| n.0);
        let mut labels: HashMap<u32, String> = HashMap::new();
        for (k, (cp, _, _)) in notes.iter().enumerate() {
            labels.insert(*cp, (k + 1).to_string());
        }

        let main_end = fib.ccp_text.min(text.chars.len() as u32);
        let events = doc.events(&text, 0, main_end, &labels);
        let builder = Builder { styles: &doc };
        let mut blocks = builder.blocks(events);
        for (k, (_, start, stop)) in notes.iter().enumerate() {
            let stop = (*stop).min(text.chars.len() as u32);
            if *start >= stop {
                continue;
            }
            let events = doc.events(&text, *start, stop, &HashMap::new());
            blocks.push(Block::Footnote {
                label: (k + 1).to_string(),
                blocks: builder.blocks(events),
            });
        }
        let mut metadata = Metadata::new();
        for (k, v) in binary::summary(&summary) {
            metadata.insert(k.into(), v);
        }
        metadata.insert("note_count".into(), notes.len().to_string());
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}

/// What the document's tables say, for reading its text.
struct Doc {
    paras: Option<Runs<binary::ParaProps>>,
    chars: Option<Runs<CharProps>>,
    styles: HashMap<u16, Style>,
    lists: HashMap<i32, Vec<bool>>,
    mono: Vec<bool>,
}

/// A field being read: its instruction, then where its result starts.
struct Field {
    instruction: String,
    result_from: Option<usize>,
}

impl Doc {
    fn para_at(&self, pos: u32) -> binary::ParaProps {
        self.paras.as_ref().map(|r| r.at(pos)).unwrap_or_default()
    }

    fn char_at(&self, pos: u32) -> CharProps {
        self.chars.as_ref().map(|r| r.at(pos)).unwrap_or_default()
    }

    fn marks(&self, c: &CharProps, style: Marks) -> Marks {
        let toggle = |v: Option<u8>, base: bool| match v {
            Some(0) => false,
            Some(1) => true,
            Some(0x80) => base,
            Some(0x81) => !base,
            _ => base,
        };
        Marks {
            strong: toggle(c.bold, style.strong),
            emph: toggle(c.italic, style.emph),
            strike: c.strike,
            superscript: c.iss == 1,
            subscript: c.iss == 2,
            code: c
                .font
                .and_then(|f| self.mono.get(f as usize))
                .copied()
                .unwrap_or(false),
        }
    }

    /// The paragraph stream of CPs `from..to`.
    fn events(
        &self,
        text: &binary::Text,
        from: u32,
        to: u32,
        notes: &HashMap<u32, String>,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        let mut runs: Vec<Run> = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut proportional = false;
        let mut any = false;
        let push = |runs: &mut Vec<Run>, marks: Marks, s: &str| match runs.last_mut() {
            Some(Run::Text(m, t)) if *m == marks => t.push_str(s),
            _ => runs.push(Run::Text(marks, s.to_string())),
        };
        for cp in from..to {
            let Some(&(c, pos)) = text.chars.get(cp as usize) else {
                break;
            };
            let chp = self.char_at(pos);
            // In a field's instruction: collect it.
            if let Some(f) = fields.last_mut()
                && f.result_from.is_none()
                && !matches!(c, '\u{13}' | '\u{14}' | '\u{15}')
            {
                f.instruction.push(c);
                continue;
            }
            if chp.vanish && !matches!(c, '\r' | '\u{7}' | '\u{13}' | '\u{14}' | '\u{15}') {
                continue;
            }
            let style_marks = self
                .styles
                .get(&self.para_at(pos).istd)
                .map(|s| s.marks)
                .unwrap_or_default();
            let marks = self.marks(&chp, style_marks);
            match c {
                '\u{13}' => fields.push(Field {
                    instruction: String::new(),
                    result_from: None,
                }),
                '\u{14}' => {
                    if let Some(f) = fields.last_mut() {
                        f.result_from = Some(runs.len());
                        // The result starts a run of its own (text would join the one before).
                        runs.push(Run::Text(marks, String::new()));
                    }
                }
                '\u{15}' => {
                    if let Some(f) = fields.pop() {
                        let from = f.result_from.unwrap_or(runs.len()).min(runs.len());
                        if let Some(target) = crate::convert::field::hyperlink(&f.instruction) {
                            let inner: Vec<Run> = runs.drain(from..).collect();
                            let content = markdown::nest_runs(inner);
                            if !content.is_empty() {
                                runs.push(Run::Inline(
                                    Marks::default(),
                                    Inline::Link { target, content },
                                ));
                            }
                        }
                    }
                }
                '\r' | '\u{7}' | '\u{c}' | '\u{e}' => {
                    let pap = self.para_at(pos);
                    let mut para = Para {
                        runs: std::mem::take(&mut runs),
                        props: props(&pap),
                        marked: false,
                        monospace: any && !proportional && marks.code,
                    };
                    if para
                        .runs
                        .iter()
                        .all(|r| matches!(r, Run::Text(_, t) if t.trim().is_empty()))
                    {
                        para.runs.clear();
                    }
                    proportional = false;
                    any = false;
                    fields.clear();
                    if c == '\u{7}' && pap.itap > 0 {
                        let level = pap.itap.max(1) as usize;
                        let row_end = if level > 1 { pap.inner_ttp } else { pap.ttp };
                        if row_end {
                            events.push(Event::Row {
                                level,
                                cells: pap.cells.clone(),
                                header: false,
                            });
                        } else {
                            if !para.runs.is_empty() {
                                events.push(Event::Para(para));
                            }
                            events.push(Event::Cell { level });
                        }
                    } else if !para.runs.is_empty() || c == '\r' {
                        events.push(Event::Para(para));
                    }
                }
                '\u{b}' => runs.push(Run::Inline(marks, Inline::LineBreak)),
                '\u{2}' if chp.special || notes.contains_key(&cp) => {
                    if let Some(label) = notes.get(&cp) {
                        runs.push(Run::Inline(
                            Marks::default(),
                            Inline::NoteRef(label.clone()),
                        ));
                        any = true;
                        proportional = true;
                    }
                }
                // Pictures, drawn objects, annotation marks, soft hyphens.
                '\u{1}' | '\u{8}' | '\u{5}' | '\u{1f}' => {}
                '\u{1e}' => push(&mut runs, marks, "-"),
                c if (c as u32) < 0x20 && c != '\t' => {}
                c => {
                    if !c.is_whitespace() {
                        any = true;
                        if !marks.code {
                            proportional = true;
                        }
                    }
                    let mut buf = [0u8; 4];
                    push(&mut runs, marks, c.encode_utf8(&mut buf));
                }
            }
        }
        if !runs.is_empty() {
            events.push(Event::Para(Para {
                runs,
                props: ParaProps::default(),
                marked: false,
                monospace: false,
            }));
        }
        events
    }
}

/// The paragraph stream's view of a PAPX.
fn props(p: &binary::ParaProps) -> ParaProps {
    ParaProps {
        li: p.li,
        fi: p.fi,
        outline: p.outline,
        style: i32::from(p.istd),
        intbl: p.itap > 0,
        itap: p.itap,
        ls: (p.ilfo > 0).then_some(p.ilfo),
        ilvl: p.ilvl,
        pn: None,
    }
}

impl Styles for Doc {
    fn style_kind(&self, style: i32) -> (StyleKind, Marks) {
        let mut marks = Marks::default();
        let mut current = u16::try_from(style).ok();
        for _ in 0..16 {
            let Some(s) = current.and_then(|i| self.styles.get(&i)) else {
                break;
            };
            marks.strong |= s.marks.strong;
            marks.emph |= s.marks.emph;
            let name = s.name.to_ascii_lowercase();
            // Built-in styles by identifier: Heading 1-9 are 1-9, Title is 62.
            let kind = match s.sti {
                1..=9 => Some(StyleKind::Heading(s.sti as u8)),
                62 => Some(StyleKind::Heading(1)),
                _ => match name.as_str() {
                    "quote" | "quotations" | "block text" | "intense quote" => {
                        Some(StyleKind::Quote)
                    }
                    "source code" | "preformatted text" | "html preformatted" | "code" => {
                        Some(StyleKind::Code)
                    }
                    _ => name
                        .strip_prefix("heading ")
                        .and_then(|n| n.trim().parse::<u8>().ok())
                        .map(|l| StyleKind::Heading(l.clamp(1, 9))),
                },
            };
            if let Some(kind) = kind {
                return (kind, marks);
            }
            current = s.base.filter(|b| Some(*b) != current);
        }
        (StyleKind::Body, marks)
    }

    fn numbered(&self, ls: i32, ilvl: i32) -> bool {
        self.lists
            .get(&ls)
            .and_then(|l| l.get(ilvl.max(0) as usize).or(l.last()))
            .copied()
            .unwrap_or(false)
    }
}
