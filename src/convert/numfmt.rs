//! Excel number formats: a cell's value written the way the spreadsheet displays it.
//!
//! A format code has up to four sections (`positive;negative;zero;text`), optional conditions
//! (`[>=100]`), colours, locale and currency tags (`[$€-407]`), literal text (`"kg"`, `\x`),
//! padding (`_)`) and fill (`*-`) characters, digit placeholders (`0 # ?`), thousands separators
//! and scaling commas, percent, scientific notation and fractions; or date and time tokens.
//! Numbers are written as the format shows them (`#,##0.00` gives `1,234.50`, `0.0%` gives
//! `12.5%`). Dates and times are written in ISO 8601 with the parts the format shows
//! (`2024-03-15`, `2024-03-15 14:30`, `14:30:05`), because `03/04/24` means two different days on
//! two sides of the Atlantic; elapsed times (`[h]:mm:ss`) as the format shows them. A code that
//! cannot be read falls back to General: up to 15 significant digits, no floating-point noise.

use super::sheet::Kind;

/// The format code of a built-in number format id (ECMA-376 18.8.30). Ids 27-36 and 50-81 are
/// locale (East Asian) date formats: written as ISO dates like every date.
pub fn builtin(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "$#,##0_);($#,##0)",
        6 => "$#,##0_);[Red]($#,##0)",
        7 => "$#,##0.00_);($#,##0.00)",
        8 => "$#,##0.00_);[Red]($#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        27..=36 | 50..=58 => "yyyy-mm-dd",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

/// Serial days to a civil date: which epoch the workbook counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSystem {
    /// Serial 1 is 1900-01-01 (with Lotus's phantom 1900-02-29 as serial 60).
    From1900,
    /// Serial 0 is 1904-01-01 (old Mac workbooks, `date1904`).
    From1904,
}

/// Writes `value` as `code` displays it, with the kind of value it shows.
pub fn format(value: f64, code: &str, dates: DateSystem) -> (String, Kind) {
    if !value.is_finite() {
        return ("#NUM!".into(), Kind::Error);
    }
    let sections = split_sections(code);
    let Some((section, negative_shown)) = pick_section(&sections, value) else {
        return (general(value), Kind::Number);
    };
    let tokens = tokenize(section);
    if tokens.iter().any(Token::is_date) {
        return match date_time(value, &tokens, dates) {
            Some(text) => (text, Kind::Date),
            None => (general(value), Kind::Number),
        };
    }
    if tokens
        .iter()
        .all(|t| matches!(t, Token::General | Token::Literal(_)))
    {
        // General (possibly with literal text around it) or a literal-only section.
        let has_general = tokens.iter().any(|t| matches!(t, Token::General));
        let mut out = String::new();
        for t in &tokens {
            match t {
                Token::General => {
                    let v = if negative_shown { value.abs() } else { value };
                    out.push_str(&general(v));
                }
                Token::Literal(s) => out.push_str(s),
                _ => {}
            }
        }
        if !has_general && tokens.is_empty() {
            return (String::new(), Kind::Number);
        }
        return (out, Kind::Number);
    }
    let value = if negative_shown { value.abs() } else { value };
    (number(value, &tokens), Kind::Number)
}

