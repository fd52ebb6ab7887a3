//! Equations: Office Math (DOCX) and MathML (ODT formula objects) read into one tree and written
//! as LaTeX by one writer.

mod latex;
mod mathml;
mod omml;

pub use latex::{Math, to_latex};
pub use mathml::read as read_mathml;
pub use omml::read as read_omml;

/// Elements nested deeper than this are read as their text.
const MAX_DEPTH: usize = 200;
