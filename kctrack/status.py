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
    months_late,
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
class Standing:
    """Where a figure stands against its goal at the end of the as-of month."""

    goal: float  # the value measured against (the target's value, or a unit's quota)
    actual: float  # cumulative
    expected: float
    percent: float
    state: str


@dataclass
class TargetRow:
    """One commitment at the as-of month, for the province or for one reporting unit.

    ``scope`` says whose figures the row holds: ``"province"`` (all units), ``"quota"``
    (a unit's own figure against its quota of a split target) or ``"shared"`` (a unit's
    own figure of a target it reports jointly with others, without a quota: it has no
    expected value, percent or state of its own; ``province`` holds the joint ones).
    """

    target: Target
    goal: float
    actual: float
    expected: float | None
    percent: float | None
    state: str | None
    scope: str = "province"
    province: Standing | None = None  # the whole target's standing, when the row is a unit's
    breakdown: list[ShareRow] = field(default_factory=list)
    monthly: list[MonthCell] = field(default_factory=list)
    forecast: float = 0.0

    @property
    def gap(self) -> float:
        """How much is still missing to reach the goal (0 when reached)."""
        return max(0.0, self.goal - self.actual)


@dataclass
class ResourceRow:
    """A resource the work draws on (依托资源): ``engaged`` of ``resource.value`` available.

    ``engaged`` is None when no return ever gave it (it is optional); it is never given a state.
    """

    resource: Target
    engaged: float | None


@dataclass
class MilestoneRow:
    milestone: Milestone
    state: str  # one of schedule.MILESTONE_STATES
    done_on: str | None
    months_late: int = 0  # for done_late: months after the due month


@dataclass
class Report:
    plan: Plan
    as_of: str
    targets: list[TargetRow]  # the commitments, in the plan's order
    milestones: list[MilestoneRow]
    unit: str | None = None  # the reporting unit the report is limited to
    resources: list[ResourceRow] = field(default_factory=list)

    @property
    def is_closing(self) -> bool:
        """Whether this is the closing report: as of the plan's last month, every target is final."""
        return self.as_of >= self.plan.end


def compute(
    plan: Plan,
    as_of: str,
    by_unit: dict[tuple[str, str], float] | None,
    by_month: dict[tuple[str, str], float],
    unit: str | None = None,
    unit_by_month: dict[tuple[str, str], float] | None = None,
) -> Report:
    """The status of every commitment, resource and milestone at the end of ``as_of``.

    ``by_month``: the province's figures per (target, month) (the one source of every
    target's actual).  ``by_unit``: cumulative figures per (target, unit) up to ``as_of``,
    for the split by unit; None when no split is wanted (the table by task needs none,
    which keeps ``status`` independent of the number of units and records).  With
    ``unit``: only what that unit reports, each row holding that unit's own figures
    (``scope`` "quota" or "shared") and its month-by-month figures from ``unit_by_month``.
    Rules: :mod:`kctrack.schedule` (the as-of month is read as complete).
    """
    monthly_of = _per_code(by_month)
    unit_monthly_of = _per_code(unit_by_month or {})
    months = months_between(plan.start, as_of)
    rows = [
        _target_row(plan, t, as_of, months, monthly_of.get(t.code, {}), by_unit, unit, unit_monthly_of.get(t.code, {}))
        for t in plan.commitments
        if unit is None or unit in t.reporters
    ]
    resources = [
        _resource_row(t, months, unit_monthly_of.get(t.code) if unit else monthly_of.get(t.code))
        for t in plan.resources
        if unit is None or unit in t.reporters
    ]
    return Report(plan, as_of, rows, _milestone_rows(plan, as_of, monthly_of, unit), unit, resources)


