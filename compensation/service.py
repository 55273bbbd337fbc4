"""Subsidies for a school or the county: the one workflow under `afterschool subsidies` and
the app's Subsidies page. Neither shell holds a step of its own; both call these.

1. Inputs. `read_inputs` gathers schools, weekly schedules, evidence and the policy from
   files or the database (the command line); the app reads its evidence with
   `sample_evidence` or `uploaded_evidence` and takes its policy from its form.
2. Pay. `subsidies_for_school` / `subsidies_for_county` (or `pay` for read inputs) run
   `compensation.run` and return one `SubsidyOutcome`: allocations, payslips (the
   explanations), the comparison, warnings, the policy used and where it came from.
   Given a store (a function opening a database session), the run is stored
   (`store.subsidy_runs.save_run`) and the outcome carries its id.
3. Show. `SubsidyOutcome.teacher_table` and `latest_stored` give the same per-teacher
   table for a live result and for the latest stored run.

Policy precedence (`resolve_policy`): a policy file, else the evidence's `policy` sheet,
else the documented defaults; a policy whose term is not the one asked for gets that
term's assumed calendar (`Term.default`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from compensation.evidence import Evidence, read_evidence
from compensation.policy import Policy, Term, load_policy_toml
from compensation.run import SubsidyResult, run_county, run_school
from compensation.schemes import BASELINE, DEFAULT, county_pool, run_schemes
from domain.problems import Problem, Problems
from domain.schedule import Schedule
from domain.school import School
from i18n import both

if TYPE_CHECKING:
    from sqlmodel import Session

# Where the policy of a run came from.
POLICY_FILE, POLICY_EVIDENCE, POLICY_DEFAULT, POLICY_GIVEN = "file", "evidence", "default", "given"
# The per-teacher table of the app (live result or stored run), one row per teacher.
TABLE_COLUMNS = (
    "teacher_id",
    "name",
    "location",
    "hours",
    "score5",
    "multiplier",
    "amount_fen",  # the main scheme's amount
    "reason_zh",
    "reason_en",
    "hour_only_fen",  # today's practice (the baseline scheme)
)

Store = Callable[[], AbstractContextManager["Session"]]
Progress = Callable[[int, int, str], None]


class InvalidInput(Exception):
    """Input a run cannot use: located problems (each its own line) or one message."""

    def __init__(
        self, problems: Sequence[Problem] = (), key: str | None = None, **params: object
    ) -> None:
        self.problems = tuple(problems)
        self.key = key
        self.params = params
        super().__init__(self.render())

    def render(self) -> str:
        lines = [p.render() for p in self.problems]
        if self.key:
            lines.append(both(self.key, **self.params))
        return "\n".join(lines)


@dataclass(frozen=True)
class SubsidyInputs:
    """Everything a run pays from."""

    schools: dict[str, School]
    schedules: dict[str, Schedule]
    evidence: Evidence
    policy: Policy
    policy_source: str
    county: bool = False

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(self.evidence.problems.warnings)


@dataclass(frozen=True)
class SubsidyOutcome:
    """One run: the result (allocations, payslips, comparison, inputs hash), the policy
    used and its source, the warnings met on the way, and the stored run's id."""

    result: SubsidyResult
    policy_source: str
    warnings: tuple[Problem, ...] = ()
    run_id: int | None = None

    @property
    def policy(self) -> Policy:
        return self.result.policy

    @property
    def main_scheme(self) -> str:
        return self.result.main_scheme

    def teacher_table(self) -> pd.DataFrame:
        """`TABLE_COLUMNS`: the main scheme's payslip lines beside today's practice."""
        slips = self.result.payslips[self.main_scheme]
        baseline = self.result.allocations[BASELINE].lines.set_index("key")["amount_fen"]
        table = slips[[c for c in TABLE_COLUMNS if c != "hour_only_fen"]].copy()
        table["hour_only_fen"] = slips["key"].map(baseline).astype(int)
        return table


@dataclass(frozen=True)
class StoredSubsidies:
    """The latest stored run of a school, as the app shows it."""

    run_id: int
    budget_fen: int
    table: pd.DataFrame  # TABLE_COLUMNS


# ------------------------------------------------------------------ 1. inputs


def with_term(policy: Policy, term_id: str) -> Policy:
    """The policy with the calendar of `term_id`: its own when it is that term's, else the
    assumed one (`Term.default`; an id it cannot read is an error)."""
    if policy.term is None or policy.term.term_id != term_id:
        return policy.with_term(Term.default(term_id))
    return policy


