"""Layer 3 of the workbook door: the contract's rules across rows and sheets, then the
School the tables describe.

`validate_tables` checks parsed tables (unique ids, references between sheets, slot
overlaps, locks that name a real session, choices ...) and reports into the context's
problems; `build_school` turns tables that validated without errors into a
`domain.school.School`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from domain.school import (
    BASIC_PREFIX,
    Activity,
    Choice,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
    admits,
    minutes,
)
from workbook import spec
from workbook.parse import Ctx, ParsedRow, TablesResult


def _unique(rows: list[ParsedRow], key: str, ctx: Ctx) -> dict[str, ParsedRow]:
    """id -> its first row; later rows with the same id are errors."""
    first: dict[str, ParsedRow] = {}
    for prow in rows:
        value = prow.values.get(key)
        if value is None:
            continue
        if value in first:
            ctx.error(prow, key, "wb.id.duplicate", value, id=value, first=first[value].row)
        else:
            first[value] = prow
    return first


def _refs(rows: list[ParsedRow], key: str, known: dict | None, code: str, ctx: Ctx) -> None:
    """Every id (or id in a list) of column `key` must be in `known` (None: unchecked)."""
    if known is None:
        return
    for prow in rows:
        value = prow.values.get(key)
        items = value if isinstance(value, tuple) else (() if value is None else (value,))
        for item in items:
            if item not in known:
                ctx.error(prow, key, code, item, id=item)


def _positive(rows: list[ParsedRow], key: str, ctx: Ctx) -> None:
    for prow in rows:
        value = prow.values.get(key)
        if isinstance(value, int) and value < 1:
            ctx.error(prow, key, "wb.value.below_one", value)


@dataclass
class _Ids:
    """Ids of each sheet -> first row. A sheet that could not be read (missing required
    sheet, no header, no id column, bad encoding) is None: references into it are not
    checked, so one unreadable sheet does not bury the real error under follow-ups."""

    slots: dict[str, ParsedRow] | None
    teachers: dict[str, ParsedRow] | None
    groups: dict[str, ParsedRow] | None
    activities: dict[str, ParsedRow] | None
    rooms: dict[str, ParsedRow] | None


def _ids(result: TablesResult, key: str, id_key: str, ctx: Ctx) -> dict[str, ParsedRow] | None:
    first = _unique(result.tables[key], id_key, ctx)
    place = result.found.get(key)
    if place is None:
        return None if spec.SHEET_BY_KEY[key].required else first
    if place.header_row is None or id_key not in place.columns:
        return None
    return first


def _check_slots(rows: list[ParsedRow], ctx: Ctx) -> None:
    by_day: dict[int, list[ParsedRow]] = defaultdict(list)
    for prow in rows:
        v = prow.values
        if v["start"] is None or v["end"] is None:
            continue
        if minutes(v["end"]) <= minutes(v["start"]):
            ctx.error(prow, "end", "wb.slot.end_before_start", v["end"], start=v["start"])
        elif v["day"] is not None:
            by_day[v["day"]].append(prow)
    for day_rows in by_day.values():
        for i, a in enumerate(day_rows):
            for b in day_rows[:i]:
                if _overlap(a, b):
                    ctx.error(
                        a,
                        "start",
                        "wb.slot.overlap",
                        a.values["start"],
                        id=a.values["slot_id"],
                        other=b.values["slot_id"],
                        other_row=b.row,
                    )


def _overlap(a: ParsedRow, b: ParsedRow) -> bool:
    a0, a1 = minutes(a.values["start"]), minutes(a.values["end"])
    b0, b1 = minutes(b.values["start"]), minutes(b.values["end"])
    return a0 < b1 and b0 < a1


def _check_teachers(rows: list[ParsedRow], ids: _Ids, ctx: Ctx) -> None:
    _refs(rows, "unavailable", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "homeroom", ids.groups, "wb.ref.group", ctx)
    heads: dict[str, ParsedRow] = {}
    for prow in rows:
        group = prow.values.get("homeroom")
        if group is None:
            continue
        if group in heads:
            ctx.warning(
                prow,
                "homeroom",
                "wb.teacher.homeroom_twice",
                group,
                id=group,
                first=heads[group].row,
            )
        else:
            heads[group] = prow


def _check_groups(rows: list[ParsedRow], ids: _Ids, ctx: Ctx) -> None:
    _refs(rows, "basic_slots", ids.slots, "wb.ref.slot", ctx)
    for prow in rows:
        v = prow.values
        for slot_id in v.get("basic_slots") or ():
            slot = (ids.slots or {}).get(slot_id)
            if slot is not None and slot.values.get("kind") in ("extended", "self_study"):
                ctx.warning(
                    prow,
                    "basic_slots",
                    "wb.group.basic_slot_kind",
                    slot_id,
                    id=slot_id,
                    kind=slot.values["kind"],
                )
        students, basic = v.get("students"), v.get("basic_students")
        if isinstance(students, int) and isinstance(basic, int) and basic > students:
            ctx.error(
                prow, "basic_students", "wb.group.basic_above_students", basic, students=students
            )


def _allowed_slots(prow: ParsedRow, slots: list[ParsedRow], ids: _Ids) -> list[ParsedRow] | None:
    """The activity's allowed slots as School.allowed_slots derives them (None: unknown,
    because the slots sheet could not be read)."""
    if ids.slots is None:
        return None
    explicit = prow.values.get("allowed_slots") or ()
    if explicit:
        if any(s not in ids.slots for s in explicit):
            return None  # an unknown slot is reported already
        return [ids.slots[s] for s in explicit]
    kind = "self_study" if prow.values.get("category") == "self_study" else "extended"
    return [s for s in slots if s.values.get("kind") in (kind, "any")]


def _check_activities(result: TablesResult, ids: _Ids, ctx: Ctx) -> None:
    t = result.tables
    rows = t["activities"]
    counts: dict[str, set[str]] = defaultdict(set)
    for e in t["enrolments"]:
        if e.values.get("activity_id") and e.values.get("student_id"):
            counts[e.values["activity_id"]].add(e.values["student_id"])
    skills = {s for tr in t["teachers"] for s in tr.values.get("skills") or ()}
    room_types = {r.values.get("type") for r in t["rooms"]}
    _refs(rows, "allowed_slots", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "groups", ids.groups, "wb.ref.group", ctx)
    _refs(rows, "fixed_teacher", ids.teachers, "wb.ref.teacher", ctx)
    _positive(rows, "staff", ctx)
    _positive(rows, "sessions_per_week", ctx)
    for prow in rows:
        v = prow.values
        aid = v.get("activity_id")
        if isinstance(aid, str) and aid.startswith(BASIC_PREFIX):
            ctx.error(prow, "activity_id", "wb.activity.basic_prefix", aid)
        fixed = (ids.teachers or {}).get(v.get("fixed_teacher") or "")
        if fixed is not None and fixed.values.get("opt_in") is False:
            ctx.warning(
                prow,
                "fixed_teacher",
                "wb.activity.fixed_opted_out",
                v["fixed_teacher"],
                id=v["fixed_teacher"],
            )
        _check_enrolled(prow, len(counts[aid]) if aid in counts else None, ctx)
        _check_days(prow, _allowed_slots(prow, t["slots"], ids), ctx)
        if v.get("room_type") and t["rooms"] and v["room_type"] not in room_types:
            ctx.warning(
                prow, "room_type", "wb.activity.no_room_type", v["room_type"], type=v["room_type"]
            )
        if v.get("skill") and not fixed and t["teachers"] and v["skill"] not in skills:
            ctx.warning(prow, "skill", "wb.activity.no_skill", v["skill"], skill=v["skill"])


def _check_days(prow: ParsedRow, allowed: list[ParsedRow] | None, ctx: Ctx) -> None:
    """Two sessions of one activity never share a day: sessions <= distinct days, else a
    warning (the schedule is impossible, but the data is well formed)."""
    spw = prow.values.get("sessions_per_week")
    if allowed is None or any(s.values.get("day") is None for s in allowed):
        return  # a slot's day is unreadable (reported there); do not guess
    days = {s.values["day"] for s in allowed}
    if isinstance(spw, int) and spw >= 1 and spw > len(days):
        # Consistent data that no schedule can meet: the scheduler reports it (exit 3).
        ctx.warning(
            prow,
            "sessions_per_week",
            "wb.activity.too_few_days",
            spw,
            sessions=spw,
            days=len(days),
        )


def _check_enrolled(prow: ParsedRow, count: int | None, ctx: Ctx) -> None:
    enrolled = prow.values.get("enrolled")
    if count is None:
        if enrolled is None and prow.values.get("activity_id") is not None:
            ctx.error(prow, "enrolled", "wb.activity.enrolled_blank")
    elif enrolled is not None and enrolled != count:
        ctx.warning(prow, "enrolled", "wb.activity.enrolled_differs", enrolled, count=count)


def _check_rooms(rows: list[ParsedRow], ids: _Ids, ctx: Ctx) -> None:
    _refs(rows, "home_group", ids.groups, "wb.ref.group", ctx)
    homes: dict[str, ParsedRow] = {}
    for prow in rows:
        group = prow.values.get("home_group")
        if group is None:
            continue
        if group in homes:
            ctx.error(
                prow,
                "home_group",
                "wb.room.home_twice",
                group,
                id=group,
                other=homes[group].values.get("room_id"),
                first=homes[group].row,
            )
        else:
            homes[group] = prow


def _check_enrolments(rows: list[ParsedRow], ids: _Ids, ctx: Ctx) -> None:
    _refs(rows, "activity_id", ids.activities, "wb.ref.activity", ctx)
    _refs(rows, "group_id", ids.groups, "wb.ref.group", ctx)
    pairs: dict[tuple[str, str], ParsedRow] = {}
    classes: dict[str, ParsedRow] = {}
    for prow in rows:
        student, activity = prow.values.get("student_id"), prow.values.get("activity_id")
        if student is None:
            continue
        if activity is not None:
            if (student, activity) in pairs:
                ctx.warning(
                    prow,
                    "activity_id",
                    "wb.enrolment.duplicate",
                    activity,
                    student=student,
                    first=pairs[(student, activity)].row,
                )
            else:
                pairs[(student, activity)] = prow
        group = prow.values.get("group_id")
        if group is None:
            continue
        if student in classes and classes[student].values["group_id"] != group:
            first = classes[student]
            ctx.error(
                prow,
                "group_id",
                "wb.enrolment.two_classes",
                group,
                student=student,
                other=first.values["group_id"],
                first=first.row,
            )
        classes.setdefault(student, prow)


def _check_grade_bounds(rows: list[ParsedRow], ctx: Ctx) -> None:
    """An activity's grade eligibility (an addition): each bound 1-12, min <= max."""
    for prow in rows:
        low, high = prow.values.get("min_grade"), prow.values.get("max_grade")
        for key, value in (("min_grade", low), ("max_grade", high)):
            if isinstance(value, int) and not 1 <= value <= 12:
                ctx.error(prow, key, "wb.cell.grade", value)
                prow.values[key] = None  # reported; not compared below
        low, high = prow.values.get("min_grade"), prow.values.get("max_grade")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            ctx.error(prow, "max_grade", "wb.activity.grade_range", high, low=low, high=high)


