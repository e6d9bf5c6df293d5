"""A demo database: the bundled plan with realistic monthly returns.

Every reporting unit sends a return for each month up to the as-of month (a nil
return when it has nothing new); the pace differs from target to target and city
to city (seeded, so the demo is the same on every machine), some returns arrive
late, one (宿迁, the month before the as-of month) is missing, a few milestones
slip and a few are done a month late, so that a newcomer sees every state at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from kctrack import store
from kctrack.errors import DataError
from kctrack.plan import Plan
from kctrack.schedule import add_months, expected, months_between

SEED = 71  # 苏科协发〔2020〕71号


@dataclass
class DemoResult:
    db: str
    records: int
    as_of: str


def build_demo(db: str, as_of: str) -> DemoResult:
    from kctrack.service import check_month, init

    loc = store.locate(db)
    _clear_previous_demo(loc)
    result = init(db, None)
    plan = result.plan
    as_of = check_month(as_of, plan, "--as-of")
    opened = store.open_db(db)
    conn = opened.conn
    count = 0
    try:
        figures = demo_returns(plan, as_of)
        reporting = [u.code for u in plan.units if plan.reports_anything(u.code)]
        with conn.transaction():
            for month in months_between(plan.start, as_of):
                for unit in reporting:
                    if (unit, month) == ("suqian", add_months(as_of, -1)):
                        continue  # one return not in: the completeness grid shows it missing
                    # a unit with nothing new to report still sends its return: a nil return
                    count += _write_return(conn, unit, month, figures.get((unit, month), []))
    finally:
        conn.close()
    return DemoResult(result.db, count, as_of)


def _write_return(conn: store.Connection, unit: str, month: str, rows: list[store.NewRecord]) -> int:
    """One unit's return for a month, received on a day of the next month (some after the 10th: late)."""
    rng = random.Random(f"{SEED}-{unit}-{month}")
    day = rng.choice([3, 5, 6, 8, 9, 10, 10, 12, 15])
    received = f"{add_months(month, 1)}-{day:02d}"
    store.write_batch(
        conn,
        rows,
        kind="import",
        source=f"demo/{unit}-{month}.xlsx",
        sheet="月报",
        unit_code=unit,
        month=month,
        received=received,
        created=f"{received}T09:00:00+00:00",
    )
    return len(rows)


def demo_returns(plan: Plan, as_of: str) -> dict[tuple[str, str], list[store.NewRecord]]:
    """The demo's figures, grouped as returns (unit × month)."""
    rng = random.Random(SEED)
    months = months_between(plan.start, as_of)
    out: dict[tuple[str, str], list[store.NewRecord]] = {}
    for t in plan.targets:
        pace = rng.choice([0.55, 0.75, 0.85, 0.95, 1.0, 1.05, 1.15, 1.3])
        shares = list(t.breakdown) or [(u, t.value / len(t.reporters)) for u in t.reporters]
        for unit, quota in shares:
            unit_pace = pace * rng.uniform(0.8, 1.2)
            done = 0
            for m in months:
                goal = round(expected(quota, plan.start, t.deadline, m) * unit_pace)
                # a resource cannot be engaged beyond what exists; a target may be overshot a little
                goal = min(goal, round(quota) if t.is_resource else round(quota * 1.1))
                amount = max(0, goal - done)
                done += amount
                if amount:
                    out.setdefault((unit, m), []).append(
                        store.NewRecord(t.code, unit, m, float(amount), cell=None, note=None)
                    )
    for i, ms in enumerate(plan.milestones):
        # every seventh slips (overdue), and of the rest every seventh is done a month late
        done_in = add_months(ms.due, 1) if i % 7 == 5 else ms.due
        if done_in > as_of or i % 7 == 3:
            continue  # not done yet: not due, or slipping
        for unit in plan.milestone_units(ms):  # done when every responsible unit has done it
            out.setdefault((unit, done_in), []).append(store.NewRecord(ms.code, unit, done_in, 1.0))
    return out


def _clear_previous_demo(loc: store.Location) -> None:
    """Start afresh on a demo database; never touch one that holds real data."""
    if loc.dialect == "sqlite" and loc.path is not None and not loc.path.exists():
        return
    try:
        conn = store.connect(loc)
    except Exception:
        raise DataError("demo_not_empty", path=loc.display) from None
    try:
        if store.schema_version(conn) is None:
            empty = (
                not conn.all("SELECT name FROM sqlite_master WHERE type = 'table'") if loc.dialect == "sqlite" else True
            )
            if not empty:
                raise DataError("demo_not_empty", path=loc.display)
            return
        real = conn.scalar("SELECT count(*) FROM batch WHERE source NOT LIKE 'demo/%'")
    finally:
        conn.close()
    if real:
        raise DataError("demo_not_empty", path=loc.display)
    if loc.dialect == "sqlite" and loc.path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(loc.path) + suffix).unlink(missing_ok=True)
    else:
        raise DataError("demo_not_empty", path=loc.display)