def resolve_policy(
    term_id: str, file_policy: Policy | None, evidence: Evidence
) -> tuple[Policy, str]:
    """The policy a run uses and its source: the file, else the evidence's policy sheet,
    else the defaults; with the calendar of `term_id`."""
    if file_policy is not None:
        policy, source = file_policy, POLICY_FILE
    elif evidence.policy is not None:
        policy, source = evidence.policy, POLICY_EVIDENCE
    else:
        policy, source = Policy(), POLICY_DEFAULT
    return with_term(policy, term_id), source


@contextmanager
def _database(db: str | None) -> Iterator[Session]:
    from store.db import store_session

    with store_session(db) as session:
        yield session


def read_schools(
    workbook: Path | None, db: str | None, school_id: str | None, county: bool
) -> dict[str, School]:
    """Schools from a workbook or a county folder of workbooks, else from the database;
    one school unless `county`. Problems in a workbook stop the run (InvalidInput)."""
    from workbook.reader import read_school

    if workbook is not None:
        xlsx = sorted(workbook.glob("*.xlsx")) if workbook.is_dir() else []
        paths = xlsx or [workbook]  # a county folder of workbooks, or one school
        schools, problems = {}, []
        for path in paths:
            result = read_school(path)
            problems += result.problems.errors
            if result.school is not None:
                schools[result.school.school_id] = result.school
        if problems:
            raise InvalidInput(problems)
    else:
        from store.schools import list_schools, load_school

        with _database(db) as session:
            ids = [s.school_id for s in list_schools(session)] if county else [school_id]
            schools = {sid: load_school(session, sid) for sid in ids if sid}
    if not county:
        if school_id not in schools:
            raise InvalidInput(key="comp.cli.no_school", school=school_id)
        schools = {school_id: schools[school_id]}
    return schools


def read_schedules(
    folder: Path | None, schools: dict[str, School], db: str | None, from_db: bool
) -> dict[str, Schedule]:
    """Weekly schedules: contract schedule CSV files named <school_id>.csv (or one file for
    one school), else each school's latest stored schedule when `from_db`."""
    from compensation.samplegen import read_schedule_csv

    out = {}
    if folder is not None:
        files = [folder] if folder.is_file() else sorted(folder.glob("*.csv"))
        for path in files:
            sid = path.stem if len(schools) > 1 or folder.is_dir() else next(iter(schools))
            if sid in schools:
                out[sid] = read_schedule_csv(path, sid)
        return out
    if from_db:
        from store.schedules import load_schedule

        with _database(db) as session:
            for sid in schools:
                try:
                    out[sid] = load_schedule(session, sid)[0]
                except LookupError:
                    continue
    return out


def read_inputs(
    term_id: str,
    *,
    school_id: str | None = None,
    county: bool = False,
    policy_file: Path | None = None,
    evidence_path: Path | None = None,
    workbook: Path | None = None,
    schedules: Path | None = None,
    db: str | None = None,
    on_warnings: Callable[[tuple[Problem, ...]], None] | None = None,
) -> SubsidyInputs:
    """Everything `afterschool subsidies` pays from. Without `workbook` the schools (and
    their latest schedules) come from the database. `on_warnings` sees the evidence's
    warnings as soon as it is read; evidence with errors stops the run (InvalidInput)."""
    if not county and not school_id:
        raise InvalidInput(key="comp.cli.scope")
    file_policy = load_policy_toml(policy_file) if policy_file else None
    schools = read_schools(workbook, db, school_id, county)
    evidence = (
        read_evidence(evidence_path, file_policy or Policy(), schools)
        if evidence_path
        else Evidence()
    )
    policy, source = resolve_policy(term_id, file_policy, evidence)
    if on_warnings is not None:
        on_warnings(tuple(evidence.problems.warnings))
    if evidence.problems.errors:
        raise InvalidInput(evidence.problems.errors)
    plans = read_schedules(schedules, schools, db, from_db=workbook is None)
    return SubsidyInputs(schools, plans, evidence, policy, source, county)


def sample_evidence(
    school: School, schedule: Schedule | None, term: Term
) -> tuple[Evidence, Schedule]:
    """Generated evidence for one school (compensation.samplegen), read by the evidence
    reader, and the week it was generated for: the stored schedule, else the generator's
    plausible load."""
    from compensation.samplegen import DEFAULT_SEED, generate, write_sample

    sid = school.school_id
    sample = generate([school], term, DEFAULT_SEED, {sid: schedule} if schedule else None)
    with tempfile.TemporaryDirectory() as folder:
        write_sample(sample, Path(folder))
        evidence = read_evidence(Path(folder), None, {sid: school})
    return evidence, sample.schedules[sid]


