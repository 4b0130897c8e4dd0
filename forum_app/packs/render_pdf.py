"""A pack as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the pack's HTML.

The PDF is the HTML's print layout (A4, page numbers, repeated table headers), so the two say the same
thing in the same order. PDF/UA-1 gives the structure tree (headings, tables with header cells,
figures with their alt text from the SVG's ``<title>``), ``/Lang`` from ``<html lang>``, the title from
``<title>`` and DisplayDocTitle. The document is self-contained, so WeasyPrint gets a fetcher that
refuses every URL: nothing in a pack may reach the network or the file system.
"""

from __future__ import annotations

from typing import Any, NoReturn

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from forum_app.packs.contents import Pack
from forum_app.packs.render_html import render_html

PDF_VARIANT = "pdf/ua-1"
# Where relative URLs would resolve: not a network address, and the fetcher refuses it anyway.
BASE_URL = "about:blank"


class RefuseAllURLs(URLFetcher):
    """A URL fetcher that fetches nothing (WeasyPrint logs the refusal and leaves the resource out)."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"an evidence pack fetches no URL: {url}")


def laid_out(pack: Pack) -> Document:
    """The pack's print layout: its pages, each with the boxes WeasyPrint placed on it."""
    html = HTML(string=render_html(pack, for_pdf=True), base_url=BASE_URL, url_fetcher=RefuseAllURLs())
    return html.render(pdf_variant=PDF_VARIANT)


def render_pdf(pack: Pack) -> bytes:
    """The pack as PDF/UA-1 bytes."""
    pdf: bytes = laid_out(pack).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
