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
from scenarios.levers import (
    DEFAULTS,
    LEVERS,
    STAGES,
    Lever,
    Number,
    OneOf,
    ScenarioError,
    Stages,
    Whole,
    build_scenario,
    presets,
    to_toml,
)
from scenarios.pipeline import find_evidence
from scenarios.report import compare_tables, gap_note, quality_note, run_charts
from ui import scenario_view as view
from ui import state
from ui.state import SAMPLE_COUNTY, SAMPLE_EVIDENCE, lang, tr
from workbook.safety import check_size

# The form's sections (ui.scen.group.<name>) and how many widgets stand in a row.
FORM_GROUPS = (("service", 3), ("high", 3), ("people", 2), ("money", 3))
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


def _bounds(check: Any) -> tuple[Any, Any]:
    """A check's lowest and highest value (a table's: those of each entry)."""
    check = getattr(check, "each", check)
    return getattr(check, "lo", None), getattr(check, "hi", None)


def _typed(check: Any, value: Any) -> Any:
    """The widget's value type: whole numbers stay whole, other numbers are floats."""
    if isinstance(check, Whole):
        return int(value)
    return float(value) if isinstance(check, Number) else value


def _options(item: Lever, current: Any) -> tuple[Any, ...]:
    """A choice's options: the check's choices, or the default, presets and current value."""
    check, widget = item.check, item.widget
    assert widget is not None
    if isinstance(check, OneOf | Stages):
        return tuple(check.allowed)
    if isinstance(check, Whole):
        return tuple(range(check.lo, check.hi + 1))
    return tuple(sorted({getattr(DEFAULTS, item.field), *widget.presets, current}))


def _cells(item: Lever) -> int:
    assert item.widget is not None
    return len(STAGES) if item.widget.kind == "per_stage" else 1


def _draw(item: Lever, columns: list, data: dict, key) -> None:
    """One lever's widget(s) in `columns`; the value goes into the scenario table `data`."""
    widget = item.widget
    assert widget is not None and item.key is not None
    table = data.setdefault(item.table, {})
    if not isinstance(table, dict):
        table = data[item.table] = {}
    label, name = tr(f"ui.scen.{widget.name}"), key(widget.name)
    lo, hi = _bounds(item.check)
    hi = widget.hi if widget.hi is not None else hi
    default = getattr(DEFAULTS, item.field)
    if widget.kind == "per_stage":  # one number per stage; empty: the table by location
        stages = table.setdefault(item.key, {})
        if not isinstance(stages, dict):
            stages = table[item.key] = {}
        for stage, column in zip(STAGES, columns, strict=True):
            value = column.number_input(
                tr(f"ui.scen.{widget.name}", stage=tr(f"ui.scen.stage.{stage}")),
                min_value=0.0, max_value=hi, value=_share_or_none(stages.get(stage)),
                step=widget.step, placeholder=tr("ui.scen.by_location"),
                key=key(f"{widget.name}_{stage}"),
            )  # fmt: skip
            if value is not None:
                stages[stage] = float(value)
        return
    (column,) = columns
    if widget.kind == "optional":  # empty: as the workbooks say
        value = column.number_input(
            label, min_value=lo, max_value=hi, value=_share_or_none(table.get(item.key)),
            step=widget.step, placeholder=tr("ui.scen.as_written"), key=name,
        )  # fmt: skip
        if value is not None:
            table[item.key] = float(value)
        return
    current = table.get(item.key, default)
    if widget.kind == "number":
        table[item.key] = column.number_input(
            label, min_value=lo, max_value=hi, value=_typed(item.check, current),
            step=widget.step, key=name,
        )  # fmt: skip
        return
    if widget.kind == "slider":
        table[item.key] = column.slider(
            label, lo, hi, _typed(item.check, current), step=widget.step, key=name
        )
        return
    current = _typed(item.check, current) if widget.kind == "choice" else current
    options = _options(item, current)
    if widget.option_labels:  # looked up now, not inside format_func (AppTest calls it later)
        names = {o: tr(f"{widget.option_labels}.{o}") for o in options}
        show = names.get
    else:
        show = widget.option_format.format
    helptext = tr(f"ui.scen.{widget.name}_help") if widget.help else None
    if widget.kind == "multiselect":
        table[item.key] = column.multiselect(
            label, options, default=[o for o in current if o in options], format_func=show,
            key=name,
        )  # fmt: skip
        return
    index = options.index(current) if current in options else 0
    draw = column.radio if widget.kind == "radio" else column.selectbox
    extra = {"horizontal": True} if widget.kind == "radio" else {"help": helptext}
    table[item.key] = draw(label, options, index=index, format_func=show, key=name, **extra)


def lever_form(base: dict, token: str) -> dict:
    """Widgets for the main levers; returns the scenario table with the edits applied.

    The form is built from `scenarios.levers.LEVERS`: every lever with a widget, by group
    and place. Widget keys carry the source token, so choosing another preset or uploading
    a file shows that plan's values. Empty number fields leave the plan's value (e.g. a fee
    table by location, participation "as written") untouched.
    """
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    meta = data.setdefault("scenario", {})

    def key(name: str) -> str:
        return f"scen_{token}_{name}"

    shown = meta.get("name_zh" if lang() == "zh" else "name_en") or meta.get("id", "")
    new_name = st.text_input(tr("ui.scen.name"), shown, key=key("name")).strip()
    if new_name and new_name != shown:
        meta["name_zh"] = meta["name_en"] = new_name

    for group, width in FORM_GROUPS:
        st.markdown(f"**{tr(f'ui.scen.group.{group}')}**")
        items = sorted(
            (x for x in LEVERS if x.widget is not None and x.widget.group == group),
            key=lambda x: x.widget.order,  # type: ignore[union-attr]
        )
        row: list = []
        for item in items:
            if not row:
                row = list(st.columns(width))
            _draw(item, row[: _cells(item)], data, key)
            row = row[_cells(item) :]
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
