"""The coder end to end: real behaviour, evidence, confidences and bad input."""

from __future__ import annotations

import pytest

from forum_app.codebook.shipped import theme_ids
from forum_app.coder.pipeline import Coding, code_text, code_texts


def _themes(text: str) -> set[str]:
    return set(code_text(text).theme_ids)


def test_autism_assessment_wait_is_waiting_and_identification() -> None:
    coding = code_text("My son has been waiting 2 years for an autism assessment and we still have no date.")
    assert {"waiting_times", "identification_of_needs"} <= set(coding.theme_ids)
    assert coding.sentiment.label == "negative"


def test_camhs_wait_is_waiting_and_mental_health() -> None:
    assert {"waiting_times", "mental_health"} <= _themes(
        "CAMHS have had her on the waiting list for 14 months."
    )


def test_fight_adds_family_impact_to_the_topic() -> None:
    themes = _themes("We had to fight for a year to get the council to agree to an EHC needs assessment.")
    assert {"family_impact", "ehcna_timeliness"} <= themes


def test_headline_themes() -> None:
    assert "provision_gaps" in _themes("Section F says weekly SALT but it has never been delivered.")
    assert "ehcp_quality" in _themes(
        "The plan is woolly, nothing is quantified and it still says primary school."
    )
    assert "communication_coproduction" in _themes(
        "I have emailed the caseworker 11 times and no one gets back to me."
    )
    assert "annual_reviews" in _themes("Our AR was in March and we still haven't had the amended plan.")
    assert "exclusions_school_places" in _themes("He has been on a part-time timetable for 14 months.")


def test_no_theme_for_text_with_no_service_experience() -> None:
    assert code_text("test test 123").themes == ()


def test_negated_service_is_not_suggested() -> None:
    coding = code_text("We've never needed CAMHS. The problem is the school keep sending him home.")
    assert "mental_health" not in coding.theme_ids
    assert "exclusions_school_places" in coding.theme_ids
    assert "CAMHS" in coding.negated


def test_every_suggestion_has_evidence_and_confidences_are_probabilities() -> None:
    texts = [
        "We waited 18 months for OT and went private in the end.",
        "The short breaks club has been a lifeline for our whole family.",
        "Inspectors found leaders do not use data well to commission services.",
        "The council refused to assess so we appealed to the tribunal and won.",
    ]
    for coding in code_texts(texts):
        assert coding.themes, coding
        for suggestion in coding.themes:
            assert 0.5 <= suggestion.confidence <= 1.0
            assert suggestion.evidence, suggestion.theme
            assert all(item.text for item in suggestion.evidence)
        assert set(coding.scores) == set(theme_ids())
        assert all(0.0 <= value <= 1.0 for value in coding.scores.values())


def test_phrase_evidence_quotes_what_the_parent_wrote() -> None:
    coding = code_text("DS has been on the SALT waiting list for a year.")
    waiting = next(s for s in coding.themes if s.theme == "waiting_times")
    quotes = [item.text for item in waiting.evidence if item.kind in {"phrase", "rule"}]
    assert any("SALT" in quote or "waiting list" in quote for quote in quotes), waiting.evidence


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "🙂🙂😡💔",
        "x" * 50_000,
        "We waited two years for SALT. " * 1700,
        "Mae fy mab wedi bod yn aros am asesiad awtistiaeth ers dwy flynedd ac nid oes neb yn ateb.",
        "Mój syn czeka na diagnozę autyzmu od dwóch lat i nikt nie odpowiada na moje e-maile.",
        "WE HAVE WAITED TWO YEARS FOR CAMHS AND NOBODY HAS EVER RUNG US BACK!!!",
        "\x00\x01 control characters \u202e reversed",
    ],
)
def test_bad_input_is_handled(text: str) -> None:
    coding = code_text(text)
    assert isinstance(coding, Coding)
    assert coding.sentiment.label in {"negative", "neutral", "positive"}
    assert all(0.0 <= value <= 1.0 for value in coding.scores.values())
    coding.to_dict()


def test_empty_and_emoji_only_texts_get_no_themes() -> None:
    for text in ("", "🙂🙂😡💔"):
        coding = code_text(text)
        assert coding.themes == ()
        assert "No words to code." in coding.notes


def test_very_long_text_is_truncated_with_a_note() -> None:
    coding = code_text("We waited two years for SALT. " * 1700)
    assert "waiting_times" in coding.theme_ids
    assert any("first 20,000 characters" in note for note in coding.notes)


def test_non_english_text_is_flagged() -> None:
    coding = code_text("Mój syn czeka na diagnozę autyzmu od dwóch lat i nikt nie odpowiada na moje e-maile.")
    assert any("may not be in English" in note for note in coding.notes)


def test_all_caps_is_coded_like_ordinary_text() -> None:
    shouted = code_text("WE HAVE WAITED TWO YEARS FOR CAMHS AND NOBODY HAS EVER RUNG US BACK")
    assert {"waiting_times", "mental_health"} <= set(shouted.theme_ids)
    assert shouted.sentiment.label == "negative"
