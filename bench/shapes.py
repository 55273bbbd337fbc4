"""Benchmark schools by shape family, each built around a planted week.

    from bench.shapes import FAMILIES, SIZES, generate, witness
    school = generate("high_self_study", "L", seed=0)
    week = witness("high_self_study", "L", seed=0)   # a valid schedule of that school

Every school is made schedule first: the generator lays out the slot grid, the classes, the
rooms and the activities, places every session at a slot and in a room, staffs it, and only
then writes down what the week implies: each teacher's skills (what they teach, plus a few
more), daily and weekly limits (what they teach, plus slack so that demand is 80-95% of the
teachers' capacity), unavailable slots (only where they teach nothing), opt-outs (teachers
left without work), enrolments (students join clubs whose slots are free for them) and
locks (cells copied from the planted week). So every school here is feasible, and the
planted week proves it: `tests/test_shapes.py` runs it through the independent checker.

The code is independent of `bench/instances.py` and `samplegen/` (its own slot grids,
names, placement and staffing). Families (`FAMILIES`):

- `high_self_study`: a high school with 早读 06:50 and 晚自习 19:00 / 20:20, Mon-Fri, kind
  self_study; each class has three whole-class self-study activities, five sessions a week
  each (one a day), some needing 英语/语文 or 数学, in home rooms; no basic care; each
  homeroom teacher locked to several of their class's sessions, plus 0-30% other locks.
  Size L is the case of issue 13: 18 classes, 70 teachers, 15 slots, 120 locks.
- `junior_enrolments`: a junior school (grades 7-9) with an enrolments sheet: students in
  one to three clubs each, whole-class PE and tutoring (`groups`), basic care on some days.
- `village_multigrade`: village schools of multi-grade classes (`grade` lists), few
  teachers with tight weekly limits, external instructors holding the folk-art and sports
  skills nobody else has, available only on the days they come.
- `urban_primary_2p` / `urban_primary_3p`: urban primary schools, Mon-Fri x 2 or 3 periods;
  late basic care in the last period (and, with 3 periods, the middle one for grades 1-3),
  clubs in the others.
- `timetabling`: like the Timefold school-timetabling demo: every activity is one subject
  of one class (`groups`), with a `fixed_teacher`; 5-7 periods a day; exactly as many
  classrooms as the busiest period of the planted timetable uses.
- `nine_year_tight_rooms`: a nine-year school (grades 1-9) whose clubs need labs, music
  rooms, gyms, computer rooms and art rooms, of which there are just enough for the
  planted week (85-95% of their room-slots used).

Sizes S, M, L, XL (80-110 teachers, 40-50 classes), XXL (150-200 teachers); generation is
deterministic for (family, size, seed).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from domain.schedule import Placed, Schedule
from domain.school import (
    Activity,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
    basic_activity_id,
)

SIZES = ("S", "M", "L", "XL", "XXL")
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治")
SUBJECT_WEIGHTS = (4, 4, 4, 2, 2, 2, 1, 1, 1)
# club skill: (category, room type or None for any room)
CLUB_SKILLS = {
    "合唱": ("arts", "music"),
    "器乐": ("arts", "music"),
    "美术": ("arts", "art"),
    "书法": ("arts", "art"),
    "篮球": ("sports", "gym"),
    "乒乓球": ("sports", "gym"),
    "足球": ("sports", "field"),
    "田径": ("sports", "field"),
    "编程": ("science", "computer"),
    "机器人": ("science", "computer"),
    "科学实验": ("science", "lab"),
    "种植": ("labour", None),
    "手工": ("labour", "classroom"),
    "研学": ("social_practice", None),
    "阅读": ("academic", "library"),
    "围棋": ("academic", "classroom"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文晶鹏慧"


# --------------------------------------------------------------------------- the week


@dataclass
class Sess:
    """One planted session: where and when, how many teachers, and (after staffing) who."""

    activity_id: str
    kind: str  # basic / extended / self_study
    slot_id: str
    room_id: str
    need: int
    skill: str | None = None
    prefer: str | None = None  # teacher to try first (the homeroom teacher for basic care)
    teachers: list[str] = field(default_factory=list)
    index: int = 0  # 1-based in time order, set by `_index`


class Week:
    """The planted week being built: slots, rooms, and who is busy where."""

    def __init__(self, slots: list[Slot], rooms: list[Room], rng: random.Random) -> None:
        self.slots = slots
        self.slot = {s.slot_id: s for s in slots}
        self.rooms = sorted(rooms, key=lambda r: (r.capacity, r.room_id))
        self.rng = rng
        self.room_busy: set[tuple[str, str]] = set()
        self.class_busy: set[tuple[str, str]] = set()
        self.student_busy: set[tuple[str, str]] = set()
        self.demand: Counter = Counter()  # teacher-sessions per slot
        self.sessions: list[Sess] = []
        self.by_activity: dict[str, list[Sess]] = defaultdict(list)

    def day(self, slot_id: str) -> int:
        return self.slot[slot_id].day

    def room_for(self, slot_id: str, rtype: str | None, seats: int, prefer: str | None = None):
        """The smallest free room of the type with enough seats (the preferred one first)."""
        for r in ([self._room(prefer)] if prefer else []) + self.rooms:
            if r is None or (r.room_id, slot_id) in self.room_busy:
                continue
            if (rtype is None or r.type == rtype) and r.capacity >= seats:
                return r.room_id
        return None

    def _room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.room_id == room_id), None)

    def put(
        self,
        activity_id: str,
        kind: str,
        slot_id: str,
        room_id: str,
        need: int,
        skill: str | None = None,
        groups: tuple[str, ...] = (),
        students: tuple[str, ...] = (),
        prefer: str | None = None,
    ) -> Sess:
        self.room_busy.add((room_id, slot_id))
        self.class_busy.update((g, slot_id) for g in groups)
        self.student_busy.update((st, slot_id) for st in students)
        self.demand[slot_id] += need
        sess = Sess(activity_id, kind, slot_id, room_id, need, skill, prefer)
        self.sessions.append(sess)
        self.by_activity[activity_id].append(sess)
        return sess

    def drop(self, activity_id: str) -> None:
        """Take an activity's sessions out again (a club nobody joined)."""
        for sess in self.by_activity.pop(activity_id, []):
            self.sessions.remove(sess)
            self.room_busy.discard((sess.room_id, sess.slot_id))
            self.demand[sess.slot_id] -= sess.need

    def place(
        self,
        activity_id: str,
        kind: str,
        spw: int,
        allowed: list[str],
        need: int,
        skill: str | None,
        rtype: str | None,
        seats: int,
        groups: tuple[str, ...] = (),
        students: tuple[str, ...] = (),
        cap: int | None = None,
        home: str | None = None,
    ) -> list[Sess] | None:
        """Place `spw` sessions on different days at allowed slots where the classes, the
        students and a room are free and the slot's teacher demand stays within `cap`;
        the least loaded slots first, days at random. None (nothing placed) if impossible."""
        options: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for s in allowed:
            if any((g, s) in self.class_busy for g in groups):
                continue
            if any((st, s) in self.student_busy for st in students):
                continue
            if cap is not None and self.demand[s] + need > cap:
                continue
            room = self.room_for(s, rtype, seats, home)
            if room is not None:
                options[self.day(s)].append((s, room))
        if len(options) < spw:
            return None
        days = sorted(
            options,
            key=lambda d: (min(self.demand[s] for s, _ in options[d]) + 4 * self.rng.random(), d),
        )[:spw]
        out = []
        for d in sorted(days):
            s, room = min(options[d], key=lambda o: (self.demand[o[0]], self.rng.random()))
            out.append(self.put(activity_id, kind, s, room, need, skill, groups, students))
        return out


