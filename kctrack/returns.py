"""Reading monthly returns (月报): workbooks in, validated returns and every problem out.

Reading is a pipeline of small named steps; each rule has one home:

1. **files** — :func:`kctrack.excel.expand_paths` names every file of a folder
   it will not read; :func:`kctrack.excel.open_workbook` refuses unsafe files and
   keeps hidden and very-hidden sheets out of the data.
2. **header** — :func:`find_header`: the heading synonyms are one table,
   :data:`HEADINGS`; a header may take one row or two (完成情况 merged over
   本月 / 累计).
3. **labels** — :func:`sheet_labels`: the unit and month written above the
   header (``填报单位 | 苏州市`` or ``填报单位：苏州市科协`` in one cell), else the
   template's hidden sheet, else ``--unit``/``--month``; an option that
   contradicts the sheet is refused.
4. **rows** — :class:`SheetReader`: blank rows, total rows (合计, compared with
   the rows they total), merged key cells applied to every row they cover,
   the code, unit and month of each row, who may report it.
5. **cells** — :meth:`SheetReader.figure`: formula results that are not
   figures (never calculated, errors, empty strings), then the one parser of
   numbers (:func:`kctrack.parse.parse_number`), whole numbers for counts, a
   bound on what is plausible.
6. **sheet end** — unknown columns holding figures are named; a form with a
   unit and a month and no figure is a nil return.

Checking a return against the series already stored (本月 against 累计, late and
corrected months, quotas) is :func:`kctrack.service.import_returns`'s, in the
write transaction.  Every problem is placed at ``file!sheet!cell``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kctrack.errors import DataError, KctrackError
from kctrack.excel import (
    OOXML_SUFFIXES,
    Sheet,
    Workbook,
    cell_ref,
    expand_paths,
    first_line,
    is_blank,
    norm_text,
    open_workbook,
)
from kctrack.files import replacing
from kctrack.parse import IMPLAUSIBLE_FACTOR, MAX_FIGURE, NOTE_MAX_CHARS, exact, parse_done, parse_month, parse_number
from kctrack.plan import Bilingual, Milestone, Plan, Target
from kctrack.template import META_SHEET

HEADER_SCAN_ROWS = 30  # a header lower than this is not looked for: no real return has one

# The headings kctrack reads, each with the ways clerks write it: the one table of synonyms.
# Compared after :func:`heading_key` has normalised the text (full-width, case, spaces, a bracketed
# unit such as （个）, a trailing 数/值/量 as in 本月完成数).
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": ("指标编号", "编号", "指标代码", "代码", "指标编码", "code", "target_code"),
    "name": ("指标名称", "指标", "名称", "指标内容", "目标任务", "name", "target_name"),
    "uom": ("计量单位", "计量", "unit_of_measure", "uom"),
    "quota": ("本单位任务", "任务", "目标", "目标值", "年度目标", "全年目标", "任务目标", "quota"),
    "this_month": (
        "本月完成",
        "本月",
        "当月完成",
        "当月",
        "本期完成",
        "本期",
        "本月新增",
        "当月新增",
        "本月实际完成",
        "this_month",
    ),
    "cumulative": (
        "累计完成",
        "累计",
        "本年累计",
        "年度累计",
        "年累计",
        "截至本月累计",
        "截止本月累计",
        "累计至本月",
        "自年初累计",
        "cumulative",
        "ytd",
    ),
    "previous": ("上月累计", "截至上月累计", "截止上月累计", "cumulative_to_last_month"),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks"),
    "seq": ("序号", "行号", "no", "seq"),  # read past: a row number is no figure
    "unit": ("填报单位", "单位", "报送单位", "填报单位名称", "地区", "设区市", "unit", "reporting_unit"),
    "month": ("月份", "填报月份", "报告期", "统计月份", "所属月份", "报送月份", "month", "period"),
}
_HEADING = {alias.lower().replace("_", ""): key for key, aliases in HEADINGS.items() for alias in aliases}
_TRAILING = ("数值", "数量", "数", "值", "量", "情况")
# a leading "so far" that leaves the heading's meaning whole; a month range (1-5月累计) is not stripped: it
# may be the months before this one, and reading it as 累计 would land a wrong figure
_PERIOD = re.compile(r"^(?:截[至止](?:本月|当月|目前|本期)?|自年初)")
FIGURES = ("this_month", "cumulative")
UNREAD_REFUSED = frozenset({"xl_csv", "xl_unreadable"})  # files of a folder that look like returns kctrack cannot read
KEY_COLUMNS = ("code", "name", "uom", "quota", "unit", "month", "note")  # a merged cell here applies to every row
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "total", "sum", "subtotal", "grandtotal"})
_SUBTOTAL = ("小计", "subtotal")


def total_kind(value: Any) -> str | None:
    """``"sub"`` for a 小计 line, ``"grand"`` for 合计/总计 (全省合计, 合 计, 合计：), else None."""
    if value.__class__ is not str:
        return None
    text = re.sub(r"[\s:：]", "", norm_text(value).lower())
    if text.endswith(_SUBTOTAL):
        return "sub"
    if text in TOTAL_WORDS or text.endswith(("合计", "总计")):
        return "grand"
    return None


def heading_key(value: Any) -> str | None:
    """The column a heading names (a key of :data:`HEADINGS`), or None."""
    if value is None or value.__class__ is not str:
        return None
    text = norm_text(value).lower().replace(" ", "").replace("_", "").replace("\n", "").rstrip(":：")
    for cut in ("（", "("):
        if cut in text:
            text = text.split(cut, 1)[0]
    for candidate in _heading_forms(text):
        key = _HEADING.get(candidate)
        if key is not None:
            return key
    return None


def _heading_forms(text: str) -> Iterator[str]:
    """A heading as written, then without a leading 截至本月/自年初, without 完成, without a trailing
    数/值/量/情况: 截至本月累计完成数 is 累计."""
    yield text
    text = _PERIOD.sub("", text)
    yield text
    text = text.replace("完成", "") or text
    yield text
    for tail in _TRAILING:
        if text.endswith(tail) and len(text) > len(tail):
            yield text[: -len(tail)]


def show(value: Any) -> str:
    """A cell's value as the user typed it: 3, not 3.0; 0.85, not 0.8."""
    if isinstance(value, float):
        return exact(value)
    return norm_text(value)


