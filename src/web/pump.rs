//! Performs what the session's mirror hands out: one batch at a time against the archive, the
//! outcome (and a fresh listing once the queue drained) reported back as an action.

use super::archive::{Archive, ArchiveError, CheckpointArchive, Write};
use crate::app::mirror::{ArchiveOp, Batch};
use crate::app::{Action, SessionOwner};
use yew::Callback;

/// Starts the mirror's next batch, if it has one and none is running. `dispatch` applies the
/// outcome — and pumps again.
pub fn pump(owner: &SessionOwner, archive: &Archive, dispatch: &Callback<Action>) {
    let Some(batch) = owner.take_batch() else {
        return;
    };
    let (owner, archive, dispatch) = (owner.clone(), archive.clone(), dispatch.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = perform(&archive, &batch).await.map_err(|e| e.to_string());
        let drained = owner.read().mirror().pending().is_empty();
        let listing = if drained {
            archive.list().await.ok()
        } else {
            None
        };
        dispatch.emit(Action::BatchDone {
            batch,
            outcome,
            listing,
        });
    });
}

/// One batch: clearing and forgetting a job run alone; puts and discards go together in one
/// transaction, in order.
pub async fn perform(archive: &Archive, batch: &Batch) -> Result<(), ArchiveError> {
    match batch.as_slice() {
        [ArchiveOp::Clear] => archive.clear().await,
        [ArchiveOp::ForgetJob(job_id)] => forget_job(archive, job_id).await,
        ops => {
            let writes: Vec<Write<'_>> = ops
                .iter()
                .filter_map(|op| match op {
                    ArchiveOp::PutCheckpoint(record) => Some(Write::PutCheckpoint(record)),
                    ArchiveOp::Discard(key) => Some(Write::Discard(key)),
                    ArchiveOp::PutJob(record) => Some(Write::PutJob(record)),
                    ArchiveOp::Clear | ArchiveOp::ForgetJob(_) => None,
                })
                .collect();
            archive.apply(&writes).await
        }
    }
}

async fn forget_job(archive: &Archive, job_id: &str) -> Result<(), ArchiveError> {
    let listing = archive.list().await?;
    let keys: Vec<String> = listing.checkpoints_of(job_id).map(|c| c.key()).collect();
    let mut writes: Vec<Write<'_>> = keys.iter().map(|key| Write::Discard(key)).collect();
    writes.push(Write::DiscardJob(job_id));
    archive.apply(&writes).await
}
