//! The sink's output: the print sink's stdout; for the two-phase-commit sink the transactions
//! of each writer subtask as a strip, what the writer wrote beside what a `read_committed`
//! consumer sees, and the output latency; for the upsert sink its table. Each with the output
//! verifier's verdict against the failure-free run.

use super::{format, tr, Lang, PanelProps};
use crate::sim::log;
use crate::sim::sink::{OutputReference, OutputVerdict, SinkKind, SinkRecord, TransactionState};
use crate::sim::view::SimView;
use crate::ui::dashboard::{para, span};
use yew::prelude::*;

/// Transactions shown per writer subtask (the newest).
const TRANSACTIONS_SHOWN: usize = 10;
/// Writer subtasks shown in the strip.
const WRITERS_SHOWN: usize = 8;
/// Output lines shown per column.
const LINES_SHOWN: usize = 40;

/// The sink panel: the print sink's stdout, or the transactional or upsert sink's views.
#[component]
pub fn SinkPanel(props: &PanelProps) -> Html {
    let reference = use_mut_ref(OutputReference::default);
    let sink = props.session.read().sim().view().config().sink;
    if sink == SinkKind::Print {
        return html! { <super::log_panel::SinkOutput ..props.clone() /> };
    }
    let lang = props.lang;
    let session = props.session.read();
    let sim = session.sim();
    let view = sim.view();
    let verdict = reference.borrow_mut().verdict(sim);
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
            { verdict_line(&verdict, sink, lang) }
            { latency_line(latency, lang) }
            { body }
        </section>
    }
}

fn verdict_line(verdict: &OutputVerdict, sink: SinkKind, lang: Lang) -> Html {
    let ok = verdict.missing == 0 && verdict.lost == 0;
    let text = if sink == SinkKind::IdempotentUpsert {
        format!(
            "{} {} · {} {} · {} {}",
            verdict.seen,
            tr!(lang, "rows of", "행 /"),
            verdict.expected,
            tr!(
                lang,
                "alarms of the failure-free run",
                "장애 없는 실행의 알람"
            ),
            verdict.duplicates,
            tr!(
                lang,
                "replayed writes overwrote their row",
                "재처리 쓰기가 행을 덮어씀"
            )
        )
    } else {
        format!(
            "{} {} {} · {} {} · {} {} · {} {}",
            tr!(lang, "read_committed sees", "read_committed가 보는 알람"),
            verdict.seen,
            tr!(lang, "alarms of the committed range", "(커밋된 범위)"),
            verdict.missing,
            tr!(lang, "missing", "누락"),
            verdict.duplicates,
            tr!(lang, "duplicates", "중복"),
            verdict.lost,
            tr!(
                lang,
                "lost to transaction timeouts",
                "트랜잭션 타임아웃으로 유실"
            ),
        )
    };
    html! {
        <p class={classes!("sink-verdict", if ok { "ok" } else { "bad" })} data-testid="sink-verdict"
            data-missing={verdict.missing.to_string()} data-duplicates={verdict.duplicates.to_string()}
            data-lost={verdict.lost.to_string()} data-seen={verdict.seen.to_string()} data-expected={verdict.expected.to_string()}>
            <strong>{ if ok { tr!(lang, "Exactly-once output: ", "정확히 한 번 출력: ") } else { tr!(lang, "Output differs from a failure-free run: ", "장애 없는 실행과 출력이 다름: ") } }</strong>
            { text }
        </p>
    }
}

fn latency_line(latency: &crate::sim::sink::Latency, lang: Lang) -> Html {
    let Some(mean) = latency.mean() else {
        return para(
            "hint",
            tr!(
                lang,
                "Output latency: no alarm visible yet.",
                "출력 지연: 아직 보이는 알람이 없습니다."
            ),
        );
    };
    let points: Vec<(f64, f64)> = latency
        .points
        .iter()
        .map(|(t, us)| (t.as_us() as f64 / 1e6, *us as f64 / 1e3))
        .collect();
    let series = [super::plots::Series {
        label: tr!(
            lang,
            "mean latency of each commit (ms)",
            "커밋별 평균 지연 (ms)"
        )
        .to_string(),
        color: "#722ed1",
        points,
    }];
    html! {
        <div class="sink-latency" data-testid="sink-latency" data-mean-ms={mean.as_ms().to_string()} data-max-ms={(latency.max_us / 1_000).to_string()}>
            <p>
                { tr!(lang, "Output latency (alarm raised → visible): mean ", "출력 지연 (알람 발생 → 보임): 평균 ") }
                <strong>{ format::duration_ms(mean.as_ms()) }</strong>
                { tr!(lang, ", max ", ", 최대 ") }
                { format::duration_ms(latency.max_us / 1_000) }
            </p>
            if latency.points.len() >= 2 {
                { super::plots::chart(tr!(lang, "Output latency", "출력 지연"), "ms", &series, |y| crate::app::fixed::d0(y).to_string(), "") }
            }
        </div>
    }
}

