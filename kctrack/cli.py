"""The kctrack command line: parse, call one function of kctrack.service, render.

Every failure reaches the user as one line (or one list) on stderr and an exit
code: 1 for bad data, 2 for bad usage.  Ctrl-C, at any moment of any command,
is one line saying what had been written (``_say_interrupted``) and exit code 130.
"""

import contextlib
import difflib
import functools
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from kctrack import env, journal, service, words
from kctrack.entry import lang_of as _lang_of
from kctrack.errors import KctrackError, UsageError
from kctrack.i18n import lang_from_env, tr


class _Group(TyperGroup):
    """The command group, with click's own usage errors told in the user's language.

    Unknown commands and options, missing arguments, options without their
    value and values that are not among the choices get the same treatment as
    kctrack's own errors: one message in Chinese (or English with ``--lang en``),
    after the usage line where the parser knows it, exit code 2.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """The group's own options, with one that takes a value given twice with different values
        refused as a usage error (:func:`check_repeats`), then click's parsing."""
        try:  # the global options: --db a --db b is refused as a command's repeated option is
            check_repeats(self, _read_args(self, args, interspersed=False).given)
        except UsageError as exc:
            exc.ctx = ctx  # type: ignore[attr-defined]
            raise
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, list(self.commands), n=1)
            exc = UsageError("cli_no_command", name=name, suggestion=close[0] if close else "")
            exc.ctx = ctx  # type: ignore[attr-defined]  # for the usage line
            raise exc
        resolved, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None:  # its arguments checked (repeated options) and made readable (negative numbers)
            try:
                rest = command_args(cmd, rest)
            except UsageError as exc:
                exc.ctx = typer.Context(cmd, parent=ctx, info_name=resolved)  # type: ignore[attr-defined]
                raise
        return resolved, cmd, rest

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        lang = _lang_of(list(sys.argv[1:] if args is None else args))
        journal.begin()
        _told.clear()
        try:
            try:
                # not standalone: click's exceptions come here instead of being printed in English; the
                # commands return None (see `handled`), so an int here is the code of a typer.Exit
                rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
                code = rv if isinstance(rv, int) else 0
            except KctrackError as exc:  # raised by the group itself (an unknown command)
                code = exc.exit_code
                typer.echo(_with_usage(exc.render(lang), getattr(exc, "ctx", None), lang), err=True)
            except typer.Abort:
                code = 1
                typer.echo(tr("cli_aborted", lang), err=True)
            except typer.TyperException as exc:  # click's usage errors
                code = getattr(exc, "exit_code", 2)
                typer.echo(_usage_error(exc, lang), err=True)
        except KeyboardInterrupt:  # Ctrl-C outside a command (typer turns one inside into exit code 130)
            code = INTERRUPTED
        if code == INTERRUPTED:  # no command exits 130 of itself
            _say_interrupted(lang)
        if standalone_mode:
            sys.exit(code)
        return code


# A negative number (-1, -1.5, -.5, -1,234, -３, -十二) is never an option of kctrack's: no option is named
# by a digit.  Click would call it an unknown option; it is passed on as an argument instead, for the
# value parser to say what is wrong with it (record: "-1 is negative").
_NEGATIVE_NUMBER = re.compile(r"-(?:\.?\d|[〇零一二两三四五六七八九十百千万])")


def command_args(cmd: Any, args: list[str]) -> list[str]:
    """A command's arguments as click is to read them, checked for what click would let pass silently.

    * An option that takes one value, given twice with different values, is a
      usage error naming it (:func:`check_repeats`; click would keep the last).
    * A negative number is an argument, not an option: when there is one, the
      options are put first and the arguments, in their order, after ``--``.
    """
    read = _read_args(cmd, args)
    check_repeats(cmd, read.given)
    return [*read.options, "--", *read.arguments] if read.negative else args


@dataclass
class _Args:
    options: list[str]  # options, with the values of those that take one
    arguments: list[str]
    given: dict[str, list[str]]  # parameter name → the values given for it, in order
    negative: bool  # a negative number among the arguments


def _read_args(cmd: Any, args: list[str], interspersed: bool = True) -> _Args:
    """Tell a command's options from its arguments as click does (``interspersed=False``: up to the first
    argument, as a group reads its own), with a negative number an argument."""
    takes_value = {
        opt: param
        for param in cmd.params
        if param.param_type_name == "option" and not param.is_flag and not getattr(param, "count", False)
        for opt in (*param.opts, *param.secondary_opts)
    }
    read = _Args([], [], {}, False)
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, attached = arg.partition("=")
        if arg == "--":
            read.arguments += args[i + 1 :]
            break
        if _NEGATIVE_NUMBER.match(arg):
            read.negative = True
            read.arguments.append(arg)
        elif arg in takes_value:  # --unit 苏州
            read.options += args[i : i + 2]
            if i + 1 < len(args):
                read.given.setdefault(takes_value[arg].name, []).append(args[i + 1])
            i += 1
        elif arg.startswith("--") and eq and name in takes_value:  # --unit=苏州
            read.options.append(arg)
            read.given.setdefault(takes_value[name].name, []).append(attached)
        elif not arg.startswith("--") and arg[:2] in takes_value:  # -u苏州
            read.options.append(arg)
            read.given.setdefault(takes_value[arg[:2]].name, []).append(arg[2:])
        elif arg.startswith("-") and len(arg) > 1:  # a flag, -h, or an unknown option: click says which
            read.options.append(arg)
        elif interspersed:
            read.arguments.append(arg)
        else:
            read.arguments += args[i:]
            break
        i += 1
    return read


