"""The scheme registry (compensation/schemes.py): every entry is complete, and every part of
the product (allocator, pipeline, explanations, command line, scenario lever) reads it."""

from __future__ import annotations

import pandas as pd
import pytest

from compensation import allocate as allocate_module
from compensation.allocate import Allocation, allocate
from compensation.errors import CompensationError
from compensation.policy import Policy
from compensation.schemes import (
    BASELINE,
    DEFAULT,
    NAMES,
    SCHEMES,
    compared,
    county_pool,
    main_scheme,
    run_schemes,
    scheme_help,
)
from i18n import TABLE

TEACHERS = pd.DataFrame(
    {
        "key": ["a", "b", "c"],
        "school_id": ["S", "S", "S"],
        "teacher_id": ["a", "b", "c"],
        "location": ["urban", "town", "village"],
        "hours": [40.0, 20.0, 10.0],
        "weekend_hours": [0.0, 2.0, 0.0],
        "self_study_sessions": [0, 0, 1],
        "z": [1.0, 0.0, -1.0],
        "composite": [70.0, 50.0, 30.0],
    }
)


@pytest.mark.parametrize("name", NAMES)
def test_each_entry_allocates_under_its_own_name(name: str) -> None:
    entry = SCHEMES[name]
    assert callable(getattr(allocate_module, entry.allocator))
    result = allocate(name, TEACHERS, 400_000, Policy())
    assert isinstance(result, Allocation) and result.scheme == name
    assert int(result.lines["amount_fen"].sum()) == 400_000


@pytest.mark.parametrize("name", NAMES)
def test_each_entry_has_its_labels_and_known_companions(name: str) -> None:
    for key in (f"scen.scheme.{name}", f"ui.scen.scheme.{name}"):
        assert key in TABLE, key
    entry = SCHEMES[name]
    for other in entry.computed_with:  # computed before it, so the main one is last
        assert NAMES.index(other) < NAMES.index(name)


def test_the_baseline_and_default_are_entries() -> None:
    assert BASELINE in SCHEMES and DEFAULT in SCHEMES
    assert not SCHEMES[BASELINE].quality and SCHEMES[DEFAULT].quality


def test_what_a_run_computes_and_compares() -> None:
    assert run_schemes("quality") == ("hour_only", "quality")
    assert run_schemes("lp") == ("hour_only", "quality", "lp")
    assert run_schemes("hour_only") == run_schemes("anything") == run_schemes(DEFAULT)
    assert main_scheme(("hour_only", "quality", "lp")) == "lp"
    assert main_scheme(("hour_only", "quality")) == "quality"
    assert compared(("hour_only", "quality", "lp")) == ("hour_only", "lp")
    assert compared(("hour_only",)) is None and compared(("quality",)) is None
    assert county_pool(("hour_only", "quality", "lp")) and not county_pool(("quality",))


def test_unknown_scheme_lists_the_registered_ones() -> None:
    with pytest.raises(CompensationError) as err:
        allocate("bonus", TEACHERS, 100, Policy())
    assert " / ".join(NAMES) in err.value.render()


def test_the_command_and_the_scenario_lever_offer_the_registry() -> None:
    from scenarios.levers import build_scenario

    assert scheme_help() == "quality 或 lp（全县线性规划）/ quality or lp (county LP rules)"
    for name in NAMES:
        assert build_scenario({"subsidy": {"scheme": name}}).scheme == name
