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
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kctrack.i18n import tr
from kctrack.parse import exact
from kctrack.plan import Plan
from kctrack.status import Report, TargetRow, num

T = TypeVar("T")

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
    """Targets grouped by the document's sections and tasks.  With --unit, a split
    target shows that unit's share (its quota, actual, expected and state)."""
    plan = report.plan
    table = Table(show_lines=False, pad_edge=False)
    table.add_column(tr("h_code", lang), no_wrap=True)
    table.add_column(tr("h_target_name", lang), min_width=20)
    table.add_column(tr("h_state", lang), no_wrap=True)
    for key in ("value", "actual", "expected"):
        table.add_column(tr("h_" + key, lang), justify="right", no_wrap=True)
    for key in ("progress", "deadline"):
        table.add_column(tr("h_" + key, lang), no_wrap=True)
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
            label = tr("task_label", lang, no=task.no, short=task.short.get(lang), resp=resp)
            table.add_row("", Text(label, style="italic"))
            for r in rows_by_task[task.no]:
                t = r.target
                value, actual, exp, pct, state = t.value, r.actual, r.expected, r.percent, r.state
                share = next((s for s in r.breakdown if s.target is not None), None) if report.unit else None
                if share is not None and share.target is not None:
                    value, actual, exp, state = share.target, share.actual, share.expected or 0.0, share.state or state
                    pct = actual / value * 100 if value else 100.0
                uom = t.uom.get(lang)
                table.add_row(
                    t.code,
                    f"{t.name.get(lang)}（{uom}）" if lang == "zh" else f"{t.name.get(lang)} ({uom})",
                    state_text(state, lang),
                    ("≥" if t.minimum else "") + fmt(value),
                    fmt(actual),
                    fmt(exp),
                    Text(f"{bar(pct, 8)} {pct:5.1f}%", style=STATE_STYLE[state]),
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
        if t.breakdown:
            resp = _some(t.breakdown, lambda s: f"{plan.unit_name(s[0], lang)} {fmt(s[1])}", lang, "；")
        else:
            resp = _some(t.responsible, lambda u: plan.unit_name(u, lang), lang, " ")
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
            m.code,
            m.name.get(lang),
            m.due,
            str(m.task or ""),
            _some(m.responsible, lambda u: plan.unit_name(u, lang), lang, " "),
        )
    console.print(ms)


def _some(items: Sequence[T], name: Callable[[T], str], lang: str, sep: str, show: int = 13) -> str:
    """A list for a table cell: all of it up to ``show`` items (the 13 cities), else the first few and a count.

    Only the items shown are named: a national plan lists 320 cities on some targets.
    """
    if len(items) <= show:
        return sep.join(map(name, items))
    more = tr("and_more", lang, n=len(items))
    return sep.join(map(name, items[:3])) + sep + more


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


# -- import, history, explain, returns grid ---------------------------------------------------


def import_changes_table(console: Console, plan: Plan, changes: list[Any], lang: str) -> None:
    table = Table(pad_edge=False)
    for key in ("code", "unit", "month", "old", "new", "change"):
        table.add_column(tr("h_" + key, lang), justify="right" if key in ("old", "new") else "left")
    style = {"new": "green", "changed": "yellow", "unchanged": "dim", "removed": "red"}
    for c in changes:
        table.add_row(
            c.code,
            plan.unit_name(c.unit, lang),
            c.month,
            "" if c.old is None else exact(c.old),  # exactly as stored: 0.85, never 0.8
            "" if c.new is None else exact(c.new),
            Text(tr("change_" + c.kind, lang), style=style[c.kind]),
        )
    console.print(table)


def history_json(plan: Plan, batches: list[Any], in_all: int | None = None) -> dict[str, Any]:
    """The batches; ``batches_in_all`` says how many there are when only the newest --limit are listed."""
    return {
        "batches_in_all": len(batches) if in_all is None else in_all,
        "batches": [
            {
                "id": b.id,
                "created": b.created,
                "operator": b.operator,
                "kind": b.kind,
                "run": b.run,
                "source": b.source,
                "sheet": b.sheet,
                "unit": b.unit,
                "month": b.month,
                "received": b.received,
                "state": "undone" if b.undone_at else ("superseded" if b.superseded_by else "live"),
                "superseded_by": b.superseded_by,
                "supersedes": b.supersedes,
                "undone_at": b.undone_at,
                "undone_by": b.undone_by,
                "locked_change_reason": b.reason,
                "undo_reason": b.undo_reason,
                "records": [{**r, "value": num(r["value"]), "cumulative": num(r["cumulative"])} for r in b.records],
            }
            for b in batches
        ],
    }


