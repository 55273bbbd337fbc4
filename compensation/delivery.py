"""Delivered class hours per teacher: a weekly schedule times the term, corrected by a log.

A stored `Schedule` repeats every week of the term (on the session's weekday, holidays
skipped). The delivery log corrects it row by row, keyed by (date, slot_id, activity_id,
teacher_id):

* ``cancelled``: that teacher's occurrence is removed (not paid);
* ``substituted``: the row's teacher taught instead of `replaces` (blank: the session's
  only planned teacher); the replaced teacher's occurrence is removed;
* ``delivered``: confirms an occurrence (and records students present), or adds one
  that was not planned.

Without a schedule, the log alone is the record: every delivered or substituted row is an
occurrence. Session length counts: class hours = minutes / `class_hour_minutes`
(default 45, a policy parameter), from the log's start/end, else the schedule, else the
school's slot.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from compensation.policy import Policy, Term
from domain.problems import Problems
from domain.schedule import Schedule
from domain.school import School, minutes, parse_basic_activity_id

OCC_COLUMNS = [
    "school_id",
    "date",
    "slot_id",
    "activity_id",
    "teacher_id",
    "kind",
    "minutes",
    "students_present",
    "enrolled",
    "status",
]
K = ["school_id", "date", "slot_id", "activity_id", "teacher_id"]
STATUSES = ("delivered", "cancelled", "substituted")


def planned_from_schedule(
    schedule: Schedule, term: Term, school_id: str | None = None
) -> pd.DataFrame:
    """Every (date, session, teacher) the weekly schedule plans over the term."""
    sid = school_id or schedule.school_id
    by_day: dict[int, list[dt.date]] = {}
    for d in term.dates():
        by_day.setdefault(d.isoweekday(), []).append(d)
    rows = []
    for p in schedule.sessions:
        length = minutes(p.end) - minutes(p.start)
        for d in by_day.get(p.day, ()):
            for teacher_id in p.teacher_ids:
                rows.append((sid, d, p.slot_id, p.activity_id, teacher_id, p.kind, length))
    frame = pd.DataFrame(rows, columns=[*K, "kind", "minutes"])
    frame["status"] = "planned"
    frame["students_present"] = np.nan
    frame["enrolled"] = np.nan
    return frame[OCC_COLUMNS]


def activity_kind(school: School | None, activity_id: str) -> str:
    if parse_basic_activity_id(activity_id) is not None:
        return "basic"
    if school is not None and activity_id in school.activity_by_id:
        return school.activity_by_id[activity_id].kind
    return "extended"


def enrolled_for(school: School | None, activity_id: str) -> float:
    """Students expected: a class's basic_students, or an activity's enrolment."""
    if school is None:
        return np.nan
    group_id = parse_basic_activity_id(activity_id)
    if group_id is not None:
        group = school.group_by_id.get(group_id)
        return float(group.basic_students) if group else np.nan
    activity = school.activity_by_id.get(activity_id)
    return float(school.enrolled(activity)) if activity else np.nan


def _row_number(value: object) -> int | None:
    """The sheet row of a log line (pandas turns the column to float once NaN joins it)."""
    return None if pd.isna(value) else int(value)


def _log_minutes(frame: pd.DataFrame) -> pd.Series:
    """Minutes from the log's own start / end where both are given."""
    out = pd.Series(np.nan, index=frame.index, dtype=float)
    has = frame["start"].map(lambda v: isinstance(v, str)) & frame["end"].map(
        lambda v: isinstance(v, str)
    )
    if has.any():
        out[has] = [
            float(minutes(e) - minutes(s))
            for s, e in zip(frame.loc[has, "start"], frame.loc[has, "end"], strict=True)
        ]
    return out


