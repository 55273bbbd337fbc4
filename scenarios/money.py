"""One school's numbers under a scenario, with the subsidies of `compensation/`.

Three pure steps; the first and last are per school, the middle one per school or, for
the LP scheme, once for the county:

1. `school_facts(built school, schedule, scenario)`: per service stage the weekly and
   term figures (sessions, student- and teacher-hours, class hours, fees and waivers),
   the unstaffed sessions, the teachers' delivered load over the term (the scheduled
   week repeated on every service date: `compensation.run.occurrences` / `load_table`),
   and the school's money pool (`budget_fen`, below).
2. `allocate_pay(facts, scenario, evidence)`: `compensation.run.score_teachers` scores
   every teacher (evidence when given, else every teacher at the school mean) and
   `compensation.allocate.allocate` splits each pool over the school's teachers with the
   scenario's scheme (hour-only, quality-weighted, or the LP over one county pool), from
   delivered class hours and the scores.
3. `school_result(facts, lines, scenario)`: rows of plain numbers per stage (pay, income,
   cost, funding gap) and one line per teacher.

The pool (docs/scenarios.md): `rate` = compensation's rate budget (base rate x class
hours + village, weekend and self-study allowances); `fees` = fees after waivers x
teacher_share + the public top-up. Either way the county tops the pool up to what the
per-hour floors and the allowances need, and a pool above the per-hour caps is not paid
out. A high-school self-study session is paid `high_school.rate_yuan` per teacher and
session, its whole pay (compensation's `self_study_allowance_per_session_yuan`); its
minutes count in `class_hours_term` (so hourly pay compares time worked) but not in
the class hours the hourly part is split over.

Other conventions: a session's stage is its class's (grades 1-6 primary, 7-9 junior,
10-12 high), a club without classes takes the school's main stage; a teacher counts in
the stage where most of their class hours fall, and their pay is split over stages by
class hours (self-study pay to the stage of the self-study); income = fees + top-up;
cost = pay + the fee share kept for running costs; funding gap = cost - income.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compensation.allocate import allocate, allowances_fen, bounds_fen
from compensation.errors import CompensationError
from compensation.evidence import Evidence
from compensation.policy import Policy
from compensation.run import budget_for, load_table, occurrences, score_teachers
from compensation.schemes import county_pool
from domain.problems import Problems
from domain.schedule import Schedule, session_id
from domain.school import School, parse_basic_activity_id
from scenarios.build import group_stage
from scenarios.engine import SolveOutcome
from scenarios.levers import Scenario, policy_of
from scheduler.instance import Instance

# Numeric columns of a school row that add up (aggregate.py sums these).
SUM_COLUMNS = (
    "classes",
    "students",
    "students_enrolled",
    "sessions_demand",
    "sessions_held",
    "sessions_unstaffed",
    "teacher_sessions_missing",
    "student_hours_demand_week",
    "student_hours_served_week",
    "teacher_hours_needed_week",
    "teacher_hours_held_week",
    "teacher_hours_available_week",
    "teachers",
    "teachers_opted_in",
    "teachers_active",
    "class_hours_term",
    "self_study_sessions_term",
    "fees_yuan",
    "waived_yuan",
    "topup_yuan",
    "income_yuan",
    "self_study_pay_yuan",
    "pay_yuan",
    "running_yuan",
    "cost_yuan",
    "gap_yuan",
)
MAX_COLUMNS = ("max_teacher_hours_week",)
KEY_COLUMNS = ("school_id", "name", "town", "school_stage", "location", "stage")
UNSTAFFED_COLUMNS = (
    "school_id",
    "name",
    "town",
    "school_stage",
    "location",
    "stage",
    "session_id",
    "activity_id",
    "activity",
    "session",
    "kind",
    "skill",
    "day",
    "slot_id",
    "start",
    "end",
    "missing",
)
# One line per paid teacher (teachers.csv): what compensation/ paid and why.
TEACHER_COLUMNS = (
    "school_id",
    "teacher_id",
    "stage",
    "location",
    "class_hours",  # class hours of basic and extended service (the hourly part's base)
    "weekend_hours",
    "self_study_sessions",
    "self_study_hours",
    "evidence_sources",  # quality sources with evidence for this teacher (0: school mean)
    "composite",
    "z",
    "multiplier",
    "hourly_part_yuan",
    "allowance_yuan",
    "self_study_pay_yuan",
    "amount_yuan",
)


@dataclass(frozen=True)
class SchoolFacts:
    """A scheduled school before pay: stage rows, unstaffed sessions, load and pool."""

    school: School
    town: str
    rows: dict[str, dict[str, float]]
    unstaffed: tuple[dict, ...]
    load: pd.DataFrame  # compensation's teacher load (key = school_id/teacher_id)
    stage_hours: pd.DataFrame  # key, stage, class_hours, service_hours, self_study_sessions
    budget_fen: int
    outcome: SolveOutcome


@dataclass(frozen=True)
class SchoolResult:
    """What the county report needs of one school: rows of plain numbers."""

    school_id: str
    rows: tuple[dict, ...]
    unstaffed: tuple[dict, ...]
    solve_status: str
    solve_seconds: float
    cached: bool
    teachers: tuple[dict, ...] = field(default=())
    # The week as scheduled (the levers' school) and its plan, for the contract's files.
    school: School | None = field(default=None, compare=False)
    schedule: Schedule | None = field(default=None, compare=False)


def main_stage(school: School) -> str:
    """The school's stage for clubs and for teachers without hours."""
    if school.info.stage in ("primary", "junior", "high"):
        return school.info.stage
    pupils: Counter[str] = Counter()
    for g in school.groups:
        pupils[group_stage(g)] += g.basic_students or g.students
    return pupils.most_common(1)[0][0] if pupils else "primary"


