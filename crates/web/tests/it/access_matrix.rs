//! The access matrix of issue 6: every role × every officer-facing endpoint × in scope / out of scope, against an
//! expected table written by hand below (it is NOT derived from `motcua_domain::access`): zero leaks.
//!
//! One fixture per backend: a dossier received at Phường Hội An (c20410) and, for each role, three officers holding
//! that role on
//! - `own`: the unit owning the target (c20410 for a dossier, a unit's officers or office hours; the province p48
//!   for province-wide configuration: calendar, catalogue, jobs, the whole lookup log),
//! - `above`: the province p48, parent of c20410 (only meaningful for unit-owned targets),
//! - `other`: a sibling ward, Phường Bàn Thạch (c20335), which must see nothing of c20410.
//!
//! "Allowed" means the request passed the access check: 2xx, or a refusal that comes after it (a stale version →
//! 409, a population registry that is not configured → 502). "Refused" means 401/403/404, and for lists that the target is not
//! listed. A dossier action is sent with a stale version, so the matrix checks the scope; which role may make which
//! transition is the state machine's table (`domain::dossier::status`, tested there). Anonymous callers and a
//! logged-in citizen are refused everywhere.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::documents::{Backend, Documents, DocumentsConfig};
use motcua_domain::access::Role::{self, *};
use motcua_reference::idp::IdpUser;
use motcua_storage::Db;
use serde_json::{Value, json};

use crate::cases::{Reply, login, post_json, send};
use crate::citizen::{L1, L2, log_in};

/// An expectation: allowed, refused, or not applicable (province-wide targets have no "above").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum E {
    Y,
    N,
    NA,
}
use E::{N, NA, Y};

