//! The work on dossiers after reception: assignment to an officer, consultations of other units, the control slip,
//! the officers' inbox (keyset pages over partial indexes of open dossiers), the register and the alerts the
//! sweeper raises to a unit's leaders.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::access::{Principal, Role};
use motcua_domain::calendar::working_time::{add_working_time, instant, local};
use motcua_domain::catalogue::WorkflowStep;
use motcua_domain::deadline::{NEARING_BREACH, Standing};
use motcua_domain::dossier::Status;
use motcua_domain::dossier::control_slip::{ControlSlip, SlipEvent, SlipHeader, control_slip};
use motcua_domain::dossier::workflow::{self, HandOverKind};
use motcua_domain::unit::{UnitId, UnitTree};
use motcua_storage::dossier_work::{self as work_store, AlertRecord, TaskRecord};
use motcua_storage::dossiers::{self as store, DossierRecord, InboxScope};
use motcua_storage::officers;
use serde::Serialize;
use uuid::Uuid;

use super::{ActionRequest, DossierView, Work, check_version, invalid, roles_over, view, work_event};
use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::keyset::{cursor, parse_cursor};
use crate::record::Ctx;

/// An officer who may take a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignCandidate {
    /// Account id.
    pub id: Uuid,
    /// Full name.
    pub full_name: String,
    /// Roles held on the dossier's unit.
    pub roles: Vec<Role>,
}

/// A consultation of another unit about a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsultationView {
    /// Task id.
    pub id: Uuid,
    /// The dossier.
    pub dossier: Uuid,
    /// The consulted unit.
    pub unit: String,
    /// The unit that asks.
    pub from_unit: String,
    /// What is asked.
    pub question: String,
    /// When the answer is due.
    pub due_at: DateTime<Utc>,
    /// The answer.
    pub answer: Option<String>,
    /// When answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Version for the answer.
    pub version: i64,
}

impl From<TaskRecord> for ConsultationView {
    fn from(t: TaskRecord) -> Self {
        Self {
            id: t.id,
            dossier: t.dossier_id,
            unit: t.unit_id,
            from_unit: t.from_unit_id,
            question: t.question,
            due_at: t.due_at,
            answer: t.answer,
            answered_at: t.answered_at,
            version: t.version,
        }
    }
}

/// The officers' inbox filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxFilter {
    /// Assigned to me.
    Mine,
    /// Held by my units.
    #[default]
    Unit,
    /// Due within one working day.
    NearingBreach,
    /// Past due.
    Overdue,
    /// Waiting for the applicant's supplement.
    AwaitingSupplement,
}

impl InboxFilter {
    /// Every filter.
    pub const ALL: [InboxFilter; 5] =
        [Self::Mine, Self::Unit, Self::NearingBreach, Self::Overdue, Self::AwaitingSupplement];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Unit => "unit",
            Self::NearingBreach => "nearing_breach",
            Self::Overdue => "overdue",
            Self::AwaitingSupplement => "awaiting_supplement",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Mine => "Của tôi",
            Self::Unit => "Của đơn vị",
            Self::NearingBreach => "Sắp đến hạn",
            Self::Overdue => "Quá hạn",
            Self::AwaitingSupplement => "Chờ bổ sung",
        }
    }
}

/// One page of an inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxPage {
    /// The dossiers, soonest due first.
    pub rows: Vec<DossierView>,
    /// The cursor of the next page, if there may be one.
    pub next: Option<String>,
}

/// A line of the register (sổ theo dõi hồ sơ).
pub type RegisterRow = DossierView;

/// The control slip of a dossier with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipView {
    /// The slip.
    pub slip: ControlSlip,
}

/// An alert to a unit's leaders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Id.
    pub id: Uuid,
    /// The unit.
    pub unit: String,
    /// The dossier.
    pub dossier: Uuid,
    /// Its code.
    pub code: Option<String>,
    /// Kind.
    pub kind: String,
    /// Vietnamese description of the kind.
    pub label: &'static str,
    /// The due instant it is about.
    pub due_at: DateTime<Utc>,
    /// Raised.
    pub created_at: DateTime<Utc>,
}

