"""Weekly grids and tables of a schedule as pandas frames (pure: no Streamlit here)."""

from __future__ import annotations

import pandas as pd

from domain.schedule import Placed, Schedule
from domain.school import DAY_NAMES_EN, School, parse_basic_activity_id
from i18n import t
from scheduler.export import minutes_of, room_name, session_title, teacher_name, teacher_names
from workbook.spec import DAY_NAMES_ZH

VIEWS = ("class", "teacher", "room")


def day_label(day: int, lang: str) -> str:
    return (DAY_NAMES_EN if lang == "en" else DAY_NAMES_ZH)[day - 1]


def days(school: School) -> list[int]:
    """Monday to Friday, plus the weekend when the school has slots then."""
    return list(range(1, max([5, *(s.day for s in school.slots)]) + 1))


def period_label(start: str, end: str) -> str:
    return f"{start}–{end}"


def periods(school: School) -> list[str]:
    """Rows of a grid: each distinct time of the week's slots, in time order."""
    return [period_label(a, b) for a, b in sorted({(s.start, s.end) for s in school.slots})]


def entities(school: School, view: str) -> dict[str, str]:
    """id -> label of every class, teacher or room, in the school's order."""
    if view == "class":
        return {g.group_id: g.group_id for g in school.groups}
    if view == "teacher":
        return {x.teacher_id: f"{x.teacher_id} {x.name}" for x in school.teachers}
    return {r.room_id: f"{r.room_id} {r.name}" for r in school.rooms}


def sessions_of(school: School, schedule: Schedule, view: str, key: str) -> list[Placed]:
    """A class's basic care and whole-class activities; a teacher's or a room's sessions."""
    if view == "teacher":
        return [p for p in schedule.sessions if key in p.teacher_ids]
    if view == "room":
        return [p for p in schedule.sessions if p.room_id == key]
    out = []
    for p in schedule.sessions:
        activity = school.activity_by_id.get(p.activity_id)
        if parse_basic_activity_id(p.activity_id) == key or (activity and key in activity.groups):
            out.append(p)
    return out


def cell_text(school: School, p: Placed, view: str, lang: str) -> str:
    title = session_title(school, p, lang)
    if view == "teacher":
        return f"{title} @ {room_name(school, p.room_id)}"
    if view == "room":
        return f"{title} · {teacher_names(school, p)}"
    return f"{title} @ {room_name(school, p.room_id)} · {teacher_names(school, p)}"


def grid(school: School, sessions: list[Placed], view: str, lang: str) -> pd.DataFrame:
    """Rows = periods, columns = 周一..周五 (pivot of the sessions; blank = free)."""
    cols = [day_label(d, lang) for d in days(school)]
    records = [
        {
            "period": period_label(p.start, p.end),
            "day": day_label(p.day, lang),
            "text": cell_text(school, p, view, lang),
        }
        for p in sessions
    ]
    frame = pd.DataFrame(records, columns=["period", "day", "text"])
    table = frame.pivot_table(
        index="period", columns="day", values="text", aggfunc=" | ".join
    ).reindex(index=periods(school), columns=cols)
    table.index.name = t("ui.sched.period", lang)
    table.columns.name = None
    return table.astype(object).fillna("")  # an empty grid is all-NaN float: make it text


def sessions_frame(school: School, schedule: Schedule, lang: str) -> pd.DataFrame:
    """Every session, one row each, in time order (also the table to pick pins from)."""
    rows = []
    for p in sorted(schedule.sessions, key=lambda p: (p.day, p.start, p.activity_id, p.index)):
        rows.append(
            {
                "session_id": p.session_id,
                t("ui.sched.col.activity", lang): session_title(school, p, lang),
                t("ui.sched.col.day", lang): day_label(p.day, lang),
                t("ui.sched.col.time", lang): period_label(p.start, p.end),
                t("ui.sched.col.room", lang): room_name(school, p.room_id),
                t("ui.sched.col.teachers", lang): teacher_names(school, p),
            }
        )
    return pd.DataFrame(rows)


def load_frame(school: School, schedule: Schedule, lang: str) -> pd.DataFrame:
    """Minutes per teacher per day: opted-in teachers plus anyone scheduled."""
    ids = [x.teacher_id for x in school.teachers if x.opt_in]
    ids += sorted({tid for p in schedule.sessions for tid in p.teacher_ids} - set(ids))
    table = pd.DataFrame(0, index=ids, columns=days(school), dtype=int)
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            table.loc[tid, p.day] += minutes_of(p)
    table.index = [f"{tid} {teacher_name(school, tid)}" for tid in ids]
    table.columns = [day_label(d, lang) for d in table.columns]
    return table


def expected_sessions(school: School) -> int:
    """How many sessions a complete week holds (basic care plus every club session)."""
    basic = sum(len(g.basic_slots) for g in school.groups if school.basic_need(g) > 0)
    return basic + sum(a.sessions_per_week for a in school.activities)
