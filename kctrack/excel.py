"""Reading workbooks safely and cell values leniently: pure functions over paths and values.

Opening a return is a pipeline, one named step each:

1. :func:`expand_paths` — which files of a folder are read, and why each other
   file is not (a CSV, a text file, an Office lock file).
2. :func:`open_workbook` — the container is checked before any XML is parsed:
   an empty file, a file or an uncompressed size over the limits, a zip bomb,
   XML with a DOCTYPE (entity expansion), an encrypted workbook, a file that is
   no spreadsheet.  Formats read, recognised by content (not by file name):
   ``.xlsx``/``.xlsm`` (and their templates), ``.xlsb``, ``.xls`` and WPS
   ``.et`` (OLE2 BIFF), ``.ods``.
3. python-calamine reads the values (several times faster than openpyxl);
   formula cells give the result saved with the file.
4. For OOXML, the worksheet parts holding formulas or error values are
   stream-parsed to say what each formula cell really holds
   (:attr:`Sheet.formulas`), to put saved errors such as ``#REF!`` back as text
   (calamine gives ``""`` for them), and whether the file asks to be
   recalculated on load (:attr:`Workbook.recalc_on_load`).  When xl/styles.xml
   has a percentage number format, the cells using it are found
   (:attr:`Sheet.percent`: ``1`` shown as ``100%``).
5. For .ods, content.xml is stream-parsed for the same (formula results,
   error texts, percentages) and the merged ranges calamine does not give; for
   .xls/.et, xlrd tells error results, empty-string results and percentages.

What a cell's text means (numbers, months, done words) is :mod:`kctrack.parse`'s.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kctrack import env
from kctrack.errors import DataError

MAX_RATIO = 200  # a real sheet compresses 5–20×; a zip bomb thousands of times
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx/.xlsm is an OLE2 container with these streams (names stored in UTF-16LE).
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

OOXML_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
# Read when found in a folder; any other file of a folder is reported as not read.
SPREADSHEET_SUFFIXES = OOXML_SUFFIXES | {".xlsb", ".xls", ".xlt", ".et", ".ett", ".ods", ".ots"}
TEXT_TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
LOCK_PREFIX = "~$"  # Excel/WPS leave "~$name.xlsx" beside a workbook while it is open
# A folder of returns holds one workbook per unit and month: a few hundred files in a year.  Thousands
# mean a folder above the returns was named (a home folder, a whole drive): refused before any is read.
MAX_FOLDER_FILES = 5000

# What a formula cell's saved result is (the values of Sheet.formulas).
FORMULA_VALUE = "value"  # a number, text or boolean was saved
FORMULA_NONE = "none"  # no result saved at all (openpyxl writes formulas this way)
FORMULA_ERROR = "error"  # a saved error: #REF!, #N/A, #DIV/0!, …
FORMULA_EMPTY = "empty"  # the saved result is the empty string (e.g. =IF(A1="","",A1))

# Workbook.kind: which reader the content called for.
KIND_XLSX, KIND_XLSB, KIND_XLS, KIND_ODS = "xlsx", "xlsb", "xls", "ods"
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)  # a template adds "-template"


@dataclass
class Sheet:
    """One visible worksheet.

    ``rows``: the values from A1 to the last used cell, a list of rows of equal
    length; an empty cell is ``""``; numbers are int or float, dates
    ``datetime``; a saved error value is its text (``"#REF!"``).
    ``merged``: merged ranges as 0-based ``(first_row, first_col, last_row,
    last_col)``, inclusive (.xlsx, .xlsm, .xls, .ods; empty for .xlsb).
    ``formulas``: 0-based ``(row, col)`` of every formula cell → what its saved
    result is: :data:`FORMULA_VALUE` ``"value"``, :data:`FORMULA_NONE`
    ``"none"``, :data:`FORMULA_ERROR` ``"error"``, :data:`FORMULA_EMPTY`
    ``"empty"``.  Complete for .xlsx/.xlsm and .ods.  For .xls (read by xlrd
    as well) only the cells whose result is an error or the empty string are
    known (a BIFF reader does not say which other cells are formulas); empty
    for .xlsb (its errors read as ``""``).
    ``percent``: 0-based ``(row, col)`` of the cells whose number format shows
    a percentage (``1`` shown as ``100%``): .xlsx/.xlsm (built-in formats 9, 10
    or a format code with ``%``), .xls (the same, by xlrd) and .ods (values of
    type ``percentage``); empty for .xlsb.
    """

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    """A workbook read by :func:`open_workbook`.

    ``sheets``: the visible worksheets, in workbook order (the data).
    ``hidden``: name → rows of every hidden or very hidden worksheet, and of a
    visible one whose name starts with ``_`` (kctrack's ``_kctrack`` sheet):
    not data, but readable.  Chart and macro sheets are in neither.
    ``kind``: ``"xlsx"`` (also .xlsm and templates), ``"xlsb"``, ``"xls"``
    (also WPS .et) or ``"ods"`` — by content, whatever the file is called.
    ``recalc_on_load``: the file asks the spreadsheet program to recalculate
    every formula when opened (``<calcPr fullCalcOnLoad="1">``, as XlsxWriter
    and openpyxl write): its saved formula results are placeholders (often 0),
    not figures.  Always False for .xls, .xlsb and .ods.
    """

    path: Path
    sha256: str
    sheets: list[Sheet]
    hidden: dict[str, list[list[Any]]]
    kind: str = KIND_XLSX
    recalc_on_load: bool = False


# -- 1. which files ------------------------------------------------------------------------


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read, and the files of a folder not read with the message key saying why.

    A file named on the command line is always read (:func:`open_workbook`
    says what is wrong with it).  A folder gives its regular files and those of
    its subfolders, at any depth (a folder per city: ``returns/苏州/苏州6月.xlsx``),
    sorted by path: a spreadsheet (by suffix, :data:`SPREADSHEET_SUFFIXES`) is
    read; an Office lock file ``~$…`` is not (``xl_lock_file``), nor a CSV
    (``xl_csv``), nor anything else (``xl_not_spreadsheet``).  Dot-files and
    dot-folders (``.DS_Store``, macOS ``._name.xlsx``, ``.git``) are passed over
    in silence; a folder reached twice (a symbolic link looping back) is walked
    once.  A folder holding more than :data:`MAX_FOLDER_FILES` files raises
    ``xl_too_many_files`` placed at the folder, before anything is read.
    """
    read: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            read.append(path)
            continue
        for item in _folder_files(path):
            reason = _skip_reason(item)
            if reason is None:
                read.append(item)
            else:
                skipped.append((item, reason))
    return read, skipped


def _folder_files(folder: Path) -> list[Path]:
    """Every regular file under ``folder`` not named with a dot, nor under a dot-folder, sorted by path."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            st = current.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue  # a symbolic link back to a folder already walked
            seen.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(current))
        except OSError:
            continue  # an unreadable subfolder: nothing in it can be read either
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                continue
            if is_dir:
                pending.append(Path(entry.path))
            elif is_file:
                found.append(Path(entry.path))
                if len(found) > MAX_FOLDER_FILES:
                    raise DataError("xl_too_many_files", where=str(folder), limit=MAX_FOLDER_FILES)
    return sorted(found)


def _skip_reason(path: Path) -> str | None:
    """The message key saying why a file found in a folder is not read, or None to read it."""
    if path.name.startswith(LOCK_PREFIX):
        return "xl_lock_file"
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return None
    return "xl_csv" if suffix in TEXT_TABLE_SUFFIXES else "xl_not_spreadsheet"


def _not_a_workbook(path: Path) -> str:
    """The message key for a file whose content is no workbook that can be read."""
    suffix = path.suffix.lower()
    if path.name.startswith(LOCK_PREFIX):
        return "xl_lock_file"
    if suffix in OOXML_SUFFIXES:
        return "xl_not_xlsx"
    if suffix in TEXT_TABLE_SUFFIXES:
        return "xl_csv"
    return "xl_unreadable" if suffix in SPREADSHEET_SUFFIXES else "xl_not_spreadsheet"


# -- 2. the container ----------------------------------------------------------------------


def open_workbook(path: Path) -> Workbook:
    """Check a file is a sane workbook and read every sheet (see :class:`Workbook`, :class:`Sheet`).

    Raises :class:`DataError` placed at the file (or ``file!part`` for a
    DOCTYPE) with one of these keys: ``xl_missing``, ``xl_empty``,
    ``xl_too_big`` (over :func:`kctrack.env.max_file_bytes`), ``xl_bomb`` (over
    :func:`kctrack.env.max_uncompressed_bytes`, or a ratio over :data:`MAX_RATIO`),
    ``xl_doctype``, ``xl_ole`` (an encrypted workbook), ``xl_corrupt`` (a zip
    that cannot be opened), ``xl_corrupt_detail`` (a part that cannot be read),
    and when the content is no workbook: ``xl_not_xlsx`` (named .xlsx/.xlsm),
    ``xl_csv``, ``xl_lock_file``, ``xl_unreadable`` (named as a spreadsheet,
    e.g. .et or .xls) or ``xl_not_spreadsheet``.
    """
    where = str(path)
    data = _read_bytes(path)
    recalc = False
    cells: dict[str, _SheetCells] = {}
    if data[:8] == _OLE_MAGIC:
        kind = _ole_kind(path, data)
        cells = _xls_cells(data)
    elif data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                kind, scans = _zip_kind(path, z)
                if kind == KIND_XLSX:
                    recalc, cells = _ooxml_cells(path, z, scans)
                elif kind == KIND_ODS:
                    cells = _ods_cells(path, z)
                else:
                    cells = _xlsb_cells(z)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
            # a damaged, truncated, oddly compressed or password-protected zip member
            raise DataError("xl_corrupt", where=where) from None
    else:
        raise DataError(_not_a_workbook(path), where=where)
    check_extents(path, cells)
    sheets, hidden = _read_sheets(path, data, kind, cells)
    return Workbook(path, hashlib.sha256(data).hexdigest(), sheets, hidden, kind, recalc)


# -- how much is read -----------------------------------------------------------------------
# The one place that bounds what a workbook may make kctrack hold, all checked before calamine reads a
# cell: the file's size (env.max_file_bytes), what its zip expands to (env.max_uncompressed_bytes and
# MAX_RATIO, in _zip_kind), how many parts it has, and how far each sheet's cells reach.  calamine lays
# a sheet out as one block from A1 to its last used cell, so a 2 KB file holding one value at
# XFD1048576 asks for 17 billion cells (549 GB): the process would abort.  docs/security.md lists these.

MAX_PARTS = 10_000  # zip members: a return has 10–30; a workbook with many sheets and pictures a few hundred
# Cells from A1 to a sheet's last used cell (rows × columns), e.g. 100,000 rows × 50 columns.  A return
# reaches about 40 × 10; the largest real input, the bench's year of national returns in one sheet,
# 100,001 × 5.  calamine holds each cell in 32 bytes and Python adds 8 more: 200 MB at the limit.
MAX_SHEET_RANGE = 5_000_000
MAX_BOOK_RANGE = 10_000_000  # the same, summed over a workbook's sheets


@dataclass
class Extent:
    """How far a sheet's cells reach: its last used row and column, 1-based (0 and 0 when empty)."""

    rows: int = 0
    cols: int = 0

    @property
    def cells(self) -> int:
        """The cells from A1 to the last used one: what a reader lays out."""
        return self.rows * self.cols

    def cover(self, rows: int, cols: int) -> None:
        """Reach at least row ``rows`` and column ``cols`` (1-based)."""
        self.rows, self.cols = max(self.rows, rows), max(self.cols, cols)


def check_extents(path: Path, cells: dict[str, _SheetCells]) -> None:
    """Refuse a workbook a sheet of which reaches beyond :data:`MAX_SHEET_RANGE` cells, or whose sheets
    together reach beyond :data:`MAX_BOOK_RANGE`: DataError ``xl_range_too_large`` placed at
    ``file!sheet`` (naming its last cell), or ``xl_book_too_large`` at the file."""
    total = 0
    for name, found in cells.items():
        extent = found.extent
        if extent.cells > MAX_SHEET_RANGE:
            last = cell_ref(extent.rows - 1, extent.cols - 1)
            raise DataError(
                "xl_range_too_large",
                where=f"{path}!{name}",
                last=last,
                cells=f"{extent.cells:,}",
                limit=f"{MAX_SHEET_RANGE:,}",
            )
        total += extent.cells
    if total > MAX_BOOK_RANGE:
        raise DataError("xl_book_too_large", where=str(path), cells=f"{total:,}", limit=f"{MAX_BOOK_RANGE:,}")


# A cell reference beyond column Z or row 99,999: rare in a real sheet, so few matches to look at.  A
# row's own r="…" lays out nothing (a row without cells is no cell), so only cells' references count.
_FAR_REF = re.compile(rb"""r=\s*["']([A-Za-z]{2,}[0-9]+|[A-Za-z][0-9]{6,})["']""")
# A cell reference within Z99999 whose row has d digits, by d: only the longest is looked for
_NEAR_REF = {d: re.compile(rb"""r=\s*["'][A-Za-z][0-9]{%d}["']""" % d) for d in range(1, 6)}
_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*["']([^"']*)["']""")
# A shared-string cell, spelled as every writer spells it (t="s" last, <v> right after), whose index is
# not a plain whole number: calamine reads "-1", " 1", "x" as string 0.  Any other spelling is parsed.
_BAD_SHARED = re.compile(rb"""t=["']s["']><v>(?![0-9]+<|</)([^<]{0,40})""")
_SHARED = ((b't="s"', b't="s"><v>'), (b"t='s'", b"t='s'><v>"))
# Every writer puts a cell's r="…" first (<c r="A1" s="1">): tags counted against tags so begun.  A
# cell or row without r, or spelled otherwise (no attributes, a namespace prefix, a line break inside
# the tag), is placed by counting (calamine counts cells along the row): then the part is parsed.
_COUNTED = ((b"<c ", b"<c r="), (b"<row ", b"<row r="), *_SHARED)
_UNCOUNTED = (b"<c>", b"<c/", b"<row>", b"<row/", b":c ", b":row ", b"t =", b"t= ")
_BREAKS = (b"\n", b"\r", b"\t")  # memchr-fast; Excel writes one line break only, after <?xml …?>


class _Measure:
    """How far a worksheet part's cells reach, and whether a shared-string index is no number, by byte
    searches over its chunks (no parse).

    A cell beyond column Z or row 99,999 is rare, so only those references are
    read (:data:`_FAR_REF`).  Every other cell is within column Z and within
    the rows of as many digits as the longest such row number has (row 40 of a
    return: within Z99): a bound, found by searches that stop at their first
    match, exact enough while 26 × 99,999 stays well under
    :data:`MAX_SHEET_RANGE`.  When a cell or row may lack its reference, or a
    cell is spelled otherwise than every writer spells it (:data:`_COUNTED`,
    :data:`_UNCOUNTED`), :attr:`needs_parse` is set and the part is parsed
    (:func:`_parsed_part`).  The ``<dimension ref>`` counts too.
    """

    def __init__(self) -> None:
        self.extent = Extent()
        self.unmatched = 0  # tags not begun as every writer begins them
        self.needs_parse = False
        self.near_digits = 0  # the most digits of a row number within Z99999 seen
        self.dimension_done = False
        self.bad_shared: tuple[str | None, str] | None = None

    def feed(self, window: bytes, tail: bytes) -> None:
        """Measure one chunk: ``window`` is the chunk after ``tail``, the end of the chunk before."""
        if not self.needs_parse:
            for tag, begun in _COUNTED:
                self.unmatched += _count(window, tail, tag) - _count(window, tail, begun)
            body = window[64:] if not tail else window  # past <?xml …?> and its line break
            self.needs_parse = any(token in body for token in _BREAKS) or any(token in window for token in _UNCOUNTED)
        for ref in _FAR_REF.findall(window):
            self._cover(ref.decode("ascii"))
        for digits in range(5, self.near_digits, -1):
            if _NEAR_REF[digits].search(window):
                self.near_digits = digits
                break
        if not self.dimension_done:
            if (dim := _DIMENSION.search(window)) is not None:
                for ref in dim.group(1).decode("ascii", "replace").split(":"):
                    self._cover(ref)
            self.dimension_done = b"sheetData" in window
        if self.bad_shared is None and (bad := _BAD_SHARED.search(window)) is not None:
            start = window.rfind(b"<", 0, bad.start())
            ref = _CELL_REF_ATTR.search(window, start, bad.start())
            self.bad_shared = (
                ref.group(1).decode("ascii", "replace") if ref else None,
                bad.group(1).decode("utf-8", "replace"),
            )

    def _cover(self, ref: str) -> None:
        if (place := _parse_ref(ref.strip(), wide=True)) is not None:
            self.extent.cover(place[0] + 1, place[1] + 1)

    @property
    def exact(self) -> bool:
        """Whether the searches can tell: every cell and row spelled as every writer spells it."""
        return not (self.needs_parse or self.unmatched)

    def result(self) -> Extent:
        """The bound, once every chunk was fed (when :attr:`exact`)."""
        if self.near_digits:
            self.extent.cover(10**self.near_digits - 1, 26)
        return self.extent


def _count(window: bytes, tail: bytes, token: bytes) -> int:
    """How often ``token`` occurs in ``window`` and not wholly within ``tail`` (counted with the chunk before)."""
    return window.count(token) - tail.count(token)


def _parsed_part(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[Extent, tuple[str | None, str] | None]:
    """(how far a worksheet part's cells reach, its first shared-string cell whose index is no whole
    number), by parsing it.  A cell without ``r`` is placed both as a spreadsheet does (after the cell
    before it) and as calamine does (by counting along the row), the larger of the two kept."""
    from xml.parsers import expat

    extent = Extent()
    bad: list[tuple[str | None, str]] = []
    # 1-based: the row and the cell last read, and how many rows and cells of the row came so far
    row = col = rows_seen = cells_seen = 0
    cell: dict[str, Any] = {}  # the cell being read: its r, t and <v> text

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, rows_seen, cells_seen
        tag = name.rpartition(":")[2]
        if tag == "row":
            r = attrs.get("r", "").strip()
            rows_seen += 1
            row = int(r) if r.isdigit() else max(row + 1, rows_seen)
            col = cells_seen = 0
        elif tag == "c":
            cells_seen += 1
            ref = attrs.get("r", "").strip()
            place = _parse_ref(ref, wide=True)
            if place is not None:
                row, col = place[0] + 1, place[1] + 1
            else:
                row, col = max(row, rows_seen, 1), max(col + 1, cells_seen)
            extent.cover(row, col)
            cell.clear()
            cell.update(r=ref or None, t=attrs.get("t", "").strip(), v=None)
        elif tag == "v" and cell:
            cell["v"] = []
            parser.CharacterDataHandler = cell["v"].append
        elif tag == "dimension":
            for ref in attrs.get("ref", "").split(":"):
                if (place := _parse_ref(ref.strip(), wide=True)) is not None:
                    extent.cover(place[0] + 1, place[1] + 1)

    def end(name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v":
            parser.CharacterDataHandler = None
        elif tag == "c" and cell:
            text = "".join(cell["v"] or [])
            if cell["t"] == "s" and text and not (text.isascii() and text.isdigit()) and not bad:
                bad.append((cell["r"], text[:40]))
            cell.clear()

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _CellReader.refuse_doctype
    parser.EntityDeclHandler = _CellReader.refuse_entity
    with z.open(info) as stream:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return extent, (bad[0] if bad else None)


# BIFF12 (.xlsb) records that place a cell: BrtRowHdr gives the row, each cell record its column
_BRT_ROW_HDR, _BRT_WS_DIM = 0, 148
_BRT_CELLS = frozenset(range(1, 14))  # BrtCellBlank … BrtFmlaError, BrtCellRString (MS-XLSB 2.4)


def _xlsb_cells(z: zipfile.ZipFile) -> dict[str, _SheetCells]:
    """Worksheet part → how far its cells reach, for every ``*.bin`` part under ``xl/worksheets/`` (any
    case) of an .xlsb, by walking its records (MS-XLSB 2.1.4: a record type and a size, each a 7-bit
    varint); a record too short for the field read is passed over, one running past the end ends the walk."""
    out: dict[str, _SheetCells] = {}
    for info in z.infolist():
        name = info.filename.lower()
        if not (name.startswith("xl/worksheets/") and name.endswith(".bin")):
            continue
        data = z.read(info)
        extent = Extent()
        row, at, end = 0, 0, len(data)
        while at < end:
            kind, at = _varint(data, at, 2)
            size, at = _varint(data, at, 4)
            body = data[at : at + min(size, 16)]
            at += size
            if at > end:
                break
            if kind == _BRT_ROW_HDR and len(body) >= 4:
                row = int.from_bytes(body[:4], "little")
            elif kind in _BRT_CELLS and len(body) >= 4:
                extent.cover(row + 1, int.from_bytes(body[:4], "little") + 1)
            elif kind == _BRT_WS_DIM and len(body) == 16:
                extent.cover(int.from_bytes(body[4:8], "little") + 1, int.from_bytes(body[12:16], "little") + 1)
        out[info.filename] = _SheetCells(extent=extent)
    return out


def _varint(data: bytes, at: int, most: int) -> tuple[int, int]:
    """A BIFF12 record's type (at most 2 bytes) or size (at most 4): 7 bits a byte, the high bit says more."""
    value = shift = 0
    for _ in range(most):
        if at >= len(data):
            break
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, at


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, once checked to be a non-empty file within :func:`kctrack.env.max_file_bytes`."""
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise DataError("xl_missing", where=where) from None
    if path.is_dir():
        raise DataError("xl_missing", where=where)
    if size == 0:
        raise DataError("xl_empty", where=where)
    most = env.max_file_bytes()
    if size > most:
        raise DataError("xl_too_big", where=where, mb=most // 2**20)
    try:
        return path.read_bytes()
    except OSError:
        raise DataError("xl_missing", where=where) from None


def _ole_kind(path: Path, data: bytes) -> str:
    """An OLE2 container: an encrypted .xlsx is refused (``xl_ole``); anything else may be BIFF (.xls, .et)."""
    if any(name in data for name in _ENCRYPTED_STREAMS):
        raise DataError("xl_ole", where=str(path))
    return KIND_XLS


def _zip_kind(path: Path, z: zipfile.ZipFile) -> tuple[str, dict[str, _PartScan]]:
    """(which workbook a zip holds, what the scan of each of its XML parts found).

    The number of parts and the sizes are checked first (:data:`MAX_PARTS`, the
    uncompressed size and ratio), then every XML part is scanned for a DOCTYPE;
    worksheet parts (``xl/worksheets/…``) are measured as well (:func:`_scan_xml`).
    """
    where = str(path)
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise DataError("xl_too_many_parts", where=where, count=f"{len(infos):,}", limit=f"{MAX_PARTS:,}")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > env.max_uncompressed_bytes() or total / packed > MAX_RATIO and total > 10 * 2**20:
        raise DataError("xl_bomb", where=where, mb=total // 2**20)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        kind = KIND_XLSX
    elif "xl/workbook.bin" in names:
        kind = KIND_XLSB
    elif "content.xml" in names and _is_ods(z, names):
        kind = KIND_ODS
    else:
        raise DataError(_not_a_workbook(path), where=where)
    scans: dict[str, _PartScan] = {}
    for info in infos:
        if info.filename.lower().endswith(_XML_PARTS):
            scan = _scan_xml(z, info, measure=None if kind == KIND_XLSX else False)
            if scan.doctype:
                raise DataError("xl_doctype", where=f"{where}!{info.filename}")
            scans[info.filename] = scan
    return kind, scans


def _is_ods(z: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument spreadsheet (not a text document): by its ``mimetype`` member, if it has one."""
    if "mimetype" not in names:
        return True
    return z.read("mimetype")[:100].strip().startswith(_ODS_MIMETYPES)


_XML_PARTS = (".xml", ".rels", ".vml")  # the parts scanned for a DOCTYPE
# A formula (<f>, also prefixed as <x:f>) or an error cell (t="e"): bytes searched, faster than a regex.
_CELL_MARKS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b't="e"', b"t='e'")


@dataclass
class _PartScan:
    """What one pass over an XML part's bytes found.

    ``doctype``: it declares a DOCTYPE or entities.  ``marked``: it has a
    formula or an error cell.  For a measured worksheet part: ``extent``, how
    far its cells and its ``<dimension>`` reach (None when not measured), and
    ``bad_shared``, the first shared-string cell whose index is not a whole number
    (as ``(cell reference or None, the text)``).
    """

    doctype: bool = False
    marked: bool = False
    extent: Extent | None = None
    bad_shared: tuple[str | None, str] | None = None


def _scan_xml(z: zipfile.ZipFile, info: zipfile.ZipInfo, *, measure: bool | None = False) -> _PartScan:
    """One pass over an XML part, read in chunks of 1 MB: see :class:`_PartScan`.

    No genuine workbook part declares a DOCTYPE; refusing any, wherever it
    stands, keeps entity expansion out of every parser that reads the file later.
    Measuring is :class:`_Measure`'s (byte searches), or :func:`_parsed_part`'s
    when those cannot tell; ``measure=None`` measures a part whose root is a
    worksheet, whatever it is called.
    """
    scan = _PartScan()
    measuring: _Measure | None = None
    with z.open(info) as f:
        tail = b""
        while chunk := f.read(1 << 20):
            window = tail + chunk
            scan.doctype = b"<!DOCTYPE" in window or b"<!ENTITY" in window
            if scan.doctype:
                break
            if not tail and (measure or (measure is None and b"worksheet" in chunk[:4096])):
                measuring = _Measure()
            scan.marked = scan.marked or any(mark in window for mark in _CELL_MARKS)
            if measuring is not None:
                measuring.feed(window, tail)
            tail = chunk[-64:]
    if measuring is not None and not scan.doctype:
        if measuring.exact:
            scan.extent, scan.bad_shared = measuring.result(), measuring.bad_shared
        else:
            scan.extent, scan.bad_shared = _parsed_part(z, info)
    return scan


# -- 3. the values -------------------------------------------------------------------------


def _read_sheets(
    path: Path, data: bytes, kind: str, cells: dict[str, _SheetCells]
) -> tuple[list[Sheet], dict[str, list[list[Any]]]]:
    """Every worksheet's values by calamine, with the saved errors put back from ``cells``."""
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    where = str(path)
    sheets: list[Sheet] = []
    hidden: dict[str, list[list[Any]]] = {}
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise DataError("xl_ole", where=where) from None
    except Exception as exc:  # calamine raises its own error types for damaged parts
        if kind == KIND_XLS:  # an OLE2 file calamine cannot read: a password, or not a workbook
            key = "xl_ole" if path.suffix.lower() in OOXML_SUFFIXES else _not_a_workbook(path)
            raise DataError(key, where=where) from None
        raise DataError("xl_corrupt_detail", where=where, reason=first_line(exc)) from None
    try:
        with wb:
            for meta in wb.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # a chart, macro or dialog sheet holds no figures
                sheet = wb.get_sheet_by_name(meta.name)
                rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
                found = cells.get(meta.name)
                if found is not None:
                    _put_saved_results(rows, found)
                if meta.visible != SheetVisibleEnum.Visible or meta.name.startswith("_"):
                    hidden[meta.name] = rows
                else:
                    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
                    if found is None:
                        sheets.append(Sheet(meta.name, rows, merged))
                    else:
                        merged = merged or found.merged  # calamine gives no merged ranges for .ods
                        sheets.append(Sheet(meta.name, rows, merged, found.kinds, found.percent))
    except PasswordError:  # an .xls with a password may open and refuse its sheets
        raise DataError("xl_ole", where=where) from None
    except Exception as exc:
        raise DataError("xl_corrupt_detail", where=where, reason=first_line(exc)) from None
    return sheets, hidden


def first_line(exc: BaseException) -> str:
    """An exception's message as a reason inside a message: its first line, at most 200 characters
    (its type's name when it says nothing)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _put_saved_results(rows: list[list[Any]], found: _SheetCells) -> None:
    """Saved error values as their text, empty-string formula results as ``""`` (rows stay rectangular)."""
    if not (found.errors or found.kinds):
        return
    width = max((len(row) for row in rows), default=0)
    for (r, c), text in found.errors.items():
        if r >= len(rows) or c >= width:
            width = max(width, c + 1)
            rows.extend([] for _ in range(r + 1 - len(rows)))
            for row in rows:
                row.extend([""] * (width - len(row)))
        rows[r][c] = text
    for (r, c), kind in found.kinds.items():
        if kind == FORMULA_EMPTY and r < len(rows) and c < len(rows[r]):
            rows[r][c] = ""


# -- 4. what the cells hold (OOXML) --------------------------------------------------------


@dataclass
class _SheetCells:
    """What a sheet's cells say beyond their values, 0-based (row, col): formula kinds, error texts,
    percentage formats, (.ods) merged ranges, and how far the cells reach (:func:`check_extents`)."""

    kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    extent: Extent = field(default_factory=Extent)


_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def _ooxml_cells(path: Path, z: zipfile.ZipFile, scans: dict[str, _PartScan]) -> tuple[bool, dict[str, _SheetCells]]:
    """(recalc_on_load, sheet name → how far its cells reach, and its formula, error and percentage cells)
    of an OOXML workbook.

    ``scans`` are :func:`_zip_kind`'s; a worksheet part named otherwise is
    scanned and measured here (for a DOCTYPE too).  Only the parts holding a
    formula or an error value are parsed.  Percentage cells are found only
    when xl/styles.xml has a percentage cell format (:func:`_percent_styles`):
    by that parse when it runs, else by a byte search (:func:`_percent_cells`).
    A part that does not parse raises ``xl_corrupt_detail``; a shared-string
    cell whose index is not a number ``xl_bad_shared_string`` at ``file!sheet!cell``.
    """
    from xml.parsers.expat import ExpatError

    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    where = str(path)
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"), forbid_dtd=True)
        recalc = any(
            _local(el.tag) == "calcPr" and el.get("fullCalcOnLoad", "").lower() in ("1", "true") for el in book.iter()
        )
        parts = _sheet_parts(book, z)
        styles = _percent_styles(z)
        out: dict[str, _SheetCells] = {}
        members = {info.filename.lower(): info for info in z.infolist()}  # calamine looks parts up in any case
        for name, part in parts.items():
            info = members.get(part.lower())
            if info is None:
                continue  # calamine reports a missing part
            scan = scans.get(info.filename)
            if scan is None or scan.extent is None:
                scan = _scan_xml(z, info, measure=True)
                if scan.doctype:
                    raise DataError("xl_doctype", where=f"{where}!{part}")
            if scan.bad_shared is not None:
                ref, text = scan.bad_shared
                place = f"{where}!{name}!{ref}" if ref else f"{where}!{name}"  # a cell without r is named by its sheet
                raise DataError("xl_bad_shared_string", where=place, value=text)
            found = _SheetCells()
            if scan.marked:
                with z.open(info) as stream:
                    found = _cell_results(stream, styles)
            elif styles:
                percent = _percent_cells(z.read(info), styles)
                if percent is None:  # a cell without r="…": only a parse can place it
                    with z.open(info) as stream:
                        found = _cell_results(stream, styles)
                else:
                    found.percent = percent
            found.extent = scan.extent or Extent()
            out[name] = found
        named = {part.lower() for part in parts.values()}
        for part, scan in scans.items():  # a worksheet no sheet names: counted all the same
            if scan.extent is not None and part.lower() not in named:
                out.setdefault(part, _SheetCells(extent=scan.extent))
    except DefusedXmlException:
        raise DataError("xl_doctype", where=where) from None
    except (ET.ParseError, ExpatError) as exc:
        raise DataError("xl_corrupt_detail", where=where, reason=first_line(exc)) from None
    return recalc, out


def _sheet_parts(book: Any, z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML, from xl/workbook.xml and xl/_rels/workbook.xml.rels."""
    import defusedxml.ElementTree as ET

    # found in any case, as calamine finds it: a sheet it reads through these relationships is measured
    member = next((i for i in z.infolist() if i.filename.lower() == "xl/_rels/workbook.xml.rels"), None)
    if member is None:
        return {}
    rels = ET.fromstring(z.read(member), forbid_dtd=True)
    targets: dict[str, str] = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship" and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = part
    parts: dict[str, str] = {}
    for el in book.iter():
        if _local(el.tag) == "sheet":
            rid = el.get(f"{{{_NS_REL}}}id") or el.get(f"{{{_NS_REL_STRICT}}}id") or ""
            if rid in targets and el.get("name"):
                parts[el.get("name")] = targets[rid]
    return parts


def _cell_results(stream: IO[bytes], percent_styles: frozenset[str] = frozenset()) -> _SheetCells:
    """Stream-parse one worksheet part: every formula cell's saved result, every error cell's text,
    every cell whose style ``s`` is one of ``percent_styles``.

    Reads ``<c r="E6" t="e"><f>…</f><v>#REF!</v></c>``; a cell or row without
    ``r`` follows the one before it; the cells of an array formula's range
    count as formula cells.  Expat is driven directly, holding no tree (memory
    stays flat, and it is several times faster than ``iterparse`` on sheets of
    many formulas); a DOCTYPE or entity declaration raises a
    ``DefusedXmlException`` (the byte scan refused them already), malformed
    XML an ``ExpatError``.
    """
    reader = _CellReader(percent_styles)
    while chunk := stream.read(1 << 20):
        reader.parser.Parse(chunk, False)
    reader.parser.Parse(b"", True)
    return reader.out


class _CellReader:
    """The expat handlers of :func:`_cell_results`: the state of the cell being read."""

    def __init__(self, percent_styles: frozenset[str] = frozenset()) -> None:
        from xml.parsers import expat

        self.out = _SheetCells()
        self.percent_styles = percent_styles
        self.percent = False
        self.arrays: list[tuple[int, int, int, int]] = []
        self.names: dict[str, str] = {}  # qualified name → local name
        self.row = self.col = -1
        self.ref: str | None = None  # the r="E6" of the cell being read, parsed only when it is kept
        self.last_ref: str | None = None  # the row's last r="…", for a following cell without one
        self.type = "n"
        self.formula = self.in_inline = False
        self.value: str | None = None
        self.inline: str | None = None
        self.text: list[str] = []
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.refuse_doctype
        self.parser.EntityDeclHandler = self.refuse_entity

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self.names.get(name) or self.names.setdefault(name, name.rpartition(":")[2])
        if tag == "c":
            self.ref = attrs.get("r")
            if self.ref is not None:
                self.last_ref = self.ref
            else:
                if self.last_ref is not None:
                    self.col = (_parse_ref(self.last_ref) or (0, self.col))[1]
                    self.last_ref = None
                self.col += 1
            self.type = attrs.get("t", "n")
            self.formula = False
            if self.percent_styles:
                self.percent = attrs.get("s") in self.percent_styles
            self.value = self.inline = None
        elif tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) - 1 if r.isdigit() else self.row + 1
            self.col = -1
            self.last_ref = None
        elif tag == "f":
            self.formula = True
            if attrs.get("t") in ("array", "dataTable") and (span := _parse_range(attrs.get("ref", ""))):
                self.arrays.append(span)
        elif tag == "v" or (tag == "t" and self.in_inline):
            self.text = []
            self.parser.CharacterDataHandler = self.text.append
        elif tag == "is":
            self.in_inline, self.inline = True, ""

    def end(self, name: str) -> None:
        tag = self.names[name]
        if tag == "c":
            self.close_cell()
        elif tag == "v":
            self.value = "".join(self.text)
            self.parser.CharacterDataHandler = None
        elif tag == "t" and self.in_inline:
            self.inline = (self.inline or "") + "".join(self.text)
            self.parser.CharacterDataHandler = None
        elif tag == "is":
            self.in_inline = False

    def close_cell(self) -> None:
        error = self.type == "e" and self.value and self.value.strip()
        if not (error or self.formula or self.arrays or self.percent):
            return  # most cells: a plain value, nothing to record
        r, c = (_parse_ref(self.ref) if self.ref else None) or (self.row, self.col)
        if self.percent:
            self.out.percent.add((r, c))
        if error:
            self.out.errors[(r, c)] = error
        if self.formula or any(r0 <= r <= r1 and c0 <= c <= c1 for r0, c0, r1, c1 in self.arrays):
            self.out.kinds[(r, c)] = _saved_result(self.type, self.value, self.inline)

    @staticmethod
    def refuse_doctype(name: str, sysid: str | None, pubid: str | None, internal: bool) -> None:
        from defusedxml import DTDForbidden

        raise DTDForbidden(name, sysid, pubid)

    @staticmethod
    def refuse_entity(name: str, is_param: bool, value: Any, base: Any, sysid: Any, pubid: Any, notation: Any) -> None:
        from defusedxml import EntitiesForbidden

        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _saved_result(t: str, value: str | None, inline: str | None) -> str:
    """The kind of result a formula cell was saved with, from its type ``t`` and its ``<v>`` or ``<is>`` text."""
    if t == "e":
        return FORMULA_ERROR
    if t == "inlineStr":
        if inline is None:
            return FORMULA_NONE
        return FORMULA_EMPTY if inline == "" else FORMULA_VALUE
    if value is None:
        return FORMULA_NONE
    if value == "":
        return FORMULA_EMPTY if t == "str" else FORMULA_NONE
    return FORMULA_VALUE


def _local(tag: Any) -> str:
    """An element's name without its namespace (transitional and strict OOXML alike)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9]\d{0,6})")
_REF_WIDE = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """0-based column of ``A``, ``B``, …, ``XFD`` (any case)."""
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - 64
    return col - 1


def _parse_ref(ref: str, *, wide: bool = False) -> tuple[int, int] | None:
    """0-based (row, col) of an A1 reference such as ``E6`` or ``$E$6``; None if it is not one.

    ``wide``: any number of letters and digits (``ZZZZ0099999999``), as a hostile file may write and a
    reader may still place: for measuring how far cells reach, never for naming a cell.
    """
    match = (_REF_WIDE if wide else _REF).fullmatch(ref)
    return (int(match.group(2)) - 1, _column_index(match.group(1))) if match else None


def _parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """0-based (first_row, first_col, last_row, last_col) of ``E1:E3`` or ``E1``; None if not one."""
    first, _, last = ref.partition(":")
    a, b = _parse_ref(first), _parse_ref(last or first)
    return (*a, *b) if a and b else None


# -- percentage formats (OOXML) ------------------------------------------------------------

_PERCENT_BUILTIN = frozenset({9, 10})  # 0% and 0.00%
# In a number format code: quoted text, [colour]/[condition]/[$-locale] brackets, \\x escapes, _x spaces and *x fills
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _is_percent_format(code: str) -> bool:
    """A number format code that shows a percentage: a ``%`` outside quotes, brackets and escapes."""
    return "%" in _FORMAT_LITERALS.sub("", code)


def _percent_styles(z: zipfile.ZipFile) -> frozenset[str]:
    """The indices (as the text of ``s="…"``) of the cell formats in xl/styles.xml that show a percentage."""
    import defusedxml.ElementTree as ET

    try:
        styles = ET.fromstring(z.read("xl/styles.xml"), forbid_dtd=True)
    except KeyError:
        return frozenset()
    custom: dict[str, str] = {}
    xfs: list[str] = []
    for el in styles:
        tag = _local(el.tag)
        if tag == "numFmts":
            custom = {f.get("numFmtId", ""): f.get("formatCode", "") for f in el if _local(f.tag) == "numFmt"}
        elif tag == "cellXfs":
            xfs = [xf.get("numFmtId", "0") for xf in el if _local(xf.tag) == "xf"]
    found = set()
    for index, fmt in enumerate(xfs):
        code = custom.get(fmt)
        if _is_percent_format(code) if code is not None else fmt.isdigit() and int(fmt) in _PERCENT_BUILTIN:
            found.add(str(index))
    return frozenset(found)


_CELL_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")


def _percent_cells(xml: bytes, styles: frozenset[str]) -> set[tuple[int, int]] | None:
    """The cells of a worksheet part whose ``s`` is one of ``styles``, by a byte search over its cell tags.

    The search is for the attribute (``s="3"``: a literal, found many times
    faster than a pattern over every tag), then the tag around it is checked to
    be a cell's.  None when such a cell has no ``r="…"`` (its place follows from
    the cells before it), or the part spaces its attributes' ``=``: then
    :func:`_cell_results` must read the part.
    """
    if b"s =" in xml or b"s= " in xml:
        return None
    alternatives = b"|".join(re.escape(s.encode()) for s in sorted(styles))
    pattern = re.compile(rb"""s=["'](?:""" + alternatives + rb""")["']""")
    found: set[tuple[int, int]] = set()
    for match in pattern.finditer(xml):
        at = match.start()
        start = xml.rfind(b"<", 0, at)
        head = xml[start:at]
        if not (xml[at - 1 : at].isspace() and _CELL_TAG.match(head)) or b">" in head:
            continue  # another attribute (cs="3"), another element, or text
        tag = xml[start : xml.find(b">", at)]
        ref = _CELL_REF_ATTR.search(tag)
        place = _parse_ref(ref.group(1).decode("ascii", "replace")) if ref else None
        if place is None:
            return None
        found.add(place)
    return found


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s")


# -- what the cells hold (.ods) ------------------------------------------------------------

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
# The error texts LibreOffice, OpenOffice and Excel show (Err:502 and the like are LibreOffice's own).
_ODS_ERROR_TEXT = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A)|Err:\d{3}")
# The most positions of a repeated formula, percentage or merged cell recorded (LibreOffice writes the
# empty rest of a sheet as one cell repeated 16,384 times, or one row repeated a million times).
_ODS_MAX_REPEAT = 1024


