//! A VNeID-compatible OpenID Connect provider (discovery, authorize, token, JWKS, userinfo).
//!
//! It implements the authorization-code flow with PKCE (S256 only) the way a national eID provider does, with real
//! EdDSA (Ed25519) signed ID tokens, so the relying party in `motcua_app::identity` is tested over real HTTP exactly
//! as it talks to a production provider. Claims (see docs/identity.md): `sub` (an opaque pairwise identifier),
//! `personal_id` (the 12-digit personal identification number), `name`, `birthdate` (`YYYY-MM-DD`), `acr`
//! (`vneid:L1` or `vneid:L2`, the assurance level), plus `iss`, `aud`, `exp`, `iat`, `auth_time`, `nonce`.
//! An organisation's account (tài khoản định danh điện tử của tổ chức, NĐ 69/2024) is used by a person — its legal
//! representative or someone it authorised — and adds `org_tax_code` (mã số thuế) and `org_name`; the personal
//! claims then name the person acting for it.
//!
//! The login page lists the configured citizens; picking one is the whole "authentication". A user may carry a
//! [`Fault`] so that tests (never the demo) can obtain a forged, expired or wrongly bound token over real HTTP.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{Signer as _, SigningKey};
use rand::RngCore as _;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest as _, Sha256};

/// The `acr` value of an assurance level-1 login (self-registered account).
pub const ACR_L1: &str = "vneid:L1";
/// The `acr` value of an assurance level-2 login (registered at the police, equivalent to the card).
pub const ACR_L2: &str = "vneid:L2";
/// The claim carrying the personal identification number.
pub const PERSONAL_ID_CLAIM: &str = "personal_id";
/// The claim carrying an organisation account's tax code.
pub const ORG_TAX_CODE_CLAIM: &str = "org_tax_code";
/// The claim carrying an organisation account's name.
pub const ORG_NAME_CLAIM: &str = "org_name";

/// A deliberate defect in the ID token issued for a user, for failure tests over real HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Signed with a key that is not in the JWKS (same `kid`).
    ForgedSignature,
    /// Already expired when issued.
    Expired,
    /// Carries a nonce other than the one the relying party sent.
    WrongNonce,
    /// Issued for another client (`aud`).
    WrongAudience,
}

/// A citizen who can log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpUser {
    /// The 12-digit personal identification number.
    pub personal_id: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// `true` for assurance level 2, `false` for level 1.
    pub level2: bool,
    /// A defect to put in this user's ID tokens (tests only).
    pub fault: Option<Fault>,
    /// The organisation this account acts for; `None` for a personal account.
    pub organisation: Option<IdpOrganisation>,
}

/// The organisation of an organisation account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpOrganisation {
    /// Tax code (mã số thuế), as the provider holds it.
    pub tax_code: String,
    /// Registered name.
    pub name: String,
}

impl IdpUser {
    /// A well-behaved personal account.
    pub fn new(personal_id: &str, full_name: &str, birth_date: NaiveDate, level2: bool) -> Self {
        Self {
            personal_id: personal_id.into(),
            full_name: full_name.into(),
            birth_date,
            level2,
            fault: None,
            organisation: None,
        }
    }

    /// The same person using the account of the organisation `tax_code` / `name`.
    pub fn for_organisation(mut self, tax_code: &str, name: &str) -> Self {
        self.organisation = Some(IdpOrganisation { tax_code: tax_code.into(), name: name.into() });
        self
    }

    /// One line for the console: ID number, name, level, and the organisation of an organisation account.
    pub fn describe(&self) -> String {
        let level = if self.level2 { 2 } else { 1 };
        let person = format!("{} {:<28} mức độ {level}", self.personal_id, self.full_name);
        match &self.organisation {
            Some(o) => format!("{person} — tài khoản tổ chức: {} (MST {})", o.name, o.tax_code),
            None => person,
        }
    }

    /// What the login page submits: the ID number, or `tax code/ID number` for an organisation account.
    fn account(&self) -> String {
        match &self.organisation {
            Some(o) => format!("{}/{}", o.tax_code, self.personal_id),
            None => self.personal_id.clone(),
        }
    }

