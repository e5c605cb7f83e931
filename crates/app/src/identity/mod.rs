//! Citizen login through a VNeID-compatible OpenID Connect provider, and citizens' server-side sessions.
//!
//! The flow (docs/identity.md): [`App::begin_citizen_login`] stores the login under way server-side — the SHA-256
//! of its `state`, the nonce and the PKCE verifier — and returns the provider's authorize URL and the `state`,
//! which the web layer also puts in a short-lived `HttpOnly` cookie. [`App::finish_citizen_login`] requires the
//! callback's `state` to equal that cookie (so a callback cannot be replayed into another browser: login CSRF),
//! takes the stored login (one use, ten minutes), exchanges the code with the verifier and verifies the ID token
//! ([`oidc::RelyingParty::finish`]), then records the citizen and opens a session whose cookie token is 32 random
//! bytes of which only the SHA-256 is stored.
//!
//! Why server-side rather than a signed cookie: the verifier and nonce never reach the browser, a login can be
//! finished once only, there is no cookie key to manage or rotate, and several `serve` instances share it through
//! the database.

pub mod oidc;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::access::Principal;
use motcua_domain::catalogue::Assurance;
use motcua_storage::citizens::{self, CitizenRecord, CitizenSessionRecord, LoginRecord};
use rand::RngCore;

use crate::App;
use crate::accounts::{ClientInfo, token_hash};
use crate::error::{AppError, ErrorCode};
use crate::record::{self, Change, Ctx};

/// The `acr` value of an assurance level-1 login.
pub const ACR_L1: &str = "vneid:L1";
/// The `acr` value of an assurance level-2 login.
pub const ACR_L2: &str = "vneid:L2";

/// How long a started login may take before its callback is refused.
pub const LOGIN_TTL: chrono::Duration = chrono::Duration::minutes(10);

/// The relying party's settings.
#[derive(Clone)]
pub struct IdentityConfig {
    /// The provider's issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer_url: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret (never logged).
    pub client_secret: String,
    /// The callback URL registered at the provider (`…/dang-nhap/vneid/callback`).
    pub redirect_url: String,
    /// How long a citizen session lasts.
    pub session_ttl: chrono::Duration,
}

impl fmt::Debug for IdentityConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityConfig")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("redirect_url", &self.redirect_url)
            .field("session_ttl", &self.session_ttl)
            .finish()
    }
}

/// The organisation of a session opened with an organisation's account (NĐ 69/2024): the person logged in acts for
/// it, and what they file belongs to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrganisationAccount {
    /// Tax code (mã số thuế), checked.
    pub tax_code: String,
    /// Registered name, as the provider gave it.
    pub name: String,
}

/// A logged-in citizen, as every request sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSession {
    /// The 12-digit personal ID number.
    pub id_number: String,
    /// Full name, from the provider.
    pub full_name: String,
    /// Date of birth, from the provider.
    pub birth_date: Option<NaiveDate>,
    /// The assurance level of this login.
    pub assurance: Assurance,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// The organisation the person acts for, when they logged in with its account.
    pub organisation: Option<OrganisationAccount>,
}

impl CitizenSession {
    /// The principal the session acts as: the organisation (through this person), or the citizen.
    pub fn principal(&self) -> Principal {
        match &self.organisation {
            Some(o) => Principal::Organisation { tax_code: o.tax_code.clone(), id_number: self.id_number.clone() },
            None => Principal::Citizen { id_number: self.id_number.clone() },
        }
    }

    /// "mức độ 1" / "mức độ 2".
    pub fn assurance_vi(&self) -> &'static str {
        assurance_vi(self.assurance)
    }
}

/// The ID number of the person acting (a citizen, or the person using an organisation's account): nobody logged in
/// is `unauthenticated`, an officer or the system `forbidden`.
pub(crate) fn person_of(principal: &Principal) -> Result<&str, AppError> {
    principal.person().ok_or_else(|| {
        AppError::code(match principal {
            Principal::Anonymous => ErrorCode::Unauthenticated,
            _ => ErrorCode::Forbidden,
        })
    })
}

/// The Vietnamese name of an assurance level.
pub fn assurance_vi(level: Assurance) -> &'static str {
    match level {
        Assurance::L1 => "mức độ 1",
        Assurance::L2 => "mức độ 2",
    }
}

