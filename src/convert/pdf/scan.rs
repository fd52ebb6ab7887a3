//! Scanned pages: which pages need OCR (little text, an image over much of the page), their
//! rendering into gray images with hayro, and the words Tesseract reads turned back into
//! [`Glyph`]s, so that recognised pages go through the same layout as born-digital ones
//! (paragraphs, headings by size, lists, reading order).

use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, SoftMask, font::GlyphRun, interpret_page,
};
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::{BezPath, Rect};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

use super::layout::{Glyph, Page};
use crate::ocr::{Gray, Word};

/// A page with fewer visible characters than this has no real text layer.
pub(super) const NEARLY_EMPTY: usize = 20;
/// The share of the page images must cover for a page without text to be recognised: on such a
/// page an image is the only place text can be (a scan, a slide's picture of a text), and one
/// a tenth of the page is large enough to hold legible lines.
pub(super) const SCAN_COVERAGE: f64 = 0.1;
/// Rendered pages are capped at this many pixels (a poster at 300 dpi would be gigabytes);
/// larger pages are rendered at a lower resolution.
pub(super) const MAX_PIXELS: f64 = 50_000_000.0;

/// The PDF as hayro reads it (None when it cannot: then no page can be rendered).
pub(super) fn open(bytes: &[u8]) -> Option<Pdf> {
    std::panic::catch_unwind(|| Pdf::new(bytes.to_vec()).ok())
        .ok()
        .flatten()
}

/// What images draw on a page: the share of the page they cover (0..1), and the resolution of
/// the largest one (its pixels per inch on the page): a scan's own resolution.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PageImages {
    pub(super) coverage: f64,
    pub(super) dpi: Option<f64>,
}

/// What images draw on each page.
pub(super) fn page_images(pdf: &Pdf) -> Vec<PageImages> {
    let cache = InterpreterCache::new();
    pdf.pages()
        .iter()
        .map(|page| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let (w, h) = page.render_dimensions();
                let target = Rect::new(0.0, 0.0, w as f64, h as f64);
                let transform = page.initial_transform(true).to_kurbo();
                let mut ctx = Context::new(
                    transform,
                    target,
                    &cache,
                    page.xref(),
                    InterpreterSettings::default(),
                );
                let mut device = Coverage {
                    page: target,
                    area: 0.0,
                    largest: (0.0, None),
                };
                interpret_page(page, &mut ctx, &mut device);
                let page_area = target.area().max(1.0);
                PageImages {
                    coverage: (device.area / page_area).min(1.0),
                    dpi: device.largest.1,
                }
            }))
            .unwrap_or_default()
        })
        .collect()
}

/// A device that only adds up the page area images are drawn on.
struct Coverage {
    page: Rect,
    area: f64,
    /// The largest image's area on the page and resolution.
    largest: (f64, Option<f64>),
}

impl<'a> Device<'a> for Coverage {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, _: &GlyphRun<'_, 'a>, _: DrawProps<'a>, _: &DrawMode) {}
    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        // The transform maps the image's pixels (one unit each) onto the page.
        let (w, h) = (image.width() as f64, image.height() as f64);
        let placed = props
            .transform
            .transform_rect_bbox(Rect::new(0.0, 0.0, w, h));
        let bbox = placed.intersect(self.page);
        if bbox.width() > 0.0 && bbox.height() > 0.0 {
            self.area += bbox.area();
            if bbox.area() > self.largest.0 {
                // Pixels per inch along the longer side (points are 1/72 inch).
                let (pixels, points) = if placed.width() >= placed.height() {
                    (w.max(h), placed.width())
                } else {
                    (w.max(h), placed.height())
                };
                let dpi = (points > 0.0).then(|| pixels / (points / 72.0));
                self.largest = (bbox.area(), dpi);
            }
        }
    }
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// The resolution to render a scanned page at: its image's own, but at least [`MIN_SCAN_DPI`]
/// and at most `dpi` (`--ocr-dpi`). Upsampling a scan adds no detail, and smoothed it blurs
/// clean strokes (on clean 150 dpi scans Tesseract read 0.978 of the words at 150 dpi, 0.975 at
/// 200, 0.969 at 300); but a noisy low-resolution scan needs some (a 150 dpi camera scan lost a
/// seventh of its words at 150 dpi, none at 200). Pages without an image of known resolution
/// (text drawn as shapes, `--ocr force`) are rendered at `dpi`.
pub(super) fn scan_dpi(images: Option<&PageImages>, dpi: u32) -> u32 {
    match images.and_then(|i| i.dpi) {
        Some(native) => (native.round() as u32).clamp(MIN_SCAN_DPI.min(dpi), dpi),
        None => dpi,
    }
}

