"""Acceptance tests for the issue "returns as people really fill them": what lands wrong today,
and what is dropped or refused although a person reads it at once.

Every workbook is built here from the real template (苏州, June, unless said otherwise) with
openpyxl or XlsxWriter, and where a file must hold something neither library writes (a saved
formula result, a formula error) its sheet XML is patched in the test.  The TECH_MANAGER_TEAMS
row and the 本月 / 累计 columns are found by scanning the template, never assumed.

Issue row → tests
  1  hidden sheets are not data ............. test_hidden_sheet_is_not_data[hidden|veryHidden]
  2  累计 contradicting earlier months ....... test_cumulative_that_contradicts_earlier_months_is_refused[…]
                                              (and the consistent / gap cases beside it)
  3  a cumulative-only month re-derived ..... test_cumulative_only_month_is_rederived_when_an_earlier_month_is_corrected
  4  a formula never computed ............... test_formula_never_computed_is_never_read_as_zero[本月|累计]
  5  "1,5" and other bad commas ............. test_comma_that_is_not_a_thousands_separator_is_refused[…],
                                              test_patent_pushes_in_magnitudes_and_thousands[…]
  6  a percentage in a count ................ test_percentage_in_a_count_is_refused[…]
  7  "0.15亿" ............................... test_patent_pushes_in_magnitudes_and_thousands[…],
                                              test_hundred_million_teams_never_land_as_a_fraction
  8  overflow ............................... test_figures_whose_sum_overflows_are_refused_in_one_run,
                                              test_overflow_across_two_imports_is_refused_and_status_still_works,
                                              test_overflow_by_record_is_refused, test_a_number_beyond_float_is_refused
  9  2.5 teams .............................. test_record_refuses_a_fraction_of_a_team,
                                              test_cell_refuses_a_fraction_of_a_team[…]
  10 reworded / unknown heading ............. test_reworded_this_month_heading_is_read[…],
                                              test_figures_under_an_unknown_heading_are_named[…]
  11 two-row header ......................... test_two_row_header_is_read[…]
  12 formula errors, typed "#N/A" ........... test_saved_formula_error_is_named[…], test_error_text_typed_is_named[…]
  13 a formula showing "" ................... test_formula_showing_an_empty_string_is_a_blank[…]
  14 code merged down a long sheet .......... test_long_sheet_with_the_code_merged_down_over_thirteen_cities[…]
  15 合计 line in a long sheet .............. test_total_line_equal_to_its_rows_is_skipped_silently[…],
                                              test_total_line_that_differs_is_a_warning[…]
  16 month labels ........................... test_july_typed_in_the_templates_month_cell[…],
                                              test_july_in_a_long_sheet[…]
  17 labels in one cell, no hidden sheet .... test_labels_in_one_cell_on_a_copy_without_the_hidden_sheet[…]
  18 .xlsm / .xls / .ods / .et / .txt ....... test_folder_reads_an_xlsm_return, test_folder_reads_a_hand_built_ods_return,
                                              test_folder_reads_xls_and_ods_saved_by_libreoffice (skipped without soffice),
                                              test_folder_names_every_file_it_does_not_read
  19 a nil return ........................... test_blank_template_is_a_nil_return[…]
  20 far above the quota .................... test_figure_far_above_the_quota_is_a_warning[…],
                                              test_warning_in_english, test_strict_turns_the_warning_into_a_refusal
  21 options contradicting the sheet ........ test_unit_option_contradicting_the_sheet_is_refused,
                                              test_month_option_contradicting_the_sheet_is_refused,
                                              test_options_that_agree_with_the_sheet_are_accepted
  also: runs and undo ....................... test_undo_a_run_reverts_every_return_it_imported
        dry-run shows values exactly ........ test_dry_run_shows_a_large_figure_exactly
        one parser for the command line ..... test_record_month_forms[…], test_status_as_of_forms[…],
                                              test_record_value_with_a_unit_word
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
import xlsxwriter
from backends import query
from returns_helpers import (
    CITIES,
    SHEET,
    Db,
    Place,
    amount,
    counts,
    db_files,
    fill,
    history,
    kc,
    long_workbook,
    no_traceback,
    ok,
    place,
    refused,
    returns_db,
    returns_grid,
    share,
    status_json,
    suzhou,
    target_row,
    template,
    visible_copy,
    warned,
    with_cell_xml,
)

TMT = "TECH_MANAGER_TEAMS"  # 个 (teams); 苏州's quota 25, the whole target 200
PATENT = "PATENT_INFO_PUSHES"  # 条 (items), 1,500,000 in the year; reported by 企业创新服务中心
EIC = "enterprise_innovation_centre"
HEADER_ROW = 5  # the template's header row


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


# -- finding things in the template ----------------------------------------------------------


def strict_json(text: str) -> Any:
    """JSON that may hold no Infinity or NaN."""

    def no_constants(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=no_constants)


# -- building workbooks ----------------------------------------------------------------------


def type_text(path: Path, ref: str, text: str, sheet: str = SHEET) -> Path:
    """Type ``text`` as plain text, even where openpyxl would take it for an error code ("#N/A")."""
    wb = openpyxl.load_workbook(path)
    cell = wb[sheet][ref]
    cell.value = text
    cell.data_type = "s"
    wb.save(path)
    return path


def xlsxwriter_copy(src: Path, dest: Path, formulas: dict[str, str], values: dict[str, Any]) -> Path:
    """The template rewritten cell by cell with XlsxWriter (as some tools save returns), plus
    ``formulas`` written with XlsxWriter's placeholder result 0 and ``values`` on the return sheet.

    XlsxWriter cannot compute a formula: it saves 0 as the result and asks for fullCalcOnLoad.
    """
    wb = openpyxl.load_workbook(src)
    out = xlsxwriter.Workbook(str(dest))
    for ws in wb.worksheets:
        sheet = out.add_worksheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
        if ws.title == SHEET:
            for ref, value in values.items():
                sheet.write(ref, value)
            for ref, formula in formulas.items():
                sheet.write_formula(ref, formula)  # saved result: 0
        if ws.sheet_state != "visible":
            sheet.hide()
    out.close()
    return dest


def sheet_rows(path: Path, sheet: str = SHEET) -> list[list[Any]]:
    return [list(row) for row in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def write_ods(path: Path, sheets: list[tuple[str, list[list[Any]]]]) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (content.xml in a zip)."""

    def cell(v: Any) -> str:
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, int | float) and not isinstance(v, bool):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")  # stored, first
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def as_xlsm(src: Path, dest: Path) -> Path:
    """The workbook as a macro-enabled .xlsm (its content type says so; it holds no macro)."""
    xlsx = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    xlsm = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                assert xlsx in data
                data = data.replace(xlsx, xlsm)
            zout.writestr(info, data)
    return dest


