"""The bureau's report: an .xlsx workbook and a self-contained HTML page with plotly charts.

Chinese by default (`lang="en"` for English). One run, or several runs side by side
(`write_compare_report`). The HTML embeds plotly.js once (inline), so it opens offline.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from i18n import t
from scenarios.levers import to_toml
from workbook.safety import inert_workbook

KEY_FIGURES = (
    "schools",
    "students",
    "students_enrolled",
    "enrolment_rate",
    "coverage",
    "sessions_demand",
    "sessions_unstaffed",
    "teacher_sessions_missing",
    "teacher_hours_needed_week",
    "teacher_hours_available_week",
    "need_ratio",
    "load_hours_week_compulsory",
    "load_hours_week_high",
    "high_load_gap_hours",
    "hourly_pay_compulsory_yuan",
    "hourly_pay_high_yuan",
    "high_pay_gap_yuan",
    "fees_yuan",
    "topup_yuan",
    "income_yuan",
    "pay_yuan",
    "self_study_pay_yuan",
    "cost_yuan",
    "gap_yuan",
    "family_cost_per_student_yuan",
)
GROUP_COLUMNS = (
    "students",
    "students_enrolled",
    "coverage",
    "sessions_demand",
    "sessions_unstaffed",
    "teacher_hours_needed_week",
    "teacher_hours_available_week",
    "need_ratio",
    "teachers_opted_in",
    "load_hours_week",
    "max_teacher_hours_week",
    "class_hours_term",
    "hourly_pay_yuan",
    "pay_per_teacher_yuan",
    "fees_yuan",
    "income_yuan",
    "pay_yuan",
    "self_study_pay_yuan",
    "cost_yuan",
    "gap_yuan",
    "family_cost_per_student_yuan",
)
SCHOOL_COLUMNS = (
    "school_id",
    "name",
    "town",
    "school_stage",
    "location",
    *GROUP_COLUMNS,
)
PERCENT = {"coverage", "enrolment_rate", "need_ratio", "unstaffed_share"}
COLORS = {"primary": "#4C78A8", "junior": "#72B7B2", "high": "#E45756"}


def col(name: str, lang: str) -> str:
    key = f"scen.col.{name}"
    try:
        return t(key, lang)
    except KeyError:
        return name


def label(kind: str, value: object, lang: str) -> str:
    try:
        return t(f"scen.{kind}.{value}", lang)
    except KeyError:
        return str(value)


def fmt(name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if name in PERCENT:
        return f"{float(value):.1%}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
    return str(value)


def people_table(
    frame: pd.DataFrame, columns: tuple[str, ...] | list[str], lang: str
) -> pd.DataFrame:
    """Columns renamed and stage / location / kind values labelled in `lang`."""
    cols = [c for c in columns if c in frame.columns]
    out = frame[cols].copy()
    for c, kind in (
        ("stage", "stage"),
        ("school_stage", "stage"),
        ("location", "location"),
        ("kind", "kind"),
    ):
        if c in out:
            out[c] = out[c].map(lambda v, kind=kind: label(kind, v, lang))
    if "skill" in out:
        out["skill"] = out["skill"].map(lambda v: v if v else t("scen.skill.any", lang))
    return out.rename(columns={c: col(c, lang) for c in cols})


def key_figures(county: dict, lang: str) -> pd.DataFrame:
    rows = [(col(k, lang), fmt(k, county.get(k))) for k in KEY_FIGURES]
    return pd.DataFrame(rows, columns=[col("metric", lang), col("value", lang)])


def levers_table(scenario, lang: str) -> pd.DataFrame:
    lines = [ln for ln in to_toml(scenario).splitlines() if ln.strip()]
    return pd.DataFrame({col("key", lang): lines})


# ------------------------------------------------------------------ charts


def _bar(
    title: str, x: list, series: dict[str, list], lang: str, colors=None, pct=False
) -> go.Figure:
    fig = go.Figure()
    for name, ys in series.items():
        fig.add_bar(name=name, x=x, y=ys, marker_color=(colors or {}).get(name))
    fig.update_layout(
        title=title,
        barmode="group",
        template="plotly_white",
        height=380,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        font={"family": "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"},
    )
    if pct:
        fig.update_yaxes(tickformat=".0%")
    return fig


def _values(
    frame: pd.DataFrame, key: str, metric: str, order: tuple[str, ...]
) -> tuple[list, list]:
    got = dict(zip(frame[key], frame[metric], strict=True)) if len(frame) else {}
    keys = [k for k in order if k in got]
    return keys, [None if pd.isna(got[k]) else float(got[k]) for k in keys]


def run_charts(runs: list, lang: str) -> list[go.Figure]:
    """Charts of one run, or of several side by side (one series per scenario)."""
    from scenarios.aggregate import LOCATION_ORDER, STAGE_ORDER

    figs = []
    for metric, key, order, kind, title, pct in (
        ("hourly_pay_yuan", "stage", STAGE_ORDER, "stage", "scen.chart.hourly_by_stage", False),
        (
            "hourly_pay_yuan",
            "location",
            LOCATION_ORDER,
            "location",
            "scen.chart.hourly_by_location",
            False,
        ),
        ("coverage", "stage", STAGE_ORDER, "stage", "scen.chart.coverage", True),
        ("load_hours_week", "stage", STAGE_ORDER, "stage", "scen.chart.load", False),
        (
            "family_cost_per_student_yuan",
            "location",
            LOCATION_ORDER,
            "location",
            "scen.chart.family",
            False,
        ),
    ):
        series, x = {}, []
        for run in runs:
            frame = run.aggregates.by_stage if key == "stage" else run.aggregates.by_location
            keys, ys = _values(frame, key, metric, order)
            x = x or keys
            lookup = dict(zip(keys, ys, strict=True))
            series[run.name(lang)] = [lookup.get(k) for k in x]
        labels = [label(kind, k, lang) for k in x]
        figs.append(_bar(t(title, lang), labels, series, lang, pct=pct))
    money = ("income_yuan", "cost_yuan", "gap_yuan")
    names = [run.name(lang) for run in runs]
    series = {col(m, lang): [run.aggregates.county.get(m) for run in runs] for m in money}
    figs.append(_bar(t("scen.chart.money", lang), names, series, lang))
    hours = {
        t("scen.chart.needed", lang): [
            run.aggregates.county.get("teacher_hours_needed_week") for run in runs
        ],
        t("scen.chart.available", lang): [
            run.aggregates.county.get("teacher_hours_available_week") for run in runs
        ],
    }
    figs.append(_bar(t("scen.chart.hours", lang), names, hours, lang))
    gaps = {}
    for run in runs:
        u = run.aggregates.unstaffed
        if len(u):
            counts = u.groupby("school_id").size().sort_values(ascending=False).head(20)
            gaps[run.name(lang)] = counts
    if gaps:
        schools = sorted({s for c in gaps.values() for s in c.index})
        series = {n: [int(c.get(s, 0)) for s in schools] for n, c in gaps.items()}
        figs.append(_bar(t("scen.chart.unstaffed", lang), schools, series, lang))
    return figs


# ------------------------------------------------------------------ HTML


CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:24px;color:#222}
h1{font-size:24px}h2{font-size:19px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
.note{background:#fff6e0;padding:10px;border-left:4px solid #e8a33d}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}
"""