    fn acr(&self) -> &'static str {
        if self.level2 { ACR_L2 } else { ACR_L1 }
    }
}

/// The client id `motcua demo` registers for itself.
pub const DEMO_CLIENT_ID: &str = "motcua-demo";
/// Its secret (a demo, not a secret).
pub const DEMO_CLIENT_SECRET: &str = "motcua-demo-secret";

/// The demo's organisation accounts: (tax code, name); the first demo citizen is their legal representative.
pub const DEMO_ORGANISATIONS: [(&str, &str); 2] =
    [("0401234566", "Công ty TNHH Xây dựng Hòa Xuân"), ("0400789124", "Hợp tác xã Nông nghiệp Hòa Tiến")];

/// The demo's accounts: the first adults of the reference population registry's demo population, so that the
/// registry knows whoever logs in (the second one has a level-1 account, the others level 2), then the
/// organisation accounts of [`DEMO_ORGANISATIONS`], used by the first citizen.
pub fn demo_users() -> Vec<IdpUser> {
    let people: Vec<IdpUser> = crate::registry::demo_citizens(4)
        .into_iter()
        .enumerate()
        .map(|(i, c)| IdpUser::new(c.id_number.as_str(), &c.full_name(), c.birth_date, i != 1))
        .collect();
    let organisations = DEMO_ORGANISATIONS.iter().map(|(tax, name)| people[0].clone().for_organisation(tax, name));
    let organisations: Vec<IdpUser> = organisations.collect();
    people.into_iter().chain(organisations).collect()
}

/// A registered relying party.
#[derive(Debug, Clone)]
pub struct IdpClient {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret` (basic or post authentication).
    pub client_secret: String,
    /// Exact redirect URIs allowed.
    pub redirect_uris: Vec<String>,
}

/// The provider's clock (tests share the application's manual clock).
pub type IdpClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Configuration of the provider.
#[derive(Clone)]
pub struct IdpConfig {
    /// The issuer: the public base URL the routes are served under, without a trailing slash
    /// (e.g. `http://127.0.0.1:21000/reference/idp`).
    pub issuer: String,
    /// Registered clients.
    pub clients: Vec<IdpClient>,
    /// Citizens listed on the login page.
    pub users: Vec<IdpUser>,
    /// Ed25519 seed of the signing key; a random one when `None` (tokens then die with the process).
    pub signing_seed: Option<[u8; 32]>,
    /// Lifetime of authorization codes (one use).
    pub code_ttl: chrono::Duration,
    /// Lifetime of ID and access tokens.
    pub token_ttl: chrono::Duration,
    /// Where "now" comes from: the wall clock unless a test stands somewhere else.
    pub clock: IdpClock,
}

impl IdpConfig {
    /// A provider at `issuer` with one client and the given users; five-minute tokens, one-minute codes.
    pub fn new(issuer: &str, client: IdpClient, users: Vec<IdpUser>) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            clients: vec![client],
            users,
            signing_seed: None,
            code_ttl: chrono::Duration::minutes(1),
            token_ttl: chrono::Duration::minutes(5),
            clock: Arc::new(Utc::now),
        }
    }
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    user: IdpUser,
    nonce: Option<String>,
    code_challenge: String,
    expires_at: DateTime<Utc>,
}

struct Inner {
    config: IdpConfig,
    key: SigningKey,
    kid: String,
    codes: Mutex<HashMap<String, Grant>>,
    access_tokens: Mutex<HashMap<String, (IdpUser, DateTime<Utc>)>>,
}

type Idp = Arc<Inner>;

