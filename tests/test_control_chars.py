r"""Control characters in user data are shown escaped, never sent to the terminal (issue 13, row 10).

A cell of a return, a note, a file or sheet name, a unit's name can hold terminal escape codes (ESC [2J
clears the screen, ESC ]0;…BEL sets the window title) or the Unicode bidirectional overrides ("Trojan
Source", CVE-2021-42574).  Every message, table, CSV and Markdown shows them as ``\x1b``, ``\x07``,
``\u202e`` (:func:`kctrack.words.printable`); the JSON escapes them as JSON does and reads back exact.

Excel keeps a control character of a cell as ``_xHHHH_`` in the file (ECMA-376 ST_Xstring) and
openpyxl refuses the raw character, so the workbooks here are written the way Excel writes them:
``_x001B_`` is ESC to any reader of the file (calamine, Excel).  The bidirectional controls are legal
XML and are written as they are.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from planmaker import make_plan, write_plan
from returns_helpers import (
    SHEET,
    TEMPLATE_HEADER_ROW,
    Db,
    counts,
    db_files,
    fill,
    kc,
    no_traceback,
    ok,
    place,
    returns_db,
    sheet_workbook,
    template,
)
from rich.text import Text

from kctrack.errors import DataError, ManyErrors
from kctrack.i18n import MESSAGES, tr
from kctrack.render import Col, Layout, cell_shown, dump_json, make_console
from kctrack.words import printable, to_csv, to_markdown

ESC, BEL, RLO = "\x1b", "\x07", "\u202e"
RAW = (ESC, BEL, RLO, "\r", "\x9b")  # none of these may reach the terminal or a file for people


def xl(text: str) -> str:
    """``text`` as Excel stores it in the file: each C0 control but tab and newline as ``_xHHHH_``."""
    return "".join(f"_x{ord(c):04X}_" if ord(c) < 0x20 and c not in "\t\n" else c for c in text)


def no_raw(text: str) -> None:
    """Not one of the characters a terminal would act on, bar newlines."""
    found = sorted({hex(ord(c)) for c in text if c in RAW})
    assert not found, (found, text)


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


def note_cell(path: Path, row: int) -> str:
    """The 备注 (note) cell of ``row`` in a template."""
    from openpyxl.utils import get_column_letter

    ws = openpyxl.load_workbook(path)[SHEET]
    for c in range(1, ws.max_column + 1):
        if ws.cell(TEMPLATE_HEADER_ROW, c).value == "备注":
            return f"{get_column_letter(c)}{row}"
    raise AssertionError("no 备注 column")


# -- the pure function ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("12\x1b]0;pwned\x07", r"12\x1b]0;pwned\x07"),
        ("\x1b[2J\x1b[31mred", r"\x1b[2J\x1b[31mred"),
        ("a\nb\tc\rd", r"a\nb\tc\rd"),
        ("\x00\x1f\x7f", r"\x00\x1f\x7f"),
        ("C1 \x85 \x9b31m", r"C1 \x85 \x9b31m"),
        ("invoice\u202etxt.exe", r"invoice\u202etxt.exe"),
        ("\u202a\u202b\u202c\u202d \u2066\u2067\u2068\u2069", r"\u202a\u202b\u202c\u202d \u2066\u2067\u2068\u2069"),
        ("line\u2028para\u2029", r"line\u2028para\u2029"),
        ("苏州市　新区 café ✔ 😀", "苏州市　新区 café ✔ 😀"),  # an ideographic space, accents, symbols stay
        ("C:\\returns\\x.xlsx", "C:\\returns\\x.xlsx"),  # a backslash stays (not for parsing back)
        ("\u200f\u061c\u200b", "\u200f\u061c\u200b"),  # marks and zero-width space: not controls a terminal obeys
        ("", ""),
    ],
)
def test_printable_escapes_exactly_the_controls(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(printable(text)) == printable(text)  # escaping twice changes nothing


def test_printable_keeps_what_it_is_told_to_keep() -> None:
    assert printable("a\nb\tc\x1bd\re", "\n\t") == "a\nb\tc\\x1bd\\re"
    assert printable("a\nb\u202e", "\n") == "a\nb\\u202e"


def test_printable_returns_normal_text_itself() -> None:
    text = "企业和园区科协行业型“技术经理人团队” TECH_MANAGER_TEAMS 25"
    assert printable(text) is text


def test_tr_escapes_the_parameters_and_keeps_the_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template's own newline stays (it is kctrack's text); a parameter's newline is shown as \\n."""
    monkeypatch.setitem(MESSAGES, "test_two_lines", ("第一行 {x}（{n:,}）\n第二行", "line one {x} ({n:,})\nline two"))
    assert tr("test_two_lines", "en", x="a\x1b[2Jb\nc", n=1234) == "line one a\\x1b[2Jb\\nc (1,234)\nline two"
    assert tr("test_two_lines", "zh", x="\u202e", n=5) == "第一行 \\u202e（5）\n第二行"
    assert tr("bad_value", "en", value="12\x1b]0;pwned\x07") == (
        "value '12\\x1b]0;pwned\\x07' is not a number: give a number ≥ 0, or done for a milestone"
    )
    assert tr("unknown_code", "en", code="X\x07", suggestion="TECH\x1b") == (
        "unknown target code 'X\\x07'; did you mean TECH\\x1b?. Run kctrack targets to list the codes."
    )


