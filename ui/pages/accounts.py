"""Page 账号 / Accounts: list, add, reset a password, enable / disable, unlock (admins).

A thin shell over store.accounts, which checks `user.manage`, validates role and school,
hashes the password and writes the audit log; its refusals are shown translated. While
no account exists the local administrator creates the first one here: it must be an
administrator, and once it exists everyone logs in (the creator is sent to the login).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlmodel import Session

from store.accounts import (
    User,
    add_user,
    list_users,
    locked_accounts,
    minutes_until,
    set_active,
    set_password,
    unlock,
)
from store.errors import StoreError
from store.rights import ROLES, role_needs_school
from ui import state
from ui.state import tr

COLUMNS = ("username", "display_name", "role", "school_id", "active")


def render() -> None:
    st.header(tr("ui.nav.accounts"))
    with state.session() as session:
        users = list_users(session)
        locked = locked_accounts(session)
    if users:
        account_table(users, locked)
    else:
        st.info(tr("ui.accounts.first"))
    add_account(first=not users)
    if users:
        manage_account(users, locked)


def run(work: Callable[[Session], object]) -> bool:
    """`work` in one unit of work for this user; a store refusal is shown, False."""
    try:
        with state.session() as session:
            work(session)
    except StoreError as exc:
        st.error(exc.message(state.lang()))
        return False
    return True


def done(text: str) -> None:
    state.flash("success", text)
    st.rerun()


def account_table(users: list[User], locked: dict) -> None:
    rows = []
    for user in users:
        row = {tr(f"accounts.col.{c}"): getattr(user, c) for c in COLUMNS}
        row[tr("accounts.col.role")] = tr(f"role.{user.role}")
        row[tr("accounts.col.school_id")] = user.school_id or tr("right.county")
        row[tr("ui.accounts.col.locked")] = user.username in locked
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def add_account(first: bool) -> None:
    """The form of a new account; the school picker only for roles that have a school."""
    st.subheader(tr("ui.accounts.add"))
    roles = ("admin",) if first else ROLES  # the first account must be able to add others
    role = st.selectbox(
        tr("accounts.col.role"), roles, format_func=lambda r: tr(f"role.{r}"), key="account_role"
    )
    with st.form("account_add", clear_on_submit=True):
        username = st.text_input(tr("accounts.col.username"), key="account_username")
        name = st.text_input(tr("accounts.col.display_name"), key="account_name")
        school = school_picker(role_needs_school(role))
        password = st.text_input(tr("ui.auth.password"), type="password", key="account_pw")
        again = st.text_input(
            tr("ui.accounts.password_again"), type="password", key="account_pw_again"
        )
        sent = st.form_submit_button(tr("ui.accounts.add_submit"), key="account_add_submit")
    if not sent:
        return
    if password != again:
        st.error(tr("ui.accounts.mismatch"))
        return
    if not run(lambda s: add_user(s, username, name, role, password, school)):
        return
    name = username.strip()
    if first:
        done(tr("ui.accounts.first_done", username=name))
    else:
        done(tr("accounts.added", username=name, role=tr(f"role.{role}")))


def school_picker(needs: bool | None) -> str | None:
    """The account's school: required (principal), optional (finance), none (county roles).

    Offers the stored schools; a school id not imported yet may be typed in.
    """
    if needs is False:
        return None
    labels = {s.school_id: state.school_label(s) for s in state.schools()}
    options = list(labels)
    if needs is None:
        options = ["", *options]
        labels[""] = tr("ui.accounts.county")
    chosen = st.selectbox(
        tr("accounts.col.school_id"),
        options,
        format_func=lambda v: labels.get(v, v),
        accept_new_options=True,
        key="account_school",
    )
    return (chosen or "").strip() or None


def manage_account(users: list[User], locked: dict) -> None:
    """Reset the password, enable / disable, unlock the chosen account."""
    st.subheader(tr("ui.accounts.manage"))
    by_name = {u.username: u for u in users}
    chosen = st.selectbox(
        tr("ui.accounts.account"),
        list(by_name),
        format_func=lambda n: f"{n} {by_name[n].display_name}",
        key="account_chosen",
    )
    user = by_name[chosen]
    if chosen in locked:
        st.warning(tr("ui.accounts.locked", minutes=minutes_until(locked[chosen])))
        if st.button(tr("ui.accounts.unlock"), key="account_unlock") and run(
            lambda s: unlock(s, chosen)
        ):
            done(tr("ui.accounts.unlocked", username=chosen))
    with st.form("account_passwd", clear_on_submit=True):
        password = st.text_input(
            tr("ui.accounts.new_password"), type="password", key="account_new_pw"
        )
        again = st.text_input(
            tr("ui.accounts.password_again"), type="password", key="account_new_pw_again"
        )
        sent = st.form_submit_button(tr("ui.accounts.passwd_submit"), key="account_passwd")
    if sent:
        if password != again:
            st.error(tr("ui.accounts.mismatch"))
        elif run(lambda s: set_password(s, chosen, password)):
            done(tr("accounts.password_set", username=chosen))
    enable_or_disable(user)


def enable_or_disable(user: User) -> None:
    """One button: disable an active account (not one's own), enable a disabled one."""
    name = user.username
    if user.active and name == state.actor().username:
        st.caption(tr("ui.accounts.self"))  # disabling it would lock the admin out
        return
    enable = not user.active
    verb = "enable" if enable else "disable"
    if st.button(tr(f"ui.accounts.{verb}"), key=f"account_{verb}") and run(
        lambda s: set_active(s, name, enable)
    ):
        done(tr(f"accounts.{verb}d", username=name))


if __name__ == "__main__":
    render()
