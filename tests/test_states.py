"""States of targets and milestones (kctrack.schedule), at each threshold, computed by hand.

Rules: done (actual ≥ value) · not_achieved (as-of at or after the deadline — the
deadline month closed — and not done) · on_track (actual ≥ expected) · behind
(actual ≥ behind × expected) · off_track.
Milestones: done (done in or before its due month) · done_late (done after it,
by the as-of month) · overdue (the due month closed, not done) · pending.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLAN_FILE, find_target, plan_dict, write_plan

from kctrack.planfile import load_plan
from kctrack.schedule import (
    MILESTONE_STATES,
    TARGET_STATES,
    expected,
    milestone_state,
    months_late,
    target_state,
)
from kctrack.status import compute

# 200 teams due 2020-07; at 2020-05 the expected value is 200 × 2 / 4 = 100, 80 % of it is 80.
VALUE, DEADLINE, AS_OF, EXPECTED = 200.0, "2020-07", "2020-05", 100.0


def state(actual: float, as_of: str = AS_OF, exp: float = EXPECTED, ratio: float = 0.8) -> str:
    return target_state(VALUE, actual, exp, as_of, DEADLINE, ratio)


def test_the_example_expected_value() -> None:
    assert expected(VALUE, "2020-04", DEADLINE, AS_OF) == EXPECTED


@pytest.mark.parametrize(
    ("actual", "want"),
    [
        (150.0, "on_track"),  # above expected (100)
        (100.0, "on_track"),  # exactly the expected value
        (99.99, "behind"),  # just below expected, above 80
        (80.0, "behind"),  # exactly 80 % of expected: 0.8 × 100 = 80
        (79.99, "off_track"),  # just below 80 % of expected
        (0.0, "off_track"),
        (200.0, "done"),  # the value itself
        (250.0, "done"),  # above the value
    ],
)
def test_target_state_thresholds(actual: float, want: str) -> None:
    assert state(actual) == want


def test_behind_threshold_with_fractional_expected() -> None:
    # 苏州: quota 25 due 2020-07; at 2020-06 expected 25 × 3 / 4 = 18.75, 80 % of it is 15
    exp = expected(25, "2020-04", "2020-07", "2020-06")
    assert exp == 18.75
    assert target_state(25, 18.75, exp, "2020-06", "2020-07") == "on_track"
    assert target_state(25, 15, exp, "2020-06", "2020-07") == "behind"
    assert target_state(25, 14.9, exp, "2020-06", "2020-07") == "off_track"


def test_done_before_the_deadline() -> None:
    # reached in April already: done, however early
    assert state(200.0, as_of="2020-04", exp=50.0) == "done"


def test_done_after_the_deadline() -> None:
    assert state(200.0, as_of="2020-09", exp=VALUE) == "done"


@pytest.mark.parametrize("as_of", ["2020-08", "2020-12"])
@pytest.mark.parametrize("actual", [0.0, 150.0, 199.0])
def test_not_achieved_after_the_deadline_when_not_reached(as_of: str, actual: float) -> None:
    assert state(actual, as_of=as_of, exp=VALUE) == "not_achieved"


def test_the_deadline_month_closes_the_target() -> None:
    # as-of == deadline: the month is read as complete, the expected value is the whole value (200),
    # and a target below it is not achieved — not "behind" or "off track" (one rule, schedule docstring)
    exp = expected(VALUE, "2020-04", DEADLINE, DEADLINE)
    assert exp == 200
    assert state(199.0, as_of=DEADLINE, exp=exp) == "not_achieved"
    assert state(160.0, as_of=DEADLINE, exp=exp) == "not_achieved"
    assert state(0.0, as_of=DEADLINE, exp=exp) == "not_achieved"
    assert state(200.0, as_of=DEADLINE, exp=exp) == "done"
    # the month before: measured against the schedule (150 = 200 × 3 / 4)
    exp_june = expected(VALUE, "2020-04", DEADLINE, "2020-06")
    assert exp_june == 150
    assert state(150.0, as_of="2020-06", exp=exp_june) == "on_track"
    assert state(119.0, as_of="2020-06", exp=exp_june) == "off_track"  # 119 < 0.8 × 150 = 120


def test_zero_expected_is_on_track() -> None:
    # before the first checkpoint nothing is expected yet: 0 ≥ 0
    assert target_state(100, 0, 0.0, "2020-05", "2020-12") == "on_track"


def test_behind_ratio_is_a_parameter() -> None:
    # ratio 0.5: 60 ≥ 0.5 × 100 = 50 → behind (it is off_track at the default 0.8: 60 < 80)
    assert state(60.0, ratio=0.5) == "behind"
    assert state(60.0) == "off_track"
    assert state(49.0, ratio=0.5) == "off_track"


def test_every_state_is_a_known_one() -> None:
    seen = {state(a, as_of=m, exp=e) for a in (0, 50, 85, 100, 200) for m, e in (("2020-05", 100), ("2020-09", 200))}
    assert seen <= set(TARGET_STATES)
    assert seen == {"off_track", "behind", "on_track", "done", "not_achieved"}


# -- milestones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done_on", "as_of", "want"),
    [
        ("2020-05", None, "2020-04", "pending"),  # before the due month
        ("2020-05", None, "2020-05", "overdue"),  # the due month closed, not done
        ("2020-05", None, "2020-06", "overdue"),  # after the due month, not done
        ("2020-05", "2020-05", "2020-05", "done"),  # done in the due month
        ("2020-05", "2020-04", "2020-06", "done"),  # done early, seen later
        ("2020-05", "2020-07", "2020-08", "done_late"),  # done two months late
        ("2020-05", "2020-07", "2020-07", "done_late"),  # seen in the month it was done
        ("2020-05", "2020-07", "2020-06", "overdue"),  # done after the as-of month: not done as of 2020-06
        ("2020-12", "2020-09", "2020-06", "pending"),  # done after the as-of month, not yet due
    ],
)
def test_milestone_state(due: str, done_on: str | None, as_of: str, want: str) -> None:
    assert milestone_state(due, done_on, as_of) == want
    assert want in MILESTONE_STATES


@pytest.mark.parametrize(
    ("due", "done_on", "late"),
    [("2020-04", "2020-06", 2), ("2020-04", "2020-04", 0), ("2020-04", "2020-03", 0), ("2020-11", "2021-01", 2),
     ("2020-04", None, 0)],
)  # fmt: skip
def test_months_late(due: str, done_on: str | None, late: int) -> None:
    assert months_late(due, done_on) == late


# -- the behind ratio lives in targets.yaml ----------------------------------------------------------


def test_behind_ratio_is_read_from_the_plan_file() -> None:
    # data/targets.yaml: thresholds: {behind: 0.8}
    assert load_plan(PLAN_FILE).behind_ratio == 0.8


def test_status_uses_the_plan_files_behind_ratio(tmp_path: Path) -> None:
    data = plan_dict()
    data["plan"]["thresholds"] = {"behind": 0.5}
    plan = load_plan(write_plan(tmp_path / "plan.yaml", data))
    assert plan.behind_ratio == 0.5
    default = load_plan(PLAN_FILE)
    # TECH_MANAGER_TEAMS at 2020-05: expected 100; 苏州 alone reported 60 in May.
    # 苏州's share: expected 25 × 2 / 4 = 12.5; 60 is above its quota of 25 → done.
    by_unit = {("TECH_MANAGER_TEAMS", "suzhou"): 60.0}
    by_month = {("TECH_MANAGER_TEAMS", "2020-05"): 60.0}
    for p, want in ((plan, "behind"), (default, "off_track")):  # 60 ≥ 0.5 × 100; 60 < 0.8 × 100
        report = compute(p, "2020-05", by_unit, by_month)
        row = next(r for r in report.targets if r.target.code == "TECH_MANAGER_TEAMS")
        assert row.expected == 100
        assert row.state == want
        assert next(s for s in row.breakdown if s.unit == "suzhou").state == "done"


def test_thresholds_default_when_the_file_gives_none(tmp_path: Path) -> None:
    data = plan_dict()
    del data["plan"]["thresholds"]
    assert load_plan(write_plan(tmp_path / "plan.yaml", data)).behind_ratio == 0.8


def test_city_share_of_a_checkpointed_target(tmp_path: Path) -> None:
    # TECH_MANAGER_TEAMS given a checkpoint of 80 teams at 2020-05: a city's share follows it on its quota.
    data = plan_dict()
    find_target(data, "TECH_MANAGER_TEAMS")["checkpoints"] = {"2020-05": 80}
    plan = load_plan(write_plan(tmp_path / "plan.yaml", data))
    by_unit = {("TECH_MANAGER_TEAMS", "suzhou"): 10.0, ("TECH_MANAGER_TEAMS", "suqian"): 2.0}
    by_month = {("TECH_MANAGER_TEAMS", "2020-05"): 12.0}  # the province's figure for May: 10 + 2
    report = compute(plan, "2020-05", by_unit, by_month)
    row = next(r for r in report.targets if r.target.code == "TECH_MANAGER_TEAMS")
    assert row.expected == 80  # the checkpoint, not 200 × 2 / 4 = 100
    assert row.actual == 12  # 10 + 2
    assert row.state == "off_track"  # 12 < 0.8 × 80 = 64
    shares = {s.unit: s for s in row.breakdown}
    assert shares["suzhou"].expected == pytest.approx(10)  # 80 × 25 / 200 = 10
    assert shares["suzhou"].state == "on_track"  # 10 ≥ 10
    assert shares["suqian"].expected == pytest.approx(2.4)  # 80 × 6 / 200 = 2.4
    assert shares["suqian"].state == "behind"  # 2 ≥ 0.8 × 2.4 = 1.92
    assert shares["wuxi"].state == "off_track"  # 0 < 0.8 × 10
    # at 2020-04, before the checkpoint, nothing is expected
    early = compute(plan, "2020-04", {}, {})
    row = next(r for r in early.targets if r.target.code == "TECH_MANAGER_TEAMS")
    assert row.expected == 0
    assert row.state == "on_track"
