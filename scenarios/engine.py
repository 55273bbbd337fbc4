"""Schedule many schools: a local process pool or a Dask cluster, with a per-school cache.

The task (`solve_task`) is a plain top-level function of (School, SolverSettings) that
never raises: a failure comes back as an outcome with status "error" and the message, so
one bad school does not stop the batch. It schedules through the one scheduling workflow
(`scheduler.service.schedule_school`: solve, independent check, explain) unless the
checked greedy plan already staffs everything, so no plan reaches a report unchecked; a
schedule the checker refuses comes back as status "violations", without the schedule.
Both engines map the same task and return the same outcomes, so a Dask run equals a local
run (the solver runs single-threaded with a fixed seed; see `SCENARIO_WEIGHTS` for why it
is fast and deterministic).

The cache is a folder of JSON files, one per school, named by sha256 of (the built school,
the solver settings, the weights, a format version): a scenario that changes only money
levers builds the same schools, finds every schedule there and solves nothing. A cached
schedule is checked again before it is used (milliseconds a school); one the checker
refuses is solved again.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from domain.schedule import Placed, Schedule, Unstaffed
from domain.school import School, canonical
from scenarios.levers import SolverSettings
from scheduler.check import Violation, check, rows_of
from scheduler.greedy import checked_greedy
from scheduler.service import schedule_school
from scheduler.solve import Progress, SolveOptions
from scheduler.weights import Weights

CACHE_VERSION = 1
ENGINES = ("local", "dask")
OK_STATUSES = ("greedy", "optimal", "feasible")
VIOLATIONS = "violations"  # the independent checker refused the solver's schedule
SHOWN_VIOLATIONS = 3  # of a refused schedule, in the failure's reason

# A county question is "what can be staffed", not "who takes which session": the partial
# plan minimises only the unstaffed teacher-sessions, which CP-SAT proves optimal in
# seconds (with the fairness terms of a principal's roster, large schools run into the time
# limit and may even report spurious unstaffed sessions). County totals (hours, pay,
# coverage) depend only on which sessions are held, not on who holds them.
SCENARIO_WEIGHTS = Weights(
    spread=0, fair_share=0, homeroom=0, days=0, external=0, adjacent_days=0, unstaffed=1
)


@dataclass(frozen=True)
class SolveOutcome:
    """One school's schedule (or why there is none)."""

    school_id: str
    key: str
    status: str  # greedy / optimal / feasible / infeasible / time_limit / violations / error
    seconds: float
    schedule: Schedule | None = None
    error: str = ""
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES and self.schedule is not None


@dataclass(frozen=True)
class Event:
    """Progress: one school finished (solved, from the cache, or failed)."""

    done: int
    total: int
    school_id: str
    status: str
    seconds: float
    cached: bool


@dataclass
class RunStats:
    solved: int = 0
    cached: int = 0
    failed: int = 0
    seconds: float = 0.0
    engine: str = "local"
    workers: int = 1
    solve_seconds: list[float] = field(default_factory=list)


