"""Independent checker: re-verifies every hard rule of the contract from the two files alone.

It reads a School (the workbook) and the rows of a schedule file, and never looks at solver
variables or at the model's derivations (it does not import scheduler.model or
scheduler.instance), so a bug in the model cannot hide itself here.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from domain.problems import Problems
from domain.schedule import SCHEDULE_COLUMNS, Schedule
from domain.school import School, minutes, parse_basic_activity_id
from i18n import t
from workbook.load import decode_csv
from workbook.safety import csv_unescape_dict


@dataclass(frozen=True)
class Violation:
    rule: str  # i18n key "check.<rule>"
    params: tuple[tuple[str, object], ...]

    def message(self, lang: str = "zh") -> str:
        params = dict(self.params)
        key = f"check.{self.rule}"
        if self.rule == "lock" and params.get("row") is not None:
            key = "check.lock_row"  # cite the locks sheet's own row when it is known
        return t(key, lang, **params)

    def render(self) -> str:
        return f"[{self.rule}] {self.message('zh')} / {self.message('en')}"


def _v(rule: str, **params: object) -> Violation:
    return Violation(rule, tuple(sorted(params.items())))


@dataclass
class Session:
    session_id: str
    activity_id: str
    index: int
    kind: str
    day: int
    slot_id: str
    start: str
    end: str
    room_id: str
    teachers: list[str]


def read_schedule_csv(path: Path | str) -> list[dict[str, str]]:
    """Rows of a schedule file, decoded as the reader decodes CSV sheets: UTF-8 with or
    without BOM, GB18030/GBK (the file re-saved by Excel on Chinese Windows), UTF-16 with
    a BOM. ValueError, naming the line and the bad byte, otherwise."""
    path = Path(path)
    problems = Problems()
    text = decode_csv(path.read_bytes(), str(path), path.name, problems)
    if text is None:
        raise ValueError(problems.items[0].render())
    return [csv_unescape_dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]


def rows_of(schedule: Schedule) -> list[dict[str, str]]:
    """A Schedule as the text rows a file would hold."""
    return [{k: str(v) for k, v in row.items()} for row in schedule.rows()]


def check(
    school: School, rows: list[dict[str, str]], excused: Set[tuple[str, int]] = frozenset()
) -> list[Violation]:
    """Every violation of the hard rules; [] means the schedule is valid.

    `excused`: (activity_id, session) pairs a partial plan declared unstaffed (its
    `unstaffed.csv`); they are not "missing", and must then not be held either.
    """
    out: list[Violation] = []
    sessions = _sessions(school, rows, out)
    _check_rule1(school, sessions, out, excused)
    _check_rule2(school, sessions, out)
    _check_rule3(school, sessions, out)
    _check_rule4(school, sessions, out, excused)
    return out


def _sessions(school: School, rows: list[dict[str, str]], out: list[Violation]) -> list[Session]:
    """Group rows by session_id; report malformed rows and inconsistent sessions."""
    missing_cols = [c for c in SCHEDULE_COLUMNS if rows and c not in rows[0]]
    if missing_cols:
        out.append(_v("columns", columns=", ".join(missing_cols)))
        return []
    by_id: dict[str, Session] = {}
    for n, row in enumerate(rows, start=2):
        sid = row["session_id"]
        slot = school.slot_by_id.get(row["slot_id"])
        if slot is None:
            out.append(_v("unknown_slot", line=n, slot=row["slot_id"]))
            continue
        try:
            index, day = int(row["session"]), int(row["day"])
        except ValueError:
            out.append(_v("bad_row", line=n, session=sid))
            continue
        if (day, row["start"], row["end"]) != (slot.day, slot.start, slot.end):
            out.append(_v("slot_mismatch", line=n, session=sid, slot=slot.slot_id))
        if row["teacher_id"] not in school.teacher_by_id:
            out.append(_v("unknown_teacher", line=n, teacher=row["teacher_id"]))
        if row["room_id"] not in school.room_by_id:
            out.append(_v("unknown_room", line=n, room=row["room_id"]))
        s = by_id.get(sid)
        if s is None:
            by_id[sid] = Session(
                sid,
                row["activity_id"],
                index,
                row["kind"],
                day,
                row["slot_id"],
                row["start"],
                row["end"],
                row["room_id"],
                [row["teacher_id"]],
            )
            continue
        same = (s.activity_id, s.index, s.slot_id, s.room_id, s.kind) == (
            row["activity_id"],
            index,
            row["slot_id"],
            row["room_id"],
            row["kind"],
        )
        if not same:
            out.append(_v("inconsistent", line=n, session=sid))
        s.teachers.append(row["teacher_id"])
    return list(by_id.values())


def _expected(school: School) -> dict[tuple[str, int], tuple[str, str | None, int]]:
    """(activity_id, index) -> (kind, fixed slot or None, teachers needed) for every session."""
    exp = {}
    for g in school.groups:
        need = math.ceil(g.basic_students / school.info.ratio)
        if need == 0:
            continue
        for i, slot_id in enumerate(school.sorted_slot_ids(g.basic_slots), 1):
            exp[f"basic:{g.group_id}", i] = ("basic", slot_id, need)
    for a in school.activities:
        for i in range(1, a.sessions_per_week + 1):
            exp[a.activity_id, i] = (a.kind, None, a.staff)
    return exp


def _check_rule1(
    school: School,
    sessions: list[Session],
    out: list[Violation],
    excused: Set[tuple[str, int]],
) -> None:
    """Every session held at an allowed slot with exactly the required distinct teachers."""
    expected = _expected(school)
    seen = Counter((s.activity_id, s.index) for s in sessions)
    for (aid, index), (_kind, _slot, _need) in expected.items():
        if seen[aid, index] == 0 and (aid, index) not in excused:
            out.append(_v("missing", activity=aid, session=index))
        if seen[aid, index] and (aid, index) in excused:
            out.append(_v("unstaffed_held", activity=aid, session=index))
    for key, count in seen.items():
        if count > 1:
            out.append(_v("duplicate_session", activity=key[0], session=key[1]))
    by_activity: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        exp = expected.get((s.activity_id, s.index))
        if exp is None:
            out.append(_v("unexpected", activity=s.activity_id, session=s.index))
            continue
        kind, fixed_slot, need = exp
        by_activity[s.activity_id].append(s)
        if s.kind != kind:
            out.append(_v("wrong_kind", session=s.session_id, kind=s.kind, expected=kind))
        if fixed_slot is not None and s.slot_id != fixed_slot:
            out.append(_v("wrong_slot", session=s.session_id, slot=s.slot_id))
        activity = school.activity_by_id.get(s.activity_id)
        if activity is not None and s.slot_id not in school.allowed_slots(activity):
            out.append(_v("slot_not_allowed", session=s.session_id, slot=s.slot_id))
        if len(set(s.teachers)) != len(s.teachers):
            out.append(_v("teacher_twice", session=s.session_id))
        if len(set(s.teachers)) != need:
            out.append(
                _v("staff_count", session=s.session_id, have=len(set(s.teachers)), need=need)
            )
    for aid, group in by_activity.items():
        days = Counter(s.day for s in group)
        for day, count in days.items():
            if count > 1 and parse_basic_activity_id(aid) is None:
                out.append(_v("same_day", activity=aid, day=day))
        ordered = sorted(group, key=lambda s: (s.day, minutes(s.start)))
        if [s.index for s in ordered] != sorted(s.index for s in group):
            out.append(_v("index_order", activity=aid))


def _check_rule2(school: School, sessions: list[Session], out: list[Violation]) -> None:
    """Teachers: one session per slot, available, opted in, within limits, qualified."""
    per_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    per_day: Counter = Counter()
    per_week: Counter = Counter()
    for s in sessions:
        activity = school.activity_by_id.get(s.activity_id)
        for tid in set(s.teachers):
            teacher = school.teacher_by_id.get(tid)
            if teacher is None:
                continue
            per_slot[tid, s.slot_id].append(s.session_id)
            per_day[tid, s.day] += 1
            per_week[tid] += 1
            if s.slot_id in teacher.unavailable:
                out.append(_v("unavailable", teacher=tid, slot=s.slot_id))
            if not teacher.opt_in:
                out.append(_v("opted_out", teacher=tid, session=s.session_id))
            if activity is not None and not school.qualified(teacher, activity):
                out.append(
                    _v("unqualified", teacher=tid, session=s.session_id, skill=activity.skill)
                )
        fixed = activity.fixed_teacher if activity is not None else None
        if fixed and fixed not in s.teachers:
            out.append(_v("fixed_teacher", session=s.session_id, teacher=fixed))
    for (tid, slot_id), ids in per_slot.items():
        if len(ids) > 1:
            out.append(
                _v("double_booked", teacher=tid, slot=slot_id, sessions=", ".join(sorted(ids)))
            )
    for (tid, day), count in per_day.items():
        if count > school.teacher_by_id[tid].max_per_day:
            out.append(
                _v(
                    "max_per_day",
                    teacher=tid,
                    day=day,
                    count=count,
                    limit=school.teacher_by_id[tid].max_per_day,
                )
            )
    for tid, count in per_week.items():
        if count > school.teacher_by_id[tid].max_per_week:
            out.append(
                _v(
                    "max_per_week",
                    teacher=tid,
                    count=count,
                    limit=school.teacher_by_id[tid].max_per_week,
                )
            )


def _students(school: School, s: Session) -> int:
    gid = parse_basic_activity_id(s.activity_id)
    if gid is not None:
        group = school.group_by_id.get(gid)
        return group.basic_students if group else 0
    activity = school.activity_by_id.get(s.activity_id)
    return school.enrolled(activity) if activity else 0


def _check_rule3(school: School, sessions: list[Session], out: list[Violation]) -> None:
    """Rooms: one session per slot, the right type, enough seats; basic in the home room."""
    per_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in sessions:
        room = school.room_by_id.get(s.room_id)
        if room is None:
            continue
        per_slot[s.room_id, s.slot_id].append(s.session_id)
        seats = _students(school, s)
        if room.capacity < seats:
            out.append(
                _v(
                    "room_small",
                    room=s.room_id,
                    session=s.session_id,
                    capacity=room.capacity,
                    students=seats,
                )
            )
        gid = parse_basic_activity_id(s.activity_id)
        if gid is not None:
            home = school.home_room.get(gid)
            if home is not None and s.room_id != home:
                out.append(_v("not_home_room", session=s.session_id, room=s.room_id, home=home))
            if home is None and room.type != "classroom":
                out.append(
                    _v(
                        "room_type",
                        session=s.session_id,
                        room=s.room_id,
                        type=room.type,
                        expected="classroom",
                    )
                )
            continue
        activity = school.activity_by_id.get(s.activity_id)
        if activity is not None and activity.room_type and room.type != activity.room_type:
            out.append(
                _v(
                    "room_type",
                    session=s.session_id,
                    room=s.room_id,
                    type=room.type,
                    expected=activity.room_type,
                )
            )
    for (rid, slot_id), ids in per_slot.items():
        if len(ids) > 1:
            out.append(_v("room_clash", room=rid, slot=slot_id, sessions=", ".join(sorted(ids))))


def _check_rule4(
    school: School,
    sessions: list[Session],
    out: list[Violation],
    excused: Set[tuple[str, int]] = frozenset(),
) -> None:
    """Classes and students are never in two places; locks hold."""
    at_slot: dict[str, set[str]] = defaultdict(set)  # activity -> slots
    for s in sessions:
        at_slot[s.activity_id].add(s.slot_id)
    # A class: its basic session plus whole-class activities listing it.
    for g in school.groups:
        for slot in school.slots:
            things = (
                [f"basic:{g.group_id}"] if slot.slot_id in at_slot[f"basic:{g.group_id}"] else []
            )
            things += [
                a.activity_id
                for a in school.activities
                if g.group_id in a.groups and slot.slot_id in at_slot[a.activity_id]
            ]
            if len(things) > 1:
                out.append(
                    _v("class_clash", group=g.group_id, slot=slot.slot_id, things=", ".join(things))
                )
    # A student: own activities plus the whole-class activities of their class.
    acts: dict[str, set[str]] = defaultdict(set)
    for e in school.enrolments:
        acts[e.student_id].add(e.activity_id)
        if e.group_id:
            acts[e.student_id] |= {
                a.activity_id for a in school.activities if e.group_id in a.groups
            }
    reported = set()
    for student, mine in sorted(acts.items()):
        for slot in school.slots:
            clash = sorted(a for a in mine if slot.slot_id in at_slot[a])
            key = (tuple(clash), slot.slot_id)
            if len(clash) > 1 and key not in reported:
                reported.add(key)
                out.append(
                    _v("student_clash", student=student, slot=slot.slot_id, things=", ".join(clash))
                )
    _check_locks(school, sessions, out, excused)


def _lock_violation(n: int, lk) -> Violation:
    """A broken lock, cited by the locks sheet's row when the reader recorded it (a stored
    lock has none: then by its position, "lock n")."""
    if lk.row is not None:
        return _v("lock", lock=n, row=lk.row, activity=lk.activity_id)
    return _v("lock", lock=n, activity=lk.activity_id)


def _check_locks(
    school: School,
    sessions: list[Session],
    out: list[Violation],
    excused: Set[tuple[str, int]] = frozenset(),
) -> None:
    expected = _expected(school)
    for n, lk in enumerate(school.locks, start=1):
        mine = [s for s in sessions if s.activity_id == lk.activity_id]
        gid = parse_basic_activity_id(lk.activity_id)
        if gid is not None and lk.slot_id is not None:
            targets = [s for s in mine if s.slot_id == lk.slot_id]
        elif lk.session is not None:
            targets = [s for s in mine if s.index == lk.session]
        else:
            targets = mine
        if not targets:
            # A lock that names no session fixes nothing; one whose sessions a partial plan
            # declared unstaffed is not broken by their absence.
            if _lock_targets(expected, lk) - excused:
                out.append(_lock_violation(n, lk))
            continue
        for s in targets:
            broken = (
                (lk.slot_id is not None and s.slot_id != lk.slot_id)
                or (lk.room_id is not None and s.room_id != lk.room_id)
                or (lk.teacher_id is not None and lk.teacher_id not in s.teachers)
            )
            if broken:
                out.append(_lock_violation(n, lk))


def _lock_targets(expected: dict, lk) -> set[tuple[str, int]]:
    """The (activity, session) pairs of `expected` (`_expected(school)`) the contract says
    this lock fixes (maybe none)."""
    if parse_basic_activity_id(lk.activity_id) is not None and lk.slot_id is not None:
        return {
            (aid, i)
            for (aid, i), (_k, slot, _n) in expected.items()
            if aid == lk.activity_id and slot == lk.slot_id
        }
    if lk.session is not None:
        key = (lk.activity_id, lk.session)
        return {key} if key in expected else set()
    return {(aid, i) for aid, i in expected if aid == lk.activity_id}
