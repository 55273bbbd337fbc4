"""`afterschool allocate`: students to clubs from the choices sheet, on the command line.

Writes enrolments.csv, letters.xlsx / letters.csv (for parents) and summary.md into
`--out`, and stores the allocation as a new version; `--schedule` also schedules the week
with the allocated enrolments and writes it into `--out`/schedule, exactly as
`afterschool schedule` does, beside the workbook it was made from (school.xlsx: the school
with the allocated enrolments). With the optimal method `--schedule` is the joint mode
(choices/joint.py): the clubs' slots are chosen with the places, so the allocation always
has its checked week; `--no-joint` allocates first and schedules after. Every step is a
call of choices/service.py (the app's Choices page calls the same) or of the schedule
command's helpers.

Exit codes as for `afterschool schedule`: 0 fine; 2 invalid input (every problem located,
as `afterschool validate` prints it); with `--schedule`, 1, 3 and 4 as there.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.schedule_cmds import (
    EXIT_INVALID,
    DbOpt,
    OutOpt,
    SeedOpt,
    StoreOpt,
    TimeLimitOpt,
    WeekOpt,
    WorkbookArg,
    WorkersOpt,
    announce,
    check_lang,
    finish,
    parse_week_start,
    parse_weights,
    read_valid_school,
    run_of,
    school_version_for,
    solve_options,
    stop_unless_solved,
)
from i18n import both, t

if TYPE_CHECKING:
    from choices.service import AllocationOutcome
    from domain.school import School
    from scheduler.service import Outcome
    from scheduler.solve import SolveOptions

METHODS = ("optimal", "lottery", "fcfs")  # choices.allocate.METHODS, without importing OR-Tools
SCHEDULE_FOLDER = "schedule"
SCHOOL_FILE = "school.xlsx"  # the allocated school, beside its schedule

MethodOpt = Annotated[str, typer.Option("--method", help=both("choices.cli.help.method"))]
LangOpt = Annotated[str, typer.Option("--lang", help=both("choices.cli.help.lang"))]
ScheduleOpt = Annotated[
    bool, typer.Option("--schedule/--no-schedule", help=both("choices.cli.help.schedule"))
]
JointOpt = Annotated[bool, typer.Option("--joint/--no-joint", help=both("choices.cli.help.joint"))]


def both_for(key: str, method: str, **params: object) -> str:
    """`both`, with the method named in each language (not both names twice)."""
    return " / ".join(
        t(key, lang, method=t(f"choices.method.{method}", lang), **params) for lang in ("zh", "en")
    )


def check_method(method: str) -> str:
    if method not in METHODS:
        raise typer.BadParameter(
            both("choices.cli.bad_method", methods=", ".join(METHODS)), param_hint="--method"
        )
    return method


class StagePrinter:
    """A line per finished stage of each method, with the time since the start."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, method: str, done: int, total: int) -> None:
        seconds = time.perf_counter() - self.started
        line = both_for("choices.cli.stage", method, done=done, total=total, seconds=seconds)
        typer.echo("  " + line)


def allocate_school(school: School, method: str, seed: int) -> AllocationOutcome:
    """The allocation of the service, with progress lines; exit 2 without choices."""
    from choices.service import InvalidChoices, run_allocation

    students = len({c.student_id for c in school.choices})
    typer.echo(
        both_for(
            "choices.cli.allocating", method, school=school.school_id, students=students, seed=seed
        )
    )
    try:
        return run_allocation(school, method, seed, progress=StagePrinter())
    except InvalidChoices as invalid:
        typer.echo(invalid.render(), err=True)
        raise typer.Exit(EXIT_INVALID) from None


def print_shares(outcome: AllocationOutcome) -> None:
    for s in outcome.summaries:
        typer.echo(
            "  "
            + both_for(
                "choices.cli.shares",
                s.method,
                first=f"{s.first:.1%}",
                top3=f"{s.top3:.1%}",
                nothing=f"{s.nothing:.1%}",
                left=s.seats_left,
            )
        )


def store_outcome(outcome: AllocationOutcome, source: Path, db: str | None) -> None:
    """Save the allocation (and the school version it came from, if new)."""
    from choices.service import store_allocation
    from store.db import store_session

    with store_session(db) as session:
        school = school_version_for(session, outcome.school, str(source))
        saved, _, _ = store_allocation(session, outcome, str(source))
    typer.echo(
        both(
            "choices.cli.stored",
            school_id=saved.school_id,
            version=saved.version,
            school_version=school.version,
        )
    )


