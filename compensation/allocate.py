"""Split a budget in integer fen: hour-only, quality-weighted, and a linear programme.

All three return one amount per teacher whose sum equals the budget exactly:

* allowances (village, weekend, self-study) are fixed sums taken off the top;
* the rest is split by a rule into ideal (real-valued) amounts within per-teacher
  bounds ``lo = ceil(floor_per_hour * hours)`` and ``hi = floor(min(cap_per_hour *
  hours, cap_per_term))`` (in fen);
* ideal amounts are rounded by the largest-remainder method: everyone is rounded down,
  the leftover fen go to the largest remainders, ties broken by higher score, then more
  hours, then teacher id. The result does not depend on input row order.

Hour-only (today's practice): everyone gets the same hourly rate, ``rest / hours``.
Quality-weighted: a guaranteed hourly part ``g = (1 - pool) * rest / hours`` plus a pool
split by ``hours * m(z)``; floors and caps are met by one common hourly shift δ of the
teachers not at a bound (solved exactly), which keeps pay monotone in score and hours.
LP: pay tracks the quality-weighted hourly rates as closely as possible (hour-weighted
L1 distance) subject to floors, caps, the budget, monotonicity in quality within each
location and county rules such as "village average hourly pay >= town average".
Each is one entry of `compensation.schemes.SCHEMES`, which `allocate` dispatches on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compensation.errors import CompensationError
from compensation.policy import LpRule, Policy
from compensation.schemes import scheme as scheme_named
from compensation.scores import multiplier

# Input columns of a teacher frame (one row per teacher-term).
TEACHER_COLUMNS = [
    "key",  # unique id within the run: teacher_id, or school_id/teacher_id in a county
    "school_id",
    "teacher_id",
    "location",
    "hours",  # delivered class hours (课时)
    "weekend_hours",
    "self_study_sessions",
    "z",  # normalised quality score (0 when unknown)
    "composite",  # quality score 0-100 (tie-breaks and reports)
]
EPS = 1e-9


def to_fen(yuan: float) -> int:
    return round(yuan * 100)


def yuan(fen: int | float) -> str:
    """Fen as 元 with two decimals, e.g. 12345 -> '123.45'."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@dataclass(frozen=True)
class Allocation:
    """One scheme's result: `lines` has key, amount_fen, allowance_fen, hourly_fen, ..."""

    scheme: str
    budget_fen: int
    lines: pd.DataFrame
    info: dict[str, float]


def allowances_fen(t: pd.DataFrame, policy: Policy) -> np.ndarray:
    """Village (per hour), weekend (per hour) and self-study (per session) allowances, in fen."""
    village = np.where(t["location"].to_numpy() == "village", t["hours"].to_numpy(), 0.0)
    raw = (
        village * policy.village_allowance_per_hour_yuan
        + t["weekend_hours"].to_numpy(dtype=float) * policy.weekend_allowance_per_hour_yuan
        + t["self_study_sessions"].to_numpy(dtype=float)
        * policy.self_study_allowance_per_session_yuan
    )
    return np.rint(raw * 100.0).astype(np.int64)


