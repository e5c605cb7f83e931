//! The demo: the real unit list, the Đà Nẵng demo organisation, the shipped civil-service
//! calendar, and one officer per role.
//! Loading is idempotent: a second run changes nothing.

use motcua_domain::access::Principal;
use motcua_storage::officers;

use crate::App;
use crate::accounts::{GrantInput, NewOfficer};
use crate::error::AppError;
use crate::record::Ctx;
use crate::units::{ImportReport, parse_reference_csv, parse_units_toml};

/// The reference list of provinces and communes after 1/7/2025.
pub const REFERENCE_UNITS_CSV: &str = include_str!("../../../data/reference/don-vi-hanh-chinh-2025.csv");
/// The demo organisation of Đà Nẵng and the pre-2025 Quảng Nam fragment.
pub const DEMO_UNITS_TOML: &str = include_str!("../../../data/demo/units.toml");
/// The password of every demo account. Demo data only: never use it in production.
pub const DEMO_PASSWORD: &str = "MotCua@2025";

/// A demo account: username, full name, home unit, roles as (role, unit).
pub struct DemoOfficer {
    /// Login name.
    pub username: &'static str,
    /// Full name.
    pub full_name: &'static str,
    /// Home unit id.
    pub unit: &'static str,
    /// Roles.
    pub grants: &'static [(&'static str, &'static str)],
}

/// The demo accounts, printed by `motcua demo`.
pub const DEMO_OFFICERS: &[DemoOfficer] = &[
    DemoOfficer {
        username: "admin",
        full_name: "Quản trị viên thành phố",
        unit: "p48",
        grants: &[("province_admin", "p48")],
    },
    DemoOfficer {
        username: "lanhdao", full_name: "Trần Thị Lãnh Đạo", unit: "p48", grants: &[("leader", "p48")]
    },
    DemoOfficer {
        username: "kiemtra", full_name: "Phạm Văn Kiểm Tra", unit: "p48", grants: &[("auditor", "p48")]
    },
    DemoOfficer {
        username: "tiepnhan.ttpvhcc",
        full_name: "Nguyễn Thị Tiếp Nhận",
        unit: "p48.ttpvhcc",
        grants: &[("reception", "p48.ttpvhcc")],
    },
    DemoOfficer {
        username: "thuly.stp",
        full_name: "Lê Văn Thụ Lý",
        unit: "p48.stp",
        grants: &[("handler", "p48.stp")],
    },
    DemoOfficer {
        username: "lanhdao.stp",
        full_name: "Hoàng Minh Giám Đốc",
        unit: "p48.stp",
        grants: &[("agency_head", "p48.stp"), ("unit_admin", "p48.stp")],
    },
    DemoOfficer {
        username: "vanthu.stp",
        full_name: "Đỗ Thị Văn Thư",
        unit: "p48.stp",
        grants: &[("clerk", "p48.stp")],
    },
    DemoOfficer {
        username: "tiepnhan.hoian",
        full_name: "Võ Thị Hội An",
        unit: "c20410",
        grants: &[("reception", "c20410"), ("handler", "c20410")],
    },
    // The rest of Phường Hội An's workflow: handling officer → head of department → head of agency → clerk.
    DemoOfficer {
        username: "thuly.hoian",
        full_name: "Phan Văn Thụ Lý",
        unit: "c20410",
        grants: &[("handler", "c20410")],
    },
    DemoOfficer {
        username: "truongphong.hoian",
        full_name: "Huỳnh Thị Trưởng Phòng",
        unit: "c20410",
        grants: &[("department_head", "c20410")],
    },
    DemoOfficer {
        username: "lanhdao.hoian",
        full_name: "Ngô Văn Chủ Tịch",
        unit: "c20410",
        grants: &[("agency_head", "c20410"), ("leader", "c20410")],
    },
    DemoOfficer {
        username: "vanthu.hoian",
        full_name: "Trương Thị Văn Thư",
        unit: "c20410",
        grants: &[("clerk", "c20410")],
    },
];

/// What the demo load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// The reference provinces and communes.
    pub reference: ImportReport,
    /// The demo organisation.
    pub demo_units: ImportReport,
    /// Demo accounts created (0 when they already existed).
    pub officers_created: usize,
    /// The shipped yearly civil-service schedules.
    pub calendar: ImportReport,
    /// The demo procedure catalogue.
    pub catalogue: crate::catalogue::ImportReport,
}

impl App {
    /// Loads the reference units, the demo organisation, the calendar, the demo catalogue and the demo accounts.
    pub async fn load_demo(&self) -> Result<DemoReport, AppError> {
        let ctx = Ctx::system();
        let reference = self.apply_units(&ctx, parse_reference_csv(REFERENCE_UNITS_CSV)?).await?;
        let demo_units = self.apply_units(&ctx, parse_units_toml(DEMO_UNITS_TOML)?).await?;
        let calendar = self.import_shipped_calendar(&ctx).await?;
        let procedures =
            crate::catalogue::parse_json("data/demo/catalogue.json", crate::catalogue::DEMO_CATALOGUE_JSON)
                .into_result()
                .map_err(AppError::Invalid)?;
        let catalogue = self.import_catalogue(&ctx, "data/demo/catalogue.json", procedures, &|_, _| {}).await?;
        let mut officers_created = 0;
        for demo in DEMO_OFFICERS {
            let mut tx = self.db().read().await?;
            let exists = officers::by_username(&mut tx, demo.username).await?.is_some();
            tx.commit().await?;
            if exists {
                continue;
            }
            let input = NewOfficer {
                username: demo.username.into(),
                full_name: demo.full_name.into(),
                unit_id: demo.unit.into(),
                password: DEMO_PASSWORD.into(),
                grants: demo
                    .grants
                    .iter()
                    .map(|(role, unit)| GrantInput { role: (*role).into(), unit_id: (*unit).into() })
                    .collect(),
            };
            self.create_officer(&Ctx::new(Principal::System, None), input).await?;
            officers_created += 1;
        }
        Ok(DemoReport { reference, demo_units, officers_created, calendar, catalogue })
    }
}

/// Plausible values for every field of an e-form (demo data, benchmarks, the synthetic generator): the applicant's
/// ID number in ID fields, an address at `commune` of `province`.
pub fn sample_form_values(
    form: &motcua_domain::catalogue::FormSchema,
    id_number: &str,
    province: &str,
    commune: &str,
) -> std::collections::BTreeMap<String, String> {
    use motcua_domain::catalogue::FieldType;
    let mut values = std::collections::BTreeMap::new();
    for f in &form.fields {
        let value = match &f.kind {
            FieldType::Text { .. } => "Nội dung thử".to_owned(),
            FieldType::Date => "01/01/2000".into(),
            FieldType::IdNumber => id_number.into(),
            FieldType::Phone => "0905123456".into(),
            FieldType::Email => "dan@example.vn".into(),
            FieldType::Choice { options } => options.first().map(|o| o.value.clone()).unwrap_or_default(),
            FieldType::Number { min, .. } => min.unwrap_or(1).max(1).to_string(),
            FieldType::Money => "50000".into(),
            FieldType::File => "giay-to.pdf".into(),
            FieldType::Address => {
                values.insert(format!("{}.province", f.key), province.into());
                values.insert(format!("{}.commune", f.key), commune.into());
                values.insert(format!("{}.detail", f.key), "12 Trần Phú".into());
                continue;
            }
        };
        values.insert(f.key.clone(), value);
    }
    values
}