# -- what reading produces ------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One figure of a return, placed at its cells: what the return states (本月, 累计, or both)."""

    code: str
    unit: str
    month: str
    this_month: float | None
    cumulative: float | None
    note: str | None
    r: int  # 0-based row of the sheet
    columns: dict[str, int]  # the sheet's column key → 0-based column (shared by its rows)
    previous: float | None = None  # 上月累计 as the template showed it

    @property
    def cell(self) -> str:
        """The cell of the figure (本月, else 累计)."""
        return cell_ref(self.r, self.columns["this_month" if self.this_month is not None else "cumulative"])

    def cell_of(self, key: str) -> str | None:
        return cell_ref(self.r, self.columns[key]) if key in self.columns else None


@dataclass
class Return:
    """One unit × one month from one sheet: the unit of import, history and undo.

    A return without rows is a nil return: the unit reported nothing that month.
    """

    file: Path
    sheet: str
    sha256: str
    unit: str
    month: str
    rows: list[Row] = field(default_factory=list)

    @property
    def file_order(self) -> tuple[str, str]:
        """Where the return stands among others: its file, then its sheet."""
        return (str(self.file), self.sheet)


@dataclass
class Problem:
    """A refusal or a warning, placed at ``file!sheet!cell`` (each part when known)."""

    file: Path
    sheet: str | None
    cell: str | None
    value: Any
    error: KctrackError

    @property
    def where(self) -> str:
        return "!".join(str(p) for p in (self.file, self.sheet, self.cell) if p)

    def line(self, lang: str) -> str:
        """``file!sheet!cell: value → reason`` (a file-level problem names its own place)."""
        if self.error.where:
            return self.error.render(lang)
        message = self.error.message(lang)
        if self.value is None or (isinstance(self.value, str) and not self.value.strip()):
            return f"{self.where}: {message}"
        return f"{self.where}: {show(self.value)} → {message}"


@dataclass
class ReadResult:
    returns: list[Return]
    problems: list[Problem]
    files: list[Path]
    warnings: list[Problem] = field(default_factory=list)
    lists: list[Any] = field(default_factory=list)  # the registers' lists (kctrack.register_sheets.RegisterList)


@dataclass(frozen=True)
class Options:
    """What the command line says of the returns: the unit and month when a sheet names none."""

    unit: str | None = None  # a unit code
    month: str | None = None  # YYYY-MM


def read_returns(
    paths: list[Path], plan: Plan, options: Options = Options(), progress: Callable[[Path], None] | None = None
) -> ReadResult:
    """Read every workbook; collect every problem and warning (never stop at the first).

    ``paths``: files and folders; a folder's files that are not read are each
    named with the reason (a problem).  Returns what was read: the returns, and
    every refusal and warning placed at its cell.
    """
    files, unread = expand_paths(paths)
    result = ReadResult([], [], files)
    for path, key in unread:  # a file that may be a return is refused; anything else is named and passed over
        bucket = result.problems if key in UNREAD_REFUSED else result.warnings
        bucket.append(Problem(path, None, None, None, DataError(key, where=str(path))))
    for path in files:
        if progress:
            progress(path)
        try:
            wb = open_workbook(path)
        except KctrackError as exc:
            result.problems.append(Problem(path, None, None, None, exc))
            continue
        read_workbook(wb, plan, options, result)
    return result


def read_workbook(wb: Workbook, plan: Plan, options: Options, out: ReadResult) -> None:
    """Every visible sheet with a header is read: a register's list when its header row gives a register's
    headings (:func:`kctrack.register_sheets.scan_registers`; a sheet named after a register is that
    register's or nothing), else a return.  A sheet that names a register's headings but lacks a
    required one is refused, saying which; a workbook with nothing to read is refused."""
    from kctrack.register_sheets import RegisterReader, named_register, scan_registers

    meta = template_meta(wb)
    found = False
    for sheet in wb.sheets:
        named = named_register(plan, sheet.name) if plan.registers else None
        scan = scan_registers(sheet.rows, plan, named) if plan.registers else None
        if scan is not None and scan.header is not None:
            found = RegisterReader(wb, sheet, plan, scan.header, options, meta, out).read() or found
            continue
        header = find_header(sheet.rows) if named is None else None
        if header is not None:
            found = True
            SheetReader(wb, sheet, plan, header, options, meta, out).read()
        elif scan is not None and scan.near is not None:  # a list with a column misnamed: never dropped unsaid
            found = True
            reg, r, missing = scan.near
            err = DataError("reg_header_incomplete", register=reg.name, row=r + 1, missing="、".join(missing))
            out.problems.append(Problem(wb.path, sheet.name, cell_ref(r, 0), None, err))
    if not found:
        out.problems.append(Problem(wb.path, None, None, None, DataError("imp_no_header", rows=HEADER_SCAN_ROWS)))


