"""Club slots and club places chosen together, then the week staffed (issue 14, point 3).

Allocating first with Hall's condition per student (choices/allocate.py) gives the best
places any week could hold, `upper`: an upper bound, since every student's clubs must fit
some placement. But the scheduler must then keep every student's clubs apart at once, and
a club that two grades want cannot sit where either grade has whole-class study, so that
allocation may have no week. The joint mode:

1. `upper`: the optimal allocation with Hall's condition (slots still free).
2. Placement (`place`): every activity at slots that obey the placement rules and the
   scheduler's counting conditions of staffing and rooms (`scheduler.placement`), and that
   lose as few of `upper`'s places as possible: two activities of one student of `upper`
   at one slot cost the place the student would lose, weighted by rank (`loss_weights`).
3. The optimal allocation with those slots known (exact: a student's clubs, class
   activities and other enrolments never share a slot). When `upper` already fits the
   placement it is that allocation, and optimal for every week (it meets the bound);
   otherwise steps 2-3 are tried again with reweighted pairs (`allocate_joint`).
4. The week: the school with the allocated enrolments and every activity locked to its
   placed slots, through `scheduler.service.schedule_school`; the week is then checked
   against the school without those locks (a week valid with extra locks is valid without
   them). Fallbacks, each checked: the same enrolments without the locks (the scheduler
   places the clubs itself), then the week first (`week_first`: the school scheduled with
   each club at its full seats and no students, and the places allocated into that week
   exactly, so the week holds them by construction). A week that fails the checker is
   never returned.

Every step is deterministic for a seed when the scheduler runs on one worker: the
placement is solved on one CP-SAT worker with a deterministic work limit.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from ortools.sat.python import cp_model

from choices.allocate import Allocation, StageProgress, allocate, apply_allocation
from choices.instance import ChoiceInstance, slots_from_schedule
from domain.school import Lock, School
from scheduler.check import check, rows_of
from scheduler.clock import Deadline
from scheduler.instance import Instance
from scheduler.model import Built
from scheduler.placement import adjacent_pairs, placement_rules
from scheduler.service import Outcome, schedule_school
from scheduler.solve import Report, SolveOptions, inputs_hash
from scheduler.warmstart import place_clubs
from scheduler.weights import Weights

Slots = dict[str, tuple[str, ...]]  # activity -> its slots in time order
# Heard between the steps: (step done, steps in all).
StepProgress = Callable[[int, int], None]
PATHS = ("locked", "free", "week_first", "none")
STEPS = 4  # upper, placement, allocation, week
# The placement's work limit (CP-SAT's deterministic units, about seconds on one core) and
# its share of the time left: deterministic, so a seed gives the same placement.
PLACE_WORK = 4.0
PLACE_SHARE = 0.3
LOCKED_SHARE = 0.6  # of the time left, for the week with the placement locked
# Placements tried when the allocation falls short of the bound: at most ROUNDS, and
# about ROUND_PAIRS student-club pairs allocated in all (the benchmark's 2,000 students
# have 5,700 pairs: one round, 2-3 s). Pairs that shared a slot weigh REWEIGHT times more
# in the next round; a lost place of `upper` weighs WISH_RATIO times a wish's rank weight.
ROUNDS = 8
OBJECTIVE_LIMIT = 2**60
ROUND_PAIRS = 8_000
REWEIGHT = 4
WISH_RATIO = 64
FREE_SHARE = 0.6  # of the time left then, for the week without the locks
# Tiers of a lost place: (round, priority) -> a power of TIER. The last round a student
# holds a club in is the one a loss empties; priority students before the others.
TIER = 64
MAX_TIERS = 6


@dataclass(frozen=True)
class Placement:
    """Where every activity goes, and how many of `upper`'s places it costs (weighted)."""

    slots: Slots
    penalty: int
    status: str  # "optimal" or "feasible" (the work limit ended the search)


@dataclass(frozen=True)
class JointResult:
    """The joint mode's allocation and week. `allocation` respects `slots` exactly (the
    week's slots of every activity, basic care left out); `upper` is the allocation with
    slots free, an upper bound on the objective (equal when `allocation.objective ==
    upper.objective`). `path`: how the week was found (PATHS); `outcome` is the
    scheduler's, for the school with the allocated enrolments (`outcome.school`), checked.
    """

    allocation: Allocation
    upper: Allocation
    slots: Slots
    path: str
    outcome: Outcome
    placement: Placement | None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def checked(self) -> bool:
        return self.outcome.checked

    @property
    def at_bound(self) -> bool:
        """The allocation is the best any week could hold (it meets the upper bound)."""
        return self.allocation.objective == self.upper.objective


