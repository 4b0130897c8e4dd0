"""Names of people: after titles and cues ("my son", "Mrs"), from the name lists, and names that are
also words, decided by what follows ("Grace was excluded")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from forum_app.moderation.redaction.common import (
    NOT_NAMES,
    SP,
    SP0,
    Found,
    first_names,
    is_common,
    is_first_name,
    plausible_name,
    surnames,
    word_before,
    word_set,
)

# ---------------------------------------------------------------------------------------------
# Names

# At most 4 hyphenated or apostrophised parts of at most 40 letters: a run of "a-a-a-a" is not read
# again to its end from each of its letters.
_NAME_WORD = r"[^\W\d_]{1,40}+(?:['’\-](?![sS]\b)[^\W\d_]{1,40}+){0,4}+"
_TITLE_RE = re.compile(
    rf"(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Sir|Dame|Nurse|Sister|Rev|Revd|Father|Cllr|Councillor)"
    rf"|\b(?i:mr|mrs|ms|mx|dr|miss))\.?{SP}(?P<name>{_NAME_WORD})"
)
_RELATIONS = (
    r"(?:son|daughter|child|boy|girl|grandson|granddaughter|nephew|niece|husband|wife|partner|brother|sister"
    r"|kid|twins?|stepson|stepdaughter|step-son|step-daughter|sons|daughters|children|youngest|eldest|oldest"
    r"|little one|baby|foster (?:son|daughter|child)|ds|dd)"
)
_CUE_RE = re.compile(
    rf"\b(?:(?:my|our|his|her|their){SP}"
    rf"(?:(?:eldest|youngest|oldest|middle|little|baby|twin|autistic|disabled)"
    rf"{SP})?{_RELATIONS}(?:{SP0},)?{SP}(?:is{SP}(?:called{SP})?|called{SP}|named{SP})?"
    rf"|\b(?:(?:my|his|her|their|our)(?:{SP}{_RELATIONS}['’]s)?{SP}name(?:{SP}is|['’]s)|name{SP0}:|called|named"
    rf"|(?:mum|mom|mother|dad|father|parent"
    rf"|grandma|grandmother|nan|nanna|grandad|carer|auntie|aunt|uncle){SP}(?:to|of|for)){SP})"
    rf"(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
# Weaker cues: the word must be a known first name ("I'm autistic" is not a name).
_SELF_CUE_RE = re.compile(
    rf"\b(?:i['’]?m|i{SP}am|this{SP}is|it['’]?s(?:{SP}me)?|hi|hello|hiya|thanks?(?:{SP}you)?"
    rf"|love|from)"
    rf"{SP0},?{SP}(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
_AGE_CUE_RE = re.compile(
    rf"\b(?P<name>{_NAME_WORD})(?:['’]s|{SP}is|{SP}was|{SP}who['’]s|{SP}turned|,)?"
    rf"{SP0}\(?{SP0}(?:age{SP0}|aged{SP0})?"
    rf"\d{{1,2}}\b(?!{SP0}(?:%|weeks|months|hours|days|years{SP}ago|am|pm|:))"
)
_WORD_RE = re.compile(rf"\b{_NAME_WORD}")
# First names that are everyday words too, which parents write in lower case ("my daughter grace", "grace
# was excluded"): these count in lower case with that evidence; other listed words (the name lists hold
# "ever", "lady", "early") never do. Verbs ("will", "may", "rose") are left out: "my son will".
_DETERMINER_BEFORE_RE = word_before("the a an this that his her their our my your its")
_WORD_NAMES = word_set(
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
    rf"(?:['’]s{SP}{_PERSON_NOUNS}\b"
    rf"|{SP}(?:gets|got|goes|went|started|starts|loves|hates|struggles|struggled|attends|attended"
    rf"|cries|cried|screams|screamed|kicks|kicked|bites|bit|refuses|refused|says|said|told|asked|wants"
    rf"|wanted|can['’]?t|cannot|won['’]t|doesn['’]t|didn['’]t|isn['’]t|wasn['’]t|hasn['’]t|self-harms"
    rf"|absconds|absconded|masks|masked|melts)\b"
    rf"|{SP}(?:was|is|has|had|has[ \t]been|had[ \t]been|was[ \t]finally|is[ \t]now){SP}"
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
_NOT_SURNAMES = word_set(
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
        if lowered in surnames() or lowered in first_names() or not is_common(surname):
            return match.end()
        return end
    # lower case ("john smith", "jayden okoro"): a listed surname, and after a strong cue even one that is a
    # word; or a word unknown to the dictionary
    if lowered in surnames() and (strong or not is_common(surname)):
        return match.end()
    first = re.search(r"[^\W\d_]{1,40}$", text[max(0, end - 40) : end])
    lower_first = first is not None and first.group().islower()
    if (
        lower_first
        and len(lowered) > 2
        and not is_common(lowered)
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
    return word[0].isupper() and not is_first_name(word) and word.lower() not in NOT_NAMES


# "me and josh", "took lily", "picked up poppy": a lower-case first name after what one does with a person.
_COMPANION_RE = re.compile(
    rf"\b(?:me{SP}(?:and|&|n)|took|taking|picked{SP}up|pick{SP}up|collected|dropped{SP}off"
    rf"|drop{SP}off|cuddled|hugged){SP}(?P<name>{_NAME_WORD})",
    re.IGNORECASE,
)
# "alfie and poppy", "Jack, Lily & Noah": the next (or previous) word in a list after a name found.
_LIST_NEXT_RE = re.compile(rf"{SP0}(?:,|&|\+|and|n)(?:{SP}and)?{SP}(?P<name>[^\W\d_]{{2,40}}+)(?!['’\-\w])")
_LIST_BEFORE_RE = re.compile(rf"(?<![\w'’\-])(?P<name>[^\W\d_]{{2,40}})(?:{SP0},|{SP}and|{SP}&){SP}$")


def _sibling_name(word: str) -> bool:
    """A word beside a name in a list that is a name too: listed, and not everyday English unless a name that
    is also a word ("poppy", "lily")."""
    lowered = word.lower()
    return is_first_name(word) and (not is_common(word) or lowered in _WORD_NAMES or word[0].isupper())


def find_names(text: str) -> Iterator[Found]:
    found = list(_find_names_alone(text))
    for match in _COMPANION_RE.finditer(text):
        word = match.group("name")
        if is_first_name(word) and (word[0].isupper() or not is_common(word) or word.lower() in _WORD_NAMES):
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
        if word[0].isupper() or plausible_name(word):
            start = match.start()
            end = _extend_surname(text, match.end("name"))
            if word[0].isupper() and is_first_name(word):
                end = _extend_surname(text, end) if end == match.end("name") else end
            yield Found("name", start, end, "title")
    for match in _CUE_RE.finditer(text):
        word = match.group("name")
        # "their child will", "a named caseworker": a lower-case word needs to be a listed name, not English,
        # except right after "my son", "our daughter": "my daughter grace" (but "my son will").
        relation = match.group()[:6].lower().startswith(("my", "our", "his", "her", "their"))
        listed = is_first_name(word) and (not is_common(word) or (relation and word.lower() in _WORD_NAMES))
        if plausible_name(word) and (word[0].isupper() or listed):
            end = _extend_surname(text, match.end("name"), strong=True)
            yield Found("name", match.start("name"), end, "cue")
    for match in _SELF_CUE_RE.finditer(text):
        word = match.group("name")
        if is_first_name(word) and (word[0].isupper() or not is_common(word)):
            yield Found("name", match.start("name"), _extend_surname(text, match.end("name")), "self cue")
    for match in _AGE_CUE_RE.finditer(text):
        word = match.group("name")
        if is_first_name(word) and (word[0].isupper() or match.start() == 0 or not is_common(word)):
            yield Found("name", match.start("name"), match.end("name"), "age cue")
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if not is_first_name(word):
            continue
        if word.isupper() and len(word) > 1 and not _shouting(text, match.start(), match.end()):
            continue  # ELSA (an emotional literacy support assistant), not Elsa
        if is_common(word):
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