def apply_log(
    planned: pd.DataFrame,
    log: pd.DataFrame | None,
    schools: dict[str, School] | None,
    term: Term | None,
    problems: Problems,
) -> pd.DataFrame:
    """Occurrences actually delivered: planned ones corrected by the log (see module doc)."""
    schools = schools or {}
    if log is None or log.empty:
        out = planned.copy()
        out["status"] = "delivered"
        return out.sort_values(K).reset_index(drop=True)
    log = log.copy()
    for col in ("students_present", "enrolled", "start", "end", "replaces", "_row", "_sheet"):
        if col not in log:
            log[col] = np.nan if col not in ("_sheet",) else "delivery_log"
    if term is not None:
        inside = (log["date"] >= term.start) & (log["date"] <= term.end)
        for _, row in log[~inside].iterrows():
            problems.warning(
                "comp.log.outside_term",
                sheet=row["_sheet"],
                row=_row_number(row["_row"]),
                column="date",
                value=row["date"],
                term=term.term_id,
            )
        log = log[inside]
    sessions = planned.groupby(["school_id", "date", "slot_id", "activity_id"])
    firsts = sessions.agg(
        first=("teacher_id", "first"), size=("teacher_id", "size"), minutes=("minutes", "first")
    )
    only_teacher = firsts["first"].where(firsts["size"] == 1, None).to_dict()
    session_minutes = firsts["minutes"].to_dict()
    # Who was replaced by each substitution.
    subs = log[log["status"] == "substituted"].copy()
    session_key = list(
        zip(subs["school_id"], subs["date"], subs["slot_id"], subs["activity_id"], strict=True)
    )
    guess = [only_teacher.get(k) for k in session_key]
    subs["replaces"] = [
        r if isinstance(r, str) and r else g for r, g in zip(subs["replaces"], guess, strict=True)
    ]
    for _, row in subs[subs["replaces"].isna()].iterrows():
        if (row["school_id"], row["date"], row["slot_id"], row["activity_id"]) in only_teacher:
            problems.warning(
                "comp.log.replaces_unknown",
                sheet=row["_sheet"],
                row=_row_number(row["_row"]),
                column="replaces",
            )
    removed = pd.concat(
        [
            log.loc[log["status"] == "cancelled", K],
            subs.loc[subs["replaces"].notna(), [*K[:-1], "replaces"]].rename(
                columns={"replaces": "teacher_id"}
            ),
        ],
        ignore_index=True,
    ).drop_duplicates()
    kept = planned.merge(removed.assign(_gone=True), on=K, how="left")
    kept = kept[kept["_gone"].isna()].drop(columns="_gone")
    taught = log[log["status"].isin(["delivered", "substituted"])].drop_duplicates(K, keep="last")
    merged = kept.merge(
        taught[[*K, "students_present", "enrolled", "start", "end", "_row", "_sheet"]],
        on=K,
        how="outer",
        suffixes=("", "_log"),
        indicator=True,
    )
    merged["students_present"] = merged["students_present_log"]
    merged["enrolled"] = merged["enrolled_log"].fillna(merged["enrolled"])
    added = merged["_merge"] == "right_only"
    log_len = _log_minutes(merged)
    merged["minutes"] = log_len.where(log_len.notna(), merged["minutes"])
    if added.any():
        keys = list(
            zip(
                merged.loc[added, "school_id"],
                merged.loc[added, "date"],
                merged.loc[added, "slot_id"],
                merged.loc[added, "activity_id"],
                strict=True,
            )
        )
        from_session = pd.Series(
            [session_minutes.get(k, np.nan) for k in keys], index=merged.index[added], dtype=float
        )
        merged.loc[added, "minutes"] = merged.loc[added, "minutes"].fillna(from_session)
        sub = merged.loc[added]
        slot_len = [
            float(schools[sc].slot_by_id[sl].length)
            if sc in schools and sl in schools[sc].slot_by_id
            else np.nan
            for sc, sl in zip(sub["school_id"], sub["slot_id"], strict=True)
        ]
        merged.loc[added, "minutes"] = merged.loc[added, "minutes"].fillna(
            pd.Series(slot_len, index=sub.index, dtype=float)
        )
        merged.loc[added, "kind"] = [
            activity_kind(schools.get(sc), a)
            for sc, a in zip(sub["school_id"], sub["activity_id"], strict=True)
        ]
    missing = merged["minutes"].isna()
    for _, row in merged[missing].iterrows():
        problems.error(
            "comp.log.no_length",
            sheet=row["_sheet"],
            row=_row_number(row["_row"]),
            column="slot_id",
            value=row["slot_id"],
        )
    merged = merged[~missing]
    fill = merged["enrolled"].isna()
    if fill.any():
        merged.loc[fill, "enrolled"] = [
            enrolled_for(schools.get(s), a)
            for s, a in zip(
                merged.loc[fill, "school_id"], merged.loc[fill, "activity_id"], strict=True
            )
        ]
    merged["status"] = "delivered"
    return merged[OCC_COLUMNS].sort_values(K).reset_index(drop=True)


