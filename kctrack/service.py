"""What each command does, over the database: one function per command.

The CLI parses arguments and renders; these functions validate, read and
write, and raise :class:`~kctrack.errors.KctrackError` for anything wrong.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kctrack import store
from kctrack.clock import local_time
from kctrack.errors import DataError, UsageError
from kctrack.files import replacing
from kctrack.parse import IMPLAUSIBLE_FACTOR, NOTE_MAX_CHARS, exact, parse_day, parse_done, parse_month, parse_number
from kctrack.plan import Bilingual, Milestone, Plan, Target
from kctrack.schedule import clip_month
from kctrack.series import TOLERANCE
from kctrack.status import Report, compute

if TYPE_CHECKING:
    from kctrack.returns import ErrorCopies


def plan_of(conn: store.Connection) -> Plan:
    return Plan.from_json(store.current_plan_json(conn))


def check_free_text(option: str, text: str | None) -> str | None:
    """A note or reason given on the command line (``--note``, ``--reason``), unchanged when it is within
    :data:`kctrack.parse.NOTE_MAX_CHARS` characters; DataError ``text_too_long`` naming the option otherwise."""
    if text is not None and len(text) > NOTE_MAX_CHARS:
        raise DataError("text_too_long", where=option, n=f"{len(text):,}", max=NOTE_MAX_CHARS)
    return text


def check_month(text: str, plan: Plan, option: str = "--month") -> str:
    """A month inside the plan window, in any form :func:`kctrack.parse.parse_month` reads (2020-06, 2020/6,
    6月, 2020年6月份…), as ``YYYY-MM``; a usage error naming the option otherwise."""
    month = parse_month(text, int(plan.start[:4]))
    if month is None:
        raise UsageError("bad_month", where=option, value=text)
    if not plan.start <= month <= plan.end:
        raise DataError("month_outside", where=option, value=month, start=plan.start, end=plan.end)
    return month


def default_as_of(plan: Plan, today: date | None = None, months_after_end: int = 0) -> str:
    """The as-of month when none is given: the last month that has ended, clipped to the plan window
    (to ``months_after_end`` months past its end, see :func:`as_of_month`).

    The as-of month is read as complete (:mod:`kctrack.schedule`), and a month's returns come
    in the next month, so on 2020-07-03 the default is 2020-06, not July (which would read every
    July deadline as closed).  ``YYYY-MM``.
    """
    from kctrack.schedule import add_months

    today = today or date.today()
    end = add_months(plan.end, months_after_end)
    return clip_month(add_months(f"{today.year:04d}-{today.month:02d}", -1), plan.start, end)


def as_of_month(text: str | None, plan: Plan, months_after_end: int = 0) -> str:
    """``--as-of`` as ``YYYY-MM`` (any form the month parser reads), clipped to the plan window; the
    last month that has ended when not given (:func:`default_as_of`).

    ``months_after_end``: how far past the plan's end the as-of month may go (the returns grid:
    December's returns fall due in January, so it may be asked as of January).
    """
    from kctrack.schedule import add_months

    if text is None:
        return default_as_of(plan, months_after_end=months_after_end)
    end = add_months(plan.end, months_after_end)
    month = parse_month(text, int(plan.start[:4]))
    if month is None:
        raise UsageError("bad_month", where="--as-of", value=text)
    return clip_month(month, plan.start, end)


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
    opened = store.open_db(db, write=False)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        unit_code = plan.resolve_unit(unit) if unit else None
        by_unit = store.totals_by_unit(conn, month, unit_code) if breakdown or unit_code else None
        unit_months = store.unit_by_month(conn, unit_code) if unit_code else None
        report = _report(conn, plan, month, by_unit, unit_code, unit_months)
        return StatusResult(report, conn.loc.display, opened.notices)
    finally:
        conn.close()


def _report(
    conn: store.Connection,
    plan: Plan,
    month: str,
    by_unit: dict[tuple[str, str], float] | None,
    unit: str | None = None,
    unit_months: dict[tuple[str, str], float] | None = None,
) -> Report:
    """The status report from the store: the figures :func:`kctrack.status.compute` needs, with the
    split targets' figures at their deadlines (to tell a unit's quota reached late) when split."""
    at_deadline = None
    if by_unit is not None:
        closed = {t.code: t.deadline for t in plan.commitments if len(t.reporters) > 1 and t.deadline < month}
        at_deadline = store.totals_at_deadlines(conn, closed) if closed else {}
    done = store.done_months(conn, (m.code for m in plan.milestones))
    by_month = store.totals_by_month(conn)
    from_lists = _counted_from_lists(conn, plan, month, unit, by_month, by_unit, unit_months, at_deadline)
    report = compute(
        plan,
        month,
        by_unit,
        by_month,
        unit,
        unit_months,
        at_deadline=at_deadline,
        done_by_unit=done,
    )
    report.from_lists = from_lists
    if store.has_imports(conn):  # an office that keeps its figures by `record` alone has no returns to miss
        grid = _returns_grid(conn, plan, month)
        states = [s for u, row in grid.cells.items() if unit is None or u == unit for s in row.values()]
        report.returns_due = sum(s in ("received", "late", "missing") for s in states)
        report.returns_missing = states.count("missing")
    return report


@dataclass
class FromLists:
    """How a target's figure comes from its register: the units whose lists count, and (for one unit's
    view) what that unit's returns give when it differs from its list."""

    register: str
    units: list[str]
    stated: float | None = None  # the unit's returns' cumulative figure, when it differs from its list


def _counted_from_lists(
    conn: store.Connection,
    plan: Plan,
    month: str,
    unit: str | None,
    by_month: dict[tuple[str, str], float],
    by_unit: dict[tuple[str, str], float] | None,
    unit_months: dict[tuple[str, str], float] | None,
    at_deadline: dict[tuple[str, str], float] | None,
) -> dict[str, FromLists]:
    """Put the registers' counts in place of the returns' figures, in the dicts :func:`compute` reads.

    For a target a register feeds, a unit that has sent the register (up to ``month``) is counted from
    its lists from the month of its first list, what its returns gave before that carried
    (:func:`kctrack.registers.carried_level`); a unit that has not, from its returns' figures.  The
    province's figure at each month is the distinct count of all the lists (a firm two units list
    counts once), plus what the listing units carry, plus the figures of the units without a list.
    Month amounts are the growth of those end-of-month figures (:func:`kctrack.registers.amounts`).
    A unit's view of a target it alone reports shows its own list.  Returns how each such target was
    counted.
    """
    if not plan.registers:
        return {}
    from kctrack.registers import levels
    from kctrack.schedule import months_between

    months = months_between(plan.start, month)
    figs = levels(plan, store.register_entries(conn, as_of=month), months)
    if not figs.province:
        return {}
    returned: dict[tuple[str, str], dict[str, float]] = {}  # (target, unit) → month → amount
    for (t, u, m), v in store.fed_figures(conn, figs.province).items():
        if m <= month:
            returned.setdefault((t, u), {})[m] = v
    out: dict[str, FromLists] = {}
    for code in figs.province:
        own = _list_levels(figs, code, returned, months)
        _replace(by_month, code, _province_levels(figs, code, own, returned, months), months)
        item = plan.resolve_code(code)
        deadline = item.deadline if isinstance(item, Target) else month
        for u, level in own.items():
            if by_unit is not None:
                by_unit[(code, u)] = level[month]
            if at_deadline is not None and deadline in level:
                at_deadline[(code, u)] = level[deadline]
        fed = plan.fed_by(code)
        assert fed is not None
        out[code] = FromLists(fed[0].code, sorted(own))
        if unit is None or unit not in own:
            continue
        if unit_months is not None:
            _replace(unit_months, code, own[unit], months)
        if isinstance(item, Target) and item.reporters == (unit,):
            _replace(by_month, code, own[unit], months)  # its view of a target it alone reports: its own list
        stated = sum(returned.get((code, unit), {}).values())
        if returned.get((code, unit)) and abs(stated - own[unit][month]) > TOLERANCE:
            out[code].stated = stated
    return out


def _list_levels(
    figs: Any, code: str, returned: dict[tuple[str, str], dict[str, float]], months: list[str]
) -> dict[str, dict[str, float]]:
    """Each listing unit's figure of a target at the end of each month (kctrack.registers.carried_level)."""
    from kctrack.registers import carried_level

    return {
        u: carried_level(returned.get((code, u), {}), figs.by_unit[(code, u)], figs.first[(code, u)], months)
        for u in sorted(figs.listing[code])
    }


