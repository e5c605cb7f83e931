//! The targets: each wraps one reader of untrusted input as `fn(&[u8]) -> accepted`, with its valid seeds.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signer as _, SigningKey};
use motcua_app::calendar::{
    CALENDAR_YEARS, SHIPPED_CALENDAR_TOML, parse_calendar_toml, year_schedule_from_toml, year_schedule_to_toml,
};
use motcua_app::catalogue::sheet::{from_csv, from_xlsx, to_csv, to_xlsx};
use motcua_app::catalogue::{parse_json, to_json};
use motcua_app::identity::IdentityConfig;
use motcua_domain::calendar::{Calendar, CalendarData, HolidayRules};
use motcua_domain::catalogue::form::Places;
use motcua_domain::catalogue::{FieldType, FormSchema, Procedure, check};
use motcua_domain::dossier::DossierCode;
use motcua_domain::identity::IdNumber;
use motcua_domain::representation::TaxCode;

use crate::Target;

/// The demo catalogue shipped in the repository (60 procedures).
const DEMO_CATALOGUE: &str = include_str!("../../../data/demo/catalogue.json");

/// Every target, in the order the script runs them.
pub fn all() -> Vec<Target> {
    vec![
        catalogue_json(),
        catalogue_xlsx(),
        catalogue_csv(),
        calendar_toml(),
        eform(),
        dossier_code(),
        personal_id(),
        id_token(),
    ]
}

fn text(input: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(input)
}

fn demo() -> &'static [Procedure] {
    static DEMO: OnceLock<Vec<Procedure>> = OnceLock::new();
    DEMO.get_or_init(|| parse_json("catalogue.json", DEMO_CATALOGUE).into_result().expect("the demo catalogue reads"))
}

/// Small catalogues cut from the demo one: mutants of a small input reach more of the reader per second than
/// mutants of the whole 770 KB file.
fn demo_slices() -> Vec<Vec<Procedure>> {
    let all = demo();
    let mut slices: Vec<Vec<Procedure>> = all.iter().step_by(8).map(|p| vec![p.clone()]).collect();
    slices.push(all[..3].to_vec());
    slices
}

fn catalogue_json() -> Target {
    Target {
        name: "catalogue_json",
        smoke_iterations: 1000,
        seeds: demo_slices().into_iter().map(|s| to_json(s).into_bytes()).collect(),
        run: Box::new(|input| {
            let parsed = parse_json("fuzz.json", &text(input));
            // The import checks every procedure it read, so the checks see the same untrusted values.
            check::catalogue(&parsed.procedures, &|_| true);
            parsed.problems.is_empty() && !parsed.procedures.is_empty()
        }),
    }
}

fn catalogue_xlsx() -> Target {
    Target {
        name: "catalogue_xlsx",
        smoke_iterations: 1000,
        seeds: demo_slices().iter().take(4).map(|s| to_xlsx(s).expect("the exporter writes XLSX")).collect(),
        run: Box::new(|input| from_xlsx(input).is_ok()),
    }
}

/// A set of CSV files as one input: each file starts with a line `#@file <name>`.
const FILE_MARK: &str = "#@file ";

fn catalogue_csv() -> Target {
    let seeds = demo_slices()
        .iter()
        .map(|s| to_csv(s).iter().map(|(name, content)| format!("{FILE_MARK}{name}\n{content}")).collect::<String>())
        .map(String::into_bytes)
        .collect();
    Target {
        name: "catalogue_csv",
        smoke_iterations: 150,
        seeds,
        run: Box::new(|input| {
            let text = text(input);
            let files: Vec<(String, String)> = text
                .split(FILE_MARK)
                .filter(|f| !f.is_empty())
                .map(|f| {
                    let (name, content) = f.split_once('\n').unwrap_or((f, ""));
                    (name.to_owned(), content.to_owned())
                })
                .collect();
            from_csv(&files).is_ok()
        }),
    }
}

