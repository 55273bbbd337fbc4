"""The time limit is a promise, and a feasible school gets its schedule (issue 13).

The deadline is driven by a fake clock, never by waiting: each test checks that every step
(the local search, every CP-SAT call, the explanation) is handed only the time left, and
that the work is cut when the time is spent, with a valid answer where one was found.
"""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from domain.school import Group, Lock
from scheduler import service
from scheduler import solve as solve_module
from scheduler.check import check, rows_of
from scheduler.clock import Deadline
from scheduler.instance import Instance
from scheduler.model import build
from scheduler.polish import Polisher
from scheduler.service import schedule_school
from scheduler.solve import SolveOptions, solve
from scheduler.warmstart import pinned_pairs, place_clubs, staff_sessions, warm_start
from school_builders import high_school, make, room


class FakeClock:
    """Seconds that pass only when read: each read moves time on by `step`."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def solver_calls(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time limit handed to every CP-SAT solve, in call order."""
    calls: list[float] = []
    real = cp_model.CpSolver.Solve

    def recording(self, model, *args, **kwargs):
        calls.append(self.parameters.max_time_in_seconds)
        return real(self, model, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "Solve", recording)
    return calls


@pytest.mark.parametrize("open_slots", [False, True])
def test_high_school_self_study_with_locks_gets_a_checked_schedule(open_slots: bool) -> None:
    school = high_school(open_slots=open_slots)
    outcome = schedule_school(school, SolveOptions(time_limit=60, workers=1, first_solution=True))
    assert outcome.schedule is not None
    assert outcome.checked, outcome.violations
    assert check(school, rows_of(outcome.schedule)) == []


def test_the_warm_start_honours_a_lock_on_one_session() -> None:
    """A homeroom teacher locked to the 2nd of five evenings teaches that one, not all five:
    the warm start's week is valid, so the solve has an answer before the search starts."""
    built = build(Instance(high_school()), None)
    start = warm_start(built)
    assert start.solution is not None
    placement = place_clubs(built)
    pinned = pinned_pairs(built, placement.held)
    aid = high_school().locks[0].activity_id
    locks = [lk for lk in high_school().locks if lk.activity_id == aid]
    held = placement.held[aid]
    expected = {(lk.teacher_id, aid, held[lk.session - 1]) for lk in locks}
    assert {(t, a, s) for t, a, s in pinned if a == aid} == expected
    assert len(expected) < len(held)  # not every session: the teacher works once a day


def test_first_solution_is_the_warm_start_week_without_a_search(solver_calls: list) -> None:
    school = high_school()
    result = solve(school, SolveOptions(workers=1, first_solution=True))
    assert result.report.source == "warm_start"
    assert len(solver_calls) == 1  # the one that completed the week, no search
    assert check(school, rows_of(result.schedule)) == []


def test_a_search_that_finds_nothing_in_time_returns_the_warm_start_week(monkeypatch) -> None:
    real = solve_module.run_solver

    def no_time(built, options, hint=None, started=None, deadline=None):
        solver, _status, watcher, seconds = real(built, options, hint, started, Deadline(0.0))
        return solver, cp_model.UNKNOWN, watcher, seconds  # as if 0.1 s found nothing

    monkeypatch.setattr(solve_module, "run_solver", no_time)
    school = high_school(open_slots=True)
    result = solve(school, SolveOptions(workers=1))
    assert result.report.status == "feasible"
    assert result.report.source == "warm_start"
    assert result.report.objective is not None and result.report.terms
    assert check(school, rows_of(result.schedule)) == []


