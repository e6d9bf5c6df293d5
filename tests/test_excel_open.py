"""Opening every kind of return workbook, and what its cells really hold (kctrack/excel.py).

Every workbook is built in the test: with openpyxl, XlsxWriter, by editing a
saved sheet's XML, by writing an .ods by hand, or (when LibreOffice is
installed) by converting with ``soffice``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from returns_helpers import soffice_convert

from kctrack.errors import DataError
from kctrack.excel import expand_paths, open_workbook
from kctrack.i18n import tr

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _book(path: Path, rows: list[tuple[Any, ...]], title: str = "月报") -> Path:
    """A one-sheet workbook saved by openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rezip(source: Path, dest: Path, patch: dict[str, Any]) -> Path:
    """Copy a zip member by member, replacing some members (a callable gets the old text)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in patch:
                new = patch[info.filename]
                data = (new(data.decode()) if callable(new) else new).encode()
            zout.writestr(info, data)
    return dest


def _with_sheet_data(source: Path, dest: Path, sheet_data: str, full_calc: bool = False) -> Path:
    """The workbook with sheet1's cells replaced by hand-written XML (as Excel would save them)."""

    def cells(xml: str) -> str:
        head, _, rest = xml.partition("<sheetData")
        return head + sheet_data + rest.partition("</sheetData>")[2] if "</sheetData>" in rest else xml

    def calc(xml: str) -> str:
        return xml if full_calc else xml.replace(' fullCalcOnLoad="1"', "")

    return _rezip(source, dest, {"xl/worksheets/sheet1.xml": cells, "xl/workbook.xml": calc})


def _refused(path: Path, key: str) -> DataError:
    with pytest.raises(DataError) as caught:
        open_workbook(path)
    assert caught.value.key == key, caught.value
    assert str(caught.value).startswith(f"{path}"), str(caught.value)
    return caught.value


# -- sheets -------------------------------------------------------------------------------


def test_hidden_and_very_hidden_sheets_are_not_data(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["指标编号", "本月完成"])
    spare = wb.create_sheet("旧表")
    spare.append(["指标编号", "本月完成"])
    spare.sheet_state = "hidden"
    meta = wb.create_sheet("_kctrack")
    meta.append(["unit", "苏州"])
    meta.sheet_state = "veryHidden"
    wb.create_sheet("_notes").append(["visible, but named as kctrack's own"])
    wb.save(tmp_path / "r.xlsx")

    book = open_workbook(tmp_path / "r.xlsx")

    assert [s.name for s in book.sheets] == ["月报"]
    assert set(book.hidden) == {"旧表", "_kctrack", "_notes"}
    assert book.hidden["_kctrack"] == [["unit", "苏州"]]
    assert book.kind == "xlsx"


def test_a_chart_sheet_is_neither_data_nor_hidden(tmp_path: Path) -> None:
    path = tmp_path / "chart.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("月报").write("A1", 5)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=月报!$A$1:$A$1"})
    wb.add_chartsheet("图表").set_chart(chart)
    wb.close()

    book = open_workbook(path)

    assert [s.name for s in book.sheets] == ["月报"]
    assert book.hidden == {}


