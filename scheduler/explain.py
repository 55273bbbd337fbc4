"""Why no schedule exists, in words a principal understands (Chinese and English).

First fast counting checks (per slot, per skill, per room type, per teacher budget, per
class), each a necessary condition; when they all pass and the model is still infeasible,
the solver names a small set of rules that cannot hold together (assumption literals and
CP-SAT's sufficient assumptions for infeasibility, shrunk by deletion).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from domain.school import DAY_NAMES_EN, School, parse_basic_activity_id
from i18n import t
from scheduler.clock import Deadline
from scheduler.instance import Instance
from scheduler.model import Built, build
from scheduler.names import Bilingual, activity_label, localise, slot_name
from scheduler.rules import BY_TAG

__all__ = ["Bilingual", "Reason", "activity_label", "explain", "slot_name"]
from workbook.spec import DAY_NAMES_ZH


@dataclass(frozen=True)
class Reason:
    code: str  # i18n key "why.<code>"
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = "zh") -> str:
        params = {k: localise(v, lang) for k, v in self.params}
        return t(f"why.{self.code}", lang, **params)


def _r(code: str, **params: object) -> Reason:
    return Reason(code, tuple(params.items()))


def explain(
    school: School, time_limit: float = 20.0, deadline: Deadline | None = None
) -> list[Reason]:
    """Reasons why the school has no valid schedule ([] if none is found in time).
    Ends within `time_limit` seconds, or by `deadline` if that comes first."""
    reasons = counting_checks(school)
    if reasons:
        return reasons
    return conflicting_rules(school, time_limit, deadline)


# --- Counting checks: each is a necessary condition, cheap and easy to read ---------------


def counting_checks(school: School) -> list[Reason]:
    inst = Instance(school)
    out: list[Reason] = []
    for check in (
        _check_slots,
        _check_activities,
        _check_rooms,
        _check_budget,
        _check_classes,
        _check_locks,
    ):
        out.extend(check(inst))
    return out


def _free_at(inst: Instance, slot_id: str) -> list:
    return [t for t in inst.teachers if slot_id not in t.unavailable]


def _forced_slot(inst: Instance, a) -> str | None:
    """The one slot an activity can be at, if there is only one."""
    allowed = inst.allowed(a)
    locks = [lk for lk in inst.locks_for(a.activity_id) if (lk.session or 0) <= a.sessions_per_week]
    locked = {lk.slot_id for lk in locks if lk.slot_id}
    if len(locked) == 1 and a.sessions_per_week == 1:
        return next(iter(locked))
    return allowed[0] if len(allowed) == 1 else None


def _check_slots(inst: Instance) -> list[Reason]:
    """Per slot: teachers on basic duty plus forced clubs, against teachers free then."""
    out = []
    school = inst.school
    for s in inst.slots:
        free = _free_at(inst, s)
        forced = [a for a in inst.activities if _forced_slot(inst, a) == s]
        need = inst.basic_demand(s) + sum(a.staff for a in forced)
        if need > len(free):
            out.append(_r("slot_staff", slot=slot_name(school, s), need=need, have=len(free)))
        by_skill: dict[str, int] = {}
        for a in forced:
            if a.skill:
                by_skill[a.skill] = by_skill.get(a.skill, 0) + a.staff
        for skill, need_skill in sorted(by_skill.items()):
            # A fixed teacher needs no skill (rule 2): count who may take any of these clubs.
            users = [a for a in forced if a.skill == skill]
            have = sum(1 for t in free if any(school.qualified(t, a) for a in users))
            if need_skill > have:
                out.append(
                    _r(
                        "slot_skill",
                        slot=slot_name(school, s),
                        need=need_skill,
                        skill=skill,
                        have=have,
                    )
                )
    return out


def _check_activities(inst: Instance) -> list[Reason]:
    """Per activity: allowed days, qualified teachers, the fixed teacher."""
    out = []
    school = inst.school
    for a in inst.activities:
        allowed = inst.allowed(a)
        days = {inst.day(s) for s in allowed}
        if len(days) < a.sessions_per_week:
            out.append(_r("too_few_days", name=a.name, k=a.sessions_per_week, days=len(days)))
        qualified = inst.skilled(a)  # the skill rule; the fixed teacher has reasons below
        any_ = "" if a.skill else "_any"  # blank skill: any teacher will do, say so
        if len(qualified) < a.staff:
            out.append(
                _r("skill" + any_, name=a.name, staff=a.staff, skill=a.skill, have=len(qualified))
            )
        elif allowed:
            best = max(sum(1 for q in qualified if s not in q.unavailable) for s in allowed)
            if best < a.staff:
                out.append(
                    _r("skill_free" + any_, name=a.name, staff=a.staff, skill=a.skill, have=best)
                )
        if a.fixed_teacher:
            teacher = school.teacher_by_id.get(a.fixed_teacher)
            if teacher is None or not teacher.opt_in:
                who = teacher.name if teacher else a.fixed_teacher
                out.append(_r("fixed_opted_out", name=a.name, teacher=who))
            elif not [s for s in allowed if s not in teacher.unavailable]:
                out.append(_r("fixed_unavailable", name=a.name, teacher=teacher.name))
    for teacher in inst.teachers:
        fixed = [a for a in inst.activities if a.fixed_teacher == teacher.teacher_id]
        sessions = sum(a.sessions_per_week for a in fixed)
        if sessions > teacher.max_per_week:
            out.append(
                _r("fixed_over_week", teacher=teacher.name, n=sessions, limit=teacher.max_per_week)
            )
    return out


def _check_rooms(inst: Instance) -> list[Reason]:
    """Per room need: some room fits; home rooms seat their class; enough rooms per type."""
    out = []
    school = inst.school
    if not school.rooms:  # the sheet is optional, but every session takes place in a room
        sessions = inst.basic_sessions or any(a.sessions_per_week for a in inst.activities)
        return [_r("no_rooms")] if sessions else []
    for a in inst.activities:
        need = inst.room_need(a)
        if not inst.rooms_for(need):
            code = "no_room" if need.type else "no_room_any"
            out.append(_r(code, name=a.name, seats=need.seats, type=need.type))
    for bs in inst.basic_sessions:
        if bs.home_room is not None:
            room = school.room_by_id[bs.home_room]
            if room.capacity < bs.students and bs.index == 1:
                out.append(
                    _r(
                        "home_room_small",
                        group=bs.group_id,
                        room=room.name,
                        capacity=room.capacity,
                        students=bs.students,
                    )
                )
        elif not inst.rooms_for(inst.basic_room_need(bs)) and bs.index == 1:
            out.append(_r("no_classroom", group=bs.group_id, students=bs.students))
    types = sorted({a.room_type for a in inst.activities if a.room_type})
    for room_type in types:
        users = [a for a in inst.activities if a.room_type == room_type]
        rooms = [r for r in school.rooms if r.type == room_type]
        slots = {s for a in users for s in inst.allowed(a)}
        need = sum(a.sessions_per_week for a in users)
        if need > len(rooms) * len(slots):
            out.append(
                _r("room_type_busy", type=room_type, need=need, have=len(rooms) * len(slots))
            )
    return out


def _check_budget(inst: Instance) -> list[Reason]:
    """The week and each day: sessions needed against what the teachers can give."""
    out = []
    need = sum(b.need for b in inst.basic_sessions) + sum(
        a.staff * a.sessions_per_week for a in inst.activities
    )
    have = sum(inst.teacher_capacity(t) for t in inst.teachers)
    if need > have:
        out.append(_r("week_budget", need=need, have=have))
    for d in inst.days:
        day_need = sum(b.need for b in inst.basic_sessions if inst.day(b.slot_id) == d)
        day_have = sum(
            min(t.max_per_day, sum(1 for s in inst.available(t) if inst.day(s) == d))
            for t in inst.teachers
        )
        if day_need > day_have:
            day = Bilingual(DAY_NAMES_ZH[d - 1], DAY_NAMES_EN[d - 1])
            out.append(_r("day_budget", day=day, need=day_need, have=day_have))
    return out


def _check_classes(inst: Instance) -> list[Reason]:
    """Per class: whole-class activities must find slots outside its basic care, one a day."""
    out = []
    basic = {(b.group_id, b.slot_id) for b in inst.basic_sessions}
    for gid, aids in inst.class_activities.items():
        for aid in aids:
            a = inst.school.activity_by_id[aid]
            days = {inst.day(s) for s in inst.allowed(a) if (gid, s) not in basic}
            if len(days) < a.sessions_per_week:
                out.append(
                    _r("class_busy", group=gid, name=a.name, k=a.sessions_per_week, days=len(days))
                )
    return out


def _check_locks(inst: Instance) -> list[Reason]:
    """Each lock must name a slot the session may use and a teacher who can take it."""
    out = []
    school = inst.school
    applied = {id(lk) for locks in inst.basic_locks().values() for lk in locks}
    for n, lk in enumerate(school.locks, 1):
        gid = parse_basic_activity_id(lk.activity_id)
        a = school.activity_by_id.get(lk.activity_id)
        if (gid is not None and id(lk) not in applied) or (
            gid is None and (a is None or (lk.session or 0) > a.sessions_per_week)
        ):
            continue  # names no session (the model skips it too), so it fixes nothing
        allowed = (
            school.group_by_id[gid].basic_slots
            if gid in school.group_by_id
            else inst.allowed(a)
            if a
            else ()
        )
        sfx, where = _lock_where(lk, n)
        what = activity_label(school, lk.activity_id)
        if lk.slot_id and lk.slot_id not in allowed:
            slot = slot_name(school, lk.slot_id) if lk.slot_id in school.slot_by_id else lk.slot_id
            out.append(_r("lock_slot" + sfx, **where, activity=what, slot=slot))
        teacher = school.teacher_by_id.get(lk.teacher_id or "")
        if teacher is not None and not _can_take(school, teacher, a, lk.slot_id):
            out.append(_r("lock_teacher" + sfx, **where, activity=what, teacher=teacher.name))
    return out


def _lock_where(lk, n: int) -> tuple[str, dict[str, int]]:
    """How to name a lock: its row in the locks sheet when known (read from a workbook),
    else its position (a lock from the store)."""
    return ("_row", {"row": lk.row}) if lk.row is not None else ("", {"n": n})


def _can_take(school: School, teacher, activity, slot_id: str | None) -> bool:
    """Whether a locked teacher could take the session at all."""
    if not teacher.opt_in or (slot_id and slot_id in teacher.unavailable):
        return False
    return activity is None or school.qualified(teacher, activity)


# --- Conflicting rules found by the solver ----------------------------------------------


def conflicting_rules(
    school: School, time_limit: float = 20.0, deadline: Deadline | None = None
) -> list[Reason]:
    """A small set of rules that cannot hold together, from CP-SAT's assumptions."""
    mine = Deadline.after(time_limit)
    if deadline is None or deadline.at > mine.at:
        deadline = mine
    built = build(Instance(school), explain=True)
    labels = list(built.guards)
    core = _core(built, labels, deadline.left())
    if core is None:
        return []
    if len(core) <= 12:
        core = _shrink(built, core, deadline)
    return [_rule_reason(built, label) for label in sorted(core, key=repr)]


