#!/usr/bin/env python3
"""Builds the demo procedure catalogue (data/demo/catalogue.json) from the reference sample of real procedures.

    python3 scripts/catalogue/build_demo.py /work/shared/data/thu-tuc-mau.json > data/demo/catalogue.json

The output is in the canonical catalogue format `motcua.catalogue/1` (crates/domain/src/catalogue/mod.rs) for the
Đà Nẵng demo organisation (data/demo/units.toml). What the sample publishes is kept as published (code, name,
sector, agency, legal basis, result, components, fees, time, publication decision, sources, note); what the demo
needs and the sample does not hold (e-forms, internal workflow, online level, applicant sequence, methods, subjects,
code-only records' time, components and result) is filled in and marked "illustrative" in each procedure's
`provenance`. Standard library only; the output is byte-identical across runs.
"""

import json
import math
import re
import sys

FORMAT = "motcua.catalogue/1"
EFFECTIVE_FROM = "2025-07-01"  # the reorganisation day: every version in the sample applies from then

# The prefill registry of crates/domain/src/catalogue/source.rs (kept in step by hand; the Rust test refuses
# unknown names when it parses the file).
POPULATION_FIELDS = {
    "id_number", "old_id_number", "full_name", "birth_date", "sex", "birth_registration_place", "home_town",
    "ethnicity", "religion", "nationality", "blood_type", "marital_status", "permanent_address",
    "temporary_address", "current_address", "father.full_name", "father.id_number", "father.nationality",
    "mother.full_name", "mother.id_number", "mother.nationality", "spouse.full_name", "spouse.id_number",
    "spouse.nationality", "household_head.full_name", "household_head.id_number", "relation_to_household_head",
    "death_date", "phone", "email",
}
IDENTITY_FIELDS = {"id_number", "full_name", "birth_date", "sex"}
WAREHOUSE_DOCUMENTS = {
    "birth_certificate", "birth_notice", "death_notice", "death_certificate", "marriage_certificate",
    "marital_status_certificate", "civil_status_extract", "identity_card", "passport", "driving_licence",
    "criminal_record", "land_use_certificate", "building_permit", "household_business_certificate",
    "health_insurance_card", "social_insurance_book", "power_of_attorney", "disability_certificate",
    "residence_confirmation",
}

CODE_ONLY_NOTE = (
    "Danh mục demo bổ sung minh họa thời hạn, thành phần hồ sơ, kết quả và tờ khai để thủ tục dùng được trong bản "
    "demo; các phần này không phải số liệu chính thức (xem provenance)."
)


def die(message):
    sys.exit(f"build_demo.py: {message}")


def check_source(name):
    """Refuses a prefill source that the registry does not know."""
    if name.startswith("population."):
        ok = name[len("population."):] in POPULATION_FIELDS
    elif name.startswith("identity."):
        ok = name[len("identity."):] in IDENTITY_FIELDS
    elif name.startswith("warehouse:"):
        ok = name[len("warehouse:"):] in WAREHOUSE_DOCUMENTS
    elif name.startswith("result:"):
        ok = re.fullmatch(r"[1-3]\.\d{6}", name[len("result:"):]) is not None
    else:
        ok = name in ("population_db", "vneid", "warehouse")
    if not ok:
        die(f"unknown source {name!r}")
    return name


def vnd(amount):
    """20000 -> '20.000'."""
    return f"{amount:,}".replace(",", ".")


# ---------------------------------------------------------------------------------------------------------------
# Per-procedure choices the sample does not hold
# ---------------------------------------------------------------------------------------------------------------

# Kind of procedure: drives sequence, workflow, forms, min_assurance.
CATEGORY = {
    "1.001193": "ho_tich", "1.000656": "ho_tich", "1.000894": "ho_tich", "1.004873": "ho_tich",
    "1.004859": "ho_tich", "2.000635": "ho_tich", "1.004884": "ho_tich", "2.000528": "ho_tich",
    "2.000806": "ho_tich",
    "2.000986": "lien_thong_sinh", "2.001023": "lien_thong_sinh", "3.000722": "lien_thong_sinh",
    "2.002913": "lien_thong_tu", "1.011537": "lien_thong_tu", "1.007073": "lien_thong_tu",
    "2.000815": "chung_thuc_ban_sao", "2.000884": "chung_thuc", "2.001035": "chung_thuc", "2.001019": "chung_thuc",
    "1.004222": "cu_tru", "1.004194": "cu_tru", "1.003197": "cu_tru", "1.010028": "cu_tru", "1.003677": "cu_tru",
    "2.001159": "cu_tru", "1.010038": "cu_tru", "1.002755": "cu_tru", "1.010041": "cu_tru",
    "1.014061": "can_cuoc", "1.014063": "can_cuoc", "1.014064": "can_cuoc", "3.000228": "vneid",
    "3.000333": "lltp", "3.000347": "gplx",
    "1.013978": "dat_dai", "1.012783": "dat_dai", "1.012786": "dat_dai", "1.013831": "dat_dai",
    "1.012784": "dat_dai", "1.013833": "dat_dai", "1.012812": "hoa_giai", "1.013225": "xay_dung",
    "1.001612": "hkd", "2.000720": "hkd", "1.001570": "hkd", "1.001266": "hkd",
    "1.001939": "bhxh", "1.002759": "bhxh", "2.000821": "bhxh",
    "1.001776": "xa_hoi", "1.001731": "xa_hoi", "1.014027": "xa_hoi", "1.014028": "xa_hoi", "1.001699": "xa_hoi",
    "1.010824": "xa_hoi", "1.010803": "xa_hoi", "1.010833": "xa_hoi", "1.011606": "xa_hoi",
    "2.002481": "giao_duc", "1.003622": "van_hoa",
}

# Levels and units of the demo organisation, from the sample's normalised `level` text (see README).
LEVELS_UNITS = {
    "xã": (["commune"], ["p48"]),
    "công an xã": (["vertical"], ["p48.ca"]),
    "tỉnh; xã": (["province", "commune"], ["p48.stp", "p48"]),
    "xã (liên thông với công an xã và cơ quan bảo hiểm xã hội)": (
        ["commune", "vertical"], ["p48", "p48.ca", "p48.bhxh"]),
    "xã (liên thông với cơ quan bảo hiểm xã hội)": (["commune", "vertical"], ["p48", "p48.bhxh"]),
    "tỉnh (ngành công an)": (["province", "vertical"], ["p48.ca"]),
    "bộ (thực hiện tại Cục Cảnh sát giao thông, Công an tỉnh, Công an cấp xã)": (
        ["ministry", "vertical"], ["p48.ca"]),
    "tỉnh": (["province"], ["p48.snnmt"]),
    "ngành dọc (bảo hiểm xã hội)": (["vertical"], ["p48.bhxh"]),
    "xã (danh mục cấp xã của Hải Phòng)": (["commune"], ["p48"]),
    "tỉnh; xã (Trung tâm Phục vụ hành chính công thành phố và cấp xã, theo phụ lục Quyết định 3582/QĐ-UBND "
    "Hải Phòng)": (["province", "commune"], ["p48.ttpvhcc", "p48"]),
    "xã; liên thông các cấp (theo Quyết định 3582/QĐ-UBND Hải Phòng)": (
        ["commune", "vertical"], ["p48", "p48.ca", "p48.bhxh"]),
    # The district level of 2023 no longer exists; the provincial part is social protection (Sở Nội vụ).
    "bộ; tỉnh; huyện; xã (như công bố năm 2023, trước khi bỏ cấp huyện)": (
        ["ministry", "province", "commune"], ["p48.snv", "p48"]),
}

# The portal named a body that does not implement the procedure: use the normalised agency text instead.
AGENCY_QUIRKS = {"2.001023"}

# Methods: (channels, origin). "inferred" where the procedure's own text names the channels.
ALL3 = ["counter", "postal", "online"]
METHODS = {
    "2.000815": (["counter", "online"], "illustrative"),
    "2.000884": (["counter"], "illustrative"), "2.001035": (["counter"], "illustrative"),
    "2.001019": (["counter"], "illustrative"),
    "1.004222": (["counter", "online"], "inferred"), "1.004194": (["counter", "online"], "inferred"),
    "1.003197": (["counter", "online"], "illustrative"), "1.010028": (["counter", "online"], "illustrative"),
    "1.003677": (["counter", "online"], "illustrative"), "2.001159": (["counter", "online"], "illustrative"),
    "1.010038": (["counter", "online"], "inferred"), "1.002755": (["counter", "online"], "inferred"),
    "1.010041": (["counter", "online"], "illustrative"),
    "1.014061": (["counter"], "illustrative"), "1.014063": (["counter", "online"], "illustrative"),
    "1.014064": (["counter", "online"], "illustrative"), "3.000228": (["counter"], "illustrative"),
    "3.000347": (["counter", "online"], "illustrative"),
    "3.000722": (["online"], "inferred"), "2.002913": (["online"], "inferred"), "1.011537": (["online"], "inferred"),
    "1.007073": (["counter"], "inferred"),
}
# Hộ tịch components name the three channels; land, building and household-business texts give channel times or fees.
METHODS_INFERRED_ALL3 = {
    "1.001193", "1.000656", "1.000894", "1.004873", "1.004859", "2.000635", "1.004884", "2.000528", "2.000806",
    "1.013978", "1.012783", "1.012786", "1.013831", "1.012784", "1.013225", "1.001612",
}

SUBJECTS = {
    "2.000528": ["citizen", "foreigner"], "2.000806": ["citizen", "foreigner"],
    "3.000333": ["citizen", "foreigner"], "3.000347": ["citizen", "foreigner"],
    "1.013978": ["citizen", "foreigner"],
    "2.000815": ["citizen", "organisation"], "2.001035": ["citizen", "organisation"],
    "2.001159": ["citizen", "organisation"], "1.013225": ["citizen", "organisation"],
    "1.012783": ["citizen", "organisation"], "1.012786": ["citizen", "organisation"],
    "1.013831": ["citizen", "organisation"], "1.012784": ["citizen", "organisation"],
    "1.013833": ["citizen", "organisation"], "1.012812": ["citizen", "organisation"],
    "1.001939": ["citizen", "organisation"], "1.002759": ["citizen", "organisation"],
    "1.003622": ["citizen", "organisation"],
}

# Essential public services of Project 06 (spec §5.2) that appear in the sample.
ESSENTIAL = {
    "1.001193", "1.000656", "1.000894",  # khai sinh, khai tử, kết hôn
    "1.004222", "1.004194", "1.003677", "2.001159",  # thường trú, tạm trú, tạm vắng, lưu trú
    "1.014063", "1.014064",  # cấp đổi, cấp lại thẻ căn cước
    "3.000333", "3.000347",  # lý lịch tư pháp, đổi giấy phép lái xe
    "1.013831", "1.013833",  # đăng ký biến động đất đai
    "1.001939",  # BHYT hộ gia đình
    "2.000986", "2.001023", "3.000722",  # liên thông khai sinh
    "2.002913", "1.011537", "1.007073",  # liên thông khai tử
}
INTERLINKED = {
    "2.000986": "birth", "2.001023": "birth", "3.000722": "birth",
    "2.002913": "death", "1.011537": "death", "1.007073": "death",
}
SIMPLE_CERTIFICATIONS = {"1.004873", "2.000635", "1.010041", "2.000815", "1.010833"}
# Essential, but the card needs the holder's face and fingerprints taken at the counter.
PARTIAL_DESPITE_ESSENTIAL = {"1.014063", "1.014064"}
L2_CATEGORIES = {"ho_tich", "lien_thong_sinh", "lien_thong_tu", "cu_tru", "can_cuoc", "vneid", "lltp"}

# The result's form and warehouse type: (paper, electronic, document_type).
RESULT_META = {
    "1.001193": (True, True, "birth_certificate"), "2.000528": (True, True, "birth_certificate"),
    "1.004884": (True, True, "birth_certificate"), "2.001023": (True, True, "birth_certificate"),
    "2.000986": (True, True, "birth_certificate"), "3.000722": (False, True, "birth_certificate"),
    "1.000656": (True, True, "death_certificate"), "2.002913": (False, True, "death_certificate"),
    "1.011537": (False, True, "death_certificate"), "1.007073": (True, False, "death_certificate"),
    "1.000894": (True, True, "marriage_certificate"), "2.000806": (True, True, "marriage_certificate"),
    "1.004873": (True, True, "marital_status_certificate"),
    "1.004859": (True, True, "civil_status_extract"), "2.000635": (True, True, "civil_status_extract"),
    "1.010041": (True, True, "residence_confirmation"),
    "1.014061": (True, False, "identity_card"), "1.014063": (True, False, "identity_card"),
    "1.014064": (True, False, "identity_card"), "3.000228": (False, True, None),
    "3.000333": (True, True, "criminal_record"), "3.000347": (True, True, "driving_licence"),
    "1.013978": (True, False, "land_use_certificate"), "1.012783": (True, False, "land_use_certificate"),
    "1.012786": (True, False, "land_use_certificate"), "1.013831": (True, False, "land_use_certificate"),
    "1.012784": (True, False, "land_use_certificate"), "1.013833": (True, False, "land_use_certificate"),
    "1.012812": (True, False, None), "1.013225": (True, False, "building_permit"),
    "1.001612": (True, True, "household_business_certificate"),
    "2.000720": (True, True, "household_business_certificate"),
    "1.001939": (False, True, "health_insurance_card"), "1.002759": (True, True, "social_insurance_book"),
    "1.001699": (True, False, "disability_certificate"),
    "1.004222": (False, True, None), "1.004194": (False, True, None), "1.003197": (False, True, None),
    "1.010028": (False, True, None), "1.003677": (False, True, None), "2.001159": (False, True, None),
    "1.010038": (False, True, None), "1.002755": (False, True, None),
    "1.001570": (True, True, None), "1.001266": (False, True, None),
}

# Results for records whose sample gives none (illustrative).
RESULT_NAMES = {
    "1.001776": "Quyết định hưởng, điều chỉnh hoặc thôi hưởng trợ cấp xã hội hàng tháng",
    "1.001731": "Quyết định hỗ trợ chi phí mai táng",
    "1.014027": "Quyết định hưởng, điều chỉnh hoặc thôi hưởng trợ cấp hưu trí xã hội",
    "1.014028": "Quyết định hỗ trợ chi phí mai táng",
    "1.001699": "Giấy xác nhận khuyết tật",
    "1.010824": "Quyết định trợ cấp đối với thân nhân khi người có công từ trần",
    "1.010803": "Quyết định trợ cấp thờ cúng liệt sĩ",
    "1.010833": "Giấy xác nhận thân nhân của người có công",
    "1.011606": "Quyết định công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo",
    "2.002481": "Học sinh được tiếp nhận vào trường mới",
    "1.003622": "Văn bản trả lời của Ủy ban nhân dân cấp xã (chỉ khi không đồng ý việc tổ chức lễ hội)",
    "2.002913": "Trích lục khai tử; cập nhật xóa đăng ký thường trú; quyết định hưởng mai táng phí, tử tuất (theo "
                "các thủ tục người yêu cầu chọn)",
    "1.011537": "Trích lục khai tử; cập nhật xóa đăng ký thường trú; quyết định trợ cấp mai táng, hỗ trợ chi phí "
                "mai táng",
    "1.007073": "Trích lục khai tử; thông báo xóa đăng ký thường trú",
}

# Illustrative durations where the sample has none: (unit, amount).
ILLUSTRATIVE_TIME = {
    "2.001019": ("working_days", 2), "2.002913": ("working_days", 5), "1.011537": ("working_days", 5),
    "1.001776": ("working_days", 15), "1.001731": ("working_days", 3), "1.014027": ("working_days", 10),
    "1.014028": ("working_days", 3), "1.001699": ("calendar_days", 30), "1.010824": ("working_days", 12),
    "1.010803": ("working_days", 10), "1.010833": ("working_days", 5), "1.011606": ("months", 1),
    "2.002481": ("working_days", 3), "1.003622": ("working_days", 5),
}

# Reception rules that differ from the defaults (the clock stops while land-related taxes are awaited).
RECEPTION = {
    "1.013978": {"pause_on_financial_obligation": True},
    "1.013831": {"pause_on_financial_obligation": True},
    "1.012784": {"pause_on_financial_obligation": True},
}

# Cases of a procedure: key, name.
CASES = {
    "2.000528": [
        ("sinh_tai_viet_nam", "Trẻ em sinh ra tại Việt Nam"),
        ("sinh_o_nuoc_ngoai", "Trẻ em sinh ra ở nước ngoài, chưa được đăng ký khai sinh, về cư trú tại Việt Nam"),
    ],
    "2.002913": [
        ("khai_tu_thuong_tru", "Liên thông 02 thủ tục: đăng ký khai tử, xóa đăng ký thường trú"),
        ("them_mai_tang", "Liên thông 03 thủ tục: thêm giải quyết mai táng phí"),
        ("them_tu_tuat", "Liên thông 04 thủ tục: thêm giải quyết mai táng phí và chế độ tử tuất"),
    ],
}
# Component index (0-based, sample order) -> cases.
COMPONENT_CASES = {
    "2.000528": {0: ["sinh_tai_viet_nam"], 1: ["sinh_tai_viet_nam"], 2: ["sinh_o_nuoc_ngoai"],
                 6: ["sinh_o_nuoc_ngoai"]},
}

