"""Issue 12 §4: times shown in local time, Ctrl-C told honestly, CSV files with a byte-order mark.

1. Time stamps are stored in UTC; tables, CSV and Markdown listings, the export's sheets and
   messages show them in the analyst's zone (TZ), to the minute (``2020-06-06 04:48``); the JSON
   keeps ISO 8601 in UTC.  The expectations are worked out by hand: 20:48 UTC is 04:48 the next
   day in Shanghai (UTC+8, no summer time) and 16:48 in New York in June (EDT, UTC−4).
2. Ctrl-C at any moment of a command is one line on stderr, exit code 130, no traceback, and the
   line agrees with the database: a KeyboardInterrupt before or inside the transaction means
   nothing written (SQLite rolled it back), one after the COMMIT names what was written.  The
   interrupt is made by a step that raises KeyboardInterrupt (monkeypatch) and, twice, by a
   real SIGINT sent to ``python -m kctrack import``.
3. A CSV file kctrack writes for people starts with the UTF-8 BOM (Excel on a Chinese Windows
   reads UTF-8 without it as GBK); CSV on stdout has none.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import REPO, Db, db_dump, execute, failed, is_initialised, kc, ok, query
from returns_helpers import fill, template
from typer.testing import Result

from kctrack import service, store
from kctrack.clock import local_time

STAMP = "2020-06-05T20:48:08+00:00"  # a batch's `created`, as stored
UNDONE = "2020-07-10T17:05:59+00:00"  # its `undone_at`
# what a person reads, by zone: (created, undone_at)
SHOWN = {
    "Asia/Shanghai": ("2020-06-06 04:48", "2020-07-11 01:05"),  # +8 h: past midnight, the next day
    "UTC": ("2020-06-05 20:48", "2020-07-10 17:05"),  # seconds dropped, not rounded (17:05:59 → 17:05)
}
TMT = "TECH_MANAGER_TEAMS"
BOM = b"\xef\xbb\xbf"
NAME = "企业和园区科协行业型“技术经理人团队”"  # TECH_MANAGER_TEAMS in data/targets.yaml


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``zone("Asia/Shanghai")``: TZ set and re-read by the C library (time.tzset); put back afterwards."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


# == 1. local time =================================================================================


@pytest.mark.parametrize(
    ("tz", "stamp", "shown"),
    [
        ("Asia/Shanghai", STAMP, "2020-06-06 04:48"),
        ("UTC", STAMP, "2020-06-05 20:48"),
        ("America/New_York", STAMP, "2020-06-05 16:48"),  # EDT in June: UTC−4
        ("America/New_York", "2020-01-05T20:48:59+00:00", "2020-01-05 15:48"),  # EST in January: UTC−5
        ("Asia/Shanghai", "2020-12-31T16:00:00+00:00", "2021-01-01 00:00"),  # into the next year
        ("Asia/Shanghai", "2020-06-05T20:48:08", "2020-06-06 04:48"),  # no offset: taken as UTC
        ("UTC", "2020-06-06T04:48:08+08:00", "2020-06-05 20:48"),  # another offset is converted too
    ],
)
def test_local_time_by_hand(zone: Callable[[str], None], tz: str, stamp: str, shown: str) -> None:
    zone(tz)
    assert local_time(stamp) == shown


def test_local_time_shows_odd_values_as_they_are(zone: Callable[[str], None]) -> None:
    zone("Asia/Shanghai")
    assert local_time(None) == ""
    assert local_time("") == ""
    assert local_time("yesterday") == "yesterday"


def csv_body(text: str) -> list[list[str]]:
    """The rows of a CSV after its header (whose names follow --lang)."""
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.fixture
def dated(db: Db) -> Db:
    """Two `record` batches of 苏州's TECH_MANAGER_TEAMS (May 6, June 9), both created at STAMP; batch 2
    undone at UNDONE."""
    ok(kc(db, "record", TMT, "6", "--month", "2020-05", "--unit", "苏州"))
    ok(kc(db, "record", TMT, "9", "--month", "2020-06", "--unit", "苏州"))
    ok(kc(db, "undo", "2"))
    execute(db, "UPDATE batch SET created = ?", (STAMP,))
    execute(db, "UPDATE batch SET undone_at = ? WHERE id = 2", (UNDONE,))
    return db


@pytest.mark.parametrize("tz", list(SHOWN))
def test_history_shows_local_time_and_the_json_keeps_utc(dated: Db, zone: Callable[[str], None], tz: str) -> None:
    zone(tz)
    created, undone = SHOWN[tz]
    table = ok(kc(dated, "history")).stdout
    assert table.count(created) == 2, table
    assert f"已撤销 {undone}" in table
    assert "+00:00" not in table and "T20:48" not in table
    text = ok(kc(dated, "history", "--format", "csv")).stdout
    assert [created in row for row in csv_body(text)] == [True, True] and "+00:00" not in text, text
    md = ok(kc(dated, "history", "--format", "md")).stdout
    assert md.count(f"| {created} |") == 2, md
    data = json.loads(ok(kc(dated, "history", "--format", "json")).stdout)
    assert [(b["created"], b["undone_at"]) for b in data["batches"]] == [(STAMP, None), (STAMP, UNDONE)]


@pytest.mark.parametrize("tz", list(SHOWN))
def test_explain_shows_local_time_and_the_json_keeps_utc(dated: Db, zone: Callable[[str], None], tz: str) -> None:
    zone(tz)
    created, _ = SHOWN[tz]
    args = ("explain", TMT, "--unit", "苏州", "--as-of", "2020-06")
    table = ok(kc(dated, *args)).stdout
    assert table.count(created) == 2 and "+00:00" not in table, table
    text = ok(kc(dated, *args, "--format", "csv")).stdout
    assert [created in row for row in csv_body(text)] == [True, True] and "+00:00" not in text, text
    md = ok(kc(dated, *args, "--format", "md")).stdout
    assert md.count(f"| {created} |") == 2, md
    data = json.loads(ok(kc(dated, *args, "--format", "json")).stdout)
    assert [r["created"] for r in data["records"]] == [STAMP, STAMP]


@pytest.mark.parametrize("tz", list(SHOWN))
def test_undoing_twice_names_the_local_time(dated: Db, zone: Callable[[str], None], tz: str) -> None:
    zone(tz)
    _, undone = SHOWN[tz]
    assert failed(kc(dated, "undo", "2"), 1) == f"2: 批次 2 已于 {undone} 撤销"
    assert failed(kc(dated, "--lang", "en", "undo", "2"), 1) == f"2: batch 2 was already undone at {undone}"


def test_locked_months_list_local_time(db: Db, zone: Callable[[str], None]) -> None:
    ok(kc(db, "lock", "2020-06", "--reason", "已上报"))
    execute(db, "UPDATE period_lock SET at = ?", (STAMP,))
    zone("Asia/Shanghai")
    table = ok(kc(db, "lock")).stdout
    assert "2020-06-06 04:48" in table and "+00:00" not in table, table
    rows = csv_body(ok(kc(db, "lock", "--format", "csv")).stdout)
    assert [row[:2] for row in rows] == [["2020-06", "2020-06-06 04:48"]]
    data = json.loads(ok(kc(db, "lock", "--format", "json")).stdout)
    assert [k["at"] for k in data["locks"]] == [STAMP]


def test_the_export_sources_sheet_shows_local_time(dated: Db, zone: Callable[[str], None], tmp_path: Path) -> None:
    zone("Asia/Shanghai")
    out = tmp_path / "summary.xlsx"
    ok(kc(dated, "export", out, "--as-of", "2020-06"))
    cells = [c for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True) for c in row]
    # batch 1 is in force (batch 2 is undone: counted, not listed)
    assert cells.count("2020-06-06 04:48") == 1
    assert not [c for c in cells if isinstance(c, str) and "+00:00" in c]


# == 2. Ctrl-C =====================================================================================


def interrupted(result: Result) -> str:
    """Ctrl-C handled: exit code 130, no exception escaped, no traceback; returns stderr's last line."""
    assert result.exit_code == 130, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "nothing said on stderr"
    return lines[-1]


