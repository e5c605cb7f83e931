//! Officer accounts: creation, password login with server-side sessions, logout.
//!
//! Passwords are hashed with argon2id off the async workers (`password`). A session cookie carries 32 random bytes;
//! only their SHA-256 is stored. Guesses are throttled per client address, per account from that address (both
//! refused past their limit) and per account from anywhere (only slowed down, so that no stranger can lock an officer
//! out; `throttle`), and an unknown username costs the same hashing time as a known one so that response times do
//! not reveal which accounts exist.

use chrono::{DateTime, Utc};
use motcua_domain::access::{Action, Grant, Principal, Role};
use motcua_domain::text::normalize;
use motcua_domain::unit::UnitId;
use motcua_storage::StorageError;
use motcua_storage::officers::{self, OfficerRecord};
use motcua_storage::sessions::{self, SessionRecord};
use motcua_storage::totp::{self, ChallengeRecord, TotpRecord};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::password::MAX_PASSWORD_BYTES;
pub use crate::password::hash_password;
use crate::record::{self, Change, Ctx};
use crate::throttle::{Attempt, Rule};

/// Hex SHA-256 of a session token: what the sessions table stores.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An officer account as shown to people and API clients (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OfficerView {
    /// Account id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Home unit.
    pub unit_id: UnitId,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Version for optimistic concurrency.
    pub version: i64,
    /// Roles held.
    pub grants: Vec<Grant>,
}

impl OfficerView {
    fn new(record: OfficerRecord, grants: Vec<Grant>) -> Result<Self, AppError> {
        let unit_id = UnitId::parse(&record.unit_id)
            .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("stored officer unit: {e}")))?;
        Ok(Self {
            id: record.id,
            username: record.username,
            full_name: record.full_name,
            unit_id,
            disabled: record.disabled,
            version: record.version,
            grants,
        })
    }

    /// The principal this account acts as.
    pub fn principal(&self) -> Principal {
        Principal::Officer { id: self.id, unit: self.unit_id.clone(), grants: self.grants.clone() }
    }
}

/// Input for a new officer account.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewOfficer {
    /// Login name: 3 to 64 characters of a-z, 0-9, '.', '_' or '-'.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Home unit id.
    pub unit_id: String,
    /// Initial password, at least 10 characters.
    pub password: String,
    /// Roles to grant.
    pub grants: Vec<GrantInput>,
}

/// A role on a unit, as sent by clients.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct GrantInput {
    /// Role code (see `Role`).
    pub role: String,
    /// Unit id.
    pub unit_id: String,
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The cookie value (shown once, never stored).
    pub token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// Who logged in.
    pub officer: OfficerView,
}

/// How long the second step of a login may wait for the code.
const CHALLENGE_MINUTES: i64 = 5;

/// The longest username an account can have (ASCII, so characters and bytes alike).
const MAX_USERNAME: usize = 64;

/// The account key of a login: what an account's username can be, so that neither the throttle nor the audit trail
/// keeps more of a typed name than any account has (a stranger's megabyte username stays out of both).
fn login_key(typed: &str) -> String {
    typed.trim().chars().take(MAX_USERNAME).collect::<String>().to_lowercase()
}

/// The issuer shown by authenticator apps.
const TOTP_ISSUER: &str = "Một cửa";

/// The outcome of a login's first step.
#[derive(Debug, Clone)]
pub enum LoginStep {
    /// No second factor: the session is open.
    Session(LoginOutcome),
    /// The account has TOTP: send the code with this challenge (shown once, only its SHA-256 is stored).
    TotpRequired {
        /// The challenge token.
        challenge: String,
        /// After this instant the password must be given again.
        expires_at: DateTime<Utc>,
    },
}

/// A TOTP enrolment under way: shown once, on the page that started it.
#[derive(Clone)]
pub struct TotpEnrolment {
    /// The secret, base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://` URI, for the QR code.
    pub uri: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrolment(<redacted>)")
    }
}

fn own_officer(ctx: &Ctx) -> Result<Uuid, AppError> {
    match &ctx.principal {
        Principal::Officer { id, .. } => Ok(*id),
        _ => Err(AppError::code(ErrorCode::Unauthenticated)),
    }
}

