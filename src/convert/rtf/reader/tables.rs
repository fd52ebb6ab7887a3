//! The document's tables, read from their destinations: fonts (pitch and code page), the style
//! sheet (names, `\sbasedon`, the formatting each style gives), list tables and `\info`.

use encoding_rs::Encoding;

use super::{Font, Reader, StyleDef};
use crate::convert::paragraphs::{StyleKind, Styles};
use crate::convert::rtf_text::Token;
use crate::markdown::Marks;

impl Reader<'_> {
    pub(super) fn font_table(&mut self, open: usize, end: usize) {
        let mut depth = 0;
        let mut current: Option<(i32, bool, Option<&'static Encoding>, String)> = None;
        for t in &self.toks[open..end] {
            match t {
                Token::Open => depth += 1,
                Token::Close => {
                    depth -= 1;
                    if depth == 1
                        && let Some((n, modern, enc, name)) = current.take()
                    {
                        self.add_font(n, modern, enc, &name);
                    }
                }
                Token::Word("f", Some(n)) => {
                    if let Some((n, modern, enc, name)) = current.take() {
                        self.add_font(n, modern, enc, &name);
                    }
                    current = Some((*n, false, None, String::new()));
                }
                Token::Word("fmodern", _) => {
                    if let Some(c) = current.as_mut() {
                        c.1 = true;
                    }
                }
                Token::Word("fcharset", Some(cs)) => {
                    if let Some(c) = current.as_mut() {
                        c.2 = charset_encoding(*cs);
                    }
                }
                Token::Word("cpg", Some(cp)) => {
                    if let Some(c) = current.as_mut() {
                        c.2 = codepage::to_encoding(*cp as u16).or(c.2);
                    }
                }
                Token::Text(text) if depth <= 3 => {
                    if let Some(c) = current.as_mut() {
                        c.3.push_str(&String::from_utf8_lossy(text));
                    }
                }
                _ => {}
            }
        }
        if let Some((n, modern, enc, name)) = current.take() {
            self.add_font(n, modern, enc, &name);
        }
    }

    pub(super) fn add_font(
        &mut self,
        n: i32,
        modern: bool,
        enc: Option<&'static Encoding>,
        name: &str,
    ) {
        let name = name.trim().trim_end_matches(';').trim();
        self.fonts.insert(
            n,
            Font {
                monospace: crate::convert::is_monospace_font(name) || (modern && name.is_empty()),
                encoding: enc.unwrap_or(self.ansi),
            },
        );
    }

    pub(super) fn style_sheet(&mut self, open: usize, end: usize) {
        let mut depth = 0;
        // (number, paragraph style?, definition)
        let mut current: Option<(i32, bool, StyleDef)> = None;
        for t in &self.toks[open..end] {
            match t {
                Token::Open => {
                    depth += 1;
                    if depth == 2 {
                        current = Some((0, true, StyleDef::default()));
                    }
                }
                Token::Close => {
                    if depth == 2
                        && let Some((n, paragraph, mut def)) = current.take()
                        && paragraph
                    {
                        def.name = def.name.trim().trim_end_matches(';').trim().to_string();
                        self.styles.insert(n, def);
                    }
                    depth -= 1;
                }
                Token::Word(w, p) if depth == 2 => {
                    if let Some(c) = current.as_mut() {
                        let on = p.is_none_or(|p| p != 0);
                        match *w {
                            "s" => c.0 = p.unwrap_or(0),
                            "cs" | "ds" | "ts" => c.1 = false,
                            "sbasedon" => c.2.based_on = *p,
                            "b" => c.2.marks.strong = on,
                            "i" => c.2.marks.emph = on,
                            "strike" => c.2.marks.strike = on,
                            _ => {}
                        }
                    }
                }
                Token::Text(text) if depth == 2 => {
                    if let Some(c) = current.as_mut() {
                        c.2.name.push_str(&String::from_utf8_lossy(text));
                    }
                }
                _ => {}
            }
        }
    }

    /// `\listtable` (list id -> levels' number formats) and `\listoverridetable` (`\lsN` ->
    /// list id).
    pub(super) fn list_tables(&mut self, open: usize, end: usize) {
        let mut lists = std::mem::take(&mut self.list_defs);
        let mut overrides: Vec<(i32, i32)> = Vec::new();
        let mut levels: Vec<bool> = Vec::new();
        let mut list_id = None;
        let mut override_list = None;
        for t in &self.toks[open..end] {
            match t {
                Token::Word("list", _) => {
                    levels.clear();
                    list_id = None;
                }
                // levelnfc 23 (bullet) and 255 (none) are not numbers.
                Token::Word("levelnfc", Some(n)) => levels.push(!matches!(n, 23 | 255)),
                Token::Word("listid", Some(id)) => {
                    if override_list.is_some() {
                        override_list = Some(*id);
                    } else {
                        list_id = Some(*id);
                        lists.insert(*id, levels.clone());
                    }
                }
                Token::Word("listoverride", _) => override_list = Some(0),
                Token::Word("ls", Some(ls)) => {
                    if let Some(id) = override_list.take() {
                        overrides.push((*ls, id));
                    }
                }
                _ => {}
            }
        }
        let _ = list_id;
        for (ls, id) in overrides {
            if let Some(levels) = lists.get(&id) {
                self.lists.insert(ls, levels.clone());
            }
        }
        self.list_defs = lists;
    }

    pub(super) fn info_group(&mut self, open: usize, end: usize) {
        let mut i = open + 1;
        while i < end {
            if let Token::Open = self.toks[i] {
                let gend = self.group_end(i).min(end);
                if let Some(Token::Word(name, _)) = self.toks.get(i + 1) {
                    let key = match *name {
                        "title" => Some("title"),
                        "subject" => Some("subject"),
                        "author" => Some("author"),
                        "operator" => Some("last_modified_by"),
                        "keywords" => Some("keywords"),
                        "doccomm" => Some("description"),
                        "company" => Some("company"),
                        _ => None,
                    };
                    if let Some(key) = key {
                        let text = self.plain_text(i + 2, gend.saturating_sub(1));
                        if !text.trim().is_empty() {
                            self.info.push((key.into(), text.trim().to_string()));
                        }
                    } else if matches!(*name, "creatim" | "revtim") {
                        let mut parts = [0i32; 5];
                        for t in &self.toks[i..gend] {
                            if let Token::Word(w, Some(v)) = t {
                                let at = match *w {
                                    "yr" => 0,
                                    "mo" => 1,
                                    "dy" => 2,
                                    "hr" => 3,
                                    "min" => 4,
                                    _ => continue,
                                };
                                parts[at] = *v;
                            }
                        }
                        if parts[0] > 0 {
                            let key = if *name == "creatim" {
                                "created"
                            } else {
                                "modified"
                            };
                            self.info.push((
                                key.into(),
                                format!(
                                    "{:04}-{:02}-{:02}T{:02}:{:02}:00",
                                    parts[0], parts[1], parts[2], parts[3], parts[4]
                                ),
                            ));
                        }
                    }
                }
                i = gend;
                continue;
            }
            i += 1;
        }
    }
}
impl Styles for Reader<'_> {
    fn numbered(&self, ls: i32, ilvl: i32) -> bool {
        self.lists
            .get(&ls)
            .and_then(|levels| levels.get(ilvl.max(0) as usize).or(levels.last()))
            .copied()
            .unwrap_or(false)
    }

    fn style_kind(&self, style: i32) -> (StyleKind, Marks) {
        let mut marks = Marks::default();
        let mut kind = StyleKind::Body;
        let mut current = Some(style);
        for _ in 0..16 {
            let Some(def) = current.and_then(|s| self.styles.get(&s)) else {
                break;
            };
            marks.strong |= def.marks.strong;
            marks.emph |= def.marks.emph;
            marks.strike |= def.marks.strike;
            if kind == StyleKind::Body {
                let name = def.name.to_ascii_lowercase();
                kind = if let Some(n) = name.strip_prefix("heading ")
                    && let Ok(level) = n.trim().parse::<u8>()
                {
                    StyleKind::Heading(level.clamp(1, 9))
                } else {
                    match name.as_str() {
                        "title" => StyleKind::Heading(1),
                        "quote" | "quotations" | "block text" | "intense quote" => StyleKind::Quote,
                        "source code" | "preformatted text" | "html preformatted" | "code" => {
                            StyleKind::Code
                        }
                        _ => StyleKind::Body,
                    }
                };
            }
            current = def.based_on.filter(|b| Some(*b) != current);
        }
        (kind, marks)
    }
}

/// The encoding of a font's `\fcharsetN`.
pub(super) fn charset_encoding(charset: i32) -> Option<&'static Encoding> {
    let cp = match charset {
        0 => 1252,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    codepage::to_encoding(cp)
}