# Component lists that mix many cases: only these (0-based, sample order) are required in every dossier.
MANDATORY_ONLY = {
    "1.004222": {9, 13},  # tờ khai CT01, chỗ ở hợp pháp; the rest are particular cases
    "1.004194": {0, 1},
    "1.002755": {5},
    "1.010038": {2},
    "1.003677": {0},
    "1.014063": {0, 2},
    "1.014064": {0, 2},
    "3.000347": {0},
    "1.013978": {13},
    "1.013831": {2, 6},
    "1.013833": {0, 3},
    "1.013225": {0, 4, 6},
    "1.001939": {3},
    "1.002759": {0},
    "2.000821": {1, 2, 6},
    "2.000720": {1},
}
# Conditional components the keyword rule misses.
MANDATORY_OVERRIDES = {
    ("2.000806", 0): False,  # người nước ngoài, người định cư ở nước ngoài
    ("2.000806", 4): False,  # công chức, viên chức, lực lượng vũ trang
    ("2.000806", 6): False,  # đã ly hôn ở nước ngoài
}
# Notes of the published page copied as if they were components: kept as published, never required or digitised.
NOTES = {("2.000806", 3), ("2.000806", 7), ("1.001612", 1), ("2.000720", 10), ("1.001570", 3), ("1.001266", 1),
         ("3.000228", 2), ("3.000228", 3), ("2.000821", 7), ("1.002759", 4), ("1.013225", 8)}

# Components for records whose sample has none (illustrative, or inferred from spec §5.3 for the interlinked ones):
# (name, form, quantity, mandatory, must_digitise, replaceable_by, cases).
EXTRA_COMPONENTS = {
    "1.001776": [
        ("Tờ khai đề nghị trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng theo mẫu",
         "original", 1, True, False, [], []),
        ("Giấy xác nhận khuyết tật (đối với người khuyết tật)", "copy", 1, False, True,
         ["warehouse:disability_certificate", "result:1.001699"], []),
    ],
    "1.001731": [
        ("Tờ khai đề nghị hỗ trợ chi phí mai táng theo mẫu", "original", 1, True, False, [], []),
        ("Bản sao Trích lục khai tử hoặc Giấy báo tử", "copy", 1, True, True,
         ["warehouse:death_certificate", "result:1.000656"], []),
    ],
    "1.014027": [
        ("Tờ khai đề nghị trợ cấp hưu trí xã hội theo mẫu", "original", 1, True, False, [], []),
    ],
    "1.014028": [
        ("Tờ khai đề nghị hỗ trợ chi phí mai táng theo mẫu", "original", 1, True, False, [], []),
        ("Bản sao Trích lục khai tử hoặc Giấy báo tử", "copy", 1, True, True,
         ["warehouse:death_certificate", "result:1.000656"], []),
    ],
    "1.001699": [
        ("Đơn đề nghị xác định, xác định lại mức độ khuyết tật theo mẫu", "original", 1, True, False, [], []),
        ("Bản sao các giấy tờ y tế chứng minh về khuyết tật (nếu có)", "copy", 1, False, False, [], []),
        ("Giấy xác nhận khuyết tật đã cấp (trường hợp xác định lại, cấp đổi)", "original", 1, False, True,
         ["warehouse:disability_certificate"], []),
    ],
    "1.010824": [
        ("Bản khai của thân nhân theo mẫu", "original", 1, True, False, [], []),
        ("Bản sao Trích lục khai tử hoặc Giấy báo tử", "copy", 1, True, True,
         ["warehouse:death_certificate", "result:1.000656"], []),
    ],
    "1.010803": [
        ("Bản khai đề nghị trợ cấp thờ cúng liệt sĩ theo mẫu", "original", 1, True, False, [], []),
        ("Văn bản ủy quyền thờ cúng liệt sĩ của các thân nhân (nếu có)", "original", 1, False, True,
         ["warehouse:power_of_attorney"], []),
    ],
    "1.010833": [
        ("Đơn đề nghị cấp giấy xác nhận thân nhân của người có công theo mẫu", "original", 1, True, False, [], []),
    ],
    "1.011606": [
        ("Giấy đề nghị xét duyệt hộ nghèo, hộ cận nghèo hoặc công nhận hộ thoát nghèo, hộ thoát cận nghèo theo mẫu",
         "original", 1, True, False, [], []),
    ],
    "2.002481": [
        ("Đơn xin chuyển trường do cha, mẹ hoặc người giám hộ ký", "original", 1, True, False, [], []),
        ("Học bạ", "original", 1, True, False, [], []),
        ("Giấy giới thiệu chuyển trường do Hiệu trưởng nhà trường nơi học sinh đang học cấp", "original", 1, True,
         False, [], []),
    ],
    "1.003622": [
        ("Văn bản thông báo tổ chức lễ hội theo mẫu", "original", 1, True, False, [], []),
        ("Kế hoạch, chương trình tổ chức lễ hội", "original", 1, True, False, [], []),
    ],
    "3.000722": [
        ("Tờ khai điện tử liên thông (Mẫu số 01 ban hành kèm theo Nghị định số 63/2024/NĐ-CP)", "original", 1, True,
         False, ["population_db"], []),
        ("Giấy chứng sinh (bản điện tử do cơ sở y tế gửi sang phần mềm liên thông)", "original", 1, True, True,
         ["warehouse:birth_notice"], []),
        ("Giấy tờ chứng minh chỗ ở hợp pháp và ý kiến đồng ý của chủ hộ, chủ sở hữu (trường hợp trẻ đăng ký thường "
         "trú không cùng nơi thường trú của cha, mẹ)", "copy", 1, False, False, ["vneid"], []),
    ],
    "2.002913": [
        ("Tờ khai điện tử liên thông (Mẫu số 02 ban hành kèm theo Nghị định số 63/2024/NĐ-CP)", "original", 1, True,
         False, ["population_db"], []),
        ("Giấy báo tử hoặc giấy tờ thay Giấy báo tử", "original", 1, True, True, ["warehouse:death_notice"], []),
        ("Giấy tờ chứng minh người chết thuộc đối tượng được hưởng mai táng phí (nếu thông tin chưa có trong cơ sở "
         "dữ liệu)", "copy", 1, False, False, [], ["them_mai_tang", "them_tu_tuat"]),
        ("Sổ bảo hiểm xã hội của người chết", "original", 1, True, True, ["warehouse:social_insurance_book"],
         ["them_tu_tuat"]),
    ],
    "1.007073": [
        ("Tờ khai đăng ký khai tử theo mẫu", "original", 1, True, False, [], []),
        ("Giấy báo tử hoặc giấy tờ thay Giấy báo tử", "original", 1, True, True, ["warehouse:death_notice"], []),
    ],
}
EXTRA_COMPONENTS_ORIGIN = {"3.000722": "inferred", "2.002913": "inferred"}

# Declaration phrases that make a component conditional (matched on its first clause, lower case).
CONDITIONAL = ("(nếu có)", "nếu ", "trong trường hợp", "đối với trường hợp", "(đối với", "tùy từng trường hợp",
               "ủy quyền", "uỷ quyền", "điện tử tương tác", "hình thức trực tiếp", "hình thức trực tuyến")
CONDITIONAL_START = ("trường hợp", "đối với", "nếu", "khi ")
FORM_LIKE_START = ("tờ khai", "phiếu", "đơn ", "mẫu", "giấy đề nghị", "công dân chuẩn bị", "danh sách", "dự thảo",
                   "thông báo chấm dứt", "văn bản đề nghị", "đề nghị", "nội dung khai báo", "biên bản họp",
                   "trong đó", "khi có người", "thông tin ", "văn bản thỏa thuận", "giá trị sử dụng")
DIGITISE = ("giấy khai sinh", "trích lục", "giấy chứng nhận kết hôn", "tình trạng hôn nhân", "giấy chứng sinh",
            "giấy báo tử", "giấy chứng tử", "căn cước", "hộ chiếu", "giấy chứng nhận quyền sử dụng đất",
            "giấy chứng nhận đã cấp", "giấy chứng nhận quyền sở hữu", "giấy phép lái xe", "sổ bhxh",
            "giấy chứng nhận đăng ký hộ kinh doanh", "thông báo xác nhận kết quả đăng ký đất đai",
            "văn bản ủy quyền (được chứng thực)", "giấy xác nhận khuyết tật")
# Phrase -> extra sources (where clear).
REPLACEABLE = [
    ("căn cước điện tử", ["vneid"]),
    ("giấy chứng sinh", ["warehouse:birth_notice"]),
    ("giấy báo tử", ["warehouse:death_notice"]),
    ("giấy chứng tử", ["warehouse:death_certificate", "result:1.000656"]),
    ("trích lục khai tử", ["warehouse:death_certificate", "result:1.000656"]),
    ("bản sao giấy khai sinh", ["warehouse:birth_certificate", "result:1.001193"]),
    ("giấy xác nhận tình trạng hôn nhân", ["warehouse:marital_status_certificate", "result:1.004873"]),
    ("trích lục ghi chú ly hôn", ["warehouse:civil_status_extract"]),
    ("giấy chứng nhận quyền sử dụng đất", ["warehouse:land_use_certificate"]),
    ("giấy chứng nhận đã cấp", ["warehouse:land_use_certificate"]),
    ("thông báo xác nhận kết quả đăng ký đất đai", ["result:1.013978"]),
    ("giấy phép lái xe hoặc quyết định", ["warehouse:driving_licence"]),
    ("sổ bhxh", ["warehouse:social_insurance_book"]),
    ("bản sao thẻ căn cước", ["vneid", "warehouse:identity_card"]),
    ("văn bản ủy quyền", ["warehouse:power_of_attorney"]),
]

# Fee exemptions named in the fee notes: phrase -> exemptions.
MERIT_POOR_DISABLED = ["Người thuộc gia đình có công với cách mạng", "Người thuộc hộ nghèo", "Người khuyết tật"]
EXEMPTIONS = [
    ("miễn cho trường hợp đăng ký đúng hạn", ["Đăng ký khai tử đúng hạn"] + MERIT_POOR_DISABLED),
    ("miễn cho người thuộc gia đình có công", MERIT_POOR_DISABLED),
    ("được miễn theo Điều 4 Thông tư 75/2022/TT-BTC",
     ["Đối tượng quy định tại Điều 4 Thông tư số 75/2022/TT-BTC (sửa đổi bởi Thông tư số 71/2025/TT-BTC)"]),
    ("không phải nộp phí chứng thực hợp đồng thế chấp",
     ["Cá nhân, hộ gia đình vay vốn tổ chức tín dụng phục vụ phát triển nông nghiệp, nông thôn (Nghị định số "
      "55/2015/NĐ-CP): hợp đồng thế chấp"]),
]
FEE_LEGAL_BASIS = [
    ("Thông tư 75/2022/TT-BTC", "Thông tư số 75/2022/TT-BTC (sửa đổi bởi Thông tư số 71/2025/TT-BTC)"),
    ("Thông tư 85/2019/TT-BTC", "Thông tư số 85/2019/TT-BTC"),
    ("Thông tư 244/2016/TT-BTC", "Thông tư số 244/2016/TT-BTC"),
]


# ---------------------------------------------------------------------------------------------------------------
# Fields of the e-forms
# ---------------------------------------------------------------------------------------------------------------

def fld(key, label, typ, required=True, help=None, example=None, prefill=None, **kw):
    """One form field, in the order serde writes it."""
    if not re.fullmatch(r"[a-z0-9_]+", key):
        die(f"bad field key {key!r}")
    d = {"key": key, "label": label, "type": typ}
    if typ == "text":
        if "max_length" in kw:
            d["max_length"] = kw["max_length"]
        if kw.get("multiline"):
            d["multiline"] = True
    elif typ == "choice":
        d["options"] = [{"value": v, "label": lab} for v, lab in kw["options"]]
    elif typ == "number":
        if "min" in kw:
            d["min"] = kw["min"]
        if "max" in kw:
            d["max"] = kw["max"]
    d["required"] = required
    if help:
        d["help"] = help
    if example:
        d["example"] = example
    if prefill:
        d["prefill"] = check_source(prefill)
    return d


FROM_DB = "Tự điền từ Cơ sở dữ liệu quốc gia về dân cư khi đăng nhập bằng VNeID mức độ 2; sửa nếu chưa đúng."
FROM_VNEID = "Tự điền từ tài khoản định danh điện tử (VNeID)."
SEX = [("nam", "Nam"), ("nu", "Nữ")]


def ho_ten(key="ho_ten", label="Họ, chữ đệm và tên", prefill="population.full_name", example="Trần Thị Mai",
           required=True):
    return fld(key, label, "text", required, FROM_DB if prefill else "Ghi đủ họ, chữ đệm và tên, có dấu.", example,
               prefill, max_length=100)


def so_dinh_danh(key="so_dinh_danh", label="Số định danh cá nhân", prefill="identity.id_number",
                 example="048190001234", required=True):
    help = FROM_VNEID if prefill else "12 chữ số in trên thẻ căn cước."
    return fld(key, label, "id_number", required, help, example, prefill)


def ngay_sinh(key="ngay_sinh", label="Ngày, tháng, năm sinh", prefill="identity.birth_date", example="12/05/1990",
              required=True):
    help = FROM_VNEID if prefill else "Ghi theo dạng ngày/tháng/năm."
    return fld(key, label, "date", required, help, example, prefill)


def gioi_tinh(key="gioi_tinh", label="Giới tính", prefill="identity.sex", required=True):
    return fld(key, label, "choice", required, FROM_VNEID if prefill else None, "Nữ", prefill, options=SEX)


def dia_chi(key, label, prefill=None, example="Tổ 12, phường Hải Châu, thành phố Đà Nẵng", required=True,
            help=None):
    if help is None:
        help = FROM_DB if prefill else "Chọn tỉnh, thành phố; xã, phường, đặc khu; rồi ghi số nhà, đường, thôn, tổ."
    return fld(key, label, "address", required, help, example, prefill)


def noi_thuong_tru(key="noi_thuong_tru", label="Nơi thường trú"):
    return dia_chi(key, label, "population.permanent_address")


def so_dien_thoai(prefill="population.phone", required=True):
    return fld("so_dien_thoai", "Số điện thoại", "phone", required,
               "Để cơ quan báo khi có kết quả." + (" " + FROM_DB if prefill else ""), "0905123456", prefill)


def email(prefill="population.email"):
    return fld("email", "Thư điện tử", "email", False, "Không bắt buộc; nhận thông báo qua thư điện tử.",
               "mai.tran@example.vn", prefill)


def dan_toc(key="dan_toc", label="Dân tộc", prefill="population.ethnicity", example="Kinh"):
    return fld(key, label, "text", True, FROM_DB if prefill else None, example, prefill, max_length=50)


def quoc_tich(key="quoc_tich", label="Quốc tịch", prefill="population.nationality", example="Việt Nam",
              required=True):
    return fld(key, label, "text", required, FROM_DB if prefill else None, example, prefill, max_length=50)


def file(key, label, prefill=None, required=True, help=None):
    if help is None:
        help = ("Nếu giấy tờ đã có trong Kho dữ liệu cá nhân, hệ thống tự lấy; nếu không, tải bản chụp hoặc bản quét."
                if prefill else "Tải bản chụp hoặc bản quét rõ nét (PDF, JPG).")
    return fld(key, label, "file", required, help, None, prefill)


def text(key, label, required=True, help=None, example=None, multiline=False, max_length=None, prefill=None):
    kw = {"multiline": multiline}
    if max_length:
        kw["max_length"] = max_length
    return fld(key, label, "text", required, help, example, prefill, **kw)


def choice(key, label, options, required=True, help=None, example=None, prefill=None):
    return fld(key, label, "choice", required, help, example, prefill, options=options)


def number(key, label, required=True, help=None, example=None, lo=None, hi=None):
    kw = {}
    if lo is not None:
        kw["min"] = lo
    if hi is not None:
        kw["max"] = hi
    return fld(key, label, "number", required, help, example, **kw)


def date(key, label, required=True, help=None, example=None, prefill=None):
    return fld(key, label, "date", required, help or "Ghi theo dạng ngày/tháng/năm.", example, prefill)


def money(key, label, required=True, help=None, example=None):
    return fld(key, label, "money", required, help, example)


def so_ban_sao(label="Số bản sao muốn nhận thêm"):
    return number("so_ban_sao", label, False, "Bản sao cấp thêm có thu phí theo quy định; để trống nếu không cần.",
                  "1", 0, 10)


def applicant(address=True, phone=True, mail=False, birth=False, sex=False):
    """The applicant's own data: all from VNeID or the population database."""
    out = [ho_ten(), so_dinh_danh()]
    if birth:
        out.append(ngay_sinh())
    if sex:
        out.append(gioi_tinh())
    if address:
        out.append(noi_thuong_tru("noi_cu_tru", "Nơi cư trú"))
    if phone:
        out.append(so_dien_thoai())
    if mail:
        out.append(email())
    return out


