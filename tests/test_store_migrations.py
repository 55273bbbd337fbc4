"""Schema migrations (Alembic): the newest revision builds exactly the models' schema, and a
database left by the first release (tables made by `create_all`, no `alembic_version`)
upgrades in place with every row still loadable.

`fixtures/store_first_schema.sql` is a SQLite dump made with the first release's code:
two sample schools (ZY001, ZY002) imported, one schedule of ZY001 solved and stored, one
subsidy run of ZY001 saved. On PostgreSQL the same rows are copied into the first
revision's tables, which are the first release's tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from store.db import FIRST_REVISION, alembic_config, init_db, make_engine, session_scope
from store.schedules import list_schedules, load_schedule
from store.schools import list_schools, load_school, save_school, school_hash, school_versions
from store.subsidy_runs import list_runs, load_run

FIXTURE = Path(__file__).parent / "fixtures" / "store_first_schema.sql"


def _current_and_head(engine: Engine) -> tuple[str | None, str]:
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
    return current, head


def _fixture_source() -> Engine:
    """The first release's database, in memory."""
    raw = sqlite3.connect(":memory:", check_same_thread=False)
    raw.executescript(FIXTURE.read_text(encoding="utf-8"))
    return create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)


def _first_release(url: str) -> Engine:
    """A database at `url` exactly as the first release left it."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # Plain sqlite3: the dump creates children before parents, so no foreign-key pragma.
        with sqlite3.connect(engine.url.database) as raw:
            raw.executescript(FIXTURE.read_text(encoding="utf-8"))
        return engine
    init_db(engine, FIRST_REVISION)  # the first revision is the first release's schema
    source = _fixture_source()
    tables = MetaData()
    tables.reflect(source)
    with source.connect() as src, engine.begin() as dst:
        dst.execute(text("DROP TABLE alembic_version"))  # create_all made none
        for table in tables.sorted_tables:  # parents before children
            rows = [dict(row._mapping) for row in src.execute(select(table))]
            if rows:
                dst.execute(table.insert(), rows)
            # Explicit ids do not advance PostgreSQL's sequences; the first release's would have.
            last = max((row["id"] for row in rows), default=1)
            sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
            dst.execute(text(f"SELECT setval({sequence}, {last})"))
    return engine


def test_newest_revision_builds_exactly_the_models(store_url: str) -> None:
    engine = make_engine(store_url)
    init_db(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == [], "a model changed without a migration: add a revision"
    current, head = _current_and_head(engine)
    assert current == head


def test_init_db_twice_keeps_one_revision_row(store_url: str) -> None:
    engine = make_engine(store_url)
    init_db(engine)
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_first_release_database_upgrades_with_its_rows(store_url: str) -> None:
    engine = _first_release(store_url)
    assert "alembic_version" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        before = {
            name: conn.execute(select(func.count()).select_from(text(name))).scalar_one()
            for name in inspect(engine).get_table_names()
        }
    assert before["school_version"] == 2 and before["schedule_row"] > 0

    init_db(engine)

    current, head = _current_and_head(engine)
    assert current == head
    with engine.connect() as conn:
        for name, count in before.items():  # nothing lost
            assert conn.execute(select(func.count()).select_from(text(name))).scalar_one() == count
    with session_scope(engine) as session:
        assert [s.school_id for s in list_schools(session)] == ["ZY001", "ZY002"]
        for school_id in ("ZY001", "ZY002"):
            (stored,) = school_versions(session, school_id)
            assert school_hash(load_school(session, school_id)) == stored.content_hash
        (schedule_version,) = list_schedules(session, "ZY001")
        schedule, _ = load_schedule(session, "ZY001", schedule_version.version)
        assert len(schedule.sessions) > 0
        (run,) = list_runs(session)
        _, lines = load_run(session, run.id)
        assert sum(line.amount_fen for line in lines) == run.budget_fen
        # New rows go after the old ones: the upgraded database keeps working.
        school = load_school(session, "ZY002")
        assert save_school(session, school, "edited.xlsx").version == 2


def test_db_commands_upgrade_and_report(store_url: str) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["db", "current", "--db", store_url])
    assert result.exit_code == 1 and "current revision -" in result.output
    result = runner.invoke(app, ["db", "upgrade", "--db", store_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["db", "current", "--db", store_url])
    _, head = _current_and_head(make_engine(store_url))
    assert result.exit_code == 0 and f"current revision {head}, newest {head}" in result.output


def test_db_revision_writes_an_empty_script_when_models_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from typer.testing import CliRunner

    import store.db
    from cli.main import app

    scripts = tmp_path / "migrations"
    shutil.copytree(store.db.MIGRATIONS, scripts)
    monkeypatch.setattr(store.db, "MIGRATIONS", scripts)
    result = CliRunner().invoke(app, ["db", "revision", "nothing changed"])
    assert result.exit_code == 0, result.output
    (new,) = [p for p in (scripts / "versions").glob("*.py") if "nothing_changed" in p.name]
    body = new.read_text("utf-8")
    upgrade = body[body.index("def upgrade") : body.index("def downgrade")]
    assert "op." not in upgrade  # models and newest revision agree: nothing to do
