"""User accounts: a role, at most one school, an argon2 password hash, an active flag.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or returned.
Managing accounts needs `user.manage` (an admin, or the local operator); every change
is written to the audit log. `authenticate` needs no rights: it is the door.
"""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime, func, select
from sqlmodel import Field, Session, SQLModel

from store.audit import record
from store.errors import NotFound, StoreError
from store.rights import ROLES, Actor, require, role_needs_school

MIN_PASSWORD = 8


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
    require(session, "user.manage")
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    session.add(user)
    record(session, "user.passwd", user.school_id, user.id, username)


def set_active(session: Session, username: str, active: bool) -> None:
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


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The actor of an active account whose password matches; None otherwise.

    An unknown name costs one hash verification too, so timing does not tell which
    names exist. An outdated hash is upgraded on a successful login.
    """
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    hasher = _hasher()
    stored = user.password_hash if user is not None else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.add(user)
    return actor_of_user(user)


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
