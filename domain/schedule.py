"""A weekly schedule as the contract's schedule file describes it."""

from __future__ import annotations

from dataclasses import dataclass

SCHEDULE_COLUMNS = (
    "session_id",
    "activity_id",
    "session",
    "kind",
    "day",
    "slot_id",
    "start",
    "end",
    "room_id",
    "teacher_id",
)
UNSTAFFED_COLUMNS = ("session_id", "activity_id", "session", "kind", "day", "slot_id", "missing")


def session_id(activity_id: str, index: int) -> str:
    return f"{activity_id}#{index}"


@dataclass(frozen=True)
class Placed:
    """One held session: where, when and who. `index` is 1-based in time order."""

    activity_id: str
    index: int
    kind: str
    day: int
    slot_id: str
    start: str
    end: str
    room_id: str
    teacher_ids: tuple[str, ...]

    @property
    def session_id(self) -> str:
        return session_id(self.activity_id, self.index)


@dataclass(frozen=True)
class Unstaffed:
    """A session a partial plan could not staff (scenarios only)."""

    activity_id: str
    index: int
    kind: str
    day: int | None
    slot_id: str | None
    missing: int

    @property
    def session_id(self) -> str:
        return session_id(self.activity_id, self.index)


@dataclass(frozen=True)
class Schedule:
    school_id: str
    sessions: tuple[Placed, ...]
    unstaffed: tuple[Unstaffed, ...] = ()

    @property
    def excused(self) -> set[tuple[str, int]]:
        """(activity_id, session) of the sessions a partial plan declares unstaffed: the
        checker does not ask them to be held."""
        return {(u.activity_id, u.index) for u in self.unstaffed}

    def rows(self) -> list[dict[str, object]]:
        """One row per teacher per session, sorted for stable files."""
        out = []
        for p in sorted(self.sessions, key=lambda p: (p.day, p.start, p.activity_id, p.index)):
            for teacher_id in sorted(p.teacher_ids):
                out.append(
                    {
                        "session_id": p.session_id,
                        "activity_id": p.activity_id,
                        "session": p.index,
                        "kind": p.kind,
                        "day": p.day,
                        "slot_id": p.slot_id,
                        "start": p.start,
                        "end": p.end,
                        "room_id": p.room_id,
                        "teacher_id": teacher_id,
                    }
                )
        return out
