//! The REST API, version 1. A public contract: fields are only added, never renamed.

pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod citizen;
pub mod documents;
pub mod dossier_forms;
pub mod dossiers;
pub mod drafts;
pub mod health;
pub mod jobs;
pub mod officers;
pub mod population;
pub mod session;
pub mod units;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Hệ thống thông tin giải quyết thủ tục hành chính — REST API. Errors are RFC 9457 \
                       problem+json documents with a stable `code` (see /api/errors).",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "units", description = "Đơn vị hành chính và cơ cấu tổ chức"),
        (name = "session", description = "Đăng nhập cán bộ"),
        (name = "citizen", description = "Người dân đăng nhập bằng VNeID: hồ sơ của tôi, nộp hồ sơ trực tuyến"),
        (name = "officers", description = "Tài khoản cán bộ"),
        (name = "population", description = "Tra cứu Cơ sở dữ liệu quốc gia về dân cư và nhật ký tra cứu"),
        (name = "jobs", description = "Công việc nền"),
        (name = "audit", description = "Nhật ký thao tác của cán bộ ngoài hồ sơ (kiểm tra, giám sát)"),
        (name = "calendar", description = "Lịch làm việc, ngày nghỉ và hạn giải quyết"),
        (name = "catalogue", description = "Danh mục thủ tục hành chính, tờ khai điện tử và rà soát"),
        (name = "dossiers", description = "Hồ sơ thủ tục hành chính: tiếp nhận, xử lý và trả kết quả"),
        (name = "documents", description = "Tài liệu, số hóa, kết quả điện tử, xác minh và Kho dữ liệu cá nhân"),
        (name = "health", description = "Giám sát vận hành"),
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemField))
)]
struct ApiDoc;

/// Problems any operation can answer whatever it does, because a layer in front of every handler gives them: a
/// body that is not the operation's JSON, a missing or refused login, a path or query with control characters, a
/// body over the limit, a request over the timeout, a database or store that is down or full. Added to every
/// operation that does not describe them itself, so the document is true to the server (checked by the schemathesis
/// run of `scripts/api-fuzz`).
const COMMON_PROBLEMS: [(&str, &str); 8] = [
    ("400", "Malformed body or parameters (`malformed_body`)"),
    ("401", "Login required (`unauthenticated`)"),
    ("403", "Not permitted, or a cross-site request (`forbidden`, `csrf_rejected`)"),
    ("404", "No such resource (`not_found`)"),
    ("408", "The request took longer than the server's timeout (`timeout`)"),
    ("413", "Body over the size limit (`body_too_large`)"),
    ("422", "Invalid input, including control characters in the path, query or body (`invalid_input`)"),
    ("503", "The database or the document store is unavailable or full (`unavailable`, `storage_full`)"),
];

/// `doc` with [`COMMON_PROBLEMS`] on every operation.
pub fn with_common_problems(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for (status, description) in COMMON_PROBLEMS {
                operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
            }
        }
    }
    doc
}

/// The API routes and their OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(units::list))
        .routes(routes!(units::get))
        .routes(routes!(session::create, session::delete))
        .routes(routes!(session::totp))
        .routes(routes!(session::me))
        .routes(routes!(citizen::me))
        .routes(routes!(citizen::list, citizen::file))
        .routes(routes!(citizen::get))
        .routes(routes!(drafts::get, drafts::put, drafts::delete))
        .routes(routes!(officers::list))
        .routes(routes!(officers::create))
        .routes(routes!(officers::update))
        .routes(routes!(officers::reset_totp))
        .routes(routes!(population::lookup, population::report))
        .routes(routes!(population::mine))
        .routes(routes!(jobs::list))
        .routes(routes!(audit::list))
        .routes(routes!(jobs::retry))
        .routes(routes!(calendar::get, calendar::put))
        .routes(routes!(calendar::due))
        .routes(routes!(calendar::office_hours, calendar::put_office_hours))
        .routes(routes!(catalogue::list))
        .routes(routes!(catalogue::get, catalogue::put))
        .routes(routes!(catalogue::versions))
        .routes(routes!(catalogue::validate))
        .routes(routes!(catalogue::publish))
        .routes(routes!(catalogue::withdraw))
        .routes(routes!(catalogue::decide))
        .routes(routes!(catalogue::review))
        .routes(routes!(catalogue::export))
        .routes(routes!(dossiers::list, dossiers::create))
        .routes(routes!(dossiers::get))
        .routes(routes!(dossiers::timeline))
        .routes(routes!(dossiers::act))
        .routes(routes!(dossiers::inbox))
        .routes(routes!(dossiers::control_slip))
        .routes(routes!(dossiers::alerts))
        .routes(routes!(dossiers::consultations))
        .routes(routes!(dossiers::answer))
        .routes(routes!(dossiers::public_status))
        .routes(routes!(dossier_forms::list))
        .routes(routes!(dossier_forms::pdf))
        .routes(routes!(dossier_forms::data))
        .merge(documents_routes())
}

/// Document routes: raw-body uploads streamed into the store (no whole-body limit; the store enforces its own).
fn documents_routes() -> OpenApiRouter<AppState> {
    use axum::extract::DefaultBodyLimit;
    use utoipa_axum::router::UtoipaMethodRouterExt;
    OpenApiRouter::new()
        .routes(routes!(documents::upload).layer(DefaultBodyLimit::disable()))
        .routes(routes!(documents::attach))
        .routes(routes!(documents::of_dossier))
        .routes(routes!(documents::issue_result).layer(DefaultBodyLimit::disable()))
        .routes(routes!(documents::content))
        .routes(routes!(documents::warehouse))
        .routes(routes!(documents::offers))
        .routes(routes!(documents::share))
        .routes(routes!(documents::verify).layer(DefaultBodyLimit::disable()))
        .routes(routes!(documents::verify_code))
}
