"""The whole pipeline for a school or a county: evidence -> scores -> allocation -> explanation.

`run_pipeline` is pure over DataFrames (a teacher-load table, ratings, facts, conflicts);
`run_school` / `run_county` first turn schedules and delivery logs into that load. Every
result carries an inputs hash (sha256 over canonical, order-independent inputs and the
policy): the same inputs give the same hash and identical output.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compensation.allocate import Allocation, allocate, allowances_fen, to_fen
from compensation.compare import Comparison, compare
from compensation.delivery import (
    apply_log,
    attendance_facts,
    fee_income_fen,
    planned_from_schedule,
    teacher_load,
)
from compensation.errors import CompensationError
from compensation.evidence import Evidence
from compensation.explain import payslips
from compensation.policy import Policy, Term
from compensation.schemes import BASELINE, DEFAULT, compared, county_pool, main_scheme
from compensation.scores import ScoreResult, compute_scores
from domain.problems import Problems
from domain.schedule import Schedule
from domain.school import School

DEFAULT_SCHEMES = (BASELINE, DEFAULT)


@dataclass
class SubsidyResult:
    scope: str  # a school_id, or "county"
    term_id: str
    policy: Policy
    budget_fen: int
    teachers: pd.DataFrame  # load + names + locations, one row per teacher (key)
    scores: ScoreResult
    allocations: dict[str, Allocation]
    payslips: dict[str, pd.DataFrame]
    comparison: Comparison | None
    inputs_hash: str
    problems: Problems = field(default_factory=Problems)

    @property
    def main_scheme(self) -> str:
        return main_scheme(self.allocations)

    @property
    def baseline(self) -> Allocation | None:
        """Today's practice (hour-only), when the run computed it."""
        return self.allocations.get(BASELINE)


def _canonical(frame: pd.DataFrame | None, cols: list[str]) -> list[list[object]]:
    if frame is None or frame.empty:
        return []
    f = frame[[c for c in cols if c in frame]].copy()
    for c in f.columns:
        f[c] = f[c].map(
            lambda v: (
                None
                if v is None or (isinstance(v, float) and np.isnan(v))
                else (round(v, 6) if isinstance(v, float) else str(v))
            )
        )
    rows = f.astype(object).where(f.notna(), None).values.tolist()
    return sorted(rows, key=lambda r: json.dumps(r, default=str))


