"""The schedule arithmetic of kctrack.schedule, against values computed by hand.

Plan start 2020-04.  Months from the start to m, inclusive: 04→1, 05→2, 06→3,
07→4, 08→5, 09→6, 10→7, 11→8, 12→9.
"""

from __future__ import annotations

import pytest

from kctrack.schedule import (
    add_months,
    clip_month,
    expected,
    forecast,
    is_month,
    month_from_index,
    month_index,
    months_between,
    months_inclusive,
)

START = "2020-04"


# -- linear schedule, July deadline (4 months: 04, 05, 06, 07) ---------------------------------


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        ("2020-03", 0.0),  # before the start: 0 months done → 0
        ("2020-04", 50.0),  # 200 × 1 / 4 = 50
        ("2020-05", 100.0),  # 200 × 2 / 4 = 100 (the example)
        ("2020-06", 150.0),  # 200 × 3 / 4 = 150
        ("2020-07", 200.0),  # the deadline: 200 × 4 / 4 = 200
        ("2020-08", 200.0),  # after the deadline: capped at 200
        ("2020-12", 200.0),  # capped at 200
    ],
)
def test_expected_july_deadline(as_of: str, want: float) -> None:
    assert expected(200, START, "2020-07", as_of) == pytest.approx(want)


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        ("2020-03", 0.0),  # before the start
        ("2020-04", 10.0),  # 90 × 1 / 9 = 10
        ("2020-05", 20.0),  # 90 × 2 / 9 = 20
        ("2020-06", 30.0),  # 90 × 3 / 9 = 30
        ("2020-07", 40.0),  # 90 × 4 / 9 = 40
        ("2020-08", 50.0),  # 90 × 5 / 9 = 50
        ("2020-12", 90.0),  # the deadline: 90 × 9 / 9 = 90
        ("2021-01", 90.0),  # after the deadline: capped
    ],
)
def test_expected_december_deadline(as_of: str, want: float) -> None:
    assert expected(90, START, "2020-12", as_of) == pytest.approx(want)


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        ("2020-04", 1000 / 9),  # 1000 × 1 / 9 = 111.11…
        ("2020-05", 2000 / 9),  # 1000 × 2 / 9 = 222.22…
        ("2020-06", 1000 / 3),  # 1000 × 3 / 9 = 333.33…
        ("2020-08", 5000 / 9),  # 1000 × 5 / 9 = 555.55…
    ],
)
def test_expected_december_deadline_fractional(as_of: str, want: float) -> None:
    # FIRMS_SERVED: at least 1000 firms by 2020-12
    assert expected(1000, START, "2020-12", as_of) == pytest.approx(want)


@pytest.mark.parametrize(
    ("quota", "as_of", "want"),
    [
        (25, "2020-05", 12.5),  # 苏州's 25 teams due July: 25 × 2 / 4 = 12.5
        (25, "2020-06", 18.75),  # 25 × 3 / 4 = 18.75
        (6, "2020-04", 1.5),  # 宿迁's 6 teams: 6 × 1 / 4 = 1.5
        (15, "2020-06", 11.25),  # 扬州's 15 teams: 15 × 3 / 4 = 11.25
    ],
)
def test_expected_city_share_follows_the_same_curve(quota: float, as_of: str, want: float) -> None:
    assert expected(quota, START, "2020-07", as_of) == pytest.approx(want)


def test_expected_never_exceeds_the_value() -> None:
    for m in months_between("2019-10", "2021-06"):
        assert 0 <= expected(200, START, "2020-07", m) <= 200
        assert 0 <= expected(90, START, "2020-12", m) <= 90


def test_expected_rises_month_by_month_until_the_deadline() -> None:
    values = [expected(90, START, "2020-12", m) for m in months_between(START, "2020-12")]
    assert values == pytest.approx([10, 20, 30, 40, 50, 60, 70, 80, 90])  # 90 × k / 9


def test_expected_deadline_in_the_first_month() -> None:
    # deadline 2020-04 = start: 1 month in all; due in full from 2020-04, nothing before
    assert expected(12, START, "2020-04", "2020-04") == 12
    assert expected(12, START, "2020-04", "2020-03") == 0


def test_expected_returns_a_float() -> None:
    assert isinstance(expected(200, START, "2020-07", "2020-07"), float)
    assert isinstance(expected(200, START, "2020-07", "2020-05"), float)


# -- explicit checkpoints ------------------------------------------------------------------------

CHECKPOINTS = {"2020-06": 20.0, "2020-09": 60.0}


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        ("2020-03", 0.0),  # before the start: no checkpoint reached
        ("2020-05", 0.0),  # before the first checkpoint
        ("2020-06", 20.0),  # the 2020-06 checkpoint
        ("2020-08", 20.0),  # latest at or before 2020-08 is 2020-06 → 20 (no interpolation)
        ("2020-09", 60.0),  # the 2020-09 checkpoint
        ("2020-11", 60.0),  # latest at or before is 2020-09 → 60
        ("2020-12", 100.0),  # the deadline: the full value
        ("2021-02", 100.0),  # after the deadline: the full value
    ],
)
def test_expected_with_checkpoints(as_of: str, want: float) -> None:
    assert expected(100, START, "2020-12", as_of, CHECKPOINTS) == pytest.approx(want)


def test_checkpoints_differ_from_the_linear_curve() -> None:
    # linear at 2020-08 would be 100 × 5 / 9 = 55.6; the checkpoints say 20
    assert expected(100, START, "2020-12", "2020-08") == pytest.approx(500 / 9)
    assert expected(100, START, "2020-12", "2020-08", CHECKPOINTS) == pytest.approx(20)


