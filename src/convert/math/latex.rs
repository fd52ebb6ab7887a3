//! Equations as LaTeX: one math tree ([`Math`]) that the Office Math (DOCX, `omml.rs`) and MathML
//! (ODT, `mathml.rs`) readers build, and one writer.
//!
//! The LaTeX is what pandoc's texmath writes for the same structures, as far as the structure
//! allows: `\frac{a}{b}`, `\sqrt[n]{x}`, `x_{i}^{2}`, `\sum_{i = 1}^{n}`, `\left( \right)`,
//! `\begin{matrix}`, `\hat{x}`, `\sin`, Greek and operator symbols by name. Nesting is capped
//! by the readers (the XML is depth-limited) and the writer does not recurse more deeply than
//! the tree it is given.

/// An equation, or part of one.
#[derive(Debug, Clone, PartialEq)]
pub enum Math {
    /// A sequence; written as a `{...}` group where one argument is expected.
    Row(Vec<Math>),
    /// Identifiers, numbers and operators as written: each character mapped to LaTeX.
    Atom(String),
    /// Words inside an equation (`\text{if}`).
    Text(String),
    Frac {
        num: Box<Math>,
        den: Box<Math>,
        /// Written without a bar (`\binom`-like stacks, Office's `noBar`).
        bar: bool,
    },
    Root {
        body: Box<Math>,
        index: Option<Box<Math>>,
    },
    Scripts {
        base: Box<Math>,
        sub: Option<Box<Math>>,
        sup: Option<Box<Math>>,
    },
    /// Limits below and above (a sum's bounds, `lim` under its variable).
    Limits {
        base: Box<Math>,
        under: Option<Box<Math>>,
        over: Option<Box<Math>>,
    },
    Fenced {
        open: String,
        close: String,
        body: Box<Math>,
    },
    Matrix(Vec<Vec<Math>>),
    /// Equation arrays: rows aligned on their first `&`.
    Lines(Vec<Math>),
    Accent {
        accent: char,
        body: Box<Math>,
    },
    /// A line over or under (`\overline`, `\underline`).
    Bar {
        over: bool,
        body: Box<Math>,
    },
    /// A brace over or under a group (`\underbrace`).
    Brace {
        over: bool,
        body: Box<Math>,
    },
}

