//! The IndexedDB archive, on web-sys directly.
//!
//! Why not a crate: records are kept as JSON *text* (so truncated or hand-edited records can be
//! detected and reported rather than failing inside a deserializer), writes must wait for the
//! transaction's `complete` (a put's success does not mean the commit succeeded: quota errors
//! arrive at commit), and every request error must surface with its DOMException name. That is
//! about 200 lines here, with each promise wired to both success and error.

use super::archive::{encoded, ArchiveError, CheckpointArchive, Write};
use crate::app::records::{self, Listing};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

/// The database name.
pub const DB_NAME: &str = "flinkscope";
/// The schema version.
pub const DB_VERSION: u32 = 1;
/// Checkpoints, keyed `{job-id}/chk-{id}`.
pub const CHECKPOINTS: &str = "checkpoints";
/// Job records, keyed by job id.
pub const JOBS: &str = "jobs";

/// An open database.
#[derive(Clone)]
pub struct IndexedDbArchive {
    db: IdbDatabase,
}

fn text_of(value: &JsValue) -> String {
    if let Some(exception) = value.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    value
        .as_string()
        .or_else(|| {
            js_sys::JSON::stringify(value)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

/// The error of a failed request, classified by its DOMException name.
fn classify(error: Option<web_sys::DomException>, fallback: &JsValue) -> ArchiveError {
    match error {
        Some(exception) if exception.name() == "QuotaExceededError" => {
            ArchiveError::QuotaExceeded(exception.message())
        }
        Some(exception) => {
            ArchiveError::Failed(format!("{}: {}", exception.name(), exception.message()))
        }
        None => ArchiveError::Failed(text_of(fallback)),
    }
}

/// Resolves with the request's result, or fails with its error.
async fn request(request: IdbRequest) -> Result<JsValue, ArchiveError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request
            .result()
            .map_err(|e| ArchiveError::Failed(text_of(&e))),
        Err(event) => Err(classify(request.error().ok().flatten(), &event)),
    }
}

/// Resolves when the transaction commits; fails when it errors or aborts.
async fn committed(transaction: IdbTransaction) -> Result<(), ArchiveError> {
    let promise = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    transaction.set_oncomplete(None);
    transaction.set_onerror(None);
    transaction.set_onabort(None);
    outcome.map(|_| ()).map_err(|event| {
        // A failed request's error event reaches the transaction before the transaction is
        // aborted with that error; take the request's own error then (QuotaExceededError, ...).
        let request_error = event
            .dyn_ref::<web_sys::Event>()
            .and_then(|e| e.target())
            .and_then(|target| target.dyn_into::<IdbRequest>().ok())
            .and_then(|request| request.error().ok().flatten());
        classify(transaction.error().or(request_error), &event)
    })
}

impl IndexedDbArchive {
    /// Opens (creating or upgrading) the database.
    pub async fn open(name: &str, version: u32) -> Result<IndexedDbArchive, ArchiveError> {
        let window =
            web_sys::window().ok_or_else(|| ArchiveError::Unavailable("no window".to_string()))?;
        let factory = window
            .indexed_db()
            .map_err(|e| ArchiveError::Unavailable(text_of(&e)))?
            .ok_or_else(|| {
                ArchiveError::Unavailable("this browser context offers no IndexedDB".to_string())
            })?;
        let open: IdbOpenDbRequest = factory
            .open_with_u32(name, version)
            .map_err(|e| ArchiveError::Unavailable(text_of(&e)))?;
        let upgrade_request = open.clone();
        let on_upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(move |_event| {
            let Ok(result) = upgrade_request.result() else {
                return;
            };
            let db: IdbDatabase = result.unchecked_into();
            for store in [CHECKPOINTS, JOBS] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        });
        open.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        // A tab holding an older version open blocks the upgrade: fail with that reason.
        let reject_slot: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
        let slot = reject_slot.clone();
        let blocked = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event| {
            if let Some(reject) = slot.borrow().as_ref() {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("blocked"));
            }
        });
        let promise = Promise::new(&mut |resolve, reject| {
            open.set_onsuccess(Some(&resolve));
            open.set_onerror(Some(&reject));
            *reject_slot.borrow_mut() = Some(reject);
        });
        open.set_onblocked(Some(blocked.as_ref().unchecked_ref()));
        let outcome = JsFuture::from(promise).await;
        open.set_onupgradeneeded(None);
        open.set_onsuccess(None);
        open.set_onerror(None);
        open.set_onblocked(None);
        drop(on_upgrade);
        drop(blocked);
        match outcome {
            Ok(_) => {
                let db: IdbDatabase = open
                    .result()
                    .map_err(|e| ArchiveError::Unavailable(text_of(&e)))?
                    .unchecked_into();
                Ok(IndexedDbArchive { db })
            }
            Err(value) if value.as_string().as_deref() == Some("blocked") => Err(
                ArchiveError::Blocked("close the other flinkscope tabs and reload".to_string()),
            ),
            Err(event) => Err(ArchiveError::Unavailable(text_of(
                &open
                    .error()
                    .ok()
                    .flatten()
                    .map(JsValue::from)
                    .unwrap_or(event),
            ))),
        }
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, ArchiveError> {
        let names = Array::new();
        for store in stores {
            names.push(&JsValue::from_str(store));
        }
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(|e| ArchiveError::Failed(text_of(&e)))
    }

    fn store(transaction: &IdbTransaction, name: &str) -> Result<IdbObjectStore, ArchiveError> {
        transaction
            .object_store(name)
            .map_err(|e| ArchiveError::Failed(text_of(&e)))
    }

    async fn put_text(&self, store: &str, key: &str, text: &str) -> Result<(), ArchiveError> {
        let transaction = self.transaction(&[store], IdbTransactionMode::Readwrite)?;
        let objects = Self::store(&transaction, store)?;
        let put = objects
            .put_with_key(&JsValue::from_str(text), &JsValue::from_str(key))
            .map_err(|e| ArchiveError::Failed(text_of(&e)))?;
        request(put).await?;
        committed(transaction).await
    }

    /// Stores raw text under a checkpoint key (tests plant broken records with it).
    pub async fn put_raw_checkpoint(&self, key: &str, text: &str) -> Result<(), ArchiveError> {
        self.put_text(CHECKPOINTS, key, text).await
    }

    /// Every `(key, text)` of a store; non-text values become a text that fails to decode.
    async fn entries(
        &self,
        transaction: &IdbTransaction,
        store: &str,
    ) -> Result<Vec<(String, String)>, ArchiveError> {
        let objects = Self::store(transaction, store)?;
        let keys = request(
            objects
                .get_all_keys()
                .map_err(|e| ArchiveError::Failed(text_of(&e)))?,
        )
        .await?;
        let values = request(
            objects
                .get_all()
                .map_err(|e| ArchiveError::Failed(text_of(&e)))?,
        )
        .await?;
        let (keys, values): (Array, Array) = (keys.unchecked_into(), values.unchecked_into());
        Ok((0..keys.length())
            .map(|i| {
                let key = keys
                    .get(i)
                    .as_string()
                    .unwrap_or_else(|| text_of(&keys.get(i)));
                let value = values
                    .get(i)
                    .as_string()
                    .unwrap_or_else(|| "<not a text record>".to_string());
                (key, value)
            })
            .collect())
    }
}

