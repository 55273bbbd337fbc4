"""County totals from per-school rows: pure pandas, nothing but sums and ratios of sums.

Every ratio is computed from the summed numerator and denominator (never an average of
school ratios), so a total recomputed by hand from `schools.csv` gives the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.money import KEY_COLUMNS, MAX_COLUMNS, SUM_COLUMNS, UNSTAFFED_COLUMNS

STAGE_ORDER = ("primary", "junior", "high")
LOCATION_ORDER = ("urban", "town", "village")
# derived metric -> (numerator, denominator)
RATIOS: dict[str, tuple[str, str]] = {
    "coverage": ("student_hours_served_week", "student_hours_demand_week"),
    "enrolment_rate": ("students_enrolled", "students"),
    "unstaffed_share": ("sessions_unstaffed", "sessions_demand"),
    "hourly_pay_yuan": ("pay_yuan", "class_hours_term"),
    "load_hours_week": ("teacher_hours_held_week", "teachers_opted_in"),
    "need_ratio": ("teacher_hours_needed_week", "teacher_hours_available_week"),
    "family_cost_per_student_yuan": ("fees_yuan", "students_enrolled"),
    "pay_per_teacher_yuan": ("pay_yuan", "teachers_opted_in"),
}


@dataclass(frozen=True)
class Aggregates:
    county: dict[str, float]  # one figure per metric, plus the pay and load gaps
    by_stage: pd.DataFrame
    by_location: pd.DataFrame
    by_stage_location: pd.DataFrame
    schools: pd.DataFrame  # one row per school (its stage rows added up)
    unstaffed: pd.DataFrame


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    columns = [*KEY_COLUMNS, *SUM_COLUMNS, *MAX_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def unstaffed_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(UNSTAFFED_COLUMNS))


def derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio columns (NaN where the denominator is 0)."""
    out = frame.copy()
    for name, (num, den) in RATIOS.items():
        n = out[num].astype(float).to_numpy()
        d = out[den].astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = np.where(d > 0, n / np.where(d > 0, d, 1.0), np.nan)
    return out


def totals(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sums (maxima for MAX_COLUMNS) by the given keys, then the ratios."""
    agg = {c: "sum" for c in SUM_COLUMNS} | {c: "max" for c in MAX_COLUMNS}
    if frame.empty:
        return derive(pd.DataFrame(columns=[*by, *agg]))
    out = frame.groupby(by, sort=False, dropna=False).agg(agg).reset_index()
    out = derive(out)
    order = {"stage": STAGE_ORDER, "location": LOCATION_ORDER}
    keys = [
        out[k].map(lambda v, k=k: order[k].index(v) if v in order[k] else 99)
        for k in by
        if k in order
    ]
    if keys:
        out = out.assign(_o=list(zip(*keys, strict=True))).sort_values("_o").drop(columns="_o")
    return out.reset_index(drop=True)


def county_totals(frame: pd.DataFrame) -> dict[str, float]:
    """One figure per metric for the whole county, plus the high-school gaps."""
    row = totals(frame.assign(_all="county"), ["_all"])
    out = {k: float(v) for k, v in row.drop(columns="_all").iloc[0].items()} if len(row) else {}
    stage = totals(
        frame.assign(_c=frame["stage"].where(frame["stage"] == "high", "compulsory")), ["_c"]
    )
    by = {r["_c"]: r for _, r in stage.iterrows()}
    for group in ("high", "compulsory"):
        r = by.get(group)
        out[f"hourly_pay_{group}_yuan"] = float(r["hourly_pay_yuan"]) if r is not None else np.nan
        out[f"load_hours_week_{group}"] = float(r["load_hours_week"]) if r is not None else np.nan
    out["high_pay_gap_yuan"] = _minus(
        out["hourly_pay_high_yuan"], out["hourly_pay_compulsory_yuan"]
    )
    out["high_load_gap_hours"] = _minus(
        out["load_hours_week_high"], out["load_hours_week_compulsory"]
    )
    out["schools"] = float(frame["school_id"].nunique()) if len(frame) else 0.0
    return out


def _minus(a: float, b: float) -> float:
    return float(a - b)  # NaN when a stage is absent


def aggregate(rows: list[dict] | pd.DataFrame, unstaffed: list[dict] | pd.DataFrame) -> Aggregates:
    frame = rows if isinstance(rows, pd.DataFrame) else rows_frame(rows)
    gaps = unstaffed if isinstance(unstaffed, pd.DataFrame) else unstaffed_frame(unstaffed)
    schools = totals(frame, ["school_id", "name", "town", "school_stage", "location"])
    return Aggregates(
        county=county_totals(frame),
        by_stage=totals(frame, ["stage"]),
        by_location=totals(frame, ["location"]),
        by_stage_location=totals(frame, ["stage", "location"]),
        schools=schools.sort_values("school_id").reset_index(drop=True),
        unstaffed=gaps,
    )
