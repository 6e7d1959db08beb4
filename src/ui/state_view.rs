//! Keyed state: for each keyed subtask its key-group range and the keys it really holds, with
//! their `ValueState` counts, Java `hashCode` and key group; why the assignment is skewed
//! (keyed subtask 1 empty, user1 and user3 together on subtask 2); the talk's naive picture
//! (user *i* on TaskManager *i*) beside the real one; and a key-group bar.

use super::cluster::{task_manager_label, View};
use super::{bound, tr, trf, Lang, PanelProps};
use crate::app::fixed::{d0, d1};
use crate::sim::graph::{JobGraph, KeyLayout, KEYED_VERTEX};
use crate::sim::ids::KeyIndex;
use crate::sim::key_group::key_group_range;
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
            <p class="st-range">{ range }</p>
            if keys.is_empty() {
                <p class="st-none">{ tr!(lang, "no keys: this subtask holds no keyed state", "키 없음: 이 서브태스크에는 키 상태가 없습니다") }</p>
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
                <span class="st-level-size">{ super::format::bytes(bytes) }</span>
            </li>
        }
    };
    let l0 = db.files.iter().filter(|f| f.level == 0).count();
    let note = trf!(lang, "{keys} keys ≈ {data} · {flushes} flushes, {compactions} compactions · L0 compacts into L1 at {trigger} files ({l0} now)", "키 {keys}개 ≈ {data} · 플러시 {flushes}회, 컴팩션 {compactions}회 · L0 파일이 {trigger}개가 되면 L1로 컴팩션 (지금 {l0}개)", data, keys, l0, flushes = db.flushes, compactions = db.compactions, trigger = crate::sim::state_backend::L0_COMPACTION_TRIGGER);
    html! {
        <div class="st-backend" data-testid="st-backend" data-backend="rocksdb">
            <p class="st-backend-title">{ tr!(lang, "RocksDB", "RocksDB") }</p>
            <ul class="st-levels">
                <li class="st-level" data-testid="st-memtable">
                    <span class="st-level-name">{ tr!(lang, "memtable", "멤테이블") }</span>
                    <span class="st-level-size">{ super::format::bytes(db.memtable_bytes) }</span>
                </li>
                { level(0) }
                { level(1) }
            </ul>
            <p class="st-more">{ note }</p>
        </div>
    }
}

fn key_table(view: &View, keys: &[(KeyIndex, &KeyLayout)], lang: Lang) -> Html {
    html! {
        <table class="st-keys">
            <thead><tr>
                <th scope="col">{ tr!(lang, "key", "키") }</th>
                <th scope="col" title={tr!(lang, "ValueState<Integer> abnormalCount", "ValueState<Integer> abnormalCount")}>{ tr!(lang, "count", "카운트") }</th>
                <th scope="col">{ "hashCode" }</th>
                <th scope="col">{ tr!(lang, "key group", "키 그룹") }</th>
            </tr></thead>
            <tbody>
                { for keys.iter().map(|(index, key)| html! {
                    <tr data-testid="st-key" data-key={key.name.clone()}>
                        <th scope="row">{ key.name.clone() }</th>
                        <td class="st-num" data-testid="st-count">{ view.key_count(*index) }</td>
                        <td class="st-num">{ key.java_hash }</td>
                        <td class="st-num">{ key.key_group }</td>
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

/// A bar over all key groups with each subtask's range and where the keys land.
fn key_group_bar(view: &View, lang: Lang) -> Html {
    let graph = view.graph();
    let (max_p, p) = keyed_shape(graph);
    let x = |kg: f64| BAR_X0 + BAR_W * kg / max_p as f64;
    let title = trf!(
        lang,
        "Key groups 0 to {last} and the keyed subtask owning each range",
        "키 그룹 0부터 {last}까지와 각 범위를 맡은 키 서브태스크",
        last = max_p - 1
    );
    html! {
        <svg class="st-bar" viewBox={format!("0 0 {} 104", d0(BAR_W + 2.0 * BAR_X0))} role="img" aria-labelledby="st-bar-title" data-testid="st-bar">
            <title id="st-bar-title">{ title }</title>
            { for (0..p).map(|s| {
                let (start, end) = key_group_range(max_p, p, s);
                let (x0, x1) = (x(start as f64), x(end as f64 + 1.0));
                html! {
                    <g class={format!("st-r{}", s % 4)}>
                        <rect x={d1(x0).to_string()} y="58" width={d1((x1 - x0).max(0.5)).to_string()} height="22" />
                        if p <= 8 {
                            <text class="st-bar-range" x={d1((x0 + x1) / 2.0).to_string()} y="99" text-anchor="middle">{ format!("#{s}: {start}–{end}") }</text>
                        }
                    </g>
                }
            }) }
            { for place_labels(graph, x).into_iter().map(|(k, kx, row)| html! {
                <g class="st-keymark">
                    <path d={format!("M{} 58l-5 -8h10z", d1(x(k.key_group as f64 + 0.5)))} />
                    if let Some(row) = row {
                        <text x={d1(kx).to_string()} y={format!("{}", 15 + 16 * row)} text-anchor="middle">{ format!("{} ({})", k.name, k.key_group) }</text>
                    }
                </g>
            }) }
        </svg>
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
                <th scope="col">{ tr!(lang, "key", "키") }</th>
                <th scope="col">{ tr!(lang, "talk's picture", "발표 그림") }</th>
                <th scope="col">{ tr!(lang, "real: key group → keyed subtask", "실제: 키 그룹 → 키 서브태스크") }</th>
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
                            <td>{ naive }</td>
                            <td>{ format!("{} → {} ({}/{p}){tm}", k.key_group, k.keyed_subtask, k.keyed_subtask + 1) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
