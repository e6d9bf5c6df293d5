"""Faulty environments (issue 13 rows 5–8 and the settings): a secret in a URL never shown; a read-only,
full, busy or damaged database each said for what it is; a read-only command never migrating; a
backup never standing half-written; every KCTRACK_* variable checked like an option; a reader that
leaves the pipe early.  Real files, real processes, real mounts where the machine allows one.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import failed, kc, ok, run

from kctrack import store
from kctrack.errors import DatabaseError
from kctrack.i18n import tr

pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[1]
SECRET = "S3cret"
RECORD = ("record", "TECH_MANAGER_TEAMS", "2", "--unit", "苏州", "--month", "2020-06")  # a change to write


def child(*args: str, user: int | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m kctrack ARGS…`` in a real process (as the user ``user`` when given), with a timeout."""
    full = {**os.environ, "PYTHONPATH": str(REPO), "KCTRACK_USER": "tester", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kctrack", *args], capture_output=True, text=True, timeout=120, env=full, user=user
    )


def one_message(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "k.db"
    ok(run("--db", path, "demo"))
    return path


# -- row 5: secrets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://:{SECRET}@127.0.0.1:1/x",  # the issue's: no user name before the password
        f"postgresql://analyst:{SECRET}@127.0.0.1:1/x",
        f"postgres://analyst:{SECRET}@127.0.0.1:1/x",
        f"postgresql+psycopg://analyst:{SECRET}@127.0.0.1:1/x",
        f"postgresql://analyst@127.0.0.1:1/x?password={SECRET}&sslmode=disable",
        f"postgresql://analyst@127.0.0.1:1/x?sslpassword={SECRET}",
        "postgresql://analyst:S3%63ret@127.0.0.1:1/x",  # percent-encoded: S3cret once decoded
        f"postgresql://analyst:{SECRET}@[::1:1/x",  # a URL the parser refuses
    ],
)
def test_a_password_in_a_url_is_never_shown(url: str) -> None:
    result = run("--db", url, "status")
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output and "S3%63ret" not in result.output
    assert "***" in result.output


@pytest.mark.parametrize(
    "url, key, params",
    [
        (f"mysql://u:{SECRET}@h/x", "db_url_unsupported", {"url": "mysql://u:***@h/x"}),
        (f"host=h password={SECRET} dbname=x", "db_conninfo", {}),
        (f"host=h PASSWORD = 'a\\' {SECRET}'", "db_conninfo", {}),  # libpq's own quoting: not echoed at all
    ],
)
def test_other_forms_carrying_a_password_are_refused_masked(url: str, key: str, params: dict[str, str]) -> None:
    assert failed(run("--db", url, "status"), 2) == tr(key, "zh", **params)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@ss@127.0.0.1:1/x",  # SQLAlchemy would take the password as p@ss, libpq as p
        "postgresql://u:p:a/ss@127.0.0.1:1/x",  # a / inside it: the rest reads as a path
    ],
)
def test_a_password_with_unencoded_at_or_slash_is_refused_unshown(url: str) -> None:
    message = failed(run("--db", url, "status"), 2)
    assert message == tr("db_url_unencoded", "zh", url="postgresql+psycopg://***")


def test_a_short_secret_hides_the_drivers_message() -> None:
    """Masking a one-letter password would mask that letter everywhere: the message is left out."""
    loc = store.locate("postgresql://analyst:x@dbhost/kctrack")
    assert store.scrub("connection to server at dbhost failed: x", loc) == "…"


def test_a_host_named_locked_is_not_a_busy_database() -> None:
    """Only SQLite's own phrases are read as causes; another driver's message names hosts and paths."""
    message = failed(run("--db", "postgresql://u@/db?host=/tmp/no-such-locked-busy-dir", "status"), 1)
    assert "db_busy" not in message and tr("db_busy", "zh", seconds="30")[:6] not in message
    assert tr("db_cannot_open", "zh", reason="")[:6] in message


def test_a_secret_in_the_drivers_own_message_is_scrubbed() -> None:
    loc = store.locate(f"postgresql://analyst:{SECRET}@dbhost/kctrack?sslpassword=Other1")
    assert loc.display == "postgresql+psycopg://analyst:***@dbhost/kctrack?sslpassword=***"
    error = store.database_error(RuntimeError(f'password "{SECRET}" and "Other1" were rejected by {loc.url}'), loc)
    text = error.render("en")
    assert SECRET not in text and "Other1" not in text
    assert text == (
        f'{loc.display}: the database reported an error (password "***" and "***" were rejected by {loc.display});'
        " nothing was written"
    )


