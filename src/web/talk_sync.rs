//! Keeps the windows of one talk in step (the audience window and the presenter view) through
//! the browser's `BroadcastChannel`: each posts its step and blank state when they change, and
//! follows the other's.

use crate::app::{Action, SessionOwner};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A window's end of the channel.
pub struct TalkSync {
    channel: web_sys::BroadcastChannel,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
    /// The last state sent or received: (talk id, step, blank).
    last: std::cell::RefCell<Option<(String, usize, bool)>>,
}

impl TalkSync {
    /// Opens the channel; messages become [`Action::TalkFollow`]s through `dispatch`.
    pub fn open(dispatch: impl Fn(Action) + 'static) -> Option<std::rc::Rc<TalkSync>> {
        let channel = web_sys::BroadcastChannel::new("flinkscope-talk").ok()?;
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                // "<talk id> <step> <blank>"; anything else is ignored.
                let mut parts = text.split(' ');
                let (Some(talk), Some(index), Some(blank)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return;
                };
                let (Ok(index), Ok(blank)) = (index.parse::<usize>(), blank.parse::<bool>()) else {
                    return;
                };
                dispatch(Action::TalkFollow {
                    talk: talk.to_string(),
                    index,
                    blank,
                });
            },
        );
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(std::rc::Rc::new(TalkSync {
            channel,
            _listener: listener,
            last: std::cell::RefCell::new(None),
        }))
    }

    /// Posts the session's talk state if it changed since the last one sent or received.
    pub fn publish(&self, owner: &SessionOwner) {
        let state = owner
            .read()
            .talk()
            .map(|m| (m.talk().id.clone(), m.index(), m.blank()));
        let Some(state) = state else {
            return;
        };
        if self.last.borrow().as_ref() == Some(&state) {
            return;
        }
        let message = format!("{} {} {}", state.0, state.1, state.2);
        *self.last.borrow_mut() = Some(state);
        let _ = self.channel.post_message(&JsValue::from_str(&message));
    }

    /// Records a state received, so following it does not echo it back.
    pub fn received(&self, owner: &SessionOwner) {
        let state = owner
            .read()
            .talk()
            .map(|m| (m.talk().id.clone(), m.index(), m.blank()));
        *self.last.borrow_mut() = state;
    }
}

impl Drop for TalkSync {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
