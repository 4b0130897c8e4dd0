"""The pack's Easy Read summary: everyday words, short sentences, a picture beside each point."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from bs4 import BeautifulSoup
from pypdf import PdfReader

from forum_app.codebook.shipped import default_codebook
from forum_app.packs.contents import Cell
from forum_app.packs.easy_read import THEME_WORDS, Point, easy_read, in_ten
from forum_app.packs.render_html import render_html
from forum_app.packs.render_json import load_json, render_json
from forum_app.packs.render_pdf import render_pdf
from forum_app.pictograms import PICTOGRAMS
from tests.easy_read import (
    EASY_READ_MINIMUM,
    jargon_in,
    long_sentences,
    reading_ease,
)
from tests.factories import pdf_structure, squashed_text
from tests.packs.sample import full_sample_pack

THEMES = default_codebook().themes


def _every_point() -> tuple[Point, ...]:
    """An Easy Read page with every shipped theme as a finding and as going well, and both limits."""
    return easy_read(
        "Demo Parent Carer Forum",
        "Demo local area",
        300,
        "1 July 2025 to 30 June 2026",
        [(theme.id, theme.label, 60.0) for theme in THEMES],
        [("EHC needs assessment", 70.0), ("Autism assessment", 40.0), ("CAMHS", 50.0)],
        [(theme.id, theme.label) for theme in THEMES],
    )


def test_every_shipped_theme_has_everyday_words_and_a_picture() -> None:
    assert set(THEME_WORDS) == {theme.id for theme in THEMES}
    assert {picture for _, picture in THEME_WORDS.values()} <= PICTOGRAMS


def test_the_easy_read_page_has_no_jargon() -> None:
    text = " ".join(point.text for point in _every_point())
    assert jargon_in(text) == []
    # The codebook's own labels do have jargon: the check would catch them.
    assert "provision" in jargon_in(" ".join(theme.label for theme in THEMES))
    assert "co-production" in jargon_in(" ".join(theme.label for theme in THEMES))


def test_the_easy_read_page_is_easy_to_read_in_short_sentences() -> None:
    text = " ".join(point.text for point in _every_point())
    assert long_sentences(text) == []
    assert reading_ease(text) >= EASY_READ_MINIMUM, reading_ease(text)
    assert all(len(point.text.split()) <= 15 for point in _every_point())


def test_every_point_has_a_shipped_picture_and_one_sentence() -> None:
    points = _every_point()
    assert all(point.picture in PICTOGRAMS for point in points)
    assert all(point.text.count(". ") == 0 and point.text.endswith(".") for point in points)
    texts = [point.text for point in points]
    assert "About 6 in 10 families were not happy with getting the help their child needs." in texts
    assert "About 7 in 10 families who had one waited longer than that." in texts
    assert "The law says getting one should take 20 weeks or less." in texts
    assert not any("CAMHS" in text for text in texts)  # a service without a limit in words: left out


def test_a_theme_a_forum_added_keeps_its_label_and_a_figure_not_published_is_left_out() -> None:
    themes: list[tuple[str, str, Cell]] = [("own", "Transport to school", 30.0), ("x", "X", "[c]")]
    points = easy_read("F", "", 50, "May 2026", themes, [], [])
    texts = [point.text for point in points]
    assert "About 3 in 10 families were not happy with transport to school." in texts
    assert not any("about X" in text for text in texts)
    assert in_ten(3.0) == "Fewer than 1 in 10 families" and in_ten(98.0) == "Almost all families"


def _with_pictures() -> tuple[str, ...]:
    return ("question", "clock")


def test_the_html_puts_a_hidden_picture_beside_each_sentence() -> None:
    pack = replace(full_sample_pack(), easy_read_pictures=_with_pictures())
    soup = BeautifulSoup(render_html(pack), "html.parser")
    section = soup.find("section", id="easy-read")
    assert section is not None
    items = section.find_all("li")
    assert [squashed_text(li) for li in items] == list(pack.easy_read)
    for item in items:
        svg = item.find("svg")
        assert svg is not None and svg["aria-hidden"] == "true" and "pictogram" in svg["class"]
        assert svg.find("text") is None


def test_an_unknown_or_missing_picture_is_left_out() -> None:
    pack = replace(full_sample_pack(), easy_read_pictures=("../../etc/passwd",))
    soup = BeautifulSoup(render_html(pack), "html.parser")
    section = soup.find("section", id="easy-read")
    assert section is not None and section.find("svg") is None
    assert len(section.find_all("li")) == len(pack.easy_read)


def test_the_json_keeps_the_pictures_and_reads_a_pack_made_before_them() -> None:
    pack = replace(full_sample_pack(), easy_read_pictures=_with_pictures())
    assert load_json(render_json(pack)).easy_read_pictures == _with_pictures()
    older = json.loads(render_json(pack))
    del older["easy_read_pictures"]
    assert load_json(json.dumps(older).encode()).easy_read_pictures == ()


def test_the_pictures_are_not_untitled_figures_in_the_pdf() -> None:
    # WeasyPrint tags every picture as a figure (PDF/UA needs a text for each), so the PDF leaves the
    # decorative pictures out and keeps the sentences.
    pack = replace(full_sample_pack(), easy_read_pictures=_with_pictures())
    pdf = PdfReader(io.BytesIO(render_pdf(pack)))
    elements = pdf_structure(pdf)
    alts = [str(element.get("/Alt", "")) for element in elements if element["/S"] == "/Figure"]
    assert alts == [chart.alt for chart in pack.charts]
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "About 6 in 10 families talked about waiting." in text