def check_repeats(cmd: Any, given: dict[str, list[str]]) -> None:
    """Refuse an option that takes one value given twice with different values (``--unit 苏州 --unit 南京``):
    click would keep the last without a word.  An option that takes several (``template --unit``), a
    repeated flag and the same value given twice pass."""
    for param in cmd.params:
        values = given.get(param.name or "", [])
        if not getattr(param, "multiple", False) and len(set(values)) > 1:
            raise UsageError(
                "cli_repeated_option",
                option=" / ".join(param.opts),
                values_zh="、".join(values),
                values_en=", ".join(values),
            )


INTERRUPTED = 130  # 128 + SIGINT: the code a shell reports for a program stopped by Ctrl-C
_told: list[bool] = []  # not empty once the command's Ctrl-C has been told (emptied when a command begins)


def interrupted() -> None:
    """A Ctrl-C that reached :func:`main` untold (one while typer was building the commands, before
    ``_Group.main`` could begin): told from the journal like any other, then exit 130.  One that has
    been told already (a second Ctrl-C while the first was) just exits 130."""
    import signal

    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if not _told:
            _say_interrupted(_lang_of(sys.argv[1:]))
    sys.exit(INTERRUPTED)


def _say_interrupted(lang: str) -> None:
    """One line on stderr saying what the interrupted command had written, as :mod:`kctrack.journal` holds it.

    The journal notes a transaction only once its COMMIT has gone through and a
    file only once it has its final name, so the line agrees with the database
    and the disk whatever moment the Ctrl-C hit.  A second Ctrl-C while it is
    printed only cuts it short.
    """
    a = journal.current()
    parts = []
    if a.migrating:
        parts.append(tr("intr_migrating", lang))
    elif a.migrated:
        parts.append(tr("intr_migrated", lang))
    if a.runs:  # an import: one run (``undo --run`` reverts it)
        parts.append(tr("intr_run", lang, run=_id_ranges(a.runs, lang), batches=_id_ranges(a.batches, lang)))
    elif a.batches:
        parts.append(tr("intr_batches", lang, batches=_id_ranges(a.batches, lang)))
    elif a.changed:
        parts.append(tr("intr_changed", lang))
    if a.files:
        parts.append(tr("intr_files", lang, n=len(a.files), last=a.files[-1]))
    text = tr("interrupted", lang, what=("；" if lang == "zh" else "; ").join(parts or [tr("intr_nothing", lang)]))
    _told.append(True)
    with contextlib.suppress(KeyboardInterrupt):
        typer.echo(text, err=True)


def _id_ranges(ids: list[int], lang: str) -> str:
    """Batch ids for a message, consecutive ones as a range: [4, 5, 6, 9] → "4–6、9" ("4–6, 9" in English)."""
    spans: list[list[int]] = []
    for i in sorted(ids):
        if spans and i == spans[-1][1] + 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    sep = "、" if lang == "zh" else ", "
    return sep.join(str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in spans)


# The vendored click of typer exposes neither its exception classes nor its messages' parts as
# public API: the errors are told apart by class name and, for a few, by click's English wording.
# Anything not recognised still gets kctrack's framing, with click's own text as the detail.
_NOT_ONE_OF = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.+?)\.?$")
_NOT_INTEGER = re.compile(r"valid integer")
_NOT_NUMBER = re.compile(r"valid number")
_EXTRA = re.compile(r"unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)")


def _usage_error(exc: Any, lang: str) -> str:
    """A click usage error as kctrack says it: usage line, help hint, the problem."""
    kind = type(exc).__name__
    if kind == "NoArgsIsHelpError":
        return str(exc.format_message())  # plain `kctrack`: the help itself
    param = getattr(exc, "param", None)
    name = "" if param is None else " / ".join(param.opts) if param.param_type_name == "option" else param.name
    if param is not None and _from_environment(getattr(exc, "ctx", None), param):
        name = f"{param.envvar} ({name})"  # the value came from the environment: name the variable first
    detail = str(getattr(exc, "message", "") or "").removeprefix("Value error, ")
    if kind == "NoSuchOption":
        possible = sorted(exc.possibilities or [])
        text = tr("cli_no_option", lang, option=exc.option_name, suggestion=" ".join(possible))
    elif kind == "MissingParameter" and param is not None:
        key = "cli_missing_option" if param.param_type_name == "option" else "cli_missing_argument"
        text = tr(key, lang, name=name)
    elif kind == "BadParameter" and param is not None:
        if match := _NOT_ONE_OF.search(detail):
            choices = match["choices"].replace("'", "").split(", ")
            sep = "、" if lang == "zh" else ", "
            text = tr("cli_not_a_choice", lang, param=name, value=match["value"], choices=sep.join(choices))
        elif _NOT_INTEGER.search(detail):
            text = tr("cli_not_integer", lang, param=name)
        elif _NOT_NUMBER.search(detail):
            text = tr("cli_not_number", lang, param=name)
        else:
            text = tr("cli_bad_value", lang, param=name, detail=detail)
    elif kind == "BadOptionUsage" and "requires an argument" in detail:
        text = tr("cli_needs_value", lang, option=exc.option_name)
    elif match := _EXTRA.search(detail):
        text = tr("cli_extra_arguments", lang, args=match["args"])
    else:
        text = tr("cli_usage_error", lang, detail=exc.format_message())
    return _with_usage(text, getattr(exc, "ctx", None), lang)


