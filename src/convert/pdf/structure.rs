//! Loading a PDF's structure safely: repairing a damaged cross-reference table, and refusing
//! structures that would make an interpreter recurse without end (form XObjects that draw each
//! other, page trees whose `/Parent` chain loops): pdf-extract recurses on both, and a stack
//! overflow aborts the whole process, not one document.

use std::collections::HashMap;

use pdf_extract::Object;

use crate::convert::ConvertError;

/// Loads the document; a file whose cross-reference table is damaged (a common way for PDFs to
/// break: truncated downloads, bad incremental saves) gets a second chance with a rebuilt table.
pub(super) fn load(bytes: &[u8]) -> Result<pdf_extract::Document, ConvertError> {
    match pdf_extract::Document::load_mem(bytes) {
        Ok(doc) => Ok(doc),
        Err(first) => {
            // Damaged files often have wrong stream lengths too: fixed first, so that the
            // rebuilt table points at where the objects now stand.
            let lengths = fix_stream_lengths(bytes);
            let repaired = rebuild_xref(lengths.as_deref().unwrap_or(bytes))
                .and_then(|fixed| pdf_extract::Document::load_mem(&fixed).ok())
                .filter(|doc| !doc.get_pages().is_empty());
            match repaired {
                Some(doc) => {
                    log::debug!("loaded after rebuilding the cross-reference table ({first})");
                    Ok(doc)
                }
                None => Err(super::load_error(first)),
            }
        }
    }
}

/// Rebuilds a classic cross-reference table by scanning the file for `N G obj` headers (later
/// definitions win, as with incremental updates), and appends it with a trailer that points at
/// the catalog. Objects inside object streams cannot be found this way; this is a fallback.
fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut offsets: std::collections::BTreeMap<u32, (usize, u16)> = Default::default();
    let mut from = 0;
    while let Some(found) = crate::sniff::find(&bytes[from..], b"obj") {
        let at = from + found;
        from = at + 3;
        let after = bytes.get(at + 3).copied();
        if after.is_some_and(|c| !(c.is_ascii_whitespace() || b"<[/(".contains(&c))) {
            continue;
        }
        if let Some((start, num, generation)) = object_header_before(bytes, at) {
            offsets.insert(num, (start, generation));
        }
    }
    // Absurd object numbers (2147483647 in a ten-object file) would make a gigantic table: the
    // PDF limit is 8388607, and far-out numbers among few objects are damage, not content.
    let plausible = (offsets.len() as u32)
        .saturating_mul(100)
        .saturating_add(10_000)
        .min(8_388_607);
    offsets.retain(|&num, _| num <= plausible);
    let (&max, _) = offsets.last_key_value()?;
    let trailer = find_last(bytes, b"trailer")
        .map(|t| &bytes[t..])
        .unwrap_or(&[]);
    let root = reference_after(trailer, b"/Root").or_else(|| {
        offsets.iter().find_map(|(&num, &(start, generation))| {
            let end =
                crate::sniff::find(&bytes[start..], b"endobj").map_or(bytes.len(), |e| start + e);
            let body = &bytes[start..end.min(start + 4096)];
            (crate::sniff::find(body, b"/Catalog").is_some())
                .then(|| format!("{num} {generation} R"))
        })
    })?;
    let mut out = bytes.to_vec();
    out.push(b'\n');
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", max + 1).as_bytes());
    for num in 0..=max {
        let entry = match offsets.get(&num) {
            Some((offset, generation)) => format!("{offset:010} {generation:05} n \n"),
            None => "0000000000 65535 f \n".to_string(),
        };
        out.extend_from_slice(entry.as_bytes());
    }
    let mut dict = format!("/Size {} /Root {root}", max + 1);
    for key in [&b"/Info"[..], b"/Encrypt"] {
        if let Some(r) = reference_after(trailer, key) {
            dict.push_str(&format!(" {} {r}", String::from_utf8_lossy(key)));
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< {dict} >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes(),
    );
    Some(out)
}

