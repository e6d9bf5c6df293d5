"""累计 only, re-import, correction with and without --replace, history, undo, explain (issue 3, §2–3)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from backends import query
from returns_helpers import (
    OPERATOR,
    SHEET,
    Db,
    counts,
    db_files,
    explain,
    fill,
    history,
    kc,
    milestone_row,
    ok,
    problem_lines,
    returns_db,
    share,
    status_json,
    template,
)
from tables import body, cells

from kctrack.i18n import tr


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


def _suzhou(db: Db, month: str = "2020-06") -> float:
    return share(status_json(db, month), "TECH_MANAGER_TEAMS", "苏州市")["actual"]


def _amounts(db: Db, code: str = "TECH_MANAGER_TEAMS", unit: str = "suzhou") -> list[tuple[str, float]]:
    """Each month's amount in force for a target and unit (derived from what the returns state)."""
    rows = query(
        db,
        "SELECT month, value FROM current_value WHERE target_code = ? AND unit_code = ? ORDER BY month",
        (code, unit),
    )
    return [(m, v) for m, v in rows]


def _form(db: Db, folder: Path, name: str, month: str, cells: dict, unit: str = "苏州") -> Path:
    return fill(template(db, folder / name, unit, month), cells)


# -- 累计完成 only ----------------------------------------------------------------------------


def test_cumulative_only_derives_the_month(rdb: Db, tmp_path: Path) -> None:
    may = _form(rdb, tmp_path, "may.xlsx", "2020-05", {"F6": 10})
    june = _form(rdb, tmp_path, "june.xlsx", "2020-06", {"F6": 16})
    ok(kc(rdb, "import", may))
    ok(kc(rdb, "import", june))
    records = [(r["month"], r["value"], r["cumulative"], r["cell"]) for b in history(rdb) for r in b["records"]]
    # a record keeps what its return stated (本月 none, 累计 10 and 16); the months' amounts are derived
    assert records == [("2020-05", None, 10, f"{SHEET}!F6"), ("2020-06", None, 16, f"{SHEET}!F6")]
    assert _amounts(rdb) == [("2020-05", 10), ("2020-06", 6)]
    assert _suzhou(rdb, "2020-05") == 10
    assert _suzhou(rdb, "2020-06") == 16


def test_cumulative_only_for_two_months_in_one_run(rdb: Db, tmp_path: Path) -> None:
    may = _form(rdb, tmp_path, "may.xlsx", "2020-05", {"F6": 10})
    june = _form(rdb, tmp_path, "june.xlsx", "2020-06", {"F6": 16})
    ok(kc(rdb, "import", june, may))  # the order on the command line does not matter
    assert _amounts(rdb) == [("2020-05", 10), ("2020-06", 6)]
    assert _suzhou(rdb) == 16


def test_cumulative_over_several_earlier_months(rdb: Db, tmp_path: Path) -> None:
    """April 3 + May 4 (this_month), then June cumulative 12 → June's amount 12 − 7 = 5."""
    ok(kc(rdb, "import", _form(rdb, tmp_path, "apr.xlsx", "2020-04", {"E6": 3})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "may.xlsx", "2020-05", {"E6": 4})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "june.xlsx", "2020-06", {"F6": 12})))
    assert _amounts(rdb) == [("2020-04", 3), ("2020-05", 4), ("2020-06", 5)]
    assert _suzhou(rdb) == 12


def test_both_columns_filled_uses_this_month(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "import", _form(rdb, tmp_path, "may.xlsx", "2020-05", {"E6": 10})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "june.xlsx", "2020-06", {"E6": 4, "F6": 14})))
    record = history(rdb)[-1]["records"][0]
    assert (record["value"], record["cumulative"], record["cell"]) == (4, 14, f"{SHEET}!E6")
    assert _suzhou(rdb) == 14


# -- re-import and corrections --------------------------------------------------------------------


def test_reimport_of_the_same_file_changes_nothing(rdb: Db, tmp_path: Path) -> None:
    path = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5, "E7": "完成"})
    ok(kc(rdb, "import", path))
    before, rows = db_files(rdb), counts(rdb)
    result = ok(kc(rdb, "import", path))
    assert tr("imp_skipped", "zh", file=path, unit="苏州市", month="2020-06", batch=1) in result.stderr
    assert "1 个文件，0 份月报：新增 0，修改 0，不变 0，移除 0，拒绝 0" in result.stderr
    assert counts(rdb) == rows == {"batch": 1, "record": 2, "current_value": 2}
    assert db_files(rdb) == before
    assert _suzhou(rdb) == 5


