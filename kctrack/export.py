"""The year-end summary for CAST (中国科协): one workbook in the document's own layout.

Every figure comes from :func:`kctrack.status.compute` — the same numbers as
``kctrack status`` for the same as-of month — and every one is traceable with
``kctrack explain``.  Sheets: summary by the 15 tasks, targets, by city,
monthly, milestones, sources, with native Excel charts.  Also Markdown, CSV and
JSON of the same figures.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kctrack.i18n import tr
from kctrack.status import Report, TargetRow, num
from kctrack.status import to_json as status_json

HEADLINE = ("FIRMS_SERVED", "CHOKEPOINTS_SOLVED", "TECH_MANAGER_TEAMS", "SERVICE_TEAMS")
FILL = {
    "done": "C6EFCE",
    "on_track": "E2EFDA",
    "behind": "FFEB9C",
    "off_track": "FFC7CE",
    "overdue": "F4B084",
    "pending": "DDEBF7",
    "received": "C6EFCE",
    "late": "FFEB9C",
    "missing": "FFC7CE",
    "not_due": "F2F2F2",
}
SHEETS = ("summary", "targets", "by_city", "monthly", "milestones", "sources")


@dataclass
class ExportData:
    report: Report
    grid: Any  # kctrack.service.Grid
    batches: list[Any]  # kctrack.store.BatchInfo
    db: str
    generated: date


def target_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """The targets sheet, CSV and JSON: the status fields plus gap and forecast."""
    by_code = {t["code"]: t for t in status_json(report, lang)["targets"]}
    out = []
    for r in report.targets:
        row = dict(by_code[r.target.code])
        row["gap"] = num(max(0.0, r.gap))
        row["forecast"] = num(r.forecast)
        out.append(row)
    return out


def export_json(data: ExportData, lang: str) -> str:
    doc = status_json(data.report, lang)
    doc["targets"] = target_rows(data.report, lang)
    doc["generated"] = data.generated.isoformat()
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_CSV_HEAD = (
    "code",
    "name",
    "unit_of_measure",
    "deadline",
    "target",
    "expected",
    "actual",
    "gap",
    "forecast",
    "percent",
    "state",
    "task",
)


def export_csv(data: ExportData, lang: str) -> str:
    from kctrack.render import to_csv

    rows = target_rows(data.report, lang)
    return to_csv(list(_CSV_HEAD), [[r[k] for k in _CSV_HEAD] for r in rows])


def export_md(data: ExportData, lang: str) -> str:
    from kctrack.render import fmt, to_markdown

    rep = data.report
    plan = rep.plan
    lines = [
        f"# {tr('xp_title', lang, plan=plan.name.get(lang), doc=plan.document)}",
        "",
        tr("xp_subtitle", lang, as_of=rep.as_of, generated=data.generated.isoformat()),
        "",
        f"## {tr('xp_sheet_summary', lang)}",
        "",
    ]
    head = [
        tr(f"xp_h_{k}", lang)
        for k in ("no", "task", "responsible", "time_node", "target_name", "value", "actual", "percent", "state")
    ]
    rows = []
    for task, items in _summary(rep):
        resp = _resp(plan, task, lang)
        if not items:
            rows.append([task.no, task.short.get(lang), resp, task.time_node, "", "", "", "", ""])
        for i, (kind, obj) in enumerate(items):
            first = i == 0
            lead = [task.no, task.short.get(lang), resp, task.time_node] if first else ["", "", "", ""]
            if kind == "t":
                r: TargetRow = obj
                rows.append(
                    [
                        *lead,
                        r.target.name.get(lang),
                        fmt(r.target.value),
                        fmt(r.actual),
                        f"{r.percent:.1f}%",
                        tr("state_" + r.state, lang),
                    ]
                )
            else:
                rows.append(
                    [*lead, obj.milestone.name.get(lang), "", obj.done_on or "", "", tr("state_" + obj.state, lang)]
                )
    lines.append(to_markdown(head, rows))
    lines += [f"## {tr('xp_sheet_targets', lang)}", ""]
    head = [
        tr(f"xp_h_{k}", lang)
        for k in (
            "code",
            "target_name",
            "deadline",
            "value",
            "expected",
            "actual",
            "gap",
            "forecast",
            "percent",
            "state",
        )
    ]
    rows = [
        [
            r.target.code,
            r.target.name.get(lang),
            r.target.deadline,
            fmt(r.target.value),
            fmt(r.expected),
            fmt(r.actual),
            fmt(max(0.0, r.gap)),
            fmt(r.forecast),
            f"{r.percent:.1f}%",
            tr("state_" + r.state, lang),
        ]
        for r in rep.targets
    ]
    lines.append(to_markdown(head, rows))
    return "\n".join(lines)


def _summary(rep: Report) -> list[tuple[Any, list[tuple[str, Any]]]]:
    """The 15 tasks in order, each with its targets, or its milestones where it has no targets."""
    out = []
    for task in rep.plan.tasks:
        items: list[tuple[str, Any]] = [("t", r) for r in rep.targets if r.target.task == task.no]
        if not items:
            items = [("m", m) for m in rep.milestones if m.milestone.task == task.no]
        out.append((task, items))
    return out


def _resp(plan: Any, task: Any, lang: str) -> str:
    if lang == "zh":
        return str(task.responsible_text)
    return ", ".join(plan.unit_name(u, "en") for u in task.responsible)


# -- the workbook ----------------------------------------------------------------------------


def write_xlsx(path: Path, data: ExportData, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.utils import get_column_letter

    rep = data.report
    plan = rep.plan
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="1F4E78")
    head_font = Font(bold=True, color="FFFFFF")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    wb.properties.creator = "kctrack"
    wb.properties.title = tr("xp_title", lang, plan=plan.name.get(lang), doc=plan.document)

    fills = {state: PatternFill("solid", fgColor=colour) for state, colour in FILL.items()}

    # Each combination of number format and state colour is one named cell style, made once: setting a
    # cell's border, fill and format one by one makes openpyxl hash them again for every cell, which was
    # most of the export's time at national scale (250,000 cells).
    styles: dict[tuple[str | None, str | None], str] = {}

    def style(fmt: str | None, state: str | None) -> str:
        name = styles.get((fmt, state))
        if name is None:
            # named for what they look like: they show in Excel's gallery of cell styles
            look = [state or "plain", {NUM: "number", PCT: "percent"}.get(fmt or "", fmt or "")]
            name = styles[(fmt, state)] = " ".join(["kctrack", *filter(None, look)])
            wb.add_named_style(
                NamedStyle(
                    name=name,
                    border=border,
                    fill=fills[state] if state else PatternFill(),
                    number_format=fmt or "General",
                    alignment=Alignment(vertical="top"),  # figures line up with the first line of wrapped text
                )
            )
        return name

    NUM = "#,##0.##"
    PCT = '0.0"%"'
    # what the layout needs to show every figure and every wrapped text whole: a figure wider than its
    # column prints as ###, and rows are not made taller for wrapped text by every reader (LibreOffice)
    widths: dict[tuple[str, int], int] = {}  # (sheet, column) → characters
    heights: dict[tuple[str, int], int] = {}  # (sheet, row) → lines

    def put(ws: Any, row: int, col: int, value: Any, fmt: str | None = None, state: str | None = None) -> Any:
        cell = ws.cell(row, col, value)
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"  # text that looks like a formula stays text
        cell.style = style(fmt, state)
        if fmt is not None and isinstance(value, int | float) and not isinstance(value, bool):
            shown = f"{value:.1f}%" if fmt == PCT else f"{value:,.2f}".rstrip("0").rstrip(".")
            if len(shown) + 2 > widths.get((ws.title, col), 0):
                widths[(ws.title, col)] = len(shown) + 2
        return cell

    def wrapped(cell: Any) -> int:
        """Wrap a cell's text; returns the lines it takes in its column (and the row will be that tall)."""
        cell.alignment = wrap
        width = cell.parent.column_dimensions[cell.column_letter].width or 10
        n = text_lines(str(cell.value or ""), width)
        key = (cell.parent.title, cell.row)
        heights[key] = max(heights.get(key, 1), n)
        return n

    def sheet(key: str, title_row: bool = True) -> Any:
        ws = wb.active if key == "summary" else wb.create_sheet()
        ws.title = tr(f"xp_sheet_{key}", lang)
        if title_row:
            ws.cell(1, 1, tr("xp_title", lang, plan=plan.name.get(lang), doc=plan.document)).font = Font(
                bold=True, size=14
            )
            ws.cell(2, 1, tr("xp_subtitle", lang, as_of=rep.as_of, generated=data.generated.isoformat()))
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return ws

    def header(ws: Any, row: int, keys: list[str], widths: list[int]) -> None:
        for c, (k, w) in enumerate(zip(keys, widths, strict=True), start=1):
            cell = ws.cell(row, c, tr(f"xp_h_{k}", lang) if not k.startswith("!") else k[1:])
            cell.fill = head_fill
            cell.font = head_font
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = ws.cell(row + 1, 1)
        ws.print_title_rows = f"{row}:{row}"

    code_w = max([30, *(len(t.code) + 2 for t in plan.targets), *(len(m.code) + 2 for m in plan.milestones)])

    # 总表 / Summary --------------------------------------------------------------------------
    ws = sheet("summary")
    keys = [
        "no",
        "task",
        "responsible",
        "participating",
        "time_node",
        "target_name",
        "value",
        "actual",
        "percent",
        "state",
    ]
    header(ws, 4, keys, [6, 34, 18, 22, 10, 30, 12, 12, 10, 10])
    r = 5
    for task, items in _summary(rep):
        start = r
        for i, (kind, obj) in enumerate(items or [("-", None)]):
            if i == 0:
                put(ws, r, 1, task.no).alignment = Alignment(horizontal="center", vertical="top")
                sep = "、" if lang == "zh" else ", "
                task_cells = [
                    put(ws, r, 2, task.short.get(lang)),
                    put(ws, r, 3, _resp(plan, task, lang)),
                    put(ws, r, 4, sep.join(task.participating)),
                    put(ws, r, 5, task.time_node),
                ]
                # merged down the task's rows below: what they need is checked once the rows are known
                task_lines = max(
                    text_lines(str(c.value or ""), ws.column_dimensions[c.column_letter].width) for c in task_cells
                )
                for c in task_cells:
                    c.alignment = wrap
            else:
                for c in range(1, 6):
                    put(ws, r, c, None)
            if kind == "t":
                wrapped(put(ws, r, 6, obj.target.name.get(lang)))
                put(ws, r, 7, obj.target.value, NUM)
                put(ws, r, 8, obj.actual, NUM)
                put(ws, r, 9, round(obj.percent, 4), PCT, obj.state)
                put(ws, r, 10, tr("state_" + obj.state, lang), state=obj.state)
            elif kind == "m":
                wrapped(put(ws, r, 6, obj.milestone.name.get(lang)))
                put(ws, r, 7, None)
                put(ws, r, 8, obj.done_on)
                put(ws, r, 9, None)
                put(ws, r, 10, tr("state_" + obj.state, lang), state=obj.state)
            else:
                for c in range(6, 11):
                    put(ws, r, c, None)
            r += 1
        have = sum(heights.get((ws.title, row_no), 1) for row_no in range(start, r))
        if task_lines > have:  # the task's text needs more lines than its targets' rows give: the last grows
            heights[(ws.title, r - 1)] = heights.get((ws.title, r - 1), 1) + task_lines - have
        if r - start > 1:
            for c in range(1, 6):
                ws.merge_cells(start_row=start, start_column=c, end_row=r - 1, end_column=c)
    ws.print_area = f"A1:J{r - 1}"

    # 指标明细 / Targets -------------------------------------------------------------------------
    ws = sheet("targets")
    keys = [
        "code",
        "target_name",
        "uom",
        "deadline",
        "value",
        "expected",
        "actual",
        "gap",
        "forecast",
        "percent",
        "state",
        "task",
    ]
    header(ws, 4, keys, [code_w, 34, 8, 10, 12, 12, 12, 12, 12, 10, 10, 6])
    for i, row in enumerate(rep.targets):
        r = 5 + i
        t = row.target
        vals = [
            t.code,
            t.name.get(lang),
            t.uom.get(lang),
            t.deadline,
            t.value,
            row.expected,
            row.actual,
            max(0.0, row.gap),
            row.forecast,
        ]
        for c, v in enumerate(vals, start=1):
            put(ws, r, c, v, NUM if c >= 5 else None)
        put(ws, r, 10, round(row.percent, 4), PCT, row.state)
        put(ws, r, 11, tr("state_" + row.state, lang), state=row.state)
        put(ws, r, 12, t.task)
    last_target_row = 4 + len(rep.targets)
    if rep.targets:
        chart = BarChart()
        chart.type = "bar"
        chart.title = tr("xp_chart_percent", lang)
        chart.y_axis.title = "%"
        chart.height = max(8, len(rep.targets) * 0.5)
        chart.width = 18
        chart.add_data(Reference(ws, min_col=10, min_row=4, max_row=last_target_row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=last_target_row))
        chart.legend = None
        ws.add_chart(chart, "N4")

    # 分市 / By city ------------------------------------------------------------------------------
    ws = sheet("by_city")
    keys = ["code", "unit", "quota", "expected", "actual", "percent", "state"]
    header(ws, 4, keys, [code_w, 14, 10, 10, 10, 10, 10])
    r = 5
    for row in rep.targets:
        shares = [s for s in row.breakdown if s.target is not None]
        if not shares:
            continue
        for s in shares:
            put(ws, r, 1, row.target.code)
            put(ws, r, 2, plan.unit_name(s.unit, lang))
            put(ws, r, 3, s.target, NUM)
            put(ws, r, 4, s.expected, NUM)
            put(ws, r, 5, s.actual, NUM)
            pct = s.actual / s.target * 100 if s.target else 100.0
            put(ws, r, 6, round(pct, 4), PCT, s.state)
            put(ws, r, 7, tr("state_" + (s.state or "pending"), lang), state=s.state)
            r += 1
        bold = Font(bold=True)
        put(ws, r, 1, row.target.code).font = bold
        put(ws, r, 2, tr("xp_total", lang)).font = bold
        put(ws, r, 3, sum(s.target or 0 for s in shares), NUM).font = bold
        put(ws, r, 4, row.expected, NUM).font = bold
        put(ws, r, 5, sum(s.actual for s in shares), NUM).font = bold
        put(ws, r, 6, round(row.percent, 4), PCT, row.state).font = bold
        put(ws, r, 7, tr("state_" + row.state, lang), state=row.state).font = bold
        r += 2

    # 月度进展 / Monthly --------------------------------------------------------------------------
    ws = sheet("monthly")
    from kctrack.schedule import months_between

    months = months_between(plan.start, plan.end)
    keys = ["code", "target_name", "series", *[f"!{m}" for m in months]]
    header(ws, 4, keys, [code_w, 30, 10, *[10] * len(months)])
    r = 5
    rows_of: dict[str, int] = {}
    for row in rep.targets:
        cells = {c.month: c for c in row.monthly}
        rows_of[row.target.code] = r
        put(ws, r, 1, row.target.code)
        put(ws, r, 2, row.target.name.get(lang))
        put(ws, r, 3, tr("xp_actual", lang))
        put(ws, r + 1, 1, row.target.code)
        put(ws, r + 1, 2, row.target.name.get(lang))
        put(ws, r + 1, 3, tr("xp_expected", lang))
        from kctrack.schedule import expected as expected_at

        for j, m in enumerate(months, start=4):
            cell = cells.get(m)
            put(ws, r, j, cell.actual if cell else None, NUM, cell.state if cell else None)
            e = (
                cell.expected
                if cell
                else expected_at(
                    row.target.value, plan.start, row.target.deadline, m, dict(row.target.checkpoints) or None
                )
            )
            put(ws, r + 1, j, e, NUM)
        r += 2
    charts_at = r + 1
    for k, code in enumerate(c for c in HEADLINE if c in rows_of):
        rr = rows_of[code]
        chart = LineChart()
        chart.title = f"{code}"
        chart.height, chart.width = 7, 14
        for series_row in (rr, rr + 1):
            chart.add_data(
                Reference(ws, min_col=3, max_col=3 + len(months), min_row=series_row),
                from_rows=True,
                titles_from_data=True,
            )
        chart.set_categories(Reference(ws, min_col=4, max_col=3 + len(months), min_row=4))
        ws.add_chart(chart, f"{'A' if k % 2 == 0 else 'H'}{charts_at + (k // 2) * 16}")

    # 里程碑 / Milestones -------------------------------------------------------------------------
    ws = sheet("milestones")
    keys = ["code", "milestone", "task", "due", "done_on", "state"]
    header(ws, 4, keys, [code_w, 50, 6, 10, 10, 10])
    for i, mrow in enumerate(rep.milestones):
        r = 5 + i
        put(ws, r, 1, mrow.milestone.code)
        wrapped(put(ws, r, 2, mrow.milestone.name.get(lang)))
        put(ws, r, 3, mrow.milestone.task)
        put(ws, r, 4, mrow.milestone.due)
        put(ws, r, 5, mrow.done_on)
        put(ws, r, 6, tr("state_" + mrow.state, lang), state=mrow.state)

    # 数据来源 / Sources ---------------------------------------------------------------------------
    ws = sheet("sources")
    g = data.grid
    ws.cell(4, 1, tr("title_returns", lang, as_of=g.as_of, day=plan.returns_due_day)).font = Font(bold=True)
    header(ws, 5, ["unit", *[f"!{m}" for m in g.months]], [18, *[10] * len(g.months)])
    r = 6
    for u, months_state in g.cells.items():
        put(ws, r, 1, plan.unit_name(u, lang))
        for j, m in enumerate(g.months, start=2):
            st = months_state[m]
            put(ws, r, j, tr("xp_grid_" + st, lang), state=st)
        r += 1
    r += 1
    ws.cell(r, 1, tr("xp_batches", lang)).font = Font(bold=True)
    r += 1
    bkeys = ["batch", "created", "operator", "kind", "source", "unit", "month", "records", "status", "reason"]
    for col, key in enumerate(bkeys, start=1):
        cell = ws.cell(r, col, tr(f"xp_h_{key}", lang))
        cell.fill, cell.font, cell.border = head_fill, head_font, border
    for b in data.batches:
        r += 1
        state = "undone" if b.undone_at else ("superseded" if b.superseded_by else "live")
        vals = [
            b.id,
            b.created,
            b.operator,
            b.kind,
            b.source + (f"!{b.sheet}" if b.sheet else ""),
            plan.unit_name(b.unit, lang) if b.unit else "",
            b.month or "",
            b.count,
            tr("xp_batch_" + state, lang),
            getattr(b, "reason", None) or "",
        ]
        for c, v in enumerate(vals, start=1):
            put(ws, r, c, v)
    noted = [(b, rec) for b in data.batches for rec in b.records if rec.get("note")]
    if noted:
        r += 2
        ws.cell(r, 1, tr("xp_notes", lang)).font = Font(bold=True)
        r += 1
        for col, key in enumerate(["batch", "code", "unit", "month", "source", "note"], start=1):
            cell = ws.cell(r, col, tr(f"xp_h_{key}", lang))
            cell.fill, cell.font, cell.border = head_fill, head_font, border
        for b, rec in noted:
            r += 1
            source = b.source + (f"!{b.sheet}" if b.sheet else "") + (f"!{rec['cell']}" if rec.get("cell") else "")
            vals = [b.id, rec["target"], plan.unit_name(rec["unit"], lang), rec["month"], source, rec["note"]]
            for c, v in enumerate(vals, start=1):
                put(ws, r, c, v)
    for letter, w in zip("ABCDEFGHIJ", (8, 26, 12, 8, 40, 14, 10, 8, 10, 30), strict=True):
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, w)

    for (title, col), need in widths.items():
        dim = wb[title].column_dimensions[get_column_letter(col)]
        if (dim.width or 0) < need:
            dim.width = need
    for (title, row_no), n in heights.items():
        if n > 1:
            wb[title].row_dimensions[row_no].height = LINE_PT * n

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


LINE_PT = 16  # points a line of 11-point text takes, Chinese included


def text_lines(text: str, width: float) -> int:
    """Lines a text takes wrapped in a column ``width`` characters wide (a Chinese character is two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)
    return max(1, math.ceil(shown / max(1.0, width - 1)))
