"""Allocate students to clubs from their ranked choices: pure functions.

Three methods on one `ChoiceInstance` (choices/instance.py), with the same rules: a club
never gets more students than it has seats, a student gets only clubs open to their
grade, at most K clubs (the school's `max_clubs_per_student`), and never a set of clubs
that cannot all fit their week (two in one slot, or a club where their class attends a
whole-class activity).

- `optimal`: rank-maximal in rounds, priority students first within a round, solved
  exactly with CP-SAT. The objective is lexicographic over levels (round j, priority
  group, choice position p), counting the students whose j-th club is their p-th choice:
  first as many students as possible get their 1st choice as their first club (priority
  students before the others), then their 2nd choice, ...; only then second clubs, in
  the same order. With one club per student this is the rank-maximal allocation (Irving
  et al. 2006): the most 1st choices, then the most 2nd choices, ... A student's second
  club never outweighs another student's first. It is solved in stages of consecutive
  levels whose exact weights fit (w_l = prod over the later levels j of the stage of
  (n_j + 1), n_j the most students level j can count), the counts of solved levels held
  by constraints. Among equal allocations a seeded lottery decides: a last stage
  maximises the sum of per-student lottery weights (the student drawn first weighs most).
- `lottery`: random serial dictatorship with the seed. Priority students are drawn
  first; in round k every student in draw order takes their best club still possible,
  until each has K clubs or nothing is left.
- `fcfs`: first come, first served in a simulated arrival order: each student, on
  arriving, takes their best possible clubs up to K at once, as a sign-up platform does.
  `Arrival` makes some students systematically late (a village school's slow
  connection); the platform knows no priority.

`Allocation.profile` holds the counts level by level and `Allocation.objective` the same
as one exact integer (mixed radix: sum of count_l * W_l, W_l = prod over all later levels
j of (n_j + 1)), so allocations of one instance compare by it: the optimal one is never
below the others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from choices.instance import ChoiceInstance, Wish
from domain.school import Enrolment, School

METHODS = ("optimal", "lottery", "fcfs")
# A stage's exact weights stay below this, so CP-SAT's objective (checked in int64) never
# overflows. Fewer, wider stages are faster: 2**62 against 2**40 took 0.7 s instead of
# 0.9 s (one club each) and 1.9 s instead of 2.8 s (two), same allocations (bench).
STAGE_WEIGHT_LIMIT = 2**62
# Work per CP-SAT stage, in the solver's deterministic time units (about seconds on one
# core): a deterministic limit keeps the result reproducible even when it is reached.
STAGE_WORK_LIMIT = 30.0
# Called after each solved stage of the optimal method: (stages done, stages in all).
StageProgress = Callable[[int, int], None]


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
    def levels(self) -> tuple[tuple[int, bool, int], ...]:
        return levels_of(self.instance)

    @property
    def profile(self) -> tuple[int, ...]:
        """Students per level (round, not priority, position), in objective order."""
        return profile_of(self.instance, self.clubs_of())

    @property
    def objective(self) -> int:
        """The lexicographic objective as one exact integer (see the module doc)."""
        return lexicographic_value(self.profile, profile_bounds(self.instance))

    def clubs_of(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for a in self.assignments:
            out.setdefault(a.student_id, []).append(a.activity_id)
        return {s: tuple(v) for s, v in out.items()}


# ---------------------------------------------------------------- levels and objective


def levels_of(inst: ChoiceInstance) -> tuple[tuple[int, bool, int], ...]:
    """(round, not priority, position) of every level, in objective order."""
    longest = max((len(w.clubs) for w in inst.wishes), default=0)
    return tuple(
        (j, late, p)
        for j in range(1, inst.max_clubs + 1)
        for late in (False, True)
        for p in range(1, longest + 1)
    )


def profile_of(inst: ChoiceInstance, clubs: Mapping[str, Sequence[str]]) -> tuple[int, ...]:
    """Students per level: whose j-th club (best first) is their p-th choice."""
    counts = dict.fromkeys(levels_of(inst), 0)
    for w in inst.wishes:
        positions = sorted(w.position(a) for a in clubs.get(w.student_id, ()))
        for j, p in enumerate(positions, 1):
            counts[(j, not w.priority, p)] += 1
    return tuple(counts.values())


def profile_bounds(inst: ChoiceInstance) -> tuple[int, ...]:
    """The most each level of the profile can count: the students of its priority group."""
    group = {False: 0, True: 0}
    for w in inst.wishes:
        group[not w.priority] += 1
    return tuple(group[late] for _, late, _ in levels_of(inst))


def lexicographic_value(profile: Sequence[int], bounds: Sequence[int]) -> int:
    """Mixed radix: the profile as one integer that orders profiles lexicographically."""
    value = 0
    for count, bound in zip(profile, bounds, strict=True):
        value = value * (bound + 1) + count
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
    progress: StageProgress | None = None,
    relaxed: Allocation | None = None,
) -> Allocation:
    """Allocate the school's `choices` to clubs.

    `slots` maps a club to the slots of its sessions where the week is already known
    (`instance.slots_from_schedule`); other clubs may still take any of their allowed
    slots, and a set of them clashes only when it cannot fit at all. `seats` overrides a
    club's seats. `workers` > 1 lets CP-SAT use more cores, at the price of
    reproducibility among equally good allocations. `progress` hears of every solved
    stage of the optimal method (a big school takes a few seconds). `relaxed` (optimal
    method, with `slots`): the optimal allocation of the same school with its slots free,
    where the search starts (see `solve_optimal`); it never changes the result's value.
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
        picks, status = solve_optimal(inst, order, seed, workers, progress, relaxed)
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


