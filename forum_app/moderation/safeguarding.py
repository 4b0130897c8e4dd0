"""Flag answers that suggest a risk of harm, so a moderator sees them first.

``flag(text)`` looks for phrases in five groups (self-harm, suicide, abuse, a child in danger, a
parent at breaking point). A missed flag is worse than an extra one, so the lists are broad and
negation only cancels a phrase when it plainly denies it ("she has never self-harmed", "no
concerns about abuse"). Phrases that carry their own negation ("doesn't want to live") are
patterns of their own and are never cancelled.

A flag is a prompt for a human, not a judgement: moderators follow the forum's safeguarding policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SELF = r"(?:him|her|them|my|your|our)sel(?:f|ves)|themself"


@dataclass(frozen=True, slots=True)
class Flag:
    flagged: bool
    reasons: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.flagged


# (reason, pattern). Patterns are case-insensitive and run over the text with runs of spaces collapsed.
_RULES: tuple[tuple[str, str], ...] = (
    # self-harm
    ("self-harm", r"\bself[- ]?harm\w*|\bself[- ]?injur\w*"),
    (
        "self-harm",
        rf"\b(?:cut|cuts|cutting|burn|burns|burning|burnt|hurt|hurts|hurting|harm|harms|harming|scratch\w*|hit|hits|hitting|bit|bite|bites|biting|punch\w*|starv\w*)\s+(?:{_SELF})\b",
    ),
    ("self-harm", r"\b(?:bang\w*|hit\w*|smash\w*)\s+(?:his|her|their|my)\s+head\b|\bhead[- ]?bang\w*"),
    (
        "self-harm",
        r"\bscratches\s+(?:all\s+)?(?:up|on|over|down)\b"
        r"|\bcuts\s+(?:on|up|all over)\s+(?:his|her|their|my)\s+(?:arms?|legs?|wrists?)",
    ),
    (
        "self-harm",
        r"\b(?:stopped|stop|not|isn't|isnt|barely|hardly)\s+eating\b|\beating\s+disorder|\banorexi\w*|\bbulimi\w*",
    ),
    ("self-harm", r"\boverdos\w*|\btook\s+(?:an?\s+)?(?:load|lot|bunch|handful)\s+of\s+(?:pills|tablets)"),
    ("self-harm", r"\bvoices\s+telling\b"),
    # suicide
    (
        "suicide",
        r"\bsuicid\w*|\bkill(?:ing|s|ed)?\s+(?:"
        + _SELF
        + r")\b|\bend(?:ing)?\s+(?:it\s+all|(?:his|her|my|their)\s+(?:own\s+)?life)\b",
    ),
    (
        "suicide",
        r"\b(?:wants?|wanted|wanting|wish\w*)\s+(?:to\s+)?(?:die|be\s+dead|not\s+(?:be\s+)?(?:here|alive|born))\b",
    ),
    (
        "suicide",
        r"\bwish(?:es|ed)?\s+(?:s?he|i|they|he)\s+(?:was|were|had\s+never\s+been)\s+(?:dead|born|never\s+born)",
    ),
    (
        "suicide",
        r"\b(?:doesn'?t|don'?t|didn'?t|does\s+not|do\s+not|no\s+longer)\s+want\s+to\s+(?:live|be\s+(?:here|alive)|wake\s+up|exist)",
    ),
    (
        "suicide",
        r"\bbetter\s+off\s+(?:dead|without\s+(?:me|him|her|us))|\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on)",
    ),
    (
        "suicide",
        r"\b(?:take|took|taking)\s+(?:his|her|my|their)\s+own\s+life|\bhang(?:ing)?\s+(?:"
        + _SELF
        + r")|\bligature\w*|\bnoose",
    ),
    ("suicide", r"\b(?:jump|jumping|throw\w*)\s+(?:off|from|in\s+front\s+of)\b"),
    (
        "suicide",
        r"\bthoughts\s+(?:i|he|she|you)\s+shouldn'?t|\bdark\s+thoughts|\bintrusive\s+thoughts|\bcan'?t\s+go\s+on\b",
    ),
    # abuse
    (
        "abuse",
        r"\babus\w*|\bassault\w*|\bmaltreat\w*|\bneglect(?:ed|ing)?\b|\bgroom(?:ed|ing)\b|\bexploit\w*|\bcounty\s+lines|\bfgm\b",
    ),
    (
        "abuse",
        r"\b(?:hit|hits|hitting|beat|beats|beaten|beating|punch\w*|kick(?:s|ed|ing)|slap\w*|smack\w*|shak(?:e|es|en|ing)|shook|strangl\w*|chok\w*|throttl\w*|pinch\w*|drag\w*|grab\w*|push(?:ed|es|ing)|shov\w*)\s+(?:him|her|them|me|my|our|the\s+(?:child|children|kids|pupils))\b",
    ),
    (
        "abuse",
        r"\b(?:restrain\w*|restraint|pinned\s+(?:him|her|them)\s+down|held\s+(?:him|her|them)\s+down|seclu\w*)",
    ),
    (
        "abuse",
        r"\b(?:shut|shutting|locked|locking|lock)\s+(?:him|her|them)\s+(?:in|into)\b|\bin\s+a\s+cupboard\b",
    ),
    (
        "abuse",
        r"\bbruis\w*|\bburns?\s+on\s+(?:his|her|their)\b|\binjur(?:y|ies)\s+(?:he|she|they)\s+can'?t\s+explain|\bmarks\s+on\s+(?:his|her)\b",
    ),
    (
        "abuse",
        r"\b(?:sexual\w*|touched\s+(?:him|her|them|me)|inappropriate(?:ly)?\s+touch\w*|indecent\w*|rape\w*|molest\w*)",
    ),
    (
        "abuse",
        r"\bdomestic\s+(?:violence|abuse)|\bviolen(?:t|ce)\s+(?:at\s+home|towards?\s+(?:him|her|me|us))|\bcoercive|\bcontrolling\s+behaviour",
    ),
    (
        "abuse",
        r"\bleft\s+(?:him|her|them)?\s*(?:in\s+a\s+)?(?:wet|soiled|dirty)\s+(?:pad|nappy|nappies|clothes)|\bdeserved\b|\bhumiliat\w*",
    ),
    (
        "abuse",
        r"\bscream(?:ed|ing|s)?\s+at\s+(?:him|her|them|the\s+child)|\bshouting\s+at\s+the\s+children|\bthreaten\w*\s+(?:to\s+)?(?:hit|hurt|kill)",
    ),
    # child in danger
    (
        "child in danger",
        r"\b(?:not|isn'?t|isnt)\s+safe\b|\bunsafe\b|\bin\s+danger\b|\bdanger\s+to\s+(?:him|her|them|him\w*|others)|\bat\s+risk\b|\bsafety\b",
    ),
    (
        "child in danger",
        r"\bkeep\s+(?:him|her|them|us|everyone|the\s+others?)(?:\s+and\s+\w+(?:\s+\w+)?)?\s+safe\b|\bsafe\s+at\s+home\b",
    ),
    (
        "child in danger",
        r"\bran\s+(?:away|off|out)|\brunning\s+(?:away|off|out\s+into)|\babscond\w*|\bmissing\s+(?:from\s+home|overnight|for\s+hours)|\b(?:into|in)\s+the\s+road\b",
    ),
    ("child in danger", r"\b(?:999|police|a\s*&\s*e|a\s+and\s+e|ambulance)\b|\bknife|\bweapon"),
    (
        "child in danger",
        r"\bno\s+(?:food|heating|electric\w*|gas|money\s+for\s+food)\b|\bleft\s+(?:alone|on\s+(?:his|her|their)\s+own)\b|\bhomeless",
    ),
    (
        "child in danger",
        r"\b(?:hurt|harm|attack\w*|hit)\s+(?:his|her|their)\s+(?:sister|brother|siblings?|mum|dad|mother|father)|\block\s+(?:my|our)sel(?:f|ves)\s+in",
    ),
    (
        "child in danger",
        r"\bdrinking\b|\bdrunk\b|\bdrugs?\b|\bcaring\s+for\s+(?:my|his|her)\s+(?:mum|dad|brother|sister)|\bi\s+do\s+most\s+of\s+the\s+caring",
    ),
    ("child in danger", r"\bsafeguarding\s+(?:referral|concern|issue)s?"),
    # parent at breaking point
    (
        "parent at breaking point",
        r"\bbreaking\s+point|\bend\s+of\s+(?:my|our)\s+tether|\bat\s+(?:my|our)\s+wits'?\s+end|\brock\s+bottom",
    ),
    (
        "parent at breaking point",
        r"\b(?:can'?t|cannot|can\s+not|not|no\s+longer|struggling\s+to|unable\s+to)\s+cop(?:e|ing)\b|\bnot\s+coping\b",
    ),
    (
        "parent at breaking point",
        r"\b(?:nervous\s+)?breakdown\b|\bfalling\s+apart|\bgoing\s+to\s+snap|\blos(?:e|ing)\s+my\s+mind|\bcan'?t\s+(?:do\s+this|take\s+(?:it|this|much\s+more))\b",
    ),
    (
        "parent at breaking point",
        r"\b(?:put|putting|give|giving|hand|handing)\s+(?:him|her|them)\s+(?:into|in|up\s+to|over\s+to)\s+(?:care|social\s+services)|\bgive\s+(?:him|her|them)\s+up\b",
    ),
    (
        "parent at breaking point",
        r"\b(?:i|i'?m|i\s+am)\s+(?:scared|frightened|afraid|worried)\s+(?:i|i'?ll|that\s+i)\s+(?:will\s+|might\s+|could\s+)?(?:hurt|harm|lose\s+it)|\bi\s+might\s+hurt",
    ),
    (
        "parent at breaking point",
        r"\bscared\s+(?:he|she|they)(?:'ll|\s+will|\s+might)\s+(?:hurt|harm|kill|die)|\b(?:i'?m|i\s+am)\s+(?:so\s+)?desperate\b|\bplease\s+(?:can\s+someone\s+)?help\b",
    ),
    (
        "parent at breaking point",
        r"\bstruggling\s+and\s+has\s+started|\b(?:depressed|depression|antidepressants|anxiety\s+attacks|panic\s+attacks)\b.{0,40}\b(?:i|me|my)\b|\bi'?m\s+(?:so\s+)?(?:depressed|broken|drowning)",
    ),
    (
        "parent at breaking point",
        r"\b(?:exhausted|burnt\s+out|burned\s+out)\b.{0,60}\b(?:thoughts|can'?t|no\s+break|24/?7)",
    ),
)
_COMPILED = tuple((reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in _RULES)
# Plain denials just before a phrase: "no self-harm", "never hit him", "no concerns about abuse".
_NEGATION_RE = re.compile(
    r"\b(?:no|not|never|without|nor|denies|denied|ruled\s+out|no\s+(?:concerns?|signs?|history|evidence)\s+(?:of|about|around))"
    r"(?:\s+(?:been|be|is|was|has|have|had|ever|any|a|an|of|about|signs?|history))*\s*$",
    re.IGNORECASE,
)
# Uses of a listed word that are not about harm to a person.
_BENIGN_RE = re.compile(
    r"\b(?:safety\s+valve|fire\s+safety|road\s+safety|funding\s+cuts?|cuts?\s+to|not\s+in\s+crisis|at\s+risk\s+of\s+(?:exclusion|losing|closure|missing|being\s+(?:excluded|late)))\b",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"\s+")


def flag(text: str) -> Flag:
    """Whether ``text`` suggests a risk of harm, with the groups of phrases that matched."""
    clean = _SPACES_RE.sub(" ", text.replace("’", "'"))
    reasons: list[str] = []
    phrases: list[str] = []
    benign = [match.span() for match in _BENIGN_RE.finditer(clean)]
    for reason, pattern in _COMPILED:
        for match in pattern.finditer(clean):
            if any(start <= match.start() < end for start, end in benign):
                continue
            if _NEGATION_RE.search(clean, max(0, match.start() - 40), match.start()):
                continue
            if reason not in reasons:
                reasons.append(reason)
            phrases.append(match.group())
            break
    return Flag(bool(reasons), tuple(reasons), tuple(phrases))
