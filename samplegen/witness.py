"""A witness schedule: proof that a generated school admits a valid schedule.

The generator must only emit schools that can be scheduled. Counting checks
(`samplegen.checks`) are necessary, not sufficient, so every sample school also gets a
witness: the product's greedy scheduler (`scheduler.greedy`) builds a complete week and
the independent checker (`scheduler.check`) re-verifies it against the contract's hard
rules, independently of how it was built.
"""

from __future__ import annotations

import math

from domain.school import School
from scheduler.greedy import checked_greedy, unplaceable

__all__ = ["find_witness", "load_ratio", "unplaceable"]

# A witness is a greedy week that the independent checker passes.
find_witness = checked_greedy


def load_ratio(school: School) -> float:
    """Sessions demanded over sessions teachers can give in a week (0 when no capacity)."""
    demand = sum(school.basic_need(g) * len(g.basic_slots) for g in school.groups)
    demand += sum(a.sessions_per_week * a.staff for a in school.activities)
    capacity = 0
    days = sorted({s.day for s in school.slots})
    for t in school.teachers:
        if not t.opt_in:
            continue
        per_day = [
            min(
                t.max_per_day,
                sum(1 for s in school.slots if s.day == d and s.slot_id not in t.unavailable),
            )
            for d in days
        ]
        capacity += min(t.max_per_week, sum(per_day))
    return demand / capacity if capacity else math.inf