/// General: integers as integers, other numbers to 15 significant digits (what Excel keeps),
/// shortest form, scientific only for very large or very small magnitudes.
pub fn general(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    let magnitude = rounded.abs();
    if (1e-9..1e15).contains(&magnitude) {
        let text = format!("{rounded}");
        return text;
    }
    // 1.23457E+20, as Excel writes it.
    let text = format!("{rounded:.5e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    let exponent: i32 = exponent.parse().unwrap_or(0);
    format!(
        "{mantissa}E{}{:02}",
        if exponent < 0 { '-' } else { '+' },
        exponent.abs()
    )
}

/// The code's sections, split at `;` outside quotes and brackets.
fn split_sections(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => {
                out.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&code[start..]);
    out
}

/// A condition in brackets: `[>=100]`.
fn condition(section: &str) -> Option<(String, f64)> {
    let start = section.find('[')?;
    let end = start + section[start..].find(']')?;
    let inside = &section[start + 1..end];
    let op_len = inside
        .chars()
        .take_while(|c| matches!(c, '<' | '>' | '='))
        .count();
    if op_len == 0 {
        return None;
    }
    let value = inside[op_len..].trim().parse().ok()?;
    Some((inside[..op_len].to_string(), value))
}

fn holds(op: &str, left: f64, right: f64) -> bool {
    match op {
        "<" => left < right,
        "<=" | "=<" => left <= right,
        ">" => left > right,
        ">=" | "=>" => left >= right,
        "=" => left == right,
        "<>" => left != right,
        _ => false,
    }
}

/// The section that formats `value`, and whether its sign is shown by the section itself (the
/// negative section of a two- or three-section code, which writes `(1,234)` or `-1,234` its way).
fn pick_section<'a>(sections: &[&'a str], value: f64) -> Option<(&'a str, bool)> {
    let first = *sections.first()?;
    if sections.len() == 1 {
        return Some((first, false));
    }
    let conditions: Vec<Option<(String, f64)>> = sections.iter().map(|s| condition(s)).collect();
    if conditions[0].is_some() {
        // Conditional sections: the first whose condition holds, else the last numeric one.
        for (i, c) in conditions.iter().enumerate().take(3) {
            if let Some((op, bound)) = c
                && holds(op, value, *bound)
            {
                return Some((sections[i], value < 0.0 && i > 0));
            }
        }
        let fallback = sections.len().min(3) - 1;
        return Some((sections[fallback], value < 0.0));
    }
    if value < 0.0 {
        return Some((sections[1], true));
    }
    if value == 0.0 && sections.len() >= 3 {
        return Some((sections[2], false));
    }
    Some((first, false))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    General,
    Literal(String),
    /// `0`, `#` or `?`.
    Digit(char),
    Point,
    Comma,
    Percent,
    /// `E+` or `E-`.
    Exponent(bool),
    /// `/` between digit placeholders (a fraction).
    Slash,
    Text,
    Date(DatePart),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatePart {
    Year,
    /// `m`/`mm`/`mmm`: a month or, next to hours or seconds, minutes.
    MonthOrMinute,
    Day,
    /// `ddd`/`dddd`: the weekday.
    Weekday,
    Hour,
    Second,
    /// Digits of fractional seconds after `s` (`ss.00`).
    Fraction(u8),
    AmPm,
    ElapsedHours,
    ElapsedMinutes,
    ElapsedSeconds,
}

impl Token {
    fn is_date(&self) -> bool {
        matches!(self, Token::Date(_))
    }
}

fn tokenize(section: &str) -> Vec<Token> {
    let chars: Vec<char> = section.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let lit = |out: &mut Vec<Token>, s: &str| {
        if let Some(Token::Literal(prev)) = out.last_mut() {
            prev.push_str(s);
        } else {
            out.push(Token::Literal(s.to_string()));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..]
            .iter()
            .take(7)
            .collect::<String>()
            .to_ascii_lowercase();
        match c {
            '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"')
                    .map_or(chars.len(), |p| i + 1 + p);
                let text: String = chars[i + 1..end].iter().collect();
                lit(&mut out, &text);
                i = end + 1;
                continue;
            }
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    lit(&mut out, &next.to_string());
                }
                i += 2;
                continue;
            }
            // Padding and fill: alignment in a cell, nothing in a table.
            '_' | '*' => {
                i += 2;
                continue;
            }
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map_or(chars.len(), |p| i + p);
                let inside: String = chars[i + 1..end.min(chars.len())].iter().collect();
                let lower = inside.to_ascii_lowercase();
                if let Some(currency) = inside.strip_prefix('$') {
                    // [$€-407]: the symbol before the locale id.
                    let symbol = currency.split('-').next().unwrap_or("");
                    lit(&mut out, symbol);
                } else if !lower.is_empty() && lower.chars().all(|c| c == 'h') {
                    out.push(Token::Date(DatePart::ElapsedHours));
                } else if !lower.is_empty() && lower.chars().all(|c| c == 'm') {
                    out.push(Token::Date(DatePart::ElapsedMinutes));
                } else if !lower.is_empty() && lower.chars().all(|c| c == 's') {
                    out.push(Token::Date(DatePart::ElapsedSeconds));
                }
                // Colours, conditions, [DBNum], locale ids: no text.
                i = end + 1;
                continue;
            }
            _ => {}
        }
        if rest.starts_with("general") {
            out.push(Token::General);
            i += 7;
            continue;
        }
        if rest.starts_with("am/pm") {
            out.push(Token::Date(DatePart::AmPm));
            i += 5;
            continue;
        }
        if rest.starts_with("a/p") {
            out.push(Token::Date(DatePart::AmPm));
            i += 3;
            continue;
        }
        let run = chars[i..]
            .iter()
            .take_while(|x| x.eq_ignore_ascii_case(&c))
            .count();
        match c.to_ascii_lowercase() {
            '0' | '#' | '?' => out.push(Token::Digit(c)),
            '.' => {
                // Fractional seconds: `ss.00`.
                let after_seconds = matches!(out.last(), Some(Token::Date(DatePart::Second)));
                let zeros = chars[i + 1..].iter().take_while(|&&x| x == '0').count();
                if after_seconds && zeros > 0 {
                    out.push(Token::Date(DatePart::Fraction(zeros.min(3) as u8)));
                    i += 1 + zeros;
                    continue;
                }
                out.push(Token::Point);
            }
            ',' => out.push(Token::Comma),
            '%' => out.push(Token::Percent),
            '@' => out.push(Token::Text),
            '/' => {
                let digit_before = matches!(out.last(), Some(Token::Digit(_)));
                let digit_after = chars
                    .get(i + 1)
                    .is_some_and(|x| matches!(x, '0' | '#' | '?' | '1'..='9'));
                if digit_before && digit_after {
                    out.push(Token::Slash);
                } else {
                    lit(&mut out, "/");
                }
            }
            'e' if matches!(chars.get(i + 1), Some('+') | Some('-')) => {
                out.push(Token::Exponent(chars[i + 1] == '+'));
                i += 2;
                continue;
            }
            'y' | 'e' => {
                out.push(Token::Date(DatePart::Year));
                i += run;
                continue;
            }
            'm' => {
                out.push(Token::Date(DatePart::MonthOrMinute));
                i += run;
                continue;
            }
            'd' => {
                out.push(Token::Date(if run >= 3 {
                    DatePart::Weekday
                } else {
                    DatePart::Day
                }));
                i += run;
                continue;
            }
            'h' => {
                out.push(Token::Date(DatePart::Hour));
                i += run;
                continue;
            }
            's' => {
                out.push(Token::Date(DatePart::Second));
                i += run;
                continue;
            }
            // Fixed denominators after a slash (`# ?/8`).
            '1'..='9' if matches!(out.last(), Some(Token::Slash)) => {
                let digits: String = chars[i..]
                    .iter()
                    .take_while(|x| x.is_ascii_digit())
                    .collect();
                i += digits.len();
                out.push(Token::Literal(format!("/{digits}")));
                continue;
            }
            _ => lit(&mut out, &c.to_string()),
        }
        i += 1;
    }
    out
}

