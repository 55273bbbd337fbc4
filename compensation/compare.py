"""Hour-only against quality-weighted, side by side: who gains, who loses, fairness metrics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from compensation.allocate import Allocation, location_averages
from domain.school import LOCATIONS


def gini(values: np.ndarray | pd.Series) -> float:
    """Gini coefficient (0 equal, 1 one takes all) of non-negative values."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2.0 * (ranks * x).sum() / (n * x.sum()) - (n + 1.0) / n)


def correlation(a: pd.Series, b: pd.Series) -> float:
    """Pearson correlation; 0 when either side does not vary."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame  # one row per teacher, both schemes side by side
    metrics: pd.DataFrame  # one row per scheme: correlation, Gini, location averages
    summary: dict[str, object]


def hourly_yuan(lines: pd.DataFrame, amount: str = "amount_fen") -> pd.Series:
    """Each teacher's pay per class hour in 元 (teachers with hours only)."""
    paid = lines[lines["hours"] > 0]
    return paid[amount] / paid["hours"] / 100.0


def location_hourly_yuan(lines: pd.DataFrame, amount: str = "amount_fen") -> dict[str, float]:
    """Average hourly pay per location in 元: sum of pay / sum of hours
    (`allocate.location_averages`), never a mean of the teachers' rates."""
    return {loc: fen / 100.0 for loc, fen in location_averages(lines, amount).items()}


def gains(diff_fen: pd.Series) -> dict[str, float]:
    """Who gains and who loses from one scheme to another, and the money moved (元)."""
    return {
        "gainers": int((diff_fen > 0).sum()),
        "losers": int((diff_fen < 0).sum()),
        "unchanged": int((diff_fen == 0).sum()),
        "moved_yuan": float(diff_fen[diff_fen > 0].sum()) / 100.0,
    }


def scheme_metrics(alloc: Allocation) -> dict[str, object]:
    lines = alloc.lines
    paid = lines[lines["hours"] > 0]
    hourly = hourly_yuan(lines)
    out: dict[str, object] = {
        "scheme": alloc.scheme,
        "total_yuan": alloc.budget_fen / 100.0,
        "teachers": len(lines),
        "corr_pay_quality": correlation(hourly, paid["composite"]),
        "gini_hourly": gini(hourly),
        "min_hourly_yuan": float(hourly.min()) if len(hourly) else 0.0,
        "max_hourly_yuan": float(hourly.max()) if len(hourly) else 0.0,
    }
    averages = location_hourly_yuan(lines)
    for loc in LOCATIONS:
        out[f"avg_hourly_{loc}_yuan"] = averages.get(loc, np.nan)
    return out


def compare(base: Allocation, other: Allocation) -> Comparison:
    """`base` (usually hour-only) against `other` (quality-weighted or LP)."""
    cols = ["key", "school_id", "teacher_id", "location", "hours", "composite", "amount_fen"]
    a = base.lines[cols].rename(columns={"amount_fen": f"amount_{base.scheme}_fen"})
    b = other.lines[["key", "amount_fen", "multiplier"]].rename(
        columns={"amount_fen": f"amount_{other.scheme}_fen"}
    )
    table = a.merge(b, on="key", how="outer")
    diff = table[f"amount_{other.scheme}_fen"] - table[f"amount_{base.scheme}_fen"]
    table["diff_fen"] = diff
    table["diff_pct"] = np.where(
        table[f"amount_{base.scheme}_fen"] > 0,
        100.0 * diff / table[f"amount_{base.scheme}_fen"],
        0.0,
    )
    table["score5"] = 1 + 4 * table["composite"] / 100
    table = table.sort_values(["diff_fen", "key"], ascending=[False, True]).reset_index(drop=True)
    metrics = pd.DataFrame([scheme_metrics(base), scheme_metrics(other)])
    summary: dict[str, object] = {
        "base": base.scheme,
        "other": other.scheme,
        "teachers": len(table),
        **gains(table["diff_fen"]),
        "max_gain_yuan": float(table["diff_fen"].max()) / 100.0 if len(table) else 0.0,
        "max_loss_yuan": float(-table["diff_fen"].min()) / 100.0 if len(table) else 0.0,
        "max_gain_pct": float(table["diff_pct"].max()) if len(table) else 0.0,
        "max_loss_pct": float(-table["diff_pct"].min()) if len(table) else 0.0,
    }
    return Comparison(table, metrics, summary)
