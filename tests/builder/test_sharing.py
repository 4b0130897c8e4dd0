"""Sharing a survey: short codes, the snippet for newsletters, the QR code and the poster's PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import segno
from pypdf import PdfReader
from sqlalchemy.orm import Session

from forum_app.builder import sharing
from forum_app.builder.drafts import create_survey
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Survey
from tests.factories import make_forum, make_survey

URL = "https://forum.example.org/j/ABC234"
SAFE = set(sharing.ALPHABET)


def _survey(session: Session, **changes: Any) -> Survey:
    """The demo forum's published survey, with ``changes`` to its definition."""
    forum = make_forum(session)
    version = make_survey(session, forum, {**load_packaged(), **changes})
    return version.survey


def _draft(session: Session) -> Survey:
    forum = make_forum(session)
    return create_survey(session, forum.id, {**load_packaged(), "slug": "a-draft", "title": "A draft"})


def test_a_code_is_given_once_from_the_unambiguous_alphabet(db_session: Session) -> None:
    survey = _survey(db_session)
    assert survey.short_code is None
    code = sharing.short_code(db_session, survey)
    assert len(code) == sharing.CODE_LENGTH and set(code) <= SAFE
    assert not set(code) & set("0O1lI")
    db_session.expire_all()
    assert survey.short_code == code  # saved
    assert sharing.short_code(db_session, survey) == code  # and kept


def test_codes_differ_between_surveys(db_session: Session) -> None:
    forum = make_forum(db_session)
    surveys = [
        make_survey(db_session, forum, {**load_packaged(), "slug": f"survey-{n}"}).survey for n in range(8)
    ]
    codes = [sharing.short_code(db_session, survey) for survey in surveys]
    assert len(set(codes)) == len(codes)


