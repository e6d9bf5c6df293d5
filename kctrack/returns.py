"""Monthly returns (月报): the template a unit fills, and reading returns back.

Pure functions over paths: :func:`write_template` builds the workbook,
:func:`read_returns` turns workbooks into validated rows and every problem
found, each placed at ``file!sheet!cell``.  Writing to the database is the
caller's (:mod:`kctrack.service`), in one transaction.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kctrack.errors import DataError, KctrackError
from kctrack.excel import (
    DONE_WORDS,
    Sheet,
    Workbook,
    cell_ref,
    formula_cells_without_value,
    is_blank,
    norm_text,
    open_workbook,
    parse_month,
    parse_number,
)
from kctrack.files import replacing
from kctrack.plan import Milestone, Plan, Target

TEMPLATE_VERSION = "1"
META_SHEET = "_kctrack"
HEADER_SCAN_ROWS = 30

# Column names accepted on import, Chinese and English (compared without spaces, case-insensitive).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("指标编号", "编号", "指标代码", "code"),
    "name": ("指标名称", "指标", "name"),
    "uom": ("计量单位", "unit_of_measure", "uom"),
    "quota": ("本单位任务", "任务", "quota"),
    "this_month": ("本月完成", "本月", "this_month"),
    "cumulative": ("累计完成", "累计", "cumulative"),
    "note": ("备注", "note"),
    "unit": ("填报单位", "单位", "unit", "reporting_unit", "reportingunit"),
    "month": ("月份", "填报月份", "month"),
}
_HEADER = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum"}
_INF = float("inf")
_UNSEEN, _BLANK = object(), object()  # markers of the per-sheet caches of units and months


def show(value: Any) -> str:
    """A cell's value as the user typed it: 3, not 3.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return norm_text(value)


def _header_key(value: Any) -> str | None:
    text = norm_text(value).lower().replace(" ", "").replace("\n", "")
    for cut in ("（", "("):
        if cut in text:
            text = text.split(cut, 1)[0]
    return _HEADER.get(text)


# -- reading ------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One figure of a return, placed at its cells."""

    code: str
    unit: str
    month: str
    this_month: float | None
    cumulative: float | None
    note: str | None
    r: int  # 0-based row of the sheet
    columns: dict[str, int]  # the sheet's column key → 0-based column (shared by its rows)

    @property
    def value_key(self) -> str:
        return "this_month" if self.this_month is not None else "cumulative"

    @property
    def cell(self) -> str:
        """The cell of the figure (本月, else 累计)."""
        return cell_ref(self.r, self.columns[self.value_key])

    def cell_of(self, key: str) -> str | None:
        return cell_ref(self.r, self.columns[key]) if key in self.columns else None


@dataclass
class Return:
    """One unit × one month from one sheet: the unit of import, history and undo."""

    file: Path
    sheet: str
    sha256: str
    unit: str
    month: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Problem:
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


def expand_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() == ".xlsx" and not f.name.startswith(("~$", ".")))
        else:
            out.append(p)
    return out


