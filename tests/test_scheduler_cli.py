"""`afterschool schedule`, `check` and `repair` on sample workbooks, with a throwaway database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from scheduler.repair import mark_unavailable
from scheduler.solve import Report, Result, inputs_hash
from scheduler.weights import Weights
from store.db import init_db, make_engine, session_scope
from store.schedules import list_schedules, load_schedule
from store.schools import school_versions
from workbook.reader import read_school
from workbook.writer import write_xlsx

COUNTY = Path(__file__).resolve().parents[1] / "data" / "sample_county"
SMALL = COUNTY / "ZY045.xlsx"  # village primary: 4 teachers, 2 classes, 3 clubs
MEDIUM = COUNTY / "ZY083.xlsx"  # village primary: 8 teachers, 5 classes (for determinism)
BROKEN = Path(__file__).resolve().parent / "corpus" / "broken" / "bad_day.xlsx"
FAST = ["--time-limit", "10", "--workers", "1", "--week-start", "2025-03-03"]

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)  # never the real database
        yield url


@pytest.fixture(autouse=True)
def _isolated_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)


@pytest.fixture(scope="module")
def first_run(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("run1")
    result = invoke("schedule", SMALL, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    return out, result.output


def _engine(url: str):
    engine = make_engine(url)
    init_db(engine)
    return engine


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _write(rows: list[dict[str, str]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- schedule ------------------------------------------------------------------------------


def test_schedule_writes_every_file_checks_and_stores(first_run, db_url: str) -> None:
    out, output = first_run
    for name in ("schedule.csv", "schedule.xlsx", "summary.md", "report.json"):
        assert (out / name).is_file(), name
    assert not (out / "unstaffed.csv").exists()  # a complete plan
    school = read_school(SMALL).school
    assert {p.name for p in (out / "ics").iterdir()} == {
        f"{x.teacher_id}.ics" for x in school.teachers
    }
    assert "independent check passed" in output
    assert "bound" in output  # the progress header
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["inputs_hash"] == inputs_hash(school, Weights())
    assert report["report"]["status"] in ("optimal", "feasible")
    with session_scope(_engine(db_url)) as session:
        stored, head = load_schedule(session, school.school_id)
        versions = school_versions(session, school.school_id)
    assert head.inputs_hash == report["inputs_hash"] and head.report["status"]
    assert [{k: str(v) for k, v in r.items()} for r in stored.rows()] == _rows(out / "schedule.csv")
    assert len(versions) == 1


def test_schedule_lists_every_penalty_where_the_objective_comes_from(first_run) -> None:
    """penalties.csv has one row per soft-rule item; per term they add up to the report."""
    out, _output = first_run
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))["report"]
    rows = _rows(out / "penalties.csv")
    assert rows and {"term", "weighted", "zh", "en"} <= set(rows[0])
    for name, term in report["terms"].items():
        mine = [r for r in rows if r["term"] == name]
        assert sum(int(r["amount"]) for r in mine) == term["value"] or report["status"] != "optimal"
    assert "软性规则扣分明细" in (out / "summary.md").read_text(encoding="utf-8")


def test_a_second_run_adds_a_schedule_version_not_a_school_version(
    first_run, db_url: str, tmp_path: Path
) -> None:
    result = invoke("schedule", SMALL, "--out", tmp_path, *FAST, "--weight", "homeroom=50")
    assert result.exit_code == 0, result.output
    with session_scope(_engine(db_url)) as session:
        assert len(school_versions(session, "ZY045")) == 1
        schedules = list_schedules(session, "ZY045")
    assert len(schedules) >= 2 and schedules[-1].report["weights"]["homeroom"] == 50


def test_same_seed_with_one_worker_gives_the_same_file(tmp_path: Path) -> None:
    files = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = invoke("schedule", MEDIUM, "--out", out, *FAST, "--seed", 7, "--no-store")
        assert result.exit_code == 0, result.output
        files.append((out / "schedule.csv").read_bytes())
    assert files[0] == files[1]


def test_invalid_workbook_exits_2_with_every_problem(tmp_path: Path) -> None:
    result = invoke("schedule", BROKEN, "--out", tmp_path, *FAST)
    assert result.exit_code == 2
    assert "error" in result.output and not (tmp_path / "schedule.csv").exists()


@pytest.mark.parametrize(
    "option",
    [["--weight", "homeroom"], ["--weight", "nosuch=3"], ["--week-start", "2025-03-04"]],
)
def test_bad_options_exit_2(tmp_path: Path, option: list[str]) -> None:
    result = invoke("schedule", SMALL, "--out", tmp_path, "--time-limit", "5", *option)
    assert result.exit_code == 2, result.output


def test_infeasible_school_exits_3_and_says_why(tmp_path: Path) -> None:
    school = read_school(SMALL).school
    acts = tuple(
        replace(a, skill="无人会") if a.activity_id == "A03" else a for a in school.activities
    )
    path = write_xlsx(replace(school, activities=acts), tmp_path / "no_skill.xlsx")
    result = invoke("schedule", path, "--out", tmp_path / "out", *FAST, "--no-store")
    assert result.exit_code == 3, result.output
    assert "剪纸" in result.output and "无人会" in result.output
    assert "no schedule satisfies every rule" in result.output
    assert not (tmp_path / "out" / "schedule.csv").exists()


def test_time_limit_without_solution_exits_4(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(
        "scheduler.service.solve", lambda school, options: Result(None, Report("time_limit"))
    )
    result = invoke("schedule", SMALL, "--out", tmp_path, *FAST)
    assert result.exit_code == 4
    assert "--time-limit" in result.output


# --- check ---------------------------------------------------------------------------------


def test_check_passes_on_the_written_schedule(first_run) -> None:
    out, _ = first_run
    result = invoke("check", SMALL, out / "schedule.csv")
    assert result.exit_code == 0, result.output


def test_check_names_a_double_booked_teacher(first_run, tmp_path: Path) -> None:
    out, _ = first_run
    rows = _rows(out / "schedule.csv")
    a, b = next(
        (a, b)
        for a in rows
        for b in rows
        if a["slot_id"] == b["slot_id"] and a["session_id"] != b["session_id"]
    )
    b["teacher_id"] = a["teacher_id"]
    result = invoke("check", SMALL, _write(rows, tmp_path / "schedule.csv"))
    assert result.exit_code == 1
    assert "double_booked" in result.output and a["teacher_id"] in result.output


def test_check_excuses_sessions_listed_in_unstaffed_csv(first_run, tmp_path: Path) -> None:
    out, _ = first_run
    rows = _rows(out / "schedule.csv")
    last = rows[-1]
    kept = [r for r in rows if r["session_id"] != last["session_id"]]
    path = _write(kept, tmp_path / "schedule.csv")
    assert invoke("check", SMALL, path).exit_code == 1  # missing session
    # The contract's unstaffed.csv names the session by activity and index (its session_id
    # is the product's own and need not match the schedule file's).
    unstaffed = {"session_id": "x1", "activity_id": last["activity_id"],
                 "session": last["session"], "kind": last["kind"], "day": "", "slot_id": "",
                 "missing": "1"}  # fmt: skip
    _write([unstaffed], tmp_path / "unstaffed.csv")
    result = invoke("check", SMALL, path)
    assert result.exit_code == 0, result.output
    assert "unstaffed.csv" in result.output
    # Listed as unstaffed and yet held: the two files contradict each other.
    _write(rows, path)
    result = invoke("check", SMALL, path)
    assert result.exit_code == 1 and "unstaffed_held" in result.output
    # Not in the contract's form (no session index): refused, not silently ignored.
    _write([{**unstaffed, "session": ""}], tmp_path / "unstaffed.csv")
    assert invoke("check", SMALL, path).exit_code == 2


def test_check_reads_a_schedule_resaved_by_excel_as_gbk(first_run, tmp_path: Path) -> None:
    out, _ = first_run
    rows = [{**r, "备注": "王老师值班"} for r in _rows(out / "schedule.csv")]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "schedule.csv"
    path.write_bytes(text.getvalue().encode("gbk"))
    result = invoke("check", SMALL, path)
    assert result.exit_code == 0, result.output


def test_partial_plan_lists_what_it_could_not_staff(tmp_path: Path) -> None:
    school = read_school(SMALL).school
    acts = tuple(
        replace(a, skill="无人会") if a.activity_id == "A03" else a for a in school.activities
    )
    path = write_xlsx(replace(school, activities=acts), tmp_path / "no_skill.xlsx")
    out = tmp_path / "out"
    result = invoke("schedule", path, "--out", out, *FAST, "--no-store", "--partial")
    assert result.exit_code == 0, result.output
    assert "unstaffed.csv" in result.output
    held = _rows(out / "schedule.csv")
    assert held and all(r["activity_id"] != "A03" for r in held)
    unstaffed = _rows(out / "unstaffed.csv")
    a03 = next(a for a in acts if a.activity_id == "A03")
    assert list(unstaffed[0]) == [
        "session_id", "activity_id", "session", "kind", "day", "slot_id", "missing"
    ]  # fmt: skip
    assert sorted((r["activity_id"], r["session"], r["missing"]) for r in unstaffed) == [
        ("A03", str(k), str(a03.staff)) for k in range(1, a03.sessions_per_week + 1)
    ]
    assert invoke("check", path, out / "schedule.csv").exit_code == 0  # excused, not missing
    # A later complete plan in the same folder removes the old list (it would excuse).
    assert invoke("schedule", SMALL, "--out", out, *FAST, "--no-store").exit_code == 0
    assert not (out / "unstaffed.csv").exists()


def test_check_invalid_workbook_exits_2(first_run) -> None:
    out, _ = first_run
    assert invoke("check", BROKEN, out / "schedule.csv").exit_code == 2


# --- repair --------------------------------------------------------------------------------


def test_repair_keeps_what_it_can_and_lists_changes(first_run, tmp_path: Path) -> None:
    out, _ = first_run
    school = read_school(SMALL).school
    busy = next(r["teacher_id"] for r in _rows(out / "schedule.csv") if r["day"] == "1")
    changed = write_xlsx(mark_unavailable(school, busy, 1), tmp_path / "changed.xlsx")
    result = invoke("repair", changed, out / "schedule.csv", "--out", tmp_path / "r", *FAST)
    assert result.exit_code == 0, result.output
    assert "change(s) from the previous schedule" in result.output
    assert (tmp_path / "r" / "schedule.xlsx").is_file()
    new = _rows(tmp_path / "r" / "schedule.csv")
    assert not any(r["teacher_id"] == busy and r["day"] == "1" for r in new)
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["changes"] and report["previous"].endswith("schedule.csv")
