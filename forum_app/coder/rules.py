"""The codebook's cross-theme decision rules.

Some situations always carry two themes ("autism assessment waits" are both ``waiting_times`` and
``identification_of_needs``). Each rule here is one of the codebook's decision rules: a set of
phrases, or two sets that must appear close together in the same sentence. A rule that fires is
evidence for its themes and makes the coder suggest them, whatever the statistical model says.
Phrases use the codebook's indicator syntax and skip negated mentions ("no problems with CAMHS").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from forum_app.coder.indicators import Matcher, PhraseSet, TextIndex, is_negated

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_WORD = re.compile(r"[\w']+")

WAIT = (
    "wait*",
    "waited",
    "waiting list*",
    "on the list",
    "on their list",
    "queue*",
    "backlog",
    "delay*",
    "took # week*|month*|year*",
    "# week*|month*|year* wait*",
    "months|years later",
    "still no|not .. seen",
)


@dataclass(frozen=True)
class CrossRule:
    """Phrases from ``first`` (and, when given, ``second`` within ``window`` words) -> ``themes``."""

    name: str
    description: str
    themes: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...] = ()
    window: int = 10
    unless: tuple[str, ...] = ()

    def decide(
        self,
        text: str,
        sentences: list[int],
        first: list[tuple[str, int, int]],
        second: list[tuple[str, int, int]],
        unless: list[tuple[str, int, int]],
    ) -> tuple[int, int] | None:
        """The span of the normalised text that makes the rule fire, or None."""
        if unless:
            return None
        firsts = _spans(text, sentences, first)
        if not firsts or not self.second:
            return firsts[0][1:] if firsts else None
        for sentence1, a1, b1 in firsts:
            for sentence2, a2, b2 in _spans(text, sentences, second):
                if sentence1 != sentence2:
                    continue
                between = text[b1:a2] if b1 <= a2 else text[b2:a1] if b2 <= a1 else ""
                if len(_WORD.findall(between)) <= self.window:
                    return min(a1, a2), max(b1, b2)
        return None


def _spans(text: str, sentences: list[int], found: list[tuple[str, int, int]]) -> list[tuple[int, int, int]]:
    """(sentence number, start, end) of the matches that are not negated."""
    return [
        (bisect_right(sentences, start), start, end) for _, start, end in found if not is_negated(text, start)
    ]


# What parents say when they keep asking and hear nothing back.
CHASING = ("chas*", "no one got|gets back", "nobody got|gets back", "no reply", "heard nothing")

CROSS_RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "diagnostic_assessment_wait",
        "Diagnostic assessment waits (autism, ADHD, ND, DLD) -> waiting_times + identification_of_needs.",
        ("waiting_times", "identification_of_needs"),
        first=WAIT,
        second=(
            "autism|autistic|ADHD|neurodevelopmental assessment*|pathway*|referral*|clinic*",
            "dyslexia|dyspraxia assessment*|screening",
            "developmental language disorder assessment*",
            "assessment* for|of autism|ADHD|dyslexia|dyspraxia",
            "assessment* for|of developmental language disorder",
            "diagnos*",
            "neurodevelopmental",
        ),
    ),
    CrossRule(
        "camhs_wait",
        "CAMHS waits -> waiting_times + mental_health.",
        ("waiting_times", "mental_health"),
        first=WAIT,
        second=(
            "CAMHS",
            "mental health service*|team*",
            "adult mental health services",
            "crisis team",
            "psychiatr*",
        ),
    ),
    CrossRule(
        "had_to_fight",
        "'Had to fight/battle/push' -> family_impact, plus whatever was fought for.",
        ("family_impact",),
        first=(
            "fight*",
            "fought",
            "battl*",
            "had|have|having to push",
            "push and push",
            "had|have|having to beg",
        ),
        unless=("into a fight", "in a fight", "fights with", "fighting with", "fire fighting"),
    ),
    CrossRule(
        "school_avoidance_mental_health",
        "EBSA or non-attendance with mental health -> mental_health + exclusions_school_places.",
        ("mental_health", "exclusions_school_places"),
        first=(
            "emotionally based school avoidance",
            "school refus*",
            "school avoidance",
            "refus* to go to school",
        ),
    ),
    CrossRule(
        "non_attendance_with_anxiety",
        "Non-attendance with mental health needs -> mental_health + exclusions_school_places.",
        ("mental_health", "exclusions_school_places"),
        first=("anxi*", "mental health", "panic attack*", "CAMHS", "self harm*", "depress*"),
        second=(
            "out of school",
            "not been in school",
            "hasn't been in|to school",
            "can't get .. to|into school",
            "not attending",
            "attendance",
            "through the door",
            "stopped going to school",
        ),
        window=15,
    ),
    CrossRule(
        "mental_health_at_18",
        "Mental health support stopping at 18 -> mental_health + transitions_pfa.",
        ("mental_health", "transitions_pfa"),
        first=("CAMHS", "mental health", "psychiatr*"),
        second=(
            "turn* 18",
            "at 18",
            "aged 18",
            "18th birthday",
            "adult mental health services",
            "adult services",
            "transition* to adult*",
            "eighteen",
        ),
        window=15,
    ),
    CrossRule(
        "health_advice_missing_from_plan",
        "Health or social care advice missing from a plan -> ehcp_quality + joint_working.",
        ("ehcp_quality", "joint_working"),
        first=(
            "health|medical|clinical|therapy|paediatrics advice|section|input|report*",
            "social care advice|section|input|report*",
            "occupational therapy advice|report*",
            "speech and language therapy advice|report*",
            "physiotherapy advice|report*",
            "health and social care advice|sections|input",
        ),
        second=(
            "missing",
            "left out",
            "not included",
            "wasn't|weren't included",
            "blank",
            "empty",
            "didn't send",
            "never sent",
            "not sent",
            "no advice",
            "omitted",
            "ignored",
            "never received",
        ),
        window=8,
    ),
    CrossRule(
        "refusal_to_assess_appeal",
        "Appeals against refusal to assess -> ehcna_timeliness + tribunals_appeals.",
        ("ehcna_timeliness", "tribunals_appeals"),
        first=(
            "refus* to assess",
            "refusal to assess",
            "decision not to assess",
            "declined to assess",
            "not to assess",
        ),
        second=("appeal*", "tribunal*", "mediation"),
        window=20,
    ),
    CrossRule(
        "chasing_new_plan",
        "Chasing an overdue plan -> communication_coproduction + the process theme (ehcna_timeliness).",
        ("communication_coproduction", "ehcna_timeliness"),
        first=CHASING,
        second=(
            "draft plan",
            "draft",
            "final plan",
            "EHC needs assessment",
            "decision to assess",
            "20 week*",
        ),
        window=15,
    ),
    CrossRule(
        "chasing_amended_plan",
        "Chasing an amended plan -> communication_coproduction + the process theme (annual_reviews).",
        ("communication_coproduction", "annual_reviews"),
        first=CHASING,
        second=("amended plan", "annual review*", "amendment*"),
        window=15,
    ),
    CrossRule(
        "neet",
        "NEET or employment after education -> transitions_pfa + outcomes_inclusion.",
        ("transitions_pfa", "outcomes_inclusion"),
        first=("NEET", "not in education employment or training"),
    ),
)


@dataclass(frozen=True)
class RuleHit:
    rule: CrossRule
    start: int
    end: int


@cache
def _matcher(rules: tuple[CrossRule, ...]) -> Matcher:
    sets = []
    for rule in rules:
        sets.extend(
            [
                PhraseSet(f"{rule.name}:first", rule.first),
                PhraseSet(f"{rule.name}:second", rule.second),
                PhraseSet(f"{rule.name}:unless", rule.unless),
            ]
        )
    return Matcher(sets)


def find_rules(text: str | TextIndex, rules: tuple[CrossRule, ...] = CROSS_RULES) -> list[RuleHit]:
    """The cross-theme rules that fire on the normalised text."""
    index = text if isinstance(text, TextIndex) else TextIndex.of(text)
    found = _matcher(rules).find(index)
    sentences = [match.start() for match in _SENTENCE.finditer(index.text)] or [0]
    hits = []
    for number, rule in enumerate(rules):
        first, second, unless = found[3 * number : 3 * number + 3]
        span = rule.decide(index.text, sentences, first, second, unless)
        if span is not None:
            hits.append(RuleHit(rule, span[0], span[1]))
    return hits
