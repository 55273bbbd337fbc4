"""`afterschool template --kind`: the school workbook and the subsidy evidence."""

from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app


def test_evidence_template_has_the_subsidy_sheets(tmp_path) -> None:
    out = tmp_path / "evidence.xlsx"
    result = CliRunner().invoke(app, ["template", str(out), "--kind", "evidence", "--lang", "en"])
    assert result.exit_code == 0, result.output
    names = load_workbook(out).sheetnames
    assert {"delivery_log", "ratings", "policy"} <= set(names)


def test_unknown_kind_is_refused(tmp_path) -> None:
    result = CliRunner().invoke(app, ["template", str(tmp_path / "x.xlsx"), "--kind", "nope"])
    assert result.exit_code == 2
    assert "school" in result.output and "evidence" in result.output
