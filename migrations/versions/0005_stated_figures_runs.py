"""stated figures and import runs

A record now keeps what its return *stated*: ``value`` is the 本月 figure as
given (NULL when the return gave only 累计) and ``cumulative`` the 累计 figure
as given.  ``current_value`` keeps both stated figures of the record in force
beside ``value``, the month's amount derived from the whole series of the
target × unit (kctrack.series.derive), so that a late earlier month or a
correction re-derives every later cumulative-only month.

``batch.run`` groups the batches written by one ``kctrack import`` command, so
that a whole run can be listed and undone together.

Existing records keep their figures: each is read as having stated both its
amount and (where present) its cumulative, which is what was checked when it
was imported.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.alter_column("value", existing_type=sa.Float(), nullable=True)
    with op.batch_alter_table("batch") as batch:
        batch.add_column(sa.Column("run", sa.Integer(), nullable=True))
        batch.create_index("ix_batch_run", ["run"])
    with op.batch_alter_table("current_value") as batch:
        batch.add_column(sa.Column("this_month", sa.Float(), nullable=True))
        batch.add_column(sa.Column("cumulative", sa.Float(), nullable=True))
    op.execute(
        "UPDATE current_value SET this_month = (SELECT r.value FROM record r WHERE r.id = current_value.record_id),"
        " cumulative = (SELECT r.cumulative FROM record r WHERE r.id = current_value.record_id)"
    )


def downgrade() -> None:
    op.execute("UPDATE record SET value = 0 WHERE value IS NULL")
    with op.batch_alter_table("current_value") as batch:
        batch.drop_column("cumulative")
        batch.drop_column("this_month")
    with op.batch_alter_table("batch") as batch:
        batch.drop_index("ix_batch_run")
        batch.drop_column("run")
    with op.batch_alter_table("record") as batch:
        batch.alter_column("value", existing_type=sa.Float(), nullable=False)
