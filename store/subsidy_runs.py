"""Subsidy runs: every computed term stored unchangeably, with its inputs' hash.

A run is never updated in place: saving adds a new `SubsidyRun` and its `SubsidyLine`
rows; an attempt to update or delete either through the ORM raises. The same inputs give
the same hash, so a re-run is recognisable (and its lines identical). A run's scope is a
school id or "county"; reading and saving check the session's actor (store.rights), and a
save writes the audit log in its transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, select
from sqlmodel import Field, Session, SQLModel

from store.audit import record
from store.errors import ImmutableRow, NotFound
from store.models import refuse_changes
from store.rights import actor_of, can, require

COUNTY = "county"


def _now() -> datetime:
    return datetime.now(UTC)


class SubsidyRun(SQLModel, table=True):
    __tablename__ = "subsidy_run"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(index=True)  # a school_id, or "county"
    term: str = Field(index=True)
    scheme: str
    inputs_hash: str = Field(index=True)
    created_at: datetime = Field(
        default_factory=_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    budget_fen: int
    teachers: int
    policy: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    totals: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SubsidyLine(SQLModel, table=True):
    __tablename__ = "subsidy_line"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="subsidy_run.id", index=True)
    school_id: str
    teacher_id: str
    name: str
    location: str | None = None
    hours: float
    score5: float
    multiplier: float
    hourly_part_fen: int
    allowance_fen: int
    amount_fen: int
    hour_only_fen: int | None = None
    reason_zh: str
    reason_en: str


class ImmutableRunError(ImmutableRow):
    pass


refuse_changes((SubsidyRun, SubsidyLine), ImmutableRunError)


def school_of_scope(scope: str) -> str | None:
    """The school a run belongs to for rights; None for a county run."""
    return None if scope == COUNTY else scope


def save_run(session: Session, result, scheme: str | None = None) -> SubsidyRun:
    """Store one result (a `compensation.run.SubsidyResult`) as a new run and its lines."""
    require(session, "subsidy.write", school_of_scope(result.scope))
    scheme = scheme or result.main_scheme
    alloc = result.allocations[scheme]
    slips = result.payslips[scheme]
    hour_only = None
    if result.baseline is not None:  # today's practice, kept beside each line
        ho = result.baseline.lines
        hour_only = dict(zip(ho["key"], ho["amount_fen"].astype(int), strict=True))
    totals = {s: int(a.lines["amount_fen"].sum()) for s, a in result.allocations.items()}
    if result.comparison is not None:
        totals["comparison"] = {
            k: (float(v) if isinstance(v, (int, float)) else v)
            for k, v in result.comparison.summary.items()
        }
    run = SubsidyRun(
        scope=result.scope,
        term=result.term_id,
        scheme=scheme,
        inputs_hash=result.inputs_hash,
        budget_fen=int(alloc.budget_fen),
        teachers=len(slips),
        policy=result.policy.to_json(),
        totals=totals,
    )
    session.add(run)
    session.flush()
    session.add_all(
        [
            SubsidyLine(
                run_id=run.id,
                school_id=str(r.school_id),
                teacher_id=str(r.teacher_id),
                name=str(r.name),
                location=r.location,
                hours=float(r.hours),
                score5=float(r.score5),
                multiplier=float(r.multiplier),
                hourly_part_fen=int(r.hourly_part_fen),
                allowance_fen=int(r.allowance_fen),
                amount_fen=int(r.amount_fen),
                hour_only_fen=None if hour_only is None else int(hour_only[r.key]),
                reason_zh=r.reason_zh,
                reason_en=r.reason_en,
            )
            for r in slips.itertuples(index=False)
        ]
    )
    session.flush()
    detail = f"{run.term} {scheme} budget {run.budget_fen} fen, {run.teachers} teachers"
    record(session, "subsidy.save", school_of_scope(run.scope), run.id, detail)
    return run


def load_run(session: Session, run_id: int) -> tuple[SubsidyRun, list[SubsidyLine]]:
    run = session.get(SubsidyRun, run_id)
    if run is None:
        raise NotFound("store.unknown_run", run_id=run_id)
    require(session, "subsidy.read", school_of_scope(run.scope))
    query = (
        select(SubsidyLine)
        .where(SubsidyLine.run_id == run_id)
        .order_by(SubsidyLine.school_id, SubsidyLine.teacher_id)
    )
    lines = list(session.scalars(query))
    return run, lines


def list_runs(
    session: Session,
    scope: str | None = None,
    term: str | None = None,
    inputs_hash: str | None = None,
) -> list[SubsidyRun]:
    """The stored runs the session's actor may read, oldest first."""
    query = select(SubsidyRun)
    if scope is not None:
        query = query.where(SubsidyRun.scope == scope)
    if term is not None:
        query = query.where(SubsidyRun.term == term)
    if inputs_hash is not None:
        query = query.where(SubsidyRun.inputs_hash == inputs_hash)
    actor = actor_of(session)
    return [
        run
        for run in session.scalars(query.order_by(SubsidyRun.id))
        if can(actor, "subsidy.read", school_of_scope(run.scope))
    ]


def latest_run(session: Session, scope: str) -> tuple[SubsidyRun, list[SubsidyLine]] | None:
    """The newest run of `scope` the session's actor may read, and its lines; None if none."""
    runs = list_runs(session, scope=scope)
    return load_run(session, runs[-1].id) if runs else None  # type: ignore[arg-type]
