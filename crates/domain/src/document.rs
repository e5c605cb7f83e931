//! Documents: the files of a dossier, electronic results and the personal data warehouse (NĐ 45/2020/NĐ-CP,
//! NĐ 107/2021/NĐ-CP, TT 01/2023/TT-VPCP; spec §4).
//!
//! Pure rules only: what a file's bytes say it is ([`sniff`]), which kinds are accepted ([`Accept`]), how a
//! component was supplied ([`Source`] and its national flags `DuocSoHoa`, `DuocTaiSuDung`, `DuocLayTuKhoDMQG`),
//! who owns a document ([`Owner`]), when it is valid, and the reuse principle (spec §4.1): a component whose valid
//! document is already in the warehouse is neither asked for again at filing nor in a supplement request
//! ([`held_in_warehouse`]).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::Component;
use crate::catalogue::code::ProcedureCode;
use crate::catalogue::source::ComponentSource;
use crate::identity::IdNumber;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sniffed {
    /// `%PDF-`.
    Pdf,
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG.
    Png,
    /// An XML document (e.g. a signed electronic result) that is not HTML.
    Xml,
    /// A program: Windows PE (`MZ`), ELF, Mach-O, or a script with `#!`.
    Executable,
    /// An archive or compressed file: zip (also docx, jar, apk), rar, 7z, gzip, bzip2, xz.
    Archive,
    /// HTML, SVG or script text, which a browser would run.
    Markup,
    /// Anything else (plain text, Office formats …).
    Unknown,
}

impl Sniffed {
    /// The media type served with an accepted kind.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Xml => "application/xml",
            _ => "application/octet-stream",
        }
    }

    /// Stable text form (stored).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Xml => "xml",
            Self::Executable => "executable",
            Self::Archive => "archive",
            Self::Markup => "markup",
            Self::Unknown => "unknown",
        }
    }

    /// Vietnamese name, for messages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpeg => "ảnh JPEG",
            Self::Png => "ảnh PNG",
            Self::Xml => "XML",
            Self::Executable => "tệp chương trình (có thể chứa mã độc)",
            Self::Archive => "tệp nén",
            Self::Markup => "trang web hoặc mã lệnh",
            Self::Unknown => "định dạng không xác định",
        }
    }
}

/// How many leading bytes [`sniff`] needs to decide (fewer only when the file is shorter).
pub const SNIFF_BYTES: usize = 1024;

/// What a file is, from its first bytes ([`SNIFF_BYTES`] of them) — never from its name.
pub fn sniff(head: &[u8]) -> Sniffed {
    const SIGNATURES: &[(&[u8], Sniffed)] = &[
        (b"%PDF-", Sniffed::Pdf),
        (b"\xFF\xD8\xFF", Sniffed::Jpeg),
        (b"\x89PNG\r\n\x1A\n", Sniffed::Png),
        (b"MZ", Sniffed::Executable),
        (b"\x7FELF", Sniffed::Executable),
        (b"\xFE\xED\xFA\xCE", Sniffed::Executable),
        (b"\xFE\xED\xFA\xCF", Sniffed::Executable),
        (b"\xCE\xFA\xED\xFE", Sniffed::Executable),
        (b"\xCF\xFA\xED\xFE", Sniffed::Executable),
        (b"\xCA\xFE\xBA\xBE", Sniffed::Executable),
        (b"#!", Sniffed::Executable),
        (b"PK\x03\x04", Sniffed::Archive),
        (b"PK\x05\x06", Sniffed::Archive),
        (b"PK\x07\x08", Sniffed::Archive),
        (b"Rar!\x1A\x07", Sniffed::Archive),
        (b"7z\xBC\xAF\x27\x1C", Sniffed::Archive),
        (b"\x1F\x8B", Sniffed::Archive),
        (b"BZh", Sniffed::Archive),
        (b"\xFD7zXZ\x00", Sniffed::Archive),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return *kind;
    }
    // Text: skip a UTF-8 byte-order mark and leading white space, then look at the markup.
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let lower: Vec<u8> = text[start..].iter().map(u8::to_ascii_lowercase).collect();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let browser_runs = [&b"<html"[..], b"<!doctype html", b"<script", b"<svg", b"<body", b"<iframe", b"javascript:"];
    if browser_runs.iter().any(|n| contains(n)) {
        return Sniffed::Markup;
    }
    if lower.starts_with(b"<?xml") {
        return Sniffed::Xml;
    }
    Sniffed::Unknown
}

