"""One cell per column type: what the contract accepts, and the error for what it does not."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook import spec
from workbook.cells import CellError, as_text, is_blank, parse_cell, split_list


def col(type_: str, enum=None) -> spec.Column:
    return spec.Column("x", "某列", type_, enum=enum)


def code(value: object) -> str | None:
    return value.code if isinstance(value, CellError) else None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(45, 45), ("45", 45), ("45.0", 45), (45.0, 45), (" ４５ ", 45), ("0", 0), ("1,200", 1200)],
)
def test_int_accepts(raw, expected) -> None:
    assert parse_cell(col(spec.INT), raw) == expected


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("45 人", "wb.cell.number"),
        ("四十五", "wb.cell.number"),
        (True, "wb.cell.number"),
        (45.5, "wb.cell.integer"),
        ("45.5", "wb.cell.integer"),
        (-1, "wb.cell.negative"),
        ("-3", "wb.cell.negative"),
        ("nan", "wb.cell.number"),
    ],
)
def test_int_rejects(raw, error) -> None:
    assert code(parse_cell(col(spec.INT), raw)) == error


def test_number_and_date() -> None:
    assert parse_cell(col(spec.NUMBER), "4.5") == 4.5
    assert parse_cell(col(spec.NUMBER), 3) == 3.0
    assert code(parse_cell(col(spec.NUMBER), "4.5分")) == "wb.cell.number"
    assert code(parse_cell(col(spec.NUMBER), -0.5)) == "wb.cell.negative"
    day = dt.date(2026, 9, 1)
    for raw in ("2026-09-01", "2026/9/1", "2026年9月1日", dt.datetime(2026, 9, 1), day):
        assert parse_cell(col(spec.DATE), raw) == day
    assert code(parse_cell(col(spec.DATE), "2026-02-30")) == "wb.cell.date"
    assert code(parse_cell(col(spec.DATE), "下周一")) == "wb.cell.date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(7, "7"), (7.0, "7"), ("007", "007"), (" 007\u3000", "007"), ("Ａ1", "Ａ1")],
)
def test_ids_are_text_never_folded(raw, expected) -> None:
    assert parse_cell(col(spec.ID), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("45", 45), (45, 45), ("1:45", 45), ("1：45", 45), ("2:90", 45), (dt.time(1, 45), 45)],
)
def test_ratio(raw, expected) -> None:
    assert parse_cell(col(spec.RATIO), raw) == expected


def test_ratio_rejects() -> None:
    for raw in ("1比45", "2:45", "45人", dt.time(2, 30)):
        assert code(parse_cell(col(spec.RATIO), raw)) == "wb.cell.ratio"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        ("7", 7),
        (3.0, 3),
        ("周一", 1),
        ("星期三", 3),
        ("周日", 7),
        ("周天", 7),
        ("星期天", 7),
        ("Friday", 5),
        ("２", 2),
    ],
)
def test_day(raw, expected) -> None:
    assert parse_cell(col(spec.DAY), raw) == expected


def test_day_errors() -> None:
    assert code(parse_cell(col(spec.DAY), "周八")) == "wb.cell.day"
    assert code(parse_cell(col(spec.DAY), 0)) == "wb.cell.day_range"
    assert code(parse_cell(col(spec.DAY), "8")) == "wb.cell.day_range"
    assert code(parse_cell(col(spec.DAY), 1.5)) == "wb.cell.day_range"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15:30", "15:30"),
        ("8:05", "08:05"),
        ("15:30:00", "15:30"),
        ("15：30", "15:30"),
        ("１５：３０", "15:30"),
        (dt.time(15, 30), "15:30"),
        (dt.datetime(1899, 12, 30, 16, 40), "16:40"),
        (dt.timedelta(hours=17, minutes=5), "17:05"),
        (0.75, "18:00"),
    ],
)
def test_time(raw, expected) -> None:
    assert parse_cell(col(spec.TIME), raw) == expected


def test_time_errors() -> None:
    for raw in ("25:00", "15:60", "1530", "下午三点", 15, "15:30:99"):
        assert code(parse_cell(col(spec.TIME), raw)) == "wb.cell.time", raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        ("是", True),
        (True, True),
        ("no", False),
        ("n", False),
        ("False", False),
        (0, False),
        ("否", False),
        (False, False),
    ],
)
def test_bool(raw, expected) -> None:
    assert parse_cell(col(spec.BOOL), raw) is expected


def test_bool_errors() -> None:
    for raw in ("maybe", "不知道", 2):
        assert code(parse_cell(col(spec.BOOL), raw)) == "wb.cell.bool"


def test_lists_split_on_every_separator() -> None:
    assert split_list("数学;篮球；美术,书法，围棋、 舞蹈 ;;") == (
        "数学",
        "篮球",
        "美术",
        "书法",
        "围棋",
        "舞蹈",
    )
    assert parse_cell(col(spec.ID_LIST), 12.0) == ("12",)


def test_grades() -> None:
    assert parse_cell(col(spec.GRADES), 3) == (3,)
    assert parse_cell(col(spec.GRADES), "1;2") == (1, 2)
    assert parse_cell(col(spec.GRADES), "1、2") == (1, 2)
    assert parse_cell(col(spec.GRADES), "三年级") == (3,)
    for raw in ("13", "0", "1;x", "高"):
        assert code(parse_cell(col(spec.GRADES), raw)) == "wb.cell.grade"


def test_enums_by_key_or_any_chinese_label() -> None:
    stage = col(spec.ENUM, spec.STAGE_LABELS)
    assert parse_cell(stage, "九年一贯制") == "nine_year"
    assert parse_cell(stage, "Nine_Year") == "nine_year"
    assert parse_cell(stage, "nine-year") == "nine_year"
    location = col(spec.ENUM, spec.LOCATION_LABELS)
    assert parse_cell(location, "教学点") == "village"
    error = parse_cell(stage, "大学")
    assert code(error) == "wb.cell.enum"
    assert "primary 小学" in error.params["choices"]


def test_room_type_keeps_other_text() -> None:
    room = col(spec.ROOM_TYPE, spec.ROOM_TYPE_LABELS)
    assert parse_cell(room, "体育馆") == "gym"
    assert parse_cell(room, "Lab") == "lab"
    assert parse_cell(room, " 舞蹈室 ") == "舞蹈室"


def test_blank_and_text() -> None:
    assert is_blank(None) and is_blank("  \u3000") and not is_blank(0)
    assert as_text(dt.time(7, 5)) == "07:05"
    assert as_text(3.0) == "3"
