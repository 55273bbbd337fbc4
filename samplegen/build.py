"""Build one sample school from its plan: slots, classes, rooms, teachers, clubs.

Every function takes the `random.Random` it may use; nothing reads global state, so one
seed always yields the same school. After the raw draw, the school is tuned so that the
teacher-sessions it needs are a realistic share of what its teachers offer, and a
witness schedule (samplegen.witness) proves it can be scheduled.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from domain.school import (
    Activity,
    Enrolment,
    Group,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
)
from samplegen import names
from samplegen.catalog import CLUBS, FIELD_NAMES, HOBBIES, SPECIAL_ROOMS, SUBJECTS, ClubKind
from samplegen.witness import find_witness, load_ratio, unplaceable

# Share of teacher capacity the week's sessions should use (brief: tight, not borderline).
LOAD_LOW, LOAD_HIGH = 0.60, 0.82
BASIC_KIND, EXT_KIND = "basic", "extended"


@dataclass(frozen=True)
class SchoolPlan:
    """What the county plan decides about a school before the details are drawn."""

    school_id: str
    name: str
    town: str
    stage: str  # primary | junior | nine_year | high
    location: str  # urban | town | village
    classes: tuple[tuple[int, ...], ...]  # the grade(s) of each class
    enrolments: bool = False  # write an enrolments sheet (some urban schools)


# Class size range and basic-service opt-in share by location. Class sizes follow the
# brief (urban 45-55, town 35-50, village 8-30); opt-in shares are assumptions (voluntary
# service; rural parents less convinced it is worth the fee, seed 000).
CLASS_SIZE = {"urban": (45, 55), "town": (35, 50), "village": (8, 30), "high": (48, 60)}
OPT_IN_SHARE = {"urban": (0.82, 0.95), "town": (0.74, 0.90), "village": (0.70, 0.92)}
# Teachers per class (assumed from national student-teacher ratios: ~17 primary, ~13 junior).
# Urban classes are larger (more often two supervisors), and urban schools are better staffed.
TEACHERS_PER_CLASS = {
    ("primary", "urban"): (2.9, 3.3),
    ("junior", "urban"): (3.4, 3.8),
    ("primary", "town"): (2.5, 2.9),
    ("junior", "town"): (3.1, 3.6),
    ("nine_year", "town"): (2.7, 3.1),
}


def build_school(plan: SchoolPlan, rng: random.Random) -> School:
    """A complete school that passes the witness; raises if tuning cannot make one."""
    school = _high_school(plan, rng) if plan.stage == "high" else _compulsory_school(plan, rng)
    for _ in range(40):
        if find_witness(school) is not None:
            return school
        stuck = unplaceable(school)
        # A club that finds no slot and room is cut (the school cannot run it); short
        # staffing is met by one more teacher.
        school = _drop_activity(school, stuck) if stuck else _add_teacher(school, rng)
    raise RuntimeError(f"{plan.school_id}: no schedulable school after repairs")


def _drop_activity(school: School, activity_id: str) -> School:
    kept = replace(
        school,
        activities=tuple(a for a in school.activities if a.activity_id != activity_id),
        enrolments=tuple(e for e in school.enrolments if e.activity_id != activity_id),
    )
    return _drop_idle_externals(kept)


# --- time -----------------------------------------------------------------------------


def _hhmm(mins: int) -> str:
    return f"{mins // 60:02d}:{mins % 60:02d}"


def _at(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def compulsory_slots(rng: random.Random, location: str, second_kind: str) -> tuple[Slot, ...]:
    """Two periods a day, Monday-Friday: basic care, then clubs (kind `second_kind`).

    Lengths vary by school (40-60 minutes) and some schools hold a long club afternoon,
    so sessions differ in minutes.
    """
    start = _at(
        rng.choice(
            {
                "urban": ("16:00", "16:10", "16:20"),
                "town": ("15:40", "15:50", "16:00"),
                "village": ("15:30", "15:40", "15:50"),
            }[location]
        )
    )
    basic_len = rng.choice((40, 45, 50, 50, 60))
    ext_len = rng.choice((40, 45, 50, 50, 60))
    club_day = rng.choice((3, 4)) if rng.random() < 0.3 else None
    slots = []
    for day in range(1, 6):
        b_end = start + basic_len
        e_start = b_end + 10
        e_end = e_start + (90 if day == club_day else ext_len)
        slots.append(Slot(f"S{2 * day - 1:02d}", day, _hhmm(start), _hhmm(b_end), BASIC_KIND))
        slots.append(Slot(f"S{2 * day:02d}", day, _hhmm(e_start), _hhmm(e_end), second_kind))
    return tuple(slots)


def high_slots(rng: random.Random) -> tuple[Slot, ...]:
    """Early and late self-study (早晚自习), Monday-Friday."""
    morning = _at(rng.choice(("06:30", "06:40")))
    evening = _at(rng.choice(("18:50", "19:00")))
    evening_end = _at(rng.choice(("20:30", "21:00")))
    slots = []
    for day in range(1, 6):
        slots.append(
            Slot(f"S{2 * day - 1:02d}", day, _hhmm(morning), _hhmm(morning + 40), "self_study")
        )
        slots.append(Slot(f"S{2 * day:02d}", day, _hhmm(evening), _hhmm(evening_end), "self_study"))
    return tuple(slots)


def _slots_of_kind(slots: tuple[Slot, ...], *kinds: str) -> list[str]:
    return [s.slot_id for s in slots if s.kind in kinds]


# --- classes and rooms ----------------------------------------------------------------


def group_id(grades: tuple[int, ...], number: int) -> str:
    """Class code as schools write it: 301 = grade 3 class 1; F01 = first multi-grade class."""
    return f"F{number:02d}" if len(grades) > 1 else f"{grades[0]}{number:02d}"


def make_groups(
    rng: random.Random, plan: SchoolPlan, slots: tuple[Slot, ...], late_care_days: tuple[int, ...]
) -> tuple[Group, ...]:
    """Classes with sizes, basic slots and the share staying for basic care."""
    basic = _slots_of_kind(slots, BASIC_KIND)
    late = [s.slot_id for s in slots if s.kind != BASIC_KIND and s.day in late_care_days]
    lo, hi = CLASS_SIZE["high" if plan.stage == "high" else plan.location]
    share_lo, share_hi = OPT_IN_SHARE.get(plan.location, (0.0, 0.0))
    share = rng.uniform(share_lo, share_hi)
    groups = []
    counters: dict[tuple[int, ...], int] = {}
    multi = 0
    for grades in plan.classes:
        if len(grades) > 1:
            multi += 1
            number = multi
        else:
            counters[grades] = counters.get(grades, 0) + 1
            number = counters[grades]
        if plan.location == "village":
            students = sum(rng.randint(5, 15) for _ in grades)
            students = max(lo, min(hi, students))
        else:
            students = rng.randint(lo, hi)
        if plan.stage == "high":
            groups.append(Group(group_id(grades, number), grades, students, (), 0))
            continue
        staying = round(students * min(1.0, max(0.5, share + rng.uniform(-0.06, 0.06))))
        slots_here = tuple(basic)
        if late and max(grades) <= 2:
            # Grades 1-2 have no written homework and leave no room for clubs: some
            # schools keep them in care through the second period on some days.
            slots_here = tuple(sorted(basic + late))
        groups.append(
            Group(group_id(grades, number), grades, students, slots_here, max(1, staying))
        )
    return tuple(groups)


def make_rooms(rng: random.Random, plan: SchoolPlan, groups: tuple[Group, ...]) -> tuple[Room, ...]:
    """A home classroom per class, plus special rooms by location."""
    standard = {"urban": 56, "town": 50, "village": 36}[plan.location]
    rooms = []
    for g in groups:
        if plan.location == "village":
            capacity = g.students + rng.randint(4, 12)  # old rooms, few pupils
        else:
            capacity = max(g.students + rng.randint(0, 4), standard)
        label = names.class_label(g.grade, _class_number(g.group_id))
        rooms.append(Room(f"R{g.group_id}", f"{label}教室", "classroom", capacity, g.group_id))
    prefix = {
        "gym": "GYM",
        "field": "FLD",
        "music": "MUS",
        "art": "ART",
        "computer": "CMP",
        "lab": "LAB",
        "library": "LIB",
    }
    for rtype, label, (cap_lo, cap_hi), (n_lo, n_hi) in SPECIAL_ROOMS[plan.location]:
        count = rng.randint(n_lo, n_hi)
        if rtype == "lab" and plan.stage in ("junior", "nine_year", "high"):
            count += 1  # physics, chemistry and biology labs
        for k in range(1, count + 1):
            if rtype == "field":
                name = FIELD_NAMES[(k - 1) % len(FIELD_NAMES)]
            else:
                name = label if count == 1 else f"{label}{k}"
            rooms.append(Room(f"{prefix[rtype]}{k}", name, rtype, rng.randint(cap_lo, cap_hi)))
    return tuple(rooms)


def _class_number(gid: str) -> int:
    return int(gid[-2:])


# --- teachers -------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _teacher_count(rng: random.Random, plan: SchoolPlan) -> int:
    n = len(plan.classes)
    if plan.location == "village":
        return max(3, min(10, n + rng.randint(2, 3)))
    if plan.stage == "high":
        return round(n * rng.uniform(2.8, 3.3))
    lo, hi = TEACHERS_PER_CLASS.get((plan.stage, plan.location), (2.7, 3.1))
    return round(n * rng.uniform(lo, hi))


def make_teachers(
    rng: random.Random, plan: SchoolPlan, slots: tuple[Slot, ...], groups: tuple[Group, ...]
) -> list[Teacher]:
    """In-school staff with subjects, limits, availability, homerooms and opt-outs."""
    taken: set[str] = set()
    teachers = []
    count = _teacher_count(rng, plan)
    for k in range(1, count + 1):
        stage = plan.stage
        if stage == "nine_year":
            stage = "junior" if rng.random() < 0.4 else "primary"
        subject = _weighted(rng, SUBJECTS[stage])
        skills = [subject]
        if plan.location == "village":
            # Village teachers cover several subjects (包班).
            skills += [
                s for s in rng.sample(("语文", "数学", "音乐", "体育", "美术"), 2) if s != subject
            ]
        teachers.append(
            Teacher(
                teacher_id=f"T{k:03d}",
                name=names.person_name(rng, taken),
                skills=tuple(skills),
                max_per_week=_max_per_week(rng, plan),
                max_per_day=2 if plan.location == "village" and rng.random() < 0.3 else 1,
                unavailable=_unavailable(rng, slots),
            )
        )
    teachers = _assign_homerooms(rng, teachers, groups)
    return _opt_out(rng, plan, teachers)


def _max_per_week(rng: random.Random, plan: SchoolPlan) -> int:
    if plan.stage == "high":
        return rng.choice((2, 3, 3, 4))
    if plan.location == "village":
        return rng.choice((4, 5, 5, 5))
    return rng.choices((2, 3, 4, 5), weights=(10, 30, 35, 25))[0]


def _unavailable(rng: random.Random, slots: tuple[Slot, ...]) -> tuple[str, ...]:
    """About one teacher in five cannot work at one or two slots (meetings, childcare)."""
    if rng.random() >= 0.2:
        return ()
    picked = rng.sample([s.slot_id for s in slots], rng.choice((1, 1, 2)))
    return tuple(sorted(picked))


def _assign_homerooms(
    rng: random.Random, teachers: list[Teacher], groups: tuple[Group, ...]
) -> list[Teacher]:
    """One 班主任 per class, preferably a Chinese, maths or English teacher."""
    core = [i for i, t in enumerate(teachers) if t.skills[0] in ("语文", "数学", "英语")]
    other = [i for i, t in enumerate(teachers) if i not in core]
    rng.shuffle(core)
    rng.shuffle(other)
    order = core + other
    out = list(teachers)
    for g, i in zip(groups, order, strict=False):
        out[i] = replace(out[i], homeroom=g.group_id)
    return out


def _opt_out(rng: random.Random, plan: SchoolPlan, teachers: list[Teacher]) -> list[Teacher]:
    """5-12% of teachers decline (voluntary service); small village staffs rarely can."""
    rate = rng.uniform(0.05, 0.12)
    count = round(len(teachers) * rate)
    if plan.location == "village":
        count = 1 if len(teachers) >= 7 and rng.random() < 0.4 else 0
    out = list(teachers)
    for i in rng.sample(range(len(out)), count):
        out[i] = replace(out[i], opt_in=False)
    return out


# --- clubs ----------------------------------------------------------------------------


def _grades_of(groups: tuple[Group, ...]) -> set[int]:
    return {g for grp in groups for g in grp.grade}


def _club_rooms(
    kind: ClubKind, rooms: tuple[Room, ...], room_left: dict[str, int] | None = None, need: int = 0
) -> str | bool | None:
    """Room type a club will use here: a type, None (any room), or False (cannot run).

    `room_left` counts the sessions each special room type can still take, so clubs never
    need more sessions of a type than its rooms can host (with slack) in a week.
    """
    have = {r.type for r in rooms}
    for option in kind.rooms:
        if option == "":
            return None
        if option in have and (room_left is None or room_left.get(option, 0) >= need):
            return option
    return False


def room_budget(rooms: tuple[Room, ...], slots: tuple[Slot, ...]) -> dict[str, int]:
    """Sessions a week each special room type may host: 60% of rooms x club slots."""
    ext = len(_slots_of_kind(slots, EXT_KIND, "any"))
    out: dict[str, int] = {}
    for r in rooms:
        if r.type != "classroom":
            out[r.type] = out.get(r.type, 0) + ext
    return {t: int(n * 0.6) for t, n in out.items()}


def eligible_clubs(
    plan: SchoolPlan, groups: tuple[Group, ...], rooms: tuple[Room, ...]
) -> list[ClubKind]:
    grades = _grades_of(groups)
    out = []
    for kind in CLUBS:
        if not any(kind.grades[0] <= g <= kind.grades[1] for g in grades):
            continue
        if _club_rooms(kind, rooms) is False:
            continue
        if plan.location == "village" and kind.category in ("science",):
            continue
        out.append(kind)
    return out


def club_target(rng: random.Random, plan: SchoolPlan) -> int:
    n = len(plan.classes)
    if plan.location == "village":
        return rng.randint(1, 3)
    if plan.location == "urban":
        return max(12, round(n * rng.uniform(0.6, 0.85)))
    return max(5, round(n * rng.uniform(0.45, 0.7)))


def pick_clubs(
    rng: random.Random, kinds: list[ClubKind], count: int, location: str
) -> list[ClubKind]:
    """One club of each category first (where possible), then popular kinds at random."""
    picked: list[ClubKind] = []
    categories = sorted({k.category for k in kinds})
    rng.shuffle(categories)
    if location == "village":
        # Village schools run what needs no special room: planting, rope-skipping, reading.
        favourites = [k for k in kinds if k.category in ("labour", "sports", "academic", "arts")]
        return [rng.choice(favourites) for _ in range(count)] if favourites else []
    for cat in categories[:count]:
        picked.append(rng.choice([k for k in kinds if k.category == cat]))
    weights = [
        3 if k.category in ("sports", "arts") else 2 if k.category == "science" else 1
        for k in kinds
    ]
    while len(picked) < count:
        picked.append(rng.choices(kinds, weights=weights)[0])
    return picked


def make_club(
    rng: random.Random,
    plan: SchoolPlan,
    kind: ClubKind,
    number: int,
    duplicate: int,
    groups: tuple[Group, ...],
    rooms: tuple[Room, ...],
    ext_slots: list[str],
    slots: tuple[Slot, ...],
    room_left: dict[str, int],
) -> Activity | None:
    """One club with its size, sessions, staff, room type and slot restrictions."""
    sessions = 2 if rng.random() < 0.4 else 1
    room_type = _club_rooms(kind, rooms, room_left, sessions)
    if room_type is False:
        return None
    eligible = sum(
        g.basic_students
        for g in groups
        if any(kind.grades[0] <= x <= kind.grades[1] for x in g.grade)
    )
    fitting = [r.capacity for r in rooms if room_type is None or r.type == room_type]
    cap = min(45, max(fitting), int(eligible * 0.6))
    lo = 8 if plan.location == "village" else 15
    if cap < lo:
        return None
    enrolled = rng.randint(lo, cap)
    if room_type is not None:
        room_left[room_type] -= sessions
    staff = 2 if kind.big and enrolled >= 30 and plan.location == "urban" else 1
    allowed: tuple[str, ...] = ()
    if rng.random() < 0.2:
        # A coach or a shared pitch limits the club to some days.
        days = sorted(rng.sample(range(1, 6), max(sessions + 1, rng.randint(2, 3))))
        allowed = tuple(s.slot_id for s in slots if s.slot_id in ext_slots and s.day in days)
    name = kind.name if duplicate == 1 else f"{kind.name}（{'一二三四五六'[duplicate - 1]}）"
    return Activity(
        activity_id=f"A{number:02d}",
        name=name,
        category=kind.category,
        skill=kind.skill,
        sessions_per_week=sessions,
        enrolled=enrolled,
        staff=staff,
        room_type=room_type,
        allowed_slots=allowed,
    )


def make_clubs(
    rng: random.Random,
    plan: SchoolPlan,
    kinds: list[ClubKind],
    groups: tuple[Group, ...],
    rooms: tuple[Room, ...],
    slots: tuple[Slot, ...],
    start: int = 1,
    seen: dict[str, int] | None = None,
    existing: tuple[Activity, ...] = (),
) -> list[Activity]:
    ext = _slots_of_kind(slots, EXT_KIND, "any")
    seen = dict(seen or {})
    room_left = room_budget(rooms, slots)
    for a in existing:
        if a.room_type in room_left:
            room_left[a.room_type] -= a.sessions_per_week
    clubs: list[Activity] = []
    for kind in kinds:
        number = start + len(clubs)
        dup = seen.get(kind.name, 0) + 1
        club = make_club(rng, plan, kind, number, dup, groups, rooms, ext, slots, room_left)
        if club is not None:
            seen[kind.name] = dup
            clubs.append(club)
    return clubs


def ensure_skill_holders(
    rng: random.Random, teachers: list[Teacher], clubs: list[Activity]
) -> list[Teacher]:
    """Each club skill held by enough opted-in in-school teachers (subject match first)."""
    kinds = {k.skill: k for k in CLUBS}
    out = list(teachers)
    demand: dict[str, tuple[int, int]] = {}
    for a in clubs:
        extra = a.staff - (1 if a.fixed_teacher else 0)  # places the skill must fill
        if a.skill is None or extra == 0:
            continue
        sessions, staff = demand.get(a.skill, (0, 0))
        demand[a.skill] = (sessions + a.sessions_per_week * extra, max(staff, extra))
    for skill in sorted(demand):
        sessions, staff = demand[skill]
        wanted = max(2, staff + 1, math.ceil(sessions / 2) + 1)
        holders = [
            i for i, t in enumerate(out) if t.opt_in and not t.external and skill in t.skills
        ]
        hints = kinds[skill].subjects if skill in kinds else (skill,)
        pool = [i for i, t in enumerate(out) if t.opt_in and not t.external and i not in holders]
        rng.shuffle(pool)
        pool.sort(key=lambda i: 0 if set(out[i].skills) & set(hints) else 1)
        for i in pool[: max(0, wanted - len(holders))]:
            out[i] = replace(out[i], skills=(*out[i].skills, skill))
    return out


def add_hobbies(rng: random.Random, teachers: list[Teacher]) -> list[Teacher]:
    """A quarter of teachers list a hobby skill as well (realistic, and gives slack)."""
    out = []
    for t in teachers:
        if not t.external and rng.random() < 0.25:
            hobby = rng.choice(HOBBIES)
            if hobby not in t.skills:
                t = replace(t, skills=(*t.skills, hobby))
        out.append(t)
    return out


def add_externals(
    rng: random.Random, clubs: list[Activity], teachers: list[Teacher], slots: tuple[Slot, ...]
) -> tuple[list[Activity], list[Teacher]]:
    """Urban schools hire outside instructors (外聘) for some clubs; they lead only those."""
    external_kinds = {k.name for k in CLUBS if k.external}
    candidates = [a for a in clubs if a.name.split("（")[0] in external_kinds]
    rng.shuffle(candidates)
    count = min(len(candidates), rng.randint(1, 4))
    basic = _slots_of_kind(slots, BASIC_KIND)
    taken = {t.name for t in teachers}
    by_id = {a.activity_id: a for a in clubs}
    new_teachers = list(teachers)
    for k, club in enumerate(sorted(candidates[:count], key=lambda a: a.activity_id), start=1):
        tid = f"E{k:02d}"
        new_teachers.append(
            Teacher(
                teacher_id=tid,
                name=names.person_name(rng, taken),
                skills=(club.skill or club.name,),
                max_per_week=club.sessions_per_week + rng.randint(0, 1),
                max_per_day=1,
                unavailable=tuple(basic),  # they come for their club only
                external=True,
            )
        )
        by_id[club.activity_id] = replace(club, fixed_teacher=tid)
    return [by_id[a.activity_id] for a in clubs], new_teachers


def fix_some_leaders(
    rng: random.Random, clubs: list[Activity], teachers: list[Teacher]
) -> list[Activity]:
    """A few clubs are tied to the in-school teacher who founded them (指定教师)."""
    out = []
    used: set[str] = set()
    for a in clubs:
        if a.fixed_teacher is None and a.skill and rng.random() < 0.08:
            holders = [
                t
                for t in teachers
                if t.opt_in
                and not t.external
                and a.skill in t.skills
                and t.teacher_id not in used
                and t.max_per_week >= a.sessions_per_week + 1
                and not t.unavailable
            ]
            if holders:
                leader = rng.choice(holders)
                used.add(leader.teacher_id)
                a = replace(a, fixed_teacher=leader.teacher_id)
        out.append(a)
    return out


# --- enrolments -----------------------------------------------------------------------


def add_enrolments(
    rng: random.Random,
    clubs: list[Activity],
    groups: tuple[Group, ...],
    slots: tuple[Slot, ...],
    rooms: tuple[Room, ...],
) -> tuple[list[Activity], tuple[Enrolment, ...]]:
    """Named students per club. Clubs run on Mon/Wed/Fri, on Tue/Thu, or any day; a
    student joins one club, or one Mon/Wed/Fri club and one Tue/Thu club, so no two of
    a student's clubs can ever be forced into one slot."""
    ext = _slots_of_kind(slots, EXT_KIND, "any")
    bands = {
        "A": tuple(s.slot_id for s in slots if s.slot_id in ext and s.day in (1, 3, 5)),
        "B": tuple(s.slot_id for s in slots if s.slot_id in ext and s.day in (2, 4)),
    }
    kinds = {k.name: k for k in CLUBS}
    rooms_of: dict[str, int] = {}
    for r in rooms:
        rooms_of[r.type] = rooms_of.get(r.type, 0) + 1
    used: dict[tuple[str, str | None], int] = {}
    taken: dict[str, set[str]] = {}  # student -> bands used ("*" = an any-day club)
    rows: list[Enrolment] = []
    out = []
    for a in clubs:
        band = rng.choice(("A", "A", "B", "*"))
        if band != "*" and a.room_type is not None:
            # Keep a band's sessions of a room type within its rooms' slots, with slack.
            cap = rooms_of.get(a.room_type, 0) * len(bands[band]) * 0.7
            if used.get((band, a.room_type), 0) + a.sessions_per_week > cap:
                band = "*"
        used[(band, a.room_type)] = used.get((band, a.room_type), 0) + a.sessions_per_week
        allowed = bands.get(band, ())
        kind = kinds[a.name.split("（")[0]]
        pool = [
            (f"{g.group_id}{k:02d}", g.group_id)
            for g in groups
            if any(kind.grades[0] <= x <= kind.grades[1] for x in g.grade)
            for k in range(1, g.basic_students + 1)
        ]
        free = [
            p
            for p in pool
            if not taken.get(p[0])
            or (band != "*" and "*" not in taken[p[0]] and band not in taken[p[0]])
        ]
        chosen = rng.sample(free, min(len(free), a.enrolled or 0))
        if len(chosen) < 8:
            out.append(a)
            continue
        for sid, gid in sorted(chosen):
            taken.setdefault(sid, set()).add(band)
            rows.append(Enrolment(sid, a.activity_id, gid))
        allowed = allowed if band != "*" else a.allowed_slots
        out.append(replace(a, enrolled=len(chosen), allowed_slots=allowed))
    return out, tuple(rows)


