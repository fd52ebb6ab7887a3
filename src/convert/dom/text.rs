//! White space as HTML renders it, on the runs the walk collects.

use crate::markdown::{Inline, Run};

pub(super) fn is_space_run(run: &Run) -> bool {
    matches!(run, Run::Text(_, t) if t.trim().is_empty())
}

/// Collapses white space as HTML renders it: any run of spaces, tabs and line breaks is one
/// space.
pub(super) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// Adjacent spaces from different text nodes (`a <b> b</b>`) become one.
pub(super) fn join_spaces(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    let mut last_space = true;
    for run in runs {
        match run {
            Run::Text(m, t) => {
                let t = if last_space {
                    t.trim_start().to_string()
                } else {
                    t
                };
                if t.is_empty() {
                    continue;
                }
                last_space = t.ends_with(' ');
                out.push(Run::Text(m, t));
            }
            Run::Inline(m, Inline::TaskBox(checked)) => {
                // The box is written with its space ("[x] "): the text after it starts fresh.
                last_space = true;
                out.push(Run::Inline(m, Inline::TaskBox(checked)));
            }
            Run::Inline(m, Inline::LineBreak) => {
                // Spaces before a line break are not text.
                if let Some(Run::Text(_, prev)) = out.last_mut() {
                    let trimmed = prev.trim_end().to_string();
                    *prev = trimmed;
                }
                last_space = true;
                out.push(Run::Inline(m, Inline::LineBreak));
            }
            other => {
                last_space = false;
                out.push(other);
            }
        }
    }
    out
}

pub(super) fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}
