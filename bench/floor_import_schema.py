"""A second floor for `kctrack import`: the database work kctrack's schema asks for, and nothing else.

`floor_import.py` inserts the rows into one bare table. kctrack also keeps
history with provenance and two derived tables exact in the same transaction.
This script does exactly that database work, with the same SQL as kctrack's
store, and none of the rest (no checks of the file, no validation, no plan):

- one batch per unit × month (the return), then every row as a record of its
  batch (foreign keys on, both indexes of the record table in place);
- the figures in force brought up to date (`current_value`, one upsert);
- the month totals recomputed for the targets touched (`month_total`);
- one transaction, WAL, as kctrack writes.

Units are mapped from their names with one dict; rows are taken as they are.
The difference between kctrack and this floor is what reading, checking and
reporting cost; the difference between this floor and `floor_import.py` is
what the schema costs.

Usage: python bench/floor_import_schema.py WORKBOOK COPY_OF_EMPTY.db
"""

from __future__ import annotations

import sqlite3
import sys

from python_calamine import CalamineWorkbook


def main(workbook: str, db: str) -> None:
    wb = CalamineWorkbook.from_path(workbook)
    rows = wb.get_sheet_by_index(0).to_python()
    wb.close()
    assert [str(h).strip() for h in rows[0][:5]] == ["code", "unit", "month", "this_month", "note"], rows[0]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    code_of = dict(conn.execute("SELECT name, code FROM unit"))
    conn.execute("BEGIN IMMEDIATE")
    first = conn.execute("SELECT COALESCE(MAX(id), 0) FROM batch").fetchone()[0] + 1
    batch_of: dict[tuple[str, str], int] = {}
    records = []
    at = "2021-01-05T00:00:00"
    for r, (code, unit, month, value, note) in enumerate((row[:5] for row in rows[1:]), start=2):
        unit = code_of[unit]
        b = batch_of.setdefault((unit, month), first + len(batch_of))
        records.append((b, code, unit, month, value, None, note or None, f"Sheet!D{r}", at))
    conn.executemany(
        "INSERT INTO batch (id, created, operator, kind, source, sheet, unit_code, month, received, run)"
        " VALUES (?, ?, 'floor', 'import', ?, 'Sheet', ?, ?, '2021-01-05', 1)",
        [(b, at, workbook, unit, month) for (unit, month), b in batch_of.items()],
    )
    conn.executemany(
        "INSERT INTO record (batch_id, target_code, unit_code, month, value, cumulative, note, cell, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        records,
    )
    conn.execute(
        "INSERT INTO current_value (target_code, unit_code, month, value, record_id, this_month, cumulative)"
        " SELECT target_code, unit_code, month, value, id, value, cumulative FROM record WHERE batch_id BETWEEN ? AND ?"
        " ON CONFLICT (target_code, unit_code, month)"
        " DO UPDATE SET value = excluded.value, record_id = excluded.record_id,"
        " this_month = excluded.this_month, cumulative = excluded.cumulative",
        (first, first + len(batch_of) - 1),
    )
    for (code,) in conn.execute("SELECT DISTINCT target_code FROM record WHERE batch_id >= ?", (first,)).fetchall():
        conn.execute("DELETE FROM month_total WHERE target_code = ?", (code,))
        conn.execute(
            "INSERT INTO month_total (target_code, month, value)"
            " SELECT target_code, month, SUM(value) FROM current_value WHERE target_code = ? GROUP BY target_code, month",
            (code,),
        )
    conn.execute("COMMIT")
    conn.close()
    print(f"{len(records)} records in {len(batch_of)} batches from {workbook} into {db}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
