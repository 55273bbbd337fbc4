"""The CP-SAT model of a school's week.

Decisions: which teachers supervise basic service at each slot (`z[t, s]`: teacher t is on
basic duty at slot s; who takes which class at that slot is decided afterwards, since basic
care needs no skill and every class at one slot has the same length), at which slots each
activity is held (`x[a, s]`), and who teaches it (`v[t, a, s]`). Rooms are checked by
counting free rooms per type and size at each slot (Hall's condition on nested room sets)
and matched afterwards; if a match ever fails, the model is rebuilt with explicit room
variables (`explicit_rooms=True`), which is exact.

Each hard rule is one function below with a one-line statement of the rule. In `explain`
mode every rule instance is guarded by an assumption literal, so the solver can name a small
set of rules that conflict. Soft rules return penalty terms; the objective is their weighted
sum and is reported term by term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations, pairwise, product

from ortools.sat.python import cp_model

from domain.school import Activity, Teacher
from scheduler.instance import Instance, RoomNeed
from scheduler.rooms import hall_sets
from scheduler.weights import Weights

Label = tuple  # e.g. ("teacher_week", "T01"): which rule instance a constraint belongs to


@dataclass(eq=False)  # identity: its fields hold solver expressions, not comparable values
class RoomUse:
    """A session's claim on a room at one slot: a fixed room, or a need met from the pool."""

    slot_id: str
    active: cp_model.LinearExprT  # 1 when the session is at this slot
    room_id: str | None = None  # fixed room
    need: RoomNeed | None = None  # pool need
    key: tuple = ()  # ("basic", gid) or ("activity", aid)


@dataclass
class Built:
    model: cp_model.CpModel
    inst: Instance
    weights: Weights
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    v: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)
    z: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    room_uses: list[RoomUse] = field(default_factory=list)
    room_vars: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    kth: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    guards: dict[Label, cp_model.IntVar] = field(default_factory=dict)
    explain: bool = False
    explicit_rooms: bool = False
    partial: bool = False  # scenarios: sessions may stay unstaffed, at a heavy penalty
    short: dict[str, cp_model.IntVar] = field(default_factory=dict)  # basic, per slot
    missing: dict[str, cp_model.IntVar] = field(default_factory=dict)  # sessions per activity
    # Activities staffed from the duty pool `z` like basic care (`pooled_activities`).
    pooled: frozenset[str] = frozenset()
    # (teacher, slot) -> literals "a lock puts this teacher on a pooled session here"
    lock_duty: dict[tuple[str, str], list] = field(default_factory=dict)
    _variables: list[cp_model.IntVar] = field(default_factory=list)

    def variables(self) -> list[cp_model.IntVar]:
        """Every variable of the model, by proto index (cached: looking 50,000 of them up
        one by one costs a quarter of a second)."""
        count = len(self.model.Proto().variables)
        if len(self._variables) != count:
            get = self.model.GetIntVarFromProtoIndex
            self._variables = [get(i) for i in range(count)]
        return self._variables

    def guard(self, label: Label) -> list[cp_model.IntVar]:
        """Enforcement literal of a rule instance (explain mode), else none."""
        if not self.explain:
            return []
        if label not in self.guards:
            self.guards[label] = self.model.NewBoolVar(f"rule{label}")
        return [self.guards[label]]

    def add(self, constraint: cp_model.BoundedLinearExpression | bool, label: Label) -> None:
        if isinstance(constraint, bool):
            if constraint:
                return
            ct = self.model.AddBoolOr([])  # always false: the rule cannot hold
        else:
            ct = self.model.Add(constraint)
        lits = self.guard(label)
        if lits:
            ct.OnlyEnforceIf(lits)

    def teacher_vars(self, teacher_id: str, slot_id: str) -> list[cp_model.IntVar]:
        out = [self.z[teacher_id, slot_id]] if (teacher_id, slot_id) in self.z else []
        out += self._v_by_ts.get((teacher_id, slot_id), [])
        return out

    def activity_vars(self, activity_id: str, slot_id: str) -> list[cp_model.IntVar]:
        return [var for _t, var in self.activity_teachers(activity_id, slot_id)]

    def duty_var(self, teacher_id: str, activity_id: str, slot_id: str) -> cp_model.IntVar | None:
        """The variable that is 1 when the teacher takes that session: `z` (on duty at the
        slot) for basic care (activity "") and pooled activities, else `v`; None: the
        teacher cannot take it."""
        if not activity_id or activity_id in self.pooled:
            return self.z.get((teacher_id, slot_id))
        return self.v.get((teacher_id, activity_id, slot_id))

    def candidates(self, activity_id: str, slot_id: str) -> list[str]:
        """Teachers who could take that session (activity "" = basic care), in id order."""
        if not activity_id or activity_id in self.pooled:
            return self._duty_by_slot.get(slot_id, [])
        return [t for t, _var in self.activity_teachers(activity_id, slot_id)]

    def activity_teachers(
        self, activity_id: str, slot_id: str
    ) -> list[tuple[str, cp_model.IntVar]]:
        return self._v_by_as.get((activity_id, slot_id), [])

    def index(self) -> None:
        self._v_by_ts: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        self._v_by_as: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
        for (t, a, s), var in self.v.items():
            self._v_by_ts.setdefault((t, s), []).append(var)
            self._v_by_as.setdefault((a, s), []).append((t, var))
        self._duty_by_slot: dict[str, list[str]] = {}
        for t, s in self.z:
            self._duty_by_slot.setdefault(s, []).append(t)
        # teacher -> activities they may take (v), and slots they may be on duty (z)
        self._candidate_of: dict[str, set[str]] = {}
        for t, a, _s in self.v:
            self._candidate_of.setdefault(t, set()).add(a)
        self._duties_of: Counter = Counter(t for t, _s in self.z)
        # teacher -> sessions of the activities that name them (they must hold them all)
        self._named_sessions: Counter = Counter()
        for a in self.inst.activities:
            for t in self.inst.named_teachers(a):
                self._named_sessions[t] += a.sessions_per_week
        self._session_bounds: dict[str, tuple[int, int]] = {}