def _core(built: Built, labels: list, time_limit: float, enabled: list | None = None):
    """Labels in a sufficient infeasible subset, or None if the rules can all hold (or if
    that was not settled within `time_limit`)."""
    lits = [built.guards[lb] for lb in (enabled if enabled is not None else labels)]
    built.model.ClearAssumptions()
    built.model.AddAssumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = 1  # the core comes from the single SAT worker
    status = solver.Solve(built.model)
    if status != cp_model.INFEASIBLE:
        return None
    by_index = {built.guards[lb].Index(): lb for lb in labels}
    return [by_index[i] for i in solver.SufficientAssumptionsForInfeasibility()]


def _shrink(built: Built, core: list, deadline: Deadline) -> list:
    """Deletion filter: drop each rule that is not needed for the conflict. Stops at the
    deadline with what it has: still a set of rules that conflict, only perhaps not the
    smallest."""
    labels = list(built.guards)
    kept = list(core)
    for label in list(core):
        if deadline.passed():
            break
        trial = [lb for lb in kept if lb != label]
        if trial and _core(built, labels, deadline.left() / 2, trial) is not None:
            kept = trial
    return kept


def _rule_reason(built: Built, label: tuple) -> Reason:
    school = built.inst.school
    kind, key = label[0], label[1]
    code = BY_TAG[kind].reason  # scheduler/rules.py: every label kind has its entry
    names = {
        **{a.activity_id: a.name for a in school.activities},
        **{tc.teacher_id: tc.name for tc in school.teachers},
    }
    if kind in ("basic_staff", "rooms"):
        return _r(code, slot=slot_name(school, key), need=built.inst.basic_demand(key))
    if kind == "teacher_day":
        return _r(code, teacher=names[key], limit=school.teacher_by_id[key].max_per_day)
    if kind == "teacher_week":
        return _r(code, teacher=names[key], limit=school.teacher_by_id[key].max_per_week)
    if kind in ("held", "one_per_day", "staff", "fixed", "lock_room"):
        activity = school.activity_by_id.get(key)
        return _r(
            code,
            name=names.get(key, key),
            k=activity.sessions_per_week if activity else 0,
            staff=activity.staff if activity else 0,
        )
    if kind == "students":
        return _r(code, names="、".join(names.get(a, a) for a in key))
    if kind == "lock":
        lk = school.locks[key]
        sfx, where = _lock_where(lk, key + 1)
        return _r(code + sfx, **where, activity=activity_label(school, lk.activity_id))
    if kind == "room":
        room = school.room_by_id.get(key)
        return _r(code, room=room.name if room else key)
    # "class", "home_room": `key` is a group id (never pass `key=`: t() takes `key` itself)
    return _r(code, group=key)
