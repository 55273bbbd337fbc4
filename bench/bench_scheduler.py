"""Scheduler benchmark: CP-SAT against a by-hand greedy and the same model in HiGHS.

    uv run python bench/bench_scheduler.py --sizes S L XL XXL --time-limit 120
    uv run python bench/bench_scheduler.py --county            # data/sample_county, see below
    uv run python bench/bench_scheduler.py --compare 2 --sizes XL XXL --time-limit 120

`--county`: every school with the default model and weights, each stopping at a proven
optimum (or a relative gap of `--county-gap`, default 0) or after `--county-time-limit`
seconds (default 10), `--processes` schools at a time (default 2), one CP-SAT worker each
unless `--workers` says otherwise.
`--compare N`: before issue 4 (the quick greedy hint, kept below as `legacy_hint`, and the
solver settings of then, `legacy_solver`), today's warm start with those old settings, and
today's solve, alternating N times on the same instance in one process, so that machine
load hits all three alike.

Every CP-SAT and greedy schedule is re-verified with the independent checker. Results are
printed as they come and written to the `## Scheduler` section of docs/benchmarks.md (only
the subsection of the run that was made is replaced).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scheduler.solve as solve_module  # noqa: E402
from bench.instances import generate  # noqa: E402
from bench.peers import greedy, highs_solve, score  # noqa: E402
from scheduler.check import check, rows_of  # noqa: E402
from scheduler.instance import Instance  # noqa: E402
from scheduler.model import Built, build  # noqa: E402
from scheduler.solve import Progress, SolveOptions, solve  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
TARGETS = {  # size: (text, test on the CP-SAT row)
    "L": ("proven optimal < 2 s", lambda r: r["status"] == "optimal" and r["seconds"] < 2),
    "XL": ("proven optimal < 30 s", lambda r: r["status"] == "optimal" and r["seconds"] < 30),
    "XXL": (
        "feasible < 15 s and within 2% of its bound in 120 s",
        lambda r: (
            r["first"] is not None
            and r["first"] < 15
            and r["gap"] is not None
            and r["gap"] <= 0.02
            and r["time_limit"] >= 120
        ),
    ),
}


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
        f"{date.today().isoformat()}; load average (1/5/15 min) at start: {load}"
    )


def fmt(x, digits: int = 0) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}" if digits else f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"
    return str(x)


def legacy_hint(built: Built) -> dict:
    """The warm start before issue 4, as it was: hardest clubs first on balanced slots with
    the least-loaded free teachers, then basic care with homeroom teachers first. It ignores
    rooms and the twins' load order, so CP-SAT must repair it. Keyed for `solve(hint=...)`."""
    inst = built.inst
    load: Counter = Counter()
    per_day: Counter = Counter()
    busy: set[tuple[str, str]] = set()
    limits = {t.teacher_id: (t.max_per_week, t.max_per_day) for t in inst.teachers}
    basic_at = {(b.group_id, b.slot_id) for b in inst.basic_sessions}
    hint: dict = {}

    def free(tid: str, s: str) -> bool:
        week, day = limits[tid]
        return (tid, s) not in busy and load[tid] < week and per_day[tid, inst.day(s)] < day

    def take(tid: str, s: str) -> None:
        busy.add((tid, s))
        load[tid] += 1
        per_day[tid, inst.day(s)] += 1

    for a in sorted(inst.activities, key=lambda a: (len(inst.qualified(a)), a.activity_id)):
        days: set[int] = set()
        for s in sorted(inst.allowed(a), key=lambda s: (sum(1 for _t, u in busy if u == s), s)):
            if len(days) == a.sessions_per_week or inst.day(s) in days:
                continue
            if any((g, s) in basic_at for g in a.groups):
                continue
            cands = [t for t in built.candidates(a.activity_id, s) if free(t, s)]
            cands.sort(key=lambda t: (t != a.fixed_teacher, load[t], t))
            if len(cands) < a.staff or (a.fixed_teacher and cands[0] != a.fixed_teacher):
                continue
            for t in cands[: a.staff]:
                take(t, s)
                pooled = a.activity_id in built.pooled  # staffed from the duty pool z
                hint[("z", (t, s)) if pooled else ("v", (t, a.activity_id, s))] = 1
            hint["x", (a.activity_id, s)] = 1
            days.add(inst.day(s))
    homeroom = {t.teacher_id: t.homeroom for t in inst.teachers}
    for s in inst.slots:
        classes = {b.group_id for b in inst.basic_by_slot[s]}
        cands = [t for (t, ss) in built.z if ss == s and free(t, s)]
        cands.sort(key=lambda t: (homeroom.get(t) not in classes, load[t], t))
        for t in cands[: inst.basic_demand(s)]:
            take(t, s)
            hint["z", (t, s)] = 1
    for family in ("x", "v", "z"):
        for key in getattr(built, family):
            hint.setdefault((family, key), 0)
    return hint


