"""The register sheets of the return form (issue 14 §3): one sheet per register a unit sends, with the
register's headings on row 5, validation by field type and input messages.

Written with the bundled plan (data/targets.yaml) straight through :func:`kctrack.template.write_template`
and read back with openpyxl.  The expectations are written out by hand from the plan file's
``registers:`` section (who sends which list follows from the targets each list counts).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from conftest import plan_text

from kctrack.plan import Plan
from kctrack.planfile import load_plan, parse_plan
from kctrack.resources import default_plan
from kctrack.template import FIRST_ROW, REGISTER_INPUT_ROWS, REGISTER_STYLED_ROWS, register_sheet_name, write_template

LAST = 5 + REGISTER_INPUT_ROWS  # the last input row: the header is on row 5
FIRMS = ("统一社会信用代码", "企业名称", "所在地", "服务内容", "服务月份", "备注")
FIRMS_EN = ("Unified social credit code", "Firm", "Location", "Service given", "Month served", "Note")
CHOKEPOINTS = ("难题名称", "企业统一社会信用代码", "企业名称", "牵头学会", "所在市", "状态", "解决月份", "成果说明")
TRAINING = ("培训名称", "类别", "日期", "主办单位", "参训人数")
EXPERTS = ("姓名", "工作单位", "职称或称号", "专业领域")
JAN_1_2020, DEC_31_2020 = 43831, 44196  # Excel's serial numbers of the plan year's first and last day


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(default_plan())


def _write(plan: Plan, tmp_path: Path, unit: str, month: str | None = "2020-06", lang: str = "zh") -> openpyxl.Workbook:
    path = tmp_path / f"{unit}-{lang}-{month}.xlsx"
    write_template(path, plan, unit, month, lang)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def centre(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """企业创新服务中心: it serves firms, works on chokepoint problems and trains (three registers).
    Written once for the module: the tests only read it."""
    return _write(plan, tmp_path_factory.mktemp("centre"), "enterprise_innovation_centre")


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _column_validation(ws, col: str):
    """The one validation covering a column's whole input area, rows 6 to the last."""
    found = [dv for dv in _validations(ws) if str(dv.sqref) == f"{col}6:{col}{LAST}"]
    assert len(found) == 1, [str(dv.sqref) for dv in _validations(ws)]
    return found[0]


def _headings(ws) -> tuple:
    return tuple(c.value for c in ws[5])


# -- which sheets ---------------------------------------------------------------------------


def test_a_unit_gets_one_sheet_per_register_it_sends(plan: Plan, centre: openpyxl.Workbook) -> None:
    assert [r.code for r in plan.registers_of("enterprise_innovation_centre")] == [
        "FIRMS_REGISTER",
        "CHOKEPOINT_REGISTER",
        "TRAINING_ARCHIVE",
    ]
    assert centre.sheetnames == ["月报", "服务企业名册", "卡脖子难题名册", "培训档案", "_kctrack"]
    assert centre["_kctrack"].sheet_state == "hidden"  # still last, still hidden
    assert all(centre[n].sheet_state == "visible" for n in centre.sheetnames[:-1])


@pytest.mark.parametrize(
    ("unit", "sheets"),
    [
        ("suzhou", ["月报", "卡脖子难题名册", "_kctrack"]),  # a pilot city reports the problems it pushes
        ("talent_centre", ["月报", "院士专家人才库", "_kctrack"]),
        ("society_centre", ["月报", "科技服务队名册", "培训档案", "_kctrack"]),
        ("rural_tech_centre", ["月报", "_kctrack"]),  # sends no register: no extra sheet
    ],
)
def test_the_sheets_of_other_units(plan: Plan, tmp_path: Path, unit: str, sheets: list[str]) -> None:
    assert _write(plan, tmp_path, unit).sheetnames == sheets


