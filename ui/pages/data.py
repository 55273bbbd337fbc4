"""Page 数据 / Data: template, upload through the validated door, view and edit sheets.

The page keeps showing the version a user opened until he reloads: his in-place edit is
saved with that version as `expected_version`, so if someone saved a newer one meanwhile
the save is refused (StaleVersion) and his edits stay in the editor. An upload of a school
the page has shown this user is checked the same way, against the version it showed when
he chose the file; an upload of a school it has not shown him appends, like the CLI import.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.school import School
from store.db import database_url
from store.errors import Forbidden, NotFound, StaleVersion
from store.schools import get_version, save_school, school_hash
from ui import state
from ui.state import tr
from workbook import spec
from workbook.reader import ReadResult, read_school_bytes
from workbook.template import write_template

UPLOAD_RESULT = "_data_upload"
EDIT_RESULT = "_data_edit"
OPENED = "_data_opened"  # school id -> the version this user opened (and edits)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False)
def template_bytes(language: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_template(Path(folder) / "template.xlsx", lang=language).read_bytes()


def save_if_new(
    school: School, source: str, expected_version: int | None = None
) -> tuple[bool, int]:
    """Store `school` as a new version unless it equals the latest; (saved, version).

    The save is its own unit of work (not the one that read the head): on SQLite a save
    must start its transaction to wait its turn behind another user's save.
    """
    try:
        with state.session() as session:
            head = get_version(session, school.school_id)
        if head.content_hash == school_hash(school):
            return False, head.version
    except NotFound:
        pass
    with state.session() as session:
        return True, save_school(session, school, source, expected_version).version


def opened_version(school_id: str, latest: int) -> int:
    """The version of `school_id` this user opened (the latest on first sight)."""
    opened = st.session_state.setdefault(OPENED, {})
    return min(opened.setdefault(school_id, latest), latest)


def open_version(school_id: str, version: int) -> None:
    st.session_state.setdefault(OPENED, {})[school_id] = version


def template_section() -> None:
    st.subheader(tr("ui.data.template"))
    st.caption(tr("ui.data.template_help"))
    left, right = st.columns(2)
    left.download_button(
        tr("ui.data.template_zh"),
        template_bytes("zh"),
        file_name="课后服务_学校模板.xlsx",
        mime=XLSX_MIME,
    )
    right.download_button(
        tr("ui.data.template_en"),
        template_bytes("en"),
        file_name="afterschool_template.xlsx",
        mime=XLSX_MIME,
    )


def upload_section() -> None:
    st.subheader(tr("ui.data.upload"))
    if not state.may("school.write", state.actor().school_id):
        st.info(tr("ui.auth.read_only"))
        return
    upload = st.file_uploader(tr("ui.data.upload_help"), type=["xlsx", "zip"], key="upload")
    if upload is not None:
        data = upload.getvalue()
        # The uploader keeps its file across reruns: read and save each chosen file once
        # (choosing the same file again, e.g. after a refusal, is a new upload).
        chosen = f"{upload.file_id}:{hashlib.sha256(data).hexdigest()}"
        if st.session_state.get(UPLOAD_RESULT, {}).get("digest") != chosen:
            result = read_school_bytes(upload.name, data)
            outcome = handle_upload(result)
            st.session_state[UPLOAD_RESULT] = {"digest": chosen, **outcome}
            if outcome.get("saved") or outcome.get("stale"):
                # The picker must show the new school, or the one whose newer version
                # refused the file (with the page's "load the latest version").
                st.rerun()
    outcome = st.session_state.get(UPLOAD_RESULT)
    if outcome and "ok" in outcome:
        show_outcome(outcome)


def upload_expected(school_id: str) -> int | None:
    """The version an upload of `school_id` must still find: the one this page shows the
    user (what he looked at when he chose the file); None if it never showed him it."""
    return st.session_state.get(OPENED, {}).get(school_id)


def handle_upload(result: ReadResult) -> dict:
    """An uploaded school, checked against the version the page showed (if any).

    Refused as stale, nothing is stored and the page turns to that school, whose newer
    version it then offers to load; the file must be chosen again to be saved.
    """
    if result.school is None:
        return handle_read(result)
    school_id = result.school.school_id
    outcome = handle_read(result, expected_version=upload_expected(school_id))
    if outcome.get("stale"):
        state.choose_school(school_id)
        outcome["hint"] = "ui.data.upload_stale"
    return outcome


def handle_read(result: ReadResult, expected_version: int | None = None) -> dict:
    """Save a valid school as a new version; the outcome a page shows for it."""
    if result.school is None:
        return {"ok": False, "problems": result.problems.items}
    try:
        saved, version = save_if_new(result.school, result.source, expected_version)
    except StaleVersion as refused:
        return {"ok": False, "refused": refused, "stale": True, "problems": []}
    except Forbidden as refused:
        return {"ok": False, "refused": refused, "problems": []}
    open_version(result.school.school_id, version)
    if saved:
        state.choose_school(result.school.school_id)
    return {
        "ok": True,
        "saved": saved,
        "school_id": result.school.school_id,
        "version": version,
        "problems": result.problems.warnings,
    }


def show_outcome(outcome: dict) -> None:
    if outcome.get("refused") is not None:
        st.error(outcome["refused"].message(state.lang()))
        if outcome.get("hint"):
            st.info(tr(outcome["hint"]))
    elif not outcome["ok"]:
        errors = [p for p in outcome["problems"] if p.severity == "error"]
        st.error(tr("ui.data.invalid", errors=len(errors)))
    elif outcome["saved"]:
        st.success(tr("ui.data.saved", school=outcome["school_id"], version=outcome["version"]))
    else:
        st.info(tr("ui.data.unchanged", school=outcome["school_id"], version=outcome["version"]))
    if outcome["problems"]:
        state.problems_table(outcome["problems"])


def sheets_section(school: School, version: int) -> None:
    language = state.lang()
    frames = state.sheet_frames(database_url(), school.school_id, version, language)
    st.subheader(tr("ui.data.sheets", name=school.info.name, version=version))
    st.caption(
        tr(
            "ui.data.sizes",
            teachers=len(school.teachers),
            groups=len(school.groups),
            activities=len(school.activities),
            rooms=len(school.rooms),
            slots=len(school.slots),
        )
    )
    editable = state.may("school.write", school.school_id)
    if not editable:
        st.caption(tr("ui.auth.read_only"))
    tabs = st.tabs([state.sheet_title(s, language) for s in spec.SHEETS])
    for tab, sheet in zip(tabs, spec.SHEETS, strict=True):
        with tab:
            if editable and sheet.key in state.EDITABLE_SHEETS:
                edit_form(school, sheet, frames[sheet.key], version)
            else:
                st.dataframe(frames[sheet.key], width="stretch")


def edit_form(school: School, sheet: spec.Sheet, frame: pd.DataFrame, version: int) -> None:
    """An in-place editor; saving re-reads the whole workbook through the upload door."""
    key = f"edit_{sheet.key}_{school.school_id}_{version}_{state.lang()}"
    with st.form(key, border=False):
        edited = st.data_editor(
            frame,
            key=f"{key}_editor",
            num_rows="dynamic",
            width="stretch",
            column_config={c: st.column_config.TextColumn(c) for c in frame.columns},
        )
        submitted = st.form_submit_button(tr("ui.data.validate_save"), type="primary")
    st.caption(tr("ui.data.edit_help"))
    if submitted:
        edited = edited.dropna(how="all")
        result = state.revalidate(
            school, {sheet.key: edited}, state.lang(), state.sheet_title(sheet, state.lang())
        )
        outcome = handle_edit(result, school.school_id, sheet.key, version)
        if outcome.get("saved"):
            state.flash(
                "success", tr("ui.data.saved", school=school.school_id, version=outcome["version"])
            )
            st.rerun()
        st.session_state[EDIT_RESULT] = {**outcome, "sheet": key}
    shown = st.session_state.get(EDIT_RESULT)
    if shown and shown["sheet"] == key:
        show_outcome(shown)


def handle_edit(result: ReadResult, school_id: str, sheet_key: str, opened: int) -> dict:
    """Save an edit of version `opened`; refused (StaleVersion) if the head moved."""
    if result.school is not None and result.school.school_id != school_id:
        # The school sheet is not edited here, so this cannot happen; refuse rather than fork.
        return {"ok": False, "problems": result.problems.items}
    source = f"ui:edit:{sheet_key}"
    return handle_read(ReadResult(result.school, result.problems, source), expected_version=opened)


def newer_version_notice(school_id: str, opened: int, latest: int) -> None:
    """Say that someone saved a newer version; loading it discards unsaved edits."""
    if opened >= latest:
        return
    st.warning(tr("ui.data.newer", school=school_id, opened=opened, latest=latest))
    if st.button(tr("ui.data.load_latest"), key="load_latest"):
        open_version(school_id, latest)
        st.session_state.pop(EDIT_RESULT, None)
        upload = st.session_state.get(UPLOAD_RESULT)
        if upload and upload.get("stale"):
            # The refusal is answered; still, the file in the uploader is not saved again
            # until it is chosen again.
            st.session_state[UPLOAD_RESULT] = {"digest": upload["digest"]}
        st.rerun()


def render() -> None:
    st.header(tr("ui.nav.data"))
    left, right = st.columns([1, 2])
    with left:
        template_section()
    with right:
        upload_section()
    st.divider()
    summary = state.need_school()
    opened = opened_version(summary.school_id, summary.version)
    newer_version_notice(summary.school_id, opened, summary.version)
    school, version, _ = state.school(summary.school_id, opened)
    sheets_section(school, version)


if __name__ == "__main__":
    render()
