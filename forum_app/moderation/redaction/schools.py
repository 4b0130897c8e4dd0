"""Schools and settings: named with a setting word ("Oakfield Primary", "st wilfrids RC"), as faith
schools and acronyms, or found by what is said around them ("Hillside's SENCO")."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from forum_app.moderation.redaction.common import (
    NOT_NAMES,
    Found,
    is_common,
    is_first_name,
    word_before,
    word_set,
)

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
_ARTICLE_BEFORE_RE = word_before("a an")
_LOWER_WORD_RE = re.compile(r"[a-z][a-z'’\-]{1,40}|st\.")
# Titles that start a school's name in lower case too ("sir john leman high", "bishop hogarth school").
_LOWER_TITLES = word_set("sir st saint bishop cardinal king queen holy")
# "Bishop Hogarth Trust", "Northern Education Trust": a trust is a school's only when named for one.
_TRUST_WORDS = word_set(
    """
    bishop cardinal diocese diocesan catholic academy academies schools learning education st saint
    multi-academy church christ holy
    """
)
# Settings read loosely: in lower case, or only with a name that is not everyday English, or after a cue.
_LOOSE_SETTINGS = word_set("centre center short respite trust")
# "at happy days nursery", "to tiny tots preschool": nurseries are named in everyday words.
_NURSERY_SETTINGS = word_set("nursery pre-school preschool pre-schools")
# Words before "Centre", "School" that make a kind of place, not one place ("Job Centre", "Sunday school").
_NOT_SETTING_NAMES = word_set(
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
_GENERIC = word_set(
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
_NOT_SCHOOL_ACRONYMS = word_set(
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
_NOT_LITTLE = word_set("ones things bits steps ways days times others is was has does less")


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
    everyday = all(is_common(word) or word in NOT_NAMES for word in lowered)
    if setting.isupper() and len(setting) > 3 and any(is_common(word) for word in lowered):
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
        return all(not is_common(word) for word in lowered) or (
            _cued(text, start) and (not everyday or len(words) == 1 or kind in _NURSERY_SETTINGS)
        )
    # "Little Acorns nursery", "Oakfield school", "to Rainbow preschool"; not "Maybe school"
    return len(words) >= 2 or not everyday or _cued(text, start)


def find_schools(text: str) -> Iterator[Found]:
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
            and not all(is_common(word) for word in plain)
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
        if cue or is_first_name(name) or is_first_name(name.removesuffix("s")) or not is_common(name):
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
_NOT_CONTEXT_SCHOOLS = word_set(
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
_FAMILY_BEFORE_RE = word_before("we i they family us")
_PLACE_BEFORE_RE = word_before("in of across from for around near within throughout")
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
_HOUSE_NAMES = word_set(
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
    if len(words) == 1 and is_first_name(words[0]):
        return False  # "Tom's TA": a child's
    return known_allowed or not all(is_common(word) for word in words)


def find_context_schools(text: str) -> Iterator[Found]:
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
            not is_common(word) and _context_name_ok([word], known_allowed=False) and not is_first_name(word)
        ):
            yield Found("school", match.start("school"), match.end("school"), "at the ...")
    for match in _KNIGHT_RE.finditer(text):
        last = match.group("last").removesuffix("'s").removesuffix("’s").lower()
        if is_first_name(match.group("first")) and last not in NOT_NAMES and last not in _GENERIC:
            yield Found("school", match.start(), match.end(), "sir or dame ...")