/// The provider's routes, relative to the issuer's path (nest them under it).
pub fn router(config: IdpConfig) -> Router {
    let key = SigningKey::from_bytes(&config.signing_seed.unwrap_or_else(random_bytes));
    let kid = hex::encode(&Sha256::digest(key.verifying_key().as_bytes())[..8]);
    let inner = Arc::new(Inner {
        config,
        key,
        kid,
        codes: Mutex::new(HashMap::new()),
        access_tokens: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/authorize", get(authorize_page).post(authorize_submit))
        .route("/token", axum::routing::post(token))
        .route("/jwks", get(jwks))
        .route("/userinfo", get(userinfo))
        .with_state(inner)
}

/// Serves the provider at the root of `listener` (tests, `motcua reference idp`).
pub async fn serve(listener: tokio::net::TcpListener, config: IdpConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

fn random_bytes() -> [u8; 32] {
    let mut b = [0_u8; 32];
    rand::rng().fill_bytes(&mut b);
    b
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes())
}

async fn discovery(State(idp): State<Idp>) -> Json<serde_json::Value> {
    let iss = &idp.config.issuer;
    Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/jwks"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile"],
        "acr_values_supported": [ACR_L1, ACR_L2],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "name", "birthdate",
            PERSONAL_ID_CLAIM, ORG_TAX_CODE_CLAIM, ORG_NAME_CLAIM],
    }))
}

async fn jwks(State(idp): State<Idp>) -> Json<serde_json::Value> {
    Json(json!({ "keys": [{
        "kty": "OKP",
        "crv": "Ed25519",
        "use": "sig",
        "alg": "EdDSA",
        "kid": idp.kid,
        "x": URL_SAFE_NO_PAD.encode(idp.key.verifying_key().as_bytes()),
    }]}))
}

/// The parameters of an authorization request (query of the GET, hidden fields of the POST).
#[derive(Debug, Clone, Deserialize)]
struct AuthorizeParams {
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    /// POST only: the chosen citizen, or empty when cancelled.
    #[serde(default)]
    user: String,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t} — VNeID (tham chiếu)</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}\
         h1{{color:#a50e0e;font-size:1.5rem}}fieldset{{border:1px solid #888;padding:1rem}}label{{display:block;padding:.5rem 0}}\
         button{{font-size:1rem;padding:.5rem 1rem;margin:.5rem .5rem 0 0}}.note{{color:#444;font-size:.9rem}}</style></head>\
         <body><main><h1>{t}</h1>{body}</main></body></html>",
        t = escape(title)
    );
    (status, Html(html)).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Problems that must not be sent back to the redirect URI (it is not trusted yet): the page to show instead.
fn check_client(idp: &Inner, p: &AuthorizeParams) -> Result<(), Box<Response>> {
    let Some(client) = idp.config.clients.iter().find(|c| c.client_id == p.client_id) else {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "Yêu cầu không hợp lệ",
            "<p>Ứng dụng yêu cầu đăng nhập không được đăng ký.</p>",
        )));
    };
    if !client.redirect_uris.contains(&p.redirect_uri) {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "Yêu cầu không hợp lệ",
            "<p>Địa chỉ chuyển hướng (redirect_uri) không khớp với địa chỉ đã đăng ký.</p>",
        )));
    }
    Ok(())
}

/// Problems reported to the (now trusted) redirect URI, per RFC 6749 §4.1.2.1.
fn check_request(p: &AuthorizeParams) -> Result<(), (&'static str, &'static str)> {
    if p.response_type != "code" {
        return Err(("unsupported_response_type", "only code"));
    }
    if !p.scope.split(' ').any(|s| s == "openid") {
        return Err(("invalid_scope", "openid scope required"));
    }
    if p.code_challenge_method != "S256" || p.code_challenge.len() < 43 {
        return Err(("invalid_request", "PKCE with S256 required"));
    }
    Ok(())
}

fn error_redirect(p: &AuthorizeParams, error: &str, description: &str) -> Response {
    let mut url = format!("{}?error={}&error_description={}", p.redirect_uri, error, urlencode(description));
    if let Some(state) = &p.state {
        let _ = write!(url, "&state={}", urlencode(state));
    }
    Redirect::to(&url).into_response()
}

