"""Benchmark: club allocation of a 2,000-student school with 60 clubs, allocated and
scheduled; and the joint mode's gap to the exact joint optimum on small schools.

Run: `uv run python bench/bench_choices.py [--seed N] [--time-limit S] [--gap N] [--no-write]`

1. Allocation alone: a synthetic primary school (40 classes of 50, grades 1-6, ten slots
   over five days, basic care for every class in the first period, 60 clubs of the sample
   catalogue with 20-40 seats each, the catalogue's grade ranges, a third limited to two
   days; grade 6 studies as a class on Monday and Wednesday's second period, grade 1 reads
   as a class once a week in a second period the week chooses; 100 teachers, each club's
   skill held by two or three of them), every student's choices drawn by
   `choices.sample.sample_choices` (popularity skew: a fifth of the clubs get about three
   times their seats in first choices), allocated with the optimal method, the lottery and
   first come first served (a quarter of the students systematically late), side by side:
   time, share with their 1st choice, a top-3 choice, nothing. Once with at most one club
   per student, once with at most two.
2. Allocated and scheduled: the joint mode (`choices.service.run_joint`, the workflow of
   `afterschool allocate --schedule`) with a time limit on two cores, timed step by step,
   its week checked again here; the lottery and first come first served in the same week;
   the plain pipeline (allocate, then schedule) for comparison.
3. The gap: on N small random schools (bench/joint_schools.py) the joint mode against the
   exact joint model (choices/exact.py) and the plain pipeline.

Writes the `## Club choices` section of docs/benchmarks.md (only that section). Never
asserted in unit tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from bench.joint_schools import small_school  # noqa: E402
from choices import METHODS, Arrival, allocate, apply_allocation  # noqa: E402
from choices.exact import exact_joint  # noqa: E402
from choices.joint import joint  # noqa: E402
from choices.report import summary  # noqa: E402
from choices.sample import sample_choices  # noqa: E402
from choices.service import run_joint  # noqa: E402
from domain.school import Activity, Group, Room, School, SchoolInfo, Slot, Teacher  # noqa: E402
from samplegen.catalog import CLUBS  # noqa: E402
from scheduler.check import check, rows_of  # noqa: E402
from scheduler.service import schedule_school  # noqa: E402
from scheduler.solve import SolveOptions  # noqa: E402

COMMAND = "uv run python bench/bench_choices.py"
HEADING = "## Club choices"
CLASSES, CLASS_SIZE, CLUB_COUNT, TEACHERS = 40, 50, 60, 100
SPECIAL_ROOMS = (
    ("music", 3, 50),
    ("art", 3, 50),
    ("computer", 2, 50),
    ("lab", 2, 50),
    ("gym", 2, 120),
    ("field", 3, 300),
    ("library", 1, 60),
)


def big_school(seed: int) -> School:
    """40 classes x 50 students, 60 clubs, every student signing up; schedulable."""
    rng = random.Random(f"bench-choices:{seed}")
    slots = tuple(
        Slot(f"D{d}{p}", d, start, end, "any")
        for d in range(1, 6)
        for p, (start, end) in (("A", ("15:40", "16:30")), ("B", ("16:40", "17:30")))
    )
    first = tuple(s.slot_id for s in slots if s.slot_id.endswith("A"))
    second = tuple(s.slot_id for s in slots if s.slot_id.endswith("B"))
    groups = tuple(
        Group(f"{grade}{k:02d}", (grade,), CLASS_SIZE, first, CLASS_SIZE)
        for grade in range(1, 7)
        for k in range(1, 8)
    )[:CLASSES]
    kinds = [k for k in CLUBS if k.grades[0] <= 6]
    clubs = []
    for i in range(CLUB_COUNT):
        kind = kinds[i % len(kinds)]
        round_ = i // len(kinds)
        name = kind.name if round_ == 0 else f"{kind.name}（{'一二三四五'[round_]}）"
        allowed = ()
        if rng.random() < 0.3:
            days = sorted(rng.sample(range(1, 6), 2))
            allowed = tuple(s.slot_id for s in slots if s.day in days)
        clubs.append(
            Activity(
                f"C{i + 1:02d}",
                name,
                kind.category,
                skill=f"{kind.skill}{round_ or ''}",  # each copy its own leaders
                sessions_per_week=1 if rng.random() < 0.7 else 2,
                enrolled=rng.randint(20, 40),
                room_type=kind.rooms[0] or None,
                allowed_slots=allowed,
            )
        )
    return School(
        SchoolInfo("BENCH", "基准小学", "primary", "urban", ratio=CLASS_SIZE),
        slots,
        teachers(clubs, groups),
        groups,
        (*clubs, *whole_class(groups, second)),
        rooms(groups),
    )


def whole_class(groups: tuple[Group, ...], second: tuple[str, ...]) -> list[Activity]:
    """Grade 6 studies as a class on Monday and Wednesday (second period); grade 1 reads
    as a class once a week in a second period the week chooses."""
    out = []
    for g in groups:
        if g.grade == (6,):
            out.append(
                Activity(
                    f"W{g.group_id}",
                    f"{g.group_id}毕业班辅导",
                    "academic",
                    sessions_per_week=2,
                    enrolled=CLASS_SIZE,
                    allowed_slots=("D1B", "D3B"),
                    groups=(g.group_id,),
                )
            )
        elif g.grade == (1,):
            out.append(
                Activity(
                    f"W{g.group_id}",
                    f"{g.group_id}绘本阅读",
                    "academic",
                    enrolled=CLASS_SIZE,
                    allowed_slots=second,
                    groups=(g.group_id,),
                )
            )
    return out


def rooms(groups: tuple[Group, ...]) -> tuple[Room, ...]:
    """A home room per class, twelve spare classrooms, special rooms."""
    out = [Room(f"R{g.group_id}", f"{g.group_id}教室", "classroom", 55, g.group_id) for g in groups]
    out += [Room(f"X{i:02d}", f"多功能教室{i}", "classroom", 55) for i in range(12)]
    for kind, count, seats in SPECIAL_ROOMS:
        out += [Room(f"{kind}{i}", f"{kind}{i}", kind, seats) for i in range(count)]
    return tuple(out)


def teachers(clubs: list[Activity], groups: tuple[Group, ...]) -> tuple[Teacher, ...]:
    """TEACHERS teachers (4 sessions a week, one a day); each club's skill held by the
    teachers i, i + 37 and i + 71 (mod TEACHERS); the first ones head a class."""
    out = []
    for t in range(TEACHERS):
        skills = sorted(
            {c.skill for i, c in enumerate(clubs) if t in {(i + k) % TEACHERS for k in (0, 37, 71)}}
        )
        head = groups[t].group_id if t < len(groups) else None
        out.append(
            Teacher(
                f"T{t:03d}", f"老师{t}", tuple(skills), max_per_week=4, max_per_day=1, homeroom=head
            )
        )
    return tuple(out)


def with_choices(seed: int, k: int) -> School:
    school = big_school(seed)
    school = replace(school, info=replace(school.info, max_clubs_per_student=k))
    return sample_choices(school, seed, share=1.0)


def measure(seed: int) -> list[dict[str, object]]:
    rows = []
    for k in (1, 2):
        school = with_choices(seed, k)
        for method in METHODS:
            started = time.perf_counter()
            a = allocate(school, method=method, seed=seed, arrival=Arrival(late_share=0.25))
            seconds = time.perf_counter() - started
            s = summary(a)
            rows.append(
                {
                    "k": k,
                    "method": method,
                    "seconds": seconds,
                    "students": s.students,
                    "first": s.first,
                    "top3": s.top3,
                    "nothing": s.nothing,
                    "clubs": s.clubs_per_student,
                    "seats": s.seats,
                    "left": s.seats_left,
                    "status": s.status,
                }
            )
            print(rows[-1], flush=True)
    return rows


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def measure_joint(seed: int, k: int, time_limit: float) -> dict[str, object]:
    """The joint mode on the big school, timed by its progress events; its week checked
    again here; then the plain pipeline (allocate with Hall's condition, then schedule)."""
    school = with_choices(seed, k)
    options = SolveOptions(time_limit=time_limit, workers=0)  # every core
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def heard(method: str, done: int, total: int) -> None:
        if method == "joint":
            marks[f"step{done}"] = time.perf_counter() - started

    outcome, scheduled = run_joint(school, seed, options, heard)
    seconds = time.perf_counter() - started
    checked = scheduled.schedule is not None and not check(
        outcome.enrolled, rows_of(scheduled.schedule)
    )
    assert outcome.joint is not None
    report = scheduled.report
    upper = allocate(school, seed=seed)
    plain_started = time.perf_counter()
    plain = schedule_school(apply_allocation(school, upper), options)
    row = {
        "k": k,
        "seconds": seconds,
        "upper_s": marks.get("step1", 0.0),
        "placed_s": marks.get("step3", 0.0),
        "week_s": marks.get("step4", 0.0),
        "first_week_s": marks.get("step3", 0.0) + (report.first_solution_seconds or 0.0),
        "path": outcome.joint.path,
        "at_bound": outcome.joint.at_bound,
        "checked": checked,
        "status": report.status,
        "objective": report.objective,
        "sessions": len(scheduled.schedule.sessions) if scheduled.schedule else 0,
        "summaries": [*outcome.summaries, outcome.joint.upper],
        "plain": plain.checked,
        "plain_status": plain.report.status,
        "plain_s": time.perf_counter() - plain_started,
    }
    print({k: v for k, v in row.items() if k != "summaries"}, flush=True)
    return row


def measure_gap(count: int) -> list[dict[str, object]]:
    """Per small school: the bound, the plain pipeline, the joint mode, the exact optimum."""
    options = SolveOptions(time_limit=10, workers=1, first_solution=True)
    out = []
    for number in range(count):
        school = small_school(number)
        upper = allocate(school)
        plain = schedule_school(apply_allocation(school, upper), options).checked
        started = time.perf_counter()
        found = joint(school, options)
        joint_s = time.perf_counter() - started
        best = exact_joint(school)
        assert found.checked and best.allocation is not None, number
        out.append(
            {
                "k": school.info.max_clubs_per_student,
                "students": len(found.allocation.instance.wishes),
                "upper": upper,
                "plain": plain,
                "joint": found.allocation,
                "path": found.path,
                "exact": best.allocation,
                "joint_s": joint_s,
                "exact_s": best.seconds,
            }
        )
    return out


def gap_table(rows: list[dict[str, object]]) -> list[str]:
    """The gap, per K and in all: schools, plain pipeline without a week, exact below the
    bound, joint at the exact optimum, and what the joint mode lost where it is not."""
    lines = [
        "| at most | schools | plain pipeline: no week | exact optimum below the bound "
        "| joint = exact | joint < exact | places lost | 1st choices lost "
        "| joint s (mean / max) | exact s (mean / max) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups = [(str(k), [r for r in rows if r["k"] == k]) for k in (1, 2, 3)]
    for label, part in [*groups, ("all", rows)]:
        if not part:
            continue
        short = [r for r in part if r["joint"].objective < r["exact"].objective]
        places = sum(len(r["exact"].assignments) - len(r["joint"].assignments) for r in short)
        firsts = sum(_firsts(r["exact"]) - _firsts(r["joint"]) for r in short)
        js = [float(r["joint_s"]) for r in part]
        es = [float(r["exact_s"]) for r in part]
        lines.append(
            f"| {label} | {len(part)} | {sum(not r['plain'] for r in part)} | "
            f"{sum(r['exact'].objective < r['upper'].objective for r in part)} | "
            f"{len(part) - len(short)} | {len(short)} | {places} | {firsts} | "
            f"{sum(js) / len(js):.2f} / {max(js):.2f} | {sum(es) / len(es):.2f} / {max(es):.2f} |"
        )
    return lines


def _firsts(allocation) -> int:
    return sum(1 for a in allocation.assignments if a.position == 1)


def section(
    rows: list[dict[str, object]],
    joints: list[dict[str, object]],
    gaps: list[dict[str, object]],
    seed: int,
    time_limit: float,
    load: float,
) -> str:
    school = with_choices(seed, 1)
    choices = len(school.choices)
    students = len({c.student_id for c in school.choices})
    lines = [
        HEADING,
        "",
        f"A synthetic primary school: {CLASSES} classes of {CLASS_SIZE} (grades 1-6), ten "
        "slots over five days, basic care for every class in the first period, "
        f"{CLUB_COUNT} clubs of the sample catalogue (20-40 seats each, the catalogue's grade "
        "ranges and room types, 30 % limited to two days), grade 6 studying as a class on "
        "Monday and Wednesday (second period), grade 1 reading as a class once a week (a "
        f"second period the week chooses), {TEACHERS} teachers (each club's skill held by two "
        f"or three), {students:,} students with {choices:,} ranked choices (3-5 each) drawn "
        "by `choices.sample.sample_choices` (a fifth of the clubs draw about three times "
        "their seats in first choices). First come, first served: a quarter of the students "
        f"arrive late (half the sign-up window). Seed {seed}. Built by `big_school` in "
        "bench/bench_choices.py.",
        "",
        "### Allocation alone",
        "",
        "`choices.allocate`, the three methods side by side (each student's clubs must fit "
        "their week by Hall's condition, the slots still free). Target: a few seconds.",
        "",
        "| at most | method | seconds | 1st choice | top 3 | nothing "
        "| clubs per student | seats left | status |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['k']} | {r['method']} | {float(r['seconds']):.2f} | {_pct(r['first'])} | "
            f"{_pct(r['top3'])} | {_pct(r['nothing'])} | {float(r['clubs']):.2f} | "
            f"{r['left']} of {r['seats']} | {r['status']} |"
        )
    lines += [
        "",
        '"at most": the school\'s `max_clubs_per_student`; shares are of the students who '
        'chose; "clubs per student" is the mean granted. The optimal method is '
        "rank-maximal in rounds: in order, the most students whose first club is their 1st "
        "choice, then their 2nd choice, ...; only then second clubs; priority students "
        "first in each round. No allocation beats it in that order (its objective is "
        "property-tested against the lottery, first come first served and brute force); "
        "the shares are measured, not guaranteed (a priority student's 2nd choice comes "
        "before another student's 1st; docs/choices.md). Under first come, "
        "first served with two clubs each, early arrivals take two clubs and leave late "
        "ones with nothing.",
        "",
        *joint_lines(joints, time_limit),
        "",
        *gap_lines(gaps),
        "",
        f"Machine: {os.cpu_count()} CPUs (os.cpu_count), {cpu_model()}, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}; load average "
        f"{load:.1f} when the run started (other work on the machine slows it). The "
        "allocations run CP-SAT on one worker (reproducible), the week on every core.",
        "",
        f"Command: `{COMMAND} --time-limit {time_limit:g} --gap {len(gaps)}`",
        "",
    ]
    return "\n".join(lines)


def _pct(value: object) -> str:
    return f"{100 * float(value):.1f} %"  # type: ignore[arg-type]


def joint_lines(joints: list[dict[str, object]], time_limit: float) -> list[str]:
    lines = [
        "### Allocated and scheduled: the joint mode",
        "",
        "`choices.service.run_joint`, the workflow of `afterschool allocate --schedule` "
        f"(optimal method), with a time limit of {time_limit:g} s for everything, the week "
        "on every core: the bound (the optimal allocation, slots free), the placement and "
        "the allocation with the slots known, then the week with the placement locked, "
        "optimised until the time limit; the week checked again here against the school "
        "with the allocated enrolments. Seconds count from the start of the run. Then, "
        "for comparison, the plain pipeline: the bound's allocation scheduled with the "
        "same time limit. Target: allocated and scheduled in under 10 s on 2 cores.",
        "",
        "| at most | bound | placed and allocated | first checked week | week done "
        "| path | meets the bound | week | plain pipeline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in joints:
        week = (
            f"{r['status']}, objective {float(r['objective'] or 0):,.0f}, {r['sessions']} "
            f"sessions, checker {'passed' if r['checked'] else 'FAILED'}"
        )
        plain = (
            "a checked week"
            if r["plain"]
            else f"no week ({r['plain_status']}, {float(r['plain_s']):.1f} s)"
        )
        lines.append(
            f"| {r['k']} | {float(r['upper_s']):.1f} s | {float(r['placed_s']):.1f} s | "
            f"{float(r['first_week_s']):.1f} s | {float(r['week_s']):.1f} s | {r['path']} | "
            f"{'yes' if r['at_bound'] else 'no'} | {week} | {plain} |"
        )
    lines += [
        "",
        "The satisfaction figures of the same run: the joint allocation, the lottery and "
        "first come, first served all in the joint mode's week (the same club slots, so "
        "every one of them is a valid enrolments sheet for that week), and the bound.",
        "",
        "| at most | method | 1st choice | top 3 | nothing | clubs per student | seats left |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in joints:
        names = ["joint (optimal)", "lottery", "fcfs", "bound (slots free)"]
        for name, s in zip(names, r["summaries"], strict=True):  # type: ignore[arg-type]
            lines.append(
                f"| {r['k']} | {name} | {_pct(s.first)} | {_pct(s.top3)} | {_pct(s.nothing)} "
                f"| {s.clubs_per_student:.2f} | {s.seats_left} of {s.seats} |"
            )
    return lines


def gap_lines(gaps: list[dict[str, object]]) -> list[str]:
    paths = {p: sum(r["path"] == p for r in gaps) for p in ("locked", "free", "week_first")}
    students = [int(r["students"]) for r in gaps]  # type: ignore[call-overload]
    return [
        "### The joint mode against the exact joint optimum",
        "",
        f"{len(gaps)} small random schools (`bench/joint_schools.py`, numbers 0 to "
        f"{len(gaps) - 1}: 2-8 slots, 2-3 classes, 2-5 clubs, 0-2 whole-class activities, "
        f"3-6 teachers, {min(students)}-{max(students)} students, at most 1-3 clubs each; "
        "every one has a week without its students). For each: the bound (the optimal "
        "allocation with the slots free), the plain pipeline (that allocation scheduled), "
        "the joint mode (`choices.joint.joint`, first checked week, one worker) and the "
        "exact joint optimum (`choices.exact.exact_joint`: the scheduler's model with the "
        "allocation's variables and per-slot clashes, solved lexicographically). "
        '"places lost" and "1st choices lost" add up what the joint allocation has fewer '
        "than the exact one where it falls short. The joint week path: "
        + ", ".join(f"{p} {n}" for p, n in paths.items())
        + ".",
        "",
        *gap_table(gaps),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--gap", type=int, default=300, help="small schools for the gap")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = measure(args.seed)
    joints = [measure_joint(args.seed, k, args.time_limit) for k in (1, 2)]
    gaps = measure_gap(args.gap)
    text = section(rows, joints, gaps, args.seed, args.time_limit, load)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