# -- 1. hidden sheets --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_is_not_data(rdb: Db, tmp_path: Path, state: str) -> None:
    """A June workbook with a prefilled July sheet hidden away: only June is read."""
    path, at = suzhou(rdb, tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[SHEET][at.this_month] = 3
    july = wb.copy_worksheet(wb[SHEET])
    july.title = "7月(预填)"
    july["B3"] = "2020-07"
    july[at.this_month] = 5
    july.sheet_state = state
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3
    assert amount(rdb, TMT, "suzhou", "2020-07") is None
    assert [(b["unit"], b["month"], b["sheet"]) for b in history(rdb)] == [("suzhou", "2020-06", SHEET)]
    assert share(status_json(rdb, "2020-07"), TMT, "苏州市")["actual"] == 3


# -- 2. 累计 against the earlier months -----------------------------------------------------------

CONFLICTS = [
    # May 本月, June 本月, June 累计: the 累计 is below May + June
    pytest.param(8, 17, 17, id="8+17!=17"),  # the issue: 8 + 17 = 25, not 17
    pytest.param(8, 3, 10, id="8+3!=10"),  # 11 > 10
    pytest.param(8, None, 6, id="cumulative-only-6<8"),  # June says 6 in all, May alone was 8
]


def _may_then_june(db: Db, tmp_path: Path, may: float) -> tuple[Path, Place]:
    may_path, at = suzhou(db, tmp_path, "may.xlsx", "2020-05")
    ok(kc(db, "import", fill(may_path, {at.this_month: may})))
    return suzhou(db, tmp_path, "june.xlsx", "2020-06")


@pytest.mark.parametrize(("may", "june", "cumulative"), CONFLICTS)
def test_cumulative_that_contradicts_earlier_months_is_refused(
    rdb: Db, tmp_path: Path, may: int, june: int | None, cumulative: int
) -> None:
    path, at = _may_then_june(rdb, tmp_path, may)
    fill(path, {at.this_month: june, at.cumulative: cumulative})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.cumulative}")
    assert amount(rdb, TMT, "suzhou", "2020-06") is None
    assert amount(rdb, TMT, "suzhou", "2020-05") == may


def test_cumulative_that_agrees_with_earlier_months_lands(rdb: Db, tmp_path: Path) -> None:
    """May 8, June 本月 9 and 累计 17: 8 + 9 = 17, no word said."""
    path, at = _may_then_june(rdb, tmp_path, 8)
    result = ok(kc(rdb, "import", fill(path, {at.this_month: 9, at.cumulative: 17})))
    assert "警告" not in result.stderr
    assert amount(rdb, TMT, "suzhou", "2020-06") == 9
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


