//! The officers' spreadsheet format of the procedure catalogue: an XLSX workbook, or the same tables as CSV files.
//!
//! The canonical format is JSON ([`CatalogueFile`](motcua_domain::catalogue::CatalogueFile)); officers edit the
//! catalogue in Excel or LibreOffice instead. A catalogue becomes six tables, each a sheet of the workbook or one
//! CSV file (UTF-8 with a byte-order mark, so that Excel shows the diacritics):
//!
//! | sheet | file | one row per |
//! | --- | --- | --- |
//! | `Thủ tục` | `thu-tuc.csv` | procedure: its scalar fields, the statutory time, reception rules, result, publication |
//! | `Trường hợp` | `truong-hop.csv` | case of a procedure |
//! | `Thành phần` | `thanh-phan.csv` | document component |
//! | `Phí, lệ phí` | `phi-le-phi.csv` | fee item |
//! | `Quy trình` | `quy-trinh.csv` | step of the internal workflow, in order |
//! | `Tờ khai` | `to-khai.csv` | field of an e-form, with the form's case, title, version and baseline on each row |
//!
//! Child rows name their procedure in the column `procedure_code`. Every header reads "Vietnamese title (key)",
//! e.g. `Mã thủ tục (code)`; tables are read by the key in parentheses, so officers may reorder columns, retitle
//! them and add their own columns without a key. Within a cell, lists hold one value per line; pairs are written
//! `key=value` (`online=50; Nghị quyết …` for a channel rate, `nam=Nam` for a choice, `fees=illustrative` for
//! provenance); yes/no cells hold `có` or `không`; enumerations use the stable keys of the JSON format.
//! Officers should edit the workbook: Excel opening a CSV file directly reads codes such as `1.001193` as numbers
//! (and, in a Vietnamese locale, as 1001193), which then fail to parse; the CSV files suit LibreOffice's import
//! dialog and scripts.
//!
//! Reading reports every problem at once, located by sheet (or file), row as the spreadsheet program numbers it
//! (the header is row 1) and column key. Values go through the domain's parsers, so their messages are reused; the
//! semantic checks (units exist, allotments, duplicates) are left to
//! [`check::catalogue`](motcua_domain::catalogue::check::catalogue), which the caller runs afterwards.

use std::collections::HashMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{Datelike, Days, NaiveDate};
use motcua_domain::access::Role;
use motcua_domain::calendar::working_time::ReceptionChannel;
use motcua_domain::catalogue::form::ChoiceOption;
use motcua_domain::catalogue::{
    Assurance, Case, ChannelRate, Component, ComponentSource, Fee, FeeKind, Field, FieldType, FormSchema, Level,
    Lifecycle, OnlineLevel, Origin, PaperForm, PrefillSource, Procedure, ProcedureCode, Publication, ReceptionRules,
    ResultSpec, Sector, SectorCode, StatutoryTime, Subject, WorkflowStep,
};
use motcua_domain::deadline::{Duration, Mode};
use motcua_domain::text::normalize;
use motcua_domain::unit::UnitId;
use rust_xlsxwriter::{Color, DataValidation, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde::Serialize;

/// One problem of a spreadsheet, located as the officer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    /// The sheet (XLSX) or file (CSV) name; empty for the workbook as a whole.
    pub sheet: String,
    /// The row as the spreadsheet program numbers it (the header is row 1).
    pub row: Option<usize>,
    /// The column's stable key, e.g. `amount`.
    pub column: Option<String>,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl SheetError {
    fn whole(sheet: &str, message: impl Into<String>) -> Self {
        Self { sheet: sheet.to_owned(), row: None, column: None, message: message.into() }
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = vec![self.sheet.clone()];
        place.extend(self.row.map(|row| format!("dòng {row}")));
        place.extend(self.column.as_ref().map(|column| format!("cột {column}")));
        place.retain(|p| !p.is_empty());
        if place.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", place.join(", "), self.message) }
    }
}

impl std::error::Error for SheetError {}

/// The catalogue as an XLSX workbook, one sheet per table: bold frozen header, filters, drop-down lists for
/// yes/no and enumerated columns.
pub fn to_xlsx(procedures: &[Procedure]) -> Result<Vec<u8>, SheetError> {
    render_xlsx(&tables(procedures)).map_err(|e| SheetError::whole("", format!("không tạo được tệp Excel ({e})")))
}

/// Reads a workbook written by [`to_xlsx`] and edited by officers (XLSX; ODS and XLS are read too).
pub fn from_xlsx(bytes: &[u8]) -> Result<Vec<Procedure>, Vec<SheetError>> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| vec![SheetError::whole("", format!("không đọc được tệp bảng tính ({e})"))])?;
    read(Source::Workbook, |table| {
        let range = workbook
            .worksheet_range(table.sheet)
            .map_err(|_| SheetError::whole(table.sheet, "tệp không có trang này"))?;
        let top = range.start().map_or(0, |(row, _)| row as usize);
        Ok((top + 1..).zip(range.rows().map(|cells| cells.iter().map(read_cell).collect())).collect())
    })
}

/// The catalogue as CSV files, `(file name, content)`, in the order of the sheets.
pub fn to_csv(procedures: &[Procedure]) -> Vec<(String, String)> {
    tables(procedures).iter().map(|rows| (rows.table.file.to_owned(), render_csv(rows))).collect()
}

/// Reads the CSV files of [`to_csv`] by name (a directory part is ignored; other files are ignored). The delimiter
/// (`,`, `;` or tab) is taken from the header line, so files saved by a Vietnamese-locale Excel are read too.
pub fn from_csv(files: &[(String, String)]) -> Result<Vec<Procedure>, Vec<SheetError>> {
    read(Source::Csv, |table| {
        let (_, text) = files
            .iter()
            .find(|(name, _)| name.rsplit(['/', '\\']).next().is_some_and(|n| n.eq_ignore_ascii_case(table.file)))
            .ok_or_else(|| SheetError::whole(table.file, "thiếu tệp này"))?;
        parse_csv(table.file, text)
    })
}

// ---------------------------------------------------------------------------------------------------------------
// The tables: one description of each table's columns, used by both formats.

/// How a column is written and offered in the workbook.
#[derive(Clone, Copy)]
enum Kind {
    /// Text on one line.
    Text,
    /// Several values, one per line.
    Lines,
    /// A whole number.
    Number,
    /// A date.
    Date,
    /// `có` or `không`.
    Flag,
    /// One of the stable keys listed.
    Choice(fn() -> Vec<String>),
}

/// A column: stable key, Vietnamese title, kind, whether the header must be present, width in characters.
struct Column {
    key: &'static str,
    title: &'static str,
    kind: Kind,
    required: bool,
    width: u8,
}

/// An optional column.
const fn col(key: &'static str, title: &'static str, kind: Kind, width: u8) -> Column {
    Column { key, title, kind, required: false, width }
}

/// A column the header must have.
const fn req(key: &'static str, title: &'static str, kind: Kind, width: u8) -> Column {
    Column { key, title, kind, required: true, width }
}

impl Column {
    fn header(&self) -> String {
        format!("{} ({})", self.title, self.key)
    }
}

/// A table: its sheet name, CSV file name and columns in their written order.
struct Table {
    sheet: &'static str,
    file: &'static str,
    columns: &'static [Column],
}

impl Table {
    fn column(&self, key: &str) -> Option<(usize, &Column)> {
        self.columns.iter().enumerate().find(|(_, c)| c.key == key)
    }
}

use Kind::{Date, Flag, Lines, Number, Text};

const PARENT: Column = req("procedure_code", "Mã thủ tục", Text, 12);

