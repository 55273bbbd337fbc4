"""Levers -> each school's week: pure functions, School in, new School out.

Each lever is one small function; `build_school` applies them in a fixed order and
`build_county` adds the one lever that moves people between schools (rotation). None of
them touches the solver: the built School is the scheduler's whole input (and, hashed,
the cache key).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from domain.school import Activity, Group, School, Slot, Teacher, minutes
from scenarios.levers import Scenario

COMPULSORY = ("primary", "junior")
BREAK_MINUTES = 10  # between the last period of a day and a 5+3 third period
EVENING = 12 * 60  # self-study slots starting after noon are evening study (晚自习)


def group_stage(group: Group) -> str:
    """Service stage of a class by its (highest) grade: 1-6 primary, 7-9 junior, 10-12 high."""
    top = max(group.grade) if group.grade else 1
    return "primary" if top <= 6 else "junior" if top <= 9 else "high"


def _stable(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def _hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def _is_high(school: School) -> bool:
    return school.info.stage == "high"


# ------------------------------------------------------------------ structure helpers


def drop_activities(school: School, ids: set[str]) -> School:
    """Remove activities and every enrolment and lock that names them."""
    if not ids:
        return school
    return replace(
        school,
        activities=tuple(a for a in school.activities if a.activity_id not in ids),
        enrolments=tuple(e for e in school.enrolments if e.activity_id not in ids),
        locks=tuple(lk for lk in school.locks if lk.activity_id not in ids),
    )


def _fit_sessions(school: School) -> School:
    """Cap each activity's sessions at the days it can still use (one a day); drop the
    activities left with no slot."""
    gone, kept = set(), []
    for a in school.activities:
        days = {school.slot_by_id[s].day for s in school.allowed_slots(a) if s in school.slot_by_id}
        if not days:
            gone.add(a.activity_id)
            kept.append(a)
        elif a.sessions_per_week > len(days):
            kept.append(replace(a, sessions_per_week=len(days)))
        else:
            kept.append(a)
    return drop_activities(replace(school, activities=tuple(kept)), gone)


def drop_slots(school: School, ids: set[str]) -> School:
    """Remove slots and every reference to them (basic slots, allowed slots,
    unavailability, locks); activities keep at most one session per remaining day."""
    if not ids:
        return school

    def keep(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in items if s not in ids)

    emptied = {
        a.activity_id for a in school.activities if a.allowed_slots and not keep(a.allowed_slots)
    }
    out = replace(
        school,
        slots=tuple(s for s in school.slots if s.slot_id not in ids),
        groups=tuple(replace(g, basic_slots=keep(g.basic_slots)) for g in school.groups),
        activities=tuple(
            replace(a, allowed_slots=keep(a.allowed_slots)) for a in school.activities
        ),
        teachers=tuple(replace(t, unavailable=keep(t.unavailable)) for t in school.teachers),
        locks=tuple(lk for lk in school.locks if lk.slot_id not in ids),
    )
    return _fit_sessions(drop_activities(out, emptied))


def add_slots(school: School, copies: dict[str, Slot]) -> School:
    """Add slots, each a copy of an existing slot (`copies`: original id -> new slot):
    a class, activity or teacher that had the original gets the copy as well."""
    if not copies:
        return school

    def extend(items: tuple[str, ...]) -> tuple[str, ...]:
        return items + tuple(copies[s].slot_id for s in items if s in copies)

    return replace(
        school,
        slots=school.slots + tuple(copies.values()),
        groups=tuple(replace(g, basic_slots=extend(g.basic_slots)) for g in school.groups),
        activities=tuple(
            replace(a, allowed_slots=extend(a.allowed_slots)) for a in school.activities
        ),
        teachers=tuple(replace(t, unavailable=extend(t.unavailable)) for t in school.teachers),
    )


# ------------------------------------------------------------------ the levers


def apply_stages(school: School, stages: tuple[str, ...]) -> School:
    """Classes of a stage without the service lose basic care; a school with no served
    class loses its clubs. High schools are left to `extend_high_school`."""
    if _is_high(school):
        return school
    served = set(stages) & set(COMPULSORY)
    groups, any_served = [], False
    for g in school.groups:
        if group_stage(g) in served:
            any_served = any_served or bool(g.basic_slots)
            groups.append(g)
        else:
            groups.append(replace(g, basic_slots=(), basic_students=0))
    out = replace(school, groups=tuple(groups))
    dropped = {g.group_id for g in school.groups if group_stage(g) not in served}
    out = replace(
        out,
        locks=tuple(lk for lk in out.locks if lk.activity_id.removeprefix("basic:") not in dropped),
    )
    if not any_served:
        clubs = {a.activity_id for a in out.activities if a.category != "self_study"}
        out = drop_activities(out, clubs)
    return out


def apply_days(school: School, days: int) -> School:
    """Service days a week: later days are dropped; missing days copy the last day's
    periods (slot ids `<id>@<day>`). High schools keep their week."""
    if _is_high(school) or not school.slots:
        return school
    out = drop_slots(school, {s.slot_id for s in school.slots if s.day > days})
    last = max(s.day for s in out.slots) if out.slots else None
    if last is None or last >= days:
        return out
    template = [s for s in out.slots if s.day == last]
    for d in range(last + 1, days + 1):
        out = add_slots(
            out, {s.slot_id: replace(s, slot_id=f"{s.slot_id}@{d}", day=d) for s in template}
        )
    return out


def apply_periods(school: School, periods: int) -> School:
    """5+3: a third period of basic care after the last period of each service day, as long
    as the day's basic period, for every class in basic care that day (id `P3-<day>`)."""
    if periods < 3 or _is_high(school):
        return school
    new_slots, by_day = [], {}
    for day in sorted({s.day for s in school.slots}):
        on_day = [s for s in school.slots if s.day == day]
        basic = [s for s in on_day if s.kind == "basic"] or on_day
        start = max(minutes(s.end) for s in on_day) + BREAK_MINUTES
        end = start + basic[0].length
        if end >= 24 * 60:
            continue
        slot = Slot(f"P3-{day}", day, _hhmm(start), _hhmm(end), "basic")
        new_slots.append(slot)
        by_day[day] = slot.slot_id
    groups = []
    for g in school.groups:
        days = {school.slot_by_id[s].day for s in g.basic_slots if s in school.slot_by_id}
        extra = tuple(by_day[d] for d in sorted(days) if d in by_day)
        groups.append(replace(g, basic_slots=g.basic_slots + extra) if extra else g)
    return replace(school, slots=school.slots + tuple(new_slots), groups=tuple(groups))


