"""Accounts (argon2 hashes, roles), logins (audited, throttled), the audit log, and the
`user` / `audit` commands. On SQLite and, with DATABASE_URL on PostgreSQL, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cli.main import app
from store.accounts import (
    LOCKOUT_WINDOW,
    MAX_FAILED_LOGINS,
    LoginAttempt,
    User,
    add_user,
    attempt_login,
    authenticate,
    current_actor,
    has_accounts,
    list_users,
    locked_accounts,
    set_active,
    set_password,
    unlock,
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
        entries = list_audit(session)
    changes = [e.action for e in entries if not e.action.startswith("login.")]
    assert changes == ["user.disable", "user.passwd", "user.add"]
    logins = [
        (e.username, e.action, e.detail) for e in reversed(entries) if e.action[:6] == "login."
    ]
    assert logins == [
        ("wang", "login.ok", ""),
        ("wang", "login.ok", ""),
        ("wang", "login.failed", "wrong password"),
        ("nobody", "login.failed", "unknown user"),
        ("wang", "login.failed", "wrong password"),
        ("wang", "login.ok", ""),
        ("wang", "login.failed", "disabled"),
    ]


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


# ---------------------------------------------------------------- logins: audit and throttle

T0 = datetime(2030, 3, 1, 8, 0, tzinfo=UTC)  # injected times: no test sleeps
WRONG = "wrong-guess-1"


def attempt(engine: Engine, name: str, password: str, minute: float) -> LoginAttempt:
    """One login attempt in its own unit of work, `minute` minutes after T0."""
    with session_scope(engine) as session:
        return attempt_login(session, name, password, T0 + timedelta(minutes=minute))


def fail(engine: Engine, name: str, times: int, start: float = 0) -> list[LoginAttempt]:
    """`times` wrong attempts, one a minute from `start`."""
    return [attempt(engine, name, WRONG, start + i) for i in range(times)]


def login_rows(engine: Engine) -> list[AuditEntry]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_five_failures_lock_the_name_even_against_the_right_password(engine: Engine) -> None:
    add(engine)
    first = fail(engine, "wang", MAX_FAILED_LOGINS - 1)
    assert all(a.actor is None and a.locked_until is None for a in first)
    fifth = attempt(engine, "wang", WRONG, 4)
    assert fifth.actor is None and fifth.locked_until == T0 + LOCKOUT_WINDOW
    sixth = attempt(engine, "wang", SECRET, 5)  # the right password: refused unchecked
    assert sixth.actor is None and sixth.locked_until == T0 + LOCKOUT_WINDOW
    assert sixth.minutes_left(T0 + timedelta(minutes=5)) == 10
    with session_scope(engine) as session:
        assert authenticate(session, "wang", SECRET, T0 + timedelta(minutes=14)) is None
    rows = [r for r in login_rows(engine) if r.action.startswith("login.")]
    assert [r.action for r in rows] == ["login.failed"] * 5 + ["login.locked"] * 2
    assert {(r.username, r.role, r.school_id) for r in rows} == {("wang", "principal", "007")}
    assert rows[0].at.replace(tzinfo=UTC) == T0
    with session_scope(engine) as session:
        assert set(locked_accounts(session, T0 + timedelta(minutes=5))) == {"wang"}
        assert locked_accounts(session, T0 + timedelta(minutes=15)) == {}


def test_no_audit_row_holds_a_password(engine: Engine) -> None:
    add(engine)
    fail(engine, "wang", MAX_FAILED_LOGINS + 1)
    attempt(engine, "ghost", SECRET, 0)
    attempt(engine, "wang", SECRET, 30)
    with session_scope(engine) as session:
        set_password(session, "wang", "another-pass")
    for row in login_rows(engine):
        cells = " ".join(str(v) for v in row.model_dump().values())
        assert SECRET not in cells and WRONG not in cells and "another-pass" not in cells


def test_the_lock_ends_with_the_window(engine: Engine) -> None:
    add(engine)
    fail(engine, "wang", MAX_FAILED_LOGINS)  # minutes 0..4
    assert attempt(engine, "wang", SECRET, 14.9).locked_until == T0 + LOCKOUT_WINDOW
    # At minute 15 the failure of minute 0 no longer counts: four left, one guess more.
    again = attempt(engine, "wang", WRONG, 15)
    assert again.locked_until == T0 + timedelta(minutes=16)  # five in the window again
    assert attempt(engine, "wang", SECRET, 15.5).actor is None
    assert attempt(engine, "wang", SECRET, 16).actor == PRINCIPAL


def test_a_successful_login_starts_the_count_again(engine: Engine) -> None:
    add(engine)
    fail(engine, "wang", MAX_FAILED_LOGINS - 1)
    assert attempt(engine, "wang", SECRET, 4).actor == PRINCIPAL
    assert all(a.locked_until is None for a in fail(engine, "wang", 4, start=5))
    assert attempt(engine, "wang", WRONG, 9).locked_until is not None
    assert attempt(engine, "wang", SECRET, 10).actor is None


def test_unknown_names_are_throttled_like_known_ones(engine: Engine) -> None:
    add(engine)
    known = fail(engine, "wang", MAX_FAILED_LOGINS + 2)
    unknown = fail(engine, "ghost", MAX_FAILED_LOGINS + 2)
    assert known == unknown  # the same answers: a lock tells nothing about the name
    assert [a.locked_until is not None for a in unknown] == [False] * 4 + [True] * 3
    ghost = [r for r in login_rows(engine) if r.username == "ghost"]
    assert [r.action for r in ghost] == ["login.failed"] * 5 + ["login.locked"] * 2
    assert {(r.role, r.school_id, r.object_id) for r in ghost} == {("", None, None)}
    # Locks are per name: another account is not affected.
    add(engine, "li", "finance", None)
    assert attempt(engine, "li", SECRET, 7).actor == Actor("li", "finance")


def test_a_disabled_account_fails_like_a_wrong_password(engine: Engine) -> None:
    add(engine)
    with session_scope(engine) as session:
        set_active(session, "wang", False)
    answers = [attempt(engine, "wang", SECRET, i) for i in range(MAX_FAILED_LOGINS)]
    assert answers[-1].locked_until is not None and not any(a.actor for a in answers)
    assert {r.detail for r in login_rows(engine) if r.action == "login.failed"} == {"disabled"}


@pytest.mark.parametrize(
    ("lift", "password"),
    [
        (lambda s: set_password(s, "wang", "another-pass"), "another-pass"),
        (lambda s: set_active(s, "wang", True), SECRET),
        (lambda s: unlock(s, "wang"), SECRET),
    ],
    ids=["set_password", "enable", "unlock"],
)
def test_an_admin_lifts_the_lock(engine: Engine, lift, password: str) -> None:
    add(engine)
    fail(engine, "wang", MAX_FAILED_LOGINS)
    with session_scope(engine, actor=Actor("root", "admin")) as session:
        lift(session)
    assert attempt(engine, "wang", password, 5).actor == PRINCIPAL
    # The count starts again from the lift: four more failures do not lock.
    assert all(a.locked_until is None for a in fail(engine, "wang", 4, start=6))


def test_disabling_does_not_lift_a_lock_and_unlocking_needs_the_right(engine: Engine) -> None:
    add(engine)
    fail(engine, "wang", MAX_FAILED_LOGINS)
    with session_scope(engine) as session:
        set_active(session, "wang", False)
    with session_scope(engine) as session:
        assert set(locked_accounts(session, T0 + timedelta(minutes=5))) == {"wang"}
    for work in (lambda s: unlock(s, "wang"), locked_accounts):
        with pytest.raises(Forbidden), session_scope(engine, actor=PRINCIPAL) as session:
            work(session)


def test_a_failed_attempt_is_committed_with_its_unit_of_work(engine: Engine) -> None:
    add(engine)
    with session_scope(engine) as session:
        assert authenticate(session, "wang", WRONG, T0) is None
    # A new unit of work (another server process would see the same) counts it.
    assert [r.action for r in login_rows(engine)][-1] == "login.failed"


def test_parallel_guesses_cannot_overshoot_the_limit(store_url: str, engine: Engine) -> None:
    """Ten guesses at once from ten connections: exactly five are checked."""
    add(engine)
    guesses = 2 * MAX_FAILED_LOGINS
    engines = [make_engine(store_url) for _ in range(guesses)]
    barrier = threading.Barrier(guesses)
    answers: list[LoginAttempt] = []
    errors: list[BaseException] = []

    def guess(own: Engine) -> None:
        try:
            barrier.wait()
            with session_scope(own) as session:
                answers.append(attempt_login(session, "wang", WRONG, T0))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    actions = [r.action for r in login_rows(engine) if r.action.startswith("login.")]
    assert sorted(actions) == ["login.failed"] * 5 + ["login.locked"] * 5
    assert sum(a.locked_until is not None for a in answers) == MAX_FAILED_LOGINS + 1


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
        ("wang", "login.failed", "007"),  # the authenticate call above
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
