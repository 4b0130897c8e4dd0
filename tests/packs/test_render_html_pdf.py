"""The pack's HTML (primary, accessible), its charts (SVG) and its tagged PDF, from the hand-made pack."""

from __future__ import annotations

import io
import logging
import re
import statistics
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader
from weasyprint import HTML

from forum_app.packs.charts import BAR_FILL, chart_svg
from forum_app.packs.contents import CI_WORDING, SUPPRESSED, Bar, Pack
from forum_app.packs.render_html import (
    chart_note,
    finding_figure,
    format_count,
    format_interval,
    format_percent,
    pack_title,
    render_html,
)
from forum_app.packs.render_pdf import RefuseAllURLs, render_pdf
from tests.factories import attribute, one, pdf_structure, squashed_text
from tests.packs.sample import full_sample_pack, sample_pack


@pytest.fixture(scope="module")
def pack() -> Pack:
    return sample_pack()


@pytest.fixture(scope="module")
def html(pack: Pack) -> str:
    return render_html(pack)


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def pdf(pack: Pack) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(pack)))


def find(soup: BeautifulSoup | Tag, name: str, **attrs: Any) -> Tag:
    found = soup.find(name, attrs=attrs)
    assert isinstance(found, Tag), f"no <{name} {attrs}>"
    return found


def cell_text(tag: Tag) -> str:
    """A table cell's text (its ``<wbr>`` break opportunities are no spaces)."""
    return tag.get_text().strip()


# ----------------------------------------------------------------------------------------- HTML


def test_a_standalone_document_in_british_english_with_one_h1(
    pack: Pack, html: str, soup: BeautifulSoup
) -> None:
    assert html.startswith("<!DOCTYPE html>\n")
    assert find(soup, "html")["lang"] == "en-GB"
    assert squashed_text(find(soup, "title")) == pack_title(pack)
    assert [squashed_text(h1) for h1 in soup.find_all("h1")] == [pack_title(pack)]
    assert soup.find("link", rel="stylesheet") is None
    assert soup.find(src=True) is None


def test_no_script_and_no_url_to_fetch(html: str, soup: BeautifulSoup) -> None:
    assert soup.find("script") is None
    assert "<script" not in html.lower()
    assert re.findall(r"https?://", html) == []
    assert re.findall(r"url\((?!#)", html) == [] and "@import" not in html
    assert not soup.select("[onload]") and not soup.select("[onclick]")


def test_sections_follow_the_pack_order(pack: Pack) -> None:
    full = full_sample_pack()
    soup = BeautifulSoup(render_html(full), "html.parser")
    headings = [squashed_text(h2) for h2 in soup.find_all("h2")]
    expected = [
        "Contents",
        "Summary",
        *(table.title for table in pack.tables),
        "What families say",
        "What is working",
        "Who responded compared with the local SEND population",
        "Methodology and quality",
        "Glossary",
        "Symbols",
        "The partnership's response",
        "Easy Read summary",
    ]
    assert headings == expected
    contents = [squashed_text(a) for a in find(soup, "nav").find_all("a")]
    assert contents == [heading for heading in expected if heading != "Contents"] or contents[0] == "Summary"
    assert [a["href"] for a in find(soup, "nav").find_all("a")][-2:] == ["#partnership", "#easy-read"]


def test_the_partnership_response_is_printed_unedited_with_its_date(pack: Pack) -> None:
    soup = BeautifulSoup(render_html(full_sample_pack()), "html.parser")
    section = find(soup, "section", id="partnership")
    assert "20 October 2026" in squashed_text(section)
    paragraphs = [p.get_text() for p in section.find_all("p")][1:]
    assert paragraphs == ["We thank the forum.", "We will act on waits:\nfirst, EHC needs assessments."]
    assert soup.find("section", id="partnership") is not None
    plain = BeautifulSoup(render_html(pack), "html.parser")
    assert plain.find("section", id="partnership") is None and plain.find("section", id="easy-read") is None


def test_the_easy_read_page_lists_its_sentences_and_the_summary_points_to_it(pack: Pack) -> None:
    soup = BeautifulSoup(render_html(full_sample_pack()), "html.parser")
    items = [squashed_text(li) for li in find(soup, "section", id="easy-read").find_all("li")]
    assert items == ["We asked families what help is like.", "About 6 in 10 families talked about waiting."]
    assert find(find(soup, "section", id="summary"), "a", href="#easy-read")