impl Math {
    pub fn row(items: Vec<Math>) -> Math {
        if items.len() == 1 {
            items.into_iter().next().expect("one item")
        } else {
            Math::Row(items)
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Math::Row(items) => items.iter().all(Math::is_empty),
            Math::Atom(s) | Math::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// The LaTeX of an equation.
pub fn to_latex(math: &Math) -> String {
    let mut w = Writer::default();
    w.math(math);
    w.out.trim().to_string()
}

#[derive(Default)]
struct Writer {
    out: String,
}

/// Function names written as `\name`.
const FUNCTIONS: &[&str] = &[
    "arccos", "arcsin", "arctan", "arg", "cos", "cosh", "cot", "coth", "csc", "deg", "det", "dim",
    "exp", "gcd", "hom", "inf", "ker", "lg", "lim", "liminf", "limsup", "ln", "log", "max", "min",
    "Pr", "sec", "sin", "sinh", "sup", "tan", "tanh",
];

impl Writer {
    /// Appends a command (`\alpha`), separated from a letter that follows by a space.
    fn command(&mut self, cmd: &str) {
        self.out.push_str(cmd);
        self.out.push(' ');
    }

    fn text(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// An argument: always a `{...}` group, without spaces at its edges.
    fn group(&mut self, math: &Math) {
        self.out.push('{');
        let start = self.out.len();
        self.math(math);
        trim_end_space(&mut self.out);
        let leading = self.out[start..].len() - self.out[start..].trim_start_matches(' ').len();
        self.out.replace_range(start..start + leading, "");
        self.out.push('}');
    }

    fn math(&mut self, math: &Math) {
        match math {
            Math::Row(items) => {
                for item in items {
                    self.math(item);
                }
            }
            Math::Atom(s) => self.atom(s),
            Math::Text(s) => {
                if !s.is_empty() {
                    self.text("\\text{");
                    self.text(&escape_text(s));
                    self.text("}");
                }
            }
            Math::Frac { num, den, bar } => {
                self.text(if *bar {
                    "\\frac"
                } else {
                    "\\genfrac{}{}{0pt}{}"
                });
                self.group(num);
                self.group(den);
            }
            Math::Root { body, index } => {
                self.text("\\sqrt");
                if let Some(index) = index.as_deref().filter(|i| !i.is_empty()) {
                    self.text("[");
                    self.math(index);
                    trim_end_space(&mut self.out);
                    self.text("]");
                }
                self.group(body);
            }
            Math::Scripts { base, sub, sup } => {
                self.base(base);
                if let Some(sub) = sub.as_deref().filter(|s| !s.is_empty()) {
                    self.text("_");
                    self.group(sub);
                }
                if let Some(sup) = sup.as_deref().filter(|s| !s.is_empty()) {
                    self.text("^");
                    self.group(sup);
                }
            }
            Math::Limits { base, under, over } => {
                let big = is_big_operator(base);
                let under = under.as_deref().filter(|s| !s.is_empty());
                let over = over.as_deref().filter(|s| !s.is_empty());
                if big {
                    self.math(base);
                    trim_end_space(&mut self.out);
                    if let Some(u) = under {
                        self.text("_");
                        self.group(u);
                    }
                    if let Some(o) = over {
                        self.text("^");
                        self.group(o);
                    }
                    self.text(" ");
                } else {
                    match (under, over) {
                        (Some(u), Some(o)) => {
                            self.text("\\overset");
                            self.group(o);
                            self.text("{\\underset");
                            self.group(u);
                            self.group(base);
                            self.text("}");
                        }
                        (Some(u), None) => {
                            self.text("\\underset");
                            self.group(u);
                            self.group(base);
                        }
                        (None, Some(o)) => {
                            self.text("\\overset");
                            self.group(o);
                            self.group(base);
                        }
                        (None, None) => self.math(base),
                    }
                }
            }
            // `(n over k)` without a bar is a binomial coefficient.
            Math::Fenced { open, close, body }
                if open == "("
                    && close == ")"
                    && matches!(body.as_ref(), Math::Frac { bar: false, .. }) =>
            {
                if let Math::Frac { num, den, .. } = body.as_ref() {
                    self.text("\\binom");
                    self.group(num);
                    self.group(den);
                }
            }
            Math::Fenced { open, close, body } => {
                self.text("\\left");
                self.text(&delimiter(open));
                self.text(" ");
                self.math(body);
                trim_end_space(&mut self.out);
                self.text(" \\right");
                self.text(&delimiter(close));
                self.text(" ");
            }
            Math::Matrix(rows) => {
                self.text("\\begin{matrix}\n");
                self.rows(rows.iter().map(|r| r.as_slice()));
                self.text("\n\\end{matrix}");
            }
            Math::Lines(lines) if lines.len() == 1 => self.math(&lines[0]),
            Math::Lines(lines) => {
                self.text("\\begin{aligned}\n");
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        self.text(" \\\\\n");
                    }
                    self.math(line);
                    trim_end_space(&mut self.out);
                }
                self.text("\n\\end{aligned}");
            }
            Math::Accent { accent, body } => {
                let cmd = match accent {
                    '^' | '\u{302}' | 'ˆ' => "\\hat",
                    '~' | '\u{303}' | '˜' => "\\tilde",
                    '¯' | '\u{304}' | '\u{305}' | '‾' => "\\bar",
                    '→' | '\u{20d7}' => "\\vec",
                    '˙' | '\u{307}' => "\\dot",
                    '¨' | '\u{308}' => "\\ddot",
                    '˘' | '\u{306}' => "\\breve",
                    'ˇ' | '\u{30c}' => "\\check",
                    '´' | '\u{301}' => "\\acute",
                    '`' | '\u{300}' => "\\grave",
                    _ => "\\hat",
                };
                self.text(cmd);
                self.group(body);
            }
            Math::Bar { over, body } => {
                self.text(if *over { "\\overline" } else { "\\underline" });
                self.group(body);
            }
            Math::Brace { over, body } => {
                self.text(if *over { "\\overbrace" } else { "\\underbrace" });
                self.group(body);
            }
        }
    }

    /// The base of scripts: one symbol as it is, anything longer grouped.
    fn base(&mut self, base: &Math) {
        match base {
            Math::Atom(s) if s.chars().count() == 1 => self.atom(s),
            Math::Row(items) if items.is_empty() => self.text("{}"),
            Math::Atom(_) | Math::Text(_) | Math::Fenced { .. } | Math::Accent { .. } => {
                self.math(base)
            }
            _ => self.group(base),
        }
        trim_end_space(&mut self.out);
    }

    fn rows<'m>(&mut self, rows: impl Iterator<Item = &'m [Math]>) {
        for (i, row) in rows.enumerate() {
            if i > 0 {
                self.text(" \\\\\n");
            }
            for (j, cell) in row.iter().enumerate() {
                if j > 0 {
                    self.text(" & ");
                }
                self.math(cell);
                trim_end_space(&mut self.out);
            }
        }
    }

    /// Identifiers, numbers and operators: function names as commands, symbols by name, the
    /// rest as they are (spaces around relations and binary operators, as texmath writes).
    fn atom(&mut self, s: &str) {
        let s = s.trim();
        if s.is_empty() {
            return;
        }
        if FUNCTIONS.contains(&s) {
            self.command(&format!("\\{s}"));
            return;
        }
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            // A function name inside a run of text (`sinθ`): as a command.
            if !(i > 0 && chars[i - 1].is_ascii_alphabetic())
                && let Some(name) = FUNCTIONS
                    .iter()
                    .filter(|f| {
                        let n = f.len();
                        chars.len() >= i + n
                            && chars[i..i + n].iter().copied().eq(f.chars())
                            && !chars.get(i + n).is_some_and(|c| c.is_ascii_alphabetic())
                    })
                    .max_by_key(|f| f.len())
            {
                self.command(&format!("\\{name}"));
                i += name.len();
                continue;
            }
            let c = chars[i];
            i += 1;
            if c == ' ' {
                if !self.out.ends_with(' ') {
                    self.out.push(' ');
                }
                continue;
            }
            match symbol(c) {
                Some(cmd) if cmd.starts_with('\\') => {
                    if spaced(c) {
                        trim_end_space(&mut self.out);
                        self.text(" ");
                    }
                    self.command(cmd);
                }
                Some(plain) => self.text(plain),
                None if matches!(c, '=' | '+' | '<' | '>') => {
                    trim_end_space(&mut self.out);
                    self.text(&format!(" {c} "));
                }
                None if c == '-' || c == '−' => {
                    // A binary minus after an operand; a sign at the start.
                    if self.out.trim_end().is_empty()
                        || self.out.trim_end().ends_with(['(', '{', '=', '[', ','])
                    {
                        self.text("-");
                    } else {
                        trim_end_space(&mut self.out);
                        self.text(" - ");
                    }
                }
                None if matches!(c, '{' | '}' | '#' | '%' | '&' | '$' | '_') => {
                    self.text(&format!("\\{c}"));
                }
                None if c == '\\' => self.command("\\backslash"),
                None => self.out.push(c),
            }
        }
    }
}