def _province_levels(
    figs: Any,
    code: str,
    own: dict[str, dict[str, float]],
    returned: dict[tuple[str, str], dict[str, float]],
    months: list[str],
) -> dict[str, float]:
    """The province's figure of a target at the end of each month: the distinct count of every list, what
    the listing units' returns gave before their first lists, and the running totals of the units
    without a list."""
    out = {}
    for m in months:
        level = figs.province[code][m]
        for u, by_month in own.items():
            level += by_month[m] - figs.by_unit[(code, u)][m] if m >= figs.first[(code, u)] else by_month[m]
        level += sum(
            sum(v for mm, v in amounts.items() if mm <= m)
            for (t, u), amounts in returned.items()
            if t == code and u not in own
        )
        out[m] = level
    return out


def _replace(figures: dict[tuple[str, str], float], code: str, levels: dict[str, float], months: list[str]) -> None:
    """A target's month amounts in ``figures`` (code, month) → amount, made the growth of ``levels``."""
    from kctrack.registers import amounts

    for key in [k for k in figures if k[0] == code]:
        del figures[key]
    figures.update({(code, m): v for m, v in amounts(levels, months).items()})


def _has_database(db: str | None) -> bool:
    """Whether there is a database to ask (a SQLite file that does not exist is none; a URL is one)."""
    loc = store.locate(db)
    return not (loc.dialect == "sqlite" and loc.path is not None and not loc.path.exists())


def targets(db: str | None, plan_path: str | None = None) -> Plan:
    """The plan: a file's when given, else the database's, else the bundled one."""
    if plan_path is not None or not _has_database(db):
        from kctrack.planfile import load_plan
        from kctrack.resources import default_plan

        return load_plan(plan_path or default_plan())
    opened = store.open_db(db, write=False)
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
    batch: int | None  # None: the record in force already states this figure, and nothing was written
    unit_name: Bilingual
    warnings: list[DataError] = field(default_factory=list)  # as an import's: above the quota


_DATA_KEYS = frozenset({"num_negative", "num_not_whole", "num_too_large"})


def parse_value(text: str, plan: Plan, item: Target | Milestone) -> float:
    """``record``'s VALUE: ``done`` for a milestone (1.0), else a figure read by the one parser of
    numbers (:func:`kctrack.parse.parse_number`: 12, 1,234, 3个, 1.2万, 十二), whole for a count.

    Raises :class:`UsageError` (``done`` for a target, a number for a milestone) or
    :class:`DataError` naming VALUE (not a number, negative, not whole, too large).
    """
    if isinstance(item, Milestone):
        if parse_done(text):
            return 1.0
        raise UsageError("milestone_needs_done", where="VALUE", code=item.code)
    if parse_done(text) and not text.strip().isdigit():
        raise UsageError("done_needs_milestone", where="VALUE", code=item.code)
    try:
        value = parse_number(text, whole=plan.is_whole(item.uom.zh), uom=item.uom.zh)
    except DataError as exc:
        # a figure that is no number is mistyped (usage, exit 2); a number that cannot be this figure is data
        cls = DataError if exc.key in _DATA_KEYS else UsageError
        params = {**exc.params, "uom_en": item.uom.en} if "uom_en" in exc.params else exc.params
        raise cls(exc.key, where="VALUE", **params) from None
    if value > IMPLAUSIBLE_FACTOR * max(item.value, 1.0):
        raise DataError(
            "imp_implausible", where="VALUE", value=exact(value), target=exact(item.value), factor=IMPLAUSIBLE_FACTOR
        )
    return value


def record(
    db: str | None,
    code: str,
    value_text: str,
    month_text: str,
    unit: str | None,
    note: str | None,
    reason: str | None = None,
) -> RecordResult:
    """Record a month's amount (or a milestone done) for a unit as one batch; a correction when the month has one.

    A figure the record in force already states (the same 本月, no 累计, and the
    same note or none given) is left as it is: nothing is written, no batch is
    made, no reason is needed for a locked month, and ``batch`` is None, as an
    import leaves an unchanged figure unchanged.

    A note or reason longer than :data:`kctrack.parse.NOTE_MAX_CHARS` is refused
    (DataError naming the option) before the database is opened.
    """
    check_free_text("--note", note)
    check_free_text("--reason", reason)
    opened = store.open_db(db)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        item = plan.resolve_code(code)
        month = check_month(month_text, plan)
        value = parse_value(value_text, plan, item)
        unit_code = _recording_unit(plan, item, unit)
        with conn.transaction():
            if _states_already(conn, item.code, unit_code, month, value, note):
                return RecordResult(item.code, unit_code, month, value, value, None, plan.unit(unit_code).name)
            _check_recorded(conn, plan, item.code, unit_code, month, value, reason)
            old = store.current_value(conn, item.code, unit_code, month)
            batch = store.write_batch(
                conn,
                [store.NewRecord(item.code, unit_code, month, value, note=note)],
                kind="record",
                source=f"kctrack record {item.code} {value_text} --month {month}",
                reason=reason,
            )
        result = RecordResult(item.code, unit_code, month, value, old, batch, plan.unit(unit_code).name)
        result.warnings += _above_quota(plan, item, unit_code, value)
        result.warnings += _listed_instead(conn, plan, item.code, unit_code, month)
        return result
    finally:
        conn.close()


def _listed_instead(conn: store.Connection, plan: Plan, code: str, unit: str, month: str) -> list[DataError]:
    """A figure recorded for a target the unit's register counts, from a month its lists count: kept, but
    not what status shows (``reg_recorded_listed``)."""
    fed = plan.fed_by(code)
    if fed is None:
        return []
    reg = fed[0]
    first = conn.scalar(
        "SELECT min(e.month) FROM register_entry e JOIN batch b ON b.id = e.batch_id"
        " WHERE e.register_code = :r AND e.unit_code = :u AND b.undone_at IS NULL AND b.superseded_by IS NULL",
        {"r": reg.code, "u": unit},
    )
    if first is None or month < first:
        return []
    return [DataError("reg_recorded_listed", code=code, unit=plan.unit_text(unit), register=reg.name, first=first)]


def _recording_unit(plan: Plan, item: Target | Milestone, unit: str | None) -> str:
    """The unit a ``record`` is for: ``--unit`` (any of its names), or the item's only reporter.

    Raises UsageError ``unit_required`` when several units report the item and none is named,
    DataError ``unit_not_reporter`` when the named unit does not report it.
    """
    reporters = plan.milestone_units(item) if isinstance(item, Milestone) else item.reporters
    if unit is None:
        if len(reporters) != 1:
            raise UsageError("unit_required", where="--unit", code=item.code, units=plan.unit_list(reporters))
        return reporters[0]
    unit_code = plan.resolve_unit(unit)
    if unit_code not in reporters:
        raise DataError(
            "unit_not_reporter",
            where="--unit",
            code=item.code,
            unit=plan.unit_text(unit_code),
            units=plan.unit_list(reporters),
        )
    return unit_code


def _above_quota(plan: Plan, item: Target | Milestone, unit: str, value: float) -> list[DataError]:
    """A recorded month above the unit's quota (or the whole target): a warning, as on import.

    Not for a milestone, nor a resource (whose engaged total was checked against what exists
    before the write, :func:`beyond_available`).
    """
    if not isinstance(item, Target) or item.is_resource:
        return []
    quota = (item.quota(unit) if item.breakdown else item.value) or 0.0
    if not quota or value <= quota:
        return []
    return [
        DataError(
            "imp_above_quota",
            where="VALUE",
            code=item.code,
            value=exact(value),
            quota=exact(quota),
            unit=plan.unit_text(unit),
        )
    ]


def _states_already(conn: store.Connection, code: str, unit: str, month: str, value: float, note: str | None) -> bool:
    """Whether the record in force for the month states this 本月 alone (no 累计), with this note when one is given."""
    stated = store.stated_in_force(conn, code, unit, month)
    if stated is None:
        return False
    this_month, cumulative, stated_note = stated
    same_note = note is None or note == stated_note
    return this_month is not None and cumulative is None and abs(this_month - value) < TOLERANCE and same_note