def test_reimport_of_a_renamed_copy_is_still_skipped(rdb: Db, tmp_path: Path) -> None:
    """The same bytes under another name: recognised by its hash."""
    path = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", path))
    copy = tmp_path / "sz (1).xlsx"
    copy.write_bytes(path.read_bytes())
    result = ok(kc(rdb, "import", copy))
    assert "跳过" in result.stderr
    assert counts(rdb)["batch"] == 1


def test_correction_without_replace_is_refused(rdb: Db, tmp_path: Path) -> None:
    path = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", path))
    fill(path, {"E6": 7})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    reason = tr("imp_already", "zh", unit="苏州市", month="2020-06", batch=1, source=path)
    assert problem_lines(result) == [f"{path}!{SHEET}: {reason}"]
    assert "批次 1" in reason and "--replace" in reason
    assert db_files(rdb) == before
    assert _suzhou(rdb) == 5


def test_correction_with_replace_supersedes_then_undo_restores(rdb: Db, tmp_path: Path) -> None:
    path = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5, "E7": "完成"})
    ok(kc(rdb, "import", path))
    corrected = _form(rdb, tmp_path, "sz-corrected.xlsx", "2020-06", {"E6": 7})  # milestone no longer claimed
    result = ok(kc(rdb, "import", corrected, "--replace"))
    assert "1 个文件，1 份月报：新增 0，修改 1，不变 0，移除 1，拒绝 0" in result.stderr
    assert "已导入，批次 2" in result.stderr
    status = status_json(rdb)
    assert share(status, "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 7
    # 苏州's own view (the province's waits for all 13 cities)
    assert milestone_row(status_json(rdb, "2020-06", "--unit", "苏州"), "M_CITY_SPECIAL_BODIES")["done_on"] is None

    first, second = history(rdb)
    for b in (first, second):
        assert {"id", "created", "operator", "source", "records"} <= b.keys()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", b["created"])
        assert b["operator"] == OPERATOR
    assert (first["id"], first["source"], first["state"], first["superseded_by"]) == (1, str(path), "superseded", 2)
    assert (second["id"], second["source"], second["state"], second["supersedes"]) == (2, str(corrected), "live", [1])
    assert [(r["target"], r["value"]) for r in first["records"]] == [
        ("TECH_MANAGER_TEAMS", 5),
        ("M_CITY_SPECIAL_BODIES", 1),
    ]
    assert [(r["target"], r["value"]) for r in second["records"]] == [("TECH_MANAGER_TEAMS", 7)]

    result = ok(kc(rdb, "undo", 2))
    assert tr("undone", "zh", batch=2, source=corrected, records=1) in result.stdout
    assert tr("undone_restored", "zh", batches="1") in result.stdout
    status = status_json(rdb)
    assert share(status, "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 5
    assert milestone_row(status_json(rdb, "2020-06", "--unit", "苏州"), "M_CITY_SPECIAL_BODIES")["done_on"] == "2020-06"
    first, second = history(rdb)
    assert (first["state"], first["superseded_by"]) == ("live", None)
    assert second["state"] == "undone" and second["undone_by"] == OPERATOR

    # undo twice → error, nothing changes
    before = db_files(rdb)
    again = kc(rdb, "undo", 2)
    assert again.exit_code == 1
    assert again.stderr.startswith("2: 批次 2 已于 ")
    assert again.stderr.rstrip().endswith(" 撤销")
    assert db_files(rdb) == before


def test_undo_of_a_superseded_batch_is_refused(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "import", _form(rdb, tmp_path, "a.xlsx", "2020-06", {"E6": 5})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "b.xlsx", "2020-06", {"E6": 6}), "--replace"))
    result = kc(rdb, "undo", 1)
    assert result.exit_code == 1
    assert tr("undo_superseded", "zh", batch=1, newer=2) in result.stderr
    assert _suzhou(rdb) == 6