async fn authorize_page(State(idp): State<Idp>, Query(p): Query<AuthorizeParams>) -> Response {
    if let Err(r) = check_client(&idp, &p) {
        return *r;
    }
    if let Err((e, d)) = check_request(&p) {
        return error_redirect(&p, e, d);
    }
    let hidden =
        |name: &str, value: &str| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value));
    let mut body = String::from(
        "<p class=\"note\">Đây là máy chủ định danh <strong>tham chiếu</strong> dùng cho trình diễn và kiểm thử; \
         không có mật khẩu. Chọn một công dân để đăng nhập.</p><form method=\"post\">",
    );
    for (name, value) in [
        ("response_type", p.response_type.as_str()),
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", p.state.as_deref().unwrap_or("")),
        ("nonce", p.nonce.as_deref().unwrap_or("")),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
    ] {
        body.push_str(&hidden(name, value));
    }
    body.push_str("<fieldset><legend>Công dân</legend>");
    for (i, u) in idp.config.users.iter().filter(|u| u.organisation.is_none()).enumerate() {
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"user\" value=\"{account}\"{checked}> {name} — số định danh {id}, \
             sinh ngày {birth}, tài khoản định danh điện tử mức độ {level}</label>",
            account = escape(&u.account()),
            id = escape(&u.personal_id),
            checked = if i == 0 { " checked" } else { "" },
            name = escape(&u.full_name),
            birth = u.birth_date.format("%d/%m/%Y"),
            level = if u.level2 { 2 } else { 1 },
        );
    }
    let organisations: Vec<&IdpUser> = idp.config.users.iter().filter(|u| u.organisation.is_some()).collect();
    if !organisations.is_empty() {
        body.push_str("</fieldset><fieldset><legend>Tổ chức, doanh nghiệp</legend>");
    }
    for u in organisations {
        let Some(o) = &u.organisation else { continue };
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"user\" value=\"{account}\"> {org} — mã số thuế {tax}; \
             người sử dụng: {name}</label>",
            account = escape(&u.account()),
            org = escape(&o.name),
            tax = escape(&o.tax_code),
            name = escape(&u.full_name),
        );
    }
    body.push_str(
        "</fieldset><button type=\"submit\">Đăng nhập</button>\
         <button type=\"submit\" name=\"user\" value=\"\" formnovalidate>Hủy</button></form>",
    );
    page(StatusCode::OK, "Đăng nhập bằng tài khoản định danh điện tử", &body)
}

async fn authorize_submit(State(idp): State<Idp>, Form(p): Form<AuthorizeParams>) -> Response {
    if let Err(r) = check_client(&idp, &p) {
        return *r;
    }
    if let Err((e, d)) = check_request(&p) {
        return error_redirect(&p, e, d);
    }
    if p.user.is_empty() {
        return error_redirect(&p, "access_denied", "cancelled by the user");
    }
    let Some(user) = idp.config.users.iter().find(|u| u.account() == p.user).cloned() else {
        return error_redirect(&p, "access_denied", "unknown user");
    };
    let code = random_token();
    let grant = Grant {
        client_id: p.client_id.clone(),
        redirect_uri: p.redirect_uri.clone(),
        user,
        nonce: p.nonce.clone().filter(|n| !n.is_empty()),
        code_challenge: p.code_challenge.clone(),
        expires_at: (idp.config.clock)() + idp.config.code_ttl,
    };
    idp.codes.lock().unwrap_or_else(|e| e.into_inner()).insert(code.clone(), grant);
    let mut url = format!("{}?code={}", p.redirect_uri, urlencode(&code));
    if let Some(state) = p.state.as_deref().filter(|s| !s.is_empty()) {
        let _ = write!(url, "&state={}", urlencode(state));
    }
    Redirect::to(&url).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenParams {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    code_verifier: String,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(json!({ "error": error, "error_description": description })))
        .into_response()
}

/// The client credentials of a token request: HTTP Basic (form-urlencoded parts, RFC 6749 §2.3.1) or the body.
fn client_credentials(headers: &HeaderMap, p: &TokenParams) -> Option<(String, String)> {
    if let Some(basic) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = String::from_utf8(STANDARD.decode(basic.trim()).ok()?).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        return Some((urldecode(id)?, urldecode(secret)?));
    }
    Some((p.client_id.clone()?, p.client_secret.clone()?))
}

