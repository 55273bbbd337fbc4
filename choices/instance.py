"""What the club allocation works on, derived from a School: pure data, no solver.

Every method (optimal, lottery, first come first served) starts from this one derivation,
so they agree on who wants what, how many seats a club has, which choices are eligible
and which sets of clubs one student cannot attend together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

from domain.schedule import Schedule
from domain.school import Activity, School

TOP = 3  # "within the top 3" in the reports


@dataclass(frozen=True)
class Wish:
    """One student's ranked choices. `clubs` is in rank order; a student's ranks only
    order the choices, so gaps close up (ranks 1, 3, 5 read as 1st, 2nd, 3rd): the club
    at position p (1-based) is the student's p-th choice."""

    student_id: str
    group_id: str
    grades: tuple[int, ...]
    priority: bool
    clubs: tuple[str, ...]

    def position(self, activity_id: str) -> int:
        return self.clubs.index(activity_id) + 1


@dataclass(frozen=True)
class Occupancy:
    """What an activity asks of a student's week: `need` slots out of `slots`. A club
    whose slots are known (given, locked, or exactly as many allowed slots as sessions)
    has need == len(slots); otherwise the scheduler may pick any `need` of them."""

    slots: frozenset[str]
    need: int

    @property
    def fixed(self) -> bool:
        return self.need >= len(self.slots)


def seats_of(school: School, activity: Activity) -> int | None:
    """Seats of a club: `enrolled` (the planned size) capped by the largest room the
    club may use (its room type; any room when blank). No `enrolled`: the largest room.
    A school without rooms sets no room cap; None means no limit at all. A club whose room
    type no room has gets 0 seats (it cannot be held)."""
    rooms = [r for r in school.rooms if activity.room_type is None or r.type == activity.room_type]
    room_cap = max((r.capacity for r in rooms), default=0) if school.rooms else None
    if activity.enrolled is None:
        return room_cap
    return activity.enrolled if room_cap is None else min(activity.enrolled, room_cap)


def locked_slots(school: School, activity: Activity) -> tuple[str, ...] | None:
    """The slots of every session when the locks fix them all, else None."""
    by_session: dict[int, str] = {}
    for lk in school.locks:
        if lk.activity_id != activity.activity_id or lk.slot_id is None:
            continue
        if lk.session is None:
            if activity.sessions_per_week == 1:
                by_session[1] = lk.slot_id
        else:
            by_session[lk.session] = lk.slot_id
    wanted = range(1, activity.sessions_per_week + 1)
    if all(k in by_session for k in wanted):
        return tuple(by_session[k] for k in wanted)
    return None


def slots_from_schedule(schedule: Schedule) -> dict[str, tuple[str, ...]]:
    """activity_id -> the slots of its sessions in a schedule (basic service left out):
    the `slots` argument of `allocate` for a week that is already fixed."""
    out: dict[str, list[str]] = {}
    for p in sorted(schedule.sessions, key=lambda p: (p.activity_id, p.index)):
        if not p.activity_id.startswith("basic:"):
            out.setdefault(p.activity_id, []).append(p.slot_id)
    return {a: tuple(s) for a, s in out.items()}


