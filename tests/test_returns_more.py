"""More instances of the kinds of issue 11, across commands (tests/test_returns_real.py and
tests/test_returns_kinds.py hold the others).

The series rules across ``record`` / ``import`` / ``undo`` / ``import --replace`` in mixed orders,
undo of a run, locked months, the shared parser on the command line, ``--strict`` with each
warning kind, ``--lang en``, nil returns and long sheets.  Every workbook is built in the test; each
expected figure is worked out by hand in the test's docstring or comments.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from returns_helpers import (
    SHEET,
    Db,
    Place,
    amount,
    counts,
    db_files,
    fill,
    history,
    kc,
    long_workbook,
    milestone_row,
    no_traceback,
    ok,
    place,
    plain_sheet,
    problem_lines,
    refused,
    returns_db,
    returns_grid,
    share,
    status_json,
    target_row,
    template,
    warned,
)
from typer.testing import Result

TMT = "TECH_MANAGER_TEAMS"  # 个; 苏州's and 无锡's quota 25, the whole target 200
PATENT = "PATENT_INFO_PUSHES"  # 条; 1,500,000; reported by 企业创新服务中心
CITY_MILESTONE = "M_CITY_SPECIAL_BODIES"  # in every city's template, due 2020-12
EIC = "enterprise_innovation_centre"
HEADER_ROW = 5
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


# -- helpers --------------------------------------------------------------------------------


def city(db: Db, tmp_path: Path, month: str | None, unit: str = "苏州", name: str | None = None) -> tuple[Path, Place]:
    name = name or f"{unit}-{month}-{len(list(tmp_path.iterdir()))}.xlsx"
    path = template(db, tmp_path / name, unit, month)
    return path, place(path)


def city_return(
    db: Db, tmp_path: Path, month: str, *, unit: str = "苏州", this: Any = None, cum: Any = None, done: bool = False
) -> Path:
    """A city's return for ``month`` with TECH_MANAGER_TEAMS' 本月 / 累计 and optionally its milestone done."""
    path, at = city(db, tmp_path, month, unit)
    cells: dict[str, Any] = {at.this_month: this, at.cumulative: cum}
    if done:
        cells[place(path, CITY_MILESTONE).this_month] = "完成"
    return fill(path, cells)


def imported(db: Db, *args: Any) -> dict[str, Any]:
    """``kctrack import ARGS --format json``, which must succeed."""
    return json.loads(ok(kc(db, "import", *args, "--format", "json")).stdout)


def series(db: Db, unit: str = "suzhou", code: str = TMT) -> list[float | None]:
    return [amount(db, code, unit, f"2020-{m:02d}") for m in (4, 5, 6, 7)]


def changes_of(data: dict[str, Any]) -> dict[tuple[str, str, str], tuple[Any, Any, str, str]]:
    return {(c["code"], c["unit"], c["month"]): (c["old"], c["new"], c["change"], c["source"]) for c in data["changes"]}


def refused_plain(db: Db, result: Result, before: Any, code: int | tuple[int, ...] = 1) -> None:
    codes = code if isinstance(code, tuple) else (code,)
    assert result.exit_code in codes, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    no_traceback(result)
    assert result.stderr.strip(), "no message"
    assert db_files(db) == before


def batch_of(db: Db, unit: str, month: str) -> dict[str, Any]:
    rows = [b for b in history(db) if b["unit"] == unit and b["month"] == month and b["state"] != "undone"]
    assert len(rows) == 1, rows
    return rows[0]


# == the series across commands ======================================================================


def test_record_then_an_imported_cumulative_that_contradicts_it_is_refused(rdb: Db, tmp_path: Path) -> None:
    """``record`` May 10; June's return states 累计 8 only: 8 < 10, refused at the 累计 cell."""
    ok(kc(rdb, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州"))
    june, at = city(rdb, tmp_path, "2020-06")
    fill(june, {at.cumulative: 8})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", june), before, f"{june}!{SHEET}!{at.cumulative}")
    assert series(rdb) == [None, 10, None, None]


def test_record_then_an_imported_both_stated_month_that_contradicts_it_is_refused(rdb: Db, tmp_path: Path) -> None:
    """``record`` April 4 and May 6; June 本月 3 and 累计 12: 4 + 6 + 3 = 13 ≠ 12."""
    ok(kc(rdb, "record", TMT, "4", "--month", "2020-04", "--unit", "苏州"))
    ok(kc(rdb, "record", TMT, "6", "--month", "2020-05", "--unit", "苏州"))
    june, at = city(rdb, tmp_path, "2020-06")
    fill(june, {at.this_month: 3, at.cumulative: 12})
    before = db_files(rdb)
    refused(rdb, kc(rdb, "import", june), before, f"{june}!{SHEET}!{at.cumulative}")


def test_record_of_an_earlier_month_below_a_later_cumulative_only_month_is_refused(rdb: Db, tmp_path: Path) -> None:
    """June states 累计 6 only; ``record`` May 9 would make June -3: refused, naming June."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=6)))
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, "9", "--month", "2020-05", "--unit", "苏州")
    refused_plain(rdb, result, before, (1, 2))
    assert "2020-06" in result.stderr
    assert series(rdb) == [None, None, 6, None]


def test_late_cumulative_only_month_between_a_record_and_a_later_cumulative(rdb: Db, tmp_path: Path) -> None:
    """``record`` April 3; June 累计 20 only (June 17); May's late return 累计 10 only:
    May = 10 − 3 = 7, June re-derived 20 − 10 = 10 (the dry-run lists it with an empty source)."""
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-04", "--unit", "苏州"))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=20)))
    assert series(rdb) == [3, None, 17, None]
    may = city_return(rdb, tmp_path, "2020-05", cum=10)
    before = db_files(rdb)
    dry = imported(rdb, may, "--dry-run")
    assert db_files(rdb) == before
    changes = changes_of(dry)
    assert changes[(TMT, "苏州市", "2020-05")][:3] == (None, 7, "new")
    assert changes[(TMT, "苏州市", "2020-05")][3] != ""
    assert changes[(TMT, "苏州市", "2020-06")] == (17, 10, "changed", "")
    assert len(changes) == 2
    ok(kc(rdb, "import", may))
    assert series(rdb) == [3, 7, 10, None]
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 20
    assert share(status_json(rdb, "2020-05"), TMT, "苏州市")["actual"] == 10


def test_undo_the_middle_of_three_cumulative_only_months(rdb: Db, tmp_path: Path) -> None:
    """April 累计 4, May 累计 10, June 累计 15 (4, 6, 5); undo May: April 4, June 15 − 4 = 11."""
    for month, cum in (("2020-04", 4), ("2020-05", 10), ("2020-06", 15)):
        ok(kc(rdb, "import", city_return(rdb, tmp_path, month, cum=cum)))
    assert series(rdb) == [4, 6, 5, None]
    may = batch_of(rdb, "suzhou", "2020-05")
    ok(kc(rdb, "undo", may["id"]))
    assert series(rdb) == [4, None, 11, None]
    assert share(status_json(rdb, "2020-05"), TMT, "苏州市")["actual"] == 4
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 15


def test_undo_the_first_of_three_cumulative_only_months(rdb: Db, tmp_path: Path) -> None:
    """April 累计 4, May 累计 10, June 累计 15; undo April: May 10, June 5."""
    for month, cum in (("2020-04", 4), ("2020-05", 10), ("2020-06", 15)):
        ok(kc(rdb, "import", city_return(rdb, tmp_path, month, cum=cum)))
    ok(kc(rdb, "undo", batch_of(rdb, "suzhou", "2020-04")["id"]))
    assert series(rdb) == [None, 10, 5, None]


def test_undo_of_the_middle_month_then_its_reimport(rdb: Db, tmp_path: Path) -> None:
    """April 本月 2, May 累计 9 (7), June 累计 12 (3); undo May (June 10); May comes back as
    本月 5 with --replace not needed (the old one is undone): June 12 − 7 = 5."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-04", this=2)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", cum=9)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=12)))
    assert series(rdb) == [2, 7, 3, None]
    ok(kc(rdb, "undo", batch_of(rdb, "suzhou", "2020-05")["id"]))
    assert series(rdb) == [2, None, 10, None]
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=5)))
    assert series(rdb) == [2, 5, 5, None]


