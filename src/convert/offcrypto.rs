//! Password-encrypted OOXML packages (MS-OFFCRYPTO). Office saves a DOCX, XLSX or PPTX with a
//! password as an OLE2 compound file holding two streams: `EncryptionInfo` (the scheme, its
//! salts and a password verifier) and `EncryptedPackage` (the zip package's size, then the
//! encrypted package).
//!
//! Excel encrypts a workbook that is only protected against changes (a protected structure, a
//! read-only recommendation) with the built-in password `VelvetSweatshop`, and opens it without
//! asking for one. docproc does the same: [`decrypt`] tries that password, and a document
//! under any other password stays `encrypted`. Both schemes Office writes are read:
//!
//! - Standard encryption (Office 2007, version 3.2 / 4.2): a key from SHA-1 iterated 50,000
//!   times, the package in AES-ECB.
//! - Agile encryption (Office 2010 and later, version 4.4): an XML description; a key from the
//!   named hash iterated `spinCount` times unlocks the package's key, and the package is in
//!   AES-CBC segments of 4,096 bytes, each with its own IV.
//!
//! RC4 and extensible (third-party) encryption are `encrypted` with a message saying so.

use std::io::{Cursor, Read};

use aes::cipher::{BlockDecrypt, KeyInit, generic_array::GenericArray};
use sha1::Digest;

use super::ConvertError;

/// The password Excel uses for workbooks protected only against changes.
pub const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// The metadata key recording that a document was decrypted with the built-in password.
pub const METADATA_KEY: &str = "encryption";

/// Whether `bytes` are an encrypted OOXML package (an OLE2 file with an `EncryptedPackage`).
pub fn is_encrypted_package(bytes: &[u8]) -> bool {
    // The magic first: a zip package (the usual case) is not probed a second time.
    bytes.starts_with(&crate::sniff::OLE2_MAGIC)
        && crate::sniff::Probe::of_bytes(bytes)
            .ole()
            .is_some_and(|ole| ole.has("EncryptedPackage") && ole.has("EncryptionInfo"))
}

/// A document whose password docproc does not have.
pub fn locked() -> ConvertError {
    ConvertError::Encrypted(
        "the document is password-protected; save an unprotected copy to convert it".into(),
    )
}

/// An opened package.
#[derive(Debug)]
pub struct Decrypted {
    /// The zip package.
    pub package: Vec<u8>,
    /// `standard` or `agile`.
    pub scheme: &'static str,
}

/// Decrypts an encrypted OOXML package with `password`, giving the zip package's bytes. A
/// password that does not open it, or a scheme docproc does not read, is `encrypted`; damaged
/// streams are `corrupt`. `max_len` bounds what is read from the container's streams.
pub fn decrypt(bytes: &[u8], password: &str, max_len: u64) -> Result<Decrypted, ConvertError> {
    // A compound file that cannot be read is still a password-protected document to its user
    // (the probe found the encrypted package in its directory): `encrypted`, naming the damage.
    let damaged = |e: std::io::Error| {
        ConvertError::Encrypted(format!(
            "the document is password-protected, and its compound file is damaged ({e}); save an \
             unprotected copy to convert it"
        ))
    };
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(damaged)?;
    let mut stream = |name: &str| -> Result<Vec<u8>, ConvertError> {
        let mut out = Vec::new();
        file.open_stream(name)
            .and_then(|s| s.take(max_len).read_to_end(&mut out))
            .map_err(damaged)?;
        Ok(out)
    };
    let info = stream("EncryptionInfo")?;
    let package = stream("EncryptedPackage")?;
    let password: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let (major, minor) = match info.get(..4) {
        Some(v) => (
            u16::from_le_bytes([v[0], v[1]]),
            u16::from_le_bytes([v[2], v[3]]),
        ),
        None => return Err(corrupt("EncryptionInfo is truncated")),
    };
    let (scheme, unlocked) = match (major, minor) {
        (2..=4, 2) => ("standard", standard::unlock(&info, &password)?),
        (4, 4) => ("agile", agile::unlock(&info, &password)?),
        (3 | 4, 3) => {
            return Err(ConvertError::Encrypted(
                "the document is encrypted with an extensible (third-party) scheme, which docproc \
                 cannot open"
                    .into(),
            ));
        }
        _ => {
            return Err(ConvertError::Encrypted(format!(
                "the document is encrypted with an unknown scheme (version {major}.{minor})"
            )));
        }
    };
    let Some(unlocked) = unlocked else {
        return Err(locked());
    };
    Ok(Decrypted {
        package: decrypt_package(&package, &unlocked)?,
        scheme,
    })
}

