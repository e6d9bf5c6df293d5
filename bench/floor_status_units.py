"""The floor for `kctrack status --by unit`: typer + rich + stdlib sqlite3 and json, nothing else.

The same visible job as kctrack's table at national scale: for every target reported by more
than one unit, its total and the 13 units furthest behind (lowest share of their quota; without
a quota, the smallest figures), then a line counting the rest.  It reads the plan kctrack stored
(plan_version.body, JSON), sums the figures in force per target and unit up to the as-of month
in one query, and prints the rows as one rich Text of padded lines, the cheapest way to print
with rich (a rich Table of the same 900 rows alone takes about 0.6 s).  No expected values, no
states, no validation, no wrapping: what no implementation of the view can go below.

Usage: python bench/floor_status_units.py --db bench/_data/records-1000000.db --as-of 2020-12
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

app = typer.Typer(add_completion=False)
SHOWN = 13


@app.command()
def status(
    db: Annotated[str, typer.Option(help="a kctrack database")],
    as_of: Annotated[str, typer.Option(help="the as-of month")] = "2020-12",
) -> None:
    """Per target reported by several units: the units furthest behind, and how many more."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (body,) = conn.execute("SELECT body FROM plan_version ORDER BY id DESC LIMIT 1").fetchone()
    sums: dict[tuple[str, str], float] = {
        (t, u): v
        for t, u, v in conn.execute(
            "SELECT target_code, unit_code, SUM(value) FROM current_value WHERE month <= ?"
            " GROUP BY target_code, unit_code",
            (as_of,),
        )
    }
    conn.close()
    plan = json.loads(body)
    names = {u["code"]: u["name"]["zh"] for u in plan["units"]}
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "0") or 0) or 160
    console = Console(width=width, highlight=False, emoji=False)
    console.print(f"status --by unit · {db} · {as_of}", style="bold")
    lines = [Text(f"{'unit':<12}{'quota':>9}{'actual':>9}{'%':>9}")]
    for t in plan["targets"]:
        quotas = dict(t["breakdown"]) if t["breakdown"] else dict.fromkeys(t["responsible"])
        if len(quotas) < 2:
            continue
        rows = [(u, q, sums.get((t["code"], u), 0.0)) for u, q in quotas.items()]
        rows.sort(key=lambda r: r[2] / r[1] if r[1] else r[2])
        total = sum(r[2] for r in rows)
        lines.append(Text(f"{t['name']['zh']}  {t['code']}", style="bold"))
        lines.append(Text(f"{'合计':<12}{t['value']:>9,.0f}{total:>9,.0f}{total / t['value'] * 100:>8.1f}%"))
        for u, q, v in rows[:SHOWN]:
            pct = f"{v / q * 100:>8.1f}%" if q else ""
            lines.append(Text(f"{names[u]:<12}{q or 0:>9,.0f}{v:>9,.0f}{pct}"))
        if len(rows) > SHOWN:
            lines.append(Text(f"另 {len(rows) - SHOWN} 个单位未列出", style="dim"))
    console.print(Text("\n").join(lines), soft_wrap=True)


if __name__ == "__main__":
    app()
