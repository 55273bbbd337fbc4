"""Fuzzing the one door: whatever bytes arrive, the reader returns problems, never raises.

Property for every input: `read_school` / `read_school_bytes` return a ReadResult; every
problem renders in Chinese and English; problems about a cell name its sheet, row and
column; no school comes back without... nothing wrong being said about it.

The default example counts keep the suite fast. For the reliability report run many more:

    FUZZ_EXAMPLES=2000 uv run pytest tests/test_reader_fuzz.py -q
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path
from string import Formatter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from i18n import TABLE
from workbook import spec
from workbook.reader import ReadResult, read_school, read_school_bytes
from workbook.writer import write_csv_folder, write_xlsx
from workbook_helpers import base_school

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Problems about one cell or one header: they must say where it is.
LOCATED = ("wb.cell.", "wb.column.", "wb.list.", "wb.id.", "wb.ref.")


def assert_clear(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    for problem in result.problems.items:
        assert problem.zh and problem.en, problem
        params = dict(problem.params)
        for template in TABLE[problem.code]:  # every placeholder has its parameter
            names = {name for _, name, _, _ in Formatter().parse(template) if name}
            assert names <= params.keys(), (problem.code, names - params.keys())
        assert problem.file, problem
        if problem.code.startswith(LOCATED):
            assert problem.sheet and problem.row is not None and problem.column, problem
        if problem.code.startswith("wb.cell."):
            assert problem.row > 0
    if result.school is None:
        assert result.problems.errors, "no school and no error saying why"
    else:
        assert result.problems.ok


# ---------------------------------------------------------------- random bytes

SUFFIXES = st.sampled_from([".xlsx", ".zip", ".xlsm", ".csv", ".XLSX"])


@FUZZ
@given(data=st.binary(max_size=4096), suffix=SUFFIXES)
def test_random_bytes_upload(data: bytes, suffix: str) -> None:
    assert_clear(read_school_bytes(f"upload{suffix}", data))


@FUZZ
@given(data=st.binary(max_size=2048), prefix=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b""]))
def test_random_bytes_on_disk(data: bytes, prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "school.xlsx"
        path.write_bytes(prefix + data)
        assert_clear(read_school(path))
        folder = Path(tmp) / "csv"
        folder.mkdir()
        (folder / "teachers.csv").write_bytes(prefix + data)
        (folder / "school.csv").write_bytes(data[::-1])
        assert_clear(read_school(folder))


def _valid_bytes() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_xlsx(base_school(), Path(tmp) / "s.xlsx", lang="zh").read_bytes()
        folder = write_csv_folder(base_school(), Path(tmp) / "csv")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
    return {"s.xlsx": xlsx, "s.zip": buffer.getvalue()}


VALID = _valid_bytes()


@FUZZ
@given(
    name=st.sampled_from(sorted(VALID)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    cut=st.none() | st.integers(0, 10**6),
)
def test_damaged_valid_files(name: str, flips: list[tuple[int, int]], cut: int | None) -> None:
    """A real workbook or CSV zip with bytes changed or cut short (a bad download)."""
    data = bytearray(VALID[name])
    for at, byte in flips:
        data[at % len(data)] = byte
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    assert_clear(read_school_bytes(name, bytes(data)))


# ---------------------------------------------------------------- valid-looking workbooks


def _column_names(sheet: spec.Sheet) -> list[str]:
    return [n for c in sheet.columns for n in (c.key, c.alias, f"{c.alias}*", c.key.upper())]


# Any text a cell can hold (openpyxl refuses control characters other than tab and newline).
CELL_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n"))
CELL = st.one_of(
    st.none(),
    CELL_TEXT,
    st.sampled_from(["=1+1", "=A1", "=1/0", '=HYPERLINK("x")', "+1", "-x", "@A", "'=x", "\t"]),
    st.sampled_from(["周一", "星期日", "15:30", "1:45", "是", "否", "basic:G1", "1;2", "、、"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3000)),
)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    chosen = draw(st.lists(st.sampled_from(spec.SHEETS), max_size=len(spec.SHEETS) + 1))
    titles: set[str] = set()
    for sheet in chosen:
        title = draw(
            st.sampled_from([sheet.key, sheet.alias, sheet.key.title(), f" {sheet.alias}"])
        )
        title = title[:31]
        if title.strip().lower() in titles:
            continue
        titles.add(title.strip().lower())
        ws = wb.create_sheet(title)
        width = len(sheet.columns)
        if draw(st.booleans()):  # a merged title row above the header
            ws.append([draw(CELL_TEXT) or "标题"])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(2, width))
        header = draw(
            st.lists(st.sampled_from(_column_names(sheet)), min_size=0, max_size=width + 2)
        )
        ws.append(header)
        for _ in range(draw(st.integers(0, 6))):
            if draw(st.integers(0, 4)) == 0:
                ws.append([])  # an empty row
                continue
            ws.append(draw(st.lists(CELL, max_size=len(header) + 2)))
        if draw(st.booleans()) and ws.max_row >= 2:
            last = ws.max_row
            ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=2)
    if draw(st.booleans()):
        wb.create_sheet(draw(CELL_TEXT.filter(_valid_title)))
    if not wb.worksheets:
        wb.create_sheet("empty")
    buffer = io.BytesIO()
    wb.save(buffer)  # cells starting with "=" are real formulas here, as a school may write
    return buffer.getvalue()


def _valid_title(title: str) -> bool:
    return (
        0 < len(title) <= 31
        and title.strip("'") == title
        and not any(c in title for c in "[]:*?/\\\t\n")
    )


@FUZZ
@given(data=workbooks())
def test_valid_looking_workbooks(data: bytes) -> None:
    assert_clear(read_school_bytes("fuzz.xlsx", data))


# ---------------------------------------------------------------- CSV in random encodings

ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "big5", "latin-1", "cp1252"]
)


@st.composite
def csv_texts(draw: st.DrawFn, sheet: spec.Sheet) -> str:
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    header = draw(st.lists(st.sampled_from(_column_names(sheet)), max_size=len(sheet.columns) + 1))
    lines = [delimiter.join(header)]
    huge = st.just("x" * 140_000)  # over the csv module's field limit
    cell = st.one_of(st.text(max_size=8), CELL.map(lambda v: "" if v is None else str(v)), huge)
    for _ in range(draw(st.integers(0, 5))):
        values = draw(st.lists(cell, max_size=len(header) + 1))
        quoted = ['"' + v.replace('"', '""') + '"' if draw(st.booleans()) else v for v in values]
        lines.append(delimiter.join(quoted))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines)


@st.composite
def csv_zips(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in draw(
            st.lists(st.sampled_from(spec.SHEETS), min_size=1, unique_by=lambda s: s.key)
        ):
            name = draw(st.sampled_from([sheet.key, sheet.alias])) + ".csv"
            text = draw(csv_texts(sheet))
            encoding = draw(ENCODINGS)
            archive.writestr(name, text.encode(encoding, errors="replace"))
    return buffer.getvalue()


@FUZZ
@given(data=csv_zips())
def test_csv_zips_in_random_encodings(data: bytes) -> None:
    assert_clear(read_school_bytes("fuzz.zip", data))
