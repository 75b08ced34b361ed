//! The family diary's rows on SQLite (see `storage::diary`).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, StudentId, UserId};
use rusqlite::{params, OptionalExtension};

use super::{parse_id, parse_time, time_text, SqliteStorage};
use crate::error::StorageError;
use crate::storage::diary::{Acknowledgement, DiaryStorage};

#[async_trait]
impl DiaryStorage for SqliteStorage {
    async fn diary_consent(
        &self,
        user_id: UserId,
        version: &str,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        let version = version.to_string();
        self.read(move |c| {
            let at: Option<String> = c
                .prepare_cached(
                    "SELECT given_at FROM diary_consents WHERE user_id = ?1 AND version = ?2",
                )?
                .query_row(params![user_id.to_string(), version], |r| r.get(0))
                .optional()?;
            at.as_deref().map(parse_time).transpose()
        })
        .await
    }

    async fn record_diary_consent(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        version: &str,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError> {
        let version = version.to_string();
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO diary_consents (institution_id, user_id, version, given_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (institution_id, user_id, version) DO NOTHING",
            )?
            .execute(params![
                institution_id.to_string(),
                user_id.to_string(),
                version,
                time_text(&now)
            ])?;
            let at: String = c
                .prepare_cached(
                    "SELECT given_at FROM diary_consents WHERE user_id = ?1 AND version = ?2",
                )?
                .query_row(params![user_id.to_string(), version], |r| r.get(0))?;
            parse_time(&at)
        })
        .await
    }

    async fn diary_acknowledgements(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Acknowledgement>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT user_id, period_id, acknowledged_at FROM diary_acknowledgements
                 WHERE institution_id = ?1 AND student_id = ?2 ORDER BY acknowledged_at",
            )?;
            let rows = stmt.query_map(
                params![institution_id.to_string(), student_id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (user, period, at) = row?;
                out.push(Acknowledgement {
                    user_id: parse_id(&user)?,
                    student_id,
                    period_id: parse_id(&period)?,
                    at: parse_time(&at)?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn record_diary_acknowledgement(
        &self,
        institution_id: InstitutionId,
        ack: Acknowledgement,
    ) -> Result<NaiveDateTime, StorageError> {
        self.write(move |c| {
            let key = (
                ack.user_id.to_string(),
                ack.student_id.to_string(),
                ack.period_id.to_string(),
            );
            c.prepare_cached(
                "INSERT INTO diary_acknowledgements (institution_id, user_id, student_id, period_id, acknowledged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (institution_id, user_id, student_id, period_id) DO NOTHING",
            )?
            .execute(params![
                institution_id.to_string(),
                key.0,
                key.1,
                key.2,
                time_text(&ack.at)
            ])?;
            let at: String = c
                .prepare_cached(
                    "SELECT acknowledged_at FROM diary_acknowledgements
                     WHERE user_id = ?1 AND student_id = ?2 AND period_id = ?3",
                )?
                .query_row(params![key.0, key.1, key.2], |r| r.get(0))?;
            parse_time(&at)
        })
        .await
    }

    async fn log_diary_view(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        student_id: StudentId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO diary_views (institution_id, user_id, student_id, viewed_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                institution_id.to_string(),
                user_id.to_string(),
                student_id.to_string(),
                time_text(&now)
            ])?;
            Ok(())
        })
        .await
    }

    async fn last_diary_views(
        &self,
        institution_id: InstitutionId,
    ) -> Result<HashMap<UserId, NaiveDateTime>, StorageError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT user_id, MAX(viewed_at) FROM diary_views WHERE institution_id = ?1 GROUP BY user_id",
            )?;
            let rows = stmt.query_map(params![institution_id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = HashMap::new();
            for row in rows {
                let (user, at) = row?;
                out.insert(parse_id(&user)?, parse_time(&at)?);
            }
            Ok(out)
        })
        .await
    }
}