def _check_recorded(
    conn: store.Connection, plan: Plan, code: str, unit: str, month: str, value: float, reason: str | None
) -> None:
    """Refuse a recorded 本月 that a 累计 already imported for that unit would contradict, and a change of a
    locked month's amount (re-derived from this one) without a reason — before anything is written."""
    from kctrack.series import Stated

    before = store.series_in_force(conn, {(code, unit)})
    entry = before.get((code, unit), {"stated": {}, "amounts": {}})
    after = {(code, unit): {"stated": {**entry["stated"], month: Stated(value, None)}}}
    guard_series(conn, before, after, reason, {month}, plan)
    item = plan.find_code(code)
    if isinstance(item, Target) and item.is_resource:
        from kctrack.series import derive

        amounts = derive(after[(code, unit)]["stated"]).amounts
        over = beyond_available(item, amounts)
        if over is not None:
            room = item.value - sum(v for m, v in amounts.items() if m != month)
            raise DataError(
                "record_resource_above",
                where="VALUE",
                **_resource_params(plan, item, unit, *over),
                room=exact(max(0.0, room)),
            )


def beyond_available(resource: Target, amounts: dict[str, float]) -> tuple[str, float] | None:
    """The first month at which a resource's engaged total exceeds what exists, and that total.

    ``amounts``: {"YYYY-MM": newly engaged that month}; engaged is their running total (a
    return's 本月 is how many were newly engaged, its 累计 how many so far).  A resource is
    what the document says exists (5 signed overseas bases, 40 think-tank bases…): more than
    that engaged is a wrong figure, most often a 累计 typed as 本月.  None when within.
    """
    total = 0.0
    for month in sorted(amounts):
        total += amounts[month]
        if total > resource.value + TOLERANCE:
            return month, total
    return None


def _resource_params(plan: Plan, item: Target, unit: str, month: str, total: float) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "unit": plan.unit_text(unit),
        "month": month,
        "total": exact(total),
        "available": exact(item.value),
        "uom": item.uom,
    }


def guard_series(
    conn: store.Connection,
    before: dict[tuple[str, str], dict[str, Any]],
    after: dict[tuple[str, str], dict[str, Any]],
    reason: str | None,
    months: set[str],
    plan: Plan,
) -> None:
    """Refuse a change of the series in force that makes one disagree with itself where it did not before
    (``series_conflict``), or that changes a locked month's amount without a reason (``locked_month``).

    ``before``/``after``: (target, unit) → ``{"stated": month → Stated, …}`` as
    :func:`kctrack.store.series_in_force` gives it; ``months``: the months written
    directly.  A disagreement already in force (records kept from before
    migration 0005) does not block later changes.
    """
    from kctrack.series import derive

    changed = set(months)
    for key, entry in after.items():
        new = derive(entry["stated"])
        old = derive(before[key]["stated"]) if key in before else None
        known = {c.month for c in old.conflicts} if old else set()
        for c in new.conflicts:
            if c.month not in known:
                unit = plan.unit_text(key[1])
                where = Bilingual(f"{key[0]} · {unit.zh} · {c.month}", f"{key[0]} · {unit.en} · {c.month}")
                params = {"code": key[0], "unit": unit, "month": c.month, "cumulative": exact(c.cumulative)}
                if c.this_month is None:  # a month that stated 累计 only: it would fall below the months before
                    raise DataError(
                        "series_conflict_down",
                        where=where,
                        **params,
                        earlier=exact(c.earlier),
                    )
                raise DataError(
                    "series_conflict",
                    where=where,
                    **params,
                    earlier=exact(c.earlier),
                    this_month=exact(c.this_month),
                )
        old_amounts = old.amounts if old else {}
        changed |= {m for m in set(old_amounts) | set(new.amounts) if old_amounts.get(m) != new.amounts.get(m)}
    check_locks(conn, changed, reason)


# -- template ---------------------------------------------------------------------------


@dataclass
class TemplateResult:
    files: list[tuple[Path, str, int]]  # path, unit code, rows
    plan: Plan  # to name the units


def template(
    db: str | None, out: Path, units: Sequence[str], month: str | None, all_units: bool, lang: str
) -> TemplateResult:
    """Write the monthly return form: for one unit to the file ``out``; for several units (``--unit`` given
    more than once, the same unit named twice counting once) or ``all_units``, one file per unit in the
    folder ``out``, each named by :func:`kctrack.template.template_name` (plan, unit's name and code, month)."""
    from kctrack.template import template_name, template_rows, write_template

    plan = targets(db)
    if all_units and units:
        raise UsageError("tpl_unit_and_all_units")
    m = check_month(month, plan) if month else None
    codes = list(dict.fromkeys(plan.resolve_unit(u) for u in units))  # in the order given, once each
    if all_units:
        codes = [u.code for u in plan.units if template_rows(plan, u.code) or plan.registers_of(u.code)]
        if out.exists() and not out.is_dir():
            raise UsageError("tpl_dir_is_file", where=str(out))
        files = [(out / template_name(plan, u, m), u) for u in codes]
    elif len(codes) > 1:
        if out.suffix.lower() == ".xlsx" or (out.exists() and not out.is_dir()):
            raise UsageError("tpl_units_need_dir", where=str(out), count=len(codes))
        files = [(out / template_name(plan, u, m), u) for u in codes]
    else:
        if not codes:
            raise UsageError("tpl_need_unit", where="--unit")
        if out.suffix.lower() != ".xlsx":
            raise UsageError("tpl_need_xlsx", where=str(out))
        files = [(out, codes[0])]
    # column H: each unit's cumulative figures to the end of the month before, when there is a database to ask
    previous: dict[str, dict[str, float]] = {}
    if m is not None and _has_database(db):
        conn = store.open_db(db, write=False).conn
        try:
            previous = {u: store.cumulative_before(conn, u, m) for _, u in files}
        finally:
            conn.close()
    written = []
    for path, u in files:
        written.append((path, u, write_template(path, plan, u, m, lang, previous.get(u))))
    return TemplateResult(written, plan)


# -- import -------------------------------------------------------------------------------


@dataclass(slots=True)
class Change:
    """A month's amount before and after (None: no figure), and where the new one comes from."""

    code: str
    unit: str
    month: str
    old: float | None
    new: float | None
    origin: tuple[Any, Any] | None = None  # (return, row) of the figure; None for a re-derived or dropped month

    @property
    def where(self) -> str:
        """file!sheet!cell of the figure; "" for a month re-derived from a changed earlier month."""
        if self.origin is None:
            return ""
        ret, row = self.origin
        return f"{ret.file}!{ret.sheet}!{row.cell}"

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
    problems: list[Any] = field(default_factory=list)  # kctrack.returns.Problem
    warnings: list[Any] = field(default_factory=list)  # kctrack.returns.Problem
    rejected: int = 0
    batches: list[int] = field(default_factory=list)
    run: int | None = None
    nil: int = 0  # nil returns among those written
    error_copies: ErrorCopies | None = None  # what --errors-out wrote
    dry_run: bool = False
    strict: bool = False
    plan: Plan | None = None
    lists: int = 0  # the registers' lists written (one unit × month × register each)
    entries: int = 0  # the rows of those lists
    notes: list[Any] = field(default_factory=list)  # kctrack.returns.Problem: worth knowing, never a refusal

    def counts(self) -> Counter[str]:
        """Changes by kind (new, changed, unchanged, removed)."""
        return Counter(c.kind for c in self.changes)


@dataclass
class _AcceptedList:
    """A register's list that will be written, and the lists in force it replaces (``--replace``)."""

    lst: Any  # kctrack.register_sheets.RegisterList
    superseded: list[int]


@dataclass
class _Accepted:
    """A return that will be written, what it supersedes, and the codes those had that it does not restate."""

    ret: Any  # kctrack.returns.Return
    superseded: list[int]
    dropped: set[str]  # codes whose figure in force came from a superseded return and is not restated