/// The Vietnamese name of an alert kind.
pub fn alert_label_vi(kind: &str) -> &'static str {
    match kind {
        "reception_check_overdue" => "Quá hạn kiểm tra tiếp nhận",
        "nearing_breach" => "Sắp đến hạn trả kết quả",
        "overdue" => "Quá hạn trả kết quả",
        "step_overdue" => "Quá hạn xử lý bước",
        "consultation_overdue" => "Quá hạn trả lời xin ý kiến",
        _ => "Cảnh báo",
    }
}

/// The units an officer's grants of `roles` reach for dossier work (see `reaches_dossiers_of`).
fn reach(principal: &Principal, tree: &UnitTree, roles: &[Role]) -> Vec<String> {
    let Principal::Officer { grants, .. } = principal else { return Vec::new() };
    tree.units()
        .filter(|u| grants.iter().any(|g| roles.contains(&g.role) && super::reaches_dossiers_of(g, &u.id, tree)))
        .map(|u| u.id.to_string())
        .collect()
}

/// Roles that work on dossiers (everyone but administrators).
const DOSSIER_ROLES: [Role; 7] =
    [Role::Reception, Role::Handler, Role::DepartmentHead, Role::AgencyHead, Role::Clerk, Role::Leader, Role::Auditor];

/// Roles that receive alerts about a unit's dossiers.
const LEADER_ROLES: [Role; 3] = [Role::Leader, Role::AgencyHead, Role::DepartmentHead];

impl App {
    async fn load(&self, id: Uuid) -> Result<DossierRecord, AppError> {
        let mut tx = self.db().read_one().await?;
        let record = store::get(&mut tx, id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        tx.commit().await?;
        Ok(record)
    }

    async fn workflow_of(&self, r: &DossierRecord) -> Result<Vec<WorkflowStep>, AppError> {
        Ok(self.procedure(&Principal::System, &r.procedure_code, Some(r.procedure_version)).await?.procedure.workflow)
    }

    /// Officers of the unit holding the dossier who may take it in `step` (any processing role when none).
    async fn candidates(
        &self,
        r: &DossierRecord,
        step: Option<&WorkflowStep>,
    ) -> Result<Vec<AssignCandidate>, AppError> {
        let unit = UnitId::parse(&r.owner_unit_id).map_err(|_| AppError::code(ErrorCode::Internal))?;
        let tree = self.tree();
        let mut tx = self.db().read().await?;
        let records = officers::of_unit(&mut tx, &unit).await?;
        let ids: Vec<Uuid> = records.iter().map(|o| o.id).collect();
        let mut grants = officers::grants_of(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(records
            .into_iter()
            .filter(|o| !o.disabled)
            .filter_map(|o| {
                let roles: Vec<Role> = grants
                    .remove(&o.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|g| tree.is_within(&unit, &g.unit))
                    .map(|g| g.role)
                    .collect();
                let fits = match step {
                    Some(s) => workflow::may_receive(s.role, &roles),
                    None => workflow::may_transfer(&roles) || roles.contains(&Role::Reception),
                };
                fits.then_some(AssignCandidate { id: o.id, full_name: o.full_name, roles })
            })
            .collect())
    }

    /// The candidate `officer`, or why they may not take the dossier.
    pub(super) async fn assignable(
        &self,
        r: &DossierRecord,
        step: Option<&WorkflowStep>,
        officer: Uuid,
    ) -> Result<AssignCandidate, AppError> {
        self.candidates(r, step).await?.into_iter().find(|c| c.id == officer).ok_or_else(|| {
            invalid(
                "to_officer",
                match step {
                    Some(s) => format!(
                        "Cán bộ được chọn không thuộc đơn vị đang giữ hồ sơ hoặc không thực hiện được bước \"{}\".",
                        s.name
                    ),
                    None => "Cán bộ được chọn không thuộc đơn vị đang giữ hồ sơ.".to_owned(),
                },
            )
        })
    }

    /// Who the dossier may be assigned to now (the assignment picker).
    pub async fn assign_candidates(&self, principal: &Principal, id: Uuid) -> Result<Vec<AssignCandidate>, AppError> {
        let r = self.load(id).await?;
        self.dossier_actor(principal, &r)?;
        let steps = self.workflow_of(&r).await?;
        let step = r.step_index.and_then(|i| usize::try_from(i).ok()).and_then(|i| steps.get(i));
        self.candidates(&r, step).await
    }

    /// Assigns (or re-assigns) the dossier to an officer of the unit holding it, in the same step and with the same
    /// step deadline.
    pub(super) async fn assign_dossier(
        &self,
        ctx: &Ctx,
        id: Uuid,
        request: &ActionRequest,
    ) -> Result<DossierView, AppError> {
        let current = self.load(id).await?;
        let actor = self.dossier_actor(&ctx.principal, &current)?;
        check_version(&current, request.expected_version)?;
        let status = Status::parse(&current.status).ok_or_else(|| AppError::code(ErrorCode::Internal))?;
        if status.is_terminal() || status == Status::Draft {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!("Không thể phân công hồ sơ ở trạng thái \"{}\".", status.label_vi()),
            ));
        }
        let roles = match actor {
            super::Actor::Officer(roles) => roles,
            _ => Vec::new(),
        };
        if !workflow::may_assign(&roles) {
            return Err(AppError::detailed(ErrorCode::Forbidden, "Bạn không có vai trò được phép phân công hồ sơ."));
        }
        let officer = request.to_officer.ok_or_else(|| invalid("to_officer", "Vui lòng chọn cán bộ xử lý."))?;
        let steps = self.workflow_of(&current).await?;
        let step = current.step_index.and_then(|i| usize::try_from(i).ok()).and_then(|i| steps.get(i));
        let candidate = self.assignable(&current, step, officer).await?;
        let now = self.now();
        let mut record = current.clone();
        record.assignee_id = Some(officer.to_string());
        record.version += 1;
        record.updated_at = now;
        let mut work = Work::default();
        work.hand_over(
            HandOverKind::Assign,
            &record.owner_unit_id,
            &record.owner_unit_id,
            record.step_due_at.map(local),
        );
        work.receiver = Some(candidate.full_name);
        work.to_officer = Some(officer.to_string());
        work.step_name = step.map(|s| s.name.clone());
        let (tree, ctx, expected) = (self.tree(), ctx.clone(), current.version);
        let saved = self
            .db()
            .write(move |tx| {
                Box::pin(async move {
                    store::update(tx, &record, expected).await?;
                    work_event(tx, &tree, now, &ctx, &record, status, "assign", None, &work).await?;
                    Ok::<_, AppError>(record)
                })
            })
            .await?;
        view(&saved)
    }

