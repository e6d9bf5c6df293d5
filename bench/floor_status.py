"""The floor for `kctrack status`, `--help` and `targets`: typer + rich + stdlib sqlite3, nothing else.

It reads a tiny kctrack database (bench/_data/tiny.db) and prints a rich table
of the size `kctrack status` prints: one row per target (60), 8 columns.  What
no CLI of this shape can go below: the interpreter, typer and rich imports, one
query, one table.

Usage: python bench/floor_status.py --db bench/_data/tiny.db
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


@app.command()
def status(db: Annotated[str, typer.Option(help="a kctrack database")]) -> None:
    """Every target with its total and a progress bar."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT t.code, t.name, COALESCE(SUM(c.value), 0), COUNT(c.value) FROM target t"
        " LEFT JOIN current_value c ON c.target_code = t.code WHERE t.kind = 'target'"
        " GROUP BY t.code, t.name ORDER BY t.code"
    ).fetchall()
    conn.close()
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "0") or 0) or 160
    console = Console(width=width, highlight=False, emoji=False)
    console.print(f"status · {db}", style="bold")
    table = Table(pad_edge=False)
    for name in ("code", "target", "state", "value", "actual", "expected", "progress", "deadline"):
        table.add_column(name, justify="right" if name in ("value", "actual", "expected") else "left")
    for code, name, total, n in rows:
        pct = min(100.0, n)
        table.add_row(
            code,
            name,
            "on track",
            f"{n * 10:,}",
            f"{total:,.0f}",
            f"{n * 8:,}",
            f"{'█' * int(pct / 12.5)} {pct:5.1f}%",
            "2020-12",
        )
    console.print(table)


if __name__ == "__main__":
    app()
