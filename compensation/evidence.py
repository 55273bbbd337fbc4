"""Evidence sheets (delivery log, ratings, facts, conflicts, policy): specs, reading, templates.

These sheets are additions of the product (the data contract allows optional sheets);
they are documented in docs/compensation.md. Reading goes through the one validated door
(`workbook.reader.read_tables`), so headers match by English key or Chinese alias, title
rows are skipped, and every problem names file, sheet, row and column. The checks here
add what a cell parser cannot know: score ranges per scale, configured sources, rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from compensation.policy import (
    MEASURE_LABELS,
    SOURCE_LABELS,
    Policy,
    _source_key,
    policy_from_rows,
    policy_rows,
)
from domain.problems import Problems
from domain.school import School
from workbook.spec import BOOL, DATE, ENUM, ID, INT, NUMBER, TEXT, TIME, Column, Sheet

STATUS_LABELS = {
    "delivered": ("已上课", "正常", "上课", "已完成"),
    "cancelled": ("取消", "停课", "未上课"),
    "substituted": ("代课", "替课"),
}

DELIVERY_LOG = Sheet(
    "delivery_log",
    "授课记录",
    (
        Column("school_id", "学校编号", ID),
        Column("date", "日期", DATE, required=True),
        Column("slot_id", "时段编号", ID),
        Column("activity_id", "活动编号", ID, required=True),
        Column("teacher_id", "教师编号", ID, required=True),
        Column("status", "状态", ENUM, default="delivered", enum=STATUS_LABELS),
        Column("students_present", "实到人数", INT),
        Column("enrolled", "应到人数", INT),
        Column("start", "开始时间", TIME),
        Column("end", "结束时间", TIME),
        Column("replaces", "被代课教师", ID, more_aliases=("原教师",)),
    ),
)
RATINGS = Sheet(
    "ratings",
    "评价",
    (
        Column("school_id", "学校编号", ID),
        Column("teacher_id", "教师编号", ID, required=True, more_aliases=("被评教师",)),
        Column("source", "评价来源", TEXT, required=True, more_aliases=("来源",)),
        Column("rater_id", "评价人编号", ID, required=True, more_aliases=("评价人",)),
        Column("score", "分数", NUMBER, required=True, more_aliases=("评分",)),
        Column("scale", "满分", NUMBER),
        Column("date", "日期", DATE, required=True),
        Column("activity_id", "活动编号", ID),
        Column("conflict", "利益冲突", BOOL, default=False),
    ),
)
FACTS = Sheet(
    "facts",
    "事实指标",
    (
        Column("school_id", "学校编号", ID),
        Column("teacher_id", "教师编号", ID, required=True),
        Column("measure", "指标", ENUM, required=True, enum=MEASURE_LABELS),
        Column("value", "数值", NUMBER, required=True),
        Column("date", "日期", DATE),
        Column("activity_id", "活动编号", ID),
    ),
)
CONFLICTS = Sheet(
    "conflicts",
    "利益冲突申报",
    (
        Column("school_id", "学校编号", ID),
        Column("rater_id", "评价人编号", ID, required=True),
        Column("teacher_id", "教师编号", ID, required=True),
        Column("note", "说明", TEXT),
    ),
)
POLICY = Sheet(
    "policy",
    "补助政策",
    (
        Column("key", "参数", TEXT, required=True),
        Column("value", "取值", TEXT),
        Column("note", "说明", TEXT, more_aliases=("来源",)),
    ),
)
EVIDENCE_SHEETS = (DELIVERY_LOG, RATINGS, FACTS, CONFLICTS, POLICY)


@dataclass
class Evidence:
    """Evidence of one school or a county, as DataFrames, plus every problem found."""

    log: pd.DataFrame | None = None
    ratings: pd.DataFrame | None = None
    facts: pd.DataFrame | None = None
    conflicts: pd.DataFrame | None = None
    policy: Policy | None = None
    problems: Problems = field(default_factory=Problems)

    def for_school(self, school_id: str) -> Evidence:
        def pick(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            if frame is None:
                return None
            return frame[frame["school_id"] == school_id].reset_index(drop=True)

        conflicts = self.conflicts
        if conflicts is not None:
            conflicts = conflicts[
                conflicts["school_id"].isna() | (conflicts["school_id"] == school_id)
            ]
        return Evidence(
            pick(self.log),
            pick(self.ratings),
            pick(self.facts),
            conflicts,
            self.policy,
            self.problems,
        )


def _frame(rows, columns: list[str], default_school: str | None) -> pd.DataFrame:
    data = [{**r.values, "_row": r.row, "_sheet": r.sheet} for r in rows]
    frame = pd.DataFrame(data, columns=[*columns, "_row", "_sheet"])
    if "school_id" in frame and default_school is not None:
        frame["school_id"] = frame["school_id"].fillna(default_school)
    return frame


def _where(frame: pd.DataFrame, i: int, column: str, file: str, headers: dict[str, str]):
    return {
        "file": file,
        "sheet": frame.at[i, "_sheet"],
        "row": int(frame.at[i, "_row"]),
        "column": headers.get(column, column),
    }


def check_ratings(
    frame: pd.DataFrame, policy: Policy, problems: Problems, file: str, headers: dict[str, str]
) -> pd.DataFrame:
    """Map sources to their keys; scores within their scale; unknown sources are errors."""
    configured = policy.rating_sources
    raw = frame["source"]
    mapping = {v: _source_key(v) for v in raw.dropna().unique() if isinstance(v, str)}
    frame["source"] = raw.map(mapping)
    unknown = raw.notna() & ~frame["source"].isin(configured)
    for i in frame.index[unknown]:
        problems.error(
            "comp.ratings.source",
            **_where(frame, i, "source", file, headers),
            value=raw[i],
            choices=", ".join(configured),
        )
    score = pd.to_numeric(frame["score"], errors="coerce")
    scale = pd.to_numeric(frame["scale"], errors="coerce")
    bad_scale = scale.notna() & ~scale.isin([5.0, 100.0])
    for i in frame.index[bad_scale]:
        problems.error(
            "comp.ratings.scale", **_where(frame, i, "scale", file, headers), value=scale[i]
        )
    five = (scale == 5.0) | (scale.isna() & (score <= 5))
    out_of_range = (
        score.notna()
        & ~bad_scale
        & ((five & ((score < 1) | (score > 5))) | (~five & ((score < 0) | (score > 100))))
    )
    for i in frame.index[out_of_range]:
        f = bool(five[i])
        problems.error(
            "comp.ratings.range",
            **_where(frame, i, "score", file, headers),
            value=score[i],
            low=1 if f else 0,
            high=5 if f else 100,
        )
    bad_rows = frame["teacher_id"].isna() | frame["rater_id"].isna() | frame["date"].isna()
    ok = ~(unknown | bad_scale | out_of_range | score.isna() | raw.isna() | bad_rows)
    return frame[ok]


def check_facts(
    frame: pd.DataFrame, problems: Problems, file: str, headers: dict[str, str]
) -> pd.DataFrame:
    value = pd.to_numeric(frame["value"], errors="coerce")
    too_big = value > 100
    for i in frame.index[too_big]:
        problems.error(
            "comp.facts.range", **_where(frame, i, "value", file, headers), value=value[i]
        )
    ok = value.notna() & frame["measure"].notna() & frame["teacher_id"].notna() & ~too_big
    return frame[ok]


def check_school_ids(
    frames: dict[str, pd.DataFrame],
    schools: dict[str, School] | None,
    problems: Problems,
    file: str,
    headers: dict[str, dict[str, str]],
) -> None:
    """Rows without a school (county evidence) are errors; unknown teachers are warnings."""
    known = {(sid, t.teacher_id) for sid, s in (schools or {}).items() for t in s.teachers}
    for key, frame in frames.items():
        if frame is None or "school_id" not in frame:
            continue
        for i in frame.index[frame["school_id"].isna()]:
            problems.error(
                "comp.evidence.no_school", **_where(frame, i, "school_id", file, headers[key])
            )
        if not schools:
            continue
        has = frame["school_id"].notna()
        school_ok = frame["school_id"].isin(list(schools))
        pair_ok = np.array(
            [(a, b) in known for a, b in zip(frame["school_id"], frame["teacher_id"], strict=True)],
            dtype=bool,
        )
        # One note per sheet, not one per row: a county file used for one school is normal,
        # and its other schools' rows are simply out of scope.
        others = frame[has & ~school_ok]
        if len(others):
            ids = sorted(others["school_id"].astype(str).unique())
            shown = "、".join(ids[:5]) + ("…" if len(ids) > 5 else "")
            problems.warning(
                "comp.evidence.unknown_school",
                **_where(frame, others.index[0], "school_id", file, headers[key]),
                value=shown,
                count=len(others),
                schools=len(ids),
            )
        for i in frame.index[has & school_ok & ~pair_ok]:
            problems.warning(
                "comp.evidence.unknown_teacher",
                **_where(frame, i, "teacher_id", file, headers[key]),
                value=frame.at[i, "teacher_id"],
            )


def read_evidence(
    source: Path | str,
    policy: Policy | None = None,
    schools: dict[str, School] | None = None,
) -> Evidence:
    """Read an evidence workbook (or CSV folder); `schools` fills a single school's id.

    A `policy` sheet, when present, gives the policy (otherwise `policy` is used).
    """
    from workbook.reader import read_tables

    file = str(source)
    result = read_tables(source, EVIDENCE_SHEETS)
    problems = result.problems
    for p in list(problems.items):  # every evidence sheet is optional
        if p.code == "wb.sheet.missing":
            problems.items.remove(p)
    tables = result.tables
    headers = {k: (tables[k][0].headers if tables[k] else {}) for k in tables}
    ev = Evidence(problems=problems)
    if tables["policy"]:
        rows = [
            (r.values["key"], r.values["value"], r.row)
            for r in tables["policy"]
            if r.values.get("key")
        ]
        from compensation.errors import CompensationError

        try:
            ev.policy = policy_from_rows(rows, sheet=tables["policy"][0].sheet, file=file)
        except CompensationError as exc:
            problems.extend(exc.problems)
    policy = ev.policy or policy or Policy()
    only = next(iter(schools)) if schools and len(schools) == 1 else None
    if tables["delivery_log"]:
        ev.log = _frame(tables["delivery_log"], [c.key for c in DELIVERY_LOG.columns], only)
        ev.log = ev.log[ev.log["status"].notna() & ev.log["date"].notna()]
    if tables["ratings"]:
        frame = _frame(tables["ratings"], [c.key for c in RATINGS.columns], only)
        ev.ratings = check_ratings(frame, policy, problems, file, headers["ratings"])
        ev.ratings = _typed_ratings(ev.ratings)
    if tables["facts"]:
        frame = _frame(tables["facts"], [c.key for c in FACTS.columns], only)
        ev.facts = check_facts(frame, problems, file, headers["facts"])
        ev.facts["date"] = pd.to_datetime(ev.facts["date"])
    if tables["conflicts"]:
        ev.conflicts = _frame(tables["conflicts"], [c.key for c in CONFLICTS.columns], None)
    check_school_ids(
        {"delivery_log": ev.log, "ratings": ev.ratings, "facts": ev.facts},
        schools,
        problems,
        file,
        headers,
    )
    if schools:  # rows of schools outside this run were reported above and take no part
        ev.log, ev.ratings, ev.facts = (
            _of_schools(f, schools) for f in (ev.log, ev.ratings, ev.facts)
        )
    return ev


def _of_schools(frame: pd.DataFrame | None, schools: dict[str, School]) -> pd.DataFrame | None:
    if frame is None or "school_id" not in frame:
        return frame
    return frame[frame["school_id"].isna() | frame["school_id"].isin(list(schools))]


def _typed_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["score"] = frame["score"].astype(float)
    frame["scale"] = pd.to_numeric(frame["scale"], errors="coerce").astype(float)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["conflict"] = frame["conflict"].fillna(False).astype(bool)
    return frame


def evidence_template_bytes(lang: str = "zh") -> bytes:
    """The bytes of the template `write_evidence_template` writes (for a download)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_evidence_template(Path(folder) / "evidence.xlsx", lang).read_bytes()


