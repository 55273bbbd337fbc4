"""The scheduler's exports: the contract's CSV files, the xlsx views, calendars, summary."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from domain.schedule import SCHEDULE_COLUMNS, UNSTAFFED_COLUMNS, Schedule, Unstaffed
from domain.school import School
from scheduler.check import check, read_schedule_csv, rows_of
from scheduler.export import (
    activity_name,
    ics_escape,
    ics_fold,
    read_unstaffed_csv,
    schedule_from_rows,
    session_title,
    summary_text,
    teacher_loads,
    write_schedule_csv,
    write_schedule_xlsx,
    write_summary,
    write_teacher_ics,
    write_unstaffed_csv,
)
from scheduler.solve import Result, SolveOptions, solve
from workbook.reader import read_school

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county" / "ZY045.xlsx"
MONDAY = date(2025, 3, 3)
STAMP = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def school() -> School:
    result = read_school(SAMPLE)
    assert result.school is not None and result.problems.ok
    # Long names with the characters iCalendar must escape, so folding and escaping show.
    first, *rest = result.school.activities
    long_name = "书法,硬笔;毛笔\\篆刻 — 一个很长很长的活动名称用来检验折行" * 2
    return replace(result.school, activities=(replace(first, name=long_name), *rest))


@pytest.fixture(scope="module")
def solved(school: School) -> Result:
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.schedule is not None
    return result


@pytest.fixture(scope="module")
def schedule(solved: Result) -> Schedule:
    assert solved.schedule is not None
    return solved.schedule


# --- CSV -----------------------------------------------------------------------------------


def test_schedule_csv_follows_the_contract(tmp_path: Path, school, schedule) -> None:
    path = write_schedule_csv(schedule, tmp_path / "schedule.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    text = raw.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == SCHEDULE_COLUMNS
    # One row per teacher per session.
    assert len(table) - 1 == sum(len(p.teacher_ids) for p in schedule.sessions)
    rows = read_schedule_csv(path)
    assert rows == rows_of(schedule)
    assert check(school, rows) == []
    assert {r["kind"] for r in rows} <= {"basic", "extended", "self_study"}
    assert all(re.fullmatch(r"\d\d:\d\d", r[c]) for r in rows for c in ("start", "end"))


def test_rows_read_back_to_the_same_schedule(tmp_path: Path, schedule) -> None:
    path = write_schedule_csv(schedule, tmp_path / "s.csv")
    back = schedule_from_rows(schedule.school_id, read_schedule_csv(path))
    assert set(back.sessions) == set(schedule.sessions)
    assert back.rows() == schedule.rows()


def test_unstaffed_csv_has_blank_slot_where_none(tmp_path: Path) -> None:
    partial = Schedule(
        "S1",
        (),
        (
            Unstaffed("basic:G1", 2, "basic", 2, "D2P1", 1),
            Unstaffed("art", 1, "extended", None, None, 1),
        ),
    )
    path = write_unstaffed_csv(partial, tmp_path / "unstaffed.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert tuple(rows[0]) == UNSTAFFED_COLUMNS
    assert rows[1] == ["art#1", "art", "1", "extended", "", "", "1"]
    assert rows[2] == ["basic:G1#2", "basic:G1", "2", "basic", "2", "D2P1", "1"]
    assert read_unstaffed_csv(path) == {("art", 1), ("basic:G1", 2)}


def test_unstaffed_csv_read_back_from_gbk_and_refused_out_of_form(tmp_path: Path) -> None:
    """The reader takes the file as Excel re-saves it (GBK) and names the row it refuses."""
    path = tmp_path / "unstaffed.csv"
    path.write_bytes("activity_id,session,备注\n美术,2,缺一人\n".encode("gbk"))
    assert read_unstaffed_csv(path) == {("美术", 2)}
    path.write_text("activity_id,session\nart,1\nart,first\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 3.*'first'"):
        read_unstaffed_csv(path)


# --- xlsx ----------------------------------------------------------------------------------


def _blocks(ws) -> dict[tuple[str, str, int], str]:
    """(block title, "HH:MM-HH:MM", day) -> cell text, reading a grid sheet like a person."""
    out: dict[tuple[str, str, int], str] = {}
    title = None
    days: list[int] = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        first = row[0]
        if first and row[1:] == (None,) * (len(row) - 1) and not re.match(r"\d\d:\d\d-", first):
            title = first
        elif first in ("时间", "Time"):
            days = list(range(1, len(row)))
        elif first and re.match(r"\d\d:\d\d-\d\d:\d\d", first):
            for day, value in zip(days, row[1:], strict=False):
                if value:
                    out[title, first, day] = value
    return out


def test_xlsx_has_assignments_and_grids_that_mention_every_session(
    tmp_path: Path, school, schedule
) -> None:
    path = write_schedule_xlsx(school, schedule, tmp_path / "schedule.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["assignments", "班级课表", "教师课表", "场地课表"]
    table = [list(r) for r in wb["assignments"].iter_rows(values_only=True)]
    assert tuple(table[0]) == SCHEDULE_COLUMNS
    assert [[str(v) for v in r] for r in table[1:]] == [
        [str(row[c]) for c in SCHEDULE_COLUMNS] for row in schedule.rows()
    ]
    teachers, rooms, classes = (
        _blocks(wb["教师课表"]),
        _blocks(wb["场地课表"]),
        _blocks(wb["班级课表"]),
    )
    for p in schedule.sessions:
        period, title = f"{p.start}-{p.end}", session_title(school, p)
        room = school.room_by_id[p.room_id]
        assert title in rooms[f"场地 {room.name}（{room.room_id}）", period, p.day]
        for tid in p.teacher_ids:
            name = school.teacher_by_id[tid].name
            cell = teachers[f"教师 {name}（{tid}）", period, p.day]
            assert title in cell and room.name in cell
        if p.kind == "basic":
            cell = classes[f"班级 {p.activity_id.removeprefix('basic:')}", period, p.day]
            assert "基础托管" in cell and room.name in cell
            assert all(school.teacher_by_id[x].name in cell for x in p.teacher_ids)


def test_xlsx_views_print_landscape_and_speak_english(tmp_path: Path, school, schedule) -> None:
    wb = openpyxl.load_workbook(write_schedule_xlsx(school, schedule, tmp_path / "e.xlsx", "en"))
    assert wb.sheetnames == ["assignments", "Classes", "Teachers", "Rooms"]
    ws = wb["Teachers"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    headers = [r for r in ws.iter_rows(values_only=True) if r[0] == "Time"]
    assert headers and headers[0][1:6] == ("Mon", "Tue", "Wed", "Thu", "Fri")
    texts = " ".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v)
    assert "Basic care" in texts


# --- iCalendar -----------------------------------------------------------------------------


def _unfold(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_per_teacher_is_valid_rfc5545(tmp_path: Path, school, schedule) -> None:
    paths = write_teacher_ics(school, schedule, tmp_path / "ics", MONDAY, stamp=STAMP)
    assert {p.name for p in paths} == {f"{x.teacher_id}.ics" for x in school.teachers}
    folded_somewhere = False
    for path in paths:
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        physical = raw.split(b"\r\n")[:-1]
        assert all(len(line) <= 75 for line in physical)
        folded_somewhere |= any(line.startswith(b" ") for line in physical)
        lines = _unfold(raw)
        _assert_nested(lines)
        tid = path.stem
        mine = sorted(
            (p for p in schedule.sessions if tid in p.teacher_ids), key=lambda p: (p.day, p.start)
        )
        events = _events(lines)
        assert len(events) == len(mine)
        assert "TZID:Asia/Shanghai" in lines
        for event, p in zip(events, mine, strict=True):
            day = MONDAY + timedelta(days=p.day - 1)
            start = f"{day:%Y%m%d}T{p.start.replace(':', '')}00"
            assert event["DTSTART;TZID=Asia/Shanghai"] == start
            assert (
                event["UID"] == f"{school.school_id}-{p.session_id}-{tid}-{day:%Y%m%d}@afterschool"
            )
            assert event["SUMMARY"] == ics_escape(activity_name(school, p.activity_id))
            assert event["LOCATION"] == ics_escape(school.room_by_id[p.room_id].name)
            assert event["DTSTAMP"] == "20250301T080000Z"
    assert folded_somewhere  # the long activity name forces folding


def _assert_nested(lines: list[str]) -> None:
    stack = []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert not stack
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def test_ics_is_stable_for_a_given_stamp(tmp_path: Path, school, schedule) -> None:
    a = write_teacher_ics(school, schedule, tmp_path / "a", MONDAY, stamp=STAMP)
    b = write_teacher_ics(school, schedule, tmp_path / "b", MONDAY, stamp=STAMP)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_ics_week_must_start_on_monday(tmp_path: Path, school, schedule) -> None:
    with pytest.raises(ValueError, match="Monday"):
        write_teacher_ics(school, schedule, tmp_path, MONDAY + timedelta(days=1))


def test_fold_never_splits_a_character_and_unfolds_back() -> None:
    line = "SUMMARY:" + "课后服务ab" * 40
    folded = ics_fold(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert len(parts) > 1 and all(len(p) <= 75 for p in parts)
    for p in parts:
        p.decode("utf-8")  # each physical line is whole UTF-8
    assert folded.replace("\r\n ", "") == line
    assert ics_fold("SHORT:x") == "SHORT:x"


def test_escape_text_values() -> None:
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --- Summary -------------------------------------------------------------------------------


def test_summary_has_status_terms_and_loads(tmp_path: Path, school, solved) -> None:
    schedule = solved.schedule
    path = write_summary(solved.report, school, schedule, tmp_path / "summary.md")
    text = path.read_text(encoding="utf-8")
    assert text == summary_text(solved.report, school, schedule)
    assert "状态 / Status" in text and solved.report.status in text
    for name in solved.report.terms:
        assert f"(`{name}`)" in text
    loads = list(teacher_loads(school, schedule).values())
    assert f"{min(loads)} / {max(loads)}" in text
    assert f"| {len(schedule.sessions)} (" in text