def form(title, baseline, fields, case=None):
    keys = [f["key"] for f in fields]
    if len(keys) != len(set(keys)):
        die(f"duplicate field key in {title}")
    d = {}
    if case:
        d["case"] = case
    d["title"] = title
    d["version"] = 1
    d["baseline_fields"] = baseline
    d["fields"] = fields
    return d


RELATION_TO_CHILD = [("me", "Mẹ"), ("cha", "Cha"), ("ong_ba", "Ông, bà"), ("khac", "Người thân thích khác")]
RELATION_TO_DECEASED = [("vo_chong", "Vợ, chồng"), ("con", "Con"), ("cha_me", "Cha, mẹ"),
                        ("nguoi_than", "Người thân thích khác"), ("dai_dien", "Đại diện cơ quan, tổ chức")]
RECEIVE = [("truc_tiep", "Nhận trực tiếp tại nơi nộp"), ("buu_chinh", "Nhận qua bưu chính (trả cước)"),
           ("dien_tu", "Nhận bản điện tử qua Kho dữ liệu cá nhân")]
PAYMENT = [("tai_khoan", "Chuyển khoản vào tài khoản ngân hàng"), ("tien_mat", "Nhận tiền mặt")]
HOUSEHOLD_RELATION = [("chu_ho", "Chủ hộ"), ("vo_chong", "Vợ, chồng"), ("con", "Con"), ("cha_me", "Cha, mẹ"),
                      ("khac", "Quan hệ khác")]


def child_fields(with_nationality_choice=False):
    out = [
        text("ho_ten_tre", "Họ, chữ đệm và tên của trẻ", help="Ghi đủ họ, chữ đệm và tên, có dấu.",
             example="Nguyễn Minh Khôi", max_length=100),
        choice("gioi_tinh_tre", "Giới tính của trẻ", SEX, example="Nam"),
        date("ngay_sinh_tre", "Ngày, tháng, năm sinh của trẻ", help="Theo Giấy chứng sinh.", example="05/09/2025"),
        text("noi_sinh", "Nơi sinh",
             help="Tên cơ sở y tế nơi trẻ sinh ra; nếu sinh ngoài cơ sở y tế, ghi địa chỉ nơi sinh.",
             example="Bệnh viện Phụ sản – Nhi Đà Nẵng", max_length=200),
        text("dan_toc_tre", "Dân tộc của trẻ", help="Theo dân tộc của cha hoặc mẹ.", example="Kinh", max_length=50),
    ]
    if with_nationality_choice:
        out.append(choice("quoc_tich_tre", "Quốc tịch của trẻ", [("viet_nam", "Việt Nam"),
                                                                 ("nuoc_ngoai", "Quốc tịch nước ngoài của cha hoặc mẹ")],
                          help="Theo văn bản thỏa thuận của cha, mẹ về quốc tịch của con.", example="Việt Nam"))
    else:
        out.append(text("quoc_tich_tre", "Quốc tịch của trẻ", example="Việt Nam", max_length=50))
    out.append(text("que_quan_tre", "Quê quán của trẻ", help="Theo quê quán của cha hoặc mẹ, theo thỏa thuận.",
                    example="Xã Điện Bàn, thành phố Đà Nẵng", max_length=200))
    return out


