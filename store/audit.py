"""The audit log: who changed what, written in the same transaction as the change.

An entry is never updated or deleted (the ORM refuses), so the log cannot be tidied
after the fact through the application. Only actors with `audit.read` may list it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, select
from sqlmodel import Field, Session, SQLModel

from store.errors import ImmutableRow
from store.models import refuse_changes
from store.rights import actor_of, require

DETAIL_MAX = 500


def _now() -> datetime:
    return datetime.now(UTC)


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    username: str = Field(index=True)
    role: str
    action: str = Field(index=True)  # e.g. school.save, schedule.save, user.add
    school_id: str | None = Field(default=None, index=True)  # None: county-wide
    object_id: str | None = None  # the id of the row written (version, run, user)
    detail: str = ""


refuse_changes((AuditEntry,), ImmutableRow)


def record(
    session: Session,
    action: str,
    school_id: str | None = None,
    object_id: object = None,
    detail: str = "",
) -> None:
    """Add an entry for the session's actor; it commits (or rolls back) with the change."""
    actor = actor_of(session)
    session.add(
        AuditEntry(
            username=actor.username,
            role=actor.role,
            action=action,
            school_id=school_id,
            object_id=None if object_id is None else str(object_id),
            detail=detail[:DETAIL_MAX],
        )
    )


def list_audit(
    session: Session,
    school_id: str | None = None,
    username: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest entries first, optionally of one school or one user."""
    require(session, "audit.read")
    query = select(AuditEntry)
    if school_id is not None:
        query = query.where(AuditEntry.school_id == school_id)
    if username is not None:
        query = query.where(AuditEntry.username == username)
    query = query.order_by(AuditEntry.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list(session.scalars(query))