/// Streams whose direct `/Length` does not end at `endstream` (a file edited by hand or by a
/// tool that forgot to update it) get the length their data has, up to the next `endstream`;
/// lopdf drops such an object altogether. Returns None when every length is right.
fn fix_stream_lengths(bytes: &[u8]) -> Option<Vec<u8>> {
    use crate::sniff::find;
    let mut out: Vec<u8> = Vec::new();
    // Bytes of the input already copied to `out`.
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = find(&bytes[from..], b"stream") {
        let at = from + found;
        from = at + 6;
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let mut data = at + 6;
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) != Some(&b'\n') {
            continue;
        }
        data += 1;
        // The stream's dictionary: `/Length N` since the object's header.
        let window = &bytes[at.saturating_sub(2048)..at];
        let header = find_last(window, b"obj").unwrap_or(0);
        let Some(key) = find_last(&window[header..], b"/Length") else {
            continue;
        };
        let digits_at = at.saturating_sub(2048) + header + key + 7;
        let mut i = digits_at;
        while bytes.get(i).is_some_and(|c| *c == b' ') {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let Some(declared) = std::str::from_utf8(&bytes[start..i])
            .ok()
            .and_then(|d| d.parse::<usize>().ok())
        else {
            continue;
        };
        // `/Length 12 0 R`: an indirect length, left to lopdf.
        let rest = &bytes[i..bytes.len().min(i + 8)];
        if rest
            .trim_ascii_start()
            .first()
            .is_some_and(u8::is_ascii_digit)
        {
            continue;
        }
        let ends_right = bytes
            .get(data + declared..)
            .is_some_and(|after| after.trim_ascii_start().starts_with(b"endstream"));
        if ends_right {
            // Past the data: the word may occur inside it.
            from = data + declared;
            continue;
        }
        let Some(end) = find(&bytes[data..], b"endstream").map(|e| data + e) else {
            continue;
        };
        let mut actual = end;
        if actual > data && bytes[actual - 1] == b'\n' {
            actual -= 1;
        }
        if actual > data && bytes[actual - 1] == b'\r' {
            actual -= 1;
        }
        out.extend_from_slice(&bytes[copied..start]);
        out.extend_from_slice((actual - data).to_string().as_bytes());
        copied = i;
        from = end + 9;
    }
    if copied == 0 {
        return None;
    }
    out.extend_from_slice(&bytes[copied..]);
    Some(out)
}

/// For `obj` at `at`, the start offset, number and generation of an `N G obj` header.
fn object_header_before(bytes: &[u8], at: usize) -> Option<(usize, u32, u16)> {
    let mut i = at;
    let skip_space = |i: &mut usize| {
        while *i > 0 && bytes[*i - 1].is_ascii_whitespace() {
            *i -= 1;
        }
    };
    let digits = |i: &mut usize| -> Option<u64> {
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        std::str::from_utf8(&bytes[*i..end]).ok()?.parse().ok()
    };
    skip_space(&mut i);
    let generation = digits(&mut i)?;
    let before_gen = i;
    skip_space(&mut i);
    if i == before_gen {
        return None;
    }
    let num = digits(&mut i)?;
    if i > 0 && !bytes[i - 1].is_ascii_whitespace() {
        return None;
    }
    Some((i, u32::try_from(num).ok()?, u16::try_from(generation).ok()?))
}

/// `N G R` after a key such as `/Root` in a dictionary's text.
fn reference_after(text: &[u8], key: &[u8]) -> Option<String> {
    let at = crate::sniff::find(text, key)? + key.len();
    let rest = String::from_utf8_lossy(&text[at..text.len().min(at + 40)]).into_owned();
    let mut parts = rest.split_whitespace();
    let num: u32 = parts.next()?.parse().ok()?;
    let generation: u16 = parts.next()?.parse().ok()?;
    (parts.next()?.starts_with('R')).then(|| format!("{num} {generation} R"))
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// How many form XObjects a page may draw, counting repeats (each is interpreted again).
const MAX_FORM_DRAWS: u64 = 100_000;
/// How deeply forms may nest.
pub(super) const MAX_FORM_DEPTH: usize = 64;

/// Refuses documents whose form XObjects draw each other in a cycle or multiply into millions of
/// drawings (a "billion laughs" of PDF): pdf-extract would recurse until memory runs out.
pub(super) fn check_forms(doc: &pdf_extract::Document) -> Result<(), ConvertError> {
    let mut memo: HashMap<pdf_extract::ObjectId, u64> = HashMap::new();
    for (_, page_id) in doc.get_pages() {
        let Ok((direct, inherited)) = doc.get_page_resources(page_id) else {
            continue;
        };
        let mut xobjects: Vec<&pdf_extract::Dictionary> = Vec::new();
        let resources = direct.into_iter().chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        for dict in resources {
            if let Ok(x) = dict.get_deref(b"XObject", doc).and_then(Object::as_dict) {
                xobjects.push(x);
            }
        }
        if !xobjects.iter().any(|x| has_form(doc, x)) {
            continue;
        }
        let Ok(content) = doc.get_page_content(page_id) else {
            continue;
        };
        let mut stack = Vec::new();
        form_draws(doc, &content, &xobjects, &mut memo, &mut stack)?;
    }
    Ok(())
}

fn has_form(doc: &pdf_extract::Document, xobjects: &pdf_extract::Dictionary) -> bool {
    xobjects.iter().any(|(_, x)| {
        doc.dereference(x)
            .ok()
            .and_then(|(_, o)| o.as_stream().ok())
            .is_some_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Form")
            })
    })
}