def test_checkpoints_july_deadline() -> None:
    cps = {"2020-05": 80.0}
    assert expected(200, START, "2020-07", "2020-04", cps) == 0  # before the first
    assert expected(200, START, "2020-07", "2020-05", cps) == 80
    assert expected(200, START, "2020-07", "2020-06", cps) == 80  # latest is 2020-05
    assert expected(200, START, "2020-07", "2020-07", cps) == 200  # the deadline: full value


def test_checkpoints_are_capped_at_the_value() -> None:
    assert expected(50, START, "2020-12", "2020-10", {"2020-10": 70.0}) == 50


def test_the_latest_checkpoint_counts_not_the_largest() -> None:
    # Module docstring / README: "the expected value at m is the latest checkpoint at or before m".
    # At 2020-07 the latest checkpoint at or before it is 2020-07 → 40 (not the earlier, larger 50).
    cps = {"2020-05": 50.0, "2020-07": 40.0}
    assert expected(100, START, "2020-12", "2020-07", cps) == 40


# -- months ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2020-04", "2020-12", "2020-01", "1999-09"])
def test_is_month_accepts(text: str) -> None:
    assert is_month(text)


@pytest.mark.parametrize(
    "text",
    ["2020-00", "2020-13", "2020-4", "20-04", "2020/04", "2020-04-01", "April", "", " 2020-04", "2020-04 "],
)
def test_is_month_rejects(text: str) -> None:
    assert not is_month(text)


def test_is_month_rejects_a_trailing_newline() -> None:
    # "True for a well-formed YYYY-MM": a value with a line break after it is not one.
    assert not is_month("2020-06\n")


def test_is_month_wants_ascii_digits() -> None:
    # Months are strings "which sort in calendar order" (module docstring); full-width digits, as a
    # Chinese input method types them, do not: "２０２０-05" sorts after "2020-12".  Such a month must
    # not pass as well-formed (the CLI would then clip it to the wrong month; see test_bad_input).
    assert "２０２０-05" > "2020-12"
    assert not is_month("２０２０-05")


def test_month_index_counts_months() -> None:
    assert month_index("2020-04") == 2020 * 12 + 3  # = 24243
    assert month_index("2020-12") - month_index("2020-04") == 8
    assert month_index("2021-01") - month_index("2020-12") == 1


def test_month_from_index_inverts_month_index() -> None:
    assert month_from_index(2020 * 12 + 3) == "2020-04"
    assert month_from_index(2020 * 12 + 11) == "2020-12"
    assert month_from_index(2021 * 12 + 0) == "2021-01"
    for m in months_between("2019-11", "2021-02"):
        assert month_from_index(month_index(m)) == m


@pytest.mark.parametrize(
    ("month", "n", "want"),
    [
        ("2020-04", 0, "2020-04"),
        ("2020-04", 3, "2020-07"),
        ("2020-11", 2, "2021-01"),  # across the year end
        ("2020-01", -1, "2019-12"),
        ("2020-12", -8, "2020-04"),
    ],
)
def test_add_months(month: str, n: int, want: str) -> None:
    assert add_months(month, n) == want


def test_months_between() -> None:
    assert months_between("2020-04", "2020-07") == ["2020-04", "2020-05", "2020-06", "2020-07"]
    assert months_between("2020-11", "2021-02") == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert months_between("2020-06", "2020-06") == ["2020-06"]
    assert months_between("2020-07", "2020-06") == []
    assert len(months_between("2020-04", "2020-12")) == 9


@pytest.mark.parametrize(
    ("start", "end", "want"),
    [
        ("2020-04", "2020-07", 4),  # 04 05 06 07
        ("2020-04", "2020-12", 9),  # 04 … 12
        ("2020-04", "2020-04", 1),
        ("2020-07", "2020-04", 0),  # end before start
        ("2020-11", "2021-02", 4),  # 11 12 01 02
    ],
)
def test_months_inclusive(start: str, end: str, want: int) -> None:
    assert months_inclusive(start, end) == want


@pytest.mark.parametrize(
    ("month", "want"),
    [
        ("2020-01", "2020-04"),
        ("2020-04", "2020-04"),
        ("2020-08", "2020-08"),
        ("2020-12", "2020-12"),
        ("2021-03", "2020-12"),
    ],
)
def test_clip_month(month: str, want: str) -> None:
    assert clip_month(month, "2020-04", "2020-12") == want


# -- forecast -----------------------------------------------------------------------------------------


def test_forecast_at_the_pace_of_the_last_three_months() -> None:
    # last 4 cumulative values 10, 20, 35, 50 → 3 steps, pace (50 − 10) / 3 = 13.33…;
    # 2 months left → 50 + 2 × 40/3 = 76.67
    assert forecast([10, 20, 35, 50], 2) == pytest.approx(50 + 2 * 40 / 3)


def test_forecast_uses_only_the_window() -> None:
    # 6 months: window 3 takes 10, 20, 30, 40 → pace 10; 3 left → 40 + 30 = 70
    assert forecast([0, 0, 10, 20, 30, 40], 3) == pytest.approx(70)
    # window 1 takes 30, 40 → pace 10 as well; window 5 takes all six → (40 − 0) / 5 = 8 → 40 + 24 = 64
    assert forecast([0, 0, 10, 20, 30, 40], 3, window=5) == pytest.approx(64)


def test_forecast_with_one_month_of_data() -> None:
    # one value: the pace is that month's amount: 5 + 3 × 5 = 20
    assert forecast([5], 3) == pytest.approx(20)


def test_forecast_edges() -> None:
    assert forecast([], 5) == 0
    assert forecast([10, 20, 30], 0) == pytest.approx(30)  # at the deadline: what there is
    assert forecast([10, 20, 30], -2) == pytest.approx(30)  # past the deadline: no extrapolation
    assert forecast([10, 10, 10, 10], 4) == pytest.approx(10)  # no progress, no growth
