//! Integration tests of journal-api on a real local store in a temp dir, with a fixed clock: the
//! demo teacher's copy, today's lessons, every write, and refusals that must change nothing.

mod fixture;
mod reads;
mod refusals;
mod writes;
