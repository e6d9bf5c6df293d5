"""The return form (月报模板) a reporting unit fills in: one workbook per unit and month.

:func:`template_rows` says what concerns a unit; :func:`write_template` writes
the form with openpyxl (imported inside the functions, so that ``kctrack
status`` never loads it), one small function per part of the sheet.

The sheet: title and labels on rows 1–3, the header on row 5, one row per
target or milestone from row 6. Columns A–D say what is asked (code, name,
unit of measure, the unit's quota), E–G are what the unit types (本月完成,
累计完成, 备注), H is kctrack's own cumulative figure to the end of the month
before, shown for reference and locked.

After it, one sheet per register the unit sends (:meth:`kctrack.plan.Plan.registers_of`, issue 14):
the same title and labels on rows 1–3 (the register importer reads the unit and month there, like
the return's), a note on row 4, the register's headings on row 5, and from row 6
:data:`REGISTER_INPUT_ROWS` rows to type entries in, each column validated by its field's type.
The hidden sheet :data:`META_SHEET` comes last.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kctrack.files import replacing
from kctrack.i18n import tr
from kctrack.parse import NOTE_MAX_CHARS  # the longest note the form accepts (tpl_dv_note says so)
from kctrack.plan import Milestone, Plan, Register, RegisterField, Target
from kctrack.registers import USCC_LENGTH  # GB 32100-2015: 18 characters, the last a check character

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
TITLE_SIZE = 14  # points

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
    _write_title(ws, tr("tpl_title", lang, plan=plan.name.get(lang), doc=plan.document), LAST_COLUMN)
    _write_labels(ws, plan, unit, month, lang)
    _write_header(ws, lang)
    _write_rows(ws, rows, lang, previous if month is not None else None)
    last = FIRST_ROW + max(len(rows), 1) - 1
    if rows:
        _add_validations(ws, rows, last, lang)
    _set_up_page(ws, last)
    for reg in plan.registers_of(unit):
        _write_register_sheet(wb, plan, reg, unit, month, lang)
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


def _write_title(ws: Any, title: str, last_column: str) -> None:
    """Row 1: the title, centred over the columns A to ``last_column`` (a letter)."""
    from openpyxl.styles import Alignment, Font

    if last_column != "A":
        ws.merge_cells(f"A1:{last_column}1")
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=TITLE_SIZE)
    ws["A1"].alignment = Alignment(horizontal="center")


def _write_labels(ws: Any, plan: Plan, unit: str, month: str | None, lang: str) -> None:
    """Rows 2–3: the unit and the month (left to the unit, as an input, when not given), each label in
    column A and its value in B, where the importers read them."""
    from openpyxl.styles import Font, Protection

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
    _protect(ws)
    _set_up_print(ws, LAST_COLUMN, last)


def _protect(ws: Any) -> None:
    """Protect the sheet (only the cells unlocked are typed in), formatting allowed."""
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False


def _set_up_print(ws: Any, last_column: str, last: int) -> None:
    """A4 landscape, one page wide, the header repeated on each page, rows 1 to ``last`` printed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{last_column}{last}"


# -- register sheets (issue 14) ----------------------------------------------------------------

# Rows ready for entries on a register sheet: more than a unit lists in a month (a list may give only
# what is new; the longest, the 1000 firms served in the year, is shared by two units over nine months),
# and few enough that the blank form stays small.  Rows can be inserted within the area for more.
REGISTER_INPUT_ROWS = 500
REGISTER_LAST_ROW = FIRST_ROW + REGISTER_INPUT_ROWS - 1
# Rows drawn as inputs (yellow, bordered) at the top of that area: a blank form prints on one page, not
# fifty; the columns' own formats and the validations cover every row of the area.
REGISTER_STYLED_ROWS = 20
# Excel's own limits: a sheet name (and the characters it forbids in one), the text of a literal list of a
# list validation, an input message and its title, an error message.  Longer is refused or "repaired".
EXCEL_SHEET_NAME_MAX = 31
EXCEL_SHEET_NAME_FORBIDDEN = "[]:*?/\\"
EXCEL_LIST_MAX_CHARS = 255
EXCEL_PROMPT_MAX_CHARS = 255
EXCEL_TITLE_MAX_CHARS = 32
EXCEL_ERROR_MAX_CHARS = 225
# Column widths (in widths of a "0"): a heading's width plus room, at least what the type's values need
# (a credit code is 18 characters), at most a readable column; a Chinese character counts as two.
HEADING_ROOM = 4
MIN_WIDTHS = {"uscc": 22, "date": 12, "month": 10, "integer": 10, "unit": 12, "choice": 10, "text": 14}
MAX_WIDTH = 40
# How a column's cells are formatted: a credit code and a month as text (never a number or a date).
REGISTER_FORMATS = {"uscc": "@", "month": "@", "date": "yyyy-mm-dd", "integer": "0"}
# The wrapped title and note rows' height: points per line of 11-point text (Chinese type needs more than
# Latin), and how much wider than their count of "0" widths lines of text come out (proportional type).
LINE_HEIGHT = 16
TEXT_SPREAD = 1.1
NOTE_PADDING = 4  # points under the note, so that its last line clears the header

