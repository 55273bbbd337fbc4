"""The store keeps club choices with the school and stores allocations versioned (issue 14):
round trip, versions, lineage to the school version, audit, rights, immutability (ORM and
database triggers, migration 0004) and the migration's downgrade. Runs on SQLite and, with
DATABASE_URL pointing at PostgreSQL, on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from choices import allocate
from domain.school import Choice, School
from store.allocations import (
    get_allocation_version,
    list_allocations,
    load_allocation,
    save_allocation,
)
from store.audit import list_audit
from store.db import alembic_config, init_db, make_engine, session_scope
from store.errors import Forbidden, ImmutableRow, NotFound
from store.models import AllocationRow, AllocationVersion, ChoiceRow
from store.rights import Actor
from store.schools import get_version, load_school, load_school_version, save_school, school_hash
from store_helpers import dump
from strategies import example_school

OWN, OTHER = "007", "008"
PRINCIPAL = Actor("wang", "principal", OWN)
FINANCE = Actor("li", "finance", OWN)
BUREAU = Actor("chen", "bureau")


def choice_school(school_id: str = OWN) -> School:
    """The example school with two clubs per student allowed, a grade range on the art
    club and a choices sheet (C03 is a priority student; C01's art choice is not open to
    grade 1 and is never granted)."""
    base = example_school()
    activities = (base.activities[0], replace(base.activities[1], min_grade=3, max_grade=6))
    rows = (
        Choice("C01", "1班", "A02", 1),
        Choice("C01", "1班", "A01", 2),
        Choice("C02", "复式班", "A02", 1),
        Choice("C02", "复式班", "A01", 4),
        Choice("C03", "复式班", "A02", 2, True),
        Choice("C03", "复式班", "A01", 1, True),
    )
    info = replace(base.info, school_id=school_id, max_clubs_per_student=2)
    return replace(base, info=info, activities=activities, choices=rows)


@pytest.fixture
def engine(store_url: str) -> Engine:
    """Schools 007 and 008 (with choices) saved as version 1 each."""
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:
        for sid in (OWN, OTHER):
            save_school(session, choice_school(sid), f"{sid}.xlsx")
    return engine


def head_id(engine: Engine, school_id: str = OWN) -> int:
    with session_scope(engine) as session:
        return get_version(session, school_id).id  # type: ignore[return-value]


def test_a_school_keeps_its_choices_grade_bounds_and_max_clubs(engine: Engine) -> None:
    with session_scope(engine) as session:
        loaded = load_school(session, OWN)
        stored = get_version(session, OWN)
    assert loaded == choice_school()
    assert loaded.choices == choice_school().choices
    assert loaded.info.max_clubs_per_student == 2
    assert (loaded.activity_by_id["A02"].min_grade, loaded.activity_by_id["A02"].max_grade) == (
        3,
        6,
    )
    assert stored.content_hash == school_hash(choice_school())
    # Each addition takes part in equality and in the hash: dropping one is a change.
    school = choice_school()
    for changed in (
        replace(school, choices=school.choices[:-1]),
        replace(school, info=replace(school.info, max_clubs_per_student=1)),
        replace(
            school, activities=(school.activities[0], replace(school.activities[1], max_grade=5))
        ),
    ):
        assert changed != school and school_hash(changed) != school_hash(school)


def test_allocations_are_versioned_with_their_school_version(engine: Engine) -> None:
    school = choice_school()
    first = allocate(school, method="optimal", seed=1)
    second = allocate(school, method="lottery", seed=3)
    assert first.assignments and second.assignments
    version_id = head_id(engine)
    with session_scope(engine) as session:
        v1 = save_allocation(session, first, version_id, "hash-1", {"first": 0.5})
        v2 = save_allocation(session, second, version_id, "hash-2", {"first": 0.25})
    assert (v1.version, v2.version) == (1, 2)
    # A re-import is a new school version; the allocations still name the one they used.
    with session_scope(engine) as session:
        save_school(session, replace(school, choices=school.choices[:2]), "edited.xlsx")
    with session_scope(engine) as session:
        latest, head = load_allocation(session, OWN)
        earlier, old = load_allocation(session, OWN, 1)
        versions = [v.version for v in list_allocations(session, OWN)]
        made_from = load_school_version(session, old.school_version_id)
        entries = [e for e in list_audit(session, school_id=OWN) if e.action == "allocation.save"]
    assert versions == [1, 2]
    assert latest == second.assignments and earlier == first.assignments
    assert (head.method, head.seed, head.status, head.inputs_hash) == (
        "lottery",
        3,
        "done",
        "hash-2",
    )
    assert head.draw == list(second.order) and head.report == {"first": 0.25}
    assert (old.method, old.seed, old.status) == ("optimal", 1, "optimal")
    assert made_from == school and len(made_from.choices) == 6
    assert [e.object_id for e in entries] == [str(v2.id), str(v1.id)]
    assert entries[0].detail.startswith("v2 lottery seed 3:")


def test_unknown_and_mismatched_versions(engine: Engine) -> None:
    allocation = allocate(choice_school(), seed=0)
    with session_scope(engine) as session:
        with pytest.raises(NotFound) as missing:
            load_allocation(session, OWN)
        assert "没有保存的社团录取结果" in str(missing.value)
        with pytest.raises(NotFound):
            get_allocation_version(session, OWN, 7)
        with pytest.raises(ValueError):
            save_allocation(session, allocation, head_id(engine, OTHER), "h", {})
        with pytest.raises(NotFound):
            save_allocation(session, allocation, 10_000, "h", {})


def test_rights_are_those_of_the_table(engine: Engine) -> None:
    own, other = allocate(choice_school(OWN)), allocate(choice_school(OTHER))
    with session_scope(engine) as session:
        save_allocation(session, other, head_id(engine, OTHER), "h", {})
    before = dump(engine)
    for actor in (PRINCIPAL, FINANCE, BUREAU):  # nobody writes another school's places
        with pytest.raises(Forbidden), session_scope(engine, actor=actor) as session:
            save_allocation(session, other, head_id(engine, OTHER), "h", {})
    for actor in (FINANCE, BUREAU):  # finance and the bureau never write any
        with pytest.raises(Forbidden), session_scope(engine, actor=actor) as session:
            save_allocation(session, own, head_id(engine, OWN), "h", {})
    assert dump(engine) == before
    with session_scope(engine, actor=PRINCIPAL) as session:
        assert save_allocation(session, own, head_id(engine, OWN), "h", {}).version == 1
        with pytest.raises(Forbidden):
            list_allocations(session, OTHER)
    with pytest.raises(Forbidden) as refused, session_scope(engine, actor=FINANCE) as session:
        load_allocation(session, OWN)  # allocations name students: finance has no use for them
    assert "查看社团录取结果" in str(refused.value)
    assert "view club allocations" in refused.value.message("en")
    with session_scope(engine, actor=BUREAU) as session:
        assert [v.version for v in list_allocations(session, OTHER)] == [1]


@pytest.mark.parametrize("table", [AllocationVersion, AllocationRow, ChoiceRow])
@pytest.mark.parametrize("change", ["update", "delete"])
def test_stored_rows_refuse_orm_changes(engine: Engine, table, change: str) -> None:
    with session_scope(engine) as session:
        save_allocation(session, allocate(choice_school()), head_id(engine), "h", {})
    before = dump(engine)
    with pytest.raises(ImmutableRow), session_scope(engine) as session:
        row = session.scalars(select(table)).first()
        if change == "delete":
            session.delete(row)
        else:
            setattr(row, "status" if table is AllocationVersion else "student_id", "changed")
        session.flush()
    assert dump(engine) == before


def test_the_database_refuses_raw_changes(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_allocation(session, allocate(choice_school()), head_id(engine), "h", {})
    before = dump(engine)
    for table in ("school_choice", "allocation_version", "allocation_row"):
        for statement in (f"UPDATE {table} SET id = id + 1000", f"DELETE FROM {table}"):
            refused = pytest.raises(sa_exc.DatabaseError, match="never changed")
            with refused, engine.begin() as connection:
                connection.execute(text(statement))
    assert dump(engine) == before


def test_migration_0004_downgrades_and_upgrades_again(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_allocation(session, allocate(choice_school()), head_id(engine), "h", {})
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    tables = set(inspect(engine).get_table_names())
    assert not {"school_choice", "allocation_version", "allocation_row"} & tables
    columns = {c["name"] for c in inspect(engine).get_columns("school_version")}
    assert "max_clubs_per_student" not in columns
    # The older tables kept their triggers through the in-place DROP COLUMN.
    with pytest.raises(sa_exc.DatabaseError, match="never changed"), engine.begin() as conn:
        conn.execute(text("UPDATE school_activity SET name = 'x'"))
    init_db(engine)
    with session_scope(engine) as session:
        loaded = load_school(session, OWN)
        assert loaded.info.max_clubs_per_student == 1 and loaded.choices == ()
        assert save_allocation(session, allocate(choice_school()), head_id(engine), "h", {})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_store_export_keeps_the_additions(store_url: str, tmp_path, lang: str) -> None:
    """Workbook -> import -> export -> read: choices, grade bounds and K all come back (the
    hypothesis round trip in test_store_roundtrip.py draws them too)."""
    from openpyxl import load_workbook

    from store.importer import export_school, import_paths
    from workbook.reader import read_school
    from workbook.writer import write_xlsx

    engine = make_engine(store_url)
    init_db(engine)
    source = write_xlsx(choice_school(), tmp_path / "in.xlsx", lang=lang)
    assert import_paths(engine, [source], workers=1).ok
    with session_scope(engine) as session:
        exported = export_school(session, OWN, tmp_path / "out.xlsx", lang=lang)
    assert read_school(exported).school == choice_school()
    sheet = load_workbook(exported)["选课志愿" if lang == "zh" else "choices"]
    assert sheet.max_row == 1 + len(choice_school().choices)
