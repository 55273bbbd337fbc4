"""The one validated door: an .xlsx workbook or a folder of CSV files -> School + Problems.

Reading has three layers, each usable alone, and this front door over them:
1. load (workbook/load.py): a file, folder or upload -> raw sheets (name as written,
   numbered rows of cells), within the hostile-file limits;
2. parse (workbook/parse.py, `read_tables` here): find each sheet's header row, match
   columns by key or Chinese alias, parse every cell by its column type
   (workbook/cells.py), fill defaults;
3. validate and build (workbook/validate.py, `read_school` here): cross-sheet rules of
   the data contract, then a `domain.school.School` when no error was found.
Every problem is collected (never stop at the first), located by file, sheet as written,
spreadsheet row number and column header as written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from domain.problems import Problems
from domain.school import School
from workbook import safety, spec
from workbook.load import (
    XLSX_SUFFIXES,
    RawSheet,
    csv_sheets,
    iter_folder_csv,
    load_raw,
    stem,
    xlsx_sheets,
    zip_csv_files,
)
from workbook.parse import Ctx, TablesResult, no_data, parse_raw_sheets, sheet_named
from workbook.spec import Sheet
from workbook.validate import build_school, validate_tables


@dataclass
class ReadResult:
    school: School | None
    problems: Problems
    source: str


def _tables(
    raw_sheets: list[RawSheet],
    readable: bool,
    sheets: tuple[Sheet, ...],
    file: str,
    problems: Problems,
) -> TablesResult | None:
    """The parsed tables; None when there is nothing to parse (already reported)."""
    if not readable:
        return None
    if not any(raw.rows for raw in raw_sheets) and not problems.errors:
        no_data(raw_sheets, file, problems)
        return None
    return parse_raw_sheets(raw_sheets, sheets, file, problems)


def read_tables(source: Path | str, sheets: tuple[Sheet, ...]) -> TablesResult:
    """Parse an .xlsx file, a .csv file or a folder of CSVs against any sheet specs.

    A single .csv file is matched by its name, or is the only sheet when one spec is given.
    """
    path = Path(source)
    file = str(source)
    problems = Problems()
    raw_sheets, readable = load_raw(path, file, problems)
    if len(sheets) == 1 and path.suffix.lower() == ".csv" and raw_sheets:
        raw = raw_sheets[0]
        if sheet_named(raw.stem, sheets) is None:
            raw_sheets = [replace(raw, stem=sheets[0].key)]
    result = _tables(raw_sheets, readable, sheets, file, problems)
    return TablesResult({s.key: [] for s in sheets}, problems) if result is None else result


def _school_result(
    raw_sheets: list[RawSheet], readable: bool, file: str, problems: Problems
) -> ReadResult:
    result = _tables(raw_sheets, readable, spec.READ_SHEETS, file, problems)
    if result is None:
        return ReadResult(None, problems, file)
    validate_tables(result, Ctx(file, problems))
    school = build_school(result.tables) if problems.ok else None
    return ReadResult(school, problems, file)


def read_school(source: Path | str) -> ReadResult:
    """Read and validate one school: an .xlsx workbook or a folder of CSV files."""
    path = Path(source)
    file = str(source)
    problems = Problems()
    if path.is_file() and path.suffix.lower() == ".csv":
        problems.error("wb.file.single_csv", file=file)
        return ReadResult(None, problems, file)
    raw_sheets, readable = load_raw(path, file, problems)
    return _school_result(raw_sheets, readable, file, problems)


def read_school_bytes(filename: str, data: bytes) -> ReadResult:
    """An uploaded school: an .xlsx workbook, or a .zip of CSV files (web UI)."""
    problems = Problems()
    name = filename.lower()
    if not safety.check_size(len(data), filename, problems):
        return ReadResult(None, problems, filename)
    if name.endswith(XLSX_SUFFIXES):
        sheets = xlsx_sheets(data, filename, problems)
        return _school_result(sheets or [], sheets is not None, filename, problems)
    if not name.endswith(".zip"):
        problems.error("wb.file.upload_type", file=filename)
        return ReadResult(None, problems, filename)
    found = zip_csv_files(data, filename, problems)
    if found is None:
        return ReadResult(None, problems, filename)
    csvs, books = found
    if not csvs and len(books) == 1:
        sheets = xlsx_sheets(books[0][1], filename, problems)
        return _school_result(sheets or [], sheets is not None, filename, problems)
    if not csvs:
        problems.error("wb.file.no_csv", file=filename)
        return ReadResult(None, problems, filename)
    return _school_result(csv_sheets(csvs, filename, problems), True, filename, problems)


# ---------------------------------------------------------------- counties


def _is_school_csv_folder(folder: Path) -> bool:
    """A folder holding CSV files named after the school sheets (a county folder may hold
    other CSVs, such as a county summary)."""
    return folder.is_dir() and any(
        sheet_named(stem(p.name), spec.SHEETS) for p in iter_folder_csv(folder)
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
        and ((p.is_file() and p.suffix.lower() in XLSX_SUFFIXES) or _is_school_csv_folder(p))
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
