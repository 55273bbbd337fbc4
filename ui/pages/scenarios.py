"""Page 情景 / Scenarios: the bureau's what-if runs over the whole county.

Choose a preset, change its main levers (or upload a scenario TOML), run it over the
sample county in a background job with progress per school (and a Stop button), and
compare stored runs side by side in tables and charts; download the report (xlsx, HTML).
Runs are folders on disk next to the database, so a refresh keeps them; schedules are
cached per school, so money-only changes rerun in seconds. Nothing runs on render: only
the Run button starts work, and the report is built when its button is clicked.
"""

from __future__ import annotations

import hashlib
import time
import tomllib
from pathlib import Path
from typing import Any

import streamlit as st

from domain.problems import Problems
from scenarios.levers import MODES, SCHEMES, ScenarioError, build_scenario, presets, to_toml
from scenarios.pipeline import find_evidence
from scenarios.report import compare_tables, gap_note, quality_note, run_charts
from ui import scenario_view as view
from ui import state
from ui.state import SAMPLE_COUNTY, SAMPLE_EVIDENCE, lang, tr
from workbook.safety import check_size

RATE_PRESETS = (20.0, 35.0, 50.0)  # 元 per self-study session (domain notes)
STAGES = ("primary", "junior", "high")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------ the plan


def source() -> tuple[str, dict, str]:
    """(file stem, the scenario table, a token naming where it came from)."""
    choices = presets()
    labels = {n: state.tr_or(f"ui.scen.preset.{n}", n) for n in choices}
    name = st.selectbox(tr("ui.scen.preset"), list(choices), format_func=labels.get,
                        key="scen_preset")  # fmt: skip
    upload = st.file_uploader(tr("ui.scen.upload"), type=["toml"], key="scen_upload")
    if upload is None:
        return name, tomllib.loads(choices[name].read_text(encoding="utf-8")), name
    raw = upload.getvalue()
    too_big = Problems()
    if not check_size(len(raw), upload.name, too_big):
        st.error(too_big.items[0].message(lang()))
        return name, tomllib.loads(choices[name].read_text(encoding="utf-8")), name
    token = "up_" + hashlib.sha1(raw).hexdigest()[:10]
    try:
        return Path(upload.name).stem, tomllib.loads(raw.decode("utf-8")), token
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        st.error(tr("ui.scen.bad_toml", error=str(err)))
        return name, tomllib.loads(choices[name].read_text(encoding="utf-8")), name


