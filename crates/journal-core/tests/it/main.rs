//! journal-core integration tests: whole scenarios through several rules at once, the way the app
//! and the server call them (parse what was typed → classify the change → time rules → locks →
//! permissions → deadlines → finals → reports).

mod scenarios;