def weekday_counts(scenario: Scenario) -> dict[int, int]:
    counts: Counter[int] = Counter(d.isoweekday() for d in scenario.term.dates())
    return dict(counts)


def _session_stage(school: School, activity_id: str, default: str) -> str:
    gid = parse_basic_activity_id(activity_id)
    if gid is None:
        activity = school.activity_by_id.get(activity_id)
        gid = activity.groups[0] if activity and activity.groups else None
    group = school.group_by_id.get(gid) if gid else None
    return group_stage(group) if group else default


def _students(school: School, activity_id: str) -> int:
    gid = parse_basic_activity_id(activity_id)
    if gid is not None:
        return school.group_by_id[gid].basic_students
    return school.enrolled(school.activity_by_id[activity_id])


def _mean_length(school: School, slot_ids: list[str]) -> float:
    lengths = [school.slot_by_id[s].length for s in slot_ids if s in school.slot_by_id]
    return sum(lengths) / len(lengths) if lengths else 0.0


# ------------------------------------------------------------------ 1. facts and pool


def school_facts(
    school: School, outcome: SolveOutcome, scenario: Scenario, town: str = ""
) -> SchoolFacts:
    """Stage rows without pay, unstaffed sessions, the term's teacher load and the pool."""
    assert outcome.schedule is not None
    schedule = outcome.schedule
    inst = Instance(school)
    default = main_stage(school)
    loc = school.info.location or "urban"
    days = weekday_counts(scenario)
    chm = scenario.class_hour_minutes
    rows: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    # Demand = held sessions + unstaffed ones (below), each at its full staffing.
    need = {session_id(b.activity_id, b.index): b.need for b in inst.basic_sessions}
    for a in inst.activities:
        for k in range(1, a.sessions_per_week + 1):
            need[session_id(a.activity_id, k)] = a.staff

    # Held sessions: weekly hours, term class hours and fees.
    teacher_hours: dict[str, Counter[str]] = defaultdict(Counter)
    for p in schedule.sessions:
        stage = _session_stage(school, p.activity_id, default)
        r = rows[stage]
        minutes = school.slot_by_id[p.slot_id].length
        n = days.get(p.day, 0)
        staff = len(p.teacher_ids)
        students = _students(school, p.activity_id)
        r["sessions_held"] += 1
        r["sessions_demand"] += 1
        r["student_hours_served_week"] += students * minutes / 60
        r["student_hours_demand_week"] += students * minutes / 60
        r["teacher_hours_held_week"] += staff * minutes / 60
        r["teacher_hours_needed_week"] += staff * minutes / 60
        for t in p.teacher_ids:
            teacher_hours[t][stage] += minutes / 60
        r["class_hours_term"] += staff * n * minutes / chm
        student_hours_term = students * n * minutes / 60
        fee = scenario.fee(stage, loc)
        waiver = scenario.waiver_share.get(loc, 0.0)
        r["fees_yuan"] += student_hours_term * fee * (1 - waiver)
        r["waived_yuan"] += student_hours_term * fee * waiver
        if p.kind == "self_study":
            r["self_study_sessions_term"] += staff * n

    unstaffed = _unstaffed(school, schedule, inst, need, rows, default, loc, town)
    _people(school, inst, rows, teacher_hours, default)
    for r in rows.values():
        r["topup_yuan"] = r["students_enrolled"] * scenario.public_topup_per_student_yuan

    policy = policy_of(scenario)
    sid = school.school_id
    problems = Problems()
    occ = occurrences({sid: school}, {sid: schedule}, None, scenario.term, problems)
    load = load_table(occ, {sid: school}, policy, county=True)
    stage_hours = _stage_hours(school, occ, default, chm)
    budget = pool_fen(load, rows, policy, scenario)
    return SchoolFacts(
        school, town, dict(rows), tuple(unstaffed), load, stage_hours, budget, outcome
    )


