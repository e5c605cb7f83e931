//! The pure core of motcua: the legal rules, with no I/O, no async and no SQL.
//!
//! Every rule here is a plain function over plain values so that it can be tested
//! exhaustively. The shell (storage, app, web) loads the values, asks these
//! functions for a decision, and persists the outcome.

pub mod access;
pub mod calendar;
pub mod catalogue;
pub mod deadline;
pub mod document;
pub mod dossier;
pub mod identity;
pub mod job;
pub mod representation;
pub mod text;
pub mod time;
pub mod unit;
