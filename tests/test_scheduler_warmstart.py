"""The warm start (scheduler/warmstart.py, scheduler/polish.py).

(a) On ordinary schools it is a complete valid week: with every variable fixed to its hinted
value the model is satisfied, and the checker passes the schedule read from it;
(b) the local search's own bookkeeping agrees with the model's objective;
(c) it is deterministic;
(d) a warm-started solve with one worker is the same schedule on every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from bench.instances import generate
from scheduler import warmstart
from scheduler.check import check, rows_of
from scheduler.instance import Instance
from scheduler.model import build
from scheduler.polish import polish
from scheduler.solve import SolveOptions, extract, solve
from workbook.reader import read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"
SCHOOLS = {
    "S": lambda: generate("S"),
    "M": lambda: generate("M"),
    "ZY026": lambda: read_school(COUNTY / "ZY026.xlsx").school,  # slots of 40, 60, 90 min
    "ZY083": lambda: read_school(COUNTY / "ZY083.xlsx").school,
}


def fixed_solve(built, hint) -> tuple[int, cp_model.CpSolver]:
    """Solve with every hinted variable fixed to its value."""
    for var, value in hint.items():
        built.model.AddHint(var, value)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    return solver.Solve(built.model), solver


@pytest.mark.parametrize("name", list(SCHOOLS))
def test_hint_is_a_complete_valid_week(name: str) -> None:
    school = SCHOOLS[name]()
    built = build(Instance(school))
    hint = warmstart.greedy_hint(built)
    assert len(hint) == len(built.model.Proto().variables)  # every variable, not only x/v/z
    status, solver = fixed_solve(built, hint)
    assert status == cp_model.OPTIMAL
    schedule = extract(built, solver)
    assert schedule is not None
    assert check(school, rows_of(schedule)) == []


@pytest.mark.parametrize("name", ["S", "M", "ZY026"])
def test_local_search_gain_is_the_model_objective_drop(name: str) -> None:
    built = build(Instance(SCHOOLS[name]()))
    placement = warmstart.place_clubs(built)
    staff = warmstart.staff_sessions(built, placement.held)
    week = warmstart.Week(held=placement.held, staff=staff)

    def objective() -> float:
        order = {k: list(v) for k, v in week.staff.items()}
        warmstart.order_twins(built, week.staff)
        hint = warmstart.to_hint(built, week)
        week.staff = order
        fresh = build(Instance(built.inst.school))
        status, solver = fixed_solve(
            fresh, {fresh.model.GetIntVarFromProtoIndex(v.Index()): x for v, x in hint.items()}
        )
        assert status == cp_model.OPTIMAL
        return solver.ObjectiveValue()

    before = objective()
    gain = polish(built, week.staff, warmstart.pinned_pairs(built, placement.held), placement)
    week.held = placement.held
    assert gain >= 0
    assert before - objective() == gain


def test_warm_start_is_deterministic() -> None:
    school = generate("M")
    hints = []
    for _ in range(2):
        built = build(Instance(school))
        hint = warmstart.greedy_hint(built)
        hints.append({var.Index(): value for var, value in hint.items()})
    assert hints[0] == hints[1]


def test_one_worker_solve_is_reproducible() -> None:
    school = SCHOOLS["ZY083"]()
    options = SolveOptions(time_limit=20, seed=3, workers=1)
    first, second = solve(school, options), solve(school, options)
    assert first.report.status == "optimal"
    assert rows_of(first.schedule) == rows_of(second.schedule)


def test_gap_limit_stops_early_and_says_feasible() -> None:
    school = generate("M")
    result = solve(school, SolveOptions(time_limit=20, workers=1, gap_limit=0.5))
    report = result.report
    assert report.status in ("optimal", "feasible")
    assert report.gap is not None and report.gap <= 0.5
    if report.status == "optimal":
        assert report.objective == report.bound
