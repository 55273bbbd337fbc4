"""Rights: the pure table (every role x action), and its enforcement inside the store.

The store is called directly, as a script bypassing the UI would: it must refuse too.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from domain.schedule import Placed, Schedule
from domain.school import School
from store.db import init_db, make_engine, session_scope
from store.errors import Forbidden
from store.importer import export_school, import_paths
from store.models import SchoolVersion
from store.rights import ACTIONS, ROLES, SYSTEM, Actor, can
from store.schedules import list_schedules, load_schedule, save_schedule
from store.schools import get_version, list_schools, load_school, save_school, school_versions
from store.subsidy_runs import SubsidyRun, list_runs, load_run, save_run
from strategies import example_school
from workbook.writer import write_xlsx

OWN, OTHER = "007", "008"
PRINCIPAL = Actor("wang", "principal", OWN)
SCHOOL_FINANCE = Actor("li", "finance", OWN)
COUNTY_FINANCE = Actor("zhao", "finance")
BUREAU = Actor("chen", "bureau")
ADMIN = Actor("root", "admin")

# The rights table written out by hand, independently of store.rights.
READS = {"school.read", "schedule.read", "subsidy.read"}
# Club allocations name students: principals plan them, the bureau oversees, finance never.
ALLOCATIONS = {"allocation.read", "allocation.write"}
EXPECTED_OWN = {
    "principal": READS | ALLOCATIONS | {"school.write", "schedule.write"},
    "finance": READS | {"subsidy.write"},
}
EXPECTED_COUNTY = {
    "finance": READS | {"subsidy.write"},
    "bureau": READS | {"allocation.read", "scenario.run"},
    "admin": set(ACTIONS),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["principal", "finance"])
def test_school_bound_roles(role: str, action: str) -> None:
    actor = Actor("u", role, OWN)
    assert can(actor, action, OWN) is (action in EXPECTED_OWN[role])
    assert can(actor, action, OTHER) is False
    assert can(actor, action, None) is False  # never the county as a whole


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["finance", "bureau", "admin"])
def test_county_wide_roles(role: str, action: str) -> None:
    actor = Actor("u", role)
    expected = action in EXPECTED_COUNTY[role]
    assert can(actor, action, OWN) is expected
    assert can(actor, action, OTHER) is expected
    assert can(actor, action, None) is expected


def test_roles_and_unknown_actions() -> None:
    assert ROLES == ("principal", "finance", "bureau", "admin")
    assert not any(can(Actor("u", "visitor"), a, OWN) for a in ACTIONS)
    assert not any(can(Actor("u", "bureau", OWN), a, OTHER) for a in ACTIONS)
    with pytest.raises(ValueError):
        can(ADMIN, "school.delete", OWN)


# ---------------------------------------------------------------- enforcement in the store


def school(school_id: str) -> School:
    base = example_school()
    return replace(base, info=replace(base.info, school_id=school_id))


def a_schedule(school_id: str) -> Schedule:
    placed = Placed("A01", 1, "extended", 1, "S2", "16:30", "17:15", "R02", ("T01",))
    return Schedule(school_id, (placed,), ())


@pytest.fixture
def engine(store_url: str) -> Engine:
    """Schools 007 and 008 with a schedule each, and a run per school plus a county run."""
    engine = make_engine(store_url)
    init_db(engine)
    with session_scope(engine) as session:  # no actor: the local operator
        for sid in (OWN, OTHER):
            head = save_school(session, school(sid), f"{sid}.xlsx")
            save_schedule(session, a_schedule(sid), head.id, "h", "optimal", {})  # type: ignore[arg-type]
        for scope in (OWN, OTHER, "county"):
            session.add(
                SubsidyRun(
                    scope=scope, term="T", scheme="q", inputs_hash="x", budget_fen=1, teachers=0
                )
            )
    return engine


def versions(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(SchoolVersion))


def test_a_principal_sees_and_changes_only_his_school(engine: Engine) -> None:
    with session_scope(engine, actor=PRINCIPAL) as session:
        assert [s.school_id for s in list_schools(session)] == [OWN]
        assert load_school(session, OWN).school_id == OWN
        for read in (load_school, get_version, school_versions, load_schedule, list_schedules):
            with pytest.raises(Forbidden):
                read(session, OTHER)
    with session_scope(engine, actor=PRINCIPAL) as session:
        assert save_school(session, school(OWN), "edit", expected_version=1).version == 2
    before = versions(engine)
    with pytest.raises(Forbidden) as refused, session_scope(engine, actor=PRINCIPAL) as session:
        save_school(session, school(OTHER), "edit")
    assert versions(engine) == before
    assert "wang" in str(refused.value) and "修改学校数据" in str(refused.value)
    assert "change school data (008)" in refused.value.message("en")


def test_a_principal_cannot_save_a_schedule_of_another_school(engine: Engine) -> None:
    with session_scope(engine) as session:
        other_head = get_version(session, OTHER).id
    with pytest.raises(Forbidden), session_scope(engine, actor=PRINCIPAL) as session:
        save_schedule(session, a_schedule(OTHER), other_head, "h", "optimal", {})  # type: ignore[arg-type]
    with session_scope(engine) as session:
        assert len(list_schedules(session, OTHER)) == 1


def test_import_and_export_are_checked(engine: Engine, tmp_path: Path) -> None:
    files = [write_xlsx(school(sid), tmp_path / f"{sid}.xlsx") for sid in (OWN, OTHER)]
    before = versions(engine)
    with pytest.raises(Forbidden):
        import_paths(engine, files, workers=1, actor=PRINCIPAL)
    assert versions(engine) == before  # all or nothing: not even his own school
    assert import_paths(engine, files[:1], workers=1, actor=PRINCIPAL).ok
    with session_scope(engine, actor=PRINCIPAL) as session:
        with pytest.raises(Forbidden):
            export_school(session, OTHER, tmp_path / "out.xlsx")
        assert export_school(session, OWN, tmp_path / "own.xlsx").exists()


@pytest.mark.parametrize("actor", [SCHOOL_FINANCE, COUNTY_FINANCE, BUREAU])
def test_finance_and_bureau_read_but_do_not_change_schools(engine: Engine, actor: Actor) -> None:
    with session_scope(engine, actor=actor) as session:
        visible = [s.school_id for s in list_schools(session)]
        assert load_school(session, OWN).school_id == OWN
    assert visible == ([OWN] if actor.school_id else [OWN, OTHER])
    with pytest.raises(Forbidden), session_scope(engine, actor=actor) as session:
        save_school(session, school(OWN), "edit")


def test_subsidy_runs_by_role(engine: Engine) -> None:
    scopes = {}
    for actor in (PRINCIPAL, SCHOOL_FINANCE, COUNTY_FINANCE, BUREAU, ADMIN, SYSTEM):
        with session_scope(engine, actor=actor) as session:
            scopes[actor.username] = [r.scope for r in list_runs(session)]
    assert scopes["wang"] == scopes["li"] == [OWN]
    assert scopes["zhao"] == scopes["chen"] == scopes["root"] == scopes["system"]
    assert scopes["system"] == [OWN, OTHER, "county"]
    with session_scope(engine) as session:
        county_id = list_runs(session, scope="county")[0].id
    with pytest.raises(Forbidden), session_scope(engine, actor=SCHOOL_FINANCE) as session:
        load_run(session, county_id)  # type: ignore[arg-type]
    with session_scope(engine, actor=COUNTY_FINANCE) as session:
        assert load_run(session, county_id)[0].scope == "county"  # type: ignore[arg-type]
    # save_run checks the scope before it reads anything else of the result.
    for actor, scope in ((PRINCIPAL, OWN), (SCHOOL_FINANCE, "county"), (BUREAU, OWN)):
        with pytest.raises(Forbidden), session_scope(engine, actor=actor) as session:
            save_run(session, SimpleNamespace(scope=scope))
