"""The reader: round trips, the Chinese twin, CSV encodings, uploads, counties, and
validation that collects every problem."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from cli.main import app
from domain.school import School, Teacher
from strategies import schools
from workbook import spec
from workbook.reader import (
    find_school_sources,
    read_county,
    read_school,
    read_school_bytes,
    read_tables,
)
from workbook.writer import sheet_rows, write_csv_folder, write_xlsx
from workbook_helpers import base_school, tiny_school


def codes(result) -> list[str]:
    return [p.code for p in result.problems.items]


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("make", [base_school, tiny_school])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("title", [False, True])
def test_writer_round_trip(tmp_path: Path, make, lang: str, title: bool) -> None:
    school = make()
    result = read_school(write_xlsx(school, tmp_path / "s.xlsx", lang=lang, title=title))
    assert result.problems.items == []
    assert result.school == school


def test_round_trip_keeps_leading_zeros_multigrade_and_locks(tmp_path: Path) -> None:
    school = base_school()
    got = read_school(write_xlsx(school, tmp_path / "s.xlsx", lang="zh", title=True)).school
    assert got is not None
    assert got.teachers[0].teacher_id == "007"
    assert got.info.school_id == "0042"
    assert got.group_by_id["F12"].grade == (1, 2)
    assert got.locks == school.locks
    assert got.rooms[-1].type == "舞蹈室"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(school=schools(), lang=st.sampled_from(["en", "zh"]), title=st.booleans())
def test_generated_schools_round_trip(school: School, lang: str, title: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(school, Path(tmp) / "s.xlsx", lang=lang, title=title)
        result = read_school(path)
    assert result.problems.errors == []
    assert result.school == school


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_folders_equal_the_workbook(tmp_path: Path, encoding: str, lang: str) -> None:
    school = base_school()
    folder = write_csv_folder(school, tmp_path / "csv", lang=lang, encoding=encoding)
    if lang == "zh":
        assert (folder / "教师.csv").exists()
    result = read_school(folder)
    assert result.problems.items == []
    assert result.school == read_school(write_xlsx(school, tmp_path / "s.xlsx")).school


# ---------------------------------------------------------------- the Chinese twin


_DAY_STYLE = ("周一", "星期二", "周三", "星期四", "周五", "周六", "周日")


def _zh_cell(column: spec.Column, value: object, row_index: int) -> object:
    """A value typed the way a principal on Chinese Excel types it."""
    if value is None or value == ():
        return None
    if column.type == spec.BOOL:
        return "是" if value else "否"
    if column.type == spec.DAY:
        return _DAY_STYLE[int(value) - 1]
    if column.type == spec.TIME:
        hours, mins = str(value).split(":")
        # Alternate real Excel time cells and text with a full-width colon.
        return dt.time(int(hours), int(mins)) if row_index % 2 else f"{int(hours)}：{mins}"
    if column.type in (spec.LIST, spec.ID_LIST, spec.GRADES):
        return "、".join(str(v) for v in value)
    if column.type in (spec.ENUM, spec.ROOM_TYPE) and column.enum and value in column.enum:
        return column.enum[value][-1]  # the last accepted label, not the template's
    if column.type in (spec.INT, spec.RATIO):
        return f"1:{value}" if column.type == spec.RATIO else str(value)  # numbers as text
    if column.type == spec.ID and str(value).isdigit() and not str(value).startswith("0"):
        return int(value)  # Excel turned an id into a number
    return value


def _write_zh_twin(school: School, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in spec.SHEETS:
        ws = wb.create_sheet(f" {sheet.alias}")  # a stray space in the sheet name
        columns = list(reversed(sheet.columns))  # column order is free
        ws.append([f"{school.info.name}{sheet.alias}表（2026 秋季）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        ws.append([])  # a blank row between title and header
        ws.append([f"\u3000{c.alias.upper()} " for c in columns])
        for i, row in enumerate(sheet_rows(school)[sheet.key]):
            ws.append([_zh_cell(c, row.get(c.key), i) for c in columns])
            if i == 0:
                ws.append([None] * len(columns))  # fully blank rows are skipped
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, dt.time):
                    cell.number_format = "h:mm"
    wb.save(path)
    return path


def test_chinese_twin_reads_like_the_english_workbook(tmp_path: Path) -> None:
    school = base_school()
    english = read_school(write_xlsx(school, tmp_path / "en.xlsx", lang="en"))
    twin = read_school(_write_zh_twin(school, tmp_path / "zh.xlsx"))
    assert twin.problems.items == []
    assert twin.school == english.school == school


def test_chinese_twin_reports_rows_as_excel_numbers(tmp_path: Path) -> None:
    path = _write_zh_twin(base_school(), tmp_path / "zh.xlsx")
    wb = load_workbook(path)
    ws = wb[" 教师"]
    ws.cell(row=6, column=1).value = "可能"  # last column reversed first: 外聘 (external)
    wb.save(path)
    result = read_school(path)
    [problem] = result.problems.items
    assert (problem.sheet, problem.row, problem.column) == (" 教师", 6, "外聘")
    assert problem.code == "wb.cell.bool" and problem.value == "可能"


# ---------------------------------------------------------------- validation


def _edited(tmp_path: Path, edits: dict[tuple[str, int, str], object], lang="en") -> Path:
    path = write_xlsx(base_school(), tmp_path / "s.xlsx", lang=lang)
    wb = load_workbook(path)
    for (sheet, row, column), value in edits.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        if column not in header:
            ws.cell(row=1, column=len(header) + 1).value = column
            header.append(column)
        ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(path)
    return path


def test_collects_every_problem_at_once(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        {
            ("school", 2, "stage"): "大学",
            ("slots", 3, "start"): "25:00",
            ("teachers", 2, "max_per_week"): "5 节",
            ("groups", 3, "students"): -1,
            ("locks", 2, "room_id"): "NOPE",
        },
    )
    result = read_school(path)
    assert result.school is None
    found = {(p.sheet, p.row, p.column, p.code) for p in result.problems.errors}
    assert found == {
        ("school", 2, "stage", "wb.cell.enum"),
        ("slots", 3, "start", "wb.cell.time"),
        ("teachers", 2, "max_per_week", "wb.cell.number"),
        ("groups", 3, "students", "wb.cell.negative"),
        ("locks", 2, "room_id", "wb.ref.room"),
    }
    for p in result.problems.errors:
        assert p.file == str(path) and p.zh and p.en


def test_warnings_do_not_stop_the_school(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        {
            ("teachers", 2, "备注"): "班主任",  # unknown column
            ("activities", 4, "enrolled"): 25,
            ("activities", 3, "enrolled"): 5,  # enrolments say 3
            ("groups", 2, "basic_slots"): "M1;F1;F1",  # listed twice
        },
    )
    wb = load_workbook(path)
    wb["enrolments"].append(["S003", "101", "A2"])
    wb["enrolments"].append(["S003", "101", "A2"])  # twice
    wb.create_sheet("说明").append(["填写说明", "见模板"])  # unknown sheet
    wb.save(path)
    result = read_school(path)
    assert result.problems.errors == []
    assert sorted(codes(result)) == sorted(
        [
            "wb.column.unknown",
            "wb.activity.enrolled_differs",
            "wb.list.duplicate",
            "wb.enrolment.duplicate",
            "wb.sheet.unknown",
        ]
    )
    assert result.school is not None
    assert result.school.group_by_id["101"].basic_slots == ("M1", "F1")
    assert result.school.enrolled(result.school.activity_by_id["A2"]) == 3


def test_basic_slot_of_extended_kind_and_opted_out_fixed_teacher_warn(tmp_path: Path) -> None:
    school = base_school()
    teachers = (replace(school.teachers[0], opt_in=False), *school.teachers[1:])
    groups = (replace(school.groups[0], basic_slots=("M1", "F1", "W2")), school.groups[1])
    school = replace(school, teachers=teachers, groups=groups)
    result = read_school(write_xlsx(school, tmp_path / "s.xlsx"))
    assert sorted(codes(result)) == ["wb.activity.fixed_opted_out", "wb.group.basic_slot_kind"]
    assert result.school == school


def test_required_sheets_and_columns(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(["学校名称", "学段"])  # school_id column missing
    ws.append(["一小", "小学"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    result = read_school(path)
    assert sorted(codes(result)) == ["wb.column.missing", "wb.sheet.missing", "wb.sheet.missing"]
    missing = next(p for p in result.problems.items if p.code == "wb.column.missing")
    assert (missing.sheet, missing.row, missing.column) == ("学校", 1, "学校编号")


def test_no_follow_up_errors_from_an_unreadable_sheet(tmp_path: Path) -> None:
    path = _edited(tmp_path, {("slots", 1, "slot_id"): "编号?", ("slots", 1, "day"): "?"})
    wb = load_workbook(path)
    for cell in wb["slots"][1]:
        cell.value = f"?{cell.value}"
    wb.save(path)
    result = read_school(path)
    assert codes(result) == ["wb.header.missing"]


def test_slot_rules(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        {("slots", 4, "day"): 1, ("slots", 4, "start"): "17:00", ("slots", 4, "end"): "18:00"},
    )
    result = read_school(path)
    [overlap] = result.problems.errors
    assert overlap.code == "wb.slot.overlap" and overlap.row == 4
    assert dict(overlap.params)["other"] == "M2"


def test_default_basic_students_and_ratio(tmp_path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in {
        "school": [["school_id", "name"], ["1", "小学"]],
        "slots": [["slot_id", "day", "start", "end"], ["S", "2", "16:00", "17:00"]],
        "teachers": [["teacher_id", "name"], ["T", "李"]],
        "groups": [["group_id", "grade", "students"], ["G", "1;2", "12"]],
    }.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "s.xlsx")
    school = read_school(tmp_path / "s.xlsx").school
    assert school is not None
    assert school.info.ratio == 45
    assert school.groups[0].basic_students == 12
    assert school.slots[0].kind == "any"
    assert school.teachers[0] == Teacher("T", "李")


# ---------------------------------------------------------------- generic tables


LOG = spec.Sheet(
    "delivery",
    "服务记录",
    (
        spec.Column("session_id", "课次编号", spec.ID, required=True),
        spec.Column("date", "日期", spec.DATE, required=True),
        spec.Column("hours", "时长", spec.NUMBER, default=1.0),
        spec.Column("held", "已开展", spec.BOOL, default=True),
        spec.Column("students", "出勤人数", spec.INT),
    ),
    required=True,
)


def test_read_tables_with_other_sheet_specs(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "服务记录"
    ws.append(["课次编号", "日期", "时长", "已开展", "出勤人数"])
    ws.append([1, dt.datetime(2026, 9, 1), "1.5", "是", 30])
    ws.append(["002", "2026/9/2", None, "否", "三十"])
    wb.save(tmp_path / "log.xlsx")
    result = read_tables(tmp_path / "log.xlsx", (LOG,))
    first, second = result.tables["delivery"]
    assert first.values == {
        "session_id": "1",
        "date": dt.date(2026, 9, 1),
        "hours": 1.5,
        "held": True,
        "students": 30,
    }
    assert (first.row, first.sheet, first.headers["date"]) == (2, "服务记录", "日期")
    assert second.values["hours"] == 1.0 and second.values["students"] is None
    [problem] = result.problems.items
    assert (problem.file, problem.row, problem.column, problem.code) == (
        str(tmp_path / "log.xlsx"),
        3,
        "出勤人数",
        "wb.cell.number",
    )


def test_read_tables_single_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "九月.csv"
    path.write_bytes("session_id,date,held\nA,2026-09-01,y\n".encode("gb18030"))
    result = read_tables(path, (LOG,))
    assert result.problems.items == []
    assert result.tables["delivery"][0].values["date"] == dt.date(2026, 9, 1)


def test_bad_byte_is_located(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv", encoding="gb18030")
    data = (folder / "teachers.csv").read_bytes()
    (folder / "teachers.csv").write_bytes(data + b"2,\x80\x80\n")
    result = read_school(folder)
    [problem] = result.problems.items
    assert problem.code == "wb.file.encoding"
    assert (problem.sheet, problem.row) == ("teachers.csv", 3)
    assert dict(problem.params)["offset"] == len(data) + 2


# ---------------------------------------------------------------- uploads and counties


def test_upload_xlsx_and_zip(tmp_path: Path) -> None:
    school = base_school()
    data = write_xlsx(school, tmp_path / "s.xlsx", lang="zh").read_bytes()
    assert read_school_bytes("学校.xlsx", data).school == school
    folder = write_csv_folder(school, tmp_path / "csv", lang="zh", encoding="gb18030")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"学校数据/{path.name}")
        archive.writestr("__MACOSX/._教师.csv", b"\0\1")
    result = read_school_bytes("school.zip", buffer.getvalue())
    assert result.problems.items == []
    assert result.school == school


def test_upload_refuses_bombs_and_junk() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(201):
            archive.writestr(f"{i}.csv", "a,b\n")
    assert codes(read_school_bytes("many.zip", buffer.getvalue())) == ["wb.zip.too_many"]
    assert codes(read_school_bytes("x.zip", b"not a zip")) == ["wb.file.bad_zip"]
    assert codes(read_school_bytes("x.pdf", b"%PDF")) == ["wb.file.upload_type"]
    assert codes(read_school_bytes("x.xlsx", b"")) == ["wb.file.empty_file"]


def test_county_folder(tmp_path: Path) -> None:
    county = tmp_path / "county"
    write_xlsx(base_school(), county / "b.xlsx")
    write_xlsx(tiny_school(), county / "a.xlsx", lang="zh")
    write_csv_folder(tiny_school(), county / "c_csv")
    (county / "~$b.xlsx").write_bytes(b"lock")  # Excel's lock file
    (county / "notes.txt").write_text("x")
    (county / "county.csv").write_text("school_id,name\n")  # not a school sheet
    (county / "empty").mkdir()
    sources = find_school_sources(county)
    assert [p.name for p in sources] == ["a.xlsx", "b.xlsx", "c_csv"]
    assert find_school_sources(county / "c_csv") == [county / "c_csv"]
    assert find_school_sources(county / "a.xlsx") == [county / "a.xlsx"]
    results = read_county(county)
    assert [r.school for r in results] == [tiny_school(), base_school(), tiny_school()]
    assert codes(read_county(tmp_path / "nowhere")[0]) == ["wb.file.not_found"]
    assert codes(read_county(county / "empty")[0]) == ["wb.county.empty"]


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write_xlsx(base_school(), tmp_path / "good.xlsx")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    warned = _edited(tmp_path, {("teachers", 2, "备注"): "x"})
    result = runner.invoke(app, ["validate", str(warned)])
    assert result.exit_code == 0
    assert "警告/warning" in result.output and "column 备注" in result.output
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2


def test_header_spellings_and_utf16_tab_csv(tmp_path: Path) -> None:
    """Headers match by key or alias whatever the case, spaces or a required-marker `*`;
    Excel's "Unicode text" export (UTF-16, tab-separated) reads too."""
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    (folder / "slots.csv").write_bytes(
        "Slot ID*\t  DAY \t开始时间\tEnd\n1\t周二\t8:05\t09:00\n".encode("utf-16")
    )
    result = read_school(folder)
    assert result.problems.items == []
    assert result.school == tiny_school()


