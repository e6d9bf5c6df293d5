"""The floor for `kctrack export`: a bare XlsxWriter script writing a workbook of the same size.

It writes the sheets, rows, columns and charts given in a shape file (written
by bench/run.py from the workbook kctrack exported: ``{"sheets": [[title, rows,
columns], …], "charts": n}``), text in the first two columns and numbers in the
rest, with XlsxWriter and no formats, widths, merges or print settings: what
writing a workbook of that size cannot go below with the library kctrack uses.

Usage: python bench/floor_export.py SHAPE.json OUT.xlsx
"""

from __future__ import annotations

import json
import sys

import xlsxwriter


def main(shape_path: str, out: str) -> None:
    with open(shape_path, encoding="utf-8") as f:
        shape = json.load(f)
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    charts = int(shape.get("charts", 0))
    for title, n_rows, n_cols in shape["sheets"]:
        ws = wb.add_worksheet(title)
        for r in range(n_rows):
            ws.write_string(r, 0, f"T{r:05d}")
            if n_cols > 1:
                ws.write_string(r, 1, f"指标{r}")
            for c in range(2, n_cols):
                ws.write_number(r, c, r * 0.5 + c)
        if charts and n_rows > 1 and n_cols > 2:
            chart = wb.add_chart({"type": "bar"})
            last = min(n_rows, 100) - 1
            chart.add_series(
                {"name": [title, 0, 2], "values": [title, 1, 2, last, 2], "categories": [title, 1, 0, last, 0]}
            )
            ws.insert_chart("N4", chart)
            charts -= 1
    wb.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
