"""`afterschool schedule`, `check` and `repair`: the scheduler on the command line.

Exit codes: 0 fine; 1 the independent checker found violations (for `schedule` and
`repair` that means a bug: the schedule is written for inspection but not stored);
2 invalid input (workbook, options or schedule file); 3 infeasible, with the reasons;
4 the time limit ended before any schedule was found (not a proof of infeasibility).

Heavy modules (OR-Tools, the store) are imported inside the commands so that
`afterschool --help` stays fast.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from i18n import both

if TYPE_CHECKING:
    from domain.schedule import Schedule
    from domain.school import School
    from scheduler.clock import Deadline
    from scheduler.service import Outcome
    from scheduler.solve import Progress, Report, SolveOptions
    from scheduler.weights import Weights

EXIT_VIOLATIONS = 1
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_SOLUTION = 4
BOUND_EVERY = 0.5  # seconds between bound-only progress lines (they can come in hundreds)
EXPORT_SHARE = 0.25  # of the time limit, at most, kept for writing and checking the files

WorkbookArg = Annotated[Path, typer.Argument(help=both("schedcli.help.workbook"), exists=True)]
OutOpt = Annotated[Path, typer.Option("--out", help=both("schedcli.help.out"))]
TimeLimitOpt = Annotated[
    float, typer.Option("--time-limit", min=0.1, help=both("schedcli.help.time_limit"))
]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help=both("schedcli.help.seed"))]
WorkersOpt = Annotated[int, typer.Option("--workers", min=0, help=both("schedcli.help.workers"))]
WeightOpt = Annotated[
    list[str] | None,
    typer.Option("--weight", metavar="NAME=VALUE", help=both("schedcli.help.weight")),
]
WeekOpt = Annotated[
    str | None,
    typer.Option("--week-start", metavar="YYYY-MM-DD", help=both("schedcli.help.week_start")),
]
StoreOpt = Annotated[bool, typer.Option("--store/--no-store", help=both("schedcli.help.store"))]
PartialOpt = Annotated[bool, typer.Option("--partial", help=both("schedcli.help.partial"))]
LangOpt = Annotated[str, typer.Option("--lang", help=both("schedcli.help.lang"))]
DbOpt = Annotated[str | None, typer.Option("--db", help=both("schedcli.help.db"))]


# --- Option parsing ----------------------------------------------------------------------


def parse_weights(items: list[str] | None) -> Weights:
    """`NAME=VALUE` items over the default weights; BadParameter (exit 2) if malformed."""
    from scheduler.weights import Weights

    base = Weights()
    values: dict[str, int] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not value.strip().isdigit():
            raise typer.BadParameter(
                both("schedcli.bad_weight", names=", ".join(Weights.names())),
                param_hint="--weight",
            )
        values[name.strip()] = int(value)
    try:
        return base.updated(values)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{exc}; " + both("schedcli.bad_weight", names=", ".join(Weights.names())),
            param_hint="--weight",
        ) from None


def next_monday(today: date) -> date:
    """The first Monday after `today` (a week ahead when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def parse_week_start(text: str | None, today: date | None = None) -> date:
    if text is None:
        return next_monday(today or date.today())
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day.weekday() != 0:
        raise typer.BadParameter(both("schedcli.bad_week"), param_hint="--week-start")
    return day


def check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise typer.BadParameter(both("schedcli.bad_lang"), param_hint="--lang")
    return lang


# --- Reading -----------------------------------------------------------------------------


def read_valid_school(path: Path) -> School:
    """The workbook's School; prints every problem, exits 2 if there is any error."""
    from workbook.reader import read_school

    result = read_school(path)
    for problem in result.problems.items:
        typer.echo(problem.render())
    errors = len(result.problems.errors)
    if result.school is None or errors:
        typer.echo(both("schedcli.invalid", errors=max(errors, 1)), err=True)
        raise typer.Exit(EXIT_INVALID)
    return result.school


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a schedule CSV; exit 2 if the file cannot be read as one."""
    from scheduler.check import read_schedule_csv

    try:
        return read_schedule_csv(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        typer.echo(both("schedcli.bad_schedule", detail=exc), err=True)
        raise typer.Exit(EXIT_INVALID) from None


def excused_sessions(schedule_csv: Path) -> set[tuple[str, int]]:
    """(activity_id, session) of the `unstaffed.csv` next to the schedule: the sessions a
    declared partial plan could not staff. Exit 2 if that file is not in the contract's form."""
    from scheduler.export import UNSTAFFED_FILE, read_unstaffed_csv

    path = schedule_csv.parent / UNSTAFFED_FILE
    if not path.is_file():
        return set()
    try:
        excused = read_unstaffed_csv(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        typer.echo(both("schedcli.bad_schedule", detail=exc), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(both("schedcli.excused", file=path, count=len(excused)))
    return excused


# --- Solving -----------------------------------------------------------------------------


class ProgressPrinter:
    """Prints a line per better solution, and bound-only news at most every BOUND_EVERY s.

    CP-SAT calls back from its own threads, hence the lock.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.best: float | None = None
        self.bound: float | None = None
        self.last_print = -BOUND_EVERY
        typer.echo(both("schedcli.progress_head"))

    def __call__(self, event: Progress) -> None:
        with self.lock:
            improved = event.objective is not None
            if improved:
                self.best = event.objective
            if event.bound is not None:
                self.bound = event.bound
            if improved or event.seconds - self.last_print >= BOUND_EVERY:
                self.last_print = event.seconds
                typer.echo(f"{event.seconds:9.2f}  {_fmt(self.best):>10}  {_fmt(self.bound):>10}")


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def announce(school: School, time_limit: float, seed: int, workers: int) -> None:
    typer.echo(
        both(
            "schedcli.solving",
            school=school.school_id,
            limit=time_limit,
            seed=seed,
            workers=workers or "all",
        )
    )


def solve_options(
    time_limit: float,
    seed: int,
    workers: int,
    weights: Weights,
    verbose: bool = True,
    partial: bool = False,
    deadline: Deadline | None = None,
    school: School | None = None,
) -> SolveOptions:
    """The solve's options. Given the school, the solve ends early enough to leave the
    writing and checking of its files inside the time limit (at most a quarter of it)."""
    from scheduler.clock import Deadline
    from scheduler.export import export_seconds
    from scheduler.solve import SolveOptions

    if school is not None:
        deadline = deadline or Deadline.after(time_limit)
        reserve = min(export_seconds(school), EXPORT_SHARE * time_limit)
        deadline = Deadline(deadline.at - reserve, deadline.clock)
    progress = ProgressPrinter() if verbose else None
    return SolveOptions(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        weights=weights,
        progress=progress,
        partial=partial,
        deadline=deadline,
    )


def stop_unless_solved(outcome: Outcome, time_limit: float) -> None:
    """Exit 3 with the reasons if infeasible, 4 if time ran out first; return if solved."""
    report = outcome.report
    typer.echo(
        both(
            "schedcli.solved",
            status=report.status,
            objective=_fmt(report.objective),
            bound=_fmt(report.bound),
            seconds=report.seconds,
        )
    )
    if report.status in ("optimal", "feasible"):
        return
    if report.status == "infeasible":
        print_reasons(outcome)
        raise typer.Exit(EXIT_INFEASIBLE)
    if report.status == "time_limit":
        typer.echo(both("schedcli.time_limit", limit=time_limit), err=True)
        raise typer.Exit(EXIT_NO_SOLUTION)
    typer.echo(both("schedcli.solver_failed", status=report.status), err=True)
    raise typer.Exit(EXIT_VIOLATIONS)


def print_reasons(outcome: Outcome) -> None:
    typer.echo(both("schedcli.infeasible"))
    if not outcome.reasons:
        typer.echo(f"  - {both('schedcli.no_reason')}")
    for reason in outcome.reasons:
        typer.echo(f"  - {reason.message('zh')} / {reason.message('en')}")


# --- Writing, checking, storing ----------------------------------------------------------


@dataclass
class Run:
    """What a solved run writes: the workflow's outcome, where its school came from and
    how it was obtained."""

    outcome: Outcome
    source: Path
    settings: dict

    @property
    def school(self) -> School:
        return self.outcome.school

    @property
    def schedule(self) -> Schedule:
        assert self.outcome.schedule is not None  # a Run is made only of a solved outcome
        return self.outcome.schedule

    @property
    def report(self) -> Report:
        return self.outcome.report

    @property
    def inputs_hash(self) -> str:
        return self.outcome.inputs_hash


def write_outputs(run: Run, out: Path, week_start: date, lang: str, extra: dict) -> Path:
    """Write every file of a run into `out`; returns the schedule CSV's path."""
    from scheduler.export import (
        UNSTAFFED_FILE,
        write_penalties_csv,
        write_report_json,
        write_schedule_csv,
        write_schedule_xlsx,
        write_summary,
        write_teacher_ics,
        write_unstaffed_csv,
    )

    out.mkdir(parents=True, exist_ok=True)
    csv_path = write_schedule_csv(run.schedule, out / "schedule.csv")
    paths = [csv_path]
    if run.schedule.unstaffed:
        paths.append(write_unstaffed_csv(run.schedule, out / UNSTAFFED_FILE))
    else:  # an earlier partial plan's list would excuse sessions this plan must hold
        (out / UNSTAFFED_FILE).unlink(missing_ok=True)
    paths.append(write_schedule_xlsx(run.school, run.schedule, out / "schedule.xlsx", lang))
    write_teacher_ics(run.school, run.schedule, out / "ics", week_start)
    paths.append(out / "ics")
    paths.append(write_summary(run.report, run.school, run.schedule, out / "summary.md"))
    weights = run.report.weights
    paths.append(write_penalties_csv(run.school, run.schedule, weights, out / "penalties.csv"))
    paths.append(
        write_report_json(
            out / "report.json",
            run.report.as_dict(),
            school_id=run.school.school_id,
            inputs_hash=run.inputs_hash,
            **run.settings,
            **extra,
        )
    )
    for path in paths:
        typer.echo(both("schedcli.written", path=path))
    return csv_path


def run_checker(school: School, schedule_csv: Path, excused: set[tuple[str, int]]) -> list:
    """Check the file as written (not the in-memory schedule) and print the verdict."""
    from scheduler.check import check

    rows = read_rows(schedule_csv)
    violations = check(school, rows, excused)
    for v in violations:
        typer.echo(v.render())
    if violations:
        typer.echo(both("schedcli.check_failed", count=len(violations)))
    else:
        sessions = len({row["session_id"] for row in rows})
        typer.echo(both("schedcli.check_ok", sessions=sessions))
    return violations


def store_run(run: Run, db: str | None) -> None:
    """Save the schedule as a new version, importing the school first if its content is new."""
    from store.db import store_session
    from store.schedules import save_checked

    with store_session(db) as session:
        head = school_version_for(session, run.school, str(run.source))
        saved = save_checked(session, run.outcome, head.id)  # type: ignore[arg-type]
    typer.echo(
        both(
            "schedcli.stored",
            school_id=saved.school_id,
            version=saved.version,
            school_version=head.version,
        )
    )


def school_version_for(session, school: School, source: str):
    """The latest stored version with exactly this content, else a newly saved one."""
    from store.schools import version_with_content

    head, created = version_with_content(session, school, source)
    if created:
        typer.echo(
            both("schedcli.school_imported", school_id=school.school_id, version=head.version)
        )
    return head


def finish(run: Run, out: Path, week_start: date, lang: str, store: bool, db, extra: dict) -> None:
    """Write, check the written file, store if clean; exit 1 if the checker objects."""
    csv_path = write_outputs(run, out, week_start, lang, extra)
    if run_checker(run.school, csv_path, run.schedule.excused):
        typer.echo(both("schedcli.not_stored"), err=True)
        raise typer.Exit(EXIT_VIOLATIONS)
    if store:
        store_run(run, db)


# --- Commands ----------------------------------------------------------------------------


def schedule_cmd(
    workbook: WorkbookArg,
    out: OutOpt,
    time_limit: TimeLimitOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 0,
    weight: WeightOpt = None,
    week_start: WeekOpt = None,
    store: StoreOpt = True,
    lang: LangOpt = "zh",
    db: DbOpt = None,
    partial: PartialOpt = False,
) -> None:
    from scheduler.clock import Deadline
    from scheduler.service import schedule_school

    deadline = Deadline.after(time_limit)  # the promise covers reading the workbook too
    lang, weights = check_lang(lang), parse_weights(weight)
    week = parse_week_start(week_start)
    school = read_valid_school(workbook)
    announce(school, time_limit, seed, workers)
    options = solve_options(
        time_limit, seed, workers, weights, partial=partial, deadline=deadline, school=school
    )
    outcome = schedule_school(school, options)
    stop_unless_solved(outcome, time_limit)
    assert outcome.schedule is not None  # solved: stop_unless_solved returned
    if outcome.schedule.unstaffed:  # only with --partial: say so before the files
        missing = sum(u.missing for u in outcome.schedule.unstaffed)
        count = len(outcome.schedule.unstaffed)
        typer.echo(both("schedcli.partial", count=count, missing=missing), err=True)
    settings = {"seed": seed, "workers": workers, "time_limit": time_limit, "partial": partial}
    finish(run_of(outcome, workbook, settings), out, week, lang, store, db, {})


def run_of(outcome: Outcome, source: Path, settings: dict) -> Run:
    assert outcome.schedule is not None
    return Run(outcome, source, settings)


def check_cmd(
    workbook: WorkbookArg,
    schedule_csv: Annotated[
        Path, typer.Argument(help=both("schedcli.help.schedule_csv"), exists=True, dir_okay=False)
    ],
) -> None:
    school = read_valid_school(workbook)
    excused = excused_sessions(schedule_csv)
    if run_checker(school, schedule_csv, excused):
        raise typer.Exit(EXIT_VIOLATIONS)


def repair_cmd(
    workbook: WorkbookArg,
    previous_csv: Annotated[
        Path, typer.Argument(help=both("schedcli.help.previous"), exists=True, dir_okay=False)
    ],
    out: OutOpt,
    time_limit: TimeLimitOpt = 60.0,
    seed: SeedOpt = 0,
    workers: WorkersOpt = 0,
    weight: WeightOpt = None,
    week_start: WeekOpt = None,
    store: StoreOpt = True,
    lang: LangOpt = "zh",
    db: DbOpt = None,
) -> None:
    from scheduler.clock import Deadline
    from scheduler.export import schedule_from_rows
    from scheduler.service import schedule_school

    deadline = Deadline.after(time_limit)
    lang, weights = check_lang(lang), parse_weights(weight)
    week = parse_week_start(week_start)
    school = read_valid_school(workbook)
    previous = previous_schedule(school.school_id, previous_csv, schedule_from_rows)
    announce(school, time_limit, seed, workers)
    started = time.perf_counter()
    options = solve_options(time_limit, seed, workers, weights, deadline=deadline, school=school)
    outcome = schedule_school(school, options, previous)
    stop_unless_solved(outcome, time_limit)
    print_changes(outcome.changes)
    settings = {
        "seed": seed,
        "workers": workers,
        "time_limit": time_limit,
        "repair_seconds": round(time.perf_counter() - started, 3),
    }
    changes = [{"zh": c.message("zh"), "en": c.message("en")} for c in outcome.changes]
    extra = {"previous": str(previous_csv), "changes": changes}
    finish(run_of(outcome, workbook, settings), out, week, lang, store, db, extra)


def previous_schedule(school_id: str, path: Path, convert) -> Schedule:
    rows = read_rows(path)
    try:
        return convert(school_id, rows)
    except (KeyError, ValueError) as exc:
        typer.echo(both("schedcli.bad_schedule", detail=exc), err=True)
        raise typer.Exit(EXIT_INVALID) from None


def print_changes(changes: list) -> None:
    if not changes:
        typer.echo(both("schedcli.no_changes"))
        return
    typer.echo(both("schedcli.changes", count=len(changes)))
    for change in changes:
        typer.echo(f"  - {change.message('zh')} / {change.message('en')}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("schedule", help=both("schedcli.schedule"))(schedule_cmd)
    app.command("check", help=both("schedcli.check"))(check_cmd)
    app.command("repair", help=both("schedcli.repair"))(repair_cmd)