def uploaded_evidence(name: str, data: bytes, school: School) -> Evidence:
    """An uploaded evidence workbook, or a zip of its CSV sheets, read by the evidence
    reader after the workbook door's size and zip-bomb checks."""
    from workbook.load import zip_csv_files
    from workbook.safety import check_size

    problems = Problems()
    is_zip = name.lower().endswith(".zip")
    ok = check_size(len(data), name, problems)
    found = zip_csv_files(data, name, problems) if ok and is_zip else ([], [])
    if not ok or found is None:
        return Evidence(problems=problems)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if is_zip:
            for member, content in found[0]:
                (root / member).write_bytes(content)
            source = root
        else:
            source = root / "evidence.xlsx"
            source.write_bytes(data)
        return read_evidence(source, None, {school.school_id: school})


# ------------------------------------------------------------------ 2. pay


def _outcome(result: SubsidyResult, source: str, store: Store | None) -> SubsidyOutcome:
    run_id = None
    if store is not None:
        from store.subsidy_runs import save_run

        with store() as session:
            run_id = save_run(session, result).id
    # result.problems: the evidence's problems and those met applying the delivery log.
    return SubsidyOutcome(result, source, tuple(result.problems.warnings), run_id)


def subsidies_for_school(
    school: School,
    policy: Policy,
    evidence: Evidence,
    schedule: Schedule | None = None,
    *,
    scheme: str = DEFAULT,
    policy_source: str = POLICY_GIVEN,
    store: Store | None = None,
) -> SubsidyOutcome:
    """One school's term, paid by `scheme` beside today's practice (its own budget)."""
    result = run_school(school, policy, evidence, schedule, run_schemes(scheme))
    return _outcome(result, policy_source, store)


def subsidies_for_county(
    schools: dict[str, School],
    policy: Policy,
    evidence: Evidence,
    schedules: dict[str, Schedule] | None = None,
    *,
    scheme: str = DEFAULT,
    pooled: bool = False,
    progress: Progress | None = None,
    policy_source: str = POLICY_GIVEN,
    store: Store | None = None,
) -> SubsidyOutcome:
    """Every school: each its own budget, or one county budget when `pooled` or when the
    scheme needs one (LP)."""
    computed = run_schemes(scheme)
    result = run_county(
        schools,
        policy,
        evidence,
        schedules,
        computed,
        pooled=pooled or county_pool(computed),
        progress=progress,
    )
    return _outcome(result, policy_source, store)


def pay(
    inputs: SubsidyInputs,
    *,
    scheme: str = DEFAULT,
    pooled: bool = False,
    progress: Progress | None = None,
    store: Store | None = None,
) -> SubsidyOutcome:
    """`subsidies_for_county` or `subsidies_for_school` over read inputs."""
    common = {"scheme": scheme, "policy_source": inputs.policy_source, "store": store}
    if inputs.county:
        return subsidies_for_county(
            inputs.schools,
            inputs.policy,
            inputs.evidence,
            inputs.schedules,
            pooled=pooled,
            progress=progress,
            **common,
        )
    (sid, school), *_ = inputs.schools.items()
    return subsidies_for_school(
        school, inputs.policy, inputs.evidence, inputs.schedules.get(sid), **common
    )


def database_store(db: str | None) -> Store:
    """A store for `pay`: a session on the database at `db` (default: DATABASE_URL)."""
    return lambda: _database(db)


# ------------------------------------------------------------------ 3. show


def latest_stored(session: Session, school_id: str) -> StoredSubsidies | None:
    """The school's latest stored run as `TABLE_COLUMNS` (None before the first run)."""
    from store.subsidy_runs import latest_run

    found = latest_run(session, school_id)
    if found is None:
        return None
    run, lines = found
    rows = [
        {
            **{c: getattr(line, c) for c in TABLE_COLUMNS if c != "hour_only_fen"},
            "hour_only_fen": line.amount_fen if line.hour_only_fen is None else line.hour_only_fen,
        }
        for line in lines
    ]
    return StoredSubsidies(run.id, run.budget_fen, pd.DataFrame(rows))  # type: ignore[arg-type]
