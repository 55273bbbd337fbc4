"""Page 情景 / Scenarios: an honest placeholder until the county what-if runner lands."""

from __future__ import annotations

import streamlit as st

from ui.state import tr


def render() -> None:
    st.header(tr("ui.nav.scenarios"))
    st.info(tr("ui.scen.coming"))
    st.markdown(tr("ui.scen.plan"))


if __name__ == "__main__":
    render()
