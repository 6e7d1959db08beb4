//! Summary: end-to-end duration, checkpointed size and processed data over the completed
//! checkpoints, with percentiles.

use super::*;
use crate::ui::dashboard::col_head;
use crate::ui::dashboard::span;

#[derive(Properties, PartialEq)]
pub(super) struct SummaryProps {
    pub(super) summary: CheckpointSummary,
    pub(super) completed: i64,
    pub(super) lang: Lang,
}

/// Minimum / Average / Maximum over completed checkpoints, and the collapsible percentiles.
#[component]
pub(super) fn SummaryTab(props: &SummaryProps) -> Html {
    let lang = props.lang;
    let percentiles = use_state_eq(|| false);
    let toggle = {
        let percentiles = percentiles.clone();
        Callback::from(move |_: MouseEvent| percentiles.set(!*percentiles))
    };
    if props.completed == 0 {
        return html! {
            <p class="cp-empty" data-testid="cp-summary-empty">{ tr!(lang, "No checkpoint has completed yet.", "아직 완료된 체크포인트가 없습니다.") }</p>
        };
    }
    let s = &props.summary;
    let rows = min_avg_max(lang).map(|(label, pick)| {
        let cells = [
            duration(pick(&s.end_to_end_duration_ms)),
            bytes(pick(&s.checkpointed_size_bytes)),
            bytes(pick(&s.state_size_bytes)),
            processed_persisted(pick(&s.processed_data_bytes), pick(&s.persisted_data_bytes)),
        ];
        summary_row(label, cells)
    });
    html! {
        <div class="cp-summary">
            <div class="cp-scroll">
                <table class="cp-table" data-testid="cp-summary">
                    { summary_head(lang) }
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="cp-note">{ format!("{} {}", tr!(lang, "Completed checkpoints:", "완료된 체크포인트 수:"), thousands(props.completed)) }</p>
            <button type="button" class="cp-collapse" aria-expanded={percentiles.to_string()}
                aria-controls="cp-percentiles" data-testid="cp-percentiles-toggle" onclick={toggle}>
                <span class="cp-chevron" aria-hidden="true">{ "›" }</span>
                { tr!(lang, "Percentiles", "백분위수") }
            </button>
            if *percentiles {
                { percentile_table(s, lang) }
            }
        </div>
    }
}

pub(super) fn summary_head(lang: Lang) -> Html {
    html! {
        <thead>
            <tr>
                <th scope="col">{ span("dash-sr", tr!(lang, "Statistic", "통계")) }</th>
                { col_head(tr!(lang, "End to End Duration", "종단 간 소요 시간")) }
                { col_head(tr!(lang, "Checkpointed Data Size", "체크포인트 데이터 크기")) }
                { col_head(tr!(lang, "Full Checkpoint Data Size", "전체 체크포인트 데이터 크기")) }
                { col_head(tr!(lang, "Processed (persisted) in-flight data", "처리된(저장된) in-flight 데이터")) }
            </tr>
        </thead>
    }
}

pub(super) fn summary_row(label: &str, cells: [String; 4]) -> Html {
    html! {
        <tr>
            <th scope="row">{ label.to_string() }</th>
            { for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }
        </tr>
    }
}

pub(super) type PickDouble = fn(&StatsSummaryDto) -> JsonDouble;

pub(super) fn percentile_table(s: &CheckpointSummary, lang: Lang) -> Html {
    let quantiles: [(&str, PickDouble); 5] = [
        ("50%", |d| d.p50),
        ("90%", |d| d.p90),
        ("95%", |d| d.p95),
        ("99%", |d| d.p99),
        ("99.9%", |d| d.p999),
    ];
    let rows = quantiles.map(|(label, pick)| {
        let cells = [
            duration_f(pick(&s.end_to_end_duration_ms)),
            bytes_f(pick(&s.checkpointed_size_bytes)),
            bytes_f(pick(&s.state_size_bytes)),
            format!(
                "{} ({})",
                bytes_f(pick(&s.processed_data_bytes)),
                bytes_f(pick(&s.persisted_data_bytes))
            ),
        ];
        summary_row(label, cells)
    });
    html! {
        <div class="cp-scroll" id="cp-percentiles">
            <table class="cp-table" data-testid="cp-percentiles">
                { summary_head(lang) }
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
