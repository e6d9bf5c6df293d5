"""What people read, without rich: figures, state words, and the CSV and Markdown of every view.

Shared by the terminal views (:mod:`kctrack.render`, which adds the symbols and colours) and the
year-end export (:mod:`kctrack.export`), so that a figure, a state or a header reads the same in
``status`` (table, csv, md) and in the workbook.  CSV and Markdown are for people and follow
``--lang``; the JSON is the machine's contract (English keys, state codes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from kctrack.i18n import tr

# A province's 13 districted cities: a list of units longer than that is abbreviated (the first three and a
# count), and the table of `status --by unit` lists at most that many units per target by default (a
# national plan has 320 cities: 60 targets × 320 units is 16,000 lines, 17 s to lay out).
SHOW_UNITS = 13


def fmt(x: float | None) -> str:
    """A figure for people: thousands separators, decimals only where there are some ("" for None)."""
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.1f}"


def state_word(state: str | None, lang: str, months_late: int = 0) -> str:
    """A state as words (按期, on track), never its code; blank when there is none.

    One done late says how late where that is known (``months_late`` > 0): 逾期完成（晚 2 个月）,
    "done late (1 month late)"; without it (a unit's part of a split target) just 逾期完成.
    The one wording of every view: the status table, its csv and md, and the export.
    """
    if not state:
        return ""
    if state == "done_late" and months_late > 0:
        return tr("state_done_late_by", lang, n=months_late, s="" if months_late == 1 else "s")
    return tr("state_" + state, lang)


ID_SEP = {"zh": "、", "en": ", "}  # between the numbers of a list (batches 6、7 / 6, 7)


def id_list(ids: Sequence[int], lang: str) -> str:
    """Batch or run numbers as a list in ``lang``: 6、7 in Chinese, 6, 7 in English."""
    return ID_SEP[lang].join(map(str, ids))


def yes_no(value: bool, lang: str) -> str:
    """A yes/no cell in ``lang``: 是/否, yes/no (never True/False)."""
    return tr("yes" if value else "no", lang)


def header(keys: Sequence[str], lang: str) -> list[str]:
    """A csv/md header row in ``lang`` from the columns' message keys (English names capitalised)."""
    names = [tr(key, lang) for key in keys]
    return [n[:1].upper() + n[1:] for n in names] if lang == "en" else names


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet never runs as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV whose cells can never run as formulas in a spreadsheet (no byte-order mark: the caller
    adds it where the CSV goes to a file)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for row in rows:
        w.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def to_markdown(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table: figures as :func:`fmt` writes them, ``|`` escaped, a cell on one line."""

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float | int) and not isinstance(v, bool):
            return fmt(v)
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
