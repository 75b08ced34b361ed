//! Integration tests of journal-api on a real local store in a temp dir, with a fixed clock: the
//! demo teacher's copy, today's lessons, every write, and refusals that must change nothing; and
//! sign-in and sync against a real journal server on 127.0.0.1.

mod attendance;
mod attestation;
mod control_works;
mod convergence;
mod damaged;
mod faults;
mod fixture;
mod https;
mod identical;
mod kill_client;
mod makeup;
mod messages;
mod one_gate;
mod parent_notes;
mod postpone;
mod print;
mod proxy;
mod reads;
mod refsync;
mod refusals;
mod rekey;
mod remarks;
mod reopen;
mod rescue;
mod seen;
mod server;
mod server_view;
mod suggestions;
mod sync;
mod update;
mod writes;
