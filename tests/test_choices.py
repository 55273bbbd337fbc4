"""Club choices (issue 14): the `choices` sheet and grade eligibility in the reader, and
the allocation (choices/): seats, clashes, K, eligibility, reproducibility, the optimal
method against the lottery and first come first served, enrolments for the scheduler."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import combinations, product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from choices import (
    Arrival,
    ChoiceInstance,
    allocate,
    apply_allocation,
    report,
    slots_from_schedule,
    to_enrolments,
)
from choices.allocate import lexicographic_value, profile_bounds, profile_of
from choices.sample import sample_choices
from domain.school import (
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
    canonical,
)
from scheduler.check import check, rows_of
from scheduler.solve import SolveOptions, solve
from store.schools import school_hash
from workbook.reader import read_school
from workbook.writer import write_csv_folder, write_xlsx
from workbook_helpers import base_school

METHODS = ("optimal", "lottery", "fcfs")

# ---------------------------------------------------------------- the reader

HEADER_EN = ["student_id", "group_id", "activity_id", "rank", "priority"]
HEADER_ZH = ["学生编号", "班级编号", "活动编号", "志愿顺序", "优先"]


def eligible_school() -> School:
    """base_school with grade bounds on the basketball club (A2: grades 2-6)."""
    school = base_school()
    acts = list(school.activities)
    acts[1] = replace(acts[1], min_grade=2, max_grade=6)
    return replace(school, activities=tuple(acts))


def with_choices(
    tmp_path: Path,
    rows: list[list[object]],
    *,
    lang: str = "en",
    sheet: str | None = None,
    school: School | None = None,
) -> Path:
    """The school's workbook plus a choices sheet holding `rows` under the header."""
    path = write_xlsx(school or eligible_school(), tmp_path / "s.xlsx", lang=lang)
    wb = load_workbook(path)
    del wb["选课志愿" if lang == "zh" else "choices"]  # the writer's, empty
    ws = wb.create_sheet(sheet or ("选课志愿" if lang == "zh" else "choices"))
    ws.append(HEADER_ZH if lang == "zh" else HEADER_EN)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


GOOD_ROWS = [
    ["S002", "F12", "A1", 1, "yes"],
    ["S002", "F12", "A2", 3, None],  # ranks only order: 3 is the 2nd choice
    ["S001", "101", "A1", 1, "no"],
    ["S009", "101", "A1", 1, None],
]


@pytest.mark.parametrize(
    ("lang", "sheet"),
    [("en", "choices"), ("zh", "选课志愿"), ("zh", "社团志愿"), ("en", "Choices")],
)
def test_choices_sheet_reads(tmp_path: Path, lang: str, sheet: str) -> None:
    result = read_school(with_choices(tmp_path, GOOD_ROWS, lang=lang, sheet=sheet))
    assert result.problems.items == []
    assert result.school is not None
    assert result.school.choices == (
        Choice("S002", "F12", "A1", 1, True),
        Choice("S002", "F12", "A2", 3, False),
        Choice("S001", "101", "A1", 1, False),
        Choice("S009", "101", "A1", 1, False),
    )
    a2 = result.school.activity_by_id["A2"]
    assert (a2.min_grade, a2.max_grade) == (2, 6)
    assert result.school.info.max_clubs_per_student == 1


