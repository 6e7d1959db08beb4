//! The browser entry point: installs the panic hook (an engine assertion failure is reported
//! readably in the console and on the page), then mounts the app.

/// The page's allocator: talc instead of Rust's default dlmalloc.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    flinkscope::web::panic::install();
    yew::Renderer::<flinkscope::web::host::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("flinkscope-web is the browser build; run `scripts/serve.sh`, or use the `flinkscope` binary natively");
    std::process::exit(2);
}
