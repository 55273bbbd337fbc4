"""The sample county: deterministic, realistic in shape, and schedulable school by school."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from domain.school import School
from samplegen import names
from samplegen.checks import necessary_conditions
from samplegen.county import (
    DEFAULT_SEED,
    TARGET_BASIC,
    generate_county,
    summary_row,
    town_of,
    workbook_style,
    write_county,
)
from samplegen.witness import find_witness, load_ratio
from scheduler.check import check, rows_of

DATA = Path(__file__).resolve().parents[1] / "data" / "sample_county"
CLUB_CATEGORIES = {"arts", "sports", "science", "labour", "social_practice", "academic"}


@pytest.fixture(scope="module")
def county() -> list[School]:
    return generate_county(DEFAULT_SEED)


def compulsory(schools: list[School]) -> list[School]:
    return [s for s in schools if s.info.stage != "high"]


def test_same_seed_same_county(county: list[School]) -> None:
    assert generate_county(DEFAULT_SEED) == county


def test_other_seed_other_county(county: list[School]) -> None:
    other = generate_county(7)
    assert other != county
    assert abs(sum_basic(other) - TARGET_BASIC) <= 0.1 * TARGET_BASIC


def sum_basic(schools: list[School]) -> int:
    return sum(g.basic_students for s in compulsory(schools) for g in s.groups)


def test_headline_counts(county: list[School]) -> None:
    assert 110 <= len(county) <= 135
    assert {town_of(s) for s in county} == set(names.TOWNS)
    assert 3 <= sum(s.info.stage == "high" for s in county) <= 4
    assert abs(sum_basic(county) - TARGET_BASIC) <= 0.1 * TARGET_BASIC
    categories = {a.category for s in county for a in s.activities}
    assert categories >= CLUB_CATEGORIES
    ids = [s.school_id for s in county]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(i) == 5 and i.startswith("ZY") for i in ids)
    kinds = Counter((s.info.stage, s.info.location) for s in county)
    assert kinds[("primary", "urban")] >= 3 and kinds[("junior", "urban")] >= 2
    assert kinds[("primary", "village")] >= 60


def test_every_school_passes_necessary_conditions(county: list[School]) -> None:
    failing = {s.school_id: necessary_conditions(s) for s in county}
    assert {k: v for k, v in failing.items() if v} == {}


def test_every_school_has_a_valid_witness_schedule(county: list[School]) -> None:
    for school in county:
        witness = find_witness(school)
        assert witness is not None, school.school_id
        assert check(school, rows_of(witness)) == [], school.school_id


def test_load_is_tight_but_feasible(county: list[School]) -> None:
    ratios = [load_ratio(s) for s in compulsory(county)]
    assert max(ratios) <= 0.85
    assert sum(r >= 0.55 for r in ratios) >= 0.9 * len(ratios)


def test_classes_look_like_the_county(county: list[School]) -> None:
    size = {"urban": (45, 55), "town": (35, 50), "village": (8, 30)}
    for s in compulsory(county):
        lo, hi = size[s.info.location]
        for g in s.groups:
            assert lo <= g.students <= hi, (s.school_id, g.group_id)
            assert 0 < g.basic_students <= g.students
            assert len(g.basic_slots) >= 5
        if s.info.location == "village":
            assert 2 <= len(s.groups) <= 6
            assert 3 <= len(s.teachers) <= 12
    multi = [g for s in county for g in s.groups if len(g.grade) > 1]
    assert multi and all(
        s.info.location == "village" for s in county for g in s.groups if len(g.grade) > 1
    )


def test_teachers_look_like_the_county(county: list[School]) -> None:
    staff = [t for s in county for t in s.teachers if not t.external]
    opted_out = sum(not t.opt_in for t in staff) / len(staff)
    assert 0.04 <= opted_out <= 0.12
    assert 0.15 <= sum(bool(t.unavailable) for t in staff) / len(staff) <= 0.25
    assert Counter(t.max_per_week for t in staff).most_common(1)[0][0] in (3, 4, 5)
    assert any(t.max_per_day == 2 for t in staff)
    assert any(t.teacher_id == "T007" for t in staff)
    for s in county:
        homerooms = [t.homeroom for t in s.teachers if t.homeroom]
        assert sorted(homerooms) == sorted(g.group_id for g in s.groups), s.school_id
    urban_external = [s for s in county if any(t.external for t in s.teachers)]
    assert urban_external and all(s.info.location == "urban" for s in urban_external)
    for s in urban_external:
        fixed = {a.fixed_teacher for a in s.activities}
        assert all(t.teacher_id in fixed for t in s.teachers if t.external)


def test_high_schools_have_self_study_only(county: list[School]) -> None:
    for s in (s for s in county if s.info.stage == "high"):
        assert {sl.kind for sl in s.slots} == {"self_study"}
        assert all(not g.basic_slots for g in s.groups)
        assert s.activities and all(a.category == "self_study" for a in s.activities)
        assert all(len(a.groups) == 1 and a.staff == 1 for a in s.activities)


def test_enrolments_are_consistent(county: list[School]) -> None:
    with_rows = [s for s in county if s.enrolments]
    assert with_rows and all(s.info.location == "urban" for s in with_rows)
    assert sum(len(s.enrolments) for s in county) <= 15_000
    for s in with_rows:
        for a in s.activities:
            if a.activity_id in s.enrolment_counts:
                assert s.enrolment_counts[a.activity_id] == a.enrolled


def test_schools_with_clubs_have_skewed_choices(county: list[School]) -> None:
    """Issue 14: every school with clubs has a choices sheet; demand is skewed (in schools
    with five clubs or more, nearly always a club about three times oversubscribed on
    first choices alone; a village school's one to three clubs share the demand), choices
    are open to the student's grade, and the optimal allocation beats the lottery and first
    come first served on the first-choice share where seats are short."""
    from choices import ChoiceInstance, allocate, report
    from choices.sample import is_club

    hot = many = 0
    for s in county:
        assert bool(s.choices) == any(is_club(a) for a in s.activities), s.school_id
        if not s.choices:
            continue
        inst = ChoiceInstance(s)
        first: dict[str, int] = {}
        for w in inst.wishes:
            assert all(s.activity_by_id[a].admits(w.grades) for a in w.clubs), s.school_id
            first[w.clubs[0]] = first.get(w.clubs[0], 0) + 1
        if len(inst.clubs) >= 5:
            many += 1
            hot += any(first[a] >= 2.5 * max(1, inst.seats[a]) for a in first)
    assert many >= 20 and hot >= 0.9 * many
    big = max(county, key=lambda s: len(s.choices))
    shares = {m: report.summary(allocate(big, method=m, seed=1)).first for m in METHODS}
    assert shares["optimal"] > max(shares["lottery"], shares["fcfs"])


METHODS = ("optimal", "lottery", "fcfs")


def test_workbooks_are_byte_stable(county: list[School], tmp_path: Path) -> None:
    """Fixed zip entry times and document properties: a regenerated county changes in git
    only where its content changed."""
    import zipfile

    from samplegen.county import FIXED_STAMP, FIXED_TIME

    few = [county[0], county[-1]]
    first = [p.read_bytes() for p in write_county(tmp_path / "a", schools=few)]
    second = [p.read_bytes() for p in write_county(tmp_path / "b", schools=few)]
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / f"{few[0].school_id}.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME}
        core = archive.read("docProps/core.xml")
    assert core.count(FIXED_STAMP) == 2


def test_checks_catch_an_understaffed_school(county: list[School]) -> None:
    school = next(s for s in county if s.info.location == "urban")
    few = replace(school, teachers=school.teachers[:5])
    problems = necessary_conditions(few)
    assert any(p.startswith("slot ") for p in problems)
    assert any(p.startswith("week:") for p in problems)


def test_witness_check_catches_a_broken_schedule(county: list[School]) -> None:
    school = county[0]
    witness = find_witness(school)
    assert witness is not None
    first, *rest = witness.sessions
    understaffed = replace(
        witness, sessions=(replace(first, teacher_ids=first.teacher_ids[1:]), *rest)
    )
    assert check(school, rows_of(understaffed))
    assert check(school, rows_of(replace(witness, sessions=tuple(rest))))


def test_write_county_writes_workbooks_and_summary(county: list[School], tmp_path: Path) -> None:
    few = [county[0], next(s for s in county if s.info.location == "village")]
    (tmp_path / "ZY999.xlsx").write_bytes(b"stale")
    paths = write_county(tmp_path, schools=few)
    assert [p.name for p in paths] == [f"{s.school_id}.xlsx" for s in few] + ["county.csv"]
    assert not (tmp_path / "ZY999.xlsx").exists()
    with open(tmp_path / "county.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["school_id"] == few[0].school_id
    assert rows[1]["town"] == town_of(few[1])
    assert workbook_style(few[1]) == ("zh", True)


def test_command_is_registered() -> None:
    from cli import sample_cmds

    app = typer.Typer()
    sample_cmds.register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer in group mode
    result = CliRunner().invoke(app, ["sample", "--help"])
    assert result.exit_code == 0
    assert "生成示例县数据" in result.output and "Generate the sample county" in result.output


def test_committed_summary_matches_generator(county: list[School]) -> None:
    with open(DATA / "county.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    expected = [summary_row(s, f"{s.school_id}.xlsx") for s in county]
    assert rows == [{k: str(v) for k, v in r.items()} for r in expected]
    assert sorted(p.name for p in DATA.glob("*.xlsx")) == [r["file"] for r in rows]
    size = sum(p.stat().st_size for p in DATA.iterdir())
    assert size < 15e6


def test_committed_workbooks_equal_the_generator(county: list[School]) -> None:
    reader = pytest.importorskip("workbook.reader")
    if not hasattr(reader, "read_school"):
        pytest.skip("workbook.reader.read_school not available yet")
    for school in county:
        result = reader.read_school(DATA / f"{school.school_id}.xlsx")
        assert result.school == school, school.school_id
        problems = getattr(result.problems, "items", result.problems)
        assert list(problems) == [], school.school_id


def test_witness_sessions_count_minutes(county: list[School]) -> None:
    # Sessions differ in length across schools (40-90 minutes), so fairness can count minutes.
    lengths = {sl.length for s in compulsory(county) for sl in s.slots}
    assert min(lengths) <= 40 and max(lengths) >= 90