# --- whole schools --------------------------------------------------------------------


def _compulsory_school(plan: SchoolPlan, rng: random.Random) -> School:
    late_care = plan.stage != "junior" and plan.location != "village" and rng.random() < 0.3
    slots = compulsory_slots(rng, plan.location, "any" if late_care else EXT_KIND)
    late_days = tuple(sorted(rng.sample(range(1, 6), rng.randint(2, 3)))) if late_care else ()
    groups = make_groups(rng, plan, slots, late_days)
    rooms = make_rooms(rng, plan, groups)
    teachers = make_teachers(rng, plan, slots, groups)
    kinds = eligible_clubs(plan, groups, rooms)
    clubs = make_clubs(
        rng,
        plan,
        pick_clubs(rng, kinds, club_target(rng, plan), plan.location),
        groups,
        rooms,
        slots,
    )
    if plan.location == "urban":
        clubs, teachers = add_externals(rng, clubs, teachers, slots)
    teachers = add_hobbies(rng, teachers)
    teachers = ensure_skill_holders(rng, teachers, clubs)
    clubs = fix_some_leaders(rng, clubs, teachers)
    info = SchoolInfo(plan.school_id, plan.name, plan.stage, plan.location)
    school = School(info, slots, tuple(teachers), groups, tuple(clubs), rooms)
    school = _drop_idle_externals(_tune(school, plan, kinds, rng))
    if plan.enrolments:
        clubs2, rows = add_enrolments(rng, list(school.activities), groups, slots, rooms)
        school = replace(school, activities=tuple(clubs2), enrolments=rows)
    return school


