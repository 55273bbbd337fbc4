"""Solve a school's week and turn the solver's answer into a Schedule and a report."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ortools.sat.python import cp_model

from domain.schedule import Placed, Schedule, Unstaffed
from domain.school import School, basic_activity_id, canonical
from scheduler.clock import Deadline
from scheduler.instance import Instance
from scheduler.model import Built, build, set_hint
from scheduler.rooms import match_rooms
from scheduler.warmstart import Start, complete, solution_values, warm_start
from scheduler.weights import Weights

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "time_limit",
    cp_model.MODEL_INVALID: "model_invalid",
}


@dataclass(frozen=True)
class Progress:
    """One progress event: a better solution or a better bound."""

    seconds: float
    objective: float | None
    bound: float | None


@dataclass
class SolveOptions:
    time_limit: float = 60.0
    seed: int = 0
    workers: int = 0  # 0: all cores
    weights: Weights = field(default_factory=Weights)
    progress: Callable[[Progress], None] | None = None
    stop: threading.Event | None = None  # set it to stop early (UI stop button)
    log: bool = False
    first_solution: bool = False  # stop at the first valid schedule (tests, quick previews)
    partial: bool = False  # scenarios: leave sessions unstaffed rather than fail
    warm_start: bool = True  # start the search from a good week (scheduler/warmstart)
    # Stop once (objective - bound) / objective is at most this (0: prove optimality). The
    # report then says "feasible" with its gap unless the bound meets the objective.
    gap_limit: float = 0.0
    # The whole solve (model, warm start, search) ends by this deadline; None: `time_limit`
    # seconds from the call. A caller with more steps after the solve (explanation, export)
    # passes its own, so that all of them share one time limit (scheduler/clock.py).
    deadline: Deadline | None = None

    def deadline_from_now(self) -> Deadline:
        return self.deadline or Deadline.after(self.time_limit)


@dataclass
class Report:
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0  # model + warm start + search
    first_solution_seconds: float | None = None  # counted from the start, as `seconds`
    warm_start_seconds: float = 0.0
    # Where the schedule came from: "search" (CP-SAT's), "warm_start" (the search found
    # none better in time, or the first valid week was all that was asked for).
    source: str = "search"
    terms: dict[str, dict[str, float]] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    explicit_rooms: bool = False
    stopped: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Result:
    schedule: Schedule | None
    report: Report
    built: Built | None = None


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each better solution and lets the caller stop the search."""

    def __init__(self, options: SolveOptions, started: float) -> None:
        super().__init__()
        self.options, self.started = options, started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.started
        if self.first is None:
            self.first = now
        if self.options.progress:
            self.options.progress(Progress(now, self.ObjectiveValue(), self.BestObjectiveBound()))
        if self.options.stop is not None and self.options.stop.is_set():
            self.StopSearch()


def inputs_hash(school: School, weights: Weights) -> str:
    """Hash of everything a schedule depends on (the school and the weights)."""
    payload = json.dumps([canonical(school), weights.as_dict()], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def auto_workers(built: Built) -> int:
    """One worker per core, at least 2: both proof subsolvers, LNS on any further cores."""
    return max(2, os.cpu_count() or 1)


# The full-problem workers, in order. `max_lp_sym` (an LP at linearization level 2 with
# symmetry handling; CP-SAT's own name) proves these models optimal: given a warm start at or
# near the optimum it closes XL's last 0.1% in 5-17 s, where CP-SAT's default 8-worker
# portfolio, time-shared on 2 cores, took 28-36 s and its default 2 workers did not prove it
# in 60 s; alone on one worker it proves sample-county schools in 1-2 s that the default
# single worker leaves 15-23% from optimal after 10 s. `core` beside it (core-based bounds,
# and solutions of its own) halved XL's slow seeds against an LNS worker (17 s against 33 s
# at seed 0) and proves ZY026, whose warm start is 4% off, in 2 s. More workers run CP-SAT's
# LNS. With one worker only `max_lp_sym` runs, which stays deterministic.
PROOF_SUBSOLVERS = ["max_lp_sym", "core"]


def run_solver(
    built: Built,
    options: SolveOptions,
    hint: dict | None = None,
    started: float | None = None,
    deadline: Deadline | None = None,
) -> tuple:
    """Run CP-SAT on a built model; returns (solver, status, watcher, seconds).

    `started` is when the caller's clock started (before it built the model, say): the
    progress times and the seconds reported count from it. The search ends at `deadline`
    (default: `options.time_limit` from `started`).
    """
    started = time.perf_counter() if started is None else started
    if deadline is None:
        deadline = Deadline.after(options.time_limit - (time.perf_counter() - started))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.1, deadline.left())
    params.random_seed = options.seed
    params.num_workers = options.workers or auto_workers(built)
    params.subsolvers.extend(PROOF_SUBSOLVERS)  # with 1 worker, the one it runs
    params.log_search_progress = options.log
    params.stop_after_first_solution = options.first_solution
    if options.gap_limit:
        params.relative_gap_limit = options.gap_limit
    # Probing in presolve costs more than it saves on these models (measured: L proves
    # about twice as fast without it, XXL finds its first schedule instead of timing out).
    params.cp_model_probing_level = 0
    if options.workers == 1:
        params.interleave_search = False  # one worker is deterministic for a given seed
    set_hint(built.model, hint or {})
    watcher = _Watcher(options, started)
    if options.progress:
        solver.best_bound_callback = lambda bound: options.progress(
            Progress(time.perf_counter() - started, None, bound)
        )
    if options.stop is not None:
        _stop_when_set(solver, options.stop)
    status = solver.Solve(built.model, watcher)
    return solver, status, watcher, time.perf_counter() - started


