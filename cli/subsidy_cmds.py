"""`afterschool subsidies`: a term's subsidies for a school or the whole county.

Heavy modules are imported inside the command so `afterschool --help` stays fast.
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


def _schools(workbook: Path | None, db: str | None, school_id: str | None, county: bool):
    """Schools from a workbook / county folder, else from the database."""
    from store.db import init_db, make_engine, session_scope
    from workbook.reader import read_school

    if workbook is not None:
        xlsx = sorted(workbook.glob("*.xlsx")) if workbook.is_dir() else []
        paths = xlsx or [workbook]  # a county folder of workbooks, or one school
        schools, problems = {}, []
        for path in paths:
            result = read_school(path)
            problems += result.problems.errors
            if result.school is not None:
                schools[result.school.school_id] = result.school
        if problems:
            for p in problems:
                typer.echo(p.render(), err=True)
            raise typer.Exit(EXIT_INVALID)
    else:
        from store.schools import list_schools, load_school

        engine = make_engine(db)
        init_db(engine)
        with session_scope(engine) as session:
            ids = [s.school_id for s in list_schools(session)] if county else [school_id]
            schools = {sid: load_school(session, sid) for sid in ids if sid}
    if not county:
        if school_id not in schools:
            typer.echo(both("comp.cli.no_school", school=school_id), err=True)
            raise typer.Exit(EXIT_INVALID)
        schools = {school_id: schools[school_id]}
    return schools


def _schedules(folder: Path | None, schools, db: str | None, from_db: bool):
    """Weekly schedules: schedule CSV files named <school_id>.csv, or the stored ones."""
    from compensation.samplegen import read_schedule_csv

    out = {}
    if folder is not None:
        files = [folder] if folder.is_file() else sorted(folder.glob("*.csv"))
        for path in files:
            sid = path.stem if len(schools) > 1 or folder.is_dir() else next(iter(schools))
            if sid in schools:
                out[sid] = read_schedule_csv(path, sid)
        return out
    if from_db:
        from store.db import init_db, make_engine, session_scope
        from store.schedules import load_schedule

        engine = make_engine(db)
        init_db(engine)
        with session_scope(engine) as session:
            for sid in schools:
                try:
                    out[sid] = load_schedule(session, sid)[0]
                except LookupError:
                    continue
    return out


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
    from compensation.errors import CompensationError
    from compensation.evidence import Evidence, read_evidence
    from compensation.payroll import summary_text, write_all
    from compensation.policy import Policy, Term, load_policy_toml
    from compensation.run import run_county

    if not county and not school:
        typer.echo(both("comp.cli.scope"), err=True)
        raise typer.Exit(EXIT_INVALID)
    try:
        pol = load_policy_toml(policy) if policy else Policy()
        schools = _schools(workbook, db, school, county)
        ev = read_evidence(evidence, pol, schools) if evidence else Evidence()
        if ev.policy is not None and policy is None:
            pol = ev.policy
        if pol.term is None or pol.term.term_id != term:
            pol = pol.with_term(
                pol.term if pol.term and pol.term.term_id == term else Term.default(term)
            )
        for p in ev.problems.warnings[:20]:
            typer.echo(p.render(), err=True)
        if ev.problems.errors:
            for p in ev.problems.errors:
                typer.echo(p.render(), err=True)
            raise typer.Exit(EXIT_INVALID)
        plans = _schedules(schedules, schools, db, from_db=workbook is None)
        computed = schemes.run_schemes(scheme)

        def progress(done: int, total: int, sid: str) -> None:
            typer.echo(f"[{done}/{total}] {sid}", err=True)

        result = run_county(
            schools,
            pol,
            ev,
            plans,
            computed,
            pooled=pooled or schemes.county_pool(computed),
            scope="county" if county else next(iter(schools)),
            progress=progress if county else None,
        )
    except CompensationError as exc:
        typer.echo(exc.render(), err=True)
        code = EXIT_INFEASIBLE if exc.key.startswith(INFEASIBLE_KEYS) else EXIT_INVALID
        raise typer.Exit(code) from exc
    files = write_all(result, out, lang)
    if save:
        from store.db import init_db, make_engine, session_scope
        from store.subsidy_runs import save_run

        engine = make_engine(db)
        init_db(engine)
        with session_scope(engine) as session:
            run = save_run(session, result)
            typer.echo(both("comp.cli.saved", run=run.id, hash=result.inputs_hash[:12]))
    typer.echo(summary_text(result, lang))
    for f in files:
        typer.echo(str(f))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `afterschool` command."""
    app.command("subsidies", help="计算课后服务补助 / Compute after-school subsidies")(subsidies)
