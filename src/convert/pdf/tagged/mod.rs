//! Tagged PDF: the structure tree (PDF 14.7–14.8) read into [`Elem`]s, and laid out as blocks by
//! `blocks.rs` in place of the layout heuristics.
//!
//! Word, LibreOffice, Chrome and InDesign write a tree of structure elements (`H1`, `P`, `L`/`LI`,
//! `Table`/`TR`/`TD`, `BlockQuote`, `Figure`...) whose leaves are marked-content identifiers
//! (MCIDs) on pages; the interpreter stamps each character with the MCID it is drawn in
//! ([`super::layout::Tag`]). Custom element types go through the document's `RoleMap` to the
//! standard ones. The tree is a hint from the file's maker, and can be empty or wrong: it is used
//! only when it accounts for nearly all of the text the pages draw (see `blocks::layout`).

mod blocks;

use std::collections::{HashMap, HashSet};

use pdf_extract::{Dictionary, Document, Object, ObjectId};

pub(super) use blocks::layout;

/// The deepest structure tree read (deeper: the rest is ignored).
const MAX_DEPTH: usize = 100;
/// The most structure nodes read from one document.
const MAX_NODES: usize = 2_000_000;

/// A standard structure type (PDF 1.7 14.8.4, PDF 2.0 14.8.4), after the role map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Document, Part, Art, Sect, Div, NonStruct, Private, Aside and unknown types: their
    /// children stand for them.
    Group,
    /// A section (`Sect`): a group that also deepens unnumbered `H` headings.
    Sect,
    Heading(u8),
    /// `H`: a heading whose level is its section depth.
    H,
    Paragraph,
    List,
    ListItem,
    Label,
    ListBody,
    Table,
    /// THead, TBody, TFoot: rows.
    RowGroup,
    Row,
    Cell {
        header: bool,
    },
    BlockQuote,
    Code,
    Figure,
    /// Span, Em, Strong, Quote, Reference, Link, Sub, Ruby, Warichu, Annot...: text within a
    /// paragraph.
    Inline,
    Toc,
    TocItem,
    Artifact,
}

/// A structure element and its children.
#[derive(Debug, Clone)]
pub(super) struct Elem {
    pub(super) role: Role,
    pub(super) kids: Vec<Node>,
    /// `Alt` (figures, formulas): the words that stand for the element.
    pub(super) alt: Option<String>,
    /// `ActualText`: the exact text the content stands for (ligatures, symbols drawn as paths).
    pub(super) actual_text: Option<String>,
    /// The URI of a link annotation the element refers to (`Link` with an `OBJR`).
    pub(super) uri: Option<String>,
    /// A cell's (column span, row span) from its `Table` attributes.
    pub(super) span: (usize, usize),
    /// A list's `ListNumbering` attribute says its items are numbered.
    pub(super) numbered: bool,
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Elem(Elem),
    /// Marked content: the page (index in the document's page order) and its identifier.
    Content {
        page: usize,
        mcid: u32,
    },
}

/// The document's structure tree, or None when it has none (or nothing in it).
pub(super) fn structure_tree(doc: &Document) -> Option<Elem> {
    let catalog = doc.catalog().ok()?;
    let root = catalog
        .get_deref(b"StructTreeRoot", doc)
        .and_then(Object::as_dict)
        .ok()?;
    let role_map: HashMap<Vec<u8>, Vec<u8>> = root
        .get_deref(b"RoleMap", doc)
        .and_then(Object::as_dict)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_name().ok()?.to_vec())))
                .collect()
        })
        .unwrap_or_default();
    let pages: HashMap<ObjectId, usize> = doc
        .get_pages()
        .values()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let mut reader = Reader {
        doc,
        role_map,
        pages,
        seen: HashSet::new(),
        nodes: 0,
    };
    let mut kids = Vec::new();
    if let Ok(k) = root.get(b"K") {
        reader.kids(k, None, 0, &mut kids);
    }
    (!kids.is_empty()).then(|| Elem::group(kids))
}

