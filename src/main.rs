//! The browser entry point: mounts the app. Yew installs its panic hook, so an engine
//! assertion failure appears readably in the console.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<flinkscope::ui::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("flinkscope-web is the browser build; run `scripts/serve.sh`, or use the `flinkscope` binary natively");
    std::process::exit(2);
}
