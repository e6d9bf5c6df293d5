"""What people read, without rich: figures, state words, and the CSV and Markdown of every view.

Shared by the terminal views (:mod:`kctrack.render`, which adds the symbols and colours) and the
year-end export (:mod:`kctrack.export`), so that a figure, a state or a header reads the same in
``status`` (table, csv, md) and in the workbook.  CSV and Markdown are for people and follow
``--lang``; the JSON is the machine's contract (English keys, state codes).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kctrack.i18n import tr

# A province's 13 districted cities: a list of units longer than that is abbreviated (the first three and a
# count), and the table of `status --by unit` lists at most that many units per target by default (a
# national plan has 320 cities: 60 targets × 320 units is 16,000 lines, 17 s to lay out).
SHOW_UNITS = 13

# -- what a terminal would act on rather than show -------------------------------------------------
#
# A cell of a return, a file or sheet name, a note or a plan's name can hold characters a terminal
# obeys instead of printing: ESC starts a sequence that clears the screen, sets the window title or
# colours (ESC [2J, ESC ]0;…BEL), a carriage return goes back over the line, and the Unicode
# bidirectional overrides and isolates reorder what follows ("Trojan Source", CVE-2021-42574).
# Whatever kctrack prints shows them as escapes instead (:func:`printable`).

# C0 controls, DEL, C1 controls (U+009B is a CSI of its own), the bidirectional embeddings, overrides
# and isolates, and the line and paragraph separators (U+2028, U+2029: a line break to anything that
# splits lines as Unicode says, Python's ``str.splitlines`` among them).
UNPRINTABLE_RANGES = ((0x00, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029), (0x202A, 0x202E), (0x2066, 0x2069))
UNPRINTABLE = "".join(chr(c) for lo, hi in UNPRINTABLE_RANGES for c in range(lo, hi + 1))
C0 = UNPRINTABLE[:0x20]  # U+0000–U+001F
_NAMED_ESCAPES = {"\t": r"\t", "\n": r"\n", "\r": r"\r"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    named = _NAMED_ESCAPES.get(c)
    if named is not None:
        return named
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


@functools.cache
def unprintable_re(keep: str = "") -> re.Pattern[str]:
    """A pattern matching one of the characters :func:`printable` escapes (:data:`UNPRINTABLE`), but for
    those of ``keep``."""
    return re.compile("[" + re.escape("".join(c for c in UNPRINTABLE if c not in keep)) + "]")


def printable(text: str, keep: str = "") -> str:
    r"""``text`` as it may reach a terminal, or a file read by people: every character a terminal would
    act on rather than show is written as a visible escape, the way Python writes it in a string.

    Escaped: the C0 controls (U+0000–U+001F), DEL (U+007F), the C1 controls (U+0080–U+009F), the
    bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the line and
    paragraph separators (U+2028, U+2029).  A tab, a newline and a carriage return become ``\t``,
    ``\n``, ``\r``; another one below U+0100 ``\xNN``; the rest ``\uNNNN`` (lower-case hex), so
    ``12<ESC>]0;pwned<BEL>`` reads ``12\x1b]0;pwned\x07`` and a message stays on one line.

    ``keep``: characters to leave as they are where the output has a use for them (CSV keeps a
    newline and a tab inside a quoted field: ``keep="\n\t"``).

    Everything else stays, a backslash too: the result is for reading, not for parsing back (the
    JSON carries the exact text), and escaping twice changes nothing (``printable(printable(s)) ==
    printable(s)``), so a line built from escaped parts may be escaped again.  Normal text comes
    back as it is, at the cost of one ``str.isprintable``.
    """
    if text.isprintable():  # none of the characters above is printable: the usual case ends here
        return text
    return unprintable_re(keep).sub(_escape, text)


def fmt(x: float | None) -> str:
    """A figure for people: thousands separators, decimals only where there are some ("" for None)."""
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.1f}"


# The year-end workbook's number formats (kctrack.export): a figure to two decimals at most, with thousands
# separators, and a percent to one decimal.  The report's text and table write a figure through the
# functions below, which show it as the workbook shows it (Excel rounds half away from zero).
WORKBOOK_FIGURE = "#,##0.##"
WORKBOOK_WHOLE = "#,##0"  # a whole figure: Excel shows 500 as "500." under WORKBOOK_FIGURE
WORKBOOK_PERCENT = '0.0"%"'
WAN_FROM = 100_000  # from 十万 on, a figure in the text reads in 万 (专利信息推送约113.4万条)


def _half_up(x: float, places: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def workbook_format(x: float, percent: bool = False) -> str:
    """The number format the workbook gives a figure, so that it shows what :func:`figure_text` (or
    :func:`percent_text`) writes: a whole figure without decimals, others to two at most."""
    if percent:
        return WORKBOOK_PERCENT
    shown = _half_up(x, 2)  # what figure_text shows: 5.001 is 5, which #,##0.## would show as "5."
    return WORKBOOK_WHOLE if shown == shown.to_integral_value() else WORKBOOK_FIGURE


def figure_text(x: float) -> str:
    """A figure as the workbook shows it (:data:`WORKBOOK_FIGURE`): ``33``, ``1,000``, ``1,134,400``,
    ``333.33``; rounded half up to two decimals, trailing zeros dropped."""
    d = _half_up(x, 2)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,.2f}".rstrip("0").rstrip(".")


def percent_text(pct: float) -> str:
    """A percent as the workbook shows it (:data:`WORKBOOK_PERCENT`): ``110.0%``.  The workbook stores it to
    four decimals (:data:`PERCENT_PLACES`) and shows one, half up: so is it rounded here, in that order."""
    return f"{_half_up(round(pct, PERCENT_PLACES), 1)}%"


PERCENT_PLACES = 4  # a percent as the workbook's cell holds it (kctrack.export)


def figure_words(x: float, lang: str) -> str:
    """A figure in a sentence, the Chinese way: from :data:`WAN_FROM` on in 万 to one decimal, said to be
    about (约) when that rounds (``约113.4万`` for 1,134,400; ``150万`` for 1,500,000); below it as the
    workbook shows it (``1,000``).  English writes ``1,134,400`` whole."""
    if lang != "zh" or abs(x) < WAN_FROM:
        return figure_text(x)
    wan = _half_up(x / 10_000, 1)
    exact = Decimal(repr(x)) == wan * 10_000
    text = f"{wan:f}".rstrip("0").rstrip(".")
    return ("" if exact else "约") + text + "万"


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


CSV_KEEP = "\n\t"  # legitimate inside a quoted CSV field: a note typed on two lines stays so in a spreadsheet


def _csv_cell(value: Any) -> Any:
    """A CSV cell: text with its control characters escaped (:func:`printable`, but for a newline and a
    tab), then made safe from formulas (:func:`safe_cell`)."""
    if isinstance(value, str):
        return safe_cell(printable(value, CSV_KEEP))
    return value


def to_csv(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    r"""CSV whose cells can never run as formulas in a spreadsheet nor act on a terminal (no byte-order
    mark: the caller adds it where the CSV goes to a file).

    A newline or a tab inside a cell stays (the csv module quotes the field: legitimate CSV, and a note
    typed on two lines reads so in a spreadsheet); every other control character, a carriage return
    included (it would go back over the line on a terminal), is escaped by :func:`printable`:
    ``\x1b``, ``\r``, ``\u202e``.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([_csv_cell(c) for c in head])
    for row in rows:
        w.writerow([_csv_cell(c) for c in row])
    return out.getvalue()


MD_KEEP = "\n\t"  # to_markdown makes a newline a space itself; a tab is white space to Markdown


def to_markdown(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    r"""A Markdown table: figures as :func:`fmt` writes them, ``|`` escaped, a cell on one line.

    A newline inside a cell becomes a space (a line break would end the table's row); a tab stays;
    every other control character, a carriage return included, is escaped by :func:`printable`:
    ``\x1b``, ``\r``, ``\u202e``.
    """

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float | int) and not isinstance(v, bool):
            return fmt(v)
        return printable(str(v), MD_KEEP).replace("\n", " ").replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