async fn token(State(idp): State<Idp>, headers: HeaderMap, Form(p): Form<TokenParams>) -> Response {
    let Some((client_id, secret)) = client_credentials(&headers, &p) else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication required");
    };
    let client = idp.config.clients.iter().find(|c| c.client_id == client_id);
    let Some(client) = client.filter(|c| constant_time_eq(c.client_secret.as_bytes(), secret.as_bytes())) else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret");
    };
    if p.grant_type != "authorization_code" {
        return token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only authorization_code");
    }
    // One use: the code is gone whatever happens next.
    let grant = idp.codes.lock().unwrap_or_else(|e| e.into_inner()).remove(&p.code);
    let now = (idp.config.clock)();
    let Some(grant) = grant.filter(|g| g.expires_at > now) else {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown, used or expired code");
    };
    if grant.client_id != client.client_id || grant.redirect_uri != p.redirect_uri {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "code issued to another client or redirect_uri");
    }
    let challenge = pkce_s256(&p.code_verifier);
    if p.code_verifier.len() < 43 || !constant_time_eq(challenge.as_bytes(), grant.code_challenge.as_bytes()) {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "PKCE verification failed");
    }
    let id_token = id_token(&idp, &grant, now);
    let access_token = random_token();
    let ttl = idp.config.token_ttl;
    idp.access_tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(access_token.clone(), (grant.user.clone(), now + ttl));
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl.num_seconds(),
            "id_token": id_token,
            "scope": "openid profile",
        })),
    )
        .into_response()
}

/// The pairwise subject: stable per issuer and account, revealing nothing by itself.
fn subject(idp: &Inner, user: &IdpUser) -> String {
    hex::encode(&Sha256::digest(format!("{}|{}", idp.config.issuer, user.account()).as_bytes())[..16])
}

/// The claims describing the account: the person's, plus the organisation's for an organisation account.
fn account_claims(idp: &Inner, user: &IdpUser) -> serde_json::Value {
    let mut claims = json!({
        "sub": subject(idp, user),
        "acr": user.acr(),
        "name": user.full_name,
        "birthdate": user.birth_date.format("%Y-%m-%d").to_string(),
        PERSONAL_ID_CLAIM: user.personal_id,
    });
    if let Some(o) = &user.organisation {
        claims[ORG_TAX_CODE_CLAIM] = o.tax_code.clone().into();
        claims[ORG_NAME_CLAIM] = o.name.clone().into();
    }
    claims
}

fn id_token(idp: &Inner, grant: &Grant, now: DateTime<Utc>) -> String {
    let user = &grant.user;
    let fault = user.fault;
    let iat = now.timestamp();
    let exp = if fault == Some(Fault::Expired) { iat - 600 } else { (now + idp.config.token_ttl).timestamp() };
    let nonce = match (&grant.nonce, fault) {
        (Some(n), Some(Fault::WrongNonce)) => Some(format!("{n}-khac")),
        (None, Some(Fault::WrongNonce)) => Some("khac".to_owned()),
        (n, _) => n.clone(),
    };
    let aud = if fault == Some(Fault::WrongAudience) { "ung-dung-khac".to_owned() } else { grant.client_id.clone() };
    let mut claims = account_claims(idp, user);
    claims["iss"] = idp.config.issuer.clone().into();
    claims["aud"] = aud.into();
    claims["iat"] = iat.into();
    claims["exp"] = exp.into();
    claims["auth_time"] = iat.into();
    if let Some(n) = nonce {
        claims["nonce"] = n.into();
    }
    let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": idp.kid });
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = if fault == Some(Fault::ForgedSignature) {
        SigningKey::from_bytes(&random_bytes()).sign(signing_input.as_bytes())
    } else {
        idp.key.sign(signing_input.as_bytes())
    };
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

async fn userinfo(State(idp): State<Idp>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let found = token.and_then(|t| idp.access_tokens.lock().unwrap_or_else(|e| e.into_inner()).get(t).cloned());
    match found.filter(|(_, exp)| *exp > (idp.config.clock)()) {
        Some((user, _)) => Json(account_claims(&idp, &user)).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            Json(json!({ "error": "invalid_token" })),
        )
            .into_response(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes everything but the unreserved characters (RFC 3986).
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space).
fn urldecode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn form_encoding_round_trips() {
        for s in ["abc", "a b+c", "Nguyễn Văn A", "x:y/z?&="] {
            assert_eq!(urldecode(&urlencode(s)).as_deref(), Some(s));
        }
        assert_eq!(urldecode("%zz"), None);
    }
}
