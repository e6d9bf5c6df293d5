"""What a review of the issue-11 change found, each as a test (figures worked out by hand).

* a month range heading (1-5月累计) is never read as this return's 累计, and two columns naming the
  same figure are refused;
* 完成 in a milestone's 累计 column is the done flag, not a series;
* ``undo --run`` is checked once the whole run is undone, not after each of its returns;
* a corrected return drops only the figures that still came from the return it replaces;
* a column headed 单位 holding 个/家 is the unit of measure, not the reporting unit.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from backends import query
from returns_helpers import Db, db_files, fill, history, kc, milestone_row, ok, returns_db, status_json, template

TMT = "TECH_MANAGER_TEAMS"


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


def _amount(db: Db, month: str, unit: str = "suzhou") -> float | None:
    rows = query(
        db, "SELECT value FROM current_value WHERE target_code = ? AND unit_code = ? AND month = ?", (TMT, unit, month)
    )
    return rows[0][0] if rows else None


def _sheet(path: Path, header: list[str], rows: list[list[object]], month: str = "2020-06") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位", "苏州市"])
    ws.append(["月份", month])
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_month_range_heading_is_not_this_returns_cumulative(rdb: Db, tmp_path: Path) -> None:
    """May 8 is stored; a June sheet 1-5月累计 8 | 6月完成 3 | 1-6月累计 11 must not land June = 0."""
    ok(kc(rdb, "record", TMT, "8", "--month", "2020-05", "--unit", "苏州"))
    path = _sheet(tmp_path / "june.xlsx", ["指标编号", "1-5月累计", "本月完成", "1-6月累计"], [[TMT, 8, 3, 11]])
    ok(kc(rdb, "import", path))
    assert _amount(rdb, "2020-06") == 3  # 本月 is read; the range columns are named in a warning, not read


def test_two_columns_naming_the_same_figure_are_refused(rdb: Db, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "june.xlsx", ["指标编号", "本月", "本月完成"], [[TMT, 3, 4]])
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1 and "Sheet!C4" in result.stderr
    assert db_files(rdb) == before


def test_done_in_a_milestones_cumulative_column_is_the_done_flag(rdb: Db, tmp_path: Path) -> None:
    """May 完成|完成, then June 完成|完成: no series check for a milestone (once refused as 1 + 1 ≠ 1)."""
    may = fill(template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05"), {"E7": "完成", "F7": "完成"})
    june = fill(template(rdb, tmp_path / "june.xlsx", "苏州", "2020-06"), {"E7": "完成", "F7": "完成"})
    ok(kc(rdb, "import", may))
    ok(kc(rdb, "import", june))
    # 苏州's own view (the province's is done only when all 13 cities have done it)
    assert milestone_row(status_json(rdb, "2020-06", "--unit", "苏州"), "M_CITY_SPECIAL_BODIES")["done_on"] == "2020-05"


def test_undo_of_a_run_is_checked_when_the_whole_run_is_undone(rdb: Db, tmp_path: Path) -> None:
    """Run 1: May 8 and June 9; run 2: July 累计 17 (July 0); run 3 corrects May to 10 and June to 7
    (17 = 10 + 7 + 0). Undoing run 3 returns to May 8, June 9: consistent, though half-way (June 9
    back with May still 10) it would not be."""
    may = fill(template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05"), {"E6": 8})
    june = fill(template(rdb, tmp_path / "june.xlsx", "苏州", "2020-06"), {"E6": 9})
    july = fill(template(rdb, tmp_path / "july.xlsx", "苏州", "2020-07"), {"F6": 17})
    ok(kc(rdb, "import", may, june))
    ok(kc(rdb, "import", july))
    may2 = fill(template(rdb, tmp_path / "may2.xlsx", "苏州", "2020-05"), {"E6": 10})
    june2 = fill(template(rdb, tmp_path / "june2.xlsx", "苏州", "2020-06"), {"E6": 7})
    ok(kc(rdb, "import", may2, june2, "--replace"))
    assert [_amount(rdb, m) for m in ("2020-05", "2020-06", "2020-07")] == [10, 7, 0]
    run = max(b["run"] for b in history(rdb))
    ok(kc(rdb, "undo", "--run", str(run)))
    assert [_amount(rdb, m) for m in ("2020-05", "2020-06", "2020-07")] == [8, 9, 0]


def test_a_correction_drops_only_what_still_came_from_the_return_it_replaces(rdb: Db, tmp_path: Path) -> None:
    """May imported as 8, then recorded as 9 (the record counts); a blank May form with --replace drops
    nothing: 9 still counts, and the import does not report it removed."""
    ok(kc(rdb, "import", fill(template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05"), {"E6": 8})))
    ok(kc(rdb, "record", TMT, "9", "--month", "2020-05", "--unit", "苏州"))
    blank = template(rdb, tmp_path / "may2.xlsx", "苏州", "2020-05")
    result = ok(kc(rdb, "--lang", "en", "import", blank, "--replace"))
    assert "0 removed" in result.stderr
    assert _amount(rdb, "2020-05") == 9


def test_a_column_headed_unit_holding_units_of_measure(rdb: Db, tmp_path: Path) -> None:
    """单位 | 个: the unit of measure, not a reporting unit called 个."""
    path = _sheet(tmp_path / "june.xlsx", ["指标编号", "指标名称", "单位", "本月完成"], [[TMT, "团队", "个", 3]])
    ok(kc(rdb, "import", path))
    assert _amount(rdb, "2020-06") == 3


def test_every_cell_holding_a_refused_unit_or_month_is_named(rdb: Db, tmp_path: Path) -> None:
    """苏洲 (a typo) twice and 2020-13 twice in a long sheet: four cells named, not two."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    for row in (
        ["code", "unit", "month", "this_month"],
        [TMT, "苏洲", "2020-06", 1],
        [TMT, "苏洲", "2020-07", 2],
        [TMT, "无锡", "2020-13", 3],
        [TMT, "南京", "2020-13", 4],
    ):
        ws.append(row)
    path = tmp_path / "long.xlsx"
    wb.save(path)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    assert [c for c in ("B2", "B3", "C4", "C5") if f"汇总!{c}:" in result.stderr] == ["B2", "B3", "C4", "C5"]
