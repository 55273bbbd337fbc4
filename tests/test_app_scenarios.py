"""The Scenarios page through AppTest: run the baseline over the county, compare, download."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from i18n import t

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180


def test_run_the_baseline_and_compare(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("ui/pages/scenarios.py").run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert any(t("ui.scen.no_runs", "zh") in str(i.value) for i in at.info)

    run = next(b for b in at.button if b.label == t("ui.scen.run", "zh"))
    run.click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception

    folders = [p for p in (tmp_path / "scenario_runs").iterdir() if p.name != "_cache"]
    assert len(folders) == 1
    county = json.loads((folders[0] / "summary.json").read_text(encoding="utf-8"))["county"]
    # The comparison table shows this run's county figures, as the report formats them.
    from scenarios.report import fmt

    table = at.dataframe[0].value
    shown = set(table.iloc[:, 1].astype(str))
    assert fmt("pay_yuan", county["pay_yuan"]) in shown
    assert any(b.label == t("ui.scen.download", "zh") for b in at.get("download_button"))
