"""The README's tour, run and compared with what the commands print (house style 24).

``tests/test_readme_tour.py`` runs it; ``pytest tests/test_readme_tour.py --update-readme``
rewrites the outputs in README.md with what the commands print now (the command lines and the
prose are never touched).  This module holds the logic and needs no pytest.

How README.md is read
---------------------
* A **tour block** is a fenced ```` ```text ```` or ```` ```console ```` block whose first
  non-blank line starts with ``$ kctrack``.  Every other block is left alone.
* ``$ kctrack ARGS`` is a command.  Everything after it, up to the next ``$ `` line or the end of
  the block, is what it prints: stderr and stdout interleaved as a terminal shows them.
* A command may end in ``| head -N`` or ``| tail -N``: only stdout goes through the pipe, and
  stderr comes first (as on a terminal, where kctrack's stdout into a pipe is flushed at exit).
  A ``# comment`` at the end of the line is allowed.  No other shell syntax (``&&``, ``;``,
  redirections, a second pipe, ``cat``…): the harness refuses it, so the tour stays runnable.
* ``(exit code N)`` is the last line of a command's output when kctrack exits with N ≠ 0, and only
  then (for a piped command it is kctrack's code, not the pipeline's).
* **Elision**: a line holding only ``…`` means "lines omitted here".  The lines before the first
  ``…`` must be the first lines of the output, the lines after the last ``…`` its last lines (a
  ``…`` at the end: the rest is omitted), and the lines between two ``…`` must appear in between,
  in order.  ``--update-readme`` keeps that shape: as many lines before, between and after each
  ``…`` as the README shows now (and the whole output, without ``…``, once it is that short).
* Trailing spaces are not compared (rich pads its lines; editors strip them) and are not written;
  blank lines after an output are layout (kept as they are).

How the tour runs
-----------------
In order, every block, in one fresh directory, in-process through typer's CliRunner (a few
seconds; ``kctrack demo`` makes the one demo database the tour uses), with:

* ``KCTRACK_USER=analyst``, ``NO_COLOR=1``, ``COLUMNS=80``, ``TZ=Asia/Shanghai``, no other
  ``KCTRACK_*`` setting and none of the variables that force colour;
* a frozen clock: "today" is ``TODAY`` (``kctrack.service.date``), and the time written with each
  batch (``kctrack.store.now``) is ``TODAY`` 09:00 in Shanghai plus one minute per tour command;
* the tour's return workbooks (``RETURNS`` below: 苏州's and 南京's forms as they filled them in)
  written into the directory before the first command;
* the directory is ``/tmp/tourXXXXXXXX`` and printed as ``/tmp/kctrack-tour``: the same length,
  so that rich wraps a line holding the path at the same place as in the README (this assumes a
  POSIX ``/tmp`` that is no symlink; the folder is removed afterwards).

A command that crashes (an exception kctrack does not handle) fails its block with the traceback,
and the tour goes on; ``--update-readme`` writes nothing while any command crashes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import os
import re
import shlex
import shutil
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

README = Path(__file__).resolve().parent.parent / "README.md"

ELISION = "…"
PLACEHOLDER = "/tmp/kctrack-tour"  # the tour directory as the README shows it
TOUR_PARENT = "/tmp"
TOUR_PREFIX = "tour"  # /tmp/tour + 8 random characters: as long as PLACEHOLDER
assert len(PLACEHOLDER) == len(TOUR_PARENT) + 1 + len(TOUR_PREFIX) + 8

TODAY = dt.date(2020, 7, 15)
CLOCK_START = dt.datetime(2020, 7, 15, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
ENV = {"KCTRACK_USER": "analyst", "NO_COLOR": "1", "COLUMNS": "80", "TZ": "Asia/Shanghai"}
ENV_REMOVED = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE", "LINES")

_EXIT = re.compile(r"^\(exit code (\d+)\)$")
_FENCE = re.compile(r"^```(\w*)\s*$")
_PIPE = re.compile(r"^(head|tail) -(?:n\s*)?(\d+)$")
_HEADING = re.compile(r"^#+\s+(.*)$")

# The returns the tour imports, laid out as kctrack's template (title; 填报单位 and 月份; header on
# row 5; first figure row 6, so 本月 is column E and 累计 column F).
_HEADER = ("指标编号", "指标名称", "计量单位", "本单位任务", "本月完成", "累计完成", "备注")
_TEAMS = ("TECH_MANAGER_TEAMS", "企业和园区科协行业型“技术经理人团队”", "个")
_BODIES = ("M_CITY_SPECIAL_BODIES", "市级科协会同有关工信部门成立专门机构", "里程碑", None)
RETURNS: dict[str, tuple[str, str, list[tuple[Any, ...]]]] = {
    # file: (unit, month, rows)
    "suzhou-06.xlsx": ("苏州市", "2020-06", [(*_TEAMS, 25, None, 17), _BODIES]),  # 累计 17 only
    "suzhou-05.xlsx": ("苏州市", "2020-05", [(*_TEAMS, 25, 10, None), _BODIES]),  # May: 10
    "suzhou-06-v2.xlsx": ("苏州市", "2020-06", [(*_TEAMS, 25, None, 19), _BODIES]),  # 累计 corrected to 19
    "nanjing-07.xlsx": ("南京市", "2020-07", [(*_TEAMS, 25), _BODIES]),  # a blank form
    "nanjing-06.xlsx": ("南京市", "2020-06", [(*_TEAMS, 25, "1,5", "85%"), _BODIES]),  # bad cells
}

# The registers' lists the tour imports (issue 14): each a unit's own sheet, the header on row 5.
_FIRMS = ("统一社会信用代码", "企业名称", "所在地", "服务内容", "服务月份", "备注")
_ROSTER = ("服务队名称", "牵头学会", "专家姓名", "工作单位", "职称", "专业领域")
_F1 = ("91320100617067490P", "南京汇智科技有限公司", "南京市", "核心技术攻关", "2020-07", None)
_F2 = ("91320200675763820H", "无锡精工装备股份有限公司", "无锡市", "关键问题会商", "2020-07", None)
_F3 = ("913205007019088200", "苏州纳新材料有限公司", "苏州市", "重大项目研究", "2020-07", None)
_F4 = ("913206009574854705", "南通海瑞生物科技有限公司", "南通市", "关键问题会商", "2020-07", None)
_EXPERTS = (
    "王建国",
    "李明",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "黄磊",
    "赵敏",
    "周涛",
    "吴昊",
    "徐宁",
    "孙悦",
    "马骏",
    "朱琳",
)


def _team(name: str, society: str, experts: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [(name, society, e, "东南大学", "教授", "智能制造") for e in experts]


REGISTERS: dict[str, tuple[str, str, str, tuple[str, ...], list[tuple[Any, ...]]]] = {
    # file: (unit, month, sheet, header, rows)
    "firms-office-07.xlsx": ("企工办", "2020-07", "服务企业名册", _FIRMS, [_F1, _F2, _F3]),
    "firms-centre-07.xlsx": ("企创中心", "2020-07", "服务企业名册", _FIRMS, [_F2, _F4]),  # 无锡精工 twice
    "firms-centre-07-typo.xlsx": ("企创中心", "2020-07", "服务企业名册", _FIRMS, [(_F4[0][:-1] + "4", *_F4[1:])]),
    "teams-07.xlsx": (
        "学会中心",
        "2020-07",
        "科技服务队名册",
        _ROSTER,
        _team("智能制造科技服务队", "江苏省机械工程学会", _EXPERTS[:8])
        + _team("新材料科技服务队", "江苏省材料学会", _EXPERTS[8:]),  # 6 experts: the rule is 7 to 10
    ),
}


class TourError(Exception):
    """The README's tour cannot be run as written (a shell-ism, a crash)."""