def _check_choices(result: TablesResult, ids: _Ids, ctx: Ctx) -> None:
    """The `choices` sheet (an addition, docs/workbook.md): every choice names a known
    club and class; a student is in one class (here and in the enrolments sheet), picks a
    club once and gives each rank once. A club the student's grade may not join is a
    warning: the choice is read, and the allocation never grants it."""
    rows = result.tables.get("choices", [])
    if not rows:
        return
    _positive(rows, "rank", ctx)
    _refs(rows, "group_id", ids.groups, "wb.ref.group", ctx)
    enrolled_class = {
        p.values["student_id"]: p
        for p in reversed(result.tables["enrolments"])
        if p.values.get("student_id") is not None and p.values.get("group_id") is not None
    }
    classes: dict[str, ParsedRow] = {}
    clubs: dict[tuple[str, str], ParsedRow] = {}
    ranks: dict[tuple[str, int], ParsedRow] = {}
    for prow in rows:
        v = prow.values
        student, group, aid, rank = (
            v.get(k) for k in ("student_id", "group_id", "activity_id", "rank")
        )
        if student is None:
            continue
        if group is not None and (ids.groups is None or group in ids.groups):
            _check_choice_class(prow, student, group, classes, enrolled_class, ctx)
        activity = None
        if aid is not None and ids.activities is not None:
            activity = ids.activities.get(aid)
            if activity is None:
                ctx.error(
                    prow, "activity_id", "wb.choice.unknown_club", aid, id=aid, student=student
                )
        if aid is not None:
            first = clubs.setdefault((student, aid), prow)
            if first is not prow:
                ctx.error(
                    prow,
                    "activity_id",
                    "wb.choice.same_club",
                    aid,
                    student=student,
                    id=aid,
                    first=first.row,
                )
        if isinstance(rank, int) and rank >= 1:
            first = ranks.setdefault((student, rank), prow)
            if first is not prow:
                ctx.error(
                    prow,
                    "rank",
                    "wb.choice.duplicate_rank",
                    rank,
                    student=student,
                    rank=rank,
                    first=first.row,
                    other=first.values.get("activity_id"),
                )
        class_row = (ids.groups or {}).get(group or "")
        if activity is not None and class_row is not None:
            _check_choice_grade(prow, activity, class_row, ctx)


