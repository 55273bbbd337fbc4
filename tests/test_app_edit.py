"""Editing sheets in place goes through the same door as an upload (ui.state.revalidate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.schools import school_hash
from ui.state import frames_of, revalidate
from workbook.reader import read_school

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def school():
    result = read_school(ROOT / "data" / "sample_county" / "ZY016.xlsx")
    assert result.school is not None
    return result.school


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unedited_sheets_read_back_to_the_same_school(school, lang: str) -> None:
    frames = frames_of(school, lang)
    edited = {key: frames[key] for key in ("teachers", "groups", "activities", "rooms")}
    result = revalidate(school, edited, lang, "edit")
    assert result.problems.ok, [p.render() for p in result.problems.errors]
    assert school_hash(result.school) == school_hash(school)


def test_a_bad_edit_is_located_and_yields_no_school(school) -> None:
    teachers = frames_of(school, "zh")["teachers"].copy()
    teachers.loc[3, "每周上限"] = "很多"
    result = revalidate(school, {"teachers": teachers}, "zh", "edit")
    assert result.school is None
    located = [(p.sheet, p.row, p.column) for p in result.problems.errors]
    assert ("教师", 3, "每周上限") in located


def test_a_good_edit_changes_only_what_was_edited(school) -> None:
    rooms = frames_of(school, "en")["rooms"].copy()
    rooms.loc[2, "name"] = "新教室"
    result = revalidate(school, {"rooms": rooms}, "en", "edit")
    assert result.school is not None
    assert result.school.rooms[0].name == "新教室"
    assert result.school.teachers == school.teachers
