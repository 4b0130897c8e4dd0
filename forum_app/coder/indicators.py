"""Codebook indicator phrases: matching, with negation.

Each theme in the codebook lists indicator phrases in a small, editable syntax (see
``codebook.json`` "indicator_syntax"): words match whole and case-insensitively, ``word*`` matches
any ending, ``a|b`` gives alternatives for one word, ``..`` allows up to four words in between and
``#`` is a number. Phrases are matched against the jargon-normalised text, and are themselves
normalised, so "SALT waiting list" in a codebook also finds "speech and language therapy waiting list".

A match is **negated** when the clause says the thing was not a problem or not needed ("no problems
with CAMHS", "we never needed social care", "nothing wrong with the plan"). Negated matches are not
evidence for the theme, and the words are hidden from the statistical model too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from forum_app.codebook.shipped import Codebook, default_codebook
from forum_app.coder.jargon import expand

NUMBER_WORDS = (
    "a",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "few",
    "several",
    "many",
    "some",
)
NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(NUMBER_WORDS) + ")"
_SEPARATOR = r"[\W_]+"
_GAP_MARK = ".."
_NUMBER_MARK = "#"
# A word of a gap is letters and digits, possessively, with inner apostrophes ("don't"); what follows it
# is anything else. The two share no character, so a run such as "cut ''" is read one way only
# (with "[\w']+[\W_]+" both could take an apostrophe, and 40 of them took 14 s).
_GAP_WORD = r"[^\W_]++(?:'[^\W_]++)*+"
_GAP = rf"(?:{_GAP_WORD}[\W_]+){{0,4}}"
# A "word*" ending: letters and digits, with inner apostrophes or hyphens, taken possessively.
_WILDCARD = r"[^\W_]*+(?:['-][^\W_]++)*+"

# Said just before a phrase (in the same clause), these mean the person never needed or used the
# thing: "we never needed mediation", "we've not been referred to CAMHS". General statements ("you
# don't need a diagnosis for an EHCNA") and "no problems with CAMHS" (still about CAMHS, just
# positive: see ``sentiment``) are not negations of the theme.
NEGATION_BEFORE = re.compile(
    r"(?:\b(?:never|not|haven'?t|hasn'?t|didn'?t|did\s+not|have\s+not|has\s+not)\s+(?:ever\s+)?"
    r"(?:needed|required|used|been\s+referred\s+to|been\s+near|been\s+involved\s+with|been\s+known\s+to|"
    r"had\s+to\s+use|had\s+to\s+go\s+to|had\s+any\s+need\s+(?:for|of)|needed\s+to\s+use|"
    r"had\s+to\s+go\s+near|involved\s+with|known\s+to)"
    r"|\b(?:didn'?t|did\s+not)\s+need"
    r"|\bno\s+need\s+(?:for|of|to\s+(?:use|go\s+to|see))"
    r")"
    r"(?:\s+(?:the|a|an|any|our|his|her|their|my|them|it|local|school|at|for|with|or|and))*\s*$",
    re.IGNORECASE,
)
# A clause ends at these; negation does not reach across them.
_CLAUSE_BREAK = re.compile(r"[.;!?\n]|\bbut\b|\bhowever\b|\bthough\b|\balthough\b|\bwhereas\b", re.IGNORECASE)
_NEGATION_REACH = 60
_TOKEN = re.compile(r"\w[\w']*")
_NUMBER_WORDS = frozenset(NUMBER_WORDS)


@dataclass(frozen=True)
class Hit:
    """One indicator phrase found in the normalised text."""

    theme: str
    phrase: str
    start: int
    end: int
    negated: bool


def _expanded_tokens(phrase: str) -> list[str]:
    return expand(phrase).split()


def phrase_regex(phrase: str) -> str:
    """The regular expression for one indicator phrase (see the module docstring).

    It is matched at the start of a word (see ``PhraseSet``) and must end at the end of a word.
    """
    parts: list[str] = []
    pending_gap = False
    for word in _expanded_tokens(phrase):
        if word == _GAP_MARK:
            pending_gap = True
            continue
        if word == _NUMBER_MARK:
            body = NUMBER
        else:
            alternatives = []
            for alternative in word.split("|"):
                wildcard = alternative.endswith("*")
                escaped = re.escape(alternative.rstrip("*")).replace(r"\-", r"[\s-]?")
                alternatives.append(escaped + (_WILDCARD if wildcard else ""))
            body = "(?:" + "|".join(alternatives) + ")"
        if parts:
            parts.append(_SEPARATOR + (_GAP if pending_gap else ""))
        parts.append(body)
        pending_gap = False
    return "".join(parts) + r"(?![\w])"


def _first_word_keys(phrase: str) -> tuple[list[str], list[str], bool]:
    """Index keys for a phrase's first word: (exact words, prefixes, is a number)."""
    words = [word for word in _expanded_tokens(phrase) if word != _GAP_MARK]
    if not words:
        return [], [], False
    if words[0] == _NUMBER_MARK:
        return [], [], True
    exact, prefixes = [], []
    for alternative in words[0].lower().split("|"):
        lead = re.match(r"[^\W_]+", alternative)
        if lead is None:
            continue
        if lead.group(0) == alternative:
            exact.append(alternative)
        else:
            prefixes.append(lead.group(0))
    return exact, prefixes, False