/// What a TOTP seed is sealed for: its officer (a sealed seed copied to another officer's row does not open).
fn totp_purpose(officer: Uuid) -> String {
    format!("totp:{officer}")
}

/// A TOTP seed read back, and whether it was stored as legacy plaintext (sealed when next written).
struct TotpSeed {
    bytes: Option<Vec<u8>>,
    legacy: bool,
}

impl App {
    /// Opens the stored seed with the secrets key; a sealed seed that does not open is an error, never plaintext.
    fn totp_secret(&self, record: &TotpRecord) -> Result<TotpSeed, AppError> {
        let (text, was_sealed) =
            self.config.secrets.open_text(&totp_purpose(record.officer_id), &record.secret).map_err(|e| {
                tracing::error!(officer = %record.officer_id, "TOTP seed: {e}");
                AppError::detailed(ErrorCode::Internal, format!("TOTP seed of officer {}: {e}", record.officer_id))
            })?;
        Ok(TotpSeed { bytes: crate::totp::base32_decode(&text), legacy: !was_sealed })
    }

    /// The seed as stored: sealed for its officer.
    fn seal_totp(&self, officer: Uuid, base32: &str) -> String {
        self.config.secrets.seal(&totp_purpose(officer), base32.as_bytes())
    }
}

/// Where a login came from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Remote address.
    pub ip: Option<String>,
    /// Browser.
    pub user_agent: Option<String>,
}

fn validate_new_officer(input: &NewOfficer) -> Result<(String, String, UnitId, Vec<Grant>), AppError> {
    let mut errors = Vec::new();
    let username = input.username.trim().to_lowercase();
    let username_ok = (3..=MAX_USERNAME).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !username_ok {
        errors.push(FieldError::new(
            "username",
            "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
        ));
    }
    let full_name = normalize(&input.full_name);
    if full_name.is_empty() || full_name.chars().count() > 200 {
        errors.push(FieldError::new("full_name", "Họ và tên không được để trống và không quá 200 ký tự."));
    } else if let Err(problem) = motcua_domain::text::check_name(&full_name) {
        errors.push(FieldError::new("full_name", &motcua_domain::text::sentence(&format!("họ và tên {problem}"))));
    }
    if input.password.chars().count() < 10 || input.password.len() > MAX_PASSWORD_BYTES {
        errors.push(FieldError::new("password", "Mật khẩu phải có từ 10 ký tự, và không quá 256 byte."));
    }
    let unit = UnitId::parse(input.unit_id.trim());
    if unit.is_err() {
        errors.push(FieldError::new("unit_id", "Mã đơn vị không hợp lệ."));
    }
    let mut grants = Vec::new();
    for (i, g) in input.grants.iter().enumerate() {
        match (Role::parse(g.role.trim()), UnitId::parse(g.unit_id.trim())) {
            (Some(role), Ok(unit)) => grants.push(Grant { role, unit }),
            _ => errors.push(FieldError::new(&format!("grants[{i}]"), "Vai trò hoặc đơn vị không hợp lệ.")),
        }
    }
    match unit {
        Ok(unit) if errors.is_empty() => Ok((username, full_name, unit, grants)),
        _ => Err(AppError::Invalid(errors)),
    }
}

impl App {
    /// Creates an officer account. The caller must be allowed to manage officers of the
    /// home unit and of every unit a role is granted on: nobody grants beyond their reach.
    pub async fn create_officer(&self, ctx: &Ctx, input: NewOfficer) -> Result<OfficerView, AppError> {
        let (username, full_name, unit, grants) = validate_new_officer(&input)?;
        let tree = self.tree();
        let today = motcua_domain::time::local_date(self.now());
        let mut missing = Vec::new();
        for (field, u) in std::iter::once(("unit_id".to_owned(), &unit))
            .chain(grants.iter().enumerate().map(|(i, g)| (format!("grants[{i}]"), &g.unit)))
        {
            match tree.get(u) {
                Some(found) if found.is_active_on(today) => {}
                _ => missing.push(FieldError::new(&field, "Đơn vị không tồn tại hoặc đã hết hiệu lực.")),
            }
        }
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        self.require(&ctx.principal, Action::ManageOfficers, &unit)?;
        for grant in &grants {
            self.require_grant(&ctx.principal, grant)?;
        }
        let password_hash = self.hashing.hash(&input.password).await?;
        let now = self.now();
        let record = OfficerRecord {
            id: Uuid::now_v7(),
            username,
            full_name,
            unit_id: unit.to_string(),
            password_hash,
            disabled: false,
            version: 1,
            created_at: now,
        };
        let view = OfficerView::new(record.clone(), grants.clone())?;
        let ctx = ctx.clone();
        let payload =
            serde_json::json!({ "username": record.username, "full_name": record.full_name, "grants": grants });
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    officers::insert(tx, &record).await.map_err(|e| match e {
                        StorageError::Duplicate { .. } => AppError::code(ErrorCode::UsernameTaken),
                        other => other.into(),
                    })?;
                    officers::set_grants(tx, record.id, &grants).await?;
                    let change = Change {
                        subject_type: "officer",
                        subject_id: record.id.to_string(),
                        action: "officer.created",
                        unit: Some(unit),
                        payload,
                    };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok(view)
    }

