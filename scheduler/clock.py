"""The time limit as a promise: one deadline that every step of a solve reads.

`afterschool schedule --time-limit T` must end within T plus a few seconds on every path
(model, warm start, search, explanation, export). Each step takes the time left from one
`Deadline` instead of a fresh limit of its own, so the steps cannot add up past T. The
clock is a parameter, so tests drive a slow case with a fake clock instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    at: float  # on `clock`'s scale
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    def left(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    def passed(self) -> bool:
        return self.clock() >= self.at

    def share(self, fraction: float, at_most: float | None = None) -> Deadline:
        """A deadline for one step: `fraction` of the time left (capped at `at_most`)."""
        seconds = self.left() * fraction
        if at_most is not None:
            seconds = min(seconds, at_most)
        return Deadline(self.clock() + seconds, self.clock)