const PROCEDURES: Table = Table {
    sheet: "Thủ tục",
    file: "thu-tuc.csv",
    columns: &[
        req("code", "Mã thủ tục", Text, 12),
        req("name", "Tên thủ tục", Text, 48),
        col("sector_code", "Mã lĩnh vực", Text, 14),
        req("sector_name", "Lĩnh vực", Text, 28),
        req("levels", "Cấp thực hiện", Lines, 14),
        col("units", "Đơn vị thực hiện", Lines, 18),
        col("agency", "Cơ quan thực hiện", Text, 28),
        col("sequence", "Trình tự thực hiện", Lines, 48),
        col("methods", "Cách thức thực hiện", Lines, 14),
        col("subjects", "Đối tượng thực hiện", Lines, 16),
        col("time_unit", "Đơn vị thời hạn", Kind::Choice(|| DURATIONS.iter().map(unit_key).collect()), 18),
        col("time_amount", "Thời hạn giải quyết", Number, 12),
        col("time_unitless", "Thời hạn không ghi đơn vị", Number, 14),
        col("time_mode", "Cách tính thời hạn", Kind::Choice(|| keys_of(&MODES)), 12),
        col("time_rule", "Quy định khác về thời hạn", Text, 28),
        col("max_supplement_requests", "Số lần yêu cầu bổ sung tối đa", Number, 14),
        col("pause_on_supplement", "Dừng tính thời hạn khi bổ sung", Flag, 14),
        col("pause_on_financial_obligation", "Dừng tính thời hạn khi chờ nghĩa vụ tài chính", Flag, 16),
        col("max_file_bytes", "Dung lượng tệp tối đa (byte)", Number, 14),
        col("result_name", "Kết quả", Text, 28),
        col("result_paper", "Kết quả bản giấy", Flag, 12),
        col("result_electronic", "Kết quả điện tử", Flag, 12),
        col("result_document_type", "Loại giấy tờ của kết quả", Text, 20),
        col("online_level", "Mức độ trực tuyến", Kind::Choice(|| keys_of(&OnlineLevel::ALL)), 14),
        col("full_process_eligible", "Đủ điều kiện toàn trình", Flag, 14),
        col("min_assurance", "Mức định danh tối thiểu", Kind::Choice(|| keys_of(&ASSURANCES)), 12),
        col("essential", "Dịch vụ công thiết yếu", Flag, 12),
        col("interlinked_group", "Nhóm liên thông", Text, 12),
        col("legal_basis", "Căn cứ pháp lý", Lines, 40),
        col("publication_decision", "Quyết định công bố", Text, 18),
        col("publication_decided_on", "Ngày quyết định công bố", Date, 14),
        col("publication_published_on", "Ngày công khai", Date, 14),
        col("lifecycle", "Trạng thái", Kind::Choice(|| keys_of(&Lifecycle::ALL)), 12),
        req("effective_from", "Ngày có hiệu lực", Date, 14),
        col("effective_to", "Ngày hết hiệu lực", Date, 14),
        col("provenance", "Nguồn gốc số liệu", Lines, 24),
        col("sources", "Nguồn đã đọc", Lines, 40),
        col("note", "Ghi chú", Text, 32),
    ],
};

const CASES: Table = Table {
    sheet: "Trường hợp",
    file: "truong-hop.csv",
    columns: &[PARENT, req("key", "Mã trường hợp", Text, 20), req("name", "Tên trường hợp", Text, 48)],
};

const COMPONENTS: Table = Table {
    sheet: "Thành phần",
    file: "thanh-phan.csv",
    columns: &[
        PARENT,
        req("key", "Mã thành phần", Text, 20),
        req("name", "Tên thành phần hồ sơ", Text, 48),
        req("form", "Bản chính hay bản sao", Kind::Choice(|| keys_of(&PAPER_FORMS)), 12),
        req("quantity", "Số lượng", Number, 10),
        req("mandatory", "Bắt buộc", Flag, 10),
        col("must_digitise", "Phải số hóa", Flag, 10),
        col("replaceable_by", "Thay bằng dữ liệu từ", Lines, 28),
        col("cases", "Trường hợp áp dụng", Lines, 20),
        col("template", "Mẫu đơn, tờ khai", Text, 28),
    ],
};

const FEES: Table = Table {
    sheet: "Phí, lệ phí",
    file: "phi-le-phi.csv",
    columns: &[
        PARENT,
        req("code", "Mã khoản thu", Text, 14),
        req("name", "Tên khoản thu", Text, 36),
        req("kind", "Phí hay lệ phí", Kind::Choice(|| keys_of(&FEE_KINDS)), 10),
        req("amount", "Mức thu", Number, 12),
        col("channel_rates", "Tỷ lệ thu theo kênh", Lines, 28),
        col("exemptions", "Đối tượng được miễn", Lines, 32),
        col("effective_from", "Áp dụng từ ngày", Date, 14),
        col("effective_to", "Áp dụng đến ngày", Date, 14),
        col("legal_basis", "Căn cứ thu", Text, 28),
        col("note", "Ghi chú", Text, 28),
    ],
};

const WORKFLOW: Table = Table {
    sheet: "Quy trình",
    file: "quy-trinh.csv",
    columns: &[
        PARENT,
        col("step", "Bước", Number, 8),
        req("name", "Tên bước", Text, 36),
        req("role", "Vai trò thực hiện", Kind::Choice(|| keys_of(&Role::ALL)), 16),
        req("hours", "Số giờ làm việc", Number, 12),
    ],
};

const FORMS: Table = Table {
    sheet: "Tờ khai",
    file: "to-khai.csv",
    columns: &[
        PARENT,
        col("form_case", "Trường hợp của tờ khai", Text, 18),
        req("form_title", "Tên tờ khai", Text, 32),
        req("form_version", "Phiên bản tờ khai", Number, 10),
        col("form_baseline_fields", "Số trường phải khai trước đây", Number, 12),
        req("key", "Mã trường", Text, 18),
        req("label", "Nhãn", Text, 28),
        req("type", "Kiểu", Kind::Choice(|| FIELD_TYPES.iter().map(type_key).collect()), 12),
        col("required", "Bắt buộc nhập", Flag, 10),
        col("max_length", "Độ dài tối đa", Number, 10),
        col("multiline", "Nhiều dòng", Flag, 10),
        col("options", "Các lựa chọn", Lines, 24),
        col("min", "Giá trị nhỏ nhất", Number, 10),
        col("max", "Giá trị lớn nhất", Number, 10),
        col("help", "Hướng dẫn", Text, 28),
        col("example", "Ví dụ", Text, 18),
        col("prefill", "Điền sẵn từ", Text, 26),
    ],
};

// The values of the enumerations, written with the keys of the canonical JSON.
const CHANNELS: [ReceptionChannel; 3] = [ReceptionChannel::Counter, ReceptionChannel::Postal, ReceptionChannel::Online];
const SUBJECTS: [Subject; 3] = [Subject::Citizen, Subject::Foreigner, Subject::Organisation];
const PAPER_FORMS: [PaperForm; 3] = [PaperForm::Original, PaperForm::Copy, PaperForm::Either];
const FEE_KINDS: [FeeKind; 2] = [FeeKind::Fee, FeeKind::Charge];
const MODES: [Mode; 2] = [Mode::A, Mode::B];
const ASSURANCES: [Assurance; 2] = [Assurance::L1, Assurance::L2];
const ORIGINS: [Origin; 3] = [Origin::Published, Origin::Inferred, Origin::Illustrative];
/// One duration of each unit; the amount is replaced when read.
const DURATIONS: [Duration; 6] = [
    Duration::WorkingDays(0),
    Duration::WorkingHours(0),
    Duration::HalfWorkingDays(0),
    Duration::CalendarDays(0),
    Duration::Months(0),
    Duration::WithinTheDay,
];
/// One field type of each kind; the parameters are replaced when read.
const FIELD_TYPES: [FieldType; 10] = [
    FieldType::Text { max_length: None, multiline: false },
    FieldType::Date,
    FieldType::IdNumber,
    FieldType::Phone,
    FieldType::Email,
    FieldType::Address,
    FieldType::Choice { options: Vec::new() },
    FieldType::Number { min: None, max: None },
    FieldType::Money,
    FieldType::File,
];
const YES: &str = "có";
const NO: &str = "không";

/// The key of a value in the canonical JSON (`snake_case` enums, `A`, `L2`).
fn key_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(key)) => key,
        _ => String::new(),
    }
}

fn keys_of<T: Serialize>(all: &[T]) -> Vec<String> {
    all.iter().map(key_of).collect()
}

/// A tagged enum's tag in the canonical JSON.
fn tag_of<T: Serialize>(value: &T, tag: &str) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.get(tag)?.as_str().map(str::to_owned)).unwrap_or_default()
}

fn unit_key(duration: &Duration) -> String {
    tag_of(duration, "unit")
}

fn type_key(kind: &FieldType) -> String {
    tag_of(kind, "type")
}

fn amount_of(duration: Duration) -> Option<u32> {
    match duration {
        Duration::WorkingDays(n)
        | Duration::WorkingHours(n)
        | Duration::HalfWorkingDays(n)
        | Duration::CalendarDays(n)
        | Duration::Months(n) => Some(n),
        Duration::WithinTheDay => None,
    }
}

fn with_amount(unit: Duration, n: u32) -> Duration {
    match unit {
        Duration::WorkingDays(_) => Duration::WorkingDays(n),
        Duration::WorkingHours(_) => Duration::WorkingHours(n),
        Duration::HalfWorkingDays(_) => Duration::HalfWorkingDays(n),
        Duration::CalendarDays(_) => Duration::CalendarDays(n),
        Duration::Months(_) => Duration::Months(n),
        Duration::WithinTheDay => Duration::WithinTheDay,
    }
}

/// The value among `all` whose key is `raw`.
fn pick<T: Clone>(all: &[T], raw: &str, key: fn(&T) -> String) -> Result<T, String> {
    all.iter().find(|v| key(v).eq_ignore_ascii_case(raw)).cloned().ok_or_else(|| {
        format!("\"{raw}\" không có trong danh sách ({})", all.iter().map(key).collect::<Vec<_>>().join(", "))
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Cells.

/// A cell's value, as written or read.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    Int(i64),
    /// A number cell of a workbook.
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        if text.is_empty() { Value::Empty } else { Value::Text(text.to_owned()) }
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Value::from(text.as_str())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::from(text.as_str())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<NaiveDate> for Value {
    fn from(date: NaiveDate) -> Self {
        Value::Date(date)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Empty, Into::into)
    }
}

/// A list cell: one item per line.
fn lines<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::from(items.into_iter().map(|s| s.as_ref().to_owned()).collect::<Vec<_>>().join("\n"))
}

/// A list of enumeration keys, one per line.
fn key_lines<'a, T: Serialize + 'a>(items: impl IntoIterator<Item = &'a T>) -> Value {
    lines(items.into_iter().map(key_of))
}

/// A number as text, without a decimal part when it has none.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{n:.0}") } else { n.to_string() }
}

