//! Compare mode's figures: what two runs at the same instant measure, by the names Flink's
//! checkpoint statistics use, with which value is the better one.

use crate::sim::checkpoint::{CheckpointRecord, CheckpointStatus};
use crate::sim::event::Event;
use crate::sim::graph::{KEYED_VERTEX, SOURCE_VERTEX};
use crate::sim::ids::{TaskIndex, VertexIndex};
use crate::sim::Sim;

/// Which value of a figure is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Less is better (durations, duplicates).
    Lower,
    /// More is better (throughput, completed checkpoints).
    Higher,
    /// Neither: a property, not a score (persisted in-flight data is what unaligned costs).
    Neither,
}

/// How a figure prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Microseconds, printed as a duration.
    Micros,
    /// Bytes.
    Bytes,
    /// A count.
    Count,
    /// Records per second, in thousandths.
    MilliPerSecond,
    /// Milliseconds per second (Flink's busy/backpressured time), in thousandths.
    MilliMsPerSecond,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// A stable id (`e2e-p50`), for tests and the table.
    pub id: &'static str,
    /// English label (its Korean text is in the catalog: see `en_ko!`).
    pub en: &'static str,
    /// The unit.
    pub unit: Unit,
    /// Which value wins.
    pub better: Better,
    /// The value; `None` when the run has nothing to measure yet.
    pub value: Option<u64>,
}

fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    // Nearest rank, as Flink's histogram statistics report.
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn tasks_of(sim: &Sim, vertex: VertexIndex) -> impl Iterator<Item = TaskIndex> + '_ {
    let v = &sim.view().graph().vertices[vertex.0 as usize];
    (0..v.parallelism).map(move |s| TaskIndex(v.first_task.0 + s))
}

