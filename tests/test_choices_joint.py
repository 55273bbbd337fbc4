"""The joint mode (choices/joint.py): club slots and places together, then the week; the
exact joint model (choices/exact.py) it is measured against; and its surfaces (the
service, the store, `afterschool allocate --schedule`, the Choices page). Issue 14, point 3.

The properties run on the small random schools of bench/joint_schools.py: the joint
result's enrolments and week pass the independent checker, its objective is never below
the plain pipeline's (allocate with Hall's condition, then schedule) when that one finds
a week, never above the exact joint optimum, and the same seed gives the same result.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bench.joint_schools import small_school
from choices import Allocation, allocate, apply_allocation, service
from choices.exact import exact_joint
from choices.joint import (
    JointResult,
    fits_week,
    joint,
    schedule_joint,
    seat_sized,
    week_first,
    with_slot_locks,
)
from cli.main import app
from domain.school import Activity, Choice, Group, Room, School, SchoolInfo, Slot, Teacher
from scheduler.check import check, rows_of
from scheduler.service import schedule_school
from scheduler.solve import SolveOptions
from store.allocations import list_allocations
from store.db import init_db, make_engine, session_scope
from store.schedules import list_schedules, load_schedule
from store.schools import load_school_version
from workbook.reader import read_school
from workbook.writer import write_xlsx


def options() -> SolveOptions:
    """One worker (reproducible), the first valid week (fast)."""
    return SolveOptions(time_limit=10, workers=1, first_solution=True)


def assert_valid(school: School, result: JointResult) -> None:
    """The week passes the checker against the school with the allocated places, and the
    allocation keeps seats, K and eligibility and clashes with nothing of the week."""
    assert result.checked, (result.path, result.outcome.report.status)
    enrolled = apply_allocation(school, result.allocation)
    assert result.outcome.school == enrolled
    rows = rows_of(result.outcome.schedule)
    assert check(enrolled, rows) == []
    inst = result.allocation.instance
    granted: dict[str, int] = {}
    for a in result.allocation.assignments:
        granted[a.activity_id] = granted.get(a.activity_id, 0) + 1
    assert all(n <= inst.seats[aid] for aid, n in granted.items())
    week: dict[str, set[str]] = {}
    for row in rows:
        week.setdefault(row["activity_id"], set()).add(row["slot_id"])
    wishes = {w.student_id: w for w in inst.wishes}
    for sid, clubs in result.allocation.clubs_of().items():
        w = wishes[sid]
        assert len(clubs) <= school.info.max_clubs_per_student
        assert all(c in w.clubs and school.activity_by_id[c].admits(w.grades) for c in clubs)
        whole = [a.activity_id for a in school.activities if w.group_id in a.groups]
        used = [s for a in [*clubs, *whole] for s in week[a]]
        assert len(used) == len(set(used)), (sid, clubs, whole)  # no two things at once


def plain(school: School, seed: int) -> tuple[Allocation, bool]:
    """Allocate with Hall's condition, then schedule: the allocation and whether it got a
    checked week."""
    upper = allocate(school, seed=seed)
    return upper, schedule_school(apply_allocation(school, upper), options()).checked


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=st.integers(0, 10**6), seed=st.integers(0, 1000))
def test_joint_is_checked_never_below_plain_never_above_exact(number: int, seed: int) -> None:
    school = small_school(number)
    result = joint(school, options(), seed)
    assert_valid(school, result)  # the generator's schools have a week without students
    upper, scheduled = plain(school, seed)
    assert result.upper.objective == upper.objective
    assert result.allocation.objective <= upper.objective  # the bound
    if scheduled:  # the plain pipeline's week exists: the joint mode meets the bound
        assert result.allocation.objective == upper.objective
        assert result.at_bound
    best = exact_joint(school, seed)
    assert best.status == "optimal" and best.allocation is not None
    assert result.allocation.objective <= best.allocation.objective <= upper.objective
    assert fits_week(best.allocation, best.slots)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=st.integers(0, 10**6), seed=st.integers(0, 1000))
def test_the_same_seed_gives_the_same_result(number: int, seed: int) -> None:
    school = small_school(number)
    first, again = joint(school, options(), seed), joint(school, options(), seed)
    assert first.allocation == again.allocation
    assert first.slots == again.slots and first.path == again.path
    assert rows_of(first.outcome.schedule) == rows_of(again.outcome.schedule)


# ---------------------------------------------------------------- cases


def slot_grid(days: int, periods: int = 1) -> tuple[Slot, ...]:
    times = (("16:00", "16:45"), ("17:00", "17:45"))
    return tuple(
        Slot(f"D{d}P{p}", d, *times[p - 1], "any")
        for d in range(1, days + 1)
        for p in range(1, periods + 1)
    )


def case_school(
    clubs: list[Activity], choices: list[Choice], groups: tuple[Group, ...], k: int = 1
) -> School:
    slots = slot_grid(3)
    rooms = tuple(Room(f"R{i}", f"教室{i}", "classroom", 80) for i in range(4))
    teachers = tuple(Teacher(f"T{i}", f"老师{i}", max_per_day=2) for i in range(6))
    info = SchoolInfo("C", "测试", max_clubs_per_student=k)
    return School(info, slots, teachers, groups, tuple(clubs), rooms, choices=tuple(choices))


def test_a_club_two_grades_want_goes_where_more_of_them_can_come() -> None:
    # Club C may meet Monday or Tuesday; grade 5 studies as a class on Monday, grade 6 on
    # Tuesday. Each student alone fits (Hall's condition), so the plain allocation gives
    # C to both grades, and no week holds it. The joint mode puts C on Tuesday, where the
    # three grade-5 students can come, rather than Monday (two grade-6 students).
    groups = (Group("G5", (5,), 30), Group("G6", (6,), 30))
    study = [
        Activity("W5", "自习5", "academic", enrolled=30, allowed_slots=("D1P1",), groups=("G5",)),
        Activity("W6", "自习6", "academic", enrolled=30, allowed_slots=("D2P1",), groups=("G6",)),
    ]
    club = Activity("C", "社团", "arts", enrolled=10, allowed_slots=("D1P1", "D2P1"))
    choices = [Choice(f"a{i}", "G5", "C", 1) for i in range(3)]
    choices += [Choice(f"b{i}", "G6", "C", 1) for i in range(2)]
    school = case_school([club, *study], choices, groups)
    upper, scheduled = plain(school, 0)
    assert len(upper.assignments) == 5 and not scheduled
    result = joint(school, options(), 0)
    assert_valid(school, result)
    assert result.slots["C"] == ("D2P1",)
    assert set(result.allocation.clubs_of()) == {"a0", "a1", "a2"}
    assert not result.at_bound
    assert result.allocation.objective == exact_joint(school).allocation.objective


def test_two_clubs_many_want_together_never_share_a_slot() -> None:
    # Three clubs, two slots: two of them must share one. Four students want A and B,
    # one A and C, one B and C (two clubs each). The joint mode keeps A and B apart and
    # costs one student their second club; the plain allocation has no week.
    groups = (Group("G1", (3,), 30),)
    clubs = [Activity(c, c, "arts", enrolled=10, allowed_slots=("D1P1", "D2P1")) for c in "ABC"]
    pairs = ["AB"] * 4 + ["AC", "BC"]
    choices = [
        Choice(f"s{i}", "G1", c, r) for i, pair in enumerate(pairs) for r, c in enumerate(pair, 1)
    ]
    school = case_school(clubs, choices, groups, k=2)
    upper, scheduled = plain(school, 0)
    assert len(upper.assignments) == 12 and not scheduled
    result = joint(school, options(), 0)
    assert_valid(school, result)
    assert result.slots["A"] != result.slots["B"]
    held = result.allocation.clubs_of()
    assert all(set(held[f"s{i}"]) == {"A", "B"} for i in range(4))
    assert len(result.allocation.assignments) == 11
    assert result.allocation.objective == exact_joint(school).allocation.objective


def test_a_feasible_plain_allocation_is_kept_at_the_bound() -> None:
    groups = (Group("G1", (3,), 30),)
    clubs = [Activity(c, c, "arts", enrolled=2) for c in "AB"]
    choices = [Choice(f"s{i}", "G1", c, r) for i in range(4) for r, c in enumerate("AB", 1)]
    school = case_school(clubs, choices, groups, k=2)
    result = joint(school, options(), 3)
    assert_valid(school, result)
    assert result.at_bound and result.path == "locked"
    assert result.allocation.assignments == allocate(school, seed=3).assignments
    # The week was found with the clubs locked, so its report proves nothing about the
    # school without the locks: never "optimal".
    assert result.outcome.report.status == "feasible"


def test_week_first_allocates_into_a_week_made_without_students() -> None:
    school = small_school(7)
    upper = allocate(school, seed=1)
    failed = schedule_school(seat_sized(school), options())
    placed, outcome, path = week_first(school, upper, options(), 1, failed)
    assert path == "week_first" and outcome.checked
    enrolled = apply_allocation(school, placed)
    assert outcome.school == enrolled
    assert check(enrolled, rows_of(outcome.schedule)) == []
    assert placed.objective <= upper.objective


def test_without_a_placement_the_scheduler_places_the_clubs() -> None:
    school = small_school(11)
    upper = allocate(school, seed=0)
    _, outcome, path = schedule_joint(school, upper, None, options(), 0)
    assert path in ("free", "week_first") and outcome.checked


def test_slot_locks_fix_every_session() -> None:
    school = small_school(3)
    slots = {a.activity_id: (school.slots[0].slot_id,) for a in school.activities[:1]}
    locked = with_slot_locks(school, slots)
    added = locked.locks[len(school.locks) :]
    assert [(lk.activity_id, lk.session, lk.slot_id) for lk in added] == [
        (school.activities[0].activity_id, 1, school.slots[0].slot_id)
    ]


def test_no_week_at_all_is_reported_never_an_unchecked_week() -> None:
    school = small_school(5)
    nobody = replace(school, teachers=school.teachers[:1])  # too few teachers for any week
    nobody = replace(nobody, teachers=(replace(nobody.teachers[0], max_per_week=0),))
    result = joint(nobody, options(), 0)
    assert result.path == "none" and result.outcome.schedule is None
    assert not result.checked and result.slots == {}


# ---------------------------------------------------------------- the exact model


def test_the_exact_model_agrees_with_the_bound_when_the_plain_week_exists() -> None:
    found = 0
    for number in range(12):
        school = small_school(number)
        upper, scheduled = plain(school, 0)
        best = exact_joint(school)
        assert best.allocation is not None
        assert best.allocation.objective <= upper.objective
        if scheduled:
            found += 1
            assert best.allocation.objective == upper.objective
    assert found >= 3


# ---------------------------------------------------------------- the service and store


def test_run_joint_compares_the_methods_in_the_same_week() -> None:
    school = small_school(6)
    heard: list[tuple[str, int, int]] = []
    outcome, scheduled = service.run_joint(school, 2, options(), lambda *e: heard.append(e))
    assert scheduled.checked and outcome.slots
    assert scheduled.school == outcome.enrolled
    assert [s.method for s in outcome.summaries] == ["optimal", "lottery", "fcfs"]
    assert ("joint", 4, 4) in heard and ("lottery", 1, 1) in heard
    for method in ("lottery", "fcfs"):
        other = allocate(school, method=method, seed=2, slots=outcome.slots)
        assert fits_week(other, outcome.slots)
    assert outcome.joint is not None and outcome.joint.path in ("locked", "free", "week_first")
    assert "Club slots and places together" in service.summary_markdown(outcome)


def test_store_joint_keeps_the_allocation_its_school_and_its_week(store_url: str) -> None:
    school = small_school(6)
    outcome, scheduled = service.run_joint(school, 2, options())
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:
        saved, enrolled, week = service.store_joint(session, outcome, scheduled, "test")
    with session_scope(engine) as session:
        stored, _row = service.stored_outcome(session, school.school_id, saved.version)
        stored_week, head = load_schedule(session, school.school_id)
        assert load_school_version(session, head.school_version_id) == outcome.enrolled
    assert head.school_version_id == enrolled.id and week.version == 1
    assert stored.slots == outcome.slots and stored.joint == outcome.joint
    assert stored.allocation.assignments == outcome.allocation.assignments
    assert stored_week.sessions == scheduled.schedule.sessions


# ---------------------------------------------------------------- the command


runner = CliRunner()
FAST = ["--time-limit", "10", "--workers", "1", "--week-start", "2025-03-03"]


@pytest.mark.parametrize("joint_flag", ["--joint", "--no-joint"])
def test_allocate_schedule_joint_and_not(tmp_path: Path, store_url: str, joint_flag: str) -> None:
    # Small school 6: the plain allocation has no week, the joint one has.
    school = small_school(6)
    _, scheduled = plain(school, 0)
    assert not scheduled
    workbook = write_xlsx(school, tmp_path / "s.xlsx")
    out = tmp_path / "out"
    args = ["allocate", workbook, "--out", out, "--schedule", joint_flag, "--db", store_url]
    result = runner.invoke(app, [str(a) for a in [*args, *FAST]])
    if joint_flag == "--no-joint":
        assert result.exit_code == 3, result.output  # the plain allocation has no week
        return
    assert result.exit_code == 0, result.output
    assert "周课表按联合安排选定的社团时段排出" in result.output or "排课时调整" in result.output
    week = out / "schedule"
    check_run = runner.invoke(app, ["check", str(week / "school.xlsx"), str(week / "schedule.csv")])
    assert check_run.exit_code == 0, check_run.output
    allocated = read_school(week / "school.xlsx").school
    assert allocated is not None and allocated.enrolments
    with session_scope(make_engine(store_url)) as session:
        assert len(list_schedules(session, school.school_id)) == 1
        assert len(list_allocations(session, school.school_id)) == 1
