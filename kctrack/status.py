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
    reached_in,
    target_state,
)


@dataclass
class ShareRow:
    """One reporting unit's part of a target with several reporters (as of the as-of month)."""

    unit: str
    target: float | None  # the unit's quota; None where the target is not split (shared)
    actual: float  # cumulative
    expected: float | None  # None for a shared target's unit (no quota, no schedule of its own)
    state: str | None
    percent: float | None = None  # actual ÷ quota × 100; None without a quota


@dataclass
class MonthCell:
    month: str
    actual: float  # cumulative
    expected: float
    state: str | None  # None for a unit's own figure of a shared target: no quota, no state


@dataclass
class Standing:
    """Where a figure stands against its goal at the end of the as-of month."""

    goal: float  # the value measured against (the target's value, or a unit's quota)
    actual: float  # cumulative
    expected: float
    percent: float
    state: str
    months_late: int = 0  # for done_late: months after the deadline month that the goal was reached


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
    months_late: int = 0  # for done_late: reached so many months after the deadline month

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
    units_done: int = 0  # of a milestone several units are responsible for: how many have done it
    units: int = 1  # how many units are responsible (the office for one nobody else is)


@dataclass
class Report:
    plan: Plan
    as_of: str
    targets: list[TargetRow]  # the commitments, in the plan's order
    milestones: list[MilestoneRow]
    unit: str | None = None  # the reporting unit the report is limited to
    resources: list[ResourceRow] = field(default_factory=list)
    # the returns due by the as-of month (of the units shown) and how many of them are missing: a
    # figure from a missing return is not counted, and the report says so
    returns_due: int = 0
    returns_missing: int = 0
    # the targets counted from registers' lists: code → how (kctrack.service.FromLists)
    from_lists: dict[str, Any] = field(default_factory=dict)

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
    *,
    at_deadline: dict[tuple[str, str], float] | None = None,
    done_by_unit: dict[tuple[str, str], str] | None = None,
) -> Report:
    """The status of every commitment, resource and milestone at the end of ``as_of``.

    ``by_month``: the province's figures per (target, month) (the one source of every
    target's actual).  ``by_unit``: cumulative figures per (target, unit) up to ``as_of``,
    for the split by unit; None when no split is wanted (the table by task needs none,
    which keeps ``status`` independent of the number of units and records).
    ``at_deadline``: cumulative figures per (target, unit) at each target's deadline (a
    unit that reached its quota after it is done late).  ``done_by_unit``: the month each
    unit recorded each milestone done; a milestone several units are responsible for is
    done when all of them have done it.  With ``unit``: only what that unit reports, each
    row holding that unit's own figures (``scope`` "quota" or "shared") and its month-by-
    month figures from ``unit_by_month``.  Rules: :mod:`kctrack.schedule` (the as-of
    month is read as complete).
    """
    monthly_of = _per_code(by_month)
    unit_monthly_of = _per_code(unit_by_month or {})
    months = months_between(plan.start, as_of)
    split = _Split(by_unit, at_deadline, unit)
    rows = [
        _target_row(plan, t, as_of, months, monthly_of.get(t.code, {}), split, unit_monthly_of.get(t.code, {}))
        for t in plan.commitments
        if unit is None or unit in t.reporters
    ]
    resources = [
        _resource_row(t, months, unit_monthly_of.get(t.code) if unit else monthly_of.get(t.code))
        for t in plan.resources
        if unit is None or unit in t.reporters
    ]
    done = done_by_unit if done_by_unit is not None else _done_months(plan, unit_by_month if unit else by_month, unit)
    return Report(plan, as_of, rows, _milestone_rows(plan, as_of, done, unit), unit, resources)


@dataclass
class _Split:
    """What the split by unit needs: the figures as of the as-of month and at the deadlines."""

    by_unit: dict[tuple[str, str], float] | None
    at_deadline: dict[tuple[str, str], float] | None  # None: not known, a late quota reads as done
    unit: str | None


