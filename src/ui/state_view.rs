//! Keyed state: for each keyed subtask its key-group range and the keys it really holds, with
//! their `ValueState` counts, Java `hashCode` and key group; why the assignment is skewed
//! (keyed subtask 1 empty, user1 and user3 together on subtask 2); the talk's naive picture
//! (user *i* on TaskManager *i*) beside the real one; and a key-group bar.

use super::cluster::{task_manager_label, View};
use super::{bound, tr, trf, Lang, PanelProps};
use crate::app::fixed::{d0, d1};
use crate::sim::graph::{JobGraph, KeyLayout, KEYED_VERTEX};
use crate::sim::ids::KeyIndex;
use crate::sim::key_group::{key_group_range, subtask_for_key_group};
use crate::ui::dashboard::{cell, cell_of, col_head, para, span};
use yew::prelude::*;

/// Keys listed per subtask before "+N more".
const KEYS_LISTED_MAX: usize = 20;
/// Keys marked on the key-group bar.
const KEYS_ON_BAR_MAX: usize = 200;
/// Keys labelled on the key-group bar.
const KEYS_LABELLED_MAX: usize = 24;
/// Rows of the naive-vs-real comparison.
const COMPARE_ROWS_MAX: usize = 12;

/// `(max parallelism, parallelism)` of the keyed vertex.
fn keyed_shape(graph: &JobGraph) -> (u32, u32) {
    let v = &graph.vertices[KEYED_VERTEX.index()];
    (v.max_parallelism, v.parallelism)
}

/// The keys owned by keyed subtask `subtask`, in key-group order.
fn keys_of(graph: &JobGraph, subtask: u32) -> Vec<(KeyIndex, &KeyLayout)> {
    let mut keys: Vec<(KeyIndex, &KeyLayout)> = graph
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.keyed_subtask == subtask)
        .map(|(i, k)| (KeyIndex::from_index(i), k))
        .collect();
    crate::sim::order::sort_by_key(&mut keys, |(_, k)| k.key_group);
    keys
}

/// The keyed-state panel.
#[component]
pub fn StatePanel(props: &PanelProps) -> Html {
    let session = props.session.read();
    let view = session.sim().view();
    let lang = props.lang;
    let (_, p) = keyed_shape(view.graph());
    html! {
        <section class="state-panel st panel" aria-labelledby="st-title" data-testid="state-panel">
            <h2 id="st-title">{ tr!(lang, "Keyed state and key groups", "키 상태와 키 그룹") }</h2>
            <p class="st-explain" data-testid="st-explain">{ explanation(view.graph(), lang) }</p>
            { key_group_bar(&view, lang) }
            { rescale(&view, lang) }
            <div class="st-subtasks">
                { for (0..p).map(|s| subtask_card(&view, s, lang)) }
            </div>
            { comparison(&view, lang) }
        </section>
    }
}

/// Why some subtasks are empty and some keys share a subtask, computed from this run's keys.
fn explanation(graph: &JobGraph, lang: Lang) -> String {
    let (max_p, p) = keyed_shape(graph);
    let general = trf!(lang, "Flink does not place user i on subtask i: it takes the key's Java String.hashCode, mixes it with murmur hash, takes it modulo {max_p} to get a key group, and each of the {p} keyed subtasks owns one contiguous range of key groups.", "Flink는 user i를 서브태스크 i에 두지 않습니다: 키의 Java String.hashCode를 murmur 해시로 섞고 {max_p}로 나눈 나머지가 키 그룹이며, {p}개의 키 서브태스크가 각각 연속된 키 그룹 범위 하나를 맡습니다.", max_p, p);
    let mut details = Vec::new();
    for subtask in 0..p {
        let keys = keys_of(graph, subtask);
        let (start, end) = key_group_range(max_p, p, subtask);
        if keys.is_empty() {
            details.push(trf!(
                lang,
                "No key falls in [{start}, {end}], so keyed subtask {subtask} holds nothing.",
                "[{start}, {end}]에 떨어지는 키가 없어 키 서브태스크 {subtask}는 비어 있습니다.",
                end,
                start,
                subtask
            ));
        } else if keys.len() > 1 && keys.len() <= 4 {
            let list: Vec<String> = keys
                .iter()
                .map(|(_, k)| format!("{} ({})", k.name, k.key_group))
                .collect();
            details.push(trf!(lang, "{list} all fall in [{start}, {end}], so they share keyed subtask {subtask}.", "{list}는 모두 [{start}, {end}]에 들어가므로 키 서브태스크 {subtask}를 함께 씁니다.", end, start, subtask, list = list.join(", ")));
        }
    }
    format!("{general} {}", details.join(" "))
}

