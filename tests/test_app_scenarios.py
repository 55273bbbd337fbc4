"""The Scenarios page through AppTest: run plans on a few schools, compare, download.

A temporary SQLite database (DATABASE_URL in tmp_path) gets the sample county on first
start; runs are written beside it (tmp_path/scenario_runs). The pipeline takes any dict of
schools, so the page's "only some schools" option keeps the test to three village schools.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from scenarios.report import col, fmt

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180
FEW = ["ZY017", "ZY025", "ZY043"]  # primary village schools: 4 teachers, 2 classes each


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/scenarios.py").run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def run_folders(tmp_path: Path) -> list[Path]:
    found = (tmp_path / "scenario_runs").iterdir()
    return sorted(p for p in found if p.name != "_cache" and (p / "summary.json").exists())


def key_figures(at: AppTest):
    """The comparison's first table: one line per metric, one column per run."""
    metric = col("metric", "zh")
    frame = next(d.value for d in at.dataframe if d.value.columns[0] == metric)
    return frame.set_index(metric)


def run(at: AppTest) -> AppTest:
    at.multiselect(key="scen_only").set_value(FEW)
    at.button(key="scen_run").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def test_nothing_runs_on_render(page: AppTest, tmp_path: Path) -> None:
    assert any(t("ui.scen.no_runs", "zh") in str(i.value) for i in page.info)
    assert not (tmp_path / "scenario_runs").exists()
    # The levers of the chosen preset are widgets; the TOML can be downloaded.
    assert page.number_input(key="scen_baseline_base_rate").value == 50.0
    # The subsidy scheme is compensation's; the sample county has no evidence/ folder.
    assert page.selectbox(key="scen_baseline_scheme").value == "hour_only"
    assert page.selectbox(key="scen_baseline_scheme").options == [
        t(f"ui.scen.scheme.{s}", "zh") for s in ("hour_only", "quality", "lp")
    ]
    assert page.selectbox(key="scen_evidence").value == "sample"
    assert any(t("ui.scen.evidence.sample.note", "zh") in str(c.value) for c in page.caption)
    assert any(b.label == t("ui.scen.toml", "zh") for b in page.get("download_button"))


def test_run_two_plans_and_compare(page: AppTest, tmp_path: Path) -> None:
    at = run(page)
    assert any(t("ui.scen.done", "zh", name="现状", failed=0) in str(s.value) for s in at.success)
    first = run_folders(tmp_path)
    assert len(first) == 1 and first[0].name.startswith("baseline-")
    county = json.loads((first[0] / "summary.json").read_text(encoding="utf-8"))["county"]
    assert county["schools"] == len(FEW)

    # The comparison table shows this run's county figures, as the report formats them.
    cost = key_figures(at).loc[col("cost_yuan", "zh")]
    assert fmt("cost_yuan", county["cost_yuan"]) in set(cost.astype(str))
    assert county["cost_yuan"] > 0

    summary = json.loads((first[0] / "summary.json").read_text(encoding="utf-8"))
    assert summary["quality"]["status"] == "evidence"  # the sample's ratings were read
    assert summary["quality"]["teachers_with_evidence"] > 0

    # A money-only change: same schedules (cached), more public money and the
    # quality-weighted scheme (no evidence: neutral scores), a second run.
    at.selectbox(key="scen_evidence").set_value("none")
    at.number_input(key="scen_baseline_topup").set_value(500.0)
    at.selectbox(key="scen_baseline_scheme").set_value("quality")
    at.text_input(key="scen_baseline_name").set_value("现状+补助")
    at = run(at)
    second = [p for p in run_folders(tmp_path) if p not in first]
    assert len(second) == 1
    county2 = json.loads((second[0] / "summary.json").read_text(encoding="utf-8"))["county"]
    assert county2["topup_yuan"] > county.get("topup_yuan", 0.0)
    assert county2["gap_yuan"] < county["gap_yuan"]
    assert 'scheme = "quality"' in (second[0] / "scenario.toml").read_text(encoding="utf-8")
    summary2 = json.loads((second[0] / "summary.json").read_text(encoding="utf-8"))
    assert summary2["quality"]["status"] == "neutral"

    # Both runs side by side (the new one first), with their own numbers.
    assert at.multiselect(key="scen_pick").value == [second[0].name, first[0].name]
    figures = key_figures(at)
    assert list(figures.columns) == ["现状+补助", "现状"]
    income = figures.loc[col("income_yuan", "zh")]
    assert income["现状+补助"] == fmt("income_yuan", county2["income_yuan"])
    assert income["现状"] == fmt("income_yuan", county["income_yuan"])
    assert len(at.get("plotly_chart")) >= 6
    labels = {b.label for b in at.get("download_button")}
    assert {t("ui.scen.dl_xlsx", "zh"), t("ui.scen.dl_html", "zh")} <= labels
    # The past-runs list survives a refresh (a new session reads the folders).
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    fresh.run(timeout=TIMEOUT)
    fresh.switch_page("ui/pages/scenarios.py").run(timeout=TIMEOUT)
    runs = next(d.value for d in fresh.dataframe if t("ui.scen.col.folder", "zh") in d.value)
    assert len(runs) == 2

    # The report the download buttons serve.
    from ui.scenario_view import report_bytes

    report = report_bytes([second[0], first[0]], "zh")
    assert report["xlsx"][:2] == b"PK"
    assert "现状+补助" in report["html"].decode("utf-8")


def test_evidence_with_errors_stops_the_run_and_says_where(tmp_path: Path) -> None:
    """An uploaded evidence workbook with a bad score: nothing runs, each error located."""
    import openpyxl

    from scenarios.levers import load_scenario, preset_path
    from ui import scenario_view as view

    bad = tmp_path / "evidence.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ratings"
    sheet.append(["school_id", "teacher_id", "source", "rater_id", "score", "scale", "date"])
    sheet.append(["ZY017", "T001", "parent", "P1", "很好", 5, "2025-09-20"])
    book.save(bad)
    scenario = load_scenario(preset_path("baseline"))
    job = view.ScenarioJob(scenario, tmp_path / "run", tuple(FEW[:1]), evidence=bad)
    view.start(job, ROOT / "data" / "sample_county", "zh")
    job.thread.join(timeout=TIMEOUT)
    assert job.outcome is not None and "evidence" in job.outcome, job.outcome
    assert any("ratings" in line and "很好" in line for line in job.outcome["evidence"])
    assert not (tmp_path / "run" / "summary.json").exists()  # nothing was run or written
