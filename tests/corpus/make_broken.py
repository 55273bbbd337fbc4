"""Regenerate the workbook corpora: `uv run python tests/corpus/make_broken.py`.

Each input starts from the small valid school of tests/workbook_helpers.py, written by
workbook.writer and then broken in one place with openpyxl (or byte edits for CSV).
`broken/expected.json` maps each file (or CSV folder) to where the error must be reported:
{"sheet": sheet or CSV file name as written, "row": spreadsheet row, "column": header as
written, "code": problem code}; null where the problem has no such location (a missing
sheet, an unreadable file). Every input must make `afterschool validate` exit with 2.

`impossible/` holds well-formed workbooks that no schedule can satisfy (they start from
a variant of that school which does schedule): `afterschool validate` exits 0 with the
warning `code` at the cell, and `afterschool schedule` exits 3 naming `reason` (a
`why.<reason>` of scheduler/explain.py).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook, load_workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for workbook_helpers

from domain.school import Lock, Room  # noqa: E402
from workbook import spec  # noqa: E402
from workbook.writer import write_csv_folder, write_xlsx  # noqa: E402
from workbook_helpers import base_school  # noqa: E402

OUT = HERE / "broken"
IMPOSSIBLE_OUT = HERE / "impossible"

Edit = Callable[[Workbook], None]


@dataclass(frozen=True)
class Case:
    """One broken workbook: edits on the base workbook and the error expected."""

    name: str
    edits: tuple[Edit, ...]
    sheet: str | None  # sheet key; written as key (en) or alias (zh)
    row: int | None
    column: str | None  # column key
    code: str
    lang: str = "en"
    title: bool = False
    extra: dict = field(default_factory=dict)


def _sheet_name(key: str, lang: str) -> str:
    return spec.SHEET_BY_KEY[key].alias if lang == "zh" else key


def _header(sheet: str, column: str, lang: str) -> str:
    col = spec.SHEET_BY_KEY[sheet].column(column)
    return col.alias if lang == "zh" else col.key


def _col_index(ws, sheet: str, column: str) -> int:
    """1-based column of `column` in the header row (row 1, or 2 under a title)."""
    names = spec.SHEET_BY_KEY[sheet].column(column).names()
    for header_row in (1, 2):
        for cell in ws[header_row]:
            if cell.value in names:
                return cell.column
    raise KeyError(column)


def _ws(wb: Workbook, sheet: str):
    for name in spec.SHEET_BY_KEY[sheet].key, spec.SHEET_BY_KEY[sheet].alias:
        if name in wb.sheetnames:
            return wb[name]
    raise KeyError(sheet)


def put(sheet: str, row: int, column: str, value: object) -> Edit:
    def edit(wb: Workbook) -> None:
        ws = _ws(wb, sheet)
        # ws.cell(value=None) would leave the cell unchanged; assign to blank it.
        ws.cell(row=row, column=_col_index(ws, sheet, column)).value = value

    return edit


def append(sheet: str, values: dict[str, object]) -> Edit:
    def edit(wb: Workbook) -> None:
        ws = _ws(wb, sheet)
        row = ws.max_row + 1
        for column, value in values.items():
            ws.cell(row=row, column=_col_index(ws, sheet, column), value=value)

    return edit


def drop_sheet(sheet: str) -> Edit:
    return lambda wb: wb.remove(_ws(wb, sheet))


def drop_column(sheet: str, column: str) -> Edit:
    def edit(wb: Workbook) -> None:
        ws = _ws(wb, sheet)
        ws.delete_cols(_col_index(ws, sheet, column))

    return edit


def drop_row(sheet: str, row: int) -> Edit:
    return lambda wb: _ws(wb, sheet).delete_rows(row)


def case(name, edits, sheet, row, column, code, **kw) -> Case:
    edits = edits if isinstance(edits, tuple) else (edits,)
    return Case(name, edits, sheet, row, column, code, **kw)


# Rows of the base school (header on row 1): slots M1 2, M2 3, W2 4, F1 5; teachers 007 2,
# T2 3, T3 4; groups 101 2, F12 3; activities A1 2, A2 3, A3 4; rooms R101 2, ART 3,
# GYM 4, DANCE 5; enrolments S001 2, S002 3, S003 4; locks A2 2, basic:101 3, basic:F12 4.
CASES = (
    case(
        "missing_sheet_teachers", drop_sheet("teachers"), "teachers", None, None, "wb.sheet.missing"
    ),
    case(
        "missing_sheet_zh", drop_sheet("slots"), "slots", None, None, "wb.sheet.missing", lang="zh"
    ),
    case("missing_column_end", drop_column("slots", "end"), "slots", 1, "end", "wb.column.missing"),
    case(
        "required_blank",
        put("teachers", 3, "name", None),
        "teachers",
        3,
        "name",
        "wb.cell.required",
    ),
    case(
        "text_in_number",
        put("teachers", 2, "max_per_week", "5 节"),
        "teachers",
        2,
        "max_per_week",
        "wb.cell.number",
    ),
    case(
        "negative_number",
        put("groups", 3, "students", -3),
        "groups",
        3,
        "students",
        "wb.cell.negative",
    ),
    case(
        "not_integer", put("rooms", 2, "capacity", 45.5), "rooms", 2, "capacity", "wb.cell.integer"
    ),
    case("bad_day", put("slots", 3, "day", "周八"), "slots", 3, "day", "wb.cell.day"),
    case("day_out_of_range", put("slots", 4, "day", 9), "slots", 4, "day", "wb.cell.day_range"),
    case("bad_time", put("slots", 2, "start", "25:00"), "slots", 2, "start", "wb.cell.time"),
    case("bad_enum", put("school", 2, "stage", "大学"), "school", 2, "stage", "wb.cell.enum"),
    case(
        "bad_bool", put("teachers", 4, "opt_in", "maybe"), "teachers", 4, "opt_in", "wb.cell.bool"
    ),
    case("bad_grade", put("groups", 2, "grade", "13"), "groups", 2, "grade", "wb.cell.grade"),
    case("bad_ratio", put("school", 2, "ratio", "1比45"), "school", 2, "ratio", "wb.cell.ratio"),
    case("ratio_zero", put("school", 2, "ratio", 0), "school", 2, "ratio", "wb.value.below_one"),
    case(
        "duplicate_slot_id",
        put("slots", 4, "slot_id", "M2"),
        "slots",
        4,
        "slot_id",
        "wb.id.duplicate",
    ),
    case(
        "duplicate_teacher_id",
        put("teachers", 4, "teacher_id", "T2"),
        "teachers",
        4,
        "teacher_id",
        "wb.id.duplicate",
    ),
    case(
        "duplicate_group_id",
        append("groups", {"group_id": "101", "grade": "2", "students": 10}),
        "groups",
        4,
        "group_id",
        "wb.id.duplicate",
    ),
    case(
        "duplicate_activity_id",
        append(
            "activities", {"activity_id": "A3", "name": "书法", "category": "arts", "enrolled": 10}
        ),
        "activities",
        5,
        "activity_id",
        "wb.id.duplicate",
    ),
    case(
        "duplicate_room_id",
        append("rooms", {"room_id": "GYM", "name": "操场", "type": "field", "capacity": 100}),
        "rooms",
        6,
        "room_id",
        "wb.id.duplicate",
    ),
    case(
        "school_two_rows",
        append("school", {"school_id": "0043", "name": "第二小学"}),
        "school",
        3,
        None,
        "wb.school.extra_row",
    ),
    case("school_no_row", drop_row("school", 2), "school", 2, None, "wb.school.no_row"),
    case(
        "end_before_start",
        put("slots", 5, "end", "15:00"),
        "slots",
        5,
        "end",
        "wb.slot.end_before_start",
    ),
    case(
        "slots_overlap", put("slots", 3, "start", "16:00"), "slots", 3, "start", "wb.slot.overlap"
    ),
    case(
        "basic_above_students",
        put("groups", 2, "basic_students", 50),
        "groups",
        2,
        "basic_students",
        "wb.group.basic_above_students",
    ),
    case(
        "basic_prefix",
        put("activities", 4, "activity_id", "basic:x"),
        "activities",
        4,
        "activity_id",
        "wb.activity.basic_prefix",
    ),
    case(
        "unknown_slot_unavailable",
        put("teachers", 2, "unavailable", "F1;X9"),
        "teachers",
        2,
        "unavailable",
        "wb.ref.slot",
    ),
    case(
        "unknown_slot_basic",
        put("groups", 3, "basic_slots", "M1；Z"),
        "groups",
        3,
        "basic_slots",
        "wb.ref.slot",
    ),
    case(
        "unknown_slot_allowed",
        put("activities", 2, "allowed_slots", "M9"),
        "activities",
        2,
        "allowed_slots",
        "wb.ref.slot",
    ),
    case(
        "unknown_slot_lock", put("locks", 2, "slot_id", "Q"), "locks", 2, "slot_id", "wb.ref.slot"
    ),
    case(
        "unknown_class_homeroom",
        put("teachers", 4, "homeroom", "999"),
        "teachers",
        4,
        "homeroom",
        "wb.ref.group",
    ),
    case(
        "unknown_class_activity",
        put("activities", 4, "groups", "102"),
        "activities",
        4,
        "groups",
        "wb.ref.group",
    ),
    case(
        "unknown_class_room",
        put("rooms", 3, "home_group", "303"),
        "rooms",
        3,
        "home_group",
        "wb.ref.group",
    ),
    case(
        "unknown_class_enrolment",
        put("enrolments", 3, "group_id", "F13"),
        "enrolments",
        3,
        "group_id",
        "wb.ref.group",
    ),
    case(
        "unknown_class_lock",
        put("locks", 3, "activity_id", "basic:ZZ"),
        "locks",
        3,
        "activity_id",
        "wb.ref.group",
    ),
    case(
        "unknown_room_lock",
        put("locks", 2, "room_id", "GYM2"),
        "locks",
        2,
        "room_id",
        "wb.ref.room",
    ),
    case(
        "unknown_teacher_fixed",
        put("activities", 2, "fixed_teacher", "7"),
        "activities",
        2,
        "fixed_teacher",
        "wb.ref.teacher",
    ),
    case(
        "unknown_teacher_lock",
        put("locks", 2, "teacher_id", "T9"),
        "locks",
        2,
        "teacher_id",
        "wb.ref.teacher",
    ),
    case(
        "unknown_activity_enrolment",
        put("enrolments", 2, "activity_id", "A9"),
        "enrolments",
        2,
        "activity_id",
        "wb.ref.activity",
    ),
    case(
        "unknown_activity_lock",
        put("locks", 2, "activity_id", "A9"),
        "locks",
        2,
        "activity_id",
        "wb.ref.activity",
    ),
    case(
        "home_group_twice",
        put("rooms", 3, "home_group", "101"),
        "rooms",
        3,
        "home_group",
        "wb.room.home_twice",
    ),
    case(
        "student_two_classes",
        put("enrolments", 4, "student_id", "S002"),
        "enrolments",
        4,
        "group_id",
        "wb.enrolment.two_classes",
    ),
    case(
        "enrolled_blank",
        put("activities", 4, "enrolled", None),
        "activities",
        4,
        "enrolled",
        "wb.activity.enrolled_blank",
    ),
    case(
        "staff_zero",
        put("activities", 3, "staff", 0),
        "activities",
        3,
        "staff",
        "wb.value.below_one",
    ),
    case(
        "sessions_zero",
        put("activities", 2, "sessions_per_week", 0),
        "activities",
        2,
        "sessions_per_week",
        "wb.value.below_one",
    ),
    case(
        "lock_session_above",
        put("locks", 2, "session", 3),
        "locks",
        2,
        "session",
        "wb.lock.session",
    ),
    case(
        "basic_lock_session_above",
        put("locks", 4, "session", 2),
        "locks",
        4,
        "session",
        "wb.lock.basic_session",
    ),
    case(
        "basic_lock_slot_not_basic",
        put("locks", 3, "slot_id", "M2"),
        "locks",
        3,
        "slot_id",
        "wb.lock.basic_slot",
    ),
    case(
        "header_missing",
        (
            put("teachers", 1, "teacher_id", "编号x"),
            put("teachers", 1, "name", "名字x"),
            drop_column("teachers", "skills"),
            drop_column("teachers", "max_per_week"),
            drop_column("teachers", "max_per_day"),
            drop_column("teachers", "unavailable"),
            drop_column("teachers", "opt_in"),
            drop_column("teachers", "homeroom"),
        ),
        "teachers",
        None,
        None,
        "wb.header.missing",
    ),
    # Chinese workbooks, with a merged title row above every header (rows shift by one).
    case(
        "zh_title_bad_day",
        put("slots", 4, "day", "周八"),
        "slots",
        4,
        "day",
        "wb.cell.day",
        lang="zh",
        title=True,
    ),
    case(
        "zh_title_bad_bool",
        put("teachers", 3, "external", "不知道"),
        "teachers",
        3,
        "external",
        "wb.cell.bool",
        lang="zh",
        title=True,
    ),
    case(
        "zh_number_with_unit",
        put("groups", 3, "students", "42人"),
        "groups",
        3,
        "students",
        "wb.cell.number",
        lang="zh",
    ),
)


# Consistent data that no schedule can meet: a warning from `validate`, exit 3 and the
# reason from `schedule`. Rows of the feasible school are those of the base school (its
# extra room is the last row of rooms, which no case touches).
IMPOSSIBLE = (
    case(
        "too_few_days",
        (
            put("activities", 3, "sessions_per_week", 3),
            put("activities", 3, "allowed_slots", "M2;W2"),
        ),
        "activities",
        3,
        "sessions_per_week",
        "wb.activity.too_few_days",
        extra={"reason": "too_few_days"},
    ),
    case(
        "zh_title_too_few_days",
        put("activities", 4, "sessions_per_week", 4),
        "activities",
        4,
        "sessions_per_week",
        "wb.activity.too_few_days",
        lang="zh",
        title=True,
        extra={"reason": "too_few_days"},
    ),
    case(
        "lock_slot_not_allowed",
        put("locks", 2, "slot_id", "M1"),
        "locks",
        2,
        "slot_id",
        "wb.lock.slot",
        extra={"reason": "lock_slot"},
    ),
    case(
        "lock_teacher_unavailable",
        put("teachers", 3, "unavailable", "M2"),
        "locks",
        2,
        "teacher_id",
        "wb.lock.teacher_unavailable",
        extra={"reason": "lock_teacher"},
    ),
    case(
        "lock_teacher_unqualified",
        put("locks", 2, "teacher_id", "007"),
        "locks",
        2,
        "teacher_id",
        "wb.lock.teacher_unqualified",
        extra={"reason": "lock_teacher"},
    ),
    case(
        "lock_teacher_opted_out",
        (put("teachers", 4, "opt_in", "no"), put("locks", 2, "teacher_id", "T3")),
        "locks",
        2,
        "teacher_id",
        "wb.lock.teacher_opted_out",
        extra={"reason": "lock_teacher"},
    ),
    case(
        "basic_lock_teacher_unavailable",
        put("locks", 3, "teacher_id", "007"),
        "locks",
        3,
        "teacher_id",
        "wb.lock.teacher_unavailable",
        extra={"reason": "lock_teacher"},
    ),
    case(
        "fixed_teacher_opted_out",
        put("teachers", 2, "opt_in", "no"),
        "activities",
        2,
        "fixed_teacher",
        "wb.activity.fixed_opted_out",
        extra={"reason": "fixed_opted_out"},
    ),
)


def feasible_school():
    """The base school made schedulable: the multi-grade class F12 gets its own home room
    (the base school locks it into class 101's room at the slot 101 uses it)."""
    school = base_school()
    return replace(
        school,
        rooms=(*school.rooms, Room("F12R", "复式班教室", "classroom", 30, "F12")),
        locks=(*school.locks[:2], Lock("basic:F12", 1, None, "F12R", None)),
    )


def _write_case(c: Case, base: dict[tuple[str, bool], Path], out: Path = OUT) -> dict:
    wb = load_workbook(base[(c.lang, c.title)])
    for edit in c.edits:
        edit(wb)
    wb.save(out / f"{c.name}.xlsx")
    return {
        "sheet": _sheet_name(c.sheet, c.lang) if c.sheet else None,
        "row": c.row,
        "column": _header(c.sheet, c.column, c.lang) if c.column else None,
        "code": c.code,
        **c.extra,
    }


def _unreadable(tmp: Path) -> dict[str, dict]:
    """Files that are not workbooks at all: the error names only the file."""

    def nowhere(code: str) -> dict:
        return {"sheet": None, "row": None, "column": None, "code": code}

    (OUT / "zero_bytes.xlsx").write_bytes(b"")
    (OUT / "text_named_xlsx.xlsx").write_text("学校编号,学校名称\n0042,城关第一小学\n", "utf-8")
    good = (tmp / "en_False.xlsx").read_bytes()
    (OUT / "truncated_zip.xlsx").write_bytes(good[: len(good) // 2])
    (OUT / "old_xls.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    empty = Workbook()  # one sheet, no cells
    empty.save(OUT / "empty_workbook.xlsx")
    return {
        "zero_bytes.xlsx": nowhere("wb.file.empty_file"),
        "text_named_xlsx.xlsx": nowhere("wb.file.not_xlsx"),
        "truncated_zip.xlsx": nowhere("wb.file.corrupt"),
        "old_xls.xlsx": nowhere("wb.file.xls"),
        "empty_workbook.xlsx": nowhere("wb.file.no_data"),
    }


def _csv_cases() -> dict[str, dict]:
    """CSV folders with Chinese file names, GB18030-encoded as Excel on Windows saves them."""
    expected = {}
    school = base_school()

    folder = write_csv_folder(school, OUT / "csv_bad_gb18030_byte", "zh", "gb18030")
    path = folder / "教师.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace("李强".encode("gb18030"), b"\xff\xff", 1)  # line 3
    path.write_bytes(b"\n".join(lines))
    expected[folder.name] = {
        "sheet": "教师.csv",
        "row": 3,
        "column": None,
        "code": "wb.file.encoding",
    }

    folder = write_csv_folder(school, OUT / "csv_missing_column", "zh", "gb18030")
    path = folder / "时段.csv"
    text = path.read_text("gb18030").replace(",开始时间", "", 1)
    rows = [
        ",".join(line.split(",")[:2] + line.split(",")[3:]) if i else line
        for i, line in enumerate(text.splitlines())
    ]
    path.write_text("\r\n".join(rows) + "\r\n", "gb18030")
    expected[folder.name] = {
        "sheet": "时段.csv",
        "row": 1,
        "column": "开始时间",
        "code": "wb.column.missing",
    }

    folder = write_csv_folder(school, OUT / "csv_bad_time", "zh", "utf-8-sig")
    path = folder / "时段.csv"
    text = path.read_text("utf-8-sig").replace("16:40,17:40", "16:40,17:70", 1)
    path.write_text(text, "utf-8-sig")
    expected[folder.name] = {
        "sheet": "时段.csv",
        "row": 3,
        "column": "结束时间",
        "code": "wb.cell.time",
    }
    return expected


def _write_expected(out: Path, expected: dict[str, dict]) -> None:
    (out / "expected.json").write_text(
        json.dumps(dict(sorted(expected.items())), ensure_ascii=False, indent=1) + "\n", "utf-8"
    )


def main() -> None:
    for out in (OUT, IMPOSSIBLE_OUT):
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
    expected: dict[str, dict] = {}
    impossible: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        langs = [(lang, title) for lang in ("en", "zh") for title in (False, True)]
        base = {
            (lang, title): write_xlsx(base_school(), tmp / f"{lang}_{title}.xlsx", lang, title)
            for lang, title in langs
        }
        feasible = {
            (lang, title): write_xlsx(
                feasible_school(), tmp / f"ok_{lang}_{title}.xlsx", lang, title
            )
            for lang, title in langs
        }
        for c in CASES:
            expected[f"{c.name}.xlsx"] = _write_case(c, base)
        for c in IMPOSSIBLE:
            impossible[f"{c.name}.xlsx"] = _write_case(c, feasible, IMPOSSIBLE_OUT)
        expected.update(_unreadable(tmp))
    expected.update(_csv_cases())
    _write_expected(OUT, expected)
    _write_expected(IMPOSSIBLE_OUT, impossible)
    print(f"wrote {len(expected)} broken inputs to {OUT}")
    print(f"wrote {len(impossible)} impossible inputs to {IMPOSSIBLE_OUT}")


if __name__ == "__main__":
    main()
