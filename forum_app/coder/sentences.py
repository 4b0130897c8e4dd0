"""Before coding: redaction tags blanked out, and a long answer cut into sentences.

Redaction leaves tags such as "[name]", "[email]" or "[school]" where it removed something (see
``forum_app.moderation.redact.TAGS``). A tag says nothing about the family's experience, so it is
never a feature nor evidence: ``blank_tags`` replaces every bracketed tag of letters with spaces of
the same length (offsets stay the same, so evidence still quotes the text as written).

A multi-sentence answer often mentions several services in one breath, and a theme carried by one
sentence is diluted in the whole. ``sentence_spans`` splits a text into sentences (after ``.``,
``!`` or ``?``, at line breaks), and cuts a run-on sentence of more than ``LONGEST_SENTENCE`` words
(answers written without punctuation) into pieces of about ``PIECE_WORDS`` words. Spans always start
and end at whitespace, so the word and character n-grams of the pieces add up to those of the text.
"""

from __future__ import annotations

import re

# "[email]", "[date of birth]", "[NHS number]": a bracketed run of letters and spaces.
REDACTION_TAG = re.compile(r"\[[A-Za-z][A-Za-z ]{0,29}\]")
# A sentence ends after ., ! or ? and the spaces that follow, or at a line break. The break's own match
# starts at the "\n" (never at the spaces before it): a leading ``\s*`` would rescan a long run of
# spaces from every position of it.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*")
_WORD = re.compile(r"\S+")
LONGEST_SENTENCE = 40
PIECE_WORDS = 25
# Texts longer than this many sentences are coded as a whole and by their first sentences only.
MOST_SENTENCES = 60


def blank_tags(text: str) -> str:
    """``text`` with every redaction tag replaced by spaces of the same length."""
    if "[" not in text:
        return text
    return REDACTION_TAG.sub(lambda match: " " * len(match.group()), text)


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words = [match.span() for match in _WORD.finditer(text, start, end)]
    if not words:
        return []
    if len(words) <= LONGEST_SENTENCE:
        return [(words[0][0], words[-1][1])]
    n_pieces = round(len(words) / PIECE_WORDS) or 1
    size = -(-len(words) // n_pieces)
    return [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of each sentence or piece, or ``()`` when the text is a single one."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _SENTENCE_END.finditer(text):
        spans.extend(_pieces(text, cursor, match.start()))
        cursor = match.end()
        if len(spans) >= MOST_SENTENCES:
            break
    else:
        spans.extend(_pieces(text, cursor, len(text)))
    spans = spans[:MOST_SENTENCES]
    return tuple(spans) if len(spans) > 1 else ()