def _tune(school: School, plan: SchoolPlan, kinds: list[ClubKind], rng: random.Random) -> School:
    """Bring the week's demand to LOAD_LOW..LOAD_HIGH of teacher capacity, the way a
    principal would: fewer clubs or more asks of staff when short, more clubs (then
    lower personal limits) when staff are plentiful."""
    # Urban schools keep most of their club offer (a selling point to parents).
    keep = 0.8 if plan.location == "urban" else 0.5
    minimum = 1 if plan.location == "village" else max(6, round(len(school.activities) * keep))
    for _ in range(200):
        ratio = load_ratio(school)
        if ratio > LOAD_HIGH:
            raised = _raise_limits(school)
            if len(school.activities) > minimum:
                school = replace(school, activities=school.activities[:-1])
            elif raised is not None:
                school = raised
            else:
                school = _add_teacher(school, rng)
        elif ratio < LOAD_LOW:
            grown = _grow_clubs(school, plan, kinds, rng)
            if grown is not None:
                school = grown
                continue
            lowered = _lower_limit(school, rng)
            if lowered is None:
                break
            school = lowered
        else:
            break
    return school


def _drop_idle_externals(school: School) -> School:
    """An outside instructor whose club was cut is not hired."""
    fixed = {a.fixed_teacher for a in school.activities}
    teachers = tuple(t for t in school.teachers if not t.external or t.teacher_id in fixed)
    return replace(school, teachers=teachers)