def _from_environment(ctx: Any, param: Any) -> bool:
    """Whether a parameter's value was read from its environment variable (KCTRACK_LANG for --lang)."""
    try:
        return ctx is not None and getattr(ctx.get_parameter_source(param.name), "name", "") == "ENVIRONMENT"
    except (AttributeError, KeyError):
        return False


def _with_usage(text: str, ctx: Any, lang: str) -> str:
    """The message after the command's usage line and the -h hint (when the parser got that far)."""
    if ctx is None:
        return text
    usage = " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])
    return "\n".join([tr("cli_usage", lang, usage=usage), tr("cli_try_help", lang, command=ctx.command_path), "", text])


app = typer.Typer(
    cls=_Group,
    name="kctrack",
    help="kctrack：2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）指标跟踪。\n\n"
    "kctrack: KPI tracker for the 2020 special action for serving enterprise technology innovation.",
    epilog="Example: kctrack init && kctrack status --as-of 2020-06",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


# The one --format of the read commands (targets, status, import, history, explain, returns): the rich
# table, the JSON contract (English keys and codes), or CSV and Markdown for people (in --lang); see `show`.
Format = Annotated[TableFormat, typer.Option("--format", "-f", help="输出格式 / output format")]


# A table longer than this is not read line by line in a terminal (a national office's history is
# 19,000 batches, and laying it out took rich 9 s): it lists the first rows and says how to see the
# rest.  Machine formats (csv, json, md) list everything unless --limit is given.
TABLE_ROWS = 300
LIMIT_OPTION = typer.Option(
    "--limit",
    "-n",
    min=0,
    help=f"表格最多列出的行数，0 为全部（默认 {TABLE_ROWS}；csv/json/md 默认全部）"
    f" / rows listed at most, 0 for all (default {TABLE_ROWS} for the table; csv, json and md list all)",
)


# `status --by unit` at national scale is 60 targets × up to 320 units (16,000 lines, 17 s to lay
# out): the table lists per target the units furthest behind, as many as a province has cities
# (words.SHOW_UNITS, the default of its --limit).

# The one --as-of of status, explain, returns and export (service.as_of_month reads it for all four).
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="截至月份 YYYY-MM（默认上一个已结束的月份，限于计划期内）"
        " / as-of month (default: the last month that has ended, within the plan window)",
    ),
]


def row_limit(limit: int | None, format: TableFormat) -> int | None:
    """At most how many rows to list (None: all): ``--limit`` if given (0 = all), else a table's default."""
    if limit is None:
        limit = TABLE_ROWS if format is TableFormat.table else 0
    return limit or None


class By(StrEnum):
    task = "task"
    unit = "unit"
    month = "month"


@dataclass
class Settings:
    db: str | None = None
    lang: str = "zh"
    no_color: bool = False


def settings(ctx: typer.Context | None) -> Settings:
    obj = ctx.find_object(Settings) if ctx is not None else None
    return obj or Settings(lang=lang_from_env())


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="KCTRACK_DB",
            help="数据库：文件路径或 SQLAlchemy URL（默认 ./kctrack.db）/ database path or URL",
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", envvar="KCTRACK_LANG", help="输出语言 / output language")] = Lang.zh,
    no_color: Annotated[bool, typer.Option("--no-color", help="不使用颜色 / no colour")] = False,
) -> None:
    ctx.obj = Settings(db=db, lang=lang.value, no_color=no_color)
    env.check_all()  # KCTRACK_USER, KCTRACK_BUSY_TIMEOUT…: a bad one stops every command before it begins


F = TypeVar("F", bound=Callable[..., Any])


def handled(fn: F) -> F:
    """Turn a KctrackError into its message on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)  # a command's result is what it prints; its exit code comes from typer.Exit
        except KctrackError as exc:
            s = settings(kwargs.get("ctx"))
            typer.echo(exc.render(s.lang), err=True)
            raise typer.Exit(code=exc.exit_code) from None
        except RuntimeError as exc:  # CPython 3.11 wraps a Ctrl-C inside a class's __set_name__ (a lazy import)
            if isinstance(exc.__cause__, KeyboardInterrupt):
                raise KeyboardInterrupt from None
            raise
        except BrokenPipeError:  # `kctrack status | head`: the reader has what it wanted and left
            raise typer.Exit(code=_reader_gone()) from None

    return wrapper  # type: ignore[return-value]


READER_GONE = 141  # 128 + SIGPIPE: what a shell reports for `yes | head`'s writer


def _reader_gone() -> int:
    """The reader of stdout has closed the pipe: say nothing more there (Python would complain at exit
    when it flushes what is left), exit code :data:`READER_GONE`."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return READER_GONE


def notify(s: Settings, notices: list[tuple[str, dict[str, Any]]]) -> None:
    for key, params in notices:
        typer.echo(tr(key, s.lang, **params), err=True)


