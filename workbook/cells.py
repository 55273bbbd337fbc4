"""Parse one cell, per column type of the contract, into a domain value or an error.

Cells arrive as whatever openpyxl or the CSV module hands over (str, int, float, bool,
datetime, time, timedelta or None). Each parser is pure: it returns the normalised value,
or a `CellError` whose code is an i18n key (`wb.cell.*`) the reader turns into a Problem.
Full-width characters are folded (NFKC) only where the cell is a number, time or day;
ids and names are kept exactly as typed, apart from surrounding spaces.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from workbook import spec

# Spaces Excel users type around values, including the full-width (ideographic) one.
_SPACES = " \t\r\n\u3000\u00a0"
LIST_SEPARATORS = re.compile(r"[;；,，、]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_RATIO = re.compile(r"^(\d+)\s*:\s*(\d+)$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ZH_NUMERALS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_DAY_WORDS: dict[str, int] = {}
for _i, _zh in enumerate("一二三四五六日", start=1):
    for _prefix in ("周", "星期", "礼拜"):
        _DAY_WORDS[_prefix + _zh] = _i
for _prefix in ("周", "星期", "礼拜"):
    _DAY_WORDS[_prefix + "天"] = 7
    for _i in range(1, 8):
        _DAY_WORDS[f"{_prefix}{_i}"] = _i  # 周1, after NFKC also 周１
for _i, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    ),
    start=1,
):
    for _name in _names:
        _DAY_WORDS[_name] = _i


@dataclass(frozen=True)
class CellError:
    """Why a cell could not be read: an i18n key and its format parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


Parsed = object  # a parsed value, or a CellError


def strip(text: str) -> str:
    return text.strip(_SPACES)


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and strip(raw) == "")


def fold(text: str) -> str:
    """Full-width digits, colons and letters to ASCII, for numbers, times and days only."""
    return strip(unicodedata.normalize("NFKC", text))


def as_text(raw: object) -> str:
    """A cell as the text the principal sees: the number 7.0 is "7", a time is "HH:MM"."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="minutes")
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    if isinstance(raw, str):
        return strip(raw)
    return "" if raw is None else str(raw)


def parse_id(raw: object) -> Parsed:
    """Ids are text; Excel's number 7 (or 7.0) reads "7", text "007" stays "007"."""
    return as_text(raw)


def parse_text(raw: object) -> Parsed:
    return as_text(raw)


