//! Who may do what, and where: the one decision point.
//!
//! Every endpoint, job and command asks [`decide`]. A principal holds grants (a role on
//! a unit); some roles reach the unit's whole jurisdiction (its subtree and the units
//! whose duties passed to it), the others only the unit itself. Least privilege per
//! agency and role is the rule (Decree 85/2016 level-3 systems; spec ROADMAP).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::unit::{UnitId, UnitTree};

/// An officer's role (vai trò).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Receives and returns dossiers at the one-stop counter (công chức tiếp nhận và trả kết quả).
    Reception,
    /// Handles a dossier's substance (chuyên viên thụ lý).
    Handler,
    /// Head of a division (lãnh đạo phòng).
    DepartmentHead,
    /// Head of the competent agency, who approves and signs (lãnh đạo cơ quan).
    AgencyHead,
    /// Numbers and issues outgoing documents (văn thư).
    Clerk,
    /// Administers the accounts of one unit and its subtree (quản trị đơn vị).
    UnitAdmin,
    /// Administers the whole province (quản trị hệ thống cấp tỉnh).
    ProvinceAdmin,
    /// Reads dashboards of a subtree (lãnh đạo UBND).
    Leader,
    /// Reads the audit trail of a subtree (thanh tra, kiểm tra).
    Auditor,
}

impl Role {
    /// All roles, in display order.
    pub const ALL: [Role; 9] = [
        Self::Reception,
        Self::Handler,
        Self::DepartmentHead,
        Self::AgencyHead,
        Self::Clerk,
        Self::UnitAdmin,
        Self::ProvinceAdmin,
        Self::Leader,
        Self::Auditor,
    ];

    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reception => "reception",
            Self::Handler => "handler",
            Self::DepartmentHead => "department_head",
            Self::AgencyHead => "agency_head",
            Self::Clerk => "clerk",
            Self::UnitAdmin => "unit_admin",
            Self::ProvinceAdmin => "province_admin",
            Self::Leader => "leader",
            Self::Auditor => "auditor",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The Vietnamese name of the role.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Reception => "Cán bộ tiếp nhận và trả kết quả",
            Self::Handler => "Chuyên viên thụ lý",
            Self::DepartmentHead => "Lãnh đạo phòng",
            Self::AgencyHead => "Lãnh đạo cơ quan",
            Self::Clerk => "Văn thư",
            Self::UnitAdmin => "Quản trị đơn vị",
            Self::ProvinceAdmin => "Quản trị hệ thống",
            Self::Leader => "Lãnh đạo",
            Self::Auditor => "Kiểm tra, giám sát",
        }
    }

    /// Whether the role reaches the whole jurisdiction of its unit rather than the unit alone.
    pub fn covers_subtree(self) -> bool {
        matches!(self, Self::UnitAdmin | Self::ProvinceAdmin | Self::Leader | Self::Auditor)
    }
}

/// A role held on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The unit the role is held on.
    pub unit: UnitId,
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Nobody logged in.
    Anonymous,
    /// A civil servant with grants.
    Officer {
        /// Account id.
        id: uuid::Uuid,
        /// The unit the officer belongs to.
        unit: UnitId,
        /// Roles held.
        grants: Vec<Grant>,
    },
    /// A citizen, by personal ID number (logged in through the eID provider).
    Citizen {
        /// The 12-digit personal ID number.
        id_number: String,
    },
    /// An organisation, by tax code, through the person logged in for it (its legal representative or a person it
    /// authorised in its electronic-identification account, NĐ 69/2024): the organisation owns what is done, the
    /// person is who did it.
    Organisation {
        /// Tax code.
        tax_code: String,
        /// The 12-digit personal ID number of the person acting for it.
        id_number: String,
    },
    /// motcua itself: jobs, the sweeper, command-line imports.
    System,
}

