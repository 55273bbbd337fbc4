"""The Streamlit app: a thin shell over the same functions the command line uses.

Run with `uv run streamlit run app.py`. On first start an empty database is filled with
the bundled sample county. Every page reads the language and the chosen school from the
sidebar built here. Once an account exists everyone logs in first (ui/auth.py); every
page then runs for that user, whose rights the store checks; a page needing a right the
user lacks says so instead of running.
"""

from __future__ import annotations

import streamlit as st

from i18n import LANGS, t
from store.rights import can
from ui import auth, state
from ui.state import tr

# (file, title key, url, icon, the right the page needs, whether that right is per school)
PAGES = (
    ("ui/pages/data.py", "ui.nav.data", "data", ":material/table:", "school.read", True),
    (
        "ui/pages/schedule.py",
        "ui.nav.schedule",
        "schedule",
        ":material/calendar_month:",
        "schedule.read",
        True,
    ),
    (
        "ui/pages/choices.py",
        "ui.nav.choices",
        "choices",
        ":material/how_to_reg:",
        "allocation.read",
        True,
    ),
    (
        "ui/pages/subsidies.py",
        "ui.nav.subsidies",
        "subsidies",
        ":material/payments:",
        "subsidy.read",
        True,
    ),
    (
        "ui/pages/scenarios.py",
        "ui.nav.scenarios",
        "scenarios",
        ":material/insights:",
        "scenario.run",
        False,
    ),
    ("ui/pages/audit.py", "ui.nav.audit", "audit", ":material/history:", "audit.read", False),
    (
        "ui/pages/accounts.py",
        "ui.nav.accounts",
        "accounts",
        ":material/manage_accounts:",
        "user.manage",
        False,
    ),
)
# Shown in the navigation only to those who have the right (the others have no use for it).
HIDDEN_WITHOUT_RIGHT = ("choices", "audit", "accounts")


def language_switch() -> None:
    st.radio(
        "语言 / Language",
        LANGS,
        key=state.LANG_KEY,
        format_func=lambda code: t("lang.name", code),
        horizontal=True,
    )
    st.query_params[state.LANG_KEY] = state.lang()


def sidebar() -> None:
    """Language switch, the user, and the school picker (the schools the user may see)."""
    with st.sidebar:
        language_switch()
        auth.sidebar_user()
        summaries = state.schools()
        labels = {s.school_id: state.school_label(s) for s in summaries}
        state.apply_pending_school()
        if st.session_state.get(state.SCHOOL_KEY) not in labels and summaries:
            st.session_state[state.SCHOOL_KEY] = summaries[0].school_id
        st.selectbox(
            tr("ui.school.picker"),
            list(labels),
            key=state.SCHOOL_KEY,
            format_func=labels.get,
        )
        if st.session_state.get(state.SCHOOL_KEY):
            st.query_params["school"] = st.session_state[state.SCHOOL_KEY]


def allowed(action: str, per_school: bool) -> bool:
    """Whether this run's user may open a page needing `action` (on the chosen school)."""
    actor = state.actor()
    if not per_school:
        return can(actor, action)
    return can(actor, action, st.session_state.get(state.SCHOOL_KEY) or actor.school_id)


def main() -> None:
    state.init_from_url()
    st.set_page_config(page_title=tr("app.title"), page_icon="🏫", layout="wide")
    if state.logged_in() is None and state.accounts_exist():
        with st.sidebar:
            language_switch()
        auth.login_page()
        return
    state.ensure_sample_county()
    sidebar()
    entries = [
        (st.Page(path, title=tr(key), url_path=url, icon=icon, default=url == "data"), right)
        for path, key, url, icon, *right in PAGES
        if url not in HIDDEN_WITHOUT_RIGHT or allowed(*right)
    ]
    page = st.navigation([p for p, _ in entries])
    action, per_school = next(right for p, right in entries if p is page)
    st.title(tr("app.title"))
    state.show_flash()
    if allowed(action, per_school):
        page.run()
    else:
        st.warning(tr("ui.auth.no_right", right=tr(f"right.{action}")))


# Streamlit runs this file as __main__; a worker process of the scenario pool (spawn)
# imports it as __mp_main__ and must not start the app.
if __name__ == "__main__":
    main()