def _check_choice_class(
    prow: ParsedRow,
    student: str,
    group: str,
    classes: dict[str, ParsedRow],
    enrolled_class: dict[str, ParsedRow],
    ctx: Ctx,
) -> None:
    first = classes.setdefault(student, prow)
    if first.values["group_id"] != group:
        ctx.error(
            prow,
            "group_id",
            "wb.choice.two_classes",
            group,
            student=student,
            other=first.values["group_id"],
            first=first.row,
        )
        return
    enrolment = enrolled_class.get(student)
    if first is prow and enrolment is not None and enrolment.values["group_id"] != group:
        ctx.error(
            prow,
            "group_id",
            "wb.choice.enrolment_class",
            group,
            student=student,
            other=enrolment.values["group_id"],
            other_sheet=enrolment.sheet,
            first=enrolment.row,
        )


def _check_choice_grade(prow: ParsedRow, activity: ParsedRow, group: ParsedRow, ctx: Ctx) -> None:
    low, high = activity.values.get("min_grade"), activity.values.get("max_grade")
    grades = group.values.get("grade")
    if (low is None and high is None) or not grades:
        return
    if not admits(low, high, grades):
        aid = activity.values["activity_id"]
        ctx.warning(
            prow,
            "activity_id",
            "wb.choice.grade",
            aid,
            student=prow.values["student_id"],
            id=aid,
            grade=";".join(map(str, grades)),
            low=low if low is not None else 1,
            high=high if high is not None else 12,
        )