def _raise_limits(school: School) -> School | None:
    """Ask a teacher with a low weekly limit for one session more; in a village school,
    where staff are short, ask one to take two sessions on some days (max_per_day 2)."""
    village = school.info.location == "village"
    top = 5 if village else 4
    teachers = list(school.teachers)
    willing = [i for i, t in enumerate(teachers) if t.opt_in and not t.external]
    low = [i for i in willing if teachers[i].max_per_week < top]
    if low:
        i = min(low, key=lambda i: (teachers[i].max_per_week, i))
        teachers[i] = replace(teachers[i], max_per_week=teachers[i].max_per_week + 1)
        return replace(school, teachers=tuple(teachers))
    single = [i for i in willing if teachers[i].max_per_day == 1]
    if village and single:
        teachers[single[0]] = replace(teachers[single[0]], max_per_day=2, max_per_week=7)
        return replace(school, teachers=tuple(teachers))
    return None


def _lower_limit(school: School, rng: random.Random) -> School | None:
    """One more teacher asks for fewer sessions, keeping 2-a-week the exception (≤25%)."""
    teachers = list(school.teachers)
    inside = [t for t in teachers if not t.external]
    twos = sum(1 for t in inside if t.max_per_week <= 2)
    if twos >= 0.25 * len(inside):
        return None
    high = [
        i
        for i, t in enumerate(teachers)
        if t.opt_in and not t.external and t.max_per_week > 3 and not t.homeroom
    ]
    high = high or [
        i for i, t in enumerate(teachers) if t.opt_in and not t.external and t.max_per_week > 2
    ]
    if not high:
        return None
    i = rng.choice(high)
    teachers[i] = replace(teachers[i], max_per_week=teachers[i].max_per_week - 1)
    return replace(school, teachers=tuple(teachers))


