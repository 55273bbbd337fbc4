"""The empty school workbook a principal fills in.

Generic over Sheet specs, so other areas (delivery logs, ratings) can make templates for
their own sheets: headers (Chinese aliases or English keys), an optional example row per
sheet, text format for id and list columns (Excel keeps `007` and `1;2` as typed), and
drop-downs for enum, day and yes/no columns, for grades and ranks, and for ids that name a
row of another sheet (a choice's club and class).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from i18n import t
from workbook import spec
from workbook.safety import save_workbook
from workbook.writer import _cell

TEMPLATE_ROWS = 500  # rows covered by formats and drop-downs
_TEXT_TYPES = (spec.ID, spec.TEXT, spec.LIST, spec.ID_LIST, spec.GRADES)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")

# One coherent example school: every row refers to the others, so the template read back
# as it is validates without errors.
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "school": [
        {
            "school_id": "0001",
            "name": "示例小学",
            "stage": "primary",
            "location": "urban",
            "ratio": 45,
            "max_clubs_per_student": 1,
        }
    ],
    "slots": [{"slot_id": "MON1", "day": 1, "start": "15:30", "end": "16:30", "kind": "any"}],
    "teachers": [
        {
            "teacher_id": "T001",
            "name": "王老师",
            "skills": ("美术", "数学"),
            "max_per_week": 5,
            "max_per_day": 1,
            "unavailable": (),
            "opt_in": True,
            "homeroom": "101",
            "external": False,
        }
    ],
    "groups": [
        {
            "group_id": "101",
            "grade": (1,),
            "students": 40,
            "basic_slots": ("MON1",),
            "basic_students": 30,
        }
    ],
    "activities": [
        {
            "activity_id": "A01",
            "name": "美术社团",
            "category": "arts",
            "skill": "美术",
            "sessions_per_week": 1,
            "enrolled": None,
            "staff": 1,
            "room_type": "art",
            "allowed_slots": ("MON1",),
            "fixed_teacher": "T001",
            "groups": (),
            "min_grade": 1,
            "max_grade": 6,
        }
    ],
    "rooms": [
        {"room_id": "R01", "name": "美术室", "type": "art", "capacity": 40, "home_group": None}
    ],
    "enrolments": [{"student_id": "S0001", "group_id": "101", "activity_id": "A01"}],
    "locks": [
        {
            "activity_id": "A01",
            "session": 1,
            "slot_id": "MON1",
            "room_id": "R01",
            "teacher_id": None,
        }
    ],
    "choices": [
        {
            "student_id": "S0001",
            "group_id": "101",
            "activity_id": "A01",
            "rank": 1,
            "priority": False,
        }
    ],
}
# Drop-downs listing the ids of another sheet (sheet, column) -> (sheet, id column): a
# student's club and class are picked from what the workbook defines.
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("choices", "group_id"): ("groups", "group_id"),
    ("choices", "activity_id"): ("activities", "activity_id"),
    ("enrolments", "group_id"): ("groups", "group_id"),
    ("enrolments", "activity_id"): ("activities", "activity_id"),
}
# Drop-downs of whole numbers; others may still be typed (Excel only warns).
NUMBERS: dict[tuple[str, str], range] = {
    ("activities", "min_grade"): range(1, 13),
    ("activities", "max_grade"): range(1, 13),
    ("choices", "rank"): range(1, 6),
}


def _choices(column: spec.Column, lang: str) -> list[str] | None:
    """Drop-down entries for a column, or None for free input."""
    if column.type in (spec.ENUM, spec.ROOM_TYPE) and column.enum:
        return [names[0] if lang == "zh" else key for key, names in column.enum.items()]
    if column.type == spec.DAY:
        return list(spec.DAY_NAMES_ZH) if lang == "zh" else [str(d) for d in range(1, 8)]
    if column.type == spec.BOOL:
        return ["是", "否"] if lang == "zh" else ["yes", "no"]
    return None


def _formula(
    sheet: spec.Sheet, column: spec.Column, lang: str, sheets: tuple[spec.Sheet, ...]
) -> str | None:
    """The list a column's drop-down offers (Excel's formula1), or None for free input."""
    target = REFERENCES.get((sheet.key, column.key))
    by_key = {s.key: s for s in sheets}
    if target and target[0] in by_key:
        other = by_key[target[0]]
        letter = get_column_letter(1 + [c.key for c in other.columns].index(target[1]))
        title = other.alias if lang == "zh" else other.key
        return f"'{title}'!${letter}$2:${letter}${TEMPLATE_ROWS + 1}"
    numbers = NUMBERS.get((sheet.key, column.key))
    choices = [str(n) for n in numbers] if numbers else _choices(column, lang)
    return '"' + ",".join(choices) + '"' if choices else None


def _validation(column: spec.Column, formula: str) -> DataValidation:
    # Only room types allow other text without a prompt; elsewhere Excel warns but still
    # lets the principal keep a value the reader accepts (e.g. the English key).
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.showErrorMessage = column.type != spec.ROOM_TYPE
    dv.errorStyle = "warning"
    return dv


def _write_sheet(
    ws,
    sheet: spec.Sheet,
    rows: list[dict[str, object]],
    lang: str,
    sheets: tuple[spec.Sheet, ...] = (),
) -> None:
    for idx, column in enumerate(sheet.columns, start=1):
        header = ws.cell(row=1, column=idx, value=column.alias if lang == "zh" else column.key)
        header.font = Font(bold=True)
        if column.required:
            header.fill = _REQUIRED_FILL
            header.comment = Comment(t("wb.template.required", lang), "afterschool")
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = max(12, 2 * len(str(header.value)) + 4)
        text = column.type in _TEXT_TYPES
        if text:
            ws.column_dimensions[letter].number_format = "@"
        for r, row in enumerate(rows, start=2):
            value = _cell(column, row.get(column.key), lang)
            ws.cell(row=r, column=idx, value=str(value) if text and value is not None else value)
        if text:
            for (cell,) in ws.iter_rows(
                min_row=2, max_row=TEMPLATE_ROWS + 1, min_col=idx, max_col=idx
            ):
                cell.number_format = "@"
        formula = _formula(sheet, column, lang, sheets)
        if formula:
            dv = _validation(column, formula)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    ws.freeze_panes = "A2"


def write_template(
    path: Path | str,
    lang: str = "zh",
    sheets: tuple[spec.Sheet, ...] = spec.SHEETS,
    examples: dict[str, list[dict[str, object]]] | None = None,
) -> Path:
    """Write the template. `examples` maps sheet key -> rows of domain values; by default
    the contract's example school (only for the contract's own sheets)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    if examples is None:
        examples = EXAMPLES if sheets == spec.SHEETS else {}
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.alias if lang == "zh" else sheet.key)
        _write_sheet(ws, sheet, examples.get(sheet.key, []), lang, sheets)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path)
    return path
