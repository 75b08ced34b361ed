//! A small institution snapshot to import into.
