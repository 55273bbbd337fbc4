"""The whole store as plain values, to show that something changed nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from store.db import register_tables

Dump = dict[str, list[tuple]]


def _stable(value: object) -> object:
    """`value` without what differs between two identical runs: durations in reports."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if "seconds" not in k}
    return value


def dump(engine: Engine, *, run_independent: bool = False) -> Dump:
    """Every row and column of every table, in primary-key order.

    `run_independent` leaves out timestamps and durations, so two identical runs at
    different moments give equal dumps.
    """
    register_tables()
    out: Dump = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key))
            if run_independent:
                out[table.name] = [
                    tuple(_stable(v) for v in row if not isinstance(v, datetime)) for row in rows
                ]
            else:
                out[table.name] = [tuple(row) for row in rows]
    return out