def serial(
    inst: ChoiceInstance,
    order: Sequence[Wish],
    *,
    rounds: bool,
    held: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[Wish, str]]:
    """Serial dictatorship in `order`: each student takes their best club that still has
    a seat and fits the clubs they hold. `rounds`: one club per student per round (the
    lottery); else all of a student's clubs at their turn (first come, first served).
    `held`: places already given (they take seats; only the new picks are returned)."""
    left = dict(inst.seats)
    mine_of: dict[str, list[str]] = {w.student_id: [] for w in order}
    for sid, clubs in (held or {}).items():
        mine_of[sid] = list(clubs)
        for aid in clubs:
            left[aid] -= 1
    picks: list[tuple[Wish, str]] = []

    def take(w: Wish) -> bool:
        mine = mine_of[w.student_id]
        if len(mine) >= inst.max_clubs:
            return False
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
            while len(mine_of[w.student_id]) < inst.max_clubs and take(w):
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


@dataclass
class AllocationVars:
    """The allocation as CP-SAT variables in some model (`allocation_vars`): per eligible
    (student, club) edge the 0/1 expression "granted" and its round copies (round j's
    at index j - 1), and per level the variables it counts; `sizes[l]` is how many there
    are (the most level l can count)."""

    edges: list[tuple[Wish, str]]
    index_of: dict[tuple[str, str], int]
    granted: list[Any]
    copies: list[list[Any]]
    copy_levels: list[list[int]]
    terms: list[list[Any]]
    sizes: list[int]

    def of(self, student_id: str, activity_id: str) -> Any:
        return self.granted[self.index_of[(student_id, activity_id)]]

    def counts(self, clubs: Mapping[str, Sequence[str]]) -> list[int]:
        """Per level, what the allocation `clubs` (student -> clubs) counts there."""
        out = [0] * len(self.terms)
        for i, j in self._rounds(clubs).items():
            out[self.copy_levels[i][j]] += 1
        return out

    def hint(self, model: cp_model.CpModel, clubs: Mapping[str, Sequence[str]]) -> None:
        """The allocation `clubs` as the model's solution hint (replacing any)."""
        model.clear_hints()
        rounds = self._rounds(clubs)
        for i, ys in enumerate(self.copies):
            for j, y in enumerate(ys):
                model.add_hint(y, 1 if rounds.get(i) == j else 0)

    def _rounds(self, clubs: Mapping[str, Sequence[str]]) -> dict[int, int]:
        """edge -> its round (0-based): each student's clubs best first."""
        out: dict[int, int] = {}
        for sid, mine in clubs.items():
            idx = [self.index_of[(sid, aid)] for aid in mine]
            if idx:
                wish = self.edges[idx[0]][0]
                ordered = sorted(idx, key=lambda i: wish.position(self.edges[i][1]))
                out.update({i: j for j, i in enumerate(ordered)})
        return out

    def held(self, solver: cp_model.CpSolver) -> dict[str, list[str]]:
        """student -> clubs granted in the solver's answer."""
        out: dict[str, list[str]] = {}
        for i, (w, aid) in enumerate(self.edges):
            if solver.value(self.granted[i]) >= 1:
                out.setdefault(w.student_id, []).append(aid)
        return out


