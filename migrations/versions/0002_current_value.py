"""current values: the figure in force per target x unit x month, kept up to date on write

``status`` used to pick the newest live record of every key out of the whole
history; with a national plan and years of corrected returns that grows without
bound.  This table holds one row per key, and is filled here from the records
already in the database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "current_value",
        sa.Column("target_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("unit_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"]),
        sa.ForeignKeyConstraint(["target_code"], ["target.code"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.PrimaryKeyConstraint("target_code", "unit_code", "month"),
    )
    op.execute(
        """
        INSERT INTO current_value (target_code, unit_code, month, value, record_id)
        SELECT r.target_code, r.unit_code, r.month, r.value, r.id
        FROM record r
        WHERE r.id = (
            SELECT max(r2.id) FROM record r2 JOIN batch b2 ON b2.id = r2.batch_id
            WHERE r2.target_code = r.target_code AND r2.unit_code = r.unit_code
              AND r2.month = r.month
              AND b2.undone_at IS NULL AND b2.superseded_by IS NULL
        )
        """
    )


def downgrade() -> None:
    op.drop_table("current_value")