def test_choices_csv_and_max_clubs(tmp_path: Path) -> None:
    folder = write_csv_folder(eligible_school(), tmp_path / "csv", lang="zh")
    lines = [",".join(HEADER_ZH)] + [
        ",".join("" if v is None else str(v) for v in r) for r in GOOD_ROWS
    ]
    (folder / "选课志愿.csv").unlink()  # the writer's; this test reads the other alias
    (folder / "社团志愿.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    school_csv = (folder / "学校.csv").read_text(encoding="utf-8-sig").splitlines()
    school_csv[0] = school_csv[0].replace("每生社团上限", "每人限选社团数")
    assert school_csv[1].endswith(",1")  # the last column, written as the default
    school_csv[1] = school_csv[1][:-1] + "2"
    (folder / "学校.csv").write_text("\n".join(school_csv) + "\n", encoding="utf-8-sig")
    result = read_school(folder)
    assert result.problems.items == []
    assert result.school is not None
    assert len(result.school.choices) == 4
    assert result.school.info.max_clubs_per_student == 2


def test_schools_without_the_additions_hash_as_before() -> None:
    school = base_school()
    data = json.dumps(canonical(school), ensure_ascii=False)
    for key in ("choices", "max_clubs_per_student", "min_grade", "max_grade"):
        assert key not in data
    with_some = replace(school, choices=(Choice("S1", "101", "A1", 1),))
    assert school_hash(with_some) != school_hash(school)
    assert "choices" in json.dumps(canonical(with_some))
    more = replace(school, info=replace(school.info, max_clubs_per_student=2))
    assert school_hash(more) != school_hash(school) and more != school


# (rows, code, severity, row, column, value): each problem at its cell.
LOCATED = [
    ([["S001", "101", "ZZ", 1, None]], "wb.choice.unknown_club", "error", 2, "activity_id", "ZZ"),
    (
        [["S002", "F12", "A1", 1, None], ["S002", "F12", "A2", 1, None]],
        "wb.choice.duplicate_rank",
        "error",
        3,
        "rank",
        "1",
    ),
    (
        [["S005", "101", "A1", 1, None], ["S005", "F12", "A2", 2, None]],
        "wb.choice.two_classes",
        "error",
        3,
        "group_id",
        "F12",
    ),
    (
        [["S001", "F12", "A1", 1, None]],  # the enrolments sheet has S001 in class 101
        "wb.choice.enrolment_class",
        "error",
        2,
        "group_id",
        "F12",
    ),
    (
        [["S001", "101", "A1", 1, None], ["S001", "101", "A1", 2, None]],
        "wb.choice.same_club",
        "error",
        3,
        "activity_id",
        "A1",
    ),
    ([["S001", "101", "A2", 1, None]], "wb.choice.grade", "warning", 2, "activity_id", "A2"),
    ([["S001", "101", "A1", 0, None]], "wb.value.below_one", "error", 2, "rank", "0"),
    ([["S001", "999", "A1", 1, None]], "wb.ref.group", "error", 2, "group_id", "999"),
    ([["S001", "101", "A1", None, None]], "wb.cell.required", "error", 2, "rank", None),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("rows", "code", "severity", "row", "key", "value"), LOCATED)
def test_choice_problems_are_located(
    tmp_path: Path, lang: str, rows, code: str, severity: str, row: int, key: str, value
) -> None:
    result = read_school(with_choices(tmp_path, rows, lang=lang))
    found = [p for p in result.problems.items if p.code == code]
    assert len(found) == 1, [p.render() for p in result.problems.items]
    (p,) = found
    header = dict(zip(HEADER_EN, HEADER_ZH if lang == "zh" else HEADER_EN, strict=True))[key]
    sheet = "选课志愿" if lang == "zh" else "choices"
    assert (p.severity, p.sheet, p.row, p.column, p.value) == (severity, sheet, row, header, value)
    assert p.zh and p.en and p.zh != p.en
    if code.startswith("wb.choice."):
        assert "S00" in p.zh and "S00" in p.en
    others = [q for q in result.problems.items if q is not p]
    assert others == [], [q.render() for q in others]
    assert (result.school is None) == (severity == "error")


def _activity_cells(tmp_path: Path, low: object, high: object) -> Path:
    path = write_xlsx(base_school(), tmp_path / "s.xlsx")
    wb = load_workbook(path)
    ws = wb["activities"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("min_grade") + 1, value=low)
    ws.cell(row=3, column=header.index("max_grade") + 1, value=high)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("low", "high", "code", "key", "value"),
    [
        (13, None, "wb.cell.grade", "min_grade", "13"),
        (0, 4, "wb.cell.grade", "min_grade", "0"),
        (5, 3, "wb.activity.grade_range", "max_grade", "3"),
        ("三", None, "wb.cell.number", "min_grade", "三"),
    ],
)
def test_grade_bounds_are_checked(tmp_path: Path, low, high, code: str, key: str, value) -> None:
    result = read_school(_activity_cells(tmp_path, low, high))
    (p,) = result.problems.items
    assert (p.code, p.sheet, p.row, p.column, p.value) == (code, "activities", 3, key, value)
    assert result.school is None


