"""Scheduler benchmark over school shape families (`bench/shapes.py`, issue 13).

    uv run python bench/bench_shapes.py                  # every family and size (~40 min)
    uv run python bench/bench_shapes.py --quick          # sizes S and M, one seed
    uv run python bench/bench_shapes.py --families high_self_study --sizes L --seeds 3 --no-doc

For each family x size x seed: `scheduler.solve.solve` with default options (time limit 60 s,
120 s for XXL; `--workers 0` = one worker per core, at least 2), then the greedy peer and,
for sizes up to L (`--highs-sizes`), the same model in HiGHS (`bench/peers.py`). Every
schedule, and the planted week the school was built around, goes through the independent
checker (`scheduler/check.py`). Rows are printed as they come; the tables (one per family,
with its worst case) replace the `## Scheduler: shape families` section of
docs/benchmarks.md unless `--no-doc` is given.

Default seeds: 2 for S, M and L, 1 for XL and XXL (`--seeds N` sets N for every size).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from bench.peers import greedy, highs_solve, score  # noqa: E402
from bench.shapes import FAMILIES, SIZES, build, stats  # noqa: E402
from scheduler.check import check, rows_of  # noqa: E402
from scheduler.solve import SolveOptions, solve  # noqa: E402

HEADING = "## Scheduler: shape families"
DEFAULT_SEEDS = {"S": 2, "M": 2, "L": 2, "XL": 1, "XXL": 1}
OVERRUN = 5.0  # seconds a solve may end after its limit (issue 13: "within T + a few seconds")

GRIDS = {
    "high_self_study": "Mon-Fri 06:50 早读 / 19:00 晚自习一 / 20:20 晚自习二, kind self_study "
    "(15 slots); 3 whole-class self-study activities x 5 a class, home rooms, no basic care; "
    "homeroom teachers locked to 2-4 sessions of their class (4 at L) plus 0-30% other locks "
    "(L: 120 locks in all)",
    "junior_enrolments": "Mon-Fri 16:05 extended + 17:00 any, Wed 14:20 extended (11 slots); "
    "basic care 3-5 days, whole-class PE (x2) and tutoring, clubs joined through an "
    "enrolments sheet (0-3 clubs a student)",
    "village_multigrade": "Mon-Fri 15:10 any + Tue/Thu 16:10 extended (7 slots), ratio 30; "
    "multi-grade classes, few teachers at 90-95% of capacity, external instructors for skills "
    "nobody else has, there only on their days",
    "urban_primary_2p": "Mon-Fri 15:50 extended + 16:45 any (60 min, late basic care of every "
    "class; clubs in both periods)",
    "urban_primary_3p": "Mon-Fri 15:30 extended, 16:20 any, 17:10 basic (60 min); late basic "
    "care for every class, grades 1-3 also in the middle period 3 days; clubs in periods 1-2",
    "timetabling": "Mon-Fri x 5-7 periods from 08:00 (kind any); every activity = one subject "
    "of one class, fixed teacher, 1-5 lessons a week; rooms = the busiest period's count",
    "nine_year_tight_rooms": "Mon/Tue/Thu/Fri 15:40 + 16:35, Wed 14:30 + 15:25 + 16:20 "
    "(11 slots); grades 1-6 basic care in the last period, 7-9 whole-class tutoring; clubs "
    "in labs, music, gyms, computer and art rooms, 85-95% of those room-slots used",
}


def machine() -> str:
    """The machine line of the report (as bench_scheduler's, without importing it), plus
    the commit measured: the solver changes under this benchmark."""
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


def revision() -> str:
    """The commit measured, and whether scheduler/ had uncommitted changes."""

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


def targets_of(family: str, size: str, r: dict) -> list[tuple[str, bool]]:
    """Issue 13's targets that apply to this case, each with whether it was met."""
    first = r["first"]
    out = [("first < 10 s", first is not None and first < 10)]
    if size == "L":
        out.append(("L optimal < 5 s", r["status"] == "optimal" and r["seconds"] < 5))
    if size == "XL":
        out.append(("XL optimal < 30 s", r["status"] == "optimal" and r["seconds"] < 30))
    if size == "XXL":
        out.append(("XXL first < 15 s", first is not None and first < 15))
        if r["time_limit"] >= 120:
            gap_ok = r["gap"] is not None and r["gap"] <= 0.01
            out.append(("XXL gap <= 1% at 120 s", gap_ok))
    if family == "high_self_study" and size == "L":
        out.append(("high-school L feasible < 5 s", first is not None and first < 5))
    out.append((f"wall <= limit + {OVERRUN:g} s", r["wall"] <= r["time_limit"] + OVERRUN))
    return out


def run_case(family: str, size: str, seed: int, args) -> dict:
    t0 = time.perf_counter()
    school, planted = build(family, size, seed)
    gen = time.perf_counter() - t0
    row = {"family": family, "size": size, "seed": seed, "gen": gen, **stats(school)}
    row["witness_viol"] = len(check(school, rows_of(planted)))
    row["witness_obj"] = score(school, planted)["objective"]
    limit = args.xxl_time_limit if size == "XXL" else args.time_limit
    started = time.perf_counter()
    result = solve(school, SolveOptions(time_limit=limit, workers=args.workers))
    wall = time.perf_counter() - started
    rep = result.report
    row |= {
        "status": rep.status,
        "first": rep.first_solution_seconds,
        "warm": rep.warm_start_seconds,
        "seconds": rep.seconds,
        "wall": round(wall, 2),
        "objective": rep.objective,
        "bound": rep.bound,
        "gap": rep.gap,
        "time_limit": limit,
        "viol": len(check(school, rows_of(result.schedule))) if result.schedule else None,
    }
    # The greedy refuses locks: on a school with locks it runs on the same school without
    # them (a relaxation, marked in the table), scored and checked against that school.
    relaxed = replace(school, locks=()) if school.locks else school
    t1 = time.perf_counter()
    gs = greedy(relaxed)
    row["greedy_s"] = time.perf_counter() - t1
    row["greedy_obj"] = score(relaxed, gs)["objective"] if gs else None
    row["greedy_viol"] = len(check(relaxed, rows_of(gs))) if gs else None
    row["greedy_why"] = "" if gs else "stuck"
    row["highs"] = None
    if size in args.highs_sizes:
        row["highs"] = highs_solve(school, args.highs_time_limit)
    row["targets"] = targets_of(family, size, row)
    return row


def fmt(x, digits: int = 2) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.0f}" if abs(x) >= 100 else f"{x:.{digits}f}"
    return str(x)


