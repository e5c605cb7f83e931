//! The HTTP shell: the versioned REST API (problem+json errors, OpenAPI 3.1) under
//! `/api`, and the Vietnamese server-rendered pages everywhere else.
//!
//! Handlers are thin: they parse the request, call one use case of `motcua_app`, and
//! render its result. They never touch storage.

pub mod api;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod pages;
pub mod router;
pub mod state;
mod view;

pub use router::router;
pub use state::{AppState, WebConfig};
