"""Rendering for the terminal and for pipes: rich tables, JSON, CSV, Markdown.

Presentation only (the CLI's side of the house): the domain hands over plain
rows, this module decides how they look.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kctrack.i18n import tr
from kctrack.plan import Plan
from kctrack.status import Report, TargetRow, num

STATE_STYLE = {
    "done": "bold green",
    "on_track": "green",
    "behind": "yellow",
    "off_track": "red",
    "overdue": "bold red",
    "pending": "cyan",
}
STATE_SYMBOL = {"done": "✔", "on_track": "●", "behind": "▲", "off_track": "✖", "overdue": "!", "pending": "○"}


def make_console(no_color: bool = False, stderr: bool = False) -> Console:
    """A console that writes colour only to a terminal, and never with --no-color or NO_COLOR."""
    stream = sys.stderr if stderr else sys.stdout
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    width = None
    if not stream.isatty():
        width = int(os.environ.get("COLUMNS", "0") or 0) or 160
    return Console(
        file=stream,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        width=width,
        emoji=False,
    )


def fmt(x: float | None) -> str:
    """A figure for people: thousands separators, decimals only where there are some."""
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.1f}"


def bar(percent: float, width: int = 10) -> str:
    filled = max(0, min(width, round(percent / 100 * width)))
    return "█" * filled + "░" * (width - filled)


def state_text(state: str | None, lang: str) -> Text:
    if state is None:
        return Text("")
    return Text(f"{STATE_SYMBOL[state]} {tr('state_' + state, lang)}", style=STATE_STYLE[state])


def headers(keys: Sequence[str], lang: str) -> list[str]:
    return [tr("h_" + k, lang) for k in keys]


# -- status --------------------------------------------------------------------------


def status_table(console: Console, report: Report, lang: str, db: str, by: str) -> None:
    plan = report.plan
    console.print(
        tr("title_status", lang, plan=plan.name.get(lang), doc=plan.document, as_of=report.as_of, db=db),
        style="bold",
    )
    if by == "unit":
        _by_unit(console, report, lang)
    elif by == "month":
        _by_month(console, report, lang)
    else:
        _by_task(console, report, lang)
    if report.milestones and by != "month":
        _milestones(console, report, lang)
    console.print(tr("legend", lang), style="dim")


def _by_task(console: Console, report: Report, lang: str) -> None:
    plan = report.plan
    table = Table(show_lines=False, pad_edge=False)
    for key, justify in (
        ("code", "left"),
        ("target_name", "left"),
        ("value", "right"),
        ("actual", "right"),
        ("expected", "right"),
        ("progress", "left"),
        ("state", "left"),
        ("deadline", "left"),
    ):
        table.add_column(tr("h_" + key, lang), justify=justify)  # type: ignore[arg-type]
    rows_by_task: dict[int, list[TargetRow]] = {}
    for r in report.targets:
        rows_by_task.setdefault(r.target.task, []).append(r)
    for section in plan.sections:
        tasks = [k for k in plan.tasks if k.section == section.id and k.no in rows_by_task]
        if not tasks:
            continue
        table.add_row("", Text(f"{section.numeral}、{section.name.get(lang)}", style="bold"))
        for task in tasks:
            resp = (
                task.responsible_text if lang == "zh" else ", ".join(plan.unit_name(u, "en") for u in task.responsible)
            )
            table.add_row(
                f"{task.no}",
                Text(tr("task_label", lang, no=task.no, short=task.short.get(lang), resp=resp), style="italic"),
            )
            for r in rows_by_task[task.no]:
                t = r.target
                table.add_row(
                    t.code,
                    f"{t.name.get(lang)}（{t.uom.get(lang)}）"
                    if lang == "zh"
                    else f"{t.name.get(lang)} ({t.uom.get(lang)})",
                    ("≥" if t.minimum else "") + fmt(t.value),
                    fmt(r.actual),
                    fmt(r.expected),
                    Text(f"{bar(r.percent)} {r.percent:5.1f}%", style=STATE_STYLE[r.state]),
                    state_text(r.state, lang),
                    t.deadline,
                )
        table.add_section()
    console.print(table)


def _by_unit(console: Console, report: Report, lang: str) -> None:
    plan = report.plan
    table = Table(title=tr("title_by_unit", lang), pad_edge=False)
    for key, justify in (
        ("code", "left"),
        ("unit", "left"),
        ("quota", "right"),
        ("actual", "right"),
        ("expected", "right"),
        ("progress", "left"),
        ("state", "left"),
    ):
        table.add_column(tr("h_" + key, lang), justify=justify)  # type: ignore[arg-type]
    for r in report.targets:
        split = [s for s in r.breakdown if s.target is not None]
        own: list[Any] = []
        if not split:
            continue
        table.add_row(
            r.target.code,
            Text(r.target.name.get(lang), style="bold"),
            fmt(r.target.value),
            fmt(r.actual),
            fmt(r.expected),
            "",
            state_text(r.state, lang),
        )
        for s in split:
            pct = s.actual / s.target * 100 if s.target else 100.0
            table.add_row(
                "",
                plan.unit_name(s.unit, lang),
                fmt(s.target),
                fmt(s.actual),
                fmt(s.expected),
                Text(f"{bar(pct)} {pct:5.1f}%", style=STATE_STYLE[s.state or "pending"]),
                state_text(s.state, lang),
            )
        for s in own:
            table.add_row("", plan.unit_name(s.unit, lang), "", fmt(s.actual), "", "", "")
        table.add_section()
    console.print(table)


def _by_month(console: Console, report: Report, lang: str) -> None:
    table = Table(title=tr("title_by_month", lang), pad_edge=False)
    table.add_column(tr("h_code", lang))
    table.add_column(tr("h_value", lang), justify="right")
    months = [c.month for c in report.targets[0].monthly] if report.targets else []
    all_months = list(_window(report.plan))
    for m in all_months:
        table.add_column(m[5:] + ("月" if lang == "zh" else ""), justify="right")
    for r in report.targets:
        cells: list[Any] = [r.target.code, fmt(r.target.value)]
        by = {c.month: c for c in r.monthly}
        for m in all_months:
            c = by.get(m)
            cells.append(
                Text(f"{STATE_SYMBOL[c.state]}{fmt(c.actual)}", style=STATE_STYLE[c.state]) if c and m in months else ""
            )
        table.add_row(*cells)
    console.print(table)


def _window(plan: Plan) -> list[str]:
    from kctrack.schedule import months_between

    return months_between(plan.start, plan.end)


def _milestones(console: Console, report: Report, lang: str) -> None:
    table = Table(title=tr("title_milestones", lang), pad_edge=False)
    for key in ("code", "milestone", "due", "state", "done_on"):
        table.add_column(tr("h_" + key, lang))
    for m in report.milestones:
        table.add_row(
            m.milestone.code, m.milestone.name.get(lang), m.milestone.due, state_text(m.state, lang), m.done_on or ""
        )
    console.print(table)


def status_flat(report: Report, lang: str, by: str) -> tuple[list[str], list[list[Any]]]:
    """Rows for CSV and Markdown; the column names are the JSON keys."""
    plan = report.plan
    if by == "unit":
        head = ["code", "unit", "target", "actual", "expected", "state"]
        rows = [
            [r.target.code, plan.unit_name(s.unit, lang), num(s.target), num(s.actual), num(s.expected), s.state or ""]
            for r in report.targets
            for s in r.breakdown
        ]
        return head, rows
    if by == "month":
        months = _window(plan)
        head = ["code", "target", *months]
        rows = []
        for r in report.targets:
            by_m = {c.month: c.actual for c in r.monthly}
            rows.append([r.target.code, num(r.target.value), *(num(by_m[m]) if m in by_m else "" for m in months)])
        return head, rows
    head = [
        "code",
        "name",
        "unit_of_measure",
        "target",
        "actual",
        "expected",
        "percent",
        "state",
        "deadline",
        "task",
        "responsible",
    ]
    rows = [
        [
            r.target.code,
            r.target.name.get(lang),
            r.target.uom.get(lang),
            num(r.target.value),
            num(r.actual),
            num(r.expected),
            num(r.percent),
            r.state,
            r.target.deadline,
            r.target.task,
            " ".join(plan.unit_name(u, lang) for u in r.target.responsible),
        ]
        for r in report.targets
    ]
    return head, rows


# -- targets ---------------------------------------------------------------------------


def targets_table(console: Console, plan: Plan, lang: str) -> None:
    console.print(
        tr("title_targets", lang, plan=plan.name.get(lang), doc=plan.document, start=plan.start, end=plan.end),
        style="bold",
    )
    table = Table(pad_edge=False)
    for key, justify in (
        ("code", "left"),
        ("target_name", "left"),
        ("value", "right"),
        ("uom", "left"),
        ("deadline", "left"),
        ("task", "right"),
        ("responsible", "left"),
    ):
        table.add_column(tr("h_" + key, lang), justify=justify)  # type: ignore[arg-type]
    for t in plan.targets:
        split = "；".join(f"{plan.unit_name(u, lang)} {fmt(q)}" for u, q in t.breakdown)
        resp = split or " ".join(plan.unit_name(u, lang) for u in t.responsible)
        table.add_row(
            t.code,
            t.name.get(lang),
            ("≥" if t.minimum else "") + fmt(t.value),
            t.uom.get(lang),
            t.deadline,
            str(t.task),
            resp,
        )
    console.print(table)
    ms = Table(title=tr("title_milestones", lang), pad_edge=False)
    for key in ("code", "milestone", "due", "task", "responsible"):
        ms.add_column(tr("h_" + key, lang))
    for m in plan.milestones:
        ms.add_row(
            m.code, m.name.get(lang), m.due, str(m.task or ""), " ".join(plan.unit_name(u, lang) for u in m.responsible)
        )
    console.print(ms)


def targets_flat(plan: Plan, lang: str) -> tuple[list[str], list[list[Any]]]:
    head = [
        "code",
        "kind",
        "name",
        "unit_of_measure",
        "target",
        "minimum",
        "deadline",
        "task",
        "responsible",
        "breakdown",
    ]
    rows: list[list[Any]] = [
        [
            t.code,
            "target",
            t.name.get(lang),
            t.uom.get(lang),
            num(t.value),
            t.minimum,
            t.deadline,
            t.task,
            " ".join(plan.unit_name(u, lang) for u in t.responsible),
            " ".join(f"{plan.unit_name(u, lang)}={fmt(q)}" for u, q in t.breakdown),
        ]
        for t in plan.targets
    ]
    rows += [
        [
            m.code,
            "milestone",
            m.name.get(lang),
            "",
            "",
            "",
            m.due,
            m.task or "",
            " ".join(plan.unit_name(u, lang) for u in m.responsible),
            "",
        ]
        for m in plan.milestones
    ]
    return head, rows


# -- generic formats -------------------------------------------------------------------------


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV whose cells can never run as formulas in a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for row in rows:
        w.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_markdown(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float | int) and not isinstance(v, bool):
            return fmt(v)
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
