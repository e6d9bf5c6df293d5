"""The kctrack command line: parse, call one function of kctrack.service, render.

Every failure reaches the user as one line (or one list) on stderr and an exit
code: 1 for bad data, 2 for bad usage.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer

from kctrack import service
from kctrack.errors import KctrackError
from kctrack.i18n import lang_from_env, tr

app = typer.Typer(
    name="kctrack",
    help="kctrack：2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）指标跟踪。\n\n"
    "kctrack: KPI tracker for the 2020 special action for serving enterprise technology innovation.",
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


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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


F = TypeVar("F", bound=Callable[..., Any])


def handled(fn: F) -> F:
    """Turn a KctrackError into its message on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KctrackError as exc:
            s = settings(kwargs.get("ctx"))
            typer.echo(exc.render(s.lang), err=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def notify(s: Settings, notices: list[tuple[str, dict[str, Any]]]) -> None:
    for key, params in notices:
        typer.echo(tr(key, s.lang, **params), err=True)


def console(s: Settings) -> Any:
    from kctrack.render import make_console

    return make_console(s.no_color)


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


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

    Example: kctrack init --plan data/targets.yaml
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
                targets=len(r.plan.targets),
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
            typer.echo(tr("init_change", s.lang, code=code, key=key, old=old, new=new))


@app.command()
@handled
def targets(
    ctx: typer.Context,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="输出格式 / output format")] = PlanFormat.table,
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

    if format is PlanFormat.json:
        from kctrack.plan import targets_json

        emit(render.to_json(targets_json(p, s.lang)))
    elif format is PlanFormat.csv:
        emit(render.to_csv(*render.targets_flat(p, s.lang)))
    else:
        render.targets_table(console(s), p, s.lang)


@app.command()
@handled
def record(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="指标或里程碑编号 / target or milestone code")],
    value: Annotated[str, typer.Argument(help="当月完成量，里程碑填 done / the month's amount, or done")],
    month: Annotated[str, typer.Option("--month", "-m", help="月份 YYYY-MM / month")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="填报单位（名称，可带“市”）/ reporting unit")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注 / note")] = None,
) -> None:
    """记录某月的完成量（同一单位同一月份再次记录即更正，原值保留在历史中）。

    Record the amount achieved in a month. Recording the same target, unit and
    month again corrects it; the earlier figure stays in history.

    Example: kctrack record TECH_MANAGER_TEAMS 5 --month 2020-06 --unit 苏州
    """
    s = settings(ctx)
    r = service.record(s.db, code, value, month, unit, note)
    from kctrack.render import fmt

    unit_name = r.unit_name.get(s.lang)
    if r.old is None:
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
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="截至月份 YYYY-MM（默认本月，限于计划期内）/ as-of month")
    ] = None,
    by: Annotated[By, typer.Option("--by", help="按任务、单位或月份展示 / group by")] = By.task,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只看一个填报单位 / one unit only")] = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="输出格式 / output format")] = TableFormat.table,
) -> None:
    """各项指标对照进度：实际、应完成、完成率和状态。

    Where every target stands against where it should be by now.

    Example: kctrack status --as-of 2020-06 --by unit
    """
    s = settings(ctx)
    r = service.status(s.db, as_of, unit)
    notify(s, r.notices)
    from kctrack import render

    if format is TableFormat.json:
        from kctrack.status import to_json

        emit(render.to_json(to_json(r.report, s.lang)))
    elif format is TableFormat.csv:
        emit(render.to_csv(*render.status_flat(r.report, s.lang, by.value)))
    elif format is TableFormat.md:
        emit(render.to_markdown(*render.status_flat(r.report, s.lang, by.value)))
    else:
        render.status_table(console(s), r.report, s.lang, r.db, by.value)


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


def main() -> None:
    app(prog_name="kctrack")
