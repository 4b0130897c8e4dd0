"""A forum's settings: one typed section per feature, read from and saved into ``Forum.settings``.

``Forum.settings`` is one JSON dict (new keys need no migration) shared by the features. Each feature
owns some of its keys, as a section: a frozen dataclass that names its keys (``KEYS``), reads itself
from the stored dict with safe defaults (``from_stored``: anything missing or broken falls back) and
says what to store (``to_stored``). The stored layout is the one databases already hold:

- moderation (``ModerationSettings``): ``safeguarding_procedure``, ``deny_list``, ``deny_names``,
  ``original_days``, ``safeguarding_contacts``, ``flag_target_days`` (see ``moderation/settings.py``);
- what the pack says about the survey (``PackAbout``): ``pack_about``, a dict of texts by key;
- the local population figures (``PackPopulation``): ``population``, a dict of ``characteristics``,
  ``totals`` and ``official`` figures (see ``packs/population.py``);
- two-factor sign-in for everyone (``TwoFactorSettings``): ``require_two_factor``;
- bulk acceptance of suggested codes (``CodingSettings``): ``bulk_accept_threshold``;
- what a forum tells respondents (``SupportSettings``): ``help_text``, ``help_contacts``,
  ``brand_colour``, ``contact_email``, ``retention_months`` (see ``surveys/support.py``);
- stricter disclosure control (``DisclosureSettings``): ``suppression_threshold``, ``rounding_base``,
  ``minimum_families``, kept as stored (see the class);
- the local services and localities questions can offer (``LocalLists``): ``local_services``,
  ``localities`` (see ``builder/local_lists.py``).

Features read and write only through these functions:

- ``read_section(forum, Section)``: the section, typed;
- ``section_version(forum, Section)``: a short fingerprint of the section's stored keys (not the
  forum's other settings), which a settings form carries to notice another lead's save;
- ``save_section(session, forum, section, version)``: store the section's keys, keeping every other
  key, and commit; unless ``version`` is given and another save changed the section since, when
  nothing is saved and it returns False.

A section's ``from_stored`` checks types and the limits every reader relies on; rules that only a
feature knows (which categories a grouping has, what a form accepts) stay in the feature.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:  # accounts' views read settings, so a runtime import would be circular
    from forum_app.accounts.models import Forum

Errors = dict[str, list[str]]  # a settings form's messages by field name (or "form"), in form order


class Section(Protocol):
    KEYS: ClassVar[tuple[str, ...]]  # the keys of ``Forum.settings`` the section owns

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self: ...

    def to_stored(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=Section)


def _stored(forum: Forum) -> dict[str, Any]:
    return forum.settings if isinstance(forum.settings, dict) else {}


def read_section(forum: Forum, section: type[S]) -> S:
    """The forum's settings of one section; anything missing or broken falls back to its default."""
    return section.from_stored(_stored(forum))


def section_version(forum: Forum, section: type[Section]) -> str:
    """A short fingerprint of what is stored under the section's keys, to notice another lead's save."""
    raw = _stored(forum)
    stored = json.dumps([raw.get(key) for key in section.KEYS], sort_keys=True, default=str)
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:16]


def save_section(session: Session, forum: Forum, section: Section, version: str | None = None) -> bool:
    """Store the section under its keys, keeping the forum's other settings, and commit: True.

    ``version`` is the ``section_version`` a form was shown with: if another save has changed the
    section since, nothing is saved and the answer is False (without a version, nothing is compared).
    """
    if version and version != section_version(forum, type(section)):
        return False
    forum.settings = {**_stored(forum), **section.to_stored()}  # a new dict, so the JSON column is written
    session.commit()
    return True


# ---------------------------------------------------------------------------------------------
# Reading stored values


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _whole(value: object, lowest: int, highest: int) -> int | None:
    found = _int(value)
    return found if found is not None and lowest <= found <= highest else None


