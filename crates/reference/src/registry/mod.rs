//! A population-registry server with deterministic synthetic citizens, speaking the protocol of
//! docs/population-registry-protocol.md: `POST /v1/citizens/lookup` with a bearer key, the purpose, the dossier or
//! procedure, the actor and the requested fields; the answer carries only those fields (spec §6.3 names).
//!
//! Faults can be switched on (down, latency, error rate) through [`Registry::set_fault`] or `PUT /admin/fault`, so
//! the connector's timeouts, retries and circuit breaker are tested over real HTTP.

mod names;
pub mod population;
mod units;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use motcua_domain::identity::IdNumber;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub use population::{Citizen, DEMO_SEED, DEMO_SIZE, MAX_SIZE, Population, Relative, Sex, demo_citizens};

/// The API key `motcua demo` uses between its connector and its mounted registry.
pub const DEMO_API_KEY: &str = "demo-registry-key";

/// Faults to inject.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Answer every lookup with 503.
    #[serde(default)]
    pub down: bool,
    /// Wait this long before answering.
    #[serde(default)]
    pub latency_ms: u64,
    /// Share of lookups (0–1) answered with 500.
    #[serde(default)]
    pub error_rate: f64,
}

struct Inner {
    population: Population,
    api_key: String,
    fault: Mutex<Fault>,
    requests: AtomicU64,
}

/// The reference registry: a population, an API key and the faults switched on.
#[derive(Clone)]
pub struct Registry(Arc<Inner>);

impl Registry {
    /// A registry serving `population` to callers presenting `api_key`.
    pub fn new(population: Population, api_key: impl Into<String>) -> Self {
        Self(Arc::new(Inner {
            population,
            api_key: api_key.into(),
            fault: Mutex::new(Fault::default()),
            requests: AtomicU64::new(0),
        }))
    }

    /// The population served.
    pub fn population(&self) -> &Population {
        &self.0.population
    }

    /// Switches faults on or off.
    pub fn set_fault(&self, fault: Fault) {
        *self.0.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    fn fault(&self) -> Fault {
        *self.0.fault.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lookup requests received (including refused ones): tests count retries with it.
    pub fn requests(&self) -> u64 {
        self.0.requests.load(Ordering::Relaxed)
    }

    /// The HTTP routes, to be served alone or nested (e.g. under `/reference/registry`).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/citizens/lookup", post(lookup))
            .route("/v1/health", get(health))
            .route("/admin/fault", get(get_fault).put(put_fault))
            .with_state(self.clone())
    }

    /// Serves on `listener` until the task is dropped.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    fn authorised(&self, headers: &HeaderMap) -> bool {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Constant-time enough for a reference server; the comparison does not short-circuit on length alone.
        presented.len() == self.0.api_key.len()
            && presented.bytes().zip(self.0.api_key.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// The actor a lookup is made for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Actor {
    /// `officer`, `citizen` (the citizen themself) or `system`.
    pub kind: String,
    /// Officer id or the citizen's ID number.
    #[serde(default)]
    pub id: Option<String>,
    /// The officer's unit.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A lookup request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LookupBody {
    /// The subject's ID number.
    pub so_dinh_danh: String,
    /// Why (mục đích): required.
    #[serde(default)]
    pub purpose: String,
    /// The dossier served, if any.
    #[serde(default)]
    pub dossier_code: Option<String>,
    /// The procedure served, if any.
    #[serde(default)]
    pub procedure_code: Option<String>,
    /// Who asks.
    pub actor: Actor,
    /// Requested fields (top-level §6.3 names); empty means all.
    #[serde(default)]
    pub fields: Vec<String>,
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn get_fault(State(registry): State<Registry>, headers: HeaderMap) -> Response {
    if !registry.authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Khóa truy cập không hợp lệ.");
    }
    Json(registry.fault()).into_response()
}

async fn put_fault(State(registry): State<Registry>, headers: HeaderMap, Json(fault): Json<Fault>) -> Response {
    if !registry.authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Khóa truy cập không hợp lệ.");
    }
    registry.set_fault(fault);
    Json(fault).into_response()
}

async fn lookup(State(registry): State<Registry>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let n = registry.0.requests.fetch_add(1, Ordering::Relaxed);
    let fault = registry.fault();
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.down {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Cơ sở dữ liệu quốc gia về dân cư tạm ngừng phục vụ.",
        );
    }
    // A deterministic share of failures: request n fails when its scrambled number falls under the rate.
    let draw = (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
    if draw < fault.error_rate {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Lỗi hệ thống cơ sở dữ liệu dân cư.");
    }
    if !registry.authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Khóa truy cập không hợp lệ.");
    }
    let Ok(body) = serde_json::from_slice::<LookupBody>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Yêu cầu tra cứu không đúng định dạng.");
    };
    if body.purpose.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "purpose_required", "Yêu cầu tra cứu phải nêu mục đích.");
    }
    // A citizen reading their own record needs no dossier; everybody else names one, or a procedure.
    if body.actor.kind != "citizen" && body.dossier_code.is_none() && body.procedure_code.is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "basis_required",
            "Yêu cầu tra cứu phải nêu hồ sơ hoặc thủ tục hành chính.",
        );
    }
    if !matches!(body.actor.kind.as_str(), "officer" | "citizen" | "system") {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Chưa xác định người tra cứu.");
    }
    let Ok(id) = IdNumber::parse(&body.so_dinh_danh) else {
        return error(StatusCode::BAD_REQUEST, "invalid_id_number", "Số định danh cá nhân không hợp lệ.");
    };
    let Some(citizen) = registry.population().find(&id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "Không tìm thấy công dân có số định danh này.");
    };
    let all = record(&citizen);
    let fields: Map<String, Value> = if body.fields.is_empty() {
        all
    } else {
        all.into_iter().filter(|(k, _)| k == "so_dinh_danh" || body.fields.contains(k)).collect()
    };
    Json(json!({ "cong_dan": fields })).into_response()
}

