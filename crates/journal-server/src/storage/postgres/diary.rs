//! The family diary's rows on PostgreSQL (see `storage::diary`).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use journal_core::{InstitutionId, StudentId, UserId};

use super::{parse_id, parse_time, time_text, PostgresStorage};
use crate::error::StorageError;
use crate::storage::diary::{Acknowledgement, DiaryStorage};

#[async_trait]
impl DiaryStorage for PostgresStorage {
    async fn diary_consent(
        &self,
        user_id: UserId,
        version: &str,
    ) -> Result<Option<NaiveDateTime>, StorageError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT given_at FROM diary_consents WHERE user_id = $1 AND version = $2",
                &[&user_id.to_string(), &version],
            )
            .await?;
        row.map(|r| parse_time(r.get::<_, &str>(0))).transpose()
    }

    async fn record_diary_consent(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        version: &str,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO diary_consents (institution_id, user_id, version, given_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (institution_id, user_id, version) DO NOTHING",
                &[
                    &institution_id.to_string(),
                    &user_id.to_string(),
                    &version,
                    &time_text(&now),
                ],
            )
            .await?;
        let row = client
            .query_one(
                "SELECT given_at FROM diary_consents WHERE user_id = $1 AND version = $2",
                &[&user_id.to_string(), &version],
            )
            .await?;
        parse_time(row.get::<_, &str>(0))
    }

    async fn diary_acknowledgements(
        &self,
        institution_id: InstitutionId,
        student_id: StudentId,
    ) -> Result<Vec<Acknowledgement>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT user_id, period_id, acknowledged_at FROM diary_acknowledgements
                 WHERE institution_id = $1 AND student_id = $2 ORDER BY acknowledged_at",
                &[&institution_id.to_string(), &student_id.to_string()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Acknowledgement {
                    user_id: parse_id(r.get::<_, &str>(0))?,
                    student_id,
                    period_id: parse_id(r.get::<_, &str>(1))?,
                    at: parse_time(r.get::<_, &str>(2))?,
                })
            })
            .collect()
    }

    async fn record_diary_acknowledgement(
        &self,
        institution_id: InstitutionId,
        ack: Acknowledgement,
    ) -> Result<NaiveDateTime, StorageError> {
        let client = self.pool.get().await?;
        let (user, student, period) = (
            ack.user_id.to_string(),
            ack.student_id.to_string(),
            ack.period_id.to_string(),
        );
        client
            .execute(
                "INSERT INTO diary_acknowledgements (institution_id, user_id, student_id, period_id, acknowledged_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (institution_id, user_id, student_id, period_id) DO NOTHING",
                &[
                    &institution_id.to_string(),
                    &user,
                    &student,
                    &period,
                    &time_text(&ack.at),
                ],
            )
            .await?;
        let row = client
            .query_one(
                "SELECT acknowledged_at FROM diary_acknowledgements
                 WHERE user_id = $1 AND student_id = $2 AND period_id = $3",
                &[&user, &student, &period],
            )
            .await?;
        parse_time(row.get::<_, &str>(0))
    }

    async fn log_diary_view(
        &self,
        institution_id: InstitutionId,
        user_id: UserId,
        student_id: StudentId,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO diary_views (institution_id, user_id, student_id, viewed_at) VALUES ($1, $2, $3, $4)",
                &[
                    &institution_id.to_string(),
                    &user_id.to_string(),
                    &student_id.to_string(),
                    &time_text(&now),
                ],
            )
            .await?;
        Ok(())
    }

    async fn last_diary_views(
        &self,
        institution_id: InstitutionId,
    ) -> Result<HashMap<UserId, NaiveDateTime>, StorageError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT user_id, MAX(viewed_at) FROM diary_views WHERE institution_id = $1 GROUP BY user_id",
                &[&institution_id.to_string()],
            )
            .await?;
        let mut out = HashMap::new();
        for r in &rows {
            out.insert(
                parse_id(r.get::<_, &str>(0))?,
                parse_time(r.get::<_, &str>(1))?,
            );
        }
        Ok(out)
    }
}
