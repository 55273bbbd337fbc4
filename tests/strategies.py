"""Hypothesis strategies for valid `School` values, shared by every area's tests.

`schools()` draws small schools that pass the workbook validation and survive a
write/read round trip: text ids such as `007`, Chinese names, multi-grade classes,
list cells, home rooms, enrolments and locks. Everything refers only to things that
exist, slots on one day never overlap, and choices stay on the safe side of the
contract's rules (compatible slot kinds, rooms that fit, qualified opt-in teachers), so
a failure points at the code under test rather than at the data.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from domain.school import (
    CATEGORIES,
    LOCATIONS,
    ROOM_TYPES,
    SLOT_KINDS,
    STAGES,
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
    basic_activity_id,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
SKILLS = ("数学", "语文", "英语", "篮球", "足球", "美术", "书法", "合唱", "编程", "科学", "舞蹈")
CLUB_NAMES = ("篮球社", "合唱团", "书法班", "机器人", "围棋", "田径", "数学思维", "阅读", "晚自习")
OTHER_ROOM_TYPES = ("舞蹈室", "书法室")
# Periods never overlap; a slot takes one period of one day, so no two slots overlap.
PERIODS = (("07:00", 40), ("15:30", 45), ("16:30", 45), ("19:00", 90))

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


def zh_name() -> st.SearchStrategy[str]:
    """A person's name: a surname and one or two given characters."""
    given = st.text(st.sampled_from(GIVEN), min_size=1, max_size=2)
    return st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), given)


def zh_text(max_size: int = 6) -> st.SearchStrategy[str]:
    return st.text(cjk, min_size=1, max_size=max_size)


def text_ids(prefix: str = "") -> st.SearchStrategy[str]:
    """Ids as schools write them: `007`, `12`, `T03`, `一班2`; never a list separator."""
    return st.one_of(
        st.from_regex(r"0[0-9]{1,3}", fullmatch=True),
        st.from_regex(r"[1-9][0-9]{0,3}", fullmatch=True),
        st.from_regex(rf"{prefix or 'X'}[0-9]{{1,3}}", fullmatch=True),
        st.builds(lambda a, n: f"{a}{n}", zh_text(2), st.integers(1, 99)),
    )


