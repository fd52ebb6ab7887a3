//! docproc's own content-stream interpreter (text only), on lopdf.
//!
//! It follows the graphics and text state a PDF viewer keeps for text (CTM with `q`/`Q`/`cm`, the
//! text and line matrices, font, size, character and word spacing, horizontal scaling, leading,
//! rise), walks into form XObjects, and emits every shown character as a [`Glyph`] for the shared
//! layout. Fonts are decoded by `fonts.rs`. It runs where pdf-extract cannot: when pdf-extract
//! fails, panics or finds no text, and for composite fonts without a `ToUnicode` map, which
//! pdf-extract decodes as letters shifted by a constant.

use std::collections::HashMap;

use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::fonts::Font;
use super::layout::{Glyph, Page, Rule, Tag};
use super::structure::MAX_FORM_DEPTH;

/// An affine matrix `[a b c d e f]`, row-vector convention as in the PDF specification.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Vec<u8>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
}

/// Interprets every page; a page whose content cannot be decoded is empty, not an error.
pub(super) fn pages(doc: &Document) -> Vec<Page> {
    let mut fonts: HashMap<ObjectId, Font<'_>> = HashMap::new();
    let mut out = Vec::new();
    for (number, page_id) in doc.get_pages() {
        let mut page = Page {
            number,
            links: page_links(doc, page_id),
            ..Page::default()
        };
        if let Ok(content) = doc.get_page_content(page_id) {
            let resources = page_resources(doc, page_id);
            let state = State {
                ctm: IDENTITY,
                font: None,
                size: 0.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                hscale: 1.0,
                leading: 0.0,
                rise: 0.0,
            };
            run(
                doc,
                &content,
                &resources,
                state,
                &mut fonts,
                &mut page,
                (0, Tag::Untagged),
            );
        }
        out.push(page);
    }
    out
}

/// The part of each page a viewer shows: the `CropBox` (inherited, defaulting to the `MediaBox`)
/// within the `MediaBox`, as (x0, y0, x1, y1). `None` where neither is a sound rectangle.
pub(super) fn visible_box(doc: &Document, page_id: ObjectId) -> Option<[f64; 4]> {
    let rect = |name: &[u8]| -> Option<[f64; 4]> {
        let mut node = doc.get_dictionary(page_id).ok();
        // The page tree's depth was checked on loading; the bound is a second guard.
        for _ in 0..=super::structure::MAX_PAGE_TREE_DEPTH {
            let dict = node?;
            if let Ok(value) = dict.get_deref(name, doc).and_then(Object::as_array) {
                let n: Vec<f64> = value
                    .iter()
                    .filter_map(|o| doc.dereference(o).ok()?.1.as_float().ok().map(f64::from))
                    .collect();
                let [a, b, c, d] = n[..] else { return None };
                let r = [a.min(c), b.min(d), a.max(c), b.max(d)];
                return (r[2] - r[0] >= 1.0 && r[3] - r[1] >= 1.0).then_some(r);
            }
            node = dict
                .get(b"Parent")
                .and_then(Object::as_reference)
                .and_then(|id| doc.get_dictionary(id))
                .ok();
        }
        None
    };
    let media = rect(b"MediaBox");
    match (rect(b"CropBox"), media) {
        (Some(c), Some(m)) => {
            let r = [
                c[0].max(m[0]),
                c[1].max(m[1]),
                c[2].min(m[2]),
                c[3].min(m[3]),
            ];
            Some(if r[2] - r[0] >= 1.0 && r[3] - r[1] >= 1.0 {
                r
            } else {
                m
            })
        }
        (c, m) => c.or(m),
    }
}

/// Drops what a page draws outside the part a viewer shows (the other half of a two-page
/// spread, slugs and printer's marks beyond the crop box): characters whose origin lies more
/// than half their size outside it, and the rules and bullets outside it.
pub(super) fn clip_to_visible(doc: &Document, pages: &mut [Page]) {
    for (page, (_, page_id)) in pages.iter_mut().zip(doc.get_pages()) {
        let Some([x0, y0, x1, y1]) = visible_box(doc, page_id) else {
            continue;
        };
        let inside = |x: f64, y: f64, slack: f64| {
            x >= x0 - slack && x <= x1 + slack && y >= y0 - slack && y <= y1 + slack
        };
        page.glyphs.retain(|g| inside(g.x, g.y, 0.5 * g.size.abs()));
        page.bullets.retain(|&(x, y)| inside(x, y, 1.0));
        page.rules
            .retain(|r| r.x1 >= x0 && r.x0 <= x1 && r.y1 >= y0 && r.y0 <= y1);
    }
}

