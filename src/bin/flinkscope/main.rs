//! `flinkscope`: the headless command-line runner.
//!
//! ```text
//! flinkscope run --seed N --until DURATION --out DIR [--config FILE.json] [--set KEY=VALUE]…
//!                [--kill-tm N@TIME] [--restart-tm N@TIME] [--fail-task VERTEX/SUBTASK@TIME]
//!                [--slow VERTEX/SUBTASK@TIME*FACTOR] [--storage-fail TIME] [--storage-ok TIME]
//!                [--trigger-checkpoint TIME] [--replay RUN.json] [--export RUN.json]
//! flinkscope keygroup --parallelism P --max-parallelism M KEY…
//! flinkscope bench
//! flinkscope config [--config FILE.json] [--set KEY=VALUE]…
//! ```
//! Invalid input prints a message naming the field, the value and what is allowed, and exits
//! with status 2.

#[cfg(not(target_arch = "wasm32"))]
mod native;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match native::main(&args) {
        Ok(()) => {}
        Err(native::Failure::Usage(message)) => {
            eprintln!("flinkscope: {message}");
            eprintln!("run `flinkscope help` for usage");
            std::process::exit(2);
        }
        Err(native::Failure::Io(message)) => {
            eprintln!("flinkscope: {message}");
            std::process::exit(1);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