def _share_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def lever_form(base: dict, token: str) -> dict:
    """Widgets for the main levers; returns the scenario table with the edits applied.

    Widget keys carry the source token, so choosing another preset or uploading a file
    shows that plan's values. Empty number fields leave the plan's value (e.g. a fee table
    by location, participation "as written") untouched.
    """
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    meta = data.setdefault("scenario", {})
    service, high = data.setdefault("service", {}), data.setdefault("high_school", {})
    fees, subsidy = data.setdefault("fees", {}), data.setdefault("subsidy", {})
    participation = data.setdefault("participation", {})

    # Labels looked up now, not inside format_func (AppTest calls it outside the run).
    stage_names = {s: tr(f"ui.scen.stage.{s}") for s in STAGES}
    mode_names = {m: tr(f"ui.scen.mode.{m}") for m in MODES}
    scheme_names = {m: tr(f"ui.scen.scheme.{m}") for m in SCHEMES}

    def key(name: str) -> str:
        return f"scen_{token}_{name}"

    shown = meta.get("name_zh" if lang() == "zh" else "name_en") or meta.get("id", "")
    new_name = st.text_input(tr("ui.scen.name"), shown, key=key("name")).strip()
    if new_name and new_name != shown:
        meta["name_zh"] = meta["name_en"] = new_name

    st.markdown(f"**{tr('ui.scen.group.service')}**")
    a, b, c = st.columns(3)
    service["stages"] = a.multiselect(
        tr("ui.scen.stages"), STAGES,
        default=[s for s in service.get("stages", ["primary", "junior"]) if s in STAGES],
        format_func=stage_names.get, key=key("stages"),
    )  # fmt: skip
    service["days"] = b.number_input(tr("ui.scen.days"), 1, 7, int(service.get("days", 5)),
                                     key=key("days"))  # fmt: skip
    periods = int(service.get("periods", 2))
    service["periods"] = c.selectbox(
        tr("ui.scen.periods"), (2, 3), index=(2, 3).index(periods if periods in (2, 3) else 2),
        format_func=lambda p: f"5+{p}", key=key("periods"),
    )  # fmt: skip

    st.markdown(f"**{tr('ui.scen.group.high')}**")
    a, b, c = st.columns(3)
    high["self_study_per_week"] = a.number_input(
        tr("ui.scen.self_study"), 0, 14, int(high.get("self_study_per_week", 0)),
        key=key("self_study"),
    )  # fmt: skip
    current = float(high.get("rate_yuan", 0.0))
    options = sorted({0.0, *RATE_PRESETS, current})
    high["rate_yuan"] = b.selectbox(
        tr("ui.scen.rate"), options, index=options.index(current),
        format_func=lambda r: f"{r:g} 元", key=key("rate"), help=tr("ui.scen.rate_help"),
    )  # fmt: skip
    data.setdefault("rotation", {})["share"] = c.slider(
        tr("ui.scen.rotation"), 0.0, 0.3, float(data.get("rotation", {}).get("share", 0.0)),
        step=0.01, key=key("rotation"),
    )  # fmt: skip

    st.markdown(f"**{tr('ui.scen.group.people')}**")
    a, b = st.columns(2)
    students = a.number_input(
        tr("ui.scen.students"), 0.0, 1.0, _share_or_none(participation.get("students")),
        step=0.05, placeholder=tr("ui.scen.as_written"), key=key("students"),
    )  # fmt: skip
    if students is not None:
        participation["students"] = float(students)
    teachers = b.number_input(
        tr("ui.scen.teachers"), 0.0, 1.0, _share_or_none(participation.get("teachers")),
        step=0.05, placeholder=tr("ui.scen.as_written"), key=key("teachers"),
    )  # fmt: skip
    if teachers is not None:
        participation["teachers"] = float(teachers)

    st.markdown(f"**{tr('ui.scen.group.money')}**")
    table = fees.setdefault("per_student_hour_yuan", {})
    if not isinstance(table, dict):
        table = fees["per_student_hour_yuan"] = {}
    columns = st.columns(3)
    for stage, column in zip(STAGES, columns, strict=True):
        value = column.number_input(
            tr("ui.scen.fee", stage=tr(f"ui.scen.stage.{stage}")), 0.0, 50.0,
            _share_or_none(table.get(stage)), step=0.5,
            placeholder=tr("ui.scen.by_location"), key=key(f"fee_{stage}"),
        )  # fmt: skip
        if value is not None:
            table[stage] = float(value)
    a, b, c = st.columns(3)
    fees["public_topup_per_student_yuan"] = a.number_input(
        tr("ui.scen.topup"), 0.0, 5000.0, float(fees.get("public_topup_per_student_yuan", 0.0)),
        step=10.0, key=key("topup"),
    )  # fmt: skip
    mode = subsidy.get("mode", "rate")
    subsidy["mode"] = b.radio(
        tr("ui.scen.mode"), MODES, index=MODES.index(mode) if mode in MODES else 0,
        format_func=mode_names.get, horizontal=True, key=key("mode"),
    )  # fmt: skip
    subsidy["base_rate_yuan"] = c.number_input(
        tr("ui.scen.base_rate"), 0.0, 500.0, float(subsidy.get("base_rate_yuan", 50.0)),
        step=5.0, key=key("base_rate"),
    )  # fmt: skip
    a, b, c = st.columns(3)
    scheme = subsidy.get("scheme", "hour_only")
    subsidy["scheme"] = a.selectbox(
        tr("ui.scen.scheme"), SCHEMES, index=SCHEMES.index(scheme) if scheme in SCHEMES else 0,
        format_func=scheme_names.get, help=tr("ui.scen.scheme_help"), key=key("scheme"),
    )  # fmt: skip
    subsidy["quality_pool_share"] = b.number_input(
        tr("ui.scen.pool_share"), 0.0, 1.0, float(subsidy.get("quality_pool_share", 0.3)),
        step=0.05, key=key("pool_share"),
    )  # fmt: skip
    subsidy["floor_per_hour_yuan"] = c.number_input(
        tr("ui.scen.floor"), 0.0, 500.0, float(subsidy.get("floor_per_hour_yuan", 35.0)),
        step=5.0, key=key("floor"),
    )  # fmt: skip
    return data


