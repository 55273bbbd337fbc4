"""What every page shares: the database, the user, the language, the school, cached reads.

Nothing lives in module globals: per-user state is in `st.session_state` (mirrored in the
URL so a refresh keeps language and school), durable work is in the database, and the
caches below are keyed by database URL plus immutable version numbers, so they can never
serve a stale school. Every unit of work runs for the session's actor (`session()`): the
logged-in user, or the local administrator while no account exists; the store checks its
rights, and a cached read is only reached after a rights-checked query of the same school.
"""

from __future__ import annotations

import io
import tempfile
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.problems import Problem
from domain.schedule import Schedule
from domain.school import School
from i18n import DEFAULT_LANG, LANGS, TABLE, t
from store.accounts import current_actor, has_accounts
from store.db import PROJECT_ROOT, database_url, ready_engine, session_scope
from store.importer import import_paths
from store.rights import Actor, can
from store.schedules import get_schedule_version, load_schedule
from store.schools import (
    NotFound,
    SchoolSummary,
    get_version,
    list_schools,
    load_school,
    load_school_version,
)
from workbook import spec
from workbook.reader import ReadResult, read_school_bytes
from workbook.safety import save_workbook
from workbook.writer import write_xlsx

SAMPLE_COUNTY = PROJECT_ROOT / "data" / "sample_county"
SAMPLE_EVIDENCE = PROJECT_ROOT / "data" / "sample_evidence"  # the sample county's ratings
LANG_KEY = "lang"
SCHOOL_KEY = "school_id"
PENDING_SCHOOL = "_pending_school"
FLASH = "_flash"
ACTOR_KEY = "_actor"
# Who the app runs as on a machine with no account yet (the README's first start).
LOCAL_ADMIN = Actor("local", "admin")
# The sheets a principal edits in place (the others change through an upload).
EDITABLE_SHEETS = ("teachers", "groups", "activities", "rooms")


# ---------------------------------------------------------------- language


def lang() -> str:
    value = st.session_state.get(LANG_KEY)
    return value if value in LANGS else DEFAULT_LANG


def tr(key: str, **params: object) -> str:
    """`i18n.t` in the session's language."""
    return t(key, lang(), **params)


def tr_or(key: str, fallback: str, **params: object) -> str:
    """A key another area owns (status or term names); its raw name if not translated yet."""
    return tr(key, **params) if key in TABLE else fallback


def init_from_url() -> None:
    """On a new session, take language and school from the URL (a refresh keeps both)."""
    if LANG_KEY not in st.session_state:
        wanted = st.query_params.get(LANG_KEY, DEFAULT_LANG)
        st.session_state[LANG_KEY] = wanted if wanted in LANGS else DEFAULT_LANG
    if SCHOOL_KEY not in st.session_state and st.query_params.get("school"):
        st.session_state[SCHOOL_KEY] = st.query_params["school"]


def flash(kind: str, text: str) -> None:
    """A message that survives the st.rerun() after a save."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind:
        getattr(st, kind)(text)


# ---------------------------------------------------------------- database


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return ready_engine(url)


def engine() -> Engine:
    """The engine of `DATABASE_URL` (or the default SQLite file), tables created."""
    return _engine(database_url())


# ---------------------------------------------------------------- the user


def accounts_exist() -> bool:
    """Whether any account exists; then everyone logs in (one cheap query per run)."""
    with session_scope(engine()) as s:
        return has_accounts(s)


def logged_in() -> Actor | None:
    """The logged-in user, re-read from the database each run (disabled: logged out)."""
    chosen: Actor | None = st.session_state.get(ACTOR_KEY)
    if chosen is None:
        return None
    with session_scope(engine()) as s:
        fresh = current_actor(s, chosen.username)
    if fresh is None:
        st.session_state.pop(ACTOR_KEY, None)
    else:
        st.session_state[ACTOR_KEY] = fresh  # a changed role or school applies at once
    return fresh


def actor() -> Actor:
    """Who this run acts for: the logged-in user, else the local admin if no account exists.

    app.main asks for a login before any page runs, so the stop below is a safety net.
    """
    found = logged_in()
    if found is not None:
        return found
    if not accounts_exist():
        return LOCAL_ADMIN
    st.warning(tr("ui.auth.required"))
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises


def log_in(found: Actor) -> None:
    st.session_state[ACTOR_KEY] = found


def log_out() -> None:
    st.session_state.pop(ACTOR_KEY, None)


def session() -> AbstractContextManager[Session]:
    """A unit of work for this run's actor (rights are checked in the store)."""
    return session_scope(engine(), actor=actor())


