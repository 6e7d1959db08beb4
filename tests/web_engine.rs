//! The engine in the browser: the same trace as natively (pinned golden hash), and the wasm
//! benchmark figures printed beside the native ones.
#![cfg(target_arch = "wasm32")]

use flinkscope::run::bench::{self, BenchCase};
use flinkscope::sim::event::Command;
use flinkscope::sim::ids::TaskManagerId;
use flinkscope::sim::rng::{RngStream, SimRng};
use flinkscope::sim::{Sim, SimConfig, SimTime};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The page's allocator (src/main.rs), so the figures are the page's.
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Must equal `GOLDEN_SEED_1` of tests/determinism.rs (the native layer).
const GOLDEN_SEED_1: u64 = 0x143d_6323_b2f2_7039;

fn now_ms() -> f64 {
    web_sys::window()
        .expect("a window")
        .performance()
        .expect("performance")
        .now()
}

/// The RNG stream is the same in wasm as natively (never a platform-sized draw).
#[wasm_bindgen_test]
fn rng_stream_matches_native() {
    assert_eq!(
        SimRng::new(42, RngStream::Network).next_u64(),
        2_851_204_742_667_611_941
    );
}

/// Seed 1 with TaskManager 2 killed at 45 s and restarted at 90 s, run to 10 minutes, gives
/// the native golden trace hash.
#[wasm_bindgen_test]
fn trace_hash_matches_native_golden() {
    let mut sim = Sim::new(SimConfig::default(), 1).unwrap();
    sim.advance_to(SimTime::from_ms(45_000));
    sim.handle(Command::KillTaskManager {
        task_manager: TaskManagerId(1),
    })
    .unwrap();
    sim.advance_to(SimTime::from_ms(90_000));
    sim.handle(Command::RestartTaskManager {
        task_manager: TaskManagerId(1),
    })
    .unwrap();
    sim.advance_to(SimTime::from_ms(600_000));
    assert_eq!(
        sim.view().trace_hash(),
        GOLDEN_SEED_1,
        "wasm trace {:016x}",
        sim.view().trace_hash()
    );
}

/// The benchmark scenarios compiled to wasm: prints events/s (compare with `flinkscope
/// bench`); asserts only that the runs did their work and match the native trace.
#[wasm_bindgen_test]
fn benchmark_figures() {
    // Warm up the JIT tiers, as the page does by running the engine in per-frame chunks.
    let _ = bench::run(BenchCase::HighRate, 2);
    for &scenario in BenchCase::ALL {
        // Median of five runs, like the native `flinkscope bench`.
        let mut runs = Vec::new();
        for _ in 0..5 {
            let started = now_ms();
            let outcome = bench::run(scenario, 1);
            runs.push(((now_ms() - started) / 1_000.0, outcome));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (seconds, outcome) = runs[2];
        let rate = outcome.events as f64 / seconds;
        web_sys::console::log_1(&format!("wasm bench {:<24} {rate:>12.0} events/s ({} events in {seconds:.3} s, trace {:016x})", scenario.name(), outcome.events, outcome.trace_hash).into());
        assert!(
            outcome.events > 100_000,
            "{} processed {} events",
            scenario.name(),
            outcome.events
        );
    }
    let sim = bench::default_after_one_hour(1);
    let started = now_ms();
    for _ in 0..100 {
        std::hint::black_box(sim.clone());
    }
    web_sys::console::log_1(
        &format!(
            "wasm bench clone {:.1} µs per clone after 1 simulated hour",
            (now_ms() - started) * 10.0
        )
        .into(),
    );
}

/// The page's build runs the print sink only for now (`OTHER_SINKS`): a link or file asking
/// for another sink gets the reason, not a crash.
#[wasm_bindgen_test]
fn the_page_refuses_the_sinks_it_does_not_run_yet() {
    use flinkscope::sim::sink::{SinkKind, OTHER_SINKS};
    const { assert!(!OTHER_SINKS) };
    for sink in [SinkKind::TwoPhaseCommit, SinkKind::IdempotentUpsert] {
        let config = SimConfig {
            sink,
            ..SimConfig::default()
        };
        let error = config.validate().unwrap_err();
        assert_eq!(error.key, "simulation.sink");
        assert!(error.allowed.contains("flinkscope run"), "{error}");
        assert!(Sim::new(config, 1).is_err());
    }
    let run = flinkscope::run::link::decode("seed=21&c.simulation.sink=two-phase-commit");
    assert_eq!(run.config.sink, SinkKind::Print);
    assert_eq!(run.problems.len(), 1, "{:?}", run.problems);
}
