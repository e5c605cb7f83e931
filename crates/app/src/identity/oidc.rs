//! The OpenID Connect relying party: discovery, the authorization request (code + PKCE S256, nonce, state), the
//! code exchange and the ID token's verification (signature against the provider's JWKS, issuer, audience, expiry,
//! nonce), with `openidconnect` over the workspace's reqwest 0.13 client (stack.md pitfall 3: its own default HTTP
//! client would bring a second reqwest with ring).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::catalogue::Assurance;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim,
    CoreIdTokenVerifier, CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse,
    CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse as _,
};
use serde::{Deserialize, Serialize};

use super::IdentityConfig;
use crate::error::{AppError, ErrorCode};

/// The claim carrying the personal ID number (see docs/identity.md).
pub const PERSONAL_ID_CLAIM: &str = "personal_id";

/// Claims beyond the standard ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VneidClaims {
    /// The 12-digit personal ID number.
    #[serde(rename = "personal_id")]
    pub personal_id: String,
    /// An organisation account's tax code; absent for a personal account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_tax_code: Option<String>,
    /// An organisation account's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
}

impl AdditionalClaims for VneidClaims {}

type VneidTokenResponse = StandardTokenResponse<
    IdTokenFields<
        VneidClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type VneidClient = Client<
    VneidClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    VneidTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long discovered metadata (and with it the JWKS) is trusted before it is fetched again (key rotation).
const METADATA_TTL: chrono::Duration = chrono::Duration::minutes(15);

/// The relying party for one provider; metadata is discovered on first use and cached.
#[derive(Clone)]
pub struct RelyingParty {
    config: IdentityConfig,
    http: reqwest::Client,
    metadata: Arc<RwLock<Option<Discovered>>>,
}

/// Provider metadata (with its JWKS) and when it was fetched.
type Discovered = (DateTime<Utc>, CoreProviderMetadata);

/// What the provider vouched for, after every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The provider's subject.
    pub subject: String,
    /// The 12-digit personal ID number.
    pub id_number: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Assurance level (`acr`).
    pub assurance: Assurance,
    /// The organisation, when the person logged in with an organisation's account.
    pub organisation: Option<super::OrganisationAccount>,
}

/// An authorization request: where to send the browser, and the secrets the callback needs.
pub struct AuthorizationStart {
    /// The provider's authorize URL with every parameter.
    pub url: String,
    /// The `state` sent.
    pub state: String,
    /// The `nonce` sent.
    pub nonce: String,
    /// The PKCE verifier of the challenge sent.
    pub pkce_verifier: String,
}

#[derive(Debug, thiserror::Error)]
enum HttpError {
    #[error(transparent)]
    Reqwest(#[from] reqwest::Error),
    #[error(transparent)]
    Http(#[from] openidconnect::http::Error),
}

/// The adapter: one openidconnect request through our reqwest client.
async fn send(
    http: &reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let response = http.request(parts.method, parts.uri.to_string()).headers(parts.headers).body(body).send().await?;
    let mut builder = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    Ok(builder.body(response.bytes().await?.to_vec())?)
}

/// The HTTP client as openidconnect wants it; each request's future owns its clone of the client, so it is `Send`
/// for any borrow (the futures of axum handlers must be).
fn http_client(
    http: &reqwest::Client,
) -> impl Fn(
    openidconnect::HttpRequest,
) -> std::pin::Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send>> {
    let http = http.clone();
    move |request| {
        let http = http.clone();
        Box::pin(async move { send(&http, request).await })
    }
}

fn unavailable(e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, "identity provider unreachable or misbehaving");
    AppError::code(ErrorCode::IdentityUnavailable)
}

fn refused(reason: &str, e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, reason, "citizen login refused");
    AppError::detailed(ErrorCode::IdentityLoginFailed, reason)
}