# The search for a first schedule when the warm start found no valid week (a lock or a rule
# it cannot honour). `max_lp_sym` and `core` prove optimality well but are slow to find a
# first schedule from nothing. Measured with the exact placement switched off, so that the
# hint is the greedy's broken week (random planted schools L 8, 11, 12 and XL 2, shapes
# timetabling M and L, junior XL; 20 s): `fixed` (CP-SAT's fixed search, which follows the
# hint and backtracks) with `no_lp` found all seven (0.7-13.7 s); `fixed` alone six, in
# 0.6-5.7 s; `quick_restart_no_lp`, the worker used before, two (4.4 s, 19.4 s). With one
# worker (deterministic runs) only `fixed` runs.
FIRST_SUBSOLVERS = ["fixed", "no_lp"]
FIRST_SHARE = 0.8  # of the time left: without a first schedule the proof search rarely finds one
MIN_SEARCH_SECONDS = 1.0  # with a valid week in hand, no search is started with less left


def first_schedule(built: Built, options: SolveOptions, hint: dict, deadline: Deadline):
    """A first valid week by a search made for feasibility, or None; the hint guides it."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.1, deadline.left())
    params.random_seed = options.seed
    subsolvers = FIRST_SUBSOLVERS[: 1 if options.workers == 1 else len(FIRST_SUBSOLVERS)]
    params.num_workers = len(subsolvers)
    params.subsolvers.extend(subsolvers)
    params.stop_after_first_solution = True
    params.cp_model_probing_level = 0
    params.log_search_progress = options.log
    set_hint(built.model, hint or {})
    if options.stop is not None:
        _stop_when_set(solver, options.stop)
    status = solver.Solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver, status
    return None, status


def _stop_when_set(solver: cp_model.CpSolver, stop: threading.Event) -> None:
    """Stop the search from another thread as soon as the event is set."""

    def wait() -> None:
        stop.wait()
        solver.StopSearch()

    threading.Thread(target=wait, daemon=True).start()


def solve(school: School, options: SolveOptions | None = None, hint: dict | None = None) -> Result:
    """Build, start, search and extract, all by one deadline (`options.deadline_from_now`).

    The search starts from the warm start's week. When that week is valid it is already an
    answer: should the search find nothing better in time, it is the schedule returned.
    When it is not, a search made for feasibility looks for a first week before the proof
    search starts. Falls back to explicit rooms if counting rooms is not enough.
    """
    options = options or SolveOptions()
    deadline = options.deadline_from_now()
    started = time.perf_counter()  # the model and the warm start count against the limit
    inst = Instance(school)
    for explicit in (False, True):
        built = build(inst, options.weights, explicit_rooms=explicit, partial=options.partial)
        start = _start(built, options, hint, deadline)
        warm = time.perf_counter() - started
        if start.solution is not None and options.progress:
            options.progress(Progress(warm, start.solution.ObjectiveValue(), None))
        report, answer = search(built, options, start, deadline, started, warm)
        if answer is None:
            return Result(None, report, built)
        schedule = extract(built, answer)
        if schedule is not None:
            return Result(schedule, report, built)
    raise AssertionError("explicit room model cannot fail to match rooms")


def _start(built: Built, options: SolveOptions, hint: dict | None, deadline: Deadline) -> Start:
    """The search's starting point: the caller's hint, or the warm start (if asked for),
    completed into a valid week where it is one."""
    if hint:
        hint_vars = _hint_vars(built, hint)
        solution = complete(built, hint_vars, deadline)
        return Start(solution_values(built, solution) if solution else hint_vars, solution)
    if options.warm_start:
        # Asked for the first valid week only: no local search after it either.
        return warm_start(built, effort=0 if options.first_solution else 1, deadline=deadline)
    return Start({})


def search(
    built: Built,
    options: SolveOptions,
    start: Start,
    deadline: Deadline,
    started: float,
    warm: float = 0.0,
):
    """Run the searches from `start`; returns (report, the answer to read the schedule
    from, or None). Without a valid starting week a feasibility search looks for one first."""
    first_at = None
    if start.solution is not None:
        first_at = warm if start.found_at is None else start.found_at - started
    if start.solution is not None and options.first_solution:
        report = _report_of_start(built, start, options, None, warm, first_at)
        return report, start.solution
    if start.solution is None and not options.partial:
        found, status = first_schedule(built, options, start.hint, deadline.share(FIRST_SHARE))
        if status == cp_model.INFEASIBLE:
            seconds = time.perf_counter() - started
            weights = options.weights.as_dict()
            report = Report("infeasible", seconds=round(seconds, 3), weights=weights)
            report.warm_start_seconds = round(warm, 3)
            return report, None
        if found is not None:
            first_at = time.perf_counter() - started
            start = Start(solution_values(built, found), found)
            if options.first_solution:
                return _report_of_start(built, start, options, None, warm, first_at), found
    if start.solution is not None and deadline.left() < MIN_SEARCH_SECONDS:
        # Too little time for CP-SAT to load and presolve a large model (it overran a 0.5 s
        # limit by 1.5 s on a 150-teacher school): the valid week is the answer.
        seconds = time.perf_counter() - started
        return _report_of_start(
            built, start, options, None, warm, first_at, seconds
        ), start.solution
    solver, status, watcher, seconds = run_solver(built, options, start.hint, started, deadline)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        report = report_of(built, solver, status, watcher, seconds, options)
        if first_at is not None:
            report.first_solution_seconds = round(first_at, 3)
        report.warm_start_seconds = round(warm, 3)
        return report, solver
    if start.solution is not None and status != cp_model.INFEASIBLE:
        bound = solver.BestObjectiveBound() if status == cp_model.UNKNOWN else None
        report = _report_of_start(built, start, options, bound, warm, first_at, seconds)
        return report, start.solution
    report = report_of(built, solver, status, watcher, seconds, options)
    report.warm_start_seconds = round(warm, 3)
    return report, None


def _report_of_start(built, start: Start, options, bound, warm, first_at, seconds=None) -> Report:
    """The report of a schedule that is the starting week itself (no better one found)."""
    solver = start.solution
    objective = solver.ObjectiveValue()
    if bound is None or bound > objective:
        bound = None  # nothing proven about it
    report = Report(
        status="feasible",
        objective=objective,
        bound=bound,
        gap=None if bound is None else round(abs(objective - bound) / max(1.0, abs(objective)), 6),
        seconds=round(warm if seconds is None else seconds, 3),
        first_solution_seconds=None if first_at is None else round(first_at, 3),
        warm_start_seconds=round(warm, 3),
        weights=options.weights.as_dict(),
        explicit_rooms=built.explicit_rooms,
        stopped=bool(options.stop is not None and options.stop.is_set()),
        source="warm_start",
    )
    report.terms = _terms(built, solver, options)
    return report


def _hint_vars(built: Built, hint: dict) -> dict:
    """Map a hint keyed by ("x"|"v"|"z", key) to this model's variables."""
    out = {}
    for (family, key), value in hint.items():
        var = getattr(built, family).get(key)
        if var is not None:
            out[var] = value
    return out


