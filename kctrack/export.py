"""The summary for CAST (中国科协): one workbook in the document's own layout.

Every figure comes from :func:`kctrack.status.compute` — the same numbers as
``kctrack status`` for the same as-of month — and every one is traceable with
``kctrack explain``.  Nothing here computes a state: each state, and so each
colour, is the one the domain gave (:mod:`kctrack.schedule`).

What the report says it is follows from its as-of month: as of the plan's last
month it is the closing (year-end) report, in which every target is achieved or
not achieved; before that, a progress report.  The targets are the numbers the
document commits to reach (:attr:`kctrack.plan.Plan.commitments`); the resources
it draws on (依托资源) are listed apart, "engaged N of M", never with a state or a
percent and never in the counts of targets.

Sheets: summary by the 15 tasks, targets, by city, monthly, milestones,
resources, sources (the returns grid and the batches in force, i.e. the returns
the figures rest on; the superseded and undone ones are counted, ``kctrack
history`` lists them), with native Excel charts; and, when the registers (名册)
are kept, the rules' findings and a sheet per register with entries in force
(personal data only for a register the plan marks shared); one function per sheet, sharing
a :class:`Book`.  Written with XlsxWriter.  Also Markdown, CSV and JSON of the
same figures.  Everything a person reads is in the export's language; what stays
Chinese in the English export is data (unit names the plan does not translate,
document numbers, file and sheet names, notes).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kctrack.clock import local_time
from kctrack.i18n import tr
from kctrack.plan import Plan, Register, Task
from kctrack.registers import Entry, Finding, value_text
from kctrack.schedule import TARGET_STATES
from kctrack.status import MilestoneRow, Report, TargetRow, num
from kctrack.status import to_json as status_json
from kctrack.words import (
    PERCENT_PLACES,
    WORKBOOK_FIGURE,
    WORKBOOK_PERCENT,
    figure_text,
    fmt,
    header,
    percent_text,
    state_word,
    to_csv,
    to_markdown,
    workbook_format,
)

HEADLINE = ("FIRMS_SERVED", "CHOKEPOINTS_SOLVED", "TECH_MANAGER_TEAMS", "SERVICE_TEAMS")
# one colour per state; the two "deadline passed, not done" states (a target not achieved, a
# milestone overdue) share one
FILL = {
    "done": "C6EFCE",
    "done_late": "D8E4BC",
    "on_track": "E2EFDA",
    "behind": "FFEB9C",
    "off_track": "FFC7CE",
    "not_achieved": "F4B084",
    "overdue": "F4B084",
    "pending": "DDEBF7",
    "received": "C6EFCE",
    "late": "FFEB9C",
    "missing": "FFC7CE",
    "not_due": "F2F2F2",
}
# then, when the registers are kept: the rules' findings, and a sheet per register that has entries ("register")
SHEETS = ("summary", "targets", "by_city", "monthly", "milestones", "resources", "sources", "findings", "register")
NUM = WORKBOOK_FIGURE  # the report to CAST writes its figures as these show them (kctrack.words)
PCT = WORKBOOK_PERCENT
LINE_PT = 16  # points a line of 11-point text takes, Chinese included


@dataclass
class ExportData:
    report: Report
    grid: Any  # kctrack.service.Grid
    batches: list[Any]  # kctrack.store.BatchInfo
    db: str
    generated: date
    left_out: int = 0  # batches not in force (superseded, undone): `kctrack history` lists them
    # the registers with entries in force at the as-of month (all units), with them, in the plan's order
    registers: list[tuple[Register, list[Entry]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding of the rules, violation or not


# -- what every format says alike ------------------------------------------------------------


def report_title(rep: Report, lang: str) -> str:
    """The closing (year-end) report as of the plan's last month, a progress report before."""
    plan = rep.plan
    key = "xp_title_closing" if rep.is_closing else "xp_title_progress"
    return tr(key, lang, plan=plan.name.get(lang), doc=plan.document)


def subtitle(data: ExportData, lang: str) -> str:
    """The line under the title of every sheet and of the Markdown: the as-of month, the day it was
    generated, and that every figure can be traced (``kctrack explain``)."""
    return tr("xp_subtitle", lang, as_of=data.report.as_of, generated=data.generated.isoformat())


def state_counts(rep: Report) -> dict[str, int]:
    """How many of the commitments are in each state (the resources are not targets: never counted)."""
    counts = {"targets": len(rep.targets), **dict.fromkeys(TARGET_STATES, 0)}
    for r in rep.targets:
        if r.state is not None:
            counts[r.state] += 1
    return counts


def counts_line(rep: Report, lang: str) -> str:
    """The summary's line of counts: achieved / not achieved in the closing report, every state before;
    the targets reached after their deadline (逾期完成) counted apart, when there are any."""
    c = state_counts(rep)
    counts, late = (
        ("xp_counts_closing", "xp_late_closing") if rep.is_closing else ("xp_counts_progress", "xp_late_progress")
    )
    late_text = tr(late, lang, n=c["done_late"]) if c["done_late"] else ""  # said only when there are any
    line = tr(counts, lang, total=c["targets"], late=late_text, **c)
    if rep.resources:
        line += tr("xp_resources_apart", lang, n=len(rep.resources))
    if rep.returns_missing:
        line += tr("returns_incomplete_sep", lang) + incomplete_line(rep, lang)
    return line


def incomplete_line(rep: Report, lang: str) -> str:
    """What the figures lack: the returns due by the as-of month that are missing ("" when none)."""
    if not rep.returns_missing:
        return ""
    return tr("returns_incomplete", lang, as_of=rep.as_of, due=rep.returns_due, missing=rep.returns_missing)