def read_returns(
    paths: list[Path],
    plan: Plan,
    unit: str | None = None,
    month: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> ReadResult:
    """Read every workbook; collect every problem (never stop at the first)."""
    result = ReadResult([], [], expand_paths(paths))
    for path in result.files:
        if progress:
            progress(path)
        try:
            wb = open_workbook(path)
        except KctrackError as exc:
            result.problems.append(Problem(path, None, None, None, exc))
            continue
        _read_workbook(wb, plan, unit, month, result)
    return result


def _read_workbook(wb: Workbook, plan: Plan, unit: str | None, month: str | None, out: ReadResult) -> None:
    meta = _meta(wb)
    found = False
    year = int(plan.start[:4])
    for sheet in wb.sheets:
        header_at = _find_header(sheet.rows)
        if header_at is None:
            continue
        found = True
        hr, columns = header_at

        def problem(cell: str | None, raw: Any, key: str, sheet_name: str = sheet.name, **params: Any) -> None:
            out.problems.append(Problem(wb.path, sheet_name, cell, raw, DataError(key, **params)))

        if not ({"this_month", "cumulative"} & columns.keys()):
            problem(cell_ref(hr, columns["code"]), None, "imp_no_value_column")
            continue

        sheet_unit, sheet_month = _labelled(sheet.rows[:hr], meta, unit, month)
        unit_code = None
        if sheet_unit is not None:
            unit_code = plan.find_unit(norm_text(sheet_unit[0]))
            if unit_code is None:
                problem(sheet_unit[1], sheet_unit[0], "imp_unknown_unit", unit=norm_text(sheet_unit[0]))
        month_text = None
        if sheet_month is not None:
            month_text = parse_month(sheet_month[0], year)
            if month_text is None:
                problem(sheet_month[1], sheet_month[0], "imp_bad_month", value=norm_text(sheet_month[0]))
            elif not plan.start <= month_text <= plan.end:
                problem(
                    sheet_month[1],
                    sheet_month[0],
                    "imp_month_outside",
                    value=month_text,
                    start=plan.start,
                    end=plan.end,
                )
                month_text = None
        seen: dict[tuple[str, str, str], tuple[int, int]] = {}
        returns: dict[tuple[str, str], Return] = {}
        # a consolidated sheet repeats the same few codes, units and months: parse each once
        codes_seen: dict[Any, tuple[str, Target | Milestone | None, bool]] = {}
        units_seen: dict[Any, Any] = {}
        months_seen: dict[Any, Any] = {}
        start, end = plan.start, plan.end
        allowed: dict[tuple[str, str], bool] = {}
        c_code = columns["code"]
        c_tm, c_cu, c_unit, c_month, c_note, c_name = (
            columns.get(k) for k in ("this_month", "cumulative", "unit", "month", "note", "name")
        )
        blank_formulas_of = _BlankFormulas(wb, sheet)

        def figure(
            r: int,
            c: int,
            raw: Any,
            is_milestone: bool,
            sheet_name: str = sheet.name,
            blanks: _BlankFormulas = blank_formulas_of,
        ) -> tuple[float | None, bool]:
            """(the figure of a cell or None, whether it is wrong) — a wrong one is reported."""
            if raw is None or (raw.__class__ is str and not raw.strip()):
                if (r, c) in blanks():
                    problem(cell_ref(r, c), None, "imp_formula_no_value", sheet_name)
                    return None, True
                return None, False
            if is_milestone:
                text = norm_text(raw).lower()
                if text in DONE_WORDS or raw == 1:
                    return 1.0, False
                if text in ("0", "否", "no", "未完成"):
                    return None, False
                problem(cell_ref(r, c), raw, "imp_milestone_value", sheet_name)
                return None, True
            number = parse_number(raw)
            if number is None:
                problem(cell_ref(r, c), raw, "imp_not_number", sheet_name, value=show(raw))
                return None, True
            if number < 0:
                problem(cell_ref(r, c), raw, "imp_negative", sheet_name, value=show(raw))
                return None, True
            return number, False

        width = max(columns.values()) + 1
        rows = sheet.rows
        for r in range(hr + 1, len(rows)):
            row = rows[r]
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            code_raw = row[c_code]
            tm_raw = row[c_tm] if c_tm is not None else None
            cu_raw = row[c_cu] if c_cu is not None else None
            if code_raw is None or (code_raw.__class__ is str and not code_raw.strip()):
                if is_blank(tm_raw) and is_blank(cu_raw):
                    continue
                if norm_text(_at(row, c_name)).lower() in TOTAL_WORDS or norm_text(row[0]).lower() in TOTAL_WORDS:
                    continue
                problem(cell_ref(r, c_code), None, "imp_no_code")
                continue
            known = codes_seen.get(code_raw) if code_raw.__class__ is str else None
            if known is None:
                code = norm_text(code_raw).upper()
                is_total = code.lower() in TOTAL_WORDS
                known = (code, None if is_total else plan.find_code(code), is_total)
                if code_raw.__class__ is str:
                    codes_seen[code_raw] = known
            code, item, is_total = known
            if is_total:
                continue
            if item is None:
                close = difflib.get_close_matches(
                    code, [t.code for t in plan.targets] + [m.code for m in plan.milestones], n=1
                )
                problem(
                    cell_ref(r, c_code), code_raw, "imp_unknown_code", code=code, suggestion=close[0] if close else ""
                )
                continue
            # unit and month of the row: its own columns, else the sheet's, else the command line's
            raw_unit = row[c_unit] if c_unit is not None else None
            # cached by value and type: 1, 1.0 and True are equal keys but not the same cell
            unit_key = raw_unit if raw_unit.__class__ is str else (raw_unit.__class__, raw_unit)
            row_unit = units_seen.get(unit_key, _UNSEEN)
            if row_unit is _UNSEEN:
                row_unit = units_seen[unit_key] = _BLANK if is_blank(raw_unit) else plan.find_unit(norm_text(raw_unit))
            if row_unit is _BLANK:
                if sheet_unit is not None and unit_code is None:
                    continue  # already reported
                row_unit = unit_code
            elif row_unit is None:
                assert c_unit is not None  # the unit came from its column
                problem(cell_ref(r, c_unit), raw_unit, "imp_unknown_unit", unit=norm_text(raw_unit))
                continue
            if row_unit is None:
                problem(cell_ref(r, c_code), None, "imp_no_unit")
                continue
            raw_month = row[c_month] if c_month is not None else None
            month_key = raw_month if raw_month.__class__ is str else (raw_month.__class__, raw_month)
            row_month = months_seen.get(month_key, _UNSEEN)
            if row_month is _UNSEEN:
                row_month = months_seen[month_key] = _BLANK if is_blank(raw_month) else parse_month(raw_month, year)
            month_given = row_month is not _BLANK
            if not month_given:
                if sheet_month is not None and month_text is None:
                    continue
                row_month = month_text
            elif row_month is None:
                assert c_month is not None  # the month came from its column
                problem(cell_ref(r, c_month), raw_month, "imp_bad_month", value=norm_text(raw_month))
                continue
            if row_month is None:
                problem(cell_ref(r, c_code), None, "imp_no_month")
                continue
            if not start <= row_month <= end:
                if month_given:
                    assert c_month is not None
                    month_cell = cell_ref(r, c_month)
                else:
                    month_cell = (sheet_month[1] if sheet_month else None) or cell_ref(r, c_code)
                problem(month_cell, row_month, "imp_month_outside", value=row_month, start=plan.start, end=plan.end)
                continue
            ok = allowed.get((row_unit, code))
            if ok is None:
                ok = allowed[(row_unit, code)] = plan.reports(row_unit, item.code)
            if not ok:
                reporters = _reporters(item, plan)
                problem(
                    cell_ref(r, c_code),
                    code,
                    "imp_not_reporter",
                    code=code,
                    unit=plan.unit_name(row_unit, "zh"),
                    units=" ".join(plan.unit_name(u, "zh") for u in reporters),
                )
                continue
            # the figures: a number typed as a number is the common case, taken without parsing
            is_milestone = item.__class__ is Milestone
            this_month = cumulative = None
            bad = False
            if c_tm is not None:
                if not is_milestone and (tm_raw.__class__ is float or tm_raw.__class__ is int) and 0 <= tm_raw < _INF:
                    this_month = float(tm_raw)
                else:
                    this_month, bad = figure(r, c_tm, tm_raw, is_milestone)
            if c_cu is not None:
                if not is_milestone and (cu_raw.__class__ is float or cu_raw.__class__ is int) and 0 <= cu_raw < _INF:
                    cumulative = float(cu_raw)
                else:
                    cumulative, bad_cu = figure(r, c_cu, cu_raw, is_milestone)
                    bad = bad or bad_cu
            if bad or (this_month is None and cumulative is None):
                continue
            key3 = (code, row_unit, row_month)
            value_col = c_tm if this_month is not None else c_cu
            assert value_col is not None  # a figure came from its column
            if key3 in seen:
                problem(
                    cell_ref(r, value_col),
                    tm_raw if this_month is not None else cu_raw,
                    "imp_duplicate",
                    code=code,
                    first=cell_ref(*seen[key3]),
                )
                continue
            seen[key3] = (r, value_col)
            note = row[c_note] if c_note is not None else None
            ret = returns.get((row_unit, row_month))
            if ret is None:
                ret = returns[(row_unit, row_month)] = Return(wb.path, sheet.name, wb.sha256, row_unit, row_month)
            ret.rows.append(
                Row(
                    code,
                    row_unit,
                    row_month,
                    this_month,
                    cumulative,
                    None if note is None or (note.__class__ is str and not note.strip()) else norm_text(note),
                    r,
                    columns,
                )
            )
        out.returns += returns.values()
    if not found:
        out.problems.append(Problem(wb.path, None, None, None, DataError("imp_no_header", rows=HEADER_SCAN_ROWS)))


class _BlankFormulas:
    """The formula cells of a sheet saved without a result, read (with openpyxl) only when first asked."""

    def __init__(self, wb: Workbook, sheet: Sheet) -> None:
        self.wb, self.sheet = wb, sheet
        self.cells: set[tuple[int, int]] | None = None if sheet.has_formulas else set()

    def __call__(self) -> set[tuple[int, int]]:
        if self.cells is None:
            self.cells = formula_cells_without_value(self.wb.path, self.sheet.name)
        return self.cells


def _at(row: list[Any], c: int | None) -> Any:
    return row[c] if c is not None and c < len(row) else None


def _reporters(item: Target | Milestone, plan: Plan) -> tuple[str, ...]:
    if isinstance(item, Milestone):
        return item.responsible or (plan.office,)
    return item.reporters


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            key = _header_key(value)
            if key is not None and key not in columns:
                columns[key] = c
        if "code" in columns and len(columns) >= 2:
            return r, columns
    return None


def _meta(wb: Workbook) -> dict[str, str]:
    rows = wb.hidden.get(META_SHEET, [])
    return {norm_text(r[0]): norm_text(r[1]) for r in rows if len(r) >= 2 and not is_blank(r[0])}


def _labelled(
    rows: list[list[Any]], meta: dict[str, str], unit: str | None, month: str | None
) -> tuple[tuple[Any, str | None] | None, tuple[Any, str | None] | None]:
    """The sheet's unit and month, each with the cell it came from: labelled cells above the header,
    else the template's hidden sheet, else the command line."""
    found: dict[str, tuple[Any, str | None]] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            key = _header_key(value)
            # the value stands in the cell right of its label; a blank one means "not given here"
            if key in ("unit", "month") and key not in found and c + 1 < len(row) and not is_blank(row[c + 1]):
                found[key] = (row[c + 1], cell_ref(r, c + 1))
    if "unit" not in found:
        if meta.get("unit"):
            found["unit"] = (meta["unit"], None)
        elif unit:
            found["unit"] = (unit, None)
    if "month" not in found:
        if meta.get("month"):
            found["month"] = (meta["month"], None)
        elif month:
            found["month"] = (month, None)
    return found.get("unit"), found.get("month")


# -- the template ------------------------------------------------------------------------


def template_rows(plan: Plan, unit: str) -> list[tuple[Target | Milestone, float | None]]:
    """What concerns a unit: the targets it reports (with its quota where split) and its milestones."""
    rows: list[tuple[Target | Milestone, float | None]] = []
    for t in plan.targets:
        if plan.reports(unit, t.code):
            rows.append((t, t.quota(unit) if t.breakdown else t.value))
    for m in plan.milestones:
        if plan.reports(unit, m.code):
            rows.append((m, None))
    return rows


def write_template(path: Path, plan: Plan, unit: str, month: str | None, lang: str = "zh") -> int:
    """Write a unit's return form; returns the number of rows."""
    from openpyxl import Workbook as XlWorkbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from kctrack.i18n import tr

    u = plan.unit(unit)
    rows = template_rows(plan, unit)
    wb = XlWorkbook()
    ws = wb.active
    ws.title = tr("tpl_sheet", lang)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    ws.merge_cells("A1:G1")
    ws["A1"] = tr("tpl_title", lang, plan=plan.name.get(lang), doc=plan.document)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"], ws["B2"] = tr("tpl_unit_label", lang), u.name.get(lang)
    ws["A3"], ws["B3"] = tr("tpl_month_label", lang), month or ""
    for label in ("A2", "A3"):
        ws[label].font = Font(bold=True)
    if month is None:
        ws["B3"].protection = Protection(locked=False)
        ws["B3"].fill = input_fill
        ws["C3"] = tr("tpl_month_hint", lang)
    heads = [tr(f"tpl_h_{k}", lang) for k in ("code", "name", "uom", "quota", "this_month", "cumulative", "note")]
    header_row = 5
    for c, text in enumerate(heads, start=1):
        cell = ws.cell(header_row, c, text)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = header_row + 1
    for i, (item, quota) in enumerate(rows):
        r = first + i
        is_ms = isinstance(item, Milestone)
        uom = tr("tpl_milestone_uom", lang) if is_ms else item.uom.get(lang)  # type: ignore[union-attr]
        values = [item.code, item.name.get(lang), uom, quota]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            cell.border = border
            if c == 4:
                cell.number_format = "#,##0"
        for c in (5, 6, 7):
            cell = ws.cell(r, c)
            cell.protection = Protection(locked=False)
            cell.fill = input_fill
            cell.border = border
            if c in (5, 6):
                cell.number_format = "#,##0.##"
    last = first + max(len(rows), 1) - 1
    if rows:
        number_rows = [first + i for i, (item, _) in enumerate(rows) if not isinstance(item, Milestone)]
        ms_rows = [first + i for i, (item, _) in enumerate(rows) if isinstance(item, Milestone)]
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = tr("tpl_dv_error", lang)
        dv.errorTitle = tr("tpl_dv_error_title", lang)
        dv.prompt = tr("tpl_dv_prompt", lang)
        dv.promptTitle = tr("tpl_h_this_month", lang)
        dv.showErrorMessage = dv.showInputMessage = True
        for r in number_rows:
            dv.add(f"E{r}:F{r}")
        ws.add_data_validation(dv)
        if ms_rows:
            dms = DataValidation(type="list", formula1=f'"{tr("tpl_done_word", lang)}"', allow_blank=True)
            dms.prompt = tr("tpl_dv_ms_prompt", lang)
            dms.promptTitle = tr("h_milestone", lang)
            dms.showErrorMessage = dms.showInputMessage = True
            for r in ms_rows:
                dms.add(f"E{r}:F{r}")
            ws.add_data_validation(dms)
        dn = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="500", allow_blank=True)
        dn.prompt = tr("tpl_dv_note", lang)
        dn.showInputMessage = True
        dn.add(f"G{first}:G{last}")
        ws.add_data_validation(dn)
    ws.cell(header_row, 6).comment = Comment(tr("tpl_cumulative_comment", lang), "kctrack")
    for col, width in zip("ABCDEFG", (30, 44, 10, 12, 12, 12, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{first}"
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:G{last}"
    meta = wb.create_sheet(META_SHEET)
    for r, (k, v) in enumerate(
        (("plan", plan.code), ("unit", unit), ("month", month or ""), ("template_version", TEMPLATE_VERSION)), start=1
    ):
        meta.cell(r, 1, k)
        meta.cell(r, 2, v)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    with replacing(path) as tmp:
        wb.save(tmp)
    return len(rows)


def template_name(plan: Plan, unit: str, month: str | None) -> str:
    return f"{plan.code}_{plan.unit(unit).name.zh}_{unit}_{month or 'YYYY-MM'}.xlsx"


def write_error_copies(problems: list[Problem], out_dir: Path, lang: str) -> list[Path]:
    """A copy of each faulty workbook, bad cells filled red with the reason as a comment."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    by_file: dict[Path, list[Problem]] = {}
    for p in problems:
        if p.sheet and p.cell:
            by_file.setdefault(p.file, []).append(p)
    written = []
    for path, items in by_file.items():
        try:
            wb = load_workbook(path)
        except Exception:  # a file openpyxl cannot read gets no marked copy; its problems are listed anyway
            continue
        for p in items:
            ws = wb[p.sheet]
            ws.protection.sheet = False
            cell = ws[p.cell]
            if type(cell).__name__ == "MergedCell":
                continue
            cell.fill = red
            cell.comment = Comment(p.error.render(lang), "kctrack")
        dest = out_dir / f"{path.stem}.errors.xlsx"
        with replacing(dest) as tmp:
            wb.save(tmp)
        written.append(dest)
    return written