def _ods_cells(path: Path, z: zipfile.ZipFile) -> dict[str, _SheetCells]:
    """Sheet name → its formula, error, percentage cells and merged ranges, stream-parsed from content.xml.

    content.xml was scanned for a DOCTYPE already; a declaration met here is
    refused all the same, malformed XML raises ``xl_corrupt_detail``.
    """
    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException

    reader = _OdsReader()
    try:
        with z.open("content.xml") as stream:
            while chunk := stream.read(1 << 20):
                reader.parser.Parse(chunk, False)
            reader.parser.Parse(b"", True)
        extents = _ods_extents(z)
    except DefusedXmlException:
        raise DataError("xl_doctype", where=f"{path}!content.xml") from None
    except ExpatError as exc:
        raise DataError("xl_corrupt_detail", where=str(path), reason=first_line(exc)) from None
    for name, extent in extents.items():
        reader.out.setdefault(name, _SheetCells()).extent = extent
    return reader.out


def _ods_extents(z: zipfile.ZipFile) -> dict[str, Extent]:
    """Sheet name → how far its cells reach, from content.xml read as calamine reads it: by the literal
    names ``table:table-row`` and ``table:table-cell`` (whatever namespace the prefixes are bound to),
    rows and cells repeated as often as ``number-rows-repeated`` and ``number-columns-repeated`` say.
    A cell reaches when it holds something: an ``office:…value…`` attribute, a formula, or an element."""
    from xml.parsers import expat

    out: dict[str, Extent] = {}
    state = {"depth": 0, "row": 0, "col": 0, "row_repeat": 1, "cell_repeat": 1, "reach": 0, "in_cell": False}
    sheet: list[Extent] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "table:table":
            state["depth"] += 1
            if state["depth"] == 1:
                sheet[:] = [out.setdefault(attrs.get("table:name", ""), Extent())]
                state["row"] = 0
            return
        if state["depth"] != 1 or not sheet:
            return
        if state["in_cell"]:
            state["full"] = True  # a paragraph, an annotation: the reader reads the cell
        elif name == "table:table-row":
            state["col"] = state["reach"] = 0
            state["row_repeat"] = _repeat(attrs.get("table:number-rows-repeated"))
        elif name in ("table:table-cell", "table:covered-table-cell"):
            state["cell_repeat"] = _repeat(attrs.get("table:number-columns-repeated"))
            state["in_cell"] = True
            state["full"] = "table:formula" in attrs or any(k.startswith("office:") and "value" in k for k in attrs)

    def end(name: str) -> None:
        if name == "table:table":
            state["depth"] -= 1
        elif state["depth"] != 1 or not sheet:
            return
        elif name in ("table:table-cell", "table:covered-table-cell"):
            if state.get("full"):
                state["reach"] = state["col"] + state["cell_repeat"]
            state["col"] += state["cell_repeat"]
            state["in_cell"], state["full"] = False, False
        elif name == "table:table-row":
            if state["reach"]:
                sheet[0].cover(state["row"] + state["row_repeat"], state["reach"])
            state["row"] += state["row_repeat"]

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _CellReader.refuse_doctype
    parser.EntityDeclHandler = _CellReader.refuse_entity
    with z.open("content.xml") as stream:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return out


