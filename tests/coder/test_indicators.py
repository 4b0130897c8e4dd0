"""Codebook indicator phrases: the phrase syntax, and negation."""

from __future__ import annotations

import re

from forum_app.codebook.shipped import default_codebook
from forum_app.coder.indicators import find_indicators, mask_negated, phrase_regex
from forum_app.coder.jargon import expand


def _themes(text: str) -> set[str]:
    return {hit.theme for hit in find_indicators(expand(text)) if not hit.negated}


def test_codebook_has_the_sixteen_themes_with_indicators() -> None:
    codebook = default_codebook()
    assert len(codebook.ids) == 16
    assert codebook.ids[:4] == (
        "waiting_times",
        "provision_gaps",
        "ehcp_quality",
        "communication_coproduction",
    )
    for theme in codebook.themes:
        assert theme.indicators, theme.id
        assert theme.definition and theme.label and theme.framework_areas


def test_phrase_syntax() -> None:
    assert re.match(phrase_regex("exclu*"), "excluded")
    assert re.match(phrase_regex("waited .. # months|years"), "waited nearly two years", re.IGNORECASE)
    assert re.match(phrase_regex("part-time timetable"), "part time timetable")
    # Abbreviations in a codebook phrase are normalised like the text.
    assert re.match(phrase_regex("SALT waiting list"), "speech and language therapy waiting list")
    assert not re.match(phrase_regex("respite"), "respites-and-more-words-x")


def test_parent_language_finds_its_theme() -> None:
    assert "waiting_times" in _themes("He has been on the SALT waiting list for 18 months")
    assert "exclusions_school_places" in _themes("He is on a part-time timetable and keeps being sent home")
    assert "social_care_short_breaks" in _themes("Our direct payments pay for a PA on Saturdays")
    assert "tribunals_appeals" in _themes("We went to the LGSCO in the end")
    assert "annual_reviews" in _themes("The AR was in March and still no amended plan")


def test_never_needed_is_a_negation() -> None:
    hits = find_indicators(expand("We've never needed mediation or tribunal, the plan was right first time."))
    negated = {hit.phrase for hit in hits if hit.negated}
    assert "mediation" in negated
    assert "tribunals_appeals" not in _themes("We've never needed mediation, the plan was right first time.")


def test_negation_stops_at_the_end_of_the_clause() -> None:
    text = expand("We never needed social care. But the tribunal was a nightmare.")
    hits = find_indicators(text)
    assert any(hit.theme == "tribunals_appeals" and not hit.negated for hit in hits)


def test_general_statements_are_not_negations() -> None:
    # "You don't need a diagnosis" is still about identification of needs.
    assert "identification_of_needs" in _themes("You don't need a diagnosis to get SEN support.")


def test_masking_hides_negated_words_from_the_model() -> None:
    text = expand("We have never been referred to CAMHS; school are the problem.")
    masked = mask_negated(text, find_indicators(text))
    assert "CAMHS" not in masked
    assert len(masked) == len(text)