def _unstaffed(school, schedule, inst, need, rows, default, loc, town) -> list[dict]:
    """Sessions a partial plan could not staff: where (school, skill, slot), how short."""
    out = []
    for u in schedule.unstaffed:
        stage = _session_stage(school, u.activity_id, default)
        r = rows[stage]
        r["sessions_unstaffed"] += 1
        r["sessions_demand"] += 1
        r["teacher_sessions_missing"] += u.missing
        activity = school.activity_by_id.get(u.activity_id)
        slot = school.slot_by_id.get(u.slot_id) if u.slot_id else None
        length = (
            slot.length / 60
            if slot
            else _mean_length(school, inst.allowed(activity)) / 60
            if activity
            else 0.0
        )
        r["student_hours_demand_week"] += _students(school, u.activity_id) * length
        r["teacher_hours_needed_week"] += need.get(u.session_id, u.missing) * length
        gid = parse_basic_activity_id(u.activity_id)
        out.append(
            {
                "school_id": school.school_id,
                "name": school.info.name,
                "town": town,
                "school_stage": school.info.stage or "",
                "location": loc,
                "stage": stage,
                "session_id": u.session_id,
                "activity_id": u.activity_id,
                "activity": activity.name if activity else f"{gid}",
                "session": u.index,
                "kind": u.kind,
                "skill": (activity.skill or "") if activity else "",
                "day": u.day if u.day is not None else "",
                "slot_id": u.slot_id or "",
                "start": slot.start if slot else "",
                "end": slot.end if slot else "",
                "missing": u.missing,
            }
        )
    return out


def _people(school, inst, rows, teacher_hours, default) -> None:
    """Classes, pupils and teachers per stage (a teacher where most of their hours fall)."""
    served_groups = {g for a in school.activities if a.category == "self_study" for g in a.groups}
    for g in school.groups:
        r = rows[group_stage(g)]
        r["classes"] += 1
        r["students"] += g.students
        if g.basic_slots and g.basic_students:
            r["students_enrolled"] += g.basic_students
        elif g.group_id in served_groups:
            r["students_enrolled"] += g.students
    slot_mean = _mean_length(school, inst.slots) / 60
    for t in school.teachers:
        stage = teacher_stage(school, t.teacher_id, teacher_hours.get(t.teacher_id), default)
        hours = teacher_hours.get(t.teacher_id)
        r = rows[stage]
        if not t.external:
            r["teachers"] += 1
        if t.opt_in:
            r["teachers_opted_in"] += 1
            r["teacher_hours_available_week"] += inst.teacher_capacity(t) * slot_mean
        if hours:
            r["teachers_active"] += 1
            r["max_teacher_hours_week"] = max(r["max_teacher_hours_week"], sum(hours.values()))


def teacher_stage(school: School, teacher_id: str, hours, default: str) -> str:
    if hours:
        return max(sorted(hours), key=lambda s: hours[s])
    teacher = school.teacher_by_id.get(teacher_id)
    if teacher and teacher.homeroom and teacher.homeroom in school.group_by_id:
        return group_stage(school.group_by_id[teacher.homeroom])
    return default


