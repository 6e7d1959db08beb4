//! The panic hook: an engine assertion failure is reported readably in the console and on the
//! page (a banner instead of a frozen, silent page).

use std::panic::PanicHookInfo;

/// The message shown for a panic with `message` at `location`.
pub fn describe(message: &str, location: Option<&str>) -> String {
    let place = location.map_or(String::new(), |l| format!(" at {l}"));
    format!(
        "flinkscope stopped: {message}{place}. The simulation state is no longer trustworthy; reload the page. \
         If it happens again with the same seed and actions, please report them."
    )
}

fn payload_text(info: &PanicHookInfo<'_>) -> String {
    if let Some(text) = info.payload().downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = info.payload().downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Installs the hook (replacing Yew's default one).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let text = describe(&payload_text(info), location.as_deref());
        web_sys::console::error_1(&text.clone().into());
        let document = web_sys::window().and_then(|w| w.document());
        if let Some((document, body)) = document.and_then(|d| d.body().map(|b| (d, b))) {
            if let Ok(banner) = document.create_element("div") {
                banner.set_class_name("panic-banner");
                let _ = banner.set_attribute("role", "alert");
                let _ = banner.set_attribute("data-testid", "panic");
                banner.set_text_content(Some(&text));
                let _ = body.prepend_with_node_1(&banner);
            }
        }
    }));
}