/// The page's link annotations with a URI action: (rectangle, URI).
pub(super) fn page_links(doc: &Document, page_id: ObjectId) -> Vec<([f64; 4], String)> {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Vec::new();
    };
    let Ok(annots) = page.get_deref(b"Annots", doc).and_then(Object::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for annot in annots.iter().take(10_000) {
        let Ok((_, annot)) = doc.dereference(annot) else {
            continue;
        };
        let Ok(annot) = annot.as_dict() else { continue };
        if annot.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
            continue;
        }
        let Some(uri) = annot
            .get_deref(b"A", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|a| a.get_deref(b"URI", doc).ok())
            .and_then(|u| u.as_str().ok())
            .map(|u| String::from_utf8_lossy(u).into_owned())
        else {
            continue;
        };
        let Ok(rect) = annot.get_deref(b"Rect", doc).and_then(Object::as_array) else {
            continue;
        };
        let n: Vec<f64> = rect
            .iter()
            .filter_map(|v| {
                v.as_float()
                    .ok()
                    .map(f64::from)
                    .or_else(|| v.as_i64().ok().map(|i| i as f64))
            })
            .collect();
        if n.len() == 4 {
            out.push((
                [
                    n[0].min(n[2]),
                    n[1].min(n[3]),
                    n[0].max(n[2]),
                    n[1].max(n[3]),
                ],
                uri,
            ));
        }
    }
    out
}

/// The page's resource dictionaries, nearest first (inherited ones follow).
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((direct, inherited)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    direct
        .into_iter()
        .chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        )
        .collect()
}

/// A named resource (`/Font /F1`, `/XObject /X0`) from the first dictionary that has it.
fn resource<'a>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    kind: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    resources.iter().find_map(|r| {
        let dict = r.get_deref(kind, doc).and_then(Object::as_dict).ok()?;
        let entry = dict.get(name).ok()?;
        let id = entry.as_reference().ok();
        Some((id, doc.dereference(entry).ok()?.1))
    })
}

