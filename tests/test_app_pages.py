"""The Streamlit app through AppTest: each page's main flow against a fresh database.

Every test gets its own SQLite file (DATABASE_URL in tmp_path). The first test's first run
imports the bundled sample county exactly as a first start would; the others start with
two schools imported beforehand, so the county (about 66,000 club choices) is read once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from store.db import init_db, make_engine, session_scope
from store.importer import import_paths
from store.models import SchoolVersion

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "corpus" / "broken"
SMALL_VILLAGE = "ZY016"  # 枞阳县横埠镇青山教学点: 2 classes, 5 teachers
PREPARED = ("ZY016", "ZY017")
TIMEOUT = 60
# The first start imports the whole county (119 workbooks, about 66,000 club choices).
FIRST_START_TIMEOUT = 240


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def first_start(db_url: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run(timeout=FIRST_START_TIMEOUT)
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app(db_url: str) -> AppTest:
    """The app on a database that already holds two schools (no first-start import)."""
    engine = make_engine(db_url)
    init_db(engine)
    county = ROOT / "data" / "sample_county"
    assert import_paths(engine, [county / f"{s}.xlsx" for s in PREPARED], workers=1).ok
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def versions(url: str) -> int:
    with session_scope(make_engine(url)) as session:
        return session.execute(select(func.count()).select_from(SchoolVersion)).scalar_one()


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def open_page(at: AppTest, page: str, school: str | None = None) -> AppTest:
    if school:
        at.sidebar.selectbox(key="school_id").set_value(school).run()
    at.switch_page(f"ui/pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_first_start_imports_the_sample_county(first_start: AppTest, db_url: str) -> None:
    app = first_start
    assert any("119" in s for s in texts(app.success))
    assert versions(db_url) == 119
    picker = app.sidebar.selectbox(key="school_id")
    assert len(picker.options) == 119
    assert picker.options[0].startswith("ZY001 枞阳县")
    assert texts(app.header) == ["数据"]
    # The current school's sheets are shown, teachers editable in place.
    assert any("枞阳县实验小学" in s for s in texts(app.subheader))
    frames = [d.value for d in app.dataframe]
    assert len(frames) == 9  # one per sheet (the contract's eight and choices)
    teachers = next(f for f in frames if "教师编号" in f.columns and "姓名" in f.columns)
    assert len(teachers) == 122 and teachers.index[0] == 2  # index = workbook row
    # A second run does not import again.
    app.run()
    assert versions(db_url) == 119


def test_broken_upload_shows_located_errors_and_changes_nothing(app: AppTest, db_url: str) -> None:
    expected = json.loads((BROKEN / "expected.json").read_text(encoding="utf-8"))["bad_time.xlsx"]
    before = versions(db_url)
    data = (BROKEN / "bad_time.xlsx").read_bytes()
    app.file_uploader(key="upload").set_value(("bad_time.xlsx", data, "application/octet-stream"))
    app.run()
    assert not app.exception, app.exception
    assert any("错误" in s for s in texts(app.error))
    problems = next(d.value for d in app.dataframe if "工作表" in d.value.columns)
    rows = problems.to_dict("records")
    assert any(
        r["工作表"] == expected["sheet"]
        and r["行"] == str(expected["row"])
        and r["列"] == expected["column"]
        and r["级别"] == "错误"
        for r in rows
    ), rows
    assert versions(db_url) == before


def test_schedule_page_solves_a_village_school(app: AppTest, db_url: str) -> None:
    at = open_page(app, "schedule", SMALL_VILLAGE)
    assert any("还没有保存的课表" in s for s in texts(at.info))
    at.button(key="solve").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    success = texts(at.success)
    assert any("课表已保存为第 1 版" in s for s in success)
    assert any(s.startswith("独立检查通过") for s in success), success
    assert not at.error
    # Every session of the week is in the table of all sessions, and in the class grids.
    all_sessions = next(d.value for d in at.dataframe if "session_id" in d.value.columns)
    captions = texts(at.caption)
    count = next(c for c in captions if c.startswith("共 "))
    expected = int(count.split("应有 ")[1].split(" ")[0])
    assert len(all_sessions) == expected > 0
    assert all_sessions["session_id"].is_unique
    grid = next(d.value for d in at.dataframe if "周一" in d.value.columns)
    assert list(grid.columns)[:5] == ["周一", "周二", "周三", "周四", "周五"]
    assert grid.to_numpy().astype(str).tolist() != [[""] * grid.shape[1]] * grid.shape[0]
    # A new session (a refresh) reloads the stored schedule from the database.
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    fresh.query_params["school"] = SMALL_VILLAGE
    fresh.run()
    fresh.switch_page("ui/pages/schedule.py").run()
    assert any("独立检查通过" in s for s in texts(fresh.success))


def test_subsidies_total_equals_the_budget(app: AppTest) -> None:
    at = open_page(app, "subsidies", SMALL_VILLAGE)
    at.radio(key="budget_mode").set_value("fixed")
    at.number_input(key="budget_yuan").set_value(12345.67)
    at.button(key="compute").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["预算（元）"] == "12345.67"
    assert metrics["按质量合计（元）"] == "12345.67"
    assert metrics["按课时合计（元）"] == "12345.67"
    assert any("正好等于预算 12345.67" in s for s in texts(at.success))
    assert len(at.get("plotly_chart")) >= 3
    assert any("合计" in s for s in texts(at.info))  # one teacher's explanation
    # Average hourly pay by location is the comparison's: sum of pay / sum of hours for each
    # scheme (a mean of the teachers' rates would weigh a 2-hour teacher like a 60-hour one).
    _, outcome = at.session_state["_subsidy_result"]
    shown = next(d.value for d in at.dataframe if d.value.index.name == "城乡类型")
    metrics = outcome.result.comparison.metrics.set_index("scheme")
    for scheme, column in (("hour_only", "按课时（元）"), ("quality", "按质量（元）")):
        expected = round(float(metrics.loc[scheme, "avg_hourly_village_yuan"]), 2)
        assert shown.loc["村小/教学点", column] == pytest.approx(expected, abs=0.005), scheme


def test_language_switch_turns_labels_to_english(app: AppTest) -> None:
    app.sidebar.radio(key="lang").set_value("en").run()
    assert texts(app.header) == ["Data"]
    assert app.title[0].value == "After-school service: rosters and subsidies"
    assert app.sidebar.selectbox(key="school_id").label == "School"
    assert app.query_params["lang"] == "en"
    at = open_page(app, "scenarios")
    assert texts(at.header) == ["Scenarios"]
    assert any("No runs yet" in s for s in texts(at.info))  # the page speaks English too
