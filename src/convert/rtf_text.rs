//! RTF as a token stream, and the two things e-mail needs from it: the HTML an Outlook message
//! encapsulates in RTF ([MS-OXRTFEX]: `\fromhtml1`, `\*\htmltag` groups, `\htmlrtf` regions) and
//! the plain text of any other RTF body. A byte-level lexer: control words with their signed
//! parameters, control symbols, `\'hh` bytes in the document's code page (`\ansicpg`), `\uN`
//! with its `\ucN` skip, `\binN` data skipped; group depth is capped and unbalanced braces end
//! quietly.

use encoding_rs::Encoding;

/// Groups nested deeper than this are read as text of their parent.
const MAX_DEPTH: usize = 512;

#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    Open,
    Close,
    /// A control word and its parameter (`\fs24` is ("fs", Some(24))).
    Word(&'a str, Option<i32>),
    /// A control symbol (`\~`, `\-`, `\{`): the character after the backslash.
    Symbol(u8),
    /// `\'hh`: one byte in the current code page.
    Hex(u8),
    /// Literal text bytes.
    Text(&'a [u8]),
}

/// Splits RTF bytes into tokens.
pub fn tokens(rtf: &[u8]) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rtf.len() {
        match rtf[i] {
            b'{' => {
                out.push(Token::Open);
                i += 1;
            }
            b'}' => {
                out.push(Token::Close);
                i += 1;
            }
            b'\\' => {
                let Some(&c) = rtf.get(i + 1) else { break };
                if c.is_ascii_alphabetic() {
                    let start = i + 1;
                    let mut j = start;
                    while j < rtf.len() && rtf[j].is_ascii_alphabetic() && j - start < 32 {
                        j += 1;
                    }
                    let name = std::str::from_utf8(&rtf[start..j]).unwrap_or("");
                    let num_start = j;
                    if j < rtf.len() && rtf[j] == b'-' {
                        j += 1;
                    }
                    while j < rtf.len() && rtf[j].is_ascii_digit() && j - num_start < 10 {
                        j += 1;
                    }
                    let param = std::str::from_utf8(&rtf[num_start..j])
                        .ok()
                        .and_then(|n| n.parse::<i32>().ok());
                    if j < rtf.len() && rtf[j] == b' ' {
                        j += 1; // the delimiting space belongs to the control word
                    }
                    if name == "bin" {
                        // Binary data: skip its bytes.
                        let n = param.unwrap_or(0).max(0) as usize;
                        j = (j + n).min(rtf.len());
                        out.push(Token::Word(name, param));
                        i = j;
                        continue;
                    }
                    out.push(Token::Word(name, param));
                    i = j;
                } else if c == b'\'' {
                    let hex = rtf
                        .get(i + 2..i + 4)
                        .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(Token::Hex(b));
                            i += 4;
                        }
                        None => i += 2,
                    }
                } else {
                    out.push(Token::Symbol(c));
                    i += 2;
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                let start = i;
                while i < rtf.len() && !matches!(rtf[i], b'{' | b'}' | b'\\' | b'\r' | b'\n') {
                    i += 1;
                }
                out.push(Token::Text(&rtf[start..i]));
            }
        }
    }
    out
}

/// Destinations whose content is not text.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "header",
    "footer",
    "headerl",
    "headerr",
    "footerl",
    "footerr",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "fldinst",
];

/// Text collected with the document's code page.
struct Collector {
    encoding: &'static Encoding,
    bytes: Vec<u8>,
    out: String,
}

impl Collector {
    fn flush(&mut self) {
        if !self.bytes.is_empty() {
            let (text, _) = self.encoding.decode_without_bom_handling(&self.bytes);
            self.out.push_str(&text);
            self.bytes.clear();
        }
    }

    fn push_str(&mut self, s: &str) {
        self.flush();
        self.out.push_str(s);
    }

    fn push_char(&mut self, c: char) {
        self.flush();
        self.out.push(c);
    }
}

/// Whether the RTF encapsulates HTML (`\fromhtml1` in its header).
pub fn encapsulates_html(rtf: &[u8]) -> bool {
    crate::sniff::find(&rtf[..rtf.len().min(4096)], b"\\fromhtml").is_some()
}

