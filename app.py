"""The Streamlit app: a thin shell over the same functions the command line uses.

Run with `uv run streamlit run app.py`. On first start an empty database is filled with
the bundled sample county. Every page reads the language and the chosen school from the
sidebar built here.
"""

from __future__ import annotations

import streamlit as st

from i18n import LANGS, t
from ui import state
from ui.state import tr

PAGES = (
    ("ui/pages/data.py", "ui.nav.data", "data", ":material/table:"),
    ("ui/pages/schedule.py", "ui.nav.schedule", "schedule", ":material/calendar_month:"),
    ("ui/pages/subsidies.py", "ui.nav.subsidies", "subsidies", ":material/payments:"),
    ("ui/pages/scenarios.py", "ui.nav.scenarios", "scenarios", ":material/insights:"),
)


def sidebar() -> None:
    """Language switch and school picker, both mirrored in the URL."""
    with st.sidebar:
        st.radio(
            "语言 / Language",
            LANGS,
            key=state.LANG_KEY,
            format_func=lambda code: t("lang.name", code),
            horizontal=True,
        )
        st.query_params[state.LANG_KEY] = state.lang()
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


def main() -> None:
    state.init_from_url()
    st.set_page_config(page_title=tr("app.title"), page_icon="🏫", layout="wide")
    state.ensure_sample_county()
    sidebar()
    pages = [
        st.Page(path, title=tr(key), url_path=url, icon=icon, default=url == "data")
        for path, key, url, icon in PAGES
    ]
    page = st.navigation(pages)
    st.title(tr("app.title"))
    state.show_flash()
    page.run()


# Streamlit runs this file as __main__; a worker process of the scenario pool (spawn)
# imports it as __mp_main__ and must not start the app.
if __name__ == "__main__":
    main()
