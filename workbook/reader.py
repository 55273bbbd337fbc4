"""The one validated door: an .xlsx workbook or a folder of CSV files -> School + Problems.

Reading has three layers, each usable alone:
1. load: a file, folder or upload -> raw sheets (name as written, numbered rows of cells);
2. parse (`read_tables`): find each sheet's header row, match columns by key or Chinese
   alias, parse every cell by its column type (workbook/cells.py), fill defaults;
3. validate and build (`read_school`): cross-sheet rules of the data contract, then a
   `domain.school.School` when no error was found.
Every problem is collected (never stop at the first), located by file, sheet as written,
spreadsheet row number and column header as written.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path, PurePosixPath

from domain.problems import Problems
from domain.school import (
    BASIC_PREFIX,
    DEFAULT_MAX_CLUBS,
    DEFAULT_RATIO,
    Activity,
    Choice,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
    admits,
    minutes,
)
from workbook import cells, safety, spec
from workbook.spec import Sheet

# Per sheet: far beyond any school (a large one has ~20,000 enrolment rows), low enough
# that a hostile sheet cannot exhaust memory. Cells right of MAX_COLUMNS are not read; the
# first one that is not blank is reported (a warning; an error for a contract column's
# header there), and at most MAX_KEPT_BEYOND of them are remembered per sheet.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_SCANNED_CELLS = 10_000_000  # cells openpyxl hands over, blank or not
MAX_KEPT_BEYOND = 100

_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted workbook


# ---------------------------------------------------------------- public values


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


@dataclass
class ReadResult:
    school: School | None
    problems: Problems
    source: str


@dataclass(frozen=True)
class Beyond:
    """Non-blank cells right of MAX_COLUMNS in one sheet, which are not read: the first
    MAX_KEPT_BEYOND of them in reading order (row, 1-based column, value) and how many."""

    kept: tuple[tuple[int, int, object], ...]
    cells: int


class _BeyondScan:
    """Collects `Beyond` while rows are read; keeps at most MAX_KEPT_BEYOND cells."""

    def __init__(self) -> None:
        self.kept: list[tuple[int, int, object]] = []
        self.cells = 0

    def see(self, number: int, row: Sequence[object]) -> None:
        if len(row) <= MAX_COLUMNS:
            return
        for offset, value in enumerate(islice(row, MAX_COLUMNS, None)):
            if cells.is_blank(value):
                continue
            self.cells += 1
            if len(self.kept) < MAX_KEPT_BEYOND:
                self.kept.append((number, MAX_COLUMNS + 1 + offset, value))

    def result(self) -> Beyond | None:
        return Beyond(tuple(self.kept), self.cells) if self.cells else None


@dataclass(frozen=True)
class RawSheet:
    """A sheet before parsing: its name as written and its numbered rows of raw cells."""

    name: str
    stem: str  # the name that identifies the sheet (CSV file name without .csv)
    rows: list[tuple[int, tuple[object, ...]]]
    unreadable: bool = False  # its bytes could not be decoded (already reported)
    beyond: Beyond | None = None  # cells right of MAX_COLUMNS (not in `rows`)


# ---------------------------------------------------------------- loading


def _xlsx_sheets(data: bytes, file: str, problems: Problems) -> list[RawSheet] | None:
    """Every worksheet of a workbook's bytes, or None (with an error) if unreadable."""
    if not data:
        problems.error("wb.file.empty_file", file=file)
        return None
    if data.startswith(_OLE_MAGIC):
        problems.error("wb.file.xls", file=file)
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):  # a zip cut short (an interrupted copy or download)
            problems.error("wb.file.corrupt", file=file, reason="incomplete zip archive")
        else:
            problems.error("wb.file.not_xlsx", file=file)
        return None
    archive = safety.open_archive(data, file, problems)  # zip bombs stop here
    if archive is None:
        return None
    archive.close()
    # openpyxl is imported here so that CSV-only callers do not pay for it.
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any failure inside openpyxl means the file is broken
        _broken(exc, file, problems)
        return None
    try:
        sheets = []
        for ws in wb.worksheets:
            # Dimensions written by other tools can be wrong; read every cell present.
            ws.reset_dimensions()
            sheets.append(_worksheet(ws, file, problems))
    except Exception as exc:
        _broken(exc, file, problems)
        return None
    finally:
        wb.close()
    return sheets


def _broken(exc: BaseException, file: str, problems: Problems) -> None:
    """Why openpyxl failed. XML entity declarations (billion laughs, quadratic blowup) are
    refused by defusedxml, which openpyxl uses once installed; openpyxl wraps its error."""
    from defusedxml import DefusedXmlException

    chain: list[BaseException] = [exc]
    while len(chain) < 20 and (chain[-1].__cause__ or chain[-1].__context__) is not None:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)  # type: ignore[arg-type]
    if any(isinstance(e, DefusedXmlException) for e in chain):
        problems.error("wb.file.xml_entities", file=file)
    else:
        problems.error("wb.file.corrupt", file=file, reason=_reason(exc))


def _worksheet(ws, file: str, problems: Problems) -> RawSheet:
    """A worksheet's non-blank rows, within the sheet limits (else unreadable, reported)."""
    rows: list[tuple[int, tuple[object, ...]]] = []
    beyond = _BeyondScan()
    scanned = 0
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        scanned += len(row) + 1
        kept = row[:MAX_COLUMNS]
        if any(not cells.is_blank(v) for v in kept):
            rows.append((number, kept))
        beyond.see(number, row)
        if scanned > MAX_SCANNED_CELLS or len(rows) > MAX_ROWS:
            _too_many_rows(ws.title, file, problems)
            return RawSheet(ws.title, ws.title, [], unreadable=True)
    return RawSheet(ws.title, ws.title, rows, beyond=beyond.result())


def _too_many_rows(sheet: str, file: str, problems: Problems) -> None:
    problems.error(
        "wb.sheet.too_big",
        file=file,
        sheet=sheet,
        max_rows=MAX_ROWS,
        max_cells=MAX_SCANNED_CELLS,
    )


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def decode_csv(data: bytes, file: str, sheet: str, problems: Problems) -> str | None:
    """UTF-8 (with or without BOM), else GB18030; otherwise an error at the bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a BOM.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            # The decoder that got further is most likely the file's real encoding.
            bad = max(utf8_error.start, gb_error.start)
            line = data[:bad].count(b"\n") + 1
            problems.error(
                "wb.file.encoding",
                file=file,
                sheet=sheet,
                row=line,
                value=data[bad : bad + 1].hex(" "),
                offset=bad,
                line=line,
            )
            return None


def csv_rows(
    text: str, max_rows: int | None = None, beyond: _BeyondScan | None = None
) -> list[tuple[int, tuple[object, ...]]]:
    """Non-blank CSV records numbered by the line each one starts on (at most
    `max_rows` + 1, by default MAX_ROWS + 1: more means the sheet is over the limit).

    Cells right of MAX_COLUMNS are left out (`beyond` collects the non-blank ones). A cell
    the product's own CSV export quoted against formula injection (`'=...`) reads as it
    was before (workbook/safety.py).
    """
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[object, ...]]] = []
    start = 1
    for record in reader:
        kept = record[:MAX_COLUMNS]
        if beyond is not None:
            beyond.see(start, record)
        if any(not cells.is_blank(v) for v in kept):
            rows.append((start, tuple(safety.csv_unescape(v) for v in kept)))
            if len(rows) > (MAX_ROWS if max_rows is None else max_rows):
                break
        start = reader.line_num + 1
    return rows


def _csv_sheets(
    files: Iterable[tuple[str, bytes]], file: str, problems: Problems
) -> list[RawSheet]:
    sheets = []
    for name, data in files:
        text = decode_csv(data, file, name, problems)
        beyond = _BeyondScan()
        try:
            rows = csv_rows(text, beyond=beyond) if text is not None else []
        except csv.Error as exc:  # e.g. a cell over the csv module's 128K-character limit
            problems.error("wb.file.csv_error", file=file, sheet=name, reason=_reason(exc))
            rows, text = [], None
        if len(rows) > MAX_ROWS:
            _too_many_rows(name, file, problems)
            text = None
        if text is None:
            # Still counts as present, so no misleading "missing sheet" error follows.
            sheets.append(RawSheet(name, _stem(name), [], unreadable=True))
            continue
        sheets.append(RawSheet(name, _stem(name), rows, beyond=beyond.result()))
    return sheets


def _stem(name: str) -> str:
    return name[: -len(".csv")] if name.lower().endswith(".csv") else name


def _is_csv(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith((".", "~$"))


def _iter_folder_csv(folder: Path) -> Iterator[Path]:
    return (p for p in folder.iterdir() if p.is_file() and _is_csv(p.name))


def _folder_csv_files(folder: Path) -> list[Path]:
    """The folder's CSV files, sorted; at most MAX_FOLDER_FILES + 1 (more: over the limit,
    and a folder of a million files is not listed in full)."""
    return sorted(islice(_iter_folder_csv(folder), safety.MAX_FOLDER_FILES + 1))


def load_raw(source: Path, file: str, problems: Problems) -> tuple[list[RawSheet], bool]:
    """Raw sheets of an .xlsx file, a .csv file or a folder of CSVs; and whether it was
    readable at all (an unreadable file has already been reported)."""
    if not source.exists():
        problems.error("wb.file.not_found", file=file)
        return [], False
    if source.is_dir():
        files = _folder_csv_files(source)
        if not files:
            problems.error("wb.file.no_csv", file=file)
            return [], False
        if not safety.check_folder(files, file, problems):
            return [], False
        return _csv_sheets(((p.name, p.read_bytes()) for p in files), file, problems), True
    if not safety.check_path_size(source, file, problems):
        return [], False
    if source.suffix.lower() == ".csv":
        return _csv_sheets([(source.name, source.read_bytes())], file, problems), True
    sheets = _xlsx_sheets(source.read_bytes(), file, problems)
    return (sheets or [], sheets is not None)


# ---------------------------------------------------------------- parsing


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
class _Ctx:
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
    ctx: _Ctx,
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


def _parse_sheet(raw: RawSheet, sheet: Sheet, ctx: _Ctx) -> tuple[list[ParsedRow], SheetPlace]:
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
    ctx: _Ctx,
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


def _dedupe(items: tuple, prow: ParsedRow, key: str, raw: object, ctx: _Ctx) -> tuple:
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
    ctx = _Ctx(file, problems)
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


def _no_data(raw_sheets: list[RawSheet], file: str, problems: Problems) -> None:
    """Nothing to read: an error, and where cells right of the column limit were left."""
    problems.error("wb.file.no_data", file=file)
    ctx = _Ctx(file, problems)
    for raw in raw_sheets:
        _report_beyond(raw, ctx)


def read_tables(
    source: Path | str, sheets: tuple[Sheet, ...], file_label: str | None = None
) -> TablesResult:
    """Parse an .xlsx file, a .csv file or a folder of CSVs against any sheet specs.

    A single .csv file is matched by its name, or is the only sheet when one spec is given.
    """
    path = Path(source)
    file = file_label or str(source)
    problems = Problems()
    raw_sheets, readable = load_raw(path, file, problems)
    if len(sheets) == 1 and path.suffix.lower() == ".csv" and raw_sheets:
        raw = raw_sheets[0]
        if sheet_named(raw.stem, sheets) is None:
            raw_sheets = [replace(raw, stem=sheets[0].key)]
    if not readable:
        return TablesResult({s.key: [] for s in sheets}, problems)
    if not any(raw.rows for raw in raw_sheets) and not problems.errors:
        _no_data(raw_sheets, file, problems)
        return TablesResult({s.key: [] for s in sheets}, problems)
    return parse_raw_sheets(raw_sheets, sheets, file, problems)


# ---------------------------------------------------------------- validation


def _unique(rows: list[ParsedRow], key: str, ctx: _Ctx) -> dict[str, ParsedRow]:
    """id -> its first row; later rows with the same id are errors."""
    first: dict[str, ParsedRow] = {}
    for prow in rows:
        value = prow.values.get(key)
        if value is None:
            continue
        if value in first:
            ctx.error(prow, key, "wb.id.duplicate", value, id=value, first=first[value].row)
        else:
            first[value] = prow
    return first


def _refs(rows: list[ParsedRow], key: str, known: dict | None, code: str, ctx: _Ctx) -> None:
    """Every id (or id in a list) of column `key` must be in `known` (None: unchecked)."""
    if known is None:
        return
    for prow in rows:
        value = prow.values.get(key)
        items = value if isinstance(value, tuple) else (() if value is None else (value,))
        for item in items:
            if item not in known:
                ctx.error(prow, key, code, item, id=item)


def _positive(rows: list[ParsedRow], key: str, ctx: _Ctx) -> None:
    for prow in rows:
        value = prow.values.get(key)
        if isinstance(value, int) and value < 1:
            ctx.error(prow, key, "wb.value.below_one", value)


@dataclass
class _Ids:
    """Ids of each sheet -> first row. A sheet that could not be read (missing required
    sheet, no header, no id column, bad encoding) is None: references into it are not
    checked, so one unreadable sheet does not bury the real error under follow-ups."""

    slots: dict[str, ParsedRow] | None
    teachers: dict[str, ParsedRow] | None
    groups: dict[str, ParsedRow] | None
    activities: dict[str, ParsedRow] | None
    rooms: dict[str, ParsedRow] | None


def _ids(result: TablesResult, key: str, id_key: str, ctx: _Ctx) -> dict[str, ParsedRow] | None:
    first = _unique(result.tables[key], id_key, ctx)
    place = result.found.get(key)
    if place is None:
        return None if spec.SHEET_BY_KEY[key].required else first
    if place.header_row is None or id_key not in place.columns:
        return None
    return first


def _check_one_row(rows: list[ParsedRow], place: SheetPlace, ctx: _Ctx) -> None:
    """A one-row sheet (the school) has exactly one data row."""
    if place.header_row is not None and not rows:
        ctx.problems.error(
            "wb.school.no_row", file=ctx.file, sheet=place.name, row=place.header_row + 1
        )
    for prow in rows[1:]:
        ctx.error(prow, None, "wb.school.extra_row", first=rows[0].row)


def _check_slots(rows: list[ParsedRow], ctx: _Ctx) -> None:
    by_day: dict[int, list[ParsedRow]] = defaultdict(list)
    for prow in rows:
        v = prow.values
        if v["start"] is None or v["end"] is None:
            continue
        if minutes(v["end"]) <= minutes(v["start"]):
            ctx.error(prow, "end", "wb.slot.end_before_start", v["end"], start=v["start"])
        elif v["day"] is not None:
            by_day[v["day"]].append(prow)
    for day_rows in by_day.values():
        for i, a in enumerate(day_rows):
            for b in day_rows[:i]:
                if _overlap(a, b):
                    ctx.error(
                        a,
                        "start",
                        "wb.slot.overlap",
                        a.values["start"],
                        id=a.values["slot_id"],
                        other=b.values["slot_id"],
                        other_row=b.row,
                    )


def _overlap(a: ParsedRow, b: ParsedRow) -> bool:
    a0, a1 = minutes(a.values["start"]), minutes(a.values["end"])
    b0, b1 = minutes(b.values["start"]), minutes(b.values["end"])
    return a0 < b1 and b0 < a1


def _check_teachers(rows: list[ParsedRow], ids: _Ids, ctx: _Ctx) -> None:
    _refs(rows, "unavailable", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "homeroom", ids.groups, "wb.ref.group", ctx)
    heads: dict[str, ParsedRow] = {}
    for prow in rows:
        group = prow.values.get("homeroom")
        if group is None:
            continue
        if group in heads:
            ctx.warning(
                prow,
                "homeroom",
                "wb.teacher.homeroom_twice",
                group,
                id=group,
                first=heads[group].row,
            )
        else:
            heads[group] = prow


def _check_groups(rows: list[ParsedRow], ids: _Ids, ctx: _Ctx) -> None:
    _refs(rows, "basic_slots", ids.slots, "wb.ref.slot", ctx)
    for prow in rows:
        v = prow.values
        for slot_id in v.get("basic_slots") or ():
            slot = (ids.slots or {}).get(slot_id)
            if slot is not None and slot.values.get("kind") in ("extended", "self_study"):
                ctx.warning(
                    prow,
                    "basic_slots",
                    "wb.group.basic_slot_kind",
                    slot_id,
                    id=slot_id,
                    kind=slot.values["kind"],
                )
        students, basic = v.get("students"), v.get("basic_students")
        if isinstance(students, int) and isinstance(basic, int) and basic > students:
            ctx.error(
                prow, "basic_students", "wb.group.basic_above_students", basic, students=students
            )


def _allowed_slots(prow: ParsedRow, slots: list[ParsedRow], ids: _Ids) -> list[ParsedRow] | None:
    """The activity's allowed slots as School.allowed_slots derives them (None: unknown,
    because the slots sheet could not be read)."""
    if ids.slots is None:
        return None
    explicit = prow.values.get("allowed_slots") or ()
    if explicit:
        if any(s not in ids.slots for s in explicit):
            return None  # an unknown slot is reported already
        return [ids.slots[s] for s in explicit]
    kind = "self_study" if prow.values.get("category") == "self_study" else "extended"
    return [s for s in slots if s.values.get("kind") in (kind, "any")]


def _check_activities(result: TablesResult, ids: _Ids, ctx: _Ctx) -> None:
    t = result.tables
    rows = t["activities"]
    counts: dict[str, set[str]] = defaultdict(set)
    for e in t["enrolments"]:
        if e.values.get("activity_id") and e.values.get("student_id"):
            counts[e.values["activity_id"]].add(e.values["student_id"])
    skills = {s for tr in t["teachers"] for s in tr.values.get("skills") or ()}
    room_types = {r.values.get("type") for r in t["rooms"]}
    _refs(rows, "allowed_slots", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "groups", ids.groups, "wb.ref.group", ctx)
    _refs(rows, "fixed_teacher", ids.teachers, "wb.ref.teacher", ctx)
    _positive(rows, "staff", ctx)
    _positive(rows, "sessions_per_week", ctx)
    for prow in rows:
        v = prow.values
        aid = v.get("activity_id")
        if isinstance(aid, str) and aid.startswith(BASIC_PREFIX):
            ctx.error(prow, "activity_id", "wb.activity.basic_prefix", aid)
        fixed = (ids.teachers or {}).get(v.get("fixed_teacher") or "")
        if fixed is not None and fixed.values.get("opt_in") is False:
            ctx.warning(
                prow,
                "fixed_teacher",
                "wb.activity.fixed_opted_out",
                v["fixed_teacher"],
                id=v["fixed_teacher"],
            )
        _check_enrolled(prow, len(counts[aid]) if aid in counts else None, ctx)
        _check_days(prow, _allowed_slots(prow, t["slots"], ids), ctx)
        if v.get("room_type") and t["rooms"] and v["room_type"] not in room_types:
            ctx.warning(
                prow, "room_type", "wb.activity.no_room_type", v["room_type"], type=v["room_type"]
            )
        if v.get("skill") and not fixed and t["teachers"] and v["skill"] not in skills:
            ctx.warning(prow, "skill", "wb.activity.no_skill", v["skill"], skill=v["skill"])


def _check_days(prow: ParsedRow, allowed: list[ParsedRow] | None, ctx: _Ctx) -> None:
    """Two sessions of one activity never share a day: sessions <= distinct days, else a
    warning (the schedule is impossible, but the data is well formed)."""
    spw = prow.values.get("sessions_per_week")
    if allowed is None or any(s.values.get("day") is None for s in allowed):
        return  # a slot's day is unreadable (reported there); do not guess
    days = {s.values["day"] for s in allowed}
    if isinstance(spw, int) and spw >= 1 and spw > len(days):
        # Consistent data that no schedule can meet: the scheduler reports it (exit 3).
        ctx.warning(
            prow,
            "sessions_per_week",
            "wb.activity.too_few_days",
            spw,
            sessions=spw,
            days=len(days),
        )


def _check_enrolled(prow: ParsedRow, count: int | None, ctx: _Ctx) -> None:
    enrolled = prow.values.get("enrolled")
    if count is None:
        if enrolled is None and prow.values.get("activity_id") is not None:
            ctx.error(prow, "enrolled", "wb.activity.enrolled_blank")
    elif enrolled is not None and enrolled != count:
        ctx.warning(prow, "enrolled", "wb.activity.enrolled_differs", enrolled, count=count)


def _check_rooms(rows: list[ParsedRow], ids: _Ids, ctx: _Ctx) -> None:
    _refs(rows, "home_group", ids.groups, "wb.ref.group", ctx)
    homes: dict[str, ParsedRow] = {}
    for prow in rows:
        group = prow.values.get("home_group")
        if group is None:
            continue
        if group in homes:
            ctx.error(
                prow,
                "home_group",
                "wb.room.home_twice",
                group,
                id=group,
                other=homes[group].values.get("room_id"),
                first=homes[group].row,
            )
        else:
            homes[group] = prow


def _check_enrolments(rows: list[ParsedRow], ids: _Ids, ctx: _Ctx) -> None:
    _refs(rows, "activity_id", ids.activities, "wb.ref.activity", ctx)
    _refs(rows, "group_id", ids.groups, "wb.ref.group", ctx)
    pairs: dict[tuple[str, str], ParsedRow] = {}
    classes: dict[str, ParsedRow] = {}
    for prow in rows:
        student, activity = prow.values.get("student_id"), prow.values.get("activity_id")
        if student is None:
            continue
        if activity is not None:
            if (student, activity) in pairs:
                ctx.warning(
                    prow,
                    "activity_id",
                    "wb.enrolment.duplicate",
                    activity,
                    student=student,
                    first=pairs[(student, activity)].row,
                )
            else:
                pairs[(student, activity)] = prow
        group = prow.values.get("group_id")
        if group is None:
            continue
        if student in classes and classes[student].values["group_id"] != group:
            first = classes[student]
            ctx.error(
                prow,
                "group_id",
                "wb.enrolment.two_classes",
                group,
                student=student,
                other=first.values["group_id"],
                first=first.row,
            )
        classes.setdefault(student, prow)


def _check_grade_bounds(rows: list[ParsedRow], ctx: _Ctx) -> None:
    """An activity's grade eligibility (an addition): each bound 1-12, min <= max."""
    for prow in rows:
        low, high = prow.values.get("min_grade"), prow.values.get("max_grade")
        for key, value in (("min_grade", low), ("max_grade", high)):
            if isinstance(value, int) and not 1 <= value <= 12:
                ctx.error(prow, key, "wb.cell.grade", value)
                prow.values[key] = None  # reported; not compared below
        low, high = prow.values.get("min_grade"), prow.values.get("max_grade")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            ctx.error(prow, "max_grade", "wb.activity.grade_range", high, low=low, high=high)


def _check_choices(result: TablesResult, ids: _Ids, ctx: _Ctx) -> None:
    """The `choices` sheet (an addition, docs/workbook.md): every choice names a known
    club and class; a student is in one class (here and in the enrolments sheet), picks a
    club once and gives each rank once. A club the student's grade may not join is a
    warning: the choice is read, and the allocation never grants it."""
    rows = result.tables.get("choices", [])
    if not rows:
        return
    _positive(rows, "rank", ctx)
    _refs(rows, "group_id", ids.groups, "wb.ref.group", ctx)
    enrolled_class = {
        p.values["student_id"]: p
        for p in reversed(result.tables["enrolments"])
        if p.values.get("student_id") is not None and p.values.get("group_id") is not None
    }
    classes: dict[str, ParsedRow] = {}
    clubs: dict[tuple[str, str], ParsedRow] = {}
    ranks: dict[tuple[str, int], ParsedRow] = {}
    for prow in rows:
        v = prow.values
        student, group, aid, rank = (
            v.get(k) for k in ("student_id", "group_id", "activity_id", "rank")
        )
        if student is None:
            continue
        if group is not None and (ids.groups is None or group in ids.groups):
            _check_choice_class(prow, student, group, classes, enrolled_class, ctx)
        activity = None
        if aid is not None and ids.activities is not None:
            activity = ids.activities.get(aid)
            if activity is None:
                ctx.error(
                    prow, "activity_id", "wb.choice.unknown_club", aid, id=aid, student=student
                )
        if aid is not None:
            first = clubs.setdefault((student, aid), prow)
            if first is not prow:
                ctx.error(
                    prow,
                    "activity_id",
                    "wb.choice.same_club",
                    aid,
                    student=student,
                    id=aid,
                    first=first.row,
                )
        if isinstance(rank, int) and rank >= 1:
            first = ranks.setdefault((student, rank), prow)
            if first is not prow:
                ctx.error(
                    prow,
                    "rank",
                    "wb.choice.duplicate_rank",
                    rank,
                    student=student,
                    rank=rank,
                    first=first.row,
                    other=first.values.get("activity_id"),
                )
        class_row = (ids.groups or {}).get(group or "")
        if activity is not None and class_row is not None:
            _check_choice_grade(prow, activity, class_row, ctx)


def _check_choice_class(
    prow: ParsedRow,
    student: str,
    group: str,
    classes: dict[str, ParsedRow],
    enrolled_class: dict[str, ParsedRow],
    ctx: _Ctx,
) -> None:
    first = classes.setdefault(student, prow)
    if first.values["group_id"] != group:
        ctx.error(
            prow,
            "group_id",
            "wb.choice.two_classes",
            group,
            student=student,
            other=first.values["group_id"],
            first=first.row,
        )
        return
    enrolment = enrolled_class.get(student)
    if first is prow and enrolment is not None and enrolment.values["group_id"] != group:
        ctx.error(
            prow,
            "group_id",
            "wb.choice.enrolment_class",
            group,
            student=student,
            other=enrolment.values["group_id"],
            other_sheet=enrolment.sheet,
            first=enrolment.row,
        )


def _check_choice_grade(prow: ParsedRow, activity: ParsedRow, group: ParsedRow, ctx: _Ctx) -> None:
    low, high = activity.values.get("min_grade"), activity.values.get("max_grade")
    grades = group.values.get("grade")
    if (low is None and high is None) or not grades:
        return
    if not admits(low, high, grades):
        aid = activity.values["activity_id"]
        ctx.warning(
            prow,
            "activity_id",
            "wb.choice.grade",
            aid,
            student=prow.values["student_id"],
            id=aid,
            grade=";".join(map(str, grades)),
            low=low if low is not None else 1,
            high=high if high is not None else 12,
        )


def _check_locks(result: TablesResult, ids: _Ids, ctx: _Ctx) -> None:
    """Errors: malformed cells, unknown ids, and a session that does not exist (`session`
    above the activity's sessions or the class's basic slots, a basic lock's slot that is
    not one of the class's basic slots): such a lock names nothing, so it could only be
    ignored. Warnings: a lock that names a real session but can never hold (a slot the
    activity may not use; a teacher who opted out, is unavailable then or lacks the
    skill): the scheduler reports it as the reason no schedule exists (exit 3)."""
    rows = result.tables["locks"]
    _refs(rows, "slot_id", ids.slots, "wb.ref.slot", ctx)
    _refs(rows, "room_id", ids.rooms, "wb.ref.room", ctx)
    _refs(rows, "teacher_id", ids.teachers, "wb.ref.teacher", ctx)
    for prow in rows:
        v = prow.values
        aid, session, slot = v.get("activity_id"), v.get("session"), v.get("slot_id")
        if aid is None:
            continue
        if isinstance(session, int) and session < 1:
            ctx.error(prow, "session", "wb.value.below_one", session)
            session = None
        if aid.startswith(BASIC_PREFIX):
            gid = aid[len(BASIC_PREFIX) :]
            if ids.groups is None:
                continue
            group = ids.groups.get(gid)
            if group is None:
                ctx.error(prow, "activity_id", "wb.ref.group", aid, id=gid)
                continue
            allowed = group.values.get("basic_slots") or ()
            named = True
            if isinstance(session, int) and session > len(allowed):
                ctx.error(prow, "session", "wb.lock.basic_session", session, count=len(allowed))
                named = False
            if slot in (ids.slots or {}) and slot not in allowed:
                ctx.error(prow, "slot_id", "wb.lock.basic_slot", slot, id=slot, group=gid)
                named = False
            if named:
                _check_lock_teacher(prow, None, ids, ctx)
            continue
        if ids.activities is None:
            continue
        activity = ids.activities.get(aid)
        if activity is None:
            ctx.error(prow, "activity_id", "wb.ref.activity", aid, id=aid)
            continue
        spw = activity.values.get("sessions_per_week")
        if isinstance(session, int) and isinstance(spw, int) and session > spw:
            ctx.error(prow, "session", "wb.lock.session", session, sessions=spw)
            continue
        allowed = _allowed_slots(activity, result.tables["slots"], ids)
        if (
            allowed is not None
            and slot in ids.slots
            and slot not in {s.values["slot_id"] for s in allowed}
        ):
            ctx.warning(prow, "slot_id", "wb.lock.slot", slot, id=slot, activity=aid)
        _check_lock_teacher(prow, activity, ids, ctx)


def _check_lock_teacher(prow: ParsedRow, activity: ParsedRow | None, ids: _Ids, ctx: _Ctx) -> None:
    """A locked teacher who can never take the session: a warning, one reason."""
    tid = prow.values.get("teacher_id")
    teacher = (ids.teachers or {}).get(tid or "")
    if teacher is None:
        return  # blank, or unknown (reported)
    t = teacher.values
    slot = prow.values.get("slot_id")
    skill = activity.values.get("skill") if activity is not None else None
    fixed = activity.values.get("fixed_teacher") if activity is not None else None
    if t.get("opt_in") is False:
        code = "wb.lock.teacher_opted_out"
    elif slot is not None and slot in (t.get("unavailable") or ()):
        code = "wb.lock.teacher_unavailable"
    elif skill and fixed != tid and skill not in (t.get("skills") or ()):
        code = "wb.lock.teacher_unqualified"
    else:
        return
    ctx.warning(prow, "teacher_id", code, tid, id=tid, slot=slot, skill=skill)


def _skip_rows_naming_no_activity(result: TablesResult, key: str, ctx: _Ctx) -> None:
    """The contract requires no `activity_id` in `enrolments` (only `student_id`) nor in
    `locks`; but a row that names no activity cannot mean anything. Each such row is left
    out with a warning at its cell; a sheet without the column, with one warning."""
    rows, place = result.tables[key], result.found.get(key)
    if not rows or place is None:
        return
    if "activity_id" not in place.columns:
        column = spec.SHEET_BY_KEY[key].column("activity_id")
        ctx.problems.warning(
            "wb.column.no_activity",
            file=ctx.file,
            sheet=place.name,
            row=place.header_row,
            column=place.headers["activity_id"],
            name=column.key,
            alias=column.alias,
            rows=len(rows),
        )
        result.tables[key] = []
        return
    kept = []
    for prow in rows:
        if prow.values.get("activity_id") is None:
            ctx.warning(prow, "activity_id", "wb.row.no_activity")
        else:
            kept.append(prow)
    result.tables[key] = kept


def validate_tables(result: TablesResult, ctx: _Ctx) -> None:
    """Cross-row and cross-sheet rules of the contract, on the parsed tables."""
    for key in ("enrolments", "locks"):
        _skip_rows_naming_no_activity(result, key, ctx)
    t = result.tables
    ids = _Ids(
        slots=_ids(result, "slots", "slot_id", ctx),
        teachers=_ids(result, "teachers", "teacher_id", ctx),
        groups=_ids(result, "groups", "group_id", ctx),
        activities=_ids(result, "activities", "activity_id", ctx),
        rooms=_ids(result, "rooms", "room_id", ctx),
    )
    _positive(t["school"], "ratio", ctx)
    _positive(t["school"], "max_clubs_per_student", ctx)
    _check_slots(t["slots"], ctx)
    _check_teachers(t["teachers"], ids, ctx)
    _check_groups(t["groups"], ids, ctx)
    _check_activities(result, ids, ctx)
    _check_rooms(t["rooms"], ids, ctx)
    _check_enrolments(t["enrolments"], ids, ctx)
    _check_locks(result, ids, ctx)
    _check_grade_bounds(t["activities"], ctx)
    _check_choices(result, ids, ctx)
    for key in ("slots", "teachers"):
        place = result.found.get(key)
        if place is not None and place.header_row is not None and not t[key]:
            ctx.problems.warning("wb.sheet.no_rows", file=ctx.file, sheet=place.name)


# ---------------------------------------------------------------- building


def build_school(tables: dict[str, list[ParsedRow]]) -> School:
    """A School from tables that validated without errors."""

    def vals(key: str) -> list[dict[str, object]]:
        return [r.values for r in tables[key]]

    info = vals("school")[0]
    return School(
        info=SchoolInfo(
            school_id=info["school_id"],
            name=info["name"],
            stage=info["stage"],
            location=info["location"],
            ratio=info["ratio"] if info["ratio"] is not None else DEFAULT_RATIO,
            max_clubs_per_student=info.get("max_clubs_per_student") or DEFAULT_MAX_CLUBS,
        ),
        slots=tuple(Slot(**v) for v in vals("slots")),
        teachers=tuple(Teacher(**v) for v in vals("teachers")),
        groups=tuple(
            Group(
                **{
                    **v,
                    "basic_students": v["basic_students"]
                    if v["basic_students"] is not None
                    else v["students"],
                }
            )
            for v in vals("groups")
        ),
        activities=tuple(Activity(**v) for v in vals("activities")),
        rooms=tuple(Room(**v) for v in vals("rooms")),
        enrolments=tuple(Enrolment(**v) for v in vals("enrolments")),
        # The source row travels with each lock so that problems can cite it; it takes
        # no part in equality or the stored school.
        locks=tuple(Lock(**r.values, row=r.row) for r in tables["locks"]),
        choices=tuple(Choice(**v) for v in vals("choices")) if "choices" in tables else (),
    )


def _school_result(
    raw_sheets: list[RawSheet], readable: bool, file: str, problems: Problems, source: str
) -> ReadResult:
    if not readable:
        return ReadResult(None, problems, source)
    if not any(raw.rows for raw in raw_sheets) and not problems.errors:
        _no_data(raw_sheets, file, problems)
        return ReadResult(None, problems, source)
    result = parse_raw_sheets(raw_sheets, spec.READ_SHEETS, file, problems)
    validate_tables(result, _Ctx(file, problems))
    school = build_school(result.tables) if problems.ok else None
    return ReadResult(school, problems, source)


def read_school(source: Path | str) -> ReadResult:
    """Read and validate one school: an .xlsx workbook or a folder of CSV files."""
    path = Path(source)
    file = str(source)
    problems = Problems()
    if path.is_file() and path.suffix.lower() == ".csv":
        problems.error("wb.file.single_csv", file=file)
        return ReadResult(None, problems, file)
    raw_sheets, readable = load_raw(path, file, problems)
    return _school_result(raw_sheets, readable, file, problems, file)


# ---------------------------------------------------------------- uploads


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's file name; archives made on Chinese Windows store names in GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return PurePosixPath(name).name


def zip_csv_files(
    data: bytes, file: str, problems: Problems
) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]] | None:
    """(CSV files, workbooks) of an uploaded zip, by member file name; None (with the
    errors) when the archive is unreadable or fails a hostile-file check."""
    archive = safety.open_archive(data, file, problems)
    if archive is None:
        return None
    with archive:
        members = [
            (_zip_name(i), i)
            for i in archive.infolist()
            if not i.is_dir() and "__MACOSX" not in i.filename
        ]
        wanted = [(n, i) for n, i in members if _is_csv(n) or n.lower().endswith(_XLSX_SUFFIXES)]
        files = []
        for name, info in sorted(wanted, key=lambda m: m[0]):
            content = safety.read_member(archive, info, file, problems)
            if content is None:
                return None
            files.append((name, content))
    csvs = [(n, d) for n, d in files if _is_csv(n)]
    return csvs, [(n, d) for n, d in files if not _is_csv(n)]


def read_school_bytes(filename: str, data: bytes) -> ReadResult:
    """An uploaded school: an .xlsx workbook, or a .zip of CSV files (web UI)."""
    problems = Problems()
    name = filename.lower()
    if not safety.check_size(len(data), filename, problems):
        return ReadResult(None, problems, filename)
    if name.endswith(_XLSX_SUFFIXES):
        sheets = _xlsx_sheets(data, filename, problems)
        return _school_result(sheets or [], sheets is not None, filename, problems, filename)
    if not name.endswith(".zip"):
        problems.error("wb.file.upload_type", file=filename)
        return ReadResult(None, problems, filename)
    found = zip_csv_files(data, filename, problems)
    if found is None:
        return ReadResult(None, problems, filename)
    csvs, books = found
    if not csvs and len(books) == 1:
        sheets = _xlsx_sheets(books[0][1], filename, problems)
        return _school_result(sheets or [], sheets is not None, filename, problems, filename)
    if not csvs:
        problems.error("wb.file.no_csv", file=filename)
        return ReadResult(None, problems, filename)
    raw = _csv_sheets(csvs, filename, problems)
    return _school_result(raw, True, filename, problems, filename)


# ---------------------------------------------------------------- counties


def _is_school_csv_folder(folder: Path) -> bool:
    """A folder holding CSV files named after the school sheets (a county folder may hold
    other CSVs, such as a county summary)."""
    return folder.is_dir() and any(
        sheet_named(_stem(p.name), spec.SHEETS) for p in _iter_folder_csv(folder)
    )


def _visible(path: Path) -> bool:
    # Skip Excel's lock files (~$name.xlsx) and hidden files.
    return not path.name.startswith(("~$", "."))


def find_school_sources(path: Path | str) -> list[Path]:
    """A county folder: every *.xlsx in it and every subfolder holding CSVs, sorted;
    a single workbook or CSV folder: [it]; a missing path: []."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    if _is_school_csv_folder(path):
        return [path]
    found = [
        p
        for p in path.iterdir()
        if _visible(p)
        and ((p.is_file() and p.suffix.lower() in _XLSX_SUFFIXES) or _is_school_csv_folder(p))
    ]
    return sorted(found)


def read_county(path: Path | str) -> list[ReadResult]:
    """Every school of a county folder (or the one school `path` is)."""
    sources = find_school_sources(path)
    if not sources:
        problems = Problems()
        code = "wb.file.not_found" if not Path(path).exists() else "wb.county.empty"
        problems.error(code, file=str(path))
        return [ReadResult(None, problems, str(path))]
    return [read_school(s) for s in sources]