# ---------------------------------------------------------------- audit against the contract


def test_rows_naming_no_activity_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """The contract requires only `student_id` in enrolments and nothing in locks: a blank
    activity is no error, but such a row means nothing, so it is left out, located."""
    path = _edited(
        tmp_path, {("enrolments", 3, "activity_id"): None, ("locks", 3, "activity_id"): None}
    )
    result = read_school(path)
    assert result.problems.errors == []
    found = {(p.code, p.sheet, p.row, p.column) for p in result.problems.warnings}
    assert found == {
        ("wb.row.no_activity", "enrolments", 3, "activity_id"),
        ("wb.row.no_activity", "locks", 3, "activity_id"),
    }
    school = result.school
    assert school is not None
    assert [e.student_id for e in school.enrolments] == ["S001", "S003"]
    assert [lk.activity_id for lk in school.locks] == ["A2", "basic:F12"]
    for p in result.problems.warnings:
        assert p.zh and p.en and p.zh != p.en


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheets_without_an_activity_column_are_ignored_with_one_warning(
    tmp_path: Path, lang: str
) -> None:
    school = base_school()
    # Give the clubs an `enrolled` count, since their enrolment rows will not count.
    school = replace(
        school,
        activities=tuple(replace(a, enrolled=a.enrolled or 3) for a in school.activities),
    )
    path = write_xlsx(school, tmp_path / "s.xlsx", lang=lang)
    wb = load_workbook(path)
    for key in ("enrolments", "locks"):
        sheet = spec.SHEET_BY_KEY[key]
        ws = wb[sheet.alias if lang == "zh" else key]
        header = [c.value for c in ws[1]]
        ws.delete_cols(header.index(sheet.column("activity_id").names()[lang == "zh"]) + 1)
    wb.save(path)
    result = read_school(path)
    assert result.problems.errors == []
    column = "活动编号" if lang == "zh" else "activity_id"
    sheets = {k: spec.SHEET_BY_KEY[k].alias if lang == "zh" else k for k in ("enrolments", "locks")}
    found = {(p.code, p.sheet, p.row, p.column) for p in result.problems.items}
    assert found == {("wb.column.no_activity", sheets[k], 1, column) for k in sheets}
    assert result.school is not None
    assert result.school.enrolments == () and result.school.locks == ()


