"""choices/service.py, choices/upload.py and choices/letters.py: the allocation workflow
the command and the page share (issue 14, point 4)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from choices import service
from choices.letters import letters_frame
from choices.sample import sample_choices
from choices.upload import with_uploaded_choices
from domain.school import Choice, Enrolment, School
from store.db import init_db, make_engine, session_scope
from store.schools import save_school, school_versions
from workbook.reader import read_school
from workbook.safety import save_workbook

COUNTY = Path(__file__).resolve().parents[1] / "data" / "sample_county"


@pytest.fixture(scope="module")
def school() -> School:
    found = read_school(COUNTY / "ZY045.xlsx").school  # 3 clubs, 36 seats, 42 students
    assert found is not None and found.choices
    return found


def test_run_allocation_compares_the_three_methods(school: School) -> None:
    heard: list[tuple[str, int, int]] = []
    outcome = service.run_allocation(school, "lottery", 4, progress=lambda *e: heard.append(e))
    assert outcome.allocation.method == "lottery" and outcome.summary.method == "lottery"
    assert [s.method for s in outcome.summaries] == ["optimal", "lottery", "fcfs"]
    assert heard[0] == ("lottery", 1, 1) and ("fcfs", 1, 1) in heard
    stages = [(d, n) for m, d, n in heard if m == "optimal"]
    assert stages and stages[-1][0] == stages[-1][1]  # every stage of the optimal method
    by = {s.method: s for s in outcome.summaries}
    assert by["optimal"].objective >= max(by["lottery"].objective, by["fcfs"].objective)
    # The allocated school: the chosen clubs' enrolments are the allocation.
    assert {(e.student_id, e.activity_id) for e in outcome.enrolled.enrolments} == {
        (a.student_id, a.activity_id) for a in outcome.allocation.assignments
    }
    assert outcome.inputs_hash != service.run_allocation(school, "lottery", 5).inputs_hash


def test_no_choices_and_unknown_methods_are_refused(school: School) -> None:
    with pytest.raises(service.InvalidChoices) as refused:
        service.run_allocation(replace(school, choices=()))
    assert "没有选课志愿" in str(refused.value) and "no club choices" in str(refused.value)
    with pytest.raises(ValueError):
        service.run_allocation(school, "first")


def test_a_stored_allocation_comes_back_as_it_was(school: School, store_url: str) -> None:
    live = service.run_allocation(school, "optimal", 7)
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:
        saved, head, created = service.store_allocation(session, live, "test.xlsx")
        again, same_head, created_again = service.store_allocation(session, live, "again")
    assert created and not created_again and same_head.id == head.id  # one school version
    assert (saved.version, again.version) == (1, 2)
    with session_scope(engine) as session:
        stored, row = service.stored_outcome(session, school.school_id, 1)
    assert row.version == 1
    assert stored.allocation.assignments == live.allocation.assignments
    assert stored.allocation.order == live.allocation.order
    assert stored.summaries == live.summaries  # the big objective survives JSON exactly
    assert stored.school == school and stored.inputs_hash == live.inputs_hash
    files, again_files = service.allocation_files(stored), service.allocation_files(live)
    for name in ("enrolments.csv", "letters.csv", "summary.md"):  # the xlsx holds a time
        assert files[name] == again_files[name], name


def test_store_enrolled_refuses_a_stale_version(school: School, store_url: str) -> None:
    from store.errors import StaleVersion

    live = service.run_allocation(school)
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:
        save_school(session, school, "v1")
        save_school(session, replace(school, info=replace(school.info, name="改名")), "v2")
    with pytest.raises(StaleVersion), session_scope(engine) as session:
        service.store_enrolled(session, live, 1, expected_version=1)
    with session_scope(engine) as session:
        head = service.store_enrolled(session, live, 1, expected_version=2)
        assert head.version == 3 and len(school_versions(session, school.school_id)) == 3


# ---------------------------------------------------------------- files


def test_enrolments_csv_is_the_contract_sheet_and_inert(school: School) -> None:
    odd = replace(school, enrolments=(Enrolment("=1+1", "A01", "F01"),))
    data = service.enrolments_csv_bytes(odd)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "student_id,group_id,activity_id",
        "'=1+1,F01,A01",  # a formula-like id is written inert (and reads back as is)
    ]


def two_clubs(school: School) -> School:
    """ZY045 with two clubs per student and one student choosing all three."""
    info = replace(school.info, max_clubs_per_student=2)
    rows = (Choice("Z1", "F02", "A03", 1), Choice("Z1", "F02", "A01", 2, True))
    return replace(school, info=info, choices=rows)


def test_letters_name_each_club_and_its_choice(school: School) -> None:
    outcome = service.run_allocation(two_clubs(school))
    [row] = letters_frame(outcome.allocation, "zh").to_dict("records")
    assert row["priority"] == "是" and row["group_id"] == "F02"
    names = {a.activity_id: a.name for a in school.activities}
    assert row["clubs"] == f"{names['A03']}（A03）、{names['A01']}（A01）"
    assert row["choices"] == "第1志愿、第2志愿"
    assert "（第1志愿）" in row["letter"] and "Z1" in row["letter"]
    [en] = letters_frame(outcome.allocation, "en").to_dict("records")
    assert en["choices"] == "choice 1; choice 2" and en["letter"].startswith("Dear parents")


def test_summary_markdown_lists_every_club(school: School) -> None:
    outcome = service.run_allocation(school)
    text = service.summary_markdown(outcome)
    for activity in school.activities:
        assert f"{activity.name} ({activity.activity_id})" in text
    table = [line for line in text.splitlines() if line.startswith("| 第一志愿")]
    assert len(table) == 1 and table[0].count("%") == 3


# ---------------------------------------------------------------- uploads


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    save_workbook(wb, buffer)
    return buffer.getvalue()


HEADER = ["学生编号", "班级编号", "活动编号", "志愿顺序", "优先"]


def test_an_uploaded_sheet_replaces_the_choices(school: School) -> None:
    data = xlsx({"社团志愿": [["三年级报名表"], HEADER, ["N1", "F01", "A01", 1, "是"]]})
    result = with_uploaded_choices(school, "报名.xlsx", data)
    assert result.problems.items == []
    assert result.school is not None
    assert result.school.choices == (Choice("N1", "F01", "A01", 1, True),)
    assert replace(result.school, choices=school.choices) == school  # nothing else changes


def test_a_single_unnamed_sheet_is_the_choices_sheet(school: School) -> None:
    data = xlsx({"Sheet1": [HEADER, ["N1", "F01", "A09", 1, None]]})
    result = with_uploaded_choices(school, "s.xlsx", data)
    assert result.school is None
    [problem] = result.problems.errors
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == (
        "s.xlsx",
        "Sheet1",
        2,
        "活动编号",
        "A09",
    )
    assert problem.code == "wb.choice.unknown_club"


def test_csv_uploads_are_located_by_line(school: School) -> None:
    text = "student_id,group_id,activity_id,rank\nN1,F01,A01,1\nN1,F01,A02,1\n"
    result = with_uploaded_choices(school, "c.csv", text.encode("gb18030"))
    [problem] = result.problems.errors
    assert (problem.file, problem.row, problem.column, problem.code) == (
        "c.csv",
        3,
        "rank",
        "wb.choice.duplicate_rank",
    )
    assert "rank 1" in problem.message("en") and "第 1 志愿" in problem.message("zh")


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("c.txt", b"x", "choices.upload.type"),
        ("two.xlsx", xlsx({"a": [["x"]], "b": [["y"]]}), "choices.upload.no_sheet"),
        ("bad.xlsx", b"not a zip", "wb.file.not_xlsx"),
    ],
)
def test_unusable_uploads_are_refused(school: School, name: str, data: bytes, code: str) -> None:
    result = with_uploaded_choices(school, name, data)
    assert result.school is None
    assert [p.code for p in result.problems.errors] == [code]
    assert all(p.file == name for p in result.problems.errors)


def test_letters_csv_reads_back_one_row_per_student(school: School) -> None:
    outcome = service.run_allocation(sample_choices(school, 3))
    data = service.allocation_files(outcome)["letters.csv"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(r["学生编号"] for r in rows) == sorted(
        {c.student_id for c in outcome.school.choices}
    )