/// One keyed subtask: its range, where it runs, and its keys with their counts.
fn subtask_card(view: &View, subtask: u32, lang: Lang) -> Html {
    let graph = view.graph();
    let (max_p, p) = keyed_shape(graph);
    let (start, end) = key_group_range(max_p, p, subtask);
    let task = graph.task(KEYED_VERTEX, subtask);
    let tm = task_manager_label(view, task)
        .map(|n| format!(" · TaskManager {n}"))
        .unwrap_or_default();
    let keys = keys_of(graph, subtask);
    let more = keys.len().saturating_sub(KEYS_LISTED_MAX);
    let heading = trf!(
        lang,
        "keyed subtask {subtask} ({number}/{p}){tm}",
        "키 서브태스크 {subtask} ({number}/{p}){tm}",
        p,
        subtask,
        tm,
        number = subtask + 1
    );
    let range = trf!(
        lang,
        "key groups [{start}, {end}] of {max_p}",
        "키 그룹 [{start}, {end}] / {max_p}",
        end,
        max_p,
        start
    );
    html! {
        <article class={classes!("st-subtask", format!("st-r{}", subtask % 4), keys.is_empty().then_some("st-empty"))}
            data-testid={format!("keyed-subtask-{subtask}")} data-keys={keys.len().to_string()}>
            <h3>{ heading }</h3>
            { para("st-range", range) }
            if keys.is_empty() {
                { para("st-none", tr!(lang, "no keys: this subtask holds no keyed state", "키 없음: 이 서브태스크에는 키 상태가 없습니다")) }
            } else {
                { key_table(view, &keys[..keys.len().min(KEYS_LISTED_MAX)], lang) }
            }
            if more > 0 {
                <p class="st-more">{ trf!(lang, "+{more} more keys", "키 {more}개 더", more) }</p>
            }
            { backend_block(view, task, (start, end), keys.len(), lang) }
        </article>
    }
}

/// How the subtask's state backend holds its state: the HashMap backend's heap table, or
/// RocksDB's memtable and SST files by level (what the next flush and compaction change).
fn backend_block(
    view: &View,
    task: crate::sim::ids::TaskIndex,
    range: (u32, u32),
    named: usize,
    lang: Lang,
) -> Html {
    let config = view.config();
    let (max_p, _) = keyed_shape(view.graph());
    let modeled = crate::sim::state_backend::modeled_keys(config.state_keys, max_p, range);
    let per_key = u64::from(config.state_bytes_per_key);
    let keys = named as u64 + modeled;
    let data = super::format::bytes(keys * per_key);
    let Some(db) = view.rocks_db(task) else {
        let text = trf!(lang, "HashMapStateBackend: one heap table, {keys} keys ({modeled} besides the named users) ≈ {data}; every checkpoint writes all of it.", "HashMapStateBackend: 힙 테이블 하나, 키 {keys}개 (이름 있는 사용자 외 {modeled}개) ≈ {data}; 체크포인트마다 전부 씁니다.", data, keys, modeled);
        return html! { <p class="st-backend" data-testid="st-backend" data-backend="hashmap">{ text }</p> };
    };
    let level = |l: u8| {
        let files: Vec<&crate::sim::state_backend::SstFile> =
            db.files.iter().filter(|f| f.level == l).collect();
        let bytes: u64 = files.iter().map(|f| f.bytes).sum();
        html! {
            <li class="st-level" data-testid={format!("st-level-{l}")} data-files={files.len().to_string()}>
                <span class="st-level-name">{ format!("L{l}") }</span>
                { for files.iter().map(|f| html! {
                    <span class="st-sst" title={format!("{} · {}", f.name(), super::format::bytes(f.bytes))}>{ f.name() }</span>
                }) }
                { span("st-level-size", super::format::bytes(bytes)) }
            </li>
        }
    };
    let l0 = db.files.iter().filter(|f| f.level == 0).count();
    let note = trf!(lang, "{keys} keys ≈ {data} · {flushes} flushes, {compactions} compactions · L0 compacts into L1 at {trigger} files ({l0} now)", "키 {keys}개 ≈ {data} · 플러시 {flushes}회, 컴팩션 {compactions}회 · L0 파일이 {trigger}개가 되면 L1로 컴팩션 (지금 {l0}개)", data, keys, l0, flushes = db.flushes, compactions = db.compactions, trigger = crate::sim::state_backend::L0_COMPACTION_TRIGGER);
    html! {
        <div class="st-backend" data-testid="st-backend" data-backend="rocksdb">
            { para("st-backend-title", tr!(lang, "RocksDB", "RocksDB")) }
            <ul class="st-levels">
                <li class="st-level" data-testid="st-memtable">
                    { span("st-level-name", tr!(lang, "memtable", "멤테이블")) }
                    { span("st-level-size", super::format::bytes(db.memtable_bytes)) }
                </li>
                { level(0) }
                { level(1) }
            </ul>
            { para("st-more", note) }
        </div>
    }
}