def build(
    inst: Instance,
    weights: Weights | None = None,
    explain: bool = False,
    explicit_rooms: bool = False,
    partial: bool = False,
) -> Built:
    """The whole model: variables, every hard rule, and the soft terms."""
    b = Built(cp_model.CpModel(), inst, weights or Weights(), explain=explain)
    b.explicit_rooms, b.partial = explicit_rooms, partial
    if not (explain or partial):  # the explainer names each club's staffing on its own
        b.pooled = pooled_activities(inst)
    create_variables(b)
    b.index()
    rule_basic_staffed(b)
    for a in inst.activities:
        rule_activity_held(b, a)
        rule_activity_one_per_day(b, a)
        rule_activity_staffed(b, a)
        rule_fixed_teacher(b, a)
    for t in inst.teachers:
        rule_teacher_one_per_slot(b, t)
        rule_teacher_max_per_day(b, t)
        rule_teacher_max_per_week(b, t)
    rule_class_one_thing_per_slot(b)
    rule_students_no_clash(b)
    rule_locks(b)
    collect_room_uses(b)
    rule_rooms(b)
    if not explain:
        add_soft_terms(b)
    return b


def pooled_activities(inst: Instance) -> frozenset[str]:
    """Activities whose sessions any teacher free at the slot may take, with no fixed
    teacher: their staff comes from the
    duty pool `z` with basic care. Like basic care, who takes which of a slot's pooled
    sessions is then any split that honours the locks (`solve.split_duty`; `rule_locks`
    keeps a teacher from being locked to two of them at once), so the model needs one
    variable per
    teacher and slot instead of one per teacher, activity and slot: a high school's
    self-study week (180 teachers, 240 whole-class study periods x 15 slots) goes from
    648,000 teacher variables to 2,700."""
    everyone = [t.teacher_id for t in inst.teachers]
    return frozenset(
        a.activity_id
        for a in inst.activities
        if not a.fixed_teacher and [t.teacher_id for t in inst.qualified(a)] == everyone
    )


def duty_slots(b: Built) -> list[str]:
    """Slots with a duty pool: basic care, or an allowed slot of a pooled activity."""
    inst = b.inst
    pooled = {s for a in inst.activities if a.activity_id in b.pooled for s in inst.allowed(a)}
    return [s for s in inst.slots if inst.basic_demand(s) > 0 or s in pooled]


def create_variables(b: Built) -> None:
    """Opt-out, availability and skill are domain facts: no variable, no assignment."""
    inst, m = b.inst, b.model
    slots = duty_slots(b)
    for t in inst.teachers:
        avail = set(inst.available(t))
        for s in slots:
            if s in avail:
                b.z[t.teacher_id, s] = m.NewBoolVar(f"z[{t.teacher_id},{s}]")
    for a in inst.activities:
        qualified = [] if a.activity_id in b.pooled else inst.qualified(a)
        for s in inst.allowed(a):
            b.x[a.activity_id, s] = m.NewBoolVar(f"x[{a.activity_id},{s}]")
            for t in qualified:
                if s not in t.unavailable:
                    b.v[t.teacher_id, a.activity_id, s] = m.NewBoolVar(
                        f"v[{t.teacher_id},{a.activity_id},{s}]"
                    )


# --- Hard rules -------------------------------------------------------------------------


def rule_basic_staffed(b: Built) -> None:
    """Rule 1: every basic session has exactly ceil(basic_students / ratio) teachers (and
    each pooled activity session held at the slot its `staff`, from the same pool)."""
    inst = b.inst
    pooled = [a for a in inst.activities if a.activity_id in b.pooled]
    for s in inst.slots:
        demand = inst.basic_demand(s)
        clubs = [(a.staff, b.x[a.activity_id, s]) for a in pooled if (a.activity_id, s) in b.x]
        if demand or clubs:
            on_duty = [b.z[t, s] for t in b.candidates("", s)]
            if b.partial:
                b.short[s] = b.model.NewIntVar(0, demand, f"short[{s}]")
                on_duty.append(b.short[s])
            needed = demand + sum(staff * x for staff, x in clubs)
            b.add(cp_model.LinearExpr.Sum(on_duty) == needed, ("basic_staff", s))


