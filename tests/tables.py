"""Reading kctrack's terminal tables in tests.

A table prints its header, a rule of ``─`` under it, then its rows; columns are separated
by blank cells, with no borders (kctrack.render.Layout).  A view may print several tables
(one per task, each without a header, lined up under the first one's header), with
headings and notes between them.
"""

from __future__ import annotations

from rich.cells import cell_len

SYMBOLS = "✔●▲✖✘○!"  # the states' symbols (kctrack.render.STATE_SYMBOL)


def is_rule(line: str) -> bool:
    return bool(line) and set(line) == {"─"}


def body(out: str) -> list[str]:
    """The lines after the first header's rule (the title and the header left out), blank lines dropped."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if is_rule(line)) + 1
    return [line for line in lines[start:] if line.strip()]


def sections(out: str) -> list[list[str]]:
    """The lines under each header rule, up to the next header: one list per layout."""
    found: list[list[str]] = []
    for line in out.splitlines():
        if is_rule(line):
            found.append([])
        elif found and line.strip():
            found[-1].append(line)
    return found


def cells(out: str) -> list[list[str]]:
    """The first table of ``out`` as rows of cells, its header first.

    The columns are found from the gutters: two or more cell offsets blank on the header and
    on every row (a Chinese character fills two).  A blank cell stays in its place as "".  One table
    only: from its header to the first blank line.
    """
    lines = out.splitlines()
    rule = next(n for n, line in enumerate(lines) if is_rule(line))
    end = next((n for n in range(rule + 1, len(lines)) if not lines[n].strip()), len(lines))
    table = [_by_cell(line) for line in [lines[rule - 1], *lines[rule + 1 : end]]]
    width = max(len(row) for row in table)
    used = [any(i < len(row) and row[i] != " " for row in table) for i in range(width)]
    for i in range(1, width - 1):  # one blank cell is a space inside a column ("2020-06-01 09:00")
        used[i] = used[i] or (used[i - 1] and used[i + 1])
    spans, start = [], None
    for i, u in enumerate([*used, False]):
        if u and start is None:
            start = i
        elif not u and start is not None:
            spans.append((start, i))
            start = None
    return [["".join(row[a:b]).strip() for a, b in spans] for row in table]


def _by_cell(line: str) -> list[str]:
    """A line as one string per terminal cell: a wide character, then "" for its second cell."""
    out: list[str] = []
    for ch in line:
        out.append(ch)
        if cell_len(ch) == 2:
            out.append("")
    return out
