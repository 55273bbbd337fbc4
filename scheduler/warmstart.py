"""A good starting week, given to CP-SAT as a hint so that its search starts near the optimum.

Three steps, each deterministic:

1. Place the clubs (`place_clubs`): the clubs with the fewest options first, each session on
   a new day, away from the club's other days (the `adjacent_days` term), at the slot with
   the least staffing pressure where a room is still free (rooms are claimed best fit, so the
   placement satisfies the room rule), avoiding class and student clashes.
2. Staff every session at once (`staff_sessions`) with a min-cost flow: sessions -> teacher
   at a slot (one session per slot) -> teacher on a day (`max_per_day`) -> teacher
   (`max_per_week`), the last arcs priced by each extra session's distance from the
   teacher's fair share, homeroom teachers' own classes made cheaper and external
   instructors dearer. This is the fairness objective counted in sessions of average length.
3. Polish (`scheduler.polish`): a local search on the exact objective in minutes.

Finally interchangeable teachers' weeks are relabelled so that their loads are in the order
the model's symmetry cut demands. On ordinary schools the hint is then a complete valid
schedule; where it is not (locks the greedy placement cannot honour), CP-SAT repairs it. A
hint never changes which schedules are valid, only where the search starts.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from domain.school import Activity
from scheduler.clock import Deadline
from scheduler.model import Built, fair_shares, fairness_set, interchangeable, set_hint
from scheduler.placement import basic_rooms, club_rooms, place_exactly, rooms_of
from scheduler.polish import polish

BASIC = ""  # the activity key of basic duty in a (activity, slot) session key
SCALE = 10  # min-cost flow costs are integers: tenths of a minute
PINNED = -(10**7)  # cost of an assignment a fixed teacher or a lock demands
POLISH_SHARE = 0.5  # of the time left once a valid week is in hand
COMPLETE_SHARE = 0.5  # of the time left, for completing a hinted week
REPLACE_SECONDS = 2.0  # at most (a tenth of the time left), for placing a valid week again


@dataclass
class Week:
    """Where clubs are held and who does what: (activity or BASIC, slot) -> teachers."""

    held: dict[str, list[str]] = field(default_factory=dict)
    staff: dict[tuple[str, str], list[str]] = field(default_factory=dict)


@dataclass
class Start:
    """Where the search starts: a hint, and the solved week when the hint is a valid one.

    `solution` is the one-worker CP-SAT solve that completed the hint (every variable's
    value, read with `solution.Value`): a schedule that obeys every rule, so the solve has
    an answer from this moment on, whatever the search then does with its time.
    `found_at` is when the first valid week was in hand (`time.perf_counter()`): the local
    search only improves it afterwards."""

    hint: dict[cp_model.IntVar, int]
    solution: cp_model.CpSolver | None = None
    found_at: float | None = None


def warm_start(built: Built, effort: int = 1, deadline: Deadline | None = None) -> Start:
    """The starting week for `built`; the local search stops early at `deadline`.
    `effort` 0 skips the local search.

    First a valid week, as fast as possible: the greedy placement staffed by the min-cost
    flow; when that week breaks a rule (the placement got stuck with sessions left over, or
    missed a lock), the exact placement model (`scheduler/placement.py`) places every club
    and the week is staffed again. Only a valid week is then polished by the local search:
    polishing a week that breaks a rule is wasted time (a high school's locked week: 40 s
    of local search before the exact placement was even tried)."""
    placement = place_clubs(built)
    start, week = _flow_week(built, placement, deadline)
    if start.solution is None and not (deadline is not None and deadline.passed()):
        exact = place_exactly(built, placement.held, deadline)
        rooms = rooms_of(built, exact) if exact is not None else None
        if exact is not None and rooms is not None:
            placement = Placement.of(built, exact, rooms)
            second, week = _flow_week(built, placement, deadline)
            start = second if second.solution is not None else start
    if start.solution is None or effort <= 0:
        return start
    start, placement, week = _replaced(built, placement, week, start, deadline)
    return _polished(built, placement, week, start, effort, deadline)


def _replaced(built: Built, placement: Placement, week: Week, start: Start, deadline):
    """The valid week's clubs placed again by the exact placement, optimising consecutive
    days for a moment (`REPLACE_SECONDS`), and staffed again; the better of the two weeks.
    The greedy and the first exact placement leave such pairs where a day was tight, and
    the local search, which moves one-teacher clubs only, does not win them back (a junior
    school's start: 5,174 -> 5,065)."""
    seconds = REPLACE_SECONDS if deadline is None else min(REPLACE_SECONDS, deadline.left() * 0.1)
    if seconds < 0.2 or not any(placement.adjacent(aid, slots) for aid, slots in week.held.items()):
        return start, placement, week
    held = place_exactly(built, week.held, deadline, optimise=seconds)
    rooms = rooms_of(built, held) if held is not None else None
    if held is None or rooms is None or held == week.held:
        return start, placement, week
    again = Placement.of(built, held, rooms)
    second, week2 = _flow_week(built, again, deadline)
    if (
        second.solution is None
        or second.solution.ObjectiveValue() >= start.solution.ObjectiveValue()
    ):
        return start, placement, week
    return Start(second.hint, second.solution, start.found_at), again, week2


def _flow_week(built: Built, placement: Placement, deadline: Deadline | None):
    """The placement staffed by the min-cost flow, completed: (Start, the week)."""
    week = Week(held=placement.held, staff=staff_sessions(built, placement.held))
    if built.partial:
        _drop_short_clubs(built, placement, week)
    hint = to_hint(built, _twins_ordered(built, week))
    if not (built.partial or _whole(built, week)):
        return Start(hint), week  # sessions left out or short of teachers: not a week yet
    solution = complete(built, hint, deadline)
    if solution is None:
        return Start(hint), week
    return Start(solution_values(built, solution), solution, time.perf_counter()), week


def _drop_short_clubs(built: Built, placement: Placement, week: Week) -> None:
    """Partial plans: a club session the flow could not fully staff is not held (it goes
    to the unstaffed list), so the week stays a valid partial plan; basic care short of
    teachers is counted by the model's own shortage variables. (`week.held` is
    `placement.held`: the placement gives the room back.)"""
    for a in built.inst.activities:
        aid = a.activity_id
        for s in list(placement.held.get(aid, [])):
            if len(week.staff.get((aid, s), ())) < a.staff:
                placement.remove(aid, s)
                week.staff.pop((aid, s), None)


def _whole(built: Built, week: Week) -> bool:
    """Every session placed and every job fully staffed (the other rules are left to
    `complete`, which knows them all)."""
    inst = built.inst
    for a in inst.activities:
        slots = week.held.get(a.activity_id, [])
        if len(slots) != a.sessions_per_week:
            return False
        if any(len(week.staff.get((a.activity_id, s), ())) != a.staff for s in slots):
            return False
    return all(
        len(week.staff.get((BASIC, s), ())) == inst.basic_demand(s) for s in inst.basic_slots
    )


def _polished(
    built: Built,
    placement: Placement,
    week: Week,
    start: Start,
    effort: int,
    deadline: Deadline | None,
) -> Start:
    """The valid `week` improved by the local search, or `start` itself when the polished
    week is no better or fails the rules: the local search may only improve a valid week."""
    pinned = pinned_pairs(built, week.held)
    # The local search may use at most a share of the time left: the search needs the rest.
    polish_by = None if deadline is None else deadline.share(POLISH_SHARE)
    polish(built, week.staff, pinned, placement, passes=8 * effort, deadline=polish_by)
    hint = to_hint(built, _twins_ordered(built, week))
    solution = complete(built, hint, deadline)
    if solution is None or solution.ObjectiveValue() >= start.solution.ObjectiveValue():
        return start
    return Start(solution_values(built, solution), solution, start.found_at)


def _twins_ordered(built: Built, week: Week) -> Week:
    """A copy of `week` with interchangeable teachers relabelled (`order_twins`)."""
    staff = {key: list(ts) for key, ts in week.staff.items()}
    order_twins(built, staff)
    return Week({aid: list(slots) for aid, slots in week.held.items()}, staff)


def greedy_hint(built: Built, effort: int = 1) -> dict[cp_model.IntVar, int]:
    """The hint for `built`: a value for every variable when the week is valid (see
    `complete`), else for every x, v and z variable."""
    return warm_start(built, effort).hint


def complete(
    built: Built, hint: dict[cp_model.IntVar, int], deadline: Deadline | None = None
) -> cp_model.CpSolver | None:
    """The hinted week with every variable filled in, or None if the week breaks a rule.

    A hint of the decisions alone leaves CP-SAT to fill in the helper variables (loads'
    maximum and minimum, deviations, days worked, ...) by search, and it does so far from
    their best values: the XL school's hint of 19,120 became a first solution of 19,220.
    With the decisions fixed everything else follows by propagation, so this one-worker
    solve takes a fraction of a second even on the largest benchmark school.
    """
    model = built.model.Clone()  # same variable indices: the answer reads `built`'s vars
    set_hint(model, hint)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_probing_level = 0
    # At most half the time left (propagation alone: it needs a fraction of a second on
    # the largest schools), so that the steps after it keep their share.
    limit = 10.0 if deadline is None else deadline.left() * COMPLETE_SHARE
    solver.parameters.max_time_in_seconds = max(0.1, limit)
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def solution_values(built: Built, solver: cp_model.CpSolver) -> dict[cp_model.IntVar, int]:
    """Every variable of `built` at its value in a solver's answer (a complete hint)."""
    return dict(zip(built.variables(), solver.ResponseProto().solution, strict=True))


# --- 1. Club placement --------------------------------------------------------------------


class Placement:
    """Where each club session is held and in which room, kept valid under single moves.

    Rooms are claimed best fit (smallest room that fits first), so the claims themselves are
    a valid room assignment and the model's counted room rule holds.
    """

    def __init__(self, built: Built) -> None:
        inst = self.inst = built.inst
        self.held: dict[str, list[str]] = {a.activity_id: [] for a in inst.activities}
        self.room: dict[tuple[str, str], str] = {}
        self.taken: dict[str, set[str]] = {s: set() for s in inst.slots}
        self.conflicts = _conflicts(built)
        self.basic_at = {(b.group_id, b.slot_id) for b in inst.basic_sessions}
        self.rooms = {a.activity_id: club_rooms(built, a) for a in inst.activities}
        self.locked = {a.activity_id for a in inst.activities if inst.locks_for(a.activity_id)}
        for bs in inst.basic_sessions:  # basic care is fixed in time: claim its rooms first
            locked = [
                lk.room_id
                for lk in inst.basic_locks().get((bs.group_id, bs.slot_id), [])
                if lk.room_id
            ]
            room = bs.home_room or (locked[0] if locked else None)
            if room is None:
                room = _free_room(inst.rooms_for(inst.basic_room_need(bs)), self.taken[bs.slot_id])
            if room is not None:
                self.taken[bs.slot_id].add(room)

    @classmethod
    def of(cls, built: Built, held: dict[str, list[str]], rooms: dict) -> Placement:
        """The placement `held`, with the rooms of `placement.rooms_of` (clubs and basic
        care alike) as the rooms taken."""
        placement = cls(built)
        placement.taken = {s: basic_rooms(built, s) for s in placement.inst.slots}
        for (_key, s), room in rooms.items():
            placement.taken[s].add(room)
        for aid, slots in held.items():
            placement.held[aid] = list(slots)
            for s in slots:
                placement.room[aid, s] = rooms[aid, s]
        return placement

    def fits(self, aid: str, s: str, moving: str | None = None) -> str | None:
        """The room `aid` would get at slot s (its session at `moving` set aside), or None
        if a rule forbids it there: a day already used, a class or student clash, no room."""
        inst = self.inst
        day = inst.day(s)
        if any(inst.day(h) == day for h in self.held[aid] if h != moving):
            return None
        a = inst.school.activity_by_id[aid]
        if any((g, s) in self.basic_at for g in a.groups):
            return None
        if any(s in self.held[other] for other in self.conflicts.get(aid, ())):
            return None
        return _free_room(self.rooms[aid], self.taken[s])

    def add(self, aid: str, s: str) -> None:
        room = self.fits(aid, s)
        assert room is not None
        self.held[aid] = sorted([*self.held[aid], s], key=self.inst.slots.index)
        self.room[aid, s] = room
        self.taken[s].add(room)

    def remove(self, aid: str, s: str) -> None:
        self.held[aid].remove(s)
        self.taken[s].discard(self.room.pop((aid, s)))

    def adjacent(self, aid: str, slots: list[str]) -> int:
        days = sorted(self.inst.day(s) for s in slots)
        return sum(1 for d1, d2 in pairwise(days) if d2 - d1 == 1)

    def adjacent_change(self, aid: str, s: str, s2: str) -> int:
        before = self.held[aid]
        after = [s2 if h == s else h for h in before]
        return self.adjacent(aid, after) - self.adjacent(aid, before)


def place_clubs(built: Built) -> Placement:
    inst = built.inst
    placement = Placement(built)
    demand = Counter({s: inst.basic_demand(s) for s in inst.slots})
    supply = {s: sum(1 for t in inst.teachers if s not in t.unavailable) for s in inst.slots}
    day_demand: Counter = Counter()
    for s in inst.slots:
        day_demand[inst.day(s)] += demand[s]
    day_supply: Counter = Counter()
    for t in inst.teachers:
        for d in inst.days:
            n = sum(1 for s in inst.slots if inst.day(s) == d and s not in t.unavailable)
            day_supply[d] += min(n, t.max_per_day)
    skill_use: Counter = Counter()  # (activity's qualified set, slot) -> staff placed
    order = sorted(
        inst.activities,
        key=lambda a: (len(inst.qualified(a)) * len(inst.allowed(a)), a.activity_id),
    )

    def claim(a: Activity, s: str, key: frozenset) -> None:
        placement.add(a.activity_id, s)
        demand[s] += a.staff
        day_demand[inst.day(s)] += a.staff
        skill_use[key, s] += a.staff

    def skill_key(a: Activity) -> frozenset:
        return frozenset(t.teacher_id for t in inst.qualified(a))

    # Locked slots first, every club's: a lock is not a preference, and a club placed
    # earlier must not take the slot a later club is locked to.
    for a in order:
        allowed = set(inst.allowed(a))  # a lock outside them cannot hold: left to the model
        for s in sorted(_locked_slots(built, a) & allowed, key=inst.slots.index):
            room = len(placement.held[a.activity_id]) < a.sessions_per_week
            if room and placement.fits(a.activity_id, s) is not None:
                claim(a, s, skill_key(a))
    for a in order:
        aid = a.activity_id
        qualified = inst.qualified(a)
        key = skill_key(a)
        locked = _locked_slots(built, a)
        for _ in range(a.sessions_per_week - len(placement.held[aid])):
            best, best_cost = None, None
            for s in inst.allowed(a):
                if placement.fits(aid, s) is None:
                    continue
                qual_free = sum(1 for t in qualified if s not in t.unavailable)
                if qual_free < a.staff:
                    continue
                day = inst.day(s)
                cost = (
                    0 if s in locked else 1,
                    placement.adjacent(aid, [*placement.held[aid], s]),
                    max(
                        (demand[s] + a.staff) / max(1, supply[s]),
                        (day_demand[day] + a.staff) / max(1, day_supply[day]),
                    )
                    + (skill_use[key, s] + a.staff) / qual_free,
                )
                if best_cost is None or cost < best_cost:
                    best, best_cost = s, cost
            if best is None:
                break  # no room or day left: the hint leaves this session out
            claim(a, best, key)
    return placement


def _free_room(rooms: list[str], taken: set[str]) -> str | None:
    return next((r for r in rooms if r not in taken), None)


def _locked_slots(built: Built, a: Activity) -> set[str]:
    return {lk.slot_id for lk in built.inst.locks_for(a.activity_id) if lk.slot_id is not None}


def _conflicts(built: Built) -> dict[str, set[str]]:
    """activity -> activities it may not share a slot with (same students or same class)."""
    out: dict[str, set[str]] = {}
    sets = [*built.inst.student_activity_sets, *map(set, built.inst.class_activities.values())]
    for acts in sets:
        for a in acts:
            out.setdefault(a, set()).update(set(acts) - {a})
    return out


# --- 2. Staffing by min-cost flow ----------------------------------------------------------


def pinned_pairs(built: Built, held: dict[str, list[str]]) -> set[tuple[str, str, str]]:
    """(teacher, activity or BASIC, slot) assignments demanded by a fixed teacher or a lock.

    A lock with a session index pins its teacher to that session only: the k-th of the
    activity's `held` slots in time order. Pinning it to every session would ask a teacher
    locked to one evening of a five-evening study for all five (a high school's homeroom
    locks then break `max_per_day` and the hint is lost)."""
    inst = built.inst
    out = set()
    for a in inst.activities:
        aid = a.activity_id
        slots = held.get(aid, [])
        if a.fixed_teacher is not None:
            out.update((a.fixed_teacher, aid, s) for s in slots)
        for lk in inst.locks_for(aid):
            if lk.teacher_id is None:
                continue
            if lk.session is None:
                out.update((lk.teacher_id, aid, s) for s in slots)
            elif lk.session <= len(slots):
                out.add((lk.teacher_id, aid, slots[lk.session - 1]))
    out = {(t, aid, s) for t, aid, s in out if built.duty_var(t, aid, s) is not None}
    for (_gid, s), locks in inst.basic_locks().items():
        for lk in locks:
            if lk.teacher_id is not None and (lk.teacher_id, s) in built.z:
                out.add((lk.teacher_id, BASIC, s))
    return out


def staff_sessions(built: Built, held: dict[str, list[str]]) -> dict[tuple[str, str], list[str]]:
    inst = built.inst
    teachers = {t.teacher_id: t for t in inst.teachers}
    fair = fairness_set(inst)
    shares = fair_shares(inst, fair) if fair else {}
    mean_len = sum(inst.length(s) for s in inst.slots) / max(1, len(inst.slots))
    pinned = pinned_pairs(built, held)
    heads = _heads(built)
    externals = {t.teacher_id for t in inst.teachers if t.external}
    fixed = {(a.fixed_teacher, a.activity_id) for a in inst.activities}
    w = built.weights

    jobs: list[tuple[str, str, int]] = [  # (activity or BASIC, slot, teachers needed)
        (BASIC, s, inst.basic_demand(s)) for s in inst.slots if inst.basic_demand(s)
    ]
    for aid, slots in held.items():
        staff = inst.school.activity_by_id[aid].staff
        jobs += [(aid, s, staff) for s in slots]
    cands = {(aid, s): built.candidates(aid, s) for aid, s, _n in jobs}

    nodes: dict[tuple, int] = {}

    def node(key: tuple) -> int:
        return nodes.setdefault(key, len(nodes))

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = node(("source",)), node(("sink",))
    job_arcs = []
    for aid, s, need in jobs:
        j = node(("job", aid, s))
        flow.add_arc_with_capacity_and_unit_cost(source, j, need, 0)
        for t in cands[aid, s]:
            cost = 0
            if aid == BASIC and s in heads.get(t, ()):
                cost -= w.homeroom * SCALE
            if t in externals and (t, aid) not in fixed:
                cost += w.external * SCALE
            if (t, aid, s) in pinned:
                cost = PINNED
            arc = flow.add_arc_with_capacity_and_unit_cost(j, node(("ts", t, s)), 1, cost)
            job_arcs.append((arc, aid, s, t))
    for t, teacher in teachers.items():
        slots = [s for s in inst.slots if ("ts", t, s) in nodes]
        for s in slots:
            flow.add_arc_with_capacity_and_unit_cost(
                nodes["ts", t, s], node(("td", t, inst.day(s))), 1, 0
            )
        for d in sorted({inst.day(s) for s in slots}):
            flow.add_arc_with_capacity_and_unit_cost(
                nodes["td", t, d], node(("tw", t)), teacher.max_per_day, 0
            )
        if slots:
            for cost in _marginal_costs(teacher.max_per_week, shares.get(t), mean_len, w):
                flow.add_arc_with_capacity_and_unit_cost(nodes["tw", t], sink, 1, cost)
    total = sum(need for _a, _s, need in jobs)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    staff: dict[tuple[str, str], list[str]] = {(aid, s): [] for aid, s, _n in jobs}
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return staff
    for arc, aid, s, t in job_arcs:
        if flow.flow(arc):
            staff[aid, s].append(t)
    return staff


def _marginal_costs(cap: int, share: int | None, mean_len: float, w) -> list[int]:
    """Cost of the k-th session of a teacher: the change in |load - share| (convex in k)."""
    if share is None:  # outside the fairness set (external): no fairness cost
        return [0] * cap
    dev = [abs(k * mean_len - share) * w.fair_share * SCALE for k in range(cap + 1)]
    return [round(dev[k] - dev[k - 1]) for k in range(1, cap + 1)]


def _heads(built: Built) -> dict[str, set[str]]:
    """teacher -> basic slots of their own class (where a homeroom miss can occur)."""
    inst = built.inst
    out: dict[str, set[str]] = {}
    for t in inst.teachers:
        if t.homeroom:
            out[t.teacher_id] = {
                bs.slot_id
                for bs in inst.basic_sessions
                if bs.group_id == t.homeroom and (t.teacher_id, bs.slot_id) in built.z
            }
    return out


# --- Symmetry and the hint ------------------------------------------------------------------


def order_twins(built: Built, staff: dict[tuple[str, str], list[str]]) -> None:
    """Give interchangeable teachers' weeks to each other so their loads are non-increasing
    in id order, as the model's symmetry cut requires (they are identical, so it is valid)."""
    inst = built.inst
    load = Counter()
    for (_aid, s), ts in staff.items():
        for t in ts:
            load[t] += inst.length(s)
    for twins in interchangeable(inst, fairness_set(inst)):
        by_load = sorted(twins, key=lambda t: (-load[t], t))
        rename = dict(zip(by_load, twins, strict=True))
        for key, ts in staff.items():
            staff[key] = [rename.get(t, t) for t in ts]


def to_hint(built: Built, week: Week) -> dict[cp_model.IntVar, int]:
    hint: dict[cp_model.IntVar, int] = {}
    for aid, slots in week.held.items():
        for s in slots:
            hint[built.x[aid, s]] = 1
    for (aid, s), ts in week.staff.items():
        for t in ts:
            var = built.duty_var(t, aid, s)
            if var is not None:
                hint[var] = 1
    for var in [*built.x.values(), *built.v.values(), *built.z.values()]:
        hint.setdefault(var, 0)
    return hint
