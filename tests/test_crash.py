"""An import killed at random moments leaves the database whole: all of the run, or none of it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from planmaker import make_plan, write_long_workbook, write_plan

pytestmark = pytest.mark.slow

KILLS = 20


def test_sigkill_during_import_leaves_batches_whole(tmp_path: Path) -> None:
    n_units, n_targets = 60, 10
    plan = write_plan(tmp_path / "plan.yaml", make_plan(n_units, n_targets))
    base = tmp_path / "base.db"
    env = {**os.environ, "KCTRACK_USER": "tester"}
    cmd = [sys.executable, "-m", "kctrack", "--db"]
    assert subprocess.run([*cmd, str(base), "init", "--plan", str(plan)], env=env, capture_output=True).returncode == 0
    rows = [
        (f"T{t:02d}", f"u{u:03d}", f"2020-{m:02d}", 1.0)
        for u in range(n_units)
        for m in range(4, 10)
        for t in range(n_targets)
    ]
    book = write_long_workbook(tmp_path / "all.xlsx", rows)
    n_batches, n_records = n_units * 6, len(rows)

    # how long a whole import takes here, to spread the kills over it
    probe = tmp_path / "probe.db"
    shutil.copy(base, probe)
    t0 = time.perf_counter()
    done = subprocess.run([*cmd, str(probe), "import", str(book)], env=env, capture_output=True, text=True)
    duration = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr

    rng = random.Random(20201218)
    outcomes = {"none": 0, "all": 0}
    for i in range(KILLS):
        db = tmp_path / f"kill{i}.db"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [*cmd, str(db), "import", str(book)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 1.0) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        batches = con.execute("SELECT count(*) FROM batch").fetchone()[0]
        records = con.execute("SELECT count(*) FROM record").fetchone()[0]
        current = con.execute("SELECT count(*) FROM current_value").fetchone()[0]
        con.close()
        assert (batches, records, current) in ((0, 0, 0), (n_batches, n_records, n_records))
        outcomes["all" if batches else "none"] += 1
        status = subprocess.run([*cmd, str(db), "status", "--format", "json"], env=env, capture_output=True, text=True)
        assert status.returncode == 0, status.stderr
    assert sum(outcomes.values()) == KILLS
