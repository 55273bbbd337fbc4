"""The exact placement (scheduler/placement.py) takes over where the greedy placement gets
stuck, and obeys the placement rules the greedy can miss: locks with a session index, a
fixed teacher's unavailable slots."""

from __future__ import annotations

from bench.shapes import generate
from domain.school import Lock
from scheduler.check import check, rows_of
from scheduler.instance import Instance
from scheduler.model import build
from scheduler.placement import place_exactly, rooms_of
from scheduler.solve import SolveOptions, solve
from scheduler.warmstart import place_clubs, warm_start
from school_builders import A, T, make, room


def test_a_dense_timetable_the_greedy_cannot_place_gets_a_valid_start() -> None:
    school = generate("timetabling", "M", 0)  # every class a lesson in most periods
    built = build(Instance(school))
    greedy = place_clubs(built).held
    wanted = sum(a.sessions_per_week for a in school.activities)
    assert sum(map(len, greedy.values())) < wanted  # the greedy gets stuck
    exact = place_exactly(built, greedy)
    assert exact is not None and sum(map(len, exact.values())) == wanted
    assert rooms_of(built, exact) is not None
    start = warm_start(built)
    assert start.solution is not None  # a valid week before any search
    result = solve(school, SolveOptions(workers=1, first_solution=True, time_limit=30))
    assert result.report.source == "warm_start"
    assert check(school, rows_of(result.schedule)) == []


def test_placement_honours_an_indexed_slot_lock_and_the_fixed_teachers_days_off() -> None:
    """Session 2 of `art` is locked to D2B, so exactly one session comes before it; its
    fixed teacher T1 cannot come at D1A, D3A or D3B."""
    art = A(
        "art",
        sessions_per_week=2,
        fixed_teacher="T1",
        allowed_slots=("D1A", "D1B", "D2A", "D2B", "D3A", "D3B"),
    )
    school = make(
        teachers=(T("T1", unavailable=("D1A", "D3A", "D3B")), T("T2")),
        activities=(art,),
        rooms=(room("R1"),),
        locks=(Lock("art", session=2, slot_id="D2B"),),
    )
    built = build(Instance(school))
    held = place_exactly(built, {"art": ["D3A", "D3B"]})  # a hint that breaks both
    assert held == {"art": ["D1B", "D2B"]}
