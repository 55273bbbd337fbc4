"""club choices kept with the school; versioned club allocations (issue 14)

A school version now keeps its `choices` sheet (`school_choice`), its activities' grade
bounds and its `max_clubs_per_student`; allocations are stored versioned like schedules
(`allocation_version`, `allocation_row`). The new tables refuse UPDATE and DELETE in the
database like every stored version (the trigger function of 0003).

Columns are added with plain ALTER TABLE, never batch mode: on SQLite a batch rebuild
copies and drops the table, which would drop its immutability triggers with it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_IMMUTABLE_TABLES = ("school_choice", "allocation_version", "allocation_row")
FUNCTION = "afterschool_refuse_change"  # made by 0003 on PostgreSQL


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def _int(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.add_column(
        "school_version",
        sa.Column("max_clubs_per_student", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column("school_activity", _int("min_grade", nullable=True))
    op.add_column("school_activity", _int("max_grade", nullable=True))
    op.create_table(
        "school_choice",
        _int("id"),
        _int("school_version_id"),
        _int("position"),
        _text("student_id"),
        _text("group_id"),
        _text("activity_id"),
        _int("rank"),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["school_version_id"], ["school_version.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("school_choice", "school_version_id")
    op.create_table(
        "allocation_version",
        _int("id"),
        _text("school_id"),
        _int("version"),
        _int("school_version_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _text("method"),
        _int("seed"),
        _text("status"),
        _text("inputs_hash"),
        sa.Column("draw", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["school_version_id"], ["school_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "version"),
    )
    _index("allocation_version", "school_id")
    _index("allocation_version", "school_version_id")
    op.create_table(
        "allocation_row",
        _int("id"),
        _int("allocation_version_id"),
        _int("position"),
        _text("student_id"),
        _text("group_id"),
        _text("activity_id"),
        _int("choice"),
        sa.ForeignKeyConstraint(["allocation_version_id"], ["allocation_version.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("allocation_row", "allocation_version_id")
    _create_triggers()


def _create_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in NEW_IMMUTABLE_TABLES:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_immutable_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed; "
                "save a new version'); END"
            )


def downgrade() -> None:
    # Dropping a table drops its triggers. DROP COLUMN in place (SQLite 3.35+, PostgreSQL)
    # keeps the triggers of school_version and school_activity.
    op.drop_table("allocation_row")
    op.drop_table("allocation_version")
    op.drop_table("school_choice")
    op.execute("ALTER TABLE school_activity DROP COLUMN max_grade")
    op.execute("ALTER TABLE school_activity DROP COLUMN min_grade")
    op.execute("ALTER TABLE school_version DROP COLUMN max_clubs_per_student")
