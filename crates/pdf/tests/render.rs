//! Every form of each set renders for a sample dossier; the PDF embeds the font and the input carries the code and
//! the title; the same events give the same JSON and the same PDF bytes.
//!
//! `MOTCUA_PDF_OUT=/tmp/forms cargo test -p motcua_pdf --test render` also writes the PDFs there, for a look.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use motcua_domain::calendar::working_time::ReceptionChannel;
use motcua_domain::dossier::Action;
use motcua_domain::dossier::forms::{
    ApplicantLines, Body, ComponentLine, FormEvent, FormKind, FormSource, RuleSet, UnitLabel, available, build,
    register_book, register_row,
};
use motcua_pdf::{FONT_FAMILY, Renderer, input_json, status_url};

fn unit(name: &str, parent: &str) -> UnitLabel {
    UnitLabel { name: name.into(), parent: Some(parent.into()), place: "Hội An".into() }
}

/// A counter dossier received on `day` that went through every event that makes a form.
fn sample(day: NaiveDate) -> FormSource {
    let t = |d: u64, h: u32, m: u32| -> NaiveDateTime { (day + chrono::Days::new(d)).and_hms_opt(h, m, 0).unwrap() };
    let ev = |at, action, owner: &str, reasons: Option<&str>| FormEvent {
        at,
        action,
        actor_unit: None,
        owner_unit: Some(owner.into()),
        reasons: reasons.map(str::to_owned),
    };
    let centre = "Trung tâm Phục vụ hành chính công phường Hội An";
    let ward = "Ủy ban nhân dân phường Hội An";
    FormSource {
        code: format!("000.20.34.H47-{}-0007", day.format("%y%m%d")),
        procedure_name: "Đăng ký khai sinh kết hợp đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
            .into(),
        procedure_code: "1.001193".into(),
        channel: ReceptionChannel::Counter,
        applicant: ApplicantLines {
            name: "Nguyễn Thị Ngọc Diễm".into(),
            address: Some("12 Trần Hưng Đạo, phường Hội An, thành phố Đà Nẵng".into()),
            phone: Some("0905 123 456".into()),
            email: Some("diem.nguyen@example.vn".into()),
        },
        lookup_pin: "482913".into(),
        receiving_unit: unit(centre, "Ủy ban nhân dân phường Hội An"),
        competent_unit: unit(ward, "Ủy ban nhân dân thành phố Đà Nẵng"),
        statutory_time: Some("03 ngày làm việc".into()),
        components: vec![
            ComponentLine { name: "Tờ khai đăng ký khai sinh".into(), paper: "Bản chính".into(), quantity: 1 },
            ComponentLine { name: "Giấy chứng sinh".into(), paper: "Bản chính".into(), quantity: 1 },
            ComponentLine {
                name: "Giấy tờ tùy thân của người đi đăng ký".into(),
                paper: "Bản sao".into(),
                quantity: 1,
            },
        ],
        received_at: Some(t(0, 9, 5)),
        due_original: Some(t(3, 17, 0)),
        due_at: Some(t(5, 17, 0)),
        events: vec![
            ev(t(0, 9, 5), Action::ReceiveAtCounter, centre, None),
            ev(t(0, 9, 30), Action::StartProcessing, ward, None),
            ev(
                t(1, 10, 0),
                Action::RequestSupplement,
                ward,
                Some("1. Bản sao giấy chứng nhận kết hôn của cha mẹ\n2. Xác nhận thông tin cư trú của người mẹ"),
            ),
            ev(t(2, 8, 0), Action::Supplement, ward, None),
            ev(t(2, 9, 0), Action::Apologise, ward, Some("Cần xác minh thông tin cư trú với Công an phường")),
            ev(t(5, 16, 0), Action::IssueResult, centre, None),
            ev(t(5, 16, 30), Action::RefuseReception, centre, Some("Hồ sơ không thuộc thẩm quyền giải quyết")),
            ev(t(5, 16, 40), Action::Withdraw, centre, Some("Người nộp hồ sơ đề nghị rút hồ sơ")),
            ev(t(6, 8, 0), Action::ReturnResult, centre, None),
        ],
        control_slip: None,
    }
}

const BASE: &str = "https://dichvucong.danang.gov.vn";

