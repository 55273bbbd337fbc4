"""stored versions refuse UPDATE and DELETE in the database itself

The ORM already refuses changes to stored versions (`store.models.refuse_changes`); these
triggers make raw SQL (a script, a console with the app's password) refuse them too, so
a published schedule, a paid subsidy run or the audit log cannot be edited afterwards.
Row-level, so `store.concurrency.claim_write`'s `UPDATE ... WHERE 1 = 0` still works.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every table whose rows are written once: school and schedule versions with their rows,
# subsidy runs with their lines, the audit log (accounts stay editable).
IMMUTABLE_TABLES = (
    "school_version",
    "school_slot",
    "school_teacher",
    "school_group",
    "school_activity",
    "school_room",
    "school_enrolment",
    "school_lock",
    "schedule_version",
    "schedule_row",
    "schedule_unstaffed",
    "subsidy_run",
    "subsidy_line",
    "audit_log",
)
FUNCTION = "afterschool_refuse_change"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% rows are never changed; save a new version', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
        return
    for table in IMMUTABLE_TABLES:  # SQLite: one trigger per event
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_immutable_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed; "
                "save a new version'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.execute(f"DROP FUNCTION {FUNCTION}()")
        return
    for table in IMMUTABLE_TABLES:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_immutable_{event}")
