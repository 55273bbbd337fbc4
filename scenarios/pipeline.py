"""County in, results out: read -> build -> schedule (pool/Dask, cached) -> pay -> totals.

`run_county` is the one scenario workflow under `afterschool scenario run` and the app's
Scenarios page: it reads a county folder (optionally a few of its schools) and the quality
evidence, then runs `run_scenario`, which works on School values (tests, benchmarks).
Every plan goes through the scheduling workflow's independent checker (scenarios/engine.py).
`write_run` stores a run folder that `load_run` (and `scenario compare`) reads back:

    schools.csv     one row per school and stage (every number the totals add up)
    unstaffed.csv   sessions a partial plan could not staff: school, skill, slot, missing
    teachers.csv    one line per paid teacher: class hours, quality score, what was paid
    failures.csv    schools that could not be read, scheduled or priced
    summary.json    county totals, by stage / location, run statistics
    scenario.toml   the levers as run
    report.xlsx / report.html
    schools/<id>/   each school's plan in the contract's form: `schedule.csv` (fully staffed
                    sessions), `unstaffed.csv` (the rest, how many teachers short; header
                    only when nothing is) and `workbook/`, the week the levers built, as a
                    CSV-folder workbook, so `afterschool check schools/<id>/workbook
                    schools/<id>/schedule.csv` re-verifies the plan
"""

from __future__ import annotations

import csv
import json
import math
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from compensation.errors import CompensationError
from compensation.evidence import Evidence, read_evidence
from domain.problems import ERROR, Problem, problem
from domain.school import School
from scenarios.aggregate import Aggregates, aggregate, rows_frame, unstaffed_frame
from scenarios.build import build_county
from scenarios.engine import Cache, Event, RunStats, schedule_schools
from scenarios.levers import Scenario, build_scenario, policy_of, to_toml
from scenarios.money import (
    TEACHER_COLUMNS,
    SchoolFacts,
    SchoolResult,
    allocate_pay,
    school_facts,
    school_result,
)
from workbook.reader import find_school_sources, read_school
from workbook.safety import csv_unescape_dict, safe_frame, unescape_frame

FAILURE_COLUMNS = ("school_id", "step", "status", "reason")
COUNTY_SUMMARY = "county.csv"  # optional, one row per school (samplegen/county.py writes it)
EVIDENCE_NAMES = ("evidence", "evidence.xlsx")  # looked for inside the county folder


@dataclass
class RunResult:
    scenario: Scenario
    results: dict[str, SchoolResult]
    failures: list[dict]
    stats: RunStats
    aggregates: Aggregates
    timings: dict[str, float] = field(default_factory=dict)
    quality: dict = field(default_factory=dict)  # the scheme and the evidence it used

    @property
    def rows(self) -> list[dict]:
        return [r for sid in sorted(self.results) for r in self.results[sid].rows]

    @property
    def unstaffed(self) -> list[dict]:
        return [u for sid in sorted(self.results) for u in self.results[sid].unstaffed]

    @property
    def teachers(self) -> list[dict]:
        return [t for sid in sorted(self.results) for t in self.results[sid].teachers]


@dataclass(frozen=True)
class QualityEvidence:
    """Ratings, facts and conflicts for the quality scores of a hypothetical plan, and
    where they came from. `evidence` None: every teacher at a neutral score."""

    evidence: Evidence | None = None
    source: str = ""
    errors: int = 0  # problems found reading it (then it is not used)
    problems: tuple[Problem, ...] = ()  # those problems, located, for the command line


class InvalidEvidence(Exception):
    """The evidence a run was given has errors: the run stops before any school is
    scheduled rather than price every teacher at a neutral score."""

    def __init__(self, quality: QualityEvidence) -> None:
        self.quality = quality
        super().__init__(f"{quality.source}: {quality.errors} errors")