/// The number of forms drawn by a content stream, forms inside forms included.
fn form_draws(
    doc: &pdf_extract::Document,
    content: &[u8],
    xobjects: &[&pdf_extract::Dictionary],
    memo: &mut HashMap<pdf_extract::ObjectId, u64>,
    stack: &mut Vec<pdf_extract::ObjectId>,
) -> Result<u64, ConvertError> {
    // Undecodable content is pdf-extract's problem to report, not a form bomb.
    let Ok(content) = pdf_extract::content::Content::decode(content) else {
        return Ok(0);
    };
    let mut total: u64 = 0;
    for op in content.operations.iter().filter(|op| op.operator == "Do") {
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let Some(id) = xobjects
            .iter()
            .find_map(|x| x.get(name).ok()?.as_reference().ok())
        else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            continue;
        }
        if stack.contains(&id) {
            return Err(ConvertError::Corrupt(format!(
                "form XObject {} {} draws itself (a cycle): the PDF cannot be rendered",
                id.0, id.1
            )));
        }
        if stack.len() >= MAX_FORM_DEPTH {
            return Err(ConvertError::ResourceLimit(format!(
                "form XObjects nest more than {MAX_FORM_DEPTH} deep"
            )));
        }
        let inner = match memo.get(&id) {
            Some(&n) => n,
            None => {
                let own = stream
                    .dict
                    .get_deref(b"Resources", doc)
                    .and_then(Object::as_dict)
                    .ok();
                let own_x =
                    own.and_then(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok());
                let child_x: Vec<&pdf_extract::Dictionary> = match (own, own_x) {
                    (_, Some(x)) => vec![x],
                    (Some(_), None) => Vec::new(),
                    // No resources of its own: the form uses its parent's.
                    (None, None) => xobjects.to_vec(),
                };
                let data = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                stack.push(id);
                let n = form_draws(doc, &data, &child_x, memo, stack)?;
                stack.pop();
                memo.insert(id, n);
                n
            }
        };
        total = total.saturating_add(1).saturating_add(inner);
        if total > MAX_FORM_DRAWS {
            return Err(ConvertError::ResourceLimit(format!(
                "the PDF's form XObjects multiply into more than {MAX_FORM_DRAWS} drawings on one page"
            )));
        }
    }
    Ok(total)
}

/// How long a page's `/Parent` chain may be (real trees are a handful of levels deep).
pub(super) const MAX_PAGE_TREE_DEPTH: usize = 256;

/// Refuses page trees whose `/Parent` chain loops or runs absurdly deep: attributes such as
/// `/MediaBox` and `/Resources` are inherited along it, recursively.
pub(super) fn check_page_tree(doc: &pdf_extract::Document) -> Result<(), ConvertError> {
    for (number, page_id) in doc.get_pages() {
        let mut seen = vec![page_id];
        let mut node = doc.get_dictionary(page_id).ok();
        while let Some(dict) = node {
            let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
                break;
            };
            if seen.contains(&parent) {
                return Err(ConvertError::Corrupt(format!(
                    "the page tree loops: page {number}'s ancestors include object {} {} twice",
                    parent.0, parent.1
                )));
            }
            if seen.len() > MAX_PAGE_TREE_DEPTH {
                return Err(ConvertError::ResourceLimit(format!(
                    "page {number} is nested more than {MAX_PAGE_TREE_DEPTH} levels deep in the page tree"
                )));
            }
            seen.push(parent);
            node = doc.get_dictionary(parent).ok();
        }
    }
    Ok(())
}

/// The document outline (bookmarks) as (level from 1, title, page number), when it is sound: the
/// outline tree is walked first with a visited set and limits, because lopdf's reader recurses
/// without guarding against cycles.
pub(super) fn outline(doc: &pdf_extract::Document) -> Vec<(usize, String, u32)> {
    use std::collections::HashSet;
    let Ok(catalog) = doc.catalog() else {
        return Vec::new();
    };
    let Ok(root) = catalog
        .get_deref(b"Outlines", doc)
        .and_then(Object::as_dict)
    else {
        return Vec::new();
    };
    // (item, depth)
    let mut stack: Vec<(pdf_extract::ObjectId, usize)> = Vec::new();
    if let Ok(first) = root.get(b"First").and_then(Object::as_reference) {
        stack.push((first, 1));
    }
    let mut seen = HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if !seen.insert(id) || seen.len() > 10_000 || depth > 64 {
            return Vec::new(); // a cycle or an absurd outline: do not use it
        }
        let Ok(item) = doc.get_dictionary(id) else {
            continue;
        };
        if let Ok(next) = item.get(b"Next").and_then(Object::as_reference) {
            stack.push((next, depth));
        }
        if let Ok(child) = item.get(b"First").and_then(Object::as_reference) {
            stack.push((child, depth + 1));
        }
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.get_toc())) {
        Ok(Ok(toc)) => toc
            .toc
            .into_iter()
            .map(|t| (t.level, t.title, t.page as u32))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_stream_length_is_mended_and_right_ones_are_left_alone() {
        let data = b"BT /F1 12 Tf (Hello) Tj ET";
        let file = |length: usize| {
            let mut f = format!("1 0 obj\n<< /Length {length} >>\nstream\n").into_bytes();
            f.extend_from_slice(data);
            f.extend_from_slice(b"\nendstream\nendobj\n2 0 obj\n<< /Length 5 0 R >>\nstream\nxx\nendstream\nendobj\n");
            f
        };
        assert!(fix_stream_lengths(&file(data.len())).is_none());
        let fixed = fix_stream_lengths(&file(10)).expect("the length is wrong");
        assert_eq!(fixed, file(data.len()));
    }
}
