"""Issue 12, wrapping at 80 columns, and what reaches the terminal around a table.

1. A wrapping column is never narrower than the longest word of its header ("Reporting unit" keeps
   "Reporting", "填报单位" stays whole); a name breaks at its spaces, between Chinese characters only
   where a word does not fit, after a hyphen between letters before anywhere else; a code is never
   broken: a code column is fixed, and a free-text column that would break one (the source of a
   ``record`` batch in ``history`` and ``explain``) goes on a line of its own under the row.
2. A state is never broken ("✘ not achieved", "✖ 严重滞后"); only the bracket of one done late goes on
   a line of its own.  Chinese line-breaking rules (避头尾): ，。、；：？！”’）》」』】 never start a line,
   “‘（《「『【 never end one.
3. A table (and csv, json, md) has left stdout, final newline included, before the command says
   anything on stderr: ``2>&1 | cat`` shows the summary on a line of its own, after the table.
4. Ctrl-C while Python imports the command line (the first fraction of a second) is one line saying
   nothing was written, exit code 130, no traceback: the entry point is kctrack.entry, which imports
   nothing heavy before it handles Ctrl-C.

Expectations are worked out by hand from the column widths (a Chinese character is two cells).
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, Db, kc, ok
from returns_helpers import fill, template
from rich.cells import cell_len
from rich.text import Text
from tables import is_rule

from kctrack import render
from kctrack.render import Col, Layout, wrap
from kctrack.words import state_word

NO_LINE_START = "，。、；：？！”’）》」』】"
NO_LINE_END = "“‘（《「『【"


def lines_of(text: str, width: int) -> list[str]:
    return [line.plain for line in wrap(Text(text), width)]


def printed(cols: list[Col], rows: list[list[render.Cell]], width: int) -> list[str]:
    """The lines a layout of ``rows`` at ``width`` prints (no colour)."""
    buf = io.StringIO()
    Layout(cols, rows, width).print(render.make_console(no_color=True, file=buf, width=width), rows)
    return buf.getvalue().splitlines()


# == 1. headers, names and codes ======================================================================


def test_a_header_keeps_its_longest_word() -> None:
    # 14 columns: "n" takes 1 and a gap 2, the unit 11; never below "Reporting" (9), though its
    # min_width is 6 and the cells are shorter
    cols = [Col("Reporting unit", wrap=True, min_width=6), Col("n", "right")]
    layout = Layout(cols, [["Suzhou", "1"]], 14)
    assert layout.widths == [11, 1]
    # "Reporting" (9) + 2 blank in its column + a gap of 2 + "n"; "Suzhou" (6) + 5 + 2 + "1"
    assert printed(cols, [["Suzhou", "1"]], 14) == ["Reporting    n", "unit", "─" * 14, "Suzhou       1"]
    # at 12 columns the unit has 9: still "Reporting" whole
    assert Layout(cols, [["Suzhou", "1"]], 12).widths == [9, 1]
    # beside a name that wants the room (16 columns, 14 to share): the header's word first, 9; the
    # name gets the rest, 5, rather than both 7 ("Reporti" / "ng")
    two = [Col("Reporting unit", wrap=True, min_width=6), Col("name", wrap=True, min_width=6)]
    assert Layout(two, [["Suzhou", "一二三四五六七八九十"]], 16).widths == [9, 5]


def test_a_chinese_header_is_one_word() -> None:
    # 填报单位 (8 cells) has no space: it is never broken, "填报单/位"
    cols = [Col("填报单位", wrap=True, min_width=6), Col("记录", "right")]
    rows: list[list[render.Cell]] = [["南京市", "1"]]
    assert Layout(cols, rows, 14).widths == [8, 4]
    assert printed(cols, rows, 14)[0] == "填报单位  记录"


def test_a_name_breaks_at_its_spaces_first() -> None:
    # a list of unit names: 常州市 goes whole to the next line rather than "常州" / "市"
    assert lines_of("25：苏州市 无锡市 常州市", 17) == ["25：苏州市 无锡市", "常州市"]
    # English: at the spaces; a word too long for the column after its hyphen before anywhere else
    assert lines_of("Sector-based technology-manager teams", 14) == ["Sector-based", "technology-", "manager teams"]
    # a Chinese name without a space breaks between its characters, filling each line
    assert lines_of("企业工作办公室", 8) == ["企业工作", "办公室"]


def test_a_name_column_prefers_its_longest_word_to_its_min_width() -> None:
    # "Lianyungang" (11) wants more than min_width 8: at 20 columns the figure keeps 5, the name 13
    cols = [Col("unit", wrap=True, min_width=8), Col("quota", "right")]
    rows: list[list[render.Cell]] = [["Lianyungang City", "6"], ["Huai'an", "6"]]
    assert Layout(cols, rows, 20).widths == [13, 5]
    # 18 columns: 11 for the name, "Lianyungang" whole on its line
    assert printed(cols, rows, 18)[2:] == ["Lianyungang      6", "City", "Huai'an          6"]


def test_free_text_keeps_a_code_whole() -> None:
    # a record command as a batch's source: it breaks at its spaces, the code (24 cells) alone on a line
    assert lines_of("kctrack record M_2020_05_ISSUE_OPINIONS done --month 2020-05", 24) == [
        "kctrack record",
        "M_2020_05_ISSUE_OPINIONS",
        "done --month 2020-05",
    ]


def test_a_source_that_would_break_a_code_goes_under_the_row() -> None:
    # 24 columns: batch 5 and a gap leave 17 for source and unit; the source would need 16 for its code
    # and the unit its 6, so the source leaves the table: a line of its own under the row, indented
    # under the second column (5 + 2), "source: " first, broken at its spaces in the 17 cells left
    cols = [
        Col("batch", "right"),
        Col("source", wrap=True, min_width=8, text=True, under=True),
        Col("unit", wrap=True, min_width=6),
    ]
    rows: list[list[render.Cell]] = [["1", "kctrack record THINK_TANK_BASES 3", "Suzhou"]]
    layout = Layout(cols, rows, 24)
    assert (layout.shown, layout.widths, layout.under) == ([0, 2], [5, 6], 1)
    assert printed(cols, rows, 24) == [
        "batch  unit",
        "─" * 13,
        "    1  Suzhou",
        "       source: kctrack",
        "       record",
        "       THINK_TANK_BASES",
        "       3",
    ]
    # with room for the code the source stays in its column: 5 + 2 + 16 + 2 + 6 = 31
    assert Layout(cols, rows, 31).shown == [0, 1, 2]


def test_a_code_column_never_wraps() -> None:
    # the code is a fixed column: the name gives way around it, down to one Chinese character
    cols = [Col("code"), Col("name", wrap=True, min_width=10)]
    rows: list[list[render.Cell]] = [["THINK_TANK_BASES", "科技智库基地（家）"]]
    out = printed(cols, rows, 26)
    assert out[2] == "THINK_TANK_BASES  科技智库"
    assert all(line.startswith(" " * 18) for line in out[3:])


@pytest.fixture
def recorded(db: Db) -> Db:
    """Two batches written by ``record``, whose source holds a long code (24 and 34 cells)."""
    ok(kc(db, "record", "M_2020_05_ISSUE_OPINIONS", "done", "--month", "2020-05"))
    ok(kc(db, "record", "THINK_TANK_UNIVERSITY_ASSOCIATIONS", "3", "--month", "2020-05"))
    return db


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args",
    [["history"], ["explain", "M_2020_05_ISSUE_OPINIONS"], ["explain", "THINK_TANK_UNIVERSITY_ASSOCIATIONS"]],
    ids=" ".join,
)
def test_history_and_explain_keep_codes_headers_and_names_whole_at_80(recorded: Db, lang: str, args: list[str]) -> None:
    out = ok(kc(recorded, "--lang", lang, *args, env={"COLUMNS": "80"})).stdout
    lines = out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), out
    code = args[1] if len(args) > 1 else "THINK_TANK_UNIVERSITY_ASSOCIATIONS"
    assert any(re.search(f"(^| ){code}( |$)", line) for line in lines), out  # the code whole, where the source is
    header = lines[next(n for n, line in enumerate(lines) if is_rule(line)) - 1]
    for word in ("批次", "填报单位", "操作人") if lang == "zh" else ("batch", "Reporting", "operator"):
        assert word in header, header
    unit = "企业工作办公室" if lang == "zh" else "Enterprise Work"
    assert args[0] != "history" or any(unit in line for line in lines), out


# == 2. states and Chinese line-breaking rules ======================================================


def test_a_closing_quote_stays_with_the_character_before_it() -> None:
    # 19 cells: 省级学会 (8) “科 (3) 技服务队 (8) = 19 fit, the quote (1) does not: 队 goes down with it
    assert lines_of("省级学会“科技服务队”（个）", 19) == ["省级学会“科技服务", "队”（个）"]
    # 35 cells: 28 + “大 (3) + 本营 (4) = 35 fit, the quote does not: never a line starting with "”"
    name = "联合创建服务全省重大产业一线“大本营”"
    assert lines_of(name, 35) == ["联合创建服务全省重大产业一线“大本", "营”"]
    # 29 cells: “大 does not fit after the 28 cells: the opening quote goes down with 大, never ends a line
    assert lines_of(name, 29) == ["联合创建服务全省重大产业一线", "“大本营”"]


def test_a_stop_never_starts_a_line_and_a_bracket_stays_whole() -> None:
    # 40 cells: up to 模 is 38, 式、 is 4 more: the 、 goes down with 式
    name = "探索形成可复制、可推广的功能平台工作模式、运行机制和评估办法"
    assert lines_of(name, 40) == ["探索形成可复制、可推广的功能平台工作模", "式、运行机制和评估办法"]
    # a bracket no wider than the column stays whole: 技术工人 (8) / 培训 / （人）, never "（人" / "）"
    assert lines_of("技术工人培训（人）", 8) == ["技术工人", "培训", "（人）"]
    assert lines_of("企业工作办公室（万元）", 10) == ["企业工作办", "公室", "（万元）"]


def test_the_state_column_never_wraps() -> None:
    rows: list[list[render.Cell]] = [
        ["Firms", render.state_text("not_achieved", "en")],
        ["Cases", render.state_text("done_late", "en", 2)],
    ]
    col = render._state_col("en", rows, 1)
    # the widest part: "(2 months late)" (15) over "✘ not achieved" (14) and "✔ done late" (11)
    assert (col.keep, col.min_width) == (15, 15)
    cols = [Col("Target", wrap=True), col]
    for width, state_width in ((30, 22), (24, 16)):
        layout = Layout(cols, rows, width)
        assert layout.widths == [6, state_width]
        cells = [list(row) for row in rows]
        render._late_apart(layout, cells, 1)
        buf = io.StringIO()
        layout.print(render.make_console(no_color=True, file=buf, width=width), cells)
        assert buf.getvalue().splitlines()[2:] == [
            "Firms   ✘ not achieved",
            "Cases   ✔ done late",
            "        (2 months late)",
        ]


STATE_WORDS = {
    lang: [state_word(s, lang) for s in render.STATE_SYMBOL] + [state_word("done_late", lang, 1)]
    for lang in ("zh", "en")
}
SYMBOL_THEN_SPACE = re.compile(f"[{re.escape(''.join(render.STATE_SYMBOL.values()))}] ")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args", [["status"], ["status", "--by", "unit"], ["status", "--as-of", "2020-06"]], ids=" ".join
)
def test_every_state_is_whole_on_its_line_at_80(recorded: Db, lang: str, args: list[str]) -> None:
    ok(kc(recorded, "record", "TECH_MANAGER_TEAMS", "30", "--month", "2020-06", "--unit", "苏州"))
    out = ok(kc(recorded, "--lang", lang, *args, env={"COLUMNS": "80"})).stdout
    seen = 0
    for line in out.splitlines():
        if len(SYMBOL_THEN_SPACE.findall(line)) > 3:  # the legend, under the tables
            continue
        for m in SYMBOL_THEN_SPACE.finditer(line):
            rest = line[m.end() :]
            if rest[:1].strip():  # a symbol and a word (not "!" in a sentence)
                assert any(rest.startswith(w) for w in STATE_WORDS[lang]), line
                seen += 1
        assert line.strip() not in ("achieved", "严重滞后", "已完成", "未完成", "late", "逾期未完成"), out
    assert seen


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args",
    [["status", "--as-of", "2020-12"], ["targets"], ["status", "--by", "month", "--as-of", "2020-12"]],
    ids=" ".join,
)
def test_no_table_line_starts_with_a_closing_mark_at_80(db: Db, lang: str, args: list[str]) -> None:
    out = ok(kc(db, "--lang", lang, *args, env={"COLUMNS": "80"})).stdout
    lines = out.splitlines()
    for line in lines[next(n for n, line in enumerate(lines) if is_rule(line)) :]:  # the title is rich's
        for cell in re.split(r" {2,}", line.strip()):
            assert not cell or (cell[0] not in NO_LINE_START and cell[-1] not in NO_LINE_END), line


# == 3. stdout before stderr =========================================================================


def _unbuffered_off() -> dict[str, str]:
    """The environment of a kctrack started by hand: stdout into a pipe is block-buffered."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCTRACK_") and k != "PYTHONUNBUFFERED"}
    env.update(KCTRACK_USER="tester", PYTHONPATH=str(REPO), COLUMNS="80", NO_COLOR="1")
    return env