def test_an_error_escapes_its_place_and_parameters() -> None:
    err = DataError("bad_value", where="r\x1b[31m.xlsx!月报\u202e!E6", value="1\n2")
    assert err.render("en") == (
        "r\\x1b[31m.xlsx!月报\\u202e!E6: value '1\\n2' is not a number: give a number ≥ 0, or done for a milestone"
    )
    many = ManyErrors([err, DataError("negative_value", where="b\x07.xlsx", value=-1)])
    lines = many.render("en").split("\n")
    assert lines[1:] == [err.render("en"), "b\\x07.xlsx: value -1 is negative: an amount cannot be below 0"]


def test_csv_keeps_newline_and_tab_and_escapes_the_rest() -> None:
    text = to_csv(["h\x1b", "n"], [["a\x1b[2J\nb\tc\rd\u202e", 3], ["=1+\x07", None]])
    assert text == 'h\\x1b,n\n"a\\x1b[2J\nb\tc\\rd\\u202e",3\n\'=1+\\x07,\n'
    assert list(csv.reader(io.StringIO(text)))[1] == ["a\\x1b[2J\nb\tc\\rd\\u202e", "3"]


def test_markdown_keeps_a_row_on_one_line() -> None:
    text = to_markdown(["h\x07"], [["a\x1b[2J\nb|c\rd\u202e"], [1234.0]])
    assert text == "| h\\x07 |\n|---|\n| a\\x1b[2J b\\|c\\rd\\u202e |\n| 1,234 |\n"


def test_json_escapes_what_json_dumps_leaves_and_reads_back_exact() -> None:
    data = {"note": "\x1b[2J\x07\x7f\x85\x9b\u202e\u2028\n\t", "n": [1, "苏州市"]}
    text = dump_json(data)
    no_raw(text)
    assert "\u2028" not in text and "\x7f" not in text
    assert '"note": "\\u001b[2J\\u0007\\u007f\\u0085\\u009b\\u202e\\u2028\\n\\t"' in text
    assert json.loads(text) == data


def test_a_table_cell_is_escaped_and_measured_as_shown() -> None:
    """The escape takes its width in the column, so the next column still lines up; styles are kept."""
    buf = io.StringIO()
    console = make_console(no_color=True, file=buf, width=80)
    rows: list[list[Any]] = [["a\x1b[2J", "x"], ["bb", "y"], [Text.assemble(("c\u202ed", "red")), "z"]]
    Layout([Col("name"), Col("v")], rows, 80).print(console, rows)
    out = buf.getvalue()
    no_raw(out)
    assert out.splitlines()[2:] == ["a\\x1b[2J  x", "bb        y", "c\\u202ed  z"]  # 8 cells wide, then 2
    styled = cell_shown(Text.assemble(("c\u202ed", "red"), "\n", ("e", "dim")))
    assert isinstance(styled, Text) and styled.plain == "c\\u202ed\ne"
    styles = {(i, str(s.style)) for s in styled.spans for i in range(s.start, s.end)}
    assert styles == {*((i, "red") for i in range(8)), (9, "dim")}  # the escape in the colour of what it replaces


# -- through the command line -----------------------------------------------------------------


def test_import_refuses_a_figure_with_escape_codes_and_shows_it_escaped(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "苏州-2020-06.xlsx")
    p = place(path)
    fill(path, {p.this_month: xl("12\x1b]0;pwned\x07"), note_cell(path, p.row): xl("\x1b[2J\x1b[31mnote")})
    before, counted = db_files(rdb), counts(rdb)
    for lang, reason in (("zh", "不是数字"), ("en", "is not a number")):
        result = kc(rdb, "--lang", lang, "import", path)
        assert result.exit_code == 1, result.output
        no_traceback(result)
        no_raw(result.stderr)
        lines = [line for line in result.stderr.splitlines() if f"!{p.this_month}: " in line]
        assert len(lines) == 1, result.stderr  # one problem, one line
        assert lines[0].startswith(f"{path}!{SHEET}!{p.this_month}: 12\\x1b]0;pwned\\x07 → "), lines[0]
        assert reason in lines[0] and lines[0].count("12\\x1b]0;pwned\\x07") == 2, lines[0]
    assert (db_files(rdb), counts(rdb)) == (before, counted)


NOTE = "\x1b[2J\x1b]0;pwned\x07 one\ntwo\tthree\r\u202efour"