def test_no_solver_call_is_given_more_than_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worst case: every CP-SAT call uses all the time it is handed (the fake clock moves
    on by its limit). The calls still add up to the time limit (each at least 0.1 s)."""
    clock = FakeClock(step=0.01)
    calls: list[float] = []
    real = cp_model.CpSolver.Solve

    def spending(self, model, *args, **kwargs):
        limit = self.parameters.max_time_in_seconds
        calls.append(limit)
        status = real(self, model, *args, **kwargs)
        clock.now += limit
        return status

    monkeypatch.setattr(cp_model.CpSolver, "Solve", spending)
    deadline = Deadline(at=2.0, clock=clock)
    outcome = schedule_school(high_school(), SolveOptions(workers=1, deadline=deadline))
    assert calls, "CP-SAT was called"
    assert all(limit <= 2.0 for limit in calls), calls
    assert sum(max(0.0, limit - 0.1) for limit in calls) <= 2.0, calls
    assert outcome.schedule is None or outcome.checked


def test_with_the_time_spent_every_call_gets_the_minimum(solver_calls: list[float]) -> None:
    clock = FakeClock(step=1.0)
    deadline = Deadline(at=0.0, clock=clock)  # already passed
    outcome = schedule_school(high_school(), SolveOptions(workers=1, deadline=deadline))
    assert solver_calls and max(solver_calls) <= 0.1
    assert outcome.schedule is None or outcome.checked


def test_the_local_search_stops_at_the_deadline_with_a_valid_week() -> None:
    built = build(Instance(high_school(open_slots=True)), None)
    placement = place_clubs(built)
    staff = staff_sessions(built, placement.held)
    before = {k: list(v) for k, v in staff.items()}
    polisher = Polisher(
        built,
        staff,
        pinned_pairs(built, placement.held),
        placement,
        deadline=Deadline(at=0.0, clock=FakeClock(1.0)),
    )
    polisher.run(8)
    assert polisher.steps <= 2048  # the clock is read every 1,024 candidate moves
    assert sum(map(len, staff.values())) == sum(map(len, before.values()))


def test_the_step_budget_stops_the_local_search_deterministically() -> None:
    built = build(Instance(high_school(open_slots=True)), None)
    results = []
    for _ in range(2):
        placement = place_clubs(built)
        staff = staff_sessions(built, placement.held)
        polisher = Polisher(
            built, staff, pinned_pairs(built, placement.held), placement, budget=500
        )
        polisher.run(8)
        assert polisher.steps <= 500 + len(built.inst.teachers)
        results.append(sorted((k, sorted(v)) for k, v in staff.items()))
    assert results[0] == results[1]


def test_the_explanation_ends_by_the_deadline_plus_grace(solver_calls: list[float]) -> None:
    """T1 is locked to both Monday sessions but works once a day: infeasible, and the
    conflicting rules are looked for only within the grace the deadline leaves."""
    group = (Group("G", (1,), 30, ("D1A", "D1B"), 30),)
    school = make(
        groups=group, rooms=(room("H", home="G"),), locks=(Lock("basic:G", teacher_id="T1"),)
    )
    clock = FakeClock(step=0.001)
    outcome = schedule_school(school, SolveOptions(workers=1, deadline=Deadline(1.0, clock)))
    assert outcome.report.status == "infeasible"
    assert outcome.schedule is None and not outcome.checked
    assert all(limit <= 1.0 + service.EXPLAIN_GRACE for limit in solver_calls)


def test_the_command_keeps_time_for_writing_its_files() -> None:
    """`afterschool schedule --time-limit T`: the solve ends early enough for the files (the
    xlsx grids of a large school take a second or two), at most a quarter of T early."""
    from cli.schedule_cmds import solve_options
    from scheduler.export import export_seconds
    from scheduler.weights import Weights

    clock = FakeClock(step=0.0)
    school = high_school()
    deadline = Deadline(at=100.0, clock=clock)
    options = solve_options(100.0, 0, 1, Weights(), verbose=False, deadline=deadline, school=school)
    assert options.deadline.at == pytest.approx(100.0 - export_seconds(school))
    short = solve_options(
        2.0, 0, 1, Weights(), verbose=False, deadline=Deadline(2.0, clock), school=school
    )
    assert short.deadline.at == pytest.approx(2.0 - 0.5)  # a quarter of 2 s at most


def test_with_a_valid_week_and_under_a_second_left_no_search_starts(monkeypatch) -> None:
    """CP-SAT needs a moment to load and presolve a large model before its limit counts, so
    with a valid week in hand and less than MIN_SEARCH_SECONDS left, that week is the answer."""
    calls: list = []
    monkeypatch.setattr(solve_module, "run_solver", lambda *a, **k: calls.append(a))
    clock = FakeClock(step=0.0)
    school = high_school(open_slots=True)
    built = build(Instance(school), None)
    start = warm_start(built)
    assert start.solution is not None
    clock.now = 0.0
    deadline = Deadline(at=solve_module.MIN_SEARCH_SECONDS / 2, clock=clock)
    report, answer = solve_module.search(built, SolveOptions(workers=1), start, deadline, 0.0)
    assert calls == [] and answer is start.solution and report.source == "warm_start"