def the_only_line(result: Result) -> str:
    """As :func:`interrupted`, and the line is all there is on stderr."""
    line = interrupted(result)
    assert result.stderr.strip() == line, result.stderr
    return line


def stop(*_: Any, **__: Any) -> Any:
    raise KeyboardInterrupt


def then_stop(real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, and a Ctrl-C the moment it returns."""

    def run(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise KeyboardInterrupt

    return run


def at_commit(mp: pytest.MonkeyPatch, *, after: bool) -> None:
    """A Ctrl-C at the COMMIT statement: just before it is sent, or once it has gone through (as a real
    SIGINT during COMMIT is raised when the driver returns)."""
    real = store.Connection.execute

    def execute_(self: store.Connection, sql: str, params: dict[str, Any] | None = None) -> Any:
        if sql == "COMMIT" and not after:
            raise KeyboardInterrupt
        out = real(self, sql, params)
        if sql == "COMMIT" and after:
            raise KeyboardInterrupt
        return out

    mp.setattr(store.Connection, "execute", execute_)


@pytest.fixture
def two_returns(db: Db, tmp_path: Path) -> tuple[Db, list[Path]]:
    """苏州 (5 teams) and 无锡 (4 teams) for June, ready to import into a database with no batch yet."""
    sz = fill(template(db, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 5})
    wx = fill(template(db, tmp_path / "wx.xlsx", "无锡", "2020-06"), {"E6": 4})
    return db, [sz, wx]


NOTHING = "已中断：未写入任何内容"
IMPORTED = "已中断：本次导入已写入（导入批次组 1，批次 1–2；kctrack undo --run 1 可撤销）"


def _while_reading(mp: pytest.MonkeyPatch) -> None:
    mp.setattr("kctrack.returns.read_returns", stop)


def _inside_the_transaction(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(store, "write_batches", then_stop(store.write_batches))  # batches and records inserted


def _before_commit(mp: pytest.MonkeyPatch) -> None:
    at_commit(mp, after=False)


@pytest.mark.parametrize("moment", [_while_reading, _inside_the_transaction, _before_commit])
def test_ctrl_c_before_the_commit_writes_nothing(
    two_returns: tuple[Db, list[Path]], monkeypatch: pytest.MonkeyPatch, moment: Callable[..., None]
) -> None:
    db, files = two_returns
    before = db_dump(db)
    with monkeypatch.context() as mp:
        moment(mp)
        assert the_only_line(kc(db, "import", *files)) == NOTHING
    # rolled back: not a row of it (a PostgreSQL sequence moves even when its transaction rolls
    # back: a number used is not data written)
    assert _rows(db_dump(db)) == _rows(before)
    assert query(db, "SELECT count(*) FROM batch") == [(0,)]


def test_ctrl_c_after_the_commit_says_the_import_is_written(
    two_returns: tuple[Db, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, files = two_returns
    with monkeypatch.context() as mp:
        at_commit(mp, after=True)
        assert the_only_line(kc(db, "import", *files)) == IMPORTED
    assert query(db, "SELECT id, run, unit_code FROM batch ORDER BY id") == [(1, 1, "suzhou"), (2, 1, "wuxi")]
    assert query(db, "SELECT unit_code, value FROM record ORDER BY id") == [("suzhou", 5.0), ("wuxi", 4.0)]
    ok(kc(db, "undo", "--run", "1"))  # what the message offers works


def test_ctrl_c_while_the_summary_is_printed(
    two_returns: tuple[Db, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, files = two_returns
    monkeypatch.setattr("kctrack.render.import_summary", stop)
    assert the_only_line(kc(db, "import", *files)) == IMPORTED
    assert query(db, "SELECT count(*) FROM batch") == [(2,)]
    en = kc(db, "--lang", "en", "import", *files, "--replace")  # the same files again: skipped, nothing written
    assert the_only_line(en) == "interrupted: nothing was written"


def test_ctrl_c_after_a_dry_run_commit_says_nothing_was_written(
    two_returns: tuple[Db, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, files = two_returns
    before = db_dump(db)
    at_commit(monkeypatch, after=True)  # a dry run's transaction inserts nothing
    assert the_only_line(kc(db, "import", *files, "--dry-run")) == NOTHING
    assert db_dump(db) == before


@pytest.mark.parametrize(
    ("moment", "said", "batches"),
    [
        ("inside", NOTHING, 0),
        ("before_commit", NOTHING, 0),
        ("after_commit", "已中断：已写入批次 1", 1),
        ("after_the_command", "已中断：已写入批次 1", 1),
    ],
)
def test_ctrl_c_in_record(db: Db, monkeypatch: pytest.MonkeyPatch, moment: str, said: str, batches: int) -> None:
    with monkeypatch.context() as mp:
        if moment == "inside":
            mp.setattr(store, "write_batches", then_stop(store.write_batches))
        elif moment == "after_the_command":
            mp.setattr(service, "record", then_stop(service.record))
        else:
            at_commit(mp, after=moment == "after_commit")
        assert the_only_line(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州")) == said
    assert query(db, "SELECT count(*) FROM record") == [(batches,)]
    assert query(db, "SELECT count(*) FROM current_value") == [(batches,)]


def test_ctrl_c_in_lock_and_undo(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    ok(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州"))
    with monkeypatch.context() as mp:
        at_commit(mp, after=True)
        assert the_only_line(kc(db, "lock", "2020-05")) == "已中断：修改已写入数据库"
        en = the_only_line(kc(db, "--lang", "en", "undo", "1"))
        assert en == "interrupted: the change had been written to the database"
    assert query(db, "SELECT month, action FROM period_lock") == [("2020-05", "lock")]
    assert query(db, "SELECT undone_at IS NOT NULL FROM batch WHERE id = 1") == [(1,)]


def test_ctrl_c_in_a_read_command(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "status", stop)
    assert the_only_line(kc(db, "--lang", "en", "status")) == "interrupted: nothing was written"
    assert the_only_line(kc(db, "status")) == NOTHING


def test_ctrl_c_while_the_command_line_is_parsed(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kctrack.cli._Group.resolve_command", stop)
    assert the_only_line(kc(db, "status")) == NOTHING


def test_ctrl_c_while_an_error_is_told(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    # outside typer's own handling: kctrack.cli's main telling an unknown command
    monkeypatch.setattr("kctrack.cli._with_usage", stop)
    assert the_only_line(kc(db, "stauts")) == NOTHING


def test_ctrl_c_in_export(db: Db, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "out" / "summary.csv"
    with monkeypatch.context() as mp:
        mp.setattr("kctrack.export.export_csv", stop)  # while the file is written
        assert the_only_line(kc(db, "export", out, "--as-of", "2020-06")) == NOTHING
    assert sorted(p.name for p in out.parent.iterdir()) == []  # no file, no half-written temporary
    monkeypatch.setattr(service, "export", then_stop(service.export))  # once it has its name
    said = the_only_line(kc(db, "export", out, "--as-of", "2020-06"))
    assert said == f"已中断：已写入 1 个文件（最后一个：{out}）"
    assert out.read_bytes()[:3] == BOM


def test_ctrl_c_while_templates_are_written_names_those_on_disk(
    db: Db, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import kctrack.template

    real = kctrack.template.write_template
    calls: list[Path] = []

    def third_stops(path: Path, *args: Any) -> Any:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt  # while the third is written: it is not there
        return real(path, *args)

    monkeypatch.setattr(kctrack.template, "write_template", third_stops)
    folder = tmp_path / "forms"
    said = the_only_line(kc(db, "template", folder, "--all-units", "--month", "2020-06"))
    assert said == f"已中断：已写入 2 个文件（最后一个：{calls[1]}）"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in calls[:2])


@pytest.mark.sqlite_only
def test_ctrl_c_after_a_backup_names_the_copy(db: Db, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "copies" / "k.db"
    monkeypatch.setattr(service, "backup", then_stop(service.backup))
    assert the_only_line(kc(db, "db", "backup", copy)) == f"已中断：已写入 1 个文件（最后一个：{copy}）"
    assert query(copy, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_ctrl_c_in_init(empty_db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as mp:
        mp.setattr(store, "sync_plan", stop)  # the schema is made, the plan not yet loaded
        assert the_only_line(kc(empty_db, "init")) == "已中断：数据库结构已创建或升级"
    assert is_initialised(empty_db)
    ok(kc(empty_db, "init"))  # the plan is loaded the next time
    assert ok(kc(empty_db, "targets", "--format", "json")).stdout


def test_ctrl_c_while_the_schema_is_made(empty_db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("alembic.command.upgrade", stop)
    said = the_only_line(kc(empty_db, "init"))
    assert said == "已中断：数据库结构正在创建或升级，可能只完成了一部分（kctrack db check 查看）"


# -- a real SIGINT ----------------------------------------------------------------------------------


def _start_import(db: Db, files: list[Path], cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCTRACK_") or k.startswith("KCTRACK_TEST_")}
    env.update(KCTRACK_USER="tester", KCTRACK_BUSY_TIMEOUT="10", PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "kctrack", "--db", str(db), "import", *map(str, files)]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_until_it_opens(proc: subprocess.Popen[bytes], path: Path) -> None:
    """Until the process has the database open (its command is running, Python's SIGINT handler is set)."""
    fds = Path(f"/proc/{proc.pid}/fd")
    target = str(path.resolve())
    deadline = time.monotonic() + 120  # a bound for a stuck machine, not an assertion about speed
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"kctrack ended before it opened the database: {proc.communicate()}")
        try:
            if any(os.readlink(fd) == target for fd in fds.iterdir()):
                return
        except OSError:  # a descriptor closed while listed
            pass
        time.sleep(0.005)
    pytest.fail("kctrack never opened the database")


# What a shell reports as exit status 130: exit(130), or an end by SIGINT, which CPython 3.11 chooses
# itself when the Ctrl-C landed in code it ran from a string (a dataclass made during an import), after
# kctrack has caught it and said what was written (see kctrack.cli.main).
STATUS_130 = (130, -signal.SIGINT)

linux_only = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the open database")


@pytest.mark.sqlite_only
@pytest.mark.slow
@linux_only
def test_a_real_sigint_before_the_commit(two_returns: tuple[Db, list[Path]], tmp_path: Path) -> None:
    """The database's write lock is held here, so the import cannot have committed whenever the signal lands."""
    db, files = two_returns
    before = db_dump(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        proc = _start_import(db, files, tmp_path)
        _wait_until_it_opens(proc, Path(db))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=300)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode in STATUS_130
    assert err.decode() == NOTHING + "\n"
    assert out == b""
    assert db_dump(db) == before


@pytest.mark.sqlite_only
@pytest.mark.slow
@linux_only
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.4])
def test_a_real_sigint_at_any_moment_agrees_with_the_database(
    two_returns: tuple[Db, list[Path]], tmp_path: Path, delay: float
) -> None:
    """Wherever the signal lands (the delay only varies the moment), the message says what the database holds."""
    db, files = two_returns
    proc = _start_import(db, files, tmp_path)
    _wait_until_it_opens(proc, Path(db))
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)  # harmless if it has already finished
    _, err = proc.communicate(timeout=300)
    batches = query(db, "SELECT id, run FROM batch ORDER BY id")
    assert batches in ([], [(1, 1), (2, 1)])  # one transaction: all or nothing
    if proc.returncode == 0:  # done before the signal came (a late one is ignored)
        assert batches == [(1, 1), (2, 1)] and "中断" not in err.decode()
        return
    assert proc.returncode in STATUS_130, err.decode()
    assert "Traceback" not in err.decode()
    assert err.decode().splitlines()[-1] == (IMPORTED if batches else NOTHING)


