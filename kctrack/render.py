"""Rendering for the terminal and for pipes: rich tables, JSON, CSV, Markdown.

Presentation only (the CLI's side of the house): the domain hands over plain
rows, this module decides how they look.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console, JustifyMethod
from rich.text import Span, Text

from kctrack.clock import local_time
from kctrack.i18n import tr
from kctrack.parse import exact
from kctrack.plan import Plan, Target
from kctrack.status import MilestoneRow, MonthCell, Report, ResourceRow, ShareRow, TargetRow, num
from kctrack.words import C0, SHOW_UNITS, fmt, header, id_list, printable, state_word, unprintable_re, yes_no
from kctrack.words import safe_cell as safe_cell  # re-exported: kctrack.render's names stay importable
from kctrack.words import to_csv as to_csv
from kctrack.words import to_markdown as to_markdown

STATE_STYLE = {
    "done": "bold green",
    "on_track": "green",
    "behind": "yellow",
    "off_track": "red",
    "overdue": "bold red",
    "not_achieved": "bold red",
    "done_late": "dark_olive_green3",  # done, but after the deadline: ✔ in a colour of its own
    "pending": "cyan",
}
STATE_SYMBOL = {
    "done": "✔",
    "on_track": "●",
    "behind": "▲",
    "off_track": "✖",
    "overdue": "!",
    "not_achieved": "✘",
    "done_late": "✔",
    "pending": "○",
}


def make_console(
    no_color: bool = False, stderr: bool = False, file: IO[str] | None = None, width: int | None = None
) -> Console:
    """A console that writes colour only to a terminal, and never with --no-color or NO_COLOR.

    Its width is the terminal's.  When the output is not a terminal: ``COLUMNS``, else the
    width of the terminal the command was typed in (``kctrack status | less``), else 160.
    Every table is laid out for that width (80 columns first).  ``file`` and ``width`` replace
    the stream and the width (the tests draw tables into a buffer at 80 and 120 columns).
    """
    stream = file or (sys.stderr if stderr else sys.stdout)
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    if width is None and not stream.isatty():
        width = _columns() or _typed_in() or 160
    return _Console(
        file=stream,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        width=width,
        emoji=False,
        markup=False,  # kctrack styles with Text, never markup: a path or a unit named "[/x]" is text
    )


class _Console(Console):
    """rich's console, but a reader that closes the pipe (``kctrack status | head``) is told to kctrack's
    one handler (:func:`kctrack.cli.handled`: exit code 141, nothing more said) instead of rich's exit 1."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def _columns() -> int | None:
    """``COLUMNS`` as a width, or None when unset or not a positive number (it is the shell's to set:
    a wrong one is passed over, as rich and the shell's own programs do)."""
    text = os.environ.get("COLUMNS", "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= 10_000 else None


def _typed_in() -> int | None:
    """The width of the terminal on stderr or stdin, if either is one."""
    for stream in (sys.stderr, sys.stdin):
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            continue
    return None


def bar(percent: float, width: int = 10) -> str:
    filled = max(0, min(width, round(percent / 100 * width)))
    return "█" * filled + "░" * (width - filled)


def state_text(state: str | None, lang: str, months_late: int = 0) -> Text:
    """A state as symbol and words in its colour (:func:`kctrack.words.state_word`: a target or a
    milestone done late says how late, ``months_late``, where that is known)."""
    if state is None:
        return Text("")
    return Text(f"{STATE_SYMBOL[state]} {state_word(state, lang, months_late)}", style=STATE_STYLE[state])


# -- terminal tables: laid out for 80 columns first ---------------------------------------
#
# Every table below is laid out for an 80-column terminal first and uses a wider one when
# it has it.  Names wrap (never "…"); numbers, states, codes and months keep their full
# width; what is optional (the English code, a percent bar, the oldest months of the grid
# by month) is shown only when the width allows.  The look of rich's box.SIMPLE_HEAD without
# edges: a bold header, a rule under it, GAP blank cells between columns, nothing else.

GAP = 2  # blank cells between two columns
NAME_MIN = 20  # a name is not narrowed below this (10 Chinese characters) while an optional column can go
NOT_ON_TRACK = ("not_achieved", "off_track", "behind")  # furthest behind first
STATE_ORDER = {s: i for i, s in enumerate((*NOT_ON_TRACK, "on_track", "done_late", "done"))}

Cell = str | Text


@dataclass
class Col:
    """One column of a terminal table.

    ``wrap``: the column's text wraps (a name) and the column takes the width the others
    leave, from ``min_width`` up to its longest line (:class:`Layout` says in which order it
    gives way).  Any other column is as wide as its widest cell (header included): nothing in
    it is ever cut or wrapped (a code, a figure, a month).  ``drop``: 0 for a column always
    shown; otherwise the column is left out when the width is short, highest first.

    ``text``: free text (a path, a command line) rather than a name: a long word in it folds
    where it must, only a code in it (:data:`IDENTIFIER`) is kept whole.  ``keep``: never
    narrower than this (a state: its symbol and word).  ``under``: when the column cannot have
    its ``min_width`` and keep its codes whole, it leaves the table and each row's text goes on
    a line of its own under the row, after the header's word (history and explain: the source).
    """

    header: str
    justify: JustifyMethod = "left"
    wrap: bool = False
    min_width: int = NAME_MIN
    drop: int = 0
    style: str | None = None
    text: bool = False
    keep: int = 0
    under: bool = False


def cell_shown(cell: Cell) -> Cell:
    r"""A cell as the terminal gets it: its control characters escaped (:func:`kctrack.words.printable`).

    Text (a name, a path, a note) shows a newline as ``\n`` like any control character: a value is
    one line of data.  A ``Text`` keeps its newlines, which this module puts there itself (a code under
    a name, a state's bracket on a line of its own), and its styles; user data goes into one only
    through :func:`printable` (:func:`_under`).
    """
    if isinstance(cell, str):
        return printable(cell)
    plain = cell.plain
    if printable(plain, "\n") == plain:
        return cell
    out = cell.blank_copy()
    start = 0
    for i, c in enumerate(plain):
        escaped = printable(c, "\n")
        if escaped != c:
            out.append_text(cell[start:i])
            spans = [Span(0, len(escaped), span.style) for span in cell[i : i + 1].spans]
            out.append_text(Text(escaped, spans=spans))
            start = i + 1
    out.append_text(cell[start:])
    return out


def _cell_width(cell: Cell) -> int:
    text = cell.plain if isinstance(cell, Text) else cell
    if "\n" in text:
        return max(cell_len(line) for line in text.split("\n"))
    return cell_len(text)


# -- where a line may break ----------------------------------------------------------------
#
# A wrapping cell breaks at its spaces: a word (a run without a space: an English word, a
# code, a path, a Chinese name in a list of names) stays whole on a line when it fits in the
# column.  Only a word wider than the column is broken inside: between two Chinese characters,
# after a hyphen between two letters ("technology-" / "manager"), and, a last resort for a
# long path or English word, anywhere.  Chinese line-breaking rules (避头尾) hold there: a
# closing quote, bracket or stop never starts a line and an opening one never ends one, so each
# stays with the character next to it ("大本营”", "（个）"), and a bracket no wider than the
# column is kept whole on one line ("（万元）").

NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕")
NO_LINE_END = frozenset("“‘（《「『【〔")
IDENTIFIER = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # a code: TECH_MANAGER_TEAMS, M_2020_05_ISSUE_OPINIONS
_WORD = re.compile(r"\S+")
# Inside a word: a run of narrow characters (English, a figure, a code, a path), or any other one
# character (Chinese, and the curly quotes a Chinese text uses, which count one cell but break like it).
_WIDE = "\u2e80-\U0010ffff“”‘’"
_PIECE = re.compile(f"[^{_WIDE}]+|.", re.DOTALL)
_HAS_WIDE = re.compile(f"[{_WIDE}]")
_HYPHEN = re.compile(r"(?<=[A-Za-z])[-–](?=[A-Za-z])")  # technology-manager: may break after the hyphen


def _pieces(word: str, width: int | None = None) -> list[tuple[int, int]]:
    """Where a word (no space in it) may break: its pieces as (start, end) offsets, in order.

    A Chinese character is a piece, a run of narrow characters another (cut after a hyphen between
    two letters); a closing mark joins the piece before it and an opening one the piece after it.
    With ``width``: a bracket （…） no wider than ``width`` is one piece as well.
    """
    pieces: list[list[int]] = []
    glue = False  # the piece before was an opening mark: this one joins it
    for m in _PIECE.finditer(word):
        start, end = m.span()
        piece = m.group()
        if pieces and (glue or piece in NO_LINE_START):
            pieces[-1][1] = end
        else:
            cuts = [start + h.end() for h in _HYPHEN.finditer(piece)]
            pieces += [[a, b] for a, b in zip([start, *cuts], [*cuts, end], strict=True)]
        glue = piece in NO_LINE_END
    if width is not None and "（" in word:
        pieces = _bracketed(word, pieces, width)
    return [(a, b) for a, b in pieces]


def _bracketed(word: str, pieces: list[list[int]], width: int) -> list[list[int]]:
    """``pieces`` with each （…） of ``word`` no wider than ``width`` made one piece."""
    out: list[list[int]] = []
    k = 0
    while k < len(pieces):
        a, b = pieces[k]
        if word[a] == "（":
            j = k
            while j + 1 < len(pieces) and not word[a : pieces[j][1]].endswith("）"):
                j += 1
            end = pieces[j][1]
            if word[a:end].endswith("）") and cell_len(word[a:end]) <= width:
                out.append([a, end])
                k = j + 1
                continue
        out.append([a, b])
        k += 1
    return out


def longest_word(text: str) -> int:
    """The width a column needs so that ``text`` breaks only at its spaces and between Chinese
    characters: its widest English word (a code, a figure), or the widest piece of a Chinese one
    (:func:`_pieces`: "（个）", "大本营”"), in cells."""
    widest = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if _HAS_WIDE.search(word):
            w = max(cell_len(word[a:b]) for a, b in _pieces(word))
        else:
            w = cell_len(word)
        widest = max(widest, w)
    return widest


def longest_code(text: str) -> int:
    """The longest code (:data:`IDENTIFIER`) in ``text``, in cells (0 when there is none)."""
    return max((len(m.group()) for m in IDENTIFIER.finditer(text)), default=0)


def wrap(text: Text, width: int) -> list[Text]:
    """``text`` as lines no wider than ``width``, styles kept: each ``\\n`` starts a line, and a line
    breaks where the rules above say; the spaces where it breaks are left out."""
    plain = text.plain
    lines: list[Text] = []
    offset = 0
    for paragraph in plain.split("\n"):
        lines += [text[offset + a : offset + b] for a, b in _line_spans(paragraph, width)]
        offset += len(paragraph) + 1
    return lines


def _line_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where each line of one paragraph starts and ends: as many words on a line as fit; a word wider
    than ``width`` goes on in pieces (:func:`_pieces`), and a piece wider than ``width`` starts a line
    and folds, cell by cell."""
    spans: list[tuple[int, int]] = []
    line: list[int] = []  # the line being filled: [start, end, cells]

    def put(a: int, b: int) -> None:
        nonlocal line
        w = cell_len(text[a:b])
        if line:
            joined = line[2] + cell_len(text[line[1] : a]) + w  # after the spaces between, if any
            if joined <= width:
                line = [line[0], b, joined]
                return
        if line:
            spans.append((line[0], line[1]))
            line = []
        while w > width:  # wider than the column: folded
            cut, taken = a, 0
            while cut < b and taken + cell_len(text[cut]) <= width:
                taken += cell_len(text[cut])
                cut += 1
            cut = max(cut, a + 1)  # a character wider than the column: alone on its line
            spans.append((a, cut))
            a, w = cut, cell_len(text[cut:b])
        if a < b:
            line = [a, b, w]

    for m in _WORD.finditer(text):
        a, b = m.span()
        if cell_len(text[a:b]) <= width:
            put(a, b)
        else:
            for pa, pb in _pieces(text[a:b], width):
                put(a + pa, a + pb)
    if line:
        spans.append((line[0], line[1]))
    return spans or [(0, 0)]


class Layout:
    """Columns fitted to a width: which are shown, and how wide each is.

    Each column's natural width is its widest cell.  A wrapping column gives way in steps, the
    least wanted first (:func:`_steps`): down to its ``min_width`` (or its longest line), then to
    its longest word or code (a name then breaks only at its spaces and between Chinese
    characters), then to the longest word of its header (or its ``keep``), then, only when even
    that does not fit, to one Chinese character.  While the columns do not fit at their
    ``min_width``, the optional ones go (highest ``drop`` first); one comes back, the most wanted
    first, if it fits beside names at their whole width once a wider one has gone.  A column
    marked ``under`` that would still be narrower than its ``min_width`` or its longest code goes
    under the row (:attr:`under`).  Then every fixed column gets its natural width; the wrapping
    ones get the highest step they can all have together and share what is left in equal parts,
    none beyond its next step.  Several tables built from one layout line up (a table per task).
    """

    def __init__(self, cols: list[Col], rows: Sequence[Sequence[Cell]], width: int) -> None:
        rows = [[cell_shown(cell) for cell in row] for row in rows]  # measured as printed (:meth:`_lines`)
        self.cols = cols
        self.width = width
        natural = [cell_len(c.header) for c in cols]
        for row in rows:
            for i, cell in enumerate(row):
                w = _cell_width(cell)
                if w > natural[i]:
                    natural[i] = w
        steps = {i: _steps(c, natural[i], [row[i] for row in rows]) for i, c in enumerate(cols) if c.wrap}

        def least(i: int) -> int:
            return steps[i][-2] if cols[i].wrap else natural[i]

        def need(shown: list[int]) -> int:
            return sum(least(i) for i in shown) + GAP * (len(shown) - 1)

        shown = list(range(len(cols)))
        dropped: list[int] = []
        for i in sorted((i for i, c in enumerate(cols) if c.drop), key=lambda i: -cols[i].drop):
            if need(shown) <= width:
                break
            shown.remove(i)
            dropped.append(i)
        for i in reversed(dropped):  # back, if it fits beside whole names once a wider column has gone
            trial = sorted([*shown, i])
            if sum(natural[j] for j in trial) + GAP * (len(trial) - 1) <= width:
                shown = trial
        widths = self._fit(shown, natural, steps)
        self.under: int | None = None  # the column printed under each row instead of in the table
        for i in shown:  # one that would break its codes or be narrower than it wants goes under the row
            if cols[i].under and widths[i] < steps[i][-2]:
                shown = [j for j in shown if j != i]
                self.under = i
                widths = self._fit(shown, natural, steps)
                break
        self.shown = shown
        self.widths = [widths[i] for i in shown]

    def _fit(self, shown: list[int], natural: list[int], steps: dict[int, list[int]]) -> dict[int, int]:
        widths = {i: natural[i] for i in shown if not self.cols[i].wrap}
        free = self.width - sum(widths.values()) - GAP * (len(shown) - 1)
        wraps = [i for i in shown if self.cols[i].wrap]
        widths.update(zip(wraps, _share(free, [steps[i] for i in wraps]), strict=True))
        return widths

    def has(self, i: int) -> bool:
        """Whether column ``i`` (of the columns given) is shown at this width."""
        return i in self.shown

    def width_of(self, i: int) -> int:
        """The width column ``i`` is laid out at (0 when it is not shown)."""
        return self.widths[self.shown.index(i)] if i in self.shown else 0

    def print(
        self,
        console: Console,
        rows: Sequence[Sequence[Cell]] = (),
        *,
        header: bool = True,
        styles: Sequence[str | None] = (),
    ) -> None:
        """The header (bold, a rule under it) unless ``header`` is False, then ``rows``, a style per row
        where ``styles`` gives one.

        The lines are laid out here (:func:`wrap` breaks a cell, cell widths come from ``rich.cells``)
        and printed as one ``Text`` that rich neither wraps nor crops: every line already fits.  rich's
        ``Table`` cannot line up several tables or leave out a column by priority, and it lays out about
        1,500 rows a second, too slow for a national plan's views (the same lines as one ``Text``: 20
        times faster).
        """
        lines: list[Text] = []
        if header:
            lines += self._lines([Text(c.header, style="bold") for c in self.cols])
            lines.append(Text("─" * (sum(self.widths) + GAP * (len(self.widths) - 1))))
        for n, cells in enumerate(rows):
            style = styles[n] if n < len(styles) else None
            lines += self._lines(cells, style)
            if self.under is not None:
                lines += self._under_lines(cells[self.under], style)
        if lines:
            console.print(Text("\n").join(lines), soft_wrap=True)

    def _lines(self, cells: Sequence[Cell], style: str | None = None) -> list[Text]:
        """One row: each cell wrapped to its column (only where it does not fit), side by side."""
        columns: list[list[Text]] = []
        for i, width in zip(self.shown, self.widths, strict=True):
            cell = cell_shown(cells[i])
            text = cell if isinstance(cell, Text) else Text(cell)
            if "\n" in text.plain or text.cell_len > width:
                columns.append(wrap(text, width))
            else:
                columns.append([text])
        out = []
        last = len(columns) - 1
        for k in range(max(len(parts) for parts in columns)):
            line = Text(style=style or "")
            for n, (parts, i, width) in enumerate(zip(columns, self.shown, self.widths, strict=True)):
                piece = parts[k] if k < len(parts) else Text()
                room = width - piece.cell_len
                justify = self.cols[i].justify
                left = room if justify == "right" else room // 2 if justify == "center" else 0
                line.append(" " * left)
                start = len(line)
                line.append_text(piece)
                if self.cols[i].style:
                    line.stylize(self.cols[i].style or "", start, len(line))
                if n < last:
                    line.append(" " * (room - left + GAP))
            line.rstrip()
            out.append(line)
        return out

    def _under_lines(self, cell: Cell, style: str | None) -> list[Text]:
        """The cell of the column that went under the row (:attr:`under`): "来源：…" on lines of their own,
        under the second column, dim."""
        cell = cell_shown(cell)
        text = cell if isinstance(cell, Text) else Text(cell)
        if not text.plain or self.under is None:
            return []
        head = self.cols[self.under].header
        label = Text(head + ("：" if cell_len(head) > len(head) else ": "))
        indent = self.widths[0] + GAP if len(self.widths) > 1 else 0
        lines = wrap(Text.assemble(label, text, style="dim"), max(self.width - indent, 2))
        out = []
        for piece in lines:
            line = Text(" " * indent, style=style or "")
            line.append_text(piece)
            out.append(line)
        return out


def _steps(col: Col, natural: int, cells: Sequence[Cell]) -> list[int]:
    """The widths a wrapping column gives way through (:class:`Layout`), narrowest first, its natural
    width last: its ``keep`` (else one Chinese character); its header's longest word; its longest word
    or code (:func:`longest_word`; free text: its longest code, it folds its other words); its
    ``min_width``."""
    plain = {cell.plain if isinstance(cell, Text) else cell for cell in cells}  # a unit's name comes back often
    floor = max(2, col.keep)
    header = max([floor, *(cell_len(w) for w in col.header.split())])
    measure = longest_code if col.text else longest_word
    word = max([header, *(measure(p) for p in plain if cell_len(p) > header)])
    return [min(natural, w) for w in (floor, header, word, max(word, col.min_width))] + [natural]


def _share(free: int, steps: Sequence[Sequence[int]]) -> list[int]:
    """Widths for wrapping columns sharing ``free`` cells: the highest of their :func:`_steps` they can
    all have, then what is left in equal shares, none beyond its next step.  When not even the first
    step fits (a terminal far too narrow), the widest give way, down to one Chinese character, so that
    no line is wider than the terminal while the fixed columns fit."""
    if not steps:
        return []
    fits = [k for k in range(len(steps[0])) if sum(s[k] for s in steps) <= free]
    if not fits:
        widths = [s[0] for s in steps]
        while sum(widths) > free and max(widths) > 2:
            widths[widths.index(max(widths))] -= 1
        return widths
    k = fits[-1]
    widths = [s[k] for s in steps]
    if k + 1 < len(steps[0]):
        extra = free - sum(widths)
        order = sorted(range(len(steps)), key=lambda j: steps[j][k + 1] - widths[j])
        for n, j in enumerate(order):
            more = min(steps[j][k + 1] - widths[j], max(extra, 0) // (len(order) - n))
            widths[j] += more
            extra -= more
    return widths


def _heading(console: Console, text: Text) -> None:
    """A heading over a table (a section, a task, a target of the view by unit), across the whole width
    and broken where a cell would be (:func:`wrap`): a code whole, no closing mark at a line's start."""
    console.print(Text("\n").join(wrap(text, max(console.width, 2))), soft_wrap=True)