def test_cumulative_above_the_months_reported_is_a_warning(rdb: Db, tmp_path: Path) -> None:
    """May 8, June 本月 5 and 累计 20: 8 + 5 = 13, so 7 are missing from some earlier month."""
    path, at = _may_then_june(rdb, tmp_path, 8)
    result = kc(rdb, "import", fill(path, {at.this_month: 5, at.cumulative: 20}))
    warned(result, f"{path}!{SHEET}!{at.cumulative}")
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


# -- 3. a cumulative-only month follows corrections ----------------------------------------------


def test_cumulative_only_month_is_rederived_when_an_earlier_month_is_corrected(rdb: Db, tmp_path: Path) -> None:
    may, at = suzhou(rdb, tmp_path, "may.xlsx", "2020-05")
    ok(kc(rdb, "import", fill(may, {at.this_month: 8})))
    june, at = suzhou(rdb, tmp_path, "june.xlsx", "2020-06")
    ok(kc(rdb, "import", fill(june, {at.cumulative: 17})))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 9  # 17 - 8

    corrected, at = suzhou(rdb, tmp_path, "may-v2.xlsx", "2020-05")
    fill(corrected, {at.this_month: 10})
    before = db_files(rdb)
    dry = json.loads(ok(kc(rdb, "import", corrected, "--replace", "--dry-run", "--format", "json")).stdout)
    assert db_files(rdb) == before
    changes = {(c["code"], c["unit"], c["month"]): (c["old"], c["new"], c["change"]) for c in dry["changes"]}
    assert changes[(TMT, "苏州市", "2020-05")] == (8, 10, "changed")
    assert changes[(TMT, "苏州市", "2020-06")] == (9, 7, "changed")  # 17 - 10

    ok(kc(rdb, "import", corrected, "--replace"))
    assert amount(rdb, TMT, "suzhou", "2020-05") == 10
    assert amount(rdb, TMT, "suzhou", "2020-06") == 7
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


# -- 4. a formula nobody computed -----------------------------------------------------------------


@pytest.mark.parametrize("column", ["this_month", "cumulative"])
def test_formula_never_computed_is_never_read_as_zero(rdb: Db, tmp_path: Path, column: str) -> None:
    """XlsxWriter saved ``=J6+K6`` (2 + 3) with the placeholder result 0 and fullCalcOnLoad.

    Acceptable: refused at the cell with advice to open and save it in Excel / WPS, or 5.
    Never 0.  (J and K, not the issue's H and I: H is now the template's 上月累计.)
    """
    src, at = suzhou(rdb, tmp_path)
    ref = getattr(at, column)
    path = xlsxwriter_copy(
        src, tmp_path / "xw.xlsx", {ref: f"=J{at.row}+K{at.row}"}, {f"J{at.row}": 2, f"K{at.row}": 3}
    )
    with zipfile.ZipFile(path) as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
        assert f'<c r="{ref}"><f>J{at.row}+K{at.row}</f><v>0</v></c>'.encode() in z.read("xl/worksheets/sheet1.xml")
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 1:
        refused(rdb, result, before, f"{path}!{SHEET}!{ref}")
        assert "Excel" in result.stderr or "WPS" in result.stderr
    else:
        ok(result)
        assert amount(rdb, TMT, "suzhou", "2020-06") == 5


# -- 5, 6, 7. commas, percentages, magnitudes --------------------------------------------------


@pytest.mark.parametrize("typed", ["1,5", "12,34", "1,2345", "1,5个"])
def test_comma_that_is_not_a_thousands_separator_is_refused(rdb: Db, tmp_path: Path, typed: str) -> None:
    """A comma only separates thousands, in groups of three: "1,5" may be 1.5 or 15."""
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


@pytest.mark.parametrize("typed", ["85%", "50％"])
def test_percentage_in_a_count_is_refused(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


PATENT_FIGURES = [
    ("0.012亿", 1_200_000),  # 0.012 × 100,000,000
    ("1.5万", 15_000),
    ("1,500", 1_500),
    ("12,000条", 12_000),
]


@pytest.mark.parametrize(("typed", "value"), PATENT_FIGURES, ids=[p[0] for p in PATENT_FIGURES])
def test_patent_pushes_in_magnitudes_and_thousands(rdb: Db, tmp_path: Path, typed: str, value: int) -> None:
    """专利信息推送 (1,500,000 in the year) is where 万 and 亿 are plausible."""
    path = template(rdb, tmp_path / "eic.xlsx", "企业创新服务中心", "2020-06")
    at = place(path, PATENT)
    ok(kc(rdb, "import", fill(path, {at.this_month: typed})))
    assert amount(rdb, PATENT, EIC, "2020-06") == value


def test_hundred_million_teams_never_land_as_a_fraction(rdb: Db, tmp_path: Path) -> None:
    """0.15亿 teams is 15,000,000: refused, or at least a warning that --strict refuses; never 0.15."""
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: "0.15亿"})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path, "--strict"), before, f"{path}!{SHEET}!{at.this_month}")
    result = kc(rdb, "import", path)
    no_traceback(result)
    if result.exit_code == 0:
        warned(result, f"{path}!{SHEET}!{at.this_month}")
        assert amount(rdb, TMT, "suzhou", "2020-06") == 15_000_000
    else:
        refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")


