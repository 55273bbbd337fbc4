"""Render time of every app page on the sample county, with AppTest (target: under 1 s).

Setup (not timed): a fresh SQLite database in a temporary folder gets the sample county
(the first start's import); the largest school ZY001 gets a stored schedule
(`scheduler.solve` + `store.schedules.save_schedule`) so the Schedule page draws a full
week; the Subsidies page computes and stores one run for ZY001 (clicking Compute); two
county scenario runs (baseline, and the baseline with a public top-up, which reuses the
cached schedules) so the Scenarios page compares two runs with tables and charts.

Timed, per page with ZY001 chosen:
- cold: the page's first render in the process (Streamlit's data caches empty for it);
- first: the page's first render in a new session, median of 3 sessions;
- warm: a rerun of the page already shown, median of 3.

The figures replace the `## App pages` section of docs/benchmarks.md (the rest of the
file is left as it is).

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
sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402

PAGES = ("data", "schedule", "subsidies", "scenarios")
SCHOOL = "ZY001"
TARGET_S = 1.0
REPEATS = 3
TIMEOUT = 600


def store_schedule(url: str) -> str:
    """Solve ZY001 and store the schedule as its version 1; returns the solver status."""
    from scheduler.solve import SolveOptions, inputs_hash, solve
    from store.db import make_engine, session_scope
    from store.schedules import save_schedule
    from store.schools import list_schools, load_school

    engine = make_engine(url)
    with session_scope(engine) as session:
        summary = next(s for s in list_schools(session) if s.school_id == SCHOOL)
        school = load_school(session, SCHOOL)
    options = SolveOptions(time_limit=20)
    result = solve(school, options)
    with session_scope(engine) as session:
        save_schedule(session, result.schedule, summary.school_version_id,
                      inputs_hash(school, options.weights), result.report.status,
                      result.report.as_dict())  # fmt: skip
    return result.report.status


def scenario_runs() -> list[str]:
    """Baseline over the county, then the same with a top-up (cached schedules)."""
    from dataclasses import replace

    from scenarios.engine import Cache
    from scenarios.levers import load_scenario, preset_path
    from scenarios.pipeline import load_towns, read_schools, run_scenario, write_run
    from ui.scenario_view import cache_folder, new_run_folder
    from ui.state import SAMPLE_COUNTY

    schools, failures = read_schools(SAMPLE_COUNTY)
    towns = load_towns(SAMPLE_COUNTY)
    base = load_scenario(preset_path("baseline"))
    topped = replace(base, name_zh="现状+补助", name_en="Baseline + top-up",
                     public_topup_per_student_yuan=300.0)  # fmt: skip
    out = []
    for scenario in (base, topped):
        start = time.perf_counter()
        result = run_scenario(schools, scenario, towns, cache=Cache(cache_folder()),
                              failures=failures)  # fmt: skip
        write_run(result, new_run_folder(scenario.scenario_id))
        out.append(f"{scenario.name_en}: {time.perf_counter() - start:.1f} s")
        time.sleep(1.1)  # distinct folder stamps
    return out


def session():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["school"] = SCHOOL
    return at


def timed(step) -> float:
    start = time.perf_counter()
    at = step()
    seconds = time.perf_counter() - start
    assert not at.exception, at.exception
    return seconds


def show(at, page: str):
    """The page rendered (the Data page is the app's default page)."""
    if page == "data":
        return at.run(timeout=TIMEOUT)
    return at.switch_page(f"ui/pages/{page}.py").run(timeout=TIMEOUT)


def measure() -> tuple[list[dict], list[str]]:
    notes = []
    at = session()
    start = time.perf_counter()
    at.run(timeout=TIMEOUT)  # first start: imports the county
    notes.append(f"first start with the import of 119 schools: {time.perf_counter() - start:.1f} s")
    url = os.environ["DATABASE_URL"]
    start = time.perf_counter()
    status = store_schedule(url)
    notes.append(f"ZY001 schedule ({status}): {time.perf_counter() - start:.1f} s")
    at.switch_page("ui/pages/subsidies.py").run(timeout=TIMEOUT)
    at.button(key="compute").click().run(timeout=TIMEOUT)
    notes.append("ZY001 subsidies: " + ("error" if at.exception or at.error else "stored"))
    notes += [f"scenario run {n}" for n in scenario_runs()]

    rows = []
    for page in PAGES:
        cold = timed(lambda page=page: show(session(), page))
        firsts, warms = [], []
        for _ in range(REPEATS):
            at = session()
            if page != "data":
                at.run(timeout=TIMEOUT)
            firsts.append(timed(lambda at=at, page=page: show(at, page)))
        for _ in range(REPEATS):
            warms.append(timed(lambda at=at: at.run(timeout=TIMEOUT)))
        row = {"page": page, "cold": cold, "first": statistics.median(firsts),
               "warm": statistics.median(warms), "tables": len(at.dataframe),
               "charts": len(at.get("plotly_chart"))}  # fmt: skip
        rows.append(row)
        print(f"{page:10s} cold {cold:.2f} s, first {row['first']:.2f} s,"
              f" warm {row['warm']:.2f} s", flush=True)  # fmt: skip
    return rows, notes


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in info if "model name" in ln), "?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu},"
        f" Python {platform.python_version()}, {time.strftime('%Y-%m-%d')};"
        f" load average (1/5/15 min) at the end: {load}"
    )


def section(rows: list[dict], notes: list[str]) -> str:
    lines = [
        "## App pages",
        "",
        "Render time of each page with Streamlit's AppTest (in process: the script run and"
        " its element tree, no browser or websocket) on the sample county (119 schools),"
        f" with {SCHOOL}, the largest school, chosen: the Data page shows its 8 sheets, the"
        " Schedule page its stored week (grids, charts, report), the Subsidies page its"
        " stored run, the Scenarios page the list of runs and two county runs side by side."
        f" Target: under {TARGET_S:g} s once data is loaded.",
        "",
        "| page | cold s (first in process) | first s (new session, median of 3) |"
        " warm s (rerun, median of 3) | under 1 s | tables / charts drawn |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        worst = max(r["cold"], r["first"], r["warm"])
        ok = "yes" if worst < TARGET_S else "warm only" if r["warm"] < TARGET_S else "no"
        lines.append(
            f"| {r['page']} | {r['cold']:.2f} | {r['first']:.2f} | {r['warm']:.2f} | {ok}"
            f" | {r['tables']} / {r['charts']} |"
        )
    lines += [
        "",
        "Setup, not timed: " + "; ".join(notes) + ".",
        "",
        f"Machine: {machine()}.",
        "",
        "Command: `uv run python bench/bench_app.py`",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'app.db'}"
        rows, notes = measure()
    text = section(rows, notes)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
