"""Two users editing one school: the second save is refused, never silently overwriting.

Each "user" has its own engine (its own connections), as two app sessions or two
machines would; the threaded tests race real transactions. Runs on SQLite and, with
DATABASE_URL pointing at PostgreSQL, on PostgreSQL (see tests/conftest.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

import store.schools as schools_module
from domain.schedule import Placed, Schedule
from domain.school import Choice, School, SchoolInfo
from store.db import init_db, make_engine, session_scope
from store.errors import ImmutableRow, StaleVersion
from store.models import ScheduleRow, ScheduleVersion, SchoolVersion, TeacherRow
from store.schedules import list_schedules, save_schedule
from store.schools import get_version, load_school, save_school, school_hash, school_versions
from store_helpers import dump
from strategies import example_school

ON_SQLITE_ONLY_ONE_WRITER = "SQLite lets one transaction write at a time: no two read head N"


@pytest.fixture
def engines(store_url: str) -> tuple[Engine, Engine]:
    """Two users' engines on one database, with the sample school saved as version 1."""
    first = make_engine(store_url)
    init_db(first)
    with session_scope(first) as session:
        save_school(session, example_school(), "import.xlsx")
    return first, make_engine(store_url)


def renamed(name: str) -> School:
    school = example_school()
    return replace(school, info=replace(school.info, name=name))


def head_of(engine: Engine) -> SchoolVersion:
    with session_scope(engine) as session:
        return get_version(session, "007")


def test_a_save_from_the_head_version_is_accepted(engines) -> None:
    alice, _ = engines
    with session_scope(alice) as session:
        saved = save_school(session, renamed("甲"), "ui:edit", expected_version=1)
    assert saved.version == 2
    with session_scope(alice) as session:
        assert load_school(session, "007").info.name == "甲"


def test_the_second_save_of_one_loaded_version_is_refused(engines) -> None:
    alice, bob = engines
    loaded_a = head_of(alice).version
    loaded_b = head_of(bob).version
    with session_scope(bob) as session:
        save_school(session, renamed("乙"), "ui:edit", expected_version=loaded_b)
    with pytest.raises(StaleVersion) as refused, session_scope(alice) as session:
        save_school(session, renamed("甲"), "ui:edit", expected_version=loaded_a)
    assert refused.value.params == {"school_id": "007", "expected": 1, "current": 2}
    zh, en = refused.value.message("zh"), refused.value.message("en")
    assert "第 2 版" in zh and "重新加载" in zh and "没有丢失" in zh
    assert "version 2" in en and "reload" in en and "nothing is lost" in en
    assert str(refused.value) == f"{zh} / {en}"
    with session_scope(alice) as session:  # Bob's save stands, nothing of Alice's written
        assert [v.version for v in school_versions(session, "007")] == [1, 2]
        assert load_school(session, "007").info.name == "乙"


def test_expected_zero_means_a_new_school(engines) -> None:
    alice, _ = engines
    new = replace(example_school(), info=SchoolInfo("008", "新校", "primary", "town", 45))
    with session_scope(alice) as session:
        assert save_school(session, new, "new.xlsx", expected_version=0).version == 1
    with pytest.raises(StaleVersion), session_scope(alice) as session:
        save_school(session, new, "new.xlsx", expected_version=0)


def test_without_expected_version_a_save_appends_as_before(engines) -> None:
    alice, bob = engines
    with session_scope(bob) as session:
        save_school(session, renamed("乙"), "reimport.xlsx")
    with session_scope(alice) as session:
        assert save_school(session, renamed("甲"), "reimport.xlsx").version == 3


