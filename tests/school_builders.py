"""Small hand-built schools for scheduler tests (pure domain values, no files)."""

from __future__ import annotations

from dataclasses import replace

from domain.school import (
    Activity,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
)


def grid(days: int = 5, periods: int = 2) -> tuple[Slot, ...]:
    """Mon-Fri x 2: period 1 basic (50 min), period 2 extended (45 min)."""
    times = [("16:00", "16:50", "basic"), ("17:00", "17:45", "extended"), ("18:00", "18:40", "any")]
    return tuple(
        Slot(f"D{d}P{p}", d, times[p - 1][0], times[p - 1][1], times[p - 1][2])
        for d in range(1, days + 1)
        for p in range(1, periods + 1)
    )


def small_school() -> School:
    """3 classes with daily basic care, 2 clubs twice a week, 8 teachers."""
    slots = grid()
    teachers = tuple(
        Teacher(
            f"T{i:02d}",
            f"老师{i}",
            skills=("美术",) if i < 3 else ("篮球",),
            max_per_week=4,
            homeroom=f"G{i}" if i <= 3 else None,
        )
        for i in range(1, 9)
    )
    basic = tuple(s.slot_id for s in slots if s.kind == "basic")
    groups = tuple(Group(f"G{i}", (i,), 40, basic, 40) for i in range(1, 4))
    acts = (
        Activity(
            "art", "美术", "arts", skill="美术", sessions_per_week=2, enrolled=20, room_type="art"
        ),
        Activity(
            "bb", "篮球", "sports", skill="篮球", sessions_per_week=2, enrolled=30, room_type="gym"
        ),
    )
    rooms = (
        *(Room(f"R{i}", f"教室{i}", "classroom", 50, f"G{i}") for i in range(1, 4)),
        Room("ART", "美术室", "art", 30),
        Room("GYM", "体育馆", "gym", 60),
    )
    return School(
        SchoolInfo("S1", "测试小学", "primary", "urban"), slots, teachers, groups, acts, rooms
    )


def with_(school: School, **parts) -> School:
    return replace(school, **parts)


# --- Tiny schools: one rule at a time (tests/test_scheduler_rules.py, ..._explain.py) ---

# Three days, two slots a day: D1A D1B D2A D2B D3A D3B, all of kind `any`.
TIMES = {"A": ("16:00", "16:45"), "B": ("17:00", "17:45")}
SLOTS = tuple(
    Slot(f"D{d}{p}", d, start, end, "any") for d in (1, 2, 3) for p, (start, end) in TIMES.items()
)


def T(tid: str, *skills: str, **kw) -> Teacher:
    return Teacher(tid, f"老师{tid}", skills=skills, **kw)


def A(aid: str, **kw) -> Activity:
    kw.setdefault("category", "arts")
    kw.setdefault("enrolled", 10)
    return Activity(aid, f"活动{aid}", **kw)


def room(rid: str, capacity: int = 40, type: str = "classroom", home: str | None = None) -> Room:
    return Room(rid, f"场地{rid}", type, capacity, home)


def make(
    teachers: tuple[Teacher, ...] = (T("T1"), T("T2"), T("T3")),
    groups: tuple[Group, ...] = (),
    activities: tuple[Activity, ...] = (),
    rooms: tuple[Room, ...] = (room("R1"),),
    enrolments: tuple[Enrolment, ...] = (),
    locks: tuple[Lock, ...] = (),
    slots: tuple[Slot, ...] = SLOTS,
    ratio: int = 45,
) -> School:
    return School(
        SchoolInfo("S", "测试学校", ratio=ratio),
        slots,
        teachers,
        groups,
        activities,
        rooms,
        enrolments,
        locks,
    )


def high_school(
    classes: int = 18, teachers: int = 70, open_slots: bool = False, locks_per_class: int = 7
) -> School:
    """A high school's early and late self-study (早读, 晚自习一, 晚自习二): each class attends
    all three as a whole class (`groups`) five times a week, one a day, in its home room;
    the homeroom teacher is locked to some of them; one evening period of every third
    class needs 数学. `open_slots`: no allowed_slots, so any self-study slot will do.

    The shape of issue 13, on which the warm start once lost its week (a lock's teacher was
    pinned to every session of the activity, not the locked one) and the solve overran its
    time limit."""
    times = [("06:50", "07:30"), ("19:00", "20:10"), ("20:20", "21:30")]
    slots = tuple(
        Slot(f"D{d}P{k}", d, a, b, "self_study")
        for d in range(1, 6)
        for k, (a, b) in enumerate(times)
    )
    skills = ("数学", "语文", "英语", "物理")
    staff = tuple(
        Teacher(
            f"T{i:03d}",
            f"老师{i}",
            skills=(skills[i % 4],),
            homeroom=f"C{i:02d}" if i < classes else None,
        )
        for i in range(teachers)
    )
    groups = tuple(Group(f"C{c:02d}", (10 + c % 3,), 50) for c in range(classes))
    rooms = tuple(
        Room(f"R{c:02d}", f"教室{c}", "classroom", 55, f"C{c:02d}") for c in range(classes)
    )
    names = ("早读", "晚自习一", "晚自习二")
    acts, locks = [], []
    for c in range(classes):
        gid = f"C{c:02d}"
        for k, name in enumerate(names):
            allowed = () if open_slots else tuple(f"D{d}P{k}" for d in range(1, 6))
            skill = "数学" if k == 2 and c % 3 == 0 else None
            acts.append(
                Activity(
                    f"{gid}-{k}",
                    f"{gid}{name}",
                    "self_study",
                    skill=skill,
                    sessions_per_week=5,
                    enrolled=50,
                    room_type="classroom",
                    allowed_slots=allowed,
                    groups=(gid,),
                )
            )
        head_is_math = c % 4 == 0
        for n in range(locks_per_class):  # distinct sessions, one a day at most
            k, session = (c + n) % 3, n % 5 + 1
            if n >= 5 or (k == 2 and c % 3 == 0 and not head_is_math):
                continue
            locks.append(Lock(f"{gid}-{k}", session, None, f"R{c:02d}", f"T{c:03d}"))
    return School(
        SchoolInfo("HS01", "测试高中", "high", "town"),
        slots,
        staff,
        groups,
        tuple(acts),
        rooms,
        (),
        tuple(locks),
    )
