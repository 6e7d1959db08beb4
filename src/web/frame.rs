//! A requestAnimationFrame loop owned by a value: dropping it cancels the next frame and frees
//! the closure (no `forget`).

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type FrameClosure = Closure<dyn FnMut(f64)>;

/// The running loop.
pub struct AnimationLoop {
    closure: Rc<RefCell<Option<FrameClosure>>>,
    handle: Rc<RefCell<Option<i32>>>,
}

fn request(closure: &FrameClosure) -> Option<i32> {
    web_sys::window()?
        .request_animation_frame(closure.as_ref().unchecked_ref())
        .ok()
}

impl AnimationLoop {
    /// Calls `on_frame(timestamp_ms)` on every animation frame until dropped.
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> AnimationLoop {
        let closure: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        let handle = Rc::new(RefCell::new(None));
        let (weak_closure, frame_handle) = (Rc::downgrade(&closure), handle.clone());
        let callback = Closure::wrap(Box::new(move |timestamp: f64| {
            on_frame(timestamp);
            if let Some(closure) = weak_closure.upgrade() {
                if let Some(closure) = closure.borrow().as_ref() {
                    *frame_handle.borrow_mut() = request(closure);
                }
            }
        }) as Box<dyn FnMut(f64)>);
        *handle.borrow_mut() = request(&callback);
        *closure.borrow_mut() = Some(callback);
        AnimationLoop { closure, handle }
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.handle.borrow_mut().take()) {
            let _ = window.cancel_animation_frame(id);
        }
        self.closure.borrow_mut().take();
    }
}
