//! Compressed RTF ([MS-OXRTFCP]), the form Outlook stores a message's RTF body in
//! (`PR_RTF_COMPRESSED`): a 16-byte header (compressed size, raw size, `LZFu` or `MELA`, CRC),
//! then LZ77 runs against a 4 KiB circular dictionary preloaded with common RTF. Each control
//! byte says, bit by bit from the lowest, whether the next item is a literal byte or a two-byte
//! reference (12-bit dictionary offset, 4-bit length - 2); a reference to the write position
//! ends the data. Damaged data decodes as far as it goes.

/// The dictionary's first bytes, as the specification lists them.
const PRESET: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

const COMPRESSED: u32 = 0x7546_5a4c; // "LZFu"
const UNCOMPRESSED: u32 = 0x414c_454d; // "MELA"

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Not compressed RTF (too short, an unknown magic).
    NotRtf,
    /// The RTF would decompress past the limit.
    TooLarge,
}

/// Decompresses compressed RTF, producing at most `limit` bytes.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    if data.len() < 16 {
        return Err(Error::NotRtf);
    }
    let word = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().expect("4 bytes"));
    let raw_size = word(4) as usize;
    let body = &data[16..];
    match word(8) {
        UNCOMPRESSED => {
            let n = raw_size.min(body.len());
            if n > limit {
                return Err(Error::TooLarge);
            }
            return Ok(body[..n].to_vec());
        }
        COMPRESSED => {}
        _ => return Err(Error::NotRtf),
    }
    if raw_size > limit {
        return Err(Error::TooLarge);
    }
    let mut dict = [0u8; 4096];
    dict[..PRESET.len()].copy_from_slice(PRESET);
    let mut write = PRESET.len();
    let mut out = Vec::with_capacity(raw_size.min(body.len() * 8));
    let mut i = 0;
    'runs: while i < body.len() {
        let control = body[i];
        i += 1;
        for bit in 0..8 {
            if control & (1 << bit) == 0 {
                let Some(&b) = body.get(i) else {
                    break 'runs;
                };
                i += 1;
                out.push(b);
                dict[write] = b;
                write = (write + 1) % dict.len();
            } else {
                let Some(pair) = body.get(i..i + 2) else {
                    break 'runs;
                };
                i += 2;
                let reference = u16::from_be_bytes([pair[0], pair[1]]) as usize;
                let offset = reference >> 4;
                let length = (reference & 0xf) + 2;
                if offset == write {
                    break 'runs;
                }
                for k in 0..length {
                    let b = dict[(offset + k) % dict.len()];
                    out.push(b);
                    dict[write] = b;
                    write = (write + 1) % dict.len();
                }
            }
            if out.len() > limit {
                return Err(Error::TooLarge);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preset_dictionary_has_its_specified_length() {
        assert_eq!(PRESET.len(), 207);
    }

    /// The worked example of [MS-OXRTFCP] 3.1.1: `{\rtf1\ansi\ansicpg1252\pard hello world}`
    /// followed by CRLF.
    #[test]
    fn the_specification_example_decompresses() {
        let data: [u8; 0x2d] = [
            0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5,
            0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42,
            0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0,
            0x6c, 0x64, 0x7d,
        ];
        let mut full = data.to_vec();
        full.extend_from_slice(&[0x0a, 0x80, 0x0f, 0xa0]);
        let out = decompress(&full, 1 << 20).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
        );
    }

    #[test]
    fn uncompressed_and_damaged_data() {
        let mut mela = vec![0u8; 16];
        mela[4] = 5;
        mela[8..12].copy_from_slice(b"MELA");
        mela.extend_from_slice(b"{\\rtf}");
        assert_eq!(decompress(&mela, 100).unwrap(), b"{\\rtf");
        assert_eq!(decompress(b"short", 100), Err(Error::NotRtf));
        let mut bad = mela.clone();
        bad[8..12].copy_from_slice(b"ABCD");
        assert_eq!(decompress(&bad, 100), Err(Error::NotRtf));
        // A header claiming more than the limit.
        let mut big = vec![0u8; 16];
        big[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        big[8..12].copy_from_slice(b"LZFu");
        assert_eq!(decompress(&big, 100), Err(Error::TooLarge));
    }
}
