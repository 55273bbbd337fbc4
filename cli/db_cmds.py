"""Commands of the schema: `db upgrade`, `db current`, `db revision`.

`init_db` already upgrades on every use; `db upgrade` lets an administrator do it on
purpose (before restarting the app after an update) and see the revision it reached.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from i18n import both

DbOption = Annotated[str | None, typer.Option("--db", help=both("store.help.db"))]

db_app = typer.Typer(help=both("store.db.help"), no_args_is_help=True)


def _current(db: str | None) -> tuple[str | None, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from store.db import alembic_config, make_engine

    engine = make_engine(db)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
    return current, head or ""


@db_app.command("upgrade", help=both("store.db.upgrade_help"))
def upgrade(db: DbOption = None) -> None:
    from store.db import init_db, make_engine

    before, _ = _current(db)
    init_db(make_engine(db))
    after, _ = _current(db)
    typer.echo(both("store.db.upgraded", before=before or "-", after=after))


@db_app.command("current", help=both("store.db.current_help"))
def current(db: DbOption = None) -> None:
    now, head = _current(db)
    typer.echo(both("store.db.current", current=now or "-", head=head))
    if now != head:
        raise typer.Exit(1)


@db_app.command("revision", help=both("store.db.revision_help"))
def revision(message: Annotated[str, typer.Argument(help=both("store.db.message_help"))]) -> None:
    """A new migration script: the models compared with the newest revision's schema."""
    from alembic import command

    from store.db import alembic_config, init_db, make_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'head.db'}")
        init_db(engine)
        with engine.begin() as conn:
            script = command.revision(alembic_config(conn), message, autogenerate=True)
        engine.dispose()
    typer.echo(getattr(script, "path", ""))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.add_typer(db_app, name="db")
