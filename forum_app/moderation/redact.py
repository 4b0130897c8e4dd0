"""Find personal details in a free-text answer and replace them with readable tags.

``redact(text)`` runs one detector per kind, merges overlapping spans and returns the redacted
text with what it found (offsets into the ORIGINAL text). Everything is deterministic, offline and
fast (plain regular expressions plus name lists in ``data/``); no model is loaded.

Kinds and tags (``TAGS``): email, phone, postcode, nhs, nino, dob, url, handle, reference, address, name,
school. The detectors lean towards recall: a tag too many costs a word of context, a name too few
can identify a family.

Why not Presidio: it pulls spaCy (about 400 MB), and one analyze call takes about 25 ms in its
regex-only mode; its UK recognisers miss what parents write here (spaced-out or spelled-out
digits, " at " emails, Ofcom drama numbers, lower-case names, school names), so the rules below
would be needed anyway. See forum_app/moderation/data/README.md for the name lists.

Linear time on any input. Every pattern here is a standard-library pattern written so that each
position of the text is read in one way only: no quantified group holds another quantifier over
characters the group's neighbour can also take; repeats over a run start where the run starts (a
lookbehind), are possessive (``*+``, ``{1,64}+``) or atomic (``(?>...)``), and every gap or repeated
part is bounded (``{1,3}`` spaces, at most 64 characters of an email's local part, 4 parts of a name,
8 words of a school's name). The school name, which used to be one pattern over any run of
capitalised words (exponential on "St St St ... School"), is now found from its setting word and read
backwards word by word. Why not RE2 (``google-re2``): these detectors rely on lookarounds
(a run of digits not after a letter, a name part not followed by "'s") and on Unicode word
boundaries (names and digits in any script), which RE2 does not have (its word boundary is ASCII only);
rewriting them as RE2 patterns plus Python checks would
change what is found, where bounded standard patterns keep it. ``bench/pathological.py`` times every
detector on hostile inputs; ``tests/moderation/test_pathological.py`` checks what they return.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
# A gap between two words: one to three spaces or tabs, never an unbounded run that two neighbouring
# parts of a pattern could share.
_SP = r"[ \t]{1,3}"
_SP0 = r"[ \t]{0,3}"

TAGS: dict[str, str] = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "nhs": "[NHS number]",
    "nino": "[NI number]",
    "dob": "[date of birth]",
    "url": "[link]",
    "handle": "[handle]",
    "reference": "[reference]",
    "address": "[address]",
    "name": "[name]",
    "school": "[school]",
}
# When spans overlap, the merged span takes the kind of the longest one; ties go to the earlier kind here.
PRIORITY = tuple(TAGS)


@dataclass(frozen=True, slots=True)
class Found:
    """One personal detail: its kind and where it is in the original text (``text[start:end]``)."""

    kind: str
    start: int
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    found: tuple[Found, ...]

    @property
    def kinds(self) -> set[str]:
        return {found.kind for found in self.found}


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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are never a name or a school's own name, whatever the lists say (SEND vocabulary,
# sentence openers, days and months).
NOT_NAMES = _words(
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


def _is_common(word: str) -> bool:
    return word.lower() in common_words()


def _is_first_name(word: str) -> bool:
    lowered = word.lower()
    if lowered in NOT_NAMES:
        return False
    if lowered in first_names():
        return True
    # Hyphenated first names: amelia-rose, Mary-Jane.
    parts = re.split(r"[-\u2010\u2011]", lowered)
    return len(parts) > 1 and all(part in first_names() for part in parts)


def _plausible_name(word: str) -> bool:
    """A word that could be a name after a strong cue ('my son X', 'Mrs X'): listed, or not English."""
    if not word[:1].isalpha() or word.lower() in NOT_NAMES:
        return False
    if word.isupper() and len(word) > 1 and not _is_first_name(word):
        return False  # ADHD, CAMHS
    if _is_first_name(word) or word.lower() in surnames():
        return True
    # "self-harming" is not a name: every part of a hyphenated word must be unknown to the dictionary.
    return not any(_is_common(part) for part in re.split(r"[-'’]", word) if part)


# ---------------------------------------------------------------------------------------------
# Structured identifiers: runs of digits (also spaced out, or spelled out) classified by their digits

_NUMBER_WORDS = {
    "zero": "0",
    "oh": "0",
    "nought": "0",
    "nil": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT_WORDS = {"double": 2, "triple": 3, "treble": 3}
_DIGIT_WORDS = "zero|oh|nought|nil|one|two|three|four|five|six|seven|eight|nine|double|triple|treble"
_DIGIT_TOKEN = rf"(?:\d++|(?:{_DIGIT_WORDS})\b)"
# A token cannot follow a token without a separator (digits are taken possessively, a word ends at \b),
# so each position of a run is read one way only.
_RUN_RE = re.compile(
    rf"(?<![\w/])(?:\+\s?|\(\s?)?{_DIGIT_TOKEN}(?>[ \t\-.()\u00a0,]{{0,3}}{_DIGIT_TOKEN})*+",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(_DIGIT_TOKEN, re.IGNORECASE)
_NHS_CONTEXT_RE = re.compile(r"\bnhs\b[^\n]{0,20}$", re.IGNORECASE)


def nhs_checksum_ok(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _to_ascii_digits(token: str) -> str:
    return "".join(str(unicodedata.decimal(char)) for char in token)


def _digit_tokens(run: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, digits) per token of a run; 'double seven' becomes one token '77'."""
    tokens: list[tuple[int, int, str]] = []
    repeat: tuple[int, int] | None = None
    for match in _TOKEN_RE.finditer(run):
        word = match.group().lower()
        start, end = offset + match.start(), offset + match.end()
        if word in _REPEAT_WORDS:
            repeat = (start, _REPEAT_WORDS[word])
            continue
        digits = _NUMBER_WORDS.get(word) or _to_ascii_digits(match.group())
        if repeat is not None:
            start, digits = repeat[0], digits[0] * repeat[1] + digits[1:]
            repeat = None
        tokens.append((start, end, digits))
    return tokens


def _classify_digits(digits: str, plus: bool, text: str, at: int) -> str | None:
    """A phone or NHS number made of ``digits`` (read from ``text`` at ``at``), or None."""
    national = digits
    if plus or digits.startswith("44") or digits.startswith("0044"):
        national = digits.removeprefix("00")
        if national.startswith("44"):
            national = "0" + national[2:].removeprefix("0")
    if national.startswith("0") and len(national) in (10, 11) and national[1] in "123578":
        return "phone"
    # The 30 characters before are read only for a 10-digit number failing the check ("NHS no. ...").
    if len(digits) == 10 and (nhs_checksum_ok(digits) or _NHS_CONTEXT_RE.search(text, max(0, at - 30), at)):
        return "nhs"
    return None


def _find_digit_runs(text: str) -> Iterator[Found]:
    """Phone and NHS numbers in runs of digits. Each token of a run starts at most one window of at most 14
    digits, so the work grows with the run's length, not its square."""
    for run in _RUN_RE.finditer(text):
        tokens = _digit_tokens(run.group(), run.start())
        if sum(len(token[2]) for token in tokens) < 9:
            continue
        plus = run.group().lstrip("(").startswith("+")
        i = 0
        while i < len(tokens):
            best: tuple[int, str] | None = None
            digits = ""
            for j in range(i, len(tokens)):
                digits += tokens[j][2]
                if len(digits) > 14:
                    break
                kind = _classify_digits(digits, plus and i == 0, text, tokens[i][0])
                if kind is not None:
                    best = (j, kind)
            if best is None:
                i += 1
                continue
            j, kind = best
            start = run.start() if i == 0 else tokens[i][0]
            yield Found(kind, start, tokens[j][1], "digits")
            i = j + 1


