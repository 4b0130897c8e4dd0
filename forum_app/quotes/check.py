"""The final check on a quote before it goes into an evidence pack: no school year, month or date,
exact age, or name.

PACK.md's quote rules: never name children, staff, settings or providers, and never give an exact age
or date. Moderation redacts names, contact details and dates of birth, but a plain "{he} is in Year
3", "the annual review was in March" or "she turned 12" is not a personal detail on its own and passes
it; in a pack, next to a theme and a descriptor, it narrows down who wrote it. So every candidate quote
is checked again when a pack is built: a quote with any of these is **left out of the pack, never
edited** (PACK.md: no edits beyond marked redaction), and the lead sees why on the candidate quotes
page and in the pack's checklist.

What counts (``check_quote``):

- a school year: "Year 3", "yr 10", "Y6", "year three", "Year R", "reception";
- a month or a date: month names ("March" and "May" only where they cannot be the verb: capitalised
  mid-sentence, or after "in", "since", "end of" ...), "Sept", "14/03/2025", "2025-03-14",
  "on the 14th", "3rd of";
- an exact age: "aged 7", "age 7", "at the age of 7", "7 years old", "7-year-old", "18 months old",
  "7yo", "7 y/o", "turned 12", "turns 5", "he is 7", "she's twelve", "my son was 4";
- a name of a person or a setting, or another personal detail: anything the moderation redactor
  (``moderation.redact``, with the forum's own lists) still finds in the approved text, such as a name
  its moderator kept.

Every pattern is linear on hostile input: no quantifier inside another, every run of spaces bounded
(``{1,3}``), and the age rule's look-ahead bounded, so a 10,000-character string of digits, spaces
or "year year year" is scanned once. The tests walk the compiled patterns to keep it so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from forum_app.moderation.redact import find, merge

SCHOOL_YEAR = "school year"
DATE = "month or date"
AGE = "age"
NAME = "name"
DETAIL = "personal detail"
KINDS = (SCHOOL_YEAR, DATE, AGE, NAME, DETAIL)
# Why a quote is left out, in words for the lead ("it gives a school year").
REASONS = {
    SCHOOL_YEAR: "it gives a school year",
    DATE: "it gives a month or a date",
    AGE: "it gives an exact age",
    NAME: "it has a name of a person or a setting in it",
    DETAIL: "it has a personal detail in it, such as a phone number or a reference",
}
# What a quote gives, for counts ("2 give an exact age").
NOUNS = {
    SCHOOL_YEAR: "a school year",
    DATE: "a month or a date",
    AGE: "an exact age",
    NAME: "a name of a person or a setting",
    DETAIL: "another personal detail",
}
# The redactor's kinds (``moderation.redact.TAGS``) as ours; any other is a personal detail.
REDACTOR_KINDS = {"name": NAME, "school": NAME, "dob": DATE}

_SP = r"[ \t\u00a0]{1,3}"  # a few spaces: bounded, so no run of spaces is tried two ways
_NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty(?:[ \-](?:one|two|three|four|five))?)"
)
_AGE_NUMBER = rf"(?:\d{{1,2}}|{_NUMBER_WORDS})"
_SCHOOL_YEAR_RE = re.compile(
    r"\b(?:year|yr)[ \t.]{0,2}(?:1[0-3]|[1-9]|r|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|thirteen)\b"
    r"|\by(?:1[0-3]|[1-9])\b"
    r"|\breception\b",
    re.IGNORECASE,
)
_MONTH_RE = re.compile(
    r"\b(?:january|february|april|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_MONTH_SHORT_RE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")
# "March" and "May" are verbs too: a month only when capitalised mid-sentence or after a time word.
_MARCH_MAY_RE = re.compile(r"\b(?:March|May)\b")
_MARCH_MAY_CUE_RE = re.compile(
    rf"\b(?:in|on|since|until|till|from|of|last|next|early|late|mid|end|beginning|start)"
    rf"(?:{_SP}|-)(?:march|may)\b",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    rf"|\bon{_SP}the{_SP}\d{{1,2}}(?:st|nd|rd|th)\b(?![ \t]{{0,3}}[a-z])",
    re.IGNORECASE,
)
_CHILD = (
    r"(?:he|she|they|son|daughter|child|boy|girl|lad|grandson|granddaughter|brother|sister|twins|ds|dd"
    r"|eldest|youngest)"
)
_AGE_RE = re.compile(
    rf"\b(?:aged?|turned|turns|turning)(?:[:\-]|[ \t][:\-])?{_SP}(?:of[ \t]|just[ \t])?[ \t]{{0,2}}"
    rf"{_AGE_NUMBER}\b"
    rf"|\b{_AGE_NUMBER}[ \t\-]?(?:years?|yrs?|months?)[ \t\-]?old\b"
    rf"|\b\d{{1,2}}[ \t]?(?:yo|y/o|y\.o)\b"
    rf"|\b{_CHILD}(?:['’]s|{_SP}(?:is|was|are|were)){_SP}"
    rf"(?:now[ \t]|only[ \t]|just[ \t]|nearly[ \t]|almost[ \t])?[ \t]{{0,2}}{_AGE_NUMBER}\b"
    rf"(?![:/]|\.\d|[ \t]{{0,3}}%|[ \t]{{0,3}}(?:weeks?|months?|years?|days?|hours?|minutes?|times?|of|out"
    rf"|miles?|pages?|emails?|calls?)\b)",
    re.IGNORECASE,
)
PATTERNS: tuple[re.Pattern[str], ...] = (
    _SCHOOL_YEAR_RE,
    _MONTH_RE,
    _MONTH_SHORT_RE,
    _MARCH_MAY_RE,
    _MARCH_MAY_CUE_RE,
    _DATE_RE,
    _AGE_RE,
)


@dataclass(frozen=True)
class Problem:
    """Why a quote is left out: its kind (``KINDS``) and the words that made it so."""

    kind: str
    words: str

    @property
    def reason(self) -> str:
        return REASONS[self.kind]


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t\u00a0")
    return not before or before[-1] in '.!?:;\n"“(-–—•*'


def _months(text: str) -> list[re.Match[str]]:
    found = [*_MONTH_RE.finditer(text), *_MONTH_SHORT_RE.finditer(text), *_MARCH_MAY_CUE_RE.finditer(text)]
    found += [match for match in _MARCH_MAY_RE.finditer(text) if not _starts_sentence(text, match.start())]
    return found + list(_DATE_RE.finditer(text))


def check_quote(
    text: str, deny_names: Iterable[str] = (), deny_list: Iterable[str] = ()
) -> tuple[Problem, ...]:
    """What would identify a family in this quote, by kind then in text order (overlapping finds of one
    kind once); empty if nothing. ``deny_names`` and ``deny_list``: the forum's own names of people and
    settings (its moderation settings)."""
    found: list[tuple[str, int, int]] = []
    found += [(SCHOOL_YEAR, match.start(), match.end()) for match in _SCHOOL_YEAR_RE.finditer(text)]
    found += [(DATE, match.start(), match.end()) for match in _months(text)]
    found += [(AGE, match.start(), match.end()) for match in _AGE_RE.finditer(text)]
    found += [
        (REDACTOR_KINDS.get(span.kind, DETAIL), span.start, span.end)
        for span in merge(find(text, deny_list, deny_names))
    ]
    problems: list[Problem] = []
    last_end: dict[str, int] = {}
    for kind, start, end in sorted(found, key=lambda item: (KINDS.index(item[0]), item[1], -item[2])):
        if start < last_end.get(kind, -1):
            continue  # "in March" and "March": one find
        last_end[kind] = end
        problems.append(Problem(kind, text[start:end]))
    return tuple(problems)


def reasons(problems: Iterable[Problem]) -> list[str]:
    """The distinct reasons, in ``KINDS`` order: ["it gives a school year", "it has a name in it"]."""
    return list(
        dict.fromkeys(problem.reason for problem in sorted(problems, key=lambda p: KINDS.index(p.kind)))
    )


def explain(problems: Iterable[Problem], most_words: int = 3) -> list[str]:
    """Each reason with the words found: ['it gives a school year (“Year 3”)', ...], in ``KINDS`` order."""
    words: dict[str, list[str]] = {}
    for problem in sorted(problems, key=lambda p: KINDS.index(p.kind)):
        found = words.setdefault(problem.reason, [])
        if problem.words not in found:
            found.append(problem.words)
    out = []
    for reason, found in words.items():
        quoted = ", ".join(f"“{w[:40]}”" for w in found[:most_words])
        out.append(f"{reason} ({quoted}{', ...' if len(found) > most_words else ''})")
    return out