fn calendar_toml() -> Target {
    let shipped = parse_calendar_toml(SHIPPED_CALENDAR_TOML).expect("the shipped calendar reads");
    let mut seeds = vec![SHIPPED_CALENDAR_TOML.as_bytes().to_vec()];
    seeds.extend(shipped.years.iter().rev().take(3).map(|y| year_schedule_to_toml(y).expect("writes").into_bytes()));
    let annual = shipped.annual;
    Target {
        name: "calendar_toml",
        smoke_iterations: 200,
        seeds,
        // Both readers the app has: the whole file (import) and one year edited by hand; each result then
        // builds the calendar as the app does, which checks the days against the generated holidays.
        run: Box::new(move |input| {
            let text = text(input);
            let whole = parse_calendar_toml(&text)
                .ok()
                .is_some_and(|data| Calendar::new(&HolidayRules::default(), &data, CALENDAR_YEARS).is_ok());
            let year = year_schedule_from_toml(&text).ok().is_some_and(|y| {
                let data = CalendarData { annual: annual.clone(), years: vec![y] };
                Calendar::new(&HolidayRules::default(), &data, CALENDAR_YEARS).is_ok()
            });
            whole || year
        }),
    }
}

/// One province with one commune: enough for addresses to be valid or not.
struct OnePlace;

impl Places for OnePlace {
    fn is_province(&self, province: &str) -> bool {
        province == "01"
    }
    fn is_commune_of(&self, commune: &str, province: &str) -> bool {
        province == "01" && commune == "00004"
    }
}

/// Field separator and entry separator of an e-form input: `<form index>␞key␟value␞key␟value…`.
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

fn forms() -> &'static [FormSchema] {
    static FORMS: OnceLock<Vec<FormSchema>> = OnceLock::new();
    FORMS.get_or_init(|| demo().iter().flat_map(|p| p.forms.iter().cloned()).collect())
}

/// Values a citizen could have typed, valid for each field.
fn valid_values(form: &FormSchema) -> Vec<(String, String)> {
    let mut values = Vec::new();
    for field in &form.fields {
        let key = field.key.clone();
        match &field.kind {
            FieldType::Address => {
                values.push((format!("{key}.province"), "01".to_owned()));
                values.push((format!("{key}.commune"), "00004".to_owned()));
                values.push((format!("{key}.detail"), "Số 12, ngõ 3, phố Hàng Bông".to_owned()));
            }
            kind => {
                let value = match kind {
                    FieldType::Text { max_length, .. } => field.example.clone().unwrap_or_else(|| {
                        "Nguyễn Thị Ánh".chars().take(max_length.map_or(14, |m| m as usize)).collect()
                    }),
                    FieldType::Date => "05/09/2025".to_owned(),
                    FieldType::IdNumber => "001085012345".to_owned(),
                    FieldType::Phone => "+84 905 123 456".to_owned(),
                    FieldType::Email => "an@example.vn".to_owned(),
                    FieldType::Choice { options } => options.first().map(|o| o.value.clone()).unwrap_or_default(),
                    FieldType::Number { min, max } => min.or(*max).unwrap_or(1).to_string(),
                    FieldType::Money => "1.500.000 đ".to_owned(),
                    _ => "tai-lieu-1".to_owned(),
                };
                values.push((key, value));
            }
        }
    }
    values
}

fn eform() -> Target {
    let seeds = forms()
        .iter()
        .enumerate()
        .step_by(3)
        .map(|(i, form)| {
            let mut s = i.to_string();
            for (key, value) in valid_values(form) {
                s.push(RECORD);
                s.push_str(&key);
                s.push(UNIT);
                s.push_str(&value);
            }
            s.into_bytes()
        })
        .collect();
    Target {
        name: "eform",
        smoke_iterations: 2000,
        seeds,
        run: Box::new(|input| {
            let text = text(input);
            let mut entries = text.split(RECORD);
            let index: usize = entries.next().and_then(|i| i.parse().ok()).unwrap_or(0);
            let values: BTreeMap<String, String> = entries
                .map(|e| e.split_once(UNIT).unwrap_or((e, "")))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let forms = forms();
            forms[index % forms.len()].validate(&values, &OnePlace).is_ok()
        }),
    }
}