def import_returns(
    db: str | None,
    paths: list[Path],
    *,
    unit: str | None = None,
    month: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    strict: bool = False,
    received: str | None = None,
    errors_out: Path | None = None,
    lang: str = "zh",
    progress: Any = None,
    reason: str | None = None,
) -> ImportResult:
    """Read, validate everything, then write all returns in one transaction as one run (or nothing).

    The steps: read the workbooks (:func:`kctrack.returns.read_returns`); pick
    the returns to write (:func:`_accept_returns`: twice in one run, already
    imported, ``replace``); check them against the series in force
    (:func:`_check_series`: 本月 against 累计, later months re-derived, quotas);
    with ``strict`` every warning refuses; write.  What is already there is read
    inside the write transaction, so that two analysts importing at once
    cannot both pass the checks.
    """
    check_free_text("--reason", reason)
    from kctrack.returns import Options, read_returns, write_error_copies

    opened = store.open_db(db, write=not dry_run)  # a dry run writes nothing: it never migrates
    conn = opened.conn
    try:
        plan = plan_of(conn)
        options = Options(
            plan.resolve_unit(unit) if unit is not None else None,
            check_month(month, plan) if month is not None else None,
        )
        received = _received(received)
        read = read_returns(paths, plan, options, progress)
        result = ImportResult(
            files=len(read.files),
            problems=list(read.problems),
            warnings=list(read.warnings),
            dry_run=dry_run,
            strict=strict,
            plan=plan,
        )
        with conn.transaction():
            accepted = _accept_returns(conn, plan, read.returns, replace, result)
            _check_series(conn, plan, accepted, result)
            lists = _accept_lists(conn, plan, read.lists, replace, result)
            _check_lists(conn, plan, lists, accepted, result)
            if strict and result.warnings:
                result.problems += result.warnings
                result.warnings = []
            result.rejected = sum(1 for p in result.problems if p.cell)
            if not result.problems:
                result.returns = len(accepted)
                result.nil = sum(1 for a in accepted if not a.ret.rows)
                # the months written, and every later month whose amount is re-derived from them
                moved = {c.month for c in result.changes if c.kind != "unchanged"}
                listed = _list_months(plan, [x.lst.month for x in lists])
                check_locks(conn, {a.ret.month for a in accepted} | listed | moved, reason)
                result.lists = len(lists)
                result.entries = sum(len(x.lst.entries) for x in lists)
                if not dry_run and (accepted or lists):
                    _write_run(conn, accepted, received, reason, result, lists)
        if result.problems and errors_out is not None:
            result.error_copies = write_error_copies(result.problems, errors_out, lang)
        return result
    finally:
        conn.close()


def _accept_returns(
    conn: store.Connection, plan: Plan, returns: list[Any], replace: bool, result: ImportResult
) -> list[_Accepted]:
    """The returns to write: not twice in one run, not already imported (unless ``replace``), not identical
    to the one in force (skipped)."""
    from kctrack.returns import Problem

    live = store.live_returns(conn)
    seen: dict[tuple[str, str], str] = {}
    accepted = []

    def refuse(ret: Any, error: str, **params: Any) -> None:
        err = DataError(error, unit=plan.unit_text(ret.unit), month=ret.month, **params)
        result.problems.append(Problem(ret.file, ret.sheet, None, None, err))

    for ret in sorted(returns, key=lambda r: (r.month, r.unit, str(r.file))):
        key = (ret.unit, ret.month)
        if key in seen:
            refuse(ret, "imp_return_twice", other=seen[key])
            continue
        seen[key] = f"{ret.file}!{ret.sheet}"
        earlier = live.get(key, [])
        same = [b for b in earlier if b.sha256 == ret.sha256 and b.sheet == ret.sheet]
        if same:
            result.skipped.append((str(ret.file), ret.unit, ret.month, same[-1].id))
            continue
        if earlier and not replace:
            refuse(ret, "imp_already", batch=earlier[-1].id, source=earlier[-1].source)
            continue
        restated = {row.code for row in ret.rows}
        in_force = store.records_in_force(conn, ret.unit, ret.month)  # target → the record that counts
        dropped = set()
        for b in earlier:
            info = store.batch(conn, b.id)
            for rec in info.records if info else []:
                # a figure of the replaced return that still counts, and that the correction leaves out
                if rec["target"] not in restated and in_force.get(rec["target"]) == rec["id"]:
                    dropped.add(rec["target"])
        accepted.append(_Accepted(ret, [b.id for b in earlier], dropped))
    return accepted


def _accept_lists(
    conn: store.Connection, plan: Plan, lists: list[Any], replace: bool, result: ImportResult
) -> list[_AcceptedList]:
    """The registers' lists to write: one per unit × month × register in a run; one already imported is
    skipped when identical, refused otherwise unless ``replace`` (then it replaces it)."""
    from kctrack.returns import Problem

    live = store.live_lists(conn)
    seen: dict[tuple[str, str, str], str] = {}
    out = []
    for lst in sorted(lists, key=lambda x: (x.month, x.unit, x.register.code, str(x.file))):
        key = (lst.unit, lst.month, lst.register.code)
        params = {"unit": plan.unit_text(lst.unit), "month": lst.month, "register": lst.register.name}
        if key in seen:
            err = DataError("reg_list_twice", other=seen[key], **params)
            result.problems.append(Problem(lst.file, lst.sheet, None, None, err))
            continue
        seen[key] = f"{lst.file}!{lst.sheet}"
        earlier = live.get(key, [])
        if any(b.sha256 == lst.sha256 and b.sheet == lst.sheet for b in earlier):
            result.skipped.append((str(lst.file), lst.unit, lst.month, earlier[-1].id))
            continue
        if earlier and not replace:
            err = DataError("reg_already", batch=earlier[-1].id, source=earlier[-1].source, **params)
            result.problems.append(Problem(lst.file, lst.sheet, None, None, err))
            continue
        if earlier:  # --replace: what the correction drops is said, in a dry run too
            old = conn.scalar("SELECT count(*) FROM register_entry WHERE batch_id = :b", {"b": earlier[-1].id})
            note = DataError("reg_replaces", n=len(lst.entries), batch=earlier[-1].id, old=int(old or 0), **params)
            result.notes.append(Problem(lst.file, lst.sheet, None, None, note))
        out.append(_AcceptedList(lst, [b.id for b in earlier]))
    return out


def _check_lists(
    conn: store.Connection, plan: Plan, lists: list[_AcceptedList], accepted: list[_Accepted], result: ImportResult
) -> None:
    """What the new lists say beside what is known: an entry another unit lists too (a note: the province
    counts it once), and a unit whose list counts a target differently from its return (a warning)."""
    if not lists and not any(plan.fed_by(code) for code in {row.code for a in accepted for row in a.ret.rows}):
        return
    stored = store.register_entries(conn)
    replaced = {b for x in lists for b in x.superseded}
    new_keys = {(x.lst.unit, x.lst.month, x.lst.register.code) for x in lists}
    kept = [e for e in stored if e.batch not in replaced and (e.unit, e.month, e.register) not in new_keys]
    every = kept + [e for x in lists for e in x.lst.entries]
    _note_listed_elsewhere(plan, lists, every, result)
    _warn_count_differs(conn, plan, lists, accepted, every, result)
    _warn_carried(conn, plan, lists, kept, result)


def _warn_carried(
    conn: store.Connection, plan: Plan, lists: list[_AcceptedList], kept: list[Any], result: ImportResult
) -> None:
    """A unit's first list of a register whose targets its returns already gave figures for: those are
    carried and the list adds to them (:func:`kctrack.registers.carried_level`).  Said, as a warning,
    because a first list that restates what the returns counted would count it twice."""
    from kctrack.returns import Problem

    for x in lists:
        lst = x.lst
        if any(e.unit == lst.unit and e.register == lst.register.code and e.month < lst.month for e in kept):
            continue  # not the unit's first list
        for feed in lst.register.feeds:
            carried = store.unit_cumulative(conn, feed.target, lst.unit, lst.month, before=True)
            if carried > TOLERANCE:
                err = DataError("reg_carried", unit=plan.unit_text(lst.unit), month=lst.month,
                                register=lst.register.name, code=feed.target, carried=exact(carried))  # fmt: skip
                result.warnings.append(Problem(lst.file, lst.sheet, None, None, err))


def _note_listed_elsewhere(plan: Plan, lists: list[_AcceptedList], every: list[Any], result: ImportResult) -> None:
    from kctrack.returns import Problem

    units_of: dict[tuple[str, str], set[str]] = {}
    new_batches = {id(e) for x in lists for e in x.lst.entries}
    for e in every:
        if id(e) not in new_batches:
            units_of.setdefault((e.register, e.key), set()).add(e.unit)
    for x in lists:  # each list against what is stored and the lists before it: a pair is named once
        reg = x.lst.register
        for e in x.lst.entries:
            others = sorted(units_of.get((reg.code, e.key), set()) - {e.unit})
            if not others:
                continue
            shown = " ".join(str(e.values.get(k, "")) for k in reg.key)
            err = DataError("reg_listed_by_other", entry=shown, other=plan.unit_list(others), register=reg.name)
            result.notes.append(Problem(x.lst.file, x.lst.sheet, e.cells.get(reg.key[0]), None, err))
        for e in x.lst.entries:
            units_of.setdefault((e.register, e.key), set()).add(e.unit)


