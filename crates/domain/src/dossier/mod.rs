//! Dossiers (hồ sơ): the national dossier code and the state machine of spec §2.4. The use cases that receive,
//! process and return dossiers (issue 5) build on these rules.

pub mod code;
pub mod status;

pub use code::{DossierCode, DossierCodeError, SequenceWidth};
pub use status::{Action, Actor, Clock, Facts, Refusal, Status, decide};
