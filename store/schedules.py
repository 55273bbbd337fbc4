"""Save and load versioned schedules.

A schedule version points at the school version it was made from, so it stays
readable with that version's data after the school is re-imported. Every function checks
the session's actor (store.rights); a save writes the audit log in its transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from domain.schedule import Placed, Schedule, Unstaffed
from store.audit import record
from store.concurrency import claim_write, insert_numbered
from store.errors import NotFound
from store.models import ScheduleRow, ScheduleVersion, SchoolVersion, UnstaffedRow
from store.rights import require


def _placed_rows(schedule: Schedule, version_id: int) -> list[dict[str, Any]]:
    rows = []
    for pos, p in enumerate(schedule.sessions):
        base = {
            "schedule_version_id": version_id,
            "position": pos,
            "session_id": p.session_id,
            "activity_id": p.activity_id,
            "session": p.index,
            "kind": p.kind,
            "day": p.day,
            "slot_id": p.slot_id,
            "start": p.start,
            "end": p.end,
            "room_id": p.room_id,
        }
        # A session with no teacher still gets one row, so it is not lost.
        teachers: tuple[str | None, ...] = p.teacher_ids or (None,)
        for tpos, teacher_id in enumerate(teachers):
            rows.append({**base, "teacher_position": tpos, "teacher_id": teacher_id})
    return rows


def _unstaffed_rows(schedule: Schedule, version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "schedule_version_id": version_id,
            "position": pos,
            "session_id": u.session_id,
            "activity_id": u.activity_id,
            "session": u.index,
            "kind": u.kind,
            "day": u.day,
            "slot_id": u.slot_id,
            "missing": u.missing,
        }
        for pos, u in enumerate(schedule.unstaffed)
    ]


class UncheckedSchedule(ValueError):
    """Only a schedule that passed the independent checker is ever stored."""


def save_checked(
    session: Session,
    outcome: Any,
    school_version_id: int,
    extra: dict[str, Any] | None = None,
) -> ScheduleVersion:
    """Store the schedule of a `scheduler.service.Outcome` as its school's next version: the
    one rule the command line and the app both follow. An outcome whose schedule is missing
    or failed the checker (`outcome.checked` false) is refused. `extra` goes into the
    stored report (a repair's changes, how the run was made)."""
    if not outcome.checked:
        raise UncheckedSchedule(
            f"{outcome.school.school_id}: no schedule that passed the checker "
            f"({len(outcome.violations)} violations)"
        )
    report = {**outcome.report.as_dict(), **(extra or {})}
    return save_schedule(
        session,
        outcome.schedule,
        school_version_id,
        outcome.inputs_hash,
        outcome.report.status,
        report,
    )


def save_schedule(
    session: Session,
    schedule: Schedule,
    school_version_id: int,
    inputs_hash: str,
    status: str,
    report: dict[str, Any],
) -> ScheduleVersion:
    """Store `schedule` as the next version of its school's schedules.

    Schedules are not edits of one another, so two saves of one school at the same moment
    both succeed, as consecutive versions (`store.concurrency.insert_numbered`).
    """
    require(session, "schedule.write", schedule.school_id)
    claim_write(session, ScheduleVersion.__tablename__)  # type: ignore[arg-type]
    school = session.get(SchoolVersion, school_version_id)
    if school is None:
        raise NotFound("store.unknown_school_version", school_version_id=school_version_id)
    if school.school_id != schedule.school_id:
        raise ValueError(
            f"schedule of {schedule.school_id!r} saved against a version of {school.school_id!r}"
        )
    head = insert_numbered(
        session,
        ScheduleVersion,
        schedule.school_id,
        lambda number: ScheduleVersion(
            school_id=schedule.school_id,
            version=number,
            school_version_id=school_version_id,
            inputs_hash=inputs_hash,
            status=status,
            report=report,
        ),
    )
    for table, rows in (
        (ScheduleRow, _placed_rows(schedule, head.id)),  # type: ignore[arg-type]
        (UnstaffedRow, _unstaffed_rows(schedule, head.id)),  # type: ignore[arg-type]
    ):
        if rows:
            session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
    detail = f"v{head.version} {status} from school version {school.version}"
    record(session, "schedule.save", head.school_id, head.id, detail)
    return head


def get_schedule_version(
    session: Session, school_id: str, version: int | None = None
) -> ScheduleVersion:
    """The `ScheduleVersion` row (latest by default); NotFound if absent."""
    require(session, "schedule.read", school_id)
    stmt = select(ScheduleVersion).where(ScheduleVersion.school_id == school_id)
    if version is None:
        stmt = stmt.order_by(ScheduleVersion.version.desc()).limit(1)  # type: ignore[attr-defined]
    else:
        stmt = stmt.where(ScheduleVersion.version == version)
    head = session.execute(stmt).scalars().first()
    if head is None:
        raise NotFound("store.unknown_schedule", school_id=school_id, version=version or "")
    return head


def _sessions(session: Session, version_id: int) -> tuple[Placed, ...]:
    t = ScheduleRow.__table__  # type: ignore[attr-defined]
    stmt = (
        select(t)
        .where(t.c.schedule_version_id == version_id)
        .order_by(t.c.position, t.c.teacher_position)
    )
    grouped: dict[int, list[Any]] = {}
    for row in session.execute(stmt).mappings():
        grouped.setdefault(row["position"], []).append(row)
    return tuple(_placed(rows) for rows in grouped.values())


def _placed(rows: list[Any]) -> Placed:
    first = rows[0]
    return Placed(
        activity_id=first["activity_id"],
        index=first["session"],
        kind=first["kind"],
        day=first["day"],
        slot_id=first["slot_id"],
        start=first["start"],
        end=first["end"],
        room_id=first["room_id"],
        teacher_ids=tuple(r["teacher_id"] for r in rows if r["teacher_id"] is not None),
    )


def _unstaffed(session: Session, version_id: int) -> tuple[Unstaffed, ...]:
    t = UnstaffedRow.__table__  # type: ignore[attr-defined]
    stmt = select(t).where(t.c.schedule_version_id == version_id).order_by(t.c.position)
    return tuple(
        Unstaffed(
            activity_id=r["activity_id"],
            index=r["session"],
            kind=r["kind"],
            day=r["day"],
            slot_id=r["slot_id"],
            missing=r["missing"],
        )
        for r in session.execute(stmt).mappings()
    )


def load_schedule(
    session: Session, school_id: str, version: int | None = None
) -> tuple[Schedule, ScheduleVersion]:
    """The stored Schedule (latest by default) and its version row."""
    head = get_schedule_version(session, school_id, version)
    schedule = Schedule(
        school_id=head.school_id,
        sessions=_sessions(session, head.id),  # type: ignore[arg-type]
        unstaffed=_unstaffed(session, head.id),  # type: ignore[arg-type]
    )
    return schedule, head


def list_schedules(session: Session, school_id: str) -> list[ScheduleVersion]:
    """Every schedule version of a school, oldest first."""
    require(session, "schedule.read", school_id)
    stmt = (
        select(ScheduleVersion)
        .where(ScheduleVersion.school_id == school_id)
        .order_by(ScheduleVersion.version)  # type: ignore[arg-type]
    )
    return list(session.execute(stmt).scalars())