# ---------------------------------------------------------------- schools derived


def chosen_removed(school: School, sizes: Mapping[str, int]) -> School:
    """The school before the sign-up: no enrolments of the chosen clubs, each chosen club
    sized `sizes[club]` (its room need) where given."""
    chosen = set(sizes)
    kept = tuple(e for e in school.enrolments if e.activity_id not in chosen)
    acts = tuple(
        replace(a, enrolled=sizes[a.activity_id]) if a.activity_id in sizes else a
        for a in school.activities
    )
    return replace(school, activities=acts, enrolments=kept)


def seat_sized(school: School, inst: ChoiceInstance | None = None) -> School:
    """Every chosen club at its full seats, without students: any allocation of these
    seats fits the rooms of a week made for it."""
    inst = inst or ChoiceInstance(school)
    return chosen_removed(school, inst.seats)


def count_sized(school: School, allocation: Allocation) -> School:
    """Every chosen club sized by `allocation`'s places (a club nobody got keeps its
    planned size, as `apply_allocation` does), without students."""
    counts: dict[str, int] = {}
    for a in allocation.assignments:
        counts[a.activity_id] = counts.get(a.activity_id, 0) + 1
    return chosen_removed(school, counts)


def with_slot_locks(school: School, slots: Mapping[str, Sequence[str]]) -> School:
    """The school with every session of the activities in `slots` locked to its slot (the
    k-th session to the k-th slot in time order)."""
    extra = tuple(
        Lock(aid, k, s)
        for aid in sorted(slots)
        for k, s in enumerate(school.sorted_slot_ids(list(slots[aid])), 1)
    )
    return replace(school, locks=school.locks + extra)


# ---------------------------------------------------------------- what a clash costs


