//! Dates and times from serial day numbers, in ISO 8601 with the parts a format code shows;
//! elapsed times as shown.

use super::{DatePart, DateSystem, Token};

/// A date, time or both in ISO 8601, with the parts the format shows; elapsed times as shown.
pub(super) fn date_time(value: f64, tokens: &[Token], dates: DateSystem) -> Option<String> {
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
fn civil_date(serial: i64, dates: DateSystem) -> Option<(i64, u32, u32)> {
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