def test_undo_of_an_import_batch(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "import", _form(rdb, tmp_path, "may.xlsx", "2020-05", {"E6": 2})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "june.xlsx", "2020-06", {"E6": 5})))
    ok(kc(rdb, "undo", 2))
    assert _suzhou(rdb) == 2
    assert counts(rdb) == {"batch": 2, "record": 2, "current_value": 1}
    # the return may now be imported afresh, without --replace
    ok(kc(rdb, "import", _form(rdb, tmp_path, "june2.xlsx", "2020-06", {"E6": 4})))
    assert _suzhou(rdb) == 6


def test_undo_of_a_record_batch(rdb: Db) -> None:
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-06", "--unit", "苏州"))
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "4", "--month", "2020-06", "--unit", "苏州"))  # a correction
    assert _suzhou(rdb) == 4
    result = ok(kc(rdb, "undo", 2))
    assert tr("undone", "zh", batch=2, source="kctrack record TECH_MANAGER_TEAMS 4 --month 2020-06", records=1) in (
        result.stdout
    )
    assert _suzhou(rdb) == 3  # the earlier record counts again
    ok(kc(rdb, "undo", 1))
    assert _suzhou(rdb) == 0
    assert kc(rdb, "undo", 1).exit_code == 1


def test_undo_of_no_such_batch(rdb: Db) -> None:
    result = kc(rdb, "undo", 99)
    assert result.exit_code == 1
    assert tr("undo_no_batch", "zh", batch=99) in result.stderr


def test_history_filters_by_target_and_unit(rdb: Db, tmp_path: Path) -> None:
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "wx.xlsx", "2020-06", {"E6": 4}, unit="无锡")))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "talent.xlsx", "2020-06", {"E6": 50}, unit="人才服务中心")))
    assert [b["unit"] for b in history(rdb)] == ["suzhou", "wuxi", "talent_centre"]
    assert [b["unit"] for b in history(rdb, "--unit", "无锡")] == ["wuxi"]
    assert [b["unit"] for b in history(rdb, "--target", "TECH_MANAGER_TEAMS")] == ["suzhou", "wuxi"]
    assert [b["unit"] for b in history(rdb, "--target", "EXPERT_POOL")] == ["talent_centre"]


# -- explain -------------------------------------------------------------------------------------


def test_explain_names_the_cell_of_each_figure(rdb: Db, tmp_path: Path) -> None:
    may = _form(rdb, tmp_path, "may.xlsx", "2020-05", {"E6": 2})
    june = _form(rdb, tmp_path, "june.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", may, june))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "wx.xlsx", "2020-06", {"E6": 4}, unit="无锡")))
    e = explain(rdb, "TECH_MANAGER_TEAMS", "--unit", "苏州", "--as-of", "2020-06")
    assert (e["code"], e["unit"], e["as_of"], e["total"]) == ("TECH_MANAGER_TEAMS", "suzhou", "2020-06", 7)
    assert [(r["month"], r["value"], r["source"], r["counts"]) for r in e["records"]] == [
        ("2020-05", 2, f"{may}!{SHEET}!E6", True),
        ("2020-06", 5, f"{june}!{SHEET}!E6", True),
    ]
    assert {r["operator"] for r in e["records"]} == {OPERATOR}
    whole = explain(rdb, "TECH_MANAGER_TEAMS", "--as-of", "2020-06")
    assert whole["total"] == 11
    assert sorted(r["unit"] for r in whole["records"]) == ["suzhou", "suzhou", "wuxi"]
    # as of May only May's figure
    assert explain(rdb, "TECH_MANAGER_TEAMS", "--unit", "苏州", "--as-of", "2020-05")["total"] == 2


def test_explain_after_a_correction(rdb: Db, tmp_path: Path) -> None:
    first = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", first))
    corrected = _form(rdb, tmp_path, "sz-v2.xlsx", "2020-06", {"F6": 7})  # only 累计 this time
    ok(kc(rdb, "import", corrected, "--replace"))
    e = explain(rdb, "TECH_MANAGER_TEAMS", "--unit", "苏州", "--as-of", "2020-06")
    assert e["total"] == 7
    assert [(r["batch"], r["value"], r["source"], r["counts"], r["why_not"]) for r in e["records"]] == [
        (2, 7, f"{corrected}!{SHEET}!F6", True, None),
        (1, 5, f"{first}!{SHEET}!E6", False, "superseded"),
    ]
    ok(kc(rdb, "undo", 2))
    e = explain(rdb, "TECH_MANAGER_TEAMS", "--unit", "苏州", "--as-of", "2020-06")
    assert e["total"] == 5
    assert [(r["batch"], r["counts"], r["why_not"]) for r in e["records"]] == [(2, False, "undone"), (1, True, None)]


