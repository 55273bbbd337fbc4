"""SQLModel tables for versioned schools, schedules and club allocations.

A school version is never updated: a re-import adds a new `SchoolVersion` with its own
rows, so a schedule made from an old version keeps reading that version's data. Version
rows and their child rows refuse ORM updates and deletes (`refuse_changes`). Every
child row carries `position`, its index in the School's tuple, so loading gives back
the same ordering (and therefore an equal School). Column names equal the domain field
names, which lets `store.schools` convert generically. Lists are stored with the
portable SQLAlchemy JSON type (TEXT on SQLite, json on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from store.errors import ImmutableRow


def _now() -> datetime:
    return datetime.now(UTC)


def _json_list() -> Any:
    # A fresh Column per field: SQLAlchemy columns cannot be shared between tables.
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def refuse_changes(tables: Iterable[type[SQLModel]], error: type[Exception]) -> None:
    """Make the ORM raise `error` on any update or delete of these tables' rows."""

    def refuse(_mapper: Any, _connection: Any, target: Any) -> None:
        raise error(f"{type(target).__name__} rows are never changed; save a new version")

    for table in tables:
        event.listen(table, "before_update", refuse)
        event.listen(table, "before_delete", refuse)


def _version_fk() -> Any:
    return Field(foreign_key="school_version.id", index=True)


class SchoolVersion(SQLModel, table=True):
    __tablename__ = "school_version"
    __table_args__ = (UniqueConstraint("school_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(index=True)
    version: int
    name: str
    stage: str | None = None
    location: str | None = None
    ratio: int
    # Added by migration 0004 (issue 14); existing rows read the default.
    max_clubs_per_student: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    source: str
    content_hash: str
    imported_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class SlotRow(SQLModel, table=True):
    __tablename__ = "school_slot"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    slot_id: str
    day: int
    start: str
    end: str
    kind: str


class TeacherRow(SQLModel, table=True):
    __tablename__ = "school_teacher"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    teacher_id: str
    name: str
    skills: list[str] = _json_list()
    max_per_week: int
    max_per_day: int
    unavailable: list[str] = _json_list()
    opt_in: bool
    homeroom: str | None = None
    external: bool


class GroupRow(SQLModel, table=True):
    __tablename__ = "school_group"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    group_id: str
    grade: list[int] = _json_list()
    students: int
    basic_slots: list[str] = _json_list()
    basic_students: int


class ActivityRow(SQLModel, table=True):
    __tablename__ = "school_activity"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    activity_id: str
    name: str
    category: str
    skill: str | None = None
    sessions_per_week: int
    enrolled: int | None = None
    staff: int
    room_type: str | None = None
    allowed_slots: list[str] = _json_list()
    fixed_teacher: str | None = None
    groups: list[str] = _json_list()
    min_grade: int | None = None
    max_grade: int | None = None


class RoomRow(SQLModel, table=True):
    __tablename__ = "school_room"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    room_id: str
    name: str
    type: str
    capacity: int
    home_group: str | None = None


class EnrolmentRow(SQLModel, table=True):
    __tablename__ = "school_enrolment"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    student_id: str
    activity_id: str
    group_id: str | None = None


class ChoiceRow(SQLModel, table=True):
    """One ranked club wish of the `choices` sheet (migration 0004)."""

    __tablename__ = "school_choice"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    student_id: str
    group_id: str
    activity_id: str
    rank: int
    priority: bool


class LockRow(SQLModel, table=True):
    __tablename__ = "school_lock"

    id: int | None = Field(default=None, primary_key=True)
    school_version_id: int = _version_fk()
    position: int
    activity_id: str
    session: int | None = None
    slot_id: str | None = None
    room_id: str | None = None
    teacher_id: str | None = None


class ScheduleVersion(SQLModel, table=True):
    __tablename__ = "schedule_version"
    __table_args__ = (UniqueConstraint("school_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(index=True)
    version: int
    school_version_id: int = _version_fk()
    created_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    inputs_hash: str
    status: str
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ScheduleRow(SQLModel, table=True):
    """One row per teacher per session, the contract's schedule columns.

    `teacher_id` is null only for a session placed with no teacher, so such a session
    survives a round trip; `position` / `teacher_position` restore tuple order.
    """

    __tablename__ = "schedule_row"

    id: int | None = Field(default=None, primary_key=True)
    schedule_version_id: int = Field(foreign_key="schedule_version.id", index=True)
    position: int
    teacher_position: int
    session_id: str
    activity_id: str
    session: int
    kind: str
    day: int
    slot_id: str
    start: str
    end: str
    room_id: str
    teacher_id: str | None = None


class UnstaffedRow(SQLModel, table=True):
    __tablename__ = "schedule_unstaffed"

    id: int | None = Field(default=None, primary_key=True)
    schedule_version_id: int = Field(foreign_key="schedule_version.id", index=True)
    position: int
    session_id: str
    activity_id: str
    session: int
    kind: str
    day: int | None = None
    slot_id: str | None = None
    missing: int


class AllocationVersion(SQLModel, table=True):
    """One stored club allocation (choices/): which method and seed made it from which
    school version, with its report; a new allocation is the next version."""

    __tablename__ = "allocation_version"
    __table_args__ = (UniqueConstraint("school_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(index=True)
    version: int
    school_version_id: int = _version_fk()
    created_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    method: str
    seed: int
    status: str
    inputs_hash: str
    # Who came first (the lottery draw, or the arrival order): the audit of a fair draw.
    draw: list[str] = _json_list()
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AllocationRow(SQLModel, table=True):
    """One club granted to one student; `choice` is which of the student's choices."""

    __tablename__ = "allocation_row"

    id: int | None = Field(default=None, primary_key=True)
    allocation_version_id: int = Field(foreign_key="allocation_version.id", index=True)
    position: int
    student_id: str
    group_id: str
    activity_id: str
    choice: int


refuse_changes(
    (
        SchoolVersion,
        SlotRow,
        TeacherRow,
        GroupRow,
        ActivityRow,
        RoomRow,
        EnrolmentRow,
        ChoiceRow,
        LockRow,
        ScheduleVersion,
        ScheduleRow,
        UnstaffedRow,
        AllocationVersion,
        AllocationRow,
    ),
    ImmutableRow,
)