# -- the settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, value",
    [
        ("KCTRACK_BUSY_TIMEOUT", "abc"),
        ("KCTRACK_BUSY_TIMEOUT", "-1"),
        ("KCTRACK_BUSY_TIMEOUT", "nan"),
        ("KCTRACK_BUSY_TIMEOUT", "inf"),
        ("KCTRACK_BUSY_TIMEOUT", "86400"),
        ("KCTRACK_USER", "\x1b]0;pwned\x07"),
        ("KCTRACK_USER", "x" * 65),
        ("KCTRACK_USER", "   "),
        ("KCTRACK_MAX_FILE_MB", "0"),
        ("KCTRACK_MAX_FILE_MB", "50MB"),
        ("KCTRACK_MAX_FILE_MB", "2048"),
        ("KCTRACK_MAX_UNCOMPRESSED_MB", "-5"),
        ("KCTRACK_MAX_UNCOMPRESSED_MB", "1e3"),
    ],
)
def test_a_bad_setting_is_a_usage_error(demo: Path, name: str, value: str) -> None:
    message = failed(kc(demo, "status", env={name: value}), 2)
    assert message.startswith(f"{name}: ")
    assert "\x1b" not in message and "\x07" not in message
    assert tr("env_bad", "zh", value="", expected="")[:5] in message


def test_a_bad_language_names_its_variable(demo: Path) -> None:
    result = kc(demo, "status", env={"KCTRACK_LANG": "fr"})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert tr("cli_not_a_choice", "zh", param="KCTRACK_LANG (--lang)", value="fr", choices="zh、en") in result.stderr


def test_good_settings_are_taken(demo: Path) -> None:
    ok(
        kc(
            demo,
            *RECORD,
            env={"KCTRACK_USER": "王芳", "KCTRACK_BUSY_TIMEOUT": "2.5"},
        )
    )
    ok(kc(demo, "status", env={"KCTRACK_MAX_FILE_MB": "1", "KCTRACK_MAX_UNCOMPRESSED_MB": "10", "KCTRACK_USER": ""}))


def test_a_bad_terminal_width_is_passed_over(demo: Path) -> None:
    done = child("--db", str(demo), "status", env={"COLUMNS": "abc"})
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 160


def test_a_nul_in_the_database_path_is_a_usage_error() -> None:
    message = failed(run("--db", "/tmp/a\x00b.db", "status"), 2)
    assert message == tr("db_bad_path", "zh", url="/tmp/a\\0b.db")


# -- row 6: read-only ---------------------------------------------------------------------------


