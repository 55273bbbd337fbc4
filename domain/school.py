"""A school as the data contract describes it: pure, immutable values.

Everything that enters the product (workbook, CSV folder, database, sample generator)
becomes a `School`; everything downstream (scheduler, compensation, scenarios) reads one.
Values are already normalised: ids are text, enums are English keys, times are "HH:MM",
and defaults that depend only on the row itself are filled in (``basic_students``).
Defaults that depend on other rows (an activity's allowed slots, its enrolment count)
are derived by the methods below so that a round trip keeps what the school wrote.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cached_property

STAGES = ("primary", "junior", "nine_year", "high")
LOCATIONS = ("urban", "town", "village")
SLOT_KINDS = ("basic", "extended", "self_study", "any")
CATEGORIES = (
    "arts",
    "sports",
    "science",
    "labour",
    "social_practice",
    "academic",
    "self_study",
)
ROOM_TYPES = ("classroom", "gym", "field", "lab", "music", "art", "computer", "library")
BASIC_PREFIX = "basic:"
DAY_NAMES_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_RATIO = 45
DEFAULT_MAX_CLUBS = 1

# Fields added after schools were first stored and hashed (issue 14, club choices): at
# their default they are left out of `canonical`, so a school that does not use them keeps
# the content hash it always had.
_OMIT_DEFAULT = {"omit_default": True}


def admits(min_grade: int | None, max_grade: int | None, grades: tuple[int, ...]) -> bool:
    """Some grade of `grades` lies within [min_grade, max_grade] (None: no bound)."""
    low = 1 if min_grade is None else min_grade
    high = 12 if max_grade is None else max_grade
    return any(low <= g <= high for g in grades)


def minutes(hhmm: str) -> int:
    """Minutes since midnight of an "HH:MM" string."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


@dataclass(frozen=True)
class SchoolInfo:
    school_id: str
    name: str
    stage: str | None = None
    location: str | None = None
    ratio: int = DEFAULT_RATIO
    # Most clubs one student is given by the club allocation (choices/); a school
    # parameter, default 1.
    max_clubs_per_student: int = field(default=DEFAULT_MAX_CLUBS, metadata=_OMIT_DEFAULT)


@dataclass(frozen=True)
class Slot:
    slot_id: str
    day: int
    start: str
    end: str
    kind: str = "any"

    @property
    def length(self) -> int:
        """Length in minutes: pay and fairness count minutes, not sessions."""
        return minutes(self.end) - minutes(self.start)

    @property
    def order(self) -> tuple[int, int]:
        """Time order used for session indices: day, then start."""
        return (self.day, minutes(self.start))


@dataclass(frozen=True)
class Teacher:
    teacher_id: str
    name: str
    skills: tuple[str, ...] = ()
    max_per_week: int = 5
    max_per_day: int = 1
    unavailable: tuple[str, ...] = ()
    opt_in: bool = True
    homeroom: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Group:
    group_id: str
    grade: tuple[int, ...]
    students: int
    basic_slots: tuple[str, ...] = ()
    basic_students: int = 0


@dataclass(frozen=True)
class Activity:
    activity_id: str
    name: str
    category: str
    skill: str | None = None
    sessions_per_week: int = 1
    enrolled: int | None = None
    staff: int = 1
    room_type: str | None = None
    allowed_slots: tuple[str, ...] = ()
    fixed_teacher: str | None = None
    groups: tuple[str, ...] = ()
    # Grade eligibility for club choices (None: no bound). Added after schools were first
    # hashed: `_OMIT_DEFAULT` keeps the content hash of a school without bounds.
    min_grade: int | None = field(default=None, metadata=_OMIT_DEFAULT)
    max_grade: int | None = field(default=None, metadata=_OMIT_DEFAULT)

    @property
    def kind(self) -> str:
        """Kind of its sessions in the schedule file."""
        return "self_study" if self.category == "self_study" else "extended"

    def admits(self, grades: tuple[int, ...]) -> bool:
        """Grade eligibility: some grade of the student's class lies within
        [min_grade, max_grade] (a multi-grade class does not say which grade a student
        is in, so any of its grades counts)."""
        return admits(self.min_grade, self.max_grade, grades)


@dataclass(frozen=True)
class Room:
    room_id: str
    name: str
    type: str
    capacity: int
    home_group: str | None = None


@dataclass(frozen=True)
class Enrolment:
    student_id: str
    activity_id: str
    group_id: str | None = None