/// Scans of lower resolution are rendered up to this.
pub(super) const MIN_SCAN_DPI: u32 = 200;

/// Page `index` (0-based) rendered in gray at `dpi` (lower if the page would exceed
/// [`MAX_PIXELS`]), and the dpi used. None when hayro cannot render it.
pub(super) fn render(pdf: &Pdf, index: usize, dpi: u32) -> Option<(Gray, f64)> {
    let page = pdf.pages().get(index)?;
    let (w, h) = page.render_dimensions();
    let mut scale = dpi as f64 / 72.0;
    let pixels = w as f64 * h as f64 * scale * scale;
    if pixels > MAX_PIXELS {
        scale *= (MAX_PIXELS / pixels).sqrt();
    }
    // Pixmaps are addressed in u16.
    scale = scale.min(65_000.0 / w.max(h).max(1.0) as f64);
    let pixmap = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let cache = RenderCache::new();
        hayro::render(
            page,
            &cache,
            &InterpreterSettings::default(),
            &RenderSettings {
                force_image_interpolation: true,
                ..RenderSettings::default()
            },
            &PixmapSettings {
                x_scale: scale as f32,
                y_scale: scale as f32,
                bg_color: WHITE,
            },
        )
    }))
    .ok()?;
    let (width, height) = (pixmap.width() as u32, pixmap.height() as u32);
    if width == 0 || height == 0 {
        return None;
    }
    let pixels = pixmap
        .data()
        .iter()
        .map(|p| {
            // Over white, so alpha is opaque: premultiplied values are the colour.
            ((p.r as u32 * 299 + p.g as u32 * 587 + p.b as u32 * 114) / 1000) as u8
        })
        .collect();
    Some((Gray::new(width, height, pixels), scale * 72.0))
}

/// The words of one recognised image as a page of glyphs, in PDF points (y upwards) at `dpi`.
/// Each word's characters share its box evenly; a word sits on its line's baseline and is as
/// large as its line is tall, so that the layout finds lines, paragraphs and headings by size.
pub(super) fn page_of_words(number: u32, words: &[Word], image_height: u32, dpi: f64) -> Page {
    let scale = 72.0 / dpi.max(1.0);
    let mut glyphs = Vec::new();
    let mut line = None;
    for word in words {
        let first_of_line = line != Some((word.page, word.block, word.paragraph, word.line));
        line = Some((word.page, word.block, word.paragraph, word.line));
        let chars: Vec<char> = if first_of_line && looks_like_bullet(word) {
            vec!['•']
        } else {
            word.text.chars().collect()
        };
        if chars.is_empty() {
            continue;
        }
        let line_height = word.line_height.max(word.height).max(1) as f64;
        let baseline = word.line_top as f64 + line_height * 0.8;
        let y = (image_height as f64 - baseline) * scale;
        let size = line_height * scale * 0.85;
        let advance = word.width as f64 / chars.len() as f64 * scale;
        for (i, c) in chars.iter().enumerate() {
            let x = (word.left as f64) * scale + i as f64 * advance;
            glyphs.push(Glyph::plain(x, y, size, advance, c.to_string()));
        }
    }
    Page {
        number,
        glyphs,
        ..Page::default()
    }
}

/// Tesseract reads a bullet (•) as whatever small blot it resembles (`¢`, `«`, `*`, `°`): a
/// line that starts with one such mark, narrower than half the line is tall, starts a list item.
fn looks_like_bullet(word: &Word) -> bool {
    let mut chars = word.text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    !c.is_alphanumeric()
        && !matches!(
            c,
            '(' | '[' | '"' | '\'' | '$' | '#' | '&' | '@' | '“' | '‘'
        )
        && (word.width as f64) <= word.line_height.max(1) as f64 * 0.6
}

