"""Sentiment of an answer: negative, neutral or positive.

Three sources are combined by the supervised model in ``classifier.py``:

1. TextBlob's polarity and subjectivity (``TextBlob(text).sentiment``: the bundled pattern lexicon,
   which needs no NLTK data).
2. Domain cues, because most SEND complaints carry no sentiment words at all: "we have waited two
   years for SALT" is negative, as are "still nothing", "had to fight", "no one got back to me",
   "refused", and a statistic that itself shows a failure ("32 weeks against an 18-week target").
   "No problems with CAMHS" and "couldn't fault them" are positive; questions and procedures lean
   neutral.
3. Word and character n-grams learned from the labelled examples.

The cue counts are features of the model (so their weights are learned, not guessed) and are also
shown to a human coder as the reasons for the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from forum_app.coder.indicators import Matcher, PhraseSet, TextIndex

LABELS = ("negative", "neutral", "positive")

_N = (
    r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|"
    r"twenty|few|several|many)"
)
_DURATION = rf"{_N}[\s-]+(?:weeks?|months?|years?|terms?)"

# Cues written as regular expressions: name -> (pattern, direction). Direction is -1 (a negative
# cue), +1 (positive) or 0 (neutral).
REGEX_CUES: dict[str, tuple[str, int]] = {
    "waiting_duration": (
        r"\b(?:wait\w*|list|queue\w*|took|taken|delay\w*|still|since|after|over|for)\b[^.;!?]{0,40}"
        rf"\b{_DURATION}\b"
        rf"|\b{_DURATION}\b[^.;!?]{{0,25}}"
        r"\b(?:wait\w*|list|later|delay\w*|late|overdue|on hold|and counting|now)\b",
        -1,
    ),
    "still_nothing": (
        r"\bstill\s+(?:nothing|no\b|not\b|waiting|haven'?t|hasn'?t|don'?t|doesn'?t|can'?t|isn'?t|"
        r"no one|nobody|heard nothing|chasing)|\bnothing\s+(?:has\s+)?(?:happened|changed|since|yet)\b"
        r"|\bstill\s+\w+ing\b",
        -1,
    ),
    "had_to_fight": (
        r"\b(?:had|have|having|has)\s+to\s+(?:fight|battle|push|chase|beg|threaten|pay|go private|escalate)\b"
        r"|\bfight\w*\b|\bfought\b|\bbattl\w*\b",
        -1,
    ),
    "no_one_replied": (
        r"\b(?:no\s?one|no-one|nobody)\b(?:\s+\w+){0,3}?\s+(?:got|gets|get|has|have|replied|replies|responded|"
        r"rang|called|came|listens|listened|tells|told|explained|answers|answered|returned|bothered|knows|cares)\b"
        r"|\bno\s+(?:reply|replies|response|answer|update|updates|contact|one)\b"
        r"|\bnever\s+(?:replied|heard|rang|called|got back|came|answered|responded)\b"
        r"|\bnot\s+(?:one|a single)\s+reply\b|\bheard nothing\b|\bunanswered\b|\bignor\w+\b",
        -1,
    ),
    # "A statistic that itself shows a failure is negative" (codebook rule 11).
    "statistic_shows_failure": (
        rf"\bagainst\s+(?:an?\s+|the\s+)?{_N}[- ](?:week|day|month)\b"
        rf"|\b(?:beyond|outside|over|exceed\w*|missed)\s+(?:the\s+)?(?:{_N}[- ]week|statutory|legal)\b"
        rf"|\bonly\s+(?:{_N}\b|\d+\s?%|a\s+(?:third|quarter|fifth|half)|one\s+in|a\s+minority)"
        r"|\b(?:fewer|less)\s+than\s+(?:half|a\s+third|a\s+quarter|\d+\s?%)"
        r"|\btimes\s+more\s+likely\b|\bdeficit\b|\bwaiting\s+(?:more|longer)\s+than\b",
        -1,
    ),
    "question": (
        r"\?|\b(?:does anyone|has anyone|can anyone|anyone know|how do i|what is|what are|is it)\b",
        0,
    ),
}

# Cues written as word lists in the codebook's phrase syntax (word* = any ending, a|b = either
# word, # = a number): name -> (phrases, direction).
LEXICON_CUES: dict[str, tuple[tuple[str, ...], int]] = {
    "refused": (
        (
            "refus*",
            "reject*",
            "declin*",
            "turned down|away",
            "bounced",
            "didn't|didnt meet",
            "not eligible",
            "not unwell|ill|bad enough",
            "discharged",
            "won't|wont see|accept|assess|fund",
        ),
        -1,
    ),
    "failure": (
        (
            "delay*",
            "late",
            "overdue",
            "backlog*",
            "missed",
            "fail*",
            "fault",
            "breach*",
            "unlawful*",
            "maladministration",
            "injustice",
            "cancel*",
            "cut",
            "cuts",
            "lost",
            "shortage*",
            "excluded",
            "exclusion*",
            "suspen*",
            "sent home",
            "off-roll*",
            "broken",
            "nightmare",
            "shambles",
            "blam*",
            "gaslight*",
            "out of school",
            "part-time timetable*",
            "reduced timetable*",
            "worse",
            "worst",
            "struggl*",
            "disappoint*",
            "unacceptabl*",
            "inadequate",
            "deficit",
            "overspend*",
            "shortfall",
            "unmet",
            "not met",
            "stopped",
            "chase",
            "chased",
            "chasing",
            "let down",
            "falls|fell|fall short",
        ),
        -1,
    ),
    "negation": (
        (
            "unable",
            "can't",
            "cant",
            "cannot",
            "couldn't",
            "didn't",
            "doesn't",
            "don't",
            "won't",
            "wouldn't",
            "isn't",
            "wasn't",
            "aren't",
            "weren't",
            "haven't",
            "hasn't",
            "never",
            "nobody",
            "nothing",
            "no one",
            "without",
            "despite",
            "not",
        ),
        -1,
    ),
    "shortfall": (
        (
            "rarely",
            "seldom",
            "few",
            "too many|few|long|late|little|often",
            "not always|consistently|yet|routinely|sufficiently|well|enough|evident|clear",
            "inconsistent*",
            "unclear",
            "a|the minority",
            "only a",
            "little",
            "limited",
            "patchy",
            "variable",
            "insufficient*",
            "lack*",
            "weak*",
            "poor*",
            "gap",
            "gaps",
            "remain|remains too|high|long",
            "continue|continues to exceed|rise|grow|wait",
            "no longer",
            "left without",
            "waiting",
        ),
        -1,
    ),
    "distress": (
        (
            "worried",
            "worry",
            "anxious",
            "upset",
            "angry",
            "frustrat*",
            "distress*",
            "desperate",
            "afraid",
            "scared",
            "alone",
            "isolated",
            "lonely",
            "bullied",
            "self-harm*",
            "suicid*",
            "meltdown",
            "meltdowns",
            "overwhelm*",
            "crisis",
            "exhaust*",
            "in tears",
            "cried",
            "crying",
            "breaking point",
            "can't|cant cope",
            "fed up",
            "ffs",
            "wtf",
            "smh",
            "rubbish",
            "useless",
            "a joke",
            "shocking",
            "disgrace*",
            "appalling",
            "awful",
            "terrible",
            "horrendous",
            "horrific",
            "gutted",
            "sick of",
            "tired of",
            "had enough",
            "wasted",
            "pointless",
            "waste of time",
            "not fit for purpose",
            "hopeless",
            "dread*",
            "heartbreak*",
            "breaks my heart",
            "heartbroken",
            "ridiculous",
            "shameful",
            "criminal",
            "farce",
            "incompetent",
            "clueless",
            "nothing happens",
            "nothing happened",
            "not happening",
            "gets nothing",
            "get nothing",
            "no help",
            "no support",
        ),
        -1,
    ),
    "not_a_problem": (
        (
            "no|without problem|problems|issue|issues|complaint|complaints|concern|concerns|trouble",
            "no|without difficulty|difficulties",
            "no real problem|problems|issues|concerns",
            "never|haven't|hasn't had any problem*|issue*|concern*",
            "can't|cannot|couldn't|cant fault|praise|recommend|thank",
            "nothing but praise",
            "nothing wrong|bad",
            "no wait|waiting|delay",
            "no evidence that",
        ),
        1,
    ),
    "praise": (
        (
            "thank*",
            "brilliant*",
            "fantastic",
            "amazing",
            "excellent",
            "great",
            "helpful",
            "supportive",
            "lovely",
            "wonderful",
            "grateful",
            "kind",
            "listened",
            "heard",
            "sorted",
            "settled",
            "thriv*",
            "flourish*",
            "smooth*",
            "good",
            "well",
            "proud",
            "happy",
            "positive",
            "strong*",
            "effective*",
            "lifeline",
            "life-chang*",
            "confident*",
            "enjoy*",
            "love",
            "loves",
            "success*",
            "caring",
            "outstanding",
            "high-quality",
            "clear*",
            "joined-up",
            "relie*",
            "valu*",
            "reliabl*",
            "transparent*",
            "properly",
            "timely",
            "on time",
            "in time",
            "brill",
            "fab",
            "fabulous",
            "lifesaver",
            "life saver",
            "superb",
            "recommend",
            "pleased",
            "over the moon",
            "godsend",
            "legend",
            "so much better",
            "really good",
            "really helped",
            "helped",
            "made such a difference",
            "best thing",
            "cannot thank",
            "can't thank",
            "couldn't ask for more",
            "spot on",
            "delighted",
            "a relief",
        ),
        1,
    ),
    "improvement": (
        (
            "improv*",
            "better",
            "quick*",
            "prompt*",
            "fast*",
            "fallen",
            "fell",
            "reduced",
            "shrunk",
            "narrowed",
            "halved",
            "expanded",
            "launched",
            "opened",
            "secured",
            "in place",
            "now has|have|seen|offered|offers|receive|receives|attend|attends",
            "rather than months",
            "within # week*|day*",
            "within the # week*|day*",
            "finally",
            "at last",
            "made a difference",
            "made a huge|real|big difference",
            "progress*",
            "achiev*",
            "independen*",
        ),
        1,
    ),
    "procedure": (
        (
            "must",
            "should",
            "will",
            "has to",
            "have to be",
            "are|is required",
            "sets|set out",
            "means",
            "refers to",
            "is a",
            "are a",
            "guidance",
            "policy",
            "statutory duty",
            "the law",
            "legal duty",
            "published",
            "meeting",
            "minutes",
            "agenda",
            "appendix",
            "report summary",
            "consultation",
            "deadline",
            "recommendation",
            "approv*",
            "propos*",
            "seek",
            "seeks",
            "due to",
            "within # week*|month*",
        ),
        0,
    ),
}
CUE_NAMES = tuple(REGEX_CUES) + tuple(LEXICON_CUES)
DIRECTIONS = {name: direction for name, (_, direction) in {**REGEX_CUES, **LEXICON_CUES}.items()}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, (pattern, _direction) in REGEX_CUES.items()}
_CONTRAST = re.compile(r"\b(?:but|however|although|though|yet|except|unfortunately|sadly)\b", re.IGNORECASE)
_LONGEST = 20_000


@dataclass(frozen=True)
class Cue:
    name: str
    direction: int
    quote: str
    start: int = 0


@cache
def _lexicon() -> Matcher:
    return Matcher([PhraseSet(name, phrases) for name, (phrases, _direction) in LEXICON_CUES.items()])


@cache
def _pattern_sentiment() -> Any:
    # Imported here: TextBlob pulls in NLTK, which takes a second or two to import.
    from textblob.en.sentiments import pattern_sentiment

    return pattern_sentiment


def textblob_sentiment(text: str) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity): exactly ``TextBlob(text).sentiment``.

    It calls the function behind ``.sentiment`` (the default PatternAnalyzer and its bundled
    lexicon, no NLTK data) directly, which skips building a TextBlob and a named tuple per text.
    """
    polarity, subjectivity = _pattern_sentiment()(text[:_LONGEST])
    return float(polarity), float(subjectivity)


