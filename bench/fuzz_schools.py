"""Random schools around a planted week, for the robustness benchmark (bench/bench_robust.py).

    from bench.fuzz_schools import build
    case = build("M", seed=7)   # case.school, case.planted (a valid week), case.features

"A feasible school must always get a schedule within its time limit" is measured here on
schools that neither the solver's authors nor `bench/shapes.py` designed for. This code
path is its own: it imports nothing from `bench/shapes.py`, `bench/instances.py`,
`samplegen/` or the solver (only the domain dataclasses); the benchmark and the tests run
the independent checker on the planted week.

Every school is made week first, so it is feasible by construction:

1. Draw a slot grid (4-7 days, Saturday and Sunday sometimes; 1-4 periods a day of 40-90
   minutes, kinds basic / extended / self_study / any mixed; a Wednesday-afternoon block
   sometimes; early and evening self-study for high schools), planned teachers (skills,
   planned daily and weekly budgets, planned days off, external instructors with a rare
   skill who come one or two days), classes (grades 1-12, multi-grade 复式班, 8-55
   students, basic care at some slots for all or part of the class, ratio 15-45) and rooms
   (home rooms for some classes, spare classrooms, typed special rooms, some scarce).
2. Place the week: basic care first (home room or a classroom large enough), then
   whole-class activities (self-study of high-school classes, whole-class PE and tutoring
   through `groups`), then clubs until demand reaches the planned budget; every session on
   an allowed slot, one per day per activity, in a free room of its type and size, never
   where one of its classes is busy, where enough qualified teachers are planned free.
3. Staff it with one min-cost max-flow (session -> teacher at a slot -> teacher on a day ->
   teacher, under the planned budgets; homeroom teachers cheaper on their own class). A
   session the flow cannot staff in full is dropped from the week, and so from the school.
4. Write down what the week implies: sessions per week, allowed slots (explicit ones
   contain the planted slots), fixed teachers (only where one teacher leads every session;
   sometimes without the skill, which a fixed teacher does not need), skills (all a teacher
   teaches, plus decoys), limits (at least the planted load; weekly limits raised until
   demand is 75-98% of capacity), unavailable slots (only where the teacher is free), opt-outs
   (only idle teachers), enrolments (students in 0-3 clubs whose planted slots never clash
   with each other or with their class's whole-class activities) and locks (cells copied
   from the week: every form the contract allows, 0-30% of sessions).

Sizes by teachers: S 5-10, M 20-40, L 60-100, XL 150-200, plus up to two who opted out.
Deterministic for (size, seed), in every process: no set is iterated where the random
stream or the output depends on its order (string hashing differs between processes).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

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

SIZES: dict[str, tuple[int, int]] = {"S": (5, 10), "M": (20, 40), "L": (60, 100), "XL": (150, 200)}
GRADES = {
    "primary": list(range(1, 7)),
    "junior": [7, 8, 9],
    "nine_year": list(range(1, 10)),
    "high": [10, 11, 12],
}
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "科学")
# club skill: (category, room types it may need; None = any room)
CLUB_SKILLS: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "合唱": ("arts", ("music", None)),
    "舞蹈": ("arts", ("舞蹈室", "music", None)),
    "美术": ("arts", ("art", None)),
    "书法": ("arts", ("art", "classroom")),
    "篮球": ("sports", ("gym", "field")),
    "足球": ("sports", ("field",)),
    "乒乓球": ("sports", ("gym",)),
    "跳绳": ("sports", ("field", None)),
    "编程": ("science", ("computer",)),
    "机器人": ("science", ("computer", "lab")),
    "科学实验": ("science", ("lab",)),
    "种植": ("labour", ("field", None)),
    "烹饪": ("labour", (None,)),
    "木工": ("labour", ("lab", None)),
    "研学": ("social_practice", (None,)),
    "志愿服务": ("social_practice", (None, "classroom")),
    "阅读": ("academic", ("library", "classroom")),
    "围棋": ("academic", ("classroom", None)),
}
# Skills only external instructors hold (they come on one or two days).
EXTERNAL_SKILLS: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "武术": ("sports", ("gym", "field")),
    "剪纸": ("arts", ("art", None)),
    "陶艺": ("arts", ("art",)),
    "街舞": ("arts", ("舞蹈室", "music", None)),
    "无人机": ("science", ("field",)),
    "京剧": ("arts", ("music",)),
}
# Special room types: capacity range.
SPECIAL_ROOMS = {
    "gym": (40, 120),
    "field": (80, 300),
    "lab": (30, 50),
    "music": (30, 60),
    "art": (30, 50),
    "computer": (30, 55),
    "library": (30, 80),
    "舞蹈室": (25, 45),  # "or other text": a type outside the contract's list
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文晶鹏慧宇欣怡晨阳"
DAY_ZH = "一二三四五六日"
SUPPLY_SHARE = 0.92  # at most this share of the planned free teachers of a slot or day is used


@dataclass
class Fuzzed:
    """One random school, its planted week (valid by construction) and what was drawn."""

    size: str
    seed: int
    school: School
    planted: Schedule
    features: dict[str, object]


@dataclass
class _Teacher:
    tid: str
    name: str
    skills: list[str]
    per_day: int  # planned budget; the school's limit is derived from the planted load
    per_week: int
    off: set[str]  # planned unavailable slots
    external: bool = False
    homeroom: str | None = None


@dataclass
class _Class:
    gid: str
    grade: tuple[int, ...]
    students: int
    basic_students: int
    basic_slots: list[str]  # drawn; the planted ones are those left after placement
    home: str | None = None  # room id


@dataclass
class _Sess:
    """One planted session."""

    key: str  # activity_id or basic:<group_id>
    slot: str
    room: str
    need: int
    skill: str | None
    prefer: str | None = None  # the class whose homeroom teacher is preferred
    teachers: list[str] = field(default_factory=list)
    index: int = 0


@dataclass
class _Act:
    """An activity being designed and placed."""

    aid: str
    name: str
    category: str
    skill: str | None
    staff: int
    sessions: int
    room_type: str | None
    seats: int  # students per session it is planned for (room capacity covers it)
    groups: list[str]
    explicit: list[str] | None  # explicit allowed slots, or None: blank (kind default)
    candidates: list[str]
    enrol: bool = False  # its students come from the enrolments sheet
    placed: list[_Sess] = field(default_factory=list)


def _weighted(rng: random.Random, table: dict) -> object:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


# --------------------------------------------------------------------------- the grid


def _grid(rng: random.Random, stage: str, feats: dict) -> list[Slot]:
    """Slots of the week: afternoon periods on school days, morning ones on weekends, a
    Wednesday-afternoon block sometimes, self-study mornings and evenings for high schools."""
    n_days = _weighted(rng, {4: 2, 5: 10, 6: 4, 7: 1})
    days = [1, 2, 3, 4, 5]
    if n_days == 4:
        days.remove(rng.choice(days))
    days += [6, 7][: max(0, n_days - 5)]
    periods = rng.randint(1, 4)
    typical = rng.choice([40, 45, 50, 60])
    first = rng.choice([15 * 60, 15 * 60 + 20, 15 * 60 + 30, 15 * 60 + 50, 16 * 60 + 10])
    # Kinds by period position: one pattern a school, then single slots flipped at random.
    pattern = _weighted(
        rng, {"any": 2, "clubs_then_basic": 4, "basic_then_clubs": 2, "mixed": 3, "basic": 1}
    )
    wed_block = 3 in days and rng.random() < 0.3
    style = _weighted(rng, {"DP": 3, "seq": 2, "zero": 1, "zh": 2, "dash": 1})
    raw: list[tuple[int, int, int, str]] = []  # day, start, end, kind

    def kind_at(p: int, n: int) -> str:
        if pattern == "any":
            return "any"
        if pattern == "basic":
            return "basic" if p == n - 1 else "any"
        if pattern == "clubs_then_basic":
            return "basic" if p == n - 1 and n > 1 else ("extended" if n > 1 else "any")
        if pattern == "basic_then_clubs":
            return "basic" if p == 0 and n > 1 else ("extended" if n > 1 else "any")
        return rng.choice(["basic", "extended", "any", "any"])

    for d in days:
        if d >= 6:  # weekend: a morning of 1-3 periods
            n, t = rng.randint(1, 3), 9 * 60
        else:
            n, t = periods, first
            if rng.random() < 0.2:
                n = min(4, max(1, n + rng.choice([-1, 1])))
        if wed_block and d == 3:  # Wednesday afternoon: 1-2 extra periods from 14:00
            t = 14 * 60
            n = min(6, n + rng.randint(1, 2))
        for p in range(n):
            length = typical if rng.random() < 0.7 else rng.choice(range(40, 95, 5))
            kind = kind_at(p, n)
            if rng.random() < 0.1:
                kind = rng.choice(["basic", "extended", "any"])
            raw.append((d, t, t + length, kind))
            t += length + rng.choice([5, 10, 10, 15, 20])
    last_end = {d: max(e for dd, _s, e, _k in raw if dd == d) for d in {r[0] for r in raw}}
    if stage == "high":  # early and evening self-study
        study_days = [d for d in days if d <= 5] or days
        early = rng.random() < 0.7
        evenings = rng.randint(1, 2)
        for d in study_days:
            if early:
                raw.append((d, 6 * 60 + 50, 7 * 60 + 30, "self_study"))
            t = max(19 * 60, last_end.get(d, 0) + 10)  # after the afternoon's last period
            for _ in range(evenings):
                length = rng.choice([60, 70, 80, 90])
                raw.append((d, t, t + length, rng.choice(["self_study"] * 4 + ["any"])))
                t += length + 10
    raw.sort()
    slots = []
    per_day: Counter = Counter()
    for n, (d, start, end, kind) in enumerate(raw, 1):
        per_day[d] += 1
        p = per_day[d]
        sid = {
            "DP": f"D{d}P{p}",
            "seq": f"S{n:02d}",
            "zero": f"{n:03d}",
            "zh": f"周{DAY_ZH[d - 1]}{p}",
            "dash": f"{d}-{p}",
        }[style]
        slots.append(Slot(sid, d, _hhmm(start), _hhmm(end), kind))
    feats |= {
        "days": len(days),
        "saturday": 6 in days,
        "periods": periods,
        "wed_block": wed_block,
        "slots": len(slots),
        "kinds": dict(sorted(Counter(s.kind for s in slots).items())),
        "lengths": sorted({s.length for s in slots}),
    }
    return slots


# --------------------------------------------------------------------------- people


def _teachers(rng: random.Random, n: int, slots: list[Slot], days: list[int]) -> list[_Teacher]:
    style = rng.choice(["T{:03d}", "{:03d}", "js{}", "教师{}"])
    most_a_day = max(Counter(s.day for s in slots).values())
    out = []
    for i in range(1, n + 1):
        subjects = rng.sample(SUBJECTS, rng.choice([1, 1, 2]))
        clubs = rng.sample(sorted(CLUB_SKILLS), rng.choice([0, 1, 1, 2]))
        off: set[str] = set()
        if rng.random() < 0.25:  # a planned day off, or a few slots
            if rng.random() < 0.5:
                d = rng.choice(days)
                off = {s.slot_id for s in slots if s.day == d}
            else:
                off = {s.slot_id for s in rng.sample(slots, min(len(slots), rng.randint(1, 3)))}
        out.append(
            _Teacher(
                style.format(i),
                _name(rng),
                subjects + clubs,
                per_day=min(most_a_day, _weighted(rng, {1: 5, 2: 4, 3: 2})),
                per_week=_weighted(rng, {2: 1, 3: 2, 4: 3, 5: 3, 6: 3, 7: 2, 8: 2, 9: 1, 10: 1}),
                off=off,
            )
        )
    return out


def _externals(rng: random.Random, n: int, slots: list[Slot], days: list[int]) -> list[_Teacher]:
    out = []
    for i in range(1, n + 1):
        come = set(rng.sample(days, min(len(days), rng.choice([1, 1, 2]))))
        out.append(
            _Teacher(
                f"W{i:02d}",
                _name(rng) + "(外聘)",
                rng.sample(sorted(EXTERNAL_SKILLS), rng.choice([1, 1, 2])),
                per_day=rng.randint(1, 2),
                per_week=rng.randint(2, 4),
                off={s.slot_id for s in slots if s.day not in come},
                external=True,
            )
        )
    return out


def _classes(
    rng: random.Random, n: int, stage: str, location: str, slots: list[Slot], feats: dict
) -> list[_Class]:
    grades = GRADES[stage]
    multi = 0.0 if stage == "high" else {"village": 0.5, "town": 0.15, "urban": 0.03}[location]
    style = rng.choice(["num", "G", "dash"])
    basic_ok = [s for s in slots if s.kind in ("basic", "any")]
    ext = [s for s in slots if s.kind == "extended"]
    by_day: dict[int, list[Slot]] = defaultdict(list)
    for s in basic_ok:
        by_day[s.day].append(s)
    care = 0.12 if stage == "high" else 0.88
    counters: Counter = Counter()
    out = []
    for _ in range(n):
        g = rng.choice(grades)
        grade: tuple[int, ...] = (g,)
        if rng.random() < multi and g < grades[-1]:
            grade = tuple(range(g, min(grades[-1], g + rng.choice([1, 1, 2])) + 1))
        counters[grade] += 1
        k = counters[grade]
        gtxt = "".join(map(str, grade)) if len(grade) > 1 else str(g)
        gid = {"num": f"{gtxt}{k:02d}", "G": f"G{gtxt}-{k}", "dash": f"{gtxt}_{k}"}[style]
        if len(grade) > 1:
            gid = "F" + gid  # 复式班
        students = rng.randint(8, 30) if location == "village" else rng.randint(25, 55)
        basic_students = students
        r = rng.random()
        if r < 0.3:
            basic_students = max(1, round(students * rng.uniform(0.3, 0.95)))
        elif r < 0.33:
            basic_students = 0  # listed basic slots, nobody stays: no session
        chosen: list[str] = []
        if by_day and rng.random() < care:
            pool_days = sorted(by_day)
            k_days = rng.randint(max(1, len(pool_days) - 2), len(pool_days))
            for d in sorted(rng.sample(pool_days, k_days)):
                options = by_day[d]
                chosen.append(
                    options[-1].slot_id if rng.random() < 0.7 else rng.choice(options).slot_id
                )
                if len(options) > 1 and rng.random() < 0.15:  # two periods of care that day
                    chosen.append(rng.choice(options).slot_id)
            if ext and rng.random() < 0.05:  # legal, if odd: care at an `extended` slot
                chosen.append(rng.choice(ext).slot_id)
        out.append(_Class(gid, grade, students, basic_students, sorted(set(chosen))))
    feats["multi_grade"] = sum(len(c.grade) > 1 for c in out)
    return out


def _rooms(
    rng: random.Random, classes: list[_Class], slots: list[Slot], club_demand: float, feats: dict
) -> list[Room]:
    share = _weighted(rng, {1.0: 5, 0.7: 3, 0.0: 1})
    style = rng.choice(["R{:03d}", "{:03d}", "室{}"])
    rooms: list[tuple[str, str, int, str | None]] = []  # name, type, capacity, home
    for c in classes:
        if rng.random() < share:
            rooms.append((f"{c.gid}教室", "classroom", c.students + rng.randint(0, 10), c.gid))
    homeless = [c for c in classes if not any(r[3] == c.gid for r in rooms)]
    # Spare classrooms: one for most classes without a home room, plus some for clubs.
    spare = sum(1 for _ in homeless if rng.random() < 0.85)
    spare += math.ceil(club_demand / max(1, len(slots)) * rng.uniform(0.4, 1.0))
    for i in range(spare):
        cap = (
            rng.randint(30, 60) if i >= len(homeless) else homeless[i].students + rng.randint(0, 8)
        )
        rooms.append((f"空教室{i + 1}", "classroom", cap, None))
    scarce = []
    for rtype, (lo, hi) in SPECIAL_ROOMS.items():
        if rng.random() < (0.3 if rtype == "舞蹈室" else 0.7):
            count = _weighted(rng, {1: 4, 2: 2, 3: 1})
            if len(classes) > 40:
                count += rng.randint(0, 3)
            if count == 1:
                scarce.append(rtype)
            for j in range(count):
                rooms.append((f"{rtype}{j + 1}", rtype, rng.randint(lo, hi), None))
    out = [
        Room(style.format(i), name, rtype, cap, home)
        for i, (name, rtype, cap, home) in enumerate(rooms, 1)
    ]
    for c in classes:
        c.home = next((r.room_id for r in out if r.home_group == c.gid), None)
    feats |= {
        "rooms": len(out),
        "home_rooms": sum(r.home_group is not None for r in out),
        "special": dict(sorted(Counter(r.type for r in out if r.type != "classroom").items())),
        "scarce": scarce,
    }
    return out


# --------------------------------------------------------------------------- the week


class _Week:
    """The planted week being built: who and what is busy where, and planned supply."""

    def __init__(
        self, rng: random.Random, slots: list[Slot], rooms: list[Room], teachers: list[_Teacher]
    ) -> None:
        self.rng = rng
        self.slots = slots
        self.slot = {s.slot_id: s for s in slots}
        self.order = {s.slot_id: i for i, s in enumerate(slots)}
        self.rooms = sorted(rooms, key=lambda r: (r.capacity, r.room_id))
        self.teachers = teachers
        self.room_busy: set[tuple[str, str]] = set()
        self.class_busy: set[tuple[str, str]] = set()
        self.demand: Counter = Counter()
        self.day_demand: Counter = Counter()
        self.skill_demand: Counter = Counter()
        self.sessions: list[_Sess] = []
        self.supply = {s.slot_id: sum(s.slot_id not in t.off for t in teachers) for s in slots}
        self.day_supply: Counter = Counter()
        self.skill_supply: Counter = Counter()
        for t in teachers:
            for d in sorted({s.day for s in slots}):
                free = sum(1 for s in slots if s.day == d and s.slot_id not in t.off)
                self.day_supply[d] += min(t.per_day, free)
            for s in slots:
                if s.slot_id not in t.off:
                    for k in t.skills:
                        self.skill_supply[k, s.slot_id] += 1

    def staffable(self, slot: str, need: int, skill: str | None) -> bool:
        day = self.slot[slot].day
        if self.demand[slot] + need > SUPPLY_SHARE * self.supply[slot]:
            return False
        if self.day_demand[day] + need > SUPPLY_SHARE * self.day_supply[day]:
            return False
        return (
            skill is None or self.skill_demand[skill, slot] + need <= self.skill_supply[skill, slot]
        )

    def room_for(self, slot: str, rtype: str | None, seats: int, prefer: str | None) -> str | None:
        if prefer is not None and (prefer, slot) not in self.room_busy:
            return prefer
        fits = [
            r.room_id
            for r in self.rooms
            if (rtype is None or r.type == rtype)
            and r.capacity >= seats
            and (r.room_id, slot) not in self.room_busy
        ]
        if not fits:
            return None
        return fits[0] if self.rng.random() < 0.6 else self.rng.choice(fits)

    def add(self, sess: _Sess, classes: list[str]) -> None:
        self.sessions.append(sess)
        self.room_busy.add((sess.room, sess.slot))
        for g in classes:
            self.class_busy.add((g, sess.slot))
        self.demand[sess.slot] += sess.need
        self.day_demand[self.slot[sess.slot].day] += sess.need
        if sess.skill is not None:
            self.skill_demand[sess.skill, sess.slot] += sess.need

    def place(self, act: _Act, prefer_room: str | None = None) -> None:
        """Up to `act.sessions` sessions, one a day, at candidate slots that fit."""
        by_day: dict[int, list[str]] = defaultdict(list)
        for s in act.candidates:
            by_day[self.slot[s].day].append(s)
        days = sorted(by_day)
        self.rng.shuffle(days)
        for d in days:
            if len(act.placed) == act.sessions:
                break
            options = [
                s
                for s in by_day[d]
                if all((g, s) not in self.class_busy for g in act.groups)
                and self.staffable(s, act.staff, act.skill)
            ]
            self.rng.shuffle(options)
            for s in sorted(options, key=lambda s: self.demand[s] / max(1, self.supply[s])):
                room = self.room_for(s, act.room_type, act.seats, prefer_room)
                if room is None:
                    continue
                sess = _Sess(act.aid, s, room, act.staff, act.skill)
                self.add(sess, act.groups)
                act.placed.append(sess)
                break

    def total(self) -> int:
        return sum(s.need for s in self.sessions)


def _staff(rng: random.Random, week: _Week, homeroom: dict[str, str]) -> None:
    """Staff the week by one min-cost max-flow under the planned budgets; a session the flow
    cannot staff in full leaves the week. Homeroom teachers are cheaper on their class."""
    teachers = week.teachers
    days = sorted({s.day for s in week.slots})
    sessions = week.sessions
    n_s = len(sessions)
    ts_node: dict[tuple[int, str], int] = {}
    node = 1 + n_s  # 0 = source, 1..n_s = sessions
    for ti, t in enumerate(teachers):
        for s in week.slots:
            if s.slot_id not in t.off:
                ts_node[ti, s.slot_id] = node
                node += 1
    td_node = {}
    for ti in range(len(teachers)):
        for d in days:
            td_node[ti, d] = node
            node += 1
    t_node = {ti: node + ti for ti in range(len(teachers))}
    sink = node + len(teachers)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(a: int, b: int, cap: int, cost: int = 0) -> int:
        tails.append(a)
        heads.append(b)
        caps.append(cap)
        costs.append(cost)
        return len(tails) - 1

    choice_arcs: list[tuple[int, int, int]] = []  # arc, session, teacher
    for si, sess in enumerate(sessions):
        arc(0, 1 + si, sess.need)
        head = homeroom.get(sess.prefer or "")
        for ti, t in enumerate(teachers):
            if (ti, sess.slot) not in ts_node:
                continue
            if sess.skill is not None and sess.skill not in t.skills:
                continue
            if t.external and sess.skill is None and rng.random() < 0.8:
                continue  # externals mostly teach their own skill
            cost = 0 if head == t.tid else rng.randint(5, 30)
            choice_arcs.append((arc(1 + si, ts_node[ti, sess.slot], 1, cost), si, ti))
    for (ti, sid), n in ts_node.items():
        arc(n, td_node[ti, week.slot[sid].day], 1)
    for (ti, _d), n in td_node.items():
        arc(n, t_node[ti], teachers[ti].per_day)
    for ti, n in t_node.items():
        arc(n, sink, teachers[ti].per_week)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(0, sum(s.need for s in sessions))
    flow.set_node_supply(sink, -sum(s.need for s in sessions))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"staffing flow failed: {status}")
    for a, si, ti in choice_arcs:
        if flow.flow(a):
            sessions[si].teachers.append(teachers[ti].tid)
    week.sessions = [s for s in sessions if len(s.teachers) == s.need]


# --------------------------------------------------------------------------- activities


def _allowed(
    rng: random.Random, kind: str, slots: list[Slot], usable: list[str], sessions: int
) -> tuple[list[str] | None, list[str]]:
    """(explicit allowed slots or None for blank, the candidate slots to place on)."""
    default = [s.slot_id for s in slots if s.kind in (kind, "any")]
    if default and rng.random() < 0.55:
        return None, [s for s in default if s in usable]
    pool = list(usable) or [s.slot_id for s in slots]
    days = len({s.day for s in slots})
    k = min(len(pool), max(sessions + rng.randint(0, 3), rng.randint(2, max(2, days))))
    chosen = rng.sample(pool, k)
    return chosen, chosen


def _usable(week: _Week, skill: str | None, staff: int) -> list[str]:
    """Slots where the skill has enough planned holders free (every slot for no skill)."""
    if skill is None:
        return [s.slot_id for s in week.slots]
    return [s.slot_id for s in week.slots if week.skill_supply[skill, s.slot_id] >= staff]


def _whole_class(
    rng: random.Random,
    week: _Week,
    classes: list[_Class],
    stage: str,
    target: int,
    next_id,
) -> list[_Act]:
    """Self-study of high-school classes, whole-class PE and tutoring through `groups`."""
    slots = week.slots
    acts: list[_Act] = []
    order = list(classes)
    rng.shuffle(order)
    by_grade: dict[tuple[int, ...], list[_Class]] = defaultdict(list)
    for c in classes:
        by_grade[c.grade].append(c)
    for c in order:
        if week.total() >= 0.8 * target:
            break
        plans: list[tuple[str, str, str | None, int, int, str | None, list[_Class]]] = []
        if stage == "high" or (max(c.grade) >= 10 and rng.random() < 0.8):
            for name in rng.sample(["早读", "晚自习一", "晚自习二", "午自习"], rng.randint(1, 3)):
                skill = rng.choice(["数学", "英语", "语文"]) if rng.random() < 0.2 else None
                plans.append((name, "self_study", skill, rng.randint(3, 5), 1, None, [c]))
        if rng.random() < 0.3:
            pe_rooms = [r for r in ("gym", "field") if any(x.type == r for x in week.rooms)]
            partners = [c]
            mates = [m for m in by_grade[c.grade] if m is not c]
            if mates and rng.random() < 0.3:
                partners.append(rng.choice(mates))
            if rng.random() < 0.5 and pe_rooms:
                room = rng.choice(pe_rooms)
                plans.append(
                    ("体育活动", "sports", None, rng.randint(1, 2), len(partners), room, partners)
                )
            else:
                subj = rng.choice(SUBJECTS[:3])
                plans.append(
                    (
                        f"{subj}辅导",
                        "academic",
                        subj,
                        rng.randint(1, 2),
                        len(partners),
                        None,
                        partners,
                    )
                )
        for name, category, skill, sessions, staff, room_type, members in plans:
            gids = [m.gid for m in members]
            usable = _usable(week, skill, staff)
            kind = "self_study" if category == "self_study" else "extended"
            explicit, cand = _allowed(rng, kind, slots, usable, sessions)
            seats = sum(m.students for m in members)
            act = _Act(
                next_id(),
                f"{'+'.join(gids)}{name}",
                category,
                skill,
                staff,
                sessions,
                room_type,
                seats,
                gids,
                explicit,
                cand,
            )
            home = members[0].home if room_type is None and len(members) == 1 else None
            week.place(act, prefer_room=home if rng.random() < 0.8 else None)
            if act.placed:
                acts.append(act)
    return acts


def _club(
    rng: random.Random,
    week: _Week,
    slots: list[Slot],
    room_types: set[str],
    externals: list[_Teacher],
    use_enrolments: bool,
    next_id,
) -> _Act:
    """One club: category and skill, staff 1-3, sessions 1-5, room, allowed slots."""
    external_skills = sorted({k for t in externals for k in t.skills})
    r = rng.random()
    if external_skills and r < 0.12:
        skill: str | None = rng.choice(external_skills)
        category, types = EXTERNAL_SKILLS[skill]
    elif r < 0.7:
        skill = rng.choice(sorted(CLUB_SKILLS))
        category, types = CLUB_SKILLS[skill]
    elif r < 0.85:
        skill = rng.choice(SUBJECTS)
        category, types = "academic", (None, "classroom", "library")
    else:
        skill = None
        category = rng.choice(
            ["arts", "sports", "science", "labour", "social_practice", "academic"]
        )
        types = (None, "classroom")
    staff = _weighted(rng, {1: 14, 2: 4, 3: 1})
    sessions = _weighted(rng, {1: 5, 2: 5, 3: 3, 4: 1, 5: 1})
    room_type = rng.choice(types)
    if room_type is not None and room_type not in room_types:
        room_type = None
    if rng.random() < 0.15:
        room_type = None
    seats = rng.randint(8, 45)
    fitting = [r.capacity for r in week.rooms if room_type is None or r.type == room_type]
    seats = min(seats, max(fitting, default=seats))
    usable = _usable(week, skill, staff)
    explicit, cand = _allowed(rng, "extended", slots, usable, sessions)
    name = (skill or rng.choice(["兴趣小组", "综合实践", "游戏", "作业辅导"])) + rng.choice(
        ["社", "班", "兴趣组", "", "提高班"]
    )
    return _Act(
        next_id(),
        name,
        category,
        skill,
        staff,
        sessions,
        room_type,
        seats,
        [],
        explicit,
        cand,
        enrol=use_enrolments and rng.random() < 0.6,
    )


# --------------------------------------------------------------------------- derivations


def _capacity(t: Teacher, slots: list[Slot]) -> int:
    """Most sessions a week from limits and availability (as the benchmark reports it)."""
    if not t.opt_in:
        return 0
    free: Counter = Counter(s.day for s in slots if s.slot_id not in t.unavailable)
    return min(t.max_per_week, sum(min(t.max_per_day, n) for n in free.values()))


def _limits(
    rng: random.Random,
    plans: list[_Teacher],
    sessions: list[_Sess],
    slots: list[Slot],
    tightness: float,
) -> dict[str, dict]:
    """Each teacher's derived fields: limits at least the planted load, unavailable slots
    only where the teacher is free, opt-outs only for idle teachers; then weekly limits
    (and, where that is the binding limit, daily ones) raised until demand / capacity is
    at most `tightness`."""
    slot_day = {s.slot_id: s.day for s in slots}
    teaching: dict[str, list[str]] = defaultdict(list)
    for sess in sessions:
        for tid in sess.teachers:
            teaching[tid].append(sess.slot)
    out: dict[str, dict] = {}
    for t in plans:
        mine = teaching[t.tid]
        load = len(mine)
        busiest = max(Counter(slot_day[s] for s in mine).values(), default=0)
        taught = set(mine)
        off = {s for s in t.off if s not in taught}
        if not t.external and rng.random() < 0.25:  # a few more slots off, where free
            free = [s.slot_id for s in slots if s.slot_id not in taught]
            off |= set(rng.sample(free, min(len(free), rng.randint(1, 3))))
        out[t.tid] = {
            "max_per_day": max(1, busiest, min(t.per_day, busiest + rng.randint(0, 1))),
            "max_per_week": max(2, load),
            "unavailable": off,
            "opt_in": not (load == 0 and rng.random() < 0.6),
            "external": t.external,
        }
    demand = sum(s.need for s in sessions)

    def cap(d: dict) -> int:
        if not d["opt_in"]:
            return 0
        free = Counter(s.day for s in slots if s.slot_id not in d["unavailable"])
        return min(d["max_per_week"], sum(min(d["max_per_day"], n) for n in free.values()))

    total = sum(cap(d) for d in out.values())
    grow = [tid for tid in sorted(out) if out[tid]["opt_in"]]
    while demand > tightness * total and grow:
        tid = rng.choice(grow)
        d = out[tid]
        before = cap(d)
        if d["max_per_week"] < 10:
            d["max_per_week"] += 1
        if cap(d) == before:  # the days bind, not the week: a longer day or one more slot
            if d["max_per_day"] < 3:
                d["max_per_day"] += 1
            elif d["unavailable"] and not (d["external"] and rng.random() < 0.8):
                d["unavailable"].discard(sorted(d["unavailable"])[0])
        if cap(d) == before:
            grow.remove(tid)
        total += cap(d) - before
    return out


def _enrol(
    rng: random.Random,
    classes: list[_Class],
    acts: list[_Act],
    whole: list[_Act],
) -> list[Enrolment]:
    """Students join 0-3 clubs whose planted slots clash with nothing else of theirs."""
    busy_of_class: dict[str, set[str]] = defaultdict(set)
    for a in whole:
        for g in a.groups:
            busy_of_class[g] |= {s.slot for s in a.placed}
    blank_group = rng.random() < 0.05  # the enrolment rows leave group_id blank
    students = []
    for c in classes:
        for k in range(1, c.students + 1):
            quota = _weighted(rng, {0: 3, 1: 4, 2: 2, 3: 1})
            students.append([f"{c.gid}-{k:02d}", c.gid, quota, set(busy_of_class[c.gid])])
    out = []
    for a in acts:
        if not a.enrol:
            continue
        mine = {s.slot for s in a.placed}
        free = [st for st in students if st[2] > 0 and not (st[3] & mine)]
        for st in rng.sample(free, min(len(free), a.seats)):
            st[2] -= 1
            st[3] |= mine
            out.append(Enrolment(st[0], a.aid, None if blank_group else st[1]))
    return out


def _cells(rng: random.Random, **options: str | None) -> dict[str, str]:
    """A random subset of the offered lock cells (None: not offered)."""
    return {k: v for k, v in options.items() if v is not None and rng.random() < 0.5}


def _locks(rng: random.Random, sessions: list[_Sess], spw: dict[str, int]) -> list[Lock]:
    """Cells copied from the planted week, in every form the contract allows, until 0-30%
    of the sessions are covered: one activity session (any subset of slot, room, teacher,
    rarely none), a whole activity (slot only with one session a week, room or teacher only
    where every session has it), basic care by slot, by session index, by both, or every
    basic session of the class."""
    share = 0.0 if rng.random() < 0.25 else rng.uniform(0.02, 0.30)
    target = round(share * len(sessions))
    by_key: dict[str, list[_Sess]] = defaultdict(list)
    for s in sessions:
        by_key[s.key].append(s)
    order = list(sessions)
    rng.shuffle(order)
    out: list[Lock] = []
    covered = 0
    for sess in order:
        if covered >= target:
            break
        basic = sess.key.startswith("basic:")
        mine = by_key[sess.key]
        if rng.random() < 0.7:  # one session
            c = _cells(
                rng,
                slot_id=None if basic else sess.slot,
                room_id=sess.room,
                teacher_id=rng.choice(sess.teachers),
            )
            if basic:
                how = rng.choice(["slot", "session", "both"])
                slot = sess.slot if how in ("slot", "both") else None
                index = sess.index if how in ("session", "both") else None
            else:
                if not c and rng.random() < 0.8:
                    c = {"slot_id": sess.slot}
                slot, index = c.get("slot_id"), sess.index
            out.append(Lock(sess.key, index, slot, c.get("room_id"), c.get("teacher_id")))
            covered += 1
            continue
        # The whole activity, or every basic session of the class.
        common = sorted(set.intersection(*(set(s.teachers) for s in mine)))
        c = _cells(
            rng,
            slot_id=sess.slot if not basic and spw.get(sess.key) == 1 else None,
            room_id=sess.room if len({s.room for s in mine}) == 1 else None,
            teacher_id=rng.choice(common) if common else None,
        )
        if not c and (basic or rng.random() < 0.9):
            continue  # a lock with no cell fixes nothing: rare on purpose
        out.append(Lock(sess.key, None, c.get("slot_id"), c.get("room_id"), c.get("teacher_id")))
        covered += len(mine)
    return out


def _activities(
    rng: random.Random,
    acts: list[_Act],
    by_key: dict[str, list[_Sess]],
    enrolments: list[Enrolment],
    order: dict[str, int],
) -> tuple[list[Activity], dict[str, str], dict[str, set[str]]]:
    """The activities as the planted week has them: sessions held, explicit allowed slots
    in time order, a fixed teacher sometimes where one teacher leads every session, the
    `enrolled` cell (blank or stale beside enrolment rows sometimes). Also the fixed
    teachers and, per teacher, the skills they need for sessions they are not fixed on."""
    enrolled_count = Counter(e.activity_id for e in enrolments)
    fixed_of: dict[str, str] = {}
    for a in acts:
        common = sorted(set.intersection(*(set(s.teachers) for s in by_key[a.aid])))
        if common and rng.random() < 0.25:
            fixed_of[a.aid] = rng.choice(common)
    skill_needed: dict[str, set[str]] = defaultdict(set)
    for a in acts:
        for s in by_key[a.aid]:
            for tid in s.teachers:
                if a.skill and fixed_of.get(a.aid) != tid:
                    skill_needed[tid].add(a.skill)
    out = []
    for a in acts:
        if a.enrol and enrolled_count[a.aid]:
            # The enrolments win; a stale `enrolled` cell (a warning) sometimes stays.
            stale = max(1, enrolled_count[a.aid] + rng.randint(-3, 3))
            enrolled = None if rng.random() < 0.7 else stale
        else:
            enrolled = a.seats
        allowed = tuple(sorted(a.explicit, key=lambda s: order[s])) if a.explicit else ()
        out.append(
            Activity(
                a.aid,
                a.name,
                a.category,
                a.skill,
                len(by_key[a.aid]),
                enrolled,
                a.staff,
                a.room_type,
                allowed,
                fixed_of.get(a.aid),
                tuple(a.groups),
            )
        )
    return out, fixed_of, skill_needed


def _school_teachers(
    rng: random.Random,
    teachers: list[_Teacher],
    derived: dict[str, dict],
    slots: list[Slot],
    fixed_of: dict[str, str],
    skill_needed: dict[str, set[str]],
    skill_of: dict[str, str | None],
) -> list[Teacher]:
    """The teachers sheet: derived limits and availability, skills taught plus decoys (a
    fixed teacher's skill dropped sometimes: `fixed_teacher` overrides it), and a few
    teachers who said no (opt_in no: no session, no capacity)."""
    teachers = list(teachers)
    for i in range(rng.choice([0, 0, 1, 2])):
        teachers.append(_Teacher(f"X{i + 1:02d}", _name(rng), rng.sample(SUBJECTS, 1), 1, 2, set()))
        derived[teachers[-1].tid] = {
            "max_per_day": rng.randint(1, 3),
            "max_per_week": rng.randint(2, 10),
            "unavailable": set(),
            "opt_in": False,
        }
    out = []
    for t in teachers:
        d = derived[t.tid]
        skills = list(t.skills)
        if rng.random() < 0.3:  # decoy skills: more choice, never less
            skills.append(rng.choice(sorted(CLUB_SKILLS) + list(SUBJECTS)))
        for aid, tid in fixed_of.items():
            skill = skill_of[aid]
            if tid == t.tid and skill and skill not in skill_needed[tid] and rng.random() < 0.4:
                skills = [k for k in skills if k != skill]
        out.append(
            Teacher(
                t.tid,
                t.name,
                tuple(dict.fromkeys(skills)),
                d["max_per_week"],
                d["max_per_day"],
                tuple(s.slot_id for s in slots if s.slot_id in d["unavailable"]),
                d["opt_in"],
                t.homeroom,
                t.external,
            )
        )
    return out


# --------------------------------------------------------------------------- build


def build(size: str, seed: int = 0) -> Fuzzed:
    """The random school of (size, seed) with its planted week."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; one of {', '.join(SIZES)}")
    rng = random.Random(f"fuzz/{size}/{seed}")
    feats: dict[str, object] = {}
    stage = _weighted(rng, {"primary": 4, "junior": 2, "nine_year": 2, "high": 2})
    location = _weighted(rng, {"urban": 3, "town": 3, "village": 2})
    ratio = _weighted(rng, {45: 3, 40: 2, 35: 2, 30: 2, 25: 1, 20: 1, 15: 1})
    feats |= {"stage": stage, "location": location, "ratio": ratio}
    slots = _grid(rng, stage, feats)
    days = sorted({s.day for s in slots})
    lo, hi = SIZES[size]
    n_teachers = rng.randint(lo, hi)
    n_ext = sum(rng.random() < 0.06 for _ in range(n_teachers)) if rng.random() < 0.6 else 0
    internal = _teachers(rng, n_teachers - n_ext, slots, days)
    externals = _externals(rng, n_ext, slots, days)
    teachers = internal + externals
    share = rng.uniform(0.15, 0.3) if stage == "high" else rng.uniform(0.3, 0.65)
    classes = _classes(rng, max(1, round(n_teachers * share)), stage, location, slots, feats)
    heads = rng.sample(internal, min(len(internal), len(classes)))
    homeroom: dict[str, str] = {}
    for t, c in zip(heads, classes, strict=False):
        if rng.random() < 0.85:
            t.homeroom = c.gid
            homeroom[c.gid] = t.tid
    budget = 0
    for t in teachers:
        free = Counter(s.day for s in slots if s.slot_id not in t.off)
        budget += min(t.per_week, sum(min(t.per_day, n) for n in free.values()))
    target = round(budget * rng.uniform(0.8, 0.97))
    # Basic care takes at most 35-75% of the demand, so that clubs have their share.
    basic_share = rng.uniform(0.35, 0.75)
    while True:
        needs = {c.gid: math.ceil(c.basic_students / ratio) for c in classes}
        basic_planned = sum(needs[c.gid] * len(c.basic_slots) for c in classes)
        cut = [c for c in classes if needs[c.gid] and c.basic_slots]
        if basic_planned <= basic_share * target or not cut:
            break
        c = rng.choice(cut)
        c.basic_slots.remove(rng.choice(c.basic_slots))
    rooms = _rooms(rng, classes, slots, max(0, target - basic_planned), feats)
    week = _Week(rng, slots, rooms, teachers)

    # Basic care first: fixed slots, home room or a classroom large enough.
    for c in classes:
        need = math.ceil(c.basic_students / ratio)
        if need == 0:
            continue
        kept = []
        for s in c.basic_slots:
            if not week.staffable(s, need, None):
                continue
            room = c.home or week.room_for(s, "classroom", c.basic_students, None)
            if room is None or (room, s) in week.room_busy:
                continue
            week.add(_Sess(basic_activity_id(c.gid), s, room, need, None, prefer=c.gid), [c.gid])
            kept.append(s)
        c.basic_slots = kept
    counter = iter(range(1, 10_000))
    id_style = rng.choice(["A{:03d}", "{:03d}", "act-{}", "HD{}"])

    def next_id() -> str:
        return id_style.format(next(counter))

    whole = _whole_class(rng, week, classes, stage, target, next_id)
    use_enrolments = rng.random() < 0.5
    room_types = {r.type for r in rooms}
    clubs: list[_Act] = []
    misses = 0
    while week.total() < target and misses < 60:
        act = _club(rng, week, slots, room_types, externals, use_enrolments, next_id)
        week.place(act)
        if act.placed:
            clubs.append(act)
        else:
            misses += 1
    _staff(rng, week, homeroom)

    # What the staffed week implies.
    kept = week.sessions
    by_key: dict[str, list[_Sess]] = defaultdict(list)
    for s in sorted(kept, key=lambda s: week.order[s.slot]):
        by_key[s.key].append(s)
    for mine in by_key.values():
        for i, s in enumerate(mine, 1):
            s.index = i
    for c in classes:
        if math.ceil(c.basic_students / ratio) > 0:
            c.basic_slots = [s.slot for s in by_key.get(basic_activity_id(c.gid), [])]
    tightness = rng.uniform(0.75, 0.98)
    derived = _limits(rng, teachers, kept, slots, tightness)
    acts = [a for a in whole + clubs if by_key.get(a.aid)]
    enrolments = _enrol(rng, classes, [a for a in acts if a in clubs], whole)
    activities, fixed_of, skill_needed = _activities(rng, acts, by_key, enrolments, week.order)
    school_teachers = _school_teachers(
        rng, teachers, derived, slots, fixed_of, skill_needed, {a.aid: a.skill for a in acts}
    )
    groups = [
        Group(c.gid, c.grade, c.students, tuple(c.basic_slots), c.basic_students) for c in classes
    ]
    spw = {a.activity_id: a.sessions_per_week for a in activities}
    locks = _locks(rng, kept, spw)
    info = SchoolInfo(
        f"FZ-{size}-{seed}",
        f"随机学校 {size}-{seed}",
        stage,
        location,
        ratio,
    )
    school = School(
        info,
        tuple(slots),
        tuple(school_teachers),
        tuple(groups),
        tuple(activities),
        tuple(rooms),
        tuple(enrolments),
        tuple(locks),
    )
    placed = []
    kind_of = {a.activity_id: a.kind for a in activities}
    for s in kept:
        slot = week.slot[s.slot]
        kind = "basic" if s.key.startswith("basic:") else kind_of[s.key]
        placed.append(
            Placed(
                s.key,
                s.index,
                kind,
                slot.day,
                s.slot,
                slot.start,
                slot.end,
                s.room,
                tuple(sorted(s.teachers)),
            )
        )
    planted = Schedule(info.school_id, tuple(placed))
    demand = sum(s.need for s in kept)
    capacity = sum(_capacity(t, slots) for t in school_teachers)
    feats |= {
        "teachers": len(school_teachers),
        "external": sum(t.external for t in school_teachers),
        "opted_out": sum(not t.opt_in for t in school_teachers),
        "homeroom": sum(t.homeroom is not None for t in school_teachers),
        "classes": len(groups),
        "basic_sessions": sum(1 for s in kept if s.key.startswith("basic:")),
        "activities": len(activities),
        "categories": dict(sorted(Counter(a.category for a in activities).items())),
        "whole_class": sum(bool(a.groups) for a in activities),
        "fixed": len(fixed_of),
        "explicit_allowed": sum(bool(a.allowed_slots) for a in activities),
        "staff_2_plus": sum(a.staff > 1 for a in activities),
        "enrolments": len(enrolments),
        "locks": len(locks),
        "sessions": len(kept),
        "teacher_sessions": demand,
        "capacity": capacity,
        "tightness": round(demand / capacity, 3) if capacity else None,
        "planned_budget": budget,
    }
    return Fuzzed(size, seed, school, planted, feats)