def template_meta(wb: Workbook) -> dict[str, str]:
    """What kctrack's template wrote in its hidden sheet (plan, unit code, month)."""
    rows = wb.hidden.get(META_SHEET, [])
    return {norm_text(r[0]): norm_text(r[1]) for r in rows if len(r) >= 2 and not is_blank(r[0])}


# -- header -----------------------------------------------------------------------------


@dataclass
class Header:
    """Where a sheet's header is: its first and last row (two for a two-row header), and its columns."""

    first: int
    last: int
    columns: dict[str, int]
    unknown: dict[int, str]  # columns under a heading kctrack does not read → the heading
    twice: tuple[int, int] | None = None  # a second column naming the same figure (refused)

    @property
    def data_start(self) -> int:
        return self.last + 1


def _row_keys(row: list[Any]) -> dict[str, int]:
    """Each heading key of a row → its first column (:func:`_figure_twice` finds a figure named twice)."""
    keys: dict[str, int] = {}
    for c, value in enumerate(row):
        key = heading_key(value)
        if key is not None and key not in keys:
            keys[key] = c
    return keys


def _figure_twice(rows: list[list[Any]], first: int, last: int) -> tuple[int, int] | None:
    """Two header columns naming the same figure (本月 and 本月完成): which one is it? (row, column) of the
    second, or None."""
    seen: dict[str, int] = {}
    for r in range(first, last + 1):
        for c, value in enumerate(rows[r]):
            key = heading_key(value)
            if key in FIGURES:
                if seen.get(key, c) != c:
                    return r, c
                seen[key] = c
    return None


def find_header(rows: list[list[Any]]) -> Header | None:
    """The first row (of the first :data:`HEADER_SCAN_ROWS`) naming a code column and one more.

    When that row names no figure column and the row below does (完成情况 merged
    over 本月 / 累计), the header takes both rows.
    """
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = _row_keys(row)
        if "code" not in columns or len(columns) < 2:
            continue
        last = r
        if not set(FIGURES) & columns.keys() and r + 1 < len(rows):
            below = _row_keys(rows[r + 1])
            if set(FIGURES) & below.keys():
                columns = {**columns, **{k: c for k, c in below.items() if k not in columns or k in FIGURES}}
                last = r + 1
        if last + 1 < len(rows) and _continues_header(rows[last + 1], columns["code"]):
            last += 1  # 本月 | 累计 over 完成数 | 完成数: the lower row is still the header
        taken = set(columns.values())
        unknown = {}
        for c in range(len(row)):
            if c not in taken:  # a column with no heading is watched too: figures there are named
                heading = " ".join(norm_text(rows[h][c]) for h in range(r, last + 1) if c < len(rows[h]))
                unknown[c] = heading.strip()
        return Header(r, last, columns, unknown, _figure_twice(rows, r, last))
    return None


def _measure_not_unit(rows: list[list[Any]], header: Header, plan: Plan) -> dict[str, int]:
    """The header's columns, with a column headed 单位 read as the unit of measure when every value in it
    is one (个, 家, 人: 单位 means both "reporting unit" and "unit of measure" in Chinese forms)."""
    columns = header.columns
    c = columns.get("unit")
    if c is None:
        return columns
    measures = {t.uom.zh for t in plan.targets} | {m.zh for m in plan.measures}
    values = {norm_text(row[c]) for row in rows[header.data_start :] if c < len(row) and not is_blank(row[c])}
    if not values or not values <= measures:
        return columns
    out = {k: v for k, v in columns.items() if k != "unit"}
    out.setdefault("uom", c)
    return out


def _continues_header(row: list[Any], code_col: int) -> bool:
    """Whether the row below a header is more header: no code of its own (blank, or the code heading
    merged down), no figure, and some words (完成数, 单位：个)."""
    code = row[code_col] if code_col < len(row) else None
    if not (is_blank(code) or heading_key(code) == "code"):
        return False
    words = False
    for value in row:
        if value.__class__ in (int, float) or (value.__class__ is str and _looks_like_figure(value)):
            return False
        words = words or (value.__class__ is str and bool(value.strip()))
    return words


# -- labels ------------------------------------------------------------------------------


@dataclass
class Label:
    """A unit or month the sheet states, with the cell it stands in (None: the template's hidden sheet).

    ``sure``: the value stands where a label's value must (after the colon, or right beside the
    label); a value found further along the row is taken only when it reads as a unit or month.
    """

    value: Any
    cell: str | None
    sure: bool = True


_LABEL_PAIR = re.compile(r"([^\s:：]+)\s*[:：]\s*")


