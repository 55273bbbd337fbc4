"""Page 排课 / Schedule: solve in the background, check, view, pin, repair, download.

Nothing is solved while rendering: the Solve, Pin and Repair buttons start a background
job; the page polls it, stores the schedule as a new version and reruns, so what is shown
is always the latest stored schedule of the chosen school (a refresh shows the same).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import threading
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from domain.schedule import Schedule
from domain.school import Lock, School, parse_basic_activity_id
from scheduler.check import Violation, check, rows_of
from scheduler.instance import Instance
from scheduler.model import fair_shares, fairness_set
from scheduler.penalties import Penalty, penalties
from scheduler.repair import mark_unavailable
from scheduler.service import schedule_school
from scheduler.solve import SolveOptions
from scheduler.weights import Weights
from store.db import database_url
from store.errors import Forbidden, StaleVersion
from store.schedules import save_checked
from store.schools import save_school
from ui import charts, grids, jobs, state
from ui.state import StoredSchedule, tr, tr_or

FAILED_KEY = "_solve_failed"
# Weights of repair ("change") and of partial plans ("unstaffed") are not a school's choice.
INTERNAL_WEIGHTS = ("change", "unstaffed")
EDITABLE_WEIGHTS = tuple(n for n in Weights.names() if n not in INTERNAL_WEIGHTS)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- background work


def solve_work(school: School, options: SolveOptions, previous: Schedule | None) -> jobs.Work:
    """The job body: the scheduling workflow of scheduler.service (solve or repair, check,
    explain), as the command line runs it."""

    def work(progress: Any, stop: threading.Event) -> dict[str, Any]:
        opts = replace(options, progress=progress, stop=stop)
        outcome = schedule_school(school, opts, previous)
        return {
            "outcome": outcome,
            "schedule": outcome.schedule,
            "checked": outcome.checked,
            "violations": outcome.violations,
            "report": outcome.report.as_dict(),
            "changes": [{"zh": c.message("zh"), "en": c.message("en")} for c in outcome.changes],
            "reasons": outcome.reasons,
        }

    return work


def start_job(
    kind: str, school: School, school_version_id: int, previous: Schedule | None = None
) -> None:
    options = SolveOptions(
        time_limit=float(st.session_state.get("time_limit", 10)), weights=chosen_weights()
    )
    job = jobs.Job(kind, school.school_id, school_version_id)
    st.session_state[jobs.JOB_KEY] = jobs.start(job, solve_work(school, options, previous))
    st.session_state.pop(FAILED_KEY, None)
    st.rerun()


def chosen_weights() -> Weights:
    values = {
        n: int(st.session_state.get(f"w_{n}", getattr(Weights(), n))) for n in EDITABLE_WEIGHTS
    }
    return Weights().updated(values)


def watch(job: jobs.Job) -> None:
    """Progress of the running job, redrawn until it ends; then store and rerun."""
    st.info(tr(f"ui.sched.running.{job.kind}", school=job.school_id))
    st.button(tr("ui.sched.stop"), on_click=job.stop.set, key="stop", disabled=job.stop.is_set())
    numbers = st.empty()
    chart = st.empty()
    ticks = iter(range(1_000_000))

    def tick(j: jobs.Job) -> None:
        objective, bound = j.best()
        numbers.markdown(
            tr(
                "ui.sched.progress",
                seconds=f"{j.elapsed:.1f}",
                objective="-" if objective is None else f"{objective:g}",
                bound="-" if bound is None else f"{bound:g}",
            )
        )
        figure = charts.progress_figure(
            list(j.events), tr("ui.sched.objective"), tr("ui.sched.bound"), tr("ui.sched.seconds")
        )
        chart.plotly_chart(figure, key=f"progress_{next(ticks)}")

    jobs.wait(job, tick)
    finish(job)


def finish(job: jobs.Job) -> None:
    outcome = job.outcome or {}
    st.session_state.pop(jobs.JOB_KEY, None)
    if "error" in outcome:
        state.flash("error", tr("ui.sched.crashed", error=outcome["error"]))
    elif outcome["schedule"] is not None and not outcome["checked"]:
        # Only a schedule that passed the independent checker is stored (as on the CLI).
        found = outcome["violations"]
        lines = "\n".join(f"- {v.message(state.lang())}" for v in found[:50])
        state.flash("error", tr("ui.sched.not_stored", n=len(found)) + "\n\n" + lines)
    elif outcome["schedule"] is not None:
        extra = {"changes": outcome["changes"], "kind": job.kind}
        with state.session() as session:
            head = save_checked(session, outcome["outcome"], job.school_version_id, extra)
        state.flash("success", tr("ui.sched.saved", version=head.version))
    else:
        st.session_state[FAILED_KEY] = {
            "school_id": job.school_id,
            "status": outcome["report"]["status"],
            "stopped": outcome["report"].get("stopped", False),
            "reasons": outcome["reasons"],
        }
    st.rerun()


# ---------------------------------------------------------------- settings and actions


def settings_form(school: School, school_version_id: int, busy: bool) -> None:
    with st.form("solve_form"):
        st.markdown(f"**{tr('ui.sched.weights')}**")
        cols = st.columns(len(EDITABLE_WEIGHTS))
        defaults = Weights()
        for col, name in zip(cols, EDITABLE_WEIGHTS, strict=True):
            col.number_input(
                tr_or(f"ui.w.{name}", name),
                min_value=0,
                max_value=100_000,
                value=int(getattr(defaults, name)),
                step=1,
                key=f"w_{name}",
                help=tr_or(f"export.term.{name}", name),
            )
        st.number_input(
            tr("ui.sched.time_limit"),
            min_value=1,
            max_value=600,
            value=10,
            step=1,
            key="time_limit",
        )
        solve_now = st.form_submit_button(
            tr("ui.sched.solve"), type="primary", disabled=busy, key="solve"
        )
    if solve_now:
        start_job("solve", school, school_version_id)


def show_failure(school_id: str) -> None:
    failed = st.session_state.get(FAILED_KEY)
    if not failed or failed["school_id"] != school_id:
        return
    status = tr_or(f"export.status.{failed['status']}", failed["status"])
    st.error(tr("ui.sched.no_schedule", status=status))
    if failed["stopped"]:
        st.caption(tr("ui.sched.stopped"))
    if failed["reasons"]:
        st.markdown(f"**{tr('ui.sched.why')}**")
        st.markdown("\n".join(f"- {r.message(state.lang())}" for r in failed["reasons"]))
    elif failed["status"] == "infeasible":
        st.caption(tr("ui.sched.why_unknown"))


# ---------------------------------------------------------------- the stored schedule


@st.cache_data(show_spinner=False, max_entries=64)
def violations(
    url: str, school_id: str, version: int, _school: School, _schedule: Schedule
) -> list[Violation]:
    """The independent checker's verdict, once per stored schedule version."""
    return check(_school, rows_of(_schedule))


