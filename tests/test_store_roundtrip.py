"""Property: a School survives workbook -> import -> export -> import unchanged."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.school import School
from store.db import init_db, make_engine, session_scope
from store.importer import export_school, import_paths
from store.schools import load_school, school_hash
from strategies import schools
from workbook.writer import write_xlsx


@settings(
    max_examples=25,
    deadline=None,
    # new_store_url hands out a fresh database per call, so examples do not share one.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(school=schools(), lang=st.sampled_from(["en", "zh"]))
def test_workbook_store_round_trip(
    school: School, lang: str, new_store_url: Callable[[], str]
) -> None:
    # One fresh folder per example: hypothesis runs many examples in one test call.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = make_engine(new_store_url())
        init_db(engine)
        first = import_paths(engine, [write_xlsx(school, folder / "in.xlsx", lang=lang)])
        assert first.ok, [p.render() for p in first.errors]
        with session_scope(engine) as session:
            exported = export_school(session, school.school_id, folder / "out.xlsx", lang=lang)
        second = import_paths(engine, [exported])
        assert second.ok, [p.render() for p in second.errors]
        assert [v.version for v in second.versions] == [2]
        with session_scope(engine) as session:
            assert load_school(session, school.school_id, 1) == school
            assert load_school(session, school.school_id) == school
        assert first.versions[0].content_hash == second.versions[0].content_hash
        assert second.versions[0].content_hash == school_hash(school)
        engine.dispose()