    /// Checks a password and opens a session. An account with TOTP turned on is refused with
    /// [`ErrorCode::TotpRequired`]: use [`App::begin_login`] and [`App::login_with_totp`] for it.
    pub async fn login(&self, username: &str, password: &str, client: ClientInfo) -> Result<LoginOutcome, AppError> {
        match self.begin_login(username, password, client).await? {
            LoginStep::Session(outcome) => Ok(outcome),
            LoginStep::TotpRequired { .. } => Err(AppError::code(ErrorCode::TotpRequired)),
        }
    }

    /// The first step of a login: checks the password. Opens a session, or — for an account with TOTP turned on —
    /// only a login challenge that [`App::login_with_totp`] completes with the six-digit code.
    pub async fn begin_login(&self, username: &str, password: &str, client: ClientInfo) -> Result<LoginStep, AppError> {
        let key = login_key(username);
        let now = self.now();
        let attempt = self.login_attempt(&key, &client, now).await?;
        let mut tx = self.db.read().await?;
        let found = officers::by_username(&mut tx, &key).await?;
        let (grants, second_factor) = match &found {
            Some(o) => (officers::grants(&mut tx, o.id).await?, totp::get(&mut tx, o.id).await?),
            None => (Vec::new(), None),
        };
        tx.commit().await?;
        // An unknown user spends the same time as a real account.
        let verified = self.hashing.verify(password, found.as_ref().map(|o| o.password_hash.as_str())).await?
            && found.as_ref().is_some_and(|o| !o.disabled);
        let Some(officer) = found.filter(|_| verified) else {
            self.login_failed(&key, "session.login_failed", &client, now).await?;
            return Err(AppError::code(ErrorCode::BadCredentials));
        };
        if second_factor.is_some_and(|t| t.confirmed_at.is_some()) {
            // The password alone opens no session and clears nothing: the code's guesses count on the same keys.
            self.throttle.gave_back(attempt);
            let mut raw = [0_u8; 32];
            rand::rng().fill_bytes(&mut raw);
            let challenge = hex::encode(raw);
            let expires_at = now + chrono::Duration::minutes(CHALLENGE_MINUTES);
            let record = ChallengeRecord {
                token_hash: token_hash(&challenge),
                officer_id: officer.id,
                created_at: now,
                expires_at,
                client_ip: client.ip.clone(),
            };
            self.db.write(move |tx| Box::pin(async move { totp::insert_challenge(tx, &record).await })).await?;
            return Ok(LoginStep::TotpRequired { challenge, expires_at });
        }
        self.throttle.succeeded(attempt);
        self.open_session(officer, grants, client, now).await.map(LoginStep::Session)
    }