def rule_activity_held(b: Built, a: Activity) -> None:
    """Rule 1: every session of an activity is held, at an allowed slot."""
    xs = [b.x[a.activity_id, s] for s in b.inst.allowed(a)]
    if b.partial:
        b.missing[a.activity_id] = b.model.NewIntVar(
            0, a.sessions_per_week, f"missing[{a.activity_id}]"
        )
        xs.append(b.missing[a.activity_id])
    b.add(_sum(xs) == a.sessions_per_week, ("held", a.activity_id))


def rule_activity_one_per_day(b: Built, a: Activity) -> None:
    """Rule 1: two sessions of one activity never fall on the same day."""
    for d in b.inst.days:
        xs = [b.x[a.activity_id, s] for s in b.inst.allowed(a) if b.inst.day(s) == d]
        if len(xs) > 1:
            b.add(_sum(xs) <= 1, ("one_per_day", a.activity_id))


def rule_activity_staffed(b: Built, a: Activity) -> None:
    """Rule 1: each activity session has exactly `staff` distinct qualified teachers."""
    if a.activity_id in b.pooled:
        return  # staffed from the duty pool (rule_basic_staffed)
    for s in b.inst.allowed(a):
        vs = b.activity_vars(a.activity_id, s)
        b.add(_sum(vs) == a.staff * b.x[a.activity_id, s], ("staff", a.activity_id))


def rule_fixed_teacher(b: Built, a: Activity) -> None:
    """Rule 2: the fixed teacher leads every session of the activity."""
    if not a.fixed_teacher:
        return
    for s in b.inst.allowed(a):
        var = b.v.get((a.fixed_teacher, a.activity_id, s))
        held = b.x[a.activity_id, s]
        b.add(held == (var if var is not None else 0), ("fixed", a.activity_id))


def rule_teacher_one_per_slot(b: Built, t: Teacher) -> None:
    """Rule 2: a teacher holds at most one session per slot."""
    for s in b.inst.slots:
        vs = b.teacher_vars(t.teacher_id, s)
        if len(vs) > 1:
            b.model.AddAtMostOne(vs)  # physical impossibility: never relaxed when explaining


def rule_teacher_max_per_day(b: Built, t: Teacher) -> None:
    """Rule 2: a teacher holds at most `max_per_day` sessions a day."""
    for d in b.inst.days:
        vs = [
            v for s in b.inst.slots if b.inst.day(s) == d for v in b.teacher_vars(t.teacher_id, s)
        ]
        if len(vs) > t.max_per_day:
            b.add(_sum(vs) <= t.max_per_day, ("teacher_day", t.teacher_id))


def rule_teacher_max_per_week(b: Built, t: Teacher) -> None:
    """Rule 2: a teacher holds at most `max_per_week` sessions a week."""
    vs = [v for s in b.inst.slots for v in b.teacher_vars(t.teacher_id, s)]
    if len(vs) > t.max_per_week:
        b.add(_sum(vs) <= t.max_per_week, ("teacher_week", t.teacher_id))


def rule_class_one_thing_per_slot(b: Built) -> None:
    """Rule 4: a class attends at most one thing per slot (its basic session or one activity)."""
    basic_at = {(bs.group_id, bs.slot_id) for bs in b.inst.basic_sessions}
    for gid, aids in b.inst.class_activities.items():
        for s in b.inst.slots:
            xs = [b.x[a, s] for a in aids if (a, s) in b.x]
            busy = 1 if (gid, s) in basic_at else 0
            if len(xs) + busy > 1:
                b.add(_sum(xs) + busy <= 1, ("class", gid))


def rule_students_no_clash(b: Built) -> None:
    """Rule 4: no student has two activities in one slot (incl. their class's whole-class ones)."""
    for acts in b.inst.student_activity_sets:
        for s in b.inst.slots:
            xs = [b.x[a, s] for a in sorted(acts) if (a, s) in b.x]
            if len(xs) > 1:
                b.add(_sum(xs) <= 1, ("students", tuple(sorted(acts))))


def kth_session(b: Built, a: Activity, k: int) -> dict[str, cp_model.IntVar]:
    """Indicators: the k-th session (in time order) of `a` is at slot s."""
    allowed = b.inst.allowed(a)
    out = {}
    for i, s in enumerate(allowed):
        key = (a.activity_id, k, s)
        if key not in b.kth:
            ind = b.model.NewBoolVar(f"kth[{a.activity_id},{k},{s}]")
            before = cp_model.LinearExpr.Sum([b.x[a.activity_id, p] for p in allowed[:i]])
            b.model.AddImplication(ind, b.x[a.activity_id, s])
            b.model.Add(before == k - 1).OnlyEnforceIf(ind)
            b.kth[key] = ind
        out[s] = b.kth[key]
    if k <= a.sessions_per_week and not b.partial:
        b.model.AddExactlyOne(out.values())
    else:
        b.model.AddAtMostOne(out.values())  # a partial plan may not hold the k-th session
    return out