_MONTH_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_TIME_NODE_FORMS: tuple[tuple[re.Pattern[str], Callable[[list[str]], str]], ...] = (
    (re.compile(r"全年"), lambda ms: "whole year"),
    (re.compile(r"(\d{1,2})月份?"), lambda ms: ms[0]),
    (re.compile(r"(\d{1,2})月底前"), lambda ms: f"by the end of {ms[0]}"),
    (re.compile(r"(\d{1,2})(?:至|到|-|－|~|～)(\d{1,2})月份?"), lambda ms: f"{ms[0]} to {ms[1]}"),
)


def time_node_text(text: str, lang: str) -> str:
    """A task's time node (时间节点, Chinese in the plan file) in the export's language.

    Reads the forms the document uses: 全年 → "whole year", 7月份 (or 7月) → "July",
    7月底前 → "by the end of July", 7至8月份 (or 7-8月) → "July to August".  Chinese
    gives the text as written.  A form it does not read — another wording, a month
    outside 1–12, a range that runs backwards — stays as the document wrote it: the
    Chinese text, never a wrong word.
    """
    if lang != "en":
        return text
    compact = "".join(text.split())
    for pattern, english in _TIME_NODE_FORMS:
        m = pattern.fullmatch(compact)
        if m is None:
            continue
        months = [int(g) for g in m.groups()]
        if not all(1 <= n <= 12 for n in months) or months != sorted(set(months)):
            return text
        return english([_MONTH_EN[n - 1] for n in months])
    return text


def _responsible(plan: Plan, task: Task, lang: str) -> str:
    if lang == "zh":
        return str(task.responsible_text)
    return ", ".join(plan.unit_name(u, "en") for u in task.responsible)


def _participating(plan: Plan, task: Task, lang: str) -> str:
    """The participating units: in English, those the plan knows by their English name; the others
    (省级学会, 市县科协…: kinds of body, not reporting units) as the document names them."""
    if lang == "zh":
        return "、".join(task.participating)
    names = []
    for name in task.participating:
        code = plan.find_unit(name)
        names.append(plan.unit_name(code, "en") if code else name)
    return ", ".join(names)


def _summary(rep: Report) -> list[tuple[Task, list[tuple[str, Any]]]]:
    """The 15 tasks in order, each with its targets, or its milestones where it has no targets."""
    out = []
    for task in rep.plan.tasks:
        items: list[tuple[str, Any]] = [("t", r) for r in rep.targets if r.target.task == task.no]
        if not items:
            items = [("m", m) for m in rep.milestones if m.milestone.task == task.no]
        out.append((task, items))
    return out


# -- json, csv, md ---------------------------------------------------------------------------


def target_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """The targets of the JSON and CSV: the status fields plus gap and forecast."""
    by_code = {t["code"]: t for t in status_json(report, lang)["targets"]}
    out = []
    for r in report.targets:
        row = dict(by_code[r.target.code])
        row["gap"] = num(r.gap)
        row["forecast"] = num(r.forecast)
        out.append(row)
    return out


def export_json(data: ExportData, lang: str) -> str:
    """``kctrack status --format json`` (targets, resources, milestones with ``months_late``, ``closing``),
    each target with ``gap`` and ``forecast``, plus ``counts`` (:func:`state_counts`) and ``generated``."""
    doc = status_json(data.report, lang)
    doc["targets"] = target_rows(data.report, lang)
    doc["counts"] = state_counts(data.report)
    doc["generated"] = data.generated.isoformat()
    from kctrack.render import dump_json  # every control character escaped, as status --format json

    return dump_json(doc) + "\n"


# the export CSV's columns, each with the message key of its header (the file follows --lang)
CSV_HEADERS = {
    "kind": "xp_h_kind",
    "code": "xp_h_code",
    "name": "xp_h_target_name",
    "unit_of_measure": "xp_h_uom",
    "deadline": "xp_h_deadline",
    "target": "xp_h_value",
    "expected": "xp_h_expected",
    "actual": "xp_h_actual",
    "gap": "xp_h_gap",
    "forecast": "xp_h_forecast",
    "percent": "xp_h_percent",
    "state": "xp_h_state",
    "task": "xp_h_task_no",
    "available": "xp_h_available",
    "engaged": "xp_h_engaged",
    "done_on": "xp_h_done_on",
    "months_late": "xp_h_months_late",
}
CSV_HEAD = tuple(CSV_HEADERS)


def export_csv(data: ExportData, lang: str) -> str:
    """One row per commitment, resource and milestone; ``kind`` says which.

    A file for people (Excel opens it; service.export writes it with a BOM): headers, kinds and
    states in ``lang`` (目标/依托资源/里程碑, 已完成/未完成…); the JSON export is the machine's
    contract.  A commitment fills ``deadline`` to ``state``; a resource only ``available`` and
    ``engaged`` (empty when never recorded), never a target, percent or state; a milestone
    ``deadline`` (its due month), ``state``, ``done_on`` and ``months_late``.  Anything done late
    says how late under ``state`` (逾期完成（晚 2 个月）) and in ``months_late``.
    """
    rep = data.report
    rows = [
        _csv_row(
            **{
                **t,
                "kind": tr("kind_commitment", lang),
                "state": state_word(t["state"], lang, t["months_late"]),
                "months_late": t["months_late"] if t["state"] == "done_late" else None,
            }
        )
        for t in target_rows(rep, lang)
    ]
    for x in rep.resources:
        res = x.resource
        rows.append(
            _csv_row(
                kind=tr("kind_resource", lang),
                code=res.code,
                name=res.name.get(lang),
                unit_of_measure=res.uom.get(lang),
                task=res.task,
                available=num(res.value),
                engaged=num(x.engaged),
            )
        )
    for m in rep.milestones:
        ms = m.milestone
        late = m.months_late if m.state == "done_late" else None
        rows.append(
            _csv_row(
                kind=tr("kind_milestone", lang),
                code=ms.code,
                name=ms.name.get(lang),
                deadline=ms.due,
                state=state_word(m.state, lang, m.months_late),
                task=ms.task,
                done_on=m.done_on,
                months_late=late,
            )
        )
    return to_csv(header([CSV_HEADERS[k] for k in CSV_HEAD], lang), rows)


