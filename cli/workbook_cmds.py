"""`afterschool validate` and `afterschool template`: the workbook door on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from i18n import both
from workbook.reader import read_county
from workbook.template import write_template

EXIT_INVALID = 2


def validate(
    path: Annotated[Path, typer.Argument(help=both("wb.cli.validate.path"))],
) -> None:
    results = read_county(path)
    errors = warnings = 0
    for result in results:
        for problem in result.problems.items:
            typer.echo(problem.render())
        errors += len(result.problems.errors)
        warnings += len(result.problems.warnings)
        if result.problems.ok:
            typer.echo(both("wb.cli.school_ok", source=result.source))
    typer.echo(both("wb.cli.summary", schools=len(results), errors=errors, warnings=warnings))
    if errors:
        raise typer.Exit(EXIT_INVALID)


def _evidence_template(path: Path, lang: str) -> Path:
    from compensation.evidence import write_evidence_template  # only when asked for

    return write_evidence_template(path, lang=lang)


# Template kinds: the school workbook, and the subsidy inputs (delivery log, ratings, policy).
TEMPLATE_KINDS = {"school": write_template, "evidence": _evidence_template}


def template(
    out: Annotated[Path, typer.Argument(help=both("wb.cli.template.out"))],
    lang: Annotated[str, typer.Option("--lang", help=both("wb.cli.template.lang"))] = "zh",
    kind: Annotated[str, typer.Option("--kind", help=both("wb.cli.template.kind"))] = "school",
) -> None:
    if lang not in ("zh", "en"):
        typer.echo(both("wb.cli.bad_lang"), err=True)
        raise typer.Exit(EXIT_INVALID)
    if kind not in TEMPLATE_KINDS:
        typer.echo(both("wb.cli.bad_kind", kinds=", ".join(TEMPLATE_KINDS)), err=True)
        raise typer.Exit(EXIT_INVALID)
    TEMPLATE_KINDS[kind](out, lang=lang)
    typer.echo(both("wb.cli.template.done", path=out))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("validate", help=both("wb.cli.validate"))(validate)
    app.command("template", help=both("wb.cli.template"))(template)