def school_subset() -> list[str]:
    """An optional subset of the county's schools (a quick trial before the full run)."""
    options = dict(view.county_schools(SAMPLE_COUNTY))
    with st.expander(tr("ui.scen.subset")):
        return st.multiselect(
            tr("ui.scen.subset_pick"), list(options),
            format_func=lambda s: f"{s} {options.get(s, '')}", key="scen_only",
            placeholder=tr("ui.scen.subset_all"),
        )  # fmt: skip


# ------------------------------------------------------------------ the run


def evidence_choice() -> tuple[str, Any]:
    """Where quality scores come from: the county folder's evidence, the sample's, an
    uploaded evidence workbook, or none (every teacher at a neutral score)."""
    options = (["county"] if find_evidence(SAMPLE_COUNTY) else []) + ["sample", "upload", "none"]
    choice = st.selectbox(tr("ui.scen.evidence.label"), options, key="scen_evidence", index=0,
                          format_func=lambda o: tr(f"ui.scen.evidence.{o}"))  # fmt: skip
    upload = None
    if choice == "upload":
        upload = st.file_uploader(tr("ui.scen.evidence.file"), type=["xlsx"],
                                  key="scen_evidence_file")  # fmt: skip
    st.caption(tr(f"ui.scen.evidence.{choice}.note"))
    return choice, upload


def evidence_path(choice: str, upload: Any, folder: Path) -> Path | None:
    """The evidence to score with; an upload is kept in the run's folder (what was used)."""
    if choice == "county":
        return find_evidence(SAMPLE_COUNTY)
    if choice == "sample":
        return SAMPLE_EVIDENCE
    if choice == "upload" and upload is not None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "evidence.xlsx"
        path.write_bytes(upload.getvalue())
        return path
    return None


def start_run(data: dict, only: list[str], evidence: tuple[str, Any]) -> None:
    try:
        scenario = build_scenario(data, "scenario.toml")
    except ScenarioError as err:
        st.error(err.render())
        return
    choice, upload = evidence
    if choice == "upload":
        if upload is None:
            st.error(tr("ui.scen.evidence.missing"))
            return
        too_big = Problems()
        if not check_size(len(upload.getvalue()), upload.name, too_big):
            st.error(too_big.items[0].message(lang()))
            return
    folder = view.new_run_folder(scenario.scenario_id)
    job = view.ScenarioJob(
        scenario, folder, tuple(only), evidence=evidence_path(choice, upload, folder)
    )
    st.session_state[view.JOB_KEY] = view.start(job, SAMPLE_COUNTY, lang())


def watch(job: view.ScenarioJob) -> None:
    """Progress per school until the run ends; then remember it and rerun."""
    st.info(tr("ui.scen.running", name=job.scenario.name(lang())))
    st.button(tr("ui.scen.stop"), on_click=job.stop.set, key="scen_stop",
              disabled=job.stop.is_set())  # fmt: skip
    bar = st.progress(0.0, text=tr("ui.scen.reading"))
    recent = st.empty()

    def tick(j: view.ScenarioJob) -> None:
        events = list(j.events)
        if not events:
            bar.progress(0.0, text=tr("ui.scen.reading"))
            return
        last = events[-1]
        bar.progress(last.done / max(1, last.total),
                     text=tr("ui.scen.progress", done=last.done, total=last.total,
                             school=last.school_id) + f" · {j.elapsed:.0f} s")  # fmt: skip
        recent.caption(" · ".join(
            f"{e.school_id} {tr('ui.scen.cached') if e.cached else f'{e.seconds:.1f} s'}"
            for e in events[-8:]
        ))  # fmt: skip

    while not job.done:
        tick(job)
        time.sleep(0.25)
    tick(job)
    finish(job)