def test_sheet_names_in_english_fit_excel(plan: Plan, tmp_path: Path) -> None:
    """院士专家人才库 in English is 34 characters; Excel allows 31: cut at a word."""
    assert _write(plan, tmp_path, "talent_centre", lang="en").sheetnames == [
        "Return",
        "Academician and expert talent",
        "_kctrack",
    ]
    centre = _write(plan, tmp_path, "enterprise_innovation_centre", lang="en")
    assert centre.sheetnames[1:4] == ["Register of firms served", "Register of chokepoint problems", "Training archive"]


def test_register_sheet_name_drops_what_excel_forbids_and_avoids_a_name_taken() -> None:
    assert register_sheet_name("名册[2020]: A/B?", []) == "名册2020 AB"
    assert register_sheet_name("'quoted'", []) == "quoted"
    assert register_sheet_name("月报", ["月报", "_kctrack"]) == "月报 (2)"
    assert register_sheet_name("Return", ["return", "Return (2)"]) == "Return (3)"  # Excel ignores case
    assert register_sheet_name("History", []) == "History (2)"  # Excel's own
    long = "一二三四五六七八九十" * 4
    assert register_sheet_name(long, []) == long[:31]
    assert register_sheet_name(long, [long[:31]]) == long[:27] + " (2)"
    assert register_sheet_name("*?", []) == "register"


# -- title, labels, note, header ------------------------------------------------------------


def test_title_labels_and_note(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    assert ws["A1"].value == "2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）服务企业名册"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["A2"].value, ws["B2"].value) == ("填报单位", "企业创新服务中心")
    assert (ws["A3"].value, ws["B3"].value) == ("月份", "2020-06")
    assert ws["B3"].protection.locked is True  # the month is given: not an input
    note = ws["A4"].value
    assert note.startswith("每行填写一条；粗体列为必填")
    assert note.endswith("依据：共同面向至少1000家企业组织“重大项目研究、关键问题会商、核心技术攻关”等内容的创新服务")
    assert "A4:F4" in {str(r) for r in ws.merged_cells.ranges}


def test_headings_are_the_fields_headings_in_order(plan: Plan, centre: openpyxl.Workbook) -> None:
    assert _headings(centre["服务企业名册"]) == FIRMS
    assert _headings(centre["卡脖子难题名册"]) == CHOKEPOINTS
    assert _headings(centre["培训档案"]) == TRAINING
    reg = plan.register("FIRMS_REGISTER")
    assert reg is not None and FIRMS == tuple(f.heading.zh for f in reg.fields)


def test_headings_in_english(plan: Plan, tmp_path: Path) -> None:
    wb = _write(plan, tmp_path, "enterprise_innovation_centre", lang="en")
    ws = wb["Register of firms served"]
    assert _headings(ws) == FIRMS_EN
    assert (ws["A2"].value, ws["B2"].value, ws["A3"].value) == (
        "Reporting unit",
        "Enterprise Innovation Service Centre",
        "Month",
    )
    assert ws["A1"].value.endswith("(苏科协发〔2020〕71号): Register of firms served")


