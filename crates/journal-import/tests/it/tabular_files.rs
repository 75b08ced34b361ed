//! CSV and XLSX files built in the tests.
