//! Opening an element: the container it becomes, or a footnote reference (an inline).

use super::super::element::language;
use super::{Frame, Kind, Walker};
use crate::markdown::{Inline, Marks};

impl Walker {
    pub(super) fn push_element(&mut self, e: &scraper::node::Element) {
        if self.note_element(e) {
            return;
        }
        let mut marks = Marks::default();
        let kind = self.kind_of(e, &mut marks);
        let mut frame = Frame::new(kind);
        if marks != Marks::default() {
            frame.marks = Some(marks);
        }
        self.stack.push(frame);
    }

    /// Footnote references and back links, notes and notes sections (pandoc, EPUB, ARIA):
    /// true when the element was one.
    fn note_element(&mut self, e: &scraper::node::Element) -> bool {
        let name = e.name();
        let attr = |k: &str| e.attr(k);
        let role = attr("role").unwrap_or("");
        let epub_type = e
            .attrs()
            .find(|(k, _)| k.ends_with("type") && *k != "type")
            .map(|(_, v)| v)
            .unwrap_or("");
        let class = attr("class").unwrap_or("");
        // Footnote references and back links.
        if name == "a" {
            let noteref = role == "doc-noteref"
                || epub_type.split_whitespace().any(|t| t == "noteref")
                || class.split_whitespace().any(|c| c == "footnote-ref");
            let backlink =
                role == "doc-backlink" || class.split_whitespace().any(|c| c == "footnote-back");
            if backlink {
                self.skip_depth = 1;
                return true;
            }
            if noteref
                && let Some(id) = attr("href").and_then(|h| h.split_once('#')).map(|(_, f)| f)
            {
                let next = self.note_labels.len() + 1;
                let n = *self.note_labels.entry(id.to_string()).or_insert(next);
                self.inline(Inline::NoteRef(n.to_string()));
                self.skip_depth = 1; // the reference's own text ("1") is the label
                return true;
            }
        }
        let notes_section = role == "doc-endnotes"
            || role == "doc-footnotes"
            || epub_type
                .split_whitespace()
                .any(|t| matches!(t, "footnotes" | "endnotes" | "rearnotes"))
            || (class.split_whitespace().any(|c| c == "footnotes") && name != "a");
        let note = matches!(name, "aside" | "li" | "div" | "section")
            && (epub_type
                .split_whitespace()
                .any(|t| matches!(t, "footnote" | "endnote" | "rearnote"))
                || role == "doc-footnote"
                || role == "doc-endnote"
                || (name == "li" && self.stack.iter().any(|f| matches!(f.kind, Kind::Notes))));
        if note && let Some(id) = attr("id") {
            self.block_boundary();
            self.stack.push(Frame::new(Kind::Note(id.to_string())));
            return true;
        }
        if notes_section {
            self.block_boundary();
            self.stack.push(Frame::new(Kind::Notes));
            return true;
        }
        false
    }

    /// The container an element opens, and the marks an inline one adds.
    fn kind_of(&mut self, e: &scraper::node::Element, marks: &mut Marks) -> Kind {
        let name = e.name();
        let attr = |k: &str| e.attr(k);
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.block_boundary();
                Kind::Heading(name.as_bytes()[1] - b'0')
            }
            "p" => {
                self.block_boundary();
                Kind::Paragraph
            }
            "blockquote" => {
                self.block_boundary();
                Kind::Quote
            }
            "pre" => {
                self.block_boundary();
                Kind::Pre(language(e))
            }
            "ul" | "ol" | "menu" => {
                self.block_boundary();
                let start = attr("start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                Kind::List {
                    ordered: name == "ol",
                    start,
                }
            }
            "li" => {
                self.block_boundary();
                Kind::Item
            }
            "dl" => {
                self.block_boundary();
                Kind::DefList
            }
            "dt" => Kind::Term,
            "dd" => Kind::Definition,
            "table" => {
                self.block_boundary();
                Kind::Table
            }
            "tr" => Kind::Row,
            "td" | "th" => {
                let span = |k: &str| {
                    attr(k)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000)
                };
                Kind::Cell {
                    header: name == "th",
                    colspan: span("colspan"),
                    rowspan: span("rowspan"),
                }
            }
            "thead" => {
                if let Some(t) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                {
                    t.in_thead = true;
                }
                Kind::Inline
            }
            "tbody" | "tfoot" => {
                if let Some(t) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                {
                    t.in_thead = false;
                }
                Kind::Inline
            }
            "a" => match attr("href").map(str::trim) {
                Some(href) if !href.to_ascii_lowercase().starts_with("javascript:") => {
                    Kind::Link(href.to_string())
                }
                _ => Kind::Inline,
            },
            "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside"
            | "figure" | "figcaption" | "address" | "details" | "summary" | "center"
            | "fieldset" | "legend" | "form" | "hgroup" | "body" | "html" | "caption" => {
                self.block_boundary();
                Kind::Blocks
            }
            "b" | "strong" => {
                marks.strong = true;
                Kind::Inline
            }
            "i" | "em" | "cite" | "dfn" | "var" => {
                marks.emph = true;
                Kind::Inline
            }
            "s" | "del" | "strike" => {
                marks.strike = true;
                Kind::Inline
            }
            "code" | "kbd" | "samp" | "tt" => {
                // `<pre><code class="language-x">`: the block's language is on the code.
                if let Some(Frame {
                    kind: Kind::Pre(info),
                    ..
                }) = self.stack.last_mut()
                    && info.is_empty()
                {
                    *info = language(e);
                }
                marks.code = true;
                Kind::Inline
            }
            "sub" => {
                marks.subscript = true;
                Kind::Inline
            }
            "sup" => {
                marks.superscript = true;
                Kind::Inline
            }
            "q" => {
                self.text("\u{201c}");
                Kind::Inline
            }
            _ => Kind::Inline,
        }
    }
}