def may(action: str, school_id: str | None = None) -> bool:
    """Whether this run's actor may do `action` (for showing or hiding controls)."""
    return can(actor(), action, school_id)


@st.cache_resource(show_spinner=False)
def _import_lock(url: str) -> threading.Lock:
    # Two browser tabs opening a fresh database must not both import the county.
    return threading.Lock()


def ensure_sample_county() -> None:
    """Import the bundled sample county on first start, with a visible progress bar.

    Only on a machine with no account yet (run as the local administrator): a deployment
    with accounts starts with the schools its users import.
    """
    url = database_url()
    if accounts_exist():
        return
    with _import_lock(url):
        if schools():
            return
        bar = st.progress(0.0, text=tr("ui.import.start"))

        def progress(done: int, total: int, _result: ReadResult) -> None:
            bar.progress(done / total, text=tr("ui.import.progress", done=done, total=total))

        # workers=1: forking a process pool inside the threaded server is not safe.
        result = import_paths(engine(), [SAMPLE_COUNTY], progress, workers=1, actor=LOCAL_ADMIN)
        bar.empty()
        if not result.ok:
            st.error(tr("ui.import.failed", errors=len(result.errors)))
            problems_table(result.errors)
            st.stop()
        flash("success", tr("ui.import.done", schools=len(result.versions)))


def schools() -> list[SchoolSummary]:
    """Latest version of every school the user may see (one query, never cached: it changes)."""
    with session() as s:
        return list_schools(s)


def school_label(s: SchoolSummary) -> str:
    return f"{s.school_id} {s.name}"


def current_summary() -> SchoolSummary | None:
    chosen = st.session_state.get(SCHOOL_KEY)
    return next((s for s in schools() if s.school_id == chosen), None)


def choose_school(school_id: str) -> None:
    """Select a school from inside a page (the picker widget already exists: defer)."""
    st.session_state[PENDING_SCHOOL] = school_id


def apply_pending_school() -> None:
    if PENDING_SCHOOL in st.session_state:
        st.session_state[SCHOOL_KEY] = st.session_state.pop(PENDING_SCHOOL)


@st.cache_data(show_spinner=False, max_entries=64)
def _school(url: str, school_id: str, version: int, _actor: Actor) -> School:
    with session_scope(_engine(url), actor=_actor) as s:
        return load_school(s, school_id, version)


def school(school_id: str, version: int | None = None) -> tuple[School, int, int]:
    """(School, version, school_version_id): latest by default; cached per version."""
    with session() as s:
        head = get_version(s, school_id, version)  # the rights check, also for cache hits
    loaded = _school(database_url(), school_id, head.version, actor())
    return loaded, head.version, head.id  # type: ignore[return-value]


@st.cache_data(show_spinner=False, max_entries=64)
def _school_of_version(url: str, school_version_id: int, _actor: Actor) -> School:
    with session_scope(_engine(url), actor=_actor) as s:
        return load_school_version(s, school_version_id)


def school_of_version(school_version_id: int) -> School:
    """The School a stored schedule was made from (never changes: cached forever).

    Reached after `latest_schedule` checked the same school's rights.
    """
    return _school_of_version(database_url(), school_version_id, actor())


@dataclass(frozen=True)
class StoredSchedule:
    schedule: Schedule
    version: int
    school_version_id: int
    status: str
    report: dict