fn run<'a>(
    doc: &'a Document,
    content: &[u8],
    resources: &[&'a Dictionary],
    mut state: State,
    fonts: &mut HashMap<ObjectId, Font<'a>>,
    page: &mut Page,
    (depth, outer): (usize, Tag),
) {
    let Some(content) = decode_lenient(&strip_comments(content)) else {
        return;
    };
    let mut stack: Vec<State> = Vec::new();
    // Open marked-content sequences, each with the tag it gives the characters inside.
    let mut marked: Vec<Tag> = Vec::new();
    // Sequences opened beyond the bounded stack, closed before it pops.
    let mut too_deep = 0usize;
    let mut tm = IDENTITY;
    let mut tlm = IDENTITY;
    // Fonts defined inline (not by reference) are keyed by a synthetic id per name.
    let mut inline_fonts: HashMap<Vec<u8>, Font<'a>> = HashMap::new();
    let mut path = Path::default();
    for op in &content.operations {
        let nums: Vec<f64> = op
            .operands
            .iter()
            .filter_map(|o| o.as_float().ok().map(f64::from))
            .collect();
        let n = |i: usize| nums.get(i).copied().unwrap_or(0.0);
        match op.operator.as_str() {
            // Unbalanced q/Q in broken files: the stack is bounded and popping nothing is a no-op.
            "q" if stack.len() < 256 => stack.push(state.clone()),
            "Q" => state = stack.pop().unwrap_or(state),
            "cm" if nums.len() == 6 => {
                state.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &state.ctm)
            }
            "m" if nums.len() == 2 => path.move_to(apply(&state.ctm, n(0), n(1))),
            "l" if nums.len() == 2 => path.line_to(apply(&state.ctm, n(0), n(1))),
            "c" if nums.len() == 6 => path.curve_to(apply(&state.ctm, n(4), n(5))),
            "v" | "y" if nums.len() == 4 => path.curve_to(apply(&state.ctm, n(2), n(3))),
            "h" => path.close(),
            "re" if nums.len() == 4 => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                path.move_to(apply(&state.ctm, x, y));
                path.line_to(apply(&state.ctm, x + w, y));
                path.line_to(apply(&state.ctm, x + w, y + h));
                path.line_to(apply(&state.ctm, x, y + h));
                path.close();
            }
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                if op.operator == "s" || op.operator.starts_with('b') {
                    path.close();
                }
                let stroked = matches!(op.operator.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                path.paint(stroked, &mut page.rules, &mut page.bullets);
            }
            "n" => path = Path::default(),
            "BMC" | "BDC" if marked.len() < 256 => {
                let current = marked.last().copied().unwrap_or(outer);
                marked.push(marked_tag(doc, resources, &op.operands, current, depth));
            }
            "BMC" | "BDC" => too_deep += 1,
            "EMC" if too_deep > 0 => too_deep -= 1,
            "EMC" => {
                marked.pop();
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" => {
                state.font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec);
                state.size = op
                    .operands
                    .get(1)
                    .and_then(|o| o.as_float().ok())
                    .map_or(0.0, f64::from);
            }
            "Tc" => state.char_spacing = n(0),
            "Tw" => state.word_spacing = n(0),
            "Tz" => state.hscale = n(0) / 100.0,
            "TL" => state.leading = n(0),
            "Ts" => state.rise = n(0),
            "Td" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                tm = tlm;
            }
            "TD" => {
                state.leading = -n(1);
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                tm = tlm;
            }
            "Tm" if nums.len() == 6 => {
                tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                tm = tlm;
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                tm = tlm;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator == "'" || op.operator == "\"" {
                    if op.operator == "\"" {
                        state.word_spacing = n(0);
                        state.char_spacing = n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                let Some(name) = state.font.clone() else {
                    continue;
                };
                let font = font_for(doc, resources, &name, fonts, &mut inline_fonts);
                let Some(font) = font else { continue };
                let tag = marked.last().copied().unwrap_or(outer);
                let items: Vec<&Object> = match op.operator.as_str() {
                    "TJ" => op
                        .operands
                        .first()
                        .and_then(|o| o.as_array().ok())
                        .map(|a| a.iter().collect())
                        .unwrap_or_default(),
                    _ => op.operands.last().into_iter().collect(),
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            show(font, bytes, &state, &mut tm, tag, &mut page.glyphs)
                        }
                        other => {
                            if let Ok(adjust) = other.as_float() {
                                let tx = -f64::from(adjust) / 1000.0 * state.size * state.hscale;
                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                            }
                        }
                    }
                }
            }
            "Do" if depth < MAX_FORM_DEPTH => {
                let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                    continue;
                };
                let Some((_, Object::Stream(form))) = resource(doc, resources, b"XObject", name)
                else {
                    continue;
                };
                if form.dict.get(b"Subtype").and_then(Object::as_name).ok()
                    != Some(b"Form".as_slice())
                {
                    continue;
                }
                let matrix: Vec<f64> = form
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|o| o.as_float().ok().map(f64::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut inner = state.clone();
                if matrix.len() == 6 {
                    inner.ctm = mul(
                        &[
                            matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5],
                        ],
                        &state.ctm,
                    );
                }
                let own = form
                    .dict
                    .get_deref(b"Resources", doc)
                    .and_then(Object::as_dict)
                    .ok();
                let inner_resources: Vec<&Dictionary> = match own {
                    Some(own) => std::iter::once(own)
                        .chain(resources.iter().copied())
                        .collect(),
                    None => resources.to_vec(),
                };
                let data = form
                    .decompressed_content()
                    .unwrap_or_else(|_| form.content.clone());
                let tag = marked.last().copied().unwrap_or(outer);
                run(
                    doc,
                    &data,
                    &inner_resources,
                    inner,
                    fonts,
                    page,
                    (depth + 1, tag),
                );
            }
            _ => {}
        }
    }
}

/// The tag a `BMC`/`BDC` gives the characters inside: `/Artifact` marks page furniture; an
/// `MCID` in the properties (inline, or named in the `Properties` resources) is what the
/// structure tree refers to. Inside a form XObject (`depth` > 0) identifiers belong to the form's
/// own structure parents, which docproc does not follow: the enclosing sequence's tag stays.
fn marked_tag(
    doc: &Document,
    resources: &[&Dictionary],
    operands: &[Object],
    current: Tag,
    depth: usize,
) -> Tag {
    if current == Tag::Artifact
        || operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact".as_slice())
    {
        return Tag::Artifact;
    }
    let properties = match operands.get(1) {
        Some(Object::Dictionary(d)) => Some(d),
        Some(Object::Name(name)) => match resource(doc, resources, b"Properties", name) {
            Some((_, Object::Dictionary(d))) => Some(d),
            _ => None,
        },
        _ => None,
    };
    let mcid = properties
        .and_then(|p| p.get(b"MCID").ok())
        .and_then(|m| m.as_i64().ok())
        .and_then(|m| u32::try_from(m).ok());
    match mcid {
        Some(mcid) if depth == 0 => Tag::Mcid(mcid),
        _ => current,
    }
}

