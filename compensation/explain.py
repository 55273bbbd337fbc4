"""Payslip lines: hours, score and its sources, multiplier, allowances, amount, and why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from compensation.allocate import Allocation, yuan
from compensation.policy import FACT_MEASURES, SOURCE_LABELS, Policy
from compensation.schemes import SCHEMES
from compensation.scores import ScoreResult
from i18n import t

MEASURE_NAMES = {"attendance": ("出勤率", "attendance"), "homework": ("作业完成率", "homework")}


def _source_name(source: str, lang: str) -> str:
    if source in MEASURE_NAMES:
        return MEASURE_NAMES[source][0 if lang == "zh" else 1]
    if source in SOURCE_LABELS:
        return SOURCE_LABELS[source][0] if lang == "zh" else source
    return source


def source_texts(components: pd.DataFrame, policy: Policy, lang: str) -> pd.Series:
    """Per teacher key (school_id, teacher_id): '家长4.8(12人)、学生4.5(30人)、出勤率93%'."""
    parts: dict[tuple[str, str], list[str]] = {}
    for row in components.itertuples(index=False):
        name = _source_name(row.source, lang)
        if row.source in FACT_MEASURES:
            if pd.isna(row.raw):
                continue
            text = f"{name}{row.raw:.0f}%"
        elif pd.isna(row.raw) or row.n_raters == 0:
            text = t("comp.explain.no_raters", lang, source=name)
        else:
            score5 = 1 + 4 * row.raw / 100
            text = t(
                "comp.explain.source", lang, source=name, score=f"{score5:.1f}", n=int(row.n_raters)
            )
            if row.shrink < 1:
                text += t("comp.explain.shrunk", lang)
        parts.setdefault((row.school_id, row.teacher_id), []).append(text)
    sep = "、" if lang == "zh" else ", "
    return pd.Series({k: sep.join(v) for k, v in parts.items()}, dtype=object)


def rank_phrase(top_share: float, lang: str) -> str:
    for limit, key in ((0.10, "comp.rank.top10"), (0.25, "comp.rank.top25")):
        if top_share <= limit + 1e-9:
            return t(key, lang)
    if top_share > 0.90:
        return t("comp.rank.bottom10", lang)
    if top_share > 0.75:
        return t("comp.rank.bottom25", lang)
    return t("comp.rank.middle", lang, pct=f"{np.ceil(top_share * 100):.0f}")


def reason(row: pd.Series, policy: Policy, scheme: str, lang: str) -> str:
    """One sentence saying why this amount."""
    hours = f"{row['hours']:.1f}"
    rate = yuan(round(row["hourly_fen"]))
    parts = []
    if not SCHEMES[scheme].quality:
        parts.append(t("comp.reason.hour_only", lang, hours=hours, rate=rate))
    else:
        if row["n_sources"] == 0:
            parts.append(t("comp.reason.no_evidence", lang, m=f"{row['multiplier']:.2f}"))
        else:
            parts.append(
                t(
                    "comp.reason.score",
                    lang,
                    score=f"{row['score5']:.1f}",
                    rank=rank_phrase(row["top_share"], lang),
                    m=f"{row['multiplier']:.2f}",
                )
            )
        parts.append(t("comp.reason.hours", lang, hours=hours, rate=rate))
        floor = policy.floor_per_hour_yuan * 100
        cap = policy.cap_per_hour_yuan * 100 if policy.cap_per_hour_yuan is not None else None
        if row["hours"] > 0 and row["hourly_fen"] <= floor + 1.0 / row["hours"]:
            parts.append(t("comp.reason.floor", lang, floor=f"{policy.floor_per_hour_yuan:g}"))
        elif cap is not None and row["hours"] > 0 and row["hourly_fen"] >= cap - 1.0 / row["hours"]:
            parts.append(t("comp.reason.cap", lang, cap=f"{policy.cap_per_hour_yuan:g}"))
    if row["allowance_fen"]:
        parts.append(t("comp.reason.allowance", lang, allowance=yuan(row["allowance_fen"])))
    parts.append(t("comp.reason.total", lang, amount=yuan(row["amount_fen"])))
    sep = "；" if lang == "zh" else "; "
    return sep.join(parts) + ("。" if lang == "zh" else ".")


def payslips(
    allocation: Allocation, scores: ScoreResult, teachers: pd.DataFrame, policy: Policy
) -> pd.DataFrame:
    """One line per teacher: every number of the payslip and the reason in zh and en.

    `teachers` carries name, kind, sessions, allowance parts (village/weekend/self-study).
    """
    lines = allocation.lines.merge(
        teachers[["key", "name", "kind", "sessions", "weekend_hours", "self_study_sessions"]],
        on="key",
        how="left",
    )
    s = scores.scores[["school_id", "teacher_id", "score5", "top_share", "n_sources"]]
    lines = lines.merge(s, on=["school_id", "teacher_id"], how="left")
    lines["score5"] = lines["score5"].fillna(3.0)
    lines["top_share"] = lines["top_share"].fillna(0.5)
    lines["n_sources"] = lines["n_sources"].fillna(0).astype(int)
    for lang in ("zh", "en"):
        texts = source_texts(scores.components, policy, lang)
        lines[f"sources_{lang}"] = [
            texts.get((a, b), "")
            for a, b in zip(lines["school_id"], lines["teacher_id"], strict=True)
        ]
        lines[f"reason_{lang}"] = [
            reason(row, policy, allocation.scheme, lang) for _, row in lines.iterrows()
        ]
    lines["scheme"] = allocation.scheme
    return lines.sort_values(["school_id", "teacher_id"]).reset_index(drop=True)
