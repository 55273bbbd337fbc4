"""Hostile files: limits on what comes in, inert text on what goes out.

In: one byte limit per file, the same count and total limits for a CSV folder on disk as
for a zip, and checks of every zip archive (an .xlsx is one) before any
parser opens it: entry count, unpacked size, compression ratio, unsafe entry names. Python's
`zipfile` never inflates a member beyond its declared size (the CRC check fails first), so
the declared sizes checked here bound what any later read can cost.

Out: every CSV and xlsx the product writes stores text that begins like a formula
(`=` `+` `-` `@`, tab, carriage return; OWASP "CSV injection") as inert text. In xlsx the
cell stays a plain string cell (never a formula) with Excel's quote prefix; in CSV it gets a
leading apostrophe, which the reader removes again (`csv_unescape`), so exports round-trip.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from domain.problems import Problems

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook

MIB = 2**20
# The one per-file limit; .streamlit/config.toml's maxUploadSize (in MB) must equal it.
MAX_FILE_BYTES = 50 * MIB
MAX_UNCOMPRESSED_BYTES = 50 * MIB  # an archive's members, unpacked, together
MAX_MEMBERS = 200  # a school workbook has ~20 parts; a CSV zip 8 sheets
# A folder of CSV files on disk is held to what a zip of them may unpack to.
MAX_FOLDER_BYTES = MAX_UNCOMPRESSED_BYTES  # its CSV files together
MAX_FOLDER_FILES = MAX_MEMBERS  # its CSV files
MAX_RATIO = 100  # a real workbook part compresses ~10:1; zip bombs 1000:1 and more
RATIO_FLOOR = MIB  # smaller members may compress as well as they like: they are harmless

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD_SEARCH = _EOCD_SIZE + 0xFFFF  # the record sits before a comment of at most 64 KiB
_CENTRAL_ENTRY_SIZE = 46  # fixed part of a central directory entry
_MAX_ENTRY_BYTES = 1024  # with its name: a long Chinese path is ~200 bytes


# ---------------------------------------------------------------- input limits


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}"


def check_size(size: int, file: str, problems: Problems) -> bool:
    """False (with an error naming the file and its size) when a file is over the limit."""
    if size <= MAX_FILE_BYTES:
        return True
    problems.error(
        "wb.file.too_large",
        file=file,
        name=file,
        megabytes=_megabytes(size),
        max_megabytes=MAX_FILE_BYTES // MIB,
    )
    return False


def check_path_size(path: Path, file: str, problems: Problems) -> bool:
    """`check_size` before reading a file from disk (a stat, not a read)."""
    return check_size(path.stat().st_size, file, problems)


def check_folder(files: list[Path], folder: str, problems: Problems) -> bool:
    """The CSV files of a folder on disk, before any is read (stats, not reads): at most
    MAX_FOLDER_FILES of them (the caller lists at most one more), each within
    MAX_FILE_BYTES, together within MAX_FOLDER_BYTES. False with the errors otherwise."""
    if len(files) > MAX_FOLDER_FILES:
        problems.error("wb.folder.too_many", file=folder, max_files=MAX_FOLDER_FILES)
        return False
    sizes = [p.stat().st_size for p in files]
    # Every file over the limit is named, not just the first.
    over = [
        p
        for p, size in zip(files, sizes, strict=True)
        if not check_size(size, f"{folder}/{p.name}", problems)
    ]
    ok = not over
    if ok and sum(sizes) > MAX_FOLDER_BYTES:
        problems.error(
            "wb.folder.too_big",
            file=folder,
            megabytes=_megabytes(sum(sizes)),
            max_megabytes=MAX_FOLDER_BYTES // MIB,
        )
        return False
    return ok


def _declared_entries(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end-of-archive record, or None.

    Read before `zipfile` builds one object per entry: a hostile archive may declare
    millions of them in a few megabytes.
    """
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SEARCH))
    if at < 0 or len(data) - at < _EOCD_SIZE:
        return None
    entries, cd_size = struct.unpack_from("<HI", data, at + 10)
    return entries, cd_size


def unsafe_name(name: str) -> bool:
    """An entry that would land outside the folder it is unpacked into, or has no name
    (zipfile cuts a name at its first NUL byte)."""
    text = name.replace("\\", "/")
    if not text:
        return True
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return True
    return ".." in PurePosixPath(text).parts


