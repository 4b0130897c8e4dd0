"""Sentiment: domain cues, TextBlob without NLTK data, and the combined model."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from forum_app.coder.pipeline import code_text
from forum_app.coder.sentiment import find_cues, textblob_sentiment


def _cue_names(text: str) -> set[str]:
    return set(find_cues(text))


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("We have waited 2 years for SALT.", "waiting_duration"),
        ("Three months on the list and still nothing.", "still_nothing"),
        ("We had to fight for everything.", "had_to_fight"),
        ("No one got back to me after the panel.", "no_one_replied"),
        ("The LA refused to assess.", "refused"),
        ("An average wait of 32 weeks against an 18-week target.", "statistic_shows_failure"),
        ("Amended plans are rarely finalised on time.", "shortfall"),
        ("No problems with CAMHS at all.", "not_a_problem"),
        ("Does anyone know how direct payments work?", "question"),
    ],
)
def test_domain_cues(text: str, cue: str) -> None:
    assert cue in _cue_names(text)


@pytest.mark.parametrize("text", ["The staff were wonderful and kind.", "This is awful!", "We waited.", ""])
def test_textblob_features_are_textblobs_own_sentiment(text: str) -> None:
    from textblob import TextBlob

    assert textblob_sentiment(text) == tuple(TextBlob(text).sentiment)


def test_textblob_polarity_alone_misses_complaints_without_sentiment_words() -> None:
    polarity, _ = textblob_sentiment("We have waited two years for speech and language therapy.")
    assert polarity == 0.0
    assert textblob_sentiment("The staff were wonderful and kind.")[0] > 0.3


@pytest.mark.parametrize(
    "text",
    [
        "We have waited two years for speech and language therapy.",
        "Still nothing from the SEN team, no one got back to me.",
        "The council refused to assess him. Again.",
        "Only 12% of plans were issued within 20 weeks, against a national average of 50%.",
    ],
)
def test_complaints_without_sentiment_words_are_negative(text: str) -> None:
    assert code_text(text).sentiment.label == "negative"


def test_praise_is_positive_and_no_problems_is_not_a_complaint() -> None:
    assert (
        code_text("Our caseworker is brilliant, she always rings back the same day.").sentiment.label
        == "positive"
    )
    coding = code_text("No problems with CAMHS at all, they saw him within three weeks and were lovely.")
    assert coding.sentiment.label == "positive"


def test_score_runs_from_negative_to_positive() -> None:
    negative = code_text("Two years on the waiting list and nobody has called.").sentiment
    positive = code_text("The short breaks club has been a lifeline, he loves it.").sentiment
    assert -1.0 <= negative.score < 0 < positive.score <= 1.0


def test_textblob_needs_no_nltk_data(tmp_path: Path) -> None:
    """The TextBlob features used work with NLTK_DATA pointing at an empty directory."""
    script = textwrap.dedent(
        """
        import nltk
        nltk.data.path[:] = [__import__("os").environ["NLTK_DATA"]]
        from forum_app.coder.sentiment import textblob_sentiment
        from forum_app.coder.pipeline import code_text
        assert textblob_sentiment("The staff were wonderful.")[0] > 0.3
        assert textblob_sentiment("This is awful.")[0] < 0
        coding = code_text("We had to fight for two years to get an EHCP.")
        assert coding.sentiment.label == "negative", coding.sentiment
        print("ok")
        """
    )
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
    assert not any(empty.iterdir()), "nothing may be downloaded"
