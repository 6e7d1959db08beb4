//! The sink's output: the print sink's stdout; for the two-phase-commit sink the transactions
//! of each writer subtask as a strip, what the writer wrote beside what a `read_committed`
//! consumer sees, and the output latency; for the upsert sink its table. Each with the output
//! verifier's verdict against the failure-free run. The page's build shows only the print sink's
//! stdout for now (`sim::sink::OTHER_SINKS`: the other sinks would take it past its budget).

use super::{format, tr, Lang, PanelProps};
use crate::sim::log;
use crate::sim::sink::{OutputVerdict, SinkKind, SinkRecord};
use crate::sim::view::SimView;
use crate::ui::dashboard::para;
use yew::prelude::*;

/// Transactions shown per writer subtask (the newest).
const TRANSACTIONS_SHOWN: usize = 10;
/// Writer subtasks shown in the strip.
const WRITERS_SHOWN: usize = 8;
/// Output lines shown per column.
const LINES_SHOWN: usize = 40;

/// The print sink's stdout, or where the build runs the other sinks, [`SinkPanel`].
pub fn sink_panel(props: &PanelProps) -> Html {
    if crate::sim::sink::OTHER_SINKS {
        html! { <SinkPanel ..props.clone() /> }
    } else {
        html! { <super::log_panel::SinkOutput ..props.clone() /> }
    }
}

/// The sink panel: the print sink's stdout, or the transactional or upsert sink's views.
#[component]
pub fn SinkPanel(props: &PanelProps) -> Html {
    let sink = props.session.read().sim().view().config().sink;
    if sink == SinkKind::Print {
        return html! { <super::log_panel::SinkOutput ..props.clone() /> };
    }
    let lang = props.lang;
    let session = props.session.read();
    let sim = session.sim();
    let view = sim.view();
    let verdict = session.output_verdict().clone();
    let body = if sink == SinkKind::TwoPhaseCommit {
        transactional(&view, lang)
    } else {
        upsert(&view, lang)
    };
    let latency = match sink {
        SinkKind::TwoPhaseCommit => &view.sink().kafka.latency,
        _ => &view.sink().table.latency,
    };
    let title = if sink == SinkKind::TwoPhaseCommit {
        tr!(
            lang,
            "Kafka sink, EXACTLY_ONCE (two-phase commit)",
            "Kafka 싱크, EXACTLY_ONCE (2단계 커밋)"
        )
    } else {
        tr!(
            lang,
            "Idempotent upsert sink (table keyed by user, seq)",
            "멱등 upsert 싱크 (user, seq 키 테이블)"
        )
    };
    html! {
        <section class="panel sink-panel" data-testid="sink-panel" data-sink={sink.as_str()} aria-label={title}>
            <h2>{ title }</h2>
            if view.sink().forgotten {
                { para("notice-inline", tr!(lang,
                    "Resumed after a reload: the page stores Flink's state, not the simulated external system, so the topic (or table) starts empty here; restored committables are committed as already done.",
                    "새로고침 후 재개됨: 페이지는 Flink 상태만 저장하고 시뮬레이션한 외부 시스템은 저장하지 않으므로 토픽(또는 테이블)이 여기서 비어 있는 상태로 시작합니다. 복원된 커미터블은 이미 커밋된 것으로 처리됩니다.")) }
            }
            if !view.sink().forgotten {
                { verdict_line(&verdict, lang) }
            }
            { latency_line(latency, lang) }
            { body }
        </section>
    }
}

fn verdict_line(verdict: &OutputVerdict, lang: Lang) -> Html {
    let ok = verdict.missing == 0 && verdict.lost == 0;
    html! {
        <p class={classes!("sink-verdict", if ok { "ok" } else { "bad" })} data-testid="sink-verdict"
            data-missing={verdict.missing.to_string()} data-duplicates={verdict.duplicates.to_string()}
            data-lost={verdict.lost.to_string()} data-seen={verdict.seen.to_string()} data-expected={verdict.expected.to_string()}>
            { format!("{} {} / {} · {} {} · {} {} · {} {}",
                if ok { tr!(lang, "Exactly-once output:", "정확히 한 번 출력:") } else { tr!(lang, "Output differs from a failure-free run:", "장애 없는 실행과 출력이 다름:") },
                verdict.seen, verdict.expected,
                verdict.missing, tr!(lang, "missing", "누락"),
                verdict.duplicates, tr!(lang, "duplicates (an upsert overwrites them)", "중복 (upsert는 덮어씀)"),
                verdict.lost, tr!(lang, "lost to transaction timeouts", "트랜잭션 타임아웃으로 유실")) }
        </p>
    }
}

