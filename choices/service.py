"""Club allocation: the one workflow under `afterschool allocate` and the app's Choices
page. Neither shell holds a step of its own; both call these.

1. Input: a school with its `choices` sheet, read through the workbook door (the command
   line), the stored school (the page), or the stored school with an uploaded choices
   sheet (choices/upload.py, the same door, so every problem is located).
2. Allocate: `run_allocation` runs the chosen method and, with the same seed, the other
   two, so every result is seen against the lottery and first come, first served.
3. Files: `allocation_files` gives enrolments.csv (the contract's enrolments sheet with the
   allocation applied), the letters for parents (letters.xlsx, letters.csv) and
   summary.md, as bytes; `write_files` puts them into a folder.
4. Store: `store_allocation` saves the school version the choices came from (unless that
   content is stored already) and the allocation as its school's next version;
   `stored_outcome` gives a stored allocation back in the same shape.
5. Schedule: `schedule_allocated` schedules the week with the allocated enrolments through
   `scheduler.service.schedule_school`, the scheduling workflow of every shell.

The joint mode (`run_joint`, choices/joint.py) does steps 2 and 5 together: it chooses the
clubs' slots with the allocation and returns the allocation with its checked week; the
lottery and first come, first served are compared in that same week. `store_joint` stores
the allocation, the allocated school and the week.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from choices import letters
from choices.allocate import METHODS, Allocation, allocate, apply_allocation
from choices.instance import ChoiceInstance
from choices.report import SHARES, Summary, breakdown, seats_frame, summary
from domain.problems import Problem
from domain.school import School
from i18n import both, t
from workbook.safety import csv_dict

if TYPE_CHECKING:
    from sqlmodel import Session

    from scheduler.service import Outcome
    from scheduler.solve import SolveOptions
    from store.models import AllocationVersion, SchoolVersion

# Heard while allocating: (method, stages done, stages in all); the serial methods are
# one stage.
Progress = Callable[[str, int, int], None]
ENROLMENT_COLUMNS = ("student_id", "group_id", "activity_id")
JOINT = "joint"  # the joint mode's name in progress events and inputs hashes
FILES = ("enrolments.csv", "letters.xlsx", "letters.csv", "summary.md")


class InvalidChoices(Exception):
    """Choices that cannot be allocated: located problems, or one message (no choices)."""

    def __init__(self, problems: Sequence[Problem] = (), key: str | None = None) -> None:
        self.problems = tuple(problems)
        self.key = key
        super().__init__(self.render())

    def render(self) -> str:
        lines = [p.render() for p in self.problems]
        return "\n".join([*lines, both(self.key)] if self.key else lines)


@dataclass(frozen=True)
class JointInfo:
    """How the joint mode found its week: the path (choices.joint.PATHS), the bound (the
    optimal allocation with the slots free: what no week can beat) and whether the
    allocation meets it."""

    path: str
    upper: Summary
    at_bound: bool

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "upper": _summary_json(self.upper), "at_bound": self.at_bound}

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> JointInfo:
        return cls(data["path"], _summary_of(data["upper"]), bool(data["at_bound"]))


@dataclass(frozen=True)
class AllocationOutcome:
    """One allocation with what it is compared with: the school it allocated (as read,
    choices included), the chosen method's allocation, every method's summary (in METHODS
    order, the chosen one included) and the hash of the inputs. `slots`: the week's slots
    of every activity when the allocation was made for a known week (every method then
    kept to them exactly); `joint`: how the joint mode found that week."""

    school: School
    allocation: Allocation
    summaries: tuple[Summary, ...]
    inputs_hash: str
    slots: dict[str, tuple[str, ...]] | None = None
    joint: JointInfo | None = None

    @cached_property
    def enrolled(self) -> School:
        """The school with the allocation as its enrolments: what the scheduler gets."""
        return apply_allocation(self.school, self.allocation)

    @property
    def summary(self) -> Summary:
        return next(s for s in self.summaries if s.method == self.allocation.method)

    def report(self) -> dict[str, Any]:
        """What the store keeps beside the rows (JSON: the objective as text, it is big)."""
        out: dict[str, Any] = {
            "method": self.allocation.method,
            "seed": self.allocation.seed,
            "summaries": [_summary_json(s) for s in self.summaries],
        }
        if self.slots is not None:
            out["slots"] = {aid: list(slots) for aid, slots in self.slots.items()}
        if self.joint is not None:
            out["joint"] = self.joint.as_json()
        return out


def _summary_json(s: Summary) -> dict[str, Any]:
    data = dataclasses.asdict(s)
    return {**data, "objective": str(s.objective), "profile": list(s.profile)}


def _summary_of(data: dict[str, Any]) -> Summary:
    return Summary(
        **{**data, "objective": int(data["objective"]), "profile": tuple(data["profile"])}
    )


def inputs_hash(school: School, method: str, seed: int) -> str:
    from store.schools import school_hash

    text = f"{school_hash(school)}:{method}:{seed}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- allocate


def run_allocation(
    school: School,
    method: str = "optimal",
    seed: int = 0,
    progress: Progress | None = None,
    slots: dict[str, tuple[str, ...]] | None = None,
) -> AllocationOutcome:
    """Allocate the school's choices with `method`; the other methods run too, with the
    same seed, for the comparison. `slots`: a known week (activity -> its slots) every
    method keeps to. InvalidChoices when the school has no choices."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if not school.choices:
        raise InvalidChoices(key="choices.none")
    results: dict[str, Allocation] = {}
    for name in (method, *(m for m in METHODS if m != method)):  # the chosen one first
        heard = None if progress is None else _stage_progress(progress, name)
        results[name] = allocate(school, method=name, seed=seed, progress=heard, slots=slots)
        if progress is not None and name != "optimal":
            progress(name, 1, 1)
    return AllocationOutcome(
        school=school,
        allocation=results[method],
        summaries=tuple(summary(results[m]) for m in METHODS),
        inputs_hash=inputs_hash(school, method, seed),
        slots=slots,
    )


