"""The commands: init, targets, record, status, demo (CliRunner on tmp_path databases).

Expected values and states are computed by hand from the schedule rules (plan
start 2020-04; expected = value × months done ÷ months to the deadline; behind
below 100 %, off_track below 80 % of expected) and written next to each check.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    OPERATOR,
    TMT_QUOTA_ZH,
    Db,
    clean_env,
    copied,
    csv_rows,
    db_dump,
    db_state,
    find_target,
    is_initialised,
    is_pg,
    kc,
    milestone_row,
    ok,
    plan_dict,
    query,
    run,
    share_row,
    status_json,
    target_row,
    write_plan,
)

from kctrack.store import SCHEMA_HEAD

TMT = "TECH_MANAGER_TEAMS"  # 200 teams due 2020-07, split by city
HAIZHI = "HAIZHI_EVENTS"  # 200 events due 2020-12, reported by 国际部 alone

# What the scenario records (code, value, month, unit as typed).
SCENARIO: list[tuple[str, str, str, str | None]] = [
    (TMT, "10", "2020-04", "苏州"),
    (TMT, "5", "2020-05", "苏州市"),
    (TMT, "3", "2020-05", "宿迁市科协"),  # the alias
    (TMT, "9", "2020-05", "Wuxi"),  # the English name
    (TMT, "15", "2020-06", "南京"),
    (TMT, "3", "2020-06", "宿迁"),
    (HAIZHI, "30", "2020-04", None),  # one reporting unit: --unit not needed
    (HAIZHI, "40", "2020-06", "国际部"),
    ("M_2020_04_SURVEY", "done", "2020-04", None),  # no responsible unit: the office records it
    ("M_2020_05_SERVICE_TEAMS", "done", "2020-06", None),  # due 2020-05, done a month late
]


def record_all(db: Db, env: dict[str, str | None] | None = None) -> None:
    for code, value, month, unit in SCENARIO:
        args = ["record", code, value, "--month", month] + (["--unit", unit] if unit else [])
        ok(kc(db, *args, env=env))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, pristine: Db) -> Iterator[Db]:
    """The scenario recorded once into a copy of the pristine database; tests only read it."""
    with copied(pristine, tmp_path_factory.mktemp("scenario") / "kctrack.db") as path:
        record_all(path, clean_env())
        yield path


def is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


# -- init ---------------------------------------------------------------------------------------------


def test_init_creates_a_migrated_database(empty_db: Db, tmp_path: Path) -> None:
    # a SQLite file in a folder that does not exist yet; an empty PostgreSQL database
    path = empty_db if is_pg(empty_db) else tmp_path / "sub" / "kctrack.db"
    result = ok(kc(path, "--lang", "en", "init"))
    assert is_initialised(path)
    assert f"initialised {path}" in result.stdout
    assert query(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert query(path, "SELECT count(*), max(code), max(operator) FROM plan_version") == [(1, "JS-2020-71", OPERATOR)]
    # every target and milestone of the file is a code records may use; the 13 cities are units
    data = plan_dict()
    codes = {t["code"] for t in data["targets"]} | {m["code"] for m in data["milestones"]}
    assert {c for (c,) in query(path, "SELECT code FROM target WHERE active")} == codes
    assert query(path, "SELECT count(*) FROM unit WHERE kind = 'city'") == [(13,)]


def test_init_in_the_current_folder_by_default(chdir_tmp: Path) -> None:
    ok(run("init"))
    assert (chdir_tmp / "kctrack.db").exists()


def test_init_takes_the_database_from_kctrack_db(empty_db: Db) -> None:
    ok(run("init", env={"KCTRACK_DB": str(empty_db)}))
    assert is_initialised(empty_db)


def test_init_is_idempotent(db: Db) -> None:
    before = db_dump(db)
    result = ok(kc(db, "--lang", "en", "init"))
    assert "up to date" in result.stdout
    assert "unchanged" in result.stdout
    assert db_dump(db) == before
    assert query(db, "SELECT count(*) FROM plan_version") == [(1,)]


def edited_plan(tmp_path: Path, change_value: bool = True) -> Path:
    """A copy of the plan: EXPERT_POOL 500 → 600, NEW_EVENTS added, OVERSEAS_GROUPS_MOBILISED removed."""
    data = plan_dict()
    if change_value:
        find_target(data, "EXPERT_POOL")["value"] = 600
    new = dict(find_target(data, "LANDED_PROJECTS"))
    new.update(code="NEW_EVENTS", value=12, name={"zh": "新增活动", "en": "New events"}, source="新增活动12场")
    new.pop("note", None)
    data["targets"].append(new)
    data["targets"] = [t for t in data["targets"] if t["code"] != "OVERSEAS_GROUPS_MOBILISED"]
    return write_plan(tmp_path / "edited.yaml", data)


def test_init_reports_what_a_plan_edit_changed(db: Db, tmp_path: Path) -> None:
    plan = edited_plan(tmp_path)
    result = kc(db, "--lang", "en", "init", "--plan", plan)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    out = ok(result).stdout
    assert "1 added, 1 removed, 1 changed" in out
    assert "added NEW_EVENTS" in out
    assert "removed OVERSEAS_GROUPS_MOBILISED" in out
    change = [line for line in out.splitlines() if "EXPERT_POOL.value" in line]
    assert len(change) == 1
    assert "500" in change[0] and "600" in change[0]
    assert change[0].index("500") < change[0].index("600")  # old → new
    # the plan in force is the new one; the removed code is kept, inactive
    assert query(db, "SELECT count(*) FROM plan_version") == [(2,)]
    assert query(db, "SELECT active FROM target WHERE code = 'OVERSEAS_GROUPS_MOBILISED'") == [(0,)]
    assert query(db, "SELECT active FROM target WHERE code = 'NEW_EVENTS'") == [(1,)]
    data = status_json(db, "2020-06")
    codes = [t["code"] for t in data["targets"]]
    assert "NEW_EVENTS" in codes
    assert "OVERSEAS_GROUPS_MOBILISED" not in codes
    assert target_row(data, "EXPERT_POOL")["target"] == 600
    # 600 due 2020-07 at 2020-06: 600 × 3 / 4 = 450
    assert target_row(data, "EXPERT_POOL")["expected"] == 450
    # loading the same edited file again changes nothing
    again = ok(kc(db, "--lang", "en", "init", "--plan", plan))
    assert "unchanged" in again.stdout
    assert query(db, "SELECT count(*) FROM plan_version") == [(2,)]


def test_init_keeps_records_of_a_removed_target(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "record", "OVERSEAS_GROUPS_MOBILISED", "4", "--month", "2020-05"))
    result = ok(kc(db, "--lang", "en", "init", "--plan", edited_plan(tmp_path, change_value=False)))
    assert "1 added, 1 removed, 0 changed" in result.stdout
    assert query(db, "SELECT value FROM record WHERE target_code = 'OVERSEAS_GROUPS_MOBILISED'") == [(4.0,)]


# -- targets ------------------------------------------------------------------------------------------


def test_targets_json_contract(db: Db) -> None:
    data = json.loads(ok(kc(db, "targets", "--format", "json")).stdout)
    assert {"plan", "targets", "milestones"} <= set(data)
    assert data["plan"] == "JS-2020-71"
    plan = plan_dict()
    # the commitments are the targets; the resources drawn on (kind: resource) are listed apart
    commitments = [t["code"] for t in plan["targets"] if t.get("kind", "commitment") == "commitment"]
    resources = [t["code"] for t in plan["targets"] if t.get("kind") == "resource"]
    assert (len(commitments), len(resources)) == (28, 6)
    assert [t["code"] for t in data["targets"]] == commitments
    assert [r["code"] for r in data["resources"]] == resources
    assert {"code", "name", "available", "task"} <= set(data["resources"][0])
    assert "deadline" not in data["resources"][0] and "state" not in data["resources"][0]
    assert [m["code"] for m in data["milestones"]] == [m["code"] for m in plan["milestones"]]
    for t in data["targets"]:
        assert {"code", "name", "target", "deadline", "breakdown"} <= set(t), t["code"]
        assert is_number(t["target"]), t["code"]
        for share in t["breakdown"]:
            assert set(share) == {"unit", "target"}
            assert is_number(share["target"])
    for m in data["milestones"]:
        assert {"code", "name", "due"} <= set(m)
    tmt = next(t for t in data["targets"] if t["code"] == TMT)
    assert (tmt["target"], tmt["deadline"]) == (200, "2020-07")
    assert {s["unit"]: s["target"] for s in tmt["breakdown"]} == TMT_QUOTA_ZH
    firms = next(t for t in data["targets"] if t["code"] == "FIRMS_SERVED")
    assert (firms["target"], firms["minimum"], firms["deadline"], firms["breakdown"]) == (1000, True, "2020-12", [])
    pushes = next(t for t in data["targets"] if t["code"] == "PATENT_INFO_PUSHES")
    assert pushes["target"] == 1500000


def test_targets_json_in_english(db: Db) -> None:
    data = json.loads(ok(kc(db, "--lang", "en", "targets", "--format", "json")).stdout)
    tmt = next(t for t in data["targets"] if t["code"] == TMT)
    assert tmt["unit_of_measure"] == "teams"
    assert {"Suzhou": 25, "Suqian": 6}.items() <= {s["unit"]: s["target"] for s in tmt["breakdown"]}.items()


def test_targets_without_a_database_shows_the_bundled_plan(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    data = json.loads(ok(kc(path, "targets", "--format", "json")).stdout)
    assert data["plan"] == "JS-2020-71"
    assert not path.exists()


def test_targets_csv(db: Db) -> None:
    # csv is for people: headers and words in --lang, Chinese by default (the JSON keeps the English keys)
    rows = csv_rows(ok(kc(db, "targets", "--format", "csv")).stdout)
    plan = plan_dict()
    assert len(rows) == len(plan["targets"]) + len(plan["milestones"])
    tmt = next(r for r in rows if r["编号"] == TMT)
    assert (tmt["类型"], tmt["目标"], tmt["至少"], tmt["截止"]) == ("目标", "200", "否", "2020-07")
    assert "苏州市=25" in tmt["分解"]
    assert "宿迁市=6" in tmt["分解"]
    survey = next(r for r in rows if r["编号"] == "M_2020_04_SURVEY")
    assert (survey["类型"], survey["截止"]) == ("里程碑", "2020-04")


def test_targets_table(db: Db) -> None:
    out = ok(kc(db, "targets")).stdout
    assert "\x1b" not in out
    line = next(line for line in out.splitlines() if TMT in line)
    assert "200" in line
    assert "2020-07" in line
    # the quotas as the document words them, grouped by quota; each city a word of its own
    assert "25：苏州市 无锡市 常州市 镇江市 南京市； 15：扬州市 泰州市 南通市" in out
    assert "M_2020_12_PLAN_2021" in out


# -- record ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["苏州", "苏州市", "苏州市科协", "Suzhou", "suzhou", "Suzhou City", " 苏州 "])
def test_record_unit_by_any_of_its_names(db: Db, name: str) -> None:
    result = ok(kc(db, "record", TMT, "4", "--month", "2020-05", "--unit", name))
    assert "苏州市" in result.stdout
    assert query(db, "SELECT target_code, unit_code, month, value FROM record") == [(TMT, "suzhou", "2020-05", 4.0)]


def test_record_writes_one_batch_with_its_source(db: Db) -> None:
    result = ok(kc(db, "--lang", "en", "record", TMT, "7", "--month", "2020-06", "--unit", "南京", "--note", "园区"))
    assert "recorded TECH_MANAGER_TEAMS · Nanjing · 2020-06: 7" in result.stdout
    rows = query(
        db, "SELECT b.kind, b.operator, b.source, r.note, r.value FROM record r JOIN batch b ON b.id = r.batch_id"
    )
    assert len(rows) == 1
    kind, operator, source, note, value = rows[0]
    assert (kind, operator, note, value) == ("record", OPERATOR, "园区", 7.0)
    assert source.startswith(f"kctrack record {TMT} 7")
    assert query(db, "SELECT target_code, unit_code, month, value FROM current_value") == [
        (TMT, "nanjing", "2020-06", 7.0)
    ]


def test_a_correction_keeps_history_and_status_uses_the_newest(db: Db) -> None:
    ok(kc(db, "record", TMT, "5", "--month", "2020-05", "--unit", "苏州"))
    ok(kc(db, "record", TMT, "2", "--month", "2020-04", "--unit", "苏州"))
    result = ok(kc(db, "--lang", "en", "record", TMT, "8", "--month", "2020-05", "--unit", "苏州市"))
    assert "corrected" in result.stdout
    assert "5 → 8" in result.stdout
    # every figure stays in history; the newest is the one in force
    key = (TMT, "suzhou", "2020-05")
    assert query(db, "SELECT value FROM record WHERE target_code=? AND unit_code=? AND month=? ORDER BY id", key) == [
        (5.0,),
        (8.0,),
    ]
    assert query(db, "SELECT count(*) FROM record") == [(3,)]
    assert query(db, "SELECT value FROM current_value WHERE target_code=? AND unit_code=? AND month=?", key) == [(8.0,)]
    # 苏州 as of 2020-05: 2 (April) + 8 (May, corrected from 5) = 10; expected 25 × 2 / 4 = 12.5;
    # 10 ≥ 0.8 × 12.5 = 10 → behind (with the old 5 it would be 7: off_track)
    data = status_json(db, "2020-05")
    s = share_row(data, TMT, "苏州市")
    assert (s["actual"], s["expected"], s["state"]) == (10, 12.5, "behind")
    assert target_row(data, TMT)["actual"] == 10


def test_a_milestone_recorded_done(db: Db) -> None:
    # M_2020_08_REVIEW: due 2020-08 (7至8月份), no responsible unit: the office records it
    ok(kc(db, "record", "M_2020_08_REVIEW", "done", "--month", "2020-07"))
    assert query(db, "SELECT unit_code, month, value FROM record") == [("enterprise_office", "2020-07", 1.0)]
    assert milestone_row(status_json(db, "2020-06"), "M_2020_08_REVIEW") == {
        "code": "M_2020_08_REVIEW",
        "name": "组织调研服务企业科技创新专项行动和试点工作服务成效",
        "due": "2020-08",
        "state": "pending",  # done in July: not yet done as of June, and not yet due
        "done_on": None,
        "months_late": 0,
        "units_done": 0,  # one unit responsible (the office), which had not done it by June
        "units": 1,
    }
    m = milestone_row(status_json(db, "2020-07"), "M_2020_08_REVIEW")
    assert (m["state"], m["done_on"]) == ("done", "2020-07")
    m = milestone_row(status_json(db, "2020-09"), "M_2020_08_REVIEW")
    assert (m["state"], m["done_on"]) == ("done", "2020-07")


@pytest.mark.parametrize("word", ["done", "DONE", "完成"])
def test_done_in_either_language(db: Db, word: str) -> None:
    ok(kc(db, "record", "M_2020_04_DRAFT_PLAN", word, "--month", "2020-04"))
    m = milestone_row(status_json(db, "2020-04"), "M_2020_04_DRAFT_PLAN")
    assert m["state"] == "done"


# -- status: hand-computed values at several months ----------------------------------------------------------


def test_status_as_of_april(scenario: Db) -> None:
    data = status_json(scenario, "2020-04")
    assert data["as_of"] == "2020-04"
    t = target_row(data, TMT)
    # 苏州 10; expected 200 × 1 / 4 = 50; 10 < 0.8 × 50 = 40 → off_track; 10 / 200 = 5 %
    assert (t["actual"], t["expected"], t["percent"], t["state"]) == (10, 50, 5, "off_track")
    s = share_row(data, TMT, "苏州市")
    assert (s["target"], s["actual"], s["expected"], s["state"]) == (25, 10, 6.25, "on_track")  # 25 × 1/4 = 6.25
    s = share_row(data, TMT, "宿迁市")
    assert (s["target"], s["actual"], s["expected"], s["state"]) == (6, 0, 1.5, "off_track")  # 6 × 1/4 = 1.5
    h = target_row(data, HAIZHI)
    # 30 ≥ 200 × 1 / 9 = 22.22 → on_track; 30 / 200 = 15 %
    assert (h["actual"], h["percent"], h["state"]) == (30, 15, "on_track")
    assert h["expected"] == pytest.approx(200 / 9, abs=1e-4)
    assert h["breakdown"] == []  # not split
    m = milestone_row(data, "M_2020_04_SURVEY")
    assert (m["state"], m["done_on"]) == ("done", "2020-04")
    m = milestone_row(data, "M_2020_04_DRAFT_PLAN")
    assert (m["state"], m["done_on"]) == ("overdue", None)  # due 2020-04, as-of 2020-04: April closed undone
    m = milestone_row(data, "M_2020_05_SERVICE_TEAMS")
    assert (m["state"], m["done_on"]) == ("pending", None)  # done in June: not as of April


def test_status_as_of_may(scenario: Db) -> None:
    data = status_json(scenario, "2020-05")
    t = target_row(data, TMT)
    # 10 + 5 (苏州) + 3 (宿迁) + 9 (无锡) = 27; expected 200 × 2 / 4 = 100 (the example)
    # 27 < 80 → off_track; 27 / 200 = 13.5 %
    assert t["actual"] == 27
    assert (t["expected"], t["state"]) == (100, "off_track")
    assert t["percent"] == pytest.approx(13.5)
    # 苏州 15 ≥ 25 × 2 / 4 = 12.5 → on_track
    s = share_row(data, TMT, "苏州市")
    assert (s["actual"], s["expected"], s["state"]) == (15, 12.5, "on_track")
    # 宿迁 3 = 6 × 2 / 4 = 3: exactly the expected value → on_track
    s = share_row(data, TMT, "宿迁市")
    assert (s["actual"], s["expected"], s["state"]) == (3, 3, "on_track")
    # 无锡 9 < 0.8 × 12.5 = 10 → off_track
    s = share_row(data, TMT, "无锡市")
    assert s["actual"] == 9
    assert (s["expected"], s["state"]) == (12.5, "off_track")
    # 扬州 nothing: 15 × 2 / 4 = 7.5 expected
    s = share_row(data, TMT, "扬州市")
    assert (s["target"], s["actual"], s["expected"], s["state"]) == (15, 0, 7.5, "off_track")
    h = target_row(data, HAIZHI)
    # 30 < 0.8 × (200 × 2 / 9 = 44.44) = 35.56 → off_track
    assert h["expected"] == pytest.approx(400 / 9, abs=1e-4)
    assert (h["actual"], h["state"]) == (30, "off_track")
    assert milestone_row(data, "M_2020_04_DRAFT_PLAN")["state"] == "overdue"  # due April, not done
    assert milestone_row(data, "M_2020_05_SERVICE_TEAMS")["state"] == "overdue"  # its due month closed undone


def test_status_as_of_june(scenario: Db) -> None:
    data = status_json(scenario, "2020-06")
    t = target_row(data, TMT)
    # 27 + 15 (南京) + 3 (宿迁) = 45; expected 200 × 3 / 4 = 150; 45 / 200 = 22.5 %
    assert t["actual"] == 45
    assert (t["expected"], t["state"]) == (150, "off_track")
    assert t["percent"] == pytest.approx(22.5)
    # 苏州 15 and 南京 15 against 25 × 3 / 4 = 18.75: exactly 0.8 × 18.75 = 15 → behind
    for city in ("苏州市", "南京市"):
        s = share_row(data, TMT, city)
        assert (s["actual"], s["expected"], s["state"]) == (15, 18.75, "behind"), city
    # 宿迁 3 + 3 = 6 = its quota → done, a month before the deadline
    s = share_row(data, TMT, "宿迁市")
    assert (s["actual"], s["state"]) == (6, "done")
    # 无锡 9 < 15 → off_track
    assert share_row(data, TMT, "无锡市")["state"] == "off_track"
    h = target_row(data, HAIZHI)
    # 30 + 40 = 70 ≥ 200 × 3 / 9 = 66.67 → on_track; 70 / 200 = 35 %
    assert (h["actual"], h["percent"], h["state"]) == (70, 35, "on_track")
    assert h["expected"] == pytest.approx(200 / 3, abs=1e-4)
    m = milestone_row(data, "M_2020_05_SERVICE_TEAMS")
    # due May, done June: done late, by one month
    assert (m["state"], m["done_on"], m["months_late"]) == ("done_late", "2020-06", 1)
    # a target nobody reported: FIRMS_SERVED, 1000 × 3 / 9 = 333.33 expected
    f = target_row(data, "FIRMS_SERVED")
    assert (f["actual"], f["percent"], f["state"]) == (0, 0, "off_track")
    assert f["expected"] == pytest.approx(1000 / 3, abs=1e-4)


def test_status_as_of_july_the_deadline(scenario: Db) -> None:
    data = status_json(scenario, "2020-07")
    t = target_row(data, TMT)
    # the deadline month closes the target: expected = the whole 200; 45 < 200 → not achieved
    assert (t["expected"], t["state"]) == (200, "not_achieved")
    s = share_row(data, TMT, "苏州市")
    assert (s["expected"], s["state"]) == (25, "not_achieved")  # 15 < 25
    assert share_row(data, TMT, "宿迁市")["state"] == "done"
    h = target_row(data, HAIZHI)
    assert h["expected"] == pytest.approx(800 / 9, abs=1e-4)  # 200 × 4 / 9 = 88.89
    assert h["state"] == "off_track"  # 70 < 0.8 × 88.89 = 71.11


def test_status_as_of_august_after_the_deadline(scenario: Db) -> None:
    data = status_json(scenario, "2020-08")
    t = target_row(data, TMT)
    assert (t["expected"], t["state"]) == (200, "not_achieved")  # capped at the value; not reached
    s = share_row(data, TMT, "苏州市")
    assert (s["expected"], s["state"]) == (25, "not_achieved")
    assert share_row(data, TMT, "宿迁市")["state"] == "done"  # reached: done, never not achieved
    h = target_row(data, HAIZHI)
    assert h["expected"] == pytest.approx(1000 / 9, abs=1e-4)  # 200 × 5 / 9 = 111.11
    assert h["state"] == "off_track"
    m = milestone_row(data, "M_2020_08_REVIEW")
    assert m["state"] == "overdue"  # due August, as-of August: the month closed undone


def test_status_as_of_december(scenario: Db) -> None:
    data = status_json(scenario, "2020-12")
    h = target_row(data, HAIZHI)
    # the year's close: expected 200, 70 < 200 → not achieved (未完成), not "off track"
    assert (h["expected"], h["state"]) == (200, "not_achieved")
    assert data["closing"] is True
    assert {t["state"] for t in data["targets"]} <= {"done", "not_achieved"}
    assert milestone_row(data, "M_2020_08_REVIEW")["state"] == "overdue"
    assert milestone_row(data, "M_2020_12_PLAN_2021")["state"] == "overdue"


def test_as_of_outside_the_window_is_clipped(scenario: Db) -> None:
    assert status_json(scenario, "2021-03")["as_of"] == "2020-12"
    data = status_json(scenario, "2020-01")
    assert data["as_of"] == "2020-04"
    assert target_row(data, TMT)["expected"] == 50


def test_as_of_defaults_to_the_last_month_ended_clipped_to_the_window(scenario: Db) -> None:
    # the default is the last month that has ended; today is after December 2020, so it is clipped to
    # the end of the plan window
    data = json.loads(ok(kc(scenario, "status", "--format", "json")).stdout)
    assert data["as_of"] == "2020-12"


def test_status_json_contract(scenario: Db) -> None:
    data = status_json(scenario, "2020-06")
    assert set(data) == {"plan", "as_of", "unit", "closing", "returns", "targets", "resources", "milestones"}
    assert data["plan"] == "JS-2020-71"
    target_keys = {
        "code",
        "name",
        "unit_of_measure",
        "target",
        "actual",
        "expected",
        "percent",
        "state",
        "deadline",
        "task",
        "responsible",
        "breakdown",
        "scope",
        "months_late",
        "register",  # issue 14: the register counting the target, the units whose lists count, the return's figure
        "listing",
        "returned",
    }
    commitments = [t["code"] for t in plan_dict()["targets"] if t.get("kind", "commitment") == "commitment"]
    assert [t["code"] for t in data["targets"]] == commitments
    for t in data["targets"]:
        assert set(t) == target_keys, t["code"]
        for key in ("target", "actual", "expected", "percent"):
            assert is_number(t[key]), (t["code"], key)
        assert t["percent"] == pytest.approx(t["actual"] / t["target"] * 100, abs=1e-3)
        assert t["state"] in {"done", "on_track", "behind", "off_track", "not_achieved"}
        assert isinstance(t["task"], int)
        assert isinstance(t["responsible"], list) and all(isinstance(u, str) for u in t["responsible"])
        for s in t["breakdown"]:
            assert set(s) == {"unit", "target", "actual", "expected", "state"}
            # a split target's units have quotas; the joint reporters of a shared target have none
            shared = t["task"] == 8  # task 8's targets: 企业工作办公室 and 企业创新服务中心, no split
            assert all(is_number(s[k]) != shared for k in ("target", "expected")), (t["code"], s)
            assert is_number(s["actual"])
    for m in data["milestones"]:
        assert set(m) == {"code", "name", "due", "state", "done_on", "months_late", "units_done", "units"}
        assert m["state"] in {"done", "done_late", "pending", "overdue"}
    assert len(target_row(data, TMT)["breakdown"]) == 13
    assert target_row(data, HAIZHI)["responsible"] == ["国际部"]


def test_status_in_english(scenario: Db) -> None:
    result = ok(kc(scenario, "--lang", "en", "status", "--format", "json", "--as-of", "2020-06"))
    data = json.loads(result.stdout)
    t = target_row(data, TMT)
    assert t["name"] == "Sector-based technology-manager teams of enterprise and park S&T associations"
    assert t["unit_of_measure"] == "teams"
    assert share_row(data, TMT, "Suzhou")["state"] == "behind"
    assert target_row(data, HAIZHI)["responsible"] == ["International Department"]


def test_lang_from_the_environment(scenario: Db) -> None:
    result = ok(kc(scenario, "status", "--format", "json", "--as-of", "2020-06", env={"KCTRACK_LANG": "en"}))
    assert target_row(json.loads(result.stdout), TMT)["unit_of_measure"] == "teams"


# -- status: other views and formats ---------------------------------------------------------------------------


def test_status_for_one_unit(scenario: Db) -> None:
    data = status_json(scenario, "2020-06", "--unit", "苏州")
    # 苏州 reports only its share of the 200 teams, and the cities' milestone
    assert [t["code"] for t in data["targets"]] == [TMT]
    assert target_row(data, TMT)["breakdown"] == [
        {"unit": "苏州市", "target": 25, "actual": 15, "expected": 18.75, "state": "behind"}
    ]
    assert [m["code"] for m in data["milestones"]] == ["M_CITY_SPECIAL_BODIES"]


def test_status_for_a_provincial_unit(scenario: Db) -> None:
    data = status_json(scenario, "2020-06", "--unit", "国际部")
    # task 14 is 国际部's: its targets are the ones of that task in the plan file
    task14 = [t["code"] for t in plan_dict()["targets"] if t["task"] == 14]
    commitments = [c for c in task14 if not c.endswith("_MOBILISED")]
    assert [t["code"] for t in data["targets"]] == commitments
    assert [r["code"] for r in data["resources"]] == ["OVERSEAS_BASES_MOBILISED", "OVERSEAS_GROUPS_MOBILISED"]
    assert target_row(data, HAIZHI)["actual"] == 70


def test_status_csv(scenario: Db) -> None:
    # headers and states in --lang (Chinese by default); the JSON keeps the keys and the state codes
    rows = csv_rows(ok(kc(scenario, "status", "--format", "csv", "--as-of", "2020-06")).stdout)
    row = next(r for r in rows if r["编号"] == HAIZHI)
    assert (row["目标"], row["完成"], row["完成率"], row["状态"], row["截止"]) == (
        "200",
        "70",
        "35",
        "按期",
        "2020-12",
    )
    assert float(row["应完成"]) == pytest.approx(200 / 3, abs=1e-4)
    assert next(r for r in rows if r["编号"] == TMT)["状态"] == "严重滞后"


def test_status_by_unit_csv(scenario: Db) -> None:
    out = ok(kc(scenario, "status", "--by", "unit", "--format", "csv", "--as-of", "2020-06")).stdout
    rows = csv_rows(out)
    assert out.splitlines()[0] == "编号,填报单位,任务数,完成,应完成,状态"  # 任务数: the unit's quota
    tmt = {r["填报单位"]: r for r in rows if r["编号"] == TMT}
    assert set(tmt) == set(TMT_QUOTA_ZH)
    assert (tmt["苏州市"]["任务数"], tmt["苏州市"]["完成"], tmt["苏州市"]["应完成"], tmt["苏州市"]["状态"]) == (
        "25",
        "15",
        "18.75",
        "滞后",
    )
    assert (tmt["宿迁市"]["完成"], tmt["宿迁市"]["状态"]) == ("6", "已完成")
    assert (tmt["扬州市"]["应完成"], tmt["扬州市"]["状态"]) == ("11.25", "严重滞后")  # 15 × 3 / 4


def test_status_by_month_csv(scenario: Db) -> None:
    out = ok(kc(scenario, "status", "--by", "month", "--format", "csv", "--as-of", "2020-06")).stdout
    months = [f"2020-{m:02d}" for m in range(4, 13)]
    assert out.splitlines()[0] == ",".join(["编号", "目标", *months])
    rows = {r["编号"]: r for r in csv_rows(out)}
    # cumulative: TMT 10 | 10 + 17 = 27 | 27 + 18 = 45; later months not shown yet
    tmt = rows[TMT]
    assert [tmt[m] for m in months] == ["10", "27", "45", "", "", "", "", "", ""]
    assert [rows[HAIZHI][m] for m in months[:3]] == ["30", "30", "70"]


def test_status_by_month_for_one_unit(scenario: Db) -> None:
    # --unit limits the report to what that unit reports (compute's docstring: "only what that unit
    # reports, and its own share"): 苏州's own cumulative teams are 10 (April), 10 + 5 = 15 (May) and
    # 15 (June), not the province's 10, 27 and 45 that include 无锡, 宿迁 and 南京.
    out = ok(kc(scenario, "status", "--unit", "苏州", "--by", "month", "--format", "csv", "--as-of", "2020-06")).stdout
    rows = {r["编号"]: r for r in csv_rows(out)}
    assert set(rows) == {TMT}
    assert [rows[TMT][m] for m in ("2020-04", "2020-05", "2020-06")] == ["10", "15", "15"]


def test_status_markdown(scenario: Db) -> None:
    out = ok(kc(scenario, "status", "--format", "md", "--as-of", "2020-06")).stdout
    lines = out.splitlines()
    assert lines[0].startswith("| 类型 | 编号 | 指标 |")  # Markdown is read by people: in --lang
    assert set(lines[1].replace("|", "").strip()) <= {"-", ":", " "}
    row = next(line for line in lines if f"| {HAIZHI} |" in line)
    assert row.startswith("| 目标 |") and "| 70 |" in row and "| 按期 |" in row


def test_status_table(scenario: Db) -> None:
    result = ok(kc(scenario, "status", "--as-of", "2020-06"))
    out = result.stdout
    assert "\x1b" not in out  # captured output is not a terminal: plain text
    first = out.splitlines()[0]
    assert "2020-06" in first and str(scenario) in first and "苏科协发〔2020〕71号" in first
    assert "TECH_MANAGER_TEAMS" in out and "M_2020_05_SERVICE_TEAMS" in out
    haizhi = next(line for line in out.splitlines() if line.lstrip("│ ").startswith(HAIZHI))
    assert "● 按期" in haizhi  # state as a symbol and a word: readable without colour
    assert "70" in haizhi and "2020-12" in haizhi
    tmt = next(line for line in out.splitlines() if line.lstrip("│ ").startswith(TMT))
    assert "✖ 严重滞后" in tmt and "45" in tmt


def test_status_table_by_unit(scenario: Db) -> None:
    out = ok(kc(scenario, "--lang", "en", "status", "--by", "unit", "--as-of", "2020-06")).stdout
    suzhou = next(line for line in out.splitlines() if "Suzhou" in line)
    assert "25" in suzhou and "15" in suzhou and "behind" in suzhou
    suqian = next(line for line in out.splitlines() if "Suqian" in line)
    assert "done" in suqian


def test_status_table_by_month(scenario: Db) -> None:
    out = ok(kc(scenario, "status", "--by", "month", "--as-of", "2020-06")).stdout
    tmt = next(line for line in out.splitlines() if line.lstrip("│ ").startswith(TMT))
    assert "10" in tmt and "27" in tmt and "45" in tmt


def test_status_table_for_one_unit(scenario: Db) -> None:
    out = ok(kc(scenario, "--lang", "en", "status", "--unit", "苏州市", "--as-of", "2020-06")).stdout
    tmt = next(line for line in out.splitlines() if line.lstrip("│ ").startswith(TMT))
    assert "behind" in tmt  # 苏州's own state, not the province's off_track
    assert "18.8" in tmt  # its expected 18.75


def test_colour_only_on_a_terminal(scenario: Db) -> None:
    # FORCE_COLOR makes rich treat the captured output as a terminal: colour appears ...
    forced = ok(kc(scenario, "status", "--as-of", "2020-06", env={"FORCE_COLOR": "1"})).stdout
    assert "\x1b[" in forced
    # ... and NO_COLOR or --no-color still take every escape code away
    no_color = ok(kc(scenario, "status", "--as-of", "2020-06", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})).stdout
    assert "\x1b" not in no_color
    flag = ok(kc(scenario, "--no-color", "status", "--as-of", "2020-06", env={"FORCE_COLOR": "1"})).stdout
    assert "\x1b" not in flag
    assert "● 按期" in flag


@pytest.mark.slow
def test_piped_output_has_no_escape_codes(scenario: Db, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "kctrack", "--db", str(scenario), "status", "--as-of", "2020-06"],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert b"\x1b" not in proc.stdout
    assert TMT in out


def test_status_reads_without_writing(scenario: Db) -> None:
    before = db_state(scenario)
    ok(kc(scenario, "status", "--as-of", "2020-06"))
    ok(kc(scenario, "status", "--format", "json"))
    assert db_state(scenario) == before


# -- demo ---------------------------------------------------------------------------------------------------------


def test_demo_writes_a_database_and_shows_a_table(chdir_tmp: Path) -> None:
    result = ok(run("demo"))
    demo = chdir_tmp / "kctrack-demo.db"
    assert demo.exists()
    assert not (chdir_tmp / "kctrack.db").exists()
    assert "\x1b" not in result.stdout
    assert "2020-09" in result.stdout.splitlines()[0]
    assert TMT in result.stdout
    assert str(demo) in result.stderr
    data = status_json(demo, "2020-09")
    assert sum(t["actual"] for t in data["targets"]) > 0
    states = {t["state"] for t in data["targets"]} | {m["state"] for m in data["milestones"]}
    assert len(states) >= 3  # a meaningful table: not everything in one state
    assert query(demo, "SELECT count(*) FROM batch WHERE source NOT LIKE 'demo/%'") == [(0,)]


def test_demo_refuses_a_database_with_real_data(db: Db) -> None:
    ok(kc(db, "record", TMT, "3", "--month", "2020-05", "--unit", "苏州"))
    before = db_state(db)
    result = kc(db, "demo")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(db) in result.stderr
    assert db_state(db) == before


def test_demo_refuses_another_sqlite_file(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('keep me')")
    con.commit()
    con.close()
    before = db_state(other)
    result = kc(other, "demo")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert db_state(other) == before
