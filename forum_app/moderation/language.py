"""Which language a free-text answer is written in, so that answers the automatic checks cannot read
go to a person.

The redactor, the safeguarding flags and the theme coder all read English. An answer in Urdu, Polish,
Bengali, Arabic, Romanian or any other language would pass them silently, so ``detect_language``
says what it is written in, and the moderation queue and the coder route every answer that is not
English to a person (``needs_reader``).

How it decides, on the first ``MAX_CHARS`` characters only:

1. **Script.** The letters are counted by script (the first word of each letter's Unicode name). When
   most are of one script other than Latin, that decides, however short the answer: Bengali script is
   Bengali; Arabic script is Urdu if any letter only Urdu uses (ے ں ٹ ڈ ڑ ہ ھ, or the Persian-Urdu پ چ گ ک ی)
   appears, else Arabic; other scripts are named by their script.
2. **Common words.** In Latin letters, each word is looked up in short lists of common words of English,
   Polish, Romanian and Urdu or Hindi as written in Latin letters ("meri beti ko EHCP nahi mila"), in
   ``data/language_words.txt``; a word with a letter only Polish (ą ć ę ł ń ś ź ż ó) or Romanian
   (ă â î ș ț) uses counts for that language. Acronyms in capitals (EHCP, SENCO) and web and email
   addresses count for none.
3. **Thin evidence is not enough.** An answer of fewer than ``MIN_WORDS`` words in Latin letters, or one
   where another language does not clearly outweigh English, is English or ``unknown``, never another
   language: such an answer goes the usual way. A longer answer with almost no English words at all
   (not even in the 54,000-word English lexicon the redactor uses) is ``other``, a language this module
   does not know, and goes to a person.

Everything here is a plain loop or a linear pattern over a capped text: safe on any string.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from forum_app.moderation.redaction.common import common_words

DATA = Path(__file__).resolve().parent / "data" / "language_words.txt"
MAX_CHARS = 3000  # characters of an answer looked at
MIN_WORDS = 4  # fewer words in Latin letters than this: never called another language
CODE_LENGTH = 16  # as ``ModerationItem.language`` keeps it
MIN_LETTERS = 2  # fewer letters than this: unknown
SCRIPT_SHARE = 0.5  # a script other than Latin decides when it has at least this share of the letters
WIN_SHARE = 0.2  # another language's common words must be this share of the words...
WIN_HITS = 2  # ...and at least this many, and more than the English ones
ENGLISH_SHARE = 0.15  # English common words at least this share: English
LEXICON_SHARE = 0.6  # words in the English lexicon at least this share: English
FOREIGN_LEXICON = 0.35  # fewer English words than this share (and few common ones): another language

UNKNOWN = "unknown"
OTHER = "other"
ENGLISH = "en"
NAMES: dict[str, str] = {
    "en": "English",
    "pl": "Polish",
    "ro": "Romanian",
    "ur": "Urdu",
    "ur-Latn": "Urdu or Hindi in Latin letters",
    "ar": "Arabic",
    "bn": "Bengali",
    "pa": "Punjabi",
    "gu": "Gujarati",
    "ta": "Tamil",
    "el": "Greek",
    "he": "Hebrew",
    "zh": "Chinese",
    "ko": "Korean",
    "th": "Thai",
    "ti": "Tigrinya or Amharic",
    "ja": "Japanese",
    OTHER: "a language other than English",
    UNKNOWN: "an unknown language",
}
# Scripts (the first word of a letter's Unicode name) that name one language well enough.
SCRIPT_LANGUAGES: dict[str, str] = {
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "GREEK": "el",
    "HEBREW": "he",
    "CJK": "zh",
    "HANGUL": "ko",
    "THAI": "th",
    "ETHIOPIC": "ti",
}
URDU_ONLY = frozenset("ےںٹڈڑہھۃۓ")  # letters Urdu uses and Arabic does not
PERSO_URDU = frozenset("پچگکیژ")  # letters Urdu (and Persian) use and Arabic does not
POLISH_LETTERS = frozenset("ąćęłńśźżó")
ROMANIAN_LETTERS = frozenset("ăâîșțşţ")
# A word: letters, with one apostrophe inside ("don't"). Linear: the apostrophe is not a letter.
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    """What an answer is written in. ``code``: "en", "pl", "ro", "ur", "ur-Latn", "ar", "bn"... a script's
    name in lower case ("cyrillic") for a script with no one language, ``other`` (Latin letters, a
    language not known here) or ``unknown`` (too little to tell)."""

    code: str
    english: bool
    script: str = "LATIN"

    @property
    def name(self) -> str:
        if self.code in NAMES:
            return NAMES[self.code]
        return f"{self.script.title()} script"

    @property
    def needs_reader(self) -> bool:
        """Whether a person who reads the language must read it: the automatic checks read English only.
        An unknown (short or unclear) answer goes the usual way."""
        return not self.english and self.code != UNKNOWN

    @property
    def tag(self) -> str:
        """What the moderation and coding queues say about it, for an answer that needs a reader."""
        return reader_tag(self.code)


def language_name(code: str) -> str:
    """The name of a stored language code, in words ("Polish", "Cyrillic script")."""
    return NAMES.get(code) or f"{code.replace('-', ' ').title()} script"


def reader_tag(code: str) -> str:
    """ "Written in Polish: needs someone who reads it, or a translation"."""
    return f"Written in {language_name(code)}: needs someone who reads it, or a translation"


def unread_reason(code: str) -> str:
    """The flag reason of an answer the automatic check could not read (never the answer's words)."""
    return f"not read by the automatic check (written in {language_name(code)})"


def is_unread_reason(reason: str) -> bool:
    return reason.startswith("not read by the automatic check (written in ")


def needs_reader(code: str | None) -> bool:
    """Whether a stored language code means a person must read the answer."""
    return code is not None and code not in (ENGLISH, UNKNOWN)


@cache
def _word_lists() -> dict[str, frozenset[str]]:
    """The common words of each language. A word English shares ("to", "on", "in") counts as English
    (the usual way); one two other languages share counts for neither."""
    lists: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = lists.setdefault(line[1:-1], set())
            continue
        if current is not None:
            current.update(line.lower().split())
    english = lists.get(ENGLISH, set())
    seen = Counter(word for language, words in lists.items() if language != ENGLISH for word in words)
    return {
        language: frozenset(words if language == ENGLISH else (w for w in words - english if seen[w] == 1))
        for language, words in lists.items()
    }


def _scripts(text: str) -> Counter[str]:
    """How many letters of each script ("LATIN", "ARABIC", "BENGALI"...) the text has."""
    found: Counter[str] = Counter()
    for char in text:
        if char.isascii():
            if char.isalpha():
                found["LATIN"] += 1
            continue
        if char.isalpha() or unicodedata.category(char) in ("Mn", "Mc"):
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script:
                found[script] += 1
    return found


def _arabic_script(text: str) -> str:
    if any(char in URDU_ONLY or char in PERSO_URDU for char in text):
        return "ur"
    return "ar"


def _words(text: str) -> list[str]:
    """The words in lower case, capitalised acronyms (EHCP) left out unless the whole text shouts, and
    web and email addresses left out."""
    kept = " ".join(
        piece for piece in text.split() if "@" not in piece and "://" not in piece and "www." not in piece
    )
    words = [match.group().replace("’", "'") for match in _WORD_RE.finditer(kept)]
    capitals = [word for word in words if len(word) > 1 and word.isupper()]
    if len(capitals) * 2 > len(words):  # shouting: every word counts
        return [word.lower() for word in words]
    return [word.lower() for word in words if not (len(word) > 1 and word.isupper())]


def _latin(text: str) -> DetectedLanguage:
    words = _words(text)
    if len(words) < MIN_WORDS:
        return DetectedLanguage(UNKNOWN, False)
    lists = _word_lists()
    hits: Counter[str] = Counter()
    for word in words:
        for language, listed in lists.items():
            if word in listed:
                hits[language] += 1
                break
        else:
            if any(char in POLISH_LETTERS for char in word):
                hits["pl"] += 1
            elif any(char in ROMANIAN_LETTERS for char in word):
                hits["ro"] += 1
    english = hits.pop(ENGLISH, 0)
    if hits:
        best, count = hits.most_common(1)[0]
        if count >= WIN_HITS and count / len(words) >= WIN_SHARE and count > english:
            return DetectedLanguage(best, False)
    if english / len(words) >= ENGLISH_SHARE:
        return DetectedLanguage(ENGLISH, True)
    lexicon = common_words()
    known = sum(word in lexicon for word in words) / len(words)
    if known >= LEXICON_SHARE:
        return DetectedLanguage(ENGLISH, True)
    if known < FOREIGN_LEXICON and english <= 1:
        return DetectedLanguage(OTHER, False)
    return DetectedLanguage(UNKNOWN, False)


def detect_language(text: str) -> DetectedLanguage:
    """The language ``text`` is written in (see the module's docstring). Safe on any string."""
    # NFKC folds look-alikes to plain letters: "𝐇𝐞𝐥𝐩", full-width letters, Arabic presentation forms.
    text = unicodedata.normalize("NFKC", (text or "")[:MAX_CHARS])
    scripts = _scripts(text)
    letters = sum(scripts.values())
    if letters < MIN_LETTERS:
        return DetectedLanguage(UNKNOWN, False)
    others = [(count, script) for script, count in scripts.items() if script != "LATIN"]
    count, script = max(others, default=(0, "LATIN"))
    if script != "LATIN" and count / letters >= SCRIPT_SHARE:
        if script == "ARABIC":
            return DetectedLanguage(_arabic_script(text), False, script)
        if script in ("HIRAGANA", "KATAKANA"):
            return DetectedLanguage("ja", False, script)
        return DetectedLanguage(SCRIPT_LANGUAGES.get(script, script.lower()[:CODE_LENGTH]), False, script)
    return _latin(text)
