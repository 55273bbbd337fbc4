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

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from store.errors import StaleVersion


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