def _stage_hours(school: School, occ: pd.DataFrame, default: str, chm: int) -> pd.DataFrame:
    """Per teacher and stage over the term: class hours (all kinds), class hours of
    service (basic and extended) and self-study sessions."""
    cols = ["key", "stage", "class_hours", "service_hours", "self_study_sessions"]
    if occ.empty:
        return pd.DataFrame(columns=cols)
    stages = {a: _session_stage(school, a, default) for a in occ["activity_id"].unique()}
    o = pd.DataFrame(
        {
            "key": occ["school_id"] + "/" + occ["teacher_id"],
            "stage": occ["activity_id"].map(stages),
            "class_hours": occ["minutes"].astype(float) / chm,
            "ss": (occ["kind"] == "self_study").astype(int),
        }
    )
    o["service_hours"] = np.where(o["ss"] == 1, 0.0, o["class_hours"])
    out = o.groupby(["key", "stage"], sort=True).agg(
        class_hours=("class_hours", "sum"),
        service_hours=("service_hours", "sum"),
        self_study_sessions=("ss", "sum"),
    )
    return out.reset_index()[cols]


def pool_fen(
    load: pd.DataFrame, rows: dict[str, dict[str, float]], policy: Policy, scenario: Scenario
) -> int:
    """The school's money for teachers, in fen: compensation's budget rule (`rate`, or
    `fees` from the scenario's fees after waivers plus the top-up), topped up by the
    county to what the floors and allowances need, and never above what the caps let
    the school pay out."""
    if load.empty:
        return 0
    fees = sum(r["fees_yuan"] for r in rows.values())
    topup = sum(r["topup_yuan"] for r in rows.values())
    school_policy = dataclasses.replace(
        policy, fee_income_yuan=round(fees, 2), public_topup_yuan=round(topup, 2)
    )
    budget = budget_for(school_policy, load, None, {})
    allowances = int(allowances_fen(load, policy).sum())
    lo, hi = bounds_fen(load["hours"].to_numpy(dtype=float), policy)
    budget = max(budget, allowances + int(lo.sum()))
    if np.isfinite(hi).all():
        budget = min(budget, allowances + int(hi.sum()))
    return budget


# ------------------------------------------------------------------ 2. the scheme


