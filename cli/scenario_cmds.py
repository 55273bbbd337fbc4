"""`afterschool scenario run|compare`: the bureau's what-if scenarios.

    afterschool scenario run COUNTY_DIR scenario.toml --out DIR [--engine local|dask]
                             [--address tcp://HOST:PORT] [--workers N] [--lang zh|en]
                             [--evidence EVIDENCE]
    afterschool scenario compare RUN_A RUN_B ... [--out DIR] [--lang zh|en]

The scenario argument is a TOML file or the name of a shipped preset (`baseline`,
`high_school_extension`). Heavy modules are imported inside the commands so
`afterschool --help` stays fast. Exit codes: 0 fine (failed schools are listed, not fatal),
2 invalid input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from i18n import both, t

EXIT_INVALID = 2

app = typer.Typer(
    help="方案测算：运行与比较 / What-if scenarios: run and compare.",
    no_args_is_help=True,
    add_completion=False,
)


def _echo(key: str, lang: str, err: bool = False, **params: object) -> None:
    typer.echo(t(key, lang, **params), err=err)


@app.command(
    "run",
    help="按方案对全县排课、测算经费并输出报告 / Schedule and price a county "
    "under a scenario, write the report.",
)
def run(
    county: Annotated[
        Path, typer.Argument(help="全县学校工作簿文件夹 / county folder of school workbooks")
    ],
    scenario: Annotated[
        str,
        typer.Argument(
            help="方案 TOML 文件或预设名 (baseline, high_school_extension) / "
            "scenario file or preset"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹 / output folder")] = Path(
        "scenario-run"
    ),
    engine: Annotated[
        str,
        typer.Option("--engine", help="local（本机进程池）或 dask / local (process pool) or dask"),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Dask 调度器地址 tcp://HOST:PORT（不填则本机集群）/ Dask scheduler address",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="并行进程数 / parallel workers", min=1)
    ] = 2,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="课表缓存文件夹（默认 ~/.cache/afterschool/scenarios）/ schedule cache folder",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="不用缓存 / do not use the cache")
    ] = False,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            help="质量评价数据（工作簿或 CSV 文件夹；默认县文件夹中的 evidence/ 或 evidence.xlsx）"
            " / quality evidence workbook or CSV folder (default: the county folder's own)",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="报告语言 zh 或 en / report language")] = "zh",
    quiet: Annotated[
        bool, typer.Option("--quiet", help="不显示每校进度 / no per-school progress")
    ] = False,
) -> None:
    from scenarios.engine import ENGINES, Cache, Event, default_cache_dir
    from scenarios.levers import ScenarioError, load_scenario, resolve
    from scenarios.pipeline import InvalidEvidence, QualityEvidence, run_county, write_run
    from workbook.reader import find_school_sources

    try:
        sc = load_scenario(resolve(scenario))
    except ScenarioError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if engine not in ENGINES:
        typer.echo(both("scen.bad.choice", name="--engine", allowed=", ".join(ENGINES)), err=True)
        raise typer.Exit(EXIT_INVALID)
    if engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            typer.echo(both("scen.cli.dask_missing"), err=True)
            raise typer.Exit(EXIT_INVALID) from None
    if not county.exists():
        typer.echo(both("scen.cli.no_schools", path=county), err=True)
        raise typer.Exit(EXIT_INVALID)
    if evidence is not None and not evidence.exists():
        typer.echo(both("scen.cli.evidence_missing", path=evidence), err=True)
        raise typer.Exit(EXIT_INVALID)

    def report_quality(q: QualityEvidence) -> None:
        """The evidence's problems, and whether it is used; the folder's own evidence with
        errors is skipped (given evidence with errors stops the run: InvalidEvidence)."""
        for p in q.problems[:20]:
            typer.echo(p.render(), err=True)
        if q.errors and evidence is None:
            _echo("scen.cli.evidence_ignored", lang, err=True, source=q.source, errors=q.errors)
        elif q.evidence is not None:
            _echo("scen.cli.evidence_used", lang, source=q.source)

    def progress(e: Event) -> None:
        if not quiet:
            cached = t("scen.cli.cached", lang) if e.cached else ""
            _echo(
                "scen.cli.progress",
                lang,
                done=e.done,
                total=e.total,
                school=e.school_id,
                status=e.status,
                seconds=e.seconds,
                cached=cached,
            )

    _echo("scen.cli.reading", lang, path=county)
    store = None if no_cache else Cache(cache or default_cache_dir())
    _echo(
        "scen.cli.schools",
        lang,
        n=len(find_school_sources(county)),
        name=sc.name(lang),
        engine=engine,
        workers=workers,
    )
    try:
        result = run_county(
            county,
            sc,
            evidence=evidence,
            on_quality=report_quality,
            engine=engine,
            workers=workers,
            address=address,
            cache=store,
            progress=progress,
        )
    except InvalidEvidence as bad:
        q = bad.quality
        typer.echo(both("scen.cli.evidence_bad", source=q.source, errors=q.errors), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if not result.results and result.failures and all(f["step"] == "read" for f in result.failures):
        typer.echo(both("scen.cli.no_schools", path=county), err=True)
        raise typer.Exit(EXIT_INVALID)
    for f in result.failures:
        _echo(
            "scen.cli.failed_school",
            lang,
            err=True,
            school=f["school_id"],
            step=f["step"],
            reason=f["reason"],
        )
    s = result.stats
    _echo(
        "scen.cli.done",
        lang,
        solved=s.solved,
        cached=s.cached,
        failed=len(result.failures),
        seconds=s.seconds,
    )
    paths = write_run(result, out, lang)
    from scenarios.report import gap_note

    typer.echo(gap_note(result.aggregates.county, lang))
    for key in ("html", "xlsx", "schools", "unstaffed"):
        _echo("scen.cli.written", lang, path=paths[key])


@app.command("compare", help="并排比较多个方案运行结果 / Compare scenario runs side by side.")
def compare(
    runs: Annotated[
        list[Path], typer.Argument(help="方案运行结果文件夹 / run folders (scenario run --out)")
    ],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹 / output folder")] = Path(
        "scenario-compare"
    ),
    lang: Annotated[str, typer.Option("--lang", help="报告语言 zh 或 en / report language")] = "zh",
) -> None:
    from scenarios.pipeline import load_run
    from scenarios.report import compare_tables, write_compare_report

    for folder in runs:
        if not (folder / "summary.json").is_file():
            typer.echo(both("scen.cli.no_run", path=folder), err=True)
            raise typer.Exit(EXIT_INVALID)
    data = [load_run(folder) for folder in runs]
    table = next(iter(compare_tables(data, lang).values()))
    typer.echo(table.to_string(index=False))
    paths = write_compare_report(data, out, lang)
    for key in ("html", "xlsx"):
        _echo("scen.cli.written", lang, path=paths[key])


def register(root: typer.Typer) -> None:
    """Add `afterschool scenario ...`."""
    root.add_typer(
        app, name="scenario", help="方案测算（如果……会怎样）/ What-if scenarios for the bureau."
    )