def _grow_clubs(
    school: School, plan: SchoolPlan, kinds: list[ClubKind], rng: random.Random
) -> School | None:
    """One more club, while clubs stay below ~1 per class and seats below basic pupils."""
    clubs = list(school.activities)
    if not kinds or len(clubs) >= max(3, len(school.groups)) or plan.location == "village":
        return None
    seats = sum(a.enrolled or 0 for a in clubs)
    if seats > 0.8 * sum(g.basic_students for g in school.groups):
        return None
    seen: dict[str, int] = {}
    for a in clubs:
        base = a.name.split("（")[0]
        seen[base] = seen.get(base, 0) + 1
    kind = pick_clubs(rng, kinds, 1, plan.location)[0]
    number = max(int(a.activity_id[1:]) for a in clubs) + 1 if clubs else 1
    new = make_clubs(
        rng, plan, [kind], school.groups, school.rooms, school.slots, number, seen, tuple(clubs)
    )
    if not new:
        return None
    teachers = ensure_skill_holders(rng, list(school.teachers), [*clubs, *new])
    return replace(school, activities=(*clubs, *new), teachers=tuple(teachers))


def _add_teacher(school: School, rng: random.Random) -> School:
    """A new full-time colleague (e.g. a 特岗 teacher), fully available."""
    inside = [t for t in school.teachers if not t.external]
    k = max(int(t.teacher_id[1:]) for t in inside) + 1 if inside else 1
    stage = "primary" if school.info.stage == "nine_year" else school.info.stage or "primary"
    subject = _weighted(rng, SUBJECTS[stage])
    new = Teacher(
        f"T{k:03d}", names.person_name(rng, {t.name for t in school.teachers}), (subject,), 4
    )
    teachers = [*inside, new, *(t for t in school.teachers if t.external)]
    return replace(school, teachers=tuple(teachers))


