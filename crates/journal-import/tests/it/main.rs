//! Integration tests of journal-import: the aSc samples (read at run time from the shared folder,
//! never copied into the project) and CSV / XLSX files built in the tests.

mod apply;
mod asc_mapping;
mod asc_samples;
mod fet;
mod fixtures;
mod names;
mod tabular_files;
