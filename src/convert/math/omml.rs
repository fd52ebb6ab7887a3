//! Office Math (`m:oMath`, `m:oMathPara` in WordprocessingML, ECMA-376 Part 1, 22.1) into the
//! math tree: runs, fractions, radicals, scripts (and prescripts), n-ary operators with their
//! limits, delimiters with separators, matrices, equation arrays, accents, bars, group
//! characters, functions and lower/upper limits. Property elements give each structure's
//! characters and their defaults where Word leaves them out.

use super::{MAX_DEPTH, Math};
use crate::convert::xml::Element;

/// The equation of an `m:oMath` (or of an `m:oMathPara`, line by line).
pub fn read(math: &Element) -> Math {
    if math.name == "oMathPara" {
        let lines: Vec<Math> = math.children_named("oMath").map(|m| row(m, 0)).collect();
        return match lines.len() {
            1 => lines.into_iter().next().expect("one line"),
            _ => Math::Lines(lines),
        };
    }
    row(math, 0)
}

/// A structure's property value (`<m:fPr><m:type m:val="noBar"/></m:fPr>`).
fn prop<'e>(e: &'e Element, pr: &str, name: &str) -> Option<&'e str> {
    e.child(pr)?.child(name)?.attr("val")
}

fn on(value: Option<&str>) -> bool {
    matches!(value, Some("1" | "on" | "true"))
}

/// The children of `e` as one row.
fn row(e: &Element, depth: usize) -> Math {
    if depth > MAX_DEPTH {
        return Math::Atom(text_of(e));
    }
    Math::row(e.elements().filter_map(|c| node(c, depth + 1)).collect())
}

/// The row of the child `name` (an argument: `m:e`, `m:num`, `m:sub`, ...).
fn arg(e: &Element, name: &str, depth: usize) -> Box<Math> {
    Box::new(
        e.child(name)
            .map(|c| row(c, depth + 1))
            .unwrap_or_else(|| Math::Row(Vec::new())),
    )
}

fn text_of(e: &Element) -> String {
    let mut ts = Vec::new();
    e.find_all("t", &mut ts);
    ts.iter().map(|t| t.text()).collect()
}

