"""A quick greedy week, given to CP-SAT as a hint so large schools get a schedule fast.

The greedy is what a principal does by hand: the hardest clubs first, each session on a new
day with the least-loaded qualified free teachers, then basic care with homeroom teachers
first. It ignores rooms and enrolments, so it may be wrong; CP-SAT repairs or discards it,
and the hint never changes which schedules are valid, only where the search starts.
"""

from __future__ import annotations

from collections import Counter

from ortools.sat.python import cp_model

from scheduler.model import Built


def greedy_hint(built: Built) -> dict[cp_model.IntVar, int]:
    inst = built.inst
    load: Counter = Counter()
    per_day: Counter = Counter()
    busy: set[tuple[str, str]] = set()
    limits = {t.teacher_id: (t.max_per_week, t.max_per_day) for t in inst.teachers}
    basic_at = {(b.group_id, b.slot_id) for b in inst.basic_sessions}
    hint: dict[cp_model.IntVar, int] = {}

    def free(tid: str, s: str) -> bool:
        week, day = limits[tid]
        return (tid, s) not in busy and load[tid] < week and per_day[tid, inst.day(s)] < day

    def take(tid: str, s: str) -> None:
        busy.add((tid, s))
        load[tid] += 1
        per_day[tid, inst.day(s)] += 1

    hardest_first = sorted(inst.activities, key=lambda a: (len(inst.qualified(a)), a.activity_id))
    for a in hardest_first:
        days: set[int] = set()
        for s in sorted(inst.allowed(a), key=lambda s: (sum(1 for t, _ in busy if _ == s), s)):
            if len(days) == a.sessions_per_week or inst.day(s) in days:
                continue
            if any((g, s) in basic_at for g in a.groups):
                continue
            cands = [t for t, _var in built.activity_teachers(a.activity_id, s) if free(t, s)]
            cands.sort(key=lambda t: (t != a.fixed_teacher, load[t], t))
            if len(cands) < a.staff or (a.fixed_teacher and cands[0] != a.fixed_teacher):
                continue
            for t in cands[: a.staff]:
                take(t, s)
                hint[built.v[t, a.activity_id, s]] = 1
            hint[built.x[a.activity_id, s]] = 1
            days.add(inst.day(s))
    homeroom = {t.teacher_id: t.homeroom for t in inst.teachers}
    for s in inst.slots:
        demand = inst.basic_demand(s)
        classes = {b.group_id for b in inst.basic_by_slot[s]}
        cands = [t for (t, ss) in built.z if ss == s and free(t, s)]
        cands.sort(key=lambda t: (homeroom.get(t) not in classes, load[t], t))
        for t in cands[:demand]:
            take(t, s)
            hint[built.z[t, s]] = 1
    for var in [*built.x.values(), *built.v.values(), *built.z.values()]:
        hint.setdefault(var, 0)
    return hint