impl CheckpointArchive for IndexedDbArchive {
    async fn apply(&self, writes: &[Write<'_>]) -> Result<(), ArchiveError> {
        let writes = encoded(writes)?;
        let transaction = self.transaction(&[JOBS, CHECKPOINTS], IdbTransactionMode::Readwrite)?;
        let (jobs, checkpoints) = (
            Self::store(&transaction, JOBS)?,
            Self::store(&transaction, CHECKPOINTS)?,
        );
        // Requests run in the order they are made; a failing one aborts the transaction, and
        // `committed` reports why. Nothing is awaited in between, so the transaction stays open.
        for (is_job, key, text) in &writes {
            let objects = if *is_job { &jobs } else { &checkpoints };
            let key = JsValue::from_str(key);
            let made = match text {
                Some(text) => objects.put_with_key(&JsValue::from_str(text), &key),
                None => objects.delete(&key),
            };
            if let Err(error) = made {
                let _ = transaction.abort();
                return Err(ArchiveError::Failed(text_of(&error)));
            }
        }
        committed(transaction).await
    }

    async fn list(&self) -> Result<Listing, ArchiveError> {
        let transaction = self.transaction(&[JOBS, CHECKPOINTS], IdbTransactionMode::Readonly)?;
        let jobs = self.entries(&transaction, JOBS).await?;
        let checkpoints = self.entries(&transaction, CHECKPOINTS).await?;
        Ok(records::listing(jobs, checkpoints))
    }

    async fn clear(&self) -> Result<(), ArchiveError> {
        let transaction = self.transaction(&[JOBS, CHECKPOINTS], IdbTransactionMode::Readwrite)?;
        for store in [JOBS, CHECKPOINTS] {
            let objects = Self::store(&transaction, store)?;
            request(
                objects
                    .clear()
                    .map_err(|e| ArchiveError::Failed(text_of(&e)))?,
            )
            .await?;
        }
        committed(transaction).await
    }
}