fn latency_line(latency: &crate::sim::sink::Latency, lang: Lang) -> Html {
    let Some(mean) = latency.mean() else {
        return Html::default();
    };
    let series = [super::plots::Series {
        label: tr!(
            lang,
            "mean latency of each commit (ms)",
            "커밋별 평균 지연 (ms)"
        )
        .to_string(),
        color: "#722ed1",
        points: latency
            .points
            .iter()
            .map(|(t, us)| (t.as_us() as f64 / 1e6, *us as f64 / 1e3))
            .collect(),
    }];
    html! {
        <div class="sink-latency" data-testid="sink-latency" data-mean-ms={mean.as_ms().to_string()}>
            { format!("{} {} · max {}", tr!(lang, "Output latency (alarm raised → visible): mean", "출력 지연 (알람 발생 → 보임): 평균"),
                format::duration_ms(mean.as_ms()), format::duration_ms(latency.max_us / 1_000)) }
            if latency.points.len() >= 2 {
                { super::plots::chart(tr!(lang, "Output latency", "출력 지연"), "ms", &series, |y| crate::app::fixed::d0(y).to_string(), "") }
            }
        </div>
    }
}

/// One output line: its instant, the print sink's format, and a tag.
fn out_line(time: crate::sim::SimTime, text: String, class: &'static str, tag: String) -> Html {
    html! {
        <div class={classes!("sink-line", class)} data-state={class}>
            <time>{ format::sim_clock(time) }</time><code>{ text }</code><span class="txn-tag">{ tag }</span>
        </div>
    }
}

fn column(test_id: &'static str, title: &'static str, lines: Vec<Html>) -> Html {
    html! {
        <div>
            <h3>{ title }</h3>
            <div class="sink-output" data-testid={test_id} tabindex="0" role="log" aria-label={title}>{ lines }</div>
        </div>
    }
}

fn line(view: &SimView<'_>, subtask: u32, record: &SinkRecord) -> String {
    log::sink_line(view.graph(), subtask, record.key, record.count, record.seq)
}

