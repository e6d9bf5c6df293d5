"""The return form (月报模板) a reporting unit fills in: one workbook per unit and month.

:func:`template_rows` says what concerns a unit; :func:`write_template` writes
the form with openpyxl (imported inside the functions, so that ``kctrack
status`` never loads it), one small function per part of the sheet.

The sheet: title and labels on rows 1–3, the header on row 5, one row per
target or milestone from row 6. Columns A–D say what is asked (code, name,
unit of measure, the unit's quota), E–G are what the unit types (本月完成,
累计完成, 备注), H is kctrack's own cumulative figure to the end of the month
before, shown for reference and locked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kctrack.files import replacing
from kctrack.i18n import tr
from kctrack.parse import NOTE_MAX_CHARS  # the longest note the form accepts (tpl_dv_note says so)
from kctrack.plan import Milestone, Plan, Target

TEMPLATE_VERSION = "2"  # 2: column H, the cumulative figure to the end of the month before
META_SHEET = "_kctrack"

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
# the columns, left to right: header key (tpl_h_<key>) and width
COLUMNS = (
    ("code", 30),
    ("name", 44),
    ("uom", 10),
    ("quota", 12),
    ("this_month", 12),
    ("cumulative", 12),
    ("note", 30),
    ("previous", 14),
)
COL_QUOTA, COL_THIS_MONTH, COL_CUMULATIVE, COL_NOTE, COL_PREVIOUS = 4, 5, 6, 7, 8
LAST_COLUMN = "H"

QUOTA_FORMAT = "#,##0"
FIGURE_FORMAT = "#,##0.##"
INPUT_FILL = "FFF2CC"  # pale yellow: the unit types here
HEAD_FILL = "DDEBF7"  # pale blue: the header
READ_ONLY_FILL = "E7E6E6"  # grey: kctrack's figures, not an input
BORDER_COLOR = "999999"

FormRow = tuple[Target | Milestone, float | None]  # a target or milestone, and the unit's quota


def template_rows(plan: Plan, unit: str) -> list[FormRow]:
    """What concerns a unit: the targets it reports (with its quota where split) and its milestones.

    A resource (依托资源) is on the form too, to give how many are engaged if the unit wishes, but
    with no quota: it is not a number to reach.  Nor has a target the unit reports jointly with
    others without a split (FIRMS_SERVED: 企业工作办公室 and 企业创新服务中心): the whole 1000 is
    not this unit's own task, so its 本单位任务 cell is blank.
    """
    rows: list[FormRow] = []
    for t in plan.targets:
        if plan.reports(unit, t.code):
            rows.append((t, _unit_quota(t, unit)))
    for m in plan.milestones:
        if plan.reports(unit, m.code):
            rows.append((m, None))
    return rows


def _unit_quota(t: Target, unit: str) -> float | None:
    """The 本单位任务 a form shows: the unit's quota of a split target, the value of a target it
    reports alone, none for a shared target or a resource."""
    if t.is_resource:
        return None
    if t.breakdown:
        return t.quota(unit)
    return t.value if len(t.reporters) == 1 else None


def write_template(
    path: Path,
    plan: Plan,
    unit: str,
    month: str | None,
    lang: str = "zh",
    previous: Mapping[str, float] | None = None,
) -> int:
    """Write a unit's return form; returns the number of rows.

    ``previous`` is the unit's cumulative figure per target code at the end of the month before
    ``month`` (a code missing counts 0); it fills column H. Without it, or without a month, H stays blank.
    """
    from openpyxl import Workbook as XlWorkbook

    rows = template_rows(plan, unit)
    wb = XlWorkbook()
    ws = wb.active
    ws.title = tr("tpl_sheet", lang)
    _write_title(ws, plan, unit, month, lang)
    _write_header(ws, lang)
    _write_rows(ws, rows, lang, previous if month is not None else None)
    last = FIRST_ROW + max(len(rows), 1) - 1
    if rows:
        _add_validations(ws, rows, last, lang)
    _set_up_page(ws, last)
    _write_meta(wb, plan, unit, month)
    with replacing(path) as tmp:
        wb.save(tmp)
    return len(rows)


def _border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color=BORDER_COLOR)
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color)


def _write_title(ws: Any, plan: Plan, unit: str, month: str | None, lang: str) -> None:
    """Rows 1–3: the title, the unit, the month (left to the unit, as an input, when not given)."""
    from openpyxl.styles import Alignment, Font, Protection

    ws.merge_cells(f"A1:{LAST_COLUMN}1")
    ws["A1"] = tr("tpl_title", lang, plan=plan.name.get(lang), doc=plan.document)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"], ws["B2"] = tr("tpl_unit_label", lang), plan.unit(unit).name.get(lang)
    ws["A3"], ws["B3"] = tr("tpl_month_label", lang), month or ""
    for label in ("A2", "A3"):
        ws[label].font = Font(bold=True)
    if month is None:
        ws["B3"].protection = Protection(locked=False)
        ws["B3"].fill = _fill(INPUT_FILL)
        ws["C3"] = tr("tpl_month_hint", lang)


def _write_header(ws: Any, lang: str) -> None:
    """Row 5: the column names, with a comment on 累计完成 and on the reference column."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    border, fill = _border(), _fill(HEAD_FILL)
    for c, (key, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, tr(f"tpl_h_{key}", lang))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(HEADER_ROW, COL_CUMULATIVE).comment = Comment(tr("tpl_cumulative_comment", lang), "kctrack")
    ws.cell(HEADER_ROW, COL_PREVIOUS).comment = Comment(tr("tpl_previous_comment", lang), "kctrack")


