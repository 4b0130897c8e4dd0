"""Public support pages: "Get help now", the privacy notice and each forum's colour. Views stay thin."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.models import Forum
from forum_app.extensions import db
from forum_app.i18n import offer_languages
from forum_app.surveys import bp
from forum_app.surveys.definitions.translations import languages_of, localise
from forum_app.surveys.services import latest_version
from forum_app.surveys.support import (
    ForumNotFound,
    ForumSupport,
    forum_support,
    privacy_notice,
    support_for_slug,
)
from forum_app.views import Page

THEME_MAX_AGE = 3600  # seconds: a forum's new colour shows within the hour


@bp.app_template_global("forum_support")
def _forum_support(forum: Forum | None = None) -> ForumSupport:
    """Templates read a forum's checked help, colour and privacy settings through this."""
    return forum_support(forum)


def _support_or_404(forum_slug: str) -> tuple[Forum, ForumSupport]:
    """The forum at this address with its help, colour and privacy settings; 404 if there is none."""
    try:
        return support_for_slug(db.session, forum_slug)
    except ForumNotFound:
        abort(404)


@bp.get("/help")
def help_page() -> Page:
    return render_template("surveys/help.html", forum=None, support=forum_support(None))


@bp.get("/s/<forum_slug>/help")
def forum_help(forum_slug: str) -> Page:
    forum, support = _support_or_404(forum_slug)
    return render_template("surveys/help.html", forum=forum, support=support)


@bp.get("/s/<forum_slug>/theme.css")
def theme(forum_slug: str) -> WerkzeugResponse:
    _forum, support = _support_or_404(forum_slug)
    response = Response(support.theme_css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = THEME_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/s/<forum_slug>/<survey_slug>/privacy")
def privacy(forum_slug: str, survey_slug: str) -> Page:
    notice = privacy_notice(db.session, forum_slug, survey_slug)
    version = latest_version(db.session, notice.survey.id)
    document = version.definition if version else {"title": notice.survey.title}
    language = offer_languages(languages_of(document))
    return render_template(
        "surveys/privacy.html",
        survey=notice.survey,
        survey_title=localise(document, language).get("title", notice.survey.title),
        forum=notice.survey.forum,
        support=notice.support,
        withdraw_url=url_for("surveys.withdraw_form", forum_slug=forum_slug, survey_slug=survey_slug),
    )