fn transactional(view: &SimView<'_>, lang: Lang) -> Html {
    let sink = view.sink();
    let kafka = &sink.kafka;
    let writers = sink.writers.len();
    let mut all: Vec<_> = sink.transactions().collect();
    crate::sim::order::sort_by_key(&mut all, |t| t.serial);
    let strip: Vec<Html> = (0..writers.min(WRITERS_SHOWN) as u32)
        .map(|s| {
            let mine: Vec<_> = all.iter().filter(|t| t.subtask == s).collect();
            let boxes = mine[mine.len().saturating_sub(TRANSACTIONS_SHOWN)..].iter().map(|t| {
                let title = format!(
                    "{} {} {} · {} records",
                    t.transactional_id(),
                    t.state.as_str(),
                    t.checkpoint.map_or(String::new(), |c| format!("chk-{}", c.0)),
                    t.count
                );
                html! {
                    <span class={classes!("txn", format!("txn-{}", t.state.as_str()))} data-testid="txn"
                        data-state={t.state.as_str()} data-number={t.number.to_string()} title={title.clone()} aria-label={title}>
                        { format!("-{} ({})", t.number, t.count) }
                    </span>
                }
            });
            html! {
                <li class="txn-row" data-subtask={s.to_string()}>
                    <span class="txn-writer">{ format!("Writer {}/{writers}", s + 1) }</span>
                    { for boxes }
                </li>
            }
        })
        .collect();
    // What the writer wrote (read_uncommitted sees it at once), newest first, with its fate.
    let mut written: Vec<(&SinkRecord, &crate::sim::sink::Transaction)> = all
        .iter()
        .flat_map(|t| t.records.iter().map(move |r| (r, *t)))
        .collect();
    crate::sim::order::sort_by_key(&mut written, |(r, _)| std::cmp::Reverse(r.written_at));
    let written = written
        .into_iter()
        .take(LINES_SHOWN)
        .map(|(r, t)| {
            out_line(
                r.written_at,
                line(view, t.subtask, r),
                t.state.as_str(),
                t.transactional_id(),
            )
        })
        .collect();
    let consumed = kafka
        .consumed
        .iter()
        .rev()
        .take(LINES_SHOWN)
        .map(|c| {
            out_line(
                c.visible_at,
                line(view, c.subtask, &c.record),
                if c.duplicate {
                    "duplicate"
                } else {
                    "committed"
                },
                String::new(),
            )
        })
        .collect();
    let lost: Vec<Html> = kafka
        .lost_records
        .iter()
        .rev()
        .take(LINES_SHOWN)
        .map(|(s, r)| out_line(r.written_at, line(view, *s, r), "lost", String::new()))
        .collect();
    html! {
        <>
            <p class="counts">{ format!("{} written · {} committed · {} aborted (replayed) · {} lost", kafka.written, kafka.committed, kafka.aborted, kafka.lost) }</p>
            <ol class="txn-strip" data-testid="txn-strip" aria-label={tr!(lang, "Transactions per writer subtask", "writer 서브태스크별 트랜잭션")}>{ strip }</ol>
            <div class="sink-outputs">
                { column("sink-written", tr!(lang, "Written (read_uncommitted sees all)", "쓴 것 (read_uncommitted는 모두 봄)"), written) }
                { column("sink-committed", tr!(lang, "read_committed consumer", "read_committed 소비자"), consumed) }
            </div>
            if !lost.is_empty() {
                { column("sink-lost", tr!(lang, "Lost: the broker aborted their pre-committed transaction (transaction.timeout.ms) before the commit", "유실: 커밋 전에 브로커가 사전 커밋된 트랜잭션을 중단함 (transaction.timeout.ms)"), lost) }
            }
            { para("hint", tr!(lang,
                "Simulated: one partition per writer subtask, so a record is visible exactly when its transaction commits; commits take no time beyond the notification's RPC; Writer and Committer always chained.",
                "시뮬레이션 단순화: writer 서브태스크마다 파티션 하나(레코드는 트랜잭션이 커밋될 때 바로 보임), 커밋은 알림 RPC 외에 시간이 들지 않음, Writer와 Committer는 항상 체이닝됨.")) }
        </>
    }
}

fn upsert(view: &SimView<'_>, lang: Lang) -> Html {
    let table = &view.sink().table;
    let rows = table
        .recent
        .iter()
        .rev()
        .take(LINES_SHOWN)
        .map(|(t, key, seq, count, overwrite)| {
            let text = format!(
                "UPSERT user={} seq={seq} count={count}",
                view.graph().keys[key.index()].name
            );
            let (class, tag) = if *overwrite {
                ("duplicate", "overwrote")
            } else {
                ("committed", "inserted")
            };
            out_line(*t, text, class, tag.to_string())
        })
        .collect();
    html! {
        <>
            <p class="counts">{ format!("{} writes · {} rows · {} overwrites", table.writes, table.rows_by_key.iter().sum::<u64>(), table.overwrites) }</p>
            { column("sink-table", tr!(lang, "Last writes: INSERT … ON CONFLICT (user, seq) DO UPDATE", "최근 쓰기: INSERT … ON CONFLICT (user, seq) DO UPDATE"), rows) }
            { para("hint", tr!(lang,
                "Visible at once, no transaction: a replay after a restore writes the same rows again, which changes nothing. Simulated: the table is an external store keyed by (user, seq).",
                "바로 보이고 트랜잭션이 없음: 복원 후 재처리는 같은 행을 다시 쓰므로 아무것도 바뀌지 않음. 시뮬레이션: 테이블은 (user, seq) 키의 외부 저장소.")) }
        </>
    }
}