def _csv_row(**fields: Any) -> list[Any]:
    """A CSV row from the fields it has; the others (and None) empty."""
    return ["" if fields.get(k) is None else fields[k] for k in CSV_HEAD]


def export_md(data: ExportData, lang: str) -> str:
    """The title, the counts, and the tables: summary, targets, milestones, resources."""
    rep = data.report
    lines = [f"# {report_title(rep, lang)}", "", subtitle(data, lang), "", counts_line(rep, lang), ""]
    for key, table in (
        ("summary", _md_summary),
        ("targets", _md_targets),
        ("milestones", _md_milestones),
        ("resources", _md_resources),
    ):
        lines += [f"## {tr('xp_sheet_' + key, lang)}", ""]
        if key == "resources":
            lines += [tr("title_resources", lang), ""]
        lines.append(table(rep, lang))
    return "\n".join(lines)


def _md_table(keys: tuple[str, ...], rows: list[list[Any]], lang: str) -> str:
    return to_markdown([tr(f"xp_h_{k}", lang) for k in keys], rows)


def _md_percent(r: TargetRow) -> str:
    return "" if r.percent is None else f"{r.percent:.1f}%"


def _md_summary(rep: Report, lang: str) -> str:
    plan = rep.plan
    rows: list[list[Any]] = []
    for task, items in _summary(rep):
        lead = [task.no, task.short.get(lang), _responsible(plan, task, lang), time_node_text(task.time_node, lang)]
        if not items:
            rows.append([*lead, "", "", "", "", ""])
        for i, (kind, obj) in enumerate(items):
            first = lead if i == 0 else ["", "", "", ""]
            if kind == "t":
                r: TargetRow = obj
                state = state_word(r.state, lang, r.months_late)
                rows.append([*first, r.target.name.get(lang), fmt(r.goal), fmt(r.actual), _md_percent(r), state])
            else:
                m: MilestoneRow = obj
                state = state_word(m.state, lang, m.months_late)
                rows.append([*first, m.milestone.name.get(lang), "", m.done_on or "", "", state])
    keys = ("no", "task", "responsible", "time_node", "target_name", "value", "actual", "percent", "state")
    return _md_table(keys, rows, lang)


def _md_targets(rep: Report, lang: str) -> str:
    rows: list[list[Any]] = [
        [
            r.target.code,
            r.target.name.get(lang),
            r.target.deadline,
            fmt(r.goal),
            fmt(r.expected),
            fmt(r.actual),
            fmt(r.gap),
            fmt(r.forecast),
            _md_percent(r),
            state_word(r.state, lang, r.months_late),
        ]
        for r in rep.targets
    ]
    keys = ("code", "target_name", "deadline", "value", "expected", "actual", "gap", "forecast", "percent", "state")
    return _md_table(keys, rows, lang)


def _md_milestones(rep: Report, lang: str) -> str:
    rows: list[list[Any]] = [
        [
            m.milestone.code,
            m.milestone.name.get(lang),
            m.milestone.task or "",
            m.milestone.due,
            m.done_on or "",
            state_word(m.state, lang, m.months_late),
        ]
        for m in rep.milestones
    ]
    return _md_table(("code", "milestone", "task", "due", "done_on", "state"), rows, lang)


def _md_resources(rep: Report, lang: str) -> str:
    """Engaged N of available M, or 未填报; never a state or a percent."""
    rows: list[list[Any]] = [
        [
            x.resource.code,
            x.resource.task,
            x.resource.name.get(lang),
            x.resource.uom.get(lang),
            fmt(x.resource.value),
            tr("xp_not_recorded", lang) if x.engaged is None else fmt(x.engaged),
        ]
        for x in rep.resources
    ]
    return _md_table(("code", "task", "resource", "uom", "available", "engaged"), rows, lang)


# -- the workbook ----------------------------------------------------------------------------


def write_xlsx(path: Path, data: ExportData, lang: str) -> None:
    """The workbook: one sheet after another, each written by its own function."""
    book = Book(path, data, lang)
    summary_sheet(book, data.report)
    targets_sheet(book, data.report)
    by_city_sheet(book, data.report)
    monthly_sheet(book, data.report)
    milestones_sheet(book, data.report)
    resources_sheet(book, data.report)
    sources_sheet(book, data)
    findings_sheet(book, data)
    for reg, entries in data.registers:
        register_sheet(book, reg, entries)
    book.close()


