"""A solver run in a background thread, watched from the page.

The thread never touches Streamlit: it appends progress events and finally fills
`outcome`; the page polls it and updates placeholders. The Job object sits in the
session state, so a rerun (e.g. the Stop button) finds the same run again.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scheduler.solve import Progress

JOB_KEY = "_solver_job"
Work = Callable[[Callable[[Progress], None], threading.Event], dict[str, Any]]


@dataclass(kw_only=True)
class BackgroundJob:
    """What every background run shares: its progress events, a stop flag, its outcome."""

    stop: threading.Event = field(default_factory=threading.Event)
    events: list[Any] = field(default_factory=list)
    outcome: dict[str, Any] | None = None
    started: float = field(default_factory=time.perf_counter)
    thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.outcome is not None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


@dataclass
class Job(BackgroundJob):
    """A solve, pin or repair of one school (its events are solver `Progress`)."""

    kind: str  # "solve", "pin" or "repair"
    school_id: str
    school_version_id: int

    def best(self) -> tuple[float | None, float | None]:
        """The latest objective and bound seen so far."""
        objective = next((e.objective for e in reversed(self.events) if e.objective), None)
        bound = next((e.bound for e in reversed(self.events) if e.bound is not None), None)
        return objective, bound


def start(job: Job, work: Work) -> Job:
    """Run `work(progress, stop)` in a daemon thread; its dict becomes `job.outcome`."""

    def run() -> None:
        try:
            job.outcome = work(job.events.append, job.stop)
        except Exception as exc:  # shown on the page instead of dying silently
            job.outcome = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}

    job.thread = threading.Thread(target=run, name=f"solve-{job.school_id}", daemon=True)
    job.thread.start()
    return job


def wait(job: Job, tick: Callable[[Job], None], every: float = 0.25) -> None:
    """Block the script run until the job ends, calling `tick` to redraw progress."""
    while not job.done:
        tick(job)
        time.sleep(every)
    tick(job)
