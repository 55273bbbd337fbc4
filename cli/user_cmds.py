"""Commands of accounts and the audit log: `user add|list|passwd|disable|enable`, `audit`.

The command line runs as the local operator (system rights, see store.rights): whoever
can run it on the server already holds the database. Passwords are prompted without
echo, confirmed, hashed by store.accounts and never printed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from i18n import both

DbOption = Annotated[str | None, typer.Option("--db", help=both("store.help.db"))]
UserArg = Annotated[str, typer.Argument(help=both("accounts.help.username"))]
EXIT_INVALID = 2

user_app = typer.Typer(help=both("accounts.help.user"), no_args_is_help=True)


def _password() -> str:
    return typer.prompt(both("accounts.prompt.password"), hide_input=True, confirmation_prompt=True)


def _run(db: str | None, work) -> object:
    """`work(session)` in one unit of work; a refusal is printed (both languages), exit 2."""
    from store.db import store_session
    from store.errors import StoreError

    try:
        with store_session(db) as session:
            return work(session)
    except StoreError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_INVALID) from None


@user_app.command("add", help=both("accounts.help.add"))
def add_cmd(
    username: UserArg,
    role: Annotated[str, typer.Option("--role", help=both("accounts.help.role"))],
    school: Annotated[
        str | None, typer.Option("--school", help=both("accounts.help.school"))
    ] = None,
    name: Annotated[str, typer.Option("--name", help=both("accounts.help.name"))] = "",
    db: DbOption = None,
) -> None:
    from store.accounts import add_user, check_role
    from store.errors import StoreError

    try:
        check_role(role, school)  # before asking for a password that would be wasted
    except StoreError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    password = _password()
    _run(db, lambda s: add_user(s, username, name, role, password, school))
    typer.echo(both("accounts.added", username=username, role=role))


@user_app.command("list", help=both("accounts.help.list"))
def list_cmd(db: DbOption = None) -> None:
    from store.accounts import list_users

    users = _run(db, list_users)
    if not users:
        typer.echo(both("accounts.none"))
        return
    keys = ("username", "display_name", "role", "school_id", "active")
    typer.echo("\t".join(both(f"accounts.col.{k}") for k in keys))
    for user in users:  # type: ignore[attr-defined]
        typer.echo(
            "\t".join("" if getattr(user, k) is None else str(getattr(user, k)) for k in keys)
        )


@user_app.command("passwd", help=both("accounts.help.passwd"))
def passwd_cmd(username: UserArg, db: DbOption = None) -> None:
    from store.accounts import get_user, set_password

    _run(db, lambda s: get_user(s, username))  # an unknown name fails before the prompt
    password = _password()
    _run(db, lambda s: set_password(s, username, password))
    typer.echo(both("accounts.password_set", username=username))


@user_app.command("disable", help=both("accounts.help.disable"))
def disable_cmd(username: UserArg, db: DbOption = None) -> None:
    from store.accounts import set_active

    _run(db, lambda s: set_active(s, username, False))
    typer.echo(both("accounts.disabled", username=username))


@user_app.command("enable", help=both("accounts.help.enable"))
def enable_cmd(username: UserArg, db: DbOption = None) -> None:
    from store.accounts import set_active

    _run(db, lambda s: set_active(s, username, True))
    typer.echo(both("accounts.enabled", username=username))


def audit_cmd(
    school: Annotated[
        str | None, typer.Option("--school", help=both("accounts.help.audit_school"))
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help=both("accounts.help.audit_user"))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=both("accounts.help.audit_limit"))] = 50,
    db: DbOption = None,
) -> None:
    from store.audit import list_audit

    entries = _run(db, lambda s: list_audit(s, school_id=school, username=user, limit=limit))
    if not entries:
        typer.echo(both("audit.none"))
        return
    keys = ("at", "username", "role", "action", "school_id", "object_id", "detail")
    typer.echo("\t".join(both(f"audit.col.{k}") for k in keys))
    for e in entries:  # type: ignore[attr-defined]
        cells = [e.at.isoformat(timespec="seconds"), *(getattr(e, k) for k in keys[1:])]
        typer.echo("\t".join("" if c is None else str(c) for c in cells))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.add_typer(user_app, name="user")
    app.command("audit", help=both("accounts.help.audit"))(audit_cmd)
