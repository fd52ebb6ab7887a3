//! A paragraph's text as inlines: its marks, and links from the page's link annotations.

use super::*;

/// The text under each link annotation of a page, with its URI: where a paragraph holds the text,
/// it becomes a link.
pub(super) fn page_anchors(page: &Page) -> Vec<(String, String)> {
    page.links
        .iter()
        .filter_map(|(rect, uri)| {
            let inside: Vec<Glyph> = page
                .glyphs
                .iter()
                .filter(|g| {
                    g.x >= rect[0] - 1.0
                        && g.x <= rect[2] + 1.0
                        && g.y >= rect[1] - 0.3 * g.size
                        && g.y <= rect[3] + 0.3 * g.size
                })
                .cloned()
                .collect();
            // A link into the file system of the machine that made the PDF leads nowhere
            // for its readers: keep the text only.
            if uri.to_ascii_lowercase().starts_with("file:") {
                return None;
            }
            let text = lines(&orient_glyphs(&inside).0)
                .iter()
                .map(|l| l.text.trim().to_string())
                .collect::<Vec<_>>()
                .join(" ");
            // The rectangle often takes in the punctuation after the words.
            let text = text.trim_end_matches(['.', ',', ':', ';', ')']).to_string();
            (!text.is_empty()).then(|| (text, uri.clone()))
        })
        .collect()
}

/// A paragraph's inlines: bold, italic and code from its fonts where it mixes looks, and links
/// where it holds their text (`text` is `para.text()`).
pub(in super::super) fn para_inlines(
    para: &Para,
    text: &str,
    anchors: &mut Vec<(String, String)>,
) -> Vec<Inline> {
    if !para.mixed() || para.lines.len() > 200 {
        return linked(text, anchors);
    }
    // Links still apply to plain stretches of the paragraph...
    let mut inlines: Vec<Inline> = markdown::nest_runs(para.runs())
        .into_iter()
        .flat_map(|i| match i {
            Inline::Text(t) => linked(&t, anchors),
            other => vec![other],
        })
        .collect();
    // ...and to a bold, italic or code stretch that is all of a link's text.
    for inline in &mut inlines {
        let text = match inline {
            Inline::Code(t) => t.clone(),
            Inline::Strong(i) | Inline::Emph(i) => markdown::plain_text(i),
            _ => continue,
        };
        if let Some(at) = anchors
            .iter()
            .position(|(anchor, _)| *anchor == text.trim())
        {
            let (_, target) = anchors.remove(at);
            let content = vec![std::mem::replace(inline, Inline::Text(String::new()))];
            *inline = Inline::Link { target, content };
        }
    }
    inlines
}

/// A paragraph's text with the first occurrence of each link's text made a link (each link is
/// used once).
pub(in super::super) fn linked(text: &str, anchors: &mut Vec<(String, String)>) -> Vec<Inline> {
    let mut out = vec![Inline::Text(text.to_string())];
    let mut i = 0;
    while i < anchors.len() {
        let (anchor, uri) = &anchors[i];
        let mut used = false;
        let mut next = Vec::with_capacity(out.len() + 2);
        for inline in out {
            match inline {
                Inline::Text(t) if !used && t.contains(anchor.as_str()) => {
                    let at = t.find(anchor.as_str()).expect("contains");
                    if at > 0 {
                        next.push(Inline::Text(t[..at].to_string()));
                    }
                    next.push(Inline::Link {
                        target: uri.clone(),
                        content: vec![Inline::Text(anchor.clone())],
                    });
                    let rest = &t[at + anchor.len()..];
                    if !rest.is_empty() {
                        next.push(Inline::Text(rest.to_string()));
                    }
                    used = true;
                }
                other => next.push(other),
            }
        }
        out = next;
        if used {
            anchors.remove(i);
        } else {
            i += 1;
        }
    }
    out
}
