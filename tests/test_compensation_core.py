"""Core of the compensation engine: scores, the three allocations, exact fen, properties."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation.allocate import (
    bounds_fen,
    hour_only,
    largest_remainder,
    location_averages,
    lp_allocate,
    quality_weighted,
)
from compensation.compare import compare, gini
from compensation.errors import CompensationError
from compensation.policy import Policy
from compensation.scores import compute_scores

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "school_id": "S",
        "location": "urban",
        "weekend_hours": 0.0,
        "self_study_sessions": 0,
        "z": 0.0,
        "composite": 50.0,
    }
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["teacher_id"] = out["key"]
    return out


# ---------------------------------------------------------------- worked example (docs)

EXAMPLE_POLICY = Policy(
    budget_mode="fixed",
    budget_yuan=6060.01,
    floor_per_hour_yuan=45.0,
    cap_per_hour_yuan=80.0,
    village_allowance_per_hour_yuan=0.0,
    weekend_allowance_per_hour_yuan=30.0,
    self_study_allowance_per_session_yuan=0.0,
)
EXAMPLE = frame(
    [
        {"key": "T1", "hours": 40.0, "z": 1.0, "composite": 80.0},
        {"key": "T2", "hours": 40.0, "z": 0.0, "composite": 70.0},
        {"key": "T3", "hours": 20.0, "z": 0.0, "composite": 70.0},
        {"key": "T4", "hours": 20.0, "z": -2.0, "composite": 50.0, "weekend_hours": 2.0},
    ]
)


def amounts(alloc) -> dict[str, int]:
    return dict(zip(alloc.lines["key"], alloc.lines["amount_fen"].astype(int), strict=True))


def test_worked_example_quality_weighted() -> None:
    alloc = quality_weighted(EXAMPLE, 606001, EXAMPLE_POLICY)
    # rest = 6060.01 - 60 = 6000.01; g = 0.7 * 6000.01 / 120; pool 30% by hours x m.
    assert list(alloc.lines["multiplier"]) == [1.25, 1.0, 1.0, 0.5]
    # T4's 42.50/h is below the 45 floor: 900 元; the others shift down 0.50/h;
    # the odd fen goes to the largest remainder, T1 (tie with T2 broken by score).
    assert amounts(alloc) == {"T1": 213001, "T2": 198000, "T3": 99000, "T4": 96000}
    assert alloc.lines["allowance_fen"].tolist() == [0, 0, 0, 6000]


def test_worked_example_hour_only_and_comparison() -> None:
    base = hour_only(EXAMPLE, 606001, EXAMPLE_POLICY)
    assert amounts(base) == {"T1": 200001, "T2": 200000, "T3": 100000, "T4": 106000}
    cmp = compare(base, quality_weighted(EXAMPLE, 606001, EXAMPLE_POLICY))
    diff = dict(zip(cmp.table["key"], cmp.table["diff_fen"], strict=True))
    assert diff == {"T1": 13000, "T2": -2000, "T3": -1000, "T4": -10000}
    assert cmp.summary["gainers"] == 1 and cmp.summary["losers"] == 3
    assert cmp.summary["moved_yuan"] == 130.0


def test_worked_example_scores() -> None:
    """The docs' scoring example: trimmed monthly means, a self-rating, shrinkage."""
    policy = Policy(source_weights={"parent": 1.0})
    rows = []

    def rate(teacher: str, rater: str, score: float, day: str) -> None:
        rows.append(
            {
                "school_id": "S",
                "teacher_id": teacher,
                "source": "parent",
                "rater_id": rater,
                "score": score,
                "scale": 100.0,
                "date": pd.Timestamp(day),
                "conflict": False,
            }
        )

    for rater, s in zip(["P1", "P2", "P3", "P4", "P5"], [90, 80, 80, 80, 10], strict=True):
        rate("A", rater, s, "2025-09-15")
    for rater, s in zip(["P1", "P2", "P3", "P4", "P5"], [100, 70, 70, 70, 60], strict=True):
        rate("A", rater, s, "2025-10-15")
    rate("A", "A", 100, "2025-10-20")  # self-rating: dropped
    rate("B", "P6", 50, "2025-09-20")  # one rater, one month: shrunk
    teachers = pd.DataFrame(
        {"school_id": "S", "teacher_id": ["A", "B", "C"], "kind": "basic", "basic_hours": 10.0}
    )
    res = compute_scores(teachers, pd.DataFrame(rows), None, policy)
    comp = res.components.set_index("teacher_id")
    assert comp.loc["A", "raw"] == pytest.approx(75.0)  # (80 + 70) / 2
    assert comp.loc["B", "value"] == pytest.approx(50 / 6 + 62.5 * 5 / 6)  # 60.42
    assert comp.loc["C", "value"] == pytest.approx(62.5)  # nobody rated: school mean
    s = res.scores.set_index("teacher_id")
    c = np.array([75.0, 50 / 6 + 62.5 * 5 / 6, 62.5])
    z = (c - c.mean()) / c.std()
    assert s["z"].to_numpy() == pytest.approx(z)
    assert s.loc["A", "z"] == pytest.approx(1.402, abs=1e-3)
    assert res.dropped["self"].tolist() == [1]


