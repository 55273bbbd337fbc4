"""The letter list for parents: one row per student who chose, printable and in Chinese
(English on request), saying which club(s) the student was given and at which choice, or
that none could be given.

Rows follow the school's classes (a homeroom teacher hands out one class's letters), then
student ids; the xlsx starts a new printed page at every class. Students are named by id:
the choices sheet holds no names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from choices.allocate import Allocation
from domain.school import School
from i18n import t
from workbook.safety import csv_row, save_workbook

COLUMNS = ("group_id", "student_id", "grade", "priority", "clubs", "choices", "letter")
WIDTHS = {"group_id": 10, "student_id": 12, "grade": 8, "priority": 8, "clubs": 28, "choices": 16}
LETTER_WIDTH = 70
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def club_label(school: School, activity_id: str, lang: str) -> str:
    activity = school.activity_by_id.get(activity_id)
    name = activity.name if activity else activity_id
    return t("choices.letter.club", lang, name=name, id=activity_id)


def _sentence(student: str, group: str, granted: Sequence[tuple[str, int]], lang: str) -> str:
    if not granted:
        return t("choices.letter.none", lang, student=student, group=group)
    parts = [t("choices.letter.part", lang, club=club, rank=rank) for club, rank in granted]
    joined = t("choices.letter.join", lang).join(parts)
    return t("choices.letter.granted", lang, student=student, group=group, clubs=joined)


def letters_frame(allocation: Allocation, lang: str = "zh") -> pd.DataFrame:
    """One row per student who chose (COLUMNS), by class as the school lists them."""
    school = allocation.instance.school
    order = {g.group_id: i for i, g in enumerate(school.groups)}
    got: dict[str, list[tuple[str, int]]] = {}
    for a in allocation.assignments:
        got.setdefault(a.student_id, []).append((a.activity_id, a.position))
    rows = []
    for w in sorted(
        allocation.instance.wishes, key=lambda w: (order.get(w.group_id, len(order)), w.student_id)
    ):
        granted = [
            (club_label(school, aid, lang), p)
            for aid, p in sorted(got.get(w.student_id, []), key=lambda x: x[1])
        ]
        rows.append(
            {
                "group_id": w.group_id,
                "student_id": w.student_id,
                "grade": "、".join(map(str, w.grades))
                if lang == "zh"
                else ";".join(map(str, w.grades)),
                "priority": t("choices.yes" if w.priority else "choices.no", lang),
                "clubs": t("choices.letter.join", lang).join(c for c, _ in granted)
                or t("choices.letter.nothing", lang),
                "choices": t("choices.letter.join", lang).join(
                    t("choices.letter.rank", lang, rank=p) for _, p in granted
                ),
                "letter": _sentence(w.student_id, w.group_id, granted, lang),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def headers(lang: str) -> list[str]:
    return [t(f"choices.letter.col.{c}", lang) for c in COLUMNS]


def letters_csv_bytes(frame: pd.DataFrame, lang: str = "zh") -> bytes:
    """UTF-8 with BOM (Excel on Windows shows the Chinese), formula-like text inert."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers(lang))
    for row in frame.itertuples(index=False):
        writer.writerow(csv_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def letters_xlsx_bytes(frame: pd.DataFrame, title: str, lang: str = "zh") -> bytes:
    """One sheet, printable: A4 landscape, one page wide, the header on every page, the
    letter text wrapped, a page break before every new class."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("choices.letter.sheet", lang)
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers(lang))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    previous = None
    for row in frame.itertuples(index=False):
        if previous is not None and row.group_id != previous:
            ws.row_breaks.append(Break(id=ws.max_row))
        previous = row.group_id
        ws.append(list(row))
        ws.cell(ws.max_row, len(COLUMNS)).alignment = Alignment(wrap_text=True, vertical="top")
    for idx, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS.get(column, LETTER_WIDTH)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    save_workbook(wb, buffer)
    return buffer.getvalue()
