//! Device clocks that disagree with the server's. Entry times are the device's (DESIGN.md "Entry time
//! is the time the teacher entered it"), so a device whose clock runs late can backdate entries
//! without anyone noticing. A device sends its clock with each push ([`DEVICE_CLOCK_HEADER`]); when
//! it is further than [`DEVICE_CLOCK_TOLERANCE_MINUTES`] from the server's (in the institution's
//! local time), the push is flagged in the audit chain (`device_clock_skew`, with the device, the
//! user, both clocks and the ops of the push), and the deputy sees the flags at
//! `GET /api/v1/admin/clock-skews`. A clock *ahead* is also refused per op by the authority.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDateTime;
use journal_core::{permissions, Action, InstitutionId, Policy, Scope};
use journal_protocol::{Op, DEVICE_CLOCK_HEADER};
use serde::{Deserialize, Serialize};

use crate::authority::{local_time, DEVICE_CLOCK_TOLERANCE_MINUTES};
use crate::error::{ApiError, ErrorBody};
use crate::http::Authenticated;
use crate::storage::AdminAction;
use crate::AppState;

/// The audit kind of a flagged push.
pub const CLOCK_SKEW_KIND: &str = "device_clock_skew";

/// Flags shown at most (newest first).
const MAX_FLAGS: u32 = 1_000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/admin/clock-skews", get(clock_skews))
}

/// What the server needs of an institution to compare clocks and check the reader's right.
#[derive(Clone)]
pub(crate) struct InstitutionClock {
    pub timezone: String,
    pub policy: Policy,
}

/// Institutions' zones and policies, read once per server (a push must not read the whole
/// institution to learn its zone). An admin import that changes either takes effect on restart.
pub(crate) type InstitutionClocks = Arc<Mutex<HashMap<InstitutionId, InstitutionClock>>>;

pub(crate) async fn institution_clock(
    state: &AppState,
    inst: InstitutionId,
) -> Result<InstitutionClock, ApiError> {
    if let Some(c) = state
        .institution_clocks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&inst)
        .cloned()
    {
        return Ok(c);
    }
    let (snap, _) = state.storage.snapshot(inst).await?;
    let c = InstitutionClock {
        timezone: snap.institution.timezone,
        policy: snap.institution.policy,
    };
    state
        .institution_clocks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(inst, c.clone());
    Ok(c)
}

/// The device's clock from the push's header (institution local time, `YYYY-MM-DDTHH:MM:SS`);
/// None if absent or unreadable (an older client: nothing to compare).
pub fn device_clock(headers: &HeaderMap) -> Option<NaiveDateTime> {
    let text = headers.get(DEVICE_CLOCK_HEADER)?.to_str().ok()?;
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%.f").ok()
}

/// Records a `device_clock_skew` audit entry when the device's clock is off by more than the
/// tolerance. Called after the push was answered by the storage; returns the skew in seconds
/// (device minus server) when it flagged.
pub async fn flag_push(
    state: &AppState,
    auth: &Authenticated,
    device_clock: NaiveDateTime,
    ops: &[Op],
) -> Result<Option<i64>, ApiError> {
    let inst = auth.session.institution_id;
    let clock = institution_clock(state, inst).await?;
    let utc = state.config.now();
    let server_local = local_time(&clock.timezone, utc).unwrap_or(utc);
    let skew = (device_clock - server_local).num_seconds();
    if skew.abs() <= DEVICE_CLOCK_TOLERANCE_MINUTES * 60 {
        return Ok(None);
    }
    let op_ids: Vec<String> = ops.iter().map(|o| o.op_id.to_string()).collect();
    state
        .storage
        .append_admin_action(
            AdminAction {
                institution_id: inst,
                kind: CLOCK_SKEW_KIND.into(),
                author_id: Some(auth.session.user_id),
                device_id: Some(auth.session.device_id),
                subject: auth.session.device_id.to_string(),
                detail: serde_json::json!({
                    "device_clock": device_clock,
                    "server_local": server_local,
                    "skew_seconds": skew,
                    "op_ids": op_ids,
                }),
            },
            utc,
        )
        .await?;
    Ok(Some(skew))
}

/// One flagged push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockSkew {
    /// Position of the flag in the audit chain.
    pub audit_seq: u64,
    pub device_id: Option<String>,
    pub user_id: Option<String>,
    /// UTC, when the server received the push.
    // Without an offset on the wire (local date-time).
    #[schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$")]
    pub server_time: NaiveDateTime,
    /// The device's and the server's clocks, institution local time.
    // Without an offset on the wire (local date-time).
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$")]
    pub device_clock: Option<NaiveDateTime>,
    // Without an offset on the wire (local date-time).
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$")]
    pub server_local: Option<NaiveDateTime>,
    /// Device minus server; negative: the device's clock is late.
    pub skew_seconds: i64,
    /// The ops of that push (their entry times are by the skewed clock).
    pub op_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockSkewReport {
    /// Tolerance in minutes beyond which a clock is flagged.
    pub tolerance_minutes: i64,
    /// Newest first.
    pub flags: Vec<ClockSkew>,
}

#[utoipa::path(get, path = "/api/v1/admin/clock-skews", tag = "admin", security(("bearer" = [])),
    params(("x-journal-protocol" = u32, Header, description = "Версия протокола клиента")),
    responses(
        (status = 200, description = "Отправки с устройств, часы которых расходятся с часами сервера", body = ClockSkewReport),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Нужны права заместителя руководителя или администратора", body = ErrorBody)))]
async fn clock_skews(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<ClockSkewReport>, ApiError> {
    let inst = auth.session.institution_id;
    let account = crate::http::signed_in_account(&state, &auth).await?;
    let clock = institution_clock(&state, inst).await?;
    // Whoever may read the whole institution's journal (deputy, director, admin) sees the flags.
    let allowed = account.user.grants.iter().any(|g| {
        permissions::check(
            g.role,
            Action::ReadJournal,
            Scope::Institution,
            &clock.policy,
        )
        .is_ok()
    });
    if !allowed {
        return Err(ApiError::forbidden(
            "Расхождения часов устройств видит заместитель руководителя или администратор",
        ));
    }
    let entries = state
        .storage
        .audit_entries(inst, CLOCK_SKEW_KIND, MAX_FLAGS)
        .await?;
    let flags = entries
        .into_iter()
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            let time = |k: &str| {
                detail
                    .get(k)
                    .and_then(|v| serde_json::from_value::<NaiveDateTime>(v.clone()).ok())
            };
            ClockSkew {
                audit_seq: e.seq,
                device_id: e.device_id,
                user_id: e.author_id,
                server_time: e.server_time,
                device_clock: time("device_clock"),
                server_local: time("server_local"),
                skew_seconds: detail
                    .get("skew_seconds")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or_default(),
                op_ids: detail
                    .get("op_ids")
                    .and_then(|v| serde_json::from_value(v.clone()).ok())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(Json(ClockSkewReport {
        tolerance_minutes: DEVICE_CLOCK_TOLERANCE_MINUTES,
        flags,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(clock_skews), components(schemas(ClockSkew, ClockSkewReport)))]
pub struct ClockApiDoc;
