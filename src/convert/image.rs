//! Images as documents (PNG, JPEG, TIFF with every page, BMP, GIF, WebP): their text by OCR,
//! through the same layout as scanned PDF pages, and their pixel size and EXIF date and
//! description in the metadata (never GPS positions). Without OCR an image converts to empty
//! Markdown flagged `needs_ocr`, as a scanned PDF does.

use std::io::Cursor;

use image::ImageReader;

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, OCR_KEY, Warning};
use crate::ocr::{Gray, OcrMode};

pub struct ImageConverter;

/// Frames decoded for OCR are capped at this many pixels (a decompression bomb is a few KB).
const MAX_PIXELS: u64 = 80_000_000;
/// And a TIFF at this many pages.
const MAX_FRAMES: usize = 500;

impl Converter for ImageConverter {
    fn name(&self) -> &'static str {
        "image"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn uses_ocr(&self) -> bool {
        true
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ConvertError::Corrupt(format!("cannot read the image: {e}")))?;
        let kind = reader.format().ok_or_else(|| {
            ConvertError::Unsupported("an image format docproc cannot read".into())
        })?;
        let (width, height) = reader
            .into_dimensions()
            .map_err(|e| ConvertError::Corrupt(format!("damaged image: {e}")))?;
        let mut metadata = Metadata::new();
        metadata.insert("image_format".into(), format!("{kind:?}").to_lowercase());
        metadata.insert("width".into(), width.to_string());
        metadata.insert("height".into(), height.to_string());
        exif_metadata(bytes, &mut metadata);
        let settings = &options.ocr;
        let Some(engine) = settings
            .engine
            .as_ref()
            .filter(|_| settings.mode != OcrMode::Off)
        else {
            metadata.insert(OCR_KEY.into(), "needed".into());
            let why = if settings.mode == OcrMode::Off {
                "OCR is off (--ocr off)"
            } else {
                "Tesseract is not installed"
            };
            return Ok(Converted {
                markdown: String::new(),
                metadata,
                warning: Some(Warning {
                    code: "needs_ocr".into(),
                    message: format!(
                        "an image ({width}x{height} pixels) needs OCR for its text; {why}"
                    ),
                }),
                attachments: Vec::new(),
            });
        };
        let frames = frames(bytes, kind)?;
        metadata.insert("page_count".into(), frames.len().to_string());
        let mut pages = Vec::new();
        let mut failed = Vec::new();
        let mut confidences = Vec::new();
        for (i, frame) in frames.iter().enumerate() {
            match crate::ocr::recognize(settings, engine, frame) {
                Ok(found) => {
                    let height = if found.rotated % 2 == 1 {
                        frame.width
                    } else {
                        frame.height
                    };
                    confidences.push((found.confidence, found.words.len()));
                    pages.push((found.words, height, settings.dpi as f64));
                }
                Err(e) => {
                    failed.push(format!("page {}: {e}", i + 1));
                    pages.push((Vec::new(), frame.height, settings.dpi as f64));
                }
            }
        }
        let mean = crate::ocr::record(settings, &confidences, &mut metadata);
        let blocks = super::pdf::recognized_blocks(&pages, options.page_markers && pages.len() > 1);
        let warning = if !failed.is_empty() {
            Some(Warning {
                code: "ocr_failed".into(),
                message: format!("OCR failed on {}", failed.join("; ")),
            })
        } else {
            mean.filter(|&m| m < crate::ocr::LOW_CONFIDENCE)
                .map(|mean| Warning {
                    code: "ocr_low_confidence".into(),
                    message: format!(
                        "OCR is unsure of this image (mean confidence {mean:.0}): check the text"
                    ),
                })
        };
        Ok(Converted {
            markdown: crate::markdown::render(&blocks),
            metadata,
            warning,
            attachments: Vec::new(),
        })
    }
}

