//! Who may use an administrator's endpoint: journal-core's permission function decides, on the
//! signed-in user's roles, for the whole institution (so a deputy passes wherever the regulations
//! and the institution's policy give the deputy the action).

use journal_core::{permissions, Action, Scope};

use crate::clock_routes::institution_clock;
use crate::error::ApiError;
use crate::http::Authenticated;
use crate::storage::Account;
use crate::AppState;

/// The signed-in user's account if one of their roles allows one of `actions` in the institution;
/// otherwise 403 with `refusal` (Russian, says who does it).
pub(crate) async fn permitted(
    state: &AppState,
    auth: &Authenticated,
    actions: &[Action],
    refusal: &str,
) -> Result<Account, ApiError> {
    let account = crate::http::signed_in_account(state, auth).await?;
    let policy = institution_clock(state, auth.session.institution_id)
        .await?
        .policy;
    let allowed = account.user.grants.iter().any(|g| {
        actions
            .iter()
            .any(|&a| permissions::check(g.role, a, Scope::Institution, &policy).is_ok())
    });
    if !allowed {
        return Err(ApiError::forbidden(refusal));
    }
    Ok(account)
}

/// Held while an administrator's change reads the institution, edits it and writes it back, so two
/// changes at once do not overwrite each other (each would otherwise store its own copy of the
/// reference data, and the later one would drop the earlier one's edit). The turn is the
/// database's ([`crate::storage::Storage::reference_turn`]): server processes sharing one
/// PostgreSQL take turns too.
pub(crate) async fn reference_change_turn(
    state: &AppState,
    institution_id: journal_core::InstitutionId,
) -> Result<crate::storage::ReferenceTurn, ApiError> {
    Ok(state.storage.reference_turn(institution_id).await?)
}