def apply_student_participation(school: School, scenario: Scenario) -> School:
    """Pupils in basic care = round(class size x the stage's share), for classes that have
    basic care; None keeps the workbook's numbers."""
    if scenario.students is None:
        return school
    groups = []
    for g in school.groups:
        share = scenario.student_share(group_stage(g))
        if share is None or not g.basic_slots:
            groups.append(g)
        else:
            groups.append(replace(g, basic_students=min(g.students, round(g.students * share))))
    return replace(school, groups=tuple(groups))


def apply_teacher_participation(school: School, share: float | None) -> School:
    """round(share x internal teachers) opt in: those who opted in first, then the others,
    each group in a stable pseudo-random order. External instructors are unchanged."""
    if share is None:
        return school
    internal = [t for t in school.teachers if not t.external]
    order = sorted(internal, key=lambda t: (not t.opt_in, _stable(school.school_id, t.teacher_id)))
    chosen = {t.teacher_id for t in order[: round(share * len(internal))]}
    teachers = tuple(
        t if t.external else replace(t, opt_in=t.teacher_id in chosen) for t in school.teachers
    )
    return replace(school, teachers=teachers)


def _part(slot: Slot) -> str:
    return "evening" if minutes(slot.start) >= EVENING else "morning"


def extend_high_school(school: School, per_week: int) -> School:
    """Every class of a high school gets whole-class self-study up to `per_week` sessions:
    what its workbook already lists counts; new sessions go to free evenings first, then
    mornings (activities `HS-E-<class>` / `HS-M-<class>`, any teacher, one per session)."""
    if not _is_high(school) or per_week <= 0:
        return school
    parts: dict[str, list[Slot]] = {"evening": [], "morning": []}
    for s in school.slots:
        if s.kind in ("self_study", "any"):
            parts[_part(s)].append(s)
    days = {p: len({s.day for s in slots}) for p, slots in parts.items()}
    used: dict[tuple[str, str], int] = {}
    for a in school.activities:
        if a.category != "self_study":
            continue
        slots = [school.slot_by_id[s] for s in school.allowed_slots(a) if s in school.slot_by_id]
        part = _part(slots[0]) if slots and len({_part(s) for s in slots}) == 1 else "evening"
        for gid in a.groups:
            used[gid, part] = used.get((gid, part), 0) + a.sessions_per_week
    new = []
    for g in sorted(school.groups, key=lambda g: g.group_id):
        left = (
            per_week - used.get((g.group_id, "evening"), 0) - used.get((g.group_id, "morning"), 0)
        )
        for part, code, label in (("evening", "E", "晚自习"), ("morning", "M", "早自习")):
            add = min(left, days[part] - used.get((g.group_id, part), 0))
            if add <= 0:
                continue
            left -= add
            new.append(
                Activity(
                    activity_id=f"HS-{code}-{g.group_id}",
                    name=f"{g.group_id}班{label}（延伸）",
                    category="self_study",
                    sessions_per_week=add,
                    enrolled=g.students,
                    room_type="classroom",
                    allowed_slots=tuple(s.slot_id for s in parts[part]),
                    groups=(g.group_id,),
                )
            )
    return replace(school, activities=school.activities + tuple(new))


