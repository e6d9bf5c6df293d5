"""The year-end summary for CAST (中国科协): one workbook in the document's own layout.

Every figure comes from :func:`kctrack.status.compute` — the same numbers as
``kctrack status`` for the same as-of month — and every one is traceable with
``kctrack explain``.  Sheets: summary by the 15 tasks, targets, by city,
monthly, milestones, sources (the returns grid and the batches in force, i.e.
the returns the figures rest on; the superseded and undone ones are counted,
``kctrack history`` lists them), with native Excel charts.  Written with
XlsxWriter.  Also Markdown, CSV and JSON of the same figures.
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
    left_out: int = 0  # batches not in force (superseded, undone): `kctrack history` lists them


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
    """The workbook, written with XlsxWriter: each look a cell can have is one format made once, and
    the cells go straight into the file's XML (openpyxl built and styled an object per cell: 13 s for
    the national workbook)."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    rep = data.report
    plan = rep.plan
    title = tr("xp_title", lang, plan=plan.name.get(lang), doc=plan.document)
    subtitle = tr("xp_subtitle", lang, as_of=rep.as_of, generated=data.generated.isoformat())
    # the caller makes the folder and puts the file in place (kctrack.files.replacing)
    # text is written with write_string below; these options make sure no other path turns a text
    # that begins with = into a formula or a URL-like one into a link (merged cells go through write)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    wb.set_properties({"title": title, "author": "kctrack"})

    NUM = "#,##0.##"
    PCT = '0.0"%"'
    border = {"border": 1, "border_color": "#BFBFBF"}  # thin
    head_look = {**border, "bold": True, "font_color": "#FFFFFF", "pattern": 1, "bg_color": "#1F4E78"}
    head = wb.add_format(head_look | {"align": "center", "valign": "vcenter", "text_wrap": True})  # a table's
    list_head = wb.add_format(head_look)  # a list's, under the returns grid
    title_font = wb.add_format({"bold": True, "font_size": 14})
    bold_text = wb.add_format({"bold": True})

    # Each look a cell can have (number format, state colour, bold, wrapped, centred) is one format,
    # made once and shared by every cell that looks that way.
    looks: dict[tuple[str | None, str | None, bool, bool, bool], Any] = {}

    def look(num: str | None, state: str | None, bold: bool = False, wrap: bool = False, center: bool = False) -> Any:
        key = (num, state, bold, wrap, center)
        fmt = looks.get(key)
        if fmt is None:
            # valign top: figures line up with the first line of wrapped text
            props: dict[str, Any] = {**border, "valign": "top"}
            if num:
                props["num_format"] = num
            if state:
                props |= {"pattern": 1, "bg_color": "#" + FILL[state]}
            if bold:
                props["bold"] = True
            if wrap:
                props["text_wrap"] = True
            if center:
                props["align"] = "center"
            fmt = looks[key] = wb.add_format(props)
        return fmt

    # what the layout needs to show every figure and every wrapped text whole: a figure wider than its
    # column prints as ###, and rows are not made taller for wrapped text by every reader (LibreOffice)
    col_width: dict[tuple[str, int], int] = {}  # (sheet, column) → characters, from the headers
    widths: dict[tuple[str, int], int] = {}  # (sheet, column) → characters the figures need
    heights: dict[tuple[str, int], int] = {}  # (sheet, row) → lines

    def put(
        ws: Any,
        row: int,
        col: int,
        value: Any,
        num: str | None = None,
        state: str | None = None,
        *,
        bold: bool = False,
        wrap: bool = False,
        center: bool = False,
    ) -> None:
        """One bordered cell, ``row`` and ``col`` counted from 1 as the sheet shows them."""
        fmt = look(num, state, bold, wrap, center)
        if value is None or value == "":
            ws.write_blank(row - 1, col - 1, None, fmt)  # bordered, empty
        elif not isinstance(value, int | float) or isinstance(value, bool):
            ws.write_string(row - 1, col - 1, str(value), fmt)  # text that looks like a formula stays text
        else:
            ws.write_number(row - 1, col - 1, value, fmt)
            if num is not None:
                shown = f"{value:.1f}%" if num == PCT else f"{value:,.2f}".rstrip("0").rstrip(".")
                if len(shown) + 2 > widths.get((ws.name, col), 0):
                    widths[(ws.name, col)] = len(shown) + 2

    def wrapped(ws: Any, row: int, col: int, text: str | None) -> None:
        """A wrapped text; its row is made as tall as the lines it takes in its column."""
        put(ws, row, col, text, wrap=True)
        n = text_lines(text or "", col_width.get((ws.name, col), 10))
        key = (ws.name, row)
        heights[key] = max(heights.get(key, 1), n)

    def sheet(key: str) -> Any:
        ws = wb.add_worksheet(tr(f"xp_sheet_{key}", lang))
        ws.write_string(0, 0, title, title_font)
        ws.write_string(1, 0, subtitle)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        return ws

    def header(ws: Any, row: int, keys: list[str], sizes: list[int]) -> None:
        """A sheet's header row, frozen and repeated on every printed page; ``sizes``: column widths."""
        for c, (k, w) in enumerate(zip(keys, sizes, strict=True), start=1):
            ws.write_string(row - 1, c - 1, tr(f"xp_h_{k}", lang) if not k.startswith("!") else k[1:], head)
            col_width[(ws.name, c)] = w
        ws.freeze_panes(row, 0)
        ws.repeat_rows(row - 1)

    def list_header(ws: Any, row: int, keys: list[str]) -> None:
        for c, key in enumerate(keys):
            ws.write_string(row - 1, c, tr(f"xp_h_{key}", lang), list_head)

    def cm(x: float) -> int:
        """Pixels (at 96 dpi) of a length in centimetres."""
        return round(x * 96 / 2.54)

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
    sep = "、" if lang == "zh" else ", "
    for task, items in _summary(rep):
        start = r
        texts = [task.short.get(lang), _resp(plan, task, lang), sep.join(task.participating), task.time_node]
        # merged down the task's rows below: what they need is checked once the rows are known
        task_lines = max(text_lines(str(t or ""), col_width[(ws.name, c)]) for c, t in enumerate(texts, start=2))
        for i, (kind, obj) in enumerate(items or [("-", None)]):
            if i == 0:
                put(ws, r, 1, task.no, center=True)
                for c, t in enumerate(texts, start=2):
                    put(ws, r, c, t, wrap=True)
            else:
                for c in range(1, 6):
                    put(ws, r, c, None)
            if kind == "t":
                wrapped(ws, r, 6, obj.target.name.get(lang))
                put(ws, r, 7, obj.target.value, NUM)
                put(ws, r, 8, obj.actual, NUM)
                put(ws, r, 9, round(obj.percent, 4), PCT, obj.state)
                put(ws, r, 10, tr("state_" + obj.state, lang), state=obj.state)
            elif kind == "m":
                wrapped(ws, r, 6, obj.milestone.name.get(lang))
                put(ws, r, 7, None)
                put(ws, r, 8, obj.done_on)
                put(ws, r, 9, None)
                put(ws, r, 10, tr("state_" + obj.state, lang), state=obj.state)
            else:
                for c in range(6, 11):
                    put(ws, r, c, None)
            r += 1
        have = sum(heights.get((ws.name, row_no), 1) for row_no in range(start, r))
        if task_lines > have:  # the task's text needs more lines than its targets' rows give: the last grows
            heights[(ws.name, r - 1)] = heights.get((ws.name, r - 1), 1) + task_lines - have
        if r - start > 1:
            ws.merge_range(start - 1, 0, r - 2, 0, None, look(None, None, center=True))
            put(ws, start, 1, task.no, center=True)  # merge_range blanks the range: the first cell again
            for c, t in enumerate(texts, start=2):
                ws.merge_range(start - 1, c - 1, r - 2, c - 1, None, look(None, None, wrap=True))
                put(ws, start, c, t, wrap=True)
    ws.print_area(0, 0, r - 2, 9)

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
        chart = wb.add_chart({"type": "bar"})
        # the percent column J, titled by its header, one bar per target code (column A)
        chart.add_series(
            {
                "name": [ws.name, 3, 9],
                "values": [ws.name, 4, 9, last_target_row - 1, 9],
                "categories": [ws.name, 4, 0, last_target_row - 1, 0],
            }
        )
        chart.set_title({"name": tr("xp_chart_percent", lang)})
        chart.set_x_axis({"name": "%"})  # a bar chart's value axis is its horizontal one
        chart.set_legend({"none": True})
        chart.set_size({"width": cm(18), "height": cm(max(8, len(rep.targets) * 0.5))})
        ws.insert_chart("N4", chart)

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
        put(ws, r, 1, row.target.code, bold=True)
        put(ws, r, 2, tr("xp_total", lang), bold=True)
        put(ws, r, 3, sum(s.target or 0 for s in shares), NUM, bold=True)
        put(ws, r, 4, row.expected, NUM, bold=True)
        put(ws, r, 5, sum(s.actual for s in shares), NUM, bold=True)
        put(ws, r, 6, round(row.percent, 4), PCT, row.state, bold=True)
        put(ws, r, 7, tr("state_" + row.state, lang), state=row.state, bold=True)
        r += 2

    # 月度进展 / Monthly --------------------------------------------------------------------------
    ws = sheet("monthly")
    from kctrack.schedule import expected as expected_at
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
    last_col = 2 + len(months)  # counted from 0: the last month's column
    for k, code in enumerate(c for c in HEADLINE if c in rows_of):
        rr = rows_of[code]
        chart = wb.add_chart({"type": "line"})
        chart.set_title({"name": code})
        chart.set_size({"width": cm(14), "height": cm(7)})
        for series_row in (rr - 1, rr):  # actual, expected (counted from 0)
            chart.add_series(
                {
                    "name": [ws.name, series_row, 2],
                    "values": [ws.name, series_row, 3, series_row, last_col],
                    "categories": [ws.name, 3, 3, 3, last_col],  # the month headers
                }
            )
        ws.insert_chart(f"{'A' if k % 2 == 0 else 'H'}{charts_at + (k // 2) * 16}", chart)

    # 里程碑 / Milestones -------------------------------------------------------------------------
    ws = sheet("milestones")
    keys = ["code", "milestone", "task", "due", "done_on", "state"]
    header(ws, 4, keys, [code_w, 50, 6, 10, 10, 10])
    for i, mrow in enumerate(rep.milestones):
        r = 5 + i
        put(ws, r, 1, mrow.milestone.code)
        wrapped(ws, r, 2, mrow.milestone.name.get(lang))
        put(ws, r, 3, mrow.milestone.task)
        put(ws, r, 4, mrow.milestone.due)
        put(ws, r, 5, mrow.done_on)
        put(ws, r, 6, tr("state_" + mrow.state, lang), state=mrow.state)

    # 数据来源 / Sources ---------------------------------------------------------------------------
    ws = sheet("sources")
    g = data.grid
    ws.write_string(3, 0, tr("title_returns", lang, as_of=g.as_of, day=plan.returns_due_day), bold_text)
    header(ws, 5, ["unit", *[f"!{m}" for m in g.months]], [18, *[10] * len(g.months)])
    r = 6
    for u, months_state in g.cells.items():
        put(ws, r, 1, plan.unit_name(u, lang))
        for j, m in enumerate(g.months, start=2):
            st = months_state[m]
            put(ws, r, j, tr("xp_grid_" + st, lang), state=st)
        r += 1
    # the returns the figures rest on: the batches in force; the superseded and undone ones are history
    r += 1
    ws.write_string(r - 1, 0, tr("xp_batches", lang), bold_text)
    r += 1
    list_header(
        ws, r, ["batch", "created", "operator", "kind", "source", "unit", "month", "records", "received", "reason"]
    )
    for b in data.batches:
        r += 1
        vals = [
            b.id,
            b.created,
            b.operator,
            b.kind,
            b.source + (f"!{b.sheet}" if b.sheet else ""),
            plan.unit_name(b.unit, lang) if b.unit else "",
            b.month or "",
            b.count,
            b.received or "",
            getattr(b, "reason", None) or "",
        ]
        for c, v in enumerate(vals, start=1):
            put(ws, r, c, v)
    if data.left_out:
        r += 1
        ws.write_string(r - 1, 0, tr("xp_batches_left_out", lang, n=data.left_out))
    noted = [(b, rec) for b in data.batches for rec in b.records if rec.get("note")]
    if noted:
        r += 2
        ws.write_string(r - 1, 0, tr("xp_notes", lang), bold_text)
        r += 1
        list_header(ws, r, ["batch", "code", "unit", "month", "source", "note"])
        for b, rec in noted:
            r += 1
            source = b.source + (f"!{b.sheet}" if b.sheet else "") + (f"!{rec['cell']}" if rec.get("cell") else "")
            vals = [b.id, rec["target"], plan.unit_name(rec["unit"], lang), rec["month"], source, rec["note"]]
            for c, v in enumerate(vals, start=1):
                put(ws, r, c, v)
    for c, w in enumerate((8, 26, 12, 8, 40, 14, 10, 8, 10, 30), start=1):
        col_width[(ws.name, c)] = max(col_width.get((ws.name, c), 0), w)

    sheets = {s.name: s for s in wb.worksheets()}
    for key, need in widths.items():
        col_width[key] = max(col_width.get(key, 0), need)
    for (name, col), w in col_width.items():
        sheets[name].set_column(col - 1, col - 1, w)
    for (name, row_no), n in heights.items():
        if n > 1:
            sheets[name].set_row(row_no - 1, LINE_PT * n)
    try:
        wb.close()
    except FileCreateError as exc:  # the OSError of opening the file, wrapped
        cause = exc.args[0] if exc.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from exc


LINE_PT = 16  # points a line of 11-point text takes, Chinese included


def text_lines(text: str, width: float) -> int:
    """Lines a text takes wrapped in a column ``width`` characters wide (a Chinese character is two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)
    return max(1, math.ceil(shown / max(1.0, width - 1)))
