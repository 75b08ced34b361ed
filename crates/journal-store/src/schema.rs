//! Schema migrations. Append-only: a shipped migration's text never changes (a test pins the
//! sha256 of each); a schema change is a new file added at the end of [`MIGRATIONS`].

use rusqlite_migration::{Migrations, M};

/// (name, SQL) of every migration in order.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../migrations/0001_initial.sql"),
    ),
    (
        "0002_reopenings",
        include_str!("../migrations/0002_reopenings.sql"),
    ),
    (
        "0003_reference_version",
        include_str!("../migrations/0003_reference_version.sql"),
    ),
    (
        "0004_outbox_seen_seq",
        include_str!("../migrations/0004_outbox_seen_seq.sql"),
    ),
    (
        "0005_pending_suggestions",
        include_str!("../migrations/0005_pending_suggestions.sql"),
    ),
    (
        "0006_individual_plans",
        include_str!("../migrations/0006_individual_plans.sql"),
    ),
    (
        "0007_pending_messages",
        include_str!("../migrations/0007_pending_messages.sql"),
    ),
    (
        "0008_remark_cycle",
        include_str!("../migrations/0008_remark_cycle.sql"),
    ),
    (
        "0009_lesson_change_reason",
        include_str!("../migrations/0009_lesson_change_reason.sql"),
    ),
    (
        "0010_subject_grading",
        include_str!("../migrations/0010_subject_grading.sql"),
    ),
];

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(
            super::migrations().validate().is_ok(),
            "every migration must apply to an empty database"
        );
    }
}