def test_explain_table_lists_at_most_its_limit(rdb: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # three records: 苏州 May 2 and June 5, 无锡 June 4 (listed by unit code, then month: suzhou, suzhou, wuxi)
    may = _form(rdb, tmp_path, "may.xlsx", "2020-05", {"E6": 2})
    june = _form(rdb, tmp_path, "june.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", may, june))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "wx.xlsx", "2020-06", {"E6": 4}, unit="无锡")))
    args = ("--no-color", "explain", "TECH_MANAGER_TEAMS", "--as-of", "2020-06")
    cut = ok(kc(rdb, *args, "--limit", "2", env={"COLUMNS": "200"}))
    rows = body(cut.stdout)  # one line a record at 200 columns
    assert len(rows) == 2 and all("苏州市" in line for line in rows)
    assert "无锡市" not in cut.stdout
    assert "截至 2020-06 累计 11" in cut.stdout  # the total still counts every record
    assert tr("explain_limited", "zh", shown="2", total="3") in cut.stderr
    # --limit 0 lists all, with no notice; so does a limit above the count
    for limit in ("0", "3"):
        whole = ok(kc(rdb, *args, "--limit", limit, env={"COLUMNS": "200"}))
        assert len(body(whole.stdout)) == 3
        assert whole.stderr == ""
    # json lists every record unless told; told, it lists that many and keeps the whole total
    assert len(explain(rdb, "TECH_MANAGER_TEAMS", "--as-of", "2020-06")["records"]) == 3
    one = explain(rdb, "TECH_MANAGER_TEAMS", "--as-of", "2020-06", "--limit", "1")
    assert (len(one["records"]), one["records_in_all"], one["total"]) == (1, 3, 11)
    # the table's default limit applies with no --limit (300 in use; 2 here)
    monkeypatch.setattr("kctrack.cli.TABLE_ROWS", 2)
    default = ok(kc(rdb, "--lang", "en", *args, env={"COLUMNS": "200"}))
    assert tr("explain_limited", "en", shown="2", total="3") in default.stderr


def test_explain_a_record_names_the_command(rdb: Db) -> None:
    ok(kc(rdb, "record", "EXPERT_POOL", "40", "--month", "2020-05"))
    e = explain(rdb, "EXPERT_POOL", "--as-of", "2020-06")
    assert [(r["value"], r["source"], r["counts"]) for r in e["records"]] == [
        (40, "kctrack record EXPERT_POOL 40 --month 2020-05", True)
    ]


def test_reimport_after_undo_imports_again(rdb: Db, tmp_path: Path) -> None:
    path = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})
    ok(kc(rdb, "import", path))
    ok(kc(rdb, "undo", 1))
    assert _suzhou(rdb) == 0
    result = ok(kc(rdb, "import", path))
    assert "已导入，批次 2" in result.stderr
    assert _suzhou(rdb) == 5


def test_one_import_of_several_returns_numbers_its_batches_after_the_last(rdb: Db, tmp_path: Path) -> None:
    # batch ids are taken up front for the whole import: after a record (batch 1) and an undone one (2),
    # two returns in one run become batches 3 and 4, each holding its own unit's figure and cell
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "1", "--month", "2020-05", "--unit", "苏州"))
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "9", "--month", "2020-05", "--unit", "无锡"))
    ok(kc(rdb, "undo", 2))
    sz = _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})
    wx = _form(rdb, tmp_path, "wx.xlsx", "2020-06", {"E6": 7}, unit="无锡")
    result = ok(kc(rdb, "import", sz, wx))
    assert "已导入，批次 3、4" in result.stderr
    batches = {b["id"]: b for b in history(rdb)}
    assert sorted(batches) == [1, 2, 3, 4]
    imported = {b["source"]: b for b in batches.values() if b["id"] >= 3}
    assert [(r["value"], r["cell"]) for r in imported[str(sz)]["records"]] == [(5, f"{SHEET}!E6")]
    assert [(r["value"], r["cell"]) for r in imported[str(wx)]["records"]] == [(7, f"{SHEET}!E6")]
    assert _suzhou(rdb) == 6
    assert share(status_json(rdb, "2020-06"), "TECH_MANAGER_TEAMS", "无锡市")["actual"] == 7


