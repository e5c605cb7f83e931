//! Vietnamese text handling shared by every layer.
//!
//! Input from some keyboards (and from macOS) arrives decomposed (NFD); we store NFC.
//! Search compares a *folded* form: diacritics removed, `đ` mapped to `d` (U+0111 has
//! no Unicode decomposition, so neither SQLite FTS5 nor a plain NFD strip folds it),
//! lower-cased. Folding in Rust gives the same results on SQLite and PostgreSQL.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trims surrounding whitespace and normalises to NFC.
pub fn normalize(input: &str) -> String {
    input.trim().nfc().collect()
}

/// The search key of a text: no diacritics, `đ`→`d`, lower case, single spaces.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut last_space = true;
    for c in input.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Why a text input is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// NUL or another control character (tab, line feed and carriage return are text).
    #[error("chứa ký tự điều khiển không hợp lệ (U+{:04X})", u32::from(*.0))]
    Control(char),
    /// A character that changes how the text around it is shown without being seen itself: bidirectional
    /// overrides, embeddings and isolates, zero-width characters. In a name they disguise one name as another.
    #[error("chứa ký tự ẩn hoặc ký tự đảo chiều hiển thị (U+{:04X})", u32::from(*.0))]
    Invisible(char),
}

/// The one check every text input passes at the edge (JSON, forms, multipart fields, query strings and paths): no
/// NUL or other control character. PostgreSQL refuses NUL in text (a 500 before this check), SQLite stores it.
pub fn check_input(input: &str) -> Result<(), TextProblem> {
    match input.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        Some(c) => Err(TextProblem::Control(c)),
        None => Ok(()),
    }
}

/// Whether `c` is shown as nothing yet changes what is around it.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
}

/// A name (a person, an organisation, a file): [`check_input`], and no invisible or direction-changing character,
/// so that what an officer reads is what was typed.
pub fn check_name(input: &str) -> Result<(), TextProblem> {
    check_input(input)?;
    match input.chars().find(|c| is_invisible(*c)) {
        Some(c) => Err(TextProblem::Invisible(c)),
        None => Ok(()),
    }
}

/// A message clause as a sentence for people: first letter upper-cased, a full stop at the end
/// ("bạn không có vai trò" → "Bạn không có vai trò.").
pub fn sentence(clause: &str) -> String {
    let mut chars = clause.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sentences_start_upper_case_and_end_with_a_stop() {
        assert_eq!(sentence("đã kết thúc"), "Đã kết thúc.");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn fold_removes_every_vietnamese_mark_and_folds_d_bar() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("  Phường   Hội An "), "phuong hoi an");
        assert_eq!(fold("ẤẦẨẪẬ ắằẳẵặ ỨỪỬỮỰ ơ"), "aaaaa aaaaa uuuuu o");
        assert_eq!(fold("Đặc khu Hoàng Sa"), "dac khu hoang sa");
    }

    #[test]
    fn normalize_composes_decomposed_input() {
        let decomposed = "Hội An".nfd().collect::<String>();
        assert_ne!(decomposed, "Hội An");
        assert_eq!(normalize(&format!(" {decomposed} ")), "Hội An");
    }

    #[test]
    fn inputs_refuse_control_characters_and_names_also_invisible_ones() {
        assert_eq!(check_input("Nguyễn Văn A\n\tđịa chỉ\r\n"), Ok(()));
        assert_eq!(check_input("a\0b"), Err(TextProblem::Control('\0')));
        assert_eq!(check_input("a\u{1b}[31m"), Err(TextProblem::Control('\u{1b}')));
        assert_eq!(check_input("a\u{85}"), Err(TextProblem::Control('\u{85}')));
        // Invisible characters are text, but not in a name.
        assert_eq!(check_input("hoa\u{202E}fdp.exe"), Ok(()));
        assert_eq!(check_name("hoa\u{202E}fdp.exe"), Err(TextProblem::Invisible('\u{202E}')));
        assert_eq!(check_name("Nguyễn\u{200B}Văn"), Err(TextProblem::Invisible('\u{200B}')));
        assert_eq!(check_name("Trần Thị Bích-Ngọc (Công ty TNHH Á Châu), tờ_khai 01.pdf"), Ok(()));
        assert!(TextProblem::Control('\0').to_string().contains("U+0000"));
    }

    proptest! {
        #[test]
        fn every_vietnamese_text_passes_both_checks(s in "[-a-zA-Z0-9 ,.()/_ạảãàáâậầấẩẫăắằặẳẵđĐêềếệểễôồốộổỗơờớợởỡưừứựửữ]{0,60}") {
            prop_assert_eq!(check_name(&s), Ok(()));
        }

        #[test]
        fn any_control_character_is_found_wherever_it_is(prefix in ".{0,20}", c in "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]", suffix in ".{0,20}") {
            let c = c.chars().next().unwrap();
            let text = format!("{}{c}{}", prefix.replace(|x: char| x.is_control(), ""), suffix.replace(|x: char| x.is_control(), ""));
            prop_assert_eq!(check_input(&text), Err(TextProblem::Control(c)));
        }

        #[test]
        fn fold_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-Z ạảãàáâậầấẩẫăắằặẳẵđĐêềếệểễôồốộổỗơờớợởỡưừứựửữ]{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(once.is_ascii());
        }
    }
}