def _number(value: object) -> float | None:
    """A finite int or float as a float (not a bool, nor a number in a string)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


# ---------------------------------------------------------------------------------------------
# Moderation

DEFAULT_ORIGINAL_DAYS = 30
MAX_ORIGINAL_DAYS = 30
MAX_PROCEDURE_CHARS = 3000
MAX_DENY_TERMS = 500
MAX_TERM_CHARS = 120
DEFAULT_FLAG_TARGET_DAYS = 2
MAX_FLAG_TARGET_DAYS = 10
MAX_CONTACTS = 10
DEFAULT_PROCEDURE = (
    "If a child or adult may be in immediate danger, call 999 now. Otherwise tell your forum's "
    "safeguarding lead today, and follow the local safeguarding partnership's procedure. The "
    "respondent is anonymous: do not try to find out who they are."
)


def _terms(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    terms = (term.strip() for term in value[:MAX_DENY_TERMS] if isinstance(term, str))
    return tuple(dict.fromkeys(term[:MAX_TERM_CHARS] for term in terms if term))


def _contacts(value: object) -> tuple[str, ...]:
    terms = _terms(value)
    return tuple(term for term in terms if "@" in term and not any(c.isspace() for c in term))[:MAX_CONTACTS]


@dataclass(frozen=True)
class ModerationSettings:
    KEYS: ClassVar[tuple[str, ...]] = (
        "safeguarding_procedure",
        "deny_list",
        "deny_names",
        "original_days",
        "safeguarding_contacts",
        "flag_target_days",
    )

    procedure: str = DEFAULT_PROCEDURE
    deny_list: tuple[str, ...] = ()  # names of schools and settings, redacted as [school]
    deny_names: tuple[str, ...] = ()  # names of people, redacted as [name]
    original_days: int = DEFAULT_ORIGINAL_DAYS
    safeguarding_contacts: tuple[str, ...] = ()
    flag_target_days: int = DEFAULT_FLAG_TARGET_DAYS

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        procedure = _text(stored.get("safeguarding_procedure")).strip()
        original_days = _whole(stored.get("original_days"), 1, MAX_ORIGINAL_DAYS)
        flag_target_days = _whole(stored.get("flag_target_days"), 1, MAX_FLAG_TARGET_DAYS)
        return cls(
            procedure=procedure[:MAX_PROCEDURE_CHARS] if procedure else DEFAULT_PROCEDURE,
            deny_list=_terms(stored.get("deny_list")),
            deny_names=_terms(stored.get("deny_names")),
            original_days=original_days or DEFAULT_ORIGINAL_DAYS,
            safeguarding_contacts=_contacts(stored.get("safeguarding_contacts")),
            flag_target_days=flag_target_days or DEFAULT_FLAG_TARGET_DAYS,
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "safeguarding_procedure": self.procedure,
            "deny_list": list(self.deny_list),
            "deny_names": list(self.deny_names),
            "original_days": self.original_days,
            "safeguarding_contacts": list(self.safeguarding_contacts),
            "flag_target_days": self.flag_target_days,
        }


# ---------------------------------------------------------------------------------------------
# Packs: what the forum says about its survey


@dataclass(frozen=True)
class PackAbout:
    """The forum's texts as stored, by key; ``""`` where none is given. ``packs/about.py`` cleans them
    and holds their limits. Only texts given are stored."""

    KEYS: ClassVar[tuple[str, ...]] = ("pack_about",)

    texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        raw = _mapping(stored.get("pack_about"))
        return cls({key: text for key, text in raw.items() if isinstance(key, str) and _text(text)})

    def to_stored(self) -> dict[str, Any]:
        return {"pack_about": {key: text for key, text in self.texts.items() if text}}

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


# ---------------------------------------------------------------------------------------------
# Packs: the local population figures


@dataclass(frozen=True)
class Characteristic:
    """One characteristic's local percentages by category id, as stored (any finite number)."""

    percents: Mapping[str, float] = field(default_factory=dict)
    source: str = ""
    date: str = ""

    def to_stored(self) -> dict[str, Any]:
        return {"percents": dict(self.percents), "source": self.source, "date": self.date}


