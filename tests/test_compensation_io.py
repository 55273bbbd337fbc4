"""Compensation inputs and outputs: policy, evidence, delivery, pipeline, storage, CLI."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from compensation.delivery import apply_log, planned_from_schedule, teacher_load
from compensation.errors import CompensationError
from compensation.evidence import read_evidence, write_evidence_template
from compensation.payroll import write_all
from compensation.policy import Policy, Term, load_policy_toml, policy_from_rows
from compensation.run import run_school
from compensation.samplegen import generate, plausible_schedule, read_schedule_csv, write_sample
from domain.problems import Problems
from domain.schedule import Placed, Schedule
from domain.school import Activity, Group, School, SchoolInfo, Slot, Teacher

TERM = Term(
    "2025-autumn",
    dt.date(2025, 9, 1),
    dt.date(2025, 10, 31),
    tuple(dt.date(2025, 10, d) for d in range(1, 8)),
)


def small_school(location: str = "village") -> School:
    slots = (
        Slot("MON1", 1, "16:00", "16:45", "basic"),
        Slot("TUE1", 2, "16:00", "17:30", "extended"),
        Slot("SAT1", 6, "09:00", "09:45", "extended"),
    )
    teachers = tuple(Teacher(f"T{i}", f"教师{i}", skills=("篮球",)) for i in range(1, 5))
    groups = (Group("G1", (3,), 40, ("MON1",), 40), Group("G2", (4,), 40, ("MON1",), 40))
    activities = (
        Activity("A1", "篮球", "sports", "篮球", 1, 20),
        Activity("A2", "周末篮球", "sports", "篮球", 1, 20, allowed_slots=("SAT1",)),
    )
    return School(
        SchoolInfo("S1", "测试小学", "primary", location), slots, teachers, groups, activities
    )


def schedule() -> Schedule:
    return Schedule(
        "S1",
        (
            Placed("basic:G1", 1, "basic", 1, "MON1", "16:00", "16:45", "R1", ("T1",)),
            Placed("basic:G2", 1, "basic", 1, "MON1", "16:00", "16:45", "R2", ("T2",)),
            Placed("A1", 1, "extended", 2, "TUE1", "16:00", "17:30", "GYM", ("T3",)),
            Placed("A2", 1, "extended", 6, "SAT1", "09:00", "09:45", "GYM", ("T4",)),
        ),
    )


# ---------------------------------------------------------------- delivery


def test_schedule_times_term_corrected_by_log() -> None:
    planned = planned_from_schedule(schedule(), TERM)
    mondays = [d for d in TERM.dates() if d.isoweekday() == 1]
    assert (planned["teacher_id"] == "T1").sum() == len(mondays) == 8
    log = pd.DataFrame(
        [
            {
                "school_id": "S1",
                "date": mondays[0],
                "slot_id": "MON1",
                "activity_id": "basic:G1",
                "teacher_id": "T1",
                "status": "cancelled",
            },
            {
                "school_id": "S1",
                "date": mondays[1],
                "slot_id": "MON1",
                "activity_id": "basic:G1",
                "teacher_id": "T4",
                "status": "substituted",
                "replaces": None,
            },
            {
                "school_id": "S1",
                "date": mondays[2],
                "slot_id": "MON1",
                "activity_id": "basic:G1",
                "teacher_id": "T1",
                "status": "delivered",
                "students_present": 35,
            },
            {
                "school_id": "S1",
                "date": dt.date(2025, 12, 1),
                "slot_id": "MON1",
                "activity_id": "basic:G1",
                "teacher_id": "T1",
                "status": "delivered",
            },
        ]
    )
    problems = Problems()
    occ = apply_log(planned, log, {"S1": small_school()}, TERM, problems)
    load = teacher_load(occ, Policy()).set_index("teacher_id")
    assert load.loc["T1", "sessions"] == 6  # one cancelled, one taken by T4
    saturdays = [d for d in TERM.dates() if d.isoweekday() == 6]
    assert load.loc["T4", "sessions"] == len(saturdays) + 1
    assert load.loc["T3", "hours"] == pytest.approx(
        2.0 * len([d for d in TERM.dates() if d.isoweekday() == 2])
    )  # 90 min = 2 class hours
    assert load.loc["T4", "weekend_hours"] > 0
    assert [p.code for p in problems.warnings] == ["comp.log.outside_term"]
    assert occ.loc[occ["students_present"].notna(), "enrolled"].tolist() == [40.0]


def test_log_alone_needs_a_length() -> None:
    log = pd.DataFrame(
        [
            {
                "school_id": "S1",
                "date": dt.date(2025, 9, 2),
                "slot_id": "TUE1",
                "activity_id": "A1",
                "teacher_id": "T3",
                "status": "delivered",
            },
            {
                "school_id": "S1",
                "date": dt.date(2025, 9, 2),
                "slot_id": "X9",
                "activity_id": "A1",
                "teacher_id": "T2",
                "status": "delivered",
                "_row": 3,
                "_sheet": "授课记录",
            },
        ]
    )
    problems = Problems()
    empty = planned_from_schedule(Schedule("S1", ()), TERM)
    occ = apply_log(empty, log, {"S1": small_school()}, TERM, problems)
    assert occ["minutes"].tolist() == [90.0]
    err = problems.errors[0]
    assert (err.code, err.sheet, err.row, err.column) == (
        "comp.log.no_length",
        "授课记录",
        3,
        "slot_id",
    )


# ---------------------------------------------------------------- policy


def test_policy_toml_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "policy.toml"
    good.write_text(
        'quality_pool_share = 0.25\nlp_rules = [{lhs = "村小", rhs = "town"}]\n'
        '[source_weights]\n"家长" = 0.5\nleader = 0.5\n'
        '[term]\nid = "2025-autumn"\nstart = 2025-09-01\nend = 2026-01-15\n',
        encoding="utf-8",
    )
    p = load_policy_toml(good)
    assert p.quality_pool_share == 0.25 and p.source_weights == {"parent": 0.5, "leader": 0.5}
    assert p.lp_rules[0].lhs == "village" and p.term.end == dt.date(2026, 1, 15)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'quality_pool_share = 1.5\nbase_rate = 50\nfloor_per_hour_yuan = "x"\n', encoding="utf-8"
    )
    with pytest.raises(CompensationError) as info:
        load_policy_toml(bad)
    codes = {(p.code, p.column) for p in info.value.problems.errors}
    assert ("comp.policy.unknown_key", "base_rate") in codes
    assert ("comp.policy.bad.number", "floor_per_hour_yuan") in codes
    text = info.value.render()
    assert "未知的政策参数" in text and "Unknown policy key" in text and "bad.toml" in text


def test_policy_sheet_rows_name_the_row() -> None:
    p = policy_from_rows(
        [
            ("base_rate_yuan", "60", 2),
            ("source_weights.parent", "0.4", 3),
            ("term.id", "2025-autumn", 4),
            ("term.start", "2025-09-01", 5),
            ("term.end", "2026-01-15 00:00:00", 6),
        ]
    )
    assert p.base_rate_yuan == 60 and p.source_weights == {"parent": 0.4}
    with pytest.raises(CompensationError) as info:
        policy_from_rows(
            [("floor_per_hour_yuan", "90", 2), ("cap_per_hour_yuan", "80", 7)], sheet="补助政策"
        )
    err = info.value.problems.errors[0]
    assert (err.sheet, err.row, err.column) == ("补助政策", 7, "cap_per_hour_yuan")


# ---------------------------------------------------------------- evidence


def write_ratings(path: Path, rows: list[list[object]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "评价"
    ws.append(["2025年秋季学期评价汇总"])  # a title row above the header
    ws.append(["教师编号", "评价来源", "评价人编号", "分数", "满分", "日期"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_bad_evidence_names_sheet_row_column(tmp_path: Path) -> None:
    path = tmp_path / "ratings.xlsx"
    write_ratings(
        path,
        [
            ["T1", "家长", "P1", 4.5, 5, "2025-09-10"],
            ["T1", "校外专家", "E1", 4, 5, "2025-09-10"],
            ["T2", "学生", "X1", 7, 5, "2025-09-10"],
            ["T2", "领导", "L1", 88, 100, "2025-09-31"],
        ],
    )
    ev = read_evidence(path, Policy(), {"S1": small_school()})
    errors = {(p.code, p.sheet, p.row, p.column) for p in ev.problems.errors}
    assert ("comp.ratings.source", "评价", 4, "评价来源") in errors
    assert ("comp.ratings.range", "评价", 5, "分数") in errors
    assert any(code == "wb.cell.date" and row == 6 for code, _, row, _ in errors)
    assert len(ev.ratings) == 1 and ev.ratings["source"].tolist() == ["parent"]
    msg = next(p for p in ev.problems.errors if p.code == "comp.ratings.range")
    assert "1-5" in msg.zh and "1-5" in msg.en


def test_template_round_trips(tmp_path: Path) -> None:
    path = write_evidence_template(tmp_path / "evidence.xlsx", "zh")
    assert {"授课记录", "评价", "事实指标", "利益冲突申报", "补助政策"} <= set(
        load_workbook(path).sheetnames
    )
    ev = read_evidence(path, None, None)
    assert not ev.problems.errors, [p.render() for p in ev.problems.errors]
    assert ev.policy == Policy()
    assert ev.ratings["source"].tolist() == ["parent", "leader"]
    assert ev.log["status"].tolist() == ["delivered", "substituted"]


# ---------------------------------------------------------------- pipeline, storage, CLI


def sample(tmp_path: Path):
    school = small_school()
    policy = Policy(term=TERM)
    gen = generate([school], TERM, seed=7, schedules={"S1": schedule()})
    write_sample(gen, tmp_path / "ev")
    ev = read_evidence(tmp_path / "ev", policy, {"S1": school})
    return school, policy, ev


def test_pipeline_is_deterministic_and_explained(tmp_path: Path) -> None:
    school, policy, ev = sample(tmp_path)
    a = run_school(school, policy, ev, schedule())
    b = run_school(school, policy, ev, schedule())
    assert a.inputs_hash == b.inputs_hash
    slips = a.payslips["quality"]
    assert int(slips["amount_fen"].sum()) == a.budget_fen
    assert slips["reason_zh"].str.contains("系数").all()
    assert slips["reason_en"].str.contains("multiplier").all()
    files_a = write_all(a, tmp_path / "a")
    files_b = write_all(b, tmp_path / "b")
    for fa, fb in zip(files_a, files_b, strict=True):
        if fa.suffix == ".csv":
            assert fa.read_bytes() == fb.read_bytes()
    assert (tmp_path / "a" / "payroll.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    ws = load_workbook(tmp_path / "a" / "payroll.xlsx").active
    rows = list(ws.values)
    total_row = next(r for r in rows if r and r[0] == "合计")
    assert total_row[9] == pytest.approx(a.budget_fen / 100)
    assert "领款人签字" in rows[1]


def test_plausible_schedule_respects_limits() -> None:
    school = small_school()
    plan = plausible_schedule(school, random.Random(1))
    per_teacher: dict[str, int] = {}
    for p in plan.sessions:
        for t in p.teacher_ids:
            per_teacher[t] = per_teacher.get(t, 0) + 1
    assert all(v <= 5 for v in per_teacher.values())
    assert {p.activity_id for p in plan.sessions} == {"basic:G1", "basic:G2", "A1", "A2"}


def test_runs_are_stored_unchangeably(tmp_path: Path) -> None:
    from store.db import init_db, make_engine, session_scope
    from store.subsidy_runs import ImmutableRunError, list_runs, load_run, save_run

    school, policy, ev = sample(tmp_path)
    result = run_school(school, policy, ev, schedule())
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    init_db(engine)
    with session_scope(engine) as session:
        run_id = save_run(session, result).id
    with session_scope(engine) as session:
        run, lines = load_run(session, run_id)
        assert run.inputs_hash == result.inputs_hash
        assert sum(line.amount_fen for line in lines) == result.budget_fen
        assert list_runs(session, inputs_hash=result.inputs_hash)[0].id == run_id
    with pytest.raises(ImmutableRunError), session_scope(engine) as session:
        run, _ = load_run(session, run_id)
        run.budget_fen = 1
        session.flush()


def test_cli_subsidies_for_a_school(tmp_path: Path) -> None:
    from cli.main import app
    from workbook.writer import write_xlsx

    school, _, _ = sample(tmp_path)
    write_xlsx(school, tmp_path / "school.xlsx")
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[term]\nid = "2025-autumn"\nstart = 2025-09-01\nend = 2025-10-31\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    args = [
        "subsidies",
        "--school",
        "S1",
        "--term",
        "2025-autumn",
        "--policy",
        str(policy),
        "--evidence",
        str(tmp_path / "ev"),
        "--workbook",
        str(tmp_path / "school.xlsx"),
        "--schedules",
        str(tmp_path / "ev" / "schedules"),
        "--out",
        str(out),
        "--db",
        f"sqlite:///{tmp_path / 'cli.db'}",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "payroll.xlsx").exists() and (out / "comparison.csv").exists()
    sched = read_schedule_csv(tmp_path / "ev" / "schedules" / "S1.csv", "S1")
    assert len(sched.sessions) == 4
    # Floors above the budget: exit code 3 and the shortfall in 元.
    policy.write_text('budget_mode = "fixed"\nbudget_yuan = 1300\n', encoding="utf-8")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3
    assert "缺口" in result.output and "short by" in result.output


def test_one_school_from_county_evidence_leaves_the_others_out(tmp_path: Path) -> None:
    """A finance officer runs one school with the county's evidence files: the other schools'
    rows are out of scope (one note per sheet), never errors, and the pay is the same as
    from files holding that school's rows alone."""
    from workbook.reader import read_school

    root = Path(__file__).resolve().parents[1] / "data"
    school = read_school(root / "sample_county" / "ZY001.xlsx").school
    policy = load_policy_toml(root / "sample_evidence" / "policy.toml")
    schedule = read_schedule_csv(root / "sample_evidence" / "schedules" / "ZY001.csv", "ZY001")
    own = tmp_path / "own"
    own.mkdir()
    for source in (root / "sample_evidence").glob("*.csv"):
        frame = pd.read_csv(source, encoding="utf-8-sig", dtype=str)
        frame[frame["school_id"] == "ZY001"].to_csv(own / source.name, index=False)

    def pay(folder: Path) -> tuple[dict[str, list[int]], Problems]:
        evidence = read_evidence(folder, policy, {"ZY001": school})
        result = run_school(school, evidence.policy or policy, evidence, schedule)
        lines = {s: list(a.lines["amount_fen"]) for s, a in result.allocations.items()}
        return lines, evidence.problems

    county_pay, problems = pay(root / "sample_evidence")
    assert not problems.errors
    notes = [p for p in problems.items if p.code == "comp.evidence.unknown_school"]
    assert len(notes) == 3  # delivery log, ratings, facts: one note each
    own_pay, own_problems = pay(own)
    assert not own_problems.items
    assert county_pay == own_pay and sum(county_pay["quality"]) > 0