impl Principal {
    /// A stable key naming who acted (idempotency keys, `created_by`): `officer:<uuid>`, `citizen:<id>`,
    /// `organisation:<tax code>:<id of the person acting>`, `system`, `anonymous`.
    pub fn key(&self) -> String {
        match self {
            Self::Officer { id, .. } => format!("officer:{id}"),
            Self::Citizen { id_number } => format!("citizen:{id_number}"),
            Self::Organisation { tax_code, id_number } => format!("organisation:{tax_code}:{id_number}"),
            Self::System => "system".into(),
            Self::Anonymous => "anonymous".into(),
        }
    }

    /// The personal ID number of the natural person acting: a citizen, or the person logged in for an organisation.
    pub fn person(&self) -> Option<&str> {
        match self {
            Self::Citizen { id_number } | Self::Organisation { id_number, .. } => Some(id_number),
            _ => None,
        }
    }
}

/// What is being attempted, on records that belong to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// List the officers of a unit.
    ViewOfficers,
    /// Create, disable or change the roles of officers of a unit.
    ManageOfficers,
    /// Change the organisation tree under a unit.
    ManageUnits,
    /// Read the audit trail (events) of a unit.
    ViewAudit,
    /// See and retry background jobs.
    ViewJobs,
    /// Change the yearly civil-service calendar (days off, swapped days).
    ManageCalendar,
    /// Change a unit's office hours.
    ManageOfficeHours,
    /// Create, edit, publish and withdraw procedures of the catalogue.
    ManageCatalogue,
    /// Read the catalogue review (abolished papers, declaration reduction, incomplete procedures) and drafts.
    ReviewCatalogue,
    /// Look a citizen up in the national population database for a dossier or procedure of the unit.
    LookupPopulation,
    /// Read the population-database lookup log and its reports.
    ViewLookupLog,
}

impl Action {
    /// Every action, for exhaustive checks.
    pub const ALL: [Action; 11] = [
        Self::ViewOfficers,
        Self::ManageOfficers,
        Self::ManageUnits,
        Self::ViewAudit,
        Self::ViewJobs,
        Self::ManageCalendar,
        Self::ManageOfficeHours,
        Self::ManageCatalogue,
        Self::ReviewCatalogue,
        Self::LookupPopulation,
        Self::ViewLookupLog,
    ];