    /// The second step of a login: the six-digit code for the challenge of [`App::begin_login`]. A wrong code counts
    /// toward the login throttle like a wrong password; a code already used (same or earlier time step) is refused.
    pub async fn login_with_totp(
        &self,
        challenge: &str,
        code: &str,
        client: ClientInfo,
    ) -> Result<LoginOutcome, AppError> {
        let now = self.now();
        let hash = token_hash(challenge);
        let mut tx = self.db.read().await?;
        let found = totp::find_challenge(&mut tx, &hash, now).await?;
        let officer = match &found {
            Some(c) => officers::by_id(&mut tx, c.officer_id).await?,
            None => None,
        };
        let (grants, second_factor) = match &officer {
            Some(o) => (officers::grants(&mut tx, o.id).await?, totp::get(&mut tx, o.id).await?),
            None => (Vec::new(), None),
        };
        tx.commit().await?;
        let (Some(officer), Some(second_factor)) = (officer.filter(|o| !o.disabled), second_factor) else {
            return Err(AppError::code(ErrorCode::LoginChallengeExpired));
        };
        let key = officer.username.clone();
        let attempt = self.login_attempt(&key, &client, now).await?;
        let seed = self.totp_secret(&second_factor)?;
        let step = seed.bytes.as_deref().and_then(|s| crate::totp::matching_step(s, code, now.timestamp()));
        let officer_id = officer.id;
        // A legacy plaintext seed is sealed by the first login that uses it.
        let reseal = seed.legacy.then(|| self.seal_totp(officer_id, &second_factor.secret));
        let accepted = match step {
            Some(step) => {
                self.db
                    .write(move |tx| {
                        Box::pin(async move {
                            let fresh = totp::accept_step(tx, officer_id, step, now).await?;
                            if fresh {
                                totp::take_challenge(tx, &hash, now).await?;
                                if let Some(sealed) = &reseal {
                                    totp::set_secret(tx, officer_id, sealed).await?;
                                }
                            }
                            Ok::<_, AppError>(fresh)
                        })
                    })
                    .await?
            }
            None => false,
        };
        if !accepted {
            self.login_failed(&key, "session.totp_failed", &client, now).await?;
            return Err(AppError::code(ErrorCode::TotpCodeInvalid));
        }
        self.throttle.succeeded(attempt);
        self.open_session(officer, grants, client, now).await
    }

    /// Counts a login step against the client's address, the account from that address (both refused past their
    /// limits) and the account from anywhere (slowed down past the limit, never refused: strangers cannot lock an
    /// officer out); waits out the delay of a slowed account.
    async fn login_attempt(&self, key: &str, client: &ClientInfo, now: DateTime<Utc>) -> Result<Attempt, AppError> {
        let address = client.ip.as_deref().unwrap_or("unknown");
        let limit = self.config.login_attempts;
        let rules = vec![
            Rule::refuse(format!("client:{address}"), self.config.client_login_attempts, false),
            Rule::refuse(format!("account:{key}|{address}"), limit, true),
            Rule::slow(format!("account:{key}"), limit),
        ];
        let attempt = self.throttle.attempt(rules, now).map_err(|_| AppError::code(ErrorCode::TooManyAttempts))?;
        if !attempt.delay.is_zero() {
            tokio::time::sleep(attempt.delay).await;
        }
        Ok(attempt)
    }

    /// Records a failed step (already counted by the throttle).
    async fn login_failed(
        &self,
        key: &str,
        action: &'static str,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut payload = serde_json::json!({ "username": key });
        if let Some(ip) = &client.ip {
            payload["client_ip"] = ip.clone().into();
        }
        let change = Change { subject_type: "session", subject_id: key.to_owned(), action, unit: None, payload };
        let tree = self.tree();
        self.db
            .write(move |tx| Box::pin(async move { record::event(tx, &tree, now, &Ctx::system(), change).await }))
            .await?;
        Ok(())
    }

