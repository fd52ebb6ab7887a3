//! A small element tree for XML parts (DOCX, PPTX, ODF packages), built with quick-xml.
//!
//! Parts are walked by element and attribute *local* names (`w:p` is `p`, `r:id` is
//! `id`): the namespace prefixes vary between producers, the local names do not. Text is kept as
//! it is (entities resolved); the caller decides which text nodes matter (`w:t`, `w:instrText`).
//! No entity is ever expanded beyond the predefined and character references, and a part that
//! declares entities, or nests elements deeper than `--max-xml-depth`, is refused as it is read
//! (without a second pass over the package).

use quick_xml::events::Event;

/// An element with its attributes (qualified names, looked up by local name) and children.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of the (first) attribute with this local name.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| {
                k == local
                    || (k.len() > local.len()
                        && k.ends_with(local)
                        && k.as_bytes()[k.len() - local.len() - 1] == b':')
            })
            .map(|(_, v)| v.as_str())
    }

    /// The value of the attribute with this local name and a namespace prefix: `r:id` where
    /// the element also has a plain `id`, as `p:sldId` does (whatever the prefix is called).
    pub fn attr_prefixed(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| {
                k.len() > local.len()
                    && k.ends_with(local)
                    && k.as_bytes()[k.len() - local.len() - 1] == b':'
            })
            .map(|(_, v)| v.as_str())
    }

    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == local)
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The child elements with this local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.name == local)
    }

    /// `w:val` of the child `local` (`<w:pStyle w:val="Heading1"/>`).
    pub fn child_val(&self, local: &str) -> Option<&str> {
        self.child(local)?.attr("val")
    }

    /// Every text node below this element, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// The first descendant with this local name (depth first).
    pub fn find(&self, local: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == local {
                return Some(e);
            }
            if let Some(found) = e.find(local) {
                return Some(found);
            }
        }
        None
    }

    /// Every descendant with this local name, in document order.
    pub fn find_all<'a>(&'a self, local: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == local {
                out.push(e);
            } else {
                e.find_all(local, out);
            }
        }
    }
}

/// An on/off property (`<w:b/>`, `<w:b w:val="0"/>`): None when absent.
pub fn toggle(props: Option<&Element>, local: &str) -> Option<bool> {
    let e = props?.child(local)?;
    // ST_OnOff is lower case, but writers in the wild capitalise ("False", "Off").
    Some(!e.attr("val").is_some_and(|v| {
        ["0", "false", "off", "none"]
            .iter()
            .any(|off| v.trim().eq_ignore_ascii_case(off))
    }))
}

/// The local part of a qualified name (`w:p` is `p`), as bytes: for streaming readers.
pub fn local_bytes(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// An attribute's value with entities resolved (the raw bytes when they do not resolve).
pub fn attr_text(attr: &quick_xml::events::attributes::Attribute<'_>) -> String {
    attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned())
}

fn local(name: &[u8]) -> String {
    let name = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(name).into_owned()
}

fn element_from(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let mut attrs = Vec::new();
    for attr in start.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr_text(&attr);
        attrs.push((key, value));
    }
    Element {
        name: local(start.name().as_ref()),
        attrs,
        children: Vec::new(),
    }
}

/// Why a part could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// Not well-formed enough to read (with the position and cause).
    Invalid(String),
    /// Elements nested deeper than the limit (`--max-xml-depth`).
    TooDeep(usize),
    /// A DTD that declares entities: how expansion bombs start.
    Entities,
}

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlError::Invalid(why) => f.write_str(why),
            XmlError::TooDeep(limit) => write!(
                f,
                "nests XML elements more than {limit} levels deep (--max-xml-depth)"
            ),
            XmlError::Entities => f.write_str(
                "declares a DTD with entities: XML entity expansion is not allowed (a billion-laughs bomb?)",
            ),
        }
    }
}

impl XmlError {
    /// The document error for this problem in `part` of a `kind` package.
    pub fn for_part(self, kind: &str, part: &str) -> crate::convert::ConvertError {
        use crate::convert::ConvertError;
        match self {
            XmlError::Invalid(why) => {
                ConvertError::Corrupt(format!("damaged {kind}: {part}: {why}"))
            }
            other => ConvertError::ResourceLimit(format!("{part} {other}")),
        }
    }
}

/// The nesting depth of a part read as a stream of events, checked against the limit.
#[derive(Debug, Clone, Copy)]
pub struct Depth {
    now: usize,
    max: usize,
}

impl Depth {
    pub fn new(max: usize) -> Depth {
        Depth { now: 0, max }
    }