def rule_locks(b: Built) -> None:
    """Rule 4: filled cells of a lock are fixed; blank ones are left to the solver."""
    inst = b.inst
    for i, lk in enumerate(inst.school.locks):
        label = ("lock", i)
        a = inst.school.activity_by_id.get(lk.activity_id)
        if a is None:
            continue  # basic locks are handled below, per session
        if lk.session is not None and lk.session > a.sessions_per_week:
            continue  # names no session, so it fixes nothing (the validator rejects it anyway)
        ind = (
            kth_session(b, a, lk.session)
            if lk.session
            else {s: b.x[a.activity_id, s] for s in inst.allowed(a)}
        )
        if lk.slot_id is not None:
            for s, var in ind.items():
                if s != lk.slot_id:
                    b.add(var == 0, label)
            if lk.slot_id not in ind:
                b.add(False, label)
        if lk.teacher_id is not None:
            for s, var in ind.items():
                tv = b.duty_var(lk.teacher_id, a.activity_id, s)
                b.add(var <= (tv if tv is not None else 0), label)
                if a.activity_id in b.pooled:
                    b.lock_duty.setdefault((lk.teacher_id, s), []).append(var)
    for (_gid, s), locks in inst.basic_locks().items():
        for lk in locks:
            label = ("lock", inst.school.locks.index(lk))
            if lk.teacher_id is not None:
                zv = b.z.get((lk.teacher_id, s))
                b.add((zv if zv is not None else 0) == 1, label)
    # On duty a teacher takes one session: two locks on pooled sessions (or one and a
    # basic lock) cannot both have the same teacher at one slot. (Other sessions have a
    # variable each, and the teacher's one-session-a-slot rule says it.)
    basic_locked = {
        (lk.teacher_id, s)
        for (_gid, s), locks in inst.basic_locks().items()
        for lk in locks
        if lk.teacher_id is not None
    }
    for (tid, s), demands in b.lock_duty.items():
        fixed = 1 if (tid, s) in basic_locked else 0
        if len(demands) + fixed > 1:
            b.model.Add(cp_model.LinearExpr.Sum(demands) + fixed <= 1)
    # One teacher cannot be locked to two classes' basic sessions at the same slot.
    seen: dict[tuple[str, str], str] = {}
    for (gid, s), locks in sorted(inst.basic_locks().items()):
        for lk in locks:
            if lk.teacher_id is None:
                continue
            other = seen.setdefault((lk.teacher_id, s), gid)
            if other != gid:
                b.add(False, ("lock", inst.school.locks.index(lk)))


def _room_locks(b: Built, a: Activity) -> tuple[str | None, dict[int, str], bool]:
    """Room fixed for every session (or None), rooms fixed per session, and whether the
    activity's room locks can all hold together."""
    locks = [lk for lk in b.inst.locks_for(a.activity_id) if lk.room_id is not None]
    whole = {lk.room_id for lk in locks if lk.session is None}
    per: dict[int, str] = {}
    ok = len(whole) <= 1
    for lk in locks:
        if lk.session is not None:
            ok = ok and per.get(lk.session, lk.room_id) == lk.room_id
            per[lk.session] = lk.room_id
    room_all = next(iter(whole), None)
    if room_all is not None:
        ok = ok and all(r == room_all for r in per.values())
        per = {}  # every session is in room_all already
    return room_all, per, ok


def collect_room_uses(b: Built) -> None:
    """Every session's claim on a room: home rooms and locked rooms are fixed, others pooled."""
    inst = b.inst
    basic_locks = inst.basic_locks()
    for bs in inst.basic_sessions:
        key = ("basic", bs.group_id)
        rooms = {lk.room_id for lk in basic_locks.get((bs.group_id, bs.slot_id), []) if lk.room_id}
        b.add(len(rooms) <= 1, ("lock_room", bs.group_id))
        locked = min(rooms) if rooms else None
        if bs.home_room is not None:
            room = inst.school.room_by_id[bs.home_room]
            ok = room.capacity >= bs.students and locked in (None, bs.home_room)
            b.add(ok, ("home_room", bs.group_id))
            b.room_uses.append(RoomUse(bs.slot_id, 1, room_id=bs.home_room, key=key))
        elif locked is not None:
            fits = locked in inst.rooms_for(inst.basic_room_need(bs))
            b.add(fits, ("lock_room", bs.group_id))
            b.room_uses.append(RoomUse(bs.slot_id, 1, room_id=locked, key=key))
        else:
            need = inst.basic_room_need(bs)
            b.room_uses.append(RoomUse(bs.slot_id, 1, need=need, key=key))
    for a in inst.activities:
        need = inst.room_need(a)
        key = ("activity", a.activity_id)
        room_all, per, ok = _room_locks(b, a)
        b.add(ok, ("lock_room", a.activity_id))
        for room in [room_all, *per.values()]:
            if room is not None:
                b.add(room in inst.rooms_for(need), ("lock_room", a.activity_id))
        kths = {k: kth_session(b, a, k) for k in per}
        for s in inst.allowed(a):
            held = b.x[a.activity_id, s]
            if room_all is not None:
                b.room_uses.append(RoomUse(s, held, room_id=room_all, key=key))
                continue
            for k, room in per.items():
                b.room_uses.append(RoomUse(s, kths[k][s], room_id=room, key=key))
            pooled = held - sum(kths[k][s] for k in per) if per else held
            b.room_uses.append(RoomUse(s, pooled, need=need, key=key))