def test_empty_unknown_sheets_warn_too(tmp_path: Path) -> None:
    """Excel's default empty `Sheet1` is an unknown sheet like any other."""
    path = write_xlsx(base_school(), tmp_path / "s.xlsx")
    wb = load_workbook(path)
    wb.create_sheet("Sheet1")
    wb.save(path)
    result = read_school(path)
    assert [(p.code, p.sheet) for p in result.problems.items] == [("wb.sheet.unknown", "Sheet1")]
    assert result.school == base_school()
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    (folder / "notes.csv").write_bytes(b"")
    result = read_school(folder)
    assert [(p.code, p.sheet) for p in result.problems.items] == [("wb.sheet.unknown", "notes.csv")]
    assert result.school == tiny_school()


def test_headers_with_inner_spaces_and_line_breaks(tmp_path: Path) -> None:
    """Alt+Enter inside a header cell, inner ASCII or full-width spaces: the header still
    matches; a problem cites the header exactly as written."""
    path = write_xlsx(base_school(), tmp_path / "s.xlsx", lang="zh")
    wb = load_workbook(path)
    ws = wb["教师"]
    written = {"每日上限": "每日\n上限", "每周上限": "每 周　上限", "教师编号": " 教师 编号 *"}
    for cell in ws[1]:
        if cell.value in written:
            cell.value = written[cell.value]
    wb.save(path)
    result = read_school(path)
    assert result.problems.items == []
    assert result.school == base_school()
    per_day = next(c.column for c in ws[1] if c.value == "每日\n上限")
    ws.cell(row=3, column=per_day).value = "两次"
    wb.save(path)
    [problem] = read_school(path).problems.items
    assert (problem.code, problem.row, problem.column) == ("wb.cell.number", 3, "每日\n上限")
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    (folder / "teachers.csv").write_text("teacher id,Name,max per_week\n1,赵老师,x\n", "utf-8")
    [problem] = read_school(folder).problems.items
    assert (problem.code, problem.row, problem.column) == ("wb.cell.number", 2, "max per_week")