def test_grade_bounds_read(tmp_path: Path) -> None:
    result = read_school(_activity_cells(tmp_path, "3", 6.0))
    assert result.problems.items == []
    a2 = result.school.activity_by_id["A2"]
    assert (a2.min_grade, a2.max_grade) == (3, 6)


def test_max_clubs_below_one_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(base_school(), tmp_path / "s.xlsx")
    wb = load_workbook(path)
    ws = wb["school"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("max_clubs_per_student") + 1, value=0)
    wb.save(path)
    (p,) = read_school(path).problems.items
    assert (p.code, p.sheet, p.row, p.column) == (
        "wb.value.below_one",
        "school",
        2,
        "max_clubs_per_student",
    )


# ---------------------------------------------------------------- allocation: examples


def _slots(n: int) -> tuple[Slot, ...]:
    """n extended slots, one a day up to five days, then a second period."""
    return tuple(
        Slot(
            f"S{i}",
            i % 5 + 1,
            "16:00" if i < 5 else "17:00",
            "16:50" if i < 5 else "17:50",
            "extended",
        )
        for i in range(n)
    )


def tiny(
    clubs: list[Activity],
    choices: list[Choice],
    *,
    groups: tuple[Group, ...] = (Group("G1", (3,), 40), Group("G2", (5,), 40)),
    slots: int = 4,
    max_clubs: int = 1,
    rooms: tuple[Room, ...] = (),
) -> School:
    return School(
        SchoolInfo("X", "测试", max_clubs_per_student=max_clubs),
        _slots(slots),
        (Teacher("T1", "老师"),),
        groups,
        tuple(clubs),
        rooms,
        choices=tuple(choices),
    )


def club(aid: str, seats: int, **kw) -> Activity:
    return Activity(aid, f"社团{aid}", "arts", enrolled=seats, **kw)


def test_priority_students_are_served_first() -> None:
    school = tiny(
        [club("A", 1), club("B", 5)],
        [Choice("s1", "G1", "A", 1), Choice("s2", "G1", "A", 1, priority=True)],
    )
    for method in ("optimal", "lottery"):
        for seed in range(5):
            got = allocate(school, method=method, seed=seed).clubs_of()
            assert got == {"s2": ("A",)}


def test_rank_maximal_beats_the_greedy_order() -> None:
    # s1 wants A then B; s2 only A. The lottery drawing s1 first leaves s2 with nothing.
    school = tiny(
        [club("A", 1), club("B", 1)],
        [Choice("s1", "G1", "A", 1), Choice("s1", "G1", "B", 2), Choice("s2", "G1", "A", 1)],
    )
    best = allocate(school, method="optimal", seed=0)
    assert best.clubs_of() == {"s1": ("B",), "s2": ("A",)}
    assert best.profile[:2] == (0, 0) and best.profile[2:4] == (1, 1)
    for seed in range(10):
        assert allocate(school, method="lottery", seed=seed).objective <= best.objective


def test_a_second_club_never_outweighs_another_students_first() -> None:
    # s1 could hold A and B (1st and 2nd choice); s2's only possible club is B (3rd).
    school = tiny(
        [club("A", 1), club("B", 1), club("X", 0), club("Y", 0)],
        [Choice("s1", "G1", "A", 1), Choice("s1", "G1", "B", 2)]
        + [Choice("s2", "G1", a, r) for r, a in enumerate("XYB", 1)],
        max_clubs=2,
    )
    for method in ("optimal", "lottery"):
        for seed in range(6):
            got = allocate(school, method=method, seed=seed).clubs_of()
            assert got == {"s1": ("A",), "s2": ("B",)}


def test_ranks_close_their_gaps_and_ineligible_choices_are_never_granted() -> None:
    school = tiny(
        [club("A", 5, min_grade=4), club("B", 5)],
        [Choice("s1", "G1", "A", 2), Choice("s1", "G1", "B", 7)],
    )
    for method in METHODS:
        a = allocate(school, method=method, seed=1)
        assert [(x.activity_id, x.position) for x in a.assignments] == [("B", 2)]