def _warn_count_differs(
    conn: store.Connection,
    plan: Plan,
    lists: list[_AcceptedList],
    accepted: list[_Accepted],
    every: list[Any],
    result: ImportResult,
) -> None:
    """A unit's return and its list for the same month giving a register-fed target different figures."""
    from kctrack.registers import feed_count, in_force
    from kctrack.returns import Problem

    listing = {(e.register, e.unit) for e in every}  # only a unit that sends the register is compared
    if not listing:
        return
    stated: dict[tuple[str, str, str], tuple[float, Any]] = {}  # code, unit, month → (cumulative, return)
    for a in accepted:
        for row in a.ret.rows:
            fed = plan.fed_by(row.code)
            if fed is None or (fed[0].code, row.unit) not in listing:
                continue
            if row.cumulative is not None:
                total = row.cumulative
            else:
                before = store.unit_cumulative(conn, row.code, row.unit, row.month, before=True)
                total = before + (row.this_month or 0.0)
            stated[(row.code, row.unit, row.month)] = (total, a.ret)
    for x in lists:
        for feed in x.lst.register.feeds:
            key = (feed.target, x.lst.unit, x.lst.month)
            if key not in stated and plan.reports(x.lst.unit, feed.target):
                total = store.unit_cumulative(conn, feed.target, x.lst.unit, x.lst.month, stated_only=True)
                if total is not None:
                    stated[key] = (total, x.lst)
    for (code, unit, month), (total, where) in sorted(stated.items()):
        fed = plan.fed_by(code)
        assert fed is not None
        reg, feed = fed
        mine = [e for e in every if e.register == reg.code and e.unit == unit]
        first = min((e.month for e in mine), default=None)
        if first is None or month < first:
            continue  # the unit sends no list (yet): its return's figure counts
        # what its returns gave before its first list is carried (kctrack.registers.carried_level)
        carried = store.unit_cumulative(conn, code, unit, first, before=True)
        listed = carried + feed_count(reg, feed, in_force(mine, month, unit))
        if abs(listed - total) > TOLERANCE:
            err = DataError(
                "reg_count_differs",
                unit=plan.unit_text(unit),
                month=month,
                code=code,
                stated=exact(total),
                listed=exact(listed),
                register=reg.name,
            )
            result.warnings.append(Problem(where.file, where.sheet, None, None, err))


def _check_series(conn: store.Connection, plan: Plan, accepted: list[_Accepted], result: ImportResult) -> None:
    """Overlay the new returns on the series in force, re-derive every month's amount, and report.

    Refused: a 累计 that disagrees with the months before it, in this return or
    in a later stored month that this return's earlier month would contradict.
    Warned: a 累计 above the months before it (an earlier month missing), a
    month above the unit's quota or the whole target, a cumulative more than
    :data:`FAR_ABOVE` times it, a 上月累计 that differs from what kctrack holds.
    Every month whose amount changes is listed in ``result.changes``.
    """
    from kctrack.series import Stated, derive

    origin: dict[tuple[str, str, str], tuple[Any, Any]] = {}  # code, unit, month → (return, row)
    by_series: dict[tuple[str, str], dict[str, Any]] = {}  # code, unit → month → the new row
    dropped: dict[tuple[str, str], list[str]] = {}  # code, unit → months whose figure a new return drops
    for a in accepted:
        for row in a.ret.rows:
            origin[(row.code, row.unit, row.month)] = (a.ret, row)
            by_series.setdefault((row.code, row.unit), {})[row.month] = row
        for code in a.dropped:
            dropped.setdefault((code, a.ret.unit), []).append(a.ret.month)
    touched = set(by_series) | set(dropped)
    in_force = store.series_in_force(conn, touched)
    derived_series: dict[tuple[str, str], tuple[dict[str, float], dict[str, float]]] = {}  # → (old, new) amounts
    for code, unit in sorted(touched):
        entry = in_force.get((code, unit))
        mine = by_series.get((code, unit), {})
        if entry is None and (code, unit) not in dropped and all(r.cumulative is None for r in mine.values()):
            # the common case, a new series stating 本月 only: each month's amount is its 本月
            _warn_quota(plan, code, unit, {m: r.this_month for m, r in mine.items()}, mine, origin, result)
            continue
        entry = entry or {"stated": {}, "amounts": {}}
        stated: dict[str, Stated] = dict(entry["stated"])
        for m in dropped.get((code, unit), ()):
            stated.pop(m, None)
        for m, row in mine.items():
            stated[m] = Stated(row.this_month, row.cumulative)
        if any(s.cumulative is not None for s in stated.values()):
            derived = derive(stated)
            _report_series(plan, code, unit, derived, mine, origin, result)
            amounts = derived.amounts
        else:  # without any 累计 every month states its 本月, which is its amount
            amounts = {m: s.this_month or 0.0 for m, s in stated.items()}
        _warn_quota(plan, code, unit, amounts, mine, origin, result)
        derived_series[(code, unit)] = (entry["amounts"], amounts)
    # every month whose amount changes: the returns' rows in order, then the months re-derived from them
    for a in accepted:
        for row in a.ret.rows:
            got = derived_series.get((row.code, row.unit))
            before = got[0].get(row.month) if got else None
            after = got[1].get(row.month) if got else row.this_month
            result.changes.append(Change(row.code, row.unit, row.month, before, after, (a.ret, row)))
    for (code, unit), (old, amounts) in sorted(derived_series.items()):  # dropped by a corrected return, or
        mine = by_series.get((code, unit), {})  # re-derived from a changed earlier month
        for m in sorted(set(old) | set(amounts)):
            if m not in mine and old.get(m) != amounts.get(m):
                result.changes.append(Change(code, unit, m, old.get(m), amounts.get(m)))


FAR_ABOVE = 2  # a cumulative more than twice the unit's quota (or the target) is worth a second look


def _report_series(
    plan: Plan,
    code: str,
    unit: str,
    derived: Any,
    mine: dict[str, Any],
    origin: dict[tuple[str, str, str], tuple[Any, Any]],
    result: ImportResult,
) -> None:
    """Place the conflicts and gaps of a derived series at the cells of the new returns."""
    from kctrack.returns import Problem

    for c in derived.conflicts:
        params = {
            "cumulative": exact(c.cumulative),
            "earlier": exact(c.earlier),
            "this_month": exact(c.this_month or 0),
            "sum": exact(c.earlier + (c.this_month or 0)),
            "month": c.month,
        }
        if c.month in mine:
            ret, row = origin[(code, unit, c.month)]
            key = "imp_cumulative_conflict" if c.this_month is not None else "imp_cumulative_down"
            result.problems.append(
                Problem(ret.file, ret.sheet, row.cell_of("cumulative"), c.cumulative, DataError(key, **params))
            )
            continue
        # a stored later month no longer agrees: refuse the earliest new month before it
        cause = min((m for m in mine if m < c.month), default=None)
        if cause is None:
            continue
        ret, row = origin[(code, unit, cause)]
        result.problems.append(
            Problem(ret.file, ret.sheet, row.cell, row.this_month, DataError("imp_breaks_later", code=code, **params))
        )
    for g in derived.gaps:
        if g.month in mine:
            ret, row = origin[(code, unit, g.month)]
            result.warnings.append(
                Problem(
                    ret.file,
                    ret.sheet,
                    row.cell_of("cumulative"),
                    g.cumulative,
                    DataError(
                        "imp_cumulative_gap",
                        cumulative=exact(g.cumulative),
                        earlier=exact(g.earlier),
                        this_month=exact(g.this_month),
                        missing=exact(g.missing),
                    ),
                )
            )


