"""Scenario levers: presets load, bad files fail in both languages, each lever changes the
built school as documented (docs/scenarios.md)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scenarios.build import (
    apply_days,
    apply_periods,
    apply_stages,
    apply_student_participation,
    apply_teacher_participation,
    build_county,
    build_school,
    extend_high_school,
    group_stage,
    rotate_teachers,
)
from scenarios.engine import school_key
from scenarios.levers import (
    Scenario,
    ScenarioError,
    build_scenario,
    load_scenario,
    preset_path,
    presets,
    to_toml,
)
from workbook.reader import read_school

COUNTY = Path(__file__).resolve().parent.parent / "data" / "sample_county"


@pytest.fixture(scope="module")
def schools():
    ids = ["ZY004", "ZY013", "ZY018", "ZY009", "ZY020", "ZY030"]
    return {i: read_school(COUNTY / f"{i}.xlsx").school for i in ids}


def test_presets_load_and_differ_as_documented() -> None:
    assert {"baseline", "high_school_extension"} <= set(presets())
    base = load_scenario(preset_path("baseline"))
    ext = load_scenario(preset_path("high_school_extension"))
    assert base.stages == ("primary", "junior") and base.self_study_rate_yuan == 0
    assert ext.stages == ("primary", "junior", "high")
    assert ext.self_study_rate_yuan in (20.0, 35.0, 50.0) and ext.self_study_per_week > 0
    assert base.term.term_id == "2025-autumn" and base.days == 5 and base.periods == 2


def test_to_toml_round_trips(tmp_path: Path) -> None:
    for path in presets().values():
        scenario = load_scenario(path)
        again = tmp_path / "again.toml"
        again.write_text(to_toml(scenario), encoding="utf-8")
        assert load_scenario(again) == scenario


def test_bad_scenario_lists_every_problem_in_both_languages() -> None:
    data = {
        "service": {"days": 9, "stages": ["primary", "kindergarten"], "colour": "red"},
        "participation": {"students": {"primary": 1.5}},
        "subsidy": {"mode": "bonus"},
        "nonsense": {},
    }
    with pytest.raises(ScenarioError) as info:
        build_scenario(data, file="x.toml")
    text = info.value.render()
    assert len(info.value.problems.errors) == 6
    for needle in (
        "service.days",
        "service.stages",
        "service.colour",
        "participation.students",
        "subsidy.mode",
        "nonsense",
        "1 到 7",
        "from 1 to 7",
        "0 到 1",
        "between 0 and 1",
    ):
        assert needle in text, needle


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[service\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="TOML"):
        load_scenario(bad)


def test_high_stage_needs_sessions() -> None:
    with pytest.raises(ScenarioError, match="self_study_per_week"):
        build_scenario({"service": {"stages": ["primary", "high"]}})


def test_stages_drop_basic_care_of_unserved_classes(schools) -> None:
    nine = schools["ZY013"]
    only_primary = apply_stages(nine, ("primary",))
    for g in only_primary.groups:
        if group_stage(g) == "junior":
            assert g.basic_slots == () and g.basic_students == 0
        else:
            assert g == nine.group_by_id[g.group_id]
    assert only_primary.activities == nine.activities  # primary classes still have clubs
    junior = apply_stages(schools["ZY020"], ("primary",))
    assert all(not g.basic_slots for g in junior.groups)
    assert not [a for a in junior.activities if a.category != "self_study"]  # no clubs left


def test_days_drop_or_copy_whole_days(schools) -> None:
    school = schools["ZY004"]
    four = apply_days(school, 4)
    assert max(s.day for s in four.slots) == 4
    ids = {s.slot_id for s in four.slots}
    assert all(set(g.basic_slots) <= ids for g in four.groups)
    assert all(set(a.allowed_slots) <= ids for a in four.activities)
    assert all(a.sessions_per_week <= 4 for a in four.activities)
    six = apply_days(school, 6)
    sat = [s for s in six.slots if s.day == 6]
    assert len(sat) == len([s for s in school.slots if s.day == 5])
    for g in six.groups:
        if g.basic_slots:
            assert any(s.endswith("@6") for s in g.basic_slots)
    assert apply_days(schools["ZY009"], 3) == schools["ZY009"]  # high schools keep their week


def test_third_period_adds_basic_care_after_the_last_period(schools) -> None:
    school = schools["ZY004"]
    three = apply_periods(school, 3)
    new = [s for s in three.slots if s.slot_id.startswith("P3-")]
    assert len(new) == 5 and all(s.kind == "basic" for s in new)
    for s in new:
        last_end = max(o.end for o in school.slots if o.day == s.day)
        assert s.start > last_end
    for g in three.groups:
        old = school.group_by_id[g.group_id]
        if old.basic_slots:
            assert len(g.basic_slots) == len(old.basic_slots) + 5
    assert apply_periods(school, 2) == school


def test_participation_levers(schools) -> None:
    school = schools["ZY004"]
    scenario = Scenario(students={"primary": 0.5, "junior": 0.9})
    half = apply_student_participation(school, scenario)
    for g in half.groups:
        assert g.basic_students == round(g.students * 0.5)
    internal = [t for t in school.teachers if not t.external]
    some = apply_teacher_participation(school, 0.6)
    opted = [t for t in some.teachers if not t.external and t.opt_in]
    assert len(opted) == round(0.6 * len(internal))
    assert [t for t in some.teachers if t.external] == [t for t in school.teachers if t.external]
    assert apply_teacher_participation(school, None) == school


def test_high_school_extension_fills_each_class_up_to_the_target(schools) -> None:
    school = schools["ZY009"]
    out = extend_high_school(school, 6)
    for g in out.groups:
        total = sum(a.sessions_per_week for a in out.activities if g.group_id in a.groups)
        assert total == 6, g.group_id
    new = [a for a in out.activities if a.activity_id.startswith("HS-")]
    assert new and all(a.category == "self_study" and a.skill is None for a in new)
    assert all(
        len(a.groups) == 1 and a.enrolled == out.group_by_id[a.groups[0]].students for a in new
    )
    assert extend_high_school(schools["ZY004"], 6) == schools["ZY004"]


def test_rotation_moves_junior_teachers_to_high_schools(schools) -> None:
    moved = rotate_teachers(schools, 0.1, {})
    junior, high = schools["ZY020"], schools["ZY018"]
    lost = len(junior.teachers) - len(moved["ZY020"].teachers)
    base = sum(1 for t in junior.teachers if t.opt_in and not t.external)
    assert lost == round(0.1 * base) > 0
    arrived = [
        t for sid in ("ZY009", "ZY018") for t in moved[sid].teachers if t.teacher_id.startswith("R")
    ]
    assert len(arrived) == lost + (len(schools["ZY013"].teachers) - len(moved["ZY013"].teachers))
    assert all(t.opt_in and not t.unavailable and t.homeroom is None for t in arrived)
    assert moved["ZY013"] == schools["ZY013"]  # nine-year schools do not lend teachers
    assert high.teachers == moved["ZY018"].teachers[: len(high.teachers)]


def test_money_levers_do_not_change_the_schedule_input(schools) -> None:
    base = load_scenario(preset_path("baseline"))
    money = dataclasses.replace(
        base,
        base_rate_yuan=60.0,
        public_topup_per_student_yuan=100.0,
        mode="fees",
        scheme="quality",
        quality_pool_share=0.5,
    )
    a, b = build_county(schools, base), build_county(schools, money)
    assert all(school_key(a[s], base.solver) == school_key(b[s], money.solver) for s in schools)
    ext = build_school(schools["ZY009"], load_scenario(preset_path("high_school_extension")))
    assert school_key(ext, base.solver) != school_key(a["ZY009"], base.solver)
