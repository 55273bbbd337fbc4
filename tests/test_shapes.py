"""The shape-family schools of bench/shapes.py: feasible by construction, and solvable.

For every family at sizes S and M the planted week passes the independent checker; at S
(and M for the families the solver proves in a few seconds) `solve` returns a schedule
that passes it too. No timing assertions: speed is the
benchmark's business (bench/bench_shapes.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.shapes import FAMILIES, build, generate, stats, witness
from scheduler.check import check, rows_of
from scheduler.solve import SolveOptions, solve


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("size", ["S", "M"])
def test_planted_week_passes_the_checker(family: str, size: str) -> None:
    school, week = build(family, size, 0)
    assert check(school, rows_of(week)) == []
    tightness = stats(school)["tightness"]
    assert 0.75 <= tightness <= 1.0, tightness


# Size M too where the solver proves it in a few seconds (the others would run to the limit).
SOLVED = [(f, "S") for f in FAMILIES] + [
    (f, "M")
    for f in ("high_self_study", "village_multigrade", "urban_primary_2p", "urban_primary_3p")
]


@pytest.mark.parametrize(("family", "size"), SOLVED)
def test_solver_schedule_passes_the_checker(family: str, size: str) -> None:
    school = generate(family, size, 0)
    result = solve(school, SolveOptions(time_limit=20, workers=1))
    assert result.schedule is not None, result.report.status
    assert check(school, rows_of(result.schedule)) == []


def test_deterministic_for_a_seed() -> None:
    for family in FAMILIES:
        build.cache_clear()
        first = (generate(family, "S", 3), witness(family, "S", 3))
        build.cache_clear()
        assert (generate(family, "S", 3), witness(family, "S", 3)) == first
    assert generate("timetabling", "S", 1) != generate("timetabling", "S", 2)


DIGEST = """
import hashlib, json
from bench.shapes import FAMILIES, build
from domain.school import canonical
out = [canonical(build(f, "S", 5)) for f in FAMILIES]
print(hashlib.sha256(json.dumps(out, ensure_ascii=False).encode()).hexdigest())
"""


def test_same_school_in_every_process() -> None:
    """No set order leaks into the random draws: string hashing differs per process."""
    root = Path(__file__).resolve().parent.parent
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        out = subprocess.run(
            [sys.executable, "-c", DIGEST], env=env, cwd=root, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_issue_13_high_school_shape() -> None:
    """Size L of high_self_study is the issue's failing case: 18 classes, 70 teachers,
    15 self-study slots, 120 locks, three whole-class self-study activities a class."""
    school = generate("high_self_study", "L", 0)
    assert (len(school.groups), len(school.teachers), len(school.slots)) == (18, 70, 15)
    assert len(school.locks) == 120
    assert {s.kind for s in school.slots} == {"self_study"}
    assert all(a.sessions_per_week == 5 and len(a.groups) == 1 for a in school.activities)
    assert any(a.skill == "数学" for a in school.activities)
    assert check(school, rows_of(witness("high_self_study", "L", 0))) == []
