"""Synthetic families' answers for demos, load tests and seeding a development database.

Works for any survey definition (one generic rule per question kind), with realistic, correlated answers
and parent-voice free text for the default SEND survey. All randomness comes from the ``rng`` passed in.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from forum_app.surveys.codes import new_token
from forum_app.surveys.definitions import Question, SurveyDefinition
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion

# --- Choice answers to the default survey ------------------------------------------------------------

AGE_WEIGHTS = {"0-4": 10, "5-10": 38, "11-15": 32, "16-18": 13, "19-25": 7}
SETTING_BY_AGE = {
    "0-4": {"early_years": 80, "mainstream_primary": 5, "special": 5, "none": 7, "other": 3},
    "5-10": {"mainstream_primary": 62, "resourced": 8, "special": 14, "home_ed": 6, "none": 5, "ap": 3},
    "11-15": {"mainstream_secondary": 50, "resourced": 7, "special": 17, "ap": 7, "home_ed": 7, "none": 9},
    "16-18": {"post16": 55, "special": 18, "mainstream_secondary": 8, "none": 11, "home_ed": 3, "other": 3},
    "19-25": {"post16": 45, "special": 8, "none": 38, "other": 9},
}
EHCP_WEIGHTS = {"yes": 36, "waiting": 16, "refused": 9, "sen_support": 25, "no": 8, "dont_know": 6}
NEEDS_PROBS = {
    "autism": 0.55,
    "adhd": 0.3,
    "slcn": 0.3,
    "learning": 0.25,
    "semh": 0.3,
    "sensory_physical": 0.1,
    "medical": 0.12,
    "other": 0.06,
}
# Per service: the unit parents usually count in, shortest and longest typical wait, chance of still waiting.
WAITS = {
    "ehcna": ("weeks", 10, 60, 0.3),
    "autism": ("months", 6, 36, 0.55),
    "adhd": ("months", 6, 36, 0.55),
    "salt": ("weeks", 8, 60, 0.35),
    "ot": ("weeks", 10, 70, 0.4),
    "camhs": ("months", 2, 24, 0.45),
    "paediatrics": ("weeks", 12, 80, 0.35),
}

# --- Free text: parent-voice sentences by codebook theme, and the words around them ---------------------

_SENTENCES: dict[str, Any] = json.loads(
    Path(__file__).with_name("demo_sentences.json").read_text(encoding="utf-8")
)
NEGATIVE: dict[str, list[str]] = _SENTENCES["negative"]
POSITIVE: dict[str, list[str]] = _SENTENCES["positive"]
OPENINGS: dict[str, list[str]] = _SENTENCES["openings"]
SHORT: dict[str, list[str]] = _SENTENCES["short"]
FEELINGS: list[str] = _SENTENCES["feelings"]
CLOSINGS: list[str] = _SENTENCES["closings"]
WISHES: list[str] = _SENTENCES["wishes"]
WISH_OPENERS: list[str] = _SENTENCES["wish_openers"]
WISH_REASONS: list[str] = _SENTENCES["wish_reasons"]
CONNECTORS: list[str] = _SENTENCES["connectors"]
SCHOOL_WORDS = {
    "early_years": ("nursery", "pre-school"),
    "mainstream_primary": ("school", "primary"),
    "mainstream_secondary": ("school", "secondary", "the academy"),
    "resourced": ("the unit", "the resource base"),
    "special": ("the special school", "school"),
    "post16": ("college", "the college"),
    "ap": ("the PRU", "the AP"),
}
CHILD_NOUNS = {
    "he": ("my son", "our son", "my boy", "my eldest", "my youngest", "our lad", "DS"),
    "she": ("my daughter", "our daughter", "my girl", "my eldest", "my youngest", "DD"),
}
PRONOUNS = {"he": {"he": "he", "him": "him", "his": "his"}, "she": {"he": "she", "him": "her", "his": "her"}}
FILLERS = {
    "span": lambda r: r.choice(
        (
            f"{r.randint(5, 30)} months",
            f"{r.randint(8, 50)} weeks",
            "over a year",
            "two years",
            "nearly three years",
        )
    ),
    "count": lambda r: r.choice(("three", "four", "five", "six", "seven", "ten")),
    "week": lambda r: str(r.randint(21, 48)),
    "year": lambda r: str(r.randint(1, 9)),
    "month": lambda r: r.choice(("January", "March", "May", "July", "September", "November")),
    "therapy": lambda r: r.choice(("SALT", "OT", "speech therapy", "physio")),
    "assessment": lambda r: r.choice(("autism", "ADHD", "ND")),
}


@dataclass
class _Family:
    """One synthetic family: its randomness, latent satisfaction (0 to 1) and answers so far."""

    rng: random.Random
    definition: SurveyDefinition
    today: date
    mood: float
    pronoun: str
    answers: dict[str, Any] = field(default_factory=dict)


class _Slots:
    """Fills ``{placeholders}``; the first mention of the child is a noun ("my son"), later ones pronouns."""

    def __init__(self, family: _Family) -> None:
        self.family, self.named = family, False

    def __getitem__(self, key: str) -> str:
        rng, lower = self.family.rng, key.lower()
        if lower in ("he", "him", "his") and self.named:
            value = PRONOUNS[self.family.pronoun][lower]
        elif lower in ("he", "him", "his"):
            self.named, value = True, rng.choice(CHILD_NOUNS[self.family.pronoun])
            value += "'s" if lower == "his" else ""
        elif lower == "school":
            value = rng.choice(SCHOOL_WORDS.get(self.family.answers.get("setting", ""), ("school",)))
        else:
            value = FILLERS[key](rng)
        return value[0].upper() + value[1:] if key[0].isupper() else value


def _weighted(question: Question, weights: Mapping[str, float], rng: random.Random) -> str:
    """An option value, by weight where the table knows it; uniformly when it knows none."""
    values = [o.value for o in question.options]
    chosen = [weights.get(v, 0.0) for v in values]
    return rng.choices(values, chosen)[0] if sum(chosen) > 0 else rng.choice(values)


def _checkboxes(
    question: Question, probs: Mapping[str, float], alone: float, rng: random.Random
) -> list[str]:
    """Each ordinary option with its probability; an exclusive option ("None of these") always alone."""
    exclusive = [o.value for o in question.options if o.exclusive]
    normal = [o.value for o in question.options if not o.exclusive]
    if exclusive and (not normal or rng.random() < alone):
        return [rng.choice(exclusive)]
    return [v for v in normal if rng.random() < probs.get(v, 0.3)] or [rng.choice(exclusive or normal)]


def _duration(key: str, rng: random.Random) -> dict[str, Any]:
    service = key.removeprefix("wait_").split("_")[0]  # "wait_autism_first" and "wait_autism": autism
    unit, low, high, still = WAITS.get(service, ("weeks", 2, 52, 0.3))
    amount = round(rng.triangular(low, high, low + (high - low) / 3))
    if rng.random() < 0.2:  # some parents count in the other unit
        unit, amount = ("months", round(amount / 4.3) or 1) if unit == "weeks" else ("weeks", amount * 4)
    amount = min(amount, 520 if unit == "weeks" else 120)  # the form's limits
    return {"amount": amount, "unit": unit, "still_waiting": rng.random() < still}


def _choice_answer(question: Question, family: _Family) -> Any:
    rng, answers, age = family.rng, family.answers, family.answers.get("age_band", "")
    if question.kind == "rating":  # skewed low: follows the family's mood, lower while still waiting
        values = sorted(int(o.value) for o in question.scale)
        waiting = answers.get("ehcp") in ("waiting", "refused") or any(
            isinstance(v, dict) and v.get("still_waiting") for v in answers.values()
        )
        index = round((family.mood - 0.08 * waiting) * (len(values) - 1) + rng.gauss(0, 0.8))
        return values[min(max(index, 0), len(values) - 1)]
    if question.kind == "radio":
        special = answers.get("setting") == "special"
        plans = {"yes": 90, "waiting": 5, "dont_know": 5} if special else EHCP_WEIGHTS
        tables = {"age_band": AGE_WEIGHTS, "setting": SETTING_BY_AGE.get(age, {}), "ehcp": plans}
        return _weighted(question, tables.get(question.key, {}), rng)
    if question.key == "needs":
        probs = {**NEEDS_PROBS, "slcn": 0.6 if age == "0-4" else 0.3}
        return _checkboxes(question, probs, 0.18 if age == "0-4" else 0.04, rng)
    if question.key == "services_waited":
        needs, ehcp = set(answers.get("needs", [])), answers.get("ehcp")
        probs = {
            "ehcna": 0.9 if ehcp in ("waiting", "refused") else 0.25,
            "autism": 0.55 if needs & {"autism", "not_sure"} else 0.1,
            "adhd": 0.6 if "adhd" in needs else 0.1,
            "salt": 0.55 if "slcn" in needs else 0.15,
            "ot": 0.3,
            "camhs": 0.55 if "semh" in needs else 0.15,
            "paediatrics": 0.25,
        }
        return _checkboxes(question, probs, 0.08, rng)
    return _checkboxes(question, {}, 0.1, rng)


def _themes(family: _Family, count: int) -> list[str]:
    """``count`` different codebook themes, weighted towards what this family's answers suggest."""
    answers, weights = family.answers, {theme: 1.0 for theme in NEGATIVE}
    services, ehcp = set(answers.get("services_waited", [])), answers.get("ehcp")
    older, age = answers.get("age_band") in ("16-18", "19-25"), answers.get("age_band", "")
    boosts = [
        (services & {"autism", "adhd", "salt", "ot", "paediatrics"}, "waiting_times", 3),
        (services & {"autism", "adhd"}, "identification_of_needs", 1.5),
        ("camhs" in services or "semh" in answers.get("needs", []), "mental_health", 3),
        ("ehcna" in services, "ehcna_timeliness", 3),
        (ehcp == "refused", "tribunals_appeals", 2),
        (ehcp == "yes", "annual_reviews", 1.5),
        (ehcp == "yes", "ehcp_quality", 1.5),
        (older, "transitions_pfa", 4),
        (age in ("0-4", "5-10"), "transitions_pfa", -0.8),
        (answers.get("setting") in ("none", "ap", "home_ed"), "exclusions_school_places", 4),
        (True, "family_impact", 1.5),
        (True, "leadership_commissioning", -0.6),
    ]
    for condition, theme, boost in boosts:
        weights[theme] += boost if condition else 0
    chosen: list[str] = []
    while len(chosen) < count:
        pool = [t for t in weights if t not in chosen]
        chosen.append(family.rng.choices(pool, [weights[t] for t in pool])[0])
    return chosen


