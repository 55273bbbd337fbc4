"""Write a Schedule to files: the contract CSV, an xlsx with printable views, calendars, a summary.

Every function here is pure apart from writing the file it is asked to write. The CSV and
the xlsx `assignments` sheet are the contract's schedule file ("The schedule file" in
shared/data-contract.md); the other sheets and files are views for people.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from domain.schedule import SCHEDULE_COLUMNS, UNSTAFFED_COLUMNS, Placed, Schedule
from domain.school import DAY_NAMES_EN, School, minutes, parse_basic_activity_id
from i18n import TABLE, t
from scheduler.penalties import TERMS, penalties
from workbook.safety import csv_dict, save_workbook
from workbook.spec import DAY_NAMES_ZH

UNSTAFFED_FILE = "unstaffed.csv"  # beside schedule.csv: the sessions a partial plan left
BOM_UTF8 = "utf-8-sig"  # Excel on Windows needs the BOM to read UTF-8 as UTF-8
TZID = "Asia/Shanghai"

# --- The contract's files -----------------------------------------------------------------


def _write_csv(path: Path | str, columns: Iterable[str], rows: Iterable[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=BOM_UTF8, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(csv_dict(row) for row in rows)  # formula-like text made inert
    return path


def export_seconds(school: School) -> float:
    """About how long writing a schedule's files and checking them takes (the command keeps
    this much of its time limit for it): the xlsx grids dominate, about 1 s per 1,000
    sessions on the benchmark machine; counted generously, twice that."""
    sessions = sum(a.sessions_per_week for a in school.activities)
    sessions += sum(len(g.basic_slots) for g in school.groups)
    return 0.5 + 0.002 * sessions


def write_schedule_csv(schedule: Schedule, path: Path | str) -> Path:
    """`schedule.csv`: one row per teacher per session, in the contract's columns."""
    return _write_csv(path, SCHEDULE_COLUMNS, schedule.rows())


def unstaffed_rows(schedule: Schedule) -> list[dict[str, object]]:
    """Rows of `unstaffed.csv`; a blank cell where a session has no day or slot."""
    ordered = sorted(schedule.unstaffed, key=lambda u: (u.activity_id, u.index))
    return [
        {
            "session_id": u.session_id,
            "activity_id": u.activity_id,
            "session": u.index,
            "kind": u.kind,
            "day": "" if u.day is None else u.day,
            "slot_id": u.slot_id or "",
            "missing": u.missing,
        }
        for u in ordered
    ]


def write_unstaffed_csv(schedule: Schedule, path: Path | str) -> Path:
    """`unstaffed.csv` of a partial plan: the sessions it could not staff."""
    return _write_csv(path, UNSTAFFED_COLUMNS, unstaffed_rows(schedule))


def read_unstaffed_csv(path: Path | str) -> set[tuple[str, int]]:
    """(activity_id, session) of an `unstaffed.csv`: the sessions a declared partial plan
    could not staff, which the checker excuses. ValueError naming the file, the row and
    the cells when a row is not in the contract's form (or the file cannot be decoded)."""
    from scheduler.check import read_schedule_csv  # the same decoding as a schedule file

    path = Path(path)
    excused = set()
    for line, row in enumerate(read_schedule_csv(path), start=2):
        aid, index = (row.get("activity_id") or "").strip(), (row.get("session") or "").strip()
        if not aid or not index.isdigit():
            raise ValueError(f"{path.name}, row {line}: activity_id={aid!r}, session={index!r}")
        excused.add((aid, int(index)))
    return excused


def schedule_from_rows(school_id: str, rows: list[dict[str, str]]) -> Schedule:
    """The inverse of `Schedule.rows()`: rows of a schedule file back to a Schedule.

    Rows are grouped by session_id; the first row of a session gives its place and time.
    """
    first: dict[str, dict[str, str]] = {}
    teachers: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        sid = row["session_id"]
        first.setdefault(sid, row)
        if row.get("teacher_id"):
            teachers[sid].append(row["teacher_id"])
    sessions = tuple(
        Placed(
            activity_id=row["activity_id"],
            index=int(row["session"]),
            kind=row["kind"],
            day=int(row["day"]),
            slot_id=row["slot_id"],
            start=row["start"],
            end=row["end"],
            room_id=row["room_id"],
            teacher_ids=tuple(sorted(teachers[sid])),
        )
        for sid, row in first.items()
    )
    return Schedule(school_id, sessions)


