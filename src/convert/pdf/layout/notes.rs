//! Footnotes: the notes at the foot of a page, in type smaller than the body's, each starting
//! with a mark (a number or `*`, `†`, `‡`, `§`, `¶`) that the page's text raises above its
//! baseline where the note belongs. The notes leave the page's text flow; the marks in the text
//! become references (`[^n]`) and the notes go to the end of the document (`[^n]: ...`).

use super::Line;
use crate::markdown::{self, Block, Inline};

/// A note taken from a page: its mark as printed and its text.
pub(super) struct Note {
    pub(super) mark: String,
    pub(super) text: String,
}

/// Whether `text` can be a footnote mark.
fn is_mark(text: &str) -> bool {
    let symbols = |t: &str| t.chars().all(|c| "*†‡§¶".contains(c));
    !text.is_empty()
        && text.chars().count() <= 3
        && (text.chars().all(|c| c.is_ascii_digit()) || symbols(text))
}

/// The marks a line raises above its baseline.
fn raised_marks(line: &Line) -> Vec<String> {
    let mut out = Vec::new();
    for (i, &(start, style)) in line.styles.iter().enumerate() {
        let end = line.styles.get(i + 1).map_or(line.text.len(), |s| s.0);
        if style.raised
            && let Some(text) = line.text.get(start..end)
            && is_mark(text.trim())
        {
            out.push(text.trim().to_string());
        }
    }
    out
}

/// The mark a note's line (or piece of a line) starts with, one of `marks`, and the text after
/// it.
fn leading_mark<'a>(text: &'a str, marks: &[String]) -> Option<(String, &'a str)> {
    let text = text.trim_start();
    marks.iter().find_map(|m| {
        let rest = text.strip_prefix(m.as_str())?;
        // `12` is not the note `1` followed by `2`.
        let next = rest.chars().next()?;
        let longer = next.is_ascii_digit() || (m.starts_with('*') && next == '*');
        (!longer).then(|| (m.clone(), rest.trim_start()))
    })
}

/// Splits a page's lines (in reading order) into its text and the notes at its foot: the last
/// lines of the page, all in type smaller than `body`, from the first one that starts with a
/// mark the lines above it raise. A line of several pieces may hold several notes.
pub(super) fn footnotes(lines: Vec<Line>, body: f64) -> (Vec<Line>, Vec<Note>) {
    // Each line's raised marks, once: (line index, mark).
    let raised: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| raised_marks(l).into_iter().map(move |m| (i, m)))
        .collect();
    if raised.is_empty() {
        return (lines, Vec::new());
    }
    let marks: Vec<String> = raised.iter().map(|(_, m)| m.clone()).collect();
    let small = |l: &Line| l.size <= 0.92 * body;
    let first_small = lines.iter().rposition(|l| !small(l)).map_or(0, |i| i + 1);
    // The lowest baseline above each line: notes stand under all of the page's text.
    let mut lowest_above = Vec::with_capacity(lines.len());
    let mut lowest = f64::MIN;
    for line in &lines {
        lowest_above.push(lowest);
        lowest = lowest.max(line.y);
    }
    let Some(start) = (first_small..lines.len()).find(|&i| {
        leading_mark(&lines[i].text, &marks)
            .is_some_and(|(m, _)| raised.iter().any(|(j, r)| *j < i && *r == m))
            && lowest_above[i] <= lines[i].y + 0.5 * lines[i].size
    }) else {
        return (lines, Vec::new());
    };
    let mut notes: Vec<Note> = Vec::new();
    let mut lines = lines;
    let foot: Vec<Line> = lines.drain(start..).collect();
    for line in foot {
        // A page number under the notes stays where it is.
        let number = line.text.trim().chars().all(|c| c.is_ascii_digit());
        if number && leading_mark(&line.text, &marks).is_none() {
            lines.push(line);
            continue;
        }
        for (_, _, piece) in line.cell_spans() {
            match leading_mark(&piece, &marks) {
                Some((mark, rest)) => notes.push(Note {
                    mark,
                    text: rest.to_string(),
                }),
                None => {
                    if let Some(note) = notes.last_mut() {
                        join(&mut note.text, &piece);
                    }
                }
            }
        }
    }
    notes.retain(|n| !n.text.is_empty());
    (lines, notes)
}

