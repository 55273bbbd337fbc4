"""Benchmark: import the sample county into a fresh SQLite file.

Run: `uv run python bench/bench_import.py [COUNTY_FOLDER] [--runs N]`
Times `store.importer.import_paths` (median of N runs, each into a new database file),
reading alone (parallel, as import does, and serial), and writes the `## Import`
section of docs/benchmarks.md. Never asserted in unit tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.doc import DOC, write_section  # noqa: E402
from store.db import init_db, make_engine  # noqa: E402
from store.importer import expand_sources, import_paths, read_sources  # noqa: E402

COMMAND = "uv run python bench/bench_import.py"
SECTION = "## Import"


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def timed(func: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return times, result


def workbooks(county: Path) -> list[Path]:
    """The county's school workbooks, as `afterschool import county/*.xlsx` passes them."""
    return sorted(p for p in county.glob("*.xlsx") if not p.name.startswith(("~$", ".")))


def import_once(paths: list[Path], folder: Path, run: list[int]):
    run[0] += 1
    engine = make_engine(f"sqlite:///{folder / f'run{run[0]}.db'}")
    init_db(engine)
    result = import_paths(engine, paths)
    engine.dispose()
    if not result.ok:
        raise SystemExit(f"import failed: {[p.render() for p in result.errors[:5]]}")
    return result


def measure(county: Path, runs: int) -> dict[str, object]:
    load = os.getloadavg()[0]
    sources, problems = expand_sources(workbooks(county))
    if not problems.ok or not sources:
        raise SystemExit(f"no school workbooks in {county}")
    parallel, _ = timed(lambda: read_sources(sources), runs)
    serial, _ = timed(lambda: read_sources(sources, workers=1), 1)
    with tempfile.TemporaryDirectory() as tmp:
        counter = [0]
        imports, result = timed(lambda: import_once(sources, Path(tmp), counter), runs)
        size = (Path(tmp) / "run1.db").stat().st_size
    versions = result.versions  # type: ignore[attr-defined]
    return {
        "files": len(sources),
        "schools": len(versions),
        "import": imports,
        "read_parallel": parallel,
        "read_serial": serial[0],
        "write": result.write_seconds,  # type: ignore[attr-defined]
        "db_mb": size / 2**20,
        "load": load,
    }


def section(county: Path, m: dict[str, object]) -> str:
    imports: list[float] = m["import"]  # type: ignore[assignment]
    reads: list[float] = m["read_parallel"]  # type: ignore[assignment]
    runs = len(imports)
    rel = county.resolve().relative_to(ROOT) if county.resolve().is_relative_to(ROOT) else county
    return "\n".join(
        [
            SECTION,
            "",
            f"`import_paths` on the {m['files']} school workbooks of `{rel}` (as "
            f"`afterschool import {rel}/*.xlsx`) into a fresh SQLite file, all or nothing "
            f"in one transaction; median of {runs} runs.",
            "",
            "| measure | seconds |",
            "|---|---|",
            f"| import, total (median) | {statistics.median(imports):.2f} |",
            f"| import, all runs | {', '.join(f'{t:.2f}' for t in imports)} |",
            f"| reading only, 2 worker processes (median) | {statistics.median(reads):.2f} |",
            f"| reading only, one process | {m['read_serial']:.2f} |",
            f"| writing (bulk insert + commit, last run) | {m['write']:.2f} |",
            "",
            f"Database after one import: {m['db_mb']:.1f} MiB. Target: under 10 s.",
            "",
            f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, Python "
            f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}; load average "
            f"{m['load']:.1f} when the run started (other work on the machine slows it).",
            "",
            f"Command: `{COMMAND}`",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("county", nargs="?", type=Path, default=ROOT / "data" / "sample_county")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    text = section(args.county, measure(args.county, args.runs))
    print(text)
    if not args.no_doc:
        write_section(text)
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()
