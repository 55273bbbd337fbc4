"""Commands of the store: `import`, `export`, `schools`.

Heavy modules are imported inside the commands so `afterschool --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from i18n import both

DbOption = Annotated[str | None, typer.Option("--db", help=both("store.help.db"))]
EXIT_INVALID = 2


def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help=both("store.help.paths"))],
    db: DbOption = None,
    expect_version: Annotated[
        int | None,
        typer.Option("--expect-version", min=0, help=both("store.help.expect_version")),
    ] = None,
) -> None:
    """Appends a version of each school; `--expect-version N` checks it like an app edit."""
    from store.db import ready_engine
    from store.errors import StaleVersion
    from store.importer import import_paths

    def progress(done: int, total: int, result) -> None:
        errors = len(result.problems.errors)
        status = both("store.file_failed", errors=errors) if errors else both("store.file_ok")
        typer.echo(f"[{done}/{total}] {result.source}: {status}")

    try:
        outcome = import_paths(
            ready_engine(db), paths, progress=progress, expect_version=expect_version
        )
    except StaleVersion as stale:
        typer.echo(both("store.import_stale", **stale.params), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    # Problems on stdout, in file order, so a principal reads them next to the progress.
    for items in outcome.problems.values():
        for p in items:
            typer.echo(p.render())
    if not outcome.ok:
        typer.echo(both("store.import_failed", errors=len(outcome.errors)), err=True)
        raise typer.Exit(EXIT_INVALID)
    schools = len({v.school_id for v in outcome.versions})
    typer.echo(
        both(
            "store.import_done",
            schools=schools,
            versions=len(outcome.versions),
            warnings=len(outcome.warnings),
        )
    )


def export_cmd(
    school_id: Annotated[str, typer.Argument(help=both("store.help.school_id"))],
    out: Annotated[Path, typer.Argument(help=both("store.help.out"))],
    version: Annotated[
        int | None, typer.Option("--version", help=both("store.help.version"))
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help=both("store.help.lang"))] = "en",
    db: DbOption = None,
) -> None:
    from store.db import store_session
    from store.importer import export_school
    from store.schools import NotFound, get_version

    if lang not in ("zh", "en"):
        raise typer.BadParameter("zh | en", param_hint="--lang")
    with store_session(db) as session:
        try:
            head = get_version(session, school_id, version)
        except NotFound as exc:
            typer.echo(both(exc.key, **exc.params), err=True)
            raise typer.Exit(EXIT_INVALID) from None
        export_school(session, school_id, out, version=head.version, lang=lang)
    typer.echo(both("store.exported", school_id=school_id, version=head.version, path=out))


def schools_cmd(db: DbOption = None) -> None:
    from store.db import store_session
    from store.schools import list_schools

    with store_session(db) as session:
        rows = list_schools(session)
    if not rows:
        typer.echo(both("store.no_schools"))
        return
    keys = ("school_id", "name", "stage", "location", "version", "teachers", "groups", "activities")
    typer.echo("\t".join(both(f"store.col.{k}") for k in keys))
    for row in rows:
        typer.echo("\t".join("" if getattr(row, k) is None else str(getattr(row, k)) for k in keys))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("import", help=both("store.help.import"))(import_cmd)
    app.command("export", help=both("store.help.export"))(export_cmd)
    app.command("schools", help=both("store.help.schools"))(schools_cmd)