def _title(console: Console, text: str, blank: bool = True) -> None:
    if blank:
        console.print()
    console.print(Text(text, style="bold"))


def _named(name: str, uom: str, lang: str) -> str:
    return f"{name}（{uom}）" if lang == "zh" else f"{name} ({uom})"


def _percent(pct: float | None, state: str | None) -> tuple[Cell, Cell]:
    """The bar and the figure of a percent, in the state's colour ("" when there is none)."""
    if pct is None:
        return "", ""
    style = STATE_STYLE[state or "pending"]
    return Text(bar(pct), style=style), Text(f"{pct:,.1f}%", style=style)


# -- status --------------------------------------------------------------------------


def status_table(console: Console, report: Report, lang: str, db: str, by: str, limit: int | None = None) -> int:
    """The status views; with ``by="unit"`` at most ``limit`` units per target (None: all).

    Returns how many units were left out of the table (0 when none).
    """
    plan = report.plan
    params = {"plan": plan.name.get(lang), "doc": plan.document, "as_of": report.as_of, "db": db}
    if report.unit:
        console.print(tr("title_status_unit", lang, unit=plan.unit_name(report.unit, lang), **params), style="bold")
    else:
        console.print(tr("title_status", lang, **params), style="bold")
    if report.returns_missing:  # the figures lack these returns: say so before any figure
        console.print(tr("returns_incomplete", lang, as_of=report.as_of, due=report.returns_due,
                         missing=report.returns_missing), style="yellow")  # fmt: skip
    left_out = 0
    if by == "unit":
        left_out = _by_unit(console, report, lang, limit)
    elif by == "month":
        _by_month(console, report, lang)
    else:
        _by_task(console, report, lang)
    if report.milestones and by != "month":
        _milestones(console, report, lang)
    if report.resources and by == "task":
        _resources(console, report, lang)
    console.print(tr("legend", lang), style="dim")
    return left_out