def parent_fields():
    """The applicant (a parent) and the other parent, from the applicant's own record."""
    return [
        ho_ten("ho_ten_nguoi_yeu_cau", "Họ, chữ đệm và tên người yêu cầu"),
        so_dinh_danh("so_dinh_danh_nguoi_yeu_cau", "Số định danh cá nhân của người yêu cầu"),
        noi_thuong_tru("noi_cu_tru_nguoi_yeu_cau", "Nơi cư trú của người yêu cầu"),
        choice("quan_he_voi_tre", "Quan hệ với trẻ", RELATION_TO_CHILD, help="Người đi đăng ký là gì của trẻ.",
               example="Mẹ"),
        so_dien_thoai(),
        ho_ten("ho_ten_cha_me_con_lai", "Họ, chữ đệm và tên của cha hoặc mẹ còn lại", "population.spouse.full_name",
               "Nguyễn Văn Hùng", required=False),
        so_dinh_danh("so_dinh_danh_cha_me_con_lai", "Số định danh cá nhân của cha hoặc mẹ còn lại",
                     "population.spouse.id_number", "048089004567", required=False),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Forms, hand-crafted for the common procedures
# ---------------------------------------------------------------------------------------------------------------

def forms_khai_sinh(_):
    fields = parent_fields() + child_fields() + [
        file("giay_chung_sinh", "Giấy chứng sinh", "warehouse:birth_notice",
             help="Bệnh viện đã gửi Giấy chứng sinh điện tử thì hệ thống tự lấy; nếu không, tải bản chụp hoặc bản quét."),
        so_ban_sao("Số bản sao Giấy khai sinh muốn nhận thêm"),
    ]
    return [form("Tờ khai đăng ký khai sinh", 24, fields)]


def forms_khai_sinh_nuoc_ngoai(_):
    common = parent_fields() + [
        quoc_tich("quoc_tich_nguoi_yeu_cau", "Quốc tịch của người yêu cầu"),
        text("quoc_tich_cha_me_con_lai", "Quốc tịch của cha hoặc mẹ còn lại", False,
             "Tự điền từ thông tin vợ/chồng trong CSDL dân cư nếu có; với người nước ngoài, ghi theo hộ chiếu.",
             "Hàn Quốc", prefill="population.spouse.nationality", max_length=50),
        text("so_ho_chieu_cha_me_con_lai", "Số hộ chiếu của cha hoặc mẹ là người nước ngoài", False,
             "Chỉ ghi khi cha hoặc mẹ là người nước ngoài.", "M12345678", max_length=20),
    ] + child_fields(with_nationality_choice=True)
    vn = common + [
        file("giay_chung_sinh", "Giấy chứng sinh", "warehouse:birth_notice"),
        file("thoa_thuan_quoc_tich", "Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con", required=False),
        so_ban_sao("Số bản sao Giấy khai sinh muốn nhận thêm"),
    ]
    abroad = common + [
        text("quoc_gia_noi_sinh", "Nước nơi trẻ sinh ra", example="Hàn Quốc", max_length=100),
        date("ngay_nhap_canh", "Ngày trẻ nhập cảnh Việt Nam", example="20/08/2025"),
        text("so_ho_chieu_tre", "Số hộ chiếu hoặc giấy tờ đi lại của trẻ", example="C1234567", max_length=20),
        file("giay_chung_sinh_nuoc_ngoai", "Giấy chứng sinh hoặc giấy tờ nước ngoài xác nhận việc sinh"),
        file("giay_to_nhap_canh", "Giấy tờ chứng minh việc trẻ nhập cảnh hợp pháp"),
        so_ban_sao("Số bản sao Giấy khai sinh muốn nhận thêm"),
    ]
    return [
        form("Tờ khai đăng ký khai sinh có yếu tố nước ngoài — trẻ sinh tại Việt Nam", 28, vn, "sinh_tai_viet_nam"),
        form("Tờ khai đăng ký khai sinh có yếu tố nước ngoài — trẻ sinh ở nước ngoài", 32, abroad, "sinh_o_nuoc_ngoai"),
    ]


def deceased_fields():
    return [
        so_dinh_danh("so_dinh_danh_nguoi_chet", "Số định danh cá nhân của người chết", None, "048050001122"),
        ho_ten("ho_ten_nguoi_chet", "Họ, chữ đệm và tên của người chết", None, "Lê Văn Bảy"),
        ngay_sinh("ngay_sinh_nguoi_chet", "Ngày, tháng, năm sinh của người chết", None, "03/02/1950"),
        date("ngay_chet", "Ngày chết", help="Theo Giấy báo tử.", example="14/10/2025"),
        text("gio_chet", "Giờ, phút chết", False, "Theo Giấy báo tử, nếu có.", "08 giờ 30 phút", max_length=30),
        text("noi_chet", "Nơi chết", help="Tên cơ sở y tế hoặc địa chỉ nơi chết.",
             example="Bệnh viện Đà Nẵng", max_length=200),
        text("nguyen_nhan_chet", "Nguyên nhân chết", example="Bệnh", max_length=200),
    ]


def forms_khai_tu(_):
    fields = applicant() + [
        choice("quan_he_voi_nguoi_chet", "Quan hệ với người chết", RELATION_TO_DECEASED, example="Con"),
    ] + deceased_fields() + [
        file("giay_bao_tu", "Giấy báo tử", "warehouse:death_notice"),
        so_ban_sao("Số bản sao Trích lục khai tử muốn nhận thêm"),
    ]
    return [form("Tờ khai đăng ký khai tử", 18, fields)]


def forms_ket_hon(_):
    fields = [
        ho_ten(), ngay_sinh(), so_dinh_danh(), dan_toc(), quoc_tich(), noi_thuong_tru("noi_cu_tru", "Nơi cư trú"),
        text("tinh_trang_hon_nhan", "Tình trạng hôn nhân", help=FROM_DB + " Sai thì báo Công an cấp xã để điều chỉnh.",
             example="Chưa kết hôn", prefill="population.marital_status", max_length=50),
        so_dien_thoai(),
        ho_ten("ho_ten_ben_kia", "Họ, chữ đệm và tên của bên kia", None, "Phạm Quốc Bảo"),
        ngay_sinh("ngay_sinh_ben_kia", "Ngày, tháng, năm sinh của bên kia", None, "21/11/1988"),
        so_dinh_danh("so_dinh_danh_ben_kia", "Số định danh cá nhân của bên kia", None, "048088007788"),
        dan_toc("dan_toc_ben_kia", "Dân tộc của bên kia", None),
        quoc_tich("quoc_tich_ben_kia", "Quốc tịch của bên kia", None),
        dia_chi("noi_cu_tru_ben_kia", "Nơi cư trú của bên kia", example="Thôn 3, xã Hòa Vang, thành phố Đà Nẵng"),
        date("ngay_mong_muon", "Ngày mong muốn tổ chức đăng ký kết hôn", False,
             "Không bắt buộc; cơ quan sẽ hẹn lịch để hai bên cùng có mặt.", "20/12/2025"),
    ]
    return [form("Tờ khai đăng ký kết hôn", 16, fields)]


def forms_ket_hon_nuoc_ngoai(_):
    fields = [
        ho_ten(), ngay_sinh(), so_dinh_danh(), dan_toc(), quoc_tich(), noi_thuong_tru("noi_cu_tru", "Nơi cư trú"),
        text("tinh_trang_hon_nhan", "Tình trạng hôn nhân", help=FROM_DB, example="Chưa kết hôn",
             prefill="population.marital_status", max_length=50),
        so_dien_thoai(),
        ho_ten("ho_ten_ben_kia", "Họ, chữ đệm và tên của bên kia (theo hộ chiếu)", None, "KIM MIN JUN"),
        ngay_sinh("ngay_sinh_ben_kia", "Ngày, tháng, năm sinh của bên kia", None, "02/03/1987"),
        quoc_tich("quoc_tich_ben_kia", "Quốc tịch của bên kia", None, "Hàn Quốc"),
        text("so_ho_chieu_ben_kia", "Số hộ chiếu của bên kia", example="M12345678", max_length=20),
        text("noi_cu_tru_ben_kia", "Nơi cư trú của bên kia", example="Seoul, Hàn Quốc", max_length=200),
        file("xac_nhan_hon_nhan_ben_kia", "Giấy tờ chứng minh tình trạng hôn nhân của bên kia"),
        file("giay_kham_suc_khoe", "Giấy xác nhận của tổ chức y tế về sức khỏe tâm thần của hai bên"),
    ]
    return [form("Tờ khai đăng ký kết hôn có yếu tố nước ngoài", 18, fields)]


def forms_tthn(_):
    fields = [
        ho_ten(), ngay_sinh(), gioi_tinh(), dan_toc(), quoc_tich(), so_dinh_danh(),
        noi_thuong_tru("noi_cu_tru", "Nơi cư trú"),
        text("tinh_trang_hon_nhan", "Tình trạng hôn nhân hiện tại", help=FROM_DB, example="Chưa kết hôn",
             prefill="population.marital_status", max_length=50),
        choice("muc_dich", "Mục đích sử dụng", [("ket_hon", "Để đăng ký kết hôn"), ("khac", "Mục đích khác")],
               example="Để đăng ký kết hôn"),
        text("ho_ten_nguoi_du_dinh_ket_hon", "Họ tên người dự định kết hôn", False,
             "Chỉ ghi khi xin giấy để đăng ký kết hôn.", "Phạm Quốc Bảo", max_length=100),
        text("noi_du_dinh_dang_ky", "Nơi dự định đăng ký kết hôn", False, "Chỉ ghi khi xin giấy để đăng ký kết hôn.",
             "Ủy ban nhân dân phường Hòa Cường", max_length=200),
        text("muc_dich_khac", "Mục đích khác", False, "Ghi rõ khi chọn “Mục đích khác”, ví dụ vay vốn ngân hàng.",
             "Bổ sung hồ sơ vay vốn", max_length=200),
        number("so_luong", "Số lượng giấy xác nhận", True, None, "1", 1, 5),
    ]
    return [form("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 14, fields)]


def ct01_person(address_key="noi_thuong_tru", address_label="Nơi thường trú",
                address_source="population.permanent_address"):
    return [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(),
            dia_chi(address_key, address_label, address_source), so_dien_thoai()]


def forms_thuong_tru(_):
    fields = [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(), so_dien_thoai(), email(),
              dia_chi("dia_chi_dang_ky", "Địa chỉ đề nghị đăng ký thường trú",
                      example="Số 25 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng"),
              ho_ten("ho_ten_chu_ho", "Họ, chữ đệm và tên chủ hộ nơi đến", None, "Trần Văn Nam"),
              so_dinh_danh("so_dinh_danh_chu_ho", "Số định danh cá nhân của chủ hộ nơi đến", None, "048065003344"),
              choice("quan_he_voi_chu_ho", "Quan hệ với chủ hộ", HOUSEHOLD_RELATION, example="Con"),
              choice("cho_o_hop_phap", "Chỗ ở hợp pháp", [
                  ("so_huu", "Nhà thuộc sở hữu của tôi"), ("nguoi_than", "Về ở với người thân (vợ, chồng, cha, mẹ, con)"),
                  ("thue_muon", "Thuê, mượn, ở nhờ")], example="Nhà thuộc sở hữu của tôi"),
              file("giay_to_cho_o", "Giấy tờ chứng minh chỗ ở hợp pháp", "warehouse:land_use_certificate", False,
                   "Không cần nộp nếu thông tin chỗ ở đã có trong cơ sở dữ liệu hoặc Kho dữ liệu cá nhân."),
              choice("y_kien_chu_ho", "Ý kiến đồng ý của chủ hộ, chủ sở hữu", [
                  ("vneid", "Đồng ý qua ứng dụng VNeID"), ("van_ban", "Nộp văn bản đồng ý kèm theo"),
                  ("khong_can", "Không cần (tôi là chủ sở hữu)")], False, example="Đồng ý qua ứng dụng VNeID"),
              text("thanh_vien_cung_dang_ky", "Những người cùng đăng ký (họ tên, số định danh, quan hệ với chủ hộ)",
                   False, "Mỗi người một dòng.", "Nguyễn Minh Khôi, 048225001234, cháu", True, 1000),
              ]
    return [form("Tờ khai thay đổi thông tin cư trú (CT01) — đăng ký thường trú", 20, fields)]


def forms_tam_tru(_):
    fields = ct01_person() + [
        dia_chi("dia_chi_tam_tru", "Địa chỉ đề nghị đăng ký tạm trú", example="Kiệt 45 Hà Huy Tập, phường Thanh Khê, "
                                                                            "thành phố Đà Nẵng"),
        date("ngay_bat_dau", "Ngày bắt đầu tạm trú", example="01/10/2025"),
        number("thoi_han_thang", "Thời hạn tạm trú (tháng)", True, "Tối đa 24 tháng; hết hạn có thể gia hạn.", "12", 1,
               24),
        ho_ten("ho_ten_chu_ho", "Họ, chữ đệm và tên chủ hộ nơi tạm trú", None, "Võ Thị Hạnh", required=False),
        choice("quan_he_voi_chu_ho", "Quan hệ với chủ hộ", HOUSEHOLD_RELATION, False, example="Quan hệ khác"),
        choice("cho_o_hop_phap", "Chỗ ở hợp pháp", [("thue_muon", "Thuê, mượn, ở nhờ"), ("so_huu", "Nhà của tôi"),
                                                   ("tap_the", "Ký túc xá, nhà ở tập thể")], example="Thuê, mượn, ở nhờ"),
        file("hop_dong_thue", "Hợp đồng hoặc văn bản cho thuê, cho mượn, cho ở nhờ", required=False),
    ]
    return [form("Tờ khai thay đổi thông tin cư trú (CT01) — đăng ký tạm trú", 18, fields)]


def forms_tam_vang(_):
    fields = [ho_ten(), so_dinh_danh(), ngay_sinh(), noi_thuong_tru(), so_dien_thoai(),
              text("ly_do", "Lý do tạm vắng", help="Ví dụ: đi làm ăn, học tập, chữa bệnh ở tỉnh khác.",
                   example="Đi làm việc tại Thành phố Hồ Chí Minh", multiline=True, max_length=500),
              date("tu_ngay", "Tạm vắng từ ngày", example="01/11/2025"),
              date("den_ngay", "Đến ngày", example="30/04/2026"),
              dia_chi("noi_den", "Địa chỉ nơi đến", example="Số 10 Nguyễn Trãi, phường Bến Thành, "
                                                            "Thành phố Hồ Chí Minh")]
    return [form("Đề nghị khai báo tạm vắng", 10, fields)]


def forms_luu_tru(_):
    fields = [
        ho_ten("ho_ten_nguoi_thong_bao", "Họ, chữ đệm và tên người thông báo"),
        so_dinh_danh(), so_dien_thoai(),
        dia_chi("dia_chi_luu_tru", "Địa chỉ nơi lưu trú", "population.current_address",
                help="Tự điền nơi ở hiện tại của người thông báo; sửa nếu khách ở địa chỉ khác (cơ sở lưu trú)."),
        ho_ten("ho_ten_nguoi_luu_tru", "Họ, chữ đệm và tên người đến lưu trú", None, "Hoàng Văn Dũng"),
        so_dinh_danh("so_dinh_danh_nguoi_luu_tru", "Số định danh cá nhân của người lưu trú", None, "044092005566"),
        ngay_sinh("ngay_sinh_nguoi_luu_tru", "Ngày, tháng, năm sinh của người lưu trú", None, "09/09/1992"),
        text("ly_do_luu_tru", "Lý do lưu trú", example="Thăm người thân", max_length=200),
        date("tu_ngay", "Lưu trú từ ngày", example="15/10/2025"),
        date("den_ngay", "Đến ngày", example="18/10/2025"),
    ]
    return [form("Thông báo lưu trú", 12, fields)]


def card_fields():
    return [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(), noi_thuong_tru(),
            dia_chi("noi_o_hien_tai", "Nơi ở hiện tại", "population.current_address"), so_dien_thoai(), email()]


def receive_card():
    return [
        choice("noi_nhan_the", "Nơi nhận thẻ", [("co_quan", "Nhận tại cơ quan Công an nơi làm thủ tục"),
                                               ("buu_chinh", "Nhận qua bưu chính (trả cước)")],
               example="Nhận tại cơ quan Công an nơi làm thủ tục"),
        dia_chi("dia_chi_nhan_the", "Địa chỉ nhận thẻ qua bưu chính", required=False,
                help="Chỉ ghi khi chọn nhận qua bưu chính."),
    ]


def forms_cap_doi_can_cuoc(_):
    fields = card_fields() + [
        choice("ly_do", "Lý do cấp đổi", [("du_tuoi", "Đủ 25, 40 hoặc 60 tuổi"), ("hu_hong", "Thẻ bị hư hỏng"),
                                           ("thay_doi_thong_tin", "Thay đổi thông tin in trên thẻ"),
                                           ("khac", "Lý do khác theo Luật Căn cước")], example="Đủ 25, 40 hoặc 60 tuổi"),
    ] + receive_card()
    return [form("Phiếu đề nghị giải quyết thủ tục về căn cước (DC02) — cấp đổi thẻ", 12, fields)]


def forms_cap_lai_can_cuoc(_):
    fields = card_fields() + [
        choice("ly_do", "Lý do cấp lại", [("mat", "Thẻ bị mất"), ("tro_lai_quoc_tich", "Được trở lại quốc tịch Việt Nam")],
               example="Thẻ bị mất"),
    ] + receive_card()
    return [form("Phiếu đề nghị giải quyết thủ tục về căn cước (DC02) — cấp lại thẻ", 12, fields)]


def forms_cap_can_cuoc(_):
    fields = card_fields()[:-1] + [
        choice("nhom_mau", "Nhóm máu", [("a", "A"), ("b", "B"), ("ab", "AB"), ("o", "O"), ("chua_biet", "Chưa biết")],
               False, "Chỉ ghi khi có kết quả xét nghiệm; không bắt buộc.", "O"),
    ] + receive_card()
    return [form("Phiếu đề nghị giải quyết thủ tục về căn cước (DC02) — cấp thẻ lần đầu", 14, fields)]


def forms_vneid(_):
    fields = [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(),
              fld("so_dien_thoai", "Số thuê bao di động chính chủ", "phone", True,
                  "Số điện thoại đứng tên bạn, dùng để kích hoạt tài khoản. " + FROM_DB, "0905123456",
                  "population.phone"),
              email(),
              choice("tich_hop", "Thông tin đề nghị tích hợp", [
                  ("khong", "Không tích hợp thêm"), ("bhyt", "Thẻ bảo hiểm y tế"), ("gplx", "Giấy phép lái xe"),
                  ("mst", "Mã số thuế")], False, "Không bắt buộc.", "Thẻ bảo hiểm y tế")]
    return [form("Phiếu đề nghị cấp tài khoản định danh điện tử (TK01)", 9, fields)]


def forms_lltp(_):
    fields = [
        ho_ten(), gioi_tinh(), ngay_sinh(),
        text("noi_sinh", "Nơi sinh", help=FROM_DB, example="Thành phố Đà Nẵng",
             prefill="population.birth_registration_place", max_length=200),
        quoc_tich(), dan_toc(), so_dinh_danh(), noi_thuong_tru(),
        dia_chi("noi_tam_tru", "Nơi tạm trú", "population.temporary_address", required=False),
        ho_ten("ho_ten_cha", "Họ tên cha", "population.father.full_name", "Trần Văn Long", required=False),
        ho_ten("ho_ten_me", "Họ tên mẹ", "population.mother.full_name", "Lê Thị Hoa", required=False),
        ho_ten("ho_ten_vo_chong", "Họ tên vợ hoặc chồng", "population.spouse.full_name", "Nguyễn Văn Hùng",
               required=False),
        so_dien_thoai(), email(),
        text("qua_trinh_cu_tru", "Quá trình cư trú, nghề nghiệp từ đủ 14 tuổi",
             help="Mỗi giai đoạn một dòng: từ tháng/năm đến tháng/năm, nơi cư trú, nghề nghiệp, nơi làm việc.",
             example="09/2004–06/2008: phường Hải Châu, Đà Nẵng, học sinh", multiline=True, max_length=2000),
        choice("loai_phieu", "Loại phiếu", [("so_1", "Phiếu lý lịch tư pháp số 1"),
                                            ("so_2", "Phiếu lý lịch tư pháp số 2")],
               help="Phiếu số 2 ghi cả án tích đã được xóa; chỉ cấp cho chính người được cấp phiếu.",
               example="Phiếu lý lịch tư pháp số 1"),
        text("muc_dich", "Mục đích sử dụng phiếu", example="Bổ sung hồ sơ xin việc", max_length=200),
        number("so_luong", "Số lượng phiếu", True, "Từ phiếu thứ ba thu thêm phí theo quy định.", "2", 1, 10),
        choice("xac_nhan_cam_dam_nhiem", "Yêu cầu xác nhận về việc bị cấm đảm nhiệm chức vụ, thành lập, quản lý "
                                         "doanh nghiệp", [("co", "Có"), ("khong", "Không")], False,
               "Chỉ cần khi dùng phiếu để thành lập, quản lý doanh nghiệp, hợp tác xã.", "Không"),
    ]
    return [form("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 01/2025/LLTP)", 20, fields)]


def hkd_owner():
    return [ho_ten("ho_ten_chu_ho", "Họ, chữ đệm và tên chủ hộ kinh doanh"), ngay_sinh(), gioi_tinh(), dan_toc(),
            quoc_tich(), so_dinh_danh(), noi_thuong_tru(),
            dia_chi("noi_o_hien_tai", "Nơi ở hiện tại", "population.current_address"), so_dien_thoai(), email()]


def forms_hkd(_):
    fields = hkd_owner() + [
        text("ten_ho_kinh_doanh", "Tên hộ kinh doanh",
             help="Gồm cụm từ “Hộ kinh doanh” và tên riêng; không trùng tên hộ kinh doanh khác trong xã, phường.",
             example="Hộ kinh doanh Bánh mì Cô Mai", max_length=200),
        dia_chi("dia_chi_kinh_doanh", "Địa điểm kinh doanh", example="Số 120 Nguyễn Văn Linh, phường Thanh Khê, "
                                                                      "thành phố Đà Nẵng"),
        text("nganh_nghe", "Ngành, nghề kinh doanh", help="Mô tả ngắn; cán bộ sẽ giúp ghi mã ngành.",
             example="Bán lẻ bánh mì, đồ uống không cồn", multiline=True, max_length=1000),
        money("von_kinh_doanh", "Vốn kinh doanh (đồng)", example="50.000.000"),
        number("so_lao_dong", "Số lao động dự kiến", True, None, "2", 0, 1000),
        text("thanh_vien_ho_gia_dinh", "Các thành viên hộ gia đình cùng đăng ký (nếu có)", False,
             "Họ tên và số định danh của từng người, mỗi người một dòng.", "Nguyễn Văn Hùng, 048089004567", True, 1000),
    ]
    return [form("Giấy đề nghị đăng ký hộ kinh doanh", 22, fields)]


def forms_chung_thuc_ban_sao(_):
    fields = applicant(address=False) + [
        text("ten_giay_to", "Tên giấy tờ cần chứng thực bản sao", example="Bằng tốt nghiệp trung học phổ thông",
             max_length=200),
        text("co_quan_cap", "Cơ quan, tổ chức cấp giấy tờ", example="Sở Giáo dục và Đào tạo thành phố Đà Nẵng",
             max_length=200),
        number("so_trang", "Số trang của bản chính", True, "Phí tính theo số trang của bản chính.", "2", 1, 500),
        number("so_ban", "Số bản sao cần chứng thực", True, None, "3", 1, 50),
        file("ban_chinh", "Bản chụp bản chính", required=False,
             help="Khi nộp trực tuyến để nhận bản sao điện tử; nộp tại quầy thì mang bản chính đến."),
        choice("hinh_thuc", "Hình thức nhận", [("giay", "Bản sao giấy"), ("dien_tu", "Bản sao điện tử có chữ ký số")],
               example="Bản sao giấy"),
    ]
    return [form("Phiếu yêu cầu chứng thực bản sao từ bản chính", 8, fields)]


HANDCRAFTED = {
    "1.001193": forms_khai_sinh, "2.000528": forms_khai_sinh_nuoc_ngoai, "1.000656": forms_khai_tu,
    "1.000894": forms_ket_hon, "2.000806": forms_ket_hon_nuoc_ngoai, "1.004873": forms_tthn,
    "1.004222": forms_thuong_tru, "1.004194": forms_tam_tru, "1.003677": forms_tam_vang, "2.001159": forms_luu_tru,
    "1.014061": forms_cap_can_cuoc, "1.014063": forms_cap_doi_can_cuoc, "1.014064": forms_cap_lai_can_cuoc,
    "3.000228": forms_vneid, "3.000333": forms_lltp, "1.001612": forms_hkd, "2.000815": forms_chung_thuc_ban_sao,
}


# ---------------------------------------------------------------------------------------------------------------
# Forms, generic but sensible for the rest
# ---------------------------------------------------------------------------------------------------------------

def generic_forms(code):
    cat = CATEGORY[code]
    if code == "1.004859":
        fields = applicant() + [
            choice("quan_he", "Quan hệ với người được thay đổi, cải chính", [
                ("ban_than", "Chính tôi"), ("cha_me", "Cha, mẹ (người được cải chính chưa thành niên)"),
                ("khac", "Người đại diện theo pháp luật")], example="Chính tôi"),
            so_dinh_danh("so_dinh_danh_nguoi_duoc_cai_chinh", "Số định danh của người được thay đổi, cải chính", None,
                         "048225001234", required=False),
            choice("loai_yeu_cau", "Yêu cầu", [("thay_doi", "Thay đổi thông tin hộ tịch"),
                                                ("cai_chinh", "Cải chính thông tin hộ tịch"),
                                                ("bo_sung", "Bổ sung thông tin hộ tịch"),
                                                ("dan_toc", "Xác định lại dân tộc")], example="Cải chính thông tin hộ tịch"),
            text("noi_dung_hien_tai", "Nội dung đang ghi trong sổ hộ tịch", example="Ngày sinh: 12/05/1990",
                 max_length=500),
            text("noi_dung_de_nghi", "Nội dung đề nghị ghi lại", example="Ngày sinh: 21/05/1990", max_length=500),
            text("ly_do", "Lý do", example="Ghi sai khi đăng ký khai sinh", multiline=True, max_length=1000),
            file("giay_to_can_cu", "Giấy tờ làm căn cứ thay đổi, cải chính, bổ sung"),
        ]
        return [form("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", 14, fields)]
    if code == "1.004884":
        fields = [ho_ten(), so_dinh_danh(), ngay_sinh(), gioi_tinh(), dan_toc(), quoc_tich(),
                  text("que_quan", "Quê quán", help=FROM_DB, example="Xã Điện Bàn, thành phố Đà Nẵng",
                       prefill="population.home_town", max_length=200),
                  noi_thuong_tru("noi_cu_tru", "Nơi cư trú"),
                  ho_ten("ho_ten_cha", "Họ tên cha", "population.father.full_name", "Trần Văn Long", required=False),
                  ho_ten("ho_ten_me", "Họ tên mẹ", "population.mother.full_name", "Lê Thị Hoa", required=False),
                  so_dien_thoai(),
                  text("noi_sinh", "Nơi sinh", example="Bệnh viện Đà Nẵng", max_length=200),
                  text("noi_da_dang_ky", "Nơi đã đăng ký khai sinh trước đây", example="Ủy ban nhân dân phường Hải Châu 1",
                       max_length=200),
                  date("ngay_dang_ky_truoc_day", "Ngày đăng ký khai sinh trước đây (nếu nhớ)", False,
                       example="20/05/1990"),
                  file("ban_sao_giay_khai_sinh", "Bản sao Giấy khai sinh (nếu có)", "warehouse:birth_certificate", False)]
        return [form("Tờ khai đăng ký lại khai sinh", 18, fields)]
    if code == "2.000635":
        fields = applicant() + [
            choice("loai_giay", "Giấy tờ cần cấp bản sao", [
                ("giay_khai_sinh", "Bản sao Giấy khai sinh"), ("trich_luc_ket_hon", "Bản sao Trích lục kết hôn"),
                ("trich_luc_khai_tu", "Bản sao Trích lục khai tử"), ("khac", "Bản sao trích lục hộ tịch khác")],
                   example="Bản sao Giấy khai sinh"),
            ho_ten("ho_ten_nguoi_duoc_cap", "Họ tên người có thông tin hộ tịch", None, "Nguyễn Minh Khôi",
                   required=False),
            so_dinh_danh("so_dinh_danh_nguoi_duoc_cap", "Số định danh của người có thông tin hộ tịch", None,
                         "048225001234", required=False),
            text("noi_da_dang_ky", "Nơi đã đăng ký sự kiện hộ tịch", example="Ủy ban nhân dân phường Hải Châu",
                 max_length=200),
            number("so_luong", "Số bản sao", True, "Mỗi bản 8.000 đồng.", "2", 1, 10),
        ]
        return [form("Tờ khai đề nghị cấp bản sao Trích lục hộ tịch", 10, fields)]
    if cat == "lien_thong_sinh":
        fields = parent_fields() + child_fields() + [
            file("giay_chung_sinh", "Giấy chứng sinh", "warehouse:birth_notice",
                 help="Bệnh viện đã gửi Giấy chứng sinh điện tử thì hệ thống tự lấy."),
        ]
        if code != "2.001023":
            fields += [
                choice("noi_thuong_tru_cua_tre", "Nơi đăng ký thường trú cho trẻ", [
                    ("cung_cha_me", "Cùng nơi thường trú của cha hoặc mẹ"),
                    ("noi_khac", "Nơi khác (cần ý kiến đồng ý của chủ hộ)")], example="Cùng nơi thường trú của cha hoặc mẹ"),
                dia_chi("dia_chi_thuong_tru_tre", "Nơi thường trú của trẻ", "population.permanent_address",
                        help="Tự điền nơi thường trú của người yêu cầu; sửa nếu trẻ đăng ký ở nơi khác."),
            ]
        fields += [
            text("noi_kham_chua_benh", "Nơi đăng ký khám chữa bệnh ban đầu", example="Trạm Y tế phường Hải Châu",
                 max_length=200),
            choice("nhan_the_bhyt", "Cách nhận thẻ bảo hiểm y tế", [
                ("dien_tu", "Thẻ điện tử trên ứng dụng VNeID, VssID"), ("giay", "Thẻ giấy qua bưu chính")],
                   example="Thẻ điện tử trên ứng dụng VNeID, VssID"),
        ]
        titles = {"2.000986": ("Tờ khai liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ "
                               "em dưới 6 tuổi", 34),
                  "2.001023": ("Tờ khai liên thông đăng ký khai sinh, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 28),
                  "3.000722": ("Tờ khai điện tử liên thông khai sinh, thường trú, bảo hiểm y tế, căn cước (Mẫu số 01, "
                               "Nghị định số 63/2024/NĐ-CP)", 34)}
        title, baseline = titles[code]
        if code == "3.000722":
            fields.append(choice("cap_the_can_cuoc", "Đề nghị cấp thẻ căn cước cho trẻ", [
                ("co", "Có, nhận qua bưu chính"), ("khong", "Không")], False, "Không bắt buộc với trẻ dưới 6 tuổi.", "Có"))
        return [form(title, baseline, fields)]
    if cat == "lien_thong_tu":
        base = applicant() + [choice("quan_he_voi_nguoi_chet", "Quan hệ với người chết", RELATION_TO_DECEASED,
                                     example="Con")] + deceased_fields() + [
            file("giay_bao_tu", "Giấy báo tử", "warehouse:death_notice"),
        ]
        burial = [
            choice("doi_tuong_mai_tang", "Người chết thuộc diện", [
                ("bao_tro_xa_hoi", "Đối tượng bảo trợ xã hội"), ("nguoi_co_cong", "Người có công với cách mạng"),
                ("bhxh", "Người đang tham gia hoặc hưởng bảo hiểm xã hội")], example="Người có công với cách mạng"),
            choice("hinh_thuc_nhan_tien", "Hình thức nhận tiền", PAYMENT, example="Chuyển khoản vào tài khoản ngân hàng"),
            text("so_tai_khoan", "Số tài khoản, ngân hàng", False, "Chỉ ghi khi nhận qua tài khoản.",
                 "0123456789 — Ngân hàng Nông nghiệp và Phát triển nông thôn", max_length=200),
        ]
        survivor = [
            text("ma_so_bhxh", "Mã số bảo hiểm xã hội của người chết", example="4898765432", max_length=10),
            choice("che_do_tu_tuat", "Chế độ tử tuất đề nghị", [("mot_lan", "Trợ cấp tuất một lần"),
                                                                ("hang_thang", "Trợ cấp tuất hằng tháng")],
                   example="Trợ cấp tuất một lần"),
        ]
        if code == "2.002913":
            return [
                form("Tờ khai điện tử liên thông đăng ký khai tử, xóa đăng ký thường trú", 16, base,
                     "khai_tu_thuong_tru"),
                form("Tờ khai điện tử liên thông khai tử, xóa thường trú, mai táng phí", 20, base + burial,
                     "them_mai_tang"),
                form("Tờ khai điện tử liên thông khai tử, xóa thường trú, mai táng phí, tử tuất", 24,
                     base + burial + survivor, "them_tu_tuat"),
            ]
        if code == "1.011537":
            return [form("Tờ khai điện tử liên thông khai tử, xóa thường trú, trợ cấp mai táng (Mẫu số 02)", 20,
                         base + burial)]
        return [form("Tờ khai liên thông đăng ký khai tử, xóa đăng ký thường trú", 16, base)]
    if code == "2.000884":
        fields = applicant(address=False) + [
            text("ten_giay_to", "Tên giấy tờ, văn bản cần chứng thực chữ ký", example="Giấy ủy quyền", max_length=200),
            choice("hinh_thuc", "Hình thức", [("ky", "Ký"), ("diem_chi", "Điểm chỉ"),
                                             ("khong_the_ky", "Không thể ký, không thể điểm chỉ")], example="Ký"),
            choice("ngon_ngu", "Ngôn ngữ của giấy tờ", [("tieng_viet", "Tiếng Việt"),
                                                      ("tieng_nuoc_ngoai", "Tiếng nước ngoài")], example="Tiếng Việt"),
            number("so_ban", "Số bản cần chứng thực", True, None, "2", 1, 20),
            file("giay_to", "Giấy tờ, văn bản cần chứng thực chữ ký", required=False,
                 help="Mang bản giấy đến ký trước mặt người thực hiện chứng thực; tải trước để cán bộ xem."),
        ]
        return [form("Phiếu yêu cầu chứng thực chữ ký", 8, fields)]
    if code == "2.001035":
        fields = applicant() + [
            choice("loai_giao_dich", "Loại hợp đồng, giao dịch", [
                ("chuyen_nhuong", "Chuyển nhượng quyền sử dụng đất"), ("tang_cho", "Tặng cho quyền sử dụng đất, nhà ở"),
                ("the_chap", "Thế chấp"), ("mua_ban_nha", "Mua bán nhà ở"), ("dong_san", "Giao dịch về động sản"),
                ("khac", "Giao dịch khác")], example="Chuyển nhượng quyền sử dụng đất"),
            text("tai_san", "Tài sản của giao dịch", example="Thửa đất số 120, tờ bản đồ số 15, phường Hòa Cường",
                 max_length=500),
            ho_ten("ho_ten_ben_kia", "Họ tên bên kia của giao dịch", None, "Phạm Quốc Bảo"),
            so_dinh_danh("so_dinh_danh_ben_kia", "Số định danh của bên kia", None, "048088007788"),
            money("gia_tri", "Giá trị giao dịch (đồng)", False, "Không bắt buộc.", "1.500.000.000"),
            file("du_thao", "Dự thảo hợp đồng, giao dịch", required=False,
                 help="Không bắt buộc; cán bộ có thể soạn theo yêu cầu."),
            file("giay_chung_nhan", "Giấy chứng nhận quyền sở hữu, quyền sử dụng tài sản",
                 "warehouse:land_use_certificate"),
        ]
        return [form("Phiếu yêu cầu chứng thực hợp đồng, giao dịch", 14, fields)]
    if code == "2.001019":
        fields = applicant(birth=True) + [
            text("tai_san", "Tài sản để lại", example="Nhà và đất tại số 25 Lê Duẩn, phường Hải Châu", multiline=True,
                 max_length=1000),
            text("nguoi_thua_ke", "Người được hưởng di sản", example="Nguyễn Minh Khôi (con)", multiline=True,
                 max_length=1000),
            choice("ngoai_tru_so", "Chứng thực ngoài trụ sở", [
                ("khong", "Không"), ("co", "Có — người lập di chúc bệnh nặng, không đi lại được")], example="Không"),
            file("du_thao", "Dự thảo di chúc", required=False),
        ]
        return [form("Phiếu yêu cầu chứng thực di chúc", 10, fields)]
    if cat == "cu_tru":
        if code == "1.003197":
            fields = ct01_person() + [
                choice("truong_hop", "Trường hợp xóa đăng ký thường trú", [
                    ("chet", "Người được xóa đã chết"), ("dinh_cu", "Ra nước ngoài để định cư"),
                    ("vang_mat", "Vắng mặt liên tục từ 12 tháng trở lên"), ("khac", "Trường hợp khác")],
                       example="Người được xóa đã chết"),
                ho_ten("ho_ten_nguoi_duoc_xoa", "Họ tên người được xóa đăng ký", None, "Lê Văn Bảy", required=False),
                so_dinh_danh("so_dinh_danh_nguoi_duoc_xoa", "Số định danh của người được xóa", None, "048050001122",
                             required=False),
                text("ly_do", "Ghi rõ lý do", example="Đã đăng ký khai tử ngày 14/10/2025", multiline=True,
                     max_length=500),
            ]
            return [form("Tờ khai thay đổi thông tin cư trú (CT01) — xóa đăng ký thường trú", 14, fields)]
        if code == "1.010028":
            fields = ct01_person("noi_tam_tru", "Nơi tạm trú", "population.temporary_address") + [
                choice("truong_hop", "Trường hợp xóa đăng ký tạm trú", [
                    ("cham_dut", "Đã chấm dứt việc tạm trú"), ("thuong_tru", "Đã đăng ký thường trú tại chỗ ở này"),
                    ("khac", "Trường hợp khác")], example="Đã chấm dứt việc tạm trú"),
                text("ly_do", "Ghi rõ lý do", example="Đã chuyển về quê", multiline=True, max_length=500),
            ]
            return [form("Tờ khai thay đổi thông tin cư trú (CT01) — xóa đăng ký tạm trú", 12, fields)]
        if code == "1.010038":
            fields = ct01_person() + [
                ho_ten("ho_ten_chu_ho", "Họ tên chủ hộ hiện tại", "population.household_head.full_name", "Trần Văn Nam"),
                so_dinh_danh("so_dinh_danh_chu_ho", "Số định danh của chủ hộ hiện tại",
                             "population.household_head.id_number", "048065003344"),
                text("quan_he_voi_chu_ho", "Quan hệ với chủ hộ", help=FROM_DB, example="Con",
                     prefill="population.relation_to_household_head", max_length=50),
                ho_ten("ho_ten_chu_ho_moi", "Họ tên chủ hộ của hộ mới", None, "Trần Thị Mai"),
                text("thanh_vien_tach", "Những người cùng tách hộ (họ tên, số định danh)", False, "Mỗi người một dòng.",
                     "Nguyễn Minh Khôi, 048225001234", True, 1000),
                choice("y_kien_chu_ho", "Ý kiến đồng ý của chủ hộ, chủ sở hữu", [
                    ("vneid", "Đồng ý qua ứng dụng VNeID"), ("van_ban", "Nộp văn bản đồng ý kèm theo")],
                       example="Đồng ý qua ứng dụng VNeID"),
            ]
            return [form("Tờ khai thay đổi thông tin cư trú (CT01) — tách hộ", 16, fields)]
        if code == "1.002755":
            fields = ct01_person("noi_tam_tru", "Nơi tạm trú", "population.temporary_address") + [
                number("thoi_han_thang", "Thời hạn gia hạn (tháng)", True, "Tối đa 24 tháng.", "12", 1, 24),
                text("ly_do", "Lý do gia hạn", example="Tiếp tục làm việc tại Đà Nẵng", max_length=500),
            ]
            return [form("Tờ khai thay đổi thông tin cư trú (CT01) — gia hạn tạm trú", 12, fields)]
        if code == "1.010041":
            fields = ct01_person() + [
                email(),
                dia_chi("noi_tam_tru", "Nơi tạm trú", "population.temporary_address", required=False),
                choice("noi_dung", "Nội dung đề nghị xác nhận", [
                    ("thuong_tru", "Thông tin về nơi thường trú"), ("tam_tru", "Thông tin về nơi tạm trú"),
                    ("qua_trinh", "Quá trình cư trú"), ("khac", "Thông tin khác")],
                       example="Thông tin về nơi thường trú"),
                text("muc_dich", "Mục đích sử dụng", example="Bổ sung hồ sơ vay vốn ngân hàng", max_length=200),
                choice("hinh_thuc_nhan", "Hình thức nhận", RECEIVE, example="Nhận bản điện tử qua Kho dữ liệu cá nhân"),
            ]
            return [form("Tờ khai thay đổi thông tin cư trú (CT01) — xác nhận thông tin về cư trú", 12, fields)]
    if code == "3.000347":
        fields = [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(), quoc_tich(),
                  noi_thuong_tru("noi_cu_tru", "Nơi cư trú"), so_dien_thoai(),
                  text("so_gplx", "Số giấy phép lái xe đang dùng", example="480123456789", max_length=20),
                  choice("hang", "Hạng giấy phép lái xe", [(h.lower(), h) for h in
                                                          ("A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE",
                                                           "C1E", "CE", "D1E", "D2E", "DE")], example="B"),
                  text("co_quan_cap", "Cơ quan đã cấp", example="Sở Giao thông vận tải Đà Nẵng", max_length=200),
                  file("gplx_cu", "Giấy phép lái xe đang dùng", "warehouse:driving_licence"),
                  file("giay_kham_suc_khoe", "Giấy khám sức khỏe của người lái xe", required=False,
                       help="Không cần với hạng A1, A, B1; giấy khám sức khỏe điện tử đã liên thông thì không phải tải."),
                  choice("hinh_thuc_nhan", "Hình thức nhận", RECEIVE[:2], example="Nhận qua bưu chính (trả cước)")]
        return [form("Đề nghị đổi giấy phép lái xe (Phụ lục XII, Thông tư số 12/2025/TT-BCA)", 14, fields)]
    if cat == "dat_dai":
        owner = [ho_ten(), so_dinh_danh(), ngay_sinh(), noi_thuong_tru("noi_cu_tru", "Nơi cư trú"), so_dien_thoai(),
                 ho_ten("ho_ten_vo_chong", "Họ tên vợ hoặc chồng (nếu có chung quyền)", "population.spouse.full_name",
                        "Nguyễn Văn Hùng", required=False),
                 so_dinh_danh("so_dinh_danh_vo_chong", "Số định danh của vợ hoặc chồng", "population.spouse.id_number",
                              "048089004567", required=False)]
        parcel = [
            text("so_thua", "Thửa đất số", example="120", max_length=20),
            text("to_ban_do", "Tờ bản đồ số", example="15", max_length=20),
            dia_chi("dia_chi_thua_dat", "Địa chỉ thửa đất", example="Tổ 8, phường Hòa Cường, thành phố Đà Nẵng"),
        ]
        certificate = [
            text("so_phat_hanh_gcn", "Số phát hành (số seri) của Giấy chứng nhận", example="DL 123456", max_length=30),
            file("giay_chung_nhan", "Giấy chứng nhận đã cấp", "warehouse:land_use_certificate"),
        ]
        if code == "1.013978":
            fields = owner + parcel + [
                text("dien_tich", "Diện tích (m²)", example="120,5", max_length=20),
                choice("muc_dich_su_dung", "Mục đích sử dụng đất", [
                    ("dat_o", "Đất ở"), ("nong_nghiep", "Đất nông nghiệp"), ("hon_hop", "Đất ở và đất nông nghiệp"),
                    ("khac", "Mục đích khác")], example="Đất ở"),
                text("nguon_goc", "Nguồn gốc sử dụng đất", example="Nhận thừa kế của cha mẹ năm 2005", multiline=True,
                     max_length=1000),
                date("thoi_diem_su_dung", "Thời điểm bắt đầu sử dụng đất", example="01/01/1995"),
                text("tai_san_gan_lien", "Tài sản gắn liền với đất (nếu có)", False, None,
                     "Nhà ở 2 tầng, diện tích sàn 150 m²", max_length=500),
                choice("de_nghi_cap_gcn", "Đề nghị cấp Giấy chứng nhận", [("co", "Có"), ("khong", "Chỉ đăng ký đất đai")],
                       example="Có"),
                file("giay_to_nguon_goc", "Giấy tờ về quyền sử dụng đất, nguồn gốc đất", required=False),
            ]
            return [form("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)", 26, fields)]
        if code == "1.012784":
            fields = owner + parcel + certificate + [
                choice("de_nghi", "Đề nghị", [("tach", "Tách thửa đất"), ("hop", "Hợp thửa đất")], example="Tách thửa đất"),
                number("so_thua_sau", "Số thửa sau khi tách, hợp", True, None, "2", 1, 50),
                text("ly_do", "Lý do", example="Tặng cho một phần thửa đất cho con", max_length=500),
                file("ban_ve_tach_thua", "Bản vẽ tách thửa đất, hợp thửa đất (Mẫu số 22)"),
            ]
            return [form("Đơn đề nghị tách thửa đất, hợp thửa đất (Mẫu số 21, Nghị định số 151/2025/NĐ-CP)", 20,
                         fields)]
        variants = {
            "1.012783": ("cấp đổi Giấy chứng nhận", [
                choice("ly_do", "Lý do cấp đổi", [("hu_hong", "Giấy chứng nhận bị ố, nhòe, rách, hư hỏng"),
                                                  ("do_dac_lai", "Đo đạc lại, xác định lại diện tích"),
                                                  ("mau_moi", "Đổi sang mẫu Giấy chứng nhận mới")],
                       example="Giấy chứng nhận bị ố, nhòe, rách, hư hỏng")], 18, True),
            "1.012786": ("cấp lại Giấy chứng nhận do bị mất", [
                text("hoan_canh_mat", "Hoàn cảnh bị mất Giấy chứng nhận", example="Mất trong đợt lũ tháng 10/2025",
                     multiline=True, max_length=1000),
                date("ngay_niem_yet", "Ngày đã niêm yết, đăng tin về việc mất (nếu có)", False, example="05/11/2025")],
                           18, False),
            "1.013831": ("chuyển nhượng, thừa kế, tặng cho, góp vốn", [
                choice("loai_bien_dong", "Loại biến động", [
                    ("chuyen_nhuong", "Chuyển nhượng"), ("thua_ke", "Thừa kế"), ("tang_cho", "Tặng cho"),
                    ("gop_von", "Góp vốn"), ("chuyen_doi", "Chuyển đổi đất nông nghiệp"), ("cho_thue", "Cho thuê, cho thuê lại")],
                       example="Chuyển nhượng"),
                ho_ten("ho_ten_ben_nhan", "Họ tên bên nhận quyền", None, "Phạm Quốc Bảo"),
                so_dinh_danh("so_dinh_danh_ben_nhan", "Số định danh của bên nhận quyền", None, "048088007788"),
                money("gia_tri", "Giá trị chuyển nhượng ghi trong hợp đồng (đồng)", False, "Dùng để tính thuế, lệ phí.",
                      "1.500.000.000"),
                file("hop_dong", "Hợp đồng, văn bản chuyển quyền đã công chứng, chứng thực")], 24, True),
            "1.013833": ("thay đổi thông tin người sử dụng đất, thửa đất", [
                choice("thong_tin_thay_doi", "Thông tin thay đổi", [
                    ("ho_ten", "Họ tên người sử dụng đất"), ("giay_to", "Giấy tờ nhân thân (CMND sang thẻ căn cước)"),
                    ("dia_chi", "Địa chỉ của người sử dụng đất"), ("thua_dat", "Số hiệu, địa chỉ thửa đất"),
                    ("sat_lo", "Giảm diện tích do sạt lở tự nhiên"), ("han_che", "Hạn chế quyền, quyền đối với thửa liền kề")],
                       example="Giấy tờ nhân thân (CMND sang thẻ căn cước)"),
                text("noi_dung_sau", "Nội dung sau khi thay đổi", False,
                     "Thông tin nhân thân mới được lấy từ CSDL dân cư; chỉ ghi khi thay đổi thông tin thửa đất.",
                     "Địa chỉ thửa đất: Tổ 8, phường Hòa Cường", max_length=500)], 18, True),
        }
        what, extra, baseline, with_certificate = variants[code]
        fields = owner + parcel + ([certificate[0]] if not with_certificate else certificate) + extra
        return [form(f"Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 18) — {what}", baseline,
                     fields)]
    if code == "1.012812":
        # Not re-engineered yet: the review shows it below the target.
        fields = [ho_ten(), so_dinh_danh(),
                  dia_chi("dia_chi_lien_he", "Địa chỉ liên hệ"),
                  so_dien_thoai(None),
                  ho_ten("ho_ten_ben_tranh_chap", "Họ tên bên tranh chấp", None, "Lê Văn Tám"),
                  dia_chi("dia_chi_ben_tranh_chap", "Địa chỉ bên tranh chấp", example="Thôn 2, xã Hòa Tiến, thành phố "
                                                                                     "Đà Nẵng"),
                  dia_chi("dia_chi_thua_dat", "Địa chỉ thửa đất tranh chấp", example="Thôn 2, xã Hòa Tiến, thành phố Đà "
                                                                                    "Nẵng"),
                  text("thua_dat", "Thửa đất số, tờ bản đồ số", example="Thửa 45, tờ bản đồ 7", max_length=100),
                  text("dien_tich_tranh_chap", "Diện tích đang tranh chấp (m²)", example="35", max_length=20),
                  text("noi_dung_tranh_chap", "Nội dung tranh chấp", example="Tranh chấp ranh giới phía đông giáp thửa 46",
                       multiline=True, max_length=2000),
                  text("yeu_cau", "Yêu cầu cụ thể", example="Xác định lại ranh giới theo bản đồ địa chính",
                       multiline=True, max_length=1000),
                  file("giay_to_lien_quan", "Giấy tờ liên quan đến việc sử dụng đất", required=False)]
        return [form("Đơn yêu cầu hòa giải tranh chấp đất đai", 10, fields)]
    if code == "1.013225":
        # Not re-engineered yet: the review shows it below the target.
        fields = [ho_ten("ho_ten_chu_dau_tu", "Họ tên chủ đầu tư"), so_dinh_danh(),
                  dia_chi("dia_chi_lien_he", "Địa chỉ liên hệ"), so_dien_thoai(None),
                  dia_chi("dia_diem_xay_dung", "Địa điểm xây dựng", example="Lô 12 khu B, phường Hòa Xuân, thành phố Đà "
                                                                           "Nẵng"),
                  text("thua_dat", "Lô đất, thửa đất số, tờ bản đồ số", example="Thửa 210, tờ bản đồ 32", max_length=100),
                  text("dien_tich_lo_dat", "Diện tích lô đất (m²)", example="100", max_length=20),
                  choice("loai_cong_trinh", "Loại công trình", [("nha_o_rieng_le", "Nhà ở riêng lẻ"),
                                                               ("dan_dung", "Công trình dân dụng khác"),
                                                               ("ton_giao", "Công trình tín ngưỡng, tôn giáo")],
                         example="Nhà ở riêng lẻ"),
                  choice("cap_cong_trinh", "Cấp công trình", [("cap_iii", "Cấp III"), ("cap_iv", "Cấp IV")],
                         example="Cấp III"),
                  text("dien_tich_tang_1", "Diện tích xây dựng tầng 1 (m²)", example="85", max_length=20),
                  text("tong_dien_tich_san", "Tổng diện tích sàn (m²)", example="255", max_length=20),
                  text("chieu_cao", "Chiều cao công trình (m)", example="13,5", max_length=20),
                  number("so_tang", "Số tầng", True, None, "3", 1, 20),
                  text("don_vi_thiet_ke", "Tổ chức, cá nhân thiết kế", example="Công ty TNHH Kiến trúc Sông Hàn",
                       max_length=200),
                  text("chu_nhiem_thiet_ke", "Chủ nhiệm thiết kế", example="KTS. Lê Minh Tuấn", max_length=100),
                  text("chung_chi_hanh_nghe", "Số chứng chỉ hành nghề", example="DNA-00012345", max_length=50),
                  number("thoi_gian_hoan_thanh", "Dự kiến thời gian hoàn thành (tháng)", True, None, "8", 1, 120),
                  file("ban_ve", "Bản vẽ thiết kế xây dựng"),
                  file("giay_chung_nhan", "Giấy chứng nhận quyền sử dụng đất", "warehouse:land_use_certificate")]
        return [form("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 1, Phụ lục II, Nghị định số 175/2024/NĐ-CP)", 17,
                     fields)]
    if cat == "hkd":
        from_result = "result:1.001612"
        business = [
            text("ma_so_ho_kinh_doanh", "Mã số hộ kinh doanh", help="Tự điền từ Giấy chứng nhận đăng ký hộ kinh doanh đã "
                                                                 "cấp.", example="8123456789", prefill=from_result,
                 max_length=20),
            text("ten_ho_kinh_doanh", "Tên hộ kinh doanh", help="Tự điền từ Giấy chứng nhận đăng ký hộ kinh doanh đã cấp.",
                 example="Hộ kinh doanh Bánh mì Cô Mai", prefill=from_result, max_length=200),
        ]
        owner = [ho_ten("ho_ten_chu_ho", "Họ, chữ đệm và tên chủ hộ kinh doanh"), so_dinh_danh(), noi_thuong_tru(),
                 so_dien_thoai()]
        if code == "2.000720":
            fields = owner + business + [
                choice("noi_dung_thay_doi", "Nội dung thay đổi", [
                    ("ten", "Tên hộ kinh doanh"), ("dia_diem", "Địa điểm kinh doanh"), ("nganh_nghe", "Ngành, nghề"),
                    ("von", "Vốn kinh doanh"), ("chu_ho", "Chủ hộ kinh doanh"), ("thanh_vien", "Thành viên hộ gia đình")],
                       example="Địa điểm kinh doanh"),
                text("noi_dung_moi", "Nội dung sau khi thay đổi", example="Số 15 Hùng Vương, phường Hải Châu",
                     multiline=True, max_length=1000),
            ]
            return [form("Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 12, fields)]
        if code == "1.001570":
            fields = owner + business + [
                choice("de_nghi", "Đề nghị", [("tam_ngung", "Tạm ngừng kinh doanh"),
                                              ("tiep_tuc", "Tiếp tục kinh doanh trước thời hạn đã thông báo")],
                       example="Tạm ngừng kinh doanh"),
                date("tu_ngay", "Từ ngày", example="01/01/2026"),
                date("den_ngay", "Đến ngày", False, "Để trống khi đề nghị tiếp tục kinh doanh.", "30/06/2026"),
                text("ly_do", "Lý do", False, None, "Sửa chữa cửa hàng", max_length=500),
            ]
            return [form("Giấy đề nghị đăng ký tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn", 12, fields)]
        fields = owner + business + [
            date("ngay_cham_dut", "Ngày chấm dứt hoạt động", example="31/12/2025"),
            text("ly_do", "Lý do", False, None, "Chuyển sang thành lập doanh nghiệp", max_length=500),
            choice("nghia_vu_thue", "Nghĩa vụ thuế", [("da_hoan_thanh", "Đã hoàn thành nghĩa vụ thuế"),
                                                     ("chua", "Chưa hoàn thành, đề nghị cơ quan thuế hướng dẫn")],
                   example="Đã hoàn thành nghĩa vụ thuế"),
        ]
        return [form("Thông báo chấm dứt hoạt động hộ kinh doanh", 12, fields)]
    if cat == "bhxh":
        person = [ho_ten(), ngay_sinh(), gioi_tinh(), so_dinh_danh(), noi_thuong_tru(), so_dien_thoai()]
        ma_so = text("ma_so_bhxh", "Mã số bảo hiểm xã hội", False, "10 chữ số in trên thẻ BHYT; để trống nếu chưa có.",
                     "4898765432", max_length=10)
        if code == "1.001939":
            fields = person + [
                quoc_tich(), dan_toc(),
                ho_ten("ho_ten_cha", "Họ tên cha", "population.father.full_name", "Trần Văn Long", required=False),
                ho_ten("ho_ten_me", "Họ tên mẹ", "population.mother.full_name", "Lê Thị Hoa", required=False),
                ma_so,
                choice("doi_tuong", "Đối tượng tham gia", [("ho_gia_dinh", "Theo hộ gia đình"),
                                                          ("hoc_sinh", "Học sinh, sinh viên"),
                                                          ("ho_tro", "Được ngân sách hỗ trợ một phần mức đóng")],
                       example="Theo hộ gia đình"),
                choice("phuong_thuc_dong", "Phương thức đóng", [("3", "03 tháng"), ("6", "06 tháng"), ("12", "12 tháng")],
                       example="12 tháng"),
                text("noi_kham_chua_benh", "Nơi đăng ký khám chữa bệnh ban đầu", example="Trạm Y tế phường Hải Châu",
                     max_length=200),
                file("the_bhyt_cu", "Thẻ bảo hiểm y tế cũ (nếu có)", "warehouse:health_insurance_card", False),
            ]
            return [form("Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (TK1-TS)", 18, fields)]
        if code == "1.002759":
            fields = person + [
                ma_so,
                choice("de_nghi", "Đề nghị", [("cap_lai_the", "Cấp lại thẻ BHYT"), ("doi_the", "Đổi thẻ BHYT"),
                                              ("dieu_chinh", "Điều chỉnh thông tin trên sổ, thẻ"),
                                              ("cap_lai_so", "Cấp lại sổ BHXH"), ("gop_so", "Gộp sổ BHXH")],
                       example="Điều chỉnh thông tin trên sổ, thẻ"),
                text("noi_dung_dieu_chinh", "Nội dung đề nghị điều chỉnh", False, "Thông tin nhân thân mới được đối chiếu "
                                                                                "với CSDL dân cư.",
                     "Ngày sinh: 21/05/1990", True, 1000),
                text("ly_do", "Lý do", example="Thẻ bị mất", max_length=500),
                file("so_bhxh", "Sổ bảo hiểm xã hội", "warehouse:social_insurance_book", False),
            ]
            return [form("Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (TK1-TS)", 16, fields)]
        fields = [ho_ten(), ngay_sinh(), so_dinh_danh(), noi_thuong_tru(), so_dien_thoai(),
                  ho_ten("ho_ten_nguoi_chet", "Họ tên người chết", None, "Lê Văn Bảy"),
                  text("ma_so_bhxh_nguoi_chet", "Mã số bảo hiểm xã hội của người chết", example="4898765432",
                       max_length=10),
                  date("ngay_chet", "Ngày chết", example="14/10/2025"),
                  choice("quan_he", "Quan hệ với người chết", RELATION_TO_DECEASED, example="Con"),
                  choice("che_do", "Chế độ đề nghị", [("mot_lan", "Trợ cấp tuất một lần"),
                                                     ("hang_thang", "Trợ cấp tuất hằng tháng")],
                         example="Trợ cấp tuất một lần"),
                  choice("hinh_thuc_nhan_tien", "Hình thức nhận tiền", PAYMENT,
                         example="Chuyển khoản vào tài khoản ngân hàng"),
                  text("so_tai_khoan", "Số tài khoản, ngân hàng", False, "Chỉ ghi khi nhận qua tài khoản.",
                       "0123456789 — Vietcombank Đà Nẵng", max_length=200),
                  file("trich_luc_khai_tu", "Trích lục khai tử hoặc Giấy báo tử", "warehouse:death_certificate")]
        return [form("Tờ khai của thân nhân (Mẫu 09-HSB)", 18, fields)]
    if cat == "xa_hoi":
        person = [ho_ten(), so_dinh_danh(), ngay_sinh(), gioi_tinh(), noi_thuong_tru(), so_dien_thoai()]
        pay = [choice("hinh_thuc_nhan_tien", "Hình thức nhận tiền", PAYMENT, example="Chuyển khoản vào tài khoản ngân hàng"),
               text("so_tai_khoan", "Số tài khoản, ngân hàng", False, "Chỉ ghi khi nhận qua tài khoản.",
                    "0123456789 — Ngân hàng Chính sách xã hội", max_length=200)]
        death = [ho_ten("ho_ten_nguoi_chet", "Họ tên người đã mất", None, "Lê Văn Bảy"),
                 so_dinh_danh("so_dinh_danh_nguoi_chet", "Số định danh của người đã mất", None, "048050001122"),
                 date("ngay_chet", "Ngày mất", example="14/10/2025"),
                 choice("quan_he", "Quan hệ với người đã mất", RELATION_TO_DECEASED, example="Con"),
                 file("trich_luc_khai_tu", "Trích lục khai tử hoặc Giấy báo tử", "warehouse:death_certificate")]
        if code == "1.001776":
            fields = person + [
                choice("de_nghi", "Đề nghị", [("thuc_hien", "Hưởng trợ cấp"), ("dieu_chinh", "Điều chỉnh mức hưởng"),
                                              ("thoi_huong", "Thôi hưởng")], example="Hưởng trợ cấp"),
                choice("doi_tuong", "Thuộc đối tượng", [
                    ("tre_em", "Trẻ em không có nguồn nuôi dưỡng"), ("nguoi_cao_tuoi", "Người cao tuổi"),
                    ("khuyet_tat", "Người khuyết tật nặng, đặc biệt nặng"),
                    ("don_than", "Người đơn thân nghèo đang nuôi con"), ("khac", "Đối tượng khác")],
                       example="Người cao tuổi"),
                text("hoan_canh", "Hoàn cảnh hiện tại", example="Sống một mình, không có lương hưu", multiline=True,
                     max_length=1000),
                file("giay_xac_nhan_khuyet_tat", "Giấy xác nhận khuyết tật (nếu có)", "warehouse:disability_certificate",
                     False),
            ] + pay
            return [form("Tờ khai đề nghị trợ cấp xã hội hàng tháng", 16, fields)]
        if code in ("1.001731", "1.014028"):
            return [form("Tờ khai đề nghị hỗ trợ chi phí mai táng", 12, person + death + pay)]
        if code == "1.014027":
            fields = person + [
                choice("de_nghi", "Đề nghị", [("thuc_hien", "Hưởng trợ cấp"), ("dieu_chinh", "Điều chỉnh"),
                                              ("thoi_huong", "Thôi hưởng")], example="Hưởng trợ cấp"),
                choice("luong_huu", "Lương hưu, trợ cấp bảo hiểm xã hội hằng tháng", [
                    ("khong", "Không hưởng"), ("co", "Đang hưởng")], example="Không hưởng"),
            ] + pay
            return [form("Tờ khai đề nghị trợ cấp hưu trí xã hội", 12, fields)]
        if code == "1.001699":
            fields = person + [
                ho_ten("ho_ten_nguoi_khuyet_tat", "Họ tên người được xác định khuyết tật", None, "Nguyễn Minh Khôi",
                       required=False),
                so_dinh_danh("so_dinh_danh_nguoi_khuyet_tat", "Số định danh của người được xác định", None,
                             "048225001234", required=False),
                choice("de_nghi", "Đề nghị", [("xac_dinh", "Xác định mức độ khuyết tật"), ("xac_dinh_lai", "Xác định lại"),
                                              ("cap_doi", "Cấp đổi giấy xác nhận"), ("cap_lai", "Cấp lại giấy xác nhận")],
                       example="Xác định mức độ khuyết tật"),
                choice("dang_khuyet_tat", "Dạng khuyết tật", [
                    ("van_dong", "Khuyết tật vận động"), ("nghe_noi", "Khuyết tật nghe, nói"), ("nhin", "Khuyết tật nhìn"),
                    ("than_kinh", "Khuyết tật thần kinh, tâm thần"), ("tri_tue", "Khuyết tật trí tuệ"),
                    ("khac", "Khuyết tật khác")], example="Khuyết tật vận động"),
                text("tinh_trang", "Mô tả tình trạng", example="Liệt hai chân sau tai nạn năm 2020", multiline=True,
                     max_length=1000),
                file("ho_so_y_te", "Giấy tờ y tế liên quan (nếu có)", required=False),
            ]
            return [form("Đơn đề nghị xác định, xác định lại mức độ khuyết tật", 14, fields)]
        if code == "1.010824":
            fields = person + [
                ho_ten("ho_ten_nguoi_co_cong", "Họ tên người có công đã từ trần", None, "Lê Văn Bảy"),
                text("so_ho_so", "Số hồ sơ người có công", example="DN-12345", max_length=30),
                date("ngay_tu_tran", "Ngày từ trần", example="14/10/2025"),
                choice("quan_he", "Quan hệ với người có công", RELATION_TO_DECEASED, example="Con"),
                file("trich_luc_khai_tu", "Trích lục khai tử hoặc Giấy báo tử", "warehouse:death_certificate"),
            ] + pay[:1]
            return [form("Bản khai của thân nhân người có công từ trần", 14, fields)]
        if code == "1.010803":
            fields = person + [
                ho_ten("ho_ten_liet_si", "Họ tên liệt sĩ", None, "Nguyễn Văn Chín"),
                text("so_bang_to_quoc", "Số Bằng “Tổ quốc ghi công”", example="12345/TQGC", max_length=30),
                choice("quan_he", "Quan hệ với liệt sĩ", [("con", "Con"), ("anh_chi_em", "Anh, chị, em ruột"),
                                                          ("chau", "Cháu"), ("khac", "Người được ủy quyền thờ cúng")],
                       example="Cháu"),
            ] + pay[:1]
            return [form("Bản khai đề nghị trợ cấp thờ cúng liệt sĩ", 12, fields)]
        if code == "1.010833":
            fields = person + [
                ho_ten("ho_ten_nguoi_co_cong", "Họ tên người có công", None, "Lê Văn Bảy"),
                text("so_ho_so", "Số hồ sơ người có công", example="DN-12345", max_length=30),
                choice("quan_he", "Quan hệ với người có công", [("cha_me", "Cha, mẹ"), ("vo_chong", "Vợ, chồng"),
                                                                ("con", "Con"), ("nguoi_nuoi", "Người có công nuôi dưỡng")],
                       example="Con"),
                text("muc_dich", "Mục đích sử dụng giấy xác nhận", example="Hưởng ưu đãi giáo dục", max_length=200),
            ]
            return [form("Đơn đề nghị cấp giấy xác nhận thân nhân của người có công", 10, fields)]
        fields = person + [
            ho_ten("ho_ten_chu_ho", "Họ tên chủ hộ", "population.household_head.full_name", "Trần Văn Nam"),
            choice("de_nghi", "Đề nghị", [("ngheo", "Công nhận hộ nghèo"), ("can_ngheo", "Công nhận hộ cận nghèo"),
                                          ("thoat_ngheo", "Công nhận hộ thoát nghèo"),
                                          ("thoat_can_ngheo", "Công nhận hộ thoát cận nghèo")], example="Công nhận hộ cận nghèo"),
            number("so_nhan_khau", "Số nhân khẩu của hộ", True, None, "4", 1, 30),
            money("thu_nhap_binh_quan", "Thu nhập bình quân đầu người một tháng (đồng)", example="1.800.000"),
            text("hoan_canh", "Hoàn cảnh của hộ", example="Chồng mất sức lao động, hai con đang đi học", multiline=True,
                 max_length=1000),
        ]
        return [form("Giấy đề nghị xét duyệt hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo", 14, fields)]
    if code == "2.002481":
        fields = applicant() + [
            ho_ten("ho_ten_hoc_sinh", "Họ tên học sinh", None, "Nguyễn Minh Khôi"),
            so_dinh_danh("so_dinh_danh_hoc_sinh", "Số định danh cá nhân của học sinh", None, "048212001234"),
            ngay_sinh("ngay_sinh_hoc_sinh", "Ngày sinh của học sinh", None, "15/03/2012"),
            text("lop", "Lớp đang học", example="8/3", max_length=20),
            text("truong_dang_hoc", "Trường đang học", example="Trường THCS Nguyễn Huệ, phường Hải Châu", max_length=200),
            text("truong_xin_den", "Trường xin chuyển đến", example="Trường THCS Lý Thường Kiệt, phường Hòa Cường",
                 max_length=200),
            text("ly_do", "Lý do chuyển trường", example="Gia đình chuyển chỗ ở", max_length=500),
            file("hoc_ba", "Học bạ"),
        ]
        return [form("Đơn xin chuyển trường (trung học cơ sở)", 14, fields)]
    if code == "1.003622":
        # Not re-engineered yet: the review shows it below the target.
        fields = [ho_ten("ho_ten_nguoi_dai_dien", "Họ tên người đại diện ban tổ chức"),
                  text("ten_to_chuc", "Tên cơ quan, tổ chức, cộng đồng tổ chức lễ hội", example="Ban quản lý di tích Đình "
                                                                                             "Hải Châu", max_length=200),
                  text("ten_le_hoi", "Tên lễ hội", example="Lễ hội Cầu ngư", max_length=200),
                  dia_chi("dia_diem", "Địa điểm tổ chức", example="Bãi biển Thọ Quang, phường Sơn Trà, thành phố Đà "
                                                                   "Nẵng"),
                  date("ngay_bat_dau", "Ngày bắt đầu", example="15/02/2026"),
                  date("ngay_ket_thuc", "Ngày kết thúc", example="16/02/2026"),
                  text("noi_dung", "Nội dung, chương trình hoạt động", example="Phần lễ: tế cá Ông; phần hội: đua thuyền",
                       multiline=True, max_length=2000),
                  number("so_nguoi", "Số người dự kiến tham gia", True, None, "2000", 1, 1000000),
                  so_dien_thoai(None),
                  file("ke_hoach", "Kế hoạch tổ chức lễ hội")]
        return [form("Văn bản thông báo tổ chức lễ hội", 9, fields)]
    die(f"no form for {code}")


# ---------------------------------------------------------------------------------------------------------------
# Mapping of the published parts
# ---------------------------------------------------------------------------------------------------------------

def origin(mark):
    return {"C": "published", "P": "inferred"}[mark]


def map_time(p):
    d = p.get("duration") or {}
    unit, amount, rule = d.get("unit"), d.get("amount"), d.get("rule")
    t = {}
    if unit is None and amount is not None:
        t["unitless_amount"] = amount
    elif unit is not None:
        if unit in ("ngay trong ngày", "trong ngày"):
            t["duration"] = {"unit": "within_the_day"}
        elif isinstance(amount, float) and not amount.is_integer():
            if unit not in ("ngày làm việc", "ngày"):
                die(f"{p['code']}: fraction of {unit}")
            t["duration"] = {"unit": "half_working_days", "amount": int(round(amount * 2))}
        else:
            units = {"ngày làm việc": "working_days", "ngày": "calendar_days", "giờ": "working_hours",
                     "giờ làm việc": "working_hours", "tháng": "months"}
            if unit not in units or amount is None:
                die(f"{p['code']}: unknown duration {d}")
            t["duration"] = {"unit": units[unit], "amount": int(amount)}
    else:
        return None
    if rule:
        t["rule"] = rule
    return t


def statutory_hours(time):
    """The budget of the workflow in working hours: the statutory working time, or a plausible figure."""
    if time is None:
        die("no time")
    if "duration" in time:
        unit = time["duration"]["unit"]
        n = time["duration"].get("amount")
        return {"working_days": lambda: 8 * n, "working_hours": lambda: n, "half_working_days": lambda: 4 * n,
                "within_the_day": lambda: 8, "calendar_days": lambda: 8 * max(1, n * 5 // 7),
                "months": lambda: 8 * 22 * n}[unit]()
    return 8 * time["unitless_amount"]


def first_clause(name):
    clause = re.split(r"[;:]|\. ", name, maxsplit=1)[0]
    return re.sub(r"^\s*(\(?[ivx]+\)|[a-zđ]\)|\d+(\.\d+)*\.?|\(\d+\)|-|\.)\s*", "", clause.lower())


def is_mandatory(code, i, name):
    if (code, i) in NOTES:
        return False
    if code in MANDATORY_ONLY:
        return i in MANDATORY_ONLY[code]
    if (code, i) in MANDATORY_OVERRIDES:
        return MANDATORY_OVERRIDES[(code, i)]
    clause = first_clause(name)
    if clause.startswith(CONDITIONAL_START):
        return False
    return not any(ph in clause for ph in CONDITIONAL)


def strip_enumerator(low):
    return re.sub(r"^\s*(\(?[ivx]+\)|[a-zđ]\)|\d+(\.\d+)*\.?|\(\d+\))\s*", "", low)


def mentions(low, phrase):
    """Whether `phrase` occurs in `low` other than shortly after "không có" (a substitute for a missing paper)."""
    return any("không có" not in low[max(0, m.start() - 60):m.start()] for m in re.finditer(re.escape(phrase), low))


def must_digitise(name):
    low = name.lower()
    if strip_enumerator(low).startswith(FORM_LIKE_START):
        return False
    return any(mentions(low, ph) for ph in DIGITISE)


def extra_sources(name):
    """Warehouse documents and earlier results that can stand for the paper, where the name makes it clear."""
    low = name.lower()
    head = strip_enumerator(low)
    if head.startswith(FORM_LIKE_START):
        return []
    out = []
    for phrase, extra in REPLACEABLE:
        if head.startswith("văn bản ủy quyền") and phrase != "văn bản ủy quyền":
            continue
        if mentions(low, phrase):
            out += extra
    return out


def template_of(name):
    m = re.search(r"[Mm]ẫu\s+(số\s+)?(\d{1,2}/\d{4}/[A-ZĐ]+|[A-Z]{1,3}\d{1,2}[a-z]?(?:-[A-Z]{2,4})?|"
                  r"\d{1,2}[A-Z]?(?:-[A-Z]{2,4})?(?:/ĐK)?)\b", name)
    if not m:
        return None
    label = "Mẫu " + (m.group(1) or "") + m.group(2)
    after = name[m.end():m.end() + 80]
    law = re.match(r"\s*(?:\(|,)?\s*(?:ban hành\s+)?kèm theo\s+((?:Thông tư|Nghị định|Quyết định)\s+số\s+"
                   r"[\w/.\-Đ]+(?:/[\w\-Đ]+)*)", after)
    if law and re.search(r"\d{4}/[A-ZĐ]", law.group(1)):
        label += f" ({law.group(1).rstrip('.,;')})"
    return label


def map_components(p, extra_note):
    code = p["code"]
    out = []
    cases = COMPONENT_CASES.get(code, {})
    for i, c in enumerate(p.get("components") or []):
        name = c["name"]
        quantity = c["quantity"]
        if quantity > 9:
            # A form number stuck to the quantity when the page was copied ("Mẫu số 18" + "1" -> 181).
            fixed = int(str(quantity)[-1])
            extra_note.append(f"Tập mẫu ghi số lượng {quantity} cho thành phần tp{i + 1} (số hiệu mẫu dính vào số "
                              f"lượng khi chép trang); danh mục demo ghi {fixed}.")
            quantity = fixed
        sources = []
        if c.get("replaceable_by"):
            sources.append(c["replaceable_by"])
        low = name.lower()
        sources += extra_sources(name)
        if "population_db" in sources and "giấy tờ tùy thân" in low:
            sources.append("vneid")
        seen = []
        for s in sources:
            if s not in seen:
                seen.append(check_source(s))
        comp = {"key": f"tp{i + 1}", "name": name, "form": c["form"], "quantity": quantity,
                "mandatory": is_mandatory(code, i, name),
                "must_digitise": (code, i) not in NOTES and must_digitise(name)}
        if seen:
            comp["replaceable_by"] = seen
        if i in cases:
            comp["cases"] = cases[i]
        tpl = template_of(name)
        if tpl:
            comp["template"] = tpl
        out.append(comp)
    start = len(out)
    for j, (name, form_, qty, mandatory, digitise, sources, comp_cases) in enumerate(EXTRA_COMPONENTS.get(code, [])):
        comp = {"key": f"tp{start + j + 1}", "name": name, "form": form_, "quantity": qty, "mandatory": mandatory,
                "must_digitise": digitise}
        if sources:
            comp["replaceable_by"] = [check_source(s) for s in sources]
        if comp_cases:
            comp["cases"] = comp_cases
        tpl = template_of(name)
        if tpl:
            comp["template"] = tpl
        out.append(comp)
    return out


def fee_kind(name):
    if name.startswith("Lệ phí"):
        return "charge"
    if name.startswith("Phí"):
        return "fee"
    die(f"fee kind of {name!r}")


def exemptions_of(note):
    for phrase, names in EXEMPTIONS:
        if phrase in (note or ""):
            return list(names)
    return []


def legal_basis_of(note):
    for phrase, text_ in FEE_LEGAL_BASIS:
        if phrase in (note or ""):
            return text_
    return None


def make_fee(code_, name, amount, note=None, rates=(), exemptions=(), effective_from=None, effective_to=None,
             legal_basis=None):
    f = {"code": code_, "name": name, "kind": fee_kind(name), "amount": amount}
    if rates:
        f["channel_rates"] = [dict(r) for r in rates]
    if exemptions:
        f["exemptions"] = list(exemptions)
    if effective_from:
        f["effective_from"] = effective_from
    if effective_to:
        f["effective_to"] = effective_to
    if legal_basis:
        f["legal_basis"] = legal_basis
    if note:
        f["note"] = note
    return f


def rate(channel, percent, legal_basis=None):
    r = {"channel": channel, "percent": percent}
    if legal_basis:
        r["legal_basis"] = legal_basis
    return r


class Codes:
    """Fee codes le_phi, le_phi_2, phi, phi_2…, unique within a procedure."""

    def __init__(self):
        self.used = {}

    def next(self, name):
        base = "le_phi" if fee_kind(name) == "charge" else "phi"
        n = self.used.get(base, 0) + 1
        self.used[base] = n
        return base if n == 1 else f"{base}_{n}"


def map_fees(p):
    """Returns (fees, origin) or (None, None)."""
    items = p.get("fees") or []
    if not items:
        return None, None
    code = p["code"]
    codes = Codes()
    online = [f for f in items if "(nộp trực tuyến)" in f["name"]]
    counter = [f for f in items if "(nộp trực tiếp)" in f["name"]]
    if len(online) == 1 and len(counter) == 1 and len(items) == 2:
        # A published counter/online pair: one item, the counter amount as base, the online amount as a rate.
        on, co = online[0], counter[0]
        name = co["name"].replace(" (nộp trực tiếp)", "")
        percent = round(100 * on["amount_vnd"] / co["amount_vnd"])
        if co["amount_vnd"] * percent / 100 != on["amount_vnd"]:
            die(f"{code}: online amount is not a whole percent of the counter amount")
        notes = [f"Nộp trực tiếp {vnd(co['amount_vnd'])} đồng, nộp trực tuyến {vnd(on['amount_vnd'])} đồng."]
        for label, f in (("Trực tiếp", co), ("Trực tuyến", on)):
            if f.get("note"):
                notes.append(f"{label}: {f['note']}.")
        note = " ".join(notes)
        basis = legal_basis_of(note)
        return [make_fee(codes.next(name), name, co["amount_vnd"], note, [rate("online", percent, basis)],
                         exemptions_of(note), legal_basis=basis)], "published"
    if code == "1.001612":
        # Online and postal cost more than the counter as published: two items, each zero on the other channels.
        co, rest = items
        note_co, note_rest = co.get("note"), rest.get("note")
        return [
            make_fee(codes.next(co["name"]), co["name"], co["amount_vnd"], note_co,
                     [rate("postal", 0), rate("online", 0)], legal_basis=legal_basis_of(note_co)),
            make_fee(codes.next(rest["name"]), rest["name"], rest["amount_vnd"], note_rest, [rate("counter", 0)],
                     legal_basis=legal_basis_of(note_co)),
        ], "published"
    if code in ("1.014063", "1.014064"):
        # 50 % on every channel from 1/7/2025 to 31/12/2026 (Thông tư 64/2025/TT-BTC), the full amount after.
        (f,) = items
        basis = "Thông tư số 64/2025/TT-BTC"
        half = [rate(ch, 50, basis) for ch in ("counter", "postal", "online")]
        return [
            make_fee(codes.next(f["name"]), f["name"], f["amount_vnd"], f["note"], half,
                     effective_from=EFFECTIVE_FROM, effective_to="2026-12-31"),
            make_fee(codes.next(f["name"]), f["name"], f["amount_vnd"],
                     f"Mức quy định {vnd(f['amount_vnd'])} đồng/thẻ sau thời gian thu bằng 50%.",
                     effective_from="2027-01-01"),
        ], "published"
    if code == "3.000347":
        # 135.000 đ; online 115.000 đ from 1/12/2023 to 31/12/2025; back to 135.000 đ afterwards (inferred).
        (f,) = items
        name = f["name"]
        return [
            make_fee(codes.next(name), name, 135000, "Nộp trực tiếp hoặc qua bưu chính đến hết 31/12/2025. Trên cổng: " + f["note"] + ".",
                     [rate("online", 0)], effective_to="2025-12-31", legal_basis="Thông tư số 37/2023/TT-BTC"),
            make_fee(codes.next(name), name, 115000, "Nộp trực tuyến từ 01/12/2023 đến hết 31/12/2025.",
                     [rate("counter", 0), rate("postal", 0)], effective_from="2023-12-01", effective_to="2025-12-31",
                     legal_basis="Thông tư số 37/2023/TT-BTC"),
            make_fee(codes.next(name), name, 135000, "Từ 01/01/2026, mọi hình thức nộp: hết thời gian giảm khi nộp trực "
                                                     "tuyến (suy ra; đối chiếu văn bản hiện hành).",
                     effective_from="2026-01-01", legal_basis="Thông tư số 37/2023/TT-BTC"),
        ], "inferred"
    out = []
    for f in items:
        amount, note = f["amount_vnd"], f.get("note")
        if amount is None:
            figure = re.search(r"(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đồng|VNĐ|đ)\b", note or "")
            if figure:
                amount = int(figure.group(1).replace(".", ""))
            else:
                amount = 0
                if "USD" in (note or ""):
                    note = (f"{note}; chỉ thu tại cơ quan đại diện ở nước ngoài, không thu tại Ủy ban nhân dân cấp xã "
                            "(ghi 0 đồng)")
                else:
                    note = (f"{note}. Danh mục demo ghi 0 đồng vì cổng không ghi số tiền; Thông tư số 244/2016/TT-BTC "
                            "quy định 200.000 đồng/lần (sinh viên, người có công và thân nhân: 100.000 đồng) — cần xác "
                            "nhận trước khi thu")
        out.append(make_fee(codes.next(f["name"]), f["name"], amount, note, exemptions=exemptions_of(note),
                            legal_basis=legal_basis_of(note)))
    return out, "published"


# ---------------------------------------------------------------------------------------------------------------
# Sequence and workflow
# ---------------------------------------------------------------------------------------------------------------

PROCESSING = {
    "ho_tich": "Công chức tư pháp – hộ tịch kiểm tra, khai thác Cơ sở dữ liệu quốc gia về dân cư và Cơ sở dữ liệu hộ "
               "tịch điện tử, trình Chủ tịch Ủy ban nhân dân cấp xã ký.",
    "lien_thong_sinh": "Ủy ban nhân dân cấp xã đăng ký khai sinh, cấp số định danh cá nhân cho trẻ; Công an đăng ký "
                       "thường trú; Bảo hiểm xã hội cấp thẻ bảo hiểm y tế.",
    "lien_thong_tu": "Ủy ban nhân dân cấp xã đăng ký khai tử; Công an xóa đăng ký thường trú; cơ quan có thẩm quyền "
                     "giải quyết mai táng phí, tử tuất khi người yêu cầu chọn.",
    "chung_thuc_ban_sao": "Người thực hiện chứng thực đối chiếu bản sao với bản chính, ghi lời chứng, ký và đóng dấu.",
    "chung_thuc": "Người yêu cầu ký hoặc điểm chỉ trước mặt người thực hiện chứng thực; người thực hiện chứng thực "
                  "kiểm tra, ghi lời chứng, ký và đóng dấu.",
    "cu_tru": "Công an cấp xã kiểm tra, khai thác Cơ sở dữ liệu quốc gia về dân cư, cập nhật thông tin cư trú và thông "
              "báo kết quả.",
    "can_cuoc": "Cán bộ Công an đối chiếu thông tin trong Cơ sở dữ liệu quốc gia về dân cư, thu nhận ảnh khuôn mặt, "
                "vân tay và chuyển đề nghị cấp thẻ.",
    "vneid": "Cán bộ Công an thu nhận ảnh chân dung, vân tay, xác thực thông tin và phê duyệt tài khoản mức độ 2.",
    "lltp": "Công an thành phố tra cứu, xác minh thông tin lý lịch tư pháp và cấp Phiếu lý lịch tư pháp.",
    "gplx": "Cơ quan Công an kiểm tra dữ liệu giấy phép lái xe, giấy khám sức khỏe và cấp giấy phép lái xe mới.",
    "dat_dai": "Văn phòng đăng ký đất đai kiểm tra hồ sơ, đo đạc khi cần, xác định nghĩa vụ tài chính, cập nhật cơ sở "
               "dữ liệu đất đai và trình ký.",
    "hoa_giai": "Ủy ban nhân dân cấp xã thẩm tra, xác minh, thành lập Hội đồng hòa giải và tổ chức buổi hòa giải có "
                "mặt các bên.",
    "xay_dung": "Cơ quan cấp phép thẩm định hồ sơ, kiểm tra thực địa khi cần, lấy ý kiến cơ quan liên quan và cấp giấy "
                "phép.",
    "hkd": "Cơ quan đăng ký kinh doanh cấp xã kiểm tra tính hợp lệ, cập nhật Cơ sở dữ liệu về đăng ký hộ kinh doanh "
           "và gửi thông tin sang cơ quan thuế.",
    "bhxh": "Cơ quan bảo hiểm xã hội kiểm tra, đối chiếu dữ liệu và giải quyết theo quy định.",
    "xa_hoi": "Công chức văn hóa – xã hội thẩm định, xác minh hoàn cảnh và trình Chủ tịch Ủy ban nhân dân cấp xã quyết "
              "định.",
    "giao_duc": "Hiệu trưởng trường nơi đến xem xét, tiếp nhận học sinh và thông báo cho trường nơi đi.",
    "van_hoa": "Ủy ban nhân dân cấp xã xem xét thông báo; nếu không đồng ý thì trả lời bằng văn bản, nêu rõ lý do.",
}


def place_of(code, units):
    cat = CATEGORY[code]
    if units == ["p48.ca"] and cat in ("cu_tru", "can_cuoc", "vneid"):
        return "Công an cấp xã nơi cư trú"
    if units == ["p48.ca"]:
        return "Trung tâm Phục vụ hành chính công thành phố hoặc cơ quan Công an"
    if units == ["p48.bhxh"]:
        return "Bảo hiểm xã hội cơ sở hoặc Trung tâm Phục vụ hành chính công"
    if units == ["p48.snnmt"]:
        return "Trung tâm Phục vụ hành chính công hoặc Chi nhánh Văn phòng đăng ký đất đai"
    return "Bộ phận Một cửa của Ủy ban nhân dân cấp xã"


def sequence_of(code, units, methods, fees):
    cat = CATEGORY[code]
    place = place_of(code, units)
    if methods == ["online"]:
        first = ("Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID, mục “Dịch vụ công liên "
                 "thông khai sinh, khai tử”.")
    elif methods == ["counter"]:
        first = f"Đến {place} để nộp hồ sơ và xuất trình giấy tờ."
    elif "postal" in methods:
        first = f"Nộp hồ sơ trực tiếp tại {place}, qua bưu chính công ích hoặc trực tuyến trên Cổng Dịch vụ công."
    else:
        first = f"Nộp hồ sơ trực tiếp tại {place} hoặc trực tuyến trên Cổng Dịch vụ công, ứng dụng VNeID."
    steps = [first,
             "Cán bộ tiếp nhận kiểm tra hồ sơ: đủ thì cấp giấy tiếp nhận và hẹn trả kết quả; chưa đủ thì hướng dẫn bổ "
             "sung một lần, đầy đủ.",
             PROCESSING[cat]]
    if any(f["amount"] > 0 for f in fees or []):
        steps.append("Nộp phí, lệ phí theo quy định; nộp trực tuyến được thanh toán qua Cổng Dịch vụ công.")
    if methods == ["online"]:
        steps.append("Nhận kết quả điện tử qua Cổng Dịch vụ công, ứng dụng VNeID và Kho dữ liệu cá nhân; bản giấy gửi "
                     "qua bưu chính khi có yêu cầu.")
    elif methods == ["counter"]:
        steps.append(f"Nhận kết quả tại {place}.")
    else:
        steps.append("Nhận kết quả tại nơi nộp, qua bưu chính hoặc bản điện tử trong Kho dữ liệu cá nhân.")
    return steps


INTERLINKED_STEPS = {
    "birth": [("Tiếp nhận hồ sơ từ phần mềm liên thông", "reception", 1 / 12),
              ("Đăng ký khai sinh, cấp số định danh cá nhân cho trẻ", "handler", 1 / 4),
              ("Ký Giấy khai sinh", "agency_head", 1 / 12),
              ("Công an đăng ký thường trú cho trẻ", "handler", 1 / 4),
              ("Bảo hiểm xã hội cấp thẻ bảo hiểm y tế", "handler", 1 / 4)],
    "death": [("Tiếp nhận hồ sơ từ phần mềm liên thông", "reception", 1 / 20),
              ("Đăng ký khai tử", "handler", 3 / 20),
              ("Ký Trích lục khai tử", "agency_head", 1 / 20),
              ("Công an xóa đăng ký thường trú", "handler", 1 / 5),
              ("Giải quyết mai táng phí, tử tuất", "handler", 2 / 5)],
}


def workflow_of(code, units, levels, time):
    budget = statutory_hours(time)
    group = INTERLINKED.get(code)
    if code == "1.007073":
        steps = [("Tiếp nhận hồ sơ", "reception", 1), ("Đăng ký khai tử", "handler", 3),
                 ("Ký Trích lục khai tử", "agency_head", 1),
                 ("Chuyển hồ sơ xóa đăng ký thường trú cho Công an cấp xã", "clerk", 1)]
        return [{"name": n, "role": r, "hours": h} for n, r, h in steps]
    if code == "2.001023":
        group_steps = [s for s in INTERLINKED_STEPS["birth"] if "thường trú" not in s[0]]
    elif group:
        group_steps = INTERLINKED_STEPS[group]
    else:
        group_steps = None
    if group_steps:
        caps = {"reception": 4, "agency_head": 8}
        return [{"name": n, "role": r, "hours": max(1, min(caps.get(r, budget), math.floor(budget * w)))}
                for n, r, w in group_steps]
    if budget == 1:
        return [{"name": "Tiếp nhận, cập nhật vào Cơ sở dữ liệu về cư trú", "role": "reception", "hours": 1}]
    provincial = "province" in levels or "ministry" in levels or units == ["p48.bhxh"]
    reception = min(4, max(1, budget // 16))
    clerk = min(4, max(1, budget // 16))
    rest = budget - reception - clerk
    steps = [("Tiếp nhận, kiểm tra hồ sơ", "reception", reception),
             ("Thẩm định, xử lý hồ sơ", "handler", max(1, math.floor(rest * (0.6 if provincial else 0.7))))]
    if provincial:
        steps.append(("Kiểm tra, cho ý kiến", "department_head", max(1, math.floor(rest * 0.15))))
    steps.append(("Phê duyệt, ký kết quả", "agency_head", max(1, math.floor(rest * 0.15))))
    steps.append(("Vào sổ, đóng dấu, trả kết quả", "clerk", clerk))
    total = sum(h for _, _, h in steps)
    if total > budget:
        die(f"{code}: workflow {total} h over {budget} h")
    return [{"name": n, "role": r, "hours": h} for n, r, h in steps]


# ---------------------------------------------------------------------------------------------------------------
# One procedure
# ---------------------------------------------------------------------------------------------------------------

def build(p):
    code = p["code"]
    conf = p.get("confidence") or {}
    prov = {}
    extra_note = []

    def mark(field, conf_key=None, default="published"):
        prov[field] = origin(conf[conf_key]) if conf_key and conf_key in conf else default

    if p["level"] not in LEVELS_UNITS:
        die(f"{code}: unknown level {p['level']!r}")
    levels, units = LEVELS_UNITS[p["level"]]

    out = {"code": code, "name": p["name"], "sector": {"name": p["sector"]}, "levels": levels, "units": units}
    mark("code", "code")
    mark("name", "name")
    mark("sector", "sector")
    mark("levels", "level")
    prov["units"] = "inferred"

    agency = p.get("agency") if code in AGENCY_QUIRKS else (p.get("agency_published") or p.get("agency"))
    if agency:
        out["agency"] = agency
        mark("agency", "agency")

    methods, methods_origin = METHODS.get(code, (ALL3, "inferred" if code in METHODS_INFERRED_ALL3 else
                                                 "illustrative"))
    fees, fees_origin = map_fees(p)
    out["sequence"] = sequence_of(code, units, methods, fees)
    prov["sequence"] = "illustrative"
    out["methods"] = methods
    prov["methods"] = methods_origin
    out["subjects"] = SUBJECTS.get(code, ["citizen"])
    prov["subjects"] = "illustrative"

    time = map_time(p)
    if time is not None:
        mark("time", "duration")
    else:
        unit, amount = ILLUSTRATIVE_TIME[code]
        time = {"duration": {"unit": unit, "amount": amount}}
        prov["time"] = "illustrative"
    out["time"] = time

    reception = {"max_supplement_requests": 1, "pause_on_supplement": True, "pause_on_financial_obligation": False}
    reception.update(RECEPTION.get(code, {}))
    out["reception"] = reception
    prov["reception"] = "illustrative"

    if code in CASES:
        out["cases"] = [{"key": k, "name": n} for k, n in CASES[code]]
        prov["cases"] = "inferred"

    components = map_components(p, extra_note)
    out["components"] = components
    if p.get("components"):
        mark("components", "components")
    else:
        prov["components"] = EXTRA_COMPONENTS_ORIGIN.get(code, "illustrative")

    if fees:
        out["fees"] = fees
        prov["fees"] = fees_origin if conf.get("fees") == "C" else "inferred"

    result_name = p.get("result") or RESULT_NAMES.get(code)
    paper, electronic, doc = RESULT_META.get(code, (True, True, None))
    result = {"name": result_name, "paper": paper, "electronic": electronic}
    if doc:
        result["document_type"] = doc
    out["result"] = result
    if p.get("result"):
        mark("result", "result")
    else:
        prov["result"] = "illustrative"

    essential = code in ESSENTIAL
    if "online" not in methods:
        online_level = "none"
    elif code in PARTIAL_DESPITE_ESSENTIAL:
        online_level = "partial"
    elif essential or code in SIMPLE_CERTIFICATIONS:
        online_level = "full_process"
    else:
        online_level = "partial"
    out["online_level"] = online_level
    out["full_process_eligible"] = online_level == "full_process"
    out["min_assurance"] = "L2" if CATEGORY[code] in L2_CATEGORIES else "L1"
    out["essential"] = essential
    for field in ("online_level", "full_process_eligible", "min_assurance"):
        prov[field] = "illustrative"
    prov["essential"] = "inferred"
    if code in INTERLINKED:
        out["interlinked_group"] = INTERLINKED[code]
        prov["interlinked_group"] = "inferred"

    builder = HANDCRAFTED.get(code, generic_forms)
    out["forms"] = builder(code)
    prov["forms"] = "illustrative"
    out["workflow"] = workflow_of(code, units, levels, time)
    prov["workflow"] = "illustrative"

    if p.get("legal_basis"):
        out["legal_basis"] = list(p["legal_basis"])
        mark("legal_basis", "legal_basis")
    if p.get("published_decision"):
        out["publication"] = {"decision": p["published_decision"]}
        prov["publication"] = "published"

    out["lifecycle"] = "published"
    out["effective_from"] = EFFECTIVE_FROM
    prov["lifecycle"] = "illustrative"
    prov["effective_from"] = "illustrative"

    missing = [k for k in out if k not in prov]
    if missing:
        die(f"{code}: no provenance for {missing}")
    out["provenance"] = {k: prov[k] for k in sorted(prov) if k in out}
    if p.get("sources"):
        out["sources"] = list(p["sources"])
    notes = [p["note"]] if p.get("note") else []
    if not p.get("components"):
        notes.append(CODE_ONLY_NOTE)
    notes += extra_note
    if notes:
        out["note"] = " ".join(notes)
    return out


def main():
    if len(sys.argv) != 2:
        die("usage: build_demo.py <thu-tuc-mau.json>")
    with open(sys.argv[1], encoding="utf-8") as f:
        sample = json.load(f)
    procedures = [build(p) for p in sample["procedures"]]
    codes = [p["code"] for p in procedures]
    if len(codes) != len(set(codes)):
        die("duplicate procedure code")
    catalogue = {
        "format": FORMAT,
        "note": (f"Danh mục thủ tục của bản demo thành phố Đà Nẵng, dựng từ tập mẫu {len(procedures)} thủ tục thật "
                 f"(thu-tuc-mau.json, tạo ngày {sample['generated']}) bằng scripts/catalogue/build_demo.py. Trường "
                 "đánh dấu “illustrative” trong provenance là số liệu minh họa cho bản demo, không phải số liệu chính "
                 "thức; đối chiếu danh mục do Chủ tịch Ủy ban nhân dân thành phố công bố trước khi dùng thật."),
        "procedures": procedures,
    }
    sys.stdout.write(json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