@dataclass(frozen=True)
class Figure:
    """An area total (``value`` a whole number) or an official percentage, with its source and date;
    ``value`` None when only the source or date was given."""

    value: float | int | None = None
    source: str = ""
    date: str = ""


@dataclass(frozen=True)
class PackPopulation:
    """The local figures as stored, checked for types only: ``packs/population.py`` knows which
    groupings, categories and services exist and which values make sense."""

    KEYS: ClassVar[tuple[str, ...]] = ("population",)

    characteristics: Mapping[str, Characteristic] = field(default_factory=dict)
    totals: Mapping[str, Figure] = field(default_factory=dict)  # "ehcp" / "sen_support" -> count
    official: Mapping[str, Figure] = field(default_factory=dict)  # service -> percent over its limit

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        raw = stored.get("population")
        if not isinstance(raw, dict):
            return cls()
        characteristics = {
            key: Characteristic(
                {k: n for k, v in _mapping(entry.get("percents")).items() if (n := _number(v)) is not None},
                _text(entry.get("source")),
                _text(entry.get("date")),
            )
            for key, entry in _mapping(raw.get("characteristics")).items()
            if isinstance(entry, dict)
        }
        totals = {
            key: Figure(_int(entry.get("count")), _text(entry.get("source")), _text(entry.get("date")))
            for key, entry in _mapping(raw.get("totals")).items()
            if isinstance(entry, dict)
        }
        official = {
            key: Figure(_number(entry.get("percent")), _text(entry.get("source")), _text(entry.get("date")))
            for key, entry in _mapping(raw.get("official")).items()
            if isinstance(entry, dict)
        }
        return cls(characteristics, totals, official)

    def to_stored(self) -> dict[str, Any]:
        return {
            "population": {
                "characteristics": {key: entry.to_stored() for key, entry in self.characteristics.items()},
                "totals": {key: _figure(entry, "count") for key, entry in self.totals.items()},
                "official": {key: _figure(entry, "percent") for key, entry in self.official.items()},
            }
        }


def _figure(entry: Figure, name: str) -> dict[str, Any]:
    value = {name: entry.value} if entry.value is not None else {}
    return {**value, "source": entry.source, "date": entry.date}


# ---------------------------------------------------------------------------------------------
# Accounts: two-factor sign-in


@dataclass(frozen=True)
class TwoFactorSettings:
    """Whether everyone in the forum must use two-factor sign-in (leads always must)."""

    KEYS: ClassVar[tuple[str, ...]] = ("require_two_factor",)

    required: bool = False

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        return cls(stored.get("require_two_factor") is True)

    def to_stored(self) -> dict[str, Any]:
        return {"require_two_factor": self.required}


# ---------------------------------------------------------------------------------------------
# Coding: bulk acceptance

DEFAULT_BULK_THRESHOLD = 0.9
LOWEST_BULK_THRESHOLD = 0.5
HIGHEST_BULK_THRESHOLD = 1.0


