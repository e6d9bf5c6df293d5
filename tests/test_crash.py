"""An import killed at random moments leaves the database whole: all of the run, or none of it.

On SQLite the file must also pass ``PRAGMA integrity_check``; on PostgreSQL the
server rolls back the dead client's transaction, and what the test checks is
that kctrack wrote the whole run in that one transaction.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from backends import Db, copied, query
from planmaker import make_plan, write_long_workbook, write_plan

pytestmark = pytest.mark.slow

KILLS = 20
N_UNITS, N_TARGETS, MONTHS = 60, 10, range(4, 10)
ENV = {**os.environ, "KCTRACK_USER": "tester"}
KCTRACK = [sys.executable, "-m", "kctrack", "--db"]


@dataclass
class Run:
    book: Path
    batches: int
    records: int
    duration: float  # of a whole import here, to spread the kills over it


def _prepare(base: Db, tmp_path: Path) -> Run:
    """Initialise ``base`` with a 60-unit plan, write one consolidated workbook and time its import on a copy."""
    plan = write_plan(tmp_path / "plan.yaml", make_plan(N_UNITS, N_TARGETS))
    init = subprocess.run([*KCTRACK, str(base), "init", "--plan", str(plan)], env=ENV, capture_output=True)
    assert init.returncode == 0, init.stderr
    rows = [
        (f"T{t:02d}", f"u{u:03d}", f"2020-{m:02d}", 1.0)
        for u in range(N_UNITS)
        for m in MONTHS
        for t in range(N_TARGETS)
    ]
    book = write_long_workbook(tmp_path / "all.xlsx", rows)
    with copied(base, tmp_path / "probe.db") as probe:
        t0 = time.perf_counter()
        done = subprocess.run([*KCTRACK, str(probe), "import", str(book)], env=ENV, capture_output=True, text=True)
        duration = time.perf_counter() - t0
        assert done.returncode == 0, done.stderr
    return Run(book, N_UNITS * len(MONTHS), len(rows), duration)


def _kill_an_import(db: Db, run: Run, rng: random.Random) -> None:
    proc = subprocess.Popen(
        [*KCTRACK, str(db), "import", str(run.book)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(rng.uniform(0.2, 1.0) * run.duration)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _whole(db: Db, run: Run) -> str:
    """ "none" or "all" of the run is in the database (anything else fails), and status still works."""
    counts = tuple(query(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("batch", "record", "current_value"))
    assert counts in ((0, 0, 0), (run.batches, run.records, run.records)), counts
    totals = query(db, "SELECT COALESCE(SUM(value), 0) FROM month_total")[0][0]
    assert totals == counts[1]  # every record is 1.0: the province's totals moved with them, or not at all
    status = subprocess.run([*KCTRACK, str(db), "status", "--format", "json"], env=ENV, capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    return "all" if counts[0] else "none"


@pytest.mark.sqlite_only
def test_sigkill_during_import_leaves_batches_whole(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    run = _prepare(base, tmp_path)
    rng = random.Random(20201218)
    outcomes = []
    for i in range(KILLS):
        with copied(base, tmp_path / f"kill{i}.db") as db:
            _kill_an_import(db, run, rng)
            assert query(db, "PRAGMA integrity_check")[0][0] == "ok"
            outcomes.append(_whole(db, run))
    assert len(outcomes) == KILLS


def test_sigkill_during_import_on_postgresql_leaves_batches_whole(tmp_path: Path, pg_url: str) -> None:
    run = _prepare(pg_url, tmp_path)
    rng = random.Random(20201219)
    outcomes = []
    for i in range(KILLS):
        with copied(pg_url, tmp_path / f"kill{i}") as db:
            _kill_an_import(db, run, rng)
            outcomes.append(_whole(db, run))
    assert len(outcomes) == KILLS
