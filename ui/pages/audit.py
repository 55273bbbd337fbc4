"""Page 日志 / Audit: who changed what and when (administrators only; the store checks)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from store.audit import list_audit
from ui import state
from ui.state import tr

LIMIT = 500
COLUMNS = ("at", "username", "role", "action", "school_id", "object_id", "detail")


def render() -> None:
    st.header(tr("ui.nav.audit"))
    school = st.text_input(tr("ui.audit.school"), key="audit_school").strip() or None
    with state.session() as session:
        entries = list_audit(session, school_id=school, limit=LIMIT)
    if not entries:
        st.info(tr("audit.none"))
        return
    st.caption(tr("ui.audit.shown", n=len(entries), limit=LIMIT))
    frame = pd.DataFrame([{tr(f"audit.col.{c}"): getattr(e, c) for c in COLUMNS} for e in entries])
    st.dataframe(frame, hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
