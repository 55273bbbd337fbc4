"""A witness schedule: proof that a generated school admits a valid schedule.

The generator must only emit schools that can be scheduled. Counting checks
(`samplegen.checks`) are necessary, not sufficient, so every sample school also gets a
witness: sessions are placed greedily into slots and rooms, then teachers are assigned by
an exact max-flow (given the placement). `check_witness` re-checks the result against the
contract's hard rules independently of how it was built. This is not the product's
scheduler (no objective, no locks); it only has to find *some* valid schedule.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.graph.python import max_flow

from domain.school import Activity, School, basic_activity_id


@dataclass(frozen=True)
class Placed:
    """One held session: where, when and by whom."""

    activity_id: str  # club id, or basic:<group_id>
    session: int  # 1-based, in time order
    slot_id: str
    room_id: str
    teachers: tuple[str, ...]


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


def find_witness(school: School) -> list[Placed] | None:
    """A complete valid schedule, or None if this greedy + flow approach finds none."""
    placed, _ = _attempt(school)
    return placed


def unplaceable(school: School) -> str | None:
    """The activity the greedy placement got stuck on (None: placed, or staffing failed)."""
    placed, stuck = _attempt(school)
    return None if placed is not None else stuck


def _attempt(school: School) -> tuple[list[Placed] | None, str | None]:
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
            return _number(school, staffed), None
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


def _number(school: School, staffed: list[tuple[_Session, list[str]]]) -> list[Placed]:
    """Session indices in time order within each activity."""
    by_activity: dict[str, list[tuple[_Session, list[str]]]] = defaultdict(list)
    for s, teachers in staffed:
        by_activity[s.activity_id].append((s, teachers))
    out: list[Placed] = []
    for aid in sorted(by_activity):
        items = sorted(by_activity[aid], key=lambda p: school.slot_by_id[p[0].slot_id].order)
        for k, (s, teachers) in enumerate(items, start=1):
            out.append(Placed(aid, k, s.slot_id, s.room_id, tuple(teachers)))
    return out


# --- independent check against the contract's hard rules ---------------------------------


def check_witness(school: School, placed: list[Placed]) -> list[str]:
    """Every hard rule the schedule breaks; empty when the schedule is valid."""
    errors: list[str] = []
    slots = school.slot_by_id
    by_activity: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        by_activity[p.activity_id].append(p)
        if p.slot_id not in slots:
            errors.append(f"{p.activity_id}: unknown slot {p.slot_id}")
        if p.room_id not in school.room_by_id:
            errors.append(f"{p.activity_id}: unknown room {p.room_id}")
    if errors:
        return errors

    class_at: dict[tuple[str, str], int] = defaultdict(int)
    for g in school.groups:
        got = sorted(p.slot_id for p in by_activity.get(basic_activity_id(g.group_id), []))
        if got != sorted(g.basic_slots):
            errors.append(f"class {g.group_id}: basic sessions at {got}, wanted {g.basic_slots}")
        for p in by_activity.get(basic_activity_id(g.group_id), []):
            errors += _staff_rule(p, school.basic_need(g), None, school)
            room = school.room_by_id[p.room_id]
            home = school.home_room.get(g.group_id)
            if home and p.room_id != home:
                errors.append(f"class {g.group_id}: basic not in its home room")
            if not home and (room.type != "classroom" or room.capacity < g.basic_students):
                errors.append(f"class {g.group_id}: basic room {p.room_id} unsuitable")
            class_at[(g.group_id, p.slot_id)] += 1

    members = _members(school)
    student_at: dict[tuple[str, str], int] = defaultdict(int)
    for a in school.activities:
        got = by_activity.get(a.activity_id, [])
        if len(got) != a.sessions_per_week:
            errors.append(f"{a.activity_id}: {len(got)} sessions, wanted {a.sessions_per_week}")
        days = [slots[p.slot_id].day for p in got]
        if len(set(days)) != len(days):
            errors.append(f"{a.activity_id}: two sessions on one day")
        for p in got:
            if p.slot_id not in school.allowed_slots(a):
                errors.append(f"{a.activity_id}: slot {p.slot_id} not allowed")
            errors += _staff_rule(p, a.staff, a, school)
            room = school.room_by_id[p.room_id]
            if a.room_type and room.type != a.room_type:
                errors.append(f"{a.activity_id}: room {p.room_id} is not {a.room_type}")
            if room.capacity < school.enrolled(a):
                errors.append(f"{a.activity_id}: room {p.room_id} too small")
            for g in a.groups:
                class_at[(g, p.slot_id)] += 1
            for s in members.get(a.activity_id, []):
                student_at[(s, p.slot_id)] += 1
    errors += [f"class {g} twice at {s}" for (g, s), n in class_at.items() if n > 1]
    errors += [f"student {s} twice at {slot}" for (s, slot), n in student_at.items() if n > 1]
    errors += _student_class_clash(school, by_activity, members)
    errors += _teacher_rules(school, placed)
    errors += _room_rules(placed)
    return errors


def _staff_rule(p: Placed, need: int, a: Activity | None, school: School) -> list[str]:
    errors = []
    if len(set(p.teachers)) != need or len(p.teachers) != need:
        errors.append(f"{p.activity_id}#{p.session}: {len(p.teachers)} teachers, wanted {need}")
    if a is not None:
        if a.fixed_teacher and a.fixed_teacher not in p.teachers:
            errors.append(f"{p.activity_id}#{p.session}: fixed teacher missing")
        for tid in p.teachers:
            t = school.teacher_by_id.get(tid)
            if t is None or not school.qualified(t, a):
                errors.append(f"{p.activity_id}#{p.session}: {tid} lacks skill {a.skill}")
    return errors


def _student_class_clash(
    school: School, by_activity: dict[str, list[Placed]], members: dict[str, list[str]]
) -> list[str]:
    """No student in a club while their class attends a whole-class activity."""
    whole: set[tuple[str, str]] = set()
    for a in school.activities:
        for p in by_activity.get(a.activity_id, []):
            whole.update((g, p.slot_id) for g in a.groups)
    group_of = {e.student_id: e.group_id for e in school.enrolments if e.group_id}
    errors = []
    for aid, students in members.items():
        for p in by_activity.get(aid, []):
            for s in students:
                if (group_of.get(s), p.slot_id) in whole:
                    errors.append(f"student {s}: {aid} clashes with a class activity")
    return errors


def _teacher_rules(school: School, placed: list[Placed]) -> list[str]:
    errors: list[str] = []
    at: dict[tuple[str, str], int] = defaultdict(int)
    per_day: dict[tuple[str, int], int] = defaultdict(int)
    per_week: dict[str, int] = defaultdict(int)
    for p in placed:
        day = school.slot_by_id[p.slot_id].day
        for tid in p.teachers:
            at[(tid, p.slot_id)] += 1
            per_day[(tid, day)] += 1
            per_week[tid] += 1
    for (tid, slot), n in at.items():
        t = school.teacher_by_id.get(tid)
        if t is None:
            errors.append(f"unknown teacher {tid}")
            continue
        if n > 1:
            errors.append(f"teacher {tid} twice at {slot}")
        if slot in t.unavailable:
            errors.append(f"teacher {tid} unavailable at {slot}")
        if not t.opt_in:
            errors.append(f"teacher {tid} opted out")
    for (tid, day), n in per_day.items():
        t = school.teacher_by_id.get(tid)
        if t and n > t.max_per_day:
            errors.append(f"teacher {tid}: {n} sessions on day {day}")
    for tid, n in per_week.items():
        t = school.teacher_by_id.get(tid)
        if t and n > t.max_per_week:
            errors.append(f"teacher {tid}: {n} sessions a week")
    return errors


def _room_rules(placed: list[Placed]) -> list[str]:
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for p in placed:
        seen[(p.room_id, p.slot_id)] += 1
    return [f"room {r} twice at {s}" for (r, s), n in seen.items() if n > 1]


def load_ratio(school: School) -> float:
    """Sessions demanded over sessions teachers can give in a week (0 when no capacity)."""
    demand = sum(school.basic_need(g) * len(g.basic_slots) for g in school.groups)
    demand += sum(a.sessions_per_week * a.staff for a in school.activities)
    capacity = 0
    days = sorted({s.day for s in school.slots})
    for t in school.teachers:
        if not t.opt_in:
            continue
        per_day = [
            min(
                t.max_per_day,
                sum(1 for s in school.slots if s.day == d and s.slot_id not in t.unavailable),
            )
            for d in days
        ]
        capacity += min(t.max_per_week, sum(per_day))
    return demand / capacity if capacity else math.inf
