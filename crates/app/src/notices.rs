//! Notices to applicants: every change of a dossier's status is told to its applicant — a notice in the portal
//! (stored by personal ID number) and, when configured, an e-mail (SMTP) or an SMS (an HTTP gateway). The copies are
//! jobs (`notice.email`, `notice.sms`) enqueued in the transaction of the change, so they exist exactly when the
//! change does and survive a crash; the job runner sends them and stamps the notice.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use motcua_domain::access::Principal;
use motcua_domain::dossier::Status;
use motcua_storage::dossier_work::{self as store, NoticeRecord};
use motcua_storage::dossiers::DossierRecord;
use motcua_storage::{StorageError, Tx};
use serde::Serialize;
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::jobs::JobHandler;

/// The job kind that e-mails a notice.
pub const EMAIL_JOB: &str = "notice.email";
/// The job kind that texts a notice.
pub const SMS_JOB: &str = "notice.sms";

/// Which copies of a notice are sent (a channel is on when its job handler is registered).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeChannels {
    /// E-mail through SMTP.
    pub email: bool,
    /// SMS through the gateway.
    pub sms: bool,
}

/// A notice as the applicant sees it in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Id.
    pub id: Uuid,
    /// The dossier.
    pub dossier: Uuid,
    /// Its code.
    pub code: Option<String>,
    /// The status it reached.
    pub status: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The subject and text of the notice of a dossier reaching its current status.
pub fn compose(record: &DossierRecord, procedure_name: &str) -> (String, String) {
    let status = match Status::parse(&record.status) {
        Some(s) => s.label_vi(),
        None => record.status.as_str(),
    };
    let code = record.code.clone().unwrap_or_default();
    let name = record.applicant.0.get("full_name").and_then(|v| v.as_str()).unwrap_or_default();
    let subject = format!("Hồ sơ {code}: {status}");
    let due = record
        .due_at
        .filter(|_| !Status::parse(&record.status).is_some_and(Status::is_terminal))
        .map(|d| {
            format!("\nHẹn trả kết quả: {}.", motcua_domain::time::to_local(d).format("%H giờ %M phút, ngày %d/%m/%Y"))
        })
        .unwrap_or_default();
    let body = format!(
        "Kính gửi ông/bà {name},\n\nHồ sơ {code} ({procedure_name}) đã chuyển sang trạng thái: {status}.{due}\n\n\
         Ông/bà có thể tra cứu tình trạng hồ sơ tại Cổng dịch vụ công bằng mã hồ sơ và mã tra cứu in trên giấy \
         tiếp nhận.\n\nĐây là thư tự động, vui lòng không trả lời thư này."
    );
    (subject, body)
}

/// Stores the notice of `record`'s current status for its applicant and enqueues its e-mail and SMS copies, in the
/// caller's transaction.
pub(crate) async fn enqueue(
    tx: &mut Tx,
    channels: &NoticeChannels,
    now: DateTime<Utc>,
    record: &DossierRecord,
    procedure_name: &str,
) -> Result<(), StorageError> {
    let field = |k: &str| {
        record.applicant.0.get(k).and_then(|v| v.as_str()).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    let Some(recipient) = field("id_number") else { return Ok(()) };
    let (subject, body) = compose(record, procedure_name);
    let notice = NoticeRecord {
        id: Uuid::now_v7(),
        province_id: record.province_id.clone(),
        recipient,
        dossier_id: record.id,
        code: record.code.clone(),
        status: record.status.clone(),
        subject,
        body,
        email: field("email").filter(|_| channels.email),
        phone: field("phone").filter(|_| channels.sms),
        created_at: now,
        read_at: None,
        emailed_at: None,
        texted_at: None,
    };
    store::insert_notice(tx, &notice).await?;
    let payload = serde_json::json!({ "notice": notice.id });
    if notice.email.is_some() {
        crate::jobs::enqueue(tx, now, EMAIL_JOB, payload.clone(), None).await?;
    }
    if notice.phone.is_some() {
        crate::jobs::enqueue(tx, now, SMS_JOB, payload, None).await?;
    }
    Ok(())
}

/// How to reach the SMTP server (the `[smtp]` settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Login, if the server wants one.
    pub username: Option<String>,
    /// Password (never logged).
    pub password: Option<String>,
    /// The sender, e.g. `Một cửa Đà Nẵng <motcua@danang.gov.vn>`.
    pub from: String,
}

/// Sends the e-mail copies of notices.
pub struct EmailNotices {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl EmailNotices {
    /// A sender over plain SMTP to a relay (the relay on the loopback or in the government network adds TLS).
    pub fn new(settings: &SmtpSettings) -> Result<Self, AppError> {
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Địa chỉ gửi thư không hợp lệ: {e}.")))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone()).port(settings.port);
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { mailer: builder.build(), from })
    }
}

