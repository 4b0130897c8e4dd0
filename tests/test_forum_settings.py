"""A forum's settings: the typed sections (defaults, broken values, what is stored), saving one section
without touching the others, the one version check, and the settings pages that share it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.forum_settings import (
    DEFAULT_PROCEDURE,
    Characteristic,
    CodingSettings,
    DisclosureSettings,
    Figure,
    ModerationSettings,
    PackAbout,
    PackPopulation,
    Section,
    SupportSettings,
    TwoFactorSettings,
    read_section,
    save_section,
    section_version,
)
from forum_app.moderation import settings as moderation
from forum_app.packs import about, population, population_form
from tests.factories import (
    audit_actions,
    csrf_token,
    form_value,
    make_forum,
    make_forum_with_staff,
    page,
    resave_form,
    signed_in,
    squashed_text,
)

SECTIONS: list[type[Section]] = [
    ModerationSettings,
    PackAbout,
    PackPopulation,
    TwoFactorSettings,
    CodingSettings,
    SupportSettings,
    DisclosureSettings,
]
MODERATION = ModerationSettings(
    procedure="Ring Jo on 01234 567890.",
    deny_list=("Riverside Hub",),
    deny_names=("Dilys", "Dr Okafor"),
    original_days=14,
    safeguarding_contacts=("jo@example.org",),
    flag_target_days=3,
)
ABOUT = PackAbout({"reach": "Our newsletter.", "dpia": "DPIA-2025-03"})
POPULATION = PackPopulation(
    characteristics={
        "age_band": Characteristic({"0-4": 10.0, "5-10": 35.5}, "DfE SEN2 2025", "January 2025")
    },
    totals={"ehcp": Figure(3210, "DfE SEN2", "January 2025"), "sen_support": Figure(None, "Census", "")},
    official={"ehcna": Figure(50.8, "DfE SEN2 2025", "calendar year 2024")},
)
SUPPORT = SupportSettings(
    help_text="Ring us on weekdays.",
    help_contacts=({"name": "IASS", "detail": "01234 567890", "href": "tel:01234567890"},),
    brand_colour="#1d5c3a",
    contact_email="hello@example.org",
    retention_months=24,
)
EXAMPLES: list[Any] = [
    MODERATION,
    ABOUT,
    POPULATION,
    TwoFactorSettings(True),
    CodingSettings(0.75),
    SUPPORT,
    DisclosureSettings({"suppression_threshold": 10, "minimum_families": "30"}),
]


def _forum(session: Session) -> Forum:
    session.expire_all()
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()


# --- the sections ------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("stored", [{}, None, [], "settings"])
def test_a_forum_with_no_settings_reads_every_section_as_its_defaults(
    section: type[Section], stored: Any
) -> None:
    assert read_section(Forum(settings=stored), section) == section.from_stored({})


def test_the_defaults_are_safe() -> None:
    assert read_section(Forum(settings={}), ModerationSettings) == ModerationSettings(
        DEFAULT_PROCEDURE, (), (), 30, (), 2
    )
    assert read_section(Forum(settings={}), PackAbout).text("reach") == ""
    assert read_section(Forum(settings={}), PackPopulation) == PackPopulation({}, {}, {})
    assert read_section(Forum(settings={}), TwoFactorSettings).required is False
    assert read_section(Forum(settings={}), CodingSettings).bulk_accept_threshold == 0.9


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: type(example).__name__)
def test_what_a_section_stores_reads_back_the_same(example: Any) -> None:
    assert type(example).from_stored(example.to_stored()) == example


@pytest.mark.parametrize(
    ("stored", "section"),
    [
        (
            {
                "safeguarding_procedure": ["not", "text"],
                "deny_list": "Riverside Hub",
                "deny_names": [7, None, "  "],
                "original_days": 31,
                "safeguarding_contacts": ["not an address", "no-at-sign"],
                "flag_target_days": True,
            },
            ModerationSettings(),
        ),
        (
            {"safeguarding_procedure": "   ", "original_days": "14", "flag_target_days": 0},
            ModerationSettings(),
        ),
        ({"pack_about": ["reach"]}, PackAbout()),
        ({"pack_about": {"reach": 7, "dpia": None, "formats": ""}}, PackAbout()),
        ({"population": "population"}, PackPopulation()),
        ({"population": {"characteristics": "x", "totals": [], "official": None}}, PackPopulation()),
        ({"require_two_factor": "yes"}, TwoFactorSettings(False)),
        ({"require_two_factor": 1}, TwoFactorSettings(False)),
        ({"bulk_accept_threshold": 0.2}, CodingSettings(0.9)),
        ({"bulk_accept_threshold": "lots"}, CodingSettings(0.9)),
        ({"bulk_accept_threshold": True}, CodingSettings(0.9)),
        ({"bulk_accept_threshold": float("nan")}, CodingSettings(0.9)),
        (
            {"help_text": 5, "help_contacts": "IASS", "brand_colour": None, "retention_months": "12"},
            SupportSettings(),
        ),
        ({"retention_months": True, "contact_email": ["hello@example.org"]}, SupportSettings()),
    ],
)
def test_broken_stored_values_fall_back_to_the_defaults(stored: dict[str, Any], section: Any) -> None:
    assert read_section(Forum(settings=stored), type(section)) == section


def test_broken_disclosure_rules_are_kept_so_that_packs_are_refused_not_made_looser() -> None:
    stored = {"rounding_base": "lots", "suppression_threshold": None, "minimum_families": 7.5}
    found = read_section(Forum(settings=stored), DisclosureSettings)
    assert found.values == {"rounding_base": "lots", "minimum_families": 7.5}


def test_stored_values_are_read_within_their_limits() -> None:
    stored = {
        "safeguarding_procedure": "  Ring Jo.  ",
        "deny_list": [" Riverside Hub ", "Riverside Hub", "x" * 200, 5],
        "safeguarding_contacts": ["jo@example.org", "two words@example.org"],
        "flag_target_days": 10,
    }
    found = read_section(Forum(settings=stored), ModerationSettings)
    assert found.procedure == "Ring Jo."
    assert found.deny_list == ("Riverside Hub", "x" * 120)
    assert found.safeguarding_contacts == ("jo@example.org",)
    assert found.flag_target_days == 10


def test_population_figures_keep_only_numbers_and_texts() -> None:
    stored = {
        "population": {
            "characteristics": {
                "age_band": {"percents": {"0-4": "ten", "5-10": True, "11-15": 12, "16-18": float("inf")}},
                "setting": "x",
            },
            "totals": {"ehcp": {"count": 2.5, "source": 7, "date": "2025"}},
            "official": {"ehcna": {"percent": 50, "source": "SEN2"}},
        }
    }
    assert read_section(Forum(settings=stored), PackPopulation) == PackPopulation(
        characteristics={"age_band": Characteristic({"11-15": 12.0})},
        totals={"ehcp": Figure(None, "", "2025")},
        official={"ehcna": Figure(50.0, "SEN2", "")},
    )


def test_saving_one_section_keeps_every_other_key(db_session: Session) -> None:
    forum = make_forum(db_session)
    others = {
        "pack_about": {"reach": "Newsletter"},
        "population": {"totals": {}},
        "require_two_factor": True,
        "contact_email": "hello@example.org",
        "suppression_threshold": 10,
    }
    forum.settings = {**others, "deny_list": ["Old"]}
    db_session.commit()
    assert save_section(db_session, forum, MODERATION) is True
    assert _forum(db_session).settings == {**others, **MODERATION.to_stored()}
    assert read_section(_forum(db_session), ModerationSettings) == MODERATION


def test_the_version_changes_with_its_own_section_only(db_session: Session) -> None:
    forum = make_forum(db_session)
    before = {section: section_version(forum, section) for section in SECTIONS}
    assert save_section(db_session, forum, ABOUT)
    after = {section: section_version(_forum(db_session), section) for section in SECTIONS}
    assert [section for section in SECTIONS if before[section] != after[section]] == [PackAbout]


def test_a_save_with_a_version_from_before_another_save_is_refused(db_session: Session) -> None:
    forum = make_forum(db_session)
    shown = section_version(forum, CodingSettings)
    assert save_section(db_session, forum, CodingSettings(0.8), shown) is True
    assert save_section(db_session, forum, CodingSettings(0.6), shown) is False
    assert read_section(_forum(db_session), CodingSettings).bulk_accept_threshold == 0.8
    assert save_section(db_session, forum, CodingSettings(0.6), section_version(forum, CodingSettings))
    assert save_section(db_session, forum, CodingSettings(0.7))  # without a version, nothing is compared
    assert read_section(_forum(db_session), CodingSettings).bulk_accept_threshold == 0.7


# --- the settings pages ----------------------------------------------------------------------------

LEAD = "lead@example.org"


@dataclass(frozen=True)
class SettingsPageCase:
    url: str
    action: str  # the audit log's record of a save
    fields: list[str]
    first: dict[str, str]  # what the first lead saves
    second: dict[str, str]  # what the second lead types in the form opened before that
    read: Callable[[Forum], object]  # what the test compares
    message: str  # the error summary's words when another lead saved meanwhile
    target: str  # where the summary's link leads


def _figure(forum: Forum) -> object:
    found = population.local_population(forum)
    return found.totals["ehcp"].count if found is not None else None


PAGES = {
    "moderation": SettingsPageCase(
        "/staff/moderation/settings",
        "moderation.settings POST",
        list(moderation.FIELDS),
        {"deny_names": "Dilys"},
        {"deny_names": "Dr Okafor"},
        lambda forum: moderation.moderation_settings(forum).deny_names,
        moderation.CHANGED_MEANWHILE,
        "#procedure",
    ),
    "about": SettingsPageCase(
        "/staff/packs/about",
        "packs.about POST",
        about.field_names(),
        {"reach": "Newsletter"},
        {"reach": "Schools and groups"},
        lambda forum: about.pack_about(forum)["reach"],
        about.CHANGED_MEANWHILE,
        "#independence",
    ),
    "population": SettingsPageCase(
        "/staff/packs/population",
        "packs.population POST",
        population_form.field_names(),
        {"total-ehcp": "3,210", "total-ehcp-source": "DfE SEN2", "total-ehcp-date": "January 2025"},
        {"total-ehcp": "4000", "total-ehcp-source": "Council", "total-ehcp-date": "March 2025"},
        _figure,
        population_form.CHANGED_MEANWHILE,
        "#age_band-0-4",
    ),
}


@pytest.mark.parametrize("case", PAGES.values(), ids=PAGES.keys())
def test_a_save_after_another_leads_is_refused_shown_and_the_form_kept(
    app: Flask, db_session: Session, case: SettingsPageCase
) -> None:
    make_forum_with_staff(db_session, {LEAD: "lead"})
    first, second = signed_in(app, LEAD), signed_in(app, LEAD)
    shown = page(second, case.url)  # the second tab opens the form before the first saves
    assert resave_form(first, case.url, case.fields, **case.first).status_code == 303
    saved_first = case.read(_forum(db_session))
    data = {
        "csrf_token": csrf_token(shown),
        "version": form_value(shown, "version"),
        **{name: form_value(shown, name) for name in case.fields},
        **case.second,
    }
    refused = second.post(case.url, data=data)
    assert refused.status_code == 200
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None and squashed_text(summary) == f"There is a problem {case.message}"
    link = summary.select_one("a")
    assert link is not None and link["href"] == case.target
    assert all(form_value(soup, name) == typed for name, typed in case.second.items())
    assert case.read(_forum(db_session)) == saved_first  # theirs is kept
    # The form now carries the other lead's version: sending it again replaces theirs.
    assert form_value(soup, "version") != data["version"]
    again = second.post(case.url, data={**data, "version": form_value(soup, "version")})
    assert again.status_code == 303 and again.location.endswith(case.url)
    assert case.read(_forum(db_session)) != saved_first
    assert audit_actions(db_session) == ["accounts.login POST"] * 2 + [case.action] * 2
