"""The report to CAST (工作情况报告) as a list of blocks: what it says, in which order, in ``--lang``.

Pure: it takes what the year-end workbook is written from (:class:`kctrack.export.ExportData`) and
gives :class:`Block` s; :mod:`kctrack.docx_report` lays them out as GB/T 9704-2012 asks.  Every
figure goes through :mod:`kctrack.words` (:func:`~kctrack.words.figure_text`,
:func:`~kctrack.words.percent_text`, :func:`~kctrack.words.figure_words`), which show a figure as the
workbook's own number formats show it: the report and its attachment cannot disagree.  Nothing is
invented: where the analyst must write (问题与不足, next year's plans) a marked placeholder stands.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from kctrack.i18n import tr
from kctrack.plan import Plan, Target
from kctrack.registers import Entry, feed_count, in_force
from kctrack.status import MilestoneRow, Report, TargetRow
from kctrack.words import figure_text, figure_words, percent_text, state_word

ACHIEVED = ("done", "done_late")


@dataclass(frozen=True)
class Block:
    """One piece of the report.  ``kind``: ``title`` (标题), ``addressee`` (主送机关), ``para`` (正文),
    ``h1`` / ``h2`` (一、/（一）), ``placeholder`` (a paragraph the analyst writes), ``table`` (``rows``,
    the first a header), ``attachment`` (附件说明), ``issuer`` (发文机关署名), ``date`` (成文日期)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def report_blocks(data: Any, lang: str, attachment: str, dated: date) -> list[Block]:
    """The whole report: title, addressee, opening, the document's sections 一 to 五 (their targets in
    sentences), milestones, the registers' totals, the returns, the table of every target, the two
    sections the analyst writes, the attachment line, the issuing bodies and the date.

    ``data``: :class:`kctrack.export.ExportData` for the as-of month; ``attachment``: the file name of
    the year-end workbook sent with it; ``dated``: the date the report is dated (成文日期)."""
    rep: Report = data.report
    plan = rep.plan
    blocks = [Block("title", title(plan, lang))]
    addressee = plan.addressee.get(lang) if plan.addressee else tr("rp_no_addressee", lang)
    blocks.append(Block("addressee", addressee + ("：" if lang == "zh" else ":")))
    blocks.append(Block("para", opening(rep, lang)))
    heads = _numbered(lang)  # 一、二、… (GB/T 9704-2012 §7.3.3)
    for section in plan.sections:
        blocks += _section(rep, section.id, next(heads) + section.name.get(lang), lang)
    blocks += [Block("h1", next(heads) + tr("rp_h_milestones", lang)), *_milestones(rep, lang)]
    listed = _registers(plan, data.registers, data.findings, rep.as_of, lang)
    if listed:
        blocks += [Block("h1", next(heads) + tr("rp_h_registers", lang)), *listed]
    blocks += [Block("h1", next(heads) + tr("rp_h_returns", lang)), Block("para", returns_line(data.grid, lang))]
    blocks += [Block("h1", next(heads) + tr("rp_h_table", lang)), Block("table", rows=target_table(rep, lang))]
    next_year = int(plan.end[:4]) + 1
    for key in ("rp_h_problems", "rp_h_plans"):
        blocks += [
            Block("h1", next(heads) + tr(key, lang, year=next_year)),
            Block("placeholder", tr(key + "_todo", lang)),
        ]
    blocks.append(Block("attachment", tr("rp_attachment", lang, name=attachment)))
    blocks += [Block("issuer", x.get(lang)) for x in plan.issuers] or [Block("issuer", tr("rp_no_issuers", lang))]
    blocks.append(Block("date", date_text(dated, lang)))
    return blocks


def title(plan: Plan, lang: str) -> str:
    """关于2020年服务企业科技创新专项行动工作情况的报告 (from the plan's name, which holds its year)."""
    return tr("rp_title", lang, name=plan.name.get(lang))


