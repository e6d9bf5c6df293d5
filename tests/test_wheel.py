"""The package installed from a wheel still finds its plan and its migrations (house style 12).

The wheel is built from this checkout, unpacked with ``pip install --no-deps
--target DIR``, and run with ``PYTHONPATH=DIR`` from a folder outside the
repository, so that ``kctrack`` comes from the wheel (its dependencies from
the running interpreter's environment).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TMT_QUOTA_ZH


def _build_wheel(out: Path) -> Path:
    if importlib.util.find_spec("build") is not None:
        cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(REPO)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("kctrack-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow
def test_installed_wheel_finds_its_plan_and_migrations(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "kctrack" / "_bundled" / "data" / "targets.yaml").is_file()
    assert (target / "kctrack" / "_bundled" / "migrations" / "env.py").is_file()

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCTRACK_")}
    env.update(PYTHONPATH=str(target), KCTRACK_USER="tester", NO_COLOR="1", PYTHONNOUSERSITE="1")

    def py(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=work, env=env, check=False)

    where = py(
        "-c",
        "import json, kctrack, kctrack.resources as r;"
        "print(json.dumps([kctrack.__file__, str(r.default_plan()), str(r.migrations_dir())]))",
    )
    assert where.returncode == 0, where.stderr
    module, plan, migrations = (Path(p) for p in json.loads(where.stdout))
    for p in (module, plan, migrations):
        assert p.is_relative_to(target), p  # from the wheel, not from the checkout
    assert plan.is_file() and (migrations / "versions").is_dir()

    db = work / "wheel.db"
    init = py("-m", "kctrack", "--db", str(db), "init")
    assert init.returncode == 0, init.stdout + init.stderr
    assert db.is_file()
    assert "Traceback" not in init.stderr

    listed = py("-m", "kctrack", "--db", str(db), "targets", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["plan"] == "JS-2020-71"
    tmt = next(t for t in data["targets"] if t["code"] == "TECH_MANAGER_TEAMS")
    assert {s["unit"]: s["target"] for s in tmt["breakdown"]} == TMT_QUOTA_ZH

    status = py("-m", "kctrack", "--db", str(db), "status", "--as-of", "2020-05", "--format", "json")
    assert status.returncode == 0, status.stderr
    tmt = next(t for t in json.loads(status.stdout)["targets"] if t["code"] == "TECH_MANAGER_TEAMS")
    assert tmt["expected"] == 100  # 200 × 2 / 4
