"""Plotly figures of the app (pure: frames in, figures out; labels already translated)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from scheduler.solve import Progress


def progress_figure(events: list[Progress], objective: str, bound: str, seconds: str) -> go.Figure:
    """Objective (better solutions) and bound (proved lower limit) over time."""
    fig = go.Figure()
    sol = [(e.seconds, e.objective) for e in events if e.objective is not None]
    bnd = [(e.seconds, e.bound) for e in events if e.bound is not None]
    if sol:
        fig.add_scatter(
            x=[s for s, _ in sol],
            y=[v for _, v in sol],
            name=objective,
            mode="lines+markers",
            line_shape="hv",
        )
    if bnd:
        fig.add_scatter(
            x=[s for s, _ in bnd], y=[v for _, v in bnd], name=bound, mode="lines", line_shape="hv"
        )
    fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=seconds)
    return fig


def load_heatmap(load: pd.DataFrame, minutes: str) -> go.Figure:
    """Teachers x days, colour = minutes."""
    fig = px.imshow(
        load,
        aspect="auto",
        color_continuous_scale="Blues",
        labels={"color": minutes},
        text_auto=True,
    )
    fig.update_layout(
        height=max(300, 18 * len(load) + 80), margin={"l": 10, "r": 10, "t": 10, "b": 10}
    )
    return fig


def load_bars(totals: pd.Series, shares: pd.Series, load_name: str, share_name: str) -> go.Figure:
    """Weekly minutes per teacher as bars, each teacher's fair share as a marker."""
    fig = go.Figure()
    fig.add_bar(x=totals.index, y=totals.values, name=load_name)
    fig.add_scatter(
        x=shares.index,
        y=shares.values,
        name=share_name,
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 14, "line": {"width": 3}},
    )
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_tickangle=-60)
    return fig


def amount_histogram(frame: pd.DataFrame, value: str, scheme: str) -> go.Figure:
    """Distribution of hourly pay under each scheme (overlaid)."""
    fig = px.histogram(frame, x=value, color=scheme, barmode="overlay", nbins=30, opacity=0.6)
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def gains_bars(frame: pd.DataFrame, who: str, diff: str) -> go.Figure:
    """Gain (+) or loss (-) of every teacher, quality-weighted minus hour-only."""
    ordered = frame.sort_values(diff)
    colours = ["#2e7d32" if v > 0 else "#c62828" for v in ordered[diff]]
    fig = go.Figure(go.Bar(x=ordered[who], y=ordered[diff], marker_color=colours))
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis_tickangle=-60,
        yaxis_title=diff,
    )
    return fig


def location_bars(frame: pd.DataFrame, location: str, value: str, scheme: str) -> go.Figure:
    """Average hourly pay by village / town / urban, per scheme."""
    fig = px.bar(frame, x=location, y=value, color=scheme, barmode="group", text_auto=".2f")
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig
