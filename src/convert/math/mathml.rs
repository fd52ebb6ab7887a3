//! MathML (presentation markup, as LibreOffice Math and ODF formula objects store it) into the
//! math tree. Content MathML and annotations are not read; `semantics` gives its first child.

use super::{MAX_DEPTH, Math};
use crate::convert::xml::Element;

/// The equation of a `math` element.
pub fn read(math: &Element) -> Math {
    node(math, 0)
}

fn children(e: &Element, depth: usize) -> Vec<Math> {
    e.elements().map(|c| node(c, depth + 1)).collect()
}

/// The n-th child element, or nothing.
fn nth(e: &Element, n: usize, depth: usize) -> Box<Math> {
    Box::new(
        e.elements()
            .nth(n)
            .map(|c| node(c, depth + 1))
            .unwrap_or_else(|| Math::Row(Vec::new())),
    )
}

fn node(e: &Element, depth: usize) -> Math {
    if depth > MAX_DEPTH {
        return Math::Atom(e.text());
    }
    match e.name.as_str() {
        "mi" | "mn" | "mo" => Math::Atom(e.text().trim().to_string()),
        "mtext" | "ms" => Math::Text(e.text()),
        "mspace" | "annotation" | "annotation-xml" | "mphantom" | "none" | "mprescripts" => {
            Math::Row(Vec::new())
        }
        "semantics" => e
            .elements()
            .find(|c| !c.name.starts_with("annotation"))
            .map(|c| node(c, depth + 1))
            .unwrap_or_else(|| Math::Row(Vec::new())),
        "mfrac" => Math::Frac {
            num: nth(e, 0, depth),
            den: nth(e, 1, depth),
            bar: e.attr("linethickness").is_none_or(|t| {
                let t = t.trim();
                !(t == "0" || t.starts_with("0pt") || t.starts_with("0px") || t == "0em")
            }),
        },
        "msqrt" => Math::Root {
            body: Box::new(Math::row(children(e, depth))),
            index: None,
        },
        "mroot" => Math::Root {
            body: nth(e, 0, depth),
            index: Some(nth(e, 1, depth)),
        },
        "msub" => Math::Scripts {
            base: nth(e, 0, depth),
            sub: Some(nth(e, 1, depth)),
            sup: None,
        },
        "msup" => Math::Scripts {
            base: nth(e, 0, depth),
            sub: None,
            sup: Some(nth(e, 1, depth)),
        },
        "msubsup" => Math::Scripts {
            base: nth(e, 0, depth),
            sub: Some(nth(e, 1, depth)),
            sup: Some(nth(e, 2, depth)),
        },
        "munder" | "mover" | "munderover" => {
            let base = nth(e, 0, depth);
            let second = nth(e, 1, depth);
            // An accent by attribute, or by being one accent character over its base (how
            // pandoc and LibreOffice write `\hat{x}`).
            let accent_char = matches!(second.as_ref(), Math::Atom(a) if a.chars().count() == 1
                && a.chars().all(|c| "^ˆ\u{302}~˜\u{303}¯‾\u{304}\u{305}→\u{20d7}˙\u{307}¨\u{308}˘\u{306}ˇ\u{30c}´\u{301}`\u{300}⏞⏟︷︸_\u{332}".contains(c)));
            let accent = e.name == "mover" && (e.attr("accent") == Some("true") || accent_char)
                || e.name == "munder" && (e.attr("accentunder") == Some("true") || accent_char);
            if let (true, Math::Atom(a)) = (accent, second.as_ref()) {
                let c = a.chars().next().unwrap_or('^');
                return match c {
                    '¯' | '‾' | '_' | '\u{305}' if e.name == "mover" => Math::Bar {
                        over: true,
                        body: base,
                    },
                    '¯' | '‾' | '_' | '\u{332}' => Math::Bar {
                        over: false,
                        body: base,
                    },
                    '⏞' | '︷' => Math::Brace {
                        over: true,
                        body: base,
                    },
                    '⏟' | '︸' => Math::Brace {
                        over: false,
                        body: base,
                    },
                    _ => Math::Accent {
                        accent: c,
                        body: base,
                    },
                };
            }
            match e.name.as_str() {
                "munder" => Math::Limits {
                    base,
                    under: Some(second),
                    over: None,
                },
                "mover" => Math::Limits {
                    base,
                    under: None,
                    over: Some(second),
                },
                _ => Math::Limits {
                    base,
                    under: Some(second),
                    over: Some(nth(e, 2, depth)),
                },
            }
        }
        "mfenced" => {
            let open = e.attr("open").unwrap_or("(").to_string();
            let close = e.attr("close").unwrap_or(")").to_string();
            let separator = e.attr("separators").unwrap_or(",").trim().chars().next();
            let mut items = Vec::new();
            for (i, c) in e.elements().enumerate() {
                if i > 0
                    && let Some(s) = separator
                {
                    items.push(Math::Atom(s.to_string()));
                }
                items.push(node(c, depth + 1));
            }
            Math::Fenced {
                open,
                close,
                body: Box::new(Math::row(items)),
            }
        }
        "mtable" => Math::Matrix(
            e.children_named("mtr")
                .chain(e.children_named("mlabeledtr"))
                .map(|row| {
                    row.children_named("mtd")
                        .map(|cell| Math::row(children(cell, depth + 1)))
                        .collect()
                })
                .collect(),
        ),
        "menclose" if e.attr("notation").is_some_and(|n| n.contains("top")) => Math::Bar {
            over: true,
            body: Box::new(Math::row(children(e, depth))),
        },
        // mrow, mstyle, math, mpadded, menclose, merror and unknown elements: their children.
        _ => fence_row(children(e, depth)),
    }
}

