"""What people type: month and number formats, consolidated long sheets, merged / hidden / blank rows,
formulas (issue 3, §2 "Reads .xlsx returns")."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from returns_helpers import (
    SHEET,
    Db,
    counts,
    fill,
    history,
    kc,
    long_workbook,
    ok,
    returns_db,
    share,
    sheet_workbook,
    status_json,
    target_row,
    template,
)


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


def _suzhou(db: Db, month: str = "2020-06") -> float:
    return share(status_json(db, month), "TECH_MANAGER_TEAMS", "苏州市")["actual"]


# -- months -------------------------------------------------------------------------------

MONTHS: list[tuple[Any, str]] = [
    ("2020-06", "2020-06"),
    ("2020/6", "2020-06"),
    ("2020.6", "2020-06"),  # text
    (2020.6, "2020-06"),  # a number: 2020.6 is unambiguous
    ("2020年6月", "2020-06"),
    ("2020年06月", "2020-06"),
    ("6月", "2020-06"),  # the plan's year
    ("6月份", "2020-06"),
    ("202006", "2020-06"),
    ("2020年6月15日", "2020-06"),
    ("２０２０－０６", "2020-06"),  # full-width
    (datetime(2020, 6, 1), "2020-06"),  # an Excel date cell
    (date(2020, 6, 30), "2020-06"),
    ("2020-9", "2020-09"),
    ("12月", "2020-12"),
]


@pytest.mark.parametrize(("typed", "month"), MONTHS, ids=[repr(m[0]) for m in MONTHS])
def test_month_formats_in_a_long_sheet(rdb: Db, tmp_path: Path, typed: Any, month: str) -> None:
    path = long_workbook(tmp_path / "long.xlsx", [("TECH_MANAGER_TEAMS", "苏州", typed, 4)])
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", month)
    assert batch["records"][0]["cell"] == "汇总!D2"
    assert _suzhou(rdb, month) == 4


@pytest.mark.parametrize("typed", ["2020年6月", datetime(2020, 6, 1), "6月", "2020/6"])
def test_month_formats_in_a_labelled_cell(rdb: Db, tmp_path: Path, typed: Any) -> None:
    path = sheet_workbook(
        tmp_path / "labelled.xlsx",
        [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 3)],
        above=[("填报单位", "苏州市科协"), ("月份", typed), ()],
    )
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"], batch["records"][0]["cell"]) == ("suzhou", "2020-06", "Sheet1!B5")


@pytest.mark.parametrize("typed", [2020.1, "2020-13", "13月", "Junee"])  # June alone is the plan year's, as 6月
def test_months_refused(rdb: Db, tmp_path: Path, typed: Any) -> None:
    """2020.1 as a number may be January or a 2020.10 that lost its zero: refused, not guessed."""
    path = long_workbook(tmp_path / "long.xlsx", [("TECH_MANAGER_TEAMS", "苏州", typed, 4)])
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    assert f"{path}!汇总!C2: {typed} → " in result.stderr
    assert "无法识别" in result.stderr
    assert counts(rdb)["record"] == 0


def test_month_from_the_command_line(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(tmp_path / "bare.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 2)])
    result = kc(rdb, "import", path, "--unit", "苏州")
    assert result.exit_code == 1
    assert f"{path}!Sheet1!A2: 不知道这份月报属于哪个月" in result.stderr
    ok(kc(rdb, "import", path, "--unit", "苏州", "--month", "2020-07"))
    assert _suzhou(rdb, "2020-07") == 2


# -- numbers ------------------------------------------------------------------------------

NUMBERS: list[tuple[Any, float]] = [
    (12, 12),
    (2.0, 2),  # 2.5 teams is refused: a count is whole (tests/test_returns_real.py)
    ("12", 12),
    (" 7 ", 7),
    ("１２", 12),  # full-width digits
    ("12项", 12),
    ("3个", 3),
    ("1,000", 1000),
    ("1，000", 1000),  # full-width comma
    ("0", 0),
]


@pytest.mark.parametrize(("typed", "value"), NUMBERS, ids=[repr(n[0]) for n in NUMBERS])
def test_number_formats(rdb: Db, tmp_path: Path, typed: Any, value: float) -> None:
    path = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": typed})
    ok(kc(rdb, "import", path))
    assert _suzhou(rdb) == value
    [batch] = history(rdb)
    assert batch["records"][0]["value"] == value


def test_number_formats_in_a_long_sheet(rdb: Db, tmp_path: Path) -> None:
    """One consolidated sheet: four units, two months; each unit × month is one return."""
    path = long_workbook(
        tmp_path / "汇总.xlsx",
        [
            ("TECH_MANAGER_TEAMS", "苏州", "2020-05", "5个"),
            ("TECH_MANAGER_TEAMS", "苏州市", "2020年6月", "６"),
            ("TECH_MANAGER_TEAMS", "无锡市科协", "2020/6", 4),
            ("EXPERT_POOL", "人才中心", "6月", "1,100人"),
        ],
    )
    result = ok(kc(rdb, "import", path))
    assert "1 个文件，4 份月报：新增 4，修改 0，不变 0，移除 0，拒绝 0" in result.stderr
    status = status_json(rdb, "2020-06")
    assert share(status, "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 11  # 5 in May + 6 in June
    assert share(status, "TECH_MANAGER_TEAMS", "无锡市")["actual"] == 4
    assert target_row(status, "TECH_MANAGER_TEAMS")["actual"] == 15
    assert target_row(status, "EXPERT_POOL")["actual"] == 1100
    assert sorted((b["unit"], b["month"], b["records"][0]["cell"]) for b in history(rdb)) == [
        ("suzhou", "2020-05", "汇总!D2"),
        ("suzhou", "2020-06", "汇总!D3"),
        ("talent_centre", "2020-06", "汇总!D5"),
        ("wuxi", "2020-06", "汇总!D4"),
    ]


# -- layout: merged, hidden, blank rows; a table away from A1 ---------------------------------


def test_merged_title_and_blank_rows_between_figures(rdb: Db, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "六月"
    ws["A1"] = "苏州市科协 2020 年 6 月月报"
    ws.merge_cells("A1:E1")
    ws["A2"], ws["B2"] = "填报单位", "苏州"
    ws.merge_cells("B2:C2")
    ws["A3"], ws["B3"] = "月份", "2020-06"
    ws.append([])
    ws.append(["指标编号", "指标名称", "本月完成", "累计完成", "备注"])  # row 5
    ws.append(["TECH_MANAGER_TEAMS", "技术经理人团队", 4, None, None])  # row 6
    ws.append([])  # row 7
    ws.append([None, None, None, None, "（空行）"])  # row 8: a note only
    ws.append(["M_CITY_SPECIAL_BODIES", "专门机构", "完成", None, None])  # row 9
    wb.save(tmp_path / "merged.xlsx")
    ok(kc(rdb, "import", tmp_path / "merged.xlsx"))
    [batch] = history(rdb)
    assert [(r["target"], r["value"], r["cell"]) for r in batch["records"]] == [
        ("TECH_MANAGER_TEAMS", 4, "六月!C6"),
        ("M_CITY_SPECIAL_BODIES", 1, "六月!C9"),
    ]


def test_hidden_rows_are_read(rdb: Db, tmp_path: Path) -> None:
    """kctrack reads hidden rows: a figure hidden in Excel still counts (the analyst sees it in history)."""
    path = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 8, "E7": "完成"})
    wb = openpyxl.load_workbook(path)
    wb[SHEET].row_dimensions[6].hidden = True
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert _suzhou(rdb) == 8
    assert [r["cell"] for r in history(rdb)[0]["records"]] == [f"{SHEET}!E6", f"{SHEET}!E7"]


def test_a_table_that_does_not_start_at_a1(rdb: Db, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "填报单位", "苏州"
    ws["C4"], ws["D4"] = "月份", "2020-06"
    ws["C6"], ws["D6"], ws["E6"] = "指标编号", "本月完成", "备注"
    ws["C7"], ws["D7"], ws["E7"] = "TECH_MANAGER_TEAMS", 6, "x"
    wb.save(tmp_path / "offset.xlsx")
    ok(kc(rdb, "import", tmp_path / "offset.xlsx"))
    [record] = history(rdb)[0]["records"]
    assert (record["value"], record["cell"], record["note"]) == (6, "Sheet!D7", "x")


def test_header_with_a_hint_in_brackets_and_a_line_break(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(
        tmp_path / "hint.xlsx",
        [("指标\n编号", "本月完成（个）", "累计完成(选填)"), ("TECH_MANAGER_TEAMS", 5, None)],
        above=[("填报单位", "苏州"), ("月份", "2020-06")],
    )
    ok(kc(rdb, "import", path))
    assert _suzhou(rdb) == 5


def test_only_the_return_sheet_of_a_workbook_is_read(rdb: Db, tmp_path: Path) -> None:
    """A notes sheet without a return header beside the return is ignored."""
    path = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 5})
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("说明")
    notes["A1"] = "本月情况说明：新增团队 5 个"
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert _suzhou(rdb) == 5


# -- formulas ---------------------------------------------------------------------------------


def test_formula_with_a_cached_value_is_read_by_its_value(rdb: Db, tmp_path: Path) -> None:
    """openpyxl cannot save a formula's result, so the saved <v> is patched into the sheet XML by hand,
    as Excel or WPS would have written it."""
    source = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": "=2+3"})
    patched = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the empty value <v /> with its own writer, <v></v> with lxml's
                data, n = re.subn(rb"<f>2\+3</f><v(?: />|></v>)", b"<f>2+3</f><v>5</v>", data)
                assert n == 1
            zout.writestr(info, data)
    ok(kc(rdb, "import", patched))
    assert _suzhou(rdb) == 5


def test_formula_without_value_in_a_copy_is_not_confused_with_a_blank(rdb: Db, tmp_path: Path) -> None:
    """A blank input cell next to a formula elsewhere in the sheet is just blank."""
    path = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 5, "H6": "=E6*2"})
    shutil.copy(path, tmp_path / "copy.xlsx")
    ok(kc(rdb, "import", tmp_path / "copy.xlsx"))
    assert _suzhou(rdb) == 5
