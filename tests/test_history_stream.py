"""Issue 13, row 13: ``kctrack history --format csv|json|md`` is written as it is read.

A year of national returns is a million records; holding them all to print them took 1.25 GB. The
machine formats now read the batches with iterating cursors (SQLite's, PostgreSQL's server-side
one) and write each batch as it comes, so memory stays bounded whatever the history's size — and
the output is what it was, byte for byte (checked here on hand-written rows).

The bound is checked the hard way: the command runs in a process whose address space is capped
(``RLIMIT_AS``) well below what holding the history needs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Db, kc, ok, writing

TMT = "TECH_MANAGER_TEAMS"

# -- a long history, under a memory cap ---------------------------------------------------------------

BATCHES = 3_000
PER_BATCH = 50  # a return of 50 figures, as a city's is (bench/README.md: ≈52)
RECORDS = BATCHES * PER_BATCH  # 150,000

# The address space the command may use.  Measured by bisecting RLIMIT_AS for
# `kctrack --db DB history --format csv` on this database (2026-12, Python 3.11, x86-64):
#   streamed (this code):       47 MB on SQLite, 75 MB on PostgreSQL (psycopg and libpq), the same
#                               for 200 records as for 150,000: Python and kctrack's imports;
#   held (the code before it):  231 MB on SQLite and 286 MB on PostgreSQL for these 150,000 records
#                               (about 1.2 kB a record over the imports).
# 128 MB leaves the streamed command 1.7× (PostgreSQL) to 2.7× (SQLite) what it needs, and is under
# half of what holding the records needs: the code before this one fails with a MemoryError.
MEMORY_CAP_MB = 128
TIMEOUT_S = 300  # about 5 s on an idle 2-core machine; generous for a loaded CI runner


def bulk_history(db: Db) -> None:
    """BATCHES returns of 苏州 for 2020-06 with PER_BATCH figures each, in two INSERT … SELECT statements.

    Batch i (1…3000) is ``bulk-i.xlsx``, sheet 月报, created 2020-07-01 00:00 UTC; its j-th record
    (1…50) is record (i-1)*50 + j: TECH_MANAGER_TEAMS, 本月 i*100 + j, cell E{j+5}.  Written
    directly (history reads only the batch and record tables): a second, on either database.
    """
    with writing(db) as run:
        run(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BATCHES})"
            " INSERT INTO batch (id, created, operator, kind, source, sheet, unit_code, month)"
            " SELECT i, '2020-07-01T00:00:00+00:00', 'tester', 'import', 'bulk-' || i || '.xlsx', '月报',"
            " 'suzhou', '2020-06' FROM n"
        )
        run(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {RECORDS})"
            " INSERT INTO record (id, batch_id, target_code, unit_code, month, value, cell, recorded_at)"
            f" SELECT i, (i - 1) / {PER_BATCH} + 1, '{TMT}', 'suzhou', '2020-06',"
            f" ((i - 1) / {PER_BATCH} + 1) * 100 + (i - 1) % {PER_BATCH} + 1, 'E' || ((i - 1) % {PER_BATCH} + 6),"
            " '2020-07-01T00:00:00+00:00' FROM n"
        )


# The child caps itself before it imports kctrack (a preexec_fn is unsafe while the test process runs
# threads, as tests/backends.py does to drop PostgreSQL databases); the cap counts what is mapped already.
CAPPED_KCTRACK = (
    "import resource, runpy, sys; cap = int(sys.argv.pop(1)) * 1024 * 1024;"
    " resource.setrlimit(resource.RLIMIT_AS, (cap, cap)); runpy.run_module('kctrack', run_name='__main__')"
)


def capped_history(db: Db, fmt: str, out: Path) -> subprocess.CompletedProcess[bytes]:
    """``kctrack --db DB history --format FMT > OUT`` in a process capped at MEMORY_CAP_MB of address space."""
    args = ["--db", str(db), "history", "--format", fmt]
    with out.open("wb") as stdout:
        return subprocess.run(
            [sys.executable, "-c", CAPPED_KCTRACK, str(MEMORY_CAP_MB), *args],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "TZ": "UTC"},
            timeout=TIMEOUT_S,
            check=False,
        )


@pytest.fixture
def long_history(db: Db) -> Db:
    bulk_history(db)
    return db


def test_csv_of_a_long_history_in_bounded_memory(long_history: Db, tmp_path: Path) -> None:
    out = tmp_path / "history.csv"
    proc = capped_history(long_history, "csv", out)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    data = out.read_bytes()
    # redirected to a file: a CSV for people, with the byte-order mark once, at the start
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 150_000
    assert rows[0] == [
        "批次",
        "导入批次组",
        "时间",
        "操作人",
        "类型",
        "来源",
        "工作表",
        "状态",
        "指标编号",
        "填报单位",
        "月份",
        "本月完成",
        "累计完成",
        "单元格",
    ]
    head = ["2020-07-01 00:00", "tester", "导入"]
    assert rows[1] == ["1", "", *head, "bulk-1.xlsx", "月报", "有效", TMT, "苏州市", "2020-06", "101", "", "E6"]
    assert rows[50] == ["1", "", *head, "bulk-1.xlsx", "月报", "有效", TMT, "苏州市", "2020-06", "150", "", "E55"]
    assert rows[51] == ["2", "", *head, "bulk-2.xlsx", "月报", "有效", TMT, "苏州市", "2020-06", "201", "", "E6"]
    # record 75,025: batch 1,501, its 25th figure
    assert rows[75_025] == [
        "1501",
        "",
        *head,
        "bulk-1501.xlsx",
        "月报",
        "有效",
        TMT,
        "苏州市",
        "2020-06",
        "150125",
        "",
        "E30",
    ]
    assert rows[-1] == [
        "3000",
        "",
        *head,
        "bulk-3000.xlsx",
        "月报",
        "有效",
        TMT,
        "苏州市",
        "2020-06",
        "300050",
        "",
        "E55",
    ]
    assert [int(r[0]) for r in rows[1::PER_BATCH]] == list(range(1, BATCHES + 1))  # every batch, in order


def test_json_of_a_long_history_in_bounded_memory(long_history: Db, tmp_path: Path) -> None:
    out = tmp_path / "history.json"
    proc = capped_history(long_history, "json", out)
    assert proc.returncode == 0, proc.stderr.decode()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["batches_in_all"] == 3_000
    assert [b["id"] for b in doc["batches"]] == list(range(1, 3_001))
    assert sum(len(b["records"]) for b in doc["batches"]) == 150_000
    b = doc["batches"][1500]
    assert (b["id"], b["source"], b["state"], b["supersedes"]) == (1501, "bulk-1501.xlsx", "live", [])
    assert b["records"][24] == {
        "id": 75_025,
        "target": TMT,
        "unit": "suzhou",
        "month": "2020-06",
        "value": 150_125,
        "cumulative": None,
        "note": None,
        "cell": "E30",
    }


# -- the same output as before, on three batches ----------------------------------------------------------


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times shown in UTC (TZ set and re-read by the C library), put back afterwards."""
    before = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def three_batches(db: Db, utc: None) -> Db:
    """1: 苏州's June return (run 1): 5 teams at E6, and 12.5 firms served as 累计 only at F7, replaced by 3.
    2: a record of 3 teams for 无锡 in May, by another operator, undone.
    3: 苏州's corrected June return (run 2), a nil return (nothing reported) on a sheet named ``=月报``."""
    with writing(db) as run:
        batch = (
            "INSERT INTO batch (id, created, operator, kind, source, sheet, unit_code, month, received, run,"
            " undone_at, undone_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        made, undone = "2020-07-04T23:59:59+00:00", "2020-07-05T08:00:00+00:00"
        sz1, sz2 = "苏州-6月.xlsx", "苏州-6月-更正.xlsx"
        run(
            batch,
            (
                1,
                "2020-07-03T01:02:03+00:00",
                "tester",
                "import",
                sz1,
                "月报",
                "suzhou",
                "2020-06",
                "2020-07-03",
                1,
                None,
                None,
            ),
        )
        run(batch, (2, made, "analyst", "record", RECORD_SOURCE, None, None, None, None, None, undone, "analyst"))
        run(
            batch,
            (
                3,
                "2020-07-10T12:30:00+00:00",
                "tester",
                "import",
                sz2,
                "=月报",
                "suzhou",
                "2020-06",
                "2020-07-10",
                2,
                None,
                None,
            ),
        )
        run("UPDATE batch SET superseded_by = 3 WHERE id = 1")
        record = (
            "INSERT INTO record (id, batch_id, target_code, unit_code, month, value, cumulative, note, cell,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2020-07-03T01:02:03+00:00')"
        )
        run(record, (1, 1, TMT, "suzhou", "2020-06", 5, None, "初报", "E6"))
        run(record, (2, 1, "FIRMS_SERVED", "suzhou", "2020-06", None, 12.5, None, "F7"))
        run(record, (3, 2, TMT, "wuxi", "2020-05", 3, None, None, None))
    return db


RECORD_SOURCE = "kctrack record TECH_MANAGER_TEAMS 3 --month 2020-05 --unit 无锡"
HEADER = ["批次", "导入批次组", "时间", "操作人", "类型", "来源", "工作表", "状态"]
HEADER += ["指标编号", "填报单位", "月份", "本月完成", "累计完成", "单元格"]
ROWS = [
    ["1", "1", "2020-07-03 01:02", "tester", "导入", "苏州-6月.xlsx", "月报", "已被取代"]
    + [TMT, "苏州市", "2020-06", "5", "", "E6"],
    ["1", "1", "2020-07-03 01:02", "tester", "导入", "苏州-6月.xlsx", "月报", "已被取代"]
    + ["FIRMS_SERVED", "苏州市", "2020-06", "", "12.5", "F7"],
    [
        "2",
        "",
        "2020-07-04 23:59",
        "analyst",
        "记录",
        RECORD_SOURCE,
        "",
        "已撤销",
        TMT,
        "无锡市",
        "2020-05",
        "3",
        "",
        "",
    ],
    # a nil return: one row, no target; a sheet name that a spreadsheet would run is written as text
    ["3", "2", "2020-07-10 12:30", "tester", "导入", "苏州-6月-更正.xlsx", "'=月报", "有效"]
    + ["", "苏州市", "2020-06", "", "", ""],
]


def test_csv_of_three_batches_cell_for_cell(three_batches: Db) -> None:
    out = ok(kc(three_batches, "history", "--format", "csv")).stdout
    assert list(csv.reader(io.StringIO(out))) == [HEADER, *ROWS]
    assert out.endswith(",,,\n") and not out.endswith("\n\n")  # one newline at the end, none more


def test_markdown_of_three_batches_cell_for_cell(three_batches: Db) -> None:
    out = ok(kc(three_batches, "history", "--format", "md")).stdout
    lines = out.splitlines()
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    assert cells[0] == HEADER
    assert set(cells[1]) == {"---"}
    # Markdown writes no formula guard: the sheet name as it is
    assert cells[2:] == [row[:6] + ["=月报" if c == "'=月报" else c for c in row[6:]] for row in ROWS]


def _json(db: Db, *args: str) -> dict[str, Any]:
    return json.loads(ok(kc(db, "history", "--format", "json", *args)).stdout)


def test_json_of_three_batches(three_batches: Db) -> None:
    doc = _json(three_batches)
    assert doc["batches_in_all"] == 3
    assert [(b["id"], b["state"], b["supersedes"], b["superseded_by"]) for b in doc["batches"]] == [
        (1, "superseded", [], 3),
        (2, "undone", [], None),
        (3, "live", [1], None),
    ]
    assert doc["batches"][0]["records"] == [
        {"id": 1, "target": TMT, "unit": "suzhou", "month": "2020-06"}
        | {"value": 5, "cumulative": None, "note": "初报", "cell": "E6"},
        {"id": 2, "target": "FIRMS_SERVED", "unit": "suzhou", "month": "2020-06"}
        | {"value": None, "cumulative": 12.5, "note": None, "cell": "F7"},
    ]
    assert doc["batches"][2]["records"] == []
    assert (doc["batches"][1]["undone_at"], doc["batches"][1]["undone_by"]) == ("2020-07-05T08:00:00+00:00", "analyst")


def test_the_newest_batches_and_filters(three_batches: Db) -> None:
    """``--limit 1``: the newest batch, which still says it replaced one older than the window; a filter by
    unit or target lists the batches holding a record it matches, with only those records."""
    result = ok(kc(three_batches, "history", "--format", "json", "--limit", "1"))
    doc = json.loads(result.stdout)
    assert doc["batches_in_all"] == 3
    assert [(b["id"], b["supersedes"]) for b in doc["batches"]] == [(3, [1])]
    assert (
        result.stderr.strip()
        == "只列出最近的 1 个批次（共 3 个）：用 --target、--unit 缩小范围，或 --limit 0 列出全部。"
    )
    # a filter lists the batches holding a record it matches: a nil return holds none
    doc = _json(three_batches, "--unit", "苏州")
    assert (doc["batches_in_all"], [(b["id"], b["superseded_by"]) for b in doc["batches"]]) == (1, [(1, 3)])
    doc = _json(three_batches, "--target", "FIRMS_SERVED")
    assert doc["batches_in_all"] == 1
    assert [(b["id"], [r["id"] for r in b["records"]]) for b in doc["batches"]] == [(1, [2])]
    csv_rows = list(csv.reader(io.StringIO(ok(kc(three_batches, "history", "-f", "csv", "-u", "无锡")).stdout)))
    assert csv_rows == [HEADER, ROWS[2]]


def test_no_batch_at_all(db: Db) -> None:
    assert ok(kc(db, "history", "--format", "csv")).stdout == ",".join(HEADER) + "\n"
    assert ok(kc(db, "history", "--format", "json")).stdout == '{\n  "batches_in_all": 0,\n  "batches": []\n}\n'
