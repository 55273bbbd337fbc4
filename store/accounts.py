"""User accounts: a role, at most one school, an argon2 password hash, an active flag.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or returned.
Managing accounts needs `user.manage` (an admin, or the local operator); every change
is written to the audit log. `authenticate` / `attempt_login` need no rights: they are
the door, and every door (the app's form, a script) goes through them.

Logins are audited and throttled in the database, so every server process sees the same
count: each attempt writes `login.ok`, `login.failed` (the name as typed, never the
password) or `login.locked` (refused unchecked). A name with `MAX_FAILED_LOGINS` failures
within `LOCKOUT_WINDOW` is locked: its attempts are refused without checking the
password, right or wrong, until the oldest of those failures is older than the window.
Failures count only after the name's last successful login and after an admin last set
the account's password, enabled or unlocked it (`UNLOCK_ACTIONS`), so each of these
lifts a lock. Unknown names are counted the same way, so a lock tells nothing about
which names exist. Attempts on one name are serialised (PostgreSQL: an advisory lock
per name; SQLite: the database's write lock), so parallel guesses cannot overshoot.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime, and_, func, or_, select, text
from sqlmodel import Field, Session, SQLModel

from store.audit import AuditEntry, record
from store.concurrency import claim_write
from store.errors import NotFound, StoreError
from store.rights import ROLES, Actor, require, role_needs_school

MIN_PASSWORD = 8
# Failed logins of one name (wrong password, unknown name, disabled account) that lock it.
MAX_FAILED_LOGINS = 5
# How long a failure counts: a locked name opens again when its oldest counted failure
# is older than this (at most MAX_FAILED_LOGINS guesses per name per window).
LOCKOUT_WINDOW = timedelta(minutes=15)
# Audit actions of the login door.
LOGIN_OK = "login.ok"
LOGIN_FAILED = "login.failed"
LOGIN_LOCKED = "login.locked"  # refused while locked; audited, not counted again
# Admin actions on an account after which its earlier failures no longer count.
UNLOCK_ACTIONS = ("user.add", "user.passwd", "user.enable", "user.unlock")
# A name as typed is audited up to this length (a pasted essay stays short).
TYPED_NAME_MAX = 100
# Namespace of the PostgreSQL advisory locks that serialise attempts on one name.
_ADVISORY_CLASS = 0x4C4F47  # "LOG"


def _now() -> datetime:
    return datetime.now(UTC)


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    display_name: str
    role: str  # principal | finance | bureau | admin
    school_id: str | None = None  # a principal's or school finance's school; else None
    password_hash: str
    active: bool = True
    created_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's maintained defaults


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StoreError("accounts.weak_password", min=MIN_PASSWORD)
    return _hasher().hash(password)


def actor_of_user(user: User) -> Actor:
    return Actor(user.username, user.role, user.school_id)


def check_role(role: str, school_id: str | None) -> None:
    """Refuse a role / school pairing the rights table cannot mean."""
    if role not in ROLES:
        raise StoreError("accounts.bad_role", role=role, roles=", ".join(ROLES))
    needs = role_needs_school(role)
    if needs is True and not school_id:
        raise StoreError("accounts.needs_school", role=role)
    if needs is False and school_id:
        raise StoreError("accounts.no_school", role=role)


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound("accounts.unknown_user", username=username)
    return user


def add_user(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    password: str,
    school_id: str | None = None,
) -> User:
    """A new active account; refused if the username is taken."""
    require(session, "user.manage")
    username = username.strip()
    if not username:
        raise StoreError("accounts.empty_username")
    check_role(role, school_id)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise StoreError("accounts.exists", username=username)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        school_id=school_id or None,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    record(session, "user.add", school_id, user.id, f"{username} {role}")
    return user


def set_password(session: Session, username: str, password: str) -> None:
    """A new password (also lifts a login lock of the account)."""
    require(session, "user.manage")
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    session.add(user)
    record(session, "user.passwd", user.school_id, user.id, username)


def set_active(session: Session, username: str, active: bool) -> None:
    """Enable (also lifts a login lock) or disable an account; its audit entries stay."""
    require(session, "user.manage")
    user = get_user(session, username)
    user.active = active
    session.add(user)
    action = "user.enable" if active else "user.disable"
    record(session, action, user.school_id, user.id, username)


def list_users(session: Session) -> list[User]:
    require(session, "user.manage")
    return list(session.scalars(select(User).order_by(User.username)))


def has_accounts(session: Session) -> bool:
    """Whether any account exists (then the app asks everyone to log in)."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def unlock(session: Session, username: str) -> None:
    """Lift a login lock of an account without changing its password."""
    require(session, "user.manage")
    user = get_user(session, username)
    record(session, "user.unlock", user.school_id, user.id, username)


@dataclass(frozen=True)
class LoginAttempt:
    """What one login attempt gave: the actor on success; when a locked name opens."""

    actor: Actor | None
    locked_until: datetime | None = None  # set when the name is locked after this attempt

    def minutes_left(self, now: datetime | None = None) -> int:
        """Whole minutes until the lock ends (0 if not locked), for the message."""
        return 0 if self.locked_until is None else minutes_until(self.locked_until, now)