/// A number laid out by digit placeholders: prefix and suffix text, grouping, decimals,
/// percent, scaling, scientific notation, fractions.
fn number(value: f64, tokens: &[Token]) -> String {
    let percent = tokens.iter().filter(|t| **t == Token::Percent).count() as i32;
    let first_digit = tokens.iter().position(|t| matches!(t, Token::Digit(_)));
    let mut last_digit = tokens.iter().rposition(|t| matches!(t, Token::Digit(_)));
    // A fixed denominator (`?/8`) belongs to the number.
    if let Some(slash) = tokens.iter().position(|t| *t == Token::Slash)
        && let Some(Token::Literal(d)) = tokens.get(slash + 1)
        && d.starts_with('/')
    {
        last_digit = Some(last_digit.unwrap_or(0).max(slash + 1));
    }
    let (Some(first), Some(last)) = (first_digit, last_digit) else {
        // Literal text and percent signs only.
        return tokens
            .iter()
            .map(|t| match t {
                Token::Literal(s) => s.clone(),
                Token::Percent => "%".into(),
                Token::Text => general(value),
                _ => String::new(),
            })
            .collect();
    };
    let prefix: String = tokens[..first].iter().map(literal_text).collect();
    let suffix: String = tokens[last + 1..].iter().map(literal_text).collect();
    let body = &tokens[first..=last];
    let mut value = value * 100f64.powi(percent);
    // Commas right after the last digit placeholder (before the point or the end) scale by 1,000.
    let point = body.iter().position(|t| *t == Token::Point);
    let int_end = point.unwrap_or(body.len());
    let trailing_commas = tokens[last + 1..]
        .iter()
        .take_while(|t| **t == Token::Comma)
        .count()
        + if point.is_some() {
            body[..int_end]
                .iter()
                .rev()
                .take_while(|t| **t == Token::Comma)
                .count()
        } else {
            0
        };
    value /= 1000f64.powi(trailing_commas as i32);
    if let Some(slash) = body.iter().position(|t| *t == Token::Slash) {
        return format!("{prefix}{}{suffix}", fraction(value, body, slash));
    }
    if let Some(e) = body.iter().position(|t| matches!(t, Token::Exponent(_))) {
        return format!("{prefix}{}{suffix}", scientific(value, body, e));
    }
    let int_tokens = &body[..int_end];
    let frac_tokens: Vec<char> = body[int_end..]
        .iter()
        .filter_map(|t| match t {
            Token::Digit(d) => Some(*d),
            _ => None,
        })
        .collect();
    let grouping = int_tokens.windows(2).any(|w| {
        w[0] == Token::Comma && matches!(w[1], Token::Digit(_))
            || matches!(w[0], Token::Digit(_)) && w[1] == Token::Comma
    }) && int_tokens.iter().rposition(|t| *t == Token::Comma)
        < int_tokens
            .iter()
            .rposition(|t| matches!(t, Token::Digit(_)));
    let negative = value < 0.0;
    let (int_part, frac_part) = fixed(value.abs(), frac_tokens.len());
    let min_int = int_tokens
        .iter()
        .filter(|t| **t == Token::Digit('0'))
        .count();
    let mut int_digits = int_part.trim_start_matches('0').to_string();
    while int_digits.len() < min_int {
        int_digits.insert(0, '0');
    }
    if grouping {
        int_digits = group(&int_digits);
    }
    // Literal text between integer placeholders (`000-0000`): fill the digits into the pattern.
    let inner: Vec<&Token> = int_tokens
        .iter()
        .filter(|t| !matches!(t, Token::Comma))
        .collect();
    if !grouping && inner.iter().any(|t| matches!(t, Token::Literal(_))) {
        int_digits = fill_pattern(int_part.trim_start_matches('0'), &inner);
    }
    let mut frac = String::new();
    let digits: Vec<char> = frac_part.chars().collect();
    // Optional decimals (`#`, `?`) drop their trailing zeros; required ones (`0`) stay.
    let required = frac_tokens
        .iter()
        .rposition(|d| *d == '0')
        .map_or(0, |p| p + 1);
    let mut keep = digits.len();
    while keep > required && digits[keep - 1] == '0' {
        keep -= 1;
    }
    frac.extend(&digits[..keep]);
    let point_text = if point.is_some() && (!frac.is_empty() || required > 0) {
        "."
    } else {
        ""
    };
    let int_shown = if int_digits.is_empty() && frac.is_empty() {
        "0".to_string()
    } else {
        int_digits
    };
    let sign = if negative
        && (int_shown.chars().any(|c| c.is_ascii_digit() && c != '0')
            || frac.chars().any(|c| c != '0'))
    {
        "-"
    } else {
        ""
    };
    format!("{sign}{prefix}{int_shown}{point_text}{frac}{suffix}")
}

