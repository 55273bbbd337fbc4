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
from domain.school import School, canonical
from scheduler.instance import Instance
from scheduler.model import Built, build
from scheduler.warmstart import greedy_hint
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


@dataclass
class Report:
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0  # warm start + search
    first_solution_seconds: float | None = None  # counted from the start of the warm start
    warm_start_seconds: float = 0.0
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
    built: Built, options: SolveOptions, hint: dict | None = None, started: float | None = None
) -> tuple:
    """Run CP-SAT on a built model; returns (solver, status, watcher, seconds).

    `started` is when the caller's clock started (before it computed the hint, say): the
    time limit, the progress times and the seconds reported all count from it.
    """
    started = time.perf_counter() if started is None else started
    solver = cp_model.CpSolver()
    params = solver.parameters
    spent = time.perf_counter() - started
    params.max_time_in_seconds = max(0.1, options.time_limit - spent)
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
    for var, value in (hint or {}).items():
        built.model.AddHint(var, value)
    watcher = _Watcher(options, started)
    if options.progress:
        solver.best_bound_callback = lambda bound: options.progress(
            Progress(time.perf_counter() - started, None, bound)
        )
    if options.stop is not None:
        _stop_when_set(solver, options.stop)
    status = solver.Solve(built.model, watcher)
    return solver, status, watcher, time.perf_counter() - started


def _stop_when_set(solver: cp_model.CpSolver, stop: threading.Event) -> None:
    """Stop the search from another thread as soon as the event is set."""

    def wait() -> None:
        stop.wait()
        solver.StopSearch()

    threading.Thread(target=wait, daemon=True).start()


def solve(school: School, options: SolveOptions | None = None, hint: dict | None = None) -> Result:
    """Build, solve and extract. Falls back to explicit rooms if counting is not enough."""
    options = options or SolveOptions()
    inst = Instance(school)
    for explicit in (False, True):
        built = build(inst, options.weights, explicit_rooms=explicit, partial=options.partial)
        started = time.perf_counter()  # the warm start counts against the time limit
        if hint:
            hint_vars = _hint_vars(built, hint)
        else:
            hint_vars = greedy_hint(built) if options.warm_start else None
        warm = time.perf_counter() - started
        solver, status, watcher, seconds = run_solver(built, options, hint_vars, started)
        report = report_of(built, solver, status, watcher, seconds, options)
        report.warm_start_seconds = round(warm, 3)
        if report.status not in ("optimal", "feasible"):
            return Result(None, report, built)
        schedule = extract(built, solver)
        if schedule is not None:
            return Result(schedule, report, built)
    raise AssertionError("explicit room model cannot fail to match rooms")


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
        weights = options.weights.as_dict()
        for name, term in built.terms.items():
            value = _value(solver, term)
            report.terms[name] = {
                "value": value,
                "weight": weights[name],
                "weighted": value * weights[name],
            }
    return report


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
    for a in inst.activities:
        held = [s for s in inst.allowed(a) if solver.Value(built.x[a.activity_id, s])]
        for index in range(len(held) + 1, a.sessions_per_week + 1):  # partial plans only
            unstaffed.append(Unstaffed(a.activity_id, index, a.kind, None, None, a.staff))
        for index, s in enumerate(held, 1):
            teachers = tuple(
                sorted(
                    t for t, var in built.activity_teachers(a.activity_id, s) if solver.Value(var)
                )
            )
            placed.append(_placed(school, a.activity_id, index, a.kind, s, "", teachers))
    for bs, teachers in assign_basic_teachers(built, solver, previous).items():
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


def assign_basic_teachers(built: Built, solver: cp_model.CpSolver, previous: dict) -> dict:
    """Who takes which class at each slot: locked teachers, then homerooms, then the rest."""
    inst = built.inst
    out = {}
    for s in inst.slots:
        sessions = inst.basic_by_slot[s]
        if sessions:
            on_duty = sorted(t for (t, ss), var in built.z.items() if ss == s and solver.Value(var))
            out.update(split_duty(inst, s, sessions, on_duty, previous))
    return out


def split_duty(inst, slot_id: str, sessions: list, on_duty: list[str], previous: dict) -> dict:
    """Share the teachers on basic duty at one slot among that slot's classes.

    Any split is valid (basic care needs no skill and every class has the same length);
    this one honours locks first, then keeps earlier pairings, then puts homeroom
    teachers with their own class.
    """
    free = list(on_duty)
    need = {bs.group_id: bs.need for bs in sessions}
    chosen: dict[str, list[str]] = {gid: [] for gid in need}

    def take(gid: str, tid: str) -> None:
        if tid in free and len(chosen[gid]) < need[gid]:
            free.remove(tid)
            chosen[gid].append(tid)

    locks = inst.basic_locks()
    for bs in sessions:
        for lk in locks.get((bs.group_id, slot_id), []):
            if lk.teacher_id:
                take(bs.group_id, lk.teacher_id)
    for bs in sessions:
        earlier = previous.get((bs.activity_id, slot_id))
        for tid in earlier.teacher_ids if earlier else ():
            take(bs.group_id, tid)
    for t in inst.teachers:
        if t.homeroom in chosen:
            take(t.homeroom, t.teacher_id)
    for bs in sessions:
        while len(chosen[bs.group_id]) < bs.need and free:
            take(bs.group_id, free[0])
    _complete_what_can_be(sessions, chosen)
    return {bs: tuple(sorted(chosen[bs.group_id])) for bs in sessions}


def _complete_what_can_be(sessions: list, chosen: dict[str, list[str]]) -> None:
    """Partial plans: a half-staffed class is not a held session, so move teachers from the
    most understaffed classes to complete as many classes as possible."""
    short = [bs for bs in sessions if len(chosen[bs.group_id]) < bs.need]
    if len(short) < 2:
        return
    short.sort(key=lambda bs: (bs.need - len(chosen[bs.group_id]), bs.group_id))
    pool = [tid for bs in short for tid in chosen[bs.group_id]]
    for bs in short:
        chosen[bs.group_id] = []
    for bs in short:
        if len(pool) >= bs.need:
            chosen[bs.group_id], pool = pool[: bs.need], pool[bs.need :]


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


def match_rooms(requests: list[tuple[str, list[str]]], taken: set[str]) -> dict[str, str] | None:
    """Maximum bipartite matching (augmenting paths); None unless every request gets a room."""
    owner: dict[str, str] = {}
    options = {aid: [r for r in rooms if r not in taken] for aid, rooms in requests}

    def augment(aid: str, seen: set[str]) -> bool:
        for rid in options[aid]:
            if rid in seen:
                continue
            seen.add(rid)
            if rid not in owner or augment(owner[rid], seen):
                owner[rid] = aid
                return True
        return False

    for aid, _rooms in sorted(requests, key=lambda r: (len(options[r[0]]), r[0])):
        if not augment(aid, set()):
            return None
    return {aid: rid for rid, aid in owner.items()}
