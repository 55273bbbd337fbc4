"""Allocate students to clubs from their ranked choices: pure functions.

Three methods on one `ChoiceInstance` (choices/instance.py), with the same rules: a club
never gets more students than it has seats, a student gets only clubs open to their
grade, at most K clubs (the school's `max_clubs_per_student`), and never a set of clubs
that cannot all fit their week (two in one slot, or a club where their class attends a
whole-class activity).

- `optimal`: rank-maximal, priority students first, solved exactly with CP-SAT. The
  objective is lexicographic over levels (priority group, choice position): first as many
  priority students' 1st choices as possible, then their 2nd choices, ..., then the
  other students' 1st choices, 2nd choices, ... (a rank-maximal allocation; Irving et al.
  2006). It is solved in stages, several levels per stage with exact weights
  (w_l = prod over the later levels j of the stage of (n_j + 1), n_j the choices at
  level j), the counts of solved levels held by constraints. Among equal allocations a
  seeded lottery decides: a last stage maximises the sum of per-student lottery weights.
- `lottery`: random serial dictatorship with the seed. Priority students are drawn
  first; in round k every student in draw order takes their best club still possible,
  until each has K clubs or nothing is left.
- `fcfs`: first come, first served in a simulated arrival order: each student, on
  arriving, takes their best possible clubs up to K at once, as a sign-up platform does.
  `Arrival` makes some students systematically late (a village school's slow
  connection); the platform knows no priority.

`Allocation.objective` is the lexicographic objective as one exact integer
(sum of count_l * W_l, W_l = prod over all later levels j of (n_j + 1)), so allocations of
one instance compare by it: the optimal one is never below the others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from choices.instance import ChoiceInstance, Wish
from domain.school import Enrolment, School

METHODS = ("optimal", "lottery", "fcfs")
# A stage's exact weights stay below this, so CP-SAT's objective is exact and its LP sane.
STAGE_WEIGHT_LIMIT = 2**40
# Work per CP-SAT stage, in the solver's deterministic time units (about seconds on one
# core): a deterministic limit keeps the result reproducible even when it is reached.
STAGE_WORK_LIMIT = 30.0


@dataclass(frozen=True)
class Arrival:
    """Sign-up day for first come, first served. Punctual students arrive at a uniform
    random time in [0, 1), late ones `delay` later. Late: the students listed, the
    students of the classes listed, or else a seeded random `late_share` of all."""

    late_share: float = 0.25
    delay: float = 0.5
    late_groups: tuple[str, ...] = ()
    late_students: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    student_id: str
    group_id: str
    activity_id: str
    position: int  # which of the student's choices: 1 = their first


@dataclass(frozen=True)
class Allocation:
    method: str
    seed: int
    assignments: tuple[Assignment, ...]
    # The lottery draw (lottery, and the optimal method's tie-break) or the arrival
    # order (fcfs): who came first, for the audit.
    order: tuple[str, ...]
    # optimal: "optimal", or "feasible" when a CP-SAT stage hit its work limit; the
    # serial methods: "done".
    status: str
    instance: ChoiceInstance = field(compare=False, repr=False)
    seconds: float = field(default=0.0, compare=False)

    @property
    def levels(self) -> tuple[tuple[bool, int], ...]:
        return levels_of(self.instance)

    @property
    def profile(self) -> tuple[int, ...]:
        """Granted choices per level (priority first, then by position)."""
        prio = {w.student_id: w.priority for w in self.instance.wishes}
        counts = dict.fromkeys(self.levels, 0)
        for a in self.assignments:
            counts[(not prio[a.student_id], a.position)] += 1
        return tuple(counts[level] for level in self.levels)

    @property
    def objective(self) -> int:
        """The lexicographic objective as one exact integer (see the module doc)."""
        return lexicographic_value(self.profile, level_sizes(self.instance))

    def clubs_of(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for a in self.assignments:
            out.setdefault(a.student_id, []).append(a.activity_id)
        return {s: tuple(v) for s, v in out.items()}


# ---------------------------------------------------------------- levels and objective


def levels_of(inst: ChoiceInstance) -> tuple[tuple[bool, int], ...]:
    """(not priority, position) for every position any student has, in objective order."""
    longest = max((len(w.clubs) for w in inst.wishes), default=0)
    return tuple((late, p) for late in (False, True) for p in range(1, longest + 1))


def level_sizes(inst: ChoiceInstance) -> tuple[int, ...]:
    """n_l: the eligible choices at each level, the most it can count."""
    sizes = dict.fromkeys(levels_of(inst), 0)
    for w in inst.wishes:
        for aid in inst.eligible(w):
            sizes[(not w.priority, w.position(aid))] += 1
    return tuple(sizes.values())


def lexicographic_value(profile: Sequence[int], sizes: Sequence[int]) -> int:
    value = 0
    for count, size in zip(profile, sizes, strict=True):
        value = value * (size + 1) + count
    return value


# ---------------------------------------------------------------- the public door


def allocate(
    school: School,
    *,
    slots: Mapping[str, Sequence[str]] | None = None,
    method: str = "optimal",
    seed: int = 0,
    arrival: Arrival | Sequence[str] | None = None,
    seats: Mapping[str, int] | None = None,
    workers: int = 1,
) -> Allocation:
    """Allocate the school's `choices` to clubs.

    `slots` maps a club to the slots of its sessions where the week is already known
    (`instance.slots_from_schedule`); other clubs may still take any of their allowed
    slots, and a set of them clashes only when it cannot fit at all. `seats` overrides a
    club's seats. `workers` > 1 lets CP-SAT use more cores, at the price of
    reproducibility among equally good allocations.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    started = time.perf_counter()
    inst = ChoiceInstance(school, slots, seats)
    if method == "lottery":
        order = lottery_order(inst, seed)
        picks = serial(inst, order, rounds=True)
        status = "done"
    elif method == "fcfs":
        order = arrival_order(inst, seed, arrival)
        picks = serial(inst, order, rounds=False)
        status = "done"
    else:
        order = lottery_order(inst, seed)
        picks, status = solve_optimal(inst, order, seed, workers)
    return Allocation(
        method=method,
        seed=seed,
        assignments=_assignments(inst, picks),
        order=tuple(w.student_id for w in order),
        status=status,
        instance=inst,
        seconds=time.perf_counter() - started,
    )


