"""How fair an allocation is: shares of students with their 1st choice, a top-3 choice,
nothing; by grade, class and priority group; seats left per club; the objective.

A student counts when they made at least one choice. "1st choice" means the club they
ranked first; "top 3" any of their first three; "nothing" no club at all. Shares are
fractions in [0, 1]. Column names are English keys; `labels(lang)` gives the words a
table shows (i18n/tables/choices.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from choices.allocate import Allocation
from choices.instance import TOP
from i18n import t

SHARES = ("first", "top3", "nothing")


@dataclass(frozen=True)
class Summary:
    method: str
    students: int
    first: float
    top3: float
    nothing: float
    clubs_per_student: float
    seats: int
    seats_left: int
    objective: int
    profile: tuple[int, ...]
    status: str
    seconds: float


def students_frame(allocation: Allocation) -> pd.DataFrame:
    """One row per student who chose: class, grade, priority, what they got."""
    got = allocation.clubs_of()
    rows = []
    for w in allocation.instance.wishes:
        mine = got.get(w.student_id, ())
        best = min((w.position(a) for a in mine), default=None)
        rows.append(
            {
                "student_id": w.student_id,
                "group_id": w.group_id,
                "grade": ";".join(map(str, w.grades)),
                "priority": w.priority,
                "choices": len(w.clubs),
                "clubs": ";".join(mine),
                "best": best,
                "first": best == 1,
                "top3": best is not None and best <= TOP,
                "nothing": not mine,
            }
        )
    columns = ["student_id", "group_id", "grade", "priority", "choices", "clubs", "best"]
    return pd.DataFrame(rows, columns=[*columns, *SHARES])


def _shares(frame: pd.DataFrame) -> dict[str, float]:
    if frame.empty:
        return dict.fromkeys(SHARES, 0.0)
    return {k: float(frame[k].mean()) for k in SHARES}


def summary(allocation: Allocation) -> Summary:
    frame = students_frame(allocation)
    seats = seats_frame(allocation)
    return Summary(
        method=allocation.method,
        students=len(frame),
        **_shares(frame),
        clubs_per_student=len(allocation.assignments) / len(frame) if len(frame) else 0.0,
        seats=int(seats["seats"].sum()),
        seats_left=int(seats["left"].sum()),
        objective=allocation.objective,
        profile=allocation.profile,
        status=allocation.status,
        seconds=allocation.seconds,
    )


def breakdown(allocation: Allocation, by: str) -> pd.DataFrame:
    """Students and shares per `grade`, `group_id` or `priority`."""
    if by not in ("grade", "group_id", "priority"):
        raise ValueError(f"by must be grade, group_id or priority, not {by!r}")
    frame = students_frame(allocation)
    out = frame.groupby(by, sort=True).agg(
        students=("student_id", "size"), **{k: (k, "mean") for k in SHARES}
    )
    return out.reset_index()


def seats_frame(allocation: Allocation) -> pd.DataFrame:
    """One row per chosen club: seats, first choices, all choices, granted, left."""
    inst = allocation.instance
    first: dict[str, int] = {}
    wanted: dict[str, int] = {}
    for w in inst.wishes:
        for position, aid in enumerate(w.clubs, 1):
            wanted[aid] = wanted.get(aid, 0) + 1
            if position == 1:
                first[aid] = first.get(aid, 0) + 1
    granted: dict[str, int] = {}
    for a in allocation.assignments:
        granted[a.activity_id] = granted.get(a.activity_id, 0) + 1
    rows = [
        {
            "activity_id": aid,
            "name": inst.school.activity_by_id[aid].name,
            "seats": inst.seats[aid],
            "first_choices": first.get(aid, 0),
            "choices": wanted.get(aid, 0),
            "granted": granted.get(aid, 0),
            "left": inst.seats[aid] - granted.get(aid, 0),
        }
        for aid in inst.clubs
    ]
    columns = ["activity_id", "name", "seats", "first_choices", "choices", "granted", "left"]
    return pd.DataFrame(rows, columns=columns)


def profile_frame(allocation: Allocation) -> pd.DataFrame:
    """The objective's levels in order, where any student counts: students whose j-th
    club (`round`) is their p-th choice (`position`), per priority group."""
    rows = [
        {"round": j, "priority": not late, "position": position, "students": got}
        for (j, late, position), got in zip(allocation.levels, allocation.profile, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["round", "priority", "position", "students"])
    return frame[frame["students"] > 0].reset_index(drop=True)


def compare(allocations: Sequence[Allocation]) -> pd.DataFrame:
    """Allocations of one school side by side, one row per method."""
    rows = []
    for a in allocations:
        s = summary(a)
        rows.append(
            {
                "method": s.method,
                "students": s.students,
                "first": s.first,
                "top3": s.top3,
                "nothing": s.nothing,
                "seats_left": s.seats_left,
                "seconds": s.seconds,
                "status": s.status,
            }
        )
    return pd.DataFrame(rows)


def labels(lang: str = "zh") -> dict[str, str]:
    """Column key -> the words a table shows, in `lang`."""
    keys = (
        "method",
        "students",
        "first",
        "top3",
        "nothing",
        "seats",
        "seats_left",
        "left",
        "granted",
        "first_choices",
        "choices",
    )
    return {k: t(f"choices.col.{k}", lang) for k in keys}


def method_label(method: str, lang: str = "zh") -> str:
    return t(f"choices.method.{method}", lang)
