//! Errors of the use cases, and the registry of stable error codes.
//!
//! A code is a public contract of the API (`type` and `code` of problem+json): never
//! rename one. Each has an HTTP status and a Vietnamese message for people.

use motcua_domain::access::Denied;
use motcua_storage::StorageError;

/// Stable machine codes, with their HTTP status and Vietnamese title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Input failed validation.
    InvalidInput,
    /// The request body is not valid JSON or has the wrong shape.
    MalformedBody,
    /// The request body is too large.
    BodyTooLarge,
    /// Nothing at this address.
    NotFound,
    /// The method is not allowed here.
    MethodNotAllowed,
    /// Login required.
    Unauthenticated,
    /// Logged in, but not allowed.
    Forbidden,
    /// Wrong username or password (or disabled account: not told apart, on purpose).
    BadCredentials,
    /// Too many failed logins.
    TooManyAttempts,
    /// The password was right; the account asks for its six-digit TOTP code as a second step.
    TotpRequired,
    /// The TOTP code is wrong, outside its window or already used.
    TotpCodeInvalid,
    /// The login's second step came too late (or with an unknown challenge): give the password again.
    LoginChallengeExpired,
    /// The username is taken.
    UsernameTaken,
    /// Someone else changed the record first.
    StaleVersion,
    /// An idempotency key was reused with a different request.
    IdempotencyKeyReused,
    /// A cross-site request was refused.
    CsrfRejected,
    /// The database is busy or unreachable; retry later.
    Unavailable,
    /// The database disk is full.
    StorageFull,
    /// The request took too long.
    Timeout,
    /// A bug: logged with the request id.
    Internal,
    /// The citizen login through the identity provider was refused (bad token, state, nonce …).
    IdentityLoginFailed,
    /// The identity provider cannot be reached or is not configured.
    IdentityUnavailable,
    /// The session's VNeID assurance level is below the procedure's minimum.
    AssuranceTooLow,
    /// The national population database cannot be reached (the citizen may declare the data instead).
    PopulationUnavailable,
    /// The lookup log could not be written, so the lookup is not answered (fail closed).
    LookupLogUnavailable,
    /// A file is larger than the limit of its slot.
    FileTooLarge,
    /// The bytes are not of an accepted kind (PDF, JPEG, PNG, XML where allowed).
    FileTypeRefused,
    /// The antivirus scanner found malware.
    FileInfected,
    /// The upload broke off before its end; nothing was kept.
    UploadIncomplete,
    /// A share link's time is over.
    ShareLinkExpired,
    /// An electronic result's signature does not verify.
    SignatureInvalid,
    /// A supplement request demands a component whose valid document is in the warehouse.
    ComponentInWarehouse,
    /// The dossier has not reached the event that creates this form (or its set has no such form).
    FormNotAvailable,
    /// A part this build was compiled without (e.g. PDF forms without the `pdf` feature).
    NotBuilt,
    /// Filing for another person without a recorded relationship (kind and evidence).
    RepresentationNotRecorded,
    /// The relationship claimed for filing on another person's behalf could not be verified.
    RepresentationNotVerified,
    /// The filer has filed the most dossiers online one person may file in a day.
    FilerDailyLimitReached,
    /// The unit's share of the day's dossier codes for online filings is used up; the rest is kept for the counter
    /// and the post.
    UnitOnlineShareUsed,
}

impl ErrorCode {
    /// Every code, for the registry test and the documentation.
    pub const ALL: [ErrorCode; 38] = [
        Self::InvalidInput,
        Self::MalformedBody,
        Self::BodyTooLarge,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::BadCredentials,
        Self::TooManyAttempts,
        Self::TotpRequired,
        Self::TotpCodeInvalid,
        Self::LoginChallengeExpired,
        Self::UsernameTaken,
        Self::StaleVersion,
        Self::IdempotencyKeyReused,
        Self::CsrfRejected,
        Self::Unavailable,
        Self::StorageFull,
        Self::Timeout,
        Self::Internal,
        Self::IdentityLoginFailed,
        Self::IdentityUnavailable,
        Self::AssuranceTooLow,
        Self::FileTooLarge,
        Self::FileTypeRefused,
        Self::FileInfected,
        Self::UploadIncomplete,
        Self::ShareLinkExpired,
        Self::SignatureInvalid,
        Self::ComponentInWarehouse,
        Self::FormNotAvailable,
        Self::NotBuilt,
        Self::PopulationUnavailable,
        Self::LookupLogUnavailable,
        Self::RepresentationNotRecorded,
        Self::RepresentationNotVerified,
        Self::FilerDailyLimitReached,
        Self::UnitOnlineShareUsed,
    ];

