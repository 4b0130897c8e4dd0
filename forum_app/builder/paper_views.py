"""A survey's paper version (any member): a web page to print from the browser, and an A4 tagged PDF."""

from __future__ import annotations

from functools import cache

from flask import abort, render_template, request
from flask_babel import force_locale
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.builder import bp
from forum_app.builder.lookups import survey_or_404
from forum_app.builder.paper import paper_contents, print_pdf
from forum_app.config import PROJECT_ROOT
from forum_app.extensions import db
from forum_app.i18n import LANGUAGES
from forum_app.surveys.models import Survey
from forum_app.urls import absolute_url
from forum_app.views import Page

PAPER_CSS = PROJECT_ROOT / "forum_app" / "static" / "paper.css"


@cache
def _paper_css() -> str:
    return PAPER_CSS.read_text(encoding="utf-8")


def _paper_html(survey: Survey, for_pdf: bool) -> str:
    """The paper in ``?lang=CODE`` when the survey has been translated into it (else English): its
    own words and the survey's."""
    privacy = absolute_url("surveys.privacy", forum_slug=survey.forum.slug, survey_slug=survey.slug)
    asked = request.args.get("lang", "")
    try:
        contents = paper_contents(db.session, survey, privacy, asked if asked in LANGUAGES else "en")
    except LookupError:  # neither published nor drafted: nothing to print
        abort(404)
    css = _paper_css() if for_pdf else None
    with force_locale(contents.language):
        return render_template("builder/paper.html", paper=contents, css=css, for_pdf=for_pdf)


@bp.get("/staff/surveys/<slug>/paper")
def paper_page(slug: str) -> Page:
    """The paper version as a web page, to print from the browser."""
    return _paper_html(survey_or_404(slug), for_pdf=False)


@bp.get("/staff/surveys/<slug>/paper.pdf")
def paper(slug: str) -> Page:
    """The paper version as an A4 tagged PDF."""
    survey = survey_or_404(slug)
    pdf = print_pdf(_paper_html(survey, for_pdf=True))
    response = WerkzeugResponse(pdf, content_type="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=f"{survey.slug}-paper.pdf")
    return response
