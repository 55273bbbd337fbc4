"""Every sample school admits a schedule, and the independent checker passes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.check import check, rows_of
from scheduler.solve import SolveOptions, solve
from workbook.reader import find_school_sources, read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"
SOURCES = find_school_sources(COUNTY)


def test_the_county_is_all_there() -> None:
    assert len(SOURCES) >= 110


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_sample_school_gets_a_valid_schedule(source: Path) -> None:
    school = read_school(source).school
    assert school is not None
    result = solve(school, SolveOptions(time_limit=60, workers=2, first_solution=True))
    assert result.report.status in ("optimal", "feasible"), result.report
    assert check(school, rows_of(result.schedule)) == []


def test_validate_passes_on_the_whole_sample_county() -> None:
    """`afterschool validate data/sample_county` exits 0 (no errors) on every workbook."""
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["validate", str(COUNTY)])
    assert result.exit_code == 0, result.output
    assert f"{len(SOURCES)} school(s), 0 error(s)" in result.output