fn literal_text(t: &Token) -> String {
    match t {
        Token::Literal(s) => s.clone(),
        Token::Percent => "%".into(),
        _ => String::new(),
    }
}

/// `value` (not negative) rounded half away from zero to `decimals`, as (integer digits, decimal
/// digits). The value is first taken to 15 significant digits, as Excel keeps it, so that 1.005
/// rounds to 1.01 and not to the 1.00 its binary neighbour would give.
fn fixed(value: f64, decimals: usize) -> (String, String) {
    let decimals = decimals.min(30);
    let sci = format!("{:.14e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // digits[0] is the 10^exponent place. Build the digits from 10^max(exponent, 0) down to
    // 10^-(decimals+1).
    let top = exponent.max(0);
    let mut places: Vec<u8> = Vec::new();
    let mut p = top;
    while p >= -(decimals as i64) - 1 {
        let index = exponent - p;
        places.push(if index >= 0 && (index as usize) < digits.len() {
            digits[index as usize]
        } else {
            0
        });
        p -= 1;
    }
    let round_up = places.pop().is_some_and(|d| d >= 5);
    if round_up {
        let mut i = places.len();
        loop {
            if i == 0 {
                places.insert(0, 1);
                break;
            }
            i -= 1;
            if places[i] == 9 {
                places[i] = 0;
            } else {
                places[i] += 1;
                break;
            }
        }
    }
    let split = places.len() - decimals;
    let int: String = places[..split]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let frac: String = places[split..]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let int = int.trim_start_matches('0');
    (
        if int.is_empty() {
            "0".into()
        } else {
            int.into()
        },
        frac,
    )
}

fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Digits filled from the right into a pattern of placeholders and literals (`000-0000`).
fn fill_pattern(digits: &str, pattern: &[&Token]) -> String {
    let mut digits: Vec<char> = digits.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let leftmost = pattern.iter().position(|t| matches!(t, Token::Digit(_)));
    for (i, t) in pattern.iter().enumerate().rev() {
        match t {
            Token::Digit(kind) => {
                if Some(i) == leftmost {
                    let rest: String = digits.drain(..).collect();
                    out.push(if rest.is_empty() && *kind == '0' {
                        "0".into()
                    } else {
                        rest
                    });
                } else if let Some(d) = digits.pop() {
                    out.push(d.to_string());
                } else if *kind == '0' {
                    out.push("0".into());
                }
            }
            Token::Literal(s) => out.push(s.clone()),
            _ => {}
        }
    }
    out.reverse();
    out.concat()
}

/// `0.00E+00`: a mantissa with the placeholders' decimals and an exponent with its digits.
fn scientific(value: f64, body: &[Token], e: usize) -> String {
    let mantissa_tokens = &body[..e];
    let point = mantissa_tokens.iter().position(|t| *t == Token::Point);
    let int_places = mantissa_tokens[..point.unwrap_or(mantissa_tokens.len())]
        .iter()
        .filter(|t| matches!(t, Token::Digit(_)))
        .count()
        .max(1);
    let decimals = point.map_or(0, |p| {
        mantissa_tokens[p..]
            .iter()
            .filter(|t| matches!(t, Token::Digit(_)))
            .count()
    });
    let exp_digits = body[e + 1..]
        .iter()
        .filter(|t| matches!(t, Token::Digit(_)))
        .count()
        .max(1);
    let plus = matches!(body[e], Token::Exponent(true));
    if value == 0.0 {
        return format!(
            "{:.*}E{}{}",
            decimals,
            0.0,
            if plus { "+" } else { "" },
            "0".repeat(exp_digits)
        );
    }
    // Engineering notation (`##0.0E+0`): exponents in steps of the integer places.
    let mut exponent = value.abs().log10().floor() as i32;
    if int_places > 1 {
        exponent -= exponent.rem_euclid(int_places as i32);
    }
    let mut mantissa = value / 10f64.powi(exponent);
    let rounded: f64 = format!("{:.*}", decimals, mantissa)
        .parse()
        .unwrap_or(mantissa);
    if rounded.abs() >= 10f64.powi(int_places as i32) {
        exponent += int_places as i32;
        mantissa = value / 10f64.powi(exponent);
    }
    let sign = if exponent < 0 {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    };
    format!(
        "{:.*}E{sign}{:0width$}",
        decimals,
        mantissa,
        exponent.abs(),
        width = exp_digits
    )
}

/// `# ?/?`: an integer part (when the format has one) and the closest fraction whose
/// denominator has at most as many digits as the placeholders after the slash (or the fixed
/// denominator written there).
fn fraction(value: f64, body: &[Token], slash: usize) -> String {
    let negative = value < 0.0;
    let value = value.abs();
    // A space (literal) between placeholders separates the integer part: `# ?/?`.
    let has_int = body[..slash]
        .iter()
        .any(|t| matches!(t, Token::Literal(s) if s.trim().is_empty() && !s.is_empty()));
    let fixed_den: Option<u64> = body[slash + 1..].iter().find_map(|t| match t {
        Token::Literal(s) => s.strip_prefix('/').and_then(|d| d.parse().ok()),
        _ => None,
    });
    let den_places = body[slash + 1..]
        .iter()
        .filter(|t| matches!(t, Token::Digit(_)))
        .count()
        .clamp(1, 4);
    let (whole, rest) = if has_int {
        (value.trunc(), value.fract())
    } else {
        (0.0, value)
    };
    let (num, den) = match fixed_den {
        Some(d) if d > 0 => ((rest * d as f64).round() as u64, d),
        _ => closest_fraction(rest, 10u64.pow(den_places as u32) - 1),
    };
    let (whole, num) = if den > 0 && num >= den && has_int {
        (whole + (num / den) as f64, num % den)
    } else {
        (whole, num)
    };
    let sign = if negative { "-" } else { "" };
    match (has_int, num) {
        (true, 0) => format!("{sign}{}", whole as u64),
        (true, _) if whole == 0.0 => format!("{sign}{num}/{den}"),
        (true, _) => format!("{sign}{} {num}/{den}", whole as u64),
        (false, _) => format!("{sign}{num}/{den}"),
    }
}

/// The fraction closest to `x` (0 <= x) with a denominator of at most `max_den` (Stern-Brocot
/// by continued fractions).
fn closest_fraction(x: f64, max_den: u64) -> (u64, u64) {
    let (mut p0, mut q0, mut p1, mut q1) = (0u64, 1u64, 1u64, 0u64);
    let mut v = x;
    for _ in 0..64 {
        let a = v.floor();
        if a > 1e12 {
            break;
        }
        let a = a as u64;
        let q2 = a.saturating_mul(q1).saturating_add(q0);
        if q2 > max_den {
            break;
        }
        let p2 = a.saturating_mul(p1).saturating_add(p0);
        (p0, q0, p1, q1) = (p1, q1, p2, q2);
        let f = v - a as f64;
        if f < 1e-12 {
            break;
        }
        v = 1.0 / f;
    }
    if q1 == 0 {
        (x.round() as u64, 1)
    } else {
        (p1, q1)
    }
}

/// A date, time or both in ISO 8601, with the parts the format shows; elapsed times as shown.
fn date_time(value: f64, tokens: &[Token], dates: DateSystem) -> Option<String> {
    let parts: Vec<DatePart> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Date(p) => Some(*p),
            _ => None,
        })
        .collect();
    let has = |p: DatePart| parts.contains(&p);
    let fraction_digits = parts.iter().find_map(|p| match p {
        DatePart::Fraction(n) => Some(*n as usize),
        _ => None,
    });
    // `m` is minutes right after an hour or right before a second, a month otherwise.
    let mut minute = false;
    let mut month = false;
    for (i, p) in parts.iter().enumerate() {
        if *p != DatePart::MonthOrMinute {
            continue;
        }
        let after_hour = i > 0
            && matches!(
                parts[i - 1],
                DatePart::Hour | DatePart::ElapsedHours | DatePart::ElapsedMinutes
            );
        let before_second = matches!(
            parts.get(i + 1),
            Some(DatePart::Second) | Some(DatePart::ElapsedSeconds)
        );
        if after_hour || before_second {
            minute = true;
        } else {
            month = true;
        }
    }
    let elapsed = has(DatePart::ElapsedHours)
        || has(DatePart::ElapsedMinutes)
        || has(DatePart::ElapsedSeconds);
    let scale = 10u64.pow(fraction_digits.unwrap_or(0) as u32);
    if elapsed {
        // Durations: [h]:mm:ss counts hours beyond a day.
        let negative = value < 0.0;
        let units = (value.abs() * 86_400.0 * scale as f64).round() as u64;
        let (whole, frac) = (units / scale, units % scale);
        let (h, m, s) = (whole / 3600, (whole / 60) % 60, whole % 60);
        let mut out = String::from(if negative { "-" } else { "" });
        if has(DatePart::ElapsedHours) {
            out.push_str(&h.to_string());
            if minute {
                out.push_str(&format!(":{m:02}"));
            }
            if has(DatePart::Second) {
                out.push_str(&format!(":{s:02}"));
            }
        } else if has(DatePart::ElapsedMinutes) {
            out.push_str(&(whole / 60).to_string());
            if has(DatePart::Second) {
                out.push_str(&format!(":{s:02}"));
            }
        } else {
            out.push_str(&whole.to_string());
        }
        if let Some(n) = fraction_digits {
            out.push_str(&format!(".{frac:0n$}"));
        }
        return Some(out);
    }
    if value < 0.0 {
        return None; // Excel shows ##### for negative dates
    }
    // Round to the shown precision first: 23:59:59.9 shown without fractions is the next day.
    let units = (value * 86_400.0 * scale as f64).round() as u64;
    let per_day = 86_400 * scale;
    let (days, in_day) = (units / per_day, units % per_day);
    let (whole, frac) = (in_day / scale, in_day % scale);
    let (h, m, s) = (whole / 3600, (whole / 60) % 60, whole % 60);
    let show_date = has(DatePart::Year) || month || has(DatePart::Day) || has(DatePart::Weekday);
    let show_time = has(DatePart::Hour) || minute || has(DatePart::Second);
    let mut out = String::new();
    if show_date {
        let (y, mo, d) = civil_date(days as i64, dates)?;
        if has(DatePart::Day) || has(DatePart::Weekday) || (month && !has(DatePart::Year)) {
            out.push_str(&format!("{y:04}-{mo:02}-{d:02}"));
        } else if month {
            out.push_str(&format!("{y:04}-{mo:02}"));
        } else {
            out.push_str(&format!("{y:04}"));
        }
    }
    if show_time {
        if !out.is_empty() {
            out.push(' ');
        }
        if has(DatePart::Hour) {
            out.push_str(&format!("{h:02}:{m:02}"));
            if has(DatePart::Second) {
                out.push_str(&format!(":{s:02}"));
            }
        } else {
            // mm:ss
            out.push_str(&format!("{:02}:{s:02}", (whole / 60) % 60));
        }
        if let Some(n) = fraction_digits
            && has(DatePart::Second)
        {
            out.push_str(&format!(".{frac:0n$}"));
        }
    }
    Some(out)
}

