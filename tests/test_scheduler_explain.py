"""Why a school has no schedule: one tiny school per reason the explainer can give.

For each counting check (scheduler/explain.py) a school that is infeasible for exactly
that reason: the solver agrees it is infeasible (the reason is no false alarm), `explain`
names the reason with the right names, counts and slot names, both languages render
completely, and a feasible near-twin (one thing changed) gets no counting reason at all.
Then schools that pass every count yet have no schedule, where the solver names a small
set of conflicting rules; and a property: counting checks are necessary conditions, so
whenever they report anything the solver must find the school infeasible.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scheduler_property import SETTINGS, tiny_schools

from domain.school import Group, Lock, School
from i18n import TABLE
from scheduler.explain import Bilingual, Reason, conflicting_rules, counting_checks, explain
from scheduler.solve import SolveOptions, solve
from school_builders import A, T, make, room
from strategies import schools

OPTS = SolveOptions(time_limit=5, seed=0, workers=1)
EXPLAIN_LIMIT = 5.0


def basic(gid: str, *slots: str, students: int = 30) -> Group:
    return Group(gid, (1,), students, slots, students)


def status(school: School) -> str:
    return solve(school, OPTS).report.status


def params(reason: Reason, lang: str = "zh") -> dict[str, object]:
    """A reason's parameters as the reader sees them in one language."""
    return {
        k: (v.en if lang == "en" else v.zh) if isinstance(v, Bilingual) else v
        for k, v in reason.params
    }


def renders(reason: Reason) -> tuple[str, str]:
    """Both messages, with every placeholder filled in."""
    zh, en = reason.message("zh"), reason.message("en")
    for text in (zh, en):
        assert text and not re.search(r"[{}]", text), (reason, text)
    assert zh != en, reason
    return zh, en


# --- counting checks: one school per reason -------------------------------------------------

Case = tuple[School, School, str, dict[str, object], dict[str, object], str]

CASES: dict[str, Case] = {}


def case(code: str, bad: School, twin: School, want: dict, en: dict | None = None, text=""):
    """`bad` is infeasible for reason `code` with parameters `want` (`en`: the English
    reading of bilingual ones); `twin` differs by one thing and has a schedule; `text` is
    a fragment the Chinese message must contain."""
    CASES[code] = (bad, twin, code, want, en or {}, text)


# Per slot: basic care (90 students = 2 teachers) plus a club fixed at Wed period 2, but
# T3 cannot come then.
_slot = dict(
    groups=(basic("G", "D3B", students=90),),
    activities=(A("P", allowed_slots=("D3B",)),),
    rooms=(room("H", 90, home="G"), room("R1")),
)
case(
    "slot_staff",
    make(teachers=(T("T1"), T("T2"), T("T3", unavailable=("D3B",))), **_slot),
    make(**_slot),
    {"slot": "周三第2节", "need": 3, "have": 2},
    {"slot": "Wed period 2"},
    "周三第2节需要3位老师",
)

# Per skill at a slot: two art clubs fixed at Wed period 2 need 3 art teachers; one of the
# three is away then. Each club alone could be staffed.
_art = (
    A("P", skill="美术", staff=2, allowed_slots=("D3B",)),
    A("Q", skill="美术", allowed_slots=("D3B",)),
)
case(
    "slot_skill",
    make(
        teachers=(T("T1", "美术"), T("T2", "美术"), T("T3", "美术", unavailable=("D3B",)), T("T4")),
        activities=_art,
        rooms=(room("R1"), room("R2")),
    ),
    make(
        teachers=(T("T1", "美术"), T("T2", "美术"), T("T3", "美术"), T("T4")),
        activities=_art,
        rooms=(room("R1"), room("R2")),
    ),
    {"slot": "周三第2节", "need": 3, "skill": "美术", "have": 2},
    {"slot": "Wed period 2"},
    "周三第2节需要3位具备美术技能的老师，只有2位有空",
)