fn font_for<'a, 'f>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    name: &[u8],
    fonts: &'f mut HashMap<ObjectId, Font<'a>>,
    inline_fonts: &'f mut HashMap<Vec<u8>, Font<'a>>,
) -> Option<&'f Font<'a>> {
    let (id, object) = resource(doc, resources, b"Font", name)?;
    let dict = object.as_dict().ok()?;
    match id {
        Some(id) => Some(fonts.entry(id).or_insert_with(|| Font::new(doc, dict))),
        None => Some(
            inline_fonts
                .entry(name.to_vec())
                .or_insert_with(|| Font::new(doc, dict)),
        ),
    }
}

/// A point in user space through a matrix.
fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// The path being built, in page space: its straight segments, for the rules a painted path
/// draws (table borders, cell backgrounds). Curves only move the current point.
#[derive(Default)]
struct Path {
    segments: Vec<Segment>,
    /// Where each subpath's segments start in `segments`.
    subpaths: Vec<usize>,
    current: Option<(f64, f64)>,
    start: Option<(f64, f64)>,
    /// The extent of every point the path passes through, curves included: (x0, y0, x1, y1).
    extent: Option<(f64, f64, f64, f64)>,
}

/// The most rules one page keeps: pages drawn as vector art (maps, plots) have far more lines
/// than any table, and their rules would only cost time.
const MAX_RULES: usize = 20_000;

impl Path {
    fn reach(&mut self, (x, y): (f64, f64)) {
        let e = self.extent.get_or_insert((x, y, x, y));
        *e = (e.0.min(x), e.1.min(y), e.2.max(x), e.3.max(y));
    }

    fn move_to(&mut self, p: (f64, f64)) {
        self.reach(p);
        self.current = Some(p);
        self.start = Some(p);
        self.subpaths.push(self.segments.len());
    }

    fn line_to(&mut self, p: (f64, f64)) {
        self.reach(p);
        if let Some(from) = self.current
            && self.segments.len() < MAX_RULES
        {
            self.segments.push((from, p));
        }
        self.current = Some(p);
    }

    fn curve_to(&mut self, p: (f64, f64)) {
        self.reach(p);
        self.current = Some(p);
    }

    fn close(&mut self) {
        if let (Some(from), Some(start)) = (self.current, self.start)
            && from != start
            && self.segments.len() < MAX_RULES
        {
            self.segments.push((from, start));
        }
        self.current = self.start;
    }

    /// Keeps the horizontal and vertical segments of the painted path, and starts a new one.
    /// A filled shape draws a rule only along a thin band (a border drawn as a filled bar or
    /// frame: a parallel edge of the same subpath within 3 points); the edges of filled areas
    /// (cell shading, the bars of a chart) are no lines.
    fn paint(&mut self, stroked: bool, rules: &mut Vec<Rule>, bullets: &mut Vec<(f64, f64)>) {
        // A small filled dot or square on its own: a list bullet drawn as a shape (browsers
        // print list bullets so).
        if !stroked && let Some((x0, y0, x1, y1)) = self.extent.take() {
            let (w, h) = (x1 - x0, y1 - y0);
            if (1.5..=8.0).contains(&w)
                && (1.5..=8.0).contains(&h)
                && w < 2.0 * h
                && h < 2.0 * w
                && bullets.len() < MAX_RULES
            {
                bullets.push(((x0 + x1) / 2.0, (y0 + y1) / 2.0));
            }
        }
        self.extent = None;
        let mut keep = vec![true; self.segments.len()];
        if !stroked {
            let mut starts = self.subpaths.clone();
            starts.push(self.segments.len());
            for w in starts.windows(2) {
                let (from, to) = (w[0], w[1].max(w[0]));
                let part = &self.segments[from..to];
                for (i, kept) in keep[from..to].iter_mut().enumerate() {
                    *kept = part.len() <= 200
                        && (0..part.len()).any(|j| j != i && thin_band(part[i], part[j]));
                }
            }
            // Segments before the first move-to belong to no subpath.
            if let Some(&first) = self.subpaths.first() {
                keep[..first].fill(false);
            }
        }
        self.subpaths.clear();
        for (((x0, y0), (x1, y1)), keep) in self.segments.drain(..).zip(keep) {
            if !keep {
                continue;
            }
            let finite = [x0, y0, x1, y1].iter().all(|v| v.is_finite());
            let axis = (x0 - x1).abs() < 0.5 || (y0 - y1).abs() < 0.5;
            let long = (x0 - x1).abs().max((y0 - y1).abs()) >= 1.0;
            if finite && axis && long && rules.len() < MAX_RULES {
                rules.push(Rule {
                    x0: x0.min(x1),
                    y0: y0.min(y1),
                    x1: x0.max(x1),
                    y1: y0.max(y1),
                });
            }
        }
        self.current = None;
        self.start = None;
    }
}