@contextmanager
def legacy_solver():
    """CP-SAT's settings of before issue 4: its default subsolvers, and its 8-worker
    portfolio above 6,000 variables (one worker per core below). Benchmark only."""
    saved = solve_module.PROOF_SUBSOLVERS, solve_module.auto_workers

    def auto_workers(built: Built) -> int:
        cores = os.cpu_count() or 1
        return max(cores, 8) if len(built.model.Proto().variables) > 6000 else cores

    solve_module.PROOF_SUBSOLVERS, solve_module.auto_workers = [], auto_workers
    try:
        yield
    finally:
        solve_module.PROOF_SUBSOLVERS, solve_module.auto_workers = saved


# name: (start from the legacy hint, legacy solver settings)
VARIANTS = {
    "before": (True, True),
    "new start, old solver": (False, True),
    "after": (False, False),
}


def run_cpsat(
    school, time_limit: float, workers: int, legacy: bool = False, old_solver: bool = False
) -> dict:
    """One CP-SAT solve; `legacy` starts from `legacy_hint` instead of today's warm start,
    `old_solver` uses the solver settings of before issue 4 (`legacy_solver`)."""
    events: list[Progress] = []
    hint = legacy_hint(build(Instance(school))) if legacy else None
    started = time.perf_counter()
    with legacy_solver() if old_solver else nullcontext():
        result = solve(
            school,
            SolveOptions(time_limit=time_limit, workers=workers, progress=events.append),
            hint=hint,
        )
    wall = time.perf_counter() - started
    rep = result.report
    violations = len(check(school, rows_of(result.schedule))) if result.schedule else None
    return {
        "status": rep.status,
        "first": rep.first_solution_seconds,
        "warm": rep.warm_start_seconds,
        "seconds": rep.seconds,
        "wall": round(wall, 3),
        "objective": rep.objective,
        "bound": rep.bound,
        "gap": rep.gap,
        "violations": violations,
        "time_limit": time_limit,
    }


def run_greedy(school) -> dict:
    started = time.perf_counter()
    schedule = greedy(school)
    seconds = time.perf_counter() - started
    if schedule is None:
        return {"status": "stuck", "seconds": seconds, "objective": None, "violations": None}
    return {
        "status": "feasible",
        "seconds": seconds,
        "objective": score(school, schedule)["objective"],
        "violations": len(check(school, rows_of(schedule))),
    }


