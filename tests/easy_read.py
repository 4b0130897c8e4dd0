"""Checks shared by the Easy Read tests: the words Easy Read never uses, and how sentences are counted."""

from __future__ import annotations

import re

import textstat

# Easy Read scores: Flesch reading ease of 80 or more ("easy"), and no sentence over 15 words.
EASY_READ_MINIMUM = 80
MAX_SENTENCE_WORDS = 15
# Jargon a family may not know. Allowed only when explained in the same text ("(CAMHS)" after the words).
JARGON = (
    "provision",
    "co-production",
    "coproduction",
    "ehcna",
    "camhs",
    "assessment",
    "needs assessment",
    "senco",
    "commissioning",
    "transitions",
    "paediatrics",
    "mainstream",
    "referral",
    "occupational",
    "sen support",
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def sentence(text: str) -> str:
    """A title, hint or label is read on its own, so it is scored as its own sentence."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(" ".join(text.split())) if part]


def long_sentences(text: str, limit: int = MAX_SENTENCE_WORDS) -> list[str]:
    return [part for part in sentences(text) if len(part.split()) > limit]


def jargon_in(text: str) -> list[str]:
    """The jargon words in ``text``, ignoring a term given in brackets after its everyday words."""
    plain = re.sub(r"\([^)]*\)", "", text.lower())
    return [word for word in JARGON if re.search(rf"\b{re.escape(word)}\b", plain)]


def reading_ease(text: str) -> float:
    return float(textstat.flesch_reading_ease(text))
