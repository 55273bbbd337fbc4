"""Benchmark: the three allocation methods on every sample school with a choices sheet.

Run: `uv run python bench/bench_choices_county.py [--seed N] [--no-write]`

Reads each bundled workbook (data/sample_county/*.xlsx, the files a principal would load)
through the one door, and allocates its choices with `choices.service.run_allocation`, the
workflow of `afterschool allocate` (the optimal method, then the lottery and first come,
first served with the same seed). Reports, over all students who chose and per school:
the share with their 1st choice, a top-3 choice, nothing; and in how many schools the
optimal allocation is ahead of, level with or behind each other method on the 1st-choice
share and on the rank-maximal objective (never behind there: it is optimal). Writes the
`## Club choices: the sample county` section of docs/benchmarks.md. Never asserted in
unit tests (tests/test_samplegen.py checks the largest school).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from choices.report import SHARES, Summary  # noqa: E402
from choices.service import run_allocation  # noqa: E402
from workbook.reader import read_school  # noqa: E402

HEADING = "## Club choices: the sample county"
COUNTY = ROOT / "data" / "sample_county"
OTHERS = ("lottery", "fcfs")


def allocations(seed: int) -> list[tuple[str, dict[str, Summary]]]:
    """(school id, method -> summary) for every sample school with choices."""
    out = []
    for path in sorted(COUNTY.glob("*.xlsx")):
        school = read_school(path).school
        if school is None or not school.choices:
            continue
        outcome = run_allocation(school, "optimal", seed)
        out.append((school.school_id, {s.method: s for s in outcome.summaries}))
        print(school.school_id, {m: round(s.first, 3) for m, s in out[-1][1].items()}, flush=True)
    return out


def pooled(rows: list[tuple[str, dict[str, Summary]]], method: str) -> dict[str, float]:
    """Shares over every student who chose in the county (schools weighted by students)."""
    students = sum(r[method].students for _sid, r in rows)
    return {
        k: sum(getattr(r[method], k) * r[method].students for _sid, r in rows) / max(1, students)
        for k in SHARES
    }


def versus(rows, other: str, key: str) -> tuple[int, int, int]:
    """Schools where the optimal method is ahead of / level with / behind `other`."""
    ahead = level = behind = 0
    for _sid, r in rows:
        a, b = getattr(r["optimal"], key), getattr(r[other], key)
        if abs(a - b) < 1e-12:
            level += 1
        elif a > b:
            ahead += 1
        else:
            behind += 1
    return ahead, level, behind


def section(rows, seed: int, seconds: float) -> str:
    students = sum(r["optimal"].students for _sid, r in rows)
    lines = [
        HEADING,
        "",
        f"Every bundled sample school with a choices sheet ({len(rows)} schools, {students:,} "
        "students who chose), read from `data/sample_county/*.xlsx` and allocated by "
        "`choices.service.run_allocation` (the workflow of `afterschool allocate`): the "
        "optimal method, the lottery and first come, first served, with the same seed "
        f"({seed}). The choices are the sample generator's (docs/sample-county.md: a fifth "
        "of the clubs about three times oversubscribed in first choices).",
        "",
        "| method | 1st choice | top 3 | nothing |",
        "|---|---|---|---|",
    ]
    for method in ("optimal", *OTHERS):
        p = pooled(rows, method)
        lines.append(
            f"| {method} | {p['first']:.1%} | {p['top3']:.1%} | {p['nothing']:.1%} |".replace(
                "%", " %"
            )
        )
    lines += [
        "",
        "Schools where the optimal allocation is ahead of / level with / behind the other "
        "method (objective: the rank-maximal objective every method is scored on):",
        "",
        "| against | 1st-choice share | top-3 share | objective |",
        "|---|---|---|---|",
    ]
    for other in OTHERS:
        cells = [" / ".join(map(str, versus(rows, other, k))) for k in ("first", "top3")]
        cells.append(" / ".join(map(str, versus(rows, other, "objective"))))
        lines.append(f"| {other} | {' | '.join(cells)} |")
    lines += [
        "",
        "Level: the same figure, as where every first choice has a seat and every method "
        "gives it. A school behind on a share is possible (the objective is rank-maximal, "
        "priority students first, docs/choices.md); behind on the objective would be a bug.",
        "",
        f"Machine: 2 CPUs, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, {date.today().isoformat()}; {seconds:.0f} s for the "
        "whole run (reading the workbooks included).",
        "",
        f"Command: `uv run python bench/bench_choices_county.py --seed {seed}`",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = allocations(args.seed)
    text = section(rows, args.seed, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        write_section(text, after="## Club choices")


if __name__ == "__main__":
    main()