@st.cache_data(show_spinner=False, max_entries=64)
def shares(url: str, school_version_id: int, _school: School) -> dict[str, int]:
    """Each teacher's fair share of the week (minutes), as the model defines it."""
    inst = Instance(_school)
    return fair_shares(inst, fairness_set(inst))


def report_section(stored: StoredSchedule, school: School, current_version_id: int) -> None:
    report = stored.report
    st.subheader(tr("ui.sched.result", version=stored.version))
    if stored.school_version_id != current_version_id:
        st.warning(tr("ui.sched.outdated"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(tr("ui.sched.status"), tr_or(f"export.status.{stored.status}", stored.status))
    c2.metric(tr("ui.sched.objective"), _num(report.get("objective")))
    c3.metric(tr("ui.sched.bound"), _num(report.get("bound")))
    c4.metric(
        tr("ui.sched.gap"), "-" if report.get("gap") is None else f"{100 * report['gap']:.1f}%"
    )
    terms = report.get("terms", {})
    if terms:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("ui.sched.term"): tr_or(f"export.term.{name}", name),
                        tr("ui.sched.value"): v["value"],
                        tr("ui.sched.weight"): v["weight"],
                        tr("ui.sched.weighted"): v["weighted"],
                    }
                    for name, v in terms.items()
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        items = penalty_items(
            database_url(), school.school_id, stored.version, school, stored.schedule
        )
        penalty_table(items, {n: v["weight"] for n, v in terms.items()})
    found = violations(database_url(), school.school_id, stored.version, school, stored.schedule)
    if found:
        st.error(tr("ui.sched.check_failed", n=len(found)))
        st.markdown("\n".join(f"- {v.message(state.lang())}" for v in found[:50]))
    else:
        st.success(tr("ui.sched.check_ok", n=len(stored.schedule.sessions)))
    changes = report.get("changes") or []
    if report.get("kind") == "repair":
        st.markdown(f"**{tr('ui.sched.changes', n=len(changes))}**")
        st.markdown("\n".join(f"- {c[state.lang()]}" for c in changes) or tr("ui.sched.no_changes"))


@st.cache_data(show_spinner=False, max_entries=64)
def penalty_items(
    url: str, school_id: str, version: int, _school: School, _schedule: Schedule
) -> list[Penalty]:
    """Every soft-rule penalty of a stored schedule version."""
    return penalties(_school, _schedule)


def penalty_table(items: list[Penalty], weights: dict[str, int]) -> None:
    """Where the objective's points come from: every penalty item, heaviest first."""
    items = [p for p in items if weights.get(p.term)]
    with st.expander(tr("penalty.title") + f" ({len(items)})"):
        if not items:
            st.caption(tr("penalty.none"))
            return
        rows = [
            {
                tr("penalty.col.term"): tr_or(f"export.term.{p.term}", p.term),
                tr("penalty.col.weighted"): p.amount * weights[p.term],
                tr("penalty.col.what"): p.message(state.lang()),
            }
            for p in items
        ]
        frame = pd.DataFrame(rows).sort_values(tr("penalty.col.weighted"), ascending=False)
        st.dataframe(frame, hide_index=True, width="stretch")


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def grids_section(school: School, schedule: Schedule) -> None:
    language = state.lang()
    tabs = st.tabs([tr(f"ui.sched.view.{v}") for v in (*grids.VIEWS, "all")])
    for tab, view in zip(tabs, grids.VIEWS, strict=False):
        with tab:
            names = grids.entities(school, view)
            if not names:
                continue
            key = st.selectbox(
                tr(f"ui.sched.pick.{view}"), list(names), format_func=names.get, key=f"pick_{view}"
            )
            sessions = grids.sessions_of(school, schedule, view, key)
            st.dataframe(grids.grid(school, sessions, view, language), width="stretch")
    with tabs[-1]:
        frame = grids.sessions_frame(school, schedule, language)
        st.caption(tr("ui.sched.count", n=len(frame), expected=grids.expected_sessions(school)))
        st.dataframe(frame, hide_index=True, width="stretch", key="all_sessions")


def charts_section(school: School, schedule: Schedule, school_version_id: int) -> None:
    load = grids.load_frame(school, schedule, state.lang())
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('ui.sched.heatmap')}**")
        st.plotly_chart(charts.load_heatmap(load, tr("ui.sched.minutes")), key="heatmap")
    with right:
        st.markdown(f"**{tr('ui.sched.bars')}**")
        fair = shares(database_url(), school_version_id, school)
        labels = dict(zip([i.split(" ")[0] for i in load.index], load.index, strict=True))
        share = pd.Series({labels[k]: v for k, v in fair.items() if k in labels})
        st.plotly_chart(
            charts.load_bars(load.sum(axis=1), share, tr("ui.sched.load"), tr("ui.sched.fair")),
            key="bars",
        )


