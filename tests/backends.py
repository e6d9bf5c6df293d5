"""The databases the tests run on: SQLite files, and PostgreSQL when ``KCTRACK_TEST_PG_URL`` is set.

A test database is a ``Path`` (SQLite) or a URL ``str`` (PostgreSQL); every helper
here takes either, so that a test written against ``db`` runs on both.

PostgreSQL: each test gets its own database, made with ``CREATE DATABASE … TEMPLATE``
from one that ``kctrack init`` prepared (a copy is a fraction of a second; an init is
not), and dropped after the test, in a background thread so that the next test does not
wait for it.  The server's own database named in ``KCTRACK_TEST_PG_URL`` is only used to
create and drop the others; nothing is written to it.

"The database is unchanged" compares, for SQLite, the bytes of the file (and of its
-wal/-shm files); for PostgreSQL, every table's columns and rows (sorted) and every
sequence's value: a sequence moves even when the transaction that used it rolls back,
so a write that was attempted and undone shows as a change, as it does in a SQLite file.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

Db = Path | str  # a SQLite file, or a PostgreSQL URL


def _kctrack_url(url: str) -> str:
    """The URL as kctrack spells it (and prints it): ``postgresql+psycopg://…``, without a password.

    A password in the URL goes to ``PGPASSWORD`` (libpq reads it, in kctrack and in the processes
    the tests start), so that the URLs the tests pass around, print and compare hold none.
    """
    scheme, rest = url.split("://", 1)
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ValueError(f"KCTRACK_TEST_PG_URL must be a postgresql:// URL, not {scheme}://")
    parts = urlsplit("postgresql+psycopg://" + rest)
    if parts.password is not None:
        os.environ["PGPASSWORD"] = unquote(parts.password)
        host = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username}@{host}" if parts.username else host)
    return urlunsplit(parts)


PG_URL: str | None = _kctrack_url(os.environ["KCTRACK_TEST_PG_URL"]) if os.environ.get("KCTRACK_TEST_PG_URL") else None
BACKENDS: list[str] = ["sqlite", "pg"] if PG_URL else ["sqlite"]


def is_pg(db: Db) -> bool:
    return isinstance(db, str) and db.startswith("postgresql")


def pg_database_url(name: str) -> str:
    """The URL of database ``name`` on the server of ``KCTRACK_TEST_PG_URL``."""
    assert PG_URL is not None
    return urlunsplit(urlsplit(PG_URL)._replace(path="/" + name))


def pg_database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def conninfo(url: str) -> str:
    """A libpq URI for psycopg (it does not know SQLAlchemy's ``+psycopg``)."""
    return "postgresql://" + url.split("://", 1)[1]


def pg_connect(url: str, **kwargs: Any) -> Any:
    import psycopg

    return psycopg.connect(conninfo(url), connect_timeout=10, **kwargs)


# -- the PostgreSQL server -------------------------------------------------------------------


class PgServer:
    """Creates and drops the test databases through the server's maintenance database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = pg_connect(url, autocommit=True)
        self.live: set[str] = set()  # created here and not dropped yet
        self._drops: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_loop, name="kct-pg-dropper", daemon=True)
        self._dropper.start()

    def create(self, template: str | None = None, prefix: str = "kct_t") -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        from psycopg import sql

        name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(pg_database_name(template)))
        self.admin.execute(stmt)
        self.live.add(name)
        return pg_database_url(name)

    def drop(self, url: str, *, wait: bool = False) -> None:
        name = pg_database_name(url)
        if wait:
            self._drop_now(self.admin, name)
        else:
            self._drops.put(name)

    def _drop_now(self, con: Any, name: str) -> None:
        from psycopg import sql

        # a connection left open (by the test or by kctrack) would block the drop
        con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        self.live.discard(name)

    def _drop_loop(self) -> None:
        con = pg_connect(self.url, autocommit=True)
        try:
            while (name := self._drops.get()) is not None:
                try:
                    self._drop_now(con, name)
                except Exception:  # noqa: BLE001 - retried at close()
                    pass
                finally:
                    self._drops.task_done()
        finally:
            con.close()

    def close(self) -> None:
        """Wait for the pending drops, drop whatever is left, close the connection."""
        self._drops.put(None)
        self._dropper.join(timeout=120)
        for name in sorted(self.live):
            self._drop_now(self.admin, name)
        self.admin.close()


_server: PgServer | None = None


def pg_server() -> PgServer:
    global _server
    if _server is None:
        assert PG_URL is not None, "KCTRACK_TEST_PG_URL is not set"
        _server = PgServer(PG_URL)
    return _server


def close_pg_server() -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None


# -- test databases ---------------------------------------------------------------------------


def copy_sqlite(src: Path, dest: Path) -> Path:
    """Copy a SQLite database, and its -wal/-shm files where present."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{src}{suffix}")
        if side.exists():
            shutil.copyfile(side, Path(f"{dest}{suffix}"))
    return dest