/// What opens the package: its key, and how its blocks are chained.
#[derive(Debug)]
struct Unlocked {
    key: Vec<u8>,
    /// Agile: the key data's salt and block size make each 4,096-byte segment's IV. Standard:
    /// None (the whole package is one AES-ECB stream).
    segments: Option<(Vec<u8>, usize, Hash)>,
}

fn decrypt_package(package: &[u8], unlocked: &Unlocked) -> Result<Vec<u8>, ConvertError> {
    let Some((size, data)) = package.split_first_chunk::<8>() else {
        return Err(corrupt("EncryptedPackage is truncated"));
    };
    let size = u64::from_le_bytes(*size);
    // The declared size is a claim: never reserve more than the stream holds.
    let whole = data.len() - data.len() % 16;
    if size > whole as u64 {
        return Err(corrupt(&format!(
            "EncryptedPackage declares {size} bytes but holds {whole}"
        )));
    }
    let mut out = data[..whole].to_vec();
    let cipher = Aes::new(&unlocked.key)?;
    match &unlocked.segments {
        None => cipher.decrypt_ecb(&mut out),
        Some((salt, block_size, hash)) => {
            for (i, segment) in out.chunks_mut(4096).enumerate() {
                let iv = hash.digest(&[salt, &(i as u32).to_le_bytes()]);
                cipher.decrypt_cbc(segment, &fit(&iv, *block_size, 0x36));
            }
        }
    }
    out.truncate(size as usize);
    Ok(out)
}

fn corrupt(what: &str) -> ConvertError {
    ConvertError::Corrupt(format!("damaged encrypted package: {what}"))
}

/// `bytes` cut or padded (with `pad`) to `len`.
fn fit(bytes: &[u8], len: usize, pad: u8) -> Vec<u8> {
    let mut out = bytes[..bytes.len().min(len)].to_vec();
    out.resize(len, pad);
    out
}

/// The hash algorithms the schemes name.
#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn named(name: &str) -> Option<Hash> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Some(Hash::Sha1),
            "SHA256" => Some(Hash::Sha256),
            "SHA384" => Some(Hash::Sha384),
            "SHA512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// The hash of the parts, concatenated.
    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            Hash::Sha1 => run::<sha1::Sha1>(parts),
            Hash::Sha256 => run::<sha2::Sha256>(parts),
            Hash::Sha384 => run::<sha2::Sha384>(parts),
            Hash::Sha512 => run::<sha2::Sha512>(parts),
        }
    }

    /// The password hash both schemes start from: H(salt + password), then `spins` rounds of
    /// H(round number + previous).
    fn iterate(self, salt: &[u8], password: &[u8], spins: u32) -> Vec<u8> {
        // The rounds reuse one output buffer: with 100,000 of them, an allocation per round
        // cost as much as the hashing.
        fn run<D: Digest>(salt: &[u8], password: &[u8], spins: u32) -> Vec<u8> {
            let mut h = D::new()
                .chain_update(salt)
                .chain_update(password)
                .finalize();
            for i in 0..spins {
                let mut d = D::new();
                d.update(i.to_le_bytes());
                d.update(&h);
                d.finalize_into(&mut h);
            }
            h.to_vec()
        }
        match self {
            Hash::Sha1 => run::<sha1::Sha1>(salt, password, spins),
            Hash::Sha256 => run::<sha2::Sha256>(salt, password, spins),
            Hash::Sha384 => run::<sha2::Sha384>(salt, password, spins),
            Hash::Sha512 => run::<sha2::Sha512>(salt, password, spins),
        }
    }
}

/// AES with a 128, 192 or 256-bit key.
enum Aes {
    K128(aes::Aes128),
    K192(aes::Aes192),
    K256(aes::Aes256),
}

impl Aes {
    fn new(key: &[u8]) -> Result<Aes, ConvertError> {
        let bad = |_| corrupt("the key has an invalid length");
        Ok(match key.len() {
            16 => Aes::K128(aes::Aes128::new_from_slice(key).map_err(bad)?),
            24 => Aes::K192(aes::Aes192::new_from_slice(key).map_err(bad)?),
            32 => Aes::K256(aes::Aes256::new_from_slice(key).map_err(bad)?),
            n => return Err(corrupt(&format!("a {n}-byte AES key"))),
        })
    }