def test_page_one_has_the_waits_of_each_reported_service(soup: BeautifulSoup) -> None:
    summary = find(soup, "section", id="summary")
    table = find(summary, "table")
    headers = [cell_text(th) for th in table.find_all("th", scope="col")]
    assert headers[:4] == ["Service", "Limit", "Completed waits", "Median weeks (95% CI)"]
    rows = {
        cell_text(one(tr, "th")): [cell_text(td) for td in tr.find_all("td")]
        for tr in one(table, "tbody").find_all("tr")
    }
    # Occupational therapy had no family reporting a wait: left off page 1.
    assert list(rows) == ["EHC needs assessment", "CAMHS"]
    assert rows["EHC needs assessment"][:4] == [
        "20\u00a0weeks",  # kept on one line
        "40",
        "31.0 (26.0 to 38.0)",
        "75% (60 to 86)",  # whole numbers on page 1
    ]
    assert rows["CAMHS"][1:4] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert one(find(table, "caption"), "a")["href"] == "#T3"


def test_what_is_working_lists_positive_themes_most_first_with_their_quotes(
    pack: Pack, soup: BeautifulSoup
) -> None:
    section = find(soup, "section", id="working")
    rows = [[cell_text(c) for c in tr.find_all(["th", "td"])] for tr in find(section, "tbody").find_all("tr")]
    t2 = pack.table("T2")
    positive = [row for row in t2.rows if row["positive"] not in (0, None)]
    assert len(rows) == len(positive) > 0
    counts = [int(row[1].replace(",", "")) for row in rows if row[1].replace(",", "").isdigit()]
    assert counts == sorted(counts, reverse=True)
    quoted = {q.theme_label: q.id for q in pack.quotes if q.sentiment == "positive"}
    for label, quote_id in quoted.items():
        assert any(row[0] == label and quote_id in row[3] for row in rows)


def test_summary_gives_each_finding_with_count_base_percent_and_interval(
    pack: Pack, soup: BeautifulSoup
) -> None:
    summary = find(soup, "section", id="summary")
    assert "120 of 200 families: 60% (95% CI 53 to 67)" in squashed_text(summary)  # whole numbers on page 1
    assert CI_WORDING in squashed_text(summary)
    for item in (*pack.summary.working, *pack.summary.caveats, pack.summary.who):
        assert item in squashed_text(summary)
    # IDs cited in the summary link to the table, chart or quote.
    assert {link["href"] for link in summary.find_all("a")} >= {"#T2", "#Q-001", "#T3"}


def test_every_table_has_a_caption_and_scoped_headers(pack: Pack, soup: BeautifulSoup) -> None:
    for table in pack.tables:
        element = find(soup, "table", id=table.id)
        caption = squashed_text(find(element, "caption"))
        assert caption.startswith(f"Table {table.id}: {table.title}"), caption
        head = find(element, "thead").find_all("th")
        assert [squashed_text(th) for th in head] == [column.label for column in table.columns]
        assert all(th.get("scope") == "col" for th in head)
        rows = find(element, "tbody").find_all("tr")
        assert len(rows) == len(table.rows)
        for row in rows:
            assert one(row, "th")["scope"] == "row"
        # Numbers right-aligned, headers and cells alike.
        numeric = [column.kind != "text" for column in table.columns]
        assert ["num" in (th.get("class") or []) for th in head] == numeric
        for row in rows:
            assert ["num" in (cell.get("class") or []) for cell in row.find_all(["th", "td"])] == numeric


def test_tables_scroll_in_a_labelled_focusable_region(pack: Pack, soup: BeautifulSoup) -> None:
    for table in pack.tables:
        region = find(soup, "table", id=table.id).parent
        assert region is not None and region["role"] == "region" and region["tabindex"] == "0"
        caption = soup.find(id=attribute(region, "aria-labelledby"))
        assert caption is not None and caption.name == "caption"


def test_cells_are_formatted(soup: BeautifulSoup) -> None:
    t2 = find(soup, "table", id="T2")
    first = [cell_text(cell) for cell in one(find(t2, "tbody"), "tr").find_all(["th", "td"])]
    assert first == [
        "waiting_times",
        "Waiting times",
        "Identifying needs",
        "120",
        "200",
        "60.0%",
        "53.1%",
        "66.5%",
        "95",
        "15",
        "10",
        "0.71",
    ]
    last = [cell_text(cell) for cell in find(t2, "tbody").find_all("tr")[-1].find_all(["th", "td"])]
    assert last[3] == SUPPRESSED and last[5] == SUPPRESSED and last[-1] == "[x]"


def test_formatting_helpers() -> None:
    assert format_count(1234567) == "1,234,567"
    assert format_count(SUPPRESSED) == SUPPRESSED
    assert format_count(None) == ""
    assert format_percent(54.5454) == "54.5%"
    assert format_percent(5.0) == "5.0%"
    assert format_interval(53.1, 66.5) == "53.1 to 66.5"
    assert format_interval(SUPPRESSED, 66.5) == ""
    finding = sample_pack().summary.findings[0]
    assert finding_figure(replace(finding, count=1200, base=2000)).startswith("1,200 of 2,000 families")
    assert finding_figure(replace(finding, count=15, percent=None, low=None, high=None)) == (
        "15 of 200 families"
    )
    assert finding_figure(
        replace(finding, count=20, base=40, percent=50.0, low=34.5, high=65.5, flag="[u]")
    ) == (
        "20 of 40 families: 50% [u] (95% CI 35 to 66)"  # [u] on a base of 20 to 49; halves up
    )


