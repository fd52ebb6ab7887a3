//! What elements are: dropped, void, hidden, a code block's language, the head's metadata, the
//! main content.

use scraper::Node;

use super::text::collapse;
use crate::convert::Metadata;

/// Elements whose content is never text of the document.
pub(super) const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "canvas",
    "select", "button", "datalist", "map", "audio", "video", "svg", "math", "textarea",
];

/// The language of a code block from its classes (`language-rust`, `lang-py`, pandoc's
/// `sourceCode python`), on the `pre` or its `code` child (checked on the `pre` only here: the
/// class of `code` is read when it opens inside).
pub(super) fn language(e: &scraper::node::Element) -> String {
    for class in e.classes() {
        if let Some(lang) = class
            .strip_prefix("language-")
            .or_else(|| class.strip_prefix("lang-"))
        {
            return lang.to_string();
        }
    }
    let classes: Vec<&str> = e.classes().collect();
    if classes.contains(&"sourceCode")
        && let Some(lang) = classes
            .iter()
            .find(|c| **c != "sourceCode" && !c.contains('-'))
    {
        return lang.to_string();
    }
    String::new()
}

pub(super) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// `hidden`, or an inline style that hides the element.
pub(super) fn hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|style| {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Title, description, author, keywords, language and generator from the document head.
pub(super) fn head_metadata(html: &scraper::Html) -> Metadata {
    let mut metadata = Metadata::new();
    for node in html.tree.root().descendants() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        match e.name() {
            "html" => {
                if let Some(lang) = e.attr("lang").filter(|l| !l.trim().is_empty()) {
                    metadata.insert("language".into(), lang.trim().to_string());
                }
            }
            "title" if !metadata.contains_key("title") => {
                let title: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                let title = collapse(&title).trim().to_string();
                if !title.is_empty() {
                    metadata.insert("title".into(), title);
                }
            }
            "meta" => {
                let name = e
                    .attr("name")
                    .or_else(|| e.attr("property"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let key = match name.as_str() {
                    "description" | "og:description" | "dc.description" => "description",
                    "author" | "dc.creator" => "author",
                    "keywords" => "keywords",
                    "generator" => "generator",
                    _ => continue,
                };
                if let Some(content) = e.attr("content").map(str::trim).filter(|c| !c.is_empty()) {
                    metadata
                        .entry(key.to_string())
                        .or_insert_with(|| content.to_string());
                }
            }
            "body" => break,
            _ => {}
        }
    }
    metadata
}

/// The element holding the page's main content, when it has one.
pub(super) fn main_element(html: &scraper::Html) -> Option<ego_tree::NodeRef<'_, Node>> {
    let mut article = None;
    for node in html.tree.root().descendants() {
        if let Node::Element(e) = node.value() {
            if e.name() == "main" || e.attr("role") == Some("main") {
                return Some(node);
            }
            if e.name() == "article" && article.is_none() {
                article = Some(node);
            }
        }
    }
    article
}