def _number(raw: object) -> float | CellError:
    """A finite number from a number cell or text such as "45" or "45.0"."""
    if isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        return CellError("wb.cell.number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = fold(str(raw)).replace(",", "") if _is_grouped(str(raw)) else fold(str(raw))
        if not _NUMBER.match(text):
            return CellError("wb.cell.number")
        value = float(text)
    if not math.isfinite(value):
        return CellError("wb.cell.number")
    if value < 0:
        return CellError("wb.cell.negative")
    return value


def _is_grouped(text: str) -> bool:
    """ "1,200" written with thousands separators (only ASCII commas in groups of three)."""
    return re.fullmatch(r"\s*\d{1,3}(,\d{3})+(\.\d+)?\s*", text) is not None


def parse_int(raw: object) -> Parsed:
    value = _number(raw)
    if isinstance(value, CellError):
        return value
    if not value.is_integer():
        return CellError("wb.cell.integer")
    return int(value)


def parse_number(raw: object) -> Parsed:
    value = _number(raw)
    if isinstance(value, CellError):
        return value
    return value


def parse_ratio(raw: object) -> Parsed:
    """`45` or `1:45` (also `1：45`); Excel may have turned a typed 1:45 into a time."""
    if isinstance(raw, dt.time):
        if raw.hour == 1 and raw.second == 0 and raw.minute > 0:
            return raw.minute
        return CellError("wb.cell.ratio")
    if isinstance(raw, str):
        match = _RATIO.match(fold(raw))
        if match:
            left, right = int(match.group(1)), int(match.group(2))
            if left == 0 or right % left:
                return CellError("wb.cell.ratio")
            return right // left
    value = parse_int(raw)
    if isinstance(value, CellError) and value.code == "wb.cell.number":
        return CellError("wb.cell.ratio")
    return value


def parse_day(raw: object) -> Parsed:
    """1-7 (Monday = 1), 周一..周日, 星期一..星期日 (also 周天/星期天, English names)."""
    if isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        return CellError("wb.cell.day")
    if isinstance(raw, (int, float)):
        day: float = float(raw)
    else:
        text = fold(str(raw)).lower()
        if text in _DAY_WORDS:
            return _DAY_WORDS[text]
        if not _NUMBER.match(text):
            return CellError("wb.cell.day")
        day = float(text)
    if not day.is_integer() or not 1 <= day <= 7:
        return CellError("wb.cell.day_range")
    return int(day)


def _hhmm(hours: int, mins: int) -> Parsed:
    if not (0 <= hours <= 23 and 0 <= mins <= 59):
        return CellError("wb.cell.time")
    return f"{hours:02d}:{mins:02d}"


def parse_time(raw: object) -> Parsed:
    """HH:MM (also H:MM, HH:MM:SS, full-width colon, Excel time cells) -> "HH:MM"."""
    if isinstance(raw, dt.datetime):
        return _hhmm(raw.hour, raw.minute)
    if isinstance(raw, dt.time):
        return _hhmm(raw.hour, raw.minute)
    if isinstance(raw, dt.timedelta):
        total = round(raw.total_seconds() / 60)
        return _hhmm(total // 60, total % 60)
    if isinstance(raw, float) and not isinstance(raw, bool) and 0 <= raw < 1:
        # A time Excel kept as a day fraction (cell formatted as General).
        total = round(raw * 24 * 60)
        return _hhmm(total // 60, total % 60)
    if not isinstance(raw, str):
        return CellError("wb.cell.time")
    match = _TIME.match(fold(raw).replace(" ", ""))
    if not match:
        return CellError("wb.cell.time")
    if match.group(3) is not None and int(match.group(3)) > 59:
        return CellError("wb.cell.time")
    return _hhmm(int(match.group(1)), int(match.group(2)))


def parse_date(raw: object) -> Parsed:
    """YYYY-MM-DD, 2026/9/1, 2026年9月1日 or an Excel date cell -> datetime.date."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        return CellError("wb.cell.date")
    match = _DATE.match(fold(raw))
    if not match:
        return CellError("wb.cell.date")
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return CellError("wb.cell.date")


def parse_bool(raw: object) -> Parsed:
    """yes/no, y/n, true/false, 1/0, 是/否 (any case) and real Excel booleans."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw in (0, 1):
            return bool(raw)
        return CellError("wb.cell.bool")
    text = fold(as_text(raw)).lower()
    if text in spec.YES_WORDS:
        return True
    if text in spec.NO_WORDS:
        return False
    return CellError("wb.cell.bool")


def split_list(raw: object) -> tuple[str, ...]:
    """Items separated by ; ； , ， or 、, stripped, empty items dropped."""
    items = (strip(item) for item in LIST_SEPARATORS.split(as_text(raw)))
    return tuple(item for item in items if item)


def parse_list(raw: object) -> Parsed:
    return split_list(raw)


def _grade(item: str) -> int | None:
    text = fold(item)
    text = text.removesuffix("年级")
    if text in _ZH_NUMERALS:
        return _ZH_NUMERALS[text]
    if _NUMBER.match(text) and float(text).is_integer():
        return int(float(text))
    return None


def parse_grades(raw: object) -> Parsed:
    """1-12 or a list of them (a multi-grade class, 复式班)."""
    if isinstance(raw, bool):
        return CellError("wb.cell.grade")
    items = split_list(raw)
    grades = tuple(_grade(item) for item in items)
    if not grades or any(g is None or not 1 <= g <= 12 for g in grades):
        return CellError("wb.cell.grade")
    return grades


def _label_key(labels: dict[str, tuple[str, ...]], raw: object) -> str | None:
    """The English key a cell names, by key (any case, `-`/space for `_`) or Chinese label."""
    text = as_text(raw)
    folded = fold(text).lower()
    as_key = re.sub(r"[\s\-]+", "_", folded)
    for key, names in labels.items():
        if as_key == key or text in names or folded in (fold(n).lower() for n in names):
            return key
    return None


def enum_choices(column: spec.Column) -> str:
    """Accepted values of an enum column, for the error message."""
    labels = column.enum or {}
    return ", ".join(f"{key} {names[0]}" for key, names in labels.items())


def parse_enum(column: spec.Column, raw: object) -> Parsed:
    key = _label_key(column.enum or {}, raw)
    if key is None:
        return CellError("wb.cell.enum", {"choices": enum_choices(column)})
    return key


def parse_room_type(column: spec.Column, raw: object) -> Parsed:
    """A known room type maps to its key; any other text is kept as typed."""
    return _label_key(column.enum or {}, raw) or as_text(raw)


_SIMPLE: dict[str, Callable[[object], Parsed]] = {
    spec.ID: parse_id,
    spec.TEXT: parse_text,
    spec.INT: parse_int,
    spec.NUMBER: parse_number,
    spec.RATIO: parse_ratio,
    spec.DAY: parse_day,
    spec.TIME: parse_time,
    spec.DATE: parse_date,
    spec.BOOL: parse_bool,
    spec.LIST: parse_list,
    spec.ID_LIST: parse_list,
    spec.GRADES: parse_grades,
}


def parse_cell(column: spec.Column, raw: object) -> Parsed:
    """A non-blank cell of `column` -> its value, or a CellError."""
    if column.type == spec.ENUM:
        return parse_enum(column, raw)
    if column.type == spec.ROOM_TYPE:
        return parse_room_type(column, raw)
    parser = _SIMPLE.get(column.type)
    if parser is None:
        raise ValueError(f"unknown column type {column.type!r} in {column.key}")
    return parser(raw)