    fn decrypt_block(&self, block: &mut [u8]) {
        let block = GenericArray::from_mut_slice(block);
        match self {
            Aes::K128(c) => c.decrypt_block(block),
            Aes::K192(c) => c.decrypt_block(block),
            Aes::K256(c) => c.decrypt_block(block),
        }
    }

    /// Decrypts whole 16-byte blocks in place; a trailing partial block is left as it is.
    fn decrypt_ecb(&self, data: &mut [u8]) {
        for block in data.chunks_exact_mut(16) {
            self.decrypt_block(block);
        }
    }

    /// Decrypts whole 16-byte blocks in place, chained from `iv`.
    fn decrypt_cbc(&self, data: &mut [u8], iv: &[u8]) {
        let mut previous: [u8; 16] = iv[..16].try_into().expect("a 16-byte IV");
        for block in data.chunks_exact_mut(16) {
            let cipher_text: [u8; 16] = (&*block).try_into().expect("a 16-byte block");
            self.decrypt_block(block);
            for (b, p) in block.iter_mut().zip(previous) {
                *b ^= p;
            }
            previous = cipher_text;
        }
    }
}

/// Standard encryption (MS-OFFCRYPTO 2.3.4.5-2.3.4.9).
mod standard {
    use super::{Aes, ConvertError, Hash, Unlocked, corrupt};

    const AES_128: u32 = 0x660E;
    const AES_192: u32 = 0x660F;
    const AES_256: u32 = 0x6610;
    const SHA1: u32 = 0x8004;

    /// The package key when `password` (UTF-16LE) is the document's, None when it is not.
    pub(super) fn unlock(info: &[u8], password: &[u8]) -> Result<Option<Unlocked>, ConvertError> {
        let u32_at = |i: usize| -> Result<u32, ConvertError> {
            info.get(i..i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| corrupt("EncryptionInfo is truncated"))
        };
        let header_size = u32_at(8)? as usize;
        let alg = u32_at(12 + 8)?;
        let alg_hash = u32_at(12 + 12)?;
        let key_bits = u32_at(12 + 16)?;
        if !matches!(alg, AES_128 | AES_192 | AES_256) || !matches!(alg_hash, 0 | SHA1) {
            return Err(ConvertError::Encrypted(format!(
                "the document is encrypted with algorithm {alg:#06x}, which docproc cannot open"
            )));
        }
        let verifier = 12usize
            .checked_add(header_size)
            .ok_or_else(|| corrupt("EncryptionInfo's header size"))?;
        let salt_size = u32_at(verifier)? as usize;
        let field = |at: usize, len: usize| {
            info.get(at..at + len)
                .ok_or_else(|| corrupt("EncryptionInfo's verifier is truncated"))
        };
        if salt_size != 16 {
            return Err(corrupt(&format!("a {salt_size}-byte salt")));
        }
        let salt = field(verifier + 4, 16)?;
        let mut encrypted_verifier = field(verifier + 20, 16)?.to_vec();
        let hash_size = u32_at(verifier + 36)? as usize;
        let mut encrypted_hash = field(verifier + 40, 32)?.to_vec();

        let key = derive_key(salt, password, (key_bits / 8) as usize);
        let cipher = Aes::new(&key)?;
        cipher.decrypt_ecb(&mut encrypted_verifier);
        cipher.decrypt_ecb(&mut encrypted_hash);
        let expected = Hash::Sha1.digest(&[&encrypted_verifier]);
        let matches =
            hash_size <= 32 && encrypted_hash[..hash_size.min(20)] == expected[..hash_size.min(20)];
        Ok(matches.then_some(Unlocked {
            key,
            segments: None,
        }))
    }

    /// The key derivation of 2.3.4.7: the iterated hash with block 0, then the two 64-byte
    /// pads, cut to the key's length.
    fn derive_key(salt: &[u8], password: &[u8], key_len: usize) -> Vec<u8> {
        let h = Hash::Sha1.iterate(salt, password, 50_000);
        let h = Hash::Sha1.digest(&[&h, &0u32.to_le_bytes()]);
        let pad = |byte: u8| {
            let mut buf = [byte; 64];
            for (b, x) in buf.iter_mut().zip(&h) {
                *b ^= x;
            }
            Hash::Sha1.digest(&[&buf])
        };
        let mut key = pad(0x36);
        key.extend(pad(0x5C));
        key.truncate(key_len);
        key
    }
}

