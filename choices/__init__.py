"""Club choices: allocating students to clubs from their ranked wishes (issue 14).

`allocate` (choices/allocate.py) is the door: the optimal rank-maximal allocation, a
random-serial-dictatorship lottery and first come, first served, on one derivation of the
school (choices/instance.py). `to_enrolments` turns the result into the contract's
`enrolments` sheet, so the scheduler and the checker's rule 4 apply to it; the reports
live in choices/report.py and realistic sample choices in choices/sample.py.
"""

from choices.allocate import (
    METHODS,
    Allocation,
    Arrival,
    Assignment,
    allocate,
    apply_allocation,
    to_enrolments,
)
from choices.instance import ChoiceInstance, Wish, seats_of, slots_from_schedule

__all__ = [
    "METHODS",
    "Allocation",
    "Arrival",
    "Assignment",
    "ChoiceInstance",
    "Wish",
    "allocate",
    "apply_allocation",
    "seats_of",
    "slots_from_schedule",
    "to_enrolments",
]
