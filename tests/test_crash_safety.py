"""Crash safety: an import, a solve or a subsidy run killed halfway (SIGKILL, no clean-up)
leaves the database exactly as it was, or, if the kill came after the commit, exactly as a
finished run leaves it; never anything in between.

Each command runs as a real process against the test's database. Some kills wait until the
process holds an open write transaction (SQLite: its rollback journal exists; PostgreSQL:
its backend has a transaction id), then fire after a random few milliseconds; others fire
at a random moment of the run. `CRASH_KILLS=N` runs N kills of each kind per command (the
default is kept small for the suite's time; the reliability report used more).
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from store.db import init_db, make_engine
from store.importer import import_paths
from store_helpers import dump

ROOT = Path(__file__).resolve().parents[1]
COUNTY = ROOT / "data" / "sample_county"
EVIDENCE = ROOT / "data" / "sample_evidence"
KILLS = int(os.environ.get("CRASH_KILLS", "1"))


def _with_app_name(url: str, name: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.update_query_dict({"application_name": name}).render_as_string(
        hide_password=False
    )


def _writing(url: str, name: str, admin: Engine | None) -> bool:
    """Whether the process holds an open write transaction on the database right now."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(f"{parsed.database}-journal").exists()
    assert admin is not None
    with admin.connect() as conn:
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = :name AND backend_xid IS NOT NULL"
        )
        return conn.execute(query, {"name": name}).scalar_one() > 0


def run_and_kill(
    args: list[str], url: str, when: str, rng: random.Random, seconds: float
) -> tuple[str, int | None]:
    """Run the CLI with `args` on `url`; SIGKILL it mid-write or at a random moment.

    Returns how the kill landed ("mid-write", "random", "finished": exited before the kill)
    and the exit code if it finished.
    """
    name = f"crash_{uuid.uuid4().hex[:12]}"
    target = _with_app_name(url, name)
    admin = None
    if make_url(url).get_backend_name() == "postgresql":
        admin = create_engine(url, poolclass=NullPool)
    command = [sys.executable, "-m", "cli.main", *args, "--db", target]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        landed = _kill_point(process, url, name, admin, when, rng, seconds)
        if landed == "finished":
            return landed, process.returncode
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return landed, None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if admin is not None:
            admin.dispose()


def _kill_point(process, url, name, admin, when, rng, seconds) -> str:
    """Wait until the moment to kill; "finished" if the process ended first."""
    deadline = time.monotonic() + (seconds * rng.uniform(0.05, 1.0) if when == "random" else 120)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return "finished"
        if when == "mid-write" and _writing(url, name, admin):
            time.sleep(rng.uniform(0, 0.02))
            return "mid-write"
        time.sleep(0.001)
    return "random" if when == "random" else "finished"


def _evidence_of(school_id: str, folder: Path) -> Path:
    """The sample evidence restricted to one school (a school's own finance officer's files)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in EVIDENCE.glob("*.csv"):
        with source.open(encoding="utf-8-sig", newline="") as fin:
            rows = list(csv.reader(fin))
        keep = [rows[0]] + [r for r in rows[1:] if r and r[0] == school_id]
        with (folder / source.name).open("w", encoding="utf-8", newline="") as fout:
            csv.writer(fout).writerows(keep)
    return folder


def _commands(tmp: Path) -> dict[str, list[str]]:
    evidence = _evidence_of("ZY001", tmp / "evidence")
    return {
        "import": ["import", str(COUNTY)],
        "solve": [
            # A school proven optimal in well under a second: with one worker the stored
            # schedule is then the same in every finished run (a time limit would not be).
            "schedule", str(COUNTY / "ZY119.xlsx"), "--out", str(tmp / "solve"),
            "--time-limit", "120", "--workers", "1",
        ],
        "subsidy": [
            "subsidies", "--term", "2025-autumn", "--school", "ZY001",
            "--workbook", str(COUNTY / "ZY001.xlsx"),
            "--schedules", str(EVIDENCE / "schedules" / "ZY001.csv"),
            "--evidence", str(evidence), "--policy", str(EVIDENCE / "policy.toml"),
            "--out", str(tmp / "subsidy"),
        ],
    }  # fmt: skip


def _seeded(url: str) -> Engine:
    """A database that already holds a school, so "as it was" is not just "empty"."""
    engine = make_engine(url)
    init_db(engine)
    assert import_paths(engine, [COUNTY / "ZY002.xlsx"], workers=1).ok
    return engine


@pytest.mark.parametrize("operation", ["import", "solve", "subsidy"])
def test_killed_run_leaves_the_database_as_it_was_or_finished(
    operation: str, new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    args = _commands(tmp_path)[operation]
    rng = random.Random(f"{operation}-{KILLS}")

    # A finished run, for the "after" state and the run's length.
    url = new_store_url()
    engine = _seeded(url)
    before = dump(engine, run_independent=True)
    started = time.monotonic()
    landed, code = run_and_kill(args, url, "never", rng, 0)
    seconds = time.monotonic() - started
    assert (landed, code) == ("finished", 0)
    after = dump(engine, run_independent=True)
    assert after != before
    engine.dispose()

    outcomes: list[tuple[str, str]] = []
    for when in ["mid-write", "random"] * KILLS:
        url = new_store_url()
        engine = _seeded(url)
        assert dump(engine, run_independent=True) == before
        landed, code = run_and_kill(args, url, when, rng, seconds)
        # SQLite rolls a hot journal back on this first read.
        state = dump(engine, run_independent=True)
        engine.dispose()
        assert state in (before, after), f"{operation} killed {landed}: half-written database"
        if landed == "finished":
            assert code == 0 and state == after
        outcomes.append((landed, "before" if state == before else "after"))
    print(operation, outcomes)  # shown with `pytest -s`; the reliability report counts them
    # The point of the test: at least one kill really hit an open write transaction.
    assert ("mid-write", "before") in outcomes or ("mid-write", "after") in outcomes, outcomes
