"""One school's numbers under a scenario: plain rows from (built school, schedule, levers).

Pure and cheap (no solver): this is the step a money-only scenario reruns on cached
schedules. One row per service stage present in the school (a nine-year school has a
primary and a junior row), plus the unstaffed sessions with where they are.

Conventions (docs/scenarios.md):
* a session's stage is its class's (grades 1-6 primary, 7-9 junior, 10-12 high); a club
  without classes takes the school's main stage; a teacher counts in the stage where most
  of their hours fall;
* weekly figures come from the schedule; term figures repeat each session on every
  service date of its weekday in the term (holidays skipped);
* student-hours and teacher-hours are clock hours; pay is per class hour (课时, 45 min);
* pay, rate mode: every teacher of a held basic or extended session gets the base rate
  per class hour, plus the village allowance (village schools) and the weekend allowance
  (days 6-7) per class hour; self-study pays `rate_yuan` per session and teacher;
* pay, fees mode: each school's teachers share fees x teacher_share + the top-up, but at
  least the floor per class hour (the county pays the difference); self-study as above;
* income = fees (after waivers) + public top-up; cost = pay + the fee share kept for
  running costs; funding gap = cost - income (what the county must find).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from domain.schedule import session_id
from domain.school import School, parse_basic_activity_id
from scenarios.build import group_stage
from scenarios.engine import SolveOutcome
from scenarios.levers import Scenario
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


@dataclass(frozen=True)
class SchoolResult:
    """What the county report needs of one school: rows of plain numbers."""

    school_id: str
    rows: tuple[dict, ...]
    unstaffed: tuple[dict, ...]
    solve_status: str
    solve_seconds: float
    cached: bool


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


def school_result(
    school: School, outcome: SolveOutcome, scenario: Scenario, town: str = ""
) -> SchoolResult:
    """Rows (one per stage) and unstaffed sessions of a scheduled school."""
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

    # Held sessions: weekly hours, term hours, pay and fees.
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
        class_hours = staff * n * minutes / chm
        r["class_hours_term"] += class_hours
        student_hours_term = students * n * minutes / 60
        fee = scenario.fee(stage, loc)
        waiver = scenario.waiver_share.get(loc, 0.0)
        r["fees_yuan"] += student_hours_term * fee * (1 - waiver)
        r["waived_yuan"] += student_hours_term * fee * waiver
        if p.kind == "self_study":
            r["self_study_sessions_term"] += staff * n
            r["self_study_pay"] += staff * n * scenario.self_study_rate_yuan
        else:
            r["service_class_hours_term"] += class_hours
            extra = scenario.village_allowance_per_hour_yuan if loc == "village" else 0.0
            if p.day >= 6:
                extra += scenario.weekend_allowance_per_hour_yuan
            r["rate_pay"] += class_hours * (scenario.base_rate_yuan + extra)

    # Unstaffed sessions: where (school, skill, slot) and how many teachers short.
    unstaffed = []
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
        unstaffed.append(
            {
                "school_id": school.school_id,
                "name": school.info.name,
                "town": town,
                "school_stage": school.info.stage or "",
                "location": loc,
                "stage": stage,
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

    # Classes and pupils.
    served_groups = {g for a in school.activities if a.category == "self_study" for g in a.groups}
    for g in school.groups:
        r = rows[group_stage(g)]
        r["classes"] += 1
        r["students"] += g.students
        if g.basic_slots and g.basic_students:
            r["students_enrolled"] += g.basic_students
        elif g.group_id in served_groups:
            r["students_enrolled"] += g.students

    # Teachers: each in the stage of most of their hours; capacity of those opted in.
    slot_mean = _mean_length(school, inst.slots) / 60
    for t in school.teachers:
        hours = teacher_hours.get(t.teacher_id)
        if hours:
            stage = max(sorted(hours), key=lambda s: hours[s])
        elif t.homeroom and t.homeroom in school.group_by_id:
            stage = group_stage(school.group_by_id[t.homeroom])
        else:
            stage = default
        r = rows[stage]
        if not t.external:
            r["teachers"] += 1
        if t.opt_in:
            r["teachers_opted_in"] += 1
            r["teacher_hours_available_week"] += inst.teacher_capacity(t) * slot_mean
        if hours:
            r["teachers_active"] += 1
            r["max_teacher_hours_week"] = max(r["max_teacher_hours_week"], sum(hours.values()))

    return SchoolResult(
        school.school_id,
        tuple(_finish(school, rows, scenario, town)),
        tuple(unstaffed),
        outcome.status,
        outcome.seconds,
        outcome.cached,
    )


def _finish(
    school: School, rows: dict[str, dict[str, float]], scenario: Scenario, town: str
) -> list[dict]:
    """Income, pay, cost and gap per stage row (fees mode pools the school's rows)."""
    for r in rows.values():
        r["topup_yuan"] = r["students_enrolled"] * scenario.public_topup_per_student_yuan
    if scenario.mode == "fees":
        pool = sum(r["fees_yuan"] * scenario.teacher_share + r["topup_yuan"] for r in rows.values())
        hours = sum(r["service_class_hours_term"] for r in rows.values())
        service_pay = max(pool, scenario.floor_per_hour_yuan * hours)
        for r in rows.values():
            share = r["service_class_hours_term"] / hours if hours else 0.0
            r["pay_yuan"] = service_pay * share + r["self_study_pay"]
    else:
        for r in rows.values():
            r["pay_yuan"] = r["rate_pay"] + r["self_study_pay"]
    out = []
    for stage in sorted(rows):
        r = rows[stage]
        for col in ("fees_yuan", "waived_yuan", "topup_yuan", "pay_yuan"):
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
