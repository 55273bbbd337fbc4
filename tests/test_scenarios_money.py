"""Scenario money through compensation/: every lever of the issue moves the result the
expected way, the scheme lever uses compensation's schemes on the county's evidence (or
neutral scores, said in the report), and self-study pay has one definition."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

from compensation.evidence import Evidence
from compensation.policy import Policy
from compensation.run import run_school
from scenarios.build import build_school
from scenarios.engine import Cache
from scenarios.levers import ScenarioError, build_scenario, load_scenario, preset_path
from scenarios.pipeline import (
    find_evidence,
    load_run,
    load_towns,
    read_quality_evidence,
    run_county,
    run_scenario,
    write_run,
)
from scheduler.greedy import checked_greedy
from workbook.reader import read_school

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "data" / "sample_county"
EVIDENCE = ROOT / "data" / "sample_evidence"
# Two village primaries, a town junior school and a town high school: all greedy-fast.
SUBSET = ["ZY017", "ZY020", "ZY025", "ZY018"]


@pytest.fixture(scope="module")
def schools():
    return {i: read_school(COUNTY / f"{i}.xlsx").school for i in SUBSET}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return Cache(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def ext():
    return load_scenario(preset_path("high_school_extension"))


@pytest.fixture(scope="module")
def base_run(schools, ext, cache):
    return run_scenario(schools, ext, workers=2, cache=cache)


def county(result) -> dict:
    return result.aggregates.county


def stage(result, name: str) -> dict:
    frame = result.aggregates.by_stage.set_index("stage")
    return frame.loc[name].to_dict()


def location(result, name: str) -> dict:
    return result.aggregates.by_location.set_index("location").loc[name].to_dict()


def _fees(per: float) -> dict:
    table = {"urban": per, "town": per, "village": per}
    return {"primary": dict(table), "junior": dict(table), "high": {k: 0.0 for k in table}}


# Money levers: (change, metric(result), expected sign of the change). None of them
# changes a schedule, so every run is served from the cache.
MONEY_LEVERS = {
    "higher top-up, smaller funding gap": (
        {"public_topup_per_student_yuan": 200.0},
        lambda r: county(r)["gap_yuan"],
        -1,
    ),
    "higher self-study rate, smaller high-school pay gap": (
        {"self_study_rate_yuan": 50.0},
        lambda r: county(r)["high_pay_gap_yuan"],
        +1,
    ),
    "higher base rate, more compulsory pay per hour": (
        {"base_rate_yuan": 60.0},
        lambda r: county(r)["hourly_pay_compulsory_yuan"],
        +1,
    ),
    "higher fees, more income": (
        {"fee_per_student_hour_yuan": _fees(4.5)},
        lambda r: county(r)["income_yuan"],
        +1,
    ),
    "more waived, larger gap": (
        {"waiver_share": {"urban": 0.3, "town": 0.3, "village": 0.3}},
        lambda r: county(r)["gap_yuan"],
        +1,
    ),
    "smaller teacher share, more running cost": (
        {"teacher_share": 0.7},
        lambda r: county(r)["running_yuan"],
        +1,
    ),
    "higher village allowance, more village pay per hour": (
        {"village_allowance_per_hour_yuan": 15.0},
        lambda r: location(r, "village")["hourly_pay_yuan"],
        +1,
    ),
    "shorter class hour, more class hours paid": (
        {"class_hour_minutes": 40},
        lambda r: county(r)["pay_yuan"],
        +1,
    ),
    "cap below the base rate, less pay": (
        {"cap_per_hour_yuan": 40.0, "floor_per_hour_yuan": 30.0},
        lambda r: county(r)["pay_yuan"],
        -1,
    ),
    "fees pool: higher floor, more pay when fees are low": (
        {"mode": "fees", "fee_per_student_hour_yuan": _fees(0.5), "floor_per_hour_yuan": 45.0},
        lambda r: county(r)["pay_yuan"],
        None,  # compared with the same pool at the default floor, below
    ),
}


@pytest.mark.parametrize("name", [k for k, v in MONEY_LEVERS.items() if v[2] is not None])
def test_money_lever_moves_the_result(name, schools, ext, cache, base_run) -> None:
    change, metric, sign = MONEY_LEVERS[name]
    changed = run_scenario(schools, dataclasses.replace(ext, **change), workers=2, cache=cache)
    assert changed.failures == [] and changed.stats.solved == 0  # money only: all cached
    delta = metric(changed) - metric(base_run)
    assert delta * sign > 0, (name, metric(base_run), metric(changed))


def test_fees_pool_follows_fees_and_the_county_tops_up_to_the_floor(schools, ext, cache) -> None:
    change, metric, _ = MONEY_LEVERS["fees pool: higher floor, more pay when fees are low"]
    low_floor = dataclasses.replace(ext, **{**change, "floor_per_hour_yuan": 35.0})
    a = run_scenario(schools, low_floor, workers=2, cache=cache)
    b = run_scenario(schools, dataclasses.replace(ext, **change), workers=2, cache=cache)
    assert metric(b) > metric(a)
    for r in b.teachers:  # every teacher is paid at least the floor per class hour
        assert r["hourly_part_yuan"] >= 45.0 * r["class_hours"] - 0.01
    rich = dataclasses.replace(ext, mode="fees", fee_per_student_hour_yuan=_fees(6.0))
    c = run_scenario(schools, rich, workers=2, cache=cache)
    assert county(c)["pay_yuan"] > county(a)["pay_yuan"]


def test_structural_levers_move_the_result(schools, ext, base_run, tmp_path) -> None:
    small = {k: schools[k] for k in ("ZY017", "ZY025", "ZY020")}
    base = load_scenario(preset_path("baseline"))
    base = dataclasses.replace(base, solver=dataclasses.replace(base.solver, time_limit=3.0))
    cache = Cache(tmp_path)
    before = run_scenario(small, base, workers=2, cache=cache)
    cases = {
        "days": ({"days": 6}, "sessions_held", +1),
        "periods": ({"periods": 3}, "student_hours_demand_week", +1),
        "students": ({"students": {"primary": 0.5, "junior": 0.5}}, "students_enrolled", -1),
        "stages": ({"stages": ("primary",)}, "sessions_demand", -1),
        "term": (
            {"term": dataclasses.replace(base.term, end=base.term.start.replace(month=11))},
            "class_hours_term",
            -1,
        ),
    }
    after = {}
    for name, (change, metric, sign) in cases.items():
        after[name] = run_scenario(small, dataclasses.replace(base, **change), cache=cache)
        assert after[name].failures == [], name
        assert (county(after[name])[metric] - county(before)[metric]) * sign > 0, name
    weekend = county(after["days"])["hourly_pay_compulsory_yuan"]  # days 6-7 earn more
    assert weekend > county(before)["hourly_pay_compulsory_yuan"]
    assert county(after["students"])["fees_yuan"] < county(before)["fees_yuan"]
    only = {"ZY018": schools["ZY018"]}
    more = run_scenario(only, dataclasses.replace(ext, self_study_per_week=8), workers=1)
    assert stage(more, "high")["sessions_held"] > stage(base_run, "high")["sessions_held"]
    # Adding the high stage (the extension) pays high-school teachers for the first time.
    assert county(run_scenario(only, base, workers=1))["hourly_pay_high_yuan"] == 0.0
    assert stage(base_run, "high")["hourly_pay_yuan"] > 0


def test_lower_teacher_participation_leaves_sessions_unstaffed() -> None:
    school = {"ZY048": read_school(COUNTY / "ZY048.xlsx").school}
    base = load_scenario(preset_path("baseline"))
    full = run_scenario(school, base, workers=1)
    half = run_scenario(school, dataclasses.replace(base, teachers=0.5), workers=1)
    assert county(full)["sessions_unstaffed"] == 0
    assert county(half)["sessions_unstaffed"] > 0
    assert county(half)["coverage"] < county(full)["coverage"]


def test_rotating_junior_teachers_staffs_more_high_school_sessions(ext) -> None:
    """A town's junior school lends teachers to its high school, which is short of them
    (14 self-study sessions a class, half the teachers opted in)."""
    schools = {i: read_school(COUNTY / f"{i}.xlsx").school for i in ("ZY048", "ZY054")}
    solver = dataclasses.replace(ext.solver, time_limit=5.0)
    short = dataclasses.replace(ext, self_study_per_week=14, teachers=0.5, solver=solver)
    towns = load_towns(COUNTY)
    alone = run_scenario(schools, short, towns, workers=2)
    lent = run_scenario(schools, dataclasses.replace(short, rotation_share=0.3), towns, workers=2)
    assert alone.failures == [] and lent.failures == []
    assert stage(lent, "high")["teachers_opted_in"] > stage(alone, "high")["teachers_opted_in"]
    assert stage(lent, "high")["sessions_unstaffed"] < stage(alone, "high")["sessions_unstaffed"]


# ------------------------------------------------------------------ one self-study definition


def test_self_study_pay_is_the_same_in_scenarios_and_subsidies(schools, ext) -> None:
    """Scenario and `afterschool subsidies` pay a self-study session the same: the
    per-session rate, its whole pay (no class hours at the base rate)."""
    high = build_school(schools["ZY018"], ext)
    week = checked_greedy(high)
    assert week is not None
    policy = Policy(term=ext.term, self_study_allowance_per_session_yuan=35.0)
    paid = run_school(high, policy, Evidence(), week, ("hour_only",))
    lines = paid.allocations["hour_only"].lines.merge(
        paid.teachers[["key", "self_study_sessions"]], on="key"
    )
    assert (lines["hours"] == 0).all() and (lines["self_study_sessions"] > 0).all()
    assert (lines["amount_fen"] == lines["self_study_sessions"] * 3500).all()
    run = run_scenario({"ZY018": schools["ZY018"]}, ext, workers=1)
    row = stage(run, "high")
    assert row["pay_yuan"] == pytest.approx(paid.budget_fen / 100, abs=0.005)
    assert row["self_study_pay_yuan"] == pytest.approx(row["pay_yuan"], abs=0.005)
    assert row["self_study_pay_yuan"] == pytest.approx(row["self_study_sessions_term"] * 35.0)


def test_bad_subsidy_levers_are_errors() -> None:
    with pytest.raises(ScenarioError, match=r"subsidy\.scheme"):
        build_scenario({"subsidy": {"scheme": "bonus"}})
    with pytest.raises(ScenarioError, match="cap_per_hour_yuan"):
        build_scenario({"subsidy": {"cap_per_hour_yuan": 20.0, "floor_per_hour_yuan": 35.0}})


# ------------------------------------------------------------------ schemes and evidence


def _county_with_evidence(folder: Path, ids: list[str]) -> Path:
    """A small county folder with an evidence/ folder cut from the sample evidence."""
    folder.mkdir()
    for sid in ids:
        shutil.copy(COUNTY / f"{sid}.xlsx", folder / f"{sid}.xlsx")
    (folder / "evidence").mkdir()
    for name in ("ratings.csv", "facts.csv", "conflicts.csv"):
        with (EVIDENCE / name).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = [r for r in reader if r["school_id"] in ids]
            fields = reader.fieldnames
        with (folder / "evidence" / name).open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def evidence_county(tmp_path_factory):
    return _county_with_evidence(tmp_path_factory.mktemp("c") / "county", ["ZY004", "ZY020"])


def test_quality_scheme_uses_the_county_evidence(evidence_county, tmp_path) -> None:
    base = load_scenario(preset_path("baseline"))
    hour = run_county(evidence_county, base, workers=2, cache=Cache(tmp_path / "c"))
    quality = dataclasses.replace(base, scheme="quality")
    weighted = run_county(evidence_county, quality, workers=2, cache=Cache(tmp_path / "c"))
    assert weighted.quality["status"] == "evidence" and weighted.quality["source"] == "evidence"
    assert weighted.quality["teachers_with_evidence"] > 0.8 * weighted.quality["teachers"]
    a = pd.DataFrame(hour.teachers).set_index(["school_id", "teacher_id"])
    b = pd.DataFrame(weighted.teachers).set_index(["school_id", "teacher_id"])
    # Each school keeps its pool; money moves from low to high quality scores.
    assert (
        a.groupby("school_id")["amount_yuan"]
        .sum()
        .round(2)
        .equals(b.groupby("school_id")["amount_yuan"].sum().round(2))
    )
    moved = b["amount_yuan"] - a["amount_yuan"]
    assert (moved.abs() > 0.01).sum() > 10
    paid = b[b["class_hours"] > 0]
    hourly = paid["hourly_part_yuan"] / paid["class_hours"]
    assert hourly.corr(paid["z"]) > 0.5
    hour_paid = a[a["class_hours"] > 0]  # hour-only: the base rate, whatever the score
    assert (hour_paid["hourly_part_yuan"] / hour_paid["class_hours"]).sub(50.0).abs().max() < 0.01
    wider = run_county(
        evidence_county,
        dataclasses.replace(quality, quality_pool_share=0.6),
        workers=2,
        cache=Cache(tmp_path / "c"),
    )
    c = pd.DataFrame(wider.teachers)
    c = c[c["class_hours"] > 0]
    assert (c["hourly_part_yuan"] / c["class_hours"]).std() > hourly.std()
    # The LP pools the county: the total is the sum of the schools' pools, to the fen.
    lp = run_county(
        evidence_county,
        dataclasses.replace(base, scheme="lp"),
        workers=2,
        cache=Cache(tmp_path / "c"),
    )
    assert lp.failures == []
    assert county(lp)["pay_yuan"] == pytest.approx(county(hour)["pay_yuan"], abs=0.005)
    write_run(weighted, tmp_path / "run")
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "质量加权" in page and "评价数据（evidence）" in page


def test_without_evidence_scores_are_neutral_and_the_report_says_so(tmp_path) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    shutil.copy(COUNTY / "ZY017.xlsx", folder / "ZY017.xlsx")
    assert find_evidence(folder) is None
    quality = dataclasses.replace(load_scenario(preset_path("baseline")), scheme="quality")
    result = run_county(folder, quality, workers=1)
    assert result.quality["status"] == "neutral" and result.quality["teachers_with_evidence"] == 0
    assert all(t["multiplier"] == 1.0 and t["evidence_sources"] == 0 for t in result.teachers)
    write_run(result, tmp_path / "run", lang="en")
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "no quality evidence" in page and "neutral score" in page
    assert load_run(tmp_path / "run").summary["quality"]["status"] == "neutral"


def test_broken_evidence_is_not_used(tmp_path, schools, ext) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "ratings.csv").write_text(
        "school_id,teacher_id,source,rater_id,score,date\nZY017,T001,parent,P1,150,2025-10-01\n",
        encoding="utf-8",
    )
    got = read_quality_evidence(folder, {"ZY017": schools["ZY017"]}, ext)
    assert got.evidence is None and got.errors > 0
