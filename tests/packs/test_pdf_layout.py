"""The PDF's layout: nothing beyond the page on any page, and wide tables on landscape pages."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from weasyprint.document import Document

from forum_app.accounts.models import Forum, User
from forum_app.coding.bulk import bulk_accept
from forum_app.coding.filters import Filters
from forum_app.demo import add_demo_population, seed_demo
from forum_app.packs.build import build_pack
from forum_app.packs.contents import Column, Pack, Table
from forum_app.packs.data import PackRequest
from forum_app.packs.render_html import (
    MAX_PRINTED_COLUMNS,
    WIDE_TABLE_COLUMNS,
    breakable,
    printed_parts,
    render_html,
    table_view,
)
from forum_app.packs.render_pdf import laid_out, render_pdf
from tests.packs.sample import full_sample_pack

A4_PORTRAIT = (595, 842)  # points
A4_LANDSCAPE = (842, 595)
TOLERANCE = 0.5  # CSS px: rounding in the layout
MAX_CELL_LINES = 12  # a long note in a wide column takes 10; a squeezed T1 cell took 23


@dataclass(frozen=True)
class Beyond:
    page: int
    tag: str
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom in CSS px
    area: tuple[int, int, int, int]


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _boxes(child)


def beyond_the_page(document: Document) -> list[Beyond]:
    """Every box of the document's content that reaches outside its page's content area (inside the
    margins); the running footers, in the margins, must stay inside the page itself."""
    found = []
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box  # WeasyPrint's layout tree: the page and every box placed on it
        content = (
            page_box.content_box_x(),
            page_box.content_box_y(),
            page_box.content_box_x() + page_box.width,
            page_box.content_box_y() + page_box.height,
        )
        whole = (0.0, 0.0, page.width, page.height)
        for child in page_box.children:
            area = whole if type(child).__name__ == "MarginBox" else content
            for box in _boxes(child):
                left, top = box.border_box_x(), box.border_box_y()
                right, bottom = left + box.border_width(), top + box.border_height()
                if (
                    left < area[0] - TOLERANCE
                    or top < area[1] - TOLERANCE
                    or right > area[2] + TOLERANCE
                    or bottom > area[3] + TOLERANCE
                ):
                    found.append(
                        Beyond(
                            number,
                            str(box.element_tag),
                            getattr(box, "text", ""),
                            (round(left), round(top), round(right), round(bottom)),
                            (round(area[0]), round(area[1]), round(area[2]), round(area[3])),
                        )
                    )
    return found


def figure_pages(document: Document, tag: str) -> list[int]:
    """The page of each box of a chart's caption (``figcaption``) or drawing (``svg``), in order
    (a box split over two pages counts on both)."""
    return [
        number
        for number, page in enumerate(document.pages, 1)
        for box in _boxes(page._page_box)
        if type(box).__name__ in ("BlockBox", "BlockReplacedBox")
        and str(box.element_tag).rpartition("}")[2] == tag
    ]


def cell_lines(document: Document) -> list[int]:
    """How many lines each table cell of the document wraps into."""
    return [
        sum(type(line).__name__ == "LineBox" for line in _boxes(box))
        for page in document.pages
        for box in _boxes(page._page_box)
        if type(box).__name__ == "TableCellBox"
    ]


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in reader.pages]


def built_pack(app: Flask, db_session: Session) -> Pack:
    """A pack built from 400 demo responses, with the forum's local figures (so T3 and T7 have
    every column) and an earlier period (so T6 has figures)."""
    until = date(2026, 6, 30)
    with app.app_context():
        seed_demo(db_session, responses=400, seed=11, until=until)
    forum = db_session.scalars(select(Forum)).one()
    lead = db_session.scalars(select(User)).one()
    bulk_accept(db_session, forum.id, lead.id, 0.5, Filters())
    add_demo_population(db_session, "demo")
    request = PackRequest("demo", "send-experience", date(2026, 1, 1), until)
    return build_pack(db_session, request, built_on=date(2026, 7, 1))


def test_a_built_pack_has_nothing_beyond_any_page_and_its_wide_tables_on_landscape_pages(
    app: Flask, db_session: Session
) -> None:
    built = built_pack(app, db_session)
    document = laid_out(built)
    assert len(document.pages) > 10
    assert beyond_the_page(document) == []
    # Each chart on the same page as its caption, neither split.
    assert figure_pages(document, "figcaption") == figure_pages(document, "svg")
    # No column squeezed: before, a T1 cell of a 3,000-response demo pack wrapped into 23 lines of 22 mm.
    assert max(cell_lines(document)) <= MAX_CELL_LINES

    wide = [table.id for table in built.tables if len(table.columns) >= WIDE_TABLE_COLUMNS]
    assert {"T1", "T2", "T4", "T5", "T6", "T7"} <= set(wide)
    pdf = render_pdf(built)
    sizes = page_sizes(pdf)
    assert sizes[0] == A4_PORTRAIT and sizes[-1] == A4_PORTRAIT  # page 1; the Easy Read page
    reader = PdfReader(io.BytesIO(pdf))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for table in built.tables:
        if table.id in wide:
            caption = re.compile(rf"Table {table.id}(?::|, part \d of \d:)")
            pages = [n for n, page_text in enumerate(texts) if caption.search(page_text)]
            assert pages and all(sizes[n] == A4_LANDSCAPE for n in pages), table.id
    methodology = next(
        n for n, page_text in enumerate(texts) if page_text.startswith("Methodology and quality")
    )
    assert sizes[methodology] == A4_PORTRAIT  # back to portrait after the landscape sections


def test_a_long_subtitle_and_a_long_unbroken_cell_stay_on_the_page() -> None:
    """A table's subtitle wraps within the page, and so does a cell with a 90-character word."""
    pack = full_sample_pack()
    columns = tuple(Column(f"c{n}", f"Column heading number {n}", "count") for n in range(14))
    long_word = "x" * 90
    wide = Table(
        "T9",
        "A wide table",
        " ".join(["A subtitle that goes on and on about what the table measures,"] * 8),
        (Column("label", "Label"), *columns),
        tuple({"label": f"{long_word} {n}", **{f"c{k}": 1_000_000 + k for k in range(14)}} for n in range(3)),
    )
    pack = replace(pack, tables=(*pack.tables, wide))
    assert beyond_the_page(laid_out(pack)) == []


