"""Hostile answers: long runs of the same capitalised word, digits, punctuation, invisible and
right-to-left characters, emoji, mixed scripts and texts without spaces go through redaction, the
safeguarding flags, the near-duplicate fingerprint and the theme coder without an error, and what
comes back is well formed. Their time is measured in ``bench/pathological.py``, not here."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum_app.coder.pipeline import code_text
from forum_app.coder.sentiment import LABELS
from forum_app.moderation.duplicates import BANDS, bands
from forum_app.moderation.language import detect_language
from forum_app.moderation.redact import TAGS, redact
from forum_app.moderation.safeguarding import flag

# Pieces that, repeated, made the old patterns backtrack or rescan, and odd characters of every kind.
UNITS = (
    "St ",
    "Mr ",
    "Mrs ",
    "Saint Mary ",
    "St. ",
    "Oak ",
    "The ",
    "Grace ",
    "School ",
    "Primary ",
    "oak ",
    "school ",
    "Our Lady of ",
    "Bishop ",
    "King Edward ",
    "little ",
    "head of year at ",
    "alfie and ",
    "poppy, ",
    "school on Oak ",
    "me and ",
    "Ac. ",
    "excluded from Oak ",
    "Oak Hill's ",
    "goes to Oak Hill ",
    "sir john ",
    "holy family ",
    "st. mary's ",
    "ABCD ",
    "0",
    "1 ",
    "12-",
    "1.",
    "07",
    ".-/,",
    "@",
    "a.b@",
    " at ",
    " dot ",
    "www.",
    "a-",
    "a'",
    "'",
    "a",
    "A",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2067",
    "\ufeff",
    "🙂",
    "👩\u200d👧",
    "Свяжитесь",
    "我的儿子",
    "مرحبا",
    "٠٧",
    "nhs ",
    "ref ",
    "dob ",
    "@jo ",
    "NG3 ",
    # A codebook phrase's first word, then a run its gap or ending could once read in many ways.
    "cut " + "'" * 60,
    "approv" + "'-" * 30,
    "still " + "_" * 40,
)
PLANTED = ("jo.hartley@example.org", "07700 900123", "sam.k@school.example.co.uk", "+44 7700 900456")


def _repeat(parts: list[str], length: int) -> str:
    unit = "".join(parts)
    return (unit * (length // len(unit) + 1))[:length]


hostile = st.builds(
    _repeat,
    st.lists(st.sampled_from(UNITS), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=6000),
)
HOSTILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_TAG_RE = re.compile("|".join(re.escape(tag) for tag in TAGS.values()))


@HOSTILE
@given(hostile)
def test_redaction_returns_valid_spans_and_well_formed_tags(text: str) -> None:
    result = redact(text)
    last = 0
    pieces = []
    for item in result.found:
        assert item.kind in TAGS
        assert last <= item.start < item.end <= len(text)  # in order, not overlapping, inside the text
        pieces += [text[last : item.start], TAGS[item.kind]]
        last = item.end
    pieces.append(text[last:])
    assert result.text == "".join(pieces)
    # No tag is cut or invented: taking the tags out leaves exactly the text that was kept.
    kept = "".join(pieces[0::2])
    assert _TAG_RE.sub("", result.text) == _TAG_RE.sub("", kept)


@HOSTILE
@given(hostile, st.sampled_from(PLANTED), st.floats(min_value=0, max_value=1))
def test_contact_details_inside_hostile_text_are_still_removed(text: str, planted: str, where: float) -> None:
    at = int(len(text) * where)
    answer = f"{text[:at]}\n{planted}\n{text[at:]}"
    start = at + 1
    result = redact(answer)
    assert any(item.start <= start and start + len(planted) <= item.end for item in result.found)
    assert planted not in result.text


@HOSTILE
@given(hostile)
def test_safeguarding_flags_answer_with_reasons(text: str) -> None:
    result = flag(text)
    assert isinstance(result.flagged, bool)
    assert all(isinstance(reason, str) and reason for reason in result.reasons)
    assert result.flagged == bool(result.reasons)


@HOSTILE
@given(hostile)
def test_duplicate_fingerprint_is_stable_and_sized(text: str) -> None:
    found = bands(text)
    assert len(found) in (0, BANDS)
    assert all(-(2**63) <= band < 2**63 for band in found)
    assert bands(text) == found


@HOSTILE
@given(hostile)
def test_language_of_hostile_text(text: str) -> None:
    found = detect_language(text)
    assert found.code and found.english == (found.code == "en")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_coder_scores_and_quotes_hostile_text(text: str) -> None:
    coding = code_text(text)
    assert coding.sentiment.label in LABELS
    assert all(0.0 <= score <= 1.0 for score in coding.scores.values())
    for suggestion in coding.themes:
        for evidence in suggestion.evidence:
            if evidence.kind in ("phrase", "rule"):
                assert evidence.text in text  # evidence is quoted from the answer as written


def test_repeated_saint_is_one_readable_setting_not_a_stall() -> None:
    # The answer that once stalled a worker: 26 times "St ", then a setting word.
    result = redact("St " * 26 + "School")
    assert result.text.endswith("[school]")
    assert "[name]" not in result.text
