"""Flag answers that suggest a risk of harm, so a moderator sees them first.

Two readers, and an answer is flagged when either worries:

- phrase rules, for what is said outright ("self-harming", "wants to kill himself"). Negation only
  cancels a phrase when it plainly denies it ("she has never self-harmed", "no concerns about
  abuse"); phrases that carry their own negation ("doesn't want to live") are never cancelled.
- a classifier (``risk_model``) trained on many examples of the ways people write about harm
  indirectly: euphemism, everyday words, text-speak, misspellings. It reads long answers sentence by
  sentence, so one worrying sentence in a long complaint is not drowned out.

Each reason is one of the twelve categories of the statutory guidance (``risk_model.CATEGORIES``);
a category only the classifier saw reads "<category> (reads like it)". Reasons never quote the answer
(they may be sent by email); ``Flag.details`` says what matched, for a moderator's screen.

A flag is a prompt for a human, not a judgement: moderators follow the forum's safeguarding policy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from forum_app.moderation import risk_model
from forum_app.moderation.risk_model import (
    BREAKING_POINT,
    CATEGORIES,
    DOMESTIC,
    EATING,
    EMOTIONAL,
    EXPLOITATION,
    NEGLECT,
    PHYSICAL,
    RESTRAINT,
    SELF_HARM,
    SERVICE,
    SEXUAL,
    SUICIDE,
)

CLASSIFIER_MARK = " (reads like it)"
MAX_READ_CATEGORIES = 2  # the classifier names at most this many categories, the likeliest first
MAX_PHRASE = 60  # characters of a matched phrase kept in ``details``

_SELF = r"(?:him|her|them|my|your|our)sel(?:f|ves)|themself"
_OBJ = (
    r"(?:him|her|them|me|the\s+(?:child|children|kids|pupils|baby)|(?:my|our|his|her|their)\s+(?:son|daughter|child|children"
    r"|kids?|boy|girl|baby|toddler|grandson|granddaughter|nephew|niece|brother|sister|twins?|little\s+\w+|\d+\s*y\w*))"
)


@dataclass(frozen=True, slots=True)
class Flag:
    flagged: bool
    reasons: tuple[str, ...] = ()  # categories, for a moderator and for alerts; never the answer's words
    phrases: tuple[str, ...] = ()  # the words the rules matched
    details: tuple[str, ...] = ()  # one per reason: what matched ("suicide: the words 'end it all'")
    risk: float = 0.0  # the classifier's chance that the most worrying piece is about harm

    def __bool__(self) -> bool:
        return self.flagged


# (category, pattern). Patterns are case-insensitive and run over the text with runs of spaces
# collapsed. Every pattern is linear-time: no nested repeats, no ambiguous alternation under a repeat,
# bounded gaps.
_RULES: tuple[tuple[str, str], ...] = (
    (SELF_HARM, r"\bself[- ]?harm\w*|\bself[- ]?injur\w*|\bself[- ]?inflicted"),
    (
        SELF_HARM,
        rf"\b(?:cut|cuts|cutting|burn|burns|burning|burnt|hurt|hurts|hurting|harm|harms|harming|scratch\w*|hit|hits|hitting|bit|bite|bites|biting|punch\w*)\s+(?:{_SELF})\b",
    ),
    (SELF_HARM, r"\b(?:bang\w*|hit\w*|smash\w*)\s+(?:his|her|their)\s+head\b|\bhead[- ]?bang\w*"),
    (
        SELF_HARM,
        r"\bscratches\s+(?:all\s+)?(?:up|on|over|down)\b"
        r"|\bcuts\s+(?:on|up|all over)\s+(?:his|her|their|my)\s+(?:arms?|legs?|wrists?|thighs?)",
    ),
    (SELF_HARM, r"\bvoices\s+telling\b"),
    (
        SELF_HARM,
        r"\b(?:started|start|been|is|was|keeps?|back\s+to)\s+cutting\s+again\b"
        r"|\bcutting\s+(?:my|her|his|their)\s+(?:arms?|legs?|wrists?|thighs?|skin|stomach|tummy|body)\b",
    ),
    (EATING, rf"\bstarv\w*\s+(?:{_SELF})\b"),
    (
        EATING,
        r"\b(?:stopped|stop|not|isn't|isnt|barely|hardly)\s+eating\b|\beating\s+disorder|\banorexi\w*|\bbulimi\w*"
        r"|\bmaking\s+(?:her|him|them|my)sel(?:f|ves)\s+sick\b",
    ),
    (SUICIDE, r"\boverdos\w*|\btook\s+(?:an?\s+)?(?:load|lot|bunch|handful)\s+of\s+(?:pills|tablets)"),
    (
        SUICIDE,
        r"\bsuicid\w*|\bkill(?:ing|s|ed)?\s+(?:"
        + _SELF
        + r")\b|\bend(?:ing)?\s+(?:it\s+all|(?:his|her|my|their)\s+(?:own\s+)?life)\b",
    ),
    (
        SUICIDE,
        r"\b(?:wants?|wanted|wanting|wish\w*)\s+(?:to\s+)?(?:die|be\s+dead|not\s+(?:be\s+)?(?:here|alive|born))\b",
    ),
    (
        SUICIDE,
        r"\bwish(?:es|ed)?\s+(?:s?he|i|they|he)\s+(?:was|were|had\s+never\s+been)\s+(?:dead|born|never\s+born)",
    ),
    (
        SUICIDE,
        r"\b(?:doesn'?t|don'?t|didn'?t|does\s+not|do\s+not|no\s+longer)\s+want\s+to\s+(?:live|be\s+(?:here|alive)|wake\s+up|exist)",
    ),
    (
        SUICIDE,
        r"\bbetter\s+off\s+(?:dead|without\s+(?:me|him|her|us))|\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on)",
    ),
    (
        SUICIDE,
        r"\b(?:take|took|taking)\s+(?:his|her|my|their)\s+own\s+life|\bhang(?:ing)?\s+(?:"
        + _SELF
        + r")|\bligature\w*|\bnoose",
    ),
    (
        SUICIDE,
        r"\b(?:jump\w*|throw\w*\s+(?:him|her|my|them)sel(?:f|ves))\s+(?:off|from|in\s+front\s+of)\s+"
        r"(?:a|an|the|his|her|my)\s+(?:bridge|building|roof|train|car|cliff|balcony|window|lorry|bus|motorway"
        r"|multi[- ]?storey|car\s+park|flyover|tower|block|viaduct)"
        r"|\b(?:about|of)\s+ending\s+it\b(?!\s+(?:with|for|between))",
    ),
    (
        SUICIDE,
        r"\bthoughts\s+(?:i|he|she|you)\s+shouldn'?t|\bdark\s+thoughts|\bintrusive\s+thoughts|\bcan'?t\s+go\s+on\b(?!\s+(?:the|a|an|his|her|their|our|my|trips?|holiday|school|to)\b)",
    ),
    (NEGLECT, r"\bneglect(?:ed|ing)?\b"),
    (SEXUAL, r"\bgroom(?:ed|ing)\b|\bfgm\b"),
    (EXPLOITATION, r"\bexploit(?:ed|ing|ation)\b|\bcounty\s+lines"),
    (
        PHYSICAL,
        r"\b(?:physical\w*\s+)?abus(?:e|ed|es|ing|ive)\b|\bassault\w*|\bmaltreat\w*",
    ),
    (
        PHYSICAL,
        r"\b(?:hit|hits|hitting|beats|beaten|beating|punch\w*|kick(?:s|ed|ing)|slap\w*|smack\w*|shak(?:es|en|ing)|shook|strangl\w*|chok\w*|throttl\w*|pinch\w*|drag\w*|grab\w*|push(?:ed|es|ing)|shov\w*)\s+"
        + _OBJ
        + r"\b",
    ),
    (
        SERVICE,
        r"\b(?:escorts?|(?:taxi|bus|minibus)\s+drivers?|passenger\s+assistants?|(?:teaching|classroom)\s+assistants?|TAs?"
        r"|carers?|care\s+workers?|support\s+workers?|key\s*workers?|staff|teachers?|dinner\s+lad(?:y|ies)"
        r"|lunchtime\s+supervisors?|nurses?|coach|tutor)\b.{0,40}?\b(?:slap|hit|punch|kick|grab|pinch|shov|drag|smack"
        r"|squeez|twist|touch|strok|kiss)\w*\s+" + _OBJ + r"\b",
    ),
    (
        RESTRAINT,
        r"\b(?:restrain\w*|restraint|pinned\s+(?:him|her|them)\s+down|held\s+(?:him|her|them)\s+down|seclu\w*)",
    ),
    (
        RESTRAINT,
        r"\b(?:shut|shutting|locked|locking|lock)\s+(?:him|her|them)\s+(?:in|into)\b|\bin\s+a\s+cupboard\b",
    ),
    (
        PHYSICAL,
        r"\bbruis\w*|\bburns?\s+on\s+(?:his|her|their)\b|\binjur(?:y|ies)\s+(?:he|she|they)\s+can'?t\s+explain|\bmarks\s+on\s+(?:his|her)\b",
    ),
    (
        SEXUAL,
        r"\b(?:sexual\w*|touched\s+(?:him|her|them|me)|inappropriate(?:ly)?\s+touch\w*|indecent\w*|rape\w*|molest\w*)",
    ),
    (
        DOMESTIC,
        r"\bdomestic\s+(?:violence|abuse)|\bviolen(?:t|ce)\s+(?:at\s+home|towards?\s+(?:him|her|me|us))|\bcoercive|\bcontrolling\s+behaviour",
    ),
    (
        NEGLECT,
        r"\bleft\s+(?:him|her|them)?\s*(?:in\s+a\s+)?(?:wet|soiled|dirty)\s+(?:pad|nappy|nappies|clothes)",
    ),
    (EMOTIONAL, r"\bhumiliat\w*"),
    (
        EMOTIONAL,
        r"\bscream(?:ed|ing|s)?\s+at\s+(?:him|her|them|the\s+child)|\bshouting\s+at\s+the\s+children|\bthreaten\w*\s+(?:to\s+)?(?:hit|hurt|kill)",
    ),
    (
        NEGLECT,
        r"\b(?:not|isn'?t|isnt)\s+safe\b|\bunsafe\b|\bin\s+danger\b|\bdanger\s+to\s+(?:him|her|them|others)",
    ),
    (
        BREAKING_POINT,
        r"\b(?:can'?t|cannot|unable\s+to|struggl\w*\s+to|longer\s+(?:i|we)\s+can)\s+keep\s+(?:him|her|them|us|everyone|the\s+others?)"
        r"(?:\s+and\s+\w+(?:\s+\w+)?)?\s+safe\b",
    ),
    (
        NEGLECT,
        r"\bran\s+(?:away|off|out)|\brunning\s+(?:away|off|out\s+into)|\babscond\w*|\bmissing\s+(?:from\s+home|overnight|for\s+hours)|\b(?:into|in)\s+the\s+road\b",
    ),
    (EXPLOITATION, r"\bknife|\bknives\b|\bweapon"),
    (
        NEGLECT,
        r"\bno\s+(?:food|heating|electric\w*|money\s+for\s+food)\b|\bleft\s+(?:alone|on\s+(?:his|her|their)\s+own)\b|\bhomeless",
    ),
    (
        PHYSICAL,
        r"\b(?:hurt|harm|attack\w*|hit)\s+(?:his|her|their)\s+(?:sister|brother|siblings?|mum|dad|mother|father)",
    ),
    (BREAKING_POINT, r"\block\s+(?:my|our)sel(?:f|ves)\s+in"),
    (
        NEGLECT,
        r"\b(?:started|been|is|keeps?|was)\s+drinking\b|\bdrunk\b|\bdrugs?\b|\bcaring\s+for\s+(?:my|his|her)\s+(?:mum|dad|brother|sister)|\bi\s+do\s+most\s+of\s+the\s+caring",
    ),
    (NEGLECT, r"\bsafeguarding\s+(?:referral|concern|issue)s?"),
    (
        BREAKING_POINT,
        r"\bbreaking\s+point|\bend\s+of\s+(?:my|our)\s+tether|\bat\s+(?:my|our)\s+wits'?\s+end|\brock\s+bottom",
    ),
    (
        BREAKING_POINT,
        r"\b(?:i|we)(?:'m|'re|\s+am|\s+are)?\s+(?:just\s+|really\s+|honestly\s+)?(?:can'?t|cannot|can\s+not|not|no\s+longer|struggling\s+to|unable\s+to)\s+cop(?:e|ing)\b",
    ),
    (
        BREAKING_POINT,
        r"\b(?:nervous|mental)\s+breakdown\b|\bhav(?:e|ing)\s+a\s+breakdown\b|\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+falling\s+apart"
        r"|\bgoing\s+to\s+snap|\bcan'?t\s+(?:do\s+this\s+any\s*more|take\s+(?:it|this|much\s+more))\b",
    ),
    (
        BREAKING_POINT,
        r"\b(?:put|putting|give|giving|hand|handing)\s+(?:him|her|them)\s+(?:into|in|up\s+to|over\s+to)\s+(?:care|social\s+services)|\bgive\s+(?:him|her|them)\s+up\b",
    ),
    (
        BREAKING_POINT,
        r"\b(?:i|i'?m|i\s+am)\s+(?:scared|frightened|afraid|worried|terrified)\s+(?:i|i'?ll|that\s+i)\s+(?:will\s+|might\s+|could\s+)?(?:hurt|harm|lose\s+it|snap)"
        r"|\bi\s+might\s+hurt|\bscared\s+of\s+what\s+i\s+(?:might|could|will)\s+do",
    ),
    (
        SELF_HARM,
        r"\bscared\s+(?:he|she|they)(?:'ll|\s+will|\s+might)\s+(?:hurt|harm|kill|die)",
    ),
    (BREAKING_POINT, r"\bexhausted\b.{0,60}\bthoughts\b"),
    # Indirect but unmistakable ways of writing, one category each.
    (
        EATING,
        r"\b(?:lost|losing|dropped|dropping)\s+(?:so\s+much\s+|a\s+lot\s+of\s+|loads\s+of\s+|more\s+)?weight\b"
        r"|\b(?:lost|losing|dropped|dropping)\s+(?:nearly\s+|almost\s+|over\s+|about\s+)?(?:a|half\s+a|one|two|three|\d+)\s+(?:stone|kilos?|kg|pounds|lbs?)\b"
        r"|\bweight\s+loss\b|\bunderweight\b|\bskin\s+and\s+bones?\b|\blaxatives?\b|\bBMI\b.{0,30}\blow\b"
        r"|\b(?:not|hasn'?t|hasnt|haven'?t|havent)\s+(?:had|eaten)\s+(?:a\s+)?(?:proper\s+)?(?:meal|anything|food)"
        r"|\brefus\w*\s+(?:to\s+eat|food|meals)\b|\bwon'?t\s+eat\s+(?:anything|at\s+all)",
    ),
    (
        SUICIDE,
        r"\b(?:tablets|pills|paracetamol|medication|meds|sertraline)\b.{0,40}\b(?:hidden|hiding|stash\w*|stockpil\w*|saving|saved|collect\w*)\b"
        r"|\b(?:hidden|hiding|stash\w*|stockpil\w*|saving\s+up|saved\s+up|collecting)\b.{0,40}\b(?:tablets|pills|paracetamol|medication|meds)\b"
        r"|\bgiv(?:e|es|ing|en)\s+(?:away\s+)?(?:his|her|their|all\s+(?:his|her|their))\s+(?:things|stuff|belongings|possessions)\s+away\b"
        r"|\bgiv(?:e|es|ing|en)\s+away\s+(?:his|her|their|all\s+(?:his|her|their))\s+(?:things|stuff|belongings|possessions)\b"
        r"|\bsaying\s+(?:goodbye|bye)\s+to\s+(?:everyone|everybody|people|us|his|her)\b|\bgoodbye\s+(?:letter|note)"
        r"|\bwalk(?:ing)?\s+into\s+the\s+sea\b|\bin\s+front\s+of\s+a\s+(?:train|car|lorry|bus)\b",
    ),
    (
        RESTRAINT,
        r"\boff\s+the\s+(?:books|record)\b|\b(?:unofficial(?:ly)?|informal(?:ly)?|illegal(?:ly)?|unlawful(?:ly)?)\s+(?:exclu\w*|sent\s+home)"
        r"|\bexclu\w*\s+in\s+all\s+but\s+name|\boff[- ]?roll\w*"
        r"|\b(?:sent|send|sending|keep|kept|keeping|stay|stays)\s+(?:him|her|them)?\s*(?:at\s+)?home\b.{0,80}?\b(?:not|never|nothing|no|wasn'?t|isn'?t|won'?t|wouldn'?t)\s+(?:\w+\s+){0,4}?(?:recorded|written|writing|paperwork|letter|official\w*)\b"
        r"|\b(?:can'?t|cannot|not\s+allowed\s+to|isn'?t\s+allowed\s+to)\s+come\s+in\b.{0,80}?"
        r"\b(?:won'?t|wont|not|never)\s+(?:put|write)\s+(?:it|that|this|anything)\s+(?:down|in\s+writing)\b"
        r"|\btold\s+(?:me|us)\s+not\s+to\s+(?:bring|send)\s+(?:him|her|them)\b|\bdon'?t\s+(?:bring|send)\s+(?:him|her|them)\s+in\b"
        r"|\blocked\s+in\s+(?:a|the)\s+(?:\w+\s+)?room|\b(?:held|holding|hold|wedged|wedging)\s+the\s+door\s+(?:shut|closed)"
        r"|\b(?:calm|quiet|time[- ]?out|isolation|sensory|reflection|nurture)\s+room\b"
        r".{0,60}?\b(?:punish\w*|locked|lock)\b",
    ),
    (
        BREAKING_POINT,
        r"\bnothing\s+left\s+to\s+give\b|\bcan'?t\s+see\s+a\s+way\s+out\b|\bstopped\s+feeling\s+anything\b|\bsectioned\b"
        r"|\b(?:i|we)(?:'m|'re|\s+am|\s+are)\s+(?:not\s+safe|a\s+danger)\b|\b(?:hanging|holding)\s+on\s+by\s+a\s+thread\b",
    ),
    (
        NEGLECT,
        r"\b(?:nobody|no\s+one)\s+(?:feeds|fed|washes|washed|changes|changed)\b"
        r"|\bnever\s+(?:feeds|fed|washes|washed|changes|changed)\s+(?:him|her|them|his|their)\b"
        r"|\b(?:always|constantly)\s+(?:hungry|starving|filthy|dirty|smelly)\b|\bhome\s+alone\b",
    ),
    (
        SEXUAL,
        r"\b(?:be|get|stay|stays|staying|time)\s+alone\s+with\s+(?:him|her|them|my|our|the)\b|\bnudes?\b|\bnaked\b|\bporn\w*"
        r"|\bsend(?:s|ing)?\s+(?:her|him|them|my\s+\w+)\s+(?:pictures|pics|photos|videos|images)\b"
        r"|\b(?:pictures|pics|photos|videos)\s+of\s+(?:her|him|them)sel(?:f|ves)\b"
        r"|\bmakes?\s+(?:her|him|them|my\s+\w+)\s+(?:feel\s+)?(?:really\s+|very\s+|so\s+)?uncomfortable\b",
    ),
    (SERVICE, r"\bhandl\w*\s+(?:\w+\s+)?roughly\b|\brough\s+with\s+(?:him|her|them)\b"),
    (
        EXPLOITATION,
        r"\b(?:they'?ll|they\s+will|going\s+to|gonna)\s+(?:batter|stab|knife|slash|jump|kill|beat\s+(?:him|her|me)\s+up)\b"
        r"|\b(?:takes?|taking|took|nick\w*|steal\w*|stole)\s+(?:his|her|my)\s+(?:dinner\s+|lunch\s+|pocket\s+)?money\b"
        r"|\b(?:drugs?|drug)\s+debt\b|\bowes\s+(?:them|someone|people|older)\b",
    ),
)
_COMPILED = tuple((reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in _RULES)
# Plain denials just before a phrase: "no self-harm", "never hit him", "no concerns about abuse".
_NEGATION_RE = re.compile(
    r"\b(?:no|not|never|without|nor|nobody|no\s+one|denies|denied|ruled\s+out"
    r"|(?:doesn'?t|does\s+not|don'?t|do\s+not|didn'?t|did\s+not)\s+(?:have|use|show))"
    r"(?:\s+(?:been|be|is|was|has|have|had|ever|any|a|an|the|of|about|around|at|felt|feel|used?|uses|needed|need|to"
    r"|signs?|history|evidence|concerns?|incidents?|instances?|episodes?|thoughts?|reports?))*"
    r"(?:\s+[\w-]+\s+(?:or|nor))?\s*$",
    re.IGNORECASE,
)
# Uses of a listed word that are not about harm to a person.
_BENIGN_RE = re.compile(
    r"\b(?:safety\s+valve|fire\s+safety|road\s+safety|funding\s+cuts?|cuts?\s+to|not\s+in\s+crisis"
    r"|abus(?:e|es|ed|ing)\s+(?:of\s+)?(?:the|its|their|his|her)\s+(?:process|power|position|system|authority)"
    r"|(?:it|this|that|reality)\s+(?:really\s+)?hit\w*\s+me|could\s+(?:happily\s+)?(?:strangle|kill|murder|throttle|shake|slap|punch|hit|kick)"
    r"|drag\w*\s+(?:my|our|their|his|her)\s+(?:feet|heels)|push\w*\s+(?:my|our)\s+buttons"
    r"|not\s+safe\s+to\s+(?:say|assume)|drug\s+(?:trial|test)s?"
    r"|knife\s+(?:in\s+the\s+back|edge)|(?:we'?re|i'?m|we\s+are|i\s+am|feel\w*)\s+bruised|restraint\s+polic(?:y|ies)"
    r"|(?:bang\w*|hit\w*)\s+(?:my|our|your)\s+heads?\s+(?:against|on|off)"
    r"|at\s+risk\s+of\s+(?:exclusion|losing|closure|missing|being\s+(?:excluded|late)))\b",
    re.IGNORECASE,
)
# What an angry parent aims an idiom at: a service, its people or its paperwork, not their own state.
_SERVICE = (
    r"(?:councils?|LA|LAs|local\s+authority|authority|SEN\w*|SEND\s+(?:team|service|department|system)|caseworkers?"
    r"|case\s+officers?|officers?|schools?|academy|college|head\s*(?:teacher)?|heads|governors|staff|office|CAMHS|NHS"
    r"|GPs?|surgery|hospital|paed\w*|services?|teams?|department|system|process|panels?|tribunals?|bundles?|appeals?"
    r"|hearing|mediation|reviews?|meetings?|EHCPs?|EHC|plans?|assessments?|paperwork|forms?|letters?|emails?|portal"
    r"|website|phones?|calls|queues?|wait(?:ing)?(?:\s+lists?)?|lists?|transport|taxis?|bus|drivers?|escorts?|route"
    r"|DLA|PIP|benefits|funding|budget|cuts|policy|policies|timetable|attendance|admissions|local\s+offer|MP|ombudsman"
    r"|therapists?|OT|SALT|ed\s+psych\w*|psycholog\w*|professionals|consultant|nurse|social\s+(?:care|services|workers?)"
    r"|lawyers?|solicitors?|barrister|directors?|ministers?|government|jargon|bureaucracy|red\s+tape|fight|battle|appeal)"
)
# An idiom of the parent's own state aimed at one of those ("at breaking point with the LA", "the council
# have pushed us to breaking point", "our relationship with the school is at breaking point"). The rule
# then stays quiet and the classifier, which has learnt from such complaints, decides.
_STATE_IDIOM = (
    r"(?:breaking\s+point|wits'?\s+end|end\s+of\s+(?:my|our|her|his|their|the)\s+(?:tether|rope)|rock\s+bottom"
    r"|cop(?:e|ing)|the\s+(?:brink|edge|limit)|(?:my|our)\s+limit)"
)
_AIMED_RE = re.compile(
    r"\b(?:(?:i|we)(?:'m|'re|\s+am|\s+are|\s+was|\s+were)?\s+(?:just\s+|really\s+|honestly\s+|completely\s+)?)?"
    r"(?:(?:at|reached|to|hit|hitting|can'?t|cannot|can\s+not|not|struggling\s+to|unable\s+to)\s+)?(?:(?:my|our)\s+)?"
    + _STATE_IDIOM
    + r"\s+(?:with|wiv|wid|w/|over|about|because\s+of|from|by|at|thanks\s+to|trying\s+to\s+\w+"
    r"|dealing\s+with|chasing)"
    r"\s+(?:[\w']+\s+){0,3}?" + _SERVICE + r"\b"
    r"|\b" + _SERVICE + r"\b.{0,50}?\b(?:pushed|pushing|driven|drove|driving|brought|bringing|taken|took)\s+"
    r"(?:\w+\s+){0,3}?to\s+(?:the\s+)?(?:breaking\s+point|(?:my|our|their)\s+wits'?\s+end|brink|edge|limit)"
    r"|\b(?:patience|relationship|budget|capacity|funding|system|service|staffing)\s+(?:\w+\s+){0,4}?"
    r"(?:is|are|was|were|has\s+reached|have\s+reached|at)\s+(?:at\s+)?breaking\s+point",
    re.IGNORECASE,
)
# A risk word naming a service, training or policy about the risk rather than a child at risk.
_ABOUT_RE = re.compile(
    r"\b(?:self[- ]?harm|suicide|eating\s+disorders?|restraint|restrictive\s+practice|exclusions?|abuse"
    r"|neglect|domestic\s+(?:abuse|violence)|grooming|exploitation|safeguarding)\s+(?:awareness|prevention|training"
    r"|polic(?:y|ies)|strateg(?:y|ies)|consultation|course|session|workshop|module|figures|data|statistics|rates?"
    r"|leaflets?|stall|week|charity|charities|lead|officers?|project)\b"
    r"|\b(?:is|was|are|as)\s+a\s+weapon\s+(?:against|to|the|that|which|they|it|for)\b",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"\s+")
# Words run together with no spaces ("IWANTTODIE"): a few unmistakable phrases, looked for inside long words.
_RUN_TOGETHER_RE = re.compile(r"[^\W\d_]{8,80}")
_RUN_TOGETHER: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SUICIDE, re.compile(r"wan(?:t|na)todie|killmysel[fv]|endmylife|dontwanttolive|betteroffdead")),
    (SELF_HARM, re.compile(r"hurtmyself|cutmyself|cuttingmyself")),
)


def _collapse(match: re.Match[str]) -> str:
    return "\n" if "\n" in match.group() else " "


def _read_rules(text: str) -> tuple[list[tuple[str, str]], str]:
    """The categories the rules find, each with its first phrase; and the text with denials blanked.

    "She has never self-harmed" is a denial for the rules, and the classifier should not read the
    words "self-harmed" in it either, so what it reads has each denied phrase (with its denial) blanked.
    """
    clean = _SPACES_RE.sub(_collapse, risk_model.visible(text))
    found: list[tuple[str, str]] = []
    denied: list[tuple[int, int]] = []
    benign = [match.span() for match in _BENIGN_RE.finditer(clean)]
    aimed = [match.span() for regex in (_AIMED_RE, _ABOUT_RE) for match in regex.finditer(clean)]
    for category, pattern in _COMPILED:
        if any(category == seen for seen, _ in found):
            continue
        for match in pattern.finditer(clean):
            if any(start <= match.start() < end for start, end in benign):
                continue
            if any(start < match.end() and match.start() < end for start, end in aimed):
                continue
            negation = _NEGATION_RE.search(clean, max(0, match.start() - 40), match.start())
            if negation:
                denied.append((negation.start(), match.end()))
                continue
            found.append((category, match.group()))
            break
    for word in _RUN_TOGETHER_RE.finditer(clean):
        for category, pattern in _RUN_TOGETHER:
            phrase = pattern.search(word.group().lower())
            if phrase and all(category != seen for seen, _ in found):
                found.append((category, word.group()))
    kept: list[str] = []
    at = 0
    for start, end in sorted(denied):  # denials may overlap ("never restrained or secluded")
        if start >= at:
            kept.append(clean[at:start])
        at = max(at, end)
    kept.append(clean[at:])
    return found, " ".join(kept)


def rule_reasons(text: str) -> list[tuple[str, str]]:
    """The categories the phrase rules find in ``text``, each with the first phrase that matched."""
    return _read_rules(text)[0]


def flag(text: str) -> Flag:
    """Whether ``text`` suggests a risk of harm, with the categories it suggests."""
    return flag_many([text])[0]


def flag_many(texts: Sequence[str]) -> list[Flag]:
    """``flag`` of each text, the classifier reading them all at once (much quicker than one by one)."""
    ruled = [_read_rules(text) for text in texts]
    readings = risk_model.read_many([undenied for _, undenied in ruled])
    return [_flag(rules, reading) for (rules, _), reading in zip(ruled, readings, strict=True)]


def _flag(rules: list[tuple[str, str]], reading: risk_model.Reading) -> Flag:
    reasons = [category for category, _ in rules]
    details = [f"{category}: the words '{phrase[:MAX_PHRASE]}'" for category, phrase in rules]
    for label in reading.categories[:MAX_READ_CATEGORIES]:
        category = CATEGORIES[label]
        if category not in reasons:
            reasons.append(category + CLASSIFIER_MARK)
            details.append(f"{category}: reads like it")
    return Flag(
        bool(reasons), tuple(reasons), tuple(phrase for _, phrase in rules), tuple(details), reading.risk
    )