async fn notice_of(app: &App, payload: &serde_json::Value) -> Result<NoticeRecord, String> {
    let id = payload
        .get("notice")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or("payload has no notice id")?;
    let mut tx = app.db().read().await.map_err(|e| e.to_string())?;
    let notice = store::notice(&mut tx, id).await.map_err(|e| e.to_string())?.ok_or("notice not found")?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(notice)
}

async fn stamp(app: &App, id: Uuid, channel: &'static str) -> Result<(), String> {
    let now = app.now();
    app.db()
        .write(move |tx| Box::pin(async move { store::notice_sent(tx, id, channel, now).await }))
        .await
        .map_err(|e| e.to_string())
}

impl JobHandler for EmailNotices {
    fn kind(&self) -> &'static str {
        EMAIL_JOB
    }

    fn run<'a>(&'a self, app: &'a App, payload: &'a serde_json::Value) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let notice = notice_of(app, payload).await?;
            // Sent already (the job ran before but its success was not recorded): do not send twice.
            if notice.emailed_at.is_some() {
                return Ok(());
            }
            let to = notice.email.as_deref().ok_or("notice has no e-mail address")?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to.parse::<Mailbox>().map_err(|e| format!("bad address: {e}"))?)
                .subject(notice.subject.clone())
                .body(notice.body.clone())
                .map_err(|e| e.to_string())?;
            self.mailer.send(message).await.map_err(|e| e.to_string())?;
            stamp(app, notice.id, "email").await
        })
    }
}

/// An SMS gateway (the province's contracted provider; none is wired to a real one here).
pub trait SmsGateway: Send + Sync {
    /// Sends `text` to `phone`.
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> BoxFuture<'a, Result<(), String>>;
}

/// A gateway reached by `POST {url}` with `{"to": phone, "text": text}` and an optional bearer token.
pub struct HttpSmsGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

impl HttpSmsGateway {
    /// A gateway at `url`.
    pub fn new(url: impl Into<String>, token: Option<String>) -> Self {
        Self { client: crate::http::client(), url: url.into(), token }
    }
}

impl SmsGateway for HttpSmsGateway {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let mut request = self.client.post(&self.url).json(&serde_json::json!({ "to": phone, "text": text }));
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.map_err(|e| e.to_string())?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("SMS gateway answered {}", response.status()))
            }
        })
    }
}

/// Sends the SMS copies of notices.
pub struct SmsNotices(pub Arc<dyn SmsGateway>);

impl JobHandler for SmsNotices {
    fn kind(&self) -> &'static str {
        SMS_JOB
    }

    fn run<'a>(&'a self, app: &'a App, payload: &'a serde_json::Value) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let notice = notice_of(app, payload).await?;
            if notice.texted_at.is_some() {
                return Ok(());
            }
            let phone = notice.phone.as_deref().ok_or("notice has no phone")?;
            // An SMS carries the subject only: the code and the new status.
            self.0.send(phone, &notice.subject).await?;
            stamp(app, notice.id, "sms").await
        })
    }
}

impl App {
    /// Which copies of notices are sent: a channel is on once its handler is registered.
    pub fn notice_channels(&self) -> NoticeChannels {
        NoticeChannels { email: self.jobs.has(EMAIL_JOB), sms: self.jobs.has(SMS_JOB) }
    }

    /// Sends notices by e-mail from now on.
    pub fn enable_email_notices(&self, settings: &SmtpSettings) -> Result<(), AppError> {
        self.register_job(Arc::new(EmailNotices::new(settings)?));
        Ok(())
    }

    /// Sends notices by SMS through `gateway` from now on.
    pub fn enable_sms_notices(&self, gateway: Arc<dyn SmsGateway>) {
        self.register_job(Arc::new(SmsNotices(gateway)));
    }

    /// The notices of the logged-in citizen, newest first (the portal's "thông báo").
    pub async fn notices_for(&self, principal: &Principal) -> Result<Vec<Notice>, AppError> {
        let id_number = crate::identity::person_of(principal)?;
        let mut tx = self.db().read().await?;
        let list = store::notices_for(&mut tx, id_number, 100).await?;
        tx.commit().await?;
        Ok(list
            .into_iter()
            .map(|n| Notice {
                id: n.id,
                dossier: n.dossier_id,
                code: n.code,
                status: n.status,
                subject: n.subject,
                body: n.body,
                created_at: n.created_at,
            })
            .collect())
    }
}