def _per_code(figures: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    """{(code, month): v} → {code: {month: v}}."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (code, m), v in figures.items():
        out[code][m] = v
    return out


def _standing(
    plan: Plan,
    t: Target,
    goal: float,
    actual: float,
    as_of: str,
    monthly: dict[str, float] | None = None,
    at_deadline: float | None = None,
) -> Standing:
    """A figure against a goal (the target's value or a quota, with checkpoints in proportion).

    ``monthly``: the figure's amounts per month, to tell when the goal was reached (done late
    and how late); or ``at_deadline``, the cumulative figure at the deadline, to tell done late
    without how late; with neither a figure reached after the deadline reads as done.
    """
    e = expected(goal, plan.start, t.deadline, as_of, _scaled(dict(t.checkpoints) or None, goal, t.value))
    pct = round(actual / goal * 100, 4) if goal else 100.0
    late = None
    if monthly is not None and as_of > t.deadline:
        at_deadline = sum(v for m, v in monthly.items() if m <= t.deadline)
        cumulative, running = {}, 0.0
        for m in sorted(x for x in monthly if x <= as_of):
            running += monthly[m]
            cumulative[m] = running
        late = reached_in(cumulative, goal)
    state = target_state(goal, actual, e, as_of, t.deadline, plan.behind_ratio, at_deadline)
    return Standing(goal, actual, e, pct, state, months_late(t.deadline, late) if state == "done_late" else 0)


def _target_row(
    plan: Plan,
    t: Target,
    as_of: str,
    months: list[str],
    figures: dict[str, float],
    split: _Split,
    unit_figures: dict[str, float],
) -> TargetRow:
    unit = split.unit
    whole = _standing(plan, t, t.value, sum(figures.get(m, 0.0) for m in months), as_of, figures)
    shares = _shares(plan, t, as_of, split)
    trend = [0.0]  # the province's running total from 0 the month before the plan, so April's growth counts
    for m in months:
        trend.append(trend[-1] + figures.get(m, 0.0))
    fc = forecast(trend, months_inclusive(as_of, t.deadline) - 1)
    quota = t.quota(unit) if unit is not None else None
    if unit is not None and quota is not None:
        own = sum(unit_figures.get(m, 0.0) for m in months)
        mine = _standing(plan, t, quota, own, as_of, unit_figures)
        monthly = _monthly(plan, t, quota, months, unit_figures)
        return TargetRow(t, quota, own, mine.expected, mine.percent, mine.state, "quota", whole, shares, monthly, fc,
                         mine.months_late)  # fmt: skip
    if unit is not None and len(t.reporters) > 1:
        own = sum(unit_figures.get(m, 0.0) for m in months)
        monthly = _monthly(plan, t, t.value, months, unit_figures, stated=False)
        return TargetRow(t, t.value, own, None, None, None, "shared", whole, shares, monthly, fc)
    # the province's row (also a unit's view of a target it reports alone: its figures are the province's)
    monthly = _monthly(plan, t, t.value, months, figures)
    return TargetRow(t, t.value, whole.actual, whole.expected, whole.percent, whole.state, "province", None,
                     shares, monthly, fc, whole.months_late)  # fmt: skip


def _shares(plan: Plan, t: Target, as_of: str, split: _Split) -> list[ShareRow]:
    """Each reporting unit's cumulative figure: against its quota when split, else bare (shared targets);
    then, bare, each other unit whose register list counts for the target (a pilot city's solved problems)."""
    if split.by_unit is None:
        return []
    listed = {u for c, u in split.by_unit if c == t.code and u not in t.reporters}
    if len(t.reporters) < 2 and not listed:
        return []
    out = []
    for u in (*t.reporters, *(u.code for u in plan.units if u.code in listed)):
        if split.unit is not None and u != split.unit:
            continue
        actual = split.by_unit.get((t.code, u), 0.0)
        quota = t.quota(u)
        if quota is None:
            out.append(ShareRow(u, None, actual, None, None))
            continue
        # reached after the deadline: done late (how late needs the unit's months, not loaded here)
        at = None if split.at_deadline is None else split.at_deadline.get((t.code, u), 0.0)
        st = _standing(plan, t, quota, actual, as_of, at_deadline=at)
        out.append(ShareRow(u, quota, actual, st.expected, st.state, st.percent))
    return out


def _monthly(
    plan: Plan, t: Target, goal: float, months: list[str], figures: dict[str, float], stated: bool = True
) -> list[MonthCell]:
    """The cumulative figure at the end of each month, against that month's expected value
    (``stated=False``: a unit's own figure of a shared target, which has no state)."""
    cells = []
    cum = 0.0
    for m in months:
        cum += figures.get(m, 0.0)
        st = _standing(plan, t, goal, cum, m, figures)
        cells.append(MonthCell(m, cum, st.expected, st.state if stated else None))
    return cells


def _resource_row(t: Target, months: list[str], figures: dict[str, float] | None) -> ResourceRow:
    if not figures or not any(m in figures for m in months):
        return ResourceRow(t, None)
    return ResourceRow(t, sum(figures.get(m, 0.0) for m in months))


def _done_months(
    plan: Plan, figures: dict[tuple[str, str], float] | None, unit: str | None
) -> dict[tuple[str, str], str]:
    """Without per-unit figures: the first month each milestone has a figure, credited to ``unit``
    (or to every responsible unit when the figures are the province's)."""
    first: dict[str, str] = {}
    for (code, m), v in (figures or {}).items():
        if v > 0 and (code not in first or m < first[code]):
            first[code] = m
    out: dict[tuple[str, str], str] = {}
    for ms in plan.milestones:
        if ms.code in first:
            for u in [unit] if unit else plan.milestone_units(ms):
                out[(ms.code, u)] = first[ms.code]
    return out


def _milestone_rows(plan: Plan, as_of: str, done: dict[tuple[str, str], str], unit: str | None) -> list[MilestoneRow]:
    """Each milestone's state.  A milestone is done when every unit responsible for it has
    recorded it done (M_CITY_SPECIAL_BODIES: all 13 cities), in the month the last of them
    did; in a unit's view, when that unit has."""
    rows = []
    for m in plan.milestones:
        responsible = plan.milestone_units(m)
        if unit is not None and unit not in responsible:
            continue
        units = (unit,) if unit is not None else responsible
        months = [done.get((m.code, u)) for u in units]
        months_done = [x for x in months if x is not None and x <= as_of]
        on = max(months_done) if len(months_done) == len(units) else None
        state = milestone_state(m.due, on, as_of)
        late = months_late(m.due, on) if state == "done_late" else 0
        rows.append(MilestoneRow(m, state, on, late, len(months_done), len(units)))
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
        "returns": {"due": report.returns_due, "missing": report.returns_missing},
        "targets": [_target_json(plan, r, lang, report.from_lists.get(r.target.code)) for r in report.targets],
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
                "units_done": m.units_done,
                "units": m.units,
            }
            for m in report.milestones
        ],
    }


def _target_json(plan: Plan, r: TargetRow, lang: str, lists: Any = None) -> dict[str, Any]:
    """One target's row; ``lists`` (:class:`kctrack.service.FromLists`): how its register counts it —
    ``register`` its code, ``listing`` the units whose lists count (the others' returns count),
    ``returned`` the unit's returns' figure when it differs from its list (``--unit`` only)."""
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
        "months_late": r.months_late,
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
    out["register"] = lists.register if lists else None
    out["listing"] = [plan.unit_name(u, lang) for u in lists.units] if lists else []
    out["returned"] = num(lists.stated) if lists and lists.stated is not None else None
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
