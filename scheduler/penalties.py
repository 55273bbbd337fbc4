"""Every soft-rule penalty of a finished schedule, named: which class, teacher, day.

The model (`scheduler.model.term_*`) prices each soft preference as one total; a principal
asks *where* the points come from ("二(3)班 周三第1节：班主任在别处"). This module recomputes
each term from the school and the schedule alone, one item per occurrence, in the term's
own unit (minutes for the two fairness terms, occurrences for the others). The items of a
term add up to the value the model reports for it (tested on solved schools), so the list
is the objective's justification, term by term.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from domain.schedule import Schedule
from domain.school import DAY_NAMES_EN, School
from i18n import t
from scheduler.instance import Instance
from scheduler.model import fair_shares, fairness_set
from scheduler.names import Bilingual, activity_label, localise, slot_name
from scheduler.weights import Weights
from workbook.spec import DAY_NAMES_ZH

TERMS = ("spread", "fair_share", "homeroom", "days", "external", "adjacent_days")


@dataclass(frozen=True)
class Penalty:
    term: str  # a soft term of scheduler.model, e.g. "homeroom"
    amount: int  # in the term's unit: minutes (spread, fair_share) or occurrences
    params: tuple[tuple[str, object], ...] = ()
    teacher_id: str | None = None  # whom it concerns, for filtering in the app
    group_id: str | None = None
    day: int | None = None

    def message(self, lang: str = "zh") -> str:
        params = {k: localise(v, lang) for k, v in self.params}
        return t(f"penalty.{self.term}", lang, amount=self.amount, **params)

    def weighted(self, weights: Weights) -> int:
        return self.amount * weights.as_dict()[self.term]


def penalties(school: School, schedule: Schedule) -> list[Penalty]:
    """Every penalty the schedule incurs, term by term (in TERMS order)."""
    inst = Instance(school)
    return [
        *_fairness(inst, schedule),
        *_homeroom(inst, schedule),
        *_days(inst, schedule),
        *_external(inst, schedule),
        *_adjacent_days(inst, schedule),
    ]


def totals(items: list[Penalty]) -> dict[str, int]:
    """Each term's value: the sum of its items (0 for a term with none)."""
    out = dict.fromkeys(TERMS, 0)
    for p in items:
        out[p.term] += p.amount
    return out


def _p(term: str, amount: int, **params: object) -> Penalty:
    who = {k: params.pop(k) for k in ("teacher_id", "group_id", "day") if k in params}
    return Penalty(term, amount, tuple(params.items()), **who)


def _name(school: School, teacher_id: str) -> str:
    teacher = school.teacher_by_id.get(teacher_id)
    return teacher.name if teacher else teacher_id


def _day(day: int) -> Bilingual:
    return Bilingual(DAY_NAMES_ZH[day - 1], DAY_NAMES_EN[day - 1])


def loads(inst: Instance, schedule: Schedule) -> dict[str, int]:
    """Minutes each opted-in teacher works in the week."""
    out = {tc.teacher_id: 0 for tc in inst.teachers}
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            out[tid] = out.get(tid, 0) + inst.length(p.slot_id)
    return out


def _fairness(inst: Instance, schedule: Schedule) -> list[Penalty]:
    """Spread: the most minus the least loaded teacher of the fairness set (one item).
    Fair share: each teacher's |load - fair share| in minutes (one item per teacher)."""
    teachers = fairness_set(inst)
    if not teachers:
        return []
    load = loads(inst, schedule)
    shares = fair_shares(inst, teachers)
    ordered = sorted(teachers, key=lambda tc: (load[tc.teacher_id], tc.teacher_id))
    low, high = ordered[0], ordered[-1]
    out = []
    spread = load[high.teacher_id] - load[low.teacher_id]
    if spread:
        out.append(
            _p(
                "spread",
                spread,
                most=high.name,
                most_load=load[high.teacher_id],
                least=low.name,
                least_load=load[low.teacher_id],
            )
        )
    for tc in teachers:
        tid = tc.teacher_id
        gap = load[tid] - shares[tid]
        if gap:
            key = "over" if gap > 0 else "under"
            out.append(
                Penalty(
                    "fair_share",
                    abs(gap),
                    (
                        ("teacher", tc.name),
                        ("load", load[tid]),
                        ("share", shares[tid]),
                        ("side", Bilingual(*_SIDE[key])),
                    ),
                    teacher_id=tid,
                )
            )
    return out