def test_seats_are_enrolled_capped_by_the_largest_room() -> None:
    rooms = (Room("R1", "教室", "classroom", 30), Room("M", "音乐室", "music", 12))
    school = tiny(
        [
            club("A", 20, room_type="music"),
            club("B", 50),
            club("C", 5, room_type="lab"),
            Activity("D", "D", "arts", room_type="music"),
        ],
        [Choice("s1", "G1", a, 1) for a in "A"]
        + [Choice("s2", "G1", a, 1) for a in "B"]
        + [Choice("s3", "G1", "C", 1), Choice("s4", "G1", "D", 1)],
        rooms=rooms,
    )
    inst = ChoiceInstance(school)
    assert inst.seats == {"A": 12, "B": 30, "C": 0, "D": 12}
    assert ChoiceInstance(replace(school, rooms=())).seats == {"A": 20, "B": 50, "C": 5, "D": 1}


def test_known_slots_decide_clashes() -> None:
    school = tiny(
        [club("A", 5), club("B", 5), club("C", 5)],
        [Choice("s1", "G1", a, r) for r, a in enumerate("ABC", 1)],
        max_clubs=3,
    )
    slots = {"A": ("S0",), "B": ("S0",), "C": ("S1",)}
    for method in METHODS:
        got = allocate(school, method=method, slots=slots, seed=0).clubs_of()
        assert got == {"s1": ("A", "C")}
    # Unknown slots: four slots for three clubs, nothing is forced to clash.
    assert allocate(school, seed=0).clubs_of() == {"s1": ("A", "B", "C")}
    # All three allowed only at S0 and S1: two fit, the third cannot.
    narrow = replace(
        school, activities=tuple(replace(a, allowed_slots=("S0", "S1")) for a in school.activities)
    )
    assert allocate(narrow, seed=0).clubs_of() == {"s1": ("A", "B")}


def test_locked_slots_and_seat_overrides() -> None:
    school = tiny(
        [club("A", 5), club("B", 5, sessions_per_week=2), club("C", 5)],
        [Choice("s1", "G1", a, r) for r, a in enumerate("ABC", 1)],
        max_clubs=3,
    )
    locks = (Lock("A", None, "S0"), Lock("B", 1, "S1"), Lock("B", 2, "S0"))
    locked = replace(school, locks=locks)
    assert ChoiceInstance(locked).occupancy("B").slots == {"S0", "S1"}
    assert allocate(locked, seed=0).clubs_of() == {"s1": ("A", "C")}
    assert allocate(school, seed=0, seats={"A": 0}).clubs_of() == {"s1": ("B", "C")}


def test_whole_class_activities_block_their_slots() -> None:
    study = Activity("W", "自习", "self_study", enrolled=40, allowed_slots=("S0",), groups=("G1",))
    school = tiny(
        [club("A", 5, allowed_slots=("S0",)), club("B", 5), study],
        [Choice("s1", "G1", "A", 1), Choice("s1", "G1", "B", 2), Choice("s2", "G2", "A", 1)],
    )
    for method in METHODS:
        assert allocate(school, method=method, seed=0).clubs_of() == {"s1": ("B",), "s2": ("A",)}


def test_fcfs_late_arrivals_lose() -> None:
    clubs = [club("A", 3), club("B", 3)]
    choices = [
        Choice(f"s{i}", "G1" if i < 6 else "G2", a, r)
        for i in range(12)
        for r, a in enumerate("AB", 1)
    ]
    school = tiny(clubs, choices)
    a = allocate(school, method="fcfs", seed=4, arrival=Arrival(late_groups=("G2",), delay=1.0))
    assert set(a.clubs_of()) == {f"s{i}" for i in range(6)}
    assert a.order[:6] != a.order[6:] and set(a.order[6:]) == {f"s{i}" for i in range(6, 12)}
    explicit = allocate(school, method="fcfs", arrival=[f"s{i}" for i in range(11, -1, -1)])
    assert set(explicit.clubs_of()) == {f"s{i}" for i in range(6, 12)}


