//! The checkpoint storage browser, laid out like Flink's checkpoint directory:
//! `file:///tmp/flink-checkpoints/{job-id}/` with `shared/`, `taskowned/` and one
//! `chk-{id}/_metadata` per retained checkpoint. An entry opens to its content (per operator and
//! subtask: source offset, keyed entries or stateless; in-flight channel state; sizes) and its
//! metadata downloads as JSON.
//!
//! What it lists is what the archive really holds (IndexedDB, or the in-memory fallback), job by
//! job, with each entry of the current run marked persisted or still being written, and the
//! stored records that could not be read, with the reason. Entries can be deleted one by one or
//! all at once. Before the archive is open it shows the engine's retained checkpoints.

use super::{tr, trf, Lang, PanelProps};
use crate::app::mirror::ArchiveState;
use crate::app::stored::{storage_listing, EntryStatus, JobFolder, StorageEntry, SHARED_ROWS_MAX};
use crate::app::Action;
use crate::sim::checkpoint::{CheckpointMetadata, KeyedStateHandle, SubtaskSnapshot, SubtaskState};
use crate::ui::dashboard::{cell, cell_of, col_head, para, span, term};
use yew::prelude::*;

/// The storage browser.
#[component]
pub fn StorageBrowser(props: &PanelProps) -> Html {
    let open = use_state(|| None::<String>);
    let session = props.session.read();
    let listing = storage_listing(session.sim(), session.mirror());
    let lang = props.lang;
    let num_retained = session.sim().view().config().num_retained;
    let savepoint_dir = session.sim().view().config().savepoint_dir.clone();
    let memory = matches!(session.mirror().state(), ArchiveState::Memory { .. });
    drop(session);
    let dispatch = &props.dispatch;
    let clear = dispatch.reform(|_: MouseEvent| Action::ClearStored);
    let current_entries = listing.folders.first().map_or(0, |f| f.entries.len());
    html! {
        <section class="storage sb panel" aria-labelledby="sb-title" data-testid="storage-browser">
            <h2 id="sb-title">{ tr!(lang, "Checkpoint storage", "체크포인트 저장소") }</h2>
            <p class="hint">{
                match (listing.archive_open, memory) {
                    (true, false) => tr!(lang, "What IndexedDB holds: it survives a reload, as checkpoint storage survives a JobManager crash.", "IndexedDB에 저장된 내용: JobManager 장애에도 체크포인트 저장소가 남듯 새로고침 후에도 남습니다."),
                    (true, true) => tr!(lang, "IndexedDB is unavailable: the archive is in memory and a reload loses it.", "IndexedDB를 쓸 수 없어 메모리에 보관합니다. 새로고침하면 사라집니다."),
                    (false, _) => tr!(lang, "Opening IndexedDB… showing the engine's retained checkpoints.", "IndexedDB 여는 중… 엔진이 보관한 체크포인트를 보여 줍니다."),
                }
            }</p>
            { for listing.folders.iter().map(|folder| folder_view(folder, listing.archive_open, &savepoint_dir, &open, lang, dispatch)) }
            if !listing.problems.is_empty() {
                <h3>{ tr!(lang, "Records that could not be read (skipped)", "읽을 수 없는 기록 (건너뜀)") }</h3>
                <ul class="sb-problems" data-testid="storage-problems">
                    { for listing.problems.iter().map(|(key, reason)| {
                        let key_owned = key.clone();
                        let delete = dispatch.reform(move |_: MouseEvent| Action::DeleteStored(key_owned.clone()));
                        html! { <li><code>{ key.clone() }</code>{ ": " }{ reason.clone() }
                            <button type="button" onclick={delete}>{ tr!(lang, "delete", "삭제") }</button></li> }
                    }) }
                </ul>
            }
            <p class="sb-note" data-testid="sb-retention">{ retention_note(current_entries, num_retained, lang) }</p>
            if listing.archive_open {
                <button type="button" class="danger" data-testid="storage-clear" onclick={clear}>
                    { tr!(lang, "Delete every stored record", "저장된 기록 모두 삭제") }
                </button>
            }
        </section>
    }
}

