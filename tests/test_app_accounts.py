"""Logins, rights and the version check in the app, through AppTest.

The database is prepared beforehand (three village schools, some accounts), so no test
imports the whole county; DATABASE_URL points each test at its own SQLite file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from store.accounts import add_user
from store.db import init_db, make_engine, session_scope
from store.importer import import_paths
from store.models import SchoolVersion
from store.schools import load_school, save_school

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS = ["ZY016", "ZY017", "ZY025"]
OWN = "ZY016"
PASSWORD = "correct-horse"
TIMEOUT = 60


def prepare(url: str, accounts: bool) -> None:
    engine = make_engine(url)
    init_db(engine)
    county = ROOT / "data" / "sample_county"
    assert import_paths(engine, [county / f"{s}.xlsx" for s in SCHOOLS], workers=1).ok
    if accounts:
        with session_scope(engine) as session:
            add_user(session, "root", "管理员", "admin", PASSWORD)
            add_user(session, "wang", "王校长", "principal", PASSWORD, OWN)
            add_user(session, "li", "李会计", "finance", PASSWORD, OWN)
            add_user(session, "chen", "陈科长", "bureau", PASSWORD)


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def log_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_username").set_value(username)
    next(w for w in at.text_input if w.key != "login_username").set_value(password)
    at.button(key="login").click().run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def versions(url: str) -> int:
    with session_scope(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(SchoolVersion))


def test_without_accounts_the_app_runs_as_local_admin(db_url: str) -> None:
    prepare(db_url, accounts=False)
    at = start()
    banner = " ".join(texts(at.sidebar.info))
    assert "本机管理员" in banner and "afterschool user add" in banner
    assert len(at.sidebar.selectbox(key="school_id").options) == len(SCHOOLS)
    assert texts(at.header) == ["数据"]


def test_with_accounts_everyone_logs_in_and_a_wrong_password_says_nothing_more(
    db_url: str,
) -> None:
    prepare(db_url, accounts=True)
    at = start()
    assert not at.header and not at.sidebar.selectbox  # no page before the login
    log_in(at, "wang", "wrong-password")
    wrong = texts(at.error)
    log_in(at, "nobody", PASSWORD)
    assert texts(at.error) == wrong == ["用户名或密码不正确，或账号已停用。"]
    assert not at.header


def test_a_principal_sees_his_school_only_and_no_scenarios(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = log_in(start(), "wang")
    picker = at.sidebar.selectbox(key="school_id")
    assert [o.split()[0] for o in picker.options] == [OWN]
    assert any("wang" in s and "校长" in s for s in texts(at.sidebar.caption))
    assert any(b.label == "检查并保存" for b in at.button)  # may edit his school
    at.switch_page("ui/pages/scenarios.py").run()
    assert any("运行全县情景" in s for s in texts(at.warning))
    at.sidebar.button(key="logout").click().run()
    assert at.text_input(key="login_username") is not None and not at.header


def test_finance_reads_school_data_but_cannot_edit(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = log_in(start(), "li")
    assert texts(at.header) == ["数据"]
    assert any("只读" in s for s in texts(at.caption))
    assert not any(b.label == "检查并保存" for b in at.button)
    assert not at.get("file_uploader")  # no upload either


def test_an_admin_reads_the_audit_log(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = log_in(start(), "root")
    at.switch_page("ui/pages/audit.py").run()
    assert not at.exception, at.exception
    frame = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    assert set(frame["操作"]) == {"school.save", "user.add"}
    assert set(frame["用户"]) == {"system"}


def test_a_stale_edit_is_refused_and_can_be_reloaded(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = log_in(start(), "wang")
    assert any("第 1 版" in s for s in texts(at.subheader))
    # Another user saves a new version of the school while this page shows version 1.
    with session_scope(make_engine(db_url)) as session:
        school = load_school(session, OWN)
        save_school(session, replace(school, teachers=school.teachers[:-1]), "other user")
    before = versions(db_url)
    next(b for b in at.button if b.label == "检查并保存").click().run()
    assert not at.exception, at.exception
    errors = " ".join(texts(at.error))
    assert "未保存" in errors and "没有丢失" in errors and "重新加载" in errors
    assert versions(db_url) == before
    assert any("第 1 版" in s for s in texts(at.subheader))  # still the version he edits
    assert any("加载最新版本" in s for s in texts(at.warning))
    at.button(key="load_latest").click().run()
    assert any("第 2 版" in s for s in texts(at.subheader))