def find_evidence(county_dir: Path | str) -> Path | None:
    """The county's evidence: `evidence/` (CSV files named after the sheets, as
    data/sample_evidence) or `evidence.xlsx` inside the county folder; None if neither."""
    for name in EVIDENCE_NAMES:
        path = Path(county_dir) / name
        if path.exists():
            return path
    return None


def read_quality_evidence(
    source: Path | None, schools: dict[str, School], scenario: Scenario
) -> QualityEvidence:
    """Only ratings, facts and conflicts are used: a delivery log records a real term,
    not the hypothetical plan. Evidence with errors is not used (the report says so)."""
    if source is None:
        return QualityEvidence()
    try:
        ev = read_evidence(source, policy_of(scenario), schools)
    except CompensationError as exc:
        located = tuple(exc.located) or (problem(ERROR, exc.key, file=str(source), **exc.params),)
        return QualityEvidence(None, source.name, errors=len(located), problems=located)
    except (OSError, ValueError) as exc:
        unreadable = problem(ERROR, "wb.file.corrupt", file=str(source), reason=str(exc))
        return QualityEvidence(None, source.name, errors=1, problems=(unreadable,))
    if ev.problems.errors:
        errors = tuple(ev.problems.errors)
        return QualityEvidence(None, source.name, errors=len(errors), problems=errors)
    kept = Evidence(ratings=ev.ratings, facts=ev.facts, conflicts=ev.conflicts)
    return QualityEvidence(kept, source.name)


def quality_summary(scenario: Scenario, quality: QualityEvidence, teachers: list[dict]) -> dict:
    if quality.evidence is not None:
        status = "evidence"
    else:
        status = "invalid" if quality.errors else "neutral"
    return {
        "scheme": scenario.scheme,
        "status": status,
        "source": quality.source,
        "errors": quality.errors,
        "teachers": len(teachers),
        "teachers_with_evidence": sum(1 for t in teachers if t["evidence_sources"] > 0),
    }


def county_summary(county_dir: Path | str) -> list[dict[str, str]] | None:
    """The rows of the county's optional `county.csv` summary (school_id, name, town, ...;
    written with safety.csv_dict), or None when there is none. Cheap: no workbook is read."""
    path = Path(county_dir) / COUNTY_SUMMARY
    if not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(map(csv_unescape_dict, csv.DictReader(f)))


def load_towns(county_dir: Path | str) -> dict[str, str]:
    """school_id -> town from the county summary (used by the rotation lever and the
    reports); {} when absent."""
    rows = county_summary(county_dir) or []
    return {r["school_id"]: r.get("town") or "" for r in rows if r.get("school_id")}


def read_schools(county_dir: Path | str) -> tuple[dict[str, School], list[dict]]:
    """Every readable school of the folder, and a failure row for each one that is not."""
    schools, failures = {}, []
    for source in find_school_sources(county_dir):
        result = read_school(source)
        if result.school is None:
            reason = "; ".join(p.render() for p in result.problems.errors[:3])
            failures.append(
                {"school_id": source.stem, "step": "read", "status": "invalid", "reason": reason}
            )
        else:
            schools[result.school.school_id] = result.school
    return schools, failures