# -- reading the README ----------------------------------------------------------------------


@dataclasses.dataclass
class Command:
    line: int  # index in the README's lines of the `$ ` line
    text: str  # the command line without "$ ", verbatim
    argv: list[str]  # the arguments after `kctrack`
    pipe: tuple[str, int] | None  # ("head" | "tail", N)
    expected: list[str]  # the output as the README shows it (no exit code line, no blank lines after)
    exit_code: int
    blank_after: int  # blank lines between the output and the next command (layout)


@dataclasses.dataclass
class Block:
    start: int  # index of the first line inside the fence
    end: int  # index of the closing fence
    heading: str  # the section it is in
    commands: list[Command]

    @property
    def name(self) -> str:
        return f"README.md:{self.start + 1} ({self.heading})"


def parse_command(text: str) -> tuple[list[str], tuple[str, int] | None]:
    """``kctrack ARGS [| head -N | tail -N] [# comment]`` → (ARGS, pipe)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise TourError(f"cannot read `{text}`: {exc}") from None
    pipe = None
    if "|" in tokens:
        at = tokens.index("|")
        match = _PIPE.match(" ".join(tokens[at + 1 :]))
        if match is None:
            raise TourError(f"`{text}`: the only pipes the tour may use are `| head -N` and `| tail -N`")
        pipe = (match[1], int(match[2]))
        tokens = tokens[:at]
    shell = [t for t in tokens if t and set(t) <= set("();<>|&")]
    if shell:
        raise TourError(f"`{text}`: shell syntax {shell[0]!r} is not run by the tour; write one kctrack command")
    if not tokens or tokens[0] != "kctrack":
        raise TourError(f"`{text}`: a tour command starts with kctrack")
    return tokens[1:], pipe


def _parse_block(lines: list[str], start: int, end: int, heading: str) -> Block:
    commands: list[Command] = []
    i = start
    while i < end and not lines[i].strip():
        i += 1
    while i < end:
        line = lines[i]
        if not line.startswith("$ "):
            raise TourError(f"README.md:{i + 1}: expected a `$ kctrack …` line, found {line!r}")
        j = i + 1
        while j < end and not lines[j].startswith("$ "):
            j += 1
        body = [x.rstrip() for x in lines[i + 1 : j]]
        blank = 0
        while body and not body[-1]:
            body.pop()
            blank += 1
        code = 0
        if body and (m := _EXIT.match(body[-1])):
            code = int(m[1])
            body.pop()
            while body and not body[-1]:
                body.pop()
        argv, pipe = parse_command(line[2:])
        commands.append(Command(i, line[2:], argv, pipe, body, code, blank))
        i = j
    return Block(start, end, heading, commands)


def parse_readme(text: str) -> list[Block]:
    """The tour blocks of the README, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    heading = "(top)"
    i = 0
    while i < len(lines):
        if m := _HEADING.match(lines[i]):
            heading = m[1].strip()
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        end = next((k for k in range(i + 1, len(lines)) if lines[k].startswith("```")), None)
        if end is None:
            raise TourError(f"README.md:{i + 1}: a code block is not closed")
        first = next((x for x in lines[i + 1 : end] if x.strip()), "")
        if fence[1] in ("text", "console") and first.startswith("$ kctrack"):
            blocks.append(_parse_block(lines, i + 1, end, heading))
        i = end + 1
    return blocks


