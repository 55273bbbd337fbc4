"""Versioned schools and schedules: save, load, list."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine

from domain.schedule import Placed, Schedule, Unstaffed
from store.db import init_db, make_engine, session_scope
from store.schedules import list_schedules, load_schedule, save_schedule
from store.schools import (
    NotFound,
    list_schools,
    load_school,
    load_school_version,
    save_school,
    save_schools,
    school_hash,
    school_versions,
)
from strategies import example_school


@pytest.fixture
def engine(store_url: str) -> Engine:
    engine = make_engine(store_url)
    init_db(engine)
    return engine


def a_schedule(school_id: str = "007") -> Schedule:
    return Schedule(
        school_id=school_id,
        sessions=(
            Placed("basic:1班", 1, "basic", 1, "S1", "15:30", "16:15", "R01", ("T01",)),
            Placed("A01", 1, "extended", 1, "S2", "16:30", "17:15", "R02", ("T04", "T01")),
            Placed("A01", 2, "extended", 5, "S4", "16:30", "17:15", "R02", ()),
        ),
        unstaffed=(
            Unstaffed("A02", 1, "extended", None, None, 1),
            Unstaffed("basic:复式班", 1, "basic", 1, "S1", 2),
        ),
    )


def test_saved_school_loads_equal(engine: Engine) -> None:
    school = example_school()
    with session_scope(engine) as session:
        head = save_school(session, school, "a.xlsx")
    assert (head.school_id, head.version, head.content_hash) == ("007", 1, school_hash(school))
    with session_scope(engine) as session:
        assert load_school(session, "007") == school
        assert load_school_version(session, head.id) == school


def test_reimport_adds_a_version_and_keeps_the_old(engine: Engine) -> None:
    old = example_school()
    new = replace(old, teachers=old.teachers[:2], info=replace(old.info, name="新名字"))
    with session_scope(engine) as session:
        save_school(session, old, "v1.xlsx")
    with session_scope(engine) as session:
        v2 = save_school(session, new, "v2.xlsx")
        v3 = save_school(session, new, "v2.xlsx")  # same content: still a new version
    assert (v2.version, v3.version) == (2, 3)
    assert v2.content_hash == v3.content_hash != school_hash(old)
    with session_scope(engine) as session:
        assert load_school(session, "007", 1) == old
        assert load_school(session, "007") == new
        assert [v.version for v in school_versions(session, "007")] == [1, 2, 3]


def test_list_schools_shows_latest_with_counts(engine: Engine) -> None:
    a, b = example_school("007"), example_school("010", "村小")
    with session_scope(engine) as session:
        save_schools(session, [(a, "a.xlsx"), (b, "b.xlsx")])
        save_school(session, replace(b, activities=(), enrolments=(), locks=()), "b2.xlsx")
    with session_scope(engine) as session:
        rows = list_schools(session)
    assert [(r.school_id, r.version, r.teachers, r.groups, r.activities) for r in rows] == [
        ("007", 1, 4, 2, 2),
        ("010", 2, 4, 2, 0),
    ]
    assert rows[1].name == "村小"


def test_unknown_school_and_version(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_school(session, example_school(), "a.xlsx")
        with pytest.raises(NotFound) as unknown:
            load_school(session, "999")
        with pytest.raises(NotFound) as no_version:
            load_school(session, "007", 5)
    assert unknown.value.key == "store.unknown_school"
    assert no_version.value.key == "store.unknown_version"


def test_hash_is_canonical() -> None:
    school = example_school()
    assert school_hash(school) == school_hash(example_school())
    assert school_hash(school) != school_hash(replace(school, locks=()))


def test_schedule_round_trip_and_versions(engine: Engine) -> None:
    schedule = a_schedule()
    report = {"objective": 12, "notes": ["全部安排", None], "ok": True}
    with session_scope(engine) as session:
        head = save_school(session, example_school(), "a.xlsx")
        first = save_schedule(session, schedule, head.id, "h1", "optimal", report)
        second = save_schedule(
            session, replace(schedule, unstaffed=()), head.id, "h2", "feasible", {}
        )
    assert (first.version, second.version) == (1, 2)
    with session_scope(engine) as session:
        latest, latest_head = load_schedule(session, "007")
        loaded, loaded_head = load_schedule(session, "007", 1)
        assert [s.version for s in list_schedules(session, "007")] == [1, 2]
    assert loaded == schedule
    assert (loaded_head.inputs_hash, loaded_head.status, loaded_head.report) == (
        "h1",
        "optimal",
        report,
    )
    assert latest == replace(schedule, unstaffed=()) and latest_head.status == "feasible"


def test_schedule_must_match_its_school(engine: Engine) -> None:
    with session_scope(engine) as session:
        head = save_school(session, example_school(), "a.xlsx")
        with pytest.raises(ValueError):
            save_schedule(session, a_schedule("999"), head.id, "h", "optimal", {})
        with pytest.raises(NotFound):
            load_schedule(session, "007")


def test_schedule_of_old_version_reads_old_school(engine: Engine) -> None:
    old = example_school()
    new = replace(old, rooms=old.rooms[:1])
    with session_scope(engine) as session:
        v1 = save_school(session, old, "v1.xlsx")
        save_schedule(session, a_schedule(), v1.id, "h", "optimal", {})
    with session_scope(engine) as session:
        save_school(session, new, "v2.xlsx")
    with session_scope(engine) as session:
        schedule, head = load_schedule(session, "007")
        assert schedule == a_schedule()
        assert load_school_version(session, head.school_version_id) == old
        assert load_school(session, "007") == new