/// The civil date of a serial day number.
pub fn civil_date(serial: i64, dates: DateSystem) -> Option<(i64, u32, u32)> {
    // Days since 1970-01-01 of the serial.
    let unix_days = match dates {
        DateSystem::From1904 => serial - 24_107,
        DateSystem::From1900 => {
            if serial == 60 {
                return Some((1900, 2, 29)); // the day Lotus 1-2-3 believed in
            }
            if serial == 0 {
                return Some((1900, 1, 0)); // what Excel shows for 0 as a date
            }
            if serial < 60 {
                serial - 25_568
            } else {
                serial - 25_569
            }
        }
    };
    if !(-1_000_000..=3_000_000).contains(&unix_days) {
        return None;
    }
    // Howard Hinnant's civil_from_days.
    let z = unix_days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Some((if m <= 2 { y + 1 } else { y }, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(value: f64, code: &str) -> String {
        format(value, code, DateSystem::From1900).0
    }

    #[test]
    fn general_has_no_noise() {
        assert_eq!(general(7.000_000_000_000_001), "7");
        assert_eq!(general(12.0), "12");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(-1234.5), "-1234.5");
        assert_eq!(general(1.5e20), "1.5E+20");
        assert_eq!(general(1e-12), "1E-12");
        assert_eq!(f(3.25, "General"), "3.25");
    }

    #[test]
    fn decimals_thousands_percent() {
        assert_eq!(f(1234.5, "#,##0.00"), "1,234.50");
        assert_eq!(f(1234.5, "0"), "1235");
        assert_eq!(f(0.125, "0.0%"), "12.5%");
        assert_eq!(f(0.125, "0%"), "13%");
        assert_eq!(f(-1234.5, "#,##0.00"), "-1,234.50");
        assert_eq!(f(1234567.0, "#,##0,"), "1,235");
        assert_eq!(f(0.5, "#.##"), ".5");
        assert_eq!(f(2.0, "0.0#"), "2.0");
        assert_eq!(f(0.0, "#,##0"), "0");
        assert_eq!(f(1.005, "0.00"), "1.01");
        assert_eq!(f(999.996, "#,##0.00"), "1,000.00");
        assert_eq!(f(0.00004, "0.0000"), "0.0000");
    }

    #[test]
    fn sections_currency_and_literals() {
        assert_eq!(f(-1234.0, "#,##0 ;(#,##0)"), "(1,234)");
        assert_eq!(f(1234.0, "#,##0 ;(#,##0)"), "1,234 ");
        assert_eq!(f(1234.5, "$#,##0.00_);($#,##0.00)"), "$1,234.50");
        assert_eq!(f(-5.0, "$#,##0.00_);[Red]($#,##0.00)"), "($5.00)");
        assert_eq!(f(9.99, "#,##0.00 [$€-407]"), "9.99 €");
        assert_eq!(f(3.0, "0.0\" kg\""), "3.0 kg");
        assert_eq!(f(0.0, "0;-0;\"zero\""), "zero");
        assert_eq!(f(150.0, "[>100]\"big\";\"small\""), "big");
        assert_eq!(f(5551234.0, "000-0000"), "555-1234");
    }

    #[test]
    fn scientific_and_fractions() {
        assert_eq!(f(12345.0, "0.00E+00"), "1.23E+04");
        assert_eq!(f(0.00012, "0.00E+00"), "1.20E-04");
        assert_eq!(f(1.5, "# ?/?"), "1 1/2");
        assert_eq!(f(0.333, "# ??/??"), "1/3");
        assert_eq!(f(2.0, "# ?/?"), "2");
        assert_eq!(f(0.75, "?/8"), "6/8");
    }

    #[test]
    fn dates_are_iso() {
        // 45366 is 2024-03-15.
        assert_eq!(f(45366.0, "mm-dd-yy"), "2024-03-15");
        assert_eq!(f(45366.0, "d-mmm-yy"), "2024-03-15");
        assert_eq!(f(45366.0, "mmm-yy"), "2024-03");
        assert_eq!(f(45366.604166666664, "m/d/yy h:mm"), "2024-03-15 14:30");
        assert_eq!(f(0.604224537, "h:mm:ss AM/PM"), "14:30:05");
        assert_eq!(f(1.1041666666666667, "[h]:mm:ss"), "26:30:00");
        assert_eq!(f(0.0005, "mm:ss.0"), "00:43.2");
        assert_eq!(f(60.0, "yyyy-mm-dd"), "1900-02-29");
        assert_eq!(f(61.0, "yyyy-mm-dd"), "1900-03-01");
        assert_eq!(f(1.0, "yyyy-mm-dd"), "1900-01-01");
        assert_eq!(
            format(0.0, "yyyy-mm-dd", DateSystem::From1904).0,
            "1904-01-01"
        );
        assert_eq!(f(45366.99999, "yyyy-mm-dd hh:mm"), "2024-03-15 23:59");
        assert_eq!(f(45366.999999, "yyyy-mm-dd hh:mm"), "2024-03-16 00:00");
    }

    #[test]
    fn unknown_codes_do_not_break() {
        for code in [
            "",
            "[",
            "\"",
            "0.0.0",
            "E+",
            "?/",
            "[$",
            ";;;",
            "#,##0.00;;;@",
        ] {
            let _ = f(1.5, code);
            let _ = f(-1.5, code);
        }
        assert_eq!(f(1.5, ";;;"), "");
    }
}
