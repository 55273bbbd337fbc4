"""The exact joint model for small schools: club slots, places and staffing in one CP-SAT
model, solved for the allocation's lexicographic objective (issue 14, point 2).

It is the scheduler's own model (`scheduler.model.build`, explicit rooms, every hard rule)
of the school before the sign-up, with the allocation's variables (`allocate.
allocation_vars`: seats, at most K clubs, rounds) and, per student and slot, at most one
of their clubs, their class's whole-class activities and their other enrolments:
`granted[s, c] and held[c, t]` as a variable, so clashes are exact. Its optimum is the
best allocation any valid week can hold: the joint mode (choices/joint.py) is measured
against it in tests and the benchmark. For small schools only (every student a variable
per club and slot).

Rooms: the chosen clubs are sized by their seats (the most the allocation can give them).
That is exact when every room of a club's type seats its seats (so the room rule does not
depend on how many students a club gets), as in the tests' and the benchmark's schools;
elsewhere the optimum is that of a slightly stricter room rule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from choices.allocate import (
    Allocation,
    _assignments,
    allocation_vars,
    lottery_order,
    solve_stages,
)
from choices.instance import ChoiceInstance
from choices.joint import Slots, seat_sized
from domain.school import School
from scheduler.instance import Instance
from scheduler.model import build
from scheduler.weights import Weights

# No soft term is built (a weight of 0 skips it): only the rules and the allocation.
NO_PREFERENCES = Weights(
    spread=0, fair_share=0, homeroom=0, days=0, external=0, adjacent_days=0, change=0
)


@dataclass(frozen=True)
class Exact:
    """The exact joint optimum: the allocation (`None` when no week exists at all), the
    slots of every activity in its week, and the status ("optimal", "feasible" when a
    time limit ended a stage, "infeasible")."""

    allocation: Allocation | None
    slots: Slots
    status: str
    seconds: float


def exact_joint(school: School, seed: int = 0, time_limit: float = 60.0, workers: int = 1) -> Exact:
    """The best allocation a valid week of `school` can hold, and that week's slots."""
    started = time.perf_counter()
    inst = ChoiceInstance(school)
    built = build(Instance(seat_sized(school, inst)), NO_PREFERENCES, explicit_rooms=True)
    model = built.model
    model.clear_objective()
    av = allocation_vars(model, inst)
    held = built.x  # (activity, slot) -> the activity is held there
    for w in inst.wishes:
        fixed = (*inst.class_activities.get(w.group_id, ()), *inst.committed.get(w.student_id, ()))
        for s in built.inst.slots:
            busy = [held[a, s] for a in fixed if (a, s) in held]
            for aid in inst.eligible(w):
                if (aid, s) in held:
                    both = model.new_bool_var("")
                    model.add(both >= av.of(w.student_id, aid) + held[aid, s] - 1)
                    busy.append(both)
            if len(busy) > 1:
                model.add_at_most_one(busy)
    for w in inst.wishes:  # Hall's condition per student: implied, a cut for the search
        for clash in inst.clashing_sets(w):
            model.add(sum(av.of(w.student_id, aid) for aid in clash) <= len(clash) - 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed % (2**31)
    solver.parameters.max_time_in_seconds = time_limit
    draw = lottery_order(inst, seed)
    if not av.edges:  # nothing to allocate: the week alone
        av_solve = solver.solve(model)
        ok = av_solve in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        return _result(inst, [], seed, draw, ok, "optimal", built, solver, started)
    chosen, status = solve_stages(model, av, draw, solver)
    if chosen is None:
        infeasible = solver.response_proto.status == cp_model.INFEASIBLE
        status = "infeasible" if infeasible else "time_limit"
        return Exact(None, {}, status, time.perf_counter() - started)
    picks = [av.edges[i] for i in chosen]
    return _result(inst, picks, seed, draw, True, status, built, solver, started)


def _result(inst, picks, seed, draw, ok, status, built, solver, started) -> Exact:
    if not ok:
        return Exact(None, {}, "infeasible", time.perf_counter() - started)
    slots = {
        a.activity_id: tuple(
            s for s in built.inst.allowed(a) if solver.value(built.x[a.activity_id, s])
        )
        for a in built.inst.activities
    }
    allocation = Allocation(
        method="exact",
        seed=seed,
        assignments=_assignments(inst, picks),
        order=tuple(w.student_id for w in draw),
        status=status,
        instance=ChoiceInstance(inst.school, slots),
        seconds=time.perf_counter() - started,
    )
    return Exact(allocation, slots, status, allocation.seconds)