# ---------------------------------------------------------------- scores


def test_lenient_school_does_not_inflate() -> None:
    """Two schools with the same spread but one rating 20 points higher: same z."""
    rows = []
    for school, shift in (("S1", 0), ("S2", 20)):
        for t, base in (("A", 60), ("B", 70), ("C", 75)):
            for month in (9, 10, 11):
                for r in range(4):
                    rows.append(
                        {
                            "school_id": school,
                            "teacher_id": t,
                            "source": "parent",
                            "rater_id": f"R{r}",
                            "score": base + shift,
                            "scale": 100.0,
                            "date": pd.Timestamp(2025, month, 10),
                            "conflict": False,
                        }
                    )
    teachers = pd.DataFrame(
        [
            {"school_id": s, "teacher_id": t, "kind": "basic", "basic_hours": 5.0}
            for s in ("S1", "S2")
            for t in "ABC"
        ]
    )
    res = compute_scores(teachers, pd.DataFrame(rows), None, Policy())
    z = res.scores.pivot(index="teacher_id", columns="school_id", values="z")
    assert z["S1"].to_numpy() == pytest.approx(z["S2"].to_numpy())


def test_year_end_burst_counts_as_one_month_and_is_shrunk() -> None:
    policy = Policy(source_weights={"parent": 1.0})
    rows = [
        {
            "school_id": "S",
            "teacher_id": "A",
            "source": "parent",
            "rater_id": f"R{i}",
            "score": 100.0,
            "scale": 100.0,
            "date": pd.Timestamp("2026-01-10"),
            "conflict": False,
        }
        for i in range(30)
    ]
    rows += [
        {
            "school_id": "S",
            "teacher_id": "B",
            "source": "parent",
            "rater_id": f"R{i}",
            "score": 60.0,
            "scale": 100.0,
            "date": pd.Timestamp(2025, m, 10),
            "conflict": False,
        }
        for i in range(3)
        for m in (9, 10, 11)
    ]
    teachers = pd.DataFrame(
        {"school_id": "S", "teacher_id": ["A", "B"], "kind": "basic", "basic_hours": 1.0}
    )
    comp = compute_scores(teachers, pd.DataFrame(rows), None, policy).components
    a = comp.set_index("teacher_id").loc["A"]
    assert a["n_months"] == 1 and a["shrink"] == pytest.approx(0.5)
    assert a["value"] == pytest.approx(0.5 * 100 + 0.5 * 80)


def test_conflict_and_declared_conflict_dropped() -> None:
    rows = [
        {
            "school_id": "S",
            "teacher_id": "A",
            "source": "peer",
            "rater_id": "B",
            "score": 5.0,
            "scale": np.nan,
            "date": pd.Timestamp("2025-09-10"),
            "conflict": False,
        },
        {
            "school_id": "S",
            "teacher_id": "A",
            "source": "peer",
            "rater_id": "C",
            "score": 5.0,
            "scale": np.nan,
            "date": pd.Timestamp("2025-09-10"),
            "conflict": True,
        },
        {
            "school_id": "S",
            "teacher_id": "A",
            "source": "peer",
            "rater_id": "D",
            "score": 2.0,
            "scale": np.nan,
            "date": pd.Timestamp("2025-09-10"),
            "conflict": False,
        },
    ]
    conflicts = pd.DataFrame({"school_id": [np.nan], "rater_id": ["B"], "teacher_id": ["A"]})
    teachers = pd.DataFrame(
        {"school_id": "S", "teacher_id": ["A"], "kind": "extended", "basic_hours": 0.0}
    )
    res = compute_scores(teachers, pd.DataFrame(rows), None, Policy(), conflicts)
    peer = res.components.set_index("source").loc["peer"]
    assert peer["raw"] == pytest.approx(25.0) and peer["n_raters"] == 1
    assert res.dropped["conflict"].sum() == 2


# ---------------------------------------------------------------- errors


def test_floors_exceed_budget_states_shortfall_in_yuan() -> None:
    t = frame([{"key": "A", "hours": 10.0}, {"key": "B", "hours": 10.0}])
    with pytest.raises(CompensationError) as info:
        quality_weighted(t, 60000, Policy(floor_per_hour_yuan=35.0))
    err = info.value
    assert err.key == "comp.budget.floors"
    assert "100.00 元" in err.message("zh") and "100.00 yuan" in err.message("en")
    assert "缺口" in err.render() and "short by" in err.render()