/// The HTML an Outlook message encapsulates in its RTF body; with `html = false`, the plain
/// text of any RTF.
pub fn extract(rtf: &[u8], html: bool) -> String {
    let toks = tokens(rtf);
    let mut c = Collector {
        encoding: encoding_rs::WINDOWS_1252,
        bytes: Vec::new(),
        out: String::new(),
    };
    let mut stack = vec![State {
        skip: false,
        htmltag: false,
        htmlrtf: false,
        uc: 1,
    }];
    let mut pending_skip = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let top = *stack.last().expect("a group");
        match &toks[i] {
            Token::Open => {
                if stack.len() < MAX_DEPTH {
                    stack.push(top);
                }
                // `{\*\destination ...}`: an ignorable destination, unless it is an HTML tag.
                if let (Some(Token::Symbol(b'*')), Some(Token::Word(name, _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    let state = stack.last_mut().expect("a group");
                    if html && (*name == "htmltag" || *name == "mhtmltag") {
                        state.htmltag = true;
                    } else {
                        state.skip = true;
                    }
                    i += 3;
                    continue;
                }
                if let Some(Token::Word(name, _)) = toks.get(i + 1)
                    && SKIPPED.contains(name)
                {
                    stack.last_mut().expect("a group").skip = true;
                }
            }
            Token::Close => {
                if stack.len() > 1 {
                    stack.pop();
                }
            }
            Token::Word(name, param) => {
                let state = stack.last_mut().expect("a group");
                match *name {
                    "ansicpg" => {
                        if let Some(cp) = param
                            && let Some(enc) = codepage::to_encoding(*cp as u16)
                        {
                            c.flush();
                            c.encoding = enc;
                        }
                    }
                    "htmlrtf" => state.htmlrtf = param.is_none_or(|p| p != 0),
                    "uc" => state.uc = param.unwrap_or(1).clamp(0, 8) as usize,
                    "u" if !state.skip && visible(state, html) => {
                        let v = param.unwrap_or(0);
                        let code = if v < 0 { v + 65536 } else { v } as u32;
                        if let Some(ch) = char::from_u32(code) {
                            c.push_char(ch);
                        }
                        pending_skip = state.uc;
                    }
                    "par" | "line" if !state.skip && visible(state, html) => {
                        c.push_str(if html { "\r\n" } else { "\n" })
                    }
                    "tab" if !state.skip && visible(state, html) => c.push_char('\t'),
                    "emdash" if !state.skip && visible(state, html) => c.push_char('—'),
                    "endash" if !state.skip && visible(state, html) => c.push_char('–'),
                    "lquote" if !state.skip && visible(state, html) => c.push_char('‘'),
                    "rquote" if !state.skip && visible(state, html) => c.push_char('’'),
                    "ldblquote" if !state.skip && visible(state, html) => c.push_char('“'),
                    "rdblquote" if !state.skip && visible(state, html) => c.push_char('”'),
                    "bullet" if !state.skip && visible(state, html) => c.push_char('•'),
                    _ => {}
                }
            }
            Token::Symbol(s) => {
                let state = *stack.last().expect("a group");
                if !state.skip && visible(&state, html) {
                    match s {
                        b'\\' | b'{' | b'}' => c.bytes.push(*s),
                        b'~' => c.push_char('\u{a0}'),
                        b'_' => c.push_char('-'),
                        _ => {}
                    }
                }
            }
            Token::Hex(b) => {
                let state = *stack.last().expect("a group");
                if pending_skip > 0 {
                    pending_skip -= 1;
                } else if !state.skip && visible(&state, html) {
                    c.bytes.push(*b);
                }
            }
            Token::Text(t) => {
                let state = *stack.last().expect("a group");
                let mut t: &[u8] = t;
                if pending_skip > 0 {
                    let n = pending_skip.min(t.len());
                    t = &t[n..];
                    pending_skip -= n;
                }
                if !state.skip && visible(&state, html) {
                    c.bytes.extend_from_slice(t);
                }
            }
        }
        if !matches!(toks[i], Token::Hex(_) | Token::Text(_))
            && !matches!(toks[i], Token::Word("u", _))
        {
            pending_skip = 0;
        }
        i += 1;
    }
    c.flush();
    c.out
}

/// Whether text in this state is part of the output: for HTML, text in tag groups and text
/// outside `\htmlrtf` regions; for plain text, everything not skipped.
fn visible(state: &State, html: bool) -> bool {
    !html || state.htmltag || !state.htmlrtf
}

/// What a group is, as the reader sees it.
#[derive(Debug, Clone, Copy)]
struct State {
    /// A destination whose content is not text.
    skip: bool,
    /// `{\*\htmltag ...}`: encapsulated HTML.
    htmltag: bool,
    /// Inside `\htmlrtf` ... `\htmlrtf0`: RTF-only content of an encapsulated message.
    htmlrtf: bool,
    /// `\ucN`: characters to skip after a `\uN`.
    uc: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encapsulated_html_comes_out() {
        let rtf = br"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}{\*\htmltag19 <html>}{\*\htmltag34 <body>}\htmlrtf {\htmlrtf0 {\*\htmltag64 <p>}Caf\'e9 {\*\htmltag84 <b>}bold{\*\htmltag92 </b>}\htmlrtf\par\htmlrtf0 {\*\htmltag72 </p>}}}{\*\htmltag27 </body>}{\*\htmltag27 </html>}}";
        assert!(encapsulates_html(rtf));
        let html = extract(rtf, true);
        assert_eq!(html, "<html><body><p>Café <b>bold</b></p></body></html>");
    }

    #[test]
    fn plain_text_of_rtf() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Times;}}{\info{\title T}}Hello \b world\b0 .\par Line \u8364?2\tab x}";
        assert_eq!(extract(rtf, false), "Hello world.\nLine €2\tx");
    }
}