class Book:
    """A workbook being written with XlsxWriter, and what its sheets share.

    Each look a cell can have (number format, state colour, bold, wrapped, centred) is one format,
    made once and shared by every cell that looks that way; the cells go straight into the file's
    XML (openpyxl built and styled an object per cell: 13 s for the national workbook).  The book
    also notes what the layout needs to show every figure and wrapped text whole — a figure wider
    than its column prints as ###, and rows are not made taller for wrapped text by every reader
    (LibreOffice) — and applies it when it is closed.
    """

    def __init__(self, path: Path, data: ExportData, lang: str) -> None:
        import xlsxwriter

        rep = data.report
        self.lang = lang
        self.plan = rep.plan
        self.title = report_title(rep, lang)
        self.subtitle = subtitle(data, lang)
        # the caller makes the folder and puts the file in place (kctrack.files.replacing)
        # text is written with write_string; these options make sure no other path turns a text
        # that begins with = into a formula or a URL-like one into a link (merged cells go through write)
        self.wb = xlsxwriter.Workbook(
            str(path), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
        )
        self.wb.set_properties({"title": self.title, "author": "kctrack"})
        self._border = {"border": 1, "border_color": "#BFBFBF"}  # thin
        head_look = {**self._border, "bold": True, "font_color": "#FFFFFF", "pattern": 1, "bg_color": "#1F4E78"}
        self._head = self.wb.add_format(head_look | {"align": "center", "valign": "vcenter", "text_wrap": True})
        self._list_head = self.wb.add_format(head_look)  # a list's, under the returns grid
        self._title_font = self.wb.add_format({"bold": True, "font_size": 14})
        self._bold_text = self.wb.add_format({"bold": True})
        self._looks: dict[tuple[str | None, str | None, bool, bool, bool], Any] = {}
        self.col_width: dict[tuple[str, int], int] = {}  # (sheet, column) → characters, from the headers
        self._widths: dict[tuple[str, int], int] = {}  # (sheet, column) → characters the cells need
        self._heights: dict[tuple[str, int], int] = {}  # (sheet, row) → lines
        self._labels: list[tuple[str, int, int, str]] = []  # (sheet, row, column, text) of the headers
        plan = self.plan
        self.code_w = max([30, *(len(t.code) + 2 for t in plan.targets), *(len(m.code) + 2 for m in plan.milestones)])

    def look(
        self, num: str | None, state: str | None, bold: bool = False, wrap: bool = False, center: bool = False
    ) -> Any:
        """The one format of a cell that looks so (number format, state colour, bold, wrapped, centred),
        made the first time it is asked for and shared after."""
        key = (num, state, bold, wrap, center)
        fmt = self._looks.get(key)
        if fmt is None:
            # valign top: figures line up with the first line of wrapped text
            props: dict[str, Any] = {**self._border, "valign": "top"}
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
            fmt = self._looks[key] = self.wb.add_format(props)
        return fmt

    def sheet(self, key: str, name: str | None = None) -> Any:
        """A new sheet, opened by the title lines, landscape A4, one page wide; named by its ``xp_sheet_``
        message, or ``name`` (a register's: :func:`sheet_name` makes it one Excel takes)."""
        ws = self.wb.add_worksheet(name or tr(f"xp_sheet_{key}", self.lang))
        ws.write_string(0, 0, self.title, self._title_font)
        ws.write_string(1, 0, self.subtitle)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        return ws

    def line(self, ws: Any, row: int, text: str, *, bold: bool = False) -> None:
        """A line of text outside the tables (a list's title, a count), in column A."""
        ws.write_string(row - 1, 0, text, self._bold_text if bold else None)

    def header(self, ws: Any, row: int, keys: list[str], sizes: list[int]) -> None:
        """A table's header row, frozen and repeated on every printed page; ``sizes``: column widths.

        A key is an ``xp_h_`` message; one that starts with ``!`` is its own text (a month).  The row is
        as tall as the longest label wrapped in its column needs."""
        for c, (k, w) in enumerate(zip(keys, sizes, strict=True), start=1):
            label = tr(f"xp_h_{k}", self.lang) if not k.startswith("!") else k[1:]
            ws.write_string(row - 1, c - 1, label, self._head)
            self.col_width[(ws.name, c)] = w
            self._labels.append((ws.name, row, c, label))
        ws.freeze_panes(row, 0)
        ws.repeat_rows(row - 1)

    def list_header(self, ws: Any, row: int, keys: list[str]) -> None:
        """A list's header row (under another table: neither frozen nor repeated)."""
        for c, key in enumerate(keys):
            ws.write_string(row - 1, c, tr(f"xp_h_{key}", self.lang), self._list_head)

    def put(
        self,
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
        fit: bool = False,
    ) -> None:
        """One bordered cell, ``row`` and ``col`` counted from 1 as the sheet shows them.

        A figure widens its column to show whole; so does a text with ``fit`` (a state)."""
        if num == NUM and isinstance(value, int | float) and not isinstance(value, bool):
            num = workbook_format(value)  # 500, not Excel's "500." (kctrack.words.figure_text shows the same)
        fmt = self.look(num, state, bold, wrap, center)
        if value is None or value == "":
            ws.write_blank(row - 1, col - 1, None, fmt)  # bordered, empty
            return
        if not isinstance(value, int | float) or isinstance(value, bool):
            ws.write_string(row - 1, col - 1, str(value), fmt)  # text that looks like a formula stays text
            if fit:
                self._need(ws, col, text_width(str(value)) + 2)
            return
        ws.write_number(row - 1, col - 1, value, fmt)
        if num is not None:
            shown = percent_text(value) if num == PCT else figure_text(value)
            self._need(ws, col, len(shown) + 2)

    def wrapped(self, ws: Any, row: int, col: int, text: str | None) -> None:
        """A wrapped text; its row is made as tall as the lines it takes in its column."""
        self.put(ws, row, col, text, wrap=True)
        self.lines(ws, row, text_lines(text or "", self.col_width.get((ws.name, col), 10)))

    def lines(self, ws: Any, row: int, n: int) -> None:
        """Row ``row`` needs at least ``n`` lines."""
        key = (ws.name, row)
        self._heights[key] = max(self._heights.get(key, 1), n)

    def height(self, ws: Any, row: int) -> int:
        """How many lines row ``row`` needs so far (1 unless :meth:`lines` said more)."""
        return self._heights.get((ws.name, row), 1)

    def merge_down(
        self, ws: Any, first: int, last: int, col: int, value: Any, *, wrap: bool = False, center: bool = False
    ) -> None:
        """One cell over rows ``first``–``last`` of a column."""
        ws.merge_range(first - 1, col - 1, last - 1, col - 1, None, self.look(None, None, wrap=wrap, center=center))
        self.put(ws, first, col, value, wrap=wrap, center=center)  # merge_range blanks the range: the first cell again

    def chart(self, kind: str, title: str) -> Any:
        """A new native Excel chart (``kind``: bar, line…) titled ``title``; the caller adds its series
        and inserts it in a sheet."""
        chart = self.wb.add_chart({"type": kind})
        chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
        return chart

    def _need(self, ws: Any, col: int, chars: int) -> None:
        key = (ws.name, col)
        if chars > self._widths.get(key, 0):
            self._widths[key] = chars

    def close(self) -> None:
        """Set the widths and heights the cells need, and write the file."""
        from xlsxwriter.exceptions import FileCreateError

        sheets = {s.name: s for s in self.wb.worksheets()}
        for key, need in self._widths.items():
            self.col_width[key] = max(self.col_width.get(key, 0), need)
        for name, row, col, label in self._labels:  # measured in the widths the columns finally have
            key = (name, row)
            self._heights[key] = max(self._heights.get(key, 1), text_lines(label, self.col_width[(name, col)]))
        for (name, col), w in self.col_width.items():
            sheets[name].set_column(col - 1, col - 1, w)
        for (name, row_no), n in self._heights.items():
            if n > 1:
                sheets[name].set_row(row_no - 1, LINE_PT * n)
        try:
            self.wb.close()
        except FileCreateError as exc:  # the OSError of opening the file, wrapped
            cause = exc.args[0] if exc.args else None
            raise cause if isinstance(cause, OSError) else OSError(str(exc)) from exc


