"""Schedule arithmetic: months, expected cumulative values, states.

Pure functions over plain values. Months are ``"YYYY-MM"`` strings, which sort
in calendar order.

Rules (README, "Schedule and states"):

* expected(m) = value × (months from the plan start to m, inclusive)
  ÷ (months from the plan start to the deadline, inclusive), capped at value;
  0 before the plan start.  200 teams due 2020-07, plan start 2020-04:
  end of May expects 200 × 2 / 4 = 100.
* With explicit checkpoints ``{month: cumulative}`` the expected value at m is
  the latest checkpoint at or before m (0 before the first), and the full value
  from the deadline on.
* The as-of month is read as complete: "as of 2020-07" means the figures at the
  end of July.  So the deadline month is the closing month of a target: **at
  the close of its deadline month a target is achieved or not achieved**, and
  stays so (a figure recorded later can still make it achieved).
* States of a target: ``done`` (actual ≥ value, reached by the deadline: 已完成);
  ``done_late`` (actual ≥ value, reached after the deadline month: 逾期完成);
  ``not_achieved`` (as-of at or after the deadline and actual < value: 未完成);
  before the deadline ``on_track`` (actual ≥ expected), ``behind``
  (actual ≥ behind_ratio × expected) or ``off_track`` (below that).
  200 teams due 2020-07 with 188 by the end of July: ``not_achieved`` as of
  2020-07 (not "off track": the month is closed), ``on_track`` as of 2020-06
  if at least 150 (= 200 × 3 / 4) were formed by then; 188 by July and 12 more
  in September: ``done_late`` as of 2020-09, 2 months late.
* States of a milestone: ``done`` (done in or before its due month),
  ``done_late`` (done after its due month, in or before the as-of month; how
  late is :func:`months_late`), ``overdue`` (not done at the close of its due
  month), else ``pending``.  Due 2020-04 and done 2020-06: ``done_late``, 2
  months late, as of 2020-06 or later; ``overdue`` as of 2020-04 and 2020-05.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")

TARGET_STATES = ("done", "done_late", "on_track", "behind", "off_track", "not_achieved")
MILESTONE_STATES = ("done", "done_late", "pending", "overdue")


def is_month(text: str) -> bool:
    """True for a well-formed ``YYYY-MM`` with a month 01–12."""
    m = _MONTH.fullmatch(text)
    return m is not None and 1 <= int(m.group(2)) <= 12


def month_index(month: str) -> int:
    """Months since year 0, so that differences count months."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, n: int) -> str:
    return month_from_index(month_index(month) + n)


def months_between(start: str, end: str) -> list[str]:
    """Every month from start to end, both included (empty if end < start)."""
    return [month_from_index(i) for i in range(month_index(start), month_index(end) + 1)]


def months_inclusive(start: str, end: str) -> int:
    """How many months from start to end, both included (0 if end < start)."""
    return max(0, month_index(end) - month_index(start) + 1)


def clip_month(month: str, start: str, end: str) -> str:
    return min(max(month, start), end)


def expected(
    value: float,
    plan_start: str,
    deadline: str,
    as_of: str,
    checkpoints: Mapping[str, float] | None = None,
) -> float:
    """The cumulative value a target should have reached by the end of ``as_of``."""
    if as_of >= deadline:
        return float(value)
    if checkpoints:
        reached = [(m, v) for m, v in checkpoints.items() if m <= as_of]
        return float(min(max(reached)[1], value)) if reached else 0.0
    done = months_inclusive(plan_start, as_of)
    total = months_inclusive(plan_start, deadline)
    if total == 0:
        return float(value)
    return min(float(value), value * done / total)


def target_state(
    value: float,
    actual: float,
    expected_now: float,
    as_of: str,
    deadline: str,
    behind_ratio: float = 0.8,
    actual_at_deadline: float | None = None,
) -> str:
    """A target's state at the end of ``as_of`` (module docstring: one of :data:`TARGET_STATES`).

    ``actual_at_deadline``: the cumulative figure at the close of the deadline month, to tell a
    target reached late from one reached in time; None when as-of is not after the deadline.
    """
    if actual >= value:
        late = as_of > deadline and actual_at_deadline is not None and actual_at_deadline < value
        return "done_late" if late else "done"
    if as_of >= deadline:
        return "not_achieved"
    if actual >= expected_now:
        return "on_track"
    if actual >= behind_ratio * expected_now:
        return "behind"
    return "off_track"


def milestone_state(due: str, done_on: str | None, as_of: str) -> str:
    """A milestone's state at the end of ``as_of`` (module docstring: one of :data:`MILESTONE_STATES`)."""
    if done_on is not None and done_on <= as_of:
        return "done" if done_on <= due else "done_late"
    if as_of >= due:
        return "overdue"
    return "pending"


def months_late(due: str, done_on: str | None) -> int:
    """How many months after its due month a milestone was done, or a target reached (0 when on
    time or not done).

    Due 2020-04, done 2020-06: 2.
    """
    if done_on is None:
        return 0
    return max(0, month_index(done_on) - month_index(due))


def reached_in(cumulative: Mapping[str, float], value: float) -> str | None:
    """The first month whose cumulative figure reaches ``value`` ({month: cumulative}, months
    in order); None if none does."""
    for month in sorted(cumulative):
        if cumulative[month] >= value:
            return month
    return None


def forecast(cumulative_by_month: list[float], months_left: int, window: int = 3) -> float:
    """The value reached at the deadline at the pace of the last ``window`` months.

    ``cumulative_by_month`` ends at the as-of month; ``months_left`` counts the
    months after it up to the deadline.
    """
    if not cumulative_by_month:
        return 0.0
    last = cumulative_by_month[-1]
    recent = cumulative_by_month[-(window + 1) :]
    steps = len(recent) - 1
    if steps <= 0:
        pace = last
    else:
        pace = (recent[-1] - recent[0]) / steps
    return last + pace * max(0, months_left)