def test_a_file_this_user_may_not_write(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database this user may read and not write (as root may not be tried for real: root writes
    anything): writing commands say so, reading ones still read, nothing changes."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real(path, mode, **kw))
    before = demo.read_bytes()
    message = failed(kc(demo, *RECORD), 1)
    assert message == f"{demo}: " + tr("db_read_only", "zh", reason=os.strerror(13))
    assert '"as_of"' in ok(kc(demo, "status", "--format", "json")).stdout
    copy = demo.with_name("copy.db")
    assert failed(kc(demo, "db", "backup", copy), 2) == f"{copy}: " + tr("out_unwritable", "zh", reason=os.strerror(13))
    assert demo.read_bytes() == before
    assert not copy.exists()


def test_a_file_an_ordinary_user_may_not_write(demo: Path, tmp_path: Path) -> None:
    """The same for real, as the user nobody, where this machine lets nobody run this Python."""
    if os.geteuid() != 0:
        demo.chmod(0o444)
        demo.parent.chmod(0o555)
        user = None
    else:
        probe = (
            subprocess.run([sys.executable, "-c", "0"], user=65534, capture_output=True, check=False)
            if _can_switch()
            else None
        )
        if probe is None or probe.returncode != 0:
            pytest.skip(
                "this Python lies where the user nobody cannot run it (under /root): the same case runs in-process above"
            )
        user = 65534
    try:
        done = child("--db", str(demo), *RECORD, user=user)
        assert one_message(done, 1) == f"{demo}: " + tr("db_read_only", "zh", reason=os.strerror(13))
        assert child("--db", str(demo), "status", user=user).returncode == 0
    finally:
        demo.parent.chmod(0o755)


def _can_switch() -> bool:
    try:
        subprocess.run([sys.executable, "-c", "0"], user=65534, capture_output=True, check=False)
    except PermissionError:
        return False
    return True


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of its own, unmounted after (root, and a kernel that lets this container mount)."""
    point = tmp_path / "mnt"
    point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root: the read-only and full-disk cases need a file system of their own")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _remount_read_only(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def test_a_read_only_file_system(demo: Path, mount: Path) -> None:
    db = Path(shutil.copy(demo, mount / "k.db"))
    _remount_read_only(mount)
    message = one_message(child("--db", str(db), *RECORD), 1)
    assert message == f"{db}: " + tr("db_read_only", "zh", reason=os.strerror(30))
    for args in (["status"], ["history"], ["returns"], ["db", "check"]):
        assert child("--db", str(db), *args).returncode == 0, args
    assert one_message(child("--db", str(db), "db", "upgrade"), 1).startswith(f"{db}: ")


def test_a_read_only_file_system_with_unmerged_changes(demo: Path, mount: Path, tmp_path: Path) -> None:
    """Changes still in the write-ahead log would be missed by a read that cannot use it: refused."""
    holder = sqlite3.connect(demo, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE batch SET operator = 'changed'")  # committed, in k.db-wal only
    try:
        for name in ("k.db", "k.db-wal"):
            shutil.copy(demo.with_name(name), mount / name)
        _remount_read_only(mount)
        message = one_message(child("--db", str(mount / "k.db"), "status"), 1)
        assert message == f"{mount / 'k.db'}: " + tr("db_read_only_wal", "zh", wal=mount / "k.db-wal")
    finally:
        holder.close()


# -- row 7: a disk that fills -------------------------------------------------------------------


def test_a_disk_that_fills_during_an_import(mount: Path, tmp_path: Path) -> None:
    """48 KB left: room for SQLite's shared-memory file (32 KB), not for the journal of 22 returns."""
    db = mount / "k.db"
    ok(run("--db", db, "init"))
    before = _records(db)
    returns = tmp_path / "returns"
    ok(run("--db", db, "template", "--all-units", returns, "--month", "2020-06"))
    free = shutil.disk_usage(mount).free
    (mount / "filler").write_bytes(b"\0" * (free - 48 * 1024))
    done = child("--db", str(db), "import", str(returns))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{db}: " + tr("db_disk_full", "zh", reason="")[:4] in done.stderr
    (mount / "filler").unlink()
    assert _records(db) == before  # nothing written
    assert child("--db", str(db), "db", "check").returncode == 0


def _records(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT * FROM record ORDER BY id").fetchall()


# -- busy and damaged ---------------------------------------------------------------------------


def test_a_busy_database(demo: Path) -> None:
    holder = sqlite3.connect(demo, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = child(
            "--db",
            str(demo),
            *RECORD,
            env={"KCTRACK_BUSY_TIMEOUT": "0.2"},
        )
        assert one_message(done, 1) == f"{demo}: " + tr("db_busy", "zh", seconds="0.2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("damage", ["truncated", "overwritten header", "random"])
def test_a_damaged_database_is_said_damaged(demo: Path, damage: str) -> None:
    data = demo.read_bytes()
    if damage == "truncated":
        demo.write_bytes(data[:5000])
    elif damage == "overwritten header":
        demo.write_bytes(b"\0" * 100 + data[100:])
    else:
        demo.write_bytes(random.Random(7).randbytes(len(data)))
    for args in (["status"], list(RECORD)):
        result = kc(demo, *args)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.stderr.startswith(f"{demo}: ")
        assert tr("db_read_only", "zh", reason="")[:5] not in result.stderr  # never sent the wrong way


# -- a read-only command never migrates -------------------------------------------------------


def test_a_read_only_command_never_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = store.connect(store.locate(str(path)), create=True)
    store.migrate(conn, "0004")
    conn.close()
    before = path.read_bytes()
    for args in (
        ["status"],
        ["history"],
        ["returns"],
        ["export", str(tmp_path / "x.xlsx")],
        ["import", "--dry-run", str(tmp_path / "none")],
    ):
        message = failed(kc(path, *args), 1)
        assert message == f"{path}: " + tr("db_needs_upgrade", "zh", version="0004", head=store.SCHEMA_HEAD), args
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]
    # a backup is what an old database needs first: taken as it is, not upgraded
    ok(kc(path, "db", "backup", tmp_path / "b.db"))
    assert path.read_bytes() == before
    copy = store.connect(store.locate(str(tmp_path / "b.db")))
    assert store.schema_version(copy) == "0004"
    copy.close()
    (tmp_path / "b.db").unlink()
    result = ok(kc(path, "db", "upgrade"))
    assert tr("db_upgraded", "zh", old="0004", new=store.SCHEMA_HEAD, copy="")[:10] in result.stderr
    conn = store.connect(store.locate(str(path)))
    assert store.schema_version(conn) == store.SCHEMA_HEAD
    conn.close()
    assert tr("db_upgrade_done", "zh", head=store.SCHEMA_HEAD) in ok(kc(path, "db", "upgrade")).stdout


# -- row 8: a backup interrupted or killed ------------------------------------------------------


class _StopsHalfWay:
    """A connection whose backup copies a page, then is interrupted (Ctrl-C), as a kill would stop it."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def backup(self, target: sqlite3.Connection) -> None:
        def stop(status: int, remaining: int, total: int) -> None:
            raise KeyboardInterrupt

        self.raw.backup(target, pages=1, progress=stop)


def test_an_interrupted_backup_leaves_no_file(demo: Path, tmp_path: Path) -> None:
    loc = store.locate(str(demo))
    raw = sqlite3.connect(demo)
    dest = tmp_path / "backups" / "copy.db"
    with pytest.raises(KeyboardInterrupt):
        store.backup(store.Connection(loc, _StopsHalfWay(raw)), dest)
    raw.close()
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []  # nor the temporary copy


def test_a_killed_backup_never_stands_half_written(demo: Path, tmp_path: Path) -> None:
    """SIGKILL at a random moment: the backup is either absent or whole (a 40 MB database, so that the
    kill often lands while it copies)."""
    with sqlite3.connect(demo) as con:
        con.execute("CREATE TABLE ballast (b BLOB)")
        con.executemany("INSERT INTO ballast VALUES (?)", [(os.urandom(1 << 20),) for _ in range(40)])
    rng = random.Random(13)
    for attempt in range(4):
        dest = tmp_path / f"copy-{attempt}.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kctrack", "--db", str(demo), "db", "backup", str(dest)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if dest.exists():
            with sqlite3.connect(dest) as con:
                assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                assert con.execute("SELECT count(*) FROM ballast").fetchone() == (40,)
    # a killed copy is left under its temporary name only (and SQLite's journal of it)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy-")]
    assert all(re.fullmatch(r"\.copy-\d\.db\.\d+\.tmp(-journal)?", name) for name in leftovers), leftovers


def test_a_backup_never_overwrites(demo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"mine")
    message = failed(kc(demo, "db", "backup", dest), 1)
    assert message == f"{dest}: " + tr("db_backup_exists", "zh")
    assert dest.read_bytes() == b"mine"


# -- a reader that leaves -----------------------------------------------------------------------


def test_a_reader_that_closes_the_pipe(demo: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kctrack", "--db", str(demo), "history", "--format", "csv"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before kctrack writes its first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


def test_database_error_keys_by_cause(tmp_path: Path) -> None:
    """The one place that names causes: each driver's code maps to its message."""
    loc = store.locate(str(tmp_path / "k.db"))
    cases = {
        "SQLITE_READONLY_DBMOVED": "db_read_only",
        "SQLITE_FULL": "db_disk_full",
        "SQLITE_CORRUPT_INDEX": "db_not_sqlite",
        "SQLITE_NOTADB": "db_not_sqlite",
        "SQLITE_BUSY_SNAPSHOT": "db_busy",
        "SQLITE_CANTOPEN_ISDIR": "db_cannot_open",
        "SQLITE_IOERR_WRITE": "db_io_error",
    }
    for name, key in cases.items():
        exc = sqlite3.OperationalError("x")
        exc.sqlite_errorname = name  # type: ignore[attr-defined]
        assert store.database_error(exc, loc).key == key, name
    for errno_, key in ((28, "db_disk_full"), (30, "db_read_only"), (13, "db_read_only"), (5, "db_io_error")):
        assert store.database_error(OSError(errno_, os.strerror(errno_)), loc).key == key
    pg = type("PgError", (Exception,), {})
    for state, key in (
        ("53100", "db_disk_full"),
        ("25006", "db_read_only"),
        ("55P03", "db_busy"),
        ("XX001", "db_not_sqlite"),
        ("42P01", "db_error"),
    ):
        exc = pg("x")
        exc.sqlstate = state  # type: ignore[attr-defined]
        assert store.database_error(exc, loc).key == key, state
    assert isinstance(store.database_error(ValueError("?"), loc), DatabaseError)


def test_a_path_that_reads_as_markup_is_shown_as_text(tmp_path: Path) -> None:
    """rich would read "[/x]" in a path as a closing tag and stop with MarkupError: kctrack prints text."""
    folder = tmp_path / "[" / "x] [bold]"  # the path reads …/[/x] [bold]/k.db
    folder.mkdir(parents=True)
    db = folder / "k.db"
    ok(run("--db", db, "demo"))
    done = child("--db", str(db), "status")
    assert done.returncode == 0, done.stderr
    assert f"{db}" in done.stdout.splitlines()[0]


def test_an_error_met_half_way_through_a_stream_is_one_message(tmp_path: Path) -> None:
    """A damaged page found after thousands of history rows: the same message as one found at the start."""
    loc = store.locate(str(tmp_path / "k.db"))

    def rows() -> Iterator[tuple[int]]:
        yield (1,)
        raise sqlite3.DatabaseError("database disk image is malformed")

    stream = store._guarded(rows(), loc)
    assert next(stream) == (1,)
    with pytest.raises(DatabaseError) as caught:
        next(stream)
    assert caught.value.key == "db_not_sqlite"
