"""The survey at a runner page's address, in the language of the page."""

from __future__ import annotations

from forum_app.extensions import db
from forum_app.i18n import offer_languages
from forum_app.surveys.definitions import parse_definition
from forum_app.surveys.services import LiveSurvey, live_survey


def live_in_language(forum_slug: str, survey_slug: str) -> LiveSurvey:
    """The open survey at this address, its words in the page's language: the family's choice when the
    survey has been translated into it, else English (and then the whole page is in English)."""
    live = live_survey(db.session, forum_slug, survey_slug)
    language = offer_languages(live.definition.languages)
    if language == live.definition.language:
        return live
    return LiveSurvey(live.survey, live.version, parse_definition(live.version.definition, language))