fn assurance_str(level: Assurance) -> &'static str {
    match level {
        Assurance::L1 => "L1",
        Assurance::L2 => "L2",
    }
}

/// A started login: send the browser to `authorize_url`, and keep `state` in the login cookie.
#[derive(Debug, Clone)]
pub struct LoginStart {
    /// The provider's authorize URL.
    pub authorize_url: String,
    /// The `state`, for the login cookie.
    pub state: String,
}

/// A finished login.
#[derive(Debug, Clone)]
pub struct CitizenLogin {
    /// The session cookie value (shown once, never stored).
    pub token: String,
    /// The session.
    pub session: CitizenSession,
    /// The local path to go back to.
    pub return_to: String,
}

/// A local path safe to redirect to after login (no scheme, no host, no `//`): anything else becomes `/`.
pub fn safe_return_path(raw: &str) -> String {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && raw.len() <= 500
        && !raw.chars().any(char::is_control);
    if ok { raw.to_owned() } else { "/".to_owned() }
}

fn random_token() -> String {
    let mut raw = [0_u8; 32];
    rand::rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

impl App {
    /// The application with citizen login through the provider of `config` (replacing any configured one).
    pub fn with_identity(mut self, config: IdentityConfig) -> Result<Self, AppError> {
        self.identity = Some(oidc::RelyingParty::new(config)?);
        Ok(self)
    }

    fn relying_party(&self) -> Result<&oidc::RelyingParty, AppError> {
        self.identity.as_ref().ok_or_else(|| {
            AppError::detailed(ErrorCode::IdentityUnavailable, "Cổng chưa được cấu hình đăng nhập bằng VNeID.")
        })
    }

    /// Whether citizen login is configured.
    pub fn citizen_login_enabled(&self) -> bool {
        self.identity.is_some()
    }

    /// Starts a citizen login that returns to `return_to` (a local path) afterwards.
    pub async fn begin_citizen_login(&self, return_to: &str) -> Result<LoginStart, AppError> {
        let rp = self.relying_party()?;
        let now = self.now();
        let start = rp.start(now).await?;
        let login = LoginRecord {
            state_hash: token_hash(&start.state),
            nonce: start.nonce,
            pkce_verifier: start.pkce_verifier,
            return_to: safe_return_path(return_to),
            created_at: now,
            expires_at: now + LOGIN_TTL,
        };
        self.db().write(move |tx| Box::pin(async move { citizens::insert_login(tx, &login).await })).await?;
        Ok(LoginStart { authorize_url: start.url, state: start.state })
    }

    /// Finishes a citizen login at the callback: `state` from the query, `cookie_state` from the login cookie.
    pub async fn finish_citizen_login(
        &self,
        state: &str,
        cookie_state: Option<&str>,
        code: &str,
        client: ClientInfo,
    ) -> Result<CitizenLogin, AppError> {
        let rp = self.relying_party()?;
        let state_refused = || {
            AppError::detailed(
                ErrorCode::IdentityLoginFailed,
                "Phiên đăng nhập không khớp hoặc đã hết hạn (state không hợp lệ). Vui lòng đăng nhập lại.",
            )
        };
        if state.is_empty() || cookie_state != Some(state) {
            tracing::warn!("citizen login refused: state does not match the login cookie");
            return Err(state_refused());
        }
        let hash = token_hash(state);
        let now = self.now();
        let login = self
            .db()
            .write(move |tx| Box::pin(async move { citizens::take_login(tx, &hash).await }))
            .await?
            .filter(|l| l.expires_at > now)
            .ok_or_else(state_refused)?;
        let clock = self.clock.clone();
        let verified = rp.finish(code, &login.pkce_verifier, &login.nonce, move || clock.now()).await?;
        let token = random_token();
        let session = CitizenSession {
            id_number: verified.id_number.clone(),
            full_name: verified.full_name.clone(),
            birth_date: verified.birth_date,
            assurance: verified.assurance,
            expires_at: now + rp.config().session_ttl,
            organisation: verified.organisation.clone(),
        };
        let citizen = CitizenRecord {
            id_number: verified.id_number.clone(),
            full_name: verified.full_name.clone(),
            birth_date: verified.birth_date,
            assurance: assurance_str(verified.assurance).into(),
            subject: verified.subject.clone(),
            first_seen_at: now,
            last_login_at: now,
        };
        let record = CitizenSessionRecord {
            token_hash: token_hash(&token),
            id_number: session.id_number.clone(),
            full_name: session.full_name.clone(),
            birth_date: session.birth_date,
            assurance: assurance_str(session.assurance).into(),
            created_at: now,
            expires_at: session.expires_at,
            client_ip: client.ip.clone(),
            user_agent: client.user_agent.map(|ua| ua.chars().take(300).collect()),
            org_tax_code: session.organisation.as_ref().map(|o| o.tax_code.clone()),
            org_name: session.organisation.as_ref().map(|o| o.name.clone()),
        };
        let (tree, ctx) = (self.tree(), Ctx::new(session.principal(), None));
        let change = Change {
            subject_type: "citizen",
            subject_id: session.id_number.clone(),
            action: "citizen.session_created",
            unit: None,
            payload: serde_json::json!({
                "assurance": assurance_str(session.assurance),
                "client_ip": client.ip,
                "expires_at": session.expires_at,
                "organisation": session.organisation,
            }),
        };
        self.db()
            .write(move |tx| {
                Box::pin(async move {
                    citizens::upsert(tx, &citizen).await?;
                    citizens::insert_session(tx, &record).await?;
                    record::event(tx, &tree, now, &ctx, change).await
                })
            })
            .await?;
        Ok(CitizenLogin { token, session, return_to: login.return_to })
    }

    /// The citizen behind a session token, if the session is valid now.
    /// Recently authenticated sessions are kept for a few seconds (`session_cache`).
    pub async fn authenticate_citizen(&self, token: &str) -> Result<Option<CitizenSession>, AppError> {
        let (hash, now) = (token_hash(token), self.now());
        let read = async {
            let mut tx = self.db().read().await?;
            let found = citizens::find_valid_session(&mut tx, &hash, now).await?;
            tx.commit().await?;
            Ok::<_, AppError>(found.map(|s| {
                let session = CitizenSession {
                    id_number: s.id_number,
                    full_name: s.full_name,
                    birth_date: s.birth_date,
                    assurance: if s.assurance == "L2" { Assurance::L2 } else { Assurance::L1 },
                    expires_at: s.expires_at,
                    organisation: s
                        .org_tax_code
                        .zip(s.org_name)
                        .map(|(tax_code, name)| OrganisationAccount { tax_code, name }),
                };
                (session, s.expires_at)
            }))
        };
        self.citizen_sessions.get_or_read(hash.clone(), now, read).await
    }

    /// Ends a citizen session.
    pub async fn logout_citizen(&self, ctx: &Ctx, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let ended = self
            .db()
            .write(move |tx| {
                Box::pin(async move {
                    if citizens::delete_session(tx, &hash).await?
                        && let Some(id_number) = ctx.principal.person()
                    {
                        let change = Change {
                            subject_type: "citizen",
                            subject_id: id_number.to_owned(),
                            action: "citizen.session_ended",
                            unit: None,
                            payload: serde_json::json!({}),
                        };
                        record::event(tx, &tree, now, &ctx, change).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await;
        self.citizen_sessions.clear();
        ended
    }

    /// Refuses, with the explanation, a session that may not file `p` online: below its minimum assurance level,
    /// or an organisation's account for a procedure not open to organisations (and the reverse).
    pub fn require_eligible(
        &self,
        session: &CitizenSession,
        p: &motcua_domain::catalogue::Procedure,
    ) -> Result<(), AppError> {
        self.require_assurance(session, p.min_assurance)?;
        match p.refuses_filer(session.organisation.is_some()) {
            Some(reason) => Err(AppError::detailed(ErrorCode::Forbidden, reason)),
            None => Ok(()),
        }
    }

    /// Refuses a session below the procedure's minimum assurance level, with the explanation.
    pub fn require_assurance(&self, session: &CitizenSession, minimum: Assurance) -> Result<(), AppError> {
        if session.assurance >= minimum {
            return Ok(());
        }
        Err(AppError::detailed(
            ErrorCode::AssuranceTooLow,
            format!(
                "Thủ tục này yêu cầu tài khoản định danh điện tử {}; tài khoản của bạn đang ở {}. \
                 Vui lòng đến cơ quan Công an để được kích hoạt tài khoản mức độ 2, sau đó đăng nhập lại.",
                assurance_vi(minimum),
                session.assurance_vi()
            ),
        ))
    }
}
