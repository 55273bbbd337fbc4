"""Page 补助 / Subsidies: evidence + policy -> hour-only vs quality-weighted, budget-exact.

The workflow is compensation.service's (the command `afterschool subsidies` calls the same
functions): this page chooses the evidence and the policy, shows the outcome and offers the
payroll. A computed run is stored, so a refresh shows the latest run of the school from the
database; payroll files are made from the live result of this session.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from compensation import service
from compensation.allocate import yuan
from compensation.compare import gains, hourly_yuan, location_hourly_yuan
from compensation.errors import CompensationError
from compensation.evidence import Evidence, evidence_template_bytes
from compensation.payroll import payroll_bytes
from compensation.policy import Policy, Term, load_policy_toml
from compensation.run import SubsidyResult
from compensation.schemes import BASELINE, DEFAULT
from domain.schedule import Schedule
from domain.school import LOCATIONS, School
from store.db import database_url
from ui import charts, state
from ui.state import SAMPLE_EVIDENCE, tr

SAMPLE_POLICY = SAMPLE_EVIDENCE / "policy.toml"
RESULT_KEY = "_subsidy_result"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The two schemes the page shows: today's practice and the run's main scheme (its amounts).
SCHEME_COLUMNS = ((BASELINE, "hour_only_fen"), (DEFAULT, "amount_fen"))


# ---------------------------------------------------------------- inputs


@st.cache_data(show_spinner=False)
def sample_policy() -> Policy:
    """The sample county's policy (term calendar included); defaults of the form."""
    return load_policy_toml(SAMPLE_POLICY)


@st.cache_data(show_spinner=False)
def evidence_template(language: str) -> bytes:
    return evidence_template_bytes(language)


@st.cache_data(show_spinner=False, max_entries=16)
def sample_evidence(
    url: str,
    school_id: str,
    version: int,
    schedule_version: int,
    term_id: str,
    _school: School,
    _schedule: Schedule | None,
    _term: Term,
) -> tuple[Evidence, Schedule]:
    """`service.sample_evidence`, cached per school version, schedule version and term."""
    return service.sample_evidence(_school, _schedule, _term)


@st.cache_data(show_spinner=False, max_entries=16)
def uploaded_evidence(digest: str, name: str, data: bytes, _school: School) -> Evidence:
    """`service.uploaded_evidence`, cached per file content."""
    return service.uploaded_evidence(name, data, _school)


def policy_form(base: Policy) -> Policy | None:
    """Budget, base rate, quality share, floor and caps; None until the form is sent."""
    with st.form("policy_form"):
        b, c = st.columns(2)
        mode = b.radio(
            tr("ui.sub.budget_mode"),
            ("rate", "fixed"),
            format_func=lambda m: tr(f"ui.sub.mode.{m}"),
            key="budget_mode",
        )
        budget = c.number_input(
            tr("ui.sub.budget"), min_value=0.0, value=None, step=1000.0, key="budget_yuan"
        )
        d, e, f, g = st.columns(4)
        rate = d.number_input(
            tr("ui.sub.base_rate"), min_value=0.0, value=base.base_rate_yuan, step=1.0
        )
        share = e.number_input(tr("ui.sub.quality_share"), 0.0, 1.0, base.quality_pool_share, 0.05)
        floor = f.number_input(
            tr("ui.sub.floor"), min_value=0.0, value=base.floor_per_hour_yuan, step=1.0
        )
        cap = g.number_input(
            tr("ui.sub.cap"), min_value=0.0, value=base.cap_per_hour_yuan, step=1.0
        )
        cap_term = st.number_input(
            tr("ui.sub.cap_term"), min_value=0.0, value=base.cap_per_term_yuan, step=100.0
        )
        sent = st.form_submit_button(tr("ui.sub.compute"), type="primary", key="compute")
    if not sent:
        return None
    if mode == "fixed" and budget is None:
        st.warning(tr("ui.sub.need_budget"))
        return None
    return dataclasses.replace(
        base,
        budget_mode=mode,
        budget_yuan=budget if mode == "fixed" else None,
        base_rate_yuan=rate,
        quality_pool_share=share,
        floor_per_hour_yuan=floor,
        cap_per_hour_yuan=cap or None,
        cap_per_term_yuan=cap_term or None,
    )


# ---------------------------------------------------------------- compute and store


