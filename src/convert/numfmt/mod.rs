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
//!
//! Here: the sections, their conditions and the tokens of a code; `number.rs` lays a number out
//! by its digit placeholders, `date.rs` writes dates and times.

use super::sheet::Kind;

mod date;
mod number;

use date::date_time;
use number::number;

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