impl Value {
    /// The text of the cell, trimmed and in NFC; `None` when empty.
    fn text(&self) -> Option<String> {
        let text = match self {
            Value::Empty => return None,
            Value::Text(text) => normalize(&text.replace("\r\n", "\n").replace('\r', "\n")),
            Value::Int(n) => n.to_string(),
            Value::Number(n) => number_text(*n),
            Value::Date(date) => date.format("%Y-%m-%d").to_string(),
            Value::Bool(flag) => (if *flag { YES } else { NO }).to_owned(),
        };
        (!text.is_empty()).then_some(text)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

/// The rows of one table, in column order.
struct Rows {
    table: &'static Table,
    rows: Vec<Vec<Value>>,
}

impl Rows {
    fn new(table: &'static Table) -> Self {
        Self { table, rows: Vec::new() }
    }

    /// Adds a row from `(column key, value)` pairs; columns not named stay empty.
    fn push(&mut self, cells: Vec<(&'static str, Value)>) {
        let mut row = vec![Value::Empty; self.table.columns.len()];
        for (key, value) in cells {
            let (i, _) = self.table.column(key).unwrap_or_else(|| panic!("no column {key} in {}", self.table.sheet));
            row[i] = value;
        }
        self.rows.push(row);
    }
}

/// The six tables of a catalogue, in sheet order.
fn tables(procedures: &[Procedure]) -> Vec<Rows> {
    let (mut main, mut cases, mut components, mut fees, mut workflow, mut forms) = (
        Rows::new(&PROCEDURES),
        Rows::new(&CASES),
        Rows::new(&COMPONENTS),
        Rows::new(&FEES),
        Rows::new(&WORKFLOW),
        Rows::new(&FORMS),
    );
    for p in procedures {
        main.push(procedure_cells(p));
        let parent = || ("procedure_code", Value::from(p.code.as_str()));
        for case in &p.cases {
            cases.push(vec![parent(), ("key", (&case.key).into()), ("name", (&case.name).into())]);
        }
        for c in &p.components {
            components.push(vec![
                parent(),
                ("key", (&c.key).into()),
                ("name", (&c.name).into()),
                ("form", key_of(&c.form).into()),
                ("quantity", c.quantity.into()),
                ("mandatory", c.mandatory.into()),
                ("must_digitise", c.must_digitise.into()),
                ("replaceable_by", lines(c.replaceable_by.iter().map(ToString::to_string))),
                ("cases", lines(&c.cases)),
                ("template", c.template.as_deref().into()),
            ]);
        }
        for f in &p.fees {
            fees.push(vec![
                parent(),
                ("code", (&f.code).into()),
                ("name", (&f.name).into()),
                ("kind", key_of(&f.kind).into()),
                ("amount", f.amount.into()),
                ("channel_rates", lines(f.channel_rates.iter().map(rate_text))),
                ("exemptions", lines(&f.exemptions)),
                ("effective_from", f.effective_from.into()),
                ("effective_to", f.effective_to.into()),
                ("legal_basis", f.legal_basis.as_deref().into()),
                ("note", f.note.as_deref().into()),
            ]);
        }
        for (step, s) in (1u32..).zip(&p.workflow) {
            workflow.push(vec![
                parent(),
                ("step", step.into()),
                ("name", (&s.name).into()),
                ("role", s.role.as_str().into()),
                ("hours", s.hours.into()),
            ]);
        }
        for form in &p.forms {
            let head = || {
                vec![
                    parent(),
                    ("form_case", form.case.as_deref().into()),
                    ("form_title", (&form.title).into()),
                    ("form_version", form.version.into()),
                    ("form_baseline_fields", form.baseline_fields.into()),
                ]
            };
            if form.fields.is_empty() {
                forms.push(head());
            }
            for field in &form.fields {
                let mut row = head();
                row.extend(field_cells(field));
                forms.push(row);
            }
        }
    }
    vec![main, cases, components, fees, workflow, forms]
}

fn procedure_cells(p: &Procedure) -> Vec<(&'static str, Value)> {
    let time = p.time.as_ref();
    let duration = time.and_then(|t| t.duration);
    let result = p.result.as_ref();
    let publication = p.publication.as_ref();
    vec![
        ("code", p.code.as_str().into()),
        ("name", (&p.name).into()),
        ("sector_code", p.sector.code.as_ref().map(SectorCode::as_str).into()),
        ("sector_name", (&p.sector.name).into()),
        ("levels", key_lines(&p.levels)),
        ("units", lines(p.units.iter().map(UnitId::as_str))),
        ("agency", p.agency.as_deref().into()),
        ("sequence", lines(&p.sequence)),
        ("methods", key_lines(&p.methods)),
        ("subjects", key_lines(&p.subjects)),
        ("time_unit", duration.as_ref().map(unit_key).into()),
        ("time_amount", duration.and_then(amount_of).into()),
        ("time_unitless", time.and_then(|t| t.unitless_amount).into()),
        ("time_mode", time.and_then(|t| t.mode).as_ref().map(key_of).into()),
        ("time_rule", time.and_then(|t| t.rule.as_deref()).into()),
        ("max_supplement_requests", p.reception.max_supplement_requests.into()),
        ("pause_on_supplement", p.reception.pause_on_supplement.into()),
        ("pause_on_financial_obligation", p.reception.pause_on_financial_obligation.into()),
        ("max_file_bytes", p.reception.max_file_bytes.and_then(|n| i64::try_from(n).ok()).into()),
        ("result_name", result.map(|r| r.name.as_str()).into()),
        ("result_paper", result.map(|r| r.paper).into()),
        ("result_electronic", result.map(|r| r.electronic).into()),
        ("result_document_type", result.and_then(|r| r.document_type.as_deref()).into()),
        ("online_level", key_of(&p.online_level).into()),
        ("full_process_eligible", p.full_process_eligible.into()),
        ("min_assurance", key_of(&p.min_assurance).into()),
        ("essential", p.essential.into()),
        ("interlinked_group", p.interlinked_group.as_deref().into()),
        ("legal_basis", lines(&p.legal_basis)),
        ("publication_decision", publication.map(|d| d.decision.as_str()).into()),
        ("publication_decided_on", publication.and_then(|d| d.decided_on).into()),
        ("publication_published_on", publication.and_then(|d| d.published_on).into()),
        ("lifecycle", key_of(&p.lifecycle).into()),
        ("effective_from", p.effective_from.into()),
        ("effective_to", p.effective_to.into()),
        ("provenance", lines(p.provenance.iter().map(|(field, origin)| format!("{field}={}", key_of(origin))))),
        ("sources", lines(&p.sources)),
        ("note", p.note.as_deref().into()),
    ]
}

fn field_cells(field: &Field) -> Vec<(&'static str, Value)> {
    let mut cells = vec![
        ("key", (&field.key).into()),
        ("label", (&field.label).into()),
        ("type", type_key(&field.kind).into()),
        ("required", field.required.into()),
        ("help", field.help.as_deref().into()),
        ("example", field.example.as_deref().into()),
        ("prefill", field.prefill.as_ref().map(ToString::to_string).into()),
    ];
    match &field.kind {
        FieldType::Text { max_length, multiline } => {
            cells.extend([("max_length", (*max_length).into()), ("multiline", (*multiline).into())]);
        }
        FieldType::Choice { options } => {
            cells.push(("options", lines(options.iter().map(|o| format!("{}={}", o.value, o.label)))));
        }
        FieldType::Number { min, max } => cells.extend([("min", (*min).into()), ("max", (*max).into())]),
        _ => {}
    }
    cells
}

/// `online=50`, or `online=50; <legal basis>`.
fn rate_text(rate: &ChannelRate) -> String {
    let head = format!("{}={}", key_of(&rate.channel), rate.percent);
    match &rate.legal_basis {
        Some(basis) => format!("{head}; {basis}"),
        None => head,
    }
}

/// The last row a drop-down list covers.
const LAST_ROW: u32 = 1_048_575;

fn render_xlsx(tables: &[Rows]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let top = Format::new().set_align(FormatAlign::Top);
    let header = top.clone().set_bold().set_text_wrap().set_background_color(Color::RGB(0x00DD_EBF7));
    let text = top.clone().set_num_format("@").set_text_wrap();
    let date = top.clone().set_num_format("dd/mm/yyyy");
    let flags = DataValidation::new().allow_list_strings(&[YES, NO])?;
    for rows in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(rows.table.sheet)?;
        let mut last_col = 0;
        for (c, column) in (0u16..).zip(rows.table.columns) {
            last_col = c;
            sheet.write_string_with_format(0, c, column.header(), &header)?;
            sheet.set_column_width(c, column.width)?;
            let format = match column.kind {
                Kind::Text | Kind::Lines => &text,
                Kind::Date => &date,
                _ => &top,
            };
            sheet.set_column_format(c, format)?;
            match column.kind {
                Kind::Flag => {
                    sheet.add_data_validation(1, c, LAST_ROW, c, &flags)?;
                }
                Kind::Choice(keys) => {
                    sheet.add_data_validation(
                        1,
                        c,
                        LAST_ROW,
                        c,
                        &DataValidation::new().allow_list_strings(&keys())?,
                    )?;
                }
                _ => {}
            }
        }
        sheet.set_row_height(0, 48)?;
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in (1u32..).zip(&rows.rows) {
            for (c, value) in (0u16..).zip(row) {
                match value {
                    Value::Empty => {}
                    Value::Text(s) => {
                        sheet.write_string_with_format(r, c, s, &text)?;
                    }
                    Value::Bool(flag) => {
                        sheet.write_string_with_format(r, c, if *flag { YES } else { NO }, &top)?;
                    }
                    // Beyond 2^53 a number cell loses digits: such a number is written as text.
                    Value::Int(n) if n.unsigned_abs() > 1 << 53 => {
                        sheet.write_string_with_format(r, c, n.to_string(), &text)?;
                    }
                    Value::Int(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &top)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number_with_format(r, c, *n, &top)?;
                    }
                    Value::Date(d) => {
                        let excel = u16::try_from(d.year())
                            .ok()
                            .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
                        match excel {
                            Some(excel) => sheet.write_datetime_with_format(r, c, excel, &date)?,
                            None => sheet.write_string_with_format(r, c, d.format("%Y-%m-%d").to_string(), &text)?,
                        };
                    }
                }
            }
        }
        sheet.autofilter(0, 0, u32::try_from(rows.rows.len()).unwrap_or(LAST_ROW), last_col)?;
    }
    workbook.save_to_buffer()
}

fn render_csv(rows: &Rows) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header = rows.table.columns.iter().map(Column::header);
    writer.write_record(header).expect("writing to memory");
    for row in &rows.rows {
        writer.write_record(row.iter().map(|v| v.text().unwrap_or_default())).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    format!("\u{feff}{}", String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out"))
}

// ---------------------------------------------------------------------------------------------------------------
// Reading.

/// Where the tables come from, for the messages.
#[derive(Clone, Copy)]
enum Source {
    Workbook,
    Csv,
}

impl Source {
    fn name(self, table: &Table) -> &'static str {
        match self {
            Source::Workbook => table.sheet,
            Source::Csv => table.file,
        }
    }

    fn place(self, table: &Table) -> String {
        match self {
            Source::Workbook => format!("trang \"{}\"", table.sheet),
            Source::Csv => format!("tệp {}", table.file),
        }
    }
}

/// A table's rows as read, each with its row number; the first is the header.
type Grid = Vec<(usize, Vec<Value>)>;

fn read_cell(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        Data::String(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Int(n) => Value::Int(*n),
        Data::Float(n) => Value::Number(*n),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Value::Number(dt.as_f64()), Value::Date)
        }
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or(Value::Text(s.clone()), Value::Date),
        Data::Error(e) => Value::Text(format!("#{e}")),
    }
}

