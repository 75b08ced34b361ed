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
        "0010_final_columns",
        include_str!("../migrations/0010_final_columns.sql"),
    ),
    (
        "0011_subject_module",
        include_str!("../migrations/0011_subject_module.sql"),
    ),
    (
        "0012_control_works",
        include_str!("../migrations/0012_control_works.sql"),
    ),
    (
        "0013_pending_parent_notes",
        include_str!("../migrations/0013_pending_parent_notes.sql"),
    ),
    (
        "0014_busy_slots",
        include_str!("../migrations/0014_busy_slots.sql"),
    ),
    (
        "0015_outbox_targets",
        include_str!("../migrations/0015_outbox_targets.sql"),
    ),
];

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_copy_before_the_final_columns_keeps_its_finals_as_period_finals() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("in-memory database");
        let m = super::migrations();
        m.to_version(&mut conn, 9)
            .expect("the schema of migration 0009");
        // Rows without their parents: the finals' table is what the test is about.
        conn.execute_batch("PRAGMA foreign_keys = OFF;")
            .expect("foreign keys off");
        conn.execute(
            "INSERT INTO finals (load_id, period_id, student_id, value, entered_at, author_id)
             VALUES ('l', 'p', 's', '{\"kind\":\"pass\"}', '2026-12-20T10:00:00', 'u')",
            [],
        )
        .expect("a final of the older copy");
        conn.execute(
            "INSERT INTO subjects (id, name, short_name, kind) VALUES ('x', 'Математика', 'Мат', 'discipline')",
            [],
        )
        .expect("a subject of the older copy");
        m.to_latest(&mut conn).expect("the copy migrates");
        let (column, value): (String, String) = conn
            .query_row(
                "SELECT final_column, value FROM finals WHERE load_id = 'l'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the final is still there");
        assert_eq!(column, "period", "a final from before is a period final");
        assert_eq!(value, "{\"kind\":\"pass\"}", "its value is kept");
        let grading: String = conn
            .query_row("SELECT grading FROM subjects WHERE id = 'x'", [], |r| {
                r.get(0)
            })
            .expect("the subject");
        assert_eq!(grading, "five_point", "a subject from before is five-point");
    }

    #[test]
    fn migrations_are_valid() {
        assert!(
            super::migrations().validate().is_ok(),
            "every migration must apply to an empty database"
        );
    }
}