def test_page_one_says_so_when_no_finding_can_be_given(pack: Pack) -> None:
    page = BeautifulSoup(
        render_html(replace(pack, summary=replace(pack.summary, findings=()))), "html.parser"
    )
    summary = squashed_text(find(page, "section", id="summary"))
    assert "No theme was written about negatively by enough families to give a percentage" in summary


def test_what_families_say_is_referred_to_only_when_there_are_quotes(pack: Pack, soup: BeautifulSoup) -> None:
    assert "What families say" in squashed_text(find(soup, "section", id="working"))
    page = BeautifulSoup(render_html(replace(pack, quotes=())), "html.parser")
    assert page.find(id="quotes") is None
    assert "What families say" not in page.get_text()


def test_every_chart_is_a_figure_with_its_alt_text_and_a_link_to_its_table(
    pack: Pack, soup: BeautifulSoup
) -> None:
    for chart in pack.charts:
        figure = find(soup, "figure", id=chart.id)
        caption = squashed_text(find(figure, "figcaption"))
        for part in (chart.id, chart.title, chart.subtitle, "show 95% CIs", chart.source):
            assert part in caption
        svg = find(figure, "svg")
        assert svg["role"] == "img"
        assert svg["aria-label"] == chart.alt
        assert squashed_text(find(svg, "title")) == chart.alt
        links = [link["href"] for link in find(figure, "figcaption").find_all("a")]
        assert links == [f"#{chart.table_id}"]
        assert soup.find("table", id=chart.table_id) is not None
        # The chart sits in its table's section, just before the table.
        assert attribute(figure.find_next("table"), "id") == chart.table_id


def test_symbols_are_explained(pack: Pack, soup: BeautifulSoup) -> None:
    section = find(soup, "section", id="symbols")
    terms = {squashed_text(dt): squashed_text(dt.find_next_sibling("dd")) for dt in section.find_all("dt")}
    assert terms == pack.symbols
    used = set(re.findall(r"\[[a-z]\]", " ".join(squashed_text(table) for table in soup.find_all("table"))))
    assert used and used <= set(terms)


def test_quotes_show_their_count_and_the_minority_label(pack: Pack, soup: BeautifulSoup) -> None:
    for quote in pack.quotes:
        item = find(soup, "li", id=quote.id)
        assert quote.text in squashed_text(find(item, "blockquote"))
        assert quote.of_comments in squashed_text(item)
        assert ("One family's view" in squashed_text(item)) == quote.minority
    described = replace(pack.quotes[0], descriptor="parent, secondary age, EHCP")
    page = BeautifulSoup(render_html(replace(pack, quotes=(described,))), "html.parser")
    assert "From: parent, secondary age, EHCP." in squashed_text(find(page, "li", id=described.id))


def test_methodology_glossary_and_interval_wording(pack: Pack, soup: BeautifulSoup) -> None:
    method = find(soup, "section", id="methodology")
    for part in pack.methodology:
        assert part.heading in squashed_text(method)
        assert all(paragraph in squashed_text(method) for paragraph in part.paragraphs)
    assert CI_WORDING in squashed_text(method)
    glossary = squashed_text(find(soup, "section", id="glossary"))
    assert all(term in glossary and meaning in glossary for term, meaning in pack.glossary)


def test_ids_are_unique_across_the_document(soup: BeautifulSoup) -> None:
    ids = Counter(str(tag["id"]) for tag in soup.find_all(id=True))
    assert [name for name, times in ids.items() if times > 1] == []
    for link in soup.find_all("a", href=True):
        assert soup.find(id=attribute(link, "href").removeprefix("#")) is not None, link["href"]


def test_pack_text_is_escaped(pack: Pack) -> None:
    hostile = "<script>alert('x')</script> & $x^2$"
    label = "<b>&amp; $x^2$"  # short enough not to wrap
    chart = replace(pack.charts[0], alt=hostile, bars=(Bar(label, 50.0, 40.0, 60.0, 100),))
    table = replace(pack.tables[0], title=hostile)
    page = render_html(replace(pack, tables=(table, *pack.tables[1:]), charts=(chart,)))
    assert "<script" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert find(soup, "svg")["aria-label"] == hostile
    assert label in [squashed_text(node) for node in soup.find_all("text")]  # and a "$" is no TeX


def test_the_pdf_version_leaves_out_the_screen_only_parts(pack: Pack) -> None:
    soup = BeautifulSoup(render_html(pack, for_pdf=True), "html.parser")
    assert soup.find(role="region") is None and soup.find(tabindex=True) is None
    assert soup.find("nav") is None
    assert len(soup.find_all("table")) == len(pack.tables) + 2  # and page 1's waits, "What is working"