def write_report_json(path: Path | str, report: dict, **extra: object) -> Path:
    """`report.json`: the solve report plus whatever identifies the run (inputs hash...)."""
    path = Path(path)
    payload = {**extra, "report": report}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- Names people read --------------------------------------------------------------------


def day_name(day: int, lang: str) -> str:
    return (DAY_NAMES_EN if lang == "en" else DAY_NAMES_ZH)[day - 1]


def activity_name(school: School, activity_id: str, lang: str = "zh") -> str:
    """An activity's `name`; basic sessions read "基础托管" / "Basic care"."""
    if parse_basic_activity_id(activity_id) is not None:
        return t("export.basic", lang)
    activity = school.activity_by_id.get(activity_id)
    return activity.name if activity else activity_id


def session_title(school: School, p: Placed, lang: str = "zh") -> str:
    """Activity name, with the class for basic care (a teacher must know which class)."""
    gid = parse_basic_activity_id(p.activity_id)
    name = activity_name(school, p.activity_id, lang)
    return f"{name} {gid}" if gid is not None else name


def teacher_name(school: School, teacher_id: str) -> str:
    teacher = school.teacher_by_id.get(teacher_id)
    return teacher.name if teacher else teacher_id


def room_name(school: School, room_id: str) -> str:
    room = school.room_by_id.get(room_id)
    return room.name if room else room_id


def teacher_names(school: School, p: Placed) -> str:
    return "、".join(teacher_name(school, tid) for tid in p.teacher_ids)


def minutes_of(p: Placed) -> int:
    return minutes(p.end) - minutes(p.start)


# --- The xlsx workbook --------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 15  # points per text line, to size grid rows
# A grid cell takes one named style instead of three or four style objects: openpyxl hashes
# every style object it is given, which was most of the time spent writing a large school's
# grids (1,000 sessions: 1.5 s).
GRID_STYLES = {
    "grid_head": {"font": Font(bold=True), "fill": HEADER_FILL, "border": BOX, "alignment": CENTER},
    "grid_time": {"font": Font(bold=True), "border": BOX, "alignment": CENTER},
    "grid_cell": {"border": BOX, "alignment": WRAP},
}


def _add_grid_styles(wb: Workbook) -> None:
    for name, parts in GRID_STYLES.items():
        wb.add_named_style(NamedStyle(name=name, **parts))


def write_schedule_xlsx(
    school: School, schedule: Schedule, path: Path | str, lang: str = "zh"
) -> Path:
    """`assignments` (the contract's table) plus weekly grids per class, teacher and room."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    _add_grid_styles(wb)
    _assignments_sheet(wb.active, schedule)
    for view, blocks in _views(school, schedule, lang):
        ws = wb.create_sheet(t(f"export.sheet.{view}", lang))
        heading = t(
            "export.heading", lang, school=school.info.name, view=t(f"export.sheet.{view}", lang)
        )
        _grid_sheet(ws, school, heading, blocks, lang)
    save_workbook(wb, path)
    return path


def _assignments_sheet(ws: Worksheet, schedule: Schedule) -> None:
    ws.title = "assignments"
    ws.append(list(SCHEDULE_COLUMNS))
    for row in schedule.rows():
        ws.append([row[c] for c in SCHEDULE_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, _ in enumerate(SCHEDULE_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


# A block is (title, sessions, cell text of a session).
Block = tuple[str, list[Placed], Callable[[Placed], str]]


def _views(school: School, schedule: Schedule, lang: str) -> list[tuple[str, list[Block]]]:
    """The three views; teachers and rooms without a session are left out (saves paper)."""
    by_class: dict[str, list[Placed]] = defaultdict(list)
    by_teacher: dict[str, list[Placed]] = defaultdict(list)
    by_room: dict[str, list[Placed]] = defaultdict(list)
    for p in schedule.sessions:
        gid = parse_basic_activity_id(p.activity_id)
        activity = school.activity_by_id.get(p.activity_id)
        for g in [gid] if gid is not None else (activity.groups if activity else ()):
            by_class[g].append(p)
        for tid in p.teacher_ids:
            by_teacher[tid].append(p)
        by_room[p.room_id].append(p)

    def in_class(p: Placed) -> str:
        name = activity_name(school, p.activity_id, lang)
        return f"{name}\n{room_name(school, p.room_id)}\n{teacher_names(school, p)}"

    def of_teacher(p: Placed) -> str:
        return f"{session_title(school, p, lang)}\n{room_name(school, p.room_id)}"

    def in_room(p: Placed) -> str:
        return f"{session_title(school, p, lang)}\n{teacher_names(school, p)}"

    classes = [
        (t("export.block.class", lang, name=g.group_id), by_class[g.group_id], in_class)
        for g in school.groups
    ]
    teachers = [
        (
            t("export.block.teacher", lang, name=teacher_name(school, tid), id=tid),
            by_teacher[tid],
            of_teacher,
        )
        for tid in _ordered(by_teacher, [x.teacher_id for x in school.teachers])
    ]
    rooms = [
        (
            t("export.block.room", lang, name=room_name(school, rid), id=rid),
            by_room[rid],
            in_room,
        )
        for rid in _ordered(by_room, [r.room_id for r in school.rooms])
    ]
    return [("class", classes), ("teacher", teachers), ("room", rooms)]


def _ordered(present: dict[str, list], school_order: list[str]) -> list[str]:
    """Keys in the school's order, then any unknown ones sorted (they still get printed)."""
    known = [k for k in school_order if k in present]
    return known + sorted(set(present) - set(known))


