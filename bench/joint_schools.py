"""Small random schools with club choices, for the joint mode's gap to the exact optimum.

`small_school(seed)` draws a school small enough for the exact joint model
(choices/exact.py): 2-8 slots over 2-4 days, 2-3 classes with basic care at some slots,
2-5 clubs (1-2 sessions, 1-4 seats, typed rooms, narrow allowed slots, skills only some
teachers have), 0-2 whole-class activities, 2-5 teachers with limits and unavailable
slots, 3-10 students ranking 1-4 clubs, at most 1-3 clubs each. Every room seats 80, so
the room rule does not depend on how many students a club gets (the exact model's
assumption). Used by tests/test_choices_joint.py and bench/bench_choices.py.
"""

from __future__ import annotations

import random
from dataclasses import replace

from domain.school import (
    Activity,
    Choice,
    Group,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
)

SKILLS = ("美术", "篮球", "编程")
ROOM_TYPES = ("art", "gym")
ATTEMPTS = 20
SEATS = 80  # every room's capacity: more than any club, class or whole-class activity


def _slots(rng: random.Random) -> tuple[Slot, ...]:
    days, periods = rng.randint(2, 4), rng.randint(1, 2)
    times = (("16:00", "16:45"), ("17:00", "17:45"))
    return tuple(
        Slot(f"D{d}P{p}", d, times[p - 1][0], times[p - 1][1], "any")
        for d in range(1, days + 1)
        for p in range(1, periods + 1)
    )


def _some(rng: random.Random, items: list[str], low: int, high: int) -> tuple[str, ...]:
    k = min(len(items), rng.randint(low, high))
    picked = set(rng.sample(items, k))
    return tuple(i for i in items if i in picked)


def _allowed(rng: random.Random, slots: tuple[Slot, ...], sessions: int) -> tuple[str, ...]:
    """Some slots on at least `sessions` days (one session a day)."""
    days = sorted({s.day for s in slots})
    keep = set(rng.sample(days, rng.randint(min(sessions, len(days)), len(days))))
    ids = [s.slot_id for s in slots if s.day in keep]
    return _some(rng, ids, len(keep), len(ids))


def small_school(seed: int) -> School:
    """A small random school with choices that has a week without its students (a draw
    without one is drawn again); the same seed gives the same school."""
    from choices.joint import seat_sized
    from scheduler.service import schedule_school
    from scheduler.solve import SolveOptions

    options = SolveOptions(time_limit=2, workers=1, first_solution=True)
    for attempt in range(ATTEMPTS):
        school = draw_school(random.Random(f"joint-school:{seed}:{attempt}"), seed)
        if schedule_school(seat_sized(school), options).checked:
            return school
    return school


def draw_school(rng: random.Random, seed: int) -> School:
    """One draw of `small_school` (it may have no week at all)."""
    slots = _slots(rng)
    ids = [s.slot_id for s in slots]
    groups = tuple(
        Group(f"G{i}", (rng.randint(1, 6),), 30, _some(rng, ids, 0, 1), rng.randint(15, 30))
        for i in range(rng.randint(2, 3))
    )
    rooms = [
        Room(f"R{g.group_id}", f"{g.group_id}教室", "classroom", SEATS, g.group_id) for g in groups
    ]
    rooms += [Room(f"X{i}", f"教室X{i}", "classroom", SEATS) for i in range(rng.randint(0, 1))]
    rooms += [Room(t.upper(), t, t, SEATS) for t in ROOM_TYPES if rng.random() < 0.6]
    types = [r.type for r in rooms if r.type != "classroom"]
    clubs = []
    for i in range(rng.randint(2, 5)):
        spw = 1 if rng.random() < 0.7 else 2
        clubs.append(
            Activity(
                f"C{i}",
                f"社团{i}",
                "arts",
                skill=rng.choice((None, *SKILLS)),
                sessions_per_week=spw,
                enrolled=rng.randint(1, 4),
                room_type=rng.choice(types) if types and rng.random() < 0.3 else None,
                allowed_slots=_allowed(rng, slots, spw) if rng.random() < 0.6 else (),
            )
        )
    whole = []
    for i in range(rng.randint(0, 2)):
        members = _some(rng, [g.group_id for g in groups], 1, 2)
        busy = {s for g in groups if g.group_id in members for s in g.basic_slots}
        free = [s for s in ids if s not in busy]  # not where its classes have basic care
        if not free:
            continue
        whole.append(
            Activity(
                f"W{i}",
                f"自习{i}",
                "academic",
                enrolled=sum(g.students for g in groups if g.group_id in members),
                allowed_slots=_some(rng, free, 1, 3),
                groups=members,
            )
        )
    teachers = [
        Teacher(
            f"T{i}",
            f"老师{i}",
            skills=_some(rng, list(SKILLS), 0, 2),
            max_per_week=rng.randint(3, 6),
            max_per_day=2,
            unavailable=_some(rng, ids, 0, 1) if rng.random() < 0.3 else (),
        )
        for i in range(rng.randint(3, 6))
    ]
    for skill in sorted({c.skill for c in clubs if c.skill}):  # somebody can lead each club
        if not any(skill in t.skills for t in teachers):
            k = rng.randrange(len(teachers))
            teachers[k] = replace(teachers[k], skills=(*teachers[k].skills, skill))
    club_ids = [c.activity_id for c in clubs]
    choices = []
    for s in range(rng.randint(3, 10)):
        group = rng.choice(groups).group_id
        mine = rng.sample(club_ids, rng.randint(1, min(4, len(club_ids))))
        priority = rng.random() < 0.15
        choices += [Choice(f"s{s}", group, a, r, priority) for r, a in enumerate(mine, 1)]
    info = SchoolInfo(f"J{seed}", "联排小学", max_clubs_per_student=rng.randint(1, 3))
    return School(
        info,
        slots,
        tuple(teachers),
        groups,
        tuple(clubs + whole),
        tuple(rooms),
        choices=tuple(choices),
    )