def cm(x: float) -> int:
    """Pixels (at 96 dpi) of a length in centimetres."""
    return round(x * 96 / 2.54)


def _target_title(r: TargetRow, lang: str) -> str:
    """A target's name with its unit of measure: 企业（家）, Firms given innovation services (firms)."""
    name, uom = r.target.name.get(lang), r.target.uom.get(lang)
    return f"{name}（{uom}）" if lang == "zh" else f"{name} ({uom})"


def _percent(pct: float | None) -> float | None:
    """A percent for a cell, to :data:`~kctrack.words.PERCENT_PLACES` decimals (None: no percent, a blank cell)."""
    return None if pct is None else round(pct, PERCENT_PLACES)


def summary_sheet(book: Book, rep: Report) -> None:
    """总表 / Summary: the 15 tasks as in the document's table, each with its targets (or milestones),
    the task's own cells merged down its rows; above the table, the counts of the targets."""
    lang, plan = book.lang, book.plan
    ws = book.sheet("summary")
    book.line(ws, 3, counts_line(rep, lang), bold=True)
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
    book.header(ws, 4, keys, [6, 34, 18, 22, 10, 30, 12, 12, 10, 10])
    r = 5
    for task, items in _summary(rep):
        start = r
        texts = [
            task.short.get(lang),
            _responsible(plan, task, lang),
            _participating(plan, task, lang),
            time_node_text(task.time_node, lang),
        ]
        # merged down the task's rows below: what they need is checked once the rows are known
        task_lines = max(text_lines(t, book.col_width[(ws.name, c)]) for c, t in enumerate(texts, start=2))
        for i, (kind, obj) in enumerate(items or [("-", None)]):
            if i == 0:
                book.put(ws, r, 1, task.no, center=True)
                for c, t in enumerate(texts, start=2):
                    book.put(ws, r, c, t, wrap=True)
            else:
                for c in range(1, 6):
                    book.put(ws, r, c, None)
            if kind == "t":
                book.wrapped(ws, r, 6, obj.target.name.get(lang))
                book.put(ws, r, 7, obj.goal, NUM)
                book.put(ws, r, 8, obj.actual, NUM)
                book.put(ws, r, 9, _percent(obj.percent), PCT, obj.state)
                book.put(ws, r, 10, state_word(obj.state, lang, obj.months_late), state=obj.state, fit=True)
            elif kind == "m":
                book.wrapped(ws, r, 6, obj.milestone.name.get(lang))
                book.put(ws, r, 7, None)
                book.put(ws, r, 8, obj.done_on)
                book.put(ws, r, 9, None)
                book.put(ws, r, 10, state_word(obj.state, lang, obj.months_late), state=obj.state, fit=True)
            else:
                for c in range(6, 11):
                    book.put(ws, r, c, None)
            r += 1
        have = sum(book.height(ws, row_no) for row_no in range(start, r))
        if task_lines > have:  # the task's text needs more lines than its targets' rows give: the last grows
            book.lines(ws, r - 1, book.height(ws, r - 1) + task_lines - have)
        if r - start > 1:
            book.merge_down(ws, start, r - 1, 1, task.no, center=True)
            for c, t in enumerate(texts, start=2):
                book.merge_down(ws, start, r - 1, c, t, wrap=True)
    ws.print_area(0, 0, r - 2, 9)