def _table_html(frame: pd.DataFrame, limit: int | None = None) -> str:
    shown = frame.head(limit) if limit else frame
    out = shown.copy()
    for c in out.columns:
        out[c] = out[c].map(lambda v: fmt("", v) if isinstance(v, float) else v)
    return out.to_html(index=False, escape=True, border=0)


def _percent_cols(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    for name in PERCENT:
        c = col(name, lang)
        if c in out:
            out[c] = out[c].map(lambda v: fmt("coverage", v))
    return out


def _page(title: str, parts: list[str], figs: list[go.Figure], lang: str) -> str:
    charts = []
    for i, fig in enumerate(figs):
        charts.append(fig.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False))
    body = "\n".join(parts[:2]) + '<div class="grid">' + "".join(f"<div>{c}</div>" for c in charts)
    body += "</div>" + "\n".join(parts[2:])
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}">'
        '<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def gap_note(county: dict, lang: str) -> str:
    return t(
        "scen.report.gap_note",
        lang,
        high=fmt("", county.get("hourly_pay_high_yuan")),
        compulsory=fmt("", county.get("hourly_pay_compulsory_yuan")),
        gap=fmt("", county.get("high_pay_gap_yuan")),
        fund=fmt("", county.get("gap_yuan")),
    )


def quality_note(scenario, summary: dict, lang: str) -> str:
    """Which subsidy scheme split the money, and on what quality evidence (or none)."""
    quality = summary.get("quality") or {}
    return t(
        f"scen.report.quality.{quality.get('status', 'neutral')}",
        lang,
        scheme=t(f"scen.scheme.{scenario.scheme}", lang),
        source=quality.get("source", ""),
        n=quality.get("teachers_with_evidence", 0),
        total=quality.get("teachers", 0),
        errors=quality.get("errors", 0),
    )


