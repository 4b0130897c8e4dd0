"""What every detector of the redactor shares: ``Found``, gaps between words and the word lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
# A gap between two words: one to three spaces or tabs, never an unbounded run that two neighbouring
# parts of a pattern could share.
SP = r"[ \t]{1,3}"
SP0 = r"[ \t]{0,3}"


@dataclass(frozen=True, slots=True)
class Found:
    """One personal detail: its kind and where it is in the original text (``text[start:end]``)."""

    kind: str
    start: int
    end: int
    rule: str = ""


# ---------------------------------------------------------------------------------------------
# Word lists


def _read_list(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def first_names() -> frozenset[str]:
    """Lower-cased first names, with common UK nicknames and diminutives ("Jonno", "Kez", "Lils")."""
    return frozenset(name.lower() for name in [*_read_list("first_names.txt"), *_read_list("nicknames.txt")])


@cache
def surnames() -> frozenset[str]:
    return frozenset(name.lower() for name in _read_list("surnames.txt"))


@cache
def common_words() -> frozenset[str]:
    return frozenset(_read_list("common_words.txt"))


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def word_before(words: str) -> re.Pattern[str]:
    """One of ``words``, in any case, then one to three spaces at the end of what is searched:
    ``word_before("a an").search(text, start - 4, start)`` finds "a " or "an " just before ``start``."""
    return re.compile(rf"\b(?:{'|'.join(words.split())})[ \t]{{1,3}}$", re.IGNORECASE)


# Words that are never a name or a school's own name, whatever the lists say (SEND vocabulary,
# sentence openers, days and months).
NOT_NAMES = word_set(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec
    i a the my our his her their we he she they it this that there here hi hello dear thanks thank
    yes no send sen senco ehcp ehc ehcna camhs nhs la icb ta ot salt slt asd adhd asc pda dld ebsa
    eotas sendist ofsted cqc sendiass ipsea gp ep cdc ap pru ld sld pmld mld spld year reception
    nursery school college monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december mum dad mother father nan
    grandma grandad son daughter autism autistic dyslexia dyspraxia covid christmas easter england
    english council county trust mr mrs ms miss mx dr prof sir forest north south east west early
    """
)


def is_common(word: str) -> bool:
    return word.lower() in common_words()


def is_first_name(word: str) -> bool:
    lowered = word.lower()
    if lowered in NOT_NAMES:
        return False
    if lowered in first_names():
        return True
    # Hyphenated first names: amelia-rose, Mary-Jane.
    parts = re.split(r"[-\u2010\u2011]", lowered)
    return len(parts) > 1 and all(part in first_names() for part in parts)


def plausible_name(word: str) -> bool:
    """A word that could be a name after a strong cue ('my son X', 'Mrs X'): listed, or not English."""
    if not word[:1].isalpha() or word.lower() in NOT_NAMES:
        return False
    if word.isupper() and len(word) > 1 and not is_first_name(word):
        return False  # ADHD, CAMHS
    if is_first_name(word) or word.lower() in surnames():
        return True
    # "self-harming" is not a name: every part of a hyphenated word must be unknown to the dictionary.
    return not any(is_common(part) for part in re.split(r"[-'’]", word) if part)