def _warn_quota(
    plan: Plan,
    code: str,
    unit: str,
    amounts: dict[str, float],
    mine: dict[str, Any],
    origin: dict[tuple[str, str, str], tuple[Any, Any]],
    result: ImportResult,
) -> None:
    """A month above the unit's quota (or the whole target), a cumulative far above it, a 累计 built on a
    上月累计 that differs from kctrack's: warnings (``--strict`` refuses them)."""

    item = plan.find_code(code)
    if not isinstance(item, Target):
        return
    if item.is_resource:  # not a quota: more engaged than exists is refused, at the first month it happens
        over = beyond_available(item, amounts)
        if over is not None and over[0] in mine:
            from kctrack.returns import Problem

            ret, row = origin[(code, unit, over[0])]
            error = DataError("resource_above_available", **_resource_params(plan, item, unit, *over))
            stated_as = "cumulative" if row.cumulative is not None else "this_month"
            raw = row.cumulative if row.cumulative is not None else row.this_month
            result.problems.append(Problem(ret.file, ret.sheet, row.cell_of(stated_as) or row.cell, raw, error))
        return
    quota = (item.quota(unit) if item.breakdown else item.value) or 0.0
    if sum(amounts.values()) <= quota and all(r.previous is None or r.cumulative is None for r in mine.values()):
        return  # no month above the quota, no cumulative above it, no 累计 built on a 上月累计
    before = 0.0  # the running total of the months before
    for m in sorted(amounts):
        amount = amounts[m]
        row = mine.get(m)
        if row is not None:
            ret, _ = origin[(code, unit, m)]
            who = {"code": code, "quota": exact(quota), "unit": plan.unit_text(unit)}
            if quota and amount > quota:
                _warning(result, ret, row.cell, amount, "imp_above_quota", value=exact(amount), **who)
            elif quota and before + amount > FAR_ABOVE * quota:
                total = before + amount
                _warning(
                    result, ret, row.cell, total, "imp_cumulative_far", value=exact(total), factor=FAR_ABOVE, **who
                )
            # a clerk who fills 累计 starts from the form's 上月累计: say when kctrack's differs (a late or
            # corrected earlier month since the form was made); with 本月 alone the starting point plays no part
            previous = row.previous
            if previous is not None and row.cumulative is not None and abs(previous - before) > 1e-9 * max(1.0, before):
                cell = row.cell_of("previous")
                _warning(result, ret, cell, previous, "imp_previous_differs", shown=exact(previous), held=exact(before))
        before += amount


def _warning(result: ImportResult, ret: Any, cell: str | None, raw: Any, key: str, **params: Any) -> None:
    from kctrack.returns import Problem

    result.warnings.append(Problem(ret.file, ret.sheet, cell, raw, DataError(key, **params)))


def _write_run(
    conn: store.Connection,
    accepted: list[_Accepted],
    received: str,
    reason: str | None,
    result: ImportResult,
    lists: Sequence[_AcceptedList] = (),
) -> None:
    """Write the accepted returns and lists as one run: a batch each (a nil return is a batch without
    records; a register's list is a batch of kind ``register`` holding its entries)."""
    run = store.next_run(conn)
    result.run = run

    def batch(part: Any, superseded: list[int], records: list[store.NewRecord], **kind: Any) -> store.NewBatch:
        """A batch of one sheet's part (a return or a list: file, sheet, sha256, unit, month) in this run."""
        return store.NewBatch(records, source=str(part.file), sheet=part.sheet, sha256=part.sha256,
                              unit_code=part.unit, month=part.month, received=received, supersedes=superseded,
                              reason=reason, run=run, **kind)  # fmt: skip

    returns = [
        batch(a.ret, a.superseded, [_new_record(a.ret, row) for row in a.ret.rows], kind="import") for a in accepted
    ]
    registers = [
        batch(x.lst, x.superseded, [], kind="register", register_code=x.lst.register.code, entries=x.lst.entries)
        for x in lists
    ]
    result.batches = store.write_batches(conn, returns + registers)


def _new_record(ret: Any, row: Any) -> store.NewRecord:
    """A return's row as the record written: what it stated, at its cell."""
    return store.NewRecord(
        row.code, row.unit, row.month, row.this_month, row.cumulative, row.note, f"{ret.sheet}!{row.cell}"
    )