def test_history_lists_the_newest_batches_up_to_its_limit(
    rdb: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # batch 1: 苏州's June return; 2: a record for 无锡; 3: 苏州's corrected June return, replacing 1
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5})))
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-07", "--unit", "无锡"))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz-v2.xlsx", "2020-06", {"E6": 6}), "--replace"))
    table = ok(kc(rdb, "--no-color", "history", "--limit", "2", env={"COLUMNS": "200"}))
    ids = [line.split()[0] for line in body(table.stdout)]
    assert ids == ["2", "3"]  # the newest two, oldest first
    assert tr("history_limited", "zh", shown="2", total="3") in table.stderr
    # what batch 3 replaced is named though batch 1 is outside the window
    assert tr("batch_replaces", "zh", ids="1") in table.stdout
    (only,) = history(rdb, "--limit", "1")
    assert (only["id"], only["supersedes"], [r["value"] for r in only["records"]]) == (3, [1], [6])
    # json lists all unless told; a filter counts only what it matches
    assert [b["id"] for b in history(rdb)] == [1, 2, 3]
    mine = ok(kc(rdb, "history", "--unit", "苏州", "--limit", "1", env={"COLUMNS": "200"}))
    assert tr("history_limited", "zh", shown="1", total="2") in mine.stderr
    assert ok(kc(rdb, "history", "--limit", "0")).stderr == ""
    monkeypatch.setattr("kctrack.cli.TABLE_ROWS", 1)
    assert tr("history_limited", "en", shown="1", total="3") in ok(kc(rdb, "--lang", "en", "history")).stderr
    # json says how many there are when it lists fewer
    whole = json.loads(ok(kc(rdb, "history", "--format", "json", "--limit", "2")).stdout)
    assert ([b["id"] for b in whole["batches"]], whole["batches_in_all"]) == ([2, 3], 3)


def test_history_of_a_target_within_a_window(rdb: Db, tmp_path: Path) -> None:
    # a filtered window has gaps: batch 3 (苏州's June return again, with only the milestone) replaces
    # batch 1 but does not touch TECH_MANAGER_TEAMS, so the target's newest two are 2 and 4
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5, "E7": "完成"})))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "wx6.xlsx", "2020-06", {"E6": 4}, unit="无锡")))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz-v2.xlsx", "2020-06", {"E7": "完成"}), "--replace"))
    ok(kc(rdb, "import", _form(rdb, tmp_path, "wx7.xlsx", "2020-07", {"E6": 6}, unit="无锡")))
    assert [b["id"] for b in history(rdb, "--target", "TECH_MANAGER_TEAMS")] == [1, 2, 4]
    window = json.loads(
        ok(kc(rdb, "history", "--target", "TECH_MANAGER_TEAMS", "--limit", "2", "--format", "json")).stdout
    )
    assert [(b["id"], b["supersedes"]) for b in window["batches"]] == [(2, []), (4, [])]
    assert window["batches_in_all"] == 3
    table = ok(kc(rdb, "--no-color", "history", "--target", "TECH_MANAGER_TEAMS", "--limit", "2"))
    assert tr("history_limited", "zh", shown="2", total="3") in table.stderr
    # unfiltered, the newest two are 3 and 4, and 3 names the batch it replaced from outside the window
    assert [(b["id"], b["supersedes"]) for b in history(rdb, "--limit", "2")] == [(3, [1]), (4, [])]


def test_history_table_counts_each_batch_and_places_a_record(rdb: Db, tmp_path: Path) -> None:
    # the table loads only counts for imported returns, and the records of a `record` batch (whose
    # unit and month are on its record, not on the batch)
    ok(kc(rdb, "import", _form(rdb, tmp_path, "sz.xlsx", "2020-06", {"E6": 5, "E7": "完成"})))  # a figure, a milestone
    ok(kc(rdb, "record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-07", "--unit", "无锡"))
    out = ok(kc(rdb, "--no-color", "history", env={"COLUMNS": "200"})).stdout
    # batch, run, time, operator, source, unit, month, records, state
    assert [(r[0], r[5], r[6], r[7]) for r in cells(out)[1:]] == [
        ("1", "苏州市", "2020-06", "2"),
        ("2", "无锡市", "2020-07", "1"),
    ]