def run_scenario(
    schools: dict[str, School],
    scenario: Scenario,
    towns: dict[str, str] | None = None,
    engine: str = "local",
    workers: int = 2,
    address: str | None = None,
    cache: Cache | None = None,
    progress: Callable[[Event], None] | None = None,
    failures: list[dict] | None = None,
    quality: QualityEvidence | None = None,
) -> RunResult:
    towns = towns or {}
    quality = quality or QualityEvidence()
    failures = list(failures or [])
    t0 = time.perf_counter()
    built = build_county(schools, scenario, towns)
    t1 = time.perf_counter()
    ordered = [built[sid] for sid in sorted(built)]
    outcomes, stats = schedule_schools(
        ordered, scenario.solver, engine, workers, address, cache, progress
    )
    t2 = time.perf_counter()
    facts: dict[str, SchoolFacts] = {}
    for sid in sorted(outcomes):
        outcome = outcomes[sid]
        if not outcome.ok:
            reason = outcome.error or outcome.status
            failures.append(
                {"school_id": sid, "step": "solve", "status": outcome.status, "reason": reason}
            )
            continue
        try:
            facts[sid] = school_facts(built[sid], outcome, scenario, towns.get(sid, ""))
        except Exception as exc:  # a school that cannot be priced is reported, not fatal
            failures.append(_money_failure(sid, exc))
    lines, unpaid = allocate_pay(facts, scenario, quality.evidence)
    results: dict[str, SchoolResult] = {}
    for sid in sorted(facts):
        if sid in unpaid:
            failures.append(
                {"school_id": sid, "step": "money", "status": "error", "reason": unpaid[sid]}
            )
            continue
        try:
            results[sid] = school_result(facts[sid], lines[sid], scenario)
        except Exception as exc:
            failures.append(_money_failure(sid, exc))
    rows = [r for sid in sorted(results) for r in results[sid].rows]
    gaps = [u for sid in sorted(results) for u in results[sid].unstaffed]
    aggregates = aggregate(rows_frame(rows), unstaffed_frame(gaps))
    t3 = time.perf_counter()
    timings = {
        "build_seconds": round(t1 - t0, 3),
        "schedule_seconds": round(t2 - t1, 3),
        "money_seconds": round(t3 - t2, 3),
    }
    teachers = [t for sid in sorted(results) for t in results[sid].teachers]
    summary = quality_summary(scenario, quality, teachers)
    return RunResult(scenario, results, failures, stats, aggregates, timings, summary)


def _money_failure(sid: str, exc: Exception) -> dict:
    reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return {"school_id": sid, "step": "money", "status": "error", "reason": reason}


def run_county(
    county_dir: Path | str,
    scenario: Scenario,
    evidence: Path | None = None,
    on_quality: Callable[[QualityEvidence], None] | None = None,
    only: Collection[str] = (),
    own_evidence: bool = True,
    **kwargs: object,
) -> RunResult:
    """Read the county folder, then `run_scenario` (unreadable schools become failures).

    `only`: just these school ids (a quick trial); empty: every school. Quality evidence:
    `evidence` when given, else the county folder's own (`find_evidence`) unless
    `own_evidence` is False, else none (neutral scores). `on_quality` sees it before any
    school is scheduled (to report it, or to stop the run by raising). Given evidence with
    errors stops the run (InvalidEvidence) instead of paying an hour of solving for a
    neutral-score run; the folder's own is then not used, and the run goes on."""
    t0 = time.perf_counter()
    schools, failures = read_schools(county_dir)
    if only:
        schools = {sid: s for sid, s in schools.items() if sid in only}
        failures = [f for f in failures if f["school_id"] in only]
    own = find_evidence(county_dir) if own_evidence else None
    quality = read_quality_evidence(evidence or own, schools, scenario)
    if on_quality is not None:
        on_quality(quality)
    if quality.errors and evidence is not None:
        raise InvalidEvidence(quality)
    read_seconds = round(time.perf_counter() - t0, 3)
    result = run_scenario(
        schools,
        scenario,
        towns=load_towns(county_dir),
        failures=failures,
        quality=quality,
        **kwargs,
    )
    result.timings = {"read_seconds": read_seconds, **result.timings}
    return result


# ------------------------------------------------------------------ run folders


