//! Integration tests: they drive the real docproc binary on files in temporary trees.
