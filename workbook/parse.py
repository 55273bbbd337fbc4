"""Layer 2 of the workbook door: raw sheets -> parsed rows, against any sheet specs.

Each raw sheet is matched to a spec by its name (key or Chinese alias), its header row is
found, its columns are matched by key or alias, and every cell is parsed by its column
type (workbook/cells.py), blank cells taking their column's default. Problems about one
sheet (missing, unknown or duplicate sheets and columns, bad cells, a one-row sheet with
more rows) are found here; problems across rows and sheets are workbook/validate.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.problems import Problems
from workbook import cells, spec
from workbook.load import MAX_COLUMNS, RawSheet
from workbook.spec import Sheet


@dataclass(frozen=True)
class ParsedRow:
    """One data row of a sheet, parsed.

    `values` holds every column of the sheet spec: the parsed value, the default for a
    blank or absent cell, or None where the cell was invalid (an error was recorded).
    `headers` maps every column key to its header as written; a column absent from the
    sheet maps to the name the sheet's language would use (key or Chinese alias).
    """

    values: dict[str, object]
    row: int
    sheet: str
    headers: dict[str, str]


@dataclass
class TablesResult:
    tables: dict[str, list[ParsedRow]]
    problems: Problems
    # sheet key -> where the sheet was found (name as written, header row); absent sheets
    # are missing. Lets callers locate problems about a sheet with no rows.
    found: dict[str, SheetPlace] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetPlace:
    name: str  # sheet or CSV file name as written
    header_row: int | None  # None when no header row was found
    headers: dict[str, str]  # column key -> header as written (or fallback name)
    columns: frozenset[str] = frozenset()  # keys of the columns present


# Removed from header and sheet names before matching: every space (ASCII, full-width,
# no-break, and the line break Excel's Alt+Enter types inside a cell), `_` and `-`.
_HEADER_GAPS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff_\-]+")


def _norm(name: object) -> str:
    """Header / sheet-name matching: case, a trailing required-marker `*` and every space,
    `_` and `-` inside or around the name are ignored, so `slot id`, `slot-id`, `Slot_ID`,
    `max per_week` and a `每日` / `上限` split over two lines by Alt+Enter match `slot_id`,
    `max_per_week` and `每日上限`. Problems still cite the header as written."""
    text = _HEADER_GAPS.sub("", cells.fold(cells.as_text(name)).lower())
    return text.rstrip("*")


def _column_lookup(sheet: Sheet) -> dict[str, spec.Column]:
    lookup: dict[str, spec.Column] = {}
    for column in sheet.columns:
        for name in column.names():
            lookup.setdefault(_norm(name), column)
    return lookup


def sheet_named(name: str, sheets: tuple[Sheet, ...]) -> Sheet | None:
    wanted = _norm(name)
    return next((s for s in sheets if wanted in map(_norm, s.names())), None)


@dataclass
class Ctx:
    """Where problems go and which file they are about."""

    file: str
    problems: Problems

    def at(self, prow: ParsedRow, key: str | None) -> dict[str, object]:
        column = prow.headers.get(key) if key else None
        return {"file": self.file, "sheet": prow.sheet, "row": prow.row, "column": column}

    def error(self, prow: ParsedRow, key: str | None, code: str, value: object = None, **kw):
        self.problems.error(code, **self.at(prow, key), value=_shown(value), **kw)

    def warning(self, prow: ParsedRow, key: str | None, code: str, value: object = None, **kw):
        self.problems.warning(code, **self.at(prow, key), value=_shown(value), **kw)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        return ";".join(str(v) for v in value)
    return cells.as_text(value)


def _find_header(raw: RawSheet, sheet: Sheet) -> tuple[int, tuple[object, ...]] | None:
    lookup = _column_lookup(sheet)
    needed = min(2, len(sheet.columns))
    for number, row in raw.rows:
        matches = {
            lookup[_norm(v)].key for v in row if not cells.is_blank(v) and _norm(v) in lookup
        }
        if len(matches) >= needed:
            return number, row
    return None


def column_letter(number: int) -> str:
    """A 1-based column number as Excel names it: 1 -> A, 27 -> AA, 201 -> GS."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _report_beyond(
    raw: RawSheet,
    ctx: Ctx,
    header_row: int | None = None,
    lookup: dict[str, spec.Column] | None = None,
    index: dict[str, int] | None = None,
) -> None:
    """Cells right of MAX_COLUMNS are not read: say so, where the first one is.

    A contract column whose header sits there (and is not also within the limit) is an
    error: its data would silently fall back to defaults. Otherwise one warning per sheet,
    like an unknown column.
    """
    beyond = raw.beyond
    if beyond is None:
        return
    limits = {"max_columns": MAX_COLUMNS, "last_letter": column_letter(MAX_COLUMNS)}
    lost = [
        (number, value)
        for row, number, value in beyond.kept
        if row == header_row
        and lookup is not None
        and _norm(value) in lookup
        and lookup[_norm(value)].key not in (index or {})
    ]
    for number, value in lost:
        text = cells.as_text(value)
        ctx.problems.error(
            "wb.column.beyond_limit",
            file=ctx.file,
            sheet=raw.name,
            row=header_row,
            column=column_letter(number),
            value=text,
            name=text,
            letter=column_letter(number),
            number=number,
            **limits,
        )
    if lost:
        return
    row, number, value = beyond.kept[0]
    ctx.problems.warning(
        "wb.cell.beyond_limit",
        file=ctx.file,
        sheet=raw.name,
        row=row,
        column=column_letter(number),
        value=_shown(value),
        letter=column_letter(number),
        number=number,
        cells=beyond.cells,
        **limits,
    )