def test_report_figures() -> None:
    school = tiny(
        [club("A", 1), club("B", 1)],
        [
            Choice("s1", "G1", "A", 1),
            Choice("s1", "G1", "B", 2),
            Choice("s2", "G2", "A", 1),
            Choice("s3", "G2", "A", 1, priority=True),
        ],
    )
    a = allocate(school, seed=0)
    s = report.summary(a)
    assert (s.students, s.first, s.nothing, s.seats, s.seats_left) == (3, 1 / 3, 1 / 3, 2, 0)
    assert s.top3 == pytest.approx(2 / 3)
    by_priority = report.breakdown(a, "priority").set_index("priority")
    assert by_priority.loc[True, "first"] == 1.0 and by_priority.loc[True, "students"] == 1
    by_class = report.breakdown(a, "group_id").set_index("group_id")
    assert list(by_class["students"]) == [1, 2]
    seats = report.seats_frame(a).set_index("activity_id")
    assert seats.loc["A", "first_choices"] == 3 and seats.loc["A", "left"] == 0
    assert list(report.compare([a, allocate(school, method="lottery")])["method"]) == [
        "optimal",
        "lottery",
    ]
    assert report.labels("en")["first"] and report.method_label("fcfs", "zh") == "先到先得"
    assert report.profile_frame(a)["students"].sum() == len(a.assignments)


# ---------------------------------------------------------------- allocation: properties


@st.composite
def instances(draw) -> tuple[School, dict[str, tuple[str, ...]] | None]:
    n_slots = draw(st.integers(2, 6))
    slot_ids = [f"S{i}" for i in range(n_slots)]
    groups = tuple(
        Group(f"G{i}", tuple(sorted(draw(st.sets(st.integers(1, 6), min_size=1, max_size=2)))), 30)
        for i in range(draw(st.integers(1, 3)))
    )
    clubs = []
    for i in range(draw(st.integers(1, 5))):
        spw = draw(st.integers(1, 2))
        allowed = draw(
            st.lists(st.sampled_from(slot_ids), min_size=spw, max_size=n_slots, unique=True)
        )
        low = draw(st.none() | st.integers(1, 6))
        high = draw(st.none() | st.integers(low or 1, 6))
        clubs.append(
            Activity(
                f"C{i}",
                f"社团{i}",
                "arts",
                sessions_per_week=spw,
                enrolled=draw(st.integers(0, 4)),
                allowed_slots=tuple(sorted(allowed)),
                min_grade=low,
                max_grade=high,
            )
        )
    if draw(st.booleans()):
        g = draw(st.sampled_from(groups)).group_id
        clubs.append(
            Activity(
                "W",
                "自习",
                "self_study",
                enrolled=30,
                allowed_slots=(draw(st.sampled_from(slot_ids)),),
                groups=(g,),
            )
        )
    club_ids = [c.activity_id for c in clubs if not c.groups]
    choices = []
    for s in range(draw(st.integers(0, 9))):
        group = draw(st.sampled_from(groups)).group_id
        mine = draw(
            st.lists(st.sampled_from(club_ids), min_size=1, max_size=len(club_ids), unique=True)
        )
        ranks = sorted(draw(st.sets(st.integers(1, 9), min_size=len(mine), max_size=len(mine))))
        prio = draw(st.booleans())
        choices += [Choice(f"st{s}", group, a, r, prio) for a, r in zip(mine, ranks, strict=True)]
    school = School(
        SchoolInfo("P", "性质", max_clubs_per_student=draw(st.integers(1, 3))),
        tuple(
            Slot(
                sid,
                i + 1 if i < 5 else 1,
                "16:00" if i < 5 else "17:00",
                "16:50" if i < 5 else "17:50",
                "extended",
            )
            for i, sid in enumerate(slot_ids)
        ),
        (Teacher("T", "老师"),),
        groups,
        tuple(clubs),
        choices=tuple(choices),
    )
    known = None
    if draw(st.booleans()):  # the week is fixed: every activity at spw of its allowed slots
        known = {
            c.activity_id: tuple(
                draw(
                    st.lists(
                        st.sampled_from(c.allowed_slots),
                        min_size=c.sessions_per_week,
                        max_size=c.sessions_per_week,
                        unique=True,
                    )
                )
            )
            for c in clubs
        }
    return school, known


