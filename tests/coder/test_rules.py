"""The codebook's cross-theme decision rules."""

from __future__ import annotations

from forum_app.coder.jargon import expand
from forum_app.coder.rules import find_rules


def _rule_themes(text: str) -> set[str]:
    return {theme for hit in find_rules(expand(text)) for theme in hit.rule.themes}


def _rules(text: str) -> set[str]:
    return {hit.rule.name for hit in find_rules(expand(text))}


def test_autism_assessment_wait_is_waiting_and_identification() -> None:
    themes = _rule_themes("We have been waiting 2 years for an autism assessment.")
    assert {"waiting_times", "identification_of_needs"} <= themes


def test_adhd_wait_with_abbreviations() -> None:
    assert "diagnostic_assessment_wait" in _rules("DS on the ND pathway waiting list since Y3")


def test_camhs_wait_is_waiting_and_mental_health() -> None:
    assert {"waiting_times", "mental_health"} <= _rule_themes(
        "CYPMHS have had her on their waiting list since January."
    )


def test_having_to_fight_is_family_impact() -> None:
    assert "family_impact" in _rule_themes("We had to fight for every hour of support.")
    assert "family_impact" not in _rule_themes("He got into a fight at lunchtime.")


def test_camhs_stopping_at_18_is_mental_health_and_transitions() -> None:
    assert {"mental_health", "transitions_pfa"} <= _rule_themes("CAMHS just stopped when she turned 18.")


def test_school_refusal_is_mental_health_and_school_places() -> None:
    assert {"mental_health", "exclusions_school_places"} <= _rule_themes(
        "She has EBSA and hasn't been in since May."
    )


def test_health_advice_missing_from_the_plan() -> None:
    assert {"ehcp_quality", "joint_working"} <= _rule_themes(
        "The health advice was missing from the final plan."
    )


def test_appeal_against_refusal_to_assess() -> None:
    assert {"ehcna_timeliness", "tribunals_appeals"} <= _rule_themes(
        "The LA refused to assess so we have lodged an appeal."
    )


def test_rules_need_both_parts_in_one_sentence() -> None:
    assert "camhs_wait" not in _rules("CAMHS were great. We waited for the bus.")
    assert "camhs_wait" not in _rules("I have no complaints about CAMHS at all.")


def test_negated_mentions_do_not_fire_rules() -> None:
    assert "camhs_wait" not in _rules("We never needed CAMHS, and the wait for OT was short.")