def test_the_same_pack_gives_the_same_html(pack: Pack, html: str) -> None:
    assert render_html(sample_pack()) == html


# --------------------------------------------------------------------------------------- Charts


def test_chart_svg_is_deterministic_and_inline_ready(pack: Pack) -> None:
    for chart in pack.charts:
        svg = chart_svg(chart)
        assert chart_svg(chart) == svg
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg
        assert "xmlns" not in svg and "http" not in svg and "xlink:" not in svg
        assert " style=" not in svg  # presentation attributes, not CSS an HTML engine would read
        assert re.search(r"\d{4}-\d{2}-\d{2}", svg) is None  # no date
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert all(name.startswith(f"{chart.id.lower()}-") for name in ids)


def test_chart_text_stays_text(pack: Pack) -> None:
    svg = chart_svg(pack.charts[0])
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    for expected in ("Waiting times", "Communication", "n=120", "n=85", "n=10", SUPPRESSED, "100%"):
        assert expected in texts
    assert "DejaVuSans-" not in svg  # no glyphs drawn as paths


def test_bars_chart_draws_no_bar_for_a_suppressed_figure(pack: Pack) -> None:
    chart = pack.charts[0]
    drawn = chart_svg(chart).count(f'fill="{BAR_FILL}"')
    assert drawn == sum(bar.percent is not None for bar in chart.bars) == 3


def test_dot_plot_labels_the_official_comparator(pack: Pack) -> None:
    svg = chart_svg(pack.charts[1])
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert "Official figure 49.2%" in texts and "n=40" in texts and SUPPRESSED in texts


def test_a_chart_is_drawn_quickly(pack: Pack) -> None:
    chart_svg(pack.charts[0])  # matplotlib's first-use setup
    times = []
    for _ in range(5):
        start = time.perf_counter()
        chart_svg(pack.charts[0])
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.5  # about 0.06 s here; generous for a busy CI machine


# ------------------------------------------------------------------------------------------ PDF


def test_pdf_is_tagged_with_title_and_language(pack: Pack, pdf: PdfReader) -> None:
    catalog: Any = pdf.trailer["/Root"]  # pypdf's objects: read as the PDF's own dictionaries
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert pdf.metadata is not None and pdf.metadata.title == pack_title(pack)
    assert pack.meta.pack_id in pdf.pages[0].extract_text()
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_pdf_structure_has_figures_with_alt_tables_and_headings(pack: Pack, pdf: PdfReader) -> None:
    elements = pdf_structure(pdf)
    kinds = Counter(str(element["/S"]) for element in elements)
    assert kinds["/H1"] == 1
    assert kinds["/Table"] == len(pack.tables) + 2  # and page 1's waits, "What is working"
    assert kinds["/TH"] >= sum(len(table.columns) + len(table.rows) for table in pack.tables)
    alts = [str(element["/Alt"]) for element in elements if element["/S"] == "/Figure"]
    assert alts == [chart.alt for chart in pack.charts]


def test_pdf_render_logs_nothing_and_fetches_nothing(pack: Pack, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(pack)
    assert [record.getMessage() for record in caplog.records] == []


def test_the_url_fetcher_refuses_every_url(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ValueError, match="fetches no URL"):
        RefuseAllURLs().fetch("file:///etc/passwd")
    page = '<html lang="en-GB"><title>t</title><img src="https://example.invalid/a.png" alt="a"></html>'
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        HTML(string=page, base_url="about:blank", url_fetcher=RefuseAllURLs()).write_pdf()
    assert any("fetches no URL" in record.getMessage() for record in caplog.records)


def test_each_kind_of_chart_says_what_its_marks_mean(pack: Pack) -> None:
    bars, dots = pack.charts
    assert chart_note(bars) == "Bars show 95% CIs."
    assert chart_note(dots).startswith("Lines show 95% CIs.") and "open diamond" in chart_note(dots)
    assert "centred on 0" in chart_note(replace(bars, kind="diverging"))
    assert "95% CIs" not in chart_note(replace(bars, kind="diverging"))
    assert "Open circle: the previous period" in chart_note(replace(dots, kind="paired"))


def test_the_cover_and_summary_fit_on_the_first_a4_page() -> None:
    pack = full_sample_pack()
    reader = PdfReader(io.BytesIO(render_pdf(pack)))
    first, second = (reader.pages[n].extract_text() for n in (0, 1))
    assert "Produced independently" in first and "Questions inspectors may wish to test with leaders" in first
    for question in pack.summary.questions:
        assert question.split(" (")[0].split()[-1] in " ".join(first.split())
    assert " ".join(second.split()).startswith(pack.tables[0].title)
