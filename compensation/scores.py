"""Quality scores per teacher and term, from several weighted sources, resistant to gaming.

Pipeline (all vectorised pandas, order-independent):

1. Every rating goes to a 0-100 scale (5-point: (s - 1) / 4 * 100).
2. Self-ratings, ratings flagged as a conflict of interest, declared conflicts
   (rater, teacher) and ratings outside the term are dropped (and counted).
3. One rater, one vote per month: a rater's ratings of a teacher in a month are averaged.
4. Per month, a trimmed mean over raters (`trim_share` dropped at each end).
5. A source's raw score is the mean of its monthly scores, so a year-end burst counts as
   one month, not as many votes.
6. Shrinkage toward the school's mean of that source: weight
   ``min(1, raters / min_raters) * min(1, months / min_months)``. A teacher nobody rated
   on a source gets the school mean for it.
7. Measured facts (attendance rate, homework completion for basic service) are monthly
   means on 0-100; homework counts only for teachers with basic-service hours.
8. The composite is the weighted mean of the components present in the school.
9. Normalisation within (school, service kind): z = (c - mean) / max(sd, min_sd), clipped
   at ±z_clip, so a lenient school does not inflate pay.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from compensation.policy import FACT_MEASURES, Policy

KEY = ["school_id", "teacher_id"]
KIND_ORDER = ("basic", "extended", "self_study")

RATING_COLUMNS = ["school_id", "teacher_id", "source", "rater_id", "score", "scale", "date"]
FACT_COLUMNS = ["school_id", "teacher_id", "measure", "value", "date"]


@dataclass(frozen=True)
class ScoreResult:
    """`scores`: one row per teacher; `components`: one row per teacher and source."""

    scores: pd.DataFrame
    components: pd.DataFrame
    dropped: pd.DataFrame  # per teacher and source: self / conflict / outside term counts


def empty_ratings() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in RATING_COLUMNS})
    frame["score"] = frame["score"].astype(float)
    frame["scale"] = frame["scale"].astype(float)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["conflict"] = pd.Series(dtype=bool)
    return frame


def empty_facts() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in FACT_COLUMNS})
    frame["value"] = frame["value"].astype(float)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def to_100(score: pd.Series, scale: pd.Series) -> pd.Series:
    """Ratings on 0-100; a blank scale means 5-point when the score is at most 5."""
    scale = scale.where(scale.notna(), np.where(score <= 5, 5.0, 100.0))
    five = (score - 1.0) / 4.0 * 100.0
    return pd.Series(np.where(scale == 5.0, five, score), index=score.index).clip(0, 100)


def clean_ratings(
    ratings: pd.DataFrame, conflicts: pd.DataFrame | None, policy: Policy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ratings kept (0-100, with `month`) and counts of dropped ones per teacher and source."""
    r = ratings.copy()
    r["date"] = pd.to_datetime(r["date"])
    if "conflict" not in r:
        r["conflict"] = False
    r["conflict"] = r["conflict"].fillna(False).astype(bool)
    r["value"] = to_100(r["score"].astype(float), r["scale"].astype(float))
    r["reason"] = ""
    r.loc[r["conflict"], "reason"] = "conflict"
    if conflicts is not None and len(conflicts):
        c = conflicts[["rater_id", "teacher_id"]].copy()
        if "school_id" in conflicts:
            c["school_id"] = conflicts["school_id"]
        else:
            c["school_id"] = np.nan
        c["declared"] = True
        # A conflict with a blank school applies in every school.
        anywhere = c[c["school_id"].isna()][["rater_id", "teacher_id", "declared"]]
        here = c[c["school_id"].notna()]
        r = r.merge(anywhere.drop_duplicates(), on=["rater_id", "teacher_id"], how="left")
        r = r.merge(
            here.drop_duplicates().rename(columns={"declared": "declared2"}),
            on=["school_id", "rater_id", "teacher_id"],
            how="left",
        )
        declared = r["declared"].eq(True) | r["declared2"].eq(True)
        r.loc[declared & (r["reason"] == ""), "reason"] = "conflict"
        r = r.drop(columns=["declared", "declared2"])
    r.loc[r["rater_id"] == r["teacher_id"], "reason"] = "self"
    if policy.term is not None:
        outside = (r["date"] < pd.Timestamp(policy.term.start)) | (
            r["date"] > pd.Timestamp(policy.term.end)
        )
        r.loc[outside & (r["reason"] == ""), "reason"] = "outside_term"
    dropped = (
        r[r["reason"] != ""]
        .groupby([*KEY, "source", "reason"])
        .size()
        .unstack("reason", fill_value=0)
        .reset_index()
    )
    for col in ("self", "conflict", "outside_term"):
        if col not in dropped:
            dropped[col] = 0
    kept = r[r["reason"] == ""].copy()
    kept["month"] = kept["date"].dt.strftime("%Y-%m")
    return kept, dropped[[*KEY, "source", "self", "conflict", "outside_term"]]


