"""The database location and the unit of work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from store.db import PROJECT_ROOT, database_url, init_db, make_engine, session_scope
from store.models import SchoolVersion
from store.schools import save_school
from strategies import example_school


def test_url_defaults_to_var_under_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("AFTERSCHOOL_HOME", raising=False)
    assert database_url() == f"sqlite:///{PROJECT_ROOT / 'var' / 'afterschool.db'}"


def test_url_from_home_then_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("AFTERSCHOOL_HOME", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'afterschool.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql://u@h/db"


def test_sqlite_file_folder_is_created(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'a.db'}")
    init_db(engine)
    assert (tmp_path / "sub" / "a.db").exists()


def test_init_creates_every_registered_table(store_url: str) -> None:
    engine = make_engine(store_url)
    init_db(engine)
    init_db(engine)  # idempotent
    assert set(inspect(engine).get_table_names()) == {*SQLModel.metadata.tables, "alembic_version"}
    assert {"school_version", "schedule_version", "schedule_row"} <= set(SQLModel.metadata.tables)


def test_session_scope_rolls_back_on_error(store_url: str) -> None:
    engine = make_engine(store_url)
    init_db(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        save_school(session, example_school(), "a.xlsx")
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert session.exec(select(SchoolVersion)).all() == []


def test_an_outcome_that_failed_the_checker_is_never_stored(store_url: str) -> None:
    """The one storing rule of the command line and the app: `save_checked` stores a checked
    outcome, and refuses one whose schedule failed the checker, storing nothing."""
    from dataclasses import replace

    from scheduler.check import check, rows_of
    from scheduler.service import schedule_school
    from scheduler.solve import SolveOptions
    from school_builders import small_school
    from store.schedules import UncheckedSchedule, list_schedules, save_checked

    school = small_school()
    outcome = schedule_school(school, SolveOptions(workers=1, time_limit=20))
    assert outcome.checked
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:
        head = save_school(session, school, "a.xlsx")
        saved = save_checked(session, outcome, head.id, {"kind": "solve"})
        assert saved.version == 1 and saved.report["kind"] == "solve"
    # The same week with one session's teachers taken away: the checker objects.
    broken = replace(
        outcome.schedule,
        sessions=(
            replace(outcome.schedule.sessions[0], teacher_ids=()),
            *outcome.schedule.sessions[1:],
        ),
    )
    bad = replace(outcome, schedule=broken, violations=check(school, rows_of(broken)))
    assert bad.violations and not bad.checked
    with pytest.raises(UncheckedSchedule), session_scope(engine) as session:
        save_checked(session, bad, head.id)
    with session_scope(engine) as session:
        assert [v.version for v in list_schedules(session, school.school_id)] == [1]