    async fn open_session(
        &self,
        officer: OfficerRecord,
        grants: Vec<Grant>,
        client: ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome, AppError> {
        let tree = self.tree();
        let mut raw = [0_u8; 32];
        rand::rng().fill_bytes(&mut raw);
        let token = hex::encode(raw);
        let expires_at = now + self.config.session_ttl;
        let view = OfficerView::new(officer, grants)?;
        let session = SessionRecord {
            token_hash: token_hash(&token),
            officer_id: view.id,
            created_at: now,
            expires_at,
            client_ip: client.ip.clone(),
            user_agent: client.user_agent.map(|ua| ua.chars().take(300).collect()),
        };
        let ctx = Ctx::new(view.principal(), None);
        let change = Change {
            subject_type: "officer",
            subject_id: view.id.to_string(),
            action: "session.created",
            unit: Some(view.unit_id.clone()),
            payload: serde_json::json!({ "client_ip": client.ip, "expires_at": expires_at }),
        };
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    sessions::insert(tx, &session).await?;
                    record::event(tx, &tree, now, &ctx, change).await
                })
            })
            .await?;
        Ok(LoginOutcome { token, expires_at, officer: view })
    }

    /// Whether the calling officer has TOTP turned on.
    pub async fn totp_enabled(&self, ctx: &Ctx) -> Result<bool, AppError> {
        let id = own_officer(ctx)?;
        let mut tx = self.db.read().await?;
        let found = totp::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(found.is_some_and(|t| t.confirmed_at.is_some()))
    }

    /// Starts the calling officer's TOTP enrolment: a new random 160-bit secret, returned this once (with the
    /// `otpauth://` URI for the QR code) and never again. It protects logins only after [`App::confirm_totp`].
    pub async fn begin_totp_enrolment(&self, ctx: &Ctx) -> Result<TotpEnrolment, AppError> {
        let id = own_officer(ctx)?;
        let mut tx = self.db.read().await?;
        let officer = officers::by_id(&mut tx, id).await?.ok_or_else(|| AppError::not_found("cán bộ"))?;
        let existing = totp::get(&mut tx, id).await?;
        tx.commit().await?;
        if existing.is_some_and(|t| t.confirmed_at.is_some()) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "code",
                "Tài khoản đã bật xác thực hai bước. Muốn đổi thiết bị, hãy đề nghị quản trị viên đặt lại.",
            )]));
        }
        let mut raw = [0_u8; 20];
        rand::rng().fill_bytes(&mut raw);
        let secret = crate::totp::base32_encode(&raw);
        let now = self.now();
        let record = TotpRecord {
            officer_id: id,
            secret: self.seal_totp(id, &secret),
            confirmed_at: None,
            last_step: None,
            created_at: now,
        };
        self.db.write(move |tx| Box::pin(async move { totp::replace(tx, &record).await })).await?;
        let uri = crate::totp::otpauth_uri(TOTP_ISSUER, &officer.username, &secret);
        Ok(TotpEnrolment { secret, uri })
    }

    /// Confirms the enrolment with the first code from the authenticator app; from then on every login asks for a
    /// code. Audited (`officer.totp_enabled`).
    pub async fn confirm_totp(&self, ctx: &Ctx, code: &str) -> Result<(), AppError> {
        let id = own_officer(ctx)?;
        let mut tx = self.db.read().await?;
        let record = totp::get(&mut tx, id).await?;
        let officer = officers::by_id(&mut tx, id).await?.ok_or_else(|| AppError::not_found("cán bộ"))?;
        tx.commit().await?;
        let Some(record) = record.filter(|r| r.confirmed_at.is_none()) else {
            return Err(AppError::Invalid(vec![FieldError::new(
                "code",
                "Chưa có yêu cầu bật xác thực hai bước đang chờ xác nhận. Vui lòng bắt đầu lại.",
            )]));
        };
        let now = self.now();
        let seed = self.totp_secret(&record)?;
        let Some(step) = seed.bytes.as_deref().and_then(|s| crate::totp::matching_step(s, code, now.timestamp()))
        else {
            return Err(AppError::Invalid(vec![FieldError::new("code", ErrorCode::TotpCodeInvalid.title_vi())]));
        };
        let unit =
            UnitId::parse(&officer.unit_id).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        let (tree, ctx) = (self.tree(), ctx.clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    if !totp::accept_step(tx, id, step, now).await? {
                        return Err(AppError::Invalid(vec![FieldError::new(
                            "code",
                            ErrorCode::TotpCodeInvalid.title_vi(),
                        )]));
                    }
                    let change = Change {
                        subject_type: "officer",
                        subject_id: id.to_string(),
                        action: "officer.totp_enabled",
                        unit: Some(unit),
                        payload: serde_json::json!({}),
                    };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok(())
                })
            })
            .await
    }

    /// The unit of officer `id`, once the caller is allowed to manage that unit's accounts.
    async fn managed_officer_unit(&self, ctx: &Ctx, id: Uuid) -> Result<UnitId, AppError> {
        let mut tx = self.db.read().await?;
        let record = officers::by_id(&mut tx, id).await?.ok_or_else(|| AppError::not_found("cán bộ"))?;
        tx.commit().await?;
        let unit =
            UnitId::parse(&record.unit_id).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        self.require(&ctx.principal, Action::ManageOfficers, &unit)?;
        Ok(unit)
    }

    /// Turns an officer's TOTP off (lost phone), for an administrator of the officer's unit; the officer may enrol
    /// again. Audited (`officer.totp_reset`).
    pub async fn reset_officer_totp(&self, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
        let unit = self.managed_officer_unit(ctx, id).await?;
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let had = totp::delete(tx, id).await?;
                    let change = Change {
                        subject_type: "officer",
                        subject_id: id.to_string(),
                        action: "officer.totp_reset",
                        unit: Some(unit),
                        payload: serde_json::json!({ "had_totp": had }),
                    };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// The officer behind a session cookie, if the session is valid and the account enabled.
    /// Recently authenticated sessions are kept for a few seconds (`session_cache`).
    pub async fn authenticate(&self, token: &str) -> Result<Option<OfficerView>, AppError> {
        let (hash, now) = (token_hash(token), self.now());
        let read = async {
            let mut tx = self.db.read().await?;
            let Some(session) = sessions::find_valid(&mut tx, &hash, now).await? else { return Ok(None) };
            let Some(officer) = officers::by_id(&mut tx, session.officer_id).await? else { return Ok(None) };
            if officer.disabled {
                return Ok(None);
            }
            let grants = officers::grants(&mut tx, officer.id).await?;
            tx.commit().await?;
            Ok(Some((OfficerView::new(officer, grants)?, session.expires_at)))
        };
        self.officer_sessions.get_or_read(hash.clone(), now, read).await
    }

    /// Ends a session.
    pub async fn logout(&self, ctx: &Ctx, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let ended = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    if sessions::delete(tx, &hash).await?
                        && let Principal::Officer { id, unit, .. } = &ctx.principal
                    {
                        let change = Change {
                            subject_type: "officer",
                            subject_id: id.to_string(),
                            action: "session.ended",
                            unit: Some(unit.clone()),
                            payload: serde_json::json!({}),
                        };
                        record::event(tx, &tree, now, &ctx, change).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await;
        self.officer_sessions.clear();
        ended
    }

    /// The officers of a unit, for those allowed to see them.
    pub async fn officers_of_unit(&self, ctx: &Ctx, unit: &str) -> Result<Vec<OfficerView>, AppError> {
        let unit = UnitId::parse(unit).map_err(|_| AppError::not_found(format!("đơn vị {unit}")))?;
        if self.tree().get(&unit).is_none() {
            return Err(AppError::not_found(format!("đơn vị {unit}")));
        }
        self.require(&ctx.principal, Action::ViewOfficers, &unit)?;
        let mut tx = self.db.read().await?;
        let records = officers::of_unit(&mut tx, &unit).await?;
        let ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
        let mut grants = officers::grants_of(&mut tx, &ids).await?;
        tx.commit().await?;
        records
            .into_iter()
            .map(|r| {
                let own = grants.remove(&r.id).unwrap_or_default();
                OfficerView::new(r, own)
            })
            .collect()
    }

    /// Disables or re-enables an account; disabling ends all its sessions at once.
    pub async fn set_officer_disabled(
        &self,
        ctx: &Ctx,
        id: Uuid,
        disabled: bool,
        version: i64,
    ) -> Result<(), AppError> {
        let unit = self.managed_officer_unit(ctx, id).await?;
        // An administrator who disabled their own account could be the last one, with no way back.
        if disabled && own_officer(ctx).is_ok_and(|me| me == id) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "disabled",
                "Không thể tự khoá tài khoản của chính mình; hãy đề nghị một quản trị viên khác.",
            )]));
        }
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let changed = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    officers::set_disabled(tx, id, disabled, version, now).await?;
                    if disabled {
                        sessions::delete_of_officer(tx, id).await?;
                    }
                    let change = Change {
                        subject_type: "officer",
                        subject_id: id.to_string(),
                        action: if disabled { "officer.disabled" } else { "officer.enabled" },
                        unit: Some(unit),
                        payload: serde_json::json!({ "version": version.saturating_add(1) }),
                    };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await;
        self.officer_sessions.clear();
        changed
    }
}