def _bulk_threshold(value: object) -> float | None:
    """A threshold from 0.5 to 1 (a number, or a number in a string), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if LOWEST_BULK_THRESHOLD <= number <= HIGHEST_BULK_THRESHOLD else None


@dataclass(frozen=True)
class CodingSettings:
    """The confidence at or above which suggested codes may be accepted in bulk (0.5 to 1)."""

    KEYS: ClassVar[tuple[str, ...]] = ("bulk_accept_threshold",)

    bulk_accept_threshold: float = DEFAULT_BULK_THRESHOLD

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        found = _bulk_threshold(stored.get("bulk_accept_threshold"))
        return cls(found if found is not None else DEFAULT_BULK_THRESHOLD)

    def to_stored(self) -> dict[str, Any]:
        return {"bulk_accept_threshold": self.bulk_accept_threshold}


# ---------------------------------------------------------------------------------------------
# Surveys: what a forum tells respondents beyond the questions


def _strings(value: object) -> dict[str, str]:
    return {key: text for key, text in _mapping(value).items() if isinstance(text, str)}


@dataclass(frozen=True)
class SupportSettings:
    """The forum's help page, colour and privacy terms, as stored: ``surveys/support.py`` checks each
    (the colour's contrast, the addresses and links, the limits) and fills in its defaults."""

    KEYS: ClassVar[tuple[str, ...]] = (
        "help_text",
        "help_contacts",
        "brand_colour",
        "contact_email",
        "retention_months",
    )

    help_text: str = ""
    # Each {"name", "detail", "description", "href"}; None (not stored as a list): the default contacts.
    help_contacts: tuple[Mapping[str, str], ...] | None = None
    brand_colour: str = ""
    contact_email: str = ""
    retention_months: int | None = None

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        contacts = stored.get("help_contacts")
        return cls(
            help_text=_text(stored.get("help_text")),
            help_contacts=tuple(_strings(item) for item in contacts) if isinstance(contacts, list) else None,
            brand_colour=_text(stored.get("brand_colour")),
            contact_email=_text(stored.get("contact_email")),
            retention_months=_int(stored.get("retention_months")),
        )

    def to_stored(self) -> dict[str, Any]:
        contacts = [dict(item) for item in self.help_contacts] if self.help_contacts is not None else None
        return {
            "help_text": self.help_text,
            "help_contacts": contacts,
            "brand_colour": self.brand_colour,
            "contact_email": self.contact_email,
            "retention_months": self.retention_months,
        }


# ---------------------------------------------------------------------------------------------
# Packs: stricter disclosure control


@dataclass(frozen=True)
class DisclosureSettings:
    """A forum's stricter disclosure rules, as stored: ``suppression_threshold``, ``rounding_base`` and
    ``minimum_families``, each missing (the defaults) or a whole number (in a string, as a form sends
    it). Unlike other sections, a broken value is kept as it is, not read as the default: a forum that
    asked for stricter rules must have its packs refused until the value is fixed, never built under
    looser rules. ``packs.disclosure.rules_for`` and ``packs.data.minimum_families`` read them."""

    KEYS: ClassVar[tuple[str, ...]] = ("suppression_threshold", "rounding_base", "minimum_families")

    values: Mapping[str, object] = field(default_factory=dict)  # only the keys stored (None: not stored)

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        return cls({key: stored[key] for key in cls.KEYS if stored.get(key) is not None})

    def to_stored(self) -> dict[str, Any]:
        return {key: self.values.get(key) for key in self.KEYS}


# ---------------------------------------------------------------------------------------------
# Surveys: the forum's local services and localities, as option lists for the builder

MAX_LIST_ITEMS = 200
MAX_ITEM_CHARS = 120


def _items(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    items = (item.strip() for item in value[:MAX_LIST_ITEMS] if isinstance(item, str))
    return tuple(dict.fromkeys(item[:MAX_ITEM_CHARS] for item in items if item))


@dataclass(frozen=True)
class LocalLists:
    """The local services (a CAMHS team, the Portage service...) and localities (districts, towns) a
    forum's questions can offer as options: ``local_services`` and ``localities``, lists of names.
    ``builder/local_lists.py`` holds the form."""

    KEYS: ClassVar[tuple[str, ...]] = ("local_services", "localities")

    services: tuple[str, ...] = ()
    localities: tuple[str, ...] = ()

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        return cls(_items(stored.get("local_services")), _items(stored.get("localities")))

    def to_stored(self) -> dict[str, Any]:
        return {"local_services": list(self.services), "localities": list(self.localities)}
