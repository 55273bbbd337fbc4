"""Every hard rule of the contract, once: where the model enforces it, which checker
verdicts catch a schedule that breaks it, and how an explanation names it.

A new hard rule is one entry here plus the functions it names: a `rule_*` function in
`scheduler/model.py` (labelling its constraints with the entry's `tag`), the checker codes
in `scheduler/check.py` (each an i18n key `check.<code>`), and the plain-language reason
`why.<reason>` in the translation table. `tests/test_scheduler_registry.py` fails when an
entry lacks any of them, or when the model labels a constraint with a tag not listed here.
The greedy and the warm start (`scheduler/greedy.py`, `scheduler/warmstart.py`,
`scheduler/polish.py`) build weeks that obey every rule by construction; a rule that
they cannot honour costs only the hint (CP-SAT still searches), never a wrong schedule,
since the checker verifies every schedule before it is stored or exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scheduler import model


@dataclass(frozen=True)
class Rule:
    tag: str  # the label kind of the model's constraints (explain mode guards them)
    contract: int  # the hard rule's number in data-contract.md ("Hard rules ...")
    statement: str  # the rule in one line
    model: Callable  # the function of scheduler/model.py that adds it
    checks: tuple[str, ...]  # checker codes (check.<code>) that a breach of it produces
    # The explanation's reason code (why.<reason>), or None for a rule an explanation never
    # relaxes: a physical impossibility, added without a label (see `model`).
    reason: str | None


# Rules that are domain facts rather than constraints: opt-out, availability and skill
# leave no variable for a forbidden assignment (`model.create_variables`), so no
# constraint can be relaxed; the checker still verifies them.
DOMAIN_CHECKS = ("opted_out", "unavailable", "unqualified")
# Checker verdicts on the schedule file itself (its columns, ids, kinds and indices agree
# with the workbook; a partial plan's unstaffed sessions are not held): not a rule of the
# model, which cannot write a malformed file, but of anything a person hands the checker.
FILE_CHECKS = (
    "columns",
    "bad_row",
    "unknown_slot",
    "slot_mismatch",
    "unknown_teacher",
    "unknown_room",
    "inconsistent",
    "duplicate_session",
    "unexpected",
    "wrong_kind",
    "wrong_slot",
    "index_order",
    "unstaffed_held",
)

RULES: tuple[Rule, ...] = (
    Rule(
        "basic_staff",
        1,
        "every basic session has exactly ceil(basic_students / ratio) teachers",
        model.rule_basic_staffed,
        ("missing", "staff_count"),
        "rule_basic_staff",
    ),
    Rule(
        "held",
        1,
        "every session of an activity is held, at an allowed slot",
        model.rule_activity_held,
        ("missing", "slot_not_allowed"),
        "rule_held",
    ),
    Rule(
        "one_per_day",
        1,
        "two sessions of one activity never fall on the same day",
        model.rule_activity_one_per_day,
        ("same_day",),
        "rule_one_per_day",
    ),
    Rule(
        "staff",
        1,
        "each activity session has exactly `staff` distinct qualified teachers",
        model.rule_activity_staffed,
        ("staff_count", "teacher_twice"),
        "rule_staff",
    ),
    Rule(
        "fixed",
        2,
        "the fixed teacher leads every session of the activity",
        model.rule_fixed_teacher,
        ("fixed_teacher",),
        "rule_fixed",
    ),
    Rule(
        "teacher_slot",
        2,
        "a teacher holds at most one session per slot",
        model.rule_teacher_one_per_slot,
        ("double_booked",),
        None,
    ),
    Rule(
        "teacher_day",
        2,
        "a teacher holds at most max_per_day sessions a day",
        model.rule_teacher_max_per_day,
        ("max_per_day",),
        "rule_teacher_day",
    ),
    Rule(
        "teacher_week",
        2,
        "a teacher holds at most max_per_week sessions a week",
        model.rule_teacher_max_per_week,
        ("max_per_week",),
        "rule_teacher_week",
    ),
    Rule(
        "rooms",
        3,
        "at each slot the sessions that need a kind of room fit in the rooms of that kind",
        model.rule_rooms,
        ("room_clash", "room_small", "room_type"),
        "rule_rooms",
    ),
    Rule(
        "room",
        3,
        "a room holds at most one session per slot",
        model.rule_rooms,
        ("room_clash",),
        "rule_room",
    ),
    Rule(
        "home_room",
        3,
        "basic care is held in the class's home room, which must seat the class",
        model.collect_room_uses,
        ("not_home_room", "room_small"),
        "rule_home_room",
    ),
    Rule(
        "lock_room",
        4,
        "a room lock names a room that fits the activity, one room per session",
        model.collect_room_uses,
        ("lock",),
        "rule_lock_room",
    ),
    Rule(
        "class",
        4,
        "a class attends at most one thing per slot (basic care or one whole-class activity)",
        model.rule_class_one_thing_per_slot,
        ("class_clash",),
        "rule_class",
    ),
    Rule(
        "students",
        4,
        "no enrolled student has two activities in one slot",
        model.rule_students_no_clash,
        ("student_clash",),
        "rule_students",
    ),
    Rule(
        "lock",
        4,
        "the filled cells of a lock are fixed",
        model.rule_locks,
        ("lock",),
        "rule_lock",
    ),
)

BY_TAG: dict[str, Rule] = {r.tag: r for r in RULES}