def _clean(value: object) -> object:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def summary_of(result: RunResult) -> dict:
    agg = result.aggregates
    stats = asdict(result.stats)
    times = sorted(stats.pop("solve_seconds"))
    stats["solve_seconds_total"] = round(sum(times), 3)
    stats["solve_seconds_max"] = times[-1] if times else 0.0
    stats["solve_seconds_median"] = times[len(times) // 2] if times else 0.0

    def records(frame: pd.DataFrame) -> list[dict]:
        return [{k: _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]

    return {
        "scenario": {
            "id": result.scenario.scenario_id,
            "name_zh": result.scenario.name_zh,
            "name_en": result.scenario.name_en,
            "term": result.scenario.term.term_id,
            "term_months": result.scenario.term.months,
        },
        "county": {k: _clean(v) for k, v in agg.county.items()},
        "by_stage": records(agg.by_stage),
        "by_location": records(agg.by_location),
        "stats": stats,
        "quality": result.quality,
        "timings": result.timings,
        "failures": len(result.failures),
    }


def write_run(
    result: RunResult, out: Path | str, lang: str = "zh", report: bool = True
) -> dict[str, Path]:
    """Write the run folder (see module doc); returns the paths written."""
    from scenarios.report import write_run_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "schools": out / "schools.csv",
        "unstaffed": out / "unstaffed.csv",
        "teachers": out / "teachers.csv",
        "failures": out / "failures.csv",
        "summary": out / "summary.json",
        "scenario": out / "scenario.toml",
    }
    # safe_frame: formula-like text (a school named "=...") is quoted; load_run unquotes.
    safe_frame(rows_frame(result.rows)).to_csv(paths["schools"], index=False, encoding="utf-8-sig")
    safe_frame(unstaffed_frame(result.unstaffed)).to_csv(
        paths["unstaffed"], index=False, encoding="utf-8-sig"
    )
    safe_frame(pd.DataFrame(result.teachers, columns=list(TEACHER_COLUMNS))).to_csv(
        paths["teachers"], index=False, encoding="utf-8-sig"
    )
    safe_frame(pd.DataFrame(result.failures, columns=list(FAILURE_COLUMNS))).to_csv(
        paths["failures"], index=False, encoding="utf-8-sig"
    )
    paths["summary"].write_text(
        json.dumps(summary_of(result), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    paths["scenario"].write_text(to_toml(result.scenario), encoding="utf-8")
    paths["plans"] = write_school_plans(result, out / "schools")
    if report:
        paths.update(write_run_report(load_run(out), out, lang))
    return paths


def write_school_plans(result: RunResult, folder: Path) -> Path:
    """Each scheduled school's partial plan as the contract says (see module doc)."""
    from scheduler.export import UNSTAFFED_FILE, write_schedule_csv, write_unstaffed_csv
    from workbook.writer import write_csv_folder

    for sid, res in sorted(result.results.items()):
        if res.school is None or res.schedule is None:
            continue
        target = folder / sid
        write_csv_folder(res.school, target / "workbook")
        write_schedule_csv(res.schedule, target / "schedule.csv")
        write_unstaffed_csv(res.schedule, target / UNSTAFFED_FILE)
    return folder


@dataclass
class RunData:
    """A run folder read back: enough to report and compare without rerunning."""

    folder: Path
    scenario: Scenario
    summary: dict
    aggregates: Aggregates
    failures: pd.DataFrame

    def name(self, lang: str = "zh") -> str:
        return self.scenario.name(lang)


def load_run(folder: Path | str) -> RunData:
    import tomllib

    folder = Path(folder)
    scenario = build_scenario(
        tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8")), "scenario.toml"
    )
    text = {"school_id": str, "name": str, "town": str, "slot_id": str, "activity_id": str}
    rows = unescape_frame(
        pd.read_csv(folder / "schools.csv", encoding="utf-8-sig", dtype=text, keep_default_na=False)
    )
    gaps = unescape_frame(
        pd.read_csv(
            folder / "unstaffed.csv", encoding="utf-8-sig", dtype=text, keep_default_na=False
        )
    )
    failures = unescape_frame(
        pd.read_csv(folder / "failures.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return RunData(folder, scenario, summary, aggregate(rows, gaps), failures)