def trimmed_group_mean(frame: pd.DataFrame, keys: list[str], value: str, trim: float) -> pd.Series:
    """Trimmed mean of `value` per group: floor(n * trim) dropped at each end (vectorised)."""
    f = frame.sort_values([*keys, value], kind="mergesort")
    grouped = f.groupby(keys, sort=False)
    rank = grouped.cumcount()
    n = grouped[value].transform("size")
    k = np.floor(n * trim + 1e-9)
    keep = (rank >= k) & (rank < n - k)
    return f[keep].groupby(keys)[value].mean()


def rating_components(kept: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per teacher and source: raw (month-balanced trimmed mean), raters, months."""
    cols = [*KEY, "source", "raw", "n_raters", "n_months", "n_ratings"]
    if kept.empty:
        return pd.DataFrame(columns=cols)
    per_rater = kept.groupby([*KEY, "source", "month", "rater_id"], as_index=False)["value"].mean()
    monthly = trimmed_group_mean(
        per_rater, [*KEY, "source", "month"], "value", policy.trim_share
    ).rename("value")
    raw = monthly.groupby(level=[0, 1, 2]).mean().rename("raw")
    g = kept.groupby([*KEY, "source"])
    stats = pd.DataFrame(
        {
            "n_raters": g["rater_id"].nunique(),
            "n_months": g["month"].nunique(),
            "n_ratings": g.size(),
        }
    )
    return raw.to_frame().join(stats).reset_index()[cols]


def fact_components(facts: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per teacher and measure: mean of monthly means, on 0-100 (a rate <= 1 is a share)."""
    cols = [*KEY, "source", "raw", "n_raters", "n_months", "n_ratings"]
    if facts is None or facts.empty:
        return pd.DataFrame(columns=cols)
    f = facts.copy()
    f["date"] = pd.to_datetime(f["date"])
    f["value"] = f["value"].astype(float)
    f["value"] = np.where(f["value"] <= 1.0, f["value"] * 100.0, f["value"]).clip(0, 100)
    if policy.term is not None:
        inside = f["date"].isna() | (
            (f["date"] >= pd.Timestamp(policy.term.start))
            & (f["date"] <= pd.Timestamp(policy.term.end))
        )
        f = f[inside]
    f["month"] = f["date"].dt.strftime("%Y-%m").fillna("term")
    f = f.rename(columns={"measure": "source"})
    monthly = f.groupby([*KEY, "source", "month"])["value"].mean()
    raw = monthly.groupby(level=[0, 1, 2]).mean().rename("raw")
    g = f.groupby([*KEY, "source"])
    stats = pd.DataFrame({"n_raters": 0, "n_months": g["month"].nunique(), "n_ratings": g.size()})
    return raw.to_frame().join(stats).reset_index()[cols]


def _grid(teachers: pd.DataFrame, comps: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Every teacher x every weighted component that exists in the teacher's school."""
    weights = {k: w for k, w in policy.source_weights.items() if w > 0}
    present = comps[comps["source"].isin(list(weights))][["school_id", "source"]].drop_duplicates()
    grid = teachers[[*KEY, "basic_hours"]].merge(present, on="school_id", how="inner")
    # Homework completion is a fact of basic service only.
    grid = grid[(grid["source"] != "homework") | (grid["basic_hours"] > 0)]
    grid = grid.merge(comps, on=[*KEY, "source"], how="left")
    grid["weight"] = grid["source"].map(weights).astype(float)
    return grid


def compute_scores(
    teachers: pd.DataFrame,
    ratings: pd.DataFrame | None,
    facts: pd.DataFrame | None,
    policy: Policy,
    conflicts: pd.DataFrame | None = None,
) -> ScoreResult:
    """Scores for `teachers` (columns school_id, teacher_id, kind, basic_hours).

    `scores` columns: school_id, teacher_id, kind, composite (0-100), score5 (1-5),
    z (normalised within school and kind), top_share (share of the school at or above
    this teacher, 0-1), n_sources. `components` keeps each source's breakdown.
    """
    teachers = teachers[[*KEY, "kind", "basic_hours"]].drop_duplicates(KEY)
    ratings = empty_ratings() if ratings is None else ratings
    kept, dropped = clean_ratings(ratings, conflicts, policy)
    kept = kept[kept["source"].isin([s for s in policy.source_weights if s not in FACT_MEASURES])]
    comps = pd.concat(
        [rating_components(kept, policy), fact_components(facts, policy)], ignore_index=True
    )
    comps = comps.merge(teachers[KEY], on=KEY, how="inner")
    grid = _grid(teachers, comps, policy)
    grid["n_raters"] = grid["n_raters"].fillna(0).astype(int)
    grid["n_months"] = grid["n_months"].fillna(0).astype(int)
    grid["n_ratings"] = grid["n_ratings"].fillna(0).astype(int)
    school_mean = grid.groupby(["school_id", "source"])["raw"].transform("mean")
    is_fact = grid["source"].isin(FACT_MEASURES)
    shrink = np.minimum(1.0, grid["n_raters"] / max(policy.min_raters, 1)) * np.minimum(
        1.0, grid["n_months"] / max(policy.min_months, 1)
    )
    shrink = np.where(is_fact, grid["raw"].notna().astype(float), shrink)
    grid["shrink"] = shrink
    grid["school_mean"] = school_mean
    grid["value"] = np.where(
        grid["raw"].notna(),
        grid["shrink"] * grid["raw"].fillna(0) + (1 - grid["shrink"]) * school_mean,
        school_mean,
    )
    grid["wv"] = grid["weight"] * grid["value"]
    agg = grid.groupby(KEY).agg(
        wsum=("weight", "sum"), wv=("wv", "sum"), n_sources=("raw", "count")
    )
    scores = teachers.merge(agg.reset_index(), on=KEY, how="left")
    scores["composite"] = scores["wv"] / scores["wsum"]
    scores["n_sources"] = scores["n_sources"].fillna(0).astype(int)
    normalise(scores, policy)
    scores["score5"] = 1.0 + 4.0 * scores["composite"] / 100.0
    out_cols = [*KEY, "kind", "composite", "score5", "z", "top_share", "n_sources"]
    components = (
        grid[
            [
                *KEY,
                "source",
                "raw",
                "n_raters",
                "n_months",
                "n_ratings",
                "shrink",
                "school_mean",
                "value",
                "weight",
            ]
        ]
        .sort_values([*KEY, "source"])
        .reset_index(drop=True)
    )
    return ScoreResult(
        scores=scores[out_cols].sort_values(KEY).reset_index(drop=True),
        components=components,
        dropped=dropped.sort_values([*KEY, "source"]).reset_index(drop=True),
    )


def normalise(scores: pd.DataFrame, policy: Policy) -> None:
    """Add `z` (within school and kind) and `top_share` (within school), in place.

    A teacher with no evidence at all sits at the group mean (z = 0).
    """
    group = scores.groupby(["school_id", "kind"])["composite"]
    mean = group.transform("mean")
    sd = group.transform(lambda s: float(np.nanstd(s.to_numpy())) if s.notna().any() else 0.0)
    z = (scores["composite"] - mean) / np.maximum(sd.fillna(0), max(policy.min_sd, 1e-9))
    scores["z"] = z.fillna(0.0).clip(-policy.z_clip, policy.z_clip).round(12)
    scores["composite"] = scores["composite"].fillna(mean).fillna(50.0)
    # Share of the school's teachers with a normalised score at least this high.
    rank = scores.groupby("school_id")["z"].rank(method="max", ascending=False)
    size = scores.groupby("school_id")["z"].transform("size")
    scores["top_share"] = rank / size


def multiplier(z: np.ndarray | pd.Series, policy: Policy) -> np.ndarray:
    """The monotone quality function: clip(1 + slope * z, min, max)."""
    m = 1.0 + policy.multiplier_slope * np.asarray(z, dtype=float)
    return np.clip(m, policy.multiplier_min, policy.multiplier_max)
