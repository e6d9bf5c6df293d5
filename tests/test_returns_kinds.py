"""Other instances of the kinds of issue 11 (tests/test_returns_real.py holds the instances it listed).

Each kind of fault in importing returns is tried here with instances the issue did not name, as a
clerk, WPS/Excel/LibreOffice or another program would produce them.  What a careful user expects:
the right figure lands, or exit 1 naming the cell with nothing written; never a silent wrong
figure, never a silent drop, never a traceback.

Every workbook is built in the test (openpyxl, XlsxWriter, patched XML, or LibreOffice's
``soffice --convert-to`` for .xls / .ods, skipped without it).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from returns_helpers import (
    SHEET,
    Db,
    Place,
    amount,
    counts,
    db_files,
    fill,
    history,
    kc,
    no_traceback,
    ok,
    place,
    plain_sheet,
    refused,
    returns_db,
    returns_grid,
    share,
    soffice_convert,
    status_json,
    suzhou,
    target_row,
    template,
    visible_copy,
    warned,
    with_cell_xml,
)
from typer.testing import Result

TMT = "TECH_MANAGER_TEAMS"  # 个; 苏州's quota 25, the whole target 200
PATENT = "PATENT_INFO_PUSHES"  # 条; 1,500,000; reported by 企业创新服务中心
WORKERS = "WORKER_TRAINEES"  # 人; 10,000; reported by 企业创新服务中心
EIC = "enterprise_innovation_centre"
HEADER_ROW = 5


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


# -- helpers --------------------------------------------------------------------------------


def eic(db: Db, tmp_path: Path, code: str, name: str = "eic.xlsx", month: str = "2020-06") -> tuple[Path, Place]:
    path = template(db, tmp_path / name, "企业创新服务中心", month)
    return path, place(path, code)


def refused_anywhere(db: Db, result: Result, before: Any, *names: str) -> None:
    """Exit 1 (or 2 for a command-line value), each of ``names`` on stderr, nothing written."""
    assert result.exit_code in (1, 2), f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    no_traceback(result)
    for name in names:
        assert name in result.stderr, result.stderr
    assert db_files(db) == before


def dry_changes(db: Db, *args: Any) -> dict[tuple[str, str, str], tuple[Any, Any, str]]:
    data = json.loads(ok(kc(db, "import", *args, "--dry-run", "--format", "json")).stdout)
    return {(c["code"], c["unit"], c["month"]): (c["old"], c["new"], c["change"]) for c in data["changes"]}


def import_month(db: Db, tmp_path: Path, month: str, cells: dict[str, Any], *extra: str) -> Path:
    """苏州's return for a month with TECH_MANAGER_TEAMS' 本月 / 累计 (keys "this_month", "cumulative")."""
    path, at = suzhou(db, tmp_path, f"sz-{month}-{len(list(tmp_path.iterdir()))}.xlsx", month)
    fill(path, {getattr(at, k): v for k, v in cells.items()})
    ok(kc(db, "import", path, *extra))
    return path


# == 1. hidden sheets are not data ===============================================================


def test_hidden_sheet_that_is_the_only_one_with_a_header_is_not_read(rdb: Db, tmp_path: Path) -> None:
    """The visible sheet is a cover note; the return itself sits on a hidden sheet."""
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: 5})
    wb = openpyxl.load_workbook(src)
    cover = wb.create_sheet("说明", 0)
    cover["A1"] = "本表为苏州市科协6月月报，请查收。"
    wb[SHEET].sheet_state = "hidden"
    wb.active = 0
    wb.save(src)
    before = db_files(rdb)
    result = kc(rdb, "import", src)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert str(src) in result.stderr
    assert db_files(rdb) == before


def test_sheet_hidden_by_xlsxwriter_is_not_read(rdb: Db, tmp_path: Path) -> None:
    """A program writes June visible and a July draft hidden (workbook.xml state="hidden")."""
    src, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(src)
    path = tmp_path / "xw.xlsx"
    out = xlsxwriter.Workbook(str(path))
    for title, month, figure in ((SHEET, "2020-06", 3), ("7月草稿", "2020-07", 5)):
        ws = out.add_worksheet(title)
        for row in wb[SHEET].iter_rows():
            for cell in row:
                if cell.value is not None:
                    ws.write(cell.row - 1, cell.column - 1, cell.value)
        ws.write("B3", month)
        ws.write(at.this_month, figure)
        if title != SHEET:
            ws.hide()
    out.close()
    with zipfile.ZipFile(path) as z:
        assert b'state="hidden"' in z.read("xl/workbook.xml")
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3
    assert amount(rdb, TMT, "suzhou", "2020-07") is None


def test_hidden_long_sheet_of_other_units_is_not_read(rdb: Db, tmp_path: Path) -> None:
    """A clerk's old consolidation (无锡, 常州) is kept very hidden beside 苏州's June."""
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: 4})
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("汇总")
    for row in (("code", "unit", "month", "this_month"), (TMT, "无锡", "2020-06", 9), (TMT, "常州", "2020-06", 8)):
        ws.append(row)
    ws.sheet_state = "veryHidden"
    wb.save(src)
    ok(kc(rdb, "import", src))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4
    assert amount(rdb, TMT, "wuxi", "2020-06") is None
    assert amount(rdb, TMT, "changzhou", "2020-06") is None


# == 2. 累计 contradicting the months before ======================================================


def test_cumulative_conflict_across_three_months(rdb: Db, tmp_path: Path) -> None:
    """April 5, May 3; June 本月 4 and 累计 10: 5 + 3 + 4 = 12, not 10."""
    import_month(rdb, tmp_path, "2020-04", {"this_month": 5})
    import_month(rdb, tmp_path, "2020-05", {"this_month": 3})
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    fill(june, {at.this_month: 4, at.cumulative: 10})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", june), before, f"{june}!{SHEET}!{at.cumulative}")


def test_cumulative_conflict_within_one_run_of_three_files(rdb: Db, tmp_path: Path) -> None:
    files = []
    for month, cells in (("2020-04", {"this_month": 5}), ("2020-05", {"this_month": 3})):
        path, at = suzhou(rdb, tmp_path, f"{month}.xlsx", month)
        files.append(fill(path, {getattr(at, k): v for k, v in cells.items()}))
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    files.append(fill(june, {at.this_month: 4, at.cumulative: 10}))
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", *files), before, f"{june}!{SHEET}!{at.cumulative}")
    assert counts(rdb)["batch"] == 0


def test_cumulative_only_going_down_is_refused(rdb: Db, tmp_path: Path) -> None:
    """May states 累计 10 only, June states 累计 8 only: a running total never goes down."""
    import_month(rdb, tmp_path, "2020-05", {"cumulative": 10})
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    fill(june, {at.cumulative: 8})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", june), before, f"{june}!{SHEET}!{at.cumulative}")


def test_late_earlier_month_that_breaks_a_later_stated_cumulative_is_refused(rdb: Db, tmp_path: Path) -> None:
    """June (本月 4, 累计 10) came first; May then arrives late with 8: 8 + 4 = 12 > 10."""
    import_month(rdb, tmp_path, "2020-06", {"this_month": 4, "cumulative": 10})
    may, at = suzhou(rdb, tmp_path, "may.xlsx", "2020-05")
    fill(may, {at.this_month: 8})
    before = db_files(rdb)
    result = kc(rdb, "import", may)
    refused(rdb, result, before, f"{may}!{SHEET}!{at.this_month}")
    assert amount(rdb, TMT, "suzhou", "2020-05") is None


def test_correction_that_breaks_a_later_both_stated_month_is_refused(rdb: Db, tmp_path: Path) -> None:
    """May 5; June 本月 4, 累计 9; May corrected to 8 with --replace would make June's 累计 wrong."""
    import_month(rdb, tmp_path, "2020-05", {"this_month": 5})
    import_month(rdb, tmp_path, "2020-06", {"this_month": 4, "cumulative": 9})
    may, at = suzhou(rdb, tmp_path, "may-v2.xlsx", "2020-05")
    fill(may, {at.this_month: 8})
    before = db_files(rdb)
    result = kc(rdb, "import", may, "--replace")
    refused(rdb, result, before, f"{may}!{SHEET}!{at.this_month}")
    assert amount(rdb, TMT, "suzhou", "2020-05") == 5