type Segment = ((f64, f64), (f64, f64));

/// Whether two segments run parallel along one axis, at most 3 points apart, overlapping.
fn thin_band(a: Segment, b: Segment) -> bool {
    let (((ax0, ay0), (ax1, ay1)), ((bx0, by0), (bx1, by1))) = (a, b);
    let horizontal = |y0: f64, y1: f64| (y0 - y1).abs() < 0.5;
    let vertical = |x0: f64, x1: f64| (x0 - x1).abs() < 0.5;
    let overlap =
        |a0: f64, a1: f64, b0: f64, b1: f64| a0.min(a1) < b0.max(b1) && b0.min(b1) < a0.max(a1);
    if horizontal(ay0, ay1) && horizontal(by0, by1) {
        (ay0 - by0).abs() <= 3.0 && overlap(ax0, ax1, bx0, bx1)
    } else if vertical(ax0, ax1) && vertical(bx0, bx1) {
        (ax0 - bx0).abs() <= 3.0 && overlap(ay0, ay1, by0, by1)
    } else {
        false
    }
}

/// Emits the characters of one string and advances the text matrix past them.
fn show(
    font: &Font<'_>,
    bytes: &[u8],
    state: &State,
    tm: &mut Matrix,
    tag: Tag,
    glyphs: &mut Vec<Glyph>,
) {
    for (_, text, width, is_space) in font.decode(bytes) {
        let trm = mul(
            &mul(
                &[
                    state.size * state.hscale,
                    0.0,
                    0.0,
                    state.size,
                    0.0,
                    state.rise,
                ],
                tm,
            ),
            &state.ctm,
        );
        let scale_x = trm[0].hypot(trm[1]);
        let size = trm[2].hypot(trm[3]);
        let w0 = width / 1000.0;
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if !text.is_empty()
            && trm[4].is_finite()
            && trm[5].is_finite()
            && glyphs.len() < super::MAX_GLYPHS
        {
            let quarter_turns = super::layout::quarter_turns(trm[0], trm[1]);
            glyphs.push(Glyph {
                x: trm[4],
                y: trm[5],
                size: if size < 0.5 { 1.0 } else { size },
                advance: (w0 * scale_x).abs(),
                quarter_turns,
                text,
                style: font.style,
                tag,
            });
        }
        let spacing = state.char_spacing + if is_space { state.word_spacing } else { 0.0 };
        let tx = (w0 * state.size + spacing) * state.hscale;
        *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
    }
}

/// lopdf decodes a content stream all or nothing; a stream cut short (a wrong `/Length`, a
/// truncated file) still has readable operations before the damage: retry without the last
/// line, a few times.
fn decode_lenient(content: &[u8]) -> Option<pdf_extract::content::Content> {
    let mut end = content.len();
    for _ in 0..8 {
        if let Ok(decoded) = pdf_extract::content::Content::decode(&content[..end]) {
            return Some(decoded);
        }
        end = content[..end]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')?;
    }
    None
}

