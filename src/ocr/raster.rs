//! 8-bit gray images: what pages are rendered or decoded into before Tesseract reads them.

/// A gray image, one byte per pixel, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Gray {
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Gray {
        debug_assert_eq!(pixels.len(), width as usize * height as usize);
        Gray {
            width,
            height,
            pixels,
        }
    }

    /// Binary PGM (P5): what Tesseract reads fastest from a pipe (no compression to undo).
    pub fn to_pgm(&self) -> Vec<u8> {
        let header = format!("P5\n{} {}\n255\n", self.width, self.height);
        let mut out = Vec::with_capacity(header.len() + self.pixels.len());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&self.pixels);
        out
    }

    /// The image turned `turns` quarter turns clockwise.
    pub fn rotated_clockwise(&self, turns: u8) -> Gray {
        let (w, h) = (self.width as usize, self.height as usize);
        let px = &self.pixels;
        match turns % 4 {
            0 => self.clone(),
            2 => {
                let mut out = px.clone();
                out.reverse();
                Gray::new(self.width, self.height, out)
            }
            t => {
                // New size h x w; clockwise: new(x, y) = old(y, h-1-x); counter-clockwise:
                // new(x, y) = old(w-1-y, x).
                let mut out = vec![0u8; w * h];
                for y in 0..w {
                    for x in 0..h {
                        let (ox, oy) = if t == 1 {
                            (y, h - 1 - x)
                        } else {
                            (w - 1 - y, x)
                        };
                        out[y * h + x] = px[oy * w + ox];
                    }
                }
                Gray::new(self.height, self.width, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns() {
        // 2 x 3:  a b / c d / e f
        let g = Gray::new(2, 3, b"abcdef".to_vec());
        let cw = g.rotated_clockwise(1);
        assert_eq!((cw.width, cw.height), (3, 2));
        assert_eq!(cw.pixels, b"ecafdb");
        assert_eq!(g.rotated_clockwise(3).pixels, b"bdface");
        assert_eq!(g.rotated_clockwise(2).pixels, b"fedcba");
        assert_eq!(cw.rotated_clockwise(3), g);
        assert!(g.to_pgm().starts_with(b"P5\n2 3\n255\nabc"));
    }
}