@dataclass
class _OdsCell:
    """A cell of the row being read that says more than its value."""

    col: int
    formula: bool
    percent: bool
    rows: int  # spanned
    cols: int
    value_type: str | None = None  # office:value-type
    calc_type: str | None = None  # calcext:value-type
    string: str | None = None  # office:string-value
    repeat: int = 1  # number-columns-repeated
    text: list[str] = field(default_factory=list)

    def kind(self) -> tuple[str, str]:
        """(what the formula's saved result is, its error text if an error)."""
        text = "".join(self.text).strip()
        if self.calc_type == "error":
            return FORMULA_ERROR, text or "#VALUE!"
        if self.value_type not in (None, "string"):
            return FORMULA_VALUE, ""
        if self.string:
            return FORMULA_VALUE, ""
        if self.calc_type is None and _ODS_ERROR_TEXT.fullmatch(text):
            return FORMULA_ERROR, text  # a file saved without calcext: the error is only its text
        return (FORMULA_VALUE if text and self.string is None else FORMULA_EMPTY), ""


class _OdsReader:
    """The expat handlers of :func:`_ods_cells`: the table, row and cell being read.

    Positions follow ``table:number-rows-repeated`` and
    ``table:number-columns-repeated``; a ``table:covered-table-cell`` (hidden
    under a merged cell) takes a position too.  A nested table (inside a cell)
    is not a sheet and is passed over.  LibreOffice saves a formula's error
    result as ``calcext:value-type="error"`` with its text (``#DIV/0!``,
    ``Err:502``), and an empty-string result with no value type at all.
    """

    def __init__(self) -> None:
        from xml.parsers import expat

        self.out: dict[str, _SheetCells] = {}
        self.sheet: _SheetCells | None = None
        self.depth = 0  # of table:table elements
        self.row = self.col = 0  # the position of the row being read, and of the next cell in it
        self.row_repeat = 1
        self.row_cells: list[_OdsCell] = []
        self.cell: _OdsCell | None = None
        self.cell_repeat = 1
        self.paragraphs = 0
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = _CellReader.refuse_doctype
        self.parser.EntityDeclHandler = _CellReader.refuse_entity

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _ODS_TABLE:
            self.depth += 1
            if self.depth == 1:
                self.sheet = self.out.setdefault(attrs.get(f"{_NS_TABLE} name", ""), _SheetCells())
                self.row = 0
            return
        if self.depth != 1:
            return
        if name in _ODS_CELLS:
            self.cell_repeat = _repeat(attrs.get(f"{_NS_TABLE} number-columns-repeated"))
            formula = f"{_NS_TABLE} formula" in attrs
            value_type = attrs.get(f"{_NS_OFFICE} value-type")
            rows = _repeat(attrs.get(f"{_NS_TABLE} number-rows-spanned"))
            cols = _repeat(attrs.get(f"{_NS_TABLE} number-columns-spanned"))
            if not formula and value_type != "percentage" and rows == cols == 1:
                return  # most cells: a plain value, nothing to record
            self.cell = _OdsCell(self.col, formula, value_type == "percentage", rows, cols, repeat=self.cell_repeat)
            if formula:
                self.cell.value_type = value_type
                self.cell.calc_type = attrs.get(f"{_NS_CALCEXT} value-type")
                self.cell.string = attrs.get(f"{_NS_OFFICE} string-value")
                self.paragraphs = 0
        elif name == _ODS_ROW:
            self.col = 0
            self.row_repeat = _repeat(attrs.get(f"{_NS_TABLE} number-rows-repeated"))
            self.row_cells = []
        elif name == _ODS_P and self.cell is not None and self.cell.formula:
            if self.paragraphs:
                self.cell.text.append("\n")
            self.paragraphs += 1
            self.parser.CharacterDataHandler = self.cell.text.append

    def end(self, name: str) -> None:
        if name == _ODS_TABLE:
            self.depth -= 1
            return
        if self.depth != 1 or self.sheet is None:
            return
        if name in _ODS_CELLS:
            if self.cell is not None:
                self.row_cells.append(self.cell)
                self.cell = None
                self.parser.CharacterDataHandler = None
            self.col += self.cell_repeat
            self.cell_repeat = 1
        elif name == _ODS_P:
            self.parser.CharacterDataHandler = None
        elif name == _ODS_ROW:
            if self.row_cells:
                self.record(self.sheet)
            self.row += self.row_repeat

    def record(self, sheet: _SheetCells) -> None:
        """The cells of the row just read that say more than their value, at every position repeats give them."""
        for cell in self.row_cells:
            kind, error = cell.kind() if cell.formula else ("", "")
            for r in range(self.row, self.row + min(self.row_repeat, _ODS_MAX_REPEAT)):
                if cell.rows > 1 or cell.cols > 1:
                    sheet.merged.append((r, cell.col, r + cell.rows - 1, cell.col + cell.cols - 1))
                for c in range(cell.col, cell.col + min(cell.repeat, _ODS_MAX_REPEAT)):
                    if kind:
                        sheet.kinds[(r, c)] = kind
                    if error:
                        sheet.errors[(r, c)] = error
                    if cell.percent:
                        sheet.percent.add((r, c))