def test_record_that_breaks_a_later_both_stated_month_is_refused(rdb: Db, tmp_path: Path) -> None:
    import_month(rdb, tmp_path, "2020-05", {"this_month": 5})
    import_month(rdb, tmp_path, "2020-06", {"this_month": 4, "cumulative": 9})
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "8", "--month", "2020-05", "--unit", "苏州")
    refused_anywhere(rdb, result, before, "2020-06")
    assert amount(rdb, TMT, "suzhou", "2020-05") == 5


def test_long_sheet_with_months_whose_cumulative_disagrees(rdb: Db, tmp_path: Path) -> None:
    """One sheet, April to June, with a 累计 column: June's 累计 8 is below 3 + 2 + 4."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["指标编号", "填报单位", "月份", "本月完成", "累计完成"],
            [TMT, "苏州", "2020-04", 3, 3],
            [TMT, "苏州", "2020-05", 2, 5],
            [TMT, "苏州", "2020-06", 4, 8],
        ],
    )
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!汇总!E4")


# == 3. a cumulative-only month follows every change before it =====================================


def test_cumulative_only_month_follows_a_record_correction(rdb: Db, tmp_path: Path) -> None:
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    assert amount(rdb, TMT, "suzhou", "2020-06") == 9
    ok(kc(rdb, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-05") == 10
    assert amount(rdb, TMT, "suzhou", "2020-06") == 7
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


def test_cumulative_only_month_follows_a_late_earlier_month(rdb: Db, tmp_path: Path) -> None:
    """June 累计 17 first (June 17); April's 5 arrives late: June is 12, and the dry-run says so."""
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    assert amount(rdb, TMT, "suzhou", "2020-06") == 17
    april, at = suzhou(rdb, tmp_path, "april.xlsx", "2020-04")
    fill(april, {at.this_month: 5})
    before = db_files(rdb)
    changes = dry_changes(rdb, april)
    assert db_files(rdb) == before
    assert changes[(TMT, "苏州市", "2020-04")] == (None, 5, "new")
    assert changes[(TMT, "苏州市", "2020-06")] == (17, 12, "changed")
    ok(kc(rdb, "import", april))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 12
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


def test_cumulative_only_month_follows_an_undo(rdb: Db, tmp_path: Path) -> None:
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    may_batch = next(b for b in history(rdb) if b["month"] == "2020-05")
    ok(kc(rdb, "undo", may_batch["id"]))
    assert amount(rdb, TMT, "suzhou", "2020-05") is None
    assert amount(rdb, TMT, "suzhou", "2020-06") == 17


def test_two_cumulative_only_months_after_a_corrected_month(rdb: Db, tmp_path: Path) -> None:
    """April 3; May 累计 10 (7); June 累计 17 (7); April corrected to 5: May 5, June still 7."""
    import_month(rdb, tmp_path, "2020-04", {"this_month": 3})
    import_month(rdb, tmp_path, "2020-05", {"cumulative": 10})
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    april, at = suzhou(rdb, tmp_path, "april-v2.xlsx", "2020-04")
    fill(april, {at.this_month: 5})
    changes = dry_changes(rdb, april, "--replace")
    assert changes[(TMT, "苏州市", "2020-05")] == (7, 5, "changed")
    ok(kc(rdb, "import", april, "--replace"))
    assert [amount(rdb, TMT, "suzhou", m) for m in ("2020-04", "2020-05", "2020-06")] == [5, 5, 7]


# == 4. formulas nobody calculated ===============================================================


def test_xlsxwriter_formula_with_an_empty_placeholder_is_not_a_nil_return(rdb: Db, tmp_path: Path) -> None:
    """XlsxWriter wrote 本月 as ``=J6+K6`` with the result "" and asked for fullCalcOnLoad.

    The saved "" is a placeholder, not a blank: refused (open and save in Excel/WPS) or 5; never a
    nil return that says 苏州 had nothing this month.
    """
    src, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(src)
    path = tmp_path / "xw.xlsx"
    out = xlsxwriter.Workbook(str(path))
    for ws in wb.worksheets:
        sheet = out.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
        if ws.title == SHEET:
            sheet.write(f"J{at.row}", 2)
            sheet.write(f"K{at.row}", 3)
            sheet.write_formula(at.this_month, f"=J{at.row}+K{at.row}", None, "")
        if ws.sheet_state != "visible":
            sheet.hide()
    out.close()
    with zipfile.ZipFile(path) as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 1:
        refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")
    else:
        ok(result)
        assert amount(rdb, TMT, "suzhou", "2020-06") == 5


def test_xlsxwriter_this_month_derived_from_cumulative_is_never_zero(rdb: Db, tmp_path: Path) -> None:
    """本月 = 累计 − 上月累计 written by a program (result 0, fullCalcOnLoad); 累计 typed 7."""
    src, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(src)
    path = tmp_path / "xw.xlsx"
    out = xlsxwriter.Workbook(str(path))
    for ws in wb.worksheets:
        sheet = out.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
        if ws.title == SHEET:
            sheet.write(at.cumulative, 7)
            sheet.write_formula(at.this_month, f"={at.cumulative}-{at.previous}")
        if ws.sheet_state != "visible":
            sheet.hide()
    out.close()
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 1:
        refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")
    else:
        assert amount(rdb, TMT, "suzhou", "2020-06") == 7