def test_a_lost_race_on_the_unique_version_ends_as_stale_version(
    engines, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read of head N happened before the other user's commit: the constraint decides."""
    alice, bob = engines
    with session_scope(bob) as session:
        save_school(session, renamed("乙"), "ui:edit", expected_version=1)
    real = schools_module._next_versions
    calls: list[int] = []

    def read_before_bobs_commit(session: Session, ids) -> dict[str, int]:
        calls.append(1)
        return {"007": 2} if len(calls) == 1 else real(session, ids)

    monkeypatch.setattr(schools_module, "_next_versions", read_before_bobs_commit)
    with session_scope(alice) as session:
        with pytest.raises(StaleVersion) as refused:
            save_school(session, renamed("甲"), "ui:edit", expected_version=1)
        assert refused.value.params == {"school_id": "007", "expected": 1, "current": 2}
        # The savepoint kept the session usable: the caller can still read.
        assert load_school(session, "007").info.name == "乙"
    with session_scope(alice) as session:
        assert len(school_versions(session, "007")) == 2


def race(engines: tuple[Engine, Engine], work: Callable[[Engine, int], object]) -> list[object]:
    """Run `work(engine, i)` in two threads released together; each result or exception."""
    barrier = threading.Barrier(2, timeout=30)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(engines[i], i)
        except Exception as exc:  # the test inspects which one failed and how
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize("round_", range(5))
def test_two_users_saving_at_the_same_moment(engines, round_: int) -> None:
    """Both loaded version 1; released together, exactly one save wins."""
    names = ("甲", "乙")

    def save(engine: Engine, i: int) -> int:
        with session_scope(engine) as session:
            return save_school(session, renamed(names[i]), "ui:edit", expected_version=1).version

    results = race(engines, save)
    winners = [i for i, r in enumerate(results) if r == 2]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].params == {"school_id": "007", "expected": 1, "current": 2}
    with session_scope(engines[0]) as session:
        assert [v.version for v in school_versions(session, "007")] == [1, 2]
        assert school_hash(load_school(session, "007")) == school_hash(renamed(names[winners[0]]))


def test_both_read_head_n_then_the_constraint_refuses_the_second(engines) -> None:
    """A true race: both transactions have read version 1 before either inserts."""
    if engines[0].dialect.name == "sqlite":
        pytest.skip(ON_SQLITE_ONLY_ONE_WRITER)
    inserting = threading.Barrier(2, timeout=30)

    def hold_before_insert(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SCHOOL_VERSION"):
            inserting.wait()  # both have passed the version check by now

    for engine in engines:
        event.listen(engine, "before_cursor_execute", hold_before_insert)

    def save(engine: Engine, i: int) -> int:
        with session_scope(engine) as session:
            return save_school(session, renamed(str(i)), "ui:edit", expected_version=1).version

    results = race(engines, save)
    assert sorted(map(type, results), key=str) == sorted([int, StaleVersion], key=str), results
    with session_scope(engines[0]) as session:
        assert [v.version for v in school_versions(session, "007")] == [1, 2]


def test_two_schedules_saved_at_the_same_moment_both_stay(engines) -> None:
    head_id = head_of(engines[0]).id
    schedule = Schedule(
        "007", (Placed("A01", 1, "extended", 1, "S2", "16:30", "17:15", "R02", ("T01",)),), ()
    )

    def save(engine: Engine, i: int) -> int:
        with session_scope(engine) as session:
            return save_schedule(session, schedule, head_id, f"h{i}", "optimal", {}).version

    results = race(engines, save)
    assert sorted(results) == [1, 2], results  # type: ignore[type-var]
    with session_scope(engines[0]) as session:
        assert [v.version for v in list_schedules(session, "007")] == [1, 2]


def test_two_allocations_saved_at_the_same_moment_both_stay(engines) -> None:
    """Allocations are numbered like schedules (store.concurrency.insert_numbered)."""
    from choices import allocate
    from store.allocations import list_allocations, save_allocation

    school = replace(example_school(), choices=(Choice("C1", "1班", "A01", 1),))
    with session_scope(engines[0]) as session:
        head_id = save_school(session, school, "choices.xlsx").id
    allocation = allocate(school)

    def save(engine: Engine, i: int) -> int:
        with session_scope(engine) as session:
            return save_allocation(session, allocation, head_id, f"h{i}", {}).version

    results = race(engines, save)
    assert sorted(results) == [1, 2], results  # type: ignore[type-var]
    with session_scope(engines[0]) as session:
        assert [v.version for v in list_allocations(session, "007")] == [1, 2]


@pytest.mark.parametrize("table", [SchoolVersion, TeacherRow, ScheduleVersion, ScheduleRow])
@pytest.mark.parametrize("change", ["update", "delete"])
def test_stored_versions_refuse_orm_update_and_delete(engines, table, change: str) -> None:
    alice, _ = engines
    store_a_schedule(alice)
    before = count(alice, table)
    with pytest.raises(ImmutableRow), session_scope(alice) as session:
        row = session.scalars(select(table)).first()
        if change == "delete":
            session.delete(row)
        else:
            field = {SchoolVersion: "name", TeacherRow: "name"}.get(table, "status")
            if table is ScheduleRow:
                field = "room_id"
            setattr(row, field, "changed")
        session.flush()
    assert count(alice, table) == before
    with session_scope(alice) as session:
        assert load_school(session, "007") == example_school()


def test_stored_versions_refuse_raw_sql_too(engines) -> None:
    """Database triggers (migration 0003): a raw UPDATE or DELETE on any stored version,
    its rows, a subsidy run or the audit log fails, and nothing changes."""
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import inspect

    alice, _ = engines
    store_a_schedule(alice)
    tables = set(inspect(alice).get_table_names())
    filled = ["school_version", "school_teacher", "schedule_version", "schedule_row"]
    before = dump(alice)
    for table in filled:
        for statement in (f"UPDATE {table} SET id = id + 1000", f"DELETE FROM {table}"):
            refused = pytest.raises(sa_exc.DatabaseError, match="never changed")
            with refused, alice.begin() as connection:
                connection.execute(text(statement))
    assert dump(alice) == before
    # Every immutable table has its trigger (an empty one refuses nothing visible, so ask
    # the catalogue): 14 tables, one trigger each on PostgreSQL, two on SQLite.
    with alice.connect() as connection:
        if alice.dialect.name == "postgresql":
            found = connection.execute(
                text(
                    "SELECT DISTINCT event_object_table FROM information_schema.triggers"
                    " WHERE trigger_schema = current_schema()"
                )
            ).scalars()
        else:
            found = connection.execute(
                text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
        guarded = set(found)
    assert {"school_version", "schedule_row", "subsidy_line", "audit_log"} <= guarded
    assert "app_user" not in guarded and guarded <= tables


def store_a_schedule(engine: Engine) -> None:
    """One stored schedule of the saved school, so schedule tables have rows too."""
    with session_scope(engine) as session:
        head = get_version(session, "007")
        schedule = Schedule(
            "007", (Placed("A01", 1, "extended", 1, "S2", "16:30", "17:15", "R02", ("T01",)),), ()
        )
        save_schedule(session, schedule, head.id, "h", "optimal", {})


def count(engine: Engine, table) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table))


