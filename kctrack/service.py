"""What each command does, over the database: one function per command.

The CLI parses arguments and renders; these functions validate, read and
write, and raise :class:`~kctrack.errors.KctrackError` for anything wrong.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kctrack import store
from kctrack.errors import DataError, UsageError
from kctrack.plan import Milestone, Plan, Text
from kctrack.schedule import clip_month, is_month
from kctrack.status import Report, compute


def plan_of(conn: store.Connection) -> Plan:
    return Plan.from_json(store.current_plan_json(conn))


def check_month(text: str, plan: Plan, option: str = "--month") -> str:
    """A ``YYYY-MM`` inside the plan window, or a usage error naming the option."""
    text = text.strip()
    if not is_month(text):
        raise UsageError("bad_month", where=option, value=text)
    if not plan.start <= text <= plan.end:
        raise DataError("month_outside", where=option, value=text, start=plan.start, end=plan.end)
    return text


def default_as_of(plan: Plan, today: date | None = None) -> str:
    today = today or date.today()
    return clip_month(f"{today.year:04d}-{today.month:02d}", plan.start, plan.end)


def as_of_month(text: str | None, plan: Plan) -> str:
    if text is None:
        return default_as_of(plan)
    text = text.strip()
    if not is_month(text):
        raise UsageError("bad_month", where="--as-of", value=text)
    return clip_month(text, plan.start, plan.end)


# -- init -------------------------------------------------------------------------


@dataclass
class InitResult:
    db: str
    plan: Plan
    change: store.PlanChange
    notices: list[tuple[str, dict[str, object]]]


def init(db: str | None, plan_path: str | Path | None) -> InitResult:
    """Create or upgrade the database and load (or update) the plan."""
    from kctrack.planfile import load_plan
    from kctrack.resources import default_plan

    path = Path(plan_path) if plan_path else default_plan()
    plan = load_plan(path)  # validate before anything is created
    opened = store.open_db(db, create=True)
    conn = opened.conn
    try:
        with conn.transaction():
            change = store.sync_plan(conn, plan, str(path))
        return InitResult(conn.loc.display, plan, change, opened.notices)
    finally:
        conn.close()


# -- read ---------------------------------------------------------------------------


@dataclass
class StatusResult:
    report: Report
    db: str
    notices: list[tuple[str, dict[str, object]]]


def status(db: str | None, as_of: str | None = None, unit: str | None = None) -> StatusResult:
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        unit_code = plan.resolve_unit(unit) if unit else None
        report = compute(plan, month, store.totals_by_unit(conn, month), store.totals_by_month(conn), unit=unit_code)
        return StatusResult(report, conn.loc.display, opened.notices)
    finally:
        conn.close()


def targets(db: str | None, plan_path: str | None = None) -> Plan:
    """The plan: a file's when given, else the database's, else the bundled one."""
    from_file = plan_path is not None
    if not from_file:
        loc = store.locate(db)
        if loc.dialect == "sqlite" and loc.path is not None and not loc.path.exists():
            from_file = True
    if from_file:
        from kctrack.planfile import load_plan
        from kctrack.resources import default_plan

        return load_plan(plan_path or default_plan())
    opened = store.open_db(db)
    try:
        return plan_of(opened.conn)
    finally:
        opened.conn.close()


# -- record --------------------------------------------------------------------------


@dataclass
class RecordResult:
    code: str
    unit: str
    month: str
    value: float
    old: float | None
    batch: int
    unit_name: Text


def parse_value(text: str) -> float | None:
    """A number ≥ 0 (full-width digits allowed), or None for ``done``."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if t.lower() in ("done", "完成", "已完成"):
        return None
    try:
        v = float(t)
    except ValueError:
        raise UsageError("bad_value", where="VALUE", value=text) from None
    if v != v or v in (float("inf"), float("-inf")):
        raise UsageError("bad_value", where="VALUE", value=text)
    if v < 0:
        raise DataError("negative_value", where="VALUE", value=text)
    return v


def record(
    db: str | None, code: str, value_text: str, month_text: str, unit: str | None, note: str | None
) -> RecordResult:
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        item = plan.resolve_code(code)
        month = check_month(month_text, plan)
        value = parse_value(value_text)
        if isinstance(item, Milestone):
            if value is not None:
                raise UsageError("milestone_needs_done", where="VALUE", code=item.code)
            value = 1.0
            reporters = item.responsible or (plan.office,)
        else:
            if value is None:
                raise UsageError("done_needs_milestone", where="VALUE", code=item.code)
            reporters = item.reporters
        if unit is None:
            if len(reporters) != 1:
                raise UsageError(
                    "unit_required",
                    where="--unit",
                    code=item.code,
                    units=" ".join(plan.unit_name(u, "zh") for u in reporters),
                )
            unit_code = reporters[0]
        else:
            unit_code = plan.resolve_unit(unit)
            if unit_code not in reporters:
                raise DataError(
                    "unit_not_reporter",
                    where="--unit",
                    code=item.code,
                    unit=plan.unit_name(unit_code, "zh"),
                    units=" ".join(plan.unit_name(u, "zh") for u in reporters),
                )
        with conn.transaction():
            old = store.current_value(conn, item.code, unit_code, month)
            batch = store.write_batch(
                conn,
                [store.NewRecord(item.code, unit_code, month, value, note=note)],
                kind="record",
                source=f"kctrack record {item.code} {value_text} --month {month}",
            )
        return RecordResult(item.code, unit_code, month, value, old, batch, plan.unit(unit_code).name)
    finally:
        conn.close()