def to_enrolments(allocation: Allocation) -> tuple[Enrolment, ...]:
    """The allocation as rows of the contract's `enrolments` sheet."""
    return tuple(
        Enrolment(a.student_id, a.activity_id, a.group_id)
        for a in sorted(allocation.assignments, key=lambda a: (a.student_id, a.activity_id))
    )


def apply_allocation(school: School, allocation: Allocation) -> School:
    """The school with the allocation as its enrolments: enrolments of the chosen clubs
    are replaced, those of other activities kept (the allocation treated them as fixed).
    A chosen club nobody got keeps its `enrolled` for the scheduler."""
    chosen = set(allocation.instance.clubs)
    kept = tuple(e for e in school.enrolments if e.activity_id not in chosen)
    return replace(school, enrolments=kept + to_enrolments(allocation))


def _assignments(inst: ChoiceInstance, picks: Sequence[tuple[Wish, str]]) -> tuple[Assignment, ...]:
    rows = [Assignment(w.student_id, w.group_id, aid, w.position(aid)) for w, aid in picks]
    return tuple(sorted(rows, key=lambda a: (a.student_id, a.position)))


# ---------------------------------------------------------------- orders


def lottery_order(inst: ChoiceInstance, seed: int) -> list[Wish]:
    """The seeded draw: priority students first, each group shuffled."""
    rng = random.Random(f"choices-lottery:{seed}")
    first = [w for w in inst.wishes if w.priority]
    rest = [w for w in inst.wishes if not w.priority]
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest


def arrival_order(
    inst: ChoiceInstance, seed: int, arrival: Arrival | Sequence[str] | None
) -> list[Wish]:
    """Who signs up first: a given order of student ids (others after, by id), or a
    seeded simulation of `Arrival`."""
    if arrival is not None and not isinstance(arrival, Arrival):
        rank = {sid: i for i, sid in enumerate(arrival)}
        big = len(rank)
        return sorted(inst.wishes, key=lambda w: (rank.get(w.student_id, big), w.student_id))
    arrival = arrival or Arrival()
    rng = random.Random(f"choices-arrival:{seed}")
    ids = [w.student_id for w in inst.wishes]
    if arrival.late_students or arrival.late_groups:
        late_groups = set(arrival.late_groups)
        late = set(arrival.late_students) | {
            w.student_id for w in inst.wishes if w.group_id in late_groups
        }
    else:
        late = set(rng.sample(ids, round(arrival.late_share * len(ids))))
    at = {sid: rng.random() + (arrival.delay if sid in late else 0.0) for sid in ids}
    return sorted(inst.wishes, key=lambda w: (at[w.student_id], w.student_id))


# ---------------------------------------------------------------- serial methods


