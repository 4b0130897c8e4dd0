"""Every page of the registry, HTML plus the CSS and JavaScript it loads, is under 50 KB gzipped.

The table of weights is written to test-results/page-weights.txt and printed (see it with ``-s``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext

from tests.browser.conftest import Opened
from tests.browser.registry import REGISTRY, State, pages
from tests.browser.site import Site

pytestmark = pytest.mark.browser

BUDGET = 50 * 1024
REPORT = Path(__file__).resolve().parents[2] / "test-results" / "page-weights.txt"
# page name -> (HTML bytes, total bytes), gzipped
Weights = dict[str, tuple[int, int]]


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, 6))


_FILE_SIZES: dict[str, int] = {}


def file_size(request: APIRequestContext, url: str) -> int:
    """A CSS or JS file's gzipped size, fetched once (a page may have taken it from its cache)."""
    if url not in _FILE_SIZES:
        response = request.get(url)
        assert response.ok, url
        _FILE_SIZES[url] = gzipped(response.body())
    return _FILE_SIZES[url]


@pytest.fixture(scope="session")  # the tests run state by state, between those of other modules
def weights(site: Site) -> Iterator[Weights]:
    measured: Weights = {}
    yield measured
    if not measured:
        return
    lines = [f"{'page (gzip -6 bytes)':<32} {'HTML':>6} {'+ CSS/JS':>9}"]
    lines += [f"{name:<32} {html:>6,} {total:>9,}" for name, (html, total) in measured.items()]
    missing = [state.name for state in REGISTRY if state not in pages(site.endpoints)]
    if missing:
        lines.append(f"not built yet, so not measured: {', '.join(missing)}")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


def test_page_is_under_50kb_gzipped(state_page: Opened, state: State, weights: Weights) -> None:
    page = state_page.page
    document, *loaded = state_page.responses
    files = page.eval_on_selector_all(
        "link[rel=stylesheet], script[src]", "els => els.map(el => el.href || el.src)"
    )
    # Every stylesheet and script the page fetched is one it links to, so all are counted.
    fetched = {r.url for r in loaded if r.request.resource_type in ("stylesheet", "script")}
    assert fetched <= set(files), (state.name, fetched, files)
    html = gzipped(document.body())
    total = html + sum(file_size(page.context.request, url) for url in files)
    weights[state.name] = (html, total)
    assert total < BUDGET, f"{state.name} weighs {total:,} bytes gzipped"
