"""Atomic import of school workbooks, and export of a stored school back to a workbook.

Import is all or nothing: every source is read and validated first; if any has an
error, or two sources carry one school id, nothing is written. Otherwise every school
is written in one transaction. Reading dominates the cost, so many files are read in
worker processes; writing is a few bulk statements.

An import appends a new version of each school (the operator's bulk door). With
`expect_version=N` (one school only: `afterschool import --expect-version N`) it is
checked like an edit in the app: refused with `StaleVersion`, nothing written, unless
the school's latest version is still N (0: the school must be new).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.problems import Problem, Problems
from store.db import session_scope
from store.models import SchoolVersion
from store.rights import Actor
from store.schools import load_school, save_schools
from workbook.reader import ReadResult, find_school_sources, read_school
from workbook.writer import write_xlsx

# Below this many files a process pool costs more to start than it saves.
PARALLEL_MIN_FILES = 6
Progress = Callable[[int, int, ReadResult], None]


@dataclass
class ImportResult:
    """What one import did: every read result, and the versions written (none if failed)."""

    results: list[ReadResult] = field(default_factory=list)
    versions: list[SchoolVersion] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    read_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for items in self.problems.values() for p in items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for items in self.problems.values() for p in items if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def expand_sources(paths: Sequence[Path]) -> tuple[list[Path], Problems]:
    """Every school source under `paths`, each once, plus problems for missing or empty paths."""
    problems = Problems()
    seen: set[Path] = set()
    sources: list[Path] = []
    for path in paths:
        if not path.exists():
            problems.error("store.path_missing", file=str(path))
            continue
        found = find_school_sources(path)
        if not found:
            problems.error("store.no_sources", file=str(path))
        for source in found:
            key = source.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(source)
    return sources, problems


def _read_safely(source: Path) -> ReadResult:
    """read_school, turning an unexpected crash into an error for that file."""
    try:
        result = read_school(source)
    except Exception as exc:  # one broken file must not hide the others' problems
        problems = Problems()
        problems.error("store.read_failed", file=str(source), detail=f"{type(exc).__name__}: {exc}")
        return ReadResult(school=None, problems=problems, source=str(source))
    if result.school is None and result.problems.ok:  # never import "nothing" silently
        result.problems.error("store.no_school", file=result.source)
    return result


def read_sources(
    sources: Sequence[Path], progress: Progress | None = None, workers: int | None = None
) -> list[ReadResult]:
    """Read every source, in worker processes when there are many; results in input order."""
    total = len(sources)
    workers = workers or min(2, os.cpu_count() or 1)
    if workers < 2 or total < PARALLEL_MIN_FILES:
        results = []
        for done, source in enumerate(sources, start=1):
            results.append(_read_safely(source))
            if progress:
                progress(done, total, results[-1])
        return results
    by_index: dict[int, ReadResult] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_read_safely, s): i for i, s in enumerate(sources)}
        for done, future in enumerate(as_completed(futures), start=1):
            by_index[futures[future]] = future.result()
            if progress:
                progress(done, total, by_index[futures[future]])
    return [by_index[i] for i in range(total)]


def _duplicates(results: Sequence[ReadResult]) -> Problems:
    """An error for every source whose school id an earlier source already carries."""
    problems = Problems()
    first: dict[str, str] = {}
    for result in results:
        if result.school is None:
            continue
        school_id = result.school.school_id
        if school_id in first:
            problems.error(
                "store.duplicate_school",
                file=result.source,
                school_id=school_id,
                other=first[school_id],
            )
        else:
            first[school_id] = result.source
    return problems


def _problems_by_source(results: Sequence[ReadResult], extra: Problems) -> dict[str, list[Problem]]:
    by_source: dict[str, list[Problem]] = {r.source: list(r.problems.items) for r in results}
    for p in extra.items:
        by_source.setdefault(p.file or "", []).append(p)
    return {k: v for k, v in by_source.items() if v}


def _expected(
    results: Sequence[ReadResult], expect_version: int | None, paths: Sequence[Path]
) -> tuple[dict[str, int] | None, Problems]:
    """`expect_version` as the save's {school id: version}; an error unless one source."""
    problems = Problems()
    if expect_version is None:
        return None, problems
    if len(results) != 1:
        where = str(paths[0]) if len(paths) == 1 else ""
        problems.error("store.expect_one_school", file=where, schools=len(results))
        return None, problems
    school = results[0].school  # None: its read failed, which is an error already
    return ({school.school_id: expect_version} if school else None), problems


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    progress: Progress | None = None,
    workers: int | None = None,
    actor: Actor | None = None,
    expect_version: int | None = None,
) -> ImportResult:
    """Read every school under `paths`; write all of them in one transaction, or nothing.

    The write runs for `actor` (None: the local operator, see store.rights): a school the
    actor may not write raises Forbidden and nothing is written. With `expect_version`
    the paths must hold exactly one school, whose latest stored version must be that
    number (0: not stored yet); otherwise `StaleVersion` is raised and nothing is written.
    """
    started = time.perf_counter()
    sources, extra = expand_sources([Path(p) for p in paths])
    results = read_sources(sources, progress, workers)
    extra.extend(_duplicates(results))
    expected, wrong = _expected(results, expect_version, paths)
    extra.extend(wrong)
    outcome = ImportResult(results=results, problems=_problems_by_source(results, extra))
    outcome.read_seconds = time.perf_counter() - started
    if not outcome.ok:
        return outcome
    started = time.perf_counter()
    with session_scope(engine, actor=actor) as session:
        items = [(r.school, r.source) for r in results if r.school is not None]
        outcome.versions = save_schools(session, items, expected)
    outcome.write_seconds = time.perf_counter() - started
    return outcome


def export_school(
    session: Session, school_id: str, path: Path, version: int | None = None, lang: str = "en"
) -> Path:
    """Write a stored school (latest version by default) as a contract workbook."""
    school = load_school(session, school_id, version)
    return write_xlsx(school, Path(path), lang=lang)
