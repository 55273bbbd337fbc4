"""Render time of every app page on the sample county, with AppTest (target: under 1 s).

The county is imported first (the first start), the largest school ZY001 gets a stored
schedule so the Schedule page has a full week to draw, and one scenario run exists so the
Scenarios page has a comparison to show. Then each page is rendered once (first render)
and three more times (warm, median), and the figures replace the `## App pages` section of
docs/benchmarks.md.

    uv run python bench/bench_app.py
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
PAGES = ("data", "schedule", "subsidies", "scenarios")
SCHOOL = "ZY001"
TARGET_S = 1.0


def prepare(url: str) -> None:
    """A stored schedule for ZY001 and one scenario run, as a week of real use leaves."""
    from scenarios.engine import Cache
    from scenarios.levers import load_scenario, preset_path
    from scenarios.pipeline import load_towns, read_schools, run_scenario, write_run
    from scheduler.solve import SolveOptions, inputs_hash, solve
    from store.db import make_engine, session_scope
    from store.schedules import save_schedule
    from store.schools import list_schools, load_school
    from ui.pages.scenarios import runs_folder
    from ui.state import SAMPLE_COUNTY

    engine = make_engine(url)
    with session_scope(engine) as session:
        summary = next(s for s in list_schools(session) if s.school_id == SCHOOL)
        school = load_school(session, SCHOOL)
    result = solve(school, SolveOptions(time_limit=20))
    with session_scope(engine) as session:
        save_schedule(session, result.schedule, summary.school_version_id,
                      inputs_hash(school, SolveOptions().weights), result.report.status,
                      result.report.as_dict())  # fmt: skip
    schools, _ = read_schools(SAMPLE_COUNTY)
    run = run_scenario(schools, load_scenario(preset_path("baseline")), load_towns(SAMPLE_COUNTY),
                       cache=Cache(runs_folder() / "_cache"))  # fmt: skip
    write_run(run, runs_folder() / "bench-baseline")


def measure() -> list[tuple[str, float, float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run(timeout=300)  # first start: imports the county
    prepare(os.environ["DATABASE_URL"])
    at.sidebar.selectbox(key="school_id").set_value(SCHOOL).run(timeout=300)
    rows = []
    for page in PAGES:
        start = time.perf_counter()
        at.switch_page(f"ui/pages/{page}.py").run(timeout=300)
        first = time.perf_counter() - start
        assert not at.exception, at.exception
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            at.run(timeout=300)
            warm.append(time.perf_counter() - start)
        rows.append((page, first, statistics.median(warm)))
        print(f"{page:10s} first {first:.2f} s, warm {statistics.median(warm):.2f} s", flush=True)
    return rows


def section(rows: list[tuple[str, float, float]]) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in info if "model name" in ln), "")
    lines = [
        "## App pages",
        "",
        "Render time of each page with Streamlit's AppTest on the sample county (119 schools)"
        f" after the first-start import; the Schedule page shows {SCHOOL} (the largest school)"
        " with a stored schedule; the Scenarios page compares one stored county run."
        f" Target: under {TARGET_S:g} s once data is loaded.",
        "",
        "| page | first render s | warm render s (median of 3) | under 1 s |",
        "|---|---|---|---|",
    ]
    for page, first, warm in rows:
        ok = "yes" if max(first, warm) < TARGET_S else "warm only" if warm < TARGET_S else "no"
        lines.append(f"| {page} | {first:.2f} | {warm:.2f} | {ok} |")
    lines += [
        "",
        f"Machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()};"
        f" load average at the end: {load}.",
        "",
        "Command: `uv run python bench/bench_app.py`",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start = doc.find("## App pages")
    if start == -1:
        doc = doc.rstrip() + "\n\n" + text
    else:
        end = doc.find("\n## ", start + 1)
        doc = doc[:start] + text + ("" if end == -1 else doc[end + 1 :])
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'app.db'}"
        sys.path.insert(0, str(ROOT))
        rows = measure()
    write_section(section(rows))


if __name__ == "__main__":
    main()
