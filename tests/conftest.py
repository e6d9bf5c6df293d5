"""Shared fixtures and helpers for the core tests (plan, schedule, states, CLI, migrations).

* An autouse fixture gives every test a clean environment: no ``KCTRACK_*``
  setting from the shell, a known operator, a fixed console width, and none of
  the variables that switch colour on or off (output captured by CliRunner is
  not a terminal, so it must come out plain by itself).
* ``db``: a migrated database initialised with the bundled plan by ``kctrack --db DB init``
  (once per session, then copied): a SQLite file under ``tmp_path``, and, when
  ``KCTRACK_TEST_PG_URL`` is set, in a second variant of the test a PostgreSQL database
  (its URL); ``empty_db`` the same with nothing in it yet; ``pg_url`` PostgreSQL only.
  ``query``, ``execute``, ``db_state``, ``db_dump`` take either (tests/backends.py).
* ``run(*args)``: ``kctrack ARGS…`` in-process through a module-level CliRunner.

The CliRunner of this typer keeps stdout and stderr apart (``result.stdout``,
``result.stderr``) and also mixes both into ``result.output``.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer.testing
import yaml
from backends import (
    BACKENDS,
    PG_URL,
    Db,
    close_pg_server,
    copied,
    db_dump,
    db_state,
    empty,
    execute,
    is_initialised,
    is_pg,
    pg_server,
    query,
    writing,
)

from kctrack.cli import app

__all__ = ["Db", "copied", "db_dump", "db_state", "empty", "execute", "is_initialised", "is_pg", "query", "writing"]

runner = typer.testing.CliRunner()

REPO = Path(__file__).resolve().parent.parent
PLAN_FILE = REPO / "data" / "targets.yaml"
OPERATOR = "tester"

# The 13 districted cities: code → Chinese name, and their TECH_MANAGER_TEAMS quota from the
# document: 苏州、无锡、常州、镇江和南京各25个；扬州、泰州、南通各15个；徐州、连云港、淮安、盐城、宿迁各6个.
CITY_NAMES = {
    "nanjing": "南京市",
    "wuxi": "无锡市",
    "xuzhou": "徐州市",
    "changzhou": "常州市",
    "suzhou": "苏州市",
    "nantong": "南通市",
    "lianyungang": "连云港市",
    "huaian": "淮安市",
    "yancheng": "盐城市",
    "yangzhou": "扬州市",
    "zhenjiang": "镇江市",
    "taizhou": "泰州市",
    "suqian": "宿迁市",
}
TMT_QUOTA_ZH = {
    "苏州市": 25,
    "无锡市": 25,
    "常州市": 25,
    "镇江市": 25,
    "南京市": 25,
    "扬州市": 15,
    "泰州市": 15,
    "南通市": 15,
    "徐州市": 6,
    "连云港市": 6,
    "淮安市": 6,
    "盐城市": 6,
    "宿迁市": 6,
}

_ENV_OFF = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE")


def _is_setting(name: str) -> bool:
    """A kctrack setting from the shell (KCTRACK_TEST_* configures the test run itself and stays)."""
    return name.startswith("KCTRACK_") and not name.startswith("KCTRACK_TEST_")


def clean_env() -> dict[str, str | None]:
    """``env=`` for CliRunner in fixtures that run before the autouse one (module or session scope)."""
    env: dict[str, str | None] = {name: None for name in os.environ if _is_setting(name)}
    env["KCTRACK_USER"] = OPERATOR
    return env


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if _is_setting(name):
            monkeypatch.delenv(name)
    for name in _ENV_OFF:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("KCTRACK_USER", OPERATOR)


# -- running the CLI ------------------------------------------------------------------------


def run(*args: Any, env: Mapping[str, str | None] | None = None) -> typer.testing.Result:
    """``kctrack ARGS…`` in-process; every argument is passed as a string."""
    return runner.invoke(app, [str(a) for a in args], env=env)


def kc(db: Db, *args: Any, env: Mapping[str, str | None] | None = None) -> typer.testing.Result:
    """``kctrack --db DB ARGS…`` (global options go before the command)."""
    return run("--db", db, *args, env=env)


def ok(result: typer.testing.Result) -> typer.testing.Result:
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def failed(result: typer.testing.Result, code: int) -> str:
    """A handled failure: the exit code, no Python exception, no traceback, one message on stderr.

    Returns the message.
    """
    assert result.exit_code == code, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- databases -------------------------------------------------------------------------------
#
# Every test that takes ``db`` (or a fixture built on it) runs once per backend: "sqlite", and
# "pg" as well when KCTRACK_TEST_PG_URL names a PostgreSQL server (see tests/backends.py).
# Without that variable the pg variants are not generated at all; tests that take ``pg_url``
# are deselected.  A test about SQLite files themselves is marked ``sqlite_only``.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-readme",
        action="store_true",
        help="write what the commands print into README.md's tour (tests/test_readme_tour.py)",
    )
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="write the rendered tables into tests/snapshots/ (tests/test_tables.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: about SQLite files themselves (bytes, -wal, backups, integrity_check): no pg variant",
    )


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL is None:
        return "kctrack databases: sqlite (set KCTRACK_TEST_PG_URL to run on PostgreSQL as well)"
    return f"kctrack databases: sqlite, pg ({PG_URL})"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] if metafunc.definition.get_closest_marker("sqlite_only") else BACKENDS
        # session scope: pytest runs every test on SQLite first, then on PostgreSQL
        metafunc.parametrize("backend", backends, indirect=True, ids=backends, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL is not None:
        return
    keep, drop = [], []
    for item in items:
        (drop if "pg_url" in getattr(item, "fixturenames", ()) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session) -> None:
    close_pg_server()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on, "sqlite" or "pg" (parametrized by pytest_generate_tests)."""
    if not hasattr(request, "param"):
        raise RuntimeError(
            f"{request.node.nodeid}: request `db` or `backend` as an argument of the test or of a fixture,"
            " not through request.getfixturevalue, so that the test gets a variant per database"
        )
    return str(request.param)


