"""The Choices page through AppTest: allocate the stored choices, see the figures, store
the allocation, upload a choices sheet (located errors, or a new school version),
schedule with the allocation, the language switch and the rights.

The database is prepared beforehand (two village schools), so no test imports the whole
county; DATABASE_URL points each test at its own SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from choices import service
from store.accounts import add_user
from store.allocations import list_allocations, load_allocation
from store.db import init_db, make_engine, session_scope
from store.importer import import_paths
from store.schedules import list_schedules
from store.schools import load_school, school_versions

ROOT = Path(__file__).resolve().parents[1]
SCHOOL = "ZY045"  # village primary: 2 classes, 3 clubs, 36 seats, 42 students choosing
OTHER = "ZY016"
PASSWORD = "correct-horse"
TIMEOUT = 120


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    init_db(engine)
    county = ROOT / "data" / "sample_county"
    assert import_paths(engine, [county / f"{s}.xlsx" for s in (SCHOOL, OTHER)], workers=1).ok
    return url


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["school"] = SCHOOL
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("ui/pages/choices.py").run()
    assert not at.exception, at.exception
    return at


def allocate(at: AppTest, method: str = "optimal", seed: int = 0) -> AppTest:
    at.selectbox(key="allocate_method").set_value(method)
    at.number_input(key="allocate_seed").set_value(seed)
    at.button(key="allocate").click().run()
    assert not at.exception, at.exception
    return at


def stored_school(url: str, school_id: str = SCHOOL):
    with session_scope(make_engine(url)) as session:
        return load_school(session, school_id)


def test_allocate_see_the_figures_and_store(db_url: str) -> None:
    at = allocate(page(), seed=2)
    assert "本次分配结果（尚未保存）" in texts(at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    expected = service.run_allocation(stored_school(db_url), "optimal", 2)
    assert metrics["学生数"] == str(expected.summary.students) == "42"
    assert metrics["第一志愿录取比例"] == f"{expected.summary.first:.1%}"
    assert metrics["剩余名额"] == str(expected.summary.seats_left)
    assert len(at.get("plotly_chart")) == 1
    compare = next(d.value for d in at.dataframe if "分配方式" in d.value.columns)
    assert list(compare["分配方式"]) == ["优化分配", "随机抽签", "先到先得"]
    first = dict(zip(compare["分配方式"], compare["第一志愿录取比例"], strict=True))
    assert first["优化分配"] > max(first["随机抽签"], first["先到先得"])  # ZY045 is oversubscribed
    assert len(at.get("download_button")) == 4
    at.button(key="save_allocation").click().run()
    assert not at.exception, at.exception
    assert any("社团录取结果已保存为第 1 版" in s for s in texts(at.success))
    with session_scope(make_engine(db_url)) as session:
        (stored,) = list_allocations(session, SCHOOL)
        assignments, _ = load_allocation(session, SCHOOL)
        assert len(school_versions(session, SCHOOL)) == 1  # the stored choices: no new version
    assert (stored.method, stored.seed) == ("optimal", 2)
    assert assignments == expected.allocation.assignments
    # A refresh (a new session) shows the stored allocation from the database.
    fresh = page()
    assert "已保存的社团录取结果：第 1 版" in texts(fresh.subheader)
    assert {m.label: m.value for m in fresh.metric}["第一志愿录取比例"] == metrics[
        "第一志愿录取比例"
    ]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="choices_source").set_value("upload").run()
    at.file_uploader(key="choices_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


HEADER = "学生编号,班级编号,活动编号,志愿顺序,优先\n"


# (language, words of the error, problem table's columns: sheet, row, column, value, message)
LANGS = [
    ("zh", "2 个错误", ("工作表", "行", "列", "值", "说明"), "不在活动表中"),
    ("en", "2 error(s)", ("Sheet", "Row", "Column", "Value", "Message"), "not in the activities"),
]


@pytest.mark.parametrize(("lang", "count", "columns", "unknown"), LANGS)
def test_an_upload_with_bad_rows_shows_located_errors_and_stores_nothing(
    db_url: str, lang: str, count: str, columns: tuple[str, ...], unknown: str
) -> None:
    rows = "S1,F01,A01,1,\nS1,F01,X9,2,\nS2,F01,A02,1,是\nS2,F02,A03,2,\n"
    at = upload(page(lang), "志愿.csv", (HEADER + rows).encode("utf-8-sig"))
    assert any(count in s for s in texts(at.error))
    problems = next(d.value for d in at.dataframe if columns[0] in d.value.columns)
    sheet, row, column, value, message = columns
    records = problems.to_dict("records")
    located = {(r[sheet], r[row], r[column], r[value]) for r in records}
    assert ("志愿.csv", "3", "活动编号", "X9") in located  # an unknown club, line 3
    assert ("志愿.csv", "5", "班级编号", "F02") in located  # S2 in two classes, line 5
    assert any(unknown in r[message] for r in records)
    assert at.button(key="allocate").disabled
    with session_scope(make_engine(db_url)) as session:
        assert len(school_versions(session, SCHOOL)) == 1
        assert list_allocations(session, SCHOOL) == []


def test_an_uploaded_sheet_is_stored_as_a_new_school_version(db_url: str) -> None:
    rows = "S1,F01,A01,1,\nS1,F01,A02,2,\nS2,F02,A02,1,是\n"
    at = upload(page(), "choices.csv", (HEADER + rows).encode("utf-8"))
    assert any("已从 choices.csv 读入 3 条志愿" in s for s in texts(at.success))
    allocate(at).button(key="save_allocation").click().run()
    assert not at.exception, at.exception
    school = stored_school(db_url)
    with session_scope(make_engine(db_url)) as session:
        assert [v.version for v in school_versions(session, SCHOOL)] == [1, 2]
        assignments, head = load_allocation(session, SCHOOL)
        assert head.school_version_id == school_versions(session, SCHOOL)[1].id
    assert [(c.student_id, c.activity_id, c.priority) for c in school.choices] == [
        ("S1", "A01", False),
        ("S1", "A02", False),
        ("S2", "A02", True),
    ]
    assert {(a.student_id, a.activity_id) for a in assignments} == {("S1", "A01"), ("S2", "A02")}


def test_save_and_schedule_with_the_allocation(db_url: str) -> None:
    at = allocate(page())
    at.button(key="save_and_schedule").click().run()
    assert not at.exception, at.exception
    assert texts(at.header) == ["排课"]
    assert any("课表已保存为第 1 版" in s for s in texts(at.success)), texts(at.success)
    with session_scope(make_engine(db_url)) as session:
        (schedule,) = list_schedules(session, SCHOOL)
        allocation, _ = load_allocation(session, SCHOOL)
        versions = school_versions(session, SCHOOL)
    # The week was made from a new school version whose enrolments are the allocation.
    assert schedule.school_version_id == versions[-1].id and len(versions) == 2
    enrolled = stored_school(db_url)
    assert sorted((e.student_id, e.activity_id) for e in enrolled.enrolments) == sorted(
        (a.student_id, a.activity_id) for a in allocation
    )
    assert any("独立检查通过" in s for s in texts(at.success)), (
        texts(at.success),
        texts(at.info),
        texts(at.caption),
        texts(at.subheader),
    )


def test_joint_allocate_and_save_the_week(db_url: str) -> None:
    at = page()
    at.checkbox(key="allocate_joint").check()
    at = allocate(at, seed=1)
    assert any("周课表按联合安排选定的社团时段排出" in s for s in texts(at.info)), texts(at.info)
    assert any("已排出经过检查的周课表" in s for s in texts(at.success)), texts(at.success)
    at.button(key="save_joint").click().run()
    assert not at.exception, at.exception
    assert any("周课表为第 1 版" in s for s in texts(at.success)), texts(at.success)
    with session_scope(make_engine(db_url)) as session:
        (schedule,) = list_schedules(session, SCHOOL)
        (allocation,) = list_allocations(session, SCHOOL)
        versions = school_versions(session, SCHOOL)
    # The week belongs to the school version whose enrolments are the allocation.
    assert schedule.school_version_id == versions[-1].id and len(versions) == 2
    assert allocation.report["joint"]["path"] == "locked" and allocation.report["slots"]
    assert stored_school(db_url).enrolments


def test_the_page_in_english(db_url: str) -> None:
    at = allocate(page("en"))
    assert texts(at.header) == ["Club choices"]
    labels = [m.label for m in at.metric]
    assert "share with 1st choice" in labels and "seats left" in labels
    compare = next(d.value for d in at.dataframe if "method" in d.value.columns)
    assert list(compare["method"]) == ["optimal allocation", "lottery", "first come, first served"]


def test_rights_a_bureau_reads_finance_does_not_see_the_page(db_url: str) -> None:
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        add_user(session, "chen", "陈科长", "bureau", PASSWORD)
        add_user(session, "li", "李会计", "finance", PASSWORD, SCHOOL)
        school = load_school(session, SCHOOL)
        service.store_allocation(session, service.run_allocation(school), "test")

    def logged_in(username: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["school"] = SCHOOL
        at.run()
        at.text_input(key="login_username").set_value(username)
        next(w for w in at.text_input if w.key != "login_username").set_value(PASSWORD)
        at.button(key="login").click().run()
        assert not at.exception, at.exception
        return at

    bureau = logged_in("chen")
    bureau.switch_page("ui/pages/choices.py").run()
    assert not bureau.exception, bureau.exception
    assert "已保存的社团录取结果：第 1 版" in texts(bureau.subheader)
    assert not [b for b in bureau.button if b.key in ("allocate", "save_allocation")]
    finance = logged_in("li")  # the page is not even in the navigation
    with pytest.raises(ValueError, match=r"choices\.py"):
        finance.switch_page("ui/pages/choices.py")
