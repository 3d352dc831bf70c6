"""Work items: `due_key` (the due time, or 9999-12-31) and an index in lease order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 19:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bots.runtime.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "due_key",
                bots.runtime.models.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.text("'9999-12-31 00:00:00.000000'"),
            )
        )
    op.execute("UPDATE work_items SET due_key = due_at WHERE due_at IS NOT NULL")
    op.create_index(
        "ix_work_items_next",
        "work_items",
        ["bot", "status", sa.text("priority DESC"), "due_key", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_work_items_next", table_name="work_items")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("due_key")
