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
    Workbook,
    cell_ref,
    formula_cells_without_value,
    is_blank,
    norm_text,
    open_workbook,
    parse_month,
    parse_number,
)
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


@dataclass
class Row:
    """One figure of a return, placed at its cells."""

    code: str
    unit: str
    month: str
    this_month: float | None
    cumulative: float | None
    note: str | None
    where: str  # file!sheet!cell of the figure
    cells: dict[str, str] = field(default_factory=dict)  # column key → cell ref


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
        blank_formulas: set[tuple[int, int]] | None = None
        seen: dict[tuple[str, str, str], str] = {}
        returns: dict[tuple[str, str], Return] = {}
        # a consolidated sheet repeats the same few units, months and codes: parse each once
        units_seen: dict[Any, str | None] = {}
        months_seen: dict[Any, str | None] = {}
        c_code, c_tm, c_cu, c_unit, c_month, c_note, c_name = (
            columns.get(k) for k in ("code", "this_month", "cumulative", "unit", "month", "note", "name")
        )
        for r in range(hr + 1, len(sheet.rows)):
            row = sheet.rows[r]

            def ref(key: str, r: int = r, columns: dict[str, int] = columns) -> str:
                return cell_ref(r, columns[key])

            code_raw = _at(row, c_code)
            tm_raw, cu_raw = _at(row, c_tm), _at(row, c_cu)
            if is_blank(code_raw):
                if is_blank(tm_raw) and is_blank(cu_raw):
                    continue
                if norm_text(_at(row, c_name)).lower() in TOTAL_WORDS or norm_text(row[0]).lower() in TOTAL_WORDS:
                    continue
                problem(ref("code"), None, "imp_no_code")
                continue
            code = norm_text(code_raw).upper()
            if code.lower() in TOTAL_WORDS:
                continue
            item = plan.find_code(code)
            if item is None:
                close = difflib.get_close_matches(
                    code, [t.code for t in plan.targets] + [m.code for m in plan.milestones], n=1
                )
                problem(ref("code"), code_raw, "imp_unknown_code", code=code, suggestion=close[0] if close else "")
                continue
            # unit and month of the row: its own columns, else the sheet's, else the command line's
            row_unit = unit_code
            raw_unit = _at(row, c_unit)
            if not is_blank(raw_unit):
                if raw_unit not in units_seen:
                    units_seen[raw_unit] = plan.find_unit(norm_text(raw_unit))
                row_unit = units_seen[raw_unit]
                if row_unit is None:
                    problem(ref("unit"), raw_unit, "imp_unknown_unit", unit=norm_text(raw_unit))
                    continue
            elif sheet_unit is not None and unit_code is None:
                continue  # already reported
            if row_unit is None:
                problem(ref("code"), None, "imp_no_unit")
                continue
            row_month = month_text
            raw_month = _at(row, c_month)
            if not is_blank(raw_month):
                if raw_month not in months_seen:
                    months_seen[raw_month] = parse_month(raw_month, year)
                row_month = months_seen[raw_month]
                if row_month is None:
                    problem(ref("month"), raw_month, "imp_bad_month", value=norm_text(raw_month))
                    continue
            elif sheet_month is not None and month_text is None:
                continue
            if row_month is None:
                problem(ref("code"), None, "imp_no_month")
                continue
            month_cell = ref("month") if not is_blank(raw_month) else (sheet_month[1] if sheet_month else None)
            if not plan.start <= row_month <= plan.end:
                problem(
                    month_cell or ref("code"),
                    row_month,
                    "imp_month_outside",
                    value=row_month,
                    start=plan.start,
                    end=plan.end,
                )
                continue
            if not plan.reports(row_unit, item.code):
                reporters = _reporters(item, plan)
                problem(
                    ref("code"),
                    code,
                    "imp_not_reporter",
                    code=code,
                    unit=plan.unit_name(row_unit, "zh"),
                    units=" ".join(plan.unit_name(u, "zh") for u in reporters),
                )
                continue
            # the figures
            figures: dict[str, float | None] = {}
            bad = False
            for key in ("this_month", "cumulative"):
                if key not in columns:
                    figures[key] = None
                    continue
                raw = tm_raw if key == "this_month" else cu_raw
                if is_blank(raw):
                    if sheet.has_formulas:
                        if blank_formulas is None:
                            blank_formulas = formula_cells_without_value(wb.path, sheet.name)
                        if (r, columns[key]) in blank_formulas:
                            problem(ref(key), None, "imp_formula_no_value")
                            bad = True
                    figures[key] = None
                    continue
                if isinstance(item, Milestone):
                    text = norm_text(raw).lower()
                    if text in DONE_WORDS or raw == 1:
                        figures[key] = 1.0
                    elif text in ("0", "否", "no", "未完成"):
                        figures[key] = None
                    else:
                        problem(ref(key), raw, "imp_milestone_value")
                        bad = True
                    continue
                number = parse_number(raw)
                if number is None:
                    problem(ref(key), raw, "imp_not_number", value=show(raw))
                    bad = True
                elif number < 0:
                    problem(ref(key), raw, "imp_negative", value=show(raw))
                    bad = True
                else:
                    figures[key] = number
            if bad or (figures["this_month"] is None and figures["cumulative"] is None):
                continue
            key3 = (code, row_unit, row_month)
            value_key = "this_month" if figures["this_month"] is not None else "cumulative"
            if key3 in seen:
                problem(
                    ref(value_key),
                    tm_raw if value_key == "this_month" else cu_raw,
                    "imp_duplicate",
                    code=code,
                    first=seen[key3],
                )
                continue
            value_ref = seen[key3] = ref(value_key)
            note = _at(row, c_note)
            ret = returns.get((row_unit, row_month))
            if ret is None:
                ret = returns[(row_unit, row_month)] = Return(wb.path, sheet.name, wb.sha256, row_unit, row_month)
            ret.rows.append(
                Row(
                    code=code,
                    unit=row_unit,
                    month=row_month,
                    this_month=figures["this_month"],
                    cumulative=figures["cumulative"],
                    note=None if is_blank(note) else norm_text(note),
                    where=f"{wb.path}!{sheet.name}!{value_ref}",
                    cells={
                        k: value_ref if k == value_key else ref(k) for k in ("this_month", "cumulative") if k in columns
                    },
                )
            )
        out.returns += returns.values()
    if not found:
        out.problems.append(Problem(wb.path, None, None, None, DataError("imp_no_header", rows=HEADER_SCAN_ROWS)))


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
        if unit in t.reporters:
            rows.append((t, t.quota(unit) if t.breakdown else t.value))
    for m in plan.milestones:
        if unit in _reporters(m, plan):
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
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
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
    out_dir.mkdir(parents=True, exist_ok=True)
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
        wb.save(dest)
        written.append(dest)
    return written