def allocation_vars(model: cp_model.CpModel, inst: ChoiceInstance) -> AllocationVars:
    """Add the allocation to `model`: copies per round, seats, at most one club per copy
    and each club once per student (see `solve_optimal`). Clash rules are the caller's:
    Hall's condition per student (`solve_optimal`) or slot by slot (`choices.exact`)."""
    levels = levels_of(inst)
    level_index = {level: i for i, level in enumerate(levels)}
    edges: list[tuple[Wish, str]] = [(w, aid) for w in inst.wishes for aid in inst.eligible(w)]
    index_of = {(w.student_id, aid): i for i, (w, aid) in enumerate(edges)}
    copies: list[list[tuple[int, object]]] = [[] for _ in edges]  # edge -> (level, y)
    terms: list[list] = [[] for _ in levels]
    sizes = [0] * len(levels)
    for w in inst.wishes:
        mine = [index_of[(w.student_id, aid)] for aid in inst.eligible(w)]
        rounds = min(inst.max_clubs, len(mine))
        for j in range(1, rounds + 1):
            round_vars = []
            for i in mine:
                level = level_index[(j, not w.priority, w.position(edges[i][1]))]
                y = model.new_bool_var("")
                copies[i].append((level, y))
                terms[level].append(y)
                round_vars.append(y)
                sizes[level] += 1
            if len(round_vars) > 1:
                model.add_at_most_one(round_vars)
    x = [
        ys[0][1] if len(ys) == 1 else sum(y for _, y in ys)  # club granted (0/1)
        for ys in copies
    ]
    for i, ys in enumerate(copies):
        if len(ys) > 1:
            model.add(x[i] <= 1)
    by_club: dict[str, list[int]] = {}
    for i, (_, aid) in enumerate(edges):
        by_club.setdefault(aid, []).append(i)
    for aid, idx in by_club.items():
        if len(idx) > inst.seats[aid]:
            model.add(sum(x[i] for i in idx) <= inst.seats[aid])
    ys_of = [[y for _, y in ys] for ys in copies]
    levels_of_copies = [[level for level, _ in ys] for ys in copies]
    return AllocationVars(edges, index_of, x, ys_of, levels_of_copies, terms, sizes)


@dataclass(frozen=True)
class Bound:
    """An optimal allocation of a relaxation of the model (its places free to break rules
    the model adds, such as known slots): stage by stage no allocation of the model beats
    its counts while the earlier stages are equal, nor then its tie-break."""

    profile: tuple[int, ...]
    clubs: Mapping[str, Sequence[str]]


