"""The scheduling workflow, once, for the command line, the app and the scenario runner.

solve (or repair) -> check -> explain, by one deadline: `schedule_school` returns one
`Outcome`, and a caller stores or exports only an outcome whose schedule passed the
independent checker (`Outcome.checked`). The shells add their own input and output (files,
progress lines, the page) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from domain.schedule import Schedule
from domain.school import School
from scheduler.check import Violation, check, rows_of
from scheduler.clock import Deadline
from scheduler.explain import Reason, explain
from scheduler.repair import Change, repair
from scheduler.solve import Report, SolveOptions, inputs_hash, solve

# The explanation of an infeasible week may run this long past the deadline, so a school
# proven infeasible at the last moment still gets its reasons (the promise: T + a few s).
EXPLAIN_GRACE = 3.0
EXPLAIN_AT_MOST = 20.0  # seconds; the counting checks take none of it


@dataclass
class Outcome:
    """Everything one solve produced: the schedule (None if there is none), the solver's
    report, the checker's verdict on that schedule, the reasons when no schedule exists,
    the changes a repair made, and the hash of the inputs the schedule depends on."""

    school: School
    schedule: Schedule | None
    report: Report
    inputs_hash: str
    violations: list[Violation] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """A schedule exists and the independent checker found nothing wrong with it."""
        return self.schedule is not None and not self.violations

    @property
    def excused(self) -> set[tuple[str, int]]:
        """(activity_id, session) of the sessions a partial plan declares unstaffed."""
        return set() if self.schedule is None else self.schedule.excused


def schedule_school(
    school: School,
    options: SolveOptions,
    previous: Schedule | None = None,
    explain_failure: bool = True,
) -> Outcome:
    """Solve the school's week (repair `previous`, if given), check it, explain a failure.

    Ends by `options.deadline` (default: `options.time_limit` from now), plus at most
    EXPLAIN_GRACE seconds for the reasons of an infeasible week. `explain_failure=False`
    skips the reasons (the scenario runner counts failures and does not show them).
    """
    deadline = options.deadline_from_now()
    options = replace(options, deadline=deadline)
    changes: list[Change] = []
    if previous is not None:
        repaired = repair(school, previous, options)
        result, changes = repaired.result, repaired.changes
    else:
        result = solve(school, options)
    outcome = Outcome(school, result.schedule, result.report, inputs_hash(school, options.weights))
    outcome.changes = changes
    if result.schedule is not None:
        outcome.violations = check(school, rows_of(result.schedule), outcome.excused)
    elif result.report.status == "infeasible" and explain_failure:
        outcome.reasons = explain(school, EXPLAIN_AT_MOST, _explain_deadline(deadline))
    return outcome


def _explain_deadline(deadline: Deadline) -> Deadline:
    grace = Deadline.after(EXPLAIN_GRACE, deadline.clock)
    return grace if grace.at > deadline.at else deadline