def _wait_sentence(family: _Family) -> str | None:
    """A sentence about one of this family's own waits, worded from the duration question's title."""
    waits = [q for q in family.definition.questions if q.kind == "duration" and q.key in family.answers]
    if not waits:
        return None
    question = family.rng.choice(waits)
    wait, found = family.answers[question.key], re.search(r"wait ((?:for|to) .+?)\?", question.title)
    amount, unit = wait["amount"], wait["unit"][:-1] if wait["amount"] == 1 else wait["unit"]
    what = found.group(1) if found else "for help"
    if wait["still_waiting"]:
        return f"We have been waiting {amount} {unit} so far {what}."
    return f"We waited {amount} {unit} {what}, which is far too long."


def _lead(connector: str, sentence: str) -> str:
    """``sentence`` after a connecting word, lower-casing its first word unless it is "I" or an acronym."""
    first = sentence.split(" ", 1)[0]
    if connector and first.isalpha() and first[1:].islower():
        return connector + sentence[0].lower() + sentence[1:]
    return connector + sentence if connector == "But " else sentence


def _compose(style: str, family: _Family) -> str:
    """Parent-voice text in one of three styles: not_worked, worked_well or one_change."""
    rng, slots = family.rng, _Slots(family)
    if rng.random() < 0.07:
        return rng.choice(SHORT[style]).format_map(slots)
    if style == "one_change":
        wish = (rng.choice(WISH_OPENERS) + rng.choice(WISHES) + rng.choice(WISH_REASONS)).format_map(slots)
        return wish[0].upper() + wish[1:] + "."
    negative = style == "not_worked"
    parts = [(rng.choice(OPENINGS[style]), "")] if rng.random() < 0.3 else []  # (sentence, connector)
    grudging = not negative and family.mood < 0.3 and rng.random() < 0.4
    if grudging:
        parts.append((rng.choice(("Very little, honestly.", "Not much has worked.", "Hardly anything.")), ""))
    themes = _themes(family, 1 if grudging else rng.choice((1, 1, 2, 2, 3, 4)))
    if negative and rng.random() < 0.4 and (wait := _wait_sentence(family)):
        parts.append((wait, ""))
    if negative and rng.random() < family.mood:  # mixed: some good before the bad
        parts.append((rng.choice(POSITIVE[rng.choice(list(POSITIVE))]), ""))
        parts.append((rng.choice(("Things fell apart after that.", "That is the exception.")), "But "))
    for index, theme in enumerate(themes):
        connector = rng.choice(CONNECTORS) if index and rng.random() < 0.25 else ""
        parts.append((rng.choice((NEGATIVE if negative else POSITIVE)[theme]), connector))
    if not negative and rng.random() < 0.3:
        parts.append((rng.choice(NEGATIVE[rng.choice([t for t in NEGATIVE if t not in themes])]), "But "))
    if negative and rng.random() < 0.4:
        parts.append((rng.choice(FEELINGS), ""))
    if rng.random() < 0.2:
        parts.append((rng.choice(CLOSINGS), ""))
    kept: list[str] = []
    for sentence, connector in parts:  # about 120 words at most
        if sum(len(k.split()) for k in kept) < 95:
            kept.append(_lead(connector, sentence.format_map(slots)))
    return " ".join(kept)