def _check_locks(result: TablesResult, ids: _Ids, ctx: Ctx) -> None:
    """Errors: malformed cells, unknown ids, and a session that does not exist (`session`
    above the activity's sessions or the class's basic slots, a basic lock's slot that is
    not one of the class's basic slots): such a lock names nothing, so it could only be
    ignored. Warnings: a lock that names a real session but can never hold (a slot the
    activity may not use; a teacher who opted out, is unavailable then or lacks the
    skill): the scheduler reports it as the reason no schedule exists (exit 3)."""
    rows = result.tables["locks"]
    _refs(rows, "slot_id", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "room_id", ids.rooms, "wb.ref.room", ctx)
    _refs(rows, "teacher_id", ids.teachers, "wb.ref.teacher", ctx)
    for prow in rows:
        v = prow.values
        aid, session, slot = v.get("activity_id"), v.get("session"), v.get("slot_id")
        if aid is None:
            continue
        if isinstance(session, int) and session < 1:
            ctx.error(prow, "session", "wb.value.below_one", session)
            session = None
        if aid.startswith(BASIC_PREFIX):
            gid = aid[len(BASIC_PREFIX) :]
            if ids.groups is None:
                continue
            group = ids.groups.get(gid)
            if group is None:
                ctx.error(prow, "activity_id", "wb.ref.group", aid, id=gid)
                continue
            allowed = group.values.get("basic_slots") or ()
            named = True
            if isinstance(session, int) and session > len(allowed):
                ctx.error(prow, "session", "wb.lock.basic_session", session, count=len(allowed))
                named = False
            if slot in (ids.slots or {}) and slot not in allowed:
                ctx.error(prow, "slot_id", "wb.lock.basic_slot", slot, id=slot, group=gid)
                named = False
            if named:
                _check_lock_teacher(prow, None, ids, ctx)
            continue
        if ids.activities is None:
            continue
        activity = ids.activities.get(aid)
        if activity is None:
            ctx.error(prow, "activity_id", "wb.ref.activity", aid, id=aid)
            continue
        spw = activity.values.get("sessions_per_week")
        if isinstance(session, int) and isinstance(spw, int) and session > spw:
            ctx.error(prow, "session", "wb.lock.session", session, sessions=spw)
            continue
        allowed = _allowed_slots(activity, result.tables["slots"], ids)
        if (
            allowed is not None
            and slot in ids.slots
            and slot not in {s.values["slot_id"] for s in allowed}
        ):
            ctx.warning(prow, "slot_id", "wb.lock.slot", slot, id=slot, activity=aid)
        _check_lock_teacher(prow, activity, ids, ctx)


