//! journal-print (being written)