def test_merged_ranges_are_reported(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "苏州市科技局月报"
    ws.merge_cells("A1:C1")
    ws["B3"] = 5
    ws.merge_cells("B3:B5")
    wb.save(tmp_path / "m.xlsx")

    (sheet,) = open_workbook(tmp_path / "m.xlsx").sheets

    assert sorted(sheet.merged) == [(0, 0, 0, 2), (2, 1, 4, 1)]
    assert sheet.rows[0][0] == "苏州市科技局月报"
    assert sheet.rows[2][1] == 5


# -- what formula cells hold --------------------------------------------------------------

# Row 1: a saved number, no saved result, a saved #REF!, an empty-string result, a text result.
# Row 2: a typed #N/A (no formula), an array formula over B2:C2, cells without r="…".
SHEET_DATA = (
    "<sheetData>"
    '<row r="1">'
    '<c r="A1"><f>2*5</f><v>10</v></c>'
    '<c r="B1"><f>A1*2</f><v/></c>'
    '<c r="C1" t="e"><f>#REF!*2</f><v>#REF!</v></c>'
    '<c r="D1" t="str"><f>IF(A1&gt;0,"","x")</f><v></v></c>'
    '<c r="E1" t="str"><f>"苏州"</f><v>苏州</v></c>'
    "</row>"
    '<row r="2">'
    '<c r="A2" t="e"><v>#N/A</v></c>'
    '<c r="B2"><f t="array" ref="B2:C2">A1:B1*1</f><v>10</v></c>'
    '<c r="C2" t="e"><v>#VALUE!</v></c>'
    "</row>"
    "<row>"
    '<c t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    "<c><v>7</v></c>"
    "</row>"
    "</sheetData>"
)


def test_each_kind_of_formula_result_is_told(tmp_path: Path) -> None:
    source = _book(tmp_path / "plain.xlsx", [(1,)])
    path = _with_sheet_data(source, tmp_path / "formulas.xlsx", SHEET_DATA)

    book = open_workbook(path)
    (sheet,) = book.sheets

    assert sheet.formulas == {
        (0, 0): "value",
        (0, 1): "none",
        (0, 2): "error",
        (0, 3): "empty",
        (0, 4): "value",
        (1, 1): "value",
        (1, 2): "error",
        (2, 0): "error",
    }
    assert book.recalc_on_load is False


def test_saved_errors_read_as_their_text_and_empty_results_as_blank(tmp_path: Path) -> None:
    """calamine gives "" for an error cell: the XML pass puts "#REF!" back, formula or not."""
    source = _book(tmp_path / "plain.xlsx", [(1,)])
    (sheet,) = open_workbook(_with_sheet_data(source, tmp_path / "formulas.xlsx", SHEET_DATA)).sheets

    assert sheet.rows[0] == [10, "", "#REF!", "", "苏州"]
    assert sheet.rows[1] == ["#N/A", 10, "#VALUE!", "", ""]
    assert sheet.rows[2] == ["#DIV/0!", 7, "", "", ""]


def test_formulas_saved_by_openpyxl_have_no_result(tmp_path: Path) -> None:
    path = _book(tmp_path / "o.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", "=2+3")])

    book = open_workbook(path)

    assert book.sheets[0].formulas == {(1, 1): "none"}
    assert book.recalc_on_load is True  # openpyxl also asks Excel to recalculate on load


def test_a_workbook_without_formulas_has_none(tmp_path: Path) -> None:
    path = _book(tmp_path / "plain.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 5)])

    (sheet,) = open_workbook(path).sheets

    assert sheet.formulas == {}
    assert sheet.rows == [["指标编号", "本月完成"], ["TECH_MANAGER_TEAMS", 5]]


def test_recalc_on_load_marks_placeholder_results(tmp_path: Path) -> None:
    """XlsxWriter saves 0 as every formula's result and asks Excel to recalculate on load."""
    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("月报")
    ws.write_row("A1", ["指标编号", "本月完成"])
    ws.write("A2", "TECH_MANAGER_TEAMS")
    ws.write_formula("B2", "=2+3")
    wb.close()

    book = open_workbook(path)

    assert book.recalc_on_load is True
    assert book.sheets[0].formulas == {(1, 1): "value"}
    assert book.sheets[0].rows[1][1] == 0  # the placeholder, not 5


def test_a_damaged_formula_part_is_refused_with_the_reason(tmp_path: Path) -> None:
    source = _book(tmp_path / "plain.xlsx", [(1,)])
    broken = '<sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData><oops'
    path = _with_sheet_data(source, tmp_path / "broken.xlsx", broken)

    err = _refused(path, "xl_corrupt_detail")
    assert "工作簿无法读取" in err.render("zh")


# -- formats ------------------------------------------------------------------------------


def test_xlsm_is_read_like_xlsx(tmp_path: Path) -> None:
    source = _book(tmp_path / "plain.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", "=2+3")])
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    path = _rezip(
        source,
        tmp_path / "return.xlsm",
        {
            "[Content_Types].xml": lambda xml: xml.replace(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro
            )
        },
    )
    assert macro.encode() in zipfile.ZipFile(path).read("[Content_Types].xml")

    book = open_workbook(path)

    assert book.kind == "xlsx"
    assert book.sheets[0].rows[1][0] == "TECH_MANAGER_TEAMS"
    assert book.sheets[0].formulas == {(1, 1): "none"}


