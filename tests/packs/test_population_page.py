"""The lead's page of local population figures: who may use it, what it keeps, its messages, and the
audit log."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.packs.population import local_population
from forum_app.packs.population_form import field_names
from tests.factories import (
    audit_actions,
    csrf_token,
    form_value,
    make_forum_with_staff,
    page,
    resave_form,
    signed_in,
    squashed_text,
)
from tests.packs.factories import AGE_TYPED, OFFICIAL_TYPED, SEN2_EHC, reloaded_demo_forum

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
POPULATION = "/staff/packs/population"


@pytest.fixture
def demo(db_session: Session) -> Forum:
    return make_forum_with_staff(db_session, {LEAD: "lead", CODER: "coder", VIEWER: "viewer"})


def _save(client: FlaskClient, **changes: str) -> Any:
    """The form as shown, with these fields changed, sent."""
    return resave_form(client, POPULATION, field_names(), **changes)


def test_a_lead_sees_a_labelled_box_for_every_figure(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), POPULATION)
    assert soup.title is not None and soup.title.get_text().startswith("Local population figures")
    for name in field_names():
        assert soup.find("label", attrs={"for": name}) is not None, name
        assert form_value(soup, name) == ""
    legends = [squashed_text(legend) for legend in soup.select("legend")]
    assert legends[:3] == ["Age", "School or setting", "EHC plan"]


def test_the_packs_page_links_to_the_figures_for_leads_only(app: Flask, demo: Forum) -> None:
    assert page(signed_in(app, LEAD), "/staff/packs").find("a", href=POPULATION) is not None
    assert page(signed_in(app, CODER), "/staff/packs").find("a", href=POPULATION) is None


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_coders_and_viewers_may_not_see_or_change_the_figures(
    app: Flask, db_session: Session, demo: Forum, email: str
) -> None:
    client = signed_in(app, email)
    assert client.get(POPULATION).status_code == 403
    token = csrf_token(page(client, "/staff/packs"))
    assert client.post(POPULATION, data={**AGE_TYPED, "csrf_token": token}).status_code == 403
    assert local_population(reloaded_demo_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)


def test_a_post_without_its_csrf_token_is_refused(app: Flask, db_session: Session, demo: Forum) -> None:
    sent = signed_in(app, LEAD).post(POPULATION, data=AGE_TYPED)
    assert sent.status_code == 400
    assert local_population(reloaded_demo_forum(db_session)) is None


def test_a_lead_saves_the_figures_and_the_audit_log_records_it(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(
        client,
        **AGE_TYPED,
        **{"total-ehcp": "3,210", "total-ehcp-source": "DfE SEN2", "total-ehcp-date": "January 2025"},
    )
    assert sent.status_code == 303 and sent.location.endswith(POPULATION)
    soup = page(client, POPULATION)
    assert "Saved the local population figures" in squashed_text(soup.select_one(".notice"))
    assert form_value(soup, "age_band-11-15") == "30.5" and form_value(soup, "age_band-0-4") == "10"
    assert form_value(soup, "total-ehcp") == "3210" and form_value(soup, "setting-early_years") == ""
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and found.totals["ehcp"].count == 3210
    assert audit_actions(db_session) == ["accounts.login POST", "packs.population POST"]
    log = squashed_text(page(client, "/staff/audit"))
    assert "changed the local population figures" in log and "DfE SEN2" not in log


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {
                "age_band-0-4": "ten",
                "age_band-source": "SEN2",
                "age_band-date": "2025",
                "total-sen_support": "-4",
                "total-sen_support-source": "School census",
                "total-sen_support-date": "June 2025",
            },
            [
                (
                    "#age_band-0-4",
                    "Enter the percentage for 0 to 4 (age) as a number from 0 to 100, like 12.5",
                ),
                (
                    "#total-sen_support",
                    "The number of children and young people with SEN support cannot be negative",
                ),
            ],
        ),
        (
            {
                "ehcp-yes": "70",
                "ehcp-sen_support": "40",
                "ehcp-other": "0",
                "ehcp-source": "SEN2",
                "ehcp-date": "2025",
            },
            [
                (
                    "#ehcp-yes",
                    "The EHC plan percentages must add up to 100, give or take 1. They add up to 110.",
                )
            ],
        ),
        (
            {"setting-post16": "12.25"},
            [
                (
                    "#setting-post16",
                    "The percentage for Post-16 (school or setting) can have at most one decimal place, "
                    "like 12.5",
                ),
                (
                    "#setting-source",
                    "Enter where the school or setting figures come from, like DfE SEN2 2025",
                ),
                ("#setting-date", "Enter the date of the school or setting figures, like January 2025"),
            ],
        ),
        (
            {"age_band-source": "x" * 50_000},
            [
                (
                    "#age_band-source",
                    "The source of the age figures must be 120 characters or fewer. It has 50,000.",
                ),
            ],
        ),
    ],
)
def test_wrong_input_is_sent_back_with_messages_as_typed(
    app: Flask, db_session: Session, demo: Forum, changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: Local population figures")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None
    assert [(str(a["href"]), squashed_text(a)) for a in summary.select("a")] == expected
    for target, message in expected:
        field = soup.select_one(target)
        assert field is not None
        described = (
            str(field.get("aria-describedby", ""))
            + " "
            + str(
                field.find_parent("fieldset").get("aria-describedby", "")  # type: ignore[union-attr]
            )
        )
        error_ids = [i for i in described.split() if i.endswith("-error")]
        assert any(message in squashed_text(soup.find(id=i)) for i in error_ids), target
    for name, typed in changes.items():
        assert form_value(soup, name) == typed
    assert local_population(reloaded_demo_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)


# --- official waiting-time figures ---------------------------------------------------------------


def test_a_lead_sees_the_official_waiting_time_fieldsets(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), POPULATION)
    headings = [squashed_text(h) for h in soup.select("h2")]
    assert "Official waiting-time figures" in headings
    legends = [squashed_text(legend) for legend in soup.select("legend")]
    assert legends[-5:] == [
        "EHC needs assessment",
        "Autism assessment",
        "ADHD assessment",
        "CAMHS",
        "Community paediatrics",
    ]
    label = soup.find("label", attrs={"for": "official-ehcna"})
    assert label is not None and squashed_text(label) == "% over the limit"
    hint = soup.find(id="official-ehcna-hint")
    assert hint is not None and "EHC plans issued outside 20 weeks" in squashed_text(hint)
    source_hint = soup.find(id="official-ehcna-source-hint")
    assert source_hint is not None and "For example, DfE SEN2 2025." in squashed_text(source_hint)


def test_a_lead_saves_an_official_figure_and_the_audit_log_records_it(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **OFFICIAL_TYPED)
    assert sent.status_code == 303
    soup = page(client, POPULATION)
    assert form_value(soup, "official-ehcna") == "50.8"
    assert form_value(soup, "official-ehcna-date") == "calendar year 2024"
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and found.official == {"ehcna": SEN2_EHC}
    assert audit_actions(db_session) == ["accounts.login POST", "packs.population POST"]
    log = squashed_text(page(client, "/staff/audit"))
    assert "changed the local population figures" in log and "DfE SEN2" not in log


def test_a_wrong_official_figure_is_sent_back_with_messages_as_typed(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    changes = {"official-autism": "120", "official-adhd": "15", "official-adhd-source": "NHS England"}
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None
    assert [(str(a["href"]), squashed_text(a)) for a in summary.select("a")] == [
        (
            "#official-autism",
            "The percentage for Autism assessment (official figure) must be between 0 and 100",
        ),
        (
            "#official-autism-source",
            "Enter where the official autism assessment figure comes from, like NHS England waiting times",
        ),
        ("#official-autism-date", "Enter the date of the official autism assessment figure, like March 2025"),
        ("#official-adhd-date", "Enter the date of the official ADHD assessment figure, like March 2025"),
    ]
    for name in ("official-autism", "official-autism-source", "official-autism-date", "official-adhd-date"):
        field = soup.find(id=name)
        assert isinstance(field, Tag) and f"{name}-error" in str(field.get("aria-describedby", ""))
    for name, typed in changes.items():
        assert form_value(soup, name) == typed
    assert local_population(reloaded_demo_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)
