"""Robustness benchmark: a feasible school must always get a schedule within its time limit.

    uv run python bench/bench_robust.py                         # S 40, M 30, L 15, XL 6 seeds
    uv run python bench/bench_robust.py --S 20 --M 15 --L 6 --XL 3 --doc
    uv run python bench/bench_robust.py --S 5 --M 0 --L 0 --XL 0 --first-seed 100

Schools come from `bench/fuzz_schools.py`: random grids, classes, rooms, activities,
teachers, enrolments and locks around a planted week, so each is feasible and the planted
week, run through the independent checker first, proves it. Each school goes through the
product's own workflow, `scheduler.service.schedule_school(school, SolveOptions(
time_limit=T))` (solve, check, explain a failure, by one deadline), one school at a time.

Recorded per case: a schedule or not (the report's status and source), the first schedule's
time (`report.first_solution_seconds`), the wall time of the whole call (it must end by
T + 5 s), the checker's violations of the returned schedule (`outcome.violations`, must be
none), and the objective against the planted week's (`bench/peers.py` `score`, the model's
terms and weights). A case that fails (no schedule, an overrun, a violation, a crash) is
saved under `--failures` (default /tmp/fuzz_failures/) as a workbook (`workbook.writer`),
its planted week as a schedule CSV and a note of what happened, so that it can be replayed
with `afterschool schedule` and `afterschool check`; a school without a schedule is solved
once more with `--retry-limit` seconds (default 60) to tell a late schedule from none.

`--doc` writes the section `## Scheduler: robustness (random planted schools)` of
docs/benchmarks.md (replaced if present, else put after the shape families); nothing else
in that file changes.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.doc import DOC, write_section  # noqa: E402
from bench.fuzz_schools import SIZES, Fuzzed, build  # noqa: E402
from bench.peers import score  # noqa: E402
from domain.schedule import SCHEDULE_COLUMNS  # noqa: E402
from scheduler.check import check, rows_of  # noqa: E402
from scheduler.service import schedule_school  # noqa: E402
from scheduler.solve import SolveOptions  # noqa: E402

HEADING = "## Scheduler: robustness (random planted schools)"
AFTER = "## Scheduler: shape families"  # where a new section goes
DEFAULT_SEEDS = {"S": 40, "M": 30, "L": 15, "XL": 6}
OVERRUN = 5.0  # seconds a call may end after its limit (issue 13: "T + a few seconds")


def revision() -> str:
    """The commit measured, and whether scheduler/ had uncommitted changes (the solver is
    being changed while this benchmark runs)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "scheduler")
    return f"commit {head}" + (" with uncommitted changes in scheduler/" if dirty else "")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs (nproc), {cpu}, Python {platform.python_version()}, "
        f"{date.today().isoformat()}; load average (1/5/15 min) at start: {load}; "
        f"solver: {revision()}"
    )


def run_case(size: str, seed: int, args: argparse.Namespace) -> dict:
    """Build one school, check its planted week, solve it through the service, record."""
    t0 = time.perf_counter()
    case = build(size, seed)
    row: dict = {"size": size, "seed": seed, "gen": time.perf_counter() - t0, **case.features}
    row["planted_viol"] = check(case.school, rows_of(case.planted))
    row["planted_obj"] = score(case.school, case.planted)["objective"]
    row["problems"] = []
    if row["planted_viol"]:  # a generator bug: the school is not known to be feasible
        row["problems"].append(f"planted week has {len(row['planted_viol'])} violations")
    started = time.perf_counter()
    try:
        outcome = schedule_school(
            case.school, SolveOptions(time_limit=args.time_limit, workers=args.workers)
        )
    except Exception:  # a crash is a finding too: record it and go on
        row |= {
            "wall": time.perf_counter() - started,
            "status": "crash",
            "crash": traceback.format_exc(),
        }
        row |= {"schedule": False, "first": None, "viol": [], "objective": None, "gap": None}
        row |= {"source": "-", "reasons": []}
        row["problems"].append("crash")
        save_failure(case, row, args.failures)
        return row
    wall = time.perf_counter() - started
    rep = outcome.report
    row |= {
        "wall": wall,
        "status": rep.status,
        "source": rep.source,
        "schedule": outcome.schedule is not None,
        "first": rep.first_solution_seconds,
        "viol": outcome.violations,
        "objective": rep.objective,
        "gap": rep.gap,
        "reasons": [r.message("en") for r in outcome.reasons],
    }
    if outcome.schedule is None:
        row["problems"].append(f"no schedule ({rep.status})")
        row["retry"] = retry(case, args)
    if wall > args.time_limit + OVERRUN:
        row["problems"].append(f"overrun: {wall:.1f} s on a {args.time_limit:g} s limit")
    if outcome.violations:
        row["problems"].append(f"{len(outcome.violations)} checker violations")
    if row["problems"]:
        save_failure(case, row, args.failures)
    return row