/// What OCR did to a document's pages.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// Pages that needed OCR (scans; every page under `--ocr force`).
    pub(super) needed: Vec<u32>,
    /// Pages recognised, with their mean confidence and how many words were read.
    pub(super) recognized: Vec<(u32, f32, usize)>,
    /// Pages whose recognition failed, and why.
    pub(super) failed: Vec<(u32, String)>,
    /// Pages Tesseract found turned, and by how many quarter turns.
    pub(super) rotated: Vec<(u32, u8)>,
}

/// Finds the pages that need OCR and, when OCR can run, replaces their glyphs with what
/// Tesseract reads on them.
pub(super) fn recognize_pages(
    bytes: &[u8],
    pages: &mut [Page],
    settings: &crate::ocr::OcrSettings,
) -> Outcome {
    use crate::ocr::OcrMode;
    let mut outcome = Outcome::default();
    let visible = |p: &Page| {
        p.glyphs
            .iter()
            .flat_map(|g| g.text.chars())
            .filter(|c| !c.is_whitespace())
            .count()
    };
    let candidates: Vec<usize> = match settings.mode {
        OcrMode::Force => (0..pages.len()).collect(),
        _ => (0..pages.len())
            .filter(|&i| visible(&pages[i]) < NEARLY_EMPTY)
            .collect(),
    };
    if candidates.is_empty() {
        return outcome;
    }
    let Some(pdf) = open(bytes) else {
        // hayro cannot read it: pages without text still need OCR, none can get it.
        outcome.needed = candidates
            .iter()
            .filter(|&&i| visible(&pages[i]) == 0)
            .map(|&i| pages[i].number)
            .collect();
        return outcome;
    };
    let images = page_images(&pdf);
    log::debug!("images on the pages: {images:?}");
    let needed: Vec<usize> = if settings.mode == OcrMode::Force {
        candidates
    } else {
        candidates
            .into_iter()
            .filter(|&i| images.get(i).is_some_and(|p| p.coverage >= SCAN_COVERAGE))
            .collect()
    };
    outcome.needed = needed.iter().map(|&i| pages[i].number).collect();
    let Some(engine) = settings
        .engine
        .as_ref()
        .filter(|_| settings.mode != OcrMode::Off)
    else {
        return outcome;
    };
    // Pages are rendered here one after another and read by up to `slots.count` Tesseracts at
    // once (the run's budget, shared with the other documents in flight); a rendered page
    // waits for a reader, so at most one more image than readers is held.
    let readers = settings.slots.as_ref().map_or(1, |s| s.count.clamp(1, 16));
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Gray, f64)>(0);
    let rx = std::sync::Mutex::new(rx);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..readers.min(needed.len()) {
            scope.spawn(|| {
                loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((i, image, dpi)) = job else { return };
                    let _slot = settings.slots.as_ref().and_then(|s| s.acquire());
                    let found = crate::ocr::recognize(settings, engine, &image);
                    if let Ok(mut results) = results.lock() {
                        results.push((i, image.width, image.height, dpi, found));
                    }
                }
            });
        }
        for &i in &needed {
            let dpi = scan_dpi(images.get(i), settings.dpi);
            match render(&pdf, i, dpi) {
                Some((image, dpi)) => {
                    if tx.send((i, image, dpi)).is_err() {
                        break;
                    }
                }
                None => outcome
                    .failed
                    .push((pages[i].number, "the page could not be rendered".into())),
            }
        }
        drop(tx);
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| r.0);
    for (i, width, height, dpi, found) in results {
        let number = pages[i].number;
        match found {
            Ok(found) => {
                let height = if found.rotated % 2 == 1 {
                    width
                } else {
                    height
                };
                let mut page = page_of_words(number, &found.words, height, dpi);
                page.links = std::mem::take(&mut pages[i].links);
                pages[i] = page;
                outcome
                    .recognized
                    .push((number, found.confidence, found.words.len()));
                if found.rotated != 0 {
                    outcome.rotated.push((number, found.rotated));
                }
            }
            Err(e) => outcome.failed.push((number, e.to_string())),
        }
    }
    outcome.failed.sort_by_key(|f| f.0);
    outcome
}