def inputs_hash(
    policy: Policy, scope: str, load: pd.DataFrame, ratings, facts, conflicts, budget_fen: int
) -> str:
    """sha256 of the canonical inputs: row order and column order do not matter."""
    data = {
        "scope": scope,
        "policy": policy.to_json(),
        "budget_fen": budget_fen,
        "load": _canonical(
            load,
            [
                "key",
                "location",
                "hours",
                "weekend_hours",
                "self_study_sessions",
                "kind",
                "basic_hours",
                "name",
            ],
        ),
        "ratings": _canonical(
            ratings,
            ["school_id", "teacher_id", "source", "rater_id", "score", "scale", "date", "conflict"],
        ),
        "facts": _canonical(facts, ["school_id", "teacher_id", "measure", "value", "date"]),
        "conflicts": _canonical(conflicts, ["school_id", "rater_id", "teacher_id"]),
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def budget_for(
    policy: Policy, load: pd.DataFrame, occ: pd.DataFrame | None, locations: dict[str, str | None]
) -> int:
    """The budget in fen, by `budget_mode` (see policy sources)."""
    if policy.budget_mode == "fixed":
        budget = to_fen(policy.budget_yuan or 0.0)
    elif policy.budget_mode == "fees":
        if policy.fee_income_yuan is not None:
            income = to_fen(policy.fee_income_yuan)
        else:
            income = fee_income_fen(occ, locations, policy) if occ is not None else 0
        budget = round(income * policy.teacher_share) + to_fen(policy.public_topup_yuan)
    else:
        hours_part = int(
            np.rint(load["hours"].to_numpy(dtype=float) * policy.base_rate_yuan * 100).sum()
        )
        budget = hours_part + int(allowances_fen(load, policy).sum())
    if budget < 0:
        raise CompensationError("comp.budget.negative", budget=budget / 100)
    return budget


def score_and_allocate(
    load: pd.DataFrame,
    policy: Policy,
    budget_fen: int,
    ratings: pd.DataFrame | None = None,
    facts: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    schemes: tuple[str, ...] = DEFAULT_SCHEMES,
) -> tuple[ScoreResult, pd.DataFrame, dict[str, Allocation]]:
    """Quality scores, the load with each teacher's z and composite, and one allocation of
    `budget_fen` per scheme (the step of `run_pipeline` before payslips; the bureau's
    scenarios call `score_teachers` and `allocate` the same way). Without ratings or facts
    every teacher sits at the school mean (z = 0, multiplier 1)."""
    scores, teachers = score_teachers(load, policy, ratings, facts, conflicts)
    allocations = {s: allocate(s, teachers, budget_fen, policy) for s in schemes}
    return scores, teachers, allocations


def score_teachers(
    load: pd.DataFrame,
    policy: Policy,
    ratings: pd.DataFrame | None = None,
    facts: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
) -> tuple[ScoreResult, pd.DataFrame]:
    """Quality scores and the load with each teacher's z and composite. Every step groups
    by school, so scoring a county at once equals scoring each school on its own."""
    scores = compute_scores(load, ratings, facts, policy, conflicts)
    teachers = load.merge(
        scores.scores[["school_id", "teacher_id", "z", "composite", "n_sources"]],
        on=["school_id", "teacher_id"],
        how="left",
    )
    return scores, teachers


def run_pipeline(
    load: pd.DataFrame,
    policy: Policy,
    budget_fen: int,
    ratings: pd.DataFrame | None = None,
    facts: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    schemes: tuple[str, ...] = DEFAULT_SCHEMES,
    scope: str = "school",
) -> SubsidyResult:
    """Scores, allocations, payslips and comparison for one teacher-load table.

    `load` columns: key, school_id, teacher_id, name, location, hours, weekend_hours,
    self_study_sessions, sessions, kind, basic_hours.
    """
    scores, teachers, allocations = score_and_allocate(
        load, policy, budget_fen, ratings, facts, conflicts, schemes
    )
    slips = {s: payslips(a, scores, teachers, policy) for s, a in allocations.items()}
    comparison = _comparison(allocations)
    term_id = policy.term.term_id if policy.term else ""
    digest = inputs_hash(policy, scope, load, ratings, facts, conflicts, budget_fen)
    return SubsidyResult(
        scope, term_id, policy, budget_fen, teachers, scores, allocations, slips, comparison, digest
    )


def _comparison(allocations: dict[str, Allocation]) -> Comparison | None:
    """Today's practice against the run's main scheme, when both were computed."""
    pair = compared(allocations)
    return compare(allocations[pair[0]], allocations[pair[1]]) if pair else None


def occurrences(
    schools: dict[str, School],
    schedules: dict[str, Schedule] | None,
    log: pd.DataFrame | None,
    term: Term,
    problems: Problems,
) -> pd.DataFrame:
    """Delivered occurrences for every school: schedules x term, corrected by the log."""
    planned = [planned_from_schedule(s, term, sid) for sid, s in (schedules or {}).items()]
    frame = (
        pd.concat(planned, ignore_index=True)
        if planned
        else planned_from_schedule(Schedule("", ()), term)
    )
    return apply_log(frame, log, schools, term, problems)


def load_table(
    occ: pd.DataFrame, schools: dict[str, School], policy: Policy, county: bool
) -> pd.DataFrame:
    load = teacher_load(occ, policy)
    names = {(sid, t.teacher_id): t.name for sid, s in schools.items() for t in s.teachers}
    load["name"] = [
        names.get((a, b), b) for a, b in zip(load["school_id"], load["teacher_id"], strict=True)
    ]
    load["location"] = (
        load["school_id"]
        .map({sid: (s.info.location or "urban") for sid, s in schools.items()})
        .fillna("urban")
    )
    load["key"] = (load["school_id"] + "/" + load["teacher_id"]) if county else load["teacher_id"]
    return load


def run_school(
    school: School,
    policy: Policy,
    evidence: Evidence,
    schedule: Schedule | None = None,
    schemes: tuple[str, ...] = DEFAULT_SCHEMES,
) -> SubsidyResult:
    """One school's term: needs a term in the policy, and a schedule or a delivery log."""
    return run_county(
        {school.school_id: school},
        policy,
        evidence,
        {school.school_id: schedule} if schedule else None,
        schemes,
        pooled=True,
        scope=school.school_id,
    )


def _derived_facts(evidence: Evidence, occ: pd.DataFrame) -> pd.DataFrame | None:
    """Attendance from the delivery log unless the facts sheet already gives it."""
    facts = evidence.facts
    derived = attendance_facts(occ)
    if facts is not None and len(facts):
        have = facts.loc[facts["measure"] == "attendance", ["school_id", "teacher_id"]]
        have = set(zip(have["school_id"], have["teacher_id"], strict=True))
        keep = np.array(
            [
                (a, b) not in have
                for a, b in zip(derived["school_id"], derived["teacher_id"], strict=True)
            ],
            dtype=bool,
        )
        derived = derived[keep] if len(derived) else derived
        cols = ["school_id", "teacher_id", "measure", "value", "date"]
        return pd.concat([facts[cols], derived[cols]], ignore_index=True)
    return derived if len(derived) else None


def run_county(
    schools: dict[str, School],
    policy: Policy,
    evidence: Evidence,
    schedules: dict[str, Schedule] | None = None,
    schemes: tuple[str, ...] = DEFAULT_SCHEMES,
    pooled: bool = False,
    scope: str = "county",
    progress=None,
) -> SubsidyResult:
    """Every school. Not pooled: each school's own budget (fees are collected per school),
    results stacked. Pooled: one county budget over every teacher (needed for county rules
    such as the LP's village >= town); a fixed budget always pools."""
    if policy.term is None:
        raise CompensationError("comp.term.missing")
    problems = Problems()
    problems.extend(evidence.problems)
    occ = occurrences(schools, schedules, evidence.log, policy.term, problems)
    if problems.errors:
        raise CompensationError("comp.evidence.invalid", problems=problems)
    county = scope == "county"
    load = load_table(occ, schools, policy, county)
    facts = _derived_facts(evidence, occ)
    locations = {sid: s.info.location for sid, s in schools.items()}
    if pooled or not county or policy.budget_mode == "fixed" or county_pool(schemes):
        budget = budget_for(policy, load, occ, locations)
        result = run_pipeline(
            load, policy, budget, evidence.ratings, facts, evidence.conflicts, schemes, scope
        )
        result.problems = problems
        return result
    parts = []
    for i, sid in enumerate(sorted(schools)):
        sub = load[load["school_id"] == sid]
        if sub.empty:
            continue
        sub_occ = occ[occ["school_id"] == sid]
        ev = evidence.for_school(sid)
        sub_facts = facts[facts["school_id"] == sid] if facts is not None else None
        budget = budget_for(policy, sub, sub_occ, locations)
        parts.append(
            run_pipeline(sub, policy, budget, ev.ratings, sub_facts, ev.conflicts, schemes, sid)
        )
        if progress:
            progress(i + 1, len(schools), sid)
    return combine(parts, policy, problems)


def combine(parts: list[SubsidyResult], policy: Policy, problems: Problems) -> SubsidyResult:
    """Stack per-school results into one county result (budgets add up)."""
    if not parts:
        raise CompensationError("comp.evidence.empty")

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True)

    schemes = list(parts[0].allocations)
    allocations = {
        s: Allocation(
            s,
            sum(p.allocations[s].budget_fen for p in parts),
            cat([p.allocations[s].lines for p in parts]),
            {},
        )
        for s in schemes
    }
    scores = ScoreResult(
        cat([p.scores.scores for p in parts]),
        cat([p.scores.components for p in parts]),
        cat([p.scores.dropped for p in parts]),
    )
    slips = {s: cat([p.payslips[s] for p in parts]) for s in schemes}
    comparison = _comparison(allocations)
    digest = hashlib.sha256("".join(p.inputs_hash for p in parts).encode()).hexdigest()
    return SubsidyResult(
        "county",
        parts[0].term_id,
        policy,
        sum(p.budget_fen for p in parts),
        cat([p.teachers for p in parts]),
        scores,
        allocations,
        slips,
        comparison,
        digest,
        problems,
    )