fn folder_view(
    folder: &JobFolder,
    badge: bool,
    savepoint_dir: &str,
    open: &UseStateHandle<Option<String>>,
    lang: Lang,
    dispatch: &Callback<Action>,
) -> Html {
    html! {
        <div class={classes!("sb-job", folder.current.then_some("sb-current"))}>
            <p class="sb-dir" data-testid="sb-dir">
                <code>{ folder.dir.clone() }</code>
            </p>
            if folder.current && badge {
                { para("sb-badge", tr!(lang, "this run", "현재 실행")) }
            }
            <ul class="sb-tree">
                { shared_folder(folder, lang) }
                <li class="sb-folder">
                    { span("sb-name", "taskowned/") }
                    { span("sb-note", tr!(lang, "empty", "비어 있음")) }
                </li>
                { for folder.entries.iter().rev().map(|entry| entry_item(entry, open.as_deref() == Some(entry.key.as_str()), open, lang, dispatch)) }
            </ul>
            if !folder.savepoints.is_empty() {
                <div class="sb-savepoints" data-testid="sb-savepoints">
                    <p class="sb-dir"><code>{ format!("{}/", savepoint_dir.trim_end_matches('/')) }</code>
                        { " (execution.checkpointing.savepoint-dir)" }</p>
                    { para("sb-note", tr!(lang, "Savepoints belong to you, not to the job: retention never subsumes them, a failover never restores them, and stopping the job leaves them here.", "세이브포인트는 잡이 아니라 사용자의 것입니다: 보관 정책이 대체하지 않고, 장애 조치가 복원하지 않으며, 잡을 멈춰도 여기 남습니다.")) }
                    <ul class="sb-tree">
                        { for folder.savepoints.iter().rev().map(|entry| entry_item(entry, open.as_deref() == Some(entry.key.as_str()), open, lang, dispatch)) }
                    </ul>
                </div>
            }
        </div>
    }
}

