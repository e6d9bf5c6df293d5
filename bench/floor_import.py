"""The floor for `kctrack import`: python-calamine reads the workbook, stdlib sqlite3 inserts its rows.

One script, one process: read every row of the first sheet of a consolidated
long-format workbook (code | unit | month | this_month | note) with
python-calamine, then insert them with one ``executemany`` in one transaction
into a fresh table of a new SQLite file.  No validation, no plan, no history:
what no import of that file can go below.

Usage: python bench/floor_import.py WORKBOOK NEW.db
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def main(workbook: str, db: str) -> None:
    wb = CalamineWorkbook.from_path(workbook)
    rows = wb.get_sheet_by_index(0).to_python()
    wb.close()
    header, body = rows[0], rows[1:]
    assert [str(h).strip() for h in header[:5]] == ["code", "unit", "month", "this_month", "note"], header
    Path(db).unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE record (code TEXT, unit TEXT, month TEXT, value REAL, note TEXT)")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO record (code, unit, month, value, note) VALUES (?, ?, ?, ?, ?)",
        ((r[0], r[1], r[2], r[3], r[4] or None) for r in body),
    )
    conn.execute("COMMIT")
    n = conn.execute("SELECT count(*) FROM record").fetchone()[0]
    conn.close()
    print(f"{n} rows from {workbook} into {db}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