/// (endpoint, role, own unit, parent province, sibling ward) — written by hand from issue 6 and spec §6: a dossier is
/// seen by the officers of its units who work on dossiers (not by account administrators), and from above only by
/// the roles that read a subtree (leader, auditor); population lookups are counter work on one's own unit; the
/// lookup log is for auditors and the province administrator; officers, office hours and accounts are the
/// administrators' (read also by heads, leaders and auditors); province-wide configuration is the province
/// administrator's, reviews are also read by leaders and auditors.
#[rustfmt::skip]
const MATRIX: &[(&str, Role, E, E, E)] = &[
    // GET /api/v1/dossiers
    ("GET /api/v1/dossiers", Reception, Y, N, N),
    ("GET /api/v1/dossiers", Handler, Y, N, N),
    ("GET /api/v1/dossiers", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers", Clerk, Y, N, N),
    ("GET /api/v1/dossiers", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers", Leader, Y, Y, N),
    ("GET /api/v1/dossiers", Auditor, Y, Y, N),
    // GET /api/v1/dossier-inbox
    ("GET /api/v1/dossier-inbox", Reception, Y, N, N),
    ("GET /api/v1/dossier-inbox", Handler, Y, N, N),
    ("GET /api/v1/dossier-inbox", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossier-inbox", AgencyHead, Y, N, N),
    ("GET /api/v1/dossier-inbox", Clerk, Y, N, N),
    ("GET /api/v1/dossier-inbox", UnitAdmin, N, N, N),
    ("GET /api/v1/dossier-inbox", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossier-inbox", Leader, Y, Y, N),
    ("GET /api/v1/dossier-inbox", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}
    ("GET /api/v1/dossiers/{id}", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}/timeline
    ("GET /api/v1/dossiers/{id}/timeline", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/timeline", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}/timeline", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}/control-slip
    ("GET /api/v1/dossiers/{id}/control-slip", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/control-slip", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}/control-slip", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}/consultations
    ("GET /api/v1/dossiers/{id}/consultations", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/consultations", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}/consultations", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}/forms
    ("GET /api/v1/dossiers/{id}/forms", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}/forms", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}/forms", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/forms", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/forms", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}/forms", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/forms", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/forms", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}/forms", Auditor, Y, Y, N),
    // GET /api/v1/dossiers/{id}/documents
    ("GET /api/v1/dossiers/{id}/documents", Reception, Y, N, N),
    ("GET /api/v1/dossiers/{id}/documents", Handler, Y, N, N),
    ("GET /api/v1/dossiers/{id}/documents", DepartmentHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/documents", AgencyHead, Y, N, N),
    ("GET /api/v1/dossiers/{id}/documents", Clerk, Y, N, N),
    ("GET /api/v1/dossiers/{id}/documents", UnitAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/documents", ProvinceAdmin, N, N, N),
    ("GET /api/v1/dossiers/{id}/documents", Leader, Y, Y, N),
    ("GET /api/v1/dossiers/{id}/documents", Auditor, Y, Y, N),
    // POST /api/v1/dossiers/{id}/actions
    ("POST /api/v1/dossiers/{id}/actions", Reception, Y, N, N),
    ("POST /api/v1/dossiers/{id}/actions", Handler, Y, N, N),
    ("POST /api/v1/dossiers/{id}/actions", DepartmentHead, Y, N, N),
    ("POST /api/v1/dossiers/{id}/actions", AgencyHead, Y, N, N),
    ("POST /api/v1/dossiers/{id}/actions", Clerk, Y, N, N),
    ("POST /api/v1/dossiers/{id}/actions", UnitAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/actions", ProvinceAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/actions", Leader, Y, Y, N),
    ("POST /api/v1/dossiers/{id}/actions", Auditor, Y, Y, N),
    // POST /api/v1/population/lookups
    ("POST /api/v1/population/lookups", Reception, Y, N, N),
    ("POST /api/v1/population/lookups", Handler, Y, N, N),
    ("POST /api/v1/population/lookups", DepartmentHead, N, N, N),
    ("POST /api/v1/population/lookups", AgencyHead, N, N, N),
    ("POST /api/v1/population/lookups", Clerk, N, N, N),
    ("POST /api/v1/population/lookups", UnitAdmin, N, N, N),
    ("POST /api/v1/population/lookups", ProvinceAdmin, N, N, N),
    ("POST /api/v1/population/lookups", Leader, N, N, N),
    ("POST /api/v1/population/lookups", Auditor, N, N, N),
    // GET /api/v1/population/lookups?unit={unit}
    ("GET /api/v1/population/lookups?unit={unit}", Reception, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", Handler, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", DepartmentHead, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", AgencyHead, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", Clerk, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", UnitAdmin, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", ProvinceAdmin, Y, Y, N),
    ("GET /api/v1/population/lookups?unit={unit}", Leader, N, N, N),
    ("GET /api/v1/population/lookups?unit={unit}", Auditor, Y, Y, N),
    // GET /api/v1/units/{unit}/officers
    ("GET /api/v1/units/{unit}/officers", Reception, N, N, N),
    ("GET /api/v1/units/{unit}/officers", Handler, N, N, N),
    ("GET /api/v1/units/{unit}/officers", DepartmentHead, Y, N, N),
    ("GET /api/v1/units/{unit}/officers", AgencyHead, Y, N, N),
    ("GET /api/v1/units/{unit}/officers", Clerk, N, N, N),
    ("GET /api/v1/units/{unit}/officers", UnitAdmin, Y, Y, N),
    ("GET /api/v1/units/{unit}/officers", ProvinceAdmin, Y, Y, N),
    ("GET /api/v1/units/{unit}/officers", Leader, Y, Y, N),
    ("GET /api/v1/units/{unit}/officers", Auditor, Y, Y, N),
    // POST /api/v1/officers
    ("POST /api/v1/officers", Reception, N, N, N),
    ("POST /api/v1/officers", Handler, N, N, N),
    ("POST /api/v1/officers", DepartmentHead, N, N, N),
    ("POST /api/v1/officers", AgencyHead, N, N, N),
    ("POST /api/v1/officers", Clerk, N, N, N),
    ("POST /api/v1/officers", UnitAdmin, Y, Y, N),
    ("POST /api/v1/officers", ProvinceAdmin, Y, Y, N),
    ("POST /api/v1/officers", Leader, N, N, N),
    ("POST /api/v1/officers", Auditor, N, N, N),
    // PATCH /api/v1/officers/{officer}
    ("PATCH /api/v1/officers/{officer}", Reception, N, N, N),
    ("PATCH /api/v1/officers/{officer}", Handler, N, N, N),
    ("PATCH /api/v1/officers/{officer}", DepartmentHead, N, N, N),
    ("PATCH /api/v1/officers/{officer}", AgencyHead, N, N, N),
    ("PATCH /api/v1/officers/{officer}", Clerk, N, N, N),
    ("PATCH /api/v1/officers/{officer}", UnitAdmin, Y, Y, N),
    ("PATCH /api/v1/officers/{officer}", ProvinceAdmin, Y, Y, N),
    ("PATCH /api/v1/officers/{officer}", Leader, N, N, N),
    ("PATCH /api/v1/officers/{officer}", Auditor, N, N, N),
    // PUT /api/v1/units/{unit}/office-hours
    ("PUT /api/v1/units/{unit}/office-hours", Reception, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", Handler, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", DepartmentHead, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", AgencyHead, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", Clerk, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", UnitAdmin, Y, Y, N),
    ("PUT /api/v1/units/{unit}/office-hours", ProvinceAdmin, Y, Y, N),
    ("PUT /api/v1/units/{unit}/office-hours", Leader, N, N, N),
    ("PUT /api/v1/units/{unit}/office-hours", Auditor, N, N, N),
    // PUT /api/v1/calendar/2026 (province-wide: the role held on the province vs on a ward)
    ("PUT /api/v1/calendar/2026", Reception, N, NA, N),
    ("PUT /api/v1/calendar/2026", Handler, N, NA, N),
    ("PUT /api/v1/calendar/2026", DepartmentHead, N, NA, N),
    ("PUT /api/v1/calendar/2026", AgencyHead, N, NA, N),
    ("PUT /api/v1/calendar/2026", Clerk, N, NA, N),
    ("PUT /api/v1/calendar/2026", UnitAdmin, N, NA, N),
    ("PUT /api/v1/calendar/2026", ProvinceAdmin, Y, NA, N),
    ("PUT /api/v1/calendar/2026", Leader, N, NA, N),
    ("PUT /api/v1/calendar/2026", Auditor, N, NA, N),
    // GET /api/v1/catalogue/review (province-wide: the role held on the province vs on a ward)
    ("GET /api/v1/catalogue/review", Reception, N, NA, N),
    ("GET /api/v1/catalogue/review", Handler, N, NA, N),
    ("GET /api/v1/catalogue/review", DepartmentHead, N, NA, N),
    ("GET /api/v1/catalogue/review", AgencyHead, N, NA, N),
    ("GET /api/v1/catalogue/review", Clerk, N, NA, N),
    ("GET /api/v1/catalogue/review", UnitAdmin, N, NA, N),
    ("GET /api/v1/catalogue/review", ProvinceAdmin, Y, NA, N),
    ("GET /api/v1/catalogue/review", Leader, Y, NA, N),
    ("GET /api/v1/catalogue/review", Auditor, Y, NA, N),
    // GET /api/v1/population/lookups (province-wide: the role held on the province vs on a ward)
    ("GET /api/v1/population/lookups", Reception, N, NA, N),
    ("GET /api/v1/population/lookups", Handler, N, NA, N),
    ("GET /api/v1/population/lookups", DepartmentHead, N, NA, N),
    ("GET /api/v1/population/lookups", AgencyHead, N, NA, N),
    ("GET /api/v1/population/lookups", Clerk, N, NA, N),
    ("GET /api/v1/population/lookups", UnitAdmin, N, NA, N),
    ("GET /api/v1/population/lookups", ProvinceAdmin, Y, NA, N),
    ("GET /api/v1/population/lookups", Leader, N, NA, N),
    ("GET /api/v1/population/lookups", Auditor, Y, NA, N),
    // GET /api/v1/jobs (province-wide: the role held on the province vs on a ward)
    ("GET /api/v1/jobs", Reception, N, NA, N),
    ("GET /api/v1/jobs", Handler, N, NA, N),
    ("GET /api/v1/jobs", DepartmentHead, N, NA, N),
    ("GET /api/v1/jobs", AgencyHead, N, NA, N),
    ("GET /api/v1/jobs", Clerk, N, NA, N),
    ("GET /api/v1/jobs", UnitAdmin, N, NA, N),
    ("GET /api/v1/jobs", ProvinceAdmin, Y, NA, N),
    ("GET /api/v1/jobs", Leader, N, NA, N),
    ("GET /api/v1/jobs", Auditor, N, NA, N),
    // DELETE /api/v1/officers/{officer}/totp (a lost second factor: the administrators of the officer's unit)
    ("DELETE /api/v1/officers/{officer}/totp", Reception, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", Handler, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", DepartmentHead, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", AgencyHead, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", Clerk, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", UnitAdmin, Y, Y, N),
    ("DELETE /api/v1/officers/{officer}/totp", ProvinceAdmin, Y, Y, N),
    ("DELETE /api/v1/officers/{officer}/totp", Leader, N, N, N),
    ("DELETE /api/v1/officers/{officer}/totp", Auditor, N, N, N),
    // GET /api/v1/audit-events?unit={unit} (the audit trail of a subtree: auditors and administrators)
    ("GET /api/v1/audit-events?unit={unit}", Reception, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", Handler, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", DepartmentHead, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", AgencyHead, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", Clerk, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", UnitAdmin, Y, Y, N),
    ("GET /api/v1/audit-events?unit={unit}", ProvinceAdmin, Y, Y, N),
    ("GET /api/v1/audit-events?unit={unit}", Leader, N, N, N),
    ("GET /api/v1/audit-events?unit={unit}", Auditor, Y, Y, N),
    // POST /api/v1/dossiers/{id}/components/{key}/files (digitising: reception or handler over the dossier)
    ("POST /api/v1/dossiers/{id}/components/{key}/files", Reception, Y, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", Handler, Y, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", DepartmentHead, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", AgencyHead, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", Clerk, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", UnitAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", ProvinceAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", Leader, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/files", Auditor, N, N, N),
    // POST /api/v1/dossiers/{id}/components/{key}/warehouse (the applicant's document instead of an upload: who may
    // digitise — reception or handler over the dossier)
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", Reception, Y, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", Handler, Y, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", DepartmentHead, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", AgencyHead, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", Clerk, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", UnitAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", ProvinceAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", Leader, N, N, N),
    ("POST /api/v1/dossiers/{id}/components/{key}/warehouse", Auditor, N, N, N),
    // POST /api/v1/dossiers/{id}/result (handler, department or agency head, clerk whose grants reach the dossier)
    ("POST /api/v1/dossiers/{id}/result", Reception, N, N, N),
    ("POST /api/v1/dossiers/{id}/result", Handler, Y, N, N),
    ("POST /api/v1/dossiers/{id}/result", DepartmentHead, Y, N, N),
    ("POST /api/v1/dossiers/{id}/result", AgencyHead, Y, N, N),
    ("POST /api/v1/dossiers/{id}/result", Clerk, Y, N, N),
    ("POST /api/v1/dossiers/{id}/result", UnitAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/result", ProvinceAdmin, N, N, N),
    ("POST /api/v1/dossiers/{id}/result", Leader, N, N, N),
    ("POST /api/v1/dossiers/{id}/result", Auditor, N, N, N),
    // GET /api/v1/documents/{doc}/content (whoever may see the dossier)
    ("GET /api/v1/documents/{doc}/content", Reception, Y, N, N),
    ("GET /api/v1/documents/{doc}/content", Handler, Y, N, N),
    ("GET /api/v1/documents/{doc}/content", DepartmentHead, Y, N, N),
    ("GET /api/v1/documents/{doc}/content", AgencyHead, Y, N, N),
    ("GET /api/v1/documents/{doc}/content", Clerk, Y, N, N),
    ("GET /api/v1/documents/{doc}/content", UnitAdmin, N, N, N),
    ("GET /api/v1/documents/{doc}/content", ProvinceAdmin, N, N, N),
    ("GET /api/v1/documents/{doc}/content", Leader, Y, Y, N),
    ("GET /api/v1/documents/{doc}/content", Auditor, Y, Y, N),
    // GET /api/v1/warehouse (the citizen's or organisation's own: no officer)
    ("GET /api/v1/warehouse", Reception, N, N, N),
    ("GET /api/v1/warehouse", Handler, N, N, N),
    ("GET /api/v1/warehouse", DepartmentHead, N, N, N),
    ("GET /api/v1/warehouse", AgencyHead, N, N, N),
    ("GET /api/v1/warehouse", Clerk, N, N, N),
    ("GET /api/v1/warehouse", UnitAdmin, N, N, N),
    ("GET /api/v1/warehouse", ProvinceAdmin, N, N, N),
    ("GET /api/v1/warehouse", Leader, N, N, N),
    ("GET /api/v1/warehouse", Auditor, N, N, N),
    // GET /api/v1/warehouse/offers?procedure={code} (the filer's own: no officer)
    ("GET /api/v1/warehouse/offers?procedure={code}", Reception, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", Handler, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", DepartmentHead, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", AgencyHead, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", Clerk, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", UnitAdmin, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", ProvinceAdmin, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", Leader, N, N, N),
    ("GET /api/v1/warehouse/offers?procedure={code}", Auditor, N, N, N),
    // POST /api/v1/warehouse/{doc}/shares (the owner only: no officer, no other citizen)
    ("POST /api/v1/warehouse/{doc}/shares", Reception, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", Handler, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", DepartmentHead, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", AgencyHead, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", Clerk, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", UnitAdmin, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", ProvinceAdmin, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", Leader, N, N, N),
    ("POST /api/v1/warehouse/{doc}/shares", Auditor, N, N, N),
    // GET /api/v1/citizen/drafts/{code} (the citizen's own drafts: no officer)
    ("GET /api/v1/citizen/drafts/{code}", Reception, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", Handler, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", DepartmentHead, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", AgencyHead, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", Clerk, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", UnitAdmin, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", ProvinceAdmin, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", Leader, N, N, N),
    ("GET /api/v1/citizen/drafts/{code}", Auditor, N, N, N),
    // PUT /api/v1/citizen/drafts/{code} (the citizen's own drafts: no officer)
    ("PUT /api/v1/citizen/drafts/{code}", Reception, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", Handler, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", DepartmentHead, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", AgencyHead, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", Clerk, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", UnitAdmin, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", ProvinceAdmin, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", Leader, N, N, N),
    ("PUT /api/v1/citizen/drafts/{code}", Auditor, N, N, N),
    // DELETE /api/v1/citizen/drafts/{code} (the citizen's own drafts: no officer)
    ("DELETE /api/v1/citizen/drafts/{code}", Reception, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", Handler, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", DepartmentHead, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", AgencyHead, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", Clerk, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", UnitAdmin, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", ProvinceAdmin, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", Leader, N, N, N),
    ("DELETE /api/v1/citizen/drafts/{code}", Auditor, N, N, N),
];

/// The endpoints of the matrix that a dossier's list answers by content rather than by status.
const LISTS: &[&str] = &["GET /api/v1/dossiers", "GET /api/v1/dossier-inbox"];

/// The endpoints of a logged-in citizen's own data: every officer is refused, and the citizen of the matrix (not the
/// applicant) is answered about their own data only — checked separately below.
const CITIZEN_OWN: &[&str] = &[
    "GET /api/v1/warehouse",
    "GET /api/v1/warehouse/offers?procedure={code}",
    "GET /api/v1/citizen/drafts/{code}",
    "PUT /api/v1/citizen/drafts/{code}",
    "DELETE /api/v1/citizen/drafts/{code}",
];

/// A small PDF (the store sniffs the type from the bytes).
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

const PROVINCE_WIDE: &[&str] = &[
    "PUT /api/v1/calendar/2026",
    "GET /api/v1/catalogue/review",
    "GET /api/v1/population/lookups",
    "GET /api/v1/jobs",
];

const OWN: &str = "c20410";
const ABOVE: &str = "p48";
const OTHER: &str = "c20335";
const PROCEDURE: &str = "1.001570";

struct Fixture {
    router: Router,
    /// Where the document store keeps its files (removed when the fixture is dropped).
    _files: tempfile::TempDir,
    dossier_id: String,
    /// A digitised paper of the dossier (the applicant's warehouse document).
    document_id: String,
    dossier_code: String,
    officer_id: String,
    hours: Value,
    schedule: Value,
}

/// Who calls: a bearer token (officer), a cookie (citizen), or nothing.
#[derive(Clone)]
enum Who {
    Anonymous,
    Officer(String),
    Citizen(String),
}

fn request(method: Method, uri: &str, body: Option<&Value>, who: &Who) -> Request<Body> {
    request_raw(method, uri, body.map(|b| ("application/json", b.to_string().into_bytes())), who)
}

fn request_raw(method: Method, uri: &str, body: Option<(&str, Vec<u8>)>, who: &Who) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    match who {
        Who::Anonymous => {}
        Who::Officer(token) => builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}")),
        Who::Citizen(cookie) => builder = builder.header(header::COOKIE, cookie),
    }
    match body {
        Some((kind, bytes)) => builder.header(header::CONTENT_TYPE, kind).body(Body::from(bytes)).unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

fn username(role: Role, place: &str) -> String {
    format!("mx.{}.{}", place, role.as_str().replace('_', "-"))
}

/// `crate::citizen::setup` (the demo, the reference identity provider with the citizens `L2` and `L1`) with a
/// document store in `files`.
async fn setup_with_documents(db: Db, files: &std::path::Path) -> Router {
    let born = NaiveDate::from_ymd_opt(1990, 4, 30).unwrap();
    let users = vec![IdpUser::new(L2, "Nguyễn Thị Dân", born, true), IdpUser::new(L1, "Trần Văn Định", born, false)];
    let app = crate::citizen::with_identity(db, users).await;
    let documents = Documents::open(&DocumentsConfig {
        backend: Backend::Local(files.join("files")),
        max_file_bytes: 64 * 1024,
        clamd: None,
        keys_dir: files.join("keys"),
        generate_keys: true,
    })
    .unwrap();
    crate::citizen::serve(app.with_documents(documents))
}

async fn fixture(db: Db) -> Fixture {
    let files = tempfile::tempdir().unwrap();
    let router = setup_with_documents(db, files.path()).await;
    let admin = login(&router, "admin").await;
    for (place, unit) in [("own", OWN), ("above", ABOVE), ("other", OTHER)] {
        for role in Role::ALL {
            let body = json!({
                "username": username(role, place), "full_name": "Cán Bộ Ma Trận", "unit_id": unit,
                "password": DEMO_PASSWORD, "grants": [{"role": role.as_str(), "unit_id": unit}],
            });
            let reply = send(&router, post_json("/api/v1/officers", &body, Some(&admin))).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        }
    }
    let reception = login(&router, "tiepnhan.hoian").await;
    let dossier = json!({
        "procedure": PROCEDURE,
        "applicant": {"id_number": L2, "full_name": "Nguyễn Thị Dân", "phone": "0905123456"},
        "form": {
            "ho_ten_chu_ho": "Nguyễn Thị Dân", "so_dinh_danh": L2, "noi_thuong_tru.province": "p48",
            "noi_thuong_tru.commune": "c20410", "noi_thuong_tru.detail": "12 Trần Phú", "so_dien_thoai": "0905123456",
            "ma_so_ho_kinh_doanh": "40A8001234", "ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát", "de_nghi": "tam_ngung",
            "tu_ngay": "01/12/2026",
        },
        "components": ["tp7"],
    });
    let reply = send(&router, post_json("/api/v1/dossiers", &dossier, Some(&reception))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let d = reply.json();
    let dossier_id = d["id"].as_str().unwrap().to_owned();
    let upload = format!("/api/v1/dossiers/{dossier_id}/components/tp7/files?file_name=quet.pdf&source=digitised");
    let reply = send(
        &router,
        request_raw(Method::POST, &upload, Some(("application/octet-stream", PDF.to_vec())), &Who::Officer(reception)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let document_id = reply.json()["id"].as_str().unwrap().to_owned();
    let officers =
        send(&router, request(Method::GET, "/api/v1/units/c20410/officers", None, &Who::Officer(admin.clone())))
            .await
            .json();
    let officer_id = officers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["username"] == "thuly.hoian")
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .unwrap();
    let hours = send(&router, request(Method::GET, "/api/v1/units/c20410/office-hours", None, &Who::Anonymous)).await;
    let calendar = send(&router, request(Method::GET, "/api/v1/calendar/2026", None, &Who::Anonymous)).await;
    Fixture {
        router,
        _files: files,
        dossier_id,
        document_id,
        dossier_code: d["code"].as_str().unwrap().to_owned(),
        officer_id,
        hours: hours.json(),
        schedule: calendar.json(),
    }
}

/// The request of an endpoint of the matrix, for the target unit `unit`; `n` makes created names unique.
fn call(f: &Fixture, endpoint: &str, unit: &str, who: &Who, n: usize) -> Request<Body> {
    let (method, path) = endpoint.split_once(' ').unwrap();
    let uri = path
        .replace("{id}", &f.dossier_id)
        .replace("{unit}", unit)
        .replace("{officer}", &f.officer_id)
        .replace("{doc}", &f.document_id)
        .replace("{key}", "tp7")
        .replace("{code}", PROCEDURE);
    let pdf = |query: String| {
        let uri = format!("{uri}?{query}");
        request_raw(method.parse().unwrap(), &uri, Some(("application/octet-stream", PDF.to_vec())), who)
    };
    match endpoint {
        "POST /api/v1/dossiers/{id}/components/{key}/files" => {
            return pdf(format!("file_name=quet-{n}.pdf&source=digitised"));
        }
        "POST /api/v1/dossiers/{id}/result" => return pdf(format!("file_name=ket-qua-{n}.pdf")),
        _ => {}
    }
    let stale = 999_999;
    let body = match endpoint {
        "POST /api/v1/dossiers/{id}/actions" => Some(json!({"action": "start_processing", "expected_version": stale})),
        "POST /api/v1/population/lookups" => Some(json!({
            "subject": L2, "purpose": "Kiểm tra thông tin người nộp hồ sơ", "dossier_code": f.dossier_code,
            "fields": ["full_name"],
        })),
        "POST /api/v1/officers" => Some(json!({
            // No role: the reach over the unit's accounts is what this table decides; which roles each caller may
            // give is `decide_grant`'s (domain unit tests, app security tests).
            "username": format!("mx.tao.{n}"), "full_name": "Cán Bộ Mới", "unit_id": unit, "password": DEMO_PASSWORD,
            "grants": [],
        })),
        "PATCH /api/v1/officers/{officer}" => Some(json!({"disabled": true, "version": stale})),
        "PUT /api/v1/units/{unit}/office-hours" => Some(json!({"hours": f.hours["hours"], "version": stale})),
        "PUT /api/v1/calendar/2026" => Some(json!({"schedule": f.schedule["schedule"], "version": stale})),
        "POST /api/v1/dossiers/{id}/components/{key}/warehouse" => Some(json!({"document_id": f.document_id})),
        "POST /api/v1/warehouse/{doc}/shares" => Some(json!({"days": 1})),
        "PUT /api/v1/citizen/drafts/{code}" => Some(json!({"values": {"ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát"}})),
        _ => None,
    };
    request(method.parse().unwrap(), &uri, body.as_ref(), who)
}

/// Whether the reply shows the caller passed the access check.
fn allowed(f: &Fixture, endpoint: &str, reply: &Reply) -> bool {
    let status = reply.status.as_u16();
    if matches!(status, 401 | 403 | 404) {
        assert_eq!(reply.content_type(), "application/problem+json", "{endpoint}: {}", reply.body);
        return false;
    }
    assert!(status < 500 || matches!(status, 502 | 503), "{endpoint}: {status} {}", reply.body);
    if LISTS.contains(&endpoint) {
        assert_eq!(status, 200, "{endpoint}: {}", reply.body);
        return reply.body.contains(&f.dossier_id);
    }
    true
}

pub async fn every_role_endpoint_and_scope_is_decided_as_written(db: Db) {
    let f = fixture(db).await;
    let mut tokens = std::collections::HashMap::new();
    for (place, _) in [("own", OWN), ("above", ABOVE), ("other", OTHER)] {
        for role in Role::ALL {
            let name = username(role, place);
            tokens.insert(name.clone(), login(&f.router, &name).await);
        }
    }
    // A citizen who is not the applicant (the applicant acts on their own dossier through the citizen API).
    let citizen = Who::Citizen(log_in(&f.router, L1, "/ca-nhan/ho-so").await);

    // The table is complete: every role of every endpoint, once.
    let endpoints: Vec<&str> =
        MATRIX.iter().map(|r| r.0).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(MATRIX.len(), endpoints.len() * Role::ALL.len());

    let mut mismatches = Vec::new();
    for (n, &(endpoint, role, own, above, other)) in MATRIX.iter().enumerate() {
        let province_wide = PROVINCE_WIDE.contains(&endpoint);
        let own_unit = if province_wide { ABOVE } else { OWN };
        let cases = [("own", own), ("above", above), ("other", other)];
        for (i, (place, expected)) in cases.into_iter().enumerate() {
            if expected == NA {
                assert!(province_wide, "{endpoint}: only province-wide targets have no parent column");
                continue;
            }
            // For province-wide targets the officers "on the own unit" are those of the province.
            let group = if province_wide && place == "own" { "above" } else { place };
            let who = Who::Officer(tokens[&username(role, group)].clone());
            let reply = send(&f.router, call(&f, endpoint, own_unit, &who, n * 3 + i)).await;
            let got = if allowed(&f, endpoint, &reply) { Y } else { N };
            if got != expected {
                mismatches.push(format!(
                    "{endpoint} as {role:?} on {place}: expected {expected:?}, got {got:?} ({} {})",
                    reply.status,
                    reply.body.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    for endpoint in &endpoints {
        let unit = if PROVINCE_WIDE.contains(endpoint) { ABOVE } else { OWN };
        for (label, who) in [("anonymous", Who::Anonymous), ("citizen", citizen.clone())] {
            if label == "citizen" && CITIZEN_OWN.contains(endpoint) {
                continue;
            }
            let reply = send(&f.router, call(&f, endpoint, unit, &who, 0)).await;
            if !matches!(reply.status.as_u16(), 401 | 403 | 404) {
                mismatches.push(format!("{endpoint} as {label}: not refused ({} {})", reply.status, reply.body));
            }
        }
    }
    // The citizen-only endpoints answer the citizen about their own data (the other citizen's document above was
    // refused): a draft saved, read back and deleted, their (empty) warehouse and its offers.
    let own = |endpoint: &str| send(&f.router, call(&f, endpoint, OWN, &citizen, 0));
    let saved = own("PUT /api/v1/citizen/drafts/{code}").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let read = own("GET /api/v1/citizen/drafts/{code}").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["values"]["ten_ho_kinh_doanh"], "Hộ kinh doanh Dân Phát");
    assert_eq!(own("DELETE /api/v1/citizen/drafts/{code}").await.status, StatusCode::NO_CONTENT);
    assert_eq!(own("GET /api/v1/citizen/drafts/{code}").await.status, StatusCode::NOT_FOUND);
    let warehouse = own("GET /api/v1/warehouse").await;
    assert_eq!(warehouse.status, StatusCode::OK, "{}", warehouse.body);
    assert!(!warehouse.body.contains(&f.document_id), "another citizen's document: {}", warehouse.body);
    assert_eq!(own("GET /api/v1/warehouse/offers?procedure={code}").await.status, StatusCode::OK);

    assert!(mismatches.is_empty(), "{} leaks or wrong refusals:\n{}", mismatches.len(), mismatches.join("\n"));
}
