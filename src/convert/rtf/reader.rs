//! RTF tokens (`rtf_text::tokens`) to a flat stream of paragraphs and table marks, with the
//! document's tables (fonts, styles, lists, `\info`) read on the way.
//!
//! Character properties (`\b`, `\i`, `\strike`, `\super`, `\sub`, `\v`, `\fN`, `\plain`) and
//! paragraph properties (`\pard`, `\li`, `\fi`, `\outlinelevel`, `\sN`, `\intbl`, `\itap`,
//! `\ls`, `\ilvl`) live in groups and are restored when a group closes. Text bytes are decoded
//! in the code page of their font (`\fcharset`, `\cpg`) or the document's (`\ansicpg`); `\uN`
//! skips its `\ucN` fallback characters. Destinations are read where they hold something for
//! the Markdown (footnotes, fields, pictures, the font, style and list tables, `\info`, headers
//! and footers) and skipped otherwise.

mod tables;

use std::collections::HashMap;

use encoding_rs::Encoding;

use crate::convert::media::Media;
use crate::convert::paragraphs::{CellDef, Event, Para, ParaProps, level};
use crate::convert::rtf_text::Token;
use crate::markdown::{Inline, Marks, Run};

/// Groups nested deeper than this are read as part of their parent.
const MAX_DEPTH: usize = 256;

/// A paragraph style: its name, the style it is based on and the character formatting it
/// gives (which is the style's look, not emphasis).
#[derive(Debug, Clone, Default)]
pub struct StyleDef {
    pub name: String,
    pub based_on: Option<i32>,
    pub marks: Marks,
}

#[derive(Debug, Clone, Copy)]
struct Font {
    monospace: bool,
    encoding: &'static Encoding,
}

#[derive(Debug, Clone, Copy)]
struct CharState {
    marks: Marks,
    hidden: bool,
    font: i32,
    uc: usize,
}

