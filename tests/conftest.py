"""Which database the tests use.

By default every test that asks for `store_url` gets a fresh SQLite file in its tmp_path.
When `DATABASE_URL` points at PostgreSQL (as in CI's second run), each such test gets its
own schema in that database instead (the URL carries `options=-csearch_path=<schema>`,
so the isolation survives being handed to the command line or a subprocess), and every
test's `DATABASE_URL` is pointed at a fresh schema too, so nothing that uses the default
path shares state. Schemas are dropped at the end of the session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = make_url(BASE_URL).get_backend_name() == "postgresql" if BASE_URL else False
SCHEMA_PREFIX = "t_"
# Schemas carry the test process's pid, so parallel test runs on one server (several
# developers, or CI jobs) never drop each other's schemas.
OWN_PREFIX = f"{SCHEMA_PREFIX}{os.getpid()}_"


def schema_url(base: str, schema: str) -> str:
    """`base` with every connection's search_path set to `schema`."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine | None]:
    """An engine on the PostgreSQL test database (None on SQLite); drops test schemas."""
    if not ON_POSTGRES:
        yield None
        return
    engine = create_engine(BASE_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    _drop_test_schemas(engine, _orphaned)  # leftovers of interrupted earlier runs
    yield engine
    _drop_test_schemas(engine, lambda name: name.startswith(OWN_PREFIX))
    engine.dispose()


def _orphaned(schema: str) -> bool:
    """A test schema whose process is gone (same machine; other hosts' look alive)."""
    pid = schema.removeprefix(SCHEMA_PREFIX).split("_", 1)[0]
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _drop_test_schemas(engine: Engine, which: Callable[[str], bool]) -> None:
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '10s'"))
        names = [
            name
            for name in conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                {"p": SCHEMA_PREFIX + "%"},
            ).scalars()
            if which(name)
        ]
        for start in range(0, len(names), 20):  # one statement per batch: far fewer syncs
            batch = ", ".join(f'"{name}"' for name in names[start : start + 20])
            conn.execute(text(f"DROP SCHEMA IF EXISTS {batch} CASCADE"))


@pytest.fixture
def new_store_url(pg_admin: Engine | None, tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh, empty, isolated database URLs (SQLite files or PG schemas)."""
    count = 0

    def make() -> str:
        nonlocal count
        count += 1
        if pg_admin is None:
            return f"sqlite:///{tmp_path / f'store{count}.db'}"
        schema = f"{OWN_PREFIX}{uuid.uuid4().hex[:16]}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema_url(BASE_URL, schema)

    return make


@pytest.fixture
def store_url(new_store_url: Callable[[], str]) -> str:
    """One fresh, empty database URL for this test."""
    return new_store_url()


@pytest.fixture(autouse=True)
def _default_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL, the default `DATABASE_URL` of every test is a fresh schema."""
    if ON_POSTGRES:
        monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("store_url"))
