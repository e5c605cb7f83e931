//! Every problem of a procedure, or of a whole catalogue, found at once: an import reports them all and writes
//! nothing; the admin pages show them next to the fields.

use std::collections::{HashMap, HashSet};

use super::source::WAREHOUSE_DOCUMENTS;
use super::{Procedure, ProcedureCode};
use crate::deadline::{DeadlineError, validate_allotments};
use crate::unit::UnitId;

/// The interlinked procedure groups of NĐ 63/2024/NĐ-CP (spec §5.3).
pub const INTERLINKED_GROUPS: &[(&str, &str)] = &[
    ("birth", "Liên thông khai sinh – thường trú – thẻ BHYT cho trẻ dưới 6 tuổi"),
    ("death", "Liên thông khai tử – xóa thường trú – mai táng phí, tử tuất"),
];

/// One problem, located by a path into the procedure (`fees[1].amount`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where, relative to the procedure.
    pub path: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

/// Checks one procedure. `unit_exists` says whether a unit id names a unit of the organisation tree.
pub fn procedure(p: &Procedure, unit_exists: &dyn Fn(&UnitId) -> bool) -> Vec<Problem> {
    let mut out = Vec::new();
    if p.name.trim().is_empty() {
        out.push(Problem::new("name", "thiếu tên thủ tục"));
    }
    if p.sector.name.trim().is_empty() {
        out.push(Problem::new("sector.name", "thiếu tên lĩnh vực"));
    }
    if p.levels.is_empty() {
        out.push(Problem::new("levels", "thiếu cấp thực hiện"));
    }
    for (i, unit) in p.units.iter().enumerate() {
        if !unit_exists(unit) {
            out.push(Problem::new(format!("units[{i}]"), format!("đơn vị \"{unit}\" không có trong cơ cấu tổ chức")));
        }
    }
    if let Some(to) = p.effective_to
        && to < p.effective_from
    {
        out.push(Problem::new("effective_to", "ngày hết hiệu lực trước ngày có hiệu lực"));
    }
    check_time_and_workflow(p, &mut out);
    check_components(p, &mut out);
    let mut fee_codes = HashSet::new();
    for (i, fee) in p.fees.iter().enumerate() {
        for (field, message) in fee.problems() {
            out.push(Problem::new(format!("fees[{i}].{field}"), message));
        }
        if !fee_codes.insert(fee.code.as_str()) {
            out.push(Problem::new(format!("fees[{i}].code"), format!("mã khoản thu \"{}\" bị trùng", fee.code)));
        }
    }
    check_forms(p, &mut out);
    if let Some(group) = &p.interlinked_group
        && !INTERLINKED_GROUPS.iter().any(|(k, _)| k == group)
    {
        out.push(Problem::new("interlinked_group", format!("nhóm liên thông \"{group}\" không có (birth, death)")));
    }
    if let Some(kind) = p.result.as_ref().and_then(|r| r.document_type.as_deref())
        && !WAREHOUSE_DOCUMENTS.iter().any(|(k, _)| *k == kind)
    {
        out.push(Problem::new("result.document_type", format!("loại giấy tờ \"{kind}\" không có trong danh mục kho")));
    }
    out
}

fn check_time_and_workflow(p: &Procedure, out: &mut Vec<Problem>) {
    let statutory = p.time.as_ref().and_then(|t| t.confirmed());
    if let Some(duration) = statutory
        && duration.working_time().is_some_and(|t| t.is_zero())
    {
        out.push(Problem::new("time.duration", "thời hạn giải quyết phải lớn hơn 0"));
    }
    if p.reception.max_file_bytes == Some(0) {
        out.push(Problem::new("reception.max_file_bytes", "dung lượng tệp tối đa phải lớn hơn 0 byte"));
    }
    for (i, step) in p.workflow.iter().enumerate() {
        if step.name.trim().is_empty() {
            out.push(Problem::new(format!("workflow[{i}].name"), "thiếu tên bước"));
        }
    }
    // Allotments are compared only where both sides are working time (calendar days and months are not).
    let Some(limit) = statutory.and_then(|d| d.working_time()) else { return };
    match validate_allotments(&p.allotments(), limit) {
        Ok(_) => {}
        Err(DeadlineError::EmptyAllotment(i)) => {
            out.push(Problem::new(format!("workflow[{i}].hours"), "thời gian của bước phải lớn hơn 0 giờ"))
        }
        Err(DeadlineError::AllotmentsExceedStatutory { total, statutory }) => out.push(Problem::new(
            "workflow",
            format!(
                "tổng thời gian các bước ({} giờ làm việc) vượt thời hạn giải quyết ({} giờ làm việc)",
                total.num_hours(),
                statutory.num_hours()
            ),
        )),
        Err(other) => out.push(Problem::new("workflow", other.to_string())),
    }
}

