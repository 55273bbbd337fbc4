"""compensation.service: the one subsidy workflow under the command and the app (policy
precedence, inputs, pay, store, the per-teacher table both shells show)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from compensation import service
from compensation.evidence import Evidence
from compensation.policy import Policy, Term, load_policy_toml
from store.db import store_session

DATA = Path(__file__).resolve().parents[1] / "data"
COUNTY = DATA / "sample_county"
EVIDENCE = DATA / "sample_evidence"
SCHOOL = "ZY016"  # a village teaching point: 5 teachers


def test_policy_precedence_file_then_evidence_then_defaults() -> None:
    from_file = Policy(base_rate_yuan=55.0)
    from_sheet = Evidence(policy=Policy(base_rate_yuan=60.0))
    policy, source = service.resolve_policy("2025-autumn", from_file, from_sheet)
    assert (policy.base_rate_yuan, source) == (55.0, service.POLICY_FILE)
    policy, source = service.resolve_policy("2025-autumn", None, from_sheet)
    assert (policy.base_rate_yuan, source) == (60.0, service.POLICY_EVIDENCE)
    policy, source = service.resolve_policy("2025-autumn", None, Evidence())
    assert (policy, source) == (Policy(term=Term.default("2025-autumn")), service.POLICY_DEFAULT)


def test_a_policy_keeps_its_own_calendar_only_for_its_term() -> None:
    own = load_policy_toml(EVIDENCE / "policy.toml")
    assert own.term is not None
    assert service.with_term(own, own.term.term_id).term == own.term
    assert service.with_term(own, "2026-spring").term == Term.default("2026-spring")


def test_inputs_need_a_scope_and_a_known_school() -> None:
    with pytest.raises(service.InvalidInput) as err:
        service.read_inputs("2025-autumn")
    assert "--county" in err.value.render()
    with pytest.raises(service.InvalidInput) as err:
        service.read_inputs("2025-autumn", school_id="NOPE", workbook=COUNTY / f"{SCHOOL}.xlsx")
    assert "NOPE" in err.value.render()


def test_evidence_warnings_are_seen_before_paying_and_errors_stop(tmp_path: Path) -> None:
    bad = tmp_path / "evidence"
    bad.mkdir()
    (bad / "ratings.csv").write_text(
        "school_id,teacher_id,source,rater_id,score,scale,date\n"
        f"{SCHOOL},T001,parent,P1,很好,5,2025-09-20\n",
        encoding="utf-8",
    )
    seen: list[tuple] = []
    with pytest.raises(service.InvalidInput) as err:
        service.read_inputs(
            "2025-autumn",
            school_id=SCHOOL,
            workbook=COUNTY / f"{SCHOOL}.xlsx",
            evidence_path=bad,
            on_warnings=seen.append,
        )
    assert seen and "很好" in err.value.render()


def test_the_app_and_the_command_pay_alike_and_the_stored_table_is_the_live_one(
    store_url: str,
) -> None:
    inputs = service.read_inputs(
        "2025-autumn",
        school_id=SCHOOL,
        workbook=COUNTY / f"{SCHOOL}.xlsx",
        schedules=EVIDENCE / "schedules" / f"{SCHOOL}.csv",
        evidence_path=EVIDENCE,
        policy_file=EVIDENCE / "policy.toml",
    )
    assert inputs.policy_source == service.POLICY_FILE
    command = service.pay(inputs, store=service.database_store(store_url))
    assert command.run_id is not None and command.policy == inputs.policy
    school = inputs.schools[SCHOOL]
    app = service.subsidies_for_school(
        school, inputs.policy, inputs.evidence, inputs.schedules[SCHOOL]
    )
    assert app.result.inputs_hash == command.result.inputs_hash
    assert app.policy_source == service.POLICY_GIVEN and app.run_id is None
    live = command.teacher_table()
    assert list(live.columns) == list(service.TABLE_COLUMNS)
    assert int(live["amount_fen"].sum()) == int(live["hour_only_fen"].sum())
    with store_session(store_url) as session:
        stored = service.latest_stored(session, SCHOOL)
    assert stored is not None and stored.run_id == command.run_id
    assert stored.budget_fen == command.result.budget_fen
    columns = ["teacher_id", "amount_fen", "hour_only_fen", "reason_zh"]
    assert stored.table[columns].to_dict("records") == live[columns].to_dict("records")


def test_a_county_run_pools_for_the_lp_scheme() -> None:
    inputs = service.read_inputs(
        "2025-autumn",
        county=True,
        workbook=COUNTY / f"{SCHOOL}.xlsx",
        schedules=EVIDENCE / "schedules",
        evidence_path=EVIDENCE,
    )
    outcome = service.pay(inputs, scheme="lp")
    assert outcome.main_scheme == "lp" and set(outcome.result.allocations) == {
        "hour_only",
        "quality",
        "lp",
    }
    one_pool = service.pay(dataclasses.replace(inputs), scheme="quality", pooled=True)
    assert one_pool.result.budget_fen == outcome.result.budget_fen
