"""Benchmark schools from S (a village school) to XXL, on a Mon-Fri x 2 grid, tight.

Period 1 is basic care (50 min), period 2 extended clubs (45 min): sessions differ in
length, so fairness in minutes is not the same as fairness in sessions. Weekly limits are
drawn so that demand is near 85% of what the teachers can give.
"""

from __future__ import annotations

import math
import random

from domain.school import Activity, Group, Room, School, SchoolInfo, Slot, Teacher

SIZES = {  # name: (teachers, classes, clubs)
    "S": (8, 4, 2),
    "M": (40, 18, 12),
    "L": (100, 48, 30),
    "XL": (200, 90, 60),
    "XXL": (400, 180, 120),
}
CLUB_SKILLS = {
    "美术": ("arts", "art"),
    "合唱": ("arts", "music"),
    "书法": ("arts", None),
    "篮球": ("sports", "gym"),
    "足球": ("sports", "field"),
    "乒乓球": ("sports", "gym"),
    "编程": ("science", "computer"),
    "科学实验": ("science", "lab"),
    "种植": ("labour", None),
    "研学": ("social_practice", None),
    "阅读": ("academic", "library"),
}
TIGHTNESS = 0.85


def generate(size: str, seed: int = 1) -> School:
    n_teachers, n_classes, n_clubs = SIZES[size]
    rng = random.Random(f"{size}-{seed}")
    slots = tuple(
        Slot(f"D{d}P{p}", d, start, end, kind)
        for d in range(1, 6)
        for p, (start, end, kind) in enumerate(
            [("16:00", "16:50", "basic"), ("17:00", "17:45", "extended")], 1
        )
    )
    basic_slots = tuple(s.slot_id for s in slots if s.kind == "basic")
    groups = tuple(
        Group(f"G{i:03d}", (1 + i % 6,), size_, basic_slots, rng.randint(30, 45))
        for i in range(1, n_classes + 1)
        for size_ in [rng.randint(45, 52)]
    )
    skills = list(CLUB_SKILLS)
    clubs = []
    for i in range(1, n_clubs + 1):
        skill = skills[(i - 1) % len(skills)]
        category, room_type = CLUB_SKILLS[skill]
        clubs.append(
            Activity(
                f"C{i:03d}",
                f"{skill}{i}",
                category,
                skill=skill,
                sessions_per_week=2,
                enrolled=rng.randint(15, 30),
                room_type=room_type,
            )
        )
    demand = sum(math.ceil(g.basic_students / 45) * 5 for g in groups) + 2 * n_clubs
    capacity = demand / TIGHTNESS
    limits = _limits(rng, n_teachers, capacity)
    teachers = []
    for i in range(n_teachers):
        own = rng.sample(skills, k=rng.choice((0, 1, 1, 2)))
        if i < 3 * n_clubs // 2:
            own = sorted({*own, skills[i % len(skills)]})  # every club skill held by 3+ teachers
        unavailable = (
            tuple(rng.sample([s.slot_id for s in slots], k=1)) if rng.random() < 0.2 else ()
        )
        teachers.append(
            Teacher(
                f"T{i + 1:03d}",
                f"教师{i + 1}",
                tuple(own),
                limits[i],
                1,
                unavailable,
                homeroom=groups[i].group_id if i < n_classes else None,
            )
        )
    rooms = [
        Room(f"R{g.group_id}", f"{g.group_id}教室", "classroom", 55, g.group_id) for g in groups
    ]
    for room_type in ("art", "music", "gym", "field", "computer", "lab", "library"):
        weekly = sum(c.sessions_per_week for c in clubs if c.room_type == room_type)
        for k in range(max(1, math.ceil(weekly / 5 * 1.2))):  # 5 club slots, 20% spare
            rooms.append(Room(f"{room_type}{k + 1}", f"{room_type}{k + 1}", room_type, 60))
    for k in range(max(2, n_clubs // 6)):
        rooms.append(Room(f"spare{k + 1}", f"活动室{k + 1}", "classroom", 40))
    info = SchoolInfo(f"BENCH-{size}", f"基准学校{size}", "primary", "urban")
    return School(info, slots, tuple(teachers), groups, tuple(clubs), tuple(rooms))


def _limits(rng: random.Random, n: int, capacity: float) -> list[int]:
    """Weekly limits (2-5) summing to about `capacity`."""
    limits = [3] * n
    while sum(limits) < capacity:
        i = rng.randrange(n)
        if limits[i] < 5:
            limits[i] += 1
    while sum(limits) > capacity + 1:
        i = rng.randrange(n)
        if limits[i] > 2:
            limits[i] -= 1
    return limits
