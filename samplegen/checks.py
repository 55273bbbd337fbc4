"""Necessary conditions for a school to admit a valid schedule: quick counting checks.

Each check is a bound no schedule can beat (demand in a slot, on a day, in a week, per
skill, per room type, per class), so a school that fails one is certainly infeasible.
Passing them all is not a proof; `samplegen.witness` supplies that. Messages are plain
English for developers and tests, not for principals.
"""

from __future__ import annotations

from collections import defaultdict

from domain.school import Activity, School, Teacher


def necessary_conditions(school: School) -> list[str]:
    """Every violated necessary condition, as a short message; empty if none."""
    return [
        *_references(school),
        *_per_slot(school),
        *_per_day(school),
        *_per_week(school),
        *_per_activity(school),
        *_per_skill(school),
        *_per_room_type(school),
        *_per_class(school),
        *_per_student(school),
    ]


def _works(t: Teacher) -> bool:
    return t.opt_in and t.max_per_week > 0 and t.max_per_day > 0


def _free_at(t: Teacher, slot_id: str) -> bool:
    return _works(t) and slot_id not in t.unavailable


def _day_capacity(school: School, t: Teacher, day: int) -> int:
    free = sum(1 for s in school.slots if s.day == day and _free_at(t, s.slot_id))
    return min(t.max_per_day, free)


def _week_capacity(school: School, t: Teacher) -> int:
    days = {s.day for s in school.slots}
    return min(t.max_per_week, sum(_day_capacity(school, t, d) for d in days))


def _basic_demand(school: School) -> dict[str, int]:
    """slot_id -> supervising teachers that basic service needs then."""
    out: dict[str, int] = defaultdict(int)
    for g in school.groups:
        for slot in g.basic_slots:
            out[slot] += school.basic_need(g)
    return out


def _references(school: School) -> list[str]:
    errors = []
    slots, groups = school.slot_by_id, school.group_by_id
    for g in school.groups:
        errors += [f"class {g.group_id}: unknown slot {s}" for s in g.basic_slots if s not in slots]
        if g.basic_students > g.students:
            errors.append(f"class {g.group_id}: more basic students than students")
    for t in school.teachers:
        if t.homeroom and t.homeroom not in groups:
            errors.append(f"teacher {t.teacher_id}: unknown homeroom {t.homeroom}")
    for a in school.activities:
        errors += [f"{a.activity_id}: unknown slot {s}" for s in a.allowed_slots if s not in slots]
        errors += [f"{a.activity_id}: unknown class {g}" for g in a.groups if g not in groups]
        if a.fixed_teacher and a.fixed_teacher not in school.teacher_by_id:
            errors.append(f"{a.activity_id}: unknown fixed teacher {a.fixed_teacher}")
    for r in school.rooms:
        if r.home_group and r.home_group not in groups:
            errors.append(f"room {r.room_id}: unknown home class {r.home_group}")
    for e in school.enrolments:
        if e.activity_id not in school.activity_by_id:
            errors.append(f"student {e.student_id}: unknown activity {e.activity_id}")
        if e.group_id and e.group_id not in groups:
            errors.append(f"student {e.student_id}: unknown class {e.group_id}")
    return errors


def _per_slot(school: School) -> list[str]:
    """Basic sessions fixed at a slot need that many distinct free teachers then."""
    errors = []
    for slot, need in sorted(_basic_demand(school).items()):
        free = sum(1 for t in school.teachers if _free_at(t, slot))
        if need > free:
            errors.append(f"slot {slot}: basic service needs {need} teachers, {free} free")
    return errors


def _per_day(school: School) -> list[str]:
    """A day's basic sessions fit the day budgets of the teachers free that day."""
    demand: dict[int, int] = defaultdict(int)
    for slot, need in _basic_demand(school).items():
        if slot in school.slot_by_id:
            demand[school.slot_by_id[slot].day] += need
    errors = []
    for day, need in sorted(demand.items()):
        cap = sum(_day_capacity(school, t, day) for t in school.teachers)
        if need > cap:
            errors.append(f"day {day}: basic service needs {need} sessions, teachers give {cap}")
    return errors


def _per_week(school: School) -> list[str]:
    demand = sum(_basic_demand(school).values())
    demand += sum(a.sessions_per_week * a.staff for a in school.activities)
    cap = sum(_week_capacity(school, t) for t in school.teachers)
    if demand > cap:
        return [f"week: {demand} teacher-sessions needed, teachers give {cap}"]
    return []


def _allowed_days(school: School, a: Activity) -> set[int]:
    return {school.slot_by_id[s].day for s in school.allowed_slots(a) if s in school.slot_by_id}


