"""Bad input: one clear message on stderr, the exit code, no traceback, the database unchanged.

Exit codes as kctrack/errors.py defines them: 2 for bad usage (UsageError: an
unknown code or unit, a malformed month or value), 1 for bad data (DataError,
DatabaseError: a month outside the window, a negative amount, a unit that does
not report the target, a missing or foreign database).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Db, clean_env, copied, db_state, failed, is_pg, kc, ok, query, run

TMT = "TECH_MANAGER_TEAMS"


@pytest.fixture(scope="module")
def _seeded(tmp_path_factory: pytest.TempPathFactory, pristine: Db) -> Iterator[Db]:
    with copied(pristine, tmp_path_factory.mktemp("seeded") / "kctrack.db") as path:
        env = clean_env()
        ok(kc(path, "record", TMT, "10", "--month", "2020-05", "--unit", "苏州", env=env))
        ok(kc(path, "record", "M_2020_04_SURVEY", "done", "--month", "2020-04", env=env))
        yield path


@pytest.fixture
def seeded(tmp_path: Path, _seeded: Db) -> Iterator[Db]:
    """A database holding two records, copied for each test."""
    with copied(_seeded, tmp_path / "kctrack.db") as dest:
        yield dest


def record(code: str, value: str, month: str = "2020-05", unit: str | None = "苏州") -> list[str]:
    # "--" before the value, so that a negative number is not read as an option
    return ["record", code, "--month", month, *(["--unit", unit] if unit else []), "--", value]


# name → (arguments, exit code, what the English message must say)
CASES: dict[str, tuple[list[str], int, list[str]]] = {
    "unknown code": (record("TECH_MANAGR_TEAMS", "5"), 2, ["TECH_MANAGR_TEAMS", "did you mean TECH_MANAGER_TEAMS?"]),
    "unknown code, far from any": (record("ZZZ", "5"), 2, ["ZZZ", "kctrack targets"]),
    "unknown unit": (record(TMT, "5", unit="杭州"), 2, ["杭州", "Nanjing, Wuxi"]),  # units named in English
    "unknown unit in status": (["status", "--unit", "杭州"], 2, ["杭州"]),
    # 2020-5, 2020/05, 5月 are months the one parser reads (tests/test_parse.py), on the command line as in cells
    "month 0": (record(TMT, "5", month="2020-0"), 2, ["2020-0", "YYYY-MM"]),
    "month with a stray word": (record(TMT, "5", month="2020-05x"), 2, ["2020-05x", "YYYY-MM"]),
    "month 13": (record(TMT, "5", month="2020-13"), 2, ["2020-13", "YYYY-MM"]),
    "month as a word that is no month": (record(TMT, "5", month="Mayday"), 2, ["Mayday", "YYYY-MM"]),
    "month after the window": (record(TMT, "5", month="2021-01"), 1, ["2021-01", "2020-04", "2020-12"]),
    "month before the window": (record(TMT, "5", month="2020-03"), 1, ["2020-03", "2020-04", "2020-12"]),
    "value not a number": (record(TMT, "five"), 2, ["five", "not a number"]),
    "value with a unit that is no counting word": (record(TMT, "5元"), 2, ["5元"]),
    "value NaN": (record(TMT, "nan"), 2, ["nan"]),
    "value infinite": (record(TMT, "inf"), 2, ["inf"]),
    "negative value": (record(TMT, "-3"), 1, ["-3", "negative"]),
    "number for a milestone": (record("M_2020_04_DRAFT_PLAN", "5", unit=None), 2, ["M_2020_04_DRAFT_PLAN", "done"]),
    "done for a target": (record(TMT, "done"), 2, [TMT, "number"]),
    "unit that does not report the target": (
        record("HAIZHI_EVENTS", "5", unit="苏州"),
        1,
        ["HAIZHI_EVENTS", "Suzhou does not report", "International Department"],
    ),
    "several reporting units and no --unit": (record("CHOKEPOINTS_SOLVED", "1", unit=None), 2, ["--unit"]),
    "split target and no --unit": (record(TMT, "1", unit=None), 2, ["--unit", "Suzhou"]),
    "as-of that is no month": (["status", "--as-of", "2020-60"], 2, ["2020-60", "YYYY-MM"]),
    "as-of as a word that is no month": (["status", "--as-of", "Junebug"], 2, ["Junebug", "YYYY-MM"]),
    "as-of with a day that does not exist": (["status", "--as-of", "2020-06-31"], 2, ["2020-06-31"]),
    "as-of of status json": (["status", "--format", "json", "--as-of", "20-06"], 2, ["20-06"]),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case: str, lang: str, seeded: Db) -> None:
    args, code, fragments = CASES[case]
    before = db_state(seeded)
    message = failed(kc(seeded, "--lang", lang, *args), code)
    if lang == "en":
        for fragment in fragments:
            assert fragment in message, message
    assert db_state(seeded) == before


# -- months typed with full-width digits (a Chinese input method's) --------------------------------------


def test_full_width_as_of_is_not_misread(seeded: Db) -> None:
    # "２０２０-05" is either understood as 2020-05 or refused as a malformed month; never shown as December.
    result = kc(seeded, "--lang", "en", "status", "--format", "json", "--as-of", "２０２０-05")
    if result.exit_code == 0:
        assert json.loads(result.stdout)["as_of"] == "2020-05"
    else:
        assert "YYYY-MM" in failed(result, 2)


def test_full_width_month_is_not_called_outside_the_window(seeded: Db) -> None:
    # full-width digits in a value are accepted (１２ → 12); a month typed the same way must be read as
    # 2020-05 or refused as malformed, not reported as outside the window 2020-04 … 2020-12.
    before = db_state(seeded)
    result = kc(seeded, "--lang", "en", *record(TMT, "1", month="２０２０-05"))
    if result.exit_code == 0:
        assert query(seeded, "SELECT month, value FROM record ORDER BY id DESC LIMIT 1") == [("2020-05", 1.0)]
    else:
        assert "YYYY-MM" in failed(result, 2)
        assert db_state(seeded) == before


def test_full_width_value_is_accepted(seeded: Db) -> None:
    ok(kc(seeded, *record(TMT, "１２", month="2020-06")))
    assert query(seeded, "SELECT value FROM record WHERE month = '2020-06'") == [(12.0,)]


def test_code_in_lower_case_is_accepted(seeded: Db) -> None:
    ok(kc(seeded, *record(TMT.lower(), "2", month="2020-06")))
    assert query(seeded, "SELECT target_code FROM record WHERE month = '2020-06'") == [(TMT,)]


# -- databases that cannot be used -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["status"], ["status", "--format", "json"], record(TMT, "5"), ["--lang", "en", "status"]]
)
def test_missing_database(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "missing.db"
    message = failed(kc(missing, *args), 1)
    assert str(missing) in message
    assert "kctrack init" in message
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_database_in_the_current_folder(chdir_tmp: Path) -> None:
    message = failed(kc(Path("kctrack.db"), "status"), 1)
    assert "kctrack init" in message
    assert list(chdir_tmp.iterdir()) == []


@pytest.mark.parametrize("args", [["status"], record(TMT, "5"), ["init"], ["targets"], ["--lang", "en", "status"]])
def test_a_file_that_is_not_sqlite(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库 / not a database\n" * 50, encoding="utf-8")
    before = db_state(path)
    message = failed(kc(path, *args), 1)
    assert str(path) in message
    assert db_state(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_an_empty_database_is_not_initialised(empty_db: Db) -> None:
    if not is_pg(empty_db):
        sqlite3.connect(empty_db).close()  # an empty SQLite file
    before = db_state(empty_db)
    message = failed(kc(empty_db, "--lang", "en", "status"), 1)
    assert "kctrack init" in message
    assert db_state(empty_db) == before


def test_a_database_without_a_plan(empty_db: Db) -> None:
    from kctrack import store

    store.open_db(str(empty_db), create=True).conn.close()  # migrated, but no plan loaded
    before = db_state(empty_db)
    message = failed(kc(empty_db, "--lang", "en", "status"), 1)
    assert "kctrack init" in message
    assert db_state(empty_db) == before


def test_an_unsupported_database_url() -> None:
    message = failed(run("--db", "mysql://user:secret@host/db", "--lang", "en", "status"), 2)
    assert "secret" not in message  # the password is never printed
    assert "mysql://" in message


# -- usage errors caught by the command line parser ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--format", "xml"],
        ["status", "--by", "city"],
        ["record", TMT, "5"],  # no --month
        ["record"],
        ["--lang", "fr", "status"],
        ["targets", "--format", "xlsx"],  # xlsx is export's; the read commands know table, json, csv, md
    ],
)
def test_parser_usage_errors(seeded: Db, args: list[str]) -> None:
    before = db_state(seeded)
    result = kc(seeded, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("用法：kctrack")  # in the user's language (Chinese by default)
    assert "Error" not in result.stderr
    assert db_state(seeded) == before