    /// Consults another unit: the dossier stays with its owner; the consulted unit gets a task with its own
    /// deadline (`step_hours` working hours).
    pub(super) async fn consult(&self, ctx: &Ctx, id: Uuid, request: &ActionRequest) -> Result<DossierView, AppError> {
        let current = self.load(id).await?;
        let actor = self.dossier_actor(&ctx.principal, &current)?;
        check_version(&current, request.expected_version)?;
        let status = Status::parse(&current.status).ok_or_else(|| AppError::code(ErrorCode::Internal))?;
        if status != Status::Processing {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!("Chỉ lấy ý kiến khi hồ sơ đang xử lý; trạng thái hiện tại: {}.", status.label_vi()),
            ));
        }
        let roles = match actor {
            super::Actor::Officer(roles) => roles,
            _ => Vec::new(),
        };
        if !workflow::may_transfer(&roles) {
            return Err(AppError::detailed(
                ErrorCode::Forbidden,
                "Bạn không có vai trò được phép lấy ý kiến đơn vị khác.",
            ));
        }
        let tree = self.tree();
        let to = request
            .to_unit
            .as_deref()
            .map(str::trim)
            .and_then(|u| UnitId::parse(u).ok())
            .filter(|u| tree.get(u).is_some())
            .ok_or_else(|| invalid("to_unit", "Vui lòng chọn đơn vị được lấy ý kiến."))?;
        if to.as_str() == current.owner_unit_id {
            return Err(invalid("to_unit", "Không thể lấy ý kiến chính đơn vị đang giữ hồ sơ."));
        }
        let question = request
            .reasons
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .ok_or_else(|| invalid("reasons", "Vui lòng ghi nội dung xin ý kiến."))?
            .to_owned();
        let hours = request
            .step_hours
            .filter(|h| *h > 0)
            .ok_or_else(|| invalid("step_hours", "Vui lòng nhập thời hạn trả lời (giờ làm việc)."))?;
        let now = self.now();
        let calendar = self.calendar().calendar.clone();
        let (office, _) = self.office_hours_of(&to)?;
        let due = workflow::step_due(local(now), hours, &calendar, &office)
            .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Không tính được thời hạn: {e}.")))?;
        let by = match &ctx.principal {
            Principal::Officer { id, .. } => Some(id.to_string()),
            _ => None,
        };
        let task = TaskRecord {
            id: Uuid::now_v7(),
            province_id: current.province_id.clone(),
            dossier_id: id,
            unit_id: to.to_string(),
            from_unit_id: current.owner_unit_id.clone(),
            kind: "consultation".into(),
            question: question.clone(),
            due_at: instant(due),
            answer: None,
            answered_at: None,
            answered_by: None,
            created_by: by,
            created_at: now,
            version: 1,
        };
        let mut record = current.clone();
        record.version += 1;
        record.updated_at = now;
        let mut work = Work::default();
        work.hand_over(HandOverKind::Consult, &record.owner_unit_id, to.as_str(), Some(due));
        work.task = Some(task.id);
        work.note = Some(question);
        let (ctx, expected) = (ctx.clone(), current.version);
        let saved = self
            .db()
            .write(move |tx| {
                Box::pin(async move {
                    store::update(tx, &record, expected).await?;
                    work_store::insert_task(tx, &task).await?;
                    work_event(tx, &tree, now, &ctx, &record, status, "consult", None, &work).await?;
                    Ok::<_, AppError>(record)
                })
            })
            .await?;
        view(&saved)
    }

    /// The consulted unit answers; the answer is a hand-over back to the dossier's owner (a control-slip row judged
    /// against the consultation's deadline).
    pub async fn answer_consultation(
        &self,
        ctx: &Ctx,
        task: Uuid,
        answer: &str,
        expected_version: i64,
    ) -> Result<ConsultationView, AppError> {
        let mut tx = self.db().read().await?;
        let t = work_store::task(&mut tx, task).await?.ok_or_else(|| AppError::not_found("yêu cầu xin ý kiến"))?;
        let dossier = store::get(&mut tx, t.dossier_id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        tx.commit().await?;
        let tree = self.tree();
        let roles = roles_over(&ctx.principal, &tree, &[&t.unit_id]);
        if roles.is_empty() {
            return Err(AppError::not_found("yêu cầu xin ý kiến"));
        }
        if !workflow::may_transfer(&roles) {
            return Err(AppError::detailed(ErrorCode::Forbidden, "Bạn không có vai trò được phép trả lời xin ý kiến."));
        }
        if t.answered_at.is_some() || t.version != expected_version {
            return Err(AppError::detailed(ErrorCode::StaleVersion, "Yêu cầu xin ý kiến đã được trả lời."));
        }
        let answer = answer.trim().to_owned();
        if answer.is_empty() {
            return Err(invalid("answer", "Vui lòng ghi nội dung trả lời."));
        }
        let Principal::Officer { id: by, .. } = &ctx.principal else {
            return Err(AppError::code(ErrorCode::Forbidden));
        };
        let by = by.to_string();
        let now = self.now();
        let status = Status::parse(&dossier.status).ok_or_else(|| AppError::code(ErrorCode::Internal))?;
        let mut work = Work::default();
        work.hand_over(HandOverKind::Answer, &t.unit_id, &t.from_unit_id, None);
        work.task = Some(t.id);
        work.note = Some(answer.clone());
        let ctx = ctx.clone();
        let mut answered = t.clone();
        answered.answer = Some(answer.clone());
        answered.answered_at = Some(now);
        answered.answered_by = Some(by.clone());
        answered.version += 1;
        self.db()
            .write(move |tx| {
                Box::pin(async move {
                    work_store::answer_task(tx, t.id, &answer, &by, now, expected_version).await?;
                    work_event(tx, &tree, now, &ctx, &dossier, status, "answer", None, &work).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok(answered.into())
    }

    /// The consultations of a dossier.
    pub async fn consultations(&self, principal: &Principal, id: Uuid) -> Result<Vec<ConsultationView>, AppError> {
        let r = self.load(id).await?;
        self.dossier_actor(principal, &r)?;
        let mut tx = self.db().read().await?;
        let tasks = work_store::tasks_of(&mut tx, id).await?;
        tx.commit().await?;
        Ok(tasks.into_iter().map(Into::into).collect())
    }

    /// Open consultations addressed to the officer's units, soonest due first.
    pub async fn open_consultations(&self, principal: &Principal) -> Result<Vec<ConsultationView>, AppError> {
        let units = reach(principal, &self.tree(), &[Role::Handler, Role::DepartmentHead, Role::AgencyHead]);
        let mut tx = self.db().read().await?;
        let tasks = work_store::open_tasks(&mut tx, &units, 200).await?;
        tx.commit().await?;
        Ok(tasks.into_iter().map(Into::into).collect())
    }

    /// The control slip of a dossier, generated from its events alone (the pdf renders the same value).
    pub async fn control_slip(&self, principal: &Principal, id: Uuid) -> Result<ControlSlip, AppError> {
        let r = self.load(id).await?;
        self.dossier_actor(principal, &r)?;
        let timeline = self.dossier_timeline(principal, id).await?;
        let tree = self.tree();
        let name = |u: &str| {
            UnitId::parse(u).ok().and_then(|id| tree.get(&id).map(|unit| unit.name.clone())).unwrap_or_else(|| u.into())
        };
        let names = self.officer_names(&timeline).await?;
        let events: Vec<SlipEvent> = timeline
            .iter()
            .filter_map(|e| {
                let kind = e.hand_over?;
                Some(SlipEvent {
                    at: local(e.at),
                    kind,
                    from_unit: name(e.from_unit.as_deref().unwrap_or_default()),
                    to_unit: name(e.to_unit.as_deref().unwrap_or_default()),
                    giver: e.actor_id.as_ref().and_then(|a| names.get(a).cloned()),
                    receiver: e.receiver.clone(),
                    due: e.step_due,
                    note: e.note.clone().or_else(|| e.step_name.clone()),
                })
            })
            .collect();
        let v = view(&r)?;
        let stored = self.procedure(&Principal::System, &v.procedure, Some(v.procedure_version)).await?;
        let agency = tree
            .get(&UnitId::parse(&v.competent_unit).map_err(|_| AppError::code(ErrorCode::Internal))?)
            .map_or_else(|| v.competent_unit.clone(), |u| u.name.clone());
        let header = SlipHeader {
            agency,
            code: v.code.clone().unwrap_or_default(),
            applicant: v.applicant.full_name.clone(),
            phone: v.applicant.phone.clone(),
            procedure: stored.procedure.name,
        };
        let competent = UnitId::parse(&r.competent_unit_id).map_err(|_| AppError::code(ErrorCode::Internal))?;
        let (office, _) = self.office_hours_of(&competent)?;
        let now = (!v.status.is_terminal() && v.status != Status::Processed).then(|| local(self.now()));
        control_slip(header, &events, now, NEARING_BREACH, &self.calendar().calendar, &office)
            .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
    }

    /// Names of the officers who appear in a history (for documents printed from it).
    pub(super) async fn officer_names(
        &self,
        timeline: &[super::TimelineEntry],
    ) -> Result<std::collections::HashMap<String, String>, AppError> {
        let mut ids: Vec<Uuid> =
            timeline.iter().filter_map(|e| e.actor_id.as_deref().and_then(|a| Uuid::parse_str(a).ok())).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut tx = self.db().read().await?;
        let mut names = std::collections::HashMap::new();
        for id in ids {
            if let Some(o) = officers::by_id(&mut tx, id).await? {
                names.insert(id.to_string(), o.full_name);
            }
        }
        tx.commit().await?;
        Ok(names)
    }

    /// One page of the officer's inbox, soonest due first, after the cursor `after` of the previous page.
    pub async fn dossier_inbox(
        &self,
        principal: &Principal,
        filter: InboxFilter,
        after: Option<&str>,
        limit: u64,
    ) -> Result<InboxPage, AppError> {
        let Principal::Officer { id: me, .. } = principal else { return Err(AppError::code(ErrorCode::Forbidden)) };
        let units = reach(principal, &self.tree(), &DOSSIER_ROLES);
        let after = after.filter(|a| !a.is_empty()).map(parse_cursor).transpose()?;
        let now = self.now();
        let (scope, from, before) = match filter {
            InboxFilter::Mine => (InboxScope::Assignee(me.to_string()), None, None),
            InboxFilter::Unit => (InboxScope::Units(units), None, None),
            InboxFilter::NearingBreach => {
                let calendar = self.calendar().calendar.clone();
                let office = motcua_domain::calendar::working_time::OfficeHours::default();
                let horizon = add_working_time(local(now), NEARING_BREACH, &calendar, &office)
                    .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
                (InboxScope::Units(units), Some(now), Some(instant(horizon)))
            }
            InboxFilter::Overdue => (InboxScope::Units(units), None, Some(now)),
            InboxFilter::AwaitingSupplement => (
                InboxScope::UnitsInStatus(
                    units,
                    vec![Status::SupplementRequested.as_str().into(), Status::ReceptionSupplement.as_str().into()],
                ),
                None,
                None,
            ),
        };
        let limit = limit.clamp(1, 200);
        let mut tx = self.db().read_one().await?;
        let rows = store::inbox(&mut tx, &scope, from, before, after, limit).await?;
        tx.commit().await?;
        let next =
            (rows.len() as u64 == limit).then(|| rows.last().and_then(|r| r.due_at.map(|d| cursor(d, r.id)))).flatten();
        Ok(InboxPage { rows: rows.iter().map(view).collect::<Result<_, _>>()?, next })
    }

    /// The register (sổ theo dõi hồ sơ, Mẫu 06/07): dossiers of the competent `unit` (or every unit the officer
    /// reaches) received between the local days `from` and `to` inclusive, in order of reception.
    pub async fn dossier_register(
        &self,
        principal: &Principal,
        unit: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        limit: u64,
    ) -> Result<Vec<RegisterRow>, AppError> {
        self.register_records(principal, unit, from, to, limit).await?.iter().map(view).collect()
    }

    /// The stored rows behind [`App::dossier_register`] (with their forms, which the register's PDF reads).
    pub(super) async fn register_records(
        &self,
        principal: &Principal,
        unit: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        limit: u64,
    ) -> Result<Vec<DossierRecord>, AppError> {
        if !matches!(principal, Principal::Officer { .. }) {
            return Err(AppError::code(ErrorCode::Forbidden));
        }
        if to < from || (to - from).num_days() > 366 {
            return Err(invalid("to", "Khoảng thời gian phải từ ngày bắt đầu đến ngày kết thúc, tối đa một năm."));
        }
        let mut units = reach(principal, &self.tree(), &DOSSIER_ROLES);
        if let Some(u) = unit.map(str::trim).filter(|u| !u.is_empty()) {
            if !units.iter().any(|x| x == u) {
                return Err(AppError::not_found(format!("đơn vị {u}")));
            }
            units = vec![u.to_owned()];
        }
        let start = instant(from.and_hms_opt(0, 0, 0).expect("midnight"));
        let end = instant(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).expect("midnight"));
        let limit = limit.clamp(1, 100_000);
        let mut rows = Vec::new();
        let mut after = None;
        let mut tx = self.db().read().await?;
        // Keyset pages of 1 000 so that a long period never holds one huge result in the driver.
        while (rows.len() as u64) < limit {
            let page = store::register(&mut tx, &units, start, end, after, 1000.min(limit - rows.len() as u64)).await?;
            let full = page.len() == 1000;
            after = page.last().and_then(|r| r.submitted_at.map(|s| (s, r.id)));
            rows.extend(page);
            if !full {
                break;
            }
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// Open alerts of the units the officer leads.
    pub async fn dossier_alerts(&self, principal: &Principal) -> Result<Vec<Alert>, AppError> {
        if !matches!(principal, Principal::Officer { .. }) {
            return Err(AppError::code(ErrorCode::Forbidden));
        }
        let units = reach(principal, &self.tree(), &LEADER_ROLES);
        let mut tx = self.db().read().await?;
        let alerts = work_store::open_alerts(&mut tx, &units, 500).await?;
        let mut out = Vec::with_capacity(alerts.len());
        for a in alerts {
            let code = store::get(&mut tx, a.dossier_id).await?.and_then(|d| d.code);
            out.push(Alert {
                id: a.id,
                unit: a.unit_id,
                dossier: a.dossier_id,
                code,
                label: alert_label_vi(&a.kind),
                kind: a.kind,
                due_at: a.due_at,
                created_at: a.created_at,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The sweeper's part for dossiers: every open dossier nearing or past its due time (and every step or
    /// consultation past its own) becomes an alert to the leaders of the unit holding it. Returns the alerts raised.
    pub async fn sweep_dossiers(&self) -> Result<u64, AppError> {
        let now = self.now();
        let calendar = self.calendar().calendar.clone();
        // A working day ahead is at most a few calendar days ahead (weekends, Tết); read that range, judge in
        // working time.
        let horizon = now + TimeDelta::days(12);
        let mut raised = 0;
        let mut after = None;
        loop {
            let mut tx = self.db().read().await?;
            let page = store::open_due_before(&mut tx, horizon, after, 500).await?;
            tx.commit().await?;
            let Some(last) = page.last() else { break };
            after = last.due_at.map(|d| (d, last.id));
            let mut alerts = Vec::new();
            for r in &page {
                let (Some(due), Ok(status)) = (r.due_at, Status::parse(&r.status).ok_or(())) else { continue };
                let unit = UnitId::parse(&r.owner_unit_id).map_err(|_| AppError::code(ErrorCode::Internal))?;
                let (office, _) = self.office_hours_of(&unit)?;
                let kind = if status == Status::Submitted || status == Status::ReceptionSupplement {
                    (now > due).then_some("reception_check_overdue")
                } else if status.clock(false) == motcua_domain::dossier::Clock::Paused || status == Status::Processed {
                    None
                } else {
                    match motcua_domain::deadline::standing(
                        local(due),
                        None,
                        local(now),
                        NEARING_BREACH,
                        &calendar,
                        &office,
                    ) {
                        Ok(Standing::Late) => Some("overdue"),
                        Ok(Standing::NearingBreach) => Some("nearing_breach"),
                        _ => None,
                    }
                };
                if let Some(kind) = kind {
                    alerts.push(alert(r, kind, due, now));
                }
                if let Some(step_due) = r.step_due_at.filter(|s| *s < now) {
                    alerts.push(alert(r, "step_overdue", step_due, now));
                }
            }
            let written = self
                .db()
                .write(move |tx| {
                    Box::pin(async move {
                        let mut n = 0;
                        for a in &alerts {
                            n += u64::from(work_store::raise_alert(tx, a).await?);
                        }
                        Ok::<_, AppError>(n)
                    })
                })
                .await?;
            raised += written;
            if page.len() < 500 {
                break;
            }
        }
        let mut tx = self.db().read().await?;
        let tasks = work_store::overdue_tasks(&mut tx, now, 1000).await?;
        tx.commit().await?;
        if !tasks.is_empty() {
            let alerts: Vec<AlertRecord> = tasks
                .iter()
                .map(|t| AlertRecord {
                    id: Uuid::now_v7(),
                    province_id: t.province_id.clone(),
                    unit_id: t.unit_id.clone(),
                    dossier_id: t.dossier_id,
                    kind: "consultation_overdue".into(),
                    due_at: t.due_at,
                    created_at: now,
                    resolved_at: None,
                })
                .collect();
            raised += self
                .db()
                .write(move |tx| {
                    Box::pin(async move {
                        let mut n = 0;
                        for a in &alerts {
                            n += u64::from(work_store::raise_alert(tx, a).await?);
                        }
                        Ok::<_, AppError>(n)
                    })
                })
                .await?;
        }
        Ok(raised)
    }
}

fn alert(r: &DossierRecord, kind: &str, due: DateTime<Utc>, now: DateTime<Utc>) -> AlertRecord {
    AlertRecord {
        id: Uuid::now_v7(),
        province_id: r.province_id.clone(),
        unit_id: r.owner_unit_id.clone(),
        dossier_id: r.id,
        kind: kind.into(),
        due_at: due,
        created_at: now,
        resolved_at: None,
    }
}