def _check_lock_teacher(prow: ParsedRow, activity: ParsedRow | None, ids: _Ids, ctx: Ctx) -> None:
    """A locked teacher who can never take the session: a warning, one reason."""
    tid = prow.values.get("teacher_id")
    teacher = (ids.teachers or {}).get(tid or "")
    if teacher is None:
        return  # blank, or unknown (reported)
    t = teacher.values
    slot = prow.values.get("slot_id")
    skill = activity.values.get("skill") if activity is not None else None
    fixed = activity.values.get("fixed_teacher") if activity is not None else None
    if t.get("opt_in") is False:
        code = "wb.lock.teacher_opted_out"
    elif slot is not None and slot in (t.get("unavailable") or ()):
        code = "wb.lock.teacher_unavailable"
    elif skill and fixed != tid and skill not in (t.get("skills") or ()):
        code = "wb.lock.teacher_unqualified"
    else:
        return
    ctx.warning(prow, "teacher_id", code, tid, id=tid, slot=slot, skill=skill)


def _skip_rows_naming_no_activity(result: TablesResult, key: str, ctx: Ctx) -> None:
    """The contract requires no `activity_id` in `enrolments` (only `student_id`) nor in
    `locks`; but a row that names no activity cannot mean anything. Each such row is left
    out with a warning at its cell; a sheet without the column, with one warning."""
    rows, place = result.tables[key], result.found.get(key)
    if not rows or place is None:
        return
    if "activity_id" not in place.columns:
        column = spec.SHEET_BY_KEY[key].column("activity_id")
        ctx.problems.warning(
            "wb.column.no_activity",
            file=ctx.file,
            sheet=place.name,
            row=place.header_row,
            column=place.headers["activity_id"],
            name=column.key,
            alias=column.alias,
            rows=len(rows),
        )
        result.tables[key] = []
        return
    kept = []
    for prow in rows:
        if prow.values.get("activity_id") is None:
            ctx.warning(prow, "activity_id", "wb.row.no_activity")
        else:
            kept.append(prow)
    result.tables[key] = kept


def validate_tables(result: TablesResult, ctx: Ctx) -> None:
    """Cross-row and cross-sheet rules of the contract, on the parsed tables."""
    for key in ("enrolments", "locks"):
        _skip_rows_naming_no_activity(result, key, ctx)
    t = result.tables
    ids = _Ids(
        slots=_ids(result, "slots", "slot_id", ctx),
        teachers=_ids(result, "teachers", "teacher_id", ctx),
        groups=_ids(result, "groups", "group_id", ctx),
        activities=_ids(result, "activities", "activity_id", ctx),
        rooms=_ids(result, "rooms", "room_id", ctx),
    )
    _positive(t["school"], "ratio", ctx)
    _positive(t["school"], "max_clubs_per_student", ctx)
    _check_slots(t["slots"], ctx)
    _check_teachers(t["teachers"], ids, ctx)
    _check_groups(t["groups"], ids, ctx)
    _check_activities(result, ids, ctx)
    _check_rooms(t["rooms"], ids, ctx)
    _check_enrolments(t["enrolments"], ids, ctx)
    _check_locks(result, ids, ctx)
    _check_grade_bounds(t["activities"], ctx)
    _check_choices(result, ids, ctx)
    for key in ("slots", "teachers"):
        place = result.found.get(key)
        if place is not None and place.header_row is not None and not t[key]:
            ctx.problems.warning("wb.sheet.no_rows", file=ctx.file, sheet=place.name)


# ---------------------------------------------------------------- building


def build_school(tables: dict[str, list[ParsedRow]]) -> School:
    """A School from tables that validated without errors."""

    def vals(key: str) -> list[dict[str, object]]:
        return [r.values for r in tables[key]]

    info = vals("school")[0]
    return School(
        info=SchoolInfo(
            school_id=info["school_id"],
            name=info["name"],
            stage=info["stage"],
            location=info["location"],
            # Blank or absent: the column's default (spec.py); invalid: an error, no School.
            ratio=info["ratio"],
            max_clubs_per_student=info["max_clubs_per_student"],
        ),
        slots=tuple(Slot(**v) for v in vals("slots")),
        teachers=tuple(Teacher(**v) for v in vals("teachers")),
        groups=tuple(
            Group(
                **{
                    **v,
                    "basic_students": v["basic_students"]
                    if v["basic_students"] is not None
                    else v["students"],
                }
            )
            for v in vals("groups")
        ),
        activities=tuple(Activity(**v) for v in vals("activities")),
        rooms=tuple(Room(**v) for v in vals("rooms")),
        enrolments=tuple(Enrolment(**v) for v in vals("enrolments")),
        # The source row travels with each lock so that problems can cite it; it takes
        # no part in equality or the stored school.
        locks=tuple(Lock(**r.values, row=r.row) for r in tables["locks"]),
        choices=tuple(Choice(**v) for v in vals("choices")) if "choices" in tables else (),
    )
