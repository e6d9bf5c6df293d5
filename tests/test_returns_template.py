"""`kctrack template`: the return form a unit fills (issue 3, §1)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from returns_helpers import (
    ALL_UNITS,
    CITIES,
    CITY_QUOTA,
    HEADER_EN,
    HEADER_ZH,
    PLAN_CODE,
    SHEET,
    Db,
    kc,
    ok,
    returns_db,
    template,
)

# The form is laid out from the plan read from the database; reading it from PostgreSQL is exercised by
# every import test on PostgreSQL (each fills a template), so the layout is checked on SQLite alone.
pytestmark = pytest.mark.sqlite_only

TITLE_ZH = "2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）月报"
TMT_NAME_ZH = "企业和园区科协行业型“技术经理人团队”"
CSB_NAME_ZH = "市级科协会同有关工信部门成立专门机构"


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


@pytest.fixture
def suzhou(rdb: Db, tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template(rdb, tmp_path / "苏州.xlsx", "苏州", "2020-06"))


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _covers(dv, ref: str) -> bool:
    return any(ref in rng for rng in dv.sqref.ranges)


def test_template_prints_what_it_wrote(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "sz.xlsx"
    result = ok(kc(rdb, "template", out, "--unit", "苏州", "--month", "2020-06"))
    # the unit by its name, not its code; and the register sheet the city's form has
    assert result.stdout.strip() == f"已生成 {out}（苏州市，2 行；名册：卡脖子难题名册）"


def test_template_sheet_has_title_unit_month_and_header(suzhou: openpyxl.Workbook) -> None:
    ws = suzhou[SHEET]
    assert suzhou.sheetnames == [SHEET, "卡脖子难题名册", "_kctrack"]  # a pilot city may list its chokepoint problems
    assert ws["A1"].value == TITLE_ZH
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["A2"].value, ws["B2"].value) == ("填报单位", "苏州市")
    assert (ws["A3"].value, ws["B3"].value) == ("月份", "2020-06")
    assert tuple(c.value for c in ws[5]) == (*HEADER_ZH, "上月累计")


def test_template_has_one_row_per_target_of_the_unit(suzhou: openpyxl.Workbook) -> None:
    """苏州 reports its share of TECH_MANAGER_TEAMS (25 of 200) and the city milestone, nothing else."""
    ws = suzhou[SHEET]
    assert ws.max_row == 7
    rows = [tuple(c.value for c in ws[r]) for r in (6, 7)]
    assert rows == [
        ("TECH_MANAGER_TEAMS", TMT_NAME_ZH, "个", 25, None, None, None, 0),  # H: 上月累计, none yet
        ("M_CITY_SPECIAL_BODIES", CSB_NAME_ZH, "里程碑", None, None, None, None, None),
    ]


def test_template_is_protected_except_the_input_cells(suzhou: openpyxl.Workbook) -> None:
    ws = suzhou[SHEET]
    assert ws.protection.sheet is True
    for ref in ("E6", "F6", "G6", "E7", "F7", "G7"):
        assert ws[ref].protection.locked is False, ref
    for ref in ("A1", "A2", "B2", "A5", "B5", "C5", "D5", "E5", "F5", "G5", "A6", "B6", "C6", "D6", "A7", "B7"):
        assert ws[ref].protection.locked is True, ref


def test_template_validates_the_input_columns(suzhou: openpyxl.Workbook) -> None:
    ws = suzhou[SHEET]
    dvs = _validations(ws)
    numbers = [dv for dv in dvs if dv.type == "decimal"]
    assert len(numbers) == 1
    dv = numbers[0]
    assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
    assert dv.showErrorMessage and dv.showInputMessage
    assert dv.error == "请填写不小于 0 的数字"
    assert dv.prompt.startswith("填写本月新增完成量")
    assert _covers(dv, "E6") and _covers(dv, "F6")
    assert not _covers(dv, "E7")  # the milestone row takes a word, not a number
    milestone = [dv for dv in dvs if dv.type == "list"]
    assert len(milestone) == 1 and milestone[0].formula1 == '"完成"'
    assert _covers(milestone[0], "E7") and _covers(milestone[0], "F7")
    notes = [dv for dv in dvs if dv.type == "textLength"]
    assert len(notes) == 1 and str(notes[0].sqref) == "G6:G7"
    assert all(dv.prompt for dv in dvs), "an input message on each input column"


def test_template_hidden_sheet_names_plan_unit_month_version(suzhou: openpyxl.Workbook) -> None:
    meta = suzhou["_kctrack"]
    assert meta.sheet_state == "hidden"
    assert [tuple(r) for r in meta.iter_rows(values_only=True)] == [
        ("plan", PLAN_CODE),
        ("unit", "suzhou"),
        ("month", "2020-06"),
        ("template_version", "2"),
    ]


def test_template_print_setup(suzhou: openpyxl.Workbook) -> None:
    ws = suzhou[SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_area == "'月报'!$A$1:$H$7"
    assert ws.print_title_rows == "$5:$5"
    assert ws.freeze_panes == "A6"


def test_template_in_english(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "sz-en.xlsx"
    ok(kc(rdb, "--lang", "en", "template", out, "--unit", "Suzhou", "--month", "2020-06"))  # --lang after --db
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Return", "Register of chokepoint problems", "_kctrack"]
    ws = wb["Return"]
    assert tuple(c.value for c in ws[5]) == (*HEADER_EN, "cumulative_to_last_month")
    assert ws["A1"].value == (
        "2020 Special Action for Serving Enterprise Technology Innovation (苏科协发〔2020〕71号): monthly return"
    )
    assert (ws["A2"].value, ws["B2"].value, ws["A3"].value) == ("Reporting unit", "Suzhou", "Month")
    assert (ws["A6"].value, ws["C6"].value, ws["D6"].value) == ("TECH_MANAGER_TEAMS", "teams", 25)
    assert ws["C7"].value == "milestone"


def test_template_without_month_leaves_it_to_the_unit(rdb: Db, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(template(rdb, tmp_path / "sz.xlsx", "苏州", None))
    ws = wb[SHEET]
    assert ws["B3"].value is None
    assert ws["B3"].protection.locked is False
    assert ws["C3"].value == "请填写月份，如 2020-06"
    assert [r[1] for r in wb["_kctrack"].iter_rows(values_only=True)][2] in (None, "")


def test_template_all_units_one_file_per_unit(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    result = ok(kc(rdb, "template", out, "--all-units", "--month", "2020-06"))
    expected = {f"{PLAN_CODE}_{name}_{code}_2020-06.xlsx" for code, name in ALL_UNITS.items()}
    assert {p.name for p in out.iterdir()} == expected
    assert len(expected) == 22
    assert len(result.stdout.strip().splitlines()) == 22
    for code, name in CITIES.items():
        wb = openpyxl.load_workbook(out / f"{PLAN_CODE}_{name}_{code}_2020-06.xlsx")
        ws = wb[SHEET]
        assert (ws["B2"].value, ws["B3"].value) == (name, "2020-06")
        assert (ws["A6"].value, ws["D6"].value) == ("TECH_MANAGER_TEAMS", CITY_QUOTA[code])
        assert dict(wb["_kctrack"].iter_rows(values_only=True))["unit"] == code
    talent = openpyxl.load_workbook(out / f"{PLAN_CODE}_人才服务中心_talent_centre_2020-06.xlsx")[SHEET]
    assert [(talent.cell(r, 1).value, talent.cell(r, 4).value) for r in (6, 7)] == [("EXPERT_POOL", 500), (None, None)]


def test_template_all_units_without_month_names_files_yyyy_mm(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    ok(kc(rdb, "template", out, "--all-units"))
    assert (out / f"{PLAN_CODE}_苏州市_suzhou_YYYY-MM.xlsx").exists()
    assert len(list(out.iterdir())) == 22


def test_template_month_outside_the_plan(rdb: Db, tmp_path: Path) -> None:
    result = kc(rdb, "template", tmp_path / "x.xlsx", "--unit", "苏州", "--month", "2021-01")
    assert result.exit_code == 1
    assert "月份 2021-01 不在计划期 2020-04 … 2020-12 之内" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_template_needs_a_unit_and_an_xlsx_name(rdb: Db, tmp_path: Path) -> None:
    result = kc(rdb, "template", tmp_path / "x.xlsx", "--month", "2020-06")
    assert result.exit_code == 2
    assert "请用 --unit 指定填报单位" in result.stderr
    result = kc(rdb, "template", tmp_path / "x.csv", "--unit", "苏州")
    assert result.exit_code == 2
    assert "输出文件应以 .xlsx 结尾" in result.stderr