def rule_rooms(b: Built) -> None:
    """Rule 3: a room holds one session per slot; its type matches; it seats everyone."""
    inst = b.inst
    for s in inst.slots:
        uses = [u for u in b.room_uses if u.slot_id == s]
        fixed = [u for u in uses if u.room_id is not None]
        pooled = [u for u in uses if u.need is not None]
        for rid in sorted({u.room_id for u in fixed}):
            on_room = [u.active for u in fixed if u.room_id == rid]
            if len(on_room) > 1:
                b.add(sum(on_room) <= 1, ("room", rid))
        if b.explicit_rooms:
            _explicit_rooms(b, s, fixed, pooled)
        else:
            _counted_rooms(b, s, fixed, pooled)


def _counted_rooms(b: Built, s: str, fixed: list[RoomUse], pooled: list[RoomUse]) -> None:
    """Hall's condition on the room sets (`rooms.hall_sets`): the sessions whose rooms all
    lie in a set are no more than its rooms."""
    inst = b.inst
    needs = {u.need for u in pooled} | {RoomNeed(None, u.need.seats) for u in pooled}
    of = {need: frozenset(inst.rooms_for(need)) for need in needs}
    for rooms in hall_sets(set(of.values())):
        demand = [u.active for u in pooled if of[u.need] <= rooms]
        demand += [u.active for u in fixed if u.room_id in rooms]
        if len(demand) > len(rooms):  # else it cannot be broken
            b.add(_sum(demand) <= len(rooms), ("rooms", s))


def _explicit_rooms(b: Built, s: str, fixed: list[RoomUse], pooled: list[RoomUse]) -> None:
    """Exact room choice: one room per pooled session, one session per room."""
    per_room: dict[str, list] = {}
    for u in fixed:
        per_room.setdefault(u.room_id, []).append(u.active)
    for u in pooled:
        i = b.room_uses.index(u)
        choices = []
        for rid in b.inst.rooms_for(u.need):
            var = b.model.NewBoolVar(f"room[{i},{rid}]")
            b.room_vars[i, rid] = var
            choices.append(var)
            per_room.setdefault(rid, []).append(var)
        b.add(sum(choices) == u.active, ("rooms", s))
    for rid, claims in per_room.items():
        if len(claims) > 1:
            b.add(sum(claims) <= 1, ("room", rid))


# --- Soft rules: each returns a penalty term --------------------------------------------


def teacher_load(b: Built, t: Teacher) -> cp_model.LinearExprT:
    """Minutes a teacher works in the week."""
    pairs = [
        (var, b.inst.length(s)) for s in b.inst.slots for var in b.teacher_vars(t.teacher_id, s)
    ]
    return cp_model.LinearExpr.WeightedSum([v for v, _ in pairs], [n for _, n in pairs])


def _sum(terms: list) -> cp_model.LinearExprT:
    """A sum built in one go (Python's `sum` adds one term at a time: seconds on a model of
    100,000 variables)."""
    return cp_model.LinearExpr.Sum(terms) if terms else 0


def fairness_set(inst: Instance) -> list[Teacher]:
    """Opted-in internal teachers who could take at least one session."""
    return [t for t in inst.teachers if not t.external and inst.work_slots[t.teacher_id]]


def fair_shares(inst: Instance, teachers: list[Teacher]) -> dict[str, int]:
    """Water-filling: each teacher's share of the internal demand, capped by capacity."""
    lengths = [inst.length(s) for s in inst.slots] or [0]
    mean_len = sum(lengths) / len(lengths)
    demand = sum(bs.need * inst.length(bs.slot_id) for bs in inst.basic_sessions)
    for a in inst.activities:
        allowed = inst.allowed(a) or inst.slots
        a_len = sum(inst.length(s) for s in allowed) / max(1, len(allowed))
        fixed_external = a.fixed_teacher and inst.school.teacher_by_id.get(a.fixed_teacher)
        staff = a.staff - (1 if fixed_external and fixed_external.external else 0)
        demand += a.sessions_per_week * staff * a_len
    caps = {t.teacher_id: inst.teacher_capacity(t) * mean_len for t in teachers}
    level_lo, level_hi = 0.0, max(caps.values(), default=0.0)
    for _ in range(60):  # bisection on the common level
        mid = (level_lo + level_hi) / 2
        if sum(min(c, mid) for c in caps.values()) < demand:
            level_lo = mid
        else:
            level_hi = mid
    return {tid: round(min(c, level_hi)) for tid, c in caps.items()}


