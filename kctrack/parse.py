"""The one parser for figures, months and milestone words, shared by the command line and spreadsheet cells.

Pure: no typer, no rich, no I/O. The errors raised are :class:`kctrack.errors.DataError` with a
``num_*`` key and ``value=`` the text as typed, but *without* ``where``: the caller knows the place
(a cell such as ``汇总!D5``, or the ``VALUE`` argument) and adds it.

Libraries
---------
* Thousands separators are checked with a small regex, not ``babel.numbers.parse_decimal(strict=True)``.
  Babel's strict mode only checks a string that already contains a group separator (it formats the
  parsed number and compares), refuses ``+1,234``, and underneath hands the text to ``decimal.Decimal``,
  which also takes ``1e5``, ``NaN``, ``Infinity`` and ``1_000`` - so a regex for the shape of the text
  is needed anyway, and it says "groups of three after the first" in one line. Babel would also add a
  dependency and ~120 ms to load its CLDR locale data on first use.
* Chinese numerals in a figure (``十二``, ``三个``, ``一百二十``, ``两千``) are read with cn2an in its
  ``strict`` mode. Importing cn2an costs about 0.5 s (it builds its regexes and a traditional/simplified
  table at import), so it is imported lazily, only when the text holds a Chinese digit. Its ``normal``
  and ``smart`` modes are not used: they read ``一二三`` digit by digit as 123 and ``二百五`` as 250, which
  a count should not guess. Anything cn2an cannot read, or fails on in any way, is refused.
* Month names (``七月``, ``十二月``, ``二〇二〇年``) are a closed set and read with a small table, not cn2an:
  a year read digit by digit is not a number cn2an's strict mode accepts, and a month cell should not
  pay the import.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
import warnings
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Any

from kctrack.errors import DataError

# -- limits -------------------------------------------------------------------------------------

MAX_FIGURE: float = 1e12
# The longest note or reason a person gives (a return's 备注, record --note, any --reason): a sentence
# or a paragraph, as the form says (备注（500 字以内）); far below a workbook cell's 32,767 characters.
NOTE_MAX_CHARS = 500
# A figure above this many times the whole target is refused as a typing or magnitude error (0.15亿
# teams against a target of 200); one merely above a unit's quota is a warning (kctrack.service).
IMPLAUSIBLE_FACTOR = 100
"""The largest figure accepted (一万亿), in the target's own unit of measure.

Far above anything this tracker counts (quotas run to hundreds; even an amount in yuan for a whole
province stays below it) and below 2**53 ≈ 9.0e15, so every whole figure up to it is exact in a float.
A larger figure is a typo: an ID or phone number in the wrong cell, a date pasted as a number, an extra 万.
"""

MAX_NUMBER_TEXT = 400
"""The longest text read as a figure: room for :func:`exact` of any float (the smallest subnormal,
5e-324, is 326 characters written out), short enough that nothing pasted into a cell is worth parsing."""

MAX_MONTH_TEXT = 40
"""The longest text read as a month: ``2020-07-15 00:00:00.000000`` is 26 characters."""

# -- words --------------------------------------------------------------------------------------

FORMULA_ERRORS: frozenset[str] = frozenset(
    {
        # Excel and WPS error values, as a cell shows them (compared upper-cased after NFKC)
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#PYTHON!",
        "#EXTERNAL!",
    }
)

DONE_WORDS: frozenset[str] = frozenset(
    {"done", "完成", "已完成", "是", "yes", "√", "✓", "✔", "✅", "☑", "1"}
)  # compared after NFKC, strip and casefold
NOT_DONE_WORDS: frozenset[str] = frozenset({"否", "no", "未完成", "0", "×", "✗", "✘"})

# trailing counting words (量词) allowed after any figure, whatever the target's unit of measure
COUNTING_WORDS: frozenset[str] = frozenset(
    "个 项 家 人 名 支 场 次 条 期 所 座 件 位 篇 份 批 届 户 处 套 台 人次 个次 场次 家次 项次".split()
)

MAGNITUDES: dict[str, int] = {
    # a magnitude word after a figure scales it by 10**n: 0.15亿 is 15000000
    "百": 2,
    "千": 3,
    "万": 4,
    "十万": 5,
    "百万": 6,
    "千万": 7,
    "亿": 8,
    "十亿": 9,
    "百亿": 10,
    "千亿": 11,
    "万亿": 12,
}
_MAGNITUDE_RE = "|".join(sorted(MAGNITUDES, key=len, reverse=True))

_PERCENT_SIGNS = ("%", "‰")

# -- helpers ------------------------------------------------------------------------------------


def _norm(value: Any) -> str:
    """NFKC (full-width digits, ，, ％ become ASCII), trimmed, with the Unicode minus as ``-``."""
    return unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")


def _shown(value: Any) -> str:
    """The value as the user typed it, for a message."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return exact(value)
    return "" if value is None else str(value)


