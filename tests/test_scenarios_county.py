"""The two shipped presets on the whole sample county (119 schools).

This is the slowest scenario test (about 20-30 s on 2 CPUs): the two runs share one
schedule cache, so the extension solves only the four high schools again.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from scenarios.engine import Cache
from scenarios.levers import load_scenario, preset_path
from scenarios.pipeline import load_run, load_towns, read_schools, run_scenario, write_run
from scenarios.report import write_compare_report

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    schools, failures = read_schools(COUNTY)
    assert failures == [] and len(schools) == 119
    cache = Cache(tmp_path_factory.mktemp("cache"))
    out = {}
    for name in ("baseline", "high_school_extension"):
        result = run_scenario(
            schools, load_scenario(preset_path(name)), load_towns(COUNTY), workers=2, cache=cache
        )
        folder = tmp_path_factory.mktemp(name)
        write_run(result, folder)
        out[name] = (result, folder)
    return out


def test_whole_county_runs_both_presets(runs) -> None:
    base, _ = runs["baseline"]
    ext, _ = runs["high_school_extension"]
    assert base.failures == [] and ext.failures == []
    assert base.stats.solved == 119
    assert ext.stats.cached == 115 and ext.stats.solved == 4  # only high schools change
    b, e = base.aggregates.county, ext.aggregates.county
    assert b["hourly_pay_high_yuan"] == 0.0 and b["high_pay_gap_yuan"] < -40
    assert 0 < e["hourly_pay_high_yuan"] < e["hourly_pay_compulsory_yuan"]
    assert e["pay_yuan"] > b["pay_yuan"] and e["gap_yuan"] > b["gap_yuan"]
    assert e["load_hours_week_high"] > b["load_hours_week_high"]
    towns = {r["town"] for r in ext.rows}
    assert len(towns) == 16


def test_county_totals_recomputed_independently(runs) -> None:
    for _result, folder in runs.values():
        with (folder / "schools.csv").open(encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        county = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["county"]
        assert len({r["school_id"] for r in rows}) == 119
        for c in (
            "students",
            "students_enrolled",
            "sessions_held",
            "pay_yuan",
            "fees_yuan",
            "gap_yuan",
        ):
            assert county[c] == pytest.approx(sum(float(r[c]) for r in rows), abs=0.05), c
        for stage in ("primary", "junior", "high"):
            mine = [r for r in rows if r["stage"] == stage]
            pay = sum(float(r["pay_yuan"]) for r in mine)
            hours = sum(float(r["class_hours_term"]) for r in mine)
            got = next(
                s
                for s in json.loads((folder / "summary.json").read_text(encoding="utf-8"))[
                    "by_stage"
                ]
                if s["stage"] == stage
            )
            assert got["hourly_pay_yuan"] == pytest.approx(pay / hours)


def test_report_shows_the_gaps(runs, tmp_path) -> None:
    _, folder = runs["high_school_extension"]
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "高中教师每课时补贴" in page and "经费缺口" in page and "差距" in page
    paths = write_compare_report([load_run(f) for _, f in runs.values()], tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    assert "现状" in html and "高中延伸" in html
