"""What must be scheduled, derived from a School: pure data, no solver.

The model, the counting checks of the infeasibility explainer and the benchmarks' peers
all start from this one derivation, so they agree on what a session, a qualified
teacher or a suitable room is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from domain.school import Activity, School, Teacher, basic_activity_id, parse_basic_activity_id


@dataclass(frozen=True)
class BasicSession:
    """A (class, basic slot) pair: supervised homework in the class's room."""

    group_id: str
    slot_id: str
    index: int  # 1-based among the class's basic slots in time order
    need: int  # supervising teachers
    students: int
    home_room: str | None  # fixed room, or None: any classroom large enough

    @property
    def activity_id(self) -> str:
        return basic_activity_id(self.group_id)


@dataclass(frozen=True)
class RoomNeed:
    """What a session needs of a room: a type (None = any) and seats."""

    type: str | None
    seats: int


@dataclass(frozen=True)
class Instance:
    school: School

    @cached_property
    def slots(self) -> list[str]:
        return self.school.sorted_slot_ids([s.slot_id for s in self.school.slots])

    @cached_property
    def days(self) -> list[int]:
        return sorted({self.school.slot_by_id[s].day for s in self.slots})

    def day(self, slot_id: str) -> int:
        return self.school.slot_by_id[slot_id].day

    def length(self, slot_id: str) -> int:
        return self._lengths[slot_id]

    @cached_property
    def _lengths(self) -> dict[str, int]:
        return {s.slot_id: s.length for s in self.school.slots}

    @cached_property
    def teachers(self) -> list[Teacher]:
        """Teachers who may get sessions: opted in (rule 2)."""
        return [t for t in self.school.teachers if t.opt_in]

    def available(self, teacher: Teacher) -> list[str]:
        blocked = set(teacher.unavailable)
        return [s for s in self.slots if s not in blocked]

    @cached_property
    def basic_sessions(self) -> list[BasicSession]:
        out = []
        for g in self.school.groups:
            need = self.school.basic_need(g)
            if need == 0:
                continue  # nobody stays: no session to supervise
            for index, slot_id in enumerate(self.school.sorted_slot_ids(g.basic_slots), 1):
                home = self.school.home_room.get(g.group_id)
                out.append(BasicSession(g.group_id, slot_id, index, need, g.basic_students, home))
        return out

    @cached_property
    def basic_by_slot(self) -> dict[str, list[BasicSession]]:
        out: dict[str, list[BasicSession]] = {s: [] for s in self.slots}
        for b in self.basic_sessions:
            out[b.slot_id].append(b)
        return out

    def basic_demand(self, slot_id: str) -> int:
        return sum(b.need for b in self.basic_by_slot[slot_id])

    @cached_property
    def activities(self) -> list[Activity]:
        return list(self.school.activities)

    def allowed(self, activity: Activity) -> list[str]:
        """Allowed slots that exist, in time order."""
        return self._allowed[activity.activity_id]

    @cached_property
    def _allowed(self) -> dict[str, list[str]]:
        school = self.school
        return {
            a.activity_id: school.sorted_slot_ids(school.allowed_slots(a)) for a in self.activities
        }

    def qualified(self, activity: Activity) -> list[Teacher]:
        """Teachers who may lead the activity's sessions (opted in, skill or fixed).

        When the teachers named for every session (the fixed teacher, a lock's teacher
        without a session index) fill its `staff`, no one else can take part: rules 1 and 2
        (exactly `staff` teachers, the named ones among them) leave no place. So only they
        are candidates; a timetable where every lesson has its teacher then has one
        teacher per session instead of every teacher of the school."""
        return self._qualified[activity.activity_id]

    def skilled(self, activity: Activity) -> list[Teacher]:
        """Opted-in teachers with the activity's skill (any teacher when blank) and its
        fixed teacher: who the skill rule allows, before the named teachers narrow it."""
        return [t for t in self.teachers if self.school.qualified(t, activity)]

    @cached_property
    def _qualified(self) -> dict[str, list[Teacher]]:
        out = {}
        for a in self.activities:
            qualified = self.skilled(a)
            named = self.named_teachers(a)
            among = [t for t in qualified if t.teacher_id in named]
            # (A named teacher who cannot take part makes the week impossible anyway; the
            # list then stays whole so that the explanation names that teacher alone.)
            if len(named) >= a.staff and len(among) == len(named):
                qualified = among
            out[a.activity_id] = qualified
        return out

    def named_teachers(self, activity: Activity) -> set[str]:
        """Teachers who must lead every session of the activity: its fixed teacher and the
        teachers of locks on the whole activity (no session index)."""
        named = {activity.fixed_teacher} if activity.fixed_teacher else set()
        named |= {
            lk.teacher_id
            for lk in self.locks_for(activity.activity_id)
            if lk.teacher_id and lk.session is None
        }
        return named

    def room_need(self, activity: Activity) -> RoomNeed:
        return RoomNeed(activity.room_type, self.school.enrolled(activity))

    def basic_room_need(self, b: BasicSession) -> RoomNeed:
        return RoomNeed("classroom", b.students)

    def rooms_for(self, need: RoomNeed) -> list[str]:
        """Rooms that fit a need, smallest first (best fit keeps big rooms free)."""
        fits = [
            r
            for r in self.school.rooms
            if (need.type is None or r.type == need.type) and r.capacity >= need.seats
        ]
        return [r.room_id for r in sorted(fits, key=lambda r: (r.capacity, r.room_id))]

    @cached_property
    def class_activities(self) -> dict[str, list[str]]:
        """group_id -> activities the class attends as a whole (`groups`)."""
        out: dict[str, list[str]] = {}
        for a in self.activities:
            for g in a.groups:
                out.setdefault(g, []).append(a.activity_id)
        return out

    @cached_property
    def student_activity_sets(self) -> list[frozenset[str]]:
        """Distinct sets of activities that one student (or a whole class) must not overlap.

        A student's own activities, plus those their class attends as a whole. Sets of one
        are dropped: they constrain nothing.
        """
        per_student: dict[str, set[str]] = {}
        class_of: dict[str, str] = {}
        for e in self.school.enrolments:
            per_student.setdefault(e.student_id, set()).add(e.activity_id)
            if e.group_id:
                class_of[e.student_id] = e.group_id
        sets = set()
        for student, acts in per_student.items():
            acts = acts | set(self.class_activities.get(class_of.get(student, ""), []))
            if len(acts) > 1:
                sets.add(frozenset(acts))
        return sorted(sets, key=sorted)

    @cached_property
    def basic_slots(self) -> list[str]:
        """Slots at which some class has basic care."""
        return [s for s in self.slots if self.basic_demand(s) > 0]

    @cached_property
    def work_slots(self) -> dict[str, set[str]]:
        """teacher_id -> slots at which the teacher could hold some session (basic care at
        an available slot, or an allowed slot of a club the teacher is qualified for): the
        slots at which the model gives the teacher a variable."""
        out = {t.teacher_id: set(self.basic_slots) & set(self.available(t)) for t in self.teachers}
        for a in self.activities:
            allowed = self.allowed(a)
            for t in self.qualified(a):
                out[t.teacher_id].update(s for s in allowed if s not in t.unavailable)
        return out

    def teacher_capacity(self, teacher: Teacher) -> int:
        """Most sessions the teacher can take in a week, from limits and availability."""
        avail = self.available(teacher)
        per_day = sum(
            min(teacher.max_per_day, sum(1 for s in avail if self.day(s) == d)) for d in self.days
        )
        return min(teacher.max_per_week, per_day)

    def locks_for(self, activity_id: str) -> list:
        return self._locks_by_activity.get(activity_id, [])

    @cached_property
    def _locks_by_activity(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for lk in self.school.locks:
            out.setdefault(lk.activity_id, []).append(lk)
        return out

    def basic_locks(self) -> dict[tuple[str, str], list]:
        """(group_id, slot_id) -> locks that apply to that basic session (do not change it:
        it is computed once per instance)."""
        return self._basic_locks

    @cached_property
    def _basic_locks(self) -> dict[tuple[str, str], list]:
        out: dict[tuple[str, str], list] = {}
        for lk in self.school.locks:
            gid = parse_basic_activity_id(lk.activity_id)
            if gid is None:
                continue
            for b in self.basic_sessions:
                if b.group_id != gid:
                    continue
                if lk.slot_id is not None and lk.slot_id != b.slot_id:
                    continue
                if lk.slot_id is None and lk.session is not None and lk.session != b.index:
                    continue
                out.setdefault((gid, b.slot_id), []).append(lk)
        return out
