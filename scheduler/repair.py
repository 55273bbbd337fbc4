"""Repair a stored schedule after a change, keeping as much of it as possible.

The model is the usual one plus a heavy penalty (weight `change`) for every assignment of
the previous schedule that is not kept, so the solver moves only what the change forces;
the result lists each change in plain words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from domain.schedule import Placed, Schedule
from domain.school import Activity, School, parse_basic_activity_id
from i18n import t
from scheduler.instance import Instance
from scheduler.model import add_objective, build
from scheduler.solve import Result, SolveOptions, extract, search
from scheduler.warmstart import Start


@dataclass(frozen=True)
class Change:
    kind: str  # moved, teachers, room, added, removed
    activity_id: str
    before: str
    after: str
    name: str = ""  # what people call the activity, e.g. "美术社团" or "基础托管 三(1)班"

    def message(self, lang: str = "zh") -> str:
        gid = parse_basic_activity_id(self.activity_id)
        label = t("repair.basic_name", lang, group=gid) if gid else self.name or self.activity_id
        return t(
            f"repair.{self.kind}",
            lang,
            activity=label,
            before=self.before,
            after=self.after,
        )


@dataclass
class RepairResult:
    result: Result
    changes: list[Change]


# --- The changes a principal makes -------------------------------------------------------


def mark_unavailable(school: School, teacher_id: str, day: int) -> School:
    """The teacher cannot come on `day` (e.g. a training course every Thursday)."""
    day_slots = {s.slot_id for s in school.slots if s.day == day}
    teachers = tuple(
        replace(tc, unavailable=tuple(dict.fromkeys([*tc.unavailable, *sorted(day_slots)])))
        if tc.teacher_id == teacher_id
        else tc
        for tc in school.teachers
    )
    return replace(school, teachers=teachers)


def close_room(school: School, room_id: str) -> School:
    """The room cannot be used this week; its class has basic care in another classroom."""
    return replace(school, rooms=tuple(r for r in school.rooms if r.room_id != room_id))


def add_activity(school: School, activity: Activity) -> School:
    return replace(school, activities=(*school.activities, activity))


# --- Repair ------------------------------------------------------------------------------


def repair(school: School, previous: Schedule, options: SolveOptions | None = None) -> RepairResult:
    """Solve the changed school, keeping the previous schedule wherever possible."""
    options = options or SolveOptions()
    deadline = options.deadline_from_now()
    started = time.perf_counter()  # the model counts against the time limit
    inst = Instance(school)
    for explicit in (False, True):
        built = build(inst, options.weights, explicit_rooms=explicit)
        keep, hint = [], {}
        for p in previous.sessions:
            keep += _keep_literals(built, p, hint)
        if keep:
            add_objective(built, [(options.weights.change, len(keep) - sum(keep))])
        # The previous week breaks the changed school somewhere, so it is a hint, not an
        # answer: without a valid week the feasibility search runs first, guided by it.
        report, answer = search(built, options, Start(hint), deadline, started)
        if answer is None:
            return RepairResult(Result(None, report, built), [])
        schedule = extract(built, answer, _by_key(previous))
        if schedule is not None:
            changes = [_named(school, c) for c in diff(previous, schedule)]
            return RepairResult(Result(schedule, report, built), changes)
    raise AssertionError("explicit room model cannot fail to match rooms")


def _keep_literals(built, p: Placed, hint: dict) -> list:
    """Variables that are 1 when the previous session's slot and teachers are kept."""
    out = []
    if p.kind == "basic":
        for tid in p.teacher_ids:
            var = built.z.get((tid, p.slot_id))
            if var is not None:
                out.append(var)
                hint[var] = 1
        return out
    x = built.x.get((p.activity_id, p.slot_id))
    if x is None:
        return out
    out.append(x)
    hint[x] = 1
    for tid in p.teacher_ids:
        var = built.duty_var(tid, p.activity_id, p.slot_id)
        if var is not None:
            out.append(var)
            hint[var] = 1
    return out


def _named(school: School, change: Change) -> Change:
    activity = school.activity_by_id.get(change.activity_id)
    return replace(change, name=activity.name if activity else change.activity_id)


def _by_key(previous: Schedule) -> dict[tuple[str, str], Placed]:
    return {(p.activity_id, p.slot_id): p for p in previous.sessions}


def diff(before: Schedule, after: Schedule) -> list[Change]:
    """What moved, who changed, which rooms changed, what was added or removed."""
    old = {(p.activity_id, p.slot_id): p for p in before.sessions}
    new = {(p.activity_id, p.slot_id): p for p in after.sessions}
    changes = []
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        if set(a.teacher_ids) != set(b.teacher_ids):
            changes.append(
                Change("teachers", key[0], "、".join(a.teacher_ids), "、".join(b.teacher_ids))
            )
        if a.room_id != b.room_id:
            changes.append(Change("room", key[0], a.room_id, b.room_id))
    gone = sorted(old.keys() - new.keys())
    came = sorted(new.keys() - old.keys())
    for activity_id in sorted({k[0] for k in gone} | {k[0] for k in came}):
        olds = [k[1] for k in gone if k[0] == activity_id]
        news = [k[1] for k in came if k[0] == activity_id]
        for s_old, s_new in zip(olds, news, strict=False):
            changes.append(Change("moved", activity_id, s_old, s_new))
        for s_old in olds[len(news) :]:
            changes.append(Change("removed", activity_id, s_old, ""))
        for s_new in news[len(olds) :]:
            changes.append(Change("added", activity_id, "", s_new))
    return changes
