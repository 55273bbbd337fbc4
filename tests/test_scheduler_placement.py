"""The exact placement (scheduler/placement.py) takes over where the greedy placement gets
stuck, and obeys the placement rules the greedy can miss: locks with a session index, a
fixed teacher's unavailable slots."""

from __future__ import annotations

from dataclasses import replace

from bench.shapes import generate
from domain.school import Group, Lock
from scheduler.check import check, rows_of
from scheduler.instance import Instance
from scheduler.model import build
from scheduler.placement import place_exactly, rooms_of
from scheduler.rooms import hall_sets
from scheduler.service import schedule_school
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


# --- What the random planted schools found (bench/fuzz_schools.py, bench/bench_robust.py) ---


def test_two_lock_rows_on_one_basic_session_count_its_teacher_once() -> None:
    """Two rows may lock the same basic session (one its slot, one its room), each naming
    the teacher: that is one session of hers, not two at the same slot."""
    group = Group("G1", (3,), 20, ("D1A", "D2A"), 20)
    school = make(
        groups=(group,),
        rooms=(room("R1"), room("R2")),
        locks=(
            Lock("basic:G1", session=1, slot_id="D1A", teacher_id="T1"),
            Lock("basic:G1", slot_id="D1A", room_id="R2", teacher_id="T1"),
        ),
        activities=(A("P", sessions_per_week=3),),
    )
    built = build(Instance(school))
    assert place_exactly(built, place_clubs(built).held) is not None
    outcome = schedule_school(school, SolveOptions(workers=1, time_limit=10))
    assert outcome.checked


def test_a_skill_only_a_once_a_day_teacher_has_is_never_twice_on_one_day() -> None:
    """Only W has the skill, one session a day: the placement keeps the club's two
    sessions... and the other club W could lead apart from them on days W comes."""
    w = T("W", "武术", max_per_day=1, unavailable=("D3A", "D3B"))
    clubs = (
        A("K1", skill="武术", sessions_per_week=1, allowed_slots=("D1A", "D2A")),
        A("K2", skill="武术", sessions_per_week=1, allowed_slots=("D1B", "D2B")),
    )
    school = make(teachers=(w, T("T1"), T("T2")), activities=clubs, rooms=(room("R1"), room("R2")))
    built = build(Instance(school))
    held = place_exactly(built, {"K1": ["D1A"], "K2": ["D1B"]})  # a hint on one day
    assert held is not None
    assert {Instance(school).day(held["K1"][0]), Instance(school).day(held["K2"][0])} == {1, 2}


def test_rooms_are_counted_on_unions_of_crossing_room_sets() -> None:
    """Four clubs at one slot over three rooms whose sets cross ({S, L1}, {L1, L2}, {L2}):
    each set alone has room enough, their union does not, so not all four fit at once."""
    rooms = (room("S", 30, "lab"), room("L1", 60, "lab"), room("L2", 60, "music"))
    clubs = (
        A("a", room_type="lab", enrolled=20),
        A("b", room_type="lab", enrolled=20),
        A("c", enrolled=50),  # any type, big: L1 or L2
        A("d", room_type="music", enrolled=50),
    )
    one_slot = tuple(replace(c, allowed_slots=("D1A", "D2A")) for c in clubs)
    school = make(teachers=tuple(T(f"T{i}") for i in range(6)), activities=one_slot, rooms=rooms)
    crossing = {frozenset({"S", "L1"}), frozenset({"L1", "L2"}), frozenset({"L2"})}
    assert set(hall_sets(crossing)) == crossing | {frozenset({"S", "L1", "L2"})}
    built = build(Instance(school))
    held = place_exactly(built, {aid: ["D1A"] for aid in "abcd"})  # all four at D1A
    assert held is not None and rooms_of(built, held) is not None
    outcome = schedule_school(school, SolveOptions(workers=1, time_limit=10))
    assert outcome.checked and not outcome.report.explicit_rooms


def test_teachers_are_counted_on_unions_of_crossing_qualified_sets() -> None:
    """At one slot: X needs two of {A, B, C}, Y one of {C, D}, and A is away. X takes B and
    C, so Y cannot be there too unless D is free: the placement sees it."""
    teachers = (
        T("A", "x", unavailable=("D1A",)),
        T("B", "x"),
        T("C", "x", "y"),
        T("D", "y", unavailable=("D1A",)),
        T("E"),  # free, but can lead neither
    )
    clubs = (
        A("X", skill="x", staff=2, allowed_slots=("D1A",)),
        A("Y", skill="y", allowed_slots=("D1A", "D2A")),
    )
    school = make(teachers=teachers, activities=clubs, rooms=(room("R1"), room("R2")))
    built = build(Instance(school))
    held = place_exactly(built, {"X": ["D1A"], "Y": ["D1A"]})
    assert held == {"X": ["D1A"], "Y": ["D2A"]}
