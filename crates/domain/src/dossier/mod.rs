//! Dossiers (hồ sơ): the national dossier code, the state machine of spec §2.4, the internal workflow with its
//! hand-overs and step deadlines, and the control slip generated from them.

pub mod code;
pub mod control_slip;
pub mod forms;
pub mod intake;
pub mod status;
pub mod workflow;

pub use code::{DossierCode, DossierCodeError, SequenceWidth};
pub use control_slip::{ControlSlip, SlipEvent, SlipHeader, SlipRow, control_slip};
pub use intake::{DailyFilingLimit, Intake, IntakeRefusal};
pub use status::{Action, Actor, Clock, Facts, Refusal, Status, decide};
pub use workflow::HandOverKind;
