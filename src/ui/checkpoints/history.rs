//! History: the latest checkpoints, each expandable into its operators and their subtasks.

use super::*;
use crate::ui::dashboard::{cell, cell_of, col_head, num_cell, para, span};

pub(super) const HISTORY_COLUMNS: usize = 11;

pub(super) fn history_tab(ctx: &Ctx<'_>, stats: &CheckpointingStatistics) -> Html {
    let lang = ctx.lang;
    let limit = ctx.view.config().checkpoint_history_size;
    html! {
        <div class="cp-history">
            <div class="cp-scroll cp-scroll-tall">
                <table class="cp-table" data-testid="cp-history">
                    <caption class="dash-sr">{ tr!(lang, "Checkpoint history, newest first", "체크포인트 기록 (최신순)") }</caption>
                    { history_head(lang) }
                    if stats.history.is_empty() {
                        <tbody><tr><td colspan={HISTORY_COLUMNS.to_string()} class="cp-empty">
                            { tr!(lang, "No checkpoint has been triggered yet.", "아직 트리거된 체크포인트가 없습니다.") }
                        </td></tr></tbody>
                    }
                    { for stats.history.iter().map(|c| history_group(ctx, c)) }
                </table>
            </div>
            <p class="cp-note" data-testid="cp-size-help">{ tr!(lang, "Checkpointed Data Size is what a checkpoint wrote; Full Checkpoint Data Size is the whole state it represents. They differ for incremental RocksDB checkpoints, which upload only the files the previous checkpoint did not and refer to the rest in shared/.", "체크포인트 데이터 크기는 체크포인트가 쓴 양이고, 전체 체크포인트 데이터 크기는 그 체크포인트가 나타내는 상태 전체입니다. 증분 RocksDB 체크포인트에서는 둘이 다릅니다: 이전 체크포인트가 올리지 않은 파일만 올리고 나머지는 shared/에서 참조합니다.") }</p>
            <p class="cp-note">
                { format!("{} {limit} ", tr!(lang, "The history keeps the", "기록은 최근")) }
                { tr!(lang, "most recent checkpoints (", "개의 체크포인트만 보관합니다 (") }
                <code>{ "web.checkpoints.history" }</code>{ ")." }
            </p>
        </div>
    }
}

