"""A greedy scheduler: what a careful principal does by hand, with exact staffing.

Sessions are placed one activity at a time into slots and rooms (basic care first, in its
fixed slots; then clubs, the most constrained first, each at the slot with the lowest
staffing pressure on a day it does not use yet); then teachers are assigned by an exact
max-flow given that placement (weekly and daily limits, availability, skills, fixed
teachers). Three skill weightings of the pressure are tried in turn.

It returns a complete schedule or nothing: no objective, no partial plans, no locks (a
school with locks gets None; CP-SAT handles those). `checked_greedy` also runs the
independent checker (`scheduler.check`) on the result. Users: the sample-county generator
(proof that a generated school can be scheduled), the scenarios' greedy-first shortcut,
and the scheduler benchmark's by-hand peer. The CP-SAT warm start (`scheduler.warmstart`)
is a separate, cheaper hint that may be incomplete.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.graph.python import max_flow

from domain.schedule import Placed, Schedule
from domain.school import Activity, School, basic_activity_id
from scheduler.check import check, rows_of


@dataclass
class _Session:
    activity_id: str
    slot_id: str
    room_id: str
    need: int
    skill: str | None = None
    fixed: str | None = None


class _Unplaceable(Exception):
    """An activity found no slot and room under the greedy placement."""


def greedy_schedule(school: School) -> Schedule | None:
    """A complete schedule of the week, or None if this greedy + flow approach finds none
    (or the school has locks, which it does not honour)."""
    if school.locks:
        return None
    staffed, _ = _attempt(school)
    return None if staffed is None else _schedule(school, staffed)


def checked_greedy(school: School) -> Schedule | None:
    """`greedy_schedule`, kept only if the independent checker passes it.

    A complete plan leaves nothing unstaffed, so for a county scenario (which minimises
    unstaffed sessions only) it is optimal and CP-SAT can be skipped; for the sample
    generator it is the proof that a school can be scheduled.
    """
    schedule = greedy_schedule(school)
    if schedule is None or check(school, rows_of(schedule)):
        return None
    return schedule


def unplaceable(school: School) -> str | None:
    """The activity the greedy placement got stuck on (None: placed, or staffing failed)."""
    staffed, stuck = _attempt(school)
    return None if staffed is not None else stuck


def _attempt(school: School) -> tuple[list[tuple[_Session, list[str]]] | None, str | None]:
    stuck = None
    for skill_weight in (1.0, 3.0, 0.3):
        try:
            sessions = _place(school, skill_weight)
        except _Unplaceable as exc:
            stuck = stuck or str(exc)
            continue
        if sessions is None:
            continue
        staffed = _staff(school, sessions)
        if staffed is not None:
            return staffed, None
    return None, stuck


# --- placement: slots and rooms ----------------------------------------------------------


def _available(school: School) -> dict[str, set[str]]:
    """slot_id -> teachers who could work then (opted in, not unavailable, some budget)."""
    out: dict[str, set[str]] = {s.slot_id: set() for s in school.slots}
    for t in school.teachers:
        if not t.opt_in or t.max_per_week < 1 or t.max_per_day < 1:
            continue
        for s in school.slots:
            if s.slot_id not in t.unavailable:
                out[s.slot_id].add(t.teacher_id)
    return out


def _members(school: School) -> dict[str, list[str]]:
    """activity_id -> enrolled student ids."""
    out: dict[str, list[str]] = defaultdict(list)
    for e in school.enrolments:
        out[e.activity_id].append(e.student_id)
    return out


def _place(school: School, skill_weight: float) -> list[_Session] | None:
    """Greedy placement of every session into a slot and a room."""
    avail = _available(school)
    day_of = {s.slot_id: s.day for s in school.slots}
    room_busy: set[tuple[str, str]] = set()
    class_busy: set[tuple[str, str]] = set()
    load: dict[str, float] = defaultdict(float)
    sessions: list[_Session] = []

    for g in school.groups:
        need = school.basic_need(g)
        for slot in g.basic_slots:
            room = school.home_room.get(g.group_id) or _free_room(
                school, room_busy, slot, "classroom", g.basic_students
            )
            if room is None or (room, slot) in room_busy:
                return None
            room_busy.add((room, slot))
            class_busy.add((g.group_id, slot))
            load[slot] += need
            sessions.append(_Session(basic_activity_id(g.group_id), slot, room, need))

    members = _members(school)
    student_busy: dict[str, set[str]] = defaultdict(set)
    group_students = _students_by_group(school)
    fixed_days: dict[str, list[int]] = defaultdict(list)
    skill_load: dict[tuple[str, str], int] = defaultdict(int)

    def order(a: Activity) -> tuple:
        return (
            a.fixed_teacher is None,
            a.room_type is None,
            len(school.allowed_slots(a)),
            -a.staff,
            -school.enrolled(a),
            a.activity_id,
        )

    for a in sorted(school.activities, key=order):
        students = members.get(a.activity_id, [])
        size = school.enrolled(a)
        used_days: set[int] = set()
        qualified = {t.teacher_id for t in school.teachers if school.qualified(t, a)}
        for _ in range(a.sessions_per_week):
            best: tuple[float, str, str] | None = None
            for slot in school.sorted_slot_ids(school.allowed_slots(a)):
                day = day_of[slot]
                if day in used_days:
                    continue
                if any((g, slot) in class_busy for g in a.groups):
                    continue
                if any(slot in student_busy[s] for s in students):
                    continue
                if any(slot in student_busy[s] for g in a.groups for s in group_students[g]):
                    continue
                fixed = school.teacher_by_id.get(a.fixed_teacher or "")
                if fixed is not None and not _fixed_ok(fixed, slot, day, avail, fixed_days):
                    continue
                skilled = len(qualified & avail[slot]) - skill_load[(a.skill or "", slot)]
                if a.skill and skilled < a.staff:
                    continue
                room = _free_room(school, room_busy, slot, a.room_type, size)
                if room is None:
                    continue
                pressure = (load[slot] + a.staff) / max(1, len(avail[slot]))
                if a.skill:
                    pressure += skill_weight * a.staff / max(1, skilled)
                key = (pressure, slot, room)
                if best is None or key < best:
                    best = key
            if best is None:
                raise _Unplaceable(a.activity_id)
            _, slot, room = best
            used_days.add(day_of[slot])
            room_busy.add((room, slot))
            load[slot] += a.staff
            skill_load[(a.skill or "", slot)] += a.staff
            for s in students:
                student_busy[s].add(slot)
            for g in a.groups:
                class_busy.add((g, slot))
            if a.fixed_teacher:
                fixed_days[a.fixed_teacher].append(day_of[slot])
            sessions.append(_Session(a.activity_id, slot, room, a.staff, a.skill, a.fixed_teacher))
    return sessions


def _students_by_group(school: School) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for e in school.enrolments:
        if e.group_id:
            out[e.group_id].append(e.student_id)
    return out


def _fixed_ok(teacher, slot: str, day: int, avail, fixed_days) -> bool:
    days = fixed_days[teacher.teacher_id]
    return (
        teacher.teacher_id in avail[slot]
        and days.count(day) < teacher.max_per_day
        and len(days) < teacher.max_per_week
    )


def _free_room(
    school: School, busy: set[tuple[str, str]], slot: str, room_type: str | None, size: int
) -> str | None:
    """Smallest free room of the type that seats everyone (home rooms of busy classes too)."""
    fits = [
        r
        for r in school.rooms
        if (room_type is None or r.type == room_type)
        and r.capacity >= size
        and (r.room_id, slot) not in busy
    ]
    if not fits:
        return None
    return min(fits, key=lambda r: (r.capacity, r.room_id)).room_id


# --- staffing: exact max-flow given the placement ----------------------------------------


def _staff(school: School, sessions: list[_Session]) -> list[tuple[_Session, list[str]]] | None:
    """Assign teachers to placed sessions, or None if no assignment exists."""
    day_of = {s.slot_id: s.day for s in school.slots}
    avail = _available(school)
    flow = max_flow.SimpleMaxFlow()
    ids: dict[object, int] = {}

    def node(key: object) -> int:
        if key not in ids:
            ids[key] = len(ids) + 2  # 0 source, 1 sink
        return ids[key]

    teachers = {t.teacher_id: t for t in school.teachers}
    for t in school.teachers:
        flow.add_arc_with_capacity(node(("t", t.teacher_id)), 1, t.max_per_week)
        for slot in school.sorted_slot_ids([s.slot_id for s in school.slots]):
            if t.teacher_id in avail[slot]:
                day = day_of[slot]
                flow.add_arc_with_capacity(
                    node(("ts", t.teacher_id, slot)), node(("td", t.teacher_id, day)), 1
                )
        for day in sorted({s.day for s in school.slots}):
            flow.add_arc_with_capacity(
                node(("td", t.teacher_id, day)), node(("t", t.teacher_id)), t.max_per_day
            )

    demand = 0
    session_arcs: list[tuple[int, int, str]] = []  # (arc, session index, teacher)
    for i, s in enumerate(sessions):
        fixed = s.fixed if s.fixed in teachers else None
        rest = s.need - (1 if fixed else 0)
        demand += s.need
        if fixed:
            head = node(("fx", i))
            flow.add_arc_with_capacity(0, head, 1)
            if fixed in avail[s.slot_id]:
                arc = flow.add_arc_with_capacity(head, node(("ts", fixed, s.slot_id)), 1)
                session_arcs.append((arc, i, fixed))
        if rest > 0:
            head = node(("s", i))
            flow.add_arc_with_capacity(0, head, rest)
            for tid in sorted(avail[s.slot_id]):
                if tid == fixed or (s.skill and s.skill not in teachers[tid].skills):
                    continue
                arc = flow.add_arc_with_capacity(head, node(("ts", tid, s.slot_id)), 1)
                session_arcs.append((arc, i, tid))

    if flow.solve(0, 1) != flow.OPTIMAL or flow.optimal_flow() != demand:
        return None
    chosen: dict[int, list[str]] = defaultdict(list)
    for arc, i, tid in session_arcs:
        if flow.flow(arc) > 0:
            chosen[i].append(tid)
    return [(s, sorted(chosen[i])) for i, s in enumerate(sessions)]


def _schedule(school: School, staffed: list[tuple[_Session, list[str]]]) -> Schedule:
    """Session indices in time order within each activity."""
    by_activity: dict[str, list[tuple[_Session, list[str]]]] = defaultdict(list)
    for s, teachers in staffed:
        by_activity[s.activity_id].append((s, teachers))
    out: list[Placed] = []
    for aid in sorted(by_activity):
        activity = school.activity_by_id.get(aid)
        kind = activity.kind if activity else "basic"
        items = sorted(by_activity[aid], key=lambda p: school.slot_by_id[p[0].slot_id].order)
        for k, (s, teachers) in enumerate(items, start=1):
            slot = school.slot_by_id[s.slot_id]
            out.append(
                Placed(
                    aid,
                    k,
                    kind,
                    slot.day,
                    s.slot_id,
                    slot.start,
                    slot.end,
                    s.room_id,
                    tuple(teachers),
                )
            )
    return Schedule(school.school_id, tuple(out))