def _state_col(lang: str, rows: Sequence[Sequence[Cell]], i: int) -> Col:
    """The state column (column ``i`` of ``rows``): a state is never broken.  The column is as wide as
    the widest symbol and word ("✘ not achieved") and the widest bracket of a state that says how late
    ("（晚 2 个月）"), which :func:`_late_apart` puts on a line of its own where the whole does not fit."""
    parts = [part for row in rows for part in _state_parts(_plain(row[i]))]
    widest = max((cell_len(part) for part in parts), default=0)
    return Col(tr("h_state", lang), wrap=True, min_width=widest, keep=widest)


def _state_parts(state: str) -> tuple[str, ...]:
    """A state's words and, when it says how late, its bracket: ("✔ 逾期完成", "（晚 2 个月）"),
    ("✔ done late", "(1 month late)"); else the state alone."""
    at = _bracket_at(state)
    if at is None:
        return (state,)
    return state[:at].rstrip(), state[at:].lstrip()


def _bracket_at(state: str) -> int | None:
    """Where the bracket of a state that says how late begins (the last "（", or " (" in English)."""
    for mark in ("（", " ("):
        if mark in state:
            return state.rindex(mark)
    return None


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _late_apart(layout: Layout, rows: Sequence[list[Cell]], i: int) -> None:
    """A state that says how late and does not fit column ``i`` on one line breaks before its bracket,
    never inside it: "✔ 逾期完成" over "（晚 2 个月）".  Changes the cells of ``rows`` in place."""
    width = layout.width_of(i)
    for row in rows:
        cell = row[i]
        at = _bracket_at(cell.plain) if isinstance(cell, Text) else None
        if isinstance(cell, Text) and at is not None and cell.cell_len > width:
            bracket = at + 1 if cell.plain[at] == " " else at
            row[i] = Text.assemble(cell[:at], "\n", cell[bracket:])


def _target_cols(lang: str, state: Col, returned: bool = False) -> list[Col]:
    """The columns of the table by task; ``returned``: a unit's view where a return and the unit's
    register give a target different figures (the register's counts; the return's stands beside it)."""
    return [
        Col(tr("h_code", lang), drop=1),  # for explain and record: before the bar, after the name
        Col(tr("h_target_name", lang), wrap=True),
        state,
        Col(tr("ht_goal", lang), "right"),
        Col(tr("h_actual", lang), "right"),
        *([Col(tr("ht_returned", lang), "right")] if returned else []),
        Col(tr("ht_expected", lang), "right"),
        Col("", drop=2),  # the percent as a bar: the first to go
        Col(tr("ht_percent", lang), "right"),
        Col(tr("ht_deadline", lang)),
    ]


def _target_cells(r: TargetRow, lang: str, returned: dict[str, float] | None = None) -> list[Cell]:
    """A target's cells; ``returned``: the figures a unit's returns give where its register counts otherwise."""
    t = r.target
    shared = r.scope == "shared"
    differs = returned.get(t.code) if returned is not None else None
    return [
        t.code,
        _named(t.name.get(lang), t.uom.get(lang), lang),
        Text(tr("state_shared", lang) + "*") if shared else state_text(r.state, lang, r.months_late),
        "" if shared else ("≥" if t.minimum else "") + fmt(r.goal),  # the joint goal is in the footnote
        fmt(r.actual),
        *([Text(fmt(differs), style="yellow") if differs is not None else ""] if returned is not None else []),
        fmt(r.expected),
        *_percent(r.percent, r.state),
        t.deadline,
    ]


def _by_task(console: Console, report: Report, lang: str) -> None:
    """Targets under the document's sections and tasks, one table per task, all lined up.

    With --unit a row holds that unit's figures; a target it shares with other units
    says so and a footnote gives the joint total.
    """
    plan = report.plan
    differing = {code: x.stated for code, x in report.from_lists.items() if x.stated is not None}
    returned = differing if report.unit and differing else None
    cells = {r.target.code: _target_cells(r, lang, returned) for r in report.targets}
    rows = list(cells.values())
    layout = Layout(_target_cols(lang, _state_col(lang, rows, 2), returned is not None), rows, console.width)
    _late_apart(layout, rows, 2)
    by_task: dict[int, list[list[Cell]]] = {}
    for r in report.targets:
        by_task.setdefault(r.target.task, []).append(cells[r.target.code])
    _by_section(console, plan, layout, by_task, lang)
    _shared_notes(console, report, lang)
    if returned:
        console.print(Text(tr("returned_note", lang), style="dim"))


def _by_section(console: Console, plan: Plan, layout: Layout, by_task: dict[int, list[list[Cell]]], lang: str) -> None:
    """Rows under the document's section and task headings (full width, wrapping): the header
    once, then a table per task, all lined up by one ``layout``."""
    layout.print(console)
    first = True
    for section in plan.sections:
        tasks = [k for k in plan.tasks if k.section == section.id and k.no in by_task]
        if not tasks:
            continue
        if not first:
            console.print()
        first = False
        heading = tr("section_heading", lang, numeral=section.numeral, no=section.id, name=section.name.get(lang))
        _heading(console, Text(heading, style="bold"))
        for task in tasks:
            resp = task.responsible_text if lang == "zh" else _abbreviate(plan, task.responsible, "en", ", ")
            label = tr("task_heading", lang, no=task.no, short=task.short.get(lang), resp=resp)
            _heading(console, Text(label, style="italic"))
            layout.print(console, by_task[task.no], header=False)


def _shared_notes(console: Console, report: Report, lang: str) -> None:
    """Footnotes for the shared targets of a unit's view: once per group of joint reporters who
    they are, then a line per target with the joint total and state."""
    plan = report.plan
    groups: dict[tuple[str, ...], list[TargetRow]] = {}
    for r in report.targets:
        if r.scope == "shared" and r.province is not None:
            groups.setdefault(r.target.reporters, []).append(r)
    for reporters, rows in groups.items():
        console.print()
        units = _abbreviate(plan, reporters, lang, "、" if lang == "zh" else ", ")
        console.print(Text("*" + tr("shared_intro", lang, units=units), style="dim"))
        for r in rows:
            p = r.province
            assert p is not None
            line = tr("shared_total", lang, name=r.target.name.get(lang), actual=fmt(p.actual), target=fmt(p.goal),
                      state=state_text(p.state, lang, p.months_late).plain)  # fmt: skip
            console.print(Text("  " + line, style="dim"))


def _by_unit(console: Console, report: Report, lang: str, limit: int | None) -> int:
    """Each target reported by more than one unit: its total, then the units.

    A target with more than ``limit`` units lists the furthest behind first (a shared
    target: the smallest figures first) and counts the rest by state.  Returns how many
    units were left out in all.
    """
    plan = report.plan
    blocks = [(r, *_unit_rows(plan, r, lang, limit)) for r in report.targets if r.breakdown]
    every = [row for _, rows, _ in blocks for row in rows]
    cols = [
        Col(tr("h_unit", lang), wrap=True, min_width=12),
        Col(tr("h_quota", lang), "right"),
        Col(tr("h_actual", lang), "right"),
        Col(tr("ht_expected", lang), "right"),
        Col("", drop=1),
        Col(tr("ht_percent", lang), "right"),
        _state_col(lang, every, 6),
    ]
    _title(console, tr("title_by_reporter", lang), blank=False)
    layout = Layout(cols, every, console.width)
    _late_apart(layout, every, 6)
    layout.print(console)
    left_out = 0
    for n, (r, rows, rest) in enumerate(blocks):
        if n:
            console.print()
        t = r.target
        _heading(
            console,
            Text.assemble((printable(_named(t.name.get(lang), t.uom.get(lang), lang)), "bold"), "  ", (t.code, "dim")),
        )
        layout.print(console, rows, header=False)
        if rest:
            left_out += len(rest)
            console.print(Text(_rest_line(rest, lang), style="dim"))
    return left_out


