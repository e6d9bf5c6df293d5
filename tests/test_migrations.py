"""Migrations: empty → head with no pending autogenerate difference (SQLite and PostgreSQL); the
revision chain; an older database upgraded on open (current values backfilled; on SQLite a copy
kept); a newer one refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import (
    Db,
    db_dump,
    db_state,
    execute,
    failed,
    is_pg,
    kc,
    ok,
    query,
    share_row,
    target_row,
    writing,
)

from kctrack import store
from kctrack.planfile import load_plan
from kctrack.resources import default_plan, migrations_dir

TMT = "TECH_MANAGER_TEAMS"
HAIZHI = "HAIZHI_EVENTS"


def test_empty_database_to_head_matches_the_models(empty_db: Db) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine, inspect
    from sqlmodel import SQLModel

    import kctrack.models  # noqa: F401  (registers the tables)

    opened = store.open_db(str(empty_db), create=True)
    opened.conn.close()
    assert query(empty_db, "SELECT version_num FROM alembic_version") == [(store.SCHEMA_HEAD,)]
    engine = create_engine(store.locate(str(empty_db)).url)
    try:
        with engine.connect() as conn:
            batch = conn.dialect.name == "sqlite"
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": batch})
            diff = compare_metadata(context, SQLModel.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == []
    assert set(SQLModel.metadata.tables) <= tables


def test_schema_revisions_follow_the_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    scripts = ScriptDirectory.from_config(cfg)
    assert scripts.get_heads() == [store.SCHEMA_HEAD]
    chain = [s.revision for s in scripts.walk_revisions("base", "heads")]
    assert tuple(reversed(chain)) == store.SCHEMA_REVISIONS
    # one script per revision, in a straight line
    assert len({s.down_revision for s in scripts.walk_revisions()}) == len(store.SCHEMA_REVISIONS)
    files = sorted(p.name for p in (migrations_dir() / "versions").glob("*.py"))
    assert [f.split("_", 1)[0] for f in files] == list(store.SCHEMA_REVISIONS)


# -- an older database ---------------------------------------------------------------------------------------


def database_at_0001(db: Db) -> None:
    """A database as kctrack 0001 left it: the plan, and records written with plain SQL."""
    conn = store.connect(store.locate(str(db)), create=True)
    try:
        store.migrate(conn, "0001")
    finally:
        conn.close()
    assert query(db, "SELECT version_num FROM alembic_version") == [("0001",)]
    plan = load_plan(default_plan())
    body = plan.to_json()
    with writing(db) as run:
        run(
            "INSERT INTO plan_version (code, sha256, source, body, loaded_at, operator) VALUES (?, ?, ?, ?, ?, ?)",
            (plan.code, hashlib.sha256(body.encode()).hexdigest(), "old", body, "2020-05-01T00:00:00+00:00", "old"),
        )
        for u in plan.units:
            run("INSERT INTO unit (code, name, kind, active) VALUES (?, ?, ?, ?)", (u.code, u.name.zh, u.kind, True))
        for code, kind, name in [(t.code, "target", t.name.zh) for t in plan.targets] + [
            (m.code, "milestone", m.name.zh) for m in plan.milestones
        ]:
            run("INSERT INTO target (code, kind, name, active) VALUES (?, ?, ?, ?)", (code, kind, name, True))
        batches = [
            # id, kind, superseded_by, undone_at
            (1, "record", None, None),
            (2, "record", None, None),  # corrects batch 1's figure
            (3, "import", 4, None),  # a return superseded by batch 4
            (4, "import", None, None),
            (5, "record", None, "2020-07-01T00:00:00+00:00"),  # undone
            (6, "record", None, None),
            (7, "record", None, "2020-07-02T00:00:00+00:00"),  # a correction of batch 6, undone
        ]
        for bid, kind, _sup, undone in batches:
            run(
                "INSERT INTO batch (id, created, operator, kind, source, undone_at, undone_by)"
                " VALUES (?, ?, 'old', ?, ?, ?, ?)",
                (bid, f"2020-06-0{bid}T00:00:00+00:00", kind, f"old batch {bid}", undone, "old" if undone else None),
            )
        for bid, _kind, sup, _undone in batches:
            if sup is not None:
                run("UPDATE batch SET superseded_by = ? WHERE id = ?", (sup, bid))
        records = [
            # id, batch, target, unit, month, value
            (1, 1, TMT, "suzhou", "2020-05", 6.0),
            (2, 2, TMT, "suzhou", "2020-05", 8.0),  # newest live: 8
            (3, 3, TMT, "nanjing", "2020-06", 7.0),
            (4, 4, TMT, "nanjing", "2020-06", 9.0),  # the superseding return: 9
            (5, 5, TMT, "wuxi", "2020-06", 4.0),  # undone: no figure in force
            (6, 6, HAIZHI, "international_dept", "2020-04", 10.0),  # in force: 10
            (7, 7, HAIZHI, "international_dept", "2020-04", 99.0),  # its undone correction
            (8, 1, TMT, "suzhou", "2020-04", 3.0),
        ]
        for record in records:
            run(
                "INSERT INTO record (id, batch_id, target_code, unit_code, month, value, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, '2020-06-01T00:00:00+00:00')",
                record,
            )
        if is_pg(db):
            # kctrack 0001 took its ids from the sequences; the explicit ids above did not move them
            for table in ("plan_version", "batch", "record"):
                run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def check_upgraded_figures(db: Db, status_stdout: str) -> None:
    """What database_at_0001 holds, read after the upgrade: current values backfilled, nothing lost."""
    assert query(db, "SELECT version_num FROM alembic_version") == [(store.SCHEMA_HEAD,)]
    # current values: the newest record of a live batch for each key
    rows = query(db, "SELECT target_code, unit_code, month, value, record_id FROM current_value ORDER BY record_id")
    assert rows == [
        (TMT, "suzhou", "2020-05", 8.0, 2),
        (TMT, "nanjing", "2020-06", 9.0, 4),
        (HAIZHI, "international_dept", "2020-04", 10.0, 6),
        (TMT, "suzhou", "2020-04", 3.0, 8),
    ]
    # nothing lost: every record is still there
    assert query(db, "SELECT count(*) FROM record") == [(8,)]
    # and status reads them: 苏州 3 + 8 = 11, 南京 9, 无锡 0 (undone); 国际部 10
    data = json.loads(status_stdout)
    assert target_row(data, TMT)["actual"] == 20  # 11 + 9
    assert share_row(data, TMT, "Suzhou")["actual"] == 11
    assert share_row(data, TMT, "Nanjing")["actual"] == 9
    assert share_row(data, TMT, "Wuxi")["actual"] == 0
    assert target_row(data, HAIZHI)["actual"] == 10


def test_an_older_database_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    database_at_0001(path)
    original = db_dump(path)
    # a command that only reads does not upgrade: it says how to, and leaves the file as it was
    refused = kc(path, "--lang", "en", "status", "--as-of", "2020-06")
    assert refused.exit_code == 1
    assert "kctrack db upgrade" in refused.stderr
    assert db_dump(path) == original and [p.name for p in tmp_path.iterdir()] == ["old.db"]
    result = ok(kc(path, "--lang", "en", "db", "upgrade"))
    # upgraded to head, with a notice on stderr naming the copy kept from before
    assert f"from 0001 to {store.SCHEMA_HEAD}" in result.stderr
    copies = [p for p in tmp_path.iterdir() if p.name.startswith("old.db.") and not p.name.endswith(("-wal", "-shm"))]
    assert len(copies) == 1, list(tmp_path.iterdir())
    assert str(copies[0]) in result.stderr
    assert query(copies[0], "SELECT version_num FROM alembic_version") == [("0001",)]
    assert query(copies[0], "SELECT count(*) FROM record") == [(8,)]
    assert db_dump(copies[0]) == original  # the copy holds the database as it was before
    check_upgraded_figures(
        path, ok(kc(path, "--lang", "en", "status", "--format", "json", "--as-of", "2020-06")).stdout
    )
    # opened again: already at head, no further upgrade or copy
    again = ok(kc(path, "status", "--as-of", "2020-06"))
    assert "0001" not in again.stderr
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("old.db.")]) == 1


def test_an_older_database_on_postgresql_is_upgraded_in_place(pg_url: str) -> None:
    database_at_0001(pg_url)
    assert kc(pg_url, "status", "--as-of", "2020-06").exit_code == 1  # reading does not upgrade
    result = ok(kc(pg_url, "--lang", "en", "db", "upgrade"))
    # no copy on PostgreSQL (that is pg_dump's job): the notice names the versions
    assert f"from 0001 to {store.SCHEMA_HEAD}" in result.stderr
    check_upgraded_figures(
        pg_url, ok(kc(pg_url, "--lang", "en", "status", "--format", "json", "--as-of", "2020-06")).stdout
    )
    again = ok(kc(pg_url, "status", "--as-of", "2020-06"))
    assert "0001" not in again.stderr


def test_a_record_after_the_upgrade_updates_the_current_value(empty_db: Db) -> None:
    database_at_0001(empty_db)
    ok(kc(empty_db, "record", TMT, "12", "--month", "2020-05", "--unit", "苏州"))
    assert query(
        empty_db,
        "SELECT value FROM current_value WHERE target_code = ? AND unit_code = 'suzhou' AND month = '2020-05'",
        (TMT,),
    ) == [(12.0,)]


def test_a_newer_database_is_refused(db: Db) -> None:
    execute(db, "UPDATE alembic_version SET version_num = '9999'")
    before = db_state(db)
    for args in (["status"], ["record", TMT, "1", "--month", "2020-05", "--unit", "苏州"], ["init"]):
        message = failed(kc(db, "--lang", "en", *args), 1)
        assert "9999" in message, message
        assert store.SCHEMA_HEAD in message
        assert "upgrade kctrack" in message
    assert db_state(db) == before
    if not is_pg(db):  # no backup copy made either
        assert [p.name for p in db.parent.iterdir() if p.name.startswith("kctrack.db.")] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_refusal_reads_in_either_language(db: Db, lang: str) -> None:
    execute(db, "UPDATE alembic_version SET version_num = '9999'")
    message = failed(kc(db, "--lang", lang, "status"), 1)
    assert "9999" in message
    assert str(db) in message