def run_joint(
    school: School, seed: int, options: SolveOptions, progress: Progress | None = None
) -> tuple[AllocationOutcome, Outcome]:
    """The joint mode (choices/joint.py): the optimal allocation and the clubs' slots
    together, then the week staffed by the scheduler, all by `options`' deadline. Returns
    the allocation's outcome (the lottery and first come, first served allocated in the
    same week, for the comparison) and the scheduler's outcome for its allocated school:
    checked, or without a schedule (then its reasons say why no week exists).
    InvalidChoices when the school has no choices."""
    from choices.joint import joint

    if not school.choices:
        raise InvalidChoices(key="choices.none")
    stages = None if progress is None else _stage_progress(progress, "optimal")
    steps = None if progress is None else _stage_progress(progress, JOINT)
    found = joint(school, options, seed, stages, steps)
    slots = found.slots or None  # no week: the others compared with Hall's condition
    results = {"optimal": found.allocation}
    for name in METHODS[1:]:
        results[name] = allocate(school, method=name, seed=seed, slots=slots)
        if progress is not None:
            progress(name, 1, 1)
    outcome = AllocationOutcome(
        school=school,
        allocation=found.allocation,
        summaries=tuple(summary(results[m]) for m in METHODS),
        inputs_hash=inputs_hash(school, JOINT, seed),
        slots=slots,
        joint=JointInfo(found.path, summary(found.upper), found.at_bound),
    )
    return outcome, found.outcome


