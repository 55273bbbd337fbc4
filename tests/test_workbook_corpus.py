"""`afterschool validate` on every broken input of tests/corpus/broken: exit code 2 and the
problem reported at the sheet, row and column that expected.json states. Inputs of
tests/corpus/impossible are well formed but unsatisfiable: `validate` warns at the cell
(exit 0) and `afterschool schedule` exits 3 with the reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from workbook.reader import read_school

BROKEN = Path(__file__).parent / "corpus" / "broken"
EXPECTED: dict[str, dict] = json.loads((BROKEN / "expected.json").read_text("utf-8"))
IMPOSSIBLE = Path(__file__).parent / "corpus" / "impossible"
UNSATISFIABLE: dict[str, dict] = json.loads((IMPOSSIBLE / "expected.json").read_text("utf-8"))
runner = CliRunner()


def test_corpus_is_complete() -> None:
    """Every committed input has an expectation and vice versa; the brief's minimum holds."""
    on_disk = {p.name for p in BROKEN.iterdir() if p.name != "expected.json"}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 24
    kinds = {e["code"] for e in EXPECTED.values()}
    for code in ("wb.file.empty_file", "wb.file.not_xlsx", "wb.file.no_data", "wb.file.encoding"):
        assert code in kinds


def _located(line: str, where: dict) -> bool:
    """Does one output line name the expected sheet, row and column?"""
    if where["sheet"] and where["sheet"] not in line:
        return False
    if where["row"] is not None and not re.search(rf"row {where['row']}(?!\d)", line):
        return False
    return not (where["column"] and f"column {where['column']}" not in line)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_the_cell(name: str) -> None:
    where = EXPECTED[name]
    result = runner.invoke(app, ["validate", str(BROKEN / name)])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("错误/error")]
    assert any(name in line and _located(line, where) for line in errors), result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reader_reports_the_code(name: str) -> None:
    """The same expectation through the API: the problem's own fields and code."""
    where = EXPECTED[name]
    result = read_school(BROKEN / name)
    assert result.school is None
    matching = [p for p in result.problems.errors if p.code == where["code"]]
    assert matching, [p.render() for p in result.problems.items]
    p = matching[0]
    if where["row"] is not None:
        assert p.row == where["row"]
    if where["column"] is not None:
        assert p.column == where["column"]
    if where["sheet"] is not None:
        assert where["sheet"] == p.sheet or where["sheet"] in p.zh
    assert p.zh and p.en and p.zh != p.en


def test_broken_county_validates_every_school(tmp_path: Path) -> None:
    """A county folder of broken schools: each one reported, exit code 2."""
    for name in ("bad_day.xlsx", "bad_enum.xlsx", "zero_bytes.xlsx"):
        (tmp_path / name).write_bytes((BROKEN / name).read_bytes())
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    for name in ("bad_day.xlsx", "bad_enum.xlsx", "zero_bytes.xlsx"):
        assert name in result.output
    assert "3 school(s)" in result.output


# ---------------------------------------------------------------- well formed, impossible


def test_impossible_corpus_is_complete() -> None:
    on_disk = {p.name for p in IMPOSSIBLE.iterdir() if p.name != "expected.json"}
    assert on_disk == set(UNSATISFIABLE)
    assert {e["reason"] for e in UNSATISFIABLE.values()} >= {
        "too_few_days",
        "lock_slot",
        "lock_teacher",
    }
    assert not set(UNSATISFIABLE) & set(EXPECTED)


@pytest.mark.parametrize("name", sorted(UNSATISFIABLE))
def test_impossible_data_is_a_located_warning(name: str) -> None:
    where = UNSATISFIABLE[name]
    result = runner.invoke(app, ["validate", str(IMPOSSIBLE / name)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("警告/warning")]
    assert any(name in line and _located(line, where) for line in warnings), result.output
    read = read_school(IMPOSSIBLE / name)
    assert read.school is not None and read.problems.errors == []
    [p] = [p for p in read.problems.warnings if p.code == where["code"]]
    assert (p.sheet, p.row, p.column) == (where["sheet"], where["row"], where["column"])
    assert p.zh and p.en and p.zh != p.en


@pytest.mark.parametrize("name", sorted(UNSATISFIABLE))
def test_impossible_data_is_exit_3_with_the_reason(name: str, tmp_path: Path) -> None:
    """The scheduler, not the validator, rejects it: exit 3 and a plain reason."""
    from scheduler.explain import explain

    where = UNSATISFIABLE[name]
    args = ["schedule", str(IMPOSSIBLE / name), "--out", str(tmp_path / "out")]
    result = runner.invoke(app, [*args, "--no-store", "--time-limit", "10", "--workers", "1"])
    assert result.exit_code == 3, result.output
    school = read_school(IMPOSSIBLE / name).school
    reasons = explain(school, time_limit=10)
    # A lock read from a workbook is named by its sheet row: the reason's "_row" variant.
    assert where["reason"] in {r.code.removesuffix("_row") for r in reasons}
    for reason in reasons:
        assert reason.message("en") in result.output


def test_impossible_cases_start_from_a_school_that_schedules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So each case's exit 3 comes from its one edit."""
    from workbook.writer import write_xlsx

    monkeypatch.syspath_prepend(str(IMPOSSIBLE.parent))
    from make_broken import feasible_school

    path = write_xlsx(feasible_school(), tmp_path / "ok.xlsx")
    args = ["schedule", str(path), "--out", str(tmp_path / "out"), "--no-store"]
    result = runner.invoke(app, [*args, "--time-limit", "10", "--workers", "1"])
    assert result.exit_code == 0, result.output