impl Elem {
    fn group(kids: Vec<Node>) -> Elem {
        Elem {
            role: Role::Group,
            kids,
            alt: None,
            actual_text: None,
            uri: None,
            span: (1, 1),
            numbered: false,
        }
    }
}

struct Reader<'a> {
    doc: &'a Document,
    role_map: HashMap<Vec<u8>, Vec<u8>>,
    pages: HashMap<ObjectId, usize>,
    /// Elements already read: a tree that loops back on itself is read once.
    seen: HashSet<ObjectId>,
    nodes: usize,
}

impl Reader<'_> {
    /// The children in `k` (an element, an MCID, a marked-content or object reference, or an
    /// array of them), on page `page` unless they say otherwise.
    fn kids(&mut self, k: &Object, page: Option<usize>, depth: usize, out: &mut Vec<Node>) {
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return;
        }
        self.nodes += 1;
        let (id, k) = match k {
            Object::Reference(id) => match self.doc.get_object(*id) {
                Ok(object) => (Some(*id), object),
                Err(_) => return,
            },
            other => (None, other),
        };
        match k {
            Object::Array(items) => {
                for item in items {
                    self.kids(item, page, depth + 1, out);
                }
            }
            Object::Integer(mcid) => {
                if let (Some(page), Ok(mcid)) = (page, u32::try_from(*mcid)) {
                    out.push(Node::Content { page, mcid });
                }
            }
            Object::Dictionary(dict) => {
                if let Some(id) = id
                    && !self.seen.insert(id)
                {
                    return;
                }
                let page = self.page_of(dict).or(page);
                match dict.get(b"Type").and_then(Object::as_name).ok() {
                    // Content in a form XObject's stream (`Stm`) has identifiers of its own,
                    // which the interpreter does not stamp.
                    Some(b"MCR") if dict.get(b"Stm").is_err() => {
                        let mcid = dict.get(b"MCID").and_then(Object::as_i64).ok();
                        if let (Some(page), Some(Ok(mcid))) = (page, mcid.map(u32::try_from)) {
                            out.push(Node::Content { page, mcid });
                        }
                    }
                    Some(b"MCR" | b"OBJR") => {}
                    _ => {
                        if let Some(elem) = self.elem(dict, page, depth) {
                            out.push(Node::Elem(elem));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn elem(&mut self, dict: &Dictionary, page: Option<usize>, depth: usize) -> Option<Elem> {
        let kind = dict.get(b"S").and_then(Object::as_name).ok()?;
        let role = self.role(kind);
        let text = |key: &[u8]| {
            dict.get_deref(key, self.doc)
                .and_then(Object::as_str)
                .ok()
                .map(super::decode_pdf_string)
                .filter(|t| !t.trim().is_empty())
        };
        let alt = text(b"Alt");
        let actual_text = text(b"ActualText");
        let attributes = self.attributes(dict);
        let number = |key: &[u8]| {
            attributes
                .iter()
                .find_map(|a| a.get(key).and_then(Object::as_i64).ok())
                .map_or(1, |n| n.clamp(1, 1000) as usize)
        };
        let span = (number(b"ColSpan"), number(b"RowSpan"));
        let numbered = attributes.iter().any(|a| {
            a.get(b"ListNumbering")
                .and_then(Object::as_name)
                .is_ok_and(|n| {
                    matches!(
                        n,
                        b"Decimal" | b"UpperRoman" | b"LowerRoman" | b"UpperAlpha" | b"LowerAlpha"
                    )
                })
        });
        let mut kids = Vec::new();
        let mut uri = None;
        if let Ok(k) = dict.get(b"K") {
            if role == Role::Inline {
                uri = self.link_target(k);
            }
            self.kids(k, page, depth + 1, &mut kids);
        }
        Some(Elem {
            role,
            kids,
            alt,
            actual_text,
            uri,
            span,
            numbered,
        })
    }

    /// The element's page (`Pg`), as an index in the page order.
    fn page_of(&self, dict: &Dictionary) -> Option<usize> {
        let id = dict.get(b"Pg").and_then(Object::as_reference).ok()?;
        self.pages.get(&id).copied()
    }

    /// The standard type a structure type stands for, through the role map (chains of at most
    /// a few steps; a loop or an unknown name ends as a group).
    fn role(&self, kind: &[u8]) -> Role {
        let mut kind = kind;
        for _ in 0..8 {
            if let Some(role) = standard_role(kind) {
                return role;
            }
            match self.role_map.get(kind) {
                Some(next) => kind = next,
                None => break,
            }
        }
        Role::Group
    }

    /// The attribute dictionaries of an element (`A`: a dictionary, or an array of them with
    /// revision numbers between).
    fn attributes<'d>(&'d self, dict: &'d Dictionary) -> Vec<&'d Dictionary> {
        match dict.get_deref(b"A", self.doc) {
            Ok(Object::Dictionary(d)) => vec![d],
            Ok(Object::Array(items)) => items
                .iter()
                .filter_map(|o| self.doc.dereference(o).ok()?.1.as_dict().ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The URI of the first link annotation among an element's object references.
    fn link_target(&self, k: &Object) -> Option<String> {
        let items: Vec<&Object> = match self.doc.dereference(k).ok()?.1 {
            Object::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        items.into_iter().find_map(|item| {
            let reference = self.doc.dereference(item).ok()?.1.as_dict().ok()?;
            if reference.get(b"Type").and_then(Object::as_name).ok() != Some(b"OBJR") {
                return None;
            }
            let annot = reference
                .get_deref(b"Obj", self.doc)
                .and_then(Object::as_dict)
                .ok()?;
            let uri = annot
                .get_deref(b"A", self.doc)
                .and_then(Object::as_dict)
                .ok()?
                .get_deref(b"URI", self.doc)
                .and_then(Object::as_str)
                .ok()?;
            let uri = String::from_utf8_lossy(uri).trim().to_string();
            (!uri.is_empty() && !uri.to_ascii_lowercase().starts_with("file:")).then_some(uri)
        })
    }
}

/// The role of a standard structure type, None for a type the standards do not define.
fn standard_role(kind: &[u8]) -> Option<Role> {
    Some(match kind {
        b"Document" | b"DocumentFragment" | b"Part" | b"Art" | b"Div" | b"NonStruct"
        | b"Private" | b"Aside" | b"Index" | b"Form" => Role::Group,
        b"Sect" => Role::Sect,
        b"H1" | b"H2" | b"H3" | b"H4" | b"H5" | b"H6" => Role::Heading(kind[1] - b'0'),
        b"Title" => Role::Heading(1),
        b"H" => Role::H,
        b"P" | b"Caption" | b"Note" | b"FENote" | b"BibEntry" | b"Formula" => Role::Paragraph,
        b"L" => Role::List,
        b"LI" => Role::ListItem,
        b"Lbl" => Role::Label,
        b"LBody" => Role::ListBody,
        b"Table" => Role::Table,
        b"THead" | b"TBody" | b"TFoot" => Role::RowGroup,
        b"TR" => Role::Row,
        b"TH" => Role::Cell { header: true },
        b"TD" => Role::Cell { header: false },
        b"BlockQuote" => Role::BlockQuote,
        b"Code" => Role::Code,
        b"Figure" => Role::Figure,
        b"Span" | b"Em" | b"Strong" | b"Quote" | b"Reference" | b"Link" | b"Sub" | b"Ruby"
        | b"RB" | b"RT" | b"RP" | b"Warichu" | b"WT" | b"WP" | b"Annot" => Role::Inline,
        b"TOC" => Role::Toc,
        b"TOCI" => Role::TocItem,
        b"Artifact" => Role::Artifact,
        _ => return None,
    })
}
