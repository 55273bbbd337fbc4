"""Where the database lives and how a unit of work is opened.

SQLite file by default, any SQLAlchemy URL through `DATABASE_URL`. Nothing here is
SQLite-only except a connection pragma applied when the dialect is SQLite.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from store.rights import Actor

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DB_FILE = "afterschool.db"
# Modules that register tables on SQLModel.metadata; optional ones may not exist yet.
TABLE_MODULES = ("store.models", "store.audit", "store.accounts")
OPTIONAL_TABLE_MODULES = ("store.subsidy_runs",)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema the first release created with `create_all`, before migrations existed.
FIRST_REVISION = "0001"
FIRST_SCHEMA_TABLE = "school_version"


def database_url() -> str:
    """`DATABASE_URL`, else a SQLite file in `$AFTERSCHOOL_HOME` or the project's `var/`."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    home = os.environ.get("AFTERSCHOOL_HOME")
    folder = Path(home) if home else PROJECT_ROOT / "var"
    return f"sqlite:///{folder / DB_FILE}"


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Let SQLAlchemy own transactions: Python's sqlite3 would otherwise run DDL outside
    # them (one disk sync per CREATE) and begin late (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None


def _on_sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default `database_url()`); creates a SQLite file's folder."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def register_tables() -> None:
    """Import every module that defines tables, so metadata knows them all."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    for name in OPTIONAL_TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but is itself broken: say so
                raise


def alembic_config(connection: Connection) -> Config:
    """Alembic's settings in code (no alembic.ini), bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def init_db(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest) with Alembic; idempotent.

    A database made by the first release has the tables but no `alembic_version`: it is
    stamped as the first revision, then upgraded like any other. One transaction, so a
    failed or killed upgrade leaves the schema as it was.
    """
    with engine.begin() as connection:
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if FIRST_SCHEMA_TABLE in tables and "alembic_version" not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)


@contextmanager
def session_scope(engine: Engine, actor: Actor | None = None) -> Iterator[Session]:
    """One unit of work for `actor`: commit on success, roll back on any exception.

    The actor goes into `session.info`, where every store function checks its rights
    (store.rights); no actor means the local operator (system rights). Objects stay
    readable after commit (expire_on_commit=False) so callers can report what was saved
    without another query.
    """
    info = {} if actor is None else {"actor": actor}
    session = Session(engine, expire_on_commit=False, info=info)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ready_engine(url: str | None = None) -> Engine:
    """An engine on the database at `url` (default: DATABASE_URL), its schema brought up
    to date: what a command or the app opens before any unit of work."""
    engine = make_engine(url)
    init_db(engine)
    return engine


@contextmanager
def store_session(url: str | None = None, actor: Actor | None = None) -> Iterator[Session]:
    """`session_scope` on `ready_engine(url)`: what a command needs for one unit of work."""
    with session_scope(ready_engine(url), actor) as session:
        yield session
