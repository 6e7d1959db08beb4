//! Configuration: the checkpoint options in effect, as Flink lists them, and what else is in
//! effect that Flink's table leaves out.

use super::*;
use crate::ui::dashboard::{col_head, heading3};

#[derive(Properties, PartialEq)]
pub(super) struct ConfigProps {
    pub(super) config: CheckpointConfigInfo,
    pub(super) retained: u32,
    pub(super) history: u32,
    pub(super) lang: Lang,
}

/// The Option / Value table of Flink's Configuration sub-tab.
pub(super) fn config_tab(props: &ConfigProps) -> Html {
    let lang = props.lang;
    let rows = config_rows(&props.config, lang);
    let extra = [
        (
            tr!(
                lang,
                "Retained checkpoints (state.checkpoints.num-retained)",
                "보관 체크포인트 수 (state.checkpoints.num-retained)",
            ),
            props.retained.to_string(),
            "cp-config-retained",
        ),
        (
            tr!(
                lang,
                "History size (web.checkpoints.history)",
                "기록 크기 (web.checkpoints.history)",
            ),
            props.history.to_string(),
            "cp-config-history",
        ),
    ];
    html! {
        <div class="cp-config">
            <div class="cp-scroll">
                <table class="cp-table cp-kv-table" data-testid="cp-config">
                    { option_head(lang) }
                    <tbody>{ for rows.into_iter().map(|(k, v, id)| option_row(k, v, id)) }</tbody>
                </table>
            </div>
            { heading3("cp-subtitle", tr!(lang, "Also in effect (not in Flink's table)", "함께 적용되는 설정 (Flink 표에는 없음)")) }
            <div class="cp-scroll">
                <table class="cp-table cp-kv-table">
                    { option_head(lang) }
                    <tbody>{ for extra.into_iter().map(|(k, v, id)| option_row(k, v, id)) }</tbody>
                </table>
            </div>
        </div>
    }
}

pub(super) fn option_head(lang: Lang) -> Html {
    html! {
        <thead><tr>
            { col_head(tr!(lang, "Option", "옵션")) }
            { col_head(tr!(lang, "Value", "값")) }
        </tr></thead>
    }
}

pub(super) fn option_row(label: &'static str, value: String, id: &'static str) -> Html {
    html! {
        <tr><th scope="row">{ label }</th><td data-testid={id}>{ value }</td></tr>
    }
}

/// Flink's option labels (English, Korean) and the test id of each value cell.
pub(super) const CONFIG_LABELS: [(&str, &str); 13] = [
    (
        en_ko!("Checkpointing Mode", "체크포인팅 모드"),
        "cp-config-mode",
    ),
    (
        en_ko!("Checkpoint Storage", "체크포인트 저장소"),
        "cp-config-storage",
    ),
    (en_ko!("State Backend", "상태 백엔드"), "cp-config-backend"),
    (en_ko!("Interval", "간격"), "cp-config-interval"),
    (en_ko!("Timeout", "타임아웃"), "cp-config-timeout"),
    (
        en_ko!(
            "Minimum Pause Between Checkpoints",
            "체크포인트 사이 최소 간격"
        ),
        "cp-config-min-pause",
    ),
    (
        en_ko!("Maximum Concurrent Checkpoints", "최대 동시 체크포인트"),
        "cp-config-max-concurrent",
    ),
    (
        en_ko!("Unaligned Checkpoints", "비정렬 체크포인트"),
        "cp-config-unaligned",
    ),
    (
        en_ko!("Aligned checkpoint timeout", "정렬 체크포인트 타임아웃"),
        "cp-config-aligned-timeout",
    ),
    (
        en_ko!("Persist Checkpoints Externally", "체크포인트 외부 보존"),
        "cp-config-external",
    ),
    (
        en_ko!("Tolerable Failed Checkpoints", "허용 실패 체크포인트 수"),
        "cp-config-tolerable",
    ),
    (
        en_ko!(
            "Checkpoints With Finished Tasks",
            "종료된 태스크 포함 체크포인트"
        ),
        "cp-config-finished-tasks",
    ),
    (
        en_ko!("State Changelog", "상태 변경 로그"),
        "cp-config-changelog",
    ),
];

pub(super) fn config_rows(
    c: &CheckpointConfigInfo,
    lang: Lang,
) -> Vec<(&'static str, String, &'static str)> {
    CONFIG_LABELS
        .iter()
        .zip(config_values(c, lang))
        .map(|(&(en, id), value)| (tr_dyn(lang, en), value, id))
        .collect()
}

/// The values in `CONFIG_LABELS` order, formatted as Flink's UI does (`5s 0ms`, `Enabled`).
pub(super) fn config_values(c: &CheckpointConfigInfo, lang: Lang) -> [String; 13] {
    let on_off = |on: bool| {
        let text = if on {
            tr!(lang, "Enabled", "사용")
        } else {
            tr!(lang, "Disabled", "사용 안 함")
        };
        text.to_string()
    };
    let mode = match c.mode {
        ProcessingMode::ExactlyOnce => tr!(lang, "Exactly Once", "Exactly Once (정확히 한 번)"),
        ProcessingMode::AtLeastOnce => tr!(lang, "At Least Once", "At Least Once (최소 한 번)"),
    };
    let interval = if c.interval_ms == i64::MAX {
        tr!(
            lang,
            "Periodic checkpoints disabled",
            "주기적 체크포인트 꺼짐",
        )
        .to_string()
    } else {
        duration(c.interval_ms)
    };
    let external = match (
        c.externalization.enabled,
        c.externalization.delete_on_cancellation,
    ) {
        (false, _) => on_off(false),
        (true, true) => tr!(
            lang,
            "Enabled (delete on cancellation)",
            "사용 (취소 시 삭제)",
        )
        .to_string(),
        (true, false) => tr!(
            lang,
            "Enabled (retain on cancellation)",
            "사용 (취소 시 보존)",
        )
        .to_string(),
    };
    [
        mode.to_string(),
        c.checkpoint_storage.clone(),
        c.state_backend.clone(),
        interval,
        duration(c.timeout_ms),
        duration(c.min_pause_ms),
        c.max_concurrent.to_string(),
        on_off(c.unaligned_checkpoints),
        duration(c.aligned_checkpoint_timeout_ms),
        external,
        c.tolerable_failed_checkpoints.to_string(),
        on_off(c.checkpoints_after_tasks_finish),
        on_off(c.state_changelog_enabled),
    ]
}