def test_formula_saved_without_any_result_is_refused_with_advice(rdb: Db, tmp_path: Path) -> None:
    """A formula cell with no <v> at all (as excelize or openpyxl write it), no fullCalcOnLoad either."""
    src, at = suzhou(rdb, tmp_path)
    path = with_cell_xml(
        src, tmp_path / "f.xlsx", at.cumulative, f'<c r="{at.cumulative}"><f>J6+K6</f></c>', drop_full_calc=True
    )
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.cumulative}")
    assert "Excel" in result.stderr or "WPS" in result.stderr


# == 5. commas that are not thousands separators ====================================================


@pytest.mark.parametrize("typed", ["1，5", "1,234,5", "12,345,67", "1,234,", "1,,234", "1,5万"])
def test_bad_comma_in_this_month_is_refused(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


def test_bad_comma_in_the_cumulative_column_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.cumulative: "1,5"})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


def test_thousands_separator_in_the_cumulative_column_lands(rdb: Db, tmp_path: Path) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    ok(kc(rdb, "import", fill(path, {at.this_month: "1,200", at.cumulative: "1,200"})))
    assert amount(rdb, PATENT, EIC, "2020-06") == 1200


@pytest.mark.parametrize("typed", ["１，２３４", "1，234", "1,234条"])
def test_full_width_thousands_land(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    ok(kc(rdb, "import", fill(path, {at.this_month: typed})))
    assert amount(rdb, PATENT, EIC, "2020-06") == 1234


def test_record_refuses_a_bad_comma(rdb: Db) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "1,5", "--month", "2020-06", "--unit", "苏州")
    refused_anywhere(rdb, result, before, "1,5")


# == 6. a percentage is not a count =================================================================


def test_hundred_percent_formatted_number_is_not_one_team(rdb: Db, tmp_path: Path) -> None:
    """A clerk types 100% into 本月 (Excel stores 1 with number format 0%); calamine gives 1.

    The cell shows "100%", a percentage: refused, never 1 team landing silently.
    """
    path, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb[SHEET][at.this_month]
    cell.value = 1
    cell.number_format = "0%"
    wb.save(path)
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


def test_fraction_formatted_as_percent_is_refused(rdb: Db, tmp_path: Path) -> None:
    """0.85 in a cell formatted 0% (shows 85%): not a whole number of teams."""
    path, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb[SHEET][at.this_month]
    cell.value = 0.85
    cell.number_format = "0%"
    wb.save(path)
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


@pytest.mark.parametrize("typed", ["８５％", "85 %", "5‰", "100%"])
def test_percentage_text_is_refused(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


def test_percentage_in_the_cumulative_column_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.cumulative: "60%"})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


def test_record_refuses_a_percentage(rdb: Db) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "85%", "--month", "2020-06", "--unit", "苏州")
    refused_anywhere(rdb, result, before, "85%")


# == 7. magnitude words ============================================================================

MAGNITUDES = [
    (WORKERS, "0.5万", 5000),
    (WORKERS, "0.5万人", 5000),
    (PATENT, "1.2千", 1200),
    (PATENT, "两万", 20000),
    (PATENT, "3千条", 3000),
    (PATENT, "一点二万", 12000),
]


@pytest.mark.parametrize(("code", "typed", "value"), MAGNITUDES, ids=[m[1] for m in MAGNITUDES])
def test_magnitude_words_scale(rdb: Db, tmp_path: Path, code: str, typed: str, value: int) -> None:
    path, at = eic(rdb, tmp_path, code)
    ok(kc(rdb, "import", fill(path, {at.this_month: typed})))
    assert amount(rdb, code, EIC, "2020-06") == value


def test_magnitude_in_the_cumulative_column(rdb: Db, tmp_path: Path) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    ok(kc(rdb, "import", fill(path, {at.cumulative: "1.5万"})))
    assert amount(rdb, PATENT, EIC, "2020-06") == 15000


@pytest.mark.parametrize("typed", ["0.01亿", "0.5万"])
def test_magnitude_of_teams_never_lands_unscaled(rdb: Db, tmp_path: Path, typed: str) -> None:
    """0.01亿 teams is 1,000,000 (refused as implausible); 0.5万 is 5000 (a warning, or refused)."""
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 0:
        warned(result, f"{path}!{SHEET}!{at.this_month}")
        assert amount(rdb, TMT, "suzhou", "2020-06") not in (0.01, 0.5)
    else:
        refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")


def test_record_with_a_magnitude_word(rdb: Db) -> None:
    ok(kc(rdb, "record", PATENT, "1.5万", "--month", "2020-06"))
    assert amount(rdb, PATENT, EIC, "2020-06") == 15000


# == 8. figures beyond any sane bound ===============================================================


def test_huge_cumulative_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.cumulative: 1e308})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


@pytest.mark.parametrize("typed", ["1e308", "9999999999999999999", 9.9e11])
def test_figure_far_beyond_the_target_is_refused(rdb: Db, tmp_path: Path, typed: Any) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


def test_record_of_a_figure_far_beyond_the_target_is_refused(rdb: Db) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "99999999", "--month", "2020-06", "--unit", "苏州")
    refused_anywhere(rdb, result, before)
    ok(kc(rdb, "status", "--as-of", "2020-06"))


# == 9. counts are whole ===========================================================================


@pytest.mark.parametrize("typed", ["二点五", "1.5人", 1 / 3, "2.50"])
def test_fraction_of_persons_is_refused(rdb: Db, tmp_path: Path, typed: Any) -> None:
    path, at = eic(rdb, tmp_path, WORKERS)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


def test_fraction_in_the_cumulative_column_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.cumulative: 3.5})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


@pytest.mark.parametrize("typed", ["二点五", "0.5个", "1.5"])
def test_record_refuses_fractions_of_teams(rdb: Db, typed: str) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, typed, "--month", "2020-06", "--unit", "苏州")
    refused_anywhere(rdb, result, before)


@pytest.mark.parametrize(("typed", "value"), [("1.5万", 15000), ("十二", 12), ("2.0", 2), ("３", 3)])
def test_whole_figures_written_otherwise_land(rdb: Db, tmp_path: Path, typed: str, value: int) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    ok(kc(rdb, "import", fill(path, {at.this_month: typed})))
    assert amount(rdb, PATENT, EIC, "2020-06") == value


def test_twelve_teams_in_chinese(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    ok(kc(rdb, "import", fill(path, {at.this_month: "十二"})))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 12


def test_negative_zero_is_zero(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    ok(kc(rdb, "import", fill(path, {at.this_month: -0.0})))
    value = amount(rdb, TMT, "suzhou", "2020-06")
    assert value == 0 and str(value) in ("0", "0.0")
    data = status_json(rdb, "2020-06")
    assert str(share(data, TMT, "苏州市")["actual"]) in ("0", "0.0")


def test_negative_figure_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: -3})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