fn dossier_code() -> Target {
    let seeds = [
        "000.00.00.H47-240501-0001",
        "000.00.00.H47-240501-1234567",
        "000.00.31.H47-251231-00042",
        " 000.00.00.H47-280229-9999 ",
        "000.00.00.H47-240229-0001",
    ];
    Target {
        name: "dossier_code",
        smoke_iterations: 2000,
        seeds: seeds.iter().map(|s| s.as_bytes().to_vec()).collect(),
        run: Box::new(|input| match DossierCode::parse(&text(input)) {
            Ok(code) => {
                let _ = code.sequence();
                true
            }
            Err(e) => {
                let _ = e.to_string();
                false
            }
        }),
    }
}

fn personal_id() -> Target {
    let seeds = ["001085012345", "079 300 001 234", "001.185.012.345", "0314409058", "0314409058-002"];
    Target {
        name: "personal_id",
        smoke_iterations: 2000,
        seeds: seeds.iter().map(|s| s.as_bytes().to_vec()).collect(),
        run: Box::new(|input| {
            let text = text(input);
            let id = IdNumber::parse(&text).inspect(|id| {
                let _ = (id.birth_year(), id.is_female());
            });
            id.is_ok() || TaxCode::parse(&text).is_ok()
        }),
    }
}

const ISSUER: &str = "http://127.0.0.1:9/vneid";
const CLIENT_ID: &str = "motcua";
const NONCE: &str = "nonce-0";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("a valid instant")
}

fn jwks() -> String {
    let x = URL_SAFE_NO_PAD.encode(key().verifying_key().as_bytes());
    format!(r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","use":"sig","alg":"EdDSA","kid":"k1","x":"{x}"}}]}}"#)
}

/// Signs `claims` as the reference identity provider does (EdDSA, `kid` k1).
fn sign(claims: &[u8]) -> String {
    let header = r#"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#;
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let signature = key().sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn claims(organisation: bool) -> String {
    let iat = now().timestamp() - 60;
    let mut claims = serde_json::json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "sub-1", "iat": iat, "exp": iat + 600, "auth_time": iat,
        "nonce": NONCE, "acr": "vneid:L2", "name": "Nguyễn Văn An", "birthdate": "1985-03-02",
        "personal_id": "001085012345",
    });
    if organisation {
        claims["org_tax_code"] = "0314409058".into();
        claims["org_name"] = "Công ty TNHH An Bình".into();
    }
    claims.to_string()
}

/// The ID token checks of `RelyingParty::finish` through `motcua_app::identity::oidc::verify_id_token`. An input
/// starting with `{` is a claims set that the harness signs, so mutants pass the signature and reach the claims
/// checks and the VNeID mapping; any other input is a raw token (the JWT parsing and the signature check).
fn id_token() -> Target {
    let jwks = jwks();
    let config = IdentityConfig {
        issuer_url: ISSUER.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: "secret".to_owned(),
        redirect_url: "http://127.0.0.1:9/callback".to_owned(),
        session_ttl: chrono::Duration::hours(1),
    };
    let seeds = vec![
        claims(false).into_bytes(),
        claims(true).into_bytes(),
        sign(claims(false).as_bytes()).into_bytes(),
        sign(claims(true).as_bytes()).into_bytes(),
    ];
    Target {
        name: "id_token",
        smoke_iterations: 1000,
        seeds,
        run: Box::new(move |input| {
            let token = if input.first() == Some(&b'{') { sign(input) } else { text(input).into_owned() };
            motcua_app::identity::oidc::verify_id_token(&token, &config, &jwks, &["EdDSA"], NONCE, now()).is_ok()
        }),
    }
}