def allocate_pay(
    facts: dict[str, SchoolFacts], scenario: Scenario, evidence: Evidence | None = None
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Each school's teacher lines (by school id) and the schools that could not be paid
    (school id -> reason). Scores are computed once for the county (they are normalised
    within each school). Each school its own pool, as `afterschool subsidies --county`
    does, unless the scheme needs one county pool (LP: its rules compare locations)."""
    policy = policy_of(scenario)
    paid = {sid: f for sid, f in facts.items() if not f.load.empty}
    out: dict[str, pd.DataFrame] = {sid: _empty_lines() for sid in facts if sid not in paid}
    if not paid:
        return out, {}
    load = pd.concat([f.load for f in paid.values()], ignore_index=True)
    ev = evidence or Evidence()
    _scores, teachers = score_teachers(load, policy, ev.ratings, ev.facts, ev.conflicts)
    extra = teachers[["key", "weekend_hours", "self_study_sessions", "self_study_hours"]]
    extra = extra.assign(n_sources=teachers["n_sources"])
    if county_pool([scenario.scheme]):
        budget = sum(f.budget_fen for f in paid.values())
        try:
            lines = allocate(scenario.scheme, teachers, budget, policy).lines.merge(extra, on="key")
        except CompensationError as exc:
            return out, {sid: exc.render() for sid in paid}
        for sid, part in lines.groupby("school_id", sort=True):
            out[str(sid)] = part.reset_index(drop=True)
        return out, {}
    failed: dict[str, str] = {}
    for sid, part in teachers.groupby("school_id", sort=True):
        sid = str(sid)
        try:
            allocation = allocate(scenario.scheme, part, paid[sid].budget_fen, policy)
        except CompensationError as exc:
            failed[sid] = exc.render()
            continue
        out[sid] = allocation.lines.merge(extra, on="key")
    return out, failed


def _empty_lines() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["key", "school_id", "teacher_id", "amount_fen", "allowance_fen", "n_sources"]
    )


# ------------------------------------------------------------------ 3. rows


def school_result(facts: SchoolFacts, lines: pd.DataFrame, scenario: Scenario) -> SchoolResult:
    """Rows (one per stage) with pay, income, cost and gap; one line per paid teacher."""
    school = facts.school
    rows = {stage: defaultdict(float, r) for stage, r in facts.rows.items()}
    teachers = []
    default = main_stage(school)
    rate_fen = scenario.self_study_rate_yuan * 100
    by_key: dict[str, list[tuple[str, float, float, int]]] = defaultdict(list)
    for h in facts.stage_hours.itertuples(index=False):
        by_key[h.key].append((h.stage, h.class_hours, h.service_hours, h.self_study_sessions))
    for line in lines.itertuples(index=False):
        hours = by_key.get(line.key, [])
        for stage, (pay_fen, ss_fen) in _split(int(line.amount_fen), hours, rate_fen).items():
            rows.setdefault(stage, defaultdict(float))
            rows[stage]["pay_fen"] += pay_fen
            rows[stage]["self_study_fen"] += ss_fen
        main = max(hours, key=lambda h: (h[1], h[0]))[0] if hours else default
        teachers.append(_teacher_line(line, main, school, rate_fen))
    return SchoolResult(
        school.school_id,
        tuple(_finish(school, rows, scenario, facts.town)),
        facts.unstaffed,
        facts.outcome.status,
        facts.outcome.seconds,
        facts.outcome.cached,
        tuple(sorted(teachers, key=lambda r: r["teacher_id"])),
        school,
        facts.outcome.schedule,
    )


def _split(
    amount: int, hours: list[tuple[str, float, float, int]], rate_fen: float
) -> dict[str, tuple[int, int]]:
    """A teacher's amount (fen) over their stages (stage, class hours, service hours,
    self-study sessions): self-study pay to the stage of the sessions, the rest by class
    hours of service, the odd fen to the stage with most of them (else most class hours).
    Returns stage -> (pay, of which self-study)."""
    ss = [round(n * rate_fen) for _s, _c, _h, n in hours]
    rest = amount - sum(ss)
    service = [h for _s, _c, h, _n in hours]
    total = sum(service)
    share = [math.floor(rest * h / total) for h in service] if total > 0 else [0] * len(hours)
    weights = service if total > 0 else [c for _s, c, _h, _n in hours]
    top = weights.index(max(weights))
    share[top] += rest - sum(share)
    return {h[0]: (share[i] + ss[i], ss[i]) for i, h in enumerate(hours)}


def _teacher_line(line, stage: str, school: School, rate_fen: float) -> dict:
    n_sources = 0 if pd.isna(line.n_sources) else int(line.n_sources)
    ss_fen = round(line.self_study_sessions * rate_fen)
    return {
        "school_id": line.school_id,
        "teacher_id": line.teacher_id,
        "stage": stage,
        "location": school.info.location or "urban",
        "class_hours": round(float(line.hours), 4),
        "weekend_hours": round(float(line.weekend_hours), 4),
        "self_study_sessions": int(line.self_study_sessions),
        "self_study_hours": round(float(line.self_study_hours), 4),
        "evidence_sources": n_sources,
        "composite": round(float(line.composite), 4),
        "z": round(float(line.z), 4),
        "multiplier": round(float(line.multiplier), 4),
        "hourly_part_yuan": int(line.hourly_part_fen) / 100,
        "allowance_yuan": int(line.allowance_fen) / 100,
        "self_study_pay_yuan": ss_fen / 100,
        "amount_yuan": int(line.amount_fen) / 100,
    }


def _finish(
    school: School, rows: dict[str, dict[str, float]], scenario: Scenario, town: str
) -> list[dict]:
    """Income, cost and gap per stage row, from fees, top-up and the pay in fen."""
    out = []
    for stage in sorted(rows):
        r = rows[stage]
        r["pay_yuan"] = r["pay_fen"] / 100  # exact: whole fen from compensation
        r["self_study_pay_yuan"] = r["self_study_fen"] / 100
        for col in ("fees_yuan", "waived_yuan", "topup_yuan"):
            r[col] = round(r[col], 2)  # identities below hold exactly on the rounded values
        r["running_yuan"] = round(r["fees_yuan"] * (1 - scenario.teacher_share), 2)
        r["income_yuan"] = round(r["fees_yuan"] + r["topup_yuan"], 2)
        r["cost_yuan"] = round(r["pay_yuan"] + r["running_yuan"], 2)
        r["gap_yuan"] = round(r["cost_yuan"] - r["income_yuan"], 2)
        row: dict = {
            "school_id": school.school_id,
            "name": school.info.name,
            "town": town,
            "school_stage": school.info.stage or "",
            "location": school.info.location or "urban",
            "stage": stage,
        }
        for col in (*SUM_COLUMNS, *MAX_COLUMNS):
            value = r.get(col, 0.0)
            row[col] = round(value, 2) if col.endswith("_yuan") else round(value, 4)
        out.append(row)
    return out