def test_caps_below_budget_is_an_error() -> None:
    t = frame([{"key": "A", "hours": 10.0}])
    with pytest.raises(CompensationError) as info:
        hour_only(t, 100000, Policy(cap_per_hour_yuan=80.0))
    assert info.value.key == "comp.budget.caps"


# ---------------------------------------------------------------- properties

POLICY = Policy(floor_per_hour_yuan=30.0, cap_per_hour_yuan=90.0, cap_per_term_yuan=6000.0)


@st.composite
def cases(draw, max_size: int = 25, locations=("urban", "town", "village")):
    n = draw(st.integers(1, max_size))
    rows = []
    for i in range(n):
        hours = draw(st.integers(0, 120)) / draw(st.sampled_from([1, 2, 3]))
        rows.append(
            {
                "key": f"T{i:03d}",
                "hours": hours,
                "z": draw(st.floats(-3, 3, allow_nan=False)),
                "location": draw(st.sampled_from(locations)),
                "weekend_hours": min(hours, draw(st.integers(0, 6))),
                "self_study_sessions": draw(st.integers(0, 3)),
            }
        )
    t = frame(rows)
    t["composite"] = 50 + 10 * t["z"]
    lo, hi = bounds_fen(t["hours"].to_numpy(), POLICY)
    from compensation.allocate import allowances_fen

    allow = int(allowances_fen(t, POLICY).sum())
    if hi.sum() == 0:
        budget = allow
    else:
        share = draw(st.floats(0, 1))
        budget = allow + int(lo.sum() + share * (hi.sum() - lo.sum()))
    return t, budget


def check_common(alloc, t: pd.DataFrame, budget: int) -> None:
    lines = alloc.lines.set_index("key")
    assert int(lines["amount_fen"].sum()) == budget
    lo, hi = bounds_fen(lines["hours"].to_numpy(), POLICY)
    part = lines["hourly_part_fen"].to_numpy()
    assert (part >= lo).all() and (part <= hi).all()
    assert (lines["amount_fen"] >= 0).all()


@FAST
@given(cases())
def test_total_exact_and_bounds_hold(case) -> None:
    t, budget = case
    for fn in (hour_only, quality_weighted):
        check_common(fn(t, budget, POLICY), t, budget)


