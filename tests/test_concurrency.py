"""Several writers at once: every row lands exactly once; a busy database fails cleanly."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from planmaker import make_plan, write_long_workbook, write_plan

pytestmark = pytest.mark.slow


RECORD = ("record", "TECH_MANAGER_TEAMS", "3", "--month", "2020-05", "--unit", "苏州")


def kctrack(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kctrack", "--db", db, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "KCTRACK_USER": "tester", **(env or {})},
        timeout=120,
    )


def returns_for(tmp_path: Path, n_writers: int, n_targets: int) -> list[Path]:
    """One workbook per writer, each the returns of its own unit for April–September."""
    files = []
    for w in range(n_writers):
        rows = [
            (f"T{t:02d}", f"u{w:03d}", f"2020-{m:02d}", float(w + t + m))
            for m in range(4, 10)
            for t in range(n_targets)
        ]
        files.append(write_long_workbook(tmp_path / f"writer{w}.xlsx", rows))
    return files


def run_writers(db: str, files: list[Path]) -> list[subprocess.Popen[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kctrack", "--db", db, "import", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KCTRACK_USER": f"writer{i}"},
        )
        for i, f in enumerate(files)
    ]
    for p in procs:
        p.wait(timeout=180)
    return procs


def expected_total(n_writers: int, n_targets: int) -> float:
    return sum(w + t + m for w in range(n_writers) for t in range(n_targets) for m in range(4, 10))


@pytest.mark.parametrize("n_writers", [2, 8])
def test_concurrent_imports_on_sqlite_land_exactly_once(tmp_path: Path, n_writers: int) -> None:
    n_targets = 5
    plan = write_plan(tmp_path / "plan.yaml", make_plan(n_units=8, n_targets=n_targets))
    db = str(tmp_path / "shared.db")
    assert kctrack(db, "init", "--plan", str(plan)).returncode == 0
    procs = run_writers(db, returns_for(tmp_path, n_writers, n_targets))
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
        assert "Traceback" not in err
    con = sqlite3.connect(db)
    # each writer: 6 months = 6 returns (batches) of n_targets records
    assert con.execute("SELECT count(*) FROM batch").fetchone()[0] == n_writers * 6
    assert con.execute("SELECT count(*) FROM record").fetchone()[0] == n_writers * 6 * n_targets
    assert con.execute("SELECT count(*) FROM current_value").fetchone()[0] == n_writers * 6 * n_targets
    assert con.execute("SELECT sum(value) FROM current_value").fetchone()[0] == expected_total(n_writers, n_targets)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_concurrent_imports_on_postgresql_land_exactly_once(tmp_path: Path, pg_url: str) -> None:
    n_writers, n_targets = 4, 5
    plan = write_plan(tmp_path / "plan.yaml", make_plan(n_units=8, n_targets=n_targets))
    assert kctrack(pg_url, "init", "--plan", str(plan)).returncode == 0
    procs = run_writers(pg_url, returns_for(tmp_path, n_writers, n_targets))
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0, err
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as con:
        assert con.execute("SELECT count(*) FROM batch").fetchone()[0] == n_writers * 6
        assert con.execute("SELECT count(*) FROM record").fetchone()[0] == n_writers * 6 * n_targets
        assert con.execute("SELECT sum(value) FROM current_value").fetchone()[0] == expected_total(n_writers, n_targets)


def test_a_writer_that_finds_the_database_busy_fails_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "busy.db")
    assert kctrack(db, "init").returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        r = kctrack(
            db,
            *RECORD,
            env={"KCTRACK_BUSY_TIMEOUT": "1"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "数据库正被其他进程写入" in r.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM record").fetchone()[0] == 0
    # and once the lock is gone the same command goes through
    assert kctrack(db, *RECORD).returncode == 0


def test_a_writer_that_finds_the_postgresql_database_busy_fails_cleanly(pg_url: str) -> None:
    import psycopg

    assert kctrack(pg_url, "init").returncode == 0
    conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://")
    holder = psycopg.connect(conninfo)
    holder.execute("LOCK TABLE batch IN EXCLUSIVE MODE")  # another session holds the table: inserts wait for it
    try:
        r = kctrack(
            pg_url,
            *RECORD,
            env={"KCTRACK_BUSY_TIMEOUT": "1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "数据库正被其他进程写入" in r.stderr
    with psycopg.connect(conninfo) as con:
        assert con.execute("SELECT count(*) FROM record").fetchone()[0] == 0
    # and once the lock is gone the same command goes through
    assert kctrack(pg_url, *RECORD).returncode == 0
