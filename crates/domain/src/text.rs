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

    proptest! {
        #[test]
        fn fold_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-Z ạảãàáâậầấẩẫăắằặẳẵđĐêềếệểễôồốộổỗơờớợởỡưừứựửữ]{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(once.is_ascii());
        }
    }
}