def test_correction_that_removes_a_targets_row(rdb: Db, tmp_path: Path) -> None:
    """May: 本月 8 and the milestone done; June 累计 17 only (9).  May's corrected return keeps the
    milestone but leaves the teams blank: May's 8 is removed, June re-derived to 17."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=8, done=True)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=17)))
    assert series(rdb) == [None, 8, 9, None]
    corrected = city_return(rdb, tmp_path, "2020-05", done=True)
    before = db_files(rdb)
    changes = changes_of(imported(rdb, corrected, "--replace", "--dry-run"))
    assert db_files(rdb) == before
    assert changes[(TMT, "苏州市", "2020-05")][:3] == (8, None, "removed")
    assert changes[(TMT, "苏州市", "2020-06")] == (9, 17, "changed", "")
    assert changes.get((CITY_MILESTONE, "苏州市", "2020-05"), (1, 1, "unchanged", ""))[:3] == (1, 1, "unchanged")
    ok(kc(rdb, "import", corrected, "--replace"))
    assert series(rdb) == [None, None, 17, None]
    assert milestone_row(status_json(rdb, "2020-06", "--unit", "苏州"), CITY_MILESTONE)["state"] == "done"
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


def test_correction_that_removes_a_row_under_two_cumulative_only_months(rdb: Db, tmp_path: Path) -> None:
    """April 3 (with the milestone); May 累计 10 (7); June 累计 16 (6).  April corrected without
    the teams: April removed, May 10, June 6 unchanged (not listed)."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-04", this=3, done=True)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", cum=10)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=16)))
    corrected = city_return(rdb, tmp_path, "2020-04", done=True)
    changes = changes_of(imported(rdb, corrected, "--replace", "--dry-run"))
    assert changes[(TMT, "苏州市", "2020-04")][:3] == (3, None, "removed")
    assert changes[(TMT, "苏州市", "2020-05")] == (7, 10, "changed", "")
    assert (TMT, "苏州市", "2020-06") not in changes
    ok(kc(rdb, "import", corrected, "--replace"))
    assert series(rdb) == [None, 10, 6, None]