def test_xls_is_read(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["指标编号", "本月完成"])
    ws.append(["TECH_MANAGER_TEAMS", 5])
    ws.merge_cells("A4:B4")
    wb.create_sheet("旧表").sheet_state = "hidden"
    wb.save(tmp_path / "r.xlsx")
    path = soffice_convert(tmp_path / "r.xlsx", "xls", tmp_path / "out")
    assert path.read_bytes()[:8] == OLE_MAGIC

    book = open_workbook(path)

    assert book.kind == "xls"
    assert [s.name for s in book.sheets] == ["月报"]
    assert list(book.hidden) == ["旧表"]
    assert book.sheets[0].rows[:2] == [["指标编号", "本月完成"], ["TECH_MANAGER_TEAMS", 5]]
    assert book.sheets[0].merged == [(3, 0, 3, 1)]
    assert book.sheets[0].formulas == {}
    assert book.recalc_on_load is False

    named_et = tmp_path / "return.et"  # WPS: read by content, whatever the name
    named_et.write_bytes(path.read_bytes())
    assert open_workbook(named_et).sheets[0].rows[1] == ["TECH_MANAGER_TEAMS", 5]


# calamine's .ods reader refuses white space between the cells of a row ("Cannot detect file
# format"), as LibreOffice never writes it: each row stays on one line.
ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:automatic-styles>
 <style:style style:name="shown" style:family="table"><style:table-properties table:display="true"/></style:style>
 <style:style style:name="hidden" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
 <table:table table:name="月报" table:style-name="shown">
  <table:table-row>{STR}指标编号</text:p></table:table-cell>{STR}本月完成</text:p></table:table-cell></table:table-row>
  <table:table-row>{STR}TECH_MANAGER_TEAMS</text:p></table:table-cell><table:table-cell \
office:value-type="float" office:value="5"><text:p>5</text:p></table:table-cell></table:table-row>
 </table:table>
 <table:table table:name="_kctrack" table:style-name="hidden">
  <table:table-row>{STR}unit</text:p></table:table-cell>{STR}苏州</text:p></table:table-cell></table:table-row>
 </table:table>