@st.cache_data(show_spinner=False, max_entries=64)
def _schedule(url: str, school_id: str, version: int, _actor: Actor) -> StoredSchedule:
    with session_scope(_engine(url), actor=_actor) as s:
        sched, head = load_schedule(s, school_id, version)
        return StoredSchedule(sched, head.version, head.school_version_id, head.status, head.report)


def latest_schedule(school_id: str) -> StoredSchedule | None:
    """The newest stored schedule of a school (what a refresh shows), or None."""
    try:
        with session() as s:
            head = get_schedule_version(s, school_id)  # the rights check, also for cache hits
    except NotFound:
        return None
    return _schedule(database_url(), school_id, head.version, actor())


# ---------------------------------------------------------------- the workbook door


@st.cache_data(show_spinner=False, max_entries=32)
def sheet_frames(url: str, school_id: str, version: int, language: str) -> dict[str, pd.DataFrame]:
    """Every sheet of a stored school as the cells of its workbook (text as typed).

    Written by `workbook.writer` and read back cell by cell, so what the editor shows is
    exactly what a principal would see in Excel; index = spreadsheet row number.
    """
    return frames_of(_school(url, school_id, version, actor()), language)


def frames_of(school_value: School, language: str) -> dict[str, pd.DataFrame]:
    """Sheet key -> the sheet's cells as text (None for blank), index = workbook row."""
    wb = load_workbook(io.BytesIO(workbook_bytes(school_value, language)), read_only=True)
    out: dict[str, pd.DataFrame] = {}
    for sheet in spec.SHEETS:
        rows = [list(r) for r in wb[sheet_title(sheet, language)].iter_rows(values_only=True)]
        header, body = rows[0], rows[1:]
        frame = pd.DataFrame(
            [[None if v is None else str(v) for v in r] for r in body],
            columns=[str(h) for h in header],
            dtype=object,
        )
        frame.index = range(2, len(frame) + 2)
        out[sheet.key] = frame
    wb.close()
    return out


def sheet_title(sheet: spec.Sheet, language: str) -> str:
    return sheet.alias if language == "zh" else sheet.key


def workbook_bytes(school_value: School, language: str) -> bytes:
    """The school as a contract workbook (writer.write_xlsx), in memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(school_value, Path(folder) / "school.xlsx", lang=language)
        return path.read_bytes()


def revalidate(
    school_value: School, edited: dict[str, pd.DataFrame], language: str, name: str
) -> ReadResult:
    """Put edited sheets into the school's workbook and read it through the one door.

    The workbook is written by `workbook.writer`; each edited sheet's data rows are then
    replaced by the edited cells; `read_school_bytes` applies exactly the upload rules.
    """
    wb = load_workbook(io.BytesIO(workbook_bytes(school_value, language)))
    for key, frame in edited.items():
        ws = wb[sheet_title(spec.SHEET_BY_KEY[key], language)]
        if ws.max_row > 1:
            ws.delete_rows(2, ws.max_row - 1)
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    save_workbook(wb, buffer)  # an edited cell "=..." stays text
    # The door picks the format by the name: this is a workbook whatever `name` says.
    return read_school_bytes(f"{name}.xlsx", buffer.getvalue())


def _cell(value: object) -> object:
    """An edited cell as Excel would hold it: blank is empty, text is trimmed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- shared widgets


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    language = lang()
    return pd.DataFrame(
        [
            {
                tr("ui.problem.severity"): t(f"severity.{p.severity}", language),
                tr("ui.problem.sheet"): p.sheet or p.file or "",
                tr("ui.problem.row"): "" if p.row is None else str(p.row),
                tr("ui.problem.column"): p.column or "",
                tr("ui.problem.value"): p.value or "",
                tr("ui.problem.message"): p.message(language),
            }
            for p in problems
        ]
    )


def problems_table(problems: list[Problem]) -> None:
    st.dataframe(problems_frame(problems), hide_index=True, width="stretch")


def need_school() -> SchoolSummary:
    """The chosen school, or stop the page with a hint."""
    summary = current_summary()
    if summary is None:
        st.info(tr("ui.no_school"))
        st.stop()
    return summary  # type: ignore[return-value]