def write_evidence_template(path: Path | str, lang: str = "zh") -> Path:
    """An .xlsx template: delivery log, ratings, facts, conflicts and the policy sheet.

    The policy sheet lists every key with its default and its source, ready to edit.
    """
    from workbook.template import write_template

    day = dt.date(2025, 9, 8)
    examples = {
        "delivery_log": [
            {
                "school_id": "S001",
                "date": day,
                "slot_id": "MON1",
                "activity_id": "basic:1-1",
                "teacher_id": "T001",
                "status": "delivered",
                "students_present": 38,
            },
            {
                "school_id": "S001",
                "date": day,
                "slot_id": "MON2",
                "activity_id": "A01",
                "teacher_id": "T002",
                "status": "substituted",
                "replaces": "T003",
            },
        ],
        "ratings": [
            {
                "school_id": "S001",
                "teacher_id": "T001",
                "source": _label("parent", lang),
                "rater_id": "P0101",
                "score": 4.5,
                "scale": 5,
                "date": day,
            },
            {
                "school_id": "S001",
                "teacher_id": "T001",
                "source": _label("leader", lang),
                "rater_id": "L01",
                "score": 88,
                "scale": 100,
                "date": day,
            },
        ],
        "facts": [
            {
                "school_id": "S001",
                "teacher_id": "T001",
                "measure": "homework",
                "value": 0.92,
                "date": day,
            },
        ],
        "conflicts": [
            {
                "school_id": "S001",
                "rater_id": "T002",
                "teacher_id": "T001",
                "note": "夫妻" if lang == "zh" else "spouse",
            }
        ],
        "policy": [{"key": k, "value": v, "note": n} for k, v, n in policy_rows(Policy())],
    }
    return write_template(path, lang=lang, sheets=EVIDENCE_SHEETS, examples=examples)


def _label(source: str, lang: str) -> str:
    return SOURCE_LABELS[source][0] if lang == "zh" else source