fn relative(r: &Relative) -> Value {
    json!({ "ho_ten": r.full_name, "so_dinh_danh": r.id_number, "quoc_tich": r.nationality })
}

fn address(a: &population::Address) -> Value {
    json!({ "ma_tinh": format!("{:02}", a.province_code), "ma_xa": format!("{:05}", a.commune_code), "chi_tiet": a.detail, "dia_chi": a.text })
}

/// The §6.3 record of a citizen, with absent values left out.
pub fn record(c: &Citizen) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.to_owned(), v);
        }
    };
    put("so_dinh_danh", json!(c.id_number.as_str()));
    put("so_cmnd_cu", json!(c.old_id_number));
    put("ho_ten", json!(c.full_name()));
    put("ngay_sinh", json!(c.birth_date.format("%Y-%m-%d").to_string()));
    put("gioi_tinh", json!(c.sex.label_vi()));
    put("noi_dang_ky_khai_sinh", json!(names::old_province(c.birth_registration_province)));
    put("que_quan", json!(c.home_town));
    put("dan_toc", json!(c.ethnicity));
    put("ton_giao", json!(c.religion));
    put("quoc_tich", json!(c.nationality));
    put("nhom_mau", json!(c.blood_type));
    put("tinh_trang_hon_nhan", json!(c.marital_status));
    put("thuong_tru", address(&c.permanent_address));
    put("tam_tru", c.temporary_address.as_ref().map_or(Value::Null, address));
    put("noi_o_hien_tai", address(&c.current_address));
    put("cha", c.father.as_ref().map_or(Value::Null, relative));
    put("me", c.mother.as_ref().map_or(Value::Null, relative));
    put("vo_chong", c.spouse.as_ref().map_or(Value::Null, relative));
    put("chu_ho", relative(&c.household_head));
    put("quan_he_voi_chu_ho", json!(c.relation_to_household_head));
    put("so_dien_thoai", json!(c.phone));
    m
}