</office:spreadsheet></office:body></office:document-content>
""".replace("{STR}", '<table:table-cell office:value-type="string"><text:p>')


def _ods(path: Path, content: str = ODS_CONTENT, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal OpenDocument spreadsheet: the mimetype first and stored, then content.xml."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def test_ods_is_read(tmp_path: Path) -> None:
    book = open_workbook(_ods(tmp_path / "return.ods"))

    assert book.kind == "ods"
    assert [s.name for s in book.sheets] == ["月报"]
    assert book.sheets[0].rows == [["指标编号", "本月完成"], ["TECH_MANAGER_TEAMS", 5]]
    assert book.sheets[0].merged == [] and book.sheets[0].formulas == {}
    assert book.hidden == {"_kctrack": [["unit", "苏州"]]}


def test_ods_saved_by_libreoffice_is_read(tmp_path: Path) -> None:
    source = _book(tmp_path / "r.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 5)])

    book = open_workbook(soffice_convert(source, "ods", tmp_path / "out"))

    assert book.kind == "ods"
    assert book.sheets[0].rows[:2] == [["指标编号", "本月完成"], ["TECH_MANAGER_TEAMS", 5]]


def test_ods_gets_the_same_doctype_and_bomb_checks(tmp_path: Path) -> None:
    entity = ODS_CONTENT.replace(
        "<office:document-content", '<!DOCTYPE x [<!ENTITY a "aaaa">]><office:document-content'
    )
    err = _refused(_ods(tmp_path / "entity.ods", entity), "xl_doctype")
    assert err.where == f"{tmp_path / 'entity.ods'}!content.xml"

    bomb = _ods(tmp_path / "bomb.ods", extra={"Thumbnails/pad.xml": b" " * (11 * 2**20)})
    _refused(bomb, "xl_bomb")


def test_an_opendocument_text_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "report.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    _refused(path, "xl_not_spreadsheet")


# -- OLE2 containers ----------------------------------------------------------------------


def _ole_with_streams(path: Path, *names: str) -> Path:
    """An OLE2 container whose directory names the given streams (names are stored in UTF-16LE)."""
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for name in names)
    path.write_bytes(OLE_MAGIC + b"\0" * 504 + directory + b"\0" * 1024)
    return path


def test_an_encrypted_xlsx_is_refused_whatever_its_name(tmp_path: Path) -> None:
    for name in ("locked.xlsx", "locked.xls", "locked.et"):
        path = _ole_with_streams(tmp_path / name, "EncryptionInfo", "EncryptedPackage")
        err = _refused(path, "xl_ole")
        assert "取消密码" in err.render("zh")


def test_an_ole2_file_that_is_no_workbook(tmp_path: Path) -> None:
    """An old Word file named .et: not encrypted, calamine cannot read it — save it as .xlsx."""
    path = _ole_with_streams(tmp_path / "return.et", "WordDocument")
    err = _refused(path, "xl_unreadable")
    assert "另存为 .xlsx" in err.render("zh")
    assert "save it as .xlsx in WPS/Excel" in err.render("en")
    _refused(_ole_with_streams(tmp_path / "letter.doc", "WordDocument"), "xl_not_spreadsheet")


# -- which files of a folder --------------------------------------------------------------


def test_a_folder_gives_its_spreadsheets_and_says_why_each_other_file_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    good = _book(folder / "苏州.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 5)])
    (folder / "说明.txt").write_text("本月报送说明", encoding="utf-8")
    (folder / "data.csv").write_text("code,this_month\nTECH_MANAGER_TEAMS,5\n", encoding="utf-8")
    wps = folder / "无锡.et"
    wps.write_bytes(bytes(range(256)) * 8)
    (folder / "~$苏州.xlsx").write_bytes(b"\x07tester" + b"\0" * 155)
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "old").mkdir()
    with zipfile.ZipFile(folder / "会议纪要.docx", "w") as z:
        z.writestr("word/document.xml", "<w:document/>")

    read, skipped = expand_paths([folder])

    assert read == [wps, good]  # sorted by name: 无 (U+65E0) before 苏 (U+82CF)
    assert skipped == [
        (folder / "data.csv", "xl_csv"),
        (folder / "~$苏州.xlsx", "xl_lock_file"),
        (folder / "会议纪要.docx", "xl_not_spreadsheet"),
        (folder / "说明.txt", "xl_not_spreadsheet"),
    ]
    assert tr("xl_csv", "en").startswith("a CSV is not a return")
    assert open_workbook(good).sheets[0].rows[1] == ["TECH_MANAGER_TEAMS", 5]
    err = _refused(wps, "xl_unreadable")
    assert "save it as .xlsx in WPS/Excel" in err.render("en")


def test_files_named_on_the_command_line_are_always_attempted(tmp_path: Path) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text("hello", encoding="utf-8")
    csv = tmp_path / "data.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    lock = tmp_path / "~$r.xlsx"
    lock.write_bytes(b"\x07tester" + b"\0" * 155)

    assert expand_paths([txt, csv, lock]) == ([txt, csv, lock], [])
    _refused(txt, "xl_not_spreadsheet")
    _refused(csv, "xl_csv")
    _refused(lock, "xl_lock_file")


def test_every_new_message_says_what_and_how_in_both_languages() -> None:
    for key in ("xl_not_spreadsheet", "xl_csv", "xl_lock_file", "xl_unreadable"):
        zh, en = tr(key, "zh"), tr(key, "en")
        assert zh != key and en != key
        assert "：" in zh and ": " in en  # what is wrong: how to fix it


# -- a number shown as a percentage -------------------------------------------------------

PERCENT_FORMATS = {"B1": "0%", "C1": "0.00%", "D1": "0.0%;[Red]-0.0%", "E1": "[$-804]0%"}
NOT_PERCENT_FORMATS = {"F1": '0"%"', "G1": "0\\%", "H1": "[Red]0", "I1": "#,##0.##", "J1": "General"}


def _formatted(path: Path, formula: bool = False) -> Path:
    """A sheet of 1s in A1:J1, each with one number format; A1 a formula when asked."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=2-1" if formula else 1
    ws["A1"].number_format = "0%"
    for ref, fmt in {**PERCENT_FORMATS, **NOT_PERCENT_FORMATS}.items():
        ws[ref] = 1
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def test_cells_formatted_as_a_percentage_are_told(tmp_path: Path) -> None:
    """1 formatted 0% shows "100%": the cell is marked, its value stays 1 (the reader refuses it in a count)."""
    (sheet,) = open_workbook(_formatted(tmp_path / "p.xlsx")).sheets

    assert sheet.percent == {(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)}  # not "%" quoted, escaped, or no % at all
    assert sheet.rows[0][:2] == [1, 1]
    assert sheet.formulas == {}


def test_percentage_cells_are_told_in_a_sheet_with_formulas_too(tmp_path: Path) -> None:
    """A sheet holding a formula is parsed cell by cell: the percentages come from that parse."""
    (sheet,) = open_workbook(_formatted(tmp_path / "p.xlsx", formula=True)).sheets

    assert sheet.formulas == {(0, 0): "none"}
    assert sheet.percent == {(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)}