pub(super) fn history_head(lang: Lang) -> Html {
    let cols = [
        "ID",
        tr!(lang, "Status", "상태"),
        tr!(lang, "Acknowledged", "확인(ack)"),
        tr!(lang, "Trigger Time", "트리거 시각"),
        tr!(lang, "Latest Acknowledgement", "마지막 확인 시각"),
        tr!(lang, "End to End Duration", "종단 간 소요 시간"),
        tr!(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr!(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr!(
            lang,
            "Processed (persisted) in-flight data",
            "처리된(저장된) in-flight 데이터",
        ),
        tr!(lang, "Unaligned", "비정렬"),
    ];
    html! {
        <thead>
            <tr>
                <th scope="col" class="dash-narrow">{ span("dash-sr", tr!(lang, "Expand", "펼치기")) }</th>
                { for cols.iter().map(|c| html! { { col_head(*c) } }) }
            </tr>
        </thead>
    }
}

/// One checkpoint: its row, its failure message, and its detail when expanded.
pub(super) fn history_group(ctx: &Ctx<'_>, c: &CheckpointStatistics) -> Html {
    let (b, lang) = (c.base(), ctx.lang);
    let id = b.id;
    let open = ctx.is_open(Open::Checkpoint(id));
    let label = format!(
        "{} {id}",
        tr!(lang, "Details of checkpoint", "체크포인트 상세:")
    );
    let button = expand_button(
        open,
        format!("cp-detail-{id}"),
        label,
        format!("cp-expand-{id}"),
        ctx.toggle(Open::Checkpoint(id)),
    );
    html! {
        <tbody key={id.to_string()} class={classes!("cp-group", open.then_some("cp-group-open"))}>
            { history_row(b, button) }
            if let CheckpointStatistics::Failed(f) = c {
                <tr class="cp-fail-row" data-testid={format!("cp-fail-{id}")}>
                    <td></td>
                    <td colspan={(HISTORY_COLUMNS - 1).to_string()}>
                        <b>{ tr!(lang, "Failure Message", "실패 메시지") }{ ": " }</b>
                        { f.failure_message.clone().unwrap_or_default() }
                        <span class="cp-muted">{ format!(" ({})", timestamp(f.failure_timestamp_ms)) }</span>
                    </td>
                </tr>
            }
            if open {
                <tr id={format!("cp-detail-{id}")} class="cp-detail-row">
                    <td colspan={HISTORY_COLUMNS.to_string()}>
                        { detail_box(lang, c) }
                        { operators(ctx, id) }
                    </td>
                </tr>
            }
        </tbody>
    }
}

pub(super) fn history_row(b: &CheckpointStatisticsBase, button: Html) -> Html {
    let status = status_str(b.status);
    let in_progress = b.status == CheckpointStatsStatus::InProgress;
    let acks = format!("{}/{}", b.num_acknowledged_subtasks, b.num_subtasks);
    let pct = percent(b.num_acknowledged_subtasks, b.num_subtasks);
    let unaligned = b.checkpoint_type == CheckpointType::UnalignedCheckpoint;
    html! {
        <tr data-testid={format!("cp-row-{}", b.id)} class="cp-row"
            data-checkpointed={b.checkpointed_size_bytes.to_string()} data-full={b.state_size_bytes.to_string()}>
            { cell(button) }
            <th scope="row" class="dash-num">{ b.id }</th>
            <td><span class={badge_class(status)}>{ status }</span></td>
            <td class="cp-acked">
                { acks }
                if in_progress {
                    { format!(" ({pct}%)") }
                    { progress(pct) }
                }
            </td>
            { cell(timestamp(b.trigger_timestamp_ms)) }
            { cell(ack_time(b.latest_ack_timestamp_ms)) }
            { cell(ms_or_na(b.end_to_end_duration_ms)) }
            { num_cell(bytes(b.checkpointed_size_bytes)) }
            { num_cell(bytes(b.state_size_bytes)) }
            { num_cell(processed_persisted(b.processed_data_bytes, b.persisted_data_bytes)) }
            <td><span class={classes!("cp-tag", unaligned.then_some("cp-tag-unaligned"))}>{ unaligned.to_string() }</span></td>
        </tr>
    }
}

/// "Checkpoint Detail: Path … | Discarded … | Checkpoint Type … (| Failure Message …)".
pub(super) fn detail_box(lang: Lang, c: &CheckpointStatistics) -> Html {
    let b = c.base();
    let (path, discarded) = match c {
        CheckpointStatistics::Completed(done) => (
            done.external_path.clone().unwrap_or_else(|| "-".into()),
            if done.discarded { "true" } else { "-" },
        ),
        _ => ("-".to_string(), "-"),
    };
    let kind = match b.checkpoint_type {
        CheckpointType::Checkpoint => tr!(lang, "aligned checkpoint", "aligned checkpoint (정렬)"),
        CheckpointType::UnalignedCheckpoint => tr!(
            lang,
            "unaligned checkpoint",
            "unaligned checkpoint (비정렬)",
        ),
        CheckpointType::Savepoint => tr!(lang, "savepoint", "savepoint (세이브포인트)"),
        CheckpointType::SyncSavepoint => {
            tr!(lang, "sync savepoint", "sync savepoint (동기 세이브포인트)")
        }
    };
    html! {
        <div class="cp-inset cp-detail-box">
            <b class="cp-inset-title">{ tr!(lang, "Checkpoint Detail:", "체크포인트 상세:") }</b>
            <span class="cp-fields">
                { field(tr!(lang, "Path", "경로"), html! { <code class="cp-path">{ path }</code> }) }
                { field(tr!(lang, "Discarded", "폐기됨"), html! { { discarded } }) }
                { field(tr!(lang, "Checkpoint Type", "체크포인트 유형"), html! { { kind } }) }
                if let CheckpointStatistics::Failed(f) = c {
                    { field(tr!(lang, "Failure Message", "실패 메시지"), html! { { f.failure_message.clone().unwrap_or_default() } }) }
                }
            </span>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Operators and subtasks of one checkpoint
// ---------------------------------------------------------------------------------------------

pub(super) const OPERATOR_COLUMNS: usize = 8;

/// The "Operators:" table: one row per job vertex (in the job's order, as Flink's UI lists
/// them), each expandable to its subtasks.
pub(super) fn operators(ctx: &Ctx<'_>, id: i64) -> Html {
    let lang = ctx.lang;
    let Some(details) = build::checkpoint_details(ctx.view, CheckpointId(id as u32)) else {
        return html! {
            { para("cp-note", tr!(lang, "The details of this checkpoint have left the history.", "이 체크포인트의 상세 정보는 기록에서 빠졌습니다.")) }
        };
    };
    let tasks = &details.base().tasks;
    let rows = ctx
        .view
        .graph()
        .vertices
        .iter()
        .enumerate()
        .filter_map(|(v, vertex)| {
            let stats = tasks.get(&vertex.id)?;
            Some(operator_group(ctx, id, v as u32, &vertex.name, stats))
        });
    html! {
        <div class="cp-inset">
            <b class="cp-inset-title">{ tr!(lang, "Operators:", "연산자:") }</b>
            <div class="cp-scroll">
                <table class="cp-table cp-ops" data-testid={format!("cp-ops-{id}")}>
                    { operator_head(lang) }
                    { for rows }
                </table>
            </div>
        </div>
    }
}

pub(super) fn operator_head(lang: Lang) -> Html {
    let cols = [
        tr!(lang, "Name", "이름"),
        tr!(lang, "Acknowledged", "확인(ack)"),
        tr!(lang, "Latest Acknowledgment", "마지막 확인 시각"),
        tr!(lang, "End to End Duration", "종단 간 소요 시간"),
        tr!(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr!(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr!(
            lang,
            "Processed (persisted) in-flight data",
            "처리된(저장된) in-flight 데이터",
        ),
    ];
    html! {
        <thead>
            <tr>
                <th scope="col" class="dash-narrow">{ span("dash-sr", tr!(lang, "Expand", "펼치기")) }</th>
                { for cols.iter().map(|c| html! { { col_head(*c) } }) }
            </tr>
        </thead>
    }
}

pub(super) fn operator_group(
    ctx: &Ctx<'_>,
    id: i64,
    vertex: u32,
    name: &str,
    t: &TaskCheckpointStatistics,
) -> Html {
    let key = Open::Operator(id, vertex);
    let open = ctx.is_open(key);
    let region = format!("cp-subtasks-{id}-{vertex}");
    let label = format!("{} {name}", tr!(ctx.lang, "Subtasks of", "서브태스크:"));
    let button = expand_button(
        open,
        region.clone(),
        label,
        format!("cp-op-expand-{id}-{vertex}"),
        ctx.toggle(key),
    );
    let pct = percent(t.num_acknowledged_subtasks, t.num_subtasks);
    html! {
        <tbody key={vertex.to_string()} class="cp-group">
            <tr data-testid={format!("cp-op-{id}-{vertex}")} class="cp-op-row">
                { cell(button) }
                <th scope="row">{ name.to_string() }</th>
                <td>{ format!("{}/{} ({pct}%)", t.num_acknowledged_subtasks, t.num_subtasks) }</td>
                { cell(ack_time(t.latest_ack_timestamp_ms)) }
                { cell(ms_or_na(t.end_to_end_duration_ms)) }
                { num_cell(bytes(t.checkpointed_size_bytes)) }
                { num_cell(bytes(t.state_size_bytes)) }
                { num_cell(processed_persisted(t.processed_data_bytes, t.persisted_data_bytes)) }
            </tr>
            if open {
                <tr id={region} class="cp-detail-row">
                    <td colspan={OPERATOR_COLUMNS.to_string()}>{ subtasks_panel(ctx, id, vertex) }</td>
                </tr>
            }
        </tbody>
    }
}

/// "SubTasks:": the Min/Average/Maximum summary and one row per subtask.
pub(super) fn subtasks_panel(ctx: &Ctx<'_>, id: i64, vertex: u32) -> Html {
    let lang = ctx.lang;
    let Some(d) =
        build::checkpoint_subtasks(ctx.view, CheckpointId(id as u32), VertexIndex(vertex))
    else {
        return html! {};
    };
    let any = d.task.num_acknowledged_subtasks > 0;
    html! {
        <div class="cp-inset cp-subtasks">
            <b class="cp-inset-title">{ tr!(lang, "SubTasks:", "서브태스크:") }</b>
            <div class="cp-scroll" tabindex="0" role="group" aria-label={tr!(lang, "Subtask summary", "서브태스크 요약")}>
                <table class="cp-table" data-testid={format!("cp-subsummary-{id}-{vertex}")}>
                    { subtask_head(lang, false) }
                    <tbody>{ for min_avg_max(lang).iter().map(|(label, pick)| subtask_summary_row(label, *pick, &d.summary, any)) }</tbody>
                </table>
            </div>
            <div class="cp-scroll" tabindex="0" role="group" aria-label={tr!(lang, "Subtask details", "서브태스크별 상세")}>
                <table class="cp-table" data-testid={format!("cp-subtasks-table-{id}-{vertex}")}>
                    { subtask_head(lang, true) }
                    <tbody>{ for d.subtasks.iter().map(|s| subtask_row(id, vertex, s)) }</tbody>
                </table>
            </div>
        </div>
    }
}

/// Columns of both subtask tables; the per-subtask one adds ID, Acknowledged and Unaligned.
pub(super) fn subtask_head(lang: Lang, per_subtask: bool) -> Html {
    let middle = [
        tr!(lang, "End to End Duration", "종단 간 소요 시간"),
        tr!(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"),
        tr!(
            lang,
            "Full Checkpoint Data Size",
            "전체 체크포인트 데이터 크기",
        ),
        tr!(lang, "Sync Duration", "동기 소요 시간"),
        tr!(lang, "Async Duration", "비동기 소요 시간"),
        tr!(lang, "Processed (persisted) Data", "처리된(저장된) 데이터"),
        tr!(lang, "Alignment Duration", "정렬 소요 시간"),
        tr!(lang, "Start Delay", "시작 지연"),
    ];
    html! {
        <thead>
            <tr>
                if per_subtask {
                    { col_head("ID") }
                    { col_head(tr!(lang, "Acknowledged", "확인(ack)")) }
                } else {
                    <th scope="col">{ span("dash-sr", tr!(lang, "Statistic", "통계")) }</th>
                }
                { for middle.iter().map(|c| html! { { col_head(*c) } }) }
                if per_subtask {
                    { col_head(tr!(lang, "Unaligned Checkpoint", "비정렬 체크포인트")) }
                }
            </tr>
        </thead>
    }
}

pub(super) type Pick = fn(&StatsSummaryDto) -> i64;

pub(super) fn min_avg_max(lang: Lang) -> [(&'static str, Pick); 3] {
    [
        (tr!(lang, "Minimum", "최소"), |s| s.min),
        (tr!(lang, "Average", "평균"), |s| s.avg),
        (tr!(lang, "Maximum", "최대"), |s| s.max),
    ]
}

pub(super) fn subtask_summary_row(
    label: &str,
    pick: Pick,
    s: &TaskCheckpointSummary,
    any: bool,
) -> Html {
    let cells: [String; 8] = if any {
        [
            duration(pick(&s.end_to_end_duration_ms)),
            bytes(pick(&s.checkpointed_size_bytes)),
            bytes(pick(&s.state_size_bytes)),
            duration(pick(&s.checkpoint_duration.sync_ms)),
            duration(pick(&s.checkpoint_duration.async_ms)),
            processed_persisted(
                pick(&s.alignment.processed_bytes),
                pick(&s.alignment.persisted_bytes),
            ),
            duration(pick(&s.alignment.duration_ms)),
            duration(pick(&s.start_delay_ms)),
        ]
    } else {
        std::array::from_fn(|_| "n/a".to_string())
    };
    html! {
        <tr>
            <th scope="row">{ label.to_string() }</th>
            { for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }
        </tr>
    }
}

pub(super) fn subtask_row(id: i64, vertex: u32, s: &SubtaskCheckpointStatistics) -> Html {
    match s {
        SubtaskCheckpointStatistics::Completed(c) => html! {
            <tr data-testid={format!("cp-sub-{id}-{vertex}-{}", c.index)}>
                <th scope="row">{ c.index }</th>
                { cell(timestamp(c.ack_timestamp_ms)) }
                { cell(duration(c.end_to_end_duration_ms)) }
                { num_cell(bytes(c.checkpointed_size_bytes)) }
                { num_cell(bytes(c.state_size_bytes)) }
                { cell(duration(c.checkpoint.sync_ms)) }
                { cell(duration(c.checkpoint.async_ms)) }
                { num_cell(processed_persisted(c.alignment.processed_bytes, c.alignment.persisted_bytes)) }
                { cell(duration(c.alignment.duration_ms)) }
                { cell(duration(c.start_delay_ms)) }
                <td><span class={classes!("cp-tag", c.unaligned_checkpoint.then_some("cp-tag-unaligned"))}>{ c.unaligned_checkpoint.to_string() }</span></td>
            </tr>
        },
        SubtaskCheckpointStatistics::Pending(p) => html! {
            <tr data-testid={format!("cp-sub-{id}-{vertex}-{}", p.index)} class="cp-pending-row">
                <th scope="row">{ p.index }</th>
                { for (0..10).map(|_| html! { { cell_of("cp-muted", "n/a") } }) }
            </tr>
        },
    }
}