def sheet_labels(
    rows: list[list[Any]],
    meta: dict[str, str],
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> dict[str, Label]:
    """The unit and month written above the header, else in the template's hidden sheet.

    A label's value stands in the same cell after a colon (``填报单位：苏州市科协``,
    or both in one cell: ``填报单位：苏州市科协  月份：2020年6月``), or in the cell to
    its right (right of the label's merged cells when the label is merged over
    several), or further right past blank cells (then only when it reads as one).
    """
    span_end = {(r0, c0): c1 for r0, c0, _, c1 in merged}
    found: dict[str, Label] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value.__class__ is not str:
                continue
            text = norm_text(value)
            pairs = _label_pairs(text)
            if pairs:
                for key, given in pairs:
                    if key not in found:
                        found[key] = Label(given, cell_ref(r, c))
                continue
            label = heading_key(text)
            if label not in ("unit", "month") or label in found:
                continue
            c2 = span_end.get((r, c), c) + 1
            sure = True
            while c2 < len(row) and is_blank(row[c2]):
                c2, sure = c2 + 1, False
            if c2 < len(row) and heading_key(row[c2]) is None and _label_pairs(norm_text(row[c2])) == []:
                found[str(label)] = Label(row[c2], cell_ref(r, c2), sure)
    for key in ("unit", "month"):
        if key not in found and meta.get(key):
            found[key] = Label(meta[key], None)
    return found


def _label_pairs(text: str) -> list[tuple[str, str]]:
    """The (unit|month, value) pairs written in one cell as ``label：value``, in order."""
    matches = list(_LABEL_PAIR.finditer(text))
    out = []
    for i, m in enumerate(matches):
        key = heading_key(m.group(1))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        given = text[m.end() : end].strip()
        if key in ("unit", "month") and given:
            out.append((key, given))
    return out


# -- rows and cells ------------------------------------------------------------------------

_UNSEEN = object()


class SheetBase:
    """What every sheet reader shares: where problems go, and the unit and month the sheet states."""

    header_first: int  # the header's first row (0-based): the labels stand above it

    def __init__(self, wb: Workbook, sheet: Sheet, plan: Plan, options: Options, out: ReadResult) -> None:
        self.wb, self.sheet, self.plan, self.options, self.out = wb, sheet, plan, options, out
        self.year = int(plan.start[:4])

    # problems -----------------------------------------------------------------
    def problem(self, cell: str | None, raw: Any, key: str, **params: Any) -> None:
        self.out.problems.append(Problem(self.wb.path, self.sheet.name, cell, raw, DataError(key, **params)))

    def warning(self, cell: str | None, raw: Any, key: str, **params: Any) -> None:
        self.out.warnings.append(Problem(self.wb.path, self.sheet.name, cell, raw, DataError(key, **params)))

    def _sheet_unit_and_month(self, meta: dict[str, str]) -> tuple[Any, Any]:
        """The sheet's unit code and month (None: not stated; False: stated wrongly, already reported)."""
        labels = sheet_labels(self.sheet.rows[: self.header_first], meta, self.sheet.merged)
        unit: Any = self.options.unit
        month: Any = self.options.month
        label = labels.get("unit")
        if label is not None and not label.sure and self.plan.find_unit(norm_text(label.value)) is None:
            label = None  # a cell further along the row that is no unit: not a value of the label
        if label is not None:
            found = self.plan.find_unit(norm_text(label.value))
            if found is None:
                self._unknown_unit(label.cell, label.value)
                unit = False
            elif self.options.unit is not None and found != self.options.unit:
                self._contradiction(label, "--unit", self.plan.unit_text(found), self.options.unit)
                unit = False
            else:
                unit = found
        label = labels.get("month")
        if label is not None and not label.sure and parse_month(label.value, self.year) is None:
            label = None  # a hint beside a blank month cell (请填写月份): the month is not given
        if label is not None:
            parsed = parse_month(label.value, self.year)
            if parsed is None:
                self.problem(label.cell, label.value, "imp_bad_month", value=norm_text(label.value))
                month = False
            elif not self.plan.start <= parsed <= self.plan.end:
                self.problem(
                    label.cell, label.value, "imp_month_outside", value=parsed, start=self.plan.start, end=self.plan.end
                )
                month = False
            elif self.options.month is not None and parsed != self.options.month:
                self._contradiction(label, "--month", parsed, self.options.month)
                month = False
            else:
                month = parsed
        return unit, month

    def _contradiction(self, label: Label, option: str, sheet_value: str | Bilingual, option_value: str) -> None:
        shown = self.plan.unit_text(option_value) if option == "--unit" else option_value
        self.problem(label.cell, label.value, "imp_option_contradicts", option=option, sheet=sheet_value, given=shown)

    def _unknown_unit(self, cell: str | None, raw: Any) -> None:
        # the one suggestion of units (kctrack.plan.Plan.close_units), as on the command line
        self.problem(cell, raw, "imp_unknown_unit", unit=norm_text(raw), **self.plan.unit_hint(norm_text(raw)))


class SheetReader(SheetBase):
    """Reads one sheet's rows into returns; every problem and warning goes to ``out``."""

    def __init__(
        self,
        wb: Workbook,
        sheet: Sheet,
        plan: Plan,
        header: Header,
        options: Options,
        meta: dict[str, str],
        out: ReadResult,
    ) -> None:
        super().__init__(wb, sheet, plan, options, out)
        self.header = header
        self.header_first = header.first
        self.columns = _measure_not_unit(sheet.rows, header, plan)
        self.col = {k: self.columns.get(k) for k in (*KEY_COLUMNS, *FIGURES, "previous")}
        self.c_code: int = self.columns["code"]  # a header always names its code column
        self.returns: dict[tuple[str, str], Return] = {}
        self.seen: dict[tuple[str, str, str], tuple[int, int]] = {}  # code, unit, month → its figure's cell
        self.problems_at_start = len(out.problems)
        self.unknown_figures: dict[int, str] = {}  # unknown column → first cell holding a figure
        self._codes: dict[Any, Target | Milestone | None] = {}
        self._units: dict[Any, Any] = {}
        self._months: dict[Any, Any] = {}
        self._allowed: dict[tuple[str, str], bool] = {}
        self._refused: dict[tuple[str, Any], KctrackError] = {}  # a unit or month value refused → why
        self._totals_seen: dict[str, str | None] = {}  # a cell text → total_kind
        self._measure: dict[str, tuple[bool, float]] = {}  # code → (whole numbers, the plausible bound)
        self._fast_cols = tuple(self.col[k] for k in ("code", "unit", "month", "this_month", "cumulative"))
        self._width = max(c for c in self._fast_cols if c is not None)  # the code column is always there
        self.sheet_percent = sheet.percent
        self._total_cols = sorted(
            {c for c in (self.col["unit"], self.col["code"], self.col["name"], 0) if c is not None}
        )
        self.kept: list[Row] = []  # the rows read, in order, for 合计 lines to be compared with
        self.since_sub = self.since_grand = 0  # kept[since_…:] are the rows a 小计 / 合计 line totals
        self.sheet_unit, self.sheet_month = self._sheet_unit_and_month(meta)

    # the pipeline ---------------------------------------------------------------
    def read(self) -> None:
        """The pipeline: the header's columns, merged cells, every row, then the sheet's end."""
        if self.header.twice is not None:
            r, c = self.header.twice
            self.problem(cell_ref(r, c), self.sheet.rows[r][c], "imp_figure_twice")
            return
        if not set(FIGURES) & self.columns.keys():
            self._no_figure_column()
            return
        self._apply_merges()
        rows = self.sheet.rows
        for r in range(self.header.data_start, len(rows)):
            self.read_row(r, rows[r])
        self._finish()

    def _no_figure_column(self) -> None:
        """A header without 本月 or 累计: name the columns holding figures (never a silent empty import)."""
        rows = self.sheet.rows
        for c, heading in self.header.unknown.items():
            for r in range(self.header.data_start, len(rows)):
                if c < len(rows[r]) and _looks_like_figure(rows[r][c]):
                    self.problem(cell_ref(self.header.last, c), heading, "imp_unknown_figure_column", heading=heading)
                    return
        self.problem(cell_ref(self.header.first, self.columns["code"]), None, "imp_no_value_column")

    def _apply_merges(self) -> None:
        """A merged key cell (a code over 13 city rows) applies to every row it covers; a figure merged
        over several rows is refused (which row's is it?)."""
        rows = self.sheet.rows
        key_cols = {c for k, c in self.columns.items() if k in KEY_COLUMNS}
        figure_cols = {c for k, c in self.columns.items() if k in FIGURES}
        for r0, c0, r1, c1 in self.sheet.merged:
            if r1 < self.header.data_start:
                continue
            if c0 in figure_cols and r1 > r0:
                self.problem(
                    cell_ref(r0, c0), None, "imp_merged_figure", cells=f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
                )
                for r in range(r0, r1 + 1):
                    if r < len(rows) and c0 < len(rows[r]):
                        rows[r][c0] = None
                continue
            if c0 not in key_cols or r0 >= len(rows) or c0 >= len(rows[r0]):
                continue
            value = rows[r0][c0]
            for r in range(max(r0, self.header.data_start), min(r1, len(rows) - 1) + 1):
                for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                    rows[r][c] = value

    # rows -------------------------------------------------------------------------
    def read_row(self, r: int, row: list[Any]) -> None:
        if self._fast(r, row):
            return
        col = self.col
        code_raw = _at(row, col["code"])
        total = self._total(row)
        if total is not None:
            self._total_row(r, row, total)
            return
        if is_blank(code_raw):
            if all(is_blank(_at(row, col[k])) for k in FIGURES):
                return
            self.problem(cell_ref(r, self.c_code), None, "imp_no_code")
            return
        item = self._item(r, code_raw)
        if item is None:
            return
        unit = self._row_unit(r, row)
        month = self._row_month(r, row)
        if unit is None or month is None:
            return
        if not self._may_report(r, unit, item):
            return
        figures = self._figures(r, row, item)
        if figures is None:
            return
        this_month, cumulative = figures
        if item.__class__ is Milestone and (this_month or cumulative):
            this_month, cumulative = 1.0, None  # 完成 in either column: done, no series to check
        self._count_unknown_figures(r, row)
        if this_month is None and cumulative is None:
            return
        self._keep(r, row, item.code, unit, month, this_month, cumulative)

    def _fast(self, r: int, row: list[Any]) -> bool:
        """The common row, taken in one step: a code, unit and month already seen and accepted on an earlier
        row, figures typed as plain numbers in a sheet without formulas or percentages.  Anything else
        (False) goes through the steps of :meth:`read_row`, which give the same result."""
        if self.sheet.formulas or self.sheet_percent or self.header.unknown:
            return False
        c_code, c_unit, c_month, c_tm, c_cu = self._fast_cols
        if len(row) <= self._width:
            return False
        code = row[c_code]  # type: ignore[index]
        item = self._codes.get(code) if code.__class__ is str else None
        if item is None or item.__class__ is Milestone:
            return False
        unit = self.sheet_unit if c_unit is None else self._units.get(row[c_unit], _UNSEEN)
        month = self.sheet_month if c_month is None else self._months.get(row[c_month], _UNSEEN)
        if unit.__class__ is not str or month.__class__ is not str or not self._allowed.get((unit, item.code)):
            return False
        if self._total(row) is not None:
            return False
        whole, bound = self._measure.get(item.code) or (None, 0.0)
        figures: list[float | None] = []
        for c in (c_tm, c_cu):
            value = None if c is None else row[c]
            if value is None or value == "":
                figures.append(None)
            elif value.__class__ in (int, float) and 0 <= value <= bound and (not whole or value == int(value)):
                figures.append(float(value) + 0.0)  # -0.0 → 0.0
            else:
                return False
        if figures[0] is None and figures[1] is None:
            return False
        self._keep(r, row, item.code, unit, month, figures[0], figures[1])  # type: ignore[arg-type]
        return True

    def _item(self, r: int, raw: Any) -> Target | Milestone | None:
        item = self._codes.get(raw, _UNSEEN) if raw.__class__ is str else _UNSEEN
        if item is _UNSEEN:
            code = norm_text(raw).upper()
            item = self.plan.find_code(code)
            if raw.__class__ is str:
                self._codes[raw] = item
        if item is None:
            code = norm_text(raw).upper()
            codes = [t.code for t in self.plan.targets] + [m.code for m in self.plan.milestones]
            close = difflib.get_close_matches(code, codes, n=1)
            self.problem(
                cell_ref(r, self.c_code),
                raw,
                "imp_unknown_code",
                code=code,
                suggestion=close[0] if close else "",
            )
        return item  # type: ignore[return-value]

    def _row_unit(self, r: int, row: list[Any]) -> str | None:
        c = self.col["unit"]
        raw = _at(row, c)
        if is_blank(raw):
            if self.sheet_unit is None:
                self.problem(cell_ref(r, self.c_code), None, "imp_no_unit")
            return self.sheet_unit or None
        assert c is not None
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        found = self._units.get(key, _UNSEEN)
        if found is None:  # refused on an earlier row: this cell is named too
            self._again(("unit", key), r, c, raw)
        elif found is _UNSEEN:
            found = self._units[key] = self.plan.find_unit(norm_text(raw))
            if found is None:
                self._unknown_unit(cell_ref(r, c), raw)
                self._remember(("unit", key))
            elif self.options.unit is not None and found != self.options.unit:
                self._contradiction(Label(raw, cell_ref(r, c)), "--unit", self.plan.unit_text(found), self.options.unit)
                self._remember(("unit", key))
                self._units[key] = None
                return None
        return found  # type: ignore[no-any-return]

    def _remember(self, what: tuple[str, Any]) -> None:
        """Keep the refusal just reported for a unit or month value, to name every other cell holding it."""
        self._refused[what] = self.out.problems[-1].error

    def _again(self, what: tuple[str, Any], r: int, c: int, raw: Any) -> None:
        error = self._refused.get(what)
        if error is not None:
            self.out.problems.append(Problem(self.wb.path, self.sheet.name, cell_ref(r, c), raw, error))

    def _row_month(self, r: int, row: list[Any]) -> str | None:
        c = self.col["month"]
        raw = _at(row, c)
        if is_blank(raw):
            if self.sheet_month is None:
                self.problem(cell_ref(r, self.c_code), None, "imp_no_month")
            return self.sheet_month or None
        assert c is not None
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        found = self._months.get(key, _UNSEEN)
        if found is None:  # refused on an earlier row: this cell is named too
            self._again(("month", key), r, c, raw)
        if found is not _UNSEEN:
            return found  # type: ignore[no-any-return]
        cell = cell_ref(r, c)
        month = parse_month(raw, self.year)
        if month is None:
            self.problem(cell, raw, "imp_bad_month", value=norm_text(raw))
        elif not self.plan.start <= month <= self.plan.end:
            self.problem(cell, raw, "imp_month_outside", value=month, start=self.plan.start, end=self.plan.end)
            month = None
        elif self.options.month is not None and month != self.options.month:
            self._contradiction(Label(raw, cell), "--month", month, self.options.month)
            month = None
        if month is None:
            self._remember(("month", key))
        self._months[key] = month
        return month

    def _may_report(self, r: int, unit: str, item: Target | Milestone) -> bool:
        ok = self._allowed.get((unit, item.code))
        if ok is None:
            ok = self._allowed[(unit, item.code)] = self.plan.reports(unit, item.code)
            if not ok:
                reporters = self.plan.milestone_units(item) if isinstance(item, Milestone) else item.reporters
                self.problem(
                    cell_ref(r, self.c_code),
                    item.code,
                    "imp_not_reporter",
                    code=item.code,
                    unit=self.plan.unit_text(unit),
                    units=self.plan.unit_list(reporters),
                )
        return ok

    def _figures(self, r: int, row: list[Any], item: Target | Milestone) -> tuple[float | None, float | None] | None:
        """本月 and 累计 of a row (each None when blank), or None when a cell is refused."""
        values: list[float | None] = []
        bad = False
        for key in FIGURES:
            c = self.col[key]
            if c is None:
                values.append(None)
                continue
            value, wrong = self.figure(r, c, _at(row, c), item)
            values.append(value)
            bad = bad or wrong
        return None if bad else (values[0], values[1])

    # cells --------------------------------------------------------------------------
    def figure(self, r: int, c: int, raw: Any, item: Target | Milestone) -> tuple[float | None, bool]:
        """(the figure a cell states or None, whether it was refused); a refusal is reported at the cell."""
        formulas = self.sheet.formulas
        if formulas:
            saved = formulas.get((r, c))
            if saved == "empty":
                return None, False
            if saved == "none":
                self.problem(cell_ref(r, c), None, "imp_formula_no_value")
                return None, True
            if saved == "value" and self.wb.recalc_on_load and _placeholder(raw):
                self.problem(cell_ref(r, c), raw, "imp_formula_not_calculated")
                return None, True
        if raw is None or (raw.__class__ is str and not raw.strip()):
            return None, False
        percent = self.sheet_percent and (r, c) in self.sheet_percent and raw.__class__ in (int, float)
        if percent and item.__class__ is not Milestone:
            uom = item.uom.zh  # type: ignore[union-attr]
            if uom != "%":  # 1 shown as 100%: the clerk typed a percentage, not a count
                self.problem(cell_ref(r, c), raw, "num_percent", value=f"{exact(float(raw) * 100)}%")
                return None, True
        if item.__class__ is Milestone:
            done = parse_done(raw)
            if done is None:
                self.problem(cell_ref(r, c), raw, "imp_milestone_value")
                return None, True
            return (1.0 if done else None), False
        target: Target = item  # type: ignore[assignment]
        measure = self._measure.get(target.code)
        if measure is None:
            measure = self._measure[target.code] = (
                self.plan.is_whole(target.uom.zh),
                IMPLAUSIBLE_FACTOR * max(target.value, 1.0),
            )
        whole, bound = measure
        if raw.__class__ in (int, float) and 0 <= raw <= bound and (not whole or float(raw).is_integer()):
            return float(
                raw
            ) + 0.0, False  # a number typed as a number (-0.0 → 0.0): the common case, taken without parsing
        try:
            value = parse_number(raw, whole=whole, uom=target.uom.zh)
        except DataError as exc:
            if "uom_en" in exc.params:
                exc.params["uom_en"] = target.uom.en
            self.problem(cell_ref(r, c), raw, exc.key, **exc.params)
            return None, True
        if value > bound:
            self.problem(
                cell_ref(r, c),
                raw,
                "imp_implausible",
                value=exact(value),
                target=exact(target.value),
                factor=IMPLAUSIBLE_FACTOR,
            )
            return None, True
        return value, False

    def _keep(
        self,
        r: int,
        row: list[Any],
        code: str,
        unit: str,
        month: str,
        this_month: float | None,
        cumulative: float | None,
    ) -> None:
        value_col = self.col["this_month"] if this_month is not None else self.col["cumulative"]
        assert value_col is not None
        key = (code, unit, month)
        first = self.seen.get(key)
        if first is not None:
            self.problem(cell_ref(r, value_col), row[value_col], "imp_duplicate", code=code, first=cell_ref(*first))
            return
        self.seen[key] = (r, value_col)
        note_col = self.col["note"]
        note = None if is_blank(_at(row, note_col)) else norm_text(_at(row, note_col))
        if note is not None and note_col is not None and len(note) > NOTE_MAX_CHARS:
            # the cell is named, its text not echoed: a note that long would bury the message
            self.problem(cell_ref(r, note_col), None, "imp_note_too_long", n=f"{len(note):,}", max=NOTE_MAX_CHARS)
        previous = _at(row, self.col["previous"])
        ret = self.returns.get((unit, month))
        if ret is None:
            ret = self.returns[(unit, month)] = Return(self.wb.path, self.sheet.name, self.wb.sha256, unit, month)
        ret.rows.append(
            Row(
                code,
                unit,
                month,
                this_month,
                cumulative,
                note,
                r,
                self.columns,
                previous if previous.__class__ in (int, float) else None,
            )
        )
        self.kept.append(ret.rows[-1])

    # total rows ------------------------------------------------------------------------
    def _total(self, row: list[Any]) -> str | None:
        """Whether a row is a 合计 (``"grand"``) or 小计 (``"sub"``) line, by its unit, code, name or first cell."""
        for c in self._total_cols:
            value = row[c] if c < len(row) else None
            if value.__class__ is str:
                kind = self._totals_seen.get(value, _UNSEEN)
                if kind is _UNSEEN:
                    kind = self._totals_seen[value] = total_kind(value)
                if kind is not None:
                    return kind  # type: ignore[return-value]
        return None

    def _total_row(self, r: int, row: list[Any], kind: str) -> None:
        """A 合计/小计 line is skipped; in a long sheet its figure is compared with the rows it totals
        (a 小计 those since the last 小计, a 合计 all since the last 合计)."""
        start = self.since_sub if kind == "sub" else self.since_grand
        if self.col["unit"] is not None:
            code_raw = _at(row, self.col["code"])
            code = None if is_blank(code_raw) or total_kind(code_raw) else norm_text(code_raw).upper()
            totalled = [x for x in self.kept[start:] if code is None or x.code == code]
            for key in FIGURES:
                c = self.col[key]
                raw = _at(row, c)
                if c is None or is_blank(raw):
                    continue
                try:
                    stated = parse_number(raw)
                except DataError:
                    continue
                summed = sum(getattr(x, key) or 0.0 for x in totalled)
                if abs(stated - summed) > 1e-9 * max(1.0, abs(summed)):
                    self.warning(cell_ref(r, c), raw, "imp_total_differs", total=exact(stated), rows=exact(summed))
        self.since_sub = len(self.kept)
        if kind == "grand":
            self.since_grand = len(self.kept)

    # the sheet's end ---------------------------------------------------------------------
    def _count_unknown_figures(self, r: int, row: list[Any]) -> None:
        for c in self.header.unknown:
            if c not in self.unknown_figures and c < len(row) and _looks_like_figure(row[c]):
                self.unknown_figures[c] = cell_ref(r, c)

    def _finish(self) -> None:
        for c, first in self.unknown_figures.items():
            heading = self.header.unknown[c] or cell_ref(self.header.last, c)
            if self.returns:  # figures were read too: the unknown column is named, and passed over
                self.warning(first, None, "imp_unknown_figure_column_warn", heading=heading)
            else:  # the only figures stand under a heading kctrack does not know: never a nil return
                self.problem(cell_ref(self.header.last, c), heading, "imp_unknown_figure_column", heading=heading)
        self.out.returns += self.returns.values()
        if self.returns or len(self.out.problems) > self.problems_at_start:
            return
        # nothing to report this month: a nil return when the form names its unit and month
        if self.sheet_unit and self.sheet_month:
            self.out.returns.append(
                Return(self.wb.path, self.sheet.name, self.wb.sha256, self.sheet_unit, self.sheet_month)
            )
        elif self.sheet_unit and self.sheet_month is None:
            self.problem(None, None, "imp_nil_no_month")


def _placeholder(value: Any) -> bool:
    """A formula result a program writes without calculating (XlsxWriter's 0) in a workbook that asks to be
    recalculated on load: not a figure.  openpyxl sets that flag on every workbook it saves, so a result
    that a spreadsheet did calculate (any other value) is read."""
    return value in (0, "") or (value.__class__ is str and not value.strip())


def _at(row: list[Any], c: int | None) -> Any:
    return row[c] if c is not None and c < len(row) else None


def _looks_like_figure(value: Any) -> bool:
    """A cell a person would read as a figure: a number, or numeric text."""
    if value.__class__ in (int, float):
        return 0 <= value <= MAX_FIGURE
    if value.__class__ is str and value.strip():
        try:
            parse_number(value)
        except DataError:
            return False
        return True
    return False


# -- marked copies ------------------------------------------------------------------------


@dataclass
class ErrorCopies:
    """What ``--errors-out`` wrote: (faulty workbook, its marked copy) for each, and (workbook, why) for
    each faulty workbook that could not be marked (its problems are listed all the same); the why is
    empty for a workbook not in the OOXML format (.xls, .ods, .xlsb), which openpyxl cannot write."""

    written: list[tuple[Path, Path]] = field(default_factory=list)
    unmarked: list[tuple[Path, str]] = field(default_factory=list)


def write_error_copies(problems: list[Problem], out_dir: Path, lang: str) -> ErrorCopies:
    """A copy of each faulty workbook in ``out_dir``, bad cells filled red with the reason as a comment.

    One copy per faulty file, named ``NAME.errors.xlsx``; two faulty files of the same name (``a/月报.xlsx``
    and ``b/月报.xlsx``) get ``月报.errors.xlsx`` and ``月报-2.errors.xlsx``, each listed with its source.
    Only OOXML workbooks can be marked (openpyxl); any other, or one openpyxl cannot read or write
    (Strict OOXML, odd styles), is listed in :attr:`ErrorCopies.unmarked` with the reason, never an error.
    """
    by_file: dict[Path, list[Problem]] = {}
    for p in problems:
        if p.sheet and p.cell:
            by_file.setdefault(p.file, []).append(p)
    out = ErrorCopies()
    taken: set[str] = set()
    for path, items in by_file.items():
        if path.suffix.lower() not in OOXML_SUFFIXES:
            out.unmarked.append((path, ""))
            continue
        dest = out_dir / _free_name(path.stem, taken)
        try:
            _write_marked_copy(path, items, dest, lang)
        except KctrackError:
            raise  # the folder cannot be written: one message for all
        except Exception as exc:  # noqa: BLE001 - any failure of openpyxl on a file only costs its copy
            out.unmarked.append((path, first_line(exc)))
            continue
        out.written.append((path, dest))
    return out


def _free_name(stem: str, taken: set[str]) -> str:
    """``STEM.errors.xlsx``, or ``STEM-2.errors.xlsx``… when a copy of another file took that name (case
    folded: Windows and macOS see ``A`` and ``a`` as one name)."""
    n = 1
    while (name := f"{stem}.errors.xlsx" if n == 1 else f"{stem}-{n}.errors.xlsx").casefold() in taken:
        n += 1
    taken.add(name.casefold())
    return name


def _write_marked_copy(path: Path, items: list[Problem], dest: Path, lang: str) -> None:
    """Mark the cells of ``items`` in a copy of ``path`` (red fill, the message as a comment) saved as ``dest``."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    wb = load_workbook(path)
    for p in items:
        ws = wb[p.sheet]
        ws.protection.sheet = False
        cell = ws[p.cell]
        if type(cell).__name__ == "MergedCell":
            continue
        cell.fill = red
        cell.comment = Comment(p.error.render(lang), "kctrack")
    with replacing(dest) as tmp:
        wb.save(tmp)