_SIDE = {"over": ("多于", "above"), "under": ("少于", "below")}


def _homeroom(inst: Instance, schedule: Schedule) -> list[Penalty]:
    """A class's basic session at which its available homeroom teacher is not on basic duty
    (the model's `term_homeroom`: who supervises which class at a slot is settled after
    the solve, and then puts each homeroom teacher on duty with their own class)."""
    on_duty: dict[str, set[str]] = defaultdict(set)
    for p in schedule.sessions:
        if p.kind == "basic":
            on_duty[p.slot_id].update(p.teacher_ids)
    out = []
    for bs in inst.basic_sessions:
        heads = [
            tc.teacher_id
            for tc in inst.teachers
            if tc.homeroom == bs.group_id and bs.slot_id in inst.work_slots[tc.teacher_id]
        ]
        if not heads:
            continue
        miss = min(bs.need, len(heads)) - len(set(heads) & on_duty[bs.slot_id])
        if miss > 0:
            names = "、".join(_name(inst.school, h) for h in heads)
            out.append(
                _p(
                    "homeroom",
                    miss,
                    group=bs.group_id,
                    slot=slot_name(inst.school, bs.slot_id),
                    heads=names,
                    group_id=bs.group_id,
                    day=inst.day(bs.slot_id),
                )
            )
    return out


def _days(inst: Instance, schedule: Schedule) -> list[Penalty]:
    """A day on which a teacher holds at least one session (one item per teacher-day)."""
    worked: dict[tuple[str, int], int] = defaultdict(int)
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            worked[tid, p.day] += 1
    return [
        _p(
            "days",
            1,
            teacher=_name(inst.school, tid),
            weekday=_day(day),
            sessions=n,
            teacher_id=tid,
            day=day,
        )
        for (tid, day), n in sorted(worked.items())
    ]


def _external(inst: Instance, schedule: Schedule) -> list[Penalty]:
    """A session led by an external instructor whom the activity does not name as its
    fixed teacher (one item per teacher-session)."""
    school = inst.school
    externals = {tc.teacher_id for tc in inst.teachers if tc.external}
    fixed = {(a.fixed_teacher, a.activity_id) for a in inst.activities if a.fixed_teacher}
    out = []
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            if tid in externals and (tid, p.activity_id) not in fixed:
                out.append(
                    _p(
                        "external",
                        1,
                        teacher=_name(school, tid),
                        activity=activity_label(school, p.activity_id),
                        slot=slot_name(school, p.slot_id),
                        teacher_id=tid,
                        day=p.day,
                    )
                )
    return out


def _adjacent_days(inst: Instance, schedule: Schedule) -> list[Penalty]:
    """Two sessions of one activity on consecutive days (one item per such pair of days)."""
    school = inst.school
    days: dict[str, set[int]] = defaultdict(set)
    for p in schedule.sessions:
        if p.kind != "basic":
            days[p.activity_id].add(p.day)
    out = []
    for a in inst.activities:
        held = days.get(a.activity_id, set())
        if a.sessions_per_week < 2:
            continue
        for d in sorted(held):
            if d + 1 in held:
                out.append(
                    _p(
                        "adjacent_days",
                        1,
                        activity=activity_label(school, a.activity_id),
                        first=_day(d),
                        second=_day(d + 1),
                        day=d,
                    )
                )
    return out