_ODS_TABLE = f"{_NS_TABLE} table"
_ODS_ROW = f"{_NS_TABLE} table-row"
_ODS_CELLS = frozenset({f"{_NS_TABLE} table-cell", f"{_NS_TABLE} covered-table-cell"})
_ODS_P = f"{_NS_TEXT} p"


def _repeat(value: str | None) -> int:
    """A repeat or span count: 1 when absent or not a positive number."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


# -- what the cells hold (.xls) ------------------------------------------------------------


def _xls_cells(data: bytes) -> dict[str, _SheetCells]:
    """Sheet name → its error, empty-string and percentage cells of a BIFF workbook (.xls, WPS .et), by xlrd.

    calamine reads a saved error (``#DIV/0!``) as ``""``, so a broken formula
    would look blank; xlrd gives its code.  A text cell holding ``""`` is an
    empty-string formula result (``=IF(A1="","",A1)``).  xlrd does not say
    which other cells are formulas, and a formula whose saved result is a
    number is that number: LibreOffice saves an empty-string result as 0 when
    the cell has a number format, and no reader can tell it from a real 0.
    A file xlrd cannot read gives nothing here (calamine's values stand, or
    calamine refuses the file).
    """
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO(), verbosity=0
        )
    except Exception:  # xlrd raises many kinds on files it cannot read; calamine decides about those
        return {}
    out: dict[str, _SheetCells] = {}
    try:
        percent_xfs = _xls_percent_xfs(book)
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            found = _SheetCells(extent=Extent(sheet.nrows, sheet.ncols))
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                for c, ctype in enumerate(types):
                    if ctype == xlrd.XL_CELL_ERROR:
                        found.kinds[(r, c)] = FORMULA_ERROR
                        found.errors[(r, c)] = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!")
                    elif ctype == xlrd.XL_CELL_TEXT and sheet.cell_value(r, c) == "":
                        found.kinds[(r, c)] = FORMULA_EMPTY
                    if percent_xfs and ctype != xlrd.XL_CELL_EMPTY and sheet.cell_xf_index(r, c) in percent_xfs:
                        found.percent.add((r, c))
            out[sheet.name] = found
            book.unload_sheet(index)
    except Exception:
        return {}
    finally:
        book.release_resources()
    return out


def _xls_percent_xfs(book: Any) -> set[int]:
    """The indices of a BIFF workbook's cell formats (XF records) whose number format shows a percentage."""
    found = set()
    for index, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        code = fmt.format_str if fmt is not None else ""
        if xf.format_key in _PERCENT_BUILTIN or _is_percent_format(code):
            found.add(index)
    return found


# -- cells ---------------------------------------------------------------------------------


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