@dataclass(frozen=True)
class ChoiceInstance:
    school: School
    slots: Mapping[str, Sequence[str]] | None = None
    seat_override: Mapping[str, int] | None = None

    @cached_property
    def max_clubs(self) -> int:
        return max(1, self.school.info.max_clubs_per_student)

    @cached_property
    def wishes(self) -> tuple[Wish, ...]:
        """Every student with at least one choice, by student id."""
        rows: dict[str, list] = {}
        for c in self.school.choices:
            rows.setdefault(c.student_id, []).append(c)
        out = []
        for sid in sorted(rows):
            mine = sorted(rows[sid], key=lambda c: (c.rank, c.activity_id))
            group = self.school.group_by_id.get(mine[0].group_id)
            clubs = tuple(dict.fromkeys(c.activity_id for c in mine))
            out.append(
                Wish(
                    student_id=sid,
                    group_id=mine[0].group_id,
                    grades=group.grade if group else (),
                    priority=any(c.priority for c in mine),
                    clubs=clubs,
                )
            )
        return tuple(out)

    @cached_property
    def clubs(self) -> tuple[str, ...]:
        """Clubs somebody chose that exist, by id."""
        chosen = {a for w in self.wishes for a in w.clubs}
        return tuple(sorted(a for a in chosen if a in self.school.activity_by_id))

    @cached_property
    def seats(self) -> dict[str, int]:
        """Seats of every chosen club (no limit: as many as chose it)."""
        demand: dict[str, int] = {}
        for w in self.wishes:
            for a in w.clubs:
                demand[a] = demand.get(a, 0) + 1
        out = {}
        for aid in self.clubs:
            if self.seat_override and aid in self.seat_override:
                out[aid] = self.seat_override[aid]
                continue
            seats = seats_of(self.school, self.school.activity_by_id[aid])
            out[aid] = demand[aid] if seats is None else seats
        return out

    @cached_property
    def _memo(self) -> dict[object, object]:
        return {}

    def occupancy(self, activity_id: str) -> Occupancy:
        key = ("occupancy", activity_id)
        if key not in self._memo:
            self._memo[key] = self._occupancy(activity_id)
        return self._memo[key]  # type: ignore[return-value]

    def _occupancy(self, activity_id: str) -> Occupancy:
        activity = self.school.activity_by_id[activity_id]
        given = (self.slots or {}).get(activity_id)
        if given is None:
            given = locked_slots(self.school, activity)
        if given is not None:
            return Occupancy(frozenset(given), len(set(given)))
        allowed = frozenset(self.school.allowed_slots(activity))
        return Occupancy(allowed, activity.sessions_per_week)

    @cached_property
    def class_activities(self) -> dict[str, tuple[str, ...]]:
        """group_id -> the activities the class attends as a whole (`groups`)."""
        out: dict[str, list[str]] = {}
        for a in self.school.activities:
            for g in a.groups:
                out.setdefault(g, []).append(a.activity_id)
        return {g: tuple(sorted(acts)) for g, acts in out.items()}

    def conflict(self, activities: Iterable[str]) -> bool:
        """Whether these activities cannot all fit one student's week: some subset needs
        more slots than its slots together offer (Hall's condition; exact for clubs with
        known slots, a necessary condition for those the scheduler still places)."""
        ids = frozenset(activities)
        key = ("conflict", ids)
        if key not in self._memo:
            self._memo[key] = self._conflict(ids)
        return self._memo[key]  # type: ignore[return-value]

    def _conflict(self, activities: frozenset[str]) -> bool:
        occ = [self.occupancy(a) for a in sorted(activities)]
        for size in range(2, len(occ) + 1):
            for part in combinations(occ, size):
                if sum(o.need for o in part) > len(frozenset().union(*(o.slots for o in part))):
                    return True
        return False

    @cached_property
    def committed(self) -> dict[str, tuple[str, ...]]:
        """student_id -> activities the enrolments sheet already gives them outside the
        sign-up (activities nobody chose): fixed, like their class's whole-class ones."""
        chosen = set(self.clubs)
        out: dict[str, set[str]] = {}
        for e in self.school.enrolments:
            if e.activity_id not in chosen and e.activity_id in self.school.activity_by_id:
                out.setdefault(e.student_id, set()).add(e.activity_id)
        return {s: tuple(sorted(a)) for s, a in out.items()}

    def fits(self, wish: Wish, clubs: Sequence[str]) -> bool:
        """The clubs can be one student's: no clash among them nor with the whole-class
        activities of the student's class or the activities they are already in."""
        fixed = (
            *self.class_activities.get(wish.group_id, ()),
            *self.committed.get(wish.student_id, ()),
        )
        return not self.conflict([*clubs, *fixed])

    def eligible(self, wish: Wish) -> tuple[str, ...]:
        """The student's clubs in rank order that could ever be granted: known, with a
        seat, open to the student's grade, and not clashing with their class's
        whole-class activities."""
        key = ("eligible", wish.student_id)
        if key not in self._memo:
            self._memo[key] = self._eligible(wish)
        return self._memo[key]  # type: ignore[return-value]

    def _eligible(self, wish: Wish) -> tuple[str, ...]:
        out = []
        for aid in wish.clubs:
            activity = self.school.activity_by_id.get(aid)
            if activity is None or self.seats.get(aid, 0) <= 0:
                continue
            if wish.grades and not activity.admits(wish.grades):
                continue
            if not self.fits(wish, [aid]):
                continue
            out.append(aid)
        return tuple(out)

    def clashing_sets(self, wish: Wish) -> list[tuple[str, ...]]:
        """Minimal sets (2..K) of the student's eligible clubs that cannot all be theirs."""
        found: list[tuple[str, ...]] = []
        clubs = self.eligible(wish)
        for size in range(2, min(self.max_clubs, len(clubs)) + 1):
            for part in combinations(clubs, size):
                if any(set(f) <= set(part) for f in found):
                    continue
                if not self.fits(wish, part):
                    found.append(part)
        return found
