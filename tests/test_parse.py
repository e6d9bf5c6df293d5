"""kctrack.parse: the one parser for figures, months and milestone words (hand-computed cases, then properties)."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kctrack.parse as parse_module
from kctrack.errors import DataError
from kctrack.i18n import MESSAGES, tr
from kctrack.parse import (
    DONE_WORDS,
    FORMULA_ERRORS,
    MAX_FIGURE,
    exact,
    is_formula_error,
    parse_done,
    parse_month,
    parse_number,
)

# -- numbers accepted -----------------------------------------------------------------------------

NUMBERS: list[tuple[Any, dict[str, Any], float]] = [
    # numbers
    (12, {}, 12.0),
    (2.5, {}, 2.5),
    (0, {}, 0.0),
    (-0.0, {}, 0.0),
    (MAX_FIGURE, {}, 1e12),
    (3.0, {"whole": True}, 3.0),
    # plain text
    ("12", {}, 12.0),
    ("12.5", {}, 12.5),
    ("+3", {}, 3.0),
    (" 7 ", {}, 7.0),
    ("0", {}, 0.0),
    ("-0", {}, 0.0),
    ("007", {}, 7.0),
    ("１２", {}, 12.0),  # full-width digits
    ("１２．５", {}, 12.5),
    # thousands separators in groups of three
    ("1,234", {}, 1234.0),
    ("1,000", {}, 1000.0),
    ("1，000", {}, 1000.0),  # full-width comma
    ("1,234,567.5", {}, 1234567.5),
    ("12,345,678", {}, 12345678.0),
    # magnitude words, scaled exactly
    ("0.15亿", {}, 15000000.0),
    ("113.4万", {}, 1134000.0),
    ("150万条", {}, 1500000.0),
    ("1.5万", {"whole": True}, 15000.0),
    ("3千", {}, 3000.0),
    ("2百万", {}, 2000000.0),
    ("3千万", {}, 30000000.0),
    ("1万亿", {}, 1e12),
    ("5百人", {}, 500.0),
    ("1,234万", {}, 12340000.0),
    ("0.1万", {}, 1000.0),  # 0.1 × 1e4 is exactly 1000, not 1000.0000000000001
    # a trailing unit of measure or counting word
    ("12项", {}, 12.0),
    ("3个", {}, 3.0),
    ("3 个", {"uom": "个"}, 3.0),
    ("1,100人", {}, 1100.0),
    ("20人次", {}, 20.0),
    ("20人次", {"uom": "次"}, 20.0),
    ("4家", {"uom": "家"}, 4.0),
    ("4个", {"uom": "家"}, 4.0),  # any counting word, whatever the target's unit
    ("6场", {}, 6.0),
    ("2期", {}, 2.0),
    ("15万元", {"uom": "万元"}, 15.0),  # the unit is taken off first: 15 of 万元, not 150000
    ("2篇", {"uom": "篇"}, 2.0),
    # percentages only when the unit is %
    ("85%", {"uom": "%"}, 85.0),
    ("85％", {"uom": "%"}, 85.0),
    ("85", {"uom": "%"}, 85.0),
    # Chinese numerals (cn2an, strict)
    ("十二", {}, 12.0),
    ("三个", {}, 3.0),
    ("一百二十", {}, 120.0),
    ("两千", {}, 2000.0),
    ("两", {}, 2.0),
    ("零", {}, 0.0),
    ("一千零五", {}, 1005.0),
    ("二十五万", {}, 250000.0),
    ("壹佰贰拾", {}, 120.0),
    ("十二点五", {}, 12.5),
    ("一点五万", {}, 15000.0),
    ("三万条", {}, 30000.0),
    ("十二个", {"whole": True, "uom": "个"}, 12.0),
]


@pytest.mark.parametrize(("typed", "kw", "value"), NUMBERS, ids=[f"{n[0]!r}{n[1] or ''}" for n in NUMBERS])
def test_numbers_accepted(typed: Any, kw: dict[str, Any], value: float) -> None:
    got = parse_number(typed, **kw)
    assert type(got) is float
    assert got == value
    assert math.copysign(1, got) == 1  # never -0.0


# -- numbers refused ------------------------------------------------------------------------------

REFUSED: list[tuple[Any, dict[str, Any], str]] = [
    # numbers
    (-1, {}, "num_negative"),
    (-0.5, {}, "num_negative"),
    (float("nan"), {}, "num_not_finite"),
    (float("inf"), {}, "num_not_finite"),
    (float("-inf"), {}, "num_not_finite"),
    (1e12 + 1, {}, "num_too_large"),
    (10**400, {}, "num_too_large"),  # too large even for a float
    (-(10**400), {}, "num_negative"),
    (2.5, {"whole": True}, "num_not_whole"),
    (True, {}, "num_not_number"),
    (None, {}, "num_not_number"),
    (date(2020, 6, 1), {}, "num_not_number"),
    # text: sign, size
    ("-3", {}, "num_negative"),
    ("−3", {}, "num_negative"),  # U+2212 minus
    ("-1,234", {}, "num_negative"),
    ("负三", {}, "num_negative"),
    ("2万亿", {}, "num_too_large"),
    ("1000000000001", {}, "num_too_large"),
    ("0.00000001万亿1", {}, "num_not_number"),
    # thousands separators out of place
    ("1,5", {}, "num_grouping"),
    ("12,34", {}, "num_grouping"),
    ("1,2345", {}, "num_grouping"),
    ("1,234,56", {}, "num_grouping"),
    ("1234,567", {}, "num_grouping"),
    ("1,234.5,6", {}, "num_grouping"),
    ("1,,234", {}, "num_grouping"),
    ("1,234,", {}, "num_grouping"),
    ("1，5", {}, "num_grouping"),  # full-width comma
    ("1,5万", {}, "num_grouping"),
    # suffixes
    ("3元", {}, "num_bad_suffix"),
    ("100多", {}, "num_bad_suffix"),
    ("100余", {}, "num_bad_suffix"),
    ("5左右", {}, "num_bad_suffix"),
    ("3个项", {"uom": "个"}, "num_bad_suffix"),
    ("3月", {}, "num_bad_suffix"),
    ("十二月", {}, "num_bad_suffix"),
    ("3万五", {}, "num_bad_suffix"),
    ("0.15亿元", {"uom": "万元"}, "num_bad_suffix"),
    # percentages
    ("85%", {}, "num_percent"),
    ("85％", {}, "num_percent"),
    ("85‰", {}, "num_percent"),
    ("85‰", {"uom": "%"}, "num_percent"),
    ("八十五%", {}, "num_percent"),
    # formula errors
    ("#REF!", {}, "num_formula_error"),
    ("#N/A", {}, "num_formula_error"),
    ("#n/a", {}, "num_formula_error"),
    ("#DIV/0!", {}, "num_formula_error"),
    ("#VALUE!", {}, "num_formula_error"),
    ("#NAME?", {}, "num_formula_error"),
    ("#SPILL!", {}, "num_formula_error"),
    ("#GETTING_DATA", {}, "num_formula_error"),
    (" ＃ＲＥＦ！ ", {}, "num_formula_error"),  # full-width
    # whole numbers
    ("2.5", {"whole": True}, "num_not_whole"),
    ("2.5个", {"whole": True, "uom": "个"}, "num_not_whole"),
    ("十二点五", {"whole": True}, "num_not_whole"),
    ("0.00015万", {"whole": True}, "num_not_whole"),
    # anything else
    ("", {}, "num_not_number"),
    ("   ", {}, "num_not_number"),
    ("abc", {}, "num_not_number"),
    ("个", {"uom": "个"}, "num_not_number"),
    ("1e5", {}, "num_not_number"),
    ("1E3", {}, "num_not_number"),
    ("nan", {}, "num_not_number"),
    ("inf", {}, "num_not_number"),
    ("Infinity", {}, "num_not_number"),
    ("1_000", {}, "num_not_number"),
    (".5", {}, "num_not_number"),
    ("5.", {}, "num_not_number"),
    ("1.2.3", {}, "num_not_number"),
    ("1 234", {}, "num_not_number"),
    ("+-3", {}, "num_not_number"),
    ("0x10", {}, "num_not_number"),
    ("١٢", {}, "num_not_number"),  # Arabic-Indic digits: not what a return holds
    ("一二三", {}, "num_not_number"),  # digit by digit: cn2an strict refuses, as it should
    ("二〇二〇", {}, "num_not_number"),
    ("1百23", {}, "num_not_number"),  # Chinese and Arabic mixed
    ("点五", {}, "num_not_number"),
    ("一点五点六", {}, "num_not_number"),
    ("万", {}, "num_not_number"),
    ("百二", {}, "num_not_number"),
    ("done", {}, "num_not_number"),
    ("1" * 401, {}, "num_not_number"),  # longer than MAX_NUMBER_TEXT
]


@pytest.mark.parametrize(("typed", "kw", "key"), REFUSED, ids=[f"{r[0]!r:.40}{r[1] or ''}" for r in REFUSED])
def test_numbers_refused(typed: Any, kw: dict[str, Any], key: str) -> None:
    with pytest.raises(DataError) as info:
        parse_number(typed, **kw)
    assert info.value.key == key
    assert info.value.where is None  # the caller adds the cell or the VALUE argument


def test_a_refusal_carries_the_text_as_typed_and_its_detail() -> None:
    with pytest.raises(DataError) as info:
        parse_number(" 3 元 ")
    assert info.value.params == {"value": " 3 元 ", "suffix": "元"}
    with pytest.raises(DataError) as info:
        parse_number("2.5个", whole=True, uom="个")
    assert info.value.params == {"value": "2.5个", "uom": "个", "uom_en": "个"}  # the caller names it in English
    with pytest.raises(DataError) as info:
        parse_number(2e12)
    assert info.value.params == {"value": "2000000000000", "max": "1000000000000"}
    with pytest.raises(DataError) as info:
        parse_number("１,５")
    assert info.value.params == {"value": "１,５"}


@pytest.mark.parametrize(
    ("key", "params", "zh", "en"),
    [
        (
            "num_grouping",
            {"value": "1,5"},
            "“1,5” 的千位分隔符位置不对",
            "'1,5' has a thousands separator in the wrong place",
        ),
        (
            "num_formula_error",
            {"value": "#REF!"},
            "显示为 #REF!（公式出错）",
            "shows #REF!: fix the formula in Excel/WPS",
        ),
        ("num_bad_suffix", {"value": "3元", "suffix": "元"}, "末尾的 “元” 无法识别", "ends in '元'"),
        ("num_not_whole", {"value": "2.5", "uom": "个", "uom_en": "teams"}, "（单位：个）", "a count (teams)"),
        (
            "num_too_large",
            {"value": "2万亿", "max": "1000000000000"},
            "超过上限 1000000000000",
            "limit of 1000000000000",
        ),
    ],
)
def test_messages_say_what_is_wrong(key: str, params: dict[str, str], zh: str, en: str) -> None:
    assert zh in tr(key, "zh", **params)
    assert en in tr(key, "en", **params)


def test_every_key_raised_has_a_message_in_both_languages() -> None:
    raised = set(re.findall(r'DataError\("(\w+)"', Path(parse_module.__file__).read_text(encoding="utf-8")))
    assert raised == {r[2] for r in REFUSED}  # every key raised is exercised above
    for key in raised:
        zh, en = MESSAGES[key]
        assert "{value}" in zh and "{value}" in en, key


# -- Chinese numerals are read lazily -------------------------------------------------------------


def test_cn2an_is_imported_only_for_chinese_numerals() -> None:
    code = (
        "import sys, kctrack.parse as p\n"
        "assert p.parse_number('1,234.5万个') == 12345000.0\n"
        "assert p.parse_month('二〇二〇年七月', 2020) == '2020-07'\n"
        "assert p.parse_done('完成') is True\n"
        "assert 'cn2an' not in sys.modules\n"
        "assert p.parse_number('十二') == 12.0\n"
        "assert 'cn2an' in sys.modules\n"
        "assert not {'typer', 'rich', 'pandas', 'openpyxl'} & set(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# -- months ---------------------------------------------------------------------------------------

MONTHS: list[tuple[Any, str]] = [
    # every form of tests/test_returns_formats.py MONTHS (June 2020)
    ("2020-06", "2020-06"),
    ("2020/6", "2020-06"),
    ("2020.6", "2020-06"),
    (2020.6, "2020-06"),
    ("2020年6月", "2020-06"),
    ("2020年06月", "2020-06"),
    ("6月", "2020-06"),
    ("6月份", "2020-06"),
    ("202006", "2020-06"),
    ("2020年6月15日", "2020-06"),
    ("２０２０－０６", "2020-06"),
    (datetime(2020, 6, 1), "2020-06"),
    (date(2020, 6, 30), "2020-06"),
    ("2020-9", "2020-09"),
    ("12月", "2020-12"),
    # July 2020 in every form the brief names
    ("2020-07", "2020-07"),
    ("2020/7", "2020-07"),
    ("2020.07", "2020-07"),
    ("2020年7月", "2020-07"),
    ("2020年07月", "2020-07"),
    ("2020年7月份", "2020-07"),
    ("7月", "2020-07"),
    ("7月份", "2020-07"),
    (" 7 月 ", "2020-07"),
    ("202007", "2020-07"),
    (202007, "2020-07"),
    (202007.0, "2020-07"),
    ("2020-07-15", "2020-07"),
    ("2020年7月15日", "2020-07"),
    ("2020年7月15号", "2020-07"),
    ("2020/07/15", "2020-07"),
    ("2020.7.15", "2020-07"),
    ("2020-07-15 00:00:00", "2020-07"),
    ("2020-07-15T08:30", "2020-07"),
    ("２０２０年７月", "2020-07"),
    ("２０２０／０７", "2020-07"),
    ("７月份", "2020-07"),
    ("二〇二〇年七月", "2020-07"),
    ("二零二零年七月", "2020-07"),
    ("二○二○年七月", "2020-07"),  # ○ (white circle) typed for 〇
    ("二〇二〇年七月十五日", "2020-07"),
    ("2020年七月", "2020-07"),
    ("七月", "2020-07"),
    ("七月份", "2020-07"),
    ("十月", "2020-10"),
    ("十一月", "2020-11"),
    ("十二月", "2020-12"),
    ("一月", "2020-01"),
    ("Jul 2020", "2020-07"),
    ("July 2020", "2020-07"),
    ("JULY 2020", "2020-07"),
    ("Jul. 2020", "2020-07"),
    ("July, 2020", "2020-07"),
    ("Jul-2020", "2020-07"),
    ("2020 July", "2020-07"),
    ("2020-Jul", "2020-07"),
    ("Sept 2020", "2020-09"),
    # a float keeps the month when it can
    (2020.12, "2020-12"),
    (2020.11, "2020-11"),
    (2020.01, "2020-01"),
    ("2020.1", "2020-01"),  # text keeps what was typed: January
    ("2020.10", "2020-10"),
    ("2020-02-29", "2020-02"),
    ("2021-12", "2021-12"),
]


@pytest.mark.parametrize(("typed", "month"), MONTHS, ids=[repr(m[0]) for m in MONTHS])
def test_months_accepted(typed: Any, month: str) -> None:
    assert parse_month(typed, 2020) == month


def test_a_month_alone_takes_the_given_year() -> None:
    assert parse_month("7月", 2021) == "2021-07"
    assert parse_month("十二月", 2019) == "2019-12"
    assert parse_month("2020-07", 2021) == "2020-07"


MONTHS_REFUSED: list[Any] = [
    2020.1,  # January, or October typed as 2020.10 and stored without its zero
    "2020-13",
    "2020-00",
    "13月",
    "0月",
    "十三月",
    "廿月",
    "一二月",  # January–February, not December
    "Junee",  # no month name (June alone is the plan year's June, as 6月 is)
    "Foo 2020",
    "2020-02-30",
    "2020年11月31日",
    "二〇二〇年十一月三十一日",
    "7",
    7,
    2020,
    202013,
    "20200715",
    "2020",
    "",
    "   ",
    None,
    True,
    float("nan"),
    float("inf"),
    "0000-07",
    "2020-7-1-1",
    "2020年",
    "x" * 1000,
]


@pytest.mark.parametrize("typed", MONTHS_REFUSED, ids=[f"{m!r:.30}" for m in MONTHS_REFUSED])
def test_months_refused(typed: Any) -> None:
    assert parse_month(typed, 2020) is None


# -- milestones and formula errors ----------------------------------------------------------------

DONE: list[tuple[Any, bool | None]] = [
    ("done", True),
    ("Done", True),
    (" DONE ", True),
    ("完成", True),
    ("已完成", True),
    ("是", True),
    ("yes", True),
    ("√", True),
    ("✓", True),
    ("✔", True),
    ("1", True),
    ("１", True),
    (1, True),
    (1.0, True),
    (True, True),
    ("否", False),
    ("no", False),
    ("NO", False),
    ("未完成", False),
    ("0", False),
    (0, False),
    (False, False),
    ("", None),
    (None, None),
    ("maybe", None),
    ("进行中", None),
    (2, None),
    (0.5, None),
    (float("nan"), None),
    (date(2020, 6, 1), None),
]


@pytest.mark.parametrize(("typed", "done"), DONE, ids=[repr(d[0]) for d in DONE])
def test_parse_done(typed: Any, done: bool | None) -> None:
    assert parse_done(typed) is done


def test_done_words_are_all_done() -> None:
    assert {"done", "完成", "已完成", "是", "yes", "√", "✓", "✔", "1"} <= DONE_WORDS
    assert all(parse_done(w) is True for w in DONE_WORDS)


@pytest.mark.parametrize(
    ("typed", "error"),
    [("#REF!", True), ("#N/A", True), ("#n/a", True), ("＃ＲＥＦ！", True), (" #DIV/0! ", True), ("#CALC!", True)]
    + [("REF", False), ("#", False), ("", False), (None, False), (0, False), ("#REF", False)],
)
def test_is_formula_error(typed: Any, error: bool) -> None:
    assert is_formula_error(typed) is error


def test_formula_errors_listed() -> None:
    assert {"#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"} <= FORMULA_ERRORS
    assert "#GETTING_DATA" in FORMULA_ERRORS


# -- exact ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.85, "0.85"),
        (15000000.0, "15000000"),
        (3.0, "3"),
        (1e-05, "0.00001"),
        (0.0, "0"),
        (-0.0, "0"),
        (-2.5, "-2.5"),
        (1e12, "1000000000000"),
        (1e16, "10000000000000000"),
        (1134000.0, "1134000"),
        (0.1 + 0.2, "0.30000000000000004"),  # never rounds
        (123456.789, "123456.789"),
        (1.5e-7, "0.00000015"),
    ],
)
def test_exact(x: float, text: str) -> None:
    assert exact(x) == text


@pytest.mark.parametrize(("x", "text"), [(float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf")])
def test_exact_names_what_is_never_stored(x: float, text: str) -> None:
    """Never stored, but a refused cell may hold one: its message must not fail."""
    assert exact(x) == text


# -- properties -----------------------------------------------------------------------------------

FIGURES = st.floats(min_value=0, max_value=MAX_FIGURE, allow_nan=False, allow_infinity=False)


@given(FIGURES)
def test_any_figure_as_a_number_parses_back(x: float) -> None:
    assert parse_number(x) == x


@given(FIGURES)
def test_any_figure_as_exact_text_parses_back(x: float) -> None:
    assert parse_number(exact(x)) == x
    assert float(exact(x)) == x


@given(st.integers(min_value=0, max_value=10**12))
def test_any_whole_figure_grouped_in_threes_parses_back(n: int) -> None:
    assert parse_number(f"{n:,}", whole=True) == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_exact_never_uses_exponent_notation(x: float) -> None:
    text = exact(x)
    assert re.fullmatch(r"-?(0|[1-9]\d*)(\.\d*[1-9])?", text), text
    assert float(text) == x


_TEXT = st.text(alphabet=st.sampled_from("0123456789,.+-%‰ 万亿千百十一二两三〇零点负个人元１，．#REF!e")) | st.text()


@given(_TEXT, st.booleans(), st.sampled_from([None, "个", "%", "万元"]))
def test_any_text_is_a_figure_or_a_data_error(text: str, whole: bool, uom: str | None) -> None:
    try:
        got = parse_number(text, whole=whole, uom=uom)
    except DataError as e:
        assert e.key in MESSAGES
        assert e.where is None
    else:
        assert 0 <= got <= MAX_FIGURE
        assert not whole or got.is_integer()


@given(_TEXT | st.floats() | st.integers(), st.integers(min_value=1, max_value=9999))
def test_any_value_is_a_month_or_none(value: Any, year: int) -> None:
    month = parse_month(value, year)
    assert month is None or re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month)


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12))
def test_any_month_written_out_parses_back(y: int, m: int) -> None:
    expected = f"{y:04d}-{m:02d}"
    for text in (expected, f"{y:04d}/{m}", f"{y:04d}年{m}月", f"{y:04d}{m:02d}", f"{y:04d}-{m:02d}-01"):
        assert parse_month(text, 2020) == expected, text
