"""Helpers of the Scenarios page: run folders, the background run, extra charts, reports.

Nothing here draws widgets. A run is a folder `<scenario id>-<timestamp>` under
`runs_folder()` (next to the SQLite file, else `var/scenario_runs`), written by
`scenarios.pipeline.write_run`, so a refresh or another tab finds it again. The county run
(`scenarios.pipeline.run_county`, as `afterschool scenario run` runs it) happens in a
daemon thread (`ScenarioJob`): the engine's progress callback appends one event per
finished school, and a set stop Event makes the next callback abort the run.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from i18n import t
from scenarios.engine import Cache, Event
from scenarios.levers import Scenario
from scenarios.pipeline import (
    InvalidEvidence,
    QualityEvidence,
    RunData,
    county_summary,
    load_run,
    run_county,
    write_run,
)
from scenarios.report import col, fmt, write_compare_report
from store.db import PROJECT_ROOT, database_url
from ui.jobs import BackgroundJob

JOB_KEY = "_scenario_job"
SUMMARY = "summary.json"


# ------------------------------------------------------------------ run folders


def runs_folder() -> Path:
    """Where runs live: beside the SQLite file, or under var/ for other databases."""
    url = database_url()
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).resolve().parent / "scenario_runs"
    return PROJECT_ROOT / "var" / "scenario_runs"


def cache_folder() -> Path:
    """Schedules cached per school (money-only changes rerun in seconds)."""
    return runs_folder() / "_cache"


def past_runs() -> list[Path]:
    """Finished runs, newest first (a folder counts once its summary.json is written)."""
    folder = runs_folder()
    if not folder.exists():
        return []
    done = [p for p in folder.iterdir() if p.is_dir() and (p / SUMMARY).is_file()]
    return sorted(done, key=lambda p: ((p / SUMMARY).stat().st_mtime, p.name), reverse=True)


def new_run_folder(scenario_id: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", scenario_id).strip("_") or "scenario"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = runs_folder() / f"{slug}-{stamp}"
    n = 2
    while folder.exists():
        folder = runs_folder() / f"{slug}-{stamp}-{n}"
        n += 1
    return folder


def county_schools(county: Path) -> list[tuple[str, str]]:
    """(school_id, name) of the county summary (cheap: no workbook is read)."""
    rows = county_summary(county)
    if rows is None:
        return [(p.stem, p.stem) for p in sorted(county.glob("*.xlsx"))]
    return [(r["school_id"], r.get("name") or "") for r in rows]


def load_runs(folders: list[Path], lang: str) -> list[RunData]:
    """Runs read back; two runs with the same scenario name get their folder's stamp."""
    runs = [load_run(f) for f in folders]
    names = [r.name(lang) for r in runs]
    for run, name in zip(runs, names, strict=True):
        if names.count(name) > 1:
            stamp = run.folder.name.removeprefix(run.scenario.scenario_id).strip("-")
            tagged = f"{name} ({stamp})"
            run.scenario = replace(run.scenario, name_zh=tagged, name_en=tagged)
    return runs


def runs_table(folders: list[Path], lang: str) -> pd.DataFrame:
    """One line per stored run: when, what, how many schools, the money."""
    rows = []
    for folder in folders:
        try:
            run = load_run(folder)
        except Exception:  # a half-written or foreign folder: listed, not fatal
            continue
        county, summary = run.aggregates.county, run.summary
        rows.append(
            {
                t("ui.scen.col.folder", lang): folder.name,
                t("ui.scen.col.name", lang): run.name(lang),
                t("ui.scen.col.when", lang): time.strftime(
                    "%Y-%m-%d %H:%M", time.localtime((folder / SUMMARY).stat().st_mtime)
                ),
                col("schools", lang): fmt("schools", county.get("schools")),
                t("ui.scen.col.failures", lang): str(summary.get("failures", 0)),
                col("coverage", lang): fmt("coverage", county.get("coverage")),
                col("cost_yuan", lang): fmt("cost_yuan", county.get("cost_yuan")),
                col("gap_yuan", lang): fmt("gap_yuan", county.get("gap_yuan")),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the background run


class Stopped(Exception):
    """Raised from the progress callback once the page asked to stop."""


@dataclass
class ScenarioJob(BackgroundJob):
    """A scenario run over the county (its events are per-school `Event`s)."""

    scenario: Scenario
    folder: Path
    only: tuple[str, ...] = ()  # school ids; empty: the whole county
    evidence: Path | None = None  # quality evidence (workbook or CSV folder); None: neutral


def start(job: ScenarioJob, county: Path, lang: str, workers: int = 2) -> ScenarioJob:
    """Run the scenario over the county in a daemon thread; `job.outcome` says how it ended."""

    def progress(event: Event) -> None:
        job.events.append(event)
        if job.stop.is_set():
            raise Stopped

    def stop_if_asked(_quality: QualityEvidence) -> None:
        if job.stop.is_set():  # the schools are read: stop before any is scheduled
            raise Stopped

    def run() -> None:
        try:
            # The evidence is the page's choice (none: neutral), never guessed from the folder.
            result = run_county(
                county,
                job.scenario,
                evidence=job.evidence,
                on_quality=stop_if_asked,
                only=job.only,
                own_evidence=False,
                workers=workers,
                cache=Cache(cache_folder()),
                progress=progress,
            )
            write_run(result, job.folder, lang)
            job.outcome = {"folder": job.folder, "failed": len(result.failures)}
        except InvalidEvidence as bad:  # say what is wrong rather than go neutral
            job.outcome = {"evidence": [p.render() for p in bad.quality.problems[:20]]}
        except Stopped:
            # Set here, inside the handler: schools already handed to the process pool
            # still finish in the background, but the page is told at once.
            job.outcome = {"stopped": True}
        except Exception as exc:  # shown on the page instead of dying silently
            job.outcome = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}

    job.thread = threading.Thread(target=run, name="scenario-run", daemon=True)
    job.thread.start()
    return job


# ------------------------------------------------------------------ charts and reports


def _bars(title: str, x: list[str], series: dict[str, list], pct: bool = False) -> go.Figure:
    fig = go.Figure()
    for name, ys in series.items():
        fig.add_bar(name=name, x=x, y=ys)
    fig.update_layout(
        title=title,
        barmode="group",
        template="plotly_white",
        height=360,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
    )
    if pct:
        fig.update_yaxes(tickformat=".0%")
    return fig


def county_charts(runs: list[RunData], lang: str) -> list[go.Figure]:
    """County figures one bar per run: coverage, unstaffed sessions, the high-school gap."""
    names = [r.name(lang) for r in runs]

    def series(*metrics: str) -> dict[str, list]:
        return {col(m, lang): [r.aggregates.county.get(m) for r in runs] for m in metrics}

    return [
        _bars(t("ui.scen.chart.coverage", lang), names, series("coverage"), pct=True),
        _bars(
            t("ui.scen.chart.unstaffed", lang),
            names,
            series("sessions_unstaffed", "teacher_sessions_missing"),
        ),
        _bars(
            t("ui.scen.chart.high_gap", lang),
            names,
            series("hourly_pay_compulsory_yuan", "hourly_pay_high_yuan", "high_pay_gap_yuan"),
        ),
    ]


def report_bytes(folders: list[Path], lang: str) -> dict[str, bytes]:
    """The comparison report of the runs (xlsx and HTML), in memory."""
    runs = load_runs(folders, lang)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_compare_report(runs, tmp, lang)
        return {kind: Path(path).read_bytes() for kind, path in paths.items()}