def week_options(settings: dict, school: School) -> SolveOptions:
    """The solve's options from the command's settings, by one deadline from now (leaving
    the writing of `school`'s files inside it)."""
    from scheduler.clock import Deadline

    limit = settings["time_limit"]
    return solve_options(
        limit,
        settings["seed"],
        settings["workers"],
        parse_weights(None),
        deadline=Deadline.after(limit),
        school=school,
    )


def schedule_outcome(
    outcome: AllocationOutcome,
    source: Path,
    out: Path,
    settings: dict,
    store: bool,
    db: str | None,
) -> None:
    """Schedule the allocated school and write, check and store it as `schedule` does."""
    from choices.service import schedule_allocated

    announce(outcome.enrolled, settings["time_limit"], settings["seed"], settings["workers"])
    scheduled = schedule_allocated(outcome, week_options(settings, outcome.enrolled))
    write_week(outcome, scheduled, source, out, settings, store, db)


def write_week(
    outcome: AllocationOutcome,
    scheduled: Outcome,
    source: Path,
    out: Path,
    settings: dict,
    store: bool,
    db: str | None,
) -> None:
    """The allocated school's week written, checked from the file and stored, as
    `schedule` does (exit 3 or 4 without a week, 1 if the checker objects)."""
    from workbook.writer import write_xlsx

    stop_unless_solved(scheduled, settings["time_limit"])
    # The workbook the week was made from, so `afterschool check` can verify it alone.
    folder = out / SCHEDULE_FOLDER
    school_path = write_xlsx(outcome.enrolled, folder / SCHOOL_FILE, lang=settings["lang"])
    typer.echo(both("schedcli.written", path=school_path))
    made = {"method": outcome.allocation.method, "seed": outcome.allocation.seed}
    if outcome.joint is not None:
        made["joint"] = outcome.joint.path
    kept = {k: settings[k] for k in ("seed", "workers", "time_limit")}
    run = run_of(scheduled, source, kept)
    finish(run, folder, settings["week"], settings["lang"], store, db, {"allocation": made})


def allocate_jointly(school: School, settings: dict) -> tuple[AllocationOutcome, Outcome]:
    """The joint mode of the service, with progress lines; exit 2 without choices."""
    from choices.service import InvalidChoices, run_joint

    seed = settings["seed"]
    students = len({c.student_id for c in school.choices})
    typer.echo(
        both_for(
            "choices.cli.allocating", "joint", school=school.school_id, students=students, seed=seed
        )
    )
    announce(school, settings["time_limit"], seed, settings["workers"])
    try:
        options = week_options(settings, school)
        return run_joint(school, seed, options, progress=StagePrinter())
    except InvalidChoices as invalid:
        typer.echo(invalid.render(), err=True)
        raise typer.Exit(EXIT_INVALID) from None


def print_joint(outcome: AllocationOutcome) -> None:
    """How the joint mode found its week, and the allocation against the bound."""
    info = outcome.joint
    if info is None:
        return
    typer.echo("  " + both(f"choices.joint.path.{info.path}"))
    if info.at_bound:
        typer.echo("  " + both("choices.joint.at_bound"))
    else:
        first, now = f"{info.upper.first:.1%}", f"{outcome.summary.first:.1%}"
        typer.echo("  " + both("choices.joint.below_bound", first=first, now=now))


def allocate_cmd(
    workbook: WorkbookArg,
    out: OutOpt,
    method: MethodOpt = "optimal",
    seed: SeedOpt = 0,
    schedule: ScheduleOpt = False,
    joint: JointOpt = True,
    lang: LangOpt = "zh",
    store: StoreOpt = True,
    db: DbOpt = None,
    time_limit: TimeLimitOpt = 60.0,
    workers: WorkersOpt = 0,
    week_start: WeekOpt = None,
) -> None:
    from choices.service import write_files

    method, lang = check_method(method), check_lang(lang)
    week = parse_week_start(week_start)
    school = read_valid_school(workbook)
    settings = {
        "seed": seed,
        "workers": workers,
        "time_limit": time_limit,
        "week": week,
        "lang": lang,
    }
    scheduled = None
    if schedule and joint and method == "optimal":
        outcome, scheduled = allocate_jointly(school, settings)
    else:
        outcome = allocate_school(school, method, seed)
    print_shares(outcome)
    print_joint(outcome)
    for path in write_files(outcome, out, lang):
        typer.echo(both("schedcli.written", path=path))
    if store:
        store_outcome(outcome, workbook, db)
    if scheduled is not None:
        write_week(outcome, scheduled, workbook, out, settings, store, db)
    elif schedule:
        schedule_outcome(outcome, workbook, out, settings, store, db)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("allocate", help=both("choices.cli.help"))(allocate_cmd)
