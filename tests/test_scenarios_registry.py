"""The lever registry (scenarios/levers.py): each Scenario field is one lever, and the TOML
layout, the checks, the compensation policy and the app's form are all read from it."""

from __future__ import annotations

import dataclasses

import pytest

from compensation.policy import Policy
from i18n import TABLE
from scenarios.levers import (
    DEFAULTS,
    LAYOUT,
    LEVERS,
    POLICY,
    Scenario,
    build_scenario,
    policy_of,
    to_toml,
)


def test_every_field_is_one_lever_in_toml_order() -> None:
    assert [x.field for x in LEVERS] == [f.name for f in dataclasses.fields(Scenario)]
    places = [(x.table, k) for x in LEVERS for k in x.keys]
    assert len(places) == len(set(places))
    assert [(t, k) for t, keys in LAYOUT.items() for k in keys] == places
    tables = [line.strip("[]") for line in to_toml(DEFAULTS).splitlines() if line[:1] == "["]
    assert tables == list(LAYOUT)


@pytest.mark.parametrize("item", [x for x in LEVERS if x.policy], ids=lambda x: x.field)
def test_policy_levers_set_their_policy_key(item) -> None:
    assert item.policy in {f.name for f in dataclasses.fields(Policy)}
    assert getattr(policy_of(DEFAULTS), item.policy) == getattr(DEFAULTS, item.field)
    if item.field not in ("self_study_rate_yuan", "term"):  # defaults of their own (documented)
        assert getattr(DEFAULTS, item.field) == getattr(POLICY, item.policy)


@pytest.mark.parametrize("item", [x for x in LEVERS if x.key], ids=lambda x: x.field)
def test_every_lever_reads_its_default_back(item) -> None:
    value = getattr(DEFAULTS, item.field)
    if value is None:
        return
    value = list(value) if isinstance(value, tuple) else value
    assert getattr(build_scenario({item.table: {item.key: value}}), item.field) == getattr(
        DEFAULTS, item.field
    )


@pytest.mark.parametrize("item", [x for x in LEVERS if x.widget], ids=lambda x: x.field)
def test_every_widget_has_its_labels(item) -> None:
    widget = item.widget
    assert f"ui.scen.{widget.name}" in TABLE
    assert f"ui.scen.group.{widget.group}" in TABLE
    if widget.help:
        assert f"ui.scen.{widget.name}_help" in TABLE
    for option in getattr(item.check, "allowed", ()):
        if widget.option_labels:
            assert f"{widget.option_labels}.{option}" in TABLE
    places = [(x.widget.group, x.widget.order) for x in LEVERS if x.widget]
    assert len(places) == len(set(places))
