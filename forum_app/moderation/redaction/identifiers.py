"""Structured details: phone, NHS and NI numbers, postcodes, emails, links, dates of birth,
references, handles and addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from forum_app.moderation.redaction.common import SP, SP0, Found, is_common, word_set

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


def find_digit_runs(text: str) -> Iterator[Found]:
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


def find_postcodes(text: str) -> Iterator[Found]:
    for match in _POSTCODE_RE.finditer(text):
        inward = match.group(2)
        if _ORDINAL_RE.fullmatch(inward) and not inward.isupper():
            continue  # "y5 3rd"
        yield Found("postcode", match.start(), match.end(), "postcode")


# The 121 postcode areas of the UK (and the Crown dependencies), for outward codes written alone.
POSTCODE_AREAS = word_set(
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


_LETTER_DISTRICTS = word_set("E EC N NW SE SW W WC")


def find_outward_codes(text: str) -> Iterator[Found]:
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


def find_ninos(text: str) -> Iterator[Found]:
    # Any NI-number shape, valid prefix or not: QQ 12 34 56 C is HMRC's example, but a typo is personal too.
    for match in _NINO_RE.finditer(text):
        yield Found("nino", match.start(), match.end(), "nino")


_TLDS = word_set(
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
    rf"(?P<at>{SP0}[\(\[\{{]at[\)\]\}}]{SP0}|{SP}at{SP})"
    rf"[\w\-]{{1,63}}+(?:{_DOT}[\w\-]{{1,63}}+){{1,8}}",
    re.IGNORECASE,
)


def find_emails(text: str) -> Iterator[Found]:
    for found in _EMAIL_RE.finditer(text):
        yield Found("email", found.start(), found.end(), "email")
    position = 0
    while (match := _EMAIL_WORDS_RE.search(text, position)) is not None:
        if match.group("at").strip().lower() == "at":
            # "I was at home.Then": a bare " at " counts only with a real ending and a non-word local part.
            local = match.group()[: match.start("at") - match.start()]
            labels = re.split(_DOT, match.group()[match.end("at") - match.start() :], flags=re.IGNORECASE)
            if labels[-1].lower() not in _TLDS or (local.isalpha() and is_common(local)):
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


def find_urls(text: str) -> Iterator[Found]:
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
    rf"(?:\d{{1,2}}{SP0}[/.\-]{SP0}\d{{1,2}}{SP0}[/.\-]{SP0}\d{{2,4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?{SP}(?:of{SP})?{_MONTH}\.?(?:,?{SP}\d{{2,4}})?"
    rf"|{_MONTH}\.?{SP}\d{{1,2}}(?:st|nd|rd|th)?(?:,?{SP}\d{{2,4}})?"
    rf"|{_MONTH}{SP}\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
_DOB_RE = re.compile(
    rf"\b(?:d\.?[ \t]?o\.?[ \t]?b\b\.?|date{SP}of{SP}birth|born(?:{SP}on|{SP}in)?"
    rf"|birthday(?:{SP}is)?)"
    # then up to 30 characters without a digit or a sentence end: "born at the Royal on 29-09-2011"
    rf"{SP0}[:\-]?[^\n\d.!?;]{{0,30}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)


def find_dobs(text: str) -> Iterator[Found]:
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


def find_references(text: str) -> Iterator[Found]:
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
_NOT_HANDLES = word_set(
    "home school work college nursery least last all night the my our his her times church"
)


def find_handles(text: str) -> Iterator[Found]:
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
    rf"\b(?:(?:flat|apartment|unit){SP}\d+[a-z]?,?{SP})?\d{{1,4}}[a-z]?,?{SP}"
    rf"(?:[A-Za-z][a-z'’\-]+{SP}){{1,3}}{_STREET}\b\.?",
    re.IGNORECASE,
)


def find_addresses(text: str) -> Iterator[Found]:
    for match in _ADDRESS_RE.finditer(text):
        words = match.group().split()
        # "2 hours a day", "3 years on the waiting list": the words before the street type must not be
        # everyday English (they are place names), unless capitalised as a name is.
        body = [word.strip(",.") for word in words[1:-1] if not word[:1].isdigit()]
        if any(is_common(word) and not word[:1].isupper() for word in body):
            continue
        yield Found("address", match.start(), match.end(), "address")