def targets_sheet(book: Book, rep: Report) -> None:
    """指标明细 / Targets: each commitment's figures and state, and a bar chart of the completion rates."""
    lang = book.lang
    ws = book.sheet("targets")
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
    book.header(ws, 4, keys, [book.code_w, 34, 8, 10, 12, 12, 12, 12, 12, 10, 10, 6])
    for i, row in enumerate(rep.targets):
        r = 5 + i
        t = row.target
        book.put(ws, r, 1, t.code)
        book.wrapped(ws, r, 2, t.name.get(lang))
        book.put(ws, r, 3, t.uom.get(lang), fit=True)
        book.put(ws, r, 4, t.deadline)
        for c, v in enumerate((row.goal, row.expected, row.actual, row.gap, row.forecast), start=5):
            book.put(ws, r, c, v, NUM)
        book.put(ws, r, 10, _percent(row.percent), PCT, row.state)
        book.put(ws, r, 11, state_word(row.state, lang, row.months_late), state=row.state, fit=True)
        book.put(ws, r, 12, t.task, center=True)
    if not rep.targets:
        return
    last_row = 4 + len(rep.targets)
    chart = book.chart("bar", tr("xp_chart_percent", lang))
    # the percent column J, named by its header, one bar per target code (column A)
    chart.add_series(
        {
            "name": [ws.name, 3, 9],
            "values": [ws.name, 4, 9, last_row - 1, 9],
            "categories": [ws.name, 4, 0, last_row - 1, 0],
        }
    )
    chart.set_x_axis({"name": "%"})  # a bar chart's value axis is its horizontal one
    chart.set_legend({"none": True})
    chart.set_size({"width": cm(18), "height": cm(max(8, len(rep.targets) * 0.5))})
    ws.insert_chart("N4", chart)


def by_city_sheet(book: Book, rep: Report) -> None:
    """分市 / By city: each target several units report, as ``status --by unit`` lists them: its name,
    its units, then the whole target's total.

    A split target's units against their quotas (expected, percent, state; one reaching its quota after
    the deadline: 逾期完成, how late is not known per unit); a shared target's units (task 8, no quotas)
    with their own figures only, no quota, expected value, percent or state.  The total row is the
    target's own standing — its goal, expected value, figure, percent and state — not a sum of the units.
    """
    lang, plan = book.lang, book.plan
    ws = book.sheet("by_city")
    book.header(
        ws,
        4,
        ["code", "unit", "quota", "expected", "actual", "percent", "state"],
        [book.code_w, 14, 10, 10, 10, 10, 10],
    )
    r = 5
    for row in rep.targets:
        if not row.breakdown:
            continue
        # the target by name above its units (a code alone means nothing to CAST's reader)
        book.put(ws, r, 1, row.target.code, bold=True)
        book.put(ws, r, 2, _target_title(row, lang), bold=True)
        r += 1
        for s in row.breakdown:
            book.put(ws, r, 1, row.target.code)
            book.put(ws, r, 2, plan.unit_name(s.unit, lang))
            book.put(ws, r, 3, s.target, NUM)
            book.put(ws, r, 4, s.expected, NUM)
            book.put(ws, r, 5, s.actual, NUM)
            book.put(ws, r, 6, _percent(s.percent), PCT, s.state)
            book.put(ws, r, 7, state_word(s.state, lang), state=s.state, fit=True)
            r += 1
        _by_city_total(book, ws, r, row)
        r += 2


def _by_city_total(book: Book, ws: Any, r: int, row: TargetRow) -> None:
    """Row ``r`` of the by-city sheet: the whole target under its units (goal in the quota column)."""
    book.put(ws, r, 1, row.target.code, bold=True)
    book.put(ws, r, 2, tr("xp_total", book.lang), bold=True)
    for c, v in enumerate((row.goal, row.expected, row.actual), start=3):
        book.put(ws, r, c, v, NUM, bold=True)
    book.put(ws, r, 6, _percent(row.percent), PCT, row.state, bold=True)
    book.put(ws, r, 7, state_word(row.state, book.lang, row.months_late), state=row.state, bold=True, fit=True)


def monthly_sheet(book: Book, rep: Report) -> None:
    """月度进展 / Monthly: each target's cumulative actual (coloured by that month's state) against its
    expected value, month by month; line charts of the headline targets, titled by their names."""
    from kctrack.schedule import expected as expected_at
    from kctrack.schedule import months_between

    lang, plan = book.lang, book.plan
    ws = book.sheet("monthly")
    months = months_between(plan.start, plan.end)
    book.header(
        ws, 4, ["code", "target_name", "series", *[f"!{m}" for m in months]], [book.code_w, 30, 10, *[10] * len(months)]
    )
    r = 5
    rows_of: dict[str, tuple[int, TargetRow]] = {}
    for row in rep.targets:
        t = row.target
        cells = {c.month: c for c in row.monthly}
        rows_of[t.code] = (r, row)
        for offset, series in ((0, "xp_actual"), (1, "xp_expected")):
            book.put(ws, r + offset, 1, t.code)
            book.put(ws, r + offset, 2, t.name.get(lang))
            book.put(ws, r + offset, 3, tr(series, lang))
        for j, m in enumerate(months, start=4):
            cell = cells.get(m)
            book.put(ws, r, j, cell.actual if cell else None, NUM, cell.state if cell else None)
            cps = dict(t.checkpoints) or None
            e = cell.expected if cell else expected_at(row.goal, plan.start, t.deadline, m, cps)
            book.put(ws, r + 1, j, e, NUM)
        r += 2
    charts_at = r + 1
    ws.set_h_pagebreaks([charts_at - 1])  # the charts start a printed page: none is cut in two
    last_col = 2 + len(months)  # counted from 0: the last month's column
    for k, code in enumerate(c for c in HEADLINE if c in rows_of):
        first, row = rows_of[code]
        chart = book.chart("line", _target_title(row, lang))
        chart.set_size({"width": cm(14), "height": cm(7)})
        for series_row in (first - 1, first):  # actual, expected (counted from 0)
            chart.add_series(
                {
                    "name": [ws.name, series_row, 2],
                    "values": [ws.name, series_row, 3, series_row, last_col],
                    "categories": [ws.name, 3, 3, 3, last_col],  # the month headers
                }
            )
        ws.insert_chart(f"{'A' if k % 2 == 0 else 'H'}{charts_at + (k // 2) * 16}", chart)