# -- 8. overflow ------------------------------------------------------------------------------


def _all_finite(db: Db) -> None:
    for table in ("current_value", "month_total"):
        for (value,) in query(db, f"SELECT value FROM {table}"):
            assert math.isfinite(value), (table, value)
    data = strict_json(ok(kc(db, "status", "--format", "json", "--as-of", "2020-06")).stdout)
    assert all(math.isfinite(t["actual"]) for t in data["targets"])
    ok(kc(db, "status", "--as-of", "2020-06"))


def test_figures_whose_sum_overflows_are_refused_in_one_run(rdb: Db, tmp_path: Path) -> None:
    """1e308 in May and in June: their cumulative is beyond any float."""
    may, at = suzhou(rdb, tmp_path, "may.xlsx", "2020-05")
    june, _ = suzhou(rdb, tmp_path, "june.xlsx", "2020-06")
    fill(may, {at.this_month: 1e308})
    fill(june, {at.this_month: 1e308})
    before = db_files(rdb)
    result = kc(rdb, "import", may, june)
    assert result.exit_code == 1, result.stderr
    no_traceback(result)
    assert db_files(rdb) == before
    _all_finite(rdb)


def test_overflow_across_two_imports_is_refused_and_status_still_works(rdb: Db, tmp_path: Path) -> None:
    may, at = suzhou(rdb, tmp_path, "may.xlsx", "2020-05")
    ok_or_refused = kc(rdb, "import", fill(may, {at.this_month: 1e308}))
    no_traceback(ok_or_refused)
    assert ok_or_refused.exit_code in (0, 1)
    june, at = suzhou(rdb, tmp_path, "june.xlsx", "2020-06")
    fill(june, {at.this_month: 1e308})
    before = db_files(rdb)
    result = kc(rdb, "import", june)
    assert result.exit_code == 1, result.stderr  # May landed (so the sum overflows) or May itself was refused
    no_traceback(result)
    assert db_files(rdb) == before
    assert amount(rdb, TMT, "suzhou", "2020-06") is None
    _all_finite(rdb)


def test_overflow_by_record_is_refused(rdb: Db) -> None:
    first = kc(rdb, "record", TMT, "1e308", "--month", "2020-05", "--unit", "苏州")
    no_traceback(first)
    before = db_files(rdb)
    second = kc(rdb, "record", TMT, "1e308", "--month", "2020-06", "--unit", "苏州")
    assert second.exit_code in (1, 2), second.output
    no_traceback(second)
    assert db_files(rdb) == before
    _all_finite(rdb)


def test_a_number_beyond_float_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: "1" + "0" * 400})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")
    _all_finite(rdb)


# -- 9. whole numbers -----------------------------------------------------------------------


def test_record_refuses_a_fraction_of_a_team(rdb: Db) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "2.5", "--month", "2020-06", "--unit", "苏州")
    assert result.exit_code in (1, 2), result.output
    no_traceback(result)
    assert "2.5" in result.stderr
    assert db_files(rdb) == before


@pytest.mark.parametrize("typed", ["2.5", 2.5, "0.5个"], ids=["text", "number", "with-unit"])
def test_cell_refuses_a_fraction_of_a_team(rdb: Db, tmp_path: Path, typed: Any) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: typed})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path), before, f"{path}!{SHEET}!{at.this_month}")


# -- 10. headings -----------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["本月完成数", "本月完成数量"])
def test_reworded_this_month_heading_is_read(rdb: Db, tmp_path: Path, heading: str) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {f"{at.this_month_col}{HEADER_ROW}": heading, at.this_month: 7})
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 7
    [batch] = history(rdb)
    assert [r["cell"] for r in batch["records"] if r["target"] == TMT] == [f"{SHEET}!{at.this_month}"]