def test_percentage_cells_without_a_reference_are_placed(tmp_path: Path) -> None:
    """Some writers leave out r="…": the byte search cannot place such a cell, the parse does."""
    source = _formatted(tmp_path / "p.xlsx")
    index = re.search(r'<c r="B1" s="(\d+)"', zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml").decode())
    assert index is not None
    data = f'<sheetData><row r="1"><c><v>5</v></c><c s="{index.group(1)}"><v>1</v></c></row></sheetData>'

    (sheet,) = open_workbook(_with_sheet_data(source, tmp_path / "no-r.xlsx", data)).sheets

    assert sheet.rows == [[5, 1]]
    assert sheet.percent == {(0, 1)}


def test_a_workbook_without_percentage_formats_has_no_percent_cells(tmp_path: Path) -> None:
    (sheet,) = open_workbook(_book(tmp_path / "plain.xlsx", [("指标编号", "本月完成"), ("TMT", 1)])).sheets

    assert sheet.percent == set()


# -- .xls: errors, empty results, percentages (xlrd) --------------------------------------


def _formula_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["指标编号", "本月完成", "累计完成"])
    ws.append(["TECH_MANAGER_TEAMS", "=1/0", '=IF(1>2,1,"")'])
    ws.append(["TECH_MANAGER_TEAMS", 1, "=NA()"])
    ws.append(["TECH_MANAGER_TEAMS", '=IF(1>2,1,"")', '="苏州"'])
    ws["B3"].number_format = "0%"
    ws["B4"].number_format = "#,##0.##"
    ws["A6"] = "=2+3"
    wb.save(path)
    return path


def test_xls_formula_errors_and_empty_results_are_told(tmp_path: Path) -> None:
    path = soffice_convert(_formula_book(tmp_path / "f.xlsx"), "xls", tmp_path / "out")

    book = open_workbook(path)
    (sheet,) = book.sheets

    assert book.kind == "xls"
    assert sheet.rows[1] == ["TECH_MANAGER_TEAMS", "#DIV/0!", ""]  # calamine alone gives "" for #DIV/0!
    assert sheet.rows[2] == ["TECH_MANAGER_TEAMS", 1, "#N/A"]
    assert sheet.rows[3][2] == "苏州"
    assert sheet.formulas == {(1, 1): "error", (1, 2): "empty", (2, 2): "error"}
    assert sheet.percent == {(2, 1)}


def test_xls_empty_result_in_a_number_formatted_cell_is_saved_as_zero(tmp_path: Path) -> None:
    """A known limit: LibreOffice saves ``=IF(1>2,1,"")`` in a cell formatted #,##0.## as the number 0.

    The file holds 0 as the result (no text, no error), and no .xls reader can
    tell it from a real 0, nor say the cell holds a formula (BIFF readers give
    the result only).
    """
    path = soffice_convert(_formula_book(tmp_path / "f.xlsx"), "xls", tmp_path / "out")

    (sheet,) = open_workbook(path).sheets

    assert sheet.rows[3][1] == 0
    assert (3, 1) not in sheet.formulas
    assert (5, 0) not in sheet.formulas  # =2+3 saved as 5: a formula xlrd cannot see


def test_an_xls_xlrd_cannot_read_keeps_calamines_values(tmp_path: Path) -> None:
    from kctrack.excel import _xls_cells

    assert _xls_cells(OLE_MAGIC + b"\0" * 1024) == {}


# -- .ods: formulas, errors, merged cells, percentages ------------------------------------

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def _ods_table(rows: list[str]) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="月报">'
        + "".join(f"<table:table-row{row}</table:table-row>" for row in rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )


def _cell(attrs: str = "", text: str | None = None) -> str:
    return (
        f"<table:table-cell {attrs}>" + (f"<text:p>{text}</text:p>" if text is not None else "") + "</table:table-cell>"
    )


ODS_FORMULAS = _ods_table(
    [
        # row 1: a code merged down over rows 1-3 after two empty repeated cells; a percentage
        ">"
        + _cell('table:number-columns-repeated="2"')
        + _cell('office:value-type="string" table:number-rows-spanned="3"', "TECH_MANAGER_TEAMS")
        + _cell('office:value-type="percentage" office:value="1"', "100%"),
        # rows 2-3 (one row repeated twice): covered cell under the merge, an error result (LibreOffice 4+)
        ' table:number-rows-repeated="2">'
        + _cell('table:number-columns-repeated="2"')
        + "<table:covered-table-cell/>"
        + _cell(
            'table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"',
            "#DIV/0!",
        ),
        # row 4: an empty-string result (no value type), an older file's error (text only), a number, a string
        ">"
        + _cell('table:formula="of:=IF(1&gt;2;1;&quot;&quot;)"', "")
        + _cell('table:formula="of:=A9"', "Err:502")
        + _cell('table:formula="of:=2+3" office:value-type="float" office:value="5"', "5")
        + _cell(
            'table:formula="of:=&quot;#N/A&quot;" office:value-type="string" office:string-value="#N/A" '
            'calcext:value-type="string"',
            "#N/A",
        ),
    ]
)