_POSTCODE_RE = re.compile(
    r"\b([A-Z]{1,2}\d[A-Z\d]?)[ \t\u00a0]{0,2}(\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)


def _find_postcodes(text: str) -> Iterator[Found]:
    for match in _POSTCODE_RE.finditer(text):
        inward = match.group(2)
        if _ORDINAL_RE.fullmatch(inward) and not inward.isupper():
            continue  # "y5 3rd"
        yield Found("postcode", match.start(), match.end(), "postcode")


# The 121 postcode areas of the UK (and the Crown dependencies), for outward codes written alone.
POSTCODE_AREAS = _words(
    """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC
    EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS
    LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR
    SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    """
)
# "NG3", "in LS8": an outward code alone. Two-letter areas in capitals count anywhere; a one-letter area
# ("M6", "B1") or lower case ("ng3") only after a place cue, and never before "road", "motorway"...
_OUTWARD_RE = re.compile(r"(?<![\w/\-])(?P<area>[A-Za-z]{1,2})(?P<district>\d[A-Za-z\d]?)(?![\w/\-]|\.\d)")
_PLACE_CUE_RE = re.compile(
    r"\b(?:in|from|near|around|nr|postcode|post[ \t]code|area|live|lives|living|based|moved[ \t]to|round)"
    r"[ \t:,]{1,3}$",
    re.IGNORECASE,
)
_NOT_OUTWARD_AFTER_RE = re.compile(
    r"[ \t]{0,2}(?:road|rd|motorway|mway|toll|junction|j\d|services|traffic|roadworks|bus|train|vitamin|"
    r"level|grade|class|set|group|form|paper|size|format|sheet|file|room|block|ward|unit|team|lane|exit)\b",
    re.IGNORECASE,
)


_LETTER_DISTRICTS = _words("E EC N NW SE SW W WC")


def _find_outward_codes(text: str) -> Iterator[Found]:
    for match in _OUTWARD_RE.finditer(text):
        area, district = match.group("area").upper(), match.group("district")
        if area not in POSTCODE_AREAS or (district[-1].isalpha() and area not in _LETTER_DISTRICTS):
            continue  # "Y5", "A1"; only central London has districts such as "W1A"
        cued = _PLACE_CUE_RE.search(text[max(0, match.start() - 16) : match.start()]) is not None
        if not cued and (len(area) == 1 or not match.group().isupper()):
            continue
        if _NOT_OUTWARD_AFTER_RE.match(text, match.end()):
            continue
        yield Found("postcode", match.start(), match.end(), "outward code")


_NINO_RE = re.compile(r"\b[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b", re.IGNORECASE)


def _find_ninos(text: str) -> Iterator[Found]:
    # Any NI-number shape, valid prefix or not: QQ 12 34 56 C is HMRC's example, but a typo is personal too.
    for match in _NINO_RE.finditer(text):
        yield Found("nino", match.start(), match.end(), "nino")


_TLDS = _words(
    """
    com org net uk gov nhs ac edu info io me co biz online email mail live scot wales london cymru
    """
)
_DOT = r"(?:\.|[ \t]{0,3}[\(\[\{]dot[\)\]\}][ \t]{0,3}|[ \t]{1,3}dot[ \t]{1,3})"
# A local part starts where its run of characters starts (so a long run is read once, not from each of
# its positions) and is at most 64 characters, as in RFC 5321; labels are at most 63, at most 8 of them.
_EMAIL_RE = re.compile(
    r"(?<![\w.+'\-])[\w.+'\-]{1,64}+[ \t]{0,3}[@\uff20\ufe6b][ \t]{0,3}[\w\-]{1,63}+"
    r"(?:(?:\.|[ \t]{0,3}[\(\[\{]dot[\)\]\}][ \t]{0,3})[\w\-]{1,63}+){1,8}"
)
# Written to dodge filters: "sam dot jones at gmail dot com", "mum (at) yahoo (dot) co (dot) uk".
_EMAIL_WORDS_RE = re.compile(
    rf"(?<![\w+'\-])[\w+'\-]{{1,64}}+(?:{_DOT}[\w+'\-]{{1,64}}+){{0,6}}"
    rf"(?P<at>{_SP0}[\(\[\{{]at[\)\]\}}]{_SP0}|{_SP}at{_SP})"
    rf"[\w\-]{{1,63}}+(?:{_DOT}[\w\-]{{1,63}}+){{1,8}}",
    re.IGNORECASE,
)


def _find_emails(text: str) -> Iterator[Found]:
    for found in _EMAIL_RE.finditer(text):
        yield Found("email", found.start(), found.end(), "email")
    position = 0
    while (match := _EMAIL_WORDS_RE.search(text, position)) is not None:
        if match.group("at").strip().lower() == "at":
            # "I was at home.Then": a bare " at " counts only with a real ending and a non-word local part.
            local = match.group()[: match.start("at") - match.start()]
            labels = re.split(_DOT, match.group()[match.end("at") - match.start() :], flags=re.IGNORECASE)
            if labels[-1].lower() not in _TLDS or (local.isalpha() and _is_common(local)):
                # "email me at jo dot bloggs at gmail dot com": try again from the next word, not after it all
                position = match.start() + 1
                continue
        yield Found("email", match.start(), match.end(), "email (spelled out)")
        position = match.end()


# A bare domain starts where its dotted run starts and has at most 10 labels of at most 63 characters.
_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']{1,2000}+"
    r"|(?<![\w.\-])[a-z0-9][a-z0-9\-]{0,62}+(?:\.[a-z0-9\-]{1,63}+){0,10}"
    r"\.(?:com|org|net|co\.uk|org\.uk|gov\.uk|nhs\.uk|ac\.uk|uk|io|info)\b"
    r"(?:/[^\s<>\"']{0,2000}+)?",
    re.IGNORECASE,
)