def solve_stages(
    model: cp_model.CpModel,
    av: AllocationVars,
    draw: Sequence[Wish],
    solver: cp_model.CpSolver,
    progress: StageProgress | None = None,
    start: Mapping[str, Sequence[str]] | None = None,
    bound: Bound | None = None,
) -> tuple[list[int] | None, str]:
    """Maximise the lexicographic objective stage by stage (each solved stage's counts
    held by constraints), then the lottery tie-break. Returns the granted edges' indices
    (None if a stage ended without any solution) and "optimal" or "feasible".

    `start` (a feasible allocation) is the first solve's hint, and each solve's answer
    the next one's. With a `bound`, a stage where the current allocation already meets
    the bound (all earlier stages having met it too) is optimal as it is and needs no
    solve: holding the counts is enough."""
    x = av.granted
    status_all = "optimal"
    lottery_weight = {w.student_id: len(draw) - k for k, w in enumerate(draw)}

    def tie_break(clubs: Mapping[str, Sequence[str]]) -> int:
        return sum(lottery_weight[sid] * len(mine) for sid, mine in clubs.items())

    current = start
    matched = bound is not None and start is not None
    if start is not None:
        av.hint(model, start)
    stages: list[list[int] | None] = [*_stages(av.sizes), None]  # None: the tie-break
    for done, stage in enumerate(stages, 1):
        counts = av.counts(current) if current is not None else None
        if matched and counts is not None and bound is not None:
            if stage is None:
                matched = tie_break(current) == tie_break(bound.clubs)  # type: ignore[arg-type]
            else:
                matched = all(counts[level] == bound.profile[level] for level in stage)
        if not matched:
            if stage is None:
                objective = sum(
                    lottery_weight[av.edges[i][0].student_id] * x[i] for i in range(len(x))
                )
            else:
                weight, parts = 1, []
                for level in reversed(stage):
                    parts.append(weight * sum(av.terms[level]))
                    weight *= av.sizes[level] + 1
                objective = sum(parts)
            model.maximize(objective)
            status = solver.solve(model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None, "feasible"
            if status != cp_model.OPTIMAL:
                status_all = "feasible"
            current = av.held(solver)
            counts = av.counts(current)
            if start is not None:
                av.hint(model, current)
        for level in stage or ():
            model.add(sum(av.terms[level]) >= counts[level])  # type: ignore[index]
        if progress is not None:
            progress(done, len(stages))
    chosen = {av.index_of[(sid, aid)] for sid, mine in (current or {}).items() for aid in mine}
    return sorted(chosen), status_all


def solve_optimal(
    inst: ChoiceInstance,
    draw: Sequence[Wish],
    seed: int,
    workers: int = 1,
    progress: StageProgress | None = None,
    relaxed: Allocation | None = None,
) -> tuple[list[tuple[Wish, str]], str]:
    """The rank-maximal allocation in rounds (priority first), ties broken by the draw.

    A student who may hold k clubs is k copies, one per round: y[s, j, c] says club c is
    the student's round-j club, and counts at level (j, group, position of c). Labels
    need no ordering constraint: moving a student's better club to an earlier round, or
    a club of a later round into an empty earlier one, always raises the objective
    lexicographically, so every optimum is ordered. Each copy holds at most one club and
    a club goes to at most one copy, so with one club per student y is the plain
    assignment. No solution hints and no presolve: on these assignment models both cost
    more than they save (measured: 0.5 s instead of 2-3 s for 1,600 students).

    `relaxed`: the optimal allocation of a relaxation (the same school with its slots
    free: Hall's condition instead of known slots). Its places that still fit, topped up
    serially, are the start, and while the start meets its counts a stage needs no
    solve (`solve_stages`): the joint mode's second allocation, which differs from the
    first in a few students, then solves only the stages where they count."""
    model = cp_model.CpModel()
    av = allocation_vars(model, inst)
    if not av.edges:
        return [], "optimal"
    for w in inst.wishes:
        for clash in inst.clashing_sets(w):
            model.add(sum(av.of(w.student_id, aid) for aid in clash) <= len(clash) - 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed % (2**31)
    solver.parameters.max_deterministic_time = STAGE_WORK_LIMIT
    solver.parameters.cp_model_presolve = False
    start, bound = None, None
    if relaxed is not None:
        start = _start_from(inst, relaxed.clubs_of(), draw)
        if relaxed.status == "optimal":
            bound = Bound(relaxed.profile, relaxed.clubs_of())
    chosen, status = solve_stages(model, av, draw, solver, progress, start, bound)
    if chosen is None:
        # Only if the work limit ends a stage before any solution (the empty allocation
        # is always feasible): the lottery's allocation, never nothing.
        return serial(inst, draw, rounds=True), "feasible"
    return [av.edges[i] for i in chosen], status


def _start_from(
    inst: ChoiceInstance, clubs: Mapping[str, Sequence[str]], draw: Sequence[Wish]
) -> dict[str, list[str]]:
    """A feasible allocation near `clubs`: each student keeps, best first, the clubs that
    are still eligible, have a seat and fit the ones kept; then the lottery's rounds in
    `draw` order fill what is left."""
    left = dict(inst.seats)
    held: dict[str, list[str]] = {}
    for w in inst.wishes:
        mine: list[str] = []
        for aid in sorted(clubs.get(w.student_id, ()), key=w.position):
            if aid in inst.eligible(w) and left[aid] > 0 and inst.fits(w, [*mine, aid]):
                mine.append(aid)
                left[aid] -= 1
        held[w.student_id] = mine
    out: dict[str, list[str]] = {sid: list(mine) for sid, mine in held.items()}
    for w, aid in serial(inst, draw, rounds=True, held=held):
        out.setdefault(w.student_id, [])
        if aid not in out[w.student_id]:
            out[w.student_id].append(aid)
    return {sid: mine for sid, mine in out.items() if mine}