@dataclass(frozen=True)
class Choice:
    """One ranked club wish of one student (the `choices` sheet): rank 1 is the first
    choice. `priority` marks a student served first (fee waiver, lost last term's lottery);
    a student is a priority student when any of their rows says so."""

    student_id: str
    group_id: str
    activity_id: str
    rank: int
    priority: bool = False


@dataclass(frozen=True)
class Lock:
    activity_id: str
    session: int | None = None
    slot_id: str | None = None
    room_id: str | None = None
    teacher_id: str | None = None
    # Where the lock was read: the Excel row number (the line number for CSV), so that
    # problems can cite the locks sheet's own row; None when it came from elsewhere (the
    # store, the app, a generator). Not part of the lock's meaning: equality, hashing,
    # the stored school and its content hash ignore it (`compare=False`).
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class School:
    info: SchoolInfo
    slots: tuple[Slot, ...] = ()
    teachers: tuple[Teacher, ...] = ()
    groups: tuple[Group, ...] = ()
    activities: tuple[Activity, ...] = ()
    rooms: tuple[Room, ...] = ()
    enrolments: tuple[Enrolment, ...] = ()
    locks: tuple[Lock, ...] = ()
    choices: tuple[Choice, ...] = field(default=(), metadata=_OMIT_DEFAULT)

    @property
    def school_id(self) -> str:
        return self.info.school_id

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {s.slot_id: s for s in self.slots}

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {t.teacher_id: t for t in self.teachers}

    @cached_property
    def group_by_id(self) -> dict[str, Group]:
        return {g.group_id: g for g in self.groups}

    @cached_property
    def activity_by_id(self) -> dict[str, Activity]:
        return {a.activity_id: a for a in self.activities}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.room_id: r for r in self.rooms}

    @cached_property
    def home_room(self) -> dict[str, str]:
        """group_id -> room_id of the class's home room."""
        return {r.home_group: r.room_id for r in self.rooms if r.home_group}

    @cached_property
    def enrolment_counts(self) -> dict[str, int]:
        counts: dict[str, set[str]] = {}
        for e in self.enrolments:
            counts.setdefault(e.activity_id, set()).add(e.student_id)
        return {a: len(s) for a, s in counts.items()}

    def enrolled(self, activity: Activity) -> int:
        """Students per session: the enrolments sheet wins over the `enrolled` column."""
        if activity.activity_id in self.enrolment_counts:
            return self.enrolment_counts[activity.activity_id]
        return activity.enrolled or 0

    def allowed_slots(self, activity: Activity) -> tuple[str, ...]:
        """Slots an activity may use; blank means every slot of its kind plus `any`."""
        if activity.allowed_slots:
            return activity.allowed_slots
        wanted = {activity.kind, "any"}
        return tuple(s.slot_id for s in self.slots if s.kind in wanted)

    def basic_need(self, group: Group) -> int:
        """Supervising teachers per basic session: ceil(basic_students / ratio)."""
        return math.ceil(group.basic_students / self.info.ratio)

    def qualified(self, teacher: Teacher, activity: Activity) -> bool:
        """Skill rule: blank skill means anyone; the fixed teacher is always qualified."""
        if activity.fixed_teacher == teacher.teacher_id:
            return True
        return activity.skill is None or activity.skill in teacher.skills

    def sorted_slot_ids(self, slot_ids: tuple[str, ...] | list[str]) -> list[str]:
        """Slot ids in time order (day, then start), unknown ids last."""
        known = [s for s in slot_ids if s in self.slot_by_id]
        return sorted(known, key=lambda s: (self.slot_by_id[s].order, s))


def basic_activity_id(group_id: str) -> str:
    return f"{BASIC_PREFIX}{group_id}"


def parse_basic_activity_id(activity_id: str) -> str | None:
    """group_id of a `basic:<group_id>` id, or None for a club."""
    if activity_id.startswith(BASIC_PREFIX):
        return activity_id[len(BASIC_PREFIX) :]
    return None


def canonical(value: object) -> object:
    """Plain JSON-ready data of a School (or any part of it) without the fields that take
    no part in equality (`compare=False`, such as a lock's source row): what content
    hashes are computed from, so equal Schools hash equal wherever they were read.
    Fields added later (`_OMIT_DEFAULT`) are left out while they hold their default."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.compare and not _at_omitted_default(f, getattr(value, f.name))
        }
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def _at_omitted_default(f: dataclasses.Field, value: object) -> bool:
    return bool(f.metadata.get("omit_default")) and value == f.default
