"""Column H of the return form, 上月累计: kctrack's cumulative figure to the end of the month before.

Hand-computed: 苏州 reports TECH_MANAGER_TEAMS 3 in 2020-04 and 8 in 2020-05, so the form for
2020-06 shows 3 + 8 = 11, the one for 2020-05 shows 3, the one for 2020-04 (the plan's first month) 0.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from returns_helpers import FIRST_ROW, SHEET, Db, fill, kc, ok, returns_db, template

from kctrack.planfile import load_plan
from kctrack.resources import default_plan
from kctrack.template import write_template

TMT = f"H{FIRST_ROW}"  # 苏州's first row is TECH_MANAGER_TEAMS
MILESTONE = f"H{FIRST_ROW + 1}"  # and its second the city milestone


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    """苏州: 3 in April, 8 in May; 无锡: 5 in April (another unit, not counted for 苏州)."""
    returns_db(db, monkeypatch)
    ok(kc(db, "record", "TECH_MANAGER_TEAMS", "8", "--month", "2020-05", "--unit", "苏州"))
    ok(kc(db, "record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-04", "--unit", "苏州"))
    ok(kc(db, "record", "TECH_MANAGER_TEAMS", "5", "--month", "2020-04", "--unit", "无锡"))
    return db


def _sheet(path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(path)[SHEET]


def test_previous_is_the_units_cumulative_to_the_month_before(rdb: Db, tmp_path: Path) -> None:
    june = _sheet(template(rdb, tmp_path / "t.xlsx", "苏州", "2020-06"))
    assert june["A6"].value == "TECH_MANAGER_TEAMS"
    assert june[TMT].value == 11
    assert june[MILESTONE].value is None  # milestones have no running total
    assert _sheet(template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05"))[TMT].value == 3
    assert _sheet(template(rdb, tmp_path / "apr.xlsx", "苏州", "2020-04"))[TMT].value == 0


def test_the_month_itself_is_not_counted_and_a_correction_is(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "4", "--month", "2020-06", "--unit", "苏州"))
    assert _sheet(template(rdb, tmp_path / "t.xlsx", "苏州", "2020-06"))[TMT].value == 11
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "9", "--month", "2020-05", "--unit", "苏州"))  # replaces the 8
    assert _sheet(template(rdb, tmp_path / "t.xlsx", "苏州", "2020-06"))[TMT].value == 12
    assert _sheet(template(rdb, tmp_path / "jul.xlsx", "苏州", "2020-07"))[TMT].value == 16


def test_an_imported_return_counts_the_next_month_and_column_h_is_not_read(rdb: Db, tmp_path: Path) -> None:
    june = template(rdb, tmp_path / "t.xlsx", "苏州", "2020-06")
    fill(june, {"E6": 2, TMT: 999})  # a clerk overwriting H (on an unprotected copy) changes nothing
    ok(kc(rdb, "import", june))
    assert _sheet(template(rdb, tmp_path / "jul.xlsx", "苏州", "2020-07"))[TMT].value == 13


def test_each_unit_gets_its_own_figures(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "forms"
    ok(kc(rdb, "template", out, "--all-units", "--month", "2020-06"))
    assert _sheet(next(out.glob("*_suzhou_2020-06.xlsx")))[TMT].value == 11
    assert _sheet(next(out.glob("*_wuxi_2020-06.xlsx")))[TMT].value == 5
    assert _sheet(next(out.glob("*_nanjing_2020-06.xlsx")))[TMT].value == 0


def test_without_a_month_column_h_is_blank(rdb: Db, tmp_path: Path) -> None:
    ws = _sheet(template(rdb, tmp_path / "t.xlsx", "苏州", None))
    assert ws["H5"].value == "上月累计"
    assert (ws[TMT].value, ws[MILESTONE].value) == (None, None)


def test_without_a_database_the_form_has_no_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "none.db"
    ws = _sheet(template(nowhere, tmp_path / "t.xlsx", "苏州", "2020-06"))
    assert ws["H5"].value == "上月累计"
    assert ws[TMT].value is None
    assert not nowhere.exists()


def test_write_template_ignores_previous_without_a_month(tmp_path: Path) -> None:
    plan = load_plan(default_plan())
    path = tmp_path / "t.xlsx"
    write_template(path, plan, "suzhou", None, previous={"TECH_MANAGER_TEAMS": 5.0})
    assert _sheet(path)[TMT].value is None
    write_template(path, plan, "suzhou", "2020-06", previous={"TECH_MANAGER_TEAMS": 5.0})
    assert _sheet(path)[TMT].value == 5
    write_template(path, plan, "suzhou", "2020-06", previous={})
    assert _sheet(path)[TMT].value == 0  # a target with no figures yet


def test_column_h_is_read_only_and_explained(rdb: Db, tmp_path: Path) -> None:
    ws = _sheet(template(rdb, tmp_path / "t.xlsx", "苏州", "2020-06"))
    assert ws.protection.sheet is True
    for ref in ("H5", TMT, MILESTONE):
        assert ws[ref].protection.locked is True, ref
    for ref in ("E6", "F6", "G6", "E7", "F7", "G7"):
        assert ws[ref].protection.locked is False, ref
    assert ws[TMT].fill.fgColor.rgb.endswith("E7E6E6")  # grey, not the inputs' yellow
    assert ws["E6"].fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["H5"].comment.text == "kctrack 截至上月末的累计数，供填写累计完成时参考；请勿修改"
    assert not any(dv for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges if "H" in str(r))
    assert ws.print_area == "'月报'!$A$1:$H$7"
    assert [tuple(r) for r in openpyxl.load_workbook(tmp_path / "t.xlsx")["_kctrack"].iter_rows(values_only=True)][
        3
    ] == ("template_version", "2")


def test_column_h_in_english(rdb: Db, tmp_path: Path) -> None:
    out = tmp_path / "en.xlsx"
    ok(kc(rdb, "--lang", "en", "template", out, "--unit", "Suzhou", "--month", "2020-06"))
    ws = openpyxl.load_workbook(out)["Return"]
    assert ws["H5"].value == "cumulative_to_last_month"
    assert ws["H5"].comment.text.startswith("kctrack's cumulative figure to the end of last month")
    assert ws[TMT].value == 11