def _received(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError("bad_date", where="--received", value=text) from None


# -- history, undo, explain ------------------------------------------------------------------


@contextlib.contextmanager
def history(
    db: str | None, target: str | None, unit: str | None, records: bool = True, newest: int | None = None
) -> Iterator[tuple[Plan, Iterable[store.BatchInfo], int]]:
    """The batches (the ``newest`` so many, or all), oldest first, and how many there are in all, for as
    long as the ``with`` lasts; both from one snapshot of the database.

    With ``records`` every record is attached and the batches are read as they are iterated
    (:func:`kctrack.store.stream_batches`): memory stays bounded however long the history.  Without,
    a list of what a table of batches shows (their counts).
    """
    opened = store.open_db(db, write=False)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        code = plan.resolve_code(target).code if target else None
        unit_code = plan.resolve_unit(unit) if unit else None
        with store.snapshot(conn):
            total = store.count_batches(conn, code, unit_code)
            if not records:
                yield plan, store.batches(conn, code, unit_code, records="unplaced", newest=newest), total
                return
            with store.stream_batches(conn, code, unit_code, newest=newest) as batches:
                yield plan, batches, total
    finally:
        conn.close()


@dataclass
class UndoResult:
    batches: list[store.BatchInfo]  # the batches undone (one, or every batch in force of a run)
    restored: list[int]
    dry_run: bool = False
    run: int | None = None


class _RollBack(Exception):
    """Raised inside a transaction to undo it on purpose (a dry run)."""


def undo(
    db: str | None, batch_id: int | None, reason: str | None = None, *, run: int | None = None, dry_run: bool = False
) -> UndoResult:
    """Revert one batch, or every batch in force of an import run, in one transaction.

    Undoing a corrected return restores the one it replaced.  Refused (DataError):
    a batch that does not exist, is already undone or has been replaced (undo
    the newer first); a run with nothing in force; a locked month without a
    reason; an undo that would leave a series disagreeing with itself.  With
    ``dry_run`` the undo is carried out and rolled back: the result says what
    it would do.
    """
    check_free_text("--reason", reason)
    if (batch_id is None) == (run is None):
        raise UsageError("undo_batch_or_run", where="BATCH")
    opened = store.open_db(db, write=not dry_run)
    conn = opened.conn
    try:
        infos = _undo_targets(conn, batch_id, run)
        result = UndoResult(infos, [], dry_run, run)
        try:
            with conn.transaction():
                ids = [info.id for info in infos]
                touched = store.batch_series(conn, ids + store.superseded_by(conn, ids))
                before = store.series_in_force(conn, touched)
                for info in sorted(infos, key=lambda b: -b.id):
                    result.restored += store.undo_batch(conn, info.id, reason)
                # checked once the whole run is undone: a half-undone run may disagree where the end does not
                after = store.series_in_force(conn, touched)
                written = {r["month"] for info in infos for r in info.records} | _months(infos)
                written |= _list_months(plan_of(conn), [b.month for b in infos if b.kind == "register" and b.month])
                guard_series(conn, before, after, reason, written, plan_of(conn))
                if dry_run:
                    raise _RollBack
        except _RollBack:
            pass
        return result
    finally:
        conn.close()


def _list_months(plan: Plan, months: Iterable[str]) -> set[str]:
    """The months a list (or its undo) may change: its own and every later one of the plan, as a list
    counts from its month on (a locked month among them needs a reason)."""
    from kctrack.schedule import months_between

    return {m for first in set(months) for m in months_between(first, plan.end)}


def _months(infos: list[store.BatchInfo]) -> set[str]:
    return {b.month for b in infos if b.month}


def _undo_targets(conn: store.Connection, batch_id: int | None, run: int | None) -> list[store.BatchInfo]:
    """The batches an undo reverts, each checked (exists, in force)."""
    if run is not None:
        ids = [int(r[0]) for r in conn.all("SELECT id FROM batch WHERE run = :r ORDER BY id", {"r": run})]
        if not ids:
            raise DataError("undo_no_run", where=f"--run {run}", run=run)
        infos = [info for info in (store.batch(conn, b) for b in ids) if info is not None]
        live = [b for b in infos if not b.undone_at]
        if not live:
            raise DataError("undo_run_already", where=f"--run {run}", run=run)
        for b in live:
            if b.superseded_by:
                raise DataError("undo_superseded", where=str(b.id), batch=b.id, newer=b.superseded_by)
        return live
    assert batch_id is not None
    info = store.batch(conn, batch_id)
    if info is None:
        raise DataError("undo_no_batch", where=str(batch_id), batch=batch_id)
    if info.undone_at:
        raise DataError("undo_already", where=str(batch_id), batch=batch_id, at=local_time(info.undone_at))
    if info.superseded_by:
        raise DataError("undo_superseded", where=str(batch_id), batch=batch_id, newer=info.superseded_by)
    return [info]


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
    opened = store.open_db(db, write=False)
    try:
        plan = plan_of(opened.conn)
        item = plan.resolve_code(code)
        unit_code = plan.resolve_unit(unit) if unit else None
        month = as_of_month(as_of, plan)
        rows = store.contributions(opened.conn, item.code, unit_code, month)
        rows = _with_list_entries(opened.conn, plan, item.code, unit_code, month, rows)
        total = sum(r["value"] for r in rows if r["counts"])
        return Explanation(plan, item.code, unit_code, month, total, rows[:limit], len(rows))
    finally:
        opened.conn.close()


def _with_list_entries(
    conn: store.Connection, plan: Plan, code: str, unit: str | None, month: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A register-fed target's entries behind its figure, as rows like the records', each with what it
    adds (:func:`kctrack.registers.counted`); a record of a unit whose list counts is shown not counting.

    The rows' values add up to the figure ``status`` shows: the distinct entries of every list, plus the
    returns' figures of the units that send no list."""
    fed = plan.fed_by(code)
    if fed is None:
        return rows
    from kctrack.registers import counted, in_force

    reg, feed = fed
    stored = store.register_entries(conn, register=reg.code, unit=unit, as_of=month)
    first: dict[str, str] = {}  # a listing unit → the month of its first list
    for e in stored:
        first[e.unit] = min(first.get(e.unit, e.month), e.month)
    if not first:
        return rows
    entries = in_force(stored, month)  # every unit's entries, or --unit's own
    for r in rows:  # from its first list on, a unit's lists count, not its returns
        if r["unit"] in first and r["counts"] and r["month"] >= first[r["unit"]]:
            r["counts"], r["why_not"] = False, "list_counts"
    times: dict[int, tuple[str, str]] = {}
    out = []
    for c in counted(reg, feed, entries):
        e = c.entry
        if e.batch not in times:
            info = store.batch(conn, e.batch or 0)
            times[e.batch or 0] = (info.created, info.operator) if info else ("", "")
        created, operator = times[e.batch or 0]
        file, _, sheet = e.source.rpartition("!")
        out.append(
            {
                "record": None,
                "batch": e.batch,
                "unit": e.unit,
                "month": e.month,
                "value": c.value,
                "source": file,
                "sheet": sheet,
                "cell": f"{sheet}!{e.cells.get(reg.key[0]) or f'A{e.row}'}",
                "created": created,
                "operator": operator,
                # what the entry is, without personal data (a name is shown by `register list --with-names`)
                "note": " ".join(str(e.values.get(k, "")) for k in reg.key if k not in reg.personal),
                "counts": c.why_not is None,
                "why_not": c.why_not,
                "this_month": None,
                "cumulative": None,
            }
        )
    return out + rows


# -- completeness ------------------------------------------------------------------------------


@dataclass
class Grid:
    plan: Plan
    as_of: str
    months: list[str]
    cells: dict[str, dict[str, str]]  # unit → month → state


RETURNS_DUE_AFTER_END = 1  # a month's return is due in the next month, so the plan's last is due after its end


def returns_grid(db: str | None, as_of: str | None) -> Grid:
    opened = store.open_db(db, write=False)
    try:
        plan = plan_of(opened.conn)
        # the last returns (December's) fall due the month after the plan's end: the grid may go there
        return _returns_grid(opened.conn, plan, as_of_month(as_of, plan, RETURNS_DUE_AFTER_END))
    finally:
        opened.conn.close()


def _returns_grid(conn: store.Connection, plan: Plan, month: str) -> Grid:
    """Each unit's return for each month as known at the end of ``month``.

    A return counts only if it was received by the end of the as-of month (its ``--received``
    date, else the day it was imported): an August return received on 5 October is
    ``missing`` in the grid as of September and ``late`` as of October.  Due: the plan's
    ``returns_due_day`` of the next month.
    """
    from kctrack.schedule import add_months, months_between

    known_by = f"{add_months(month, 1)}-01"  # received before the first day after the as-of month
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
            if got is not None and got < known_by:
                row[m] = "received" if got <= due else "late"
            else:
                row[m] = "missing" if m < month else "not_due"
        cells[u.code] = row
    return Grid(plan, month, months, cells)


# -- export ------------------------------------------------------------------------------------


# A CSV file is for people, and Excel on a Chinese Windows reads UTF-8 without a byte-order mark as GBK:
# every CSV kctrack writes to a file starts with the BOM (EF BB BF) — the export here, and --format csv
# when stdout is a regular file (cli.emit_csv); CSV into a pipe or a terminal has none (a program reads it),
# nor do Markdown and JSON files (JSON must not, RFC 8259).
CSV_FILE_ENCODING = "utf-8-sig"


EXPORT_FORMATS = {".xlsx": "xlsx", ".md": "md", ".csv": "csv", ".json": "json", ".docx": "docx"}


@dataclass
class ExportResult:
    """What an export wrote: its format, the as-of month, and (docx) the workbook written as its attachment."""

    format: str
    as_of: str
    attachment: Path | None = None  # docx: the year-end workbook written beside the report


def export(
    db: str | None,
    out: Path,
    as_of: str | None,
    fmt: str | None,
    lang: str,
    attachment: Path | None = None,
    dated: str | None = None,
) -> ExportResult:
    """Write the year-end summary (xlsx, md, csv, json) or the report to CAST (docx).

    ``fmt``: None reads it from the extension of ``out`` (:data:`EXPORT_FORMATS`; another is a
    UsageError).  Each file is written whole or not at all (:func:`kctrack.files.replacing`); a CSV
    starts with the UTF-8 BOM (:data:`CSV_FILE_ENCODING`), so that Excel reads its Chinese.  The
    workbook also has, when the registers are kept, the rules' findings and a sheet per register
    (:func:`register_export`).  ``docx``: the report (:mod:`kctrack.narrative`, laid out by
    :mod:`kctrack.docx_report` as GB/T 9704-2012 asks) and its attachment, the year-end workbook
    written from the same figures to ``attachment`` (default: ``out`` with ``.xlsx``), which the
    report names.  ``dated``: the report's date (成文日期), any form :func:`kctrack.parse.parse_day` reads
    (default: today); a usage error (``rp_bad_date``) otherwise.
    """
    fmt = fmt or EXPORT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError("xp_bad_format", where=str(out))
    for option, given in (("--attachment", attachment), ("--date", dated)):
        if given is not None and fmt != "docx":
            raise UsageError("rp_option_docx_only", where=option, option=option)
    day = _report_date(dated) if dated is not None else None
    if fmt == "docx":
        attachment = attachment or out.with_suffix(".xlsx")
        if attachment.resolve() == out.resolve() or attachment.suffix.lower() != ".xlsx":
            raise UsageError("rp_bad_attachment", where=str(attachment))
    data = _export_data(db, as_of, full=fmt in ("xlsx", "docx"))
    if fmt == "docx":
        _write_report(out, attachment, data, lang, day or data.generated)  # type: ignore[arg-type]
        return ExportResult(fmt, data.report.as_of, attachment)
    from kctrack import export as xp

    with replacing(out) as tmp:
        if fmt == "xlsx":
            xp.write_xlsx(tmp, data, lang)
        else:
            text = {"md": xp.export_md, "csv": xp.export_csv, "json": xp.export_json}[fmt](data, lang)
            tmp.write_text(text, encoding=CSV_FILE_ENCODING if fmt == "csv" else "utf-8")
    return ExportResult(fmt, data.report.as_of)


def _export_data(db: str | None, as_of: str | None, full: bool) -> Any:
    """What an export is written from (:class:`kctrack.export.ExportData`); ``full``: with the sources,
    the completeness grid and the registers (the workbook and the report need them; md, csv, json not)."""
    from kctrack import export as xp

    opened = store.open_db(db, write=False)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        report = _report(conn, plan, month, store.totals_by_unit(conn, month))
        # the sources sheet lists the returns the figures rest on (the batches in force) and says how
        # many more are history only: `kctrack history` lists those
        batches = store.batches(conn, records="noted", live=True) if full else []
        left_out = store.left_out_batches(conn) if full else 0
        grid = _returns_grid(conn, plan, month) if full else None
        # a sheet per register that has entries in force, and one of the rules' findings
        entries = store.register_entries(conn, as_of=month) if full else []
        db_display = conn.loc.display
    finally:
        conn.close()
    lists, findings = register_export(plan, entries, month)
    return xp.ExportData(report, grid, batches, db_display, date.today(), left_out, lists, findings)


def _report_date(text: str) -> date:
    """The date a report is dated, from ``--date`` (2020-12-31, 2020年12月31日 …: :func:`kctrack.parse.parse_day`)."""
    day = parse_day(text)
    if day is None:
        raise UsageError("rp_bad_date", where="--date", value=text)
    return date.fromisoformat(day)


def _write_report(out: Path, attachment: Path, data: Any, lang: str, dated: date) -> None:
    """The report and its workbook, from the same figures; each written whole or not at all."""
    from kctrack import export as xp
    from kctrack.docx_report import write_docx
    from kctrack.narrative import report_blocks

    blocks = report_blocks(data, lang, attachment.name, dated)
    # nested: the workbook is put in place only once the report is (a report that cannot be written
    # leaves neither; one already there stays as it was)
    with replacing(attachment) as book, replacing(out) as report:
        xp.write_xlsx(book, data, lang)
        write_docx(report, blocks, lang)


# -- period locks, backups -----------------------------------------------------------------------


def check_locks(conn: store.Connection, months: set[str], reason: str | None) -> None:
    """A change to a locked month needs a reason (it is then flagged in history and the export)."""
    locked = sorted(months & store.locked_months(conn))
    if locked and not (reason and reason.strip()):
        raise DataError("locked_month", where="--reason", months=" ".join(locked))


def lock(db: str | None, month_text: str, unlock: bool, reason: str | None) -> tuple[str, bool]:
    """Lock or unlock a month; returns (month, whether anything changed)."""
    check_free_text("--reason", reason)
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


def locks(db: str | None) -> list[store.LockInfo]:
    """The months locked now, in month order: when, by whom and why each was locked."""
    opened = store.open_db(db, write=False)
    try:
        return store.locks(opened.conn)
    finally:
        opened.conn.close()


def upgrade(db: str | None) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Bring the database to the schema this kctrack expects (a SQLite one is backed up first); returns
    (the schema now, the notices saying what was done: none when it was current already)."""
    opened = store.open_db(db)
    opened.conn.close()
    return store.SCHEMA_HEAD, opened.notices


def backup(db: str | None, dest: Path | None) -> Path:
    """Copy a SQLite database to ``dest`` (default: beside it, with a timestamp) whatever its schema
    version: a database an older kctrack made is backed up as it is, the moment a copy matters most.
    Errors: :func:`kctrack.store.backup`'s."""
    conn = store.connect(store.locate(db), read_only=True)
    try:
        return store.backup(conn, dest)
    finally:
        conn.close()


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
    conn = store.connect(loc, read_only=True)
    try:
        version = store.schema_version(conn)
        integrity = store.integrity_check(conn)
        counts = (0, 0)
        if version is not None and version in store.SCHEMA_REVISIONS:
            counts = (int(conn.scalar("SELECT count(*) FROM batch")), int(conn.scalar("SELECT count(*) FROM record")))
        return CheckResult(loc.display, loc.dialect, version, store.SCHEMA_HEAD, integrity, *counts)
    finally:
        conn.close()


# -- registers ----------------------------------------------------------------------------------

if TYPE_CHECKING:
    from kctrack.plan import Register
    from kctrack.registers import Entry, Finding


@dataclass
class RegisterListing:
    """One register's entries in force at ``as_of`` (``kctrack register list``), of every unit or of ``unit``.

    ``entries``: sorted by unit (the plan's order), month listed, batch and row.  ``fields``: the codes
    of the fields shown, in the plan's order; ``left_out``: the personal-data fields left out (none
    with ``--with-names``).
    """

    plan: Plan
    register: Register
    as_of: str
    unit: str | None
    entries: list[Entry]
    fields: list[str]
    left_out: list[str]


def register_list(
    db: str | None, code: str, unit: str | None, as_of: str | None, with_names: bool = False
) -> RegisterListing:
    """The entries of a register (its code, or its Chinese or English name) in force at the as-of month.

    In force (:func:`kctrack.registers.in_force`): of each entry's key, the row listed last up to the
    as-of month; of every unit, an entry two units list is the newest of their rows, once; with ``unit``,
    that unit's own list.  Personal-data fields are left out unless ``with_names``.  Usage errors
    (exit 2): ``unknown_register`` (naming every register), ``unknown_unit``, ``bad_month``.
    """
    opened = store.open_db(db, write=False)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        reg = plan.resolve_register(code)
        unit_code = plan.resolve_unit(unit) if unit else None
        month = as_of_month(as_of, plan)
        entries = store.register_entries(conn, reg.code, unit_code, month)
    finally:
        conn.close()
    left_out = [] if with_names else list(reg.personal)
    fields = [f.code for f in reg.fields if f.code not in left_out]
    return RegisterListing(plan, reg, month, unit_code, listed(plan, entries, month, unit_code), fields, left_out)


def listed(plan: Plan, entries: Iterable[Entry], as_of: str, unit: str | None = None) -> list[Entry]:
    """The entries in force at ``as_of`` (:func:`kctrack.registers.in_force`), sorted by unit in the plan's
    order, then by the month, batch and row that listed them."""
    from kctrack.registers import in_force

    order = {u.code: i for i, u in enumerate(plan.units)}
    return sorted(
        in_force(entries, as_of, unit),
        key=lambda e: (order.get(e.unit, len(order)), e.unit, e.month, e.batch or 0, e.row),
    )


@dataclass
class RegisterCheck:
    """What ``kctrack register check`` found at ``as_of``: every finding, the rules broken (``violation``)
    and those that cannot be checked yet, in the plan's order.  ``hidden``: how many findings had a
    person's name left out of their message (:func:`without_names`)."""

    plan: Plan
    as_of: str
    findings: list[Finding]
    hidden: int = 0

    @property
    def violations(self) -> int:
        return sum(f.violation for f in self.findings)

    @property
    def notices(self) -> int:
        return sum(not f.violation for f in self.findings)

    def registers_of(self, finding: Finding) -> list[Register]:
        return finding_registers(self.plan, finding)


def finding_registers(plan: Plan, finding: Finding) -> list[Register]:
    """The registers a finding is about, in the plan's order: those of its entries (a credit code with two
    names may be listed in two registers), else its own."""
    codes = {e.register for e in finding.entries} or {finding.register}
    return [r for r in plan.registers if r.code in codes]


def register_check(db: str | None, as_of: str | None, with_names: bool = False) -> RegisterCheck:
    """The document's rules over every register's entries in force at the as-of month
    (:func:`kctrack.registers.check`); a person's name in a finding is left out unless ``with_names``."""
    from kctrack.registers import check

    opened = store.open_db(db, write=False)
    conn = opened.conn
    try:
        plan = plan_of(conn)
        month = as_of_month(as_of, plan)
        entries = store.register_entries(conn, as_of=month)
    finally:
        conn.close()
    found = check(plan, entries, month)
    shown = found if with_names else [without_names(plan, f) for f in found]
    return RegisterCheck(plan, month, shown, sum(a is not b for a, b in zip(found, shown, strict=True)))


def without_names(plan: Plan, finding: Finding) -> Finding:
    """A finding whose message names a person (an expert in two teams, where the rule's ``member`` fields
    hold personal data) with the name replaced by "(name left out: see the cells)"; any other unchanged."""
    import dataclasses

    from kctrack.i18n import tr

    reg = plan.register(finding.register)
    if reg is None or finding.kind != "one_group_per_member" or "member" not in finding.params:
        return finding
    rule = next((r for r in reg.rules if r.kind == finding.kind and r.source == finding.rule), None)
    if rule is None or not set(rule.member) & set(reg.personal):
        return finding
    hidden = Bilingual(tr("rg_name_hidden", "zh"), tr("rg_name_hidden", "en"))
    return dataclasses.replace(finding, params={**finding.params, "member": hidden})


def register_export(
    plan: Plan, entries: Sequence[Entry], as_of: str
) -> tuple[list[tuple[Register, list[Entry]]], list[Finding]]:
    """What the year-end workbook shows of the registers: each register that has entries in force at
    ``as_of`` (all units) with them, and every finding of the rules (none when no register has entries).
    A person's name in a finding is left out unless its register is ``shared``."""
    from kctrack.registers import check

    lists = []
    for reg in plan.registers:
        mine = listed(plan, (e for e in entries if e.register == reg.code), as_of)
        if mine:
            lists.append((reg, mine))
    if not lists:
        return [], []
    shared = {r.code for r in plan.registers if r.shared}
    findings = [f if f.register in shared else without_names(plan, f) for f in check(plan, entries, as_of)]
    return lists, findings