#[test]
fn every_form_of_each_set_renders() {
    let out = std::env::var_os("MOTCUA_PDF_OUT").map(std::path::PathBuf::from);
    let renderer = Renderer::shared();
    for (day, set) in [
        (NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(), RuleSet::Tt01_2018),
        (NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(), RuleSet::Tt03_2025),
    ] {
        let src = sample(day);
        assert_eq!(src.rule_set(), Some(set));
        let forms = available(&src);
        let expected: Vec<FormKind> = FormKind::ALL.into_iter().filter(|f| f.number(set).is_some()).collect();
        assert_eq!(forms, expected, "{set:?}");
        for form in forms {
            let doc = build(form, &src).unwrap();
            let json = input_json(&doc);
            assert!(json.contains(&src.code), "{form:?}");
            assert!(json.contains(form.title_vi(set)), "{form:?}");
            let pdf = renderer.render(&doc, &status_url(BASE, &src.code)).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{form:?}");
            // The font is embedded (as a subset: "ABCDEF+LiberationSerif…").
            assert!(contains(&pdf, format!("+{FONT_FAMILY}").as_bytes()), "{form:?}: font not embedded");
            assert!(contains(&pdf, b"/FontFile2"), "{form:?}: no embedded TrueType program");
            if let Some(dir) = &out {
                std::fs::create_dir_all(dir).unwrap();
                let n = form.number(set).unwrap();
                std::fs::write(dir.join(format!("{}-mau{n:02}-{}.pdf", set.as_str(), form.as_str())), &pdf).unwrap();
            }
        }
    }
}

#[test]
fn the_same_events_give_the_same_bytes() {
    let day = NaiveDate::from_ymd_opt(2025, 9, 8).unwrap();
    let renderer = Renderer::new();
    for form in [FormKind::Receipt, FormKind::ControlSlip] {
        let a = build(form, &sample(day)).unwrap();
        let b = build(form, &sample(day)).unwrap();
        assert_eq!(input_json(&a), input_json(&b));
        let url = status_url(BASE, &a.code);
        let first = renderer.render(&a, &url).unwrap();
        // A second engine, so no cache is shared between the two runs.
        let second = Renderer::new().render(&b, &url).unwrap();
        assert!(first == second, "{form:?}: PDF bytes differ between two renders of the same events");
    }
}

/// The register of a period: one row per dossier under the set chosen by the caller, the period in the title, the
/// dossier codes in the PDF's keywords (searchable), landscape.
#[test]
fn the_register_of_a_period_lists_every_dossier() {
    let renderer = Renderer::shared();
    for (day, set, number) in [
        (NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(), RuleSet::Tt01_2018, "Mẫu số 06"),
        (NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(), RuleSet::Tt03_2025, "Mẫu số 07"),
    ] {
        let first = sample(day);
        let mut second = sample(day + chrono::Days::new(1));
        second.code = second.code.replace("-0007", "-0008");
        second.events.truncate(2); // received and sent to the ward; not returned yet
        let rows: Vec<_> =
            [&first, &second].iter().enumerate().map(|(i, s)| register_row(i as u32 + 1, s).unwrap()).collect();
        assert_eq!(rows[0].received, format!("09 giờ 05, {:02}/{}/{}", day.day(), day.month(), day.year()));
        assert_eq!(rows[0].result, "Quá hạn", "returned the morning after the appointment in force");
        assert!(!rows[0].result_received.is_empty() && !rows[0].returned.is_empty());
        assert!(rows[1].returned.is_empty() && rows[1].result.is_empty(), "{:?}", rows[1]);
        assert_eq!(rows[0].contact, "12 Trần Hưng Đạo, phường Hội An, thành phố Đà Nẵng; ĐT: 0905 123 456");
        let to = day + chrono::Days::new(30);
        let printed = to.and_hms_opt(10, 0, 0).unwrap();
        let doc = register_book(set, &first.receiving_unit, day, to, rows, printed);
        assert_eq!(doc.number, number);
        assert!(doc.landscape && doc.lookup_pin.is_none());
        let Body::Register { period: Some(period), rows } = &doc.body else { panic!("{:?}", doc.body) };
        assert!(period.starts_with("Từ ngày ") && rows.len() == 2, "{period}");
        let json = input_json(&doc);
        assert!(json.contains(&first.code) && json.contains(&second.code));
        let pdf = renderer.render(&doc, &status_url(BASE, "")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(contains(&pdf, format!("+{FONT_FAMILY}").as_bytes()), "font not embedded");
        for code in [&first.code, &second.code] {
            assert!(contains(&pdf, code.as_bytes()), "{code} not in the PDF's keywords");
        }
        if let Some(dir) = std::env::var_os("MOTCUA_PDF_OUT").map(std::path::PathBuf::from) {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{}-so-theo-doi-ky.pdf", set.as_str())), &pdf).unwrap();
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
