"""registers: the lists behind the counts

``register_entry`` holds every row of a register's list (服务企业名册, 科技服务队名册…)
as a return gave it; ``batch.register_code`` names the register of a batch of
kind ``register`` (one unit × month × register, the unit of import, history,
undo and ``--replace``).  Nothing existing changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("batch") as batch:
        batch.add_column(sa.Column("register_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table(
        "register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("register_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("unit_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("entry_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fields", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cells", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_register_entry_batch", "register_entry", ["batch_id"])
    op.create_index("ix_register_entry_key", "register_entry", ["register_code", "entry_key"])


def downgrade() -> None:
    op.drop_index("ix_register_entry_key", table_name="register_entry")
    op.drop_index("ix_register_entry_batch", table_name="register_entry")
    op.drop_table("register_entry")
    with op.batch_alter_table("batch") as batch:
        batch.drop_column("register_code")
