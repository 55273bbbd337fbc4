"""`afterschool validate` on every broken input of tests/corpus/broken: exit code 2 and the
problem reported at the sheet, row and column that expected.json states."""

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
