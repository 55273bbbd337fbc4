"""A deterministic term of evidence for the sample county: schedules, logs, ratings, facts.

Solved schedules are not needed: `plausible_schedule` derives each teacher's weekly load
from the school data (basic sessions need ceil(basic_students / ratio) supervisors, the
homeroom teacher first; clubs need `staff` qualified teachers per session, on distinct
days), greedily and within each teacher's availability and weekly / daily limits. It is
a plausible load for pay, not a checked timetable (rooms are not assigned). A real
`Schedule` can be given instead.

Each teacher has a latent quality θ ~ N(0, 1) and each school a leniency offset, so the
evidence has the features the scoring must resist: lenient schools, self-ratings, declared
conflicts (a friend's perfect marks), year-end bursts, raters spread unevenly.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from compensation.delivery import planned_from_schedule
from compensation.policy import Term
from domain.schedule import Placed, Schedule
from domain.school import School, basic_activity_id
from workbook.safety import csv_dict, csv_unescape_dict

DEFAULT_SEED = 2025


def plausible_schedule(school: School, rng: random.Random) -> Schedule:
    """A weekly load per teacher derived from the school data (see module doc)."""
    teachers = [t for t in school.teachers if t.opt_in]
    week: dict[str, int] = defaultdict(int)
    daily: dict[tuple[str, int], int] = defaultdict(int)
    busy: set[tuple[str, str]] = set()
    order = {t.teacher_id: rng.random() for t in teachers}

    def free(t, slot) -> bool:
        return (
            slot.slot_id not in t.unavailable
            and (t.teacher_id, slot.slot_id) not in busy
            and week[t.teacher_id] < t.max_per_week
            and daily[(t.teacher_id, slot.day)] < t.max_per_day
        )

    def take(t, slot) -> None:
        week[t.teacher_id] += 1
        daily[(t.teacher_id, slot.day)] += 1
        busy.add((t.teacher_id, slot.slot_id))

    def pick(slot, need: int, pool, first: str | None = None) -> tuple[str, ...]:
        chosen = []
        ranked = sorted(
            pool, key=lambda t: (t.teacher_id != first, week[t.teacher_id], order[t.teacher_id])
        )
        for t in ranked:
            if len(chosen) == need:
                break
            if free(t, slot):
                take(t, slot)
                chosen.append(t.teacher_id)
        return tuple(chosen)

    sessions: list[Placed] = []
    homeroom = {t.homeroom: t.teacher_id for t in teachers if t.homeroom}
    for group in school.groups:
        need = school.basic_need(group)
        for index, slot_id in enumerate(school.sorted_slot_ids(group.basic_slots), start=1):
            slot = school.slot_by_id[slot_id]
            ids = pick(slot, need, teachers, homeroom.get(group.group_id))
            if ids:
                sessions.append(
                    Placed(
                        basic_activity_id(group.group_id),
                        index,
                        "basic",
                        slot.day,
                        slot_id,
                        slot.start,
                        slot.end,
                        "",
                        ids,
                    )
                )
    for activity in school.activities:
        qualified = [t for t in teachers if school.qualified(t, activity)]
        slots = [
            school.slot_by_id[s] for s in school.allowed_slots(activity) if s in school.slot_by_id
        ]
        rng.shuffle(slots)
        used_days: set[int] = set()
        placed = []
        for slot in slots:
            if len(placed) == activity.sessions_per_week:
                break
            if slot.day in used_days:
                continue
            ids = pick(slot, activity.staff, qualified, activity.fixed_teacher)
            if ids:
                used_days.add(slot.day)
                placed.append((slot, ids))
        placed.sort(key=lambda p: p[0].order)
        for index, (slot, ids) in enumerate(placed, start=1):
            sessions.append(
                Placed(
                    activity.activity_id,
                    index,
                    activity.kind,
                    slot.day,
                    slot.slot_id,
                    slot.start,
                    slot.end,
                    "",
                    ids,
                )
            )
    return Schedule(school.school_id, tuple(sessions))


@dataclass
class SampleEvidence:
    schedules: dict[str, Schedule]
    log: list[dict[str, object]]
    ratings: list[dict[str, object]]
    facts: list[dict[str, object]]
    conflicts: list[dict[str, object]]


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def generate(
    schools: list[School],
    term: Term,
    seed: int = DEFAULT_SEED,
    schedules: dict[str, Schedule] | None = None,
) -> SampleEvidence:
    """Evidence for every school, from a seed: the same seed gives the same evidence."""
    out = SampleEvidence({}, [], [], [], [])
    months = sorted({(d.year, d.month) for d in term.dates()})
    for school in sorted(schools, key=lambda s: s.school_id):
        rng = random.Random(f"{seed}:{school.school_id}")
        schedule = (schedules or {}).get(school.school_id) or plausible_schedule(school, rng)
        out.schedules[school.school_id] = schedule
        _school_evidence(school, schedule, term, months, rng, out)
    return out


def _school_evidence(school: School, schedule: Schedule, term: Term, months, rng, out) -> None:
    sid = school.school_id
    leniency = rng.gauss(0.0, 0.35)  # on the 5-point scale
    theta = {t.teacher_id: rng.gauss(0.0, 1.0) for t in school.teachers}
    ids = sorted(theta)
    planned = planned_from_schedule(schedule, term, sid)
    # Delivery log: exceptions only (the schedule is the record of everything else).
    sessions = planned.groupby(["date", "slot_id", "activity_id"], sort=True)
    for (date, slot_id, activity_id), rows in sessions:
        u = rng.random()
        if u < 0.02:
            for teacher_id in rows["teacher_id"]:
                out.log.append(
                    {
                        "school_id": sid,
                        "date": date,
                        "slot_id": slot_id,
                        "activity_id": activity_id,
                        "teacher_id": teacher_id,
                        "status": "cancelled",
                    }
                )
        elif u < 0.05 and len(ids) > 1:
            original = rows["teacher_id"].iloc[0]
            sub = rng.choice([t for t in ids if t not in set(rows["teacher_id"])] or ids)
            out.log.append(
                {
                    "school_id": sid,
                    "date": date,
                    "slot_id": slot_id,
                    "activity_id": activity_id,
                    "teacher_id": sub,
                    "status": "substituted",
                    "replaces": original,
                }
            )
    taught = set(planned["teacher_id"])
    basic = set(planned.loc[planned["kind"] == "basic", "teacher_id"])
    extended = taught - basic
    for teacher_id in sorted(taught):
        q = theta[teacher_id]
        burst = rng.random() < 0.10  # all parent ratings at year end
        for y, m in months:
            day = dt.date(y, m, min(20, 28))
            if not (term.start <= day <= term.end):
                day = term.end
            parent_months = [months[-1]] if burst else months
            if (y, m) in parent_months:
                for _ in range(rng.randint(2, 3) * (len(months) if burst else 1)):
                    score = round(_clip(3.9 + 0.45 * q + leniency + rng.gauss(0, 0.6), 1, 5))
                    out.ratings.append(
                        _rating(
                            sid, teacher_id, "parent", f"P{rng.randint(1, 400):03d}", score, 5, day
                        )
                    )
            if teacher_id in extended:
                for _ in range(rng.randint(1, 3)):
                    score = round(_clip(4.0 + 0.4 * q + leniency + rng.gauss(0, 0.7), 1, 5))
                    out.ratings.append(
                        _rating(
                            sid, teacher_id, "student", f"X{rng.randint(1, 900):03d}", score, 5, day
                        )
                    )
            if rng.random() < 0.8:
                score = round(_clip(78 + 7 * q + 8 * leniency + rng.gauss(0, 5), 0, 100))
                out.ratings.append(
                    _rating(
                        sid, teacher_id, "leader", f"{sid}-L{rng.randint(1, 2)}", score, 100, day
                    )
                )
            peer = rng.choice(ids)
            if peer != teacher_id:
                score = round(_clip(76 + 6 * q + 8 * leniency + rng.gauss(0, 6), 0, 100))
                out.ratings.append(_rating(sid, teacher_id, "peer", peer, score, 100, day))
            if teacher_id in basic:
                rate = _clip(0.85 + 0.04 * q + rng.gauss(0, 0.03), 0, 1)
                out.facts.append(
                    {
                        "school_id": sid,
                        "teacher_id": teacher_id,
                        "measure": "homework",
                        "value": round(rate, 3),
                        "date": day,
                    }
                )
            rate = _clip(0.92 + 0.025 * q + rng.gauss(0, 0.02), 0, 1)
            out.facts.append(
                {
                    "school_id": sid,
                    "teacher_id": teacher_id,
                    "measure": "attendance",
                    "value": round(rate, 3),
                    "date": day,
                }
            )
        if rng.random() < 0.03:  # a self-rating: dropped by the scoring
            out.ratings.append(_rating(sid, teacher_id, "peer", teacher_id, 100, 100, term.end))
        if rng.random() < 0.05 and len(ids) > 1:  # a friend's perfect marks, declared
            friend = rng.choice([t for t in ids if t != teacher_id])
            out.conflicts.append(
                {"school_id": sid, "rater_id": friend, "teacher_id": teacher_id, "note": "亲属"}
            )
            for y, m in months:
                out.ratings.append(
                    _rating(sid, teacher_id, "peer", friend, 100, 100, dt.date(y, m, 5))
                )


def _rating(sid, teacher_id, source, rater_id, score, scale, day) -> dict[str, object]:
    return {
        "school_id": sid,
        "teacher_id": teacher_id,
        "source": source,
        "rater_id": rater_id,
        "score": score,
        "scale": scale,
        "date": day,
    }


def write_sample(evidence: SampleEvidence, folder: Path, policy_toml: str | None = None) -> Path:
    """CSV files (UTF-8 with BOM) the evidence reader accepts, plus a schedule per school."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "delivery_log": (
            evidence.log,
            ["school_id", "date", "slot_id", "activity_id", "teacher_id", "status", "replaces"],
        ),
        "ratings": (
            evidence.ratings,
            ["school_id", "teacher_id", "source", "rater_id", "score", "scale", "date"],
        ),
        "facts": (evidence.facts, ["school_id", "teacher_id", "measure", "value", "date"]),
        "conflicts": (evidence.conflicts, ["school_id", "rater_id", "teacher_id", "note"]),
    }
    for name, (rows, cols) in tables.items():
        _write_csv(folder / f"{name}.csv", rows, cols)
    sched = folder / "schedules"
    sched.mkdir(exist_ok=True)
    from domain.schedule import SCHEDULE_COLUMNS

    for sid, schedule in sorted(evidence.schedules.items()):
        _write_csv(sched / f"{sid}.csv", schedule.rows(), list(SCHEDULE_COLUMNS))
    if policy_toml is not None:
        (folder / "policy.toml").write_text(policy_toml, encoding="utf-8")
    return folder