def is_negated(text: str, start: int) -> bool:
    """Does the clause before ``start`` say the person never needed or used the thing?"""
    window = text[max(0, start - _NEGATION_REACH) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return bool(NEGATION_BEFORE.search(window))


@dataclass(frozen=True)
class TextIndex:
    """The words of a normalised text, found once and shared by every phrase set."""

    text: str
    words: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, text: str) -> TextIndex:
        return cls(text, tuple((m.start(), m.group(0).lower()) for m in _TOKEN.finditer(text)))


class PhraseSet:
    """A named list of phrases (a theme's indicators, one part of a rule)."""

    def __init__(self, name: str, phrases: Sequence[str]) -> None:
        self.name = name
        self.phrases = tuple(phrases)
        self.patterns = tuple(re.compile(phrase_regex(phrase), re.IGNORECASE) for phrase in self.phrases)

    def find(self, index: TextIndex) -> list[tuple[str, int, int]]:
        """Non-overlapping matches, leftmost and then longest first (slow path: one set alone)."""
        return Matcher([self]).find(index)[0]


class Matcher:
    """Many phrase sets, indexed by the first word of each phrase, matched in one pass over a text.

    Only phrases whose first word fits a word of the text are tried, at that word; which phrases fit
    a word is remembered, so a word seen before costs one dictionary lookup.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, sets: Sequence[PhraseSet]) -> None:
        self.sets = tuple(sets)
        self._exact: dict[str, list[tuple[int, int]]] = {}
        self._prefix: dict[str, list[tuple[int, int]]] = {}
        self._number: list[tuple[int, int]] = []
        for set_index, phrase_set in enumerate(self.sets):
            for phrase_index, phrase in enumerate(phrase_set.phrases):
                key = (set_index, phrase_index)
                exact, prefixes, number = _first_word_keys(phrase)
                for word in exact:
                    self._exact.setdefault(word, []).append(key)
                for prefix in prefixes:
                    self._prefix.setdefault(prefix, []).append(key)
                if number:
                    self._number.append(key)
        self._candidates: dict[str, tuple[tuple[int, int], ...]] = {}
        # Only this many first letters of a word can fit a prefix: a 10,000-letter word costs no more.
        self._longest_prefix = max(map(len, self._prefix), default=0)

    def candidates(self, word: str) -> tuple[tuple[int, int], ...]:
        found = self._candidates.get(word)
        if found is None:
            keys = list(self._exact.get(word, ()))
            for length in range(1, min(len(word), self._longest_prefix) + 1):
                keys.extend(self._prefix.get(word[:length], ()))
            if self._number and (word[:1].isdigit() or word in _NUMBER_WORDS):
                keys.extend(self._number)
            found = tuple(sorted(set(keys)))
            if len(self._candidates) > self._CACHE_LIMIT:
                self._candidates.clear()
            self._candidates[word] = found
        return found

    def find(self, index: TextIndex) -> list[list[tuple[str, int, int]]]:
        """For each set: its non-overlapping matches, leftmost and then longest first."""
        text = index.text
        # Per set, the best (longest) match starting at each word.
        best: list[dict[int, tuple[int, int]]] = [{} for _ in self.sets]
        for start, word in index.words:
            for set_index, phrase_index in self.candidates(word):
                match = self.sets[set_index].patterns[phrase_index].match(text, start)
                if match is None or match.end() <= start:
                    continue
                current = best[set_index].get(start)
                if current is None or match.end() > current[1]:
                    best[set_index][start] = (phrase_index, match.end())
        results: list[list[tuple[str, int, int]]] = []
        for set_index, starts in enumerate(best):
            found = []
            cursor = 0
            for start in sorted(starts):
                if start < cursor:
                    continue
                phrase_index, end = starts[start]
                found.append((self.sets[set_index].phrases[phrase_index], start, end))
                cursor = end
            results.append(found)
        return results


@cache
def _theme_matcher(codebook: Codebook) -> Matcher:
    return Matcher([PhraseSet(theme.id, theme.indicators) for theme in codebook.themes])


def find_indicators(text: str | TextIndex, codebook: Codebook | None = None) -> list[Hit]:
    """Every indicator phrase of every theme in the normalised text."""
    index = text if isinstance(text, TextIndex) else TextIndex.of(text)
    matcher = _theme_matcher(codebook or default_codebook())
    hits = []
    for phrase_set, found in zip(matcher.sets, matcher.find(index), strict=True):
        for phrase, start, end in found:
            hits.append(Hit(phrase_set.name, phrase, start, end, is_negated(index.text, start)))
    return hits


def mask_negated(text: str, hits: Iterable[Hit]) -> str:
    """``text`` with negated phrases blanked out, so the model does not read them as needs."""
    spans = sorted({(hit.start, hit.end) for hit in hits if hit.negated})
    if not spans:
        return text
    out = []
    cursor = 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(" " * (end - start))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
