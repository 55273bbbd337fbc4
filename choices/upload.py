"""An uploaded choices sheet, checked against a stored school through the workbook door.

The page offers "upload a choices sheet" for a school already in the store. The upload
(an .xlsx with a choices sheet, or with one sheet only; or a .csv) passes the same
hostile-file checks as any upload; its choices sheet then replaces the school's in the
school's own workbook (written by workbook.writer), cell for cell at the same row numbers,
and that workbook is read by `read_school_bytes`. So an unknown club, a duplicate rank or a
student in two classes is reported exactly as `afterschool validate` would: sheet, row,
column and value of the upload, in both languages.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook

from domain.problems import ERROR, Problems
from domain.school import School
from workbook import spec
from workbook.load import RawSheet, csv_sheets, xlsx_sheets
from workbook.parse import sheet_named
from workbook.reader import ReadResult, read_school_bytes
from workbook.safety import check_size, save_workbook
from workbook.writer import write_xlsx

MERGED = "upload.xlsx"  # the merged workbook's name while it is read


def _raw_sheets(filename: str, data: bytes, problems: Problems) -> list[RawSheet] | None:
    if not check_size(len(data), filename, problems):
        return None
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return xlsx_sheets(data, filename, problems)
    if name.endswith(".csv"):
        return csv_sheets([(filename, data)], filename, problems)
    problems.error("choices.upload.type", file=filename)
    return None


def _choices_sheet(sheets: list[RawSheet]) -> RawSheet | None:
    """The sheet named as the choices sheet, else the only sheet with rows."""
    named = [s for s in sheets if sheet_named(s.stem, (spec.CHOICES,)) is not None]
    if named:
        return named[0]
    filled = [s for s in sheets if s.rows]
    return filled[0] if len(filled) == 1 else None


def _title(sheet: RawSheet) -> str:
    """The merged workbook's name for the upload's choices sheet: its own name when that
    names the choices sheet (a CSV without .csv), else the sheet's Chinese name."""
    named = sheet_named(sheet.stem, (spec.CHOICES,)) is not None
    return sheet.stem if named else spec.CHOICES.alias


def _merged_workbook(school: School, sheet: RawSheet) -> bytes:
    """The school's workbook with `sheet` (its cells at their rows) as the choices sheet."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(school, Path(folder) / "school.xlsx", lang="en")
        wb = load_workbook(path)
    del wb[spec.CHOICES.key]
    ws = wb.create_sheet(_title(sheet))
    for row, cells in sheet.rows:
        for column, value in enumerate(cells, start=1):
            if value is not None and value != "":
                ws.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    save_workbook(wb, buffer)
    return buffer.getvalue()


def with_uploaded_choices(school: School, filename: str, data: bytes) -> ReadResult:
    """The school with the upload's choices instead of its own, or the problems, each
    located in the upload (its file name, its sheet as written). Warnings on the school's
    other sheets, known since it was stored, are left out; errors never are."""
    problems = Problems()
    sheets = _raw_sheets(filename, data, problems)
    if sheets is None:
        return ReadResult(None, problems, filename)
    sheet = _choices_sheet(sheets)
    if sheet is None:
        if problems.ok:
            problems.error("choices.upload.no_sheet", file=filename)
        return ReadResult(None, problems, filename)
    result = read_school_bytes(MERGED, _merged_workbook(school, sheet))
    title = _title(sheet)
    kept = Problems()
    for p in (*problems.items, *result.problems.items):
        if p.severity == ERROR or p.sheet in (None, title):
            where = {"file": filename} if p.file == MERGED else {}
            if p.sheet == title:
                where["sheet"] = sheet.name
            kept.items.append(replace(p, **where))
    return ReadResult(result.school if kept.ok else None, kept, filename)