def write_run_report(run, out: Path | str, lang: str = "zh") -> dict[str, Path]:
    """report.xlsx and report.html of one run folder (`pipeline.RunData`)."""
    out = Path(out)
    agg = run.aggregates
    sheets = {
        t("scen.report.key_figures", lang): key_figures(agg.county, lang),
        t("scen.report.by_stage", lang): people_table(
            agg.by_stage, ("stage", *GROUP_COLUMNS), lang
        ),
        t("scen.report.by_location", lang): people_table(
            agg.by_location, ("location", *GROUP_COLUMNS), lang
        ),
        t("scen.report.schools", lang): people_table(agg.schools, SCHOOL_COLUMNS, lang),
        t("scen.report.unstaffed", lang): people_table(
            agg.unstaffed, list(agg.unstaffed.columns), lang
        ),
        t("scen.report.failures", lang): people_table(
            run.failures, list(run.failures.columns), lang
        ),
        t("scen.report.levers", lang): levers_table(run.scenario, lang),
    }
    paths = {"xlsx": out / "report.xlsx", "html": out / "report.html"}
    _write_xlsx(paths["xlsx"], sheets)
    s = run.scenario
    head = (
        f"<p><b>{html.escape(t('scen.report.scenario', lang))}</b>: {html.escape(s.name(lang))}"
        f" — {html.escape(s.description_en if lang == 'en' else s.description_zh)}<br>"
        f"<b>{html.escape(t('scen.report.term', lang))}</b>: {html.escape(s.term.term_id)}</p>"
    )
    note = f'<p class="note">{html.escape(gap_note(agg.county, lang))}</p>'
    note += f'<p class="note">{html.escape(quality_note(s, run.summary, lang))}</p>'
    if len(run.failures):
        failed = t("scen.report.failures_note", lang, n=len(run.failures))
        note += f'<p class="note">{html.escape(failed)}</p>'
    parts = [head, note]
    for key, frame, limit in (
        ("scen.report.key_figures", sheets[t("scen.report.key_figures", lang)], None),
        (
            "scen.report.by_stage",
            _percent_cols(sheets[t("scen.report.by_stage", lang)], lang),
            None,
        ),
        (
            "scen.report.by_location",
            _percent_cols(sheets[t("scen.report.by_location", lang)], lang),
            None,
        ),
        ("scen.report.unstaffed", sheets[t("scen.report.unstaffed", lang)], 200),
        ("scen.report.failures", sheets[t("scen.report.failures", lang)], None),
    ):
        table = _table_html(frame, limit) if len(frame) else f"<p>{t('scen.report.none', lang)}</p>"
        parts.append(f"<h2>{html.escape(t(key, lang))}</h2>{table}")
    parts.append(
        "<p><small>"
        + html.escape(
            t(
                "scen.report.method",
                lang,
                minutes=s.class_hour_minutes,
                rate=f"{s.self_study_rate_yuan:g}",
            )
        )
        + "</small></p>"
    )
    page = _page(
        t("scen.report.title", lang) + " — " + s.name(lang), parts, run_charts([run], lang), lang
    )
    paths["html"].write_text(page, encoding="utf-8")
    return paths


def compare_tables(runs: list, lang: str) -> dict[str, pd.DataFrame]:
    """Key figures, and by-stage / by-location figures, one column per scenario."""
    names = [run.name(lang) for run in runs]
    figures = pd.DataFrame(
        {col("metric", lang): [col(k, lang) for k in KEY_FIGURES]}
        | {
            n: [fmt(k, run.aggregates.county.get(k)) for k in KEY_FIGURES]
            for n, run in zip(names, runs, strict=True)
        }
    )
    out = {t("scen.report.key_figures", lang): figures}
    for key, title in (("stage", "scen.report.by_stage"), ("location", "scen.report.by_location")):
        frames = []
        for name, run in zip(names, runs, strict=True):
            frame = run.aggregates.by_stage if key == "stage" else run.aggregates.by_location
            part = people_table(frame, (key, *GROUP_COLUMNS), lang)
            part.insert(0, t("scen.report.scenario", lang), name)
            frames.append(part)
        out[t(title, lang)] = pd.concat(frames, ignore_index=True)
    return out


def write_compare_report(runs: list, out: Path | str, lang: str = "zh") -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = compare_tables(runs, lang)
    paths = {"xlsx": out / "compare.xlsx", "html": out / "compare.html"}
    _write_xlsx(paths["xlsx"], tables)
    notes = "".join(
        f'<p class="note"><b>{html.escape(run.name(lang))}</b>: '
        f"{html.escape(gap_note(run.aggregates.county, lang))} "
        f"{html.escape(quality_note(run.scenario, run.summary, lang))}</p>"
        for run in runs
    )
    parts = [f"<p>{' | '.join(html.escape(r.name(lang)) for r in runs)}</p>", notes]
    for title, frame in tables.items():
        parts.append(f"<h2>{html.escape(title)}</h2>{_table_html(_percent_cols(frame, lang))}")
    page = _page(t("scen.report.compare_title", lang), parts, run_charts(runs, lang), lang)
    paths["html"].write_text(page, encoding="utf-8")
    return paths


def _write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            for i, c in enumerate(frame.columns, start=1):
                width = max(
                    [len(str(c)) * 2, *(len(str(v)) for v in frame[c].head(200))], default=8
                )
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(
                    60, width + 2
                )
        inert_workbook(writer.book)  # names and notes that start with "=" stay text