@FAST
@given(cases(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(case, rnd) -> None:
    t, budget = case
    shuffled = t.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
    for fn in (hour_only, quality_weighted):
        a, b = amounts(fn(t, budget, POLICY)), amounts(fn(shuffled, budget, POLICY))
        assert a == b


@FAST
@given(cases())
def test_monotone_in_score_and_hours(case) -> None:
    t, budget = case
    lines = quality_weighted(t, budget, POLICY).lines
    part = lines["hourly_part_fen"].to_numpy()
    h, z = lines["hours"].to_numpy(), lines["z"].to_numpy()
    for i in range(len(lines)):
        for j in range(len(lines)):
            if h[i] == h[j] and z[i] > z[j]:
                assert part[i] >= part[j], "a higher score paid less"
            if z[i] == z[j] and h[i] > h[j]:
                assert part[i] >= part[j], "more hours paid less"


@FAST
@given(st.lists(st.integers(0, 80), min_size=1, max_size=30), st.integers(40, 70))
def test_hour_only_is_rate_times_hours(hours, rate) -> None:
    t = frame([{"key": f"T{i}", "hours": float(h)} for i, h in enumerate(hours)])
    policy = Policy(floor_per_hour_yuan=0.0, cap_per_hour_yuan=None)
    budget = sum(hours) * rate * 100
    if budget == 0:
        return
    got = amounts(hour_only(t, budget, policy))
    assert got == {f"T{i}": h * rate * 100 for i, h in enumerate(hours)}


def test_same_score_more_hours_equal_pay_per_hour_without_bounds() -> None:
    t = frame(
        [
            {"key": "A", "hours": 10.0, "z": 1.0},
            {"key": "B", "hours": 20.0, "z": 1.0},
            {"key": "C", "hours": 30.0, "z": -1.0},
        ]
    )
    lines = quality_weighted(t, 300000, Policy(floor_per_hour_yuan=0, cap_per_hour_yuan=None))
    hourly = lines.lines.set_index("key")["hourly_fen"]
    assert hourly["A"] == pytest.approx(hourly["B"], abs=0.1)


def test_largest_remainder_ties_by_teacher_id() -> None:
    ideal = np.array([100.5, 100.5, 100.0])
    out = largest_remainder(
        ideal, 302, np.zeros(3), np.full(3, np.inf), [np.zeros(3), np.array(["b", "a", "c"])]
    )
    assert out.tolist() == [100, 101, 101] or out.tolist() == [101, 101, 100]
    out = largest_remainder(
        ideal, 301, np.zeros(3), np.full(3, np.inf), [np.zeros(3), np.array(["b", "a", "c"])]
    )
    assert out.tolist() == [100, 101, 100]


# ---------------------------------------------------------------- LP

LP_POLICY = dataclasses.replace(
    POLICY,
    village_allowance_per_hour_yuan=0.0,
    weekend_allowance_per_hour_yuan=0.0,
    self_study_allowance_per_session_yuan=0.0,
)


def village_behind() -> tuple[pd.DataFrame, int]:
    """Village teachers score lower, so the formula pays them less per hour than towns."""
    rows = []
    for i in range(6):
        rows.append({"key": f"V{i}", "hours": 30.0 + i, "z": -1.5 + 0.2 * i, "location": "village"})
        rows.append({"key": f"T{i}", "hours": 40.0 + i, "z": 0.5 + 0.2 * i, "location": "town"})
        rows.append({"key": f"U{i}", "hours": 35.0, "z": 0.2 * i, "location": "urban"})
    t = frame(rows)
    t["composite"] = 50 + 10 * t["z"]
    return t, int(t["hours"].sum() * 5000)


def test_lp_rule_village_at_least_town_on_paid_amounts() -> None:
    t, budget = village_behind()
    formula = location_averages(quality_weighted(t, budget, LP_POLICY).lines)
    assert formula["village"] < formula["town"]  # the formula alone breaks the rule
    alloc = lp_allocate(t, budget, LP_POLICY)
    lines = alloc.lines
    avg = location_averages(lines)
    assert avg["village"] >= avg["town"]
    assert int(lines["amount_fen"].sum()) == budget
    lo, hi = bounds_fen(lines["hours"].to_numpy(), LP_POLICY)
    assert (lines["hourly_part_fen"].to_numpy() >= lo).all()
    assert (lines["hourly_part_fen"].to_numpy() <= hi).all()
    # Within a location, pay per hour never falls as the score rises.
    for _, g in lines.groupby("location"):
        g = g.sort_values("z")
        assert (np.diff(g["hourly_fen"].to_numpy()) >= -1.0 / g["hours"].min() - 1e-9).all()


def test_lp_equals_formula_when_rule_already_holds() -> None:
    t, budget = village_behind()
    t["z"] = -t["z"]  # now villages lead
    assert amounts(lp_allocate(t, budget, LP_POLICY)) == amounts(
        quality_weighted(t, budget, LP_POLICY)
    )


def test_lp_infeasible_rule_is_a_clear_error() -> None:
    from compensation.policy import LpRule

    t, budget = village_behind()
    both_ways = (LpRule("village", "town"), LpRule("town", "village"))  # margins clash
    with pytest.raises(CompensationError) as info:
        lp_allocate(t, budget, dataclasses.replace(LP_POLICY, lp_rules=both_ways))
    assert info.value.key == "comp.lp.infeasible"
    assert "village>=town" in info.value.message("en")


@settings(max_examples=25, deadline=None)
@given(cases(max_size=15))
def test_lp_properties(case) -> None:
    t, budget = case
    policy = POLICY
    try:
        alloc = lp_allocate(t, budget, policy)
    except CompensationError as exc:
        assert exc.key == "comp.lp.infeasible"
        return
    check_common(alloc, t, budget)
    avg = location_averages(alloc.lines)
    if "village" in avg and "town" in avg:
        assert avg["village"] >= avg["town"] - 1e-9


def test_gini() -> None:
    assert gini([1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)


def test_average_hourly_pay_is_sum_of_pay_over_sum_of_hours() -> None:
    """One definition for the comparison and the app: 2 h at 40 元/h and 60 h at 60 元/h
    average 59.35 元/h (the mean of the two rates, 50, would be wrong)."""
    from compensation.compare import hourly_yuan, location_hourly_yuan

    lines = pd.DataFrame(
        {
            "location": ["village", "village", "town"],
            "hours": [2.0, 60.0, 0.0],
            "amount_fen": [8_000, 360_000, 2_000],  # the town teacher: an allowance only
            "other_fen": [12_000, 300_000, 2_000],
        }
    )
    assert location_hourly_yuan(lines) == {"village": pytest.approx(368_000 / 62 / 100)}
    assert location_hourly_yuan(lines, "other_fen")["village"] == pytest.approx(312_000 / 6200)
    assert list(hourly_yuan(lines)) == [40.0, 60.0]