def _parse_sheet(raw: RawSheet, sheet: Sheet, ctx: Ctx) -> tuple[list[ParsedRow], SheetPlace]:
    found = _find_header(raw, sheet)
    if found is None:
        if not raw.unreadable and (raw.rows or raw.beyond or sheet.required):
            ctx.problems.error(
                "wb.header.missing",
                file=ctx.file,
                sheet=raw.name,
                columns=", ".join(f"{c.key}/{c.alias}" for c in sheet.columns),
            )
        _report_beyond(raw, ctx)
        return [], SheetPlace(raw.name, None, _fallback_headers(sheet, raw, {}))
    header_row, header = found
    lookup = _column_lookup(sheet)
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    loc = {"file": ctx.file, "sheet": raw.name, "row": header_row}
    for i, cell in enumerate(header):
        if cells.is_blank(cell):
            continue
        text = cells.as_text(cell)
        column = lookup.get(_norm(cell))
        if column is None:
            ctx.problems.warning("wb.column.unknown", **loc, column=text, value=text)
        elif column.key in index:
            ctx.problems.error(
                "wb.column.duplicate", **loc, column=text, value=text, first=written[column.key]
            )
        else:
            index[column.key] = i
            written[column.key] = text
    _report_beyond(raw, ctx, header_row, lookup, index)
    headers = _fallback_headers(sheet, raw, written)
    for column in sheet.columns:
        if column.required and column.key not in index:
            ctx.problems.error(
                "wb.column.missing",
                **loc,
                column=headers[column.key],
                name=column.key,
                alias=column.alias,
            )
    rows = [
        _parse_row(number, row, sheet, raw.name, index, headers, ctx)
        for number, row in raw.rows
        if number > header_row
    ]
    return rows, SheetPlace(raw.name, header_row, headers, frozenset(index))


def _fallback_headers(sheet: Sheet, raw: RawSheet, written: dict[str, str]) -> dict[str, str]:
    """Headers as written; absent columns named in the sheet's own language."""
    chinese = _norm(raw.stem) in map(_norm, sheet.names()[1:]) or any(
        _norm(text) in (_norm(c.alias), *map(_norm, c.more_aliases))
        for c in sheet.columns
        if (text := written.get(c.key))
    )
    return {c.key: written.get(c.key, c.alias if chinese else c.key) for c in sheet.columns}


def _parse_row(
    number: int,
    row: tuple[object, ...],
    sheet: Sheet,
    sheet_name: str,
    index: dict[str, int],
    headers: dict[str, str],
    ctx: Ctx,
) -> ParsedRow:
    values: dict[str, object] = {}
    prow = ParsedRow(values, number, sheet_name, headers)
    for column in sheet.columns:
        i = index.get(column.key)
        raw = row[i] if i is not None and i < len(row) else None
        if cells.is_blank(raw):
            if column.required and i is not None:
                ctx.error(prow, column.key, "wb.cell.required")
            values[column.key] = column.default
            continue
        parsed = cells.parse_cell(column, raw)
        if isinstance(parsed, cells.CellError):
            ctx.error(prow, column.key, parsed.code, raw, **parsed.params)
            values[column.key] = None
            continue
        if isinstance(parsed, tuple):
            parsed = _dedupe(parsed, prow, column.key, raw, ctx)
            if not parsed:
                # Only separators: as blank.
                if column.required:
                    ctx.error(prow, column.key, "wb.cell.required")
                parsed = column.default
        values[column.key] = parsed
    return prow


def _dedupe(items: tuple, prow: ParsedRow, key: str, raw: object, ctx: Ctx) -> tuple:
    seen: list = []
    for item in items:
        if item in seen:
            ctx.warning(prow, key, "wb.list.duplicate", raw, item=item)
        else:
            seen.append(item)
    return tuple(seen)


def parse_raw_sheets(
    raw_sheets: list[RawSheet], sheets: tuple[Sheet, ...], file: str, problems: Problems
) -> TablesResult:
    """Match raw sheets to specs, parse them, report missing / unknown / duplicate sheets."""
    ctx = Ctx(file, problems)
    tables: dict[str, list[ParsedRow]] = {s.key: [] for s in sheets}
    found: dict[str, SheetPlace] = {}
    for raw in raw_sheets:
        sheet = sheet_named(raw.stem, sheets)
        if sheet is None:
            # Empty ones too (Excel's default `Sheet1`): the contract warns of every one.
            problems.warning("wb.sheet.unknown", file=file, sheet=raw.name, value=raw.name)
            continue
        if sheet.key in found:
            problems.error(
                "wb.sheet.duplicate", file=file, sheet=raw.name, first=found[sheet.key].name
            )
            continue
        tables[sheet.key], found[sheet.key] = _parse_sheet(raw, sheet, ctx)
        if sheet.one_row:
            _check_one_row(tables[sheet.key], found[sheet.key], ctx)
    for sheet in sheets:
        if sheet.required and sheet.key not in found:
            problems.error("wb.sheet.missing", file=file, name=f"{sheet.key} ({sheet.alias})")
    return TablesResult(tables, problems, found)


def no_data(raw_sheets: list[RawSheet], file: str, problems: Problems) -> None:
    """Nothing to read: an error, and where cells right of the column limit were left."""
    problems.error("wb.file.no_data", file=file)
    ctx = Ctx(file, problems)
    for raw in raw_sheets:
        _report_beyond(raw, ctx)


def _check_one_row(rows: list[ParsedRow], place: SheetPlace, ctx: Ctx) -> None:
    """A one-row sheet (the school) has exactly one data row."""
    if place.header_row is not None and not rows:
        ctx.problems.error(
            "wb.school.no_row", file=ctx.file, sheet=place.name, row=place.header_row + 1
        )
    for prow in rows[1:]:
        ctx.error(prow, None, "wb.school.extra_row", first=rows[0].row)