def exact(x: float) -> str:
    """A figure exactly as stored, as plain decimal text: the shortest text that reads back as ``x``.

    ``0.85`` -> ``"0.85"``, ``15000000.0`` -> ``"15000000"``, ``3.0`` -> ``"3"``, ``1e-05`` -> ``"0.00001"``,
    ``1e16`` -> ``"10000000000000000"``, ``-2.5`` -> ``"-2.5"``, ``-0.0`` -> ``"0"``. Never rounds (it is
    Python's shortest round-tripping ``repr``), never uses exponent notation, never has a trailing
    ``.0``. ``float(exact(x)) == x`` and ``parse_number(exact(x)) == x`` for every figure in range.

    NaN and infinity, which are never stored but may stand in a refused cell, are shown as ``nan``,
    ``inf`` and ``-inf`` (a message about them must never fail).
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    text = format(Decimal(repr(x)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def is_formula_error(value: Any) -> bool:
    """Whether a cell shows a formula error such as ``#REF!``, ``#N/A``, ``#DIV/0!`` (see FORMULA_ERRORS).

    Text only, compared after NFKC (so ``＃ＲＥＦ！`` counts) and upper-casing; anything else is False.
    """
    return isinstance(value, str) and _norm(value).upper() in FORMULA_ERRORS


# -- numbers ------------------------------------------------------------------------------------

_ARABIC = re.compile(
    rf"""
    (?P<sign>[+-]?)\s*
    (?P<int>\d[\d,]*)                      # digits, commas checked afterwards
    (?P<dot>\.(?P<frac>[\d,]*))?
    \s*(?P<mag>{_MAGNITUDE_RE})?
    \s*(?P<suffix>\D*)
    """,
    re.VERBOSE | re.ASCII,  # \d is 0-9 only: NFKC has made full-width digits ASCII, other scripts are refused
)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+", re.ASCII)
_CN_DIGITS = "〇零一二两兩三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_HAS_NUMERAL = re.compile(f"[{_CN_DIGITS}十拾廿]")
_CN_NUMBER = re.compile(rf"(?P<neg>负)?(?P<num>[{_CN_DIGITS}十拾廿百佰千仟万亿点]+)\s*(?P<suffix>.*)")
_CN_DECIMAL = re.compile(rf"(?P<int>.*?)点(?P<frac>[〇零一二三四五六七八九]+)(?P<mag>{_MAGNITUDE_RE})?")
_CN_DIGIT_VALUE = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "○": "0"}
_WIDE = Context(prec=2 * MAX_NUMBER_TEXT)  # scaling by a magnitude word is exact, never rounded to 28 digits


def parse_number(value: Any, *, whole: bool = False, uom: str | None = None) -> float:
    """A figure ≥ 0 from a number or from text as people type it, as a float in the target's unit.

    ``uom`` is the target's unit of measure (``个``, ``家``, ``人``, ``%`` …): it may follow the figure.
    ``whole`` is for counts (teams, firms, people, sessions, problems): the figure must be a whole number.

    Accepted (examples -> result):

    * int or float (not bool), finite, 0 ≤ x ≤ MAX_FIGURE: ``12`` -> 12.0, ``2.5`` -> 2.5
    * text, after NFKC (full-width digits ``１２``, full-width comma ``，`` and ``％``) and trimming:
      ``12``, ``12.5``, ``+3``, ``１２``; thousands separators in groups of three only: ``1,234``,
      ``1,234,567.5``, ``1，000``
    * a magnitude word, which scales exactly (decimal arithmetic): 百 ×1e2, 千 ×1e3, 万 ×1e4, 十万, 百万,
      千万, 亿 ×1e8, 十亿, 百亿, 千亿, 万亿 ×1e12: ``0.15亿`` -> 15000000.0, ``113.4万`` -> 1134000.0
    * a trailing unit: ``uom`` itself, or a counting word from COUNTING_WORDS (个 项 家 人 名 支 场 次 条 期 所
      座 件 位 人次 个次 …): ``12项`` -> 12.0, ``150万条`` -> 1500000.0, ``1,100人`` -> 1100.0; ``uom`` is taken
      off first, so with ``uom="万元"``, ``15万元`` is 15.0
    * a percentage only when ``uom`` is ``%``: ``85%`` -> 85.0
    * Chinese numerals, read by cn2an (strict): ``十二`` -> 12.0, ``三个`` -> 3.0, ``一百二十`` -> 120.0,
      ``两千`` -> 2000.0, ``壹佰`` -> 100.0, ``十二点五`` -> 12.5, ``一点五万`` -> 15000.0

    Refused, raising DataError(key, value=<the text as typed>) without ``where``:

    * ``num_formula_error``: a formula error shown in the cell (``#REF!``, ``#N/A`` …, FORMULA_ERRORS)
    * ``num_negative``: below zero (``-3``, ``负三``)
    * ``num_not_finite``: a NaN or infinite number
    * ``num_too_large``: above MAX_FIGURE (also ``max=``), after any magnitude word: ``2万亿``
    * ``num_grouping``: a comma out of place, ``1,5``, ``12,34``, ``1,2345``, ``1,234.5,6`` - it is more likely
      a decimal comma or a typo than a separator, so it is never silently dropped
    * ``num_percent``: ``85%``, ``85％``, ``85‰`` unless ``uom`` is that sign
    * ``num_bad_suffix`` (also ``suffix=``): any other trailing word, ``3元``, ``100多``, ``5左右``
    * ``num_not_whole`` (also ``uom=`` and ``uom_en=``, the same word: a caller that knows the measure's
      English name replaces ``uom_en``): with ``whole=True``, a fraction such as ``2.5`` or ``2.5个``
    * ``num_not_number``: anything else, blank text included (blank is the caller's business), a bool,
      a date, ``1e5``, ``.5``, ``5.``, ``1 234``, ``nan``, digit-by-digit numerals (``一二三``), Chinese and
      Arabic mixed (``1百23``), text longer than MAX_NUMBER_TEXT, and anything cn2an cannot read
    """
    if isinstance(value, bool):
        raise DataError("num_not_number", value=str(value))
    if isinstance(value, numbers.Real):
        return _checked_number(value, whole, uom)
    if not isinstance(value, str):
        raise DataError("num_not_number", value=_shown(value))
    text = _norm(value)
    if len(text) > MAX_NUMBER_TEXT:
        raise DataError("num_not_number", value=value)
    if text.upper() in FORMULA_ERRORS:
        raise DataError("num_formula_error", value=value)
    unit = _norm(uom) if uom else ""
    if unit and text.endswith(unit) and len(text) > len(unit):
        text = text[: -len(unit)].rstrip()
    match = _ARABIC.fullmatch(text)
    if match:
        figure = _arabic(match, value)
        suffix = match["suffix"]
    else:
        cn = _CN_NUMBER.fullmatch(text) if _CN_HAS_NUMERAL.search(text) else None
        if cn is None:
            raise DataError("num_not_number", value=value)
        figure = _chinese(cn["num"], value)
        if cn["neg"] and figure:
            raise DataError("num_negative", value=value)
        suffix = cn["suffix"]
    _check_suffix(suffix.strip(), unit, value)
    return _checked_figure(figure, whole, uom, value)


def _arabic(match: re.Match[str], value: str) -> Decimal:
    """The figure of a text matched by _ARABIC, separators checked, magnitude applied."""
    int_part, frac = match["int"], match["frac"]
    if ("," in int_part and not _GROUPED.fullmatch(int_part)) or (frac and "," in frac):
        raise DataError("num_grouping", value=value)
    if match["dot"] and not frac:
        raise DataError("num_not_number", value=value)  # ``5.``: looks cut short
    figure = Decimal(f"{int_part.replace(',', '')}.{frac or '0'}")
    if match["sign"] == "-" and figure:
        raise DataError("num_negative", value=value)
    return figure.scaleb(MAGNITUDES[match["mag"]], _WIDE) if match["mag"] else figure


def _chinese(numeral: str, value: str) -> Decimal:
    """A Chinese numeral read by cn2an (strict), with 两 for 二 and 〇 for 零, and ``X点YZ万`` scaled."""
    numeral = numeral.replace("两", "二").replace("兩", "二").replace("〇", "零")
    try:
        decimal = _CN_DECIMAL.fullmatch(numeral)
        if decimal:
            whole = _cn2an(decimal["int"]) if decimal["int"] else None
            if whole is None:
                raise ValueError("no whole part")  # 点五
            frac = "".join(_CN_DIGIT_VALUE[c] for c in decimal["frac"])
            figure = Decimal(f"{whole}.{frac}")
            return figure.scaleb(MAGNITUDES[decimal["mag"]], _WIDE) if decimal["mag"] else figure
        return Decimal(_cn2an(numeral))
    except Exception:  # cn2an raises ValueError for what it cannot read; refuse whatever else it does too
        raise DataError("num_not_number", value=value) from None


def _cn2an(numeral: str) -> int:
    """A whole Chinese numeral as an int, by cn2an in strict mode (imported here: ~0.5 s)."""
    import cn2an  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cn2an.cn2an(numeral, "strict")
    if not isinstance(result, int) or isinstance(result, bool):
        raise ValueError(f"cn2an gave {result!r} for a whole numeral")
    return result


def _check_suffix(suffix: str, unit: str, value: str) -> None:
    if not suffix or suffix == unit or suffix in COUNTING_WORDS:
        return
    if suffix in _PERCENT_SIGNS:
        raise DataError("num_percent", value=value)
    raise DataError("num_bad_suffix", value=value, suffix=suffix)


def _checked_number(number: numbers.Real, whole: bool, uom: str | None) -> float:
    """A number given as a number: finite, not negative, within MAX_FIGURE."""
    shown = _shown(number)
    try:
        x = float(number)
    except OverflowError:  # an int too large for a float
        if number < 0:  # type: ignore[operator]
            raise DataError("num_negative", value=shown) from None
        raise DataError("num_too_large", value=shown, max=exact(MAX_FIGURE)) from None
    if not math.isfinite(x):
        raise DataError("num_not_finite", value=shown)
    if x < 0:
        raise DataError("num_negative", value=shown)
    if x > MAX_FIGURE:
        raise DataError("num_too_large", value=shown, max=exact(MAX_FIGURE))
    if whole and not x.is_integer():
        raise DataError("num_not_whole", value=shown, uom=uom or "—", uom_en=uom or "—")
    return x + 0.0  # -0.0 -> 0.0


def _checked_figure(figure: Decimal, whole: bool, uom: str | None, value: str) -> float:
    """A figure read from text: within MAX_FIGURE (compared exactly, before rounding to a float)."""
    if figure > Decimal(MAX_FIGURE):
        raise DataError("num_too_large", value=value, max=exact(MAX_FIGURE))
    if whole and figure != figure.to_integral_value():
        raise DataError("num_not_whole", value=value, uom=uom or "—", uom_en=uom or "—")
    return float(figure) + 0.0


# -- milestones ---------------------------------------------------------------------------------


def parse_done(value: Any) -> bool | None:
    """Whether a milestone cell or argument says done.

    True for a word of DONE_WORDS (done, 完成, 已完成, 是, yes, √, ✓, ✔, ✅, ☑, 1), the number 1 or Excel TRUE;
    False for an explicit no: a word of NOT_DONE_WORDS (否, no, 未完成, 0, ×, ✗, ✘), the number 0 or FALSE;
    None for anything else (blank included), which the caller reports. Text is compared after NFKC,
    trimming and casefolding (``DONE``, ``Yes``, full-width ``１`` all count).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        return True if value == 1 else False if value == 0 else None
    if not isinstance(value, str):
        return None
    text = _norm(value).casefold()
    if text in DONE_WORDS:
        return True
    if text in NOT_DONE_WORDS:
        return False
    return None


# -- months -------------------------------------------------------------------------------------

_SEP = r"\s*[-/.]\s*"
_TIME = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_MONTH_NUMERIC = re.compile(rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})(?:{_SEP}(?P<d>\d{{1,2}}){_TIME})?", re.ASCII)
_MONTH_CHINESE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*(?:月份?\s*(?:(?P<d>\d{1,2})\s*[日号]?)?)?", re.ASCII
)
_MONTH_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})", re.ASCII)
_MONTH_ONLY = re.compile(r"(?P<m>\d{1,2})\s*月份?", re.ASCII)
_MONTH_SHORT_YEAR = re.compile(r"(?P<y>\d{2})\s*年\s*(?P<m>\d{1,2})\s*月份?", re.ASCII)
_MONTH_NAME_YEAR = re.compile(r"(?P<name>[a-z]+)\.?[\s,/-]*(?P<y>\d{4})", re.ASCII)
_YEAR_MONTH_NAME = re.compile(r"(?P<y>\d{4})[\s,/-]*(?P<name>[a-z]+)\.?", re.ASCII)

_MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
_CN_DAY_OR_MONTH = re.compile(r"[一二三四五六七八九十廿卅]+(?=\s*[月日号])")
_CN_SMALL = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def _cn_small(numeral: str) -> int | None:
    """一 … 九, 十, 十一 … 十九, 二十 / 廿, 二十一 … 三十一 / 卅一; None for anything else (一二 is not 12)."""
    tens, rest = 0, numeral
    if numeral[0] in "廿卅":
        tens, rest = (2 if numeral[0] == "廿" else 3), numeral[1:]
    elif "十" in numeral:
        head, _, rest = numeral.partition("十")
        if head and head not in _CN_SMALL:
            return None
        tens = _CN_SMALL[head] if head else 1
    elif len(numeral) != 1:
        return None
    if rest and (len(rest) != 1 or rest not in _CN_SMALL):
        return None
    return tens * 10 + (_CN_SMALL[rest] if rest else 0)


def _arabic_dates(text: str) -> str:
    """``二〇二〇年七月十五日`` -> ``2020年7月15日``: Chinese year digits and month/day numerals as digits."""
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT_VALUE[c] for c in m[0]), text)

    def small(m: re.Match[str]) -> str:
        n = _cn_small(m[0])
        return m[0] if n is None else str(n)

    return _CN_DAY_OR_MONTH.sub(small, text)