def test_two_units_series_are_independent(rdb: Db, tmp_path: Path) -> None:
    """苏州 May 8, June 累计 17 (9); 无锡 May 5, June 累计 12 (7).  无锡's May corrected to 6:
    无锡 June 6; 苏州 untouched, and the dry-run lists nothing of 苏州."""
    files = [
        city_return(rdb, tmp_path, "2020-05", this=8),
        city_return(rdb, tmp_path, "2020-05", unit="无锡", this=5),
        city_return(rdb, tmp_path, "2020-06", cum=17),
        city_return(rdb, tmp_path, "2020-06", unit="无锡", cum=12),
    ]
    ok(kc(rdb, "import", *files))
    assert series(rdb) == [None, 8, 9, None]
    assert series(rdb, "wuxi") == [None, 5, 7, None]
    corrected = city_return(rdb, tmp_path, "2020-05", unit="无锡", this=6)
    changes = changes_of(imported(rdb, corrected, "--replace", "--dry-run"))
    assert set(changes) == {(TMT, "无锡市", "2020-05"), (TMT, "无锡市", "2020-06")}
    assert changes[(TMT, "无锡市", "2020-06")] == (7, 6, "changed", "")
    ok(kc(rdb, "import", corrected, "--replace"))
    assert series(rdb) == [None, 8, 9, None]
    assert series(rdb, "wuxi") == [None, 6, 6, None]
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 29  # 17 + 12


def test_one_long_sheet_with_two_units_cumulative_only(rdb: Db, tmp_path: Path) -> None:
    """A consolidated sheet: 苏州 May 本月 4 / June 累计 10; 无锡 May 累计 3 / June 本月 2.
    苏州 June 6; 无锡 May 3, June 2."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["指标编号", "填报单位", "月份", "本月完成", "累计完成"],
            [TMT, "苏州", "2020-05", 4, None],
            [TMT, "无锡", "2020-05", None, 3],
            [TMT, "苏州", "2020-06", None, 10],
            [TMT, "无锡", "2020-06", 2, None],
        ],
    )
    ok(kc(rdb, "import", path))
    assert series(rdb) == [None, 4, 6, None]
    assert series(rdb, "wuxi") == [None, 3, 2, None]


def test_milestone_in_the_same_cumulative_only_return(rdb: Db, tmp_path: Path) -> None:
    """May 5; June 累计 12 only and the milestone marked 完成: June 7, the milestone done in June."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=5)))
    june = city_return(rdb, tmp_path, "2020-06", cum=12, done=True)
    changes = changes_of(imported(rdb, june, "--dry-run"))
    assert changes[(TMT, "苏州市", "2020-06")][:3] == (None, 7, "new")
    assert changes[(CITY_MILESTONE, "苏州市", "2020-06")][:3] == (None, 1, "new")
    ok(kc(rdb, "import", june))
    assert series(rdb) == [None, 5, 7, None]
    data = status_json(rdb, "2020-06", "--unit", "苏州")  # 苏州's own view: the province's waits for all 13
    assert milestone_row(data, CITY_MILESTONE)["state"] == "done"
    assert milestone_row(data, CITY_MILESTONE)["done_on"] == "2020-06"
    assert milestone_row(status_json(rdb, "2020-05", "--unit", "苏州"), CITY_MILESTONE)["state"] != "done"