def _periods(school: School) -> list[tuple[str, str]]:
    """Rows of a grid: each distinct (start, end) of the week's slots, in time order."""
    return sorted({(s.start, s.end) for s in school.slots})


def _days(school: School) -> list[int]:
    """Columns of a grid: Monday to Friday, plus the weekend if the school has slots there."""
    last = max([5, *(s.day for s in school.slots)])
    return list(range(1, last + 1))


def _grid_sheet(
    ws: Worksheet, school: School, heading: str, blocks: list[Block], lang: str
) -> None:
    periods, days = _periods(school), _days(school)
    width = len(days) + 1
    ws.append([heading])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    row = 3
    for n, block in enumerate(blocks):
        if n:
            ws.row_breaks.append(Break(id=row - 1))  # one block per printed page
        row = _grid_block(ws, row, block, periods, days, lang) + 2
    ws.column_dimensions["A"].width = 14
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 24
    _page_setup(ws)


def _grid_block(
    ws: Worksheet,
    row: int,
    block: Block,
    periods: list[tuple[str, str]],
    days: list[int],
    lang: str,
) -> int:
    """Write one titled weekly grid at `row`; returns the last row used."""
    title, sessions, text = block
    width = len(days) + 1
    ws.cell(row, 1, title).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    header = [t("export.time", lang), *(day_name(d, lang) for d in days)]
    for col, value in enumerate(header, 1):
        ws.cell(row + 1, col, value).style = "grid_head"
    cells: dict[tuple[tuple[str, str], int], list[str]] = defaultdict(list)
    for p in sorted(sessions, key=lambda p: (p.day, p.start, p.activity_id, p.index)):
        cells[(p.start, p.end), p.day].append(text(p))
    for i, period in enumerate(periods):
        r = row + 2 + i
        ws.cell(r, 1, f"{period[0]}-{period[1]}").style = "grid_time"
        lines = 1
        for col, day in enumerate(days, 2):
            value = "\n\n".join(cells.get((period, day), []))
            ws.cell(r, col, value or None).style = "grid_cell"
            lines = max(lines, value.count("\n") + 1)
        ws.row_dimensions[r].height = LINE_HEIGHT * max(2, lines)
    return row + 1 + len(periods)


