"""Workbooks built to hurt (issue 13 rows 1, 2, 9 and 11): far cells, damaged zip members, broken
shared-string indices, faulty files of the same name.  Each is refused with one message, exit 1,
nothing written; the far cell in a child process held to 1 GiB of address space and a timeout.

Every workbook is made here, from a template kctrack wrote, by rewriting its XML or its zip bytes.
"""

from __future__ import annotations

import io
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns_helpers import Db, counts, db_files, fill, kc, no_traceback, returns_db, template

from kctrack import excel
from kctrack.i18n import tr

SHEET_PART = "xl/worksheets/sheet1.xml"


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


@pytest.fixture
def good(rdb: Db, tmp_path: Path) -> Path:
    """A clean return of 苏州 for June (5 teams)."""
    return fill(template(rdb, tmp_path / "good.xlsx", "苏州", "2020-06"), {"E6": 5})


def rezip(source: Path, dest: Path, patch: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy a workbook member by member, rewriting the members named in ``patch``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in patch:
                data = patch[info.filename](data)
            zout.writestr(info.filename, data)
    return dest


def add_cells(xml: bytes, cells: bytes) -> bytes:
    """A worksheet part with ``cells`` (whole <row> elements) added at the end of its sheetData."""
    return xml.replace(b"</sheetData>", cells + b"</sheetData>", 1)


def refused(db: Db, path: Path, key: str, where: str, **params: Any) -> str:
    """Import ``path``: exit 1, no traceback, the one message ``key`` placed at ``where``, nothing written."""
    before = db_files(db)
    result = kc(db, "import", path)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    line = f"{where}: {tr(key, 'zh', **params)}"
    assert line in result.stderr.splitlines(), result.stderr
    assert counts(db) == {"batch": 0, "record": 0, "current_value": 0}
    assert db_files(db) == before
    return line


# -- row 1: a far cell --------------------------------------------------------------------------


def test_a_far_cell_is_refused_before_reading(rdb: Db, good: Path, tmp_path: Path) -> None:
    path = rezip(
        good,
        tmp_path / "far.xlsx",
        {SHEET_PART: lambda x: add_cells(x, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')},
    )
    assert path.stat().st_size < 40_000  # a small file: the template (return and its register sheet)
    refused(
        rdb, path, "xl_range_too_large", f"{path}!月报", last="XFD1048576", cells="17,179,869,184", limit="5,000,000"
    )


def test_a_far_cell_is_refused_in_bounded_memory_and_time(rdb: Db, good: Path, tmp_path: Path) -> None:
    """The file of the issue, in a real process: calamine would ask for 549 GB and abort (exit 134)."""
    path = rezip(
        good,
        tmp_path / "far.xlsx",
        {SHEET_PART: lambda x: add_cells(x, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')},
    )
    one_gib = 1 << 30

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (one_gib, one_gib))

    done = subprocess.run(
        [sys.executable, "-m", "kctrack", "--db", str(rdb), "import", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
    )
    assert done.returncode == 1, done.stderr
    assert "XFD1048576" in done.stderr and "Traceback" not in done.stderr and "panicked" not in done.stderr


@pytest.mark.parametrize(
    "cells, rows, cols",
    [
        # the dimension alone claims the whole sheet: 1,048,576 rows × 16,384 columns
        (None, 1_048_576, 16_384),
        # a column far to the right on row 400: ZZZ is 26² × 26 + 26² + 26 = 18,278; read exactly
        (b'<row r="400"><c r="ZZZ400" t="n"><v>1</v></c></row>', 400, 18_278),
        # a row far down, the reference single-quoted: column B is bounded by Z
        (b"<row r='9000000'><c r='B9000000'><v>1</v></c></row>", 9_000_000, 26),
        # 30,000 cells without r in row 200: placed by counting along the row
        (b'<row r="200">' + b"<c><v>1</v></c>" * 30_000 + b"</row>", 200, 30_000),
    ],
)
def test_every_spelling_of_a_far_cell_is_measured(
    rdb: Db, good: Path, tmp_path: Path, cells: bytes | None, rows: int, cols: int
) -> None:
    def patch(xml: bytes) -> bytes:
        if cells is None:
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return add_cells(xml, cells)

    path = rezip(good, tmp_path / "far.xlsx", {SHEET_PART: patch})
    extent = _extents(path)["月报"]
    assert (extent.rows, extent.cols) == (rows, cols)
    refused(
        rdb,
        path,
        "xl_range_too_large",
        f"{path}!月报",
        last=excel.cell_ref(rows - 1, cols - 1),
        cells=f"{rows * cols:,}",
        limit="5,000,000",
    )


def test_a_line_break_inside_a_cell_tag_is_parsed(good: Path, tmp_path: Path) -> None:
    """``<c\nr="AAA300">``: a byte search for ' r="' does not see it, so the part is parsed (AAA is the
    703rd column)."""
    path = rezip(
        good,
        tmp_path / "nl.xlsx",
        {SHEET_PART: lambda x: add_cells(x, b'<row r="300"><c\nr="AAA300"><v>1</v></c></row>')},
    )
    extent = _extents(path)["月报"]
    assert (extent.rows, extent.cols) == (300, 703)


def test_column_letters_of_the_far_cells(good: Path) -> None:
    """The references the messages give, by hand: column 30,000 is ARIV, 18,278 is ZZZ, 16,384 is XFD."""
    assert excel.cell_ref(199, 29_999) == "ARIV200"
    assert excel.cell_ref(399, 18_277) == "ZZZ400"
    assert excel.cell_ref(1_048_575, 16_383) == "XFD1048576"


def _extents(path: Path) -> dict[str, excel.Extent]:
    with zipfile.ZipFile(path) as z:
        _, scans = excel._zip_kind(path, z)
        _, cells = excel._ooxml_cells(path, z, scans)
    return {name: found.extent for name, found in cells.items()}


def _last(extent: excel.Extent) -> str:
    return excel.cell_ref(extent.rows - 1, extent.cols - 1)


def test_a_return_is_measured_near_its_size(good: Path) -> None:
    """苏州's return ends on row 9, so it is bounded by Z9 (26 × 9 cells): nowhere near the limit."""
    extent = _extents(good)["月报"]
    assert (extent.rows, extent.cols) == (9, 26)


def test_the_bench_sized_sheet_is_read(tmp_path: Path) -> None:
    """100,001 rows × 5 columns (the bench's national year in one sheet) stays within the limit: its
    rows beyond 99,999 are read exactly, the columns bounded by Z."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for i in range(100_001):
        ws.append([f"T{i % 60}", "苏州", "2020-06", i])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    extent = _extents(path)["汇总"]
    assert (extent.rows, extent.cols) == (100_001, 26)
    excel.check_extents(path, {"汇总": excel._SheetCells(extent=extent)})  # no exception


def test_sheets_together_over_the_workbook_limit(rdb: Db, good: Path, tmp_path: Path) -> None:
    """Three sheets of 4,000,000 cells each: each within its limit, together over the workbook's."""
    path = tmp_path / "many.xlsx"
    wb = openpyxl.load_workbook(good)
    for n in range(3):
        ws = wb.create_sheet(f"s{n}")
        ws["CV40000"] = 1  # 40,000 rows × 100 columns
    wb.save(path)
    extents = _extents(path)
    assert [extents[f"s{n}"].cells for n in range(3)] == [4_000_000] * 3  # CV is column 100
    total = sum(extent.cells for extent in extents.values())
    assert total > 12_000_000
    refused(rdb, path, "xl_book_too_large", str(path), cells=f"{total:,}", limit="10,000,000")


def test_too_many_parts(rdb: Db, good: Path, tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for n in range(excel.MAX_PARTS):
            zout.writestr(f"customXml/item{n}.bin", b"")
    with zipfile.ZipFile(good) as z:
        own = len(z.infolist())
    refused(rdb, path, "xl_too_many_parts", str(path), count=f"{excel.MAX_PARTS + own:,}", limit="10,000")


def test_an_ods_far_cell_by_repeats_is_refused(rdb: Db, tmp_path: Path) -> None:
    """LibreOffice writes the empty rest of a sheet as one repeated cell (harmless); a repeated cell that
    holds a value reaches as far as its repeats."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
        b'<table:table-cell table:number-columns-repeated="1024"/>'
        b'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/>'
        b"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "far.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    # 1,024 empty cells then 100 holding 1: the row reaches column 1,124 (AQF), a million times over
    refused(rdb, path, "xl_range_too_large", f"{path}!S", last="AQF1000000", cells="1,124,000,000", limit="5,000,000")


def _xlsb_record(kind: int, body: bytes) -> bytes:
    """One BIFF12 record: its type and size as 7-bit varints (MS-XLSB 2.1.4), then its body."""

    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)

    return varint(kind) + varint(len(body)) + body


@pytest.mark.parametrize(
    "begin",
    [
        b"",
        # a real sheet starts with empty records (BrtBeginSheet 129, BrtBeginSheetData 145): passed over
        _xlsb_record(129, b"") + _xlsb_record(145, b""),
    ],
    ids=["bare", "as-real-sheets-begin"],
)
def test_an_xlsb_far_cell_is_refused(rdb: Db, tmp_path: Path, begin: bytes) -> None:
    """A BrtRowHdr for row 1,048,576 and a BrtCellReal in column XFD: refused by the record walk."""
    row = _xlsb_record(0, (1_048_575).to_bytes(4, "little") + bytes(13))
    cell = _xlsb_record(5, (16_383).to_bytes(4, "little") + bytes(12))  # column, style, then the number
    path = tmp_path / "far.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.bin", b"")
        z.writestr("xl/worksheets/sheet1.bin", begin + row + cell + _xlsb_record(146, b""))
    refused(
        rdb,
        path,
        "xl_range_too_large",
        f"{path}!xl/worksheets/sheet1.bin",
        last="XFD1048576",
        cells="17,179,869,184",
        limit="5,000,000",
    )


# -- row 2: damaged zip members -----------------------------------------------------------------


def _member_offsets(data: bytes, name: str) -> tuple[int, int]:
    """(offset of the local header, offset of the central-directory entry) of a zip member."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        local = z.getinfo(name).header_offset
    pos = 0
    while True:
        pos = data.index(b"PK\x01\x02", pos)
        length = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + length] == name.encode():
            return local, pos
        pos += 4


def _damaged(good: Path, dest: Path, how: str, member: str = SHEET_PART) -> Path:
    data = bytearray(good.read_bytes())
    local, central = _member_offsets(bytes(data), member)
    if how == "deflate":
        start = (
            local
            + 30
            + int.from_bytes(data[local + 26 : local + 28], "little")
            + int.from_bytes(data[local + 28 : local + 30], "little")
        )
        for i in range(start + 2, start + 40):
            data[i] ^= 0x5A
    elif how == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    elif how == "method":
        data[local + 8 : local + 10] = (99).to_bytes(2, "little")
        data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize("how", ["deflate", "encrypted", "method"])
@pytest.mark.parametrize("member", [SHEET_PART, "xl/styles.xml", "xl/workbook.xml"])
def test_a_damaged_member_is_a_damaged_file(rdb: Db, good: Path, tmp_path: Path, how: str, member: str) -> None:
    path = _damaged(good, tmp_path / f"{how}.xlsx", how, member)
    refused(rdb, path, "xl_corrupt", str(path))


# -- row 11: a shared-string index that is not one --------------------------------------------


def _shared_string_book(tmp_path: Path, index: bytes) -> Path:
    """A return whose unit label (C3, a shared string) has the index ``index``."""
    import xlsxwriter

    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(plain)
    ws = wb.add_worksheet("月报")
    ws.write("A1", "填报单位")
    ws.write("B1", "苏州")
    wb.close()
    return rezip(
        plain,
        tmp_path / "ss.xlsx",
        {SHEET_PART: lambda x: x.replace(b'<c r="B1" t="s"><v>1</v>', b'<c r="B1" t="s"><v>' + index + b"</v>")},
    )


@pytest.mark.parametrize("index", [b"-1", b"abc", b"1.5", b" 1", b"-0", b"1e0"])
def test_a_shared_string_index_that_is_no_number_is_damage(rdb: Db, tmp_path: Path, index: bytes) -> None:
    """calamine reads each of these as string 0: 填报单位 instead of 苏州."""
    path = _shared_string_book(tmp_path, index)
    refused(rdb, path, "xl_bad_shared_string", f"{path}!月报!B1", value=index.decode())


def test_a_shared_string_index_past_the_table_is_damage(rdb: Db, tmp_path: Path) -> None:
    path = _shared_string_book(tmp_path, b"7")
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    no_traceback(result)
    assert (
        f"{path}: " + tr("xl_corrupt_detail", "zh", reason="Cell string index not found in shared strings table")
        in result.stderr
    )


# -- row 9: one marked copy per faulty file -----------------------------------------------------


def test_faulty_files_of_the_same_name_each_get_a_marked_copy(rdb: Db, good: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = fill(good, {"E6": "abc"}, dest=tmp_path / "a" / "return.xlsx")
    second = fill(good, {"E6": "xyz"}, dest=tmp_path / "b" / "return.xlsx")
    out = tmp_path / "marked"
    result = kc(rdb, "import", first, second, "--errors-out", out)
    assert result.exit_code == 1
    no_traceback(result)
    assert sorted(p.name for p in out.iterdir()) == ["return-2.errors.xlsx", "return.errors.xlsx"]
    lines = result.stderr.splitlines()
    assert tr("imp_error_copy", "zh", source=first, copy=out / "return.errors.xlsx") in lines
    assert tr("imp_error_copy", "zh", source=second, copy=out / "return-2.errors.xlsx") in lines
    assert openpyxl.load_workbook(out / "return.errors.xlsx")["月报"]["E6"].value == "abc"
    assert openpyxl.load_workbook(out / "return-2.errors.xlsx")["月报"]["E6"].value == "xyz"


def test_a_faulty_file_openpyxl_cannot_read_is_said_not_marked(rdb: Db, good: Path, tmp_path: Path) -> None:
    """calamine reads a workbook whose styles.xml openpyxl refuses; the import lists its bad cell and
    says that no marked copy could be written, rather than failing."""
    bad = fill(good, {"E6": "abc"}, dest=tmp_path / "bad.xlsx")
    # a font size that is no number: openpyxl stops at it (TypeError), calamine does not read fonts
    odd = rezip(
        bad,
        tmp_path / "odd.xlsx",
        {"xl/styles.xml": lambda x: re.sub(rb'<sz val="[^"]*"', b'<sz val="abc"', x, count=1)},
    )
    out = tmp_path / "marked"
    result = kc(rdb, "import", odd, "--errors-out", out)
    assert result.exit_code == 1
    no_traceback(result)
    assert any(line.startswith(f"{odd}!月报!E6: ") for line in result.stderr.splitlines())
    said = [
        line
        for line in result.stderr.splitlines()
        if line.startswith(tr("imp_error_copy_failed", "zh", source=odd, reason="")[:8])
    ]
    assert said, result.stderr
    assert not out.exists() or list(out.iterdir()) == []


# -- hypothesis: far references and damaged deflate streams, in any mix ---------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    col=st.integers(min_value=1, max_value=16_384),
    row=st.integers(min_value=1, max_value=1_048_576),
    quote=st.sampled_from(['"', "'"]),
)
def test_any_far_cell_is_measured_exactly_or_bounded(
    good: Path, tmp_path: Path, col: int, row: int, quote: str
) -> None:
    ref = excel.cell_ref(row - 1, col - 1)
    xml = f"<row r={quote}{row}{quote}><c r={quote}{ref}{quote}><v>1</v></c></row>".encode()
    path = rezip(good, tmp_path / "h.xlsx", {SHEET_PART: lambda x: add_cells(x, xml)})
    extent = _extents(path)["月报"]
    assert extent.rows >= row and extent.cols >= col  # never less than the truth: the bound is safe
    if col > 26:
        assert extent.cols == col  # read exactly
    if row > 99_999:
        assert extent.rows == row


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=0, max_value=200),
    length=st.integers(min_value=1, max_value=64),
    mask=st.integers(1, 255),
)
def test_any_damaged_deflate_stream_is_one_message(
    rdb: Db, good: Path, tmp_path: Path, start: int, length: int, mask: int
) -> None:
    data = bytearray(good.read_bytes())
    local, _ = _member_offsets(bytes(data), SHEET_PART)
    begin = (
        local
        + 30
        + int.from_bytes(data[local + 26 : local + 28], "little")
        + int.from_bytes(data[local + 28 : local + 30], "little")
    )
    for i in range(begin + start, min(begin + start + length, len(data))):
        data[i] ^= mask
    path = tmp_path / "d.xlsx"
    path.write_bytes(bytes(data))
    result = kc(rdb, "import", path, "--dry-run")
    no_traceback(result)
    assert result.exit_code in (0, 1)  # a flip in stored slack may leave the file readable
    if result.exit_code == 1:
        assert str(path) in result.stderr


# -- non-finite numbers in a cell ---------------------------------------------------------------


@pytest.mark.parametrize("saved, shown", [(b"nan", "nan"), (b"inf", "inf"), (b"-inf", "-inf"), (b"1e400", "inf")])
def test_a_non_finite_number_in_a_cell_is_refused_at_the_cell(
    rdb: Db, good: Path, tmp_path: Path, saved: bytes, shown: str
) -> None:
    """calamine reads <v>nan</v> and <v>1e400</v> as the floats nan and inf: refused at the cell."""
    path = rezip(
        good,
        tmp_path / "nan.xlsx",
        {SHEET_PART: lambda x: re.sub(rb'(<c r="E6"[^>]*>)<v>5</v>', rb"\g<1><v>" + saved + b"</v>", x)},
    )
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    no_traceback(result)
    line = f"{path}!月报!E6: {shown} → " + tr("num_not_finite", "zh", value=shown)  # the cell, as it reads, then why
    assert line in result.stderr.splitlines(), result.stderr
    assert counts(rdb) == {"batch": 0, "record": 0, "current_value": 0}


# -- what a review found: the same kinds, spelled otherwise --------------------------------------


def _moved(good: Path, dest: Path, member: str, target: str, rels: str = "xl/_rels/workbook.xml.rels") -> Path:
    """The return with its sheet stored as ``member`` and the workbook's relationship pointing at ``target``."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name == SHEET_PART:
                name, data = member, add_cells(data, far)
                if rels != "xl/_rels/workbook.xml.rels":  # its root far from the start, where a glance looks
                    data = data.replace(b"<worksheet", b"<!--" + b"x" * 8000 + b"--><worksheet", 1)
            elif name == "xl/_rels/workbook.xml.rels":
                name = rels
                data = data.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
                data = data.replace(b'Target="/xl/worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            zout.writestr(name, data)
    return dest


@pytest.mark.parametrize(
    "member, target, rels",
    [
        ("xl/S.xml", "s.xml", "xl/_rels/workbook.xml.rels"),  # outside xl/worksheets, in another case
        ("xl/worksheets/sheet1.XML", "worksheets/sheet1.XML", "xl/_rels/workbook.xml.rels"),  # suffix case
        ("xl/Worksheets/sheet1.xml", "worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels"),  # folder case
        ("xl/S.xml", "s.xml", "xl/_rels/Workbook.xml.rels"),  # the relationships in another case too
    ],
)
def test_a_sheet_stored_under_any_name_is_measured(
    rdb: Db, good: Path, tmp_path: Path, member: str, target: str, rels: str
) -> None:
    """calamine finds a sheet's part whatever its name and case: so does the measurement."""
    path = _moved(good, tmp_path / "moved.xlsx", member, target, rels)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    no_traceback(result)
    assert tr("xl_range_too_large", "zh", last="XFD1048576", cells="17,179,869,184", limit="5,000,000") in result.stderr


def _ods(path: Path, table: bytes, prefixes: bytes = b"") -> Path:
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        + (prefixes or b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
        + b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        + table
        + b"</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


@pytest.mark.parametrize(
    "prefixes, cell",
    [
        (b"", b'<table:table-cell office:value="1"/>'),  # a value without a value type
        (b"", b'<table:table-cell office:string-value="x"/>'),
        (
            b' xmlns:table="urn:example:not-the-table-namespace"',
            b'<table:table-cell office:value-type="float" office:value="1"/>',
        ),
    ],
)
def test_an_ods_cell_calamine_reads_is_measured(rdb: Db, tmp_path: Path, prefixes: bytes, cell: bytes) -> None:
    """calamine reads cells by their literal names and any office value: 8,000 rows × 10,000 columns."""
    table = (
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="8000">'
        b'<table:table-cell table:number-columns-repeated="9999"/>' + cell + b"</table:table-row></table:table>"
    )
    path = _ods(tmp_path / "far.ods", table, prefixes)
    refused(rdb, path, "xl_range_too_large", f"{path}!S", last="NTP8000", cells="80,000,000", limit="5,000,000")


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="B1" t = "s"><v>-1</v></c>',  # spaces around =
        b'<c r="B1" t="s"><f>1+1</f><v>-1</v></c>',  # a formula before the value
        b'<c r="B1" t="s"><!-- x --><v>-1</v></c>',  # a comment before it
        b'<c r="B1" t="s"><is/><v>-1</v></c>',
        b'<c r="B1" t="s" s="0"><v>-1</v></c>',  # t not the last attribute
        b'<c r="B1" t="s"><v><![CDATA[-1]]></v></c>',
    ],
)
def test_a_shared_string_index_spelled_otherwise_is_still_damage(rdb: Db, tmp_path: Path, cell: bytes) -> None:
    plain = _shared_string_book(tmp_path, b"1")
    path = rezip(plain, tmp_path / "odd.xlsx", {SHEET_PART: lambda x: x.replace(b'<c r="B1" t="s"><v>1</v></c>', cell)})
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    no_traceback(result)
    assert f"{path}!月报!B1: " in result.stderr
    assert tr("xl_bad_shared_string", "zh", value="")[:8] in result.stderr