# == 3. CSV files with a byte-order mark ==============================================================


def test_an_exported_csv_starts_with_the_bom_and_reads_back(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州"))
    out = tmp_path / "2020年度总结.csv"
    ok(kc(db, "export", out, "--as-of", "2020-06"))
    data = out.read_bytes()
    assert data[:3] == BOM and data.count(BOM) == 1
    # (the columns and their names are the export's; what matters here is the text coming back whole)
    head, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert not head[0].startswith("\ufeff") and all(head)
    [tmt] = [r for r in rows if TMT in r]
    assert NAME in tmt and "个" in tmt
    import pandas as pd

    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == head  # the BOM is read as the mark it is, not as part of the first name
    assert frame.values.tolist() == rows
    # LibreOffice, where installed, converts it to a workbook: the mark is no part of the first
    # header and the Chinese is intact.  (Headless, LibreOffice takes the character set from the
    # filter options, not from the mark: without options it reads Windows-1252, BOM or not; so
    # the options name UTF-8 here.  Excel's use of the mark cannot be run on this machine.)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is not None:
        profile = (tmp_path / "lo-profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--infilter=CSV:44,34,76,1"]
            + ["--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(out)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        sheet = openpyxl.load_workbook(tmp_path / "lo" / f"{out.stem}.xlsx").active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == head
        assert NAME in next(r for r in values if TMT in r)


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2020-06", "--format", "csv"),
        ("history", "--format", "csv"),
        ("explain", TMT, "--as-of", "2020-06", "--format", "csv"),
        ("targets", "--format", "csv"),
        ("returns", "--as-of", "2020-06", "--format", "csv"),
        ("lock", "--format", "csv"),
    ],
)
def test_csv_on_stdout_has_no_bom(db: Db, args: tuple[str, ...]) -> None:
    ok(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州"))
    ok(kc(db, "lock", "2020-06"))
    text = ok(kc(db, *args)).stdout
    assert text and not text.startswith("\ufeff")


@pytest.mark.parametrize("name", ["summary.md", "summary.json"])
def test_markdown_and_json_files_have_no_bom(db: Db, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    ok(kc(db, "export", out, "--as-of", "2020-06"))
    assert out.read_bytes()[:1] in (b"#", b"{")


def _rows(dump: list[str]) -> list[str]:
    """A database dump without PostgreSQL's sequence values."""
    return [line for line in dump if not line.startswith("sequence ")]