def serial(inst: ChoiceInstance, order: Sequence[Wish], *, rounds: bool) -> list[tuple[Wish, str]]:
    """Serial dictatorship in `order`: each student takes their best club that still has
    a seat and fits the clubs they hold. `rounds`: one club per student per round (the
    lottery); else all of a student's clubs at their turn (first come, first served)."""
    left = dict(inst.seats)
    held: dict[str, list[str]] = {w.student_id: [] for w in order}
    picks: list[tuple[Wish, str]] = []

    def take(w: Wish) -> bool:
        mine = held[w.student_id]
        for aid in inst.eligible(w):
            if aid in mine or left[aid] <= 0 or not inst.fits(w, [*mine, aid]):
                continue
            left[aid] -= 1
            mine.append(aid)
            picks.append((w, aid))
            return True
        return False

    if rounds:
        active = list(order)
        for _ in range(inst.max_clubs):
            active = [w for w in active if take(w)]
    else:
        for w in order:
            while len(held[w.student_id]) < inst.max_clubs and take(w):
                pass
    return picks


# ---------------------------------------------------------------- the optimal method


def _stages(sizes: Sequence[int]) -> list[list[int]]:
    """Consecutive non-empty levels packed into stages whose exact weights stay below
    STAGE_WEIGHT_LIMIT."""
    stages: list[list[int]] = []
    product = STAGE_WEIGHT_LIMIT + 1
    for index, size in enumerate(sizes):
        if size == 0:
            continue
        if product * (size + 1) > STAGE_WEIGHT_LIMIT:
            stages.append([])
            product = 1
        stages[-1].append(index)
        product *= size + 1
    return stages


def solve_optimal(
    inst: ChoiceInstance,
    draw: Sequence[Wish],
    seed: int,
    workers: int = 1,
) -> tuple[list[tuple[Wish, str]], str]:
    """The rank-maximal allocation (priority first), ties broken by the draw.

    No solution hints and no presolve: on these assignment models both cost more than
    they save (measured: 0.5 s instead of 2-3 s for 1,600 students)."""
    levels = levels_of(inst)
    level_index = {level: i for i, level in enumerate(levels)}
    edges: list[tuple[Wish, str]] = [(w, aid) for w in inst.wishes for aid in inst.eligible(w)]
    if not edges:
        return [], "optimal"
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(edges))]
    by_student: dict[str, list[int]] = {}
    by_club: dict[str, list[int]] = {}
    by_level: list[list[int]] = [[] for _ in levels]
    for i, (w, aid) in enumerate(edges):
        by_student.setdefault(w.student_id, []).append(i)
        by_club.setdefault(aid, []).append(i)
        by_level[level_index[(not w.priority, w.position(aid))]].append(i)
    for aid, idx in by_club.items():
        if len(idx) > inst.seats[aid]:
            model.add(sum(x[i] for i in idx) <= inst.seats[aid])
    index_of = {(w.student_id, aid): i for i, (w, aid) in enumerate(edges)}
    for w in inst.wishes:
        idx = by_student.get(w.student_id, [])
        if len(idx) > inst.max_clubs:
            model.add(sum(x[i] for i in idx) <= inst.max_clubs)
        for clash in inst.clashing_sets(w):
            model.add(sum(x[index_of[(w.student_id, aid)]] for aid in clash) <= len(clash) - 1)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed % (2**31)
    solver.parameters.max_deterministic_time = STAGE_WORK_LIMIT
    solver.parameters.cp_model_presolve = False
    chosen: set[int] = set()
    status_all = "optimal"
    sizes = [len(ix) for ix in by_level]
    lottery_weight = {w.student_id: len(draw) - k for k, w in enumerate(draw)}
    stages: list[list[int] | None] = [*_stages(sizes), None]  # None: the tie-break
    for stage in stages:
        if stage is None:
            terms = [lottery_weight[edges[i][0].student_id] * x[i] for i in range(len(edges))]
        else:
            weight, terms = 1, []
            for level in reversed(stage):
                terms += [weight * x[i] for i in by_level[level]]
                weight *= sizes[level] + 1
        model.maximize(sum(terms))
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Only if the work limit ends a stage before any solution (the empty
            # allocation is always feasible): the lottery's allocation, never nothing.
            return serial(inst, draw, rounds=True), "feasible"
        if status != cp_model.OPTIMAL:
            status_all = "feasible"
        chosen = {i for i in range(len(edges)) if solver.boolean_value(x[i])}
        for level in stage or ():
            got = sum(1 for i in by_level[level] if i in chosen)
            model.add(sum(x[i] for i in by_level[level]) >= got)
    return [edges[i] for i in sorted(chosen)], status_all