def test_record_correction_then_import_replace_then_undo(rdb: Db, tmp_path: Path) -> None:
    """Import May 8 and June 累计 17 (9); record May 10 (June 7); May --replace 6 (June 11);
    undo that replacing return: May back to the record's 10?  No: the record is a later correction
    of the imported May, the --replace return a later one still; undoing it restores the newest
    figure before it, the record's 10, and June 7."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=8)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=17)))
    ok(kc(rdb, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州"))
    assert series(rdb) == [None, 10, 7, None]
    data = imported(rdb, city_return(rdb, tmp_path, "2020-05", this=6), "--replace")
    assert series(rdb) == [None, 6, 11, None]
    ok(kc(rdb, "undo", "--run", data["run"]))
    assert series(rdb) == [None, 10, 7, None]
    assert share(status_json(rdb, "2020-06"), TMT, "苏州市")["actual"] == 17


# == undo of a run ===================================================================================


def test_undo_run_dry_run_writes_nothing_and_lists_the_rederived_month(rdb: Db, tmp_path: Path) -> None:
    """May 8 (run A); June 累计 17 (run B, June 9); undo --run A --dry-run: nothing written."""
    run_a = imported(rdb, city_return(rdb, tmp_path, "2020-05", this=8))["run"]
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=17)))
    before = db_files(rdb)
    result = ok(kc(rdb, "undo", "--run", run_a, "--dry-run"))
    assert db_files(rdb) == before
    assert "2020-05" in result.output
    assert series(rdb) == [None, 8, 9, None]
    ok(kc(rdb, "undo", "--run", run_a))
    assert series(rdb) == [None, None, 17, None]


def test_undo_of_a_run_holding_a_superseding_return_restores_the_earlier_one(rdb: Db, tmp_path: Path) -> None:
    """June 本月 5 (run 1); July 累计 20 (run 2, July 15); June --replace 8 and 无锡 June 4 (run 3,
    July 12).  Undo run 3: June 5 again, July 15, 无锡 gone; the first June return is in force."""
    first = imported(rdb, city_return(rdb, tmp_path, "2020-06", this=5))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-07", cum=20)))
    run3 = imported(
        rdb,
        city_return(rdb, tmp_path, "2020-06", this=8),
        city_return(rdb, tmp_path, "2020-06", unit="无锡", this=4),
        "--replace",
    )["run"]
    assert series(rdb) == [None, None, 8, 12]
    before = db_files(rdb)
    ok(kc(rdb, "undo", "--run", run3, "--dry-run"))
    assert db_files(rdb) == before
    ok(kc(rdb, "undo", "--run", run3))
    assert series(rdb) == [None, None, 5, 15]
    assert series(rdb, "wuxi") == [None, None, None, None]
    june = sorted((b["run"], b["state"]) for b in history(rdb) if b["unit"] == "suzhou" and b["month"] == "2020-06")
    assert june == [(first["run"], "live"), (run3, "undone")]
    assert target_row(status_json(rdb, "2020-07"), TMT)["actual"] == 20


# == locked months ===================================================================================


def test_locked_month_needs_a_reason_for_import(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "lock", "2020-06"))
    june = city_return(rdb, tmp_path, "2020-06", this=4)
    before = db_files(rdb)
    refused_plain(rdb, kc(rdb, "import", june), before, 1)
    assert "--reason" in kc(rdb, "import", june).stderr
    ok(kc(rdb, "import", june, "--reason", "补报"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4
    [batch] = history(rdb)
    assert batch["locked_change_reason"] == "补报"


def test_locked_month_needs_a_reason_for_record(rdb: Db) -> None:
    ok(kc(rdb, "lock", "2020-06"))
    before = db_files(rdb)
    refused_plain(rdb, kc(rdb, "record", TMT, "4", "--month", "2020-06", "--unit", "苏州"), before, 1)
    ok(kc(rdb, "record", TMT, "4", "--month", "2020-06", "--unit", "苏州", "--reason", "补报"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


def test_locked_month_needs_a_reason_for_undo_of_a_run(rdb: Db, tmp_path: Path) -> None:
    run = imported(rdb, city_return(rdb, tmp_path, "2020-06", this=4))["run"]
    ok(kc(rdb, "lock", "2020-06"))
    before = db_files(rdb)
    refused_plain(rdb, kc(rdb, "undo", "--run", run), before, 1)
    ok(kc(rdb, "undo", "--run", run, "--reason", "误报"))
    assert amount(rdb, TMT, "suzhou", "2020-06") is None


@pytest.mark.parametrize("how", ["record", "import-replace", "undo", "late-april"])
def test_locked_month_whose_amount_is_rederived_needs_a_reason(rdb: Db, tmp_path: Path, how: str) -> None:
    """May 8, June 累计 17 (June 9); June locked.  Each change below leaves May's figure (or
    April's) unlocked but re-derives the locked June: record May 10 (June 7), May --replace 10
    (June 7), undo May (June 17), a late April 2 (June 7).  A change to a locked month needs
    --reason, so each is refused without one and nothing is written."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=8)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=17)))
    ok(kc(rdb, "lock", "2020-06"))
    before = db_files(rdb)
    if how == "record":
        result = kc(rdb, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州")
    elif how == "import-replace":
        result = kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=10), "--replace")
    elif how == "undo":
        result = kc(rdb, "undo", batch_of(rdb, "suzhou", "2020-05")["id"])
    else:
        result = kc(rdb, "import", city_return(rdb, tmp_path, "2020-04", this=2))
    refused_plain(rdb, result, before, 1)
    assert "2020-06" in result.stderr
    assert series(rdb) == [None, 8, 9, None]


def test_lock_month_forms(rdb: Db) -> None:
    ok(kc(rdb, "lock", "6月"))
    before = db_files(rdb)
    refused_plain(rdb, kc(rdb, "record", TMT, "4", "--month", "2020-06", "--unit", "苏州"), before, 1)
    ok(kc(rdb, "record", TMT, "4", "--month", "2020-05", "--unit", "苏州"))


