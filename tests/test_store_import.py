"""Atomic import, export and the store's commands."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from cli.main import app
from domain.schedule import Placed, Schedule
from store.db import init_db, make_engine, session_scope
from store.importer import export_school, import_paths
from store.schedules import load_schedule, save_schedule
from store.schools import list_schools, load_school, load_school_version
from store_helpers import dump
from strategies import example_school
from workbook.reader import read_school
from workbook.writer import write_csv_folder, write_xlsx

CORPUS = Path(__file__).parent / "corpus" / "broken"
EXPECTED = CORPUS / "expected.json"
BROKEN: dict[str, dict] = json.loads(EXPECTED.read_text("utf-8")) if EXPECTED.exists() else {}
runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def url(store_url: str) -> str:
    return store_url


@pytest.fixture
def engine(url: str) -> Engine:
    engine = make_engine(url)
    init_db(engine)
    return engine


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding two versions of a school and a schedule, built once."""
    folder = tmp_path_factory.mktemp("seed")
    _seed(make_engine(f"sqlite:///{folder / 'seed.db'}"), folder)
    return folder / "seed.db"


def _seed(engine: Engine, folder: Path) -> None:
    init_db(engine)
    school = example_school()
    first = write_xlsx(school, folder / "v1.xlsx")
    second = write_xlsx(replace(school, locks=()), folder / "v2.xlsx", lang="zh")
    assert import_paths(engine, [first]).ok
    assert import_paths(engine, [second]).ok
    placed = Placed("A01", 1, "extended", 1, "S2", "16:30", "17:15", "R02", ("T04",))
    with session_scope(engine) as session:
        save_schedule(session, Schedule("007", (placed,)), 1, "h", "optimal", {"n": 1})
    engine.dispose()


@pytest.fixture
def seeded(seed_file: Path, url: str, tmp_path: Path) -> Engine:
    """A fresh copy of the seeded database at `url` (built in place on PostgreSQL)."""
    if url.startswith("sqlite"):
        shutil.copy(seed_file, make_url(url).database)
    else:
        _seed(make_engine(url), tmp_path)
    return make_engine(url)


def test_county_folder_imports_in_one_go(engine: Engine, tmp_path: Path) -> None:
    county = tmp_path / "county"
    write_xlsx(example_school("001"), county / "a.xlsx")
    write_xlsx(example_school("002"), county / "b.xlsx", lang="zh", title=True)
    write_csv_folder(example_school("003"), county / "c", lang="zh", encoding="gb18030")
    seen: list[str] = []
    result = import_paths(engine, [county], progress=lambda d, n, r: seen.append(f"{d}/{n}"))
    assert result.ok, result.errors
    assert seen == ["1/3", "2/3", "3/3"]
    assert [(v.school_id, v.version) for v in result.versions] == [
        ("001", 1),
        ("002", 1),
        ("003", 1),
    ]
    with session_scope(engine) as session:
        assert [s.school_id for s in list_schools(session)] == ["001", "002", "003"]
        assert load_school(session, "003") == example_school("003")


def test_many_files_are_read_in_parallel(engine: Engine, tmp_path: Path) -> None:
    paths = [write_xlsx(example_school(f"{i:03d}"), tmp_path / f"{i}.xlsx") for i in range(6)]
    result = import_paths(engine, paths, workers=2)
    assert result.ok
    assert [r.source for r in result.results] == [str(p) for p in paths]  # input order kept
    with session_scope(engine) as session:
        assert load_school(session, "005") == example_school("005")


def test_same_school_twice_writes_nothing(seeded: Engine, tmp_path: Path) -> None:
    before = dump(seeded)
    a = write_xlsx(example_school("100"), tmp_path / "a.xlsx")
    b = write_xlsx(example_school("100", "另一所"), tmp_path / "b.xlsx")
    result = import_paths(seeded, [a, b])
    assert not result.ok and not result.versions
    [error] = result.errors
    assert (error.code, error.file, dict(error.params)["school_id"]) == (
        "store.duplicate_school",
        str(b),
        "100",
    )
    assert dump(seeded) == before


def test_missing_path_writes_nothing(seeded: Engine, tmp_path: Path) -> None:
    before = dump(seeded)
    good = write_xlsx(example_school("100"), tmp_path / "a.xlsx")
    result = import_paths(seeded, [good, tmp_path / "nope.xlsx", tmp_path / "empty"])
    assert [e.code for e in result.errors] == ["store.path_missing", "store.path_missing"]
    assert dump(seeded) == before


