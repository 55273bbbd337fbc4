"""Layer 1 of the workbook door: a file, folder or upload -> raw sheets.

A raw sheet is its name as written and its numbered rows of cells, nothing parsed yet.
Every hostile-file limit applies here (workbook/safety.py for sizes and zips; the row,
column and cell limits below), so the later layers only ever see bounded data. An
unreadable file or sheet is reported once, located by file and sheet.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath

from domain.problems import Problems
from workbook import cells, safety

# Per sheet: far beyond any school (a large one has ~20,000 enrolment rows), low enough
# that a hostile sheet cannot exhaust memory. Cells right of MAX_COLUMNS are not read; the
# first one that is not blank is reported (a warning; an error for a contract column's
# header there), and at most MAX_KEPT_BEYOND of them are remembered per sheet.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_SCANNED_CELLS = 10_000_000  # cells openpyxl hands over, blank or not
MAX_KEPT_BEYOND = 100

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted workbook


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


def xlsx_sheets(data: bytes, file: str, problems: Problems) -> list[RawSheet] | None:
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


def csv_rows(text: str, beyond: _BeyondScan) -> list[tuple[int, tuple[object, ...]]]:
    """Non-blank CSV records numbered by the line each one starts on (at most
    MAX_ROWS + 1: more means the sheet is over the limit).

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
        beyond.see(start, record)
        if any(not cells.is_blank(v) for v in kept):
            rows.append((start, tuple(safety.csv_unescape(v) for v in kept)))
            if len(rows) > MAX_ROWS:
                break
        start = reader.line_num + 1
    return rows


def csv_sheets(files: Iterable[tuple[str, bytes]], file: str, problems: Problems) -> list[RawSheet]:
    sheets = []
    for name, data in files:
        text = decode_csv(data, file, name, problems)
        beyond = _BeyondScan()
        try:
            rows = csv_rows(text, beyond) if text is not None else []
        except csv.Error as exc:  # e.g. a cell over the csv module's 128K-character limit
            problems.error("wb.file.csv_error", file=file, sheet=name, reason=_reason(exc))
            rows, text = [], None
        if len(rows) > MAX_ROWS:
            _too_many_rows(name, file, problems)
            text = None
        if text is None:
            # Still counts as present, so no misleading "missing sheet" error follows.
            sheets.append(RawSheet(name, stem(name), [], unreadable=True))
            continue
        sheets.append(RawSheet(name, stem(name), rows, beyond=beyond.result()))
    return sheets


def stem(name: str) -> str:
    return name[: -len(".csv")] if name.lower().endswith(".csv") else name


def is_csv(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith((".", "~$"))


def iter_folder_csv(folder: Path) -> Iterator[Path]:
    return (p for p in folder.iterdir() if p.is_file() and is_csv(p.name))


def _folder_csv_files(folder: Path) -> list[Path]:
    """The folder's CSV files, sorted; at most MAX_FOLDER_FILES + 1 (more: over the limit,
    and a folder of a million files is not listed in full)."""
    return sorted(islice(iter_folder_csv(folder), safety.MAX_FOLDER_FILES + 1))


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
        return csv_sheets(((p.name, p.read_bytes()) for p in files), file, problems), True
    if not safety.check_path_size(source, file, problems):
        return [], False
    if source.suffix.lower() == ".csv":
        return csv_sheets([(source.name, source.read_bytes())], file, problems), True
    sheets = xlsx_sheets(source.read_bytes(), file, problems)
    return (sheets or [], sheets is not None)


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
        wanted = [(n, i) for n, i in members if is_csv(n) or n.lower().endswith(XLSX_SUFFIXES)]
        files = []
        for name, info in sorted(wanted, key=lambda m: m[0]):
            content = safety.read_member(archive, info, file, problems)
            if content is None:
                return None
            files.append((name, content))
    csvs = [(n, d) for n, d in files if is_csv(n)]
    return csvs, [(n, d) for n, d in files if not is_csv(n)]
