"""What each command does, over the database: one function per command.

The CLI parses arguments and renders; these functions validate, read and
write, and raise :class:`~kctrack.errors.KctrackError` for anything wrong.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kctrack import store
from kctrack.errors import DataError, UsageError
from kctrack.files import replacing
from kctrack.plan import Milestone, Plan, Text
from kctrack.schedule import clip_month, is_month
from kctrack.status import Report, compute


def plan_of(conn: store.Connection) -> Plan:
    return Plan.from_json(store.current_plan_json(conn))


def check_month(text: str, plan: Plan, option: str = "--month") -> str:
    """A ``YYYY-MM`` inside the plan window, or a usage error naming the option."""
    text = unicodedata.normalize("NFKC", text).strip()
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
    text = unicodedata.normalize("NFKC", text).strip()
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


def status(db: str | None, as_of: str | None = None, unit: str | None = None, breakdown: bool = True) -> StatusResult:
    """Where every target stands; ``breakdown=False`` skips the split by unit (the table by task needs none)."""
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        unit_code = plan.resolve_unit(unit) if unit else None
        by_unit = store.totals_by_unit(conn, month, unit_code) if breakdown or unit_code else None
        unit_months = store.unit_by_month(conn, unit_code) if unit_code else None
        report = compute(plan, month, by_unit, store.totals_by_month(conn), unit_code, unit_months)
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
    db: str | None,
    code: str,
    value_text: str,
    month_text: str,
    unit: str | None,
    note: str | None,
    reason: str | None = None,
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
            check_locks(conn, {month}, reason)
            old = store.current_value(conn, item.code, unit_code, month)
            batch = store.write_batch(
                conn,
                [store.NewRecord(item.code, unit_code, month, value, note=note)],
                kind="record",
                source=f"kctrack record {item.code} {value_text} --month {month}",
                reason=reason,
            )
        return RecordResult(item.code, unit_code, month, value, old, batch, plan.unit(unit_code).name)
    finally:
        conn.close()


# -- template ---------------------------------------------------------------------------


@dataclass
class TemplateResult:
    files: list[tuple[Path, str, int]]  # path, unit code, rows


def template(
    db: str | None, out: Path, unit: str | None, month: str | None, all_units: bool, lang: str
) -> TemplateResult:
    from kctrack.returns import template_name, template_rows, write_template

    plan = targets(db)
    m = check_month(month, plan) if month else None
    if all_units:
        units = [u.code for u in plan.units if template_rows(plan, u.code)]
        if out.exists() and not out.is_dir():
            raise UsageError("tpl_dir_is_file", where=str(out))
        files = [(out / template_name(plan, u, m), u) for u in units]
    else:
        if unit is None:
            raise UsageError("tpl_need_unit", where="--unit")
        if out.suffix.lower() != ".xlsx":
            raise UsageError("tpl_need_xlsx", where=str(out))
        files = [(out, plan.resolve_unit(unit))]
    written = []
    for path, u in files:
        written.append((path, u, write_template(path, plan, u, m, lang)))
    return TemplateResult(written)


# -- import -------------------------------------------------------------------------------


@dataclass(slots=True)
class Change:
    code: str
    unit: str
    month: str
    old: float | None
    new: float | None
    where: str

    @property
    def kind(self) -> str:
        if self.old is None:
            return "new"
        if self.new is None:
            return "removed"
        return "unchanged" if abs(self.old - self.new) < 1e-9 else "changed"


@dataclass
class ImportResult:
    files: int
    returns: int = 0
    skipped: list[tuple[str, str, str, int]] = field(default_factory=list)  # file, unit, month, batch
    changes: list[Change] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    rejected: int = 0
    batches: list[int] = field(default_factory=list)
    error_copies: list[Path] = field(default_factory=list)
    dry_run: bool = False
    plan: Plan | None = None

    def counts(self) -> Counter[str]:
        """Changes by kind (new, changed, unchanged, removed)."""
        return Counter(c.kind for c in self.changes)


def import_returns(
    db: str | None,
    paths: list[Path],
    *,
    unit: str | None = None,
    month: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    received: str | None = None,
    errors_out: Path | None = None,
    lang: str = "zh",
    progress: Any = None,
    reason: str | None = None,
) -> ImportResult:
    """Read, validate everything, then write all returns in one transaction (or nothing)."""
    from kctrack.returns import Problem, read_returns, write_error_copies

    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        if unit is not None:
            unit = plan.resolve_unit(unit)
        if month is not None:
            month = check_month(month, plan)
        received = _received(received)
        read = read_returns(paths, plan, unit, month, progress)
        result = ImportResult(files=len(read.files), problems=list(read.problems), dry_run=dry_run, plan=plan)
        # what is already there is read inside the write transaction, so that two analysts importing
        # the same or a correcting return at once cannot both pass the checks
        with conn.transaction():
            live = store.live_returns(conn)
            current = store.current_values(conn, {r.unit for r in read.returns})
            # each target × unit's figures by month: those in force, overlaid by this import's as it is read,
            # to derive a month's amount from a running total and to check that totals never go down
            series: dict[tuple[str, str], dict[str, float]] = {}
            for (code, unit_code, m), v in current.items():
                series.setdefault((code, unit_code), {})[m] = v
            to_write: list[tuple[Any, list[store.NewRecord], list[int]]] = []
            # the running totals are kept only when some row gives a cumulative figure
            track = any(row.cumulative is not None for ret in read.returns for row in ret.rows)
            changes = result.changes
            seen_returns: dict[tuple[str, str], str] = {}

            def refuse(ret: Any, error: str, **params: Any) -> None:
                """A whole return refused, named by its file and sheet."""
                err = DataError(error, unit=plan.unit_name(ret.unit, "zh"), month=ret.month, **params)
                result.problems.append(Problem(ret.file, ret.sheet, None, None, err))

            for ret in sorted(read.returns, key=lambda r: (r.month, r.unit, str(r.file))):
                key = (ret.unit, ret.month)
                if key in seen_returns:
                    refuse(ret, "imp_return_twice", other=seen_returns[key])
                    continue
                seen_returns[key] = f"{ret.file}!{ret.sheet}"
                earlier = live.get(key, [])
                same = [b for b in earlier if b[1] == ret.sha256 and b[3] == ret.sheet]
                if same:
                    result.skipped.append((str(ret.file), ret.unit, ret.month, same[-1][0]))
                    continue
                if earlier and not replace:
                    refuse(ret, "imp_already", batch=earlier[-1][0], source=earlier[-1][2])
                    continue
                records = []
                problems_before = len(result.problems)
                at_file = f"{ret.file}!"
                for row in ret.rows:
                    value = row.this_month
                    if track:
                        known = series.get((row.code, row.unit))
                        if known is None:
                            known = series[(row.code, row.unit)] = {}
                        if row.cumulative is not None:
                            prev = sum(v for m, v in known.items() if m < row.month)
                            if row.cumulative + 1e-9 < prev:
                                result.problems.append(
                                    Problem(
                                        ret.file,
                                        ret.sheet,
                                        row.cell_of("cumulative"),
                                        row.cumulative,
                                        DataError("imp_cumulative_down", value=_n(row.cumulative), previous=_n(prev)),
                                    )
                                )
                                continue
                            if value is None:
                                value = row.cumulative - prev
                        assert value is not None
                        known[row.month] = value
                    assert value is not None
                    cell = f"{ret.sheet}!{row.cell}"
                    records.append(
                        store.NewRecord(row.code, row.unit, row.month, value, row.cumulative, row.note, cell)
                    )
                    changes.append(
                        Change(
                            row.code,
                            row.unit,
                            row.month,
                            current.get((row.code, row.unit, row.month)),
                            value,
                            at_file + cell,
                        )
                    )
                if len(result.problems) > problems_before:
                    continue
                superseded = [b[0] for b in earlier]
                if superseded:
                    new_codes = {r.target_code for r in records}
                    for b in earlier:
                        info = store.batch(conn, b[0])
                        for rec in info.records if info else []:
                            if rec["target"] not in new_codes:
                                result.changes.append(
                                    Change(rec["target"], ret.unit, ret.month, rec["value"], None, ret.sheet)
                                )
                to_write.append((ret, records, superseded))
            result.rejected = sum(1 for p in result.problems if p.cell)
            if not result.problems:
                result.returns = len(to_write)
                check_locks(conn, {ret.month for ret, _, _ in to_write}, reason)
                if not dry_run and to_write:
                    result.batches = store.write_batches(
                        conn,
                        [
                            store.NewBatch(
                                records,
                                kind="import",
                                source=str(ret.file),
                                sheet=ret.sheet,
                                sha256=ret.sha256,
                                unit_code=ret.unit,
                                month=ret.month,
                                received=received,
                                supersedes=superseded,
                                reason=reason,
                            )
                            for ret, records, superseded in to_write
                        ],
                    )
        if result.problems and errors_out is not None:
            result.error_copies = write_error_copies(result.problems, errors_out, lang)
        return result
    finally:
        conn.close()


def _n(x: float) -> str:
    return f"{x:g}"


def _received(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError("bad_date", where="--received", value=text) from None


# -- history, undo, explain ------------------------------------------------------------------


def history(
    db: str | None, target: str | None, unit: str | None, records: bool = True, newest: int | None = None
) -> tuple[Plan, list[store.BatchInfo], int]:
    """The batches (the ``newest`` so many, or all) and how many there are in all.

    ``records=False`` attaches only what a table of batches shows (their counts).
    """
    opened = store.open_db(db)
    try:
        plan = plan_of(opened.conn)
        code = plan.resolve_code(target).code if target else None
        unit_code = plan.resolve_unit(unit) if unit else None
        batches = store.batches(opened.conn, code, unit_code, records="all" if records else "unplaced", newest=newest)
        total = len(batches) if newest is None else store.count_batches(opened.conn, code, unit_code)
        return plan, batches, total
    finally:
        opened.conn.close()


@dataclass
class UndoResult:
    batch: store.BatchInfo
    restored: list[int]


def undo(db: str | None, batch_id: int, reason: str | None = None) -> UndoResult:
    opened = store.open_db(db)
    conn = opened.conn
    try:
        info = store.batch(conn, batch_id)
        if info is None:
            raise DataError("undo_no_batch", where=str(batch_id), batch=batch_id)
        if info.undone_at:
            raise DataError("undo_already", where=str(batch_id), batch=batch_id, at=info.undone_at)
        if info.superseded_by:
            raise DataError("undo_superseded", where=str(batch_id), batch=batch_id, newer=info.superseded_by)
        with conn.transaction():
            check_locks(conn, {r["month"] for r in info.records}, reason)
            restored = store.undo_batch(conn, batch_id, reason)
        return UndoResult(info, restored)
    finally:
        conn.close()


@dataclass
class Explanation:
    plan: Plan
    code: str
    unit: str | None
    as_of: str
    total: float
    records: list[dict[str, Any]]  # the first ``limit`` of them
    in_all: int  # how many records there are


def explain(db: str | None, code: str, unit: str | None, as_of: str | None, limit: int | None = None) -> Explanation:
    """Every record behind a figure (the first ``limit`` of them); the total counts them all."""
    opened = store.open_db(db)
    try:
        plan = plan_of(opened.conn)
        item = plan.resolve_code(code)
        unit_code = plan.resolve_unit(unit) if unit else None
        month = as_of_month(as_of, plan)
        rows = store.contributions(opened.conn, item.code, unit_code, month)
        total = sum(r["value"] for r in rows if r["counts"])
        return Explanation(plan, item.code, unit_code, month, total, rows[:limit], len(rows))
    finally:
        opened.conn.close()


# -- completeness ------------------------------------------------------------------------------


@dataclass
class Grid:
    plan: Plan
    as_of: str
    months: list[str]
    cells: dict[str, dict[str, str]]  # unit → month → state


def returns_grid(db: str | None, as_of: str | None) -> Grid:
    opened = store.open_db(db)
    try:
        plan = plan_of(opened.conn)
        return _returns_grid(opened.conn, plan, as_of_month(as_of, plan))
    finally:
        opened.conn.close()


def _returns_grid(conn: store.Connection, plan: Plan, month: str) -> Grid:
    from kctrack.schedule import add_months, months_between

    rows = conn.all(
        "SELECT unit_code, month, MIN(COALESCE(received, substr(created, 1, 10))) FROM batch"
        " WHERE kind = 'import' AND undone_at IS NULL GROUP BY unit_code, month"
    )
    received = {(u, m): r for u, m, r in rows}
    months = months_between(plan.start, plan.end)
    cells: dict[str, dict[str, str]] = {}
    for u in plan.units:
        if not plan.reports_anything(u.code):  # no template, no return due
            continue
        row = {}
        for m in months:
            due = f"{add_months(m, 1)}-{plan.returns_due_day:02d}"
            got = received.get((u.code, m))
            if got is not None:
                row[m] = "received" if got <= due else "late"
            else:
                row[m] = "missing" if m < month else "not_due"
        cells[u.code] = row
    return Grid(plan, month, months, cells)


# -- export ------------------------------------------------------------------------------------


def export(db: str | None, out: Path, as_of: str | None, fmt: str | None, lang: str) -> tuple[str, str]:
    """Write the year-end summary; returns (format, as-of month)."""
    from kctrack import export as xp

    fmt = fmt or {".xlsx": "xlsx", ".md": "md", ".csv": "csv", ".json": "json"}.get(out.suffix.lower())
    if fmt is None:
        raise UsageError("xp_bad_format", where=str(out))
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        report = compute(plan, month, store.totals_by_unit(conn, month), store.totals_by_month(conn))
        # the sources sheet lists the returns the figures rest on (the batches in force) and says how
        # many more are history only: `kctrack history` lists those
        batches = store.batches(conn, records="noted", live=True) if fmt == "xlsx" else []
        left_out = store.left_out_batches(conn) if fmt == "xlsx" else 0
        grid = _returns_grid(conn, plan, month) if fmt == "xlsx" else None
        db_display = conn.loc.display
    finally:
        conn.close()
    data = xp.ExportData(report, grid, batches, db_display, date.today(), left_out)
    with replacing(out) as tmp:
        if fmt == "xlsx":
            xp.write_xlsx(tmp, data, lang)
        else:
            text = {"md": xp.export_md, "csv": xp.export_csv, "json": xp.export_json}[fmt](data, lang)
            tmp.write_text(text, encoding="utf-8")
    return fmt, month


# -- period locks, backups -----------------------------------------------------------------------


def check_locks(conn: store.Connection, months: set[str], reason: str | None) -> None:
    """A change to a locked month needs a reason (it is then flagged in history and the export)."""
    locked = sorted(months & store.locked_months(conn))
    if locked and not (reason and reason.strip()):
        raise DataError("locked_month", where="--reason", months=" ".join(locked))


def lock(db: str | None, month_text: str, unlock: bool, reason: str | None) -> tuple[str, bool]:
    """Lock or unlock a month; returns (month, whether anything changed)."""
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = check_month(month_text, plan, "MONTH")
        with conn.transaction():
            is_locked = month in store.locked_months(conn)
            if is_locked != unlock:
                return month, False
            store.lock_event(conn, month, "unlock" if unlock else "lock", reason)
        return month, True
    finally:
        conn.close()


def locks(db: str | None) -> tuple[set[str], list[tuple[str, str, str, str, str | None]]]:
    opened = store.open_db(db)
    try:
        return store.locked_months(opened.conn), store.lock_events(opened.conn)
    finally:
        opened.conn.close()


def backup(db: str | None, dest: Path | None) -> Path:
    opened = store.open_db(db)
    try:
        return store.backup(opened.conn, dest)
    finally:
        opened.conn.close()


@dataclass
class CheckResult:
    db: str
    dialect: str
    version: str | None
    head: str
    integrity: str
    batches: int
    records: int


def check(db: str | None) -> CheckResult:
    """Integrity and schema version, without upgrading anything."""
    loc = store.locate(db)
    conn = store.connect(loc)
    try:
        version = store.schema_version(conn)
        integrity = store.integrity_check(conn)
        counts = (0, 0)
        if version is not None and version in store.SCHEMA_REVISIONS:
            counts = (int(conn.scalar("SELECT count(*) FROM batch")), int(conn.scalar("SELECT count(*) FROM record")))
        return CheckResult(loc.display, loc.dialect, version, store.SCHEMA_HEAD, integrity, *counts)
    finally:
        conn.close()
