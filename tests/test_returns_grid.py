"""`kctrack returns`: the completeness grid, units × April–December (issue 3, §4).

Returns are due by day 10 (plan.returns_due_day) of the following month.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from returns_helpers import (
    ALL_UNITS,
    Db,
    fill,
    kc,
    ok,
    returns_db,
    template,
)

MONTHS = ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12"]


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


def _send(db: Db, folder: Path, unit: str, month: str, received: str, *extra: str, value: int = 1) -> None:
    path = fill(template(db, folder / f"{unit}-{month}-{received}.xlsx", unit, month), {"E6": value})
    ok(kc(db, "import", path, "--received", received, *extra))


def _grid(db: Db, as_of: str = "2020-08") -> dict:
    data = json.loads(ok(kc(db, "returns", "--as-of", as_of, "--format", "json")).stdout)
    assert set(data) >= {"as_of", "units"}
    return data


def _months(data: dict, unit_name: str) -> dict[str, str]:
    rows = [u for u in data["units"] if u["unit"] == unit_name]
    assert len(rows) == 1, unit_name
    return rows[0]["months"]


@pytest.fixture
def returns_in(rdb: Db, tmp_path: Path) -> Db:
    _send(rdb, tmp_path, "苏州", "2020-04", "2020-05-08")  # before the 10th: on time
    _send(rdb, tmp_path, "苏州", "2020-05", "2020-06-10")  # on the 10th: on time
    _send(rdb, tmp_path, "苏州", "2020-06", "2020-07-11")  # the 11th: late
    _send(rdb, tmp_path, "人才服务中心", "2020-08", "2020-08-31")  # early
    return rdb


def test_grid_received_late_missing_not_due(returns_in: Db) -> None:
    data = _grid(returns_in, "2020-08")
    assert data["as_of"] == "2020-08"
    assert [u["unit"] for u in data["units"]] == list(ALL_UNITS.values())
    assert _months(data, "苏州市") == {
        "2020-04": "received",
        "2020-05": "received",
        "2020-06": "late",
        "2020-07": "missing",
        "2020-08": "not_due",  # due 2020-09-10
        "2020-09": "not_due",
        "2020-10": "not_due",
        "2020-11": "not_due",
        "2020-12": "not_due",
    }
    assert _months(data, "无锡市") == dict.fromkeys(MONTHS[:4], "missing") | dict.fromkeys(MONTHS[4:], "not_due")
    assert _months(data, "人才服务中心") == (
        dict.fromkeys(MONTHS[:4], "missing") | {"2020-08": "received"} | dict.fromkeys(MONTHS[5:], "not_due")
    )


def test_grid_as_of_an_earlier_month(returns_in: Db) -> None:
    """As of May the grid knows only what had come in by 31 May: April's return (8 May, on time);
    May's (10 June) and June's (11 July) had not come in yet, and neither was due: not_due."""
    data = _grid(returns_in, "2020-05")
    assert data["as_of"] == "2020-05"
    months = _months(data, "苏州市")
    assert (months["2020-04"], months["2020-05"], months["2020-06"]) == ("received", "not_due", "not_due")
    assert _months(data, "无锡市")["2020-04"] == "missing"
    assert _months(data, "无锡市")["2020-05"] == "not_due"
    # as of June: May's return (10 June) is known and was on time; June's (11 July) not yet
    months = _months(_grid(returns_in, "2020-06"), "苏州市")
    assert (months["2020-05"], months["2020-06"]) == ("received", "not_due")


def test_grid_knows_only_returns_received_by_the_end_of_the_as_of_month(rdb: Db, tmp_path: Path) -> None:
    """The issue's case: August's return received on 5 October. As of September it had not come in
    (due 10 September): missing. As of October it had, after the due day: late."""
    _send(rdb, tmp_path, "苏州", "2020-08", "2020-10-05")
    assert _months(_grid(rdb, "2020-09"), "苏州市")["2020-08"] == "missing"
    assert _months(_grid(rdb, "2020-10"), "苏州市")["2020-08"] == "late"
    # received on the last day of the as-of month: known
    _send(rdb, tmp_path, "苏州", "2020-09", "2020-10-31")
    assert _months(_grid(rdb, "2020-10"), "苏州市")["2020-09"] == "late"
    assert _months(_grid(rdb, "2020-09"), "苏州市")["2020-09"] == "not_due"


def test_grid_as_csv(returns_in: Db) -> None:
    result = ok(kc(returns_in, "returns", "--as-of", "2020-08", "--format", "csv"))
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "填报单位," + ",".join(MONTHS)  # csv follows --lang; the JSON keeps the state codes
    assert "苏州市,按时,按时,迟报,缺报,未到期,未到期,未到期,未到期,未到期" in lines


def test_grid_table_prints(returns_in: Db) -> None:
    result = ok(kc(returns_in, "returns", "--as-of", "2020-08"))
    assert "截至 2020-08" in result.stdout
    assert "苏州市" in result.stdout


def test_undone_return_is_missing_again(rdb: Db, tmp_path: Path) -> None:
    _send(rdb, tmp_path, "苏州", "2020-06", "2020-07-01")
    assert _months(_grid(rdb), "苏州市")["2020-06"] == "received"
    ok(kc(rdb, "undo", 1))
    assert _months(_grid(rdb), "苏州市")["2020-06"] == "missing"


def test_a_record_is_not_a_return(rdb: Db) -> None:
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-06", "--unit", "苏州"))
    assert _months(_grid(rdb), "苏州市")["2020-06"] == "missing"


def test_a_late_correction_of_an_on_time_return(rdb: Db, tmp_path: Path) -> None:
    """The return arrived on time; a correction sent later does not make it late."""
    _send(rdb, tmp_path, "苏州", "2020-06", "2020-07-05", value=5)
    _send(rdb, tmp_path, "苏州", "2020-06", "2020-07-20", "--replace", value=6)
    assert _months(_grid(rdb), "苏州市")["2020-06"] == "received"


def test_a_consolidated_sheet_fills_several_cells(rdb: Db, tmp_path: Path) -> None:
    from returns_helpers import long_workbook

    path = long_workbook(
        tmp_path / "long.xlsx",
        [("TECH_MANAGER_TEAMS", "南京", "2020-04", 1), ("TECH_MANAGER_TEAMS", "南京", "2020-05", 2)],
    )
    ok(kc(rdb, "import", path, "--received", "2020-06-09"))
    months = _months(_grid(rdb), "南京市")
    # April's was due 2020-05-10 (late), May's 2020-06-10 (on time)
    assert (months["2020-04"], months["2020-05"], months["2020-06"]) == ("late", "received", "missing")


def test_received_date_must_be_iso(rdb: Db, tmp_path: Path) -> None:
    path = fill(template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 1})
    result = kc(rdb, "import", path, "--received", "2020/07/01")
    assert result.exit_code == 2
    assert "日期 “2020/07/01” 应写成 YYYY-MM-DD" in result.stderr