Validation = tuple[Any, str, str]  # an openpyxl DataValidation, its input message, its error message


def _write_register_sheet(wb: Any, plan: Plan, reg: Register, unit: str, month: str | None, lang: str) -> None:
    """One register's sheet, after the sheets already in ``wb``: title and labels (rows 1–3), a note
    (row 4), the headings (row 5), the input area (rows 6 to :data:`REGISTER_LAST_ROW`)."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(register_sheet_name(reg.name.get(lang), wb.sheetnames))
    last_column = get_column_letter(len(reg.fields))
    _write_register_title(ws, plan, reg, last_column, lang)
    _write_labels(ws, plan, unit, month, lang)
    _write_register_note(ws, reg, last_column, lang)
    _write_register_header(ws, reg, lang)
    _write_register_inputs(ws, reg)
    _add_register_validations(ws, plan, reg, lang)
    _set_up_register_page(ws, reg, last_column, lang)


def _write_register_title(ws: Any, plan: Plan, reg: Register, last_column: str, lang: str) -> None:
    """Row 1: the register's name after the plan's, as the return's title, wrapped over as many lines
    as the sheet's columns need (a register of four columns is narrower than the title)."""
    from openpyxl.styles import Alignment

    title = tr("tpl_reg_title", lang, plan=plan.name.get(lang), doc=plan.document, register=reg.name)
    _write_title(ws, title, last_column)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    lines = _lines(title, _total_width(reg, lang), TITLE_SIZE)
    ws.row_dimensions[1].height = LINE_HEIGHT * TITLE_SIZE / 11 * lines