/// The image's frames in gray: every page of a TIFF, the first frame of anything else.
fn frames(bytes: &[u8], kind: image::ImageFormat) -> Result<Vec<Gray>, ConvertError> {
    if kind == image::ImageFormat::Tiff
        && let Some(pages) = tiff_pages(bytes)
    {
        return Ok(pages);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(kind);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            ConvertError::ResourceLimit(format!("the image is larger than {MAX_PIXELS} pixels"))
        }
        e => ConvertError::Corrupt(format!("damaged image: {e}")),
    })?;
    let gray = decoded.to_luma8();
    let (w, h) = gray.dimensions();
    Ok(vec![Gray::new(w, h, gray.into_raw())])
}

/// Every page of a TIFF (None when the tiff reader cannot walk it: the first frame is then
/// read as any image).
fn tiff_pages(bytes: &[u8]) -> Option<Vec<Gray>> {
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).ok()?;
    let mut pages = Vec::new();
    loop {
        let (w, h) = decoder.dimensions().ok()?;
        if w as u64 * h as u64 > MAX_PIXELS {
            return None;
        }
        // One page at a time through the image crate's decoder for its colour conversions.
        let page = decoder.read_image().ok()?;
        let colour = decoder.colortype().ok()?;
        pages.push(to_gray(w, h, page, colour)?);
        if pages.len() >= MAX_FRAMES || !decoder.more_images() {
            break;
        }
        decoder.next_image().ok()?;
    }
    (pages.len() > 1).then_some(pages)
}

/// 8-bit gray from a TIFF page's samples (gray, gray+alpha, RGB, RGBA at 8 or 16 bits, and
/// bilevel); None for what it does not know.
fn to_gray(
    w: u32,
    h: u32,
    page: tiff::decoder::DecodingResult,
    colour: tiff::ColorType,
) -> Option<Gray> {
    use tiff::ColorType;
    use tiff::decoder::DecodingResult;
    let n = w as usize * h as usize;
    let samples: Vec<u16> = match page {
        DecodingResult::U8(v) => v.into_iter().map(|b| b as u16 * 257).collect(),
        DecodingResult::U16(v) => v,
        _ => return None,
    };
    let (channels, bits) = match colour {
        ColorType::Gray(b) => (1, b),
        ColorType::GrayA(b) => (2, b),
        ColorType::RGB(b) => (3, b),
        ColorType::RGBA(b) => (4, b),
        _ => return None,
    };
    if bits == 1 {
        // Bilevel pages arrive packed, a row padded to a byte; 0 is white unless told otherwise.
        let row = (w as usize).div_ceil(8);
        let bytes: Vec<u8> = samples.iter().map(|s| (s / 257) as u8).collect();
        let mut out = Vec::with_capacity(n);
        for y in 0..h as usize {
            for x in 0..w as usize {
                let byte = bytes.get(y * row + x / 8).copied().unwrap_or(0);
                let bit = (byte >> (7 - x % 8)) & 1;
                out.push(if bit == 1 { 255 } else { 0 });
            }
        }
        return Some(Gray::new(w, h, out));
    }
    if samples.len() < n * channels {
        return None;
    }
    let pixels = samples
        .chunks_exact(channels)
        .take(n)
        .map(|px| {
            let v = if channels >= 3 {
                (px[0] as u32 * 299 + px[1] as u32 * 587 + px[2] as u32 * 114) / 1000
            } else {
                px[0] as u32
            };
            (v >> 8) as u8
        })
        .collect();
    Some(Gray::new(w, h, pixels))
}

/// EXIF date taken and description (GPS is never read into the metadata).
fn exif_metadata(bytes: &[u8], metadata: &mut Metadata) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return;
    };
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .map(|f| {
                f.display_value()
                    .to_string()
                    .trim_matches('"')
                    .trim()
                    .to_string()
            })
            .filter(|v| !v.is_empty())
    };
    if let Some(date) = text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime)) {
        metadata.insert("created".into(), date);
    }
    if let Some(description) = text(exif::Tag::ImageDescription) {
        metadata.insert("description".into(), description);
    }
    if let Some(make) = text(exif::Tag::Model) {
        metadata.insert("camera".into(), make);
    }
}