    /// Accounts for an event: a start tag goes deeper (an error past the limit), an end tag
    /// comes back, a DOCTYPE that declares entities is refused.
    pub fn see(&mut self, event: &Event<'_>) -> Result<(), XmlError> {
        match event {
            Event::Start(_) => {
                self.now += 1;
                if self.now > self.max {
                    return Err(XmlError::TooDeep(self.max));
                }
            }
            Event::End(_) => self.now = self.now.saturating_sub(1),
            Event::DocType(d) if declares_entities(d) => return Err(XmlError::Entities),
            _ => {}
        }
        Ok(())
    }
}

/// Whether a DOCTYPE declares entities.
pub fn declares_entities(doctype: &[u8]) -> bool {
    crate::sniff::find(doctype, b"ENTITY").is_some()
}

/// Parses a part into its root element with the default depth limit (for tests).
#[cfg(test)]
pub fn parse(xml: &[u8]) -> Result<Element, XmlError> {
    parse_limited(xml, crate::convert::Limits::default().max_xml_depth)
}

/// Parses a part into its root element, refusing elements nested deeper than `max_depth`.
pub fn parse_limited(xml: &[u8], max_depth: usize) -> Result<Element, XmlError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| {
            XmlError::Invalid(format!(
                "invalid XML at byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(start) => {
                if stack.len() > max_depth {
                    return Err(XmlError::TooDeep(max_depth));
                }
                stack.push(element_from(&start));
            }
            Event::Empty(start) => {
                let element = element_from(&start);
                push(&mut stack, Node::Element(element));
            }
            Event::End(_) => {
                if stack.len() > 1 {
                    let done = stack.pop().expect("non-empty");
                    push(&mut stack, Node::Element(done));
                }
            }
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map(|t| t.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(&text).into_owned());
                push_text(&mut stack, &text);
            }
            Event::CData(data) => {
                let text = String::from_utf8_lossy(&data).into_owned();
                push_text(&mut stack, &text);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                if let Some(c) = resolve_reference(&name) {
                    push_text(&mut stack, &c);
                }
            }
            Event::DocType(d) => {
                // Entities are never expanded here, but a part that declares them is refused:
                // that is how an expansion bomb starts.
                if declares_entities(&d) {
                    return Err(XmlError::Entities);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    // Unclosed elements (a truncated part): close them.
    while stack.len() > 1 {
        let done = stack.pop().expect("non-empty");
        push(&mut stack, Node::Element(done));
    }
    let mut root = stack.pop().expect("root");
    match root
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(_)))
    {
        Some(i) => match root.children.swap_remove(i) {
            Node::Element(e) => Ok(e),
            Node::Text(_) => unreachable!(),
        },
        None => Err(XmlError::Invalid("the part has no root element".into())),
    }
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(last)) = top.children.last_mut() {
            last.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_string()));
        }
    }
}

/// The text of an entity or character reference (`amp`, `#x2013`).
pub fn resolve_reference(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    quick_xml::escape::resolve_xml_entity(name).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_text_and_entities() {
        let root = parse(
            br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve">a &amp; b &#x2013; c</w:t></w:r><w:pStyle w:val="Heading1"/></w:p></w:body></w:document>"#,
        )
        .unwrap();
        assert_eq!(root.name, "document");
        let p = root.child("body").unwrap().child("p").unwrap();
        assert_eq!(p.text(), "a & b – c");
        assert_eq!(p.child_val("pStyle"), Some("Heading1"));
    }

    #[test]
    fn toggles() {
        let rpr =
            parse(br#"<rPr><b/><i w:val="0"/><strike w:val="true"/><caps w:val="False"/></rPr>"#)
                .unwrap();
        assert_eq!(toggle(Some(&rpr), "b"), Some(true));
        assert_eq!(toggle(Some(&rpr), "i"), Some(false));
        assert_eq!(toggle(Some(&rpr), "strike"), Some(true));
        assert_eq!(toggle(Some(&rpr), "u"), None);
        assert_eq!(toggle(Some(&rpr), "caps"), Some(false));
    }

    #[test]
    fn truncated_parts_still_parse_and_dtds_do_not() {
        assert!(parse(b"<a><b>text").is_ok());
        assert_eq!(
            parse(b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>").unwrap_err(),
            XmlError::Entities
        );
        assert!(parse(b"<!DOCTYPE script:module SYSTEM \"module.dtd\"><a/>").is_ok());
        let deep = format!("{}{}", "<a>".repeat(50), "</a>".repeat(50));
        assert!(parse_limited(deep.as_bytes(), 50).is_ok());
        assert_eq!(
            parse_limited(deep.as_bytes(), 49).unwrap_err(),
            XmlError::TooDeep(49)
        );
    }
}