# == 10. headings written otherwise ==================================================================

THIS_MONTH_HEADINGS = ["本月数", "当月完成数", "本月完成情况", "本月完成（个）", "本月\n完成"]


@pytest.mark.parametrize("heading", THIS_MONTH_HEADINGS, ids=[h.replace("\n", "_") for h in THIS_MONTH_HEADINGS])
def test_other_this_month_headings_are_read(rdb: Db, tmp_path: Path, heading: str) -> None:
    path, at = suzhou(rdb, tmp_path)
    ok(kc(rdb, "import", fill(path, {f"{at.this_month_col}{HEADER_ROW}": heading, at.this_month: 6})))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 6


CUMULATIVE_HEADINGS = ["累计完成数", "本年累计完成", "截至本月累计完成", "1-6月累计"]


@pytest.mark.parametrize("heading", CUMULATIVE_HEADINGS)
def test_cumulative_only_under_another_heading_is_read_or_named(rdb: Db, tmp_path: Path, heading: str) -> None:
    """Only 累计 filled (17), its heading reworded: 17 lands, or the import is refused naming the column.

    Never a nil return with the figure dropped.
    """
    path, at = suzhou(rdb, tmp_path)
    fill(path, {f"{at.cumulative_col}{HEADER_ROW}": heading, at.cumulative: 17})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 0:
        assert amount(rdb, TMT, "suzhou", "2020-06") == 17, result.stderr
    else:
        assert result.exit_code == 1
        assert f"{path}!{SHEET}!{at.cumulative_col}" in result.stderr
        assert db_files(rdb) == before


def test_reworded_cumulative_beside_this_month_is_checked(rdb: Db, tmp_path: Path) -> None:
    """May 8; June 本月 17 with 累计 17 under "本年累计完成": the 累计 is read, and refused (8 + 17 ≠ 17)."""
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    path, at = suzhou(rdb, tmp_path, "june.xlsx")
    fill(path, {f"{at.cumulative_col}{HEADER_ROW}": "本年累计完成", at.this_month: 17, at.cumulative: 17})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


# == 11. two-row headers ============================================================================


def two_row(path: Path, top: dict[str, str], bottom: dict[str, str], merges: list[str], data: list[Any]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "六月"
    ws["A1"], ws["B1"] = "填报单位", "苏州市"
    ws["A2"], ws["B2"] = "月份", "2020-06"
    for col, text in top.items():
        ws[f"{col}4"] = text
    for col, text in bottom.items():
        ws[f"{col}5"] = text
    for rng in merges:
        ws.merge_cells(rng)
    for c, value in enumerate(data, start=1):
        ws.cell(6, c, value)
    wb.save(path)
    return path


def test_two_row_header_with_this_month_over_completed(rdb: Db, tmp_path: Path) -> None:
    """本月 / 累计 on the top row, 完成数 under each: a person reads 本月完成数 and 累计完成数."""
    path = two_row(
        tmp_path / "h.xlsx",
        {"A": "指标编号", "B": "指标名称", "C": "计量单位", "D": "本单位任务", "E": "本月", "F": "累计"},
        {"E": "完成数", "F": "完成数"},
        ["A4:A5", "B4:B5", "C4:C5", "D4:D5"],
        [TMT, "技术经理人团队", "个", 25, 4, 4],
    )
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_two_row_header_with_the_month_over_the_figures(rdb: Db, tmp_path: Path) -> None:
    path = two_row(
        tmp_path / "h.xlsx",
        {"A": "指标编号", "B": "指标名称", "E": "2020年6月"},
        {"E": "本月", "F": "累计"},
        ["A4:A5", "B4:B5", "E4:F4"],
        [TMT, "技术经理人团队", None, None, 3, None],
    )
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3


def test_two_row_header_with_the_code_on_the_lower_row(rdb: Db, tmp_path: Path) -> None:
    """指标 merged over 编号 / 名称, 完成情况 merged over 本月完成 / 累计完成."""
    path = two_row(
        tmp_path / "h.xlsx",
        {"A": "指标", "C": "完成情况"},
        {"A": "编号", "B": "名称", "C": "本月完成", "D": "累计完成"},
        ["A4:B4", "C4:D4"],
        [TMT, "技术经理人团队", 2, None],
    )
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 2


# == 12. formula errors ============================================================================

SAVED_ERRORS = [("#VALUE!", 'A1+"x"'), ("#NAME?", "FOO()"), ("#NUM!", "SQRT(-1)"), ("#NULL!", "A1 B1")]


@pytest.mark.parametrize(("error", "formula"), SAVED_ERRORS, ids=[e[0] for e in SAVED_ERRORS])
def test_saved_error_in_the_cumulative_column_is_named(rdb: Db, tmp_path: Path, error: str, formula: str) -> None:
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: 3})
    path = with_cell_xml(
        src, tmp_path / "e.xlsx", at.cumulative, f'<c r="{at.cumulative}" t="e"><f>{formula}</f><v>{error}</v></c>'
    )
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.cumulative}")
    assert error in result.stderr


def test_error_value_without_a_formula_is_named(rdb: Db, tmp_path: Path) -> None:
    """An error cell pasted as a value (t="e", no <f>), as a copy / paste-values leaves it."""
    src, at = suzhou(rdb, tmp_path)
    path = with_cell_xml(src, tmp_path / "e.xlsx", at.this_month, f'<c r="{at.this_month}" t="e"><v>#N/A</v></c>')
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")
    assert "#N/A" in result.stderr


@pytest.mark.parametrize("typed", ["#VALUE!", "＃Ｎ／Ａ", "#REF!"])
def test_error_text_typed_in_the_cumulative_column_is_named(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb[SHEET][at.cumulative]
    cell.value = typed
    cell.data_type = "s"
    wb.save(path)
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.cumulative}")


def test_saved_error_in_the_month_column_of_a_long_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    src = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州", "x", 4]])
    path = with_cell_xml(
        src, tmp_path / "long2.xlsx", "C2", '<c r="C2" t="e"><f>VLOOKUP(1,Z1:Z2,2)</f><v>#N/A</v></c>', sheet="汇总"
    )
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!汇总!C2")


def test_saved_error_in_the_unit_column_of_a_long_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    src = plain_sheet(
        tmp_path / "long.xlsx",
        [["code", "unit", "month", "this_month"], [TMT, "无锡", "2020-06", 3], [TMT, "x", "2020-06", 4]],
    )
    path = with_cell_xml(
        src, tmp_path / "long2.xlsx", "B3", '<c r="B3" t="e"><f>Sheet9!A1</f><v>#REF!</v></c>', sheet="汇总"
    )
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!汇总!B3")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_formula_error_in_a_libreoffice_file_is_not_a_blank(rdb: Db, tmp_path: Path, fmt: str) -> None:
    """``=1/0`` in 本月, saved by LibreOffice as .xls / .ods (#DIV/0!): refused, never read as a blank."""
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: "=1/0", at.cumulative: 4})
    path = soffice_convert(src, fmt, tmp_path / "out")
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    assert result.exit_code == 1, (
        f"exit {result.exit_code}\n{result.stderr}\nJune: {amount(rdb, TMT, 'suzhou', '2020-06')}"
    )
    assert at.this_month in result.stderr, result.stderr
    assert db_files(rdb) == before