def find_cues(text: str, index: TextIndex | None = None) -> dict[str, list[Cue]]:
    """The domain cues found in ``text`` (normalised or not), by cue name."""
    text = text[:_LONGEST]
    found: dict[str, list[Cue]] = {}
    for name, pattern in _COMPILED.items():
        cues = [
            Cue(name, DIRECTIONS[name], match.group(0), match.start()) for match in pattern.finditer(text)
        ]
        if cues:
            found[name] = cues
    index = index if index is not None and index.text == text else TextIndex.of(text)
    matcher = _lexicon()
    for phrase_set, matches in zip(matcher.sets, matcher.find(index), strict=True):
        if matches:
            direction = DIRECTIONS[phrase_set.name]
            found[phrase_set.name] = [Cue(phrase_set.name, direction, text[a:b], a) for _, a, b in matches]
    return found


def cue_counts(cues: dict[str, list[Cue]]) -> list[float]:
    return [float(len(cues.get(name, ()))) for name in CUE_NAMES]


def main_point_start(text: str) -> int | None:
    """Where the part after the last "but" / "however" / "although" starts: a mixed text's main point.

    The codebook: "X is good, however Y is poor" -> negative. None when there is no contrast.
    """
    last = None
    for match in _CONTRAST.finditer(text[:_LONGEST]):
        last = match
    return last.end() if last is not None else None


def contrast_features(text: str, cues: dict[str, list[Cue]] | None = None) -> list[float]:
    """[has a contrast, polarity after it, negative cues after it, positive cues after it]."""
    start = main_point_start(text)
    if start is None or not text[start:_LONGEST].strip():
        return [0.0, 0.0, 0.0, 0.0]
    cues = cues if cues is not None else find_cues(text)
    negative = positive = 0
    for name, found in cues.items():
        after = sum(1 for cue in found if cue.start >= start)
        if DIRECTIONS[name] < 0 and name != "negation":
            negative += after
        elif DIRECTIONS[name] > 0:
            positive += after
    return [1.0, textblob_sentiment(text[start:_LONGEST])[0], float(negative), float(positive)]