/// The figures of `sim` at its instant.
pub fn figures(sim: &Sim) -> Vec<Figure> {
    let view = sim.view();
    let history: Vec<&CheckpointRecord> = view.checkpoint_history().collect();
    let completed: Vec<&&CheckpointRecord> = history
        .iter()
        .filter(|r| r.status == CheckpointStatus::Completed)
        .collect();
    let failed = history
        .iter()
        .filter(|r| r.status == CheckpointStatus::Failed)
        .count() as u64;
    let mut e2e: Vec<u64> = completed.iter().filter_map(|r| r.end_to_end_us()).collect();
    crate::sim::order::sort(&mut e2e);
    let per_checkpoint_max = |f: fn(&crate::sim::checkpoint::SubtaskCheckpointStats) -> u64| {
        let mut values: Vec<u64> = completed
            .iter()
            .map(|r| r.subtasks.iter().flatten().map(f).max().unwrap_or(0))
            .collect();
        crate::sim::order::sort(&mut values);
        values
    };
    let alignment = per_checkpoint_max(|s| s.alignment_us);
    let start_delay = per_checkpoint_max(|s| s.start_delay_us);
    let persisted: u64 = completed.iter().map(|r| r.sum(|s| s.persisted_bytes)).sum();
    let size = (!completed.is_empty()).then(|| {
        completed
            .iter()
            .map(|r| r.sum(|s| s.checkpointed_bytes))
            .sum::<u64>()
            / completed.len() as u64
    });
    let now_us = view.now().as_us();
    let processed: u64 = tasks_of(sim, KEYED_VERTEX)
        .map(|t| view.task_totals(t).records_in)
        .sum();
    let throughput = (now_us > 0).then(|| processed * 1_000_000_000 / now_us);
    let sources: Vec<TaskIndex> = tasks_of(sim, SOURCE_VERTEX).collect();
    let backpressure = (now_us > 0).then(|| {
        let total: u64 = sources
            .iter()
            .map(|t| view.task_totals(*t).backpressured_us)
            .sum();
        // ms per second, in thousandths: µs of backpressure per µs elapsed × 10^6.
        total * 1_000_000 / now_us / sources.len().max(1) as u64
    });
    let replayed: u64 = sources
        .iter()
        .map(|t| {
            let emitted = view.task_totals(*t).records_out;
            emitted.saturating_sub(view.tasks()[t.index()].next_seq)
        })
        .sum();
    // Time to recover: from the first failure to the restore that followed it.
    let journal: Vec<_> = view.journal().collect();
    let recovery = journal
        .iter()
        .position(|e| matches!(e.event, Event::JobFailed { .. }))
        .and_then(|failed_at| {
            let from = journal[failed_at].time;
            journal[failed_at..]
                .iter()
                .rfind(|e| matches!(e.event, Event::JobRestored { checkpoint: _ }))
                .map(|e| e.time.saturating_since(from).0)
        });
    let (alarms, printed_duplicates) = view.alarm_counts();
    let sink = view.sink();
    // What a consumer of the output sees twice (the upsert table overwrites a replayed row).
    let (duplicates, latency, lost) = match view.config().sink {
        crate::sim::sink::SinkKind::Print => (printed_duplicates, (alarms > 0).then_some(0), 0),
        crate::sim::sink::SinkKind::TwoPhaseCommit => (
            sink.kafka.duplicates,
            sink.kafka.latency.mean().map(|m| m.as_us()),
            sink.kafka.lost,
        ),
        crate::sim::sink::SinkKind::IdempotentUpsert => {
            (0, (sink.table.writes > 0).then_some(0), 0)
        }
    };
    let row = |id, en, unit, better, value| Figure {
        id,
        en,
        unit,
        better,
        value,
    };
    vec![
        row(
            "completed",
            en_ko!("Completed checkpoints", "완료된 체크포인트"),
            Unit::Count,
            Better::Higher,
            Some(completed.len() as u64),
        ),
        row(
            "failed",
            en_ko!("Failed checkpoints", "실패한 체크포인트"),
            Unit::Count,
            Better::Lower,
            Some(failed),
        ),
        row(
            "e2e-p50",
            en_ko!("End to end duration p50", "종단 간 소요 시간 p50"),
            Unit::Micros,
            Better::Lower,
            percentile(&e2e, 50),
        ),
        row(
            "e2e-p99",
            en_ko!("End to end duration p99", "종단 간 소요 시간 p99"),
            Unit::Micros,
            Better::Lower,
            percentile(&e2e, 99),
        ),
        row(
            "alignment-p50",
            en_ko!(
                "Alignment duration p50 (slowest subtask)",
                "정렬 시간 p50 (가장 느린 서브태스크)"
            ),
            Unit::Micros,
            Better::Lower,
            percentile(&alignment, 50),
        ),
        row(
            "start-delay-p50",
            en_ko!(
                "Start delay p50 (slowest subtask)",
                "시작 지연 p50 (가장 느린 서브태스크)"
            ),
            Unit::Micros,
            Better::Lower,
            percentile(&start_delay, 50),
        ),
        row(
            "persisted",
            en_ko!(
                "Persisted in-flight data (all checkpoints)",
                "저장된 전송 중 데이터 (전체)"
            ),
            Unit::Bytes,
            Better::Neither,
            Some(persisted),
        ),
        row(
            "size",
            en_ko!(
                "Checkpointed data size (average)",
                "체크포인트 데이터 크기 (평균)"
            ),
            Unit::Bytes,
            Better::Lower,
            size,
        ),
        row(
            "throughput",
            en_ko!(
                "Records processed per second (keyed, average)",
                "초당 처리 레코드 (키드, 평균)"
            ),
            Unit::MilliPerSecond,
            Better::Higher,
            throughput,
        ),
        row(
            "backpressure",
            en_ko!(
                "Source backpressured time (ms/s, average)",
                "소스 백프레셔 시간 (ms/s, 평균)"
            ),
            Unit::MilliMsPerSecond,
            Better::Lower,
            backpressure,
        ),
        row(
            "recovery",
            en_ko!(
                "Time to recover (first failure → restore)",
                "복구 시간 (첫 장애 → 복원)"
            ),
            Unit::Micros,
            Better::Lower,
            recovery,
        ),
        row(
            "replayed",
            en_ko!("Records replayed by the sources", "소스가 다시 보낸 레코드"),
            Unit::Count,
            Better::Lower,
            Some(replayed),
        ),
        row(
            "duplicates",
            en_ko!("Duplicate alarms in the output", "출력에 중복된 알람"),
            Unit::Count,
            Better::Lower,
            Some(duplicates),
        ),
        row(
            "output-latency",
            en_ko!(
                "Output latency (alarm raised → visible, mean)",
                "출력 지연 (알람 발생 → 보임, 평균)"
            ),
            Unit::Micros,
            Better::Lower,
            latency,
        ),
        row(
            "lost",
            en_ko!(
                "Alarms lost (transaction timed out)",
                "유실된 알람 (트랜잭션 타임아웃)"
            ),
            Unit::Count,
            Better::Lower,
            Some(lost),
        ),
    ]
}

/// Which side wins a figure: `Some(0)` left, `Some(1)` right, `None` a tie or no verdict.
pub fn winner(better: Better, left: Option<u64>, right: Option<u64>) -> Option<usize> {
    let (l, r) = (left?, right?);
    match better {
        Better::Neither => None,
        _ if l == r => None,
        Better::Lower => Some(usize::from(r < l)),
        Better::Higher => Some(usize::from(r > l)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_better_value_wins_and_ties_have_no_winner() {
        assert_eq!(winner(Better::Lower, Some(3), Some(5)), Some(0));
        assert_eq!(winner(Better::Lower, Some(5), Some(3)), Some(1));
        assert_eq!(winner(Better::Higher, Some(5), Some(3)), Some(0));
        assert_eq!(winner(Better::Higher, Some(3), Some(3)), None);
        assert_eq!(winner(Better::Neither, Some(1), Some(3)), None);
        assert_eq!(winner(Better::Lower, None, Some(3)), None);
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 99), Some(4));
        assert_eq!(percentile(&[], 50), None);
    }
}