# ---------------------------------------------------------------- imports with a version check


def test_an_import_appends_unless_a_version_is_expected(engines, tmp_path) -> None:
    """The CLI's bulk door appends; `expect_version` checks it like an edit in the app."""
    from store.importer import import_paths
    from workbook.writer import write_xlsx

    alice, bob = engines
    with session_scope(bob) as session:  # Bob saves version 2 after Alice looked at 1
        save_school(session, renamed("乙"), "ui:edit", expected_version=1)
    mine = write_xlsx(renamed("甲"), tmp_path / "mine.xlsx")
    before = dump(alice)
    with pytest.raises(StaleVersion) as refused:
        import_paths(alice, [mine], expect_version=1)
    assert refused.value.params == {"school_id": "007", "expected": 1, "current": 2}
    assert dump(alice) == before  # all or nothing: not a row written
    outcome = import_paths(alice, [mine], expect_version=2)
    assert outcome.ok and [v.version for v in outcome.versions] == [3]
    assert import_paths(alice, [mine]).versions[0].version == 4  # no check: appends
    with session_scope(alice) as session:
        assert load_school(session, "007").info.name == "甲"


def test_an_expected_version_needs_exactly_one_school(engines, tmp_path) -> None:
    from store.importer import import_paths
    from workbook.writer import write_xlsx

    alice, _ = engines
    other = replace(example_school(), info=SchoolInfo("008", "新校", "primary", "town", 45))
    write_xlsx(renamed("甲"), tmp_path / "county" / "a.xlsx")
    write_xlsx(other, tmp_path / "county" / "b.xlsx")
    before = dump(alice)
    outcome = import_paths(alice, [tmp_path / "county"], expect_version=1)
    assert [p.code for p in outcome.errors] == ["store.expect_one_school"]
    assert "2" in outcome.errors[0].en and outcome.versions == []
    assert dump(alice) == before
    # 0: the school must be new.
    with pytest.raises(StaleVersion):
        import_paths(alice, [tmp_path / "county" / "a.xlsx"], expect_version=0)
    assert dump(alice) == before
    assert import_paths(alice, [tmp_path / "county" / "b.xlsx"], expect_version=0).ok


def test_the_cli_import_takes_an_expected_version(engines, store_url: str, tmp_path) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from workbook.writer import write_xlsx

    alice, _ = engines
    path = str(write_xlsx(renamed("甲"), tmp_path / "mine.xlsx"))
    before = dump(alice)
    runner = CliRunner()
    stale = runner.invoke(app, ["import", path, "--db", store_url, "--expect-version", "0"])
    assert stale.exit_code == 2
    assert "--expect-version" in stale.output and "nothing was written" in stale.output
    assert "第 1 版" in stale.output and "latest version of school 007 is 1" in stale.output
    assert dump(alice) == before
    done = runner.invoke(app, ["import", path, "--db", store_url, "--expect-version", "1"])
    assert done.exit_code == 0, done.output
    assert head_of(alice).version == 2
