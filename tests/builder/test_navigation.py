"""The surveys pages lead to every page of the builder, for leads; other members see the surveys."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from tests.builder.factories import LEAD, VIEWER, make_builder_forum
from tests.factories import page, signed_in


def test_the_surveys_pages_lead_to_every_builder_page(app: Flask, db_session: Session) -> None:
    make_builder_forum(db_session)
    lead = signed_in(app, LEAD)
    listed = {a["href"] for a in page(lead, "/staff/surveys").select("main a[href]")}
    assert {
        "/staff/surveys/new",
        "/staff/surveys/import-survey",
        "/staff/surveys/import",
        "/staff/surveys/local-lists",
        "/staff/surveys/send-experience",
    } <= listed
    one_survey = {a["href"] for a in page(lead, "/staff/surveys/send-experience").select("main a[href]")}
    assert {
        "/staff/surveys/send-experience/share",
        "/staff/surveys/send-experience/survey.json",
        "/staff/surveys/send-experience/import",
        "/staff/responses/export",
        "/staff/surveys/send-experience/edit",
    } <= one_survey
    viewer = signed_in(app, VIEWER)
    assert {a["href"] for a in page(viewer, "/staff/surveys").select("main a[href]")} == {
        "/staff/surveys/send-experience"
    }
