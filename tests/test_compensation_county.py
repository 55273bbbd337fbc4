"""The sample county: generated evidence, every school paid, comparison, the LP rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from compensation.allocate import location_averages
from compensation.evidence import Evidence
from compensation.policy import Policy, Term
from compensation.run import run_county
from compensation.samplegen import generate

COUNTY = Path(__file__).resolve().parents[1] / "data" / "sample_county"
TERM = Term.default("2025-autumn")


def schools_by_location() -> dict:
    from workbook.reader import read_school

    picked: dict[str, object] = {}
    for path in sorted(COUNTY.glob("*.xlsx")):
        school = read_school(path).school
        if school is not None and school.info.location not in {
            s.info.location for s in picked.values()
        }:
            picked[school.school_id] = school
        if len(picked) == 3:
            break
    return picked


@pytest.fixture(scope="module")
def county():
    if not COUNTY.exists():
        pytest.skip("sample county not generated")
    schools = schools_by_location()
    gen = generate(list(schools.values()), TERM, seed=11)

    def frame(rows):
        return pd.DataFrame(rows) if rows else None

    ratings = frame(gen.ratings)
    ratings["date"] = pd.to_datetime(ratings["date"])
    ratings["scale"] = ratings["scale"].astype(float)
    ratings["score"] = ratings["score"].astype(float)
    facts = frame(gen.facts)
    facts["date"] = pd.to_datetime(facts["date"])
    ev = Evidence(log=frame(gen.log), ratings=ratings, facts=facts, conflicts=frame(gen.conflicts))
    return schools, gen, ev


def test_every_school_is_paid_to_the_fen(county) -> None:
    schools, gen, ev = county
    policy = Policy(term=TERM)
    result = run_county(schools, policy, ev, gen.schedules)
    lines = result.allocations["quality"].lines
    assert set(lines["school_id"]) == set(schools)
    for sid, group in lines.groupby("school_id"):
        ho = result.allocations["hour_only"].lines
        assert group["amount_fen"].sum() == ho.loc[ho["school_id"] == sid, "amount_fen"].sum()
    assert int(lines["amount_fen"].sum()) == result.budget_fen
    s = result.comparison.summary
    assert s["gainers"] > 0 and s["losers"] > 0
    metrics = result.comparison.metrics.set_index("scheme")
    assert metrics.loc["quality", "corr_pay_quality"] > metrics.loc["hour_only", "corr_pay_quality"]


def test_county_lp_keeps_village_at_least_town(county) -> None:
    schools, gen, ev = county
    policy = Policy(term=TERM, village_allowance_per_hour_yuan=0.0)
    result = run_county(schools, policy, ev, gen.schedules, ("hour_only", "quality", "lp"))
    avg = location_averages(result.allocations["lp"].lines)
    assert avg["village"] >= avg["town"]
    assert int(result.allocations["lp"].lines["amount_fen"].sum()) == result.budget_fen
    assert result.comparison.summary["other"] == "lp"
