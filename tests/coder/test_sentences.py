"""Redaction tags are never read, and long answers are coded sentence by sentence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from forum_app.coder.classifier import prepare
from forum_app.coder.pipeline import code_text, code_texts
from forum_app.coder.sentences import LONGEST_SENTENCE, MOST_SENTENCES, blank_tags, sentence_spans
from forum_app.coder.shipped_model import default_model
from forum_app.moderation.redact import TAGS


@pytest.mark.parametrize("tag", sorted(TAGS.values()))
def test_every_redaction_tag_is_blanked_keeping_the_length(tag: str) -> None:
    text = f"Please write to {tag} about it."
    blanked = blank_tags(text)
    assert len(blanked) == len(text)
    assert "[" not in blanked and tag.strip("[]").split()[0] not in blanked
    assert blanked.startswith("Please write to ") and blanked.endswith(" about it.")


def test_ordinary_brackets_and_numbers_are_kept() -> None:
    assert blank_tags("Section F [2] says (weekly) SALT") == "Section F [2] says (weekly) SALT"


def test_a_redaction_tag_is_never_evidence_nor_a_feature() -> None:
    coding = code_text("Contact [email] or [phone]. Write to [name] at [school], [address].")
    quoted = [item.text for theme in coding.themes for item in theme.evidence]
    assert not any("[" in text or text.lower() in {"email", "phone", "name", "school"} for text in quoted)
    model = default_model()
    tagged = model.features([prepare("The caseworker never replied to my [email].")])
    plain = model.features([prepare("The caseworker never replied to my .")])
    assert np.allclose(tagged.toarray(), plain.toarray())


def test_sentences_split_on_stops_and_lines_and_long_runs() -> None:
    text = "We waited. Then CAMHS said no!\nSo we went private"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "We waited.",
        "Then CAMHS said no!",
        "So we went private",
    ]
    assert sentence_spans("one sentence only.") == ()
    run_on = " ".join(f"word{i}" for i in range(3 * LONGEST_SENTENCE))
    pieces = [run_on[a:b] for a, b in sentence_spans(run_on)]
    assert len(pieces) > 2 and " ".join(pieces) == run_on
    many = " ".join("Short one." for _ in range(3 * MOST_SENTENCES))
    assert len(sentence_spans(many)) == MOST_SENTENCES


def test_sentence_counts_add_up_to_the_whole_text_features() -> None:
    """The texts' rows equal what the vectorisers give for the whole text (no cross-sentence n-grams)."""
    model = default_model()
    items = [prepare("The SENCO is great. CAMHS refused him."), prepare("one sentence")]
    word, char = model.vectorizers()
    expected = sparse.hstack(
        [
            word.transform([item.model_text for item in items]),
            char.transform([item.model_text for item in items]),
        ]
    ).toarray()
    scored = model.scored(items)
    assert np.allclose(scored.features.toarray()[:, : expected.shape[1]], expected, atol=0.02)
    assert list(scored.sentence_owner) == [0, 0]
    ungated = [i for i, theme in enumerate(model.theme_ids) if theme not in model.params["phrase_gate"]]
    assert (scored.probabilities[:, ungated] >= scored.whole_probabilities[:, ungated] - 1e-12).all()


def test_a_theme_carried_by_one_sentence_of_a_long_answer_is_found_with_its_evidence() -> None:
    filler = "We moved house last spring and the weather has been awful and the dog is old. " * 3
    text = filler + "The annual review was in March and the amended plan never came. " + filler
    coding = code_text(text)
    assert "annual_reviews" in coding.theme_ids
    suggestion = next(theme for theme in coding.themes if theme.theme == "annual_reviews")
    assert any("review" in item.text.lower() for item in suggestion.evidence)


def test_council_alone_is_not_leadership() -> None:
    themes = set(
        code_text("I rang the council three times about his school place and nobody rang back.").theme_ids
    )
    assert "leadership_commissioning" not in themes
    assert (
        "leadership_commissioning"
        in code_text("Leaders have no strategy and joint commissioning of therapies is weak.").theme_ids
    )


def test_text_speak_is_read() -> None:
    messy, plain = code_texts(
        [
            "ehcp says 1:1 but its not bein followed, school say no money 4 a TA ffs",
            "been on the waitin list 4 asd assessment 2 yrs now",
        ]
    )
    assert "provision_gaps" in messy.theme_ids and messy.sentiment.label == "negative"
    assert {"waiting_times", "identification_of_needs"} <= set(plain.theme_ids)