def retry(case: Fuzzed, args: argparse.Namespace) -> dict | None:
    """A school without a schedule again with `--retry-limit` seconds: is the schedule
    merely late (and how late), or not found at all?"""
    if not args.retry_limit:
        return None
    started = time.perf_counter()
    outcome = schedule_school(
        case.school, SolveOptions(time_limit=args.retry_limit, workers=args.workers)
    )
    return {
        "limit": args.retry_limit,
        "wall": time.perf_counter() - started,
        "status": outcome.report.status,
        "first": outcome.report.first_solution_seconds if outcome.schedule else None,
        "viol": len(outcome.violations),
    }


def retry_text(r: dict) -> str:
    again = r.get("retry")
    if not again:
        return "-"
    if again["first"] is None:
        return f"none in {again['limit']:g} s ({again['status']})"
    return f"first at {again['first']:.1f} s ({again['status']}, {again['viol']} violations)"


def save_failure(case: Fuzzed, row: dict, folder: Path) -> None:
    """The school as a workbook, its planted week as a schedule CSV, and a note."""
    from workbook.writer import write_xlsx  # only when there is something to save

    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{case.size}-seed{case.seed}"
    try:
        write_xlsx(case.school, stem.with_suffix(".xlsx"))
    except Exception:  # the note still says what happened
        row["problems"].append("workbook not written: " + traceback.format_exc(limit=1))
    with open(f"{stem}-planted.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(SCHEDULE_COLUMNS))
        writer.writeheader()
        writer.writerows(case.planted.rows())
    lines = [
        f"size {case.size}, seed {case.seed}: bench.fuzz_schools.build({case.size!r}, {case.seed})",
        "problems: " + "; ".join(row["problems"]),
        f"status {row['status']}, source {row.get('source')}, first {row.get('first')} s, "
        f"wall {row['wall']:.2f} s",
        f"planted objective {row['planted_obj']}, returned objective {row.get('objective')}",
        "features: " + repr(case.features),
    ]
    if row.get("retry"):
        lines.append(f"with a {row['retry']['limit']:g} s limit: {retry_text(row)}")
    lines += ["reason: " + r for r in row.get("reasons") or []]
    lines += ["violation: " + v.render() for v in row.get("viol") or []]
    lines += ["planted violation: " + v.render() for v in row["planted_viol"]]
    if row.get("crash"):
        lines.append(row["crash"])
    stem.with_name(stem.name + "-note.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    row["saved"] = str(stem.with_suffix(".xlsx"))


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(r: dict) -> float | None:
    """Returned objective / planted week's objective (below 1: better than the plant)."""
    if r.get("objective") is None or not r["planted_obj"]:
        return None
    return r["objective"] / r["planted_obj"]


def print_row(r: dict) -> None:
    print(
        f"[{r['size']} seed {r['seed']}] {r['stage']}, {r['teachers']} teachers, "
        f"{r['classes']} classes, {r['slots']} slots, {r['sessions']} sessions "
        f"({r['teacher_sessions']} teacher-sessions, {100 * (r['tightness'] or 0):.0f}% of "
        f"capacity), {r['locks']} locks, {r['enrolments']} enrolments | {r['status']} "
        f"({r['source']}) first {fmt(r['first'])} s, wall {r['wall']:.1f} s, "
        f"viol {len(r['viol'])}, obj {fmt(r['objective'], 0)} vs planted "
        f"{r['planted_obj']:.0f} | "
        + ("ok" if not r["problems"] else "FAIL: " + "; ".join(r["problems"]))
        + (f"; again: {retry_text(r)}" if r.get("retry") else "")
        + f" (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def size_rows(rows: list[dict]) -> list[str]:
    """One table line per size: the figures the robustness claim rests on."""
    out = [
        "| size | cases | teachers | classes | sessions (teacher-sessions) | locks "
        "| demand / capacity | no schedule (seeds) | overruns > T + 5 s | checker violations "
        "| first schedule s: median / worst (seed) | wall s: worst | optimal / feasible "
        "| objective / planted: median (worst) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in SIZES:
        rs = [r for r in rows if r["size"] == size]
        if not rs:
            continue

        def span(key: str, rs: list[dict] = rs) -> str:
            values = [r[key] for r in rs]
            return f"{min(values)}-{max(values)}"

        firsts = [r for r in rs if r["first"] is not None]
        worst = max(firsts, key=lambda r: r["first"]) if firsts else None
        failed = [r for r in rs if not r["schedule"]]
        overruns = [r for r in rs if r["wall"] > r["limit"] + OVERRUN]
        viol = sum(len(r["viol"]) for r in rs)
        ratios = [x for x in map(ratio, rs) if x is not None]
        tight = [r["tightness"] for r in rs if r["tightness"]]
        sessions = f"{span('sessions')} ({span('teacher_sessions')})"
        out.append(
            f"| {size} | {len(rs)} | {span('teachers')} | {span('classes')} | {sessions} "
            f"| {span('locks')} | {100 * min(tight):.0f}-{100 * max(tight):.0f}% "
            f"| {len(failed)}"
            + (f" ({', '.join(str(r['seed']) for r in failed)})" if failed else "")
            + f" | {len(overruns)}"
            + (f" ({', '.join(str(r['seed']) for r in overruns)})" if overruns else "")
            + f" | {viol} | "
            + (
                f"{statistics.median(r['first'] for r in firsts):.2f} / "
                f"{worst['first']:.2f} ({worst['seed']})"
                if worst
                else "-"
            )
            + f" | {max(r['wall'] for r in rs):.1f} "
            f"| {sum(r['status'] == 'optimal' for r in rs)} / "
            f"{sum(r['status'] == 'feasible' for r in rs)} | "
            + (f"{statistics.median(ratios):.3f} ({max(ratios):.3f})" if ratios else "-")
            + " |"
        )
    return out


def summary(rows: list[dict]) -> str:
    lines = ["Cases: " + str(len(rows))]
    failed = [r for r in rows if not r["schedule"]]
    lines.append(
        f"No schedule: {len(failed)}"
        + (
            ": " + ", ".join(f"{r['size']} seed {r['seed']} ({r['status']})" for r in failed)
            if failed
            else ""
        )
    )
    over = [r for r in rows if r["wall"] > r["limit"] + OVERRUN]
    lines.append(
        f"Overruns (> T + {OVERRUN:g} s): {len(over)}"
        + (
            ": " + ", ".join(f"{r['size']} seed {r['seed']} ({r['wall']:.1f} s)" for r in over)
            if over
            else ""
        )
    )
    lines.append(f"Checker violations: {sum(len(r['viol']) for r in rows)}")
    bugs = sum(bool(r["planted_viol"]) for r in rows)
    lines.append(f"Planted weeks with violations (generator bugs): {bugs}")
    for size in SIZES:
        rs = [r for r in rows if r["size"] == size and r["first"] is not None]
        if rs:
            w = max(rs, key=lambda r: r["first"])
            lines.append(f"Worst first schedule {size}: {w['first']:.2f} s (seed {w['seed']})")
    saved = [r for r in rows if r.get("saved")]
    for r in saved:
        lines.append(f"Saved {r['saved']}: {'; '.join(r['problems'])}; again: {retry_text(r)}")
    return "\n".join(lines)


def failures_table(rows: list[dict]) -> list[str]:
    bad = [r for r in rows if r["problems"]]
    if not bad:
        return ["Every case got a checked schedule within its limit."]
    out = [
        "| size | seed | what happened | status (source) | first s | wall s "
        "| again with a longer limit | school |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in bad:
        out.append(
            f"| {r['size']} | {r['seed']} | {'; '.join(r['problems'])} | {r['status']} "
            f"({r.get('source', '-')}) | {fmt(r['first'])} | {r['wall']:.1f} "
            f"| {retry_text(r)} | {r['stage']}, {r['teachers']} teachers, {r['classes']} classes, "
            f"{r['slots']} slots, {r['locks']} locks, {r['enrolments']} enrolments |"
        )
    return out


def report(rows: list[dict], command: str, started_at: str, args: argparse.Namespace) -> str:
    out = [
        f"Command: `{command}` (each school through `scheduler.service.schedule_school` with "
        f"`SolveOptions(time_limit={args.time_limit:g}, workers={args.workers})` "
        "(0 = one per core, at least 2), one school at a time; seeds from "
        f"{args.first_seed}).",
        "",
        f"Machine: {started_at}.",
        "",
        "Schools: `bench/fuzz_schools.py`, a random generator with its own code path (not "
        "`bench/shapes.py`, `bench/instances.py` or `samplegen/`). Each school is drawn "
        "around a planted week: 4-7 days (Saturday and Sunday sometimes), 1-4 periods a day "
        "of 40-90 minutes with kinds basic / extended / self_study / any mixed, a "
        "Wednesday-afternoon block sometimes, early and evening self-study for high "
        "schools; classes of grades 1-12 with multi-grade classes, 8-55 students, basic "
        "care at some slots (sometimes for part of the class, or nobody), ratio 15-45; home "
        "rooms for some classes, typed and scarce special rooms; clubs of every category "
        "with or without a skill, 1-3 teachers, 1-5 sessions, explicit or blank allowed "
        "slots, fixed teachers (some without the skill), whole-class activities (`groups`) "
        "and high-school self-study; external instructors who come one or two days, "
        "opted-out teachers, homeroom teachers; enrolments (0-3 clubs a student) and "
        "locks in every form of the contract on 0-30% of the sessions. The week is placed "
        "and staffed first (min-cost max-flow), limits, skills, availability, enrolments "
        "and locks are derived from it, and it passes the independent checker, so every "
        "school is feasible. Demand / capacity: teacher-sessions against the sum over "
        "opted-in teachers of `min(max_per_week, sum over days of min(max_per_day, "
        "available slots))`.",
        "",
        f"Claim: every feasible school gets a checked schedule within T + {OVERRUN:g} s. "
        "`first schedule` is the report's `first_solution_seconds` (from the start of the "
        "solve, model and warm start included); `wall` is the whole `schedule_school` "
        "call. `objective / planted`: the returned schedule's objective over the planted "
        "week's, both with the model's terms and default weights (`bench/peers.py` "
        "`score` for the planted week); below 1 the solver beat the week the school was "
        "built around.",
        "",
    ]
    out += size_rows(rows)
    out += ["", "### Failures", ""]
    out += failures_table(rows)
    bad = [r for r in rows if r["problems"]]
    if bad:
        out += [
            "",
            f"Each failing school was saved as a workbook under `{args.failures}` "
            "(`<size>-seed<seed>.xlsx`, its planted week `-planted.csv`, a `-note.txt`); "
            "`bench.fuzz_schools.build(size, seed)` rebuilds it.",
        ]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    for size, n in DEFAULT_SEEDS.items():
        ap.add_argument(
            f"--{size}",
            type=int,
            default=n,
            dest=f"n_{size}",
            help=f"seeds at {size} (default {n})",
        )
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0 = auto)")
    ap.add_argument(
        "--retry-limit",
        type=float,
        default=60.0,
        help="solve a school without a schedule again with this limit (0: do not)",
    )
    ap.add_argument("--failures", type=Path, default=Path("/tmp/fuzz_failures"))
    ap.add_argument("--doc", action="store_true", help="write the section of docs/benchmarks.md")
    args = ap.parse_args()
    command = "uv run python bench/bench_robust.py " + " ".join(sys.argv[1:])
    started_at = machine()
    print(f"Machine: {started_at}", flush=True)
    rows = []
    t0 = time.perf_counter()
    for size in SIZES:
        for seed in range(args.first_seed, args.first_seed + getattr(args, f"n_{size}")):
            row = run_case(size, seed, args)
            row["limit"] = args.time_limit
            print_row(row)
            rows.append(row)
    print(f"All cases in {time.perf_counter() - t0:.0f} s", flush=True)
    print(summary(rows), flush=True)
    body = report(rows, command.strip(), started_at, args)
    if args.doc:
        write_section(f"{HEADING}\n\n{body.strip()}\n", after=AFTER)
        print(f"Wrote {HEADING!r} in {DOC}", flush=True)


if __name__ == "__main__":
    main()
