"""Small hand-built schools for scheduler tests (pure domain values, no files)."""

from __future__ import annotations

from dataclasses import replace

from domain.school import Activity, Group, Room, School, SchoolInfo, Slot, Teacher


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