def build_school(school: School, scenario: Scenario) -> School:
    """One school's week under the scenario (every lever but rotation)."""
    out = apply_stages(school, scenario.stages)
    out = apply_days(out, scenario.days)
    out = apply_periods(out, scenario.periods)
    out = apply_student_participation(out, scenario)
    out = apply_teacher_participation(out, scenario.teachers)
    if "high" in scenario.stages:
        out = extend_high_school(out, scenario.self_study_per_week)
    return out


def rotation_candidates(school: School) -> list[Teacher]:
    """Teachers a junior school can lend: internal, opted in, no homeroom, not the fixed
    teacher of a club and not locked anywhere; stable pseudo-random order."""
    fixed = {a.fixed_teacher for a in school.activities if a.fixed_teacher}
    locked = {lk.teacher_id for lk in school.locks if lk.teacher_id}
    ok = [
        t
        for t in school.teachers
        if t.opt_in and not t.external and not t.homeroom and t.teacher_id not in fixed | locked
    ]
    return sorted(ok, key=lambda t: _stable(school.school_id, t.teacher_id))


def rotate_teachers(
    schools: dict[str, School], share: float, towns: dict[str, str] | None = None
) -> dict[str, School]:
    """Move round(share x opted-in internal teachers) of each junior school to a high
    school of the same town (else any high school), round robin. A moved teacher keeps
    skills and limits, is available at every slot of the new school, and gets the id
    `R<school>-<teacher>`."""
    towns = towns or {}
    highs = sorted(sid for sid, s in schools.items() if _is_high(s))
    if share <= 0 or not highs:
        return schools
    out = dict(schools)
    arrivals: dict[str, list[Teacher]] = {h: [] for h in highs}
    turn = 0
    for sid in sorted(schools):
        school = schools[sid]
        if school.info.stage != "junior":
            continue
        base = sum(1 for t in school.teachers if t.opt_in and not t.external)
        moving = rotation_candidates(school)[: round(share * base)]
        if not moving:
            continue
        local = [h for h in highs if towns.get(h) and towns.get(h) == towns.get(sid)]
        targets = local or highs
        for t in moving:
            target = targets[turn % len(targets)]
            turn += 1
            arrivals[target].append(
                replace(t, teacher_id=f"R{sid}-{t.teacher_id}", unavailable=(), homeroom=None)
            )
        gone = {t.teacher_id for t in moving}
        out[sid] = replace(
            school, teachers=tuple(t for t in school.teachers if t.teacher_id not in gone)
        )
    for h, people in arrivals.items():
        if people:
            out[h] = replace(out[h], teachers=out[h].teachers + tuple(people))
    return out


def build_county(
    schools: dict[str, School], scenario: Scenario, towns: dict[str, str] | None = None
) -> dict[str, School]:
    """Every school's week under the scenario, rotation included."""
    built = {sid: build_school(s, scenario) for sid, s in schools.items()}
    return rotate_teachers(built, scenario.rotation_share, towns)
