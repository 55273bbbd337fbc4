"""The rule registry (scheduler/rules.py) is complete: every constraint label of the model,
every verdict of the checker and every reason of the explanations belongs to a rule, and
every rule has all of them. Adding a rule without one of its parts fails here."""

from __future__ import annotations

import ast
import inspect

from i18n import TABLE
from scheduler import check, model
from scheduler.instance import Instance
from scheduler.rules import BY_TAG, DOMAIN_CHECKS, FILE_CHECKS, RULES
from school_builders import high_school, small_school


def _string_args(source: str, func: str, position: int) -> set[str]:
    """First string of the `position`-th argument of every call to `<x>.func(...)`
    (the label kind of `b.add(constraint, ("kind", key))`, the code of `_v("code", ...)`)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or len(node.args) <= position:
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name != func:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Tuple) and arg.elts:
            arg = arg.elts[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            out.add(arg.value)
    return out


def test_every_label_of_the_model_has_a_rule() -> None:
    labels = _string_args(inspect.getsource(model), "add", 1)
    labels |= _string_args(inspect.getsource(model), "guard", 0)
    assert labels, "the model labels its constraints"
    assert labels <= set(BY_TAG), labels - set(BY_TAG)


def test_labels_built_on_real_schools_have_rules() -> None:
    for school in (small_school(), high_school(classes=3, teachers=10)):
        built = model.build(Instance(school), explain=True)
        assert {label[0] for label in built.guards} <= set(BY_TAG)


def test_every_rule_has_a_model_function_checker_codes_and_a_reason() -> None:
    codes = _string_args(inspect.getsource(check), "_v", 0)
    for rule in RULES:
        assert rule.contract in (1, 2, 3, 4), rule.tag
        assert getattr(model, rule.model.__name__) is rule.model, rule.tag
        assert rule.checks, rule.tag
        for code in rule.checks:
            assert code in codes and f"check.{code}" in TABLE, (rule.tag, code)
        if rule.reason is None:  # never relaxed: then the model must not label it
            assert rule.tag not in _string_args(inspect.getsource(model), "add", 1)
        else:
            assert f"why.{rule.reason}" in TABLE, rule.tag


def test_every_checker_verdict_belongs_to_a_rule() -> None:
    codes = _string_args(inspect.getsource(check), "_v", 0)
    covered = {c for r in RULES for c in r.checks} | set(DOMAIN_CHECKS) | set(FILE_CHECKS)
    assert codes <= covered, codes - covered
    assert covered <= codes, covered - codes  # no stale names in the registry


def test_every_explanation_reason_of_a_rule_is_in_the_registry() -> None:
    reasons = {k.removeprefix("why.") for k in TABLE if k.startswith("why.rule_")}
    registered = {r.reason for r in RULES if r.reason}
    assert reasons - {"rule_lock_row"} == registered  # lock_row: the lock reason with its row
