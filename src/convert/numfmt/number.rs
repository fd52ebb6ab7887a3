//! Numbers laid out by a format code's digit placeholders: decimals, grouping, percent, scaling,
//! scientific notation and fractions.

use super::{Token, general};

/// A number laid out by digit placeholders: prefix and suffix text, grouping, decimals,
/// percent, scaling, scientific notation, fractions.
pub(super) fn number(value: f64, tokens: &[Token]) -> String {
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