# -- running it ------------------------------------------------------------------------------


@dataclasses.dataclass
class Output:
    lines: list[str]  # normalised: the placeholder path, no trailing spaces, no blank lines at the end
    exit_code: int
    crash: str = ""  # the traceback of an exception kctrack did not handle (the tour goes on)


def write_returns(folder: Path) -> None:
    """The tour's return workbooks (RETURNS), laid out as kctrack's template, and its lists (REGISTERS)."""
    title = "2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）月报"
    for name, (unit, month, rows) in RETURNS.items():
        _workbook(folder / name, "月报", title, unit, month, _HEADER, rows)
    for name, (unit, month, sheet, head, entries) in REGISTERS.items():
        _workbook(folder / name, sheet, sheet, unit, month, head, entries)


def _workbook(
    path: Path, sheet: str, title: str, unit: str, month: str, head: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """One sheet: a title, 填报单位 and 月份 on rows 2–3, the header on row 5, the rows below."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in ([title], ["填报单位", unit], ["月份", month], [], list(head), *rows):
        ws.append(list(line))
    wb.save(path)


class _FrozenDate(dt.date):
    @classmethod
    def today(cls) -> _FrozenDate:
        return cls(TODAY.year, TODAY.month, TODAY.day)


@contextlib.contextmanager
def _environment(folder: Path) -> Iterator[list[int]]:
    """Environment, working directory and clock of the tour; yields [command number] to advance."""
    import kctrack.service
    import kctrack.store

    for module, name in ((kctrack.store, "now"), (kctrack.service, "date")):
        if not hasattr(module, name):  # else the tour would print today's date and time
            raise TourError(f"{module.__name__}.{name} is gone: freeze the clock elsewhere in tests/readme_tour.py")
    step = [0]
    saved = dict(os.environ)
    cwd = os.getcwd()
    try:
        for name in list(os.environ):
            if (name.startswith("KCTRACK_") and not name.startswith("KCTRACK_TEST_")) or name in ENV_REMOVED:
                del os.environ[name]
        os.environ.update(ENV)
        time.tzset()
        os.chdir(folder)

        def now() -> str:
            return (CLOCK_START + dt.timedelta(minutes=step[0])).isoformat(timespec="seconds")

        with mock.patch.object(kctrack.store, "now", now), mock.patch.object(kctrack.service, "date", _FrozenDate):
            yield step
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()


def _normalise(text: str, folder: Path) -> list[str]:
    for form in {str(folder.resolve()), str(folder)}:
        text = text.replace(form, PLACEHOLDER)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def run_tour(blocks: Sequence[Block]) -> list[list[Output]]:
    """Run every command of every block in order, in a fresh directory; their outputs, by block."""
    from typer.testing import CliRunner

    from kctrack.cli import app

    runner = CliRunner()
    folder = Path(tempfile.mkdtemp(prefix=TOUR_PREFIX, dir=TOUR_PARENT))
    assert len(str(folder)) == len(PLACEHOLDER), folder
    try:
        write_returns(folder)
        outputs: list[list[Output]] = []
        with _environment(folder) as step:
            for block in blocks:
                outputs.append([])
                for cmd in block.commands:
                    step[0] += 1
                    result = runner.invoke(app, cmd.argv, prog_name="kctrack")
                    crash = ""
                    if result.exception is not None and not isinstance(result.exception, SystemExit):
                        trace = "".join(traceback.format_exception(result.exception))
                        crash = f"README.md:{cmd.line + 1}: `{cmd.text}` crashed:\n{trace}"
                    if cmd.pipe is None:
                        text = result.output
                    else:
                        out = result.stdout.splitlines()
                        how, n = cmd.pipe
                        kept = out[:n] if how == "head" else out[-n:] if n else []
                        text = result.stderr + "".join(line + "\n" for line in kept)
                    lines = _normalise(text, folder)
                    if not crash and any(folder.name in line for line in lines):
                        crash = f"README.md:{cmd.line + 1}: `{cmd.text}` prints the tour folder cut across lines"
                    outputs[-1].append(Output(lines, result.exit_code, crash))
        return outputs
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- comparing and updating ----------------------------------------------------------------


def _segments(lines: list[str]) -> list[list[str]]:
    segments: list[list[str]] = [[]]
    for line in lines:
        if line == ELISION:
            segments.append([])
        else:
            segments[-1].append(line)
    return segments


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the output agrees with the README's lines, ``…`` standing for lines omitted."""
    segments = _segments(expected)
    if len(segments) == 1:
        return expected == actual
    head, *middle, tail = segments
    if actual[: len(head)] != head:
        return False
    lo, hi = len(head), len(actual) - len(tail)
    if hi < lo or (tail and actual[hi:] != tail):
        return False
    for seg in middle:
        at = next((k for k in range(lo, hi - len(seg) + 1) if actual[k : k + len(seg)] == seg), None)
        if at is None:
            return False
        lo = at + len(seg)
    return True


def shaped(expected: list[str], actual: list[str]) -> list[str]:
    """The output cut the way the README cuts it now (the same number of lines around each ``…``)."""
    segments = _segments(expected)
    if len(segments) == 1 or sum(map(len, segments)) >= len(actual):
        return list(actual)
    head, *middle, tail = segments
    out = actual[: len(head)]
    lo, hi = len(head), len(actual) - len(tail)
    for seg in middle:
        # where the segment is now: the place that keeps most of its lines, else right after the last
        candidates = range(lo, max(lo, hi - len(seg)) + 1)
        at = max(
            candidates, key=lambda k: (sum(a == b for a, b in zip(actual[k : k + len(seg)], seg, strict=False)), -k)
        )
        out += [ELISION, *actual[at : at + len(seg)]]
        lo = at + len(seg)
    out.append(ELISION)
    out += actual[hi:]
    return out if matches(out, actual) else list(actual)


def render_block(block: Block, outputs: list[Output]) -> list[str]:
    """The block's lines as --update-readme writes them."""
    lines: list[str] = []
    for cmd, out in zip(block.commands, outputs, strict=True):
        lines.append(f"$ {cmd.text}")
        lines += shaped(cmd.expected, out.lines)
        if out.exit_code:
            lines.append(f"(exit code {out.exit_code})")
        lines += [""] * cmd.blank_after
    return lines


def crashes(outputs: Sequence[Output]) -> list[str]:
    return [out.crash for out in outputs if out.crash]


def block_agrees(block: Block, outputs: list[Output]) -> bool:
    return all(
        not out.crash and matches(cmd.expected, out.lines) and cmd.exit_code == out.exit_code
        for cmd, out in zip(block.commands, outputs, strict=True)
    )


def block_diff(text: str, block: Block, outputs: list[Output]) -> str:
    """A unified diff from the README's block to what the commands print."""
    old = text.split("\n")[block.start : block.end]
    new = render_block(block, outputs)
    diff = difflib.unified_diff(old, new, block.name, "what the commands print", n=3, lineterm="")
    return "\n".join(diff)


def updated(text: str, blocks: Sequence[Block], outputs: Sequence[list[Output]]) -> str:
    """The README with every tour block's outputs replaced by what the commands print.

    Refused (TourError) while a command crashes: a traceback is not documentation.
    """
    if crashed := [c for outs in outputs for c in crashes(outs)]:
        raise TourError("not updating README.md: " + "\n".join(crashed))
    lines = text.split("\n")
    for block, outs in sorted(zip(blocks, outputs, strict=True), key=lambda bo: -bo[0].start):
        lines[block.start : block.end] = render_block(block, outs)
    return "\n".join(lines)


def update_readme(path: Path = README) -> bool:
    """Rewrite the README's tour outputs; whether the file changed."""
    text = path.read_text(encoding="utf-8")
    blocks = parse_readme(text)
    new = updated(text, blocks, run_tour(blocks))
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True