@st.cache_data(show_spinner=False, max_entries=16)
def export_bytes(
    url: str,
    school_id: str,
    version: int,
    language: str,
    kind: str,
    _school: School,
    _schedule: Schedule,
) -> bytes:
    """One download, written by scheduler.export: "csv", "xlsx" or "ics" (a zip)."""
    from scheduler.export import write_schedule_csv, write_schedule_xlsx, write_teacher_ics

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if kind == "csv":
            return write_schedule_csv(_schedule, folder / "s.csv").read_bytes()
        if kind == "xlsx":
            return write_schedule_xlsx(_school, _schedule, folder / "s.xlsx", language).read_bytes()
        today = dt.date.today()
        monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)  # this or next Monday
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in write_teacher_ics(_school, _schedule, folder / "ics", monday):
                archive.write(path, path.name)
        return buffer.getvalue()


def downloads_section(school: School, stored: StoredSchedule) -> None:
    try:
        import scheduler.export  # noqa: F401  (landed in parallel; absent in older trees)
    except ImportError:
        st.caption(tr("ui.sched.export_coming"))
        return

    def data(kind: str):
        # Deferred: files are written only when a button is clicked, never on render.
        args = (database_url(), school.school_id, stored.version, state.lang(), kind)
        return lambda: export_bytes(*args, school, stored.schedule)

    stem = f"{school.school_id}_schedule_v{stored.version}"
    a, b, c = st.columns(3)
    a.download_button(tr("ui.sched.dl_csv"), data("csv"), f"{stem}.csv", "text/csv")
    b.download_button(tr("ui.sched.dl_xlsx"), data("xlsx"), f"{stem}.xlsx", XLSX_MIME)
    c.download_button(tr("ui.sched.dl_ics"), data("ics"), f"{stem}_ics.zip", "application/zip")


def locks_for(schedule: Schedule, session_ids: set[str]) -> list[Lock]:
    """Locks that hold the chosen sessions where they are: slot, room and teachers."""
    out = []
    for p in schedule.sessions:
        if p.session_id not in session_ids:
            continue
        basic = parse_basic_activity_id(p.activity_id) is not None
        session = None if basic else p.index  # a basic session is named by its slot
        for tid in p.teacher_ids or (None,):
            out.append(Lock(p.activity_id, session, p.slot_id, p.room_id, tid))
    return out