def _unit_rows(plan: Plan, r: TargetRow, lang: str, limit: int | None) -> tuple[list[list[Cell]], list[ShareRow]]:
    """A target's rows of the table by unit: the whole target's total (its goal, figure, percent and
    state, done late with how late), then its units (at most ``limit``); and the units left out."""
    shown, rest = _furthest_behind(r.breakdown, limit)
    p = r.province if r.province is not None else r  # a unit's view holds the whole target apart
    rows: list[list[Cell]] = [
        [
            Text(tr("row_total", lang), style="bold"),
            fmt(p.goal),
            fmt(p.actual),
            fmt(p.expected),
            *_percent(p.percent, p.state),
            state_text(p.state, lang, p.months_late),
        ]
    ]
    rows += [
        [
            plan.unit_name(s.unit, lang),
            fmt(s.target),
            fmt(s.actual),
            fmt(s.expected),
            *_percent(s.percent, s.state),
            state_text(s.state, lang),
        ]
        for s in shown
    ]
    return rows, rest


def _furthest_behind(shares: list[ShareRow], limit: int | None) -> tuple[list[ShareRow], list[ShareRow]]:
    """All the shares in the plan's order when they fit in ``limit``; else the ``limit`` furthest
    behind (by state, then by share of the quota; without a quota, by figure) and the rest."""
    if limit is None or len(shares) <= limit:
        return shares, []

    def behind(s: ShareRow) -> tuple[int, float]:
        if s.target is None:
            return len(STATE_ORDER), s.actual
        return STATE_ORDER.get(s.state or "", len(STATE_ORDER)), s.actual / s.target if s.target else 1.0

    ordered = sorted(shares, key=behind)
    return ordered[:limit], ordered[limit:]


def _rest_line(rest: list[ShareRow], lang: str) -> str:
    """What the units left out add up to: how many in each state, or (no quotas) their total."""
    if all(s.state is None for s in rest):
        return tr("units_rest_shared", lang, n=f"{len(rest):,}", total=fmt(sum(s.actual for s in rest)))
    counts: dict[str, int] = {}
    for s in rest:
        counts[s.state or "pending"] = counts.get(s.state or "pending", 0) + 1
    order = sorted(counts, key=lambda k: STATE_ORDER.get(k, len(STATE_ORDER)))
    states = ("，" if lang == "zh" else ", ").join(f"{tr('state_' + k, lang)} {counts[k]:,}" for k in order)
    return tr("units_rest", lang, n=f"{len(rest):,}", states=states)


def _by_month(console: Console, report: Report, lang: str) -> None:
    """Cumulative figures month by month up to the as-of month; when the width is short the
    oldest months go first (a line says which), then the code.  A cell is coloured and marked by
    that month's state; a unit's own figure of a shared target has none (the figure alone)."""
    months = [c.month for c in report.targets[0].monthly] if report.targets else []
    month_cols = [Col(_month_label(m, lang), "right", drop=len(months) - k + 1) for k, m in enumerate(months)]
    cols = [
        Col(tr("h_code", lang), drop=len(months) + 2),
        Col(tr("h_target_name", lang), wrap=True, min_width=12),
        Col(tr("ht_goal", lang), "right"),
        *month_cols,
    ]
    rows: list[list[Cell]] = []
    for r in report.targets:
        by = {c.month: c for c in r.monthly}
        t = r.target
        cells: list[Cell] = [t.code, _named(t.name.get(lang), t.uom.get(lang), lang), fmt(r.goal)]
        for m in months:
            cells.append(_month_cell(by.get(m)))
        rows.append(cells)
    _title(console, tr("title_by_month", lang), blank=False)
    layout = Layout(cols, rows, console.width)
    layout.print(console, rows)
    hidden = [m for k, m in enumerate(months) if not layout.has(k + 3)]
    if hidden:
        first, last = _month_label(hidden[0], lang), _month_label(hidden[-1], lang)
        console.print(tr("months_hidden", lang, first=first, last=last), style="dim")


def _month_cell(c: MonthCell | None) -> Cell:
    """A month's cumulative figure, after its state's symbol and in its colour when it has a state."""
    if c is None:
        return ""
    if c.state is None:
        return fmt(c.actual)
    return Text(f"{STATE_SYMBOL[c.state]}{fmt(c.actual)}", style=STATE_STYLE[c.state])


def _month_label(month: str, lang: str) -> str:
    """A month for a column header: 4月 / Apr (the year is the plan's, in the title)."""
    m = int(month[5:])
    return f"{m}月" if lang == "zh" else _MONTHS_EN[m - 1]


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _window(plan: Plan) -> list[str]:
    from kctrack.schedule import months_between

    return months_between(plan.start, plan.end)


def _milestones(console: Console, report: Report, lang: str) -> None:
    """Each milestone: due month, state (done late: how late; one several units must do: how many have),
    month done."""
    rows: list[list[Cell]] = [
        [
            m.milestone.code,
            m.milestone.name.get(lang),
            m.milestone.due,
            _milestone_state(m, lang),
            m.done_on or "",
        ]
        for m in report.milestones
    ]
    cols = [
        Col(tr("h_code", lang), drop=1),
        Col(tr("h_milestone", lang), wrap=True),
        Col(tr("h_due", lang)),
        _state_col(lang, rows, 3),
        Col(tr("h_done_on", lang)),
    ]
    _title(console, tr("title_milestones", lang))
    layout = Layout(cols, rows, console.width)
    _late_apart(layout, rows, 3)
    layout.print(console, rows)


def _milestone_state(m: MilestoneRow, lang: str) -> Text:
    """A milestone's state; one several units must do and not done yet says how many have: 3/13."""
    text = state_text(m.state, lang, m.months_late)
    if m.units > 1 and m.state not in ("done", "done_late"):
        text.append(f" {m.units_done}/{m.units}")
    return text


def _resources(console: Console, report: Report, lang: str) -> None:
    """The resources drawn on (依托资源), apart from the targets: engaged N of M, never a state."""
    cols = [
        Col(tr("h_code", lang), drop=1),
        Col(tr("h_task", lang), "right"),
        Col(tr("h_resource", lang), wrap=True),
        Col(tr("h_available", lang), "right"),
        Col(tr("h_engaged", lang), "right"),
    ]
    rows: list[list[Cell]] = [
        [
            r.resource.code,
            str(r.resource.task),
            _named(r.resource.name.get(lang), r.resource.uom.get(lang), lang),
            fmt(r.resource.value),
            fmt(r.engaged) if r.engaged is not None else "—",
        ]
        for r in report.resources
    ]
    _title(console, tr("title_resources", lang))
    layout = Layout(cols, rows, console.width)
    layout.print(console, rows)


def status_flat(report: Report, lang: str, by: str) -> tuple[list[str], list[list[Any]]]:
    """Rows for CSV and Markdown, for people: headers, states and kinds in ``lang``, units by name.

    The machine's contract is the JSON (English keys, state codes); these follow ``--lang``.
    """
    if by == "unit":
        return _flat_by_unit(report, lang)
    if by == "month":
        return _flat_by_month(report, lang)
    return _flat_by_task(report, lang)