def milestones_sheet(book: Book, rep: Report) -> None:
    """里程碑 / Milestones: due month, month done and state; one done late says how late."""
    lang = book.lang
    ws = book.sheet("milestones")
    book.header(ws, 4, ["code", "milestone", "task", "due", "done_on", "state"], [book.code_w, 50, 6, 10, 10, 10])
    for i, m in enumerate(rep.milestones):
        r = 5 + i
        book.put(ws, r, 1, m.milestone.code)
        book.wrapped(ws, r, 2, m.milestone.name.get(lang))
        book.put(ws, r, 3, m.milestone.task, center=True)
        book.put(ws, r, 4, m.milestone.due)
        book.put(ws, r, 5, m.done_on)
        book.put(ws, r, 6, state_word(m.state, lang, m.months_late), state=m.state, fit=True)


def resources_sheet(book: Book, rep: Report) -> None:
    """依托资源 / Resources: what the work draws on, available and engaged (or not recorded).

    Not targets: no state, no percent, no colour, not in the summary's counts."""
    lang = book.lang
    ws = book.sheet("resources")
    book.line(ws, 3, tr("title_resources", lang), bold=True)
    book.header(ws, 4, ["code", "task", "resource", "uom", "available", "engaged"], [book.code_w, 6, 40, 10, 12, 12])
    for i, x in enumerate(rep.resources):
        r = 5 + i
        res = x.resource
        book.put(ws, r, 1, res.code)
        book.put(ws, r, 2, res.task, center=True)
        book.wrapped(ws, r, 3, res.name.get(lang))
        book.put(ws, r, 4, res.uom.get(lang), fit=True)
        book.put(ws, r, 5, res.value, NUM)
        if x.engaged is None:
            book.put(ws, r, 6, tr("xp_not_recorded", lang), fit=True)
        else:
            book.put(ws, r, 6, x.engaged, NUM)


def sources_sheet(book: Book, data: ExportData) -> None:
    """数据来源 / Sources: the returns grid, the batches in force (the returns the figures rest on; the
    superseded and undone ones are history, counted under the list), and the notes of their records."""
    lang, plan = book.lang, book.plan
    ws = book.sheet("sources")
    g = data.grid
    book.line(ws, 4, tr("title_returns", lang, as_of=g.as_of, day=plan.returns_due_day), bold=True)
    book.header(ws, 5, ["unit", *[f"!{m}" for m in g.months]], [18, *[10] * len(g.months)])
    r = 6
    for u, months_state in g.cells.items():
        book.put(ws, r, 1, plan.unit_name(u, lang), fit=True)
        for j, m in enumerate(g.months, start=2):
            st = months_state[m]
            book.put(ws, r, j, tr("xp_grid_" + st, lang), state=st)
        r += 1
    r += 1
    book.line(ws, r, tr("xp_batches", lang), bold=True)
    r += 1
    book.list_header(
        ws, r, ["batch", "created", "operator", "kind", "source", "unit", "month", "records", "received", "reason"]
    )
    cut: list[str] = []  # the notes and reasons too long for a cell, each cut (and marked) by fit_cell
    for b in data.batches:
        r += 1
        vals = [
            b.id,
            local_time(b.created),
            b.operator,
            tr(f"batch_kind_{b.kind}", lang),
            b.source + (f"!{b.sheet}" if b.sheet else ""),
            plan.unit_name(b.unit, lang) if b.unit else "",
            b.month or "",
            b.count,
            b.received or "",
            fit_cell(getattr(b, "reason", None) or "", cut, lang),
        ]
        for c, v in enumerate(vals, start=1):
            book.put(ws, r, c, v, fit=c == 6)
    if data.left_out:
        r += 1
        book.line(ws, r, tr("xp_batches_left_out", lang, n=data.left_out))
    noted = [(b, rec) for b in data.batches for rec in b.records if rec.get("note")]
    if noted:
        r += 2
        book.line(ws, r, tr("xp_notes", lang), bold=True)
        r += 1
        book.list_header(ws, r, ["batch", "code", "unit", "month", "source", "note"])
        for b, rec in noted:
            r += 1
            source = b.source + (f"!{b.sheet}" if b.sheet else "") + (f"!{rec['cell']}" if rec.get("cell") else "")
            note = fit_cell(rec["note"], cut, lang)
            vals = [b.id, rec["target"], plan.unit_name(rec["unit"], lang), rec["month"], source, note]
            for c, v in enumerate(vals, start=1):
                book.put(ws, r, c, v)
    if cut:
        r += 1
        book.line(ws, r, tr("xp_notes_cut", lang, n=len(cut), max=f"{EXCEL_CELL_CHARS:,}"), bold=True)
    for c, w in enumerate((8, 26, 12, 8, 40, 14, 10, 8, 10, 30), start=1):
        book.col_width[(ws.name, c)] = max(book.col_width.get((ws.name, c), 0), w)


_LIST_SEP = {"zh": "、", "en": ", "}  # between the items of a list in one cell