fn trim_end_space(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

/// Whether a symbol is a relation or binary operator written with spaces around it.
fn spaced(c: char) -> bool {
    matches!(
        c,
        '·' | '⋅'
            | '×'
            | '÷'
            | '±'
            | '∓'
            | '≤'
            | '≥'
            | '≠'
            | '≈'
            | '≡'
            | '∝'
            | '→'
            | '←'
            | '↔'
            | '⇒'
            | '⇐'
            | '⇔'
            | '∈'
            | '∉'
            | '⊂'
            | '⊆'
            | '⊃'
            | '⊇'
            | '∪'
            | '∩'
            | '∼'
            | '≅'
            | '≪'
            | '≫'
            | '∘'
            | '⊕'
            | '⊗'
            | '∧'
            | '∨'
            | '↦'
    )
}

/// The LaTeX of a character that is not written as itself.
fn symbol(c: char) -> Option<&'static str> {
    Some(match c {
        'α' => "\\alpha",
        'β' => "\\beta",
        'γ' => "\\gamma",
        'δ' => "\\delta",
        'ε' => "\\varepsilon",
        'ϵ' => "\\epsilon",
        'ζ' => "\\zeta",
        'η' => "\\eta",
        'θ' => "\\theta",
        'ϑ' => "\\vartheta",
        'ι' => "\\iota",
        'κ' => "\\kappa",
        'λ' => "\\lambda",
        'μ' => "\\mu",
        'ν' => "\\nu",
        'ξ' => "\\xi",
        'π' => "\\pi",
        'ϖ' => "\\varpi",
        'ρ' => "\\rho",
        'ϱ' => "\\varrho",
        'σ' => "\\sigma",
        'ς' => "\\varsigma",
        'τ' => "\\tau",
        'υ' => "\\upsilon",
        'φ' => "\\varphi",
        'ϕ' => "\\phi",
        'χ' => "\\chi",
        'ψ' => "\\psi",
        'ω' => "\\omega",
        'Γ' => "\\Gamma",
        'Δ' => "\\Delta",
        'Θ' => "\\Theta",
        'Λ' => "\\Lambda",
        'Ξ' => "\\Xi",
        'Π' => "\\Pi",
        'Σ' => "\\Sigma",
        'Υ' => "\\Upsilon",
        'Φ' => "\\Phi",
        'Ψ' => "\\Psi",
        'Ω' => "\\Omega",
        '·' | '⋅' => "\\cdot",
        '×' => "\\times",
        '÷' => "\\div",
        '±' => "\\pm",
        '∓' => "\\mp",
        '≤' => "\\leq",
        '≥' => "\\geq",
        '≠' => "\\neq",
        '≈' => "\\approx",
        '≡' => "\\equiv",
        '∝' => "\\propto",
        '∼' => "\\sim",
        '≅' => "\\cong",
        '≪' => "\\ll",
        '≫' => "\\gg",
        '∞' => "\\infty",
        '→' => "\\rightarrow",
        '←' => "\\leftarrow",
        '↔' => "\\leftrightarrow",
        '⇒' => "\\Rightarrow",
        '⇐' => "\\Leftarrow",
        '⇔' => "\\Leftrightarrow",
        '↦' => "\\mapsto",
        '∑' => "\\sum",
        '∏' => "\\prod",
        '∐' => "\\coprod",
        '∫' => "\\int",
        '∬' => "\\iint",
        '∭' => "\\iiint",
        '∮' => "\\oint",
        '⋃' => "\\bigcup",
        '⋂' => "\\bigcap",
        '∂' => "\\partial",
        '∇' => "\\nabla",
        '∈' => "\\in",
        '∉' => "\\notin",
        '∋' => "\\ni",
        '⊂' => "\\subset",
        '⊆' => "\\subseteq",
        '⊃' => "\\supset",
        '⊇' => "\\supseteq",
        '∪' => "\\cup",
        '∩' => "\\cap",
        '∅' => "\\varnothing",
        '∀' => "\\forall",
        '∃' => "\\exists",
        '¬' => "\\neg",
        '∧' => "\\land",
        '∨' => "\\lor",
        '∘' => "\\circ",
        '⊕' => "\\oplus",
        '⊗' => "\\otimes",
        '…' => "\\ldots",
        '⋯' => "\\cdots",
        '⋮' => "\\vdots",
        '⋱' => "\\ddots",
        'ℏ' => "\\hbar",
        'ℓ' => "\\ell",
        'ℜ' => "\\Re",
        'ℑ' => "\\Im",
        'ℵ' => "\\aleph",
        '√' => "\\surd",
        '°' => "{^\\circ}",
        '′' => "'",
        '″' => "''",
        '∗' => "*",
        '\u{2061}' | '\u{2062}' | '\u{2063}' | '\u{200b}' => "",
        '\u{a0}' => "~",
        _ => return None,
    })
}

