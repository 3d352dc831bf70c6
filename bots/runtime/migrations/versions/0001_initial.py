"""Initial schema: work items, runs, locks, users, kv store

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03 19:30:21.278318
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bots.runtime.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "bot_locks",
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column(
            "acquired_at",
            bots.runtime.models.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "expires_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("bot"),
    )
    op.create_table(
        "kv_store",
        sa.Column("namespace", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column(
            "updated_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("namespace", "key"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "started_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "ended_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("artifact_dir", sa.String(length=1000), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("item_limit", sa.Integer(), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_runs_bot_started", ["bot", "started_at"], unique=False
        )

    op.create_table(
        "schedule_states",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "system_states",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "updated_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_login_at",
            bots.runtime.models.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column(
            "due_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at",
            bots.runtime.models.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column(
            "lease_expires_at",
            bots.runtime.models.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "heartbeat_at",
            bots.runtime.models.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("error_kind", sa.String(length=20), nullable=True),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_step", sa.String(length=200), nullable=True),
        sa.Column("error_details", sa.JSON(), nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("last_run_id", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bot", "reference", name="uq_work_items_bot_reference"),
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_work_items_expiry", ["status", "lease_expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_work_items_lease", ["bot", "status", "priority", "due_at"], unique=False
        )
        batch_op.create_index(
            "ix_work_items_status", ["status", "updated_at"], unique=False
        )

    op.create_table(
        "item_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_events_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "item_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", bots.runtime.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("item_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_files_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("item_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_files_item_id"))

    op.drop_table("item_files")
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_events_item_id"))

    op.drop_table("item_events")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_status")
        batch_op.drop_index("ix_work_items_lease")
        batch_op.drop_index("ix_work_items_expiry")

    op.drop_table("work_items")
    op.drop_table("users")
    op.drop_table("system_states")
    op.drop_table("schedule_states")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_bot_started")

    op.drop_table("runs")
    op.drop_table("kv_store")
    op.drop_table("bot_locks")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
