"""The database tables, as SQLModel classes.

Alembic owns the schema: these classes are the source its migrations are
generated from and checked against (``tests/test_migrations.py``); the product
never calls ``create_all``.  At run time kctrack talks to the database through
:mod:`kctrack.store` with plain SQL over the DB-API driver, so that ``status``
starts without importing SQLAlchemy (0.4 s on its own here).

Months are ``YYYY-MM`` text and times ISO-8601 UTC text: they sort, compare
and read the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class PlanVersion(SQLModel, table=True):
    """Every plan ever loaded; the newest is the plan in force."""

    __tablename__ = "plan_version"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    source: str
    body: str  # the validated plan as JSON (kctrack.plan.Plan.to_json)
    loaded_at: str = Field(max_length=32)
    operator: str = Field(max_length=128)


class Unit(SQLModel, table=True):
    __tablename__ = "unit"
    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=128)
    kind: str = Field(max_length=16)
    active: bool = True


class Target(SQLModel, table=True):
    """Targets and milestones: the codes records may refer to."""

    __tablename__ = "target"
    code: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)  # target | milestone
    name: str
    active: bool = True


class Batch(SQLModel, table=True):
    """One write: a ``record`` command or one return (unit × month) of an import."""

    __tablename__ = "batch"
    id: int | None = Field(default=None, primary_key=True)
    created: str = Field(max_length=32)
    operator: str = Field(max_length=128)
    kind: str = Field(max_length=16)  # record | import
    source: str
    sheet: str | None = None
    sha256: str | None = Field(default=None, max_length=64)
    unit_code: str | None = Field(default=None, max_length=64)
    month: str | None = Field(default=None, max_length=7)
    received: str | None = Field(default=None, max_length=10)
    superseded_by: int | None = Field(default=None, foreign_key="batch.id")
    undone_at: str | None = Field(default=None, max_length=32)
    undone_by: str | None = Field(default=None, max_length=128)
    reason: str | None = None  # why a locked month was changed
    undo_reason: str | None = None  # why a batch touching a locked month was undone
    run: int | None = Field(default=None, index=True)  # the import run (one ``kctrack import``) it came from
    register_code: str | None = Field(default=None, max_length=64)  # kind "register": the register's list


class Record(SQLModel, table=True):
    """An achievement as reported: never updated, never deleted."""

    __tablename__ = "record"
    __table_args__ = (
        Index("ix_record_key", "target_code", "unit_code", "month"),
        Index("ix_record_batch", "batch_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id")
    target_code: str = Field(foreign_key="target.code", max_length=64)
    unit_code: str = Field(foreign_key="unit.code", max_length=64)
    month: str = Field(max_length=7)
    value: float | None = None  # 本月 as stated; None when the return stated only 累计
    cumulative: float | None = None  # 累计 as stated
    note: str | None = None
    cell: str | None = None
    recorded_at: str = Field(max_length=32)


class CurrentValue(SQLModel, table=True):
    """The figure in force for each target × unit × month: the newest record of a live batch.

    Kept up to date by every write and undo, so that ``status`` reads a table
    bounded by targets × units × months whatever the length of the history.
    """

    __tablename__ = "current_value"
    target_code: str = Field(primary_key=True, foreign_key="target.code", max_length=64)
    unit_code: str = Field(primary_key=True, foreign_key="unit.code", max_length=64)
    month: str = Field(primary_key=True, max_length=7)
    value: float  # the month's amount, derived from the series (kctrack.series.derive)
    record_id: int = Field(foreign_key="record.id")
    this_month: float | None = None  # 本月 as the record in force stated it
    cumulative: float | None = None  # 累计 as the record in force stated it


class PeriodLock(SQLModel, table=True):
    """Every lock and unlock of a month; the newest event of a month is its state."""

    __tablename__ = "period_lock"
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    action: str = Field(max_length=8)  # lock | unlock
    at: str = Field(max_length=32)
    operator: str = Field(max_length=128)
    reason: str | None = None


class MonthTotal(SQLModel, table=True):
    """The province's figure per target and month: the sum of the current values.

    Kept up to date with ``current_value`` by every write and undo, so that the
    status table reads targets × months rows whatever the number of units and
    records.
    """

    __tablename__ = "month_total"
    target_code: str = Field(primary_key=True, foreign_key="target.code", max_length=64)
    month: str = Field(primary_key=True, max_length=7)
    value: float


class RegisterEntry(SQLModel, table=True):
    """One row of a register's list (名册) as a return gave it: never updated, never deleted.

    ``entry_key`` is the register's key fields, normalised and joined, so that two
    rows naming the same firm (or team member, problem, session) meet; ``fields``
    holds every field's value as JSON (text, numbers as numbers, months and days
    as ``YYYY-MM`` / ``YYYY-MM-DD``) and ``cells`` each field's cell (``C7``).
    Which entries count follows from their batches (live, not superseded).
    """

    __tablename__ = "register_entry"
    __table_args__ = (
        Index("ix_register_entry_batch", "batch_id"),
        Index("ix_register_entry_key", "register_code", "entry_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id")
    register_code: str = Field(max_length=64)
    unit_code: str = Field(foreign_key="unit.code", max_length=64)
    month: str = Field(max_length=7)
    entry_key: str
    fields: str
    cells: str
    row: int  # the sheet's row, 1-based
