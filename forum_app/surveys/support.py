"""What a forum tells respondents beyond the questions: where to get help, its colour, its privacy terms.

Everything is read from ``Forum.settings`` (``forum_settings.SupportSettings``) and checked here, with
safe defaults: a forum that sets nothing, or sets something broken, still shows the "Get help now"
contacts for England, a readable header colour and a complete privacy notice.

Settings keys (all optional):

- ``help_text``: a short paragraph at the top of the forum's help page.
- ``help_contacts``: a list of ``{"name", "detail", "description", "href"}`` (``href`` optional:
  ``https:``, ``tel:``, ``sms:`` or ``mailto:``). It replaces the default advice contacts; the urgent
  contacts (999, NHS 111, Samaritans, Shout) are always shown.
- ``brand_colour``: ``#rrggbb`` with a contrast of at least 4.5:1 against white (the header text).
- ``contact_email``: where respondents can write to the forum.
- ``retention_months``: how long answers are kept, in whole months (1 to 120).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.accounts.services import get_forum
from forum_app.forum_settings import SupportSettings, read_section
from forum_app.surveys.models import Survey
from forum_app.surveys.services import find_survey

DEFAULT_BRAND_COLOUR = "#1d4f91"
WHITE = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2.2 AA, normal-size text
DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 120
MAX_CONTACTS = 20
DEFAULT_HELP_TEXT = (
    "If you are worried about your child, yourself or someone else, you do not have to wait. "
    "These services can help."
)

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,190}\.[A-Za-z]{2,63}$")
_HREF = re.compile(r"^(https://[^\s<>\"']+|tel:\+?[0-9 ]{3,20}|sms:\+?[0-9 ]{3,20}|mailto:[^\s<>\"']+)$")
_LIMITS = {"name": 120, "detail": 160, "description": 400, "href": 300}


@dataclass(frozen=True)
class HelpContact:
    name: str
    detail: str  # how to reach them: a number, a text code, a web address
    description: str = ""
    href: str = ""  # optional link (https:, tel:, sms:, mailto:)


URGENT_CONTACTS: tuple[HelpContact, ...] = (
    HelpContact(
        "Emergency services",
        "Call 999",
        "If someone is in danger or badly hurt now.",
        "tel:999",
    ),
    HelpContact(
        "NHS 111",
        "Call 111",
        "For urgent help with health or mental health when it is not an emergency. Free, 24 hours.",
        "tel:111",
    ),
    HelpContact(
        "Samaritans",
        "Call 116 123",
        "If you need to talk to someone. Free, 24 hours, every day.",
        "tel:116123",
    ),
    HelpContact(
        "Shout",
        "Text SHOUT to 85258",
        "If you are finding it hard to cope and would rather text. Free, 24 hours.",
        "sms:85258",
    ),
)

DEFAULT_ADVICE_CONTACTS: tuple[HelpContact, ...] = (
    HelpContact(
        "Your local SEND Information, Advice and Support Service (SENDIASS)",
        "Search online for SENDIASS and the name of your council",
        "Free advice you can trust about support at school, EHC plans and what to do if you disagree.",
    ),
    HelpContact(
        "IPSEA",
        "www.ipsea.org.uk",
        "Free legal advice about your child's right to SEND support.",
        "https://www.ipsea.org.uk",
    ),
    HelpContact(
        "Contact, for families with disabled children",
        "Call 0808 808 3555",
        "A free helpline for parents and carers.",
        "tel:08088083555",
    ),
)


@dataclass(frozen=True)
class ForumSupport:
    """A forum's help, colour and privacy settings, checked, with defaults filled in."""

    forum_name: str
    local_area: str
    help_text: str = DEFAULT_HELP_TEXT
    urgent_contacts: tuple[HelpContact, ...] = URGENT_CONTACTS
    advice_contacts: tuple[HelpContact, ...] = DEFAULT_ADVICE_CONTACTS
    brand_colour: str = DEFAULT_BRAND_COLOUR
    contact_email: str | None = None
    retention_months: int = DEFAULT_RETENTION_MONTHS

    @property
    def contacts(self) -> tuple[HelpContact, ...]:
        return self.urgent_contacts + self.advice_contacts

    @property
    def theme_css(self) -> str:
        return f":root {{ --brand: {self.brand_colour}; }}\n"


# --- colour ----------------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` (0 for black, 1 for white)."""
    if not _COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")

    def linear(channel: str) -> float:
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def safe_brand_colour(value: Any) -> str:
    """``value`` in lower case if it is ``#rrggbb`` and white text on it is readable, else the default."""
    if not isinstance(value, str) or not _COLOUR.match(value.strip()):
        return DEFAULT_BRAND_COLOUR
    colour = value.strip().lower()
    return colour if contrast_ratio(colour, WHITE) >= MIN_CONTRAST else DEFAULT_BRAND_COLOUR


# --- other settings --------------------------------------------------------------------------


def _short_text(value: Any, limit: int) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _contact(raw: Mapping[str, str]) -> HelpContact | None:
    fields = {name: _short_text(raw.get(name), limit) for name, limit in _LIMITS.items()}
    if not fields["name"] or not fields["detail"]:
        return None
    if not _HREF.match(fields["href"]):
        fields["href"] = ""
    return HelpContact(**fields)


def _contacts(raw: tuple[Mapping[str, str], ...] | None) -> tuple[HelpContact, ...]:
    if raw is None:
        return DEFAULT_ADVICE_CONTACTS
    found = tuple(c for c in (_contact(item) for item in raw[:MAX_CONTACTS]) if c is not None)
    return found or DEFAULT_ADVICE_CONTACTS


def _email(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and _EMAIL.match(value.strip()) else None


def _months(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RETENTION_MONTHS:
        return DEFAULT_RETENTION_MONTHS
    return value


def forum_support(forum: Forum | None) -> ForumSupport:
    """The forum's checked settings; without a forum (the index, staff and error pages), the defaults."""
    if forum is None:
        return ForumSupport(forum_name="", local_area="")
    settings = read_section(forum, SupportSettings)
    return ForumSupport(
        forum_name=forum.name,
        local_area=forum.local_area,
        help_text=_short_text(settings.help_text, 600) or DEFAULT_HELP_TEXT,
        advice_contacts=_contacts(settings.help_contacts),
        brand_colour=safe_brand_colour(settings.brand_colour),
        contact_email=_email(settings.contact_email),
        retention_months=_months(settings.retention_months),
    )


# --- look-ups for the public pages -------------------------------------------------------------


class ForumNotFound(LookupError):
    """No forum has this slug."""


def support_for_slug(session: Session, forum_slug: str) -> tuple[Forum, ForumSupport]:
    """The forum at this address and its settings, or ForumNotFound."""
    forum = get_forum(session, forum_slug)
    if forum is None:
        raise ForumNotFound(forum_slug)
    return forum, forum_support(forum)


@dataclass(frozen=True)
class PrivacyNotice:
    survey: Survey
    support: ForumSupport


def privacy_notice(session: Session, forum_slug: str, survey_slug: str) -> PrivacyNotice:
    """What the privacy page shows. A closed survey keeps its notice: people who answered may need it."""
    survey = find_survey(session, forum_slug, survey_slug)  # SurveyNotFound -> friendly 404
    return PrivacyNotice(survey=survey, support=forum_support(survey.forum))