def _high_school(plan: SchoolPlan, rng: random.Random) -> School:
    """Teachers, classes and early/late self-study; no paid basic service (seed 000)."""
    slots = high_slots(rng)
    groups = make_groups(rng, plan, slots, ())
    rooms = make_rooms(rng, plan, groups)
    teachers = make_teachers(rng, plan, slots, groups)
    teachers = add_hobbies(rng, teachers)
    mornings = tuple(s.slot_id for s in slots if s.start < "12:00")
    evenings = tuple(s.slot_id for s in slots if s.start >= "12:00")
    activities = []
    for g in groups:
        label = names.class_label(g.grade, _class_number(g.group_id))
        if g.grade[0] == 12 or rng.random() < 0.5:
            skill = rng.choice(("数学", "英语", "物理", "化学", "语文", None, None))
            activities.append(
                Activity(
                    f"WZX{g.group_id}",
                    f"{label}晚自习",
                    "self_study",
                    skill,
                    rng.randint(1, 3),
                    g.students,
                    1,
                    "classroom",
                    evenings,
                    None,
                    (g.group_id,),
                )
            )
        if rng.random() < 0.3:
            skill = rng.choice(("语文", "英语"))
            activities.append(
                Activity(
                    f"ZD{g.group_id}",
                    f"{label}早读",
                    "self_study",
                    skill,
                    rng.randint(1, 2),
                    g.students,
                    1,
                    "classroom",
                    mornings,
                    None,
                    (g.group_id,),
                )
            )
    info = SchoolInfo(plan.school_id, plan.name, plan.stage, plan.location)
    return School(info, slots, tuple(teachers), groups, tuple(activities), rooms)