def findings_sheet(book: Book, data: ExportData) -> None:
    """名册检查 / Register check, written when the registers are kept (some register has entries in force):
    every finding of the document's rules, as ``kctrack register check`` gives them — a rule broken (red)
    or one that cannot be checked yet (blue) — with the registers, the rule's words, the units and the
    cells of the rows concerned.  A person's name is left out unless the register is shared."""
    from kctrack.service import finding_registers

    if not data.registers:
        return
    lang, plan, sep = book.lang, book.plan, _LIST_SEP[book.lang]
    ws = book.sheet("findings")
    broken = sum(f.violation for f in data.findings)
    counts = {"violations": broken, "notices": len(data.findings) - broken}
    book.line(ws, 3, tr("xp_findings_line", lang, as_of=data.report.as_of, **counts), bold=True)
    book.header(ws, 4, ["register", "rule", "finding_kind", "finding", "units", "cells"], [18, 30, 12, 40, 16, 40])
    cut: list[str] = []
    for r, f in enumerate(data.findings, start=5):
        book.wrapped(ws, r, 1, sep.join(reg.name.get(lang) for reg in finding_registers(plan, f)))
        book.wrapped(ws, r, 2, f.rule)
        kind, fill = ("rg_violation", "missing") if f.violation else ("rg_notice", "pending")
        book.put(ws, r, 3, tr(kind, lang), state=fill, fit=True)
        book.wrapped(ws, r, 4, tr(f.key, lang, **f.params))
        book.wrapped(ws, r, 5, sep.join(plan.unit_name(u, lang) for u in f.units))
        book.wrapped(ws, r, 6, fit_cell(sep.join(e.where() for e in f.entries), cut, lang))
    if not data.findings:
        book.line(ws, 5, tr("xp_findings_none", lang))


def register_sheet(book: Book, reg: Register, entries: list[Entry]) -> None:
    """A register's list, on a sheet named by the register (:func:`sheet_name`): its entries in force at the
    as-of month, of every unit — unit, month listed, each field under its heading, the row's first cell.

    Personal data (an expert's name) is left out unless the plan marks the register ``shared`` (handed to
    CAST whole); a line above the table says which fields were left out and why."""
    lang, plan = book.lang, book.plan
    ws = book.sheet("register", sheet_name(reg.name.get(lang), [s.name for s in book.wb.worksheets()]))
    left_out = () if reg.shared else reg.personal
    fields = [f for f in reg.fields if f.code not in left_out]
    book.line(ws, 3, tr("xp_register_line", lang, name=reg.name.get(lang), n=len(entries)), bold=True)
    r = 4
    if left_out:
        headings = _LIST_SEP[lang].join(reg.field(code).heading.get(lang) for code in left_out)
        book.line(ws, r, tr("xp_register_personal", lang, fields=headings))
        r += 1
    widths = [_FIELD_WIDTH.get(f.type, 24) for f in fields]
    keys = ["unit", "listed", *(f"!{f.heading.get(lang)}" for f in fields), "source"]
    book.header(ws, r, keys, [14, 10, *widths, 40])
    for e in entries:
        r += 1
        book.put(ws, r, 1, plan.unit_name(e.unit, lang), fit=True)
        book.put(ws, r, 2, e.month)
        for c, f in enumerate(fields, start=3):
            value = e.values.get(f.code)
            if f.type == "integer":
                book.put(ws, r, c, value, NUM)
            elif f.type == "text":
                book.wrapped(ws, r, c, value_text(plan, reg, f.code, value, lang))
            else:
                book.put(ws, r, c, value_text(plan, reg, f.code, value, lang), fit=True)
        book.put(ws, r, 3 + len(fields), e.where())


# a register column's width by its field's type (characters); free text (24) wraps
_FIELD_WIDTH = {"uscc": 22, "integer": 10, "month": 10, "date": 12, "choice": 10, "unit": 14}

SHEET_NAME_CHARS = 31  # Excel refuses a longer sheet name
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")  # nor these characters


def sheet_name(text: str, taken: list[str]) -> str:
    r"""A sheet name Excel takes for ``text`` (a register's name): the characters it refuses (``[ ] : * ? / \``)
    made ``_``, cut to :data:`SHEET_NAME_CHARS` at a space where there is one ("…" marks the cut), and,
    when another sheet has it already (Excel ignores case), numbered: "培训档案 (2)"."""
    name = _NOT_IN_SHEET_NAME.sub("_", text).strip().strip("'") or "_"
    if len(name) > SHEET_NAME_CHARS:
        head = name[: SHEET_NAME_CHARS - 1]
        name = (head.rsplit(" ", 1)[0] if " " in head[SHEET_NAME_CHARS // 2 :] else head).rstrip() + "…"
    used = {t.casefold() for t in taken}
    n, base = 1, name
    while name.casefold() in used:
        n += 1
        tail = f" ({n})"
        name = base[: SHEET_NAME_CHARS - len(tail)] + tail
    return name


EXCEL_CELL_CHARS = 32_767
"""The most text an Excel cell holds, in UTF-16 code units as Excel counts them.  XlsxWriter cuts a
longer string to it without a word; :func:`fit_cell` cuts it itself and says so.  What a user gives is
far shorter (:data:`kctrack.parse.NOTE_MAX_CHARS`): only a database written before that bound holds
longer notes."""


def fit_cell(text: str, cut: list[str], lang: str) -> str:
    """A text as a cell can hold it: whole, or cut with a marker at its end saying how long it was and
    where it is whole (``kctrack history --format json``); a text cut is added to ``cut``."""
    units = text.encode("utf-16-le")
    if len(units) <= 2 * EXCEL_CELL_CHARS:
        return text
    cut.append(text)
    marker = tr("xp_note_cut", lang, n=f"{len(text):,}", max=f"{EXCEL_CELL_CHARS:,}")
    room = 2 * (EXCEL_CELL_CHARS - len(marker.encode("utf-16-le")) // 2)
    return units[:room].decode("utf-16-le", errors="ignore") + marker  # a split surrogate pair is dropped


def text_width(text: str) -> int:
    """Half-width characters a text takes (a Chinese character is two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def text_lines(text: str, width: float) -> int:
    """Lines a text takes wrapped in a column ``width`` characters wide (a Chinese character is two)."""
    return max(1, math.ceil(text_width(text) / max(1.0, width - 1)))