impl Default for CharState {
    fn default() -> Self {
        CharState {
            marks: Marks::default(),
            hidden: false,
            font: -1,
            uc: 1,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct State {
    chars: CharState,
    para: ParaProps,
    /// The row definition being built (`\trowd ... \cellx`).
    pending: CellDef,
}

/// What reading a body produced.
#[derive(Debug, Default)]
pub struct Body {
    pub events: Vec<Event>,
    /// Footnotes, in the order of their references: each a body of its own.
    pub notes: Vec<Vec<Event>>,
}

pub struct Reader<'t> {
    toks: &'t [Token<'t>],
    fonts: HashMap<i32, Font>,
    default_font: i32,
    /// Paragraph styles (`\sN`) of the style sheet.
    pub styles: HashMap<i32, StyleDef>,
    /// `\lsN` -> for each level, whether it is numbered.
    pub lists: HashMap<i32, Vec<bool>>,
    /// `\listidN` -> for each level, whether it is numbered (from `\listtable`).
    list_defs: HashMap<i32, Vec<bool>>,
    /// The row being defined repeats as a header (`\trhdr`).
    header_row: bool,
    ansi: &'static Encoding,
    pub info: Vec<(String, String)>,
    pub header: String,
    pub footer: String,
    pub media: Media,
    extract_images: bool,
    /// Footnotes read so far, numbered from 1.
    notes: Vec<Vec<Event>>,
    /// The cells of the row being defined.
    row: Vec<CellDef>,
    nest_row: Vec<CellDef>,
}

impl<'t> Reader<'t> {
    pub fn new(toks: &'t [Token<'t>], extract_images: bool) -> Reader<'t> {
        Reader {
            toks,
            fonts: HashMap::new(),
            default_font: 0,
            styles: HashMap::new(),
            lists: HashMap::new(),
            list_defs: HashMap::new(),
            header_row: false,
            ansi: encoding_rs::WINDOWS_1252,
            info: Vec::new(),
            header: String::new(),
            footer: String::new(),
            media: Media::default(),
            extract_images,
            notes: Vec::new(),
            row: Vec::new(),
            nest_row: Vec::new(),
        }
    }

    /// Reads the whole document.
    pub fn read(&mut self) -> Body {
        let mut out = Out::default();
        let mut state = State::default();
        state.chars.font = self.default_font;
        self.run(0, self.toks.len(), state, &mut out, 0);
        out.end_paragraph(true);
        Body {
            events: out.events,
            notes: std::mem::take(&mut self.notes),
        }
    }

    /// The index after the group that opens at `open` (the `{` at `toks[open]`).
    fn group_end(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t {
                Token::Open => depth += 1,
                Token::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        self.toks.len()
    }

    /// Reads tokens `from..to` into `out`, starting in `state`.
    fn run(&mut self, from: usize, to: usize, state: State, out: &mut Out, depth: usize) {
        let mut stack = vec![state];
        let mut skip_chars = 0usize;
        let mut i = from;
        while i < to {
            let tok = &self.toks[i];
            match tok {
                Token::Open => {
                    // A destination: read (or skipped) as a whole.
                    if let Some(next) = self.destination(i, to, &stack, out, depth) {
                        i = next;
                        continue;
                    }
                    if stack.len() < MAX_DEPTH {
                        let top = stack.last().cloned().unwrap_or_default();
                        stack.push(top);
                    }
                }
                Token::Close => {
                    if stack.len() > 1 {
                        stack.pop();
                    }
                }
                Token::Word(name, param) => {
                    let uc = stack.last().map_or(1, |s| s.chars.uc);
                    let st = stack.last_mut().expect("a state");
                    skip_chars = self.word(name, *param, st, out, uc).unwrap_or(0);
                    i += 1;
                    continue;
                }
                Token::Symbol(c) => {
                    let st = stack.last().expect("a state");
                    if !st.chars.hidden {
                        match c {
                            // `\` before a line break is a paragraph mark (Cocoa writes them).
                            b'\n' | b'\r' => {
                                out.set_para(&st.para);
                                out.paragraph_font_mono =
                                    self.fonts.get(&st.chars.font).is_some_and(|f| f.monospace);
                                out.end_paragraph(true);
                            }
                            b'\\' | b'{' | b'}' => out.bytes(&[*c], self.char_run(st)),
                            b'~' => out.text("\u{a0}", self.char_run(st)),
                            b'_' => out.text("-", self.char_run(st)),
                            _ => {}
                        }
                    }
                }
                Token::Hex(b) => {
                    if skip_chars > 0 {
                        skip_chars -= 1;
                    } else {
                        let st = stack.last().expect("a state");
                        if !st.chars.hidden {
                            out.bytes(&[*b], self.char_run(st));
                        }
                    }
                    i += 1;
                    continue;
                }
                Token::Text(t) => {
                    let mut t: &[u8] = t;
                    if skip_chars > 0 {
                        let n = skip_chars.min(t.len());
                        t = &t[n..];
                        skip_chars -= n;
                    }
                    let st = stack.last().expect("a state");
                    if !st.chars.hidden && !t.is_empty() {
                        out.bytes(t, self.char_run(st));
                    }
                    i += 1;
                    continue;
                }
            }
            skip_chars = 0;
            i += 1;
        }
    }

    /// How text in this state is written: its marks, encoding and font pitch.
    fn char_run(&self, st: &State) -> CharRun {
        let font = self.fonts.get(&st.chars.font);
        let monospace = font.is_some_and(|f| f.monospace);
        let mut marks = st.chars.marks;
        marks.code = monospace;
        CharRun {
            marks,
            encoding: font.map_or(self.ansi, |f| f.encoding),
            para: st.para.clone(),
        }
    }

    /// A control word; returns how many fallback characters to skip (after `\u`).
    fn word(
        &mut self,
        name: &str,
        param: Option<i32>,
        st: &mut State,
        out: &mut Out,
        uc: usize,
    ) -> Option<usize> {
        let on = param.is_none_or(|p| p != 0);
        let c = &mut st.chars;
        match name {
            "par" | "sect" | "page" => {
                out.set_para(&st.para);
                // A code line is a paragraph whose own font (the one its mark is in) is
                // fixed-pitch; code spans in a proportional paragraph are inline code.
                out.paragraph_font_mono =
                    self.fonts.get(&st.chars.font).is_some_and(|f| f.monospace);
                out.end_paragraph(name == "par");
            }
            "line" => out.inline(Inline::LineBreak, self.char_run(st)),
            "tab" => out.text("\t", self.char_run(st)),
            "cell" | "nestcell" => {
                out.set_para(&st.para);
                out.end_paragraph(false);
                out.events.push(Event::Cell {
                    level: if name == "cell" { 1 } else { level(&st.para) },
                });
            }
            "row" => {
                out.end_paragraph(false);
                out.events.push(Event::Row {
                    level: 1,
                    cells: std::mem::take(&mut self.row),
                    header: std::mem::take(&mut self.header_row),
                });
            }
            "nestrow" => {
                out.end_paragraph(false);
                out.events.push(Event::Row {
                    level: level(&st.para),
                    cells: std::mem::take(&mut self.nest_row),
                    header: false,
                });
            }
            "trowd" => {
                self.header_row = false;
                if st.para.itap > 1 {
                    self.nest_row.clear();
                } else {
                    self.row.clear();
                }
                st.pending = CellDef::default();
            }
            "trhdr" => self.header_row = true,
            "clmgf" => st.pending.merge_first = true,
            "clmrg" => st.pending.merged = true,
            "clvmgf" => st.pending.vmerge_first = true,
            "clvmrg" => st.pending.vmerged = true,
            "cellx" => {
                let def = std::mem::take(&mut st.pending);
                if st.para.itap > 1 {
                    self.nest_row.push(def);
                } else {
                    self.row.push(def);
                }
            }
            "pard" => {
                let itap = st.para.itap;
                st.para = ParaProps::default();
                // A nested table's paragraphs say `\itapN` after `\pard`; the level stays
                // until then.
                st.para.itap = itap.min(1);
            }
            "plain" => {
                let uc = c.uc;
                *c = CharState {
                    font: self.default_font,
                    uc,
                    ..CharState::default()
                };
            }
            "b" => c.marks.strong = on,
            "i" => c.marks.emph = on,
            "strike" | "striked" => c.marks.strike = on,
            "super" => {
                c.marks.superscript = on;
                c.marks.subscript = false;
            }
            "sub" => {
                c.marks.subscript = on;
                c.marks.superscript = false;
            }
            "up" => c.marks.superscript = param.unwrap_or(6) > 0,
            "dn" => c.marks.subscript = param.unwrap_or(6) > 0,
            "nosupersub" => {
                c.marks.superscript = false;
                c.marks.subscript = false;
            }
            "v" => c.hidden = on,
            "f" => c.font = param.unwrap_or(0),
            "uc" => c.uc = param.unwrap_or(1).clamp(0, 8) as usize,
            "u" => {
                let v = param.unwrap_or(0);
                let code = if v < 0 { v + 65536 } else { v } as u32;
                if !c.hidden
                    && let Some(ch) = char::from_u32(code)
                {
                    out.text(&ch.to_string(), self.char_run(st));
                }
                return Some(uc);
            }
            "ansicpg" => {
                if let Some(enc) = param.and_then(|p| codepage::to_encoding(p as u16)) {
                    self.ansi = enc;
                }
            }
            "deff" => {
                self.default_font = param.unwrap_or(0);
                c.font = self.default_font;
            }
            "li" => st.para.li = param.unwrap_or(0),
            "fi" => st.para.fi = param.unwrap_or(0),
            "outlinelevel" => st.para.outline = param.and_then(|p| u8::try_from(p).ok()),
            "s" => st.para.style = param.unwrap_or(0),
            "intbl" => st.para.intbl = true,
            "itap" => {
                st.para.itap = param.unwrap_or(1);
                st.para.intbl = st.para.itap > 0;
            }
            "ls" => st.para.ls = param,
            "ilvl" => st.para.ilvl = param.unwrap_or(0).clamp(0, 8),
            "pnlvlblt" => st.para.pn = Some(false),
            "pnlvlbody" | "pnlvlcont" => {
                st.para.pn.get_or_insert(true);
            }
            "emdash" | "endash" | "lquote" | "rquote" | "ldblquote" | "rdblquote" | "bullet"
                if !c.hidden =>
            {
                let s = match name {
                    "emdash" => "—",
                    "endash" => "–",
                    "lquote" => "‘",
                    "rquote" => "’",
                    "ldblquote" => "“",
                    "rdblquote" => "”",
                    _ => "•",
                };
                out.text(s, self.char_run(st));
            }
            _ => {}
        }
        None
    }

    /// At a `{`: whether it opens a destination, and if so reads it and returns the index
    /// after it.
    fn destination(
        &mut self,
        open: usize,
        to: usize,
        stack: &[State],
        out: &mut Out,
        depth: usize,
    ) -> Option<usize> {
        let (starred, first) = match (self.toks.get(open + 1), self.toks.get(open + 2)) {
            (Some(Token::Symbol(b'*')), Some(Token::Word(w, _))) => (true, *w),
            (Some(Token::Word(w, _)), _) => (false, *w),
            _ => return None,
        };
        let end = self.group_end(open).min(to);
        let state = stack.last().cloned().unwrap_or_default();
        match first {
            "fonttbl" => self.font_table(open, end),
            "stylesheet" => self.style_sheet(open, end),
            "listtable" | "listoverridetable" => self.list_tables(open, end),
            "info" => self.info_group(open, end),
            "colortbl" | "rsidtbl" | "generator" | "xmlnstbl" | "themedata" | "datastore"
            | "latentstyles" | "colorschememapping" | "revtbl" | "filetbl" | "pgdsctbl"
            | "fldinst" | "bkmkstart" | "bkmkend" | "template" | "userprops" | "mmathPr"
            | "pgdsc" | "themedata0" => {}
            "header" | "headerl" | "headerr" | "headerf" | "footer" | "footerl" | "footerr"
            | "footerf" => {
                let text = self.plain_text(open + 1, end.saturating_sub(1));
                let target = if first.starts_with("header") {
                    &mut self.header
                } else {
                    &mut self.footer
                };
                if !text.trim().is_empty() {
                    if !target.is_empty() {
                        target.push('\n');
                    }
                    target.push_str(text.trim());
                }
            }
            "listtext" | "pntext" => out.marked = true,
            "pn" => {
                // Legacy numbering properties of the paragraph: read them into its state.
                let mut inner = Out::default();
                let mut st = state.clone();
                for t in &self.toks[open + 1..end] {
                    if let Token::Word(w, _) = t {
                        match *w {
                            "pnlvlblt" => st.para.pn = Some(false),
                            "pnlvlbody" | "pnlvlcont" | "pndec" | "pnucltr" | "pnlcltr"
                            | "pnucrm" | "pnlcrm" => {
                                st.para.pn.get_or_insert(true);
                            }
                            _ => {}
                        }
                    }
                }
                let _ = &mut inner;
                out.pn = st.para.pn;
            }
            "footnote" => {
                if depth < 8 {
                    let mut note = Out::default();
                    let mut st = state.clone();
                    st.para = ParaProps::default();
                    self.notes.push(Vec::new());
                    let index = self.notes.len() - 1;
                    self.run(open + 2, end.saturating_sub(1), st, &mut note, depth + 1);
                    note.end_paragraph(true);
                    self.notes[index] = note.events;
                    let label = (index + 1).to_string();
                    out.inline(Inline::NoteRef(label), self.char_run(&state));
                }
            }
            "field" => self.field(open, end, &state, out, depth),
            "pict" => {
                if let Some(image) = self.picture(open, end) {
                    out.inline(image, self.char_run(&state));
                }
            }
            // Fallbacks for readers without nested tables or shapes.
            "nonesttables" | "nonshppict" => {}
            // A nested row's definition and its end (`\nestrow`) are in this destination.
            "nesttableprops" => {
                self.run(open + 3, end.saturating_sub(1), state, out, depth + 1);
            }
            "shppict" | "shp" | "shpinst" | "shptxt" => {
                // Pictures and text boxes of shapes: read their content in place.
                self.run(open + 3, end.saturating_sub(1), state, out, depth + 1);
            }
            "object" => {
                // An embedded object: its result (the picture or text shown).
                if let Some(result) = self.find_sub(open + 1, end, "result") {
                    let rend = self.group_end(result);
                    self.run(result + 2, rend.saturating_sub(1), state, out, depth + 1);
                }
            }
            _ if starred => {}
            _ => return None,
        }
        Some(end)
    }

    /// The index of a sub-group `{\name ...}` or `{\*\name ...}` directly inside `from..to`.
    fn find_sub(&self, from: usize, to: usize, name: &str) -> Option<usize> {
        let mut depth = 0;
        let mut i = from;
        while i < to {
            match &self.toks[i] {
                Token::Open => {
                    if depth == 0 {
                        let w = match (self.toks.get(i + 1), self.toks.get(i + 2)) {
                            (Some(Token::Symbol(b'*')), Some(Token::Word(w, _))) => Some(*w),
                            (Some(Token::Word(w, _)), _) => Some(*w),
                            _ => None,
                        };
                        if w == Some(name) {
                            return Some(i);
                        }
                    }
                    depth += 1;
                }
                Token::Close => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// `{\field{\*\fldinst HYPERLINK "url"}{\fldrslt text}}`: the result, linked for hyperlinks.
    fn field(&mut self, open: usize, end: usize, state: &State, out: &mut Out, depth: usize) {
        let instr = self
            .find_sub(open + 1, end, "fldinst")
            .map(|i| self.plain_text(i + 1, self.group_end(i).saturating_sub(1)))
            .unwrap_or_default();
        let Some(result) = self.find_sub(open + 1, end, "fldrslt") else {
            return;
        };
        let rend = self.group_end(result);
        let mut inner = Out::default();
        self.run(
            result + 2,
            rend.saturating_sub(1),
            state.clone(),
            &mut inner,
            depth + 1,
        );
        inner.flush();
        let runs = std::mem::take(&mut inner.runs);
        match crate::convert::field::hyperlink(&instr) {
            Some(target) => {
                let content = crate::markdown::nest_runs(
                    runs.into_iter()
                        .map(|r| match r {
                            Run::Text(m, t) => Run::Text(Marks { code: m.code, ..m }, t),
                            other => other,
                        })
                        .collect(),
                );
                out.inline(Inline::Link { target, content }, self.char_run(state));
            }
            None => {
                out.flush();
                out.runs.extend(runs);
            }
        }
    }

    /// A picture (`\pngblip`, `\jpegblip`): its hex data extracted beside the Markdown, its
    /// display size from `\picwgoal`/`\pichgoal` (twips) and the scale.
    fn picture(&mut self, open: usize, end: usize) -> Option<Inline> {
        let mut kind = None;
        let (mut w, mut h, mut sx, mut sy) = (0i64, 0i64, 100i64, 100i64);
        let mut hex = Vec::new();
        let mut depth = 0;
        for t in &self.toks[open..end] {
            match t {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                Token::Word(name, p) if depth == 1 => {
                    let v = i64::from(p.unwrap_or(0));
                    match *name {
                        "pngblip" => kind = Some("png"),
                        "jpegblip" => kind = Some("jpg"),
                        "emfblip" => kind = Some("emf"),
                        "wmetafile" => kind = Some("wmf"),
                        "picwgoal" => w = v,
                        "pichgoal" => h = v,
                        "picscalex" => sx = v,
                        "picscaley" => sy = v,
                        _ => {}
                    }
                }
                Token::Text(t) if depth == 1 => hex.extend_from_slice(t),
                _ => {}
            }
        }
        let kind = kind?;
        self.media.count += 1;
        let px = |twips: i64, scale: i64| ((twips * scale / 100) / 15).clamp(0, 100_000) as u32;
        let size = (w > 0 && h > 0).then(|| (px(w, sx).max(1), px(h, sy).max(1)));
        if !self.extract_images {
            return None;
        }
        let bytes = decode_hex(&hex);
        if bytes.is_empty() {
            return None;
        }
        let name = self
            .media
            .add(&format!("image{}.{kind}", self.media.count), bytes);
        Some(Inline::Image {
            alt: String::new(),
            src: format!("{}/{name}", crate::convert::ATTACHMENTS_DIR),
            size,
        })
    }

    /// The text of a range of tokens (for field instructions, headers, info values).
    fn plain_text(&self, from: usize, to: usize) -> String {
        let mut bytes = Vec::new();
        let mut out = String::new();
        let mut skip = 0usize;
        let flush = |bytes: &mut Vec<u8>, out: &mut String, enc: &'static Encoding| {
            if !bytes.is_empty() {
                out.push_str(&enc.decode_without_bom_handling(bytes).0);
                bytes.clear();
            }
        };
        for t in &self.toks[from..to.min(self.toks.len())] {
            match t {
                Token::Text(t) => {
                    let n = skip.min(t.len());
                    skip -= n;
                    bytes.extend_from_slice(&t[n..]);
                }
                Token::Hex(b) => {
                    if skip > 0 {
                        skip -= 1;
                    } else {
                        bytes.push(*b);
                    }
                }
                Token::Word("u", p) => {
                    flush(&mut bytes, &mut out, self.ansi);
                    let v = p.unwrap_or(0);
                    if let Some(c) = char::from_u32(if v < 0 { v + 65536 } else { v } as u32) {
                        out.push(c);
                    }
                    skip = 1;
                }
                Token::Word("tab", _) => bytes.push(b'\t'),
                Token::Word("par" | "line", _) => bytes.push(b'\n'),
                Token::Symbol(c @ (b'\\' | b'{' | b'}')) => bytes.push(*c),
                _ => {}
            }
        }
        flush(&mut bytes, &mut out, self.ansi);
        out
    }
}

/// How a piece of text is written.
#[derive(Debug, Clone)]
pub struct CharRun {
    marks: Marks,
    encoding: &'static Encoding,
    para: ParaProps,
}

/// The paragraph being read and the events so far.
#[derive(Debug, Default)]
struct Out {
    events: Vec<Event>,
    runs: Vec<Run>,
    /// Undecoded bytes of the current run, with how they are written.
    bytes: Vec<u8>,
    run: Option<(Marks, &'static Encoding)>,
    para: ParaProps,
    marked: bool,
    pn: Option<bool>,
    /// Text outside a fixed-pitch font was seen in this paragraph.
    proportional: bool,
    /// The font in effect at the paragraph mark is fixed-pitch.
    paragraph_font_mono: bool,
    any_text: bool,
}

impl Out {
    fn flush(&mut self) {
        if let Some((marks, enc)) = self.run
            && !self.bytes.is_empty()
        {
            let text = enc.decode_without_bom_handling(&self.bytes).0.into_owned();
            self.push_text(marks, text);
        }
        self.bytes.clear();
    }

    fn push_text(&mut self, marks: Marks, text: String) {
        if !text.trim().is_empty() {
            self.any_text = true;
            if !marks.code {
                self.proportional = true;
            }
        }
        match self.runs.last_mut() {
            Some(Run::Text(m, t)) if *m == marks => t.push_str(&text),
            _ => self.runs.push(Run::Text(marks, text)),
        }
    }

    fn bytes(&mut self, b: &[u8], run: CharRun) {
        if self.run != Some((run.marks, run.encoding)) {
            self.flush();
            self.run = Some((run.marks, run.encoding));
        }
        self.para = run.para;
        self.bytes.extend_from_slice(b);
    }

    fn text(&mut self, s: &str, run: CharRun) {
        self.flush();
        self.para = run.para;
        self.push_text(run.marks, s.to_string());
    }

    fn inline(&mut self, inline: Inline, run: CharRun) {
        self.flush();
        self.para = run.para;
        self.any_text = true;
        if !run.marks.code {
            self.proportional = true;
        }
        self.runs.push(Run::Inline(run.marks, inline));
    }

    fn set_para(&mut self, para: &ParaProps) {
        self.para = para.clone();
    }

    /// Ends the paragraph; an empty one is kept only when `keep_empty` (a blank line in code).
    fn end_paragraph(&mut self, keep_empty: bool) {
        self.flush();
        let runs = std::mem::take(&mut self.runs);
        let mut props = self.para.clone();
        if props.pn.is_none() {
            props.pn = self.pn.take();
        }
        self.pn = None;
        let para = Para {
            monospace: self.any_text
                && !self.proportional
                && std::mem::take(&mut self.paragraph_font_mono),
            runs,
            props,
            marked: std::mem::take(&mut self.marked),
        };
        if para.runs.is_empty() && !keep_empty {
            self.proportional = false;
            self.any_text = false;
            return;
        }
        self.events.push(Event::Para(para));
        self.proportional = false;
        self.any_text = false;
    }
}

fn decode_hex(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .iter()
        .filter_map(|c| (*c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect()
}
