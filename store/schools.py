"""Save and load versioned schools.

Saving is bulk: one flush for the `SchoolVersion` rows (to learn their ids), then one
executemany INSERT per child table, so a whole county costs a handful of statements.
A save that names the version its edit started from (`expected_version`) is refused
with `StaleVersion` when someone saved a newer one meanwhile. Every function checks the
session's actor (store.rights) and writes the audit log in the same transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, SQLModel

from domain.school import (
    Activity,
    Choice,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
    canonical,
)
from store.audit import record
from store.concurrency import claim_write, insert_heads
from store.errors import NotFound, StaleVersion
from store.models import (
    ActivityRow,
    ChoiceRow,
    EnrolmentRow,
    GroupRow,
    LockRow,
    RoomRow,
    SchoolVersion,
    SlotRow,
    TeacherRow,
)
from store.rights import actor_of, can, require


@dataclass(frozen=True)
class Part:
    """One tuple of a School (one workbook sheet) and the table that holds it."""

    attr: str
    table: type[SQLModel]
    value: type
    fields: tuple[str, ...]
    lists: frozenset[str]


def _part(attr: str, table: type[SQLModel], value: type) -> Part:
    # Fields outside equality (`compare=False`, such as a lock's source row) are not stored.
    kept = [f for f in dataclasses.fields(value) if f.compare]
    fields = tuple(f.name for f in kept)
    lists = frozenset(f.name for f in kept if "tuple" in str(f.type))
    return Part(attr, table, value, fields, lists)


PARTS: tuple[Part, ...] = (
    _part("slots", SlotRow, Slot),
    _part("teachers", TeacherRow, Teacher),
    _part("groups", GroupRow, Group),
    _part("activities", ActivityRow, Activity),
    _part("rooms", RoomRow, Room),
    _part("enrolments", EnrolmentRow, Enrolment),
    _part("locks", LockRow, Lock),
    _part("choices", ChoiceRow, Choice),
)


@dataclass(frozen=True)
class SchoolSummary:
    """The latest version of one stored school, with the sizes a list shows."""

    school_id: str
    name: str
    stage: str | None
    location: str | None
    version: int
    school_version_id: int
    imported_at: datetime
    teachers: int
    groups: int
    activities: int


def school_hash(school: School) -> str:
    """sha256 of a canonical JSON of the School: equal Schools hash equal."""
    data = canonical(school)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row(part: Part, item: object, version_id: int, position: int) -> dict[str, Any]:
    row: dict[str, Any] = {"school_version_id": version_id, "position": position}
    for name in part.fields:
        value = getattr(item, name)
        row[name] = list(value) if name in part.lists else value
    return row


def _next_versions(session: Session, school_ids: Sequence[str]) -> dict[str, int]:
    """The next free version number of each school id (1 for a new school)."""
    stmt = (
        select(SchoolVersion.school_id, func.max(SchoolVersion.version))
        .where(SchoolVersion.school_id.in_(set(school_ids)))  # type: ignore[attr-defined]
        .group_by(SchoolVersion.school_id)
    )
    latest = dict(session.execute(stmt).all())
    return {sid: latest.get(sid, 0) + 1 for sid in school_ids}


def save_schools(
    session: Session,
    items: Sequence[tuple[School, str]],
    expected: Mapping[str, int] | None = None,
) -> list[SchoolVersion]:
    """Store each (school, source) as a new version; the caller's transaction commits.

    `expected` maps a school id to the version the edit was made from (0: the school must
    be new); if any head differs, nothing is written and `StaleVersion` names the first.
    """
    if not items:
        return []
    ids = [school.school_id for school, _ in items]
    if len(set(ids)) != len(ids):
        raise ValueError("one school id twice in one save")
    for school_id in ids:
        require(session, "school.write", school_id)
    claim_write(session, SchoolVersion.__tablename__)  # type: ignore[arg-type]
    versions = _next_versions(session, ids)
    for school_id, version in (expected or {}).items():
        if versions[school_id] - 1 != version:
            raise _stale_school(school_id, version, versions[school_id] - 1)
    heads = [_version_row(school, source, versions[school.school_id]) for school, source in items]
    insert_heads(session, heads, lambda: _lost_race(session, versions))
    for part in PARTS:
        rows = [
            _row(part, item, head.id, pos)  # type: ignore[arg-type]
            for (school, _), head in zip(items, heads, strict=True)
            for pos, item in enumerate(getattr(school, part.attr))
        ]
        if rows:
            session.execute(insert(part.table.__table__), rows)  # type: ignore[attr-defined]
    for (_, source), head in zip(items, heads, strict=True):
        record(session, "school.save", head.school_id, head.id, f"v{head.version} {source}")
    return heads


def _stale_school(school_id: str, expected: int, current: int) -> StaleVersion:
    return StaleVersion(
        "store.stale_school", school_id=school_id, expected=expected, current=current
    )


def _lost_race(session: Session, wanted: Mapping[str, int]) -> StaleVersion | None:
    """After a failed insert: the first school whose wanted version was taken meanwhile."""
    now = _next_versions(session, list(wanted))
    for school_id, version in wanted.items():
        if now[school_id] > version:
            return _stale_school(school_id, version - 1, now[school_id] - 1)
    return None


def _version_row(school: School, source: str, version: int) -> SchoolVersion:
    info = school.info
    return SchoolVersion(
        school_id=info.school_id,
        version=version,
        name=info.name,
        stage=info.stage,
        location=info.location,
        ratio=info.ratio,
        max_clubs_per_student=info.max_clubs_per_student,
        source=source,
        content_hash=school_hash(school),
    )


def save_school(
    session: Session, school: School, source: str, expected_version: int | None = None
) -> SchoolVersion:
    """Store `school` as a new version (max + 1) of its school id.

    With `expected_version` (the version the user loaded and edited; 0 for a new school)
    the save is refused with `StaleVersion` if the head is no longer that version.
    """
    expected = None if expected_version is None else {school.school_id: expected_version}
    return save_schools(session, [(school, source)], expected)[0]


def version_with_content(
    session: Session, school: School, source: str, expected_version: int | None = None
) -> tuple[SchoolVersion, bool]:
    """The latest stored version with exactly this content, else a newly saved one (with
    `expected_version` as in `save_school`); True when it was saved now."""
    digest = school_hash(school)
    same = [v for v in school_versions(session, school.school_id) if v.content_hash == digest]
    if same:
        return same[-1], False
    return save_school(session, school, source, expected_version), True


def get_version(session: Session, school_id: str, version: int | None = None) -> SchoolVersion:
    """The `SchoolVersion` row of a school (latest by default); NotFound if absent."""
    require(session, "school.read", school_id)
    stmt = select(SchoolVersion).where(SchoolVersion.school_id == school_id)
    if version is None:
        stmt = stmt.order_by(SchoolVersion.version.desc()).limit(1)  # type: ignore[attr-defined]
    else:
        stmt = stmt.where(SchoolVersion.version == version)
    head = session.execute(stmt).scalars().first()
    if head is not None:
        return head
    if version is not None and school_versions(session, school_id):
        raise NotFound("store.unknown_version", school_id=school_id, version=version)
    raise NotFound("store.unknown_school", school_id=school_id)


def _load_part(session: Session, part: Part, version_id: int) -> tuple[object, ...]:
    table = part.table.__table__  # type: ignore[attr-defined]
    stmt = (
        select(*(table.c[name] for name in part.fields))
        .where(table.c.school_version_id == version_id)
        .order_by(table.c.position)
    )
    items = []
    for row in session.execute(stmt).mappings():
        kwargs = {k: tuple(v) if k in part.lists else v for k, v in row.items()}
        items.append(part.value(**kwargs))
    return tuple(items)


def _to_school(session: Session, head: SchoolVersion) -> School:
    info = SchoolInfo(
        school_id=head.school_id,
        name=head.name,
        stage=head.stage,
        location=head.location,
        ratio=head.ratio,
        max_clubs_per_student=head.max_clubs_per_student,
    )
    parts = {part.attr: _load_part(session, part, head.id) for part in PARTS}  # type: ignore[arg-type]
    return School(info=info, **parts)  # type: ignore[arg-type]


def load_school(session: Session, school_id: str, version: int | None = None) -> School:
    """The School as saved (latest version by default); NotFound if absent."""
    return _to_school(session, get_version(session, school_id, version))


def load_school_version(session: Session, school_version_id: int) -> School:
    """The School of one `SchoolVersion` id (e.g. the one a schedule was made from)."""
    head = session.get(SchoolVersion, school_version_id)
    if head is None:
        raise NotFound("store.unknown_school_version", school_version_id=school_version_id)
    require(session, "school.read", head.school_id)
    return _to_school(session, head)


def school_versions(session: Session, school_id: str) -> list[SchoolVersion]:
    """Every stored version of a school, oldest first."""
    require(session, "school.read", school_id)
    stmt = (
        select(SchoolVersion)
        .where(SchoolVersion.school_id == school_id)
        .order_by(SchoolVersion.version)  # type: ignore[arg-type]
    )
    return list(session.execute(stmt).scalars())


def _counts(session: Session, table: type[SQLModel], ids: list[int]) -> dict[int, int]:
    t = table.__table__  # type: ignore[attr-defined]
    stmt = (
        select(t.c.school_version_id, func.count())
        .where(t.c.school_version_id.in_(ids))
        .group_by(t.c.school_version_id)
    )
    return dict(session.execute(stmt).all())


def list_schools(session: Session) -> list[SchoolSummary]:
    """The latest version of every school the actor may read, by school id, with its sizes."""
    actor = actor_of(session)
    latest_stmt = select(
        SchoolVersion.school_id, func.max(SchoolVersion.version).label("version")
    ).group_by(SchoolVersion.school_id)
    if actor.school_id is not None:  # an actor bound to one school sees at most that one
        latest_stmt = latest_stmt.where(SchoolVersion.school_id == actor.school_id)
    latest = latest_stmt.subquery()
    stmt = (
        select(SchoolVersion)
        .join(
            latest,
            (SchoolVersion.school_id == latest.c.school_id)
            & (SchoolVersion.version == latest.c.version),
        )
        .order_by(SchoolVersion.school_id)  # type: ignore[arg-type]
    )
    heads = [h for h in session.execute(stmt).scalars() if can(actor, "school.read", h.school_id)]
    ids = [h.id for h in heads]
    teachers = _counts(session, TeacherRow, ids)  # type: ignore[arg-type]
    groups = _counts(session, GroupRow, ids)  # type: ignore[arg-type]
    activities = _counts(session, ActivityRow, ids)  # type: ignore[arg-type]
    return [
        SchoolSummary(
            school_id=h.school_id,
            name=h.name,
            stage=h.stage,
            location=h.location,
            version=h.version,
            school_version_id=h.id,  # type: ignore[arg-type]
            imported_at=h.imported_at,
            teachers=teachers.get(h.id, 0),  # type: ignore[arg-type]
            groups=groups.get(h.id, 0),  # type: ignore[arg-type]
            activities=activities.get(h.id, 0),  # type: ignore[arg-type]
        )
        for h in heads
    ]