def _per_code(figures: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    """{(code, month): v} → {code: {month: v}}."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (code, m), v in figures.items():
        out[code][m] = v
    return out


def _standing(plan: Plan, t: Target, goal: float, actual: float, as_of: str) -> Standing:
    """A figure against a goal (the target's value or a quota, with checkpoints in proportion)."""
    e = expected(goal, plan.start, t.deadline, as_of, _scaled(dict(t.checkpoints) or None, goal, t.value))
    pct = round(actual / goal * 100, 4) if goal else 100.0
    return Standing(goal, actual, e, pct, target_state(goal, actual, e, as_of, t.deadline, plan.behind_ratio))


def _target_row(
    plan: Plan,
    t: Target,
    as_of: str,
    months: list[str],
    figures: dict[str, float],
    by_unit: dict[tuple[str, str], float] | None,
    unit: str | None,
    unit_figures: dict[str, float],
) -> TargetRow:
    whole = _standing(plan, t, t.value, sum(figures.get(m, 0.0) for m in months), as_of)
    shares = _shares(plan, t, as_of, by_unit, unit) if by_unit is not None or unit is not None else []
    trend = [0.0]  # the province's running total from 0 the month before the plan, so April's growth counts
    for m in months:
        trend.append(trend[-1] + figures.get(m, 0.0))
    fc = forecast(trend, months_inclusive(as_of, t.deadline) - 1)
    if unit is None:
        monthly = _monthly(plan, t, t.value, months, figures)
        return TargetRow(t, t.value, whole.actual, whole.expected, whole.percent, whole.state, "province", None,
                         shares, monthly, fc)  # fmt: skip
    own = sum(unit_figures.get(m, 0.0) for m in months)
    quota = t.quota(unit)
    if quota is not None:
        mine = _standing(plan, t, quota, own, as_of)
        monthly = _monthly(plan, t, quota, months, unit_figures)
        return TargetRow(t, quota, own, mine.expected, mine.percent, mine.state, "quota", whole, shares, monthly, fc)
    if len(t.reporters) > 1:
        monthly = _monthly(plan, t, t.value, months, unit_figures)
        return TargetRow(t, t.value, own, None, None, None, "shared", whole, shares, monthly, fc)
    # the unit is the target's only reporter: its figures are the province's
    return TargetRow(t, t.value, whole.actual, whole.expected, whole.percent, whole.state, "province", None,
                     shares, _monthly(plan, t, t.value, months, figures), fc)  # fmt: skip


def _shares(
    plan: Plan, t: Target, as_of: str, by_unit: dict[tuple[str, str], float] | None, unit: str | None
) -> list[ShareRow]:
    """Each reporting unit's cumulative figure: against its quota when split, else bare (shared targets)."""
    if by_unit is None or len(t.reporters) < 2:
        return []
    out = []
    for u in t.reporters:
        if unit is not None and u != unit:
            continue
        actual = by_unit.get((t.code, u), 0.0)
        quota = t.quota(u)
        if quota is None:
            out.append(ShareRow(u, None, actual, None, None))
        else:
            st = _standing(plan, t, quota, actual, as_of)
            out.append(ShareRow(u, quota, actual, st.expected, st.state))
    return out


def _monthly(plan: Plan, t: Target, goal: float, months: list[str], figures: dict[str, float]) -> list[MonthCell]:
    """The cumulative figure at the end of each month, against that month's expected value."""
    cells = []
    cum = 0.0
    for m in months:
        cum += figures.get(m, 0.0)
        st = _standing(plan, t, goal, cum, m)
        cells.append(MonthCell(m, cum, st.expected, st.state))
    return cells


def _resource_row(t: Target, months: list[str], figures: dict[str, float] | None) -> ResourceRow:
    if not figures or not any(m in figures for m in months):
        return ResourceRow(t, None)
    return ResourceRow(t, sum(figures.get(m, 0.0) for m in months))


def _milestone_rows(
    plan: Plan, as_of: str, monthly_of: dict[str, dict[str, float]], unit: str | None
) -> list[MilestoneRow]:
    """Each milestone's state; done in the first month recorded done (value > 0)."""
    done_on: dict[str, str] = {}
    for code, figures in monthly_of.items():
        done = [m for m, v in figures.items() if v > 0]
        if done:
            done_on[code] = min(done)
    rows = []
    for m in plan.milestones:
        if unit is not None and unit not in m.responsible and (m.responsible or unit != plan.office):
            continue
        on = _if_le(done_on.get(m.code), as_of)
        state = milestone_state(m.due, on, as_of)
        rows.append(MilestoneRow(m, state, on, months_late(m.due, on) if state == "done_late" else 0))
    return rows


def _scaled(cps: dict[str, float] | None, quota: float, value: float) -> dict[str, float] | None:
    """A unit's checkpoints: the target's, in proportion to its quota."""
    if not cps or not value:
        return None
    if quota == value:
        return cps
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
    """The stable JSON contract of ``kctrack status --format json`` (README, "JSON").

    ``targets``: the commitments; with ``--unit`` each holds that unit's figures and
    ``scope`` says how ("quota", "shared": no expected/percent/state of its own, see
    ``province``).  ``resources``: the resources drawn on, ``engaged`` of ``available``
    (null when never recorded), no state.  ``milestones``: state and ``months_late``.
    """
    plan = report.plan
    return {
        "plan": plan.code,
        "as_of": report.as_of,
        "unit": plan.unit_name(report.unit, lang) if report.unit else None,
        "closing": report.is_closing,
        "targets": [_target_json(plan, r, lang) for r in report.targets],
        "resources": [
            {
                "code": r.resource.code,
                "name": r.resource.name.get(lang),
                "unit_of_measure": r.resource.uom.get(lang),
                "available": num(r.resource.value),
                "engaged": num(r.engaged),
                "task": r.resource.task,
            }
            for r in report.resources
        ],
        "milestones": [
            {
                "code": m.milestone.code,
                "name": m.milestone.name.get(lang),
                "due": m.milestone.due,
                "state": m.state,
                "done_on": m.done_on,
                "months_late": m.months_late,
            }
            for m in report.milestones
        ],
    }


def _target_json(plan: Plan, r: TargetRow, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": r.target.code,
        "name": r.target.name.get(lang),
        "unit_of_measure": r.target.uom.get(lang),
        "scope": r.scope,
        "target": num(r.goal),
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
        ],
    }
    if r.province is not None:
        p = r.province
        out["province"] = {
            "target": num(p.goal),
            "actual": num(p.actual),
            "expected": num(p.expected),
            "percent": num(p.percent),
            "state": p.state,
        }
    return out