@pytest.mark.parametrize("heading", ["填报数据", "数值"])
def test_figures_under_an_unknown_heading_are_named(rdb: Db, tmp_path: Path, heading: str) -> None:
    """A column of figures nobody can place is named, never dropped with "0 returns" and exit 0 silently.

    (The issue's example, 本期数值, is not used: kctrack's table of headings reads 本期 as 本月.)
    """
    path, at = suzhou(rdb, tmp_path)
    fill(path, {f"{at.this_month_col}{HEADER_ROW}": heading, at.this_month: 7})
    result = kc(rdb, "import", path)
    no_traceback(result)
    assert heading in result.stderr, result.stderr
    assert f"{path}!{SHEET}!{at.this_month_col}" in result.stderr, result.stderr


# -- 11. a two-row header -----------------------------------------------------------------------


def two_row_header(path: Path, this_month: Any, cumulative: Any, sub: tuple[str, str]) -> Path:
    """Labels on rows 1–2; header on rows 4–5 with 完成情况 merged over 本月 / 累计; data on row 6."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "六月"
    ws["A1"], ws["B1"] = "填报单位", "苏州市"
    ws["A2"], ws["B2"] = "月份", "2020-06"
    for col, text in zip("ABCDG", ("指标编号", "指标名称", "计量单位", "本单位任务", "备注"), strict=True):
        ws[f"{col}4"] = text
        ws.merge_cells(f"{col}4:{col}5")
    ws["E4"] = "完成情况"
    ws.merge_cells("E4:F4")
    ws["E5"], ws["F5"] = sub
    for col, value in zip("ABCDEF", (TMT, "技术经理人团队", "个", 25, this_month, cumulative), strict=True):
        ws[f"{col}6"] = value
    wb.save(path)
    return path


TWO_ROW = [
    pytest.param(4, 4, ("本月", "累计"), 4, "E6", id="both"),
    pytest.param(None, 6, ("本月", "累计"), 6, "F6", id="cumulative-only"),
    pytest.param(3, None, ("本月完成", "累计完成"), 3, "E6", id="full-words"),
]


@pytest.mark.parametrize(("this_month", "cumulative", "sub", "value", "cell"), TWO_ROW)
def test_two_row_header_is_read(
    rdb: Db, tmp_path: Path, this_month: Any, cumulative: Any, sub: tuple[str, str], value: int, cell: str
) -> None:
    path = two_row_header(tmp_path / "two-rows.xlsx", this_month, cumulative, sub)
    ok(kc(rdb, "import", path))
    assert amount(rdb, TMT, "suzhou", "2020-06") == value
    [batch] = history(rdb)
    assert [r["cell"] for r in batch["records"]] == [f"六月!{cell}"]


# -- 12, 13. formula results ----------------------------------------------------------------------

ERRORS = [("#REF!", "#REF!+1"), ("#N/A", "NA()"), ("#DIV/0!", "1/0")]


@pytest.mark.parametrize(("error", "formula"), ERRORS, ids=[e[0] for e in ERRORS])
def test_saved_formula_error_is_named(rdb: Db, tmp_path: Path, error: str, formula: str) -> None:
    """A figure cell whose formula shows an error, as Excel saved it: refused, naming the error."""
    src, at = suzhou(rdb, tmp_path)
    path = with_cell_xml(
        src, tmp_path / "err.xlsx", at.this_month, f'<c r="{at.this_month}" t="e"><f>{formula}</f><v>{error}</v></c>'
    )
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")
    assert error in result.stderr


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!"])
def test_error_text_typed_is_named(rdb: Db, tmp_path: Path, error: str) -> None:
    """The same text typed (a string, not an error cell): refused the same way, not skipped as blank."""
    path, at = suzhou(rdb, tmp_path)
    type_text(path, at.this_month, error)
    with zipfile.ZipFile(path) as z:
        assert b't="e"' not in z.read("xl/worksheets/sheet1.xml")
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    refused(rdb, result, before, f"{path}!{SHEET}!{at.this_month}")
    assert error in result.stderr


@pytest.mark.parametrize("formula", ['""', 'IF(1>2,1,"")'])
def test_formula_showing_an_empty_string_is_a_blank(rdb: Db, tmp_path: Path, formula: str) -> None:
    """本月 is a formula whose saved result is "" (no fullCalcOnLoad); 累计 says 4: June is 4, not 0."""
    src, at = suzhou(rdb, tmp_path)
    fill(src, {at.cumulative: 4})
    cell = f'<c r="{at.this_month}" t="str"><f>{escape(formula)}</f><v></v></c>'
    path = with_cell_xml(src, tmp_path / "empty.xlsx", at.this_month, cell, drop_full_calc=True)
    with zipfile.ZipFile(path) as z:
        assert b"fullCalcOnLoad" not in z.read("xl/workbook.xml")
    result = ok(kc(rdb, "import", path))
    assert "警告" not in result.stderr  # a 本月 of 0 under 累计 4 would be a gap
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


# -- 14, 15. long sheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("merge_month", [False, True], ids=["code-merged", "code-and-month-merged"])
def test_long_sheet_with_the_code_merged_down_over_thirteen_cities(rdb: Db, tmp_path: Path, merge_month: bool) -> None:
    figures = {code: i % 6 + 1 for i, code in enumerate(CITIES)}  # 1…6, 1…6, 1: within every quota (6 or more)
    path = long_workbook(tmp_path / "汇总.xlsx", [(TMT, CITIES[c], "2020-06", n) for c, n in figures.items()])
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    ws.merge_cells("A2:A14")
    if merge_month:
        ws.merge_cells("C2:C14")
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert {c: amount(rdb, TMT, c, "2020-06") for c in CITIES} == figures
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 43  # 21 + 21 + 1


@pytest.mark.parametrize("label", ["合计", "总计"])
def test_total_line_equal_to_its_rows_is_skipped_silently(rdb: Db, tmp_path: Path, label: str) -> None:
    path = long_workbook(
        tmp_path / "汇总.xlsx",
        [(TMT, "苏州", "2020-06", 4), (TMT, "无锡", "2020-06", 3), (TMT, label, "2020-06", 7)],
    )
    result = ok(kc(rdb, "import", path))
    assert "警告" not in result.stderr
    assert (amount(rdb, TMT, "suzhou", "2020-06"), amount(rdb, TMT, "wuxi", "2020-06")) == (4, 3)
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 7  # not 14


@pytest.mark.parametrize("label", ["合计", "总计"])
def test_total_line_that_differs_is_a_warning(rdb: Db, tmp_path: Path, label: str) -> None:
    path = long_workbook(
        tmp_path / "汇总.xlsx",
        [(TMT, "苏州", "2020-06", 4), (TMT, "无锡", "2020-06", 3), (TMT, label, "2020-06", 9)],
    )
    result = ok(kc(rdb, "import", path))
    lines = [line for line in result.stderr.splitlines() if "警告" in line]
    assert any(f"{path}!汇总!D4" in line or f"{path}!汇总!B4" in line for line in lines), result.stderr
    assert (amount(rdb, TMT, "suzhou", "2020-06"), amount(rdb, TMT, "wuxi", "2020-06")) == (4, 3)
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 7  # the rows count, the total does not


# -- 16. month labels --------------------------------------------------------------------------

JULY = ["2020年7月份", "2020年07月份", "二〇二〇年七月", "7月份", "七月", "Jul 2020", "July 2020"]


@pytest.mark.parametrize("typed", JULY)
def test_july_typed_in_the_templates_month_cell(rdb: Db, tmp_path: Path, typed: str) -> None:
    """A template made without a month, the month typed by the unit."""
    path, at = suzhou(rdb, tmp_path, month=None)
    ok(kc(rdb, "import", fill(path, {"B3": typed, at.this_month: 4})))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-07")
    assert amount(rdb, TMT, "suzhou", "2020-07") == 4


@pytest.mark.parametrize("typed", JULY)
def test_july_in_a_long_sheet(rdb: Db, tmp_path: Path, typed: str) -> None:
    path = long_workbook(tmp_path / "long.xlsx", [(TMT, "苏州", typed, 4)])
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-07")


# -- 17. labels in one cell, on a copy ---------------------------------------------------------------

ONE_CELL = [
    ("填报单位：苏州市科协", "月份：2020年6月"),
    ("填报单位:苏州", "月份: 2020-06"),
]


@pytest.mark.parametrize(("unit_cell", "month_cell"), ONE_CELL)
def test_labels_in_one_cell_on_a_copy_without_the_hidden_sheet(
    rdb: Db, tmp_path: Path, unit_cell: str, month_cell: str
) -> None:
    src, at = suzhou(rdb, tmp_path)
    path = visible_copy(src, tmp_path / "copy.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == [SHEET]
    fill(path, {"A2": unit_cell, "B2": None, "A3": month_cell, "B3": None, at.this_month: 5})
    ok(kc(rdb, "import", path))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"]) == ("suzhou", "2020-06")
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


# -- 18. other file kinds in a folder -------------------------------------------------------------


def test_folder_reads_an_xlsm_return(rdb: Db, tmp_path: Path) -> None:
    src, at = suzhou(rdb, tmp_path)
    folder = tmp_path / "returns"
    folder.mkdir()
    as_xlsm(fill(src, {at.this_month: 5}), folder / "苏州.xlsm")
    wuxi = template(rdb, tmp_path / "wx.xlsx", "无锡", "2020-06")
    fill(wuxi, {place(wuxi).this_month: 4}, dest=folder / "无锡.xlsx")
    ok(kc(rdb, "import", folder))
    assert (amount(rdb, TMT, "suzhou", "2020-06"), amount(rdb, TMT, "wuxi", "2020-06")) == (5, 4)


def test_folder_reads_a_hand_built_ods_return(rdb: Db, tmp_path: Path) -> None:
    """The template's values in an OpenDocument file, as LibreOffice or WPS may save it."""
    src = template(rdb, tmp_path / "cz.xlsx", "常州", "2020-06")
    at = place(src)
    fill(src, {at.this_month: 3})
    folder = tmp_path / "returns"
    folder.mkdir()
    write_ods(folder / "常州.ods", [(SHEET, sheet_rows(src))])
    ok(kc(rdb, "import", folder))
    assert amount(rdb, TMT, "changzhou", "2020-06") == 3


