//! The checkpoint storage browser, laid out like Flink's checkpoint directory:
//! `file:///tmp/flink-checkpoints/{job-id}/` with `shared/`, `taskowned/` and one
//! `chk-{id}/_metadata` per retained checkpoint. An entry opens to its content (per operator and
//! subtask: source offset, keyed entries or stateless; in-flight channel state; sizes) and its
//! metadata downloads as JSON.
//!
//! The listing comes from one function, [`stored_checkpoints`], so another source (IndexedDB)
//! can replace the engine's in-memory storage without touching the rendering.

use super::model::Model;
use super::{tr, Lang, PanelProps};
use crate::sim::checkpoint::{CheckpointMetadata, SubtaskSnapshot, SubtaskState};
use crate::sim::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// One retained checkpoint as the browser lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCheckpoint {
    /// The checkpoint id.
    pub id: u32,
    /// `…/{job-id}/chk-{id}/_metadata`.
    pub path: String,
    /// Size of `_metadata`.
    pub file_size: u64,
    /// Simulated completion time.
    pub completed_at: SimTime,
    /// The content.
    pub metadata: Rc<CheckpointMetadata>,
}

/// The browser's data source: the retained checkpoints, oldest first, and the job's directory.
/// The one place to swap for persistent storage.
pub fn stored_checkpoints(model: &Model) -> (String, Vec<StoredCheckpoint>) {
    let view = model.sim.view();
    let dir = job_directory(view.config().checkpoint_dir.as_str(), view.job_id());
    let epoch = view.config().epoch_ms;
    let entries = view
        .retained_checkpoints()
        .into_iter()
        .map(|m| StoredCheckpoint {
            id: m.checkpoint_id.0,
            path: format!("{dir}chk-{}/_metadata", m.checkpoint_id),
            file_size: m.file_size(),
            completed_at: SimTime::from_ms(m.completion_timestamp.saturating_sub(epoch)),
            metadata: Rc::new(m.clone()),
        })
        .collect();
    (dir, entries)
}

/// `file:///tmp/flink-checkpoints/{job-id}/`.
fn job_directory(base: &str, job_id: &str) -> String {
    format!("{}/{job_id}/", base.trim_end_matches('/'))
}

/// What identifies the listing (the memo key): the run and the retained checkpoints.
fn listing_key(model: &Model) -> (String, Vec<(u32, u64, u64)>) {
    let view = model.sim.view();
    let ids = view
        .retained_checkpoints()
        .iter()
        .map(|m| (m.checkpoint_id.0, m.completion_timestamp, m.file_size()))
        .collect();
    (format!("{}/{}", view.job_id(), model.seed), ids)
}

/// The storage browser.
#[component]
pub fn StorageBrowser(props: &PanelProps) -> Html {
    let open = use_state(|| None::<u32>);
    let key = listing_key(&props.model.borrow());
    let listing = {
        let model = props.model.clone();
        use_memo(key, move |_| stored_checkpoints(&model.borrow()))
    };
    let (dir, entries) = &*listing;
    let lang = props.lang;
    let num_retained = props.model.borrow().sim.view().config().num_retained;
    html! {
        <section class="storage sb panel" aria-labelledby="sb-title" data-testid="storage-browser">
            <h2 id="sb-title">{ tr(lang, "Checkpoint storage", "체크포인트 저장소") }</h2>
            <p class="sb-dir" data-testid="sb-dir"><code>{ dir.clone() }</code></p>
            <ul class="sb-tree">
                <li class="sb-folder">
                    <span class="sb-name">{ "shared/" }</span>
                    <span class="sb-note">{ tr(lang, "empty: all state is inlined into _metadata (below the 20 KB inline threshold)", "비어 있음: 모든 상태가 _metadata 안에 인라인됨 (20 KB 인라인 임계값 미만)") }</span>
                </li>
                <li class="sb-folder">
                    <span class="sb-name">{ "taskowned/" }</span>
                    <span class="sb-note">{ tr(lang, "empty", "비어 있음") }</span>
                </li>
                { for entries.iter().rev().map(|entry| entry_item(entry, *open == Some(entry.id), &open, lang)) }
            </ul>
            <p class="sb-note" data-testid="sb-retention">{ retention_note(entries.len(), num_retained, lang) }</p>
        </section>
    }
}

fn retention_note(count: usize, num_retained: u32, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 0) => "No completed checkpoint yet.".to_string(),
        (Lang::Ko, 0) => "아직 완료된 체크포인트가 없습니다.".to_string(),
        (Lang::En, _) => format!("num-retained = {num_retained}: when a newer checkpoint completes, the oldest chk-N beyond {num_retained} is subsumed and deleted."),
        (Lang::Ko, _) => format!("num-retained = {num_retained}: 새 체크포인트가 완료되면 {num_retained}개를 넘는 가장 오래된 chk-N은 대체되어 삭제됩니다."),
    }
}