def _stage_progress(progress: Progress, method: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(method, done, total)


# ---------------------------------------------------------------- files


def enrolments_csv_bytes(school: School) -> bytes:
    """The enrolments sheet as the contract's CSV (UTF-8 with BOM, English headers)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(ENROLMENT_COLUMNS))
    writer.writeheader()
    for e in school.enrolments:
        writer.writerow(csv_dict({k: getattr(e, k) for k in ENROLMENT_COLUMNS}))
    return buffer.getvalue().encode("utf-8-sig")


def allocation_files(outcome: AllocationOutcome, lang: str = "zh") -> dict[str, bytes]:
    """Every file of an allocation by name (FILES); letters in `lang`."""
    frame = letters.letters_frame(outcome.allocation, lang)
    info = outcome.school.info
    title = t("choices.letter.title", lang, school=info.name)
    return {
        "enrolments.csv": enrolments_csv_bytes(outcome.enrolled),
        "letters.xlsx": letters.letters_xlsx_bytes(frame, title, lang),
        "letters.csv": letters.letters_csv_bytes(frame, lang),
        "summary.md": summary_markdown(outcome).encode("utf-8"),
    }


def write_files(outcome: AllocationOutcome, folder: Path, lang: str = "zh") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in allocation_files(outcome, lang).items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- summary.md


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _table(
    header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "---:"
) -> list[str]:
    line = "| " + " | ".join(header) + " |"
    rule = "|---|" + "|".join(align for _ in header[1:]) + "|"
    return [line, rule, *("| " + " | ".join(str(c) for c in row) + " |" for row in rows)]


def _col(key: str) -> str:
    return both(f"choices.col.{key}")


def _method(method: str) -> str:
    return both(f"choices.method.{method}")


def summary_markdown(outcome: AllocationOutcome) -> str:
    """summary.md, both languages side by side (like the schedule's summary)."""
    chosen = outcome.summary
    info = outcome.school.info
    out = [
        f"# {both('choices.summary.title')}: {info.name} ({info.school_id})",
        "",
        *_table(
            [both("choices.summary.item"), both("choices.summary.value")],
            [
                (_col("method"), _method(chosen.method)),
                (both("choices.summary.seed"), outcome.allocation.seed),
                (both("choices.summary.status"), chosen.status),
                (_col("students"), chosen.students),
                (both("choices.summary.max_clubs"), info.max_clubs_per_student),
                (_col("seats"), chosen.seats),
                (_col("seats_left"), chosen.seats_left),
            ],
            "---",
        ),
        "",
        f"## {both('choices.summary.compare')}",
        "",
        *_compare_lines(outcome.summaries),
        "",
        both("choices.summary.fcfs_note"),
        *_joint_lines(outcome),
    ]
    for by in ("grade", "group_id", "priority"):
        out += ["", f"## {both(f'choices.summary.by.{by}')} ({_method(chosen.method)})", ""]
        out += _breakdown_lines(outcome.allocation, by)
    out += ["", f"## {both('choices.summary.seats')}", "", *_seat_lines(outcome.allocation), ""]
    return "\n".join(out)


def _compare_lines(summaries: Sequence[Summary]) -> list[str]:
    header = [both("choices.summary.item"), *(_method(s.method) for s in summaries)]
    rows = [
        [_col("first"), *(_pct(s.first) for s in summaries)],
        [_col("top3"), *(_pct(s.top3) for s in summaries)],
        [_col("nothing"), *(_pct(s.nothing) for s in summaries)],
        [
            both("choices.summary.clubs_per_student"),
            *(f"{s.clubs_per_student:.2f}" for s in summaries),
        ],
        [_col("seats_left"), *(s.seats_left for s in summaries)],
        [both("choices.summary.seconds"), *(f"{s.seconds:.2f}" for s in summaries)],
    ]
    return _table(header, rows)


def _joint_lines(outcome: AllocationOutcome) -> list[str]:
    """How the joint mode found its week and the allocation against the bound."""
    info = outcome.joint
    if info is None:
        return []
    if info.at_bound:
        bound = both("choices.joint.at_bound")
    else:
        first, now = _pct(info.upper.first), _pct(outcome.summary.first)
        bound = " / ".join(
            t("choices.joint.below_bound", lang, first=first, now=now) for lang in ("zh", "en")
        )
    chosen, upper = outcome.summary, info.upper
    rows = [
        [_col(k), _pct(getattr(upper, k)), _pct(getattr(chosen, k))]
        for k in ("first", "top3", "nothing")
    ]
    rows.append(
        [
            both("choices.summary.clubs_per_student"),
            f"{upper.clubs_per_student:.2f}",
            f"{chosen.clubs_per_student:.2f}",
        ]
    )
    header = [both("choices.summary.item"), both("choices.summary.bound"), _method(chosen.method)]
    return [
        "",
        f"## {both('choices.summary.joint')}",
        "",
        f"{both(f'choices.joint.path.{info.path}')}. {bound}. {both('choices.summary.same_week')}",
        "",
        *_table(header, rows),
    ]


def _breakdown_lines(allocation: Allocation, by: str) -> list[str]:
    frame = breakdown(allocation, by)
    rows = []
    for r in frame.to_dict("records"):
        key = r[by]
        if by == "priority":
            key = both("choices.yes" if key else "choices.no")
        rows.append([key, r["students"], *(_pct(r[k]) for k in SHARES)])
    header = [both(f"choices.col.{by}"), _col("students"), *(_col(k) for k in SHARES)]
    return _table(header, rows)


def _seat_lines(allocation: Allocation) -> list[str]:
    frame = seats_frame(allocation)
    keys = ("seats", "first_choices", "choices", "granted", "left")
    header = [both("choices.col.club"), *(_col(k) for k in keys)]
    rows = [
        [f"{r['name']} ({r['activity_id']})", *(r[k] for k in keys)]
        for r in frame.to_dict("records")
    ]
    return _table(header, rows)


def comparison_frame(summaries: Sequence[Summary], lang: str = "zh") -> pd.DataFrame:
    """The three shares per method, long form, for a chart: method label, share, value."""
    return pd.DataFrame(
        [
            {
                "method": t(f"choices.method.{s.method}", lang),
                "share": t(f"choices.col.{k}", lang),
                "value": getattr(s, k),
            }
            for s in summaries
            for k in SHARES
        ]
    )


# ---------------------------------------------------------------- store


def store_allocation(
    session: Session,
    outcome: AllocationOutcome,
    source: str,
    expected_version: int | None = None,
) -> tuple[AllocationVersion, SchoolVersion, bool]:
    """Save the allocation as its school's next version, against the stored school version
    holding exactly these choices (saved first, as a new version, when there is none;
    `expected_version` then guards against a newer save meanwhile). Returns the
    allocation's row, the school version and whether that version was new."""
    from store.allocations import save_allocation
    from store.schools import version_with_content

    head, created = version_with_content(session, outcome.school, source, expected_version)
    saved = save_allocation(
        session,
        outcome.allocation,
        head.id,  # type: ignore[arg-type]
        outcome.inputs_hash,
        outcome.report(),
    )
    return saved, head, created


def store_enrolled(
    session: Session, outcome: AllocationOutcome, allocation_version: int, expected_version: int
) -> SchoolVersion:
    """The school with the allocated enrolments, stored for scheduling (or found, if that
    content is stored already); refused with StaleVersion when `expected_version` is no
    longer the school's latest (someone saved meanwhile)."""
    from store.schools import version_with_content

    source = f"allocation v{allocation_version}"
    head, _ = version_with_content(session, outcome.enrolled, source, expected_version)
    return head


def stored_outcome(
    session: Session, school_id: str, version: int | None = None
) -> tuple[AllocationOutcome, AllocationVersion]:
    """A stored allocation (latest by default) as an outcome: its rows, the school version
    it was made from, and the summaries saved with it."""
    from store.allocations import load_allocation
    from store.schools import load_school_version

    assignments, head = load_allocation(session, school_id, version)
    school = load_school_version(session, head.school_version_id)
    summaries = tuple(_summary_of(s) for s in head.report.get("summaries", []))
    chosen = next((s for s in summaries if s.method == head.method), None)
    stored_slots = head.report.get("slots")
    slots = None if stored_slots is None else {a: tuple(v) for a, v in stored_slots.items()}
    allocation = Allocation(
        method=head.method,
        seed=head.seed,
        assignments=assignments,
        order=tuple(head.draw),
        status=head.status,
        instance=ChoiceInstance(school, slots),
        seconds=chosen.seconds if chosen else 0.0,
    )
    if chosen is None:  # a report without summaries: this allocation's own
        summaries = (summary(allocation),)
    joint = head.report.get("joint")
    info = None if joint is None else JointInfo.of_json(joint)
    outcome = AllocationOutcome(school, allocation, summaries, head.inputs_hash, slots, info)
    return outcome, head


# ---------------------------------------------------------------- schedule


def schedule_allocated(outcome: AllocationOutcome, options: SolveOptions) -> Outcome:
    """The week of the allocated school (solve, check, explain), by the scheduler's one
    workflow; the caller stores or writes it as it does any schedule."""
    from scheduler.service import schedule_school

    return schedule_school(outcome.enrolled, options)


def store_joint(
    session: Session,
    outcome: AllocationOutcome,
    scheduled: Outcome,
    source: str,
    expected_version: int | None = None,
) -> tuple[AllocationVersion, SchoolVersion, Any]:
    """The joint mode's result stored: the allocation (`store_allocation`, against
    `expected_version`), the allocated school (as `store_enrolled`) and its week, which
    must have passed the checker (`store.schedules.save_checked` refuses it otherwise).
    Returns the allocation's row, the allocated school's version and the week's row."""
    from store.schedules import save_checked
    from store.schools import version_with_content

    saved, head, created = store_allocation(session, outcome, source, expected_version)
    latest = head.version if created else expected_version  # a new version is the latest
    enrolled, _ = version_with_content(
        session, outcome.enrolled, f"allocation v{saved.version}", latest
    )
    extra = {"allocation": {"method": JOINT, "seed": outcome.allocation.seed}}
    week = save_checked(session, scheduled, enrolled.id, extra)  # type: ignore[arg-type]
    return saved, enrolled, week