# == the shared parser on the command line ===========================================================

RECORD_VALUES = [
    (PATENT, "企业创新服务中心", EIC, "1,234", 1234),
    (PATENT, "企业创新服务中心", EIC, "1，234", 1234),
    (PATENT, "企业创新服务中心", EIC, "1.2万", 12000),
    (PATENT, "企业创新服务中心", EIC, "0.012亿", 1_200_000),
    (TMT, "苏州", "suzhou", "十二", 12),
    (TMT, "苏州", "suzhou", "３个", 3),
    (TMT, "苏州", "suzhou", "１２", 12),
    (TMT, "苏州", "suzhou", "两个", 2),
]


@pytest.mark.parametrize(
    ("code", "unit", "unit_code", "typed", "value"), RECORD_VALUES, ids=[v[3] for v in RECORD_VALUES]
)
def test_record_value_forms(rdb: Db, code: str, unit: str, unit_code: str, typed: str, value: int) -> None:
    ok(kc(rdb, "record", code, typed, "--month", "2020-06", "--unit", unit))
    assert amount(rdb, code, unit_code, "2020-06") == value


@pytest.mark.parametrize("typed", ["1,5", "85%", "12,34", "abc", "1.2.3"])
def test_record_mistyped_values_exit_2(rdb: Db, typed: str) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, typed, "--month", "2020-06", "--unit", "苏州")
    refused_plain(rdb, result, before, 2)
    assert "VALUE" in result.stderr


@pytest.mark.parametrize("typed", ["2.5", "1.5个", "二点五", "0.5"])
def test_record_fraction_of_a_team_is_refused(rdb: Db, typed: str) -> None:
    """A number that cannot be a count of teams: bad data (exit 1, as the README's exit codes say)."""
    before = db_files(rdb)
    result = kc(rdb, "record", TMT, typed, "--month", "2020-06", "--unit", "苏州")
    refused_plain(rdb, result, before, (1, 2))
    assert amount(rdb, TMT, "suzhou", "2020-06") is None


def test_record_negative_after_double_dash_is_refused(rdb: Db) -> None:
    before = db_files(rdb)
    result = kc(rdb, "record", "--month", "2020-06", "--unit", "苏州", "--", TMT, "-1")
    refused_plain(rdb, result, before, (1, 2))
    assert "-1" in result.stderr


MONTHS = ["2020-06", "2020/6", "2020.06", "6月", "6月份", "2020年6月", "二〇二〇年六月", "Jun 2020", "六月"]