/// Content streams may hold `%` comments, which lopdf's content parser rejects: drop them (a
/// `%` inside a string is text, not a comment).
fn strip_comments(content: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !content.contains(&b'%') {
        return std::borrow::Cow::Borrowed(content);
    }
    let mut out = Vec::with_capacity(content.len());
    let (mut depth, mut escaped, mut in_hex, mut in_comment) = (0usize, false, false, false);
    for &b in content {
        if in_comment {
            if b == b'\n' || b == b'\r' {
                in_comment = false;
                out.push(b);
            }
            continue;
        }
        if depth > 0 {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
        } else if in_hex {
            in_hex = b != b'>';
        } else {
            match b {
                b'(' => depth = 1,
                b'<' => in_hex = true,
                b'%' => {
                    in_comment = true;
                    continue;
                }
                _ => {}
            }
        }
        out.push(b);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether pdf-extract would misread the document: a composite font without a `ToUnicode` map.
pub(super) fn has_unmapped_composite_font(doc: &Document) -> bool {
    doc.get_pages().values().any(|&page_id| {
        doc.get_page_fonts(page_id).is_ok_and(|fonts| {
            fonts.values().any(|font| {
                font.get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|s| s == b"Type0")
                    && font.get(b"ToUnicode").is_err()
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_dropped_but_not_inside_strings() {
        let stripped = strip_comments(b"BT % a comment\n(100% sure) Tj <414243> Tj %end");
        assert_eq!(&*stripped, b"BT \n(100% sure) Tj <414243> Tj ");
    }

    /// A one-page document drawing `content` with Helvetica as /F1 (no widths: advances come
    /// from the text matrix the content sets).
    fn document(content: &[u8]) -> Document {
        use pdf_extract::{Dictionary, Stream};
        let mut doc = Document::with_version("1.4");
        let mut font = Dictionary::new();
        font.set("Type", Object::Name(b"Font".to_vec()));
        font.set("Subtype", Object::Name(b"Type1".to_vec()));
        font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        let font_id = doc.add_object(Object::Dictionary(font));
        let contents = doc.add_object(Object::Stream(Stream::new(
            Dictionary::new(),
            content.to_vec(),
        )));
        let pages_id = doc.new_object_id();
        let mut fonts = Dictionary::new();
        fonts.set("F1", Object::Reference(font_id));
        let mut resources = Dictionary::new();
        resources.set("Font", Object::Dictionary(fonts));
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(pages_id));
        page.set("Contents", Object::Reference(contents));
        page.set("Resources", Object::Dictionary(resources));
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
        );
        let page_id = doc.add_object(Object::Dictionary(page));
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
        pages.set("Count", Object::Integer(1));
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(pages_id));
        let catalog_id = doc.add_object(Object::Dictionary(catalog));
        doc.trailer.set("Root", Object::Reference(catalog_id));
        doc
    }

    #[test]
    fn text_state_positions_every_character() {
        let doc =
            document(b"BT /F1 10 Tf 2 0 0 2 100 700 Tm (ab) Tj 0 -20 Td [(c) -3000 (d)] TJ ET");
        let pages = pages(&doc);
        let g = &pages[0].glyphs;
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c", "d"]);
        // Tm scales by 2: size 20, origin at (100, 700).
        assert_eq!((g[0].x, g[0].y, g[0].size), (100.0, 700.0, 20.0));
        // Td moves in text space, scaled by the text matrix: 20 units down become 40.
        assert_eq!(g[2].y, 660.0);
        // A TJ adjustment of -3000 moves 3 em right: 3 * 10 * 2 = 60 units past the end of
        // "c", which is 0.5 em wide (Helvetica without /Widths: its standard metrics).
        assert!(
            (g[3].x - g[2].x - 60.0 - 0.5 * 20.0).abs() < 1e-9,
            "{} {}",
            g[2].x,
            g[3].x
        );
    }

    #[test]
    fn what_is_drawn_outside_the_page_is_dropped() {
        // The MediaBox is 612 wide: the second word stands on the other half of a spread.
        let doc = document(b"BT /F1 10 Tf 100 700 Td (in) Tj 600 0 Td (out) Tj ET");
        let mut pages = pages(&doc);
        clip_to_visible(&doc, &mut pages);
        let texts: Vec<&str> = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["i", "n"]);
    }

    #[test]
    fn graphics_state_is_saved_and_restored() {
        let doc = document(
            b"q 1 0 0 1 50 0 cm BT /F1 12 Tf 10 10 Td (x) Tj ET Q BT /F1 12 Tf 10 10 Td (y) Tj ET",
        );
        let g = &pages(&doc)[0].glyphs;
        assert_eq!(
            (g[0].text.as_str(), g[0].x),
            ("x", 60.0),
            "cm applies inside q"
        );
        assert_eq!(
            (g[1].text.as_str(), g[1].x),
            ("y", 10.0),
            "and is undone by Q"
        );
    }

    #[test]
    fn matrices_compose_like_the_specification() {
        let translate = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // Translate, then scale: the translation is scaled too.
        assert_eq!(mul(&translate, &scale), [2.0, 0.0, 0.0, 2.0, 20.0, 40.0]);
        assert_eq!(mul(&IDENTITY, &translate), translate);
    }
}