fn node(e: &Element, depth: usize) -> Option<Math> {
    if depth > MAX_DEPTH {
        return Some(Math::Atom(text_of(e)));
    }
    Some(match e.name.as_str() {
        "r" => {
            let text = text_of(e);
            let normal = e.child("rPr").is_some_and(|p| p.child("nor").is_some());
            if normal && text.chars().any(char::is_alphabetic) {
                Math::Text(text)
            } else {
                Math::Atom(text)
            }
        }
        "f" => {
            let kind = prop(e, "fPr", "type").unwrap_or("bar");
            let (num, den) = (arg(e, "num", depth), arg(e, "den", depth));
            if kind == "lin" {
                Math::Row(vec![*num, Math::Atom("/".into()), *den])
            } else {
                Math::Frac {
                    num,
                    den,
                    bar: kind != "noBar",
                }
            }
        }
        "rad" => Math::Root {
            body: arg(e, "e", depth),
            index: (!on(prop(e, "radPr", "degHide"))).then(|| arg(e, "deg", depth)),
        },
        "sSub" => Math::Scripts {
            base: arg(e, "e", depth),
            sub: Some(arg(e, "sub", depth)),
            sup: None,
        },
        "sSup" => Math::Scripts {
            base: arg(e, "e", depth),
            sub: None,
            sup: Some(arg(e, "sup", depth)),
        },
        "sSubSup" => Math::Scripts {
            base: arg(e, "e", depth),
            sub: Some(arg(e, "sub", depth)),
            sup: Some(arg(e, "sup", depth)),
        },
        "sPre" => Math::Row(vec![
            Math::Scripts {
                base: Box::new(Math::Row(Vec::new())),
                sub: Some(arg(e, "sub", depth)),
                sup: Some(arg(e, "sup", depth)),
            },
            *arg(e, "e", depth),
        ]),
        "nary" => {
            let op = prop(e, "naryPr", "chr").unwrap_or("∫").to_string();
            let under = (!on(prop(e, "naryPr", "subHide"))).then(|| arg(e, "sub", depth));
            let over = (!on(prop(e, "naryPr", "supHide"))).then(|| arg(e, "sup", depth));
            Math::Row(vec![
                Math::Limits {
                    base: Box::new(Math::Atom(op)),
                    under,
                    over,
                },
                *arg(e, "e", depth),
            ])
        }
        "d" => {
            let open = prop(e, "dPr", "begChr").unwrap_or("(").to_string();
            let close = prop(e, "dPr", "endChr").unwrap_or(")").to_string();
            let separator = prop(e, "dPr", "sepChr").unwrap_or("|").to_string();
            let mut items = Vec::new();
            for (i, part) in e.children_named("e").enumerate() {
                if i > 0 {
                    items.push(Math::Atom(separator.clone()));
                }
                items.push(row(part, depth + 1));
            }
            Math::Fenced {
                open,
                close,
                body: Box::new(Math::row(items)),
            }
        }
        "m" => Math::Matrix(
            e.children_named("mr")
                .map(|r| r.children_named("e").map(|c| row(c, depth + 1)).collect())
                .collect(),
        ),
        "eqArr" => Math::Lines(e.children_named("e").map(|c| row(c, depth + 1)).collect()),
        "acc" => Math::Accent {
            accent: prop(e, "accPr", "chr")
                .and_then(|c| c.chars().next())
                .unwrap_or('\u{302}'),
            body: arg(e, "e", depth),
        },
        "bar" => Math::Bar {
            over: prop(e, "barPr", "pos") == Some("top"),
            body: arg(e, "e", depth),
        },
        "groupChr" => Math::Brace {
            over: prop(e, "groupChrPr", "pos") == Some("top"),
            body: arg(e, "e", depth),
        },
        "func" => Math::Row(vec![*arg(e, "fName", depth), *arg(e, "e", depth)]),
        "limLow" => Math::Limits {
            base: arg(e, "e", depth),
            under: Some(arg(e, "lim", depth)),
            over: None,
        },
        "limUpp" => Math::Limits {
            base: arg(e, "e", depth),
            under: None,
            over: Some(arg(e, "lim", depth)),
        },
        "box" | "borderBox" | "phant" => *arg(e, "e", depth),
        "oMath" | "e" => row(e, depth),
        // Properties (`m:fPr`, `m:ctrlPr`, ...) and anything else: nothing to write.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::to_latex;
    use super::*;

    fn tex(inner: &str) -> String {
        let xml = format!(
            r#"<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">{inner}</m:oMath>"#
        );
        to_latex(&read(&crate::convert::xml::parse(xml.as_bytes()).unwrap()))
    }

    #[test]
    fn word_equations() {
        // A = πr²
        assert_eq!(
            tex(
                "<m:r><m:t>A=π</m:t></m:r><m:sSup><m:e><m:r><m:t>r</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>"
            ),
            "A = \\pi r^{2}"
        );
        // The quadratic formula.
        assert_eq!(
            tex(
                "<m:r><m:t>x=</m:t></m:r><m:f><m:num><m:r><m:t>-b±</m:t></m:r><m:rad><m:radPr><m:degHide m:val=\"1\"/></m:radPr><m:deg/><m:e><m:sSup><m:e><m:r><m:t>b</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup><m:r><m:t>-4ac</m:t></m:r></m:e></m:rad></m:num><m:den><m:r><m:t>2a</m:t></m:r></m:den></m:f>"
            ),
            "x = \\frac{-b \\pm \\sqrt{b^{2} - 4ac}}{2a}"
        );
        // A sum with limits, a delimiter, a function, an accent.
        assert_eq!(
            tex(
                "<m:nary><m:naryPr><m:chr m:val=\"∑\"/></m:naryPr><m:sub><m:r><m:t>k=0</m:t></m:r></m:sub><m:sup><m:r><m:t>n</m:t></m:r></m:sup><m:e><m:d><m:e><m:r><m:t>k</m:t></m:r></m:e></m:d></m:e></m:nary>"
            ),
            "\\sum_{k = 0}^{n} \\left( k \\right)"
        );
        assert_eq!(
            tex(
                "<m:func><m:fName><m:r><m:rPr><m:sty m:val=\"p\"/></m:rPr><m:t>sin</m:t></m:r></m:fName><m:e><m:r><m:t>θ</m:t></m:r></m:e></m:func>"
            ),
            "\\sin \\theta"
        );
        assert_eq!(
            tex(
                "<m:acc><m:e><m:r><m:t>x</m:t></m:r></m:e></m:acc><m:m><m:mr><m:e><m:r><m:t>1</m:t></m:r></m:e><m:e><m:r><m:t>0</m:t></m:r></m:e></m:mr></m:m>"
            ),
            "\\hat{x}\\begin{matrix}\n1 & 0\n\\end{matrix}"
        );
    }
}