def unique_ids(prefix: str, min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(text_ids(prefix), min_size=min_size, max_size=max_size, unique=True)


def _hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


@st.composite
def slot_lists(draw: st.DrawFn) -> tuple[Slot, ...]:
    ids = draw(unique_ids("S", 1, 6))
    places = draw(
        st.lists(
            st.tuples(st.integers(1, 7), st.integers(0, len(PERIODS) - 1)),
            min_size=len(ids),
            max_size=len(ids),
            unique=True,
        )
    )
    slots = []
    for slot_id, (day, period) in zip(ids, places, strict=True):
        start, longest = PERIODS[period]
        hours, mins = (int(x) for x in start.split(":"))
        begin = hours * 60 + mins
        length = draw(st.integers(20, longest))
        kind = draw(st.sampled_from(SLOT_KINDS))
        slots.append(Slot(slot_id, day, start, _hhmm(begin + length), kind))
    return tuple(slots)


def subset(draw: st.DrawFn, items: list[str] | tuple[str, ...], min_size: int = 0) -> tuple:
    """A sub-list of distinct items, in the given order."""
    if len(items) < min_size:
        return ()
    chosen = draw(st.sets(st.sampled_from(list(items)), min_size=min_size)) if items else set()
    return tuple(i for i in items if i in chosen)


@st.composite
def group_lists(draw: st.DrawFn, slots: tuple[Slot, ...]) -> tuple[Group, ...]:
    basic_ok = [s.slot_id for s in slots if s.kind in ("basic", "any")]
    groups = []
    for group_id in draw(unique_ids("G", 0, 4)):
        first = draw(st.integers(1, 12))
        # A multi-grade class (复式班) joins neighbouring grades.
        grade = tuple(range(first, min(12, first + draw(st.integers(0, 2))) + 1))
        students = draw(st.integers(1, 50))
        groups.append(
            Group(
                group_id=group_id,
                grade=grade,
                students=students,
                basic_slots=subset(draw, basic_ok),
                basic_students=draw(st.integers(0, students)),
            )
        )
    return tuple(groups)


@st.composite
def teacher_lists(
    draw: st.DrawFn, slots: tuple[Slot, ...], groups: tuple[Group, ...]
) -> tuple[Teacher, ...]:
    ids = draw(unique_ids("T", 1, 6))
    homerooms = draw(st.permutations([g.group_id for g in groups]))
    teachers = []
    for i, teacher_id in enumerate(ids):
        max_per_day = draw(st.integers(1, 3))
        teachers.append(
            Teacher(
                teacher_id=teacher_id,
                name=draw(zh_name()),
                skills=subset(draw, SKILLS[: draw(st.integers(0, len(SKILLS)))]),
                max_per_week=draw(st.integers(max_per_day, 10)),
                max_per_day=max_per_day,
                unavailable=subset(draw, [s.slot_id for s in slots]),
                opt_in=draw(st.sampled_from((True, True, True, False))),
                homeroom=homerooms[i] if i < len(homerooms) and draw(st.booleans()) else None,
                external=draw(st.booleans()),
            )
        )
    return tuple(teachers)


@st.composite
def room_lists(draw: st.DrawFn, groups: tuple[Group, ...]) -> tuple[Room, ...]:
    ids = draw(unique_ids("R", 0, 4))
    homes = draw(st.permutations([g.group_id for g in groups]))
    sizes = {g.group_id: g.students for g in groups}
    rooms = []
    for i, room_id in enumerate(ids):
        home = homes[i] if i < len(homes) and draw(st.booleans()) else None
        kind = "classroom" if home else draw(st.sampled_from(ROOM_TYPES + OTHER_ROOM_TYPES))
        capacity = max(draw(st.integers(1, 80)), sizes.get(home or "", 0))
        rooms.append(Room(room_id, draw(zh_text(5)), kind, capacity, home))
    return tuple(rooms)


def _allowed_kinds(category: str) -> tuple[str, ...]:
    return ("self_study", "any") if category == "self_study" else ("extended", "any")


@st.composite
def activity_lists(
    draw: st.DrawFn,
    slots: tuple[Slot, ...],
    groups: tuple[Group, ...],
    teachers: tuple[Teacher, ...],
    rooms: tuple[Room, ...],
) -> tuple[Activity, ...]:
    ids = [i for i in draw(unique_ids("A", 1, 4)) if not i.startswith("basic:")]
    whole_class = [g.group_id for g in groups]
    willing = [t for t in teachers if t.opt_in]
    activities = []
    for activity_id in ids:
        category = draw(st.sampled_from(CATEGORIES))
        usable = [s for s in slots if s.kind in _allowed_kinds(category)]
        if not usable or not willing:
            continue
        explicit = draw(st.booleans())
        allowed = subset(draw, [s.slot_id for s in usable], min_size=1) if explicit else ()
        days = {s.day for s in usable if not allowed or s.slot_id in allowed}
        staff = draw(st.integers(1, min(2, len(willing))))
        # A skill that enough willing teachers have, so the club can be staffed.
        skills = [k for k in SKILLS if sum(k in t.skills for t in willing) >= staff]
        skill = draw(st.none() | st.sampled_from(skills)) if skills else None
        fits = [r for r in rooms if r.home_group is None]
        room = draw(st.none() | st.sampled_from(fits)) if fits else None
        enrolled = draw(st.integers(1, room.capacity if room else 40))
        activities.append(
            Activity(
                activity_id=activity_id,
                name=draw(st.sampled_from(CLUB_NAMES) | zh_text(6)),
                category=category,
                skill=skill,
                sessions_per_week=draw(st.integers(1, len(days))),
                enrolled=enrolled,
                staff=staff,
                room_type=room.type if room else None,
                allowed_slots=allowed,
                fixed_teacher=draw(st.none() | st.sampled_from([t.teacher_id for t in willing])),
                groups=subset(draw, whole_class) if draw(st.booleans()) else (),
            )
        )
    return tuple(activities)


@st.composite
def enrolment_lists(
    draw: st.DrawFn, groups: tuple[Group, ...], activities: tuple[Activity, ...]
) -> tuple[tuple[Enrolment, ...], tuple[Activity, ...]]:
    """Enrolments (one club per student) and the activities with `enrolled` made to agree."""
    if not activities or not draw(st.booleans()):
        return (), activities
    # Classes attending a whole-class activity stay out of clubs, so no slot clash arises.
    busy = {g for a in activities for g in a.groups}
    free_groups = [g.group_id for g in groups if g.group_id not in busy]
    students = draw(st.lists(st.from_regex(r"S[0-9]{3}", fullmatch=True), max_size=8, unique=True))
    enrolments = tuple(
        Enrolment(
            student_id=student_id,
            activity_id=draw(st.sampled_from([a.activity_id for a in activities])),
            group_id=draw(st.none() | st.sampled_from(free_groups)) if free_groups else None,
        )
        for student_id in students
    )
    counts: dict[str, int] = {}
    for e in enrolments:
        counts[e.activity_id] = counts.get(e.activity_id, 0) + 1
    # Where enrolments exist the count column is left blank (or equal), never contradicting.
    fixed = tuple(
        a
        if a.activity_id not in counts
        else replace(a, enrolled=draw(st.sampled_from([None, counts[a.activity_id]])))
        for a in activities
    )
    return enrolments, fixed


@st.composite
def lock_lists(draw: st.DrawFn, school: School) -> tuple[Lock, ...]:
    """At most one lock per activity or class, each naming things that can hold it."""
    locks = []
    for activity in school.activities:
        if not draw(st.booleans()):
            continue
        session = draw(st.none() | st.integers(1, activity.sessions_per_week))
        slot_id = draw(st.none() | st.sampled_from(school.allowed_slots(activity)))
        teacher_id = activity.fixed_teacher
        if teacher_id is None:
            fit = [
                t.teacher_id
                for t in school.teachers
                if t.opt_in and school.qualified(t, activity) and slot_id not in t.unavailable
            ]
            teacher_id = draw(st.none() | st.sampled_from(fit)) if fit else None
        rooms = [r.room_id for r in school.rooms if r.type == activity.room_type]
        room_id = draw(st.none() | st.sampled_from(rooms)) if rooms else None
        locks.append(Lock(activity.activity_id, session, slot_id, room_id, teacher_id))
    for group in school.groups:
        if not group.basic_slots or not draw(st.booleans()):
            continue
        by_slot = draw(st.booleans())
        slot_id = draw(st.sampled_from(group.basic_slots)) if by_slot else None
        session = None if by_slot else draw(st.none() | st.integers(1, len(group.basic_slots)))
        room_id = school.home_room.get(group.group_id) if draw(st.booleans()) else None
        locks.append(Lock(basic_activity_id(group.group_id), session, slot_id, room_id, None))
    return tuple(locks)


@st.composite
def school_infos(draw: st.DrawFn) -> SchoolInfo:
    return SchoolInfo(
        school_id=draw(text_ids("SCH")),
        name=draw(zh_text(4)) + draw(st.sampled_from(("小学", "中学", "学校", "教学点"))),
        stage=draw(st.none() | st.sampled_from(STAGES)),
        location=draw(st.none() | st.sampled_from(LOCATIONS)),
        ratio=draw(st.integers(20, 60)),
        max_clubs_per_student=draw(st.integers(1, 3)),
    )


@st.composite
def grade_bounds(draw: st.DrawFn, activities: tuple[Activity, ...]) -> tuple[Activity, ...]:
    """Some activities with a grade range (either end may be open)."""
    out = []
    for a in activities:
        low = draw(st.none() | st.integers(1, 12))
        high = draw(st.none() | st.integers(low or 1, 12))
        out.append(replace(a, min_grade=low, max_grade=high) if draw(st.booleans()) else a)
    return tuple(out)


@st.composite
def choice_lists(draw: st.DrawFn, school: School) -> tuple[Choice, ...]:
    """The choices sheet: each student in one class, distinct clubs and ranks (gaps allowed).
    Student ids never start with S, so no student is also in the enrolments sheet."""
    if not school.groups or not school.activities or not draw(st.booleans()):
        return ()
    clubs = [a.activity_id for a in school.activities]
    rows: list[Choice] = []
    for student in draw(st.lists(text_ids("C"), max_size=6, unique=True)):
        group = draw(st.sampled_from([g.group_id for g in school.groups]))
        mine = draw(st.lists(st.sampled_from(clubs), min_size=1, max_size=3, unique=True))
        ranks = sorted(
            draw(st.lists(st.integers(1, 6), min_size=len(mine), max_size=len(mine), unique=True))
        )
        for aid, rank in zip(mine, ranks, strict=True):
            rows.append(Choice(student, group, aid, rank, draw(st.booleans())))
    return tuple(rows)


@st.composite
def schools(draw: st.DrawFn) -> School:
    """A small valid School: every cross-reference resolves, every rule is kept."""
    slots = draw(slot_lists())
    groups = draw(group_lists(slots))
    teachers = draw(teacher_lists(slots, groups))
    rooms = draw(room_lists(groups))
    activities = draw(activity_lists(slots, groups, teachers, rooms))
    enrolments, activities = draw(enrolment_lists(groups, activities))
    activities = draw(grade_bounds(activities))
    school = School(
        info=draw(school_infos()),
        slots=slots,
        teachers=teachers,
        groups=groups,
        activities=activities,
        rooms=rooms,
        enrolments=enrolments,
    )
    school = replace(school, locks=draw(lock_lists(school)))
    return replace(school, choices=draw(choice_lists(school)))


def example_school(school_id: str = "007", name: str = "城关第一小学") -> School:
    """A fixed, valid school with something in every sheet, for example-based tests."""
    return School(
        info=SchoolInfo(school_id, name, "primary", "town", 45),
        slots=(
            Slot("S1", 1, "15:30", "16:15", "basic"),
            Slot("S2", 1, "16:30", "17:15", "extended"),
            Slot("S3", 3, "15:30", "16:15", "any"),
            Slot("S4", 5, "16:30", "17:15", "extended"),
        ),
        teachers=(
            Teacher("T01", "王芳", ("数学", "篮球"), homeroom="1班"),
            Teacher("T02", "李强", ("美术",), 4, 2, ("S3",)),
            Teacher("T03", "张敏", (), opt_in=False),
            Teacher("T04", "陈教练", ("篮球",), external=True),
        ),
        groups=(
            Group("1班", (1,), 42, ("S1", "S3"), 30),
            Group("复式班", (3, 4), 18, ("S1",), 18),
        ),
        activities=(
            Activity("A01", "篮球社", "sports", "篮球", 2, None, 1, "gym", ("S2", "S4")),
            Activity("A02", "美术班", "arts", "美术", 1, 15, 1, "art", fixed_teacher="T02"),
        ),
        rooms=(
            Room("R01", "一年级一班教室", "classroom", 45, "1班"),
            Room("R02", "体育馆", "gym", 120),
            Room("R03", "美术室", "art", 30),
        ),
        enrolments=(
            Enrolment("S001", "A01", "1班"),
            Enrolment("S002", "A01", "1班"),
            Enrolment("S003", "A01"),
        ),
        locks=(
            Lock("A01", 1, "S2", "R02", "T04"),
            Lock("basic:1班", None, "S3"),
        ),
    )