def _find_urls(text: str) -> Iterator[Found]:
    for match in _URL_RE.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?)]}'\"":
            end -= 1
        yield Found("url", match.start(), end, "url")


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}{_SP0}[/.\-]{_SP0}\d{{1,2}}{_SP0}[/.\-]{_SP0}\d{{2,4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?{_SP}(?:of{_SP})?{_MONTH}\.?(?:,?{_SP}\d{{2,4}})?"
    rf"|{_MONTH}\.?{_SP}\d{{1,2}}(?:st|nd|rd|th)?(?:,?{_SP}\d{{2,4}})?"
    rf"|{_MONTH}{_SP}\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
_DOB_RE = re.compile(
    rf"\b(?:d\.?[ \t]?o\.?[ \t]?b\b\.?|date{_SP}of{_SP}birth|born(?:{_SP}on|{_SP}in)?"
    rf"|birthday(?:{_SP}is)?)"
    # then up to 30 characters without a digit or a sentence end: "born at the Royal on 29-09-2011"
    rf"{_SP0}[:\-]?[^\n\d.!?;]{{0,30}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)


def _find_dobs(text: str) -> Iterator[Found]:
    for match in _DOB_RE.finditer(text):
        yield Found("dob", match.start("date"), match.end("date"), "dob")


_REFERENCE_RE = re.compile(
    r"\b(?:ref(?:erence)?|case(?:[ \t]{1,3}(?:no|number|ref))?|claim(?:[ \t]{1,3}no)?|upn|crn|urn"
    r"|(?:ehcp|ehc|file|account|complaint|tribunal|appeal|ticket|crm|policy|patient|hospital|upn)"
    r"[ \t]{1,3}(?:no|number|ref|id))\.?(?:[ \t]{1,3}(?:no\.?|number))?"
    r"[ \t]{0,3}[:#]?[ \t]{0,3}(?:(?:is|was)[ \t]{1,3})?(?P<ref>[A-Z0-9][A-Z0-9/\-]{3,40}+)",
    re.IGNORECASE,
)


# "ref ..., 4857773456", "case ref: (see letter) 12345678": a long number shortly after the word.
_REFERENCE_GAP_RE = re.compile(
    r"\b(?:ref(?:erence)?|case|claim|crn|urn)s?\b[^\n\d]{0,30}+(?P<ref>\d(?:[ \-]?\d){5,19}+)(?![\w/])",
    re.IGNORECASE,
)
# "EH891/24/00173", "SEN/2024/00173": letters and digits in parts joined by slashes, with at least five
# digits, written anywhere (a date or "24/7" has no letters; "LA/EHC" has no digits).
_SLASHED_RE = re.compile(r"(?<![\w/])[A-Za-z]{1,6}\d{0,8}(?:/[A-Za-z0-9]{1,12}){1,5}+(?![\w/])")


def _find_references(text: str) -> Iterator[Found]:
    for match in _REFERENCE_RE.finditer(text):
        if any(char.isdigit() for char in match.group("ref")):
            yield Found("reference", match.start("ref"), match.end("ref"), "reference")
    for match in _REFERENCE_GAP_RE.finditer(text):
        yield Found("reference", match.start("ref"), match.end("ref"), "reference (after a gap)")
    for match in _SLASHED_RE.finditer(text):
        if sum(char.isdigit() for char in match.group()) >= 5:
            yield Found("reference", match.start(), match.end(), "reference (slashes)")


# "@jonno_mum": a social media handle. Not in an email (the local part's characters come before it)
# and not "@ home" or "@school" for "at".
_HANDLE_RE = re.compile(r"(?<![\w.+'\-@])[@\uff20](?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}+))")
_NOT_HANDLES = _words("home school work college nursery least last all night the my our his her times church")


def _find_handles(text: str) -> Iterator[Found]:
    for match in _HANDLE_RE.finditer(text):
        handle = match.group("handle").rstrip(".")
        if handle.lower() in _NOT_HANDLES or handle.isdigit():
            continue  # "@ 3", "@home"
        yield Found("handle", match.start(), match.start("handle") + len(handle), "handle")


_STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|way|court|crescent|place|grove|gardens|terrace|rise"
    r"|hill|view|walk|row|square|mews|green|vale|parade|boulevard|park|meadow|meadows|fields|croft|chase)"
)
_ADDRESS_RE = re.compile(
    rf"\b(?:(?:flat|apartment|unit){_SP}\d+[a-z]?,?{_SP})?\d{{1,4}}[a-z]?,?{_SP}"
    rf"(?:[A-Za-z][a-z'’\-]+{_SP}){{1,3}}{_STREET}\b\.?",
    re.IGNORECASE,
)


def _find_addresses(text: str) -> Iterator[Found]:
    for match in _ADDRESS_RE.finditer(text):
        words = match.group().split()
        # "2 hours a day", "3 years on the waiting list": the words before the street type must not be
        # everyday English (they are place names), unless capitalised as a name is.
        body = [word.strip(",.") for word in words[1:-1] if not word[:1].isdigit()]
        if any(_is_common(word) and not word[:1].isupper() for word in body):
            continue
        yield Found("address", match.start(), match.end(), "address")


# ---------------------------------------------------------------------------------------------
# Schools and settings

_SETTING = (
    r"(?:Primary(?:[ \t]{1,3}School)?|Prim|Junior(?:s|[ \t]{1,3}School)?|Jnrs?"
    r"|Infants?(?:[ \t]{1,3}School)?|Infs?"
    r"|Nursery(?:[ \t]{1,3}School)?|Academy|Acad|Ac\.|School|Sch|College|Coll"
    r"|High(?:[ \t]{1,3}(?:School|Sch))?"
    r"|Prep(?:aratory)?(?:[ \t]{1,3}School)?|C[ \t]of[ \t]E|CE|C\.E\.|RC|R\.C\."
    r"|Sixth[ \t]{1,3}Form(?:[ \t]{1,3}College)?|6th[ \t]{1,3}Form|Pre-?[Ss]chool"
    r"|Grammar(?:[ \t]{1,3}School)?"
    r"|Secondary(?:[ \t]{1,3}School)?|Specialist[ \t]{1,3}College|Special[ \t]{1,3}School"
    r"|Free[ \t]{1,3}School|UTC|PRU|Trust|Centre|Short[ \t]{1,3}Breaks"
    r"|Respite(?:[ \t]{1,3}(?:Unit|Centre|Home))?"
    r"|Children['’]s[ \t]{1,3}Centre|Federation)"
)
# The setting word is found first (in any capitalisation); the school's own name is then read backwards from
# it, word by word, at most ``_SCHOOL_WORDS`` words (so a run of capitalised words costs the same as any
# other text).
_SETTING_RE = re.compile(rf"\b{_SETTING}(?!\w)", re.IGNORECASE)
_SCHOOL_WORDS = 8
_CAPWORD_RE = re.compile(r"St\.?|[A-Z][\w'’\-]{0,40}")
_SCHOOL_JOINERS = frozenset({"of", "&", "on", "upon", "the", "de", "C.E.", "R.C."})
_SPACED_WORD_RE = re.compile(r"\S{1,60}")
_LOWER_SCHOOL_WORDS = 4
_ARTICLE_BEFORE_RE = re.compile(r"\b(?:a|an)[ \t]{1,3}$", re.IGNORECASE)
_LOWER_WORD_RE = re.compile(r"[a-z][a-z'’\-]{1,40}|st\.")
# Titles that start a school's name in lower case too ("sir john leman high", "bishop hogarth school").
_LOWER_TITLES = _words("sir st saint bishop cardinal king queen holy")
# "Bishop Hogarth Trust", "Northern Education Trust": a trust is a school's only when named for one.
_TRUST_WORDS = _words(
    """
    bishop cardinal diocese diocesan catholic academy academies schools learning education st saint
    multi-academy church christ holy
    """
)
# Settings read loosely: in lower case, or only with a name that is not everyday English, or after a cue.
_LOOSE_SETTINGS = _words("centre center short respite trust")
# "at happy days nursery", "to tiny tots preschool": nurseries are named in everyday words.
_NURSERY_SETTINGS = _words("nursery pre-school preschool pre-schools")
# Words before "Centre", "School" that make a kind of place, not one place ("Job Centre", "Sunday school").
_NOT_SETTING_NAMES = _words(
    """
    job jobcentre leisure shopping town city health medical community family child children's development
    assessment contact call garden sports sport youth advice information visitor test vaccination walk-in
    sure start play activity hub resource science civic conference treatment care dental eye sexual crisis
    rape cancer mental world trade distribution day visitor's citizens advice sunday summer
    night drama music dance driving medical law art arts football swimming language holiday breakfast
    bible beauty film stage theatre boys girls boys' girls' nhs nhs's foundation university hospital
    hospitals ambulance partnership wildlife national charitable teaching housing land police semh fe
    send sen asd asc mld sld pmld slcn ehcp sure-start two-form three-form one-form entry
    """
)
# Words that make "X School" generic rather than a name ("the School", "Special School", "our Academy").
_GENERIC = _words(
    """
    attend attends attending attended overnight short breaks emergency holiday
    the a an our my his her their your this that these those every any no one another other each its
    special secondary primary mainstream local new old current previous independent private state
    specialist residential day boarding free grammar infant infants junior juniors nursery high
    middle upper lower first sixth form further education village catchment chosen named preferred
    same next last different whole community church faith catholic forest year send sen ehcp la
    council autism autistic resourced base unit hospital virtual alternative provision mainstream's
    dream good bad right wrong nearest nearby at to in from and or but for with of on by as is was
    be been being if so not when where then after before while since until till into onto about
    through start started starting leave leaving left moved move moving going go went back normal
    proper actual big small whole main jnr jnrs inf infs prim sch coll acad ac. i you me him them us
    very so too really such quite most more less much what which who whose how why off up down over
    under all some both many few several own usual current ordinary regular standard typical
    pre-school preschool prep outstanding requires improvement inadequate ofsted-rated rated
    grammar's sixth-form 6th 6th-form form's centre respite short breaks trust unit's because outside
    inside provide hates loves likes hated loved liked refuses refused during without within
    maths math science pe re art music drama french spanish german geography history computing
    lessons lesson assembly assemblies class lunch lunchtime break trips trip exams exam
    """
)
_LOWER_CUE_RE = re.compile(
    r"(?:\b(?:at|to|from|attends|attending|attended|attend|in|left|joined|into)|@)"
    r"[ \t]{1,3}(?:the[ \t]{1,3})?$",
    re.IGNORECASE,
)
# "St Mary's", "Saint Anne": a school or a church, never a person (a "St" name is not a first name).
_SAINT_RE = re.compile(r"\b(?:St\.?|Saint|ST\.?|SAINT)[ \t]{1,3}[A-Z][\w'’\-]{0,40}+")
_SAINT_LOWER_RE = re.compile(r"\b(?:st\.?|saint)[ \t]{1,3}(?P<name>[a-z][a-z'’]{2,40}+)")
# "at QEGS", "from KEGS", "left RGS": an all-capitals name of a school ending in S, GS or HS, after a cue.
_ACRONYM_RE = re.compile(
    r"\b(?i:at|to|from|attends|attended|attending|attend|goes[ \t]to|went[ \t]to|left|leave|leaving|joined"
    r"|excluded[ \t]from|expelled[ \t]from|moved[ \t]to|move[ \t]to|moving[ \t]to"
    r"|start[ \t]at|started[ \t]at)"
    r"[ \t]{1,3}(?P<school>[A-Z]{1,4}(?:GS|HS|S)|[A-Z]{2,3}H)\b"
)
# SEND and everyday jargon in capitals that such a cue can precede ("referred to CAMHS", "at PALS").
_NOT_SCHOOL_ACRONYMS = _words(
    """
    CAMHS NHS SENDIASS SENDIAS IPSEA EPS GPS TAS OTS IEPS EHCPS SATS GCSES CDCS ABS PIPS LAS SLTS SALTS
    ADHS OCDS DLAS SENCOS CSS IT'S ITS HIS HERS OURS YES US BUS GAS AS IS THIS ALWAYS DAYS WAYS
    THINGS ASS DOCS MEDS PJS CLASS SCHOOLS WEEKS MONTHS YEARS PALS DWP HMRC SEND EHCP SENCO SALT SENDS
    CAHMS EPSS SLCNS PCS KS KSS ISS LDS SEMHS EBSAS PDAS ASCS ASDS HCPS AHPS NHSS OFS DFES CQCS HCS
    FSMS TAFS CINS CPS SGOS LACS PEPS IAS IASS MASHS MASH SS SWS EHS EHAS ICBS CCGS WHS DBS UCAS GCSES
    BTECS ALS MPS CABS NAS NCS PHS PIS EOTAS AAS TGIS HELPS STOPS NEWS CAMH GOSH MASH BEH
    """
)


_CAP = r"[A-Z][\w'’\-]{0,40}+"
# Faith schools named without a setting word: "Our Lady of Lourdes", "Holy Family", "Sacred Heart".
_FAITH_RE = re.compile(
    rf"\b(?:(?i:our[ \t]{{1,3}}lady)(?:[ \t]{{1,3}}(?i:(?:queen|star|help|mother)[ \t]{{1,3}})?(?i:of)"
    rf"[ \t]{{1,3}}(?:the[ \t]{{1,3}})?(?i:[a-z][\w'’\-]{{0,40}}+)(?:[ \t]{{1,3}}{_CAP})?|['’]s)?"
    rf"|Holy[ \t]{{1,3}}(?:Family|Trinity|Cross|Rosary|Name|Spirit|Redeemer|Ghost|Child|Innocents|Souls|Rood"
    rf"|Apostles|Angels|Island)|Sacred[ \t]{{1,3}}Heart|Corpus[ \t]{{1,3}}Christi"
    rf"|Christ[ \t]{{1,3}}the[ \t]{{1,3}}King"
    rf"|English[ \t]{{1,3}}Martyrs|Blessed[ \t]{{1,3}}{_CAP}(?:[ \t]{{1,3}}{_CAP})?"
    rf"|(?:Bishop|Cardinal|Archbishop)[ \t]{{1,3}}{_CAP}(?:[ \t]{{1,3}}{_CAP})?"
    rf"(?:[ \t]{{1,3}}(?:CE|RC|C[ \t]of[ \t]E))?)"
)
# "King Edward VI", "at Queen Elizabeth's": a school when numbered or after a cue.
_ROYAL_RE = re.compile(
    r"\b(?i:(?:King|Queen|Prince|Princess)[ \t]{1,3}(?:Edward|Elizabeth|Henry|James|Charles|Mary"
    r"|Anne|Victoria|Alfred|Ethelburga|William|George|Richard|Arthur|Alexandra)(?:['’]s)?)"
    r"(?:[ \t]{1,3}(?P<numeral>VIII|VII|VI|IV|V|III|II|I|the[ \t]{1,3}Sixth)\b)?"
)
# "the PRU on Mill Road", "the school on Hawthorn Lane": a setting named by its street.
_SETTING_ON_RE = re.compile(
    rf"\b(?i:pru|school|academy|nursery|unit|college)[ \t]{{1,3}}(?i:on|off)[ \t]{{1,3}}"
    rf"{_CAP}(?:[ \t]{{1,3}}{_CAP}){{0,2}}"
)


# "Head of Inclusion at Northgate", "the SENCO at Westbrook": a capitalised name after a school role.
_ROLE_AT_RE = re.compile(
    rf"\b(?i:head[ \t]of[ \t](?:inclusion|year|send|sen|pastoral|school|behaviour)|head(?:teacher)?"
    rf"|head[ \t]teacher|deputy[ \t]head|principal|senco|headmistress|headmaster|inclusion[ \t]lead)"
    rf"(?:[ \t]{{1,3}}(?i:there))?,?[ \t]{{1,3}}(?i:at|from)[ \t]{{1,3}}"
    rf"(?P<school>{_CAP}(?:[ \t]{{1,3}}{_CAP}){{0,3}})"
)
# "at little acorns", "to little stars": a nursery's name, in lower case without a setting word.
_LITTLE_RE = re.compile(
    r"\b(?i:at|to|from|attends|attended)[ \t]{1,3}(?P<school>(?i:little)[ \t]{1,3}[a-zA-Z]{2,20}s)\b"
)
_NOT_LITTLE = _words("ones things bits steps ways days times others is was has does less")


_HOLY_LOWER_RE = re.compile(
    r"\bholy[ \t]{1,3}(?:family|trinity|cross|rosary|redeemer|innocents|souls|rood|apostles|angels)\b"
)
# "excluded from Parkside", "started at Fairfield", "her school, Westbrook,": a capitalised name after what
# only happens at a school.
_PLACED_AT_RE = re.compile(
    rf"\b(?i:(?:excluded|expelled|suspended|off-rolled|offrolled)[ \t]{{1,3}}from|started[ \t]{{1,3}}at"
    rf"|transferred[ \t]{{1,3}}to|(?:moved|move|moving)[ \t]{{1,3}}(?:him|her|them)[ \t]{{1,3}}to"
    rf"|(?:his|her|their|my|our)[ \t]{{1,3}}(?:school|nursery|college|setting)"
    rf"(?:[ \t]{{0,3}},|[ \t]{{1,3}}is|[ \t]{{1,3}}was|[ \t]{{1,3}}called))"
    rf"[ \t]{{1,3}}(?P<school>{_CAP}(?:[ \t]{{1,3}}{_CAP}){{0,2}})"
)


def _capital_or_joiner(word: str) -> bool:
    return word in _SCHOOL_JOINERS or _CAPWORD_RE.fullmatch(word) is not None


def _school_name_words(
    text: str, tokens: list[re.Match[str]], starts: list[int], at: int, capital: bool
) -> list[re.Match[str]]:
    """The words of the school's own name before the setting word at ``at`` (none if it has none): capitalised
    words and joiners, or (``capital`` false) lower-case words that are not generic ("bramley park")."""
    index = bisect_left(starts, at)
    words: list[re.Match[str]] = []
    edge = at
    limit = _SCHOOL_WORDS if capital else _LOWER_SCHOOL_WORDS
    while index > 0 and len(words) < limit:
        token = tokens[index - 1]
        gap = text[token.end() : edge]
        if not gap or "\n" in gap or len(gap) > 3:
            break
        word = token.group()
        if capital and not _capital_or_joiner(word):
            break
        if not capital and (
            _LOWER_WORD_RE.fullmatch(word) is None
            or (word in _GENERIC and word not in _LOWER_TITLES)
            or word in NOT_NAMES - _LOWER_TITLES
        ):
            break
        words.append(token)
        edge = token.start()
        index -= 1
    words.reverse()
    while words and words[0].group() in _SCHOOL_JOINERS:
        words.pop(0)  # the name starts with a capital: "the" in "at the Oak Academy" is not part of it
    first = next((i for i, word in enumerate(words) if word.group().lower().strip(".") not in _GENERIC), None)
    return [] if first is None else words[first:]


def _school_name_start(text: str, tokens: list[re.Match[str]], starts: list[int], at: int) -> int | None:
    """Where the school's own name before the setting word at ``at`` starts, or None if it has none."""
    words = _school_name_words(text, tokens, starts, at, capital=True)
    return words[0].start() if words else None


def _cued(text: str, start: int) -> bool:
    return _LOWER_CUE_RE.search(text, max(0, start - 24), start) is not None


def _named_setting(text: str, setting: str, words: list[str], start: int) -> bool:
    """Whether ``words`` before ``setting`` name one place, not a kind of place ("Job Centre", "Maybe
    school")."""
    lowered = [word.lower().strip(".,") for word in words]
    kind = setting.lower().split()[0]
    if any(word in _NOT_SETTING_NAMES for word in lowered):
        return False
    if kind == "trust":  # "Bishop Hogarth Trust", never "the NHS Trust"
        return any(word in _TRUST_WORDS for word in lowered)
    everyday = all(_is_common(word) or word in NOT_NAMES for word in lowered)
    if setting.isupper() and len(setting) > 3 and any(_is_common(word) for word in lowered):
        return False  # "GOT THE SPECIAL SCHOOL PLACE": shouting, not a name
    if setting[:1].isupper() and words[0][:1].isupper() and kind not in _LOOSE_SETTINGS:
        return True  # "Oak View Academy", "St Johns CE"
    if _ARTICLE_BEFORE_RE.search(text, max(0, start - 4), start):
        return False  # "a Northfold secondary school", "a two-form entry primary": a kind of school
    titled = any(word in _LOWER_TITLES for word in lowered)  # "st mary's c of e"
    if any(word.endswith(("'s", "’s", "'", "’")) for word in words[:-1]) and not titled:
        return False  # "my son's new school"
    if (words[-1].endswith(("'s", "’s", "'", "’")) and not titled) or (
        len(words) == 1 and words[0].isupper()
    ):
        return False  # "Y's school", "the Council's short breaks", "an SEMH free school", "FE college"
    if kind in _LOOSE_SETTINGS or setting.lower() in ("high", "prim"):
        # "at very high risk", "to provide short breaks", "four hours' respite"; "Sunflowers respite" is named
        named = words[0][:1].isupper() and (len(words) >= 2 or _cued(text, start))
        return not everyday or named
    if not words[0][:1].isupper():
        # lower case: "oakfield primary", after a cue "went to bramley park academy"; not "jonno hates school"
        return all(not _is_common(word) for word in lowered) or (
            _cued(text, start) and (not everyday or len(words) == 1 or kind in _NURSERY_SETTINGS)
        )
    # "Little Acorns nursery", "Oakfield school", "to Rainbow preschool"; not "Maybe school"
    return len(words) >= 2 or not everyday or _cued(text, start)


def _find_schools(text: str) -> Iterator[Found]:
    settings = list(_SETTING_RE.finditer(text))
    if settings:
        tokens = list(_SPACED_WORD_RE.finditer(text))
        starts = [token.start() for token in tokens]
        for match in settings:
            setting = match.group()
            if setting.lower() == "trust" and not setting[:1].isupper():
                continue  # "I trust school"
            for capital in (True, False):
                words = _school_name_words(text, tokens, starts, match.start(), capital)
                if capital and words and words[-1].group() in _SCHOOL_JOINERS:
                    words = []  # "Thankfully the school"
                plain = [word.group() for word in words]
                if words and _named_setting(text, setting, plain, words[0].start()):
                    rule = "school pattern" if capital else "school pattern (lower case)"
                    yield Found("school", words[0].start(), match.end(), rule)
                    break
    for match in _FAITH_RE.finditer(text):
        alone = match.group().lower().startswith("our") and len(match.group().split()) == 2
        if alone and not _cued(text, match.start()):
            continue  # "our lady at the desk"; "she goes to Our Lady" is a school
        yield Found("school", match.start(), match.end(), "faith school")
    for match in _HOLY_LOWER_RE.finditer(text):
        if _cued(text, match.start()):
            yield Found("school", match.start(), match.end(), "faith school (lower case)")
    for match in _PLACED_AT_RE.finditer(text):
        words = list(re.finditer(r"\S+", match.group("school")))
        while words and words[-1].group().lower().strip(",.") in _GENERIC | NOT_NAMES:
            words.pop()  # "started at Fairfield in September"
        plain = [word.group().strip(",.") for word in words]
        if (
            plain
            and all(word.lower() not in _GENERIC | NOT_NAMES for word in plain)
            and not all(_is_common(word) for word in plain)
            and not (len(plain) == 1 and plain[0].isupper())
        ):  # not "excluded from Maths", "excluded from PE"
            start = match.start("school")
            yield Found("school", start, start + words[-1].end(), "placed at a name")
    for match in _ROYAL_RE.finditer(text):
        if match.group("numeral") or _cued(text, match.start()):
            yield Found("school", match.start(), match.end(), "king or queen's school")
    for match in _ROLE_AT_RE.finditer(text):
        words = list(re.finditer(r"\S+", match.group("school")))
        while words and words[-1].group().lower() in _GENERIC | NOT_NAMES:
            words.pop()  # "the SENCO at Northgate Monday": the name stops before an everyday word
        if words and words[0].group().lower() not in _GENERIC | NOT_NAMES:
            start = match.start("school")
            yield Found("school", start, start + words[-1].end(), "after a school role")
    for match in _LITTLE_RE.finditer(text):
        if match.group("school").split()[-1].lower() not in _NOT_LITTLE:
            yield Found("school", match.start("school"), match.end("school"), "little ...s")
    for match in _SETTING_ON_RE.finditer(text):
        if match.group().split()[2].lower() in NOT_NAMES:
            continue  # "the review at the school on Monday"
        yield Found("school", match.start(), match.end(), "setting on a street")
    for match in _SAINT_RE.finditer(text):
        if match.group().split()[-1].lower() in NOT_NAMES:
            continue  # "Church St Monday", "High St The": a street, then another word
        yield Found("school", match.start(), match.end(), "saint")
    for match in _SAINT_LOWER_RE.finditer(text):
        name = match.group("name").removesuffix("'s").removesuffix("’s")
        cue = _LOWER_CUE_RE.search(text[max(0, match.start() - 12) : match.start()])
        if cue or _is_first_name(name) or _is_first_name(name.removesuffix("s")) or not _is_common(name):
            yield Found("school", match.start(), match.end(), "saint (lower case)")
    for match in _ACRONYM_RE.finditer(text):
        acronym = match.group("school")
        if acronym in _NOT_SCHOOL_ACRONYMS or acronym[:-1].lower() in NOT_NAMES or len(acronym) < 3:
            continue
        yield Found("school", match.start("school"), match.end("school"), "acronym")


# ---------------------------------------------------------------------------------------------
# Schools named without a setting word, found by what is said around them

# Capitalised words that such contexts often precede and that are no school: services and jargon, big cities
# and countries, shops and brands, clubs, festivals and family ("she's at Nanny's").
_NOT_CONTEXT_SCHOOLS = _words(
    """
    camhs cahms sendiass sendias ipsea ofsted tribunal council councils nhs gp la lea dfe dwp mencap barnardos
    barnardo's scope cafcass portage social services send sen ehcp senco sencos la's cqc ombudsman lgsco
    london manchester birmingham leeds liverpool sheffield bristol newcastle nottingham leicester york glasgow
    edinburgh cardiff belfast coventry bradford oxford cambridge brighton southampton portsmouth hull
    plymouth derby stoke wolverhampton sunderland reading england wales scotland ireland britain uk europe
    spain france america disney disneyland legoland tesco asda sainsburys sainsbury's aldi lidl morrisons
    waitrose amazon primark argos boots mcdonalds mcdonald's costa greggs ikea google apple netflix youtube
    roblox minecraft nintendo xbox playstation lego brownies scouts cubs beavers rainbows guides explorers
    christmas easter halloween diwali eid ramadan nanny nanny's nan nan's nana nana's grandma grandma's granny
    granny's grandad grandad's grandpa grandpa's mum mum's dad dad's home church mosque hospital
    """
)
_CONTEXT_NAME = r"[A-Z][a-z\-]{1,40}+(?:[ \t]{1,3}[A-Z][a-z\-]{1,40}+){0,2}+"
# "Hillside's SENCO", "Castle Hill's ELSA", "Northfield's reception class": a name before a school's role
# or thing. Strong things make any name a school's; weak ones ("X's head", "X's uniform") need a name the
# dictionary does not know.
_STRONG_SCHOOL_THINGS = (
    r"(?:sendco|senco|elsa|head[ \t]?teacher|headmaster|headmistress|deputy[ \t]head|inclusion[ \t]lead"
    r"|head[ \t]of[ \t](?:year|inclusion|send|sen|pastoral)|reception[ \t]class"
    r"|nurture[ \t](?:room|group|base)"
    r"|behaviour[ \t]policy|send[ \t](?:policy|team|unit|base|department)|pastoral[ \t](?:team|lead|manager)"
    r"|learning[ \t]mentor|year[ \t]{1,3}\d{1,2}|ofsted[ \t]report|attendance[ \t]officer)"
)
_WEAK_SCHOOL_THINGS = r"(?:head|tas?|uniform|reception|staff|teachers|pupils|governors|intake|catchment)"
_SCHOOL_OWNS_RE = re.compile(
    rf"\b(?P<school>{_CONTEXT_NAME})['’]s?[ \t]{{1,3}}(?:(?P<strong>(?i:{_STRONG_SCHOOL_THINGS}))"
    rf"|(?P<weak>(?i:{_WEAK_SCHOOL_THINGS})))\b"
)
# "Fernside have excluded him", "Ashgrove won't let him in", "Beaumont have been brilliant": a name taking a
# plural verb, as a school does (a name the dictionary does not know), or doing what only a school does.
_SCHOOL_DOES_RE = re.compile(
    rf"\b(?P<school>{_CONTEXT_NAME})[ \t]{{1,3}}(?:(?P<act>(?i:(?:have|has|had)[ \t]{{1,3}}"
    rf"(?:excluded|expelled"
    rf"|suspended|off-rolled|refused[ \t]{{1,3}}(?:him|her|them))|excluded|expelled|suspended"
    rf"|won['’]?t[ \t]{{1,3}}let[ \t]{{1,3}}(?:him|her|them)[ \t]{{1,3}}(?:in|back|attend|go)"
    rf"|refused[ \t]{{1,3}}(?:him|her|them)[ \t]{{1,3}}a[ \t]{{1,3}}place))"
    rf"|(?:have|haven['’]?t|are|aren['’]?t|were|weren['’]?t)\b)"
)
# "goes to Westbrook", "she's at Westbrook", "got a place at Millbrook", "on roll at Danesfield": a name after
# what a child does with a school; a name the dictionary knows ("Castle Hill") needs a school word nearby.
_SCHOOL_VERB_RE = re.compile(
    rf"\b(?P<verb>(?i:goes[ \t]to|is[ \t]at|was[ \t]at|(?:she|he)['’]s[ \t]at"
    rf"|moved[ \t]to|started[ \t]at|starts[ \t]at|transferred[ \t]to|(?P<strong>(?:got|offered|given|get)"
    rf"[ \t]{{1,3}}a[ \t]{{1,3}}place[ \t]{{1,3}}at|on[ \t]roll[ \t]at|dual[ \t]registered[ \t]at)))"
    rf"[ \t]{{1,3}}(?P<school>{_CONTEXT_NAME})(?!['’\w])"
)
_SCHOOL_CUE_AFTER_RE = re.compile(
    r"\b(?i:year[ \t]{1,3}\d{1,2}|reception|nursery|class|school|senco|sendco|teachers?|head|ta|elsa|uniform"
    r"|ehcp|plan|pupils?|excluded|exclusion|attending|attendance|in[ \t]september|since[ \t]september"
    r"|named|place|sixth[ \t]form|gcses?|sats)\b"
)
_FAMILY_BEFORE_RE = re.compile(r"\b(?i:we|i|they|family|us)[ \t]{1,3}$")
_PLACE_BEFORE_RE = re.compile(r"\b(?i:in|of|across|from|for|around|near|within|throughout)[ \t]{1,3}$")
# "my son goes to Castle Hill", "DD is at Priory Park": a child going there.
_CHILD_BEFORE_RE = re.compile(
    r"\b(?i:son|daughter|dd|ds|dc|boy|girl|child|twins|he|she)"
    r"(?:[ \t]{1,3}(?i:now|still|currently|also|only))?"
    r"[ \t]{1,3}$"
)
# "Longmead is named in the plan": a name a plan names.
_NAMED_IN_PLAN_RE = re.compile(
    rf"\b(?P<school>{_CONTEXT_NAME})[ \t]{{1,3}}(?i:is|was|got|has[ \t]been|being)[ \t]{{1,3}}(?i:named)"
    rf"[ \t]{{1,3}}(?i:in)"
)
# "at the Priory", "at the Grange": one capitalised word after "at the" that the dictionary does not know, or
# a house name schools take.
_AT_THE_RE = re.compile(
    r"\b(?i:at|to|from)[ \t]{1,3}the[ \t]{1,3}(?P<school>[A-Z][a-z]{2,30}+)(?![\w'’\-]|[ \t]{1,3}[A-Z])"
)
_HOUSE_NAMES = _words(
    "priory grange abbey manor laurels willows beeches elms limes meadows hollies ridgeway downs"
)
# "sir william romneys", "Dame Alice Owen's": a school named for a knight or dame (a first name, a surname).
_KNIGHT_RE = re.compile(
    r"\b(?i:sir|dame)[ \t]{1,3}(?P<first>[A-Za-z]{2,20}+)[ \t]{1,3}(?P<last>[A-Za-z][a-z]{1,30}+(?:['’]s?)?)"
)


def _context_name_ok(words: list[str], known_allowed: bool) -> bool:
    """Whether ``words`` can name a school: none generic, jargon or a city; a lone word not a first name; and
    (unless ``known_allowed``) not all everyday English."""
    lowered = [word.lower() for word in words]
    if not lowered or any(w in _GENERIC or w in NOT_NAMES or w in _NOT_CONTEXT_SCHOOLS for w in lowered):
        return False
    if len(words) == 1 and _is_first_name(words[0]):
        return False  # "Tom's TA": a child's
    return known_allowed or not all(_is_common(word) for word in words)


def _find_context_schools(text: str) -> Iterator[Found]:
    for match in _SCHOOL_OWNS_RE.finditer(text):
        words = match.group("school").split()
        if _context_name_ok(words, known_allowed=match.group("strong") is not None):
            yield Found("school", match.start("school"), match.end("school"), "before a school's role")
    for match in _SCHOOL_DOES_RE.finditer(text):
        words = match.group("school").split()
        act = match.group("act") is not None
        if not act and (
            _PLACE_BEFORE_RE.search(text, max(0, match.start() - 12), match.start())
            or words[-1].lower().endswith(("s", "ology"))
        ):
            continue  # "families in Northfold have", "Councillors were", "Audiology were"
        if _context_name_ok(words, known_allowed=act and len(words) > 1):
            yield Found("school", match.start("school"), match.end("school"), "a school's doing")
    for match in _SCHOOL_VERB_RE.finditer(text):
        words = match.group("school").split()
        if match.group("verb").lower().startswith("moved") and _FAMILY_BEFORE_RE.search(
            text, max(0, match.start() - 10), match.start()
        ):
            continue  # "we moved to Devon in year 3": the family moved house
        after = text[match.end() : match.end() + 60].split("\n", 1)[0]
        cued = (
            match.group("strong") is not None
            or _SCHOOL_CUE_AFTER_RE.search(after) is not None
            or _CHILD_BEFORE_RE.search(text, max(0, match.start() - 30), match.start()) is not None
        )
        if _context_name_ok(words, known_allowed=cued):
            yield Found("school", match.start("school"), match.end("school"), "after a school verb")
    for match in _NAMED_IN_PLAN_RE.finditer(text):
        words = match.group("school").split()
        if (
            _context_name_ok(words, known_allowed=True)
            and "plan" in text[match.end() : match.end() + 30].lower()
        ):
            yield Found("school", match.start("school"), match.end("school"), "named in the plan")
    for match in _AT_THE_RE.finditer(text):
        word = match.group("school")
        lowered = word.lower()
        if lowered in _HOUSE_NAMES or (
            not _is_common(word)
            and _context_name_ok([word], known_allowed=False)
            and not _is_first_name(word)
        ):
            yield Found("school", match.start("school"), match.end("school"), "at the ...")
    for match in _KNIGHT_RE.finditer(text):
        last = match.group("last").removesuffix("'s").removesuffix("’s").lower()
        if _is_first_name(match.group("first")) and last not in NOT_NAMES and last not in _GENERIC:
            yield Found("school", match.start(), match.end(), "sir or dame ...")


def _find_deny_list(text: str, terms: Iterable[str], kind: str) -> Iterator[Found]:
    for term in terms:
        words = term.split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"[ \t]{1,3}".join(re.escape(word) for word in words) + r"(?!\w)"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            yield Found(kind, match.start(), match.end(), "deny list")


# ---------------------------------------------------------------------------------------------
# Names

# At most 4 hyphenated or apostrophised parts of at most 40 letters: a run of "a-a-a-a" is not read
# again to its end from each of its letters.
_NAME_WORD = r"[^\W\d_]{1,40}+(?:['’\-](?![sS]\b)[^\W\d_]{1,40}+){0,4}+"
_TITLE_RE = re.compile(
    rf"(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Sir|Dame|Nurse|Sister|Rev|Revd|Father|Cllr|Councillor)"
    rf"|\b(?i:mr|mrs|ms|mx|dr|miss))\.?{_SP}(?P<name>{_NAME_WORD})"
)
_RELATIONS = (
    r"(?:son|daughter|child|boy|girl|grandson|granddaughter|nephew|niece|husband|wife|partner|brother|sister"
    r"|kid|twins?|stepson|stepdaughter|step-son|step-daughter|sons|daughters|children|youngest|eldest|oldest"
    r"|little one|baby|foster (?:son|daughter|child)|ds|dd)"
)
_CUE_RE = re.compile(
    rf"\b(?:(?:my|our|his|her|their){_SP}"
    rf"(?:(?:eldest|youngest|oldest|middle|little|baby|twin|autistic|disabled)"
    rf"{_SP})?{_RELATIONS}(?:{_SP0},)?{_SP}(?:is{_SP}(?:called{_SP})?|called{_SP}|named{_SP})?"
    rf"|\b(?:(?:my|his|her|their|our)(?:{_SP}{_RELATIONS}['’]s)?{_SP}name(?:{_SP}is|['’]s)|name{_SP0}:|called|named"
    rf"|(?:mum|mom|mother|dad|father|parent"
    rf"|grandma|grandmother|nan|nanna|grandad|carer|auntie|aunt|uncle){_SP}(?:to|of|for)){_SP})"
    rf"(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
# Weaker cues: the word must be a known first name ("I'm autistic" is not a name).
_SELF_CUE_RE = re.compile(
    rf"\b(?:i['’]?m|i{_SP}am|this{_SP}is|it['’]?s(?:{_SP}me)?|hi|hello|hiya|thanks?(?:{_SP}you)?"
    rf"|love|from)"
    rf"{_SP0},?{_SP}(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
_AGE_CUE_RE = re.compile(
    rf"\b(?P<name>{_NAME_WORD})(?:['’]s|{_SP}is|{_SP}was|{_SP}who['’]s|{_SP}turned|,)?"
    rf"{_SP0}\(?{_SP0}(?:age{_SP0}|aged{_SP0})?"
    rf"\d{{1,2}}\b(?!{_SP0}(?:%|weeks|months|hours|days|years{_SP}ago|am|pm|:))"
)
_WORD_RE = re.compile(rf"\b{_NAME_WORD}")
# First names that are everyday words too, which parents write in lower case ("my daughter grace", "grace
# was excluded"): these count in lower case with that evidence; other listed words (the name lists hold
# "ever", "lady", "early") never do. Verbs ("will", "may", "rose") are left out: "my son will".
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:the|a|an|this|that|his|her|their|our|my|your|its)[ \t]{1,3}$", re.I)
_WORD_NAMES = _words(
    """
    grace hope faith summer joy ruby lily daisy holly ivy amber jade pearl dawn autumn april sky river
    heather poppy violet iris hazel willow robin jack billy bobby sonny rocky honey destiny harmony
    blossom jasmine ginger rusty sandy
    """
)
_PERSON_NOUNS = (
    r"(?:ehcp|ehc|plan|school|class|classroom|teacher|ta|senco|diagnosis|needs|mum|dad|sister|brother|anxiety"
    r"|behaviour|autism|adhd|support|placement|review|meltdowns?|speech|therapy|therapist|transport|consultant"
    r"|paediatrician|social|worker|school's|nursery|college|bedroom|room|dla|pip|medication|meds|wheelchair)"
)
_PERSON_PREDICATES = (
    r"(?:excluded|diagnosed|born|assessed|bullied|sent|referred|suspended|restrained|expelled|admitted"
    r"|autistic|non-verbal|nonverbal|verbal|struggling|crying|screaming|distressed|terrified|self-harming"
    r"|home[ \t]schooled|off[ \t]school|in[ \t](?:year|reception|nursery|hospital|y\d)|\d{1,2}\b|aged"
    r"|adhd|asd|autism|dyslexia|dyspraxia|epilepsy|an[ \t]ehcp|a[ \t]diagnosis|meltdowns|no[ \t]friends)"
)
# What follows a name that is also a word when it is a person's name.
_PERSON_NEXT_RE = re.compile(
    rf"(?:['’]s{_SP}{_PERSON_NOUNS}\b"
    rf"|{_SP}(?:gets|got|goes|went|started|starts|loves|hates|struggles|struggled|attends|attended"
    rf"|cries|cried|screams|screamed|kicks|kicked|bites|bit|refuses|refused|says|said|told|asked|wants"
    rf"|wanted|can['’]?t|cannot|won['’]t|doesn['’]t|didn['’]t|isn['’]t|wasn['’]t|hasn['’]t|self-harms"
    rf"|absconds|absconded|masks|masked|melts)\b"
    rf"|{_SP}(?:was|is|has|had|has[ \t]been|had[ \t]been|was[ \t]finally|is[ \t]now){_SP}"
    rf"{_PERSON_PREDICATES}\b)",
    re.IGNORECASE,
)


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return i < 0 or text[i] in '.!?:;\n"“(-–—•*'


_SURNAME_RE = re.compile(r"[ \t]{1,3}(?P<surname>(?:O['’]|Mc|Mac)?[A-Z][a-z'’\-]+|[a-z][a-z'’\-]+)")


# Forum shorthand that follows a name in lower case and is not a surname ("alfie tbh", "josh bday").
_NOT_SURNAMES = _words(
    """
    lol tbh tbf fwiw afaik tho pls plz idk imo imho btw omg xx xxx xoxo atm asap fyi smh
    bday hun hunni lmao ngl irl fml wtf
    dh ds dd lo dc dcs dss dds hubby aswell alot gonna wanna gotta dunno cos coz cuz innit yr yrs
    """
)


def _extend_surname(text: str, end: int, strong: bool = False) -> int:
    """Take one following word as a surname when it looks like one (Tom Gallagher, Karen Mills)."""
    match = _SURNAME_RE.match(text, end)
    if match is None:
        return end
    surname = match.group("surname")
    lowered = surname.lower()
    if lowered in NOT_NAMES:
        return end
    if surname[0].isupper():
        if lowered in surnames() or lowered in first_names() or not _is_common(surname):
            return match.end()
        return end
    # lower case ("john smith", "jayden okoro"): a listed surname, and after a strong cue even one that is a
    # word; or a word unknown to the dictionary
    if lowered in surnames() and (strong or not _is_common(surname)):
        return match.end()
    first = re.search(r"[^\W\d_]{1,40}$", text[max(0, end - 40) : end])
    lower_first = first is not None and first.group().islower()
    if (
        lower_first
        and len(lowered) > 2
        and not _is_common(lowered)
        and lowered not in _NOT_SURNAMES
        and not any(c in lowered for c in "'’")
    ):
        return match.end()
    return end


def _shouting(text: str, start: int, end: int) -> bool:
    """Whether the text around a span is written in capitals (so "JOHN" there is not an acronym)."""
    letters = [char for char in text[max(0, start - 30) : end + 30] if char.isalpha()]
    return sum(char.isupper() for char in letters) > 0.8 * len(letters)


def _previous_word_capitalised(text: str, start: int) -> bool:
    match = re.search(r"([^\W\d_][\w'’\-]*)[ \t]{1,3}$", text[max(0, start - 30) : start])
    if match is None:
        return False
    word = match.group(1)
    return word[0].isupper() and not _is_first_name(word) and word.lower() not in NOT_NAMES


# "me and josh", "took lily", "picked up poppy": a lower-case first name after what one does with a person.
_COMPANION_RE = re.compile(
    rf"\b(?:me{_SP}(?:and|&|n)|took|taking|picked{_SP}up|pick{_SP}up|collected|dropped{_SP}off"
    rf"|drop{_SP}off|cuddled|hugged){_SP}(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
# "alfie and poppy", "Jack, Lily & Noah": the next (or previous) word in a list after a name found.
_LIST_NEXT_RE = re.compile(
    rf"{_SP0}(?:,|&|\+|and|n)(?:{_SP}and)?{_SP}(?P<name>[^\W\d_]{{2,40}}+)(?!['’\-\w])"
)
_LIST_BEFORE_RE = re.compile(rf"(?<![\w'’\-])(?P<name>[^\W\d_]{{2,40}})(?:{_SP0},|{_SP}and|{_SP}&){_SP}$")


def _sibling_name(word: str) -> bool:
    """A word beside a name in a list that is a name too: listed, and not everyday English unless a name that
    is also a word ("poppy", "lily")."""
    lowered = word.lower()
    return _is_first_name(word) and (not _is_common(word) or lowered in _WORD_NAMES or word[0].isupper())


def _find_names(text: str) -> Iterator[Found]:
    found = list(_find_names_alone(text))
    for match in _COMPANION_RE.finditer(text):
        word = match.group("name")
        if _is_first_name(word) and (
            word[0].isupper() or not _is_common(word) or word.lower() in _WORD_NAMES
        ):
            found.append(
                Found("name", match.start("name"), _extend_surname(text, match.end("name")), "companion")
            )
    yield from found
    seen = {(item.start, item.end) for item in found}
    todo = [item for item in found if item.rule != "title"]
    while todo:
        item = todo.pop()
        after = _LIST_NEXT_RE.match(text, item.end)
        if after is not None and _sibling_name(after.group("name")):
            sibling = Found("name", after.start("name"), after.end("name"), "list of names")
            if (sibling.start, sibling.end) not in seen:
                seen.add((sibling.start, sibling.end))
                todo.append(sibling)
                yield sibling
        before = _LIST_BEFORE_RE.search(text, max(0, item.start - 50), item.start)
        if before is not None and _sibling_name(before.group("name")):
            sibling = Found("name", before.start("name"), before.end("name"), "list of names")
            if (sibling.start, sibling.end) not in seen:
                seen.add((sibling.start, sibling.end))
                todo.append(sibling)
                yield sibling


def _find_names_alone(text: str) -> Iterator[Found]:
    for match in _TITLE_RE.finditer(text):
        word = match.group("name")
        if word in ("X", "Y", "Z"):
            continue  # "Mrs X", "Mr Y": already anonymised, as the Ombudsman writes them
        if word[0].isupper() or _plausible_name(word):
            start = match.start()
            end = _extend_surname(text, match.end("name"))
            if word[0].isupper() and _is_first_name(word):
                end = _extend_surname(text, end) if end == match.end("name") else end
            yield Found("name", start, end, "title")
    for match in _CUE_RE.finditer(text):
        word = match.group("name")
        # "their child will", "a named caseworker": a lower-case word needs to be a listed name, not English,
        # except right after "my son", "our daughter": "my daughter grace" (but "my son will").
        relation = match.group()[:6].lower().startswith(("my", "our", "his", "her", "their"))
        listed = _is_first_name(word) and (not _is_common(word) or (relation and word.lower() in _WORD_NAMES))
        if _plausible_name(word) and (word[0].isupper() or listed):
            end = _extend_surname(text, match.end("name"), strong=True)
            yield Found("name", match.start("name"), end, "cue")
    for match in _SELF_CUE_RE.finditer(text):
        word = match.group("name")
        if _is_first_name(word) and (word[0].isupper() or not _is_common(word)):
            yield Found("name", match.start("name"), _extend_surname(text, match.end("name")), "self cue")
    for match in _AGE_CUE_RE.finditer(text):
        word = match.group("name")
        if _is_first_name(word) and (word[0].isupper() or match.start() == 0 or not _is_common(word)):
            yield Found("name", match.start("name"), match.end("name"), "age cue")
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if not _is_first_name(word):
            continue
        if word.isupper() and len(word) > 1 and not _shouting(text, match.start(), match.end()):
            continue  # ELSA (an emotional literacy support assistant), not Elsa
        if _is_common(word):
            # will, may, grace, lily: a capital in mid-sentence, or a surname after it ("Grace Okafor"), or
            # what only a person does after it, even in lower case ("grace was excluded", "with good grace").
            if not word[0].isupper() or word.isupper():
                shouted = word.isupper() and _shouting(text, match.start(), match.end())  # "GRACE WAS..."
                if (
                    (word in _WORD_NAMES or shouted)
                    and _PERSON_NEXT_RE.match(text, match.end())
                    and not _DETERMINER_BEFORE_RE.search(text, max(0, match.start() - 8), match.start())
                ):
                    yield Found(
                        "name", match.start(), match.end(), "name (also a word, then a person's verb)"
                    )
                continue
            end = _extend_surname(text, match.end())
            if _PERSON_NEXT_RE.match(text, match.end()):
                yield Found("name", match.start(), end, "name list (also a word, then a person's verb)")
                continue  # "Grace was excluded", "Will hates school", "Faith's EHCP"
            if end == match.end() and (
                _starts_sentence(text, match.start()) or _previous_word_capitalised(text, match.start())
            ):
                continue  # "Hope is all", "Westminster Hall"
            yield Found("name", match.start(), end, "name list (also a word)")
            continue
        if len(word) < 3 and not word[0].isupper():
            continue
        yield Found("name", match.start(), _extend_surname(text, match.end()), "name list")


# ---------------------------------------------------------------------------------------------


def _inside(spans: list[tuple[int, int]], starts: list[int], item: Found) -> bool:
    """Whether ``item`` overlaps one of ``spans`` (sorted by start, not overlapping each other)."""
    index = bisect_right(starts, item.start) - 1
    if index >= 0 and spans[index][1] > item.start:
        return True
    return index + 1 < len(spans) and spans[index + 1][0] < item.end


def find(text: str, deny_list: Iterable[str] = (), deny_names: Iterable[str] = ()) -> list[Found]:
    """Every detection, before merging (overlaps included), in text order."""
    detectors = (
        _find_emails,
        _find_urls,
        _find_digit_runs,
        _find_postcodes,
        _find_outward_codes,
        _find_handles,
        _find_ninos,
        _find_dobs,
        _find_references,
        _find_addresses,
        _find_schools,
        _find_context_schools,
        _find_names,
    )
    found = [item for detector in detectors for item in detector(text)]
    # "St Mary's", "Saint Anne": the name inside a saint's name is not a person.
    saints = sorted((item.start, item.end) for item in found if item.rule.startswith("saint"))
    if saints:
        starts = [start for start, _end in saints]
        found = [item for item in found if item.kind != "name" or not _inside(saints, starts, item)]
    found.extend(_find_deny_list(text, deny_list, "school"))
    found.extend(_find_deny_list(text, deny_names, "name"))
    return sorted((item for item in found if item.end > item.start), key=lambda item: (item.start, -item.end))


def merge(found: Iterable[Found]) -> list[Found]:
    """Overlapping (or touching, same-kind) spans become one; it keeps the kind of its longest part."""
    merged: list[tuple[int, int, list[Found]]] = []
    for item in sorted(found, key=lambda item: (item.start, -item.end)):
        if merged and item.start < merged[-1][1]:
            start, end, parts = merged[-1]
            merged[-1] = (start, max(end, item.end), [*parts, item])
        else:
            merged.append((item.start, item.end, [item]))
    out = []
    for start, end, parts in merged:
        main = max(parts, key=lambda part: (part.end - part.start, -PRIORITY.index(part.kind)))
        out.append(Found(main.kind, start, end, main.rule))
    return out


def redact(text: str, deny_list: Iterable[str] = (), deny_names: Iterable[str] = ()) -> Redaction:
    """Replace personal details with tags such as ``[name]``; ``found`` holds offsets into ``text``.

    ``deny_list``: setting names the forum maintains (tagged ``[school]``), ``deny_names``: names of
    people (staff, local professionals) to redact wherever they appear.
    """
    spans = merge(find(text, deny_list, deny_names))
    pieces: list[str] = []
    last = 0
    for span in spans:
        pieces.append(text[last : span.start])
        pieces.append(TAGS[span.kind])
        last = span.end
    pieces.append(text[last:])
    return Redaction("".join(pieces), tuple(spans))
