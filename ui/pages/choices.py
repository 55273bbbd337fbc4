"""Page 选课 / Club choices: students' ranked choices -> club places, fair and explained.

The workflow is choices.service's (the command `afterschool allocate` calls the same
functions): this page picks the choices (the stored school's, or an uploaded choices sheet
checked through the workbook door), runs the allocation with the other two methods beside
it, shows the satisfaction figures, offers the files, stores the allocation as a new
version and can schedule the week with it (the Schedule page's background solve). With
the joint option (optimal method) the club slots are chosen with the places and the week
is made at once (choices.service.run_joint); saving then stores the allocation, the
allocated school and its checked week. What a refresh shows is the latest stored
allocation of the chosen school.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from choices import service
from choices.allocate import METHODS
from choices.letters import XLSX_MIME
from choices.report import SHARES, breakdown, seats_frame
from choices.upload import with_uploaded_choices
from domain.school import School
from scheduler.solve import SolveOptions
from scheduler.weights import Weights
from store.allocations import get_allocation_version
from store.db import database_url, session_scope
from store.errors import Forbidden, NotFound, StaleVersion
from store.rights import Actor
from ui import jobs, state
from ui.pages import schedule as schedule_page
from ui.state import tr, tr_or

LIVE_KEY = "_allocation"
UPLOAD_KEY = "_choices_upload"
SOURCES = ("stored", "upload")
MIMES = {
    "enrolments.csv": "text/csv",
    "letters.xlsx": XLSX_MIME,
    "letters.csv": "text/csv",
    "summary.md": "text/markdown",
}


# ---------------------------------------------------------------- the choices


def uploaded_school(school: School, version: int) -> School | None:
    """The school with an uploaded choices sheet, once it reads without errors."""
    upload = st.file_uploader(tr("choices.ui.upload"), type=["xlsx", "csv"], key="choices_file")
    if upload is None:
        st.caption(tr("choices.ui.upload_help"))
        return None
    data = upload.getvalue()
    digest = f"{school.school_id}:{version}:{hashlib.sha256(data).hexdigest()}"
    cached = st.session_state.get(UPLOAD_KEY)
    if cached is None or cached[0] != digest:  # read each chosen file once
        cached = (digest, with_uploaded_choices(school, upload.name, data))
        st.session_state[UPLOAD_KEY] = cached
    result = cached[1]
    if result.problems.errors:
        st.error(tr("choices.ui.upload_invalid", n=len(result.problems.errors)))
    if result.problems.items:
        state.problems_table(result.problems.items)
    if result.school is None:
        return None
    st.success(tr("choices.ui.upload_ok", n=len(result.school.choices), name=upload.name))
    return result.school


def chosen_school(school: School, version: int) -> tuple[School | None, str]:
    """The school whose choices are allocated, and where its choices came from."""
    labels = {s: tr(f"choices.ui.source.{s}") for s in SOURCES}  # fixed at render time
    source = st.radio(
        tr("choices.ui.source"),
        SOURCES,
        format_func=labels.__getitem__,
        horizontal=True,
        key="choices_source",
    )
    if source == "upload":
        return uploaded_school(school, version), source
    if not school.choices:
        st.info(tr("choices.ui.no_choices"))
        return None, source
    students = len({c.student_id for c in school.choices})
    st.caption(tr("choices.ui.stored_choices", n=len(school.choices), students=students))
    return school, source


def run_form(school: School | None, source: str, version: int) -> None:
    with st.form("allocate_form"):
        left, right = st.columns(2)
        labels = {m: tr(f"choices.method.{m}") for m in METHODS}
        method = left.selectbox(
            tr("choices.ui.method"),
            METHODS,
            format_func=labels.__getitem__,
            key="allocate_method",
        )
        seed = right.number_input(
            tr("choices.ui.seed"), min_value=0, max_value=2**31 - 1, value=0, key="allocate_seed"
        )
        st.caption(tr("choices.ui.method_help"))
        joint = st.checkbox(
            tr("choices.ui.joint"),
            value=False,
            key="allocate_joint",
            help=tr("choices.ui.joint_help"),
        )
        go_now = st.form_submit_button(
            tr("choices.ui.run"), type="primary", disabled=school is None, key="allocate"
        )
    if go_now and school is not None:
        bar = st.progress(0.0, text=tr("choices.ui.running"))

        def progress(method_done: str, done: int, total: int) -> None:
            label = tr(f"choices.method.{method_done}")
            bar.progress(
                done / total, text=tr("choices.ui.step", method=label, done=done, total=total)
            )

        scheduled = None
        if joint and method == "optimal":
            outcome, scheduled = service.run_joint(school, int(seed), week_options(), progress)
        else:
            outcome = service.run_allocation(school, method, int(seed), progress=progress)
        bar.empty()
        st.session_state[LIVE_KEY] = {
            "school_id": school.school_id,
            "version": version,
            "source": source,
            "outcome": outcome,
            "scheduled": scheduled,
        }


def week_options() -> SolveOptions:
    """The Schedule page's time limit (10 s unless set there), default weights."""
    return SolveOptions(time_limit=float(st.session_state.get("time_limit", 10)), weights=Weights())