def _flat_by_unit(report: Report, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Every reporting unit of each target with several: its quota (blank for a shared target), figure,
    expected value and state."""
    plan = report.plan
    head = header(("h_code", "h_unit", "h_quota", "h_actual", "h_expected", "h_state"), lang)
    rows = [
        [r.target.code, plan.unit_name(s.unit, lang), num(s.target), num(s.actual), num(s.expected),
         state_word(s.state, lang)]
        for r in report.targets
        for s in r.breakdown
    ]  # fmt: skip
    return head, rows


def _flat_by_month(report: Report, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Each target's cumulative figure at the end of each month of the plan (blank after the as-of month)."""
    months = _window(report.plan)
    head = [*header(("h_code", "h_value"), lang), *months]
    rows = []
    for r in report.targets:
        by_m = {c.month: c.actual for c in r.monthly}
        rows.append([r.target.code, num(r.goal), *(num(by_m[m]) if m in by_m else "" for m in months)])
    return head, rows


# The columns of `status --format csv|md` (by task), each with the message key of its header.  A target
# fills 目标 to 截止 (a unit's row of a shared target leaves 目标 blank: the joint goal is not the unit's,
# its own figure is under 完成); a resource only 可依托 and 已动员, never 目标, 完成 or a state; a milestone
# its due month under 截止, its state, 完成月份 and 晚几个月.  Anything done late says so under 状态.
STATUS_COLUMNS = {
    "kind": "xp_h_kind",
    "code": "h_code",
    "name": "col_name",
    "uom": "xp_h_uom",
    "target": "h_value",
    "actual": "h_actual",
    "expected": "h_expected",
    "percent": "h_progress",
    "state": "h_state",
    "deadline": "h_deadline",
    "available": "h_available",
    "engaged": "h_engaged",
    "done_on": "h_done_on",
    "months_late": "xp_h_months_late",
    "task": "h_task",
    "responsible": "h_responsible",
}


def _flat_by_task(report: Report, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The targets, then the milestones, then the resources, in the table's order (:data:`STATUS_COLUMNS`)."""
    plan = report.plan
    rows = [_flat_target(plan, r, lang) for r in report.targets]
    rows += [_flat_milestone(plan, m, lang) for m in report.milestones]
    rows += [_flat_resource(plan, x, lang) for x in report.resources]
    return header(list(STATUS_COLUMNS.values()), lang), rows


def _cells(columns: Iterable[str], **fields: Any) -> list[Any]:
    """A row of ``columns`` from the fields it has; the others (and None) blank."""
    return ["" if fields.get(k) is None else fields[k] for k in columns]


def _flat_target(plan: Plan, r: TargetRow, lang: str) -> list[Any]:
    t = r.target
    return _cells(
        STATUS_COLUMNS,
        kind=tr(SCOPE_KIND[r.scope], lang),
        code=t.code,
        name=t.name.get(lang),
        uom=t.uom.get(lang),
        target=None if r.scope == "shared" else num(r.goal),
        actual=num(r.actual),
        expected=num(r.expected),
        percent=num(r.percent),
        state=state_word(r.state, lang, r.months_late),
        deadline=t.deadline,
        months_late=r.months_late if r.state == "done_late" else None,
        task=t.task,
        responsible=unit_names(plan, t.responsible, lang),
    )


def _flat_milestone(plan: Plan, m: MilestoneRow, lang: str) -> list[Any]:
    ms = m.milestone
    return _cells(
        STATUS_COLUMNS,
        kind=tr("kind_milestone", lang),
        code=ms.code,
        name=ms.name.get(lang),
        state=state_word(m.state, lang, m.months_late),
        deadline=ms.due,
        done_on=m.done_on,
        months_late=m.months_late if m.state == "done_late" else None,
        task=ms.task,
        responsible=unit_names(plan, plan.milestone_units(ms), lang),
    )


def _flat_resource(plan: Plan, x: ResourceRow, lang: str) -> list[Any]:
    res = x.resource
    return _cells(
        STATUS_COLUMNS,
        kind=tr("kind_resource", lang),
        code=res.code,
        name=res.name.get(lang),
        uom=res.uom.get(lang),
        available=num(res.value),
        engaged=num(x.engaged),
        task=res.task,
        responsible=unit_names(plan, res.responsible, lang),
    )


# What a row of ``status`` is, by its scope (status.TargetRow.scope), as the csv/md "kind" column says it.
SCOPE_KIND = {"province": "kind_commitment", "quota": "kind_quota", "shared": "kind_shared"}


# -- targets ---------------------------------------------------------------------------


def targets_table(console: Console, plan: Plan, lang: str) -> None:
    """The plan under its sections and tasks, then its milestones and resources.

    The code is the key of every row here (record, explain, returns use it): it has its
    own column when the width allows, else it is a dim second line under the name.
    """
    console.print(
        tr("title_targets", lang, plan=plan.name.get(lang), doc=plan.document, start=plan.start, end=plan.end),
        style="bold",
    )
    cols = [
        Col(tr("h_code", lang), drop=1),
        Col(tr("h_target_name", lang), wrap=True),
        Col(tr("ht_goal", lang), "right"),
        Col(tr("ht_deadline", lang)),
        Col(tr("h_responsible", lang), wrap=True, min_width=16),
    ]
    rows: dict[str, list[Cell]] = {
        t.code: [
            t.code,
            _named(t.name.get(lang), t.uom.get(lang), lang),
            ("≥" if t.minimum else "") + fmt(t.value),
            t.deadline,
            _quotas(plan, t.breakdown, lang) if t.breakdown else _abbreviate(plan, t.responsible, lang),
        ]
        for t in plan.commitments
    }
    layout = _code_layout(console, cols, list(rows.values()))
    by_task: dict[int, list[list[Cell]]] = {}
    for t in plan.commitments:
        by_task.setdefault(t.task, []).append(rows[t.code])
    _by_section(console, plan, layout, by_task, lang)
    ms_cols = [
        Col(tr("h_code", lang), drop=1),
        Col(tr("h_milestone", lang), wrap=True),
        Col(tr("h_due", lang)),
        Col(tr("h_task", lang), "right"),
        Col(tr("h_responsible", lang), wrap=True, min_width=12),
    ]
    ms_rows: list[list[Cell]] = [
        [m.code, m.name.get(lang), m.due, str(m.task or ""), _abbreviate(plan, plan.milestone_units(m), lang)]
        for m in plan.milestones
    ]
    _title(console, tr("title_milestones", lang))
    _code_layout(console, ms_cols, ms_rows).print(console, ms_rows)
    if plan.resources:
        res_cols = [
            Col(tr("h_code", lang), drop=1),
            Col(tr("h_resource", lang), wrap=True),
            Col(tr("h_available", lang), "right"),
            Col(tr("h_task", lang), "right"),
        ]
        res_rows: list[list[Cell]] = [
            [t.code, _named(t.name.get(lang), t.uom.get(lang), lang), fmt(t.value), str(t.task)] for t in plan.resources
        ]
        _title(console, tr("title_resources", lang))
        _code_layout(console, res_cols, res_rows).print(console, res_rows)


def _code_layout(console: Console, cols: list[Col], rows: list[list[Cell]]) -> Layout:
    """A layout whose first column is the code and second a name.  When the code column does not
    fit, the code goes under the name (dim); the name column is then at least as wide as the longest
    code, where the width allows (:class:`Layout` keeps a code whole before a word or the column's
    ``min_width``).  Changes the name cells of ``rows`` in place."""
    layout = Layout(cols, rows, console.width)
    if layout.has(0):
        return layout
    for row in rows:
        row[1] = _under(row[1], row[0])
    return Layout(cols, rows, console.width)


def _under(name: Cell, code: Cell) -> Text:
    """A name with its code under it, dim (each as :func:`cell_shown` shows a cell: the newline is this one's)."""
    return Text.assemble(cell_shown(name), "\n", (printable(str(code)), "dim"))


def _quotas(plan: Plan, breakdown: Sequence[tuple[str, float]], lang: str) -> str:
    """A split target's quotas grouped as the document words them: ``25：苏州市 无锡市；15：扬州市``.

    Each unit name is a word of its own, so a narrow column wraps between names, never
    between a name and its quota.  A national plan's 320 cities: the first few and a count.
    """
    shown = breakdown if len(breakdown) <= SHOW_UNITS else breakdown[:3]
    groups: dict[float, list[str]] = {}
    for unit, quota in shown:
        groups.setdefault(quota, []).append(plan.unit_name(unit, lang))
    if lang == "zh":
        text = "； ".join(f"{fmt(q)}：{' '.join(names)}" for q, names in groups.items())
    else:
        text = "; ".join(f"{fmt(q)}: {', '.join(names)}" for q, names in groups.items())
    if len(shown) < len(breakdown):
        text += " " + tr("and_more", lang, n=len(breakdown))
    return text


def _abbreviate(plan: Plan, units: Sequence[str], lang: str, sep: str | None = None) -> str:
    """Units by name: all of them up to SHOW_UNITS (the 13 cities), else the first three and a count.

    Only the units shown are named: a national plan lists 320 cities on some targets.  The
    default separator is a space in Chinese, so that a narrow column wraps between names.
    """
    sep = sep or (" " if lang == "zh" else ", ")
    if len(units) <= SHOW_UNITS:
        return sep.join(plan.unit_name(u, lang) for u in units)
    return sep.join(plan.unit_name(u, lang) for u in units[:3]) + " " + tr("and_more", lang, n=len(units))


# The columns of `targets --format csv|md`, each with the message key of its header.  A target fills 目标,
# 至少 and 截止; a resource only 可依托 (it has neither a goal nor a deadline); a milestone its due month
# under 截止.
TARGET_COLUMNS = {
    "code": "h_code",
    "kind": "xp_h_kind",
    "name": "col_name",
    "uom": "xp_h_uom",
    "value": "h_value",
    "minimum": "h_minimum",
    "deadline": "h_deadline",
    "available": "h_available",
    "task": "h_task",
    "responsible": "h_responsible",
    "breakdown": "h_breakdown",
}


def targets_flat(plan: Plan, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The plan as rows for CSV and Markdown (:data:`TARGET_COLUMNS`), headers and words in ``lang``:
    the targets and resources in the plan's order, then the milestones."""
    rows = [_flat_plan_target(plan, t, lang) for t in plan.targets]
    rows += [
        _cells(TARGET_COLUMNS, code=m.code, kind=tr("kind_milestone", lang), name=m.name.get(lang), deadline=m.due,
               task=m.task, responsible=unit_names(plan, plan.milestone_units(m), lang))
        for m in plan.milestones
    ]  # fmt: skip
    return header(list(TARGET_COLUMNS.values()), lang), rows


def _flat_plan_target(plan: Plan, t: Target, lang: str) -> list[Any]:
    """A target of the plan (goal, 至少, deadline, split) or a resource (what is available)."""
    common = {
        "code": t.code,
        "name": t.name.get(lang),
        "uom": t.uom.get(lang),
        "task": t.task,
        "responsible": unit_names(plan, t.responsible, lang),
    }
    if t.is_resource:
        return _cells(TARGET_COLUMNS, kind=tr("kind_resource", lang), available=num(t.value), **common)
    return _cells(
        TARGET_COLUMNS,
        kind=tr("kind_commitment", lang),
        value=num(t.value),
        minimum=yes_no(t.minimum, lang),
        deadline=t.deadline,
        breakdown=_SEP[lang].join(f"{plan.unit_name(u, lang)}={fmt(q)}" for u, q in t.breakdown),
        **common,
    )


# -- generic formats -------------------------------------------------------------------------


def dump_json(data: Any) -> str:
    r"""A JSON document (the stable English contract) as text: UTF-8 as it is, indented.

    Every character a terminal would act on (:data:`kctrack.words.UNPRINTABLE`) is a ``\uXXXX`` escape,
    so the document is safe to print and reads back to the exact text: ``json.dumps`` escapes the C0
    controls itself, not DEL, the C1 controls, the bidirectional controls nor U+2028/U+2029.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # outside its strings a JSON text has only ASCII, and inside them json.dumps has escaped the C0 controls
    return _JSON_RAW.sub(_json_escape, text)


_JSON_RAW = unprintable_re(C0)  # what json.dumps(ensure_ascii=False) leaves as it is


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


# -- csv and md are for people: they follow --lang (the JSON is the English contract) ----------------


_SEP = {"zh": "、", "en": ", "}  # between the items of a list in one cell (English names hold spaces)


def unit_names(plan: Plan, codes: Sequence[str], lang: str) -> str:
    """Units by name in ``lang``, as a list in one cell."""
    return _SEP[lang].join(plan.unit_name(u, lang) for u in codes)


# -- import, history, explain, returns grid ---------------------------------------------------


def import_changes_table(console: Console, plan: Plan, changes: list[Any], lang: str) -> None:
    cols = [
        Col(tr("h_code", lang)),
        Col(tr("h_unit", lang), wrap=True, min_width=8),
        Col(tr("h_month", lang)),
        Col(tr("h_old", lang), "right"),
        Col(tr("h_new", lang), "right"),
        Col(tr("h_change", lang)),
    ]
    style = {"new": "green", "changed": "yellow", "unchanged": "dim", "removed": "red"}
    rows: list[list[Cell]] = [
        [
            c.code,
            plan.unit_name(c.unit, lang),
            c.month,
            "" if c.old is None else exact(c.old),  # exactly as stored: 0.85, never 0.8
            "" if c.new is None else exact(c.new),
            Text(tr("change_" + c.kind, lang), style=style[c.kind]),
        ]
        for c in changes
    ]
    Layout(cols, rows, console.width).print(console, rows)


def history_json(plan: Plan, batches: list[Any], in_all: int | None = None) -> dict[str, Any]:
    """The batches; ``batches_in_all`` says how many there are when only the newest --limit are listed.

    Times (``created``, ``undone_at``) as stored: ISO 8601 in UTC with ``+00:00``, the stable contract;
    the table, CSV and Markdown show them in local time (:func:`kctrack.clock.local_time`).
    """
    return {
        "batches_in_all": len(batches) if in_all is None else in_all,
        "batches": [
            {
                "id": b.id,
                "created": b.created,
                "operator": b.operator,
                "kind": b.kind,
                "run": b.run,
                "source": b.source,
                "sheet": b.sheet,
                "unit": b.unit,
                "month": b.month,
                "received": b.received,
                "state": "undone" if b.undone_at else ("superseded" if b.superseded_by else "live"),
                "superseded_by": b.superseded_by,
                "supersedes": b.supersedes,
                "undone_at": b.undone_at,
                "undone_by": b.undone_by,
                "locked_change_reason": b.reason,
                "undo_reason": b.undo_reason,
                "records": [{**r, "value": num(r["value"]), "cumulative": num(r["cumulative"])} for r in b.records],
            }
            for b in batches
        ],
    }


def history_flat(plan: Plan, batches: list[Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """One row per record (a nil return: one row without a target), for csv and md; ``created`` in local time;
    headers, kinds and states in ``lang``."""
    head = header(
        (
            "h_batch",
            "h_run",
            "h_created",
            "h_operator",
            "xp_h_kind",
            "h_source",
            "col_sheet",
            "h_state",
            "col_target_code",
            "h_unit",
            "h_month",
            "col_this_month",
            "col_cumulative",
            "col_cell",
        ),
        lang,
    )
    rows = []
    for b in batches:
        state = "batch_state_undone" if b.undone_at else ("batch_state_superseded" if b.superseded_by else "batch_live")
        kind = tr(BATCH_KIND[b.kind], lang) if b.kind in BATCH_KIND else b.kind
        head_cells = [b.id, b.run or "", local_time(b.created), b.operator, kind, b.source, b.sheet or ""]
        head_cells.append(tr(state, lang))
        if not b.records and b.count == 0 and b.unit:  # a nil return: received, nothing reported
            rows.append([*head_cells, "", plan.unit_name(b.unit, lang), b.month or "", "", "", ""])
        for r in b.records:
            rows.append(
                [
                    *head_cells,
                    r["target"],
                    plan.unit_name(r["unit"], lang),
                    r["month"],
                    num(r["value"]),
                    num(r["cumulative"]),
                    r["cell"] or "",
                ]
            )
    return head, rows


# store.Batch.kind → its word
BATCH_KIND = {"import": "batch_kind_import", "record": "batch_kind_record", "register": "batch_kind_register"}


class HistoryText:
    """``history`` as csv, md or json, written a batch at a time: :meth:`pieces` gives, together, what
    :func:`kctrack.words.to_csv` / :func:`~kctrack.words.to_markdown` or :func:`dump_json` would write
    of the whole list, holding one batch at a time; :attr:`shown` counts the batches written."""

    def __init__(self, fmt: str, plan: Plan, lang: str) -> None:
        self.fmt, self.plan, self.lang = fmt, plan, lang
        self.shown = 0

    def pieces(self, batches: Iterable[Any], total: int) -> Iterable[str]:
        if self.fmt == "json":
            yield from self._json(batches, total)
            return
        to_text = to_csv if self.fmt == "csv" else to_markdown
        top = to_text(history_flat(self.plan, [], self.lang)[0], [])  # the header row
        yield top
        for b in batches:
            self.shown += 1
            yield to_text(*history_flat(self.plan, [b], self.lang)).removeprefix(top)

    def _json(self, batches: Iterable[Any], total: int) -> Iterable[str]:
        """The document with an empty list of batches, opened where its list begins (the list is its
        last key), each batch indented as dump_json indents it, then the list and document closed."""
        import textwrap

        whole = dump_json(history_json(self.plan, [], total))
        yield whole.removesuffix("]\n}")
        for b in batches:
            self.shown += 1
            text = textwrap.indent(dump_json(history_json(self.plan, [b])["batches"][0]), "    ")
            yield ("\n" if self.shown == 1 else ",\n") + text
        yield "\n  ]\n}\n" if self.shown else "]\n}\n"


def history_table(console: Console, plan: Plan, batches: list[Any], lang: str) -> None:
    """One row per batch.  Everything wraps but the batch, run and record counts: at 80
    columns the time goes under the date, and the source, when it has not 16 cells or would
    break a code (a ``record`` command's), goes on a line of its own under the row."""
    cols = [
        Col(tr("h_batch", lang), "right"),
        Col(tr("h_run", lang), "right"),
        Col(tr("h_created", lang), wrap=True, min_width=10),
        Col(tr("h_operator", lang), wrap=True, min_width=6),
        Col(tr("h_source", lang), wrap=True, min_width=16, text=True, under=True),
        Col(tr("h_unit", lang), wrap=True, min_width=8),
        Col(tr("h_month", lang), wrap=True, min_width=7),
        Col(tr("h_records", lang), "right"),
        Col(tr("h_status", lang), wrap=True, min_width=8),
    ]
    rows: list[list[Cell]] = []
    for b in batches:
        if b.undone_at:
            state = Text(tr("batch_undone", lang, at=local_time(b.undone_at)), style="red")
        elif b.superseded_by:
            state = Text(tr("batch_superseded", lang, by=b.superseded_by), style="yellow")
        else:
            state = Text(tr("batch_live", lang), style="green")
        if b.supersedes:
            state.append(" · " + tr("batch_replaces", lang, ids=", ".join(map(str, b.supersedes))))
        if b.reason:
            state.append(" · " + tr("batch_reason", lang, reason=b.reason), style="bold magenta")
        source = b.source + (f"!{b.sheet}" if b.sheet else "")
        units = {r["unit"] for r in b.records}
        months = {r["month"] for r in b.records}
        rows.append(
            [
                str(b.id),
                "" if b.run is None else str(b.run),
                local_time(b.created),
                b.operator,
                source,
                plan.unit_name(b.unit, lang) if b.unit else " ".join(plan.unit_name(u, lang) for u in sorted(units)),
                b.month or " ".join(sorted(months)),
                str(b.count),
                state,
            ]
        )
    Layout(cols, rows, console.width).print(console, rows)


def explain_json(e: Any) -> dict[str, Any]:
    return {
        "code": e.code,
        "unit": e.unit,
        "as_of": e.as_of,
        "total": num(e.total),
        "records_in_all": e.in_all,  # the records listed may be the first --limit of them
        "records": [
            {
                "record": r["record"],
                "batch": r["batch"],
                "unit": r["unit"],
                "month": r["month"],
                "value": num(r["value"]),
                "source": _source(r),
                "created": r["created"],
                "operator": r["operator"],
                "note": r["note"],
                "counts": r["counts"],
                "why_not": r["why_not"],
            }
            for r in e.records
        ],
    }


def explain_flat(e: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The records of :func:`explain_json` as rows for CSV and Markdown: the same columns, headers and
    words in ``lang``, units by name, the time local."""
    head = header(
        (
            "col_record",
            "h_batch",
            "h_unit",
            "h_month",
            "h_actual",
            "h_source",
            "h_created",
            "h_operator",
            "xp_h_note",
            "h_counts",
            "col_why_not",
        ),
        lang,
    )
    rows = [
        [
            r["record"],
            r["batch"],
            e.plan.unit_name(r["unit"], lang),
            r["month"],
            num(r["value"]),
            _source(r),
            local_time(r["created"]),
            r["operator"],
            r["note"] or "",
            yes_no(r["counts"], lang),
            tr("why_" + r["why_not"], lang) if r["why_not"] else "",
        ]
        for r in e.records
    ]
    return head, rows


def _source(r: dict[str, Any]) -> str:
    if r["cell"]:
        return f"{r['source']}!{r['cell']}"
    return str(r["source"])


def explain_table(console: Console, e: Any, lang: str) -> None:
    """The records behind a figure.  The source cell is what the table is for: it wraps
    (a long path folds) but is never cut, and where it has not 16 cells or would break a
    code (a ``record`` command's) it goes on a line of its own under the row."""
    item = e.plan.find_code(e.code)
    console.print(
        tr("explain_title", lang, code=e.code, name=item.name.get(lang), as_of=e.as_of, total=fmt(e.total)),
        style="bold",
    )
    cols = [
        Col(tr("h_unit", lang), wrap=True, min_width=8),
        Col(tr("h_month", lang)),
        Col(tr("h_actual", lang), "right"),
        Col(tr("h_source", lang), wrap=True, min_width=16, text=True, under=True),
        Col(tr("h_batch", lang), "right"),
        Col(tr("h_created", lang), wrap=True, min_width=10),
        Col(tr("h_operator", lang), wrap=True, min_width=6),
        Col(tr("h_counts", lang), wrap=True, min_width=6),
    ]
    rows: list[list[Cell]] = [
        [
            e.plan.unit_name(r["unit"], lang),
            r["month"],
            fmt(r["value"]),
            _source(r),
            str(r["batch"]),
            local_time(r["created"]),
            r["operator"],
            Text("✔", style="green") if r["counts"] else Text(tr("why_" + r["why_not"], lang)),
        ]
        for r in e.records
    ]
    styles = [None if r["counts"] else "dim" for r in e.records]
    Layout(cols, rows, console.width).print(console, rows, styles=styles)


GRID_STYLE = {"received": "green", "late": "yellow", "missing": "bold red", "not_due": "dim"}


def grid_json(g: Any) -> dict[str, Any]:
    return {
        "as_of": g.as_of,
        "units": [{"unit": g.plan.unit_name(u, "zh"), "code": u, "months": months} for u, months in g.cells.items()],
    }


def grid_flat(g: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The grid for CSV and Markdown: units by name, each month's state as a word in ``lang`` (按时, late …)."""
    head = [*header(("h_unit",), lang), *g.months]
    rows = [
        [g.plan.unit_name(u, lang), *(tr("xp_grid_" + months[m], lang) for m in g.months)]
        for u, months in g.cells.items()
    ]
    return head, rows


def grid_table(console: Console, g: Any, lang: str) -> None:
    """Units × months; the unit name wraps, the marks and the counts never do."""
    console.print(tr("title_returns", lang, as_of=g.as_of, day=g.plan.returns_due_day), style="bold")
    cols = [
        Col(tr("h_unit", lang), wrap=True, min_width=8),
        *(Col(_month_label(m, lang), "center") for m in g.months),
        *(Col(tr("ht_grid_" + key, lang), "right") for key in ("received", "late", "missing")),
    ]
    per_month = {m: {"received": 0, "late": 0, "missing": 0} for m in g.months}
    rows: list[list[Cell]] = []
    for u, months in g.cells.items():
        counts = {"received": 0, "late": 0, "missing": 0}
        cells: list[Cell] = []
        for m in g.months:
            state = months[m]
            if state in counts:
                counts[state] += 1
                per_month[m][state] += 1
            cells.append(Text(tr("grid_" + state, lang), style=GRID_STYLE[state]))
        rows.append(
            [
                g.plan.unit_name(u, lang),
                *cells,
                str(counts["received"]),
                str(counts["late"]),
                Text(str(counts["missing"]), style="bold red" if counts["missing"] else ""),
            ]
        )
    totals: list[list[Cell]] = [
        [Text(tr("h_" + key, lang), style="bold"), *(str(per_month[m][key]) for m in g.months), "", "", ""]
        for key in ("received", "late", "missing")
    ]
    layout = Layout(cols, rows + totals, console.width)
    layout.print(console, rows)
    console.print()
    layout.print(console, totals, header=False)
    console.print(tr("grid_legend", lang), style="dim")


# -- period locks -------------------------------------------------------------------------------


def locks_json(locks: Sequence[Any]) -> dict[str, Any]:
    """The JSON of ``kctrack lock --format json``: the months locked now, each with when, who and why."""
    return {"locks": [{"month": k.month, "at": k.at, "operator": k.operator, "reason": k.reason} for k in locks]}


def locks_flat(locks: Sequence[Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """The locked months as rows for CSV and Markdown (the table's headers, in ``lang``)."""
    head = header(("h_month", "h_created", "h_operator", "h_lock_reason"), lang)
    return head, [[k.month, local_time(k.at), k.operator, k.reason or ""] for k in locks]


def locks_table(console: Console, locks: Sequence[Any], lang: str) -> None:
    """The locked months as a table: month, locked at, by whom, reason (the reason wraps)."""
    cols = [Col(tr("h_month", lang)), Col(tr("h_created", lang)), Col(tr("h_operator", lang)),
            Col(tr("h_lock_reason", lang), wrap=True, min_width=10)]  # fmt: skip
    rows: list[list[Cell]] = [[k.month, local_time(k.at), k.operator, k.reason or ""] for k in locks]
    layout = Layout(cols, rows, console.width)
    layout.print(console, rows)


def template_line(plan: Plan, path: Any, unit: str, rows: int, lang: str) -> str:
    """What ``kctrack template`` says of a file: its unit, its rows, and the registers it has a sheet for."""
    names = ("、" if lang == "zh" else ", ").join(r.name.get(lang) for r in plan.registers_of(unit))
    registers = tr("tpl_written_registers", lang, names=names) if names else ""
    return tr("tpl_written", lang, path=path, unit=plan.unit_name(unit, lang), rows=rows, registers=registers)


def import_json(r: Any, lang: str) -> dict[str, Any]:
    """The stable JSON of ``kctrack import --format json`` (English keys; unit names in ``lang``)."""
    plan = r.plan
    counts = r.counts()

    def problem(p: Any) -> dict[str, Any]:
        return {
            "where": p.error.where or p.where,
            "value": None if p.value is None else str(p.value),
            "message": p.error.message(lang),
        }

    return {
        "dry_run": r.dry_run,
        "strict": r.strict,
        "files": r.files,
        "returns": r.returns,
        "nil_returns": r.nil,
        "run": r.run,
        "batches": r.batches,
        "counts": {k: counts[k] for k in ("new", "changed", "unchanged", "removed")} | {"rejected": r.rejected},
        "changes": [
            {
                "code": c.code,
                "unit": plan.unit_name(c.unit, lang),
                "month": c.month,
                "old": _whole(c.old),
                "new": _whole(c.new),
                "change": c.kind,
                "source": c.where,
            }
            for c in r.changes
        ],
        "skipped": [{"file": f, "unit": plan.unit_name(u, lang), "month": m, "batch": b} for f, u, m, b in r.skipped],
        "errors": [problem(p) for p in r.problems],
        "warnings": [problem(p) for p in r.warnings],
        "lists": r.lists,  # registers' lists written (one unit × month × register each)
        "list_entries": r.entries,
        "notes": [problem(p) for p in r.notes],  # worth knowing, never a refusal (an entry another unit lists)
    }


def _whole(x: float | None) -> float | int | None:
    """A figure for JSON exactly as stored (integral ones as integers)."""
    return int(x) if x is not None and x.is_integer() else x


def import_flat(r: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """An import's changes (what ``--dry-run`` shows in its table) as rows for CSV and Markdown, in ``lang``."""
    head = header(("h_code", "h_unit", "h_month", "h_old", "h_new", "h_change", "h_source"), lang)
    rows = [
        [
            c.code,
            r.plan.unit_name(c.unit, lang),
            c.month,
            _whole(c.old),
            _whole(c.new),
            tr("change_" + c.kind, lang),
            c.where,
        ]
        for c in r.changes
    ]
    return head, rows


def _error_copy_lines(r: Any, lang: str) -> list[str]:
    """What ``--errors-out`` wrote, a line per faulty workbook: its marked copy, or why it has none."""
    copies = r.error_copies
    if copies is None:
        return []
    lines = [tr("imp_error_copy", lang, source=source, copy=copy) for source, copy in copies.written]
    for source, reason in copies.unmarked:
        key = "imp_error_copy_failed" if reason else "imp_error_copy_format"
        lines.append(tr(key, lang, source=source, reason=reason))
    return lines


def import_summary(r: Any, lang: str) -> list[str]:
    """What an import says on stderr: skipped returns, the counts, warnings, then problems or what was written.

    A warning or a problem is one line, ``file!sheet!cell: value → reason``, its place and value shown as
    :func:`kctrack.words.printable` shows them (a cell's newline too: one problem, one line).
    """
    plan = r.plan
    lines = [
        tr("imp_skipped", lang, file=f, unit=plan.unit_name(u, lang), month=m, batch=b) for f, u, m, b in r.skipped
    ]
    counts = r.counts()
    summary = tr(
        "imp_summary",
        lang,
        files=r.files,
        returns=r.returns,
        **{k: counts[k] for k in ("new", "changed", "unchanged", "removed")},
        rejected=r.rejected,
    )
    if r.nil:
        summary += tr("imp_nil", lang, count=r.nil)
    lines.append(summary)
    if r.lists:
        lines.append(tr("imp_lists", lang, lists=r.lists, entries=r.entries))
    if r.notes:
        lines.append(tr("imp_notes", lang, count=len(r.notes)))
        lines += [printable(p.line(lang)) for p in r.notes]
    if r.warnings:
        lines.append(tr("imp_warnings", lang, count=len(r.warnings)))
        lines += [printable(p.line(lang)) for p in r.warnings]
    if r.problems:
        lines.append(tr("imp_nothing_written", lang))
        lines += [printable(p.line(lang)) for p in r.problems]
        lines += _error_copy_lines(r, lang)
    elif r.dry_run:
        lines.append(tr("imp_dry", lang))
    elif r.batches:
        ids = r.batches
        count = f"（{len(ids)}）" if lang == "zh" else f" ({len(ids)})"
        shown = id_list(ids, lang) if len(ids) <= 5 else f"{ids[0]}–{ids[-1]}{count}"
        lines.append(tr("imp_done", lang, batches=shown))
        lines.append(tr("imp_run", lang, run=r.run))
    return lines


# -- registers (issue 14) -----------------------------------------------------------------------
#
# `register list`: the table lays a register out for the width it has, the unit, the month listed
# and the required fields first; the optional fields go, the last first, when they do not fit
# (a line under the table names them: csv, json and md list every field), and the source cell
# goes under its row when its column would be too narrow.  Personal data (an expert's name) is
# left out of every format unless --with-names.

CELLS_SHOWN = 3  # a finding's cells the table names (it counts the rest); csv, md and json list them all
CELLS_MIN = 40  # narrower than this, a finding's cells go on a line of their own under its row


def register_list_json(r: Any, lang: str) -> dict[str, Any]:
    """The stable JSON of ``kctrack register list --format json``::

        {"as_of": "2020-09", "register": "SERVICE_TEAM_ROSTER", "name": "科技服务队名册",
         "unit": null,
         "fields": [{"code": "team", "heading": "服务队名称", "type": "text"}, ...],
         "entries": [{"unit": "society_centre", "month": "2020-06",
                      "values": {"team": "...", "society": null, ...},
                      "source": "teams.xlsx!科技服务队名册!A5"}, ...],
         "count": 12,
         "personal_left_out": ["expert"]}

    Codes stay codes: the register's, the fields', the units' (``unit``, the ``--unit`` asked or null,
    and the value of a ``unit`` field); ``name`` and ``heading`` are in ``--lang``.  ``fields``: those
    shown, in the plan's order; ``values`` holds each of them, null when blank, as stored (an integer
    for an ``integer`` field, ``YYYY-MM``, ``YYYY-MM-DD``, the credit code compact).  ``month``: the
    month of the list that gave the entry; ``source``: ``file!sheet!cell`` of the row's first cell.
    ``personal_left_out``: the personal-data fields left out (``[]`` with ``--with-names``).
    """
    reg = r.register
    return {
        "as_of": r.as_of,
        "register": reg.code,
        "name": reg.name.get(lang),
        "unit": r.unit,
        "fields": [{"code": c, "heading": reg.field(c).heading.get(lang), "type": reg.field(c).type} for c in r.fields],
        "entries": [
            {"unit": e.unit, "month": e.month, "values": {c: e.values.get(c) for c in r.fields}, "source": e.where()}
            for e in r.entries
        ],
        "count": len(r.entries),
        "personal_left_out": list(r.left_out),
    }


def register_list_flat(r: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The entries for CSV and Markdown: unit (by name), month listed, every field shown under its heading in
    ``lang`` (a unit field by name), source cell."""
    reg, plan = r.register, r.plan
    headings = [reg.field(c).heading.get(lang) for c in r.fields]
    head = [*header(("h_unit", "rg_h_listed"), lang), *headings, *header(("h_source",), lang)]
    rows = [
        [
            plan.unit_name(e.unit, lang),
            e.month,
            *(_flat_value(plan, reg, c, e.values.get(c), lang) for c in r.fields),
            e.where(),
        ]
        for e in r.entries
    ]
    return head, rows


def _flat_value(plan: Plan, reg: Any, code: str, value: Any, lang: str) -> Any:
    """A value for CSV and Markdown: a figure as a number, anything else as :func:`kctrack.registers.value_text`."""
    from kctrack.registers import value_text

    return value if reg.field(code).type == "integer" else value_text(plan, reg, code, value, lang)


def register_list_table(console: Console, r: Any, lang: str) -> None:
    """The entries in force under a heading per list they came from (unit, month, ``file!sheet``), a row
    each: the row's first cell (A5), then the fields.  Below: the fields the width left out, what "in
    force" means, the personal data left out."""
    from kctrack.registers import value_text

    reg, plan = r.register, r.plan
    params = {"name": reg.name.get(lang), "code": reg.code, "as_of": r.as_of, "n": len(r.entries)}
    if r.unit:
        title = tr("rg_list_title_unit", lang, unit=plan.unit_name(r.unit, lang), **params)
    else:
        title = tr("rg_list_title", lang, **params)
    _heading(console, Text(title, style="bold"))
    notes = []
    if r.entries:
        # an optional field blank in every row is no column (nothing is hidden: csv, json and md have it)
        fields = [reg.field(c) for c in r.fields if _has_values(reg.field(c), r.entries)]
        optional = [f.code for f in fields if not f.required]
        cols = [
            Col(tr("rg_h_cell", lang)),
            *(_field_col(f, lang, 0 if f.required else optional.index(f.code) + 1) for f in fields),
        ]
        groups: dict[tuple[str, str, str], list[list[Cell]]] = {}
        for e in r.entries:
            cell = e.where()[len(e.source) + 1 :] if e.source else e.where()
            values = [value_text(plan, reg, f.code, e.values.get(f.code), lang) for f in fields]
            groups.setdefault((e.unit, e.month, e.source), []).append([cell, *values])
        layout = Layout(cols, [row for rows in groups.values() for row in rows], console.width)
        layout.print(console)
        for (unit, month, source), rows in groups.items():
            group = tr("rg_list_group", lang, unit=plan.unit_name(unit, lang), month=month, source=source)
            _heading(console, Text(group, style="italic"))
            layout.print(console, rows, header=False)
        gone = [f.heading.get(lang) for k, f in enumerate(fields, start=1) if not layout.has(k)]
        if gone:
            notes.append(tr("rg_columns_left_out", lang, fields=_SEP[lang].join(gone)))
        if not r.unit:
            notes.append(tr("rg_list_legend", lang))
    else:
        console.print(tr("rg_list_none", lang, as_of=r.as_of))
    if r.left_out:
        notes.append(personal_left_out(r, lang))
    for note in notes:
        _heading(console, Text(note, style="dim"))


def _has_values(f: Any, entries: Sequence[Any]) -> bool:
    """Whether a field is a column of the table: a required one always, an optional one when some row fills it."""
    return bool(f.required or any(e.values.get(f.code) not in (None, "") for e in entries))


def _field_col(f: Any, lang: str, drop: int) -> Col:
    """A register field's column (``drop``: 0 for one always shown): free text and unit names wrap (a required
    text, the entry's name, is given more room); a credit code keeps its 18 characters whole, only its heading
    may wrap above it; a figure, a month, a date or a choice keeps its width."""
    from kctrack.registers import USCC_LENGTH

    heading = f.heading.get(lang)
    if f.type == "text":
        return Col(heading, wrap=True, min_width=16 if f.required else 10, drop=drop)
    if f.type == "unit":
        return Col(heading, wrap=True, min_width=6, drop=drop)
    if f.type == "uscc":
        return Col(heading, wrap=True, min_width=USCC_LENGTH, keep=USCC_LENGTH, drop=drop)
    return Col(heading, "right" if f.type == "integer" else "left", drop=drop)


def personal_left_out(r: Any, lang: str) -> str:
    """The line saying which personal-data fields were left out and how to show them."""
    reg = r.register
    return tr("rg_personal_left_out", lang, fields=_SEP[lang].join(reg.field(c).heading.get(lang) for c in r.left_out))


def register_check_json(r: Any, lang: str) -> dict[str, Any]:
    """The stable JSON of ``kctrack register check --format json``::

        {"as_of": "2020-09", "violations": 2, "notices": 2,
         "findings": [{"register": "SERVICE_TEAM_ROSTER", "registers": ["SERVICE_TEAM_ROSTER"],
                       "kind": "group_size", "violation": true,
                       "message": "“甲队” 有 6 人，应为 7 至 10 人",
                       "rule": "每队由7至10名相关联专家组成",
                       "units": ["society_centre"],
                       "cells": ["teams.xlsx!科技服务队名册!A5", ...]}, ...]}

    ``violations``: the findings that break a rule (the command exits 1 when there is one); ``notices``:
    the rules that cannot be checked yet (``violation`` false).  ``register``: the register the finding
    belongs to; ``registers``: every register its entries come from (a credit code with two names may be
    in two).  ``kind``: the rule's kind (``group_size``, ``quota``, ``one_group_per_member``,
    ``one_name_per_code``); ``message`` in ``--lang``; ``rule``: the document's words; ``units``: unit
    codes; ``cells``: ``file!sheet!cell`` of the first cell of every row concerned.
    """
    return {
        "as_of": r.as_of,
        "violations": r.violations,
        "notices": r.notices,
        "findings": [
            {
                "register": f.register,
                "registers": [reg.code for reg in r.registers_of(f)],
                "kind": f.kind,
                "violation": f.violation,
                "message": tr(f.key, lang, **f.params),
                "rule": f.rule,
                "units": f.units,
                "cells": [e.where() for e in f.entries],
            }
            for f in r.findings
        ],
    }


def register_check_flat(r: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The findings for CSV and Markdown, in ``lang``: registers, rule, kind, finding, units (by name), every cell."""
    sep = _SEP[lang]
    head = header(("rg_h_register", "rg_h_rule", "rg_h_kind", "rg_h_finding", "rg_h_units", "rg_h_cells"), lang)
    rows = [
        [
            sep.join(reg.name.get(lang) for reg in r.registers_of(f)),
            f.rule,
            tr("rg_violation" if f.violation else "rg_notice", lang),
            tr(f.key, lang, **f.params),
            unit_names(r.plan, f.units, lang),
            sep.join(e.where() for e in f.entries),
        ]
        for f in r.findings
    ]
    return head, rows


def register_check_table(console: Console, r: Any, lang: str) -> None:
    """The findings under a heading per register and rule (the document's words), a row each: violation or
    notice, the message, the units, the first :data:`CELLS_SHOWN` cells and how many in all (under the row
    when the column is narrow).  Last, one line: the counts, or that nothing breaks a rule."""
    _heading(console, Text(tr("rg_check_title", lang, as_of=r.as_of), style="bold"))
    sep = _SEP[lang]
    kinds = [
        Text(f"{STATE_SYMBOL['off_track']} {tr('rg_violation', lang)}", style=STATE_STYLE["off_track"]),
        Text(f"{STATE_SYMBOL['pending']} {tr('rg_notice', lang)}", style=STATE_STYLE["pending"]),
    ]
    groups: dict[tuple[str, str], list[list[Cell]]] = {}
    for f in r.findings:
        names = sep.join(reg.name.get(lang) for reg in r.registers_of(f))
        row: list[Cell] = [
            kinds[0] if f.violation else kinds[1],
            tr(f.key, lang, **f.params),
            unit_names(r.plan, f.units, lang),
            _some_cells(f.entries, lang),
        ]
        groups.setdefault((names, f.rule), []).append(row)
    if groups:
        widest = max(k.cell_len for k in kinds)
        cols = [
            Col(tr("rg_h_kind", lang), wrap=True, min_width=widest, keep=widest),
            Col(tr("rg_h_finding", lang), wrap=True, min_width=NAME_MIN),
            Col(tr("rg_h_units", lang), wrap=True, min_width=12),
            Col(tr("rg_h_cells", lang), wrap=True, min_width=CELLS_MIN, text=True, under=True),
        ]
        # units and cells only when some finding has them (a rule that cannot be checked yet has neither)
        every = [row for rows in groups.values() for row in rows]
        shown = [i for i in range(len(cols)) if i < 2 or any(row[i] for row in every)]
        cols = [cols[i] for i in shown]
        groups = {k: [[row[i] for i in shown] for row in rows] for k, rows in groups.items()}
        layout = Layout(cols, [row for rows in groups.values() for row in rows], console.width)
        layout.print(console)
        for n, ((names, rule), rows) in enumerate(groups.items()):
            if n:
                console.print()
            _heading(console, Text(tr("rg_check_rule", lang, registers=names, rule=rule), style="italic"))
            layout.print(console, rows, header=False)
        console.print()
    _heading(console, Text(register_check_summary(r, lang), style="bold red" if r.violations else "green"))
    if r.hidden:
        _heading(console, Text(tr("rg_names_hidden", lang, n=r.hidden), style="dim"))


def _some_cells(entries: Sequence[Any], lang: str) -> str:
    """The first :data:`CELLS_SHOWN` cells of a finding's rows, each file and sheet named once
    (``a.xlsx!名册!A5、A6、A7``), and how many in all when there are more."""
    sep = _SEP[lang]
    by_source: dict[str, list[str]] = {}
    for e in entries[:CELLS_SHOWN]:
        where = e.where()
        source, cell = (e.source, where[len(e.source) + 1 :]) if e.source else ("", where)
        by_source.setdefault(source, []).append(cell)
    shown = "；" if lang == "zh" else "; "
    text = shown.join((f"{s}!" if s else "") + sep.join(cs) for s, cs in by_source.items())
    if len(entries) > CELLS_SHOWN:
        return tr("rg_cells_more", lang, cells=text, n=len(entries), more=len(entries) - CELLS_SHOWN)
    return text


def register_check_summary(r: Any, lang: str) -> str:
    """One line: how many rules are broken and how many cannot be checked yet, or that none is broken."""
    if r.violations:
        return tr("rg_check_counts", lang, as_of=r.as_of, violations=r.violations, notices=r.notices)
    return tr("rg_check_clean", lang, as_of=r.as_of, notices=r.notices)
