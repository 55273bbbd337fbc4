"""Editing sheets in place goes through the same door as an upload (ui.state.revalidate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.schools import school_hash
from ui.state import frames_of, revalidate
from workbook.reader import read_school

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def school():
    result = read_school(ROOT / "data" / "sample_county" / "ZY016.xlsx")
    assert result.school is not None
    return result.school


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unedited_sheets_read_back_to_the_same_school(school, lang: str) -> None:
    frames = frames_of(school, lang)
    edited = {key: frames[key] for key in ("teachers", "groups", "activities", "rooms")}
    result = revalidate(school, edited, lang, "edit")
    assert result.problems.ok, [p.render() for p in result.problems.errors]
    assert school_hash(result.school) == school_hash(school)


def test_a_bad_edit_is_located_and_yields_no_school(school) -> None:
    teachers = frames_of(school, "zh")["teachers"].copy()
    teachers.loc[3, "每周上限"] = "很多"
    result = revalidate(school, {"teachers": teachers}, "zh", "edit")
    assert result.school is None
    located = [(p.sheet, p.row, p.column) for p in result.problems.errors]
    assert ("教师", 3, "每周上限") in located


def test_a_good_edit_changes_only_what_was_edited(school) -> None:
    rooms = frames_of(school, "en")["rooms"].copy()
    rooms.loc[2, "name"] = "新教室"
    result = revalidate(school, {"rooms": rooms}, "en", "edit")
    assert result.school is not None
    assert result.school.rooms[0].name == "新教室"
    assert result.school.teachers == school.teachers


# ---------------------------------------------------------------- an upload is checked too


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_an_upload_over_a_newer_version_is_refused_and_changes_nothing(
    school, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    """Someone saves while the page shows version 1: the upload made from it is refused
    with the editor's message, nothing is stored; after loading version 2 it may be saved."""
    from dataclasses import replace

    from streamlit.testing.v1 import AppTest

    from store.db import init_db, make_engine, session_scope
    from store.importer import import_paths
    from store.schools import load_school, save_school
    from store_helpers import dump
    from workbook.writer import write_xlsx

    monkeypatch.setenv("DATABASE_URL", store_url)  # SQLite, or PostgreSQL in CI's second run
    engine = make_engine(store_url)
    init_db(engine)
    assert import_paths(engine, [ROOT / "data" / "sample_county" / "ZY016.xlsx"]).ok
    school_id = school.school_id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert any("第 1 版" in s for s in _texts(at.subheader))  # the page shows version 1

    other = replace(school, info=replace(school.info, name="别人改的名字"))
    with session_scope(engine) as session:  # another user saves version 2 meanwhile
        save_school(session, other, "ui:edit:teachers", expected_version=1)
    mine = replace(school, info=replace(school.info, name="我改的名字"))
    data = write_xlsx(mine, tmp_path / "mine.xlsx").read_bytes()
    before = dump(engine)

    at.file_uploader(key="upload").set_value(("mine.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    errors = _texts(at.error)
    assert any("已被他人保存为第 2 版" in s and "您打开第 1 版" in s for s in errors), errors
    assert any("您上传的文件没有保存" in s for s in _texts(at.info))
    assert any("已有更新的第 2 版" in s for s in _texts(at.warning))
    assert dump(engine) == before  # nothing stored
    at.run()  # a rerun with the file still in the uploader does not try again
    assert dump(engine) == before

    at.button(key="load_latest").click().run()
    assert not at.exception, at.exception
    assert any("第 2 版" in s for s in _texts(at.subheader))
    assert not at.error and not any("已被他人保存" in s for s in _texts(at.error))
    assert dump(engine) == before
    # Choosing the file again, now over the version shown, saves it.
    at.file_uploader(key="upload").set_value(("mine.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    assert any("第 3 版" in s for s in _texts(at.success)), _texts(at.success)
    with session_scope(engine) as session:
        assert load_school(session, school_id).info.name == "我改的名字"
    engine.dispose()
