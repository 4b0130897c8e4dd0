"""UK SEND jargon normalisation: expansions, ambiguity, and quoting back the original words."""

from __future__ import annotations

import pytest

from forum_app.coder.jargon import expand, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We applied for an EHCP", "EHC plan"),
        ("the EHC Plan was late", "EHC plan"),
        ("EHCNA refused", "EHC needs assessment"),
        ("waiting for SALT", "speech and language therapy"),
        ("the SLT came once", "speech and language therapy"),
        ("seen by CYPMHS", "CAMHS"),
        ("on the ND pathway", "neurodevelopmental pathway"),
        ("diagnosed ASD last year", "autism"),
        ("she has an ASC diagnosis", "autism"),
        ("the EP never came", "educational psychologist"),
        ("two EPs left", "educational psychologists"),
        ("the LA said no", "local authority"),
        ("our SENDCo is great", "SENCO"),
        ("we asked for EOTAS", "education otherwise than at school"),
        ("we chose EHE", "elective home education"),
        ("he is at the PRU", "pupil referral unit"),
        ("moved to AP", "alternative provision"),
        ("complained to the LGSCO", "ombudsman"),
        ("the LGO upheld it", "ombudsman"),
        ("appeal to SENDIST", "SEND tribunal"),
        ("PfA outcomes", "preparing for adulthood"),
        ("we get DLA", "disability living allowance"),
        ("no 1:1 support", "one to one support"),
        ("DS is 9", "my son is 9"),
    ],
)
def test_abbreviations_are_expanded(text: str, expected: str) -> None:
    assert expected in expand(text)


def test_ot_is_case_sensitive() -> None:
    assert "occupational therapy" in expand("The OT report was left out")
    assert expand("not a lot") == "not a lot"
    assert "occupational therapy" not in expand("we got an ot of nothing")


def test_annual_review_only_in_a_review_context() -> None:
    assert "annual review" in expand("Our AR was in March and nothing has happened.")
    assert "annual review" in expand("First AR on Monday. What should I bring?")
    assert "annual review" in expand("The AR paperwork is 22 pages long")
    assert "annual review" not in expand("The AR headset at the science museum was fun")


def test_lower_case_two_letter_words_are_left_alone() -> None:
    # Welsh and Spanish "la", and "ta" for thanks, are not local authorities or teaching assistants.
    assert expand("Diolch yn fawr, la la la, ta very much") == "Diolch yn fawr, la la la, ta very much"


def test_shouting_does_not_turn_english_words_into_abbreviations() -> None:
    shouted = expand("WE HAVE WAITED TWO YEARS FOR CAMHS, TA FOR NOTHING")
    assert "teaching assistant" not in shouted
    assert "CAMHS" in shouted


def test_evidence_quotes_the_original_words() -> None:
    text = "My DS has ASD and the OT left."
    normalised = normalise(text)
    start = normalised.text.index("autism")
    assert normalised.quote(start, start + len("autism")) == "ASD"
    assert normalised.quote(0, len(normalised.text)) == text
    start = normalised.text.index("left")
    assert normalised.quote(start, start + 4) == "left"


def test_curly_quotes_are_straightened_without_moving_offsets() -> None:
    normalised = normalise("School said he’s “fine”")
    assert normalised.text == 'School said he\'s "fine"'
    assert normalised.quote(0, 6) == "School"