def _write_csv(path: Path, rows: list[dict[str, object]], cols: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(csv_dict({k: ("" if r.get(k) is None else r.get(k)) for k in cols}))


SAMPLE_POLICY = """\
# Sample county policy (afterschool subsidies). Absent keys keep their documented defaults;
# see docs/compensation.md for every default and its source.
budget_mode = "rate"          # budget = 50 元 x delivered class hours + allowances
base_rate_yuan = 50.0         # Shandong: as a rule not below 50 元 per class hour
quality_pool_share = 0.30     # 2009 city scheme: 70% basic / 30% reward
floor_per_hour_yuan = 35.0
cap_per_hour_yuan = 80.0      # Yongchun weekend maximum
class_hour_minutes = 45

[term]
id = "2025-autumn"
start = 2025-09-01
end = 2026-01-16
holidays = [2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2026-01-01]
"""


def build_sample(county_folder: Path, out: Path, seed: int = DEFAULT_SEED) -> SampleEvidence:
    """Read the sample county's workbooks and write its evidence folder."""
    import tomllib

    from compensation.policy import build_policy
    from workbook.reader import read_school

    schools = []
    for path in sorted(Path(county_folder).glob("*.xlsx")):
        result = read_school(path)
        if result.school is not None:
            schools.append(result.school)
    term = build_policy(tomllib.loads(SAMPLE_POLICY)).term
    assert term is not None
    evidence = generate(schools, term, seed)
    write_sample(evidence, out, SAMPLE_POLICY)
    return evidence


def read_schedule_csv(path: Path, school_id: str | None = None) -> Schedule:
    """A schedule file of the data contract (one row per teacher per session)."""
    sessions: dict[tuple[str, int], dict[str, object]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in map(csv_unescape_dict, csv.DictReader(fh)):
            key = (row["activity_id"], int(row["session"]))
            s = sessions.setdefault(key, {**row, "teachers": []})
            if row.get("teacher_id"):
                s["teachers"].append(row["teacher_id"])
    placed = tuple(
        Placed(
            s["activity_id"],
            int(s["session"]),
            s["kind"],
            int(s["day"]),
            s["slot_id"],
            s["start"],
            s["end"],
            s.get("room_id") or "",
            tuple(s["teachers"]),
        )
        for s in sessions.values()
    )
    return Schedule(school_id or Path(path).stem, placed)
