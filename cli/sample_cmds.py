"""`afterschool sample OUTDIR --seed N`: write the deterministic sample county."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from domain.school import School
from i18n import both, t
from samplegen import DEFAULT_SEED

OUTDIR_HELP = f"{t('sample.outdir', 'zh')} / {t('sample.outdir', 'en')}"
SEED_HELP = f"{t('sample.seed', 'zh')} / {t('sample.seed', 'en')}"


def sample(
    outdir: Annotated[Path, typer.Argument(help=OUTDIR_HELP)],
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP)] = DEFAULT_SEED,
) -> None:
    """生成示例县数据 / Generate the sample county."""
    typer.echo(both("sample.generating", seed=seed))
    written: list[tuple[School, Path]] = []

    # Imported here: the generator brings the allocation model (CP-SAT and pandas), which
    # the other commands do not need to start.
    from samplegen.county import summary_row, write_county

    def progress(school: School, path: Path) -> None:
        written.append((school, path))
        typer.echo(f"  {path.name}  {school.info.name}")

    paths = write_county(outdir, seed, progress=progress)
    typer.echo(both("sample.wrote", path=paths[-1]))
    rows = [summary_row(s, p.name) for s, p in written]
    typer.echo(
        both(
            "sample.summary",
            schools=len(rows),
            towns=len({r["town"] for r in rows}),
            students=sum(int(r["students"]) for r in rows),
            basic=sum(int(r["basic_students"]) for r in rows),
            teachers=sum(int(r["teachers"]) for r in rows),
            classes=sum(int(r["classes"]) for r in rows),
            clubs=sum(int(r["clubs"]) for r in rows),
            self_study=sum(int(r["self_study"]) for r in rows),
        )
    )
    kinds = Counter((str(r["stage"]), str(r["location"])) for r in rows)
    for (stage, location), count in sorted(kinds.items()):
        typer.echo("  " + both("sample.by_type", stage=stage, location=location, count=count))
    size = sum(p.stat().st_size for p in paths)
    typer.echo(both("sample.size", files=len(paths), mb=size / 1e6))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("sample", help=f"{t('sample.help', 'zh')} / {t('sample.help', 'en')}")(sample)