def test_only_words_longer_than_the_limit_get_break_opportunities() -> None:
    assert breakable("communication_coproduction and identification") == (
        "communication_<wbr>coproduction and identification"
    )
    assert (
        breakable("a " + "x" * 40 + " <b>")
        == "a " + "<wbr>".join(["x" * 15, "x" * 15, "x" * 10]) + " &lt;b&gt;"
    )


def test_a_table_too_wide_for_a_landscape_page_is_printed_in_parts_each_with_its_row_names() -> None:
    """A table of 24 columns (as T3): two parts, each starting with the service, no part starting
    with an interval's end or a reliability flag; the screen's HTML keeps one table."""
    labels = ["Service", "Limit", "Reporting", "Completed", "Median", "95% CI lower", "95% CI upper"]
    labels += ["Over", "% over", "95% CI lower", "95% CI upper", "Reliability", "Over 52", "Still waiting"]
    labels += ["Median so far", "Over so far", "% over so far", "95% CI lower", "95% CI upper", "Reliability"]
    labels += ["Over 52 so far", "Official %", "Official source", "Note"]
    columns = tuple(Column(f"c{n}", label, "count" if n else "text") for n, label in enumerate(labels))
    table = Table("T9", "Waits", "Subtitle", columns, ({"c0": "EHC", **{f"c{n}": n for n in range(1, 24)}},))
    parts = printed_parts(table_view(table, ()))
    assert len(parts) == 2
    assert all(
        len(part.headers) <= MAX_PRINTED_COLUMNS and part.headers[0].text == "Service" for part in parts
    )
    assert [header.text for part in parts for header in part.headers[1:]] == labels[1:]
    assert [cell.text for part in parts for cell in part.rows[0][1:]] == [str(n) for n in range(1, 24)]
    assert not parts[1].headers[1].text.startswith(("95% CI", "Reliability"))
    assert printed_parts(table_view(replace(table, columns=columns[:16]), ())) == (
        table_view(replace(table, columns=columns[:16]), ()),
    )
    pack = replace(full_sample_pack(), tables=(*full_sample_pack().tables, table))
    printed = render_html(pack, for_pdf=True)
    assert "Table T9, part 1 of 2:" in printed and "Table T9, part 2 of 2:" in printed
    assert 'id="T9"' in printed and 'id="caption-T9-part-2"' in printed
    assert "part 1 of 2" not in render_html(pack)
    assert beyond_the_page(laid_out(pack)) == []