    /// The snake_case code sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::MalformedBody => "malformed_body",
            Self::BodyTooLarge => "body_too_large",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::BadCredentials => "bad_credentials",
            Self::TooManyAttempts => "too_many_attempts",
            Self::TotpRequired => "totp_required",
            Self::TotpCodeInvalid => "totp_code_invalid",
            Self::LoginChallengeExpired => "login_challenge_expired",
            Self::UsernameTaken => "username_taken",
            Self::StaleVersion => "stale_version",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::CsrfRejected => "csrf_rejected",
            Self::Unavailable => "unavailable",
            Self::StorageFull => "storage_full",
            Self::Timeout => "timeout",
            Self::Internal => "internal",
            Self::IdentityLoginFailed => "identity_login_failed",
            Self::IdentityUnavailable => "identity_unavailable",
            Self::AssuranceTooLow => "assurance_too_low",
            Self::PopulationUnavailable => "population_unavailable",
            Self::LookupLogUnavailable => "lookup_log_unavailable",
            Self::FileTooLarge => "file_too_large",
            Self::FileTypeRefused => "file_type_refused",
            Self::FileInfected => "file_infected",
            Self::UploadIncomplete => "upload_incomplete",
            Self::ShareLinkExpired => "share_link_expired",
            Self::SignatureInvalid => "signature_invalid",
            Self::ComponentInWarehouse => "component_in_warehouse",
            Self::FormNotAvailable => "form_not_available",
            Self::NotBuilt => "not_built",
            Self::RepresentationNotRecorded => "representation_not_recorded",
            Self::RepresentationNotVerified => "representation_not_verified",
            Self::FilerDailyLimitReached => "filer_daily_limit_reached",
            Self::UnitOnlineShareUsed => "unit_online_share_used",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidInput => 422,
            Self::MalformedBody => 400,
            Self::BodyTooLarge => 413,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden | Self::CsrfRejected => 403,
            Self::TooManyAttempts => 429,
            Self::TotpRequired | Self::TotpCodeInvalid | Self::LoginChallengeExpired => 401,
            Self::UsernameTaken | Self::StaleVersion | Self::IdempotencyKeyReused => 409,
            Self::Unavailable | Self::StorageFull => 503,
            Self::Timeout => 408,
            Self::Internal => 500,
            Self::IdentityLoginFailed => 401,
            Self::IdentityUnavailable => 502,
            Self::AssuranceTooLow => 403,
            Self::PopulationUnavailable => 502,
            Self::LookupLogUnavailable => 503,
            Self::FileTooLarge => 413,
            Self::FileTypeRefused => 415,
            Self::FileInfected => 422,
            Self::UploadIncomplete => 400,
            Self::ShareLinkExpired => 410,
            Self::SignatureInvalid => 422,
            Self::ComponentInWarehouse => 409,
            Self::FormNotAvailable => 409,
            Self::NotBuilt => 501,
            Self::RepresentationNotRecorded | Self::RepresentationNotVerified => 422,
            Self::FilerDailyLimitReached => 429,
            // Not the caller's rate: the unit cannot take more online filings today, whoever asks.
            Self::UnitOnlineShareUsed => 503,
        }
    }

    /// What a person reads, in Vietnamese.
    pub fn title_vi(self) -> &'static str {
        match self {
            Self::InvalidInput => "Thông tin nhập chưa hợp lệ.",
            Self::MalformedBody => "Dữ liệu gửi lên không đúng định dạng.",
            Self::BodyTooLarge => "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
            Self::NotFound => "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
            Self::MethodNotAllowed => "Phương thức yêu cầu không được hỗ trợ tại địa chỉ này.",
            Self::Unauthenticated => "Vui lòng đăng nhập để tiếp tục.",
            Self::Forbidden => "Bạn không có quyền thực hiện thao tác này.",
            Self::BadCredentials => "Tên đăng nhập hoặc mật khẩu không đúng.",
            Self::TooManyAttempts => "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
            Self::TotpRequired => {
                "Tài khoản đã bật xác thực hai bước: vui lòng nhập mã xác thực 6 chữ số từ ứng dụng xác thực."
            }
            Self::TotpCodeInvalid => {
                "Mã xác thực không đúng, đã hết hạn hoặc đã được dùng. Vui lòng nhập mã mới đang hiển thị trong ứng dụng xác thực."
            }
            Self::LoginChallengeExpired => "Phiên đăng nhập đã hết hạn. Vui lòng nhập lại tên đăng nhập và mật khẩu.",
            Self::UsernameTaken => "Tên đăng nhập đã được sử dụng.",
            Self::StaleVersion => "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại và thử lại.",
            Self::IdempotencyKeyReused => "Khóa chống gửi trùng (Idempotency-Key) đã được dùng cho một yêu cầu khác.",
            Self::CsrfRejected => "Yêu cầu bị từ chối vì không xuất phát từ trang của hệ thống.",
            Self::Unavailable => "Hệ thống đang bận hoặc tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
            Self::StorageFull => "Hệ thống tạm thời không thể lưu dữ liệu. Quản trị viên đã được báo.",
            Self::Timeout => "Yêu cầu xử lý quá lâu. Vui lòng thử lại.",
            Self::Internal => "Đã có lỗi xảy ra. Vui lòng thử lại hoặc liên hệ quản trị viên.",
            Self::IdentityLoginFailed => "Đăng nhập bằng tài khoản định danh điện tử (VNeID) không thành công.",
            Self::IdentityUnavailable => {
                "Chưa kết nối được với hệ thống định danh điện tử (VNeID). Vui lòng thử lại sau ít phút."
            }
            Self::AssuranceTooLow => "Mức độ định danh điện tử của tài khoản chưa đủ cho thủ tục này.",
            Self::PopulationUnavailable => {
                "Chưa kết nối được với Cơ sở dữ liệu quốc gia về dân cư. Bạn có thể tự kê khai thông tin; hồ sơ sẽ ghi nhận là thông tin tự kê khai, chưa được xác thực."
            }
            Self::LookupLogUnavailable => {
                "Không ghi được nhật ký tra cứu nên hệ thống chưa trả kết quả tra cứu. Vui lòng thử lại sau ít phút."
            }
            Self::FileTooLarge => "Tệp vượt quá dung lượng cho phép.",
            Self::FileTypeRefused => "Loại tệp không được chấp nhận (hệ thống kiểm tra nội dung tệp, không theo tên).",
            Self::FileInfected => "Tệp chứa mã độc và đã bị từ chối.",
            Self::UploadIncomplete => "Việc tải tệp lên bị gián đoạn; không có gì được lưu.",
            Self::ShareLinkExpired => "Liên kết chia sẻ đã hết hạn.",
            Self::SignatureInvalid => "Chữ ký của kết quả điện tử không hợp lệ.",
            Self::ComponentInWarehouse => {
                "Thành phần hồ sơ đã có trong Kho dữ liệu của người nộp; không được yêu cầu nộp lại."
            }
            Self::FormNotAvailable => {
                "Hồ sơ chưa có biểu mẫu này (chưa phát sinh sự việc tạo biểu mẫu, hoặc bộ biểu mẫu áp dụng cho hồ sơ không có mẫu này)."
            }
            Self::NotBuilt => {
                "Bản cài đặt này không có chức năng được yêu cầu (ví dụ: xuất biểu mẫu PDF). Vui lòng liên hệ quản trị hệ thống."
            }
            Self::RepresentationNotRecorded => {
                "Chưa ghi nhận quan hệ giữa người nộp và người được nộp hồ sơ thay (ủy quyền, cha mẹ hoặc giám hộ) nên không nộp được hồ sơ."
            }
            Self::RepresentationNotVerified => {
                "Không xác minh được quan hệ giữa người nộp và người được nộp hồ sơ thay nên không nộp được hồ sơ."
            }
            Self::FilerDailyLimitReached => {
                "Bạn đã nộp đủ số hồ sơ trực tuyến được phép trong ngày. Vui lòng nộp tiếp vào ngày hôm sau hoặc nộp trực tiếp tại Bộ phận Một cửa."
            }
            Self::UnitOnlineShareUsed => {
                "Đơn vị đã nhận quá số hồ sơ trực tuyến trong ngày. Vui lòng nộp lại vào ngày hôm sau hoặc nộp trực tiếp tại Bộ phận Một cửa."
            }
        }
    }
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's key as sent.
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, message: &str) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Why a use case did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// A stable condition with its code and an optional detail for the caller.
    #[error("{}", code.as_str())]
    Coded {
        /// The registry code.
        code: ErrorCode,
        /// Extra explanation for the caller (Vietnamese), if any.
        detail: Option<String>,
    },
    /// Field-level validation failures.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Storage failure, classified.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl AppError {
    /// An error with a code and no detail.
    pub fn code(code: ErrorCode) -> Self {
        Self::Coded { code, detail: None }
    }

    /// An error with a code and a detail.
    pub fn detailed(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Coded { code, detail: Some(detail.into()) }
    }

    /// Not found, with what was looked for.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::detailed(ErrorCode::NotFound, what)
    }

    /// The explanation beyond the code's title, in Vietnamese: the detail, or the field
    /// messages. Never internal details.
    pub fn detail_vi(&self) -> Option<String> {
        match self {
            Self::Coded { detail, .. } => detail.clone(),
            Self::Invalid(fields) if !fields.is_empty() => {
                Some(fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "))
            }
            _ => None,
        }
    }

    /// What to tell a person, in Vietnamese: the code's title, then [`AppError::detail_vi`].
    pub fn message_vi(&self) -> String {
        let title = self.error_code().title_vi();
        match self.detail_vi() {
            Some(detail) => format!("{title} {detail}"),
            None => title.to_owned(),
        }
    }

    /// The registry code this error is reported as.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Coded { code, .. } => *code,
            Self::Invalid(_) => ErrorCode::InvalidInput,
            Self::Storage(e) => match e {
                StorageError::NotFound => ErrorCode::NotFound,
                StorageError::StaleVersion => ErrorCode::StaleVersion,
                StorageError::Busy | StorageError::Unavailable(_) => ErrorCode::Unavailable,
                StorageError::Full => ErrorCode::StorageFull,
                _ => ErrorCode::Internal,
            },
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotAuthenticated => Self::code(ErrorCode::Unauthenticated),
            Denied::NotPermitted { .. } => Self::code(ErrorCode::Forbidden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_with_vietnamese_titles() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate {s}");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s}");
            assert!((400..600).contains(&code.status()), "{s}");
            let title = code.title_vi();
            assert!(title.ends_with('.') && !title.is_ascii(), "{s}: a Vietnamese sentence with diacritics");
        }
    }

    #[test]
    fn storage_errors_map_to_codes() {
        assert_eq!(AppError::from(StorageError::Busy).error_code(), ErrorCode::Unavailable);
        assert_eq!(AppError::from(StorageError::Full).error_code(), ErrorCode::StorageFull);
        assert_eq!(AppError::from(StorageError::StaleVersion).error_code(), ErrorCode::StaleVersion);
        assert_eq!(AppError::from(StorageError::Other("x".into())).error_code(), ErrorCode::Internal);
        assert_eq!(AppError::from(Denied::NotAuthenticated).error_code(), ErrorCode::Unauthenticated);
    }

    #[test]
    fn messages_for_people_never_show_storage_internals() {
        let detailed = AppError::detailed(ErrorCode::InvalidInput, "Năm 1800 nằm ngoài phạm vi.");
        assert_eq!(detailed.message_vi(), "Thông tin nhập chưa hợp lệ. Năm 1800 nằm ngoài phạm vi.");
        let fields = AppError::Invalid(vec![FieldError::new("a", "Sai A."), FieldError::new("b", "Sai B.")]);
        assert_eq!(fields.message_vi(), "Thông tin nhập chưa hợp lệ. Sai A. Sai B.");
        let internal = AppError::from(StorageError::Other("syntax error near SELECT".into()));
        assert_eq!(internal.message_vi(), ErrorCode::Internal.title_vi());
    }
}
