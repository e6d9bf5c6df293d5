"""Where every target stands: pure computation from the plan and the figures.

Input: the plan, the as-of month, cumulative figures per target × unit and
figures per target × month (from :mod:`kctrack.store`).  Output: plain rows,
and the JSON contract of ``kctrack status --format json`` (README).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kctrack.plan import Milestone, Plan, Target
from kctrack.schedule import (
    expected,
    forecast,
    milestone_state,
    months_between,
    months_inclusive,
    target_state,
)


@dataclass
class ShareRow:
    unit: str
    target: float | None  # the unit's quota; None where the target is not split
    actual: float
    expected: float | None
    state: str | None


@dataclass
class MonthCell:
    month: str
    actual: float  # cumulative
    expected: float
    state: str


@dataclass
class TargetRow:
    target: Target
    actual: float
    expected: float
    percent: float
    state: str
    breakdown: list[ShareRow] = field(default_factory=list)
    monthly: list[MonthCell] = field(default_factory=list)
    forecast: float = 0.0

    @property
    def gap(self) -> float:
        return self.target.value - self.actual


@dataclass
class MilestoneRow:
    milestone: Milestone
    state: str
    done_on: str | None


@dataclass
class Report:
    plan: Plan
    as_of: str
    targets: list[TargetRow]
    milestones: list[MilestoneRow]
    unit: str | None = None  # the reporting unit the report is limited to


def compute(
    plan: Plan,
    as_of: str,
    by_unit: dict[tuple[str, str], float] | None,
    by_month: dict[tuple[str, str], float],
    unit: str | None = None,
    unit_by_month: dict[tuple[str, str], float] | None = None,
) -> Report:
    """The status of every target and milestone at the end of ``as_of``.

    ``by_month``: the province's figures per target and month (the one source of
    every target's actual).  ``by_unit``: cumulative figures per target and unit
    up to ``as_of``, for the split by unit; None when no split is wanted (the
    table by task needs none, which keeps ``status`` independent of the number of
    units and records).  With ``unit``: only what that unit reports, its own
    share, and its own month-by-month figures from ``unit_by_month``.
    """
    ratio = plan.behind_ratio
    months = months_between(plan.start, as_of)
    monthly_of: dict[str, dict[str, float]] = defaultdict(dict)
    for (code, m), v in by_month.items():
        monthly_of[code][m] = v
    unit_monthly_of: dict[str, dict[str, float]] = defaultdict(dict)
    for (code, m), v in (unit_by_month or {}).items():
        unit_monthly_of[code][m] = v
    rows: list[TargetRow] = []
    for t in plan.targets:
        if unit is not None and unit not in t.reporters:
            continue
        cps = dict(t.checkpoints) or None
        figures = monthly_of.get(t.code, {})
        actual = sum(figures.get(m, 0.0) for m in months)
        exp = expected(t.value, plan.start, t.deadline, as_of, cps)
        shares = []
        if by_unit is not None:
            for u, quota in t.breakdown:
                if unit is not None and u != unit:
                    continue
                a = by_unit.get((t.code, u), 0.0)
                e = expected(quota, plan.start, t.deadline, as_of, _scaled(cps, quota, t.value))
                shares.append(ShareRow(u, quota, a, e, target_state(quota, a, e, as_of, t.deadline, ratio)))
            if not t.breakdown:
                for u in t.reporters:
                    if unit is not None and u != unit:
                        continue
                    shares.append(ShareRow(u, None, by_unit.get((t.code, u), 0.0), None, None))
        # month by month; with ``unit`` the figures are that unit's, against its quota where split
        basis = t.quota(unit) if unit is not None and t.breakdown else None
        goal, goal_cps = (basis, _scaled(cps, basis, t.value)) if basis is not None else (t.value, cps)
        series = unit_monthly_of.get(t.code, {}) if unit is not None else figures
        province_cum = 0.0
        cum = 0.0
        cells = []
        trend = [0.0]  # the running total starts from 0 the month before the plan, so April's growth counts
        for m in months:
            cum += series.get(m, 0.0)
            province_cum += figures.get(m, 0.0)
            trend.append(province_cum)
            e = expected(goal, plan.start, t.deadline, m, goal_cps)
            cells.append(MonthCell(m, cum, e, target_state(goal, cum, e, m, t.deadline, ratio)))
        row = TargetRow(
            target=t,
            actual=actual,
            expected=exp,
            percent=round(actual / t.value * 100, 4) if t.value else 100.0,
            state=target_state(t.value, actual, exp, as_of, t.deadline, ratio),
            breakdown=shares,
            monthly=cells,
            forecast=forecast(trend, months_inclusive(as_of, t.deadline) - 1),
        )
        rows.append(row)
    done_on: dict[str, str] = {}
    for code, figures in monthly_of.items():
        done = [m for m, v in figures.items() if v > 0]
        if done:
            done_on[code] = min(done)
    ms = [
        MilestoneRow(m, milestone_state(m.due, done_on.get(m.code), as_of), _if_le(done_on.get(m.code), as_of))
        for m in plan.milestones
        if unit is None or unit in m.responsible or (not m.responsible and unit == plan.office)
    ]
    return Report(plan, as_of, rows, ms, unit)


def _scaled(cps: dict[str, float] | None, quota: float, value: float) -> dict[str, float] | None:
    """A unit's checkpoints: the target's, in proportion to its quota."""
    if not cps or not value:
        return None
    return {m: v * quota / value for m, v in cps.items()}


def _if_le(month: str | None, as_of: str) -> str | None:
    return month if month is not None and month <= as_of else None


def num(x: float | None) -> float | int | None:
    """A JSON number: integral values as integers, others to 4 decimals."""
    if x is None:
        return None
    r = round(float(x), 4)
    return int(r) if r == int(r) else r


def to_json(report: Report, lang: str = "zh") -> dict[str, Any]:
    """The stable JSON contract of ``kctrack status --format json``."""
    plan = report.plan
    return {
        "plan": plan.code,
        "as_of": report.as_of,
        "targets": [
            {
                "code": r.target.code,
                "name": r.target.name.get(lang),
                "unit_of_measure": r.target.uom.get(lang),
                "target": num(r.target.value),
                "actual": num(r.actual),
                "expected": num(r.expected),
                "percent": num(r.percent),
                "state": r.state,
                "deadline": r.target.deadline,
                "task": r.target.task,
                "responsible": [plan.unit_name(u, lang) for u in r.target.responsible],
                "breakdown": [
                    {
                        "unit": plan.unit_name(s.unit, lang),
                        "target": num(s.target),
                        "actual": num(s.actual),
                        "expected": num(s.expected),
                        "state": s.state,
                    }
                    for s in r.breakdown
                    if s.target is not None
                ],
            }
            for r in report.targets
        ],
        "milestones": [
            {
                "code": m.milestone.code,
                "name": m.milestone.name.get(lang),
                "due": m.milestone.due,
                "state": m.state,
                "done_on": m.done_on,
            }
            for m in report.milestones
        ],
    }