def loss_weights(upper: Allocation) -> dict[tuple[str, str], int]:
    """(activity, activity) -> the weighted places of `upper` lost per slot the two share.

    For each student of `upper`: two of their clubs at one slot lose the worse one; a club
    at a slot of their class's whole-class activity or of an activity they are already
    enrolled in loses the club. A lost place weighs TIER ** tier times its rank weight
    (the 1st choice of a student with L choices weighs L, the last 1): the tier orders
    (round, priority) as the objective does, the round being the last one the student
    holds a club in (the one a loss empties). A weighted sum, not the lexicographic order
    itself: the allocation with the slots known (step 3) is exact again."""
    inst = upper.instance
    longest = max((len(w.clubs) for w in inst.wishes), default=0)
    rounds = min(inst.max_clubs, MAX_TIERS // 2)
    tiers = 2 * rounds
    held = upper.clubs_of()
    out: dict[tuple[str, str], int] = defaultdict(int)
    for w in inst.wishes:
        mine = sorted(held.get(w.student_id, ()), key=w.position)
        if not mine:
            continue
        tier = 2 * (min(len(mine), rounds) - 1) + (0 if w.priority else 1)
        scale = TIER ** (tiers - 1 - tier)
        fixed = (*inst.class_activities.get(w.group_id, ()), *inst.committed.get(w.student_id, ()))
        for c in mine:
            lost = scale * (longest + 1 - w.position(c))
            for f in fixed:
                out[_pair(c, f)] += lost
        for better, worse in combinations(mine, 2):
            out[_pair(better, worse)] += scale * (longest + 1 - w.position(worse))
    return dict(out)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def fits_week(upper: Allocation, slots: Mapping[str, Sequence[str]]) -> bool:
    """Whether every student of `upper` has their clubs, class activities and other
    enrolments at distinct slots of `slots` (activities missing from it: no slot)."""
    inst = upper.instance
    for w in inst.wishes:
        mine = upper.clubs_of().get(w.student_id, ())
        acts = [
            *mine,
            *inst.class_activities.get(w.group_id, ()),
            *inst.committed.get(w.student_id, ()),
        ]
        used = [s for a in acts for s in slots.get(a, ())]
        if len(used) != len(set(used)):
            return False
    return True


# ---------------------------------------------------------------- the placement


def place(
    school: School,
    weights: Mapping[tuple[str, str], int],
    hint: Slots | None = None,
    seed: int = 0,
    deadline: Deadline | None = None,
) -> Placement | None:
    """Every activity of `school` placed at allowed slots that obey the placement rules
    and the scheduler's necessary conditions of staffing and rooms (the constraints of
    `scheduler.placement.place_exactly`, whose helpers it calls), at the least weighted
    cost of `weights` (pairs of activities sharing a slot), then the fewest sessions of
    one club on consecutive days. `school` holds the enrolments that are hard (students
    outside the sign-up) and the room need of every club. None: no placement in time."""
    inst = Instance(school)
    rules = placement_rules(Built(cp_model.CpModel(), inst, Weights()))  # reads `inst` only
    m, y, by_activity = rules.model, rules.y, rules.by_activity
    losses = _losses(m, y, weights, by_activity)
    adjacent = adjacent_pairs(rules, inst)
    scale = len(adjacent) + 1  # one lost place of the lowest tier outweighs every adjacent pair
    losses = _within_int64(losses, scale)
    lost = cp_model.LinearExpr.WeightedSum([v for _w, v in losses], [w for w, _v in losses])
    m.Minimize(scale * lost + sum(adjacent))
    for (aid, s), var in y.items():
        m.AddHint(var, 1 if hint and s in hint.get(aid, ()) else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed % (2**31)
    solver.parameters.max_deterministic_time = PLACE_WORK
    if deadline is not None:
        solver.parameters.max_time_in_seconds = max(0.1, deadline.left())
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    slots = {
        a.activity_id: tuple(
            s for s in inst.slots if (a.activity_id, s) in y and solver.Value(y[a.activity_id, s])
        )
        for a in inst.activities
    }
    penalty = sum(w * int(solver.Value(v)) for w, v in losses)
    return Placement(slots, penalty, "optimal" if status == cp_model.OPTIMAL else "feasible")


def _losses(
    m, y, weights: Mapping[tuple[str, str], int], by_activity
) -> list[tuple[int, cp_model.IntVar]]:
    """(weight, [both at slot s]) for every weighted pair and common slot."""
    terms = []
    for (a, b), w in sorted(weights.items()):
        for s in sorted(set(by_activity.get(a, ())) & set(by_activity.get(b, ()))):
            both = m.NewBoolVar("")
            m.Add(both >= y[a, s] + y[b, s] - 1)
            terms.append((w, both))
    return terms


def _within_int64(
    losses: list[tuple[int, cp_model.IntVar]], scale: int
) -> list[tuple[int, cp_model.IntVar]]:
    """The weights divided down (never below 1) so the objective stays far below 2**63,
    where CP-SAT's checks reject it (reweighted rounds multiply the weights)."""
    total = scale * sum(w for w, _v in losses)
    if total <= OBJECTIVE_LIMIT:
        return losses
    shrink = -(-total // OBJECTIVE_LIMIT)
    return [(max(1, w // shrink), v) for w, v in losses]


def greedy_slots(school: School) -> Slots:
    """The scheduler's greedy placement of `school` (students kept apart as hard rules):
    the placement's starting point."""
    inst = Instance(school)
    held = place_clubs(Built(cp_model.CpModel(), inst, Weights())).held
    return {aid: tuple(slots) for aid, slots in held.items()}


# ---------------------------------------------------------------- the allocation


@dataclass(frozen=True)
class JointAllocation:
    """Steps 1-3: the allocation with its slots known, the bound, the placement it keeps
    to (None: none was found) and how many placements were tried."""

    allocation: Allocation
    upper: Allocation
    placement: Placement | None
    rounds: int
    seconds: dict[str, float]


def rounds_for(inst: ChoiceInstance) -> int:
    """Placements to try: ROUNDS on small schools, fewer on big ones (each costs an
    allocation; about ROUND_PAIRS student-club pairs allocated in all), at least one."""
    pairs = sum(len(inst.eligible(w)) for w in inst.wishes)
    return max(1, min(ROUNDS, ROUND_PAIRS // max(1, pairs)))


def allocate_joint(
    school: School,
    seed: int = 0,
    deadline: Deadline | None = None,
    stages: StageProgress | None = None,
    steps: StepProgress | None = None,
) -> JointAllocation:
    """Steps 1-3: `upper`, the placement, the allocation with its slots known. Without a
    placement in time the allocation is `upper` itself and `placement` None (the week is
    then found by the fallbacks of `schedule_joint`).

    When the allocation falls short of `upper`, the placement is tried again (up to
    `rounds_for` times, within PLACE_SHARE of the time left): the pairs that shared a
    slot weigh REWEIGHT times more, and every pair of clubs a student wants (or a club
    and the student's fixed activities) weighs a little (`wish_weights`), so the next
    placement looks for room elsewhere. The best allocation found is kept; the first
    placement is the one that meets the bound whenever `upper` has a week. On the small
    schools of the benchmark this closed most gaps to the exact optimum (see
    docs/choices.md)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    upper = allocate(school, method="optimal", seed=seed, progress=stages)
    seconds["upper"] = time.perf_counter() - started
    _heard(steps, 1)
    started = time.perf_counter()
    sized = count_sized(school, upper)
    hint = greedy_slots(apply_allocation(sized, upper))
    losses, wishes = loss_weights(upper), wish_weights(upper.instance)
    limit = None if deadline is None else deadline.share(PLACE_SHARE)
    best: tuple[Allocation, Placement] | None = None
    tried: list[Slots] = []
    for _ in range(rounds_for(upper.instance)):
        weights = losses if not tried else _combined(losses, wishes)
        placement = place(sized, weights, hint, seed, limit)
        if placement is None or placement.slots in tried:
            break
        tried.append(placement.slots)
        allocation = _allocated(school, upper, placement.slots, seed, stages)
        if best is None or allocation.objective > best[0].objective:
            best = (allocation, placement)
        if best[0].objective == upper.objective or _short(deadline, limit):
            break
        losses = reweighted(losses, placement.slots)
        hint = placement.slots
    seconds["placement"] = time.perf_counter() - started  # placements and allocations
    _heard(steps, 2)
    _heard(steps, 3)
    if best is None:
        return JointAllocation(upper, upper, None, len(tried), seconds)
    return JointAllocation(best[0], upper, best[1], len(tried), seconds)


def _allocated(
    school: School, upper: Allocation, slots: Slots, seed: int, stages: StageProgress | None
) -> Allocation:
    """The optimal allocation with `slots` known, from `upper` (which it is, when every
    student of `upper` fits those slots: it meets the bound)."""
    if fits_week(upper, slots):
        return _with_slots(upper, school, slots)
    return allocate(school, slots=slots, seed=seed, progress=stages, relaxed=upper)


def _short(deadline: Deadline | None, limit: Deadline | None) -> bool:
    """The placements' share of the time is used up (the week needs the rest)."""
    return deadline is not None and limit is not None and limit.passed()


def reweighted(weights: Mapping[tuple[str, str], int], slots: Slots) -> dict[tuple[str, str], int]:
    """`weights` with every pair that shares a slot in `slots` REWEIGHT times heavier."""
    return {
        (a, b): w * (REWEIGHT if set(slots.get(a, ())) & set(slots.get(b, ())) else 1)
        for (a, b), w in weights.items()
    }


def wish_weights(inst: ChoiceInstance) -> dict[tuple[str, str], int]:
    """Every pair a student would lose a wish to if it shared a slot: two eligible clubs
    (when K > 1), or an eligible club and one of the student's fixed activities, weighted
    by the rank of the worse club (the last choice 1)."""
    longest = max((len(w.clubs) for w in inst.wishes), default=0)
    out: dict[tuple[str, str], int] = defaultdict(int)
    for w in inst.wishes:
        mine = inst.eligible(w)
        fixed = (*inst.class_activities.get(w.group_id, ()), *inst.committed.get(w.student_id, ()))
        for c in mine:
            for f in fixed:
                out[_pair(c, f)] += longest + 1 - w.position(c)
        if inst.max_clubs > 1:
            for a, b in combinations(mine, 2):
                out[_pair(a, b)] += longest + 1 - max(w.position(a), w.position(b))
    return dict(out)


def _combined(
    losses: Mapping[tuple[str, str], int], wishes: Mapping[tuple[str, str], int]
) -> dict[tuple[str, str], int]:
    """The places of `upper` first (WISH_RATIO times the wishes' weights), then wishes."""
    keys = sorted(set(losses) | set(wishes))
    return {k: WISH_RATIO * losses.get(k, 0) + wishes.get(k, 0) for k in keys}


def _with_slots(allocation: Allocation, school: School, slots: Mapping) -> Allocation:
    """The same places, its instance knowing the slots (so its clash rules are exact)."""
    return replace(allocation, instance=ChoiceInstance(school, slots))


def _heard(steps: StepProgress | None, done: int) -> None:
    if steps is not None:
        steps(done, STEPS)


# ---------------------------------------------------------------- the week


def schedule_joint(
    school: School,
    allocation: Allocation,
    slots: Slots | None,
    options: SolveOptions,
    seed: int = 0,
) -> tuple[Allocation, Outcome, str]:
    """Step 4: the week of the school with `allocation`'s places, starting from `slots`
    (None: no placement). Returns the allocation (changed only by the week-first
    fallback), the scheduler's outcome for the school with those places (checked, or
    without a schedule) and the path (PATHS)."""
    deadline = options.deadline_from_now()
    enrolled = apply_allocation(school, allocation)
    if slots is not None:
        locked = with_slot_locks(enrolled, slots)
        by = deadline.share(LOCKED_SHARE)
        first = schedule_school(locked, replace(options, deadline=by), explain_failure=False)
        outcome = _unlocked(first, enrolled, options.weights)
        if outcome is not None:
            return allocation, outcome, "locked"
    by = deadline.share(FREE_SHARE)
    free = schedule_school(enrolled, replace(options, deadline=by), explain_failure=False)
    if free.checked:
        return allocation, free, "free"
    return week_first(school, allocation, replace(options, deadline=deadline), seed, free)


def _unlocked(outcome: Outcome, school: School, weights: Weights) -> Outcome | None:
    """A checked week of the locked school as the outcome of `school` (without the extra
    locks), checked again against it; None if there is none."""
    if not outcome.checked:
        return None
    assert outcome.schedule is not None
    violations = check(school, rows_of(outcome.schedule), outcome.excused)
    if violations:
        return None
    return Outcome(school, outcome.schedule, unproven(outcome.report), inputs_hash(school, weights))


def unproven(report: Report) -> Report:
    """The report of a week found for another school (the locked or the seat-sized one):
    its bound says nothing about this school's weeks, so "optimal" becomes "feasible"."""
    if report.status != "optimal":
        return report
    return replace(report, status="feasible", bound=None, gap=None)


def week_first(
    school: School, allocation: Allocation, options: SolveOptions, seed: int, failed: Outcome
) -> tuple[Allocation, Outcome, str]:
    """The fallback: the week of the school with every chosen club at its full seats and
    no students, then the places allocated into it with its slots known. `failed` is
    returned when that week does not exist either (its reasons name the school's)."""
    week = schedule_school(seat_sized(school, allocation.instance), options)
    if not week.checked:
        return allocation, week if week.reasons else failed, "none"
    assert week.schedule is not None
    slots = slots_from_schedule(week.schedule)
    placed = allocate(school, slots=slots, seed=seed)
    enrolled = apply_allocation(school, placed)
    violations = check(enrolled, rows_of(week.schedule), week.excused)
    if violations:  # cannot happen by construction; never return an unchecked week
        return allocation, Outcome(enrolled, None, week.report, week.inputs_hash), "none"
    outcome = Outcome(
        enrolled, week.schedule, unproven(week.report), inputs_hash(enrolled, options.weights)
    )
    return placed, outcome, "week_first"


# ---------------------------------------------------------------- the whole mode


def joint(
    school: School,
    options: SolveOptions,
    seed: int = 0,
    stages: StageProgress | None = None,
    steps: StepProgress | None = None,
) -> JointResult:
    """Slots and places together, then the week (the module doc); ends by `options`'
    deadline (the allocations' deterministic work limits aside)."""
    deadline = options.deadline_from_now()
    found = allocate_joint(school, seed, deadline, stages, steps)
    started = time.perf_counter()
    slots = found.placement.slots if found.placement is not None else None
    allocation, outcome, path = schedule_joint(
        school, found.allocation, slots, replace(options, deadline=deadline), seed
    )
    seconds = {**found.seconds, "week": time.perf_counter() - started}
    _heard(steps, STEPS)
    week = slots_from_schedule(outcome.schedule) if outcome.schedule is not None else {}
    if outcome.schedule is not None:
        allocation = _with_slots(allocation, school, week)
    return JointResult(allocation, found.upper, week, path, outcome, found.placement, seconds)