def test_required_headings_are_bold_and_nothing_is_added_to_them(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    assert [ws.cell(5, c).font.b for c in range(1, 7)] == [True, True, False, False, False, False]
    assert not any("*" in h or "必填" in h for h in _headings(ws))


def test_a_personal_field_has_a_comment_on_its_heading(plan: Plan, tmp_path: Path) -> None:
    ws = _write(plan, tmp_path, "talent_centre")["院士专家人才库"]
    assert _headings(ws) == EXPERTS
    assert ws["A5"].comment is not None and ws["A5"].comment.text.startswith("个人信息")
    assert ws["B5"].comment is None  # 工作单位 is not personal data


def test_without_a_month_the_month_is_an_input(plan: Plan, tmp_path: Path) -> None:
    ws = _write(plan, tmp_path, "suzhou", month=None)["卡脖子难题名册"]
    assert (ws["A3"].value, ws["B3"].value) == ("月份", None)
    assert ws["B3"].protection.locked is False
    assert ws["C3"].value == "请填写月份，如 2020-06"


# -- the input area ----------------------------------------------------------------------------


def test_input_area_is_unlocked_and_yellow_the_rest_locked(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    assert ws.protection.sheet is True
    assert ws.protection.insertRows is False  # rows may be inserted for a longer list
    # every row a unit types in is unlocked by its column's style; the first rows are drawn as inputs
    for col in "ABCDEF":
        assert ws.column_dimensions[col].protection.locked is False, col
    styled_last = FIRST_ROW + REGISTER_STYLED_ROWS - 1
    for ref in ("A6", "F6", f"A{styled_last}", f"F{styled_last}"):
        assert ws[ref].protection.locked is False, ref
        assert ws[ref].fill.fgColor.rgb.endswith("FFF2CC"), ref
    # below them nothing is drawn, so that a blank form prints on one page
    assert ws[f"A{styled_last + 1}"].fill.fill_type is None
    for ref in ("A1", "A2", "B2", "A4", "A5", "F5"):
        assert ws[ref].protection.locked is True, ref


def test_the_credit_code_is_text_of_18_characters(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    assert ws["A6"].number_format == "@"
    assert ws.column_dimensions["A"].number_format == "@"  # every row of the column, typed in or not
    dv = _column_validation(ws, "A")
    assert (dv.type, dv.operator, dv.formula1) == ("textLength", "equal", "18")
    assert dv.showErrorMessage and dv.showInputMessage
    assert dv.prompt.startswith("必填。18 位统一社会信用代码（GB 32100-2015")
    assert dv.error == "统一社会信用代码应为 18 位（含末位校验码）"
    # and in the chokepoint register, where the code is the second column
    assert _column_validation(centre["卡脖子难题名册"], "B").formula1 == "18"


def test_a_month_is_text_checked_as_yyyy_mm_of_the_plan_year(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    assert ws["E6"].number_format == "@"
    dv = _column_validation(ws, "E")
    assert dv.type == "custom"
    assert dv.formula1.startswith("AND(LEN(E6)=7,MID(E6,5,1)=")  # relative to the area's first cell
    assert '"|2020|"' in dv.formula1
    assert dv.prompt == "月份，格式 YYYY-MM，如 2020-04"
    assert not dv.prompt.startswith("必填")  # 服务月份 is optional


def test_a_date_is_within_the_plan_year(centre: openpyxl.Workbook) -> None:
    ws = centre["培训档案"]
    assert ws["C6"].number_format == "yyyy-mm-dd"
    dv = _column_validation(ws, "C")
    assert (dv.type, dv.operator) == ("date", "between")
    assert (int(dv.formula1), int(dv.formula2)) == (JAN_1_2020, DEC_31_2020)
    assert dv.prompt.startswith("必填。")


def test_trainees_are_a_whole_number_of_at_least_0(centre: openpyxl.Workbook) -> None:
    ws = centre["培训档案"]
    assert ws["E5"].value == "参训人数"
    dv = _column_validation(ws, "E")
    assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert dv.error == "请填写不小于 0 的整数"


def test_a_choice_is_a_list_of_its_choices(centre: openpyxl.Workbook) -> None:
    ws = centre["卡脖子难题名册"]
    assert ws["F5"].value == "状态"
    dv = _column_validation(ws, "F")
    assert (dv.type, dv.formula1) == ("list", '"征集,攻关中,已解决"')
    assert dv.prompt == "必填。从下拉列表中选择：征集、攻关中、已解决"
    assert _column_validation(centre["培训档案"], "B").formula1 == '"科技人才,技术工人,青年双创"'


def test_a_city_is_a_list_of_the_13_cities(plan: Plan, centre: openpyxl.Workbook, tmp_path: Path) -> None:
    dv = _column_validation(centre["卡脖子难题名册"], "E")  # 所在市: unit_kind city
    assert dv.type == "list"
    cities = [u for u in plan.units if u.kind == "city"]
    assert len(cities) == 13
    assert dv.formula1 == '"' + ",".join(u.name.zh for u in cities) + '"'
    assert dv.formula1.startswith('"南京市,无锡市,') and dv.formula1.endswith(',宿迁市"')
    en = _write(plan, tmp_path, "enterprise_innovation_centre", lang="en")["Register of chokepoint problems"]
    assert _column_validation(en, "E").formula1 == '"' + ",".join(u.name.en for u in cities) + '"'


def test_a_unit_of_any_kind_is_a_message_when_the_list_passes_excels_limit(tmp_path: Path) -> None:
    # without unit_kind the field takes all 22 units: their English names take 370 characters, past
    # Excel's 255 for a list, so the column has a message instead
    text = plan_text().replace("type: unit, unit_kind: city}", "type: unit}", 1)
    any_unit = parse_plan(text, "p.yaml")
    zh = _write(any_unit, tmp_path, "enterprise_innovation_centre")["卡脖子难题名册"]
    assert _column_validation(zh, "E").formula1.endswith(',调宣部"')  # the Chinese names fit
    en = _write(any_unit, tmp_path, "enterprise_innovation_centre", lang="en")["Register of chokepoint problems"]
    dv = _column_validation(en, "E")
    assert dv.type is None and dv.showInputMessage
    assert dv.prompt == "A unit of the plan by its name, e.g. Nanjing"


def test_text_is_bounded_and_prompted_when_required(centre: openpyxl.Workbook) -> None:
    ws = centre["服务企业名册"]
    firm, place = _column_validation(ws, "B"), _column_validation(ws, "C")
    for dv in (firm, place):
        assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", "500")
    assert firm.showInputMessage and firm.prompt.startswith("必填。")
    assert not place.showInputMessage  # an optional text column says nothing when entered


def test_every_message_fits_excel(plan: Plan, tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        for unit in ("enterprise_innovation_centre", "society_centre", "talent_centre"):
            wb = _write(plan, tmp_path, unit, lang=lang)
            for ws in wb.worksheets[1:-1]:
                for dv in _validations(ws):
                    assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 225, ws.title
                    assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32, ws.title


def test_a_choice_with_a_comma_gets_a_message_not_a_list(plan: Plan, tmp_path: Path) -> None:
    reg = plan.register("CHOKEPOINT_REGISTER")
    assert reg is not None
    fields = tuple(
        dataclasses.replace(f, choices=("征集", "攻关中,未完", "已解决")) if f.code == "state" else f
        for f in reg.fields
    )
    odd = dataclasses.replace(plan, registers=(dataclasses.replace(reg, fields=fields),), _index={})
    dv = _column_validation(_write(odd, tmp_path, "suzhou")["卡脖子难题名册"], "F")
    assert dv.type is None
    assert dv.prompt == "必填。填写其中之一：征集、攻关中,未完、已解决"


# -- page ------------------------------------------------------------------------------------


def test_widths_freeze_and_print_setup(centre: openpyxl.Workbook) -> None:
    ws = centre["卡脖子难题名册"]
    assert ws.freeze_panes == "A6"
    width = {c: ws.column_dimensions[c].width for c in "ABCDEFGH"}
    assert width["B"] == 24  # 企业统一社会信用代码: 10 Chinese characters count 20, and room
    assert width["F"] == 10  # 状态: a choice's least width
    assert width["A"] >= 12  # 难题名称, and the labels 填报单位 / 月份 above it
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$5:$5"
    assert ws.print_area == f"'卡脖子难题名册'!$A$1:$H${LAST}"


def test_the_return_sheet_is_unchanged(centre: openpyxl.Workbook) -> None:
    ws = centre["月报"]
    assert ws["A1"].value == "2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）月报"
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A6"].value == "BOTTLENECK_POOL"  # its first target, as before
    assert dict(centre["_kctrack"].iter_rows(values_only=True))["unit"] == "enterprise_innovation_centre"