def _month(y: int, m: int, d: int | None = None) -> str | None:
    if not 1 <= y <= 9999 or not 1 <= m <= 12:
        return None
    if d is not None:
        try:
            date(y, m, d)
        except ValueError:
            return None
    return f"{y:04d}-{m:02d}"


def parse_month(value: Any, year: int) -> str | None:
    """The month a cell or argument names, as ``"YYYY-MM"``; None when it is not a month.

    ``year`` is the plan's year, used when only the month is given (``7月``). Forms accepted (July 2020):

    * a datetime or date (an Excel date cell): its month
    * ``2020-07``, ``2020-7``, ``2020/7``, ``2020.07`` (as text), ``2020-07-15``, ``2020/07/15``,
      ``2020-07-15 00:00:00`` (a date that became text), ``202007``, and the number 202007
    * ``2020年7月``, ``2020年07月``, ``2020年7月份``, ``2020年7月15日``, ``2020年7``
    * ``7月``, ``7月份`` (in ``year``)
    * full-width forms (``２０２０－０７``), Chinese numerals: ``二〇二〇年七月``, ``二零二零年七月``,
      ``七月``, ``七月份``, ``十二月``, ``二〇二〇年七月十五日``
    * English: ``Jul 2020``, ``July 2020``, ``Jul. 2020``, ``July, 2020``, ``2020 July``, ``Jul-2020``,
      and ``July``/``Jul`` alone (in ``year``, like ``七月``)
    * a two-digit year: ``20年7月`` (2020)
    * a float ``2020.6`` (June) or ``2020.12`` (December)

    Refused (None): a float ``2020.1``, which may be January or October typed as 2020.10 and stored
    without its zero (the text ``"2020.1"`` keeps what was typed, and is January); a month outside
    1..12 (``2020-13``, ``13月``); a day that does not exist (``2020-02-30``); a bare number (``7``); an
    month name that is no month; digit-by-digit months (``一二月`` means January–February);
    booleans, blank text and anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            return None
        if x.is_integer():
            text = str(int(x))
        else:
            text = repr(x)
            whole, _, frac = text.partition(".")
            if len(whole) == 4 and frac == "1":
                return None  # 2020.1: January, or October typed as 2020.10?
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = _norm(text).casefold()
    if not text or len(text) > MAX_MONTH_TEXT:
        return None
    text = _arabic_dates(text)
    for pattern in (_MONTH_NUMERIC, _MONTH_CHINESE, _MONTH_COMPACT):
        match = pattern.fullmatch(text)
        if match:
            day = match.groupdict().get("d")
            return _month(int(match["y"]), int(match["m"]), int(day) if day else None)
    match = _MONTH_ONLY.fullmatch(text)
    if match:
        return _month(year, int(match["m"]))
    for pattern in (_MONTH_NAME_YEAR, _YEAR_MONTH_NAME):
        match = pattern.fullmatch(text)
        if match and match["name"] in _MONTH_NAMES:
            return _month(int(match["y"]), _MONTH_NAMES[match["name"]])
    name = text.rstrip(".")
    if name in _MONTH_NAMES:  # July, Jul: in the plan's year, as 七月 and 7月 are
        return _month(year, _MONTH_NAMES[name])
    match = _MONTH_SHORT_YEAR.fullmatch(text)
    if match:  # 20年7月: the year written with two digits
        return _month(2000 + int(match["y"]), int(match["m"]))
    return None


def parse_day(value: Any) -> str | None:
    """The day a cell or argument names, as ``"YYYY-MM-DD"``; None when it is not one whole date.

    The forms of :func:`parse_month` that name a day: a datetime or date (an Excel date cell),
    ``2020-07-15``, ``2020/7/15``, ``2020.07.15``, ``2020-07-15 00:00:00``, ``2020年7月15日``,
    ``2020年7月15号``, ``二〇二〇年七月十五日``, full-width forms.  Refused (None): a month without a
    day (``2020-07``), a day that does not exist (``2020-02-30``), a year outside 1..9999, a number
    (an Excel serial read as a number is not guessed at), booleans and blank text.
    """
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if not isinstance(value, str):
        return None
    text = _norm(value).casefold()
    if not text or len(text) > MAX_MONTH_TEXT:
        return None
    text = _arabic_dates(text)
    for pattern in (_MONTH_NUMERIC, _MONTH_CHINESE):
        match = pattern.fullmatch(text)
        if match and match["d"]:
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
            return f"{y:04d}-{m:02d}-{d:02d}" if _month(y, m, d) else None
    return None
