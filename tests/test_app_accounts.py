"""Logins, rights and the version check in the app, through AppTest.

The database is prepared beforehand (three village schools, some accounts), so no test
imports the whole county; DATABASE_URL points each test at its own SQLite file.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from store.accounts import MAX_FAILED_LOGINS, User, add_user, authenticate
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
    assert set(frame["操作"]) == {"school.save", "user.add", "login.ok"}
    assert set(frame[frame["操作"] != "login.ok"]["用户"]) == {"system"}
    assert list(frame[frame["操作"] == "login.ok"]["用户"]) == ["root"]


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


# ---------------------------------------------------------------- failed logins


def test_repeated_failures_lock_the_name_and_an_admin_unlocks_it(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = start()
    for _ in range(MAX_FAILED_LOGINS - 1):
        log_in(at, "wang", "wrong-password")
        assert texts(at.error) == ["用户名或密码不正确，或账号已停用。"]
    log_in(at, "wang", "wrong-password")
    locked = " ".join(texts(at.error))
    assert "登录失败次数过多" in locked and re.search(r"\d+ 分钟", locked) and "管理员" in locked
    log_in(at, "wang")  # the right password, refused while locked
    assert "登录失败次数过多" in " ".join(texts(at.error)) and not at.header
    for _ in range(MAX_FAILED_LOGINS):
        log_in(at, "nobody", PASSWORD)
    assert "登录失败次数过多" in " ".join(texts(at.error))  # unknown names: the same
    admin = open_accounts(log_in(start(), "root"))
    frame = admin.dataframe[0].value
    assert list(frame[frame["已锁定"]]["用户名"]) == ["wang"]  # accounts only
    admin.selectbox(key="account_chosen").set_value("wang").run()
    assert any("已锁定" in w for w in texts(admin.warning))
    admin.button(key="account_unlock").click().run()
    assert not admin.exception, admin.exception
    assert any("已解除 wang 的登录锁定" in s for s in texts(admin.success))
    assert texts(log_in(start(), "wang").header) == ["数据"]


# ---------------------------------------------------------------- the Accounts page


def open_accounts(at: AppTest) -> AppTest:
    at.switch_page("ui/pages/accounts.py").run()
    assert not at.exception, at.exception
    assert texts(at.header) == ["账号"]
    return at


def fill_new_account(at: AppTest, role: str, username: str, password: str, again: str = ""):
    at.selectbox(key="account_role").set_value(role).run()
    at.text_input(key="account_username").set_value(username)
    at.text_input(key="account_name").set_value(f"{username} 老师")
    at.text_input(key="account_pw").set_value(password)
    at.text_input(key="account_pw_again").set_value(again or password)
    return at


def user(url: str, username: str) -> User | None:
    with session_scope(make_engine(url)) as session:
        return session.scalars(select(User).where(User.username == username)).first()


def can_log_in(url: str, username: str, password: str) -> bool:
    with session_scope(make_engine(url)) as session:
        return authenticate(session, username, password) is not None


def test_an_admin_adds_an_account_resets_its_password_and_disables_it(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = open_accounts(log_in(start(), "root"))
    assert list(at.dataframe[0].value["用户名"]) == ["chen", "li", "root", "wang"]
    assert at.selectbox(key="account_role").options == ["校长", "财务", "教育局", "管理员"]
    # A school picker for a principal, none for the bureau.
    fill_new_account(at, "bureau", "zhao", "zhao-pass-1")
    assert "account_school" not in [s.key for s in at.selectbox]
    fill_new_account(at, "principal", "zhao", "zhao-pass-1", again="zhao-pass-2")
    at.selectbox(key="account_school").set_value("ZY017")
    at.button(key="account_add_submit").click().run()
    assert "两次输入的密码不一致，未保存。" in texts(at.error) and user(db_url, "zhao") is None
    fill_new_account(at, "principal", "zhao", "short")
    at.button(key="account_add_submit").click().run()
    assert any("至少需要 8 个字符" in e for e in texts(at.error))  # the store's refusal
    fill_new_account(at, "principal", "zhao", "zhao-pass-1")
    at.selectbox(key="account_school").set_value("ZY017")
    at.button(key="account_add_submit").click().run()
    assert not at.exception, at.exception
    assert any("已新建账号 zhao" in s for s in texts(at.success))
    added = user(db_url, "zhao")
    assert added is not None and (added.role, added.school_id) == ("principal", "ZY017")
    assert "zhao" in list(at.dataframe[0].value["用户名"])
    assert can_log_in(db_url, "zhao", "zhao-pass-1")
    # Reset the password.
    at.selectbox(key="account_chosen").set_value("zhao").run()
    at.text_input(key="account_new_pw").set_value("zhao-pass-2")
    at.text_input(key="account_new_pw_again").set_value("zhao-pass-2")
    at.button(key="account_passwd").click().run()
    assert any("已修改 zhao 的密码" in s for s in texts(at.success))
    assert can_log_in(db_url, "zhao", "zhao-pass-2")
    assert not can_log_in(db_url, "zhao", "zhao-pass-1")
    # Disable, then enable again.
    at.selectbox(key="account_chosen").set_value("zhao").run()
    at.button(key="account_disable").click().run()
    assert any("已停用账号 zhao" in s for s in texts(at.success))
    assert user(db_url, "zhao").active is False  # type: ignore[union-attr]
    assert not can_log_in(db_url, "zhao", "zhao-pass-2")
    at.selectbox(key="account_chosen").set_value("zhao").run()
    at.button(key="account_enable").click().run()
    assert user(db_url, "zhao").active is True  # type: ignore[union-attr]
    # The admin cannot disable his own account here.
    at.selectbox(key="account_chosen").set_value("root").run()
    assert "account_disable" not in [b.key for b in at.button]


def test_a_principal_cannot_see_or_open_the_accounts_page(db_url: str) -> None:
    prepare(db_url, accounts=True)
    at = log_in(start(), "wang")
    with pytest.raises(ValueError, match="navigation page"):  # not registered for him
        at.switch_page("ui/pages/accounts.py")
    bureau = log_in(start(), "chen")
    with pytest.raises(ValueError, match="navigation page"):
        bureau.switch_page("ui/pages/accounts.py")


def test_the_local_admin_creates_the_first_account_then_logs_in(db_url: str) -> None:
    prepare(db_url, accounts=False)
    at = open_accounts(start())
    assert any("第一个账号必须是管理员" in s for s in texts(at.info))
    assert at.selectbox(key="account_role").options == ["管理员"]
    fill_new_account(at, "admin", "root", PASSWORD)
    at.button(key="account_add_submit").click().run()
    assert not at.exception, at.exception
    assert any("请用此账号登录" in s for s in texts(at.success))
    assert at.text_input(key="login_username") is not None and not at.header
    log_in(at, "root")  # back on the Accounts page, now as the new administrator
    assert texts(at.header) == ["账号"] and not at.info
    assert list(at.dataframe[0].value["用户名"]) == ["root"]
    assert any("root" in s for s in texts(at.sidebar.caption))
