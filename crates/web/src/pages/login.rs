//! Officer login and logout pages.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::ErrorCode;
use motcua_app::accounts::LoginStep;
use serde::Deserialize;

use crate::api::session::client_info;
use crate::error::PageError;
use crate::extract::{Caller, ClientAddr, PageForm, session_cookie};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::Portal;

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    portal: Portal,
    username: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct LoginTotp {
    portal: Portal,
    challenge: String,
    error: Option<&'static str>,
}

fn session_response(state: &AppState, token: &str) -> Response {
    let cookie = session_cookie(Some(token), state.app.config().session_ttl.num_seconds(), state.config.cookie_secure);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/can-bo")).into_response()
}

pub async fn form(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if caller.officer.is_some() {
        return Ok(Redirect::to("/can-bo").into_response());
    }
    render(&Login { portal: Portal::new(&state.config.portal_name, None), username: String::new(), error: None })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let client = client_info(&headers, peer);
    match state.app.begin_login(&form.username, &form.password, client).await {
        Ok(LoginStep::Session(outcome)) => Ok(session_response(&state, &outcome.token)),
        Ok(LoginStep::TotpRequired { challenge, .. }) => {
            render(&LoginTotp { portal: Portal::new(&state.config.portal_name, None), challenge, error: None })
        }
        Err(e) if matches!(e.error_code(), ErrorCode::BadCredentials | ErrorCode::TooManyAttempts) => {
            let code = e.error_code();
            let page = Login {
                portal: Portal::new(&state.config.portal_name, None),
                username: form.username.chars().take(64).collect(),
                error: Some(code.title_vi()),
            };
            render_with_status(&page, crate::error::status_of(code))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TotpForm {
    challenge: String,
    code: String,
}

/// The second step: the six-digit code for the challenge the password step gave.
pub async fn submit_totp(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<TotpForm>,
) -> Result<Response, PageError> {
    let client = client_info(&headers, peer);
    match state.app.login_with_totp(&form.challenge, &form.code, client).await {
        Ok(outcome) => Ok(session_response(&state, &outcome.token)),
        Err(e) if matches!(e.error_code(), ErrorCode::TotpCodeInvalid | ErrorCode::TooManyAttempts) => {
            let code = e.error_code();
            let page = LoginTotp {
                portal: Portal::new(&state.config.portal_name, None),
                challenge: form.challenge.chars().take(64).collect(),
                error: Some(code.title_vi()),
            };
            render_with_status(&page, crate::error::status_of(code))
        }
        Err(e) if e.error_code() == ErrorCode::LoginChallengeExpired => {
            let page = Login {
                portal: Portal::new(&state.config.portal_name, None),
                username: String::new(),
                error: Some(ErrorCode::LoginChallengeExpired.title_vi()),
            };
            render_with_status(&page, crate::error::status_of(ErrorCode::LoginChallengeExpired))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if let (Some(_), Some(token)) = (&caller.officer, &caller.token) {
        state.app.logout(&caller.ctx(), token).await?;
    }
    let cookie = session_cookie(None, 0, state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}