fn state_label(state: TransactionState, lang: Lang) -> &'static str {
    match state {
        TransactionState::Open => tr!(lang, "open", "열림"),
        TransactionState::PreCommitted => tr!(lang, "pre-committed", "사전 커밋"),
        TransactionState::Committed => tr!(lang, "committed", "커밋됨"),
        TransactionState::Aborted => tr!(lang, "aborted", "중단됨"),
        TransactionState::TimedOut => tr!(lang, "timed out", "타임아웃"),
        TransactionState::Lost => tr!(lang, "lost", "유실"),
    }
}

fn line(view: &SimView<'_>, subtask: u32, record: &SinkRecord) -> String {
    log::sink_line(view.graph(), subtask, record.key, record.count, record.seq)
}

fn transactional(view: &SimView<'_>, lang: Lang) -> Html {
    let sink = view.sink();
    let kafka = &sink.kafka;
    let writers = sink.writers.len();
    let strip = (0..writers.min(WRITERS_SHOWN)).map(|s| {
        let s = s as u32;
        let mut txns: Vec<_> = sink.transactions().filter(|t| t.subtask == s).collect();
        crate::sim::order::sort_by_key(&mut txns, |t| t.serial);
        let shown = &txns[txns.len().saturating_sub(TRANSACTIONS_SHOWN)..];
        html! {
            <li class="txn-row" data-subtask={s.to_string()}>
                <span class="txn-writer">{ format!("Writer {}/{}", s + 1, writers) }</span>
                { for shown.iter().map(|t| {
                    let checkpoint = t.checkpoint.map_or(String::new(), |c| format!(" · chk-{}", c.0));
                    let title = format!("{} · {}{} · {} {}", t.transactional_id(), state_label(t.state, lang), checkpoint, t.count, tr!(lang, "records", "레코드"));
                    html! {
                        <span class={classes!("txn", format!("txn-{}", t.state.as_str()))} data-testid="txn"
                            data-state={t.state.as_str()} data-number={t.number.to_string()} data-records={t.count.to_string()} title={title.clone()} aria-label={title}>
                            { format!("-{}", t.number) }<small>{ t.count.to_string() }</small>
                        </span>
                    }
                }) }
            </li>
        }
    });
    // What the writer wrote (read_uncommitted sees it at once), newest first, with its fate.
    let mut written: Vec<(&SinkRecord, u32, u64, TransactionState)> = sink
        .transactions()
        .flat_map(|t| {
            t.records
                .iter()
                .map(move |r| (r, t.subtask, t.number, t.state))
        })
        .collect();
    crate::sim::order::sort_by_key(&mut written, |(r, _, _, _)| std::cmp::Reverse(r.written_at));
    let written = written.into_iter().take(LINES_SHOWN).map(|(r, s, n, state)| html! {
        <div class={classes!("sink-line", format!("txn-{}", state.as_str()))} data-state={state.as_str()}>
            <time>{ format::sim_clock(r.written_at) }</time>
            <code>{ line(view, s, r) }</code>
            { span("txn-tag", format!("-{s}-{n} {}", state_label(state, lang))) }
        </div>
    });
    let consumed = kafka.consumed.iter().rev().take(LINES_SHOWN).map(|c| html! {
        <div class={classes!("sink-line", c.duplicate.then_some("duplicate"))} data-duplicate={c.duplicate.to_string()}>
            <time>{ format::sim_clock(c.visible_at) }</time>
            <code>{ line(view, c.subtask, &c.record) }</code>
        </div>
    });
    let lost = kafka
        .lost_records
        .iter()
        .rev()
        .take(LINES_SHOWN)
        .map(|(s, r)| {
            html! {
                <li><code>{ line(view, *s, r) }</code></li>
            }
        });
    html! {
        <>
            <p class="counts">{ format!("{} {} · {} {} · {} {} · {} {}",
                kafka.written, tr!(lang, "written", "씀"), kafka.committed, tr!(lang, "committed", "커밋"),
                kafka.aborted, tr!(lang, "aborted (replayed)", "중단 (재처리)"), kafka.lost, tr!(lang, "lost", "유실")) }</p>
            <ol class="txn-strip" data-testid="txn-strip" aria-label={tr!(lang, "Transactions per writer subtask", "writer 서브태스크별 트랜잭션")}>
                { for strip }
            </ol>
            <div class="sink-outputs">
                <div>
                    <h3>{ tr!(lang, "Written (read_uncommitted sees all)", "쓴 것 (read_uncommitted는 모두 봄)") }</h3>
                    <div class="sink-output" data-testid="sink-written" tabindex="0" role="log" aria-label={tr!(lang, "Written records", "쓴 레코드")}>{ for written }</div>
                </div>
                <div>
                    <h3>{ tr!(lang, "read_committed consumer", "read_committed 소비자") }</h3>
                    <div class="sink-output" data-testid="sink-committed" tabindex="0" role="log" aria-label={tr!(lang, "Committed records", "커밋된 레코드")}>{ for consumed }</div>
                </div>
            </div>
            if kafka.lost > 0 {
                <div class="sink-lost" data-testid="sink-lost">
                    <h3>{ tr!(lang, "Lost alarms: the broker aborted their pre-committed transaction (transaction.timeout.ms) before the committer could commit it", "유실된 알람: 커밋 전에 브로커가 사전 커밋된 트랜잭션을 중단함 (transaction.timeout.ms)") }</h3>
                    <ul>{ for lost }</ul>
                </div>
            }
            { para("hint", tr!(lang,
                "Simulated: one partition per writer subtask, so a record is visible exactly when its transaction commits; commits take no time beyond the notification's RPC; Writer and Committer always chained.",
                "시뮬레이션 단순화: writer 서브태스크마다 파티션 하나(레코드는 트랜잭션이 커밋될 때 바로 보임), 커밋은 알림 RPC 외에 시간이 들지 않음, Writer와 Committer는 항상 체이닝됨.")) }
        </>
    }
}

