//! Vietnamese names and places for the synthetic population, with their usual frequencies.

use super::population::Sex;

/// Family names with rough shares (per mille) of the population: Nguyễn alone is about 38 %.
const FAMILIES: &[(&str, u64)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Huỳnh", 30),
    ("Hoàng", 21),
    ("Phan", 45),
    ("Võ", 25),
    ("Vũ", 14),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đoàn", 8),
    ("Trương", 8),
    ("Đinh", 6),
    ("Lương", 5),
    ("Mai", 5),
    ("Tô", 3),
    ("Châu", 3),
    ("Thái", 3),
    ("Lâm", 3),
    ("Hà", 5),
    ("Cao", 4),
    ("Tạ", 2),
    ("Quách", 2),
    ("Lưu", 3),
];

const MIDDLE_MALE: &[&str] =
    &["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Ngọc", "Anh", "Tấn", "Gia", "Đình"];
const MIDDLE_FEMALE: &[&str] =
    &["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Kim", "Bảo", "Minh", "Hồng", "Mỹ", "Khánh"];
const GIVEN_MALE: &[&str] = &[
    "Anh", "Bảo", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khoa", "Long",
    "Lộc", "Minh", "Nam", "Nghĩa", "Phúc", "Phước", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thiện", "Toàn",
    "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
];
const GIVEN_FEMALE: &[&str] = &[
    "An", "Anh", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương",
    "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy",
    "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến",
];

/// Street names common in Đà Nẵng and elsewhere.
pub(crate) const STREETS: &[&str] = &[
    "Trần Phú",
    "Lê Lợi",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Phan Châu Trinh",
    "Bạch Đằng",
    "Hùng Vương",
    "Quang Trung",
    "Lê Duẩn",
    "Nguyễn Văn Linh",
    "Điện Biên Phủ",
    "Ông Ích Khiêm",
    "Hoàng Diệu",
    "Trưng Nữ Vương",
    "Ngô Quyền",
    "Võ Nguyên Giáp",
    "Nguyễn Tất Thành",
    "Tôn Đức Thắng",
    "Cửa Đại",
    "Trần Hưng Đạo",
];

/// Village names.
pub(crate) const VILLAGES: &[&str] = &[
    "Phú Mỹ",
    "An Hòa",
    "Đông Yên",
    "Tây An",
    "Trung Phước",
    "Thạnh Mỹ",
    "Hòa Bình",
    "Phước Thượng",
    "Tân Lập",
    "Bình An",
    "Mỹ Sơn",
    "Xuân Đài",
    "Lộc Thọ",
    "Cẩm Hà",
];

/// Dân tộc other than Kinh.
pub(crate) const ETHNICITIES: &[&str] = &["Cơ Tu", "Xơ Đăng", "Giẻ Triêng", "Co", "Tày", "Hoa", "Mường", "Khmer"];
/// Tôn giáo other than none.
pub(crate) const RELIGIONS: &[&str] = &["Phật giáo", "Công giáo", "Tin Lành", "Cao Đài", "Phật giáo Hòa Hảo"];
/// Nhóm máu.
pub(crate) const BLOOD_TYPES: &[&str] = &["O", "A", "B", "AB"];

/// The 63 pre-2025 provinces (spec §6.1): code and name, the birth-registration places of ID numbers.
pub(crate) const OLD_PROVINCES: [(u16, &str); 63] = [
    (1, "Hà Nội"),
    (2, "Hà Giang"),
    (4, "Cao Bằng"),
    (6, "Bắc Kạn"),
    (8, "Tuyên Quang"),
    (10, "Lào Cai"),
    (11, "Điện Biên"),
    (12, "Lai Châu"),
    (14, "Sơn La"),
    (15, "Yên Bái"),
    (17, "Hòa Bình"),
    (19, "Thái Nguyên"),
    (20, "Lạng Sơn"),
    (22, "Quảng Ninh"),
    (24, "Bắc Giang"),
    (25, "Phú Thọ"),
    (26, "Vĩnh Phúc"),
    (27, "Bắc Ninh"),
    (30, "Hải Dương"),
    (31, "Hải Phòng"),
    (33, "Hưng Yên"),
    (34, "Thái Bình"),
    (35, "Hà Nam"),
    (36, "Nam Định"),
    (37, "Ninh Bình"),
    (38, "Thanh Hóa"),
    (40, "Nghệ An"),
    (42, "Hà Tĩnh"),
    (44, "Quảng Bình"),
    (45, "Quảng Trị"),
    (46, "Thừa Thiên Huế"),
    (48, "Đà Nẵng"),
    (49, "Quảng Nam"),
    (51, "Quảng Ngãi"),
    (52, "Bình Định"),
    (54, "Phú Yên"),
    (56, "Khánh Hòa"),
    (58, "Ninh Thuận"),
    (60, "Bình Thuận"),
    (62, "Kon Tum"),
    (64, "Gia Lai"),
    (66, "Đắk Lắk"),
    (67, "Đắk Nông"),
    (68, "Lâm Đồng"),
    (70, "Bình Phước"),
    (72, "Tây Ninh"),
    (74, "Bình Dương"),
    (75, "Đồng Nai"),
    (77, "Bà Rịa - Vũng Tàu"),
    (79, "TP Hồ Chí Minh"),
    (80, "Long An"),
    (82, "Tiền Giang"),
    (83, "Bến Tre"),
    (84, "Trà Vinh"),
    (86, "Vĩnh Long"),
    (87, "Đồng Tháp"),
    (89, "An Giang"),
    (91, "Kiên Giang"),
    (92, "Cần Thơ"),
    (93, "Hậu Giang"),
    (94, "Sóc Trăng"),
    (95, "Bạc Liêu"),
    (96, "Cà Mau"),
];

/// One element of `items`, chosen by `draw`.
pub(crate) fn pick<T: Copy>(items: &[T], draw: u64) -> T {
    items[(draw % items.len() as u64) as usize]
}

/// A family name, by frequency.
pub(crate) fn family(draw: u64) -> &'static str {
    let total: u64 = FAMILIES.iter().map(|(_, w)| w).sum();
    let mut x = draw % total;
    for (name, weight) in FAMILIES {
        if x < *weight {
            return name;
        }
        x -= weight;
    }
    FAMILIES[0].0
}

/// A middle name for the sex.
pub(crate) fn middle(sex: Sex, draw: u64) -> &'static str {
    pick(if sex == Sex::Male { MIDDLE_MALE } else { MIDDLE_FEMALE }, draw)
}

/// A given name for the sex.
pub(crate) fn given(sex: Sex, draw: u64) -> &'static str {
    pick(if sex == Sex::Male { GIVEN_MALE } else { GIVEN_FEMALE }, draw)
}

/// The name of a pre-2025 province by code (the quê quán of most people is written with the old names).
pub(crate) fn old_province(code: u16) -> &'static str {
    OLD_PROVINCES.iter().find(|(c, _)| *c == code).map_or("Đà Nẵng", |(_, n)| n)
}