def test_ods_formula_results_errors_merged_and_percent_cells_are_told(tmp_path: Path) -> None:
    (sheet,) = open_workbook(_ods(tmp_path / "f.ods", ODS_FORMULAS)).sheets

    assert sheet.formulas == {
        (1, 3): "error",
        (2, 3): "error",
        (3, 0): "empty",
        (3, 1): "error",
        (3, 2): "value",
        (3, 3): "value",  # the text "#N/A" a formula gives is text, not an error
    }
    assert sheet.rows[1][3] == sheet.rows[2][3] == "#DIV/0!"
    assert sheet.rows[3][:3] == ["", "Err:502", 5]
    assert sheet.merged == [(0, 2, 2, 2)]
    assert sheet.percent == {(0, 3)}


def test_ods_saved_by_libreoffice_tells_errors_and_merged_cells(tmp_path: Path) -> None:
    source = _formula_book(tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(source)
    wb.active.merge_cells("A2:A4")
    wb.save(source)

    (sheet,) = open_workbook(soffice_convert(source, "ods", tmp_path / "out")).sheets

    assert sheet.merged == [(1, 0, 3, 0)]
    assert sheet.rows[1][1:] == ["#DIV/0!", ""]
    assert sheet.rows[2][2] == "#N/A"
    assert {k: v for k, v in sheet.formulas.items() if v != "value"} == {
        (1, 1): "error",
        (1, 2): "empty",
        (2, 2): "error",
        (3, 1): "empty",  # in .ods the empty result stays empty, whatever the cell's format
    }
    assert sheet.formulas[(5, 0)] == "value"
    assert sheet.percent == {(2, 1)}


# -- subfolders ---------------------------------------------------------------------------


def test_a_folder_is_read_with_its_subfolders(tmp_path: Path) -> None:
    """A folder per city is common; dot-folders are passed over; the files come sorted by path."""
    folder = tmp_path / "returns"
    (folder / "苏州").mkdir(parents=True)
    (folder / "无锡" / "6月").mkdir(parents=True)
    (folder / ".git").mkdir()
    sz = _book(folder / "苏州" / "苏州6月.xlsx", [("指标编号",)])
    wx = _book(folder / "无锡" / "6月" / "无锡.xlsx", [("指标编号",)])
    top = _book(folder / "常州.xlsx", [("指标编号",)])
    _book(folder / ".git" / "hidden.xlsx", [("x",)])
    (folder / "苏州" / "~$苏州6月.xlsx").write_bytes(b"\x07tester")
    (folder / "无锡" / "说明.txt").write_text("说明", encoding="utf-8")

    read, skipped = expand_paths([folder])

    assert read == [top, wx, sz]  # 常 (U+5E38) < 无 (U+65E0) < 苏 (U+82CF)
    assert skipped == [
        (folder / "无锡" / "说明.txt", "xl_not_spreadsheet"),
        (folder / "苏州" / "~$苏州6月.xlsx", "xl_lock_file"),
    ]


def test_a_symbolic_link_looping_back_is_walked_once(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    (folder / "苏州").mkdir(parents=True)
    sz = _book(folder / "苏州" / "苏州.xlsx", [("指标编号",)])
    (folder / "苏州" / "loop").symlink_to(folder, target_is_directory=True)

    read, skipped = expand_paths([folder])

    assert read == [sz] and skipped == []


def test_a_folder_of_too_many_files_is_refused_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kctrack.excel

    monkeypatch.setattr(kctrack.excel, "MAX_FOLDER_FILES", 3)
    folder = tmp_path / "home"
    (folder / "a" / "b").mkdir(parents=True)
    for i in range(4):
        (folder / "a" / "b" / f"{i}.txt").write_text("x", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        expand_paths([folder])

    assert caught.value.key == "xl_too_many_files"
    assert caught.value.where == str(folder)
    assert "3" in caught.value.render("zh") and "more than 3 files" in caught.value.render("en")
    (folder / "a" / "b" / "0.txt").unlink()
    assert len(expand_paths([folder])[1]) == 3  # at the limit: read