def test_every_sheet_keeps_its_header_names_apart() -> None:
    """Header matching ignores spaces, `_` and `-`: no two columns of one sheet may then
    read alike (nor two sheet names)."""
    from compensation.evidence import EVIDENCE_SHEETS
    from workbook.parse import _norm

    for sheets in (spec.SHEETS, EVIDENCE_SHEETS):
        names = [_norm(n) for s in sheets for n in (s.key, s.alias)]
        assert len(names) == len(set(names))
        for sheet in sheets:
            owner: dict[str, str] = {}
            for column in sheet.columns:
                for name in column.names():
                    assert owner.setdefault(_norm(name), column.key) == column.key, name


def test_duplicate_sheet_is_an_error_and_says_so(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    (folder / "教师.csv").write_bytes((folder / "teachers.csv").read_bytes())
    result = read_school(folder)
    [problem] = result.problems.items
    assert problem.code == "wb.sheet.duplicate" and problem.severity == "error"
    assert "ignored" not in problem.en and "忽略" not in problem.zh
    assert "teachers.csv" in problem.en and "teachers.csv" in problem.zh


def test_locks_remember_their_spreadsheet_row(tmp_path: Path) -> None:
    """Excel row (a title row shifts it), CSV line; equality ignores it."""
    school = base_school()
    plain = read_school(write_xlsx(school, tmp_path / "en.xlsx")).school
    titled = read_school(write_xlsx(school, tmp_path / "zh.xlsx", lang="zh", title=True)).school
    folder = write_csv_folder(school, tmp_path / "csv")
    text = (folder / "locks.csv").read_text("utf-8")
    header, rest = text.split("\n", 1)
    (folder / "locks.csv").write_text(f"{header}\n\n{rest}", "utf-8")  # a blank line
    csv = read_school(folder).school
    assert [lk.row for lk in plain.locks] == [2, 3, 4]
    assert [lk.row for lk in titled.locks] == [3, 4, 5]
    assert [lk.row for lk in csv.locks] == [3, 4, 5]
    assert [lk.row for lk in school.locks] == [None, None, None]
    assert plain == titled == csv == school
    assert plain.locks == school.locks and hash(plain.locks[0]) == hash(school.locks[0])


def test_lock_rows_change_neither_the_hash_nor_the_store(tmp_path: Path, new_store_url) -> None:
    from store.db import init_db, make_engine, session_scope
    from store.importer import import_paths
    from store.schools import load_school, school_hash

    school = base_school()
    path = write_xlsx(school, tmp_path / "s.xlsx")
    read = read_school(path).school
    assert read.locks[0].row == 2
    assert school_hash(read) == school_hash(school)
    assert school_hash(replace(read, locks=read.locks[1:])) != school_hash(school)
    engine = make_engine(new_store_url())
    init_db(engine)
    imported = import_paths(engine, [path])
    assert imported.ok and imported.versions[0].content_hash == school_hash(school)
    with session_scope(engine) as session:
        stored = load_school(session, school.school_id)
    assert stored == school and [lk.row for lk in stored.locks] == [None, None, None]
    engine.dispose()


def test_broken_locks_are_cited_by_their_sheet_row(tmp_path: Path) -> None:
    """The checker names the locks sheet's row when the reader recorded it, else the
    lock's position."""
    from scheduler.check import check

    read = read_school(write_xlsx(base_school(), tmp_path / "s.xlsx", title=True)).school
    locks = [v for v in check(read, []) if v.rule == "lock"]
    assert [dict(v.params)["row"] for v in locks] == [3, 4, 5]
    assert locks[0].message("en") == "the lock on locks sheet row 3 (A2) is not respected"
    assert "锁定表第3行" in locks[0].message("zh")
    stored = [v for v in check(base_school(), []) if v.rule == "lock"]
    assert stored[0].message("en") == "lock 1 (A2) is not respected"