def history_flat(plan: Plan, batches: list[Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """One row per record (a nil return: one row without a target), for csv and md."""
    head = [
        "batch",
        "run",
        "created",
        "operator",
        "kind",
        "source",
        "sheet",
        "state",
        "target",
        "unit",
        "month",
        "value",
        "cumulative",
        "cell",
    ]
    rows = []
    for b in batches:
        state = "undone" if b.undone_at else ("superseded" if b.superseded_by else "live")
        head_cells = [b.id, b.run or "", b.created, b.operator, b.kind, b.source, b.sheet or "", state]
        if not b.records and b.count == 0 and b.unit:  # a nil return: received, nothing reported
            rows.append([*head_cells, "", plan.unit_name(b.unit, lang), b.month or "", "", "", ""])
        for r in b.records:
            rows.append(
                [
                    *head_cells,
                    r["target"],
                    plan.unit_name(r["unit"], lang),
                    r["month"],
                    num(r["value"]),
                    num(r["cumulative"]),
                    r["cell"] or "",
                ]
            )
    return head, rows


def history_table(console: Console, plan: Plan, batches: list[Any], lang: str) -> None:
    table = Table(pad_edge=False)
    for key in ("batch", "run", "created", "operator", "source", "unit", "month", "records", "status"):
        table.add_column(tr("h_" + key, lang))
    for b in batches:
        if b.undone_at:
            state = Text(tr("batch_undone", lang, at=b.undone_at), style="red")
        elif b.superseded_by:
            state = Text(tr("batch_superseded", lang, by=b.superseded_by), style="yellow")
        else:
            state = Text(tr("batch_live", lang), style="green")
        if b.supersedes:
            state.append(" · " + tr("batch_replaces", lang, ids=", ".join(map(str, b.supersedes))))
        if b.reason:
            state.append(" · " + tr("batch_reason", lang, reason=b.reason), style="bold magenta")
        source = b.source + (f"!{b.sheet}" if b.sheet else "")
        units = {r["unit"] for r in b.records}
        months = {r["month"] for r in b.records}
        table.add_row(
            str(b.id),
            "" if b.run is None else str(b.run),
            b.created,
            b.operator,
            source,
            plan.unit_name(b.unit, lang) if b.unit else " ".join(plan.unit_name(u, lang) for u in sorted(units)),
            b.month or " ".join(sorted(months)),
            str(b.count),
            state,
        )
    console.print(table)


def explain_json(e: Any) -> dict[str, Any]:
    return {
        "code": e.code,
        "unit": e.unit,
        "as_of": e.as_of,
        "total": num(e.total),
        "records_in_all": e.in_all,  # the records listed may be the first --limit of them
        "records": [
            {
                "record": r["record"],
                "batch": r["batch"],
                "unit": r["unit"],
                "month": r["month"],
                "value": num(r["value"]),
                "source": _source(r),
                "created": r["created"],
                "operator": r["operator"],
                "note": r["note"],
                "counts": r["counts"],
                "why_not": r["why_not"],
            }
            for r in e.records
        ],
    }


def _source(r: dict[str, Any]) -> str:
    if r["cell"]:
        return f"{r['source']}!{r['cell']}"
    return str(r["source"])


def explain_table(console: Console, e: Any, lang: str) -> None:
    item = e.plan.find_code(e.code)
    console.print(
        tr("explain_title", lang, code=e.code, name=item.name.get(lang), as_of=e.as_of, total=fmt(e.total)),
        style="bold",
    )
    table = Table(pad_edge=False)
    for key in ("unit", "month", "actual", "source", "batch", "created", "operator", "counts"):
        table.add_column(tr("h_" + key, lang), justify="right" if key == "actual" else "left")
    for r in e.records:
        counts = Text("✔", style="green") if r["counts"] else Text(tr("why_" + r["why_not"], lang), style="dim")
        table.add_row(
            e.plan.unit_name(r["unit"], lang),
            r["month"],
            fmt(r["value"]),
            _source(r),
            str(r["batch"]),
            r["created"],
            r["operator"],
            counts,
            style=None if r["counts"] else "dim",
        )
    console.print(table)


GRID_STYLE = {"received": "green", "late": "yellow", "missing": "bold red", "not_due": "dim"}


def grid_json(g: Any) -> dict[str, Any]:
    return {
        "as_of": g.as_of,
        "units": [{"unit": g.plan.unit_name(u, "zh"), "code": u, "months": months} for u, months in g.cells.items()],
    }


def grid_flat(g: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    head = ["unit", *g.months]
    return head, [[g.plan.unit_name(u, lang), *(months[m] for m in g.months)] for u, months in g.cells.items()]


def grid_table(console: Console, g: Any, lang: str) -> None:
    console.print(tr("title_returns", lang, as_of=g.as_of, day=g.plan.returns_due_day), style="bold")
    table = Table(pad_edge=False)
    table.add_column(tr("h_unit", lang))
    for m in g.months:
        table.add_column(m[5:] + ("月" if lang == "zh" else ""), justify="center")
    for key in ("received", "late", "missing"):
        table.add_column(tr("h_" + key, lang), justify="right")
    per_month = {m: {"received": 0, "late": 0, "missing": 0} for m in g.months}
    for u, months in g.cells.items():
        counts = {"received": 0, "late": 0, "missing": 0}
        cells = []
        for m in g.months:
            state = months[m]
            if state in counts:
                counts[state] += 1
                per_month[m][state] += 1
            cells.append(Text(tr("grid_" + state, lang), style=GRID_STYLE[state]))
        table.add_row(
            g.plan.unit_name(u, lang),
            *cells,
            str(counts["received"]),
            str(counts["late"]),
            Text(str(counts["missing"]), style="bold red" if counts["missing"] else ""),
        )
    table.add_section()
    for key in ("received", "late", "missing"):
        table.add_row(tr("h_" + key, lang), *(str(per_month[m][key]) for m in g.months), "", "", "")
    console.print(table)
    console.print(tr("grid_legend", lang), style="dim")


def import_json(r: Any, lang: str) -> dict[str, Any]:
    """The stable JSON of ``kctrack import --format json`` (English keys; unit names in ``lang``)."""
    plan = r.plan
    counts = r.counts()

    def problem(p: Any) -> dict[str, Any]:
        return {
            "where": p.error.where or p.where,
            "value": None if p.value is None else str(p.value),
            "message": p.error.message(lang),
        }

    return {
        "dry_run": r.dry_run,
        "strict": r.strict,
        "files": r.files,
        "returns": r.returns,
        "nil_returns": r.nil,
        "run": r.run,
        "batches": r.batches,
        "counts": {k: counts[k] for k in ("new", "changed", "unchanged", "removed")} | {"rejected": r.rejected},
        "changes": [
            {
                "code": c.code,
                "unit": plan.unit_name(c.unit, lang),
                "month": c.month,
                "old": _whole(c.old),
                "new": _whole(c.new),
                "change": c.kind,
                "source": c.where,
            }
            for c in r.changes
        ],
        "skipped": [{"file": f, "unit": plan.unit_name(u, lang), "month": m, "batch": b} for f, u, m, b in r.skipped],
        "errors": [problem(p) for p in r.problems],
        "warnings": [problem(p) for p in r.warnings],
    }


def _whole(x: float | None) -> float | int | None:
    """A figure for JSON exactly as stored (integral ones as integers)."""
    return int(x) if x is not None and x.is_integer() else x


def import_summary(r: Any, lang: str) -> list[str]:
    """What an import says on stderr: skipped returns, the counts, warnings, then problems or what was written."""
    plan = r.plan
    lines = [
        tr("imp_skipped", lang, file=f, unit=plan.unit_name(u, lang), month=m, batch=b) for f, u, m, b in r.skipped
    ]
    counts = r.counts()
    summary = tr(
        "imp_summary",
        lang,
        files=r.files,
        returns=r.returns,
        **{k: counts[k] for k in ("new", "changed", "unchanged", "removed")},
        rejected=r.rejected,
    )
    if r.nil:
        summary += tr("imp_nil", lang, count=r.nil)
    lines.append(summary)
    if r.warnings:
        lines.append(tr("imp_warnings", lang, count=len(r.warnings)))
        lines += [p.line(lang) for p in r.warnings]
    if r.problems:
        lines.append(tr("imp_nothing_written", lang))
        lines += [p.line(lang) for p in r.problems]
        if r.error_copies:
            lines.append(tr("imp_error_copies", lang, paths=" ".join(map(str, r.error_copies))))
    elif r.dry_run:
        lines.append(tr("imp_dry", lang))
    elif r.batches:
        ids = r.batches
        shown = ", ".join(map(str, ids)) if len(ids) <= 5 else f"{ids[0]}–{ids[-1]}（{len(ids)}）"
        lines.append(tr("imp_done", lang, batches=shown))
        lines.append(tr("imp_run", lang, run=r.run))
    return lines