/// Which kinds a slot accepts: scans and photos always; XML (signed electronic documents) only where allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accept {
    /// Whether XML is allowed here.
    pub xml: bool,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// The bytes are of a kind that is never accepted, or not accepted here.
    #[error("tệp là {} chứ không phải PDF, JPEG hoặc PNG{}; hệ thống nhận diện theo nội dung, không theo tên tệp", .0.label_vi(), if *.1 { ", XML" } else { "" })]
    Type(Sniffed, bool),
    /// Larger than the limit.
    #[error("tệp vượt quá dung lượng cho phép ({})", human_size(*.0))]
    TooLarge(u64),
    /// Empty.
    #[error("tệp rỗng")]
    Empty,
}

impl Accept {
    /// Checks a sniffed kind.
    pub fn check(self, kind: Sniffed) -> Result<Sniffed, FileRefusal> {
        match kind {
            Sniffed::Pdf | Sniffed::Jpeg | Sniffed::Png => Ok(kind),
            Sniffed::Xml if self.xml => Ok(kind),
            other => Err(FileRefusal::Type(other, self.xml)),
        }
    }
}

/// A byte count as people read it (`1,5 MB`, Vietnamese decimal comma).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]).replace('.', ",") }
}

/// Checks a running byte count against the limit: called as bytes arrive, so an oversized upload stops early.
pub fn check_size(received: u64, limit: u64) -> Result<(), FileRefusal> {
    if received > limit { Err(FileRefusal::TooLarge(limit)) } else { Ok(()) }
}

/// How a dossier component was supplied (spec §4.3), with the national sync flags it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Uploaded electronically by the applicant or an officer (an electronic original or a copy).
    Uploaded,
    /// A paper received at the counter, scanned and marked digitised by the reception officer (`DuocSoHoa`).
    Digitised,
    /// Reused from data the administration already digitised (`DuocTaiSuDung`).
    Reused,
    /// Taken from the applicant's personal data warehouse (`DuocLayTuKhoDMQG`).
    Warehouse,
    /// The electronic result of a dossier, signed by the issuing unit.
    Result,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 5] = [Self::Uploaded, Self::Digitised, Self::Reused, Self::Warehouse, Self::Result];

    /// Stable text form (stored and in the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::Digitised => "digitised",
            Self::Reused => "reused",
            Self::Warehouse => "warehouse",
            Self::Result => "result",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Uploaded => "Tải lên",
            Self::Digitised => "Đã số hóa tại bộ phận một cửa",
            Self::Reused => "Tái sử dụng dữ liệu đã số hóa",
            Self::Warehouse => "Lấy từ Kho dữ liệu cá nhân",
            Self::Result => "Kết quả giải quyết điện tử",
        }
    }

    /// The national flags `(DuocSoHoa, DuocTaiSuDung, DuocLayTuKhoDMQG)` of a component supplied this way
    /// (spec §1.3 group 4, §4.3): reuse and the warehouse count as digitised data too.
    pub fn national_flags(self) -> NationalFlags {
        match self {
            Self::Uploaded | Self::Result => NationalFlags::default(),
            Self::Digitised => NationalFlags { digitised: true, reused: false, from_warehouse: false },
            Self::Reused => NationalFlags { digitised: true, reused: true, from_warehouse: false },
            Self::Warehouse => NationalFlags { digitised: true, reused: true, from_warehouse: true },
        }
    }

    /// Whether a document of this source goes into its owner's warehouse: results and digitised papers
    /// (spec §4.1, §4.3); copies taken from elsewhere point back at their original instead.
    pub fn enters_warehouse(self) -> bool {
        matches!(self, Self::Digitised | Self::Result)
    }
}

/// The national digitisation flags of one component (`TaiLieuNop`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalFlags {
    /// `DuocSoHoa`.
    pub digitised: bool,
    /// `DuocTaiSuDung`.
    pub reused: bool,
    /// `DuocLayTuKhoDMQG`.
    pub from_warehouse: bool,
}

