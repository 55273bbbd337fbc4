"""Saving a new version when others may be saving the same school at the same moment.

Versions are numbered `max + 1` per school under a unique (school_id, version)
constraint. Two writers that both read head N race for N + 1; the constraint lets one
win, and the loser's IntegrityError becomes a `StaleVersion` (inside a savepoint, so the
session stays usable). SQLite needs one more step: a transaction that has read and then
writes while another holds the write lock fails at once ("database is locked", no
waiting), so a save on SQLite takes the write lock as its first statement and a
concurrent save waits its turn, then sees the winner's version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from store.errors import StaleVersion

NUMBER_RETRIES = 3
Head = TypeVar("Head", bound=SQLModel)


def claim_write(session: Session, table: str) -> None:
    """On SQLite, hold the database's write lock from here to commit (no-op elsewhere).

    Call it before the save reads the head version; an UPDATE that matches no row is
    enough to make SQLite take the lock (and wait for it, as its busy timeout allows).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"UPDATE {table} SET id = id WHERE 1 = 0"))


def insert_heads(
    session: Session, heads: Sequence[SQLModel], stale: Callable[[], StaleVersion | None]
) -> None:
    """Insert new version rows (ids assigned); a lost race raises what `stale()` gives.

    `stale()` re-reads the heads after the failed insert; None means the constraint that
    failed was not the version number, and the original error is raised.
    """
    try:
        with session.begin_nested():
            session.add_all(heads)
            session.flush()
    except IntegrityError as exc:
        error = stale()
        if error is None:
            raise
        raise error from exc


def latest_number(session: Session, table: Any, school_id: str) -> int:
    """The highest version number of `school_id` in a versioned table (0: none yet)."""
    stmt = select(func.max(table.version)).where(table.school_id == school_id)
    return session.execute(stmt).scalar() or 0


def insert_numbered(
    session: Session, table: type[Head], school_id: str, build: Callable[[int], Head]
) -> Head:
    """Insert `build(n)` as version n = max + 1 of `school_id` in `table` (schedules,
    allocations: results, not edits of one another). Two saves at the same moment both
    succeed as consecutive versions: the one that loses the race for a number takes the
    next (NUMBER_RETRIES times at most)."""
    for attempt in range(1, NUMBER_RETRIES + 1):
        head = build(latest_number(session, table, school_id) + 1)
        try:
            with session.begin_nested():  # a lost race rolls back to here, not further
                session.add(head)
                session.flush()
            return head
        except IntegrityError:
            if attempt == NUMBER_RETRIES:
                raise
    raise AssertionError("unreachable")
