"""Accounts (argon2 hashes, roles), the audit log, and the `user` / `audit` commands."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cli.main import app
from store.accounts import (
    User,
    add_user,
    authenticate,
    current_actor,
    has_accounts,
    list_users,
    set_active,
    set_password,
)
from store.audit import AuditEntry, list_audit
from store.db import init_db, make_engine, session_scope
from store.errors import Forbidden, ImmutableRow, StoreError
from store.rights import Actor
from store.schools import save_school
from strategies import example_school

SECRET = "s3cret-pass"
PRINCIPAL = Actor("wang", "principal", "007")


@pytest.fixture
def engine(store_url: str) -> Engine:
    engine = make_engine(store_url)
    init_db(engine)
    return engine


def add(engine: Engine, username: str = "wang", role: str = "principal", school="007") -> None:
    with session_scope(engine) as session:
        add_user(session, username, "王校长", role, SECRET, school)


def test_password_is_stored_as_an_argon2_hash_only(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert not has_accounts(session)
    add(engine)
    with session_scope(engine) as session:
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert SECRET not in user.password_hash
        assert has_accounts(session)
        entries = list_audit(session)
    assert [(e.action, e.school_id) for e in entries] == [("user.add", "007")]
    assert SECRET not in entries[0].detail


def test_authenticate(engine: Engine) -> None:
    add(engine)
    with session_scope(engine) as session:
        assert authenticate(session, "wang", SECRET) == PRINCIPAL
        assert authenticate(session, " wang ", SECRET) == PRINCIPAL
        assert authenticate(session, "wang", SECRET + "x") is None
        assert authenticate(session, "nobody", SECRET) is None
    with session_scope(engine) as session:
        set_password(session, "wang", "another-pass")
    with session_scope(engine) as session:
        assert authenticate(session, "wang", SECRET) is None
        assert authenticate(session, "wang", "another-pass") == PRINCIPAL
        set_active(session, "wang", False)
    with session_scope(engine) as session:
        assert authenticate(session, "wang", "another-pass") is None
        assert current_actor(session, "wang") is None
        actions = [e.action for e in list_audit(session)]
    assert actions == ["user.disable", "user.passwd", "user.add"]


@pytest.mark.parametrize(
    ("role", "school", "key"),
    [
        ("principal", None, "accounts.needs_school"),
        ("bureau", "007", "accounts.no_school"),
        ("admin", "007", "accounts.no_school"),
        ("teacher", None, "accounts.bad_role"),
    ],
)
def test_role_and_school_must_fit(engine: Engine, role: str, school, key: str) -> None:
    with pytest.raises(StoreError) as refused, session_scope(engine) as session:
        add_user(session, "x", "", role, SECRET, school)
    assert refused.value.key == key


def test_usernames_are_unique_and_passwords_long_enough(engine: Engine) -> None:
    add(engine)
    with pytest.raises(StoreError, match="wang"), session_scope(engine) as session:
        add_user(session, "wang", "", "admin", SECRET)
    with pytest.raises(StoreError) as short, session_scope(engine) as session:
        add_user(session, "li", "", "admin", "short")
    assert short.value.key == "accounts.weak_password"


def test_only_admins_manage_accounts_and_read_the_log(engine: Engine) -> None:
    add(engine)
    for work in (
        lambda s: add_user(s, "evil", "", "admin", SECRET),
        lambda s: set_password(s, "wang", "another-pass"),
        list_users,
        list_audit,
    ):
        with pytest.raises(Forbidden), session_scope(engine, actor=PRINCIPAL) as session:
            work(session)
    with session_scope(engine, actor=Actor("root", "admin")) as session:
        assert [u.username for u in list_users(session)] == ["wang"]


def test_audit_entries_commit_with_the_change_and_never_change(engine: Engine) -> None:
    with session_scope(engine, actor=PRINCIPAL) as session:
        head = save_school(session, example_school(), "ui:edit")
    with pytest.raises(RuntimeError), session_scope(engine, actor=PRINCIPAL) as session:
        save_school(session, example_school(), "ui:edit")
        raise RuntimeError("the change fails after the save")
    with session_scope(engine) as session:
        entries = list_audit(session)
    assert [(e.username, e.role, e.action, e.school_id, e.object_id) for e in entries] == [
        ("wang", "principal", "school.save", "007", str(head.id))
    ]
    assert entries[0].detail == "v1 ui:edit"
    with pytest.raises(ImmutableRow), session_scope(engine) as session:
        entry = session.scalars(select(AuditEntry)).one()
        entry.detail = "tidied"
        session.flush()


# ---------------------------------------------------------------- the command line


def invoke(args: list[str], password_input: str | None = None):
    return CliRunner().invoke(app, args, input=password_input)


def test_user_commands(store_url: str) -> None:
    typed = f"{SECRET}\n{SECRET}\n"
    added = invoke(
        [
            "user",
            "add",
            "wang",
            "--role",
            "principal",
            "--school",
            "007",
            "--name",
            "王校长",
            "--db",
            store_url,
        ],
        typed,
    )
    assert added.exit_code == 0, added.output
    assert "已新建账号 wang" in added.output and SECRET not in added.output
    listed = invoke(["user", "list", "--db", store_url])
    assert "wang\t王校长\tprincipal\t007\tTrue" in listed.output
    changed = invoke(["user", "passwd", "wang", "--db", store_url], "new-pass-1\nnew-pass-1\n")
    assert changed.exit_code == 0 and "new-pass-1" not in changed.output
    assert invoke(["user", "disable", "wang", "--db", store_url]).exit_code == 0
    with session_scope(make_engine(store_url)) as session:
        assert authenticate(session, "wang", "new-pass-1") is None
        assert session.scalars(select(User)).one().active is False
    log = invoke(["audit", "--db", store_url])
    assert log.exit_code == 0
    rows = [line.split("\t") for line in log.output.splitlines()[1:]]
    assert [(r[1], r[3], r[4]) for r in rows] == [
        ("system", "user.disable", "007"),
        ("system", "user.passwd", "007"),
        ("system", "user.add", "007"),
    ]
    assert SECRET not in log.output and "new-pass-1" not in log.output


def test_user_add_refusals_exit_2(store_url: str) -> None:
    no_school = invoke(["user", "add", "wang", "--role", "principal", "--db", store_url])
    assert no_school.exit_code == 2 and "--school" in no_school.output
    short = invoke(["user", "add", "root", "--role", "admin", "--db", store_url], "abc\nabc\n")
    assert short.exit_code == 2 and "至少需要 8 个字符" in short.output
    unknown = invoke(["user", "passwd", "ghost", "--db", store_url])
    assert unknown.exit_code == 2 and "no user ghost" in unknown.output