def _page_setup(ws: Worksheet) -> None:
    """Landscape A4, fit to one page wide, the sheet heading and time column on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    ws.print_options.horizontalCentered = True


# --- iCalendar (RFC 5545), written by hand -------------------------------------------------

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        room = limit if not parts else limit - 1
        if size + n > room:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += n
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(day: date, hhmm: str) -> str:
    return f"{day:%Y%m%d}T{hhmm.replace(':', '')}00"


def teacher_calendar(
    school: School, schedule: Schedule, teacher_id: str, week_start: date, stamp: datetime
) -> str:
    """One teacher's week as an iCalendar text (CRLF line ends, folded lines)."""
    name = teacher_name(school, teacher_id)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//afterschool//schedule export//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics_escape(t('export.calendar', 'zh', teacher=name))}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    mine = [p for p in schedule.sessions if teacher_id in p.teacher_ids]
    for p in sorted(mine, key=lambda p: (p.day, p.start, p.activity_id, p.index)):
        lines += _vevent(school, p, teacher_id, week_start + timedelta(days=p.day - 1), stamp)
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def _vevent(school: School, p: Placed, teacher_id: str, day: date, stamp: datetime) -> list[str]:
    others = [teacher_name(school, x) for x in p.teacher_ids if x != teacher_id]
    description = f"{t('export.session', 'zh')} / {t('export.session', 'en')}: {p.session_id}"
    gid = parse_basic_activity_id(p.activity_id)
    if gid is not None:  # SUMMARY is the bare activity name; say which class here
        description += f"\n{t('export.block.class', 'zh', name=gid)} / " + t(
            "export.block.class", "en", name=gid
        )
    if others:
        with_ = f"{t('export.with', 'zh')} / {t('export.with', 'en')}"
        description += f"\n{with_}: {'、'.join(others)}"
    uid = f"{school.school_id}-{p.session_id}-{teacher_id}-{day:%Y%m%d}@afterschool"
    return [
        "BEGIN:VEVENT",
        f"UID:{ics_escape(uid)}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART;TZID={TZID}:{_local(day, p.start)}",
        f"DTEND;TZID={TZID}:{_local(day, p.end)}",
        f"SUMMARY:{ics_escape(activity_name(school, p.activity_id, 'zh'))}",
        f"LOCATION:{ics_escape(room_name(school, p.room_id))}",
        f"DESCRIPTION:{ics_escape(description)}",
        "END:VEVENT",
    ]


def write_teacher_ics(
    school: School,
    schedule: Schedule,
    folder: Path | str,
    week_start: date,
    stamp: datetime | None = None,
) -> list[Path]:
    """`<teacher_id>.ics` for every teacher of the school (empty week if no session).

    `week_start` is the Monday of the week (day 1); `stamp` is the DTSTAMP (default now),
    pass one to get byte-identical files.
    """
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start} is not a Monday")
    stamp = stamp or datetime.now(UTC)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ids = _ordered(
        {tid: [] for p in schedule.sessions for tid in p.teacher_ids}
        | {x.teacher_id: [] for x in school.teachers},
        [x.teacher_id for x in school.teachers],
    )
    paths = []
    for tid in ids:
        path = folder / f"{tid}.ics"
        text = teacher_calendar(school, schedule, tid, week_start, stamp)
        path.write_bytes(text.encode("utf-8"))  # bytes: keep CRLF exactly as written
        paths.append(path)
    return paths


# --- Summary ------------------------------------------------------------------------------


def _both(key: str, **params: object) -> str:
    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def teacher_loads(school: School, schedule: Schedule) -> dict[str, int]:
    """Minutes a week of every opted-in teacher (0 if unused) and of anyone scheduled."""
    loads = {x.teacher_id: 0 for x in school.teachers if x.opt_in}
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            loads[tid] = loads.get(tid, 0) + minutes_of(p)
    return loads


def summary_text(report, school: School, schedule: Schedule) -> str:
    """The Markdown of `summary.md` (both languages side by side)."""
    status = report.status
    status_text = _label(f"export.status.{status}", status)
    rows = [
        ("export.summary.status", status_text),
        ("export.summary.objective", _num(report.objective)),
        ("export.summary.bound", _num(report.bound)),
        ("export.summary.gap", "-" if report.gap is None else f"{report.gap:.2%}"),
        ("export.summary.seconds", _num(report.seconds)),
        ("export.summary.first", _num(report.first_solution_seconds)),
    ]
    out = [
        f"# {_both('export.summary.title')}: {school.info.name} ({school.school_id})",
        "",
        f"| {_both('export.summary.item')} | {_both('export.summary.value')} |",
        "|---|---|",
        *(f"| {_both(key)} | {value} |" for key, value in rows),
        "",
        f"## {_both('export.summary.terms')}",
        "",
        f"| {_both('export.summary.term')} | {_both('export.summary.value')} "
        f"| {_both('export.summary.weight')} | {_both('export.summary.weighted')} |",
        "|---|---:|---:|---:|",
    ]
    for name, term in report.terms.items():
        label = _label(f"export.term.{name}", name)
        out.append(
            f"| {label} (`{name}`) | {_num(term['value'])} | {_num(term['weight'])} "
            f"| {_num(term['weighted'])} |"
        )
    out += _penalty_lines(report, school, schedule)
    out += ["", f"## {_both('export.summary.size')}", "", *_size_lines(school, schedule), ""]
    return "\n".join(out)