def register_sheet_name(name: str, taken: Sequence[str]) -> str:
    """A register's sheet name from its name: without the characters Excel forbids (``[]:*?/\\``) or an
    apostrophe at either end, cut to 31 characters (at a space when it has some: ``Academician and expert
    talent``), and unlike every name in ``taken`` (Excel compares them case-insensitively): ``… (2)``."""
    text = "".join(ch for ch in name if ch not in EXCEL_SHEET_NAME_FORBIDDEN and ch.isprintable())
    text = " ".join(text.split()).strip("'") or "register"
    used = {t.casefold() for t in taken} | {"history"}  # History: Excel's own
    candidate, n = _cut(text, EXCEL_SHEET_NAME_MAX), 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = _cut(text, EXCEL_SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    return candidate


def _cut(text: str, n: int) -> str:
    """``text`` cut to at most ``n`` characters, at its last space when that splits no word, never
    ending in an apostrophe or a space."""
    if len(text) > n:
        cut = text[:n]
        if text[n] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        text = cut
    return text.rstrip(" '")


def _display_width(text: str) -> int:
    """Text's width in widths of a "0": a Chinese (wide) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_register_note(ws: Any, reg: Register, last_column: str, lang: str) -> None:
    """Row 4: one row per entry, bold columns required, a list may give only what is new; the document's
    words the register comes from.  Merged over the columns and wrapped."""
    from openpyxl.styles import Alignment, Font

    note = tr("tpl_reg_note", lang)
    if reg.source:
        note += " " + tr("tpl_reg_source", lang, source=reg.source)
    if last_column != "A":
        ws.merge_cells(f"A4:{last_column}4")
    ws["A4"] = note
    ws["A4"].font = Font(italic=True, color="595959")
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[4].height = LINE_HEIGHT * _lines(note, _total_width(reg, lang)) + NOTE_PADDING


def _write_register_header(ws: Any, reg: Register, lang: str) -> None:
    """Row 5: the fields' headings as the plan gives them (nothing added: the importer matches them),
    bold when required, with a comment on a personal-data field."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    border, fill = _border(), _fill(HEAD_FILL)
    for c, f in enumerate(reg.fields, start=1):
        cell = ws.cell(HEADER_ROW, c, f.heading.get(lang))
        cell.font = Font(bold=f.required)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if f.personal:
            cell.comment = Comment(tr("tpl_reg_personal", lang), "kctrack", width=240, height=80)


def _write_register_inputs(ws: Any, reg: Register) -> None:
    """Each field's column unlocked and formatted by its type (:data:`REGISTER_FORMATS`) as a column
    style, which holds for every row a unit types in without making the blank rows print; the first
    :data:`REGISTER_STYLED_ROWS` rows yellow and bordered, to show where to type."""
    from openpyxl.styles import Protection
    from openpyxl.utils import get_column_letter

    for c, f in enumerate(reg.fields, start=1):
        number_format = REGISTER_FORMATS.get(f.type, "General")
        column = ws.column_dimensions[get_column_letter(c)]
        column.number_format = number_format
        column.protection = Protection(locked=False)
        style = _input_style(ws.parent, number_format)
        for r in range(FIRST_ROW, FIRST_ROW + REGISTER_STYLED_ROWS):
            ws.cell(r, c).style = style


def _input_style(wb: Any, number_format: str) -> str:
    """The name of the workbook's style of an input cell in ``number_format``, added once: one style
    given to each cell, rather than four attributes each (the input area is written ten times faster)."""
    from openpyxl.styles import NamedStyle, Protection

    name = f"kctrack input {number_format}"
    if name not in wb.named_styles:
        style = NamedStyle(name, fill=_fill(INPUT_FILL), border=_border(), number_format=number_format)
        style.protection = Protection(locked=False)
        wb.add_named_style(style)
    return name


def _add_register_validations(ws: Any, plan: Plan, reg: Register, lang: str) -> None:
    """One validation per column over the input area, by the field's type, with its input message
    (必填 first for a required field) and its error message."""
    from openpyxl.utils import get_column_letter

    for c, f in enumerate(reg.fields, start=1):
        col = get_column_letter(c)
        dv, prompt, error = VALIDATIONS[f.type](f, plan, f"{col}{FIRST_ROW}", lang)
        if f.required:
            prompt = tr("tpl_reg_required", lang, hint=prompt)
        dv.prompt = _clip(prompt, EXCEL_PROMPT_MAX_CHARS)
        dv.promptTitle = _clip(f.heading.get(lang), EXCEL_TITLE_MAX_CHARS)
        dv.error = _clip(error, EXCEL_ERROR_MAX_CHARS)
        dv.errorTitle = _clip(tr("tpl_reg_dv_error_title", lang), EXCEL_TITLE_MAX_CHARS)
        dv.showErrorMessage = dv.type is not None
        dv.showInputMessage = f.required or f.type != "text"
        dv.add(f"{col}{FIRST_ROW}:{col}{REGISTER_LAST_ROW}")
        ws.add_data_validation(dv)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _validation(**kwargs: Any) -> Any:
    """An openpyxl DataValidation that lets a cell stay blank (a blank required cell is the importer's
    to name, with every other problem of the list)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(allow_blank=True, **kwargs)


def _dv_uscc(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """A credit code: 18 characters (the importer checks the characters and the check character)."""
    dv = _validation(type="textLength", operator="equal", formula1=str(USCC_LENGTH))
    return dv, tr("tpl_reg_dv_uscc", lang), tr("tpl_reg_dv_uscc_error", lang)


def _dv_month(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """A month as ``YYYY-MM`` of one of the plan's years: 7 characters, a "-" fifth, the year among the
    plan's and the month among 01–12 (each looked up between "|", so that no part of a neighbour matches)."""
    years = "|".join(str(y) for y in _plan_years(plan))
    months = "|".join(f"{m:02d}" for m in range(1, 13))
    formula = (
        f'AND(LEN({ref})=7,MID({ref},5,1)="-",ISNUMBER(FIND("|"&LEFT({ref},4)&"|","|{years}|")),'
        f'ISNUMBER(FIND("|"&RIGHT({ref},2)&"|","|{months}|")))'
    )
    shown = _years_text(plan)
    dv = _validation(type="custom", formula1=formula)
    error = tr("tpl_reg_dv_month_error", lang, years=shown, example=plan.start)
    return dv, tr("tpl_reg_dv_month", lang, example=plan.start), error


def _dv_date(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """A date within the plan's years (1 January of the first to 31 December of the last)."""
    from datetime import date

    from openpyxl.utils.datetime import to_excel

    years = _plan_years(plan)
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    dv = _validation(
        type="date", operator="between", formula1=str(int(to_excel(first))), formula2=str(int(to_excel(last)))
    )
    error = tr("tpl_reg_dv_date_error", lang, first=first.isoformat(), last=last.isoformat())
    return dv, tr("tpl_reg_dv_date", lang, example=f"{plan.start}-15"), error


def _dv_integer(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    dv = _validation(type="whole", operator="greaterThanOrEqual", formula1="0")
    return dv, tr("tpl_reg_dv_integer", lang), tr("tpl_reg_dv_integer_error", lang)


def _dv_choice(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """One of the field's choices from a drop-down list; a typed choice and a message when no list can
    hold them (:func:`_list_formula`)."""
    shown = tr("tpl_reg_choice_sep", lang).join(f.choices)
    formula = _list_formula(f.choices)
    if formula is None:
        return _validation(), tr("tpl_reg_dv_choice_free", lang, choices=shown), ""
    dv = _validation(type="list", formula1=formula)
    return dv, tr("tpl_reg_dv_choice", lang, choices=shown), tr("tpl_reg_dv_choice_error", lang)


def _dv_unit(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """A unit of the plan (of the field's ``unit_kind``) by its name in the template's language from a drop-down list; a
    typed name and a message when the list would pass Excel's limit (the English names of the 2020 plan)."""
    units = [u for u in plan.units if f.unit_kind is None or u.kind == f.unit_kind]  # 所在市: the 13 cities
    formula = _list_formula([u.name.get(lang) for u in units])
    if formula is None:
        example = units[0].name.get(lang) if units else ""
        return _validation(), tr("tpl_reg_dv_unit_free", lang, example=example), ""
    dv = _validation(type="list", formula1=formula)
    return dv, tr("tpl_reg_dv_unit", lang), tr("tpl_reg_dv_unit_error", lang)


def _dv_text(f: RegisterField, plan: Plan, ref: str, lang: str) -> Validation:
    """Text of at most :data:`~kctrack.parse.NOTE_MAX_CHARS` characters, the bound the importer sets."""
    dv = _validation(type="textLength", operator="lessThanOrEqual", formula1=str(NOTE_MAX_CHARS))
    return dv, tr("tpl_reg_dv_text", lang, max=NOTE_MAX_CHARS), tr("tpl_reg_dv_text_error", lang, max=NOTE_MAX_CHARS)


VALIDATIONS = {
    "uscc": _dv_uscc,
    "month": _dv_month,
    "date": _dv_date,
    "integer": _dv_integer,
    "choice": _dv_choice,
    "unit": _dv_unit,
    "text": _dv_text,
}
"""A field type (:data:`kctrack.plan.FIELD_TYPES`) → its validation: (field, plan, first input cell, lang)
→ (DataValidation, input message, error message)."""


def _list_formula(items: Sequence[str]) -> str | None:
    """The literal list of a list validation (``"征集,攻关中,已解决"``); None when there is nothing to
    list, an item holds a comma or a quote (the list cannot say it), or the list passes
    :data:`EXCEL_LIST_MAX_CHARS` (Excel refuses the file)."""
    text = ",".join(items)
    if not items or any("," in i or '"' in i or not i.strip() for i in items) or len(text) > EXCEL_LIST_MAX_CHARS:
        return None
    return f'"{text}"'


def _plan_years(plan: Plan) -> list[int]:
    """The calendar years the plan spans, from its first month's to its last's: [2020]."""
    return list(range(int(plan.start[:4]), int(plan.end[:4]) + 1))


def _years_text(plan: Plan) -> str:
    years = _plan_years(plan)
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _set_up_register_page(ws: Any, reg: Register, last_column: str, lang: str) -> None:
    """Widths fitting the headings, frozen headings, protection (rows may be inserted, deleted, sorted
    and filtered), print setup as the return's."""
    from openpyxl.utils import get_column_letter

    for c, f in enumerate(reg.fields, start=1):
        ws.column_dimensions[get_column_letter(c)].width = _column_width(f, lang, first=c == 1)
    ws.freeze_panes = f"A{FIRST_ROW}"
    _protect(ws)
    for allowed in ("insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(ws.protection, allowed, False)
    _set_up_print(ws, last_column, REGISTER_LAST_ROW)


def _column_width(f: RegisterField, lang: str, first: bool = False) -> int:
    """A column's width: its heading's with room, at least its type's (:data:`MIN_WIDTHS`), at most
    :data:`MAX_WIDTH`; the first column also holds the labels of rows 2–3."""
    width = max(_display_width(f.heading.get(lang)) + HEADING_ROOM, MIN_WIDTHS.get(f.type, 0))
    if first:
        labels = (tr("tpl_unit_label", lang), tr("tpl_month_label", lang))
        width = max(width, *(_display_width(t) + HEADING_ROOM for t in labels))
    return min(width, MAX_WIDTH)


def _total_width(reg: Register, lang: str) -> int:
    return sum(_column_width(f, lang, first=i == 0) for i, f in enumerate(reg.fields))


def _lines(text: str, width: int, size: int = 11) -> int:
    """How many lines ``text`` in ``size``-point type takes in a merged cell ``width`` wide."""
    return max(1, math.ceil(_display_width(text) * TEXT_SPREAD * size / (11 * max(width, 1))))


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