def _write_rows(ws: Any, rows: Sequence[FormRow], lang: str, previous: Mapping[str, float] | None) -> None:
    """One row per target or milestone: what is asked (A–D), the inputs (E–G), the reference (H)."""
    from openpyxl.styles import Protection

    border, input_fill, read_only_fill = _border(), _fill(INPUT_FILL), _fill(READ_ONLY_FILL)
    for r, (item, quota) in enumerate(rows, start=FIRST_ROW):
        if isinstance(item, Milestone):
            uom, held = tr("tpl_milestone_uom", lang), None
        else:
            uom, held = item.uom.get(lang), None if previous is None else previous.get(item.code, 0.0)
        for c, value in enumerate((item.code, item.name.get(lang), uom, quota), start=1):
            ws.cell(r, c, value).border = border
        ws.cell(r, COL_QUOTA).number_format = QUOTA_FORMAT
        for c in (COL_THIS_MONTH, COL_CUMULATIVE, COL_NOTE):
            cell = ws.cell(r, c)
            cell.protection = Protection(locked=False)
            cell.fill = input_fill
            cell.border = border
            if c != COL_NOTE:
                cell.number_format = FIGURE_FORMAT
        cell = ws.cell(r, COL_PREVIOUS, held)
        cell.fill = read_only_fill  # locked, like every cell not unlocked above
        cell.border = border
        cell.number_format = FIGURE_FORMAT


def _add_validations(ws: Any, rows: Sequence[FormRow], last: int, lang: str) -> None:
    """Numbers ≥ 0 in E–F of a target, 完成 in E–F of a milestone, notes of bounded length in G."""
    from openpyxl.worksheet.datavalidation import DataValidation

    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    numbers.error = tr("tpl_dv_error", lang)
    numbers.errorTitle = tr("tpl_dv_error_title", lang)
    numbers.prompt = tr("tpl_dv_prompt", lang)
    numbers.promptTitle = tr("tpl_h_this_month", lang)
    done = DataValidation(type="list", formula1=f'"{tr("tpl_done_word", lang)}"', allow_blank=True)
    done.prompt = tr("tpl_dv_ms_prompt", lang)
    done.promptTitle = tr("h_milestone", lang)
    for r, (item, _) in enumerate(rows, start=FIRST_ROW):
        (done if isinstance(item, Milestone) else numbers).add(f"E{r}:F{r}")
    for dv in (numbers, done):
        dv.showErrorMessage = dv.showInputMessage = True
        if dv.sqref.ranges:
            ws.add_data_validation(dv)
    notes = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(NOTE_MAX_CHARS), allow_blank=True
    )
    notes.prompt = tr("tpl_dv_note", lang)
    notes.showInputMessage = True
    notes.add(f"G{FIRST_ROW}:G{last}")
    ws.add_data_validation(notes)


def _set_up_page(ws: Any, last: int) -> None:
    """Widths, frozen header, sheet protection (formatting allowed), A4 landscape one page wide."""
    from openpyxl.utils import get_column_letter

    for c, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{LAST_COLUMN}{last}"


def _write_meta(wb: Any, plan: Plan, unit: str, month: str | None) -> None:
    """The hidden sheet the importer reads: plan, unit, month, template version."""
    meta = wb.create_sheet(META_SHEET)
    facts = (("plan", plan.code), ("unit", unit), ("month", month or ""), ("template_version", TEMPLATE_VERSION))
    for r, (key, value) in enumerate(facts, start=1):
        meta.cell(r, 1, key)
        meta.cell(r, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def template_name(plan: Plan, unit: str, month: str | None) -> str:
    return f"{plan.code}_{plan.unit(unit).name.zh}_{unit}_{month or 'YYYY-MM'}.xlsx"