/// Whose document it is: a citizen by ID number or an organisation by tax code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    /// A citizen (số định danh cá nhân).
    Person(String),
    /// An organisation (mã số thuế / mã số doanh nghiệp: 10 digits, or 13 with a branch suffix `-NNN`).
    Organisation(String),
}

/// Why an owner was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    /// Neither a valid ID number nor a tax code.
    #[error("chủ sở hữu phải là số định danh cá nhân (12 chữ số) hoặc mã số thuế (10 hoặc 13 chữ số)")]
    Format,
}

impl Owner {
    /// A citizen by ID number (checked).
    pub fn person(raw: &str) -> Result<Self, OwnerError> {
        IdNumber::parse(raw).map(|id| Self::Person(id.as_str().to_owned())).map_err(|_| OwnerError::Format)
    }

    /// An organisation by tax code (checked, [`crate::representation::TaxCode`]).
    pub fn organisation(raw: &str) -> Result<Self, OwnerError> {
        crate::representation::TaxCode::parse(raw)
            .map(|code| Self::Organisation(code.as_str().to_owned()))
            .map_err(|_| OwnerError::Format)
    }

    /// `person` or `organisation` (stored).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Person(_) => "person",
            Self::Organisation(_) => "organisation",
        }
    }

    /// The ID number or tax code.
    pub fn id(&self) -> &str {
        match self {
            Self::Person(id) | Self::Organisation(id) => id,
        }
    }

    /// From the stored pair.
    pub fn from_stored(kind: &str, id: &str) -> Option<Self> {
        match kind {
            "person" => Some(Self::Person(id.to_owned())),
            "organisation" => Some(Self::Organisation(id.to_owned())),
            _ => None,
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Whether a document is valid on `day`: issued on or before it (if the date is known) and not expired.
pub fn valid_on(issued_on: Option<NaiveDate>, valid_to: Option<NaiveDate>, day: NaiveDate) -> bool {
    issued_on.is_none_or(|i| i <= day) && valid_to.is_none_or(|v| v >= day)
}

/// What the reuse rule needs to know of a warehouse document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldDocument {
    /// Warehouse document type (`birth_certificate` …), if known.
    pub doc_type: Option<String>,
    /// The procedure whose result it is, for electronic results.
    pub result_of: Option<ProcedureCode>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Last valid day.
    pub valid_to: Option<NaiveDate>,
}

/// Whether `held` can stand in for `component` on `day`: it is valid and of a kind the component's
/// `replaceable_by` names (a warehouse document type, any warehouse document when no type is named, or the
/// result of a named procedure).
pub fn substitutes(component: &Component, held: &HeldDocument, day: NaiveDate) -> bool {
    valid_on(held.issued_on, held.valid_to, day)
        && component.replaceable_by.iter().any(|source| match source {
            ComponentSource::Warehouse(Some(kind)) => held.doc_type.as_deref() == Some(kind.as_str()),
            ComponentSource::Warehouse(None) => true,
            ComponentSource::EarlierResult(code) => held.result_of.as_ref() == Some(code),
            ComponentSource::PopulationDb | ComponentSource::Vneid => false,
        })
}

/// The index of the first valid warehouse document that stands in for `component` on `day`, if any. Such a
/// component must not be demanded from the applicant again, neither at filing nor in a supplement request
/// (spec §4.1, reuse principle).
pub fn held_in_warehouse(component: &Component, warehouse: &[HeldDocument], day: NaiveDate) -> Option<usize> {
    warehouse.iter().position(|held| substitutes(component, held, day))
}

/// The components of `requested` (keys) that may not be demanded again because a valid warehouse document
/// stands in for them: the check a supplement request must pass.
pub fn not_demandable<'c>(
    components: &'c [Component],
    requested: &[String],
    warehouse: &[HeldDocument],
    day: NaiveDate,
) -> Vec<&'c Component> {
    components.iter().filter(|c| requested.contains(&c.key) && held_in_warehouse(c, warehouse, day).is_some()).collect()
}

/// The object key of content with SHA-256 `hex` (64 lower-case hex digits): `sha256/ab/cd/<hex>`, so that a
/// directory never holds more than a few thousand entries on a file system.
pub fn object_key(hex: &str) -> String {
    format!("sha256/{}/{}/{hex}", &hex[..2], &hex[2..4])
}

