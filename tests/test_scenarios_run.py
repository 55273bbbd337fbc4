"""Running scenarios on a six-school subset (one of each kind, two high schools): totals
recomputed by hand, partial plans located, the cache, Dask = local, reports, the CLI."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.main import app
from scenarios.engine import Cache, SolveOutcome, schedule_schools, solve_task
from scenarios.levers import load_scenario, preset_path
from scenarios.money import SUM_COLUMNS
from scenarios.pipeline import load_run, run_scenario, write_run
from scenarios.report import write_compare_report
from workbook.reader import read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"
SUBSET = ["ZY004", "ZY009", "ZY013", "ZY018", "ZY020", "ZY030"]


@pytest.fixture(scope="module")
def schools():
    return {i: read_school(COUNTY / f"{i}.xlsx").school for i in SUBSET}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def extension(schools, cache_dir):
    scenario = load_scenario(preset_path("high_school_extension"))
    return run_scenario(schools, scenario, workers=2, cache=Cache(cache_dir))


@pytest.fixture(scope="module")
def run_folder(extension, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    write_run(extension, out)
    return out


def test_every_school_scheduled_and_priced(extension) -> None:
    assert extension.failures == []
    assert sorted(extension.results) == SUBSET
    stages = {r["stage"] for r in extension.rows}
    assert stages == {"primary", "junior", "high"}
    county = extension.aggregates.county
    assert county["hourly_pay_high_yuan"] > 0  # self-study is paid in the extension
    assert county["hourly_pay_compulsory_yuan"] == pytest.approx(50.0, abs=3.0)


def test_county_totals_recomputed_from_the_school_file(run_folder) -> None:
    """Independent of pandas and of aggregate.py: plain csv sums of schools.csv."""
    with (run_folder / "schools.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    summary = json.loads((run_folder / "summary.json").read_text(encoding="utf-8"))
    county = summary["county"]
    sums = {c: sum(float(r[c]) for r in rows) for c in SUM_COLUMNS}
    for c in SUM_COLUMNS:
        assert county[c] == pytest.approx(sums[c], rel=1e-9, abs=0.02), c
    assert county["coverage"] == pytest.approx(
        sums["student_hours_served_week"] / sums["student_hours_demand_week"]
    )
    high = [r for r in rows if r["stage"] == "high"]
    comp = [r for r in rows if r["stage"] != "high"]
    hourly_high = sum(float(r["pay_yuan"]) for r in high) / sum(
        float(r["class_hours_term"]) for r in high
    )
    hourly_comp = sum(float(r["pay_yuan"]) for r in comp) / sum(
        float(r["class_hours_term"]) for r in comp
    )
    assert county["high_pay_gap_yuan"] == pytest.approx(hourly_high - hourly_comp)
    assert county["gap_yuan"] == pytest.approx(sums["cost_yuan"] - sums["income_yuan"], abs=0.05)
    for r in rows:  # the money identities hold row by row
        assert float(r["income_yuan"]) == pytest.approx(
            float(r["fees_yuan"]) + float(r["topup_yuan"]), abs=0.011
        )
        assert float(r["gap_yuan"]) == pytest.approx(
            float(r["cost_yuan"]) - float(r["income_yuan"]), abs=0.011
        )
    by_stage = {r["stage"]: r for r in summary["by_stage"]}
    assert by_stage["high"]["pay_yuan"] == pytest.approx(sum(float(r["pay_yuan"]) for r in high))


def test_pay_recomputed_by_hand_from_the_teacher_lines(run_folder, extension) -> None:
    """teachers.csv (what compensation/ paid each teacher) adds up to schools.csv to the
    fen, and under the presets (rate pool, hour-only) every amount is the rule by hand:
    base rate x class hours + village and weekend allowances + rate x self-study sessions."""
    scenario = extension.scenario
    with (run_folder / "teachers.csv").open(encoding="utf-8-sig") as f:
        teachers = list(csv.DictReader(f))
    with (run_folder / "schools.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert teachers and scenario.scheme == "hour_only" and scenario.mode == "rate"

    def fen(value: str) -> int:
        return round(float(value) * 100)

    for sid in SUBSET:
        paid = sum(fen(t["amount_yuan"]) for t in teachers if t["school_id"] == sid)
        assert paid == sum(fen(r["pay_yuan"]) for r in rows if r["school_id"] == sid), sid
    for t in teachers:
        hours = float(t["class_hours"])
        village = scenario.village_allowance_per_hour_yuan if t["location"] == "village" else 0
        expected = (
            hours * (scenario.base_rate_yuan + village)
            + float(t["weekend_hours"]) * scenario.weekend_allowance_per_hour_yuan
            + int(t["self_study_sessions"]) * scenario.self_study_rate_yuan
        )
        assert float(t["amount_yuan"]) == pytest.approx(expected, abs=0.011), t["teacher_id"]
        assert float(t["multiplier"]) == 1.0 and int(t["evidence_sources"]) == 0


def test_self_study_pay_is_rate_times_sessions(extension) -> None:
    scenario = extension.scenario
    high = [r for r in extension.rows if r["stage"] == "high"]
    for r in high:
        assert r["pay_yuan"] == pytest.approx(
            r["self_study_sessions_term"] * scenario.self_study_rate_yuan, abs=0.01
        )
        assert r["self_study_pay_yuan"] == pytest.approx(r["pay_yuan"], abs=0.01)
    assert extension.quality["status"] == "neutral"  # no evidence beside these workbooks


def test_money_only_change_is_served_from_the_cache(schools, cache_dir, extension) -> None:
    richer = dataclasses.replace(
        extension.scenario, self_study_rate_yuan=50.0, public_topup_per_student_yuan=80.0
    )
    again = run_scenario(schools, richer, workers=2, cache=Cache(cache_dir))
    assert again.stats.solved == 0 and again.stats.cached == len(SUBSET)
    assert all(r.cached for r in again.results.values())
    a, b = extension.aggregates.county, again.aggregates.county
    assert b["sessions_held"] == a["sessions_held"]
    assert b["hourly_pay_high_yuan"] == pytest.approx(a["hourly_pay_high_yuan"] * 50 / 35)
    assert b["topup_yuan"] == pytest.approx(80.0 * a["students_enrolled"])


def test_partial_plans_name_school_skill_and_slot(schools, tmp_path) -> None:
    short = dataclasses.replace(load_scenario(preset_path("baseline")), teachers=0.35, periods=3)
    result = run_scenario({k: schools[k] for k in ("ZY004", "ZY020")}, short, workers=2)
    assert result.failures == []
    gaps = result.unstaffed
    assert gaps, "a third period with a third of the teachers cannot be staffed"
    for g in gaps:
        assert g["school_id"] in ("ZY004", "ZY020") and g["missing"] > 0
        if g["kind"] == "basic":
            assert g["slot_id"] and g["start"] and g["day"]
        else:
            assert "skill" in g  # blank skill: any teacher
    county = result.aggregates.county
    assert county["sessions_unstaffed"] == len(gaps)
    assert county["teacher_sessions_missing"] == sum(g["missing"] for g in gaps)
    assert county["coverage"] < 1.0
    # Each school's plan in the contract's form, which the independent checker accepts:
    # the staffed sessions in schedule.csv, every other one in unstaffed.csv.
    out = tmp_path / "run"
    write_run(result, out, report=False)
    runner = CliRunner()
    for sid in ("ZY004", "ZY020"):
        plan = out / "schools" / sid
        with (plan / "unstaffed.csv").open(encoding="utf-8-sig") as f:
            listed = list(csv.DictReader(f))
        assert list(listed[0]) == [
            "session_id", "activity_id", "session", "kind", "day", "slot_id", "missing"
        ]  # fmt: skip
        mine = sorted((g["activity_id"], g["session"]) for g in gaps if g["school_id"] == sid)
        assert sorted((r["activity_id"], int(r["session"])) for r in listed) == mine
        args = ["check", str(plan / "workbook"), str(plan / "schedule.csv")]
        check = runner.invoke(app, args)
        assert check.exit_code == 0, check.output
        (plan / "unstaffed.csv").unlink()  # without the list, the gaps are missing sessions
        if mine:
            check = runner.invoke(app, args)
            assert check.exit_code == 1 and "missing" in check.output


def test_a_failing_school_is_reported_and_the_batch_goes_on(schools) -> None:
    info = dataclasses.replace(schools["ZY030"].info, ratio=0)  # the reader never lets this in
    broken = dataclasses.replace(schools["ZY030"], info=info)
    outcomes, stats = schedule_schools(
        [broken, schools["ZY004"]], load_scenario(preset_path("baseline")).solver, workers=2
    )
    assert outcomes["ZY004"].ok and not outcomes["ZY030"].ok
    assert outcomes["ZY030"].status == "error" and "ZeroDivisionError" in outcomes["ZY030"].error
    assert stats.failed == 1 and stats.solved == 1


def test_a_plan_the_checker_refuses_is_a_failure_not_a_plan(schools, monkeypatch) -> None:
    """The CP-SAT path is the scheduling workflow: a plan its checker refuses never comes
    back as a plan, only as a failure that says why."""
    from scenarios import engine
    from scheduler.check import Violation

    workflow = engine.schedule_school

    def refused(school, options, previous=None, **kwargs):
        outcome = workflow(school, options, previous, **kwargs)
        outcome.violations = [Violation("unknown_teacher", (("teacher", "T999"),))]
        return outcome

    monkeypatch.setattr(engine, "schedule_school", refused)
    settings = dataclasses.replace(load_scenario(preset_path("baseline")).solver, greedy=False)
    got = solve_task(schools["ZY020"], settings)
    assert got.status == "violations" and got.schedule is None and not got.ok
    assert "T999" in got.error


def test_a_cached_plan_the_checker_refuses_is_solved_again(schools, tmp_path) -> None:
    settings = load_scenario(preset_path("baseline")).solver
    cache = Cache(tmp_path)
    first, _ = schedule_schools([schools["ZY004"]], settings, workers=1, cache=cache)
    path = cache.path(first["ZY004"].key)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schedule"]["sessions"] = data["schedule"]["sessions"][1:]  # a session lost
    path.write_text(json.dumps(data), encoding="utf-8")
    again, stats = schedule_schools([schools["ZY004"]], settings, workers=1, cache=cache)
    assert (stats.cached, stats.solved) == (0, 1)
    assert again["ZY004"].schedule == first["ZY004"].schedule
    _, stats = schedule_schools([schools["ZY004"]], settings, workers=1, cache=cache)
    assert (stats.cached, stats.solved) == (1, 0)  # the plan solved again was stored again


def test_cp_sat_path_matches_greedy_totals(schools) -> None:
    """The greedy shortcut changes who takes a session, never which sessions are held."""
    settings = load_scenario(preset_path("baseline")).solver
    a = solve_task(schools["ZY020"], settings)
    b = solve_task(schools["ZY020"], dataclasses.replace(settings, greedy=False))
    assert a.status == "greedy" and b.status == "optimal"
    assert isinstance(b, SolveOutcome) and not b.schedule.unstaffed
    assert len(a.schedule.sessions) == len(b.schedule.sessions)


def test_dask_run_equals_local_run(schools, extension) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, processes=True, host="127.0.0.1", threads_per_worker=1, dashboard_address=None
    ) as cluster:
        other = run_scenario(
            schools, extension.scenario, engine="dask", address=cluster.scheduler_address
        )
    assert other.stats.solved == len(SUBSET) and other.stats.cached == 0
    assert other.rows == extension.rows
    assert other.unstaffed == extension.unstaffed
    assert other.aggregates.county == extension.aggregates.county


def test_report_files(run_folder) -> None:
    book = openpyxl.load_workbook(run_folder / "report.xlsx", read_only=True)
    assert {
        "主要指标",
        "按学段",
        "按城乡",
        "各校",
        "无法安排教师的课次",
        "未能计算的学校",
        "方案参数",
    } <= set(book.sheetnames)
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') >= 6
    assert "Plotly.newPlot" in page and "<script src=" not in page  # self-contained
    assert "高中教师每课时补贴" in page and "经费缺口" in page
    run = load_run(run_folder)
    assert run.scenario.scenario_id == "high_school_extension"


def test_compare_report_in_english(run_folder, tmp_path) -> None:
    runs = [load_run(run_folder), load_run(run_folder)]
    paths = write_compare_report(runs, tmp_path, lang="en")
    page = paths["html"].read_text(encoding="utf-8")
    assert "Average subsidy per class hour by stage" in page and "Funding gap" in page
    book = openpyxl.load_workbook(paths["xlsx"], read_only=True)
    assert "Key figures" in book.sheetnames


def test_cli_run_and_compare(tmp_path, run_folder) -> None:
    county = tmp_path / "county"
    county.mkdir()
    for sid in ("ZY020", "ZY030"):
        (county / f"{sid}.xlsx").write_bytes((COUNTY / f"{sid}.xlsx").read_bytes())
    (county / "ZY999.xlsx").write_bytes(b"not a workbook")
    runner = CliRunner()
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "scenario",
            "run",
            str(county),
            "baseline",
            "--out",
            str(out),
            "--workers",
            "1",
            "--cache",
            str(tmp_path / "c"),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[1/2]" in result.output and "[2/2]" in result.output
    assert "ZY999" in result.output  # the unreadable workbook is reported, not fatal
    assert (out / "report.html").exists()
    result = runner.invoke(
        app, ["scenario", "compare", str(out), str(run_folder), "--out", str(tmp_path / "cmp")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cmp" / "compare.html").exists()
    bad = runner.invoke(app, ["scenario", "run", str(county), str(tmp_path / "nope.toml")])
    assert bad.exit_code == 2


EVIDENCE = COUNTY.parent / "sample_evidence"


def _quality_scenario(tmp_path: Path) -> Path:
    text = preset_path("baseline").read_text(encoding="utf-8")
    path = tmp_path / "quality.toml"
    path.write_text(text.replace('scheme = "hour_only"', 'scheme = "quality"'), encoding="utf-8")
    return path


def test_cli_evidence_scores_the_quality_scheme(tmp_path) -> None:
    county = tmp_path / "county"
    county.mkdir()
    (county / "ZY020.xlsx").write_bytes((COUNTY / "ZY020.xlsx").read_bytes())
    runner = CliRunner()
    args = ["scenario", "run", str(county), str(_quality_scenario(tmp_path)), "--workers", "1"]
    args += ["--cache", str(tmp_path / "c"), "--lang", "en", "--quiet"]
    with_ev = runner.invoke(
        app, [*args, "--out", str(tmp_path / "ev"), "--evidence", str(EVIDENCE)]
    )
    assert with_ev.exit_code == 0, with_ev.output
    assert f"Quality scores from: {EVIDENCE.name}" in with_ev.output
    neutral = runner.invoke(app, [*args, "--out", str(tmp_path / "neutral")])
    assert neutral.exit_code == 0, neutral.output
    quality = json.loads((tmp_path / "ev" / "summary.json").read_text(encoding="utf-8"))["quality"]
    assert quality["status"] == "evidence" and quality["teachers_with_evidence"] > 0
    assert load_run(tmp_path / "neutral").summary["quality"]["status"] == "neutral"

    def pay(folder: str) -> dict[str, float]:
        with (tmp_path / folder / "teachers.csv").open(encoding="utf-8-sig") as f:
            return {r["teacher_id"]: float(r["amount_yuan"]) for r in csv.DictReader(f)}

    scored, flat = pay("ev"), pay("neutral")
    assert scored.keys() == flat.keys()
    assert sum(scored.values()) == pytest.approx(sum(flat.values()), abs=0.01)  # same pool
    assert scored != flat  # ... split by quality, not by hours alone


def test_cli_bad_evidence_stops_before_scheduling(tmp_path) -> None:
    county = tmp_path / "county"
    county.mkdir()
    (county / "ZY020.xlsx").write_bytes((COUNTY / "ZY020.xlsx").read_bytes())
    bad = tmp_path / "evidence"
    bad.mkdir()
    (bad / "ratings.csv").write_text(
        "school_id,teacher_id,source,rater_id,score,scale,date\nZY020,T001,parent,P1,abc,5,2025-09-20\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    out = tmp_path / "run"
    args = ["scenario", "run", str(county), "baseline", "--out", str(out), "--evidence"]
    result = runner.invoke(app, [*args, str(bad)])
    assert result.exit_code == 2, result.output
    assert "ratings" in result.output and "abc" in result.output  # located: sheet and value
    assert "[1/1]" not in result.output and not out.exists()  # nothing scheduled or written
    missing = runner.invoke(app, [*args, str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "nope" in missing.output