fn parse_csv(name: &str, text: &str) -> Result<Grid, SheetError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t'].into_iter().max_by_key(|d| first.bytes().filter(|b| b == d).count());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.unwrap_or(b','))
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (row, record) in (1..).zip(reader.records()) {
        let record = record.map_err(|e| SheetError {
            sheet: name.to_owned(),
            row: Some(row),
            column: None,
            message: format!("không đọc được dòng này ({e})"),
        })?;
        grid.push((row, record.iter().map(Value::from).collect()));
    }
    Ok(grid)
}

/// The stable key of a header: the text in the final parentheses, or the whole header.
fn header_key(title: &str) -> &str {
    let title = title.trim();
    match title.strip_suffix(')').and_then(|t| t.rfind('(').map(|open| &t[open + 1..])) {
        Some(key) => key.trim(),
        None => title,
    }
}

/// A table opened for reading: where each column is, and the non-blank data rows.
struct Sheet {
    table: &'static Table,
    name: &'static str,
    index: HashMap<&'static str, usize>,
    rows: Grid,
}

/// Reads the header of a table. Unknown keys and repeated columns are reported; a missing required column is
/// reported and the table's rows are not read.
fn open(
    table: &'static Table,
    source: Source,
    grid: Result<Grid, SheetError>,
    errors: &mut Vec<SheetError>,
) -> Option<Sheet> {
    let name = source.name(table);
    let mut rows = grid.map_err(|e| errors.push(e)).ok()?.into_iter().skip_while(|(_, cells)| blank(cells));
    let Some((header_row, header)) = rows.next() else {
        errors.push(SheetError::whole(name, "trống: thiếu dòng tiêu đề"));
        return None;
    };
    let at = |column: &str, message: String| SheetError {
        sheet: name.to_owned(),
        row: Some(header_row),
        column: Some(column.to_owned()),
        message,
    };
    let mut index = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        let Some(title) = cell.text() else { continue };
        let key = header_key(&title);
        match table.column(key) {
            Some((_, column)) if index.contains_key(column.key) => {
                errors.push(at(key, format!("cột \"{title}\" bị lặp lại")));
            }
            Some((_, column)) => {
                index.insert(column.key, i);
            }
            // An officer's own column has no key; a key nobody knows is a typo.
            None if key != title => errors.push(at(key, format!("cột \"{title}\" không có trong mẫu"))),
            None => {}
        }
    }
    let mut complete = true;
    for column in table.columns.iter().filter(|c| c.required && !index.contains_key(c.key)) {
        complete = false;
        errors.push(SheetError {
            column: Some(column.key.to_owned()),
            ..SheetError::whole(name, format!("thiếu cột \"{}\"", column.header()))
        });
    }
    complete.then(|| Sheet { table, name, index, rows: rows.filter(|(_, cells)| !blank(cells)).collect() })
}

fn blank(cells: &[Value]) -> bool {
    cells.iter().all(|c| c.text().is_none())
}

/// Runs `read` on each data row of a table; false when the table could not be read.
fn each_row(
    table: &'static Table,
    source: Source,
    grid: Result<Grid, SheetError>,
    errors: &mut Vec<SheetError>,
    mut read: impl FnMut(&mut Cells<'_>),
) -> bool {
    let Some(sheet) = open(table, source, grid, errors) else { return false };
    for (row, values) in &sheet.rows {
        read(&mut Cells { sheet: &sheet, row: *row, values, errors });
    }
    true
}

/// The cells of one row, with typed getters that report what they cannot read.
struct Cells<'a> {
    sheet: &'a Sheet,
    row: usize,
    values: &'a [Value],
    errors: &'a mut Vec<SheetError>,
}

impl Cells<'_> {
    fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(SheetError {
            sheet: self.sheet.name.to_owned(),
            row: Some(self.row),
            column: Some(key.to_owned()),
            message: message.into(),
        });
    }

    fn value(&self, key: &str) -> &Value {
        self.sheet.index.get(key).and_then(|&i| self.values.get(i)).unwrap_or(&Value::Empty)
    }

    /// The column's title in lower case, to name it in a message.
    fn noun(&self, key: &str) -> String {
        let title = self.sheet.table.column(key).map_or(key, |(_, c)| c.title);
        let mut chars = title.chars();
        chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
    }

    fn text(&self, key: &str) -> Option<String> {
        self.value(key).text()
    }

    /// Whether the cell is filled in; reports it when not.
    fn need(&mut self, key: &str) -> bool {
        let filled = self.text(key).is_some();
        if !filled {
            let message = format!("thiếu {}", self.noun(key));
            self.fail(key, message);
        }
        filled
    }

    /// `get` of a cell that must be filled in; a blank one is reported.
    fn needed<T>(&mut self, key: &str, get: impl FnOnce(&mut Self, &str) -> Option<T>) -> Option<T> {
        if self.need(key) { get(self, key) } else { None }
    }

    fn required(&mut self, key: &str) -> Option<String> {
        self.needed(key, |c, key| c.text(key))
    }

    fn lines(&self, key: &str) -> Vec<String> {
        self.text(key).map(|t| t.lines().map(normalize).filter(|l| !l.is_empty()).collect()).unwrap_or_default()
    }

    fn check<T, E: fmt::Display>(&mut self, key: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.fail(key, e.to_string())).ok()
    }

    fn parsed<T, E: fmt::Display>(&mut self, key: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Option<T> {
        let raw = self.text(key)?;
        self.check(key, parse(&raw))
    }

    /// Each line parsed; the lines that fail are reported.
    fn each_line<T, E: fmt::Display>(&mut self, key: &str, mut parse: impl FnMut(&str) -> Result<T, E>) -> Vec<T> {
        self.lines(key).iter().filter_map(|line| self.check(key, parse(line))).collect()
    }

    fn choice<T: Serialize + Clone>(&mut self, key: &str, all: &[T]) -> Option<T> {
        self.parsed(key, |raw| pick(all, raw, key_of))
    }

    /// A whole number: a number cell, or text such as `15000` or `15.000` (dots group thousands).
    fn integer<T: TryFrom<i64>>(&mut self, key: &str) -> Option<T> {
        let raw = self.text(key)?;
        let n = match self.value(key) {
            Value::Int(n) => Some(*n),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => Some(*n as i64),
            Value::Number(_) => {
                let message = format!("{} {raw} không phải số nguyên", self.noun(key));
                self.fail(key, message);
                return None;
            }
            _ => parse_integer(&raw),
        };
        let message = match n {
            None => format!("{} \"{raw}\" không phải số", self.noun(key)),
            Some(n) => match T::try_from(n) {
                Ok(value) => return Some(value),
                Err(_) if n < 0 => format!("{} {n} không được là số âm", self.noun(key)),
                Err(_) => format!("{} {n} quá lớn", self.noun(key)),
            },
        };
        self.fail(key, message);
        None
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        match self.value(key) {
            Value::Bool(flag) => Some(*flag),
            _ => self.parsed(key, |raw| match raw.to_lowercase().as_str() {
                "có" | "co" | "x" | "1" | "true" | "đúng" => Ok(true),
                "không" | "khong" | "0" | "false" | "sai" => Ok(false),
                _ => Err(format!("\"{raw}\" không phải \"{YES}\" hay \"{NO}\"")),
            }),
        }
    }

    /// A date: a date cell, or text as `dd/mm/yyyy` or `yyyy-mm-dd`.
    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let serial = |n: f64| {
            if !(1.0..2_958_466.0).contains(&n) {
                return None;
            }
            NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(n as u64))
        };
        let found = match self.value(key) {
            Value::Date(date) => Some(*date),
            Value::Number(n) => serial(*n),
            Value::Int(n) => serial(*n as f64),
            _ => self.text(key).and_then(|raw| {
                ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
                    .iter()
                    .find_map(|format| NaiveDate::parse_from_str(&raw, format).ok())
            }),
        };
        let raw = self.text(key)?;
        if found.is_none() {
            self.fail(key, format!("ngày \"{raw}\" không đúng dạng dd/mm/yyyy"));
        }
        found
    }
}

