"""Who may do what: one pure rights table, and its enforcement inside the store.

An `Actor` is the user a unit of work runs for. `session_scope(engine, actor=...)` puts
it into `session.info`; every store function that reads or changes a school's data calls
`require` (or filters its list with `can`) before touching rows, so a caller that bypasses
the UI is refused just the same. A session with no actor runs with `SYSTEM` rights: that
is the local operator's command line, who already has the database file (or its URL and
password) and could change anything anyway. The app always passes an actor.

`school_id=None` means the county as a whole (a county subsidy run, scenarios, the audit
log, user accounts): only actors without a school of their own may act on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from store.errors import Forbidden

ROLES = ("principal", "finance", "bureau", "admin")
ACTIONS = (
    "school.read",
    "school.write",
    "schedule.read",
    "schedule.write",
    "allocation.read",
    "allocation.write",
    "subsidy.read",
    "subsidy.write",
    "scenario.run",
    "audit.read",
    "user.manage",
)
ACTOR_KEY = "actor"


@dataclass(frozen=True)
class Actor:
    """The user a unit of work runs for; `school_id` None = county-wide."""

    username: str
    role: str
    school_id: str | None = None


# The operator of a local command line (no actor given): everything.
SYSTEM = Actor("system", "admin")

# What a role may do on its own school (actors bound to one school). Club allocations
# name students, so only those who plan them (principals) or oversee them (the bureau)
# see them; finance pays teachers and has no use for them.
OWN_SCHOOL: dict[str, frozenset[str]] = {
    "principal": frozenset(
        {
            "school.read",
            "school.write",
            "schedule.read",
            "schedule.write",
            "allocation.read",
            "allocation.write",
            "subsidy.read",
        }
    ),
    "finance": frozenset({"school.read", "schedule.read", "subsidy.read", "subsidy.write"}),
}
# What a county-wide role may do on every school and on the county as a whole.
COUNTY_WIDE: dict[str, frozenset[str]] = {
    "finance": OWN_SCHOOL["finance"],
    "bureau": frozenset(
        {"school.read", "schedule.read", "allocation.read", "subsidy.read", "scenario.run"}
    ),
    "admin": frozenset(ACTIONS),
}


def can(actor: Actor, action: str, school_id: str | None = None) -> bool:
    """Whether `actor` may do `action` on `school_id` (None: the county as a whole)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor.school_id is None:
        return action in COUNTY_WIDE.get(actor.role, frozenset())
    return school_id == actor.school_id and action in OWN_SCHOOL.get(actor.role, frozenset())


def role_needs_school(role: str) -> bool | None:
    """True: the role must name a school; False: it must not; None: either (finance)."""
    return {"principal": True, "finance": None, "bureau": False, "admin": False}[role]


def actor_of(session: Session) -> Actor:
    """The actor of a unit of work; `SYSTEM` when none was given (see the module doc)."""
    return session.info.get(ACTOR_KEY) or SYSTEM


def require(session: Session, action: str, school_id: str | None = None) -> Actor:
    """The session's actor if it may do `action` on `school_id`; Forbidden otherwise."""
    actor = actor_of(session)
    if not can(actor, action, school_id):
        raise Forbidden(
            "store.forbidden",
            user=actor.username,
            role=actor.role,
            action=action,
            school=school_id or "",
        )
    return actor
