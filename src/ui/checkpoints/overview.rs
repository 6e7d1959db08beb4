//! Overview: counts, the latest completed, failed, savepoint and restore, and the live part
//! Flink cannot show (the pending checkpoint's acknowledgements as they arrive).

use super::*;
use crate::ui::dashboard::{heading3, para, span};

pub(super) fn overview_tab(ctx: &Ctx<'_>, stats: &CheckpointingStatistics) -> Html {
    let lang = ctx.lang;
    let latest = &stats.latest;
    html! {
        <div class="cp-overview">
            <dl class="cp-kv">
                { counts_row(&stats.counts, lang) }
                { latest_completed(ctx, latest.completed.as_ref()) }
                { latest_failed(ctx, latest.failed.as_ref()) }
                { latest_savepoint(lang, latest.savepoint.as_ref()) }
                { latest_restore(lang, latest.restored.as_ref()) }
            </dl>
            { live_section(ctx, stats) }
        </div>
    }
}

pub(super) fn kv_row(label: &'static str, value: Html) -> Html {
    html! {
        <div class="cp-kv-row">
            <dt>{ label }</dt>
            <dd>{ value }</dd>
        </div>
    }
}

/// `Label: value`, separated from its neighbours by a pipe (CSS).
pub(super) fn field(label: &'static str, value: Html) -> Html {
    html! { <span class="cp-field"><b>{ label }{ ": " }</b>{ value }</span> }
}

pub(super) fn none(lang: Lang) -> Html {
    html! { { span("cp-none", tr!(lang, "None", "없음")) } }
}

pub(super) fn counts_row(c: &CheckpointingCounts, lang: Lang) -> Html {
    let count = |n: i64, id: &'static str| html! { <span data-testid={id}>{ n }</span> };
    kv_row(
        tr!(lang, "Checkpoint Counts", "체크포인트 개수"),
        html! {
            <span class="cp-fields">
                { field(tr!(lang, "Triggered", "트리거됨"), count(c.total, "cp-count-triggered")) }
                { field(tr!(lang, "In Progress", "진행 중"), count(i64::from(c.in_progress), "cp-count-in-progress")) }
                { field(tr!(lang, "Completed", "완료"), count(c.completed, "cp-count-completed")) }
                { field(tr!(lang, "Failed", "실패"), count(c.failed, "cp-count-failed")) }
                { field(tr!(lang, "Restored", "복원"), count(c.restored, "cp-count-restored")) }
            </span>
        },
    )
}

pub(super) fn latest_completed(
    ctx: &Ctx<'_>,
    completed: Option<&CompletedCheckpointStatistics>,
) -> Html {
    let lang = ctx.lang;
    let label = tr!(
        lang,
        "Latest Completed Checkpoint",
        "최근 완료된 체크포인트",
    );
    let Some(c) = completed else {
        return kv_row(label, none(lang));
    };
    let b = &c.base;
    kv_row(
        label,
        html! {
            <div data-testid="cp-latest-completed">
                <span class="cp-fields">
                    { field("ID", html! { <span data-testid="cp-latest-completed-id">{ b.id }</span> }) }
                    { field(tr!(lang, "Completion Time", "완료 시각"), html! { { ack_time(b.latest_ack_timestamp_ms) } }) }
                    { field(tr!(lang, "End to End Duration", "종단 간 소요 시간"), html! { { ms_or_na(b.end_to_end_duration_ms) } }) }
                    { field(tr!(lang, "Checkpointed Data Size", "체크포인트 데이터 크기"), html! { { bytes(b.checkpointed_size_bytes) } }) }
                    { field(tr!(lang, "Full Checkpoint Data Size", "전체 체크포인트 데이터 크기"), html! { { bytes(b.state_size_bytes) } }) }
                </span>
                if !ctx.compact {
                    { detail_box(lang, &CheckpointStatistics::Completed(c.clone())) }
                    { operators(ctx, b.id) }
                }
            </div>
        },
    )
}

pub(super) fn latest_failed(ctx: &Ctx<'_>, failed: Option<&FailedCheckpointStatistics>) -> Html {
    let lang = ctx.lang;
    let label = tr!(lang, "Latest Failed Checkpoint", "최근 실패한 체크포인트");
    let Some(f) = failed else {
        return kv_row(label, none(lang));
    };
    let cause = f.failure_message.clone().unwrap_or_default();
    kv_row(
        label,
        html! {
            <div data-testid="cp-latest-failed">
                <span class="cp-fields">
                    { field("ID", html! { { f.base.id } }) }
                    { field(tr!(lang, "Failure Time", "실패 시각"), html! { { timestamp(f.failure_timestamp_ms) } }) }
                    { field(tr!(lang, "Cause", "원인"), html! { { span("cp-cause", cause) } }) }
                </span>
                if !ctx.compact {
                    { detail_box(lang, &CheckpointStatistics::Failed(f.clone())) }
                    { operators(ctx, f.base.id) }
                }
            </div>
        },
    )
}