# == 13. a formula showing an empty string ===========================================================


def test_empty_string_formula_in_the_cumulative_column_is_a_blank(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: 4})
    cell = f'<c r="{at.cumulative}" t="str"><f>IF(E6="","",E6)</f><v></v></c>'
    path = with_cell_xml(src, tmp_path / "e.xlsx", at.cumulative, cell, drop_full_calc=True)
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_empty_inline_string_formula_is_a_blank(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.cumulative: 4})
    cell = f'<c r="{at.this_month}" t="inlineStr"><f>""</f><is><t></t></is></c>'
    path = with_cell_xml(src, tmp_path / "e.xlsx", at.this_month, cell, drop_full_calc=True)
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_empty_string_formula_in_a_libreoffice_ods_is_a_blank(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: '=IF(1>2,1,"")', at.cumulative: 4})
    path = soffice_convert(src, "ods", tmp_path / "out")
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_empty_string_formula_in_a_libreoffice_xls_is_never_silent(rdb: Db, tmp_path: Path) -> None:
    """A known limit: in a cell with a number format, LibreOffice saves the "" result in the .xls as the
    number 0 (seen in the raw FORMULA record), which no reader can tell from a typed 0.  The figure is
    not silent: 累计 4 above 本月 0 is a warning naming the 累计 cell, and --strict refuses it."""
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: '=IF(1>2,1,"")', at.cumulative: 4})
    path = soffice_convert(src, "xls", tmp_path / "out")
    before = db_files(rdb)
    strict = kc(rdb, "import", path, "--strict")
    assert strict.exit_code == 1 and at.cumulative in strict.stderr
    assert db_files(rdb) == before
    result = ok(kc(rdb, "import", path))
    assert "警告" in result.stderr and at.cumulative in result.stderr


# == 14. merged key cells ============================================================================


def test_long_sheet_with_the_unit_merged_down_over_its_targets(rdb: Db, tmp_path: Path) -> None:
    """企业创新服务中心 once, merged over three of its targets."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [PATENT, "企业创新服务中心", "2020-06", 1000],
            [WORKERS, None, "2020-06", 300],
            ["FIRMS_SERVED", None, "2020-06", 12],
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb["汇总"].merge_cells("B2:B4")
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert [amount(rdb, c, EIC, "2020-06") for c in (PATENT, WORKERS, "FIRMS_SERVED")] == [1000, 300, 12]


def test_long_sheet_with_the_month_merged_down(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [["code", "unit", "month", "this_month"], [TMT, "苏州", "2020年6月", 4], [TMT, "无锡", None, 3]],
    )
    wb = openpyxl.load_workbook(path)
    wb["汇总"].merge_cells("C2:C3")
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert (amount(rdb, TMT, "suzhou", "2020-06"), amount(rdb, TMT, "wuxi", "2020-06")) == (4, 3)


def test_figure_merged_down_over_two_rows_is_refused(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [["code", "unit", "month", "this_month"], [TMT, "苏州", "2020-06", 4], [TMT, "无锡", "2020-06", None]],
    )
    wb = openpyxl.load_workbook(path)
    wb["汇总"].merge_cells("D2:D3")
    wb.save(path)
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!汇总!D2")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_libreoffice_long_sheet_with_the_code_merged_down(rdb: Db, tmp_path: Path, fmt: str) -> None:
    src = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [TMT, "苏州", "2020-06", 4],
            [None, "无锡", "2020-06", 3],
            [None, "常州", "2020-06", 2],
        ],
    )
    wb = openpyxl.load_workbook(src)
    wb["汇总"].merge_cells("A2:A4")
    wb.save(src)
    path = soffice_convert(src, fmt, tmp_path / "out")
    result = kc(rdb, "import", path)
    ok(result)
    assert [amount(rdb, TMT, u, "2020-06") for u in ("suzhou", "wuxi", "changzhou")] == [4, 3, 2]


# == 15. total lines ================================================================================

TOTALS = ["小计", "全省合计", "合 计", "合计：", "全省总计", "Total"]


@pytest.mark.parametrize("label", TOTALS)
def test_total_line_in_the_unit_column_is_skipped(rdb: Db, tmp_path: Path, label: str) -> None:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [TMT, "苏州", "2020-06", 4],
            [TMT, "无锡", "2020-06", 3],
            [TMT, label, "2020-06", 7],
        ],
    )
    result = ok(kc(rdb, "import", path))
    assert "警告" not in result.stderr
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 7


@pytest.mark.parametrize("label", ["小计", "全省合计", "合计"])
def test_total_line_in_the_code_column_is_skipped(rdb: Db, tmp_path: Path, label: str) -> None:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [TMT, "苏州", "2020-06", 4],
            [TMT, "无锡", "2020-06", 3],
            [label, None, None, 7],
        ],
    )
    result = ok(kc(rdb, "import", path))
    assert "警告" not in result.stderr
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 7


def test_total_line_in_the_code_column_that_differs_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [TMT, "苏州", "2020-06", 4],
            [TMT, "无锡", "2020-06", 3],
            ["小计", None, None, 9],
        ],
    )
    warned(kc(rdb, "import", path), f"{path}!汇总!D4")
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 7


def test_subtotals_then_a_grand_total_raise_no_false_warning(rdb: Db, tmp_path: Path) -> None:
    """Two 小计 lines, then a 合计 of all four rows: every total is right, nothing to warn of."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month"],
            [TMT, "苏州", "2020-06", 4],
            [TMT, "无锡", "2020-06", 3],
            [TMT, "小计", "2020-06", 7],
            [TMT, "南京", "2020-06", 2],
            [TMT, "常州", "2020-06", 1],
            [TMT, "小计", "2020-06", 3],
            [TMT, "合计", "2020-06", 10],
        ],
    )
    result = ok(kc(rdb, "import", path))
    assert "警告" not in result.stderr, result.stderr
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 10


def test_total_line_in_a_template_is_skipped(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: 4, f"A{at.row + 2}": "合计", f"{at.this_month_col}{at.row + 2}": 4})
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


# == 16. months written otherwise ====================================================================

JULY_TEMPLATE = ["2020.07", "2020年07月", "2020 年 7 月", "July", "Jul", "20年7月", "2020/07"]