fn check_components(p: &Procedure, out: &mut Vec<Problem>) {
    let cases: HashSet<&str> = p.cases.iter().map(|c| c.key.as_str()).collect();
    let mut keys = HashSet::new();
    for (i, c) in p.components.iter().enumerate() {
        let path = format!("components[{i}]");
        if c.name.trim().is_empty() {
            out.push(Problem::new(format!("{path}.name"), "thiếu tên thành phần hồ sơ"));
        }
        if c.quantity == 0 {
            out.push(Problem::new(format!("{path}.quantity"), "số lượng phải từ 1 trở lên"));
        }
        if !keys.insert(c.key.as_str()) {
            out.push(Problem::new(format!("{path}.key"), format!("khóa thành phần \"{}\" bị trùng", c.key)));
        }
        for case in &c.cases {
            if !cases.contains(case.as_str()) {
                out.push(Problem::new(format!("{path}.cases"), format!("trường hợp \"{case}\" không có")));
            }
        }
    }
}

fn check_forms(p: &Procedure, out: &mut Vec<Problem>) {
    let cases: HashSet<&str> = p.cases.iter().map(|c| c.key.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, form) in p.forms.iter().enumerate() {
        for (path, message) in form.problems() {
            out.push(Problem::new(format!("forms[{i}].{path}"), message));
        }
        if let Some(case) = &form.case
            && !cases.contains(case.as_str())
        {
            out.push(Problem::new(format!("forms[{i}].case"), format!("trường hợp \"{case}\" không có")));
        }
        if !seen.insert(form.case.as_deref()) {
            out.push(Problem::new(format!("forms[{i}].case"), "mỗi trường hợp chỉ có một tờ khai"));
        }
    }
}

/// Problems of a whole catalogue, by procedure index: each procedure's own, and codes that appear twice.
pub fn catalogue(procedures: &[Procedure], unit_exists: &dyn Fn(&UnitId) -> bool) -> Vec<(usize, Problem)> {
    let mut out = Vec::new();
    let mut first_at: HashMap<&ProcedureCode, usize> = HashMap::new();
    for (i, p) in procedures.iter().enumerate() {
        out.extend(procedure(p, unit_exists).into_iter().map(|problem| (i, problem)));
        let first = *first_at.entry(&p.code).or_insert(i);
        if first != i {
            out.push((i, Problem::new("code", format!("mã thủ tục {} trùng với thủ tục thứ {}", p.code, first + 1))));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::access::Role;
    use crate::catalogue::fee::{Fee, FeeKind};
    use crate::catalogue::{Level, Sector, StatutoryTime, WorkflowStep};
    use crate::deadline::Duration;
    use chrono::NaiveDate;

    pub(crate) fn sample() -> Procedure {
        Procedure {
            code: ProcedureCode::parse("1.004222").unwrap(),
            name: "Đăng ký thường trú".into(),
            sector: Sector { code: None, name: "Đăng ký, quản lý cư trú".into() },
            levels: vec![Level::Commune],
            units: vec![UnitId::parse("p48").unwrap()],
            agency: None,
            sequence: vec![],
            methods: vec![],
            subjects: vec![],
            time: Some(StatutoryTime {
                duration: Some(Duration::WorkingDays(7)),
                unitless_amount: None,
                mode: None,
                rule: None,
            }),
            reception: Default::default(),
            cases: vec![],
            components: vec![],
            fees: vec![],
            result: None,
            online_level: Default::default(),
            full_process_eligible: false,
            min_assurance: Default::default(),
            essential: true,
            interlinked_group: None,
            forms: vec![],
            workflow: vec![
                WorkflowStep { name: "Tiếp nhận".into(), role: Role::Reception, hours: 4 },
                WorkflowStep { name: "Thẩm định".into(), role: Role::Handler, hours: 48 },
            ],
            legal_basis: vec![],
            publication: None,
            lifecycle: Default::default(),
            effective_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            effective_to: None,
            provenance: Default::default(),
            sources: vec![],
            note: None,
        }
    }

    fn any_unit(_: &UnitId) -> bool {
        true
    }

    #[test]
    fn a_sound_procedure_has_no_problems() {
        assert_eq!(procedure(&sample(), &any_unit), vec![]);
    }

    #[test]
    fn allotments_beyond_the_statutory_time_are_refused() {
        let mut p = sample();
        p.workflow[1].hours = 53;
        let problems = procedure(&p, &any_unit);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "workflow");
        assert!(problems[0].message.contains("57 giờ") && problems[0].message.contains("56 giờ"));
        // Calendar-day durations are not working time: nothing to compare.
        p.time.as_mut().unwrap().duration = Some(Duration::CalendarDays(1));
        assert_eq!(procedure(&p, &any_unit), vec![]);
    }

    #[test]
    fn reports_unknown_units_negative_fees_and_duplicates_together() {
        let mut p = sample();
        p.fees.push(Fee {
            code: "le_phi".into(),
            name: "Lệ phí".into(),
            kind: FeeKind::Charge,
            amount: -10_000,
            channel_rates: vec![],
            exemptions: vec![],
            effective_from: None,
            effective_to: None,
            legal_basis: None,
            note: None,
        });
        let all = vec![p.clone(), p];
        let problems = catalogue(&all, &|u: &UnitId| u.as_str() != "p48");
        let located: Vec<(usize, &str)> = problems.iter().map(|(i, p)| (*i, p.path.as_str())).collect();
        assert_eq!(
            located,
            [(0, "units[0]"), (0, "fees[0].amount"), (1, "units[0]"), (1, "fees[0].amount"), (1, "code")]
        );
    }
}
