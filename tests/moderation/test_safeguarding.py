"""Safeguarding flags: every category caught however it is written, ordinary anger left alone.

The phrasings below were written for these tests, apart from the training examples in
``forum_app/moderation/data/safeguarding/`` (a test checks that none of them is a training line).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum_app.moderation import risk_model
from forum_app.moderation.evaluation import score_flags
from forum_app.moderation.safeguarding import CLASSIFIER_MARK, Flag, flag, flag_many, rule_reasons

HERE = Path(__file__).parent

# (text, category): risk written in the ways parents and young people write, one group per category.
RISK = [
    ("My daughter is self-harming at school.", "self-harm"),
    ("she's been cutting herself", "self-harm"),
    ("banging his head against the wall every night", "self-harm"),
    ("he has chewed the skin off his fingers til they bleed and he does it on purpose", "self-harm"),
    ("found a bloody craft knife wrapped in a sock in her drawer and marks on her legs", "self-harm"),
    ("Shes been scoring her arms with the end of a paperclip in maths.", "self-harm"),
    ("He keeps saying he wants to kill himself.", "suicide"),
    ("sometimes i think everyone would be better off without me", "suicide"),
    ("She doesn't want to be alive anymore.", "suicide"),
    ("Been finding tablets hidden in her room, whole strips of them, pushed behind the radiator.", "suicide"),
    ("my lad keeps on about ending it and says nobody would even notice", "suicide"),
    ("he asked me what the quickest way to die is and whether it would hurt", "suicide"),
    ("her jeans are hanging off her and she says she had a big lunch but she never did", "eating"),
    ("He's dropped nearly two stone and just pushes his tea round the plate.", "eating"),
    ("she only has a black coffee all day and runs for hours after dark", "eating"),
    ("the children next door are always hungry and nobody is home until really late at night", "neglect"),
    ("His mum never changes his pads and he sits in them all day, his skin is raw.", "neglect"),
    ("nobody has taken her to the dentist and her teeth are rotting, she cries with the pain", "neglect"),
    ("He came back from his dad's with a bruise on his cheek shaped like a hand.", "physical abuse"),
    ("her stepdad hit her with a shoe when she wet the bed", "physical abuse"),
    ("my grandson told me his dad whacks him across the legs with a belt buckle", "physical abuse"),
    ("the man who helps at the club always wants my son in the back room on his own", None),
    ("Her uncle sends her photos of himself and tells her not to tell her mum.", "sexual abuse"),
    ("someone older on fortnite is asking my 11 year old for pictures of her body", "sexual abuse"),
    (
        "He tells her every day that she's a useless fat lump and he wishes she'd never been born.",
        "emotional abuse",
    ),
    ("they make him sleep in the shed when hes bad and tell him nobody wants him", "emotional abuse"),
    (
        "I'm frightened my brother is hurting the kids when he babysits, they cry when he comes.",
        "domestic abuse",
    ),
    ("my partner punched me in front of our daughter and says he'll take her if I tell", "domestic abuse"),
    ("he broke my nose last month and the kids saw it all, im scared to leave", "domestic abuse"),
    (
        "The man who drives the school taxi makes my daughter uneasy, he keeps asking her to sit up front.",
        None,
    ),
    ("one of the escorts squeezes his wrist till it goes white when he makes noises", None),
    ("a carer at his respite house called him a disgusting animal and pulled him by the hair", None),
    ("They put him in the calm room and held the door shut because he wouldn't do his work.", None),
    (
        "school told me not to bring him in thurs and fri and that it wouldnt go down as an exclusion",
        None,
    ),
    ("two members of staff pinned her face down on the classroom floor", None),
    ("Some year 11s are taking his lunch money every day and say they'll batter him if he tells.", None),
    ("hes got a new phone and cash he wont explain and older lads pick him up in a car at night", None),
    ("they said they'd stab him on the way home if he didn't bring them twenty quid", None),
    ("I'm scared of what I might do if I don't get a break soon.", "parent at breaking point"),
    ("honestly some days I could walk out and never come back, I'm running on nothing", None),
    ("i grabbed him so hard last night i left marks and i hate myself, im not coping", None),
]
# Text whose category the classifier is left to name (several would be fair); it must still flag.
ORDINARY = [
    "She is not suicidal and has never self-harmed, but she is very anxious.",
    "The plan was late and the annual review was cancelled twice.",
    "Safety valve agreement = cutting EHCPs by the back door.",
    "CAMHS rejected the referral because she's 'not in crisis'.",
    "The OT report was great and the SENCO listens.",
    "Overnight respite was cut from 52 nights a year to 20.",
    "This wait is absolutely killing me, week 37 and still no draft.",
    "I could cheerfully strangle whoever lost our tribunal bundle.",
    "We're drowning under the emails and forms from the LA.",
    "They've cut the funding for his 1:1 again this September.",
    "The head threw us under the bus in front of the panel.",
    "honestly the transport team are doing my head in",
    "I'm fuming, SIXTH caseworker in a year and none of them read his file",
    "The new SENCO is a godsend and he's finally happy going in.",
    "no concerns at home at all, he is safe and well looked after",
]

# Idioms of despair or violence aimed at a service, its people or its paperwork, not at a person.
IDIOM_AT_A_SERVICE = [
    "Genuinely at breaking point with the SEN department over the named school",
    "im at my wits end wiv the council tbh, 5th email this week",
    "the transport officer has driven us to breaking point with three route changes",
    "We're at the end of our tether with the tribunal timetable.",
    "I CANT COPE WITH THE PAPERWORK FOR THE DLA RENEWAL",
    "The panel will be the death of me, refused again on the same evidence",
    "honestly drowning in review paperwork for both kids",
    "my head is battered from the phone queue to the SEND team, 52 minutes",
    "the waiting for the ADOS appointment is torture",
    "the school starved the ed psych of information before the assessment",
    "the restraint policy review asks parents for views by the end of term",
    "we went to a self-harm awareness evening at the academy, very helpful",
]
# The same idioms beside harm to a person: still flagged.
IDIOM_AND_RISK = [
    "at breaking point with the SEN department and I grabbed his neck last night",
    "drowning in forms and he's been cutting his arms in the bathroom",
    "I'm at the end of my tether with the LA and she told me she wants to die",
]


# Risk written carelessly, in capitals, text-speak, hidden marks or words run together: still flagged.
BAD_INPUT = [
    "SHE KEEPS SAYING SHE WANTS TO GO TO SLEEP AND NOT WAKE UP",
    "he sez he wnts 2 kms n u cant stop him",
    "hes been hurtin himself agen, cuts all up his arms",
    "i want to d\u200bie",
    "Она не ест. she has not eaten for 4 days and she's fainting \U0001f622\U0001f622",
    "my sons been crying every nite and sayin he wud be better off ded",
    "\u202eshe has been burning herself with a lighter\u202c",
    "this school wait is killing me but WORSE she's been cutting her legs and i only found out today",
    "IWANTTODIE",
    "pleasehelpmeikeepcuttingmyself",
]
# Input no one writes, which must still get an answer.
PATHOLOGICAL = [
    "",
    " ",
    "St " * 5000,
    "7" * 10000,
    "\u200b" * 3000,
    "\u202e" * 2000,
    "!" * 5000,
    "\U0001f600" * 2000,
    "OUR LOCAL AUTHORITY IS USELESS " * 200,
    "a" * 20000,
    "\x00\x01\x02 text",
]


def _categories(result: Flag) -> set[str]:
    return {reason.removesuffix(CLASSIFIER_MARK) for reason in result.reasons}


@pytest.mark.parametrize(("text", "category"), RISK)
def test_risk_is_flagged_in_its_category(text: str, category: str | None) -> None:
    result = flag(text)
    assert result, text
    if category is not None:
        assert category in _categories(result), result.reasons


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The taxi escort slapped him.", "adult in a service"),
        ("the bus driver shouts at him n calls him thick every morning", "adult in a service"),
        (
            "They lock him in a little room on his own when he kicks off.",
            "restraint, seclusion or unlawful exclusion",
        ),
        (
            "school keep ringing me to fetch him at dinner time and none of it is written down",
            "restraint, seclusion or unlawful exclusion",
        ),
        (
            "older boys took his phone and said theyd slash him if he grassed",
            "exploitation or bullying with threats",
        ),
        ("I am at breaking point.", "parent at breaking point"),
        ("I'm terrified I'll lose my temper and hurt him one of these days", "parent at breaking point"),
    ],
)
def test_service_restraint_exploitation_and_breaking_point_are_named(text: str, category: str) -> None:
    assert category in _categories(flag(text))


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_idioms_and_denials_are_not_flagged(text: str) -> None:
    assert not flag(text), flag(text).details


@pytest.mark.parametrize("text", IDIOM_AT_A_SERVICE)
def test_idioms_aimed_at_a_service_are_not_flagged(text: str) -> None:
    assert not flag(text), flag(text).details


@pytest.mark.parametrize("text", IDIOM_AND_RISK)
def test_idioms_beside_harm_to_a_person_still_flag(text: str) -> None:
    assert flag(text)


def test_breaking_point_rules_read_who_the_idiom_is_about() -> None:
    assert rule_reasons("honestly I'm at breaking point and I don't know what to do")
    assert rule_reasons("we are at our wits end")
    assert not rule_reasons("honestly I'm at breaking point with the council's transport team")
    assert not rule_reasons("the LA have pushed our family to breaking point")
    assert not rule_reasons("we can't cope with the portal any more")
    assert rule_reasons("we can't cope any more")


def test_risk_words_naming_a_service_or_policy_are_not_rule_flags() -> None:
    assert not rule_reasons("the suicide prevention strategy for schools was published today")
    assert not rule_reasons("the forum answered the restraint policy consultation")
    assert rule_reasons("she talks about suicide every night")


def test_self_contained_negations_still_flag() -> None:
    assert flag("he says he doesn't want to live")
    assert flag("no one keeps him safe at school, he is not safe")


def test_reasons_name_categories_and_never_quote_the_answer() -> None:
    result = flag("She said she wants to die, and yesterday she stopped eating.")
    assert {"suicide", "eating"} <= _categories(result)
    assert all(
        reason.removesuffix(CLASSIFIER_MARK) in risk_model.CATEGORIES.values() for reason in result.reasons
    )
    assert not any("wants to die" in reason for reason in result.reasons)
    assert any("wants to die" in detail for detail in result.details)
    assert len(result.details) == len(result.reasons)
    indirect = flag("my lad keeps on about ending it and says nobody would even notice")
    assert any(reason.endswith(CLASSIFIER_MARK) for reason in indirect.reasons) or indirect.phrases


def test_a_risk_sentence_buried_in_a_long_answer_is_flagged() -> None:
    complaint = (
        "We applied for the assessment in January and were refused, appealed, and waited again. "
        "The caseworker changed four times and every one of them asked for the same reports. "
    )
    buried = "Last week I found her tablets saved up in a pencil case under her bed. "
    text = complaint * 20 + buried + complaint * 20
    assert len(text) > 5000
    assert flag(text)
    assert not flag(complaint * 40)


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_still_flags_the_risk(text: str) -> None:
    assert flag(text)


@pytest.mark.parametrize("text", PATHOLOGICAL)
def test_pathological_input_gives_an_answer(text: str) -> None:
    result = flag(text)
    assert isinstance(result, Flag)
    assert len(result.reasons) == len(result.details)


def test_test_phrasings_are_not_training_lines() -> None:
    seen = {risk_model.normalise(row["text"]) for row in risk_model.training_rows()}
    seen |= {risk_model.normalise(row["text"]) for row in risk_model.read_rows(risk_model.DEV_FILE)}
    written_here = [text for text, _ in RISK] + ORDINARY + IDIOM_AT_A_SERVICE + IDIOM_AND_RISK
    seen |= {risk_model.normalise(row["text"]) for row in risk_model.read_rows(risk_model.HARD_DEV_FILE)}
    assert [text for text in written_here if risk_model.normalise(text) in seen] == []


def test_dev_lines_are_not_training_lines() -> None:
    seen = {risk_model.normalise(row["text"]) for row in risk_model.training_rows()}
    for name in (risk_model.DEV_FILE, risk_model.HARD_DEV_FILE):
        dev = [risk_model.normalise(row["text"]) for row in risk_model.read_rows(name)]
        assert [text for text in dev if text in seen] == [], name


def _labelled_rows() -> list[dict[str, str]]:
    rows = []
    for name in ("dev_labels.jsonl", "cases.jsonl"):
        rows += [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line]
    return rows


def test_recall_on_labelled_lines() -> None:
    result = score_flags(_labelled_rows())
    assert result["recall"] == 1.0, result["missed"]
    assert result["false_positive_rate"] <= 0.1, result["extra"]


def test_flags_read_together_are_the_flags_read_one_by_one() -> None:
    texts = [text for text, _ in RISK] + ORDINARY + IDIOM_AT_A_SERVICE + IDIOM_AND_RISK + BAD_INPUT
    texts += PATHOLOGICAL + [row["text"] for row in _labelled_rows()]
    texts += texts[:20]  # the same text twice in one batch
    assert flag_many(texts) == [flag(text) for text in texts]  # exactly: each row is read alone
    assert flag_many([]) == []
