"""Write a School back to the contract's workbook (xlsx) or a CSV folder.

What is written re-reads to the same School: ids are stored as text cells, lists are
joined with ";", enums use the English key (or the first Chinese label with lang="zh").
Text that looks like a formula is written inert (workbook/safety.py) and reads back as is.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.school import School
from workbook import spec
from workbook.safety import csv_row, save_workbook

_TRUE = {"en": "yes", "zh": "是"}
_FALSE = {"en": "no", "zh": "否"}


def _cell(column: spec.Column, value: object, lang: str) -> object:
    """One value as the school would type it."""
    if value is None:
        return None
    if column.type == spec.BOOL:
        return (_TRUE if value else _FALSE)[lang]
    if column.type in (spec.LIST, spec.ID_LIST, spec.GRADES):
        items = [str(v) for v in value]  # type: ignore[union-attr]
        return ";".join(items) if items else None
    if column.type in (spec.ENUM, spec.ROOM_TYPE) and lang == "zh" and column.enum:
        labels = column.enum.get(str(value))
        return labels[0] if labels else value
    if column.type == spec.DAY and lang == "zh":
        return spec.DAY_NAMES_ZH[int(value) - 1]  # type: ignore[call-overload]
    return value


def sheet_rows(school: School) -> dict[str, list[dict[str, object]]]:
    """Every sheet as a list of {column key: domain value} rows."""
    info = school.info
    return {
        "school": [
            {
                "school_id": info.school_id,
                "name": info.name,
                "stage": info.stage,
                "location": info.location,
                "ratio": info.ratio,
                "max_clubs_per_student": info.max_clubs_per_student,
            }
        ],
        "slots": [vars(s) for s in school.slots],
        "teachers": [vars(t) for t in school.teachers],
        "groups": [vars(g) for g in school.groups],
        "activities": [vars(a) for a in school.activities],
        "rooms": [vars(r) for r in school.rooms],
        "enrolments": [vars(e) for e in school.enrolments],
        "locks": [vars(lk) for lk in school.locks],
        # Only priority students are marked, as a school marks them by hand (blank reads
        # "no"); a choices sheet has thousands of rows, and each cell costs reading time.
        "choices": [{**vars(c), "priority": c.priority or None} for c in school.choices],
    }


def _table(sheet: spec.Sheet, rows: list[dict[str, object]], lang: str) -> list[list[object]]:
    header = [c.alias if lang == "zh" else c.key for c in sheet.columns]
    body = [[_cell(c, row.get(c.key), lang) for c in sheet.columns] for row in rows]
    return [header, *body]


def write_xlsx(school: School, path: Path, lang: str = "en", title: bool = False) -> Path:
    """Write one school workbook. `title` adds a merged title row above each header."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in spec.SHEETS:
        rows = sheet_rows(school)[sheet.key]
        ws = wb.create_sheet(sheet.alias if lang == "zh" else sheet.key)
        table = _table(sheet, rows, lang)
        if title:
            ws.append([f"{school.info.name} {sheet.alias}"])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(sheet.columns))
        for values in table:
            ws.append(values)
        header_row = 2 if title else 1
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        _format_text_columns(ws, sheet, header_row)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path)
    return path


def _format_text_columns(ws, sheet: spec.Sheet, header_row: int) -> None:
    """Id and list columns as text cells, so Excel keeps `007` and `1;2` as typed."""
    text_types = {spec.ID, spec.TEXT, spec.LIST, spec.ID_LIST, spec.GRADES}
    for idx, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = 14
        if column.type not in text_types:
            continue
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=idx, max_col=idx):
            cell.number_format = "@"
            if cell.value is not None:
                cell.value = str(cell.value)


def write_csv_folder(
    school: School, folder: Path, lang: str = "en", encoding: str = "utf-8-sig"
) -> Path:
    """Write one CSV file per sheet, named by key (or Chinese alias)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in spec.SHEETS:
        rows = sheet_rows(school)[sheet.key]
        name = sheet.alias if lang == "zh" else sheet.key
        with open(folder / f"{name}.csv", "w", newline="", encoding=encoding) as fh:
            csv.writer(fh).writerows(csv_row(r) for r in _table(sheet, rows, lang))
    return folder
