"""The empty template: every sheet, example rows that validate, text ids, drop-downs."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from workbook import spec
from workbook.reader import read_school, read_tables
from workbook.template import TEMPLATE_ROWS, write_template


def _validations(ws) -> dict[str, list[str]]:
    """Column letter -> drop-down entries."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row == TEMPLATE_ROWS + 1
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            found[letter] = dv.formula1.strip('"').split(",")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_reads_back_without_problems(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    result = read_school(path)
    assert result.problems.items == [], [p.render() for p in result.problems.items]
    school = result.school
    assert school is not None
    assert school.info.school_id == "0001"
    assert len(school.slots) == len(school.teachers) == len(school.locks) == 1


def test_template_sheets_headers_and_formats(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx", lang="zh"))
    assert wb.sheetnames == [s.alias for s in spec.SHEETS]
    for sheet in spec.SHEETS:
        ws = wb[sheet.alias]
        assert [c.value for c in ws[1]] == [c.alias for c in sheet.columns]
        for idx, column in enumerate(sheet.columns, start=1):
            if column.type in (spec.ID, spec.ID_LIST, spec.LIST):
                assert ws.cell(row=2, column=idx).number_format == "@"
                assert ws.cell(row=TEMPLATE_ROWS + 1, column=idx).number_format == "@"
    assert wb["学校"]["A2"].value == "0001"  # an id with leading zeros, kept as text


def test_template_drop_downs(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx", lang="zh"))
    slots = _validations(wb["时段"])
    assert slots["B"] == list(spec.DAY_NAMES_ZH)  # day
    assert slots["E"] == ["基础托管", "拓展", "自习", "通用"]  # kind
    school = _validations(wb["学校"])
    assert school["C"] == ["小学", "初中", "九年一贯制", "高中"]
    assert school["D"] == ["城区", "乡镇", "村小/教学点"]
    teachers = _validations(wb["教师"])
    assert teachers["G"] == teachers["I"] == ["是", "否"]
    assert "艺术" in _validations(wb["活动"])["C"]
    rooms = wb["场地"]
    [room_type] = [dv for dv in rooms.data_validations.dataValidation if "C2" in str(dv.sqref)]
    assert not room_type.showErrorMessage  # other room types are allowed
    en = load_workbook(write_template(tmp_path / "en.xlsx", lang="en"))
    assert _validations(en["slots"])["B"] == [str(d) for d in range(1, 8)]
    assert _validations(en["teachers"])["G"] == ["yes", "no"]


def test_template_for_other_sheet_specs(tmp_path: Path) -> None:
    log = spec.Sheet(
        "ratings",
        "评价",
        (
            spec.Column("teacher_id", "教师编号", spec.ID, required=True),
            spec.Column("score", "评分", spec.NUMBER, required=True),
            spec.Column("done", "完成", spec.BOOL),
        ),
    )
    path = write_template(
        tmp_path / "r.xlsx",
        sheets=(log,),
        examples={"ratings": [{"teacher_id": "007", "score": 4.5, "done": True}]},
    )
    result = read_tables(path, (log,))
    assert result.problems.items == []
    [row] = result.tables["ratings"]
    assert row.values == {"teacher_id": "007", "score": 4.5, "done": True}


def test_template_command(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(app, ["template", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == [s.key for s in spec.SHEETS]
    assert runner.invoke(app, ["template", str(out), "--lang", "fr"]).exit_code == 2
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0 and "0 error(s)" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_choices_sheet(tmp_path: Path, lang: str) -> None:
    """The choices sheet (issue 14): its example row reads back as a choice of the example
    club; class and club are picked from the groups and activities sheets, rank and grade
    bounds from numbers, priority from yes/no."""
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    school = read_school(path).school
    assert school is not None
    [choice] = school.choices
    assert (choice.student_id, choice.group_id, choice.activity_id, choice.rank) == (
        "S0001",
        "101",
        "A01",
        1,
    )
    assert school.info.max_clubs_per_student == 1
    assert (school.activities[0].min_grade, school.activities[0].max_grade) == (1, 6)
    wb = load_workbook(path)
    title = {s.key: s.alias if lang == "zh" else s.key for s in spec.SHEETS}
    ws = wb[title["choices"]]
    assert [c.value for c in ws[1]] == [
        c.alias if lang == "zh" else c.key for c in spec.CHOICES.columns
    ]
    found = _validations(ws)
    assert found["B"] == [f"'{title['groups']}'!$A$2:$A${TEMPLATE_ROWS + 1}"]
    assert found["C"] == [f"'{title['activities']}'!$A$2:$A${TEMPLATE_ROWS + 1}"]
    assert found["D"] == ["1", "2", "3", "4", "5"]
    assert found["E"] == (["是", "否"] if lang == "zh" else ["yes", "no"])
    assert "A" not in found  # student ids are typed
    activities = _validations(wb[title["activities"]])
    assert activities["L"] == activities["M"] == [str(g) for g in range(1, 13)]
    assert wb[title["activities"]]["A1"].value == ("活动编号" if lang == "zh" else "activity_id")
    assert wb[title["groups"]]["A1"].value == ("班级编号" if lang == "zh" else "group_id")