# --------------------------------------------------------------------------- staffing


@dataclass
class Person:
    tid: str
    skills: set[str]
    mpd: int  # most sessions a day
    wcap: int  # most sessions a week in the planted week
    homeroom: str | None = None
    external: bool = False
    load: int = 0
    busy: set[str] = field(default_factory=set)
    per_day: Counter = field(default_factory=Counter)


def _can(p: Person, week: Week, sess: Sess) -> bool:
    return (
        sess.slot_id not in p.busy
        and p.per_day[week.day(sess.slot_id)] < p.mpd
        and p.load < p.wcap
        and p.tid not in sess.teachers
    )


def _give(p: Person, week: Week, sess: Sess) -> None:
    sess.teachers.append(p.tid)
    p.busy.add(sess.slot_id)
    p.per_day[week.day(sess.slot_id)] += 1
    p.load += 1
    if sess.skill:
        p.skills.add(sess.skill)


def staff(
    week: Week,
    people: list[Person],
    rng: random.Random,
    forced: list[tuple[Sess, str]] = (),
    fixed: list[str] = (),
    external_skills: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Give every session its teachers: forced pairs first, then one teacher for all sessions
    of each `fixed` activity, then the skilled sessions and the rest, each to the least
    loaded free teacher who has the skill (or, failing that, any free internal teacher, who
    then gets the skill; or a new teacher). External instructors teach only the skills in
    `external_skills`, which nobody else gets. Returns activity -> fixed teacher."""
    by_id = {p.tid: p for p in people}
    for sess, tid in forced:
        _give(by_id[tid], week, sess)

    def spawn(skill: str | None, external: bool) -> Person:
        p = Person(f"T{len(people) + 1:03d}", set(), 1, 5, external=external)
        if skill:
            p.skills.add(skill)
        people.append(p)
        by_id[p.tid] = p
        return p

    def fits(p: Person, skill: str | None) -> bool:
        return p.external == (skill in external_skills)

    fixed_of: dict[str, str] = {}
    for aid in fixed:
        sessions = week.by_activity[aid]
        skill = sessions[0].skill
        cands = [p for p in people if fits(p, skill) and all(_can(p, week, s) for s in sessions)]
        cands = [p for p in cands if p.load + len(sessions) <= p.wcap]
        skilled = [p for p in cands if skill is None or skill in p.skills]
        pool = skilled or ([] if skill in external_skills else cands)
        p = (
            min(pool, key=lambda p: (p.load, rng.random()))
            if pool
            else spawn(skill, skill in external_skills)
        )
        for s in sessions:
            _give(p, week, s)
        fixed_of[aid] = p.tid
    rest = [s for s in week.sessions if len(s.teachers) < s.need and s.activity_id not in fixed]
    rng.shuffle(rest)
    rest.sort(
        key=lambda s: (s.skill not in external_skills, s.skill is None, -week.demand[s.slot_id])
    )
    for sess in rest:
        while len(sess.teachers) < sess.need:
            cands = [p for p in people if fits(p, sess.skill) and _can(p, week, sess)]
            skilled = [p for p in cands if sess.skill is None or sess.skill in p.skills]
            day = week.day(sess.slot_id)
            preferred = [p for p in skilled if p.tid == sess.prefer]
            pool = preferred or skilled or ([] if sess.skill in external_skills else cands)
            if pool:
                p = min(pool, key=lambda p: (p.load, p.per_day[day], rng.random()))
            else:
                p = spawn(sess.skill, sess.skill in external_skills)
            _give(p, week, sess)
    return fixed_of


# --------------------------------------------------------------------------- the school


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _index(week: Week) -> None:
    """Session indices in time order (day, then start), as the contract numbers them."""
    for sessions in week.by_activity.values():
        sessions.sort(key=lambda s: (week.slot[s.slot_id].order, s.slot_id))
        for i, s in enumerate(sessions, 1):
            s.index = i


def _lock_of(sess: Sess, fields: set[str], rng: random.Random) -> Lock:
    basic = sess.kind == "basic"
    return Lock(
        sess.activity_id,
        session=None if basic else sess.index,
        slot_id=sess.slot_id if basic or "slot" in fields else None,
        room_id=sess.room_id if "room" in fields and not basic else None,
        teacher_id=rng.choice(sorted(sess.teachers)) if basic or "teacher" in fields else None,
    )


def _lock_share(rng: random.Random) -> float:
    """Share of sessions to lock: none for a third of the schools, else 5-30%."""
    return 0.0 if rng.random() < 1 / 3 else rng.uniform(0.05, 0.3)


def _random_locks(week: Week, share: float, rng: random.Random, skip=()) -> list[Lock]:
    """Locks on `share` of the sessions, each fixing one to three cells of the planted week."""
    skip = set(map(id, skip))
    pool = [s for s in week.sessions if id(s) not in skip]
    chosen = rng.sample(pool, min(len(pool), round(share * len(week.sessions))))
    combos = (("slot",), ("teacher",), ("room",), ("slot", "teacher"), ("slot", "room"))
    combos += (("slot", "room", "teacher"),)
    return [_lock_of(s, set(rng.choice(combos)), rng) for s in chosen]


def finish(
    info: SchoolInfo,
    week: Week,
    groups: list[Group],
    activities: list[Activity],
    rooms: list[Room],
    people: list[Person],
    rng: random.Random,
    *,
    tight: float,
    locks: list[Lock],
    enrolments: list[Enrolment] = (),
    unavailable_share: float = 0.3,
    extra_skills: tuple[str, ...] = (),
    fixed_of: dict[str, str] | None = None,
) -> tuple[School, Schedule]:
    """Teachers, limits and availability from the planted week, and the week as a Schedule.

    Weekly limits start at what each teacher teaches; then slack is spread at random over
    teachers with room for it (days they can still work) until the week's teacher-sessions
    are `tight` of the capacity. A teacher who teaches nothing and got no slack opts out.
    """
    slots_by_day: dict[int, list[str]] = defaultdict(list)
    for s in week.slots:
        slots_by_day[s.day].append(s.slot_id)
    unavailable: dict[str, list[str]] = {}
    for p in people:
        free = [s.slot_id for s in week.slots if s.slot_id not in p.busy]
        if p.external:  # comes only on the days it teaches
            days = {week.day(s) for s in p.busy}
            unavailable[p.tid] = [s for s in free if week.day(s) not in days]
        elif free and rng.random() < unavailable_share:
            unavailable[p.tid] = sorted(rng.sample(free, min(len(free), rng.randint(1, 3))))
        else:
            unavailable[p.tid] = []

    def daycap(p: Person) -> int:
        blocked = set(unavailable[p.tid])
        return sum(
            min(p.mpd, sum(1 for s in ids if s not in blocked)) for ids in slots_by_day.values()
        )

    limit = {p.tid: p.load for p in people}
    top = {p.tid: min(daycap(p), p.wcap + 2) for p in people}
    demand = sum(p.load for p in people)
    slack = math.ceil(demand / tight) - demand
    internal = [p for p in people if not p.external]
    while slack > 0:
        room = [p for p in internal if limit[p.tid] < top[p.tid]]
        if not room:
            break
        limit[rng.choice(room).tid] += 1
        slack -= 1
    teachers = []
    for p in sorted(people, key=lambda p: p.tid):
        extra = {x for x in extra_skills if rng.random() < 0.12} if not p.external else set()
        teachers.append(
            Teacher(
                p.tid,
                _name(rng),
                tuple(sorted(p.skills | extra)),
                max_per_week=limit[p.tid] or 5,
                max_per_day=p.mpd,
                unavailable=tuple(unavailable[p.tid]),
                opt_in=limit[p.tid] > 0,
                homeroom=p.homeroom,
                external=p.external,
            )
        )
    if fixed_of:
        activities = [replace(a, fixed_teacher=fixed_of.get(a.activity_id)) for a in activities]
    school = School(
        info,
        tuple(week.slots),
        tuple(teachers),
        tuple(groups),
        tuple(activities),
        tuple(rooms),
        tuple(enrolments),
        tuple(locks),
    )
    placed = []
    for sess in week.sessions:
        slot = week.slot[sess.slot_id]
        placed.append(
            Placed(
                sess.activity_id,
                sess.index,
                sess.kind,
                slot.day,
                sess.slot_id,
                slot.start,
                slot.end,
                sess.room_id,
                tuple(sorted(sess.teachers)),
            )
        )
    return school, Schedule(info.school_id, tuple(placed))


def _subjects(rng: random.Random, k: int = 1) -> set[str]:
    out: set[str] = set()
    while len(out) < k:
        out.add(rng.choices(SUBJECTS, SUBJECT_WEIGHTS)[0])
    return out


def _day_slots(slots: list[Slot]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for s in slots:
        out[s.day].append(s.slot_id)
    return out


def _club_rooms(clubs_per_type: Counter, n_slots: int, spare: float) -> list[Room]:
    """Rooms of each club type: enough for its weekly sessions at `spare` head-room."""
    caps = {"music": 60, "art": 45, "gym": 80, "field": 120, "computer": 45, "lab": 45}
    caps |= {"library": 50, "classroom": 45}
    rooms = []
    for rtype in sorted(clubs_per_type):
        n = max(1, math.ceil(clubs_per_type[rtype] * spare / n_slots))
        for k in range(1, n + 1):
            rooms.append(Room(f"{rtype}-{k}", f"{rtype}{k}", rtype, caps[rtype]))
    return rooms


def _slot_cap(people: int, share: float = 0.9) -> int:
    """Most teacher-sessions the placement puts at one slot: a share of all teachers."""
    return max(1, int(people * share))


# --------------------------------------------------------------------------- families

HIGH = {"S": (3, 12, 1), "M": (8, 32, 1), "L": (18, 70, 1), "XL": (45, 100, 2), "XXL": (80, 180, 2)}


def high_self_study(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    n_classes, n_teachers, mpd = HIGH[size]
    slots = []
    for d in range(1, 6):
        slots += [
            Slot(f"{d}ZD", d, "06:50", "07:30", "self_study"),
            Slot(f"{d}W1", d, "19:00", "20:10", "self_study"),
            Slot(f"{d}W2", d, "20:20", "21:30", "self_study"),
        ]
    by_code = {c: [f"{d}{c}" for d in range(1, 6)] for c in ("ZD", "W1", "W2")}
    groups, rooms = [], []
    for i in range(n_classes):
        gid = f"H{10 + i % 3}-{i // 3 + 1:02d}"
        students = rng.randint(42, 56)
        groups.append(Group(gid, (10 + i % 3,), students))
        rooms.append(Room(f"R{gid}", f"{gid}教室", "classroom", students + rng.randint(0, 6), gid))
    rooms += [Room(f"RS{k}", f"备用教室{k}", "classroom", 50) for k in (1, 2)]
    rooms.append(Room("LIB", "图书馆", "library", 120))
    week = Week(slots, rooms, rng)
    activities = []
    # How much of the allowed-slot column the school left blank (blank: any self-study slot).
    blank_all, blank_evening = rng.choice((0.0, 0.0, 0.3)), rng.choice((0.3, 0.6, 1.0))
    names = {"ZD": "早读", "W1": "晚自习一", "W2": "晚自习二"}
    for g in groups:
        r = rng.random()
        blank = (
            {"ZD", "W1", "W2"} if r < blank_all else {"W1", "W2"} if r < blank_evening else set()
        )
        skills = {
            "ZD": rng.choice((None, None, "英语", "语文")),
            "W1": None,
            "W2": "数学" if rng.random() < 0.4 else None,
        }
        for code in ("ZD", "W1", "W2"):
            activities.append(
                Activity(
                    f"{g.group_id}-{code}",
                    f"{g.group_id}{names[code]}",
                    "self_study",
                    skill=skills[code],
                    sessions_per_week=5,
                    enrolled=g.students,
                    room_type="classroom",
                    allowed_slots=() if code in blank else tuple(by_code[code]),
                    groups=(g.group_id,),
                )
            )
        for d in range(1, 6):
            order = ["ZD", "W1", "W2"]  # order[i]: the activity at the day's i-th slot
            free = [i for i, code in enumerate(order) if code in blank]
            moved = [order[i] for i in free]
            rng.shuffle(moved)
            for i, code in zip(free, moved, strict=True):
                order[i] = code
            for code, at in zip(order, ("ZD", "W1", "W2"), strict=True):
                week.put(
                    f"{g.group_id}-{code}",
                    "self_study",
                    f"{d}{at}",
                    f"R{g.group_id}",
                    1,
                    skills[code],
                    (g.group_id,),
                )
    people = []
    for i in range(n_teachers):
        people.append(
            Person(
                f"T{i + 1:03d}",
                _subjects(rng, rng.choice((1, 1, 2))),
                mpd,
                5 * mpd - (2 if mpd > 1 else 0),
                homeroom=groups[i].group_id if i < n_classes else None,
            )
        )
    _index(week)
    forced = []
    for g, p in zip(groups, people, strict=False):
        k = 4 if size == "L" else rng.randint(2, 4)
        mine = [
            s
            for s in week.sessions
            if s.activity_id.startswith(g.group_id + "-")
            and (s.skill is None or s.skill in p.skills)
        ]
        rng.shuffle(mine)
        days: Counter = Counter()
        for s in mine:
            if len([f for f in forced if f[1] == p.tid]) >= k:
                break
            if days[week.day(s.slot_id)] < mpd:
                days[week.day(s.slot_id)] += 1
                forced.append((s, p.tid))
    staff(week, people, rng, forced)
    locks = []
    for s, tid in forced:  # the homeroom teacher on their own class's session
        slot = s.slot_id if rng.random() < 0.5 else None
        locks.append(Lock(s.activity_id, s.index, slot, None, tid))
    n = len(week.sessions)
    share = (120 - len(locks)) / n if size == "L" else rng.uniform(0, 0.3)
    locks += _random_locks(week, max(0.0, share), rng, skip=[s for s, _ in forced])
    info = SchoolInfo(f"SH-HSS-{size}-{seed}", f"高中自习{size}", "high", "town")
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.8, 0.95),
        locks=locks,
        extra_skills=SUBJECTS,
    )


JUNIOR = {"S": (3, 10), "M": (9, 26), "L": (21, 56), "XL": (45, 95), "XXL": (90, 185)}
JUNIOR_CLUBS = ("合唱", "美术", "篮球", "足球", "编程", "科学实验", "围棋", "阅读", "田径")


def junior_enrolments(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    n_classes, n_teachers = JUNIOR[size]
    slots = []
    for d in range(1, 6):
        if d == 3:
            slots.append(Slot("3W", 3, "14:20", "15:05", "extended"))
        slots.append(Slot(f"{d}A", d, "16:05", "16:50", "extended"))
        slots.append(Slot(f"{d}B", d, "17:00", "17:50", "any"))
    slot_ids = [s.slot_id for s in slots]
    groups = []
    for i in range(n_classes):
        grade = 7 + i % 3
        students = rng.randint(40, 50)
        days = sorted(rng.sample(range(1, 6), rng.randint(3, 5)))
        groups.append(
            Group(
                f"J{grade}-{i // 3 + 1:02d}",
                (grade,),
                students,
                tuple(f"{d}B" for d in days),
                rng.randint(8, 30),
            )
        )
    rooms = [
        Room(
            f"R{g.group_id}",
            f"{g.group_id}教室",
            "classroom",
            g.students + rng.randint(2, 6),
            g.group_id,
        )
        for g in groups
    ]
    n_clubs = max(2, round(n_classes * 0.9))
    club_types: Counter = Counter()
    club_specs = []
    for i in range(n_clubs):
        skill = (
            JUNIOR_CLUBS[i % len(JUNIOR_CLUBS)]
            if i < len(JUNIOR_CLUBS)
            else rng.choice(JUNIOR_CLUBS)
        )
        spw = rng.choice((1, 1, 2))
        club_specs.append((f"C{i + 1:03d}", skill, spw))
        club_types[CLUB_SKILLS[skill][1] or "classroom"] += spw
    field_sessions = 2 * n_classes + club_types.pop("field", 0)  # PE and field clubs
    n_fields = max(1, math.ceil(field_sessions / len(slot_ids) * 1.3))
    rooms += [Room(f"field-{k}", f"操场{k}", "field", 200) for k in range(1, n_fields + 1)]
    rooms += _club_rooms(club_types, len(slot_ids), 1.6)
    rooms += [
        Room(f"spare-{k}", f"活动室{k}", "classroom", 40) for k in range(1, 2 + n_classes // 6)
    ]
    week = Week(slots, rooms, rng)
    cap = _slot_cap(n_teachers)
    for g in groups:
        for s in g.basic_slots:
            week.put(
                basic_activity_id(g.group_id),
                "basic",
                s,
                f"R{g.group_id}",
                1,
                groups=(g.group_id,),
                prefer=None,
            )
    activities = []
    whole: dict[str, list[str]] = defaultdict(list)  # class -> whole-class activities
    for g in groups:
        specs = [
            ("PE", "体育锻炼", "sports", "体育", 2, "field"),
            (
                "FD",
                "学科辅导",
                "academic",
                rng.choice(("数学", "英语", "语文", "物理")),
                rng.choice((1, 2)),
                "classroom",
            ),
        ]
        for code, name, category, skill, spw, rtype in specs:
            aid = f"{g.group_id}-{code}"
            got = week.place(
                aid,
                "extended",
                spw,
                slot_ids,
                1,
                skill,
                rtype,
                g.students,
                groups=(g.group_id,),
                cap=cap,
                home=f"R{g.group_id}" if rtype == "classroom" else None,
            )
            if got is None:
                continue
            whole[g.group_id].append(aid)
            activities.append(
                Activity(
                    aid,
                    f"{g.group_id}{name}",
                    category,
                    skill,
                    spw,
                    g.students,
                    room_type=rtype,
                    groups=(g.group_id,),
                )
            )
    # Clubs: placed first, then joined by students whose slots are free.
    placed_clubs = {}
    for aid, skill, spw in club_specs:
        category, rtype = CLUB_SKILLS[skill]
        got = week.place(aid, "extended", spw, slot_ids, 1, skill, rtype, 18, cap=cap)
        if got is not None:
            seats = min(week._room(s.room_id).capacity for s in got)
            placed_clubs[aid] = (skill, spw, min(seats, 40), {s.slot_id for s in got})
    busy: dict[str, set[str]] = {}
    students = []
    for g in groups:
        own = {s.slot_id for aid in whole[g.group_id] for s in week.by_activity[aid]}
        for k in range(1, g.students + 1):
            sid = f"{g.group_id}-{k:02d}"
            students.append((sid, g.group_id))
            busy[sid] = set(own)
    members: dict[str, list[tuple[str, str]]] = {aid: [] for aid in placed_clubs}
    order = list(students)
    rng.shuffle(order)
    for sid, gid in order:
        want = rng.choice((0, 1, 1, 2, 2, 3))
        for _ in range(want):
            cands = [
                aid
                for aid, (_skill, _spw, seats, at) in placed_clubs.items()
                if len(members[aid]) < seats and not at & busy[sid]
            ]
            if not cands:
                break
            aid = min(cands, key=lambda a: (len(members[a]) + 12 * rng.random(), a))
            members[aid].append((sid, gid))
            busy[sid] |= placed_clubs[aid][3]
    enrolments = []
    for aid, (skill, spw, _seats, _at) in placed_clubs.items():
        if len(members[aid]) < 5:
            week.drop(aid)
            continue
        category, rtype = CLUB_SKILLS[skill]
        activities.append(
            Activity(
                aid, f"{skill}社{aid[1:]}", category, skill, spw, len(members[aid]), room_type=rtype
            )
        )
        enrolments += [Enrolment(sid, aid, gid) for sid, gid in sorted(members[aid])]
    people = []
    for i in range(n_teachers):
        skills = _subjects(rng)
        if i % 7 == 0:
            skills.add("体育")
        if rng.random() < 0.35:
            skills.add(rng.choice(JUNIOR_CLUBS))
        people.append(
            Person(
                f"T{i + 1:03d}",
                skills,
                1,
                5,
                homeroom=groups[i].group_id if i < n_classes else None,
            )
        )
    homeroom = {p.homeroom: p.tid for p in people if p.homeroom}
    for s in week.sessions:
        if s.kind == "basic":
            s.prefer = homeroom.get(s.activity_id[len("basic:") :])
    _index(week)
    staff(week, people, rng)
    locks = _random_locks(week, _lock_share(rng), rng)
    info = SchoolInfo(f"SH-JUN-{size}-{seed}", f"初中报名{size}", "junior", "urban")
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.8, 0.95),
        locks=locks,
        enrolments=enrolments,
        extra_skills=JUNIOR_CLUBS,
    )


VILLAGE = {
    "S": (3, 5, 2),
    "M": (8, 13, 3),
    "L": (20, 32, 4),
    "XL": (45, 75, 6),
    "XXL": (90, 150, 8),
}
VILLAGE_INTERNAL = {
    "阅读": ("academic", None),
    "书法": ("arts", "classroom"),
    "种植": ("labour", None),
    "体育游戏": ("sports", "field"),
}
VILLAGE_EXTERNAL = {
    "剪纸": ("arts", "classroom"),
    "武术": ("sports", "field"),
    "葫芦丝": ("arts", "classroom"),
    "竹编": ("labour", "classroom"),
    "舞龙": ("sports", "field"),
    "刺绣": ("arts", "classroom"),
    "陶艺": ("labour", "classroom"),
    "篆刻": ("arts", "classroom"),
}
MULTIGRADE = ((1, 2), (3, 4), (5, 6), (1, 2, 3), (4, 5, 6), (2, 3), (6,), (1,))


def village_multigrade(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    n_classes, n_internal, n_external = VILLAGE[size]
    slots = [Slot(f"{d}P", d, "15:10", "16:00", "any") for d in range(1, 6)]
    slots += [Slot(f"{d}Q", d, "16:10", "16:50", "extended") for d in (2, 4)]
    slots.sort(key=lambda s: s.order)
    slot_ids = [s.slot_id for s in slots]
    groups, rooms = [], []
    for i in range(n_classes):
        grades = MULTIGRADE[i % len(MULTIGRADE)] if i < 3 else rng.choice(MULTIGRADE)
        students = rng.randint(10, 38)
        days = range(1, 6) if rng.random() < 0.7 else sorted(rng.sample(range(1, 6), 4))
        gid = f"V{i + 1:02d}"
        groups.append(
            Group(
                gid,
                grades,
                students,
                tuple(f"{d}P" for d in days),
                max(1, students - rng.randint(0, 6)),
            )
        )
        rooms.append(Room(f"R{gid}", f"{gid}教室", "classroom", 40, gid))
    rooms += [Room(f"HD{k}", f"活动室{k}", "classroom", 32) for k in range(1, 2 + n_classes // 6)]
    rooms += [Room(f"CC{k}", f"操场{k}", "field", 150) for k in range(1, 2 + n_classes // 12)]
    info = SchoolInfo(f"SH-VIL-{size}-{seed}", f"村小复式{size}", "primary", "village", 30)
    week = Week(slots, rooms, rng)
    for g in groups:
        need = math.ceil(g.basic_students / info.ratio)
        for s in g.basic_slots:
            week.put(
                basic_activity_id(g.group_id),
                "basic",
                s,
                f"R{g.group_id}",
                need,
                groups=(g.group_id,),
            )
    ext_skills = list(VILLAGE_EXTERNAL)[:n_external]
    activities = []
    n_total = n_internal + n_external
    cap = _slot_cap(n_total, 0.85)
    specs = [(sk, VILLAGE_EXTERNAL[sk], rng.choice((1, 1, 2))) for sk in ext_skills]
    for _ in range(max(1, round(n_classes * 0.4))):
        sk = rng.choice(sorted(VILLAGE_INTERNAL))
        specs.append((sk, VILLAGE_INTERNAL[sk], rng.choice((1, 1, 2))))
    for i, (skill, (category, rtype), spw) in enumerate(specs, 1):
        aid = f"C{i:02d}"
        enrolled = rng.randint(8, 25)
        got = week.place(aid, "extended", spw, slot_ids, 1, skill, rtype, enrolled, cap=cap)
        if got is None:
            continue
        activities.append(
            Activity(aid, f"{skill}{i}", category, skill, spw, enrolled, room_type=rtype)
        )
    people = [
        Person(
            f"T{i + 1:03d}",
            {rng.choice(sorted(VILLAGE_INTERNAL))} if rng.random() < 0.5 else set(),
            1,
            5,
            homeroom=groups[i].group_id if i < n_classes else None,
        )
        for i in range(n_internal)
    ]
    people += [
        Person(f"W{k + 1:02d}", {sk}, 1, 2 + (rng.random() < 0.5), external=True)
        for k, sk in enumerate(ext_skills)
    ]
    homeroom = {p.homeroom: p.tid for p in people if p.homeroom}
    for s in week.sessions:
        if s.kind == "basic":
            s.prefer = homeroom.get(s.activity_id[len("basic:") :])
    _index(week)
    staff(week, people, rng, external_skills=frozenset(ext_skills))
    locks = _random_locks(week, _lock_share(rng), rng)
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.9, 0.95),
        locks=locks,
        unavailable_share=0.2,
        extra_skills=tuple(VILLAGE_INTERNAL),
    )


URBAN = {
    2: {
        "S": (4, 9, 3),
        "M": (12, 26, 8),
        "L": (24, 52, 15),
        "XL": (48, 105, 30),
        "XXL": (90, 195, 55),
    },
    3: {
        "S": (4, 10, 3),
        "M": (12, 28, 9),
        "L": (24, 56, 18),
        "XL": (45, 110, 36),
        "XXL": (85, 200, 65),
    },
}
URBAN_CLUBS = tuple(sk for sk in CLUB_SKILLS if sk not in ("研学",))


def urban_primary(periods: int, size: str, rng: random.Random, seed: int):
    n_classes, n_teachers, n_clubs = URBAN[periods][size]
    if periods == 2:
        grid = [("P1", "15:50", "16:35", "extended"), ("P2", "16:45", "17:45", "any")]
    else:
        grid = [
            ("P1", "15:30", "16:10", "extended"),
            ("P2", "16:20", "17:00", "any"),
            ("P3", "17:10", "18:10", "basic"),
        ]
    slots = [Slot(f"{d}{c}", d, a, b, k) for d in range(1, 6) for c, a, b, k in grid]
    last = grid[-1][0]
    groups = []
    for i in range(n_classes):
        grade = 1 + i % 6
        gid = f"U{grade}-{i // 6 + 1:02d}"
        basic = [f"{d}{last}" for d in range(1, 6)]
        if periods == 3 and grade <= 3:
            basic += [f"{d}P2" for d in sorted(rng.sample(range(1, 6), 3))]
        students = rng.randint(40, 50)
        groups.append(
            Group(gid, (grade,), students, tuple(sorted(basic)), rng.randint(25, students))
        )
    rooms = [
        Room(f"R{g.group_id}", f"{g.group_id}教室", "classroom", 52, g.group_id) for g in groups
    ]
    specs = []
    types: Counter = Counter()
    for i in range(n_clubs):
        skill = (
            URBAN_CLUBS[i % len(URBAN_CLUBS)] if i < len(URBAN_CLUBS) else rng.choice(URBAN_CLUBS)
        )
        spw = rng.choice((1, 2, 2))
        specs.append((f"C{i + 1:03d}", skill, spw, rng.randint(15, 35)))
        types[CLUB_SKILLS[skill][1] or "classroom"] += spw
    club_slots = [s.slot_id for s in slots if s.kind != "basic"]
    rooms += _club_rooms(types, len(club_slots), 1.4)
    rooms += [Room(f"spare-{k}", f"活动室{k}", "classroom", 40) for k in range(1, 2 + n_clubs // 5)]
    week = Week(slots, rooms, rng)
    info = SchoolInfo(
        f"SH-UP{periods}-{size}-{seed}", f"城区小学{periods}节{size}", "primary", "urban"
    )
    for g in groups:
        need = math.ceil(g.basic_students / info.ratio)
        for s in g.basic_slots:
            week.put(
                basic_activity_id(g.group_id),
                "basic",
                s,
                f"R{g.group_id}",
                need,
                groups=(g.group_id,),
            )
    cap = _slot_cap(n_teachers)
    activities = []
    for aid, skill, spw, enrolled in specs:
        category, rtype = CLUB_SKILLS[skill]
        got = week.place(aid, "extended", spw, club_slots, 1, skill, rtype, enrolled, cap=cap)
        if got is None:
            continue
        activities.append(
            Activity(aid, f"{skill}{aid[1:]}", category, skill, spw, enrolled, room_type=rtype)
        )
    people = []
    for i in range(n_teachers):
        skills = set(rng.sample(URBAN_CLUBS, rng.choice((0, 1, 1, 2))))
        mpd = 2 if periods == 3 and rng.random() < 0.3 else 1
        people.append(
            Person(
                f"T{i + 1:03d}",
                skills,
                mpd,
                5 if mpd == 1 else 7,
                homeroom=groups[i].group_id if i < n_classes else None,
            )
        )
    homeroom = {p.homeroom: p.tid for p in people if p.homeroom}
    for s in week.sessions:
        if s.kind == "basic":
            s.prefer = homeroom.get(s.activity_id[len("basic:") :])
    _index(week)
    staff(week, people, rng)
    locks = _random_locks(week, _lock_share(rng), rng)
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.8, 0.95),
        locks=locks,
        extra_skills=URBAN_CLUBS,
    )


def urban_primary_2p(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    return urban_primary(2, size, rng, seed)


def urban_primary_3p(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    return urban_primary(3, size, rng, seed)


TT = {"S": (2, 5), "M": (6, 6), "L": (14, 6), "XL": (35, 7), "XXL": (63, 7)}
PERIODS = (
    ("08:00", "08:45"),
    ("08:55", "09:40"),
    ("10:00", "10:45"),
    ("10:55", "11:40"),
    ("14:00", "14:45"),
    ("14:55", "15:40"),
    ("15:50", "16:35"),
)
CURRICULUM = {  # periods a day -> lessons a week per subject (at most 5: one a day)
    5: {"数学": 4, "语文": 4, "英语": 3, "物理": 2, "化学": 2, "生物": 1, "历史": 1, "地理": 1},
    6: {"数学": 5, "语文": 5, "英语": 4, "物理": 3, "化学": 2, "生物": 2, "历史": 2, "地理": 2},
    7: {
        "数学": 5,
        "语文": 5,
        "英语": 5,
        "物理": 3,
        "化学": 3,
        "生物": 2,
        "历史": 2,
        "地理": 2,
        "政治": 2,
    },
}


def _base_timetable(rng: random.Random, per_day: int) -> list[list[str | None]]:
    """days x periods -> subject or None (free): each subject at most once a day (Gale-Ryser
    greedy: the subjects with most lessons first, on the days with most room left)."""
    lessons = CURRICULUM[per_day]
    total = sum(lessons.values())
    room = [total // 5 + (1 if d < total % 5 else 0) for d in range(5)]
    rng.shuffle(room)
    days: list[list[str]] = [[] for _ in range(5)]
    for subject, k in sorted(lessons.items(), key=lambda kv: (-kv[1], kv[0])):
        order = sorted(range(5), key=lambda d: (-room[d], rng.random()))
        for d in order[:k]:
            days[d].append(subject)
            room[d] -= 1
    grid = []
    for subjects in days:
        row: list[str | None] = list(subjects) + [None] * (per_day - len(subjects))
        rng.shuffle(row)
        grid.append(row)
    return grid


def timetabling(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    """Blocks of up to `per_day` classes share one base timetable, class i of a block shifted
    by i periods: a subject is at most once a day, so within a block no two classes have
    the same subject at the same period, and one teacher can take it in several of them."""
    n_classes, per_day = TT[size]
    slots = [
        Slot(f"{d}-{p + 1}", d, a, b, "any")
        for d in range(1, 6)
        for p, (a, b) in enumerate(PERIODS[:per_day])
    ]
    groups = [Group(f"K{i + 1:02d}", (7 + i % 3,), rng.randint(36, 50)) for i in range(n_classes)]
    lessons: dict[str, list[tuple[str, str]]] = defaultdict(list)  # activity -> (slot, class)
    blocks = [groups[i : i + per_day] for i in range(0, n_classes, per_day)]
    for block in blocks:
        base = _base_timetable(rng, per_day)
        for shift, g in enumerate(block):
            for d in range(5):
                for p in range(per_day):
                    subject = base[d][(p - shift) % per_day]
                    if subject:
                        lessons[f"{g.group_id}-{subject}"].append((f"{d + 1}-{p + 1}", g.group_id))
    size_of = {g.group_id: g.students for g in groups}
    per_slot: dict[str, list[int]] = defaultdict(list)
    for at in lessons.values():
        for s, gid in at:
            per_slot[s].append(size_of[gid])
    n_rooms = max(len(v) for v in per_slot.values())
    seats = [0] * n_rooms  # room k seats the k-th largest class of every period
    for sizes in per_slot.values():
        for k, n in enumerate(sorted(sizes, reverse=True)):
            seats[k] = max(seats[k], n)
    rooms = [
        Room(f"Room{k + 1:02d}", f"教室{k + 1}", "classroom", seats[k]) for k in range(n_rooms)
    ]
    week = Week(slots, rooms, rng)
    activities = []
    for aid in sorted(lessons, key=lambda a: (a.split("-")[0], a)):
        gid, subject = aid.split("-")
        at = lessons[aid]
        activities.append(
            Activity(
                aid,
                f"{gid}{subject}",
                "academic",
                subject,
                len(at),
                size_of[gid],
                room_type="classroom",
                groups=(gid,),
            )
        )
        for s, _g in at:
            room = week.room_for(s, "classroom", size_of[gid])
            assert room is not None, (aid, s)  # best fit cannot fail on these room sizes
            week.put(aid, "extended", s, room, 1, subject, (gid,))
    # Teachers: per block and subject, classes go to teachers with 8-20 lessons a week.
    people: list[Person] = []
    for block in blocks:
        for subject, k in CURRICULUM[per_day].items():
            todo = [g.group_id for g in block]
            rng.shuffle(todo)
            while todo:
                take = max(1, rng.randint(8, 20) // k)
                p = Person(f"T{len(people) + 1:03d}", {subject}, per_day, 40)
                people.append(p)
                for gid in todo[:take]:
                    for s in week.by_activity[f"{gid}-{subject}"]:
                        _give(p, week, s)
                todo = todo[take:]
    fixed_of = {aid: sessions[0].teachers[0] for aid, sessions in week.by_activity.items()}
    for p in people:  # daily limit: what the planted week needs, sometimes one more
        p.mpd = max(p.per_day.values()) + (rng.random() < 0.5)
        if rng.random() < 0.15:
            p.skills.add(rng.choice(SUBJECTS))
    _index(week)
    locks = _random_locks(week, _lock_share(rng), rng)
    info = SchoolInfo(f"SH-TT-{size}-{seed}", f"排课{size}", "junior", "urban")
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.8, 0.95),
        locks=locks,
        fixed_of=fixed_of,
    )


NINE = {"S": (3, 9), "M": (9, 24), "L": (18, 46), "XL": (45, 95), "XXL": (90, 185)}
SPECIAL = {
    "lab": ("科学实验", "物理实验"),
    "music": ("合唱", "器乐"),
    "gym": ("篮球", "乒乓球"),
    "computer": ("编程", "机器人"),
    "art": ("美术", "书法"),
}
NINE_CATEGORY = {
    "科学实验": "science",
    "物理实验": "science",
    "合唱": "arts",
    "器乐": "arts",
    "篮球": "sports",
    "乒乓球": "sports",
    "编程": "science",
    "机器人": "science",
    "美术": "arts",
    "书法": "arts",
    "围棋": "academic",
    "阅读": "academic",
}


def nine_year_tight_rooms(size: str, rng: random.Random, seed: int) -> tuple[School, Schedule]:
    n_classes, n_teachers = NINE[size]
    slots = []
    for d in range(1, 6):
        if d == 3:
            slots += [
                Slot("3-1", 3, "14:30", "15:15", "extended"),
                Slot("3-2", 3, "15:25", "16:10", "extended"),
                Slot("3-3", 3, "16:20", "17:10", "any"),
            ]
        else:
            slots += [
                Slot(f"{d}-1", d, "15:40", "16:25", "extended"),
                Slot(f"{d}-2", d, "16:35", "17:25", "any"),
            ]
    slot_ids = [s.slot_id for s in slots]
    last = {d: ids[-1] for d, ids in _day_slots(slots).items()}
    groups = []
    for i in range(n_classes):
        grade = 1 + (i * 9) // n_classes if n_classes < 9 else 1 + i % 9
        gid = f"N{grade}-{i // 9 + 1:02d}"
        students = rng.randint(36, 50)
        basic = tuple(last[d] for d in range(1, 6)) if grade <= 6 else ()
        groups.append(
            Group(gid, (grade,), students, basic, rng.randint(20, students) if basic else 0)
        )
    rooms = [
        Room(f"R{g.group_id}", f"{g.group_id}教室", "classroom", 52, g.group_id) for g in groups
    ]
    # Club budget from the teachers' weeks: about 3.6 sessions a teacher, minus basic care.
    basic_load = sum(math.ceil(g.basic_students / 45) * len(g.basic_slots) for g in groups)
    junior = [g for g in groups if not g.basic_slots]
    budget = max(4, int(n_teachers * 3.6) - basic_load - 2 * len(junior))
    types = rng.sample(sorted(SPECIAL), max(1, min(5, budget // 9)))
    per_type = max(1, round(budget * 0.85 / len(types) / (len(slot_ids) * 0.9)))
    caps = {"lab": 40, "music": 55, "gym": 70, "computer": 45, "art": 40}
    for t in types:
        for k in range(1, per_type + 1):
            rooms.append(Room(f"{t}-{k}", f"{t}{k}", t, caps[t] - rng.randint(0, 6)))
    rooms += [
        Room(f"spare-{k}", f"活动室{k}", "classroom", 40) for k in range(1, 2 + n_classes // 9)
    ]
    week = Week(slots, rooms, rng)
    cap = _slot_cap(n_teachers)
    info = SchoolInfo(f"SH-NINE-{size}-{seed}", f"九年一贯{size}", "nine_year", "town")
    for g in groups:
        for s in g.basic_slots:
            week.put(
                basic_activity_id(g.group_id),
                "basic",
                s,
                f"R{g.group_id}",
                math.ceil(g.basic_students / info.ratio),
                groups=(g.group_id,),
            )
    activities = []
    for g in junior:  # grades 7-9: whole-class tutoring instead of basic care
        aid = f"{g.group_id}-FD"
        skill = rng.choice(("数学", "英语", "物理"))
        got = week.place(
            aid,
            "extended",
            2,
            slot_ids,
            1,
            skill,
            "classroom",
            g.students,
            groups=(g.group_id,),
            cap=cap,
            home=f"R{g.group_id}",
        )
        if got:
            activities.append(
                Activity(
                    aid,
                    f"{g.group_id}学科辅导",
                    "academic",
                    skill,
                    2,
                    g.students,
                    room_type="classroom",
                    groups=(g.group_id,),
                )
            )
    n = 0
    for t in types:
        target = round(per_type * len(slot_ids) * rng.uniform(0.85, 0.95))
        placed, misses = 0, 0
        while placed < target and misses < 3:
            skill = rng.choice(SPECIAL[t])
            spw = min(rng.choice((1, 2, 2)), target - placed)
            room_seats = min(r.capacity for r in rooms if r.type == t)
            enrolled = rng.randint(int(room_seats * 0.6), room_seats)
            aid = f"C{n + 1:03d}"
            got = week.place(aid, "extended", spw, slot_ids, 1, skill, t, enrolled, cap=cap)
            if got is None:
                misses += 1
                continue
            n += 1
            placed += spw
            activities.append(
                Activity(
                    aid, f"{skill}{n}", NINE_CATEGORY[skill], skill, spw, enrolled, room_type=t
                )
            )
    for _ in range(max(1, budget // 12)):  # a few clubs in any classroom
        skill = rng.choice(("围棋", "阅读"))
        aid = f"C{n + 1:03d}"
        got = week.place(aid, "extended", 1, slot_ids, 1, skill, "classroom", 30, cap=cap)
        if got:
            n += 1
            activities.append(
                Activity(
                    aid, f"{skill}{n}", NINE_CATEGORY[skill], skill, 1, 30, room_type="classroom"
                )
            )
    club_skills = tuple(sorted(NINE_CATEGORY))
    people = []
    for i in range(n_teachers):
        skills = _subjects(rng)
        if rng.random() < 0.4:
            skills.add(rng.choice(club_skills))
        mpd = 2 if rng.random() < 0.25 else 1
        people.append(
            Person(
                f"T{i + 1:03d}",
                skills,
                mpd,
                5 if mpd == 1 else 6,
                homeroom=groups[i].group_id if i < n_classes else None,
            )
        )
    homeroom = {p.homeroom: p.tid for p in people if p.homeroom}
    for s in week.sessions:
        if s.kind == "basic":
            s.prefer = homeroom.get(s.activity_id[len("basic:") :])
    _index(week)
    staff(week, people, rng)
    locks = _random_locks(week, _lock_share(rng), rng)
    return finish(
        info,
        week,
        groups,
        activities,
        rooms,
        people,
        rng,
        tight=rng.uniform(0.8, 0.95),
        locks=locks,
        extra_skills=club_skills,
    )


FAMILIES = {
    "high_self_study": high_self_study,
    "junior_enrolments": junior_enrolments,
    "village_multigrade": village_multigrade,
    "urban_primary_2p": urban_primary_2p,
    "urban_primary_3p": urban_primary_3p,
    "timetabling": timetabling,
    "nine_year_tight_rooms": nine_year_tight_rooms,
}


@lru_cache(maxsize=8)
def build(family: str, size: str, seed: int = 0) -> tuple[School, Schedule]:
    """The school of a family at a size and seed, and its planted week."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; one of {', '.join(FAMILIES)}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; one of {', '.join(SIZES)}")
    rng = random.Random(f"shapes/{family}/{size}/{seed}")
    return FAMILIES[family](size, rng, seed)


def generate(family: str, size: str, seed: int = 0) -> School:
    return build(family, size, seed)[0]


def witness(family: str, size: str, seed: int = 0) -> Schedule:
    """The planted week: a valid schedule of `generate(family, size, seed)`."""
    return build(family, size, seed)[1]


def stats(school: School) -> dict:
    """Counts for the benchmark's tables: teachers, classes, sessions, demand / capacity."""
    from scheduler.instance import Instance  # the same capacity the model and explainer use

    inst = Instance(school)
    demand = sum(b.need for b in inst.basic_sessions) + sum(
        a.staff * a.sessions_per_week for a in school.activities
    )
    capacity = sum(inst.teacher_capacity(t) for t in inst.teachers)
    return {
        "teachers": len(school.teachers),
        "external": sum(t.external for t in school.teachers),
        "classes": len(school.groups),
        "activities": len(school.activities),
        "slots": len(school.slots),
        "rooms": len(school.rooms),
        "sessions": len(inst.basic_sessions) + sum(a.sessions_per_week for a in school.activities),
        "teacher_sessions": demand,
        "locks": len(school.locks),
        "enrolments": len(school.enrolments),
        "tightness": round(demand / capacity, 3) if capacity else None,
    }
