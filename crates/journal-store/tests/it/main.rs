//! journal-store integration tests: edits round-trip, the outbox chain verifies and detects
//! tampering, migrations are append-only, encryption, import shadowing, and a SIGKILL crash loop.

mod crash;
mod demo;
mod edits;
mod encryption;
mod export;
mod fixture;
mod import;
mod messages;
mod migrations;
mod model;
mod queries;
mod reopen;
mod replaced;
mod salvage;
