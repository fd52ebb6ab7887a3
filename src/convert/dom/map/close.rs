//! Closing an element: what its container built goes to the parent (a paragraph, a list, a
//! table row, a footnote).

use super::super::table::{build_table, cell_paragraphs};
use super::super::text::trim_inlines;
use super::{Frame, Kind, Walker, flush_runs, paragraph_inlines};
use crate::markdown::{self, Block, Inline, List, Run};

impl Walker {
    /// Closes the innermost frame, handing what it built to its parent.
    pub(super) fn pop(&mut self) {
        let mut frame = self.stack.pop().expect("a frame to close");
        let parent_index = self.stack.len() - 1;
        match frame.kind {
            Kind::Inline => {
                // Its runs went to the target directly; nothing to hand on.
            }
            Kind::Link(ref target) => {
                let target = target.clone();
                let content = markdown::nest_runs(std::mem::take(&mut frame.runs));
                let content = trim_inlines(content);
                if content.is_empty() && target.is_empty() {
                    return;
                }
                let marks = self.marks();
                let link = Inline::Link { target, content };
                self.push_run(Run::Inline(marks, link));
                // A block inside a link (invalid, but common) lands in the container.
                if !frame.blocks.is_empty() {
                    self.container().blocks.extend(frame.blocks);
                }
            }
            Kind::Heading(level) => {
                let content = paragraph_inlines(&mut frame);
                if !content.is_empty() {
                    self.container()
                        .blocks
                        .push(Block::Heading { level, content });
                }
            }
            Kind::Paragraph => {
                let content = paragraph_inlines(&mut frame);
                let container = self.container();
                if !content.is_empty() {
                    container.blocks.push(Block::Paragraph(content));
                }
                container.blocks.extend(frame.blocks);
            }
            Kind::Pre(ref info) => {
                let info = info.clone();
                let mut text = frame.text;
                if text.starts_with('\n') {
                    text.remove(0);
                }
                let text = text.trim_end_matches(['\n', ' ', '\t']).to_string();
                if !text.trim().is_empty() {
                    self.container()
                        .blocks
                        .push(Block::CodeBlock { info, text });
                }
            }
            Kind::Quote => {
                flush_runs(&mut frame);
                if !frame.blocks.is_empty() {
                    self.container().blocks.push(Block::Quote(frame.blocks));
                }
            }
            Kind::Blocks | Kind::Root | Kind::Definition => {
                flush_runs(&mut frame);
                let parent = &mut self.stack[parent_index];
                match &mut parent.kind {
                    Kind::DefList if matches!(frame.kind, Kind::Definition) => {
                        match parent.terms.last_mut() {
                            Some((_, defs)) => defs.extend(frame.blocks),
                            None => parent.terms.push((Vec::new(), frame.blocks)),
                        }
                    }
                    _ => {
                        // A div inside a paragraph (invalid) or an inline: its blocks go up.
                        let container = self.container();
                        container.blocks.extend(frame.blocks);
                    }
                }
            }
            Kind::Term => {
                let term = paragraph_inlines(&mut frame);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::DefList) {
                    parent.terms.push((term, Vec::new()));
                } else if !term.is_empty() {
                    self.container().blocks.push(Block::Paragraph(term));
                }
            }
            Kind::DefList => {
                let blocks = markdown::definition_list(frame.terms);
                self.container().blocks.extend(blocks);
            }
            Kind::List { ordered, start } => self.close_list(frame, ordered, start, parent_index),
            Kind::Item => {
                flush_runs(&mut frame);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::List { .. }) {
                    parent.items.push(frame.blocks);
                } else {
                    // An item outside a list: a list of one.
                    self.container().blocks.push(Block::List(List {
                        ordered: false,
                        start: 1,
                        items: vec![frame.blocks],
                    }));
                }
            }
            Kind::Cell {
                header,
                colspan,
                rowspan,
            } => {
                flush_runs(&mut frame);
                let paragraphs = cell_paragraphs(frame.blocks);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::Row) {
                    parent.cells.push((paragraphs, (colspan, rowspan), header));
                }
            }
            Kind::Row => self.close_row(frame),
            Kind::Table => {
                if let Some(table) = build_table(frame.rows) {
                    self.container().blocks.push(table);
                }
                if !frame.blocks.is_empty() {
                    self.container().blocks.extend(frame.blocks);
                }
            }
            Kind::Note(ref id) => {
                let id = id.clone();
                flush_runs(&mut frame);
                self.notes.push((id, frame.blocks));
            }
            Kind::Notes => {
                flush_runs(&mut frame);
                // Notes whose items were read as notes are gone; anything else stays in place,
                // without the rule pandoc draws above them.
                let rest: Vec<Block> = frame
                    .blocks
                    .into_iter()
                    .filter(|b| !matches!(b, Block::Rule))
                    .collect();
                self.container().blocks.extend(rest);
            }
        }
    }

    /// A list closes: its items (and content written outside them) become a list, nested in
    /// the parent's last item when the parent is a list.
    fn close_list(&mut self, mut frame: Frame, ordered: bool, start: u64, parent_index: usize) {
        flush_runs(&mut frame);
        let mut items = frame.items;
        if !frame.blocks.is_empty() {
            // Content outside <li> (a nested list written directly in the list): part of
            // the last item.
            match items.last_mut() {
                Some(item) => item.extend(frame.blocks),
                None => items.push(frame.blocks),
            }
        }
        if items.is_empty() {
            return;
        }
        let list = Block::List(List {
            ordered,
            start,
            items,
        });
        let parent = &mut self.stack[parent_index];
        if matches!(parent.kind, Kind::List { .. }) {
            match parent.items.last_mut() {
                Some(item) => item.push(list),
                None => parent.items.push(vec![list]),
            }
        } else {
            self.container().blocks.push(list);
        }
    }

    /// A row closes: its cells go to the innermost table, a header row when all its cells are
    /// `th` or it is in `thead`.
    fn close_row(&mut self, frame: Frame) {
        let in_thead = self
            .stack
            .iter()
            .rev()
            .find(|f| matches!(f.kind, Kind::Table))
            .is_some_and(|t| t.in_thead);
        let all_header = !frame.cells.is_empty() && frame.cells.iter().all(|c| c.2);
        let mut cells = Vec::new();
        let mut spans = Vec::new();
        for (paragraphs, span, _) in frame.cells {
            cells.push(paragraphs);
            spans.push(span);
        }
        if let Some(table) = self
            .stack
            .iter_mut()
            .rev()
            .find(|f| matches!(f.kind, Kind::Table))
        {
            table.rows.push((cells, spans, all_header || in_thead));
        }
    }
}
