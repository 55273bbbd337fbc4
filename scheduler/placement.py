"""Where the clubs go, exactly: a small CP-SAT model of the placement alone.

The warm start's greedy placement (`warmstart.place_clubs`) takes the most constrained club
first and never goes back; on dense weeks (a timetable where every class has a lesson in
almost every period, clubs in scarce special rooms, students in several clubs) it gets stuck
with sessions left over, and the full model, with its teacher variables, is slow to find
any week from there (the shape benchmark: 30-50 s, or none). This model has one variable
per club and allowed slot and no teachers; staffing enters as counting conditions a
placement must meet for a staffing to exist (teachers free at a slot, per day, per
qualified set), rooms as Hall's condition on each club's room set. It is solved from the
greedy placement as a hint; the week's teachers are then chosen by the min-cost flow.
A placement it returns meets every placement rule; the counting conditions are necessary,
not sufficient, so the staffing may still fall short, and then the search repairs the hint.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.clock import Deadline
from scheduler.model import Built
from scheduler.rooms import hall_sets, match_rooms

Held = dict[str, list[str]]  # activity -> its slots in time order
NARROW = 20  # qualified sets up to this size are indexed by member when counting
PLACEMENT_SECONDS = 10.0  # at most; the deadline may leave less
# Two workers, stopping at the first placement: `fixed` (CP-SAT's fixed search, which
# follows the greedy placement given as a hint and backtracks from there) and `no_lp`. On the
# shape benchmark's timetables (every class a lesson in almost every period) `fixed` places
# XL in 2.5 s and XXL in 7 s, where `no_lp` alone took 11 s and found none in 25 s, and the
# default worker, `quick_restart` and `quick_restart_no_lp` found none in 20 s; on the other
# families both take under 1.5 s, `no_lp` sometimes ahead. Optimising the placement's
# objective past the first one (3 s more) gave the same week on a high school, so the
# first placement is taken: the full model optimises the week afterwards.
SUBSOLVERS = ["fixed", "no_lp"]


def place_exactly(
    built: Built,
    greedy: Held,
    deadline: Deadline | None = None,
    optimise: float = 0.0,
) -> Held | None:
    """A placement of every club session that obeys the placement rules and the counting
    conditions of staffing and rooms, close to `greedy`; None if none is found in time.

    The first placement found is returned, unless `optimise` seconds are given: then the
    search goes on that long for fewer sessions of one club on consecutive days."""
    inst = built.inst
    rules = placement_rules(built)
    m, y = rules.model, rules.y
    adjacent = adjacent_pairs(rules, inst)
    kept = [y[aid, s] for aid, slots in greedy.items() for s in slots if (aid, s) in y]
    m.Minimize(built.weights.adjacent_days * sum(adjacent) - sum(kept))
    for var in kept:
        m.AddHint(var, 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = len(SUBSOLVERS)
    solver.parameters.cp_model_probing_level = 0
    limit = optimise or PLACEMENT_SECONDS
    limit = limit if deadline is None else min(limit, deadline.left())
    solver.parameters.max_time_in_seconds = max(0.05, limit)
    solver.parameters.stop_after_first_solution = not optimise
    solver.parameters.subsolvers.extend(SUBSOLVERS)
    if solver.Solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {
        aid: [s for s in inst.slots if (aid, s) in y and solver.Value(y[aid, s])]
        for aid in (a.activity_id for a in inst.activities)
    }


@dataclass(frozen=True)
class PlacementRules:
    """A CP-SAT model with y[activity, slot] ("held there") and every placement rule and
    counting condition on it, no objective: the model of `place_exactly`, and of the choices'
    joint placement (`choices.joint.place`), which adds its own objective."""

    model: cp_model.CpModel
    y: dict[tuple[str, str], cp_model.IntVar]
    by_activity: dict[str, list[str]]
    by_slot: dict[str, list[str]]


def placement_rules(built: Built) -> PlacementRules:
    """y where an activity may be held (its named teachers there, enough qualified teachers
    free, no basic care of its classes), one session a day, the activity's sessions, locks,
    no two activities of a class or a student together, and the staffing and room
    conditions."""
    inst = built.inst
    m = cp_model.CpModel()
    basic_at = {(b.group_id, b.slot_id) for b in inst.basic_sessions}
    y: dict[tuple[str, str], cp_model.IntVar] = {}
    for a in inst.activities:
        qualified = inst.qualified(a)
        named = [inst.school.teacher_by_id.get(t) for t in inst.named_teachers(a)]
        for s in inst.allowed(a):
            if any(t is None or not t.opt_in or s in t.unavailable for t in named):
                continue  # a teacher who must lead every session is not there
            free = sum(1 for t in qualified if s not in t.unavailable)
            if free >= a.staff and not any((g, s) in basic_at for g in a.groups):
                y[a.activity_id, s] = m.NewBoolVar(f"y[{a.activity_id},{s}]")
    by_activity: dict[str, list[str]] = defaultdict(list)
    by_slot: dict[str, list[str]] = defaultdict(list)
    for aid, s in y:
        by_activity[aid].append(s)
        by_slot[s].append(aid)
    for a in inst.activities:
        aid, slots = a.activity_id, by_activity[a.activity_id]
        m.Add(sum(y[aid, s] for s in slots) == a.sessions_per_week)
        for d in inst.days:
            m.AddAtMostOne(y[aid, s] for s in slots if inst.day(s) == d)
        _locks(m, y, inst, a, slots)
    for acts in [*inst.student_activity_sets, *map(set, inst.class_activities.values())]:
        for s in inst.slots:
            here = [y[aid, s] for aid in sorted(acts) if (aid, s) in y]  # sorted: reproducible
            if len(here) > 1:
                m.AddAtMostOne(here)
    _staffing(m, y, built, by_slot)
    _rooms(m, y, built, by_slot, by_activity)
    return PlacementRules(m, y, by_activity, by_slot)


def adjacent_pairs(rules: PlacementRules, inst) -> list[cp_model.IntVar]:
    """One literal per club and pair of consecutive days it is held on both (the
    scheduler's soft term of consecutive days)."""
    m, y, out = rules.model, rules.y, []
    for a in inst.activities:
        if a.sessions_per_week < 2:
            continue
        mine = rules.by_activity[a.activity_id]
        for d in inst.days:
            today = [y[a.activity_id, s] for s in mine if inst.day(s) == d]
            tomorrow = [y[a.activity_id, s] for s in mine if inst.day(s) == d + 1]
            if today and tomorrow:
                pair = m.NewBoolVar("")
                m.Add(pair >= sum(today) + sum(tomorrow) - 1)
                out.append(pair)
    return out


def _locks(m, y, inst, a, slots: list[str]) -> None:
    """Slot locks: the whole activity at a slot, or its k-th session (k-1 sessions before)."""
    aid = a.activity_id
    order = {s: i for i, s in enumerate(inst.slots)}
    for lk in inst.locks_for(aid):
        if lk.slot_id is None or (lk.session is not None and lk.session > a.sessions_per_week):
            continue
        if (aid, lk.slot_id) not in y:
            m.AddBoolOr([])  # the lock cannot hold: no placement
            return
        m.Add(y[aid, lk.slot_id] == 1)
        if lk.session is not None:
            before = [y[aid, s] for s in slots if order[s] < order[lk.slot_id]]
            m.Add(sum(before) == lk.session - 1)


def kth_session(m, y, aid: str, slots: list[str], k: int, order: dict[str, int]) -> dict:
    """Literals "the k-th session of `aid` (time order) is at slot s", exactly one true:
    the placement's twin of `scheduler.model.kth_session`."""
    out = {}
    for s in slots:
        ind = m.NewBoolVar("")
        m.AddImplication(ind, y[aid, s])
        m.Add(sum(y[aid, p] for p in slots if order[p] < order[s]) == k - 1).OnlyEnforceIf(ind)
        out[s] = ind
    m.AddExactlyOne(out.values())
    return out


def _named_sessions(m, y, inst, by_activity) -> dict[str, list[tuple[str, object]]]:
    """teacher -> (slot, literal "this teacher's demanded session is at this slot") for every
    session a fixed teacher or a lock demands: every session of the activity, or the k-th
    (k-1 sessions before it)."""
    out: dict[str, list[tuple[str, object]]] = defaultdict(list)
    order = {s: i for i, s in enumerate(inst.slots)}
    for a in inst.activities:
        aid, slots = a.activity_id, by_activity[a.activity_id]
        whole = inst.named_teachers(a)
        for t in whole:
            out[t] += [(s, y[aid, s]) for s in slots]
        for lk in inst.locks_for(aid):
            if not lk.teacher_id or lk.session is None or lk.session > a.sessions_per_week:
                continue
            if lk.teacher_id in whole:
                continue  # leads every session anyway
            teacher = inst.school.teacher_by_id.get(lk.teacher_id)
            for s, ind in kth_session(m, y, aid, slots, lk.session, order).items():
                if teacher is None or not teacher.opt_in or s in teacher.unavailable:
                    m.Add(ind == 0)
                out[lk.teacher_id].append((s, ind))
    # One demand per teacher and basic session, however many lock rows name it (two rows
    # may fix the same session's slot and room, each with its teacher cell filled).
    basic = {
        (lk.teacher_id, gid, s)
        for (gid, s), locks in inst.basic_locks().items()
        for lk in locks
        if lk.teacher_id
    }
    for tid, _gid, s in sorted(basic):
        out[tid].append((s, m.NewConstant(1)))
    return out


def _staffing(m, y, built: Built, by_slot) -> None:
    """Necessary conditions for a staffing: at each slot the sessions' teachers are free,
    also for every qualified set (the clubs only its members can lead); a fixed teacher's
    clubs fit their limits; each day's sessions fit the teachers' daily limits."""
    inst = built.inst
    staff = {a.activity_id: a.staff for a in inst.activities}
    qualified = {
        a.activity_id: frozenset(t.teacher_id for t in inst.qualified(a)) for a in inst.activities
    }
    free_at = {
        s: {t.teacher_id for t in inst.teachers if s not in t.unavailable} for s in inst.slots
    }
    for s in inst.slots:
        here = by_slot.get(s, [])
        if not here:
            continue
        demand = inst.basic_demand(s)
        m.Add(demand + _weighted(y, s, here, staff) <= len(free_at[s]))
        narrow: dict[str, list[str]] = defaultdict(list)  # teacher -> clubs of small sets
        for aid in here:
            if len(qualified[aid]) <= NARROW:
                for tid in qualified[aid]:
                    narrow[tid].append(aid)
        # Hall's condition on the qualified sets and their unions (`rooms.hall_sets`: the
        # same closure as for rooms): clubs only the teachers of U can lead need no more
        # teachers than U has free at the slot.
        for q in hall_sets({qualified[aid] for aid in here}):
            if len(q) <= NARROW:  # a club inside q shares a teacher with it
                near = {aid for tid in q for aid in narrow[tid]}
                inside = [aid for aid in here if aid in near and qualified[aid] <= q]
            else:
                inside = [aid for aid in here if qualified[aid] <= q]
            if sum(staff[aid] for aid in inside) > len(q & free_at[s]):
                m.Add(_weighted(y, s, inside, staff) <= len(q & free_at[s]))
    for d in inst.days:
        day_slots = [s for s in inst.slots if inst.day(s) == d]
        supply = sum(
            min(t.max_per_day, sum(1 for s in day_slots if s not in t.unavailable))
            for t in inst.teachers
        )
        demand = sum(inst.basic_demand(s) for s in day_slots)
        load = [staff[aid] * y[aid, s] for s in day_slots for aid in by_slot.get(s, [])]
        if load:
            m.Add(demand + sum(load) <= supply)
    _daily_by_skill(m, y, inst, qualified, staff)
    teacher = {t.teacher_id: t for t in inst.teachers}
    by_activity: dict[str, list[str]] = defaultdict(list)
    for aid, s in y:
        by_activity[aid].append(s)
    for tid, demanded in _named_sessions(m, y, inst, by_activity).items():
        t = teacher.get(tid)
        if t is None:
            continue
        at: dict[str, dict[int, object]] = defaultdict(dict)  # slot -> distinct literals
        on: dict[int, list] = defaultdict(list)  # day -> literals
        for slot, lit in demanded:
            at[slot][id(lit)] = lit
            on[inst.day(slot)].append(lit)
        for here in at.values():
            if len(here) > 1:
                m.AddAtMostOne(here.values())
        for today in on.values():
            if len(today) > t.max_per_day:
                m.Add(cp_model.LinearExpr.Sum(today) <= t.max_per_day)
        if len(demanded) > t.max_per_week:
            m.Add(cp_model.LinearExpr.Sum([lit for _s, lit in demanded]) <= t.max_per_week)


def _weighted(y, s: str, aids: list[str], staff: dict[str, int]) -> cp_model.LinearExprT:
    """Teachers the clubs `aids` need at slot s."""
    return cp_model.LinearExpr.WeightedSum([y[aid, s] for aid in aids], [staff[a] for a in aids])


def _daily_by_skill(m, y, inst, qualified: dict, staff: dict[str, int]) -> None:
    """Each day, the clubs only the teachers of a qualified set can lead fit those
    teachers' daily limits (a skill only one external instructor has, who comes once a
    day: two of its sessions on one day cannot both be staffed)."""
    everyone = frozenset(t.teacher_id for t in inst.teachers)
    teacher = {t.teacher_id: t for t in inst.teachers}
    member_of: dict[str, list[str]] = defaultdict(list)  # teacher -> clubs with a small set
    for aid, q in qualified.items():
        if q != everyone:
            for tid in q:
                member_of[tid].append(aid)
    days = {d: [s for s in inst.slots if inst.day(s) == d] for d in inst.days}
    for q in {q for q in qualified.values() if q and q != everyone}:
        inside = sorted({aid for tid in q for aid in member_of[tid] if qualified[aid] <= q})
        for day_slots in days.values():
            supply = sum(
                min(
                    teacher[t].max_per_day,
                    sum(1 for s in day_slots if s not in teacher[t].unavailable),
                )
                for t in q
            )
            here = [(aid, s) for aid in inside for s in day_slots if (aid, s) in y]
            most = sum(staff[aid] for aid in {aid for aid, _s in here})  # one session a day
            if most > supply:
                m.Add(sum(staff[aid] * y[aid, s] for aid, s in here) <= supply)


def _rooms(m, y, built: Built, by_slot, by_activity) -> None:
    """Hall's condition on each club's set of suitable rooms, at each slot, after the
    rooms basic care holds there (home rooms, locked rooms); a session locked to a room
    (`per_session_rooms`) holds that room instead of one from its set."""
    inst = built.inst
    sets = {a.activity_id: frozenset(club_rooms(built, a)) for a in inst.activities}
    order = {s: i for i, s in enumerate(inst.slots)}
    fixed: dict[str, list[tuple[str, object]]] = defaultdict(list)  # slot -> (room, literal)
    locked_at: dict[tuple[str, str], list] = defaultdict(list)  # (club, slot) -> literals
    for a in inst.activities:
        aid, slots = a.activity_id, by_activity[a.activity_id]
        for k, room in per_session_rooms(built, a).items():
            for s, ind in kth_session(m, y, aid, slots, k, order).items():
                fixed[s].append((room, ind))
                locked_at[aid, s].append(ind)
    for s in inst.slots:
        here = by_slot.get(s, [])
        if not here:
            continue
        taken = basic_rooms(built, s)
        for room in {r for r, _lit in fixed[s]}:
            claims = [lit for r, lit in fixed[s] if r == room]
            m.Add(sum(claims) <= (0 if room in taken else 1))
        pooled = {aid: y[aid, s] - sum(locked_at[aid, s]) for aid in here}
        # Basic care of a class without a home room takes any classroom large enough.
        basic = [frozenset(inst.rooms_for(inst.basic_room_need(bs))) for bs in free_basic(built, s)]
        for rooms in hall_sets({sets[aid] for aid in here} | set(basic)):
            inside = [pooled[aid] for aid in here if sets[aid] <= rooms]
            inside += [lit for r, lit in fixed[s] if r in rooms]
            need = sum(1 for b in basic if b <= rooms)
            if len(inside) + need > len(rooms - taken):  # else it cannot be broken
                m.Add(sum(inside) + need <= len(rooms - taken))


def per_session_rooms(built: Built, a) -> dict[int, str]:
    """Session index -> room, for the activity's room locks on one session (none when a
    room is locked for every session: that is its only room already)."""
    locks = [lk for lk in built.inst.locks_for(a.activity_id) if lk.room_id is not None]
    if any(lk.session is None for lk in locks):
        return {}
    return {lk.session: lk.room_id for lk in locks if lk.session <= a.sessions_per_week}


def club_rooms(built: Built, a) -> list[str]:
    whole = [
        lk.room_id
        for lk in built.inst.locks_for(a.activity_id)
        if lk.room_id and lk.session is None
    ]
    return whole[:1] if whole else built.inst.rooms_for(built.inst.room_need(a))


def basic_rooms(built: Built, s: str) -> set[str]:
    """Rooms basic care holds at slot s for sure: home rooms and locked rooms."""
    inst = built.inst
    out = set()
    locks = inst.basic_locks()
    for bs in inst.basic_by_slot[s]:
        room = bs.home_room or next(
            (lk.room_id for lk in locks.get((bs.group_id, s), []) if lk.room_id), None
        )
        if room:
            out.add(room)
    return out


def free_basic(built: Built, s: str) -> list:
    """Basic sessions at slot s without a fixed room (no home room, no room lock)."""
    locks = built.inst.basic_locks()
    return [
        bs
        for bs in built.inst.basic_by_slot[s]
        if not bs.home_room and not any(lk.room_id for lk in locks.get((bs.group_id, s), []))
    ]


def rooms_of(built: Built, held: Held) -> dict[tuple[str, str], str] | None:
    """A room for every placed club session and every basic session without a fixed room
    (keyed "basic:<group>"), by matching; None if some slot's sessions cannot all get one."""
    inst = built.inst
    out: dict[tuple[str, str], str] = {}
    for s in inst.slots:
        here = [aid for aid, slots in held.items() if s in slots]
        if not here:
            continue
        taken = basic_rooms(built, s)
        requests = []
        for aid in here:
            activity = inst.school.activity_by_id[aid]
            room = per_session_rooms(built, activity).get(held[aid].index(s) + 1)
            if room is not None:  # locked: its room, taken before the others choose
                out[aid, s] = room
                taken.add(room)
            else:
                requests.append((aid, club_rooms(built, activity)))
        requests += [
            (f"basic:{bs.group_id}", inst.rooms_for(inst.basic_room_need(bs)))
            for bs in free_basic(built, s)
        ]
        match = match_rooms(requests, taken)
        if match is None:
            return None
        out.update({(aid, s): r for aid, r in match.items()})  # basic care too: "basic:<g>"
    return out