def bounds_fen(hours: np.ndarray, policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """Per-teacher floor and cap of the hourly part, in whole fen."""
    lo = np.ceil(hours * policy.floor_per_hour_yuan * 100.0 - 1e-6)
    if policy.cap_per_hour_yuan is None:
        hi = np.full_like(hours, np.inf, dtype=float)
    else:
        hi = np.floor(hours * policy.cap_per_hour_yuan * 100.0 + 1e-6)
    if policy.cap_per_term_yuan is not None:
        hi = np.minimum(hi, to_fen(policy.cap_per_term_yuan))
    lo = np.minimum(lo, hi)
    return lo, hi


def check_feasible(rest: int, lo: np.ndarray, hi: np.ndarray, allowances: int) -> None:
    """Clear errors, in 元, when floors or caps cannot meet the budget."""
    if rest < 0:
        raise CompensationError(
            "comp.budget.allowances", shortfall=yuan(-rest), allowances=yuan(allowances)
        )
    need = int(lo.sum())
    if need > rest:
        raise CompensationError(
            "comp.budget.floors",
            shortfall=yuan(need - rest),
            floors=yuan(need),
            available=yuan(rest),
        )
    room = hi.sum()
    if np.isfinite(room) and room < rest:
        raise CompensationError(
            "comp.budget.caps",
            surplus=yuan(rest - int(room)),
            caps=yuan(int(room)),
            available=yuan(rest),
        )
    if rest > 0 and not (hi > 0).any():
        raise CompensationError("comp.budget.no_hours", available=yuan(rest))


def solve_shift(
    base_fen_per_hour: np.ndarray, hours: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: int
) -> np.ndarray:
    """Ideal amounts ``clip(hours * (base + δ), lo, hi)`` summing to `total`, δ solved exactly.

    The sum is continuous and non-decreasing in δ; bisection finds the active set, then
    one linear solve on the free teachers makes the sum exact (up to float rounding).
    """
    h = hours.astype(float)
    if total == 0 or not len(h):
        return np.clip(np.zeros_like(h), lo, hi)

    def amounts(delta: float) -> np.ndarray:
        return np.clip(h * (base_fen_per_hour + delta), lo, hi)

    paid = h > 0
    hi_fin = np.where(np.isfinite(hi), hi, lo + total)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_d = np.where(paid, lo / np.where(paid, h, 1) - base_fen_per_hour, 0)
        hi_d = np.where(paid, hi_fin / np.where(paid, h, 1) - base_fen_per_hour, 0)
    a, b = float(lo_d[paid].min()) - 1.0, float(hi_d[paid].max()) + 1.0
    for _ in range(200):
        mid = 0.5 * (a + b)
        if amounts(mid).sum() < total:
            a = mid
        else:
            b = mid
        if b - a <= 1e-12 * max(1.0, abs(a), abs(b)):
            break
    delta = 0.5 * (a + b)
    x = amounts(delta)
    free = paid & (x > lo + EPS) & (x < hi - EPS)
    if free.any():
        fixed = x[~free].sum()
        delta = (total - fixed - (h[free] * base_fen_per_hour[free]).sum()) / h[free].sum()
        x = amounts(delta)
    return x


def largest_remainder(
    ideal: np.ndarray,
    total: int,
    lo: np.ndarray,
    hi: np.ndarray,
    tie_keys: list[np.ndarray],
) -> np.ndarray:
    """Round `ideal` (fen) to integers summing to `total` by the largest-remainder method.

    Ties on the remainder are broken by `tie_keys` in order (each sorted descending,
    except the last, teacher id, ascending). Bounds `lo` / `hi` (integers) hold.
    """
    x = np.clip(np.round(ideal, 6), lo, hi)
    base = np.floor(x).astype(np.int64)
    rem = np.round(x - base, 9)
    left = int(total - base.sum())
    if left == 0 or not len(x):
        return base
    *numeric, ids = tie_keys
    # np.lexsort: last key is primary. Descending remainder, then descending keys, ids asc.
    order = np.lexsort((ids, *[-np.asarray(k, dtype=float) for k in reversed(numeric)], -rem))
    amount = base.copy()
    hi_int = np.where(np.isfinite(hi), hi, np.iinfo(np.int64).max // 4).astype(np.int64)
    lo_int = lo.astype(np.int64)
    if left > 0:
        ok = order[amount[order] + 1 <= hi_int[order]]
        if len(ok) >= left:
            amount[ok[:left]] += 1
            return amount
    else:
        rev = order[::-1]
        ok = rev[amount[rev] - 1 >= lo_int[rev]]
        if len(ok) >= -left:
            amount[ok[:-left]] -= 1
            return amount
    # Only after float noise: hand out one fen at a time, cycling in the same order.
    step = 1 if left > 0 else -1
    seq = order if left > 0 else order[::-1]
    remaining = abs(left)
    while remaining:
        moved = 0
        for i in seq:
            if remaining == 0:
                break
            if lo_int[i] <= amount[i] + step <= hi_int[i]:
                amount[i] += step
                remaining -= 1
                moved += 1
        if moved == 0:
            raise CompensationError("comp.budget.rounding", left=left)
    return amount


def _frame(teachers: pd.DataFrame) -> pd.DataFrame:
    t = teachers.copy()
    for col, default in (
        ("weekend_hours", 0.0),
        ("self_study_sessions", 0),
        ("z", 0.0),
        ("composite", 50.0),
        ("location", None),
    ):
        if col not in t:
            t[col] = default
    t["z"] = t["z"].fillna(0.0)
    t["composite"] = t["composite"].fillna(50.0)
    if t["key"].duplicated().any():
        dup = t.loc[t["key"].duplicated(), "key"].iloc[0]
        raise CompensationError("comp.input.duplicate_teacher", teacher=dup)
    # Sorting by key first makes every step independent of input row order.
    return t.sort_values("key", kind="mergesort").reset_index(drop=True)


def _finish(
    t: pd.DataFrame,
    scheme: str,
    budget: int,
    allow: np.ndarray,
    ideal: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    m: np.ndarray,
    info: dict[str, float],
) -> Allocation:
    rest = int(budget - allow.sum())
    hours = t["hours"].to_numpy(dtype=float)
    part = largest_remainder(
        ideal,
        rest,
        lo,
        hi,
        [t["z"].to_numpy(), t["composite"].to_numpy(), hours, t["key"].to_numpy(dtype=str)],
    )
    amount = part + allow
    lines = pd.DataFrame(
        {
            "key": t["key"],
            "school_id": t["school_id"],
            "teacher_id": t["teacher_id"],
            "location": t["location"],
            "hours": hours,
            "composite": t["composite"].to_numpy(),
            "z": t["z"].to_numpy(),
            "multiplier": m,
            "hourly_part_fen": part,
            "allowance_fen": allow,
            "amount_fen": amount,
            "hourly_fen": np.where(hours > 0, part / np.where(hours > 0, hours, 1), 0.0),
        }
    )
    assert int(lines["amount_fen"].sum()) == budget
    return Allocation(scheme, budget, lines, info)


def _prepare(teachers: pd.DataFrame, budget_fen: int, policy: Policy):
    t = _frame(teachers)
    hours = t["hours"].to_numpy(dtype=float)
    if (hours < 0).any():
        raise CompensationError("comp.input.negative_hours")
    allow = allowances_fen(t, policy)
    rest = int(budget_fen - allow.sum())
    lo, hi = bounds_fen(hours, policy)
    check_feasible(rest, lo, hi, int(allow.sum()))
    return t, hours, allow, rest, lo, hi


def hour_only(teachers: pd.DataFrame, budget_fen: int, policy: Policy) -> Allocation:
    """Today's practice: hours times one rate, the rate scaled so the budget is spent."""
    t, hours, allow, rest, lo, hi = _prepare(teachers, budget_fen, policy)
    ideal = solve_shift(np.zeros_like(hours), hours, lo, hi, rest)
    total_h = hours.sum()
    rate = rest / total_h if total_h > 0 else 0.0
    info = {"rate_fen_per_hour": rate}
    return _finish(t, "hour_only", budget_fen, allow, ideal, lo, hi, np.ones_like(hours), info)


def quality_rates(hours: np.ndarray, m: np.ndarray, rest: int, policy: Policy):
    """Guaranteed hourly part g and pool rate π (fen per hour per unit multiplier)."""
    total_h = hours.sum()
    hm = (hours * m).sum()
    g = (1.0 - policy.quality_pool_share) * rest / total_h if total_h > 0 else 0.0
    pi = policy.quality_pool_share * rest / hm if hm > 0 else 0.0
    return g, pi


def quality_weighted(teachers: pd.DataFrame, budget_fen: int, policy: Policy) -> Allocation:
    """Guaranteed hourly part + quality pool by hours x m(score); floors, caps, allowances."""
    t, hours, allow, rest, lo, hi = _prepare(teachers, budget_fen, policy)
    m = multiplier(t["z"].to_numpy(), policy)
    g, pi = quality_rates(hours, m, rest, policy)
    ideal = solve_shift(g + pi * m, hours, lo, hi, rest)
    info = {
        "guaranteed_fen_per_hour": g,
        "pool_fen_per_hour_per_m": pi,
        "pool_fen": policy.quality_pool_share * rest,
    }
    return _finish(t, "quality", budget_fen, allow, ideal, lo, hi, m, info)


def location_averages(lines: pd.DataFrame, amount: str = "amount_fen") -> dict[str, float]:
    """Average hourly pay per location, in fen: the sum of amounts (allowances included)
    over the sum of hours of the teachers with hours. The one definition of "average
    hourly pay" (the comparison, the app's charts): a mean of each
    teacher's hourly rate would weigh a 2-hour teacher like a 200-hour one."""
    paid = lines[lines["hours"] > 0]
    g = paid.groupby("location")
    return (g[amount].sum() / g["hours"].sum()).to_dict()


def lp_allocate(
    teachers: pd.DataFrame, budget_fen: int, policy: Policy, rules: tuple[LpRule, ...] | None = None
) -> Allocation:
    """The LP variant (OR-Tools GLOP): closest to the quality rates under county rules.

    Variables: hourly rate u_i (fen per hour) of each teacher with hours. Minimise
    sum_i h_i |u_i - target_i|, target = the quality-weighted scheme's hourly rate, subject to
    lo_i <= h_i u_i <= hi_i, sum_i h_i u_i = rest, u non-decreasing in the target within each
    location, and for each rule (a >= b): avg_a - avg_b >= margin, where the margin absorbs
    the later rounding to whole fen so the rule still holds on the paid amounts.
    """
    from ortools.linear_solver import pywraplp

    rules = policy.lp_rules if rules is None else rules
    t, hours, allow, rest, lo, hi = _prepare(teachers, budget_fen, policy)
    m = multiplier(t["z"].to_numpy(), policy)
    g, pi = quality_rates(hours, m, rest, policy)
    target = solve_shift(g + pi * m, hours, lo, hi, rest)
    paid = np.flatnonzero(hours > 0)
    ideal = np.zeros_like(hours)
    if not len(paid) or rest == 0:
        return _finish(t, "lp", budget_fen, allow, ideal, lo, hi, m, {"objective": 0.0})
    h = hours[paid]
    tau = target[paid] / h
    locs = t["location"].to_numpy(dtype=object)[paid]
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    n = len(paid)
    hi_p = hi[paid]
    u = [
        solver.NumVar(lo[paid][i] / h[i], hi_p[i] / h[i] if np.isfinite(hi_p[i]) else inf, "")
        for i in range(n)
    ]
    dp = [solver.NumVar(0, inf, "") for _ in range(n)]
    dm = [solver.NumVar(0, inf, "") for _ in range(n)]
    for i in range(n):
        c = solver.Constraint(float(tau[i]), float(tau[i]))
        c.SetCoefficient(u[i], 1)
        c.SetCoefficient(dp[i], -1)
        c.SetCoefficient(dm[i], 1)
    budget = solver.Constraint(float(rest), float(rest))
    for i in range(n):
        budget.SetCoefficient(u[i], float(h[i]))
    # Pay never falls as quality rises, within each location.
    keys = t["key"].to_numpy(dtype=str)[paid]
    for loc in sorted({str(v) for v in locs}):
        idx = [i for i in range(n) if str(locs[i]) == loc]
        idx.sort(key=lambda i: (round(float(tau[i]), 9), h[i], keys[i]))
        for a, b in itertools.pairwise(idx):
            c = solver.Constraint(0, inf)
            c.SetCoefficient(u[b], 1)
            c.SetCoefficient(u[a], -1)
    applied = []
    for rule in rules:
        ia = [i for i in range(n) if locs[i] == rule.lhs]
        ib = [i for i in range(n) if locs[i] == rule.rhs]
        if not ia or not ib:
            continue
        ha, hb = h[ia].sum(), h[ib].sum()
        margin = len(ia) / ha + len(ib) / hb  # fen per hour lost at most by rounding
        fixed = allow[paid][ia].sum() / ha - allow[paid][ib].sum() / hb  # allowances count
        c = solver.Constraint(margin - fixed, inf)
        for i in ia:
            c.SetCoefficient(u[i], float(h[i] / ha))
        for i in ib:
            c.SetCoefficient(u[i], float(-h[i] / hb))
        applied.append(f"{rule.lhs}>={rule.rhs}")
    objective = solver.Objective()
    for i in range(n):
        objective.SetCoefficient(dp[i], float(h[i]))
        objective.SetCoefficient(dm[i], float(h[i]))
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise CompensationError("comp.lp.infeasible", rules=", ".join(applied) or "-")
    rates = np.array([v.solution_value() for v in u])
    ideal[paid] = np.clip(rates * h, lo[paid], hi[paid])
    info = {"objective_fen": objective.Value(), "rules": len(applied)}
    return _finish(t, "lp", budget_fen, allow, ideal, lo, hi, m, info)


def allocate(scheme: str, teachers: pd.DataFrame, budget_fen: int, policy: Policy) -> Allocation:
    """The budget split by the named scheme (its function is listed in `SCHEMES`)."""
    return scheme_named(scheme).allocate(teachers, budget_fen, policy)
