//! Talk mode's components: the narration beside the live views (the audience window), the
//! presenter view (notes, the next step, the section's clock), and the printed handout.

use super::{tr, Lang, PanelProps};
use crate::app::session::TalkMove;
use crate::app::Action;
use crate::run::talk::Text;
use crate::ui::dashboard::span;
use yew::prelude::*;

fn text(text: &Text, lang: Lang) -> &str {
    let korean = lang == Lang::Ko;
    let chosen = text.get(korean);
    if chosen.is_empty() {
        text.get(!korean)
    } else {
        chosen
    }
}

/// Escapes text for HTML (a talk file is the user's: nothing in it becomes markup).
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Paragraphs, with ```-fenced blocks as code, as escaped HTML (a string is far less code in
/// the bundle than a tree of Yew nodes for text the page only shows).
fn rich_html(source: &str, out: &mut String) {
    let mut in_code = false;
    let mut open_paragraph = false;
    for line in source.lines() {
        if line.trim_start().starts_with("```") {
            if open_paragraph {
                out.push_str("</p>");
                open_paragraph = false;
            }
            out.push_str(if in_code {
                "</code></pre>"
            } else {
                "<pre class=\"talk-code\"><code>"
            });
            in_code = !in_code;
        } else if in_code {
            escape(line, out);
            out.push('\n');
        } else if line.trim().is_empty() {
            if open_paragraph {
                out.push_str("</p>");
                open_paragraph = false;
            }
        } else {
            out.push_str(if open_paragraph { " " } else { "<p>" });
            open_paragraph = true;
            escape(line.trim(), out);
        }
    }
    if in_code {
        out.push_str("</code></pre>");
    }
    if open_paragraph {
        out.push_str("</p>");
    }
}

/// [`rich_html`] as a node.
pub fn rich(source: &str) -> Html {
    let mut out = String::new();
    rich_html(source, &mut out);
    Html::from_html_unchecked(out.into())
}

/// Marks the spotlight's elements `data-spotlight="true"` (and clears the previous ones): the
/// elements belong to other components, so this runs after each render.
pub fn apply_spotlight(selectors: &[String]) {
    thread_local! {
        /// Whether the last call marked anything: outside a talk there is nothing to clear,
        /// and the page renders on every frame.
        static LIT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if selectors.is_empty() && !LIT.with(std::cell::Cell::get) {
        return;
    }
    LIT.with(|lit| lit.set(!selectors.is_empty()));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(old) = document.query_selector_all("[data-spotlight]") {
        for i in 0..old.length() {
            if let Some(element) = old
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = element.remove_attribute("data-spotlight");
            }
        }
    }
    for selector in selectors {
        // The first side of a comparison is the one a step's spotlight names.
        let Ok(found) = document.query_selector_all(selector) else {
            continue;
        };
        for i in 0..found.length() {
            if let Some(element) = found
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let in_right_side = element
                    .closest("[data-testid=\"compare-side\"][data-side=\"1\"]")
                    .ok()
                    .flatten()
                    .is_some();
                if !in_right_side {
                    let _ = element.set_attribute("data-spotlight", "true");
                }
            }
        }
    }
}

/// The narration panel of the audience window (plain functions, not components: the page
/// renders them; each component costs the bundle ≈3 KB of Yew's generic machinery).
pub fn talk_panel(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let Some(mode) = session.talk() else {
        return html! {};
    };
    let step = mode.step();
    let index = mode.index();
    let count = mode.talk().steps.len();
    let section = &mode.talk().sections[step.section];
    let go = |to: TalkMove| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::Talk(to.clone()))
    };
    let presenter_link = format!(
        "?talk={}&presenter=1&step={}&lang={}",
        mode.talk().id,
        step.id,
        lang.code()
    );
    let open_presenter = {
        let link = presenter_link.clone();
        Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            if let Some(window) = web_sys::window() {
                let _ = window.open_with_url_and_target_and_features(
                    &link,
                    "flinkscope-presenter",
                    "popup,width=1100,height=760",
                );
            }
        })
    };
    let digits = session.digits().to_string();
    let problems = mode.problems().len();
    html! {
        <aside class="talk-panel" aria-label={tr!(lang, "Talk", "발표")}
            data-testid="talk-step" data-step-id={step.id.clone()} data-step-index={index.to_string()}
            data-step-count={count.to_string()} data-blank={mode.blank().to_string()}
            data-entry-ms={crate::app::fixed::d1(mode.entry_ms().back().copied().unwrap_or(0.0)).to_string()}
            data-resolve-ms={crate::app::fixed::d1(mode.resolve_ms()).to_string()}>
            <p class="talk-section">
                { format!("{} · {} {}", text(&section.title, lang), section.minutes, tr!(lang, "min", "분")) }
            </p>
            <h2 class="talk-title">{ text(&step.title, lang) }</h2>
            <div class="talk-narration" data-testid="talk-narration" aria-live="polite">
                { rich(text(&step.narration, lang)) }
            </div>
            <nav class="talk-nav" aria-label={tr!(lang, "Talk steps", "발표 단계")}>
                <button data-testid="talk-prev" onclick={go(TalkMove::Previous)} disabled={index == 0}
                    aria-keyshortcuts="ArrowLeft PageUp">{ tr!(lang, "← Back", "← 이전") }</button>
                <span class="talk-count" data-testid="talk-count">
                    { format!("{} / {}", index + 1, count) }
                    if !digits.is_empty() {
                        <span class="talk-digits">{ format!(" → {digits}") }</span>
                    }
                </span>
                <button class="primary" data-testid="talk-next" onclick={go(TalkMove::Next)} disabled={index + 1 == count}
                    aria-keyshortcuts="ArrowRight PageDown Space">{ tr!(lang, "Next →", "다음 →") }</button>
            </nav>
            <div class="talk-tools">
                <a href={presenter_link} target="flinkscope-presenter" data-testid="talk-presenter" onclick={open_presenter}>
                    { tr!(lang, "Presenter view", "발표자 보기") }
                </a>
                <button data-testid="talk-blank" onclick={props.dispatch.reform(|_| Action::ToggleBlank)} aria-keyshortcuts="B">
                    { tr!(lang, "Blank (B)", "화면 가리기 (B)") }
                </button>
                <button data-testid="talk-print" onclick={props.dispatch.reform(|_| Action::PrintHandout)}>
                    { tr!(lang, "Handout", "유인물") }
                </button>
                <button data-testid="talk-leave" onclick={props.dispatch.reform(|_| Action::LeaveTalk)}>
                    { tr!(lang, "Leave the talk", "발표 끝내기") }
                </button>
            </div>
            if problems > 0 {
                <p class="talk-problems">{ format!("{problems} {}", tr!(lang, "part(s) of the talk were skipped (see the notice)", "개 부분을 건너뛰었습니다 (알림 참고)")) }</p>
            }
        </aside>
    }
}