@pytest.mark.sqlite_only
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_dry_runs_table_ends_before_its_summary(db: Db, tmp_path: Path, fmt: str) -> None:
    sz = fill(template(db, tmp_path / "sz.xlsx", "苏州", "2020-06"), {"E6": 5})
    wx = fill(template(db, tmp_path / "wx.xlsx", "无锡", "2020-06"), {"E6": 4})
    cmd = [sys.executable, "-m", "kctrack", "--db", str(db), "import", str(sz), str(wx), "--dry-run"]
    # stdout and stderr into one pipe, as `kctrack import … --dry-run 2>&1 | cat`
    done = subprocess.run(
        [*cmd, "--format", fmt], env=_unbuffered_off(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert done.returncode == 0, done.stdout.decode()
    lines = done.stdout.decode().splitlines()
    summary = next(n for n, line in enumerate(lines) if "个文件" in line)
    assert lines[summary].startswith("2 个文件，2 份月报：新增 2"), lines
    assert lines[summary + 1 :] == ["预演：数据库未改动"]
    last = {"table": "无锡市", "csv": "无锡市", "json": "}"}[fmt]
    assert last in lines[summary - 1], lines  # the last of the table, whole on the line before
    if fmt == "table":
        assert lines[summary - 1].rstrip().endswith("新增")


# == 4. Ctrl-C while the command line is imported ====================================================


def test_the_entry_point_is_light_and_used_everywhere() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["kctrack"] == "kctrack.entry:main"
    assert "from kctrack.entry import main" in (REPO / "kctrack" / "__main__.py").read_text(encoding="utf-8")
    heavy = "{'kctrack', 'typer', 'rich', 'click'}"
    probe = f"import sys, kctrack.entry; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    out = subprocess.run([sys.executable, "-c", probe], env=_unbuffered_off(), capture_output=True, text=True)
    assert out.stdout.strip() == "['kctrack', 'kctrack.entry']", out


# The child runs the command and says "ready" on stdout once the entry point holds Ctrl-C: a signal sent
# after "ready" lands in kctrack's own code.  Before that it would land in this test's own code, or in
# Python's start-up and the launcher pip writes (which imports `re` before kctrack.entry), beyond
# kctrack's reach: a CI run caught the test racing with itself there.
CHILD = (
    "import sys; sys.argv = ['kctrack', *sys.argv[1:]]; import kctrack.entry as entry; hold = entry._hold\n"
    "def held(h):\n"
    "    back = hold(h)\n"
    "    sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
    "    return back\n"
    "entry._hold = held; entry.main()"
)
# As CHILD, with the Ctrl-C sent by the child itself the moment the entry point holds Ctrl-C, before it
# imports kctrack.cli: the same moment on every run.  ``twice``: a second one at once (raised, not held).
AT_ONCE = (
    "import os, signal, sys; times = int(sys.argv[1]); sys.argv = ['kctrack', *sys.argv[2:]]; "
    "import kctrack.entry as entry; hold = entry._hold\n"
    "def held(h):\n"
    "    back = hold(h)\n"
    "    for _ in range(times): os.kill(os.getpid(), signal.SIGINT)\n"
    "    return back\n"
    "entry._hold = held; entry.main()"
)
NOTHING = {"zh": "已中断：未写入任何内容", "en": "interrupted: nothing was written"}
STATUS_130 = (130, -signal.SIGINT)  # exit(130), or CPython's own end by SIGINT (see kctrack.cli.main)


@pytest.mark.sqlite_only
@pytest.mark.slow
@pytest.mark.parametrize(("times", "lang_args", "env_lang"), [(1, [], None), (1, ["--lang", "en"], None),
                                                               (1, [], "en"), (2, [], None)])  # fmt: skip
def test_ctrl_c_as_the_command_line_is_imported(db: Db, times: int, lang_args: list[str], env_lang: str | None) -> None:
    env = _unbuffered_off()
    if env_lang:
        env["KCTRACK_LANG"] = env_lang
    cmd = [sys.executable, "-c", AT_ONCE, str(times), "--db", str(db), *lang_args, "status", "--format", "json"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    lang = "en" if lang_args or env_lang else "zh"
    assert done.returncode in STATUS_130, done.stderr
    assert done.stderr == NOTHING[lang] + "\n"
    assert done.stdout == ""


@pytest.mark.sqlite_only
@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.02, 0.03, 0.05])
def test_a_real_sigint_in_the_first_moments(db: Db, delay: float) -> None:
    """Wherever the signal lands (the delay only varies the moment): no traceback; one line when it stopped
    the command, or the command's own output when it had finished first."""
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, "--db", str(db), "status", "--format", "json"],
            env=_unbuffered_off(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)  # harmless if it has already finished
        out, err = proc.communicate(timeout=120)
        assert "Traceback" not in err.decode(), err.decode()
        if proc.returncode == 0:  # done before the signal came
            assert out.startswith(b"{") and not err
            continue
        assert proc.returncode in STATUS_130, err.decode()
        assert err.decode().splitlines()[-1] == NOTHING["zh"]


def test_a_ctrl_c_before_the_group_begins_is_told(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One while typer builds the commands (before ``_Group.main`` and its journal): told by kctrack.cli.main."""
    from kctrack import cli

    def stop(*_: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("typer.main.get_command", stop)
    monkeypatch.setattr(sys, "argv", ["kctrack", "--lang", "en", "status"])
    before = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.main()
    finally:
        signal.signal(signal.SIGINT, before)  # kctrack.cli.main ignores Ctrl-C once it is done
    assert exit_.value.code == 130
    assert capsys.readouterr().err == NOTHING["en"] + "\n"
