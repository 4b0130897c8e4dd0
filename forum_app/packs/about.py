"""What the forum says about its survey, in its own words, for the pack's methodology.

Some points of the methodology are facts only the forum knows: who ran the survey and who paid for it,
how the questionnaire was made with families, the other formats offered, how families were reached, and
the lawful basis and DPIA for the data. A lead writes them on the page ``/staff/packs/about``; they are
kept in the forum's ``settings`` under ``"pack_about"``, as plain text by key::

    {"independence": "The forum ran the survey ...", "coproduction": "...", "dpia": "DPIA-2025-03"}

Each is optional. Only texts that were given are kept. ``pack_about`` reads them back (anything broken is
read as not given), ``check_about`` and ``save_about`` check and save the form, and ``about_paragraphs``
gives the pack's paragraphs for one text: the forum's words, or one sentence saying they are missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.forum_settings import Errors, PackAbout, read_section, save_section, section_version
from forum_app.packs.population import clean_text

CHANGED_MEANWHILE = (
    "Another lead saved what the pack says about the survey while you were changing it, so your changes "
    "were not saved. Open this page again in a new tab to see theirs; saving this form again replaces "
    "them with yours."
)


@dataclass(frozen=True)
class Part:
    """One text the lead may write: its settings key (also the form field's name), its label and hint
    on the page, its limit in characters, whether it may have several lines, and what the pack says."""

    key: str
    label: str
    hint: str
    limit: int
    multiline: bool
    heading: str  # the pack's words before the forum's text: "How families were reached"
    missing: str  # the pack's sentence when the forum has not written it


PARTS: tuple[Part, ...] = (
    Part(
        "independence",
        "Who ran the survey, its funding and independence",
        "Who ran the survey, who paid for it, and how the forum kept it independent of the council and "
        "the NHS. For example, whether they saw the questions or the answers before this pack.",
        600,
        True,
        "Who ran the survey, its funding and independence",
        "The forum has not said who funded the survey or how independent it was.",
    ),
    Part(
        "coproduction",
        "How the questionnaire was made with families",
        "How parent carers helped write and test the questions: for example, a workshop, or a trial with "
        "a few families before the survey opened.",
        800,
        True,
        "How the questionnaire was made with families",
        "The forum has not said how the questionnaire was made with families.",
    ),
    Part(
        "formats",
        "Other formats offered",
        "Any other ways families could answer: an Easy Read version, other languages, a paper copy, or "
        "help by phone.",
        600,
        True,
        "Other formats offered",
        "The forum has not said whether the survey was offered in other formats, such as Easy Read, "
        "other languages, paper or help by phone.",
    ),
    Part(
        "reach",
        "How families were reached",
        "How families heard about the survey (newsletters, social media, schools, groups, events), any "
        "reminders, and any incentive such as a prize draw.",
        800,
        True,
        "How families were reached",
        "The forum has not said how families were told about the survey, or about reminders and incentives.",
    ),
    Part(
        "lawful_basis",
        "Lawful basis for the data",
        "The UK GDPR conditions the forum relies on to use the answers: an Article 6 lawful basis, such "
        "as legitimate interests (6(1)(f)), and an Article 9 condition for information about health or "
        "disability, such as substantial public interest (9(2)(g)).",
        600,
        True,
        "Lawful basis for the data",
        "The forum has not said its lawful basis for using the answers (UK GDPR Articles 6 and 9).",
    ),
    Part(
        "dpia",
        "DPIA reference",
        "The reference or date of the forum's data protection impact assessment (DPIA), for example "
        "DPIA-2025-03, reviewed March 2025. It is printed on one line.",
        120,
        False,
        "Data protection impact assessment (DPIA) reference",
        "The forum has not given a reference for its data protection impact assessment (DPIA).",
    ),
)
PARTS_BY_KEY: dict[str, Part] = {part.key: part for part in PARTS}


def field_names() -> list[str]:
    """Every field of the form, in its order."""
    return [part.key for part in PARTS]


def clean_lines(text: object) -> str:
    """Text with several lines: each line tidied as ``clean_text`` does (control characters left out,
    spaces tidied), Unix line ends, at most one blank line between paragraphs, none at either end."""
    if not isinstance(text, str):
        return ""
    kept: list[str] = []
    for line in (clean_text(line) for line in text.splitlines()):
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def _clean(part: Part, text: object) -> str:
    return clean_lines(text) if part.multiline else clean_text(text)


def check_about(typed: Mapping[str, str]) -> tuple[dict[str, str], Errors]:
    """Check the form as typed: returns what to store under ``settings["pack_about"]`` (the texts
    given) and the messages by field (the store is only to be used when there are none)."""
    stored: dict[str, str] = {}
    errors: Errors = {}
    for part in PARTS:
        text = _clean(part, typed.get(part.key, ""))
        if len(text) > part.limit:
            errors[part.key] = [
                f"{part.label} must be {part.limit:,} characters or fewer. It has {len(text):,}."
            ]
        elif text:
            stored[part.key] = text
    return stored, errors


def about_texts(found: PackAbout) -> dict[str, str]:
    """The texts by key, each cleaned and within its limit; ``""`` where none is given, or what is
    stored is broken."""
    return {part.key: _clean(part, found.text(part.key))[: part.limit].strip() for part in PARTS}


def pack_about(forum: Forum) -> dict[str, str]:
    """The forum's texts (``about_texts``)."""
    return about_texts(read_section(forum, PackAbout))


def about_version(forum: Forum) -> str:
    """A short fingerprint of the stored texts, to notice another lead's save."""
    return section_version(forum, PackAbout)


def check_section(typed: Mapping[str, str], stored: PackAbout) -> tuple[PackAbout, Errors]:
    """``check_about`` for the settings page: the texts to save (all of them: a blank clears one)."""
    texts, errors = check_about(typed)
    return PackAbout(texts), errors


def save_about(
    session: Session, forum: Forum, typed: Mapping[str, str], version: str | None = None
) -> Errors:
    """Check the form and save it under ``forum.settings["pack_about"]``, keeping the other settings.

    Returns the messages by field (nothing saved), or ``{}`` once saved and committed. ``version`` is
    the ``about_version`` the form was shown with: if another lead has saved since, nothing is saved
    and the message is under ``"form"`` (without a version, nothing is compared).
    """
    about, errors = check_section(typed, PackAbout())
    if errors:
        return errors
    if not save_section(session, forum, about, version):
        return {"form": [CHANGED_MEANWHILE]}
    return {}


def about_paragraphs(about: Mapping[str, str], key: str) -> tuple[str, ...]:
    """The pack's paragraphs for one text: its heading and the forum's words, one paragraph a line; or
    the one sentence saying the forum has not written it."""
    part = PARTS_BY_KEY[key]
    lines = [line for line in str(about.get(key) or "").splitlines() if line.strip()]
    if not lines:
        return (part.missing,)
    return (f"{part.heading}: {lines[0]}", *lines[1:])


# ---------------------------------------------------------------------------------------------
# The form's page data


@dataclass(frozen=True)
class Field:
    name: str  # also its id
    label: str
    hint: str
    value: str
    limit: int
    multiline: bool
    errors: tuple[str, ...] = ()


def form_fields(values: Mapping[str, str], errors: Errors) -> tuple[Field, ...]:
    """The form's fields, ready to print, with the values shown and their messages."""
    return tuple(
        Field(
            part.key,
            part.label,
            part.hint,
            values.get(part.key, ""),
            part.limit,
            part.multiline,
            tuple(errors.get(part.key, ())),
        )
        for part in PARTS
    )
