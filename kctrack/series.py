"""One series per target × unit: each month's amount, derived from what the returns in force state.

A return states a month's 本月 (this month's amount), its 累计 (the running
total since the start of the plan), or both.  kctrack stores what was stated
and derives the amounts here, so that a late earlier month, a correction of an
earlier month and a cumulative-only month always agree with the returns:

* 本月 stated: the month's amount is 本月.  When 累计 is stated too, it must
  not be below the earlier months' amounts plus 本月 (a :class:`Conflict`,
  e.g. May 8 and June 本月 17 with 累计 17: 8 + 17 ≠ 17).  A 累计 above that sum
  means an earlier month is missing or under-reported: a :class:`Gap`, which
  the caller shows as a warning.
* only 累计 stated: the month's amount is 累计 minus the earlier months'
  amounts (May 8, June 累计 17: June is 9; May corrected to 10: June is 7).
  A 累计 below the earlier months' amounts is a :class:`Conflict`.

Pure functions over plain values; months are ``YYYY-MM`` text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

TOLERANCE = 1e-9  # figures are typed with at most a few decimals: closer than this is equal


@dataclass(frozen=True, slots=True)
class Stated:
    """What the return in force says of one month: 本月 and/or 累计 (never both None)."""

    this_month: float | None
    cumulative: float | None


@dataclass(frozen=True, slots=True)
class Conflict:
    """A month whose stated 累计 cannot be true given the earlier months' amounts.

    ``earlier`` is the sum of the amounts of the months before ``month``;
    ``this_month`` is the month's stated 本月 (None when only 累计 was stated).
    """

    month: str
    cumulative: float
    earlier: float
    this_month: float | None


@dataclass(frozen=True, slots=True)
class Gap:
    """A month whose stated 累计 exceeds the earlier months' amounts plus its 本月 by ``missing``."""

    month: str
    cumulative: float
    earlier: float
    this_month: float
    missing: float


@dataclass
class Derived:
    amounts: dict[str, float] = field(default_factory=dict)  # month → amount
    conflicts: list[Conflict] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def derive(stated: Mapping[str, Stated]) -> Derived:
    """Each month's amount of one target × unit from what its returns state, oldest month first.

    ``stated``: month → :class:`Stated`.  Returns the amounts (a month in
    conflict gets 0 so that the rest can still be derived) with every conflict
    and gap found.  Never raises.
    """
    out = Derived()
    earlier = 0.0
    for month in sorted(stated):
        s = stated[month]
        if s.this_month is not None:
            amount = s.this_month
            if s.cumulative is not None:
                expected = earlier + amount
                if s.cumulative < expected - _slack(expected):
                    out.conflicts.append(Conflict(month, s.cumulative, earlier, amount))
                elif s.cumulative > expected + _slack(expected):
                    out.gaps.append(Gap(month, s.cumulative, earlier, amount, s.cumulative - expected))
        else:
            assert s.cumulative is not None, month
            amount = s.cumulative - earlier
            if amount < -_slack(earlier):
                out.conflicts.append(Conflict(month, s.cumulative, earlier, None))
                amount = 0.0
            amount = max(amount, 0.0)
        out.amounts[month] = amount
        earlier += amount
    return out


def running_total(amounts: Mapping[str, float], before: str) -> float:
    """The sum of the amounts of the months before ``before`` (the 上月累计 of that month)."""
    return sum(v for m, v in amounts.items() if m < before)


def _slack(x: float) -> float:
    return TOLERANCE * max(1.0, abs(x))
