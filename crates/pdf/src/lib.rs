//! The legal forms as PDFs: a typst template per form (`templates/*.typ`, editable without Rust) fed with the JSON
//! of a [`FormDocument`], Liberation Serif compiled in (no host font scanning: the output does not depend on the
//! machine), and a QR code to the public status page.
//!
//! The same document gives the same bytes: the input JSON is canonical (struct order), and the PDF's creation date
//! and identifier come from the document (the event that made the form), not from the clock.

use std::sync::OnceLock;

use motcua_domain::dossier::forms::{FormDocument, FormKind};
use typst::foundations::{Datetime, Dict, IntoValue, Smart};
use typst_as_lib::TypstEngine;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The four styles of Liberation Serif (SIL OFL 1.1, see assets/fonts/OFL.txt): all four, or `_emphasis_` and bold
/// italic would fall back to upright text.
static FONTS: [&[u8]; 4] = [
    include_bytes!("../../../assets/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../../assets/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../../assets/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../../assets/fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The font family every template uses; embedded (as a subset) in every PDF.
pub const FONT_FAMILY: &str = "LiberationSerif";

/// The templates, by file name. A form's template is `<slug>.typ` ([`FormKind::as_str`]).
static TEMPLATES: [(&str, &str); 8] = [
    ("lib.typ", include_str!("../templates/lib.typ")),
    ("tiep-nhan.typ", include_str!("../templates/tiep-nhan.typ")),
    ("bo-sung.typ", include_str!("../templates/bo-sung.typ")),
    ("tu-choi.typ", include_str!("../templates/tu-choi.typ")),
    ("xin-loi.typ", include_str!("../templates/xin-loi.typ")),
    ("dung-giai-quyet.typ", include_str!("../templates/dung-giai-quyet.typ")),
    ("phieu-kiem-soat.typ", include_str!("../templates/phieu-kiem-soat.typ")),
    ("so-theo-doi.typ", include_str!("../templates/so-theo-doi.typ")),
];

/// Why a form could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template failed (a bug in a template or in the data it expects).
    #[error("lỗi dàn trang biểu mẫu {form}: {message}")]
    Compile {
        /// The form's slug.
        form: &'static str,
        /// typst's diagnostics.
        message: String,
    },
    /// PDF export failed.
    #[error("lỗi xuất PDF biểu mẫu {form}: {message}")]
    Export {
        /// The form's slug.
        form: &'static str,
        /// typst-pdf's diagnostics.
        message: String,
    },
}

/// The public status page of a dossier: `<base>/tra-cuu-ho-so?ma=<code>`.
pub fn status_url(base_url: &str, code: &str) -> String {
    let mut url = format!("{}/tra-cuu-ho-so?ma=", base_url.trim_end_matches('/'));
    for b in code.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The QR code of `url` as SVG (black on white, quiet zone included).
pub fn qr_svg(url: &str) -> String {
    let code =
        qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).expect("a status URL fits in a QR code");
    code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build()
}

/// The JSON the template reads (`data` in lib.typ): canonical, so the same document gives the same bytes.
pub fn input_json(doc: &FormDocument) -> String {
    serde_json::to_string(doc).expect("a form document serialises")
}

/// The typesetter: fonts and templates loaded once.
pub struct Renderer {
    engine: TypstEngine,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Loads the fonts and templates.
    pub fn new() -> Self {
        let engine = TypstEngine::builder().fonts(FONTS).with_static_source_file_resolver(TEMPLATES).build();
        Self { engine }
    }

    /// The process-wide renderer.
    pub fn shared() -> &'static Renderer {
        static SHARED: OnceLock<Renderer> = OnceLock::new();
        SHARED.get_or_init(Renderer::new)
    }

    /// Typesets `doc` as a PDF/A-2b file; the QR code points to `status_url`.
    pub fn render(&self, doc: &FormDocument, status_url: &str) -> Result<Vec<u8>, PdfError> {
        let form = doc.form.as_str();
        let mut inputs = Dict::new();
        inputs.insert("data".into(), input_json(doc).into_value());
        inputs.insert("qr".into(), qr_svg(status_url).into_value());
        inputs.insert("status_url".into(), status_url.into_value());
        // The document type is inferred from `typst_pdf::pdf` below.
        let compiled = self.engine.compile_with_input(template_of(doc.form).as_str(), inputs);
        let document = compiled.output.map_err(|e| PdfError::Compile { form, message: e.to_string() })?;
        let export = |message: String| PdfError::Export { form, message };
        let standards = PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| export(format!("{e:?}")))?;
        let options = PdfOptions {
            ident: Smart::Custom(format!("{}/{}", doc.code, form)),
            timestamp: Some(timestamp(doc)),
            standards,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|e| export(format!("{e:?}")))
    }
}

fn template_of(form: FormKind) -> String {
    format!("{}.typ", form.as_str())
}

/// The creation date: the event that made the form, in UTC+7.
fn timestamp(doc: &FormDocument) -> Timestamp {
    use chrono::{Datelike, Timelike};
    let t = doc.issued_at;
    let small = |v: u32| u8::try_from(v).unwrap_or(0);
    Datetime::from_ymd_hms(t.year(), small(t.month()), small(t.day()), small(t.hour()), small(t.minute()), 0)
        .and_then(|d| Timestamp::new_local(d, 7 * 60))
        .expect("a valid local date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_has_a_template() {
        for f in FormKind::ALL {
            assert!(TEMPLATES.iter().any(|(name, _)| *name == template_of(f)), "{f:?}");
        }
    }

    #[test]
    fn status_url_escapes_the_code() {
        assert_eq!(
            status_url("https://dvc.danang.gov.vn/", "000.00.20.H47-250701-0001"),
            "https://dvc.danang.gov.vn/tra-cuu-ho-so?ma=000.00.20.H47-250701-0001"
        );
        assert_eq!(status_url("http://x", "a b&c"), "http://x/tra-cuu-ho-so?ma=a%20b%26c");
    }
}