    /// The roles that permit the action (within their reach).
    fn permitted_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::ViewOfficers => &[UnitAdmin, ProvinceAdmin, Leader, Auditor, DepartmentHead, AgencyHead],
            Self::ManageOfficers => &[UnitAdmin, ProvinceAdmin],
            Self::ManageUnits => &[ProvinceAdmin],
            Self::ViewAudit => &[ProvinceAdmin, Auditor, UnitAdmin],
            Self::ViewJobs | Self::ManageCalendar => &[ProvinceAdmin],
            Self::ManageOfficeHours => &[UnitAdmin, ProvinceAdmin],
            Self::ManageCatalogue => &[ProvinceAdmin],
            Self::ReviewCatalogue => &[ProvinceAdmin, Leader, Auditor],
            Self::LookupPopulation => &[Reception, Handler],
            Self::ViewLookupLog => &[Auditor, ProvinceAdmin],
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The caller must log in first.
    #[error("authentication required")]
    NotAuthenticated,
    /// The caller is known but holds no grant that permits the action there.
    #[error("{action:?} on unit {unit} is not permitted")]
    NotPermitted {
        /// The action attempted.
        action: Action,
        /// The unit whose records were targeted.
        unit: UnitId,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The decision point: may `principal` perform `action` on records owned by `unit`?
pub fn decide(principal: &Principal, action: Action, unit: &UnitId, tree: &UnitTree) -> Result<(), Denied> {
    match principal {
        Principal::System => Ok(()),
        Principal::Anonymous => Err(Denied::NotAuthenticated),
        Principal::Citizen { .. } | Principal::Organisation { .. } => {
            Err(Denied::NotPermitted { action, unit: unit.clone() })
        }
        Principal::Officer { grants, .. } => {
            let allowed = grants.iter().any(|grant| {
                action.permitted_roles().contains(&grant.role)
                    && (grant.unit == *unit || (grant.role.covers_subtree() && tree.is_within(unit, &grant.unit)))
            });
            if allowed { Ok(()) } else { Err(Denied::NotPermitted { action, unit: unit.clone() }) }
        }
    }
}

/// May `principal` give `grant` to an account? It must manage the officers of the grant's unit and, unless it
/// administers the province there, hold the granted role itself with the same reach: a unit administrator cannot
/// make anyone (itself included, through an account it creates) an auditor, a province administrator or a handler
/// who looks citizens up in the population database (separation of duties, Decree 85/2016 level 3; docs/security.md).
pub fn decide_grant(principal: &Principal, grant: &Grant, tree: &UnitTree) -> Result<(), Denied> {
    decide(principal, Action::ManageOfficers, &grant.unit, tree)?;
    let Principal::Officer { grants, .. } = principal else { return Ok(()) };
    let reaches = |held: &Grant| {
        held.unit == grant.unit || (held.role.covers_subtree() && tree.is_within(&grant.unit, &held.unit))
    };
    let holds =
        grants.iter().any(|held| (held.role == Role::ProvinceAdmin || held.role == grant.role) && reaches(held));
    if holds { Ok(()) } else { Err(Denied::NotPermitted { action: Action::ManageOfficers, unit: grant.unit.clone() }) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::{Unit, UnitKind};
    use chrono::NaiveDate;

    fn id(s: &str) -> UnitId {
        UnitId::parse(s).unwrap()
    }

    fn tree() -> UnitTree {
        let u = |i: &str, kind, parent: Option<&str>| Unit {
            id: id(i),
            kind,
            name: i.into(),
            parent: parent.map(id),
            admin_code: None,
            agency_code: None,
            agency_code_official: false,
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            valid_to: None,
            successors: vec![],
            note: None,
        };
        UnitTree::new([
            u("p48", UnitKind::Province, None),
            u("p48.stp", UnitKind::Department, Some("p48")),
            u("p48.sxd", UnitKind::Department, Some("p48")),
            u("c20410", UnitKind::Ward, Some("p48")),
            u("p51", UnitKind::Province, None),
        ])
        .unwrap()
    }

    fn officer(grants: &[(Role, &str)]) -> Principal {
        Principal::Officer {
            id: uuid::Uuid::nil(),
            unit: id(grants[0].1),
            grants: grants.iter().map(|(role, unit)| Grant { role: *role, unit: id(unit) }).collect(),
        }
    }

    #[test]
    fn unit_admin_manages_own_unit_only_outside_its_subtree() {
        let t = tree();
        let admin = officer(&[(Role::UnitAdmin, "p48.stp")]);
        assert!(decide(&admin, Action::ManageOfficers, &id("p48.stp"), &t).is_ok());
        assert!(decide(&admin, Action::ManageOfficers, &id("p48.sxd"), &t).is_err());
        assert!(decide(&admin, Action::ViewOfficers, &id("p48"), &t).is_err());
    }

    #[test]
    fn roles_are_given_only_by_those_who_hold_them_or_the_province_administrator() {
        let t = tree();
        let grant = |role, unit: &str| Grant { role, unit: id(unit) };
        let unit_admin = officer(&[(Role::UnitAdmin, "p48.stp")]);
        for role in [Role::ProvinceAdmin, Role::Auditor, Role::Handler, Role::Reception, Role::Leader] {
            assert!(decide_grant(&unit_admin, &grant(role, "p48.stp"), &t).is_err(), "{role:?}");
        }
        assert!(decide_grant(&unit_admin, &grant(Role::UnitAdmin, "p48.stp"), &t).is_ok());
        // Holding a role at the unit lets the unit's administrator give it there, and nowhere else.
        let head = officer(&[(Role::UnitAdmin, "p48.stp"), (Role::AgencyHead, "p48.stp")]);
        assert!(decide_grant(&head, &grant(Role::AgencyHead, "p48.stp"), &t).is_ok());
        assert!(decide_grant(&head, &grant(Role::AgencyHead, "p48.sxd"), &t).is_err());
        // A handler who administers nothing gives nothing.
        let handler = officer(&[(Role::Handler, "p48.stp")]);
        assert!(decide_grant(&handler, &grant(Role::Handler, "p48.stp"), &t).is_err());
        // The province administrator gives any role in its province, none outside.
        let admin = officer(&[(Role::ProvinceAdmin, "p48")]);
        for role in Role::ALL {
            assert!(decide_grant(&admin, &grant(role, "c20410"), &t).is_ok(), "{role:?}");
            assert!(decide_grant(&admin, &grant(role, "p51"), &t).is_err(), "{role:?}");
        }
        assert!(decide_grant(&Principal::System, &grant(Role::ProvinceAdmin, "p48"), &t).is_ok());
        assert!(decide_grant(&Principal::Anonymous, &grant(Role::Reception, "p48"), &t).is_err());
    }

    #[test]
    fn province_admin_reaches_the_whole_province_but_not_another() {
        let t = tree();
        let admin = officer(&[(Role::ProvinceAdmin, "p48")]);
        for unit in ["p48", "p48.stp", "c20410"] {
            assert!(decide(&admin, Action::ManageOfficers, &id(unit), &t).is_ok(), "{unit}");
        }
        assert_eq!(
            decide(&admin, Action::ManageOfficers, &id("p51"), &t),
            Err(Denied::NotPermitted { action: Action::ManageOfficers, unit: id("p51") })
        );
    }

    #[test]
    fn a_reception_officer_has_no_administrative_power() {
        let t = tree();
        let clerk = officer(&[(Role::Reception, "c20410")]);
        // Looking a citizen up for a dossier is counter work, not administration: own unit only.
        for action in Action::ALL.into_iter().filter(|a| *a != Action::LookupPopulation) {
            assert!(decide(&clerk, action, &id("c20410"), &t).is_err(), "{action}");
        }
        assert!(decide(&clerk, Action::LookupPopulation, &id("c20410"), &t).is_ok());
        assert!(decide(&clerk, Action::LookupPopulation, &id("p48.stp"), &t).is_err());
    }

    #[test]
    fn department_head_sees_own_unit_without_subtree_reach() {
        let t = tree();
        let head = officer(&[(Role::DepartmentHead, "p48")]);
        assert!(decide(&head, Action::ViewOfficers, &id("p48"), &t).is_ok());
        assert!(decide(&head, Action::ViewOfficers, &id("p48.stp"), &t).is_err());
    }

    #[test]
    fn non_officers_are_refused_and_system_is_trusted() {
        let t = tree();
        let target = id("p48");
        assert_eq!(decide(&Principal::Anonymous, Action::ViewJobs, &target, &t), Err(Denied::NotAuthenticated));
        let citizen = Principal::Citizen { id_number: "049095000123".into() };
        assert!(decide(&citizen, Action::ViewOfficers, &target, &t).is_err());
        assert!(decide(&Principal::System, Action::ManageUnits, &target, &t).is_ok());
    }

    #[test]
    fn every_role_and_action_pair_is_decided_consistently() {
        // Exhaustive: a grant on the province permits an action on a child exactly when
        // the role is permitted and reaches the subtree.
        let t = tree();
        let actions = Action::ALL;
        for role in Role::ALL {
            for action in actions {
                let p = officer(&[(role, "p48")]);
                let expected = action.permitted_roles().contains(&role) && role.covers_subtree();
                assert_eq!(decide(&p, action, &id("p48.stp"), &t).is_ok(), expected, "{role:?} {action:?}");
                assert_eq!(decide(&p, action, &id("p48"), &t).is_ok(), action.permitted_roles().contains(&role));
                assert!(decide(&p, action, &id("p51"), &t).is_err());
            }
        }
    }
}