PENALTIES_SHOWN = 15  # per term in the summary; penalties.csv has every item


def _penalty_lines(report, school: School, schedule: Schedule) -> list[str]:
    """The heaviest items of each term, named (class, teacher, day); see penalties.csv."""
    weights = report.weights or {}
    items = [p for p in penalties(school, schedule) if weights.get(p.term)]
    out = ["", f"## {_both('penalty.title')}", ""]
    if not items:
        return [*out, _both("penalty.none")]
    out += [
        f"| {_both('penalty.col.term')} | {_both('penalty.col.weighted')} "
        f"| {_both('penalty.col.what')} |",
        "|---|---:|---|",
    ]
    for term in TERMS:
        mine = sorted((p for p in items if p.term == term), key=lambda p: -p.amount * weights[term])
        for p in mine[:PENALTIES_SHOWN]:
            out.append(
                f"| `{term}` | {p.amount * weights[term]} | {p.message('zh')} / {p.message('en')} |"
            )
        if len(mine) > PENALTIES_SHOWN:
            out.append(f"| `{term}` | | … +{len(mine) - PENALTIES_SHOWN} (penalties.csv) |")
    return out


PENALTY_COLUMNS = (
    "term",
    "amount",
    "weight",
    "weighted",
    "teacher_id",
    "group_id",
    "day",
    "zh",
    "en",
)


def write_penalties_csv(
    school: School, schedule: Schedule, weights: dict[str, int], path: Path | str
) -> Path:
    """`penalties.csv`: every soft-rule penalty item, for sorting and filtering in Excel."""
    rows = [
        {
            "term": p.term,
            "amount": p.amount,
            "weight": weights.get(p.term, 0),
            "weighted": p.amount * weights.get(p.term, 0),
            "teacher_id": p.teacher_id or "",
            "group_id": p.group_id or "",
            "day": p.day or "",
            "zh": p.message("zh"),
            "en": p.message("en"),
        }
        for p in penalties(school, schedule)
    ]
    return _write_csv(path, PENALTY_COLUMNS, rows)


def _label(key: str, fallback: str) -> str:
    """Both languages of `key`, or the raw name for a term or status nobody translated yet."""
    return _both(key) if key in TABLE else fallback


def _size_lines(school: School, schedule: Schedule) -> list[str]:
    kinds = defaultdict(int)
    for p in schedule.sessions:
        kinds[p.kind] += 1
    loads = teacher_loads(school, schedule)
    opted = [x.teacher_id for x in school.teachers if x.opt_in]
    used = {tid for p in schedule.sessions for tid in p.teacher_ids}
    opted_loads = [loads[tid] for tid in opted] or [0]
    rows = [
        (
            "export.summary.sessions",
            f"{len(schedule.sessions)} ({kinds['basic']} / {kinds['extended']} "
            f"/ {kinds['self_study']})",
        ),
        (
            "export.summary.teacher_sessions",
            str(sum(len(p.teacher_ids) for p in schedule.sessions)),
        ),
        ("export.summary.teachers_used", f"{len(used)} / {len(opted)}"),
        ("export.summary.load", f"{min(opted_loads)} / {max(opted_loads)}"),
    ]
    if schedule.unstaffed:
        rows.append(("export.summary.unstaffed", str(len(schedule.unstaffed))))
    return [
        f"| {_both('export.summary.item')} | {_both('export.summary.value')} |",
        "|---|---|",
        *(f"| {_both(key)} | {value} |" for key, value in rows),
    ]


def write_summary(report, school: School, schedule: Schedule, path: Path | str) -> Path:
    """`summary.md`: status, objective term by term, bound, gap, time, sizes and loads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary_text(report, school, schedule), encoding="utf-8")
    return path
