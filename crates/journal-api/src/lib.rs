//! journal-api (being written)
