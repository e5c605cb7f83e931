//! Reference servers for the external parties motcua talks to but that cannot exist in development and tests:
//! each speaks the documented protocol over real HTTP, so the production connectors are tested against them.
//!
//! They are never mounted by `motcua serve`; `motcua demo` and the `motcua reference …` commands run them.

pub mod idp;
pub mod registry;
