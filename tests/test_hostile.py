"""Hostile input: malformed plan files and workbooks never crash kctrack nor change the database.

Property: whatever the input, the command ends with exit code 0, 1 or 2 and a
message, never a traceback; when it fails, the database is byte-identical (on
PostgreSQL: the same tables, rows and sequence values).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import math
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from backends import pg_server
from conftest import Db, copied, db_state, empty, is_pg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kctrack.cli import app
from kctrack.resources import default_plan

runner = CliRunner()
PLAN_TEXT = default_plan().read_text(encoding="utf-8")
PLAN_LINES = PLAN_TEXT.splitlines()
HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def digest(path: Path) -> str | None:
    if not path.exists():
        return None
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))).hexdigest()


def state(db: Db) -> Any:
    """SQLite: the bytes of the file and of every file named after it; PostgreSQL: the tables and sequences."""
    return db_state(db) if is_pg(db) else digest(Path(db))


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    # a KctrackError or a usage error ends in SystemExit; anything else is a crash
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def base_db(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    with empty(backend, tmp_path_factory.mktemp("hostile") / "base.db") as db:
        code, out = invoke("--db", str(db), "init")
        assert code == 0, out
        yield db
        if (spare := _spare.pop(str(db), None)) is not None:
            pg_server().drop(spare)


_spare: dict[str, str] = {}  # base database → an unchanged PostgreSQL copy of it, for the next example


@contextlib.contextmanager
def scratch(base: Db, folder: Path) -> Iterator[Db]:
    """A copy of the base database for one example.

    On PostgreSQL the copy an earlier example left unchanged is used again (making a database
    costs more than the comparison that shows it is still the same as the base).
    """
    if not is_pg(base):
        with copied(base, folder / "k.db") as db:
            yield db
        return
    db = _spare.pop(str(base), None) or pg_server().create(template=str(base))
    try:
        yield db
    finally:
        if db_state(db) == _base_state(str(base)):
            _spare[str(base)] = db
        else:
            pg_server().drop(db)


@functools.cache
def _base_state(base: str) -> Any:
    return db_state(base)


# -- plan files ----------------------------------------------------------------------------

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(PLAN_LINES) - 1)),
    st.tuples(st.just("replace"), st.integers(0, len(PLAN_LINES) - 1), st.text(max_size=40)),
    st.tuples(st.just("insert"), st.integers(0, len(PLAN_LINES) - 1), st.text(max_size=40)),
    st.tuples(st.just("truncate"), st.integers(0, len(PLAN_TEXT))),
    st.tuples(
        st.just("number"),
        st.integers(0, len(PLAN_LINES) - 1),
        st.sampled_from(["-1", "1e309", "abc", "", "[]", "{}", "2020-13"]),
    ),
)


def mutate(m: tuple) -> str:  # type: ignore[type-arg]
    lines = list(PLAN_LINES)
    kind = m[0]
    if kind == "delete":
        del lines[m[1]]
    elif kind == "replace":
        lines[m[1]] = m[2]
    elif kind == "insert":
        lines.insert(m[1], m[2])
    elif kind == "truncate":
        return PLAN_TEXT[: m[1]]
    elif kind == "number":
        line = lines[m[1]]
        if ":" in line:
            lines[m[1]] = line.split(":", 1)[0] + ": " + m[2]
    return "\n".join(lines)


@HYPO
@given(m=mutation)
def test_malformed_plan_files_fail_cleanly(m: tuple) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as d:
        plan = Path(d) / "plan.yaml"
        plan.write_text(mutate(m), encoding="utf-8")
        db = Path(d) / "k.db"
        code, out = invoke("--db", str(db), "init", "--plan", str(plan))
        assert code in (0, 1, 2)
        if code != 0:
            assert out.strip(), "a failure must say why"
            assert not db.exists(), "a failed init must not create the database"


def test_plan_file_is_loaded_with_a_safe_loader(tmp_path: Path) -> None:
    plan = tmp_path / "evil.yaml"
    plan.write_text('schema: !!python/object/apply:os.system ["echo pwned > ' + str(tmp_path / "x") + '"]\n')
    code, out = invoke("--db", str(tmp_path / "k.db"), "init", "--plan", str(plan))
    assert code == 2
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "k.db").exists()


# -- workbooks -------------------------------------------------------------------------------

cell_value = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(
        ["TECH_MANAGER_TEAMS", "EXPERT_POOL", "苏州", "南京市", "2020-06", "6月", "12项", "１２", "=1+1", "done"]
    ),
)
row = st.tuples(cell_value, cell_value, cell_value, cell_value)


def workbook_bytes(header: list[str], rows: list[tuple]) -> bytes:  # type: ignore[type-arg]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        values = []
        for v in r:
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                v = str(v)
            if isinstance(v, date) and not isinstance(v, datetime):
                v = datetime(v.year, v.month, v.day)
            values.append(v)
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@HYPO
@given(
    rows=st.lists(row, max_size=8),
    header=st.sampled_from(
        [
            ["code", "unit", "month", "this_month"],
            ["指标编号", "填报单位", "月份", "本月完成"],
            ["code", "unit", "month", "cumulative"],
            ["指标编号", "指标名称", "本月完成", "备注"],
        ]
    ),
)
def test_malformed_returns_fail_cleanly(base_db: Db, rows: list[tuple], header: list[str]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as d, scratch(base_db, Path(d)) as db:
        book = Path(d) / "return.xlsx"
        book.write_bytes(workbook_bytes(header, rows))
        before = state(db)
        code, out = invoke("--db", str(db), "import", str(book), "--month", "2020-06")
        assert code in (0, 1)
        if code == 1:
            assert out.strip()
            assert state(db) == before


@HYPO
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_refused(base_db: Db, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d, scratch(base_db, Path(d)) as db:
        book = Path(d) / "junk.xlsx"
        book.write_bytes(data)
        before = state(db)
        code, out = invoke("--db", str(db), "import", str(book))
        assert code == 1
        assert state(db) == before


def test_entity_bomb_is_refused_before_parsing(base_db: Db, tmp_path: Path) -> None:
    good = workbook_bytes(["code", "unit", "month", "this_month"], [("TECH_MANAGER_TEAMS", "苏州", "2020-06", 3)])
    bomb = tmp_path / "bomb.xlsx"
    entities = "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 9))
    lol = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">{entities}]>'
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = lol.encode() + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            dst.writestr(item, data)
    with copied(base_db, tmp_path / "k.db") as db:
        before = state(db)
        code, out = invoke("--db", str(db), "import", str(bomb))
        assert code == 1
        assert "DOCTYPE" in out
        assert state(db) == before


@pytest.mark.sqlite_only  # refused on the file's sizes before the database is read (and slow to build)
def test_zip_bomb_is_refused_before_expanding(base_db: Db, tmp_path: Path) -> None:
    good = workbook_bytes(["code", "unit", "month", "this_month"], [("TECH_MANAGER_TEAMS", "苏州", "2020-06", 3)])
    bomb = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (600 * 1024 * 1024))  # 600 MB of zeros, ~600 KB packed
    with copied(base_db, tmp_path / "k.db") as db:
        code, out = invoke("--db", str(db), "import", str(bomb))
    assert code == 1
    assert "600 MB" in out
