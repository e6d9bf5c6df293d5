"""The floor for `kctrack export`: a bare openpyxl script writing a workbook of the same size.

It writes the sheets, rows, columns and charts given in a shape file (written
by bench/run.py from the workbook kctrack exported: ``{"sheets": [[title, rows,
columns], …], "charts": n}``), text in the first two columns and numbers in the
rest, with openpyxl's write-only mode and no styling: what writing a workbook
of that size cannot go below with the library kctrack uses.

Usage: python bench/floor_export.py SHAPE.json OUT.xlsx
"""

from __future__ import annotations

import json
import sys

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference


def main(shape_path: str, out: str) -> None:
    with open(shape_path, encoding="utf-8") as f:
        shape = json.load(f)
    wb = Workbook(write_only=True)
    charts = int(shape.get("charts", 0))
    for title, n_rows, n_cols in shape["sheets"]:
        ws = wb.create_sheet(title)
        for r in range(n_rows):
            ws.append([f"T{r:05d}", f"指标{r}"] + [r * 0.5 + c for c in range(2, n_cols)])
        if charts and n_rows > 1 and n_cols > 2:
            chart = BarChart()
            chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=min(n_rows, 100)), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=min(n_rows, 100)))
            ws.add_chart(chart, "N4")
            charts -= 1
    wb.save(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
