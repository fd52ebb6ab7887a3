//! Tesseract's TSV output: one row per page, block, paragraph, line and word, with boxes in
//! pixels and a confidence per word.

/// One recognised word, with the box of its line (in pixels of the image it was read from).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// 1-based page of a multi-page image.
    pub page: u32,
    pub block: u32,
    pub paragraph: u32,
    pub line: u32,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// The line's box: its height sizes the text, its bottom is near the baseline.
    pub line_top: u32,
    pub line_height: u32,
    /// 0-100.
    pub confidence: f32,
    pub text: String,
}

/// Words of a TSV answer in reading order (Tesseract's), empty words dropped.
pub fn parse(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut line_box = (0u32, 0u32);
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        match cols[0] {
            "4" => line_box = (num(7), num(9)),
            "5" => {
                let text = cols.get(11).map_or("", |t| t.trim());
                if text.is_empty() {
                    continue;
                }
                let confidence = cols[10].trim().parse::<f32>().unwrap_or(-1.0);
                if confidence < 0.0 {
                    continue;
                }
                words.push(Word {
                    page: num(1).max(1),
                    block: num(2),
                    paragraph: num(3),
                    line: num(4),
                    left: num(6),
                    top: num(7),
                    width: num(8),
                    height: num(9),
                    line_top: line_box.0,
                    line_height: line_box.1.max(num(9)),
                    confidence,
                    text: text.to_string(),
                });
            }
            _ => {}
        }
    }
    words
}

/// The mean confidence of the words, weighted by their length (0 for none).
pub fn mean_confidence(words: &[Word]) -> f32 {
    let (sum, n) = words.iter().fold((0.0f64, 0usize), |(s, n), w| {
        let len = w.text.chars().count();
        (s + w.confidence as f64 * len as f64, n + len)
    });
    if n == 0 { 0.0 } else { (sum / n as f64) as f32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_their_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n\
            4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t22\t120\t36\t96.5\tHello\n\
            5\t1\t1\t1\t1\t2\t140\t24\t100\t30\t91\tworld\n\
            5\t1\t1\t1\t1\t3\t250\t24\t10\t30\t95\t \n";
        let words = parse(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "Hello");
        assert_eq!(
            (words[1].left, words[1].line_top, words[1].line_height),
            (140, 20, 40)
        );
        assert!((mean_confidence(&words) - 93.75).abs() < 0.01);
        assert!(parse("").is_empty());
        assert!(parse("garbage\nx\ty").is_empty());
    }
}
