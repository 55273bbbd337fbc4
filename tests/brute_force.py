"""Exhaustive search for tiny schools, written from the data contract alone.

It never imports scheduler.model or scheduler.instance. The sessions are derived here from
the contract's text; the search enumerates, for every activity, every set of slots, then
every room and every set of teachers for every session. With `prune=True` (the default)
branches are cut only by necessary conditions of the contract's hard rules; every
complete assignment (leaf) is then validated by `scheduler.check.check`, so a schedule is
reported only if the independent checker accepts it. With `prune=False` nothing is cut
at all (use on micro instances only, to test the pruning itself).

Rooms and teachers never interact in a hard rule, so for one choice of slots the search
enumerates teacher assignments and tries the room assignments of that slot choice for each.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

from domain.school import Lock, School, Slot, Teacher
from scheduler.check import Violation, check


class BudgetExceeded(RuntimeError):
    """The instance is too large for exhaustive search within the node budget."""


@dataclass(frozen=True)
class Session:
    """One session to place; `slot` is None until the slot choice fixes it."""

    activity_id: str
    index: int
    kind: str
    slot: str
    staff: int
    students: int
    room_type: str | None  # None: any type
    home_room: str | None  # basic service of a class with a home room
    skill: str | None
    fixed_teacher: str | None
    basic: bool

    @property
    def session_id(self) -> str:
        return f"{self.activity_id}#{self.index}"


@dataclass
class SearchResult:
    rows: list[dict[str, str]] | None  # a schedule the checker accepts, or None
    leaves: int = 0  # complete assignments handed to the checker
    nodes: int = 0
    rejected: list[list[Violation]] = field(default_factory=list)  # checker's objections

    @property
    def feasible(self) -> bool:
        return self.rows is not None


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _time_key(slot: Slot) -> tuple[int, int, str]:
    return (slot.day, _minutes(slot.start), slot.slot_id)


class _Search:
    def __init__(self, school: School, prune: bool, budget: int) -> None:
        self.school, self.prune, self.budget = school, prune, budget
        self.slots = {s.slot_id: s for s in school.slots}
        self.teachers = list(school.teachers)
        self.result = SearchResult(None)

    # --- the contract's derivations ---------------------------------------------------

    def ordered(self, slot_ids) -> list[str]:
        return sorted(
            (s for s in slot_ids if s in self.slots), key=lambda s: _time_key(self.slots[s])
        )

    def allowed(self, a) -> list[str]:
        """Blank allowed_slots: every slot of the activity's kind plus every `any` slot."""
        if a.allowed_slots:
            return self.ordered(a.allowed_slots)
        kind = "self_study" if a.category == "self_study" else "extended"
        return self.ordered(s.slot_id for s in self.school.slots if s.kind in (kind, "any"))

    def students(self, a) -> int:
        """The enrolments sheet (distinct students) wins over the `enrolled` column."""
        enrolled = {e.student_id for e in self.school.enrolments if e.activity_id == a.activity_id}
        return len(enrolled) if enrolled else (a.enrolled or 0)

    def basic_sessions(self) -> list[Session]:
        homes = {r.home_group: r.room_id for r in self.school.rooms if r.home_group}
        out = []
        for g in self.school.groups:
            need = math.ceil(g.basic_students / self.school.info.ratio)
            if need == 0:
                continue
            for i, s in enumerate(self.ordered(g.basic_slots), 1):
                out.append(
                    Session(
                        f"basic:{g.group_id}",
                        i,
                        "basic",
                        s,
                        need,
                        g.basic_students,
                        "classroom",
                        homes.get(g.group_id),
                        None,
                        None,
                        True,
                    )
                )
        return out

    def activity_sessions(self, a, chosen: tuple[str, ...]) -> list[Session]:
        kind = "self_study" if a.category == "self_study" else "extended"
        return [
            Session(
                a.activity_id,
                i,
                kind,
                s,
                a.staff,
                self.students(a),
                a.room_type,
                None,
                a.skill,
                a.fixed_teacher,
                False,
            )
            for i, s in enumerate(chosen, 1)
        ]

    def locks_on(self, s: Session) -> list[Lock]:
        """Locks that apply to a session (basic: by slot, else by index, else all)."""
        out = []
        for lk in self.school.locks:
            if lk.activity_id != s.activity_id:
                continue
            if s.basic and lk.slot_id is not None:
                if lk.slot_id == s.slot:
                    out.append(lk)
            elif lk.session is None or lk.session == s.index:
                out.append(lk)
        return out

    # --- stage 1: slots of every activity ---------------------------------------------

    def slot_choices(self) -> Iterator[dict[str, tuple[str, ...]]]:
        acts = list(self.school.activities)
        basic_at = {(s.activity_id[len("basic:") :], s.slot) for s in self.basic_sessions()}
        whole_class = {a.activity_id: set(a.groups) for a in acts}
        # Sets of activities one student must not overlap: own + class's whole-class ones.
        per_student: dict[str, set[str]] = defaultdict(set)
        for e in self.school.enrolments:
            per_student[e.student_id].add(e.activity_id)
            if e.group_id:
                per_student[e.student_id] |= {
                    a for a, gs in whole_class.items() if e.group_id in gs
                }
        clash_sets = [acts_ for acts_ in per_student.values() if len(acts_) > 1]
        chosen: dict[str, tuple[str, ...]] = {}

        def options(a) -> Iterator[tuple[str, ...]]:
            pool = self.allowed(a) if self.prune else self.ordered(self.slots)
            for combo in combinations(pool, a.sessions_per_week):
                if self.prune:
                    days = [self.slots[s].day for s in combo]
                    if len(set(days)) < len(days):
                        continue
                    sessions = self.activity_sessions(a, combo)
                    if any(
                        lk.slot_id is not None and lk.slot_id != s.slot
                        for s in sessions
                        for lk in self.locks_on(s)
                    ):
                        continue
                yield combo

        def clash_free(a, combo: tuple[str, ...]) -> bool:
            for s in combo:
                at_s = {b for b, ss in chosen.items() if s in ss}
                for g in whole_class[a.activity_id]:
                    if (g, s) in basic_at or any(g in whole_class[b] for b in at_s):
                        return False
                for group in clash_sets:
                    if a.activity_id in group and at_s & group:
                        return False
            return True

        def rec(i: int) -> Iterator[dict[str, tuple[str, ...]]]:
            if i == len(acts):
                yield dict(chosen)
                return
            a = acts[i]
            for combo in options(a):
                if self.prune and not clash_free(a, combo):
                    continue
                chosen[a.activity_id] = combo
                yield from rec(i + 1)
                del chosen[a.activity_id]

        yield from rec(0)

    # --- stage 2: rooms -----------------------------------------------------------------

    def room_candidates(self, s: Session) -> list[str]:
        rooms = self.school.rooms
        if not self.prune:
            return [r.room_id for r in rooms]
        if s.home_room is not None:
            fits = [r for r in rooms if r.room_id == s.home_room and r.capacity >= s.students]
        else:
            fits = [
                r
                for r in rooms
                if (s.room_type is None or r.type == s.room_type) and r.capacity >= s.students
            ]
        out = [r.room_id for r in fits]
        for lk in self.locks_on(s):
            if lk.room_id is not None:
                out = [r for r in out if r == lk.room_id]
        return out

    def room_assignments(self, sessions: list[Session]) -> Iterator[dict[str, str]]:
        cands = [self.room_candidates(s) for s in sessions]
        used: set[tuple[str, str]] = set()
        out: dict[str, str] = {}

        def rec(i: int) -> Iterator[dict[str, str]]:
            if i == len(sessions):
                yield dict(out)
                return
            s = sessions[i]
            for r in cands[i]:
                if self.prune and (r, s.slot) in used:
                    continue
                used.add((r, s.slot))
                out[s.session_id] = r
                yield from rec(i + 1)
                del out[s.session_id]
                used.discard((r, s.slot))

        yield from rec(0)

    # --- stage 3: teachers --------------------------------------------------------------

    def teacher_ok(self, t: Teacher, s: Session) -> bool:
        if not t.opt_in or s.slot in t.unavailable:
            return False
        return s.basic or s.skill is None or s.skill in t.skills or s.fixed_teacher == t.teacher_id

    def teacher_assignments(self, sessions: list[Session]) -> Iterator[dict[str, tuple[str, ...]]]:
        order = sorted(sessions, key=lambda s: _time_key(self.slots[s.slot]))
        busy: set[tuple[str, str]] = set()
        per_day: dict[tuple[str, int], int] = defaultdict(int)
        per_week: dict[str, int] = defaultdict(int)
        out: dict[str, tuple[str, ...]] = {}
        cands = []
        for s in order:
            must = {lk.teacher_id for lk in self.locks_on(s) if lk.teacher_id is not None}
            if s.fixed_teacher:
                must.add(s.fixed_teacher)
            pool = [t for t in self.teachers if not self.prune or self.teacher_ok(t, s)]
            cands.append((must, pool))

        def rec(i: int) -> Iterator[dict[str, tuple[str, ...]]]:
            self.result.nodes += 1
            if self.result.nodes > self.budget:
                raise BudgetExceeded(f"more than {self.budget} nodes")
            if i == len(order):
                yield dict(out)
                return
            s = order[i]
            day = self.slots[s.slot].day
            must, pool = cands[i]
            if self.prune:
                pool = [
                    t
                    for t in pool
                    if (t.teacher_id, s.slot) not in busy
                    and per_day[t.teacher_id, day] < t.max_per_day
                    and per_week[t.teacher_id] < t.max_per_week
                ]
            for team in combinations(pool, s.staff):
                ids = tuple(t.teacher_id for t in team)
                if self.prune and not must <= set(ids):
                    continue
                for tid in ids:
                    busy.add((tid, s.slot))
                    per_day[tid, day] += 1
                    per_week[tid] += 1
                out[s.session_id] = ids
                yield from rec(i + 1)
                del out[s.session_id]
                for tid in ids:
                    busy.discard((tid, s.slot))
                    per_day[tid, day] -= 1
                    per_week[tid] -= 1

        yield from rec(0)

    # --- leaves -------------------------------------------------------------------------

    def rows(
        self, sessions: list[Session], rooms: dict[str, str], teams: dict[str, tuple[str, ...]]
    ) -> list[dict[str, str]]:
        out = []
        for s in sessions:
            slot = self.slots[s.slot]
            for tid in teams[s.session_id]:
                out.append(
                    {
                        "session_id": s.session_id,
                        "activity_id": s.activity_id,
                        "session": str(s.index),
                        "kind": s.kind,
                        "day": str(slot.day),
                        "slot_id": s.slot,
                        "start": slot.start,
                        "end": slot.end,
                        "room_id": rooms[s.session_id],
                        "teacher_id": tid,
                    }
                )
        return out

    def run(self) -> SearchResult:
        basic = self.basic_sessions()
        by_id = {a.activity_id: a for a in self.school.activities}
        for choice in self.slot_choices():
            sessions = basic + [
                s
                for aid, combo in choice.items()
                for s in self.activity_sessions(by_id[aid], combo)
            ]
            room_options: list[dict[str, str]] = []
            room_iter = self.room_assignments(sessions)
            first = next(room_iter, None)
            if first is None:
                continue
            room_options.append(first)
            for teams in self.teacher_assignments(sessions):
                for k in range(1 << 30):  # room assignments, generated on demand
                    if k == len(room_options):
                        nxt = next(room_iter, None)
                        if nxt is None:
                            break
                        room_options.append(nxt)
                    rows = self.rows(sessions, room_options[k], teams)
                    self.result.leaves += 1
                    self.result.nodes += 1
                    if self.result.nodes > self.budget:
                        raise BudgetExceeded(f"more than {self.budget} nodes")
                    violations = check(self.school, rows)
                    if not violations:
                        self.result.rows = rows
                        return self.result
                    if len(self.result.rejected) < 20:
                        self.result.rejected.append(violations)
        return self.result


def brute_force(school: School, prune: bool = True, budget: int = 200_000) -> SearchResult:
    """A schedule the checker accepts, or None when none exists (exhaustive)."""
    return _Search(school, prune, budget).run()