@pytest.mark.parametrize("typed", MONTHS)
def test_record_and_status_and_explain_month_forms(rdb: Db, typed: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", typed, "--unit", "苏州"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3
    data = status_json(rdb, typed)
    assert data["as_of"] == "2020-06"
    assert share(data, TMT, "苏州市")["actual"] == 3
    explained = json.loads(ok(kc(rdb, "explain", TMT, "--unit", "苏州", "--as-of", typed, "--format", "json")).stdout)
    assert (explained["as_of"], explained["total"]) == ("2020-06", 3)


@pytest.mark.parametrize("typed", ["2020/6", "6月", "2020年6月份", "Jun 2020"])
def test_export_as_of_forms(rdb: Db, tmp_path: Path, typed: str) -> None:
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-06", "--unit", "苏州"))
    ok(kc(rdb, "record", TMT, "4", "--month", "2020-07", "--unit", "苏州"))
    out = tmp_path / "out.json"
    ok(kc(rdb, "export", out, "--as-of", typed))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["as_of"] == "2020-06"
    assert target_row(data, TMT)["actual"] == 3


@pytest.mark.parametrize("typed", ["2020/6", "6月", "2020年6月份", "二〇二〇年六月"])
def test_template_month_forms(rdb: Db, tmp_path: Path, typed: str) -> None:
    ok(kc(rdb, "record", TMT, "8", "--month", "2020-05", "--unit", "苏州"))
    path = template(rdb, tmp_path / "t.xlsx", "苏州", typed)
    ws = openpyxl.load_workbook(path)[SHEET]
    assert str(ws["B3"].value).startswith("2020-06")
    assert ws[place(path).previous].value == 8


@pytest.mark.parametrize("typed", ["2020/6", "6月", "2020年6月份", "Jun 2020"])
def test_import_month_option_forms(rdb: Db, tmp_path: Path, typed: str) -> None:
    path, at = city(rdb, tmp_path, None)
    ok(kc(rdb, "import", fill(path, {at.this_month: 4}), "--month", typed))
    [batch] = history(rdb)
    assert batch["month"] == "2020-06"
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4


@pytest.mark.parametrize(
    "args",
    [
        ("record", TMT, "3", "--unit", "苏州", "--month"),
        ("status", "--as-of"),
        ("explain", TMT, "--as-of"),
        ("lock",),
        ("template", "t.xlsx", "--unit", "苏州", "--month"),
    ],
    ids=["record", "status", "explain", "lock", "template"],
)
@pytest.mark.parametrize("typed", ["13月", "2020-13", "2020-00"])
def test_malformed_month_is_usage_error(
    rdb: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], typed: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = db_files(rdb)
    result = kc(rdb, *args, typed)
    refused_plain(rdb, result, before, 2)
    assert not (tmp_path / "t.xlsx").exists()


# == --strict with each warning kind =================================================================


def _above_quota(db: Db, tmp_path: Path) -> tuple[Path, str]:
    """30 teams in one month against 苏州's quota of 25."""
    path, at = city(db, tmp_path, "2020-06")
    return fill(path, {at.this_month: 30}), f"{path}!{SHEET}!{at.this_month}"


def _cumulative_far(db: Db, tmp_path: Path) -> tuple[Path, str]:
    """May 10, 12, …; a June 累计 of 80 (more than twice 25), with June's 本月 blank."""
    ok(kc(db, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州"))
    path, at = city(db, tmp_path, "2020-06")
    return fill(path, {at.cumulative: 80}), f"{path}!{SHEET}!"


def _total_differs(db: Db, tmp_path: Path) -> tuple[Path, str]:
    path = long_workbook(
        tmp_path / "long.xlsx",
        [(TMT, "苏州", "2020-06", 4), (TMT, "常州", "2020-06", 2), (TMT, "合计", "2020-06", 5)],
    )
    return path, f"{path}!汇总!"


def _gap(db: Db, tmp_path: Path) -> tuple[Path, str]:
    """April 3; June 本月 4 and 累计 12: 3 + 4 = 7 < 12, May may be missing."""
    ok(kc(db, "record", TMT, "3", "--month", "2020-04", "--unit", "苏州"))
    path, at = city(db, tmp_path, "2020-06")
    return fill(path, {at.this_month: 4, at.cumulative: 12}), f"{path}!{SHEET}!{at.cumulative}"


def _unknown_column(db: Db, tmp_path: Path) -> tuple[Path, str]:
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["指标编号", "填报单位", "月份", "本月完成", "去年同期"],
            [TMT, "苏州", "2020-06", 4, 9],
            [TMT, "常州", "2020-06", 2, 5],
        ],
    )
    return path, f"{path}!汇总!"


def _stale_previous(db: Db, tmp_path: Path) -> tuple[Path, str]:
    """June's template made when May was 8; May corrected to 11 by record; June 累计 13 (8 + 5)."""
    ok(kc(db, "record", TMT, "8", "--month", "2020-05", "--unit", "苏州"))
    path, at = city(db, tmp_path, "2020-06")
    ok(kc(db, "record", TMT, "11", "--month", "2020-05", "--unit", "苏州"))
    return fill(path, {at.cumulative: 13}), f"{path}!{SHEET}!"


WARNING_KINDS = {
    "above-quota": _above_quota,
    "cumulative-far": _cumulative_far,
    "total-differs": _total_differs,
    "gap": _gap,
    "unknown-column": _unknown_column,
    "stale-previous": _stale_previous,
}


@pytest.mark.parametrize("kind", list(WARNING_KINDS))
def test_each_warning_kind_is_a_warning_and_strict_refuses_it(rdb: Db, tmp_path: Path, kind: str) -> None:
    path, where = WARNING_KINDS[kind](rdb, tmp_path)
    before = db_files(rdb)
    strict = kc(rdb, "import", path, "--strict")
    assert strict.exit_code == 1, f"{kind}: exit {strict.exit_code}\n{strict.stdout}\n{strict.stderr}"
    no_traceback(strict)
    assert where in strict.stderr, strict.stderr
    assert db_files(rdb) == before
    strict_dry = kc(rdb, "import", path, "--strict", "--dry-run", "--format", "json")
    assert strict_dry.exit_code == 1, strict_dry.output
    assert db_files(rdb) == before
    warned(kc(rdb, "import", path), where)


def test_strict_json_lists_the_warning(rdb: Db, tmp_path: Path) -> None:
    path, at = city(rdb, tmp_path, "2020-06")
    fill(path, {at.this_month: 30})
    result = kc(rdb, "import", path, "--dry-run", "--format", "json")
    data = json.loads(ok(result).stdout)
    assert data["strict"] is False
    assert len(data["warnings"]) == 1
    assert at.this_month in json.dumps(data["warnings"], ensure_ascii=False)


# == --lang en ======================================================================================


def _english(text: str, allowed: tuple[str, ...]) -> None:
    for word in allowed:
        text = text.replace(word, "")
    assert not CJK.search(text), text


def test_english_warnings_and_summary(rdb: Db, tmp_path: Path) -> None:
    """Above-quota and gap warnings, the summary and the run line, wholly English."""
    ok(kc(rdb, "record", TMT, "3", "--month", "2020-04", "--unit", "苏州"))
    path, at = city(rdb, tmp_path, "2020-06")
    fill(path, {at.this_month: 30, at.cumulative: 40})  # 3 + 30 = 33 < 40: a gap; 30 > 25: above the quota
    result = ok(kc(rdb, "--lang", "en", "import", path))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len([line for line in lines if "warning" in line.lower()]) >= 2, result.stderr
    _english(result.stdout + result.stderr, (str(tmp_path), SHEET, "苏州市", "苏州"))


def test_english_refusals(rdb: Db, tmp_path: Path) -> None:
    """A bad comma, a percentage, a contradicting 累计 and a fraction, refused in English."""
    ok(kc(rdb, "record", TMT, "8", "--month", "2020-05", "--unit", "苏州"))
    bad = []
    for cells in (
        {"this_month": "1,5"},
        {"this_month": "85%"},
        {"this_month": 9, "cumulative": 12},
        {"this_month": 2.5},
    ):
        path, at = city(rdb, tmp_path, "2020-06")
        bad.append(fill(path, {getattr(at, k): v for k, v in cells.items()}))
    for path in bad:
        result = kc(rdb, "--lang", "en", "import", path)
        assert result.exit_code == 1, result.output
        assert problem_lines(result), result.stderr
        _english(result.stdout + result.stderr, (str(tmp_path), SHEET, "苏州市", "苏州"))


def test_english_locked_and_record_messages(rdb: Db) -> None:
    ok(kc(rdb, "lock", "2020-06"))
    result = kc(rdb, "--lang", "en", "record", TMT, "4", "--month", "6月", "--unit", "苏州")
    assert result.exit_code == 1
    _english(result.stderr, ())
    for typed in ("1,5", "2.5", "85%"):
        result = kc(rdb, "--lang", "en", "record", TMT, typed, "--month", "2020-05", "--unit", "苏州")
        assert result.exit_code in (1, 2), result.output
        _english(result.stderr, (typed,))
    result = ok(kc(rdb, "--lang", "en", "record", TMT, "十二", "--month", "2020-05", "--unit", "苏州"))
    _english(result.stdout + result.stderr, ("苏州市", "十二"))


def test_english_json_of_an_import(rdb: Db, tmp_path: Path) -> None:
    """May 8, June 累计 17; May corrected to 10: run, warnings, changes (June's source empty)."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=8)))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", cum=17)))
    may = city_return(rdb, tmp_path, "2020-05", this=10)
    result = ok(kc(rdb, "--lang", "en", "import", may, "--replace", "--format", "json"))
    data = json.loads(result.stdout)
    assert isinstance(data["run"], int)
    assert data["warnings"] == []
    changes = changes_of(data)
    assert changes[(TMT, "Suzhou", "2020-05")][:3] == (8, 10, "changed") or changes[(TMT, "苏州市", "2020-05")][:3] == (
        8,
        10,
        "changed",
    )
    june = [c for c in data["changes"] if c["month"] == "2020-06"]
    assert [(c["old"], c["new"], c["change"], c["source"]) for c in june] == [(9, 7, "changed", "")]
    may_change = [c for c in data["changes"] if c["month"] == "2020-05"]
    assert may_change[0]["source"].startswith(str(may))


def test_english_warning_in_json(rdb: Db, tmp_path: Path) -> None:
    path, at = city(rdb, tmp_path, "2020-06")
    fill(path, {at.this_month: 30})
    data = json.loads(ok(kc(rdb, "--lang", "en", "import", path, "--format", "json")).stdout)
    assert len(data["warnings"]) == 1
    _english(json.dumps(data["warnings"], ensure_ascii=False), (str(tmp_path), SHEET, "苏州市", "苏州"))


# == nil returns ====================================================================================


def test_real_return_after_a_nil_return_needs_replace(rdb: Db, tmp_path: Path) -> None:
    blank = template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")
    ok(kc(rdb, "import", blank, "--received", "2020-07-05"))
    june = city_return(rdb, tmp_path, "2020-06", this=4)
    before = db_files(rdb)
    result = kc(rdb, "import", june)
    refused_plain(rdb, result, before, 1)
    assert "--replace" in result.stderr
    changes = changes_of(imported(rdb, june, "--replace", "--dry-run"))
    assert changes[(TMT, "苏州市", "2020-06")][:3] == (None, 4, "new")
    ok(kc(rdb, "import", june, "--replace"))
    assert amount(rdb, TMT, "suzhou", "2020-06") == 4
    states = sorted((b["state"], len(b["records"])) for b in history(rdb))
    assert states == [("live", 1), ("superseded", 0)]


def test_nil_return_in_history_csv_and_json(rdb: Db, tmp_path: Path) -> None:
    blank = template(rdb, tmp_path / "blank.xlsx", "无锡", "2020-06")
    ok(kc(rdb, "import", blank, "--received", "2020-07-05"))
    [batch] = history(rdb)
    assert (batch["kind"], batch["unit"], batch["month"], batch["records"]) == ("import", "wuxi", "2020-06", [])
    assert batch["source"].endswith("blank.xlsx")
    text = ok(kc(rdb, "history", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1, text  # the csv's headers follow --lang (Chinese by default)
    assert rows[0]["批次"] == str(batch["id"])
    assert rows[0]["月份"] == "2020-06"
    assert rows[0]["填报单位"] == "无锡市"
    assert rows[0]["本月完成"] == "" and rows[0]["指标编号"] == ""
    table = ok(kc(rdb, "history")).stdout
    assert "blank.xlsx" in table


def test_undo_of_a_nil_return(rdb: Db, tmp_path: Path) -> None:
    blank = template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")
    ok(kc(rdb, "import", blank, "--received", "2020-07-05"))
    assert returns_grid(rdb)["suzhou"]["2020-06"] == "received"
    [batch] = history(rdb)
    ok(kc(rdb, "undo", batch["id"]))
    assert returns_grid(rdb)["suzhou"]["2020-06"] == "missing"
    assert [b["state"] for b in history(rdb)] == ["undone"]
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-06", this=3)))  # no --replace needed now
    assert amount(rdb, TMT, "suzhou", "2020-06") == 3


def test_nil_return_between_cumulative_months(rdb: Db, tmp_path: Path) -> None:
    """May 5; June a nil return; July 累计 9 only: July 4 (the nil June is 0 new)."""
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-05", this=5)))
    ok(kc(rdb, "import", template(rdb, tmp_path / "blank.xlsx", "苏州", "2020-06")))
    ok(kc(rdb, "import", city_return(rdb, tmp_path, "2020-07", cum=9)))
    assert series(rdb) == [None, 5, None, 4]


# == long sheets ====================================================================================


def test_long_sheet_of_several_units_and_months_with_blank_rows(rdb: Db, tmp_path: Path) -> None:
    """苏州 May 3 / June 4, 无锡's rows all blank, 常州 June 2, an empty row between: three returns,
    no nil return for 无锡."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["code", "unit", "month", "this_month", "cumulative"],
            [TMT, "苏州", "2020-05", 3, None],
            [TMT, "无锡", "2020-05", None, None],
            [None, None, None, None, None],
            [TMT, "苏州", "2020-06", 4, 7],
            [TMT, "无锡", "2020-06", None, None],
            [],
            [TMT, "常州", "2020-06", 2, None],
        ],
    )
    data = imported(rdb, path, "--received", "2020-07-05")
    assert data["nil_returns"] == 0
    assert series(rdb) == [None, 3, 4, None]
    assert series(rdb, "wuxi") == [None, None, None, None]
    assert series(rdb, "changzhou") == [None, None, 2, None]
    assert sorted((b["unit"], b["month"]) for b in history(rdb)) == [
        ("changzhou", "2020-06"),
        ("suzhou", "2020-05"),
        ("suzhou", "2020-06"),
    ]
    assert returns_grid(rdb)["wuxi"]["2020-06"] != "received"
    assert returns_grid(rdb)["wuxi"]["2020-05"] != "received"
    assert target_row(status_json(rdb, "2020-06"), TMT)["actual"] == 9