def interchangeable(inst: Instance, teachers: list[Teacher]) -> list[list[str]]:
    """Groups of teachers that differ only by id: same limits, skills and availability,
    no homeroom, not named by any activity or lock."""
    named = {a.fixed_teacher for a in inst.activities} | {lk.teacher_id for lk in inst.school.locks}
    groups: dict[tuple, list[str]] = {}
    for t in teachers:
        if t.homeroom or t.teacher_id in named:
            continue
        key = (frozenset(t.skills), t.max_per_week, t.max_per_day, frozenset(t.unavailable))
        groups.setdefault(key, []).append(t.teacher_id)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def term_fairness(b: Built) -> tuple[cp_model.LinearExprT, cp_model.LinearExprT]:
    """Spread (max - min load) and total deviation from fair shares, in minutes."""
    m, inst = b.model, b.inst
    teachers = fairness_set(inst)
    if not teachers:
        return 0, 0
    max_len = max(inst.length(s) for s in inst.slots)
    top = max(1, max(t.max_per_week for t in teachers)) * max_len
    loads = {t.teacher_id: _load_var(b, t) for t in teachers}
    hi, lo = m.NewIntVar(0, top, "max_load"), m.NewIntVar(0, top, "min_load")
    for load in loads.values():
        m.Add(hi >= load)
        m.Add(lo <= load)
    total = sum(loads.values())
    for twins in interchangeable(inst, teachers):
        # Identical teachers can swap their weeks: order their loads to cut symmetric search.
        for first, second in pairwise(twins):
            m.Add(loads[first] >= loads[second])
    # The loads sum to what the teachers do in total: bounds the spread from the average.
    m.Add(len(loads) * hi >= total)
    m.Add(len(loads) * lo <= total)
    shares = fair_shares(inst, teachers)
    devs = []
    for t in teachers:
        tid, load = t.teacher_id, loads[t.teacher_id]
        dev = m.NewIntVar(0, top, f"dev[{tid}]")
        m.Add(dev >= load - shares[tid])
        m.Add(dev >= shares[tid] - load)
        # Loads are sums of whole sessions, so most minute values cannot occur: the convex
        # hull of the achievable (load, |load - share|) points is a much tighter bound.
        for (l1, d1), (l2, d2) in hull_edges(achievable_loads(b, t), shares[tid]):
            m.Add((l2 - l1) * dev >= (l2 - l1) * d1 + (d2 - d1) * (load - l1))
        count_table(b, t, dev, shares[tid], load)
        devs.append(dev)
    return hi - lo, _sum(devs)


def _load_var(b: Built, t: Teacher) -> cp_model.IntVar:
    """The teacher's minutes as one variable over the loads whole sessions can make: the
    bounds, the hull cuts and the deviation then name it instead of repeating every
    session variable (a school of 150 teachers: 360,000 terms)."""
    domain = cp_model.Domain.FromValues(achievable_loads(b, t))
    load = b.model.NewIntVarFromDomain(domain, f"load[{t.teacher_id}]")
    b.model.Add(load == teacher_load(b, t))
    return load


def count_table(
    b: Built, t: Teacher, dev: cp_model.IntVar, share: int, load: cp_model.IntVar
) -> None:
    """Sessions per slot length as integers, tied to the deviation by a table."""
    m, inst = b.model, b.inst
    by_len: dict[int, list] = {}
    slots_of_len: Counter = Counter()  # a teacher holds one session a slot (rule 2)
    for s in inst.slots:
        tv = b.teacher_vars(t.teacher_id, s)
        if tv:
            by_len.setdefault(inst.length(s), []).extend(tv)
            slots_of_len[inst.length(s)] += 1
    lens = sorted(by_len)
    most = {L: min(t.max_per_week, slots_of_len[L]) for L in lens}
    if _table_rows([most[L] for L in lens], t.max_per_week) > TABLE_ROWS:
        # Many slot lengths: the table would have tens of thousands of rows a teacher, which
        # CP-SAT expands into millions of literals (a school with six lengths: 3 s of
        # presolve before any search). The load's achievable values (its domain) and
        # |load - share| say most of it.
        m.AddAbsEquality(dev, load - share)
        return
    counts = []
    for length in lens:
        c = m.NewIntVar(0, most[length], f"n[{t.teacher_id},{length}]")
        m.Add(c == _sum(by_len[length]))
        counts.append(c)

    rows = []
    for combo in product(*[range(most[L] + 1) for L in lens]):
        if sum(combo) <= t.max_per_week:
            load = sum(L * n for L, n in zip(lens, combo, strict=True))
            rows.append([*combo, abs(load - share)])
    m.AddAllowedAssignments([*counts, dev], rows)


