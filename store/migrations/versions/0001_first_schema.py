"""first schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 16:05:17.081346
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("ratio", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "version"),
    )
    with op.batch_alter_table("school_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_version_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "subsidy_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scheme", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("inputs_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("budget_fen", sa.Integer(), nullable=False),
        sa.Column("teachers", sa.Integer(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subsidy_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subsidy_run_inputs_hash"), ["inputs_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subsidy_run_scope"), ["scope"], unique=False)
        batch_op.create_index(batch_op.f("ix_subsidy_run_term"), ["term"], unique=False)

    op.create_table(
        "schedule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inputs_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "version"),
    )
    with op.batch_alter_table("schedule_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_version_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_schedule_version_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("room_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("allowed_slots", sa.JSON(), nullable=False),
        sa.Column("fixed_teacher", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_activity_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("student_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("group_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_enrolment_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("group_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("grade", sa.JSON(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("basic_slots", sa.JSON(), nullable=False),
        sa.Column("basic_students", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_group_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("slot_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("teacher_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_lock", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_lock_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("home_group", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_room", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_room_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slot_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("start", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("end", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_slot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_slot_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "school_teacher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("max_per_week", sa.Integer(), nullable=False),
        sa.Column("max_per_day", sa.Integer(), nullable=False),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.Column("opt_in", sa.Boolean(), nullable=False),
        sa.Column("homeroom", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_version_id"],
            ["school_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("school_teacher", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_teacher_school_version_id"), ["school_version_id"], unique=False
        )

    op.create_table(
        "subsidy_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("teacher_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("score5", sa.Float(), nullable=False),
        sa.Column("multiplier", sa.Float(), nullable=False),
        sa.Column("hourly_part_fen", sa.Integer(), nullable=False),
        sa.Column("allowance_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("hour_only_fen", sa.Integer(), nullable=True),
        sa.Column("reason_zh", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["subsidy_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subsidy_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_line_run_id"), ["run_id"], unique=False)

    op.create_table(
        "schedule_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("teacher_position", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("slot_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("end", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("teacher_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_version_id"],
            ["schedule_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_row_schedule_version_id"), ["schedule_version_id"], unique=False
        )

    op.create_table(
        "schedule_unstaffed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("slot_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_version_id"],
            ["schedule_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule_unstaffed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_unstaffed_schedule_version_id"),
            ["schedule_version_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("schedule_unstaffed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_unstaffed_schedule_version_id"))

    op.drop_table("schedule_unstaffed")
    with op.batch_alter_table("schedule_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_row_schedule_version_id"))

    op.drop_table("schedule_row")
    with op.batch_alter_table("subsidy_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_line_run_id"))

    op.drop_table("subsidy_line")
    with op.batch_alter_table("school_teacher", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_teacher_school_version_id"))

    op.drop_table("school_teacher")
    with op.batch_alter_table("school_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_slot_school_version_id"))

    op.drop_table("school_slot")
    with op.batch_alter_table("school_room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_room_school_version_id"))

    op.drop_table("school_room")
    with op.batch_alter_table("school_lock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_lock_school_version_id"))

    op.drop_table("school_lock")
    with op.batch_alter_table("school_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_group_school_version_id"))

    op.drop_table("school_group")
    with op.batch_alter_table("school_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_enrolment_school_version_id"))

    op.drop_table("school_enrolment")
    with op.batch_alter_table("school_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_activity_school_version_id"))

    op.drop_table("school_activity")
    with op.batch_alter_table("schedule_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_version_school_version_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_version_school_id"))

    op.drop_table("schedule_version")
    with op.batch_alter_table("subsidy_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_run_term"))
        batch_op.drop_index(batch_op.f("ix_subsidy_run_scope"))
        batch_op.drop_index(batch_op.f("ix_subsidy_run_inputs_hash"))

    op.drop_table("subsidy_run")
    with op.batch_alter_table("school_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_version_school_id"))

    op.drop_table("school_version")