def _answer(question: Question, family: _Family) -> Any:
    """A value for one question, or None to leave an optional question unanswered."""
    rng, kind = family.rng, question.kind
    if kind == "consent":
        return rng.random() < 0.4
    if not question.required and rng.random() < (0.2 if kind == "text" else 0.12):
        return None
    if question.key == "wait_ehcna_plan" and family.answers.get("ehcp") == "refused":
        return None  # the question asks for the time to the final plan: a family told no leaves it blank
    if kind == "text":
        return _compose(question.key if question.key in SHORT else rng.choice(list(SHORT)), family)
    if kind == "number":
        low = question.minimum if question.minimum is not None else 0
        return rng.randint(low, max(low, question.maximum if question.maximum is not None else low + 10))
    if kind == "month":  # in the last eight years, never this month or later
        index = family.today.year * 12 + family.today.month - 1 - rng.randint(1, 96)
        return f"{max(index // 12, 1990):04d}-{index % 12 + 1:02d}"
    return _duration(question.key, rng) if kind == "duration" else _choice_answer(question, family)


def generate_answers(
    definition: SurveyDefinition,
    rng: random.Random,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """One realistic synthetic family's answers to ``definition``: only visible questions, every
    required one answered, values valid for their type. Deterministic for a given rng state
    (and ``today``, which month answers are dated back from; it defaults to the current date)."""
    family = _Family(
        rng=rng,
        definition=definition,
        today=today or date.today(),
        mood=rng.betavariate(1.6, 2.8),
        pronoun=rng.choice(("he", "he", "she")),
    )
    asked: set[str] = set()
    while pending := [q for q in definition.visible(family.answers) if q.key not in asked]:
        question = pending[0]  # show_if only looks back, so answering in order honours all routing
        asked.add(question.key)
        if (value := _answer(question, family)) is not None:
            family.answers[question.key] = value
    # A consent question is not asked of a family that wrote nothing; its draw is taken all the same,
    # so the families that follow are the same whether or not this one wrote anything.
    for question in definition.questions:
        if question.kind == "consent" and question.key not in asked:
            rng.random()
    shown = {q.key for q in definition.visible(family.answers)}
    return {key: value for key, value in family.answers.items() if key in shown}


def insert_submitted(
    session: Session,
    version: SurveyVersion,
    definition: SurveyDefinition,
    count: int,
    rng: random.Random,
    last_day: date,
) -> list[str]:
    """Add ``count`` synthetic submitted responses to ``version``, sent over the year before
    ``last_day``. Returns their ids. Does not commit: the caller takes them in for moderation first."""
    rows: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    forum_id = version.survey.forum_id
    for _ in range(count):
        response_id = new_token()
        day = last_day - timedelta(days=rng.randrange(365))
        rows.append(
            {
                "id": response_id,
                "forum_id": forum_id,
                "survey_version_id": version.id,
                "status": SUBMITTED,
                "started_on": day,
                "submitted_on": day,
                "idempotency_key": new_token(),
                "receipt_hash": None,
            }
        )
        answers += [
            {"response_id": response_id, "question_key": key, "value": value}
            for key, value in generate_answers(definition, rng).items()
        ]
    session.execute(insert(Response), rows)
    session.execute(insert(Answer), answers)
    return [str(row["id"]) for row in rows]
