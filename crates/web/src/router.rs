//! The whole HTTP application: API, pages, OpenAPI document and viewer, health and
//! metrics, wrapped in the cross-cutting layers.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use motcua_app::ErrorCode;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{page_response, problem_response};
use crate::middleware::{
    MakeRequestUuidV7, is_api, record_metrics, refuse_control_characters, render_bare_errors, security_headers,
};
use crate::state::AppState;

/// Builds the router over the shared state.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = crate::api::routes().split_for_parts();
    let openapi = crate::api::with_common_problems(openapi);
    let timeout = state.config.request_timeout;
    let body_limit = state.config.body_limit;
    // Secure cookies mean the site is served over HTTPS: browsers are told to never try plain HTTP again (a year).
    let hsts = state.config.cookie_secure.then(|| {
        SetResponseHeaderLayer::if_not_present(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000"),
        )
    });
    let app = Router::new()
        .merge(api)
        .merge(crate::pages::routes())
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(record_metrics))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state.clone());
    // Monitoring stays reachable whatever happens to the layers above.
    let monitoring = Router::new().route("/metrics", get(metrics)).with_state(state);

    let request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new().merge(app).merge(monitoring).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuidV7))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request.id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::from_fn(security_headers))
            .option_layer(hsts)
            .layer(middleware::from_fn(render_bare_errors))
            .layer(middleware::from_fn(refuse_control_characters))
            .layer(CatchPanicLayer::custom(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()))
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
            .layer(CsrfLayer::new())
            .layer(CompressionLayer::new()),
    )
}

async fn not_found(request: Request) -> Response {
    if is_api(request.uri().path()) {
        problem_response(ErrorCode::NotFound, Some(format!("Không có địa chỉ {}", request.uri().path())), Vec::new())
    } else {
        page_response(ErrorCode::NotFound, None)
    }
}

async fn method_not_allowed(request: Request) -> Response {
    let detail = Some(format!("{} không được hỗ trợ tại {}", request.method(), request.uri().path()));
    if is_api(request.uri().path()) {
        problem_response(ErrorCode::MethodNotAllowed, detail, Vec::new())
    } else {
        page_response(ErrorCode::MethodNotAllowed, detail)
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let stats = state.app.db().write_stats();
    metrics::gauge!("motcua_write_queue_depth").set(stats.queued as f64);
    metrics::gauge!("motcua_units_loaded").set(state.app.tree().len() as f64);
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