def test_reader_crash_is_an_error_not_a_crash(
    seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(source: Path) -> None:
        raise ValueError("bad bytes")

    monkeypatch.setattr("store.importer.read_school", explode)
    before = dump(seeded)
    path = write_xlsx(example_school("100"), tmp_path / "a.xlsx")
    result = import_paths(seeded, [path], workers=1)
    assert [(e.code, dict(e.params)["detail"]) for e in result.errors] == [
        ("store.read_failed", "ValueError: bad bytes")
    ]
    assert dump(seeded) == before


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_aborts_whole_import(
    name: str, seeded: Engine, url: str, tmp_path: Path
) -> None:
    expected = BROKEN[name]
    valid = write_xlsx(example_school("100"), tmp_path / "valid.xlsx")
    broken = CORPUS / name
    before = dump(seeded)
    code, output = cli("import", str(valid), str(broken), "--db", url)
    assert code == 2, output
    assert dump(seeded) == before
    # Where exactly the reader places each error is the reader's tests' business; here
    # the expected error must be among those listed, and every error must be printed.
    errors = read_school(broken).problems.errors
    assert expected["code"] in {p.code for p in errors}, [p.render() for p in errors]
    for p in errors:
        assert p.render() in output
    assert "导入失败" in output and "nothing was written" in output


def test_import_and_schools_commands(url: str, tmp_path: Path) -> None:
    county = tmp_path / "county"
    write_xlsx(example_school("001"), county / "a.xlsx")
    write_xlsx(example_school("002", "村小"), county / "b.xlsx")
    code, output = cli("import", str(county), "--db", url)
    assert code == 0, output
    assert "[2/2]" in output and "2 school(s), 2 new version(s)" in output
    code, output = cli("import", str(county / "a.xlsx"), "--db", url)
    assert code == 0
    code, output = cli("schools", "--db", url)
    assert code == 0
    lines = output.strip().splitlines()
    assert "学校编号 / school id" in lines[0]
    assert lines[1].split("\t") == ["001", "城关第一小学", "primary", "town", "2", "4", "2", "2"]
    assert lines[2].split("\t")[:2] == ["002", "村小"]


def test_export_command(seeded: Engine, url: str, tmp_path: Path) -> None:
    out = tmp_path / "out" / "007.xlsx"
    code, output = cli("export", "007", str(out), "--version", "1", "--lang", "zh", "--db", url)
    assert code == 0, output
    assert read_school(out).school == example_school()
    code, output = cli("export", "007", str(out), "--db", url)
    assert code == 0
    assert read_school(out).school == replace(example_school(), locks=())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999"], "数据库中没有学校 999 / no school 999 in the database"),
        (["007", "--version", "9"], "学校 007 没有第 9 版 / school 007 has no version 9"),
    ],
)
def test_export_unknown_exits_2(
    seeded: Engine, url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.xlsx"
    code, output = cli("export", args[0], str(out), *args[1:], "--db", url)
    assert code == 2
    assert message in output
    assert not out.exists()


def test_export_then_import_is_a_new_version(seeded: Engine, tmp_path: Path) -> None:
    with session_scope(seeded) as session:
        path = export_school(session, "007", tmp_path / "e.xlsx", version=1, lang="zh")
    result = import_paths(seeded, [path])
    assert [(v.school_id, v.version) for v in result.versions] == [("007", 3)]
    with session_scope(seeded) as session:
        _, head = load_schedule(session, "007")
        assert head.school_version_id == 1
        assert load_school_version(session, head.school_version_id) == example_school()
        assert load_school(session, "007") == example_school()


def test_reimport_of_changed_copy_keeps_old_schedule_readable(
    engine: Engine, tmp_path: Path
) -> None:
    old = example_school()
    new = replace(old, teachers=old.teachers[1:], info=replace(old.info, ratio=40))
    assert import_paths(engine, [write_xlsx(old, tmp_path / "v1.xlsx")]).ok
    placed = Placed("basic:1班", 1, "basic", 1, "S1", "15:30", "16:15", "R01", ("T01",))
    with session_scope(engine) as session:
        [v1] = list_schools(session)
        save_schedule(session, Schedule("007", (placed,)), v1.school_version_id, "h", "ok", {})
    assert v1.version == 1
    second = import_paths(engine, [write_xlsx(new, tmp_path / "v2.xlsx", lang="zh")])
    assert [v.version for v in second.versions] == [2]
    with session_scope(engine) as session:
        schedule, head = load_schedule(session, "007")
        assert schedule == Schedule("007", (placed,))
        assert load_school_version(session, head.school_version_id) == old
        assert load_school(session, "007") == new
        assert load_school(session, "007", 1) == old
