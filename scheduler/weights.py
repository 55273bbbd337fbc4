"""Weights of the soft preferences: documented defaults that a school can change.

The objective is a weighted sum of penalty terms, each reported on its own. Units:
a minute of load for the two fairness terms, one occurrence for the others. With the
defaults, one 45-minute session of imbalance (45 + deviation ~90) outweighs a homeroom
miss (30), which outweighs an extra working day (20); an external instructor (40)
is used only when that buys more than one internal teacher's extra day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Weights:
    # Spread between the most and the least loaded opted-in internal teacher, per minute.
    spread: int = 1
    # Sum over teachers of |load - fair share|, per minute.
    fair_share: int = 1
    # A basic session of a class whose available homeroom teacher supervises elsewhere.
    homeroom: int = 30
    # A day on which a teacher has at least one session (pack sessions onto fewer days).
    days: int = 20
    # A session led by an external instructor (外聘) who was not required by the school.
    external: int = 40
    # Two sessions of one activity on consecutive days (spread them over the week).
    adjacent_days: int = 10
    # Repair only: an assignment of the previous schedule that is changed.
    change: int = 1000
    # Partial plans only (scenarios): a teacher-session left unstaffed.
    unstaffed: int = 100000

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def updated(self, values: dict[str, int]) -> Weights:
        """A copy with some weights changed; unknown names are a caller error."""
        unknown = set(values) - set(self.names())
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(sorted(unknown))}")
        if any(v < 0 for v in values.values()):
            raise ValueError("weights must be non-negative")
        return replace(self, **values)