@pytest.mark.parametrize("typed", JULY_TEMPLATE)
def test_july_written_otherwise_in_the_templates_month_cell(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = suzhou(rdb, tmp_path, month=None)
    ok(kc(rdb, "import", fill(path, {"B3": typed, at.this_month: 4})))
    [batch] = history(rdb)
    assert batch["month"] == "2020-07"
    assert amount(rdb, TMT, "suzhou", "2020-07") == 4


@pytest.mark.parametrize("fmt", ["yyyy-mm", 'yyyy"年"m"月"', "mmm-yy", "General"])
def test_july_as_a_date_cell(rdb: Db, tmp_path: Path, fmt: str) -> None:
    path, at = suzhou(rdb, tmp_path, month=None)
    wb = openpyxl.load_workbook(path)
    cell = wb[SHEET]["B3"]
    cell.value = datetime(2020, 7, 1)
    cell.number_format = fmt if fmt != "General" else "yyyy/m/d"
    wb[SHEET][at.this_month] = 4
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-07") == 4


def test_month_text_that_is_no_month_is_refused_at_its_cell(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path, month=None)
    fill(path, {"B3": "2020年13月", at.this_month: 4})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!B3")


@pytest.mark.parametrize("typed", [date(2020, 7, 15), datetime(2020, 7, 1, 0, 0), "2020.07", "2020-07-01", 202007])
def test_july_in_a_long_sheet_written_otherwise(rdb: Db, tmp_path: Path, typed: Any) -> None:
    path = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州", typed, 4]])
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-07") == 4


def test_ambiguous_float_month_in_a_long_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    """2020.10 typed as a number is stored as 2020.1: January or October? Refused at the cell."""
    path = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州", 2020.10, 4]])
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!汇总!C2")


@pytest.mark.parametrize("month", ["2020.07", "Jul 2020", "七月", "2020年07月"])
def test_record_month_written_otherwise(rdb: Db, month: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", month, "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-07") == 3


def test_template_month_option_written_otherwise(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "t.xlsx", "苏州", "2020年7月")
    assert openpyxl.load_workbook(path)[SHEET]["B3"].value in ("2020-07", datetime(2020, 7, 1))
    ok(kc(rdb, "import", fill(path, {place(path).this_month: 2})))
    assert amount(rdb, TMT, "suzhou", "2020-07") == 2


# == 17. labels written otherwise ===================================================================

UNIT_CELLS = [
    "填报单位(盖章)：苏州市科学技术协会",
    "填报单位（盖章）：苏州市科协",
    "报送单位：苏州市",
    "填报单位 : 苏州市科协",
]


@pytest.mark.parametrize("unit_cell", UNIT_CELLS)
def test_unit_label_written_otherwise_in_one_cell(rdb: Db, tmp_path: Path, unit_cell: str) -> None:
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    fill(path, {"A2": unit_cell, "B2": None, at.this_month: 5})
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-06")


def test_unit_label_with_a_stamp_note_and_the_value_beside(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    fill(path, {"A2": "填报单位（盖章）", "B2": "苏州市科学技术协会", at.this_month: 5})
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


def test_label_and_value_with_an_empty_cell_between(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    fill(path, {"B2": None, "C2": "苏州市", "B3": None, "C3": "2020年6月", at.this_month: 5})
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-06")


def test_unit_and_month_in_one_cell(rdb: Db, tmp_path: Path) -> None:
    """One merged line above the table: 填报单位：苏州市科协      月份：2020年6月."""
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    fill(
        path, {"A2": "填报单位：苏州市科协      月份：2020年6月", "B2": None, "A3": None, "B3": None, at.this_month: 5}
    )
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-06")


def test_unit_label_naming_another_unit_than_the_hidden_sheet(rdb: Db, tmp_path: Path) -> None:
    """苏州's template reused by 无锡: the visible label (无锡市) is what the clerk sees and means."""
    path, at = suzhou(rdb, tmp_path)
    fill(path, {"B2": "无锡市", at.this_month: 5})
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 0:
        assert amount(rdb, TMT, "wuxi", "2020-06") == 5
        assert amount(rdb, TMT, "suzhou", "2020-06") is None
    else:
        assert result.exit_code == 1 and f"{path}!{SHEET}!B2" in result.stderr


# == 18. files of a folder ===========================================================================


def test_folder_reads_an_xls_renamed_xlsx(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.this_month: 5})
    xls = soffice_convert(src, "xls", tmp_path / "conv")
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(xls, folder / "苏州.xlsx")
    ok(kc(rdb, "import", folder))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


def test_folder_reads_an_upper_case_suffix(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    folder = tmp_path / "returns"
    folder.mkdir()
    fill(src, {at.this_month: 5}, dest=folder / "苏州.XLSX")
    ok(kc(rdb, "import", folder))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


def test_folder_with_a_return_in_a_subfolder_names_or_reads_it(rdb: Db, tmp_path: Path) -> None:
    """Returns unzipped from mail often sit one folder down: read, or named — never passed over silently."""
    src, at = suzhou(rdb, tmp_path)
    folder = tmp_path / "returns"
    (folder / "苏州").mkdir(parents=True)
    fill(src, {at.this_month: 5}, dest=folder / "苏州" / "苏州6月.xlsx")
    wx = template(rdb, tmp_path / "wx.xlsx", "无锡", "2020-06")
    fill(wx, {place(wx).this_month: 4}, dest=folder / "无锡.xlsx")
    result = kc(rdb, "import", folder)
    no_traceback(result)
    if amount(rdb, TMT, "suzhou", "2020-06") != 5:
        assert "苏州" in result.stderr, result.stderr


def test_folder_names_a_file_without_a_suffix(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    folder = tmp_path / "returns"
    folder.mkdir()
    fill(src, {at.this_month: 5}, dest=folder / "苏州.xlsx")
    (folder / "无锡月报").write_bytes((folder / "苏州.xlsx").read_bytes())
    result = kc(rdb, "import", folder)
    no_traceback(result)
    assert "无锡月报" in result.stderr, result.stderr


def test_folder_reads_an_xls_return(rdb: Db, tmp_path: Path) -> None:
    src = template(rdb, tmp_path / "wx.xlsx", "无锡", "2020-06")
    fill(src, {place(src).this_month: 4})
    folder = tmp_path / "returns"
    soffice_convert(src, "xls", folder)
    ok(kc(rdb, "import", folder))
    assert amount(rdb, TMT, "wuxi", "2020-06") == 4


def test_html_saved_as_xls_is_refused_by_name(rdb: Db, tmp_path: Path) -> None:
    """Web systems export an HTML table named .xls: named with a reason, nothing written."""
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "苏州.xls").write_text("<html><table><tr><td>指标编号</td></tr></table></html>", encoding="utf-8")
    before = db_files(rdb)
    result = kc(rdb, "import", folder)
    no_traceback(result)
    assert "苏州.xls" in result.stderr
    assert db_files(rdb) == before


# == 19. nil returns ================================================================================


def test_nil_return_imported_twice_is_one_return(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")
    ok(kc(rdb, "import", path, "--received", "2020-07-05"))
    before = db_files(rdb)
    ok(kc(rdb, "import", path, "--received", "2020-07-05"))
    assert db_files(rdb) == before
    assert len(history(rdb)) == 1
    assert returns_grid(rdb)["suzhou"]["2020-06"] == "received"


def test_nil_return_of_a_provincial_unit_with_many_targets(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "blank.xlsx", "企业创新服务中心", "2020-06")
    ok(kc(rdb, "import", path, "--received", "2020-07-03"))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"], batch["records"]) == (EIC, "2020-06", [])
    assert returns_grid(rdb)[EIC]["2020-06"] == "received"


def test_blank_template_with_only_a_note_is_a_nil_return(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")
    at = place(path)
    ok(kc(rdb, "import", fill(path, {f"G{at.row}": "本月无新增"}), "--received", "2020-07-05"))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-06")
    assert counts(rdb)["current_value"] == 0
    assert returns_grid(rdb)["suzhou"]["2020-06"] == "received"


def test_nil_return_replacing_a_return_with_figures(rdb: Db, tmp_path: Path) -> None:
    import_month(rdb, tmp_path, "2020-06", {"this_month": 5})
    blank = template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")
    changes = dry_changes(rdb, blank, "--replace")
    assert changes[(TMT, "苏州市", "2020-06")][2] == "removed"
    ok(kc(rdb, "import", blank, "--replace", "--received", "2020-07-05"))
    assert amount(rdb, TMT, "suzhou", "2020-06") is None
    assert returns_grid(rdb)["suzhou"]["2020-06"] == "received"


def test_nil_return_in_a_month_typed_by_the_unit(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "blank.xlsx", "人才服务中心", None)
    ok(kc(rdb, "import", fill(path, {"B3": "2020年6月"})))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"], batch["records"]) == ("talent_centre", "2020-06", [])


@pytest.mark.parametrize("typed", ["无", "—", "/", "-"])
def test_nothing_written_as_a_word_is_nil_or_named(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 0:
        assert amount(rdb, TMT, "suzhou", "2020-06") in (None, 0)
    else:
        refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")


# == 20. far above the quota ========================================================================


def test_cumulative_only_above_the_quota_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    result = kc(rdb, "import", fill(path, {at.cumulative: 60}))
    warned(result, f"{path}!{SHEET}!")
    assert amount(rdb, TMT, "suzhou", "2020-06") == 60


def test_cumulative_far_above_the_quota_over_three_months_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    """20 teams each in April and May, 20 more in June: 60 in all, 2.4× 苏州's quota of 25."""
    import_month(rdb, tmp_path, "2020-04", {"this_month": 20})
    import_month(rdb, tmp_path, "2020-05", {"this_month": 20})
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    result = kc(rdb, "import", fill(june, {at.this_month: 20}))
    warned(result, f"{june}!{SHEET}!{at.this_month}")
    before = db_files(rdb)
    june2, at2 = suzhou(rdb, tmp_path, "june2.xlsx")
    fill(june2, {at2.this_month: 21})
    refused(rdb, kc(rdb, "import", june2, "--replace", "--strict"), before, f"{june2}!{SHEET}!{at2.this_month}")


def test_month_above_a_provincial_units_whole_target_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    result = kc(rdb, "import", fill(path, {at.this_month: "200万"}))
    warned(result, f"{path}!{SHEET}!{at.this_month}")
    assert amount(rdb, PATENT, EIC, "2020-06") == 2_000_000


def test_record_far_above_the_quota_is_not_silent(rdb: Db) -> None:
    """``record`` 1,234 teams for 苏州 (quota 25): a warning as the import gives, or refused."""
    result = kc(rdb, "record", TMT, "1234", "--month", "2020-06", "--unit", "苏州")
    no_traceback(result)
    if result.exit_code == 0:
        assert "警告" in result.stderr or "warning" in result.stderr.lower(), result.output


# == 21. options against the sheet ==================================================================


def test_unit_option_contradicting_the_hidden_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    """The visible unit label blanked out; only kctrack's hidden sheet says 苏州."""
    path, at = suzhou(rdb, tmp_path)
    fill(path, {"A2": None, "B2": None, at.this_month: 5})
    before = db_files(rdb)
    result = kc(rdb, "import", path, "--unit", "南京")
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert str(path) in result.stderr and "南京" in result.stderr
    assert db_files(rdb) == before


def test_month_option_contradicting_the_hidden_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {"A3": None, "B3": None, at.this_month: 5})
    before = db_files(rdb)
    result = kc(rdb, "import", path, "--month", "2020-07")
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "2020-07" in result.stderr and "2020-06" in result.stderr
    assert db_files(rdb) == before


def test_unit_option_contradicting_a_long_sheets_unit_column(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州", "2020-06", 4]])
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path, "--unit", "无锡"), before, f"{path}!汇总!B2")


def test_month_option_contradicting_a_long_sheets_month_column(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州", "2020年6月", 4]])
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path, "--month", "7月"), before, f"{path}!汇总!C2")


def test_options_spelt_otherwise_that_agree_with_a_long_sheet(rdb: Db, tmp_path: Path) -> None:
    path = plain_sheet(tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州市", "2020/6", 4]])
    ok(kc(rdb, "import", path, "--unit", "苏州市科协", "--month", "2020年6月"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_unit_option_on_a_copy_without_a_label(rdb: Db, tmp_path: Path) -> None:
    """No label, no hidden sheet: --unit and --month say what the sheet does not."""
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    fill(path, {"A2": None, "B2": None, "A3": None, "B3": None, at.this_month: 5})
    ok(kc(rdb, "import", path, "--unit", "苏州", "--month", "2020-06"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


# == also: one parser ===============================================================================


@pytest.mark.parametrize(("typed", "value"), [("十二", 12), ("１２", 12), ("12个", 12), ("一十二", 12)])
def test_record_values_as_cells_take_them(rdb: Db, typed: str, value: int) -> None:
    ok(kc(rdb, "record", TMT, typed, "--month", "2020-06", "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == value


@pytest.mark.parametrize("unit", ["苏州市科协", "苏州市", "suzhou", "Suzhou"])
def test_record_unit_forms(rdb: Db, unit: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-06", "--unit", unit))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3


def test_record_unit_by_its_full_name_as_cells_take_it(rdb: Db, tmp_path: Path) -> None:
    """What a unit cell accepts, --unit accepts, and the reverse."""
    path = plain_sheet(
        tmp_path / "long.xlsx", [["code", "unit", "month", "this_month"], [TMT, "苏州市科学技术协会", "2020-06", 4]]
    )
    cell = kc(rdb, "import", path)
    option = kc(rdb, "record", TMT, "3", "--month", "2020-07", "--unit", "苏州市科学技术协会")
    no_traceback(cell)
    no_traceback(option)
    assert (cell.exit_code == 0) == (option.exit_code == 0), (cell.stderr, option.stderr)


@pytest.mark.parametrize("as_of", ["2020.06", "Jun 2020", "六月", "2020年06月"])
def test_status_as_of_written_otherwise(rdb: Db, as_of: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-06", "--unit", "苏州"))
    data = status_json(rdb, as_of)
    assert data["as_of"] == "2020-06"


# == also: the template's 上月累计 ==================================================================


def test_template_shows_the_cumulative_to_last_month(rdb: Db, tmp_path: Path) -> None:
    """May 8, June 累计 17: July's template shows 17, and a July 累计 of 20 lands as 3."""
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    july, at = suzhou(rdb, tmp_path, "july.xlsx", "2020-07")
    ws = openpyxl.load_workbook(july)[SHEET]
    assert ws[at.previous].value == 17
    result = ok(kc(rdb, "import", fill(july, {at.cumulative: 20})))
    assert "警告" not in result.stderr
    assert amount(rdb, TMT, "suzhou", "2020-07") == 3


def test_template_previous_that_is_out_of_date_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    """June's template made when May was 8; May corrected to 10 before June comes back with 累计 only."""
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    assert openpyxl.load_workbook(june)[SHEET][at.previous].value == 8
    may, at_may = suzhou(rdb, tmp_path, "may-v2.xlsx", "2020-05")
    ok(kc(rdb, "import", fill(may, {at_may.this_month: 10}), "--replace"))
    result = kc(rdb, "import", fill(june, {at.cumulative: 13}))  # the clerk's 8 + 5 ...
    warned(result, f"{june}!{SHEET}!{at.previous}")
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3  # ... read against the 10 kctrack holds


# == also: dry-run values exactly ===================================================================


def test_dry_run_shows_a_scaled_figure_exactly(rdb: Db, tmp_path: Path) -> None:
    path, at = eic(rdb, tmp_path, PATENT)
    fill(path, {at.this_month: "1.2345万"})
    before = db_files(rdb)
    table = ok(kc(rdb, "import", path, "--dry-run")).stdout
    assert "12345" in table or "12,345" in table, table
    assert "e+" not in table and "12345.0" not in table
    changes = dry_changes(rdb, path)
    assert changes[(PATENT, "企业创新服务中心", "2020-06")] == (None, 12345, "new")
    assert db_files(rdb) == before


def test_dry_run_shows_a_derived_amount_exactly(rdb: Db, tmp_path: Path) -> None:
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    june, at = suzhou(rdb, tmp_path, "june.xlsx")
    fill(june, {at.cumulative: 17})
    table = ok(kc(rdb, "import", june, "--dry-run")).stdout
    row = next(line for line in table.splitlines() if TMT in line and "2020-06" in line)
    assert re.search(r"\b9\b", row) and "9.0" not in row, row
    assert dry_changes(rdb, june)[(TMT, "苏州市", "2020-06")] == (None, 9, "new")


# == also: undo a run ===============================================================================


def test_undo_of_a_run_that_would_break_a_series_is_refused(rdb: Db, tmp_path: Path) -> None:
    """May 8 (run 1); May corrected to 5 (run 2); June 本月 12, 累计 17 (run 3): undoing run 2 brings
    May back to 8, and 8 + 12 ≠ 17."""
    may = import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    may2, at = suzhou(rdb, tmp_path, "may-v2.xlsx", "2020-05")
    run2 = json.loads(ok(kc(rdb, "import", fill(may2, {at.this_month: 5}), "--replace", "--format", "json")).stdout)[
        "run"
    ]
    import_month(rdb, tmp_path, "2020-06", {"this_month": 12, "cumulative": 17})
    assert may.exists()
    before = db_files(rdb)
    dry = kc(rdb, "undo", "--run", run2, "--dry-run")
    no_traceback(dry)
    assert dry.exit_code == 1, dry.output
    result = kc(rdb, "undo", "--run", run2)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "2020-06" in result.stderr
    assert db_files(rdb) == before
    assert amount(rdb, TMT, "suzhou", "2020-05") == 5


def test_undo_of_a_run_holding_a_nil_return(rdb: Db, tmp_path: Path) -> None:
    blank = template(rdb, tmp_path / "blank.xlsx", "人才服务中心", "2020-06")
    sz, at = suzhou(rdb, tmp_path)
    imported = kc(rdb, "import", blank, fill(sz, {at.this_month: 3}), "--received", "2020-07-05", "--format", "json")
    run = json.loads(ok(imported).stdout)["run"]
    assert returns_grid(rdb)["talent_centre"]["2020-06"] == "received"
    ok(kc(rdb, "undo", "--run", run))
    assert returns_grid(rdb)["talent_centre"]["2020-06"] != "received"
    assert amount(rdb, TMT, "suzhou", "2020-06") is None
    assert {b["state"] for b in history(rdb)} == {"undone"}


def test_undo_of_a_run_twice_is_refused(rdb: Db, tmp_path: Path) -> None:
    sz, at = suzhou(rdb, tmp_path)
    run = json.loads(ok(kc(rdb, "import", fill(sz, {at.this_month: 3}), "--format", "json")).stdout)["run"]
    ok(kc(rdb, "undo", "--run", run))
    before = db_files(rdb)
    result = kc(rdb, "undo", "--run", run)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert db_files(rdb) == before


def test_undo_of_a_run_whose_return_was_replaced_is_refused(rdb: Db, tmp_path: Path) -> None:
    sz, at = suzhou(rdb, tmp_path)
    run = json.loads(ok(kc(rdb, "import", fill(sz, {at.this_month: 3}), "--format", "json")).stdout)["run"]
    sz2, at2 = suzhou(rdb, tmp_path, "sz2.xlsx")
    ok(kc(rdb, "import", fill(sz2, {at2.this_month: 4}), "--replace"))
    before = db_files(rdb)
    result = kc(rdb, "undo", "--run", run)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert db_files(rdb) == before
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_undo_of_a_run_restores_the_cumulative_only_month(rdb: Db, tmp_path: Path) -> None:
    """May 8 and June 累计 17 (June 9); April's late 3 in its own run makes June 6; undoing it gives 9 back."""
    import_month(rdb, tmp_path, "2020-05", {"this_month": 8})
    import_month(rdb, tmp_path, "2020-06", {"cumulative": 17})
    april, at = suzhou(rdb, tmp_path, "april.xlsx", "2020-04")
    run = json.loads(ok(kc(rdb, "import", fill(april, {at.this_month: 3}), "--format", "json")).stdout)["run"]
    assert amount(rdb, TMT, "suzhou", "2020-06") == 6
    ok(kc(rdb, "undo", "--run", run))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 9
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17
