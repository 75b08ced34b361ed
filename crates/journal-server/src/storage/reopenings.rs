//! Which locked periods are open again for a correction, for the snapshot: the last applied
//! `UnlockPeriod` of each (load, period) that is not locked now. Both backends read the unlock
//! changes and the locks and call this.

use std::collections::{HashMap, HashSet};

use journal_core::{LoadId, PeriodId};
use journal_protocol::{OpPayload, PeriodLock, PeriodReopening};

use super::sqlite::{from_json, parse_id, parse_time};
use crate::error::StorageError;

/// The `changes.kind` (migration 0025) of the rows the backends select for this, in server order.
pub(crate) const UNLOCK_KIND: &str = "unlock_period";

/// `changes`: (author_id, device_time, payload) in server order.
pub(crate) fn open_reopenings(
    changes: &[(String, String, String)],
    locks: &[PeriodLock],
) -> Result<Vec<PeriodReopening>, StorageError> {
    let locked: HashSet<(LoadId, PeriodId)> =
        locks.iter().map(|l| (l.load_id, l.period_id)).collect();
    let mut last: HashMap<(LoadId, PeriodId), PeriodReopening> = HashMap::new();
    let mut order = Vec::new();
    for (author, time, payload) in changes {
        if let OpPayload::UnlockPeriod {
            load_id,
            period_id,
            reason,
        } = from_json::<OpPayload>(payload)?
        {
            let key = (load_id, period_id);
            if !last.contains_key(&key) {
                order.push(key);
            }
            last.insert(
                key,
                PeriodReopening {
                    load_id,
                    period_id,
                    reason,
                    reopened_at: parse_time(time)?,
                    reopened_by: parse_id(author)?,
                },
            );
        }
    }
    Ok(order
        .into_iter()
        .filter(|k| !locked.contains(k))
        .filter_map(|k| last.remove(&k))
        .collect())
}

/// Keeps the reopenings of this year's loads and periods: an unlock of a closed year's load stays
/// in `changes` but names a load and period the live snapshot no longer has (a device would
/// refuse a snapshot pointing at nothing).
pub(crate) fn keep_current(snap: &mut journal_protocol::Snapshot) {
    let loads: HashSet<LoadId> = snap.loads.iter().map(|l| l.id).collect();
    let periods: HashSet<PeriodId> = snap.periods.iter().map(|p| p.id).collect();
    snap.reopenings
        .retain(|r| loads.contains(&r.load_id) && periods.contains(&r.period_id));
}
