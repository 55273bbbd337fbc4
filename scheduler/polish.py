"""Local search on who teaches what, on the model's exact objective (fairness in minutes).

Starting from a staffed week (clubs already placed), it moves sessions between teachers:
a transfer (one teacher-session from A to B) or a swap (A and B exchange one session each).
Only teachers change, never slots or rooms, so every move keeps the placement's room,
class and student rules; each move is checked against availability, skills, one session a
slot, `max_per_day`, `max_per_week` and distinct staff, and sessions that a fixed teacher or
a lock demands never move. A move is taken only when it lowers the objective (spread, fair
share, homeroom, days, external; the club placement fixes `adjacent_days`). Deterministic:
fixed visiting order, no clock, no randomness.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduler.clock import Deadline
from scheduler.model import Built, fair_shares, fairness_set

BASIC = ""  # as scheduler.warmstart.BASIC
Key = tuple[str, str]  # (activity or BASIC, slot)
# Candidate moves looked at before the search stops (a count, not a clock, so the result
# stays the same on every run). The benchmark and sample schools finish within a tenth of
# it; a school where every teacher may take every session (a high school's self-study) can
# ask for 3-cycles by the billion, which no hint is worth waiting for.
STEP_BUDGET = 3_000_000


class _OutOfSteps(Exception):
    """The step budget or the deadline is spent: stop with the week as it is (valid)."""


class Polisher:
    def __init__(
        self,
        built: Built,
        staff: dict[Key, list[str]],
        pinned: set,
        placement=None,
        budget: int = STEP_BUDGET,
        deadline: Deadline | None = None,
    ) -> None:
        inst = built.inst
        self.steps, self.budget, self.deadline = 0, budget, deadline
        self.built, self.inst, self.staff, self.pinned = built, inst, staff, pinned
        self.placement = placement  # scheduler.warmstart.Placement: lets clubs change slot
        self.w = built.weights
        self.length = {s: inst.length(s) for s in inst.slots}
        self.day = {s: inst.day(s) for s in inst.slots}
        self.teacher = {t.teacher_id: t for t in inst.teachers}
        fair = fairness_set(inst)
        self.share = fair_shares(inst, fair) if fair else {}
        fixed = {(a.fixed_teacher, a.activity_id) for a in inst.activities}
        self.external = {
            t.teacher_id for t in inst.teachers if t.external
        }  # sessions cost `external` unless fixed on them
        self.fixed = fixed
        self.cands: dict[Key, list[str]] = defaultdict(list)
        for s in inst.slots:
            self.cands[BASIC, s] = built.candidates(BASIC, s)
            for a in inst.activities:
                if (a.activity_id, s) in built.x:
                    self.cands[a.activity_id, s] = built.candidates(a.activity_id, s)
        self.group: dict[str, str] = {}
        self.own: dict[str, set[str]] = {}  # head -> basic slots of their class
        heads_at: Counter = Counter()
        for t in inst.teachers:
            if not t.homeroom:
                continue
            slots = {
                bs.slot_id
                for bs in inst.basic_sessions
                if bs.group_id == t.homeroom and (t.teacher_id, bs.slot_id) in built.z
            }
            if slots:
                self.group[t.teacher_id], self.own[t.teacher_id] = t.homeroom, slots
                for s in slots:
                    heads_at[t.homeroom, s] += 1
        need = {(bs.group_id, bs.slot_id): bs.need for bs in inst.basic_sessions}
        self.want = {k: min(need[k], n) for k, n in heads_at.items()}
        # State.
        self.jobs: dict[str, dict[str, str]] = {t: {} for t in self.teacher}
        self.per_day: Counter = Counter()
        self.load: Counter = Counter()
        self.on: Counter = Counter()  # (class, slot) -> own heads on basic duty
        for (aid, s), ts in staff.items():
            for t in ts:
                self._add(t, aid, s)
        self.loads = Counter(self.load[t] for t in self.share)
        self.hi_lo = (max(self.loads, default=0), min(self.loads, default=0))

    # --- state -----------------------------------------------------------------------

    def _add(self, t: str, aid: str, s: str, sign: int = 1) -> None:
        if sign > 0:
            self.jobs[t][s] = aid
        else:
            del self.jobs[t][s]
        self.per_day[t, self.day[s]] += sign
        self.load[t] += sign * self.length[s]
        if aid == BASIC and s in self.own.get(t, ()):
            self.on[self.group[t], s] += sign

    def apply(self, move: list[tuple[str, str, str, int]]) -> None:
        for t, aid, s, sign in move:
            if t in self.share:
                self.loads[self.load[t]] -= 1
                if not self.loads[self.load[t]]:
                    del self.loads[self.load[t]]
            self._add(t, aid, s, sign)
            if t in self.share:
                self.loads[self.load[t]] += 1
            if sign > 0:
                self.staff.setdefault((aid, s), []).append(t)
            else:
                self.staff[aid, s].remove(t)
        self.hi_lo = (max(self.loads, default=0), min(self.loads, default=0))

    # --- objective ---------------------------------------------------------------------

    def _miss(self, key: tuple[str, str], on: int) -> int:
        return max(0, self.want[key] - on)

    def _ext(self, t: str, aid: str) -> int:
        return 1 if t in self.external and (t, aid) not in self.fixed else 0

    def delta(self, move: list[tuple[str, str, str, int]]) -> int:
        """Change of the objective if the move (teacher, activity, slot, +1/-1)* is made."""
        self.step()
        w = self.w
        dload: dict[str, int] = {}
        dday: dict[tuple[str, int], int] = {}
        don: dict[tuple[str, str], int] = {}
        ext = 0
        for t, aid, s, sign in move:
            dload[t] = dload.get(t, 0) + sign * self.length[s]
            k = (t, self.day[s])
            dday[k] = dday.get(k, 0) + sign
            if t in self.external and (t, aid) not in self.fixed:
                ext += sign
            if aid == BASIC and s in self.own.get(t, ()):
                g = (self.group[t], s)
                don[g] = don.get(g, 0) + sign
        total = w.external * ext
        for k, d in dday.items():
            if d:
                before = self.per_day[k]
                total += w.days * ((before + d > 0) - (before > 0))
        for k, d in don.items():
            if d:
                total += w.homeroom * (self._miss(k, self.on[k] + d) - self._miss(k, self.on[k]))
        changed = [(t, d) for t, d in dload.items() if d and t in self.share]
        if changed:
            total += w.fair_share * sum(self._fair(t, d) for t, d in changed)
            if w.spread:
                total += w.spread * self._spread_change(changed)
        return total

    def _take(self, move: list[tuple[str, str, str, int]]) -> None:
        """Make the move; a club session left without teachers has moved to another slot."""
        self.apply(move)
        self.touched.update(t for t, *_ in move)
        for _t, aid, s, sign in move:
            if sign < 0 and aid != BASIC and not self.staff[aid, s]:
                del self.staff[aid, s]
                self.placement.remove(aid, s)
        for _t, aid, s, sign in move:
            if sign > 0 and aid != BASIC and s not in self.placement.held[aid]:
                self.placement.add(aid, s)

    def step(self, n: int = 1) -> None:
        """Count n looked-at candidates; stop the search when the budget or time is spent."""
        self.steps += n
        if self.steps > self.budget:
            raise _OutOfSteps
        if self.deadline is not None and self.steps % 1024 < n and self.deadline.passed():
            raise _OutOfSteps

    def _spread_change(self, changed: list[tuple[str, int]]) -> int:
        hi, lo = self.hi_lo
        if all(lo < self.load[t] < hi and lo <= self.load[t] + d <= hi for t, d in changed):
            return 0  # the extremes stay where they are
        loads = self.loads
        before = max(loads) - min(loads)
        for t, d in changed:
            loads[self.load[t]] -= 1
            loads[self.load[t] + d] += 1
        after = max(k for k, n in loads.items() if n) - min(k for k, n in loads.items() if n)
        for t, d in changed:
            loads[self.load[t] + d] -= 1
            loads[self.load[t]] += 1
            if not loads[self.load[t] + d]:
                del loads[self.load[t] + d]
        return after - before

    # --- moves -----------------------------------------------------------------------

    def can_take(self, t: str, aid: str, s: str, leaving: str | None = None) -> bool:
        """t may take (aid, s), possibly while giving up its session at slot `leaving`."""
        jobs = self.jobs[t]
        if s in jobs and s != leaving:
            return False
        teacher = self.teacher[t]
        d = self.day[s]
        if (leaving is None or self.day[leaving] != d) and self.per_day[
            t, d
        ] >= teacher.max_per_day:
            return False
        return leaving is not None or len(jobs) < teacher.max_per_week

    def movable(self, t: str, aid: str, s: str) -> bool:
        return (t, aid, s) not in self.pinned

    def _fair(self, t: str, d: int) -> int:
        """Change of t's deviation from its fair share if its load changes by d minutes."""
        share = self.share.get(t)
        if share is None or not d:
            return 0
        load = self.load[t]
        return abs(load + d - share) - abs(load - share)

    def _promising(self, a: str, da: int, b: str, db: int, others: bool) -> bool:
        """Cheap filter: could the move lower the objective at all? `others` says whether a
        term other than fairness (homeroom, days, external) may improve."""
        if others:
            return True
        if self.w.fair_share * (self._fair(a, da) + self._fair(b, db)) < 0:
            return True
        if not self.w.spread or not (da or db):
            return False
        hi, lo = self.hi_lo  # the spread drops only if every teacher at an extreme leaves it
        moved = [(self.load[t], d) for t, d in ((a, da), (b, db)) if d and t in self.share]
        down = sum(1 for load, d in moved if load == hi and d < 0)
        up = sum(1 for load, d in moved if load == lo and d > 0)
        return (down and down == self.loads[hi]) or (up and up == self.loads[lo])

    def _others(self, t: str, giving: tuple[str, str] | None, taking: tuple[str, str]) -> bool:
        """Could t's part of a move lower homeroom, days or external (not fairness)?"""
        if t in self.external and giving is not None and (t, giving[0]) not in self.fixed:
            return True
        own = self.own.get(t)
        if own and taking[0] == BASIC and taking[1] in own:
            key = (self.group[t], taking[1])
            if self.on[key] < self.want[key]:
                return True
        return self.teacher[t].max_per_day > 1  # may free or share a whole day

    def best_transfer(
        self, aid: str, s: str, a: str, only: set[str] | None = None
    ) -> tuple[int, list] | None:
        """Best transfer of A's session (aid, s) to another teacher (one of `only`)."""
        best: tuple[int, list] | None = None
        ts = self.staff[aid, s]
        length = self.length[s]
        a_other = self._others(a, (aid, s), ("-", s))
        for b in self.cands[aid, s] if only is None else self._among(aid, s, only):
            if b == a or b in ts or not self.can_take(b, aid, s):
                continue
            others = a_other or self._others(b, None, (aid, s))
            if not self._promising(a, -length, b, length, others):
                continue
            move = [(a, aid, s, -1), (b, aid, s, 1)]
            d = self.delta(move)
            if d < 0 and (best is None or d < best[0]):
                best = (d, move)
        return best

    def best_swap(
        self, aid: str, s: str, a: str, only: set[str] | None = None
    ) -> tuple[int, list] | None:
        """A gives (aid, s) to B (one of `only`) and takes one of B's sessions."""
        best: tuple[int, list] | None = None
        ts = self.staff[aid, s]
        length = self.length[s]
        a_ext = a in self.external or self.teacher[a].max_per_day > 1
        a_own = self.own.get(a, ())
        for b in self.cands[aid, s] if only is None else self._among(aid, s, only):
            if b == a or b in ts:
                continue
            base = (
                a_ext
                or b in self.external
                or self.teacher[b].max_per_day > 1
                or (aid == BASIC and s in self.own.get(b, ()) and self._others(b, None, (aid, s)))
            )
            for s2, aid2 in self.jobs[b].items():
                d = self.length[s2] - length
                own = aid2 == BASIC and s2 in a_own
                if not (d or base or own):
                    continue  # same length, nothing else at stake: the objective cannot drop
                if (aid2 == aid and s2 == s) or not self.movable(b, aid2, s2):
                    continue
                others = base or (own and self._others(a, None, (aid2, s2)))
                if not self._promising(a, d, b, -d, others):
                    continue
                if a in self.staff[aid2, s2] or not self._has_var(a, aid2, s2):
                    continue
                if not self.can_take(a, aid2, s2, leaving=s):
                    continue
                if not self.can_take(b, aid, s, leaving=s2):
                    continue
                move = [(a, aid, s, -1), (b, aid2, s2, -1), (a, aid2, s2, 1), (b, aid, s, 1)]
                gain = self.delta(move)
                if gain < 0 and (best is None or gain < best[0]):
                    best = (gain, move)
        return best

    def best_relocation(
        self, aid: str, s: str, a: str, only: set[str] | None = None
    ) -> tuple[int, list] | None:
        """Move A's one-teacher club session to another slot, taught there by A, or by B
        (one of `only`), who may hand A a session on that day in exchange."""
        placement = self.placement
        if placement is None or aid == BASIC or aid in placement.locked:
            return None
        if self.inst.school.activity_by_id[aid].staff != 1:
            return None
        best: tuple[int, list] | None = None
        for s2 in self.inst.allowed(self.inst.school.activity_by_id[aid]):
            if s2 == s or placement.fits(aid, s2, moving=s) is None:
                continue
            adjacent = self.w.adjacent_days * placement.adjacent_change(aid, s, s2)
            cands = self.cands[aid, s2] if only is None else self._among(aid, s2, only | {a})
            for move in self._relocations(aid, s, s2, a, cands):
                gain = self.delta(move) + adjacent
                if gain < 0 and (best is None or gain < best[0]):
                    best = (gain, move)
        return best

    def _relocations(self, aid: str, s: str, s2: str, a: str, cands: list[str]):
        leave = (a, aid, s, -1)
        for b in cands:
            if b == a:
                if self.can_take(a, aid, s2, leaving=s):
                    yield [leave, (a, aid, s2, 1)]
                continue
            if self.can_take(b, aid, s2):
                yield [leave, (b, aid, s2, 1)]
            for s3, aid3 in list(self.jobs[b].items()):
                if aid3 == aid or not self.movable(b, aid3, s3):
                    continue
                if a in self.staff[aid3, s3] or not self._has_var(a, aid3, s3):
                    continue
                if self.can_take(a, aid3, s3, leaving=s) and self.can_take(b, aid, s2, leaving=s3):
                    yield [leave, (b, aid3, s3, -1), (a, aid3, s3, 1), (b, aid, s2, 1)]

    def best_cycle(
        self, aid: str, s: str, a: str, only: set[str] | None = None
    ) -> tuple[int, list] | None:
        """A's club session goes to B, one of B's club sessions to C, one of C's sessions to A.

        B's load often stays the same (a club for a club), so this reaches exchanges
        between A and C when C is not qualified for A's club. Only club-to-club first steps
        are tried, which keeps the candidate lists short (qualified teachers only)."""
        if aid == BASIC:
            return None
        best: tuple[int, list] | None = None
        ts = self.staff[aid, s]
        la = self.length[s]
        direct = set(self.cands[aid, s])
        for b in self.cands[aid, s]:
            if b == a or b in ts:
                continue
            for s2, aid2 in list(self.jobs[b].items()):
                if aid2 == BASIC or (aid2, s2) == (aid, s) or not self.movable(b, aid2, s2):
                    continue
                if not self.can_take(b, aid, s, leaving=s2):
                    continue
                lb = self.length[s2]
                fb = self._fair(b, la - lb)
                staff2 = self.staff[aid2, s2]
                self.step(len(self.cands[aid2, s2]))
                for c in self.cands[aid2, s2]:
                    if c in (a, b) or c in staff2:
                        continue
                    if c in direct:
                        continue  # C could take A's club itself: transfers and swaps try that
                    if only is not None and b not in only and c not in only:
                        continue
                    found = self._close_cycle(aid, s, a, aid2, s2, b, c, fb)
                    if found is not None and (best is None or found[0] < best[0]):
                        best = found
        return best

    def _close_cycle(self, aid, s, a, aid2, s2, b, c, fb) -> tuple[int, list] | None:
        """C gives one of its sessions to A, completing A -> B -> C -> A."""
        best = None
        la, lb = self.length[s], self.length[s2]
        others = (
            self.teacher[a].max_per_day > 1
            or self.teacher[c].max_per_day > 1
            or bool(self.external & {a, b, c})
        )
        self.step(len(self.jobs[c]))
        for s3, aid3 in list(self.jobs[c].items()):
            if (aid3, s3) in ((aid, s), (aid2, s2)) or not self.movable(c, aid3, s3):
                continue
            lc = self.length[s3]
            fair = fb + self._fair(a, lc - la) + self._fair(c, lb - lc)
            own = aid3 == BASIC and self._others(a, None, (aid3, s3))
            if not self._promising_fair(fair, (a, lc - la), (b, la - lb), (c, lb - lc)) and not (
                others or own
            ):
                continue
            if a in self.staff[aid3, s3] or not self._has_var(a, aid3, s3):
                continue
            if not self.can_take(c, aid2, s2, leaving=s3):
                continue
            if not self.can_take(a, aid3, s3, leaving=s):
                continue
            move = [
                (a, aid, s, -1),
                (b, aid2, s2, -1),
                (c, aid3, s3, -1),
                (b, aid, s, 1),
                (c, aid2, s2, 1),
                (a, aid3, s3, 1),
            ]
            gain = self.delta(move)
            if gain < 0 and (best is None or gain < best[0]):
                best = (gain, move)
        return best

    def _promising_fair(self, fair: int, *changes: tuple[str, int]) -> bool:
        """Could a move with these load changes lower fairness (deviation or spread)?"""
        if self.w.fair_share * fair < 0:
            return True
        if not self.w.spread:
            return False
        hi, lo = self.hi_lo
        moved = [(self.load[t], d) for t, d in changes if d and t in self.share]
        down = sum(1 for load, d in moved if load == hi and d < 0)
        up = sum(1 for load, d in moved if load == lo and d > 0)
        return bool((down and down == self.loads[hi]) or (up and up == self.loads[lo]))

    def _among(self, aid: str, s: str, only: set[str]) -> list[str]:
        return [t for t in sorted(only) if self._has_var(t, aid, s)]

    def _has_var(self, t: str, aid: str, s: str) -> bool:
        return self.built.duty_var(t, aid, s) is not None

    def run(self, passes: int, swaps: bool = True, focus: set[str] | None = None) -> int:
        """Improve until no move helps or `passes` sweeps are done; returns the gain.

        After the first sweep, only moves that involve a teacher changed in the previous
        sweep are looked at: the others were tried already and found no better. `focus`
        limits the first sweep the same way (None: everyone).
        """
        start = self.objective()
        finders = [self.best_transfer]
        if swaps:
            finders += [self.best_swap, self.best_relocation, self.best_cycle]
        try:
            for _ in range(passes):
                if not self._sweep(finders, focus):
                    break
                focus = self.touched
        except _OutOfSteps:
            pass  # moves are made whole in `_take`, so the week is valid as it stands
        return start - self.objective()

    def _sweep(self, finders: list, focus: set[str] | None) -> int:
        """One pass of every finder over every movable teacher-session; returns the gain."""
        self.touched: set[str] = set()
        improved = 0
        for finder in finders:
            for aid, s in sorted(self.staff):
                for a in list(self.staff.get((aid, s), ())):
                    if a not in self.staff.get((aid, s), ()) or not self.movable(a, aid, s):
                        continue
                    found = finder(aid, s, a, None if focus is None or a in focus else focus)
                    if found is not None:
                        self._take(found[1])
                        improved -= found[0]
        return improved

    def objective(self) -> int:
        """The model's objective of the current week (terms the moves can change)."""
        w = self.w
        loads = [self.load[t] for t in self.share]
        total = w.spread * (max(loads) - min(loads)) if loads else 0
        total += w.fair_share * sum(abs(self.load[t] - sh) for t, sh in self.share.items())
        total += w.homeroom * sum(self._miss(k, self.on[k]) for k in self.want)
        total += w.days * sum(1 for n in self.per_day.values() if n)
        total += w.external * sum(
            self._ext(t, aid) for t, jobs in self.jobs.items() for aid in jobs.values()
        )
        if self.placement is not None:
            total += w.adjacent_days * sum(
                self.placement.adjacent(aid, slots) for aid, slots in self.placement.held.items()
            )
        return total


def polish(
    built: Built,
    staff: dict[Key, list[str]],
    pinned: set,
    placement=None,
    passes: int = 8,
    budget: int = STEP_BUDGET,
    deadline: Deadline | None = None,
) -> int:
    """Improve `staff` (and `placement`, if given) in place; returns the objective's drop.
    Stops early, with a valid week, after `budget` candidate moves or at `deadline`."""
    if not staff:
        return 0
    return Polisher(built, staff, pinned, placement, budget, deadline).run(passes)
