//! The session shared between its owner (the browser edge, which applies actions) and the
//! components (which only read it).
//!
//! Two handles on one session: [`SessionOwner`] is the only one that can change it;
//! [`SessionRef`] reads it, and is what every component receives. A component therefore
//! cannot mutate the simulation: it emits an [`Action`] and the owner applies it.

use super::action::{Action, Outcome};
use super::mirror::Batch;
use super::session::Session;
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// A read-only handle; equal when it is the same session (so Yew props compare cheaply).
#[derive(Clone)]
pub struct SessionRef(Rc<RefCell<Session>>);

impl PartialEq for SessionRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl SessionRef {
    /// Reads the session (while rendering).
    ///
    /// # Panics
    /// While the owner applies an action (components read between actions).
    pub fn read(&self) -> Ref<'_, Session> {
        self.0.borrow()
    }
}

/// The owner's handle: applies actions and hands out the mirror's batches.
#[derive(Clone)]
pub struct SessionOwner(Rc<RefCell<Session>>);

impl SessionOwner {
    /// Takes ownership of `session`.
    pub fn new(session: Session) -> SessionOwner {
        SessionOwner(Rc::new(RefCell::new(session)))
    }

    /// A read-only handle for components.
    pub fn reader(&self) -> SessionRef {
        SessionRef(self.0.clone())
    }

    /// Reads the session.
    pub fn read(&self) -> Ref<'_, Session> {
        self.0.borrow()
    }

    /// Applies an action (see [`Session::apply`]).
    pub fn apply(&self, action: Action, wall_ms: &dyn Fn() -> f64) -> Outcome {
        self.0.borrow_mut().apply(action, wall_ms)
    }

    /// The mirror's next batch to perform, if any (see [`super::mirror::Mirror::take_batch`]).
    pub fn take_batch(&self) -> Option<Batch> {
        self.0.borrow_mut().take_batch()
    }
}