def run_sizes(sizes: list[str], time_limit: float, workers: int) -> str:
    started_at = machine()
    out = [
        f"Command: `uv run python bench/bench_scheduler.py --sizes {' '.join(sizes)} "
        f"--time-limit {time_limit:g} --workers {workers}` (CP-SAT with {workers} workers, 0 = "
        "one per core, at least 2; greedy and HiGHS "
        "(single thread) run in the same process, one after the other).",
        "",
        f"Machine: {started_at}.",
        "",
        "Instances: `bench/instances.py` `generate(size, seed=1)`, Mon-Fri x 2 slots, demand "
        "about 85% of teacher capacity. Objective = the model's weighted soft terms; the greedy "
        "schedule is scored with the same terms (`bench/peers.py` `score`), which reproduces "
        "CP-SAT's own term values on its schedules. `viol.` = violations found by the "
        "independent checker (`scheduler/check.py`).",
        "",
    ]
    verdicts = []
    for size in sizes:
        t0 = time.perf_counter()
        school = generate(size)
        gen = time.perf_counter() - t0
        print(
            f"[{size}] {len(school.teachers)} teachers, {len(school.groups)} classes, "
            f"{len(school.activities)} clubs (generated in {gen:.2f} s)",
            flush=True,
        )
        cp = run_cpsat(school, time_limit, workers)
        print(f"[{size}] CP-SAT  {cp}", flush=True)
        gr = run_greedy(school)
        print(f"[{size}] greedy  {gr}", flush=True)
        hi = highs_solve(school, time_limit)
        print(f"[{size}] HiGHS   {hi}  (load {os.getloadavg()[0]:.2f})", flush=True)
        out += [
            f"#### {size}: {len(school.teachers)} teachers, {len(school.groups)} classes, "
            f"{len(school.activities)} clubs",
            "",
            "| solver | status | first feasible s | proven optimal s / gap at limit | objective "
            "| bound | viol. |",
            "|---|---|---|---|---|---|---|",
        ]
        proven = (
            f"{cp['seconds']:.2f} s"
            if cp["status"] == "optimal"
            else f"gap {100 * cp['gap']:.2f}% at {cp['seconds']:.0f} s"
            if cp["gap"] is not None
            else "-"
        )
        out.append(
            f"| CP-SAT | {cp['status']} | {fmt(cp['first'], 2)} | {proven} "
            f"| {fmt(cp['objective'])} | {fmt(cp['bound'])} | {fmt(cp['violations'])} |"
        )
        out.append(
            f"| greedy | {gr['status']} | {gr['seconds']:.3f} | (no bound) "
            f"| {fmt(gr['objective'])} | - | {fmt(gr['violations'])} |"
        )
        hproven = (
            f"{hi['seconds']:.2f} s"
            if hi["status"] == "Optimal"
            else f"gap {100 * hi['gap']:.2f}% at {hi['seconds']:.0f} s"
            if hi["gap"] is not None
            else f"no solution in {hi['seconds']:.0f} s"
        )
        out.append(
            f"| HiGHS | {hi['status']} | {fmt(hi['first_solution_seconds'], 2)} | {hproven} "
            f"| {fmt(hi['objective'])} | {fmt(hi['bound'])} | (not extracted) |"
        )
        out.append("")
        out.append(
            f"CP-SAT wall time including model build and schedule extraction: {cp['wall']:.2f} s "
            f"(the table's CP-SAT times count from the start of the warm start). "
            f"HiGHS model: {hi['columns']} columns, {hi['rows']} rows, built in "
            f"{hi['build_seconds']:.2f} s (included in its times). Load average after the size: "
            f"{os.getloadavg()[0]:.2f}."
        )
        out.append("")
        if size in TARGETS:
            text, test = TARGETS[size]
            ok = test(cp)
            note = ""
            if size == "XXL" and time_limit < 120:
                note = f" (run with a {time_limit:g} s limit, so the 120 s clause is not tested)"
            gap = fmt(100 * cp["gap"], 2) if cp["gap"] is not None else "-"
            verdicts.append(
                f"| {size} | {text} | first {fmt(cp['first'], 2)} s, {cp['status']} in "
                f"{cp['seconds']:.2f} s, gap {gap}% "
                f"| {'met' if ok else 'NOT met'}{note} |"
            )
    if verdicts:
        out += [
            "#### Targets (CP-SAT)",
            "",
            "| size | target | measured | verdict |",
            "|---|---|---|---|",
            *verdicts,
            "",
        ]
    return "\n".join(out)


