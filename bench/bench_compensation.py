"""Benchmark of the compensation engine; writes the `## Compensation` section of
docs/benchmarks.md (only that section: other sections are kept as they are).

    uv run python bench/bench_compensation.py            # measure and write the docs
    uv run python bench/bench_compensation.py --no-write # measure only

Targets (the issue): allocation for 100,000 teacher-terms (a province) under 2 s; the LP
variant for a 2,000-teacher county under 5 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from compensation.allocate import (  # noqa: E402
    hour_only,
    location_averages,
    lp_allocate,
    quality_weighted,
)
from compensation.policy import Policy  # noqa: E402
from compensation.scores import compute_scores  # noqa: E402

HEADING = "## Compensation"


def teachers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    loc = rng.choice(["urban", "town", "village"], n, p=[0.2, 0.3, 0.5])
    z = rng.normal(size=n) - np.where(loc == "village", 0.4, 0.0)
    hours = rng.integers(10, 120, n) / rng.choice([1, 3], n)
    return pd.DataFrame(
        {
            "key": [f"S{i // 40:05d}/T{i:06d}" for i in range(n)],
            "school_id": [f"S{i // 40:05d}" for i in range(n)],
            "teacher_id": [f"T{i:06d}" for i in range(n)],
            "location": loc,
            "hours": hours,
            "weekend_hours": np.where(rng.random(n) < 0.1, np.minimum(hours, 6.0), 0.0),
            "self_study_sessions": np.where(rng.random(n) < 0.05, 10, 0),
            "z": z,
            "composite": 60 + 10 * z,
        }
    )


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ratings_for(t: pd.DataFrame, per_teacher: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(t) * per_teacher
    idx = np.repeat(np.arange(len(t)), per_teacher)
    return pd.DataFrame(
        {
            "school_id": t["school_id"].to_numpy()[idx],
            "teacher_id": t["teacher_id"].to_numpy()[idx],
            "source": rng.choice(["parent", "student", "peer", "leader"], n),
            "rater_id": [f"R{v}" for v in rng.integers(0, 500, n)],
            "score": rng.integers(1, 6, n).astype(float),
            "scale": 5.0,
            "date": pd.Timestamp("2025-09-01") + pd.to_timedelta(rng.integers(0, 130, n), unit="D"),
            "conflict": False,
        }
    )


def measure() -> list[tuple[str, str, str]]:
    policy = Policy()
    rows = []
    big = teachers(100_000)
    budget = int(big["hours"].sum() * 5500) + 30_000_000
    quality_weighted(big, budget, policy)  # warm-up
    rows.append(
        (
            "quality-weighted allocation, 100,000 teacher-terms",
            f"{best_of(lambda: quality_weighted(big, budget, policy)):.2f} s",
            "< 2 s",
        )
    )
    rows.append(
        (
            "hour-only allocation, 100,000 teacher-terms",
            f"{best_of(lambda: hour_only(big, budget, policy)):.2f} s",
            "< 2 s",
        )
    )
    county = teachers(2_000, seed=3)
    lp_policy = dataclasses.replace(policy, village_allowance_per_hour_yuan=0.0)
    cbudget = int(county["hours"].sum() * 5500) + 3_000_000
    before = location_averages(quality_weighted(county, cbudget, lp_policy).lines)
    lp_time = best_of(lambda: lp_allocate(county, cbudget, lp_policy))
    after = location_averages(lp_allocate(county, cbudget, lp_policy).lines)
    rows.append(
        ("LP (GLOP), 2,000-teacher county, rule village >= town", f"{lp_time:.2f} s", "< 5 s")
    )
    rows.append(
        (
            "  village / town average hourly, formula -> LP (元)",
            f"{before['village'] / 100:.2f} / {before['town'] / 100:.2f} -> "
            f"{after['village'] / 100:.2f} / {after['town'] / 100:.2f}",
            "village >= town",
        )
    )
    scores_t = teachers(20_000, seed=5)
    scores_t["kind"] = "basic"
    scores_t["basic_hours"] = scores_t["hours"]
    ratings = ratings_for(scores_t, 20)
    rows.append(
        (
            "quality scores, 20,000 teachers x 20 ratings (400,000 rows)",
            f"{best_of(lambda: compute_scores(scores_t, ratings, None, policy), 1):.2f} s",
            "(no target)",
        )
    )
    return rows


def section(rows: list[tuple[str, str, str]]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        HEADING,
        "",
        "Command: `uv run python bench/bench_compensation.py` (best of 3 runs; synthetic "
        "teachers with random hours, locations and scores).",
        "",
        f"Machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()}.",
        "",
        "| what | time | target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = measure()
    text = section(rows)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