def test_long_sheet_that_is_wholly_blank_is_not_a_nil_return(rdb: Db, tmp_path: Path) -> None:
    path = long_workbook(tmp_path / "long.xlsx", [(TMT, "苏州", "2020-06", None), (TMT, "无锡", "2020-06", None)])
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    no_traceback(result)
    assert counts(rdb)["batch"] == 0
    assert db_files(rdb) == before
    assert returns_grid(rdb)["suzhou"]["2020-06"] != "received"


@pytest.mark.parametrize(
    ("code", "unit"),
    [(TMT, "人才服务中心"), (PATENT, "苏州"), (TMT, "企业创新服务中心")],
    ids=["TMT-talent-centre", "PATENT-suzhou", "TMT-eic"],
)
def test_long_sheet_naming_a_unit_that_does_not_report_the_target(
    rdb: Db, tmp_path: Path, code: str, unit: str
) -> None:
    path = long_workbook(tmp_path / "long.xlsx", [(TMT, "无锡", "2020-06", 2), (code, unit, "2020-06", 3)])
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert any(f"{path}!汇总!{c}3:" in result.stderr for c in "ABD"), result.stderr
    assert db_files(rdb) == before


def test_long_sheet_unit_spelt_otherwise_lands_on_one_series(rdb: Db, tmp_path: Path) -> None:
    """苏州 / 苏州市 / 苏州市科协 / suzhou are one unit: May 2, June 累计 7 (5)."""
    path = plain_sheet(
        tmp_path / "long.xlsx",
        [
            ["指标编号", "填报单位", "月份", "本月完成", "累计完成"],
            [TMT, "苏州市科协", "2020年5月", 2, None],
            [TMT, "suzhou", "6月", None, 7],
        ],
    )
    ok(kc(rdb, "import", path))
    assert series(rdb) == [None, 2, 5, None]
