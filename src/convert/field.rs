//! Word field instructions (ECMA-376 17.16, [MS-DOC] 2.8.25, RTF `\fldinst`): one reader for
//! DOCX, RTF and Word 97-2003, which all write the same instruction language.

/// Where a field links to: `HYPERLINK "url" \l "anchor"`, or `REF`/`PAGEREF`/`NOTEREF bookmark`
/// as a link to the bookmark (`#name`). Other fields are not links.
pub fn target(instr: &str) -> Option<String> {
    let mut words = words(instr).into_iter();
    let kind = words.next()?.to_uppercase();
    match kind.as_str() {
        "HYPERLINK" => hyperlink_words(words),
        "REF" | "PAGEREF" | "NOTEREF" => {
            let bookmark = words.next()?;
            (!bookmark.starts_with('\\')).then(|| format!("#{bookmark}"))
        }
        _ => None,
    }
}

/// The target of a `HYPERLINK` field only.
pub fn hyperlink(instr: &str) -> Option<String> {
    let mut words = words(instr).into_iter();
    if !words.next()?.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    hyperlink_words(words)
}

/// `HYPERLINK`'s arguments (17.16.5.25): the URL, `\l` a location in it, `\o` a tooltip and `\t`
/// a target frame (both with an argument, both ignored), `\m` and `\n` without one.
fn hyperlink_words(mut words: impl Iterator<Item = String>) -> Option<String> {
    let mut url = String::new();
    let mut anchor = None;
    while let Some(word) = words.next() {
        match word.as_str() {
            "\\l" => anchor = words.next(),
            "\\o" | "\\t" => {
                words.next();
            }
            w if w.starts_with('\\') => {}
            _ if url.is_empty() => url = word,
            _ => {}
        }
    }
    match (url.is_empty(), anchor.filter(|a| !a.is_empty())) {
        (false, Some(a)) => Some(format!("{url}#{a}")),
        (false, None) => Some(url),
        (true, Some(a)) => Some(format!("#{a}")),
        (true, None) => None,
    }
}

/// A field instruction's words (17.16.1): quoted arguments keep their spaces, `\"` is a quote
/// inside one. A quote that is not followed by a space or the end does not close the argument:
/// LibreOffice writes anchors with bare quotes in them (`\l "a"b""`), and that reads as `a"b"`.
pub fn words(instr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = instr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted && matches!(chars.peek(), Some('"' | '\\')) => {
                current.extend(chars.next());
            }
            '"' if !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                quoted = true;
            }
            '"' if chars.peek().is_none_or(|&n| is_separator(n)) => {
                out.push(std::mem::take(&mut current));
                quoted = false;
            }
            c if is_separator(c) && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Spaces, and the control characters Word leaves in instructions (`\u{1}` for an embedded
/// object in a binary document's field).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlinks_and_references() {
        assert_eq!(
            target(r#" HYPERLINK "https://example.com/a b" "#).as_deref(),
            Some("https://example.com/a b")
        );
        assert_eq!(target(r#"HYPERLINK \l "_Toc1""#).as_deref(), Some("#_Toc1"));
        assert_eq!(
            target(r#"HYPERLINK "https://x.org/" \o "tip" \l "part""#).as_deref(),
            Some("https://x.org/#part")
        );
        assert_eq!(
            target("hyperlink https://x.org").as_deref(),
            Some("https://x.org")
        );
        assert_eq!(target("PAGEREF _Ref123 \\h").as_deref(), Some("#_Ref123"));
        assert_eq!(hyperlink("PAGEREF _Ref123 \\h"), None);
        assert_eq!(target("DATE \\@ \"yyyy\""), None);
        assert_eq!(target("PAGE"), None);
        assert_eq!(target(""), None);
    }

    #[test]
    fn quotes_inside_arguments() {
        assert_eq!(
            target(r#"HYPERLINK "http://s.org/" \l "g%3A"org.tika"""#).as_deref(),
            Some(r#"http://s.org/#g%3A"org.tika""#)
        );
        assert_eq!(
            words(r#"HYPERLINK "a \"b\" c""#),
            vec!["HYPERLINK", r#"a "b" c"#]
        );
        assert_eq!(
            target("HYPERLINK \"https://x.org/a\"\u{1}").as_deref(),
            Some("https://x.org/a")
        );
        // An unterminated quote keeps what it has.
        assert_eq!(
            words(r#"HYPERLINK "http://x"#),
            vec!["HYPERLINK", "http://x"]
        );
    }
}
