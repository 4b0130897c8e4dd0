"""The surveys a lead can start from, and making a new survey from one.

Each starter is a definition (a survey shipped with the app, or a file in ``starters/``) with a name and
a description for the lead choosing. Questions that ask the same thing as the experience survey keep
its keys and option values, so their answers combine with it in packs.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from forum_app.builder.drafts import create_survey
from forum_app.surveys.definitions import (
    DEFAULT_SURVEY_SLUG,
    EASY_READ_SURVEY_SLUG,
    load_packaged,
    parse_definition,
)
from forum_app.surveys.models import Survey

# A survey's address: lower-case letters and digits, words joined by single hyphens.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
MAX_TITLE = 200
# Addresses of the builder's own pages under /staff/surveys/.
# The builder's own pages under /staff/surveys/: no survey may take their address.
RESERVED_SLUGS = frozenset({"new", "import-survey", "import", "local-lists"})
BLANK = "blank"


@dataclass(frozen=True)
class Starter:
    id: str
    name: str
    about: str  # for the lead choosing: who it is for and what it asks

    @property
    def document(self) -> dict[str, Any]:
        return copy.deepcopy(_document(self.id))

    @property
    def questions(self) -> int:
        return len(_document(self.id)["questions"])

    @property
    def minutes(self) -> int:
        return parse_definition(_document(self.id)).minutes


STARTERS: tuple[Starter, ...] = (
    Starter(
        DEFAULT_SURVEY_SLUG,
        "Families' experience of SEND services",
        "The full yearly survey for parent carers: the child's age, school and needs, EHC plans, waits "
        "for assessments and therapies, how well services listen and help, and their own words.",
    ),
    Starter(
        EASY_READ_SURVEY_SLUG,
        "Families' experience of SEND services, in Easy Read",
        "The full yearly survey in Easy Read: short sentences, everyday words, a picture beside each "
        "question and larger text. It asks the same questions, so its answers combine with the "
        "experience survey's.",
    ),
    Starter(
        "pre-inspection-pulse",
        "A quick check before an inspection",
        "A short survey for parent carers ahead of an area SEND inspection: EHC plans, waits, how well "
        "services listen and help, and what inspectors should know. Its answers combine with the "
        "experience survey's.",
    ),
    Starter(
        "young-people",
        "Young people's own say",
        "For young people aged 11 to 25, in simpler words: the help they get, whether adults listen, "
        "being ready for what comes next, and their own words.",
    ),
    Starter(BLANK, "Start from a blank survey", "One question to change, then add your own."),
)


@cache
def _document(starter_id: str) -> dict[str, Any]:
    if starter_id in (DEFAULT_SURVEY_SLUG, EASY_READ_SURVEY_SLUG):
        return load_packaged(starter_id)
    text = resources.files("forum_app.builder").joinpath(f"starters/{starter_id}.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    parse_definition(document)
    return document


def starter(starter_id: str) -> Starter | None:
    return next((found for found in STARTERS if found.id == starter_id), None)


def suggest_slug(title: str) -> str:
    """An address made from a title: "Young people's survey 2026" -> "young-peoples-survey-2026"."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain.replace("'", ""))
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > MAX_SLUG:
            break
        slug = longer
    if not slug and words:  # one word longer than an address
        slug = words[0][:MAX_SLUG]
    return slug


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a survey's address, in one sentence, or None."""
    if not slug:
        return "Enter an address for the survey"
    if len(slug) > MAX_SLUG:
        return f"The address must be {MAX_SLUG} characters or fewer"
    if not SLUG_PATTERN.match(slug):
        return "The address can only have lower-case letters, digits and hyphens between them"
    if slug in RESERVED_SLUGS:
        return f"The address ‘{slug}’ is used by a page of this service: choose another"
    return None


def title_problem(title: str) -> str | None:
    if not title.strip():
        return "Enter a title for the survey"
    if len(title) > MAX_TITLE:
        return f"The title must be {MAX_TITLE} characters or fewer"
    return None


def new_survey(session: Session, forum_id: int, starter_id: str, title: str, slug: str) -> Survey:
    """A new draft survey of the forum: the starter's questions, with this title and address.

    The title and address must have passed ``title_problem`` and ``slug_problem``. Raises ``LookupError``
    for an unknown starter and ``SlugTaken`` when the forum already has a survey at the address."""
    chosen = starter(starter_id)
    if chosen is None:
        raise LookupError(starter_id)
    document = chosen.document
    document["slug"] = slug
    document["title"] = title.strip()
    return create_survey(session, forum_id, document)
