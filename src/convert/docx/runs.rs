//! Runs and what holds them: links (external, to bookmarks, from `HYPERLINK` fields),
//! insertions and deletions, content controls, complex and simple fields, symbols, breaks, tabs,
//! footnote and endnote references, math, and pictures, charts and shapes in the run.

use super::*;

impl Walker<'_> {
    /// Runs and what holds runs (links, insertions, content controls, fields), in order.
    pub(super) fn inline_content(
        &mut self,
        parent: &Element,
        base: Marks,
        out: &mut Vec<Run>,
        shared: &mut Shared<'_>,
    ) {
        for child in parent.elements() {
            match child.name.as_str() {
                "r" => self.run(child, base, out, shared),
                "hyperlink" => {
                    let mut inner = Vec::new();
                    self.inline_content(child, base, &mut inner, shared);
                    let anchor = child.attr("anchor").filter(|a| !a.is_empty());
                    let target = match child.attr("id").and_then(|id| self.rels.get(id)) {
                        Some(rel) => match anchor {
                            Some(a) if !rel.target.contains('#') => format!("{}#{a}", rel.target),
                            _ => rel.target.clone(),
                        },
                        None => anchor.map(|a| format!("#{a}")).unwrap_or_default(),
                    };
                    push_link(out, target, inner);
                }
                "fldSimple" => {
                    let mut inner = Vec::new();
                    self.inline_content(child, base, &mut inner, shared);
                    match field::target(child.attr("instr").unwrap_or("")) {
                        Some(target) => push_link(out, target, inner),
                        None => out.extend(inner),
                    }
                }
                "ins" | "moveTo" | "smartTag" | "customXml" | "bdo" | "dir" => {
                    self.inline_content(child, base, out, shared)
                }
                "sdt" => {
                    if let Some(content) = child.child("sdtContent") {
                        self.inline_content(content, base, out, shared);
                    }
                }
                // Equations as LaTeX: `m:oMathPara` is display math, `m:oMath` inline.
                "oMath" | "oMathPara" => {
                    let tex = math::to_latex(&math::read_omml(child));
                    if !tex.is_empty() {
                        out.push(Run::Inline(
                            Marks::default(),
                            Inline::Math {
                                tex,
                                display: child.name == "oMathPara",
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, r: &Element, base: Marks, out: &mut Vec<Run>, shared: &mut Shared<'_>) {
        let rpr = r.child("rPr");
        if toggle(rpr, "vanish") == Some(true) {
            return;
        }
        let mut marks = base;
        let char_style = rpr
            .and_then(|p| p.child_val("rStyle"))
            .map(|s| self.ctx.char_style(s));
        let no_style = &self.ctx.no_style;
        let char_style = char_style.unwrap_or(no_style);
        let text: String = r.children_named("t").map(|t| t.text()).collect();
        let (strong, emph, strike) = styles::run_toggles(
            &Toggles::read(rpr),
            &char_style.toggles,
            &self.paragraph_toggles,
            styles::is_complex_run(rpr, &text),
        );
        marks.strong |= strong;
        marks.emph |= emph;
        marks.strike |= strike;
        marks.code |= char_style.code
            || char_style.monospace
            || rpr
                .and_then(|p| p.child("rFonts"))
                .is_some_and(styles::is_monospace_fonts);
        match VertAlign::read(rpr).or(char_style.vert_align) {
            Some(VertAlign::Superscript) => marks.superscript = true,
            Some(VertAlign::Subscript) => marks.subscript = true,
            Some(VertAlign::Baseline) => {
                marks.superscript = false;
                marks.subscript = false;
            }
            None => {}
        }
        let in_instruction =
            |fields: &[Field]| fields.last().is_some_and(|f| f.result_start.is_none());
        let mut text = String::new();
        for child in r.elements() {
            let flush = |text: &mut String, out: &mut Vec<Run>| {
                if !text.is_empty() {
                    out.push(Run::Text(marks, std::mem::take(text)));
                }
            };
            match child.name.as_str() {
                "t" if !in_instruction(&self.fields) => text.push_str(&child.text()),
                "tab" | "ptab" => text.push(' '),
                "noBreakHyphen" => text.push('\u{2011}'),
                "softHyphen" => {}
                "sym" => text.extend(child.attr("char").and_then(symbol_char)),
                "br" => match child.attr("type") {
                    Some("page" | "column") => {}
                    _ => {
                        flush(&mut text, out);
                        out.push(Run::Inline(Marks::default(), Inline::LineBreak));
                    }
                },
                "cr" => {
                    flush(&mut text, out);
                    out.push(Run::Inline(Marks::default(), Inline::LineBreak));
                }
                "instrText" => {
                    if let Some(field) = self.fields.last_mut()
                        && field.result_start.is_none()
                    {
                        field.instr.push_str(&child.text());
                    }
                }
                "fldChar" => {
                    flush(&mut text, out);
                    match child.attr("fldCharType") {
                        Some("begin") => self.fields.push(Field {
                            instr: String::new(),
                            result_start: None,
                        }),
                        Some("separate") => {
                            if let Some(field) = self.fields.last_mut() {
                                field.result_start = Some(out.len());
                            }
                        }
                        Some("end") => {
                            if let Some(field) = self.fields.pop()
                                && let Some(start) = field.result_start
                                && let Some(target) = field::target(&field.instr)
                                && start <= out.len()
                            {
                                let inner: Vec<Run> = out.drain(start..).collect();
                                push_link(out, target, inner);
                            }
                        }
                        _ => {}
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    flush(&mut text, out);
                    let kind = if child.name == "footnoteReference" {
                        "footnote"
                    } else {
                        "endnote"
                    };
                    if let Some(id) = child.attr("id") {
                        let key = (kind.to_string(), id.to_string());
                        if shared.notes.contains_key(&key) {
                            let label = match shared.note_order.iter().find(|(_, k)| *k == key) {
                                Some((label, _)) => label.clone(),
                                None => {
                                    let label = (shared.note_order.len() + 1).to_string();
                                    shared.note_order.push((label.clone(), key));
                                    label
                                }
                            };
                            out.push(Run::Inline(Marks::default(), Inline::NoteRef(label)));
                        }
                    }
                }
                "drawing" | "pict" | "object" => {
                    flush(&mut text, out);
                    self.graphic(child, out, shared);
                }
                "AlternateContent" => {
                    flush(&mut text, out);
                    // The modern rendering (Choice) and its VML copy (Fallback) hold the same
                    // content: take one.
                    let chosen = child.child("Choice").or_else(|| child.child("Fallback"));
                    if let Some(chosen) = chosen {
                        self.graphic(chosen, out, shared);
                    }
                }
                _ => {}
            }
        }
        if !text.is_empty() && !in_instruction(&self.fields) {
            out.push(Run::Text(marks, text));
        }
    }

    /// A drawing, VML picture or embedded object: its image (or alt text), and the paragraphs of
    /// any text box in it (written after the paragraph).
    fn graphic(&mut self, element: &Element, out: &mut Vec<Run>, shared: &mut Shared<'_>) {
        // A VML horizontal line (`<v:rect o:hr="t">`): a thematic break after the paragraph.
        let mut rects = Vec::new();
        element.find_all("rect", &mut rects);
        if rects
            .iter()
            .any(|r| matches!(r.attr("hr"), Some("t" | "true")))
        {
            self.floating.push(Block::Rule);
            return;
        }
        let mut boxes = Vec::new();
        element.find_all("txbxContent", &mut boxes);
        for content in boxes {
            let mut inner = Walker::new(self.ctx, self.rels);
            inner.blocks_of(content, shared);
            inner.flush();
            self.floating.extend(inner.blocks);
        }
        let alt = element
            .find("docPr")
            .and_then(|d| {
                d.attr("descr")
                    .filter(|s| !s.trim().is_empty())
                    .or_else(|| d.attr("title"))
            })
            .or_else(|| element.find("shape").and_then(|s| s.attr("alt")))
            .or_else(|| element.find("imagedata").and_then(|i| i.attr("title")))
            .unwrap_or("")
            .trim()
            .to_string();
        let embed = element
            .find("blip")
            .and_then(|b| b.attr("embed").or_else(|| b.attr("link")))
            .or_else(|| element.find("imagedata").and_then(|i| i.attr("id")));
        let Some(rel) = embed.and_then(|id| self.rels.get(id)) else {
            if !alt.is_empty() {
                // A chart or shape without a picture: its description stands in.
                out.push(Run::Inline(
                    Marks::default(),
                    Inline::Image {
                        alt,
                        src: String::new(),
                        size: None,
                    },
                ));
            }
            return;
        };
        // The display size: DrawingML extents are EMUs (914,400 per inch), at 96 pixels per inch.
        let size = element.find("extent").and_then(|e| {
            let emu = |k: &str| e.attr(k)?.parse::<u64>().ok();
            media::emu_to_px(emu("cx")?, emu("cy")?)
        });
        let image = shared.media.picture(
            &mut shared.pkg,
            Some((&rel.target, rel.external)),
            alt,
            size,
            self.ctx.extract_images,
        );
        out.push(Run::Inline(Marks::default(), image));
    }
}

fn push_link(out: &mut Vec<Run>, target: String, inner: Vec<Run>) {
    let content = markdown::nest_runs(inner);
    if target.is_empty() || target == "#" {
        out.extend(
            content
                .into_iter()
                .map(|i| Run::Inline(Marks::default(), i)),
        );
    } else {
        out.push(Run::Inline(
            Marks::default(),
            Inline::Link { target, content },
        ));
    }
}

/// `w:sym` characters are given as hex code points, often in the symbol fonts' private-use area
/// (F020-F0FF mirrors 0020-00FF).
fn symbol_char(hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex.trim(), 16).ok()?;
    let code = if (0xF020..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    char::from_u32(code).filter(|c| !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_map_out_of_private_use() {
        assert_eq!(symbol_char("F0B7"), Some('·'));
        assert_eq!(symbol_char("2022"), Some('•'));
        assert_eq!(symbol_char("zz"), None);
    }
}
