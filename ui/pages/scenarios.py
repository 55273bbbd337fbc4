"""Page 情景 / Scenarios: the bureau's what-if runs over the whole county.

Choose a preset, change its main levers (or upload a scenario TOML), run it over the
sample county with progress per school, and compare stored runs side by side in tables
and charts; download the report. Runs are folders on disk next to the database, so a
refresh keeps them; schedules are cached per school, so money-only changes rerun in
seconds. Nothing runs on render: only the Run button starts work.
"""

from __future__ import annotations

import io
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

import streamlit as st

from scenarios.engine import Cache
from scenarios.levers import ScenarioError, build_scenario, presets, to_toml
from scenarios.pipeline import load_run, load_towns, read_schools, run_scenario, write_run
from scenarios.report import compare_tables, run_charts, write_compare_report
from store.db import PROJECT_ROOT, database_url
from ui.state import SAMPLE_COUNTY, lang, tr

RATE_PRESETS = (20.0, 35.0, 50.0)  # 元 per self-study session (domain notes)
STAGES = ("primary", "junior", "high")


def runs_folder() -> Path:
    """Where runs live: beside the SQLite file, or under var/ for other databases."""
    url = database_url()
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent / "scenario_runs"
    return PROJECT_ROOT / "var" / "scenario_runs"


def past_runs() -> list[Path]:
    folder = runs_folder()
    if not folder.exists():
        return []
    return sorted((p for p in folder.iterdir() if (p / "summary.json").exists()), reverse=True)


def lever_form(base: dict) -> dict:
    """Widgets for the main levers; returns the scenario table with the edits applied."""
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    service, high = data.setdefault("service", {}), data.setdefault("high_school", {})
    left, mid, right = st.columns(3)
    service["stages"] = left.multiselect(
        tr("ui.scen.stages"), STAGES, default=list(service.get("stages", ["primary", "junior"])),
        format_func=lambda s: tr(f"ui.scen.stage.{s}"),
    )  # fmt: skip
    service["periods"] = mid.selectbox(
        tr("ui.scen.periods"), (2, 3), index=(2, 3).index(int(service.get("periods", 2))),
        format_func=lambda p: f"5+{p}",
    )  # fmt: skip
    high["self_study_per_week"] = right.number_input(
        tr("ui.scen.self_study"), 0, 12, int(high.get("self_study_per_week", 0))
    )
    current = float(high.get("rate_yuan", 0.0))
    options = sorted({0.0, *RATE_PRESETS, current})
    high["rate_yuan"] = left.selectbox(
        tr("ui.scen.rate"), options, index=options.index(current), format_func=lambda r: f"{r:g} 元"
    )
    fees = data.setdefault("fees", {})
    fees["public_topup_per_student_yuan"] = mid.number_input(
        tr("ui.scen.topup"), 0.0, 2000.0, float(fees.get("public_topup_per_student_yuan", 0.0))
    )
    subsidy = data.setdefault("subsidy", {})
    subsidy["base_rate_yuan"] = right.number_input(
        tr("ui.scen.base_rate"), 0.0, 200.0, float(subsidy.get("base_rate_yuan", 50.0))
    )
    participation = data.setdefault("participation", {})
    share = left.slider(
        tr("ui.scen.teachers"), 0.0, 1.0, float(participation.get("teachers") or 1.0)
    )
    if share < 1.0 or "teachers" in participation:
        participation["teachers"] = share
    data.setdefault("rotation", {})["share"] = mid.slider(
        tr("ui.scen.rotation"), 0.0, 0.3, float(data.get("rotation", {}).get("share", 0.0))
    )
    return data


def run_now(data: dict, label: str) -> Path | None:
    """Run the scenario over the county with a progress bar; returns the run folder."""
    try:
        scenario = build_scenario(data, "scenario.toml")
    except ScenarioError as err:
        st.error(err.render())
        return None
    bar = st.progress(0.0, text=tr("ui.scen.reading"))
    schools, failures = read_schools(SAMPLE_COUNTY)

    def progress(event) -> None:
        bar.progress(event.done / event.total,
                     text=tr("ui.scen.progress", done=event.done, total=event.total,
                             school=event.school_id))  # fmt: skip

    cache = Cache(runs_folder() / "_cache")
    result = run_scenario(schools, scenario, load_towns(SAMPLE_COUNTY), workers=2, cache=cache,
                          progress=progress, failures=failures)  # fmt: skip
    folder = runs_folder() / f"{time.strftime('%Y%m%d-%H%M%S')}-{label}"
    write_run(result, folder, lang())
    bar.empty()
    st.success(tr("ui.scen.done", name=scenario.name(lang()), failed=len(result.failures)))
    return folder


def compare(folders: list[Path]) -> None:
    """Tables and charts of the chosen runs, side by side, and the report downloads."""
    runs = [load_run(f) for f in folders]
    for title, frame in compare_tables(runs, lang()).items():
        st.subheader(title)
        st.dataframe(frame, hide_index=True, width="stretch")
    for fig in run_charts(runs, lang()):
        st.plotly_chart(fig, width="stretch")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_compare_report(runs, tmp, lang())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for path in paths.values():
                zf.write(path, Path(path).name)
    st.download_button(tr("ui.scen.download"), buffer.getvalue(), "scenario_report.zip",
                       "application/zip")  # fmt: skip


def render() -> None:
    st.header(tr("ui.nav.scenarios"))
    st.caption(tr("ui.scen.intro"))
    choices = presets()
    name = st.selectbox(tr("ui.scen.preset"), list(choices), format_func=tr_or_name)
    upload = st.file_uploader(tr("ui.scen.upload"), type=["toml"])
    base = tomllib.loads(
        upload.getvalue().decode("utf-8") if upload else choices[name].read_text(encoding="utf-8")
    )
    with st.form("levers"):
        data = lever_form(base)
        go = st.form_submit_button(tr("ui.scen.run"), type="primary")
    if go:
        folder = run_now(data, name)
        if folder is not None:
            st.session_state["scen_pick"] = [folder.name]
    try:
        st.download_button(tr("ui.scen.toml"), to_toml(build_scenario(data)), f"{name}.toml")
    except ScenarioError as err:
        st.error(err.render())
    runs = past_runs()
    if not runs:
        st.info(tr("ui.scen.no_runs"))
        return
    by_name = {p.name: p for p in runs}
    chosen = [n for n in st.session_state.get("scen_pick", []) if n in by_name]
    st.session_state["scen_pick"] = chosen or list(by_name)[:2]
    picked = st.multiselect(tr("ui.scen.compare"), list(by_name), key="scen_pick")
    if picked:
        compare([by_name[n] for n in picked])


def tr_or_name(preset: str) -> str:
    key = f"ui.scen.preset.{preset}"
    try:
        return tr(key)
    except KeyError:
        return preset


if __name__ == "__main__":
    render()
