//! The bodies of a sync over HTTP (push and pull), one definition for the server that answers them
//! and the client that sends them. With the `openapi` feature they also describe themselves for the
//! server's OpenAPI document (utoipa).

use chrono::NaiveDateTime;
use journal_core::{DeviceId, OpId, UserId};
use serde::{Deserialize, Serialize};

use crate::{Op, OpOutcome, OpPayload};

/// Name of the header that carries the client's protocol version on every request.
pub const PROTOCOL_HEADER: &str = "x-journal-protocol";

/// Name of the header with the device's clock when it pushes (institution local time,
/// `YYYY-MM-DDTHH:MM:SS`): the server flags a device whose clock is far from its own.
pub const DEVICE_CLOCK_HEADER: &str = "x-journal-device-clock";

/// `POST /api/v1/sync/push`: a device's ops, in device_seq order. Unknown fields are refused, so a
/// client's typo is a clear 400 rather than a silently ignored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// journal-protocol `Op`s, in device_seq order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub ops: Vec<Op>,
}

/// The server's answer to one op of a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpResult {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub op_id: OpId,
    /// journal-protocol `OpOutcome`: `{"outcome": "applied"|"duplicate"|"rejected"|"conflict", …}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub outcome: OpOutcome,
    /// For a refused gap in the device's sequence: the `device_seq` the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
}

/// The answer to a push: one result per op, in the order pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<OpResult>,
}

/// One applied change, in server order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub server_seq: u64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub op_id: OpId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub author_id: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub device_id: DeviceId,
    /// When the author made the edit, by the device's clock (institution local time).
    // A local date-time without an offset on the wire (local date-time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$"))]
    pub device_time: NaiveDateTime,
    /// When the server accepted it, UTC.
    // A local date-time without an offset on the wire (local date-time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$"))]
    pub server_time: NaiveDateTime,
    /// journal-protocol `OpPayload`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: OpPayload,
}

/// `GET /api/v1/sync/pull`: changes after the cursor that the user may read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullPage {
    pub changes: Vec<Change>,
    /// The cursor for the next page: the last server_seq this page covered (pass it as `after`).
    pub next_after: u64,
    pub has_more: bool,
    /// The institution's count of reference-data changes (groups, students, loads, users, the
    /// year, imports) when the page was read. A device whose reference rows were imported at
    /// another version fetches the snapshot again. Absent (an older server): 0.
    #[serde(default)]
    pub reference_version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_request_refuses_unknown_fields() {
        let err = serde_json::from_str::<PushRequest>(r#"{"ops": [], "opz": []}"#);
        assert!(
            err.is_err(),
            "a misspelt field in a push must be an error, not ignored"
        );
        let ok: PushRequest =
            serde_json::from_str(r#"{"ops": []}"#).expect("an empty push is well-formed");
        assert!(ok.ops.is_empty(), "no ops were sent");
    }

    #[test]
    fn pull_page_without_reference_version_reads_as_zero() {
        let page: PullPage =
            serde_json::from_str(r#"{"changes": [], "next_after": 4, "has_more": false}"#)
                .expect("a page without reference_version is well-formed");
        assert_eq!(
            page.reference_version, 0,
            "a missing reference_version means no reference change is known"
        );
        let text = serde_json::to_string(&PullPage {
            reference_version: 7,
            ..page
        })
        .expect("serialises");
        assert!(
            text.contains(r#""reference_version":7"#),
            "the version goes on the wire: {text}"
        );
    }

    #[test]
    fn op_result_omits_an_absent_expected_seq_and_reads_it_back() {
        let r = OpResult {
            op_id: OpId(uuid::Uuid::nil()),
            outcome: OpOutcome::Applied { server_seq: 7 },
            expected_seq: None,
        };
        let text = serde_json::to_string(&r).expect("serialises");
        assert!(
            !text.contains("expected_seq"),
            "no expected_seq on the wire unless a gap was refused: {text}"
        );
        let back: OpResult = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, r, "the same result after a round trip");
    }
}