/// Digits with an optional sign; dots may group thousands (`1.500.000`).
fn parse_integer(raw: &str) -> Option<i64> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, digits) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped = groups.len() > 1;
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (!grouped || if i == 0 { g.len() <= 3 } else { g.len() == 3 })
    });
    let n: i64 = if well_formed { groups.concat().parse().ok()? } else { return None };
    Some(if negative { -n } else { n })
}

fn parse_unit(raw: &str) -> Result<UnitId, String> {
    UnitId::parse(raw)
        .map_err(|_| format!("mã đơn vị \"{raw}\" không hợp lệ (chữ thường không dấu, số, \".\" và \"-\")"))
}

/// `key=value`, both trimmed.
fn pair<'a>(raw: &'a str, example: &str) -> Result<(&'a str, &'a str), String> {
    raw.split_once('=')
        .map(|(k, v)| (k.trim(), v.trim()))
        .ok_or_else(|| format!("\"{raw}\" không đúng dạng khóa=giá trị (ví dụ {example})"))
}

fn parse_rate(raw: &str) -> Result<ChannelRate, String> {
    let (channel, rest) = pair(raw, "online=50")?;
    let (percent, basis) = rest.split_once(';').map_or((rest, None), |(p, b)| (p, Some(normalize(b))));
    let percent = percent.trim().trim_end_matches('%').trim();
    Ok(ChannelRate {
        channel: pick(&CHANNELS, channel, key_of)?,
        percent: percent.parse().map_err(|_| format!("tỷ lệ thu \"{percent}\" không phải số phần trăm"))?,
        legal_basis: basis.filter(|b| !b.is_empty()),
    })
}

fn parse_option(raw: &str) -> Result<ChoiceOption, String> {
    let (value, label) = pair(raw, "nam=Nam")?;
    Ok(ChoiceOption { value: value.to_owned(), label: label.to_owned() })
}

fn parse_provenance(raw: &str) -> Result<(String, Origin), String> {
    let (field, origin) = pair(raw, "fees=illustrative")?;
    Ok((field.to_owned(), pick(&ORIGINS, origin, key_of)?))
}

/// The procedures read so far and the codes the procedures table names.
struct Catalogue {
    procedures: Vec<Procedure>,
    /// Each code of the procedures table, with the index of the first procedure read under it.
    codes: HashMap<ProcedureCode, Option<usize>>,
    /// Whether the procedures table could be read (else unknown codes are not reported).
    complete: bool,
    /// "trang "Thủ tục"" or "tệp thu-tuc.csv".
    place: String,
}

impl Catalogue {
    /// The procedure a child row belongs to; a code the procedures table lacks is reported.
    fn parent(&self, c: &mut Cells<'_>) -> Option<usize> {
        let code = c.needed(PARENT.key, |c, key| c.parsed(key, ProcedureCode::parse))?;
        match self.codes.get(&code) {
            Some(index) => *index,
            None => {
                if self.complete {
                    c.fail(PARENT.key, format!("mã thủ tục \"{code}\" không có trong {}", self.place));
                }
                None
            }
        }
    }
}

/// The first row of a form: its head, which later rows may repeat or leave blank.
struct FormHead {
    row: usize,
    index: usize,
    title: String,
    version: u32,
    baseline: Option<u32>,
}

