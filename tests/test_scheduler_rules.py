"""One tiny instance per hard rule of the contract.

For each rule: (a) the solver obeys it (the schedule passes the checker and the specific
property holds, or the instance is called infeasible when the rule alone forbids every
schedule), and (b) the independent checker catches it: a valid schedule's rows, tampered
minimally to break exactly that rule, make the checker report that rule and name the
right ids.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace

from domain.school import (
    Enrolment,
    Group,
    Lock,
    School,
    Slot,
)
from scheduler.check import Violation, check, rows_of
from scheduler.solve import SolveOptions, solve
from school_builders import A, T, make, room

OPTS = SolveOptions(time_limit=5, seed=0, workers=1)
Rows = list[dict[str, str]]

# --- helpers ----------------------------------------------------------------------------


def solved(school: School) -> Rows:
    """Solve; the answer must be a schedule the checker accepts."""
    result = solve(school, OPTS)
    assert result.report.status in ("optimal", "feasible"), result.report.status
    assert result.schedule is not None
    rows = rows_of(result.schedule)
    assert check(school, rows) == [], check(school, rows)
    return rows


def status(school: School) -> str:
    return solve(school, OPTS).report.status


def of(rows: Rows, session_id: str) -> list[dict[str, str]]:
    """The rows of one session (one per teacher)."""
    out = [r for r in rows if r["session_id"] == session_id]
    assert out, f"{session_id} not in schedule"
    return out


def field_of(rows: Rows, session_id: str, key: str) -> str:
    values = {r[key] for r in of(rows, session_id)}
    assert len(values) == 1
    return values.pop()


def teachers_of(rows: Rows, session_id: str) -> set[str]:
    return {r["teacher_id"] for r in of(rows, session_id)}


def tampered(rows: Rows, session_id: str, **changes: str) -> Rows:
    """A copy of the rows with every row of one session changed."""
    out = copy.deepcopy(rows)
    for r in out:
        if r["session_id"] == session_id:
            r.update(changes)
    return out


def moved(school: School, rows: Rows, session_id: str, slot_id: str) -> Rows:
    """The session moved to another slot (day, start and end follow the slot)."""
    slot = school.slot_by_id[slot_id]
    return tampered(
        rows, session_id, slot_id=slot_id, day=str(slot.day), start=slot.start, end=slot.end
    )


def retaught(rows: Rows, session_id: str, old: str, new: str) -> Rows:
    """One teacher of a session replaced by another."""
    out = copy.deepcopy(rows)
    hits = [r for r in out if r["session_id"] == session_id and r["teacher_id"] == old]
    assert len(hits) == 1
    hits[0]["teacher_id"] = new
    return out


def flags(violations: list[Violation], rule: str, **params: object) -> None:
    """The checker reports exactly this rule (nothing else), naming these params."""
    rules = {v.rule for v in violations}
    assert rules == {rule}, violations
    want = {k: str(v) for k, v in params.items()}
    assert any(
        want.items() <= {k: str(v) for k, v in v.params}.items()
        for v in violations
        if v.rule == rule
    ), violations


def slots_of(rows: Rows, activity_id: str) -> dict[int, str]:
    """session index -> slot_id of every session of an activity."""
    return {int(r["session"]): r["slot_id"] for r in rows if r["activity_id"] == activity_id}


# --- rule 2: teachers ---------------------------------------------------------------------


def test_double_booked_teacher() -> None:
    school = make(
        teachers=(T("T1", "x", max_per_day=2), T("T2", "x", max_per_day=2), T("T3")),
        activities=(
            A("P", skill="x", allowed_slots=("D1A",)),
            A("Q", skill="x", allowed_slots=("D1A",)),
        ),
        rooms=(room("R1"), room("R2")),
    )
    rows = solved(school)
    p, q = teachers_of(rows, "P#1"), teachers_of(rows, "Q#1")
    assert not p & q and p | q == {"T1", "T2"}
    (tp,), (tq,) = p, q
    bad = retaught(rows, "Q#1", tq, tp)
    flags(check(school, bad), "double_booked", teacher=tp, slot="D1A", sessions="P#1, Q#1")
    # One qualified teacher cannot be in two places at once.
    assert (
        status(
            make(
                teachers=(T("T1", "x", max_per_day=2),),
                activities=school.activities,
                rooms=school.rooms,
            )
        )
        == "infeasible"
    )


def test_unqualified_teacher() -> None:
    school = make(
        teachers=(T("T1", "篮球"), T("T2", "美术"), T("T3")),
        activities=(A("P", skill="篮球", allowed_slots=("D1A",)),),
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") == {"T1"}
    bad = retaught(rows, "P#1", "T1", "T2")
    flags(check(school, bad), "unqualified", teacher="T2", session="P#1", skill="篮球")
    # Blank skill: anyone qualifies.
    anyone = make(activities=(A("P", allowed_slots=("D1A",)),))
    rows = solved(anyone)

    for other in ("T1", "T2", "T3"):
        assert check(anyone, tampered(rows, "P#1", teacher_id=other)) == []


def test_max_per_week() -> None:
    school = make(
        teachers=(T("T1", "x", max_per_week=1), T("T2", "x", max_per_week=1), T("T3")),
        activities=(A("P", skill="x", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") | teachers_of(rows, "P#2") == {"T1", "T2"}
    (t2,) = teachers_of(rows, "P#2")
    (t1,) = teachers_of(rows, "P#1")
    bad = retaught(rows, "P#2", t2, t1)
    flags(check(school, bad), "max_per_week", teacher=t1, count=2, limit=1)
    alone = make(teachers=(T("T1", "x", max_per_week=1),), activities=school.activities)
    assert status(alone) == "infeasible"


def test_max_per_day() -> None:
    school = make(
        teachers=(T("T1", "x"), T("T2", "x"), T("T3")),  # max_per_day defaults to 1
        activities=(
            A("P", skill="x", allowed_slots=("D1A",)),
            A("Q", skill="x", allowed_slots=("D1B",)),
        ),
    )
    rows = solved(school)
    (tp,), (tq,) = teachers_of(rows, "P#1"), teachers_of(rows, "Q#1")
    assert tp != tq
    bad = retaught(rows, "Q#1", tq, tp)
    flags(check(school, bad), "max_per_day", teacher=tp, day=1, count=2, limit=1)
    alone = make(teachers=(T("T1", "x"),), activities=school.activities)
    assert status(alone) == "infeasible"
    relaxed = make(teachers=(T("T1", "x", max_per_day=2),), activities=school.activities)
    assert Counter(r["teacher_id"] for r in solved(relaxed)) == {"T1": 2}


def test_unavailable_slot() -> None:
    school = make(
        teachers=(T("T1", "x", unavailable=("D1A",)), T("T2", "x"), T("T3")),
        activities=(A("P", skill="x", allowed_slots=("D1A",)),),
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") == {"T2"}
    flags(check(school, retaught(rows, "P#1", "T2", "T1")), "unavailable", teacher="T1", slot="D1A")
    alone = make(teachers=(T("T1", "x", unavailable=("D1A",)),), activities=school.activities)
    assert status(alone) == "infeasible"
    # Basic duty respects availability too.
    basic = make(
        teachers=(T("T1", unavailable=("D1A",)), T("T2", unavailable=("D1A",)), T("T3")),
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        rooms=(room("H", home="G"),),
    )
    assert teachers_of(solved(basic), "basic:G#1") == {"T3"}


def test_opted_out_teacher() -> None:
    school = make(
        teachers=(T("T1", "x", opt_in=False), T("T2", "x"), T("T3")),
        activities=(A("P", skill="x", allowed_slots=("D1A",)),),
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") == {"T2"}
    flags(
        check(school, retaught(rows, "P#1", "T2", "T1")), "opted_out", teacher="T1", session="P#1"
    )


def test_club_whose_only_qualified_teacher_opted_out_is_infeasible() -> None:
    school = make(
        teachers=(T("T1", "围棋", opt_in=False), T("T2"), T("T3")),
        activities=(A("P", skill="围棋"),),
    )
    result = solve(school, OPTS)
    assert result.report.status == "infeasible"
    assert result.schedule is None


def test_basic_duty_without_opted_in_teachers_is_infeasible() -> None:
    school = make(
        teachers=(T("T1", opt_in=False),),
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        rooms=(room("H", home="G"),),
    )
    assert status(school) == "infeasible"


def test_fixed_teacher_overrides_skill() -> None:
    school = make(
        teachers=(T("T1", "x"), T("T2", "x"), T("T3")),  # T3 lacks the skill
        activities=(A("P", skill="x", fixed_teacher="T3", allowed_slots=("D1A",)),),
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") == {"T3"}
    flags(
        check(school, retaught(rows, "P#1", "T3", "T1")),
        "fixed_teacher",
        session="P#1",
        teacher="T3",
    )
    # With two teachers per session the fixed one is one of them.
    two = make(
        teachers=school.teachers,
        activities=(A("P", skill="x", staff=2, fixed_teacher="T3", allowed_slots=("D1A",)),),
    )
    assert "T3" in teachers_of(solved(two), "P#1")
    # A fixed teacher who cannot come makes the activity impossible.
    away = make(
        teachers=(T("T1", "x"), T("T3", unavailable=("D1A",))),
        activities=school.activities,
    )
    assert status(away) == "infeasible"


# --- rule 1: sessions held, staffed, on allowed slots, one a day --------------------------


def test_every_session_held_and_missing_reported() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A", "D2A"), 30),),
        activities=(A("P", sessions_per_week=2),),
        rooms=(room("H", home="G"), room("R2")),
    )
    rows = solved(school)
    assert {r["session_id"] for r in rows} == {"basic:G#1", "basic:G#2", "P#1", "P#2"}
    without = [r for r in rows if r["session_id"] != "P#2"]
    flags(check(school, without), "missing", activity="P", session=2)
    without = [r for r in rows if r["session_id"] != "basic:G#1"]
    flags(check(school, without), "missing", activity="basic:G", session=1)


def test_nobody_staying_means_no_basic_session() -> None:
    school = make(groups=(Group("G", (1,), 30, ("D1A",), 0),), rooms=(room("H", home="G"),))
    assert solved(school) == []


def test_staff_count_activity() -> None:
    school = make(
        teachers=(T("T1", "x"), T("T2", "x"), T("T3", "x"), T("T4")),
        activities=(A("P", skill="x", staff=2, allowed_slots=("D1A",)),),
    )
    rows = solved(school)
    team = teachers_of(rows, "P#1")
    assert len(team) == 2 and len(of(rows, "P#1")) == 2
    fewer = [r for r in rows if r["teacher_id"] != min(team)]
    flags(check(school, fewer), "staff_count", session="P#1", have=1, need=2)
    (spare,) = {"T1", "T2", "T3"} - team
    more = [*rows, {**of(rows, "P#1")[0], "teacher_id": spare}]
    flags(check(school, more), "staff_count", session="P#1", have=3, need=2)
    assert status(make(teachers=(T("T1", "x"), T("T4")), activities=school.activities)) == (
        "infeasible"
    )


def test_staff_count_basic_follows_ratio() -> None:
    # 50 students at 1:45 need ceil(50/45) = 2 supervisors; 45 need 1.
    school = make(
        groups=(Group("G", (1,), 60, ("D1A",), 50), Group("K", (2,), 45, ("D1A",), 45)),
        rooms=(room("H", 60, home="G"), room("K1", 45, home="K")),
    )
    rows = solved(school)
    assert len(teachers_of(rows, "basic:G#1")) == 2
    assert len(teachers_of(rows, "basic:K#1")) == 1
    fewer = [r for r in rows if r["session_id"] != "basic:G#1"] + of(rows, "basic:G#1")[:1]
    flags(check(school, fewer), "staff_count", session="basic:G#1", have=1, need=2)
    # Three teachers cannot cover 2 + 1 supervisors plus a third class.
    more = make(
        groups=(*school.groups, Group("M", (3,), 30, ("D1A",), 30)),
        rooms=(*school.rooms, room("M1", home="M")),
    )
    assert status(more) == "infeasible"


def test_teacher_listed_twice_in_a_session() -> None:
    school = make(activities=(A("P", staff=2, allowed_slots=("D1A",)),))
    rows = solved(school)
    a, b = sorted(teachers_of(rows, "P#1"))
    bad = retaught(rows, "P#1", b, a)
    rules = {v.rule for v in check(school, bad)}
    assert "teacher_twice" in rules and "staff_count" in rules


def test_two_sessions_of_one_activity_never_on_one_day() -> None:
    school = make(
        teachers=(T("T1", max_per_day=2), T("T2", max_per_day=2)),
        activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D1B", "D2B")),),
    )
    rows = solved(school)
    assert slots_of(rows, "P")[2] == "D2B"
    first = slots_of(rows, "P")[1]
    assert first in ("D1A", "D1B")
    # Both sessions on day 1, still in time order.
    bad = moved(school, moved(school, rows, "P#1", "D1A"), "P#2", "D1B")
    flags(check(school, bad), "same_day", activity="P", day=1)
    only_day_one = make(
        teachers=school.teachers,
        activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D1B")),),
    )
    assert status(only_day_one) == "infeasible"


def test_basic_sessions_of_a_class_may_share_a_day() -> None:
    school = make(
        teachers=(T("T1"), T("T2")),
        groups=(Group("G", (1,), 30, ("D1A", "D1B"), 30),),
        rooms=(room("H", home="G"),),
    )
    rows = solved(school)
    assert slots_of(rows, "basic:G") == {1: "D1A", 2: "D1B"}


def test_slot_not_allowed_explicit_list() -> None:
    school = make(activities=(A("P", allowed_slots=("D2B",)),))
    rows = solved(school)
    assert field_of(rows, "P#1", "slot_id") == "D2B"
    flags(
        check(school, moved(school, rows, "P#1", "D1A")),
        "slot_not_allowed",
        session="P#1",
        slot="D1A",
    )


def test_slot_not_allowed_by_kind() -> None:
    # Blank allowed_slots: extended activities take `extended` or `any` slots,
    # self-study takes `self_study` or `any`; nobody takes a `basic` slot.
    slots = (
        Slot("B1", 1, "15:00", "15:45", "basic"),
        Slot("E1", 1, "16:00", "16:45", "extended"),
        Slot("S1", 1, "19:00", "20:00", "self_study"),
        Slot("B2", 2, "15:00", "15:45", "basic"),
    )
    school = make(
        slots=slots,
        activities=(A("P"), A("Y", category="self_study")),
        rooms=(room("R1"), room("R2")),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "slot_id") == "E1"
    assert field_of(rows, "Y#1", "slot_id") == "S1"
    assert field_of(rows, "Y#1", "kind") == "self_study"
    flags(
        check(school, moved(school, rows, "P#1", "B2")),
        "slot_not_allowed",
        session="P#1",
        slot="B2",
    )
    only_basic = make(slots=(slots[0], slots[3]), activities=(A("P"),))
    assert status(only_basic) == "infeasible"


def test_session_index_in_time_order() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D3A", "D1A", "D2A"), 30),),  # listed out of order
        activities=(A("P", sessions_per_week=2, allowed_slots=("D3B", "D1B")),),
        rooms=(room("H", home="G"), room("R2")),
        teachers=(T("T1", max_per_day=2), T("T2", max_per_day=2)),
    )
    rows = solved(school)
    assert slots_of(rows, "basic:G") == {1: "D1A", 2: "D2A", 3: "D3A"}
    assert slots_of(rows, "P") == {1: "D1B", 2: "D3B"}
    # Swap the indices of the activity's two sessions.
    bad = copy.deepcopy(rows)
    for r in bad:
        if r["activity_id"] == "P":
            r["session"] = "2" if r["session"] == "1" else "1"
            r["session_id"] = f"P#{r['session']}"
    flags(check(school, bad), "index_order", activity="P")
    # A basic session labelled with the wrong index sits at the wrong slot.
    bad = copy.deepcopy(rows)
    for r in bad:
        if r["activity_id"] == "basic:G" and r["session"] in ("1", "3"):
            r["session"] = "3" if r["session"] == "1" else "1"
            r["session_id"] = f"basic:G#{r['session']}"
    rules = {v.rule for v in check(school, bad)}
    assert "wrong_slot" in rules


# --- rule 3: rooms ------------------------------------------------------------------------


def test_room_clash() -> None:
    school = make(
        activities=(A("P", allowed_slots=("D1A",)), A("Q", allowed_slots=("D1A",))),
        rooms=(room("R1"), room("R2")),
    )
    rows = solved(school)
    rp, rq = field_of(rows, "P#1", "room_id"), field_of(rows, "Q#1", "room_id")
    assert rp != rq
    flags(
        check(school, tampered(rows, "Q#1", room_id=rp)),
        "room_clash",
        room=rp,
        slot="D1A",
        sessions="P#1, Q#1",
    )
    assert status(make(activities=school.activities, rooms=(room("R1"),))) == "infeasible"


def test_room_too_small() -> None:
    school = make(
        activities=(A("P", enrolled=35, allowed_slots=("D1A",)),),
        rooms=(room("SMALL", 30), room("BIG", 40)),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "room_id") == "BIG"
    flags(
        check(school, tampered(rows, "P#1", room_id="SMALL")),
        "room_small",
        room="SMALL",
        session="P#1",
        capacity=30,
        students=35,
    )
    assert status(make(activities=school.activities, rooms=(room("SMALL", 30),))) == "infeasible"


def test_room_size_counts_enrolments() -> None:
    # Three enrolled students win over `enrolled=1`: the 2-seat room is too small.
    school = make(
        activities=(A("P", enrolled=1, allowed_slots=("D1A",)),),
        rooms=(room("TINY", 2), room("OK", 3)),
        enrolments=tuple(Enrolment(f"S{i}", "P") for i in range(3)),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "room_id") == "OK"
    flags(check(school, tampered(rows, "P#1", room_id="TINY")), "room_small", students=3)


def test_room_type() -> None:
    school = make(
        activities=(A("P", room_type="gym", allowed_slots=("D1A",)),),
        rooms=(room("C1", 100), room("GYM", 50, "gym")),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "room_id") == "GYM"
    flags(
        check(school, tampered(rows, "P#1", room_id="C1")),
        "room_type",
        session="P#1",
        room="C1",
        type="classroom",
        expected="gym",
    )
    assert status(make(activities=school.activities, rooms=(room("C1", 100),))) == "infeasible"


def test_basic_without_home_room_needs_a_classroom() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        rooms=(room("GYM", 100, "gym"), room("C1", 30)),
    )
    rows = solved(school)
    assert field_of(rows, "basic:G#1", "room_id") == "C1"
    flags(
        check(school, tampered(rows, "basic:G#1", room_id="GYM")),
        "room_type",
        session="basic:G#1",
        expected="classroom",
    )
    small = make(groups=school.groups, rooms=(room("GYM", 100, "gym"), room("C1", 29)))
    assert status(small) == "infeasible"


def test_basic_in_home_room() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        rooms=(room("BIG", 100), room("H", 30, home="G")),
    )
    rows = solved(school)
    assert field_of(rows, "basic:G#1", "room_id") == "H"
    flags(
        check(school, tampered(rows, "basic:G#1", room_id="BIG")),
        "not_home_room",
        session="basic:G#1",
        room="BIG",
        home="H",
    )
    # A home room too small for the class is not replaced by another room.
    tight = make(groups=school.groups, rooms=(room("BIG", 100), room("H", 29, home="G")))
    assert status(tight) == "infeasible"


def test_home_rooms_of_two_classes_at_one_slot() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30), Group("K", (2,), 30, ("D1A",), 30)),
        rooms=(room("HG", home="G"), room("HK", home="K")),
        activities=(A("P", allowed_slots=("D1A", "D2A")),),
    )
    rows = solved(school)
    assert field_of(rows, "basic:G#1", "room_id") == "HG"
    assert field_of(rows, "basic:K#1", "room_id") == "HK"
    # Both home rooms are busy at D1A, so the club goes to D2A.
    assert field_of(rows, "P#1", "slot_id") == "D2A"


def test_room_matching_falls_back_to_explicit_rooms() -> None:
    """Counting rooms per nested set is not Hall's condition for every union of sets:
    two untyped 50-seat clubs and two gym clubs for 10, rooms C50, G100, G10, C20.
    Every counted set fits, yet no matching exists; the solver must fall back."""
    clubs = (
        A("U1", enrolled=50),
        A("U2", enrolled=50),
        A("Y1", enrolled=10, room_type="gym"),
        A("Y2", enrolled=10, room_type="gym"),
    )
    school = make(
        slots=(Slot("S1", 1, "16:00", "16:45"),),
        teachers=tuple(T(f"T{i}") for i in range(4)),
        activities=clubs,
        rooms=(room("C50", 50), room("G100", 100, "gym"), room("G10", 10, "gym"), room("C20", 20)),
    )
    result = solve(school, OPTS)
    assert result.report.status == "infeasible"
    # With a second gym the instance is feasible: every club gets a room.
    roomy = make(
        slots=school.slots,
        teachers=school.teachers,
        activities=clubs,
        rooms=(*school.rooms, room("G11", 11, "gym")),
    )
    rows = solved(roomy)
    assert len({r["room_id"] for r in rows}) == 4


def test_explicit_room_fallback_with_basic_and_club() -> None:
    """Counted rooms pass ((None,21) has 2 rooms for 2 sessions) but both sessions need C60;
    the exact fallback must say infeasible (it used to crash comparing RoomUse values)."""
    school = make(
        slots=(Slot("S1", 1, "16:00", "16:45"),),
        groups=(Group("G", (1,), 21, ("S1",), 21),),
        activities=(A("P", enrolled=50),),
        rooms=(room("GYM", 40, "gym"), room("C60", 60)),
    )
    assert status(school) == "infeasible"
    # One more classroom for the class and both fit.
    rows = solved(
        make(
            slots=school.slots,
            groups=school.groups,
            activities=school.activities,
            rooms=(*school.rooms, room("C30", 30)),
        )
    )
    assert field_of(rows, "P#1", "room_id") == "C60"
    assert field_of(rows, "basic:G#1", "room_id") == "C30"


# --- rule 4: classes, students, locks -----------------------------------------------------


def test_class_clash_whole_class_activity_vs_basic() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        activities=(A("W", category="self_study", groups=("G",), allowed_slots=("D1A", "D2A")),),
        rooms=(room("H", home="G"), room("R2")),
    )
    rows = solved(school)
    assert field_of(rows, "W#1", "slot_id") == "D2A"
    bad = moved(school, rows, "W#1", "D1A")
    bad = tampered(bad, "W#1", room_id="R2")
    flags(check(school, bad), "class_clash", group="G", slot="D1A", things="basic:G, W")
    forced = make(
        groups=school.groups,
        rooms=school.rooms,
        activities=(A("W", category="self_study", groups=("G",), allowed_slots=("D1A",)),),
    )
    assert status(forced) == "infeasible"


def test_class_clash_two_whole_class_activities() -> None:
    school = make(
        groups=(Group("G", (1,), 30),),
        activities=(
            A("W1", groups=("G",), allowed_slots=("D1A", "D2A")),
            A("W2", groups=("G",), allowed_slots=("D1A",)),
        ),
        rooms=(room("R1"), room("R2")),
    )
    rows = solved(school)
    assert field_of(rows, "W1#1", "slot_id") == "D2A"
    bad = moved(school, rows, "W1#1", "D1A")
    bad = tampered(bad, "W1#1", room_id=({"R1", "R2"} - {field_of(rows, "W2#1", "room_id")}).pop())
    flags(check(school, bad), "class_clash", group="G", slot="D1A", things="W1, W2")


def test_student_clash_through_enrolments() -> None:
    school = make(
        activities=(A("P", allowed_slots=("D1A", "D2A")), A("Q", allowed_slots=("D1A",))),
        rooms=(room("R1"), room("R2")),
        enrolments=(Enrolment("S001", "P"), Enrolment("S001", "Q"), Enrolment("S002", "P")),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "slot_id") == "D2A"
    bad = moved(school, rows, "P#1", "D1A")
    bad = tampered(bad, "P#1", room_id=({"R1", "R2"} - {field_of(rows, "Q#1", "room_id")}).pop())
    flags(check(school, bad), "student_clash", student="S001", slot="D1A", things="P, Q")
    # Different students: no clash, both clubs may share the slot.
    apart = make(
        activities=school.activities,
        rooms=school.rooms,
        enrolments=(Enrolment("S001", "P"), Enrolment("S002", "Q")),
    )
    assert check(apart, bad) == []
    # One slot for both clubs: the shared student makes it impossible.
    forced = make(
        activities=(A("P", allowed_slots=("D1A",)), A("Q", allowed_slots=("D1A",))),
        rooms=school.rooms,
        enrolments=school.enrolments,
    )
    assert status(forced) == "infeasible"
    assert status(make(activities=forced.activities, rooms=school.rooms)) == "optimal"


def test_student_clash_with_class_activity() -> None:
    # S001 of class G takes club P; G attends W as a whole class.
    school = make(
        groups=(Group("G", (1,), 30),),
        activities=(
            A("P", allowed_slots=("D1A", "D2A")),
            A("W", groups=("G",), allowed_slots=("D1A",)),
        ),
        rooms=(room("R1"), room("R2")),
        enrolments=(Enrolment("S001", "P", "G"),),
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "slot_id") == "D2A"
    bad = moved(school, rows, "P#1", "D1A")
    bad = tampered(bad, "P#1", room_id=({"R1", "R2"} - {field_of(rows, "W#1", "room_id")}).pop())
    flags(check(school, bad), "student_clash", student="S001", slot="D1A", things="P, W")
    forced = make(
        groups=school.groups,
        activities=(A("P", allowed_slots=("D1A",)), school.activities[1]),
        rooms=school.rooms,
        enrolments=school.enrolments,
    )
    assert status(forced) == "infeasible"


def test_club_students_may_leave_basic_care() -> None:
    # Enrolled students leave basic care: a club at their class's basic slot is fine.
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30),),
        activities=(A("P", allowed_slots=("D1A",)),),
        rooms=(room("H", home="G"), room("R2")),
        enrolments=(Enrolment("S001", "P", "G"),),
    )
    solved(school)


LOCK_SCHOOL = dict(
    teachers=(T("T1", "x", max_per_day=2), T("T2", "x", max_per_day=2), T("T3", max_per_day=2)),
    rooms=(room("R1", 30), room("R2", 40)),
)


def test_activity_lock_with_session_and_slot() -> None:
    act = A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A", "D3A", "D3B"))
    school = make(activities=(act,), locks=(Lock("P", 2, "D3A"),), **LOCK_SCHOOL)
    rows = solved(school)
    assert slots_of(rows, "P")[2] == "D3A"
    flags(check(school, moved(school, rows, "P#2", "D3B")), "lock", lock=1, activity="P")
    # The lock names session 2, so session 1 may move freely (before D3A).
    free = "D2A" if slots_of(rows, "P")[1] == "D1A" else "D1A"
    assert check(school, moved(school, rows, "P#1", free)) == []
    # Session 1 cannot be locked to the last allowed day when there are two sessions.
    late = make(activities=(act,), locks=(Lock("P", 1, "D3A"),), **LOCK_SCHOOL)
    assert status(late) == "infeasible"


def test_lock_on_a_session_that_does_not_exist() -> None:
    """Lock("P", session=3) with two sessions a week (the validator rejects it, the API
    does not): the solver and the checker must agree on whether it can hold."""
    act = A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A", "D3A"))
    rows = solved(make(activities=(act,), **LOCK_SCHOOL))
    ghost = make(activities=(act,), locks=(Lock("P", 3),), **LOCK_SCHOOL)
    checker_accepts = check(ghost, rows) == []
    solver_finds = status(ghost) in ("optimal", "feasible")
    assert checker_accepts == solver_finds


def test_activity_lock_without_session_fixes_every_session() -> None:
    act = A("P", allowed_slots=("D1A", "D2A", "D3A"))
    school = make(activities=(act,), locks=(Lock("P", slot_id="D2A"),), **LOCK_SCHOOL)
    rows = solved(school)
    assert slots_of(rows, "P") == {1: "D2A"}
    flags(check(school, moved(school, rows, "P#1", "D1A")), "lock", lock=1, activity="P")
    two = make(
        activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
        locks=(Lock("P", slot_id="D2A"),),
        **LOCK_SCHOOL,
    )
    assert status(two) == "infeasible"
    # Teacher lock without session: every session is taught by T2.
    taught = make(
        activities=(A("P", skill="x", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
        locks=(Lock("P", teacher_id="T2"),),
        **LOCK_SCHOOL,
    )
    rows = solved(taught)
    assert teachers_of(rows, "P#1") == teachers_of(rows, "P#2") == {"T2"}
    flags(check(taught, retaught(rows, "P#2", "T2", "T1")), "lock", lock=1, activity="P")


def test_partial_plan_lock_on_unstaffed_sessions_is_not_broken() -> None:
    """A partial plan that could not staff a locked club lists it as unstaffed: the lock
    is not broken by the club's absence (it is by the club held against it)."""
    act = A("P", skill="x", sessions_per_week=2, allowed_slots=("D1A", "D2A"))
    school = make(activities=(act,), locks=(Lock("P", teacher_id="T3"),), **LOCK_SCHOOL)
    result = solve(school, replace(OPTS, partial=True))
    assert result.schedule is not None and {u.activity_id for u in result.schedule.unstaffed} == {
        "P"
    }
    rows = rows_of(result.schedule)
    excused = {(u.activity_id, u.index) for u in result.schedule.unstaffed}
    assert check(school, rows, excused) == []
    # Without the list the club is missing, and so is what the lock fixed.
    assert {v.rule for v in check(school, rows)} == {"missing", "lock"}