pub(super) fn latest_savepoint(
    lang: Lang,
    savepoint: Option<&CompletedCheckpointStatistics>,
) -> Html {
    let label = tr!(lang, "Latest Savepoint", "최근 세이브포인트");
    let Some(s) = savepoint else {
        return kv_row(label, none(lang));
    };
    kv_row(
        label,
        html! {
            <span class="cp-fields">
                { field("ID", html! { { s.base.id } }) }
                { field(tr!(lang, "Completion Time", "완료 시각"), html! { { ack_time(s.base.latest_ack_timestamp_ms) } }) }
                { field(tr!(lang, "Size", "크기"), html! { { bytes(s.base.checkpointed_size_bytes) } }) }
                { field(tr!(lang, "Path", "경로"), html! { { s.external_path.clone().unwrap_or_else(|| "-".into()) } }) }
            </span>
        },
    )
}

pub(super) fn latest_restore(lang: Lang, restored: Option<&RestoredCheckpointStatistics>) -> Html {
    let label = tr!(lang, "Latest Restore", "최근 복원");
    let Some(r) = restored else {
        return kv_row(label, none(lang));
    };
    let kind = if r.is_savepoint {
        tr!(lang, "Savepoint", "세이브포인트")
    } else {
        tr!(lang, "Checkpoint", "체크포인트")
    };
    kv_row(
        label,
        html! {
            <span class="cp-fields" data-testid="cp-latest-restore">
                { field("ID", html! { { r.id } }) }
                { field(tr!(lang, "Restore Time", "복원 시각"), html! { { timestamp(r.restore_timestamp_ms) } }) }
                { field(tr!(lang, "Type", "유형"), html! { { kind } }) }
                { field(tr!(lang, "Path", "경로"), html! { <code>{ r.external_path.clone().unwrap_or_else(|| "-".into()) }</code> }) }
            </span>
        },
    )
}

/// What Flink's UI cannot show: acknowledgements arriving subtask by subtask, the next
/// periodic trigger and the continuous-failure counter.
pub(super) fn live_section(ctx: &Ctx<'_>, stats: &CheckpointingStatistics) -> Html {
    let (view, lang) = (ctx.view, ctx.lang);
    let coordinator = view.coordinator();
    let pending: Vec<&CheckpointStatisticsBase> = stats
        .history
        .iter()
        .map(CheckpointStatistics::base)
        .filter(|b| b.status == CheckpointStatsStatus::InProgress)
        .collect();
    let next = coordinator
        .periodic_next
        .map(|at| duration(at.saturating_since(view.now()).as_ms() as i64));
    html! {
        <div class="cp-live" data-testid="cp-live">
            { heading3("cp-live-title", tr!(lang, "Live (not in Flink's UI)", "실시간 (Flink UI에는 없음)")) }
            if pending.is_empty() {
                { para("cp-none", tr!(lang, "No checkpoint in progress.", "진행 중인 체크포인트가 없습니다.")) }
            }
            { for pending.iter().map(|b| pending_acks(ctx, b)) }
            <p class="cp-fields">
                { field(tr!(lang, "Next periodic trigger in", "다음 주기 트리거까지"), html! { { next.unwrap_or_else(|| "-".into()) } }) }
                { field(tr!(lang, "Consecutive failed checkpoints", "연속 실패 체크포인트"), html! {
                    { format!("{} / {} {}", coordinator.continuous_failures, view.config().tolerable_failed_checkpoints, tr!(lang, "tolerable", "허용")) }
                }) }
            </p>
        </div>
    }
}

/// One pending checkpoint: n/total, a bar, and one square per subtask per vertex.
pub(super) fn pending_acks(ctx: &Ctx<'_>, b: &CheckpointStatisticsBase) -> Html {
    let (view, lang) = (ctx.view, ctx.lang);
    let now = view.epoch_ms(view.now()) as i64;
    let pct = percent(b.num_acknowledged_subtasks, b.num_subtasks);
    let vertices = view.graph().vertices.iter().enumerate().map(|(v, vertex)| {
        let Some(d) = build::checkpoint_subtasks(
            view,
            CheckpointId(b.id as u32),
            VertexIndex::from_index(v),
        ) else {
            return html! {};
        };
        let squares = d.subtasks.iter().map(|s| {
            let (index, acked) = match s {
                SubtaskCheckpointStatistics::Completed(c) => (c.index, true),
                SubtaskCheckpointStatistics::Pending(p) => (p.index, false),
            };
            let state = if acked { tr!(lang, "acknowledged", "확인됨") } else { tr!(lang, "pending", "대기 중") };
            html! {
                <span class={classes!("cp-square", acked.then_some("cp-square-acked"))}
                    title={format!("{} ({}/{}): {state}", vertex.name, index + 1, vertex.parallelism)}>
                    { index }
                </span>
            }
        });
        html! { <span class="cp-vertex-acks">{ span("cp-vertex-name", &vertex.name) }{ for squares }</span> }
    });
    html! {
        <div class="cp-pending" data-testid={format!("cp-pending-{}", b.id)}>
            <span class="cp-fields">
                { field("ID", html! { { b.id } }) }
                { field(tr!(lang, "Acknowledged", "확인(ack)"), html! {
                    <span data-testid={format!("cp-pending-acks-{}", b.id)}>
                        { format!("{}/{}", b.num_acknowledged_subtasks, b.num_subtasks) }
                    </span>
                }) }
                { field(tr!(lang, "Since trigger", "트리거 후"), html! { { duration(now - b.trigger_timestamp_ms) } }) }
            </span>
            { progress(pct) }
            <div class="cp-acks">{ for vertices }</div>
        </div>
    }
}