/// `shared/`: the SST files incremental RocksDB checkpoints uploaded, as a files × checkpoints
/// matrix (↑ uploaded by that checkpoint, ● referred to by it). A file that no listed
/// checkpoint refers to is gone: the shared state registry deleted it.
fn shared_folder(folder: &JobFolder, lang: Lang) -> Html {
    let rows = folder.shared_rows();
    if rows.is_empty() {
        return html! {
            <li class="sb-folder" data-testid="sb-shared">
                { span("sb-name", "shared/") }
                { span("sb-note", tr!(lang, "empty: state below the inline threshold (execution.checkpointing.data-inline-threshold) is inlined into _metadata", "비어 있음: 인라인 임계값(execution.checkpointing.data-inline-threshold) 미만의 상태는 _metadata 안에 인라인됩니다")) }
            </li>
        };
    }
    let ids: Vec<u32> = folder.entries.iter().map(|e| e.id).collect();
    let total: u64 = rows.iter().map(|r| r.bytes).sum();
    let more = rows.len().saturating_sub(SHARED_ROWS_MAX);
    let summary = trf!(
        lang,
        "{rows} files, {total}",
        "파일 {rows}개, {total}",
        rows = rows.len(),
        total = super::format::bytes(total)
    );
    html! {
        <li class="sb-folder" data-testid="sb-shared">
            { span("sb-name", "shared/") }
            { span("sb-note", summary) }
            <table class="sb-matrix" data-testid="sb-shared-matrix">
                <caption>{ tr!(lang, "Which retained checkpoint refers to which shared file (↑ uploaded by it, ● referred to). Newer checkpoints refer to older files, so a chk-N/ folder alone is not a checkpoint, and no file here may be deleted by hand: the registry deletes a file once no retained checkpoint refers to it.", "어느 보관 체크포인트가 어느 공유 파일을 참조하는지 (↑ 그 체크포인트가 업로드, ● 참조). 새 체크포인트가 오래된 파일을 참조하므로 chk-N/ 폴더만으로는 체크포인트가 아니며, 여기의 파일을 손으로 지우면 안 됩니다. 어떤 보관 체크포인트도 참조하지 않게 되면 레지스트리가 지웁니다.") }</caption>
                <thead><tr>
                    { col_head(tr!(lang, "file", "파일")) }
                    { col_head(tr!(lang, "size", "크기")) }
                    { for ids.iter().map(|id| html! { <th scope="col">{ format!("chk-{id}") }</th> }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().take(SHARED_ROWS_MAX).map(|row| html! {
                        <tr data-testid="sb-shared-file" data-refs={row.referenced_by.len().to_string()}>
                            <th scope="row"><code title={row.path.clone()}>{ row.name.clone() }</code></th>
                            { cell_of("sb-num", super::format::bytes(row.bytes)) }
                            { for ids.iter().map(|id| {
                                let (mark, label) = if row.uploaded_by == Some(*id) {
                                    ("↑", tr!(lang, "uploaded", "업로드"))
                                } else if row.referenced_by.contains(id) {
                                    ("●", tr!(lang, "referred to", "참조"))
                                } else {
                                    ("", tr!(lang, "not referred to", "참조 안 함"))
                                };
                                html! { <td class="sb-mark" aria-label={label}>{ mark }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if more > 0 {
                <span class="sb-note">{ format!("+{more}") }</span>
            }
        </li>
    }
}

fn retention_note(count: usize, num_retained: u32, lang: Lang) -> String {
    if count == 0 {
        return tr!(
            lang,
            "No completed checkpoint yet.",
            "아직 완료된 체크포인트가 없습니다."
        )
        .to_string();
    }
    trf!(lang, "num-retained = {num_retained}: when a newer checkpoint completes, the oldest chk-N beyond {num_retained} is subsumed and deleted.", "num-retained = {num_retained}: 새 체크포인트가 완료되면 {num_retained}개를 넘는 가장 오래된 chk-N은 대체되어 삭제됩니다.", num_retained)
}

/// One `chk-N/` directory with its `_metadata` file; opens to the content.
fn entry_item(
    entry: &StorageEntry,
    is_open: bool,
    open: &UseStateHandle<Option<String>>,
    lang: Lang,
    dispatch: &Callback<Action>,
) -> Html {
    let id = entry.id;
    let key = entry.key.clone();
    let toggle = {
        let (open, key) = (open.clone(), key.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(if open.as_deref() == Some(key.as_str()) {
                None
            } else {
                Some(key.clone())
            })
        })
    };
    let delete = {
        let key = key.clone();
        dispatch.reform(move |_: MouseEvent| Action::DeleteStored(key.clone()))
    };
    let status = match entry.status {
        EntryStatus::Persisted => tr!(lang, "persisted", "저장됨"),
        EntryStatus::Writing => tr!(lang, "writing…", "쓰는 중…"),
        EntryStatus::InEngine => tr!(lang, "in the engine", "엔진 안"),
    };
    let download = {
        let key = key.clone();
        dispatch.reform(move |_: MouseEvent| Action::DownloadCheckpoint(key.clone()))
    };
    let completed = trf!(
        lang,
        "completed at {completed_at}",
        "{completed_at}에 완료",
        completed_at = super::format::sim_clock(entry.completed_at)
    );
    html! {
        <li class={classes!("sb-entry", is_open.then_some("sb-open"))} data-testid="storage-entry" data-checkpoint-id={id.to_string()}
            data-key={key.clone()} data-status={format!("{:?}", entry.status).to_ascii_lowercase()}
            data-savepoint={entry.savepoint.to_string()}>
            <button type="button" class="sb-toggle" onclick={toggle} aria-expanded={is_open.to_string()}
                aria-controls={format!("sb-content-{id}")} title={entry.path.clone()}>
                { span("sb-name", entry.name.clone()) }
                { span("sb-file", "_metadata") }
                { span("sb-size", super::format::bytes(entry.file_size)) }
                { span("sb-time", completed) }
            </button>
            <button type="button" class="sb-download" onclick={download} data-testid="storage-download"
                aria-label={format!("{} {}", tr!(lang, "Download JSON of the metadata of", "메타데이터 JSON 내려받기:"), entry.name)}>
                { tr!(lang, "download JSON", "JSON 내려받기") }
            </button>
            <span class={classes!("sb-status", (entry.status == EntryStatus::Persisted).then_some("sb-persisted"))}>{ status }</span>
            if entry.status == EntryStatus::Persisted {
                <button type="button" class="sb-delete" onclick={delete} data-testid="storage-delete">{ tr!(lang, "delete", "삭제") }</button>
            }
            { for JobFolder::exclusive_files(entry).into_iter().map(|(name, bytes)| html! {
                <p class="sb-exclusive" data-testid="sb-exclusive-file">
                    { span("sb-file", name) }
                    { span("sb-size", super::format::bytes(bytes)) }
                    { span("sb-note", tr!(lang, "a full snapshot's stream (exclusive to this checkpoint)", "전체 스냅샷 스트림 (이 체크포인트 전용)")) }
                </p>
            }) }
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
                <dt>{ tr!(lang, "magic / version", "매직 / 버전") }</dt>
                <dd><code>{ format!("{:#010X} / {}", m.magic, m.format_version) }</code></dd>
                { term(tr!(lang, "type", "유형"), m.checkpoint_type.clone()) }
                { term("external_path", html! { <code>{ m.external_path.clone() }</code> }) }
                { term(tr!(lang, "checkpointed size (written by this checkpoint)", "체크포인트 크기 (이 체크포인트가 쓴 양)"), super::format::bytes(m.checkpointed_size())) }
                { term(tr!(lang, "full size (the state it represents)", "전체 크기 (나타내는 상태 전체)"), super::format::bytes(m.state_size())) }
            </dl>
            { for m.operators.iter().map(|op| html! {
                <table class="sb-operator">
                    <caption>{ format!("{} ({})", op.name, op.vertex_id) }</caption>
                    <thead><tr>
                        { col_head(tr!(lang, "subtask", "서브태스크")) }
                        { col_head(tr!(lang, "state", "상태")) }
                        { col_head(tr!(lang, "in-flight channel state", "전송 중 채널 상태")) }
                        { col_head(tr!(lang, "size", "크기")) }
                    </tr></thead>
                    <tbody>{ for op.subtasks.iter().map(|s| subtask_row(s, lang)) }</tbody>
                </table>
            }) }
        </>
    }
}

fn subtask_row(s: &SubtaskSnapshot, lang: Lang) -> Html {
    let state = match &s.state {
        SubtaskState::Source { offset } => trf!(
            lang,
            "source offset {offset} (next sequence number)",
            "소스 오프셋 {offset} (다음 시퀀스 번호)",
            offset
        ),
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
            if entries.is_empty() {
                trf!(
                    lang,
                    "keyed [{start}, {end}]: no entries",
                    "키 상태 [{start}, {end}]: 항목 없음",
                    start,
                    end
                )
            } else {
                trf!(
                    lang,
                    "keyed [{start}, {end}]: {list}{tail}",
                    "키 상태 [{start}, {end}]: {list}{tail}",
                    start,
                    end,
                    tail,
                    list = list.join(", ")
                )
            }
        }
        SubtaskState::Stateless => tr!(lang, "stateless", "상태 없음").to_string(),
    };
    let state = match &s.handle {
        None => state,
        Some(KeyedStateHandle::Full { path: None, .. }) => {
            trf!(
                lang,
                "{state}; inline in _metadata",
                "{state}; _metadata에 인라인",
                state
            )
        }
        Some(KeyedStateHandle::Full { path: Some(_), .. }) => {
            trf!(
                lang,
                "{state}; one stream in chk-N/",
                "{state}; chk-N/에 스트림 하나",
                state
            )
        }
        Some(KeyedStateHandle::Incremental { shared, .. }) => {
            let uploaded = shared.iter().filter(|f| f.uploaded).count();
            let inline = shared.iter().filter(|f| f.path.is_none()).count();
            trf!(lang, "{state}; RocksDB: {shared} SST files ({uploaded} uploaded now, {referred} referred to, {inline} inline)", "{state}; RocksDB: SST 파일 {shared}개 (이번에 업로드 {uploaded}, 참조 {referred}, 인라인 {inline})", inline, state, uploaded, shared = shared.len(), referred = shared.len() - uploaded)
        }
    };
    let records: usize = s.channel_state.iter().map(|c| c.elements.len()).sum();
    let in_flight = if records == 0 {
        "—".to_string()
    } else {
        trf!(
            lang,
            "{records} records on {channel_state} channel(s), {channel_state_bytes}",
            "채널 {channel_state}개에 레코드 {records}개, {channel_state_bytes}",
            records,
            channel_state = s.channel_state.len(),
            channel_state_bytes = super::format::bytes(s.channel_state_bytes)
        )
    };
    html! {
        <tr>
            <th scope="row">{ s.subtask }</th>
            { cell(state) }
            { cell(in_flight) }
            <td class="sb-num">{ super::format::bytes(s.state_bytes + s.channel_state_bytes) }
                if s.checkpointed_bytes() != s.state_bytes + s.channel_state_bytes {
                    <br /><span class="sb-note">{ format!("{} {}", tr!(lang, "written", "씀"), super::format::bytes(s.checkpointed_bytes())) }</span>
                }
            </td>
        </tr>
    }
}