def test_activity_lock_on_room() -> None:
    school = make(
        activities=(A("P", allowed_slots=("D1A",)),),
        locks=(Lock("P", room_id="R2"),),
        **LOCK_SCHOOL,
    )
    rows = solved(school)
    assert field_of(rows, "P#1", "room_id") == "R2"  # not the smaller R1
    flags(check(school, tampered(rows, "P#1", room_id="R1")), "lock", lock=1, activity="P")
    # A room lock on one session only.
    one = make(
        activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
        locks=(Lock("P", 2, room_id="R2"),),
        **LOCK_SCHOOL,
    )
    rows = solved(one)
    assert field_of(rows, "P#2", "room_id") == "R2"
    flags(check(one, tampered(rows, "P#2", room_id="R1")), "lock", lock=1, activity="P")
    # A locked room of the wrong type is not replaced by another room.
    wrong = make(
        activities=(A("P", room_type="gym", allowed_slots=("D1A",)),),
        locks=(Lock("P", room_id="R2"),),
        teachers=LOCK_SCHOOL["teachers"],
        rooms=(*LOCK_SCHOOL["rooms"], room("G", 50, "gym")),
    )
    assert status(wrong) == "infeasible"


def test_two_room_locks_on_one_activity() -> None:
    """Each session's room lock holds, not only the first lock's."""
    school = make(
        activities=(A("P", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
        locks=(Lock("P", 1, room_id="R1"), Lock("P", 2, room_id="R2")),
        **LOCK_SCHOOL,
    )
    result = solve(school, OPTS)
    assert result.schedule is not None
    rows = rows_of(result.schedule)
    assert check(school, rows) == []
    assert field_of(rows, "P#1", "room_id") == "R1"
    assert field_of(rows, "P#2", "room_id") == "R2"


def test_contradicting_room_locks_are_infeasible() -> None:
    school = make(
        activities=(A("P", allowed_slots=("D1A",)),),
        locks=(Lock("P", room_id="R2"), Lock("P", 1, room_id="R1")),
        **LOCK_SCHOOL,
    )
    assert status(school) == "infeasible"


def test_activity_lock_on_teacher_for_one_session() -> None:
    school = make(
        activities=(A("P", skill="x", sessions_per_week=2, allowed_slots=("D1A", "D2A")),),
        locks=(Lock("P", 1, teacher_id="T1"), Lock("P", 2, teacher_id="T2")),
        **LOCK_SCHOOL,
    )
    rows = solved(school)
    assert teachers_of(rows, "P#1") == {"T1"} and teachers_of(rows, "P#2") == {"T2"}
    flags(check(school, retaught(rows, "P#1", "T1", "T2")), "lock", lock=1, activity="P")
    # Locking an unqualified teacher does not override the skill.
    unq = make(activities=school.activities, locks=(Lock("P", 1, teacher_id="T3"),), **LOCK_SCHOOL)
    assert status(unq) == "infeasible"


BASIC_GROUP = Group("G", (1,), 30, ("D2A", "D1A", "D3A"), 30)  # listed out of time order


def test_basic_lock_by_slot() -> None:
    school = make(
        groups=(BASIC_GROUP,),
        locks=(Lock("basic:G", slot_id="D2A", teacher_id="T3"),),
        teachers=LOCK_SCHOOL["teachers"],
        rooms=(room("H", home="G"),),
    )
    rows = solved(school)
    assert field_of(rows, "basic:G#2", "slot_id") == "D2A"
    assert teachers_of(rows, "basic:G#2") == {"T3"}
    flags(
        check(school, retaught(rows, "basic:G#2", "T3", "T1")), "lock", lock=1, activity="basic:G"
    )


def test_basic_lock_by_session_index() -> None:
    # Session 1 is D1A, the first in time order, although listed second.
    school = make(
        groups=(BASIC_GROUP,),
        locks=(Lock("basic:G", session=1, teacher_id="T3"),),
        teachers=(T("T1"), T("T2"), T("T3")),
        rooms=(room("H", home="G"),),
    )
    rows = solved(school)
    assert field_of(rows, "basic:G#1", "slot_id") == "D1A"
    assert teachers_of(rows, "basic:G#1") == {"T3"}
    flags(
        check(school, retaught(rows, "basic:G#1", "T3", "T1")), "lock", lock=1, activity="basic:G"
    )


def test_basic_lock_on_every_session_and_room() -> None:
    school = make(
        groups=(BASIC_GROUP,),
        locks=(Lock("basic:G", room_id="C2", teacher_id="T2"),),
        teachers=(T("T1"), T("T2"), T("T3")),
        rooms=(room("C1", 30), room("C2", 40)),  # no home room: any classroom would do
    )
    rows = solved(school)
    for i in (1, 2, 3):
        assert teachers_of(rows, f"basic:G#{i}") == {"T2"}
        assert field_of(rows, f"basic:G#{i}", "room_id") == "C2"
    flags(
        check(school, tampered(rows, "basic:G#3", room_id="C1")), "lock", lock=1, activity="basic:G"
    )
    # A room lock that is not the home room cannot hold.
    home = make(
        groups=(BASIC_GROUP,),
        locks=(Lock("basic:G", room_id="C2"),),
        rooms=(room("H", home="G"), room("C2")),
    )
    assert status(home) == "infeasible"


def test_lock_on_class_without_basic_session() -> None:
    """Nobody stays for basic care (basic_students 0): the solver and the checker must agree
    on whether a lock on that class's basic service can hold."""
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 0),), locks=(Lock("basic:G", slot_id="D1A"),)
    )
    result = solve(school, OPTS)
    if result.schedule is not None:
        assert check(school, rows_of(result.schedule)) == []


def test_two_classes_cannot_share_a_locked_teacher() -> None:
    school = make(
        groups=(Group("G", (1,), 30, ("D1A",), 30), Group("K", (2,), 30, ("D1A",), 30)),
        locks=(Lock("basic:G", teacher_id="T1"), Lock("basic:K", teacher_id="T1")),
        rooms=(room("HG", home="G"), room("HK", home="K")),
    )
    assert status(school) == "infeasible"
