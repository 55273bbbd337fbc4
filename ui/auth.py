"""Login and logout: the app's own form, or Streamlit's OIDC login where configured.

While no account exists the app runs as the local administrator and says so; as soon as
one exists, every session must log in. Passwords go from the form to
`store.accounts.attempt_login` and nowhere else (not into session state, not into logs);
the store audits every attempt and locks a name after repeated failures.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from store.accounts import actor_for_email, attempt_login
from store.db import session_scope
from ui import state
from ui.state import tr


def oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an OIDC provider for `st.login`."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def login_page() -> None:
    """The login form (and the OIDC button); logs the user in and reruns on success."""
    st.title(tr("app.title"))
    st.subheader(tr("ui.auth.title"))
    state.show_flash()  # e.g. "account created: log in" after the first account
    if oidc_configured():
        oidc_login()
    with st.form("login_form"):
        username = st.text_input(tr("ui.auth.username"), key="login_username")
        password = st.text_input(tr("ui.auth.password"), type="password")
        sent = st.form_submit_button(tr("ui.auth.submit"), type="primary", key="login")
    if sent:
        # The unit of work commits the attempt's audit entry, a failed one included.
        with session_scope(state.engine()) as session:
            attempt = attempt_login(session, username, password)
        if attempt.locked_until is not None:  # the same for known and unknown names
            st.error(tr("accounts.locked_out", minutes=attempt.minutes_left()))
        elif attempt.actor is None:
            st.error(tr("ui.auth.failed"))  # the same words for a wrong name or password
        else:
            state.log_in(attempt.actor)
            st.rerun()


def oidc_login() -> None:
    """Streamlit's own login; its e-mail must be the username of an active account."""
    user = st.user
    if not user.is_logged_in:
        st.button(tr("ui.auth.oidc"), on_click=st.login, key="oidc_login")
        return
    with session_scope(state.engine()) as session:
        found = actor_for_email(session, str(user.get("email") or ""))
    if found is None:
        st.error(tr("ui.auth.oidc_unknown"))
        st.button(tr("ui.auth.logout"), on_click=st.logout, key="oidc_logout")
        return
    state.log_in(found)
    st.rerun()


def sidebar_user() -> None:
    """Who is logged in, with a logout button; or the local-administrator banner."""
    actor = state.actor()
    if actor == state.LOCAL_ADMIN:
        st.info(tr("ui.auth.local_admin"))
        return
    school = actor.school_id or tr("right.county")
    st.caption(
        tr("ui.auth.signed_in", user=actor.username, role=tr(f"role.{actor.role}"), school=school)
    )
    if st.button(tr("ui.auth.logout"), key="logout"):
        state.log_out()
        if oidc_configured() and st.user.is_logged_in:
            st.logout()
        st.rerun()