fn key_table(view: &View, keys: &[(KeyIndex, &KeyLayout)], lang: Lang) -> Html {
    html! {
        <table class="st-keys">
            <thead><tr>
                { col_head(tr!(lang, "key", "키")) }
                <th scope="col" title={tr!(lang, "ValueState<Integer> abnormalCount", "ValueState<Integer> abnormalCount")}>{ tr!(lang, "count", "카운트") }</th>
                { col_head("hashCode") }
                { col_head(tr!(lang, "key group", "키 그룹")) }
            </tr></thead>
            <tbody>
                { for keys.iter().map(|(index, key)| html! {
                    <tr data-testid="st-key" data-key={key.name.clone()}>
                        <th scope="row">{ key.name.clone() }</th>
                        <td class="st-num" data-testid="st-count">{ view.key_count(*index) }</td>
                        { cell_of("st-num", key.java_hash) }
                        { cell_of("st-num", key.key_group) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Label rows above the key-group bar.
const LABEL_ROWS: usize = 3;
/// Left margin and width of the key-group bar (view-box units; the panel is narrow, so the
/// view box is too, which keeps its text readable).
const BAR_X0: f64 = 6.0;
const BAR_W: f64 = 588.0;

/// Places key labels in rows above the bar without overlaps: `(key, x, row)`, row `None` when
/// no row has room.
fn place_labels(graph: &JobGraph, x: impl Fn(f64) -> f64) -> Vec<(&KeyLayout, f64, Option<usize>)> {
    let mut keys: Vec<&KeyLayout> = graph.keys.iter().take(KEYS_ON_BAR_MAX).collect();
    crate::sim::order::sort_by_key(&mut keys, |k| k.key_group);
    let mut row_end = [f64::MIN; LABEL_ROWS];
    let mut labelled = 0;
    keys.into_iter()
        .map(|k| {
            let half = (k.name.len() + 5) as f64 * 4.9;
            let kx = bound(
                x(k.key_group as f64 + 0.5),
                half,
                BAR_W + 2.0 * BAR_X0 - half,
            );
            let row = (labelled < KEYS_LABELLED_MAX)
                .then(|| (0..LABEL_ROWS).find(|r| kx - half > row_end[*r]))
                .flatten();
            if let Some(r) = row {
                row_end[r] = kx + half + 6.0;
                labelled += 1;
            }
            (k, kx, row)
        })
        .collect()
}

/// One row of the bar: each subtask's key-group range at parallelism `p`, from `y`.
fn bar_ranges(max_p: u32, p: u32, y: f64, x: &impl Fn(f64) -> f64) -> Html {
    html! {
        { for (0..p).map(|s| {
            let (start, end) = key_group_range(max_p, p, s);
            let (x0, x1) = (x(start as f64), x(end as f64 + 1.0));
            html! {
                <g class={format!("st-r{}", s % 4)}>
                    <rect x={d1(x0).to_string()} y={d0(y).to_string()} width={d1((x1 - x0).max(0.5)).to_string()} height="22" />
                    if p <= 8 {
                        <text class="st-bar-range" x={d1((x0 + x1) / 2.0).to_string()} y={d0(y + 41.0).to_string()} text-anchor="middle">{ format!("#{s}: {start}–{end}") }</text>
                    }
                </g>
            }
        }) }
    }
}

/// A bar over all key groups with each subtask's range and where the keys land. After a
/// rescale, two rows: the old job's ranges above, the new job's below, every span of key groups
/// that changed subtask outlined on the new row (`#from → #to`), and the keys in those spans
/// marked as moved, with their old and new subtask.
fn key_group_bar(view: &View, lang: Lang) -> Html {
    let graph = view.graph();
    let (max_p, p) = keyed_shape(graph);
    let x = |kg: f64| BAR_X0 + BAR_W * kg / max_p as f64;
    let before = view
        .restored_from()
        .and_then(|r| r.rescaled)
        .map(|(before, _)| before);
    let title = match before {
        None => trf!(
            lang,
            "Key groups 0 to {last} and the keyed subtask owning each range",
            "키 그룹 0부터 {last}까지와 각 범위를 맡은 키 서브태스크",
            last = max_p - 1
        ),
        Some(before) => trf!(
            lang,
            "Key groups 0 to {last}: above, the ranges of the {before} keyed subtasks before the rescale; below, of the {p} after it; outlined spans and marked keys changed subtask",
            "키 그룹 0부터 {last}까지: 위는 재조정 전 키 서브태스크 {before}개의 범위, 아래는 재조정 후 {p}개의 범위; 테두리 구간과 표시된 키는 서브태스크가 바뀌었습니다",
            before,
            p,
            last = max_p - 1
        ),
    };
    let after_y = if before.is_some() { 106.0 } else { 58.0 };
    // Spans of key groups whose owner changed: (first, last, from, to).
    let mut moves: Vec<(u32, u32, u32, u32)> = Vec::new();
    if let Some(before) = before {
        for kg in 0..max_p {
            let (from, to) = (
                subtask_for_key_group(max_p, before, kg),
                subtask_for_key_group(max_p, p, kg),
            );
            match moves.last_mut() {
                Some(m) if m.1 + 1 == kg && (m.2, m.3) == (from, to) => m.1 = kg,
                _ if from != to => moves.push((kg, kg, from, to)),
                _ => {}
            }
        }
    }
    html! {
        <svg class="st-bar" viewBox={format!("0 0 {} {}", d0(BAR_W + 2.0 * BAR_X0), d0(after_y + 46.0))} role="img" aria-labelledby="st-bar-title" data-testid="st-bar">
            <title id="st-bar-title">{ title }</title>
            if let Some(before) = before {
                { bar_ranges(max_p, before, 58.0, &x) }
            }
            { bar_ranges(max_p, p, after_y, &x) }
            { for moves.iter().map(|&(first, last, from, to)| {
                let (x0, x1) = (x(first as f64), x(last as f64 + 1.0));
                html! {
                    <g class="st-bar-move" data-testid="st-bar-move" data-from={from.to_string()} data-to={to.to_string()}
                        data-first={first.to_string()} data-last={last.to_string()}>
                        <title>{ format!("{first}–{last}: #{from} → #{to}") }</title>
                        <path d={format!("M{} 80L{} {}M{} 80L{} {}", d1(x0), d1(x0), d0(after_y), d1(x1), d1(x1), d0(after_y))} />
                        <rect x={d1(x0).to_string()} y={d0(after_y).to_string()} width={d1((x1 - x0).max(0.5)).to_string()} height="22" />
                    </g>
                }
            }) }
            { for place_labels(graph, x).into_iter().map(|(k, kx, row)| {
                let moved = before.map(|b| subtask_for_key_group(max_p, b, k.key_group)).filter(|from| *from != k.keyed_subtask);
                html! {
                    <g class={classes!("st-keymark", moved.is_some().then_some("st-keymark-moved"))}
                        data-moved={moved.map(|from| format!("{from}>{}", k.keyed_subtask))}>
                        <path d={format!("M{} 58l-5 -8h10z", d1(x(k.key_group as f64 + 0.5)))} />
                        if let Some(row) = row {
                            <text x={d1(kx).to_string()} y={format!("{}", 15 + 16 * row)} text-anchor="middle">{
                                match moved {
                                    Some(from) => format!("{} ({}) #{from}→#{}", k.name, k.key_group, k.keyed_subtask),
                                    None => format!("{} ({})", k.name, k.key_group),
                                }
                            }</text>
                        }
                    </g>
                }
            }) }
        </svg>
    }
}

/// A job restored with another parallelism: for each old subtask and new subtask whose
/// key-group ranges overlap, the key groups and the keys that went from one to the other
/// (`StateAssignmentOperation` hands each new subtask the old state of its range).
fn rescale(view: &View, lang: Lang) -> Html {
    let Some((before, after)) = view.restored_from().and_then(|r| r.rescaled) else {
        return Html::default();
    };
    let graph = view.graph();
    let (max_p, _) = keyed_shape(graph);
    let mut rows = Vec::new();
    for to in 0..after {
        let (a0, a1) = key_group_range(max_p, after, to);
        for from in 0..before {
            let (b0, b1) = key_group_range(max_p, before, from);
            let (start, end) = (a0.max(b0), a1.min(b1));
            if start > end {
                continue;
            }
            let keys: Vec<&str> = graph
                .keys
                .iter()
                .filter(|k| k.keyed_subtask == to && (start..=end).contains(&k.key_group))
                .map(|k| k.name.as_str())
                .collect();
            rows.push((from, to, start, end, keys));
        }
    }
    let caption = trf!(lang, "Rescaled from parallelism {before} to {after}: each new keyed subtask took the state of its key-group range from the old subtasks that held it", "병렬도 {before}에서 {after}로 재조정: 새 키 서브태스크마다 자기 키 그룹 범위의 상태를 그 범위를 가졌던 옛 서브태스크에서 받았습니다", after, before);
    html! {
        <table class="st-compare st-rescale" data-testid="st-rescale">
            <caption>{ caption }</caption>
            <thead><tr>
                { col_head(tr!(lang, "before", "이전")) }
                { col_head(tr!(lang, "after", "이후")) }
                { col_head(tr!(lang, "key groups", "키 그룹")) }
                { col_head(tr!(lang, "keys", "키")) }
            </tr></thead>
            <tbody>
                { for rows.into_iter().map(|(from, to, start, end, keys)| {
                    let moved = from != to;
                    let count = keys.len();
                    let listed = keys.iter().take(KEYS_LISTED_MAX).copied().collect::<Vec<_>>().join(", ");
                    let more = count.saturating_sub(KEYS_LISTED_MAX);
                    html! {
                        <tr class={classes!(moved.then_some("st-moved"))} data-testid="st-move"
                            data-from={from.to_string()} data-to={to.to_string()} data-keys={count.to_string()}>
                            <td>{ format!("#{from} ({}/{before})", from + 1) }</td>
                            <td>{ format!("{} #{to} ({}/{after})", if moved { "→" } else { "=" }, to + 1) }</td>
                            <td>{ format!("[{start}, {end}]") }</td>
                            <td>{ listed }{ if more > 0 { format!(" +{more}") } else { String::new() } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// The talk's picture (user i on TaskManager i) beside where the keys really are.
fn comparison(view: &View, lang: Lang) -> Html {
    let graph = view.graph();
    let (_, p) = keyed_shape(graph);
    html! {
        <table class="st-compare" data-testid="st-compare">
            <caption>{ tr!(lang, "The talk's picture versus the real assignment", "발표 그림과 실제 배정 비교") }</caption>
            <thead><tr>
                { col_head(tr!(lang, "key", "키")) }
                { col_head(tr!(lang, "talk's picture", "발표 그림")) }
                { col_head(tr!(lang, "real: key group → keyed subtask", "실제: 키 그룹 → 키 서브태스크")) }
            </tr></thead>
            <tbody>
                { for graph.keys.iter().take(COMPARE_ROWS_MAX).map(|k| {
                    let task = graph.task(KEYED_VERTEX, k.keyed_subtask);
                    let tm = task_manager_label(view, task).map(|n| format!(", TaskManager {n}")).unwrap_or_default();
                    let naive = format!("TaskManager {}", k.source_subtask % p.max(1) + 1);
                    let moved = k.keyed_subtask != k.source_subtask;
                    html! {
                        <tr class={classes!(moved.then_some("st-moved"))}>
                            <th scope="row">{ k.name.clone() }</th>
                            { cell(naive) }
                            <td>{ format!("{} → {} ({}/{p}){tm}", k.key_group, k.keyed_subtask, k.keyed_subtask + 1) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