/// Whether an operator takes its limits under and over (`\sum_{}^{}`).
fn is_big_operator(base: &Math) -> bool {
    match base {
        Math::Atom(s) => {
            let s = s.trim();
            FUNCTIONS.contains(&s)
                || s.chars().count() == 1
                    && s.chars()
                        .all(|c| matches!(c, '∑' | '∏' | '∐' | '∫' | '∬' | '∭' | '∮' | '⋃' | '⋂'))
        }
        _ => false,
    }
}

/// A delimiter for `\left`/`\right`: `.` for none.
fn delimiter(d: &str) -> String {
    match d.trim() {
        "" => ".".into(),
        "{" => "\\{".into(),
        "}" => "\\}".into(),
        "‖" | "∥" => "\\|".into(),
        "⟨" | "〈" => "\\langle".into(),
        "⟩" | "〉" => "\\rangle".into(),
        "⌈" => "\\lceil".into(),
        "⌉" => "\\rceil".into(),
        "⌊" => "\\lfloor".into(),
        "⌋" => "\\rfloor".into(),
        other => other.to_string(),
    }
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '{' | '}' | '#' | '%' | '&' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\textbackslash{}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(s: &str) -> Math {
        Math::Atom(s.into())
    }

    #[test]
    fn structures_are_written_as_texmath_does() {
        let e = Math::Row(vec![
            atom("E"),
            atom("="),
            atom("m"),
            atom("·"),
            Math::Scripts {
                base: Box::new(atom("c")),
                sub: None,
                sup: Some(Box::new(atom("2"))),
            },
        ]);
        assert_eq!(to_latex(&e), "E = m \\cdot c^{2}");
        let sum = Math::Row(vec![
            Math::Limits {
                base: Box::new(atom("∑")),
                under: Some(Box::new(Math::Row(vec![atom("i"), atom("="), atom("1")]))),
                over: Some(Box::new(atom("n"))),
            },
            Math::Frac {
                num: Box::new(atom("1")),
                den: Box::new(Math::Root {
                    body: Box::new(atom("x")),
                    index: Some(Box::new(atom("3"))),
                }),
                bar: true,
            },
        ]);
        assert_eq!(to_latex(&sum), "\\sum_{i = 1}^{n} \\frac{1}{\\sqrt[3]{x}}");
        let fenced = Math::Fenced {
            open: "(".into(),
            close: ")".into(),
            body: Box::new(Math::Row(vec![atom("α"), atom("+"), atom("β")])),
        };
        assert_eq!(to_latex(&fenced), "\\left( \\alpha + \\beta \\right)");
        assert_eq!(
            to_latex(&Math::Row(vec![atom("sin"), atom("x")])),
            "\\sin x"
        );
        assert_eq!(
            to_latex(&Math::Matrix(vec![
                vec![atom("a"), atom("b")],
                vec![atom("c"), atom("d")]
            ])),
            "\\begin{matrix}\na & b \\\\\nc & d\n\\end{matrix}"
        );
        assert_eq!(
            to_latex(&Math::Accent {
                accent: '\u{302}',
                body: Box::new(atom("x"))
            }),
            "\\hat{x}"
        );
        assert_eq!(to_latex(&Math::Row(vec![atom("-"), atom("x")])), "-x");
        assert_eq!(to_latex(&Math::Text("if x_1".into())), "\\text{if x\\_1}");
        // Function names inside text, spaces, binomials, a one-line array.
        assert_eq!(
            to_latex(&Math::Row(vec![atom("sinθ"), atom("×  2"), atom("sine")])),
            "\\sin \\theta \\times 2sine"
        );
        let binom = Math::Fenced {
            open: "(".into(),
            close: ")".into(),
            body: Box::new(Math::Frac {
                num: Box::new(atom("n")),
                den: Box::new(atom("k")),
                bar: false,
            }),
        };
        assert_eq!(to_latex(&binom), "\\binom{n}{k}");
        assert_eq!(
            to_latex(&Math::Lines(vec![Math::Row(vec![
                atom("a"),
                atom("="),
                atom("b")
            ])])),
            "a = b"
        );
        assert_eq!(
            to_latex(&Math::Scripts {
                base: Box::new(atom("x")),
                sub: None,
                sup: Some(Box::new(atom("∘")))
            }),
            "x^{\\circ}"
        );
    }
}
