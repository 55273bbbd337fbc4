"""Lower bounds the model states outright (scheduler/model.py): each teacher's forced
sessions, days worked and each club's consecutive-day pairs. They only lift the objective's
bound; tests/test_scheduler_property.py checks on random schools that the optimum with
them equals the optimum without them."""

from __future__ import annotations

from domain.school import Slot
from scheduler.instance import Instance
from scheduler.model import achievable_loads, build, fewest_adjacent, fewest_days, session_bounds
from school_builders import A, T, make

# Five days, two slots a day of equal length, kind `any`.
WEEK = tuple(
    Slot(f"D{d}{p}", d, start, end, "any")
    for d in range(1, 6)
    for p, (start, end) in (("A", ("16:00", "16:45")), ("B", ("17:00", "17:45")))
)


def test_fewest_adjacent_days_of_a_club() -> None:
    """Three sessions fit Mon/Wed/Fri; four on five days make two pairs, five make four;
    two sessions allowed only on Monday and Tuesday make one."""
    acts = (
        A("k3", sessions_per_week=3),
        A("k4", sessions_per_week=4),
        A("k5", sessions_per_week=5),
        A("mt", sessions_per_week=2, allowed_slots=("D1A", "D2B")),
    )
    inst = Instance(make(teachers=(T("T1"),), activities=acts, slots=WEEK))
    got = {a.activity_id: fewest_adjacent(inst, a) for a in inst.activities}
    assert got == {"k3": 0, "k4": 2, "k5": 4, "mt": 1}


def timetable():
    """T1 teaches two lessons of their own (5 sessions in all); the other lessons need a
    skill T1 does not have, so T1 can hold exactly those five."""
    acts = (
        A("math", sessions_per_week=3, fixed_teacher="T1"),
        A("chem", sessions_per_week=2, fixed_teacher="T1"),
        A("art", sessions_per_week=2, skill="美术"),
    )
    teachers = (T("T1", max_per_day=2), T("T2", "美术"))
    return make(teachers=teachers, activities=acts, slots=WEEK)


def test_a_timetable_teacher_has_one_load_and_a_fewest_days() -> None:
    built = build(Instance(timetable()))
    t1 = built.inst.school.teacher_by_id["T1"]
    assert session_bounds(built, t1) == (5, 5)
    assert achievable_loads(built, t1) == [5 * 45]
    assert fewest_days(built, t1) == 3  # two a day at most: five sessions need three days


def test_partial_plans_force_no_sessions() -> None:
    """A partial plan may leave sessions unstaffed, so nothing is forced."""
    built = build(Instance(timetable()), partial=True)
    t1 = built.inst.school.teacher_by_id["T1"]
    assert session_bounds(built, t1) == (0, 5)
    assert fewest_days(built, t1) == 0