def save_version(school: School, source: str, opened: int) -> int | None:
    """Validate a change of version `opened` through the workbook door and store it.

    Its version id; None (with the reason shown) if invalid, refused or stale.
    """
    result = state.revalidate(school, {}, state.lang(), source)
    if result.school is None:
        st.error(tr("ui.sched.change_invalid"))
        state.problems_table(result.problems.errors)
        return None
    try:
        with state.session() as session:
            return save_school(session, result.school, source, expected_version=opened).id
    except (StaleVersion, Forbidden) as refused:
        st.error(refused.message(state.lang()))
        return None


def pin_section(school: School, version: int, stored: StoredSchedule, busy: bool) -> None:
    st.markdown(f"**{tr('ui.sched.pin')}**")
    st.caption(tr("ui.sched.pin_help", n=len(school.locks)))
    frame = grids.sessions_frame(school, stored.schedule, state.lang())
    frame.insert(0, tr("ui.sched.pin_col"), False)
    with st.form("pin_form"):
        edited = st.data_editor(
            frame,
            hide_index=True,
            width="stretch",
            disabled=[c for c in frame.columns if c != tr("ui.sched.pin_col")],
            key="pin_editor",
        )
        pin_now = st.form_submit_button(tr("ui.sched.pin_solve"), disabled=busy, key="pin")
    unpin = st.button(tr("ui.sched.unpin"), disabled=busy or not school.locks, key="unpin")
    if pin_now:
        chosen = set(edited.loc[edited[tr("ui.sched.pin_col")].astype(bool), "session_id"])
        if not chosen:
            st.warning(tr("ui.sched.pin_none"))
            return
        new = [lk for lk in locks_for(stored.schedule, chosen) if lk not in school.locks]
        pinned = replace(school, locks=(*school.locks, *new))
        version_id = save_version(pinned, "ui:pin", version)
        if version_id is not None:
            start_job("pin", pinned, version_id)
    if unpin:
        unpinned = replace(school, locks=())
        version_id = save_version(unpinned, "ui:unpin", version)
        if version_id is not None:
            start_job("solve", unpinned, version_id)


def repair_section(school: School, version: int, stored: StoredSchedule, busy: bool) -> None:
    st.markdown(f"**{tr('ui.sched.repair')}**")
    st.caption(tr("ui.sched.repair_help"))
    teachers = {x.teacher_id: f"{x.teacher_id} {x.name}" for x in school.teachers if x.opt_in}
    with st.form("repair_form"):
        left, right = st.columns(2)
        tid = left.selectbox(tr("ui.sched.teacher"), list(teachers), format_func=teachers.get)
        day = right.selectbox(
            tr("ui.sched.day"),
            grids.days(school),
            format_func=lambda d: grids.day_label(d, state.lang()),
        )
        go = st.form_submit_button(
            tr("ui.sched.repair_go"), disabled=busy or not teachers, key="repair"
        )
    if go and tid:
        changed = mark_unavailable(school, tid, int(day))
        version_id = save_version(changed, "ui:unavailable", version)
        if version_id is not None:
            start_job("repair", changed, version_id, previous=stored.schedule)


# ---------------------------------------------------------------- page


def render() -> None:
    st.header(tr("ui.nav.schedule"))
    summary = state.need_school()
    school, version, version_id = state.school(summary.school_id)
    st.caption(tr("ui.sched.school", name=school.info.name, version=version))
    job: jobs.Job | None = st.session_state.get(jobs.JOB_KEY)
    may_solve = state.may("schedule.write", summary.school_id)
    may_change = may_solve and state.may("school.write", summary.school_id)
    if not may_solve:
        st.caption(tr("ui.auth.read_only"))
    busy = job is not None
    settings_form(school, version_id, busy or not may_solve)
    if job is not None:  # possibly of another school: it is stored against its own version
        watch(job)
    show_failure(summary.school_id)
    stored = state.latest_schedule(summary.school_id)
    if stored is None:
        st.info(tr("ui.sched.none"))
        return
    made_from = state.school_of_version(stored.school_version_id)
    report_section(stored, made_from, version_id)
    grids_section(made_from, stored.schedule)
    charts_section(made_from, stored.schedule, stored.school_version_id)
    downloads_section(made_from, stored)
    st.divider()
    left, right = st.columns(2)
    with left:
        pin_section(school, version, stored, busy or not may_change)
    with right:
        repair_section(school, version, stored, busy or not may_change)


if __name__ == "__main__":
    render()