def finish(job: view.ScenarioJob) -> None:
    outcome = job.outcome or {}
    st.session_state.pop(view.JOB_KEY, None)
    if "error" in outcome:
        state.flash("error", tr("ui.scen.crashed", error=outcome["error"]))
    elif "evidence" in outcome:
        state.flash("error", "\n\n".join([tr("ui.scen.evidence.bad"), *outcome["evidence"]]))
    elif outcome.get("stopped"):
        state.flash("warning", tr("ui.scen.stopped"))
    else:
        name = job.scenario.name(lang())
        kind = "success" if not outcome["failed"] else "warning"
        state.flash(kind, tr("ui.scen.done", name=name, failed=outcome["failed"]))
        picked = [n for n in st.session_state.get("scen_pick", []) if n != job.folder.name]
        st.session_state["scen_pick"] = [job.folder.name, *picked][:4]
    st.rerun()


# ------------------------------------------------------------------ comparing runs


def compare(folders: list[Path]) -> None:
    """Tables and charts of the chosen runs, side by side, and the report downloads."""
    language = lang()
    runs = view.load_runs(folders, language)
    for run in runs:
        notes = gap_note(run.aggregates.county, language)
        notes += " " + quality_note(run.scenario, run.summary, language)
        st.caption(f"**{run.name(language)}**: {notes}")
    for i, (title, frame) in enumerate(compare_tables(runs, language).items()):
        st.subheader(title)
        st.dataframe(frame, hide_index=True, width="stretch", key=f"scen_table_{i}")
    figures = view.county_charts(runs, language) + run_charts(runs, language)
    columns = st.columns(2)
    for i, fig in enumerate(figures):
        columns[i % 2].plotly_chart(fig, width="stretch", key=f"scen_chart_{i}")
    failures = [(r, r.failures) for r in runs if len(r.failures)]
    if failures:
        with st.expander(tr("ui.scen.failures")):
            for run, frame in failures:
                st.markdown(f"**{run.name(language)}**")
                st.dataframe(frame, hide_index=True, width="stretch")

    def report(kind: str):
        # Deferred: the report is built only when its button is clicked, never on render.
        return lambda: view.report_bytes(folders, language)[kind]

    a, b = st.columns(2)
    a.download_button(tr("ui.scen.dl_xlsx"), report("xlsx"), "scenario_compare.xlsx", XLSX_MIME,
                      key="scen_dl_xlsx")  # fmt: skip
    b.download_button(tr("ui.scen.dl_html"), report("html"), "scenario_compare.html",
                      "text/html", key="scen_dl_html")  # fmt: skip


def runs_section() -> None:
    runs = view.past_runs()
    if not runs:
        st.info(tr("ui.scen.no_runs"))
        return
    st.subheader(tr("ui.scen.past"))
    st.dataframe(view.runs_table(runs, lang()), hide_index=True, width="stretch",
                 key="scen_runs")  # fmt: skip
    by_name = {p.name: p for p in runs}
    chosen = [n for n in st.session_state.get("scen_pick", []) if n in by_name]
    st.session_state["scen_pick"] = chosen or list(by_name)[:2]
    picked = st.multiselect(tr("ui.scen.compare"), list(by_name), key="scen_pick")
    if picked:
        compare([by_name[n] for n in picked])


def render() -> None:
    st.header(tr("ui.nav.scenarios"))
    st.caption(tr("ui.scen.intro"))
    job: view.ScenarioJob | None = st.session_state.get(view.JOB_KEY)
    stem, base, token = source()
    evidence = evidence_choice()
    with st.form("scen_levers"):
        data = lever_form(base, token)
        only = school_subset()
        go = st.form_submit_button(tr("ui.scen.run"), type="primary", key="scen_run",
                                   disabled=job is not None)  # fmt: skip
    try:
        toml_text = to_toml(build_scenario(data, "scenario.toml"))
    except ScenarioError as err:
        st.error(err.render())
        toml_text = None
    if toml_text is not None:
        st.download_button(tr("ui.scen.toml"), toml_text, f"{stem}.toml", "application/toml",
                           key="scen_toml")  # fmt: skip
    if go and job is None and toml_text is not None:
        start_run(data, only, evidence)
        job = st.session_state.get(view.JOB_KEY)
    if job is not None:
        watch(job)
    runs_section()


if __name__ == "__main__":
    render()