/// The blank screen (B): covers the audience window until B again or the next step.
pub fn blank_screen(props: &PanelProps) -> Html {
    let session = props.session.read();
    let blank = session.talk().is_some_and(|m| m.blank()) && !session.view().presenter;
    if !blank {
        return html! {};
    }
    html! { <div class="talk-blank" data-testid="talk-blanked" aria-label={tr!(props.lang, "Screen blanked (press B)", "화면 가림 (B)")} role="img"></div> }
}

fn clock_text(ms: f64) -> String {
    let seconds = (ms.max(0.0) / 1000.0) as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The presenter view: speaker notes, the next step, elapsed time against the section's
/// minutes.
pub fn presenter_view(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let Some(mode) = session.talk() else {
        return html! { <p>{ tr!(lang, "No talk is open.", "열린 발표가 없습니다.") }</p> };
    };
    let step = mode.step();
    let section = &mode.talk().sections[step.section];
    let (talk_ms, section_ms) = session.talk_clock();
    let over = section_ms > f64::from(section.minutes) * 60_000.0;
    let go = |to: TalkMove| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::Talk(to.clone()))
    };
    html! {
        <main class="presenter" data-testid="presenter-view" data-step-index={mode.index().to_string()}>
            <header class="presenter-head">
                <span class="presenter-count">{ format!("{} / {}", mode.index() + 1, mode.talk().steps.len()) }</span>
                <span class={classes!("presenter-clock", over.then_some("over"))} data-testid="presenter-clock">
                    { format!("{} {} / {} {} · {} {}", tr!(lang, "section", "섹션"), clock_text(section_ms), section.minutes, tr!(lang, "min", "분"),
                        tr!(lang, "talk", "전체"), clock_text(talk_ms)) }
                </span>
                if mode.blank() {
                    { span("badge", tr!(lang, "audience screen blanked", "청중 화면 가림")) }
                }
            </header>
            <section class="presenter-now">
                <h1>{ text(&step.title, lang) }</h1>
                <p class="presenter-suggested">{ format!("{} {} s", tr!(lang, "suggested", "권장"), step.seconds) }</p>
                <h2>{ tr!(lang, "Notes", "발표자 노트") }</h2>
                <div class="presenter-notes" data-testid="presenter-notes">{ rich(text(&step.notes, lang)) }</div>
                <h2>{ tr!(lang, "The audience reads", "청중 화면") }</h2>
                <div class="presenter-narration">{ rich(text(&step.narration, lang)) }</div>
            </section>
            <section class="presenter-next" data-testid="presenter-next">
                <h2>{ tr!(lang, "Next", "다음") }</h2>
                { match mode.next_step() {
                    Some(next) => html! { <p>{ text(&next.title, lang) }</p> },
                    None => html! { <p>{ tr!(lang, "The end of the talk.", "발표의 끝입니다.") }</p> },
                } }
            </section>
            <nav class="talk-nav">
                <button onclick={go(TalkMove::Previous)}>{ tr!(lang, "← Back", "← 이전") }</button>
                <button class="primary" data-testid="presenter-next-btn" onclick={go(TalkMove::Next)}>{ tr!(lang, "Next →", "다음 →") }</button>
                <button onclick={props.dispatch.reform(|_| Action::ToggleBlank)}>{ tr!(lang, "Blank (B)", "화면 가리기 (B)") }</button>
            </nav>
        </main>
    }
}

/// The printed handout: one block per step (title, narration, what the views showed).
pub fn handout(props: &PanelProps) -> Html {
    let lang = props.lang;
    let session = props.session.read();
    let Some(mode) = session.talk() else {
        return html! {};
    };
    let mut out = String::from("<h1>");
    escape(text(&mode.talk().title, lang), &mut out);
    out.push_str("</h1>");
    for (i, (step, facts)) in mode.talk().steps.iter().zip(mode.facts()).enumerate() {
        out.push_str("<article class=\"handout-step\"><h2>");
        escape(&format!("{}. {}", i + 1, text(&step.title, lang)), &mut out);
        out.push_str("</h2>");
        rich_html(text(&step.narration, lang), &mut out);
        if let Some(facts) = facts {
            out.push_str("<p class=\"handout-facts\">");
            escape(&facts.describe(lang == Lang::Ko), &mut out);
            out.push_str("</p>");
        }
        out.push_str("</article>");
    }
    html! {
        <section class="handout" aria-hidden="true">{ Html::from_html_unchecked(out.into()) }</section>
    }
}