/// A row whose first and last items are stretchy brackets (`<mo>(</mo> ... <mo>)</mo>`, how
/// LibreOffice writes `left( ... right)`) becomes a fenced group.
fn fence_row(items: Vec<Math>) -> Math {
    let is_open = |m: &Math| matches!(m, Math::Atom(s) if matches!(s.as_str(), "(" | "[" | "{" | "|" | "‖" | "⟨" | "⌈" | "⌊"));
    let is_close = |m: &Math| matches!(m, Math::Atom(s) if matches!(s.as_str(), ")" | "]" | "}" | "|" | "‖" | "⟩" | "⌉" | "⌋"));
    if items.len() >= 3 && is_open(&items[0]) && is_close(&items[items.len() - 1]) {
        // Only when the brackets enclose a whole group (not "(a) + (b)").
        let mut depth = 0i32;
        let balanced_inside = items[1..items.len() - 1].iter().all(|m| {
            if is_open(m) && !matches!(m, Math::Atom(s) if s == "|") {
                depth += 1;
            } else if is_close(m) && !matches!(m, Math::Atom(s) if s == "|") {
                depth -= 1;
            }
            depth >= 0
        }) && depth == 0;
        if balanced_inside && items.iter().any(|m| !matches!(m, Math::Atom(_))) {
            let mut items = items;
            let close = items.pop();
            let open = items.remove(0);
            let (Some(Math::Atom(close)), Math::Atom(open)) = (close, open) else {
                unreachable!("checked above")
            };
            return Math::Fenced {
                open,
                close,
                body: Box::new(Math::row(items)),
            };
        }
    }
    Math::row(items)
}

#[cfg(test)]
mod tests {
    use super::super::to_latex;
    use super::*;

    fn tex(xml: &str) -> String {
        let e = crate::convert::xml::parse(xml.as_bytes()).unwrap();
        to_latex(&read(&e))
    }

    #[test]
    fn libreoffice_formulas() {
        assert_eq!(
            tex(
                r#"<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics><mrow><mi>E</mi><mo>=</mo><mrow><mi>m</mi><mo>⋅</mo><msup><mi>c</mi><mn>2</mn></msup></mrow></mrow><annotation encoding="StarMath 5.0">E = m cdot c^2</annotation></semantics></math>"#
            ),
            "E = m \\cdot c^{2}"
        );
        assert_eq!(
            tex(
                r#"<math><mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mfrac><mn>1</mn><msqrt><mi>x</mi></msqrt></mfrac></mrow></math>"#
            ),
            "\\sum_{i = 1}^{n} \\frac{1}{\\sqrt{x}}"
        );
        assert_eq!(
            tex(
                r#"<math><mrow><mo stretchy="true">(</mo><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mo stretchy="true">)</mo></mrow></math>"#
            ),
            "\\left( a + b \\right)"
        );
        assert_eq!(
            tex(r#"<math><mover accent="true"><mi>x</mi><mo>^</mo></mover></math>"#),
            "\\hat{x}"
        );
    }
}
