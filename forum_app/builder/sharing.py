"""Sharing a published survey: its short public link (``/j/<code>``), a QR code drawn here, a
plain-text paragraph for newsletters and social posts, and a printable A4 poster (a tagged PDF).

Nothing here reaches the network: segno draws the QR code as inline SVG, and WeasyPrint prints the
poster with local fonts and a URL fetcher that refuses every address.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

import segno
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from forum_app.db import today
from forum_app.surveys.definitions import SurveyDefinition, parse_definition
from forum_app.surveys.models import SURVEY_DRAFT, Survey
from forum_app.templating import format_date

# Capitals and digits that cannot be mistaken for one another on paper: no 0/O, no 1/I (and, as
# codes are read without regard to case, no l either).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_TRIES = 10
SNIPPET_LIMIT = 500  # characters: fits a newsletter paragraph and most social posts
# The poster's print sizes, largest first; the smallest still prints the QR code 60 mm wide.
POSTER_SIZES = ("poster--large", "poster--compact", "poster--small")
PDF_VARIANT = "pdf/ua-1"
BASE_URL = "about:blank"


class NotPublished(LookupError):
    """A draft survey: nobody outside the forum may know of it, so it has no link to share."""


def published(survey: Survey) -> bool:
    """Whether families can reach the survey at all (it may still be closed)."""
    return survey.status != SURVEY_DRAFT and bool(survey.versions)


def short_code(session: Session, survey: Survey) -> str:
    """The survey's short code: random the first time (and saved, committed), the same ever after.

    Raises ``NotPublished`` for a draft."""
    if not published(survey):
        raise NotPublished(survey.slug)
    if survey.short_code:
        return survey.short_code
    for _ in range(_TRIES):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Survey.id).where(Survey.short_code == code)) is not None:
            continue
        survey.short_code = code
        try:
            session.commit()
        except IntegrityError:  # given to another survey at the same moment: draw again
            session.rollback()
            continue
        return code
    raise RuntimeError("no free short code after several tries")


def normalise_code(typed: str) -> str | None:
    """A code as typed from paper (any case, spaces or dashes around or inside), or None when it could
    not be one."""
    code = re.sub(r"[\s-]", "", typed[:40]).upper()
    return code if _CODE.fullmatch(code) else None


def find_by_code(session: Session, typed: str) -> Survey | None:
    """The published survey with this short code, whatever case it was typed in; None otherwise."""
    code = normalise_code(typed)
    if code is None:
        return None
    survey = session.scalar(select(Survey).where(Survey.short_code == code))
    return survey if survey is not None and published(survey) else None


def definition_of(survey: Survey) -> SurveyDefinition:
    """What families answer today: the survey's latest published version."""
    if not survey.versions:
        raise NotPublished(survey.slug)
    return parse_definition(survey.versions[-1].definition)


def _shorten(text: str, length: int) -> str:
    """``text`` cut at the last whole word within ``length`` characters, with "…"; "" if none fits."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    if length < 2:
        return ""
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…" if cut else ""


def _opens_after(survey: Survey, on: date) -> bool:
    return survey.opens_on is not None and survey.opens_on > on


def _sentence(text: str) -> str:
    return text if not text or text[-1] in ".!?…" else text + "."


def snippet(survey: Survey, url: str, on: date | None = None) -> str:
    """A plain-text paragraph to paste into a newsletter or a social post: what the survey is about,
    how long it takes, that it is anonymous, the link and the closing date. Never over
    ``SNIPPET_LIMIT`` characters (the description is shortened first, then the title)."""
    definition = definition_of(survey)
    forum = survey.forum.name
    dates = []
    if _opens_after(survey, on or today()):
        dates.append(f"It opens on {format_date(survey.opens_on)}.")
    if survey.closes_on:
        dates.append(f"It closes on {format_date(survey.closes_on)}.")
    fixed = " ".join(
        [
            f"It takes about {definition.minutes} minutes and it is anonymous: you do not give your name.",
            *dates,
            f"Take part: {url}",  # last, so no full stop clings to the link
        ]
    )

    def paragraph(title: str, summary: str) -> str:
        opening = f"{forum} would like to hear from families: {_sentence(title)}"
        return " ".join(part for part in (opening, _sentence(summary), fixed) if part)

    title, summary = " ".join(definition.title.split()), definition.summary
    room = SNIPPET_LIMIT - len(paragraph(title, ""))
    summary = _shorten(summary, room - 1) if room > 1 else ""
    over = len(paragraph(title, summary)) - SNIPPET_LIMIT
    if over > 0:
        title = _shorten(title, max(len(title) - over, 0))
    return paragraph(title, summary)[:SNIPPET_LIMIT]


def qr_svg(url: str, size_class: str = "qr-code__image") -> Markup:
    """``url`` as a QR code in inline SVG (dark on white, quiet zone included) that scales to its
    box, named for screen readers and for the PDF's structure tree."""
    label = escape(f"QR code for {url}")
    svg = segno.make(url, error="m").svg_inline(
        dark="#0b0c0c", light="#fff", omitsize=True, svgclass=size_class, lineclass=None
    )
    # The label twice: ``aria-label`` for screen readers, ``<title>`` for the PDF's Figure /Alt.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    svg = re.sub(r"(<svg\b[^>]*>)", lambda found: f"{found.group(1)}<title>{label}</title>", svg, count=1)
    return Markup(svg)  # noqa: S704  (segno's own markup; the label is escaped)


def display_link(url: str) -> str:
    """A link as people type it from paper: without ``https://``."""
    return re.sub(r"^https?://", "", url)


@dataclass(frozen=True)
class Poster:
    """What the poster prints, ready made."""

    forum: str
    area: str  # the forum's local area, or ""
    title: str
    why: str
    minutes: int
    link: str  # the full short link, the QR code's contents
    typed_link: str  # the short link as printed for typing
    qr: Markup
    opens_on: str
    closes_on: str


def poster(survey: Survey, url: str, on: date | None = None) -> Poster:
    """The poster's contents for ``survey`` shared at ``url`` (its short link), as of ``on``."""
    definition = definition_of(survey)
    return Poster(
        forum=survey.forum.name,
        area=survey.forum.local_area or "",
        title=definition.title,
        why=_shorten(definition.summary, 220),
        minutes=definition.minutes,
        link=url,
        typed_link=display_link(url),
        qr=qr_svg(url, "poster__qr-image"),
        opens_on=format_date(survey.opens_on) if _opens_after(survey, on or today()) else "",
        closes_on=format_date(survey.closes_on) if survey.closes_on else "",
    )


class RefuseAllURLs(URLFetcher):
    """A URL fetcher that fetches nothing: the poster's HTML holds everything it prints."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"a poster fetches no URL: {url}")


def poster_pdf(html_at: Callable[[str], str]) -> bytes:
    """The poster printed as a tagged PDF (PDF/UA-1): headings, the QR code as a figure with its
    alternative text, the document's title and language. ``html_at(size)`` is the poster's HTML with
    ``size`` (one of ``POSTER_SIZES``) as its class: the first that fits one A4 page is printed."""
    for size in POSTER_SIZES:
        html = HTML(string=html_at(size), base_url=BASE_URL, url_fetcher=RefuseAllURLs())
        document = html.render(pdf_variant=PDF_VARIANT)
        if len(document.pages) == 1:
            break
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