def test_a_code_already_taken_is_drawn_again(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    forum = make_forum(db_session)
    first, second = (
        make_survey(db_session, forum, {**load_packaged(), "slug": slug}).survey for slug in ("one", "two")
    )
    draws: Iterator[str] = iter("AAAAAA" + "AAAAAA" + "BBBBBB")
    monkeypatch.setattr(sharing.secrets, "choice", lambda _alphabet: next(draws))
    assert sharing.short_code(db_session, first) == "AAAAAA"
    assert sharing.short_code(db_session, second) == "BBBBBB"


def test_a_draft_has_no_code(db_session: Session) -> None:
    draft = _draft(db_session)
    with pytest.raises(sharing.NotPublished):
        sharing.short_code(db_session, draft)
    assert draft.short_code is None


@pytest.mark.parametrize("typed", ["XYZ234", "xyz234", " xyz-234 ", "Xyz 234"])
def test_a_code_is_found_however_it_is_typed(db_session: Session, typed: str) -> None:
    survey = _survey(db_session)
    survey.short_code = "XYZ234"
    db_session.commit()
    found = sharing.find_by_code(db_session, typed)
    assert found is not None and found.id == survey.id


@pytest.mark.parametrize("typed", ["XYZ235", "XYZ23", "XYZ2345", "", "XYZ23O", "../../x", "X" * 5000])
def test_other_codes_find_nothing(db_session: Session, typed: str) -> None:
    survey = _survey(db_session)
    survey.short_code = "XYZ234"
    db_session.commit()
    assert sharing.find_by_code(db_session, typed) is None


def test_a_draft_is_never_found_by_code(db_session: Session) -> None:
    draft = _draft(db_session)
    draft.short_code = "DRAFT2"
    db_session.commit()
    assert sharing.find_by_code(db_session, "DRAFT2") is None


def test_the_snippet_says_what_how_long_anonymous_link_and_closing_date(db_session: Session) -> None:
    survey = _survey(db_session)
    survey.closes_on = date(2027, 3, 31)
    db_session.commit()
    text = sharing.snippet(survey, URL, on=date(2027, 1, 1))
    assert text.startswith("Demo Parent Carer Forum would like to hear from families:")
    assert "Your family's experience of SEND services." in text
    assert "support for special educational needs" in text  # what it is about
    assert "about 10 minutes" in text and "anonymous" in text
    assert "It closes on 31 March 2027." in text
    assert text.endswith(f"Take part: {URL}")  # no full stop glued to the link
    assert len(text) <= sharing.SNIPPET_LIMIT
    assert "<" not in text and "&" not in text and "\n" not in text


def test_the_snippet_says_when_a_survey_opens_only_before_it_does(db_session: Session) -> None:
    survey = _survey(db_session)
    survey.opens_on = date(2027, 2, 1)
    db_session.commit()
    assert "It opens on 1 February 2027." in sharing.snippet(survey, URL, on=date(2027, 1, 1))
    assert "opens" not in sharing.snippet(survey, URL, on=date(2027, 2, 1))
    assert "closes" not in sharing.snippet(survey, URL, on=date(2027, 2, 1))


def test_a_long_survey_gives_a_short_snippet_with_the_whole_link(db_session: Session) -> None:
    survey = _survey(db_session, title="A very long survey title " * 8, summary="All about services. " * 60)
    survey.closes_on = date(2027, 3, 31)
    db_session.commit()
    text = sharing.snippet(survey, URL)
    assert len(text) <= sharing.SNIPPET_LIMIT
    assert text.endswith(f"Take part: {URL}") and "anonymous" in text and "31 March 2027" in text
    assert "All about services" in text and "…" in text  # shortened, not dropped


def test_the_snippet_keeps_the_link_whatever_the_lengths(db_session: Session) -> None:
    survey = _survey(db_session, title="T" * 200, summary="S" * 2000)
    survey.forum.name = "F" * 200
    db_session.commit()
    text = sharing.snippet(survey, URL)
    assert len(text) <= sharing.SNIPPET_LIMIT and text.endswith(URL)


def test_the_snippet_escapes_nothing_and_keeps_text_as_typed(db_session: Session) -> None:
    survey = _survey(db_session, title="Parents & carers <say>", summary="")
    text = sharing.snippet(survey, URL)
    assert "Parents & carers <say>." in text  # plain text: pasted as it is, never as markup


def _path(svg: str) -> str:
    found = re.search(r'<path[^>]*stroke="[^"]+"[^>]*\bd="([^"]+)"', svg)
    assert found is not None, svg[:200]
    return found.group(1)


def test_the_qr_code_is_segnos_code_for_the_link() -> None:
    svg = str(sharing.qr_svg(URL))
    expected = segno.make(URL, error="m").svg_inline(omitsize=True)
    assert _path(svg) == _path(expected)
    assert _path(svg) != _path(segno.make(URL + "X", error="m").svg_inline(omitsize=True))
    assert f'role="img" aria-label="QR code for {URL}"' in svg
    assert "http" not in svg.replace(URL, "")  # nothing to fetch


def test_the_qr_codes_label_is_escaped() -> None:
    svg = str(sharing.qr_svg('https://x.example/j/"><script>'))
    assert "<script>" not in svg and "&#34;&gt;&lt;script&gt;" in svg


def _poster_html(survey: Survey, size: str) -> str:
    poster = sharing.poster(survey, URL, on=date(2027, 1, 1))
    return (
        f'<html lang="en-GB"><title>{poster.title}</title><main class="{size}"><h1>{poster.title}</h1>'
        f"<p>{poster.typed_link}</p><div>{poster.qr}</div></main></html>"
    )


def test_the_poster_pdf_is_tagged_and_prints_the_link(db_session: Session) -> None:
    survey = _survey(db_session)
    sizes: list[str] = []

    def html_at(size: str) -> str:
        sizes.append(size)
        return _poster_html(survey, size)

    reader = PdfReader(io.BytesIO(sharing.poster_pdf(html_at)))
    assert sizes == [sharing.POSTER_SIZES[0]]  # it fitted at once
    assert len(reader.pages) == 1
    catalog: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"].value is True
    assert "forum.example.org/j/ABC234" in reader.pages[0].extract_text()


def test_the_poster_is_printed_smaller_until_it_fits_one_page(db_session: Session) -> None:
    survey = _survey(db_session)
    sizes: list[str] = []

    def html_at(size: str) -> str:
        sizes.append(size)
        pages = 1 if size == sharing.POSTER_SIZES[-1] else 3
        return _poster_html(survey, size).replace("</main>", '<p style="break-before: page">' * pages)

    reader = PdfReader(io.BytesIO(sharing.poster_pdf(html_at)))
    assert sizes == list(sharing.POSTER_SIZES)
    assert len(reader.pages) == 2  # the last size is printed even when it does not fit


def test_the_poster_prints_the_link_without_its_scheme(db_session: Session) -> None:
    poster = sharing.poster(_survey(db_session), URL)
    assert poster.typed_link == "forum.example.org/j/ABC234" and poster.link == URL
    assert poster.forum == "Demo Parent Carer Forum" and poster.area == "Demoshire"
    assert poster.minutes == 10 and poster.closes_on == "" and poster.opens_on == ""
