//! Offering text as a file download.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as the JSON file `name`: a Blob behind an object URL, clicked through a
/// temporary `<a download>`; the URL is revoked a second later (an immediate revoke can cancel
/// the download). A future, not a forgotten Timeout: its closure is freed once it has run.
pub fn download_json(name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    let body = document.body().ok_or("no body")?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(1_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

/// `json` indented by two spaces, by the browser's `JSON` (a pretty printer in Rust would put a
/// second serialiser into the bundle); unchanged if it does not parse.
pub fn indented(json: &str) -> String {
    js_sys::JSON::parse(json)
        .and_then(|value| {
            js_sys::JSON::stringify_with_replacer_and_space(
                &value,
                &JsValue::NULL,
                &JsValue::from(2),
            )
        })
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| json.to_string())
}
