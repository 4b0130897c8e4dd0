"""UK SEND jargon normalisation.

Parents, inspectors and the Ombudsman write the same things in different words: "SALT", "SLT",
"speech therapy" and "speech and language therapy" are one service. ``normalise`` rewrites the
abbreviations and variants into one shared wording, so the codebook's indicator phrases and the
statistical model see the same words whoever wrote the text.

Ambiguity is handled conservatively:

- Short abbreviations that are also ordinary words or letters are matched **case-sensitively**
  ("OT" but not "ot"; "LA" but not "la", which is Welsh, Spanish or French).
- "AR" becomes "annual review" only in a review context (an EHC plan, a meeting, a date, "our AR").
- In ALL-CAPS text, two-letter abbreviations that are English words ("TA" = thanks, "PA" = dad) are
  left alone.

The normalised text keeps a map back to the original, so evidence can quote what the person wrote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

# Same-length character fixes first: they keep every offset unchanged.
_SAME_LENGTH = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}
)

# Words within this many characters that make "AR" mean an annual review.
_AR_CONTEXT = re.compile(
    r"\b(?:review|plan|EHC|EHCP|meeting|paperwork|held|amend\w*|SENCO|SENDCo|school|LA|council|caseworker|"
    r"case officer|report\w*|draft|date|booked|due|overdue|minutes)\b",
    re.IGNORECASE,
)
_AR_BEFORE = re.compile(
    r"\b(?:his|her|their|our|my|last|next|first|second|best|worst|interim|emergency|year \d+)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    """One abbreviation or variant and the words it becomes."""

    pattern: str
    replacement: str
    case_sensitive: bool = False
    # An English word in ALL CAPS (TA = thanks, PA = dad): skipped when the whole text shouts.
    word_risk: bool = False
    context: Callable[[str, int, int], bool] | None = None
    # Keep a plural: "EPs" -> "educational psychologists".
    plural: bool = False


def _annual_review_context(text: str, start: int, end: int) -> bool:
    if _AR_BEFORE.search(text[max(0, start - 25) : start]):
        return True
    window = text[max(0, start - 60) : start] + " " + text[end : end + 60]
    return bool(_AR_CONTEXT.search(window))


# Order matters only for overlapping alternatives: longer forms come first.
RULES: tuple[Rule, ...] = (
    # EHC needs assessments and plans
    Rule(r"\bEHC\s*NAs?\b|\bEHCNAs?\b|\bEHC needs? assessments?\b", "EHC needs assessment"),
    Rule(
        r"\beducation,? health,? (?:and|&) care (?:\(EHC\) )?needs? assessments?\b",
        "EHC needs assessment",
    ),
    Rule(r"\beducation,? health,? (?:and|&) care (?:\(EHC\) )?plans?\b", "EHC plan"),
    Rule(r"\bE\.?H\.?C\.?P'?s?\b|\bEHC plans?\b|\bEHC\b(?!\s+needs)", "EHC plan"),
    Rule(r"\bstatements? of (?:special educational )?needs?\b", "EHC plan"),
    # Therapies and professionals
    Rule(r"\bS\.?A\.?L\.?T'?s?\b|\bSaLT'?s?\b|\bSLTs?\b|\bS ?& ?L\b", "speech and language therapy", True),
    Rule(
        r"\bspeech (?:and|&) language therap(?:y|ists?)\b|\bspeech therap(?:y|ists?)\b",
        "speech and language therapy",
    ),
    Rule(r"\bOTs?\b", "occupational therapy", True),
    Rule(r"\boccupational therap(?:y|ists?)\b", "occupational therapy"),
    Rule(r"\bphysios?\b|\bphysiotherap(?:y|ists?)\b", "physiotherapy"),
    Rule(r"\bEd(?:ucational)? ?Psychs?\b|\bEPs?\b", "educational psychologist", True, plural=True),
    Rule(r"\beducational psychologists?\b|\bed psychs?\b", "educational psychologist", plural=True),
    Rule(r"\bpaeds\b|\bpaediatrician'?s?\b|\bpaediatrics\b|\bpeads\b", "paediatrics"),
    Rule(r"\bCDC\b", "child development centre", True),
    # Mental health
    Rule(r"\bC\.?A\.?M\.?H\.?S\b|\bCYPMHS\b|\bCAHMS\b", "CAMHS", False),
    Rule(r"\bAMHS\b", "adult mental health services", True),
    Rule(r"\bMHSTs?\b", "mental health support team", True),
    Rule(r"\bEBSA\b", "emotionally based school avoidance", True),
    Rule(r"\bSEMH\b", "social emotional and mental health", True),
    # Needs and diagnoses
    Rule(r"\bND\b", "neurodevelopmental", True),
    Rule(r"\bneuro-?developmental\b|\bneurodiverse\b|\bneurodivergen(?:t|ce)\b", "neurodevelopmental"),
    Rule(r"\bASD\b|\bASC\b|\bautism spectrum (?:disorder|condition)\b", "autism", True),
    Rule(r"\basd\b|\bautistic spectrum\b", "autism"),
    Rule(r"\bADD\b", "ADHD", True, word_risk=True),
    Rule(r"\bDLD\b", "developmental language disorder", True),
    Rule(r"\bPDA\b", "pathological demand avoidance", True),
    Rule(r"\bSLCN\b", "speech language and communication needs", True),
    Rule(r"\bSP?LD\b|\bPMLD\b|\bMLD\b", "learning difficulties", True),
    Rule(r"\bLD\b", "learning disability", True),
    # School and education
    Rule(r"\bSENCOs?\b|\bSENDCOs?\b|\bSENCo'?s?\b|\bSENDCo'?s?\b|\bSenco'?s?\b|\bSendco'?s?\b", "SENCO"),
    Rule(r"\bTAs?\b", "teaching assistant", True, word_risk=True, plural=True),
    Rule(r"\bLSAs?\b", "teaching assistant", True, plural=True),
    Rule(r"\b1[:\-]1\b|\bone[- ]to[- ]one\b|\b1 to 1\b", "one to one"),
    Rule(r"\bAP\b", "alternative provision", True),
    Rule(r"\bPRUs?\b", "pupil referral unit", True),
    Rule(r"\bEOTAS\b", "education otherwise than at school", False),
    Rule(r"\bEHE\b", "elective home education", True),
    Rule(r"\bhome[- ]ed\b|\bhome[- ]educat(?:ion|ing|e)\b", "elective home education"),
    Rule(r"\bERPs?\b", "resourced provision", True),
    Rule(r"\bresource(?:d)? (?:base|unit|provision)s?\b", "resourced provision"),
    Rule(r"\bPfA\b|\bPFA\b", "preparing for adulthood", True),
    Rule(r"\bNEETs?\b", "NEET not in education employment or training", True),
    Rule(r"\b(?:Y|Yr|Year)\s?(\d{1,2})\b", r"year \1", True),
    Rule(r"\bpost[- ]?16\b", "post 16"),
    Rule(r"\bpost[- ]?19\b", "post 19"),
    # Reviews, disagreement and complaints
    Rule(r"\bARs?\b", "annual review", True, context=_annual_review_context),
    Rule(r"\bLGSCO\b|\bLGO\b|\bL\.G\.O\.?\b", "ombudsman", True),
    Rule(r"\bLocal Government (?:and Social Care )?Ombudsman\b", "ombudsman"),
    Rule(r"\bSENDIST\b|\bSEND tribunal\b|\bSENDT\b|\bFTT\b|\bfirst[- ]tier tribunal\b", "SEND tribunal"),
    Rule(r"\bJR\b", "judicial review", True),
    Rule(r"\bSENDIASS\b|\bSENDIAS\b|\bIASS\b|\bIAS service\b", "SENDIASS information and advice service"),
    # Social care and money
    Rule(r"\bDLA\b", "disability living allowance", True),
    Rule(r"\bPIP\b", "personal independence payment", True),
    Rule(r"\bDPs?\b", "direct payments", True),
    Rule(r"\bPAs?\b", "personal assistant", True, word_risk=True, plural=True),
    Rule(r"\bCIN\b", "child in need", True),
    Rule(r"\bCWD\b|\bDCT\b", "disabled children's team", True),
    Rule(r"\bTA[FC]\b", "team around the family", True),
    Rule(r"\bDSR\b", "dynamic support register", True),
    # Organisations and strategy
    Rule(r"\bLAs\b", "local authorities", True),
    Rule(r"\bLA'?s?\b", "local authority", True),
    Rule(r"\bICBs?\b|\bCCGs?\b", "integrated care board", True),
    Rule(r"\bDCO\b|\bDMO\b", "designated clinical officer", True),
    Rule(r"\bPCFs?\b", "parent carer forum", True),
    Rule(r"\bLANO\b", "local area nominated officer", True),
    Rule(r"\bWSoA\b|\bWSOA\b", "written statement of action", True),
    # Forum shorthand for family members
    Rule(r"\bDS\d?\b", "my son", True),
    Rule(r"\bDD\d?\b", "my daughter", True),
    Rule(r"\bDH\b", "my husband", True),
    # Text-speak: contractions written without the apostrophe, and short forms of time words
    Rule(r"\b(is|was|does|did|has|have|had|are|were|would|could|should|ca|wo|do)nt\b", r"\1n't"),
    Rule(r"\bive\b", "I've"),
    Rule(r"\bim\b", "I'm"),
    Rule(r"\bthey?re\b(?= (?:not|going|saying|refusing|waiting|still))", "they're"),
    Rule(r"\byrs\b", "years"),
    Rule(r"\byr\b", "year"),
    Rule(r"\bwks\b", "weeks"),
    Rule(r"\bwk\b", "week"),
    Rule(r"\bm(?:n)?ths\b", "months"),
    Rule(r"\bnxt\b", "next"),
    Rule(r"\bc(?:o|u)[sz]\b", "because"),
    Rule(r"\bppl\b", "people"),
    Rule(r"\bb4\b", "before"),
    Rule(r"\bno1\b", "no one"),
    Rule(r"\bsch\b", "school"),
)


@dataclass(frozen=True)
class Normalised:
    """Normalised text, with a map back to the original for quoting evidence."""

    original: str
    text: str
    # (start in text, end in text, start in original, end in original), sorted, non-overlapping.
    edits: tuple[tuple[int, int, int, int], ...] = field(default_factory=tuple)
    expansions: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        return self._to_original(start, is_end=False), self._to_original(end, is_end=True)

    def quote(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    @cached_property
    def _starts(self) -> list[int]:
        # Built once per text: a long text with thousands of edits maps each span in log time.
        return [edit[0] for edit in self.edits]

    def _to_original(self, position: int, *, is_end: bool) -> int:
        index = bisect_right(self._starts, position) - 1
        if index < 0:
            return position
        n_start, n_end, o_start, o_end = self.edits[index]
        if position < n_end or (position == n_end and not is_end and position > n_start):
            # Inside an expansion: snap to the whole abbreviation.
            return o_end if is_end else o_start
        return o_end + (position - n_end)


def _compile() -> re.Pattern[str]:
    """One alternation, one pass: offsets stay easy to map back."""
    parts = []
    for index, rule in enumerate(RULES):
        body = f"(?:{rule.pattern})" if rule.case_sensitive else f"(?i:{rule.pattern})"
        parts.append(f"(?P<r{index}>{body})")
    return re.compile("|".join(parts))


_PATTERN = _compile()
# Abbreviations start at the start of a word: trying only there is several times faster.
_WORD_START = re.compile(r"\b\w")


def is_shouting(text: str) -> bool:
    """Mostly capital letters (and long enough to tell)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _replacement(rule: Rule, found: str) -> str:
    if "\\" in rule.replacement:
        return re.sub(rule.pattern, rule.replacement, found)
    if rule.plural and found.rstrip("'").endswith("s"):
        return rule.replacement + "s"
    return rule.replacement


def normalise(text: str) -> Normalised:
    """Expand SEND abbreviations and variants into shared wording (see the module docstring)."""
    source = text.translate(_SAME_LENGTH)
    shouting = is_shouting(source)
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    expansions: list[tuple[str, str]] = []
    cursor = 0
    length = 0
    for word in _WORD_START.finditer(source):
        if word.start() < cursor:
            continue
        match = _PATTERN.match(source, word.start())
        if match is None or match.lastgroup is None:
            continue
        name = match.lastgroup
        rule = RULES[int(name[1:])]
        if shouting and rule.word_risk:
            continue
        if rule.context is not None and not rule.context(source, match.start(), match.end()):
            continue
        found = match.group(0)
        replacement = _replacement(rule, found)
        if replacement == found:
            continue
        pieces.append(source[cursor : match.start()])
        length += match.start() - cursor
        edits.append((length, length + len(replacement), match.start(), match.end()))
        expansions.append((found, replacement))
        pieces.append(replacement)
        length += len(replacement)
        cursor = match.end()
    pieces.append(source[cursor:])
    return Normalised(original=text, text="".join(pieces), edits=tuple(edits), expansions=tuple(expansions))


def expand(text: str) -> str:
    """The normalised text only."""
    return normalise(text).text