def compute(
    school: School, policy: Policy, evidence: Evidence, schedule: Schedule
) -> service.SubsidyOutcome | None:
    """The school's subsidies, stored; None (with the reasons shown) if they cannot be paid."""
    try:
        return service.subsidies_for_school(school, policy, evidence, schedule, store=state.session)
    except CompensationError as exc:
        st.error(exc.message(state.lang()))
        if exc.located:
            state.problems_table(exc.located)
        return None


def stored_table(school_id: str) -> service.StoredSubsidies | None:
    with state.session() as session:
        return service.latest_stored(session, school_id)


# ---------------------------------------------------------------- display


def totals_section(budget_fen: int, frame: pd.DataFrame) -> None:
    quality = int(frame["amount_fen"].sum())
    hour_only = int(frame["hour_only_fen"].sum())
    a, b, c, d = st.columns(4)
    a.metric(tr("ui.sub.budget_total"), yuan(budget_fen))
    b.metric(tr("ui.sub.hour_only_total"), yuan(hour_only))
    c.metric(tr("ui.sub.quality_total"), yuan(quality))
    d.metric(tr("ui.sub.teachers"), len(frame))
    if quality == budget_fen and hour_only == budget_fen:
        st.success(tr("ui.sub.exact", budget=yuan(budget_fen)))
    else:
        st.error(
            tr(
                "ui.sub.not_exact",
                budget=yuan(budget_fen),
                quality=yuan(quality),
                hour_only=yuan(hour_only),
            )
        )


def charts_section(frame: pd.DataFrame) -> None:
    paid = frame[frame["hours"] > 0].copy()
    if paid.empty:
        st.info(tr("ui.sub.no_hours"))
        return
    who = tr("ui.sub.col.teacher")
    hourly, scheme = tr("ui.sub.hourly"), tr("ui.sub.scheme")
    columns = {tr(f"ui.sub.scheme.{s}"): col for s, col in SCHEME_COLUMNS}
    long = pd.concat(
        [
            pd.DataFrame(
                {scheme: name, hourly: hourly_yuan(paid, col), "location": paid["location"]}
            )
            for name, col in columns.items()
        ],
        ignore_index=True,
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('ui.sub.distribution')}**")
        st.plotly_chart(charts.amount_histogram(long, hourly, scheme), key="sub_hist")
    with right:
        st.markdown(f"**{tr('ui.sub.gains')}**")
        diff = tr("ui.sub.diff")
        diff_fen = paid["amount_fen"] - paid["hour_only_fen"]
        bars = pd.DataFrame({who: paid["teacher_id"] + " " + paid["name"], diff: diff_fen / 100.0})
        st.plotly_chart(charts.gains_bars(bars, who, diff), key="sub_gains")
        moved = gains(diff_fen)
        st.caption(
            tr(
                "ui.sub.gain_count",
                up=moved["gainers"],
                down=moved["losers"],
                moved=f"{moved['moved_yuan']:.2f}",
            )
        )
    st.markdown(f"**{tr('ui.sub.locations')}**")
    loc = tr("ui.sub.location")
    averages = pd.DataFrame(
        [
            {scheme: name, loc: place, hourly: value}
            for name, col in columns.items()
            for place, value in sorted(location_hourly_yuan(paid, col).items())
        ]
    )
    averages[loc] = averages[loc].map(lambda x: tr(f"ui.loc.{x}") if x in LOCATIONS else str(x))
    st.plotly_chart(charts.location_bars(averages, loc, hourly, scheme), key="sub_loc")
    st.dataframe(averages.pivot(index=loc, columns=scheme, values=hourly).round(2), width="stretch")


