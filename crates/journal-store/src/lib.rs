//! journal-store (being written)