/// Appends a line's text to a note's, rejoining a word hyphenated at the line's end.
fn join(text: &mut String, more: &str) {
    let more = more.trim();
    if more.is_empty() {
        return;
    }
    let hyphenated = text.ends_with('-')
        && text[..text.len() - 1]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
        && more.chars().next().is_some_and(char::is_lowercase);
    if hyphenated {
        text.pop();
    } else if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

/// Turns the raised marks of `blocks` (one page's) that have a note into references, and
/// returns the notes as footnote blocks. `used` holds the labels of earlier pages: a mark seen
/// again (numbering that starts over, `*` on every page) gets a label of its own.
pub(super) fn link_notes(
    blocks: &mut [Block],
    notes: Vec<Note>,
    used: &mut Vec<String>,
) -> Vec<Block> {
    let mut labels: Vec<(String, String)> = Vec::new();
    for note in &notes {
        let mut label = note.mark.clone();
        let mut n = 1;
        while used.contains(&label) {
            n += 1;
            label = format!("{}-{n}", note.mark);
        }
        used.push(label.clone());
        labels.push((note.mark.clone(), label));
    }
    markdown::for_each_inline_mut(blocks, &mut |inline| {
        if let Inline::Superscript(children) = inline
            && let [Inline::Text(text)] = children.as_slice()
            && let Some((_, label)) = labels.iter().find(|(m, _)| m == text.trim())
        {
            *inline = Inline::NoteRef(label.clone());
        }
    });
    notes
        .into_iter()
        .zip(labels)
        .map(|(note, (_, label))| Block::Footnote {
            label,
            blocks: vec![Block::Paragraph(vec![Inline::Text(note.text)])],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Glyph, lines};
    use super::*;

    fn glyphs(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let step = 0.5 * size;
                Glyph::plain(x + i as f64 * step, y, size, step, c.to_string())
            })
            .collect()
    }

    #[test]
    fn notes_at_the_foot_leave_the_text_and_their_marks_link_to_them() {
        let mut g = glyphs("Body text with a mark", 0.0, 10.0, 10.0);
        // Raised and smaller, right after "mark".
        g.extend(glyphs("1", 105.0, 7.0, 6.0));
        g.extend(glyphs("and a second one", 0.0, 24.0, 10.0));
        g.extend(glyphs("2", 80.0, 21.0, 6.0));
        g.extend(glyphs(
            "1 The first note, which wraps onto a",
            0.0,
            200.0,
            8.0,
        ));
        g.extend(glyphs("second line.", 0.0, 210.0, 8.0));
        g.extend(glyphs("2 The second note.", 0.0, 220.0, 8.0));
        g.extend(glyphs("17", 100.0, 235.0, 8.0));
        let (body, notes) = footnotes(lines(&g), 10.0);
        let texts: Vec<&str> = body.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Body text with a mark1", "and a second one2", "17"]);
        let notes: Vec<(&str, &str)> = notes
            .iter()
            .map(|n| (n.mark.as_str(), n.text.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                ("1", "The first note, which wraps onto a second line."),
                ("2", "The second note.")
            ]
        );
    }

    #[test]
    fn small_numbered_lines_without_marks_above_are_no_notes() {
        let mut g = glyphs("Body text without any mark", 0.0, 10.0, 10.0);
        g.extend(glyphs("1 A small numbered line", 0.0, 200.0, 8.0));
        let (body, notes) = footnotes(lines(&g), 10.0);
        assert_eq!(body.len(), 2);
        assert!(notes.is_empty());
    }

    #[test]
    fn a_mark_seen_again_gets_a_label_of_its_own() {
        let note = |mark: &str| Note {
            mark: mark.into(),
            text: "A note.".into(),
        };
        let mut used = Vec::new();
        let mut page = vec![Block::Paragraph(vec![
            Inline::Text("Text".into()),
            Inline::Superscript(vec![Inline::Text("*".into())]),
        ])];
        link_notes(&mut page, vec![note("*")], &mut used);
        let again = link_notes(&mut page.clone(), vec![note("*")], &mut used);
        assert!(matches!(&page[0], Block::Paragraph(p) if p[1] == Inline::NoteRef("*".into())));
        assert!(matches!(&again[0], Block::Footnote { label, .. } if label == "*-2"));
    }
}