/// The SHA-256 hex digest in an object key made by [`object_key`], if it is one.
pub fn digest_of_key(key: &str) -> Option<&str> {
    let hex = key.strip_prefix("sha256/")?.rsplit('/').next()?;
    (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) && object_key(hex) == key)
        .then_some(hex)
}

/// Whether a share link made at `expires_at` may still be used at `now`.
pub fn share_open(expires_at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> bool {
    now < expires_at
}

/// Longest a share link may live.
pub const MAX_SHARE_DAYS: i64 = 30;

/// The verdict of checking an electronic result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Issued by motcua, signature verified, bytes unchanged.
    Valid,
    /// Known code, but the bytes or the signature do not match.
    Tampered,
    /// No result with this code or content.
    Unknown,
}

impl Verdict {
    /// Vietnamese sentence for the verification page.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Valid => "Hợp lệ: tệp đúng là kết quả do đơn vị cấp và chưa bị thay đổi.",
            Self::Tampered => "Không hợp lệ: tệp đã bị thay đổi hoặc chữ ký không khớp với kết quả đã cấp.",
            Self::Unknown => "Không tìm thấy kết quả nào với mã hoặc nội dung tệp này.",
        }
    }
}

/// The text an issuing unit signs for a result: a fixed domain tag, the result code, the unit, the content's
/// SHA-256 and the instant, one per line. Signing this rather than the bare digest binds the code and issuer too.
pub fn result_statement(code: &str, unit: &str, sha256_hex: &str, signed_at: chrono::DateTime<chrono::Utc>) -> String {
    format!("motcua/result/v1\n{code}\n{unit}\n{sha256_hex}\n{}\n", signed_at.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::PaperForm;
    use proptest::prelude::*;

    #[test]
    fn accepted_kinds_are_recognised_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Sniffed::Pdf);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), Sniffed::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1A\n\x00\x00"), Sniffed::Png);
        assert_eq!(sniff(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?><KetQua/>"), Sniffed::Xml);
    }

    #[test]
    fn disguised_programs_archives_and_markup_are_recognised() {
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00"), Sniffed::Executable, "an .exe renamed .pdf");
        assert_eq!(sniff(b"\x7FELF\x02\x01"), Sniffed::Executable);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), Sniffed::Executable);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Sniffed::Archive, "zip, docx");
        assert_eq!(sniff(b"Rar!\x1A\x07\x01\x00"), Sniffed::Archive);
        assert_eq!(sniff(b"7z\xBC\xAF\x27\x1C\x00"), Sniffed::Archive);
        assert_eq!(sniff(b"\x1F\x8B\x08\x00"), Sniffed::Archive);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Sniffed::Markup);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg onload=\"x()\"/>"), Sniffed::Markup, "SVG runs scripts");
        assert_eq!(sniff(b"<script>alert(1)</script>"), Sniffed::Markup);
        assert_eq!(sniff(b"hello"), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
    }

    #[test]
    fn xml_only_where_allowed_and_never_programs() {
        let scans = Accept { xml: false };
        let results = Accept { xml: true };
        assert_eq!(scans.check(Sniffed::Pdf), Ok(Sniffed::Pdf));
        assert!(scans.check(Sniffed::Xml).is_err());
        assert_eq!(results.check(Sniffed::Xml), Ok(Sniffed::Xml));
        for bad in [Sniffed::Executable, Sniffed::Archive, Sniffed::Markup, Sniffed::Unknown] {
            let err = results.check(bad).unwrap_err();
            assert!(err.to_string().contains("không theo tên tệp"), "{err}");
        }
    }

    #[test]
    fn sizes_read_in_vietnamese() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(20 * 1024 * 1024), "20,0 MB");
        assert_eq!(check_size(10, 10), Ok(()));
        assert_eq!(FileRefusal::TooLarge(10 * 1024 * 1024).to_string(), "tệp vượt quá dung lượng cho phép (10,0 MB)");
        assert!(check_size(11, 10).is_err());
    }

    #[test]
    fn sources_set_the_national_flags() {
        assert_eq!(Source::Uploaded.national_flags(), NationalFlags::default());
        assert!(Source::Digitised.national_flags().digitised);
        assert!(Source::Warehouse.national_flags().from_warehouse);
        assert!(Source::Reused.national_flags().reused && !Source::Reused.national_flags().from_warehouse);
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
        assert!(Source::Result.enters_warehouse() && !Source::Warehouse.enters_warehouse());
    }

    #[test]
    fn owners_are_checked() {
        assert_eq!(Owner::person("048 1 95 012345").unwrap().id(), "048195012345");
        assert!(Owner::person("12345").is_err());
        assert_eq!(Owner::organisation("0401234566").unwrap().kind(), "organisation");
        assert!(Owner::organisation("0401234566-001").is_ok());
        assert!(Owner::organisation("0401234567").is_err(), "wrong check digit");
        assert!(Owner::organisation("040123456").is_err());
        assert!(Owner::organisation("0401234566-01").is_err());
        let o = Owner::person("048195012345").unwrap();
        assert_eq!(Owner::from_stored(o.kind(), o.id()), Some(o));
    }

    fn component(sources: &[&str]) -> Component {
        Component {
            key: "tp1".into(),
            name: "Trích lục khai tử".into(),
            form: PaperForm::Either,
            quantity: 1,
            mandatory: true,
            must_digitise: true,
            replaceable_by: sources.iter().map(|s| ComponentSource::parse(s).unwrap()).collect(),
            cases: vec![],
            template: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_valid_warehouse_document_stands_in_for_a_component() {
        let c = component(&["warehouse:death_certificate", "result:1.000656"]);
        let by_type = HeldDocument {
            doc_type: Some("death_certificate".into()),
            result_of: None,
            issued_on: Some(day(1)),
            valid_to: None,
        };
        let by_result = HeldDocument {
            doc_type: None,
            result_of: Some(ProcedureCode::parse("1.000656").unwrap()),
            issued_on: None,
            valid_to: Some(day(20)),
        };
        let other = HeldDocument { doc_type: Some("birth_certificate".into()), ..by_type.clone() };
        assert!(substitutes(&c, &by_type, day(2)));
        assert!(!substitutes(&c, &by_type, NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()), "not yet issued");
        assert!(substitutes(&c, &by_result, day(20)));
        assert!(!substitutes(&c, &by_result, day(21)), "expired");
        assert!(!substitutes(&c, &other, day(2)));
        assert_eq!(held_in_warehouse(&c, &[other.clone(), by_type.clone()], day(2)), Some(1));
        assert!(!substitutes(&component(&["population_db", "vneid"]), &by_type, day(2)));

        let components = vec![c.clone(), Component { key: "tp2".into(), ..component(&[]) }];
        let refused = not_demandable(&components, &["tp1".into(), "tp2".into()], &[by_type], day(2));
        assert_eq!(refused.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["tp1"]);
        assert!(not_demandable(&components, &["tp1".into()], &[other], day(2)).is_empty());
    }

    #[test]
    fn object_keys_spread_and_round_trip() {
        let hex = "ab".repeat(32);
        let key = object_key(&hex);
        assert_eq!(key, format!("sha256/ab/ab/{hex}"));
        assert_eq!(digest_of_key(&key), Some(hex.as_str()));
        assert_eq!(digest_of_key("tmp/0192"), None);
        assert_eq!(digest_of_key(&format!("sha256/00/00/{hex}")), None, "misplaced");
    }

    proptest! {
        #[test]
        fn a_known_signature_wins_whatever_follows(tail in proptest::collection::vec(any::<u8>(), 0..64)) {
            for (head, kind) in [(&b"%PDF-"[..], Sniffed::Pdf), (b"MZ", Sniffed::Executable), (b"PK\x03\x04", Sniffed::Archive)] {
                let mut bytes = head.to_vec();
                bytes.extend_from_slice(&tail);
                prop_assert_eq!(sniff(&bytes), kind);
            }
        }

        #[test]
        fn validity_is_an_interval(issued in 0u32..60, len in 0u32..60, probe in 0u32..200) {
            let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
            let at = |n: u32| base + chrono::Duration::days(i64::from(n));
            let valid = valid_on(Some(at(issued)), Some(at(issued + len)), at(probe));
            prop_assert_eq!(valid, probe >= issued && probe <= issued + len);
        }
    }
}
