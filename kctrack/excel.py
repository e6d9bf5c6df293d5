"""Reading workbooks safely and cell values leniently: pure functions over paths and values.

* :func:`open_workbook` refuses what is not an .xlsx before any XML is parsed:
  not a zip (a CSV or an .xls renamed), an encrypted workbook, an empty file,
  a file or an uncompressed size over the limits, a zip bomb, XML with a
  DOCTYPE (entity expansion).  Then python-calamine reads it (several times
  faster than openpyxl); formula cells give their cached values.
* :func:`parse_month` and :func:`parse_number` accept what people type.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kctrack.errors import DataError

MAX_FILE_BYTES = int(os.environ.get("KCTRACK_MAX_FILE_MB", "50")) * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = int(os.environ.get("KCTRACK_MAX_UNCOMPRESSED_MB", "500")) * 1024 * 1024
MAX_RATIO = 200  # a real sheet compresses 5–20×; a zip bomb thousands of times
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    has_formulas: bool


@dataclass
class Workbook:
    path: Path
    sha256: str
    sheets: list[Sheet]
    hidden: dict[str, list[list[Any]]]


def open_workbook(path: Path) -> Workbook:
    """Check a file is a sane .xlsx and read every sheet's values."""
    import hashlib

    where = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise DataError("xl_missing", where=where) from None
    if path.is_dir():
        raise DataError("xl_missing", where=where)
    if size == 0:
        raise DataError("xl_empty", where=where)
    if size > MAX_FILE_BYTES:
        raise DataError("xl_too_big", where=where, mb=MAX_FILE_BYTES // 2**20)
    data = path.read_bytes()
    if data[:8] == _OLE_MAGIC:
        raise DataError("xl_ole", where=where)
    if data[:2] != b"PK":
        raise DataError("xl_not_xlsx", where=where)
    formulas: set[str] = set()
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO and total > 10 * 2**20:
                raise DataError("xl_bomb", where=where, mb=total // 2**20)
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise DataError("xl_not_xlsx", where=where)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    doctype, formula = _scan_xml(z, info)
                    if doctype:
                        raise DataError("xl_doctype", where=f"{where}!{info.filename}")
                    if formula and info.filename.startswith("xl/worksheets/"):
                        formulas.add(info.filename)
    except zipfile.BadZipFile:
        raise DataError("xl_corrupt", where=where) from None
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets: list[Sheet] = []
        hidden: dict[str, list[list[Any]]] = {}
        for meta in wb.sheets_metadata:
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            if "Visible" not in str(meta.visible) or meta.name.startswith("_"):
                hidden[meta.name] = rows
            else:
                sheets.append(Sheet(meta.name, rows, bool(formulas)))
        wb.close()
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise DataError("xl_corrupt_detail", where=where, reason=str(exc).splitlines()[0][:200]) from None
    return Workbook(path, hashlib.sha256(data).hexdigest(), sheets, hidden)


def _scan_xml(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bool, bool]:
    """(declares a DOCTYPE or entities, has a formula) for one XML part, read in chunks.

    No genuine workbook part declares a DOCTYPE; refusing any, wherever it
    stands, keeps entity expansion out of every parser that reads the file later.
    """
    doctype = formula = False
    with z.open(info) as f:
        tail = b""
        while chunk := f.read(1 << 20):
            window = tail + chunk
            doctype = doctype or b"<!DOCTYPE" in window or b"<!ENTITY" in window
            formula = formula or b"<f>" in window or b"<f " in window
            if doctype:
                break
            tail = chunk[-16:]
    return doctype, formula


def formula_cells_without_value(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, col), 0-based, of formula cells whose result was never saved (openpyxl writes such files)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out = set()
        for r, row in enumerate(wb[sheet].iter_rows()):
            for c, cell in enumerate(row):
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    out.add((r, c))
        return out
    finally:
        wb.close()


def cell_ref(row: int, col: int) -> str:
    """A1-style reference of a 0-based row and column."""
    return f"{column_letters(col)}{row + 1}"


@functools.cache
def column_letters(col: int) -> str:
    """A, B, …, Z, AA, … of a 0-based column."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def norm_text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*\d{1,2}\s*日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月(份)?$")


def parse_month(value: Any, year: int) -> str | None:
    """A month as 2020-06, 2020/6, 2020.6, 2020年6月, 6月 (the plan's year) or an Excel date; None if not one.

    A number such as 2020.1 is refused (None): it may be January or an October
    typed as 2020.10 and stored as 2020.1.
    """
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        whole, _, frac = text.partition(".")
        if len(whole) == 4 and frac == "1":
            return None
        value = text
    text = norm_text(value)
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            y, m = int(match.group(1)), int(match.group(2))
            return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None
    match = _MONTH_ONLY.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{year:04d}-{int(match.group(1)):02d}"
    return None


_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万)?\s*([^\d\s.]{0,3})$")


def parse_number(value: Any) -> float | None:
    """A number from a number, numeric text, full-width digits, 1,000, or with a trailing unit (12项, 150万条)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else None
    text = norm_text(value).replace(",", "").replace("，", "")
    match = _NUMBER.match(text)
    if not match:
        return None
    number = float(match.group(1))
    return number * 10000 if match.group(2) else number


DONE_WORDS = {"done", "完成", "已完成", "是", "yes", "√", "✓", "✔", "1"}