@contextlib.contextmanager
def copied(src: Db, dest: Path) -> Iterator[Db]:
    """A copy of database ``src``: the file ``dest`` for SQLite; for PostgreSQL a new database, dropped after."""
    if not is_pg(src):
        yield copy_sqlite(Path(src), dest)
        return
    url = pg_server().create(template=str(src))
    try:
        yield url
    finally:
        pg_server().drop(url)


@contextlib.contextmanager
def empty(backend: str, dest: Path) -> Iterator[Db]:
    """A database with nothing in it: for SQLite the path ``dest`` (no file yet); for PostgreSQL a new database."""
    if backend == "sqlite":
        yield dest
        return
    url = pg_server().create()
    try:
        yield url
    finally:
        pg_server().drop(url)


# -- reading and writing them directly ---------------------------------------------------------


def _pg_sql(sql: str, params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...] | None]:
    """sqlite3's ``?`` placeholders as psycopg's ``%s`` (SQL without parameters goes as it is)."""
    if not params:
        return sql, None
    return sql.replace("%", "%%").replace("?", "%s"), params


def query(db: Db, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a read-only query, with ``?`` placeholders, on either database."""
    if is_pg(db):
        with pg_connect(str(db), autocommit=True) as con:
            return [tuple(r) for r in con.execute(*_pg_sql(sql, params)).fetchall()]
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def execute(db: Db, sql: str, params: tuple[Any, ...] = ()) -> None:
    """One write statement, with ``?`` placeholders, committed."""
    if is_pg(db):
        with pg_connect(str(db), autocommit=True) as con:
            con.execute(*_pg_sql(sql, params))
        return
    con = sqlite3.connect(db)
    try:
        with con:
            con.execute(sql, params)
    finally:
        con.close()


def pg_snapshot(url: str) -> dict[str, Any]:
    """Every table's columns and rows, in order, and every sequence's value (three round trips)."""
    from psycopg import sql

    out: dict[str, Any] = {}
    with pg_connect(url, autocommit=True) as con:
        columns: dict[str, list[tuple[Any, ...]]] = {}
        for table, *column in con.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname, a.attnum"
        ):
            columns.setdefault(table, []).append(tuple(column))
        if columns:
            # every table sorted on all of its columns (ORDER BY 1, 2, …), in one multi-statement query
            selects = sql.SQL("; ").join(
                sql.SQL("SELECT * FROM {} ORDER BY {}").format(
                    sql.Identifier(table), sql.SQL(", ").join(sql.SQL(str(i + 1)) for i in range(len(cols)))
                )
                for table, cols in columns.items()
            )
            cur = con.execute(selects)
            for table, cols in columns.items():
                out[table] = (cols, [tuple(r) for r in cur.fetchall()])
                cur.nextset()
        out["(sequences)"] = [
            tuple(r)
            for r in con.execute(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY schemaname, sequencename"
            )
        ]
    return out


def db_state(db: Db) -> dict[str, Any]:
    """What "the database is unchanged" compares.

    SQLite: the bytes of the file and of its -wal/-shm files where present.
    PostgreSQL: every table's columns and sorted rows, and every sequence's value.
    """
    if is_pg(db):
        return pg_snapshot(str(db))
    out = {}
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db}{suffix}")
        if p.exists():
            out[suffix] = p.read_bytes()
    return out


def db_dump(db: Db) -> list[str]:
    """The content of the database as lines of text (SQLite's ``iterdump``; the snapshot for PostgreSQL)."""
    if is_pg(db):
        lines = []
        for table, content in pg_snapshot(str(db)).items():
            if table == "(sequences)":
                lines += [f"sequence {row!r}" for row in content]
            else:
                cols, rows = content
                lines.append(f"table {table} {cols!r}")
                lines += [f"{table} {row!r}" for row in rows]
        return lines
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def is_initialised(db: Db) -> bool:
    """The database exists and kctrack migrated it (it has an alembic_version row)."""
    if is_pg(db):
        tables = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'alembic_version'"
    elif Path(db).exists():
        tables = "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
    else:
        return False
    return bool(query(db, tables)[0][0]) and bool(query(db, "SELECT count(*) FROM alembic_version")[0][0])


@contextlib.contextmanager
def writing(db: Db) -> Iterator[Any]:
    """``run(sql, params=())`` for statements with ``?`` placeholders, all committed together at the end."""
    if is_pg(db):
        with pg_connect(str(db)) as con:  # psycopg: one transaction, committed when the block ends

            def run_pg(sql: str, params: tuple[Any, ...] = ()) -> None:
                con.execute(*_pg_sql(sql, params))

            yield run_pg
        return
    con = sqlite3.connect(db)
    try:
        with con:
            yield lambda sql, params=(): con.execute(sql, params)
    finally:
        con.close()