def console(s: Settings) -> Any:
    from kctrack.render import make_console

    return make_console(s.no_color)


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def stdout_is_file() -> bool:
    """Whether stdout is a regular file (``kctrack status --format csv > x.csv``), not a pipe or a terminal."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # no file descriptor (captured output): not a file
        return False


def emit_csv(text: str) -> None:
    """CSV on stdout.  Redirected to a file, it is a CSV file for people like the one ``kctrack export x.csv``
    writes: UTF-8 with the byte-order mark (service.CSV_FILE_ENCODING), so that Excel on a Chinese Windows
    does not read it as GBK, whatever the locale's encoding.  A pipe or a terminal gets it without (a
    program reads the pipe)."""
    if not stdout_is_file():
        emit(text)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write((text if text.endswith("\n") else text + "\n").encode(service.CSV_FILE_ENCODING))
    sys.stdout.buffer.flush()


def emit_pieces(pieces: Iterable[str], *, bom: bool = False) -> None:
    """Text written to stdout piece by piece as it is made (a streamed history); ``bom``: the first piece
    with the byte-order mark, as :func:`emit_csv` writes a CSV redirected to a file."""
    for i, piece in enumerate(pieces):
        if bom and i == 0:
            sys.stdout.flush()
            sys.stdout.buffer.write(piece.encode(service.CSV_FILE_ENCODING))
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(piece)
    sys.stdout.flush()


def show(
    s: Settings,
    format: TableFormat,
    *,
    table: Callable[[Any], None],
    doc: Callable[[], Any],
    flat: Callable[[], tuple[list[str], list[list[Any]]]],
) -> None:
    """A read command's result in the format asked for, each built only when asked for: ``table`` draws the
    rich table on the console it is given; ``doc`` is the JSON document (the stable English contract);
    ``flat`` the header and rows that CSV and Markdown print, for people, in ``--lang`` (CSV redirected to a
    file starts with the byte-order mark: :func:`emit_csv`).

    All of it, up to its last newline, has left stdout when this returns: what the command says next on
    stderr (an import's summary, "only the newest 300") comes after it in ``2>&1 | less``, never inside.
    """
    from kctrack import render

    if format is TableFormat.json:
        emit(render.dump_json(doc()))
    elif format is TableFormat.csv:
        emit_csv(words.to_csv(*flat()))
    elif format is TableFormat.md:
        emit(words.to_markdown(*flat()))
    else:
        table(console(s))
    sys.stdout.flush()


# -- commands ------------------------------------------------------------------------


@app.command()
@handled
def init(
    ctx: typer.Context,
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="计划文件（默认内置 data/targets.yaml）/ plan file (default: the bundled one)"),
    ] = None,
) -> None:
    """创建或升级数据库并载入计划；可重复执行，计划修改后说明变化。

    Create or upgrade the database and load the plan; idempotent; after an edit
    of the plan it says what changed.

    用自己的计划文件 / with a plan file of your own: kctrack init --plan 2021.yaml

    Example: kctrack init
    """
    s = settings(ctx)
    r = service.init(s.db, plan)
    notify(s, r.notices)
    name = f"{r.plan.code} {r.plan.name.get(s.lang)}"
    if r.change.first:
        typer.echo(
            tr(
                "init_created",
                s.lang,
                db=r.db,
                plan=name,
                targets=len(r.plan.commitments),
                resources=len(r.plan.resources),
                milestones=len(r.plan.milestones),
                units=len(r.plan.units),
            )
        )
    elif r.change.unchanged:
        typer.echo(tr("init_unchanged", s.lang, db=r.db, plan=name))
    else:
        c = r.change
        typer.echo(
            tr("init_changed", s.lang, plan=name, added=len(c.added), removed=len(c.removed), changed=len(c.changed))
        )
        for code in c.added:
            typer.echo(tr("init_added", s.lang, code=code))
        for code in c.removed:
            typer.echo(tr("init_removed", s.lang, code=code))
        for code, key, old, new in c.changed:
            typer.echo(tr("init_change", s.lang, code=code, field=key, old=old, new=new))


@app.command()
@handled
def targets(
    ctx: typer.Context,
    format: Format = TableFormat.table,
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="显示并校验一个计划文件，而非数据库中的计划 / show and check a plan file"),
    ] = None,
) -> None:
    """列出计划：全部量化指标、分市分解和里程碑。

    List the plan: every quantified target, the split by city, the milestones.

    Example: kctrack targets --format json
    """
    s = settings(ctx)
    p = service.targets(s.db, plan)
    from kctrack import render
    from kctrack.plan import targets_json

    show(
        s,
        format,
        table=lambda c: render.targets_table(c, p, s.lang),
        doc=lambda: targets_json(p, s.lang),
        flat=lambda: render.targets_flat(p, s.lang),
    )


@app.command()
@handled
def record(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="指标或里程碑编号 / target or milestone code")],
    value: Annotated[str, typer.Argument(help="当月完成量，里程碑填 done / the month's amount, or done")],
    month: Annotated[str, typer.Option("--month", "-m", help="月份 YYYY-MM / month")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="填报单位（名称，可带“市”）/ reporting unit")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注 / note")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="修改已锁定月份的原因 / why a locked month is changed")
    ] = None,
) -> None:
    """记录某月的完成量（同一单位同一月份再次记录即更正，原值保留在历史中）。

    Record the amount achieved in a month. Recording the same target, unit and
    month again corrects it; the earlier figure stays in history.

    Example: kctrack record TECH_MANAGER_TEAMS 5 --month 2020-06 --unit 苏州
    """
    s = settings(ctx)
    r = service.record(s.db, code, value, month, unit, note, reason)
    for warning in r.warnings:
        typer.echo(warning.render(s.lang), err=True)
    fmt = words.fmt
    unit_name = r.unit_name.get(s.lang)
    if r.batch is None:
        typer.echo(tr("record_unchanged", s.lang, code=r.code, unit=unit_name, month=r.month, value=fmt(r.value)))
    elif r.old is None:
        typer.echo(
            tr("recorded", s.lang, code=r.code, unit=unit_name, month=r.month, value=fmt(r.value), batch=r.batch)
        )
    else:
        typer.echo(
            tr(
                "recorded_correction",
                s.lang,
                code=r.code,
                unit=unit_name,
                month=r.month,
                old=fmt(r.old),
                value=fmt(r.value),
                batch=r.batch,
            )
        )


@app.command()
@handled
def status(
    ctx: typer.Context,
    as_of: AsOf = None,
    by: Annotated[By, typer.Option("--by", help="按任务、单位或月份展示 / group by")] = By.task,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看一个填报单位 / one unit only")] = None,
    format: Format = TableFormat.table,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=0,
            help=f"--by unit 表格每个指标最多列出的单位数，0 为全部（默认 {words.SHOW_UNITS}）"
            f" / --by unit table: units listed per target at most, 0 for all (default {words.SHOW_UNITS})",
        ),
    ] = None,
    all_units: Annotated[
        bool, typer.Option("--all", help="--by unit 表格列出全部单位 / --by unit table: list every unit")
    ] = False,
) -> None:
    """各项指标对照进度：实际、应完成、完成率和状态。

    Where every target stands against where it should be by now.  In the
    table by unit, a target with more units than --limit lists the furthest
    behind and counts the rest (--all lists them all); csv and json list every unit.

    按单位的表格中，单位多于 --limit 个的指标只列出最落后的几个，其余计数（--all 列出全部）；csv/json 列出全部。

    Example: kctrack status --as-of 2020-06 --by unit
    """
    s = settings(ctx)
    # the split by unit is read only where it is shown: JSON, --by unit (and --unit, which needs it)
    r = service.status(s.db, as_of, unit, breakdown=format is TableFormat.json or by is By.unit)
    notify(s, r.notices)
    from kctrack import render
    from kctrack.status import to_json as status_json

    per_target = None if all_units else (words.SHOW_UNITS if limit is None else limit) or None
    left_out: list[int] = []
    show(
        s,
        format,
        table=lambda c: left_out.append(render.status_table(c, r.report, s.lang, r.db, by.value, per_target)),
        doc=lambda: status_json(r.report, s.lang),
        flat=lambda: render.status_flat(r.report, s.lang, by.value),
    )
    if left_out and left_out[0]:
        typer.echo(tr("units_limited", s.lang, limit=per_target, left_out=f"{left_out[0]:,}"), err=True)


@app.command()
@handled
def demo(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option("--as-of", help="演示数据截至月份 / demo data up to")] = "2020-09",
) -> None:
    """生成演示数据库（默认 ./kctrack-demo.db）并显示进度表。

    Write a demo database with realistic sample returns (./kctrack-demo.db
    unless --db is given) and show its status table.

    Example: kctrack demo && kctrack --db kctrack-demo.db status --as-of 2020-09
    """
    s = settings(ctx)
    from kctrack.demo import build_demo

    db = s.db or "kctrack-demo.db"
    r = build_demo(db, as_of)
    typer.echo(tr("demo_written", s.lang, db=r.db, records=r.records, month=r.as_of), err=True)
    from kctrack import render

    st = service.status(db, r.as_of)
    render.status_table(console(s), st.report, s.lang, st.db, "task")


@app.command()
@handled
def template(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Argument(help="输出文件 .xlsx（或 --all-units 时的目录）/ output file, or folder with --all-units")
    ],
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="<str>",
            help="填报单位；可重复，每个单位一个文件，OUT 为目录 / reporting unit; repeat it for one file each,"
            " OUT then a folder",
        ),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", "-m", help="月份 YYYY-MM（不填则由单位填写）/ month")] = None,
    all_units: Annotated[
        bool, typer.Option("--all-units", help="为每个填报单位各生成一个文件 / one file per unit")
    ] = False,
) -> None:
    """生成月报模板：本单位负责的指标，输入格受保护与校验。

    Write the monthly return form for a unit (or several, or every unit), ready to fill.

    Example: kctrack template returns/ --all-units --month 2020-06
    """
    from kctrack import render

    s = settings(ctx)
    r = service.template(s.db, out, unit or [], month, all_units, s.lang)
    for path, u, rows in r.files:
        typer.echo(render.template_line(r.plan, path, u, rows, s.lang))


@app.command("import")
@handled
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="月报文件或目录 / return files or folders")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只预演，不写入 / show what would change, write nothing")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="以更正版取代已导入的同单位同月月报 / supersede a return already imported")
    ] = False,
    errors_out: Annotated[
        Path | None,
        typer.Option(
            "--errors-out", help="把出错的工作簿标注后写到此目录 / write marked copies of faulty workbooks here"
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="表内未写单位时使用 / unit when the sheet names none")
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", "-m", help="表内未写月份时使用 / month when the sheet names none")
    ] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="收到日期 YYYY-MM-DD（默认今天）/ date the return arrived")
    ] = None,
    format: Format = TableFormat.table,
    reason: Annotated[
        str | None, typer.Option("--reason", help="修改已锁定月份的原因 / why a locked month is changed")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="警告也视为错误，全不写入 / refuse on any warning (above quota, gaps, totals)"),
    ] = False,
) -> None:
    """导入月报：先全部校验，再在一个事务中全部写入（或全不写入）。

    Import monthly returns: validate everything, then write all of it in one
    transaction, or nothing.

    Example: kctrack import returns/2020-06/ --dry-run
    """
    s = settings(ctx)
    from kctrack import render

    with _progress(s, paths) as advance:
        r = service.import_returns(
            s.db,
            paths,
            unit=unit,
            month=month,
            dry_run=dry_run,
            replace=replace,
            strict=strict,
            received=received,
            errors_out=errors_out,
            lang=s.lang,
            progress=advance,
            reason=reason,
        )

    def changes(c: Any) -> None:  # the table lists the changes of a dry run, or of an import refused
        if (dry_run or r.problems) and r.changes:
            assert r.plan is not None
            render.import_changes_table(c, r.plan, r.changes, s.lang)

    show(
        s,
        format,
        table=changes,
        doc=lambda: render.import_json(r, s.lang),
        flat=lambda: render.import_flat(r, s.lang),
    )
    for line in render.import_summary(r, s.lang):
        typer.echo(line, err=True)
    if r.problems:
        raise typer.Exit(code=1)


def _progress(s: Settings, paths: list[Path]) -> Any:
    """A progress bar on stderr when there are several files to read, and only on a terminal."""
    import contextlib

    files = [p for p in paths if p.is_file()] + [f for p in paths if p.is_dir() for f in p.glob("*.xlsx")]
    if len(files) < 3 or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from rich.progress import Progress

    from kctrack.render import make_console

    @contextlib.contextmanager
    def bar() -> Any:
        with Progress(console=make_console(s.no_color, stderr=True), transient=True) as progress:
            task = progress.add_task(tr("imp_reading", s.lang), total=len(files))
            yield lambda path: progress.advance(task)

    return bar()


@app.command()
@handled
def history(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Option("--target", "-t", help="只看一个指标 / one target only")] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看一个单位 / one unit only")] = None,
    format: Format = TableFormat.table,
    limit: Annotated[int | None, LIMIT_OPTION] = None,
) -> None:
    """全部写入批次（导入文件或 record 命令）：时间、操作人、来源、增改内容。

    Every batch written (an imported return or a record command): when, who,
    from where, what it added or replaced.  The table lists the newest 300
    (--limit).

    表格只列出最近的 300 个批次（--limit）。

    Example: kctrack history --target TECH_MANAGER_TEAMS --format json
    """
    from kctrack import render

    s = settings(ctx)
    streamed = format is not TableFormat.table  # csv, json and md are written a batch at a time
    with service.history(s.db, target, unit, records=streamed, newest=row_limit(limit, format)) as (plan, found, total):
        if streamed:
            text = render.HistoryText(format.value, plan, s.lang)
            emit_pieces(text.pieces(found, total), bom=format is TableFormat.csv and stdout_is_file())
            shown = text.shown
        else:
            batches = list(found)
            shown = len(batches)
            render.history_table(console(s), plan, batches, s.lang)
            sys.stdout.flush()
    if shown < total:
        typer.echo(tr("history_limited", s.lang, shown=f"{shown:,}", total=f"{total:,}"), err=True)


@app.command()
@handled
def undo(
    ctx: typer.Context,
    batch: Annotated[int | None, typer.Argument(help="批次号（见 kctrack history）/ batch number")] = None,
    run: Annotated[
        int | None, typer.Option("--run", help="撤销整个导入批次组（一次 import）/ undo a whole import run")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只预演，不写入 / show what would be undone, write nothing")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="修改已锁定月份的原因 / why a locked month is changed")
    ] = None,
) -> None:
    """撤销一个批次或一次导入（--run）；撤销更正版月报会恢复被它取代的原月报。

    Revert one batch, or every return of one import run (--run); undoing a
    corrected return restores the one it replaced.

    Example: kctrack undo --run 3 --dry-run
    """
    s = settings(ctx)
    r = service.undo(s.db, batch, reason, run=run, dry_run=dry_run)
    undone, restored = ("undo_would", "undo_would_restore") if r.dry_run else ("undone", "undone_restored")
    for b in r.batches:
        typer.echo(tr(undone, s.lang, batch=b.id, source=b.source, records=len(b.records) or b.count))
    if r.restored:
        typer.echo(tr(restored, s.lang, batches=words.id_list(r.restored, s.lang)))
    if r.dry_run:
        typer.echo(tr("undo_dry", s.lang), err=True)


@app.command()
@handled
def explain(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="指标编号 / target code")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看一个单位 / one unit only")] = None,
    as_of: AsOf = None,
    format: Format = TableFormat.table,
    limit: Annotated[int | None, LIMIT_OPTION] = None,
) -> None:
    """说明一个数字的来历：逐条列出计入的记录及其来源单元格。

    How a status figure is made: each record behind it, with the cell or
    command it came from.  The table lists the first 300 (--limit); the
    total counts them all.

    表格只列出前 300 条（--limit），合计仍计入全部记录。

    Example: kctrack explain TECH_MANAGER_TEAMS --unit 苏州 --as-of 2020-06
    """
    s = settings(ctx)
    e = service.explain(s.db, code, unit, as_of, row_limit(limit, format))
    from kctrack import render

    show(
        s,
        format,
        table=lambda c: render.explain_table(c, e, s.lang),
        doc=lambda: render.explain_json(e),
        flat=lambda: render.explain_flat(e, s.lang),
    )
    if len(e.records) < e.in_all:
        typer.echo(tr("explain_limited", s.lang, shown=f"{len(e.records):,}", total=f"{e.in_all:,}"), err=True)


@app.command()
@handled
def returns(
    ctx: typer.Context,
    as_of: AsOf = None,
    format: Format = TableFormat.table,
) -> None:
    """月报收取情况：各单位 × 4–12 月，按时 / 迟报 / 缺报 / 未到期。

    Which returns came in: reporting units × months, received / late /
    missing / not yet due, so you know whom to chase.

    Example: kctrack returns --as-of 2020-09
    """
    s = settings(ctx)
    g = service.returns_grid(s.db, as_of)
    from kctrack import render

    show(
        s,
        format,
        table=lambda c: render.grid_table(c, g, s.lang),
        doc=lambda: render.grid_json(g),
        flat=lambda: render.grid_flat(g, s.lang),
    )


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    md = "md"
    csv = "csv"
    json = "json"
    docx = "docx"


@app.command()
@handled
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="输出文件 / output file (.xlsx .docx .md .csv .json)")],
    as_of: AsOf = None,
    format: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", help="格式（默认按扩展名）/ format (default: from the extension)"),
    ] = None,
    attachment: Annotated[
        Path | None,
        typer.Option("--attachment", help="docx 报告的附件工作簿（默认同名 .xlsx）/ the report's workbook"),
    ] = None,
    dated: Annotated[
        str | None,
        typer.Option("--date", help="docx 报告的成文日期（默认今天）/ the report's date (default: today)"),
    ] = None,
) -> None:
    """导出年度总结（报中国科协）：工作簿按文件的 15 项任务排版，含图表；.docx 为按 GB/T 9704-2012 排版的工作情况报告（附工作簿）；也可导出 md/csv/json。

    Export the year-end summary for CAST in the document's own layout, with
    charts; the report to CAST as an official document (.docx, GB/T
    9704-2012) with the workbook as its attachment; or the figures as
    Markdown, CSV or JSON.

    Example: kctrack export 2020年度报告.docx --as-of 2020-12 --date 2020-12-31
    """
    s = settings(ctx)
    r = service.export(s.db, out, as_of, format.value if format else None, s.lang, attachment, dated)
    if r.attachment is not None:
        typer.echo(tr("rp_written", s.lang, path=out, month=r.as_of, attachment=r.attachment), err=True)
    else:
        typer.echo(tr("xp_written", s.lang, path=out, format=r.format, as_of=r.as_of), err=True)


@app.command()
@handled
def lock(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Argument(help="月份 YYYY-MM；不填则列出已锁定的月份 / month; none lists the locked ones")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="说明 / note")] = None,
    format: Annotated[
        TableFormat | None,
        typer.Option("--format", "-f", help="列出锁定月份的格式 / format of the list (without MONTH)"),
    ] = None,
) -> None:
    """锁定已上报的月份（此后修改须写明 --reason）；不带月份则列出已锁定的月份。

    Freeze a month once it has been reported: later changes to it need
    --reason and are flagged in history and in the export.  Without a month
    (kctrack lock), list the locked months: when, by whom, why.

    Example: kctrack lock 2020-06
    """
    s = settings(ctx)
    if month is None:
        if reason is not None:
            raise UsageError("lock_reason_needs_month")
        _list_locks(s, service.locks(s.db), format or TableFormat.table)
        return
    if format is not None:
        raise UsageError("lock_format_needs_list")
    month_, changed = service.lock(s.db, month, False, reason)
    if changed:
        typer.echo(tr("locked", s.lang, month=month_))
    else:
        typer.echo(tr("lock_unchanged", s.lang, month=month_, state=tr("lock_state_locked", s.lang)))


def _list_locks(s: Settings, locks: list[Any], format: TableFormat) -> None:
    from kctrack import render

    def table(c: Any) -> None:
        if locks:
            render.locks_table(c, locks, s.lang)
        else:
            typer.echo(tr("lock_none", s.lang))

    show(
        s,
        format,
        table=table,
        doc=lambda: render.locks_json(locks),
        flat=lambda: render.locks_flat(locks, s.lang),
    )


@app.command()
@handled
def unlock(
    ctx: typer.Context,
    month: Annotated[str, typer.Argument(help="月份 YYYY-MM / month")],
    reason: Annotated[str | None, typer.Option("--reason", help="解锁原因 / why")] = None,
) -> None:
    """解锁一个月份（锁定与解锁均记入历史）。

    Unlock a month (locks and unlocks are both kept in history).

    Example: kctrack unlock 2020-06 --reason "南京补报"
    """
    s = settings(ctx)
    month_, changed = service.lock(s.db, month, True, reason)
    if changed:
        typer.echo(tr("unlocked", s.lang, month=month_))
    else:
        typer.echo(tr("lock_unchanged", s.lang, month=month_, state=tr("lock_state_unlocked", s.lang)))


db_app = typer.Typer(
    help="数据库维护：备份与检查 / database upkeep: backup and check",
    epilog="Example: kctrack db check",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("backup")
@handled
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="备份文件（默认在数据库旁加时间戳）/ backup file")] = None,
) -> None:
    """用 SQLite 在线备份 API 备份数据库（写入中也安全）；PostgreSQL 请用 pg_dump。

    Back the database up with SQLite's online backup API (safe while others
    write); for PostgreSQL it prints the pg_dump advice.

    Example: kctrack db backup backups/kctrack-2020-06.db
    """
    s = settings(ctx)
    dest = service.backup(s.db, path)
    typer.echo(tr("backup_written", s.lang, path=dest))


@db_app.command("upgrade")
@handled
def db_upgrade(ctx: typer.Context) -> None:
    """把数据库结构升级到本程序的版本（SQLite 先自动备份）；只读的命令从不升级。

    Upgrade the database schema to this kctrack's (a SQLite database is
    backed up first); commands that only read never upgrade.

    Example: kctrack db upgrade
    """
    s = settings(ctx)
    head, notices = service.upgrade(s.db)
    notify(s, notices)
    if not notices:
        typer.echo(tr("db_upgrade_done", s.lang, head=head))


@db_app.command("check")
@handled
def db_check(ctx: typer.Context) -> None:
    """检查数据库完整性并报告结构版本（不做升级）。

    Run the integrity check and report the schema version (upgrades nothing).

    Example: kctrack db check
    """
    s = settings(ctx)
    r = service.check(s.db)
    params = {
        "db": r.db,
        "dialect": r.dialect,
        "version": r.version or "-",
        "head": r.head,
        "integrity": tr("check_ok", s.lang) if r.integrity == "ok" else r.integrity,
        "batches": r.batches,
        "records": r.records,
    }
    typer.echo(tr("check_report", s.lang, **params))
    if r.integrity != "ok":
        typer.echo(tr("check_bad", s.lang, integrity=r.integrity), err=True)
        raise typer.Exit(code=1)


register_app = typer.Typer(
    help="名册、人才库与档案：列出与检查 / registers (the lists behind the counts): list and check",
    epilog="Example: kctrack register check --as-of 2020-09",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
)
app.add_typer(register_app, name="register")

WithNames = Annotated[
    bool,
    typer.Option("--with-names", help="显示个人信息（专家姓名等）/ show personal data (experts' names)"),
]


@register_app.command("list")
@handled
def register_list(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="名册编号或名称（如 科技服务队名册）/ register code or name")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看一个填报单位 / one unit only")] = None,
    as_of: AsOf = None,
    format: Format = TableFormat.table,
    with_names: WithNames = False,
) -> None:
    """列出名册截至某月在册的条目：单位、列入月份、各字段和来源单元格。

    The entries of a register in force at the as-of month, of every unit or
    of one: unit, month listed, each field, the cell it came from.  Personal
    data (experts' names) is left out unless --with-names.  The table shows
    the optional fields some row fills, as many as the width holds (it says
    which it left out); csv, json and md list every field.

    个人信息（专家姓名）默认不显示，加 --with-names 显示；表格只列出有内容且放得下的非必填字段（并注明未显示的），csv/json/md 列出全部字段。

    Example: kctrack register list SERVICE_TEAM_ROSTER --as-of 2020-09
    """
    s = settings(ctx)
    r = service.register_list(s.db, code, unit, as_of, with_names)
    from kctrack import render

    show(
        s,
        format,
        table=lambda c: render.register_list_table(c, r, s.lang),
        doc=lambda: render.register_list_json(r, s.lang),
        flat=lambda: render.register_list_flat(r, s.lang),
    )
    if r.left_out and format is not TableFormat.table:  # the table says it under itself
        typer.echo(render.personal_left_out(r, s.lang), err=True)


@register_app.command("check")
@handled
def register_check(
    ctx: typer.Context,
    as_of: AsOf = None,
    format: Format = TableFormat.table,
    with_names: WithNames = False,
) -> None:
    """检查名册是否符合文件的规定（如每队7至10人）；有违反时退出码为 1。

    Check the registers against the document's rules (a team of 7 to 10
    experts, the quotas, one firm name per credit code): every finding with
    its rule, units and cells.  Exits 1 when a rule is broken; a rule that
    cannot be checked yet is a notice and says how to make it checkable.

    Example: kctrack register check --as-of 2020-09
    """
    s = settings(ctx)
    r = service.register_check(s.db, as_of, with_names)
    from kctrack import render

    show(
        s,
        format,
        table=lambda c: render.register_check_table(c, r, s.lang),
        doc=lambda: render.register_check_json(r, s.lang),
        flat=lambda: render.register_check_flat(r, s.lang),
    )
    if format is not TableFormat.table:  # the table ends with it
        typer.echo(render.register_check_summary(r, s.lang), err=True)
    if r.violations:
        raise typer.Exit(code=1)


def main() -> None:
    """The ``kctrack`` program.  Ctrl-C is told by ``_Group.main``; around it, this makes sure a second or late
    one changes nothing: one while the first is being told exits 130 without a traceback, and one after the
    command has ended (while Python shuts down) is ignored, so the exit status is the one the output gave.

    CPython (3.11) itself ends a process by SIGINT, which a shell reports as 130 as well, when a Ctrl-C
    landed inside code it ran from a string (a dataclass being made while a module is imported), even
    though kctrack caught it and said what had been written.  A Ctrl-C while this module is imported is
    :mod:`kctrack.entry`'s to tell.
    """
    import signal

    journal.begin()  # a new command (_Group.main begins it again: nothing is written in between)
    _told.clear()
    try:
        app(prog_name="kctrack")
    except KeyboardInterrupt:  # before the group's own handling began, or a second one while the first was told
        interrupted()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