def test_a_note_with_control_characters_is_imported_and_shown_escaped(rdb: Db, tmp_path: Path) -> None:
    """The note is kept exactly (the JSON reads back the original); csv keeps its newline and tab,
    md makes the newline a space; the file and sheet names are escaped in the tables and history."""
    form = template(rdb, tmp_path / "form.xlsx")
    p = place(form)
    wb = openpyxl.load_workbook(form)
    ws = wb[SHEET]
    ws[p.this_month] = 4
    ws[note_cell(form, p.row)] = xl(NOTE)
    ws.title = SHEET + RLO  # a sheet name with a right-to-left override
    path = tmp_path / f"sz{ESC}[31m{RLO}.xlsx"  # and a file name with an escape code
    wb.save(path)
    result = ok(kc(rdb, "import", path))
    no_raw(result.output)
    source = f"{path}!{SHEET}{RLO}!{p.this_month}"
    shown_source = f"{tmp_path}/sz\\x1b[31m\\u202e.xlsx!{SHEET}\\u202e!{p.this_month}"

    explained = ok(kc(rdb, "explain", "TECH_MANAGER_TEAMS", "--as-of", "2020-06", "--unit", "苏州", "--format", "json"))
    no_raw(explained.stdout)
    (record,) = json.loads(explained.stdout)["records"]
    assert (record["note"], record["source"]) == (NOTE, source)

    as_csv = ok(kc(rdb, "explain", "TECH_MANAGER_TEAMS", "--as-of", "2020-06", "--unit", "苏州", "--format", "csv"))
    no_raw(as_csv.stdout)
    head, row = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert row[head.index("备注")] == "\\x1b[2J\\x1b]0;pwned\\x07 one\ntwo\tthree\\r\\u202efour"
    assert row[head.index("来源")] == shown_source

    as_md = ok(kc(rdb, "explain", "TECH_MANAGER_TEAMS", "--as-of", "2020-06", "--unit", "苏州", "--format", "md"))
    no_raw(as_md.stdout)
    assert len(as_md.stdout.splitlines()) == 3  # header, rule, the one record
    assert "| \\x1b[2J\\x1b]0;pwned\\x07 one two\tthree\\r\\u202efour |" in as_md.stdout

    table = ok(kc(rdb, "explain", "TECH_MANAGER_TEAMS", "--as-of", "2020-06", "--unit", "苏州"))
    no_raw(table.stdout)
    assert shown_source in table.stdout, table.stdout  # 200 columns: the source on one line

    for fmt in ("table", "csv", "md"):
        history = ok(kc(rdb, "history", "--format", fmt))
        no_raw(history.stdout)
        assert "sz\\x1b[31m\\u202e.xlsx" in history.stdout and f"{SHEET}\\u202e" in history.stdout, history.stdout
    (batch,) = json.loads(ok(kc(rdb, "history", "--format", "json")).stdout)["batches"]
    assert (batch["source"], batch["sheet"], batch["records"][0]["note"]) == (str(path), SHEET + RLO, NOTE)


def test_a_bad_cell_on_a_sheet_named_with_a_bidi_override(rdb: Db, tmp_path: Path) -> None:
    """The place of the problem names the sheet with its override escaped: the line reads in order."""
    sheet = f"汇总{RLO}xlsx.exe"
    path = sheet_workbook(
        tmp_path / "long.xlsx",
        [("code", "unit", "month", "this_month"), ("TECH_MANAGER_TEAMS", "苏州", "2020-06", f"3{RLO}0")],
        title=sheet,
    )
    result = kc(rdb, "--lang", "en", "import", path)
    assert result.exit_code == 1, result.output
    no_raw(result.stderr)
    assert f"{path}!汇总\\u202exlsx.exe!D2: 3\\u202e0 → " in result.stderr, result.stderr


def test_a_unit_named_with_a_bidi_override_is_escaped_everywhere(empty_db: Db, tmp_path: Path) -> None:
    plan = make_plan(3, 1)
    plan["units"][1]["name"] = {"zh": f"测试{RLO}市001", "en": f"Test{RLO} city 001"}
    ok(kc(empty_db, "init", "--plan", write_plan(tmp_path / "plan.yaml", plan)))
    ok(kc(empty_db, "record", "T00", "3", "--unit", "u001", "--month", "2020-05"))
    shown = "测试\\u202e市001"
    for fmt in ("table", "csv", "md"):
        out = ok(kc(empty_db, "status", "--by", "unit", "--as-of", "2020-06", "--format", fmt)).stdout
        no_raw(out)
        assert shown in out, out
    for args in (("targets",), ("returns", "--as-of", "2020-06"), ("history",)):
        out = ok(kc(empty_db, *args)).stdout
        no_raw(out)
        assert shown in out, (args, out)
    assert any(
        u["unit"] == f"测试{RLO}市001"
        for u in json.loads(ok(kc(empty_db, "returns", "--as-of", "2020-06", "--format", "json")).stdout)["units"]
    )
    refused = kc(empty_db, "record", "T00", "3", "--unit", f"nowhere{ESC}]0;x{BEL}", "--month", "2020-05")
    assert refused.exit_code == 2, refused.output
    no_raw(refused.stderr)
    assert "nowhere\\x1b]0;x\\x07" in refused.stderr and shown in refused.stderr, refused.stderr