def school_key(school: School, settings: SolverSettings) -> str:
    """sha256 of everything a scenario schedule depends on."""
    payload = json.dumps(
        [CACHE_VERSION, canonical(school), settings.as_dict(), SCENARIO_WEIGHTS.as_dict()],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def solve_options(settings: SolverSettings) -> SolveOptions:
    """Single-threaded partial plan; stops as soon as a plan leaves nothing unstaffed (the
    objective cannot go below 0, so that plan is optimal even if CP-SAT's bound lags)."""
    stop = threading.Event()

    def watch(p: Progress) -> None:
        if p.objective is not None and p.objective <= 0:
            stop.set()

    return SolveOptions(
        time_limit=settings.time_limit,
        seed=settings.seed,
        workers=1,
        weights=SCENARIO_WEIGHTS,
        first_solution=settings.first_solution,
        partial=True,
        progress=watch,
        stop=stop,
    )


def solve_task(school: School, settings: SolverSettings) -> SolveOutcome:
    """Schedule one school as a partial plan (the checked greedy plan first, then the
    scheduling workflow); never raises. Only a checked schedule comes back."""
    key = school_key(school, settings)
    started = time.perf_counter()
    try:
        if settings.greedy:
            schedule = checked_greedy(school)
            if schedule is not None:
                seconds = round(time.perf_counter() - started, 3)
                return SolveOutcome(school.school_id, key, "greedy", seconds, schedule)
        options = solve_options(settings)
        try:
            outcome = schedule_school(school, options, explain_failure=False)
        finally:
            options.stop.set()  # releases the scheduler's stop-watcher thread
    except Exception as exc:  # a failing school is reported, the batch goes on
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return SolveOutcome(
            school.school_id, key, "error", time.perf_counter() - started, error=detail
        )
    seconds = round(time.perf_counter() - started, 3)
    if outcome.violations:
        refused = refusal(outcome.violations)
        return SolveOutcome(school.school_id, key, VIOLATIONS, seconds, error=refused)
    status = outcome.report.status
    if status == "feasible" and outcome.report.objective == 0:
        status = "optimal"  # nothing unstaffed: no plan can do better
    if outcome.schedule is None and status in OK_STATUSES:
        status = "error"
    return SolveOutcome(school.school_id, key, status, seconds, outcome.schedule)


def refusal(violations: list[Violation]) -> str:
    """Why a schedule was refused: the checker's first verdicts, in both languages."""
    shown = "; ".join(v.render() for v in violations[:SHOWN_VIOLATIONS])
    more = len(violations) - SHOWN_VIOLATIONS
    return shown + (f" (+{more})" if more > 0 else "")


def passes_checker(school: School, schedule: Schedule) -> bool:
    """The independent checker's verdict on a plan, its declared unstaffed sessions
    excused (as `scheduler.service.Outcome` excuses them)."""
    return not check(school, rows_of(schedule), schedule.excused)


# ------------------------------------------------------------------ cache


def schedule_to_json(schedule: Schedule) -> dict:
    return {
        "school_id": schedule.school_id,
        "sessions": [asdict(p) for p in schedule.sessions],
        "unstaffed": [asdict(u) for u in schedule.unstaffed],
    }


def schedule_from_json(data: dict) -> Schedule:
    sessions = tuple(
        Placed(**{**p, "teacher_ids": tuple(p["teacher_ids"])}) for p in data["sessions"]
    )
    unstaffed = tuple(Unstaffed(**u) for u in data["unstaffed"])
    return Schedule(data["school_id"], sessions, unstaffed)


class Cache:
    """Solved schedules by key; only successful outcomes are stored (a failure is retried)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> SolveOutcome | None:
        path = self.path(key)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return SolveOutcome(
                data["school_id"],
                key,
                data["status"],
                data["seconds"],
                schedule_from_json(data["schedule"]),
                cached=True,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is solved again

    def put(self, outcome: SolveOutcome) -> None:
        if not outcome.ok or outcome.cached:
            return
        path = self.path(outcome.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "school_id": outcome.school_id,
            "status": outcome.status,
            "seconds": outcome.seconds,
            "schedule": schedule_to_json(outcome.schedule),
        }
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a file


def default_cache_dir() -> Path:
    """$AFTERSCHOOL_CACHE, else ~/.cache/afterschool/scenarios."""
    env = os.environ.get("AFTERSCHOOL_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "afterschool" / "scenarios"


# ------------------------------------------------------------------ engines


def _size(school: School) -> int:
    """Rough work estimate: biggest schools first keeps the pool busy to the end."""
    return len(school.teachers) * (len(school.groups) + len(school.activities))


def _failure(school: School, settings: SolverSettings, exc: BaseException) -> SolveOutcome:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return SolveOutcome(school.school_id, school_key(school, settings), "error", 0.0, error=detail)


def _local(
    todo: list[School], settings: SolverSettings, workers: int
) -> Iterable[tuple[School, SolveOutcome]]:
    ctx = get_context("spawn")  # no fork of a process that may hold solver threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(solve_task, s, settings): s for s in todo}
        for future in as_completed(futures):
            school = futures[future]
            try:
                yield school, future.result()
            except Exception as exc:  # a crashed worker process
                yield school, _failure(school, settings, exc)


def _dask(
    todo: list[School], settings: SolverSettings, workers: int, address: str | None
) -> Iterable[tuple[School, SolveOutcome]]:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    cluster = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1"
        )
        address = cluster.scheduler_address
    client = Client(address)
    try:
        keys = [f"solve-{s.school_id}-{school_key(s, settings)[:16]}" for s in todo]
        futures = client.map(solve_task, todo, settings=settings, key=keys, pure=False)
        by_key = {f.key: s for f, s in zip(futures, todo, strict=True)}
        for future in dask_completed(futures):
            school = by_key[future.key]
            try:
                yield school, future.result()
            except Exception as exc:  # a lost worker, a task that could not run
                yield school, _failure(school, settings, exc)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def schedule_schools(
    schools: list[School],
    settings: SolverSettings,
    engine: str = "local",
    workers: int = 2,
    address: str | None = None,
    cache: Cache | None = None,
    progress: Callable[[Event], None] | None = None,
) -> tuple[dict[str, SolveOutcome], RunStats]:
    """Every school's schedule: cache hits first, the rest on the chosen engine."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    started = time.perf_counter()
    stats = RunStats(engine=engine, workers=workers)
    out: dict[str, SolveOutcome] = {}
    total = len(schools)

    def finish(school: School, outcome: SolveOutcome) -> None:
        out[school.school_id] = outcome
        if outcome.cached:
            stats.cached += 1
        elif outcome.ok:
            stats.solved += 1
            stats.solve_seconds.append(outcome.seconds)
            if cache is not None:
                cache.put(outcome)
        else:
            stats.failed += 1
        if progress:
            progress(
                Event(
                    len(out),
                    total,
                    school.school_id,
                    outcome.status,
                    outcome.seconds,
                    outcome.cached,
                )
            )

    todo = []
    for school in schools:
        hit = cache.get(school_key(school, settings)) if cache is not None else None
        # A cached file may predate the checker's run or be damaged: only a plan the
        # checker passes is used; any other is solved (and stored) again.
        if hit is not None and hit.schedule is not None and passes_checker(school, hit.schedule):
            finish(school, hit)
        else:
            todo.append(school)
    todo.sort(key=lambda s: (-_size(s), s.school_id))
    if todo:
        workers = max(1, min(workers, len(todo)))
        results = (
            _local(todo, settings, workers)
            if engine == "local"
            else _dask(todo, settings, workers, address)
        )
        for school, outcome in results:
            finish(school, outcome)
    stats.seconds = round(time.perf_counter() - started, 3)
    return out, stats