TABLE_ROWS = 200  # at most, per teacher, for the count table (else load values + |.|)


def _table_rows(most: list[int], cap: int) -> int:
    """Rows of the count table: vectors n with 0 <= n_i <= most_i and sum(n) <= cap."""
    ways = [1] + [0] * cap  # ways[k]: vectors so far summing to k
    for m_i in most:
        ways = [sum(ways[k - j] for j in range(min(m_i, k) + 1)) for k in range(cap + 1)]
    return sum(ways)


def achievable_loads(b: Built, t: Teacher) -> list[int]:
    """Minute totals reachable by between `session_bounds` many of the teacher's possible
    slots (a superset of the truly achievable loads, so bounds built on it stay valid)."""
    lengths = [b.inst.length(s) for s in b.inst.slots if b.teacher_vars(t.teacher_id, s)]
    fewest, most = session_bounds(b, t)
    reach = {(0, 0)}
    for length in lengths:
        reach |= {(n + 1, total + length) for n, total in reach if n < most}
    return sorted({total for n, total in reach if n >= fewest})


def session_bounds(b: Built, t: Teacher) -> tuple[int, int]:
    """Fewest and most sessions the teacher can hold in any valid week: at least every
    session of the activities that name them (not in a partial plan, where sessions may go
    unstaffed); at most max_per_week, one a slot, and each candidate activity's sessions
    plus one basic-care or pooled duty a slot. A timetable's teacher, candidate only for
    their own lessons, gets one exact count, so their load and deviation are constants."""
    tid, inst = t.teacher_id, b.inst
    if tid in b._session_bounds:
        return b._session_bounds[tid]
    fewest = 0 if b.partial else b._named_sessions[tid]
    by_activity = sum(
        inst.school.activity_by_id[a].sessions_per_week for a in b._candidate_of.get(tid, ())
    )
    slots = sum(1 for s in inst.slots if b.teacher_vars(tid, s))
    most = min(t.max_per_week, slots, by_activity + b._duties_of[tid])
    b._session_bounds[tid] = (min(fewest, most), most)
    return b._session_bounds[tid]