fn upsert(view: &SimView<'_>, lang: Lang) -> Html {
    let table = &view.sink().table;
    let rows = table.recent.iter().rev().take(LINES_SHOWN).map(|(t, key, seq, count, overwrite)| html! {
        <tr class={classes!(overwrite.then_some("duplicate"))} data-overwrite={overwrite.to_string()}>
            <td>{ format::sim_clock(*t) }</td>
            <td>{ view.graph().keys[key.index()].name.clone() }</td>
            <td>{ seq.to_string() }</td>
            <td>{ count.to_string() }</td>
            <td>{ if *overwrite { tr!(lang, "overwrote", "덮어씀") } else { tr!(lang, "inserted", "추가") } }</td>
        </tr>
    });
    html! {
        <>
            <p class="counts">{ format!("{} {} · {} {} · {} {}",
                table.writes, tr!(lang, "writes", "쓰기"), table.rows_by_key.iter().sum::<u64>(), tr!(lang, "rows", "행"),
                table.overwrites, tr!(lang, "overwrites", "덮어쓰기")) }</p>
            <table class="sink-table" data-testid="sink-table">
                <caption>{ tr!(lang, "Last writes: INSERT … ON CONFLICT (user, seq) DO UPDATE", "최근 쓰기: INSERT … ON CONFLICT (user, seq) DO UPDATE") }</caption>
                <thead><tr>
                    <th>{ tr!(lang, "Time", "시각") }</th><th>{ "user" }</th><th>{ "seq" }</th><th>{ "count" }</th><th>{ tr!(lang, "Write", "쓰기") }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { para("hint", tr!(lang,
                "Visible at once, no transaction: a replay after a restore writes the same rows again, which changes nothing. Simulated: the table is an external store keyed by (user, seq).",
                "바로 보이고 트랜잭션이 없음: 복원 후 재처리는 같은 행을 다시 쓰므로 아무것도 바뀌지 않음. 시뮬레이션: 테이블은 (user, seq) 키의 외부 저장소.")) }
        </>
    }
}
