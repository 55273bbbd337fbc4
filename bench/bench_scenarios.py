"""Benchmark of the scenario runner on the whole sample county; writes the `## Scenarios`
section of docs/benchmarks.md (only that section: other sections are kept as they are).

    uv run python bench/bench_scenarios.py            # measure and write the docs
    uv run python bench/bench_scenarios.py --no-write # measure only
    uv run python bench/bench_scenarios.py --quick    # greedy path only (no CP-SAT sweep)

Measures, each on a fresh cache: the baseline preset with 1 and 2 local workers (greedy
plan first, CP-SAT where it fails: the default), the same with CP-SAT for every school
(`greedy = false`, what a county whose schools cannot all be staffed costs), the
high-school extension after the baseline (only changed schools solve), and a money-only
variant served from the cache. Then projects a province from the per-school costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from scenarios.engine import Cache  # noqa: E402
from scenarios.levers import load_scenario, preset_path  # noqa: E402
from scenarios.pipeline import load_towns, read_schools, run_scenario  # noqa: E402

HEADING = "## Scenarios"
COUNTY = ROOT / "data" / "sample_county"
PROVINCE = 10_000


def timed_run(schools, towns, scenario, workers: int, cache_dir: Path) -> tuple[float, object]:
    started = time.perf_counter()
    result = run_scenario(schools, scenario, towns, workers=workers, cache=Cache(cache_dir))
    return time.perf_counter() - started, result


def per_school(result) -> dict[str, float]:
    times = sorted(result.stats.solve_seconds)
    if not times:
        return {"n": 0, "sum": 0.0, "mean": 0.0, "median": 0.0, "p95": 0.0, "max": 0.0}
    return {
        "n": len(times),
        "sum": sum(times),
        "mean": statistics.fmean(times),
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
        "max": times[-1],
    }


def measure(quick: bool) -> dict:
    t0 = time.perf_counter()
    schools, failures = read_schools(COUNTY)
    read_s = time.perf_counter() - t0
    towns = load_towns(COUNTY)
    base = load_scenario(preset_path("baseline"))
    ext = load_scenario(preset_path("high_school_extension"))
    money = dataclasses.replace(
        base,
        scenario_id="money_only",
        base_rate_yuan=60.0,
        public_topup_per_student_yuan=50.0,
        scheme="quality",
    )
    out: dict = {"schools": len(schools), "read_s": read_s, "read_failures": len(failures)}
    modes = [("greedy", base)]
    if not quick:
        modes.append(
            (
                "cpsat",
                dataclasses.replace(base, solver=dataclasses.replace(base.solver, greedy=False)),
            )
        )
    for label, scenario in modes:
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                seconds, result = timed_run(schools, towns, scenario, workers, Path(tmp))
                out[f"{label}_{workers}"] = {
                    "wall": seconds,
                    "schedule": result.timings["schedule_seconds"],
                    "money": result.timings["money_seconds"],
                    "build": result.timings["build_seconds"],
                    "solved": result.stats.solved,
                    "failed": len(result.failures),
                    "per_school": per_school(result),
                    "statuses": _statuses(result),
                    "unstaffed": int(result.aggregates.county["sessions_unstaffed"]),
                }
                if label == "greedy" and workers == 2:
                    s2, r2 = timed_run(schools, towns, ext, 2, Path(tmp))
                    out["extension_after_baseline"] = {
                        "wall": s2,
                        "solved": r2.stats.solved,
                        "cached": r2.stats.cached,
                        "failed": len(r2.failures),
                    }
                    s3, r3 = timed_run(schools, towns, money, 2, Path(tmp))
                    out["money_only"] = {
                        "wall": s3,
                        "solved": r3.stats.solved,
                        "cached": r3.stats.cached,
                        "money": r3.timings["money_seconds"],
                        "build": r3.timings["build_seconds"],
                    }
    return out


def _statuses(result) -> str:
    counts: dict[str, int] = {}
    for r in result.results.values():
        counts[r.solve_status] = counts.get(r.solve_status, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def projection_rows(m: dict) -> list[str]:
    """Province of PROVINCE schools with the sample county's mix, on N Dask worker processes
    (one single-threaded solve each): wall ~ schools x mean per-school cost / N / efficiency."""
    rows = []
    county = m["schools"]
    for label, key in (("greedy first (default)", "greedy_1"), ("CP-SAT every school", "cpsat_1")):
        if key not in m:
            continue
        ps = m[key]["per_school"]
        mean = ps["mean"] if ps["n"] else 0.0
        overhead = (m[key]["build"] + m[key]["money"]) / county  # parent-side, per school
        for workers in (16, 64, 256):
            eff = 0.8  # assumed: scheduling, transfer and stragglers
            solve = PROVINCE * mean / workers / eff
            parent = PROVINCE * (overhead + m["read_s"] / county)
            rows.append(
                f"| {label} | {workers} | {mean:.3f} s | {ps['max']:.1f} s | "
                f"{solve / 60:.1f} min | {parent / 60:.1f} min | {(solve + parent) / 60:.1f} min |"
            )
    return rows


def section(m: dict) -> str:
    g1, g2 = m["greedy_1"], m["greedy_2"]
    lines = [
        HEADING,
        "",
        "Command: `uv run python bench/bench_scenarios.py` (one run each, fresh cache per "
        "configuration; wall time of `run_scenario` = build + schedule + pay (compensation/) + "
        "totals, without reading the workbooks or writing the report).",
        "",
        f"Machine: {os.cpu_count()} CPUs (nproc), {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {date.today().isoformat()}. "
        f"Sample county: {m['schools']} schools; reading the workbooks {m['read_s']:.1f} s.",
        "",
        "| what | workers | wall | solved | per school (median / p95 / max) | outcome |",
        "|---|---|---|---|---|---|",
    ]
    for label, key in (
        ("baseline, greedy first (default)", "greedy"),
        ("baseline, CP-SAT every school", "cpsat"),
    ):
        for w in (1, 2):
            r = m.get(f"{key}_{w}")
            if r is None:
                continue
            ps = r["per_school"]
            lines.append(
                f"| {label} | {w} | {r['wall']:.1f} s | {r['solved']} | "
                f"{ps['median']:.3f} / {ps['p95']:.3f} / {ps['max']:.2f} s | {r['statuses']}; "
                f"unstaffed {r['unstaffed']}, failed {r['failed']} |"
            )
    e, mo = m["extension_after_baseline"], m["money_only"]
    lines += [
        f"| high-school extension after the baseline (cache) | 2 | {e['wall']:.1f} s | "
        f"{e['solved']} | — | {e['cached']} from the cache, failed {e['failed']} |",
        f"| money-only variant (base rate 60, top-up 50, quality scheme) | 2 | "
        f"{mo['wall']:.1f} s | "
        f"{mo['solved']} | — | {mo['cached']} from the cache; build {mo['build']:.2f} s, "
        f"money {mo['money']:.2f} s |",
        "",
    ]
    speed = [f"greedy first {g1['wall'] / g2['wall']:.2f}x"]
    if "cpsat_2" in m:
        c1, c2 = m["cpsat_1"], m["cpsat_2"]
        speed.append(f"CP-SAT every school {c1['wall'] / c2['wall']:.2f}x")
    lines += [
        "Speed-up from 1 to 2 workers: " + ", ".join(speed) + ". The greedy path is so short "
        "per school (milliseconds) that process start-up (spawn, imports: about 2-3 s per "
        "worker) dominates; CP-SAT per school is what parallelism buys back.",
        "",
        f"Province projection ({PROVINCE:,} schools with this county's mix, Dask workers of "
        "one core each, 80% efficiency assumed; 'parent' = reading, building and pricing "
        "in the client process, serial as written today):",
        "",
        "| solving | Dask workers | mean solve per school | slowest school | solving wall "
        "| parent (serial) | total |",
        "|---|---|---|---|---|---|---|",
        *projection_rows(m),
        "",
        "The serial parent-side work (reading ~10,000 workbooks, building, pricing) is the "
        "bottleneck on a large cluster; see docs/scenarios.md for how to split it.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--quick", action="store_true", help="greedy path only")
    args = parser.parse_args()
    m = measure(args.quick)
    text = section(m)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