def minutes_until(until: datetime, now: datetime | None = None) -> int:
    """Whole minutes from `now` until a lock ends, rounded up, at least 1."""
    return max(1, math.ceil((until - _utc(now)).total_seconds() / 60))


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> Actor | None:
    """The actor of an active account whose password matches; None otherwise.

    The same door as `attempt_login` (audited and throttled); None also while locked.
    """
    return attempt_login(session, username, password, now).actor


def attempt_login(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginAttempt:
    """Check a login, write its audit entry, and throttle failures (see the module doc).

    Never raises for a wrong login, so the caller's unit of work commits the audit entry
    of a failure too. An unknown name costs one hash verification, like a known one, so
    timing does not tell which names exist; a locked name costs none, known or not. An
    outdated hash is upgraded on a successful login. `now` is for tests (default: now).
    """
    now = _utc(now)
    typed = username.strip()
    name = typed[:TYPED_NAME_MAX]  # how the attempt is audited and counted
    _serialise_logins(session, name)
    user = session.scalars(select(User).where(User.username == typed)).first()
    locked_until = _locked_until(session, name, user, now)
    if locked_until is not None:
        _record_login(session, LOGIN_LOCKED, name, user, now, "locked")
        return LoginAttempt(None, locked_until)
    hasher = _hasher()
    stored = user.password_hash if user is not None else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
        verified = True
    except (VerificationError, InvalidHashError):
        verified = False
    if user is None or not verified or not user.active:
        reason = "unknown user" if user is None else "disabled" if verified else "wrong password"
        _record_login(session, LOGIN_FAILED, name, user, now, reason)
        session.flush()
        return LoginAttempt(None, _locked_until(session, name, user, now))
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.add(user)
    _record_login(session, LOGIN_OK, name, user, now)
    return LoginAttempt(actor_of_user(user))


def locked_accounts(session: Session, now: datetime | None = None) -> dict[str, datetime]:
    """Username -> when its lock ends, for every account locked now (admins only)."""
    require(session, "user.manage")
    now = _utc(now)
    query = (
        select(AuditEntry.username)
        .where(AuditEntry.action == LOGIN_FAILED, AuditEntry.at > now - LOCKOUT_WINDOW)
        .group_by(AuditEntry.username)
        .having(func.count() >= MAX_FAILED_LOGINS)
    )
    names = list(session.scalars(query))
    users = session.scalars(select(User).where(User.username.in_(names))) if names else []
    found = {u.username: _locked_until(session, u.username, u, now) for u in users}
    return {name: until for name, until in found.items() if until is not None}


def _utc(now: datetime | None) -> datetime:
    """`now` as an aware UTC time (naive means UTC); the current time if None."""
    if now is None:
        return _now()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _serialise_logins(session: Session, name: str) -> None:
    """Hold, until commit, a lock that concurrent attempts on `name` wait for."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
        key = int.from_bytes(digest, "big", signed=True)
        session.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:c AS integer), CAST(:k AS integer))"),
            {"c": _ADVISORY_CLASS, "k": key},
        )
    else:
        claim_write(session, "audit_log")  # SQLite: the one write lock (no-op elsewhere)


def _locked_until(session: Session, name: str, user: User | None, now: datetime) -> datetime | None:
    """When the lock on `name` ends, if it is locked at `now`; None if it is not."""
    unlocked = and_(AuditEntry.action == LOGIN_OK, AuditEntry.username == name)
    if user is not None:
        by_admin = and_(
            AuditEntry.action.in_(UNLOCK_ACTIONS),  # type: ignore[attr-defined]
            AuditEntry.object_id == str(user.id),
        )
        unlocked = or_(unlocked, by_admin)
    since = session.scalar(select(func.max(AuditEntry.id)).where(unlocked)) or 0
    failures = list(
        session.scalars(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == LOGIN_FAILED,
                AuditEntry.username == name,
                AuditEntry.id > since,  # type: ignore[operator]
                AuditEntry.at > now - LOCKOUT_WINDOW,
            )
            .order_by(AuditEntry.at.desc())  # type: ignore[attr-defined]
            .limit(MAX_FAILED_LOGINS)
        )
    )
    if len(failures) < MAX_FAILED_LOGINS:
        return None
    return _utc(failures[-1]) + LOCKOUT_WINDOW  # SQLite gives naive UTC times back


def _record_login(
    session: Session, action: str, name: str, user: User | None, now: datetime, detail: str = ""
) -> None:
    """An audit entry of the login door: the name as typed, never the password."""
    session.add(
        AuditEntry(
            at=now,
            username=name,
            role=user.role if user is not None else "",
            action=action,
            school_id=user.school_id if user is not None else None,
            object_id=None if user is None else str(user.id),
            detail=detail,
        )
    )


def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a password of any account")


def current_actor(session: Session, username: str) -> Actor | None:
    """The actor of an active account, as stored now (None if gone or disabled)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    return actor_of_user(user) if user is not None and user.active else None


def actor_for_email(session: Session, email: str) -> Actor | None:
    """The active account whose username is this e-mail (an OIDC login), if any."""
    query = select(User).where(func.lower(User.username) == email.strip().lower())
    user = session.scalars(query).first()
    return actor_of_user(user) if user is not None and user.active else None