def hull_edges(loads: list[int], share: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Edges of the lower convex hull of the points (load, |load - share|)."""
    hull: list[tuple[int, int]] = []
    for p in ((x, abs(x - share)) for x in loads):
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                hull.pop()  # hull[-1] lies on or above the segment hull[-2] -> p
            else:
                break
        hull.append(p)
    return list(pairwise(hull))


def term_homeroom(b: Built) -> cp_model.LinearExprT:
    """Basic sessions whose available homeroom teacher is not supervising their own class."""
    m, inst = b.model, b.inst
    misses = []
    for bs in inst.basic_sessions:
        heads = [
            t.teacher_id
            for t in inst.teachers
            if t.homeroom == bs.group_id and (t.teacher_id, bs.slot_id) in b.z
        ]
        if not heads:
            continue
        want = min(bs.need, len(heads))
        miss = m.NewIntVar(0, want, f"homeroom_miss[{bs.group_id},{bs.slot_id}]")
        # A head on duty is with the class (split_duty sees to it) unless a lock puts them
        # on a pooled club at that slot.
        away = [lit for h in heads for lit in b.lock_duty.get((h, bs.slot_id), [])]
        m.Add(miss >= want - sum(b.z[h, bs.slot_id] for h in heads) + sum(away))
        misses.append(miss)
    return _sum(misses)


def term_days(b: Built) -> cp_model.LinearExprT:
    """Teacher-days worked: fewer days means sessions packed together."""
    m, inst = b.model, b.inst
    days = []
    for t in inst.teachers:
        mine: list = []  # each day worked (or its sessions, when at most one a day)
        for d in inst.days:
            per_slot = [
                vs
                for s in inst.slots
                if inst.day(s) == d and (vs := b.teacher_vars(t.teacher_id, s))
            ]
            vs = [v for here in per_slot for v in here]
            if not vs:
                continue
            if t.max_per_day <= 1 or len(per_slot) == 1:
                mine.append(_sum(vs))  # at most one session that day: days worked = sessions
                continue
            worked = m.NewBoolVar(f"worked[{t.teacher_id},{d}]")
            m.Add(t.max_per_day * worked >= _sum(vs))
            # Slot by slot too (at most one session a slot): the LP then knows a day with
            # any session is a whole day worked, not a fraction of one.
            for here in per_slot:
                m.Add(worked >= _sum(here))
            mine.append(worked)
        most = len(inst.slots)  # at most one session a slot
        days.append(_bounded(m, mine, fewest_days(b, t), most, f"days[{t.teacher_id}]"))
    return _sum(days)


def fewest_days(b: Built, t: Teacher) -> int:
    """Days a teacher must work to hold the sessions they must hold (`session_bounds`): the
    fewest days whose capacities (max_per_day, slots with a session possible) cover them.
    Given as the lower bound of the teacher's day count, it lifts the objective's bound
    without waiting for the LP (a timetable of 1,000 lessons: the LP is not solved in 60 s)."""
    fewest, _most = session_bounds(b, t)
    room = sorted(
        (
            min(
                t.max_per_day,
                sum(
                    1
                    for s in b.inst.slots
                    if b.inst.day(s) == d and b.teacher_vars(t.teacher_id, s)
                ),
            )
            for d in b.inst.days
        ),
        reverse=True,
    )
    days = covered = 0
    for cap in room:
        if covered >= fewest:
            break
        covered, days = covered + cap, days + 1
    return days if covered >= fewest else 0  # cannot be covered: the model says infeasible


def _bounded(m: cp_model.CpModel, terms: list, lowest: int, most: int, name: str):
    """The sum of `terms` as one variable with domain [lowest, most], `lowest` a valid lower
    bound: propagation alone then lifts the objective's bound."""
    if not terms:
        return 0
    if lowest <= 0:
        return _sum(terms)
    var = m.NewIntVar(lowest, max(lowest, most), name)
    m.Add(var == _sum(terms))
    return var


def term_external(b: Built) -> cp_model.LinearExprT:
    """Sessions given to external instructors beyond those the school fixed on them."""
    externals = {t.teacher_id for t in b.inst.teachers if t.external}
    fixed = {(a.fixed_teacher, a.activity_id) for a in b.inst.activities if a.fixed_teacher}
    used = [var for (t, a, _s), var in b.v.items() if t in externals and (t, a) not in fixed]
    used += [var for (t, _s), var in b.z.items() if t in externals]
    return _sum(used)


def term_adjacent_days(b: Built) -> cp_model.LinearExprT:
    """Pairs of sessions of one activity on consecutive days."""
    m, inst = b.model, b.inst
    pairs = []
    for a in inst.activities:
        if a.sessions_per_week < 2:
            continue
        held = {
            d: sum(b.x[a.activity_id, s] for s in inst.allowed(a) if inst.day(s) == d)
            for d in inst.days
        }
        mine = []
        for d in inst.days:
            if d + 1 in held:
                adj = m.NewBoolVar(f"adjacent[{a.activity_id},{d}]")
                m.Add(adj >= held[d] + held[d + 1] - 1)
                mine.append(adj)
        lowest = 0 if b.partial else fewest_adjacent(inst, a)
        pairs.append(_bounded(m, mine, lowest, len(mine), f"adjacent[{a.activity_id}]"))
    return _sum(pairs)


def fewest_adjacent(inst: Instance, a: Activity) -> int:
    """Fewest pairs of consecutive days an activity held on `sessions_per_week` of its
    allowed days (one a day) can have: every choice of days tried (a week has at most 7)."""
    days = sorted({inst.day(s) for s in inst.allowed(a)})
    k = a.sessions_per_week
    if k > len(days):
        return 0  # cannot be held at all: the model says infeasible
    return min(
        sum(1 for d in chosen if d + 1 in chosen) for chosen in map(set, combinations(days, k))
    )


def add_soft_terms(b: Built) -> None:
    """Sum the weighted penalty terms into one objective, keeping each term for the report.

    A term whose weight is 0 is not built at all: it could not change the answer and only
    makes the model larger (scenarios switch every preference off).
    """
    w = b.weights.as_dict()
    b.terms = {}
    if w["spread"] or w["fair_share"]:
        spread, deviation = term_fairness(b)
        b.terms.update(spread=spread, fair_share=deviation)
    builders = {
        "homeroom": term_homeroom,
        "days": term_days,
        "external": term_external,
        "adjacent_days": term_adjacent_days,
    }
    for name, term in builders.items():
        if w[name]:
            b.terms[name] = term(b)
    unstaffed = sum(b.short.values()) + sum(
        b.inst.school.activity_by_id[aid].staff * var for aid, var in b.missing.items()
    )
    if b.partial:
        b.terms["unstaffed"] = unstaffed
    # Redundant: the total teacher-sessions equal the sessions' demand (tightens the LP bound).
    all_vars = list(b.z.values()) + list(b.v.values())
    demand = sum(bs.need for bs in b.inst.basic_sessions) + sum(
        a.staff * a.sessions_per_week for a in b.inst.activities
    )
    if all_vars:
        b.model.Add(_sum(all_vars) + unstaffed == demand)
    add_objective(b)


def set_hint(model: cp_model.CpModel, hint: dict[cp_model.IntVar, int]) -> None:
    """Replace the model's solution hint (written into the proto at once: AddHint one
    variable at a time costs seconds on the largest schools)."""
    model.ClearHints()
    proto = model.Proto().solution_hint
    proto.vars.extend(var.Index() for var in hint)
    proto.values.extend(int(value) for value in hint.values())


def add_objective(b: Built, extra: Iterable[tuple[int, cp_model.LinearExprT]] = ()) -> None:
    w = b.weights.as_dict()
    parts = [w[name] * term for name, term in b.terms.items()]
    parts += [weight * term for weight, term in extra]
    b.model.Minimize(sum(parts))