def run_compare(sizes: list[str], time_limit: float, workers: int, rounds: int) -> str:
    """Before/after on the same instance in one process, alternating, `rounds` times each."""
    out = [
        f"Command: `uv run python bench/bench_scheduler.py --compare {rounds} --sizes "
        f"{' '.join(sizes)} --time-limit {time_limit:g} --workers {workers}` (CP-SAT with "
        f"{workers} workers, 0 = auto; the three variants alternate in this order).",
        "",
        f"Machine: {machine()}.",
        "",
        "`before` = the quick greedy hint of before issue 4 (`legacy_hint`; its time, under "
        "0.2 s, is not counted) and the solver settings of then (`legacy_solver`: default "
        "subsolvers, 8 workers above 6,000 variables); `new start, old solver` = today's warm "
        "start with those old settings; `after` = today's warm start (`scheduler/warmstart.py`"
        ": placement, min-cost-flow staffing, local search) and today's settings (the "
        "`max_lp_sym` subsolver, one worker per core, at least 2). The warm start's time "
        "counts against the limit and is included in `first` and `seconds`; the model build "
        "is in neither.",
        "",
    ]
    for size in sizes:
        school = generate(size)
        runs: dict[str, list[dict]] = {name: [] for name in VARIANTS}
        for i in range(rounds):
            for name, (legacy, old_solver) in VARIANTS.items():
                r = run_cpsat(school, time_limit, workers, legacy, old_solver)
                r["load"] = os.getloadavg()[0]
                runs[name].append(r)
                print(f"[{size} {name} {i + 1}] {r}", flush=True)
        out += [
            f"#### {size}: {len(school.teachers)} teachers, {len(school.groups)} classes, "
            f"{len(school.activities)} clubs, limit {time_limit:g} s",
            "",
            "| start | round | warm start s | first feasible s | optimal s / gap at limit "
            "| objective | bound | viol. | load after |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for i in range(rounds):
            for name in VARIANTS:
                r = runs[name][i]
                out.append(
                    f"| {name} | {i + 1} | {fmt(r['warm'], 2)} | {fmt(r['first'], 2)} "
                    f"| {_proven(r)} | {fmt(r['objective'])} | {fmt(r['bound'])} "
                    f"| {fmt(r['violations'])} | {r['load']:.1f} |"
                )
        out += ["", *_ratios(runs), ""]
    return "\n".join(out)


def _proven(r: dict) -> str:
    if r["status"] == "optimal":
        return f"{r['seconds']:.2f} s"
    if r["gap"] is not None:
        return f"gap {100 * r['gap']:.2f}% at {r['seconds']:.0f} s"
    return f"no schedule in {r['seconds']:.0f} s"


def _ratios(runs: dict[str, list[dict]]) -> list[str]:
    """Medians of before and after, and their ratio."""
    lines = []

    def med(name: str, key: str) -> float | None:
        values = [r[key] for r in runs[name] if r[key] is not None]
        return statistics.median(values) if values else None

    for key, text in (("first", "first feasible s"), ("seconds", "seconds (limit or proof)")):
        b, a = med("before", key), med("after", key)
        if b and a:
            lines.append(f"- median {text}: before {b:.2f}, after {a:.2f}: x{b / a:.2f}")
    proved = {n: sum(r["status"] == "optimal" for r in rs) for n, rs in runs.items()}
    lines.append("- proven optimal: " + ", ".join(f"{n} {proved[n]}/{len(runs[n])}" for n in runs))
    b, a = med("before", "gap"), med("after", "gap")
    if b is not None and a is not None:
        lines.append(f"- median gap at the end: before {100 * b:.2f}%, after {100 * a:.2f}%")
    return lines


def _county_task(args: tuple) -> dict:
    """One school in a worker process: solve, then the independent checker."""
    school, source, time_limit, gap, workers = args
    res = solve(school, SolveOptions(time_limit=time_limit, workers=workers, gap_limit=gap))
    rep = res.report
    viol = len(check(school, rows_of(res.schedule))) if res.schedule is not None else None
    return {
        "source": source,
        "status": rep.status,
        "seconds": rep.seconds,
        "first": rep.first_solution_seconds,
        "gap": rep.gap,
        "objective": rep.objective,
        "violations": viol,
    }


def run_county(folder: Path, time_limit: float, gap: float, processes: int, workers: int) -> str:
    """Every school with the default model and weights, to a proven optimum or `gap`."""
    from workbook.reader import read_county

    started_at = machine()
    t0 = time.perf_counter()
    results = read_county(folder)
    read_s = time.perf_counter() - t0
    tasks = [
        (rr.school, rr.source, time_limit, gap, workers) for rr in results if rr.school is not None
    ]
    unreadable = len(results) - len(tasks)
    t1 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        done = []
        for i, r in enumerate(pool.map(_county_task, tasks), 1):
            done.append(r)
            print(
                f"[county {i}/{len(tasks)}] {Path(r['source']).name}: {r['status']} "
                f"{r['seconds']:.2f} s gap {r['gap']} obj {r['objective']}",
                flush=True,
            )
    solve_s = time.perf_counter() - t1
    counts = Counter(r["status"] for r in done)
    gaps = [r["gap"] for r in done if r["gap"] is not None]
    worst = max(done, key=lambda r: (r["gap"] or 0, r["seconds"]), default=None)
    slowest = max(done, key=lambda r: r["seconds"], default=None)
    within = sum(1 for r in done if r["status"] == "feasible" and r["gap"] <= gap)
    lines = [
        f"Command: `uv run python bench/bench_scheduler.py --county --county-time-limit "
        f"{time_limit:g} --county-gap {gap:g} --processes {processes} --workers {workers}`.",
        "",
        "What a county run is here: every school with the default model and default weights "
        "(the same objective as `afterschool schedule`), each solved until CP-SAT proves it "
        + (
            f"optimal or proves it within {100 * gap:g}% of optimal (`relative_gap_limit`), or "
            if gap
            else "optimal, or "
        )
        + f"{time_limit:g} s pass; {processes} schools at a time in separate processes, "
        f"{workers} CP-SAT worker(s) each (1 worker is deterministic). Every schedule is "
        "re-verified by the independent checker.",
        "",
        f"Machine: {started_at}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| schools read | {len(results)} ({unreadable} unreadable) in {read_s:.2f} s |",
        f"| solve wall time, all schools ({processes} processes) | {solve_s:.1f} s |",
        f"| proven optimal | {counts.get('optimal', 0)} |",
        *([f"| stopped within {100 * gap:g}% of the bound | {within} |"] if gap else []),
        f"| stopped by the time limit, gap above {100 * gap:g}% | "
        f"{counts.get('feasible', 0) - within} |",
        *(f"| {k} | {v} |" for k, v in sorted(counts.items()) if k not in ("optimal", "feasible")),
        f"| worst gap at the end | {100 * max(gaps, default=0):.2f}%"
        + (f" ({Path(worst['source']).name})" if worst else "")
        + " |",
        f"| slowest school | {slowest['seconds']:.2f} s ({Path(slowest['source']).name}) |"
        if slowest
        else "| slowest school | - |",
        f"| slowest first feasible | {max((r['first'] or 0 for r in done), default=0):.2f} s |",
        f"| checker violations, all schedules | {sum(r['violations'] or 0 for r in done)} |",
        "",
    ]
    return "\n".join(lines)


def write_section(sub: str, body: str) -> None:
    """Replace `### <sub>` (to the next `### ` heading that is not a size table or to the end)
    inside `## Scheduler`, creating the section if needed. Other sections are untouched."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"^## Scheduler\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    section = m.group(1) if m else ""
    parts = re.split(r"^(?=### )", section, flags=re.M)
    head = parts[0] if parts and not parts[0].startswith("### ") else ""
    subs = {p.split("\n", 1)[0][4:].strip(): p for p in parts if p.startswith("### ")}
    subs[sub] = f"### {sub}\n\n{body.strip()}\n\n"
    if not head.strip():
        head = (
            "\nWeekly roster solve (`scheduler/solve.py`, CP-SAT) against two peers from "
            "`bench/peers.py`: a by-hand greedy and the same model as a MIP in HiGHS.\n\n"
        )
    order = ["Benchmark sizes", "Before and after the warm start", "Whole sample county"]
    new = "## Scheduler\n" + head + "".join(subs[k] for k in order if k in subs)
    new += "".join(v for k, v in subs.items() if k not in order)
    text = text[: m.start()] + new + text[m.end() :] if m else text.rstrip("\n") + "\n\n" + new
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", nargs="+", default=["S", "L", "XL", "XXL"])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=None, help="CP-SAT workers (0 = auto)")
    ap.add_argument("--county", action="store_true", help="only the whole sample county run")
    ap.add_argument("--county-time-limit", type=float, default=10.0)
    ap.add_argument(
        "--county-gap", type=float, default=0.0, help="relative gap to stop at (0: prove optimal)"
    )
    ap.add_argument("--processes", type=int, default=2, help="county: schools at a time")
    ap.add_argument("--county-folder", type=Path, default=ROOT / "data" / "sample_county")
    ap.add_argument("--compare", type=int, default=0, metavar="N", help="before/after, N rounds")
    ap.add_argument("--no-doc", action="store_true", help="print only, leave the doc alone")
    args = ap.parse_args()
    args.workers_given = args.workers is not None
    if args.workers is None:
        args.workers = 0  # sizes and compare: auto; county: 1 per process
    if args.county:
        workers = args.workers if args.workers_given else 1
        body = run_county(
            args.county_folder, args.county_time_limit, args.county_gap, args.processes, workers
        )
        sub = "Whole sample county"
    elif args.compare:
        body = run_compare(args.sizes, args.time_limit, args.workers, args.compare)
        sub = "Before and after the warm start"
    else:
        body = run_sizes(args.sizes, args.time_limit, args.workers)
        sub = "Benchmark sizes"
    print(body)
    if not args.no_doc:
        write_section(sub, body)


if __name__ == "__main__":
    main()