def _fits_by_brute_force(school: School, acts: list[str], known) -> bool:
    """Can these activities get distinct slots (each its sessions' worth)? Independent of
    choices/instance.py: try every way to place them."""
    options = []
    for aid in acts:
        a = school.activity_by_id[aid]
        if known is not None and aid in known:
            options.append([tuple(known[aid])])
        else:
            options.append(list(combinations(school.allowed_slots(a), a.sessions_per_week)))
    for pick in product(*options):
        used = [s for part in pick for s in part]
        if len(used) == len(set(used)):
            return True
    return False


def _check_rules(school: School, a, known) -> None:
    inst = a.instance
    granted: dict[str, int] = {}
    for x in a.assignments:
        granted[x.activity_id] = granted.get(x.activity_id, 0) + 1
    for aid, n in granted.items():
        assert n <= inst.seats[aid], (aid, n)
    wishes = {w.student_id: w for w in inst.wishes}
    class_acts = {
        g.group_id: [c.activity_id for c in school.activities if g.group_id in c.groups]
        for g in school.groups
    }
    for sid, mine in a.clubs_of().items():
        w = wishes[sid]
        assert len(mine) <= school.info.max_clubs_per_student
        assert len(set(mine)) == len(mine)
        for aid in mine:
            assert aid in w.clubs
            assert school.activity_by_id[aid].admits(w.grades)
        assert _fits_by_brute_force(school, [*mine, *class_acts[w.group_id]], known)
        if known is not None:  # with a fixed week: literally no two things in one slot
            used = [s for aid in [*mine, *class_acts[w.group_id]] for s in known[aid]]
            assert len(used) == len(set(used))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=instances(), seed=st.integers(0, 10**6))
def test_allocations_keep_every_rule_and_the_optimum_wins(case, seed: int) -> None:
    school, known = case
    got = {m: allocate(school, slots=known, method=m, seed=seed) for m in METHODS}
    for a in got.values():
        _check_rules(school, a, known)
    best = got["optimal"]
    assert best.status == "optimal"
    assert best.objective >= got["lottery"].objective
    assert best.objective >= got["fcfs"].objective
    assert best.profile >= got["lottery"].profile and best.profile >= got["fcfs"].profile
    for m in METHODS:  # reproducible for a seed
        again = allocate(school, slots=known, method=m, seed=seed)
        assert again == got[m]


def _brute_best(inst: ChoiceInstance) -> int:
    """The best objective over every allocation that keeps the rules (tiny cases)."""
    options = []
    for w in inst.wishes:
        mine = inst.eligible(w)
        subsets = [
            part
            for k in range(0, min(inst.max_clubs, len(mine)) + 1)
            for part in combinations(mine, k)
            if inst.fits(w, part)
        ]
        options.append(subsets)
    bounds = profile_bounds(inst)
    best = 0
    for pick in product(*options):
        used: dict[str, int] = {}
        for part in pick:
            for aid in part:
                used[aid] = used.get(aid, 0) + 1
        if all(n <= inst.seats[aid] for aid, n in used.items()):
            clubs = {w.student_id: part for w, part in zip(inst.wishes, pick, strict=True)}
            best = max(best, lexicographic_value(profile_of(inst, clubs), bounds))
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=instances(), seed=st.integers(0, 1000))
def test_optimal_equals_brute_force_on_tiny_cases(case, seed: int) -> None:
    school, known = case
    inst = ChoiceInstance(school, known)
    space = 1
    for w in inst.wishes:
        space *= 2 ** len(inst.eligible(w))
    if space > 20_000:
        return
    assert allocate(school, slots=known, seed=seed).objective == _brute_best(inst)


# ---------------------------------------------------------------- enrolments and the week


