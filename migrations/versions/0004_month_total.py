"""month totals: the province's figure per target and month, kept up to date on write

With a national plan (300+ reporting units) the status table summed every
current value of every unit on each run; this table holds the sums, one row
per target and month, filled here from the current values.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "month_total",
        sa.Column("target_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["target_code"], ["target.code"]),
        sa.PrimaryKeyConstraint("target_code", "month"),
    )
    op.execute(
        "INSERT INTO month_total (target_code, month, value)"
        " SELECT target_code, month, SUM(value) FROM current_value GROUP BY target_code, month"
    )


def downgrade() -> None:
    op.drop_table("month_total")
