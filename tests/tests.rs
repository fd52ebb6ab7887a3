//! Integration tests: they drive the real docproc binary on files in temporary trees.
//!
//! One test crate (`autotests = false`), modules by theme. Fixtures come from `fixtures/` (made by
//! `fixtures/make_fixtures.py`); expected Markdown lives in `fixtures/expected/`.

mod support;

mod cache;
mod cli;
mod crash;
mod documents;
mod docx;
mod failures;
mod generated;
mod hostile;
mod ocr;
mod office;
mod ops;
mod shards;
mod snapshots;
mod walk;
mod web;
