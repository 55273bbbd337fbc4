"""The one greedy scheduler (`scheduler.greedy`): every week it returns passes the
independent checker, on random valid schools, on sample schools and on scenario-built
schools; it gives up (None) instead of returning a broken week."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from domain.school import Lock
from scenarios.build import build_school
from scenarios.levers import load_scenario, preset_path
from scheduler.check import check, rows_of
from scheduler.greedy import checked_greedy, greedy_schedule, unplaceable
from strategies import schools
from workbook.reader import read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"
SAMPLE = ["ZY004", "ZY009", "ZY013", "ZY020", "ZY030"]  # primary, high, nine-year, junior


@pytest.fixture(scope="module")
def sample():
    return {i: read_school(COUNTY / f"{i}.xlsx").school for i in SAMPLE}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_any_greedy_week_passes_the_checker(school) -> None:
    week = greedy_schedule(school)
    if week is None:
        return  # the greedy may give up; it must never return a broken week
    assert not school.locks
    assert check(school, rows_of(week)) == []
    assert not week.unstaffed


def test_sample_schools_and_their_scenario_weeks(sample) -> None:
    extension = load_scenario(preset_path("high_school_extension"))
    for sid, school in sample.items():
        for built in (school, build_school(school, extension)):
            week = greedy_schedule(built)
            assert week is not None, sid
            assert check(built, rows_of(week)) == [], sid
            assert checked_greedy(built) == week
    high = build_school(sample["ZY009"], extension)
    week = greedy_schedule(high)
    assert any(p.kind == "self_study" and p.activity_id.startswith("HS-") for p in week.sessions)


def test_locks_and_too_few_teachers_give_none(sample) -> None:
    school = sample["ZY004"]
    first = school.activities[0]
    locked = replace(school, locks=(Lock(first.activity_id, session=1),))
    assert greedy_schedule(locked) is None and checked_greedy(locked) is None
    few = replace(school, teachers=school.teachers[:3])
    assert greedy_schedule(few) is None
    assert unplaceable(school) is None


def test_benchmark_peer_and_sample_generator_use_it() -> None:
    from bench.peers import greedy
    from samplegen.witness import find_witness

    assert greedy is greedy_schedule
    assert find_witness is checked_greedy
