//! Keyboard shortcuts, and what the simulation simplifies compared with a real cluster.

use super::{tr, Lang};
use yew::prelude::*;

/// Props.
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Language.
    pub lang: Lang,
    /// Close the overlay.
    pub on_close: Callback<()>,
}

/// The help dialog.
pub fn help_overlay(props: &HelpProps) -> Html {
    let lang = props.lang;
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let shortcuts = [
        ("Space", tr!(lang, "play / pause", "재생 / 일시정지")),
        ("→", tr!(lang, "process one event", "이벤트 하나 처리")),
        ("?", tr!(lang, "this help", "이 도움말")),
        ("Esc", tr!(lang, "close", "닫기")),
    ];
    let simplifications = [
        tr!(lang, "Records travel one by one; Flink batches them into 32 KiB network buffers flushed at least every 100 ms. Channel capacity is counted in records of 40 bytes.",
            "레코드는 하나씩 전송됩니다. Flink는 32 KiB 네트워크 버퍼에 모아 최소 100 ms마다 보냅니다. 채널 용량은 40바이트 레코드 수로 셉니다."),
        tr!(lang, "Latencies, snapshot durations and state sizes are drawn from ranges calibrated on a real Flink 2.3.0 cluster running this job, not measured from a JVM.",
            "지연 시간, 스냅샷 시간, 상태 크기는 이 잡을 실행한 실제 Flink 2.3.0 클러스터에서 관측한 범위에서 뽑습니다."),
        tr!(lang, "_metadata is shown as JSON; Flink writes a binary file (magic 0x4960672D, version 6) with the same content.",
            "_metadata는 JSON으로 보여 줍니다. Flink는 같은 내용을 바이너리 파일(매직 0x4960672D, 버전 6)로 씁니다."),
        tr!(lang, "The dataflow animation slows records down so they can be seen; the numbers are simulated exactly.",
            "데이터 흐름 애니메이션은 보이도록 느리게 그립니다. 수치는 정확히 시뮬레이션합니다."),
        tr!(lang, "One job at a time (a job started from a snapshot takes the place of the one it came from); RocksDB is modelled by its files and sizes, not run; the JobManager itself does not fail (a page reload plays that role).",
            "잡은 한 번에 하나입니다 (스냅샷에서 시작한 잡이 원래 잡을 대신합니다). RocksDB는 실행하지 않고 파일과 크기로 모델링합니다. JobManager 자체 장애는 페이지 새로고침이 그 역할을 합니다."),
    ];
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ tr!(lang, "Keyboard shortcuts", "단축키") }</h2>
                <dl class="shortcuts">
                    { for shortcuts.iter().map(|(key, what)| html! { <><dt><kbd>{ *key }</kbd></dt><dd>{ *what }</dd></> }) }
                </dl>
                <h2>{ tr!(lang, "What the simulation simplifies", "시뮬레이션이 단순화한 부분") }</h2>
                <ul>{ for simplifications.iter().map(|s| html! { <li>{ *s }</li> }) }</ul>
                <button class="primary" onclick={close}>{ tr!(lang, "Close", "닫기") }</button>
            </div>
        </div>
    }
}