case(
    "too_few_days",
    make(activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D1B")),)),
    make(activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A")),)),
    {"name": "活动P", "k": 2, "days": 1},
)

# The only go teacher opted out.
case(
    "skill",
    make(
        teachers=(T("T1", "围棋", opt_in=False), T("T2"), T("T3")),
        activities=(A("P", skill="围棋"),),
    ),
    make(teachers=(T("T1", "围棋"), T("T2"), T("T3")), activities=(A("P", skill="围棋"),)),
    {"name": "活动P", "staff": 1, "skill": "围棋", "have": 0},
    text="围棋",
)

case(
    "skill_any",
    make(activities=(A("P", staff=4),)),
    make(activities=(A("P", staff=3),)),
    {"name": "活动P", "staff": 4, "have": 3},
    text="不限技能",
)

# Two teachers can lead chess, but never at the same allowed slot.
_two = ("D1A", "D2A")
case(
    "skill_free",
    make(
        teachers=(T("T1", "x", unavailable=("D2A",)), T("T2", "x", unavailable=("D1A",)), T("T3")),
        activities=(A("P", skill="x", staff=2, allowed_slots=_two),),
    ),
    make(
        teachers=(T("T1", "x", unavailable=("D2A",)), T("T2", "x"), T("T3")),
        activities=(A("P", skill="x", staff=2, allowed_slots=_two),),
    ),
    {"name": "活动P", "staff": 2, "skill": "x", "have": 1},
)

case(
    "skill_free_any",
    make(
        teachers=(T("T1", unavailable=("D1A",)), T("T2", unavailable=("D2A",)), T("T3")),
        activities=(A("P", staff=3, allowed_slots=_two),),
    ),
    make(
        teachers=(T("T1"), T("T2", unavailable=("D2A",)), T("T3")),
        activities=(A("P", staff=3, allowed_slots=_two),),
    ),
    {"name": "活动P", "staff": 3, "have": 2},
    text="不限技能",
)

case(
    "fixed_opted_out",
    make(
        teachers=(T("T1"), T("T2"), T("T3", opt_in=False)), activities=(A("P", fixed_teacher="T3"),)
    ),
    make(activities=(A("P", fixed_teacher="T3"),)),
    {"name": "活动P", "teacher": "老师T3"},
)

case(
    "fixed_unavailable",
    make(
        teachers=(T("T1"), T("T2"), T("T3", unavailable=("D1A", "D1B"))),
        activities=(A("P", fixed_teacher="T3", allowed_slots=("D1A", "D1B")),),
    ),
    make(
        teachers=(T("T1"), T("T2"), T("T3", unavailable=("D1A",))),
        activities=(A("P", fixed_teacher="T3", allowed_slots=("D1A", "D1B")),),
    ),
    {"name": "活动P", "teacher": "老师T3"},
)

case(
    "fixed_over_week",
    make(
        teachers=(T("T1", max_per_week=2), T("T2"), T("T3")),
        activities=(A("P", sessions_per_week=3, fixed_teacher="T1"),),
    ),
    make(
        teachers=(T("T1", max_per_week=3), T("T2"), T("T3")),
        activities=(A("P", sessions_per_week=3, fixed_teacher="T1"),),
    ),
    {"teacher": "老师T1", "n": 3, "limit": 2},
)

case(
    "no_rooms",
    make(groups=(basic("G", "D1A"),), rooms=()),
    make(groups=(basic("G", "D1A"),), rooms=(room("H", home="G"),)),
    {},
)

# A gym exists, but it seats 5 and the club has 10.
case(
    "no_room",
    make(activities=(A("P", room_type="gym"),), rooms=(room("R1"), room("GYM", 5, "gym"))),
    make(activities=(A("P", room_type="gym"),), rooms=(room("R1"), room("GYM", 10, "gym"))),
    {"name": "活动P", "seats": 10, "type": "gym"},
)

case(
    "no_room_any",
    make(activities=(A("P", enrolled=50),)),
    make(activities=(A("P", enrolled=40),)),
    {"name": "活动P", "seats": 50},
    text="50",
)

case(
    "home_room_small",
    make(groups=(basic("G", "D1A", "D2A"),), rooms=(room("H", 20, home="G"), room("R1"))),
    make(groups=(basic("G", "D1A", "D2A"),), rooms=(room("H", 30, home="G"), room("R1"))),
    {"group": "G", "room": "场地H", "capacity": 20, "students": 30},
)

case(
    "no_classroom",
    make(groups=(basic("G", "D1A", students=50),), rooms=(room("R1", 40), room("GYM", 60, "gym"))),
    make(groups=(basic("G", "D1A", students=50),), rooms=(room("R1", 50), room("GYM", 60, "gym"))),
    {"group": "G", "students": 50},
)

# Three gym sessions, one gym, two slots they may use.
_gym = (
    A("P", sessions_per_week=2, room_type="gym", allowed_slots=_two),
    A("Q", room_type="gym", allowed_slots=_two),
)
case(
    "room_type_busy",
    make(activities=_gym, rooms=(room("GYM", 40, "gym"),)),
    make(activities=_gym, rooms=(room("GYM", 40, "gym"), room("GYM2", 40, "gym"))),
    {"type": "gym", "need": 3, "have": 2},
)

# Basic care three days a week, two teachers who each give one session a week.
case(
    "week_budget",
    make(
        teachers=(T("T1", max_per_week=1), T("T2", max_per_week=1)),
        groups=(basic("G", "D1A", "D2A", "D3A"),),
        rooms=(room("H", home="G"),),
    ),
    make(
        teachers=(T("T1", max_per_week=1), T("T2", max_per_week=2)),
        groups=(basic("G", "D1A", "D2A", "D3A"),),
        rooms=(room("H", home="G"),),
    ),
    {"need": 3, "have": 2},
)

# Monday: two big classes, each needing two teachers, at two different periods; three
# teachers who work once a day. Each period alone can be staffed.
_monday = dict(
    groups=(basic("G1", "D1A", students=90), basic("G2", "D1B", students=90)),
    rooms=(room("H1", 90, home="G1"), room("H2", 90, home="G2")),
)
case(
    "day_budget",
    make(**_monday),
    make(teachers=(T("T1", max_per_day=2), T("T2"), T("T3")), **_monday),
    {"day": "周一", "need": 4, "have": 3},
    {"day": "Mon"},
)

# The class's whole-class study meets twice, but only Wednesday is free of its basic care.
_cls = dict(groups=(basic("G", "D1A", "D2A"),), rooms=(room("H", home="G"), room("R1")))
case(
    "class_busy",
    make(
        activities=(
            A("P", sessions_per_week=2, groups=("G",), allowed_slots=("D1A", "D2A", "D3A")),
        ),
        **_cls,
    ),
    make(
        activities=(
            A("P", sessions_per_week=2, groups=("G",), allowed_slots=("D1A", "D1B", "D3A")),
        ),
        **_cls,
    ),
    {"group": "G", "name": "活动P", "k": 2, "days": 1},
)

case(
    "lock_slot",
    make(activities=(A("P", allowed_slots=_two),), locks=(Lock("P", slot_id="D3B"),)),
    make(activities=(A("P", allowed_slots=_two),), locks=(Lock("P", slot_id="D2A"),)),
    {"n": 1, "activity": "活动P", "slot": "周三第2节"},
    {"slot": "Wed period 2"},
)

case(
    "lock_teacher",
    make(
        teachers=(T("T1", "x"), T("T2"), T("T3")),
        activities=(A("P", skill="x"),),
        locks=(Lock("P", teacher_id="T2"),),
    ),
    make(
        teachers=(T("T1", "x"), T("T2"), T("T3")),
        activities=(A("P", skill="x"),),
        locks=(Lock("P", teacher_id="T1"),),
    ),
    {"n": 1, "activity": "活动P", "teacher": "老师T2"},
)


def test_every_reason_code_has_a_case() -> None:
    """A new counting reason (a `why.` message that is not a solver rule) needs a case here."""
    codes = {
        key.removeprefix("why.")
        for key in TABLE
        if key.startswith("why.") and not key.startswith("why.rule_")
    }
    # "<code>_row": the same reason for a lock read from a workbook (see the row test).
    assert {c for c in codes if not c.endswith("_row")} - {"conflict", "none"} == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_counting_reason(code: str) -> None:
    bad, twin, code, want, want_en, text = CASES[code]
    # (a) not a false alarm: the solver agrees there is no schedule
    assert status(bad) == "infeasible"
    # (b) exactly this reason, with the right names and counts
    reasons = explain(bad, EXPLAIN_LIMIT)
    assert [r.code for r in reasons] == [code], reasons
    (reason,) = reasons
    assert params(reason, "zh").items() >= want.items(), reason
    assert params(reason, "en").items() >= {**want, **want_en}.items(), reason
    # (c) both languages render completely, naming what the principal must look at
    zh, en = renders(reason)
    assert text in zh, zh
    for value in want.values():
        assert str(value) in zh, (value, zh)
    for value in {**want, **want_en}.values():
        assert str(value) in en, (value, en)
    # (d) the near-twin has a schedule and no counting reason
    assert status(twin) in ("optimal", "feasible")
    assert counting_checks(twin) == []


# --- counting checks that once cried wolf -------------------------------------------------


def test_fixed_teacher_without_the_skill_counts_at_a_forced_slot() -> None:
    """The fixed teacher needs no skill, so a club fixed at one slot is staffed by them."""
    school = make(
        teachers=(T("T1", "x"), T("T3")),
        activities=(A("P", skill="y", fixed_teacher="T3", allowed_slots=("D1A",)),),
    )
    assert status(school) in ("optimal", "feasible")
    assert counting_checks(school) == []


def test_no_rooms_is_fine_when_nothing_needs_one() -> None:
    school = make(groups=(Group("G", (1,), 30, ("D1A",), 0),), rooms=())
    assert status(school) in ("optimal", "feasible")
    assert counting_checks(school) == []


def test_lock_on_basic_care_nobody_stays_for_fixes_nothing() -> None:
    school = make(
        teachers=(T("T1"), T("T2", opt_in=False)),
        groups=(Group("G", (1,), 30, ("D1A",), 0),),
        locks=(Lock("basic:G", slot_id="D1A", teacher_id="T2"),),
    )
    assert status(school) in ("optimal", "feasible")
    assert counting_checks(school) == []


# --- every count passes, yet no schedule: the solver names the conflict -------------------


def _conflict(school: School) -> list[Reason]:
    assert status(school) == "infeasible"
    assert counting_checks(school) == []
    reasons = explain(school, EXPLAIN_LIMIT)
    assert reasons == conflicting_rules(school, EXPLAIN_LIMIT)  # deterministic, one worker
    for r in reasons:
        renders(r)
    return reasons


def test_lock_and_daily_limit_conflict() -> None:
    """T1 is locked to every basic session of G, twice on Monday, but works once a day."""
    group = (basic("G", "D1A", "D1B"),)
    lock = Lock("basic:G", teacher_id="T1")
    reasons = _conflict(make(groups=group, rooms=(room("H", home="G"),), locks=(lock,)))
    assert len(reasons) <= 3, reasons
    assert {r.code for r in reasons} == {"rule_lock", "rule_teacher_day"}
    day = next(r for r in reasons if r.code == "rule_teacher_day")
    assert params(day) == {"teacher": "老师T1", "limit": 1}
    assert "第1条锁定（G班基础托管）" in [r.message("zh") for r in reasons]
    # Lock only the first session and the week has a schedule; nothing to explain.
    twin = make(groups=group, rooms=(room("H", home="G"),), locks=(replace(lock, session=1),))
    assert status(twin) in ("optimal", "feasible")
    assert explain(twin, EXPLAIN_LIMIT) == []


def test_lock_and_weekly_limit_conflict() -> None:
    """The weekly budget holds school-wide; only T1's own, with the lock, is violated."""
    school = make(
        teachers=(T("T1", max_per_week=2), T("T2"), T("T3")),
        groups=(basic("G", "D1A", "D2A", "D3A"),),
        rooms=(room("H", home="G"),),
        locks=(Lock("basic:G", teacher_id="T1"),),
    )
    reasons = _conflict(school)
    assert len(reasons) <= 3, reasons
    assert {r.code for r in reasons} == {"rule_lock", "rule_teacher_week"}
    week = next(r for r in reasons if r.code == "rule_teacher_week")
    assert week.message("zh") == "老师T1每周最多2节"
    assert week.message("en") == "老师T1 takes at most 2 session(s) a week"


def test_two_classes_locked_to_one_teacher_at_one_slot() -> None:
    school = make(
        groups=(basic("G1", "D1A"), basic("G2", "D1A")),
        rooms=(room("H1", home="G1"), room("H2", home="G2")),
        locks=(
            Lock("basic:G1", slot_id="D1A", teacher_id="T1"),
            Lock("basic:G2", slot_id="D1A", teacher_id="T1"),
        ),
    )
    (reason,) = _conflict(school)
    assert reason.code == "rule_lock" and params(reason) == {"n": 2, "activity": "G2班基础托管"}
    assert params(reason, "en")["activity"] == "basic care of class G2"


def test_fixed_teacher_against_a_locked_teacher() -> None:
    """One teacher a session, fixed to T1 but locked to T2."""
    school = make(activities=(A("P", fixed_teacher="T1"),), locks=(Lock("P", teacher_id="T2"),))
    reasons = _conflict(school)
    assert {r.code for r in reasons} <= {"rule_fixed", "rule_lock", "rule_staff", "rule_held"}
    assert {"rule_fixed", "rule_lock"} <= {r.code for r in reasons}
    assert all("活动P" in r.message("zh") or "P" in r.message("zh") for r in reasons)


def test_one_teacher_with_the_skill_cannot_take_both_clubs() -> None:
    """Each club alone passes every count; together they exceed T1's week."""
    school = make(
        teachers=(T("T1", "x", max_per_week=1), T("T2"), T("T3")),
        activities=(A("P", skill="x"), A("Q", skill="x")),
    )
    reasons = _conflict(school)
    assert len(reasons) <= 5, reasons  # held and staffed for both clubs, and T1's week
    assert any(r.code == "rule_teacher_week" and "老师T1" in r.message("zh") for r in reasons)
    text = " ".join(r.message("zh") for r in reasons)
    assert "活动P" in text and "活动Q" in text


def test_rooms_and_classes_in_conflicting_rules_are_named() -> None:
    """Rules keyed by a room or a class name it (these messages once crashed)."""
    home = make(
        groups=(basic("G", "D1A"),),
        rooms=(room("H", home="G"), room("R2")),
        locks=(Lock("basic:G", slot_id="D1A", room_id="R2"),),
    )
    (reason,) = _conflict(home)
    assert reason.code == "rule_home_room" and params(reason) == {"group": "G"}
    assert renders(reason) == ("班级G必须在本班教室托管", "class G has basic care in its home room")

    one_room = make(
        activities=(A("P", allowed_slots=("D1A",)), A("Q", allowed_slots=("D1A",))),
        rooms=(room("R1"), room("R2")),
        locks=(Lock("P", room_id="R1"), Lock("Q", room_id="R1")),
    )
    reasons = _conflict(one_room)
    assert len(reasons) <= 3, reasons
    (clash,) = [r for r in reasons if r.code == "rule_room"]
    assert renders(clash) == (
        "场地“场地R1”每个时段只能安排一项",
        "room '场地R1' holds one session per slot",
    )

    whole_class = make(
        groups=(basic("G", "D1A", "D2A"),),
        activities=(A("P", groups=("G",), allowed_slots=("D1A", "D3A")),),
        rooms=(room("H", home="G"), room("R1")),
        locks=(Lock("P", slot_id="D1A"),),
    )
    reasons = _conflict(whole_class)
    assert len(reasons) <= 3, reasons
    assert {r.code for r in reasons} == {"rule_class", "rule_lock", "rule_held"}
    (busy,) = [r for r in reasons if r.code == "rule_class"]
    assert renders(busy) == ("班级G每个时段只能参加一项", "class G attends one thing per slot")


# --- property: a counting reason is never a false alarm -----------------------------------


def _never_a_false_alarm(school: School, conflicts: bool = False) -> None:
    """Counting reasons only for infeasible schools; with `conflicts`, an infeasible school
    that passes every count gets a non-empty list of conflicting rules."""
    reasons = counting_checks(school)
    for r in reasons:
        renders(r)
    if not reasons and not conflicts:
        return
    result = solve(school, OPTS)
    if reasons:
        assert result.report.status == "infeasible", (reasons, repr(school))
    elif result.report.status == "infeasible":
        rules = conflicting_rules(school, EXPLAIN_LIMIT)
        assert rules, repr(school)
        for r in rules:
            renders(r)


@settings(SETTINGS, max_examples=200)
@given(tiny_schools())
def test_counting_reasons_only_for_infeasible_tiny_schools(school: School) -> None:
    _never_a_false_alarm(school, conflicts=True)


@settings(SETTINGS, max_examples=100)
@given(schools(), st.integers(0, 2))
def test_counting_reasons_only_for_infeasible_shared_schools(school: School, cut: int) -> None:
    """The shared strategy's valid schools, sometimes with teachers removed so counts fail."""
    _never_a_false_alarm(replace(school, teachers=school.teachers[cut:]))


def test_a_lock_read_from_a_workbook_is_named_by_its_sheet_row() -> None:
    """Locks from a workbook carry their row: reasons cite "锁定表第7行", as Excel shows it."""
    lock = Lock("P", slot_id="D3B", teacher_id="T2", row=7)
    school = make(
        teachers=(T("T1", "x"), T("T2"), T("T3")),
        activities=(A("P", skill="x", allowed_slots=_two),),
        locks=(lock,),
    )
    reasons = explain(school, time_limit=5)
    assert {r.code for r in reasons} == {"lock_slot_row", "lock_teacher_row"}
    for r in reasons:
        zh, en = renders(r)
        assert "锁定表第7行" in zh and "locks sheet row 7" in en and "活动P" in zh
