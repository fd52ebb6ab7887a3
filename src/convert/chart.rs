//! DrawingML charts (`c:chartSpace` parts of PPTX, XLSX and DOCX packages): the chart's title
//! and the series values the file caches, as a small table.
//!
//! Office stores, next to every chart, the last values it drew (`c:strCache`, `c:numCache`), so
//! the numbers behind a chart are readable without the workbook it came from. Each series is a
//! column, each category a row. Values are written with the cache's number format; points that
//! are not numbers (`#N/A`) stay as they are written.

use super::numfmt::{self, DateSystem};
use super::xml::Element;
use crate::markdown::{Block, Grid, Inline};

/// Points read per series (a chart of a whole sheet column can cache a million).
const MAX_POINTS: usize = 10_000;

/// A chart as its part caches it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    pub title: Option<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: Option<String>,
    /// Category labels (or x values), by point index.
    pub categories: Vec<(u32, String)>,
    /// Values (or y values), by point index.
    pub values: Vec<(u32, String)>,
}

/// Reads a chart part's root element (`chartSpace`).
pub fn read(root: &Element) -> Chart {
    let mut chart = Chart::default();
    let Some(c) = root.child("chart") else {
        return chart;
    };
    let auto_deleted = c
        .child("autoTitleDeleted")
        .and_then(|e| e.attr("val"))
        .is_some_and(|v| v == "1" || v == "true");
    if let Some(title) = c.child("title") {
        let text = rich_or_cached_text(title);
        if !text.is_empty() {
            chart.title = Some(text);
        }
    }
    let Some(plot) = c.child("plotArea") else {
        return chart;
    };
    for kind in plot.elements().filter(|e| e.name.ends_with("Chart")) {
        for ser in kind.children_named("ser") {
            let name = ser
                .child("tx")
                .map(rich_or_cached_text)
                .filter(|t| !t.is_empty());
            let categories = ser
                .child("cat")
                .or_else(|| ser.child("xVal"))
                .map(points)
                .unwrap_or_default();
            let values = ser
                .child("val")
                .or_else(|| ser.child("yVal"))
                .map(points)
                .unwrap_or_default();
            chart.series.push(Series {
                name,
                categories,
                values,
            });
        }
    }
    // A single-series chart without a title shows its series name as the title.
    if chart.title.is_none() && !auto_deleted && chart.series.len() == 1 {
        chart.title = chart.series[0].name.clone();
    }
    chart
}

/// The text of a title or series name: rich text runs, else the cached string.
fn rich_or_cached_text(e: &Element) -> String {
    let mut texts = Vec::new();
    e.find_all("t", &mut texts);
    let rich: String = texts.iter().map(|t| t.text()).collect();
    if !rich.trim().is_empty() {
        return rich.trim().to_string();
    }
    let mut values = Vec::new();
    e.find_all("v", &mut values);
    values
        .iter()
        .map(|v| v.text())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// The cached points of a data reference, numbers written with the cache's format.
fn points(data: &Element) -> Vec<(u32, String)> {
    let mut caches = Vec::new();
    for name in [
        "strCache",
        "numCache",
        "strLit",
        "numLit",
        "multiLvlStrCache",
    ] {
        data.find_all(name, &mut caches);
    }
    let Some(cache) = caches.first() else {
        return Vec::new();
    };
    let code = cache
        .child("formatCode")
        .map(|f| f.text())
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "General".to_string());
    let numeric = cache.name.starts_with("num");
    let mut out = Vec::new();
    // A multi-level category cache holds levels; the first level is the innermost label.
    let holder = cache.child("lvl").unwrap_or(cache);
    for pt in holder.children_named("pt").take(MAX_POINTS) {
        let idx = pt.attr("idx").and_then(|i| i.parse().ok()).unwrap_or(0);
        let raw = pt.child("v").map(|v| v.text()).unwrap_or_default();
        let code = pt.attr("formatCode").unwrap_or(&code);
        let text = match raw.trim().parse::<f64>() {
            Ok(v) if numeric => numfmt::format(v, code, DateSystem::From1900).0,
            _ => raw.trim().to_string(),
        };
        out.push((idx, text));
    }
    out
}

/// The chart as blocks: a line naming it, then a table of its series (none when it caches no
/// values).
pub fn blocks(chart: &Chart) -> Vec<Block> {
    let mut out = vec![Block::Paragraph(vec![Inline::Text(match &chart.title {
        Some(t) => format!("Chart: {t}"),
        None => "Chart".to_string(),
    })])];
    if chart.series.iter().all(|s| s.values.is_empty()) {
        return out;
    }
    // The category axis: the union of point indexes, labelled by the first series that has them.
    let mut indexes: Vec<u32> = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().map(|(i, _)| *i))
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    let label = |i: u32| {
        chart
            .series
            .iter()
            .find_map(|s| s.categories.iter().find(|(j, _)| *j == i).map(|(_, t)| t))
            .cloned()
            .unwrap_or_else(|| (i + 1).to_string())
    };
    let mut header = vec![String::new()];
    header.extend(chart.series.iter().enumerate().map(|(n, s)| {
        s.name
            .clone()
            .unwrap_or_else(|| format!("Series {}", n + 1))
    }));
    let mut rows = vec![header];
    for i in indexes {
        let mut row = vec![label(i)];
        for s in &chart.series {
            row.push(
                s.values
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    out.push(Block::Grid(Grid { rows, header: true }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_becomes_a_table_of_its_cached_values() {
        let root = crate::convert::xml::parse(
            br#"<c:chartSpace><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Sales</a:t></a:r></a:p></c:rich></c:tx></c:title>
            <c:plotArea><c:barChart>
              <c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>2023</c:v></c:pt></c:strCache></c:strRef></c:tx>
                <c:cat><c:strRef><c:strCache><c:pt idx="0"><c:v>North</c:v></c:pt><c:pt idx="1"><c:v>South</c:v></c:pt></c:strCache></c:strRef></c:cat>
                <c:val><c:numRef><c:numCache><c:formatCode>0.0</c:formatCode><c:pt idx="0"><c:v>12</c:v></c:pt><c:pt idx="1"><c:v>#N/A</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser>
            </c:barChart></c:plotArea></c:chart></c:chartSpace>"#,
        )
        .unwrap();
        let chart = read(&root);
        assert_eq!(
            crate::markdown::render(&blocks(&chart)),
            "Chart: Sales\n\n|       | 2023 |\n| ----- | ---- |\n| North | 12.0 |\n| South | #N/A |\n"
        );
    }
}