def report_of(built, solver, status, watcher, seconds, options) -> Report:
    report = Report(
        status=STATUS.get(status, "unknown"),
        seconds=round(seconds, 3),
        first_solution_seconds=None if watcher.first is None else round(watcher.first, 3),
        weights=options.weights.as_dict(),
        explicit_rooms=built.explicit_rooms,
        stopped=bool(options.stop is not None and options.stop.is_set()),
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        report.objective = solver.ObjectiveValue()
        report.bound = solver.BestObjectiveBound()
        denom = max(1.0, abs(report.objective))
        report.gap = round(abs(report.objective - report.bound) / denom, 6)
        if report.status == "optimal" and report.objective != report.bound:
            report.status = "feasible"  # stopped by the gap limit, not proven optimal
        report.terms = _terms(built, solver, options)
    return report


def _terms(built: Built, solver, options: SolveOptions) -> dict[str, dict[str, float]]:
    weights = options.weights.as_dict()
    out = {}
    for name, term in built.terms.items():
        value = _value(solver, term)
        out[name] = {"value": value, "weight": weights[name], "weighted": value * weights[name]}
    return out


def _value(solver: cp_model.CpSolver, expr) -> int:
    return int(expr) if isinstance(expr, int) else int(solver.Value(expr))


def extract(
    built: Built, solver: cp_model.CpSolver, previous: dict | None = None
) -> Schedule | None:
    """The schedule in the solver's answer; None if the rooms cannot be matched.

    `previous` maps (activity_id, slot_id) to a session of an earlier schedule: its room
    and its basic-care teachers are preferred, so a repair changes as little as it can.
    """
    previous = previous or {}
    inst = built.inst
    school = inst.school
    placed: list[Placed] = []
    unstaffed: list[Unstaffed] = []
    basic, pooled = assign_duty(built, solver, previous)
    for a in inst.activities:
        held = [s for s in inst.allowed(a) if solver.Value(built.x[a.activity_id, s])]
        for index in range(len(held) + 1, a.sessions_per_week + 1):  # partial plans only
            unstaffed.append(Unstaffed(a.activity_id, index, a.kind, None, None, a.staff))
        for index, s in enumerate(held, 1):
            if a.activity_id in built.pooled:
                teachers = pooled[a.activity_id, s]
            else:
                teachers = tuple(
                    sorted(
                        t
                        for t, var in built.activity_teachers(a.activity_id, s)
                        if solver.Value(var)
                    )
                )
            placed.append(_placed(school, a.activity_id, index, a.kind, s, "", teachers))
    for bs, teachers in basic.items():
        if len(teachers) < bs.need:
            day = school.slot_by_id[bs.slot_id].day
            unstaffed.append(
                Unstaffed(
                    bs.activity_id, bs.index, "basic", day, bs.slot_id, bs.need - len(teachers)
                )
            )
            continue
        placed.append(_placed(school, bs.activity_id, bs.index, "basic", bs.slot_id, "", teachers))
    rooms = assign_rooms(built, solver, previous)
    if rooms is None:
        return None
    placed = [
        Placed(**{**p.__dict__, "room_id": rooms[(p.activity_id, p.slot_id)]}) for p in placed
    ]
    return Schedule(school.school_id, tuple(placed), tuple(unstaffed))


def _placed(school, activity_id, index, kind, slot_id, room_id, teachers) -> Placed:
    slot = school.slot_by_id[slot_id]
    return Placed(
        activity_id, index, kind, slot.day, slot_id, slot.start, slot.end, room_id, tuple(teachers)
    )


def assign_duty(built: Built, solver: cp_model.CpSolver, previous: dict) -> tuple[dict, dict]:
    """Who takes which session of the duty pool at each slot: basic care (BasicSession ->
    teachers) and pooled activities ((activity_id, slot_id) -> teachers)."""
    inst = built.inst
    basic: dict = {}
    pooled: dict = {}
    for s in inst.slots:
        sessions = inst.basic_by_slot[s]
        clubs = [
            (a.activity_id, a.staff)
            for a in inst.activities
            if a.activity_id in built.pooled
            and (a.activity_id, s) in built.x
            and solver.Value(built.x[a.activity_id, s])
        ]
        if sessions or clubs:
            on_duty = sorted(t for t in built.candidates("", s) if solver.Value(built.z[t, s]))
            locked = {aid: _locked_teachers(built, solver, aid, s) for aid, _staff in clubs}
            split = split_duty(inst, s, sessions, on_duty, previous, clubs, locked)
            basic.update({bs: split[bs.activity_id] for bs in sessions})
            pooled.update({(aid, s): split[aid] for aid, _staff in clubs})
    return basic, pooled


def _locked_teachers(built: Built, solver: cp_model.CpSolver, aid: str, s: str) -> list[str]:
    """Teachers a lock puts on the session of `aid` held at slot s (its index in time order
    is the number of its sessions up to s)."""
    inst = built.inst
    held = [
        p for p in inst.allowed(inst.school.activity_by_id[aid]) if solver.Value(built.x[aid, p])
    ]
    index = held.index(s) + 1
    return [
        lk.teacher_id
        for lk in inst.locks_for(aid)
        if lk.teacher_id and (lk.session is None or lk.session == index)
    ]


def split_duty(
    inst,
    slot_id: str,
    sessions: list,
    on_duty: list[str],
    previous: dict,
    clubs: list[tuple[str, int]] = (),
    locked: dict[str, list[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Share the teachers on duty at one slot among that slot's basic sessions and pooled
    clubs (activity_id, staff); returns activity_id ("basic:<group>" or the club's) ->
    teachers.

    Any split that honours the locks is valid (neither basic care nor a pooled club needs
    a skill or has a fixed teacher; `locked`: club -> teachers its locks name for this
    session); this one honours locks first, then keeps earlier pairings, then puts homeroom
    teachers with their own class (as the model's homeroom term counts them).
    """
    free = list(on_duty)
    need = {bs.activity_id: bs.need for bs in sessions} | dict(clubs)
    chosen: dict[str, list[str]] = {key: [] for key in need}

    def take(key: str, tid: str) -> None:
        if tid in free and len(chosen[key]) < need[key]:
            free.remove(tid)
            chosen[key].append(tid)

    def keep_earlier(keys: list[str]) -> None:
        for key in keys:
            earlier = previous.get((key, slot_id))
            for tid in earlier.teacher_ids if earlier else ():
                take(key, tid)

    def fill(keys: list[str]) -> None:
        for key in keys:
            while len(chosen[key]) < need[key] and free:
                take(key, free[0])

    basic = [bs.activity_id for bs in sessions]
    club_ids = [aid for aid, _staff in clubs]
    locks = inst.basic_locks()
    for bs in sessions:
        for lk in locks.get((bs.group_id, slot_id), []):
            if lk.teacher_id:
                take(bs.activity_id, lk.teacher_id)
    for aid, tids in (locked or {}).items():
        for tid in tids:
            take(aid, tid)
    keep_earlier(basic)
    for t in inst.teachers:
        if t.homeroom is not None and basic_activity_id(t.homeroom) in chosen:
            take(basic_activity_id(t.homeroom), t.teacher_id)
    keep_earlier(club_ids)
    fill(basic)
    fill(club_ids)
    _complete_what_can_be(sessions, chosen)
    return {key: tuple(sorted(ts)) for key, ts in chosen.items()}


def _complete_what_can_be(sessions: list, chosen: dict[str, list[str]]) -> None:
    """Partial plans: a half-staffed class is not a held session, so move teachers from the
    most understaffed classes to complete as many classes as possible."""
    short = [bs for bs in sessions if len(chosen[bs.activity_id]) < bs.need]
    if len(short) < 2:
        return
    short.sort(key=lambda bs: (bs.need - len(chosen[bs.activity_id]), bs.group_id))
    pool = [tid for bs in short for tid in chosen[bs.activity_id]]
    for bs in short:
        chosen[bs.activity_id] = []
    for bs in short:
        if len(pool) >= bs.need:
            chosen[bs.activity_id], pool = pool[: bs.need], pool[bs.need :]


def assign_rooms(built: Built, solver: cp_model.CpSolver, previous: dict) -> dict | None:
    """Room of each held session: (activity_id, slot_id) -> room_id; None if no match."""
    inst = built.inst
    out: dict[tuple[str, str], str] = {}
    for s in inst.slots:
        taken: set[str] = set()
        requests = []
        for i, u in enumerate(built.room_uses):
            if u.slot_id != s or not _value(solver, u.active):
                continue
            activity_id = u.key[1] if u.key[0] == "activity" else f"basic:{u.key[1]}"
            if u.room_id is not None:
                out[activity_id, s] = u.room_id
                taken.add(u.room_id)
            elif built.explicit_rooms:
                rid = next(
                    r for (j, r), var in built.room_vars.items() if j == i and solver.Value(var)
                )
                out[activity_id, s] = rid
                taken.add(rid)
            else:
                rooms = inst.rooms_for(u.need)
                earlier = previous.get((activity_id, s))
                if earlier and earlier.room_id in rooms:  # try the earlier room first
                    rooms = [earlier.room_id, *(r for r in rooms if r != earlier.room_id)]
                requests.append((activity_id, rooms))
        match = match_rooms(requests, taken)
        if match is None:
            return None
        out.update({(aid, s): rid for aid, rid in match.items()})
    return out
