"""Save and load versioned club allocations (issue 14), as schedules are stored.

An allocation version points at the school version whose choices it allocated, so it
stays readable with that version's data after the school is re-imported. Every function
checks the session's actor (`allocation.read` / `allocation.write`, store.rights); a save
writes the audit log in its transaction. Rows are never changed (ORM and triggers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from choices.allocate import Allocation, Assignment
from store.audit import record
from store.concurrency import claim_write, insert_numbered
from store.errors import NotFound
from store.models import AllocationRow, AllocationVersion, SchoolVersion
from store.rights import require


def _rows(assignments: tuple[Assignment, ...], version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "allocation_version_id": version_id,
            "position": pos,
            "student_id": a.student_id,
            "group_id": a.group_id,
            "activity_id": a.activity_id,
            "choice": a.position,
        }
        for pos, a in enumerate(assignments)
    ]


def save_allocation(
    session: Session,
    allocation: Allocation,
    school_version_id: int,
    inputs_hash: str,
    report: dict[str, Any],
) -> AllocationVersion:
    """Store `allocation` as the next version of its school's allocations."""
    school_id = allocation.instance.school.school_id
    require(session, "allocation.write", school_id)
    claim_write(session, AllocationVersion.__tablename__)  # type: ignore[arg-type]
    school = session.get(SchoolVersion, school_version_id)
    if school is None:
        raise NotFound("store.unknown_school_version", school_version_id=school_version_id)
    if school.school_id != school_id:
        raise ValueError(
            f"allocation of {school_id!r} saved against a version of {school.school_id!r}"
        )
    head = insert_numbered(
        session,
        AllocationVersion,
        school_id,
        lambda number: AllocationVersion(
            school_id=school_id,
            version=number,
            school_version_id=school_version_id,
            method=allocation.method,
            seed=allocation.seed,
            status=allocation.status,
            inputs_hash=inputs_hash,
            draw=list(allocation.order),
            report=report,
        ),
    )
    rows = _rows(allocation.assignments, head.id)  # type: ignore[arg-type]
    if rows:
        session.execute(insert(AllocationRow.__table__), rows)  # type: ignore[attr-defined]
    detail = (
        f"v{head.version} {allocation.method} seed {allocation.seed}: "
        f"{len(rows)} places from school version {school.version}"
    )
    record(session, "allocation.save", school_id, head.id, detail)
    return head


def get_allocation_version(
    session: Session, school_id: str, version: int | None = None
) -> AllocationVersion:
    """The `AllocationVersion` row (latest by default); NotFound if absent."""
    require(session, "allocation.read", school_id)
    stmt = select(AllocationVersion).where(AllocationVersion.school_id == school_id)
    if version is None:
        stmt = stmt.order_by(AllocationVersion.version.desc()).limit(1)  # type: ignore[attr-defined]
    else:
        stmt = stmt.where(AllocationVersion.version == version)
    head = session.execute(stmt).scalars().first()
    if head is None:
        raise NotFound("store.unknown_allocation", school_id=school_id, version=version or "")
    return head


def load_allocation(
    session: Session, school_id: str, version: int | None = None
) -> tuple[tuple[Assignment, ...], AllocationVersion]:
    """The stored assignments (latest version by default), in saved order, and the row."""
    head = get_allocation_version(session, school_id, version)
    t = AllocationRow.__table__  # type: ignore[attr-defined]
    stmt = select(t).where(t.c.allocation_version_id == head.id).order_by(t.c.position)
    assignments = tuple(
        Assignment(r["student_id"], r["group_id"], r["activity_id"], r["choice"])
        for r in session.execute(stmt).mappings()
    )
    return assignments, head


def list_allocations(session: Session, school_id: str) -> list[AllocationVersion]:
    """Every allocation version of a school, oldest first."""
    require(session, "allocation.read", school_id)
    stmt = (
        select(AllocationVersion)
        .where(AllocationVersion.school_id == school_id)
        .order_by(AllocationVersion.version)  # type: ignore[arg-type]
    )
    return list(session.execute(stmt).scalars())