def proof(r: dict) -> str:
    if r["status"] == "optimal":
        return f"optimal {r['seconds']:.2f} s"
    if r["gap"] is not None:
        return f"gap {100 * r['gap']:.2f}% at {r['seconds']:.0f} s"
    return f"no schedule ({r['status']}) at {r['seconds']:.0f} s"


def highs_cell(h: dict | None, locks: int) -> str:
    if h is None:
        return "(not run)"
    if h["objective"] is None:
        text = f"{h['status']}, no solution in {h['seconds']:.0f} s"
    elif h["status"] == "Optimal":
        text = f"{h['objective']:.0f} opt. {h['seconds']:.1f} s"
    else:
        text = f"{h['objective']:.0f}, gap {100 * h['gap']:.1f}% at {h['seconds']:.0f} s"
    return text + (" *" if locks else "")


def print_row(r: dict) -> None:
    missed = [name for name, ok in r["targets"] if not ok]
    h = r["highs"]
    print(
        f"[{r['family']} {r['size']} seed {r['seed']}] {r['teachers']} teachers, "
        f"{r['classes']} classes, {r['sessions']} sessions ({r['teacher_sessions']} "
        f"teacher-sessions, {100 * r['tightness']:.0f}% of capacity), {r['locks']} locks | "
        f"CP-SAT {r['status']} first {fmt(r['first'])} s, {proof(r)}, obj {fmt(r['objective'])}"
        f", wall {r['wall']:.1f} s, viol {fmt(r['viol'])} | planted {r['witness_obj']:.0f} "
        f"(viol {r['witness_viol']}) | greedy {fmt(r['greedy_obj'])}{r['greedy_why']}"
        f"{' *' if r['locks'] else ''} | HiGHS "
        f"{highs_cell(h, r['locks']) if h else '-'} | "
        + ("targets met" if not missed else "MISSED: " + "; ".join(missed))
        + f" (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def family_table(rows: list[dict]) -> list[str]:
    out = [
        "| size | seed | teachers / classes / sessions (teacher-sessions) | locks | demand "
        "/ capacity | CP-SAT | first feasible s (warm start s) | proof / gap at limit "
        "| objective | bound | planted week | greedy | HiGHS "
        "| viol. (CP-SAT / greedy / planted) | wall s | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        missed = [name for name, ok in r["targets"] if not ok]
        greedy_cell = fmt(r["greedy_obj"]) if r["greedy_obj"] is not None else r["greedy_why"]
        if r["locks"]:
            greedy_cell += " *"
        out.append(
            f"| {r['size']} | {r['seed']} | {r['teachers']} / {r['classes']} / {r['sessions']} "
            f"({r['teacher_sessions']}) | {r['locks']} | {100 * r['tightness']:.0f}% "
            f"| {r['status']} | {fmt(r['first'])} ({fmt(r['warm'])}) | {proof(r)} "
            f"| {fmt(r['objective'])} | {fmt(r['bound'])} | {r['witness_obj']:.0f} | {greedy_cell} "
            f"| {highs_cell(r['highs'], r['locks'])} | {fmt(r['viol'])} / "
            f"{fmt(r['greedy_viol'])} / {r['witness_viol']} | {r['wall']:.1f} "
            f"| {'met' if not missed else 'missed: ' + '; '.join(missed)} |"
        )
    return out


def worst(rows: list[dict]) -> str:
    """The worst case of a family: no schedule first, then the slowest first schedule; and
    separately the largest gap (or slowest proof)."""

    def case(r: dict) -> str:
        return f"{r['size']} seed {r['seed']}"

    failed = [r for r in rows if r["first"] is None]
    slow = max(rows, key=lambda r: (r["first"] is None, r["first"] or 0))
    hard = max(rows, key=lambda r: (r["status"] != "optimal", r["gap"] or 0, r["seconds"]))
    parts = []
    if failed:
        parts.append(
            "**no schedule** in "
            + ", ".join(f"{case(r)} ({r['status']} after {r['seconds']:.0f} s)" for r in failed)
        )
    else:
        parts.append(f"slowest first schedule {slow['first']:.2f} s ({case(slow)})")
    if hard["status"] == "optimal":
        parts.append(
            f"every case proven optimal, slowest in {hard['seconds']:.2f} s ({case(hard)})"
        )
    elif hard["gap"] is not None:
        parts.append(
            f"worst gap {100 * hard['gap']:.2f}% at {hard['seconds']:.0f} s ({case(hard)})"
        )
    viol = sum(r["viol"] or 0 for r in rows) + sum(r["witness_viol"] for r in rows)
    parts.append(f"checker violations {viol}")
    missed = list(dict.fromkeys(name for r in rows for name, ok in r["targets"] if not ok))
    parts.append("targets missed: " + ("; ".join(missed) if missed else "none"))
    return "; ".join(parts)


def report(rows: list[dict], command: str, started_at: str, args) -> str:
    out = [
        f"Command: `{command}` (CP-SAT: `scheduler.solve.solve` with default options, "
        f"`--workers {args.workers}` (0 = one per core, at least 2), time limit "
        f"{args.time_limit:g} s, {args.xxl_time_limit:g} s for XXL; greedy and HiGHS (one "
        f"thread, limit {args.highs_time_limit:g} s, sizes {' '.join(args.highs_sizes)}) "
        "after it in the same process).",
        "",
        f"Machine: {started_at}.",
        "",
        "Schools: `bench/shapes.py` (independent of `bench/instances.py` and `samplegen/`). "
        "Each is built around a planted week: the sessions are placed and staffed first, then "
        "skills, limits, availability, enrolments and locks are derived from that week, so "
        "every school is feasible and the planted week (checked, column `viol.`) proves it. "
        "Demand is 80-95% of the teachers' capacity (teacher-sessions against the sum of "
        "`min(max_per_week, days x max_per_day)` over available slots). Objective = the "
        "model's weighted soft terms; the planted week and the greedy are scored with the "
        "same terms (`bench/peers.py` `score`). `first feasible` counts from the start of the "
        "warm start; `wall` is the whole `solve` call (model build, warm start, search, "
        "extraction). `*` on a peer: the school has locks, which the peers do not know (the "
        "product's greedy refuses a school with locks, so it runs on the school without "
        "them; the HiGHS model in `bench/peers.py` has no lock rules): that peer solved a "
        "relaxation, so its objective may be below the locked optimum and is not comparable "
        "with CP-SAT's; without `*` all three solve the same problem. Greedy `stuck`: it "
        "found no complete week.",
        "",
        "Targets (issue 13, 2 cores): every case a first schedule < 10 s; L proven optimal "
        "< 5 s; XL proven optimal < 30 s; XXL first < 15 s and gap <= 1% at 120 s; "
        f"high_self_study L feasible < 5 s; every solve ends within its limit + {OVERRUN:g} s.",
        "",
    ]
    families = list(dict.fromkeys(r["family"] for r in rows))
    out += ["### Worst case per family", "", "| family | worst case |", "|---|---|"]
    for f in families:
        out.append(f"| {f} | {worst([r for r in rows if r['family'] == f])} |")
    out.append("")
    names = list(dict.fromkeys(name for r in rows for name, _ok in r["targets"]))
    out += ["### Targets", "", "| target | cases | met | missed |", "|---|---|---|---|"]
    for name in names:
        cases = [(r, ok) for r in rows for n, ok in r["targets"] if n == name]
        bad = [f"{r['family']} {r['size']}/{r['seed']}" for r, ok in cases if not ok]
        out.append(f"| {name} | {len(cases)} | {len(cases) - len(bad)} | {', '.join(bad) or '-'} |")
    out.append("")
    for f in families:
        out += [f"### {f}", "", GRIDS[f] + ".", ""]
        out += family_table([r for r in rows if r["family"] == f])
        out.append("")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--seeds", type=int, default=None, help="seeds per size (default 2 S-L, 1 XL+)")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--xxl-time-limit", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0 = auto)")
    ap.add_argument("--highs-sizes", nargs="*", default=["S", "M", "L"], choices=list(SIZES))
    ap.add_argument("--highs-time-limit", type=float, default=20.0)
    ap.add_argument("--quick", action="store_true", help="sizes S and M, one seed")
    ap.add_argument("--no-doc", action="store_true", help="print only, leave the doc alone")
    args = ap.parse_args()
    if args.quick:
        args.sizes = [s for s in args.sizes if s in ("S", "M")] or ["S", "M"]
        args.seeds = args.seeds or 1
    command = "uv run python bench/bench_shapes.py " + " ".join(sys.argv[1:])
    started_at = machine()
    print(f"Machine: {started_at}", flush=True)
    rows = []
    t0 = time.perf_counter()
    for family in args.families:
        for size in [s for s in SIZES if s in args.sizes]:
            for seed in range(args.seeds or DEFAULT_SEEDS[size]):
                row = run_case(family, size, seed, args)
                print_row(row)
                rows.append(row)
    print(f"All cases in {time.perf_counter() - t0:.0f} s", flush=True)
    body = report(rows, command.strip(), started_at, args)
    print(body)
    if not args.no_doc:
        write_section(f"{HEADING}\n\n{body.strip()}\n", after="## Scheduler")


if __name__ == "__main__":
    main()
