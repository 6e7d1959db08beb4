//! `flinkscope`: the headless command-line runner. `flinkscope help` and `flinkscope help
//! <command>` (or `--help` on any command) describe the arguments.
//!
//! Invalid input prints a message naming the field, the value and what is allowed, and exits
//! with status 2; an output that cannot be written exits with status 1.

#[cfg(not(target_arch = "wasm32"))]
mod native;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    match native::main() {
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