impl RelyingParty {
    /// A relying party for `config`; nothing is fetched yet.
    pub fn new(config: IdentityConfig) -> Result<Self, AppError> {
        // No redirects: a token endpoint that redirects must not send our secret elsewhere (SSRF).
        let http = crate::http::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("identity HTTP client: {e}")))?;
        Ok(Self { config, http, metadata: Arc::new(RwLock::new(None)) })
    }

    /// The settings.
    pub fn config(&self) -> &IdentityConfig {
        &self.config
    }

    async fn client(&self, now: DateTime<Utc>) -> Result<VneidClient, AppError> {
        let cached = self.metadata.read().unwrap_or_else(|e| e.into_inner()).clone();
        let metadata = match cached {
            Some((at, m)) if now - at < METADATA_TTL => m,
            _ => {
                let issuer = IssuerUrl::new(self.config.issuer_url.clone()).map_err(unavailable)?;
                let m = CoreProviderMetadata::discover_async(issuer, &http_client(&self.http))
                    .await
                    .map_err(unavailable)?;
                *self.metadata.write().unwrap_or_else(|e| e.into_inner()) = Some((now, m.clone()));
                m
            }
        };
        let redirect = RedirectUrl::new(self.config.redirect_url.clone()).map_err(unavailable)?;
        Ok(VneidClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Builds the authorization request with a fresh state, nonce and PKCE challenge.
    pub async fn start(&self, now: DateTime<Utc>) -> Result<AuthorizationStart, AppError> {
        let client = self.client(now).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(AuthorizationStart {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier) and verifies the ID token: signature, issuer, audience, expiry
    /// (against `clock`) and nonce; then reads the VNeID claims.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        clock: impl Fn() -> DateTime<Utc> + Send + Sync,
    ) -> Result<VerifiedIdentity, AppError> {
        let client = self.client(clock()).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&http_client(&self.http))
            .await
            .map_err(|e| {
                refused("Hệ thống định danh không chấp nhận mã đăng nhập (mã đã dùng, hết hạn hoặc sai).", e)
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| refused("Hệ thống định danh không trả về thẻ định danh (ID token).", "no id_token"))?;
        let verifier = client.id_token_verifier().set_time_fn(clock);
        identity_of(id_token, &verifier, nonce)
    }
}

/// An ID token as the provider sends it, with the VNeID claims.
type VneidIdToken = IdToken<VneidClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// The checks of [`RelyingParty::finish`] on a raw ID token, without HTTP: `config` names the issuer and the
/// client, `jwks` is the provider's key set as JSON, `signing_algs` the algorithms its metadata announces
/// (`id_token_signing_alg_values_supported`; unknown names are dropped) and `now` the verification time. Public so
/// that the fuzz harness (`crates/fuzz`) reaches the token parsing, the signature and claims checks and the VNeID
/// claims mapping; the login itself goes through `finish`.
pub fn verify_id_token(
    raw: &str,
    config: &IdentityConfig,
    jwks: &str,
    signing_algs: &[&str],
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedIdentity, AppError> {
    let id_token: VneidIdToken = raw.parse().map_err(|e| refused("Thẻ định danh không hợp lệ.", e))?;
    let keys: CoreJsonWebKeySet = serde_json::from_str(jwks).map_err(unavailable)?;
    let issuer = IssuerUrl::new(config.issuer_url.clone()).map_err(unavailable)?;
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(config.client_id.clone()),
        ClientSecret::new(config.client_secret.clone()),
        issuer,
        keys,
    )
    .set_allowed_algs(
        signing_algs.iter().filter_map(|a| serde_json::from_value::<CoreJwsSigningAlgorithm>((*a).into()).ok()),
    )
    .set_time_fn(move || now);
    identity_of(&id_token, &verifier, nonce)
}

/// Verifies the token (signature, issuer, audience, expiry, nonce) and reads the VNeID claims.
fn identity_of(
    id_token: &VneidIdToken,
    verifier: &CoreIdTokenVerifier<'_>,
    nonce: &str,
) -> Result<VerifiedIdentity, AppError> {
    let claims = id_token.claims(verifier, &Nonce::new(nonce.to_owned())).map_err(|e| {
        use openidconnect::ClaimsVerificationError as E;
        let reason = match &e {
            E::SignatureVerification(_) => "Chữ ký của thẻ định danh không hợp lệ.",
            E::Expired(_) => "Thẻ định danh đã hết hạn.",
            E::InvalidNonce(_) => "Thẻ định danh không thuộc phiên đăng nhập này (nonce không khớp).",
            E::InvalidAudience(_) => "Thẻ định danh được cấp cho ứng dụng khác.",
            E::InvalidIssuer(_) => "Thẻ định danh do một nơi khác cấp.",
            _ => "Thẻ định danh không hợp lệ.",
        };
        refused(reason, e)
    })?;
    let id_number = motcua_domain::identity::IdNumber::parse(&claims.additional_claims().personal_id)
        .map_err(|e| refused("Số định danh cá nhân do hệ thống định danh trả về không hợp lệ.", e))?;
    let assurance = match claims.auth_context_ref().map(|acr| acr.as_str()) {
        Some(super::ACR_L2) => Assurance::L2,
        Some(super::ACR_L1) => Assurance::L1,
        other => {
            return Err(refused("Không xác định được mức độ định danh điện tử của tài khoản.", format!("{other:?}")));
        }
    };
    let full_name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| motcua_domain::text::normalize(n.as_str()))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| refused("Hệ thống định danh không trả về họ tên.", "no name"))?;
    let birth_date = claims.birthdate().and_then(|b| NaiveDate::parse_from_str(b.as_str(), "%Y-%m-%d").ok());
    let extra = claims.additional_claims();
    let organisation = organisation_of(extra.org_tax_code.as_deref(), extra.org_name.as_deref())?;
    Ok(VerifiedIdentity {
        subject: claims.subject().as_str().to_owned(),
        id_number: id_number.as_str().to_owned(),
        full_name,
        birth_date,
        assurance,
        organisation,
    })
}

/// The organisation of an organisation account: both claims or neither, and a valid tax code.
fn organisation_of(tax_code: Option<&str>, name: Option<&str>) -> Result<Option<super::OrganisationAccount>, AppError> {
    let name = name.map(motcua_domain::text::normalize).filter(|n| !n.is_empty());
    match (tax_code, name) {
        (None, None) => Ok(None),
        (Some(tax_code), Some(name)) => {
            let tax_code = motcua_domain::representation::TaxCode::parse(tax_code)
                .map_err(|e| refused("Mã số thuế của tổ chức do hệ thống định danh trả về không hợp lệ.", e))?;
            Ok(Some(super::OrganisationAccount { tax_code: tax_code.as_str().to_owned(), name }))
        }
        _ => Err(refused(
            "Tài khoản tổ chức thiếu mã số thuế hoặc tên tổ chức; không thể đăng nhập thay mặt tổ chức.",
            "org_tax_code and org_name must come together",
        )),
    }
}