def choice_school() -> School:
    """Three classes, five clubs at fixed or open slots, students with ranked choices."""
    slots = tuple(
        Slot(f"D{d}{p}", d, t0, t1, "extended")
        for d in range(1, 6)
        for p, (t0, t1) in (("A", ("16:00", "16:45")), ("B", ("17:00", "17:45")))
    )
    groups = tuple(Group(f"G{g}", (g,), 30, (), 30) for g in (3, 4, 5))
    clubs = (
        club("art", 6, skill="美术", allowed_slots=("D1A", "D3A")),
        club("ball", 8, skill="篮球", sessions_per_week=2),
        club("chess", 5, allowed_slots=("D1A",)),
        club("sing", 6, min_grade=4),
        club("code", 4, allowed_slots=("D2B", "D4B")),
    )
    teachers = tuple(
        Teacher(f"T{i}", f"老师{i}", skills=("美术", "篮球"), max_per_week=5, max_per_day=2)
        for i in range(6)
    )
    rooms = (Room("R1", "教室1", "classroom", 40), Room("R2", "教室2", "classroom", 40))
    school = School(
        SchoolInfo("J", "联排小学", max_clubs_per_student=2), slots, teachers, groups, clubs, rooms
    )
    return sample_choices(school, 5, grades=False)


def test_enrolments_pass_the_scheduler_and_rule_4() -> None:
    school = choice_school()
    assert school.choices
    a = allocate(school, seed=2)
    enrolments = to_enrolments(a)
    assert {(e.student_id, e.activity_id) for e in enrolments} == {
        (x.student_id, x.activity_id) for x in a.assignments
    }
    assert all(e.group_id for e in enrolments)
    planned = apply_allocation(school, a)
    assert planned.enrolments == enrolments
    result = solve(planned, SolveOptions(time_limit=20, workers=1, first_solution=True))
    assert result.schedule is not None, result.report.status
    assert check(planned, rows_of(result.schedule)) == []


def test_a_fixed_week_allocates_without_clashes() -> None:
    school = choice_school()
    first = solve(school, SolveOptions(time_limit=20, workers=1, first_solution=True))
    assert first.schedule is not None
    week = slots_from_schedule(first.schedule)
    assert not any(a.startswith("basic:") for a in week)
    a = allocate(school, slots=week, seed=3)
    planned = apply_allocation(school, a)
    clashes = [v for v in check(planned, rows_of(first.schedule)) if v.rule == "student_clash"]
    assert clashes == []


def test_kept_enrolments_are_respected() -> None:
    school = tiny(
        [club("A", 5, allowed_slots=("S0",)), club("B", 5), club("Z", 5, allowed_slots=("S0",))],
        [Choice("s1", "G1", "A", 1), Choice("s1", "G1", "B", 2)],
    )
    school = replace(school, enrolments=(Enrolment("s1", "Z", "G1"),))
    a = allocate(school, seed=0)
    assert a.clubs_of() == {"s1": ("B",)}
    assert set(apply_allocation(school, a).enrolments) == {
        Enrolment("s1", "Z", "G1"),
        Enrolment("s1", "B", "G1"),
    }


# ---------------------------------------------------------------- sample choices


def test_sample_choices_are_skewed_reproducible_and_valid() -> None:
    school = choice_school()
    assert sample_choices(replace(school, choices=()), 5, grades=False) == school
    assert sample_choices(replace(school, choices=()), 6, grades=False) != school
    inst = ChoiceInstance(school)
    first: dict[str, int] = {}
    for w in inst.wishes:
        first[w.clubs[0]] = first.get(w.clubs[0], 0) + 1
        assert 3 <= len(w.clubs) <= 5 or len(w.clubs) == len(inst.clubs)
        assert all(school.activity_by_id[a].admits(w.grades) for a in w.clubs)
    assert max(first[a] / inst.seats[a] for a in first) >= 2.0


def test_sample_choices_on_a_sample_school(tmp_path: Path) -> None:
    sample = read_school(
        Path(__file__).resolve().parents[1] / "data" / "sample_county" / "ZY005.xlsx"
    ).school
    assert sample is not None
    school = sample_choices(sample, 1)
    inst = ChoiceInstance(school)
    demand = report.seats_frame(allocate(school, method="lottery", seed=1))
    assert (demand["first_choices"] >= 2.5 * demand["seats"]).any()
    assert any(a.min_grade for a in school.activities)
    for w in inst.wishes:
        assert all(school.activity_by_id[a].admits(w.grades) for a in w.clubs)
    results = {m: report.summary(allocate(school, method=m, seed=1)) for m in METHODS}
    assert results["optimal"].first >= results["lottery"].first
    assert results["optimal"].first >= results["fcfs"].first
    assert results["optimal"].objective >= max(
        results["lottery"].objective, results["fcfs"].objective
    )