def teachers_section(frame: pd.DataFrame) -> None:
    language = state.lang()
    st.markdown(f"**{tr('ui.sub.per_teacher')}**")
    table = pd.DataFrame(
        {
            tr("ui.sub.col.teacher"): frame["teacher_id"] + " " + frame["name"],
            tr("ui.sub.col.hours"): frame["hours"].round(1),
            tr("ui.sub.col.score"): frame["score5"].round(2),
            tr("ui.sub.col.multiplier"): frame["multiplier"].round(2),
            tr("ui.sub.scheme.hour_only"): frame["hour_only_fen"].map(yuan),
            tr("ui.sub.scheme.quality"): frame["amount_fen"].map(yuan),
            tr("ui.sub.diff"): (frame["amount_fen"] - frame["hour_only_fen"]).map(yuan),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    labels = dict(zip(frame["teacher_id"], frame["teacher_id"] + " " + frame["name"], strict=True))
    chosen = st.selectbox(
        tr("ui.sub.explain"), list(labels), format_func=labels.get, key="explain_teacher"
    )
    if chosen:
        row = frame[frame["teacher_id"] == chosen].iloc[0]
        st.info(row[f"reason_{language}"])


def payroll_section(result: SubsidyResult) -> None:
    language = state.lang()
    stem = f"{result.scope}_{result.term_id}_payroll"
    a, b = st.columns(2)
    # Deferred: the files are written when a button is clicked, not on every render.
    a.download_button(
        tr("ui.sub.dl_xlsx"),
        lambda: payroll_bytes(result, result.main_scheme, "xlsx", language),
        f"{stem}.xlsx",
        XLSX_MIME,
    )
    b.download_button(
        tr("ui.sub.dl_csv"),
        lambda: payroll_bytes(result, result.main_scheme, "csv", language),
        f"{stem}.csv",
        "text/csv",
    )


# ---------------------------------------------------------------- page


def evidence_choice(
    school: School, schedule: Schedule | None, schedule_version: int, version: int, term: Term
) -> Callable[[], tuple[Evidence, Schedule]] | None:
    """The evidence to use, as a loader called when computing; None if not ready."""
    source = st.radio(
        tr("ui.sub.evidence"),
        ("sample", "upload"),
        format_func=lambda s: tr(f"ui.sub.evidence.{s}"),
        horizontal=True,
        key="evidence_source",
    )
    if source == "sample":
        st.caption(tr("ui.sub.sample_help"))
        args = (database_url(), school.school_id, version, schedule_version, term.term_id)
        # Generated when Compute is pressed, not on render (a large school takes a second).
        return lambda: sample_evidence(*args, school, schedule, term)
    st.download_button(
        tr("ui.sub.evidence_template"),
        evidence_template(state.lang()),
        "evidence_template.xlsx",
        XLSX_MIME,
    )
    upload = st.file_uploader(
        tr("ui.sub.evidence_upload"), type=["xlsx", "zip"], key="evidence_upload"
    )
    if upload is None:
        return None
    data = upload.getvalue()
    evidence = uploaded_evidence(hashlib.sha256(data).hexdigest(), upload.name, data, school)
    if evidence.problems.items:
        if evidence.problems.errors:
            st.error(tr("ui.sub.evidence_invalid", errors=len(evidence.problems.errors)))
        state.problems_table(evidence.problems.items)
    if evidence.problems.errors:
        return None
    if schedule is None and evidence.log is None:
        st.warning(tr("ui.sub.need_schedule"))
        return None
    return lambda: (evidence, schedule)  # type: ignore[return-value]


def render() -> None:
    st.header(tr("ui.nav.subsidies"))
    summary = state.need_school()
    school, version, _ = state.school(summary.school_id)
    stored_schedule = state.latest_schedule(summary.school_id)
    schedule = stored_schedule.schedule if stored_schedule else None
    if stored_schedule is None:
        st.caption(tr("ui.sub.no_schedule"))
    else:
        st.caption(tr("ui.sub.with_schedule", version=stored_schedule.version))
    base = sample_policy()
    assert base.term is not None  # the sample policy has its calendar
    st.caption(tr("ui.sub.term", term=base.term.term_id, start=base.term.start, end=base.term.end))
    chosen = evidence_choice(
        school, schedule, stored_schedule.version if stored_schedule else 0, version, base.term
    )
    if state.may("subsidy.write", school.school_id):
        policy = policy_form(base)
    else:
        st.caption(tr("ui.auth.read_only"))
        policy = None
    if policy is not None and chosen is not None:
        evidence, plan = chosen()
        outcome = compute(school, policy, evidence, plan)
        if outcome is not None:
            st.session_state[RESULT_KEY] = (school.school_id, outcome)
    live = st.session_state.get(RESULT_KEY)
    if live and live[0] == school.school_id:
        result = live[1].result
        budget_fen, frame = result.budget_fen, live[1].teacher_table()
    else:
        result = None
        stored = stored_table(school.school_id)
        if stored is None:
            st.info(tr("ui.sub.none"))
            return
        st.caption(tr("ui.sub.stored", run=stored.run_id))
        budget_fen, frame = stored.budget_fen, stored.table
    totals_section(budget_fen, frame)
    charts_section(frame)
    teachers_section(frame)
    if result is not None:
        payroll_section(result)
    else:
        st.caption(tr("ui.sub.payroll_after"))


if __name__ == "__main__":
    render()
