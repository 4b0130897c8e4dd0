"""Sharing a survey: the public short link, and the staff share page and poster (any member)."""

from __future__ import annotations

from functools import cache

from flask import abort, redirect, render_template
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.builder import bp, sharing
from forum_app.builder.lookups import survey_or_404
from forum_app.config import PROJECT_ROOT
from forum_app.db import today
from forum_app.extensions import db
from forum_app.surveys.models import Survey
from forum_app.surveys.services import takes_responses
from forum_app.urls import absolute_url
from forum_app.views import Page

POSTER_CSS = PROJECT_ROOT / "forum_app" / "static" / "poster.css"


@cache
def _poster_css() -> str:
    return POSTER_CSS.read_text(encoding="utf-8")


@bp.get("/j/<code>")
def short_link(code: str) -> Page:
    """A survey's short public link, as printed on its poster: to its start page."""
    survey = sharing.find_by_code(db.session, code)
    if survey is None:
        abort(404)
    start = absolute_url("surveys.start", forum_slug=survey.forum.slug, survey_slug=survey.slug)
    return redirect(start, 302)


def _short_link(survey: Survey) -> str:
    """The survey's short link (given now if it has none yet); 404 for a draft."""
    if not sharing.published(survey):
        abort(404)
    return absolute_url("builder.short_link", code=sharing.short_code(db.session, survey))


@bp.get("/staff/surveys/<slug>/share")
def share(slug: str) -> Page:
    survey = survey_or_404(slug)
    if not sharing.published(survey):
        return render_template("builder/share.html", survey=survey, link=None)
    link = _short_link(survey)
    text = sharing.snippet(survey, link)
    return render_template(
        "builder/share.html",
        survey=survey,
        link=link,
        qr=sharing.qr_svg(link),
        snippet=text,
        limit=sharing.SNIPPET_LIMIT,
        taking_responses=takes_responses(survey, today()),
    )


def _poster_html(survey: Survey, size: str, for_pdf: bool) -> str:
    poster = sharing.poster(survey, _short_link(survey))
    css = _poster_css() if for_pdf else None
    return render_template("builder/poster.html", poster=poster, size=size, css=css)


@bp.get("/staff/surveys/<slug>/poster")
def poster_page(slug: str) -> Page:
    """The poster as a web page, to print from the browser."""
    return _poster_html(survey_or_404(slug), sharing.POSTER_SIZES[0], for_pdf=False)


@bp.get("/staff/surveys/<slug>/poster.pdf")
def poster(slug: str) -> Page:
    """The poster as an A4 tagged PDF."""
    survey = survey_or_404(slug)
    pdf = sharing.poster_pdf(lambda size: _poster_html(survey, size, for_pdf=True))
    response = WerkzeugResponse(pdf, content_type="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=f"{survey.slug}-poster.pdf")
    return response