def _inspect(infos: list[zipfile.ZipInfo], file: str, problems: Problems) -> bool:
    """Every archive rule; each broken rule is reported once."""
    ok = True
    if len(infos) > MAX_MEMBERS:
        problems.error("wb.zip.too_many", file=file, members=len(infos), max_members=MAX_MEMBERS)
        ok = False
    unsafe = next((i.filename for i in infos if unsafe_name(i.filename)), None)
    if unsafe is not None:
        problems.error("wb.zip.unsafe_path", file=file, value=unsafe, entry=unsafe)
        ok = False
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        problems.error(
            "wb.zip.too_big",
            file=file,
            megabytes=_megabytes(total),
            max_megabytes=MAX_UNCOMPRESSED_BYTES // MIB,
        )
        ok = False
    bomb = next(
        (
            i
            for i in infos
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1)
        ),
        None,
    )
    if bomb is not None:
        problems.error(
            "wb.zip.ratio",
            file=file,
            value=bomb.filename,
            entry=bomb.filename,
            ratio=bomb.file_size // max(bomb.compress_size, 1),
            max_ratio=MAX_RATIO,
        )
        ok = False
    return ok


def open_archive(data: bytes, file: str, problems: Problems) -> zipfile.ZipFile | None:
    """The archive once it passed every hostile-file check; else None with the errors.

    An archive `zipfile` cannot open at all is reported as `wb.file.bad_zip`.
    """
    declared = _declared_entries(data)
    if declared is not None:
        entries, cd_size = declared
        if entries > MAX_MEMBERS or cd_size > MAX_MEMBERS * _MAX_ENTRY_BYTES:
            most = max(entries, cd_size // _CENTRAL_ENTRY_SIZE)
            problems.error("wb.zip.too_many", file=file, members=most, max_members=MAX_MEMBERS)
            return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # "zip file version 6.4": a header from an unknown tool
        struct.error,
        OSError,
        ValueError,
        EOFError,
    ):
        problems.error("wb.file.bad_zip", file=file)
        return None
    if not _inspect(infos, file, problems):
        archive.close()
        return None
    return archive


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, problems: Problems
) -> bytes | None:
    """A member's bytes; None (with an error) when encrypted, damaged or not decodable."""
    try:
        return archive.read(info)
    except (
        zipfile.BadZipFile,
        RuntimeError,  # encrypted: a password is required
        NotImplementedError,  # a compression method zipfile lacks (deflate64, ...)
        OSError,
        EOFError,
        ValueError,
        zlib.error,  # damaged deflate data
    ):
        problems.error("wb.file.bad_zip", file=file)
        return None


# ---------------------------------------------------------------- inert text out

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number ("-12.50") is no formula; Excel reads it as that number.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would evaluate (or treat as one) if typed into a cell."""
    return text.startswith(_FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None


def _needs_quote(text: str) -> bool:
    # Also quote text already starting with apostrophes before such a character, so that
    # `csv_unescape(csv_text(s)) == s` for every string s.
    rest = text.lstrip("'")
    return rest.startswith(_FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None


def csv_text(value: object) -> object:
    """A CSV cell: text that looks like a formula gets a leading apostrophe; others as is."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def csv_unescape(text: str) -> str:
    """The inverse of `csv_text` on text: drop the apostrophe it added."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_text(v) for v in values]


def csv_dict(row: Mapping[str, object]) -> dict[str, object]:
    return {k: csv_text(v) for k, v in row.items()}


def csv_unescape_dict(row: Mapping[str, str]) -> dict[str, str]:
    return {k: csv_unescape(v) if isinstance(v, str) else v for k, v in row.items()}


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are `csv_text`: for `DataFrame.to_csv`."""
    out = frame.copy()
    for column in out.select_dtypes(include=["object", "string"]).columns:
        out[column] = out[column].map(csv_text)
    return out


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read from a CSV written with `safe_frame`, its text as it was."""
    out = frame.copy()
    for column in out.select_dtypes(include=["object", "string"]).columns:
        out[column] = out[column].map(lambda v: csv_unescape(v) if isinstance(v, str) else v)
    return out


def inert_workbook(wb: Workbook) -> Workbook:
    """Every text cell stored as text: a string openpyxl took for a formula (it starts with
    `=`) becomes a string cell again; formula-like text gets Excel's quote prefix, so
    editing the cell in Excel keeps it text. The product never writes real formulas."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or not looks_like_formula(value):
                    continue
                cell.data_type = "s"
                cell.quotePrefix = True
    return wb


def save_workbook(wb: Workbook, target: Path | str | IO[bytes]) -> None:
    """`wb.save` after `inert_workbook`: the one way the product writes an xlsx."""
    inert_workbook(wb).save(target)
