"""`afterschool subsidies` on the database: schools and schedules come from the store and give
the same pay as the same school and schedule given as files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from compensation.samplegen import read_schedule_csv
from store.db import init_db, make_engine, session_scope
from store.importer import import_paths
from store.schedules import save_schedule
from store.schools import list_schools
from store.subsidy_runs import list_runs

DATA = Path(__file__).resolve().parents[1] / "data"
COUNTY = DATA / "sample_county"
EVIDENCE = DATA / "sample_evidence"
SCHOOLS = ("ZY001", "ZY002")


def _stored(url: str) -> None:
    """Two sample schools and their sample schedules in the store."""
    engine = make_engine(url)
    init_db(engine)
    assert import_paths(engine, [COUNTY / f"{sid}.xlsx" for sid in SCHOOLS], workers=1).ok
    with session_scope(engine) as session:
        for summary in list_schools(session):
            sid = summary.school_id
            schedule = read_schedule_csv(EVIDENCE / "schedules" / f"{sid}.csv", sid)
            save_schedule(session, schedule, summary.school_version_id, "h", "optimal", {})
    engine.dispose()


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, ["subsidies", "--term", "2025-autumn", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_school_from_the_store_is_paid_like_the_same_files(store_url: str, tmp_path: Path) -> None:
    _stored(store_url)
    common = ["--evidence", str(EVIDENCE), "--policy", str(EVIDENCE / "policy.toml")]
    _run("--school", "ZY001", *common, "--db", store_url, "--out", str(tmp_path / "db"))
    _run(
        "--school", "ZY001", *common, "--no-save", "--out", str(tmp_path / "files"),
        "--workbook", str(COUNTY / "ZY001.xlsx"),
        "--schedules", str(EVIDENCE / "schedules" / "ZY001.csv"),
    )  # fmt: skip
    from_db = (tmp_path / "db" / "payroll.csv").read_text("utf-8-sig")
    assert from_db == (tmp_path / "files" / "payroll.csv").read_text("utf-8-sig")
    assert from_db.count(",ZY001,") > 10  # one line per teacher

    engine = make_engine(store_url)
    with session_scope(engine) as session:
        (run,) = list_runs(session)
    assert run.scope == "ZY001"


def test_county_from_the_store(store_url: str, tmp_path: Path) -> None:
    _stored(store_url)
    _run(
        "--county", "--evidence", str(EVIDENCE), "--policy", str(EVIDENCE / "policy.toml"),
        "--db", store_url, "--out", str(tmp_path / "county"),
    )  # fmt: skip
    payroll = (tmp_path / "county" / "payroll.csv").read_text("utf-8-sig")
    assert all(payroll.count(f",{sid},") > 10 for sid in SCHOOLS)