# ---------------------------------------------------------------- the result


def comparison_figure(frame: pd.DataFrame, share: str, method: str) -> go.Figure:
    """The three shares per method, bars side by side (values in [0, 1])."""
    fig = px.bar(
        frame,
        x="share",
        y="value",
        color="method",
        barmode="group",
        text_auto=".1%",
        labels={"share": share, "value": "", "method": method},
    )
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return fig


def _shares(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    shown = frame.copy()
    for k in SHARES:
        shown[k] = (100 * shown[k]).round(1)
    return shown.rename(columns={key: tr(f"choices.col.{key}"), **_labels()})


def _labels() -> dict[str, str]:
    keys = ("students", "seats", "first_choices", "choices", "granted", "left", "name", *SHARES)
    return {k: tr("choices.ui.col.name") if k == "name" else tr(f"choices.col.{k}") for k in keys}


def result_section(outcome: service.AllocationOutcome, title: str) -> None:
    st.subheader(title)
    chosen = outcome.summary
    cols = st.columns(5)
    cols[0].metric(tr("choices.col.students"), chosen.students)
    for col, key in zip(cols[1:4], SHARES, strict=True):
        col.metric(tr(f"choices.col.{key}"), f"{getattr(chosen, key):.1%}")
    cols[4].metric(tr("choices.col.seats_left"), chosen.seats_left)
    if outcome.joint is not None:
        st.info(joint_text(outcome))
    st.markdown(f"**{tr('choices.ui.compare')}**")
    frame = service.comparison_frame(outcome.summaries, state.lang())
    st.plotly_chart(
        comparison_figure(frame, tr("choices.ui.share"), tr("choices.col.method")),
        key="choices_chart",
    )
    table = pd.DataFrame(
        [
            {
                tr("choices.col.method"): tr(f"choices.method.{s.method}"),
                **{tr(f"choices.col.{k}"): round(100 * getattr(s, k), 1) for k in SHARES},
                tr("choices.col.seats_left"): s.seats_left,
            }
            for s in outcome.summaries
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", key="choices_compare")
    st.caption(tr("choices.ui.percent_note") + " " + tr("choices.summary.fcfs_note"))
    tabs = st.tabs([tr(f"choices.summary.by.{by}") for by in ("grade", "group_id", "priority")])
    for tab, by in zip(tabs, ("grade", "group_id", "priority"), strict=True):
        with tab:
            st.dataframe(_shares(breakdown(outcome.allocation, by), by), hide_index=True)
    st.markdown(f"**{tr('choices.summary.seats')}**")
    seats = seats_frame(outcome.allocation).rename(columns=_labels())
    st.dataframe(seats, hide_index=True, width="stretch", key="choices_seats")
    downloads(outcome)


def joint_text(outcome: service.AllocationOutcome) -> str:
    """How the joint mode found its week, and the allocation against the bound."""
    info = outcome.joint
    assert info is not None
    if info.at_bound:
        bound = tr("choices.joint.at_bound")
    else:
        first, now = f"{info.upper.first:.1%}", f"{outcome.summary.first:.1%}"
        bound = tr("choices.joint.below_bound", first=first, now=now)
    return (
        f"{tr(f'choices.joint.path.{info.path}')}\n\n{bound}\n\n{tr('choices.summary.same_week')}"
    )


def downloads(outcome: service.AllocationOutcome) -> None:
    language = state.lang()
    files: dict[str, bytes] = {}

    def data(name: str):
        def make() -> bytes:  # written when a button is clicked, once per render
            if not files:
                files.update(service.allocation_files(outcome, language))
            return files[name]

        return make

    stem = f"{outcome.school.school_id}_{outcome.allocation.method}_{outcome.allocation.seed}"
    for col, name in zip(st.columns(len(service.FILES)), service.FILES, strict=True):
        col.download_button(
            tr(f"choices.ui.dl.{name}"), data(name), f"{stem}_{name}", MIMES[name], key=f"dl_{name}"
        )


# ---------------------------------------------------------------- store and schedule


def save(outcome: service.AllocationOutcome, source: str, version: int) -> tuple[int, int] | None:
    """Store the allocation (uploaded choices first, as a new school version, if `version`
    is still the latest): the allocation's version and the school's latest version."""
    label = "ui:choices" if source == "stored" else "ui:choices upload"
    try:
        with state.session() as session:
            saved, head, created = service.store_allocation(
                session, outcome, label, expected_version=version
            )
    except (StaleVersion, Forbidden) as refused:
        st.error(refused.message(state.lang()))
        return None
    return saved.version, head.version if created else version


def schedule_with(outcome: service.AllocationOutcome, allocation_version: int, latest: int) -> None:
    """Store the school with the allocated enrolments (if `latest` is still its latest
    version) and solve its week in the background on the Schedule page, which stores the
    checked week as for any solve."""
    try:
        with state.session() as session:
            head = service.store_enrolled(session, outcome, allocation_version, latest)
    except (StaleVersion, Forbidden) as refused:
        st.error(refused.message(state.lang()))
        return
    options = SolveOptions(
        time_limit=float(st.session_state.get("time_limit", 10)), weights=Weights()
    )
    job = jobs.Job("solve", outcome.school.school_id, head.id)  # type: ignore[arg-type]
    work = schedule_page.solve_work(outcome.enrolled, options, None)
    st.session_state[jobs.JOB_KEY] = jobs.start(job, work)
    state.choose_school(outcome.school.school_id)  # a page switch may reset the picker
    st.switch_page("ui/pages/schedule.py")


def joint_actions(live: dict[str, Any], may_write: bool, may_schedule: bool) -> None:
    """The joint mode's result: the week's verdict, then save the allocation alone or the
    allocation with its checked week (one transaction, against the version shown)."""
    outcome, scheduled = live["outcome"], live["scheduled"]
    if scheduled.checked:
        st.success(tr("choices.ui.week_ok", sessions=len(scheduled.schedule.sessions)))
    else:
        status = scheduled.report.status
        st.warning(tr("choices.ui.week_none", status=tr_or(f"export.status.{status}", status)))
    left, right = st.columns(2)
    store_now = left.button(tr("choices.ui.save"), disabled=not may_write, key="save_allocation")
    store_week = right.button(
        tr("choices.ui.save_joint"),
        disabled=not (may_write and may_schedule and scheduled.checked),
        key="save_joint",
    )
    if store_now:
        saved = save(outcome, live["source"], live["version"])
        if saved is not None:
            st.session_state.pop(LIVE_KEY, None)
            state.flash("success", tr("choices.ui.saved", version=saved[0]))
            st.rerun()
    if store_week:
        label = "ui:choices joint" if live["source"] == "stored" else "ui:choices upload joint"
        try:
            with state.session() as session:
                saved, _, week = service.store_joint(
                    session, outcome, scheduled, label, expected_version=live["version"]
                )
        except (StaleVersion, Forbidden) as refused:
            st.error(refused.message(state.lang()))
            return
        st.session_state.pop(LIVE_KEY, None)
        state.flash(
            "success", tr("choices.ui.saved_joint", version=saved.version, week=week.version)
        )
        st.rerun()


def live_actions(live: dict[str, Any], may_write: bool, may_schedule: bool) -> None:
    if live.get("scheduled") is not None:
        joint_actions(live, may_write, may_schedule)
        return
    outcome = live["outcome"]
    busy = st.session_state.get(jobs.JOB_KEY) is not None
    left, right = st.columns(2)
    store_now = left.button(tr("choices.ui.save"), disabled=not may_write, key="save_allocation")
    store_and_schedule = right.button(
        tr("choices.ui.save_schedule"),
        disabled=not (may_write and may_schedule) or busy,
        key="save_and_schedule",
    )
    if store_now or store_and_schedule:
        saved = save(outcome, live["source"], live["version"])
        if saved is None:
            return
        st.session_state.pop(LIVE_KEY, None)
        state.flash("success", tr("choices.ui.saved", version=saved[0]))
        if store_and_schedule:
            schedule_with(outcome, *saved)
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=16)
def _stored(url: str, school_id: str, version: int, _actor: Actor) -> service.AllocationOutcome:
    with session_scope(state.engine(), actor=_actor) as session:
        return service.stored_outcome(session, school_id, version)[0]


def latest_stored(school_id: str) -> tuple[service.AllocationOutcome, int] | None:
    """The newest stored allocation of a school and its version, or None."""
    try:
        with state.session() as session:
            head = get_allocation_version(session, school_id)  # the rights check, cache hits too
    except NotFound:
        return None
    return _stored(database_url(), school_id, head.version, state.actor()), head.version


# ---------------------------------------------------------------- page


def render() -> None:
    st.header(tr("ui.nav.choices"))
    summary = state.need_school()
    school, version, _ = state.school(summary.school_id)
    st.caption(tr("choices.ui.school", name=school.info.name, version=version))
    may_write = state.may("allocation.write", summary.school_id)
    may_schedule = state.may("schedule.write", summary.school_id) and state.may(
        "school.write", summary.school_id
    )
    if not may_write:
        st.caption(tr("ui.auth.read_only"))
    chosen, source = chosen_school(school, version) if may_write else (None, "stored")
    if may_write:
        run_form(chosen, source, version)
    live = st.session_state.get(LIVE_KEY)
    if live and (live["school_id"], live["version"]) == (summary.school_id, version):
        result_section(live["outcome"], tr("choices.ui.live"))
        live_actions(live, may_write, may_schedule)
        return
    stored = latest_stored(summary.school_id)
    if stored is None:
        st.info(tr("choices.ui.none_stored"))
        return
    outcome, stored_version = stored
    result_section(outcome, tr("choices.ui.stored", version=stored_version))
    # An allocation of older data would undo later changes if scheduled: allocate again.
    current = outcome.school == school or outcome.enrolled == school
    if not current:
        st.warning(tr("choices.ui.outdated"))
    busy = st.session_state.get(jobs.JOB_KEY) is not None
    if may_schedule and st.button(
        tr("choices.ui.schedule"), key="schedule_stored", disabled=busy or not current
    ):
        schedule_with(outcome, stored_version, version)


if __name__ == "__main__":
    render()