def _per_activity(school: School) -> list[str]:
    """Enough distinct days; the fixed teacher can give every session; enough staff."""
    errors = []
    for a in school.activities:
        if len(_allowed_days(school, a)) < a.sessions_per_week:
            errors.append(f"{a.activity_id}: {a.sessions_per_week} sessions, fewer allowed days")
        if a.staff < 1:
            errors.append(f"{a.activity_id}: staff must be at least 1")
        allowed = school.allowed_slots(a)
        fixed = school.teacher_by_id.get(a.fixed_teacher or "")
        if fixed is not None:
            days = {school.slot_by_id[s].day for s in allowed if _free_at(fixed, s)}
            if len(days) < a.sessions_per_week or fixed.max_per_week < a.sessions_per_week:
                errors.append(f"{a.activity_id}: fixed teacher {fixed.teacher_id} cannot attend")
        able = [t for t in school.teachers if school.qualified(t, a)]
        for slot in allowed:
            if sum(1 for t in able if _free_at(t, slot)) >= a.staff:
                break
        else:
            errors.append(f"{a.activity_id}: no allowed slot has {a.staff} qualified teachers")
    return errors


def _per_skill(school: School) -> list[str]:
    """Sessions needing a skill fit the weekly budgets of the teachers holding it."""
    demand: dict[str, int] = defaultdict(int)
    for a in school.activities:
        if a.skill:
            # The fixed teacher covers one staff place whatever their skills.
            demand[a.skill] += a.sessions_per_week * (a.staff - (1 if a.fixed_teacher else 0))
    errors = []
    for skill, need in sorted(demand.items()):
        cap = sum(_week_capacity(school, t) for t in school.teachers if skill in t.skills)
        if need > cap:
            errors.append(f"skill {skill}: {need} sessions need it, holders give {cap}")
    fixed_need: dict[str, int] = defaultdict(int)
    for a in school.activities:
        if a.fixed_teacher:
            fixed_need[a.fixed_teacher] += a.sessions_per_week
    for tid, need in sorted(fixed_need.items()):
        t = school.teacher_by_id.get(tid)
        if t is not None and need > _week_capacity(school, t):
            errors.append(f"teacher {tid}: fixed on {need} sessions, can give fewer")
    return errors


def _per_room_type(school: School) -> list[str]:
    """Sessions needing a room type fit rooms of that type over their allowed slots."""
    errors = []
    sessions: dict[str, int] = defaultdict(int)
    slots: dict[str, set[str]] = defaultdict(set)
    for a in school.activities:
        size = school.enrolled(a)
        key = a.room_type or "*"
        fitting = [r for r in school.rooms if (a.room_type is None or r.type == a.room_type)]
        if not any(r.capacity >= size for r in fitting):
            errors.append(f"{a.activity_id}: no {key} room seats {size}")
        sessions[key] += a.sessions_per_week
        slots[key].update(school.allowed_slots(a))
    for key, need in sorted(sessions.items()):
        rooms = [r for r in school.rooms if key == "*" or r.type == key]
        if need > len(rooms) * len(slots[key]):
            errors.append(f"room type {key}: {need} sessions, {len(rooms)} rooms")
    for g in school.groups:
        home = school.home_room.get(g.group_id)
        if home and school.room_by_id[home].capacity < g.basic_students:
            errors.append(f"class {g.group_id}: home room {home} too small")
        if (
            not home
            and g.basic_slots
            and not any(
                r.type == "classroom" and r.capacity >= g.basic_students for r in school.rooms
            )
        ):
            errors.append(f"class {g.group_id}: no classroom for basic service")
    per_slot: dict[str, int] = defaultdict(int)
    for g in school.groups:
        for s in g.basic_slots:
            per_slot[s] += 1
    rooms = len(school.rooms)
    errors += [
        f"slot {s}: {n} basic sessions, {rooms} rooms" for s, n in per_slot.items() if n > rooms
    ]
    return errors


def _per_class(school: School) -> list[str]:
    """A class's basic sessions and whole-class activities fit its slots."""
    errors = []
    for g in school.groups:
        busy = set(g.basic_slots)
        acts = [a for a in school.activities if g.group_id in a.groups]
        need = sum(a.sessions_per_week for a in acts)
        free = {s for a in acts for s in school.allowed_slots(a)} - busy
        if need > len(free):
            errors.append(f"class {g.group_id}: {need} class activities, {len(free)} free slots")
        for a in acts:
            days = {school.slot_by_id[s].day for s in school.allowed_slots(a) if s not in busy}
            if len(days) < a.sessions_per_week:
                errors.append(f"class {g.group_id}: {a.activity_id} lacks free days")
        if any(
            a.sessions_per_week and school.enrolled(a) > g.students
            for a in acts
            if len(a.groups) == 1
        ):
            errors.append(f"class {g.group_id}: a class activity enrols more than the class")
    return errors


def _per_student(school: School) -> list[str]:
    """A student's activities fit the slots they may use; no two forced into one slot."""
    by_student: dict[str, list[Activity]] = defaultdict(list)
    for e in school.enrolments:
        if e.activity_id in school.activity_by_id:
            by_student[e.student_id].append(school.activity_by_id[e.activity_id])
    errors = []
    for sid, acts in sorted(by_student.items()):
        need = sum(a.sessions_per_week for a in acts)
        union = {s for a in acts for s in school.allowed_slots(a)}
        if need > len(union):
            errors.append(f"student {sid}: {need} sessions, {len(union)} slots")
    return errors
