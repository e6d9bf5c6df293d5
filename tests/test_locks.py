"""Period locks, backups, integrity check and operator identity (issue 6, points 4, 5 and 7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import failed, kc, ok, query

TMT = "TECH_MANAGER_TEAMS"


def record(*extra: str, value: str = "4", month: str = "2020-06") -> list[str]:
    return ["record", TMT, value, "--month", month, "--unit", "苏州", *extra]


def history(db) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return json.loads(ok(kc(db, "history", "--format", "json")).stdout)["batches"]


def test_a_locked_month_needs_a_reason_and_the_change_is_flagged(db) -> None:  # type: ignore[no-untyped-def]
    ok(kc(db, *record(value="3")))
    assert "2020-06" in ok(kc(db, "lock", "2020-06")).stdout
    before = query(db, "SELECT count(*) FROM record")
    message = failed(kc(db, *record()), 1)
    assert "2020-06" in message and "--reason" in message
    assert query(db, "SELECT count(*) FROM record") == before  # nothing written
    ok(kc(db, *record("--reason", "苏州补报")))
    last = history(db)[-1]
    assert last["locked_change_reason"] == "苏州补报"
    # another month is not locked
    ok(kc(db, *record(month="2020-07")))
    assert history(db)[-1]["locked_change_reason"] is None
    # the table of history shows the flag
    assert "锁定期修改：苏州补报" in ok(kc(db, "history")).stdout


def test_undo_of_a_change_to_a_locked_month_needs_a_reason(db) -> None:  # type: ignore[no-untyped-def]
    ok(kc(db, *record(value="3")))
    ok(kc(db, "lock", "2020-06"))
    batch = history(db)[-1]["id"]
    failed(kc(db, "undo", str(batch)), 1)
    ok(kc(db, "undo", str(batch), "--reason", "误录"))
    undone = [b for b in history(db) if b["id"] == batch][0]
    assert undone["state"] == "undone"
    assert undone["undo_reason"] == "误录"


def test_import_into_a_locked_month_needs_a_reason(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = tmp_path / "ret.xlsx"
    wb = Workbook()
    wb.active.append(["code", "unit", "month", "this_month"])
    wb.active.append([TMT, "苏州", "2020-06", 5])
    wb.save(book)
    ok(kc(db, "lock", "2020-06"))
    result = kc(db, "import", str(book))
    assert result.exit_code == 1
    assert "--reason" in result.stderr
    assert query(db, "SELECT count(*) FROM record") == [(0,)]
    ok(kc(db, "import", str(book), "--reason", "补报"))
    assert history(db)[-1]["locked_change_reason"] == "补报"


def test_lock_and_unlock_are_kept_as_history(db) -> None:  # type: ignore[no-untyped-def]
    ok(kc(db, "lock", "2020-06"))
    assert "本已锁定" in ok(kc(db, "lock", "2020-06")).stdout
    assert "已解锁 2020-06" in ok(kc(db, "unlock", "2020-06", "--reason", "补报")).stdout
    assert "本已解锁" in ok(kc(db, "unlock", "2020-06")).stdout
    rows = query(db, "SELECT month, action, operator, reason FROM period_lock ORDER BY id")
    assert rows == [("2020-06", "lock", "tester", None), ("2020-06", "unlock", "tester", "补报")]
    ok(kc(db, *record()))  # unlocked again: no reason needed


def test_lock_refuses_a_month_outside_the_plan(db) -> None:  # type: ignore[no-untyped-def]
    failed(kc(db, "lock", "2021-01"), 1)
    failed(kc(db, "lock", "Junebug"), 2)


def test_every_change_names_its_operator(db) -> None:  # type: ignore[no-untyped-def]
    ok(kc(db, *record(), env={"KCTRACK_USER": "王分析"}))
    assert history(db)[-1]["operator"] == "王分析"


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy(db: Path, tmp_path: Path) -> None:
    ok(kc(db, *record(value="7")))
    dest = tmp_path / "backups" / "copy.db"
    assert str(dest) in ok(kc(db, "db", "backup", str(dest))).stdout
    con = sqlite3.connect(dest)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT value FROM current_value").fetchall() == [(7.0,)]
    con.close()
    # a backup never overwrites a file
    failed(kc(db, "db", "backup", str(dest)), 1)


@pytest.mark.sqlite_only
def test_backup_without_a_path_goes_beside_the_database(db: Path) -> None:
    ok(kc(db, "db", "backup"))
    assert len(list(db.parent.glob(f"{db.name}.backup-*"))) == 1


def test_db_check_reports_version_and_integrity(db) -> None:  # type: ignore[no-untyped-def]
    out = ok(kc(db, "--lang", "en", "db", "check")).stdout
    assert "schema 0006 (code 0006)" in out  # migrations/versions: 0006 (registers) is the newest
    assert "integrity ok" in out


def test_backup_on_postgresql_gives_pg_dump_advice(pg_url: str) -> None:
    ok(kc(pg_url, "init"))
    assert "pg_dump" in failed(kc(pg_url, "db", "backup"), 1)
