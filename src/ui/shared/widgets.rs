//! Small pieces several components draw with.

use yew::prelude::*;

/// `value` limited to `low ..= high`, for drawing. Unlike `f64::clamp` it never panics (when
/// `low > high`, e.g. a label wider than the space it centres in, it gives `high`; NaN gives
/// `low`), and it does not pull Rust's float formatting into the page for clamp's panic message.
pub fn bound(value: f64, low: f64, high: f64) -> f64 {
    value.max(low).min(high)
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether the user asked for reduced motion (follows changes of the setting).
#[hook]
pub fn use_reduced_motion() -> bool {
    let reduced = use_state(prefers_reduced_motion);
    {
        let reduced = reduced.clone();
        use_effect_with((), move |_| {
            let query = web_sys::window().and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            });
            let listener = query.map(|query| {
                gloo_events::EventListener::new(&query, "change", move |_| {
                    reduced.set(prefers_reduced_motion());
                })
            });
            move || drop(listener)
        });
    }
    *reduced
}