def test_folder_reads_xls_and_ods_saved_by_libreoffice(rdb: Db, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: no way to write .xls / .ods from the test")
    folder = tmp_path / "returns"
    folder.mkdir()
    for unit, fmt, n in (("无锡", "xls", 4), ("常州", "ods", 3)):
        src = template(rdb, tmp_path / f"{unit}.xlsx", unit, "2020-06")
        fill(src, {place(src).this_month: n})
        subprocess.run(
            [soffice, "--headless", "--convert-to", fmt, "--outdir", str(folder), str(src)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert (folder / f"{unit}.{fmt}").exists()
    ok(kc(rdb, "import", folder))
    assert (amount(rdb, TMT, "wuxi", "2020-06"), amount(rdb, TMT, "changzhou", "2020-06")) == (4, 3)


def test_folder_names_every_file_it_does_not_read(rdb: Db, tmp_path: Path) -> None:
    """A WPS .et that is random bytes and a .txt beside a good .xlsm: each is named, with a reason."""
    src, at = suzhou(rdb, tmp_path)
    folder = tmp_path / "returns"
    folder.mkdir()
    as_xlsm(fill(src, {at.this_month: 5}), folder / "苏州.xlsm")
    (folder / "南京.et").write_bytes(random.Random(71).randbytes(4096))
    (folder / "说明.txt").write_text("本月月报见附件。\n", encoding="utf-8")
    before = db_files(rdb)
    result = kc(rdb, "import", folder)
    no_traceback(result)
    for name in ("南京.et", "说明.txt"):
        assert re.search(re.escape(name) + r"\S*\s*[:：]\s*\S", result.stderr), (name, result.stderr)
    if result.exit_code == 0:
        assert amount(rdb, TMT, "suzhou", "2020-06") == 5
    else:
        assert result.exit_code == 1
        assert db_files(rdb) == before


# -- 19. nil returns -------------------------------------------------------------------------------


@pytest.mark.parametrize(("unit", "code"), [("苏州", "suzhou"), ("人才服务中心", "talent_centre")])
def test_blank_template_is_a_nil_return(rdb: Db, tmp_path: Path, unit: str, code: str) -> None:
    """Nothing to report this month: the unit sends its template blank, on time."""
    path = template(rdb, tmp_path / "blank.xlsx", unit, "2020-06")
    assert returns_grid(rdb)[code]["2020-06"] != "received"
    ok(kc(rdb, "import", path, "--received", "2020-07-05"))
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"], batch["records"]) == (code, "2020-06", [])
    assert returns_grid(rdb)[code]["2020-06"] == "received"
    assert counts(rdb) == {"batch": 1, "record": 0, "current_value": 0}


# -- 20. far above the quota -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", [1234, "1,234"], ids=["number", "text"])
def test_figure_far_above_the_quota_is_a_warning(rdb: Db, tmp_path: Path, typed: Any) -> None:
    """1,234 teams in a month against 苏州's quota of 25 (and 200 for the whole province)."""
    path, at = suzhou(rdb, tmp_path)
    result = kc(rdb, "import", fill(path, {at.this_month: typed}))
    warned(result, f"{path}!{SHEET}!{at.this_month}")
    assert amount(rdb, TMT, "suzhou", "2020-06") == 1234


def test_warning_in_english(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    result = kc(rdb, "--lang", "en", "import", fill(path, {at.this_month: 1234}))
    warned(result, f"{path}!{SHEET}!{at.this_month}", "warning")


def test_strict_turns_the_warning_into_a_refusal(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: 1234})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", path, "--strict"), before, f"{path}!{SHEET}!{at.this_month}")


# -- 21. options against the sheet -----------------------------------------------------------------


def test_unit_option_contradicting_the_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path, "苏州.xlsx")
    fill(path, {at.this_month: 5})
    before = db_files(rdb)
    result = kc(rdb, "import", path, "--unit", "南京")
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert str(path) in result.stderr
    assert "南京" in result.stderr and "苏州" in result.stderr
    assert db_files(rdb) == before


def test_month_option_contradicting_the_sheet_is_refused(rdb: Db, tmp_path: Path) -> None:
    path, at = suzhou(rdb, tmp_path)
    fill(path, {at.this_month: 5})
    before = db_files(rdb)
    result = kc(rdb, "import", path, "--month", "2020-07")
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert str(path) in result.stderr
    assert "2020-07" in result.stderr and "2020-06" in result.stderr
    assert db_files(rdb) == before


def test_options_that_agree_with_the_sheet_are_accepted(rdb: Db, tmp_path: Path) -> None:
    """The same unit and month, spelt another way (one parser for options and cells)."""
    path, at = suzhou(rdb, tmp_path)
    ok(kc(rdb, "import", fill(path, {at.this_month: 5}), "--unit", "苏州市科协", "--month", "2020/6"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 5


# -- runs and undo -----------------------------------------------------------------------------------


def test_undo_a_run_reverts_every_return_it_imported(rdb: Db, tmp_path: Path) -> None:
    sz, at = suzhou(rdb, tmp_path)
    fill(sz, {at.this_month: 5})
    wx = template(rdb, tmp_path / "wx.xlsx", "无锡", "2020-06")
    fill(wx, {place(wx).this_month: 4})
    data = json.loads(ok(kc(rdb, "import", sz, wx, "--format", "json")).stdout)
    run = data["run"]
    assert isinstance(run, int) and not isinstance(run, bool)
    ok(kc(rdb, "record", TMT, "2", "--month", "2020-07", "--unit", "常州"))
    cz = template(rdb, tmp_path / "cz.xlsx", "常州", "2020-06")
    later = json.loads(ok(kc(rdb, "import", fill(cz, {place(cz).this_month: 1}), "--format", "json")).stdout)
    assert later["run"] != run
    batches = history(rdb)
    assert sorted((b["kind"], r["unit"], r["month"], b["run"]) for b in batches for r in b["records"]) == [
        ("import", "changzhou", "2020-06", later["run"]),
        ("import", "suzhou", "2020-06", run),
        ("import", "wuxi", "2020-06", run),
        ("record", "changzhou", "2020-07", None),  # a record is no run
    ]

    before = db_files(rdb)
    ok(kc(rdb, "undo", "--run", run, "--dry-run"))
    assert db_files(rdb) == before

    ok(kc(rdb, "undo", "--run", run))
    assert amount(rdb, TMT, "suzhou", "2020-06") is None
    assert amount(rdb, TMT, "wuxi", "2020-06") is None
    assert amount(rdb, TMT, "changzhou", "2020-06") == 1
    assert amount(rdb, TMT, "changzhou", "2020-07") == 2
    assert target_row(status_json(rdb, "2020-07"), TMT)["actual"] == 3  # 常州's 1 + 2
    states = {b["unit"]: b["state"] for b in history(rdb) if b["run"] == run}
    assert states == {"suzhou": "undone", "wuxi": "undone"}


# -- dry-run values --------------------------------------------------------------------------------


def test_dry_run_shows_a_large_figure_exactly(rdb: Db, tmp_path: Path) -> None:
    """Every unit of measure in the plan is a whole count, so the exact-value case is a large count."""
    path = template(rdb, tmp_path / "eic.xlsx", "企业创新服务中心", "2020-06")
    fill(path, {place(path, PATENT).this_month: 1234567})
    before = db_files(rdb)
    table = ok(kc(rdb, "import", path, "--dry-run")).stdout
    assert "1234567" in table or "1,234,567" in table, table
    assert "e+" not in table
    data = json.loads(ok(kc(rdb, "import", path, "--dry-run", "--format", "json")).stdout)
    [change] = [c for c in data["changes"] if c["code"] == PATENT]
    assert (change["new"], change["change"]) == (1234567, "new")
    assert db_files(rdb) == before


# -- one parser: the command line like the cells ---------------------------------------------------


@pytest.mark.parametrize("month", ["2020-06", "2020/6", "6月", "2020年6月份"])
def test_record_month_forms(rdb: Db, month: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", month, "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3


@pytest.mark.parametrize("as_of", ["2020/6", "6月", "2020年6月份"])
def test_status_as_of_forms(rdb: Db, as_of: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-06", "--unit", "苏州"))
    data = status_json(rdb, as_of)
    assert data["as_of"] == "2020-06"
    assert share(data, TMT, "苏州市")["actual"] == 3


def test_record_value_with_a_unit_word(rdb: Db) -> None:
    ok(kc(rdb, "record", TMT, "3个", "--month", "2020-06", "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3