def date_text(day: date, lang: str) -> str:
    """成文日期 in Arabic numerals, the year whole, month and day without a leading zero (GB/T 9704-2012
    §7.3.5.4): 2020年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B} {day.year}"  # §7.3.5.4


def month_text(month: str, lang: str) -> str:
    """A month as the text says it: 2020年12月, December 2020."""
    y, m = int(month[:4]), int(month[5:])
    return f"{y}年{m}月" if lang == "zh" else f"{date(y, m, 1):%B %Y}"


def _numbered(lang: str) -> Iterator[str]:
    """First-level heading numbers without end: 一、二、… (Chinese numerals, cn2an) in Chinese, 1. 2. … in English."""
    for i in itertools.count(1):
        yield f"{cn_numeral(i)}、" if lang == "zh" else f"{i}. "


def cn_numeral(i: int) -> str:
    """1 → 一, 11 → 十一, 21 → 二十一 (cn2an, the library the figures' parser uses)."""
    import cn2an

    return str(cn2an.an2cn(i))


def opening(rep: Report, lang: str) -> str:
    """The document, the period, how many of the commitments were achieved (and how many late), the ones
    past their deadline not achieved, by name; and, when returns are missing, that the figures lack them.

    The counts are the workbook's summary's (:func:`kctrack.export.state_counts`)."""
    from kctrack.export import incomplete_line, state_counts

    plan = rep.plan
    counts = state_counts(rep)
    total = counts["targets"]
    achieved = counts["done"] + counts["done_late"]
    share = percent_text(achieved / total * 100) if total else percent_text(0)
    late = tr("rp_opening_late", lang, n=counts["done_late"]) if counts["done_late"] else ""
    key = "rp_opening_closing" if rep.is_closing else "rp_opening_progress"
    text = tr(key, lang, doc=plan.document, name=plan.name.get(lang), period=_period(plan.start, rep.as_of, lang),
              total=total, achieved=achieved, late=late, share=share, missing=total - achieved)  # fmt: skip
    failed = [r.target.name.get(lang) for r in rep.targets if r.state == "not_achieved"]
    if failed and not rep.is_closing:  # past their deadline, not reached: said at once, not "in progress"
        text += tr("rp_opening_failed", lang, n=len(failed), names=("、" if lang == "zh" else ", ").join(failed))
    if rep.returns_missing:
        text += incomplete_line(rep, lang) + ("。" if lang == "zh" else ".")
    return text + tr("rp_opening_end", lang)


def _period(start: str, end: str, lang: str) -> str:
    (y0, m0), (y1, m1) = (int(start[:4]), int(start[5:])), (int(end[:4]), int(end[5:]))
    if lang != "zh":
        return f"{date(y0, m0, 1):%B %Y} to {date(y1, m1, 1):%B %Y}"
    return f"{y0}年{m0}月至{m1}月" if y0 == y1 else f"{y0}年{m0}月至{y1}年{m1}月"


def _section(rep: Report, section: int, heading: str, lang: str) -> list[Block]:
    """A section of the document: a second-level heading per task, its targets in sentences, its milestones
    counted; a task with neither says nothing (the table of tasks is the workbook's)."""
    plan = rep.plan
    out = [Block("h1", heading)]
    n = 0
    for task in (k for k in plan.tasks if k.section == section):
        rows = [r for r in rep.targets if r.target.task == task.no]
        milestones = [m for m in rep.milestones if m.milestone.task == task.no]
        if not rows and not milestones:
            continue
        out.append(Block("h2", _sub_number(n, lang) + task.short.get(lang)))
        n += 1
        text = "".join(target_sentence(r, lang) for r in rows) + _task_milestones(milestones, lang)
        out.append(Block("para", text))
    return out


def _sub_number(i: int, lang: str) -> str:
    """Second-level heading numbers: （一）（二）… in Chinese, (1) (2) … in English (GB/T 9704-2012 §7.3.3)."""
    return f"（{cn_numeral(i + 1)}）" if lang == "zh" else f"({i + 1}) "


def target_sentence(r: TargetRow, lang: str) -> str:
    """A target in a sentence: its figure, its goal, the percent and the state; one not achieved (or behind)
    named with its gap — 全国性学会33家，为目标不少于30家的110.0%，已完成。"""
    t = r.target
    uom = t.uom.get(lang)
    params = {
        "name": t.name.get(lang),
        "actual": figure_words(r.actual, lang),
        "goal": figure_words(r.goal, lang),
        "uom": uom,
        "at_least": tr("rp_at_least", lang) if t.minimum else "",
        "percent": percent_text(r.percent) if r.percent is not None else "—",
        "state": state_word(r.state, lang, r.months_late),
    }
    if r.percent is None:  # a goal of 0: no percent to give
        return tr("rp_target_plain", lang, **params)
    if r.state in ACHIEVED or r.state == "on_track":
        return tr("rp_target", lang, **params)
    return tr("rp_target_short", lang, gap=figure_words(r.gap, lang), **params)


def _task_milestones(rows: list[MilestoneRow], lang: str) -> str:
    """A task's milestones: how many of them are done (on time or late)."""
    if not rows:
        return ""
    done = sum(m.state in ACHIEVED for m in rows)
    return tr("rp_task_milestones", lang, n=len(rows), done=done)


def _milestones(rep: Report, lang: str) -> list[Block]:
    """Milestones: how many done; done late, each with how late; not done (overdue), each named."""
    rows = rep.milestones
    due = [m for m in rows if m.state != "pending"]
    done = [m for m in rows if m.state == "done"]
    late = [m for m in rows if m.state == "done_late"]
    overdue = [m for m in rows if m.state == "overdue"]
    out = [Block("para", tr("rp_milestones", lang, total=len(rows), due=len(due), done=len(done), late=len(late),
                            overdue=len(overdue), pending=len(rows) - len(due)))]  # fmt: skip
    sep = "；" if lang == "zh" else "; "
    if late:
        names = sep.join(_bracketed(m.milestone.name.get(lang), _late_by(m.months_late, lang), lang)
                         for m in late)  # fmt: skip
        out.append(Block("para", tr("rp_milestones_late", lang, names=names)))
    if overdue:
        names = sep.join(_bracketed(m.milestone.name.get(lang), tr("rp_due", lang, due=month_text(m.milestone.due, lang)),
                                    lang) for m in overdue)  # fmt: skip
        out.append(Block("para", tr("rp_milestones_overdue", lang, names=names)))
    return out


def _late_by(n: int, lang: str) -> str:
    return tr("rp_late_by", lang, n=n, s="" if n == 1 else "s")


def _bracketed(text: str, note: str, lang: str) -> str:
    """A name with a note in brackets: full-width in Chinese, ``name (note)`` in English."""
    return f"{text}（{note}）" if lang == "zh" else f"{text} ({note})"


def _registers(
    plan: Plan, registers: list[tuple[Any, list[Entry]]], findings: list[Any], as_of: str, lang: str
) -> list[Block]:
    """The registers' totals where lists exist: entries in force, what each counts (distinct across units),
    team sizes under a group-size rule, and the rules broken."""
    out = []
    for reg, entries in registers:
        live = in_force(entries, as_of)
        parts = [tr("rp_register_entries", lang, name=reg.name.get(lang), n=figure_text(len(live)))]
        for feed in reg.feeds:
            target = plan.find_code(feed.target)
            if isinstance(target, Target):
                value = figure_words(feed_count(reg, feed, live), lang)
                parts.append(tr("rp_register_counts", lang, name=target.name.get(lang), value=value,
                                uom=target.uom.get(lang)))  # fmt: skip
        for rule in (r for r in reg.rules if r.kind == "group_size"):
            sizes = Counter(tuple(e.values.get(k) for k in rule.group) for e in live)
            if sizes:
                parts.append(
                    tr("rp_register_groups", lang, n=len(sizes), low=min(sizes.values()), high=max(sizes.values()))
                )
        out.append(Block("para", ("，" if lang == "zh" else ", ").join(parts) + ("。" if lang == "zh" else ".")))
    violations = sum(1 for f in findings if f.violation)
    if out:
        unchecked = len(findings) - violations
        more = tr("rp_register_unchecked", lang, n=unchecked) if unchecked else ""
        out.append(Block("para", tr("rp_register_check", lang, n=violations, unchecked=more)))
    return out


def returns_line(grid: Any, lang: str) -> str:
    """Returns received on time, late and missing, and the units with a missing or late one."""
    if grid is None:
        return ""
    states = Counter(s for row in grid.cells.values() for s in row.values())
    sep = "、" if lang == "zh" else ", "

    def units(state: str) -> str:  # each unit with how many; the months are the attachment's 数据来源 sheet's
        counted = [(u, sum(s == state for s in row.values())) for u, row in grid.cells.items()]
        return sep.join(tr("rp_unit_count", lang, unit=grid.plan.unit_name(u, lang), n=n) for u, n in counted if n)

    due = states["received"] + states["late"] + states["missing"]
    text = tr("rp_returns", lang, as_of=month_text(grid.as_of, lang), due=due, received=states["received"], late=states["late"],
              missing=states["missing"])  # fmt: skip
    if states["missing"]:
        text += tr("rp_returns_missing", lang, units=units("missing"))
    if states["late"]:
        text += tr("rp_returns_late", lang, units=units("late"))
    return text


def target_table(rep: Report, lang: str) -> tuple[tuple[str, ...], ...]:
    """Every target in the document's task order: its number, name and unit of measure, goal, actual,
    percent and state, each figure as the workbook shows it."""
    head = tuple(
        tr(k, lang) for k in ("rp_t_no", "rp_t_target", "rp_t_goal", "rp_t_actual", "rp_t_percent", "rp_t_state")
    )
    order = {k.no: i for i, k in enumerate(rep.plan.tasks)}
    rows = sorted(rep.targets, key=lambda r: order.get(r.target.task, 0))
    body = tuple(
        (
            str(i),
            f"{r.target.name.get(lang)}（{r.target.uom.get(lang)}）"
            if lang == "zh"
            else f"{r.target.name.get(lang)} ({r.target.uom.get(lang)})",
            ("≥" if r.target.minimum else "") + figure_text(r.goal),
            figure_text(r.actual),
            percent_text(r.percent) if r.percent is not None else "—",
            state_word(r.state, lang, r.months_late),
        )
        for i, r in enumerate(rows, start=1)
    )
    return (head, *body)