/// Reads the six tables; `grid` opens one.
fn read(
    source: Source,
    mut grid: impl FnMut(&'static Table) -> Result<Grid, SheetError>,
) -> Result<Vec<Procedure>, Vec<SheetError>> {
    let mut errors = Vec::new();
    let mut cat =
        Catalogue { procedures: Vec::new(), codes: HashMap::new(), complete: false, place: source.place(&PROCEDURES) };
    cat.complete = each_row(&PROCEDURES, source, grid(&PROCEDURES), &mut errors, |c| {
        let code = c.needed("code", |c, key| c.parsed(key, ProcedureCode::parse));
        let procedure = read_procedure(c, code.clone());
        let index = procedure.map(|p| {
            cat.procedures.push(p);
            cat.procedures.len() - 1
        });
        if let Some(code) = code {
            cat.codes.entry(code).or_insert(index);
        }
    });
    each_row(&CASES, source, grid(&CASES), &mut errors, |c| {
        let parent = cat.parent(c);
        let (key, name) = (c.required("key"), c.required("name"));
        if let (Some(i), Some(key), Some(name)) = (parent, key, name) {
            cat.procedures[i].cases.push(Case { key, name });
        }
    });
    each_row(&COMPONENTS, source, grid(&COMPONENTS), &mut errors, |c| {
        if let (Some(i), Some(component)) = (cat.parent(c), read_component(c)) {
            cat.procedures[i].components.push(component);
        }
    });
    each_row(&FEES, source, grid(&FEES), &mut errors, |c| {
        if let (Some(i), Some(fee)) = (cat.parent(c), read_fee(c)) {
            cat.procedures[i].fees.push(fee);
        }
    });
    let mut steps = Vec::new();
    each_row(&WORKFLOW, source, grid(&WORKFLOW), &mut errors, |c| {
        let parent = cat.parent(c);
        let step: Option<u32> = c.integer("step");
        let name = c.required("name");
        let role = c.needed("role", |c, key| c.parsed(key, |raw| pick(&Role::ALL, raw, key_of)));
        let hours = c.needed("hours", Cells::integer);
        if let (Some(i), Some(name), Some(role), Some(hours)) = (parent, name, role, hours) {
            steps.push((i, step.unwrap_or(u32::MAX), WorkflowStep { name, role, hours }));
        }
    });
    // Steps follow their numbers; unnumbered steps come last, in row order (the sort is stable).
    steps.sort_by_key(|(i, step, _)| (*i, *step));
    for (i, _, step) in steps {
        cat.procedures[i].workflow.push(step);
    }
    let mut heads: HashMap<(usize, Option<String>), FormHead> = HashMap::new();
    each_row(&FORMS, source, grid(&FORMS), &mut errors, |c| read_form_row(c, &mut cat, &mut heads));
    if errors.is_empty() { Ok(cat.procedures) } else { Err(errors) }
}

fn read_procedure(c: &mut Cells<'_>, code: Option<ProcedureCode>) -> Option<Procedure> {
    let name = c.required("name");
    let sector_code = c.parsed("sector_code", SectorCode::parse);
    let sector_name = c.required("sector_name");
    let levels = c.each_line("levels", |raw| pick(&Level::ALL, raw, key_of));
    let units = c.each_line("units", parse_unit);
    let agency = c.text("agency");
    let sequence = c.lines("sequence");
    let methods = c.each_line("methods", |raw| pick(&CHANNELS, raw, key_of));
    let subjects = c.each_line("subjects", |raw| pick(&SUBJECTS, raw, key_of));
    let time = read_time(c);
    let default = ReceptionRules::default();
    let reception = ReceptionRules {
        max_supplement_requests: c.integer("max_supplement_requests").unwrap_or(default.max_supplement_requests),
        pause_on_supplement: c.flag("pause_on_supplement").unwrap_or(default.pause_on_supplement),
        pause_on_financial_obligation: c
            .flag("pause_on_financial_obligation")
            .unwrap_or(default.pause_on_financial_obligation),
        max_file_bytes: c.integer("max_file_bytes"),
    };
    let result = read_result(c);
    let online_level = c.choice("online_level", &OnlineLevel::ALL).unwrap_or_default();
    let full_process_eligible = c.flag("full_process_eligible").unwrap_or(false);
    let min_assurance = c.choice("min_assurance", &ASSURANCES).unwrap_or_default();
    let essential = c.flag("essential").unwrap_or(false);
    let interlinked_group = c.text("interlinked_group");
    let legal_basis = c.lines("legal_basis");
    let publication = read_publication(c);
    let lifecycle = c.choice("lifecycle", &Lifecycle::ALL).unwrap_or_default();
    let effective_from = c.needed("effective_from", Cells::date);
    let effective_to = c.date("effective_to");
    let provenance = c.each_line("provenance", parse_provenance).into_iter().collect();
    let sources = c.lines("sources");
    let note = c.text("note");
    Some(Procedure {
        code: code?,
        name: name?,
        sector: Sector { code: sector_code, name: sector_name? },
        levels,
        units,
        agency,
        sequence,
        methods,
        subjects,
        time,
        reception,
        cases: Vec::new(),
        components: Vec::new(),
        fees: Vec::new(),
        result,
        online_level,
        full_process_eligible,
        min_assurance,
        essential,
        interlinked_group,
        forms: Vec::new(),
        workflow: Vec::new(),
        legal_basis,
        publication,
        lifecycle,
        effective_from: effective_from?,
        effective_to,
        provenance,
        sources,
        note,
    })
}

/// The statutory time: a unit with its amount (none for `within_the_day`), or a number without a unit; `None`
/// when the time columns are all blank.
fn read_time(c: &mut Cells<'_>) -> Option<StatutoryTime> {
    let unit = c.parsed("time_unit", |raw| pick(&DURATIONS, raw, unit_key));
    let amount: Option<u32> = c.integer("time_amount");
    let duration = match (unit, amount) {
        (Some(unit), Some(n)) if amount_of(unit).is_some() => Some(with_amount(unit, n)),
        (Some(unit), None) if amount_of(unit).is_some() => {
            let message = format!("thiếu thời hạn giải quyết (đơn vị {})", unit_key(&unit));
            c.fail("time_amount", message);
            None
        }
        (Some(unit), Some(_)) => {
            c.fail("time_amount", format!("đơn vị {} không đi kèm số", unit_key(&unit)));
            None
        }
        (Some(unit), None) => Some(unit),
        (None, Some(_)) if c.text("time_unit").is_none() => {
            c.fail("time_unit", "thiếu đơn vị thời hạn (số không ghi đơn vị thì điền vào cột time_unitless)");
            None
        }
        (None, _) => None,
    };
    let time = StatutoryTime {
        duration,
        unitless_amount: c.integer("time_unitless"),
        mode: c.choice("time_mode", &MODES),
        rule: c.text("time_rule"),
    };
    let blank = time.duration.is_none() && time.unitless_amount.is_none() && time.mode.is_none() && time.rule.is_none();
    (!blank).then_some(time)
}

fn read_result(c: &mut Cells<'_>) -> Option<ResultSpec> {
    let name = c.text("result_name");
    let paper = c.flag("result_paper");
    let electronic = c.flag("result_electronic");
    let document_type = c.text("result_document_type");
    if name.is_none() && (paper == Some(true) || electronic == Some(true) || document_type.is_some()) {
        c.fail("result_name", "thiếu tên kết quả");
    }
    Some(ResultSpec {
        name: name?,
        paper: paper.unwrap_or(false),
        electronic: electronic.unwrap_or(false),
        document_type,
    })
}

fn read_publication(c: &mut Cells<'_>) -> Option<Publication> {
    let decision = c.text("publication_decision");
    let decided_on = c.date("publication_decided_on");
    let published_on = c.date("publication_published_on");
    if decision.is_none() && (decided_on.is_some() || published_on.is_some()) {
        c.fail("publication_decision", "thiếu số quyết định công bố");
    }
    Some(Publication { decision: decision?, decided_on, published_on })
}

fn read_component(c: &mut Cells<'_>) -> Option<Component> {
    let key = c.required("key");
    let name = c.required("name");
    let form = c.needed("form", |c, key| c.choice(key, &PAPER_FORMS));
    let quantity = c.needed("quantity", Cells::integer);
    let mandatory = c.needed("mandatory", Cells::flag);
    Some(Component {
        must_digitise: c.flag("must_digitise").unwrap_or(false),
        replaceable_by: c.each_line("replaceable_by", ComponentSource::parse),
        cases: c.lines("cases"),
        template: c.text("template"),
        key: key?,
        name: name?,
        form: form?,
        quantity: quantity?,
        mandatory: mandatory?,
    })
}

fn read_fee(c: &mut Cells<'_>) -> Option<Fee> {
    let code = c.required("code");
    let name = c.required("name");
    let kind = c.needed("kind", |c, key| c.choice(key, &FEE_KINDS));
    let amount = c.needed("amount", Cells::integer);
    Some(Fee {
        channel_rates: c.each_line("channel_rates", parse_rate),
        exemptions: c.lines("exemptions"),
        effective_from: c.date("effective_from"),
        effective_to: c.date("effective_to"),
        legal_basis: c.text("legal_basis"),
        note: c.text("note"),
        code: code?,
        name: name?,
        kind: kind?,
        amount: amount?,
    })
}

/// A row of the forms table: the form's head (first row of the form, or repeated), and a field unless the row
/// only declares a form without fields.
fn read_form_row(c: &mut Cells<'_>, cat: &mut Catalogue, heads: &mut HashMap<(usize, Option<String>), FormHead>) {
    let parent = cat.parent(c);
    let case = c.text("form_case");
    let title = c.text("form_title");
    let version: Option<u32> = c.integer("form_version");
    let baseline: Option<u32> = c.integer("form_baseline_fields");
    let has_field = ["key", "label", "type"].iter().any(|key| c.text(key).is_some());
    let field = if has_field { read_field(c) } else { None };
    let Some(i) = parent else { return };
    let head = match heads.entry((i, case.clone())) {
        std::collections::hash_map::Entry::Occupied(head) => {
            let head = head.into_mut();
            let differs = format!("khác với dòng {} của cùng tờ khai", head.row);
            if title.as_ref().is_some_and(|t| *t != head.title) {
                c.fail("form_title", differs.clone());
            }
            if version.is_some_and(|v| v != head.version) {
                c.fail("form_version", differs.clone());
            }
            if baseline.is_some() && baseline != head.baseline {
                c.fail("form_baseline_fields", differs.clone());
            }
            head
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            if title.is_none() {
                c.need("form_title");
            }
            if version.is_none() {
                c.need("form_version");
            }
            let (Some(title), Some(version)) = (title, version) else { return };
            let forms = &mut cat.procedures[i].forms;
            forms.push(FormSchema {
                case,
                title: title.clone(),
                version,
                baseline_fields: baseline,
                fields: Vec::new(),
            });
            slot.insert(FormHead { row: c.row, index: forms.len() - 1, title, version, baseline })
        }
    };
    if let Some(field) = field {
        cat.procedures[i].forms[head.index].fields.push(field);
    }
}

fn read_field(c: &mut Cells<'_>) -> Option<Field> {
    let key = c.required("key");
    let label = c.required("label");
    let kind = read_field_type(c);
    Some(Field {
        required: c.flag("required").unwrap_or(false),
        help: c.text("help"),
        example: c.text("example"),
        prefill: c.parsed("prefill", PrefillSource::parse),
        key: key?,
        label: label?,
        kind: kind?,
    })
}

/// The field's type with its parameters; a parameter of another type is refused rather than dropped.
fn read_field_type(c: &mut Cells<'_>) -> Option<FieldType> {
    let sample = c.needed("type", |c, key| c.parsed(key, |raw| pick(&FIELD_TYPES, raw, type_key)));
    let max_length = c.integer("max_length");
    let multiline = c.flag("multiline");
    let options = c.each_line("options", parse_option);
    let (min, max) = (c.integer("min"), c.integer("max"));
    let sample = sample?;
    let stray = [
        ("max_length", max_length.is_some(), matches!(sample, FieldType::Text { .. })),
        ("multiline", multiline == Some(true), matches!(sample, FieldType::Text { .. })),
        ("options", !options.is_empty(), matches!(sample, FieldType::Choice { .. })),
        ("min", min.is_some(), matches!(sample, FieldType::Number { .. })),
        ("max", max.is_some(), matches!(sample, FieldType::Number { .. })),
    ];
    for (key, filled, applies) in stray {
        if filled && !applies {
            c.fail(key, format!("cột này không dùng cho kiểu {}", type_key(&sample)));
        }
    }
    Some(match sample {
        FieldType::Text { .. } => FieldType::Text { max_length, multiline: multiline.unwrap_or(false) },
        FieldType::Choice { .. } => FieldType::Choice { options },
        FieldType::Number { .. } => FieldType::Number { min, max },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn code(raw: &str) -> ProcedureCode {
        ProcedureCode::parse(raw).unwrap()
    }

    fn field(key: &str, label: &str, kind: FieldType, prefill: Option<&str>) -> Field {
        Field {
            key: key.into(),
            label: label.into(),
            kind,
            required: prefill.is_some(),
            help: None,
            example: None,
            prefill: prefill.map(|p| PrefillSource::parse(p).unwrap()),
        }
    }

    fn component(key: &str, form: PaperForm, cases: &[&str], sources: &[&str]) -> Component {
        Component {
            key: key.into(),
            name: format!("Thành phần {key}"),
            form,
            quantity: 1,
            mandatory: true,
            must_digitise: false,
            replaceable_by: sources.iter().map(|s| ComponentSource::parse(s).unwrap()).collect(),
            cases: cases.iter().map(|c| (*c).to_owned()).collect(),
            template: None,
        }
    }

    /// A birth registration with every field filled in: cases, components with substitutes and cases, fees with
    /// channel rates, exemptions and dates, two forms covering every field type, workflow, provenance.
    fn birth() -> Procedure {
        let mut name = field(
            "ho_ten",
            "Họ, chữ đệm và tên",
            FieldType::Text { max_length: Some(100), multiline: false },
            Some("population.full_name"),
        );
        name.help = Some("Viết in hoa, có dấu".into());
        name.example = Some("NGUYỄN VĂN AN".into());
        let mut note = field("ghi_chu", "Ghi chú", FieldType::Text { max_length: None, multiline: true }, None);
        note.required = false;
        let mut gioi_tinh = field(
            "gioi_tinh",
            "Giới tính",
            FieldType::Choice {
                options: vec![
                    ChoiceOption { value: "nam".into(), label: "Nam".into() },
                    ChoiceOption { value: "nu".into(), label: "Nữ".into() },
                ],
            },
            Some("population.sex"),
        );
        gioi_tinh.required = true;
        let mut giay_to = component(
            "giay_ket_hon",
            PaperForm::Copy,
            &["trong_nuoc", "nuoc_ngoai"],
            &["warehouse", "vneid", "result:1.000894"],
        );
        giay_to.quantity = 2;
        giay_to.mandatory = false;
        giay_to.must_digitise = true;
        giay_to.template = Some("Mẫu TP/HT-2020-KS.1".into());
        Procedure {
            code: code("1.001193"),
            name: "Đăng ký khai sinh".into(),
            sector: Sector { code: Some(SectorCode::parse("G09-TP01").unwrap()), name: "Hộ tịch".into() },
            levels: vec![Level::Commune],
            units: vec![UnitId::parse("p48").unwrap(), UnitId::parse("p48.c20194").unwrap()],
            agency: Some("Ủy ban nhân dân cấp xã".into()),
            sequence: vec!["Nộp hồ sơ".into(), "Công chức tư pháp - hộ tịch kiểm tra".into(), "Trả kết quả".into()],
            methods: vec![ReceptionChannel::Counter, ReceptionChannel::Postal, ReceptionChannel::Online],
            subjects: vec![Subject::Citizen, Subject::Foreigner],
            time: Some(StatutoryTime {
                duration: Some(Duration::WithinTheDay),
                unitless_amount: None,
                mode: Some(Mode::A),
                rule: Some("Nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo".into()),
            }),
            reception: ReceptionRules {
                max_supplement_requests: 2,
                pause_on_supplement: false,
                pause_on_financial_obligation: true,
                max_file_bytes: Some(10 * 1024 * 1024),
            },
            cases: vec![
                Case { key: "trong_nuoc".into(), name: "Trẻ sinh tại Việt Nam".into() },
                Case { key: "nuoc_ngoai".into(), name: "Trẻ sinh ở nước ngoài".into() },
            ],
            components: vec![
                component("to_khai", PaperForm::Original, &[], &[]),
                component(
                    "giay_chung_sinh",
                    PaperForm::Either,
                    &["trong_nuoc"],
                    &["warehouse:birth_notice", "population_db"],
                ),
                giay_to,
            ],
            fees: vec![
                Fee {
                    code: "le_phi".into(),
                    name: "Lệ phí đăng ký khai sinh".into(),
                    kind: FeeKind::Charge,
                    amount: 8_000,
                    channel_rates: vec![
                        ChannelRate {
                            channel: ReceptionChannel::Online,
                            percent: 0,
                            legal_basis: Some("Nghị quyết 12/2025/NQ-HĐND; Điều 2".into()),
                        },
                        ChannelRate { channel: ReceptionChannel::Postal, percent: 50, legal_basis: None },
                    ],
                    exemptions: vec!["Người thuộc hộ nghèo".into(), "Người khuyết tật".into()],
                    effective_from: Some(day(2025, 7, 1)),
                    effective_to: Some(day(2026, 12, 31)),
                    legal_basis: Some("Thông tư 85/2019/TT-BTC".into()),
                    note: Some("Đăng ký đúng hạn được miễn".into()),
                },
                Fee {
                    code: "phi_sao".into(),
                    name: "Phí cấp bản sao trích lục".into(),
                    kind: FeeKind::Fee,
                    amount: 1_500_000,
                    channel_rates: vec![],
                    exemptions: vec![],
                    effective_from: None,
                    effective_to: None,
                    legal_basis: None,
                    note: None,
                },
            ],
            result: Some(ResultSpec {
                name: "Giấy khai sinh".into(),
                paper: true,
                electronic: true,
                document_type: Some("birth_certificate".into()),
            }),
            online_level: OnlineLevel::FullProcess,
            full_process_eligible: true,
            min_assurance: Assurance::L2,
            essential: true,
            interlinked_group: Some("birth".into()),
            forms: vec![
                FormSchema {
                    case: Some("trong_nuoc".into()),
                    title: "Tờ khai đăng ký khai sinh".into(),
                    version: 3,
                    baseline_fields: Some(24),
                    fields: vec![
                        name,
                        note,
                        field("ngay_sinh", "Ngày sinh", FieldType::Date, Some("population.birth_date")),
                        field("so_dinh_danh", "Số định danh", FieldType::IdNumber, Some("identity.id_number")),
                        field("dien_thoai", "Điện thoại", FieldType::Phone, None),
                        field("email", "Thư điện tử", FieldType::Email, None),
                        field("noi_cu_tru", "Nơi cư trú", FieldType::Address, Some("population.permanent_address")),
                        gioi_tinh,
                        field("so_con", "Số con", FieldType::Number { min: Some(0), max: Some(20) }, None),
                        field("thu_tu", "Con thứ", FieldType::Number { min: None, max: Some(-1) }, None),
                        field("le_phi", "Lệ phí đã nộp", FieldType::Money, None),
                        field("giay_chung_sinh", "Giấy chứng sinh", FieldType::File, Some("warehouse:birth_notice")),
                        field("ket_hon", "Kết quả kết hôn", FieldType::File, Some("result:1.000894")),
                    ],
                },
                FormSchema {
                    case: Some("nuoc_ngoai".into()),
                    title: "Tờ khai đăng ký khai sinh (nước ngoài)".into(),
                    version: 1,
                    baseline_fields: None,
                    fields: vec![field(
                        "ho_ten",
                        "Họ tên",
                        FieldType::Text { max_length: None, multiline: false },
                        None,
                    )],
                },
            ],
            workflow: vec![
                WorkflowStep { name: "Tiếp nhận".into(), role: Role::Reception, hours: 1 },
                WorkflowStep { name: "Thẩm định".into(), role: Role::Handler, hours: 4 },
                WorkflowStep { name: "Ký".into(), role: Role::AgencyHead, hours: 2 },
            ],
            legal_basis: vec!["Luật Hộ tịch 2014".into(), "Nghị định 123/2015/NĐ-CP".into()],
            publication: Some(Publication {
                decision: "163/QĐ-BTP".into(),
                decided_on: Some(day(2025, 6, 20)),
                published_on: Some(day(2025, 6, 25)),
            }),
            lifecycle: Lifecycle::Published,
            effective_from: day(2025, 7, 1),
            effective_to: Some(day(2030, 12, 31)),
            provenance: BTreeMap::from([("fees".into(), Origin::Illustrative), ("time".into(), Origin::Inferred)]),
            sources: vec![
                "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193".into(),
            ],
            note: Some("Dòng một\nDòng hai".into()),
        }
    }

    /// A draft whose time was published without a unit, with a form without fields and a result on paper only.
    fn unitless() -> Procedure {
        Procedure {
            code: code("2.000815"),
            name: "Cấp giấy phép xây dựng".into(),
            sector: Sector { code: None, name: "Xây dựng".into() },
            levels: vec![Level::Province, Level::Vertical],
            units: vec![],
            agency: None,
            sequence: vec![],
            methods: vec![],
            subjects: vec![Subject::Organisation],
            time: Some(StatutoryTime { duration: None, unitless_amount: Some(15), mode: None, rule: None }),
            reception: ReceptionRules::default(),
            cases: vec![],
            components: vec![component("don", PaperForm::Original, &[], &[])],
            fees: vec![],
            result: Some(ResultSpec {
                name: "Giấy phép".into(), paper: true, electronic: false, document_type: None
            }),
            online_level: OnlineLevel::Partial,
            full_process_eligible: false,
            min_assurance: Assurance::L1,
            essential: false,
            interlinked_group: None,
            forms: vec![FormSchema {
                case: None,
                title: "Đơn đề nghị".into(),
                version: 1,
                baseline_fields: Some(10),
                fields: vec![],
            }],
            workflow: vec![WorkflowStep { name: "Thẩm định".into(), role: Role::DepartmentHead, hours: 16 }],
            legal_basis: vec![],
            publication: Some(Publication {
                decision: "12/QĐ-UBND".into(),
                decided_on: None,
                published_on: Some(day(2025, 1, 2)),
            }),
            lifecycle: Lifecycle::Draft,
            effective_from: day(2025, 1, 1),
            effective_to: None,
            provenance: BTreeMap::new(),
            sources: vec![],
            note: None,
        }
    }

    /// A withdrawn procedure counted in half days, without result, publication or forms.
    fn half_days() -> Procedure {
        Procedure {
            code: code("3.000722"),
            name: "Xác nhận thông tin".into(),
            sector: Sector { code: Some(SectorCode::parse("HT").unwrap()), name: "Hộ tịch".into() },
            levels: vec![Level::Ministry],
            time: Some(StatutoryTime {
                duration: Some(Duration::HalfWorkingDays(3)),
                unitless_amount: None,
                mode: Some(Mode::B),
                rule: None,
            }),
            fees: vec![Fee { channel_rates: vec![], ..birth().fees[1].clone() }],
            result: None,
            publication: None,
            online_level: OnlineLevel::None,
            lifecycle: Lifecycle::Withdrawn,
            workflow: vec![
                WorkflowStep { name: "Xác minh".into(), role: Role::Handler, hours: 8 },
                WorkflowStep { name: "Phát hành".into(), role: Role::Clerk, hours: 2 },
            ],
            ..unitless()
        }
    }

    fn catalogue() -> Vec<Procedure> {
        vec![birth(), unitless(), half_days()]
    }

    #[test]
    fn the_catalogue_round_trips_through_xlsx() {
        let bytes = to_xlsx(&catalogue()).unwrap();
        assert_eq!(from_xlsx(&bytes).unwrap(), catalogue());
    }

    #[test]
    fn the_catalogue_round_trips_through_csv() {
        let files = to_csv(&catalogue());
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["thu-tuc.csv", "truong-hop.csv", "thanh-phan.csv", "phi-le-phi.csv", "quy-trinh.csv", "to-khai.csv"]
        );
        assert!(files.iter().all(|(_, text)| text.starts_with('\u{feff}')));
        assert!(files[0].1.starts_with("\u{feff}Mã thủ tục (code),Tên thủ tục (name),"));
        assert_eq!(from_csv(&files).unwrap(), catalogue());
    }

    /// Rewrites a CSV file as an officer might: columns in reverse order, headers retitled by `retitle`, a row
    /// number column of their own in front, `delimiter` between cells.
    fn rearranged(text: &str, delimiter: u8, retitle: impl Fn(&str) -> String) -> String {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
        for (i, record) in reader.records().enumerate() {
            let mut cells: Vec<String> = record.unwrap().iter().rev().map(str::to_owned).collect();
            if i == 0 {
                cells = cells.iter().map(|c| retitle(c)).collect();
            }
            cells.insert(0, if i == 0 { "STT".to_owned() } else { i.to_string() });
            writer.write_record(&cells).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn csv_columns_may_be_reordered_retitled_and_supplemented() {
        let files: Vec<(String, String)> = to_csv(&catalogue())
            .into_iter()
            .enumerate()
            .map(|(i, (name, text))| {
                // Every other file with semicolons, as a Vietnamese-locale Excel saves them.
                let delimiter = if i % 2 == 0 { b';' } else { b',' };
                let text =
                    rearranged(&text, delimiter, |h| h.replace("Mã thủ tục", "Mã TTHC").replace("Tên", "Tên gọi"));
                (format!("xuat/{name}"), text)
            })
            .collect();
        assert!(files[0].1.starts_with("STT;Ghi chú (note);"), "{}", &files[0].1[..40]);
        assert_eq!(from_csv(&files).unwrap(), catalogue());
    }

    fn set(tables: &mut [Rows], sheet: &str, row: usize, key: &str, value: &str) {
        let rows = tables.iter_mut().find(|r| r.table.sheet == sheet).unwrap();
        let (i, _) = rows.table.column(key).unwrap();
        rows.rows[row - 2][i] = Value::from(value);
    }

    #[test]
    fn every_bad_cell_is_reported_at_once_with_its_place() {
        let mut tables = tables(&catalogue());
        set(&mut tables, "Thủ tục", 3, "sector_code", "xd 01");
        set(&mut tables, "Trường hợp", 2, "procedure_code", "1.0011");
        set(&mut tables, "Phí, lệ phí", 2, "amount", "-15k");
        set(&mut tables, "Phí, lệ phí", 3, "procedure_code", "1.999999");
        set(&mut tables, "Quy trình", 3, "role", "giam_doc");
        set(&mut tables, "Tờ khai", 4, "prefill", "population.shoe_size");
        let errors = from_xlsx(&render_xlsx(&tables).unwrap()).unwrap_err();
        let places: Vec<(&str, Option<usize>, Option<&str>)> =
            errors.iter().map(|e| (e.sheet.as_str(), e.row, e.column.as_deref())).collect();
        assert_eq!(
            places,
            [
                ("Thủ tục", Some(3), Some("sector_code")),
                ("Trường hợp", Some(2), Some("procedure_code")),
                ("Phí, lệ phí", Some(2), Some("amount")),
                ("Phí, lệ phí", Some(3), Some("procedure_code")),
                ("Quy trình", Some(3), Some("role")),
                ("Tờ khai", Some(4), Some("prefill")),
            ]
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(messages[0].contains("mã lĩnh vực \"xd 01\""), "{}", messages[0]);
        assert!(messages[1].contains("mã thủ tục \"1.0011\" không đúng dạng"), "{}", messages[1]);
        assert_eq!(messages[2], "Phí, lệ phí, dòng 2, cột amount: mức thu \"-15k\" không phải số");
        assert_eq!(
            messages[3],
            "Phí, lệ phí, dòng 3, cột procedure_code: mã thủ tục \"1.999999\" không có trong trang \"Thủ tục\""
        );
        assert!(messages[4].contains("\"giam_doc\" không có trong danh sách (reception, handler,"), "{}", messages[4]);
        assert!(messages[5].contains("population.shoe_size"), "{}", messages[5]);
    }

    #[test]
    fn missing_columns_files_and_values_are_reported() {
        let mut files = to_csv(&catalogue());
        files.retain(|(name, _)| name != "quy-trinh.csv");
        let fees = files.iter_mut().find(|(name, _)| name == "phi-le-phi.csv").unwrap();
        fees.1 = fees.1.replace("Mức thu (amount)", "Mức thu");
        let cases = files.iter_mut().find(|(name, _)| name == "truong-hop.csv").unwrap();
        cases.1 = cases.1.replace("Mã trường hợp (key)", "Mã trường hợp (khoa)") + "1.001193,,\r\n";
        let errors = from_csv(&files).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "truong-hop.csv, dòng 1, cột khoa: cột \"Mã trường hợp (khoa)\" không có trong mẫu",
                "truong-hop.csv, cột key: thiếu cột \"Mã trường hợp (key)\"",
                "phi-le-phi.csv, cột amount: thiếu cột \"Mức thu (amount)\"",
                "quy-trinh.csv: thiếu tệp này",
            ]
        );
    }

    #[test]
    fn officers_may_type_numbers_dates_and_flags_their_way() {
        let mut files = to_csv(&[half_days()]);
        let fees = &mut files[3].1;
        *fees = fees.replace("1500000", "\"1.500.000\"");
        let main = &mut files[0].1;
        assert!(main.contains("2025-01-01") && main.contains(",có,"));
        *main = main.replace("2025-01-01", "01/01/2025").replace(",có,", ",Có,");
        assert_eq!(from_csv(&files).unwrap(), [half_days()]);
        assert_eq!(parse_integer("1.500.000"), Some(1_500_000));
        assert_eq!(parse_integer("-8000"), Some(-8000));
        for bad in ["1,5", "1.50", "15k", "", "-", "1..000"] {
            assert_eq!(parse_integer(bad), None, "{bad}");
        }
    }

    #[test]
    fn form_heads_must_agree_across_rows() {
        let mut tables = tables(&[birth()]);
        set(&mut tables, "Tờ khai", 3, "form_version", "4");
        let errors = from_xlsx(&render_xlsx(&tables).unwrap()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].to_string(), "Tờ khai, dòng 3, cột form_version: khác với dòng 2 của cùng tờ khai");
    }
}