@pytest.fixture(scope="session")
def _pristine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "kctrack.db"
    ok(run("--db", path, "init", env=clean_env()))
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture(scope="session")
def _pristine_pg() -> Iterator[str]:
    server = pg_server()
    url = server.create(prefix=f"kct_pristine_{os.getpid()}")
    ok(run("--db", url, "init", env=clean_env()))
    yield url
    server.drop(url, wait=True)


@pytest.fixture(scope="session")
def pristine(backend: str, request: pytest.FixtureRequest) -> Db:
    """The database ``kctrack init`` made, once per session and backend: copy it (``copied``), never write to it."""
    return request.getfixturevalue("_pristine_db" if backend == "sqlite" else "_pristine_pg")


@pytest.fixture
def db(tmp_path: Path, pristine: Db) -> Iterator[Db]:
    """A migrated database initialised with the bundled plan by ``kctrack --db DB init``.

    A SQLite file under ``tmp_path``, or the URL of a PostgreSQL database of its own.
    """
    with copied(pristine, tmp_path / "kctrack.db") as dest:
        yield dest


@pytest.fixture
def empty_db(backend: str, tmp_path: Path) -> Iterator[Db]:
    """Where a database may be made: a path with no file yet, or an empty PostgreSQL database."""
    with empty(backend, tmp_path / "kctrack.db") as dest:
        yield dest


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL database (not initialised); tests taking it run only with KCTRACK_TEST_PG_URL."""
    with empty("pg", Path()) as url:
        yield str(url)


# -- status JSON -----------------------------------------------------------------------------


def status_json(db: Db, as_of: str, *extra: Any) -> dict[str, Any]:
    return json.loads(ok(kc(db, "status", "--format", "json", "--as-of", as_of, *extra)).stdout)


def target_row(data: dict[str, Any], code: str) -> dict[str, Any]:
    rows = [t for t in data["targets"] if t["code"] == code]
    assert len(rows) == 1, code
    return rows[0]


def share_row(data: dict[str, Any], code: str, unit: str) -> dict[str, Any]:
    rows = [s for s in target_row(data, code)["breakdown"] if s["unit"] == unit]
    assert len(rows) == 1, (code, unit)
    return rows[0]


def milestone_row(data: dict[str, Any], code: str) -> dict[str, Any]:
    rows = [m for m in data["milestones"] if m["code"] == code]
    assert len(rows) == 1, code
    return rows[0]


# -- plan files ------------------------------------------------------------------------------


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where available: the tests parse a lot
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def plan_text() -> str:
    return PLAN_FILE.read_text(encoding="utf-8")


@functools.cache
def _plan_dict() -> dict[str, Any]:
    return yaml.load(plan_text(), Loader=_Loader)  # noqa: S506 - a safe loader


def plan_dict() -> dict[str, Any]:
    """data/targets.yaml parsed, a fresh copy for the caller to edit."""
    return copy.deepcopy(_plan_dict())


def dump_plan(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def write_plan(path: Path, data: dict[str, Any] | str) -> Path:
    """Write a plan file: YAML text as given, or a parsed plan dumped back to YAML."""
    text = data if isinstance(data, str) else dump_plan(data)
    path.write_text(text, encoding="utf-8")
    return path


def find_target(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(t for t in data["targets"] if t["code"] == code)


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 1-based line of the first occurrence of ``needle`` at or after character ``start``."""
    index = text.index(needle, start)
    return text.count("\n", 0, index) + 1


@pytest.fixture
def chdir_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in an empty folder, so that a default ./kctrack.db would land there."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def csv_rows(text: str) -> list[dict[str, str]]:
    """A CSV's rows keyed by its header row (a byte-order mark at the start is not part of the first name)."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def md_tables(text: str) -> dict[str, list[list[str]]]:
    """Each ``## heading``'s table rows (header first), cells stripped."""
    out: dict[str, list[list[str]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif line.startswith("|") and current is not None:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-"} for c in cells):
                out[current].append(cells)
    return out