def teacher_load(occ: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per teacher: class hours of service (total, weekend), self-study sessions, hours by
    kind, sessions, dominant kind.

    `hours` counts basic and extended service only: a high-school self-study session is
    paid per session (`self_study_allowance_per_session_yuan`, the whole pay for it), not
    per class hour, so its time is kept apart in `self_study_hours` (docs/compensation.md).
    """
    o = occ.copy()
    o["class_hours"] = o["minutes"].astype(float) / policy.class_hour_minutes
    o["ss"] = (o["kind"] == "self_study").astype(int)
    o["hours"] = np.where(o["ss"] == 1, 0.0, o["class_hours"])
    o["weekend"] = pd.to_datetime(o["date"]).dt.day_of_week >= 5
    o["weekend_hours"] = np.where(o["weekend"], o["hours"], 0.0)
    for kind in ("basic", "extended", "self_study"):
        o[f"{kind}_hours"] = np.where(o["kind"] == kind, o["class_hours"], 0.0)
    g = o.groupby(["school_id", "teacher_id"])
    load = g.agg(
        hours=("hours", "sum"),
        weekend_hours=("weekend_hours", "sum"),
        self_study_sessions=("ss", "sum"),
        sessions=("hours", "size"),
        basic_hours=("basic_hours", "sum"),
        extended_hours=("extended_hours", "sum"),
        self_study_hours=("self_study_hours", "sum"),
    ).reset_index()
    by_kind = load[["basic_hours", "extended_hours", "self_study_hours"]].to_numpy()
    # Dominant kind; ties go to the first of basic, extended, self_study.
    load["kind"] = np.array(["basic", "extended", "self_study"])[np.argmax(by_kind, axis=1)]
    return load


def attendance_facts(occ: pd.DataFrame) -> pd.DataFrame:
    """Attendance rate per teacher and month from students present / enrolled (0-1)."""
    o = occ[(occ["students_present"].notna()) & (occ["enrolled"] > 0)].copy()
    if o.empty:
        return pd.DataFrame(columns=["school_id", "teacher_id", "measure", "value", "date"])
    o["month"] = pd.to_datetime(o["date"]).dt.to_period("M").dt.to_timestamp()
    g = o.groupby(["school_id", "teacher_id", "month"])
    facts = (g["students_present"].sum() / g["enrolled"].sum()).clip(0, 1).rename("value")
    facts = facts.reset_index().rename(columns={"month": "date"})
    facts["measure"] = "attendance"
    return facts[["school_id", "teacher_id", "measure", "value", "date"]]


def fee_income_fen(occ: pd.DataFrame, locations: dict[str, str | None], policy: Policy) -> int:
    """Fee income from delivery: students present (else enrolled) x clock hours x fee.

    One session's students pay once, however many teachers supervise it.
    """
    o = occ.drop_duplicates(["school_id", "date", "slot_id", "activity_id"])
    students = o["students_present"].fillna(o["enrolled"]).fillna(0.0)
    fee = o["school_id"].map(
        lambda s: policy.fee_per_student_hour_yuan.get(
            locations.get(s) or "urban", policy.fee_per_student_hour_yuan.get("urban", 0.0)
        )
    )
    return round(float((students * o["minutes"] / 60.0 * fee).sum()) * 100)