/// Agile encryption (MS-OFFCRYPTO 2.3.4.10-2.3.4.14).
mod agile {
    use super::{Aes, ConvertError, Hash, Unlocked, corrupt, fit};
    use crate::convert::dom::base64_decode;
    use crate::convert::xml;

    const VERIFIER_INPUT: [u8; 8] = [0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79];
    const VERIFIER_VALUE: [u8; 8] = [0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e];
    const KEY_VALUE: [u8; 8] = [0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6];

    /// The package key when `password` (UTF-16LE) is the document's, None when it is not.
    pub(super) fn unlock(info: &[u8], password: &[u8]) -> Result<Option<Unlocked>, ConvertError> {
        let text = info
            .get(8..)
            .ok_or_else(|| corrupt("EncryptionInfo is truncated"))?;
        let root =
            xml::parse_limited(text, 32).map_err(|e| corrupt(&format!("EncryptionInfo: {e}")))?;
        let key_data = root
            .find("keyData")
            .ok_or_else(|| corrupt("EncryptionInfo has no keyData"))?;
        let encryptor = root.find("encryptedKey").ok_or_else(|| {
            ConvertError::Encrypted(
                "the document is encrypted for a certificate, not a password".into(),
            )
        })?;
        let data = Params::of(key_data)?;
        let pw = Params::of(encryptor)?;
        let bytes = |name: &str| -> Result<Vec<u8>, ConvertError> {
            encryptor
                .attr(name)
                .map(base64_decode)
                .ok_or_else(|| corrupt(&format!("the password key has no {name}")))
        };
        let spins: u32 = encryptor
            .attr("spinCount")
            .and_then(|s| s.parse().ok())
            .filter(|&n| n <= 10_000_000)
            .ok_or_else(|| corrupt("the password key's spinCount"))?;

        let h = pw.hash.iterate(&pw.salt, password, spins);
        let key_for = |block: &[u8]| fit(&pw.hash.digest(&[&h, block]), pw.key_len, 0x36);
        let open = |block: &[u8], name: &str| -> Result<Vec<u8>, ConvertError> {
            let mut value = bytes(name)?;
            value.truncate(value.len() - value.len() % 16);
            Aes::new(&key_for(block))?.decrypt_cbc(&mut value, &fit(&pw.salt, 16, 0x36));
            Ok(value)
        };
        let input = open(&VERIFIER_INPUT, "encryptedVerifierHashInput")?;
        let value = open(&VERIFIER_VALUE, "encryptedVerifierHashValue")?;
        let expected = pw.hash.digest(&[&input[..pw.salt.len().min(input.len())]]);
        if value.len() < expected.len() || value[..expected.len()] != expected[..] {
            return Ok(None);
        }
        let mut key = open(&KEY_VALUE, "encryptedKeyValue")?;
        if key.len() < data.key_len {
            return Err(corrupt("the package key is truncated"));
        }
        key.truncate(data.key_len);
        Ok(Some(Unlocked {
            key,
            segments: Some((data.salt, data.block_size, data.hash)),
        }))
    }

    /// The parameters `keyData` and a password key encryptor share.
    struct Params {
        salt: Vec<u8>,
        hash: Hash,
        key_len: usize,
        block_size: usize,
    }

