"""Soft rules one at a time: a tiny school whose best week must pay exactly one kind of
penalty, the item that names it (class, teacher, day), and a twin that differs in one
thing and pays none. Then, on solved schools, the itemised penalties add up to the terms
the model reports: the list justifies the objective, term by term."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.school import Group, School
from scheduler.penalties import TERMS, Penalty, penalties, totals
from scheduler.solve import SolveOptions, solve
from scheduler.weights import Weights
from school_builders import A, T, high_school, make, room, small_school
from workbook.reader import read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"


def best(school: School, weights: Weights | None = None):
    result = solve(school, SolveOptions(time_limit=30, workers=1, weights=weights or Weights()))
    assert result.report.status == "optimal", result.report
    return result


def items(school: School, term: str) -> list[Penalty]:
    return [p for p in penalties(school, best(school).schedule) if p.term == term]


def basic(gid: str, *slots: str, students: int = 30) -> Group:
    return Group(gid, (1,), students, slots, students)


def test_homeroom_miss_names_the_class_the_slot_and_the_teacher() -> None:
    """T1 heads G but is the only one who can lead the club held at G's basic slot."""
    school = make(
        teachers=(T("T1", "美术", homeroom="G"), T("T2")),
        groups=(basic("G", "D1A"),),
        activities=(A("art", skill="美术", allowed_slots=("D1A",)),),
        rooms=(room("H", home="G"), room("R2")),
    )
    (miss,) = items(school, "homeroom")
    assert (miss.amount, miss.group_id, miss.day) == (1, "G", 1)
    assert miss.message("zh") == "G班 周一第1节：班主任（老师T1）不在本班看护"
    assert "supervises elsewhere" in miss.message("en")
    twin = make(  # T2 can lead the club too: T1 stays with the class
        teachers=(T("T1", "美术", homeroom="G"), T("T2", "美术")),
        groups=school.groups,
        activities=school.activities,
        rooms=school.rooms,
    )
    assert items(twin, "homeroom") == []


def test_each_working_day_is_one_item_per_teacher() -> None:
    school = make(teachers=(T("T1"),), groups=(basic("G", "D1A", "D2B"),))
    days = items(school, "days")
    assert [(p.teacher_id, p.day) for p in days] == [("T1", 1), ("T1", 2)]
    assert days[0].message("zh") == "老师T1 周一到岗（1 次）"
    one_day = make(teachers=(T("T1", max_per_day=2),), groups=(basic("G", "D1A", "D1B"),))
    assert [(p.teacher_id, p.day) for p in items(one_day, "days")] == [("T1", 1)]


def test_an_external_instructor_is_named_only_where_not_required() -> None:
    external = T("X1", "篮球", external=True)
    school = make(teachers=(T("T1"), external), activities=(A("bb", skill="篮球"),))
    (used,) = items(school, "external")
    assert used.teacher_id == "X1" and "外聘教师 老师X1 承担 活动bb" in used.message("zh")
    fixed = make(teachers=school.teachers, activities=(A("bb", skill="篮球", fixed_teacher="X1"),))
    assert items(fixed, "external") == []
    internal = make(teachers=(T("T1", "篮球"), external), activities=(A("bb", skill="篮球"),))
    assert items(internal, "external") == []


def test_sessions_on_consecutive_days_are_named() -> None:
    school = make(activities=(A("art", sessions_per_week=2, allowed_slots=("D1A", "D2A")),))
    (pair,) = items(school, "adjacent_days")
    assert pair.message("zh") == "活动art 在 周一 和 周二 连续两天上课"
    spread = make(activities=(A("art", sessions_per_week=2, allowed_slots=("D1A", "D3A")),))
    assert items(spread, "adjacent_days") == []


def test_fairness_names_the_extremes_and_each_teacher_off_their_share() -> None:
    """Three 45-minute basic sessions, two teachers who may each take at most 2: shares
    are 67.5 min each (rounded), so one teacher is above and one below."""
    school = make(
        teachers=(T("T1", max_per_week=2), T("T2", max_per_week=2)),
        groups=(basic("G", "D1A", "D2A", "D3A"),),
    )
    result = best(school)
    found = penalties(school, result.schedule)
    (spread,) = [p for p in found if p.term == "spread"]
    assert spread.amount == 45 and "负担差距 45 分钟" in spread.message("zh")
    devs = sorted((p for p in found if p.term == "fair_share"), key=lambda p: p.teacher_id)
    assert sum(p.amount for p in devs) == result.report.terms["fair_share"]["value"]
    assert {dict(p.params)["side"].en for p in devs} == {"above", "below"}
    even = make(teachers=school.teachers, groups=(basic("G", "D1A", "D2A"),))
    assert [
        p for p in penalties(even, best(even).schedule) if p.term in ("spread", "fair_share")
    ] == []


def sample(name: str) -> School:
    school = read_school(COUNTY / name).school
    assert school is not None
    return school


@pytest.mark.parametrize(
    "school",
    [
        pytest.param(small_school, id="small"),
        pytest.param(lambda: sample("ZY045.xlsx"), id="ZY045"),
        pytest.param(lambda: sample("ZY026.xlsx"), id="ZY026"),
        pytest.param(lambda: high_school(classes=4, teachers=14), id="high-school"),
    ],
)
def test_the_items_add_up_to_the_terms_the_model_reports(school) -> None:
    school = school()
    result = best(school)
    want = {name: int(term["value"]) for name, term in result.report.terms.items()}
    got = totals(penalties(school, result.schedule))
    assert {k: got[k] for k in want} == want
    assert set(want) <= set(TERMS)
