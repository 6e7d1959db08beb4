//! The timeline under the header: a scrubber over the whole run with markers (checkpoints,
//! faults, failovers, restores, forks), the simulated time and trace hash, the determinism
//! check, the shareable link, run export and import, and the ready-made scenarios.

use super::{bound, tr, tr_dyn, PanelProps};
use crate::app::fixed::{d0, d1};
use crate::app::session::MarkerKind;
use crate::app::Action;
use crate::run::link::SCENARIOS;
use crate::sim::SimTime;
use yew::prelude::*;

fn percent(time: SimTime, start: SimTime, end: SimTime) -> f64 {
    let span = end.as_us().saturating_sub(start.as_us()).max(1) as f64;
    bound(
        time.as_us().saturating_sub(start.as_us()) as f64 / span * 100.0,
        0.0,
        100.0,
    )
}

/// A file input's change: reads the chosen file as text and emits `make(text)` (or why it
/// could not be read). One function for both inputs (runs and talks): one async reader.
fn file_input(
    dispatch: &Callback<Action>,
    make: fn(Result<String, String>) -> Action,
) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .ok_or_else(|| "the file could not be read as text".to_string());
            dispatch.emit(make(text));
        });
    })
}

/// The page's address without query or fragment (the base of a shared link).
fn page_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| {
            href.split(['?', '#'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default()
}

/// The bar.
/// (A function the page calls: it re-renders with the page every frame anyway.)
pub fn timeline_bar(props: &PanelProps) -> Html {
    let lang = props.lang;
    let dispatch = &props.dispatch;
    let on_seek = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = input.value().parse::<u64>() {
                dispatch.emit(Action::Seek(SimTime::from_ms(ms)));
            }
        })
    };
    let on_share = dispatch.reform(|_: MouseEvent| Action::ShareLink {
        base: page_address(),
    });
    let on_verify = dispatch.reform(|_: MouseEvent| Action::Verify);
    let on_export = dispatch.reform(|_: MouseEvent| Action::ExportRun);
    let on_import = file_input(dispatch, Action::Import);
    let on_open_talk = file_input(dispatch, |text| Action::OpenTalk {
        text: Some(text),
        step: None,
    });
    let on_study = dispatch.reform(|_: MouseEvent| Action::OpenTalk {
        text: None,
        step: None,
    });
    let on_bookmark = dispatch.reform(|_: MouseEvent| Action::Bookmark);
    let on_record = dispatch.reform(|_: MouseEvent| Action::RecordTalk);
    let m = props.session.read();
    let bookmarks = m.bookmarks().len();
    let machine = m.machine();
    let (start, head, now) = (
        machine.start(),
        machine.head().max(m.sim().now()),
        m.sim().now(),
    );
    // The scrubber's end moves in steps of 10 s, so marker positions change rarely; markers are
    // one SVG path per kind however many there are.
    let end = SimTime::from_ms(head.as_ms().div_ceil(10_000).max(1) * 10_000);
    let mut paths: [(String, &str); 8] = Default::default();
    let kinds = [
        "mk-completed",
        "mk-failed",
        "mk-failover",
        "mk-restore",
        "mk-fault",
        "mk-fork",
        "mk-savepoint",
        "mk-started",
    ];
    for (slot, kind) in paths.iter_mut().zip(kinds) {
        slot.1 = kind;
    }
    let mut mark = |index: usize, time: SimTime| {
        let x = percent(time, start, end) * 10.0;
        paths[index].0.push_str(&format!("M{} 0v10", d1(x)));
    };
    for marker in m.markers() {
        let index = match marker.kind {
            MarkerKind::Completed => 0,
            MarkerKind::Failed => 1,
            MarkerKind::Failover => 2,
            MarkerKind::Restore => 3,
            MarkerKind::Savepoint => 6,
            MarkerKind::Started => 7,
        };
        mark(index, marker.time);
    }
    for (at, _) in machine.commands() {
        mark(4, *at);
    }
    for at in machine.forks() {
        mark(5, *at);
    }
    let markers = html! {
        <svg class="markers" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">
            { for paths.iter().filter(|(d, _)| !d.is_empty()).map(|(d, class)| html! { <path class={*class} d={d.clone()} /> }) }
        </svg>
    };
    let (snapshots, bytes) = machine.memory();
    let verification = m.verification().map(|v| match v.result {
        None => html! { <span class="verify running" data-testid="verify-result" data-state="running">{ format!("{} {}%", tr!(lang, "replaying…", "재실행 중…"), d0(v.progress() * 100.0)) }</span> },
        Some(true) => html! { <span class="verify ok" data-testid="verify-result" data-state="match">{ format!("✓ {} {:016x}", tr!(lang, "same trace:", "같은 추적:"), v.replayed) }</span> },
        Some(false) => html! { <span class="verify bad" data-testid="verify-result" data-state="mismatch">{ format!("✗ {} {:016x} ≠ {:016x}", tr!(lang, "different trace:", "다른 추적:"), v.replayed, v.expected) }</span> },
    });
    let hash = format!("{:016x}", m.sim().view().trace_hash());
    html! {
        <section class="timeline-bar" aria-label={tr!(lang, "Timeline", "타임라인")}>
            <div class="scrubber">
                { markers }
                <input type="range" data-testid="timeline" min={start.as_ms().to_string()} max={end.as_ms().to_string()} step="1"
                    value={now.as_ms().to_string()} oninput={on_seek}
                    aria-label={tr!(lang, "Simulated time: drag to travel back and forth", "시뮬레이션 시간: 끌어서 앞뒤로 이동")}
                    aria-valuetext={format!("{} ms", now.as_ms())} />
            </div>
            <div class="timeline-info">
                <span>{ tr!(lang, "at", "시각") }{ " " }<output data-testid="sim-time">{ now.as_ms() }</output>{ " ms / " }{ head.as_ms() }{ " ms" }</span>
                <span title={tr!(lang, "FNV-1a over every engine event: the same seed, configuration and commands give the same hash", "모든 엔진 이벤트의 FNV-1a 해시: 같은 시드·설정·명령이면 같은 해시")}>
                    { tr!(lang, "trace", "추적") }{ " " }<code data-testid="trace-hash">{ hash }</code>
                </span>
                <button data-testid="btn-verify" onclick={on_verify}>{ tr!(lang, "Replay and compare", "재실행해 비교") }</button>
                { for verification }
                <span class="snapshots" title={tr!(lang, "Retained simulation snapshots for seeking", "이동용으로 보관한 시뮬레이션 스냅샷")}>
                    { format!("{snapshots} {} ≈ {}", tr!(lang, "snapshots", "스냅샷"), super::format::bytes(bytes as u64)) }
                </span>
                <button data-testid="btn-share" onclick={on_share}>{ tr!(lang, "Share link", "링크 공유") }</button>
                if let Some(url) = m.link().map(str::to_string) {
                    <input class="share-url" data-testid="share-url" type="text" readonly=true value={url} aria-label={tr!(lang, "Link to this run at this moment", "이 순간의 실행 링크")} />
                }
                <button data-testid="btn-export" onclick={on_export}>{ tr!(lang, "Export run", "실행 내보내기") }</button>
                <label class="import">{ tr!(lang, "Import run", "실행 가져오기") }
                    <input type="file" accept="application/json,.json" data-testid="import-run" onchange={on_import} />
                </label>
                <button data-testid="btn-talk" onclick={on_study}>{ tr!(lang, "Present the talk", "발표 시작") }</button>
                { super::compare::compare_menu(props) }
                <button data-testid="btn-bookmark" onclick={on_bookmark} aria-keyshortcuts="M"
                    title={tr!(lang, "Bookmark this moment (M)", "이 순간 북마크 (M)")}>{ format!("{} ({bookmarks})", tr!(lang, "Bookmark", "북마크")) }</button>
                <button data-testid="btn-record-talk" onclick={on_record} disabled={bookmarks == 0}>{ tr!(lang, "Record a talk", "발표 녹화") }</button>
                <label class="import">{ tr!(lang, "Open a talk", "발표 열기") }
                    <input type="file" accept="application/json,.json" data-testid="open-talk" onchange={on_open_talk} />
                </label>
                <details class="scenarios" data-testid="scenario-menu">
                    <summary>{ tr!(lang, "Scenarios", "시나리오") }</summary>
                    <ul>
                        { for SCENARIOS.iter().map(|s| html! {
                            <li><a href={format!("?{}&lang={}", s.query, lang.code())} data-testid={format!("scenario-{}", s.id)}>{ tr_dyn(lang, s.title_en) }</a></li>
                        }) }
                    </ul>
                </details>
            </div>
        </section>
    }
}
