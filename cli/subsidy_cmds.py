"""`afterschool subsidies`: a term's subsidies for a school or the whole county.

The workflow is compensation.service's (the app's Subsidies page calls the same
functions); heavy modules are imported inside the command so `afterschool --help` stays
fast.
Exit codes: 0 fine, 2 invalid input, 3 infeasible (budget cannot meet floors / caps / rules).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from compensation import schemes
from i18n import both

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
INFEASIBLE_KEYS = ("comp.budget.", "comp.lp.")


def subsidies(
    term: Annotated[str, typer.Option("--term", help="学期，如 2025-autumn / term id")],
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="补助政策 TOML 文件 / policy TOML file (defaults documented)"
        ),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            help="评价与授课记录 (xlsx 或 CSV 文件夹) / ratings, logs (xlsx or CSV folder)",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹 / output folder")] = Path("out"),
    school: Annotated[str | None, typer.Option("--school", help="学校编号 / school id")] = None,
    county: Annotated[bool, typer.Option("--county", help="全县所有学校 / every school")] = False,
    workbook: Annotated[
        Path | None,
        typer.Option(
            "--workbook",
            help="学校工作簿或全县文件夹（不填则读数据库）/ school workbook or county "
            "folder (default: the database)",
        ),
    ] = None,
    schedules: Annotated[
        Path | None,
        typer.Option(
            "--schedules",
            help="课表 CSV（文件或按学校编号命名的文件夹）/ schedule CSV file or folder",
        ),
    ] = None,
    scheme: Annotated[str, typer.Option("--scheme", help=schemes.scheme_help())] = schemes.DEFAULT,
    pooled: Annotated[
        bool, typer.Option("--pooled", help="全县统一预算 / one county budget")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="zh / en")] = "zh",
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / database URL")] = None,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="保存本次计算 / store the run")
    ] = True,
) -> None:
    """计算学期课后服务补助 / Compute a term's after-school subsidies."""
    from compensation import service
    from compensation.errors import CompensationError
    from compensation.payroll import summary_text, write_all

    def warn(problems) -> None:
        for p in problems[:20]:
            typer.echo(p.render(), err=True)

    def progress(done: int, total: int, sid: str) -> None:
        typer.echo(f"[{done}/{total}] {sid}", err=True)

    try:
        inputs = service.read_inputs(
            term,
            school_id=school,
            county=county,
            policy_file=policy,
            evidence_path=evidence,
            workbook=workbook,
            schedules=schedules,
            db=db,
            on_warnings=warn,
        )
        outcome = service.pay(
            inputs,
            scheme=scheme,
            pooled=pooled,
            progress=progress,
            store=service.database_store(db) if save else None,
        )
    except service.InvalidInput as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except CompensationError as exc:
        typer.echo(exc.render(), err=True)
        code = EXIT_INFEASIBLE if exc.key.startswith(INFEASIBLE_KEYS) else EXIT_INVALID
        raise typer.Exit(code) from exc
    files = write_all(outcome.result, out, lang)
    if outcome.run_id is not None:
        typer.echo(both("comp.cli.saved", run=outcome.run_id, hash=outcome.result.inputs_hash[:12]))
    typer.echo(summary_text(outcome.result, lang))
    for f in files:
        typer.echo(str(f))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("subsidies", help="计算课后服务补助 / Compute after-school subsidies")(subsidies)