    impl Params {
        fn of(e: &xml::Element) -> Result<Params, ConvertError> {
            let cipher = e.attr("cipherAlgorithm").unwrap_or("AES");
            let chaining = e.attr("cipherChaining").unwrap_or("ChainingModeCBC");
            if cipher != "AES" || chaining != "ChainingModeCBC" {
                return Err(ConvertError::Encrypted(format!(
                    "the document is encrypted with {cipher} ({chaining}), which docproc cannot \
                     open"
                )));
            }
            let hash_name = e.attr("hashAlgorithm").unwrap_or("SHA1");
            let hash = Hash::named(hash_name).ok_or_else(|| {
                ConvertError::Encrypted(format!(
                    "the document's key is hashed with {hash_name}, which docproc cannot use"
                ))
            })?;
            let number = |name: &str| -> Result<usize, ConvertError> {
                e.attr(name)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| corrupt(&format!("EncryptionInfo's {name}")))
            };
            let key_bits = number("keyBits")?;
            let block_size = number("blockSize")?;
            if !matches!(key_bits, 128 | 192 | 256) || block_size != 16 {
                return Err(corrupt(&format!(
                    "a {key_bits}-bit key in {block_size}-byte blocks"
                )));
            }
            let salt = e
                .attr("saltValue")
                .map(base64_decode)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| corrupt("EncryptionInfo has no saltValue"))?;
            Ok(Params {
                salt,
                hash,
                key_len: key_bits / 8,
                block_size,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AGILE: &[u8] = include_bytes!("../../fixtures/docs/protected.xlsx");
    const STANDARD: &[u8] = include_bytes!("../../fixtures/docs/protected.docx");
    const OTHER_PASSWORD: &[u8] = include_bytes!("../../fixtures/broken/encrypted.docx");
    const LIMIT: u64 = 1 << 30;

    #[test]
    fn both_schemes_give_the_package_back_byte_for_byte() {
        assert!(is_encrypted_package(AGILE));
        let agile = decrypt(AGILE, DEFAULT_PASSWORD, LIMIT).unwrap();
        assert_eq!(agile.scheme, "agile");
        assert_eq!(
            agile.package,
            include_bytes!("../../fixtures/docs/budget.xlsx")
        );
        let standard = decrypt(STANDARD, DEFAULT_PASSWORD, LIMIT).unwrap();
        assert_eq!(standard.scheme, "standard");
        assert_eq!(
            standard.package,
            include_bytes!("../../fixtures/docs/report.docx")
        );
        let other = decrypt(OTHER_PASSWORD, "not the default", LIMIT).unwrap();
        assert_eq!(other.package, standard.package);
    }

    #[test]
    fn a_wrong_password_is_encrypted_not_garbage() {
        for bytes in [AGILE, STANDARD, OTHER_PASSWORD] {
            let password = if bytes == OTHER_PASSWORD {
                DEFAULT_PASSWORD
            } else {
                "wrong"
            };
            let err = decrypt(bytes, password, LIMIT).unwrap_err();
            assert_eq!(err.code(), "encrypted", "{err}");
        }
        assert!(!is_encrypted_package(include_bytes!(
            "../../fixtures/docs/report.docx"
        )));
    }

    #[test]
    fn damaged_descriptions_are_corrupt_and_never_trusted() {
        // A package that declares more than it holds.
        let unlocked = Unlocked {
            key: vec![0; 16],
            segments: None,
        };
        let mut package = (1u64 << 40).to_le_bytes().to_vec();
        package.extend([0u8; 32]);
        let err = decrypt_package(&package, &unlocked).unwrap_err();
        assert_eq!(err.code(), "corrupt", "{err}");
        assert!(err.to_string().contains("declares"), "{err}");
        assert_eq!(
            decrypt_package(&[1, 2], &unlocked).unwrap_err().code(),
            "corrupt"
        );
        // A standard header cut short, and an agile one asking for too many rounds.
        let err = standard::unlock(&[4, 0, 2, 0, 0x24, 0, 0, 0, 200, 0, 0, 0], b"").unwrap_err();
        assert_eq!(err.code(), "corrupt", "{err}");
        let xml = r#"<encryption><keyData saltValue="AAAAAAAAAAAAAAAAAAAAAA==" keyBits="256" blockSize="16" hashAlgorithm="SHA512"/><p:encryptedKey spinCount="4000000000" saltValue="AAAAAAAAAAAAAAAAAAAAAA==" keyBits="256" blockSize="16" hashAlgorithm="SHA512"/></encryption>"#;
        let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
        info.extend(xml.as_bytes());
        let err = agile::unlock(&info, b"").unwrap_err();
        assert_eq!(err.code(), "corrupt", "{err}");
        assert!(err.to_string().contains("spinCount"), "{err}");
        // A scheme docproc does not read.
        let xml = xml.replace("SHA512\"/><p", "MD4\"/><p");
        let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
        info.extend(xml.as_bytes());
        assert_eq!(agile::unlock(&info, b"").unwrap_err().code(), "encrypted");
    }
}
