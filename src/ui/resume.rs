//! After a reload: the offer to resume the stored job (a JobManager failover), or to start
//! fresh keeping or clearing the stored records; and the notice when IndexedDB is unavailable.

use super::{format, tr, PanelProps};
use crate::app::mirror::ArchiveState;
use crate::app::Action;
use crate::ui::dashboard::para;
use yew::prelude::*;

/// The banner.
#[component]
pub fn ResumeBanner(props: &PanelProps) -> Html {
    let lang = props.lang;
    let clear = use_state(|| false);
    let m = props.session.read();
    let mirror = m.mirror();
    let notice = match mirror.state() {
        ArchiveState::Memory { reason } => Some(html! {
            <div class="storage-notice" role="status" data-testid="storage-notice">
                { tr!(lang, "Checkpoints are kept in memory only (lost on reload): ", "체크포인트를 메모리에만 보관합니다 (새로고침하면 사라짐): ") }
                { reason.clone() }
            </div>
        }),
        _ => None,
    };
    let error = mirror.last_error().map(|e| html! {
        <div class="storage-notice error-notice" role="alert">{ tr!(lang, "Storage: ", "저장소: ") }{ e.to_string() }</div>
    });
    let Some(offer) = mirror.offer().cloned() else {
        return html! { <>{ for notice }{ for error }</> };
    };
    drop(m);
    let on_resume = props.dispatch.reform(|_: MouseEvent| Action::Resume);
    let on_fresh = {
        let clear = clear.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::StartFresh {
                delete_records: *clear,
            })
    };
    let on_clear = {
        let clear = clear.clone();
        Callback::from(move |e: yew::events::Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            clear.set(input.checked());
        })
    };
    let state = &offer.job.state;
    let latest = offer.checkpoints.last().map(|c| c.checkpoint_id);
    html! {
        <>
        { for notice }
        { for error }
        <div class="resume-banner" role="dialog" aria-labelledby="resume-title" data-testid="resume-offer">
            <h2 id="resume-title">{ tr!(lang, "A stored job survived the reload", "새로고침 뒤에도 저장된 잡이 남아 있습니다") }</h2>
            <p>
                { format!("job {} · seed {} · ", state.job_id, state.seed) }
                { tr!(lang, "saved at simulated ", "저장 시점 시뮬레이션 시간 ") }{ format::sim_clock(crate::sim::SimTime(state.at_us)) }
                { " · " }
                { match latest {
                    Some(id) => format!("{} chk-{id} ({} {})", tr!(lang, "latest completed", "최근 완료"), offer.checkpoints.len(), tr!(lang, "stored", "개 저장")),
                    None => tr!(lang, "no completed checkpoint stored", "저장된 완료 체크포인트 없음").to_string(),
                } }
            </p>
            { para("hint", tr!(lang,
                "Reloading the page is what a JobManager crash is to Flink: resuming lets a new JobManager recover the job from the latest completed checkpoint (ids continue, statistics start over).",
                "페이지 새로고침은 Flink에서 JobManager 장애와 같습니다. 재개하면 새 JobManager가 최근 완료 체크포인트에서 잡을 복구합니다 (ID는 이어지고 통계는 새로 시작).")) }
            if !offer.problems.is_empty() {
                <ul class="problems" data-testid="storage-problems">
                    { for offer.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }
                </ul>
            }
            <div class="actions">
                <button class="primary" data-testid="btn-resume-latest" onclick={on_resume}>
                    { match latest {
                        Some(id) => format!("{} chk-{id}", tr!(lang, "Resume from", "재개:")),
                        None => tr!(lang, "Resume (from the start: no checkpoint)", "재개 (체크포인트 없음: 처음부터)").to_string(),
                    } }
                </button>
                <button data-testid="btn-start-fresh" onclick={on_fresh}>{ tr!(lang, "Start fresh", "새로 시작") }</button>
                <label class="field">
                    <input type="checkbox" data-testid="start-fresh-clear" checked={*clear} onchange={on_clear} />
                    { tr!(lang, "and delete the stored records", "저장된 기록도 삭제") }
                </label>
            </div>
        </div>
        </>
    }
}