/// One `chk-N/` directory with its `_metadata` file; opens to the content.
fn entry_item(
    entry: &StoredCheckpoint,
    is_open: bool,
    open: &UseStateHandle<Option<u32>>,
    lang: Lang,
) -> Html {
    let id = entry.id;
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(if *open == Some(id) { None } else { Some(id) })
        })
    };
    let download = {
        let metadata = entry.metadata.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(problem) = download_json(&metadata) {
                web_sys::console::warn_1(&problem);
            }
        })
    };
    let completed = match lang {
        Lang::En => format!(
            "completed at {}",
            super::format::sim_clock(entry.completed_at)
        ),
        Lang::Ko => format!("{}에 완료", super::format::sim_clock(entry.completed_at)),
    };
    html! {
        <li class={classes!("sb-entry", is_open.then_some("sb-open"))} data-testid="storage-entry" data-checkpoint-id={id.to_string()}>
            <button type="button" class="sb-toggle" onclick={toggle} aria-expanded={is_open.to_string()}
                aria-controls={format!("sb-content-{id}")} title={entry.path.clone()}>
                <span class="sb-name">{ format!("chk-{id}/") }</span>
                <span class="sb-file">{ "_metadata" }</span>
                <span class="sb-size">{ super::format::bytes(entry.file_size) }</span>
                <span class="sb-time">{ completed }</span>
            </button>
            <button type="button" class="sb-download" onclick={download} data-testid="storage-download"
                aria-label={format!("{} chk-{id}", tr(lang, "Download the metadata as JSON of", "메타데이터 JSON 내려받기:"))}>
                { tr(lang, "download JSON", "JSON 내려받기") }
            </button>
            if is_open {
                <div id={format!("sb-content-{id}")} class="sb-content" data-testid="storage-content">
                    { metadata_view(&entry.metadata, lang) }
                </div>
            }
        </li>
    }
}

/// The header fields and the per-operator, per-subtask content of `_metadata`.
fn metadata_view(m: &CheckpointMetadata, lang: Lang) -> Html {
    html! {
        <>
            <dl class="sb-header">
                <dt>{ tr(lang, "magic / version", "매직 / 버전") }</dt>
                <dd><code>{ format!("{:#010X} / {}", m.magic, m.format_version) }</code></dd>
                <dt>{ tr(lang, "type", "유형") }</dt>
                <dd>{ m.checkpoint_type.clone() }</dd>
                <dt>{ "external_path" }</dt>
                <dd><code>{ m.external_path.clone() }</code></dd>
                <dt>{ tr(lang, "checkpointed size", "체크포인트 크기") }</dt>
                <dd>{ super::format::bytes(m.checkpointed_size()) }</dd>
            </dl>
            { for m.operators.iter().map(|op| html! {
                <table class="sb-operator">
                    <caption>{ format!("{} ({})", op.name, op.vertex_id) }</caption>
                    <thead><tr>
                        <th scope="col">{ tr(lang, "subtask", "서브태스크") }</th>
                        <th scope="col">{ tr(lang, "state", "상태") }</th>
                        <th scope="col">{ tr(lang, "in-flight channel state", "전송 중 채널 상태") }</th>
                        <th scope="col">{ tr(lang, "size", "크기") }</th>
                    </tr></thead>
                    <tbody>{ for op.subtasks.iter().map(|s| subtask_row(s, lang)) }</tbody>
                </table>
            }) }
        </>
    }
}

fn subtask_row(s: &SubtaskSnapshot, lang: Lang) -> Html {
    let state = match &s.state {
        SubtaskState::Source { offset } => match lang {
            Lang::En => format!("source offset {offset} (next sequence number)"),
            Lang::Ko => format!("소스 오프셋 {offset} (다음 시퀀스 번호)"),
        },
        SubtaskState::Keyed {
            key_group_range: [start, end],
            entries,
        } => {
            let list: Vec<String> = entries
                .iter()
                .take(12)
                .map(|e| format!("{}={} (kg {})", e.key, e.count, e.key_group))
                .collect();
            let more = entries.len().saturating_sub(12);
            let tail = if more > 0 {
                format!(" +{more}")
            } else {
                String::new()
            };
            match (lang, entries.is_empty()) {
                (Lang::En, true) => format!("keyed [{start}, {end}]: no entries"),
                (Lang::Ko, true) => format!("키 상태 [{start}, {end}]: 항목 없음"),
                (Lang::En, false) => format!("keyed [{start}, {end}]: {}{tail}", list.join(", ")),
                (Lang::Ko, false) => format!("키 상태 [{start}, {end}]: {}{tail}", list.join(", ")),
            }
        }
        SubtaskState::Stateless => tr(lang, "stateless", "상태 없음").to_string(),
    };
    let records: usize = s.channel_state.iter().map(|c| c.elements.len()).sum();
    let in_flight = if records == 0 {
        "—".to_string()
    } else {
        match lang {
            Lang::En => format!(
                "{records} records on {} channel(s), {}",
                s.channel_state.len(),
                super::format::bytes(s.channel_state_bytes)
            ),
            Lang::Ko => format!(
                "채널 {}개에 레코드 {records}개, {}",
                s.channel_state.len(),
                super::format::bytes(s.channel_state_bytes)
            ),
        }
    };
    html! {
        <tr>
            <th scope="row">{ s.subtask }</th>
            <td>{ state }</td>
            <td>{ in_flight }</td>
            <td class="sb-num">{ super::format::bytes(s.state_bytes + s.channel_state_bytes) }</td>
        </tr>
    }
}

/// Offers the metadata as a JSON file: a Blob behind an object URL, clicked through a
/// temporary `<a download>`, the URL revoked afterwards.
fn download_json(metadata: &CheckpointMetadata) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let json = serde_json::to_string_pretty(metadata)
        .map_err(|e| wasm_bindgen::JsValue::from_str(&e.to_string()))?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&json));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(&format!("chk-{}-_metadata.json", metadata.checkpoint_id));
    let body = document.body().ok_or("no body")?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    // Revoke after the click has been handled (an immediate revoke can cancel the download).
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
